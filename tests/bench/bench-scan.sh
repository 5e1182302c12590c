#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-scan.sh - folder scan and HLS playlist benchmark: vidshelf-cli next to its peers.
#
# Run by hand from a clone, never in CI. Builds a release vidshelf-cli in <repo>/_build-bench (or uses
# --cli PATH), generates a big synthetic tree and a long HLS playlist under $BENCH_DATA (once; they are
# kept for later runs), times every row REPS times under GNU time (/usr/bin/time), checks the results
# (PASS/FAIL lines) and prints one table, aligned text and then Markdown, with ratios and targets.
#
# Usage: tests/bench/bench-scan.sh [--cli PATH]
# Env:   BENCH_DATA (/tmp/vidshelf-bench)  REPS (5)  WARMUP (1)  COLD (auto | no)
#        N_FILES (100000) N_DIRS (2000) N_HLS_DIRS (40) SEGS_PER_HLS (24)  N_SEGMENTS (200000)
# Exit:  0 when every check passes (missed targets are reported, not fatal), 1 when a check fails or
#        something cannot run, 2 on a usage error.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: tests/bench/bench-scan.sh [--cli PATH]

  --cli PATH   vidshelf-cli to measure (default: build a release one in <repo>/_build-bench)

Env: BENCH_DATA (/tmp/vidshelf-bench)  REPS (5)  WARMUP (1: one untimed run before each warm row)
     COLD (auto: add cold-cache rows when /proc/sys/vm/drop_caches is writable; no: never)
     N_FILES (100000) N_DIRS (2000) N_HLS_DIRS (40) SEGS_PER_HLS (24)  N_SEGMENTS (200000)
