#!/usr/bin/env bash
# Accuracy and speed of probity on generated data and on public benchmark sets.
#
# Usage: bench/accuracy.sh [--write]
#   Prints a Markdown table (precision, recall, F1, time, peak memory) and the
#   machine it ran on; --write also writes it to docs/accuracy.md.
#
# Builds nothing: build probity first (scripts/setup.sh or cmake). Needs only
# bash, awk, sed and coreutils. Environment:
#   PROBITY              probity binary (default: build/probity under the repo root)
#   PROBITY_SHARED_DATA  shared data dir holding benchmarks/ (default: ../shared/data
#                        beside the repo root); public sets are skipped when absent
#   OUT                  scratch dir (default: /tmp/probity-accuracy)
#   SIZES                people per generated data set (default: "10000 100000 1000000")
#   DIFFICULTIES         generator difficulties (default: "easy normal hard")
#
# Exits non-zero, showing the failing command and the tail of its output, if any
# step fails.
set -euo pipefail
export LC_ALL=C

readonly SELF=bench/accuracy.sh
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

write=0
for arg in "$@"; do
  case "$arg" in
    --write) write=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$SELF: unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "$SELF: $*" >&2; exit 1; }
note() { echo "$SELF: $*" >&2; }

# Absolute paths, so the script works from any cwd (relative values are taken
# relative to the cwd when given, to the repo root by default).
abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$PWD" "$1" ;; esac; }
if [[ -n "${PROBITY:-}" ]]; then PROBITY=$(abspath "$PROBITY"); else PROBITY=$REPO/build/probity; fi
if [[ -n "${PROBITY_SHARED_DATA:-}" ]]; then
  SHARED=$(abspath "$PROBITY_SHARED_DATA")
else
  SHARED=$REPO/../shared/data
fi
OUT=$(abspath "${OUT:-/tmp/probity-accuracy}")
SIZES=${SIZES:-10000 100000 1000000}
DIFFICULTIES=${DIFFICULTIES:-easy normal hard}

[[ -x "$PROBITY" ]] || die "no probity binary at $PROBITY (build it first, or set PROBITY)"
for n in $SIZES; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "SIZES: not a positive number: $n"; done
for d in $DIFFICULTIES; do
  case "$d" in easy | normal | hard) ;; *) die "DIFFICULTIES: unknown difficulty: $d" ;; esac
done
mkdir -p "$OUT" || die "cannot create $OUT"
load_at_start=$(cut -d" " -f1 /proc/loadavg 2>/dev/null || true)

# Runs a command with its output in LOG; on failure shows the command and the
# end of its output, then exits.
LOG=$OUT/step.log
step() {
  if ! "$@" >"$LOG" 2>&1; then
    {
      echo "$SELF: failed:"
      printf '  '; printf '%q ' "$@"; echo
      tail -n 20 "$LOG" | sed 's/^/  | /'
    } >&2
    exit 1
  fi
}

