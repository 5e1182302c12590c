#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-window.sh - the library window with 100,000 videos next to a bare GtkGridView.
#
# Run by hand from a clone, never in CI. Builds a release tree in <repo>/_build-bench (or uses
# --build DIR) with tests/bench/vidshelf-bench: the app (the real VsApplication and its library
# window) with the measuring code, tests/bench/vs-bench.c, attached; the installed vidshelf holds
# none of it. Builds the baseline (tests/bench/baseline-grid.c: a bare GTK 4 window with a 10-item
# GtkGridView, measured by the same vs-bench.c), makes a synthetic library under
# $BENCH_DATA/window (once; kept for later runs): N_VIDEOS tiny files indexed by our own scanner
# (`vidshelf-cli scan --no-probe`), media facts written into the index directly, and a valid
# freedesktop thumbnail for every file in a private XDG_CACHE_HOME. Then, on one private Xvfb server and
# one private D-Bus session bus, runs the baseline and the app REPS times each with the same GSK
# renderer. Every run (VIDSHELF_BENCH=1) reports when its grid was first painted, scrolls from top to
# bottom one page (VIDSHELF_BENCH_STEP pages) a frame, waits for the last thumbnails, reports frame times (and where each frame's
# time went: layout, paint, between frames, main-thread CPU) and RSS and quits. The script checks the
# results (PASS/FAIL lines) and prints one table, aligned text and then Markdown, with the differences
# to the baseline and the targets (issue 15), and the app's slowest frames. It also takes screenshots
# (see SCREENSHOTS).
#
# Usage: tests/bench/bench-window.sh [--build DIR] [--readme-screenshot]
# Env:   BENCH_DATA (/tmp/vidshelf-bench)  REPS (3)  N_VIDEOS (100000)  N_DIRS (2000)
#        RENDERERS (cairo)  SCREEN (1280x1024x24)  RUN_TIMEOUT (900)  SCREENSHOTS (yes)  A11Y (yes)
#        VIDSHELF_BENCH_STEP (1)  VIEW (grid | list: which view of the app is measured)
# Exit:  0 when every check passes (missed targets are reported, not fatal), 1 when a check fails or
#        something cannot run, 2 on a usage error.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: tests/bench/bench-window.sh [--build DIR] [--readme-screenshot]

  --build DIR            an existing build tree to measure, with tests/bench/vidshelf-bench in it
                         (default: a release build in <repo>/_build-bench)
  --readme-screenshot    also write the small-library screenshot to <repo>/data/screenshots/window.png

Env: BENCH_DATA (/tmp/vidshelf-bench)  REPS (3: runs of the baseline and of the app per renderer)
     N_VIDEOS (100000: videos in the synthetic library)  N_DIRS (2000: folders they are spread over)
     RENDERERS (cairo: GSK renderers, space-separated, e.g. "cairo gl")  SCREEN (1280x1024x24: Xvfb)
     RUN_TIMEOUT (900: seconds one run may take)  SCREENSHOTS (yes | no)  A11Y (yes | no: GTK_A11Y=none)
     VIDSHELF_BENCH_STEP (1: pages the scroll moves a frame, 0.01 to 100, for both programs; e.g.
       N_VIDEOS=300000 VIDSHELF_BENCH_STEP=3 scrolls 300,000 videos in as many frames as 100,000)
     VIEW (grid: the app's grid | list: its list view, the same scroll and checks; run it once per
       view to compare them)
EOF
}
die() { echo "bench-window: $*" >&2; exit 1; }

BUILD=
README_SHOT=no
while [ $# -gt 0 ]; do
  case $1 in
    --build) [ $# -ge 2 ] || { usage >&2; exit 2; }; BUILD=$2; shift 2 ;;
    --build=*) BUILD=${1#--build=}; shift ;;
    --readme-screenshot) README_SHOT=yes; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench-window: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

BENCH_DATA=${BENCH_DATA:-/tmp/vidshelf-bench}
REPS=${REPS:-3}
N_VIDEOS=${N_VIDEOS:-100000}
N_DIRS=${N_DIRS:-2000}
RENDERERS=${RENDERERS:-cairo}
SCREEN=${SCREEN:-1280x1024x24}
RUN_TIMEOUT=${RUN_TIMEOUT:-900}
SCREENSHOTS=${SCREENSHOTS:-yes}
A11Y=${A11Y:-yes}
STEP=${VIDSHELF_BENCH_STEP:-1}
VIEW=${VIEW:-grid}
case $VIEW in grid | list) ;; *) echo "bench-window: VIEW must be grid or list, not '$VIEW'" >&2; exit 2 ;; esac
for v in REPS N_VIDEOS N_DIRS RUN_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench-window: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
if [ "$REPS" -lt 1 ] || [ "$N_VIDEOS" -lt 1 ] || [ "$N_DIRS" -lt 2 ] || [ "$RUN_TIMEOUT" -lt 10 ]; then
  echo "bench-window: REPS >= 1, N_VIDEOS >= 1, N_DIRS >= 2 and RUN_TIMEOUT >= 10 please" >&2; exit 2
fi
for r in $RENDERERS; do
  case $r in cairo | gl | ngl | vulkan) ;; *) echo "bench-window: unknown renderer '$r'" >&2; exit 2 ;; esac
done
[ -n "${RENDERERS// /}" ] || { echo "bench-window: RENDERERS is empty" >&2; exit 2; }
[[ $SCREEN =~ ^[0-9]+x[0-9]+x(16|24|32)$ ]] || { echo "bench-window: SCREEN must look like 1280x1024x24" >&2; exit 2; }
case $SCREENSHOTS in yes | no) ;; *) echo "bench-window: SCREENSHOTS must be yes or no" >&2; exit 2 ;; esac
case $A11Y in yes | no) ;; *) echo "bench-window: A11Y must be yes or no" >&2; exit 2 ;; esac
# vs-bench.c ignores (with a warning) a step outside 0.01..100; refuse it here instead
if ! [[ $STEP =~ ^[0-9]+(\.[0-9]+)?$ ]] || ! awk -v s="$STEP" 'BEGIN { exit !(s >= 0.01 && s <= 100) }'; then
  echo "bench-window: VIDSHELF_BENCH_STEP must be a number from 0.01 to 100, not '$STEP'" >&2; exit 2
