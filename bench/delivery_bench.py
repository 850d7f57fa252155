#!/usr/bin/env python3
"""Delivery benchmarks against nginx on loopback (a benchmark, not a test).

(a) throughput: MESSAGES webhooks to SUBSCRIBERS subscribers spread over 16 loopback hosts
    (127.0.0.1-127.0.0.16), every attempt persisted by StatusDesk; then three peers send the same bodies to the
    same nginx at the same concurrency (16 hosts x 6 per host = 96) in the same run: `curl --parallel`, the bare
    QNetworkAccessManager loop bench/qnam/qnam_floor (2 managers, nothing persisted) and a Node.js keep-alive
    http.Agent (bench/https/node_peer.js).
(b) hanging endpoints: HANG_SUBSCRIBERS subscribers (default 10,000), of which HANG_COUNT (1,000) hang: each on an
    origin of its own (a port on 127.0.0.200 that listens and never accepts, so it never answers), the rest healthy
    on nginx.
    Prints when the last healthy one succeeded, next to the same healthy fan-out with no hanging endpoints, and
    when the last hanging one was recorded as a timeout, against the 30 s deadline. The global cap is raised to
    2,048 for this run (a setting) so that the 1,000 hanging requests can all be in flight at once.
(c) peak memory of `statusdesk-cli dispatch` with --queued messages waiting (default 100,000).
(d) team mode: the (a) fan-out on one PostgreSQL database (a throw-away cluster, tests/support/pgcluster.sh)
    worked by 1, 2 and 3 `dispatch` processes at once, against one dispatcher on SQLite, same nginx, same run,
    printed as ratios; each id is checked to be delivered once. With --baseline-cli PATH (a statusdesk-cli built
    from the commit before leases), the same SQLite fan-out also runs through that binary: the cost of the lease
    bookkeeping as a ratio.
(e) HTTPS throughput: the (a) fan-out to nginx over TLS (a throw-away CA made for the run, trusted through
    `settings --ca-file`), on an HTTP/1.1 listener and (unless --tls h1) an HTTP/2 one, with peers sending the same
    bodies to the same listener at the same concurrency in the same run: `curl --parallel`, a Node.js client
    (bench/https/node_peer.js: a keep-alive https.Agent with 6 sockets per origin; on HTTP/2 one session per origin
    with 6 streams in flight) and, on HTTP/1.1, the bare QNAM loop. nginx logs each request's protocol, so the run
    checks which one each sender spoke.

Usage: bench/delivery_bench.py [--only a,b,c,d,e] [--repeat 3] [--tls h1,h2] [--baseline-cli PATH] [--subscribers 1000] [--events 20] [--hang-subscribers 10000]
                               [--hang-count 1000] [--memory-messages 100000]
Needs nginx-light, curl, openssl and node (scripts/install-deps.sh installs them) and a build in ./build.
"""
import argparse, json, os, statistics, resource, shutil, socket, sqlite3, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# STATUSDESK_BENCH_CLI: another build (e.g. a copy from before a change) for alternating before/after runs.
CLI = os.environ.get("STATUSDESK_BENCH_CLI") or os.path.join(ROOT, "build", "app", "cli", "statusdesk-cli")
QNAM_FLOOR = os.path.join(ROOT, "build", "bench", "qnam", "qnam_floor")
PORT = 18931
TLS_PORTS = {"h1": 18932, "h2": 18933}  # nginx over TLS: HTTP/1.1 only, and HTTP/2 (ALPN h2)
HOSTS = [f"127.0.0.{i}" for i in range(1, 17)]


def cli(db, *args, check=True):
    return subprocess.run([CLI, "--db", db, *args], check=check, capture_output=True, text=True)


