# shellcheck shell=bash
# bench/scopes.sh — the "scopes" part of bench/run.sh, sourced by it (it uses run.sh's
# start_server, measure_once, warm_up, stop_tree, config_tern and variables); not run on
# its own. See run.sh --help for what it measures.

# tern with the throughput part's configuration plus the per-directory sections of
# Debian's apache2.conf and an .htaccess read on every request's directory
# (AllowOverride All), as a stock httpd site has them.
config_ternscopes() {
  local dir=$2
  config_tern "$@"
  cat >>"$dir/tern.conf" <<EOF
<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
<Directory $TMP/htdocs>
    Options Indexes FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
<FilesMatch "^\.ht">
    Require all denied
</FilesMatch>
EOF
}

run_scopes_part() {
  local s
  [ -n "${BIN[tern]:-}" ] || {
    echo "bench: scopes part: tern is not measured (--only): skipped" >&2
    return 0
  }
  # Read through AllowOverride All on every request (revalidated once a second).
  printf 'Options -Indexes\nSetEnv BENCH_SCOPES 1\n' >"$TMP/htdocs/.htaccess"
  BIN[ternscopes]=${BIN[tern]}
  rm -f "$TMP"/runs-tern "$TMP"/runs-ternscopes
  : >"$TMP/warnings"
  MEASURED=(tern ternscopes)
  measure_in_rounds
  echo
  echo "600-byte static file, keep-alive, $CONNECTIONS connections, server on CPU $SERVER_CPU," \
    "wrk on CPU $CLIENT_CPU; median of $RUNS x ${DURATION}s, runs interleaved; tern: one" \
    "child, $TERN_THREADS threads. 'tern' = the throughput part's configuration;" \
    "'ternscopes' = the same plus Debian's <Directory /> and <Directory DocumentRoot>" \
    "sections, <FilesMatch \"^\\.ht\">, and AllowOverride All with an .htaccess file"
  printf '%-11s %10s %10s %16s\n' server 'req/s' 'p99 (ms)' 'req per CPU-s'
  for s in "${MEASURED[@]}"; do
    printf '%-11s %10.0f %10.2f %16.0f\n' "$s" \
      "$(awk '{ print $1 }' "$TMP/runs-$s" | median)" \
      "$(awk '{ print $2 }' "$TMP/runs-$s" | median)" \
      "$(awk '{ print $3 }' "$TMP/runs-$s" | median)"
  done
  printf 'ternscopes/tern: req/s %.2f, req per CPU-s %.2f\n' \
    "$(paste -d' ' "$TMP/runs-ternscopes" "$TMP/runs-tern" |
      awk '{ print ($4 > 0 ? $1 / $4 : 0) }' | median)" \
    "$(paste -d' ' "$TMP/runs-ternscopes" "$TMP/runs-tern" |
      awk '{ print ($6 > 0 ? $3 / $6 : 0) }' | median)"
  if [ -s "$TMP/warnings" ]; then
    echo "wrk reported errors (those runs are not clean):"
    cat "$TMP/warnings"
  fi
  for s in "${MEASURED[@]}"; do stop_tree "${PID[$s]}"; done
  rm -f "$TMP/htdocs/.htaccess"
}
