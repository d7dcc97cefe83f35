#!/usr/bin/env bash
# bench/idle_load.sh — throughput of tern with and without N idle keep-alive
# connections held open (issue 4's target: all N stay open, throughput ≥ 90 %).
#
# Usage: bench/idle_load.sh [path/to/tern] [N=10000] [seconds=5]
# Starts tern on a free loopback port (ThreadsPerChild 64,
# AsyncRequestWorkerFactor 160, as conf/tern.conf), measures wrk (-t2 -c64) on a
# 600-byte file, then holds N idle connections with bench/hold_idle.py (from
# 127.0.0.2…) and measures again; prints both, the ratio, how many idle
# connections stayed open and the RSS growth per idle connection.
set -euo pipefail
TERN=${1:-build/tern}
N=${2:-10000}
SECS=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$dir/htdocs" "$dir/logs"
head -c 600 /dev/zero | tr '\0' 'x' > "$dir/htdocs/index.html"
cat > "$dir/tern.conf" <<CONF
Listen 127.0.0.1:$port
DocumentRoot htdocs
ThreadsPerChild 64
AsyncRequestWorkerFactor 160
KeepAliveTimeout 120
MaxKeepAliveRequests 0
CONF
"$TERN" -d "$dir" -f tern.conf &
pids+=($!)
tern_pid=$!
sleep 0.5
url="http://127.0.0.1:$port/index.html"
rps() { wrk -t2 -c64 -d"${SECS}s" "$url" | awk '/Requests\/sec/ {print $2}'; }
wrk -t2 -c64 -d1s "$url" > /dev/null
base=$(rps)
python3 "$here/hold_idle.py" "$port" "$N" --seconds $((SECS + 6)) --pid "$tern_pid" > "$dir/hold.out" &
pids+=($!)
hold=$!
# Wait until every idle connection has been answered.
for _ in $(seq 1 120); do grep -q '^answered=' "$dir/hold.out" 2>/dev/null && break; sleep 0.5; done
loaded=$(rps)
wait "$hold" || true
cat "$dir/hold.out"
echo "rps_without_idle=$base"
echo "rps_with_${N}_idle=$loaded"
python3 -c "print('ratio=%.2f' % ($loaded / $base))"
