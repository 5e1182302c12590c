/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-stats.c: the library's figures, a few aggregates over the index
 *
 * One read transaction (a snapshot: the bars add up to the totals even while a scan
 * writes), one statement per figure or breakdown, each a single pass over videos; no row
 * is ever loaded. The groups' filters are the window's own (vs-database-filters.c), so a
 * bar shows exactly its videos; the tests count them with vs_database_count_videos().
 *
 * The merge estimate (VS_STATS_MERGE_RATIO): a merge remuxes the download's MPEG-TS
 * segments into an MP4 without re-encoding, so what it frees, once the download goes to
 * the trash, is the transport stream's overhead (a 4-byte header per 188-byte packet, PES
 * headers, PAT/PMT tables, stuffing in the audio's half-empty packets). Measured on a
 * generated download (GStreamer's hlssink2: 60 s of 1280×720 x264 at 2 Mb/s with 128 kb/s
 * AAC, 6 s segments): 17,055,172 bytes of segments, 16,326,866 bytes of MP4 from
 * vidshelf-cli merge, a ratio of 0.957. Lower bitrates have relatively more overhead (more
 * freed); the figure is an estimate and the page says so.
 */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include "vs-database-private.h"
#include "vs-library-stats.h"

G_DEFINE_BOXED_TYPE (VsLibraryStats, vs_library_stats, vs_library_stats_copy,
                     vs_library_stats_free)

static const char * const resolution_keys[] = { "sd", "720p", "1080p", "4k", NULL };

/* The known durations of a group, and how many are not known. */
#define DURATION_SUMS \
  "ifnull(sum(CASE WHEN duration_ms >= 0 THEN duration_ms END), 0), " \
  "count(CASE WHEN duration_ms >= 0 THEN 1 END)"

/* Each breakdown's group expression (the first column), then the sums. Negative mtimes
 * round down to the second before, so the years' edges are exact. */
static const char * const breakdown_sql[] = {
  [VS_STATS_BY_CODEC] =
    "SELECT nullif(video_codec, ''), 0, count(*), ifnull(sum(size), 0), " DURATION_SUMS
    " FROM videos GROUP BY 1",
  [VS_STATS_BY_RESOLUTION] =
    "SELECT NULL, CASE WHEN height >= 2160 THEN 3 WHEN height >= 1080 THEN 2 "
    "  WHEN height >= 720 THEN 1 WHEN height >= 1 THEN 0 ELSE 4 END AS band, "
    "  count(*), ifnull(sum(size), 0), " DURATION_SUMS " FROM videos GROUP BY band",
  [VS_STATS_BY_CONTAINER] =
    "SELECT nullif(container, ''), 0, count(*), ifnull(sum(size), 0), " DURATION_SUMS
    " FROM videos GROUP BY 1",
  [VS_STATS_BY_YEAR] =
    "SELECT NULL, CAST(strftime('%Y', (mtime_ns - ((mtime_ns % 1000000000) + 1000000000) "
    "  % 1000000000) / 1000000000, 'unixepoch', 'localtime') AS INTEGER) AS year, "
    "  count(*), ifnull(sum(size), 0), " DURATION_SUMS " FROM videos GROUP BY year",
};

/* Before schema 2 there were no media facts: every video is of unknown codec, resolution
 * and container, and none is broken. */
static const char * const breakdown_sql_v1[] = {
  [VS_STATS_BY_CODEC] =
    "SELECT NULL, 0, count(*), ifnull(sum(size), 0), " DURATION_SUMS " FROM videos",
  [VS_STATS_BY_RESOLUTION] =
    "SELECT NULL, 4, count(*), ifnull(sum(size), 0), " DURATION_SUMS " FROM videos",
  [VS_STATS_BY_CONTAINER] =
    "SELECT NULL, 0, count(*), ifnull(sum(size), 0), " DURATION_SUMS " FROM videos",
};

static const char totals_sql[] =
  "SELECT count(*), ifnull(sum(size), 0), " DURATION_SUMS " FROM videos";

/* An HLS item's merge writes "<its folder>.mp4" beside the folder: merged when the index
 * has that file (the library indexes a merge's output as it writes it). Paths are bytes:
 * the concatenation is cast back to a BLOB to meet the path index. */
static const char hls_sql[] =
  "SELECT count(*), ifnull(sum(size), 0), ifnull(sum(merged), 0), "
  "  ifnull(sum(CASE WHEN merged THEN size ELSE 0 END), 0) FROM "
  "(SELECT v.size AS size, EXISTS (SELECT 1 FROM videos m "
  "   WHERE m.path = CAST(f.path || '.mp4' AS BLOB) AND m.kind = 0) AS merged "
  " FROM videos v JOIN folders f ON f.id = v.folder_id WHERE v.kind = 1)";

static void
group_clear (gpointer data)
{
  VsStatsGroup *group = data;

  g_clear_pointer (&group->key, g_free);
}

