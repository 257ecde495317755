#!/usr/bin/env bash
# `make test`: unit tests, then e2e tests against a fresh local cluster that this
# script starts and stops. Ends with one line `N passed, N failed[, N skipped]`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source hack/cluster/lib.sh
OUT_DIR="$(mktemp -d)"
trap 'rm -rf "$OUT_DIR"' EXIT

# run_suite NAME FILES...: node's test runner, output kept for the summary.
run_suite() {
  local name="$1"
  shift
  [ $# -gt 0 ] || { echo "[test] $name: no test files"; return 0; }
  echo "[test] $name: $# files"
  node --import tsx --test --test-concurrency=1 --test-reporter=spec "$@" 2>&1 | tee "$OUT_DIR/$name.out"
  return "${PIPESTATUS[0]}"
}

count() { # WORD: sum of `ℹ WORD N` over the suites run
  cat "$OUT_DIR"/*.out 2>/dev/null | awk -v w="$1" '$1 == "ℹ" && $2 == w {s += $3} END {print s + 0}'
}


mapfile -t unit < <(find test/unit -name '*.test.ts' 2>/dev/null | sort)
mapfile -t e2e < <(find test/e2e -name '*.test.ts' 2>/dev/null | sort)

rc=0
e2e_rc=0
run_suite unit "${unit[@]}" || rc=1

if [ ${#e2e[@]} -gt 0 ]; then
  bash hack/cluster/down.sh --purge >/dev/null 2>&1 || true
  if bash hack/cluster/up.sh; then
    export KUBECONFIG="$KUBECONFIG_PATH" PATH="$CP_BIN:$PATH"
    E2E_TIMEOUT="${E2E_TIMEOUT:-50m}"
    timeout --signal=TERM --kill-after=60 "$E2E_TIMEOUT" bash -c "$(declare -f run_suite); OUT_DIR='$OUT_DIR' run_suite e2e \"\$@\"" _ "${e2e[@]}" || e2e_rc=1
  else
    echo "[test] the local cluster did not start; e2e not run"
    echo "ℹ fail 1" >"$OUT_DIR/cluster.out"
    rc=1
  fi
  [ "$e2e_rc" -eq 0 ] || rc=1
  if [ "$e2e_rc" -ne 0 ] && [ -d .cluster/logs/operators ]; then
    echo "[test] what the operators decided (the last 80 decisions and warnings of all suites):"
    node --import tsx hack/operator-story.ts .cluster/logs/operators 80 || true
  fi
  bash hack/cluster/down.sh --keep-data || rc=1
fi

passed=$(count pass)
failed=$(count fail)
skipped=$(count skipped)
[ "$failed" -gt 0 ] && rc=1
if [ "$failed" -gt 0 ]; then
  # The failures with their messages once more, last: a log cut to its tail still shows them.
  echo
  echo "[test] the failures again:"
  for out in "$OUT_DIR"/*.out; do
    awk '/^✖ failing tests:/ { p = 1; next }
         p && /^✖/ { print; n = 1; next }
         p && n > 0 && /Error|error|rror:/ { print; n-- }' "$out"
  done | cut -c1-400 | head -24
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
