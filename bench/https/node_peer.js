#!/usr/bin/env node
// The Node.js peer of the throughput benches (a) and (e): POSTs the same bodies to the same nginx at the same
// concurrency as StatusDesk (PER_HOST requests in flight per origin), over keep-alive connections.
//   node node_peer.js LIST CA_FILE PER_HOST h1|h2
// LIST: one "endpoint<TAB>body file<TAB>webhook-id" per line (http:// endpoints go over plain HTTP; CA_FILE
// is then "-"). Prints "requests <n> seconds <s> failed <n>".
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');
const http2 = require('http2');

const [list, caFile, perHostArg, protocol] = process.argv.slice(2);
const ca = caFile === '-' ? undefined : fs.readFileSync(caFile);
const perHost = Number(perHostArg);
const byOrigin = new Map();
for (const line of fs.readFileSync(list, 'utf8').split('\n')) {
  if (!line) continue;
  const [endpoint, bodyFile, id] = line.split('\t');
  const url = new URL(endpoint);
  if (!byOrigin.has(url.origin)) byOrigin.set(url.origin, []);
  byOrigin.get(url.origin).push({url, body: fs.readFileSync(bodyFile), id});
}

let failed = 0;
// HTTP/1.1: one keep-alive agent, PER_HOST sockets per origin (what a webhook sender's pool does).
const agent = new https.Agent({keepAlive: true, maxSockets: perHost, ca});
const plainAgent = new http.Agent({keepAlive: true, maxSockets: perHost});
function postH1(job) {
  const plain = job.url.protocol === 'http:';
  return new Promise((resolve) => {
    const req = (plain ? http : https).request(job.url, {
      method: 'POST', agent: plain ? plainAgent : agent,
      headers: {'content-type': 'application/json', 'content-length': job.body.length, 'webhook-id': job.id},
    }, (res) => {
      if (res.statusCode !== 200) failed++;
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => { failed++; resolve(); });
    req.end(job.body);
  });
}
// HTTP/2: one session per origin, PER_HOST streams in flight on it.
const sessions = new Map();
function postH2(job) {
  let session = sessions.get(job.url.origin);
  if (!session) {
    session = http2.connect(job.url.origin, {ca});
    sessions.set(job.url.origin, session);
  }
  return new Promise((resolve) => {
    const stream = session.request({
      ':method': 'POST', ':path': job.url.pathname, 'content-type': 'application/json',
      'content-length': job.body.length, 'webhook-id': job.id,
    });
    stream.on('response', (headers) => { if (headers[':status'] !== 200) failed++; });
    stream.on('data', () => {});
    stream.on('end', resolve);
    stream.on('error', () => { failed++; resolve(); });
    stream.end(job.body);
  });
}
const post = protocol === 'h2' ? postH2 : postH1;

async function worker(jobs) {
  while (jobs.length) await post(jobs.shift());
}
const started = process.hrtime.bigint();
const workers = [];
let total = 0;
for (const jobs of byOrigin.values()) {
  total += jobs.length;
  for (let i = 0; i < perHost; i++) workers.push(worker(jobs));
}
Promise.all(workers).then(() => {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`requests ${total} seconds ${seconds.toFixed(3)} failed ${failed}`);
  for (const s of sessions.values()) s.close();
  agent.destroy();
  plainAgent.destroy();
});
