#!/usr/bin/env bash
# bench/run.sh — requests per second, p99 latency and requests per CPU-second of
# tern serving one 600-byte static file over keep-alive connections, and the same
# for nginx when it is installed.
#
# Usage:
#   bench/run.sh [options] path/to/tern
#   bench/run.sh --only nginx
#
# Options:
#   --only tern|nginx   benchmark one server only (default: tern, then nginx if found)
#   --duration SECONDS  length of each measured wrk run (default 10)
#   --runs N            measured runs per server; the median is reported (default 3)
#   --connections N     wrk connections (default 64)
#   --threads N         tern ThreadsPerChild (default 8, see below)
#   -h, --help          this text
#
# Method (the same for both servers):
#   - a temporary document root with index.html of exactly 600 bytes;
#   - the server runs in the foreground pinned to CPU 0 (taskset -c 0), with no
#     access log, keep-alive on, unlimited requests per connection, 30 s
#     keep-alive timeout;
#   - wrk runs pinned to CPU 1: `wrk -t2 -c64 -d10s --latency URL`, after a 2 s
#     warm-up run that is not counted;
#   - the server's CPU time is utime+stime (fields 14 and 15 of /proc/PID/stat,
#     in clock ticks, divided by `getconf CLK_TCK`) summed over every process of
#     the server (tern's control process and its children; nginx's master and
#     worker), read before and after each run. The thread-group leader's stat
#     line already covers all of that process's threads;
#   - requests per CPU-second = requests completed in the run / server CPU seconds.
#     It measures efficiency independently of how much CPU the load generator left.
# Each metric is reported as the median of the runs.
#
# tern configuration: one child (StartServers 1, ServerLimit 1) with 8 worker
# threads. On one pinned core only one thread runs at a time; a few workers are
# enough to cover a worker that blocks briefly (opening a file), while more would
# only add context switches. AsyncRequestWorkerFactor 100 lets the child admit all
# wrk connections even while most workers are busy (8 + 100 x idle_workers).
# nginx configuration: worker_processes 1 (master + one worker), access_log off,
# sendfile on, tcp_nodelay on, open_file_cache max=1000 inactive=20s,
# keepalive_requests 1000000, keepalive_timeout 30s.
#
# Every process this script starts is stopped when it exits (trap), and the
# temporary directory is removed. Needs: wrk, taskset (util-linux), curl,
# python3 (free port), and nginx for the comparison (`make bench` installs them).
set -euo pipefail

DURATION=10
RUNS=3
CONNECTIONS=64
TERN_THREADS=8
ONLY=""
TERN=""

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

die() {
  echo "bench: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=${2:-}; shift 2 ;;
    --only=*) ONLY=${1#*=}; shift ;;
    --duration) DURATION=${2:-}; shift 2 ;;
    --duration=*) DURATION=${1#*=}; shift ;;
    --runs) RUNS=${2:-}; shift 2 ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --connections) CONNECTIONS=${2:-}; shift 2 ;;
    --connections=*) CONNECTIONS=${1#*=}; shift ;;
    --threads) TERN_THREADS=${2:-}; shift 2 ;;
    --threads=*) TERN_THREADS=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$TERN" ] || die "more than one tern binary given"; TERN=$1; shift ;;
  esac
done

case "$ONLY" in "" | tern | nginx) ;; *) die "--only takes tern or nginx" ;; esac
for n in "$DURATION" "$RUNS" "$CONNECTIONS" "$TERN_THREADS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "expected a positive integer, got '$n'"
done

want_tern=1
want_nginx=1
[ "$ONLY" = nginx ] && want_tern=0
[ "$ONLY" = tern ] && want_nginx=0

if [ $want_tern = 1 ]; then
  [ -n "$TERN" ] || die "usage: bench/run.sh [options] path/to/tern (or --only nginx)"
  [ -x "$TERN" ] || die "$TERN is not an executable file"
  TERN=$(cd "$(dirname "$TERN")" && pwd)/$(basename "$TERN")
fi

