#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-duplicates.sh - duplicates (issue 20): the quality of the groups on a generated
# set of distinct videos and their copies, the speed of our fingerprints next to Stash's way
# (25 ffmpeg seeks a video at 160 px) in one run, and grouping 100,000 synthetic fingerprints.
#
# Run by hand from a clone, never in CI. Builds a release vidshelf-cli, vidshelf-media-worker and
# vs-bench-duplicates in <repo>/_build-bench (or uses --cli PATH, with the helper beside it and
# vs-bench-duplicates in its build's tests/bench), generates the set under
# $BENCH_DATA/duplicates/gen-vN (once, keyed by the generator's version; bench-duplicates.py),
# then prints the results: text, then Markdown.
#
# Usage: tests/bench/bench-duplicates.sh [--cli PATH]
# Env:   BENCH_DATA (/tmp/vidshelf-bench)  SOURCES (30; 6 for a quick run)  JOBS (2: videos at once,
#        ours and ffmpeg's)  N_VIDEOS (100000: the scale part)  N_GROUPS (300)
#        SKIP ("quality speed scale": parts to leave out)  GENERATE_ONLY (1: make the set and stop)
#        BENCH_LOCK (a file: each source is generated holding flock on it)
#        KEEP (1: keep the run's folder: the library, the JSON outputs, every pair's distance)
# Exit:  0 when the checks pass (missed targets are reported, not fatal), 1 when a check fails or
#        something cannot run, 2 on a usage error.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: tests/bench/bench-duplicates.sh [--cli PATH]

  --cli PATH   vidshelf-cli to measure (default: build a release one in <repo>/_build-bench). Its
               helper is ../worker/vidshelf-media-worker next to it, or $VIDSHELF_MEDIA_WORKER.

