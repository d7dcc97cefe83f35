#!/usr/bin/env bash
# Checks the one-way dependency rule of docs/architecture.md: the MPM (src/mpm/)
# schedules protocol-neutral connections and knows no HTTP, so no file under src/mpm/
# may include anything from src/http/, src/handlers/ or the access log (src/log/access*).
# Prints each offending include as FILE:LINE: TEXT and exits 1; exits 0 when clean.
# Usage: scripts/check_layers.sh [SOURCE_ROOT]   (default: the repository's src/)
set -euo pipefail
src=${1:-"$(cd "$(dirname "$0")/.." && pwd)/src"}
[ -d "$src/mpm" ] || { echo "check_layers: no $src/mpm directory" >&2; exit 2; }
# An include of a forbidden path, written "x/..." or <x/...>, with or without
# leading "../" or "./" segments (and so "src/x/..." too).
forbidden='^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]((\.\.?/)*)(src/)?(http/|handlers/|log/access)'
found=$(find "$src/mpm" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cpp' -o -name '*.cc' \) \
  -print0 | sort -z | xargs -0 -r grep -n -H -E "$forbidden" || true)
if [ -n "$found" ]; then
  echo "check_layers: src/mpm/ must not include HTTP code (src/http/, src/handlers/, src/log/access*):" >&2
  echo "$found" | sed "s|^$src/|src/|" >&2
  exit 1
fi
echo "check_layers: src/mpm/ includes no HTTP code"
