#!/usr/bin/env bash
# Build benchmark: Lectern against Hugo on the shared synthetic course corpora.
#
#   bench/run.sh [--quick]      (from the repository root; `make bench` runs it)
#
#   1. builds the release binary into .build-bench/ (or $LECTERN_BENCH_SCRATCH; never .build/);
#   2. generates the corpora once into .lectern/bench/ (1k = 5×10×20 lessons; 10k = 50×10×20;
#      seed 42; --quick: 1k only) and reuses them afterwards;
#   3. alternates Lectern full builds (--clean) and Hugo builds, N runs each (5 on 1k, 3 on 10k,
#      after one untimed warm-up of each), timing wall clock and peak RSS with /usr/bin/time;
#   4. times Lectern rebuilds without --clean: with no change, and after appending a line to one
#      lesson (a different line each run; the lesson is restored afterwards);
#   5. times the resident rebuild: `lectern build --watch` running, 7 edits of one lesson, each
#      from the write to the page on disk holding the new line (bench/measure.py resident);
#   6. prints a Markdown table for docs/BENCHMARKS.md and writes it to .lectern/bench/results.md.
#
# Logs of the last run of each tool are in .lectern/bench/logs/. Exits non-zero when a build fails.
# Environment: LECTERN_BENCH_SHARED (default /work/shared/bench) holds gen_corpus.py and
# hugo-build.sh; SWIFT (default swift); LECTERN_BENCH_SCRATCH (default .build-bench) is the
# scratch folder of the release build.
set -euo pipefail

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }

quick=0
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "bench/run.sh: unknown argument '$arg' (usage: bench/run.sh [--quick])" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bench_dir=$root/bench
shared=${LECTERN_BENCH_SHARED:-/work/shared/bench}
swift=${SWIFT:-swift}
work=.lectern/bench
logs=$work/logs
scratch=${LECTERN_BENCH_SCRATCH:-.build-bench}
lectern=$scratch/release/lectern
out_lectern=$work/out-lectern
out_private=$work/out-lectern-private
out_hugo=$work/out-hugo
raw=$work/raw.tsv
results=$work/results.md

die() { echo "bench/run.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
command -v python3 >/dev/null || die "python3 is required (it runs gen_corpus.py); install it (Debian: apt-get install python3)"
command -v hugo >/dev/null || die "hugo is required for the comparison; install Debian's package (apt-get install hugo)"
command -v "$swift" >/dev/null || die "'$swift' not found; install a Swift toolchain or set SWIFT=/path/to/swift"
[ -f "$shared/gen_corpus.py" ] && [ -f "$shared/hugo-build.sh" ] \
    || die "$shared/gen_corpus.py and hugo-build.sh not found; set LECTERN_BENCH_SHARED to the shared bench folder"
if [ ! -x /usr/bin/time ]; then
    echo "Installing GNU time (/usr/bin/time is missing)…"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq time >/dev/null
    elif command -v sudo >/dev/null; then
        sudo apt-get update -qq && sudo apt-get install -y -qq time >/dev/null
    fi
    [ -x /usr/bin/time ] || die "/usr/bin/time is missing; install GNU time (apt-get install time)"
fi

mkdir -p "$work" "$logs"

# Shows why a step failed: the log's error lines, then its last lines.
show_failure() { # what, exit code, log
    echo >&2
    echo "bench/run.sh: $1 failed (exit $2); log: $3" >&2
    if grep -qE '(^| )error:' "$3" 2>/dev/null; then
        echo "--- errors:" >&2
        grep -E '(^| )error:' "$3" | head -n 20 >&2
    fi
    echo "--- last lines (without the corpus's duration_minutes warnings):" >&2
    grep -v 'unknown front-matter field `duration_minutes`' "$3" | tail -n 15 >&2
    exit 1
}

# ---------------------------------------------------------------- 1. release binary
echo "== Building the release binary into $scratch/ (log: $logs/swift-build.log)"
rc=0
"$swift" build -c release --product lectern --scratch-path "$scratch" >"$logs/swift-build.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || show_failure "swift build -c release" "$rc" "$logs/swift-build.log"
[ -x "$lectern" ] || die "$lectern was not produced; see $logs/swift-build.log"

# ---------------------------------------------------------------- interrupted edits
# An edited lesson is backed up first; a run that was killed mid-edit is undone here.
backup=$work/edit-backup
restore_edit() {
    if [ -f "$backup.path" ] && [ -f "$backup.md" ]; then
        cp "$backup.md" "$(cat "$backup.path")"
    fi
    rm -f "$backup.path" "$backup.md"
}
restore_edit
trap restore_edit EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- 2. corpora
corpus_args() { # name -> gen_corpus arguments
    case "$1" in
        1k) echo "--courses 5 --modules 10 --lessons 20 --seed 42" ;;
        10k) echo "--courses 50 --modules 10 --lessons 20 --seed 42" ;;
    esac
}

