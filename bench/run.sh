#!/usr/bin/env bash
# bench/run.sh — issue 12's table ("rows" part: requests per server CPU-second of tern
# and its peers on five rows, 600 B to 1 MiB, keep-alive and Connection: close, with a
# fixed-response epoll loop as the floor, and tern with 10,000 idle connections held);
# requests per second, p99 latency and requests per CPU-second of
# tern serving one 600-byte static file over keep-alive connections, and the same
# for each peer server that is installed: nginx, h2o, lighttpd and Apache httpd
# (event MPM), each configured to do the same work as tern ("throughput" part);
# tern with its defaults and nginx under slowhttptest's attacks ("attack" part);
# their memory per held connection ("memory" part); requests per CPU-second of a
# small CGI script, tern (ScriptAlias) against Apache httpd with mod_cgid ("cgi" part).
#
# Usage:
#   bench/run.sh [options] path/to/tern
#   bench/run.sh --only nginx,apache2
#   BENCH_ONLY=attack bench/run.sh path/to/tern    (make bench BENCH_ONLY=attack)
#
# Options:
#   --parts LIST        comma-separated parts to run, from rows,tls,throughput,attack,
#                       memory,cgi,scopes (default: $BENCH_ONLY if set, else all seven)
#   --only LIST         comma-separated servers to benchmark, from
#                       tern,nginx,h2o,lighttpd,apache2 (default: tern and every
#                       installed peer; a peer that is not installed is skipped
#                       with a message, unless --only names it: then it is an error)
#   --duration SECONDS  length of each measured wrk run (default 10; rows part: 5)
#   --runs N            measured runs per server; the median is reported (default 3)
#   --fixed-loop PATH   the fixed-response loop for the rows part (default: $FIXED_LOOP,
#                       else bench_fixed_loop next to tern; built from
#                       bench/fixed_loop.c with cc into the temporary directory when
#                       absent or older than its source)
#   --connections N     wrk connections (default 64)
#   --threads N         tern ThreadsPerChild (default 8; Apache gets N more than
#                       the connections, see below)
#   -h, --help          this text
# Environment (rows part):
#   ROWS_DURATION       seconds per measured run (default: --duration if given, else 2)
#   ROWS_RUNS           rounds (default: --runs if given, else 9)
#   IDLE_CONNECTIONS    idle keep-alive connections held for the idle row (default
#                       10000; 0 skips the idle row)
# Environment (attack and memory parts):
#   ATTACK_SECONDS      seconds of probing per attack and server (default 30)
#   ATTACK_CONNECTIONS  slowhttptest connections per attack (default 2000)
#   ATTACK_RATE         connections slowhttptest opens per second (default 500)
#   ATTACKS             attacks to run, from slowloris,slow-body,slow-read (default: all)
#   ATTACK_READ_BYTES   size of the file the slow readers fetch (default 65536)
#   MEMORY_CONNECTIONS  connections held for the memory part (default 5000)
#   CGI_CONNECTIONS     wrk connections for the cgi part (default 16)
# Environment (every part):
#   BENCH_CONGESTION    TCP congestion control set for the run (sysctl, as root; the
#                       host's is restored on exit): default cubic; "host" keeps the
#                       host's (see pin_congestion below for why)
#
# Method (the same for every server):
#   - a temporary document root with index.html of exactly 600 bytes;
#   - the server runs in the foreground pinned to CPU 0 (taskset -c 0; its
#     children inherit the pinning), with no access log, keep-alive on, unlimited
#     (or, where the server caps it, huge) requests per connection, 30 s
#     keep-alive timeout, one process / one event loop where the server has that
#     notion, sendfile where the server has it; started as root, the servers that
#     drop privileges run as nobody, and each server's directory under the
#     temporary directory belongs to that user so it can write its logs;
#   - before measuring, the script waits until the server answers 200 with a
#     600-byte body; a server that does not is an error (its logs are printed);
#   - every server is started first and waits idle for its turns; wrk runs
#     pinned to CPU 1: `wrk -t2 -c64 -d10s --latency URL`, after a 2 s warm-up
#     run per server that is not counted; the measured runs are interleaved in
#     rounds (run 1 of every server, then run 2, ...), so that drift on a shared
#     host reaches every server alike; Non-2xx or socket errors are reported
#     after the run and again under the table;
#   - the server's CPU time is utime+stime (fields 14 and 15 of /proc/PID/stat,
#     in clock ticks, divided by `getconf CLK_TCK`) summed over the whole process
#     tree the script started (tern's control process and its child; nginx's
#     master and worker; h2o and the perl helper it pipes its stderr through;
#     lighttpd's single process; Apache's parent and its child), read before and
#     after each run. The thread-group leader's stat line already covers all of
#     that process's threads;
#   - requests per CPU-second = requests completed in the run / server CPU seconds.
#     It measures efficiency independently of how much CPU the load generator left.
# TLS part (bench/tls_rows.sh), issue 13's HTTPS rows: tern (mpm-defaults, plus
# `Listen PORT https`, SSLEngine on, SSLCertificateFile, SSLCertificateKeyFile), nginx
# (listen ... ssl, ssl_certificate(_key), ssl_protocols TLSv1.2 TLSv1.3, tickets on) and
# h2o (listen: ssl: certificate-file, key-file), each as in the rows part otherwise,
# one instance per key type: an ECDSA P-256 and an RSA 2048 self-signed leaf made with
# `openssl req` in the temporary directory. Every client runs with an OPENSSL_CONF that
# allows only TLS 1.3 and TLS_AES_128_GCM_SHA256 (s_time also gets -tls1_3
# -ciphersuites), so every server negotiates that suite. Rows (per server CPU-second):
# full handshakes (TLS_STIME_CLIENTS=4 parallel `openssl s_time -new -www /index.html`:
# a new connection, a full handshake and one GET of 600 B each; s_time never offers a
# session), resumed handshakes (`s_time -reuse`: TLS 1.3 tickets; the share of
# connections the server resumed is printed from s_time's per-connection 'r'/'*'),
# ECDSA and RSA each; 600 B and 1 MiB keep-alive over TLS (wrk -t1 -c64, ECDSA, on an
# instance of its own: tern's SSLRecordLayer auto moves connections to tern's TLS 1.3
# record layer by the reads per handshake the instance has seen, so the keep-alive rows'
# instance uses it after its warm-up and the handshake rows' instances do not).
# best = the better of nginx and h2o. Last line: fresh ECDSA instances of tern (MPM
# defaults) and nginx (KeepAliveTimeout 600 for both); bench/hold_idle.py --tls holds
# TLS_IDLE_CONNECTIONS (1000), then 3000 (fresh instances), idle TLS keep-alive
# connections after one request each; PSS and RSS growth of the server tree per
# connection for both, and the marginal cost. ROWS_DURATION and ROWS_RUNS as for the rows
# part; about 6 x 3 x RUNS x DURATION + warm-ups + 1 min for the memory line: 7 min by
# default.
# Rows part (bench/rows.sh), issue 12's table. Files of exactly 600 B (index.html),
# 4 KiB (f4k.html), 64 KiB (f64k.html) and 1 MiB (f1m.html), all .html so that every
# server types them text/html. Rows: 600 B keep-alive, 4 KiB keep-alive, 600 B with
# `Connection: close` (wrk -H 'Connection: close': a new connection per request),
# 64 KiB keep-alive, 1 MiB keep-alive. Servers: tern with its MPM DEFAULTS (no MPM
# directive: StartServers 3 children of 25 threads; a configuration with Listen,
# DocumentRoot, DirectoryIndex, ErrorLog, PidFile, and keep-alive as the peers have it:
# MaxKeepAliveRequests 0, KeepAliveTimeout 30 — tern's own defaults of 100 requests and
# 5 s would make it reconnect every 100 requests where no peer does), the peers with the configurations below (one worker
# each), and bench/fixed_loop.c (built by `make bench` as build/bench_fixed_loop): one
# thread, epoll, a TCP_DEFER_ACCEPT listener (as h2o's; without it the loop used more
# CPU per connection than h2o), accept4 then read at once, one fixed 200 response
# with a 600-byte body (4096 bytes on a connection whose first request asks for
# f4k.html, 65536 for f64k.html) by writev per request head, keep-alive unless the
# request says Connection: close; no file I/O: the system-call floor, on the 600 B,
# 4 KiB and 64 KiB rows ("—" on the 1 MiB row); and the same loop on io_uring
# (uringloop: bench_fixed_loop --uring, liburing; multishot accept, one recv in flight
# per connection, sendmsg posted with the next recv, one io_uring_enter per turn).
# Before measuring, every server must answer every row's file with 200 and its exact
# size (and the close row with Connection: close), else the part stops with its logs.
# Method as above but wrk -t1: `wrk -t1 -c64 -d5s --latency URL` on CPU 1, server on
# CPU 0; rounds: for each round, for each row, for each server one run; each server is
# warmed 2 s on a row before its first run there. Metric: requests per server CPU-s
# (median over the rounds); req/s and p99 are in the per-run lines. The table gives,
# per row, every server's median, the best of nginx, h2o and lighttpd (apache2 is
# shown, not in "best"), tern/best and tern/fixedloop as the median of per-round
# ratios (tern's value in round r / that peer's in round r), and the median p99 of
# tern and the best peer. wrk's errors are printed under it (the close row must have
# no socket errors). Idle row: two more tern instances (as above, KeepAliveTimeout
# long enough to hold connections through the row, both alike); on one,
# bench/hold_idle.py (CPU 1) holds IDLE_CONNECTIONS connections idle after one
# keep-alive request each; then 2 s warm-ups and RUNS interleaved rounds of the 600 B
# keep-alive row on each; printed: tern-with-idle / tern-without (median of per-round
# ratios) and how many connections tern held (its sockets' growth, counted before
# each run; the fewest), so an admission that refuses some shows as a smaller count.
# How long: (row, server) pairs x (2 s + RUNS x DURATION): 5 rows x 5 servers + 4 rows
# for each of the two loops = 33 pairs x 20 s = 11 min, plus the idle row's 2 x 20 s
# and its 10,000 connections (~5-10 s): about 12 min with the defaults.
# Each metric is reported as the median of the runs, then one line per peer with
# tern's ratio to it: the median over the rounds of tern/peer in that round, for
# req/s and for req per CPU-s.
#
# tern configuration: one child (StartServers 1, ServerLimit 1) with 8 worker
# threads, of which one runs at a time on one pinned core (tern's run gate; the
# others are lent when it blocks). AsyncRequestWorkerFactor 100 lets the child
# admit all wrk connections (8 + 100 x idle_workers).
# MaxKeepAliveRequests 0, KeepAliveTimeout 30, EnableSendfile On, no access log.
# nginx configuration: worker_processes 1 (master + one worker), access_log off,
# sendfile on, tcp_nodelay on, open_file_cache max=1000 inactive=20s,
# keepalive_requests 1000000, keepalive_timeout 30s.
# h2o configuration: num-threads 1 (one event-loop thread), no access-log,
# http1-request-timeout 30 (h2o's HTTP/1 keep-alive idle timeout; it has no
# per-connection request limit), file.dir with file.index index.html and its
# default open-file cache. h2o 2.2 has no sendfile: it copies files with pread.
# lighttpd configuration: one process (server.max-worker unset), only
# mod_indexfile and mod_staticfile, no mod_accesslog,
# server.max-keep-alive-requests 65535 (the largest it takes: a 16-bit value;
# 0 would turn keep-alive off), server.max-keep-alive-idle 30,
# server.network-backend "sendfile", server.stat-cache-engine "simple" (a file
# this small it still reads with pread and sends with the headers in one writev).
# Apache httpd configuration: a self-contained file (no /etc/apache2, no
# envvars) that loads only mod_mpm_event, mod_authz_core, mod_mime and mod_dir
# from /usr/lib/apache2/modules; mpm_event with one child (StartServers 1,
# ServerLimit 1, AsyncRequestWorkerFactor 100), KeepAlive On,
# MaxKeepAliveRequests 0, KeepAliveTimeout 30, EnableSendfile On,
# AllowOverride None, no CustomLog; run as `apache2 -f CONF -D FOREGROUND`.
# Its ThreadsPerChild (= MaxRequestWorkers) is the wrk connections plus tern's
# threads (64 + 8 = 72), not tern's 8: whenever no worker is idle, the event MPM
# stops accepting and closes connections waiting in keep-alive ("All workers are
# busy, will shutdown N keep-alive connections"), so with 8 workers and 64
# connections it dropped keep-alive connections hundreds of times per run (wrk
# read errors) and did not give unlimited keep-alive. tern keeps them open.
#
# Attack part (bench/attack.sh): tern and nginx only, a fresh instance of each
# for each attack, pinned as above; tern with its DEFAULTS (a configuration with
# Listen, DocumentRoot, DirectoryIndex, ErrorLog and PidFile only: no MPM
# directive, default timeouts), nginx with the configuration above
# (worker_connections 4096: room for the attack's 2,000 connections and the
# probes). For each attack in turn (slowloris -H; slow body -B, a POST to
# index.html with Content-Length 8192, to which nginx answers 405 and then discards
# the body under its lingering_timeout; slow read -X of an ATTACK_READ_BYTES file),
# every server in turn: slowhttptest (on CPU 1) opens
# ATTACK_CONNECTIONS connections at ATTACK_RATE per second; after that ramp,
# bench/attack_probe.py (CPU 1) starts a legitimate GET of index.html on a new
# connection every 100 ms for ATTACK_SECONDS (2 s timeout; a failure is an
# error, a timeout, a status other than 200 or a short body) and samples every
# 0.5 s the RSS summed over the server's processes and the sockets they hold.
# Reported: the connections slowhttptest had open (max) and the server held
# (peak), probes, failures, median and max latency of the successful probes, the
# server's RSS before the attack and at its peak, the kernel's TCP memory at its
# peak (system-wide) and how many seconds slowhttptest's own probe found the
# server unavailable.
# Why 64 KiB for slow read: on loopback the kernel lets a socket's send buffer grow
# to tcp_wmem's maximum (4 MiB), with a receive window this small each queued MiB
# takes ~2.5 MiB of kernel memory, and 2,000 readers of a 1 MiB file took 2.1 GB,
# the kernel's tcp_mem limit: then every TCP socket on the host starves and the
# probes fail whichever server is tested (nginx: 33 of 50). A file that stalls a
# server's writes on loopback must exceed the 4 MiB buffer, which 2,000 readers
# cannot get; at 64 KiB the responses sit in the kernel, and the row measures
# what each server does with 2,000 connections whose reader never drains them.
# Memory part: on a fresh instance of tern (defaults) and nginx (its
# worker_connections raised to MEMORY_CONNECTIONS + 1024, as a user holding that
# many would), bench/hold_idle.py (CPU 1) opens MEMORY_CONNECTIONS connections
# that each send a partial head ("GET / HTTP/1.1\r\nHost: x\r\nX-a: ", held 3 s),
# then, on new instances, connections left idle after one keep-alive request
# (measured 1 s after the last answer); reported: the server's RSS and PSS growth divided
# by the number of connections it holds (its sockets' growth: connections left
# in the backlog cost it nothing and are not counted).
# CGI part (bench/cgi.sh): tern and Apache httpd run bench/cgi_hello.sh (/bin/sh:
# a Content-Type header, then one line of CGI variables, 46 bytes) through
# `ScriptAlias /cgi-bin/ DIR/`, each with the throughput part's configuration plus
# that line (Apache also loads mod_alias and mod_cgid, ScriptSock in its directory:
# mod_cgid is httpd's CGI module for threaded MPMs). tern first gets `tern -t` on that
# configuration: when it fails, the part prints "tern: ScriptAlias refused / CGI not
# available" with tern's message and measures Apache alone; a server that does not
# answer GET /cgi-bin/hello.sh?n=1 with 200 and the script's line is reported and
# skipped the same way. Method as the throughput part (pinned, 2 s warm-up, rounds,
# medians, tern/apache2 as the median of per-round ratios), with CGI_CONNECTIONS (16)
# wrk connections. Two CPU figures: "req per CPU-s" counts the server's processes as
# the throughput part does (the scripts, short-lived, are not in it: that is the
# server's own cost, fork and exec included); "req per whole CPU-s" counts everything
# started in a cgroup made for the server (cgroup v1 cpuacct.usage or v2 cpu.stat;
# the scripts included, however they are reaped), n/a when no cgroup is writable.
# It lasts about 2 x 2 s + 2 x RUNS x DURATION (70 s by default).
# Scopes part (bench/scopes.sh): the cost of httpd's configuration scopes on the cached
# static path: tern with the throughput part's configuration against the same binary
# with Debian's <Directory /> (deny) and <Directory DocumentRoot> (grant, AllowOverride
# All) sections, a <FilesMatch "^\.ht">, and an .htaccess in the DocumentRoot (Options,
# SetEnv), both on the 600-byte file; method as the throughput part; prints
# ternscopes/tern as the median of per-round ratios. About 2 x 2 s + 2 x RUNS x DURATION.
# The script raises its open-file soft limit to the hard limit (at most 65536),
# as tern does for itself, so every server gets the same.
#
# Every process this script starts is stopped when it exits (trap), and the
# temporary directory is removed. Needs: wrk, taskset (util-linux), curl,
# python3 (free port), and the peers for the comparison (`make bench` installs
# them: nginx-light, h2o, lighttpd, apache2-bin), and slowhttptest for the attacks.
# At the end, when more than one part ran, every part's table is printed again
# under "== Summary of every part".
set -euo pipefail

