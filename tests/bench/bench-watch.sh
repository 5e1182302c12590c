#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-watch.sh - the live library: `vidshelf-cli watch` next to `inotifywait -m -r`.
#
# Run by hand from a clone, never in CI. Builds a release vidshelf-cli in <repo>/_build-bench (or uses
# --cli PATH), generates a library of N_DIRS folders holding N_FILES files under $BENCH_DATA (once;
# kept for later runs) and measures, side by side with inotifywait (inotify-tools):
#   1. the inotify watches each needs for the library (counted in /proc/PID/fdinfo), and the
#      monitors vidshelf reports;
#   2. the time from a file's arrival to its appearance in the index (vidshelf: the "added" line's
#      time_us, stamped after the commit; inotifywait: its event line seen), median of N_ARRIVALS;
#   3. the CPU time (utime + stime from /proc/PID/stat) used while idle for IDLE_SECONDS.
#
# Usage: tests/bench/bench-watch.sh [--cli PATH]
# Env:   BENCH_DATA (/tmp/vidshelf-bench)  N_DIRS (2000)  N_FILES (100000)  N_ARRIVALS (100)
#        IDLE_SECONDS (60)
# Exit:  0 when every check passes, 1 when a check fails or something cannot run, 2 on a usage error.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: tests/bench/bench-watch.sh [--cli PATH]

  --cli PATH   vidshelf-cli to measure (default: build a release one in <repo>/_build-bench)

Env: BENCH_DATA (/tmp/vidshelf-bench)  N_DIRS (2000)  N_FILES (100000)  N_ARRIVALS (100)
     IDLE_SECONDS (60)