# Generates .lectern/bench/NAME/content unless an identical one is there (same arguments, same
# generator, same fix-up): a stamp file records what made it. Bump fix-corpus=N when the fix-up
# in measure.py changes.
prepare_corpus() { # name
    local name=$1 site=$work/$1 args stamp want
    args=$(corpus_args "$name")
    want="$args gen_corpus=$(sha256sum "$shared/gen_corpus.py" | cut -c1-16) fix-corpus=1"
    stamp=$work/$name.stamp
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$site/content" ]; then
        echo "== Corpus $name: reusing $site/content"
        return
    fi
    echo "== Corpus $name: generating into $site/content ($args)"
    rm -rf "$site" "$stamp"
    mkdir -p "$site"
    # shellcheck disable=SC2086 # the arguments are meant to split
    python3 "$shared/gen_corpus.py" "$site/content" $args >"$logs/gen-$name.log" 2>&1 \
        || show_failure "gen_corpus.py ($name)" $? "$logs/gen-$name.log"
    # gen_corpus.py can give two lessons of one module the same title; Lectern refuses the
    # resulting duplicate URL. Rename the later file (and the links to it) for both tools.
    python3 "$bench_dir/measure.py" fix-corpus "$site/content" | sed 's/^/   /'
    echo "$want" >"$stamp"
}

# ---------------------------------------------------------------- timing
# Runs a command under /usr/bin/time with all its output in LOG; sets T_WALL (seconds, %e),
# T_RSS (peak RSS, KB, %M) and T_NS (wall clock in nanoseconds, for millisecond figures).
T_WALL=0 T_RSS=0 T_NS=0
timed() { # what, log, command...
    local what=$1 log=$2 tfile start end rc=0
    shift 2
    tfile=$(mktemp)
    start=$(date +%s%N)
    /usr/bin/time -o "$tfile" -f '%e %M' "$@" >"$log" 2>&1 || rc=$?
    end=$(date +%s%N)
    if [ "$rc" != 0 ]; then
        cat "$tfile" >>"$log"; rm -f "$tfile"
        show_failure "$what" "$rc" "$log"
    fi
    read -r T_WALL T_RSS < <(tail -n 1 "$tfile")
    rm -f "$tfile"
    T_NS=$((end - start))
}

lectern_build() { # what, site, extra flags...
    local what=$1 site=$2
    shift 2
    timed "$what" "$logs/lectern.log" "$lectern" build --site "$site" --output "$out_lectern" \
        --private-output "$out_private" "$@"
}

hugo_build() { # site, what
    timed "$2" "$logs/hugo.log" bash "$shared/hugo-build.sh" "$1/content" "$out_hugo"
}

record() { # corpus, kind, tool, run
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$T_WALL" "$T_RSS" "$T_NS" >>"$raw"
}

mb() { echo $(($1 / 1024)); }
ms() { echo $(($1 / 1000000)); }

# ---------------------------------------------------------------- 3 + 4. per corpus
corpora=(1k)
[ "$quick" = 1 ] || corpora+=(10k)
: >"$raw"
meta=()

for name in "${corpora[@]}"; do
    prepare_corpus "$name"
done
load_start=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)

