# shellcheck shell=bash disable=SC2034 # TERN_CONFIG, NGINX_WORKER_CONNECTIONS: read by run.sh
# bench/attack.sh — the "attack" and "memory" parts of bench/run.sh, sourced by
# it (it uses run.sh's start_server, stop_tree, config_* and variables); not run
# on its own. See run.sh --help for what they measure.

# Prints the value of key $1 in the key=value lines on standard input.
kv() {
  awk -F= -v k="$1" '$1 == k { print $2 }'
}

# KiB (or empty) to MiB with one decimal.
mib() {
  awk -v k="${1:-0}" 'BEGIN { printf "%.1f", k / 1024 }'
}

# slowhttptest's arguments for attack $1 (slowloris, slow-body, slow-read)
# against server URL base $2, for a test of $3 seconds.
attack_args() {
  local kind=$1 base=$2 secs=$3
  local common=(-c "$ATTACK_CONNECTIONS" -r "$ATTACK_RATE" -l "$secs" -p 2 -g -o "$ATTACK_OUT")
  case "$kind" in
    # A header line of up to 24 random bytes every 10 s, the head never ends.
    slowloris) echo -H "${common[@]}" -i 10 -x 24 -u "$base/index.html" ;;
    # POST with Content-Length 8192, up to 10 bytes of body every 10 s.
    slow-body) echo -B "${common[@]}" -i 10 -s 8192 -x 10 -u "$base/index.html" ;;
    # GET of ATTACK_READ_BYTES with a receive window of 512–1024 bytes, reading 32
    # bytes every 5 s.
    slow-read) echo -X "${common[@]}" -w 512 -y 1024 -n 5 -z 32 -u "$base/big.bin" ;;
  esac
}

# Runs attack $1 against a fresh instance of server $2 and appends a markdown
# row to $TMP/attack-table.
attack_once() {
  local kind=$1 name=$2 pid base ramp out sh_max down rows
  start_server "$name"
  pid=${PID[$name]}
  base=${URL[$name]%/index.html}
  # Time for slowhttptest to open every connection at ATTACK_RATE per second.
  ramp=$(((ATTACK_CONNECTIONS + ATTACK_RATE - 1) / ATTACK_RATE + 2))
  ATTACK_OUT=$TMP/slowhttptest-$kind-$name
  echo "== $kind against $name: ${ATTACK_CONNECTIONS} connections, ${ramp} s ramp," \
    "${ATTACK_SECONDS} s of probes" >&2
  # shellcheck disable=SC2046 # attack_args prints words without spaces
  out=$(taskset -c "$CLIENT_CPU" python3 "$BENCH_DIR/attack_probe.py" "${URL[$name]}" \
    --seconds "$ATTACK_SECONDS" --interval 0.1 --timeout 2 --size 600 --pid "$pid" \
    --ramp "$ramp" --attack-log "$ATTACK_OUT.log" -- \
    slowhttptest $(attack_args "$kind" "$base" $((ramp + ATTACK_SECONDS + 1))))
  echo "$out" >"$TMP/probe-$kind-$name.txt"
  kill -0 "$pid" 2>/dev/null || echo "bench: warning: $name died during $kind" >&2
  # slowhttptest's CSV: Seconds,Closed,Pending,Connected,Service Available (0 = its
  # own probe got no answer within -p seconds).
  sh_max=0
  down="?"
  if [ -s "$ATTACK_OUT.csv" ]; then
    sh_max=$(awk -F, 'NR > 1 && $4 > m { m = $4 } END { print m + 0 }' "$ATTACK_OUT.csv")
    rows=$(awk -F, 'NR > 1 { n++ } END { print n + 0 }' "$ATTACK_OUT.csv")
    down="$(awk -F, 'NR > 1 && $5 == 0 { n++ } END { print n + 0 }' "$ATTACK_OUT.csv") of $rows"
  else
    echo "bench: warning: slowhttptest wrote no CSV (see $ATTACK_OUT.log):" >&2
    tail -5 "$ATTACK_OUT.log" >&2 || true
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$kind" "$name" "$sh_max" "$(kv conns_peak <<<"$out")" "$(kv probes <<<"$out")" \
    "$(kv failed <<<"$out")" "$(kv median_ms <<<"$out")" "$(kv max_ms <<<"$out")" \
    "$(mib "$(kv rss_start_kib <<<"$out")")" "$(mib "$(kv rss_peak_kib <<<"$out")")" \
    "$(mib "$(kv tcp_mem_peak_kib <<<"$out")")" "$down" | tee -a "$TMP/attack-table" >&2
  stop_tree "$pid"
}

