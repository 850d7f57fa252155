#!/usr/bin/env python3
"""Report export benchmark (issue 11, streaming exports). Not a test: prints figures against a peer.

(r) `statusdesk-cli report --format csv` over a store of --attempts attempts (default 1,000,000), and
    `sqlite3 -csv` dumping the same rows (the same join, filter and order) from the same file in the same
    run: wall time and peak RSS of each, and the ratios (targets: <= 1.5x sqlite3's time, <= 64 MB).
(s) `statusdesk-cli --json subscriber list` over --subscribers subscribers (default 100,000): wall time and
    peak RSS (target <= 64 MB), next to `sqlite3 -json` over the same rows.

The stores are created by statusdesk-cli (so the schema is ours) and filled with SQL by sqlite3 (recursive
CTEs). Peak RSS is the child's own ru_maxrss (os.wait4), wall time from the monotonic clock. Runs alternate
the tool first and the peer first; medians are printed.

Usage: bench/report_bench.py [--attempts 1000000] [--subscribers 100000] [--repeat 3] [--only r,s]
                             [--cli PATH] [--keep DIR]
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "build", "app", "cli", "statusdesk-cli")

# The rows `report` reads: attempts joined to their message and subscriber, every filter open, start order.
PEER_REPORT_SQL = (
    "SELECT a.started_at, a.message_id, m.kind, m.subject_name, a.endpoint, a.attempt_number, a.trigger, "
    "a.http_status, a.duration_ms, a.error_class, a.error_text FROM attempts a "
    "JOIN messages m ON m.id = a.message_id JOIN subscribers s ON s.id = m.subscriber_id "
    "WHERE a.started_at >= 0 ORDER BY a.started_at, a.id")
PEER_SUBSCRIBER_SQL = (
    "SELECT id, endpoint, email, component_ids, secret, previous_secret, previous_secret_expires_at, "
    "unsubscribe_token, state, created_at, quarantined_at, purge_at, unsubscribed_at FROM subscribers "
    "WHERE state != 'unsubscribed' ORDER BY created_at, id")


def run_measured(argv, stdout_path, env=None):
    """Runs argv with stdout to a file; returns (seconds, peak RSS in MB) of that child alone."""
    with open(stdout_path, "wb") as out:
        start = time.monotonic()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.monotonic() - start
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv[:4])}... failed: {err.strip()}")
    return elapsed, usage.ru_maxrss / 1024.0


def sqlite(db, sql):
    subprocess.run(["sqlite3", db], input=sql.encode(), check=True, stdout=subprocess.DEVNULL)


def create_store(cli, db):
    # Any command opens (and so creates and migrates) the database.
    subprocess.run([cli, "--db", db, "page", "show"], check=True, stdout=subprocess.DEVNULL)


def fill_attempts(db, attempts, subscribers=1000, per_message=4):
    messages = (attempts + per_message - 1) // per_message
    t0 = 1_790_000_000_000  # ms since the epoch (2026)
    sqlite(db, f"""
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {subscribers})
INSERT INTO subscribers (id, endpoint, email, component_ids, secret, unsubscribe_token, state, created_at)
SELECT printf('sub_%06d', i),
       CASE WHEN i % 50 = 0 THEN printf('https://hook:s3cret@hooks%d.example.com/s/%d', i % 16, i)
            ELSE printf('https://hooks%d.example.com/s/%d', i % 16, i) END,
       printf('ops%d@example.com', i), '[]', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', printf('tok_%d', i),
       'active', {t0} + i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {messages})
INSERT INTO messages (id, subscriber_id, kind, subject_id, subject_name, event_id, created_at, state,
                      attempts, updated_at)
SELECT printf('msg_%08d', i), printf('sub_%06d', 1 + i % {subscribers}),
       CASE WHEN i % 3 = 0 THEN 'incident' ELSE 'component' END, printf('c%d', i % 40),
       CASE WHEN i % 97 = 0 THEN '=HYPERLINK("http://x.example/")' ELSE printf('API, region %d', i % 40) END,
       printf('evt_%d', i / 1000), {t0} + i * 10, 'delivered', {per_message}, {t0} + i * 10 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {attempts - 1})
INSERT INTO attempts (message_id, subscriber_id, endpoint, attempt_number, trigger, started_at, ended_at,
                      duration_ms, http_status, error_class, error_text)
SELECT printf('msg_%08d', 1 + i / {per_message}), printf('sub_%06d', 1 + (1 + i / {per_message}) % {subscribers}),
       -- every 50th as an older, unredacted row would be: the report must redact it
       printf(CASE WHEN i % 50 = 0 THEN 'https://hook:s3cret@hooks%d.example.com/s/%d'
                   ELSE 'https://hooks%d.example.com/s/%d' END,
              (1 + (1 + i / {per_message}) % {subscribers}) % 16, 1 + (1 + i / {per_message}) % {subscribers}),
       1 + i % {per_message}, CASE WHEN i % {per_message} = 0 THEN 'automatic' ELSE 'retry' END,
       {t0} + i * 3, {t0} + i * 3 + (i * 37) % 900, (i * 37) % 900,
       CASE WHEN i % {per_message} = {per_message - 1} THEN 200 WHEN i % 7 = 0 THEN 0 ELSE 500 END,
       CASE WHEN i % {per_message} = {per_message - 1} THEN NULL WHEN i % 7 = 0 THEN 'timeout' ELSE 'http_5xx' END,
       CASE WHEN i % {per_message} = {per_message - 1} THEN NULL WHEN i % 7 = 0 THEN 'no answer within 30000 ms'
            ELSE 'HTTP 500: Internal Server Error, "upstream"' END