def make_certificates(work):
    """A throw-away CA and a server certificate for the 16 loopback hosts, made fresh for each run."""
    tls = os.path.join(work, "tls")
    os.makedirs(tls)
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tls)
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
        "-subj", "/CN=StatusDesk bench CA", "-keyout", "ca.key", "-out", "ca.pem",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", "server.key", "-out", "server.csr")
    with open(os.path.join(tls, "ext.cnf"), "w") as f:
        f.write("subjectAltName=" + ",".join(f"IP:{h}" for h in HOSTS) + "\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
        "-extfile", "ext.cnf", "-out", "server.pem")
    return tls


def start_nginx(work, tls):
    conf = os.path.join(work, "nginx.conf")
    listens = "\n".join(f"    listen {h}:{PORT} backlog=4096;" for h in HOSTS)
    tls_servers = ""
    for proto, port in TLS_PORTS.items():
        flags = "ssl http2" if proto == "h2" else "ssl"
        tls_listens = "\n".join(f"    listen {h}:{port} {flags} backlog=4096;" for h in HOSTS)
        tls_servers += f"""  server {{
{tls_listens}
    ssl_certificate {tls}/server.pem; ssl_certificate_key {tls}/server.key;
    access_log {work}/protocols-{proto}.log protocol;
    location / {{ client_body_buffer_size 64k; return 200 "ok"; }}
  }}
"""
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
daemon on;
pid {work}/nginx.pid;
error_log {work}/error.log crit;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi;
  uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  keepalive_requests 1000000;
  log_format protocol $server_protocol;
  server {{
{listens}
    location / {{ client_body_buffer_size 64k; return 200 "ok"; }}
  }}
{tls_servers}}}
""")
    subprocess.run(["nginx", "-p", work, "-c", conf], check=True)
    return conf


def stop_nginx(work, conf):
    subprocess.run(["nginx", "-p", work, "-c", conf, "-s", "stop"], check=False)


def populate(db, work, subscribers, events, endpoints=None):
    csv = os.path.join(work, "subs.csv")
    with open(csv, "w") as f:
        f.write("endpoint,email\n")
        for i in range(subscribers):
            endpoint = endpoints[i] if endpoints else f"http://{HOSTS[i % 16]}:{PORT}/s{i}"
            f.write(f"{endpoint},ops{i}@example.com\n")
    cli(db, "subscriber", "import", csv)
    comp = cli(db, "component", "add", "--name", "API").stdout.strip()
    for e in range(events):
        status = "major_outage" if e % 2 == 0 else "operational"
        cli(db, "--queue-only", "component", "set", comp, "--status", status)


def write_peer_inputs(con, work, per_request=""):
    """Every queued body in a file of its own, a curl config sending each one (with `per_request` options)
    and a list "endpoint<TAB>body file<TAB>webhook-id" for the other peers; returns (config, list)."""
    bodies = os.path.join(work, "bodies")
    os.makedirs(bodies)
    cfg = os.path.join(work, "curl.cfg")
    peer_list = os.path.join(work, "peer.tsv")
    with open(cfg, "w") as f, open(peer_list, "w") as fl:
        for i, (mid, body, endpoint) in enumerate(con.execute(
                "select m.id, b.body, s.endpoint from messages m join message_bodies b on b.message_id = m.id "
                "join subscribers s on s.id = m.subscriber_id")):
            path = os.path.join(bodies, f"{i}.json")
            with open(path, "wb") as b:
                b.write(body)
            fl.write(f"{endpoint}\t{path}\t{mid}\n")
            # "next" separates requests (a trailing one would start an empty request) and resets every
            # option, so the per-request ones go into each block.
            f.write(('next\n' if i else '') + f'url = "{endpoint}"\ndata-binary = "@{path}"\n'
                    f'header = "Content-Type: application/json"\nheader = "webhook-id: {mid}"\n'
                    f'output = "/dev/null"\n{per_request}')
    return cfg, peer_list


def throughput(work, subscribers, events):
    db = os.path.join(work, "a.sqlite")
    populate(db, work, subscribers, events)
    total = subscribers * events
    t0 = time.perf_counter()
    out = cli(db, "dispatch").stdout.strip()
    ours = time.perf_counter() - t0
    con = sqlite3.connect(db)
    delivered = con.execute("select count(*) from messages where state='delivered'").fetchone()[0]
    attempts = con.execute("select count(*) from attempts").fetchone()[0]
    # The same bodies through curl --parallel, same receiver, same concurrency.
    cfg, floor_list = write_peer_inputs(con, work)
    con.close()
    t0 = time.perf_counter()
    subprocess.run(["curl", "-s", "--no-progress-meter", "--parallel", "--parallel-max", "96", "--parallel-immediate", "-K", cfg],
                   check=True)
    curl = time.perf_counter() - t0
    ours_rate, curl_rate = total / ours, total / curl
    # The toolkit's own ceiling: a bare QNetworkAccessManager loop, same bodies, same concurrency, no persistence.
    floor_rate = qnam_floor(floor_list)
    one_shot_rate = qnam_floor(floor_list, one_shot=True)
    node_rate = node_peer(floor_list, "-", "h1")
    print(f"(a) {total} messages to {subscribers} subscribers on 16 loopback hosts (nginx)")
    print(f"    StatusDesk: {ours:.2f} s, {ours_rate:.0f} deliveries/s, {delivered} delivered, "
          f"{attempts} attempts persisted   [{out}]")
    print(f"    curl --parallel (96): {curl:.2f} s, {curl_rate:.0f} requests/s")
    print(f"    bare QNetworkAccessManager (2 managers, nothing persisted): {floor_rate:.0f} requests/s; "
          f"with StatusDesk's read-once bodies: {one_shot_rate:.0f} requests/s")
    print(f"    Node.js keep-alive http.Agent (6 per host, 96): {node_rate:.0f} requests/s")
    print(f"    ratio StatusDesk/curl: {ours_rate / curl_rate:.2f}x (target >= 0.3x); StatusDesk/bare QNAM: "
          f"{ours_rate / floor_rate:.2f}x; StatusDesk/Node.js {ours_rate / node_rate:.2f}x")
    return {"rate": ours_rate, "curl": curl_rate, "qnam": floor_rate, "oneshot": one_shot_rate, "node": node_rate}


def qnam_floor(peer_list, ca=None, one_shot=False):
    """Requests/s of bench/qnam/qnam_floor (2 managers, 96 in flight) over the list's bodies and endpoints;
    one_shot: each body as StatusDesk hands it to Qt (a read-once device that Qt can never send twice)."""
    args = [QNAM_FLOOR, peer_list, "96", "2", ca or "-"] + (["oneshot"] if one_shot else [])
    floor = subprocess.run(args, check=True, capture_output=True, text=True).stdout.split()
    assert int(floor[5]) == 0, f"qnam_floor: {floor[5]} requests failed"
    return int(floor[1]) / float(floor[3])


def node_peer(peer_list, ca, proto):
    """Requests/s of bench/https/node_peer.js (6 sockets per origin) over the list's bodies and endpoints."""
    node = subprocess.run(["node", os.path.join(ROOT, "bench", "https", "node_peer.js"), peer_list, ca, "6", proto],
                          check=True, capture_output=True, text=True).stdout.split()
    assert int(node[5]) == 0, f"node_peer.js: {node[5]} requests failed"
    return int(node[1]) / float(node[3])


