#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-merge.sh - HLS merge: vidshelf-cli merge next to cat (the I/O bound) and ffmpeg -c copy.
#
# Run by hand from a clone, never in CI. Builds a release vidshelf-cli in <repo>/_build-bench (or uses
# --cli PATH), generates a 720p H.264 + AAC HLS folder of at least MIN_MB MB plus one twice as long under
# $BENCH_DATA (once; kept for later runs), times every row REPS times under GNU time (median wall time,
# largest peak RSS), checks the outputs (PASS/FAIL lines) and prints one table, aligned text and then
# Markdown, with ratios and targets.
#
# A second table: `vidshelf-cli merge --all` over a library of ALL_N downloads of ~30 MB (hard links to
# consecutive segments of the 2x folder) next to a shell loop of `ffmpeg -c copy` over the same folders,
# ALL_REPS runs each, and merge --all over 2 of them, so its peak RSS can be seen flat in their number.
#
# Usage: tests/bench/bench-merge.sh [--cli PATH]
# Env:   BENCH_DATA (/tmp/vidshelf-bench)  REPS (3)  WARMUP (1)  MIN_MB (300)  ALL_N (10)  ALL_REPS (5)
# Exit:  0 when every check passes (missed targets are reported, not fatal), 1 when a check fails or
#        something cannot run, 2 on a usage error.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: tests/bench/bench-merge.sh [--cli PATH]

  --cli PATH   vidshelf-cli to measure (default: build a release one in <repo>/_build-bench).

Env: BENCH_DATA (/tmp/vidshelf-bench)  REPS (3)  WARMUP (1: one untimed run before each row; 0: none)
     MIN_MB (300: size of the 1x folder; the 2x folder is twice as long)
     ALL_N (10: downloads of ~30 MB in the merge --all library)  ALL_REPS (5: runs of its rows, >= 5)
EOF
}
die() { echo "bench-merge: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
parse_cli_args bench-merge "$@"

BENCH_DATA=${BENCH_DATA:-/tmp/vidshelf-bench}
REPS=${REPS:-3}
WARMUP=${WARMUP:-1}
MIN_MB=${MIN_MB:-300}
ALL_N=${ALL_N:-10}
ALL_REPS=${ALL_REPS:-5}
for v in REPS WARMUP MIN_MB ALL_N ALL_REPS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench-merge: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
[ "$REPS" -ge 1 ] && [ "$MIN_MB" -ge 1 ] || { echo "bench-merge: REPS and MIN_MB must be at least 1" >&2; exit 2; }
[ "$ALL_REPS" -ge 5 ] && [ "$ALL_N" -ge 3 ] || { echo "bench-merge: ALL_REPS must be at least 5, ALL_N at least 3" >&2; exit 2; }
case $BENCH_DATA in *$'\n'*) die "BENCH_DATA must not contain newlines" ;; esac

[ -x /usr/bin/time ] || die "needs GNU time as /usr/bin/time (Debian: apt-get install time)"
/usr/bin/time -f '%M' -o /dev/null true 2>/dev/null || die "/usr/bin/time is not GNU time"
for t in gst-launch-1.0 ffmpeg ffprobe od; do
  command -v "$t" >/dev/null 2>&1 || die "missing $t (Debian: gstreamer1.0-tools, ffmpeg, coreutils)"
done

REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$BENCH_DATA"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd -P)
DATA=$BENCH_DATA/merge
export GST_REGISTRY=$BENCH_DATA/gst-registry.bin

WORK=$(mktemp -d "$BENCH_DATA/merge-run.XXXXXX")
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
[ -f "$CLI" ] && [ -x "$CLI" ] || die "no executable vidshelf-cli at '$CLI'"
CLI=$(cd "$(dirname "$CLI")" && pwd)/$(basename "$CLI")

# ---------------------------------------------------------------------------------------------------
# Data: one long HLS recording (hlssink2, 6 s segments, 1280x720 25 fps H.264 at 8 Mbit/s + stereo AAC;
# noise, so the encoder spends its whole budget); the 1x folder holds hard links to its first half.