# Holds MEMORY_CONNECTIONS connections of kind $1 (partial-head, idle) on a fresh
# instance of server $2 and appends a markdown row to $TMP/memory-table.
memory_once() {
  local kind=$1 name=$2 pid out port flags=()
  start_server "$name"
  pid=${PID[$name]}
  port=${URL[$name]#http://127.0.0.1:}
  port=${port%%/*}
  if [ "$kind" = partial-head ]; then
    # Held 3 s: below every server's header timeout (tern 20 s, nginx 60 s).
    flags=(--partial --seconds 3)
  else
    # Measured 1 s after the last answer: tern's KeepAliveTimeout defaults to 5 s.
    flags=(--seconds 1)
  fi
  echo "== $kind: $MEMORY_CONNECTIONS connections to $name" >&2
  out=$(taskset -c "$CLIENT_CPU" python3 "$BENCH_DIR/hold_idle.py" "$port" \
    "$MEMORY_CONNECTIONS" "${flags[@]}" --connect-seconds 20 --pid "$pid")
  echo "$out" >"$TMP/hold-$kind-$name.txt"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$kind" "$name" "$(kv opened <<<"$out")" \
    "$(kv server_conns <<<"$out")" "$(mib "$(kv rss_before_kib <<<"$out")")" \
    "$(mib "$(kv rss_after_kib <<<"$out")")" "$(kv rss_per_conn_bytes <<<"$out")" \
    "$(kv pss_per_conn_bytes <<<"$out")" |
    tee -a "$TMP/memory-table" >&2
  stop_tree "$pid"
}

# The servers of the attack and memory parts: tern (its defaults) and nginx
# (run.sh's configuration), those of them being measured.
attack_servers() {
  local s
  for s in tern nginx; do
    [ -n "${BIN[$s]:-}" ] && echo "$s"
  done
  return 0
}

run_attack_part() {
  local kind s kinds
  command -v slowhttptest >/dev/null || die "slowhttptest is required (make bench installs it)"
  head -c "$ATTACK_READ_BYTES" /dev/zero | tr '\0' x >"$TMP/htdocs/big.bin"
  chmod a+r "$TMP/htdocs/big.bin"
  : >"$TMP/attack-table"
  TERN_CONFIG=defaults
  # Interleaved: every server under one attack before the next attack.
  IFS=, read -r -a kinds <<<"$ATTACKS"
  for kind in "${kinds[@]}"; do
    for s in $(attack_servers); do attack_once "$kind" "$s"; done
  done
  TERN_CONFIG=bench
  echo
  echo "Attacks (slowhttptest 2 s probe, loopback): $ATTACK_CONNECTIONS connections opened at" \
    "$ATTACK_RATE/s, then a legitimate GET of the 600-byte file on a new connection every" \
    "100 ms for ${ATTACK_SECONDS} s (2 s timeout); server on CPU $SERVER_CPU, attacker and" \
    "probes on CPU $CLIENT_CPU; slow read fetches a $ATTACK_READ_BYTES-byte file;" \
    "tern with its defaults (no MPM directive), nginx: worker_processes 1," \
    "worker_connections $NGINX_WORKER_CONNECTIONS; open files: soft limit $(ulimit -n)"
  echo
  echo "| attack | server | attacker connected (max) | server held (peak) | probes | failed |" \
    "median ms | max ms | RSS before MiB | RSS peak MiB | kernel TCP MiB peak | slowhttptest: down s |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  cat "$TMP/attack-table"
}

run_memory_part() {
  local kind s
  : >"$TMP/memory-table"
  TERN_CONFIG=defaults
  # What a user holding this many connections sets: nginx refuses connections
  # beyond worker_connections ("worker_connections are not enough").
  if [ "$NGINX_WORKER_CONNECTIONS" -lt $((MEMORY_CONNECTIONS + 1024)) ]; then
    NGINX_WORKER_CONNECTIONS=$((MEMORY_CONNECTIONS + 1024))
  fi
  for kind in partial-head idle; do
    for s in $(attack_servers); do memory_once "$kind" "$s"; done
  done
  TERN_CONFIG=bench
  echo
  # shellcheck disable=SC2028 # the backslashes are meant literally
  echo "Memory per connection: $MEMORY_CONNECTIONS connections (from 127.0.0.2), each a partial" \
    'head ("GET / HTTP/1.1\r\nHost: x\r\nX-a: ") or idle after one keep-alive request;' \
    "RSS and PSS summed over the server's processes; per connection = growth / connections" \
    "the server holds (sockets it accepted; PSS divides a shared page among its mappers);" \
    "tern with its defaults, nginx: worker_processes 1," \
    "worker_connections $NGINX_WORKER_CONNECTIONS"
  echo
  echo "| connections | server | opened | server held | RSS before MiB | RSS after MiB | RSS bytes per connection | PSS bytes per connection |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|"
  cat "$TMP/memory-table"
}
