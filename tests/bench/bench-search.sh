#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-search.sh - a library search at 100,000 videos: `vidshelf-cli list --search`
# next to `find -ipath` over the tree and `grep -i` over a list of its files.
#
# Run by hand from a clone, never in CI. Builds a release vidshelf-cli in <repo>/_build-bench (or uses
# --cli PATH), generates a tree of N_FILES tiny video files with names and folders like a real library's
# (places, years, accents, Chinese) under $BENCH_DATA/search (once; kept for later runs), indexes it with
# our own scanner (`scan --no-probe`, into a temporary database), then times each search REPS times, with
# the same words, as three whole processes: ours, find (every word somewhere in the path: the same
# question, as the tree's root holds none of the words) and grep -i over the file list (a word after
# another through a pipe). Checks that the three find the same number of videos (PASS/FAIL lines) and
# prints one table, aligned text and then Markdown, with the ratios.
#
# Usage: tests/bench/bench-search.sh [--cli PATH]
# Env:   BENCH_DATA (/tmp/vidshelf-bench)  REPS (5)  N_FILES (100000)  N_DIRS (2000)
# Exit:  0 when every check passes, 1 when a check fails or something cannot run, 2 on a usage error.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: tests/bench/bench-search.sh [--cli PATH]

  --cli PATH   vidshelf-cli to measure (default: build a release one in <repo>/_build-bench)

Env: BENCH_DATA (/tmp/vidshelf-bench)  REPS (5: timed runs per row, after one untimed)
     N_FILES (100000: videos in the tree)  N_DIRS (2000: folders they are spread over)
