#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-filmstrip.sh - filmstrips: vidshelf-cli filmstrip next to ffmpeg's keyframe-only
# sprite sheet (Jellyfin's method) and to one ffmpegthumbnailer call per frame time, side by side in
# one run, on generated videos of 3 to 30 minutes; the helper's peak RSS next to ffmpeg's; and the
# latency of a filmstrip request through the media service (what the grid waits for on hover).
#
# Run by hand from a clone, never in CI. Builds a release vidshelf-cli, vidshelf-media-worker and
# bench-filmstrip-latency in <repo>/_build-bench (or uses --cli PATH, with the helper beside it),
# generates the videos under $BENCH_DATA/filmstrip (once; kept for later runs), times every row REPS
# times and prints one table, aligned text and then Markdown.
#
# Usage: tests/bench/bench-filmstrip.sh [--cli PATH]
# Env:   BENCH_DATA (/tmp/vidshelf-bench)  REPS (2)  FPS (25)  SHORT (unset: all videos; 1: only the
#        3-minute ones, to try the script)  GENERATE_ONLY (1: make the videos, measure nothing)
# Exit:  0 when every check passes (missed targets are reported, not fatal), 1 when a check fails or
#        something cannot run, 2 on a usage error.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: tests/bench/bench-filmstrip.sh [--cli PATH]

  --cli PATH   vidshelf-cli to measure (default: build a release one in <repo>/_build-bench). Its
               helper is ../worker/vidshelf-media-worker next to it, or $VIDSHELF_MEDIA_WORKER.

Env: BENCH_DATA (/tmp/vidshelf-bench)  REPS (2: timed runs per row)  FPS (25: frame rate of the
     generated videos)  SHORT (1: only the short videos, to try the script)
     GENERATE_ONLY (1: make the videos and stop)
