/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The library's statistics against a brute-force computation over the same rows; each
 * bar's filter counts exactly its videos. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "vs-database-private.h"
#include "vs-library-stats.h"
#include "vs-prober.h"
#include "vs-test-library.h"
#include "vs-test-utils.h"

#define N_ROWS 500
#define SECOND_NS G_GINT64_CONSTANT (1000000000)

static const char * const codecs[] = { "H.264 (High Profile)", "H.265 (Main Profile)", "VP9",
                                       NULL };
static const char * const containers[] = { "Quicktime", "Matroska", "WebM", NULL };
static const int heights[] = { -1, 0, 360, 719, 720, 1079, 1080, 1440, 2159, 2160, 4320 };

typedef struct
{
  gint64       id;
  char        *path;
  VsVideoKind  kind;
  gint64       size;
  gint64       mtime_ns;
  gint64       duration_ms; /* -1: unknown */
  int          height;      /* -1: unknown (NULL), 0: no picture */
  const char  *codec;
  const char  *container;
  VsMediaState probe_state;
  gboolean     watched;
  gboolean     in_progress;
  gboolean     merged;      /* HLS: its MP4 is indexed */
} Row;

typedef struct
{
  char       *dir;
  VsDatabase *db;
  GPtrArray  *rows;
  gint64      root_id;
  gint64      lib_folder;
} Fixture;

static void
row_free (gpointer data)
{
  Row *row = data;

  g_free (row->path);
  g_free (row);
}

/* Local midnight of January 1st of @year, in ns. */
static gint64
year_start (int year)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (year, 1, 1, 0, 0, 0);

  return g_date_time_to_unix (dt) * SECOND_NS;
}

static int
ref_year (gint64 mtime_ns)
{
  gint64 seconds = mtime_ns / SECOND_NS - (mtime_ns % SECOND_NS < 0 ? 1 : 0);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (seconds);

  return g_date_time_get_year (dt);
}

static void
insert_row (Fixture *f,
            Row     *row,
            gint64   folder_id)
{
  g_autoptr(VsVideoRecord) r = vs_video_record_new ();
  g_autoptr(GError) error = NULL;

  r->kind = row->kind;
  vs_video_record_set_path (r, row->path);
  r->folder_id = folder_id;
  r->size = row->size;
  r->mtime_ns = row->mtime_ns;
  r->duration_ms = row->duration_ms;
  row->id = vs_database_upsert_video (f->db, r, &error);
  g_assert_no_error (error);
  if (row->probe_state == VS_MEDIA_STATE_DONE)
    {
      VsProbeResult probe = { .duration_ms = row->duration_ms,
                              .width = MAX (row->height, 0) * 16 / 9,
                              .height = MAX (row->height, 0),
                              .video_codec = (char *) row->codec,
                              .container = (char *) row->container,
                              .has_video = row->height > 0 };

      g_assert_true (vs_database_set_probe_result (f->db, row->id, &probe, &error));
    }
  else if (row->probe_state == VS_MEDIA_STATE_FAILED)
    g_assert_true (vs_database_set_probe_result (f->db, row->id, NULL, &error));
  g_assert_no_error (error);
}