# json_value FILE KEY [AFTER]: the scalar value of the first "KEY": in FILE,
# after the first line holding "AFTER": when AFTER is given. The files are
# pretty-printed JSON, one key per line.
json_value() {
  local value
  value=$(awk -v key="\"$2\":" -v after="${3:+\"$3\":}" '
    after == "" || index($0, after) { seen = 1 }
    seen && index($0, key) {
      v = substr($0, index($0, key) + length(key))
      sub(/^[ \t]*/, "", v); sub(/,?[ \t\r]*$/, "", v); gsub(/"/, "", v)
      print v; found = 1; exit
    }
    END { exit !found }' "$1") || die "$1: no \"$2\"${3:+ after \"$3\"}"
  printf '%s\n' "$value"
}

# 1234567 -> 1,234,567
thousands() { printf '%s\n' "$1" | sed ':a; s/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }

# Whether `probity eval` takes --link-type (then the semantics are stated, not inferred).
EVAL_LINK_TYPE=0
if "$PROBITY" eval --help 2>/dev/null | grep -q -- '--link-type'; then EVAL_LINK_TYPE=1; fi

ROWS=()
WARNINGS=()  # "- label: warning" lines from the runs' summaries
# evaluate LABEL SETTINGS TRUTH OUTDIR NAME=FILE...: runs, evaluates, adds a table row.
evaluate() {
  local label=$1 settings=$2 truth=$3 outdir=$4
  shift 4
  local inputs=() spec
  for spec in "$@"; do inputs+=(--input "$spec"); done
  note "$label: probity run"
  rm -rf "$outdir"
  step "$PROBITY" run --settings "$settings" "${inputs[@]}" --out-dir "$outdir"
  local summary=$outdir/summary.json
  local threshold link_type
  threshold=$(json_value "$summary" threshold)
  link_type=$(json_value "$settings" link_type)
  local eval_args=(--pairs "$outdir/pairs.csv" --truth "$truth" --threshold "$threshold"
                   --json "$outdir/eval.json")
  if ((EVAL_LINK_TYPE)); then eval_args+=(--link-type "$link_type"); fi
  note "$label: probity eval"
  step "$PROBITY" eval "${eval_args[@]}"
  cp "$LOG" "$outdir/eval.txt"

  # Every input row must be in the truth file and stored, or the figures would
  # describe a different data set.
  local rows rejected records truth_rows
  rows=$(json_value "$summary" rows_read)
  rejected=$(json_value "$summary" rows_rejected)
  records=$(json_value "$summary" records)
  truth_rows=$(($(wc -l <"$truth") - 1))
  [[ "$rejected" == 0 ]] || die "$label: $rejected rows rejected (see $outdir)"
  [[ "$truth_rows" == "$rows" ]] || die "$label: $rows rows read but $truth_rows truth rows"

  local eval_json=$outdir/eval.json
  local precision recall f1 candidates seconds memory
  precision=$(json_value "$eval_json" precision at_threshold)
  recall=$(json_value "$eval_json" recall at_threshold)
  f1=$(json_value "$eval_json" f1 at_threshold)
  candidates=$(json_value "$summary" candidate_pairs)
  seconds=$(json_value "$summary" total seconds)
  memory=$(json_value "$summary" peak_memory_mib)
  ROWS+=("$(awk -v l="$label" -v t="$link_type" -v r="$(thousands "$records")" \
    -v c="$(thousands "$candidates")" -v p="$precision" -v rc="$recall" -v f="$f1" \
    -v s="$seconds" -v m="$memory" \
    'BEGIN { printf "| %s | %s | %s | %s | %.4f | %.4f | %.4f | %.1f | %.0f |", l, t, r, c, p, rc, f, s, m }')")
  note "$label: ${ROWS[-1]}"
  local warning
  while IFS= read -r warning; do
    WARNINGS+=("- $label: $warning")
  done < <(awk '
    /^  "warnings": \[\]/ { exit }
    /^  "warnings": \[/ { inside = 1; next }
    inside && /^  \]/ { exit }
    inside { sub(/^[ \t]*"/, ""); sub(/",?[ \t]*$/, ""); gsub(/\\"/, "\""); print }' "$summary")
}

# --- Generated probation and police data -----------------------------------
for n in $SIZES; do
  for d in $DIFFICULTIES; do
    data=$OUT/synth-$d-$n
    label="synthetic, $d, $(thousands "$n") people"
    note "$label: probity synth"
    rm -rf "$data"
    step "$PROBITY" synth --people "$n" --seed 1 --difficulty "$d" --out-dir "$data"
    evaluate "$label" "$data/settings.json" "$data/truth.csv" "$OUT/run-synth-$d-$n" \
      "probation=$data/probation.csv" "police=$data/police.csv"
  done
done

# --- Public benchmark sets ---------------------------------------------------
# Truth files: source,record_id,person_id.
BENCH=$SHARED/benchmarks
SETTINGS_DIR=$REPO/bench/datasets
febrl_truth() {  # SOURCE FILE: FEBRL ids are rec-N-org / rec-N-dup-K; the person is N.
  awk -F, -v src="$1" '
    NR == 1 { next }
    {
      id = $1; gsub(/[\r ]/, "", id)
      if (id == "") next
      if (id !~ /^rec-[0-9]+-(org|dup-[0-9]+)$/) { print FILENAME ":" NR ": bad rec_id" > "/dev/stderr"; exit 1 }
      split(id, part, "-"); print src "," id "," part[2]
    }' "$2"
}
febrl4_truth() { febrl_truth a "$1" && febrl_truth b "$2"; }
historical_truth() {  # FILE: unique_id and cluster are the first two columns, never quoted.
  awk -v src="$1" '
    NR == 1 { next }
    {
      sub(/\r$/, ""); if ($0 == "") next
      i = index($0, ","); id = substr($0, 1, i - 1); rest = substr($0, i + 1)
      j = index(rest, ","); cluster = substr(rest, 1, j - 1)
      if (i < 2 || j < 2 || id ~ /"/ || cluster ~ /"/) { print FILENAME ":" NR ": bad row" > "/dev/stderr"; exit 1 }
      print src "," id "," cluster
    }' "$2"
}
make_truth() {  # OUT GENERATOR ARGS...: header plus the generator's rows.
  local out=$1
  shift
  { echo "source,record_id,person_id" && "$@"; } >"$out" || die "cannot build $out"
}

if [[ -d "$BENCH" ]]; then
  f4a=$BENCH/febrl/dataset4a.csv f4b=$BENCH/febrl/dataset4b.csv
  if [[ -r "$f4a" && -r "$f4b" ]]; then
    truth=$OUT/febrl4-truth.csv
    make_truth "$truth" febrl4_truth "$f4a" "$f4b"
    evaluate "FEBRL4" "$SETTINGS_DIR/febrl4.json" "$truth" "$OUT/run-febrl4" "a=$f4a" "b=$f4b"
  else
    note "FEBRL4: $BENCH/febrl/dataset4{a,b}.csv not found, skipped"
  fi
  f3=$BENCH/febrl/dataset3.csv
  if [[ -r "$f3" ]]; then
    truth=$OUT/febrl3-truth.csv
    make_truth "$truth" febrl_truth febrl "$f3"
    evaluate "FEBRL3" "$SETTINGS_DIR/febrl3.json" "$truth" "$OUT/run-febrl3" "febrl=$f3"
  else
    note "FEBRL3: $f3 not found, skipped"
  fi
  hist=$BENCH/splink/historical_figures_with_errors_50k.csv
  if [[ -r "$hist" ]]; then
    truth=$OUT/historical_50k-truth.csv
    make_truth "$truth" historical_truth historical "$hist"
    evaluate "Splink historical_50k" "$SETTINGS_DIR/historical_50k.json" "$truth" \
      "$OUT/run-historical_50k" "historical=$hist"
  else
    note "historical_50k: $hist not found, skipped"
  fi
else
  note "no benchmark data at $BENCH (set PROBITY_SHARED_DATA): public sets skipped"
fi

# --- The table -----------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
os=$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release 2>/dev/null || true)
version=$("$PROBITY" --version 2>&1 | head -n 1) || die "$PROBITY --version failed"

table() {
  echo "| data set | job | records | candidate pairs | precision | recall | F1 | time (s) | peak memory (MiB) |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|--:|"
  printf '%s\n' "${ROWS[@]}"
  if ((${#WARNINGS[@]})); then
    echo
    echo "Warnings from \`probity run\`:"
    echo
    printf '%s\n' "${WARNINGS[@]}"
  fi
  echo
  echo "Machine: $(nproc) CPUs (${cpu:-unknown CPU}), ${mem:-unknown memory} RAM${os:+, $os};" \
    "load average ${load_at_start:-unknown} at start; $(date -u '+%Y-%m-%d %H:%M UTC');" \
    "probity $version."
}

if ((write)); then
  doc=$REPO/docs/accuracy.md
  mkdir -p "$REPO/docs"
  {
    echo "# Accuracy and speed"
    echo
    echo "Generated by \`bench/accuracy.sh --write\`$( [[ "$SIZES" == "10000 100000 1000000" ]] || echo " with \`SIZES=\"$SIZES\"\`");"
    echo "rerun it to check these figures on your machine (see bench/README.md)."
    echo
    table
    echo
    cat <<'EOF'
What the columns mean:

- **precision, recall, F1**: pairwise, from `probity eval` on `pairs.csv` at the run's threshold
  (a pair is a link when its match probability is at least the threshold). A true pair is two
  records of the same person (`link_only` jobs: only pairs across the two sources). True pairs
  that blocking never proposed count as missed.
- **candidate pairs**: pairs proposed by the blocking rules and scored.
- **warnings**: what `probity run` reported in its summary (skipped blocking rules, EM trouble),
  listed under the table because they bear on the figures.
- **time**: wall-clock seconds of `probity run` (ingest, train, link, cluster), not counting data
  generation or evaluation; **peak memory**: the run's maximum resident set size.

The data:

- **synthetic**: `probity synth --people N --seed 1 --difficulty D`, probation and police
  extracts of N people with ground truth, linked with the settings the generator writes.
  This is probity's own generator, so these rows say more about speed than about accuracy.
- **FEBRL4**: the FEBRL dataset4a/4b link task (5,000 + 5,000 records, one true pair each);
  person = the N of `rec-N-org` / `rec-N-dup-0`. Settings: `bench/datasets/febrl4.json`.
- **FEBRL3**: FEBRL dataset3 deduplicated (5,000 records, 2,000 people).
  Settings: `bench/datasets/febrl3.json`.
- **Splink historical_50k**: Splink's `historical_figures_with_errors_50k` deduplicated
  (50,578 records, 5,156 people; truth: the `cluster` column).
  Settings: `bench/datasets/historical_50k.json`.

The settings for the public sets map each data set's columns onto probity's fields and were
not tuned against the ground truth; the model is trained unsupervised (EM) on each run.
EOF
  } >"$doc" || die "cannot write $doc"
  note "wrote $doc"
fi
table
