#!/usr/bin/env bash
# bench/handshake_profile.sh — what one full TLS handshake costs tern and nginx in user
# space, exactly: instructions per connection, split by where they run (libcrypto, libssl,
# libc, the server's own code, the rest), from callgrind, which counts without timing
# noise. Issue 13's handshake rows put tern at parity with nginx because both spend
# nearly all of a handshake inside the same OpenSSL; this shows how near.
#
# Usage: bench/handshake_profile.sh [--seconds S] [--key ec|rsa] [--keep DIR] path/to/tern
#   --seconds S   openssl s_time run against each server under callgrind (default 15)
#   --key K       the certificate's key: ec (P-256, default) or rsa (2048 bits)
#   --keep DIR    copy the profiles to DIR/handshake-tern.cg and DIR/handshake-nginx.cg
#
# Method: a self-signed certificate made now (openssl req); tern with one child
# (StartServers 1, ServerLimit 1, ThreadsPerChild 8, SSLEngine on, no access log) and
# nginx (master_process off: one process, ssl_session_tickets on) serve a 600-byte file
# on free loopback ports, each under `valgrind --tool=callgrind --dump-instr=yes
# --trace-children=yes`. One `openssl s_time -new -tls1_3 -ciphersuites
# TLS_AES_128_GCM_SHA256 -www /index.html` client runs S seconds against each: every
# connection is a full handshake, one GET and the close. The serving process's profile
# (the one with the most instructions) is summed by object file
# (bench/profile_objects.py) and divided by the connections s_time made; the start-up
# (configuration, certificate loading, thread creation) is included, spread over them.
# Under valgrind the servers run about 50 times slower: about 1,000 connections in 15 s.
# Takes 2 x (S + about 15) seconds.
set -euo pipefail
seconds=15 key=ec keep=""
while [ $# -gt 1 ]; do
  case $1 in
    --seconds) seconds=$2 ;;
    --key) key=$2 ;;
    --keep) keep=$2 ;;
    *) echo "unknown option $1" >&2 && exit 2 ;;
  esac
  shift 2
done
[ $# -eq 1 ] || { sed -n '2,13p' "$0" >&2 && exit 2; }
case $key in ec | rsa) ;; *) echo "--key: ec or rsa" >&2 && exit 2 ;; esac
tern=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
for tool in valgrind openssl nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool missing: run scripts/deps.sh bench" >&2 && exit 1; }
done
dir=$(mktemp -d)
trap 'pkill -TERM -f -- "$dir/" 2>/dev/null || true; rm -rf "$dir"' EXIT
free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
mkdir -p "$dir/htdocs" "$dir/nginx"
head -c 600 /dev/zero | tr '\0' 'x' >"$dir/htdocs/index.html"
if [ "$key" = ec ]; then
  keyopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
else
  keyopt=(-newkey rsa:2048)
fi
openssl req -x509 "${keyopt[@]}" -nodes -days 2 -subj /CN=127.0.0.1 \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null

tern_port=$(free_port)
cat >"$dir/tern.conf" <<CONF
Listen 127.0.0.1:$tern_port https
DocumentRoot $dir/htdocs
ErrorLog $dir/error.log
PidFile $dir/tern.pid
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
SSLEngine on
SSLCertificateFile $dir/cert.pem
SSLCertificateKeyFile $dir/key.pem
CONF
nginx_port=$(free_port)
cat >"$dir/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/nginx/client_body;
    types { text/html html; }
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $dir/cert.pem;
        ssl_certificate_key $dir/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_tickets on;
        root $dir/htdocs;
    }
}
CONF

# profile NAME PORT CMD...: runs CMD under callgrind, s_time against PORT, then stops it;
# prints "NAME:CONNECTIONS:PROFILE:BINARY", a column for bench/profile_objects.py.
profile() {
  local name=$1 port=$2 pid conns best
  shift 2
  valgrind --tool=callgrind --dump-instr=yes --trace-children=yes \
    --callgrind-out-file="$dir/cg-$name.%p" "$@" >"$dir/valgrind-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 150); do
    curl -sk -o /dev/null "https://127.0.0.1:$port/index.html" && break
    sleep 0.2
  done
  conns=$(openssl s_time -connect "127.0.0.1:$port" -new -tls1_3 \
    -ciphersuites TLS_AES_128_GCM_SHA256 -time "$seconds" -www /index.html 2>/dev/null |
    awk '/connections in [0-9.]+s;/ { print $1; exit }')
  # Every process of the tree: the control process and the child (tern), or nginx.
  pkill -TERM -f -- "$dir/" || true
  wait "$pid" || true
  best=$(grep -H '^summary:' "$dir"/cg-"$name".* | sort -t' ' -k2 -n | tail -1 | cut -d: -f1)
  [ -z "$keep" ] || cp "$best" "$keep/handshake-$name.cg"
  echo "$name:${conns:-0}:$best:$(command -v "$1")"
}

tern_column=$(profile tern "$tern_port" "$tern" -d "$dir" -f "$dir/tern.conf")
nginx_column=$(profile nginx "$nginx_port" nginx -p "$dir/nginx/" -e "$dir/nginx/error.log" \
  -c "$dir/nginx/nginx.conf")
echo "Instructions per connection (full TLS 1.3 handshake, $key key, one GET of 600 B, close;"
echo "callgrind, ${seconds} s of openssl s_time -new per server, start-up included):"
python3 "$here/profile_objects.py" "$tern_column" "$nginx_column"