static GArray *
groups_new (void)
{
  GArray *groups = g_array_new (TRUE, TRUE, sizeof (VsStatsGroup));  /* data never NULL */

  g_array_set_clear_func (groups, group_clear);
  return groups;
}

const char *
vs_stats_breakdown_to_string (VsStatsBreakdown breakdown)
{
  static const char * const names[] = { "codec", "resolution", "container", "year" };

  g_return_val_if_fail (breakdown < VS_STATS_N_BREAKDOWNS, NULL);
  return names[breakdown];
}

VsLibraryStats *
vs_library_stats_new (void)
{
  VsLibraryStats *self = g_new0 (VsLibraryStats, 1);

  for (guint b = 0; b < VS_STATS_N_BREAKDOWNS; b++)
    self->groups[b] = groups_new ();
  return self;
}

VsLibraryStats *
vs_library_stats_copy (const VsLibraryStats *self)
{
  VsLibraryStats *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  for (guint b = 0; b < VS_STATS_N_BREAKDOWNS; b++)
    {
      GArray *from = self->groups[b];

      copy->groups[b] = groups_new ();
      g_array_append_vals (copy->groups[b], from->data, from->len);
      for (guint i = 0; i < from->len; i++)
        {
          VsStatsGroup *g = &g_array_index (copy->groups[b], VsStatsGroup, i);

          g->key = g_strdup (g->key);
          if (g->filter.video_codec != NULL)
            g->filter.video_codec = g->key;
        }
    }
  return copy;
}

void
vs_library_stats_free (VsLibraryStats *self)
{
  if (self == NULL)
    return;
  for (guint b = 0; b < VS_STATS_N_BREAKDOWNS; b++)
    g_clear_pointer (&self->groups[b], g_array_unref);
  g_free (self);
}

const VsStatsGroup *
vs_library_stats_get_groups (const VsLibraryStats *self,
                             VsStatsBreakdown      breakdown,
                             guint                *out_n_groups)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (breakdown < VS_STATS_N_BREAKDOWNS, NULL);

  if (out_n_groups != NULL)
    *out_n_groups = self->groups[breakdown]->len;
  return (const VsStatsGroup *) (gpointer) self->groups[breakdown]->data;
}

/* Local midnight of January 1st of @year, in ns since the epoch. */
static gint64
year_start_ns (int year)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (CLAMP (year, 1, 9999), 1, 1, 0, 0, 0);

  return dt != NULL ? g_date_time_to_unix (dt) * G_GINT64_CONSTANT (1000000000) : 0;
}

/* The filter that selects @group, where VsVideoQuery has one. */
static void
set_filter (VsStatsGroup     *group,
            VsStatsBreakdown  breakdown)
{
  static const int bands[][2] = { { 1, 719 }, { 720, 1079 }, { 1080, 2159 }, { 2160, 0 } };

  switch (breakdown)
    {
    case VS_STATS_BY_CODEC:
      group->filter.video_codec = group->key;
      group->has_filter = group->key != NULL;
      break;
    case VS_STATS_BY_RESOLUTION:
      if (group->value < VS_STATS_RESOLUTION_UNKNOWN)
        {
          group->filter.min_height = bands[group->value][0];
          group->filter.max_height = bands[group->value][1];
          group->has_filter = TRUE;
        }
      break;
    case VS_STATS_BY_YEAR:
      group->filter.modified_since_ns = year_start_ns (group->value);
      group->filter.modified_until_ns = year_start_ns (group->value + 1);
      /* 0 is "no bound": the year that starts at the epoch cannot be told from "before" */
      group->has_filter = group->filter.modified_since_ns != 0 &&
                          group->filter.modified_until_ns != 0;
      break;
    case VS_STATS_BY_CONTAINER:   /* no container filter */
    case VS_STATS_N_BREAKDOWNS:
    default:
      break;
    }
}

static int
compare_groups (gconstpointer pa,
                gconstpointer pb,
                gpointer      user_data)
{
  const VsStatsGroup *a = pa, *b = pb;
  VsStatsBreakdown breakdown = GPOINTER_TO_INT (user_data);
  gboolean a_unknown = breakdown == VS_STATS_BY_RESOLUTION
                       ? a->value == VS_STATS_RESOLUTION_UNKNOWN
                       : breakdown != VS_STATS_BY_YEAR && a->key == NULL;
  gboolean b_unknown = breakdown == VS_STATS_BY_RESOLUTION
                       ? b->value == VS_STATS_RESOLUTION_UNKNOWN
                       : breakdown != VS_STATS_BY_YEAR && b->key == NULL;

  if (a_unknown != b_unknown)
    return a_unknown ? 1 : -1;
  if (breakdown == VS_STATS_BY_RESOLUTION)
    return a->value - b->value;
  if (breakdown == VS_STATS_BY_YEAR)
    return b->value - a->value;
  if (a->n_videos != b->n_videos)
    return a->n_videos > b->n_videos ? -1 : 1;
  return g_strcmp0 (a->key, b->key);
}

