#!/usr/bin/env bash
# Runs tern's libFuzzer targets one after another (`make fuzz`, `make fuzz-smoke`).
# Usage: fuzz/run.sh BUILD_DIR SECONDS long|smoke [target...]
#   long:  new inputs are added to fuzz/corpus/<target>/ (only the seed-* files there are in
#          git), so successive long runs build on each other.
#   smoke: the committed corpus is read only; new inputs go to BUILD_DIR/fuzz-smoke/<target>/.
# A crash, leak, timeout or failed check stops with exit 1 and leaves the reproducer in
# BUILD_DIR/fuzz-artifacts/ (replay it: BUILD_DIR/<target>_fuzz <file>).
# Extra libFuzzer flags: FUZZ_ARGS="-max_len=8192 …". Each run ends with libFuzzer's figures
# (executions, cov, ft, corpus), collected in BUILD_DIR/fuzz-summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1 seconds=$2 mode=$3
shift 3
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(request_parser range log_format config_parser path_resolve)
mkdir -p "$build/fuzz-artifacts"
summary="$build/fuzz-summary.txt"
: > "$summary"
for t in "${targets[@]}"; do
  seeds=fuzz/corpus/$t
  if [ "$mode" = long ]; then
    dirs=("$seeds")
  else
    rm -rf "$build/fuzz-smoke/$t"
    mkdir -p "$build/fuzz-smoke/$t"
    dirs=("$build/fuzz-smoke/$t" "$seeds")
  fi
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  log="$build/fuzz-$t.log"
  echo "== $t: ${seconds}s (log: $log)"
  status=0
  "$build/${t}_fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$t-" "${dict[@]}" ${FUZZ_ARGS:-} "${dirs[@]}" \
    > "$log" 2>&1 || status=$?
  # libFuzzer's last status line ("#N DONE cov: … ft: … corp: …") and its final stats.
  { echo "$t: $(grep -E '^#[0-9]+' "$log" | tail -1)"
    grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" | sed 's/^/  /'
  } | tee -a "$summary"
  if [ $status -ne 0 ]; then
    echo "$t: FAILED (exit $status); the end of $log:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
done