fi
# the tree generator hands paths to sh (awk system()); keep them free of shell quoting characters
case $BENCH_DATA in *[\"\$\`\\]* | *$'\n'*) die "BENCH_DATA must not contain \" \$ \` \\ or newlines" ;; esac

have() { command -v "$1" >/dev/null 2>&1; }
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 or later (EPOCHREALTIME)"
for t in Xvfb dbus-daemon python3 cc pkg-config timeout; do
  have "$t" || die "missing $t (Debian: apt-get install xvfb dbus python3 gcc pkg-config coreutils)"
done
pkg-config --exists gtk4 || die "missing the GTK 4 development files (Debian: apt-get install libgtk-4-dev)"
python3 -c 'import sqlite3, zlib, hashlib' 2>/dev/null || die "python3 lacks sqlite3/zlib/hashlib"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$BENCH_DATA"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd -P)
DATA=$BENCH_DATA/window
TREE=$DATA/tree
LIBDB=$DATA/library.db
CACHE=$DATA/cache                        # XDG_CACHE_HOME of every run: thumbnails/large/*.png
REAL=$DATA/small                         # the small real library for the README screenshot
mkdir -p "$DATA"
export GST_REGISTRY=$BENCH_DATA/gst-registry.bin    # shared with bench-media.sh

WORK=$(mktemp -d "$DATA/run.XXXXXX")
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
XVFB_PID=
DBUS_PID=
cleanup() {
  # only what this script started, by process id
  [ -z "$DBUS_PID" ] || kill "$DBUS_PID" 2>/dev/null || true
  [ -z "$XVFB_PID" ] || kill "$XVFB_PID" 2>/dev/null || true
  [ -z "$XVFB_PID" ] || wait "$XVFB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------
# vidshelf-bench and the baseline

if [ -z "$BUILD" ]; then
  B=$REPO/_build-bench
  build_release "$B" "vidshelf and vidshelf-bench"
else
  B=$(cd "$BUILD" && pwd)
fi
# the app as src/ui/main.c starts it, with tests/bench/vs-bench.c attached to its library window
APP=$B/tests/bench/vidshelf-bench
CLI=$B/src/cli/vidshelf-cli
WORKER=$B/src/worker/vidshelf-media-worker
SCHEMAS=$B/data
for f in "$APP" "$CLI" "$WORKER"; do
  [ -x "$f" ] || die "no executable $f$([ "$f" != "$APP" ] || echo " (meson compile -C $B builds it)")"
done
[ -f "$SCHEMAS/gschemas.compiled" ] || die "no compiled settings schema in $SCHEMAS"
app_id=$(sed -n 's/^#define APP_ID "\(.*\)"$/\1/p' "$B/config.h" 2>/dev/null || true)
[ -n "$app_id" ] || app_id=io.github.vidshelf.Vidshelf
# the window's default size, from the schema; the baseline window gets the same
WIN_W=$(GSETTINGS_BACKEND=memory gsettings --schemadir "$SCHEMAS" get "$app_id" window-width 2>/dev/null || echo 1100)
WIN_H=$(GSETTINGS_BACKEND=memory gsettings --schemadir "$SCHEMAS" get "$app_id" window-height 2>/dev/null || echo 720)
if ! [[ $WIN_W =~ ^[0-9]+$ ]] || ! [[ $WIN_H =~ ^[0-9]+$ ]]; then WIN_W=1100 WIN_H=720; fi

echo "== building the baseline (tests/bench/baseline-grid.c)"
BASELINE=$WORK/baseline-grid
# shellcheck disable=SC2046  # pkg-config output is meant to be split
cc -O2 -DVS_BENCH_STANDALONE -I "$HERE" "$HERE/baseline-grid.c" $(pkg-config --cflags --libs gtk4) \
  -o "$BASELINE" 2>"$WORK/baseline.log" || { cat "$WORK/baseline.log" >&2; die "building the baseline failed"; }

# ---------------------------------------------------------------------------------------------------
# the synthetic library

# make_tree: N_VIDEOS tiny files (1-16 bytes; .mp4 .mkv .webm .avi .mov .m4v) over about N_DIRS folders,
# depth 1..6 below $TREE, every one of them a library item. The folder layout is bench-scan.sh's (fixed
# seed, bushy with a long tail of deep folders), without its non-video files and HLS folders so that
# the library holds exactly N_VIDEOS items. Kept with a stamp; built in TREE.partial, renamed when done.
make_tree() {
  local out=$TREE tmp=$TREE.partial t0 t1
  local stamp="videos=$N_VIDEOS dirs=$N_DIRS v1"
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
  rm -f "$LIBDB" "$LIBDB-wal" "$LIBDB-shm" "$DATA/.library-stamp" "$CACHE/.thumbs-stamp"
  mkdir -p "$tmp"
  : >"$tmp/.tree-partial"
  echo "tree: generating $N_VIDEOS videos in $out ..."
  t0=${EPOCHREALTIME/./}
  LC_ALL=C awk -v root="$tmp" -v nf="$N_VIDEOS" -v nd="$N_DIRS" '
function pick(lo, hi) { return lo + int(rand() * (hi - lo + 1)) }
BEGIN {
  srand(20240601)
  split("mp4 mp4 mp4 mkv mkv webm avi mov m4v mp4", vext, " ")
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
  for (made = 0; made < nf; made++) {
    k = pick(1, nd - 1)
    f = sprintf("%s/clip_%06d.%s", path[k], made, vext[pick(1, 10)])
    printf "%s", substr("0123456789abcdef", 1, pick(1, 16)) > f
    close(f)
  }
}'
  rm -f "$tmp/.tree-partial"
  echo "$stamp" >"$tmp/.tree-stamp"
  mv "$tmp" "$out"
  t1=${EPOCHREALTIME/./}
  echo "tree: made $out in $(( (t1 - t0) / 1000 )) ms"
}

# make_library: the index, filled by our own scanner (`scan --no-probe`, about a second for 100,000
# files), then the media facts that probing would have found written into it directly (duration,
# 1920x1080, H.264/AAC; probe_state = done, thumb_state = done), so that the app's start-up rescan is a
# no-op and it finds nothing to probe. Kept with a stamp.
make_library() {
  local stamp out=$WORK/scan.json
  stamp="tree=$(cat "$TREE/.tree-stamp") v1"
  if [ -f "$DATA/.library-stamp" ] && [ -f "$LIBDB" ] && [ "$(cat "$DATA/.library-stamp")" = "$stamp" ]; then
    echo "library: kept $LIBDB"
    return 0
  fi
  rm -f "$LIBDB" "$LIBDB-wal" "$LIBDB-shm" "$DATA/.library-stamp" "$CACHE/.thumbs-stamp"
  echo "library: scanning $TREE into $LIBDB ..."
  "$CLI" scan --no-probe --json --db "$LIBDB" "$TREE" >"$out" 2>"$WORK/scan.err" \
    || { cat "$WORK/scan.err" >&2; die "vidshelf-cli scan failed"; }
  python3 - "$LIBDB" <<'EOF' || die "filling the media facts failed"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with db:
    db.execute("""
      UPDATE videos SET
        probe_state = 1, thumb_state = 1, has_video = 1,
        duration_ms = 5000 + (id * 7919) % 3595000,
        width = 1920, height = 1080, video_codec = 'h264', audio_codec = 'aac',
        container = CASE lower(substr(display_name, -4))
                      WHEN '.mkv' THEN 'matroska' WHEN 'webm' THEN 'webm' WHEN '.avi' THEN 'avi'
                      ELSE 'mp4' END
      WHERE kind = 0""")
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
EOF
  echo "$stamp" >"$DATA/.library-stamp"
  echo "library: made $LIBDB ($(sed -n 's/.*"total"[[:space:]]*:[[:space:]]*\([0-9]*\).*/\1/p' "$out") items)"
}

# seed_thumbnails: for every item of the index, a valid "large" freedesktop thumbnail in
# $CACHE/thumbnails/large/md5(URI).png: one of 8 generated 256x144 pictures with the tEXt keys
# Thumb::URI (the URI g_filename_to_uri() gives the file's canonical path) and Thumb::MTime (its
# mtime in seconds), which is what makes the app take it as it is. Kept with a stamp. Prints
# "uri-mismatches N": URIs computed here that differ from the index's uri column.
seed_thumbnails() {
  local stamp
  stamp="library=$(cat "$DATA/.library-stamp") v1"
  if [ -f "$CACHE/.thumbs-stamp" ] && [ "$(head -n 1 "$CACHE/.thumbs-stamp")" = "$stamp" ]; then
    echo "thumbnails: kept $CACHE/thumbnails/large"
    SEED_INFO=$(sed -n 2p "$CACHE/.thumbs-stamp")
    return 0
  fi
  rm -rf "$CACHE"
  mkdir -p "$CACHE"
  echo "thumbnails: seeding $CACHE/thumbnails/large ..."
  SEED_INFO=$(python3 - "$LIBDB" "$CACHE" <<'EOF'
import hashlib, os, sqlite3, struct, sys, urllib.parse, zlib

db_path, cache = sys.argv[1], sys.argv[2]
large = os.path.join(cache, 'thumbnails', 'large')
os.makedirs(large, mode=0o700, exist_ok=True)
os.chmod(os.path.join(cache, 'thumbnails'), 0o700)

def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

W, H = 256, 144
def picture(i):
    # a two-colour diagonal gradient, a darker band and a light disc: 8 distinct pictures
    hues = [(220, 80, 60), (60, 140, 220), (70, 180, 110), (230, 170, 50),
            (150, 90, 200), (40, 170, 180), (200, 90, 150), (120, 130, 140)]
    a = hues[i % 8]; b = hues[(i * 3 + 1) % 8]
    cx, cy, r2 = 64 + 16 * i, 72, 30 * 30
    rows = bytearray()
    for y in range(H):
        rows.append(0)
        for x in range(W):
            t = (x + y) / (W + H)
            px = [int(a[c] * (1 - t) + b[c] * t) for c in range(3)]
            if 96 <= y < 120:
                px = [v * 2 // 3 for v in px]
            if (x - cx) ** 2 + (y - cy) ** 2 < r2:
                px = [min(255, v + 90) for v in px]
            rows += bytes(px)
    return (chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 2, 0, 0, 0)),
            chunk(b'IDAT', zlib.compress(bytes(rows), 9)) + chunk(b'IEND', b''))

pictures = [picture(i) for i in range(8)]
sig = b'\x89PNG\r\n\x1a\n'
# g_filename_to_uri() leaves letters, digits, "-._~" and "!$&'()*+,=:@/" as they are
SAFE = "/!$&'()*+,=:@"

db = sqlite3.connect('file:%s?mode=ro' % urllib.parse.quote(db_path), uri=True)
n = mismatches = missing = 0
total_bytes = 0
for vid, path, uri_db in db.execute('SELECT id, path, uri FROM videos'):
    path = bytes(path) if not isinstance(path, str) else os.fsencode(path)
    canonical = os.path.normpath(path)
    uri = 'file://' + urllib.parse.quote_from_bytes(canonical, safe=SAFE)
    if uri != uri_db:
        mismatches += 1
    try:
        st = os.stat(path)
    except OSError:
        missing += 1
        continue
    head, tail = pictures[vid % 8]
    data = (sig + head
            + chunk(b'tEXt', b'Thumb::URI\0' + uri.encode())
            + chunk(b'tEXt', b'Thumb::MTime\0' + str(st.st_mtime_ns // 1000000000).encode())
            + chunk(b'tEXt', b'Thumb::Size\0' + str(st.st_size).encode())
            + chunk(b'tEXt', b'Software\0vidshelf bench-window.sh')
            + tail)
    name = os.path.join(large, hashlib.md5(uri.encode()).hexdigest() + '.png')
    with open(name, 'wb') as f:
        f.write(data)
    n += 1
    total_bytes += len(data)
print('pngs %d uri-mismatches %d missing-files %d bytes %d' % (n, mismatches, missing, total_bytes))
EOF
  ) || die "seeding the thumbnails failed"
  printf '%s\n%s\n' "$stamp" "$SEED_INFO" >"$CACHE/.thumbs-stamp"
  echo "thumbnails: $SEED_INFO"
}

echo "== data in $DATA"
make_tree
make_library
SEED_INFO=
seed_thumbnails
n_files=$(find "$TREE" -type f ! -name .tree-stamp | wc -l)
n_listed=$("$CLI" list --db "$LIBDB" | wc -l)
# Listing upgrades a library kept from an older version; the runs copy only the file, so the
# upgrade must be in it (not in the -wal beside it), or every run would pay for it again.
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' \
  "$LIBDB" || die "checkpointing $LIBDB failed"
n_pngs=$(find "$CACHE/thumbnails/large" -name '*.png' | wc -l)
echo "library: $n_files files, $n_listed items listed by vidshelf-cli list, $n_pngs thumbnails"

# ---------------------------------------------------------------------------------------------------
# the display and the session bus

# A private D-Bus session bus: the app is a unique GApplication, so on the desktop's bus it would only
# activate a running Vidshelf instead of starting. Its accessibility bus comes up through it as in a
# desktop session (A11Y=no: GTK_A11Y=none for both programs).
dbus-daemon --session --fork --nopidfile --print-address=3 --print-pid=4 \
  3>"$WORK/dbus.address" 4>"$WORK/dbus.pid" 2>>"$WORK/dbus.log" || die "dbus-daemon failed to start"
DBUS_PID=$(head -n 1 "$WORK/dbus.pid")
export DBUS_SESSION_BUS_ADDRESS
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$WORK/dbus.address")
[ -n "$DBUS_SESSION_BUS_ADDRESS" ] || die "dbus-daemon printed no address"

# One Xvfb server for every run; it picks a free display number itself (-displayfd).
Xvfb -displayfd 5 -screen 0 "$SCREEN" -nolisten tcp -noreset 5>"$WORK/xvfb.display" >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$WORK/xvfb.display" ] && break; sleep 0.1; done
[ -s "$WORK/xvfb.display" ] || { cat "$WORK/xvfb.log" >&2; die "Xvfb did not start"; }
DISPLAY_N=$(head -n 1 "$WORK/xvfb.display")
echo "== Xvfb :$DISPLAY_N ($SCREEN), private session bus, window ${WIN_W}x${WIN_H}"

mkdir -p "$WORK/config" "$WORK/data-home"
# run_env RENDERER: the environment of every measured process
run_env() {
  RUN_ENV=(DISPLAY=":$DISPLAY_N" GDK_BACKEND=x11 GSK_RENDERER="$1" VIDSHELF_BENCH=1
           VIDSHELF_BENCH_TIMEOUT="$RUN_TIMEOUT" XDG_CACHE_HOME="$CACHE" XDG_CONFIG_HOME="$WORK/config"
           XDG_DATA_HOME="$WORK/data-home" GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$SCHEMAS"
           VIDSHELF_MEDIA_WORKER="$WORKER" GST_REGISTRY="$GST_REGISTRY" VIDSHELF_BENCH_STEP="$STEP"
           VIDSHELF_BENCH_VIEW="$VIEW")
  [ "$A11Y" = yes ] || RUN_ENV+=(GTK_A11Y=none)
  return 0
}

# ---------------------------------------------------------------------------------------------------
# measuring

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print ""; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
maxof() { sort -g | tail -n 1; }
sumof() { awk '{ s += $1 } END { print s + 0 }'; }

RUNDB=$WORK/lib/library.db
fresh_db() { rm -rf "${RUNDB%/*}"; mkdir -p "${RUNDB%/*}"; cp "$LIBDB" "$RUNDB"; }

declare -A V          # V[kind,renderer,metric] = space-separated values over the runs
declare -A RUNS_OK RUNS_N
FAILS=0
CHECKS=()
NOTES=()
check() {   # check OK TEXT
  local line
  if [ "$1" = 1 ]; then line="PASS  $2"; else line="FAIL  $2"; FAILS=$((FAILS + 1)); fi
  CHECKS+=("$line")
}

# run_one KIND RENDERER TAG [EXTRA_ENV...]: one run of the app (KIND app, on a fresh copy of the index)
# or of the baseline; its "vidshelf-bench" lines end up in $WORK/KIND-RENDERER-TAG.kv as
# "line.key=value" (line = the first key of the line), with launch.us and rc added.
run_one() {
  local kind=$1 renderer=$2 tag=$3
  shift 3
  local base=$WORK/$kind-$renderer-$tag rc=0 t0 t1
  local -a cmd
  run_env "$renderer"
  if [ "$kind" = app ]; then fresh_db; cmd=("$APP" --db "$RUNDB")
  else cmd=("$BASELINE" "$WIN_W" "$WIN_H"); fi
  t0=${EPOCHREALTIME/./}
  env "${RUN_ENV[@]}" "$@" timeout -k 10 $((RUN_TIMEOUT + 60)) "${cmd[@]}" >"$base.out" 2>"$base.err" || rc=$?
  t1=${EPOCHREALTIME/./}
  awk -v t0="$t0" -v t1="$t1" -v rc="$rc" '
    $1 == "vidshelf-bench" { split($2, a, "="); p = a[1]
      for (i = 2; i <= NF; i++) { eq = index($i, "="); if (eq) print p "." substr($i, 1, eq - 1) "=" substr($i, eq + 1) } }
    END { print "launch.us=" t0; print "exit.us=" t1; print "rc=" rc }' "$base.err" >"$base.kv"
}
kv() { sed -n "s/^$(printf '%s' "$2" | sed 's/[.[\*^$/]/\\&/g')=//p" "$1" | tail -n 1; }

since_launch() { [ -z "$1" ] || awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a - b) / 1000 }'; }
# record KIND RENDERER TAG: adds a run's figures to V[] and prints them
record() {
  local kind=$1 renderer=$2 tag=$3 f=$WORK/$1-$2-$3.kv
  local t0 fp fpu grid gridu thumbs thumbsu proc_fp rc n ok=1 listed=""
  t0=$(kv "$f" launch.us)
  rc=$(kv "$f" rc)
  fpu=$(kv "$f" first-paint-ms.first-paint-unix-us)
  gridu=$(kv "$f" grid-ms.grid-unix-us)
  thumbsu=$(kv "$f" thumbs-ms.thumbs-unix-us)
  proc_fp=$(kv "$f" first-paint-ms.first-paint-ms)
  fp=$(since_launch "$fpu" "$t0"); grid=$(since_launch "$gridu" "$t0"); thumbs=$(since_launch "$thumbsu" "$t0")
  local key=$kind,$renderer
  V[$key,fp]+="$fp "; V[$key,grid]+="$grid "; V[$key,thumbs]+="$thumbs "; V[$key,proc_fp]+="$proc_fp "
  V[$key,hwm]+="$(kv "$f" scroll-ms.hwm-kb) "; V[$key,rss]+="$(kv "$f" scroll-ms.rss-kb) "
  V[$key,anon]+="$(kv "$f" scroll-ms.rss-anon-kb) "; V[$key,fprss]+="$(kv "$f" first-paint-ms.rss-kb) "
  V[$key,maxf]+="$(kv "$f" scroll-ms.max-frame-ms) "; V[$key,slow]+="$(kv "$f" scroll-ms.slow-frames) "
  V[$key,late]+="$(kv "$f" scroll-ms.frames-over-33) "
  V[$key,frames]+="$(kv "$f" scroll-ms.frames) "; V[$key,p95]+="$(kv "$f" scroll-ms.p95-frame-ms) "
  V[$key,p50]+="$(kv "$f" scroll-ms.p50-frame-ms) "; V[$key,p99]+="$(kv "$f" scroll-ms.p99-frame-ms) "
  V[$key,work]+="$(kv "$f" scroll-ms.max-work-ms) "
  local part stat breakdown=""
  for part in layout paint between cpu; do
    for stat in p95 max; do
      V[$key,$part-$stat]+="$(kv "$f" "frames-breakdown.$part-$stat-ms") "
    done
    breakdown+="$part $(kv "$f" "frames-breakdown.$part-p95-ms")/$(kv "$f" "frames-breakdown.$part-max-ms")  "
  done
  V[$key,scroll]+="$(kv "$f" scroll-ms.scroll-ms) "; V[$key,maxat]+="$(kv "$f" scroll-ms.max-frame-at) "
  V[$key,cached]+="$(kv "$f" scroll-ms.cached-items) "
  V[$key,children]+="$(kv "$f" first-paint-ms.view-children) "
  # the hover-scrub pass (the app only): hover-ms.* (vs-bench.c)
  local hk
  for hk in frames cells planted shown p50-frame-ms p95-frame-ms max-frame-ms frames-over-33 \
            max-work-ms rss-kb hwm-kb hover-error; do
    V[$key,hover-$hk]+="$(kv "$f" "hover-ms.$hk") "
  done
  n=$(kv "$f" scroll-ms.n-items)
  if [ "$kind" = app ]; then listed=$("$CLI" list --db "$RUNDB" 2>/dev/null | wc -l); V[$key,listed]+="$listed "; fi
  local want=10
  [ "$kind" != app ] || want=$n_listed
  [ "$rc" = 0 ] && [ -n "$fp" ] && [ "$n" = "$want" ] && [ "$(kv "$f" scroll-ms.reached-bottom)" = 1 ] \
    && [ "$(kv "$f" scroll-ms.last-item-visible)" = 1 ] && [ "$(kv "$f" scroll-ms.settle-timed-out)" = 0 ] \
    && [ -z "$(kv "$f" error.error)" ] || ok=0
  [ "$kind" != app ] || [ "$listed" = "$n_listed" ] || ok=0
  RUNS_N[$key]=$(( ${RUNS_N[$key]:-0} + 1 ))
  [ "$ok" = 0 ] || RUNS_OK[$key]=$(( ${RUNS_OK[$key]:-0} + 1 ))
  printf '  %-8s %-5s run %s: first paint %7s ms (grid %7s, thumbnails %7s), scroll %8s ms in %5s frames, p95 %5s ms, longest %6s ms, %3s over 33 ms, %3s over 50 ms, work %5s ms; RSS %6s MiB after, peak %6s MiB%s%s\n' \
    "$kind" "$renderer" "$tag" "${fp:--}" "${grid:--}" "${thumbs:--}" "$(kv "$f" scroll-ms.scroll-ms)" \
    "$(kv "$f" scroll-ms.frames)" "$(kv "$f" scroll-ms.p95-frame-ms)" "$(kv "$f" scroll-ms.max-frame-ms)" \
    "$(kv "$f" scroll-ms.frames-over-33)" "$(kv "$f" scroll-ms.slow-frames)" "$(kv "$f" scroll-ms.max-work-ms)" \
    "$(awk -v k="$(kv "$f" scroll-ms.rss-kb)" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$(awk -v k="$(kv "$f" scroll-ms.hwm-kb)" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$([ "$rc" = 0 ] || echo "  (exit $rc)")" "$([ "$ok" = 1 ] || echo "  NOT OK")"
  printf '%28s per frame p95/max, ms: %s\n' "" "${breakdown%  }"
  if [ "$kind" = app ]; then
    if [ -n "$(kv "$f" hover-ms.frames)" ]; then
      printf '%28s hover scrub: %s of %s cells showed strip frames, %s frames, p50 %s / p95 %s / max %s ms, %s over 33 ms, work %s ms (longest frame and work at steps %s and %s of %s: step 0 enters the first cell; main-thread CPU in the longest frame %s ms, in any frame at most %s ms); RSS %s MiB after, peak %s MiB (decoded textures %s MiB, %s sheets kept)\n' "" \
        "$(kv "$f" hover-ms.shown)" "$(kv "$f" hover-ms.cells)" "$(kv "$f" hover-ms.frames)" \
        "$(kv "$f" hover-ms.p50-frame-ms)" "$(kv "$f" hover-ms.p95-frame-ms)" "$(kv "$f" hover-ms.max-frame-ms)" \
        "$(kv "$f" hover-ms.frames-over-33)" "$(kv "$f" hover-ms.max-work-ms)" \
        "$(kv "$f" hover-ms.max-frame-step)" "$(kv "$f" hover-ms.max-work-step)" \
        "$(( $(kv "$f" hover-ms.cells) * $(kv "$f" hover-ms.steps-per-cell) ))" \
        "$(kv "$f" hover-ms.max-frame-cpu-ms)" "$(kv "$f" hover-ms.max-cpu-ms)" \
        "$(awk -v k="$(kv "$f" hover-ms.rss-kb)" 'BEGIN { printf "%.1f", k / 1024 }')" \
        "$(awk -v k="$(kv "$f" hover-ms.hwm-kb)" 'BEGIN { printf "%.1f", k / 1024 }')" \
        "$(awk -v k="$(kv "$f" hover-ms.textures-kb)" 'BEGIN { printf "%.1f", k / 1024 }')" \
        "$(kv "$f" hover-ms.filmstrips-kept)"
    else
      printf '%28s hover scrub: no result%s\n' "" "$([ -z "$(kv "$f" hover-ms.hover-error)" ] || echo " ($(kv "$f" hover-ms.hover-error))")"
    fi
  fi
  # the issue's target: selecting every video and none again adds under 2 MiB
  if [ "$kind" = app ] && [ -n "$(kv "$f" select-all.selected)" ]; then
    awk -v n="$(kv "$f" select-all.selected)" -v b="$(kv "$f" select-all.rss-before-kb)" \
        -v a="$(kv "$f" select-all.rss-all-kb)" -v z="$(kv "$f" select-all.rss-none-kb)" 'BEGIN {
      d = (a > z ? a : z) - b
      printf "%28s select all (%d) and none: RSS %.1f, %.1f, %.1f MiB, %+.2f MiB (target < 2 MiB: %s)\n",
             "", n, b / 1024, a / 1024, z / 1024, d / 1024, d < 2048 ? "met" : "NOT MET" }'
  fi
  if [ "$ok" = 0 ]; then
    grep -v '^dbus-daemon' "$WORK/$kind-$renderer-$tag.err" | tail -n 12 | sed 's/^/    | /'
    [ "$kind" != app ] || echo "    | n-items $n, listed after the run: $listed (expected $n_listed)"
  fi
  # keep the raw lines for the log at the end
  cat "$WORK/$kind-$renderer-$tag.err" >>"$WORK/all.err"
}

# the hover-scrub pass plants filmstrips in the runs' cache: each run starts without them
rm -rf "$CACHE/vidshelf/filmstrips"
echo
echo "== runs: $REPS of the baseline and of the app per renderer ($RENDERERS), alternating; $N_VIDEOS videos, VIDSHELF_BENCH_STEP=$STEP"
for renderer in $RENDERERS; do
  # one untimed start of each, so that both find the page cache and the GL shader caches warm
  run_one baseline "$renderer" warmup
  run_one app "$renderer" warmup VIDSHELF_BENCH_TIMEOUT=5
  for ((i = 1; i <= REPS; i++)); do
    run_one baseline "$renderer" "$i"; record baseline "$renderer" "$i"
    rm -rf "$CACHE/vidshelf/filmstrips"
    run_one app "$renderer" "$i"; record app "$renderer" "$i"
  done
done
rm -rf "$CACHE/vidshelf/filmstrips"

# ---------------------------------------------------------------------------------------------------
# screenshots

shot() {   # shot FILE: the window (top left corner of the screen) when the run prints "paused"
  local err=$1 out=$2 w=$3 h=$4
  for _ in $(seq $((RUN_TIMEOUT * 10))); do
    grep -q '^vidshelf-bench paused' "$err" 2>/dev/null && break
    grep -q '^vidshelf-bench scroll-ms' "$err" 2>/dev/null && return 1
    sleep 0.1
  done
  sleep 1   # the thumbnails' fade-in
  import -display ":$DISPLAY_N" -window root -crop "${w}x${h}+0+0" +repage "$out" 2>>"$WORK/import.log"
}

# make_small_library: 16 short clips made with GStreamer test sources (MP4, Matroska, WebM and one HLS
# folder), indexed, probed and thumbnailed by vidshelf-cli into $REAL/cache: a small real library.
make_small_library() {
  local stamp="small v2" v=$REAL/Videos i name pat dur extra enc mux ext
  if [ -f "$REAL/.stamp" ] && [ "$(cat "$REAL/.stamp")" = "$stamp" ]; then return 0; fi
  rm -rf "$REAL"
  mkdir -p "$v"
  local -a clips=(
    "Alpine Lake Timelapse|mp4|pinwheel|7|foreground-color=0xff2e86c1 background-color=0xff1b4f72"
    "Birthday Party 2023|mkv|ball|12|foreground-color=0xfff4d03f background-color=0xffc0392b"
    "City Lights at Night|webm|zone-plate|9|kx2=20 ky2=20 kt=1"
    "Conference Keynote|mp4|smpte|31|"
    "Drone over the Coast|mp4|circular|15|"
    "Family Picnic|mkv|spokes|8|foreground-color=0xff27ae60 background-color=0xfff7dc6f"
    "Garden in Spring|webm|gradient|6|foreground-color=0xff58d68d background-color=0xff145a32"
    "Guitar Lesson 04|mp4|bar|22|foreground-color=0xffe67e22 background-color=0xff1c2833"
    "Harbour Sunset|mp4|colors|5|"
    "Kitchen Renovation|mkv|checkers-8|14|"
    "Morning Run|mp4|ball|4|foreground-color=0xffffffff background-color=0xff2874a6 motion=sweep"
    "Northern Lights|webm|zone-plate|18|kx2=60 ky2=10 kt2=2"
    "Road Trip Day 3|mp4|smpte-rp-219|10|"
    "Snowboarding Weekend|mkv|pinwheel|16|foreground-color=0xffeaf2f8 background-color=0xff5d6d7e"
    "Studio Session|mp4|spokes|11|foreground-color=0xff8e44ad background-color=0xff17202a"
  )
  echo "small library: making ${#clips[@]} clips and one HLS folder in $v ..."
  for c in "${clips[@]}"; do
    IFS='|' read -r name ext pat dur extra <<<"$c"
    case $ext in
      mp4) enc="x264enc speed-preset=ultrafast key-int-max=30 ! h264parse"; mux=mp4mux ;;
      mkv) enc="x264enc speed-preset=ultrafast key-int-max=30 ! h264parse"; mux=matroskamux ;;
      webm) enc="vp8enc deadline=1 cpu-used=8"; mux=webmmux ;;
    esac
    # shellcheck disable=SC2086  # $extra and $enc are lists of gst-launch words
    timeout 300 gst-launch-1.0 -q videotestsrc pattern="$pat" num-buffers=$((dur * 25)) $extra \
      ! video/x-raw,width=1280,height=720,framerate=25/1 ! videoconvert ! video/x-raw,format=I420 \
      ! $enc ! $mux ! filesink location="$v/$name.$ext" >/dev/null 2>>"$WORK/gst.log" \
      || { tail -n 5 "$WORK/gst.log" >&2; die "making '$name.$ext' failed"; }
  done
  # the HLS folder: four 5 s MPEG-TS segments and a VOD playlist written here (hlssink2 can hang at EOS)
  local hls="$v/Lecture 7 - Thermodynamics" s
  mkdir -p "$hls"
  printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:5\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n' \
    >"$hls/index.m3u8"
  for s in 0 1 2 3; do
    timeout 120 gst-launch-1.0 -q videotestsrc pattern=smpte75 num-buffers=125 \
      ! video/x-raw,width=1280,height=720,framerate=25/1 ! videoconvert ! video/x-raw,format=I420 \
      ! x264enc speed-preset=ultrafast key-int-max=25 ! h264parse ! mpegtsmux \
      ! filesink location="$hls/segment0000$s.ts" >/dev/null 2>>"$WORK/gst.log" \
      || { tail -n 5 "$WORK/gst.log" >&2; die "making the HLS segment $s failed"; }
    printf '#EXTINF:5.000,\nsegment0000%s.ts\n' "$s" >>"$hls/index.m3u8"
  done
  echo '#EXT-X-ENDLIST' >>"$hls/index.m3u8"
  XDG_CACHE_HOME=$REAL/cache "$CLI" scan --db "$REAL/library.db" "$v" >/dev/null 2>>"$WORK/small.log" \
    || { cat "$WORK/small.log" >&2; die "scanning the small library failed"; }
  XDG_CACHE_HOME=$REAL/cache VIDSHELF_MEDIA_WORKER=$WORKER "$CLI" update --db "$REAL/library.db" \
    >/dev/null 2>>"$WORK/small.log" || { cat "$WORK/small.log" >&2; die "thumbnailing the small library failed"; }
  echo "$stamp" >"$REAL/.stamp"
}