DURATION=10
RUNS=3
CONNECTIONS=64
TERN_THREADS=8
ONLY=""
TERN=""
DURATION_GIVEN=""             # --duration or --runs given: the rows part takes them too
RUNS_GIVEN=""
PARTS=${BENCH_ONLY:-rows,tls,throughput,attack,memory,cgi,scopes}
ROWS_DURATION=${ROWS_DURATION:-}
ROWS_RUNS=${ROWS_RUNS:-}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
FIXED_LOOP=${FIXED_LOOP:-}     # bench/fixed_loop.c built (rows part); default next to tern
ATTACK_SECONDS=${ATTACK_SECONDS:-30}
ATTACK_CONNECTIONS=${ATTACK_CONNECTIONS:-2000}
ATTACK_RATE=${ATTACK_RATE:-500}
ATTACK_READ_BYTES=${ATTACK_READ_BYTES:-65536}
ATTACKS=${ATTACKS:-slowloris,slow-body,slow-read}
MEMORY_CONNECTIONS=${MEMORY_CONNECTIONS:-5000}
CGI_CONNECTIONS=${CGI_CONNECTIONS:-16}
TERN_EXTRA=""                  # directives appended to tern's bench configuration (cgi part)
APACHE_EXTRA=""                # directives appended to Apache's configuration (cgi part)
TERN_CONFIG=bench              # bench: the configuration above; defaults: no MPM directive;
                               # mpm-defaults: no MPM directive, keep-alive as the peers
