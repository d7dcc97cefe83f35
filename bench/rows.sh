# shellcheck shell=bash disable=SC2034,SC2153,SC2154 # run.sh declares BIN (associative) and SERVER_CPU, and reads TERN_CONFIG, WRK_ARGS
# bench/rows.sh — the "rows" part of bench/run.sh (issue 12's table), sourced by it (it
# uses run.sh's start_server, measure_once, warm_up, stop_tree, cpu_ticks, median,
# config_* and variables); not run on its own. See run.sh --help for what it measures.

# The rows: label, file, its exact size, and whether each request closes its connection.
ROW_LABEL=("600 B, keep-alive" "4 KiB, keep-alive" "600 B, Connection: close"
  "64 KiB, keep-alive" "1 MiB, keep-alive")
ROW_FILE=(index.html f4k.html index.html f64k.html f1m.html)
ROW_SIZE=(600 4096 600 65536 1048576)
ROW_CLOSE=(0 0 1 0 0)
# The peers a row's "best" is chosen from (apache2 is shown, not in "best").
ROW_BEST_OF=(nginx h2o lighttpd)

# The fixed-response loop: the system-call floor (bench/fixed_loop.c).
config_fixedloop() {
  SERVER_CMD=("$FIXED_LOOP" 127.0.0.1 "$1")
}

# The same loop on io_uring: does another system-call interface lower the floor?
config_uringloop() {
  SERVER_CMD=("$FIXED_LOOP" --uring 127.0.0.1 "$1")
}

# tern with its MPM defaults, KeepAliveTimeout long enough to hold the idle connections
# through the idle row (with and without them alike).
config_ternplain() {
  config_tern "$@"
  echo "KeepAliveTimeout $IDLE_KEEPALIVE" >>"$2/tern.conf"
}
config_ternidle() {
  config_ternplain "$@"
}

# Sets FIXED_LOOP to an up-to-date build of bench/fixed_loop.c: the given (or
# default, next to tern) binary when it is newer than the source, else one compiled
# now into $TMP.
rows_fixed_loop() {
  local src=$BENCH_DIR/fixed_loop.c
  if [ -z "$FIXED_LOOP" ] && [ -n "${BIN[tern]:-}" ]; then
    FIXED_LOOP=$(dirname "${BIN[tern]}")/bench_fixed_loop
  fi
  if [ -n "$FIXED_LOOP" ] && [ -x "$FIXED_LOOP" ] && [ "$FIXED_LOOP" -nt "$src" ]; then
    return 0
  fi
  command -v cc >/dev/null || die "cc is required to build $src (or give --fixed-loop PATH)"
  echo "== building $src into $TMP/bench_fixed_loop" >&2
  cc -O2 -Wall -Wextra -Werror -o "$TMP/bench_fixed_loop" "$src" -luring
  FIXED_LOOP=$TMP/bench_fixed_loop
}