FROM n;
COMMIT;
""")


def fill_subscribers(db, count):
    t0 = 1_790_000_000_000
    sqlite(db, f"""
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
INSERT INTO subscribers (id, endpoint, email, component_ids, secret, unsubscribe_token, state, created_at)
SELECT printf('sub_%07d', i), printf('https://hooks%d.example.com/statuspage/webhook/%d', i % 64, i),
       printf('ops+%d@example.com', i), CASE WHEN i % 5 = 0 THEN '["cmp_a","cmp_b"]' ELSE '[]' END,
       'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', printf('tok_%d', i),
       CASE WHEN i % 100 = 0 THEN 'quarantined' ELSE 'active' END, {t0} + i FROM n;
COMMIT;
""")


def line_count(path):
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def median(xs):
    return statistics.median(xs)


def bench_report(args, work):
    db = os.path.join(work, "report.sqlite")
    t = time.monotonic()
    create_store(args.cli, db)
    fill_attempts(db, args.attempts)
    print(f"(r) store: {args.attempts:,} attempts filled in {time.monotonic() - t:.1f} s "
          f"({os.path.getsize(db) / 1e6:.0f} MB)", flush=True)
    ours_csv = os.path.join(work, "report.csv")
    peer_csv = os.path.join(work, "peer.csv")
    ours_t, ours_m, peer_t, peer_m = [], [], [], []
    for rep in range(args.repeat):
        def ours():
            s, m = run_measured([args.cli, "--db", db, "report", "--format", "csv", "--out", "-"], ours_csv)
            ours_t.append(s); ours_m.append(m)

        def peer():
            s, m = run_measured(["sqlite3", "-csv", "-header", db, PEER_REPORT_SQL], peer_csv)
            peer_t.append(s); peer_m.append(m)

        for step in ((ours, peer) if rep % 2 == 0 else (peer, ours)):
            step()
        print(f"    run {rep + 1}: statusdesk-cli {ours_t[-1]:.2f} s / {ours_m[-1]:.1f} MB, "
              f"sqlite3 -csv {peer_t[-1]:.2f} s / {peer_m[-1]:.1f} MB: {ours_t[-1] / peer_t[-1]:.2f}x", flush=True)
    rows = line_count(ours_csv) - 1
    peer_rows = line_count(peer_csv) - 1
    if rows != args.attempts or peer_rows != args.attempts:
        sys.exit(f"row counts differ: statusdesk-cli {rows:,}, sqlite3 {peer_rows:,}, expected {args.attempts:,}")
    ratio = median(ours_t) / median(peer_t)
    print(f"(r) report --format csv, {rows:,} rows: statusdesk-cli median {median(ours_t):.2f} s, "
          f"peak RSS {max(ours_m):.1f} MB; sqlite3 -csv median {median(peer_t):.2f} s, peak RSS "
          f"{max(peer_m):.1f} MB; time ratio {ratio:.2f}x (target <= 1.5x), memory "
          f"{'within' if max(ours_m) <= 64 else 'OVER'} 64 MB", flush=True)


def bench_subscribers(args, work):
    db = os.path.join(work, "subscribers.sqlite")
    create_store(args.cli, db)
    fill_subscribers(db, args.subscribers)
    ours_json = os.path.join(work, "subscribers.json")
    peer_json = os.path.join(work, "peer-subscribers.json")
    ours_t, ours_m, peer_t, peer_m = [], [], [], []
    for rep in range(args.repeat):
        def ours():
            s, m = run_measured([args.cli, "--db", db, "--json", "subscriber", "list"], ours_json)
            ours_t.append(s); ours_m.append(m)

        def peer():
            s, m = run_measured(["sqlite3", "-json", db, PEER_SUBSCRIBER_SQL], peer_json)
            peer_t.append(s); peer_m.append(m)

        for step in ((ours, peer) if rep % 2 == 0 else (peer, ours)):
            step()
    import json
    with open(ours_json) as f:
        listed = len(json.load(f))
    if listed != args.subscribers:
        sys.exit(f"subscriber list returned {listed:,}, expected {args.subscribers:,}")
    print(f"(s) --json subscriber list, {listed:,} subscribers: statusdesk-cli median {median(ours_t):.2f} s, "
          f"peak RSS {max(ours_m):.1f} MB (target <= 64 MB); sqlite3 -json median {median(peer_t):.2f} s, "
          f"peak RSS {max(peer_m):.1f} MB", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--attempts", type=int, default=1_000_000)
    ap.add_argument("--subscribers", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default="r,s")
    ap.add_argument("--cli", default=CLI)
    ap.add_argument("--keep", help="work in this folder and leave the stores and outputs there")
    args = ap.parse_args()
    if not shutil.which("sqlite3"):
        sys.exit("sqlite3 is missing (scripts/install-deps.sh installs it)")
    work = args.keep or tempfile.mkdtemp(prefix="sd-report-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        only = set(args.only.split(","))
        if "r" in only:
            bench_report(args, work)
        if "s" in only:
            bench_subscribers(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