SHOT_SYN=$DATA/screenshot-$N_VIDEOS.png
SHOT_REAL=$DATA/screenshot-small.png
README_PNG=$REPO/data/screenshots/window.png
if [ "$SCREENSHOTS" = yes ] && ! have import; then
  NOTES+=("note  no screenshots: ImageMagick's import is missing (apt-get install imagemagick)")
  SCREENSHOTS=no
fi
if [ "$SCREENSHOTS" = yes ]; then
  echo
  echo "== screenshots (not measured)"
  renderer=${RENDERERS%% *}
  # the synthetic library half-way down: scroll there, wait for the thumbnails, hold still
  run_env "$renderer"
  fresh_db
  env "${RUN_ENV[@]}" VIDSHELF_BENCH_PAUSE_AT=0.5 VIDSHELF_BENCH_PAUSE_MS=4000 VIDSHELF_BENCH_STEP=100 \
    timeout -k 10 $((RUN_TIMEOUT + 60)) "$APP" --db "$RUNDB" >/dev/null 2>"$WORK/shot1.err" &
  pid=$!
  if shot "$WORK/shot1.err" "$SHOT_SYN" "$WIN_W" "$WIN_H"; then echo "screenshot: $SHOT_SYN"
  else NOTES+=("note  the screenshot of the synthetic library could not be taken (see $WORK/shot1.err)"); fi
  wait "$pid" || true

  # a small real library at 1280x800, at the top
  if have gst-launch-1.0; then
    make_small_library
    mkdir -p "$WORK/shot-config/glib-2.0/settings"
    group=$(printf '%s' "$app_id" | tr . /)
    printf '[%s]\nwindow-width=1280\nwindow-height=800\n' "$group" >"$WORK/shot-config/glib-2.0/settings/keyfile"
    cp "$REAL/library.db" "$WORK/small.db"
    env "${RUN_ENV[@]}" XDG_CACHE_HOME="$REAL/cache" XDG_CONFIG_HOME="$WORK/shot-config" \
      GSETTINGS_BACKEND=keyfile VIDSHELF_BENCH_PAUSE_MS=4000 \
      timeout -k 10 $((RUN_TIMEOUT + 60)) "$APP" --db "$WORK/small.db" >/dev/null 2>"$WORK/shot2.err" &
    pid=$!
    if shot "$WORK/shot2.err" "$SHOT_REAL" 1280 800; then
      echo "screenshot: $SHOT_REAL"
      if [ "$README_SHOT" = yes ]; then
        mkdir -p "${README_PNG%/*}"
        if have convert; then
          convert "$SHOT_REAL" -strip -colors 256 -define png:compression-level=9 \
            "$README_PNG"
        else cp "$SHOT_REAL" "$README_PNG"; fi
        echo "screenshot: $README_PNG ($(du -k "$README_PNG" | cut -f1) KiB)"
      fi
    else NOTES+=("note  the screenshot of the small library could not be taken (see $WORK/shot2.err)"); fi
    wait "$pid" || true
  else
    NOTES+=("note  no small-library screenshot: gst-launch-1.0 is missing")
  fi
