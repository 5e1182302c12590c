#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-stats.sh - the Statistics page's query at 100,000 videos: vidshelf-cli stats next
# to the same SQL in the sqlite3 shell on the same file (the floor).
#
# Run by hand from a clone, never in CI. Builds a release vidshelf-cli in <repo>/_build-bench (or uses
# --cli PATH), makes an index of N_FILES synthetic rows (once, kept under $BENCH_DATA/stats): the
# schema from `vidshelf-cli scan` of an empty folder, then rows inserted by the sqlite3 shell with a
# library's spread of codecs, heights, containers, sizes, durations and 25 years of mtimes, a tenth of
# them HLS downloads (half merged), a tenth broken or not probed, a fifth watched. Then REPS times
# each: the query inside vidshelf-cli (the g_debug line vs_database_query_stats() prints: what the
# page waits for), the whole `vidshelf-cli stats` process, and `sqlite3 FILE < stats.sql`
# with the same statements (a whole process too). Prints p50/p95/max of each and the ratios to the
# floor, and PASS/FAIL against the 300 ms target.
#
# Usage: tests/bench/bench-stats.sh [--cli PATH]
# Env:   BENCH_DATA (/tmp/vidshelf-bench)  REPS (10)  N_FILES (100000)
# Exit:  0 when the target is met, 1 when it is not or something cannot run, 2 on a usage error.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
usage: tests/bench/bench-stats.sh [--cli PATH]

  --cli PATH   vidshelf-cli to measure (default: build a release one in <repo>/_build-bench)

Env: BENCH_DATA (/tmp/vidshelf-bench)  REPS (10: timed runs, after one untimed)
     N_FILES (100000: rows in the index)
EOF
}
die() { echo "bench-stats: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"
parse_cli_args bench-stats "$@"

BENCH_DATA=${BENCH_DATA:-/tmp/vidshelf-bench}
REPS=${REPS:-10}
N_FILES=${N_FILES:-100000}
for v in REPS N_FILES; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench-stats: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
[ "$REPS" -ge 1 ] && [ "$N_FILES" -ge 10 ] || { echo "bench-stats: REPS >= 1, N_FILES >= 10" >&2; exit 2; }
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 or later (EPOCHREALTIME)"
command -v sqlite3 >/dev/null 2>&1 || die "needs the sqlite3 shell (Debian: apt-get install sqlite3)"

REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$BENCH_DATA/stats"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd -P)
WORK=$(mktemp -d "$BENCH_DATA/stats/run.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

if [ -z "$CLI" ]; then
  build_release "$REPO/_build-bench" vidshelf-cli src/cli/vidshelf-cli
  CLI=$REPO/_build-bench/src/cli/vidshelf-cli
fi
[ -x "$CLI" ] || die "no vidshelf-cli at $CLI"

DB=$BENCH_DATA/stats/library-$N_FILES.db
if [ ! -f "$DB" ]; then
  echo "== making an index of $N_FILES rows in $DB"
  mkdir -p "$WORK/empty"
  "$CLI" scan --db "$DB.tmp" --no-probe "$WORK/empty" >/dev/null
  sqlite3 "$DB.tmp" <<EOF
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N_FILES / 50)
INSERT INTO folders (root_id, parent_id, path, search_path)
  SELECT 1, 1, CAST('$WORK/empty/f' || i AS BLOB), 'f' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N_FILES)