# Writes $2 as HTML of exactly $1 bytes.
rows_html_file() {
  local size=$1 path=$2
  local head='<!DOCTYPE html><html><head><title>bench</title></head><body><p>'
  local tail='</p></body></html>'
  {
    printf '%s' "$head"
    head -c $((size - ${#head} - ${#tail} - 1)) /dev/zero | tr '\0' x
    printf '%s\n' "$tail"
  } >"$path"
  [ "$(wc -c <"$path")" -eq "$size" ] || die "$path is not $size bytes"
  chmod a+r "$path"
}

# Prints server $1's logs (as start_server does when a server is not ready).
rows_server_logs() {
  local f
  for f in stdout stderr error.log; do
    [ -s "$TMP/$1/$f" ] || continue
    echo "bench: $1's $f:" >&2
    cat "$TMP/$1/$f" >&2
  done
}

# Checks that server $1 answers row $2's request with 200 and the file's exact size
# (and, on a Connection: close row, a Connection: close response); dies with the
# server's logs otherwise.
rows_check() {
  local name=$1 r=$2 url got head
  url=${URL[$name]%/index.html}/${ROW_FILE[$r]}
  if [ "${ROW_CLOSE[$r]}" = 1 ]; then
    got=$(curl -s -D "$TMP/check-head" -o /dev/null -H 'Connection: close' \
      -w '%{http_code} %{size_download}' "$url" || true)
    head=$(tr -d '\r' <"$TMP/check-head")
    if ! grep -qi '^connection:.*close' <<<"$head"; then
      rows_server_logs "$name"
      die "$name did not answer 'Connection: close' with Connection: close on $url:
$head"
    fi
  else
    got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$url" || true)
  fi
  if [ "$got" != "200 ${ROW_SIZE[$r]}" ]; then
    rows_server_logs "$name"
    die "$name answered $url with '$got', not '200 ${ROW_SIZE[$r]}'"
  fi
}

# The servers measured on row $1: those started, and the fixed loops (epoll, io_uring)
# on the 600 B, 4 KiB and 64 KiB rows (they answer f4k.html with a 4096-byte body,
# f64k.html with 65536 bytes, anything else with 600 bytes).
rows_servers() {
  local s
  for s in "${MEASURED[@]}"; do
    case $s in fixedloop | uringloop) [ "${ROW_FILE[$1]}" = f1m.html ] && continue ;; esac
    echo "$s"
  done
}

# Sets WRK_ARGS for row $1: one wrk thread, and a new connection per request on the
# Connection: close row.
rows_wrk_args() {
  WRK_ARGS=(-t1)
  [ "${ROW_CLOSE[$1]}" = 1 ] && WRK_ARGS+=(-H 'Connection: close')
  return 0
}

# Median over the rounds of column $3 of run file $1 divided by that of $2.
rows_ratio() {
  paste -d' ' "$1" "$2" | awk -v c="$3" '{ d = $(c + 3); print (d > 0 ? $c / d : 0) }' | median
}

# Median of column $2 of run file $1, or empty when there is no such file.
rows_median() {
  [ -s "$1" ] || return 0
  awk -v c="$2" '{ print $c }' "$1" | median
}

# Sockets held by process $1 and its descendants.
socket_count() {
  local total=0 pid n
  for pid in "$1" $(descendants "$1"); do
    n=$(find "/proc/$pid/fd" -lname 'socket:*' 2>/dev/null | wc -l)
    total=$((total + n))
  done
  echo "$total"
}

# A table cell of width $1: value $2, or an em dash when it is empty.
cell() {
  if [ -z "$2" ]; then
    printf '%*s' $(($1 + 2)) '—' # the dash is 3 bytes, 1 column
  else
    printf '%*s' "$1" "$2"
  fi
}

# The idle row: tern (defaults) on the 600 B keep-alive row without and with
# IDLE_CONNECTIONS idle keep-alive connections held by bench/hold_idle.py; prints
# its line to standard output.
rows_idle_row() {
  local s i port base holder held min_held="" answered
  BIN[ternplain]=${BIN[tern]}
  BIN[ternidle]=${BIN[tern]}
  MEASURED=(ternplain ternidle)
  for s in "${MEASURED[@]}"; do
    start_server "$s"
    rm -f "$TMP/runs-idle-$s"
  done
  port=${URL[ternidle]#http://127.0.0.1:}
  port=${port%%/*}
  base=$(socket_count "${PID[ternidle]}")
  echo "== holding $IDLE_CONNECTIONS idle keep-alive connections on ternidle (CPU $CLIENT_CPU)" >&2
  taskset -c "$CLIENT_CPU" python3 "$BENCH_DIR/hold_idle.py" "$port" "$IDLE_CONNECTIONS" \
    --seconds 1000000 --connect-seconds 60 >"$TMP/hold-idle.txt" 2>&1 &
  holder=$!
  STARTED+=("$holder")
  for _ in $(seq 900); do
    grep -q '^answered=' "$TMP/hold-idle.txt" && break
    kill -0 "$holder" 2>/dev/null || die "hold_idle.py exited: $(cat "$TMP/hold-idle.txt")"
    sleep 0.1
  done
  answered=$(kv answered <"$TMP/hold-idle.txt")
  [ -n "$answered" ] || die "hold_idle.py answered nothing in 90 s: $(cat "$TMP/hold-idle.txt")"
  echo "   hold_idle.py: $(tr '\n' ' ' <"$TMP/hold-idle.txt")" >&2
  rows_wrk_args 0
  for s in "${MEASURED[@]}"; do warm_up "$s" "${URL[$s]}"; done
  for i in $(seq "$RUNS"); do
    for s in "${MEASURED[@]}"; do
      if [ "$s" = ternidle ]; then
        held=$(($(socket_count "${PID[ternidle]}") - base))
        echo "   ternidle holds $held connections" >&2
        if [ -z "$min_held" ] || [ "$held" -lt "$min_held" ]; then min_held=$held; fi
      fi
      measure_once "idle-$s" "${URL[$s]}" "${PID[$s]}" "$i"
    done
  done
  stop_tree "$holder"
  for s in "${MEASURED[@]}"; do stop_tree "${PID[$s]}"; done
  printf '%s idle keep-alive connections (tern held %s of %s answered, fewest over the runs):' \
    "$IDLE_CONNECTIONS" "$min_held" "$answered"
  printf ' 600 B keep-alive, tern %.0f req per CPU-s with them, %.0f without;' \
    "$(rows_median "$TMP/runs-idle-ternidle" 3)" "$(rows_median "$TMP/runs-idle-ternplain" 3)"
  printf ' tern-with-idle/tern-without %.2f; p99 %.2f / %.2f ms\n' \
    "$(rows_ratio "$TMP/runs-idle-ternidle" "$TMP/runs-idle-ternplain" 3)" \
    "$(rows_median "$TMP/runs-idle-ternidle" 2)" "$(rows_median "$TMP/runs-idle-ternplain" 2)"
}

# Prints the table's line for row $1.
rows_table_line() {
  local r=$1 s v best="" best_v=0 tb="" tl="" p_t="" p_b=""
  local f=$TMP/runs-r$r
  printf '%-26s' "${ROW_LABEL[$r]}"
  for s in tern nginx h2o lighttpd apache2 fixedloop uringloop; do
    v=""
    [ -s "$f-$s" ] && v=$(printf '%.0f' "$(rows_median "$f-$s" 3)")
    cell 10 "$v"
  done
  for s in "${ROW_BEST_OF[@]}"; do
    [ -s "$f-$s" ] || continue
    v=$(rows_median "$f-$s" 3)
    if awk -v a="$v" -v b="$best_v" 'BEGIN { exit !(a > b) }'; then
      best=$s
      best_v=$v
    fi
  done
  if [ -n "$best" ]; then
    best=$(printf '%s %.0f' "$best" "$best_v")
    p_b=$(printf '%.2f' "$(rows_median "$f-${best%% *}" 2)")
    [ -s "$f-tern" ] && tb=$(printf '%.2f' "$(rows_ratio "$f-tern" "$f-${best%% *}" 3)")
  fi
  if [ -s "$f-tern" ]; then
    p_t=$(printf '%.2f' "$(rows_median "$f-tern" 2)")
    [ -s "$f-fixedloop" ] && tl=$(printf '%.2f' "$(rows_ratio "$f-tern" "$f-fixedloop" 3)")
  fi
  cell 16 "$best"
  cell 10 "$tb"
  cell 11 "$tl"
  cell 10 "$p_t"
  cell 10 "$p_b"
  echo
}

run_rows_part() {
  local r s i pairs=0 seconds
  local DURATION=$ROWS_DURATION RUNS=$ROWS_RUNS WRK_ARGS=(-t1)
  # tern's default KeepAliveTimeout (5 s) would close the held connections.
  IDLE_KEEPALIVE=$((120 + 2 * (2 + RUNS * (DURATION + 5))))
  rows_fixed_loop
  rows_html_file 4096 "$TMP/htdocs/f4k.html"
  rows_html_file 65536 "$TMP/htdocs/f64k.html"
  rows_html_file 1048576 "$TMP/htdocs/f1m.html"
  TERN_CONFIG=mpm-defaults
  BIN[fixedloop]=$FIXED_LOOP
  BIN[uringloop]=$FIXED_LOOP
  MEASURED=()
  for s in "${SERVERS[@]}" fixedloop uringloop; do
    [ -n "${BIN[$s]:-}" ] || continue
    start_server "$s"
    MEASURED+=("$s")
  done
  for r in "${!ROW_LABEL[@]}"; do
    for s in $(rows_servers "$r"); do
      rows_check "$s" "$r"
      rm -f "$TMP/runs-r$r-$s"
      pairs=$((pairs + 1))
    done
  done
  seconds=$((pairs * (2 + RUNS * DURATION)))
  [ -n "${BIN[tern]:-}" ] && seconds=$((seconds + 2 * (2 + RUNS * DURATION)))
  echo "== rows part: $pairs row x server pairs; about $((seconds / 60)) min $((seconds % 60)) s" \
    "of wrk runs (+ the idle row's connection set-up)" >&2
  : >"$TMP/warnings"
  # Rounds: every row and server's run i before any run i+1; each server is warmed
  # 2 s on each row just before its first measured run there.
  for i in $(seq "$RUNS"); do
    for r in "${!ROW_LABEL[@]}"; do
      rows_wrk_args "$r"
      for s in $(rows_servers "$r"); do
        [ "$i" = 1 ] && warm_up "$s (row $((r + 1)))" "${URL[$s]%/index.html}/${ROW_FILE[$r]}"
        measure_once "r$r-$s" "${URL[$s]%/index.html}/${ROW_FILE[$r]}" "${PID[$s]}" "$i"
      done
    done
  done
  for s in "${MEASURED[@]}"; do stop_tree "${PID[$s]}"; done

  echo
  echo "Rows (issue 12): requests per server CPU-second, median of $RUNS x ${DURATION}s runs" \
    "interleaved in rounds; server on CPU $SERVER_CPU, wrk -t1 -c$CONNECTIONS on CPU" \
    "$CLIENT_CPU; tern with its MPM defaults (no MPM directive; keep-alive as the peers)," \
    "peers with one worker each;" \
    "best = the best of ${ROW_BEST_OF[*]}; tern/best and tern/loop = median of per-round" \
    "ratios; p99 = median of the runs' wrk p99 (ms); uringloop = fixedloop on io_uring"
  printf '%-26s%10s%10s%10s%10s%10s%10s%10s%16s%10s%11s%10s%10s\n' row tern nginx h2o \
    lighttpd apache2 fixedloop uringloop 'best peer' tern/best tern/loop 'p99 tern' 'p99 best'
  for r in "${!ROW_LABEL[@]}"; do rows_table_line "$r"; done
  if [ -n "${BIN[tern]:-}" ] && [ "$IDLE_CONNECTIONS" -gt 0 ]; then
    rows_idle_row >"$TMP/rows-idle-line"
    cat "$TMP/rows-idle-line"
  fi
  TERN_CONFIG=bench
  if [ -s "$TMP/warnings" ]; then
    echo "wrk reported errors (those runs are not clean):"
    cat "$TMP/warnings"
  fi
}
