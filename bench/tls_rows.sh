# shellcheck shell=bash disable=SC2004,SC2034,SC2153,SC2154 # run.sh declares BIN, URL, PID and the helpers used here
# bench/tls_rows.sh — the "tls" part of bench/run.sh (issue 13's HTTPS rows), sourced by
# it (it uses run.sh's measure_once, warm_up, stop_tree, cpu_ticks, median, config_*,
# and rows.sh's rows_html_file, rows_median, rows_ratio, cell); not run on its own.
# See run.sh --help for what it measures.

# The rows: label, server instance (ec and rsa: the handshake rows' ECDSA and RSA
# instances; ka: the keep-alive rows' own ECDSA instance, so that each instance serves one
# kind of traffic — tern's SSLRecordLayer auto chooses by the traffic it has seen), client,
# file and size.
TLS_ROW_LABEL=("full handshake, ECDSA P-256" "full handshake, RSA 2048"
  "resumed handshake, ECDSA" "resumed handshake, RSA" "600 B keep-alive, TLS"
  "1 MiB keep-alive, TLS")
TLS_ROW_KEY=(ec rsa ec rsa ka ka)
TLS_ROW_CLIENT=(new new reuse reuse wrk wrk)
TLS_ROW_FILE=(index.html index.html index.html index.html index.html f1m.html)
TLS_ROW_BEST_OF=(nginx h2o)
TLS_SERVERS=(tern nginx h2o)
TLS_CIPHER=TLS_AES_128_GCM_SHA256
TLS_STIME_CLIENTS=${TLS_STIME_CLIENTS:-4}
TLS_IDLE_CONNECTIONS=${TLS_IDLE_CONNECTIONS:-1000}

