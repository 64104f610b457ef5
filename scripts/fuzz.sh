#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/) with clang-19 in build-fuzz/ and runs
# each one for PROBITY_FUZZ_SECONDS (default 30) on a copy of its seed corpus
# (fuzz/corpus/<name>/ plus fuzz/regressions/<name>/), one after the other.
# Fails if any harness finds a crash, leak, sanitizer report or broken
# invariant, naming the harness and the saved input.
#   PROBITY_FUZZ_SECONDS  seconds per harness (default 30)
#   PROBITY_FUZZ_ONLY     space-separated harness names to run (default: all)
#   PROBITY_BUILD_DIR     build directory (default build-fuzz)
# Installs missing Debian packages (scripts/packages.sh's list plus clang-19,
# libclang-rt-19-dev, lld-19) like scripts/setup.sh does. The repository is not
# modified: corpora are copied to a temporary directory; crashing inputs go to
# a temporary artifacts directory that is kept only when something was found.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/packages.sh
install_missing fuzz "${probity_packages[@]}" clang-19 libclang-rt-19-dev lld-19

harnesses=(csv_reader settings name_normaliser date postcode identifiers record_codec block_postings)
if [ -n "${PROBITY_FUZZ_ONLY:-}" ]; then
  read -r -a harnesses <<<"$PROBITY_FUZZ_ONLY"
fi
# Longest input per harness: room for a few CSV rows or a settings file; field
# values are short.
max_len_of() {
  case "$1" in
    csv_reader | settings) echo 4096 ;;
    record_codec | block_postings) echo 1024 ;;
    name_normaliser) echo 256 ;;
    *) echo 64 ;;
  esac
}
seconds=${PROBITY_FUZZ_SECONDS:-30}

build_dir=${PROBITY_BUILD_DIR:-build-fuzz}
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Tests and benchmarks are left out; warnings do not fail the fuzz build (clang
# warns about things g++ does not, and the normal build already enforces -Werror).
# RelWithDebInfo without -DNDEBUG keeps assertions on.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g" -DCMAKE_CXX_COMPILER=clang++-19 \
      -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld "${launcher[@]}" \
      -DPROBITY_FUZZ=ON -DPROBITY_BUILD_TESTS=OFF -DPROBITY_BUILD_BENCH=OFF \
      -DPROBITY_WERROR=OFF >/dev/null
echo "fuzz: building in $build_dir/"
targets=()
for name in "${harnesses[@]}"; do targets+=("${name}_fuzz"); done
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/probity-fuzz.XXXXXX")
artifacts=$(mktemp -d "${TMPDIR:-/tmp}/probity-fuzz-artifacts.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Readable stack traces (clang-19 does not ship its own llvm-symbolizer here).
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
  for s in /usr/lib/llvm-19/bin/llvm-symbolizer "$(command -v llvm-symbolizer || true)"; do
    if [ -n "$s" ] && [ -x "$s" ]; then
      export ASAN_SYMBOLIZER_PATH="$s" UBSAN_SYMBOLIZER_PATH="$s"
      break
    fi
  done
fi

failed=()
total_runs=0
for name in "${harnesses[@]}"; do
  corpus="$work/corpus/$name"
  mkdir -p "$corpus"
  for dir in "fuzz/corpus/$name" "fuzz/regressions/$name"; do
    if [ -d "$dir" ]; then cp -R "$dir/." "$corpus/"; fi
  done
  dict=()
  [ -f "fuzz/dict/$name.dict" ] && dict=(-dict="fuzz/dict/$name.dict")
  log="$work/$name.log"
  status=0
  "$build_dir/fuzz/${name}_fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -max_len="$(max_len_of "$name")" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$artifacts/$name-" "${dict[@]}" "$corpus" >"$log" 2>&1 || status=$?
  # "Done N runs" on a clean finish; the final stats also after a crash.
  runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
  [ -n "$runs" ] ||
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  runs=${runs:-0}
  total_runs=$((total_runs + runs))
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  if [ "$status" -ne 0 ] || grep -q 'Test unit written to' "$log"; then
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    echo "fuzz: $name: FAILED (exit $status) after $runs runs; input saved to ${artifact:-?}"
    tail -n 60 "$log" | sed 's/^/  | /'
    failed+=("$name")
  else
    printf 'fuzz: %-16s %10s runs in %ss (coverage %s)\n' "$name" "$runs" "$seconds" "${cov:-?}"
  fi
done
echo "fuzz: total $total_runs runs"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes found by: ${failed[*]}; inputs in $artifacts/" >&2
  echo "fuzz: once fixed, add each input to fuzz/regressions/<name>/" \
       "(tests/fuzz_replay_test.cc replays them)" >&2
  exit 1
fi
rmdir "$artifacts" 2>/dev/null || true