INSERT INTO videos (folder_id, path, uri, display_name, sort_name, sort_key, kind, size, mtime_ns,
                    duration_ms, width, height, video_codec, container, has_video, probe_state,
                    thumb_state, added_ns)
  SELECT 2 + i % ($N_FILES / 50),
         CAST('$WORK/empty/f' || (i % ($N_FILES / 50)) || '/v' || i || '.mp4' AS BLOB),
         'file:///v' || i, 'v' || i || '.mp4', 'v' || i || '.mp4', 'v' || i,
         CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
         abs(random() % 4000000000),
         (1262304000 + abs(random() % 788400000)) * 1000000000,
         CASE WHEN i % 17 = 0 THEN NULL ELSE abs(random() % 7200000) END,
         CASE WHEN i % 10 IN (0, 3) THEN NULL ELSE (CASE i % 7 WHEN 0 THEN 640 WHEN 1 THEN 1280
           WHEN 2 THEN 1920 WHEN 3 THEN 1920 WHEN 4 THEN 3840 WHEN 5 THEN 1280 ELSE 854 END) END,
         CASE WHEN i % 10 IN (0, 3) THEN NULL ELSE (CASE i % 7 WHEN 0 THEN 360 WHEN 1 THEN 720
           WHEN 2 THEN 1080 WHEN 3 THEN 1080 WHEN 4 THEN 2160 WHEN 5 THEN 720 ELSE 480 END) END,
         CASE WHEN i % 10 IN (0, 3) THEN NULL ELSE (CASE i % 5 WHEN 0 THEN 'H.264 (High Profile)'
           WHEN 1 THEN 'H.265 (Main Profile)' WHEN 2 THEN 'VP9' WHEN 3 THEN 'H.264 (Main Profile)'
           ELSE 'AV1' END) END,
         CASE WHEN i % 10 IN (0, 3) THEN NULL ELSE (CASE i % 3 WHEN 0 THEN 'Quicktime'
           WHEN 1 THEN 'Matroska' ELSE 'WebM' END) END,
         CASE WHEN i % 10 IN (0, 3) THEN NULL ELSE 1 END,
         CASE WHEN i % 10 = 3 THEN (i / 10) % 2 * 2 ELSE 1 END,
         1, 0
  FROM n;
-- half the downloads merged: their MP4 beside their folder
INSERT INTO videos (folder_id, path, uri, display_name, sort_name, sort_key, kind, size, mtime_ns,
                    probe_state, thumb_state, added_ns)
  SELECT 1, CAST(f.path || '.mp4' AS BLOB), 'file:///m' || v.id, 'm', 'm', 'm', 0, v.size / 2,
         v.mtime_ns, 0, 1, 0
  FROM videos v JOIN folders f ON f.id = v.folder_id WHERE v.kind = 1 AND v.id % 20 = 0
  GROUP BY f.id;
INSERT OR IGNORE INTO watched (path, watched, play_count) SELECT path, 1, 1 FROM videos WHERE id % 5 = 0;
INSERT OR IGNORE INTO playback (path, position_ms, updated_ns)
  SELECT path, 60000, 0 FROM videos WHERE id % 97 = 0;
COMMIT;
EOF
  mv "$DB.tmp" "$DB"
  rm -f "$DB.tmp-wal" "$DB.tmp-shm"
fi

# The statements of vs_database_query_stats() (src/core/vs-database-stats.c) and of the filter
# counts it makes through vs_database_count_videos() (src/core/vs-database-filters.c).
cat >"$WORK/stats.sql" <<'EOF'
BEGIN;
SELECT count(*), ifnull(sum(size), 0), ifnull(sum(CASE WHEN duration_ms >= 0 THEN duration_ms END), 0),
  count(CASE WHEN duration_ms >= 0 THEN 1 END) FROM videos;
SELECT count(*), ifnull(sum(size), 0), ifnull(sum(merged), 0),
  ifnull(sum(CASE WHEN merged THEN size ELSE 0 END), 0) FROM
(SELECT v.size AS size, EXISTS (SELECT 1 FROM videos m
   WHERE m.path = CAST(f.path || '.mp4' AS BLOB) AND m.kind = 0) AS merged
 FROM videos v JOIN folders f ON f.id = v.folder_id WHERE v.kind = 1);
SELECT count(*) FROM videos WHERE videos.path IN (SELECT w.path FROM watched w WHERE w.watched = 1);
SELECT count(*) FROM videos WHERE videos.path IN (SELECT p.path FROM playback p);
SELECT count(*) FROM videos WHERE probe_state = 2;
SELECT count(*) FROM videos WHERE probe_state = 0 AND kind = 0;
SELECT nullif(video_codec, ''), 0, count(*), ifnull(sum(size), 0),
  ifnull(sum(CASE WHEN duration_ms >= 0 THEN duration_ms END), 0),
  count(CASE WHEN duration_ms >= 0 THEN 1 END) FROM videos GROUP BY 1;
