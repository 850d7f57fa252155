#!/usr/bin/env node
// A TLS receiver that says, for each request, whether its connection resumed an earlier TLS session:
// answers 200 with the body "resumed" or "full" (Node's tlsSocket.isSessionReused()) and closes the
// connection, so the client's next request needs a new handshake. tst_transport starts it.
//   node resumptionreceiver.js CERT KEY TLSv1.2|TLSv1.3    (prints the port it listens on)
'use strict';
const fs = require('fs');
const https = require('https');

const [cert, key, version] = process.argv.slice(2);
const server = https.createServer(
  {cert: fs.readFileSync(cert), key: fs.readFileSync(key), minVersion: version, maxVersion: version},
  (req, res) => {
    req.resume();
    req.on('end', () => {
      const body = req.socket.isSessionReused() ? 'resumed' : 'full';
      res.writeHead(200, {'Content-Type': 'text/plain', 'Content-Length': body.length, 'Connection': 'close'});
      res.end(body);
    });
  });
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