static Row *
add_row (Fixture     *f,
         const char  *path,
         VsVideoKind  kind,
         gint64       folder_id)
{
  Row *row = g_new0 (Row, 1);
  static const int years[] = { 1969, 1999, 2016, 2023, 2024 };
  int year = years[g_test_rand_int_range (0, G_N_ELEMENTS (years))];
  guint state = g_test_rand_int_range (0, 5);

  row->path = g_strdup (path);
  row->kind = kind;
  row->size = g_test_rand_int_range (0, 1000000);
  /* either edge of a local year, or inside it */
  switch (g_test_rand_int_range (0, 4))
    {
    case 0:
      row->mtime_ns = year_start (year);
      break;
    case 1:
      row->mtime_ns = year_start (year) - 1;
      break;
    default:
      row->mtime_ns = year_start (year) + g_test_rand_int_range (1, 360) * 86400 * SECOND_NS;
      break;
    }
  row->height = -1;
  row->duration_ms = -1;
  row->probe_state = kind == VS_VIDEO_KIND_HLS ? VS_MEDIA_STATE_DONE
                     : state < 2 ? VS_MEDIA_STATE_PENDING
                     : state == 2 ? VS_MEDIA_STATE_FAILED : VS_MEDIA_STATE_DONE;
  if (row->probe_state != VS_MEDIA_STATE_FAILED && g_test_rand_bit ())
    row->duration_ms = g_test_rand_int_range (0, 7200000);
  if (kind == VS_VIDEO_KIND_FILE && row->probe_state == VS_MEDIA_STATE_DONE)
    {
      row->duration_ms = MAX (row->duration_ms, 0);
      row->height = heights[g_test_rand_int_range (1, G_N_ELEMENTS (heights))];
      row->codec = row->height > 0 ? codecs[g_test_rand_int_range (0, G_N_ELEMENTS (codecs))]
                                   : NULL;
      row->container = containers[g_test_rand_int_range (0, G_N_ELEMENTS (containers))];
    }
  else if (kind == VS_VIDEO_KIND_HLS)
    row->probe_state = VS_MEDIA_STATE_PENDING;  /* HLS items are never probed */
  insert_row (f, row, folder_id);
  g_ptr_array_add (f->rows, row);
  return row;
}

static void
mark_watched (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < f->rows->len; i++)
    {
      Row *row = g_ptr_array_index (f->rows, i);
      guint state = g_test_rand_int_range (0, 6);

      if (state == 0 || state == 1)
        {
          row->watched = TRUE;
          g_assert_true (vs_database_mark_watched (f->db, row->path, TRUE, &error));
        }
      if (state == 1 || state == 2)
        {
          row->in_progress = TRUE;
          g_assert_true (vs_database_set_position (f->db, row->path, 20000, -1, &error));
        }
      g_assert_no_error (error);
    }
}

static void
open_db (Fixture *f,
         int      version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = vs_test_make_tmpdir ();
  path = g_build_filename (f->dir, "library.db", NULL);
  f->db = version > 0 ? _vs_database_open_at_version (path, version, &error)
                      : vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  f->rows = g_ptr_array_new_with_free_func (row_free);
  g_assert_true (vs_database_add_root (f->db, "/lib", &f->root_id, &error));
  f->lib_folder = vs_database_ensure_folder (f->db, f->root_id, 0, "/lib", &error);
  g_assert_no_error (error);
}

/* Files in /lib, and HLS downloads in /lib/dl-N/, some of them merged (/lib/dl-N.mp4). */
static void
fill (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vs_database_begin (f->db, &error));
  for (guint i = 0; i < N_ROWS; i++)
    {
      if (g_test_rand_int_range (0, 6) == 0)
        {
          g_autofree char *folder = g_strdup_printf ("/lib/dl-%u", i);
          g_autofree char *playlist = g_strdup_printf ("%s/index.m3u8", folder);
          gint64 folder_id = vs_database_ensure_folder (f->db, f->root_id, f->lib_folder,
                                                        folder, &error);
          Row *hls;

          g_assert_no_error (error);
          hls = add_row (f, playlist, VS_VIDEO_KIND_HLS, folder_id);
          if (g_test_rand_bit ())
            {
              g_autofree char *mp4 = g_strdup_printf ("%s.mp4", folder);

              add_row (f, mp4, VS_VIDEO_KIND_FILE, f->lib_folder);
              hls->merged = TRUE;
            }
        }
      else
        {
          g_autofree char *path = g_strdup_printf ("/lib/v%05u.mp4", i);

          add_row (f, path, VS_VIDEO_KIND_FILE, f->lib_folder);
        }
    }
  /* an MP4 named like a download's output, but in another folder: not its merge */
  {
    g_autofree char *folder = g_strdup ("/lib/dl-x");
    gint64 folder_id = vs_database_ensure_folder (f->db, f->root_id, f->lib_folder, folder,
                                                  &error);
    gint64 sub = vs_database_ensure_folder (f->db, f->root_id, folder_id, "/lib/dl-x/sub",
                                            &error);

    add_row (f, "/lib/dl-x/index.m3u8", VS_VIDEO_KIND_HLS, folder_id);
    add_row (f, "/lib/dl-x/sub/dl-x.mp4", VS_VIDEO_KIND_FILE, sub);
  }
  g_assert_true (vs_database_commit (f->db, &error));
  mark_watched (f);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  open_db (f, 0);
  fill (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->db);
  g_clear_pointer (&f->rows, g_ptr_array_unref);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
}