EOF
}
die() { echo "bench-search: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
parse_cli_args bench-search "$@"

BENCH_DATA=${BENCH_DATA:-/tmp/vidshelf-bench}
REPS=${REPS:-5}
N_FILES=${N_FILES:-100000}
N_DIRS=${N_DIRS:-2000}
for v in REPS N_FILES N_DIRS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench-search: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
if [ "$REPS" -lt 1 ] || [ "$N_FILES" -lt 1 ] || [ "$N_DIRS" -lt 12 ]; then
  echo "bench-search: REPS >= 1, N_FILES >= 1 and N_DIRS >= 12 please" >&2; exit 2
fi
case $BENCH_DATA in *[\"\$\`\\]* | *$'\n'*) die "BENCH_DATA must not contain \" \$ \` \\ or newlines" ;; esac

[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 or later (EPOCHREALTIME)"
[ -x /usr/bin/time ] || die "needs GNU time as /usr/bin/time (Debian: apt-get install time)"
/usr/bin/time -f '%M' -o /dev/null true 2>/dev/null || die "/usr/bin/time is not GNU time"

REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$BENCH_DATA/search"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd -P)
TREE=$BENCH_DATA/search/tree
WORK=$(mktemp -d "$BENCH_DATA/search/run.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$CLI" ]; then
  B=$REPO/_build-bench
  build_release "$B" "vidshelf-cli" vidshelf-cli
  CLI=$B/src/cli/vidshelf-cli
fi
if [ ! -f "$CLI" ] || [ ! -x "$CLI" ]; then die "no executable vidshelf-cli at '$CLI'"; fi
CLI=$(cd "$(dirname "$CLI")" && pwd)/$(basename "$CLI")

# make_tree DIR: N_FILES files of 1 byte over N_DIRS folders (depth <= 5): 11 top folders, then
# "<year> <place>" folders, then scenes ("Beach", "Day 3", "Old Town"...). Names: camera-style
# IMG_NNNN.mp4 (40 %) or "<title> — part N.<ext>". Places and titles include accents (Zürich, Kraków,
# Café) and Chinese (北京, 上海, 长城之旅); only the accented spellings are used, so a peer that
# matches bytes finds what an accent-insensitive search finds. Video extensions only. Deterministic
# (fixed seed); kept with a stamp, replaced when the parameters change; built in DIR.partial.
make_tree() {
  local out=$1 tmp=$1.partial t0 t1
  local stamp="files=$N_FILES dirs=$N_DIRS v1"
  if [ -f "$out/.tree-stamp" ] && [ "$(cat "$out/.tree-stamp")" = "$stamp" ]; then
    echo "tree: kept $out ($stamp)"
    return 0
  fi
  if [ -e "$out" ]; then
    if [ -f "$out/.tree-stamp" ]; then rm -rf "$out"
    else die "$out exists and is not a tree made by this script; not touching it (set BENCH_DATA)"; fi
  fi
  if [ -e "$tmp" ]; then
    [ -f "$tmp/.tree-partial" ] || die "$tmp exists and was not made by this script; not touching it"
    rm -rf "$tmp"
  fi
  mkdir -p "$tmp"
  : >"$tmp/.tree-partial"
  echo "tree: generating $N_FILES files in $out ..."
  t0=${EPOCHREALTIME/./}
  awk -v root="$tmp" -v nf="$N_FILES" -v nd="$N_DIRS" '
function pick(lo, hi) { return lo + int(rand() * (hi - lo + 1)) }
BEGIN {
  srand(20250615)
  nt = split("Trips|Family|Lectures|Movies|Series|Camera|Downloads|Archive|Music Videos|Talks|北京 2019", top, "|")
  np = split("Lisbon|Porto|Zürich|Kraków|São Paulo|Reykjavík|Tokyo|上海|Berlin|Montréal|Nice|Oslo", place, "|")
  ns = split("Beach|Day 1|Day 2|Day 3|Old Town|Harbour|Night|Museum|Café|Concert|Hike|Wedding", scene, "|")
  ni = split("GNOME Builder basics|Sunset|Family dinner|Beach volleyball|Café au lait|长城之旅|Birthday|Lecture notes|Interview|Crème brûlée|Street food|Timelapse", title, "|")
  split("mp4 mp4 mp4 mkv mkv webm mov m4v", ext, " ")
  path[0] = root; depth[0] = 0; cand[0] = 0; ncand = 1
  for (k = 1; k < nd; k++) {
    if (k <= nt) { p = 0; name = top[k] }
    else {
      p = cand[pick((ncand > 300 ? ncand - 300 : 1), ncand - 1)]
      if (depth[p] == 1) name = sprintf("%d %s", pick(2012, 2025), place[pick(1, np)])
      else name = sprintf("%s %03d", scene[pick(1, ns)], k)
    }
    path[k] = path[p] "/" name; depth[k] = depth[p] + 1
    if (depth[k] < 5) cand[ncand++] = k
    dirs = dirs path[k] "\n"
  }
  printf "%s", dirs | "xargs -d \"\\n\" mkdir -p"
  close("xargs -d \"\\n\" mkdir -p")
  for (made = 0; made < nf; made++) {
    k = pick(1, nd - 1)
    if (rand() < 0.4) f = sprintf("%s/IMG_%06d.%s", path[k], made, ext[pick(1, 8)])
    else f = sprintf("%s/%s — part %d (%06d).%s", path[k], title[pick(1, ni)], pick(1, 12), made, ext[pick(1, 8)])
    printf "v" > f
    close(f)
  }
}' || die "generating the tree failed"
  rm -f "$tmp/.tree-partial"
  echo "$stamp" >"$tmp/.tree-stamp"
  mv "$tmp" "$out"
  t1=${EPOCHREALTIME/./}
  echo "tree: made $out in $(( (t1 - t0) / 1000 )) ms"
}

echo "== data in $BENCH_DATA/search"
make_tree "$TREE"
DB=$WORK/library.db
FILES=$WORK/files.txt
t0=${EPOCHREALTIME/./}
"$CLI" scan --no-probe --db "$DB" --json "$TREE" >"$WORK/scan.json" 2>"$WORK/scan.err" \
  || { cat "$WORK/scan.err" >&2; die "indexing the tree failed"; }
t1=${EPOCHREALTIME/./}
find "$TREE" -type f ! -name .tree-stamp >"$FILES"
n_files=$(wc -l <"$FILES")
n_dirs=$(find "$TREE" -type d | wc -l)
echo "index: $(sed -n 's/.*"total"[[:space:]]*:[[:space:]]*\([0-9]*\).*/\1/p' "$WORK/scan.json") videos in $(( (t1 - t0) / 1000 )) ms; tree: $n_files files, $n_dirs folders"

# ---------------------------------------------------------------------------------------------------
# measuring

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# time_cmd OUT CMD...: one untimed run, then REPS timed ones; sets T_MS (median wall, ms), T_PEAK (largest
# peak RSS, MiB), T_COUNT (lines printed by the last run) and T_RC (first non-zero exit status, or 0).
time_cmd() {
  local out=$1 tf=$WORK/time.out i t0 t1 m x walls=() peak=0
  shift
  T_RC=0
  "$@" >/dev/null 2>&1 || true
  for ((i = 0; i < REPS; i++)); do
    t0=${EPOCHREALTIME/./}
    /usr/bin/time -f '%M %x' -o "$tf" "$@" >"$out" 2>"$WORK/stderr" || true
    t1=${EPOCHREALTIME/./}
    read -r m x < <(tail -n 1 "$tf") || true
    walls+=("$(( t1 - t0 ))")
    [ "${m:-0}" -gt "$peak" ] && peak=$m
    if [ "${x:-1}" != 0 ] && [ "$T_RC" = 0 ]; then T_RC=${x:-1}; fi
  done
  T_MS=$(printf '%s\n' "${walls[@]}" | median | awk '{ printf "%.1f", $1 / 1000 }')
  T_PEAK=$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')
  T_COUNT=$(wc -l <"$out")
}

# The searches: ours (any case, any accent) and the words the peers look for (the spelling in the tree).
SEARCHES=(
  "lisbon|lisbon"
  "lisbon beach|lisbon beach"
  "sao paulo|são paulo"
  "builder 1|builder 1"
  "montreal cafe|montréal café"
  "北京 长城|北京 长城"
  "part|part"
  "xyzzy|xyzzy"
)

# peers as shell pipelines: every word, case-insensitively, somewhere in the file's path
find_cmd() {   # find_cmd WORD... -> a find command line
  local args=() w
  for w in "$@"; do args+=(-ipath "*$w*"); done
  printf '%q ' find "$TREE" -type f "${args[@]}"
}
grep_cmd() {   # grep_cmd WORD... -> grep -i FIRST FILES | grep -i NEXT ...
  local line w first=1
  for w in "$@"; do
    if [ $first = 1 ]; then line=$(printf 'grep -iF -- %q %q' "$w" "$FILES"); first=0
    else line="$line | $(printf 'grep -iF -- %q' "$w")"; fi
  done
  printf '%s' "$line"
}

FAILS=0
CHECKS=()
TSV=$WORK/table.tsv
printf 'search\tfound\tvidshelf-cli ms\tsearch only ms\tfind -ipath ms\tgrep -i ms\tvidshelf / find\tvidshelf / grep\tpeak MiB (ours)\n' >"$TSV"
echo
echo "== timing: median of $REPS runs per row (after one untimed), whole processes"
for s in "${SEARCHES[@]}"; do
  ours=${s%%|*} theirs=${s#*|}
  read -r -a words <<<"$theirs"
  time_cmd "$WORK/ours.out" env LC_ALL=C.UTF-8 "$CLI" list --db "$DB" --search "$ours"
  o_ms=$T_MS o_peak=$T_PEAK o_n=$T_COUNT o_rc=$T_RC
  time_cmd "$WORK/ids.out" env LC_ALL=C.UTF-8 "$CLI" list --db "$DB" --search "$ours" --limit 0
  i_ms=$T_MS
  time_cmd "$WORK/find.out" bash -c "$(find_cmd "${words[@]}")"
  f_ms=$T_MS f_n=$T_COUNT
  time_cmd "$WORK/grep.out" bash -c "$(grep_cmd "${words[@]}")"
  g_ms=$T_MS g_n=$T_COUNT
  rf=$(awk -v a="$o_ms" -v b="$f_ms" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  rg=$(awk -v a="$o_ms" -v b="$g_ms" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  printf '  %-16s found %6d  vidshelf-cli %7.1f ms (search only %6.1f)  find %7.1f ms  grep %6.1f ms\n' \
    "\"$ours\"" "$o_n" "$o_ms" "$i_ms" "$f_ms" "$g_ms"
  printf '"%s"\t%s\t%s\t%s\t%s\t%s\t%sx\t%sx\t%s\n' "$ours" "$o_n" "$o_ms" "$i_ms" "$f_ms" "$g_ms" "$rf" \
    "$rg" "$o_peak" >>"$TSV"
  if [ "$o_rc" = 0 ] && [ "$o_n" = "$f_n" ] && [ "$o_n" = "$g_n" ]; then
    CHECKS+=("PASS  \"$ours\": vidshelf-cli, find and grep each find $o_n")
  else
    CHECKS+=("FAIL  \"$ours\": vidshelf-cli $o_n (exit $o_rc), find $f_n, grep $g_n")
    FAILS=$((FAILS + 1))
  fi
done
time_cmd "$WORK/all.out" "$CLI" list --db "$DB" --limit 0
CHECKS+=("note  vidshelf-cli list --limit 0 (start-up, opening the library and the ordered ids of all $n_files, nothing printed): $T_MS ms")

# ---------------------------------------------------------------------------------------------------
# table

commit=unknown
if command -v git >/dev/null 2>&1 && git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -z "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ] || commit="$commit (modified)"
fi
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
CAPTION=(
  "vidshelf $commit: $CLI"
  "data: $n_files videos in $n_dirs folders (the tree's root holds none of the words)"
  "method: median wall time of $REPS runs after one untimed, each a whole process printing its matches; peers: find TREE -type f -ipath '*W1*' -ipath '*W2*', grep -iF W1 FILE-LIST | grep -iF W2 (peers get the tree's own spelling, \"montréal café\"; vidshelf is given \"montreal cafe\"); \"search only\": the same vidshelf-cli search with --limit 0, the ids in order and nothing printed (what the window reads before its first page)"
  "machine: $(nproc) CPU ${cpu_model:-?}, $(uname -sr), LC_ALL=C"
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
printf '%s\n' "${CHECKS[@]}"
echo
echo "== Markdown"
echo
awk -F'\t' '
  { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
    if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line (i > 1 ? "---:|" : "---|"); print line } }' "$TSV"
echo
for c in "${CAPTION[@]}" "${CHECKS[@]}"; do echo "- $c"; done

if [ "$FAILS" -gt 0 ]; then
  echo
  echo "bench-search: $FAILS check(s) failed" >&2
  exit 1
fi