EOF
}
die() { echo "bench-filmstrip: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
parse_cli_args bench-filmstrip "$@"

BENCH_DATA=${BENCH_DATA:-/tmp/vidshelf-bench}
REPS=${REPS:-2}
FPS=${FPS:-25}
for v in REPS FPS; do
  [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] || { echo "bench-filmstrip: $v must be a whole number ≥ 1" >&2; exit 2; }
done
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 or later (EPOCHREALTIME)"
have() { command -v "$1" >/dev/null 2>&1; }

# The peers, installed when missing and we may (root, Debian).
missing=()
have ffmpeg || missing+=(ffmpeg)
have ffmpegthumbnailer || missing+=(ffmpegthumbnailer)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && have apt-get; then
    echo "== installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
  else
    die "missing ${missing[*]} (Debian: apt-get install ${missing[*]})"
  fi
fi
/usr/bin/time -f '%M' -o /dev/null true 2>/dev/null || die "/usr/bin/time is not GNU time"
for t in gst-launch-1.0 gst-inspect-1.0 python3; do have "$t" || die "missing $t"; done

REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$BENCH_DATA"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd -P)
MEDIA=$BENCH_DATA/filmstrip
WORK=$(mktemp -d "$BENCH_DATA/filmstrip-run.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export GST_REGISTRY=$BENCH_DATA/gst-registry.bin

# ---------------------------------------------------------------------------------------------------
# the videos: videotestsrc's ball (drawing a 1080p frame costs more than encoding it), x264
# ultrafast/zerolatency at a low bitrate, $FPS frames a second. A video longer than a minute is one
# minute generated once, then repeated with ffmpeg's concat demuxer (-c copy: no re-encoding), which
# turns half an hour of 1080p into seconds of work; its key frames stay every GOP (a minute is a
# whole number of GOPs) and decoding one costs the same as in a video made in one piece. VP9 and the
# HLS download are generated in one piece. Each is made under a temporary name, then renamed, so an
# interrupted run resumes; a stamp per video keeps its parameters.

# name minutes width height gop_seconds codec [pattern kbit/s]: the ball on black makes tiny key
# frames, cheap to decode for everyone; the moving zone plate at 4 Mbit/s makes key frames of a
# real 1080p video's size (about 100 KB), whose decoding is what a filmstrip mostly costs.
VIDEOS=(
  "h264-1080p-gop2-30min.mp4 30 1920 1080 2 h264"
  "h264-1080p-gop2-10min-detailed.mp4 10 1920 1080 2 h264 zone-plate 4000"
  "h264-1080p-gop10-10min.mp4 10 1920 1080 10 h264"
  "h264-720p-gop2-10min.mp4 10 1280 720 2 h264"
  "h264-720p-gop10-3min.mp4 3 1280 720 10 h264"
  "vp9-720p-gop2-3min.webm 3 1280 720 2 vp9"
  "hls-720p-gop2-10min 10 1280 720 2 hls"
)
if [ -n "${SHORT:-}" ]; then VIDEOS=("${VIDEOS[4]}" "${VIDEOS[5]}"); fi

gst_run() { # LOG PIPELINE...
  local log=$1
  shift
  # shellcheck disable=SC2068  # the pipeline's words
  gst-launch-1.0 -q -e $@ >"$log" 2>&1 || { tail "$log" >&2; die "generating a video failed: $*"; }
}

make_video() { # name minutes w h gop codec [pattern kbit/s]
  local name=$1 min=$2 w=$3 h=$4 gop=$5 codec=$6 pattern=${7:-ball} kbits=${8:-800} key src x264 tmp stamp t0
  stamp="$min $w $h $gop $codec $FPS $pattern $kbits v2"
  [ "$pattern" = ball ] && stamp="$min $w $h $gop $codec $FPS v2"   # the videos of earlier runs
  [ -e "$MEDIA/$name" ] && [ "$(cat "$MEDIA/.$name.stamp" 2>/dev/null)" = "$stamp" ] && return 0
  rm -rf "${MEDIA:?}/$name" "$MEDIA/.tmp-$name" "$MEDIA/.tmp-$name".*
  key=$((gop * FPS))
  local extra=
  [ "$pattern" = zone-plate ] && extra="kx2=20 ky2=20 kt=1"
  src="videotestsrc pattern=$pattern $extra num-buffers=NUM ! video/x-raw,width=$w,height=$h,framerate=$FPS/1 ! videoconvert ! video/x-raw,format=I420"
  x264="x264enc speed-preset=ultrafast tune=zerolatency key-int-max=$key bitrate=$kbits ! h264parse"
  tmp=$MEDIA/.tmp-$name
  echo "  generating $name ($min min, ${w}x$h, GOP $gop s, $codec, $FPS fps) ..."
  t0=${EPOCHREALTIME/./}
  case $codec in
    h264)
      gst_run "$tmp.log" "${src/NUM/$((60 * FPS))}" ! $x264 ! mp4mux ! filesink location="$tmp.minute.mp4"
      for ((m = 0; m < min; m++)); do echo "file '$tmp.minute.mp4'"; done >"$tmp.list"
      ffmpeg -nostdin -loglevel error -f concat -safe 0 -i "$tmp.list" -c copy -f mp4 "$tmp" \
        || die "ffmpeg could not join $name"
      rm -f "$tmp.minute.mp4" "$tmp.list" ;;
    vp9)
      gst_run "$tmp.log" "${src/NUM/$((min * 60 * FPS))}" ! vp9enc deadline=1 cpu-used=8 threads=2 \
        keyframe-max-dist=$key target-bitrate=$((kbits * 1000)) ! webmmux ! filesink location="$tmp" ;;
    hls)
      # hlssink2 may not post EOS after its last segment (seen on 1.22): wait for the playlist's end.
      mkdir -p "$tmp"
      # shellcheck disable=SC2086
      gst-launch-1.0 -q ${src/NUM/$((min * 60 * FPS))} ! $x264 ! hlssink2 target-duration=6 max-files=0 \
        playlist-length=0 location="$tmp/seg%05d.ts" playlist-location="$tmp/index.m3u8" >"$tmp.log" 2>&1 &
      local pid=$!
      until grep -q ENDLIST "$tmp/index.m3u8" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { grep -q ENDLIST "$tmp/index.m3u8" 2>/dev/null && break; tail "$tmp.log" >&2; die "generating $name failed"; }
        sleep 0.5
      done
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true ;;
  esac
  rm -f "$tmp.log"
  mv "$tmp" "$MEDIA/$name"
  echo "$stamp" >"$MEDIA/.$name.stamp"
  echo "  made $name in $(( (${EPOCHREALTIME/./} - t0) / 1000000 )) s ($(du -sm "$MEDIA/$name" | cut -f1) MB)"
}