fi

# ---------------------------------------------------------------------------------------------------
# checks

seed_pngs=$(awk '{ print $2 }' <<<"$SEED_INFO")
seed_mis=$(awk '{ print $4 }' <<<"$SEED_INFO")
seed_missing=$(awk '{ print $6 }' <<<"$SEED_INFO")
ok=0; [ "$n_files" = "$N_VIDEOS" ] && [ "$n_listed" = "$N_VIDEOS" ] && ok=1
check $ok "the index holds $n_listed items (vidshelf-cli list), the tree $n_files files (expected $N_VIDEOS)"
ok=0; [ "$n_pngs" = "$n_listed" ] && [ "$seed_pngs" = "$n_listed" ] && [ "$seed_mis" = 0 ] && [ "$seed_missing" = 0 ] && ok=1
check $ok "seeded thumbnails: $n_pngs PNGs for $n_listed items; $seed_mis URIs differ from the index's, $seed_missing files missing"
fails=$(find "$CACHE/thumbnails" -path '*/fail/*' -type f 2>/dev/null | wc -l)
ok=0; [ "$fails" = 0 ] && ok=1
check $ok "no thumbnail fail markers after the runs ($fails)"
for renderer in $RENDERERS; do
  for kind in baseline app; do
    key=$kind,$renderer
    n_ok=${RUNS_OK[$key]:-0}
    if [ "$kind" = app ]; then
      what="showed all $n_listed items, scrolled to the bottom (the last item in view), the thumbnails in view at the end, exit 0, and the index still lists $n_listed items after the run (the start-up rescan changed nothing)"
    else
      what="showed its 10 items, reached the bottom, exit 0"
    fi
    ok=0; [ "$n_ok" = "$REPS" ] && ok=1
    check $ok "$kind ($renderer): $n_ok of $REPS runs $what"
  done
  # the hover-scrub pass: it ran in every app run, and every swept cell showed the strip's frames
  h_ok=0
  for ((i = 1; i <= REPS; i++)); do
    f=$WORK/app-$renderer-$i.kv
    c=$(kv "$f" hover-ms.cells)
    [ -n "$c" ] && [ "$c" -gt 0 ] && [ "$(kv "$f" hover-ms.shown)" = "$c" ] \
      && [ "$(kv "$f" hover-ms.planted)" = "$c" ] && h_ok=$((h_ok + 1))
  done
  ok=0; [ "$h_ok" = "$REPS" ] && ok=1
  check $ok "app ($renderer): $h_ok of $REPS runs swept the pointer across the cells in view with planted filmstrips, every one of them showing the strip's frames"
  # the app's own clock (/proc starttime, 10 ms ticks) against the script's launch time
  worst=$(paste -d ' ' <(tr ' ' '\n' <<<"${V[app,$renderer,fp]}" | sed '/^$/d') \
                       <(tr ' ' '\n' <<<"${V[app,$renderer,proc_fp]}" | sed '/^$/d') \
          | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d } END { printf "%.1f", m + 0 }')
  ok=0; awk -v w="$worst" 'BEGIN { exit !(w <= 30) }' && ok=1
  check $ok "app ($renderer): first paint since the script's launch and since the process start (/proc/self/stat) agree within $worst ms (limit 30)"
