#!/usr/bin/env bash
# Builds probity with sanitizers and runs tests under them; any report fails.
#   scripts/sanitize.sh asan   ASan + UBSan + LeakSanitizer, the whole ctest suite (build-asan/)
#   scripts/sanitize.sh tsan   ThreadSanitizer, the multi-threaded tests only (build-tsan/)
# Further arguments go to ctest. PROBITY_SANITIZE_BUILD_DIR overrides the build directory.
# Installs missing Debian packages (scripts/packages.sh's list) like scripts/setup.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  asan | tsan) shift ;;
  *)
    echo "usage: $0 asan|tsan [ctest arguments...]" >&2
    exit 2
    ;;
esac

# chromium: tests/report_html_test.cc renders the HTML report in headless Chromium.
source scripts/packages.sh
install_missing sanitize "${probity_packages[@]}" chromium

if [ "$mode" = asan ]; then
  sanitizers=address,undefined
  build_dir=${PROBITY_SANITIZE_BUILD_DIR:-build-asan}
  # Every report is fatal and exits 23, so that a report in a `probity` run by a
  # test cannot pass for the exit status 1 that the test expects of an error.
  export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:print_stacktrace=1:exitcode=23:check_initialization_order=1:strict_init_order=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=23
  targets=(all)
  tests=()
else
  sanitizers=thread
  build_dir=${PROBITY_SANITIZE_BUILD_DIR:-build-tsan}
  # scripts/tsan.supp: false positives inside the uninstrumented librocksdb only.
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:exitcode=23:suppressions=$PWD/scripts/tsan.supp"
  # The tests that run our code on more than one thread: the stores' writer and
  # bulk-writer threads, the real-time engine under concurrent writers and
  # readers, the nickname table's one-time build, the candidate-pair, training,
  # ingest and synth worker pools, and a whole linkage run on two threads.
  targets=(store_test realtime_engine_test nicknames_test candidate_pairs_test training_test
           ingest_test synth_test linkage_e2e_test)
  tests=(-R '^(StoreTest\.(Concurrent|BulkWriter).*|Runs/BulkWriterRunsTest\..*|RealtimeEngineTest\.Concurrent.*|NicknameTableTest\.DefaultIsBuiltOnceAcrossThreads|CandidatePairsTest\..*|EstimateUTest\..*|TrainModelTest\..*|IngestTest\..*|BatchPipelineTest\..*|SynthTest\.DeterministicForASeed|SyntheticLinkageTest\.SameOutputWhateverTheThreadCount)$')
fi

# -O1 -g without NDEBUG: fast enough, exact stacks, and assert() stays on.
# GCC 12 under -fsanitize gives false -Wmaybe-uninitialized inside libstdc++'s <regex>
# (tests/report_html_test.cc) and, under -fsanitize=thread, a false -Wnull-dereference
# inside CLI11's split (tools/main.cc): warnings here, still errors in the normal build.
flags="-fsanitize=$sanitizers -fno-omit-frame-pointer -fno-sanitize-recover=all"
flags+=" -Wno-error=maybe-uninitialized -Wno-error=null-dereference"
# In the environment as well, so that tests/package_test.cc's downstream build
# (a fresh CMake project linking our instrumented libraries) gets the same flags.
export CXXFLAGS="$flags" LDFLAGS="-fsanitize=$sanitizers"
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Configured every time (cheap), so that a change of flags here reaches an existing build.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_FLAGS="$flags" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
      -DCMAKE_EXE_LINKER_FLAGS="-fuse-ld=lld $LDFLAGS" -DPROBITY_BUILD_BENCH=OFF \
      "${launcher[@]}" >/dev/null
echo "sanitize: building in $build_dir/ with -fsanitize=$sanitizers"
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]}"

# Reports also go to files: some tests run `probity` and expect it to fail, and
# must not take a sanitizer's exit for that failure. Any report fails the run.
# (Not UBSan's: next to GCC's libasan, libubsan ignores log_path and writes to
# stderr; a UBSan abort still replaces the error message such a test checks.)
reports="$(cd "$build_dir" && pwd)/sanitizer-reports"
rm -rf "$reports" && mkdir -p "$reports"
for var in ASAN_OPTIONS TSAN_OPTIONS; do
  if [ -n "${!var:-}" ]; then export "$var=${!var}:log_path=$reports/${var%%_*}"; fi
done
status=0
# Generous timeout: instrumented code runs several times slower.
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 900 "${tests[@]}" "$@" || status=$?
if compgen -G "$reports/*" >/dev/null; then
  for f in "$reports"/*; do
    echo "sanitize: report in $f:"
    cat "$f"
  done
  status=1
fi
exit "$status"
