#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the "_pg" test variants (ctest fixture "pg").
#
#   pgcluster.sh start DIR   initdb, start the server on a free 127.0.0.1 port, write the admin URL (role
#                            "statusdesk", password, CREATEDB) into DIR/url
#   pgcluster.sh stop DIR    stop that server and remove DIR
#
# Data, log and unix socket live in DIR. The server listens only on 127.0.0.1, with durability switched off
# (fsync, synchronous_commit, full_page_writes): nothing here outlives the test run. As root (CI) the server
# runs as the "postgres" OS user, since initdb and postgres refuse root; otherwise as the caller. Debian's
# system cluster (port 5432), if any, is never used.
#
# When that user cannot reach DIR (a parent folder such as /root is not searchable for it) or DIR is too long
# for a unix socket path, the data, log and socket go to a private folder made with mktemp under /tmp instead,
# named in DIR/home and removed by stop.
#
# Several ctest runs may share one build folder (and so one DIR): each start records its caller (the ctest
# process, $PPID) in DIR/users, a start while the server runs for another live caller reuses it, and stop only
# stops the server once no recorded caller is left alive. A caller that died without stopping (a killed ctest)
# no longer counts. Start and stop are serialised with flock on this script file.
set -euo pipefail

readonly ROLE=statusdesk
readonly PASSWORD=statusdesk-test-pw
readonly MARKER=.statusdesk-pgcluster
readonly TMP_PREFIX=/tmp/statusdesk-pgcluster.

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}
[ $# -eq 2 ] || usage
command=$1
dir=$2
[ -n "$dir" ] || usage
case "$dir" in
/*) ;;
*) dir="$PWD/$dir" ;;
esac
dir=${dir%/}

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
    echo "pgcluster: PostgreSQL server binaries not found (Debian package postgresql; or set PG_BINDIR)" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    owner=postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    owner=$(id -un)
    as_owner() { "$@"; }
fi

caller=${PGCLUSTER_CALLER:-$PPID}

# Where the data, log and socket are: DIR, or the private folder named in DIR/home.
home_of() {
    if [ -f "$dir/home" ]; then cat "$dir/home"; else echo "$dir"; fi
}

# The callers recorded in DIR/users that are still alive, one per line, minus $1 (if given).
live_callers() {
    [ -f "$dir/users" ] || return 0
    local pid
    while read -r pid; do
        if [ -n "$pid" ] && [ "$pid" != "${1:-}" ] && kill -0 "$pid" 2>/dev/null; then
            echo "$pid"
        fi
    done <"$dir/users" | sort -u
}

running() {
    [ -f "$dir/$MARKER" ] && [ -s "$dir/url" ] &&
        as_owner "$bindir/pg_ctl" status -D "$(home_of)/data" >/dev/null 2>&1
}

# Stops a server left in DIR (by an earlier run) and removes DIR (and its private folder), but only what this
# script made.
teardown() {
    [ -e "$dir" ] || return 0
    if [ ! -f "$dir/$MARKER" ]; then
        echo "pgcluster: $dir exists and was not made by pgcluster.sh; not touching it" >&2
        return 1
    fi
    local home
    home=$(home_of)
    if [ -f "$home/data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" stop -D "$home/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
    fi
    if [ "$home" != "$dir" ] && [[ "$home" == "$TMP_PREFIX"* ]] && [ -f "$home/$MARKER" ]; then
        rm -rf -- "$home"
    fi
    rm -rf -- "$dir"
}

# A port nothing on this machine uses (from /proc/net/tcp*, so no extra tool is needed). Another process may
# still take it before the server binds it; start() then tries another.
free_port() {
    local used port
    used=$(awk 'NR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null |
        while read -r hex; do if [ -n "$hex" ]; then echo $((16#$hex)); fi; done | sort -u)
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if ! grep -qx "$port" <<<"$used"; then
            echo "$port"
            return 0
        fi
    done
    echo "pgcluster: no free port found" >&2
    return 1
}

start() {
    local others
    others=$(live_callers "$caller")
    if [ -n "$others" ] && running; then
        { echo "$others"; echo "$caller"; } >"$dir/users"
        echo "pgcluster: reusing the server in $dir (also used by pid $(echo $others | tr ' ' ','))"
        return 0
    fi
    teardown
    mkdir -p -- "$dir"
    touch "$dir/$MARKER"
    chown "$owner" "$dir"
    chmod 0700 "$dir"
    local home=$dir
    # A unix socket path (DIR/.s.PGSQL.NNNNN) is limited to 107 bytes.
    if ! as_owner test -w "$dir" || [ ${#dir} -gt 90 ]; then
        chown "$(id -un)" "$dir"
        home=$(mktemp -d "${TMP_PREFIX}XXXXXX")
        touch "$home/$MARKER"
        chown "$owner" "$home"
        chmod 0700 "$home"
        echo "$home" >"$dir/home"
    fi

    as_owner "$bindir/initdb" -D "$home/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        teardown
        exit 1
    }
    cat >"$home/data/pg_hba.conf" <<'EOF'
# pgcluster.sh: socket in the cluster folder trusted (setup only), TCP on loopback by password
local all all                trust
host  all all 127.0.0.1/32   scram-sha-256
EOF

    local port="" attempt
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        cat >"$home/data/postgresql.auto.conf" <<EOF
# pgcluster.sh: a throw-away test cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$home'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
logging_collector = off
EOF
        # 9<&-: the server must not inherit the lock on this script (it would hold it for its whole life).
        if as_owner "$bindir/pg_ctl" start -D "$home/data" -l "$home/postgres.log" -w -t 60 >/dev/null 9<&-; then
            break
        fi
        echo "pgcluster: start on port $port failed (attempt $attempt):" >&2
        tail -n 5 "$home/postgres.log" >&2 || true
        port=""
    done
    if [ -z "$port" ]; then
        teardown
        exit 1
    fi

    as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$home" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >/dev/null
    echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$port/postgres" >"$dir/url"
    chmod 0644 "$dir/url"
    echo "$caller" >"$dir/users"
    echo "pgcluster: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $home"
}

exec 9<"${BASH_SOURCE[0]}"
flock 9

case "$command" in
start) start ;;
stop)
    if [ -f "$dir/$MARKER" ]; then
        others=$(live_callers "$caller")
        if [ -n "$others" ]; then
            echo "$others" >"$dir/users"
            echo "pgcluster: $dir is still used by pid $(echo $others | tr ' ' ','); left running"
            exit 0
        fi
    fi
    teardown
    echo "pgcluster: stopped, $dir removed"
    ;;
*) usage ;;
esac