/* The reference ---------------------------------------------------------------------- */

typedef struct
{
  gint64 n, bytes, duration_ms;
} RefGroup;

static RefGroup *
ref_group (GHashTable *groups,
           const char *key)
{
  RefGroup *g = g_hash_table_lookup (groups, key ? key : "(null)");

  if (g == NULL)
    {
      g = g_new0 (RefGroup, 1);
      g_hash_table_insert (groups, g_strdup (key ? key : "(null)"), g);
    }
  return g;
}

static char *
ref_key (const Row        *row,
         VsStatsBreakdown  breakdown)
{
  switch (breakdown)
    {
    case VS_STATS_BY_CODEC:
      return g_strdup (row->codec);
    case VS_STATS_BY_CONTAINER:
      return g_strdup (row->container);
    case VS_STATS_BY_RESOLUTION:
      return g_strdup (row->height >= 2160 ? "4k" : row->height >= 1080 ? "1080p"
                       : row->height >= 720 ? "720p" : row->height >= 1 ? "sd" : NULL);
    case VS_STATS_BY_YEAR:
    case VS_STATS_N_BREAKDOWNS:
    default:
      return g_strdup_printf ("%d", ref_year (row->mtime_ns));
    }
}

static void
check_breakdown (Fixture              *f,
                 const VsLibraryStats *stats,
                 VsStatsBreakdown      breakdown)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          g_free);
  const VsStatsGroup *groups;
  guint n_groups;
  gint64 sum = 0;

  for (guint i = 0; i < f->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (f->rows, i);
      g_autofree char *key = ref_key (row, breakdown);
      RefGroup *g = ref_group (expected, key);

      g->n++;
      g->bytes += row->size;
      g->duration_ms += MAX (row->duration_ms, 0);
    }

  groups = vs_library_stats_get_groups (stats, breakdown, &n_groups);
  g_assert_cmpuint (n_groups, ==, g_hash_table_size (expected));
  for (guint i = 0; i < n_groups; i++)
    {
      const VsStatsGroup *g = &groups[i];
      gboolean no_band = breakdown == VS_STATS_BY_RESOLUTION &&
                         g->value == VS_STATS_RESOLUTION_UNKNOWN;
      const char *key = no_band ? NULL : g->key;
      RefGroup *want = g_hash_table_lookup (expected, key ? key : "(null)");
      gboolean unknown = key == NULL;

      g_test_message ("%s %s: %" G_GINT64_FORMAT, vs_stats_breakdown_to_string (breakdown),
                      g->key, g->n_videos);
      g_assert_nonnull (want);
      g_assert_cmpint (g->n_videos, ==, want->n);
      g_assert_cmpint (g->bytes, ==, want->bytes);
      g_assert_cmpint (g->duration_ms, ==, want->duration_ms);
      sum += g->n_videos;

      /* the unknown group comes last */
      if (unknown)
        g_assert_cmpuint (i, ==, n_groups - 1);

      /* a bar with a filter shows exactly its videos */
      g_assert_cmpint (g->has_filter, ==, !unknown && breakdown != VS_STATS_BY_CONTAINER);
      if (g->has_filter)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *text = vs_video_query_to_string (&g->filter);
          g_autofree VsVideoQuery *back = vs_video_query_new_from_string (text, &error);

          g_assert_no_error (error);
          g_assert_cmpint (vs_database_count_videos (f->db, &g->filter, &error), ==, want->n);
          /* and so does its text, which the page hands to the window */
          g_assert_cmpint (vs_database_count_videos (f->db, back, &error), ==, want->n);
          g_assert_no_error (error);
        }
    }
  g_assert_cmpint (sum, ==, f->rows->len);
  if (breakdown == VS_STATS_BY_YEAR)
    for (guint i = 1; i < n_groups; i++)
      g_assert_cmpint (groups[i - 1].value, >, groups[i].value);
  else if (breakdown == VS_STATS_BY_RESOLUTION)
    for (guint i = 1; i < n_groups; i++)
      g_assert_cmpint (groups[i - 1].value, <, groups[i].value);
  else
    for (guint i = 1; i + 1 < n_groups; i++)
      g_assert_cmpint (groups[i - 1].n_videos, >=, groups[i].n_videos);
}