for name in "${corpora[@]}"; do
    site=$work/$name
    case "$name" in 1k) runs=5 ;; *) runs=3 ;; esac
    lessons=$(find "$site/content/courses" -mindepth 3 -name '*.md' ! -name _index.md | wc -l)
    echo
    echo "== $name ($lessons lessons): full builds, $runs runs each after a warm-up, alternating"
    lectern_build "Lectern warm-up build on $name" "$site" --clean
    echo "   Lectern: $(grep -E '^(Built|Failed)' "$logs/lectern.log" | tail -n 1)"
    hugo_build "$site" "Hugo warm-up build on $name"
    echo "   Hugo: $(find "$out_hugo" -name '*.html' | wc -l) HTML files"
    for ((i = 1; i <= runs; i++)); do
        lectern_build "Lectern full build on $name (run $i)" "$site" --clean
        record "$name" full lectern "$i"
        line="   run $i: Lectern ${T_WALL} s, $(mb "$T_RSS") MB"
        hugo_build "$site" "Hugo build on $name (run $i)"
        record "$name" full hugo "$i"
        echo "$line | Hugo ${T_WALL} s, $(mb "$T_RSS") MB"
    done

    # Incremental: prime the cache with a build that keeps it, then rebuild unchanged, then
    # rebuild after each edit of one lesson. Without a cache these are simply full builds.
    read -r lesson lesson_url < <(python3 "$bench_dir/measure.py" pick-lesson "$site/content")
    echo "== $name: incremental rebuilds (no --clean), $runs runs each; edited lesson:"
    echo "   ${lesson#"$root"/}"
    lectern_build "Lectern build priming the cache on $name" "$site"
    for ((i = 1; i <= runs; i++)); do
        lectern_build "Lectern no-change rebuild on $name (run $i)" "$site"
        record "$name" incr-none lectern "$i"
        echo "   no change, run $i: $(ms "$T_NS") ms, $(mb "$T_RSS") MB"
    done
    cp "$lesson" "$backup.md"
    printf '%s\n' "$lesson" >"$backup.path"
    missing=0
    for ((i = 1; i <= runs; i++)); do
        # A different line each run (different length too), so content, size and mtime all change.
        marker="lectern-bench-edit-$i-$(date +%s%N)"
        { cat "$backup.md"; printf '\nBenchmark edit %d%s: %s.\n' "$i" "$(printf '!%.0s' $(seq "$i"))" "$marker"; } >"$lesson"
        lectern_build "Lectern rebuild after editing a lesson on $name (run $i)" "$site"
        record "$name" incr-edit lectern "$i"
        check="found in output"
        if ! grep -qF "$marker" "$out_lectern/$lesson_url/index.html" "$out_private/$lesson_url/index.html" 2>/dev/null; then
            check="NOT FOUND in the lesson's page"
            missing=$((missing + 1))
        fi
        echo "   1 lesson edited, run $i: $(ms "$T_NS") ms, $(mb "$T_RSS") MB (edit $check)"
    done
    restore_edit

    # Resident: one `build --watch` process, the lesson edited while it runs.
    resident_runs=7
    echo "== $name: resident rebuild (build --watch), $resident_runs edits of the same lesson"
    cp "$lesson" "$backup.md"
    printf '%s\n' "$lesson" >"$backup.path"
    rc=0
    python3 "$bench_dir/measure.py" resident "$name" "$resident_runs" "$lesson" "$lesson_url" \
        "$out_lectern" "$out_private" -- "$lectern" build --watch --site "$site" --output "$out_lectern" \
        --private-output "$out_private" >>"$raw" 2>"$logs/resident-$name.log" || rc=$?
    sed 's/^/   /' "$logs/resident-$name.log"
    [ "$rc" = 0 ] || show_failure "resident rebuild on $name" "$rc" "$logs/resident-$name.log"
    restore_edit
    if [ "$missing" -gt 0 ]; then
        echo "   WARNING: $missing of $runs incremental builds did not publish the edit" >&2
        meta+=("$name.edit-check=missing")
    fi
done

# ---------------------------------------------------------------- 6. table
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- Sources Package.swift Package.resolved 2>/dev/null)" ]; then
    commit="$commit+changes"
fi
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //; s/  */ /g' || true)
meta+=("date=$(date -u +%Y-%m-%d)" "lectern=$commit"
    "hugo=$(hugo version | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -n 1)"
    "cores=$(nproc)" "cpu=\"${cpu:-unknown}\""
    "loadavg=$load_start→$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)")
echo
echo "== Results (also in $results)"
echo
python3 "$bench_dir/measure.py" report "$raw" "$results" "${meta[@]}"