echo "== videos in $MEDIA"
mkdir -p "$MEDIA"
gst-inspect-1.0 >/dev/null 2>&1 || true   # the registry, before anything is timed
for e in videotestsrc x264enc h264parse mp4mux vp9enc webmmux hlssink2; do
  gst-inspect-1.0 "$e" >/dev/null 2>&1 || die "missing GStreamer element $e"
done
INPUTS=() NAMES=() MINUTES=()
for v in "${VIDEOS[@]}"; do
  # shellcheck disable=SC2086
  set -- $v
  make_video "$@"
  if [ "$6" = hls ]; then INPUTS+=("$MEDIA/$1/index.m3u8"); else INPUTS+=("$MEDIA/$1"); fi
  NAMES+=("$1") MINUTES+=("$2")
done

# the latency driver's warm-up: a 10-second clip whose strip starts the helper
WARM=$MEDIA/warmup-10s.mp4
[ -s "$WARM" ] || {
  gst_run "$MEDIA/.warm.log" videotestsrc pattern=smpte num-buffers=250 ! video/x-raw,width=320,height=180,framerate=25/1 \
    ! videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast key-int-max=50 ! h264parse ! mp4mux \
    ! filesink location="$WARM.tmp"
  rm -f "$MEDIA/.warm.log"
  mv "$WARM.tmp" "$WARM"
}
[ -z "${GENERATE_ONLY:-}" ] || { echo "videos ready (GENERATE_ONLY)"; exit 0; }

# ---------------------------------------------------------------------------------------------------
# vidshelf-cli, its helper and the latency driver

LATENCY=
if [ -z "$CLI" ]; then
  B=$REPO/_build-bench
  build_release "$B" "vidshelf-cli, vidshelf-media-worker and bench-filmstrip-latency" \
    vidshelf-cli vidshelf-media-worker bench-filmstrip-latency
  CLI=$B/src/cli/vidshelf-cli
  LATENCY=$B/tests/bench/bench-filmstrip-latency
fi
[ -x "$CLI" ] || die "no executable vidshelf-cli at '$CLI'"
CLI=$(cd "$(dirname "$CLI")" && pwd)/$(basename "$CLI")
WORKER=${VIDSHELF_MEDIA_WORKER:-$(dirname "$CLI")/../worker/vidshelf-media-worker}
[ -x "$WORKER" ] || die "no executable helper at '$WORKER' (set VIDSHELF_MEDIA_WORKER)"
WORKER=$(cd "$(dirname "$WORKER")" && pwd)/$(basename "$WORKER")
export VIDSHELF_MEDIA_WORKER=$WORKER
[ -n "$LATENCY" ] || LATENCY=$(dirname "$CLI")/../../tests/bench/bench-filmstrip-latency
[ -x "$LATENCY" ] || { echo "bench-filmstrip: no bench-filmstrip-latency beside the CLI: latency rows skipped" >&2; LATENCY=; }

# ---------------------------------------------------------------------------------------------------
# measuring

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# timed OUT CMD...: runs CMD under GNU time; prints "WALL_S PEAK_KIB EXIT" (wall from bash's µs clock)
timed() {
  local out=$1 t0 t1 m x
  shift
  t0=${EPOCHREALTIME/./}
  /usr/bin/time -f '%M %x' -o "$WORK/time.out" "$@" >"$out" 2>>"$WORK/stderr.log" || true
  t1=${EPOCHREALTIME/./}
  read -r m x < <(tail -n 1 "$WORK/time.out")
  echo "$(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.3f", t / 1e6 }') $m $x"
}
hms() { awk -v ms="$1" 'BEGIN { s = int(ms / 1000); printf "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60 }'; }

FAILS=0
check() { # OK MESSAGE
  if [ "$1" = 1 ]; then echo "PASS  $2"; else echo "FAIL  $2"; FAILS=$((FAILS + 1)); fi
}