# Writes the clients' OpenSSL configuration (TLS 1.3 only, one cipher suite: every
# server negotiates what the client offers) and a self-signed leaf per key type.
tls_setup() {
  local d=$TMP/tls
  mkdir -p "$d"
  cat >"$d/client.cnf" <<EOF
openssl_conf = conf
[conf]
ssl_conf = ssl
[ssl]
system_default = tls
[tls]
MinProtocol = TLSv1.3
Ciphersuites = $TLS_CIPHER
EOF
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$d/ec.key" -out "$d/ec.crt" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$d/rsa.key" -out "$d/rsa.crt" 2>/dev/null
  chmod 644 "$d"/*
}

# config_NAME-KEY: NAME's rows configuration with TLS on its port and KEY's certificate.
tls_config() {
  local name=$1 key=${2/ka/ec} port=$3 dir=$4
  local crt=$TMP/tls/$key.crt pem=$TMP/tls/$key.key
  "config_$name" "$port" "$dir"
  case "$name" in
    tern)
      [ -z "${TLS_KEEPALIVE:-}" ] || echo "KeepAliveTimeout $TLS_KEEPALIVE" >>"$dir/tern.conf"
      sed -i "s|^Listen 127.0.0.1:$port\$|Listen 127.0.0.1:$port https|" "$dir/tern.conf"
      printf 'SSLEngine on\nSSLCertificateFile %s\nSSLCertificateKeyFile %s\n' \
        "$crt" "$pem" >>"$dir/tern.conf"
      ;;
    nginx)
      [ -z "${TLS_KEEPALIVE:-}" ] ||
        sed -i "s|keepalive_timeout 30s;|keepalive_timeout ${TLS_KEEPALIVE}s;|" "$dir/nginx.conf"
      sed -i -e "s|listen 127.0.0.1:$port;|listen 127.0.0.1:$port ssl;\n        ssl_certificate $crt;\n        ssl_certificate_key $pem;\n        ssl_protocols TLSv1.2 TLSv1.3;\n        ssl_session_tickets on;|" \
        "$dir/nginx.conf"
      ;;
    h2o)
      sed -i -e "s|^  port: $port\$|  port: $port\n  ssl:\n    certificate-file: $crt\n    key-file: $pem|" \
        "$dir/h2o.conf"
      ;;
  esac
}
for _s in "${TLS_SERVERS[@]}"; do
  for _k in ec rsa ka; do
    eval "config_tls_${_s}_$_k() { tls_config $_s $_k \"\$@\"; }"
  done
done

# Starts server instance $1 (NAME_KEY) with its TLS configuration, pinned to the server
# CPU; waits until it answers the 600-byte file over TLS; records URL and PID.
tls_start() {
  start_server "$1" "config_tls_$1" https
}

# One measured handshake run: TLS_STIME_CLIENTS `openssl s_time` processes (-new: a full
# handshake per connection; -reuse: resumed) on the client CPU, each fetching the 600 B
# file once per connection; appends "rate - per_cpu resumed%" to $TMP/runs-$1.
tls_stime_once() {
  local name=$1 url=$2 pid=$3 mode=$4 i=$5 before after hp j conns full reused per_cpu
  hp=${url#https://}
  hp=${hp%%/*}
  local -a clients=()
  before=$(cpu_ticks "$pid")
  for j in $(seq "$TLS_STIME_CLIENTS"); do
    OPENSSL_CONF=$TMP/tls/client.cnf timeout $((DURATION + 30)) taskset -c "$CLIENT_CPU" \
      openssl s_time -connect "$hp" "-$mode" -tls1_3 -ciphersuites "$TLS_CIPHER" \
      -time "$DURATION" -www /index.html >"$TMP/stime-$name-$i-$j.txt" 2>&1 &
    clients+=("$!")
  done
  wait "${clients[@]}" 2>/dev/null || true
  after=$(cpu_ticks "$pid")
  kill -0 "$pid" 2>/dev/null || die "$name died during the run (see $TMP)"
  conns=$(cat "$TMP"/stime-"$name"-"$i"-*.txt | awk '/connections in [0-9.]+s;/ { n += $1 } END { print n + 0 }')
  # s_time prints one character per connection: 'r' resumed, '*' a full TLS 1.2+ handshake.
  full=$(cat "$TMP"/stime-"$name"-"$i"-*.txt | grep -E '^[*r]+$' | tr -cd '*' | wc -c)
  reused=$(cat "$TMP"/stime-"$name"-"$i"-*.txt | grep -E '^[*r]+$' | tr -cd 'r' | wc -c)
  per_cpu=$(awk -v r="$conns" -v t=$((after - before)) -v hz="$CLK_TCK" \
    'BEGIN { if (t > 0) printf "%.0f", r / (t / hz); else print 0 }')
  printf '   %s run %d: %s connections (%s full, %s resumed), %s CPU-s, %s per CPU-s\n' "$name" "$i" \
    "$conns" "$full" "$reused" \
    "$(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')" \
    "$per_cpu" >&2
  echo "$((conns / DURATION)) - $per_cpu" >>"$TMP/runs-$name"
  echo "$full $reused" >>"$TMP/resumed-$name"
}

# Prints the table line of row $1.
tls_table_line() {
  local r=$1 s v best="" best_v=0 tb="" p_t="" p_b="" f=$TMP/runs-t$1
  printf '%-30s' "${TLS_ROW_LABEL[$r]}"
  for s in "${TLS_SERVERS[@]}"; do
    v=""
    [ -s "$f-$s" ] && v=$(printf '%.0f' "$(rows_median "$f-$s" 3)")
    cell 10 "$v"
  done
  for s in "${TLS_ROW_BEST_OF[@]}"; do
    [ -s "$f-$s" ] || continue
    v=$(rows_median "$f-$s" 3)
    if awk -v a="$v" -v b="$best_v" 'BEGIN { exit !(a > b) }'; then best=$s; best_v=$v; fi
  done
  if [ -n "$best" ] && [ -s "$f-tern" ]; then
    tb=$(printf '%.2f' "$(rows_ratio "$f-tern" "$f-$best" 3)")
    if [ "${TLS_ROW_CLIENT[$r]}" = wrk ]; then
      p_t=$(printf '%.2f' "$(rows_median "$f-tern" 2)")
      p_b=$(printf '%.2f' "$(rows_median "$f-$best" 2)")
    fi
  fi
  cell 10 "$best"
  cell 10 "$tb"
  cell 10 "$p_t"
  cell 10 "$p_b"
  if [ "${TLS_ROW_CLIENT[$r]}" != wrk ]; then
    # Resumption check: the share of connections the server resumed, over every run.
    printf '   resumed %s' "$(cat "$TMP/resumed-t$r"-* | awk '{ fl += $1; re += $2 } END {
      if (fl + re) printf "%.1f%%", 100 * re / (fl + re); else print "n/a" }')"
  fi
  echo
}

# Memory per idle TLS keep-alive connection: on fresh ECDSA instances of tern and nginx,
# bench/hold_idle.py --tls holds N = TLS_IDLE_CONNECTIONS connections idle after one
# request each, then (on another fresh instance) 3N; prints the server tree's PSS growth
# per connection for N and 3N, and the marginal cost: (growth at 3N - at N) / 2N; then the
# same from the RSS sums. The marginal figure leaves out one-time costs (a worker thread's
# first TLS connection warms its malloc arena and stack; tern has many worker threads,
# nginx one). PSS is the tree's memory: the RSS sum counts a shared page once in every
# process that maps it, so a child that starts (httpd's MinSpareThreads rule) adds the
# pages it shares with its parent, and a child that faults in library code the control
# process already maps adds that code, though neither is new memory.
tls_memory_line() {
  local s port out n k m
  local -A grow=() held=()
  printf 'Idle TLS keep-alive connections (after one 600 B request each; growth of the'
  printf ' server tree, 2 s after the last answer):'
  for s in tern nginx; do
    [ -n "${BIN[$s]:-}" ] || continue
    for k in 1 3; do
      n=$((TLS_IDLE_CONNECTIONS * k))
      # Long keep-alive for both: the connections must all still be open when counted.
      # tern with its MPM defaults, as in the rows: the one-child bench configuration
      # admits only 8 + 100 x 8 = 808 connections (AsyncRequestWorkerFactor), and the
      # rest would wait in the backlog.
      TERN_CONFIG=mpm-defaults TLS_KEEPALIVE=600 tls_start "${s}_ec"
      port=${URL[${s}_ec]#https://127.0.0.1:}
      port=${port%%/*}
      out=$(taskset -c "$CLIENT_CPU" timeout 600 python3 "$BENCH_DIR/hold_idle.py" "$port" \
        "$n" --tls --seconds 2 --pid "${PID[${s}_ec]}" 2>&1 || true)
      echo "   $s ($n): $(tr '\n' ' ' <<<"$out")" >&2
      for m in pss rss; do
        grow[$m$k]=$(($(kv ${m}_after_kib <<<"$out") - $(kv ${m}_before_kib <<<"$out")))
      done
      held[$k]=$(kv server_conns <<<"$out")
      stop_tree "${PID[${s}_ec]}"
    done
    for m in pss rss; do
      printf ' %s %s: %s B per connection with %s held, %s B with %s held, marginal %s B;' \
        "$s" "${m^^}" "$((grow[${m}1] * 1024 / (held[1] > 0 ? held[1] : 1)))" "${held[1]}" \
        "$((grow[${m}3] * 1024 / (held[3] > 0 ? held[3] : 1)))" "${held[3]}" \
        "$(((grow[${m}3] - grow[${m}1]) * 1024 / (held[3] - held[1] > 0 ? held[3] - held[1] : 1)))"
    done
  done
  echo
}

run_tls_part() {
  local r s k i inst seconds
  local DURATION=$ROWS_DURATION RUNS=$ROWS_RUNS WRK_ARGS=(-t1)
  command -v openssl >/dev/null || die "openssl is required for the tls part"
  tls_setup
  [ -s "$TMP/htdocs/f1m.html" ] || rows_html_file 1048576 "$TMP/htdocs/f1m.html"
  TERN_CONFIG=mpm-defaults
  MEASURED=()
  for s in "${TLS_SERVERS[@]}"; do
    [ -n "${BIN[$s]:-}" ] || continue
    MEASURED+=("$s")
    for k in ec rsa ka; do tls_start "${s}_$k"; done
  done
  for r in "${!TLS_ROW_LABEL[@]}"; do
    for s in "${MEASURED[@]}"; do rm -f "$TMP/runs-t$r-$s" "$TMP/resumed-t$r-$s"; done
  done
  seconds=$((${#TLS_ROW_LABEL[@]} * ${#MEASURED[@]} * (RUNS * DURATION) + 2 * 2 * ${#MEASURED[@]}))
  echo "== tls part: about $((seconds / 60)) min $((seconds % 60)) s" >&2
  : >"$TMP/warnings"
  for i in $(seq "$RUNS"); do
    for r in "${!TLS_ROW_LABEL[@]}"; do
      for s in "${MEASURED[@]}"; do
        inst=${s}_${TLS_ROW_KEY[$r]}
        local url=${URL[$inst]%/index.html}/${TLS_ROW_FILE[$r]}
        if [ "${TLS_ROW_CLIENT[$r]}" = wrk ]; then
          [ "$i" = 1 ] && OPENSSL_CONF=$TMP/tls/client.cnf warm_up "$s (tls row $((r + 1)))" "$url"
          OPENSSL_CONF=$TMP/tls/client.cnf measure_once "t$r-$s" "$url" "${PID[$inst]}" "$i"
        else
          tls_stime_once "t$r-$s" "$url" "${PID[$inst]}" "${TLS_ROW_CLIENT[$r]}" "$i"
        fi
      done
    done
  done
  for s in "${MEASURED[@]}"; do
    for k in ec rsa ka; do stop_tree "${PID[${s}_$k]}"; done
  done
  TERN_CONFIG=bench

  echo
  echo "TLS rows (issue 13): TLS 1.3, $TLS_CIPHER (the only suite the clients offer)," \
    "same self-signed certificates for every server; per server CPU-second, median of" \
    "$RUNS x ${DURATION}s runs interleaved in rounds; server on CPU $SERVER_CPU, clients on" \
    "CPU $CLIENT_CPU; handshakes: $TLS_STIME_CLIENTS x openssl s_time (-new / -reuse), one" \
    "GET of 600 B per connection; keep-alive: wrk -t1 -c$CONNECTIONS; tern with its MPM" \
    "defaults, peers with one worker; tern/best = median of per-round ratios; p99 in ms"
  printf '%-30s%10s%10s%10s%10s%10s%10s%10s\n' row tern nginx h2o best tern/best \
    'p99 tern' 'p99 best'
  for r in "${!TLS_ROW_LABEL[@]}"; do tls_table_line "$r"; done
  [ "$TLS_IDLE_CONNECTIONS" -gt 0 ] && tls_memory_line
  if [ -s "$TMP/warnings" ]; then
    echo "wrk reported errors (those runs are not clean):"
    cat "$TMP/warnings"
  fi
}
