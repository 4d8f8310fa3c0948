#!/usr/bin/env bash
# Runs libFuzzer targets (tests/fuzz) for a fixed time each, from the seed corpus in
# tests/fuzz/corpus/TARGET/ (read only: new inputs go to build/fuzz/corpus/TARGET/). A crash, a
# leak, a sanitizer report or a timeout fails the run, and the input is left in build/fuzz/findings/.
#   scripts/fuzz.sh TARGET SECONDS     one target, e.g. scripts/fuzz.sh jwt_fuzz 600
#   scripts/fuzz.sh all SECONDS        every target, one after the other
# Prints, per target, libFuzzer's last status line (executions, cov: edges, ft: features).
set -euo pipefail
cd "$(dirname "$0")/.."

if (($# != 2)); then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
target=$1
seconds=$2
targets=(fernet_fuzz jwt_fuzz http_request_fuzz token_answer_fuzz library_page_fuzz userinfo_fuzz
  mongo_export_fuzz)
[[ "$target" != all ]] && targets=("$target")

cmake --preset fuzz -DAC_WERROR=ON >/dev/null
cmake --build --preset fuzz --target "${targets[@]}"

status=0
for name in "${targets[@]}"; do
  work=build/fuzz/corpus/$name
  findings=build/fuzz/findings/$name
  mkdir -p "$work" "$findings"
  log=build/fuzz/$name.log
  echo "== fuzz $name for ${seconds}s"
  if ! (cd "$findings" && "../../tests/fuzz/$name" -max_total_time="$seconds" -timeout=10 \
          -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
          "../../corpus/$name" "../../../../tests/fuzz/corpus/$name") >"$log" 2>&1; then
    echo "fuzz $name FAILED (log: $log, inputs: $findings)"
    grep -E "ERROR|SUMMARY|runtime error|==[0-9]+==" "$log" | head -20 || true
    status=1
    continue
  fi
  grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "$log" | tail -1
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" | tr '\n' ' '
  echo
done
exit $status