CACHE=$WORK/cache
declare -a R_OURS R_HELPER R_HELPER_RSS R_FF R_FF_RSS R_FFT R_FRAMES R_DECODED R_DUR R_KEYS
echo
echo "== timing: $REPS runs per row (medians; the filmstrip cache emptied before each of ours)"
for i in "${!INPUTS[@]}"; do
  in=${INPUTS[$i]} name=${NAMES[$i]}
  echo "$name:"
  # ours, end to end: a new CLI process (its helper started by it), the cache empty
  walls=()
  for ((r = 0; r < REPS; r++)); do
    rm -rf "$CACHE"; mkdir -p "$CACHE"
    read -r w _ x < <(XDG_CACHE_HOME=$CACHE timed "$WORK/ours.json" "$CLI" filmstrip --json "$in")
    [ "$x" = 0 ] || { cat "$WORK/stderr.log" >&2; die "vidshelf-cli filmstrip failed on $name"; }
    walls+=("$w")
  done
  R_OURS[$i]=$(printf '%s\n' "${walls[@]}" | median)
  read -r frames decoded dur times < <(python3 - "$WORK/ours.json" <<'EOF'
import json, sys
o = json.loads(open(sys.argv[1]).readline())
print(o["frames"], o["decoded"], o["duration_ms"], ",".join(str(t) for t in o["times_ms"]))
EOF
  )
  R_FRAMES[$i]=$frames R_DECODED[$i]=$decoded R_DUR[$i]=$dur
  # the helper alone, fed the CLI's request on its stdin: its own time and peak RSS
  uri=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).as_uri())' "$in")
  walls=() peaks=()
  for ((r = 0; r < REPS; r++)); do
    rm -rf "$CACHE"; mkdir -p "$CACHE"
    printf '{"op":"filmstrip","uri":"%s"}\n' "$uri" >"$WORK/request"
    read -r w m x < <(XDG_CACHE_HOME=$CACHE timed "$WORK/helper.out" sh -c 'exec "$0" --timeout 600000 <"$1"' "$WORKER" "$WORK/request")
    grep -q '"ok":true' "$WORK/helper.out" || { cat "$WORK/helper.out" >&2; die "the helper failed on $name"; }
    walls+=("$w") peaks+=("$m")
  done
  R_HELPER[$i]=$(printf '%s\n' "${walls[@]}" | median)
  R_HELPER_RSS[$i]=$(printf '%s\n' "${peaks[@]}" | sort -g | tail -n 1)
  # ffmpeg, Jellyfin's keyframe-only sheet: the whole video (a 10x10 tile per 1,000 s; -frames:v 1
  # would stop after the first tile, so it is left out: for a video up to 1,000 s it is the same run)
  walls=() peaks=()
  for ((r = 0; r < REPS; r++)); do
    rm -rf "$WORK/ff"; mkdir -p "$WORK/ff"
    read -r w m x < <(timed /dev/null ffmpeg -nostdin -loglevel error -skip_frame nokey -i "$in" \
      -vf "fps=1/10,scale=240:-2,tile=10x10" -an "$WORK/ff/out-%03d.jpg")
    [ "$x" = 0 ] || { tail "$WORK/stderr.log" >&2; die "ffmpeg failed on $name"; }
    walls+=("$w") peaks+=("$m")
  done
  R_FF[$i]=$(printf '%s\n' "${walls[@]}" | median)
  R_FF_RSS[$i]=$(printf '%s\n' "${peaks[@]}" | sort -g | tail -n 1)
  # key frames in the video (what ffmpeg's -skip_frame nokey decodes)
  R_KEYS[$i]=$(awk -v d="$dur" -v g="$(echo "${VIDEOS[$i]}" | cut -d' ' -f5)" 'BEGIN { printf "%d", d / 1000 / g + 0.999 }')
  # ffmpegthumbnailer, one call per frame time of ours (once: it is slow, and the same every run)
  t0=${EPOCHREALTIME/./}
  IFS=, read -r -a tlist <<<"$times"
  for t in "${tlist[@]}"; do
    ffmpegthumbnailer -i "$in" -o "$WORK/fft.jpg" -s 240 -t "$(hms "$t")" 2>>"$WORK/stderr.log" \
      || { tail "$WORK/stderr.log" >&2; die "ffmpegthumbnailer failed on $name at $(hms "$t")"; }
  done
  R_FFT[$i]=$(awk -v t=$(( ${EPOCHREALTIME/./} - t0 )) 'BEGIN { printf "%.3f", t / 1e6 }')
  printf '  ours %6.2f s (helper alone %6.2f s, %4.0f MiB)  ffmpeg %6.2f s (%4.0f MiB)  ffmpegthumbnailer ×%s %6.2f s  %s frames, %s decoded\n' \
    "${R_OURS[$i]}" "${R_HELPER[$i]}" "$(awk -v k="${R_HELPER_RSS[$i]}" 'BEGIN { print k / 1024 }')" \
    "${R_FF[$i]}" "$(awk -v k="${R_FF_RSS[$i]}" 'BEGIN { print k / 1024 }')" "${#tlist[@]}" "${R_FFT[$i]}" \
    "$frames" "$decoded"
