#!/usr/bin/env bash
# A two-node Ray cluster on this machine (a head and one worker, one CPU each by default), for trying
# `python -m core build ... --engine ray --address ...` by hand. What tests/engines/test_ray_cluster.py
# does, as a script.
#
#   scripts/ray_cluster.sh start [DIR]   start it; prints the address and the variables a driver needs
#   scripts/ray_cluster.sh stop  [DIR]   stop it (only the processes this script started)
#   scripts/ray_cluster.sh env   [DIR]   print the driver's variables again (eval "$(... env)")
#
# DIR (default /tmp/newsdash-ray) holds the token, Ray's temp dir (logs, sockets) and the pids.
# Everything listens on 127.0.0.1 only: both nodes run Ray's CLI through `python -m core.engines.ray`,
# which keeps 127.0.0.1 as the node address (Ray 2.60 would replace it by the machine's outward IP
# and listen on every interface). Token authentication is on: `ray get-auth-token --generate` writes
# the token to DIR/.ray/auth_token (HOME pointed at DIR, so ~/.ray is not touched) and every node and
# the driver get RAY_AUTH_MODE=token and RAY_AUTH_TOKEN_PATH. Knobs: PORT (GCS port, default a free
# one), CPUS (per node, default 1), WORKERS (worker nodes, default 1), PYTHON (default .venv/bin/python).
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
PYTHON=${PYTHON:-$REPO/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)
RAY=$(dirname "$PYTHON")/ray
CMD=${1:-}
DIR=${2:-/tmp/newsdash-ray}
CPUS=${CPUS:-1}
WORKERS=${WORKERS:-1}

driver_env() {
    echo "export RAY_AUTH_MODE=token"
    echo "export RAY_AUTH_TOKEN_PATH=$DIR/.ray/auth_token"
    echo "export RAY_USAGE_STATS_ENABLED=0"
    echo "# then: python -m core build INPUT --out BUNDLE --engine ray --address $(cat "$DIR/address")"
}

# Start one node (`ray start` args) in a session of its own; record the session id.
start_node() {
    setsid -w bash -c 'echo $$ >> "$0/sessions"; exec "$@"' "$DIR" \
        "$PYTHON" -m core.engines.ray start --node-ip-address 127.0.0.1 --num-cpus "$CPUS" \
        --object-store-memory $((200 * 1024 * 1024)) --temp-dir "$DIR/rt" --disable-usage-stats "$@" \
        >>"$DIR/start.log" 2>&1 || { echo "ray start failed; see $DIR/start.log" >&2; tail -20 "$DIR/start.log" >&2; return 1; }
}

# The processes of the recorded sessions and all their descendants (Ray's workers get sessions of
# their own, but stay children of their node's raylet).
cluster_pids() {
    [ -f "$DIR/sessions" ] || return 0
    ps -eo pid=,ppid=,sid=,stat= | awk -v sessions="$(tr '\n' ' ' <"$DIR/sessions")" '
        BEGIN { n = split(sessions, s, " "); for (i = 1; i <= n; i++) want[s[i]] = 1 }
        $4 !~ /^Z/ { parent[$1] = $2; if ($3 in want) mine[$1] = 1 }
        END {
            do { grew = 0; for (p in parent) if (!(p in mine) && (parent[p] in mine)) { mine[p] = 1; grew = 1 } } while (grew)
            for (p in mine) print p
        }'
}

case "$CMD" in
start)
    if [ -s "$DIR/sessions" ] && [ -n "$(cluster_pids)" ]; then
        echo "a cluster from $DIR is running; stop it first: $0 stop $DIR" >&2
        exit 1
    fi
    mkdir -p "$DIR"
    : >"$DIR/sessions"
    : >"$DIR/start.log"
    export RAY_USAGE_STATS_ENABLED=0 RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH="$DIR/.ray/auth_token"
    unset RAY_AUTH_TOKEN RAY_ADDRESS
    [ -s "$DIR/.ray/auth_token" ] || env -u RAY_AUTH_TOKEN_PATH HOME="$DIR" "$RAY" get-auth-token --generate >/dev/null 2>>"$DIR/start.log"
    PORT=${PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    echo "127.0.0.1:$PORT" >"$DIR/address"
    start_node --head --port "$PORT" --include-dashboard false
    for _ in $(seq "$WORKERS"); do
        start_node --address "127.0.0.1:$PORT"
    done
    echo "Ray cluster at 127.0.0.1:$PORT: a head and $WORKERS worker node(s), $CPUS CPU(s) each; logs in $DIR/rt"
    echo "For a driver (or: eval \"\$($0 env $DIR)\"):"
    driver_env
    ;;
stop)
    # the whole tree first: a worker whose raylet dies is re-parented and would drop out of it
    pids=$(cluster_pids)
    alive() { for p in $pids; do [ -d "/proc/$p" ] && ! grep -q '^[^)]*) Z' "/proc/$p/stat" 2>/dev/null && echo "$p"; done; true; }
    for sig in TERM KILL; do
        [ -n "$(alive)" ] || break
        # shellcheck disable=SC2046
        kill -s "$sig" $(alive) 2>/dev/null || true
        for _ in $(seq 25); do
            [ -n "$(alive)" ] || break
            sleep 0.2
        done
    done
    if [ -n "$(alive)" ]; then
        echo "some processes survived: $(alive | tr '\n' ' ')" >&2
        exit 1
    fi
    rm -f "$DIR/sessions" "$DIR/address"
    echo "stopped the Ray cluster of $DIR"
    ;;
env)
    driver_env
    ;;
*)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