EOF
}
die() { echo "bench-scan: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
parse_cli_args bench-scan "$@"

BENCH_DATA=${BENCH_DATA:-/tmp/vidshelf-bench}
REPS=${REPS:-5}
WARMUP=${WARMUP:-1}
COLD=${COLD:-auto}
N_FILES=${N_FILES:-100000}
N_DIRS=${N_DIRS:-2000}
N_HLS_DIRS=${N_HLS_DIRS:-40}
SEGS_PER_HLS=${SEGS_PER_HLS:-24}
N_SEGMENTS=${N_SEGMENTS:-200000}
for v in REPS WARMUP N_FILES N_DIRS N_HLS_DIRS SEGS_PER_HLS N_SEGMENTS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench-scan: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
[ "$REPS" -ge 1 ] || { echo "bench-scan: REPS must be at least 1" >&2; exit 2; }
if [ "$N_DIRS" -lt 2 ] || [ "$N_SEGMENTS" -lt 1 ]; then echo "bench-scan: N_DIRS >= 2 and N_SEGMENTS >= 1 please" >&2; exit 2; fi
case $COLD in auto | no) ;; *) echo "bench-scan: COLD must be auto or no" >&2; exit 2 ;; esac
# the tree generator hands paths to sh (awk system()); keep them free of shell quoting characters
case $BENCH_DATA in *[\"\$\`\\]* | *$'\n'*) die "BENCH_DATA must not contain \" \$ \` \\ or newlines" ;; esac

[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 or later (EPOCHREALTIME)"
[ -x /usr/bin/time ] || die "needs GNU time as /usr/bin/time (Debian: apt-get install time)"
/usr/bin/time -f '%M' -o /dev/null true 2>/dev/null || die "/usr/bin/time is not GNU time"
find / -maxdepth 0 -printf '' 2>/dev/null || die "needs GNU find (-printf)"

REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$BENCH_DATA"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd -P)
TREE=$BENCH_DATA/tree
PLDIR=$BENCH_DATA/playlist
PLAYLIST=$PLDIR/long.m3u8

WORK=$(mktemp -d "$BENCH_DATA/run.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------
# vidshelf-cli

if [ -z "$CLI" ]; then
  B=$REPO/_build-bench
  build_release "$B" "vidshelf-cli" vidshelf-cli
  CLI=$B/src/cli/vidshelf-cli
fi
if [ ! -f "$CLI" ] || [ ! -x "$CLI" ]; then die "no executable vidshelf-cli at '$CLI'"; fi
CLI=$(cd "$(dirname "$CLI")" && pwd)/$(basename "$CLI")

# ---------------------------------------------------------------------------------------------------
# data

# make_tree DIR: N_FILES tiny files (1-16 bytes) over about N_DIRS folders, depth 1..6 below DIR. Mostly
# video extensions (.mp4 .mkv .webm .avi .mov .ts .m4v), about 6 % other files (.jpg .txt .nfo .srt .json),
# and N_HLS_DIRS HLS-like folders stream_NNN (index.m3u8 + SEGS_PER_HLS seg_NNNN.ts). Deterministic for a
# given awk (fixed seed). The same generator (and stamp) as the project's peer harness, so the trees
# match. A tree with the same parameters (DIR/.tree-stamp) is kept; one with other parameters is replaced;
# a non-empty DIR without our stamp is never touched. Built in DIR.partial, renamed when complete.
make_tree() {
  local out=$1 tmp=$1.partial t0 t1
  local stamp="files=$N_FILES dirs=$N_DIRS hls=$N_HLS_DIRS segs=$SEGS_PER_HLS v1"
  if [ -f "$out/.tree-stamp" ] && [ "$(cat "$out/.tree-stamp")" = "$stamp" ]; then
    echo "tree: kept $out ($stamp)"
    return 0
  fi
  if [ -e "$out" ]; then
    if [ -f "$out/.tree-stamp" ] || { [ -d "$out" ] && [ -z "$(ls -A "$out")" ]; }; then rm -rf "$out"
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
  # One awk program decides the whole layout and writes every file itself (one process, no fork per
  # file). Folder k>0 gets a parent chosen among earlier folders whose depth is < 6, biased toward recent
  # ones, which gives a bushy tree with a long tail of deep folders.
  LC_ALL=C awk -v root="$tmp" -v nf="$N_FILES" -v nd="$N_DIRS" -v nh="$N_HLS_DIRS" -v ns="$SEGS_PER_HLS" '
function pick(lo, hi) { return lo + int(rand() * (hi - lo + 1)) }
BEGIN {
  srand(20240601)
  split("mp4 mp4 mp4 mkv mkv webm avi mov ts m4v", vext, " ")
  split("jpg txt nfo srt json", oext, " ")
  split("Movies Series Clips Camera Downloads Archive Trips Family Music-Videos Lectures", top, " ")
  split("season disc part vol take reel cam day set", word, " ")
  path[0] = root; depth[0] = 0; cand[0] = 0; ncand = 1
  for (k = 1; k < nd; k++) {
    if (k <= 10) p = 0
    else p = cand[pick((ncand > 200 ? ncand - 200 : 0), ncand - 1)]
    name = (p == 0) ? top[k] : sprintf("%s_%03d", word[pick(1, 9)], k)
    path[k] = path[p] "/" name; depth[k] = depth[p] + 1
    if (depth[k] < 6) cand[ncand++] = k
    dirs = dirs path[k] "\n"
  }
  printf "%s", dirs | "xargs -d \"\\n\" mkdir -p"
  close("xargs -d \"\\n\" mkdir -p")
  made = 0; maxd = 0
  for (k = 1; k < nd; k++) if (depth[k] > maxd) maxd = depth[k]
  # HLS-like folders under random folders
  for (h = 0; h < nh && made + ns + 1 <= nf; h++) {
    d = path[cand[pick(1, ncand - 1)]] "/stream_" sprintf("%03d", h)
    system("mkdir -p \"" d "\"")
    f = d "/index.m3u8"
    printf "#EXTM3U\n#EXT-X-TARGETDURATION:2\n" > f
    for (s = 0; s < ns; s++) printf "#EXTINF:2,\nseg_%04d.ts\n", s > f
    printf "#EXT-X-ENDLIST\n" > f
    close(f); made++
    for (s = 0; s < ns; s++) { f = sprintf("%s/seg_%04d.ts", d, s); printf "G@" > f; close(f); made++ }
  }
  other = 0
  for (; made < nf; made++) {
    k = pick(1, nd - 1)
    if (rand() < 0.06) { e = oext[pick(1, 5)]; other++ } else e = vext[pick(1, 10)]
    f = sprintf("%s/file_%06d.%s", path[k], made, e)
    printf "%s", substr("0123456789abcdef", 1, pick(1, 16)) > f
    close(f)
  }
  printf "tree: %d files (%d non-video, %d HLS folders x %d segments), %d folders + %d HLS, max depth %d\n", \
    made, other, nh, ns, nd - 1, nh, maxd > "/dev/stderr"
}' 2>&1
  rm -f "$tmp/.tree-partial"
  echo "$stamp" >"$tmp/.tree-stamp"
  mv "$tmp" "$out"
  t1=${EPOCHREALTIME/./}
  echo "tree: made $out in $(( (t1 - t0) / 1000 )) ms"
}

# make_playlist: one HLS media playlist of N_SEGMENTS segments (#EXTINF with decimal durations, mostly
# 6.006 s, plus 4.004, 5.005, 2.002, 1.001, 5.5, 0.5, 6 and 10; URIs seg_NNNNNN.ts, not on disk).
# The exact total in ms is computed from the same values and kept in the stamp.
make_playlist() {
  local stamp="segments=$N_SEGMENTS v1"
  if [ -f "$PLDIR/.playlist-stamp" ] && [ -f "$PLAYLIST" ] \
     && [ "$(head -n 1 "$PLDIR/.playlist-stamp")" = "$stamp" ]; then
    PL_EXACT_MS=$(sed -n 2p "$PLDIR/.playlist-stamp")
    echo "playlist: kept $PLAYLIST ($stamp)"
    return 0
  fi
  mkdir -p "$PLDIR"
  rm -f "$PLDIR/.playlist-stamp"
  awk -v n="$N_SEGMENTS" -v totfile="$PLDIR/.playlist-total" '
BEGIN {
  srand(20240602)
  nd = split("6.006 6.006 6.006 6.006 6.006 6.006 6.006 4.004 5.005 2.002 1.001 5.5 0.5 6 10 6.006", d, " ")
  printf "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"
  ms = 0
  for (i = 0; i < n; i++) {
    x = d[1 + int(rand() * nd)]
    printf "#EXTINF:%s,\nseg_%06d.ts\n", x, i
    ms += int(x * 1000 + 0.5)
  }
  printf "#EXT-X-ENDLIST\n"
  printf "%.0f\n", ms > totfile
}' >"$PLAYLIST.partial"
  mv "$PLAYLIST.partial" "$PLAYLIST"
  PL_EXACT_MS=$(cat "$PLDIR/.playlist-total")
  rm -f "$PLDIR/.playlist-total"
  printf '%s\n%s\n' "$stamp" "$PL_EXACT_MS" >"$PLDIR/.playlist-stamp"
  echo "playlist: made $PLAYLIST"
}

echo "== data in $BENCH_DATA"
make_tree "$TREE"
make_playlist

VIDEO_EXT=(mp4 mkv webm avi mov ts m4v)
name_args=()
for e in "${VIDEO_EXT[@]}"; do name_args+=(-o -iname "*.$e"); done
n_tree=$(find "$TREE" -type f ! -name .tree-stamp | wc -l)
n_folders=$(find "$TREE" -type d | wc -l)                    # the root included
n_video=$(find "$TREE" -type f \( "${name_args[@]:1}" \) | wc -l)
n_seg=$(find "$TREE" -type f -path '*/stream_*/seg_*.ts' | wc -l)
n_hls=$(find "$TREE" -type d -name 'stream_*' | wc -l)
expected=$((n_video - n_seg + n_hls))
pl_mb=$(du -m "$PLAYLIST" | cut -f1)
echo "tree: $n_tree files, $n_folders folders; $n_video video files - $n_seg HLS segments + $n_hls HLS folders = $expected items expected"
echo "playlist: $N_SEGMENTS segments, $pl_mb MB, exact sum $PL_EXACT_MS ms"

# ---------------------------------------------------------------------------------------------------
# measuring

HAVE_COLD=no
if [ "$COLD" = auto ] && [ -w /proc/sys/vm/drop_caches ] && sync \
   && (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then HAVE_COLD=yes; fi

DB1=$WORK/first/library.db     # first scans: removed before every run
DB2=$WORK/rescan/library.db    # no-change rescans: made once, kept
mkdir -p "${DB2%/*}"

drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
fresh_db() { rm -rf "${DB1%/*}"; mkdir -p "${DB1%/*}"; }
run_pre() {
  case $1 in
    -) ;;
    cold) drop_caches ;;
    fresh_db) fresh_db ;;
    cold+fresh_db) fresh_db; drop_caches ;;
    *) die "unknown pre hook $1" ;;
  esac
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A LABEL WALL CPU PEAK RATE RC UNIT
ORDER=()
# measure KEY LABEL COUNT UNIT PRE OUT CMD...
#   PRE: untimed hook before every run: - | cold | fresh_db | cold+fresh_db (cold rows get no warm-up)
#   OUT: file collecting the stdout of the timed runs (appended), or - for /dev/null
# Wall time is taken around /usr/bin/time with bash's microsecond clock (GNU time's %e has 10 ms steps);
# cpu = %U + %S; peak = the largest %M over the runs.
measure() {
  local key=$1 label=$2 count=$3 unit=$4 pre=$5 out=$6
  shift 6
  local tf=$WORK/time.out ef=$WORK/stderr.$key i t0 t1 u s m x rc=0
  local walls=() cpus=() peaks=()
  [ "$out" = - ] && out=/dev/null
  [ "$out" = /dev/null ] || : >"$out"
  : >"$ef"
  if [ "$WARMUP" != 0 ] && [[ $pre != cold* ]]; then
    run_pre "$pre"
    "$@" >/dev/null 2>&1 || true
  fi
  for ((i = 0; i < REPS; i++)); do
    run_pre "$pre"
    t0=${EPOCHREALTIME/./}
    /usr/bin/time -f '%e %U %S %M %x' -o "$tf" "$@" >>"$out" 2>>"$ef" || true
    t1=${EPOCHREALTIME/./}
    u=0 s=0 m=0 x=''
    read -r _ u s m x < <(tail -n 1 "$tf") || true
    walls+=("$(( t1 - t0 ))")
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')")
    peaks+=("$m")
    [ "${x:-1}" = 0 ] || rc=${x:-1}
  done
  LABEL[$key]=$label UNIT[$key]=$unit RC[$key]=$rc
  WALL[$key]=$(printf '%s\n' "${walls[@]}" | median | awk '{ printf "%.3f", $1 / 1e6 }')
  CPU[$key]=$(printf '%s\n' "${cpus[@]}" | median | awk '{ printf "%.2f", $1 }')
  PEAK[$key]=$(printf '%s\n' "${peaks[@]}" | sort -g | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }')
  RATE[$key]=$(awk -v n="$count" -v w="${WALL[$key]}" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')
  ORDER+=("$key")
  printf '  %-44s wall %7.3f s  cpu %6.2f s  peak %7.1f MiB%s\n' "$label" "${WALL[$key]}" \
    "${CPU[$key]}" "${PEAK[$key]}" "$([ "$rc" = 0 ] || echo "  (exit $rc)")"
  if [ "$rc" != 0 ]; then sed 's/^/    | /' "$ef" | tail -n 10; fi
}

FIND=(find "$TREE" -printf '%s %T@ %p\n')
# --no-probe: this measures indexing; probing is bench-media.sh's.
SCAN1=("$CLI" scan --no-probe --db "$DB1" --json "$TREE")
SCAN2=("$CLI" scan --no-probe --db "$DB2" --json "$TREE")
# shellcheck disable=SC2016  # awk program, not shell
AWKSUM=(awk -F'[:,]' '/^#EXTINF/{s+=$2} END{printf "%d\n", s*1000}' "$PLAYLIST")
DUR=("$CLI" duration --ms "$PLAYLIST")

echo
echo "== timing: $REPS runs per row, warm-up $WARMUP, cold rows: $HAVE_COLD"
if [ "$HAVE_COLD" = yes ]; then
  measure find_cold "find -printf '%s %T@ %p' (cold)" "$n_tree" files cold - "${FIND[@]}"
  measure scan1_cold "vidshelf-cli scan, first scan (cold)" "$n_tree" files cold+fresh_db \
    "$WORK/scan1_cold.json" "${SCAN1[@]}"
fi
measure find_warm "find -printf '%s %T@ %p' (warm)" "$n_tree" files - - "${FIND[@]}"
measure scan1_warm "vidshelf-cli scan, first scan (warm)" "$n_tree" files fresh_db \
  "$WORK/scan1_warm.json" "${SCAN1[@]}"
"${SCAN2[@]}" >"$WORK/rescan_setup.json" 2>"$WORK/stderr.rescan_setup" \
  || { cat "$WORK/stderr.rescan_setup" >&2; die "the scan that sets up the rescan DB failed"; }
measure rescan_warm "vidshelf-cli scan, no-change rescan (warm)" "$n_tree" files - \
  "$WORK/rescan_warm.json" "${SCAN2[@]}"
measure awk_dur "awk sum of #EXTINF" "$N_SEGMENTS" segments - "$WORK/awk_dur.out" "${AWKSUM[@]}"
measure dur "vidshelf-cli duration --ms" "$N_SEGMENTS" segments - "$WORK/dur.out" "${DUR[@]}"

# ---------------------------------------------------------------------------------------------------
# checks

FAILS=0
CHECKS=()
check() {   # check OK TEXT
  local line
  if [ "$1" = 1 ]; then line="PASS  $2"; else line="FAIL  $2"; FAILS=$((FAILS + 1)); fi
  CHECKS+=("$line")
}
jfield() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\(-\{0,1\}[0-9][0-9]*\).*/\1/p" "$2"; }
# all_equal FIELD FILE VALUE: each of the REPS runs reported FIELD = VALUE
all_equal() {
  local vals
  vals=$(jfield "$1" "$2" | sort -u | tr '\n' ' ')
  [ "$(jfield "$1" "$2" | wc -l)" = "$REPS" ] && [ "$vals" = "$3 " ]
}
seen() { jfield "$1" "$2" | sort -u | paste -sd/ -; }

for key in scan1_cold scan1_warm; do
  [ -n "${LABEL[$key]:-}" ] || continue
  f=$WORK/$key.json ok=0
  all_equal total "$f" "$expected" && all_equal added "$f" "$expected" && all_equal skipped "$f" 0 \
    && [ "${RC[$key]}" = 0 ] && ok=1
  check $ok "${LABEL[$key]}: total $(seen total "$f") (expected $expected = $n_video video files - $n_seg HLS segments + $n_hls HLS folders), added $(seen added "$f"), skipped $(seen skipped "$f"), in $(jfield total "$f" | wc -l)/$REPS runs"
done
f=$WORK/rescan_warm.json ok=0
all_equal total "$f" "$expected" && all_equal unchanged "$f" "$expected" && all_equal added "$f" 0 \
  && all_equal updated "$f" 0 && all_equal removed "$f" 0 && [ "${RC[rescan_warm]}" = 0 ] && ok=1
check $ok "${LABEL[rescan_warm]}: total $(seen total "$f"), unchanged $(seen unchanged "$f"), added/updated/removed $(seen added "$f")/$(seen updated "$f")/$(seen removed "$f") (expected $expected unchanged, no changes), in $(jfield total "$f" | wc -l)/$REPS runs"
folders_seen=$(seen folders "$WORK/scan1_warm.json")
[ "$folders_seen" = "$n_folders" ] || CHECKS+=("note  the scan reports $folders_seen folders, find sees $n_folders (root included)")

ours=$(sort -u "$WORK/dur.out" | paste -sd/ -)
theirs=$(sort -u "$WORK/awk_dur.out" | paste -sd/ -)
ok=0
if [[ $ours =~ ^[0-9]+$ ]] && [[ $theirs =~ ^[0-9]+$ ]] && [ "${RC[dur]}" = 0 ] \
   && [ $(( ours > theirs ? ours - theirs : theirs - ours )) -le 1 ]; then ok=1; fi
check $ok "playlist duration: vidshelf-cli $ours ms, awk $theirs ms (within 1 ms)"
ok=0
[ "$ours" = "$PL_EXACT_MS" ] && ok=1
check $ok "playlist duration: vidshelf-cli $ours ms, exact sum of the generated durations $PL_EXACT_MS ms"

# ---------------------------------------------------------------------------------------------------
# table

RSS_TARGET_MIB=64
declare -A RATIO TARGET MET
ratio_vs() {   # ratio_vs KEY PEER MAX  (ours / peer, lower is better; plus the RSS target)
  local key=$1 peer=$2 max=$3 r ok_r ok_m
  [ -n "${LABEL[$key]:-}" ] || return 0
  r=$(awk -v a="${WALL[$key]}" -v b="${WALL[$peer]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')
  ok_r=$(awk -v r="$r" -v m="$max" 'BEGIN { print (r != "inf" && r + 0 <= m) ? 1 : 0 }')
  ok_m=$(awk -v p="${PEAK[$key]}" -v m="$RSS_TARGET_MIB" 'BEGIN { print (p + 0 < m) ? 1 : 0 }')
  RATIO[$key]="${r}x find"
  TARGET[$key]="<= ${max}x find, peak < ${RSS_TARGET_MIB} MiB"
  case $ok_r$ok_m in
    11) MET[$key]=yes ;; 01) MET[$key]="NO (time)" ;; 10) MET[$key]="NO (RSS)" ;; *) MET[$key]="NO (time, RSS)" ;;
  esac
}
ratio_vs scan1_cold find_cold 5
ratio_vs scan1_warm find_warm 5
ratio_vs rescan_warm find_warm 2
for key in find_cold find_warm awk_dur; do RATIO[$key]="(peer)" TARGET[$key]="" MET[$key]=""; done
r=$(awk -v a="${WALL[awk_dur]}" -v b="${WALL[dur]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')
RATIO[dur]="${r}x faster than awk"
TARGET[dur]=">= 3x faster than awk"
MET[dur]=$(awk -v r="$r" 'BEGIN { print (r == "inf" || r + 0 >= 3) ? "yes" : "NO" }')

group() {   # 1234567 -> 1,234,567
  awk -v n="$1" 'BEGIN { s = sprintf("%.0f", n); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'
}
TSV=$WORK/table.tsv
{
  printf 'row\twall s\tcpu s\tpeak MiB\trate\tratio vs peer\ttarget\tmet\n'
  for key in "${ORDER[@]}"; do
    label=${LABEL[$key]}
    [ "${RC[$key]}" = 0 ] || label="$label (exit ${RC[$key]})"
    printf '%s\t%s\t%s\t%s\t%s %s/s\t%s\t%s\t%s\n' "$label" "${WALL[$key]}" "${CPU[$key]}" "${PEAK[$key]}" \
      "$(group "${RATE[$key]}")" "${UNIT[$key]}" "${RATIO[$key]}" "${TARGET[$key]}" "${MET[$key]}"
  done
} >"$TSV"

commit=unknown
if command -v git >/dev/null 2>&1 && git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -z "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ] || commit="$commit (modified)"
fi
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
fs_type=$(df -PT "$BENCH_DATA" 2>/dev/null | awk 'NR == 2 { print $2 }' || true)
CAPTION=(
  "vidshelf $commit: $CLI"
  "data: $n_tree files in $n_folders folders ($expected library items); playlist of $N_SEGMENTS segments ($pl_mb MB)"
  "method: median of $REPS runs (peak RSS: the largest), warm-up $WARMUP, cold rows: $HAVE_COLD; ratios: scans = our wall time / find's in the same cache state, playlist = awk's wall time / ours"
  "machine: $(nproc) CPU ${cpu_model:-?}, $(uname -sr), data on ${fs_type:-?}, awk = $(basename "$(readlink -f "$(command -v awk)")")"
)

echo
echo "== results"
printf '%s\n' "${CAPTION[@]}"
echo
# aligned text: numbers right-aligned, text left-aligned
awk -F'\t' '
  { for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; if (NF > nf) nf = NF }
  END {
    for (r = 1; r <= n; r++) {
      line = ""
      for (i = 1; i <= nf; i++) {
        fmt = (i >= 2 && i <= 5) ? "%" w[i] "s" : "%-" w[i] "s"
        line = line (i > 1 ? "  " : "") sprintf(fmt, c[r, i])
      }
      sub(/ +$/, "", line); print line
      if (r == 1) { line = ""; for (i = 1; i <= nf; i++) { d = sprintf("%" w[i] "s", ""); gsub(/ /, "-", d); line = line (i > 1 ? "  " : "") d } print line }
    }
  }' "$TSV"
echo
printf '%s\n' "${CHECKS[@]}"

echo
echo "== Markdown"
echo
awk -F'\t' '
  { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
    if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line ((i >= 2 && i <= 5) ? "---:|" : "---|"); print line } }' "$TSV"
echo
for c in "${CAPTION[@]}" "${CHECKS[@]}"; do echo "- $c"; done

if [ "$FAILS" -gt 0 ]; then
  echo
  echo "bench-scan: $FAILS check(s) failed" >&2
  exit 1
fi
