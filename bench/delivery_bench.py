#!/usr/bin/env python3
"""Delivery benchmarks against nginx on loopback (a benchmark, not a test).

(a) throughput: MESSAGES webhooks to SUBSCRIBERS subscribers spread over 16 loopback hosts
    (127.0.0.1-127.0.0.16), every attempt persisted by StatusDesk; then `curl --parallel` sends the same
    bodies to the same nginx at the same concurrency (16 hosts x 6 per host = 96) in the same run.
(c) peak memory of `statusdesk-cli dispatch` with --queued messages waiting (default 100,000).

Usage: bench/delivery_bench.py [--subscribers 1000] [--events 20] [--memory-messages 100000]
Needs nginx-light and curl (scripts/install-deps.sh installs them) and a build in ./build.
"""
import argparse, os, resource, shutil, sqlite3, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "build", "app", "cli", "statusdesk-cli")
PORT = 18931
HOSTS = [f"127.0.0.{i}" for i in range(1, 17)]


def cli(db, *args, check=True):
    return subprocess.run([CLI, "--db", db, *args], check=check, capture_output=True, text=True)


def start_nginx(work):
    conf = os.path.join(work, "nginx.conf")
    listens = "\n".join(f"    listen {h}:{PORT} backlog=4096;" for h in HOSTS)
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
  server {{
{listens}
    location / {{ client_body_buffer_size 64k; return 200 "ok"; }}
  }}
}}
""")
    subprocess.run(["nginx", "-p", work, "-c", conf], check=True)
    return conf


def stop_nginx(work, conf):
    subprocess.run(["nginx", "-p", work, "-c", conf, "-s", "stop"], check=False)


def populate(db, work, subscribers, events):
    csv = os.path.join(work, "subs.csv")
    with open(csv, "w") as f:
        f.write("endpoint,email\n")
        for i in range(subscribers):
            f.write(f"http://{HOSTS[i % 16]}:{PORT}/s{i},ops{i}@example.com\n")
    cli(db, "subscriber", "import", csv)
    comp = cli(db, "component", "add", "--name", "API").stdout.strip()
    for e in range(events):
        status = "major_outage" if e % 2 == 0 else "operational"
        cli(db, "--queue-only", "component", "set", comp, "--status", status)


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
    bodies = os.path.join(work, "bodies")
    os.makedirs(bodies)
    cfg = os.path.join(work, "curl.cfg")
    with open(cfg, "w") as f:
        for i, (mid, body, endpoint) in enumerate(con.execute(
                "select m.id, b.body, s.endpoint from messages m join message_bodies b on b.message_id = m.id "
                "join subscribers s on s.id = m.subscriber_id")):
            path = os.path.join(bodies, f"{i}.json")
            with open(path, "wb") as b:
                b.write(body)
            # "next" separates requests; a trailing one would start an empty request.
            f.write(('next\n' if i else '') + f'url = "{endpoint}"\ndata-binary = "@{path}"\n'
                    f'header = "Content-Type: application/json"\nheader = "webhook-id: {mid}"\n'
                    f'output = "/dev/null"\n')
    con.close()
    t0 = time.perf_counter()
    subprocess.run(["curl", "-s", "--no-progress-meter", "--parallel", "--parallel-max", "96", "--parallel-immediate", "-K", cfg],
                   check=True)
    curl = time.perf_counter() - t0
    ours_rate, curl_rate = total / ours, total / curl
    print(f"(a) {total} messages to {subscribers} subscribers on 16 loopback hosts (nginx)")
    print(f"    StatusDesk: {ours:.2f} s, {ours_rate:.0f} deliveries/s, {delivered} delivered, "
          f"{attempts} attempts persisted   [{out}]")
    print(f"    curl --parallel (96): {curl:.2f} s, {curl_rate:.0f} requests/s")
    print(f"    ratio StatusDesk/curl: {ours_rate / curl_rate:.2f}x (target >= 0.3x)")


def memory(work, messages):
    db = os.path.join(work, "c.sqlite")
    subscribers = 1000
    populate(db, work, subscribers, max(1, messages // subscribers))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    out = cli(db, "dispatch").stdout.strip()
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"(c) {subscribers * max(1, messages // subscribers)} messages queued, then dispatched in {elapsed:.1f} s "
          f"[{out}]")
    print(f"    peak RSS of statusdesk-cli: {peak_mb:.0f} MB (target < 200 MB; largest child so far, "
          f"{before / 1024:.0f} MB before)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--subscribers", type=int, default=1000)
    p.add_argument("--events", type=int, default=20)
    p.add_argument("--memory-messages", type=int, default=100000)
    a = p.parse_args()
    for tool in ("nginx", "curl"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing; run scripts/install-deps.sh")
    work = tempfile.mkdtemp(prefix="statusdesk-bench-")
    conf = start_nginx(work)
    try:
        throughput(work, a.subscribers, a.events)
        if a.memory_messages > 0:
            memory(work, a.memory_messages)
    finally:
        stop_nginx(work, conf)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
