/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-query: the list queries at 100,000 videos, as the window runs them (run by
 * tests/bench/bench-query.sh).
 *
 *   bench-query generate DB N_VIDEOS N_DIRS
 *     A library of N_VIDEOS rows with realistic facts, written straight into the tables of
 *     a library the app created (schema, roots and folders through VsDatabase).
 *   bench-query open DB
 *     Opens it as the app's writer does: any index missing (one added since) is made.
 *   bench-query run DB RUNS OUTDIR
 *     Each query of a fixed list, RUNS times after one untimed run: (a) the first page as
 *     the window gets it (the id snapshot, the first 60 records; the count is checked untimed) and (b) the
 *     id snapshot alone. Prints one TSV line a query (name, matches, p50/p95/max of each in
 *     ms) and writes OUTDIR/NN.count.sql and NN.ids.sql: the app's own SQL, parameters
 *     written in, for the sqlite3 shell. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs-database-private.h"

#define PAGE 60
#define SEC_NS (G_GINT64_CONSTANT (1000000000))
#define DAY_NS (86400 * SEC_NS)
#define ROOT "/bench/Videos"

/* 2026-12-01 00:00 UTC: fixed, so a run's data does not depend on the day */
#define NOW_NS (G_GINT64_CONSTANT (1796083200) * SEC_NS)

static void G_GNUC_NORETURN
die (const char *what,
     GError     *error)
{
  g_printerr ("bench-query: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_printerr ("bench-query: %s: %s\n", sql, message);
      exit (1);
    }
}

/* A picked value: @weights in percent (they add up to 100). */
static guint
pick_weighted (GRand       *rand,
               const guint *weights,
               guint        n)
{
  guint r = (guint) g_rand_int_range (rand, 0, 100), sum = 0;

  for (guint i = 0; i < n; i++)
    {
      sum += weights[i];
      if (r < sum)
        return i;
    }
  return n - 1;
}

/* generate --------------------------------------------------------------------------- */

static const char * const tops[] = { "Trips", "Family", "Lectures", "Movies", "Series",
                                     "Camera", "Downloads", "Archive", "Talks", "北京 2019" };
static const char * const places[] = { "Lisbon", "Porto", "Zürich", "Kraków", "São Paulo",
                                       "Tokyo", "上海", "Berlin", "Montréal", "Oslo" };
static const char * const scenes[] = { "Beach", "Day 1", "Day 2", "Old Town", "Harbour",
                                       "Night", "Museum", "Café", "Concert", "Hike" };
static const char * const titles[] = { "Sunset", "Family dinner", "Beach volleyball",
                                       "Café au lait", "长城之旅", "Birthday", "Lecture",
                                       "Interview", "Street food", "Timelapse" };
static const char * const exts[] = { "mp4", "mp4", "mp4", "mkv", "mkv", "webm", "mov" };

/* codec (as the prober stores GStreamer's description), its share in percent */
static const char * const codecs[] = { "H.264 (High Profile)", "H.265 (Main Profile)", "VP9",
                                       "AV1 (Main Profile)", "MPEG-4 Video" };
static const guint codec_weights[] = { 60, 20, 10, 5, 5 };
/* SD, 720p, 1080p, 4K, unknown (no picture: audio only, a cover) */
static const int widths[] = { 720, 1280, 1920, 3840, 0 };
static const int heights[] = { 480, 720, 1080, 2160, 0 };
static const guint resolution_weights[] = { 15, 25, 47, 10, 3 };