SELECT NULL, CASE WHEN height >= 2160 THEN 3 WHEN height >= 1080 THEN 2
  WHEN height >= 720 THEN 1 WHEN height >= 1 THEN 0 ELSE 4 END AS band,
  count(*), ifnull(sum(size), 0), ifnull(sum(CASE WHEN duration_ms >= 0 THEN duration_ms END), 0),
  count(CASE WHEN duration_ms >= 0 THEN 1 END) FROM videos GROUP BY band;
SELECT nullif(container, ''), 0, count(*), ifnull(sum(size), 0),
  ifnull(sum(CASE WHEN duration_ms >= 0 THEN duration_ms END), 0),
  count(CASE WHEN duration_ms >= 0 THEN 1 END) FROM videos GROUP BY 1;
SELECT NULL, CAST(strftime('%Y', (mtime_ns - ((mtime_ns % 1000000000) + 1000000000)
  % 1000000000) / 1000000000, 'unixepoch', 'localtime') AS INTEGER) AS year,
  count(*), ifnull(sum(size), 0), ifnull(sum(CASE WHEN duration_ms >= 0 THEN duration_ms END), 0),
  count(CASE WHEN duration_ms >= 0 THEN 1 END) FROM videos GROUP BY year;
COMMIT;
EOF

now_us() { local t=${EPOCHREALTIME/./}; echo $((10#$t)); }

# stats_of NAME: p50 p95 max (ms, one decimal) of the numbers (µs) in $WORK/NAME, one a line.
stats_of() {
  sort -n "$WORK/$1" | awk '{ v[NR] = $1 } END {
    p50 = v[int((NR + 1) / 2)]; i95 = int(NR * 0.95 + 0.999); if (i95 > NR) i95 = NR;
    printf "%.1f %.1f %.1f\n", p50 / 1000, v[i95] / 1000, v[NR] / 1000 }'
}

rows=$(sqlite3 "$DB" 'SELECT count(*) FROM videos')
echo "== $rows videos in $DB; $REPS timed runs each, after one untimed"
"$CLI" stats --db "$DB" --json >/dev/null
sqlite3 "$DB" <"$WORK/stats.sql" >/dev/null
: >"$WORK/query"; : >"$WORK/cli"; : >"$WORK/sqlite"
for _ in $(seq "$REPS"); do
  t0=$(now_us)
  # GLib writes debug lines to stdout: the text output, with the line among it
  G_MESSAGES_DEBUG=vs-database "$CLI" stats --db "$DB" >"$WORK/out" 2>&1
  t1=$(now_us)
  echo $((t1 - t0)) >>"$WORK/cli"
  ms=$(sed -n 's/.*Statistics of [0-9]* videos read in \([0-9.]*\) ms.*/\1/p' "$WORK/out")
  [ -n "$ms" ] || die "no timing line from vidshelf-cli (is it built with this change?)"
  awk -v ms="$ms" 'BEGIN { printf "%d\n", ms * 1000 }' >>"$WORK/query"
  t0=$(now_us)
  sqlite3 "$DB" <"$WORK/stats.sql" >/dev/null
  t1=$(now_us)
  echo $((t1 - t0)) >>"$WORK/sqlite"
done
grep -q "^Videos: *$rows " "$WORK/out" || die "vidshelf-cli stats did not count $rows videos"

read -r q50 q95 qmax <<<"$(stats_of query)"
read -r c50 c95 cmax <<<"$(stats_of cli)"
read -r s50 s95 smax <<<"$(stats_of sqlite)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
printf '%-40s %9s %9s %9s %8s\n' "" "p50 ms" "p95 ms" "max ms" "÷ floor"
printf '%-40s %9s %9s %9s %8s\n' "vidshelf: the query (in process)" "$q50" "$q95" "$qmax" "$(ratio "$q50" "$s50")"
printf '%-40s %9s %9s %9s %8s\n' "vidshelf-cli stats (process)" "$c50" "$c95" "$cmax" "$(ratio "$c50" "$s50")"
printf '%-40s %9s %9s %9s %8s\n' "sqlite3 shell, same SQL (floor)" "$s50" "$s95" "$smax" "1.00"
if awk -v m="$qmax" 'BEGIN { exit !(m <= 300) }'; then
  echo "PASS: the query's worst run ($qmax ms) is within 300 ms"
else
  echo "FAIL: the query's worst run ($qmax ms) is above 300 ms"; exit 1
fi