VIDEO_KBPS=8000
SECONDS_1X=$(( (MIN_MB * 1024 * 1024 * 8 / ((VIDEO_KBPS + 160) * 1000) + 6) / 6 * 6 + 6 ))
FULL=$DATA/hls-2x
HALF=$DATA/hls-1x
stamp="v1 ${SECONDS_1X}s ${VIDEO_KBPS}k"

make_full() {
  rm -rf "$DATA"
  mkdir -p "$FULL"
  local frames=$((SECONDS_1X * 2 * 25)) audio=$((SECONDS_1X * 2 * 48000 / 1024))
  echo "== generating $((SECONDS_1X * 2)) s of 720p H.264 + AAC HLS in $FULL (once; a few minutes)"
  gst-launch-1.0 -q hlssink2 name=s max-files=0 playlist-length=0 target-duration=6 \
    location="$FULL/seg%05d.ts" playlist-location="$FULL/index.m3u8" \
    videotestsrc pattern=snow num-buffers=$frames ! video/x-raw,width=1280,height=720,framerate=25/1 \
    ! x264enc speed-preset=ultrafast bitrate=$VIDEO_KBPS key-int-max=150 ! h264parse ! s.video \
    audiotestsrc num-buffers=$audio samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 \
    ! avenc_aac ! aacparse ! s.audio >"$WORK/gen.log" 2>&1 &
  local pid=$!
  # hlssink2 may not post EOS after its last segment (GStreamer 1.22): the playlist's end says when.
  while ! grep -q '#EXT-X-ENDLIST' "$FULL/index.m3u8" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { grep -q '#EXT-X-ENDLIST' "$FULL/index.m3u8" 2>/dev/null && break
                                    cat "$WORK/gen.log" >&2; die "generating the HLS folder failed"; }
    sleep 1
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$stamp" >"$FULL.complete"
}

make_half() {
  local n
  rm -rf "$HALF"
  mkdir -p "$HALF"
  n=$(grep -c '^#EXTINF' "$FULL/index.m3u8")
  awk -v keep=$((n / 2)) '
    /^#EXTINF/ { if (++seen > keep) exit }
    { print }
    END { print "#EXT-X-ENDLIST" }' "$FULL/index.m3u8" >"$HALF/index.m3u8"
  grep -v -e '^#' -e '^$' "$HALF/index.m3u8" | while read -r seg; do ln "$FULL/$seg" "$HALF/$seg"; done
  echo "$stamp" >"$HALF.complete"
}
[ "$(cat "$FULL.complete" 2>/dev/null || true)" = "$stamp" ] || make_full
[ "$(cat "$HALF.complete" 2>/dev/null || true)" = "$stamp" ] || make_half

segments() { grep -v -e '^#' -e '^$' "$1/index.m3u8" | sed "s|^|$1/|"; }
folder_bytes() { segments "$1" | xargs -d '\n' stat -c %s | awk '{ s += $1 } END { print s }'; }
playlist_ms() { awk -F'[:,]' '/^#EXTINF/ { s += $2 } END { printf "%d\n", s * 1000 + 0.5 }' "$1/index.m3u8"; }

# ---------------------------------------------------------------------------------------------------
# Checks on the outputs