def summary(name, results, targets):
    """The medians of a row's runs: rates and StatusDesk's ratio to each peer."""
    med = {k: statistics.median(r[k] for r in results) for k in results[0] if k != "spoke"}
    ratios = {k: statistics.median(r["rate"] / r[k] for r in results) for k in ("curl", "qnam", "oneshot", "node")}
    print(f"{name}, medians over {len(results)} run(s): StatusDesk {med['rate']:.0f} deliveries/s, curl "
          f"{med['curl']:.0f}, bare QNAM {med['qnam']:.0f} (read-once bodies {med['oneshot']:.0f}), Node.js "
          f"{med['node']:.0f} requests/s; StatusDesk/curl {ratios['curl']:.2f}x, StatusDesk/bare QNAM "
          f"{ratios['qnam']:.2f}x (read-once bodies {ratios['oneshot']:.2f}x), StatusDesk/Node.js "
          f"{ratios['node']:.2f}x ({targets})")


def protocol_counts(work, proto):
    """How many requests nginx has logged on the `proto` listener so far, by protocol."""
    counts = {}
    path = os.path.join(work, f"protocols-{proto}.log")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                counts[line.strip()] = counts.get(line.strip(), 0) + 1
    return counts


def spoke(work, proto, before):
    after = protocol_counts(work, proto)
    return ", ".join(f"{after[k] - before.get(k, 0)} {k}" for k in sorted(after) if after[k] - before.get(k, 0))


