#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the casework store's tests.
#
#   eval "$(scripts/postgres.sh)"          # start: prints export lines (NEWSDASH_TEST_PG_URL, NEWSDASH_PG_DIR)
#   scripts/postgres.sh stop "$NEWSDASH_PG_DIR"   # stop it and delete its files
#
# Uses Debian's `postgresql` package (installed with apt-get when missing and we are root). initdb refuses
# to run as root, so as root the cluster runs as the `postgres` user (created by the package). The cluster
# trusts local connections (a test database on the loopback only; never use this for real data).
set -euo pipefail

say() { echo "postgres.sh: $*" >&2; }

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -z "$dir" && $(id -u) -eq 0 ]]; then
        say "installing Debian's postgresql package"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 \
            || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; }
        dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    fi
    [[ -n "$dir" ]] || { say "no PostgreSQL found (apt-get install postgresql)"; exit 1; }
    echo "$dir"
}

# Run a command as the cluster's owner: ourselves, or `postgres` when we are root.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local bin dir port
    bin=$(pg_bin)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/newsdash-pg.XXXXXX")
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
        chown postgres: "$dir"
    fi
    port=$(free_port)
    as_owner "$bin/initdb" -D "$dir/data" -U newsdash --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || as_owner "$bin/initdb" -D "$dir/data" -U newsdash --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >&2 \
        || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U newsdash newsdash
    say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, files in $dir"
    echo "export NEWSDASH_TEST_PG_URL=postgresql+psycopg://newsdash@127.0.0.1:$port/newsdash"
    echo "export NEWSDASH_PG_DIR=$dir"
}

stop() {
    local dir=${1:?usage: postgres.sh stop DIR}
    [[ -d "$dir/data" ]] || { say "$dir holds no cluster"; exit 1; }
    as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
    say "stopped and removed $dir"
}

case "${1:-start}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) say "usage: postgres.sh [start] | postgres.sh stop DIR"; exit 2 ;;
esac
