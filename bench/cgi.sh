# shellcheck shell=bash disable=SC2034 # TERN_EXTRA, APACHE_EXTRA, CONNECTIONS: read by run.sh
# bench/cgi.sh — the "cgi" part of bench/run.sh, sourced by it (it uses run.sh's
# start_server, measure_once, stop_tree, config_* and variables); not run on its own.
# See run.sh --help for what it measures.

CGI_PATH='/cgi-bin/hello.sh?n=1'
CGI_BODY='hello from CGI/1.1: GET /cgi-bin/hello.sh?n=1'
CGI_CPU_NOTE="" # how the cgroup column was measured, for the table's header

# Creates a cgroup for server $1 in which CPU time is accounted (cgroup v1 cpuacct,
# else v2 cpu.stat) and records it in CGROUP[$1]; leaves CGROUP[$1] unset when no
# hierarchy is writable here (not root, or a container that forbids it).
cgroup_create() {
  local name=$1 base cg
  for base in /sys/fs/cgroup/cpuacct /sys/fs/cgroup/cpu,cpuacct /sys/fs/cgroup \
    /sys/fs/cgroup/unified; do
    [ -f "$base/cpuacct.usage" ] || [ -f "$base/cgroup.controllers" ] || continue
    cg=$base/tern-bench-$$-$name
    mkdir "$cg" 2>/dev/null || continue
    # shellcheck disable=SC2016 # expanded by that shell
    if sh -c 'echo $$ >"$0/cgroup.procs"' "$cg" 2>/dev/null; then
      CGROUP["$name"]=$cg
      CGROUPS+=("$cg")
      CGI_CPU_NOTE="cgroup $base"
      return 0
    fi
    rmdir "$cg" 2>/dev/null || true
  done
  return 0
}

# CPU time (microseconds) used so far by every process that ever ran in cgroup $1.
cgroup_cpu_us() {
  if [ -f "$1/cpuacct.usage" ]; then
    echo $(($(cat "$1/cpuacct.usage") / 1000))
  else
    awk '$1 == "usage_usec" { print $2 }' "$1/cpu.stat"
  fi
}

# Prints why tern cannot run the CGI part ("" when it can): its configuration
# (run.sh's bench configuration + ScriptAlias) fails `tern -t`.
tern_cgi_refusal() {
  local dir=$TMP/tern-cgi-check out
  mkdir -p "$dir"
  config_tern "$(free_port)" "$dir"
  if ! out=$("${BIN[tern]}" -t -d "$dir" -f "$dir/tern.conf" 2>&1); then
    echo "$out" | head -3
  fi
}

# GETs the CGI URL of server $1 once; true when it answers 200 with the script's
# line (else prints what it answered).
cgi_answers() {
  local out
  out=$(curl -s --max-time 10 -w '%{http_code}' "${URL[$1]%/index.html}$CGI_PATH" || true)
  [ "$out" = "$CGI_BODY"$'\n'200 ] && return 0
  echo "bench: $1 answered (body, then status): $(echo "$out" | head -c 300)" >&2
  return 1
}

