/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-filters.c: a list query's filters as WHERE terms */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include "vs-database-private.h"

/* The bound parameters, after the folder's and the words' (vs-database-videos.c). */
enum
{
  PARAM_MIN_HEIGHT = _VS_FILTER_FIRST_PARAM,
  PARAM_MAX_HEIGHT,
  PARAM_CODEC,
  PARAM_MIN_DURATION,
  PARAM_MAX_DURATION,
  PARAM_SINCE,
  PARAM_UNTIL,
};

static gboolean
has_codec (const VsVideoQuery *query)
{
  return query->video_codec != NULL && query->video_codec[0] != '\0';
}

static gboolean
has_modified (const VsVideoQuery *query)
{
  return query->modified_since_ns != 0 || query->modified_until_ns != 0 ||
         query->modified_within_days > 0;
}

/* hls_only (the downloads' view) narrows to HLS items; a download state narrows further */
static VsKindFilter
effective_kind (const VsVideoQuery *query)
{
  if (query->kind == VS_KIND_FILTER_HLS_COMPLETE || query->kind == VS_KIND_FILTER_HLS_INCOMPLETE)
    return query->kind;
  return query->hls_only ? VS_KIND_FILTER_HLS : query->kind;
}

static void
append_term (GString     *sql,
             const char **joiner,
             const char  *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
append_term (GString     *sql,
             const char **joiner,
             const char  *format,
             ...)
{
  va_list args;

  g_string_append (sql, *joiner);
  va_start (args, format);
  g_string_append_vprintf (sql, format, args);
  va_end (args);
  *joiner = " AND ";
}

/* Watched states and positions are keyed by path (both tables' primary key): the few
 * paths a filter names are listed once, then each looked up in videos' path index. A
 * library older than the tables has nothing watched and nothing in progress. */
static void
append_watched (const VsVideoQuery *query,
                int                 schema_version,
                GString            *sql,
                const char        **joiner)
{
  gboolean has_watched = schema_version >= _VS_DATABASE_WATCHED_SCHEMA;

  switch (query->watched)
    {
    case VS_WATCHED_FILTER_WATCHED:
      append_term (sql, joiner, "%s", has_watched
                   ? "videos.path IN (SELECT w.path FROM watched w WHERE w.watched = 1)" : "0");
      break;
    case VS_WATCHED_FILTER_UNWATCHED:
      if (has_watched)
        append_term (sql, joiner, "%s",
                     "videos.path NOT IN (SELECT w.path FROM watched w WHERE w.watched = 1)");
      break;
    case VS_WATCHED_FILTER_IN_PROGRESS:
      append_term (sql, joiner, "%s", schema_version >= _VS_DATABASE_PLAYBACK_SCHEMA
                   ? "videos.path IN (SELECT p.path FROM playback p)" : "0");
      break;
    case VS_WATCHED_FILTER_PLAYED:
      /* marking a video watched leaves last_played_ns NULL: only a play sets it */
      append_term (sql, joiner, "%s", has_watched
                   ? "videos.path IN (SELECT w.path FROM watched w "
                     "WHERE w.last_played_ns IS NOT NULL)" : "0");
      break;
    case VS_WATCHED_FILTER_ANY:
    default:
      break;
    }
}

/* Enumerations are written as constants (videos_pending_probe, a partial index, matches
 * them only so); every value that comes from a person is a bound parameter. */
void
_vs_video_query_append_filters (const VsVideoQuery  *query,
                                int                  schema_version,
                                GString             *sql,
                                const char         **joiner)
{
  VsKindFilter kind = effective_kind (query);

  if (kind == VS_KIND_FILTER_FILE || kind == VS_KIND_FILTER_HLS)
    append_term (sql, joiner, "kind = %d",
                 kind == VS_KIND_FILTER_HLS ? VS_VIDEO_KIND_HLS : VS_VIDEO_KIND_FILE);
  else if (kind == VS_KIND_FILTER_HLS_COMPLETE)
    append_term (sql, joiner, "kind = %d AND hls_state IN (%d, %d)", VS_VIDEO_KIND_HLS,
                 VS_HLS_STATE_COMPLETE, VS_HLS_STATE_MASTER);
  else if (kind == VS_KIND_FILTER_HLS_INCOMPLETE)
    append_term (sql, joiner, "kind = %d AND hls_state = %d", VS_VIDEO_KIND_HLS,
                 VS_HLS_STATE_INCOMPLETE);
  /* Bounds go in pairs, an unset one as far as it goes: a range closed on both sides is
   * what SQLite's planner (no ANALYZE statistics) takes as selective enough to search the
   * column's index rather than walk the sort key's. */
  if (query->min_height > 0 || query->max_height > 0)
    append_term (sql, joiner, "height BETWEEN ?%d AND ?%d", PARAM_MIN_HEIGHT, PARAM_MAX_HEIGHT);
  if (has_codec (query))
    append_term (sql, joiner, "video_codec = ?%d", PARAM_CODEC);
  if (query->min_duration_ms > 0 || query->max_duration_ms > 0)
    append_term (sql, joiner, "duration_ms BETWEEN ?%d AND ?%d", PARAM_MIN_DURATION,
                 PARAM_MAX_DURATION);
  if (has_modified (query))
    append_term (sql, joiner, "mtime_ns >= ?%d AND mtime_ns < ?%d", PARAM_SINCE, PARAM_UNTIL);
  append_watched (query, schema_version, sql, joiner);
  if (query->problem == VS_PROBLEM_FILTER_BROKEN)
    append_term (sql, joiner, "probe_state = %d", VS_MEDIA_STATE_FAILED);
  else if (query->problem == VS_PROBLEM_FILTER_UNPROBED)
    /* as vs_database_count_pending() counts them: its partial index serves both */
    append_term (sql, joiner, "probe_state = %d AND kind = %d", VS_MEDIA_STATE_PENDING,
                 VS_VIDEO_KIND_FILE);
}

void
_vs_video_query_bind_filters (const VsVideoQuery *query,
                              sqlite3_stmt       *stmt)
{
  if (query->min_height > 0 || query->max_height > 0)
    {
      /* 0 × 0 is a probed file without a picture: no height */
      sqlite3_bind_int (stmt, PARAM_MIN_HEIGHT, MAX (query->min_height, 1));
      sqlite3_bind_int (stmt, PARAM_MAX_HEIGHT,
                        query->max_height > 0 ? query->max_height : G_MAXINT);
    }
  if (has_codec (query))
    sqlite3_bind_text (stmt, PARAM_CODEC, query->video_codec, -1, SQLITE_TRANSIENT);
  if (query->min_duration_ms > 0 || query->max_duration_ms > 0)
    {
      sqlite3_bind_int64 (stmt, PARAM_MIN_DURATION, MAX (query->min_duration_ms, 0));
      sqlite3_bind_int64 (stmt, PARAM_MAX_DURATION,
                          query->max_duration_ms > 0 ? query->max_duration_ms : G_MAXINT64);
    }
  if (has_modified (query))
    {
      gint64 since = query->modified_since_ns != 0 ? query->modified_since_ns : G_MININT64;

      if (query->modified_within_days > 0)
        since = MAX (since, g_get_real_time () * 1000 - (gint64) query->modified_within_days *
                                                         24 * 3600 * G_GINT64_CONSTANT (1000000000));
      sqlite3_bind_int64 (stmt, PARAM_SINCE, since);
      sqlite3_bind_int64 (stmt, PARAM_UNTIL,
                          query->modified_until_ns != 0 ? query->modified_until_ns : G_MAXINT64);
    }
}

/* Filters that select the same rows compare equal: an unset bound is 0 whatever its sign,
 * hls_only is kind HLS, an empty codec is none. */
gboolean
_vs_video_query_filters_equal (const VsVideoQuery *a,
                               const VsVideoQuery *b)
{
  return effective_kind (a) == effective_kind (b) &&
         MAX (a->min_height, 0) == MAX (b->min_height, 0) &&
         MAX (a->max_height, 0) == MAX (b->max_height, 0) &&
         g_strcmp0 (has_codec (a) ? a->video_codec : NULL,
                    has_codec (b) ? b->video_codec : NULL) == 0 &&
         MAX (a->min_duration_ms, 0) == MAX (b->min_duration_ms, 0) &&
         MAX (a->max_duration_ms, 0) == MAX (b->max_duration_ms, 0) &&
         a->modified_since_ns == b->modified_since_ns &&
         a->modified_until_ns == b->modified_until_ns &&
         a->modified_within_days == b->modified_within_days &&
         a->watched == b->watched && a->problem == b->problem;
}

void
vs_codec_count_free (VsCodecCount *self)
{
  if (self == NULL)
    return;
  g_free (self->codec);
  g_free (self);
}

/* One pass over videos_codec's index, NULLs (not probed, no picture) left out. */
GPtrArray *
vs_database_count_codecs (VsDatabase  *self,
                          GError     **error)
{
  g_autoptr(GPtrArray) codecs = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "SELECT video_codec, count(*) FROM videos "
                               "WHERE video_codec IS NOT NULL AND video_codec <> '' "
                               "GROUP BY video_codec ORDER BY count(*) DESC, video_codec",
                               error);
  if (stmt != NULL)
    {
      codecs = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_codec_count_free);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          VsCodecCount *entry = g_new0 (VsCodecCount, 1);

          entry->codec = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          entry->count = sqlite3_column_int64 (stmt, 1);
          g_ptr_array_add (codecs, entry);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          _vs_database_set_error (self, error, rc, "counting codecs");
          g_clear_pointer (&codecs, g_ptr_array_unref);
        }
    }
  g_rec_mutex_unlock (&self->lock);
  return g_steal_pointer (&codecs);
}