done

# latency through the media service, a helper already running: each video uncached, then cached
LAT_UN=() LAT_CA=() LAT_FIRST=()
if [ -n "$LATENCY" ]; then
  echo
  echo "== latency: a filmstrip request through the media service (one helper, already started)"
  for ((r = 0; r < REPS; r++)); do
    rm -rf "$CACHE"; mkdir -p "$CACHE"
    # the warm-up clip's strip is made first: the helper is then up, as the window's are
    XDG_CACHE_HOME=$CACHE "$LATENCY" "$WARM" "${INPUTS[@]}" >"$WORK/latency.$r" 2>>"$WORK/stderr.log" \
      || { tail "$WORK/stderr.log" >&2; die "bench-filmstrip-latency failed"; }
    sed 's/^/  /' "$WORK/latency.$r"
  done
  mapfile -t LAT_UN < <(cat "$WORK"/latency.* | awk '$1 == "uncached" { print $2 }' | sort -g)
  mapfile -t LAT_FIRST < <(cat "$WORK"/latency.* | awk '$1 == "uncached" { print $3 }' | sort -g)
  mapfile -t LAT_CA < <(cat "$WORK"/latency.* | awk '$1 == "cached" { print $2 }' | sort -g)
fi
pct() { # P VALUES... (sorted): nearest rank
  local p=$1
  shift
  [ $# -gt 0 ] || { echo "-"; return; }
  awk -v p="$p" -v n=$# 'BEGIN { r = int(p / 100 * n + 0.999); if (r < 1) r = 1; print r }' | { read -r k; eval "echo \${$k}"; }
}

# ---------------------------------------------------------------------------------------------------
# the table

total_h=0 ours_s=0 ff_s=0 fft_s=0 helper_s=0
rows=()
for i in "${!INPUTS[@]}"; do
  h=$(awk -v d="${R_DUR[$i]}" 'BEGIN { printf "%.6f", d / 3600000 }')
  row=$(awk -v n="${NAMES[$i]}" -v h="$h" -v o="${R_OURS[$i]}" -v hp="${R_HELPER[$i]}" -v f="${R_FF[$i]}" -v t="${R_FFT[$i]}" \
    -v hr="${R_HELPER_RSS[$i]}" -v fr="${R_FF_RSS[$i]}" -v fr2="${R_FRAMES[$i]}" -v dec="${R_DECODED[$i]}" -v k="${R_KEYS[$i]}" \
    'BEGIN { printf "%s|%.1f|%s|%s|%.2f|%.1f|%.2f|%.1f|%.2f|%.1f|%.2fx|%.0f|%.0f|%.2f", n, h * 60, fr2, dec "/" k, o, o / h, hp, hp / h, f, f / h, f / o, hr / 1024, fr / 1024, t }')
  rows+=("$row")
  total_h=$(awk -v a="$total_h" -v b="$h" 'BEGIN { print a + b }')
  ours_s=$(awk -v a="$ours_s" -v b="${R_OURS[$i]}" 'BEGIN { print a + b }')
  helper_s=$(awk -v a="$helper_s" -v b="${R_HELPER[$i]}" 'BEGIN { print a + b }')
  ff_s=$(awk -v a="$ff_s" -v b="${R_FF[$i]}" 'BEGIN { print a + b }')
  fft_s=$(awk -v a="$fft_s" -v b="${R_FFT[$i]}" 'BEGIN { print a + b }')
done
HDR="video|minutes|frames|decoded/key frames|ours s|ours s/h|helper s|helper s/h|ffmpeg s|ffmpeg s/h|ffmpeg/ours|helper MiB|ffmpeg MiB|ffmpegthumbnailer s"
echo
echo "== results ($(nproc) CPUs, $(uname -r), $REPS runs per row; s/h = seconds per hour of video)"
{ echo "$HDR"; printf '%s\n' "${rows[@]}"; } | column -t -s '|'
ratio=$(awk -v f="$ff_s" -v o="$ours_s" 'BEGIN { printf "%.2f", f / o }')
ratio_helper=$(awk -v f="$ff_s" -v o="$helper_s" 'BEGIN { printf "%.2f", f / o }')
echo
printf 'all videos (%.1f h): ours %.1f s/h, the helper alone %.1f s/h, ffmpeg %.1f s/h, ffmpegthumbnailer %.1f s/h\n' \
  "$total_h" "$(awk -v s="$ours_s" -v h="$total_h" 'BEGIN { print s / h }')" \
  "$(awk -v s="$helper_s" -v h="$total_h" 'BEGIN { print s / h }')" \
  "$(awk -v s="$ff_s" -v h="$total_h" 'BEGIN { print s / h }')" "$(awk -v s="$fft_s" -v h="$total_h" 'BEGIN { print s / h }')"
echo "speed: ffmpeg's time ÷ ours = $ratio (end to end), $ratio_helper (the helper alone); target ≥ 1.5"
rss_ok=0
for i in "${!INPUTS[@]}"; do [ "${R_HELPER_RSS[$i]}" -le "${R_FF_RSS[$i]}" ] && rss_ok=$((rss_ok + 1)); done
max_helper=$(printf '%s\n' "${R_HELPER_RSS[@]}" | sort -g | tail -n 1)
echo "peak RSS: the helper's at most ffmpeg's on the same video for $rss_ok of ${#INPUTS[@]} videos (the helper's largest: $((max_helper / 1024)) MiB); target: all"
if [ ${#LAT_UN[@]} -gt 0 ]; then
  echo "latency, uncached (request → strip written, helper running): p50 $(pct 50 "${LAT_UN[@]}") ms, p95 $(pct 95 "${LAT_UN[@]}") ms over ${#LAT_UN[@]} requests; target 300 ms"
  echo "first strip in the cache (a coarse one for a long video), uncached: p50 $(pct 50 "${LAT_FIRST[@]}") ms, p95 $(pct 95 "${LAT_FIRST[@]}") ms; target 300 ms"
  echo "latency, cached: p50 $(pct 50 "${LAT_CA[@]}") ms, p95 $(pct 95 "${LAT_CA[@]}") ms over ${#LAT_CA[@]} requests"
fi
echo
echo "checks:"
for i in "${!INPUTS[@]}"; do
  want=$(awk -v d="${R_DUR[$i]}" 'BEGIN { n = int(d / 10000 + 0.5); if (n < 10) n = 10; if (n > 100) n = 100; print n }')
  check "$([ "${R_FRAMES[$i]}" = "$want" ] && echo 1 || echo 0)" "${NAMES[$i]}: ${R_FRAMES[$i]} frames (about one every 10 s: $want)"
  check "$([ "${R_DECODED[$i]}" -le $((2 * R_FRAMES[$i])) ] && echo 1 || echo 0)" "${NAMES[$i]}: ${R_DECODED[$i]} frames decoded for ${R_FRAMES[$i]} (key frames only)"
done
echo
echo "markdown:"
echo "| ${HDR//|/ | } |"
echo "|$(echo "$HDR" | sed 's/[^|]*/---/g')|"
for row in "${rows[@]}"; do echo "| ${row//|/ | } |"; done
[ "$FAILS" = 0 ] || exit 1