NGINX_WORKER_CONNECTIONS=4096
WRK_ARGS=(-t2)                 # wrk's threads (and headers) for warm_up and measure_once
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)

# Every server the script knows, in the order they are measured (tern first: the
# ratio lines compare it to each peer).
SERVERS=(tern nginx h2o lighttpd apache2)
# The Debian package and usual path of each peer's binary.
declare -A PEER_PKG=([nginx]=nginx-light [h2o]=h2o [lighttpd]=lighttpd [apache2]=apache2-bin)
declare -A PEER_PATH=([nginx]=/usr/sbin/nginx [h2o]=/usr/bin/h2o [lighttpd]=/usr/sbin/lighttpd
  [apache2]=/usr/sbin/apache2)
declare -A BIN=() # server name -> binary to run, for the servers to measure

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
    --duration) DURATION=${2:-}; DURATION_GIVEN=1; shift 2 ;;
    --duration=*) DURATION=${1#*=}; DURATION_GIVEN=1; shift ;;
    --runs) RUNS=${2:-}; RUNS_GIVEN=1; shift 2 ;;
    --runs=*) RUNS=${1#*=}; RUNS_GIVEN=1; shift ;;
    --fixed-loop) FIXED_LOOP=${2:-}; shift 2 ;;
    --fixed-loop=*) FIXED_LOOP=${1#*=}; shift ;;
    --connections) CONNECTIONS=${2:-}; shift 2 ;;
    --connections=*) CONNECTIONS=${1#*=}; shift ;;
    --threads) TERN_THREADS=${2:-}; shift 2 ;;
    --threads=*) TERN_THREADS=${1#*=}; shift ;;
    --parts) PARTS=${2:-}; shift 2 ;;
    --parts=*) PARTS=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$TERN" ] || die "more than one tern binary given"; TERN=$1; shift ;;
  esac
