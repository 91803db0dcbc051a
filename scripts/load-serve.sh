#!/bin/sh
# Load and fault test of `ksym serve` on loopback (run by hand, never by CI; figures go
# to docs/performance.md). Needs ../shared and python3.
#
# 1. The reports of the shared 6.1 consoles and panic logs (x86_64 and arm64), cut one
#    per file, with what `ksym decode` prints for each.
# 2. Baseline: one `ksym decode` process per report, 2 at a time, for $BASE_SECONDS.
# 3. Load: $CLIENTS concurrent clients (examples/load-serve.rs, one persistent connection
#    each) POST the reports for $SECONDS to one server whose store holds both kernels;
#    every answer is compared with the CLI's. Then the same with a new connection per
#    request, for $CLOSE_SECONDS.
# 4. Faults: clients gone mid-body; malformed and oversized requests; $IDLE idle
#    connections with requests answered (and checked) meanwhile; a slowloris (answered
#    408 at --timeout); debuginfod upstream down (closed port) and hung (accepts, never
#    answers) with decode clients meanwhile.
# 5. Peak RSS of the server (VmHWM).
#
# Environment: CLIENTS (32), SECONDS (60), CLOSE_SECONDS (20), BASE_SECONDS (20),
# WARMUP_SECONDS (5), HUNG_SECONDS (10), IDLE (1000), FAULT_TIMEOUT (10: the faults
# server's --timeout, which the slowloris waits for), SOAK_SECONDS (0: no soak; 600 for
# the 10-minute soak, RSS sampled every 10 s). A short run that checks every step works:
#   SECONDS=5 CLOSE_SECONDS=3 BASE_SECONDS=3 WARMUP_SECONDS=2 HUNG_SECONDS=5 \
#   FAULT_TIMEOUT=3 scripts/load-serve.sh
set -eu
cd "$(dirname "$0")/.."
CLIENTS=${CLIENTS:-32}
SECONDS_LOAD=${SECONDS:-60}
CLOSE_SECONDS=${CLOSE_SECONDS:-20}
BASE_SECONDS=${BASE_SECONDS:-20}
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
HUNG_SECONDS=${HUNG_SECONDS:-10}
IDLE=${IDLE:-1000}
FAULT_TIMEOUT=${FAULT_TIMEOUT:-10}
SOAK_SECONDS=${SOAK_SECONDS:-0}
SHARED=../shared/kernels
CLIENT=scripts/load-serve-client.py
[ -d "$SHARED" ] || { echo "load-serve.sh: $SHARED is missing" >&2; exit 2; }
command -v python3 >/dev/null || { echo "load-serve.sh: python3 is missing" >&2; exit 2; }

cargo build --release -j2 -q --bin ksym --example load-serve
BIN=$PWD/target/release/ksym
LOAD=$PWD/target/release/examples/load-serve
W=$(mktemp -d /tmp/ksym-load-serve.XXXXXX)
SERVER=; SINK=
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
    [ -n "$SINK" ] && kill "$SINK" 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT INT TERM
export KSYM_CACHE_DIR="$W/index-cache"
export DEBUGINFOD_CACHE_PATH="$W/debuginfod-cache"
unset DEBUGINFOD_URLS

for a in x86_64-thin arm64-thin; do
    mkdir -p "$W/store/$a"
    xz -dc "$SHARED/$a/vmlinux.xz" >"$W/store/$a/vmlinux"
    xz -dc "$SHARED/$a/lkdtm.ko.xz" >"$W/store/$a/lkdtm.ko"
done
specs=
for a in x86_64-thin arm64-thin; do
    for l in console.log panic.log; do
        specs="$specs $SHARED/$a/$l,$W/store/$a/vmlinux,$W/store/$a"
    done
done
# shellcheck disable=SC2086
python3 "$CLIENT" split --bin "$BIN" --out "$W/reports" $specs

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), ksym $(git describe --always --dirty)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "baseline (one ksym decode per report, 2 at a time):"
python3 "$CLIENT" baseline --bin "$BIN" --reports "$W/reports" --seconds "$BASE_SECONDS"

start_server() { # ARGS...
    rm -f "$W/addr"
    "$BIN" serve --listen 127.0.0.1:0 --store "$W/store" "$@" >"$W/addr" 2>>"$W/server.log" &
    SERVER=$!
    i=0
    while ! grep -q listening "$W/addr" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 600 ] || { echo "server did not start" >&2; exit 2; }
        sleep 0.1
    done
    ADDR=$(sed 's/listening on //' "$W/addr")
}
stop_server() {
    kill -TERM "$SERVER"; wait "$SERVER" || { echo "server exit $?" >&2; exit 2; }; SERVER=
}
hwm() { grep VmHWM "/proc/$SERVER/status" | awk '{print $2 / 1024 " MiB"}'; }

cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; } # user + system, in ticks
ticks=$(getconf CLK_TCK)
start_server
echo "warm-up:"
"$LOAD" --addr "$ADDR" --reports "$W/reports" --clients 2 --seconds "$WARMUP_SECONDS"
echo "load ($CLIENTS clients, persistent connections, $SECONDS_LOAD s):"
c0=$(cpu)
"$LOAD" --addr "$ADDR" --reports "$W/reports" --clients "$CLIENTS" --seconds "$SECONDS_LOAD" | tee "$W/load.json"
c1=$(cpu)
n=$(sed 's/.*"requests": \([0-9]*\).*/\1/' "$W/load.json")
echo "server CPU (user + system) per request: $(awk -v a="$c0" -v b="$c1" -v t="$ticks" -v n="$n" 'BEGIN { printf "%.3f", (b - a) * 1000 / t / n }') ms"
echo "server peak RSS: $(hwm)"
echo "load during: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load ($CLIENTS clients, a new connection per request, $CLOSE_SECONDS s):"
"$LOAD" --addr "$ADDR" --reports "$W/reports" --clients "$CLIENTS" --seconds "$CLOSE_SECONDS" --close
if [ "$SOAK_SECONDS" -gt 0 ]; then
    echo "soak ($SOAK_SECONDS s, RSS every 10 s in MiB):"
    "$LOAD" --addr "$ADDR" --reports "$W/reports" --clients "$CLIENTS" --seconds "$SOAK_SECONDS" --max-requests 100000000 &
    C=$!
    rss=
    while kill -0 $C 2>/dev/null; do
        rss="$rss $(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$SERVER/status")"
        sleep 10
    done
    wait $C
    echo "RSS:$rss"
fi
echo "faults (gone mid-body, malformed, oversized, $IDLE idle connections, a slowloris):"
stop_server
start_server --timeout "$FAULT_TIMEOUT" --max-body 16777216
python3 "$CLIENT" faults --addr "$ADDR" --reports "$W/reports" --idle "$IDLE"
echo "server peak RSS after faults: $(hwm)"
stop_server

id=00112233445566778899aabbccddeeff00112233
q="{\"build_id\": \"$id\", \"inputs\": [\"f+0x1\"]}"
echo "debuginfod down (closed port): faddr2line of an id in no store:"
start_server --debuginfod http://127.0.0.1:9
python3 - "$ADDR" "$q" <<'PY'
import sys, time, importlib.util
spec = importlib.util.spec_from_file_location("c", "scripts/load-serve-client.py")
c = importlib.util.module_from_spec(spec); spec.loader.exec_module(c)
t = time.monotonic(); st, _ = c.request(sys.argv[1], "POST", "/v1/faddr2line", sys.argv[2].encode())
print({"status": st, "ms": round((time.monotonic() - t) * 1000, 1)})
PY
stop_server
echo "debuginfod hung (accepts, never answers; DEBUGINFOD_TIMEOUT=3): that request, and"
echo "decode requests meanwhile (8 clients, $HUNG_SECONDS s):"
python3 "$CLIENT" sink --seconds 60 >"$W/sink" &
SINK=$!
while [ ! -s "$W/sink" ]; do sleep 0.1; done
export DEBUGINFOD_TIMEOUT=3
start_server --debuginfod "http://127.0.0.1:$(cat "$W/sink")"
python3 - "$ADDR" "$q" <<'PY' &
import sys, time, importlib.util
spec = importlib.util.spec_from_file_location("c", "scripts/load-serve-client.py")
c = importlib.util.module_from_spec(spec); spec.loader.exec_module(c)
for _ in range(3):
    t = time.monotonic(); st, _ = c.request(sys.argv[1], "POST", "/v1/faddr2line", sys.argv[2].encode())
    print({"hung_upstream_status": st, "ms": round((time.monotonic() - t) * 1000, 1)})
PY
P=$!
"$LOAD" --addr "$ADDR" --reports "$W/reports" --clients 8 --seconds "$HUNG_SECONDS"
wait $P
stop_server
kill "$SINK" 2>/dev/null || true; SINK=
echo "requests logged: $(grep -c 'event=request' "$W/server.log")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
