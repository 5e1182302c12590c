#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-query.sh - the list queries at 100,000 videos: every filter alone, every sort
# alone, a few together, search + filter, folder + filter; (a) the first page as the window gets it
# (count + id snapshot + the first 60 records) and (b) the id snapshot alone, p50/p95/max over RUNS
# runs, side by side with the same SQL (the app's own text, parameters written in) run in the
# sqlite3 shell on the same file as the floor. Targets: first page <= 50 ms, snapshot <= 300 ms.
# Prints EXPLAIN QUERY PLAN of the three slowest first pages.
#
# Run by hand from a clone, never in CI. Builds a release tests/bench/bench-query in
# <repo>/_build-bench (or uses --bin PATH), generates the library once under
# $BENCH_DATA/query (kept, with a stamp, for later runs).
#
# Usage: tests/bench/bench-query.sh [--bin PATH]
# Env:   BENCH_DATA (/tmp/vidshelf-bench)  RUNS (15)  N_VIDEOS (100000)  N_DIRS (2000)
# Exit:  0 when it ran (missed targets are reported, not fatal), 1 when something failed, 2 on a
#        usage error.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: tests/bench/bench-query.sh [--bin PATH]

  --bin PATH   bench-query program to run (default: build a release one in <repo>/_build-bench)

Env: BENCH_DATA (/tmp/vidshelf-bench)  RUNS (15: timed runs per query, after one untimed)
     N_VIDEOS (100000)  N_DIRS (2000)