Env: BENCH_DATA (/tmp/vidshelf-bench)  SOURCES (30; 6 for a quick run)  JOBS (2)
     N_VIDEOS (100000)  N_GROUPS (300)  SKIP ("quality speed scale")  GENERATE_ONLY (1)
     BENCH_LOCK (generate each source holding flock on this file)  KEEP (1: keep the run's files)
EOF
}
die() { echo "bench-duplicates: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
parse_cli_args bench-duplicates "$@"

BENCH_DATA=${BENCH_DATA:-/tmp/vidshelf-bench}
SOURCES=${SOURCES:-30}
JOBS=${JOBS:-2}
N_VIDEOS=${N_VIDEOS:-100000}
N_GROUPS=${N_GROUPS:-300}
SKIP=" ${SKIP:-} "
for v in SOURCES JOBS N_VIDEOS N_GROUPS; do
  [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] || { echo "bench-duplicates: $v must be a whole number ≥ 1" >&2; exit 2; }
done
[ "$SOURCES" -le 99 ] || { echo "bench-duplicates: SOURCES must be at most 99" >&2; exit 2; }
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 or later (EPOCHREALTIME)"
have() { command -v "$1" >/dev/null 2>&1; }
skip() { [[ $SKIP == *" $1 "* ]]; }

missing=()
have ffmpeg || missing+=(ffmpeg)
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
for t in gst-launch-1.0 gst-inspect-1.0 python3 ffprobe; do have "$t" || die "missing $t"; done

REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$BENCH_DATA"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd -P)
GEN_VERSION=$(python3 -c 'import importlib.util, sys
s = importlib.util.spec_from_file_location("g", sys.argv[1]); m = importlib.util.module_from_spec(s)
s.loader.exec_module(m); print(m.GENERATOR_VERSION)' "$HERE/bench-duplicates.py")
SET=$BENCH_DATA/duplicates/gen-v$GEN_VERSION
WORK=$(mktemp -d "$BENCH_DATA/duplicates-run.XXXXXX")
cleanup() { if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export GST_REGISTRY=$BENCH_DATA/gst-registry.bin

FAILS=0
check() { # OK MESSAGE
  if [ "$1" = 1 ]; then echo "PASS  $2"; else echo "FAIL  $2"; FAILS=$((FAILS + 1)); fi
}
MD=()   # the Markdown printed at the end

# ---------------------------------------------------------------------------------------------------
# the set

if ! skip quality || ! skip speed; then
  echo "== the set: $SOURCES sources and their copies in $SET"
  gst-inspect-1.0 >/dev/null 2>&1 || true
  for e in videotestsrc videocrop videoflip videoscale compositor concat x264enc h264parse avdec_h264 \
    mp4mux qtdemux matroskamux hlssink2 tsdemux multifilesrc; do
    gst-inspect-1.0 "$e" >/dev/null 2>&1 || die "missing GStreamer element $e"
  done
  python3 "$HERE/bench-duplicates.py" generate "$SET" "$SOURCES" 1 || die "generating the set failed"
  [ -z "${GENERATE_ONLY:-}" ] || { echo "the set is ready (GENERATE_ONLY)"; exit 0; }
  # this run's sources, hard-linked (the set may hold more of them than SOURCES)
  mkdir -p "$WORK/set"
  for ((i = 0; i < SOURCES; i++)); do
    s=$(printf 's%02d' "$i")
    cp -al "$SET/$s" "$WORK/set/$s" 2>/dev/null || cp -a "$SET/$s" "$WORK/set/$s"
    rm -f "$WORK/set/$s/gen.log" "$WORK/set/$s/plan.txt"
  done
  n_items=$(( $(find "$WORK/set" -maxdepth 2 -type f \( -name '*.mp4' -o -name '*.mkv' \) | wc -l) + $(find "$WORK/set" -name '*.m3u8' | wc -l) ))
  secs=$(for f in "$WORK"/set/*/orig.mp4; do ffprobe -v error -show_entries format=duration -of csv=p=0 "$f"; done | awk '{ s += $1 } END { printf "%.0f", s }')
  echo "   $SOURCES sources, $n_items items, $secs s of source video"
fi

# ---------------------------------------------------------------------------------------------------
# the programs

SCALE=
if [ -z "$CLI" ]; then
  B=$REPO/_build-bench
  build_release "$B" "vidshelf-cli, vidshelf-media-worker and vs-bench-duplicates" \
    vidshelf-cli vidshelf-media-worker vs-bench-duplicates
  CLI=$B/src/cli/vidshelf-cli
  SCALE=$B/tests/bench/vs-bench-duplicates
fi
[ -x "$CLI" ] || die "no executable vidshelf-cli at '$CLI'"
CLI=$(cd "$(dirname "$CLI")" && pwd)/$(basename "$CLI")
WORKER=${VIDSHELF_MEDIA_WORKER:-$(dirname "$CLI")/../worker/vidshelf-media-worker}
[ -x "$WORKER" ] || die "no executable helper at '$WORKER' (set VIDSHELF_MEDIA_WORKER)"
WORKER=$(cd "$(dirname "$WORKER")" && pwd)/$(basename "$WORKER")
export VIDSHELF_MEDIA_WORKER=$WORKER
[ -n "$SCALE" ] || SCALE=$(dirname "$CLI")/../../tests/bench/vs-bench-duplicates
export XDG_CACHE_HOME=$WORK/cache XDG_DATA_HOME=$WORK/data XDG_CONFIG_HOME=$WORK/config
mkdir -p "$XDG_CACHE_HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"

# timed OUT CMD...: CMD under GNU time; prints "WALL_S PEAK_KIB EXIT" (PEAK: the largest process,
# children included)
timed() {
  local out=$1 t0 t1 m x
  shift
  t0=${EPOCHREALTIME/./}
  /usr/bin/time -f '%M %x' -o "$WORK/time.out" "$@" >"$out" 2>>"$WORK/stderr.log" || true
  t1=${EPOCHREALTIME/./}
  read -r m x < <(tail -n 1 "$WORK/time.out")
  echo "$(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.3f", t / 1e6 }') $m $x"
}
# helper_hwm PID: the largest VmHWM of PID's helper children while PID runs (KiB)
helper_hwm() {
  local pid=$1 max=0 c v
  while kill -0 "$pid" 2>/dev/null; do
    for c in $(pgrep -P "$pid" 2>/dev/null); do
      v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$c/status" 2>/dev/null || true)
      [ -n "$v" ] && [ "$v" -gt "$max" ] && max=$v
    done
    sleep 0.05
  done
  echo "$max"
}

# ---------------------------------------------------------------------------------------------------
# quality: the set indexed, fingerprinted by `update`, grouped at each sensitivity

if ! skip quality; then
  echo
  echo "== quality: scan, update (fingerprints), duplicates at each sensitivity"
  DB=$WORK/quality.db
  "$CLI" --db "$DB" scan "$WORK/set" >"$WORK/scan.out" 2>>"$WORK/stderr.log" \
    || { tail "$WORK/stderr.log" >&2; die "vidshelf-cli scan failed"; }
  t0=${EPOCHREALTIME/./}
  "$CLI" --db "$DB" update >"$WORK/update.out" 2>>"$WORK/stderr.log" &
  upid=$!
  uhwm=$(helper_hwm "$upid")
  wait "$upid" || { tail "$WORK/stderr.log" >&2; die "vidshelf-cli update failed"; }
  echo "update (probes, thumbnails, fingerprints): $(awk -v t=$(( ${EPOCHREALTIME/./} - t0 )) 'BEGIN { printf "%.1f", t / 1e6 }') s," \
    "the helpers' peak RSS $(awk -v k="$uhwm" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
  "$CLI" --db "$DB" list --json >"$WORK/items.jsonl" 2>>"$WORK/stderr.log" || die "vidshelf-cli list failed"
  python3 -c 'import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        o = json.loads(line)
        print(o.get("path") or o.get("uri", "").replace("file://", ""))' "$WORK/items.jsonl" >"$WORK/items.txt"
  indexed=$(wc -l <"$WORK/items.txt")
  check "$([ "$indexed" = "$n_items" ] && echo 1 || echo 0)" "the library holds $indexed items ($n_items made: 5 files and 1 HLS folder a source)"
  args=()
  for s in low medium high; do
    "$CLI" --db "$DB" duplicates --json --sensitivity "$s" >"$WORK/dup-$s.json" 2>>"$WORK/stderr.log" \
      || { tail "$WORK/stderr.log" >&2; die "vidshelf-cli duplicates --sensitivity $s failed"; }
    args+=("$s=$WORK/dup-$s.json")
  done
  SCORE_JSON=$WORK/score.json python3 "$HERE/bench-duplicates.py" score "$WORK/set" "$WORK/items.txt" "${args[@]}" \
    | tee "$WORK/score.txt"
  # targets at medium: recall ≥ 95 %, no pair of distinct sources
  read -r rec distinct < <(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["sensitivities"]["medium"]
print("%.4f %d" % (r["recall"], r["distinct_source_pairs"]))' "$WORK/score.json")
  echo "target at medium: recall ≥ 95 % ($(awk -v r="$rec" 'BEGIN { printf "%.1f %%", r * 100 }'):" \
    "$(awk -v r="$rec" 'BEGIN { print (r >= 0.95) ? "met" : "MISSED" }')), 0 pairs of distinct sources ($distinct:" \
    "$([ "$distinct" = 0 ] && echo met || echo MISSED))"
  MD+=("" "quality ($SOURCES sources, $n_items items):" "")
  mapfile -t -O "${#MD[@]}" MD < <(python3 - "$WORK/score.json" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))
copies = sorted(next(iter(res["sensitivities"].values()))["per_copy"])
print("| sensitivity | groups | pairs found | precision | recall | distinct-source pairs | sources whole | " +
      " | ".join(c for c in copies) + " |")
print("|" + "---|" * (7 + len(copies)))
for s, r in res["sensitivities"].items():
    print("| %s | %d | %d | %.1f %% | %.1f %% | %d | %d/%d | %s |" % (
        s, r["groups"], r["found_pairs"], 100 * r["precision"], 100 * r["recall"],
        r["distinct_source_pairs"], r["whole_sources"], res["sources"],
        " | ".join("%d/%d" % tuple(r["per_copy"][c]) for c in copies)))
EOF
  )
fi

# ---------------------------------------------------------------------------------------------------
# speed: our fingerprints next to Stash's way, the same videos, JOBS at a time

if ! skip speed; then
  echo
  echo "== speed: $JOBS videos at a time, every file of the set (HLS folders: their playlist)"
  find "$WORK/set" -maxdepth 2 -type f \( -name '*.mp4' -o -name '*.mkv' \) | sort >"$WORK/files.txt"
  find "$WORK/set" -name 'index.m3u8' | sort >>"$WORK/files.txt"
  n_files=$(wc -l <"$WORK/files.txt")
  # ours: `vidshelf-cli fingerprint --jobs N FILE...`, its helpers' peak RSS sampled from /proc
  mapfile -t files <"$WORK/files.txt"
  t0=${EPOCHREALTIME/./}
  "$CLI" fingerprint --jobs "$JOBS" --json "${files[@]}" >"$WORK/fp.jsonl" 2>>"$WORK/stderr.log" &
  fpid=$!
  fhwm=$(helper_hwm "$fpid")
  wait "$fpid" || { tail "$WORK/stderr.log" >&2; die "vidshelf-cli fingerprint failed"; }
  ours_s=$(awk -v t=$(( ${EPOCHREALTIME/./} - t0 )) 'BEGIN { printf "%.3f", t / 1e6 }')
  fp_ok=$(grep -c '"fingerprint"' "$WORK/fp.jsonl" || true)
  # Stash's (pkg/hash/videophash): 25 frames at 5 % + i × 90 % / 25 of the duration, one
  # `ffmpeg -ss T -i IN -frames:v 1 -vf scale=160:-2 -c:v bmp -f rawvideo -` each (its collage
  # and the pHash of the collage are not counted: a few ms in Go)
  cat >"$WORK/stash.sh" <<'EOF'
#!/bin/sh
f=$1
d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$f")
for i in $(seq 0 24); do
  t=$(awk -v d="$d" -v i="$i" 'BEGIN { printf "%.3f", 0.05 * d + i * (0.9 * d / 25) }')
  ffmpeg -nostdin -v error -ss "$t" -i "$f" -frames:v 1 -vf scale=160:-2 -c:v bmp -f rawvideo - >/dev/null || exit 1
done
EOF
  chmod +x "$WORK/stash.sh"
  t0=${EPOCHREALTIME/./}
  xargs -P "$JOBS" -d '\n' -n 1 /usr/bin/time -a -o "$WORK/stash.time" -f '%M %x' "$WORK/stash.sh" \
    <"$WORK/files.txt" 2>>"$WORK/stderr.log" || die "the ffmpeg (Stash) row failed"
  ff_s=$(awk -v t=$(( ${EPOCHREALTIME/./} - t0 )) 'BEGIN { printf "%.3f", t / 1e6 }')
  ff_rss=$(awk '$1 ~ /^[0-9]+$/ { if ($1 > m) m = $1 } END { print m + 0 }' "$WORK/stash.time")
  read -r ours_rate ff_rate ratio < <(awk -v n="$n_files" -v o="$ours_s" -v f="$ff_s" \
    'BEGIN { printf "%.2f %.2f %.2f\n", n / o, n / f, f / o }')
  printf '%-44s %9s %12s %14s\n' "row ($n_files videos)" "wall s" "videos/s" "peak RSS MiB"
  printf '%-44s %9.2f %12.2f %14.1f\n' "ours: vidshelf-cli fingerprint --jobs $JOBS" "$ours_s" "$ours_rate" "$(awk -v k="$fhwm" 'BEGIN { print k / 1024 }')"
  printf '%-44s %9.2f %12.2f %14.1f\n' "Stash's way: 25 × ffmpeg -ss a video, -P$JOBS" "$ff_s" "$ff_rate" "$(awk -v k="$ff_rss" 'BEGIN { print k / 1024 }')"
  echo "fingerprints made: $fp_ok of $n_files"
  echo "speed: ffmpeg's time ÷ ours = $ratio (target ≥ 2: $(awk -v r="$ratio" 'BEGIN { print (r >= 2) ? "met" : "MISSED" }'))"
  echo "memory: the helper's peak $(awk -v k="$fhwm" 'BEGIN { printf "%.1f", k / 1024 }') MiB, one ffmpeg's $(awk -v k="$ff_rss" 'BEGIN { printf "%.1f", k / 1024 }') MiB (target: at most: $([ "$fhwm" -le "$ff_rss" ] && echo met || echo MISSED))"
  check "$([ "$fp_ok" = "$n_files" ] && echo 1 || echo 0)" "every video got a fingerprint ($fp_ok/$n_files)"
  MD+=("" "speed ($n_files videos, $JOBS at a time):" "" "| row | wall s | videos/s | peak RSS MiB |" "|---|---|---|---|")
  MD+=("| vidshelf-cli fingerprint --jobs $JOBS (helper's RSS) | $ours_s | $ours_rate | $(awk -v k="$fhwm" 'BEGIN { printf "%.0f", k / 1024 }') |")
  MD+=("| 25 × ffmpeg -ss T -i F -frames:v 1 -vf scale=160:-2 (Stash), -P$JOBS (one ffmpeg's RSS) | $ff_s | $ff_rate | $(awk -v k="$ff_rss" 'BEGIN { printf "%.0f", k / 1024 }') |")
  MD+=("" "ffmpeg's time ÷ ours: $ratio (target ≥ 2)")
fi

# ---------------------------------------------------------------------------------------------------
# distances: every pair of the set's fingerprints (the speed row's), by vs_fingerprint_distance()

if ! skip speed && [ -x "$SCALE" ]; then
  echo
  echo "== distances between the set's fingerprints (true pairs by kind of copy; distinct sources)"
  python3 -c 'import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        o = json.loads(line)
        if o.get("fingerprint"):
            print("%s\t%s" % (o["path"], o["fingerprint"]))' "$WORK/fp.jsonl" \
    | "$SCALE" distances >"$WORK/distances.tsv" || die "vs-bench-duplicates distances failed"
  python3 "$HERE/bench-duplicates.py" distances "$WORK/set" "$WORK/distances.tsv" | tee "$WORK/distances.md"
  MD+=("" "distances between the fingerprints (columns ≤ N: pairs within each sensitivity's distance):" "")
  mapfile -t -O "${#MD[@]}" MD <"$WORK/distances.md"
fi

# ---------------------------------------------------------------------------------------------------
# scale: 100,000 synthetic fingerprints grouped

if ! skip scale; then
  echo
  echo "== scale: $N_VIDEOS synthetic fingerprints, $N_GROUPS planted groups"
  [ -x "$SCALE" ] || die "no vs-bench-duplicates at '$SCALE'"
  "$SCALE" "$N_VIDEOS" "$N_GROUPS" "$WORK/scale.db" | tee "$WORK/scale.txt" || die "vs-bench-duplicates failed"
  MD+=("" "scale ($N_VIDEOS videos):" "" '```')
  mapfile -t -O "${#MD[@]}" MD <"$WORK/scale.txt"
  MD+=('```')
fi

echo
echo "markdown:"
printf '%s\n' "${MD[@]}"
[ "$FAILS" = 0 ] || exit 1