NGINX=""
if [ $want_nginx = 1 ]; then
  NGINX=$(command -v nginx || true)
  [ -z "$NGINX" ] && [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx
  if [ -z "$NGINX" ]; then
    [ "$ONLY" = nginx ] && die "nginx is not installed (apt-get install nginx-light)"
    echo "bench: nginx not found, benchmarking tern only" >&2
    want_nginx=0
  fi
fi

for tool in wrk taskset curl python3; do
  command -v "$tool" >/dev/null || die "$tool is required (make bench installs it)"
done

# CPU placement: server on CPU 0, wrk on CPU 1 (both on CPU 0 with one CPU).
SERVER_CPU=0
CLIENT_CPU=1
if [ "$(nproc)" -lt 2 ]; then
  echo "bench: only one CPU available: server and wrk share CPU 0" >&2
  CLIENT_CPU=0
fi

CLK_TCK=$(getconf CLK_TCK)
TMP=$(mktemp -d /tmp/tern-bench.XXXXXX)
chmod 755 "$TMP"  # nginx workers run as an unprivileged user when started as root
STARTED=()        # pids of the servers this script started

# Prints the pid of every descendant of $1 (builtins only: no fork per process).
descendants() {
  local stat line pid
  local -a f
  local -A parent_of=()
  for stat in /proc/[0-9]*/stat; do
    { read -r line <"$stat"; } 2>/dev/null || continue
    pid=${stat#/proc/}
    pid=${pid%/stat}
    read -r -a f <<<"${line##*) }"
    parent_of[$pid]=${f[1]}
  done
  local -a queue=("$1")
  while [ ${#queue[@]} -gt 0 ]; do
    local cur=${queue[0]}
    queue=("${queue[@]:1}")
    for pid in "${!parent_of[@]}"; do
      if [ "${parent_of[$pid]}" = "$cur" ]; then
        echo "$pid"
        queue+=("$pid")
      fi
    done
  done
}

stop_tree() {
  local root=$1 pid
  local -a all
  kill -0 "$root" 2>/dev/null || return 0
  mapfile -t all < <(descendants "$root")
  kill -TERM "$root" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$root" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$root" 2>/dev/null || true
  for pid in "${all[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait "$root" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${STARTED[@]}"; do stop_tree "$pid"; done
  STARTED=()
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# CPU ticks (utime+stime) of process $1 and all its descendants.
cpu_ticks() {
  local total=0 pid line
  local -a f
  for pid in "$1" $(descendants "$1"); do
    { read -r line <"/proc/$pid/stat"; } 2>/dev/null || continue
    # After "(comm) ", field 3 (state) is f[0]: utime (field 14) is f[11], stime (15) f[12].
    read -r -a f <<<"${line##*) }"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Waits until $1 answers 200 with a 600-byte body; $2 is the server pid.
wait_ready() {
  local url=$1 pid=$2 size
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 1
    size=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$url" || true)
    [ "$size" = "200 600" ] && return 0
    sleep 0.1
  done
  return 1
}

# Prints the median of the numbers given as arguments.
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Converts a wrk latency ("812.00us", "1.23ms", "2.00s") to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000;
    else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

# Runs the measured wrk runs against $2 (server pid $3) for server name $1 and
# appends "name rps p99_ms req_per_cpu_s" to $TMP/results.
measure() {
  local name=$1 url=$2 pid=$3 i out before after requests rps p99 cpu per_cpu
  local -a rps_all=() p99_all=() percpu_all=()
  echo "== $name: warm-up (2 s)" >&2
  timeout 60 taskset -c "$CLIENT_CPU" wrk -t2 -c"$CONNECTIONS" -d2s "$url" >/dev/null
  for i in $(seq "$RUNS"); do
    before=$(cpu_ticks "$pid")
    out=$(timeout $((DURATION + 60)) taskset -c "$CLIENT_CPU" \
      wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url")
    after=$(cpu_ticks "$pid")
    kill -0 "$pid" 2>/dev/null || die "$name died during the run (see $TMP)"
    echo "$out" >"$TMP/wrk-$name-$i.txt"
    requests=$(echo "$out" | awk '/requests in/ { print $1; exit }')
    rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2; exit }')
    p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2; exit }')")
    if [ -z "$requests" ] || [ -z "$rps" ]; then
      die "could not parse wrk output:
$out"
    fi
    if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then
      echo "bench: warning: $name run $i had errors:" >&2
      echo "$out" | grep -E 'Non-2xx|Socket errors' >&2
    fi
    cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
    per_cpu=$(awk -v r="$requests" -v t=$((after - before)) -v hz="$CLK_TCK" \
      'BEGIN { if (t > 0) printf "%.0f", r / (t / hz); else print 0 }')
    printf '   run %d: %s req/s, p99 %s ms, %s requests, %s CPU-s, %s req per CPU-s\n' \
      "$i" "$rps" "$p99" "$requests" "$cpu" "$per_cpu" >&2
    rps_all+=("$rps")
    p99_all+=("$p99")
    percpu_all+=("$per_cpu")
  done
  echo "$name $(median "${rps_all[@]}") $(median "${p99_all[@]}") $(median "${percpu_all[@]}")" \
    >>"$TMP/results"
}

mkdir -p "$TMP/htdocs" "$TMP/logs"
# Exactly 600 bytes of HTML.
{
  head='<!DOCTYPE html><html><head><title>bench</title></head><body><p>'
  tail='</p></body></html>'
  printf '%s' "$head"
  printf 'x%.0s' $(seq $((600 - ${#head} - ${#tail} - 1)))
  printf '%s\n' "$tail"
} >"$TMP/htdocs/index.html"
[ "$(wc -c <"$TMP/htdocs/index.html")" -eq 600 ] || die "index.html is not 600 bytes"
chmod -R a+rX "$TMP/htdocs"
: >"$TMP/results"

if [ $want_tern = 1 ]; then
  port=$(free_port)
  cat >"$TMP/tern.conf" <<EOF
# Written by bench/run.sh: one child, no access log, unlimited keep-alive.
Listen 127.0.0.1:$port
DocumentRoot htdocs
DirectoryIndex index.html
ErrorLog logs/error_log
PidFile logs/tern.pid
LogLevel warn
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
Timeout 60
EnableSendfile On
StartServers 1
ServerLimit 1
ThreadLimit $TERN_THREADS
ThreadsPerChild $TERN_THREADS
MaxRequestWorkers $TERN_THREADS
MinSpareThreads 1
MaxSpareThreads $((TERN_THREADS * 2))
AsyncRequestWorkerFactor 100
EOF
  echo "== tern: $TERN -d $TMP -f $TMP/tern.conf (CPU $SERVER_CPU), port $port" >&2
  taskset -c "$SERVER_CPU" "$TERN" -d "$TMP" -f "$TMP/tern.conf" \
    >"$TMP/tern.stdout" 2>"$TMP/tern.stderr" &
  tern_pid=$!
  STARTED+=("$tern_pid")
  if ! wait_ready "http://127.0.0.1:$port/index.html" "$tern_pid"; then
    cat "$TMP/tern.stderr" "$TMP/logs/error_log" 2>/dev/null >&2 || true
    die "tern did not serve the 600-byte index.html on port $port"
  fi
  measure tern "http://127.0.0.1:$port/index.html" "$tern_pid"
  stop_tree "$tern_pid"
  STARTED=()
fi

if [ $want_nginx = 1 ]; then
  port=$(free_port)
  mkdir -p "$TMP/nginx"
  temp_paths=""
  for t in client_body proxy fastcgi uwsgi scgi; do
    # nginx-light may be built without some of these modules.
    if [ "$t" != client_body ] && "$NGINX" -V 2>&1 | grep -q -- "--without-http_${t}_module"; then
      continue
    fi
    temp_paths+="    ${t}_temp_path $TMP/nginx/${t}_temp;"$'\n'
  done
  cat >"$TMP/nginx.conf" <<EOF
# Written by bench/run.sh: one worker, no access log, unlimited keep-alive.
daemon off;
master_process on;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events {
    worker_connections 4096;
}
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 30s;
    keepalive_requests 1000000;
    open_file_cache max=1000 inactive=20s;
    types { text/html html; }
    default_type application/octet-stream;
$temp_paths
    server {
        listen 127.0.0.1:$port;
        root $TMP/htdocs;
        index index.html;
    }
}
EOF
  echo "== nginx: $NGINX -c $TMP/nginx.conf (CPU $SERVER_CPU), port $port" >&2
  taskset -c "$SERVER_CPU" "$NGINX" -p "$TMP/nginx/" -e "$TMP/nginx/error.log" \
    -c "$TMP/nginx.conf" >"$TMP/nginx/stdout" 2>"$TMP/nginx/stderr" &
  nginx_pid=$!
  STARTED+=("$nginx_pid")
  if ! wait_ready "http://127.0.0.1:$port/index.html" "$nginx_pid"; then
    cat "$TMP/nginx/stderr" "$TMP/nginx/error.log" 2>/dev/null >&2 || true
    die "nginx did not serve the 600-byte index.html on port $port"
  fi
  measure nginx "http://127.0.0.1:$port/index.html" "$nginx_pid"
  stop_tree "$nginx_pid"
  STARTED=()
fi

echo
echo "600-byte static file, keep-alive, $CONNECTIONS connections, server on CPU $SERVER_CPU," \
  "wrk on CPU $CLIENT_CPU; median of $RUNS x ${DURATION}s"
printf '%-8s %12s %10s %16s\n' server 'req/s' 'p99 (ms)' 'req per CPU-s'
while read -r name rps p99 percpu; do
  printf '%-8s %12.0f %10.2f %16.0f\n' "$name" "$rps" "$p99" "$percpu"
done <"$TMP/results"
if grep -q '^tern ' "$TMP/results" && grep -q '^nginx ' "$TMP/results"; then
  awk '$1 == "tern" { tr = $2; tc = $4 } $1 == "nginx" { nr = $2; nc = $4 }
    END { printf "tern/nginx: req/s %.2f, req per CPU-s %.2f\n", tr / nr, (nc > 0 ? tc / nc : 0) }' \
    "$TMP/results"
fi
