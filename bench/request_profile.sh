#!/usr/bin/env bash
# bench/request_profile.sh — what one keep-alive request costs tern in user space, exactly:
# instructions per request and locked (atomic read-modify-write) instructions per request,
# from callgrind, which counts without timing noise (this machine is shared and noisy;
# requests per CPU-second belong to bench/run.sh).
#
# Usage: bench/request_profile.sh [--seconds S] [--connections N] [--size BYTES]
#                                 [--close] [--keep DIR] path/to/tern
#   --seconds S       wrk run under callgrind (default 8)
#   --connections N   wrk connections (default 4)
#   --size BYTES      the static file served (default 600)
#   --close           each request on a new connection (Connection: close): the figures
#                     are then per connection
#   --keep DIR        copy the child's callgrind profile to DIR/request.cg
#
# Method: tern with one child (StartServers 1, ServerLimit 1, ThreadsPerChild 8), no
# access log, keep-alive without a request limit, serving one file of BYTES bytes from a
# temporary document root on a free loopback port, runs under
# `valgrind --tool=callgrind --dump-instr=yes --trace-children=yes`; `wrk -t1` fetches
# the file for S seconds, then tern stops (SIGTERM). The child's profile (the one with
# the most instructions) gives the instructions, bench/locked_ops.py the locked
# instructions and where they are.
# Under valgrind the server runs about 50 times slower, so wrk's request count is the
# divisor; both figures include the per-batch costs (epoll_wait, the listener) at the
# batch sizes that slowness produces. Takes S + about 15 seconds.
set -euo pipefail
seconds=8 connections=4 size=600 keep="" close=()
while [ $# -gt 1 ]; do
  case $1 in
    --close) close=(-H "Connection: close") && shift && continue ;;
    --seconds) seconds=$2 ;;
    --connections) connections=$2 ;;
    --size) size=$2 ;;
    --keep) keep=$2 ;;
    *) echo "unknown option $1" >&2 && exit 2 ;;
  esac
  shift 2
done
[ $# -eq 1 ] || { sed -n '2,14p' "$0" >&2 && exit 2; }
tern=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
for tool in valgrind callgrind_annotate wrk objdump addr2line curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool missing: run scripts/deps.sh bench" >&2 && exit 1; }
done
dir=$(mktemp -d)
trap 'pkill -TERM -f -- "-d $dir -f" 2>/dev/null || true; rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
mkdir -p "$dir/htdocs"
head -c "$size" /dev/zero | tr '\0' 'x' >"$dir/htdocs/index.html"
cat >"$dir/tern.conf" <<CONF
Listen 127.0.0.1:$port
DocumentRoot $dir/htdocs
ErrorLog $dir/error.log
PidFile $dir/tern.pid
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
CONF
valgrind --tool=callgrind --dump-instr=yes --trace-children=yes \
  --callgrind-out-file="$dir/cg.%p" "$tern" -d "$dir" -f "$dir/tern.conf" >"$dir/valgrind.log" 2>&1 &
for _ in $(seq 150); do
  curl -s -o /dev/null "http://127.0.0.1:$port/index.html" && break
  sleep 0.2
done
requests=$(wrk -t1 -c"$connections" -d"${seconds}s" "${close[@]}" "http://127.0.0.1:$port/index.html" |
  awk '/requests in/ {print $1}')
pkill -TERM -f -- "-d $dir -f"
wait || true
# The child's profile: the one with the most instructions (its "summary:" line).
profile=$(grep -m1 -H '^summary:' "$dir"/cg.* | sort -t' ' -k2 -n | tail -1 | cut -d: -f1)
[ -n "$keep" ] && cp "$profile" "$keep/request.cg"
instructions=$(callgrind_annotate "$profile" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "requests under callgrind: $requests (wrk -t1 -c$connections, ${seconds} s, $size B file)"
awk -v i="$instructions" -v n="$requests" 'BEGIN { printf "instructions per request: %.0f\n", i / n }'
python3 "$here/locked_ops.py" "$profile" "$requests" --sites