run_cgi_part() {
  local s saved_connections=$CONNECTIONS refusal="" cgi_servers=() ratio
  local m=/usr/lib/apache2/modules
  mkdir -p "$TMP/cgi-bin"
  cp "$BENCH_DIR/cgi_hello.sh" "$TMP/cgi-bin/hello.sh"
  chmod -R a+rX "$TMP/cgi-bin"
  # A CGI request forks and execs: a few connections keep the pinned core busy.
  CONNECTIONS=$CGI_CONNECTIONS
  TERN_EXTRA="ScriptAlias /cgi-bin/ $TMP/cgi-bin/"
  # mod_cgid (event MPM: httpd's own choice of CGI module for threaded MPMs), its
  # daemon's socket in the server's directory.
  APACHE_EXTRA="LoadModule alias_module $m/mod_alias.so
LoadModule cgid_module $m/mod_cgid.so
ScriptSock $TMP/apache2/cgisock
ScriptAlias /cgi-bin/ $TMP/cgi-bin/
<Directory $TMP/cgi-bin>
    Require all granted
</Directory>"
  : >"$TMP/cgi-status"
  rm -f "$TMP"/runs-* "$TMP"/cgroup-runs-* # the throughput part's runs are not this part's
  : >"$TMP/warnings" # the throughput part printed its own
  if [ -n "${BIN[tern]:-}" ]; then
    refusal=$(tern_cgi_refusal)
    if [ -n "$refusal" ]; then
      echo "tern: ScriptAlias refused / CGI not available (tern -t: $(echo "$refusal" | head -1))" |
        tee -a "$TMP/cgi-status" >&2
    else
      cgi_servers+=(tern)
    fi
  fi
  [ -n "${BIN[apache2]:-}" ] && cgi_servers+=(apache2)
  [ ${#cgi_servers[@]} -gt 0 ] || {
    echo "bench: cgi part: neither tern (with CGI) nor apache2 to measure: skipped" >&2
    cat "$TMP/cgi-status"
    CONNECTIONS=$saved_connections
    return 0
  }
  MEASURED=()
  for s in "${cgi_servers[@]}"; do
    cgroup_create "$s"
    start_server "$s"
    if ! cgi_answers "$s"; then
      echo "$s: CGI not available (GET $CGI_PATH did not answer 200 \"$CGI_BODY\")" |
        tee -a "$TMP/cgi-status" >&2
      tail -5 "$TMP/$s/error.log" >&2 2>/dev/null || true
      stop_tree "${PID[$s]}"
      continue
    fi
    MEASURED+=("$s")
    : >"$TMP/runs-$s"
    : >"$TMP/cgroup-runs-$s"
  done
  for s in "${MEASURED[@]}"; do warm_up "$s" "${URL[$s]%/index.html}$CGI_PATH"; done
  for i in $(seq "$RUNS"); do
    for s in "${MEASURED[@]}"; do
      measure_once "$s" "${URL[$s]%/index.html}$CGI_PATH" "${PID[$s]}" "$i"
    done
  done
  print_cgi_table
  for s in "${MEASURED[@]}"; do stop_tree "${PID[$s]}"; done
  for s in "${cgi_servers[@]}"; do unset "CGROUP[$s]"; done
  CONNECTIONS=$saved_connections
  TERN_EXTRA=""
  APACHE_EXTRA=""
}

# The cgi part's table: medians per server, then tern/apache2 (median over rounds).
print_cgi_table() {
  local s col
  echo
  echo "Small CGI script (bench/cgi_hello.sh, /bin/sh) through ScriptAlias, keep-alive," \
    "$CONNECTIONS connections, server on CPU $SERVER_CPU, wrk on CPU $CLIENT_CPU;" \
    "median of $RUNS x ${DURATION}s, runs interleaved; tern: one child, $TERN_THREADS threads;" \
    "Apache httpd: event MPM + mod_cgid. Server CPU = its processes (as the throughput part:" \
    "the scripts, short-lived, are not in it); whole = everything started in the server's" \
    "${CGI_CPU_NOTE:-cgroup (none writable here: n/a)}, the scripts included"
  printf '%-9s %10s %10s %16s %22s\n' server 'req/s' 'p99 (ms)' 'req per CPU-s' 'req per whole CPU-s'
  for s in "${MEASURED[@]}"; do
    col=n/a
    [ -s "$TMP/cgroup-runs-$s" ] && col=$(median <"$TMP/cgroup-runs-$s" | xargs printf '%.0f')
    printf '%-9s %10.0f %10.2f %16.0f %22s\n' "$s" \
      "$(awk '{ print $1 }' "$TMP/runs-$s" | median)" \
      "$(awk '{ print $2 }' "$TMP/runs-$s" | median)" \
      "$(awk '{ print $3 }' "$TMP/runs-$s" | median)" "$col"
  done
  if [ -s "$TMP/runs-tern" ] && [ -s "$TMP/runs-apache2" ]; then
    printf 'tern/apache2: req/s %.2f, req per CPU-s %.2f, req per whole CPU-s %s\n' \
      "$(paste -d' ' "$TMP/runs-tern" "$TMP/runs-apache2" |
        awk '{ print ($4 > 0 ? $1 / $4 : 0) }' | median)" \
      "$(paste -d' ' "$TMP/runs-tern" "$TMP/runs-apache2" |
        awk '{ print ($6 > 0 ? $3 / $6 : 0) }' | median)" \
      "$(if [ -s "$TMP/cgroup-runs-tern" ] && [ -s "$TMP/cgroup-runs-apache2" ]; then
        paste -d' ' "$TMP/cgroup-runs-tern" "$TMP/cgroup-runs-apache2" |
          awk '{ print ($2 > 0 ? $1 / $2 : 0) }' | median | xargs printf '%.2f'
      else echo n/a; fi)"
  else
    echo "tern/apache2: n/a (both must serve the script)"
  fi
  cat "$TMP/cgi-status"
  if [ -s "$TMP/warnings" ]; then
    echo "wrk reported errors (those runs are not clean):"
    cat "$TMP/warnings"
  fi
}
