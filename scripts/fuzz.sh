#!/usr/bin/env bash
# Fuzzes jcap's parsers for a bounded time (not part of CI's run; see docs/reliability.md, Fuzzing):
#   - the guest init's C parsers as libFuzzer targets built with clang, ASan and UBSan
#     (kernels/src/fuzz/*_fuzz.c, seeds in kernels/src/fuzz/corpus/TARGET/);
#   - the Capstanfile parser and the container layer reader through Jazzer (CapstanfileFuzzTest,
#     LayerStackFuzzTest; JAZZER_FUZZ=1).
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# C findings are written to kernels/target/fuzz/findings/, Jazzer's where Jazzer puts them (see
# kernels/target/fuzz/capstanfile.log and layers.log); the script exits 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
case "$seconds" in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2; exit 2 ;; esac

command -v clang >/dev/null || bash scripts/setup.sh

fuzz=kernels/src/fuzz
out=kernels/target/fuzz
mkdir -p "$out/bin" "$out/findings"
summary=()
failed=0

for harness in "$fuzz"/*_fuzz.c; do
  target=$(basename "$harness" _fuzz.c)
  bash "$fuzz/build.sh" "$target" "$out/bin/$target"
  # New inputs go to a scratch corpus; the committed seeds are only read.
  mkdir -p "$out/corpus/$target"
  log="$out/$target.log"
  echo "fuzz: $target for ${seconds}s" >&2
  rc=0
  "$out/bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/findings/$target-" "$out/corpus/$target" "$fuzz/corpus/$target" \
    >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$rc" -ne 0 ]; then
    failed=1
    echo "fuzz: $target FAILED (exit $rc); see $log and $out/findings/" >&2
    grep -m3 -E 'ERROR|SUMMARY|runtime error' "$log" >&2 || true
  fi
  summary+=("$target ${seconds}s ${execs:-?} executions, coverage ${cov:-?} edges, $([ "$rc" -eq 0 ] && echo 'no crash' || echo CRASH)")
done

# The Java parsers of untrusted input, with Jazzer: the Capstanfile parser and the container layer reader.
for jazzer in "capstanfile capstanfile-schema CapstanfileFuzzTest" "layers formats LayerStackFuzzTest"; do
  read -r name module test <<<"$jazzer"
  echo "fuzz: $name (Jazzer, $test) for ${seconds}s" >&2
  log="$out/$name.log"
  rc=0
  # The libFuzzer arguments Jazzer's JUnit runner takes (argument 0 stands for argv[0]) come after
  # the test's maxDuration, so they set the time; -timeout makes a hang a finding. These
  # jazzer.internal.arg.N properties are how Jazzer's own launcher passes them (checked with 0.24.0):
  # after a Jazzer upgrade, check that the run still takes SECONDS.
  JAZZER_FUZZ=1 mvn -o -B -pl "$module" -am test -Dtest="$test" \
    -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.internal.arg.0=jazzer \
    -Djazzer.internal.arg.1=-max_total_time="$seconds" -Djazzer.internal.arg.2=-timeout=10 \
    -Djazzer.internal.arg.3=-print_final_stats=1 >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$rc" -ne 0 ]; then
    failed=1
    echo "fuzz: $name FAILED; see $log" >&2
  fi
  summary+=("$name ${seconds}s ${execs:-?} executions, $([ "$rc" -eq 0 ] && echo 'no crash' || echo CRASH)")
done

printf 'fuzz: %s\n' "${summary[@]}"
exit "$failed"