static void
generate (const char *path,
          guint       n_videos,
          guint       n_dirs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsDatabase) db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261204);
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) dir_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) depths = g_array_new (FALSE, FALSE, sizeof (int));
  sqlite3_stmt *insert = NULL, *watched = NULL, *playback = NULL;
  gint64 root_id = 0, id;
  guint n_watched = 0, n_progress = 0;

  if (db == NULL)
    die ("creating the library", error);
  if (!vs_database_add_root (db, ROOT, &root_id, &error))
    die ("adding the root", error);
  if (!vs_database_begin (db, &error))
    die ("a transaction", error);
  /* folders: the root, ten top ones, then "<year> <place>", then scenes, depth ≤ 5 */
  id = vs_database_ensure_folder (db, root_id, 0, ROOT, &error);
  if (id <= 0)
    die ("a folder", error);
  g_ptr_array_add (dirs, g_strdup (ROOT));
  g_array_append_val (dir_ids, id);
  g_array_append_val (depths, (int) { 0 });
  for (guint k = 1; k < n_dirs; k++)
    {
      guint parent;
      g_autofree char *name = NULL;
      char *dir;
      int depth;

      if (k <= G_N_ELEMENTS (tops))
        {
          parent = 0;
          name = g_strdup (tops[k - 1]);
        }
      else
        {
          do
            parent = (guint) g_rand_int_range (rand, 1, (gint32) dirs->len);
          while (g_array_index (depths, int, parent) >= 4);
          if (g_array_index (depths, int, parent) == 1)
            name = g_strdup_printf ("%d %s", g_rand_int_range (rand, 2012, 2026),
                                    places[g_rand_int_range (rand, 0, G_N_ELEMENTS (places))]);
          else
            name = g_strdup_printf ("%s %04u",
                                    scenes[g_rand_int_range (rand, 0, G_N_ELEMENTS (scenes))], k);
        }
      dir = g_build_filename (g_ptr_array_index (dirs, parent), name, NULL);
      depth = g_array_index (depths, int, parent) + 1;
      id = vs_database_ensure_folder (db, root_id, g_array_index (dir_ids, gint64, parent), dir,
                                      &error);
      if (id <= 0)
        die ("a folder", error);
      g_ptr_array_add (dirs, dir);
      g_array_append_val (dir_ids, id);
      g_array_append_val (depths, depth);
    }

  if (sqlite3_prepare_v2 (db->db,
                          "INSERT INTO videos (folder_id, path, uri, display_name, sort_name, "
                          "sort_key, kind, size, mtime_ns, btime_ns, duration_ms, width, height, "
                          "video_codec, audio_codec, container, has_video, probe_state, "
                          "thumb_state, hls_state, hls_flags, hls_segments, hls_missing, added_ns) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                          "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
                          -1, &insert, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db->db, "INSERT INTO watched (path, watched, play_count, "
                                  "last_played_ns) VALUES (?1, 1, ?2, ?3)",
                          -1, &watched, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db->db, "INSERT INTO playback (path, position_ms, updated_ns) "
                                  "VALUES (?1, ?2, ?3)", -1, &playback, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-query: %s\n", sqlite3_errmsg (db->db));
      exit (1);
    }

  for (guint i = 0; i < n_videos; i++)
    {
      /* files sit deep rather than at the top: pick among the later folders more often */
      guint k = (guint) MIN ((double) dirs->len - 1,
                             1 + sqrt (g_rand_double (rand)) * (dirs->len - 1));
      const char *dir = g_ptr_array_index (dirs, k);
      gboolean hls = g_rand_int_range (rand, 0, 100) < 5;
      int state = g_rand_int_range (rand, 0, 100);   /* 0: unprobed (1 %), 1–2: broken (2 %) */
      g_autofree char *name = NULL;
      g_autofree char *file = NULL;
      g_autofree char *uri = NULL;
      g_autofree char *display = NULL;
      g_autofree char *folded = NULL;
      g_autofree char *key = NULL;
      gint64 mtime = NOW_NS - (gint64) (g_rand_double (rand) * 3650 * DAY_NS);
      /* a scan found it some time after it was written: up to a year, never in the future */
      gint64 added = MIN (NOW_NS - g_rand_int_range (rand, 0, 3600) * SEC_NS,
                          mtime + (gint64) (g_rand_double (rand) * 365 * DAY_NS));
      /* log-normal around 5 min, 10 s to 3 h */
      double u1 = g_rand_double_range (rand, 1e-9, 1), u2 = g_rand_double (rand);
      double z = sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
      gint64 duration = (gint64) CLAMP (exp (log (300.0) + 1.3 * z), 10, 3 * 3600) * 1000;

      if (g_rand_int_range (rand, 0, 100) < 40)
        name = g_strdup_printf ("IMG_%06u.%s", i,
                                exts[g_rand_int_range (rand, 0, G_N_ELEMENTS (exts))]);
      else
        name = g_strdup_printf ("%s — part %d (%06u).%s",
                                titles[g_rand_int_range (rand, 0, G_N_ELEMENTS (titles))],
                                g_rand_int_range (rand, 1, 13), i,
                                exts[g_rand_int_range (rand, 0, G_N_ELEMENTS (exts))]);
      if (hls)
        {
          /* a download: its folder is its name */
          g_autofree char *stem = g_strndup (name, strrchr (name, '.') - name);

          file = g_build_filename (dir, stem, "index.m3u8", NULL);
          display = g_strdup (stem);
        }
      else
        {
          file = g_build_filename (dir, name, NULL);
          display = g_strdup (name);
        }
      uri = g_filename_to_uri (file, NULL, NULL);
      folded = vs_database_fold_name (display);
      key = vs_database_sort_key (display);

      sqlite3_bind_int64 (insert, 1, g_array_index (dir_ids, gint64, k));
      _vs_bind_path (insert, 2, file);
      sqlite3_bind_text (insert, 3, uri, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 4, display, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 5, folded, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 6, key, -1, SQLITE_STATIC);
      sqlite3_bind_int (insert, 7, hls ? VS_VIDEO_KIND_HLS : VS_VIDEO_KIND_FILE);
      /* about 4 Mb/s */
      sqlite3_bind_int64 (insert, 8, hls ? 0 : duration / 1000 * 500000 +
                                              g_rand_int_range (rand, 0, 1 << 20));
      sqlite3_bind_int64 (insert, 9, mtime);
      if (g_rand_boolean (rand))
        sqlite3_bind_int64 (insert, 10, mtime - g_rand_int_range (rand, 0, 86400) * SEC_NS);
      if (hls)
        {
          /* HLS items: their duration from the playlist, never probed */
          sqlite3_bind_int64 (insert, 11, duration);
          sqlite3_bind_int (insert, 18, VS_MEDIA_STATE_DONE);
          sqlite3_bind_int (insert, 20, VS_HLS_STATE_COMPLETE);
          sqlite3_bind_int (insert, 21, 0);
          sqlite3_bind_int64 (insert, 22, duration / 6000 + 1);
          sqlite3_bind_int64 (insert, 23, 0);
        }
      else if (state == 0)
        sqlite3_bind_int (insert, 18, VS_MEDIA_STATE_PENDING);
      else if (state <= 2)
        sqlite3_bind_int (insert, 18, VS_MEDIA_STATE_FAILED);
      else
        {
          guint res = pick_weighted (rand, resolution_weights, G_N_ELEMENTS (heights));

          sqlite3_bind_int64 (insert, 11, duration);
          sqlite3_bind_int (insert, 12, widths[res]);
          sqlite3_bind_int (insert, 13, heights[res]);
          if (heights[res] > 0)
            sqlite3_bind_text (insert, 14,
                               codecs[pick_weighted (rand, codec_weights, G_N_ELEMENTS (codecs))],
                               -1, SQLITE_STATIC);
          sqlite3_bind_text (insert, 15, "MPEG-4 AAC", -1, SQLITE_STATIC);
          sqlite3_bind_text (insert, 16,
                             g_str_has_suffix (name, ".mkv") ? "Matroska" : "ISO MP4/M4A",
                             -1, SQLITE_STATIC);
          sqlite3_bind_int (insert, 17, heights[res] > 0);
          sqlite3_bind_int (insert, 18, VS_MEDIA_STATE_DONE);
        }
      if (!hls && state > 2)
        sqlite3_bind_int (insert, 19, VS_MEDIA_STATE_DONE);
      else
        sqlite3_bind_int (insert, 19, VS_MEDIA_STATE_PENDING);
      sqlite3_bind_int64 (insert, 24, added);
      if (sqlite3_step (insert) != SQLITE_DONE)
        {
          g_printerr ("bench-query: inserting: %s\n", sqlite3_errmsg (db->db));
          exit (1);
        }
      sqlite3_reset (insert);
      sqlite3_clear_bindings (insert);

      /* 10 % watched, 3 % in progress (some of them watched before) */
      if (g_rand_int_range (rand, 0, 100) < 10)
        {
          _vs_bind_path (watched, 1, file);
          sqlite3_bind_int (watched, 2, g_rand_int_range (rand, 1, 4));
          sqlite3_bind_int64 (watched, 3,
                              added + (gint64) (g_rand_double (rand) * (NOW_NS - added)));
          if (sqlite3_step (watched) != SQLITE_DONE)
            die ("watched", NULL);
          sqlite3_reset (watched);
          n_watched++;
        }
      if (g_rand_int_range (rand, 0, 100) < 3)
        {
          _vs_bind_path (playback, 1, file);
          sqlite3_bind_int64 (playback, 2, duration / 3);
          sqlite3_bind_int64 (playback, 3,
                              added + (gint64) (g_rand_double (rand) * (NOW_NS - added)));
          if (sqlite3_step (playback) != SQLITE_DONE)
            die ("playback", NULL);
          sqlite3_reset (playback);
          n_progress++;
        }
    }
  sqlite3_finalize (insert);
  sqlite3_finalize (watched);
  sqlite3_finalize (playback);
  if (!vs_database_commit (db, &error))
    die ("committing", error);
  /* as the app leaves a library: no ANALYZE statistics (it never runs ANALYZE) */
  exec_or_die (db->db, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_print ("generated %u videos in %u folders, %u watched, %u in progress\n", n_videos,
           dirs->len, n_watched, n_progress);
}

/* run -------------------------------------------------------------------------------- */

typedef struct
{
  const char   *name;
  VsVideoQuery  query;
  const char   *folder;   /* below the root */
} Case;

#define YEAR_NS (365 * DAY_NS)

static const Case cases[] = {
  /* each filter alone, the default sort (name) */
  { "all, by name", { 0 }, NULL },
  { "files", { .kind = VS_KIND_FILTER_FILE }, NULL },
  { "HLS downloads", { .hls_only = TRUE }, NULL },
  { "SD (< 720)", { .max_height = 719 }, NULL },
  { "1080p", { .min_height = 1080, .max_height = 2159 }, NULL },
  { "4K", { .min_height = 2160 }, NULL },
  { "codec H.265", { .video_codec = "H.265 (Main Profile)" }, NULL },
  { "codec AV1", { .video_codec = "AV1 (Main Profile)" }, NULL },
  { "longer than 1 h", { .min_duration_ms = 3600000 }, NULL },
  { "shorter than 1 min", { .max_duration_ms = 60000 }, NULL },
  { "modified this year", { .modified_since_ns = NOW_NS - YEAR_NS }, NULL },
  { "modified in a month", { .modified_since_ns = NOW_NS - 5 * YEAR_NS,
                             .modified_until_ns = NOW_NS - 5 * YEAR_NS + 30 * DAY_NS }, NULL },
  { "watched", { .watched = VS_WATCHED_FILTER_WATCHED }, NULL },
  { "unwatched", { .watched = VS_WATCHED_FILTER_UNWATCHED }, NULL },
  { "in progress", { .watched = VS_WATCHED_FILTER_IN_PROGRESS }, NULL },
  { "broken", { .problem = VS_PROBLEM_FILTER_BROKEN }, NULL },
  { "unprobed", { .problem = VS_PROBLEM_FILTER_UNPROBED }, NULL },
  /* each sort alone */
  { "by mtime, newest", { .sort = VS_SORT_MTIME, .descending = TRUE }, NULL },
  { "by size, largest", { .sort = VS_SORT_SIZE, .descending = TRUE }, NULL },
  { "by duration", { .sort = VS_SORT_DURATION }, NULL },
  { "by duration, longest", { .sort = VS_SORT_DURATION, .descending = TRUE }, NULL },
  { "by resolution, largest", { .sort = VS_SORT_RESOLUTION, .descending = TRUE }, NULL },
  { "by folder", { .sort = VS_SORT_FOLDER }, NULL },
  { "by added", { .sort = VS_SORT_ADDED }, NULL },
  { "by added, newest", { .sort = VS_SORT_ADDED, .descending = TRUE }, NULL },
  { "by last played", { .sort = VS_SORT_LAST_PLAYED, .descending = TRUE }, NULL },
  /* a few together */
  { "1080p H.264 unwatched, newest added",
    { .min_height = 1080, .max_height = 2159, .video_codec = "H.264 (High Profile)",
      .watched = VS_WATCHED_FILTER_UNWATCHED, .sort = VS_SORT_ADDED, .descending = TRUE }, NULL },
  { "> 1 h unwatched, longest",
    { .min_duration_ms = 3600000, .watched = VS_WATCHED_FILTER_UNWATCHED,
      .sort = VS_SORT_DURATION, .descending = TRUE }, NULL },
  { "in progress, last played (Continue Watching)",
    { .watched = VS_WATCHED_FILTER_IN_PROGRESS, .sort = VS_SORT_LAST_PLAYED,
      .descending = TRUE }, NULL },
  /* search and a filter */
  { "search \"lisbon\"", { .search = "lisbon" }, NULL },
  { "search \"beach\" + 1080p", { .search = "beach", .min_height = 1080, .max_height = 2159 },
    NULL },
  /* a folder and a filter */
  { "folder Trips/ + unwatched", { .recursive = TRUE, .watched = VS_WATCHED_FILTER_UNWATCHED },
    "Trips" },
  { "folder Movies/ + > 1 h, by size", { .recursive = TRUE, .min_duration_ms = 3600000,
                                          .sort = VS_SORT_SIZE, .descending = TRUE }, "Movies" },
};

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* nearest rank */
static double
percentile (GArray *sorted,
            double  p)
{
  guint rank = (guint) ceil (p / 100 * sorted->len);

  return g_array_index (sorted, double, MAX (rank, 1) - 1);
}

static void
write_sql (const char *dir,
           guint       index,
           const char *what,
           const char *sql)
{
  g_autofree char *name = g_strdup_printf ("%02u.%s.sql", index, what);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = g_strconcat (sql, ";\n", NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, text, -1, &error))
    die (path, error);
}