EOF
}
die() { echo "bench-query: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"

BIN=
while [ $# -gt 0 ]; do
  case $1 in
    --bin) [ $# -ge 2 ] || { usage >&2; exit 2; }; BIN=$2; shift 2 ;;
    --bin=*) BIN=${1#--bin=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench-query: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

BENCH_DATA=${BENCH_DATA:-/tmp/vidshelf-bench}
RUNS=${RUNS:-15}
N_VIDEOS=${N_VIDEOS:-100000}
N_DIRS=${N_DIRS:-2000}
for v in RUNS N_VIDEOS N_DIRS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench-query: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
if [ "$RUNS" -lt 1 ] || [ "$N_VIDEOS" -lt 1 ] || [ "$N_DIRS" -lt 12 ]; then
  echo "bench-query: RUNS >= 1, N_VIDEOS >= 1 and N_DIRS >= 12 please" >&2; exit 2
fi
command -v sqlite3 >/dev/null 2>&1 || die "needs the sqlite3 shell (Debian: apt-get install sqlite3)"

REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$BENCH_DATA/query"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd -P)
WORK=$(mktemp -d "$BENCH_DATA/query/run.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$BIN" ]; then
  B=$REPO/_build-bench
  build_release "$B" "bench-query" tests/bench/bench-query
  BIN=$B/tests/bench/bench-query
fi
[ -x "$BIN" ] || die "no executable bench-query at '$BIN'"

# The library: made once per parameters and kept (the app's schema, facts written by bench-query).
DB=$BENCH_DATA/query/library.db
STAMP="videos=$N_VIDEOS dirs=$N_DIRS v1"
if [ -f "$DB.stamp" ] && [ "$(cat "$DB.stamp")" = "$STAMP" ] && [ -f "$DB" ]; then
  echo "library: kept $DB ($STAMP)"
else
  rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.stamp"
  echo "library: generating $N_VIDEOS videos in $N_DIRS folders ..."
  "$BIN" generate "$DB" "$N_VIDEOS" "$N_DIRS" || die "generating the library failed"
  echo "$STAMP" >"$DB.stamp"
fi
# a writer's open makes any index missing (one added since the library was made), as the app's does
"$BIN" open "$DB" || die "opening the library as a writer failed"

echo
echo "== timing: $RUNS runs per query after one untimed (bench-query, release, one process)"
"$BIN" run "$DB" "$RUNS" "$WORK" >"$WORK/ours.tsv" || die "running the queries failed"

# The floor: the same statements in the sqlite3 shell, .timer on (its real time, ms steps), the
# rows written to /dev/null; one untimed round, then RUNS. (a) and (b) = ids (the count's statement
# runs too, to check the same rows, untimed as in ours).
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "== the floor: the same SQL in $(sqlite3 --version | cut -d' ' -f1-2 | sed 's/^/sqlite3 /')"
TSV=$WORK/table.tsv
printf 'query\tmatches\tfirst page p50/p95/max ms\tsqlite3 ids ms\tratio\tsnapshot p50/p95/max ms\tsqlite3 ids ms\tratio\ttargets (50/300 ms)\n' >"$TSV"
MISSED=0
while IFS=$'\t' read -r nn name count pa p95a maxa pb p95b maxb; do
  {
    echo ".timer on"
    echo ".output /dev/null"
    for ((i = 0; i <= RUNS; i++)); do cat "$WORK/$nn.count.sql" "$WORK/$nn.ids.sql"; done
  } >"$WORK/shell.sql"
  sqlite3 -readonly "$DB" <"$WORK/shell.sql" >"$WORK/shell.out" 2>&1 || { cat "$WORK/shell.out" >&2; die "sqlite3 failed on query $nn"; }
  awk '/^Run Time: real/ { t[n++] = $4 * 1000 } END { for (i = 2; i + 1 < n; i += 2) print t[i + 1] }' \
    "$WORK/shell.out" | median >"$WORK/fa"
  awk '/^Run Time: real/ { t[n++] = $4 * 1000 } END { for (i = 3; i < n; i += 2) print t[i] }' \
    "$WORK/shell.out" | median >"$WORK/fb"
  fa=$(cat "$WORK/fa") fb=$(cat "$WORK/fb")
  ra=$(awk -v a="$pa" -v b="$fa" 'BEGIN { printf (b > 0 ? "%.2fx" : "-"), a / (b > 0 ? b : 1) }')
  rb=$(awk -v a="$pb" -v b="$fb" 'BEGIN { printf (b > 0 ? "%.2fx" : "-"), a / (b > 0 ? b : 1) }')
  ma=$(awk -v x="$pa" 'BEGIN { print (x <= 50 ? "met" : "MISSED") }')
  mb=$(awk -v x="$pb" 'BEGIN { print (x <= 300 ? "met" : "MISSED") }')
  [ "$ma" = met ] && [ "$mb" = met ] || MISSED=$((MISSED + 1))
  printf '%s\t%s\t%s / %s / %s\t%s\t%s\t%s / %s / %s\t%s\t%s\t%s / %s\n' "$name" "$count" "$pa" "$p95a" \
    "$maxa" "$fa" "$ra" "$pb" "$p95b" "$maxb" "$fb" "$rb" "$ma" "$mb" >>"$TSV"
  printf '%s\t%s\n' "$pa" "$nn" >>"$WORK/slowest"
  printf '  %-46s %6s  first page %7s ms (sqlite3 %6s)  snapshot %7s ms (sqlite3 %6s)  %s/%s\n' "$name" "$count" \
    "$pa" "$fa" "$pb" "$fb" "$ma" "$mb"
done <"$WORK/ours.tsv"

commit=unknown
if command -v git >/dev/null 2>&1 && git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -z "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ] || commit="$commit (modified)"
fi
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
CAPTION=(
  "vidshelf $commit: $BIN"
  "data: $N_VIDEOS videos in $N_DIRS folders (h264 60 %, hevc 20 %, vp9 10 %, av1 5 %, mpeg4 5 %; SD/720p/1080p/4K/none 15/25/47/10/3 %; durations log-normal 10 s-3 h; mtimes over 10 years; 10 % watched, 3 % in progress, 2 % broken, 1 % unprobed, 5 % HLS), no ANALYZE (as the app leaves a library)"
  "method: p50/p95/max of $RUNS runs after one untimed, in one process with warm caches and prepared statements; first page = vs_database_query_ids + vs_database_load_videos (60), as the window's model reads it (its length is the count; vs_database_count_videos runs untimed to check it); snapshot = vs_database_query_ids; floor = the same ids SQL (_vs_database_query_sql) in the sqlite3 shell, .timer real (ms steps), median, rows to /dev/null (its first page has no 60-row load)"
  "machine: $(nproc) CPU ${cpu_model:-?}, $(uname -sr)"
)

echo
echo "== results"
printf '%s\n' "${CAPTION[@]}"
echo
awk -F'\t' '
  { for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; if (NF > nf) nf = NF }
  END {
    for (r = 1; r <= n; r++) {
      line = ""
      for (i = 1; i <= nf; i++) line = line (i > 1 ? "  " : "") sprintf((i > 1 ? "%" : "%-") w[i] "s", c[r, i])
      sub(/ +$/, "", line); print line
    }
  }' "$TSV"
echo
echo "$MISSED quer(ies) missed a target"

echo
echo "== EXPLAIN QUERY PLAN of the three slowest first pages (their ids statement; the count's is the same without ORDER BY)"
sort -gr "$WORK/slowest" | head -n 3 | while read -r ms nn; do
  name=$(awk -F'\t' -v n="$nn" '$1 == n { print $2 }' "$WORK/ours.tsv")
  echo
  echo "-- $name ($ms ms)"
  cat "$WORK/$nn.ids.sql"
  { printf 'EXPLAIN QUERY PLAN '; cat "$WORK/$nn.ids.sql"; } | sqlite3 -readonly "$DB"
done

echo
echo "== Markdown"
echo
awk -F'\t' '
  { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
    if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line (i > 1 ? "---:|" : "---|"); print line } }' "$TSV"
echo
for c in "${CAPTION[@]}"; do echo "- $c"; done