done

# ---------------------------------------------------------------------------------------------------
# table

mib() { awk -v k="$1" 'BEGIN { if (k == "") print ""; else printf "%.1f", k / 1024 }'; }
vals() { tr ' ' '\n' <<<"${V[$1]:-}" | sed '/^$/d'; }
TSV=$WORK/table.tsv
printf 'metric\tbaseline\tvidshelf\tdifference\tratio\ttarget\tmet\n' >"$TSV"
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$TSV"; }
# cmp_row LABEL BASE APP UNIT TARGET_KIND LIMIT: difference and ratio; TARGET_KIND plus (app <= base +
# LIMIT) | max (app <= LIMIT) | - (none)
cmp_row() {
  local label=$1 b=$2 a=$3 unit=$4 kind=$5 limit=${6:-} d r t="" m=""
  if [ -z "$a" ] || [ -z "$b" ]; then row "$label" "${b:--}" "${a:--}" "" "" "" "n/a"; return; fi
  d=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%+.1f %s", a - b, "'"$unit"'" }')
  r=$(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
  case $kind in
    plus) t="<= baseline + $limit $unit"
          m=$(awk -v a="$a" -v b="$b" -v l="$limit" 'BEGIN { print (a <= b + l) ? "yes" : "NO" }') ;;
    max)  t="<= $limit $unit"
          m=$(awk -v a="$a" -v l="$limit" 'BEGIN { print (a <= l) ? "yes" : "NO" }') ;;
  esac
  row "$label" "$b" "$a" "$d" "$r" "$t" "$m"
}
# count_row LABEL BASE_KEY APP_KEY METRIC TARGETED: frames over a limit, summed over all runs, "N of
# FRAMES"; TARGETED yes: the target is 0
count_row() {
  local label=$1 bk=$2 ak=$3 metric=$4 t="" m=""
  if [ "$5" = yes ]; then
    t=0
    if [ -z "$(vals "$ak,$metric")" ]; then m=n/a
    elif [ "$(vals "$ak,$metric" | sumof)" = 0 ]; then m=yes
    else m=NO; fi
  fi
  row "$label" "$(vals "$bk,$metric" | sumof) of $(vals "$bk,frames" | sumof)" \
    "$(vals "$ak,$metric" | sumof) of $(vals "$ak,frames" | sumof)" "" "" "$t" "$m"
}
# p95_max KEY PART: a part of the frames' breakdown, "p95 / max": the median of the runs' p95, the
# largest of all runs' max
p95_max() { echo "$(vals "$1,$2-p95" | median) / $(vals "$1,$2-max" | maxof)"; }