def https_throughput(work, run, tls, proto, subscribers, events):
    """(e): one fan-out over TLS to the `proto` listener, then curl and the Node.js peer with the same bodies."""
    port = TLS_PORTS[proto]
    db = os.path.join(run, "e.sqlite")
    cli(db, "settings", "--ca-file", os.path.join(tls, "ca.pem"))
    populate(db, run, subscribers, events,
             [f"https://{HOSTS[i % 16]}:{port}/s{i}" for i in range(subscribers)])
    total = subscribers * events
    before = protocol_counts(work, proto)
    t0 = time.perf_counter()
    out = cli(db, "dispatch").stdout.strip()
    ours = time.perf_counter() - t0
    ours_spoke = spoke(work, proto, before)
    con = sqlite3.connect(db)
    delivered = con.execute("select count(*) from messages where state='delivered'").fetchone()[0]
    cfg, peer_list = write_peer_inputs(con, run, f'cacert = "{tls}/ca.pem"\n{"http2" if proto == "h2" else "http1.1"}\n')
    con.close()
    before = protocol_counts(work, proto)
    t0 = time.perf_counter()
    subprocess.run(["curl", "-s", "--no-progress-meter", "--parallel", "--parallel-max", "96",
                    "--parallel-immediate", "-K", cfg], check=True)
    curl = time.perf_counter() - t0
    curl_spoke = spoke(work, proto, before)
    before = protocol_counts(work, proto)
    node_rate = node_peer(peer_list, os.path.join(tls, "ca.pem"), proto)
    node_spoke = spoke(work, proto, before)
    floor = ""
    results = {"rate": total / ours, "curl": total / curl, "node": node_rate}
    if proto == "h1":  # the bare loop speaks HTTP/1.1 only, as StatusDesk does
        results["qnam"] = qnam_floor(peer_list, os.path.join(tls, "ca.pem"))
        results["oneshot"] = qnam_floor(peer_list, os.path.join(tls, "ca.pem"), one_shot=True)
        floor = (f"\n    bare QNetworkAccessManager (2 managers, nothing persisted): {results['qnam']:.0f} requests/s; "
                 f"with StatusDesk's read-once bodies: {results['oneshot']:.0f} requests/s")
    rate, curl_rate = results["rate"], results["curl"]
    label = "HTTP/2" if proto == "h2" else "HTTP/1.1"
    print(f"(e) HTTPS, {label}: {total} messages to {subscribers} subscribers on 16 loopback hosts (nginx, TLS)")
    print(f"    StatusDesk: {ours:.2f} s, {rate:.0f} deliveries/s, {delivered} delivered ({ours_spoke})   [{out}]")
    print(f"    curl --parallel (96): {curl:.2f} s, {curl_rate:.0f} requests/s ({curl_spoke})")
    print(f"    Node.js {'http2 sessions' if proto == 'h2' else 'keep-alive https.Agent'} (6 per host, 96): "
          f"{node_rate:.0f} requests/s ({node_spoke}){floor}")
    print(f"    ratio StatusDesk/curl {rate / curl_rate:.2f}x, StatusDesk/Node.js {rate / node_rate:.2f}x" +
          (f", StatusDesk/bare QNAM {rate / results['qnam']:.2f}x" if "qnam" in results else ""))
    return results