static void
check_stats (Fixture              *f,
             const VsLibraryStats *stats)
{
  gint64 bytes = 0, duration = 0, unknown = 0, watched = 0, in_progress = 0, broken = 0;
  gint64 unprobed = 0, n_hls = 0, hls_bytes = 0, unmerged = 0, unmerged_bytes = 0;

  for (guint i = 0; i < f->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (f->rows, i);

      bytes += row->size;
      duration += MAX (row->duration_ms, 0);
      unknown += row->duration_ms < 0;
      watched += row->watched;
      in_progress += row->in_progress;
      broken += row->probe_state == VS_MEDIA_STATE_FAILED;
      unprobed += row->probe_state == VS_MEDIA_STATE_PENDING && row->kind == VS_VIDEO_KIND_FILE;
      if (row->kind == VS_VIDEO_KIND_HLS)
        {
          n_hls++;
          hls_bytes += row->size;
          if (!row->merged)
            {
              unmerged++;
              unmerged_bytes += row->size;
            }
        }
    }
  g_assert_cmpint (stats->n_videos, ==, f->rows->len);
  g_assert_cmpint (stats->bytes, ==, bytes);
  g_assert_cmpint (stats->duration_ms, ==, duration);
  g_assert_cmpint (stats->n_unknown_duration, ==, unknown);
  g_assert_cmpint (stats->n_watched, ==, watched);
  g_assert_cmpint (stats->n_in_progress, ==, in_progress);
  g_assert_cmpint (stats->n_broken, ==, broken);
  g_assert_cmpint (stats->n_unprobed, ==, unprobed);
  g_assert_cmpint (stats->n_hls, ==, n_hls);
  g_assert_cmpint (stats->hls_bytes, ==, hls_bytes);
  g_assert_cmpint (stats->n_hls_unmerged, ==, unmerged);
  g_assert_cmpint (stats->hls_unmerged_bytes, ==, unmerged_bytes);
  g_assert_cmpint (stats->hls_merged_bytes, ==, hls_bytes - unmerged_bytes);
  g_assert_cmpint (stats->hls_merge_frees, ==,
                   (gint64) (unmerged_bytes * (1.0 - VS_STATS_MERGE_RATIO)));
  g_assert_cmpint (stats->hls_merge_frees, <, unmerged_bytes + 1);

  for (guint b = 0; b < VS_STATS_N_BREAKDOWNS; b++)
    check_breakdown (f, stats, b);
}

static void
test_reference (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsLibraryStats) stats = vs_database_query_stats (f->db, &error);
  g_autoptr(VsLibraryStats) copy = NULL;

  g_assert_no_error (error);
  /* the generated rows have something in every figure */
  g_assert_cmpint (stats->n_hls_unmerged, >, 0);
  g_assert_cmpint (stats->n_hls_unmerged, <, stats->n_hls);
  g_assert_cmpint (stats->n_broken, >, 0);
  g_assert_cmpint (stats->n_watched, >, 0);
  check_stats (f, stats);

  /* a copy is deep and as good; the original can go first */
  copy = vs_library_stats_copy (stats);
  g_clear_pointer (&stats, vs_library_stats_free);
  check_stats (f, copy);
}

/* The same through a reader, inside a transaction of the writer's (a snapshot either way). */
static void
test_reader (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsDatabase) reader = vs_database_open (vs_database_get_path (f->db),
                                                   VS_DATABASE_MODE_READER, &error);
  g_autoptr(VsLibraryStats) stats = NULL;
  g_autoptr(VsLibraryStats) in_transaction = NULL;

  g_assert_no_error (error);
  stats = vs_database_query_stats (reader, &error);
  g_assert_no_error (error);
  check_stats (f, stats);

  g_assert_true (vs_database_begin (f->db, &error));
  in_transaction = vs_database_query_stats (f->db, &error);
  g_assert_no_error (error);
  g_assert_true (vs_database_commit (f->db, &error));
  check_stats (f, in_transaction);
}

