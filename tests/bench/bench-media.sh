#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-media.sh - thumbnails and media probing: vidshelf-cli next to its peers.
#
# Run by hand from a clone, never in CI. Builds a release vidshelf-cli and vidshelf-media-worker in
# <repo>/_build-bench (or uses --cli PATH), generates a corpus of short clips under $BENCH_DATA (once;
# kept for later runs), times every row REPS times under GNU time (/usr/bin/time), measures the peak RSS
# of every process of the vidshelf-cli process tree (the CLI and its helper processes) with a small
# sampler, checks the results (PASS/FAIL lines) and prints one table, aligned text and then Markdown,
# with ratios and targets.
#
# Usage: tests/bench/bench-media.sh [--cli PATH]
# Env:   BENCH_DATA (/tmp/vidshelf-bench)  REPS (3)  WARMUP (1)  JOBS (2)  N_VIDEOS (40)
# Exit:  0 when every check passes (missed targets are reported, not fatal), 1 when a check fails or
#        something cannot run, 2 on a usage error.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: tests/bench/bench-media.sh [--cli PATH]

  --cli PATH   vidshelf-cli to measure (default: build a release one in <repo>/_build-bench).
               Its helper is $VIDSHELF_MEDIA_WORKER when set, else ../worker/vidshelf-media-worker
               next to the CLI when that exists, else whatever the CLI finds itself.

Env: BENCH_DATA (/tmp/vidshelf-bench)  REPS (3)  WARMUP (1: one untimed run before each row; 0: none)
     JOBS (2: processes / helpers at a time for the parallel rows)  N_VIDEOS (40: clips in the corpus)
EOF
}
die() { echo "bench-media: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
parse_cli_args bench-media "$@"

BENCH_DATA=${BENCH_DATA:-/tmp/vidshelf-bench}
REPS=${REPS:-3}
WARMUP=${WARMUP:-1}
JOBS=${JOBS:-2}
N_VIDEOS=${N_VIDEOS:-40}
for v in REPS WARMUP JOBS N_VIDEOS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench-media: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
if [ "$REPS" -lt 1 ] || [ "$JOBS" -lt 1 ] || [ "$N_VIDEOS" -lt 1 ]; then
  echo "bench-media: REPS, JOBS and N_VIDEOS must be at least 1" >&2; exit 2
fi
case $BENCH_DATA in *$'\n'* | *,*) die "BENCH_DATA must not contain newlines or commas" ;; esac