HANG_HOST = "127.0.0.200"
HANG_BASE_PORT = 21000


def hang_server(count):
    """Runs in a child process: `count` listening sockets that are never accepted from. The kernel completes
    each handshake and buffers the request, so the sender waits for an answer that never comes, and the
    receiver spends no CPU doing it (a user-space server reading 1,000 sockets would compete for the cores)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    listeners = []
    for i in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((HANG_HOST, HANG_BASE_PORT + i))
        s.listen(64)
        listeners.append(s)
    print("ready", flush=True)
    while True:
        time.sleep(3600)


def fan_out(work, name, healthy, hanging):
    """One event to `healthy` nginx subscribers and `hanging` silent ones; returns per-kind finish times."""
    db = os.path.join(work, f"{name}.sqlite")
    endpoints = [f"http://{HOSTS[i % 16]}:{PORT}/h{i}" for i in range(healthy)]
    endpoints += [f"http://{HANG_HOST}:{HANG_BASE_PORT + i}/x" for i in range(hanging)]
    populate(db, work, len(endpoints), 1, endpoints)
    cli(db, "settings", "--max-in-flight", "2048")
    deadline = json.loads(cli(db, "--json", "settings").stdout)["timeout_ms"]
    t0 = time.time()
    out = cli(db, "dispatch").stdout.strip()
    elapsed = time.time() - t0
    con = sqlite3.connect(db)
    rows = con.execute("select s.endpoint, a.ended_at, a.duration_ms, a.http_status, a.error_class from attempts a "
                       "join subscribers s on s.id = a.subscriber_id").fetchall()
    con.close()
    ok = [r for r in rows if HANG_HOST not in r[0]]
    hung = [r for r in rows if HANG_HOST in r[0]]
    assert all(r[3] == 200 for r in ok) and len(ok) == healthy, "every healthy endpoint answers 200"
    assert all(r[4] == "timeout" for r in hung) and len(hung) == hanging, "every hanging endpoint times out"
    last_ok = max(r[1] for r in ok) / 1000 - t0
    last_hung = (max(r[1] for r in hung) / 1000 - t0) if hung else None
    worst_duration = max((r[2] for r in hung), default=0)
    return {"out": out, "elapsed": elapsed, "last_ok": last_ok, "last_hung": last_hung, "deadline": deadline / 1000,
            "worst_duration": worst_duration / 1000}


def hanging(work, subscribers, count, repeat):
    server = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--hang-server", str(count)],
                              stdout=subprocess.PIPE, text=True)
    healthy = subscribers - count
    ratios, lates = [], []
    try:
        if server.stdout.readline().strip() != "ready":
            sys.exit("the hanging receiver did not start")
        print(f"(b) {subscribers} subscribers, {count} of them hanging (each on its own origin)")
        for i in range(repeat):
            # Alternating the two runs spreads the machine's drift over both.
            base = fan_out(work, f"b-base{i}", healthy, 0)
            mixed = fan_out(work, f"b-mixed{i}", healthy, count)
            ratio = mixed["last_ok"] / base["last_ok"]
            late = mixed["last_hung"] - mixed["deadline"]
            ratios.append(ratio)
            lates.append(late)
            print(f"    run {i + 1}: last healthy success {mixed['last_ok']:.2f} s; the same {healthy} with nothing "
                  f"hanging {base['last_ok']:.2f} s; ratio {ratio:.2f}x. Last hanging one recorded as a timeout "
                  f"{mixed['last_hung']:.2f} s after start ({late:+.2f} s past the {mixed['deadline']:.0f} s "
                  f"deadline; longest attempt {mixed['worst_duration']:.2f} s)  [{mixed['out']}]")
    finally:
        server.kill()
        server.wait()
    print(f"    median ratio {statistics.median(ratios):.2f}x (target <= 1.2x); median lateness "
          f"{statistics.median(lates):+.2f} s, worst {max(lates):+.2f} s (target within 1 s)")


def memory(work, messages):
    db = os.path.join(work, "c.sqlite")
    subscribers = 1000
    populate(db, work, subscribers, max(1, messages // subscribers))
    t0 = time.perf_counter()
    # wait4 reports this child's own peak RSS (RUSAGE_CHILDREN would be the largest of every earlier child).
    child = subprocess.Popen([CLI, "--db", db, "dispatch"], stdout=subprocess.PIPE, text=True)
    out = child.stdout.read().strip()
    _, _, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - t0
    peak_mb = usage.ru_maxrss / 1024
    print(f"(c) {subscribers * max(1, messages // subscribers)} messages queued, then dispatched in {elapsed:.1f} s "
          f"[{out}]")
    print(f"    peak RSS of statusdesk-cli dispatch: {peak_mb:.0f} MB (target < 200 MB)")


def timed_dispatch(db, processes, cli_path=CLI):
    t0 = time.perf_counter()
    children = [subprocess.Popen([cli_path, "--db", db, "dispatch"], stdout=subprocess.PIPE, text=True)
                for _ in range(processes)]
    for c in children:
        c.communicate()
    return time.perf_counter() - t0


def psql_count(url, sql):
    return int(subprocess.run(["psql", url, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip())


def team(work, subscribers, events, repeat, baseline_cli):
    os.chmod(work, 0o755)  # the cluster runs as the postgres user, which must reach its folder
    cluster = os.path.join(work, "pg")
    script = os.path.join(ROOT, "tests", "support", "pgcluster.sh")
    subprocess.run(["bash", script, "start", cluster], check=True, capture_output=True)
    try:
        admin = open(os.path.join(cluster, "url")).read().strip()
        base = admin.rsplit("/", 1)[0]
        total = subscribers * events
        print(f"(d) team mode: {total} messages to {subscribers} subscribers on 16 loopback hosts (nginx)")
        rows = {"sqlite x1": [], "postgresql x1": [], "postgresql x2": [], "postgresql x3": []}
        if baseline_cli:
            rows["sqlite x1, before leases"] = []
        for i in range(repeat):
            run = os.path.join(work, f"d{i}")
            os.makedirs(run)
            # Alternating the runs spreads the machine's drift over all of them.
            db = os.path.join(run, "team.sqlite")
            populate(db, run, subscribers, events)
            rows["sqlite x1"].append(total / timed_dispatch(db, 1))
            if baseline_cli:
                old = os.path.join(run, "baseline.sqlite")
                subprocess.run([baseline_cli, "--db", old, "subscriber", "import", os.path.join(run, "subs.csv")],
                               check=True, capture_output=True)
                comp = subprocess.run([baseline_cli, "--db", old, "component", "add", "--name", "API"], check=True,
                                      capture_output=True, text=True).stdout.strip()
                for e in range(events):
                    subprocess.run([baseline_cli, "--db", old, "--queue-only", "component", "set", comp, "--status",
                                    "major_outage" if e % 2 == 0 else "operational"], check=True, capture_output=True)
                rows["sqlite x1, before leases"].append(total / timed_dispatch(old, 1, baseline_cli))
            for n in (1, 2, 3):
                name = f"bench_{i}_{n}"
                subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
                url = f"{base}/{name}"
                populate(url, run, subscribers, events)
                rate = total / timed_dispatch(url, n)
                delivered = psql_count(url, "select count(*) from messages where state='delivered'")
                ids = psql_count(url, "select count(distinct message_id) from attempts")
                attempts = psql_count(url, "select count(*) from attempts")
                assert delivered == total and ids == total and attempts == total, \
                    f"{n} dispatcher(s): {delivered} delivered, {attempts} attempts for {ids} ids"
                rows[f"postgresql x{n}"].append(rate)
        # Each ratio compares two runs made back to back (the same repeat), so the machine's drift between
        # repeats cancels out; the median of those ratios is the figure.
        sqlite = rows["sqlite x1"]
        for name, rates in rows.items():
            ratios = [r / q for r, q in zip(rates, sqlite)]
            print(f"    {name:26s} " + " / ".join(f"{r:.0f}" for r in rates) +
                  f" deliveries/s; against SQLite x1 in the same repeat " + " / ".join(f"{x:.2f}x" for x in ratios) +
                  f", median {statistics.median(ratios):.2f}x")
        if baseline_cli:
            costs = [1 - q / b for q, b in zip(sqlite, rows["sqlite x1, before leases"])]
            print(f"    lease bookkeeping on SQLite: " + " / ".join(f"{c * 100:+.1f} %" for c in costs) +
                  f" slower than before leases in the same repeat, median {statistics.median(costs) * 100:+.1f} % "
                  f"(target within 10 %)")
    finally:
        subprocess.run(["bash", script, "stop", cluster], check=False, capture_output=True)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--hang-server":
        hang_server(int(sys.argv[2]))
        return
    p = argparse.ArgumentParser()
    p.add_argument("--only", default="a,b,c,e", help="which benchmarks to run, e.g. a,c")
    p.add_argument("--repeat", type=int, default=3, help="runs of (a) and (b); medians are printed")
    p.add_argument("--hang-subscribers", type=int, default=10000)
    p.add_argument("--hang-count", type=int, default=1000)
    p.add_argument("--subscribers", type=int, default=1000)
    p.add_argument("--events", type=int, default=20)
    p.add_argument("--memory-messages", type=int, default=100000)
    p.add_argument("--tls", default="h1,h2", help="(e): which TLS listeners, h1 (HTTP/1.1 only) and/or h2")
    p.add_argument("--baseline-cli", default="", help="(d): a statusdesk-cli from before leases, for their cost")
    a = p.parse_args()
    for tool in ("nginx", "curl", "openssl", "node"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing; run scripts/install-deps.sh")
    work = tempfile.mkdtemp(prefix="statusdesk-bench-")
    tls = make_certificates(work)
    conf = start_nginx(work, tls)
    only = set(a.only.split(","))
    try:
        if "a" in only:
            results = []
            for i in range(a.repeat):
                run = os.path.join(work, f"a{i}")
                os.makedirs(run)
                results.append(throughput(run, a.subscribers, a.events))
            summary("(a) plain HTTP", results, "targets: >= 0.3x curl")
        if "b" in only:
            hanging(work, a.hang_subscribers, a.hang_count, a.repeat)
        if "c" in only and a.memory_messages > 0:
            memory(work, a.memory_messages)
        if "d" in only:
            team(work, a.subscribers, a.events, a.repeat, a.baseline_cli)
        if "e" in only:
            for proto in a.tls.split(","):
                results = []
                for i in range(a.repeat):
                    run = os.path.join(work, f"e-{proto}{i}")
                    os.makedirs(run)
                    results.append(https_throughput(work, run, tls, proto, a.subscribers, a.events))
                if proto == "h1":
                    summary("(e) HTTPS HTTP/1.1", results,
                            "targets: >= 1.0x curl, >= 1.2x Node.js, >= 0.85x bare QNAM")
                else:
                    print(f"(e) HTTPS, h2 listener, medians over {a.repeat} run(s): StatusDesk "
                          f"{statistics.median(r['rate'] for r in results):.0f} deliveries/s; StatusDesk/curl "
                          f"{statistics.median(r['rate'] / r['curl'] for r in results):.2f}x, StatusDesk/Node.js "
                          f"{statistics.median(r['rate'] / r['node'] for r in results):.2f}x")
    finally:
        stop_nginx(work, conf)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