done

# The rows and tls parts: ROWS_DURATION / ROWS_RUNS, else --duration / --runs, else nine
# rounds of 2 s. This host reports no steal time (the steal column of /proc/stat stays 0),
# so when it takes the CPU away the time counts as the server's own, and the same binary
# moved by +-20 % between 5 s runs; such bursts land on single runs, and nine short rounds
# give the median of per-round ratios three times the samples of three 5 s rounds in about
# the same time (tern/best per round on 4 KiB: 0.84 to 1.20 in three 5 s rounds, 1.10 to
# 1.17 in nine 2 s rounds, on the same binary and day).
[ -n "$ROWS_DURATION" ] || { [ -n "$DURATION_GIVEN" ] && ROWS_DURATION=$DURATION || ROWS_DURATION=2; }
[ -n "$ROWS_RUNS" ] || { [ -n "$RUNS_GIVEN" ] && ROWS_RUNS=$RUNS || ROWS_RUNS=9; }
for n in "$DURATION" "$RUNS" "$CONNECTIONS" "$TERN_THREADS" "$ATTACK_SECONDS" \
  "$ATTACK_CONNECTIONS" "$ATTACK_RATE" "$ATTACK_READ_BYTES" "$MEMORY_CONNECTIONS" \
  "$CGI_CONNECTIONS" "$ROWS_DURATION" "$ROWS_RUNS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "expected a positive integer, got '$n'"