# Top-level MP4 boxes, "type size" per line (64-bit sizes understood).
boxes() {
  local f=$1 pos=0 size type total
  total=$(stat -c %s "$f")
  while [ "$pos" -lt "$total" ]; do
    size=$(od -An -tu1 -j "$pos" -N4 "$f" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
    type=$(od -An -c -j $((pos + 4)) -N4 "$f" | tr -d ' ')
    if [ "$size" -eq 1 ]; then
      size=$(od -An -tu1 -j $((pos + 8)) -N8 "$f" | awk '{ v = 0; for (i = 1; i <= 8; i++) v = v * 256 + $i; print v }')
    elif [ "$size" -eq 0 ]; then
      size=$((total - pos))
    fi
    [ "$size" -ge 8 ] || { echo "bad $size"; return; }
    echo "$type $size"
    pos=$((pos + size))
  done
}
moov_first() { boxes "$1" | awk '$1 == "moov" && !m { m = NR } $1 == "mdat" && !d { d = NR } END { exit !(m && d && m < d) }'; }
n_streams() { ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$1" | sort | tr '\n' ' '; }
duration_ms() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" | awk '{ printf "%d\n", $1 * 1000 + 0.5 }'; }

FAILS=0
CHECKS=()
check() { # check OK|FAIL text
  if [ "$1" = ok ]; then CHECKS+=("PASS: $2"); else CHECKS+=("FAIL: $2"); FAILS=$((FAILS + 1)); fi
}
target() { # target OK|MISS text: reported, not fatal
  if [ "$1" = ok ]; then CHECKS+=("PASS target: $2"); else CHECKS+=("FAIL target: $2"); fi
}

# ---------------------------------------------------------------------------------------------------
# Timing

# Time stolen from this virtual machine (by the host) while a row ran, as a share of all CPU
# time: on a shared host it, more than anything here, moved the medians.
cpu_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t; exit }' /proc/stat; }
STEALS=()
steal_since() { # steal_since "STEAL TOTAL" NAME: notes NAME's share in STEALS
  local s0 t0 s1 t1
  read -r s0 t0 <<<"$1"
  read -r s1 t1 < <(cpu_ticks)
  STEALS+=("$2 $(awk -v s=$((s1 - s0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.0f", (t > 0 ? 100 * s / t : 0) }') %")
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# run_row NAME OUTPUT CMD... : WARMUP untimed runs then REPS timed ones; sets WALL (median s) and RSS (max KiB)
run_row() {
  local name=$1 out=$2; shift 2
  local i walls=() rss=0 t m ticks
  for ((i = 0; i < WARMUP; i++)); do rm -f "$out"; "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; die "$name failed"; }; done
  ticks=$(cpu_ticks)
  for ((i = 0; i < REPS; i++)); do
    # The previous run's output written back and gone before the clock starts, so no run
    # pays for another's writeback.
    rm -f "$out"
    sync
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" \
      || { cat "$WORK/err" >&2; die "$name failed"; }
    read -r t m <"$WORK/time"
    walls+=("$t")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  steal_since "$ticks" "$size $name"
  WALL=$(printf '%s\n' "${walls[@]}" | median)
  RSS=$rss
}

export -f segments
TSV=$WORK/table.tsv
printf 'input\ttool\twall s\tMB/s\tpeak RSS MiB\tthroughput vs ffmpeg\tthroughput vs cat\n' >"$TSV"
declare -A TPUT RSSK WALLS
label_of() {
  case $1 in
    cat) echo "cat of the segments (I/O bound)" ;;
    ffmpeg) echo "ffmpeg -c copy" ;;
    ffmpeg-faststart) echo "ffmpeg -c copy -movflags +faststart" ;;
    vidshelf) echo "vidshelf-cli merge" ;;
  esac
}