static void
run (const char *path,
     guint       runs,
     const char *outdir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsDatabase) db = vs_database_open (path, VS_DATABASE_MODE_READER, &error);

  if (db == NULL)
    die ("opening the library", error);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      VsVideoQuery query = cases[c].query;
      g_autofree char *folder = cases[c].folder != NULL
                                ? g_build_filename (ROOT, cases[c].folder, NULL) : NULL;
      g_autofree char *count_sql = NULL;
      g_autofree char *ids_sql = NULL;
      g_autoptr(GArray) page_ms = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) ids_ms = g_array_new (FALSE, FALSE, sizeof (double));
      gint64 count = -1;

      query.folder = folder;
      count_sql = _vs_database_query_sql (db, &query, TRUE, &error);
      ids_sql = count_sql != NULL ? _vs_database_query_sql (db, &query, FALSE, &error) : NULL;
      if (ids_sql == NULL)
        die (cases[c].name, error);
      write_sql (outdir, c, "count", count_sql);
      write_sql (outdir, c, "ids", ids_sql);

      /* one untimed run of each, then RUNS timed ones */
      for (guint r = 0; r <= runs; r++)
        {
          g_autoptr(GArray) ids = NULL;
          g_autoptr(GPtrArray) records = NULL;
          gint64 t0, t1, t2, t3;
          double ms;

          /* the window counts nothing: its model's length is the snapshot's (checked here,
           * untimed) */
          count = vs_database_count_videos (db, &query, &error);
          t0 = g_get_monotonic_time ();
          ids = count >= 0 ? vs_database_query_ids (db, &query, &error) : NULL;
          records = ids != NULL ? vs_database_load_videos (db, (gint64 *) ids->data,
                                                           MIN (ids->len, PAGE), &error)
                                : NULL;
          t1 = g_get_monotonic_time ();
          if (records == NULL)
            die (cases[c].name, error);
          if ((gint64) ids->len != count)
            {
              g_printerr ("bench-query: %s: %" G_GINT64_FORMAT " counted, %u listed\n",
                          cases[c].name, count, ids->len);
              exit (1);
            }
          g_clear_pointer (&ids, g_array_unref);
          t2 = g_get_monotonic_time ();
          ids = vs_database_query_ids (db, &query, &error);
          t3 = g_get_monotonic_time ();
          if (ids == NULL)
            die (cases[c].name, error);
          if (r == 0)
            continue;
          ms = (t1 - t0) / 1000.0;
          g_array_append_val (page_ms, ms);
          ms = (t3 - t2) / 1000.0;
          g_array_append_val (ids_ms, ms);
        }
      g_array_sort (page_ms, compare_double);
      g_array_sort (ids_ms, compare_double);
      g_print ("%02u\t%s\t%" G_GINT64_FORMAT "\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n", c,
               cases[c].name, count, percentile (page_ms, 50), percentile (page_ms, 95),
               g_array_index (page_ms, double, page_ms->len - 1), percentile (ids_ms, 50),
               percentile (ids_ms, 95), g_array_index (ids_ms, double, ids_ms->len - 1));
    }
}

int
main (int    argc,
      char **argv)
{
  if (argc == 5 && g_str_equal (argv[1], "generate"))
    generate (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10),
              (guint) MAX (g_ascii_strtoull (argv[4], NULL, 10), 12));
  else if (argc == 3 && g_str_equal (argv[1], "open"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VsDatabase) db = vs_database_open (argv[2], VS_DATABASE_MODE_WRITER, &error);

      if (db == NULL)
        die ("opening the library", error);
    }
  else if (argc == 5 && g_str_equal (argv[1], "run"))
    run (argv[2], (guint) MAX (g_ascii_strtoull (argv[3], NULL, 10), 1), argv[4]);
  else
    {
      g_printerr ("usage: bench-query generate DB N_VIDEOS N_DIRS\n"
                  "       bench-query open DB\n"
                  "       bench-query run DB RUNS OUTDIR\n");
      return 2;
    }
  return 0;
}