static sqlite3_stmt *
prepare (VsDatabase  *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    _vs_database_set_error (self, error, rc, "preparing the statistics");
  return stmt;
}

static gboolean
read_breakdown (VsDatabase        *self,
                VsStatsBreakdown   breakdown,
                GArray            *groups,
                GError           **error)
{
  const char *sql = self->schema_version >= 2 ? breakdown_sql[breakdown]
                                              : breakdown_sql_v1[breakdown];
  sqlite3_stmt *stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VsStatsGroup group = { 0 };

      group.n_videos = sqlite3_column_int64 (stmt, 2);
      if (group.n_videos == 0)   /* the whole-table sums of an empty library */
        continue;
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        group.key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      group.value = sqlite3_column_int (stmt, 1);
      group.bytes = sqlite3_column_int64 (stmt, 3);
      group.duration_ms = sqlite3_column_int64 (stmt, 4);
      if (breakdown == VS_STATS_BY_YEAR)
        group.key = g_strdup_printf ("%d", group.value);
      else if (breakdown == VS_STATS_BY_RESOLUTION)
        group.key = g_strdup (resolution_keys[group.value]);
      set_filter (&group, breakdown);
      g_array_append_val (groups, group);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _vs_database_set_error (self, error, rc, "reading the statistics");
  g_array_sort_with_data (groups, compare_groups, GINT_TO_POINTER (breakdown));
  return TRUE;
}

/* Steps @sql, which returns one row, into @out (@n columns). */
static gboolean
read_row (VsDatabase  *self,
          const char  *sql,
          gint64      *out,
          guint        n,
          GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    for (guint i = 0; i < n; i++)
      out[i] = sqlite3_column_int64 (stmt, i);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return _vs_database_set_error (self, error, rc, "reading the statistics");
  return TRUE;
}

static gboolean
count_filter (VsDatabase          *self,
              const VsVideoQuery  *query,
              gint64              *out,
              GError             **error)
{
  *out = vs_database_count_videos (self, query, error);
  return *out >= 0;
}

static gboolean
read_all (VsDatabase      *self,
          VsLibraryStats  *stats,
          GError         **error)
{
  const VsVideoQuery watched = { .watched = VS_WATCHED_FILTER_WATCHED };
  const VsVideoQuery in_progress = { .watched = VS_WATCHED_FILTER_IN_PROGRESS };
  const VsVideoQuery broken = { .problem = VS_PROBLEM_FILTER_BROKEN };
  const VsVideoQuery unprobed = { .problem = VS_PROBLEM_FILTER_UNPROBED };
  gint64 totals[4], hls[4];

  if (!read_row (self, totals_sql, totals, G_N_ELEMENTS (totals), error) ||
      !read_row (self, hls_sql, hls, G_N_ELEMENTS (hls), error) ||
      !count_filter (self, &watched, &stats->n_watched, error) ||
      !count_filter (self, &in_progress, &stats->n_in_progress, error) ||
      !count_filter (self, &broken, &stats->n_broken, error) ||
      !count_filter (self, &unprobed, &stats->n_unprobed, error))
    return FALSE;
  for (guint b = 0; b < VS_STATS_N_BREAKDOWNS; b++)
    if (!read_breakdown (self, b, stats->groups[b], error))
      return FALSE;

  stats->n_videos = totals[0];
  stats->bytes = totals[1];
  stats->duration_ms = totals[2];
  stats->n_unknown_duration = totals[0] - totals[3];
  stats->n_hls = hls[0];
  stats->hls_bytes = hls[1];
  stats->n_hls_unmerged = hls[0] - hls[2];
  stats->hls_merged_bytes = hls[3];
  stats->hls_unmerged_bytes = hls[1] - hls[3];
  stats->hls_merge_frees = (gint64) (stats->hls_unmerged_bytes * (1.0 - VS_STATS_MERGE_RATIO));
  return TRUE;
}

VsLibraryStats *
vs_database_query_stats (VsDatabase  *self,
                         GError     **error)
{
  g_autoptr(VsLibraryStats) stats = NULL;
  gboolean own_transaction;
  gboolean ok;
  gint64 start = g_get_monotonic_time ();

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stats = vs_library_stats_new ();

  g_rec_mutex_lock (&self->lock);
  /* a snapshot, unless the caller is in a transaction already (a writer's) */
  own_transaction = sqlite3_get_autocommit (self->db) != 0;
  if (own_transaction && sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      _vs_database_set_error (self, error, sqlite3_errcode (self->db),
                              "starting the statistics");
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  ok = read_all (self, stats, error);
  if (own_transaction)
    sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  g_rec_mutex_unlock (&self->lock);
  /* tests/bench/bench-stats.sh reads this line */
  g_debug ("Statistics of %" G_GINT64_FORMAT " videos read in %.1f ms", stats->n_videos,
           (g_get_monotonic_time () - start) / 1000.0);
  return ok ? g_steal_pointer (&stats) : NULL;
}