[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 or later (EPOCHREALTIME)"
[ -x /usr/bin/time ] || die "needs GNU time as /usr/bin/time (Debian: apt-get install time)"
/usr/bin/time -f '%M' -o /dev/null true 2>/dev/null || die "/usr/bin/time is not GNU time"
xargs -0 -a /dev/null true 2>/dev/null || die "needs GNU xargs (-0, -a)"
for t in gst-launch-1.0 gst-inspect-1.0; do
  command -v "$t" >/dev/null 2>&1 || die "missing $t (Debian: apt-get install gstreamer1.0-tools)"
done
have() { command -v "$1" >/dev/null 2>&1; }

REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$BENCH_DATA"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd -P)
MEDIA=$BENCH_DATA/media
VIDEOS=$MEDIA/videos

WORK=$(mktemp -d "$BENCH_DATA/media-run.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# GStreamer keeps its plugin registry in $XDG_CACHE_HOME/gstreamer-1.0/. The thumbnail row gets a fresh
# XDG_CACHE_HOME for every run (so no thumbnail is reused), which would also make every run rebuild the
# registry (a plugin scan that no real session pays). Every GStreamer process of this script (peers and
# ours) therefore uses one registry file in $BENCH_DATA, built once below before anything is timed.
export GST_REGISTRY=$BENCH_DATA/gst-registry.bin

# ---------------------------------------------------------------------------------------------------
# vidshelf-cli and its helper

WORKER=
if [ -z "$CLI" ]; then
  B=$REPO/_build-bench
  build_release "$B" "vidshelf-cli and vidshelf-media-worker" vidshelf-cli vidshelf-media-worker
  CLI=$B/src/cli/vidshelf-cli
  WORKER=$B/src/worker/vidshelf-media-worker
fi
if [ ! -f "$CLI" ] || [ ! -x "$CLI" ]; then die "no executable vidshelf-cli at '$CLI'"; fi
CLI=$(cd "$(dirname "$CLI")" && pwd)/$(basename "$CLI")
if [ -z "$WORKER" ]; then
  if [ -n "${VIDSHELF_MEDIA_WORKER:-}" ]; then WORKER=$VIDSHELF_MEDIA_WORKER
  elif [ -x "$(dirname "$CLI")/../worker/vidshelf-media-worker" ]; then
    WORKER=$(cd "$(dirname "$CLI")/../worker" && pwd)/vidshelf-media-worker
  fi
fi
# Pin the helper so the one measured is the one just built, not an installed copy the CLI would prefer.
if [ -n "$WORKER" ]; then
  [ -x "$WORKER" ] || die "no executable helper at '$WORKER'"
  export VIDSHELF_MEDIA_WORKER=$WORKER
  WORKER_DESC=$WORKER
else
  WORKER_DESC="found by the CLI (installed)"
fi

# ---------------------------------------------------------------------------------------------------
# data: the corpus
#
# The same clips as the project's peer harness (make-corpus.sh there), generated with gst-launch-1.0:
# videotestsrc/audiotestsrc with deterministic patterns, waves, sizes, frame rates and durations picked by
# index. Video is forced to I420 before the encoders (x264enc would otherwise pick High 4:4:4 from
# videotestsrc, which avdec_h264 refuses). Audio: 48 kHz, 1920 samples per buffer = 25 buffers per
# second, so durations are exact. Clips are made JOBS-or-nproc at a time into videos.partial (each under
# a temporary name, then renamed, so an interrupted run resumes), then the folder is renamed and a stamp
# written. A corpus with the same parameters is kept; one with other parameters is replaced; a folder
# without our stamp is never touched.

PATTERNS=(smpte ball gradient checkers-8 circular zone-plate bar pinwheel spokes smpte100 colors chroma-zone-plate)
WAVES=(sine square saw triangle sine ticks pink-noise sine)
SIZES=(320x240 640x360 640x480 854x480 1280x720)
FORMATS=(mp4 mkv webm-vp8 webm-vp9 ogg)

audio_src() { # wave_idx seconds
  echo "audiotestsrc wave=${WAVES[$1]} freq=$((220 + 110 * $1)) volume=0.3 samplesperbuffer=1920 num-buffers=$(( $2 * 25 )) ! audio/x-raw,rate=48000,channels=2 ! audioconvert"
}

video_name() { # i -> sets vname (the file name) and fmt size pat wave dur fps
  local i=$1
  fmt=${FORMATS[$(( i % ${#FORMATS[@]} ))]}
  size=${SIZES[$(( (i / 2) % ${#SIZES[@]} ))]}
  pat=${PATTERNS[$(( i % ${#PATTERNS[@]} ))]}
  wave=$(( i % ${#WAVES[@]} ))
  dur=$(( 2 + (i * 7) % 19 ))              # 2..20 s
  fps=$(( i % 3 == 0 ? 30 : 25 ))
  local ext
  case $fmt in mp4) ext=mp4 ;; mkv) ext=mkv ;; webm-*) ext=webm ;; ogg) ext=ogg ;; esac
  vname=$(printf 'v%03d_%s_%s_%ss.%s' "$i" "$fmt" "$size" "$dur" "$ext")
}

make_video() { # i dir
  local i=$1 dir=$2 fmt size pat wave dur fps vname name venc aenc mux
  video_name "$i"
  name=$vname
  local w=${size%x*} h=${size#*x}
  [ -s "$dir/$name" ] && return 0
  case $fmt in
    mp4)      venc="x264enc speed-preset=veryfast key-int-max=$((fps*2)) ! h264parse"; aenc="voaacenc ! aacparse"; mux="mp4mux" ;;
    mkv)      venc="x264enc speed-preset=veryfast key-int-max=$((fps*2)) ! h264parse"; aenc="opusenc"; mux="matroskamux" ;;
    webm-vp8) venc="vp8enc deadline=1 cpu-used=8 keyframe-max-dist=$((fps*2)) target-bitrate=800000"; aenc="vorbisenc"; mux="webmmux" ;;
    webm-vp9) venc="vp9enc deadline=1 cpu-used=8 keyframe-max-dist=$((fps*2)) target-bitrate=800000"; aenc="opusenc"; mux="webmmux" ;;
    ogg)      venc="theoraenc"; aenc="vorbisenc"; mux="oggmux" ;;
  esac
  local tmp="$dir/.tmp-$name"
  # shellcheck disable=SC2086,SC2046  # the pipeline is meant to be split into words
  if ! gst-launch-1.0 -q -e \
      videotestsrc pattern=$pat num-buffers=$(( dur * fps )) \
        ! video/x-raw,width=$w,height=$h,framerate=$fps/1 ! timeoverlay font-desc="Sans 24" \
        ! videoconvert ! video/x-raw,format=I420 \
        ! $venc ! queue ! m. \
      $(audio_src "$wave" "$dur") ! $aenc ! queue ! m. \
      $mux name=m ! filesink location="$tmp" >"$tmp.log" 2>&1 || [ ! -s "$tmp" ]; then
    echo "bench-media: generating $name failed:" >&2; tail -n 5 "$tmp.log" >&2; rm -f "$tmp" "$tmp.log"
    return 1
  fi
  rm -f "$tmp.log"
  mv -f "$tmp" "$dir/$name"
}

make_corpus() {
  local stamp="videos=$N_VIDEOS v1" part=$VIDEOS.partial t0 t1 i n par
  if [ -f "$MEDIA/.media-stamp" ] && [ "$(cat "$MEDIA/.media-stamp")" = "$stamp" ] && [ -d "$VIDEOS" ]; then
    echo "corpus: kept $VIDEOS ($stamp)"
    return 0
  fi
  mkdir -p "$MEDIA"
  if [ -e "$VIDEOS" ]; then
    if [ -f "$MEDIA/.media-stamp" ] || { [ -d "$VIDEOS" ] && [ -z "$(ls -A "$VIDEOS")" ]; }; then rm -rf "$VIDEOS"
    else die "$VIDEOS exists and was not made by this script; not touching it (set BENCH_DATA)"; fi
  fi
  rm -f "$MEDIA/.media-stamp"
  # resume a partial corpus with the same parameters; replace one with other parameters
  if [ -e "$part" ] && { [ ! -f "$MEDIA/.media-partial" ] || [ "$(cat "$MEDIA/.media-partial")" != "$stamp" ]; }; then
    [ -f "$MEDIA/.media-partial" ] || die "$part exists and was not made by this script; not touching it"
    rm -rf "$part"
  fi
  for e in videotestsrc audiotestsrc timeoverlay x264enc h264parse mp4mux matroskamux webmmux oggmux vp8enc \
           vp9enc theoraenc vorbisenc opusenc voaacenc aacparse; do
    gst-inspect-1.0 "$e" >/dev/null 2>&1 || die "missing GStreamer element $e (see tests/bench/README.md for the packages)"
  done
  mkdir -p "$part"
  echo "$stamp" >"$MEDIA/.media-partial"
  par=$(nproc 2>/dev/null || echo 2)
  echo "corpus: generating $N_VIDEOS clips in $VIDEOS ($par at a time) ..."
  t0=${EPOCHREALTIME/./}
  n=0
  for ((i = 0; i < N_VIDEOS; i++)); do
    make_video "$i" "$part" &
    n=$((n + 1))
    if [ "$n" -ge "$par" ]; then wait -n || die "corpus generation failed"; n=$((n - 1)); fi
  done
  while [ "$n" -gt 0 ]; do wait -n || die "corpus generation failed"; n=$((n - 1)); done
  [ "$(find "$part" -maxdepth 1 -type f -name 'v*' ! -name '.*' | wc -l)" = "$N_VIDEOS" ] \
    || die "corpus generation left $(find "$part" -maxdepth 1 -type f -name 'v*' | wc -l) of $N_VIDEOS clips"
  mv "$part" "$VIDEOS"
  rm -f "$MEDIA/.media-partial"
  echo "$stamp" >"$MEDIA/.media-stamp"
  t1=${EPOCHREALTIME/./}
  echo "corpus: made $N_VIDEOS clips ($(du -sm "$VIDEOS" | cut -f1) MB) in $(( (t1 - t0) / 1000000 )) s"
}

echo "== data in $BENCH_DATA"
make_corpus
FILES=()
while IFS= read -r -d '' f; do FILES+=("$f"); done \
  < <(find "$VIDEOS" -maxdepth 1 -type f -name 'v*' ! -name '.*' -print0 | sort -z)
n_videos=${#FILES[@]}
[ "$n_videos" = "$N_VIDEOS" ] || die "$VIDEOS holds $n_videos clips, expected $N_VIDEOS (remove $MEDIA to start over)"
LIST=$WORK/files.list0
printf '%s\0' "${FILES[@]}" >"$LIST"
corpus_mb=$(du -sm "$VIDEOS" | cut -f1)
echo "corpus: $n_videos clips, $corpus_mb MB"

echo "gstreamer registry: $GST_REGISTRY"
gst-inspect-1.0 >/dev/null 2>&1 || die "gst-inspect-1.0 failed to build the registry"

# ---------------------------------------------------------------------------------------------------
# treepeak: runs a command and samples /proc/<pid>/status VmHWM of it and of all its descendants every
# 2 ms (children from /proc/<pid>/task/<tid>/children, so helpers spawned by any thread are seen). VmHWM
# is the process's own peak RSS and only grows, so the last sample before a process ends misses at most
# 2 ms of growth. A name change (exec) restarts that process's peak: the moment between fork and exec,
# when the child is a copy of the CLI, is not counted as the helper's. Also prints ru_maxrss from wait4
# on the CLI, which on Linux is the largest of the CLI and every child it reaped: an exact upper bound
# to cross-check the sampled peaks.

TREEPEAK=
have_cc=
for c in cc gcc clang; do have "$c" && { have_cc=$c; break; }; done
if [ -n "$have_cc" ]; then
  cat >"$WORK/treepeak.c" <<'EOF'
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXP 4096
struct proc { int pid, ppid, depth; long hwm; char name[32]; };
static struct proc procs[MAXP];
static int nprocs;

static struct proc *get (int pid)
{
  for (int i = 0; i < nprocs; i++)
    if (procs[i].pid == pid) return &procs[i];
  if (nprocs == MAXP) return NULL;
  memset (&procs[nprocs], 0, sizeof procs[0]);
  procs[nprocs].pid = pid;
  return &procs[nprocs++];
}

static void sample (int pid, int ppid, int depth)
{
  char path[96], line[256], name[32] = "";
  long hwm = -1;
  FILE *f;
  DIR *d;
  struct dirent *e;
  struct proc *p;

  snprintf (path, sizeof path, "/proc/%d/status", pid);
  if ((f = fopen (path, "r")) == NULL) return;
  while (fgets (line, sizeof line, f)) {
    if (strncmp (line, "Name:", 5) == 0) sscanf (line + 5, " %31[^\n]", name);
    else if (strncmp (line, "VmHWM:", 6) == 0) hwm = strtol (line + 6, NULL, 10);
  }
  fclose (f);
  if (hwm < 0 || (p = get (pid)) == NULL) return;      /* a zombie has no VmHWM */
  if (strcmp (p->name, name) != 0) { strcpy (p->name, name); p->hwm = 0; }   /* exec: new image */
  p->ppid = ppid; p->depth = depth;
  if (hwm > p->hwm) p->hwm = hwm;
  snprintf (path, sizeof path, "/proc/%d/task", pid);
  if ((d = opendir (path)) == NULL) return;
  while ((e = readdir (d)) != NULL) {
    int child;
    if (e->d_name[0] == '.') continue;
    snprintf (path, sizeof path, "/proc/%d/task/%s/children", pid, e->d_name);
    if ((f = fopen (path, "r")) == NULL) continue;
    while (fscanf (f, "%d", &child) == 1) sample (child, pid, depth + 1);
    fclose (f);
  }
  closedir (d);
}

int main (int argc, char **argv)
{
  struct timespec ts = { 0, 2000000 };
  struct rusage ru;
  int status = 0, pid;
  FILE *out;

  if (argc < 3) { fprintf (stderr, "usage: treepeak OUT CMD...\n"); return 2; }
  if ((pid = fork ()) < 0) { perror ("fork"); return 2; }
  if (pid == 0) { execvp (argv[2], argv + 2); perror (argv[2]); _exit (127); }
  for (;;) {
    sample (pid, getpid (), 0);
    if (wait4 (pid, &status, WNOHANG, &ru) == pid) break;
    nanosleep (&ts, NULL);
  }
  if ((out = fopen (argv[1], "w")) == NULL) { perror (argv[1]); return 2; }
  for (int i = 0; i < nprocs; i++)
    fprintf (out, "proc %d %d %d %ld %s\n", procs[i].pid, procs[i].ppid, procs[i].depth, procs[i].hwm, procs[i].name);
  fprintf (out, "rusage %ld\n", ru.ru_maxrss);
  fclose (out);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}
EOF
  if "$have_cc" -O2 -o "$WORK/treepeak" "$WORK/treepeak.c" 2>"$WORK/treepeak.log"; then TREEPEAK=$WORK/treepeak
  else echo "bench-media: could not compile the RSS sampler; no per-process rows" >&2; cat "$WORK/treepeak.log" >&2; fi
else
  echo "bench-media: no C compiler; no per-process RSS rows" >&2
fi

# ---------------------------------------------------------------------------------------------------
# measuring

XDG_RUN=$WORK/xdg            # the CLI's XDG_CACHE_HOME for the run about to start
THUMB_RUNS=$WORK/thumb-runs  # every finished CLI thumbnail run's cache, kept for the checks
PEER_OUT=$WORK/peer-thumbs
mkdir -p "$THUMB_RUNS"
n_thumb_runs=0
# file_cache: keep the last run's cache for the checks; fresh_cache: that, then an empty XDG_CACHE_HOME
file_cache() {
  if [ -d "$XDG_RUN" ]; then
    mv "$XDG_RUN" "$THUMB_RUNS/run$n_thumb_runs"; n_thumb_runs=$((n_thumb_runs + 1))
  fi
}
fresh_cache() { file_cache; mkdir -p "$XDG_RUN"; }
run_pre() {
  case $1 in
    -) ;;
    fresh_cache) fresh_cache ;;
    peer_out) rm -rf "$PEER_OUT"; mkdir -p "$PEER_OUT" ;;
    *) die "unknown pre hook $1" ;;
  esac
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A LABEL WALL CPU PEAK RATE RC UNIT
ORDER=()
# measure KEY LABEL COUNT UNIT PRE OUT CMD...
#   PRE: untimed hook before every run (the warm-up included): - | fresh_cache | peer_out
#   OUT: file collecting the stdout of the timed runs (appended), or - for /dev/null
# Wall time is taken around /usr/bin/time with bash's microsecond clock (GNU time's %e has 10 ms steps);
# cpu = %U + %S of the whole tree (children included); peak = the largest %M over the runs, which is the
# peak RSS of the largest single process: wait4 reports the larger of the process's own and that of any
# child it reaped, so for xargs rows it is the largest thumbnailer / prober process.
measure() {
  local key=$1 label=$2 count=$3 unit=$4 pre=$5 out=$6
  shift 6
  local tf=$WORK/time.out ef=$WORK/stderr.$key i t0 t1 u s m x rc=0
  local walls=() cpus=() peaks=()
  [ "$out" = - ] && out=/dev/null
  [ "$out" = /dev/null ] || : >"$out"
  : >"$ef"
  if [ "$WARMUP" != 0 ]; then
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
  RATE[$key]=$(awk -v n="$count" -v w="${WALL[$key]}" 'BEGIN { printf "%.1f", (w > 0 ? n / w : 0) }')
  ORDER+=("$key")
  printf '  %-52s wall %7.3f s  cpu %6.2f s  peak %7.1f MiB  %7.1f %s/s  (walls: %s)%s\n' "$label" "${WALL[$key]}" \
    "${CPU[$key]}" "${PEAK[$key]}" "${RATE[$key]}" "$unit" \
    "$(printf '%s\n' "${walls[@]}" | awk '{ printf "%s%.3f", (NR > 1 ? " " : ""), $1 / 1e6 }')" \
    "$([ "$rc" = 0 ] || echo "  (exit $rc)")"
  if [ "$rc" != 0 ]; then sed 's/^/    | /' "$ef" | tail -n 10; fi
}

NOTES=()
note() { NOTES+=("note  $*"); echo "  note: $*"; }
count_pngs() { find "$1" -type f -name '*.png' -size +0 | wc -l; }

# one process per file, JOBS at a time, like the peer harness (sh -c 'exec ...' puts the output name together)
# shellcheck disable=SC2016  # expanded by sh -c, not here
FFMT=(xargs -0 -a "$LIST" -n 1 -P "$JOBS" sh -c 'exec ffmpegthumbnailer -i "$1" -o "$0/${1##*/}.png" -s 256' "$PEER_OUT")
# shellcheck disable=SC2016
TOTEM=(xargs -0 -a "$LIST" -n 1 -P "$JOBS" sh -c 'exec totem-video-thumbnailer -s 256 "$1" "$0/${1##*/}.png"' "$PEER_OUT")
OURS_TH=(env XDG_CACHE_HOME="$XDG_RUN" "$CLI" thumbnail --size large --jobs "$JOBS" "${FILES[@]}")
DISC1=(xargs -0 -a "$LIST" -n 1 gst-discoverer-1.0)
DISCN=(gst-discoverer-1.0 "${FILES[@]}")
# shellcheck disable=SC2054  # ffprobe's own comma list
FFPROBE=(xargs -0 -a "$LIST" -n 1 ffprobe -v error -show_entries format=filename,duration -of csv=p=0)
OURS_PR=("$CLI" probe --json --jobs "$JOBS" "${FILES[@]}")

# other work on the machine skews every row: how busy were the CPUs over 1 s while this script idled?
cpu_busy() { awk '/^cpu / { idle = $5 + $6; t = 0; for (i = 2; i <= NF; i++) t += $i; print t, idle }' /proc/stat; }
idle_busy() { # how busy the CPUs are over one second while this script sleeps
  local t0 i0 t1 i1
  [ -r /proc/stat ] || { echo '?'; return; }
  read -r t0 i0 < <(cpu_busy); sleep 1; read -r t1 i1 < <(cpu_busy)
  awk -v t="$((t1 - t0))" -v i="$((i1 - i0))" 'BEGIN { printf "%.0f %%", (t > 0 ? 100 * (t - i) / t : 0) }'
}
BUSY_BEFORE=$(idle_busy)
echo
echo "== timing: $REPS runs per row, warm-up $WARMUP, $JOBS at a time for the parallel rows"
echo "thumbnails ($n_videos clips, 256 px):"
if have ffmpegthumbnailer; then
  measure ffmt "ffmpegthumbnailer -s 256, $JOBS processes" "$n_videos" thumbs peer_out - "${FFMT[@]}"
  note "ffmpegthumbnailer: $(count_pngs "$PEER_OUT")/$n_videos PNGs in the last run"
else note "ffmpegthumbnailer not installed: row skipped (Debian: apt-get install ffmpegthumbnailer)"; fi
if have totem-video-thumbnailer; then
  measure totem "totem-video-thumbnailer -s 256, $JOBS processes" "$n_videos" thumbs peer_out - "${TOTEM[@]}"
  note "totem-video-thumbnailer: $(count_pngs "$PEER_OUT")/$n_videos PNGs in the last run"
else note "totem-video-thumbnailer not installed: row skipped (Debian: apt-get install totem)"; fi
rm -rf "$PEER_OUT"
measure ours_th "vidshelf-cli thumbnail --size large --jobs $JOBS" "$n_videos" thumbs fresh_cache \
  "$WORK/ours_th.out" "${OURS_TH[@]}"
file_cache   # the last timed run's cache joins the others

echo "probing ($n_videos clips):"
if have gst-discoverer-1.0; then
  measure disc1 "gst-discoverer-1.0, one process per file" "$n_videos" files - "$WORK/disc1.out" "${DISC1[@]}"
  measure discn "gst-discoverer-1.0, one process for all files" "$n_videos" files - "$WORK/discn.out" "${DISCN[@]}"
else note "gst-discoverer-1.0 not installed: rows skipped (Debian: apt-get install gstreamer1.0-plugins-base-apps)"; fi
if have ffprobe; then
  measure ffprobe "ffprobe, one process per file" "$n_videos" files - "$WORK/ffprobe.out" "${FFPROBE[@]}"
else note "ffprobe not installed: row skipped (Debian: apt-get install ffmpeg)"; fi
measure ours_pr "vidshelf-cli probe --json --jobs $JOBS" "$n_videos" files - "$WORK/ours_pr.out" "${OURS_PR[@]}"

# process tree RSS: REPS more (untimed) runs of each of our rows under treepeak
declare -A TP_CLI TP_TOP TP_ONE TP_SUM TP_NH TP_RU TP_HELPERS TP_SMAX
treepeak_row() { # KEY PRE CMD...
  local key=$1 pre=$2 i f cli top sum nh ru one list smax
  shift 2
  TP_SMAX[$key]=0 TP_CLI[$key]=0 TP_TOP[$key]=0 TP_ONE[$key]=0 TP_SUM[$key]=0 TP_NH[$key]=0 TP_RU[$key]=0 TP_HELPERS[$key]=
  for ((i = 0; i < REPS; i++)); do
    run_pre "$pre"
    f=$WORK/treepeak.$key.$i
    "$TREEPEAK" "$f" "$@" >/dev/null 2>>"$WORK/stderr.treepeak" || true
    [ -s "$f" ] || continue
    # depth 0 = the CLI, depth >= 1 = its helpers (and anything they start). wait4's figure is the exact
    # peak of the largest process the CLI reaped (or of the CLI); when it is above every sampled value,
    # the sampler missed the end of that process's life: the largest helper is raised to it (and the sum
    # with it), so a helper's peak is never under-reported.
    read -r cli top sum nh ru list < <(awk '
      $1 == "proc" && $4 == 0 { cli = $5 }
      $1 == "proc" && $4 >= 1 { n++; s += $5; if ($5 > top) top = $5; l = l (l == "" ? "" : ",") sprintf("%.1f", $5 / 1024) }
      $1 == "rusage" { ru = $2 }
      END {
        if (n > 0 && ru > top && ru > cli) { s += ru - top; top = ru }
        printf "%d %d %d %d %d %s\n", cli, top, cli + s, n, ru, (l == "" ? "-" : l) }' "$f")
    one=$((cli + top))
    [ "$cli" -gt "${TP_CLI[$key]}" ] && TP_CLI[$key]=$cli
    [ "$top" -gt "${TP_TOP[$key]}" ] && TP_TOP[$key]=$top
    [ "$one" -gt "${TP_ONE[$key]}" ] && TP_ONE[$key]=$one
    [ "$sum" -gt "${TP_SUM[$key]}" ] && TP_SUM[$key]=$sum
    [ "$nh" -gt "${TP_NH[$key]}" ] && TP_NH[$key]=$nh
    [ "$ru" -gt "${TP_RU[$key]}" ] && TP_RU[$key]=$ru
    smax=$(awk '$1 == "proc" && $5 > m { m = $5 } END { print m + 0 }' "$f")
    [ "$smax" -gt "${TP_SMAX[$key]}" ] && TP_SMAX[$key]=$smax
    TP_HELPERS[$key]="${TP_HELPERS[$key]}${TP_HELPERS[$key]:+ / }$list"
  done
  printf '  %-52s CLI %6.1f MiB, largest helper %6.1f MiB (sampled, helpers per run: %s MiB), CLI + largest helper %6.1f MiB, sum %6.1f MiB; wait4 max %6.1f MiB\n' \
    "${LABEL[$key]}" "$(mib "${TP_CLI[$key]}")" "$(mib "${TP_TOP[$key]}")" "${TP_HELPERS[$key]}" \
    "$(mib "${TP_ONE[$key]}")" "$(mib "${TP_SUM[$key]}")" "$(mib "${TP_RU[$key]}")"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
if [ -n "$TREEPEAK" ]; then
  echo "process tree peak RSS ($REPS untimed runs each, /proc VmHWM sampled every 2 ms):"
  treepeak_row ours_th fresh_cache "${OURS_TH[@]}"
  file_cache
  treepeak_row ours_pr - "${OURS_PR[@]}"
fi

# ---------------------------------------------------------------------------------------------------
# checks

FAILS=0
CHECKS=()
check() {   # check OK TEXT
  local line
  if [ "$1" = 1 ]; then line="PASS  $2"; else line="FAIL  $2"; FAILS=$((FAILS + 1)); fi
  CHECKS+=("$line")
}

# thumbnails: every run of ours (warm-up, timed and sampled runs) made one PNG per clip
runs_ok=0 counts=()
for d in "$THUMB_RUNS"/run*; do
  c=0; [ -d "$d/thumbnails/large" ] && c=$(count_pngs "$d/thumbnails/large")
  counts+=("$c"); [ "$c" = "$n_videos" ] && runs_ok=$((runs_ok + 1))
done
n_runs=${#counts[@]}
ok=0; [ "$n_runs" -gt 0 ] && [ "$runs_ok" = "$n_runs" ] && [ "${RC[ours_th]}" = 0 ] && ok=1
check $ok "vidshelf-cli thumbnail: $n_videos/$n_videos PNGs in thumbnails/large in $runs_ok of $n_runs runs (counts: $(printf '%s\n' "${counts[@]}" | sort -u | paste -sd/ -)), exit ${RC[ours_th]}"
printed=$(grep -c '\.png$' "$WORK/ours_th.out" || true)
ok=0; [ "$printed" = $((n_videos * REPS)) ] && ok=1
check $ok "vidshelf-cli thumbnail printed $printed PNG paths over $REPS timed runs (expected $((n_videos * REPS)))"
fails=$(find "$THUMB_RUNS" -path '*/thumbnails/fail/*' -type f | wc -l)
ok=0; [ "$fails" = 0 ] && ok=1
check $ok "vidshelf-cli thumbnail: $fails fail markers (thumbnails/fail) over $n_runs runs"

# each PNG: long side <= 256 px, Thumb::URI present, a corpus clip's URI, file name md5(URI).png
if have python3; then
  while IFS=$'\t' read -r ok text; do check "$ok" "$text"; done < <(python3 - "$THUMB_RUNS" "$VIDEOS" 256 <<'EOF'
import glob, hashlib, os, struct, sys, zlib, urllib.parse

runs, videos, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])

def png_info(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        return None
    pos, w, h, keys = 8, 0, 0, {}
    while pos + 8 <= len(data):
        length, ctype = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if ctype == b'IHDR':
            w, h = struct.unpack('>II', body[:8])
        elif ctype == b'tEXt':
            k, _, v = body.partition(b'\0')
            keys[k.decode('latin-1')] = v.decode('latin-1')
        elif ctype == b'zTXt':
            k, _, v = body.partition(b'\0')
            keys[k.decode('latin-1')] = zlib.decompress(v[1:]).decode('latin-1')
        elif ctype == b'iTXt':
            k, _, rest = body.partition(b'\0')
            comp, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b'\0')
            _, _, text = rest.partition(b'\0')
            keys[k.decode('latin-1')] = (zlib.decompress(text) if comp else text).decode('utf-8')
        elif ctype == b'IEND':
            break
        pos += 12 + length
    return w, h, keys

want = {'file://' + urllib.parse.quote(os.path.abspath(p)) for p in glob.glob(os.path.join(videos, 'v*'))}
pngs = sorted(glob.glob(os.path.join(runs, 'run*', 'thumbnails', 'large', '*.png')))
sides, bad_png, no_uri, foreign, bad_name, too_big = [], [], [], [], [], []
missing = 0
for run in sorted(glob.glob(os.path.join(runs, 'run*'))):
    got = set()
    for p in glob.glob(os.path.join(run, 'thumbnails', 'large', '*.png')):
        info = png_info(p)
        if info is None:
            bad_png.append(p); continue
        w, h, keys = info
        sides.append(max(w, h))
        if max(w, h) > limit or min(w, h) < 1:
            too_big.append('%s %dx%d' % (os.path.basename(p), w, h))
        uri = keys.get('Thumb::URI')
        if uri is None:
            no_uri.append(p); continue
        got.add(uri)
        if uri not in want:
            foreign.append(uri)
        if os.path.basename(p) != hashlib.md5(uri.encode()).hexdigest() + '.png':
            bad_name.append(p)
    missing += len(want - got)

def line(ok, text):
    print('%d\t%s' % (1 if ok else 0, text))

n = len(pngs)
line(n > 0 and not bad_png and not too_big,
     '%d PNGs from vidshelf-cli (all runs): long side %s px (limit %d)%s%s' % (
         n, ('%d..%d' % (min(sides), max(sides))) if sides else '-', limit,
         ('; not PNG: %d' % len(bad_png)) if bad_png else '',
         ('; too big: ' + ', '.join(too_big[:3])) if too_big else ''))
line(n > 0 and not no_uri and not foreign and not bad_name and missing == 0,
     '%d PNGs carry Thumb::URI: %d without, %d not a corpus clip, %d not named md5(URI).png, %d clip-runs without a thumbnail' % (
         n, len(no_uri), len(foreign), len(bad_name), missing))
EOF
  )
elif have identify; then
  bad=0 nouri=0 n=0 maxside=0
  while IFS=' ' read -r w h uri; do
    n=$((n + 1)); s=$(( w > h ? w : h )); [ "$s" -gt "$maxside" ] && maxside=$s
    [ "$s" -le 256 ] || bad=$((bad + 1)); [ -n "$uri" ] || nouri=$((nouri + 1))
  done < <(find "$THUMB_RUNS" -path '*/thumbnails/large/*.png' -exec identify -format '%w %h %[Thumb::URI]\n' {} + 2>/dev/null)
  ok=0; [ "$n" -gt 0 ] && [ "$bad" = 0 ] && ok=1
  check $ok "$n PNGs from vidshelf-cli (all runs): largest long side $maxside px (limit 256), $bad too big (identify)"
  ok=0; [ "$n" -gt 0 ] && [ "$nouri" = 0 ] && ok=1
  check $ok "$n PNGs carry Thumb::URI: $nouri without (identify)"
else
  NOTES+=("note  neither python3 nor identify (imagemagick) found: PNG size and Thumb::URI not checked")
fi

# durations: ours within 100 ms of ffprobe's and gst-discoverer's, for every clip and every timed run
# (keyed by file name: the corpus names are plain ASCII and unique)
sed -n 's/.*"path":"\([^"]*\)".*"duration_ms":\([0-9-]*\|null\).*/\1 \2/p' "$WORK/ours_pr.out" \
  | awk '{ n = $1; sub(/.*\//, "", n); print n, $2 }' >"$WORK/dur.ours"
dur_check() { # REFFILE PEERNAME
  local res ok
  res=$(awk -v want="$n_videos" -v reps="$REPS" '
    FNR == NR { if (!($1 in ref)) ref[$1] = $2; next }
    { seen[$1]++
      if (!($1 in ref)) { noref++; next }
      if ($2 == "null" || $2 == "") { nodur++; next }
      d = $2 - ref[$1]; if (d < 0) d = -d
      if (d > worst) { worst = d; wf = $1 }
      if (d > 100) bad++ }
    END {
      for (f in ref) nref++
      for (f in seen) { nseen++; if (seen[f] != reps) short++ }
      ok = (nseen == want && nref == want && !short && !noref && !nodur && !bad)
      printf "%d\t%d/%d clips, %d with a reference, worst |diff| %d ms (%s), %d values over 100 ms, %d without a duration, %d not seen in all %d runs\n", \
        ok, nseen, want, nref, worst, (wf == "" ? "-" : wf), bad, nodur, short, reps }' "$1" "$WORK/dur.ours")
  ok=${res%%$'\t'*}
  check "$ok" "vidshelf-cli probe durations vs $2: ${res#*$'\t'}"
}
if [ -s "$WORK/ffprobe.out" ]; then
  # "path,duration" in seconds
  awk -F, '$2 ~ /^[0-9.]+$/ { n = $1; sub(/.*\//, "", n); printf "%s %.0f\n", n, $2 * 1000 }' "$WORK/ffprobe.out" >"$WORK/dur.ffprobe"
  dur_check "$WORK/dur.ffprobe" "ffprobe (format duration)"
fi
disc_out=
[ -s "$WORK/discn.out" ] && disc_out=$WORK/discn.out
[ -z "$disc_out" ] && [ -s "$WORK/disc1.out" ] && disc_out=$WORK/disc1.out
if [ -n "$disc_out" ]; then
  # "Analyzing file:///...", later "Duration: H:MM:SS.nnnnnnnnn"
  awk '/^Analyzing / { n = $2; sub(/.*\//, "", n) }
       /^ *Duration: / && n != "" { split($2, t, ":"); printf "%s %.0f\n", n, (t[1] * 3600 + t[2] * 60 + t[3]) * 1000; n = "" }' \
    "$disc_out" >"$WORK/dur.disc"
  dur_check "$WORK/dur.disc" "gst-discoverer-1.0"
fi
[ -s "$WORK/ffprobe.out" ] || [ -n "$disc_out" ] || NOTES+=("note  neither ffprobe nor gst-discoverer-1.0 ran: durations not checked")

# cross-check of the RSS sampler: wait4's maxrss is exact and covers the CLI and every reaped helper
if [ -n "$TREEPEAK" ]; then
  for key in ours_th ours_pr; do
    big=${TP_SMAX[$key]}
    ok=0; [ "$big" -gt 0 ] && [ "${TP_NH[$key]}" -ge 1 ] && [ $(( TP_RU[$key] - big )) -le 4096 ] && ok=1
    check $ok "${LABEL[$key]}: largest sampled process $(mib "$big") MiB vs wait4 maxrss $(mib "${TP_RU[$key]}") MiB (the sampler misses at most 4 MiB; the helper rows use the larger), ${TP_NH[$key]} helper(s) seen"
  done
fi

# ---------------------------------------------------------------------------------------------------
# table

declare -A RATIO TARGET MET
for key in "${ORDER[@]}"; do RATIO[$key]="(peer)" TARGET[$key]="" MET[$key]=""; done
speed_vs() { # KEY PEER FACTOR PEERNAME
  local key=$1 peer=$2 f=$3 name=$4 r
  TARGET[$key]=">= ${f}x $name"
  if [ -z "${LABEL[$peer]:-}" ]; then RATIO[$key]="n/a"; MET[$key]="n/a (peer missing)"; return; fi
  r=$(awk -v a="${WALL[$key]}" -v b="${WALL[$peer]}" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "inf" }')
  RATIO[$key]="${r}x $name"
  MET[$key]=$(awk -v r="$r" -v f="$f" 'BEGIN { print (r == "inf" || r + 0 >= f) ? "yes" : "NO" }')
  [ "${RC[$key]}" = 0 ] || MET[$key]="NO (exit ${RC[$key]})"
}
speed_vs ours_th ffmt 2 "ffmpegthumbnailer"
speed_vs ours_pr discn 1.5 "gst-discoverer (one process)"

TSV=$WORK/table.tsv
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$TSV"; }
printf 'row\twall s\tcpu s\tpeak MiB\trate\tratio vs peer\ttarget\tmet\n' >"$TSV"
for key in "${ORDER[@]}"; do
  label=${LABEL[$key]}
  [ "${RC[$key]}" = 0 ] || label="$label (exit ${RC[$key]})"
  row "$label" "${WALL[$key]}" "${CPU[$key]}" "${PEAK[$key]}" "${RATE[$key]} ${UNIT[$key]}/s" \
    "${RATIO[$key]}" "${TARGET[$key]}" "${MET[$key]}"
done
if [ -n "$TREEPEAK" ]; then
  ref=${PEAK[ffmt]:-}
  rss_row() { # LABEL KIB TARGETED
    local r="" t="" m=""
    if [ -n "$ref" ]; then
      r=$(awk -v a="$2" -v b="$ref" 'BEGIN { printf "%.2fx one ffmpegthumbnailer", a / 1024 / b }')
      if [ "$3" = 1 ]; then
        t="<= 1.5x one ffmpegthumbnailer ($(awk -v b="$ref" 'BEGIN { printf "%.1f", 1.5 * b }') MiB)"
        m=$(awk -v a="$2" -v b="$ref" 'BEGIN { print (a / 1024 <= 1.5 * b) ? "yes" : "NO" }')
      fi
    elif [ "$3" = 1 ]; then r="n/a"; t="<= 1.5x one ffmpegthumbnailer"; m="n/a (peer missing)"; fi
    row "$1" "" "" "$(mib "$2")" "" "$r" "$t" "$m"
  }
  rss_row "vidshelf-cli thumbnail: CLI process alone" "${TP_CLI[ours_th]}" 0
  rss_row "vidshelf-cli thumbnail: largest helper" "${TP_TOP[ours_th]}" 0
  rss_row "vidshelf-cli thumbnail: CLI + largest helper" "${TP_ONE[ours_th]}" 1
  rss_row "vidshelf-cli thumbnail: CLI + all ${TP_NH[ours_th]} helpers (sum of peaks)" "${TP_SUM[ours_th]}" 0
  rss_row "vidshelf-cli probe: CLI + largest helper" "${TP_ONE[ours_pr]}" 0
  rss_row "vidshelf-cli probe: CLI + all ${TP_NH[ours_pr]} helpers (sum of peaks)" "${TP_SUM[ours_pr]}" 0
fi

commit=unknown
if command -v git >/dev/null 2>&1 && git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -z "$(git -C "$REPO" status --porcelain 2>/dev/null | head -n 1)" ] || commit="$commit (modified)"
fi
versions=$(printf 'GStreamer %s' "$(gst-inspect-1.0 --version 2>/dev/null | sed -n 's/^GStreamer //p' | head -n 1)")
have ffprobe && versions="$versions, FFmpeg $(ffprobe -version 2>/dev/null | sed -n '1s/^ffprobe version \([^ ]*\).*/\1/p')"
have ffmpegthumbnailer && versions="$versions, ffmpegthumbnailer $(ffmpegthumbnailer -v 2>&1 | sed -n 's/.*version: *//p' | head -n 1)"
have dpkg-query && dpkg-query -W totem >/dev/null 2>&1 && versions="$versions, totem $(dpkg-query -W -f '${Version}' totem)"
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
fs_type=$(df -PT "$BENCH_DATA" 2>/dev/null | awk 'NR == 2 { print $2 }' || true)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
BUSY_AFTER=$(idle_busy)
CAPTION=(
  "vidshelf $commit: $CLI, helper $WORKER_DESC"
  "data: $n_videos clips ($corpus_mb MB; 2-20 s, 320x240-1280x720; H.264+AAC/MP4, H.264+Opus/MKV, VP8+Vorbis/WebM, VP9+Opus/WebM, Theora+Vorbis/Ogg) in $VIDEOS"
  "method: median of $REPS runs, warm-up $WARMUP, page cache warm, $JOBS processes/helpers at a time for the parallel rows; peak MiB = largest single process (GNU time %M, largest over the runs); a fresh XDG_CACHE_HOME for every vidshelf-cli thumbnail run, one shared GStreamer registry (GST_REGISTRY) for all GStreamer rows"
  "process-tree rows: VmHWM of the CLI and of each helper, sampled every 2 ms over $REPS more runs (largest over the runs), the largest helper raised to wait4's exact maxrss when the sampler came in below it; the sum adds per-process peaks, an upper bound of the simultaneous total"
  "versions: $versions"
  "machine: $(nproc) CPU ${cpu_model:-?}, ${mem:-?}, $(uname -sr), data on ${fs_type:-?}, CPUs $BUSY_BEFORE busy in an idle second before the timing, $BUSY_AFTER after it"
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
      for (i = 1; i <= nf; i++) {
        fmt = (i >= 2 && i <= 5) ? "%" w[i] "s" : "%-" w[i] "s"
        line = line (i > 1 ? "  " : "") sprintf(fmt, c[r, i])
      }
      sub(/ +$/, "", line); print line
      if (r == 1) { line = ""; for (i = 1; i <= nf; i++) { d = sprintf("%" w[i] "s", ""); gsub(/ /, "-", d); line = line (i > 1 ? "  " : "") d } print line }
    }
  }' "$TSV"
echo
printf '%s\n' "${CHECKS[@]}" ${NOTES[@]+"${NOTES[@]}"}

echo
echo "== Markdown"
echo
awk -F'\t' '
  { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
    if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line ((i >= 2 && i <= 5) ? "---:|" : "---|"); print line } }' "$TSV"
echo
for c in "${CAPTION[@]}" "${CHECKS[@]}" ${NOTES[@]+"${NOTES[@]}"}; do echo "- $c"; done

if [ "$FAILS" -gt 0 ]; then
  echo
  echo "bench-media: $FAILS check(s) failed" >&2
  exit 1
fi