for size in 1x 2x; do
  dir=$DATA/hls-$size
  bytes=$(folder_bytes "$dir")
  mb=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1048576 }')
  expected=$(playlist_ms "$dir")
  echo "== $size: $mb MB in $(grep -c '^#EXTINF' "$dir/index.m3u8") segments, $((expected / 1000)) s"
  segments "$dir" | xargs -d '\n' cat >/dev/null   # page cache warm

  rows=(cat ffmpeg ffmpeg-faststart vidshelf)
  for tool in "${rows[@]}"; do
    case $tool in
      cat) out=$WORK/cat.bin; run_row "cat" "$out" bash -c 'segments "$1" | xargs -d "\n" cat >"$2"' _ "$dir" "$out" ;;
      ffmpeg) out=$WORK/ffmpeg.mp4
        run_row "ffmpeg" "$out" ffmpeg -nostdin -v error -allowed_extensions ALL -i "$dir/index.m3u8" -c copy -y "$out" ;;
      ffmpeg-faststart) out=$WORK/ffmpeg-fs.mp4
        run_row "ffmpeg +faststart" "$out" ffmpeg -nostdin -v error -allowed_extensions ALL -i "$dir/index.m3u8" -c copy \
          -movflags +faststart -y "$out" ;;
      vidshelf) out=$WORK/vidshelf.mp4
        # --db naming no file: the merge alone, never through (nor updating) a library that
        # happens to be at the default path
        run_row "vidshelf-cli merge" "$out" "$CLI" merge --db "$WORK/no-library.db" --force \
          --output "$out" "$dir" ;;
    esac
    TPUT[$size,$tool]=$(awk -v b="$bytes" -v t="$WALL" 'BEGIN { printf "%.1f", b / 1048576 / t }')
    RSSK[$size,$tool]=$RSS
    WALLS[$size,$tool]=$WALL

    # the last run's output
    case $tool in
      cat) [ "$(stat -c %s "$out")" -eq "$bytes" ] && check ok "$size cat wrote every byte" || check fail "$size cat wrote every byte" ;;
      *)
        s=$(n_streams "$out"); d=$(duration_ms "$out")
        if [ "$s" = "audio video " ] && [ $((d > expected ? d - expected : expected - d)) -le 1000 ]; then
          check ok "$size $tool: one video and one audio stream, $d ms for a playlist of $expected ms"
        else
          check fail "$size $tool: streams '$s', $d ms for a playlist of $expected ms"
        fi ;;
    esac
    if [ "$tool" = vidshelf ]; then
      if moov_first "$out"; then check ok "$size vidshelf: index (moov) before the media (mdat)"
      else check fail "$size vidshelf: index (moov) before the media (mdat): $(boxes "$out" | tr '\n' ' ')"; fi
      ls -A "$WORK" | grep -q vidshelf-merge && check fail "$size vidshelf: a temporary file was left" || true
    fi
    rm -f "$out"
  done
  for tool in "${rows[@]}"; do
    printf '%s\t%s\t%.2f\t%s\t%.1f\t%s\t%s\n' "$size ($mb MB)" "$(label_of "$tool")" "${WALLS[$size,$tool]}" \
      "${TPUT[$size,$tool]}" "$(awk -v k="${RSSK[$size,$tool]}" 'BEGIN { print k / 1024 }')" \
      "$(awk -v a="${TPUT[$size,$tool]}" -v b="${TPUT[$size,ffmpeg]}" 'BEGIN { printf "%.2fx", a / b }')" \
      "$(awk -v a="${TPUT[$size,$tool]}" -v b="${TPUT[$size,cat]}" 'BEGIN { printf "%.2fx", a / b }')" >>"$TSV"
  done
done

for size in 1x 2x; do
  awk -v a="${TPUT[$size,vidshelf]}" -v b="${TPUT[$size,ffmpeg]}" 'BEGIN { exit !(a >= b) }' \
    && target ok "$size throughput ${TPUT[$size,vidshelf]} MB/s >= ffmpeg -c copy ${TPUT[$size,ffmpeg]} MB/s" \
    || target miss "$size throughput ${TPUT[$size,vidshelf]} MB/s >= ffmpeg -c copy ${TPUT[$size,ffmpeg]} MB/s"
  [ "${RSSK[$size,vidshelf]}" -lt $((32 * 1024)) ] \
    && target ok "$size peak RSS $((RSSK[$size,vidshelf] / 1024)) MiB < 32 MiB" \
    || target miss "$size peak RSS $((RSSK[$size,vidshelf] / 1024)) MiB < 32 MiB"
done
# flat: doubling the input adds at most 10 % (the index tables grow by a few bytes per sample)
r1=${RSSK[1x,vidshelf]} r2=${RSSK[2x,vidshelf]}
[ "$r2" -le $((r1 + r1 / 10)) ] \
  && target ok "peak RSS flat when the input doubles: $((r1 / 1024)) -> $((r2 / 1024)) MiB (<= +10 %)" \
  || target miss "peak RSS flat when the input doubles: $((r1 / 1024)) -> $((r2 / 1024)) MiB (<= +10 %)"

# ---------------------------------------------------------------------------------------------------
# merge --all: a library of ALL_N downloads of ~30 MB (5 consecutive 6 s segments of the 2x folder,
# hard links), two of them under few/ and the rest under more/, scanned into its own database.