n_renderers=$(wc -w <<<"$RENDERERS")
for renderer in $RENDERERS; do
  bk=baseline,$renderer ak=app,$renderer
  # several renderers: a heading row before each one's rows, and its name on every row (for a row
  # quoted on its own)
  sfx=""
  if [ "$n_renderers" -gt 1 ]; then
    sfx=" [$renderer]"
    row "GSK_RENDERER=$renderer:" "" "" "" "" "" ""
  fi
  cmp_row "time to the first painted grid (every cell in view filled), ms$sfx" \
    "$(vals "$bk,fp" | median)" "$(vals "$ak,fp" | median)" ms plus 150
  cmp_row "  grid on screen (placeholders allowed), ms$sfx" "$(vals "$bk,grid" | median)" "$(vals "$ak,grid" | median)" ms -
  cmp_row "  thumbnails in view shown, ms$sfx" "$(vals "$bk,thumbs" | median)" "$(vals "$ak,thumbs" | median)" ms -
  cmp_row "RSS after scrolling to the end (VmRSS), MiB$sfx" \
    "$(mib "$(vals "$bk,rss" | median)")" "$(mib "$(vals "$ak,rss" | median)")" MiB plus 35
  cmp_row "peak RSS (VmHWM), MiB$sfx" \
    "$(mib "$(vals "$bk,hwm" | median)")" "$(mib "$(vals "$ak,hwm" | median)")" MiB plus 70
  row "  cells the GtkGridView made for the first paint (in view)$sfx" \
    "$(vals "$bk,children" | median) ($(kv "$WORK/baseline-$renderer-1.kv" first-paint-ms.cells))" \
    "$(vals "$ak,children" | median) ($(kv "$WORK/app-$renderer-1.kv" first-paint-ms.cells))" "" "" "" ""
  cmp_row "  RSS at the first paint, MiB$sfx" "$(mib "$(vals "$bk,fprss" | median)")" "$(mib "$(vals "$ak,fprss" | median)")" MiB -
  cmp_row "frame time p95 during the scroll, ms$sfx" "$(vals "$bk,p95" | median)" "$(vals "$ak,p95" | median)" ms max 17.5
  count_row "frames over 33 ms (all runs)$sfx" "$bk" "$ak" late yes
  count_row "  frames over 50 ms (all runs)$sfx" "$bk" "$ak" slow no
  cmp_row "longest main-thread work in one frame (tick to after-paint), ms$sfx" \
    "$(vals "$bk,work" | maxof)" "$(vals "$ak,work" | maxof)" ms max 8
  cmp_row "  longest frame during the scroll, ms$sfx" "$(vals "$bk,maxf" | maxof)" "$(vals "$ak,maxf" | maxof)" ms -
  row "  frame time p50 / p99, ms$sfx" "$(vals "$bk,p50" | median) / $(vals "$bk,p99" | median)" \
    "$(vals "$ak,p50" | median) / $(vals "$ak,p99" | median)" "" "" "" ""
  row "  layout per frame (tick to the end of ::layout), p95 / max, ms$sfx" "$(p95_max "$bk" layout)" "$(p95_max "$ak" layout)" "" "" "" ""
  row "  paint per frame (to the end of ::paint), p95 / max, ms$sfx" "$(p95_max "$bk" paint)" "$(p95_max "$ak" paint)" "" "" "" ""
  row "  between frames (::after-paint to the next tick), p95 / max, ms$sfx" "$(p95_max "$bk" between)" "$(p95_max "$ak" between)" "" "" "" ""
  row "  main-thread CPU per frame (tick to tick), p95 / max, ms$sfx" "$(p95_max "$bk" cpu)" "$(p95_max "$ak" cpu)" "" "" "" ""
  h_late=$(vals "$ak,hover-frames-over-33" | sumof)
  row "hover scrub: longest frame (pointer across $(vals "$ak,hover-cells" | median) cells in view, planted 100-frame strips), ms$sfx" \
    "-" "$(vals "$ak,hover-max-frame-ms" | maxof)" "" "" "<= 33 ms" \
    "$(if [ -z "$(vals "$ak,hover-max-frame-ms")" ]; then echo n/a; else awk -v a="$(vals "$ak,hover-max-frame-ms" | maxof)" 'BEGIN { print (a <= 33) ? "yes" : "NO" }'; fi)"
  row "  hover scrub: frames over 33 ms (all runs)$sfx" "-" "${h_late:-0} of $(vals "$ak,hover-frames" | sumof)" "" "" "" ""
  row "  hover scrub: frame time p50 / p95, ms; longest work (tick to after-paint), ms$sfx" "-" \
    "$(vals "$ak,hover-p50-frame-ms" | median) / $(vals "$ak,hover-p95-frame-ms" | median); $(vals "$ak,hover-max-work-ms" | maxof)" "" "" "" ""
  cmp_row "RSS after the hover scrub (VmRSS), MiB$sfx" \
    "$(mib "$(vals "$bk,rss" | median)")" "$(mib "$(vals "$ak,hover-rss-kb" | median)")" MiB plus 35
  cmp_row "peak RSS after the hover scrub (VmHWM), MiB$sfx" \
    "$(mib "$(vals "$bk,hwm" | median)")" "$(mib "$(vals "$ak,hover-hwm-kb" | median)")" MiB plus 70
  row "  scroll top to bottom, s (frames)$sfx" \
    "$(awk -v m="$(vals "$bk,scroll" | median)" 'BEGIN { printf "%.2f", m / 1000 }') ($(vals "$bk,frames" | median))" \
    "$(awk -v m="$(vals "$ak,scroll" | median)" 'BEGIN { printf "%.1f", m / 1000 }') ($(vals "$ak,frames" | median))" "" "" "" ""