done
[[ "$IDLE_CONNECTIONS" =~ ^[0-9]+$ ]] || die "IDLE_CONNECTIONS: expected a number, got '$IDLE_CONNECTIONS'"
IFS=, read -r -a attack_list <<<"$ATTACKS"
for a in "${attack_list[@]}"; do
  case "$a" in
    slowloris | slow-body | slow-read) ;;
    *) die "ATTACKS takes a comma-separated list from slowloris,slow-body,slow-read (got '$a')" ;;
  esac
done
declare -A PART=()
IFS=, read -r -a part_list <<<"$PARTS"
[ ${#part_list[@]} -gt 0 ] || die "--parts (BENCH_ONLY) needs a list of parts"
for p in "${part_list[@]}"; do
  case "$p" in
    rows | tls | throughput | attack | memory | cgi | scopes) PART[$p]=1 ;;
    *) die "--parts (BENCH_ONLY) takes a comma-separated list from rows,tls,throughput,attack,memory,cgi,scopes (got '$p')" ;;
  esac
done

# The servers to measure: the names --only lists, else every server.
declare -A wanted=()
if [ -n "$ONLY" ]; then
  IFS=, read -r -a only_list <<<"$ONLY"
  [ ${#only_list[@]} -gt 0 ] || die "--only needs a list of servers"
  for s in "${only_list[@]}"; do
    [[ " ${SERVERS[*]} " == *" $s "* ]] ||
      die "--only takes a comma-separated list from $(IFS=,; echo "${SERVERS[*]}") (got '$s')"
    wanted[$s]=1
  done
else
  for s in "${SERVERS[@]}"; do wanted[$s]=1; done
fi

if [ -n "${wanted[tern]:-}" ]; then
  [ -n "$TERN" ] || die "usage: bench/run.sh [options] path/to/tern (or --only without tern)"
  [ -x "$TERN" ] || die "$TERN is not an executable file"
  BIN[tern]=$(cd "$(dirname "$TERN")" && pwd)/$(basename "$TERN")
fi
for s in "${SERVERS[@]}"; do
  if [ "$s" = tern ] || [ -z "${wanted[$s]:-}" ]; then continue; fi
  bin=$(command -v "$s" || true)
  [ -z "$bin" ] && [ -x "${PEER_PATH[$s]}" ] && bin=${PEER_PATH[$s]}
  if [ -n "$bin" ]; then
    BIN[$s]=$bin
  elif [ -n "$ONLY" ]; then
    die "$s is not installed (apt-get install ${PEER_PKG[$s]})"
  else
    echo "bench: $s is not installed (package ${PEER_PKG[$s]}): skipped" >&2
  fi
done

for tool in wrk taskset curl python3; do
  command -v "$tool" >/dev/null || die "$tool is required (make bench installs it)"
done

# The same open-file limit for every server (tern raises its own to the hard limit).
hard_nofile=$(ulimit -Hn)
[ "$hard_nofile" = unlimited ] && hard_nofile=65536
[ "$hard_nofile" -gt 65536 ] && hard_nofile=65536
[ "$(ulimit -Sn)" -lt "$hard_nofile" ] && ulimit -Sn "$hard_nofile"

# CPU placement: server on CPU 0, wrk on CPU 1 (both on CPU 0 with one CPU).
SERVER_CPU=0
CLIENT_CPU=1
if [ "$(nproc)" -lt 2 ]; then
  echo "bench: only one CPU available: server and wrk share CPU 0" >&2
  CLIENT_CPU=0
fi

# Started as root, the servers that drop privileges (nginx's worker, h2o,
# lighttpd, Apache's child) switch to this user and group.
RUN_USER=""
RUN_GROUP=""
if [ "$(id -u)" -eq 0 ]; then
  RUN_USER=nobody
  RUN_GROUP=$(id -gn nobody)
fi

CLK_TCK=$(getconf CLK_TCK)
TMP=$(mktemp -d /tmp/tern-bench.XXXXXX)
chmod 755 "$TMP"  # servers that drop privileges must still reach the docroot
STARTED=()        # pids of the servers this script started
CGROUPS=()        # cgroups this script created (cgi part), removed on exit
declare -A CGROUP=() # server name -> the cgroup its processes are started in (cgi part)

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
  if [ -n "$HOST_CONGESTION" ]; then
    sysctl -qw "net.ipv4.tcp_congestion_control=$HOST_CONGESTION" 2>/dev/null || true
  fi
  STARTED=()
  for cg in "${CGROUPS[@]}"; do rmdir "$cg" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# TCP congestion control for the run: BENCH_CONGESTION (default cubic; "host" keeps the
# host's). BBR, the default of some hosts, paces without the fq qdisc by timers of its
# own, and on loopback that made the cost of a large response bimodal from one run to
# the next (tern, 1 MiB, eight 5 s runs: 2,800 to 11,400 requests per CPU-second under
# bbr, 20,900 to 22,200 under cubic; nginx and h2o sat in the slow mode): a host setting
# that drowns what the table compares. Set for the run (root only), restored on exit.
HOST_CONGESTION=""
pin_congestion() {
  local want=${BENCH_CONGESTION:-cubic} have
  have=$(sysctl -n net.ipv4.tcp_congestion_control 2>/dev/null || true)
  if [ "$want" = host ] || [ -z "$have" ] || [ "$have" = "$want" ]; then
    echo "bench: TCP congestion control: ${have:-unknown}" >&2
    return
  fi
  if [ "$(id -u)" -ne 0 ] || ! sysctl -qw "net.ipv4.tcp_congestion_control=$want" 2>/dev/null; then
    echo "bench: TCP congestion control: $have (could not set $want)" >&2
    return
  fi
  HOST_CONGESTION=$have
  echo "bench: TCP congestion control: $want for this run (the host's $have restored on exit)" >&2
}

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
    size=$(curl -sk -o /dev/null -w '%{http_code} %{size_download}' "$url" || true)
    [ "$size" = "200 600" ] && return 0
    sleep 0.1
  done
  return 1
}

# Prints the median of the numbers on standard input, one per line.
median() {
  sort -g | awk '{ v[NR] = $1 } END {
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

# Warms server $1 (URL $2) up with a 2 s wrk run that is not counted.
warm_up() {
  echo "== $1: warm-up (2 s)" >&2
  timeout 60 taskset -c "$CLIENT_CPU" wrk "${WRK_ARGS[@]}" -c"$CONNECTIONS" -d2s "$2" >/dev/null
}

# Runs measured run $4 against $2 (server pid $3) for server name $1 and appends
# "rps p99_ms req_per_cpu_s" to $TMP/runs-$1; wrk's error lines go to
# $TMP/warnings as well. When the server runs in a cgroup (cgi part), also appends
# the requests per CPU-second of the whole cgroup (its CGI scripts included) to
# $TMP/cgroup-runs-$1.
measure_once() {
  local name=$1 url=$2 pid=$3 i=$4 out before after requests rps p99 cpu per_cpu errors
  local cg=${CGROUP[$name]:-} cg_before=0 cg_after=0 cg_note=""
  [ -z "$cg" ] || cg_before=$(cgroup_cpu_us "$cg")
  before=$(cpu_ticks "$pid")
  out=$(timeout $((DURATION + 60)) taskset -c "$CLIENT_CPU" \
    wrk "${WRK_ARGS[@]}" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url")
  after=$(cpu_ticks "$pid")
  [ -z "$cg" ] || cg_after=$(cgroup_cpu_us "$cg")
  kill -0 "$pid" 2>/dev/null || die "$name died during the run (see $TMP)"
  echo "$out" >"$TMP/wrk-$name-$i.txt"
  requests=$(echo "$out" | awk '/requests in/ { print $1; exit }')
  rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2; exit }')
  p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2; exit }')")
  if [ -z "$requests" ] || [ -z "$rps" ]; then
    die "could not parse wrk output:
$out"
  fi
  errors=$(echo "$out" | grep -E 'Non-2xx|Socket errors' | sed 's/^ *//' || true)
  if [ -n "$errors" ]; then
    echo "bench: warning: $name run $i had errors:" >&2
    echo "$errors" >&2
    echo "$errors" | awk -v p="$name run $i: " '{ print p $0 }' >>"$TMP/warnings"
  fi
  cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
  per_cpu=$(awk -v r="$requests" -v t=$((after - before)) -v hz="$CLK_TCK" \
    'BEGIN { if (t > 0) printf "%.0f", r / (t / hz); else print 0 }')
  if [ -n "$cg" ]; then
    awk -v r="$requests" -v us=$((cg_after - cg_before)) \
      'BEGIN { if (us > 0) printf "%.0f\n", r / (us / 1e6); else print 0 }' >>"$TMP/cgroup-runs-$name"
    cg_note=$(awk -v us=$((cg_after - cg_before)) -v r="$(tail -1 "$TMP/cgroup-runs-$name")" \
      'BEGIN { printf ", cgroup %.2f CPU-s, %s req per cgroup CPU-s", us / 1e6, r }')
  fi
  printf '   %s run %d: %s req/s, p99 %s ms, %s requests, %s CPU-s, %s req per CPU-s%s\n' \
    "$name" "$i" "$rps" "$p99" "$requests" "$cpu" "$per_cpu" "$cg_note" >&2
  echo "$rps $p99 $per_cpu" >>"$TMP/runs-$name"
}

# Server configurations. config_NAME PORT DIR writes NAME's configuration into DIR
# ($TMP/NAME, owned by $RUN_USER when root, so a server can write there after it
# drops privileges): listen on 127.0.0.1:PORT, serve $TMP/htdocs, error log
# DIR/error.log; and sets SERVER_CMD to the command that runs NAME in the
# foreground. Adding a server = its config_NAME function + its name in SERVERS
# (+ its package and path in PEER_PKG / PEER_PATH).
SERVER_CMD=()

config_tern() {
  local port=$1 dir=$2
  if [ "$TERN_CONFIG" = defaults ] || [ "$TERN_CONFIG" = mpm-defaults ]; then
    # defaults: as a new user runs it: no MPM directive, every timeout at its default.
    # mpm-defaults (the rows part): no MPM directive either (StartServers 3 children of
    # 25 threads), keep-alive as the peers have it (no request limit, 30 s).
    cat >"$dir/tern.conf" <<EOF
# Written by bench/run.sh: tern's $TERN_CONFIG.
Listen 127.0.0.1:$port
DocumentRoot $TMP/htdocs
DirectoryIndex index.html
ErrorLog $dir/error.log
PidFile $dir/tern.pid
EOF
    if [ "$TERN_CONFIG" = mpm-defaults ]; then
      printf 'KeepAlive On\nMaxKeepAliveRequests 0\nKeepAliveTimeout 30\n' >>"$dir/tern.conf"
    fi
    SERVER_CMD=("${BIN[tern]}" -d "$dir" -f "$dir/tern.conf")
    return
  fi
  cat >"$dir/tern.conf" <<EOF
# Written by bench/run.sh: one child, no access log, unlimited keep-alive.
Listen 127.0.0.1:$port
DocumentRoot $TMP/htdocs
DirectoryIndex index.html
ErrorLog $dir/error.log
PidFile $dir/tern.pid
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
$TERN_EXTRA
EOF
  SERVER_CMD=("${BIN[tern]}" -d "$dir" -f "$dir/tern.conf")
}

config_nginx() {
  local port=$1 dir=$2 t temp_paths=""
  for t in client_body proxy fastcgi uwsgi scgi; do
    # nginx-light may be built without some of these modules.
    if [ "$t" != client_body ] && "${BIN[nginx]}" -V 2>&1 | grep -q -- "--without-http_${t}_module"; then
      continue
    fi
    temp_paths+="    ${t}_temp_path $dir/${t}_temp;"$'\n'
  done
  cat >"$dir/nginx.conf" <<EOF
# Written by bench/run.sh: one worker, no access log, unlimited keep-alive.
daemon off;
master_process on;
worker_processes 1;
${RUN_USER:+user $RUN_USER $RUN_GROUP;}
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
    worker_connections $NGINX_WORKER_CONNECTIONS;
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
  SERVER_CMD=("${BIN[nginx]}" -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf")
}

config_h2o() {
  local port=$1 dir=$2
  # No pid-file: h2o writes it after dropping privileges, and nothing reads it.
  cat >"$dir/h2o.conf" <<EOF
# Written by bench/run.sh: one event-loop thread, no access log, keep-alive (h2o has
# no per-connection request limit; its idle keep-alive timeout is the request timeout).
num-threads: 1
${RUN_USER:+user: $RUN_USER}
error-log: $dir/error.log
http1-request-timeout: 30
listen:
  host: 127.0.0.1
  port: $port
hosts:
  default:
    paths:
      /:
        file.dir: $TMP/htdocs
        file.index: ['index.html']
EOF
  SERVER_CMD=("${BIN[h2o]}" -m worker -c "$dir/h2o.conf")
}

config_lighttpd() {
  local port=$1 dir=$2
  cat >"$dir/lighttpd.conf" <<EOF
# Written by bench/run.sh: one process, no access log, keep-alive with the largest
# request limit lighttpd takes (a 16-bit value; 0 would turn keep-alive off).
server.document-root = "$TMP/htdocs"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$dir/error.log"
server.pid-file = "$dir/lighttpd.pid"
${RUN_USER:+server.username = \"$RUN_USER\"}
${RUN_GROUP:+server.groupname = \"$RUN_GROUP\"}
server.modules = ( "mod_indexfile", "mod_staticfile" )
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html" )
server.max-keep-alive-requests = 65535
server.max-keep-alive-idle = 30
server.max-read-idle = 60
server.max-write-idle = 60
server.network-backend = "sendfile"
server.stat-cache-engine = "simple"
server.max-fds = 4096
server.max-connections = 2048
EOF
  SERVER_CMD=("${BIN[lighttpd]}" -D -f "$dir/lighttpd.conf")
}

config_apache2() {
  local port=$1 dir=$2 m=/usr/lib/apache2/modules
  # A worker for every connection and tern's threads on top (see the header): the
  # event MPM closes keep-alive connections whenever no worker is idle.
  local threads=$((CONNECTIONS + TERN_THREADS))
  cat >"$dir/httpd.conf" <<EOF
# Written by bench/run.sh: self-contained (no /etc/apache2, no envvars); mpm_event
# with one child and a worker per connection, no access log, unlimited keep-alive.
ServerRoot $dir
LoadModule mpm_event_module $m/mod_mpm_event.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule mime_module $m/mod_mime.so
LoadModule dir_module $m/mod_dir.so
ServerName 127.0.0.1
Listen 127.0.0.1:$port
${RUN_USER:+User $RUN_USER}
${RUN_GROUP:+Group $RUN_GROUP}
PidFile $dir/httpd.pid
ErrorLog $dir/error.log
LogLevel warn
DefaultRuntimeDir $dir
Mutex file:$dir default
TypesConfig /dev/null
AddType text/html .html
DocumentRoot $TMP/htdocs
<Directory />
    AllowOverride None
    Options None
    Require all denied
</Directory>
<Directory $TMP/htdocs>
    Require all granted
</Directory>
DirectoryIndex index.html
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
Timeout 60
EnableSendfile On
StartServers 1
ServerLimit 1
ThreadLimit $threads
ThreadsPerChild $threads
MaxRequestWorkers $threads
MinSpareThreads 1
MaxSpareThreads $((threads * 2))
AsyncRequestWorkerFactor 100
MaxConnectionsPerChild 0
$APACHE_EXTRA
EOF
  SERVER_CMD=("${BIN[apache2]}" -f "$dir/httpd.conf" -D FOREGROUND)
}

# Configures (with config_$1, or the function $2), starts (pinned to $SERVER_CPU) and
# checks server $1 on scheme $3 (http); records its URL and pid in URL[$1] and PID[$1].
# It then waits, idle, for its turns.
declare -A URL=() PID=()
start_server() {
  local name=$1 config=${2:-config_$1} scheme=${3:-http} port dir pid url f
  port=$(free_port)
  dir=$TMP/$name
  rm -rf "$dir"
  mkdir -p "$dir"
  [ -z "$RUN_USER" ] || chown "$RUN_USER:$RUN_GROUP" "$dir"
  "$config" "$port" "$dir"
  url=$scheme://127.0.0.1:$port/index.html
  echo "== $name: ${SERVER_CMD[*]} (CPU $SERVER_CPU), port $port" >&2
  if [ -n "${CGROUP[$name]:-}" ]; then
    # The shell joins the cgroup, then becomes the server: every process it starts
    # (CGI scripts included) is accounted there.
    # shellcheck disable=SC2016 # expanded by that shell
    sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "${CGROUP[$name]}" \
      taskset -c "$SERVER_CPU" "${SERVER_CMD[@]}" >"$dir/stdout" 2>"$dir/stderr" &
  else
    taskset -c "$SERVER_CPU" "${SERVER_CMD[@]}" >"$dir/stdout" 2>"$dir/stderr" &
  fi
  pid=$!
  STARTED+=("$pid")
  if ! wait_ready "$url" "$pid"; then
    for f in stdout stderr error.log; do
      [ -s "$dir/$f" ] || continue
      echo "bench: $name's $f:" >&2
      cat "$dir/$f" >&2
    done
    die "$name did not serve the 600-byte index.html on port $port"
  fi
  URL[$name]=$url
  PID[$name]=$pid
}

mkdir -p "$TMP/htdocs"
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
: >"$TMP/warnings"

# shellcheck source=bench/rows.sh
. "$BENCH_DIR/rows.sh"
# shellcheck source=bench/tls_rows.sh
. "$BENCH_DIR/tls_rows.sh"
# shellcheck source=bench/attack.sh
. "$BENCH_DIR/attack.sh"
# shellcheck source=bench/cgi.sh
. "$BENCH_DIR/cgi.sh"
# shellcheck source=bench/scopes.sh
. "$BENCH_DIR/scopes.sh"

# Starts every server named in MEASURED, warms each up, then measures RUNS rounds of
# them on their URL into $TMP/runs-NAME.
measure_in_rounds() {
  local s i
  for s in "${MEASURED[@]}"; do
    start_server "$s"
    : >"$TMP/runs-$s"
  done
  for s in "${MEASURED[@]}"; do warm_up "$s" "${URL[$s]}"; done
  # Rounds: every server's run i before any server's run i+1, so that the
  # machine's drift (other load on a shared host) reaches all of them alike.
  for i in $(seq "$RUNS"); do
    for s in "${MEASURED[@]}"; do measure_once "$s" "${URL[$s]}" "${PID[$s]}" "$i"; done
  done
}

run_throughput_part() {
  MEASURED=()
  for s in "${SERVERS[@]}"; do
    [ -n "${BIN[$s]:-}" ] && MEASURED+=("$s")
  done
  measure_in_rounds

  echo
  echo "600-byte static file, keep-alive, $CONNECTIONS connections, server on CPU $SERVER_CPU," \
    "wrk on CPU $CLIENT_CPU; median of $RUNS x ${DURATION}s, runs interleaved"
  printf '%-9s %12s %10s %16s\n' server 'req/s' 'p99 (ms)' 'req per CPU-s'
  for s in "${MEASURED[@]}"; do
    printf '%-9s %12.0f %10.2f %16.0f\n' "$s" \
      "$(awk '{ print $1 }' "$TMP/runs-$s" | median)" \
      "$(awk '{ print $2 }' "$TMP/runs-$s" | median)" \
      "$(awk '{ print $3 }' "$TMP/runs-$s" | median)"
  done
  # Ratios: the median over the rounds of tern's value / the peer's in that round.
  if [ -s "$TMP/runs-tern" ]; then
    for s in "${MEASURED[@]}"; do
      [ "$s" = tern ] && continue
      rps_ratio=$(paste -d' ' "$TMP/runs-tern" "$TMP/runs-$s" |
        awk '{ print ($4 > 0 ? $1 / $4 : 0) }' | median)
      cpu_ratio=$(paste -d' ' "$TMP/runs-tern" "$TMP/runs-$s" |
        awk '{ print ($6 > 0 ? $3 / $6 : 0) }' | median)
      printf 'tern/%s: req/s %.2f, req per CPU-s %.2f\n' "$s" "$rps_ratio" "$cpu_ratio"
    done
  fi
  if [ -s "$TMP/warnings" ]; then
    echo "wrk reported errors (those runs are not clean):"
    cat "$TMP/warnings"
  fi
  for s in "${MEASURED[@]}"; do stop_tree "${PID[$s]}"; done
}

# Each part prints its table on standard output when it ends (progress goes to
# standard error); the tables are printed again together at the end.
: >"$TMP/summary"
pin_congestion
for p in rows tls throughput attack memory cgi scopes; do
  [ -n "${PART[$p]:-}" ] || continue
  "run_${p}_part" >"$TMP/table-$p"
  cat "$TMP/table-$p"
  cat "$TMP/table-$p" >>"$TMP/summary"
done
if [ ${#part_list[@]} -gt 1 ]; then
  echo
  echo "== Summary of every part"
  cat "$TMP/summary"
fi