ALL_SEGS=5
n_full=$(grep -c '^#EXTINF' "$FULL/index.m3u8")
[ "$n_full" -ge $((ALL_N * ALL_SEGS)) ] || die "the 2x folder has $n_full segments, merge --all needs $((ALL_N * ALL_SEGS)) (raise MIN_MB)"
LIB=$WORK/library
ALL_DB=$WORK/library.db
mkdir -p "$LIB/few" "$LIB/more"
awk '/^#EXTINF/ { exit } { print }' "$FULL/index.m3u8" | grep -v '^#EXT-X-MEDIA-SEQUENCE' >"$WORK/header"
for ((i = 0; i < ALL_N; i++)); do
  part=$([ "$i" -lt 2 ] && echo few || echo more)
  d=$LIB/$part/$(printf 'download%02d' $((i + 1)))
  mkdir -p "$d"
  { cat "$WORK/header"
    awk -v from=$((i * ALL_SEGS)) -v n=$ALL_SEGS '
      /^#EXTINF/ { k++; keep = (k > from && k <= from + n); if (keep) print; next }
      keep && !/^#/ && NF { print; keep = 0 }' "$FULL/index.m3u8"
    echo '#EXT-X-ENDLIST'; } >"$d/index.m3u8"
  segments "$d" | while read -r seg; do ln "$FULL/$(basename "$seg")" "$seg"; done
done
"$CLI" scan --no-probe --db "$ALL_DB" "$LIB" >/dev/null || die "scanning the merge --all library failed"
all_bytes=0
for d in "$LIB"/*/download[0-9][0-9]; do all_bytes=$((all_bytes + $(folder_bytes "$d"))); done
few_bytes=$(( $(folder_bytes "$LIB/few/download01") + $(folder_bytes "$LIB/few/download02") ))
all_mb=$(awk -v b="$all_bytes" 'BEGIN { printf "%.0f", b / 1048576 }')
echo "== merge --all: $ALL_N downloads, $all_mb MB"
find "$LIB" -name '*.ts' -print0 | xargs -0 cat >/dev/null   # page cache warm

# run_all NAME CMD...: as run_row, ALL_REPS times, every MP4 of the library removed before each run
run_all() {
  local name=$1; shift
  local i walls=() rss=0 t m ticks
  for ((i = 0; i < WARMUP + ALL_REPS; i++)); do
    find "$LIB" -name '*.mp4' -delete
    sync
    [ "$i" -eq "$WARMUP" ] && ticks=$(cpu_ticks)
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" \
      || { cat "$WORK/out" "$WORK/err" >&2; die "$name failed"; }
    [ "$i" -lt "$WARMUP" ] && continue
    read -r t m <"$WORK/time"
    walls+=("$t")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  steal_since "$ticks" "$name"
  WALL=$(printf '%s\n' "${walls[@]}" | median)
  RSS=$rss
}
ffmpeg_loop() {
  local d
  for d in "$@"; do
    ffmpeg -nostdin -v error -allowed_extensions ALL -i "$d/index.m3u8" -c copy -y "$d.mp4" || return 1
  done
}
export -f ffmpeg_loop

ALL_TSV=$WORK/all.tsv
printf 'library\ttool\twall s\tMB/s\tpeak RSS MiB\tthroughput vs ffmpeg loop\n' >"$ALL_TSV"
declare -A AW AR
run_all "ffmpeg loop" bash -c 'ffmpeg_loop "$@"' _ "$LIB"/*/download[0-9][0-9]
AW[ffmpeg]=$WALL AR[ffmpeg]=$RSS
run_all "merge --all" "$CLI" merge --all --db "$ALL_DB"
AW[all]=$WALL AR[all]=$RSS
n_out=$(find "$LIB" -name '*.mp4' | wc -l)
if [ "$n_out" -eq "$ALL_N" ] && grep -q "^merged $ALL_N, refused 0," "$WORK/out"; then
  check ok "merge --all merged all $ALL_N downloads"
else
  check fail "merge --all: $n_out MP4s, summary '$(tail -n 1 "$WORK/out")'"