done

# the app's slow-frame lines of its last run with each renderer, one table each
SLOW_TITLES=()
for renderer in $RENDERERS; do
  out=$WORK/slow-$renderer.tsv
  printf 'rank\tframe\tat\tinterval\tlayout\tpaint\tbetween\tcpu\n' >"$out"
  awk '$1 == "vidshelf-bench" && $2 == "slow-frame" {
         for (i = 3; i <= NF; i++) { eq = index($i, "="); v[substr($i, 1, eq - 1)] = substr($i, eq + 1) }
         printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v["rank"], v["index"], v["at"], v["interval-ms"],
                v["layout-ms"], v["paint-ms"], v["between-ms"], v["cpu-ms"] }' \
    "$WORK/app-$renderer-$REPS.err" >>"$out" 2>/dev/null || true
  SLOW_TITLES+=("the app's longest frames, run $REPS of $REPS with $renderer ($(kv "$WORK/app-$renderer-$REPS.kv" scroll-ms.frames) frames), ms: interval = layout + paint + between (+ the ::after-paint handlers); cpu = the main thread's CPU time in it; at = where in the scroll (0 top, 1 bottom)")
done

commit=unknown
if have git && git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -z "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ] || commit="$commit (modified)"
fi
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
gtk_v=$(pkg-config --modversion gtk4 2>/dev/null || echo ?)
adw_v=$(pkg-config --modversion libadwaita-1 2>/dev/null || echo ?)
cached=$(vals "app,${RENDERERS%% *},cached" | median)
pages="one page"; [ "$STEP" = 1 ] || pages="$STEP pages"
CAPTION=(
  "vidshelf $commit: $APP (release build), window ${WIN_W}x${WIN_H} (the schema's default size; the baseline window gets the same)"
  "data: N_VIDEOS=$N_VIDEOS, $n_listed videos (tiny files in $N_DIRS folders, indexed by vidshelf-cli scan --no-probe, media facts filled in the index), a valid 256x144 thumbnail for each in the cache; baseline: a bare GTK 4 window, GtkScrolledWindow + GtkGridView of 10 GtkStringList labels"
  "method: median of $REPS runs each (longest frame and work, the max of a breakdown part: the largest of all runs; frame counts: all runs), baseline and app alternating, one untimed run of each first; Xvfb $SCREEN, private D-Bus session bus, GSK_RENDERER ${RENDERERS// /, } for both, a11y $A11Y; times from the script's launch of the process to the ::after-paint of the frame; the scroll moves $pages a frame (VIDSHELF_BENCH_STEP=$STEP, tick callback), frame = interval between ticks, split into layout, paint and between; RSS from /proc/self/status, read after the scroll and the last thumbnails (1 s or more); MiB = 1024 x 1024 bytes"
  "versions: GTK $gtk_v, libadwaita $adw_v; the app's model held ${cached:-?} items at the end"
  "machine: $(nproc) CPU ${cpu_model:-?}, ${mem:-?}, $(uname -sr)"
)