static void
test_empty (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VsLibraryStats) stats = NULL;

  open_db (&f, 0);
  stats = vs_database_query_stats (f.db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats->n_videos, ==, 0);
  g_assert_cmpint (stats->bytes, ==, 0);
  g_assert_cmpint (stats->duration_ms, ==, 0);
  g_assert_cmpint (stats->n_unknown_duration, ==, 0);
  g_assert_cmpint (stats->n_hls, ==, 0);
  g_assert_cmpint (stats->hls_merge_frees, ==, 0);
  for (guint b = 0; b < VS_STATS_N_BREAKDOWNS; b++)
    {
      guint n = 99;

      g_assert_nonnull (vs_library_stats_get_groups (stats, b, &n));
      g_assert_cmpuint (n, ==, 0);
    }
  fixture_teardown (&f, NULL);
}

/* A library from before the watched table, read as it is: nothing watched, the rest
 * counted as in a current one. */
static void
test_legacy (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VsLibraryStats) stats = NULL;

  open_db (&f, _VS_DATABASE_WATCHED_SCHEMA - 1);
  g_assert_true (vs_database_begin (f.db, &error));
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *path = g_strdup_printf ("/lib/old%02u.mkv", i);

      add_row (&f, path, VS_VIDEO_KIND_FILE, f.lib_folder);
    }
  g_assert_true (vs_database_commit (f.db, &error));
  stats = vs_database_query_stats (f.db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats->n_watched, ==, 0);
  check_stats (&f, stats);
  fixture_teardown (&f, NULL);
}

/* The library's verb: on a worker, through the reader; a cancel is reported as one. */
static void
test_library (void)
{
  g_autoptr(VsTestLibrary) tl = vs_test_library_new (VS_LIBRARY_FLAGS_NONE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VsLibraryStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = vs_test_library_add_file (tl, "a.mp4", "0123456789");
  g_autofree char *b = vs_test_library_add_file (tl, "sub/b.mkv", "01234");

  vs_test_library_open (tl);
  vs_test_library_start (tl);

  vs_library_query_stats_async (tl->library, NULL, vs_test_library_store_result, &result);
  vs_test_library_wait_result (&result, 60);
  stats = vs_library_query_stats_finish (tl->library, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats->n_videos, ==, 2);
  g_assert_cmpint (stats->bytes, ==, 15);
  g_clear_object (&result);

  g_cancellable_cancel (cancellable);
  vs_library_query_stats_async (tl->library, cancellable, vs_test_library_store_result,
                                &result);
  vs_test_library_wait_result (&result, 60);
  g_assert_null (vs_library_query_stats_finish (tl->library, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *base = vs_test_make_tmpdir ();
  int status;

  /* years start at a local midnight that is not the UTC one (the test's edges say so) */
  g_setenv ("TZ", "America/New_York", TRUE);
  tzset ();
  /* Not G_TEST_OPTION_ISOLATE_DIRS: it empties XDG_DATA_DIRS, where the scanner's content
   * types come from (as in test-library.c); a private home and caches instead. */
  g_setenv ("HOME", base, TRUE);
  g_setenv ("XDG_DATA_HOME", base, TRUE);
  g_setenv ("XDG_CACHE_HOME", base, TRUE);
  g_setenv ("XDG_CONFIG_HOME", base, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/stats/reference", Fixture, NULL, fixture_setup, test_reference,
              fixture_teardown);
  g_test_add ("/stats/reader", Fixture, NULL, fixture_setup, test_reader, fixture_teardown);
  g_test_add_func ("/stats/empty", test_empty);
  g_test_add_func ("/stats/legacy", test_legacy);
  g_test_add_func ("/stats/library", test_library);
  status = g_test_run ();
  vs_test_rm_rf (base);
  return status;
}