fi
for d in "$LIB"/*/download[0-9][0-9]; do
  s=$(n_streams "$d.mp4"); dm=$(duration_ms "$d.mp4"); e=$(playlist_ms "$d")
  [ "$s" = "audio video " ] && [ $((dm > e ? dm - e : e - dm)) -le 1000 ] \
    || check fail "merge --all $(basename "$d"): streams '$s', $dm ms for a playlist of $e ms"
done
find "$LIB" -name '*vidshelf-merge*' | grep -q . && check fail "merge --all left a temporary file" || true
run_all "merge --all --folder few" "$CLI" merge --all --folder "$LIB/few" --db "$ALL_DB"
AW[few]=$WALL AR[few]=$RSS

all_row() { # all_row LIBRARY TOOL KEY BYTES
  local tput
  tput=$(awk -v b="$4" -v t="${AW[$3]}" 'BEGIN { printf "%.1f", b / 1048576 / t }')
  printf '%s\t%s\t%.2f\t%s\t%.1f\t%s\n' "$1" "$2" "${AW[$3]}" "$tput" \
    "$(awk -v k="${AR[$3]}" 'BEGIN { print k / 1024 }')" \
    "$(awk -v t="${AW[$3]}" -v f="${AW[ffmpeg]}" -v b="$4" -v a="$all_bytes" 'BEGIN { printf "%.2fx", (b / t) / (a / f) }')" >>"$ALL_TSV"
}
all_row "$ALL_N downloads ($all_mb MB)" "shell loop of ffmpeg -c copy" ffmpeg "$all_bytes"
all_row "$ALL_N downloads ($all_mb MB)" "vidshelf-cli merge --all" all "$all_bytes"
all_row "2 downloads (--folder)" "vidshelf-cli merge --all" few "$few_bytes"
[ "${AR[all]}" -lt $((32 * 1024)) ] \
  && target ok "merge --all peak RSS $((AR[all] / 1024)) MiB < 32 MiB" \
  || target miss "merge --all peak RSS $((AR[all] / 1024)) MiB < 32 MiB"
[ "${AR[all]}" -le $((AR[few] + AR[few] / 10)) ] \
  && target ok "merge --all peak RSS flat in the number of downloads: 2 -> $ALL_N: $((AR[few] / 1024)) -> $((AR[all] / 1024)) MiB (<= +10 %)" \
  || target miss "merge --all peak RSS flat in the number of downloads: 2 -> $ALL_N: $((AR[few] / 1024)) -> $((AR[all] / 1024)) MiB (<= +10 %)"

commit=unknown
if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -z "$(git -C "$REPO" status --porcelain -- src 2>/dev/null | head -n 1)" ] || commit="$commit (modified)"
fi
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
fs_type=$(df -PT "$BENCH_DATA" 2>/dev/null | awk 'NR == 2 { print $2 }' || true)
CAPTION=(
  "vidshelf $commit: $CLI"
  "data: $FULL (2x) and $HALF (1x, hard links to its first half): 1280x720 25 fps H.264 ($VIDEO_KBPS kbit/s) + stereo AAC in 6 s MPEG-TS segments"
  "method: median wall time of $REPS runs after $WARMUP warm-up, page cache warm, output on the same file system; peak RSS = GNU time %M, largest over the runs; MB = MiB of segment bytes read"
  "versions: GStreamer $(gst-inspect-1.0 --version | sed -n 's/^GStreamer //p' | head -n 1), FFmpeg $(ffprobe -version | sed -n '1s/^ffprobe version \([^ ]*\).*/\1/p')"
  "CPU steal during each row's timed runs (/proc/stat, all CPUs): $(IFS=,; echo "${STEALS[*]}" | sed 's/,/, /g')"
  "machine: $(nproc) CPU ${cpu_model:-?}, $(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo), $(uname -sr), data on ${fs_type:-?}"
)

echo
echo "== results"
printf '%s\n' "${CAPTION[@]}"
echo
column -t -s $'\t' "$TSV" 2>/dev/null || cat "$TSV"
echo
column -t -s $'\t' "$ALL_TSV" 2>/dev/null || cat "$ALL_TSV"
echo
printf '%s\n' "${CHECKS[@]}"
echo
echo "== Markdown"
echo
awk -F'\t' '
  { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
    if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line ((i >= 3) ? "---:|" : "---|"); print line } }' "$TSV"
echo
awk -F'\t' '
  { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
    if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line ((i >= 3) ? "---:|" : "---|"); print line } }' "$ALL_TSV"
echo
for c in "${CAPTION[@]}" "${CHECKS[@]}"; do echo "- $c"; done

if [ "$FAILS" -gt 0 ]; then
  echo
  echo "bench-merge: $FAILS check(s) failed" >&2
  exit 1
fi