# aligned FILE RIGHT: a TSV as aligned text, the columns listed in RIGHT (",2,3,") right-aligned
aligned() {
  awk -F'\t' -v right="$2" '
    { for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; if (NF > nf) nf = NF }
    END {
      for (r = 1; r <= n; r++) {
        line = ""
        for (i = 1; i <= nf; i++) {
          fmt = index(right, "," i ",") ? "%" w[i] "s" : "%-" w[i] "s"
          line = line (i > 1 ? "  " : "") sprintf(fmt, c[r, i])
        }
        sub(/ +$/, "", line); print line
        if (r == 1) { line = ""; for (i = 1; i <= nf; i++) { d = sprintf("%" w[i] "s", ""); gsub(/ /, "-", d); line = line (i > 1 ? "  " : "") d } print line }
      }
    }' "$1"
}
# markdown FILE RIGHT: the same as a Markdown table
markdown() {
  awk -F'\t' -v right="$2" '
    { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
      if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line (index(right, "," i ",") ? "---:|" : "---|"); print line } }' "$1"
}
SLOW_RIGHT=,1,2,3,4,5,6,7,8,

echo
echo "== results"
printf '%s\n' "${CAPTION[@]}"
echo
aligned "$TSV" ,2,3,4,5,
i=0
for renderer in $RENDERERS; do
  echo
  echo "${SLOW_TITLES[$i]}"
  aligned "$WORK/slow-$renderer.tsv" "$SLOW_RIGHT" | sed 's/^/  /'
  i=$((i + 1))
done
echo
printf '%s\n' "${CHECKS[@]}" ${NOTES[@]+"${NOTES[@]}"}
[ "$SCREENSHOTS" = no ] || echo "screenshots: $SHOT_SYN${SHOT_REAL:+, $SHOT_REAL}$([ "$README_SHOT" = yes ] && echo ", $README_PNG")"

echo
echo "== Markdown"
echo
markdown "$TSV" ,2,3,4,5,
echo
for c in "${CAPTION[@]}" "${CHECKS[@]}" ${NOTES[@]+"${NOTES[@]}"}; do echo "- $c"; done
i=0
for renderer in $RENDERERS; do
  echo
  echo "${SLOW_TITLES[$i]}:"
  echo
  markdown "$WORK/slow-$renderer.tsv" "$SLOW_RIGHT"
  i=$((i + 1))
done

if [ "$FAILS" -gt 0 ]; then
  echo
  echo "bench-window: $FAILS check(s) failed; the runs' lines are in the log below" >&2
  grep '^vidshelf-bench\|WARNING\|CRITICAL' "$WORK/all.err" | tail -n 40 | sed 's/^/  | /' >&2 || true
  exit 1
fi