EOF
}
die() { echo "bench-watch: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
parse_cli_args bench-watch "$@"

BENCH_DATA=${BENCH_DATA:-/tmp/vidshelf-bench}
N_DIRS=${N_DIRS:-2000}
N_FILES=${N_FILES:-100000}
N_ARRIVALS=${N_ARRIVALS:-100}
IDLE_SECONDS=${IDLE_SECONDS:-60}
for v in N_DIRS N_FILES N_ARRIVALS IDLE_SECONDS; do
  [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] || { echo "bench-watch: $v must be a positive whole number" >&2; exit 2; }
done
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 or later (EPOCHREALTIME)"
command -v inotifywait >/dev/null || die "needs inotifywait (Debian: apt-get install inotify-tools)"

REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$BENCH_DATA"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd -P)
TREE=$BENCH_DATA/watch-tree
WORK=$(mktemp -d "$BENCH_DATA/watch-run.XXXXXX")

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  find "$TREE" -name 'arrival*.mp4' -delete 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$CLI" ]; then
  build_release "$REPO/_build-bench" vidshelf-cli src/cli/vidshelf-cli
  CLI=$REPO/_build-bench/src/cli/vidshelf-cli
fi
[ -x "$CLI" ] || die "no vidshelf-cli at $CLI"

# The library: N_DIRS folders (top folders of 49 subfolders each, counting the root's
# children), N_FILES small .mp4 files spread evenly.
stamp="dirs=$N_DIRS files=$N_FILES"
if [ "$(cat "$TREE/.stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "== generating $N_DIRS folders, $N_FILES files in $TREE"
  rm -rf "$TREE"
  mkdir -p "$TREE"
  awk -v n="$N_DIRS" -v root="$TREE" 'BEGIN {
        for (i = 0; i < n; i++) {
          if (i % 50 == 0) { top = sprintf("%s/d%04d", root, i / 50); print top }
          else print sprintf("%s/s%02d", top, i % 50)
        } }' >"$WORK/dirs"
  (cd / && xargs mkdir -p <"$WORK/dirs")
  awk -v n="$N_FILES" 'NR == FNR { d[c++] = $0; next }
       END { for (i = 0; i < n; i++) printf "%s/clip%06d.mp4\n", d[i % c], i }' \
    "$WORK/dirs" /dev/null >"$WORK/files"
  (cd / && xargs touch <"$WORK/files")
  echo "$stamp" >"$TREE/.stamp"
fi

# inotify watches of a process: one "inotify wd:" line per watch in its inotify fds' fdinfo.
count_watches() {
  local pid=$1 n=0 f c
  for f in /proc/"$pid"/fdinfo/*; do
    c=$(grep -c '^inotify wd:' "$f" 2>/dev/null) || c=0
    n=$((n + ${c:-0}))
  done
  echo "$n"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
wait_for_line() {   # FILE PATTERN TIMEOUT_S
  local deadline=$((${EPOCHREALTIME%.*} + $3))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ "${EPOCHREALTIME%.*}" -lt "$deadline" ] || return 1
    sleep 0.002
  done
}

find "$TREE" -name 'arrival*.mp4' -delete   # left by an interrupted run
folders=$(find "$TREE" -type d -not -path '*/.*' | wc -l)
files=$(find "$TREE" -type f -name '*.mp4' | wc -l)
HZ=$(getconf CLK_TCK)

# vidshelf-cli watch ---------------------------------------------------------------------------------
echo "== vidshelf-cli watch: first scan of $files files in $folders folders"
t0=$EPOCHREALTIME
"$CLI" watch --db "$WORK/library.db" "$TREE" >"$WORK/vs.out" 2>"$WORK/vs.err" &
VS=$!
PIDS+=("$VS")
wait_for_line "$WORK/vs.out" '"event":"root"' 600 || die "vidshelf-cli watch never reported its root ($(cat "$WORK/vs.err"))"
t1=$EPOCHREALTIME
vs_state=$(grep -o '"state":"[a-z]*"' "$WORK/vs.out" | head -n1 | cut -d'"' -f4)
vs_monitors=$(grep '"event":"root"' "$WORK/vs.out" | head -n1 | grep -o '"monitors":[0-9]*' | cut -d: -f2)
sleep 2
vs_watches=$(count_watches "$VS")

# inotifywait -m -r ----------------------------------------------------------------------------------
echo "== inotifywait -m -r on the same tree"
t2=$EPOCHREALTIME
inotifywait -m -r -q -e create -e moved_to -e close_write --format '%w%f' "$TREE" >"$WORK/iw.out" 2>"$WORK/iw.err" &
IW=$!
PIDS+=("$IW")
until [ "$(count_watches "$IW")" -ge "$folders" ]; do sleep 0.05; done
t3=$EPOCHREALTIME
iw_watches=$(count_watches "$IW")

# arrivals, one at a time, each into another folder ------------------------------------------------
echo "== $N_ARRIVALS arrivals, one at a time"
mapfile -t dirs < <(find "$TREE" -mindepth 2 -type d | sort | head -n "$N_ARRIVALS")
: >"$WORK/vs.lat" ; : >"$WORK/iw.lat"
for ((i = 0; i < N_ARRIVALS; i++)); do
  d=${dirs[i % ${#dirs[@]}]}
  name=arrival$(printf %04d "$i").mp4
  start=$EPOCHREALTIME
  : >"$d/$name"
  wait_for_line "$WORK/iw.out" "/$name\$" 30 || die "inotifywait missed $name"
  seen=$EPOCHREALTIME
  wait_for_line "$WORK/vs.out" "\"event\":\"added\".*/$name\"" 30 || die "vidshelf-cli watch missed $name"
  added_us=$(grep "\"event\":\"added\".*/$name\"" "$WORK/vs.out" | head -n1 | grep -o '"time_us":[0-9]*' | cut -d: -f2)
  awk -v a="$added_us" -v s="$start" 'BEGIN { printf "%.1f\n", a / 1000 - s * 1000 }' >>"$WORK/vs.lat"
  awk -v e="$seen" -v s="$start" 'BEGIN { printf "%.1f\n", (e - s) * 1000 }' >>"$WORK/iw.lat"
done
vs_lat=$(median <"$WORK/vs.lat")
iw_lat=$(median <"$WORK/iw.lat")
added=$(grep -c '"event":"added"' "$WORK/vs.out" || true)

# idle ------------------------------------------------------------------------------------------------
echo "== idle for $IDLE_SECONDS s"
sleep 5
vs_c0=$(cpu_ticks "$VS"); iw_c0=$(cpu_ticks "$IW")
sleep "$IDLE_SECONDS"
vs_c1=$(cpu_ticks "$VS"); iw_c1=$(cpu_ticks "$IW")
vs_cpu=$(awk -v a="$vs_c0" -v b="$vs_c1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
iw_cpu=$(awk -v a="$iw_c0" -v b="$iw_c1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
vs_rss=$(rss_kib "$VS"); iw_rss=$(rss_kib "$IW")

kill -INT "$VS"
status=0
wait "$VS" || status=$?
PIDS=("$IW")

# report ----------------------------------------------------------------------------------------------
fail=0
check() { if eval "$2"; then echo "PASS $1"; else echo "FAIL $1"; fail=1; fi; }
echo
printf '%-46s %18s %18s\n' "library: $folders folders, $files files" "vidshelf-cli watch" "inotifywait -m -r"
printf '%-46s %18s %18s\n' "inotify watches (/proc/PID/fdinfo)" "$vs_watches" "$iw_watches"
printf '%-46s %18s %18s\n' "monitors reported (folders + 1 per root)" "$vs_monitors" "-"
printf '%-46s %18s %18s\n' "start to watching, s (vidshelf: with first scan)" \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" "$(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.2f", b - a }')"
printf '%-46s %18s %18s\n' "arrival to index (to event), median ms, n=$N_ARRIVALS" "$vs_lat" "$iw_lat"
printf '%-46s %18s %18s\n' "CPU while idle for $IDLE_SECONDS s, s" "$vs_cpu" "$iw_cpu"
printf '%-46s %18s %18s\n' "RSS while idle, MiB" \
  "$(awk -v k="$vs_rss" 'BEGIN { printf "%.1f", k / 1024 }')" "$(awk -v k="$iw_rss" 'BEGIN { printf "%.1f", k / 1024 }')"
echo
check "watching, not polling (state: $vs_state)" '[ "$vs_state" = watching ]'
check "one monitor per folder plus one for the root ($vs_monitors for $folders folders)" '[ "$vs_monitors" -eq $((folders + 1)) ]'
check "every arrival indexed ($added of $N_ARRIVALS)" '[ "$added" -eq "$N_ARRIVALS" ]'
check "Ctrl+C exits 0 (got $status)" '[ "$status" -eq 0 ]'
echo
echo "| $folders folders, $files files | vidshelf-cli watch | inotifywait -m -r |"
echo "|---|---|---|"
echo "| inotify watches | $vs_watches | $iw_watches |"
echo "| arrival → index (→ event), median of $N_ARRIVALS | $vs_lat ms | $iw_lat ms |"
echo "| CPU while idle, $IDLE_SECONDS s | $vs_cpu s | $iw_cpu s |"
exit $fail
