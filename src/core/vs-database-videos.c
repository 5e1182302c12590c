/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-videos.c: the video rows and the list queries */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include <string.h>

#include "vs-database-private.h"
#include "vs-prober.h"

#define HLS_COLUMNS \
  "hls_state, hls_flags, hls_segments, hls_missing, hls_variant, hls_variant_bandwidth, " \
  "hls_variant_width, hls_variant_height"
#define VIDEO_COLUMNS \
  "id, folder_id, videos.path, uri, display_name, kind, size, mtime_ns, btime_ns, " \
  "duration_ms, width, height, video_codec, audio_codec, container, has_video, probe_state, " \
  "thumb_state, " HLS_COLUMNS
/* A record's watched state and position come with its row, by path (both primary keys):
 * a page of the grid costs no query per cell. ADDED: added_ns, or 0 before it existed. */
#define VIDEO_SELECT(ADDED) \
  "SELECT " VIDEO_COLUMNS ", ifnull(w.watched, 0), ifnull(w.play_count, 0), " \
  "ifnull(w.last_played_ns, 0), ifnull(p.position_ms, 0), " ADDED " FROM videos " \
  "LEFT JOIN watched w ON w.path = videos.path LEFT JOIN playback p ON p.path = videos.path"
/* A library older than _VS_DATABASE_WATCHED_SCHEMA, read as it is (read-only media). */
#define VIDEO_SELECT_LEGACY "SELECT " VIDEO_COLUMNS ", 0, 0, 0, 0, 0 FROM videos"
#define WATCHED_FIRST_COLUMN 26
#define ADDED_COLUMN 30

static const char *
video_select (VsDatabase *self,
              gboolean    by_path)
{
  if (self->schema_version < _VS_DATABASE_WATCHED_SCHEMA)
    return by_path ? VIDEO_SELECT_LEGACY " WHERE videos.path = ?1"
                   : VIDEO_SELECT_LEGACY " WHERE videos.id = ?1";
  if (self->schema_version < _VS_DATABASE_COLLECTIONS_SCHEMA)
    return by_path ? VIDEO_SELECT ("0") " WHERE videos.path = ?1"
                   : VIDEO_SELECT ("0") " WHERE videos.id = ?1";
  return by_path ? VIDEO_SELECT ("ifnull(added_ns, 0)") " WHERE videos.path = ?1"
                 : VIDEO_SELECT ("ifnull(added_ns, 0)") " WHERE videos.id = ?1";
}

static char *
column_dup_text (sqlite3_stmt *stmt,
                 int           index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* The HLS_COLUMNS from @first on; NULLs (a file, an item from before) read as UNKNOWN. */
static void
hls_info_from_row (VsHlsInfo    *info,
                   sqlite3_stmt *stmt,
                   int           first)
{
  vs_hls_info_clear (info);
  info->state = (VsHlsState) sqlite3_column_int (stmt, first);
  info->flags = (VsHlsFlags) sqlite3_column_int (stmt, first + 1);
  info->segments = (guint) sqlite3_column_int64 (stmt, first + 2);
  info->missing = (guint) sqlite3_column_int64 (stmt, first + 3);
  info->variant = column_dup_text (stmt, first + 4);
  info->variant_bandwidth = sqlite3_column_int64 (stmt, first + 5);
  info->variant_width = sqlite3_column_int (stmt, first + 6);
  info->variant_height = sqlite3_column_int (stmt, first + 7);
}

/* Binds an HLS item's state to 8 parameters from @first on, in HLS_COLUMNS' order; NULLs
 * for UNKNOWN. */
static void
bind_hls_info (sqlite3_stmt    *stmt,
               int              first,
               const VsHlsInfo *info)
{
  if (info->state == VS_HLS_STATE_UNKNOWN)
    {
      for (int i = 0; i < 8; i++)
        sqlite3_bind_null (stmt, first + i);
      return;
    }
  sqlite3_bind_int (stmt, first, info->state);
  sqlite3_bind_int (stmt, first + 1, info->flags);
  sqlite3_bind_int64 (stmt, first + 2, info->segments);
  sqlite3_bind_int64 (stmt, first + 3, info->missing);
  if (info->variant != NULL)
    sqlite3_bind_text (stmt, first + 4, info->variant, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, first + 4);
  sqlite3_bind_int64 (stmt, first + 5, info->variant_bandwidth);
  sqlite3_bind_int (stmt, first + 6, info->variant_width);
  sqlite3_bind_int (stmt, first + 7, info->variant_height);
}

static VsVideoRecord *
record_from_row (sqlite3_stmt *stmt)
{
  VsVideoRecord *record = vs_video_record_new ();

  record->id = sqlite3_column_int64 (stmt, 0);
  record->folder_id = sqlite3_column_int64 (stmt, 1);
  record->path = _vs_column_path (stmt, 2);
  record->uri = column_dup_text (stmt, 3);
  record->display_name = column_dup_text (stmt, 4);
  record->kind = (VsVideoKind) sqlite3_column_int (stmt, 5);
  record->size = sqlite3_column_int64 (stmt, 6);
  record->mtime_ns = sqlite3_column_int64 (stmt, 7);
  record->btime_ns = sqlite3_column_int64 (stmt, 8);
  record->duration_ms = sqlite3_column_type (stmt, 9) == SQLITE_NULL
                        ? -1 : sqlite3_column_int64 (stmt, 9);
  record->width = sqlite3_column_int (stmt, 10);
  record->height = sqlite3_column_int (stmt, 11);
  record->video_codec = column_dup_text (stmt, 12);
  record->audio_codec = column_dup_text (stmt, 13);
  record->container = column_dup_text (stmt, 14);
  record->has_video = sqlite3_column_int (stmt, 15);
  record->probe_state = (VsMediaState) sqlite3_column_int (stmt, 16);
  record->thumb_state = (VsMediaState) sqlite3_column_int (stmt, 17);
  hls_info_from_row (&record->hls, stmt, 18);
  record->watched = sqlite3_column_int (stmt, WATCHED_FIRST_COLUMN) != 0;
  record->play_count = (guint) sqlite3_column_int64 (stmt, WATCHED_FIRST_COLUMN + 1);
  record->last_played_ns = sqlite3_column_int64 (stmt, WATCHED_FIRST_COLUMN + 2);
  record->position_ms = sqlite3_column_int64 (stmt, WATCHED_FIRST_COLUMN + 3);
  record->added_ns = sqlite3_column_int64 (stmt, ADDED_COLUMN);
  return record;
}

static void
stamp_free (gpointer data)
{
  VsVideoStamp *stamp = data;

  vs_hls_info_clear (&stamp->hls);
  g_free (stamp);
}

GHashTable *
vs_database_dup_folder_stamps (VsDatabase  *self,
                               gint64       folder_id,
                               GError     **error)
{
  g_autoptr(GHashTable) stamps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        stamp_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "SELECT path, id, size, mtime_ns, kind, " HLS_COLUMNS
                               " FROM videos WHERE folder_id = ?1", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, folder_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VsVideoStamp *stamp = g_new0 (VsVideoStamp, 1);

      stamp->id = sqlite3_column_int64 (stmt, 1);
      stamp->size = sqlite3_column_int64 (stmt, 2);
      stamp->mtime_ns = sqlite3_column_int64 (stmt, 3);
      stamp->kind = (VsVideoKind) sqlite3_column_int (stmt, 4);
      hls_info_from_row (&stamp->hls, stmt, 5);
      g_hash_table_insert (stamps, _vs_column_path (stmt, 0), stamp);
    }
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "reading a folder");
      return NULL;
    }
  return g_steal_pointer (&stamps);
}

/* Insert or replace the file facts of a row; a changed file loses its media facts, which
 * belong to the old content, unless the record carries new ones. Returns the row id. */
/* A changed file keeps the time it was first added: added_ns is not in the update. */
#define UPSERT_SQL(ADDED, ADDED_PARAM) \
  "INSERT INTO videos (folder_id, path, uri, display_name, sort_name, " \
  "  kind, size, mtime_ns, btime_ns, duration_ms, probe_state, " \
  "  sort_key, " HLS_COLUMNS ADDED ") " \
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, " \
  "  ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20" ADDED_PARAM ") " \
  "ON CONFLICT (path) DO UPDATE SET folder_id = excluded.folder_id, " \
  "  uri = excluded.uri, display_name = excluded.display_name, " \
  "  sort_name = excluded.sort_name, sort_key = excluded.sort_key, kind = excluded.kind, " \
  "  size = excluded.size, mtime_ns = excluded.mtime_ns, " \
  "  btime_ns = excluded.btime_ns, duration_ms = excluded.duration_ms, " \
  "  probe_state = excluded.probe_state, width = NULL, height = NULL, " \
  "  video_codec = NULL, audio_codec = NULL, container = NULL, " \
  "  has_video = NULL, thumb_state = 0, " \
  "  hls_state = excluded.hls_state, hls_flags = excluded.hls_flags, " \
  "  hls_segments = excluded.hls_segments, " \
  "  hls_missing = excluded.hls_missing, " \
  "  hls_variant = excluded.hls_variant, " \
  "  hls_variant_bandwidth = excluded.hls_variant_bandwidth, " \
  "  hls_variant_width = excluded.hls_variant_width, " \
  "  hls_variant_height = excluded.hls_variant_height " \
  "RETURNING id"

gint64
vs_database_upsert_video (VsDatabase          *self,
                          const VsVideoRecord *record,
                          GError             **error)
{
  g_autofree char *sort_name = NULL;
  g_autofree char *sort_key = NULL;
  sqlite3_stmt *stmt;
  gint64 id = -1;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (record != NULL && record->path != NULL && record->uri != NULL, -1);
  g_return_val_if_fail (record->display_name != NULL && record->folder_id > 0, -1);

  sort_name = vs_database_fold_name (record->display_name);
  sort_key = vs_database_sort_key (record->display_name);

  g_rec_mutex_lock (&self->lock);
  /* a library from before added_ns (read as it is, in tests) gets rows without it */
  stmt = _vs_database_prepare (self,
                               self->schema_version >= _VS_DATABASE_COLLECTIONS_SCHEMA
                               ? UPSERT_SQL (", added_ns", ", ?21")
                               : UPSERT_SQL ("", ""), error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, record->folder_id);
      _vs_bind_path (stmt, 2, record->path);
      sqlite3_bind_text (stmt, 3, record->uri, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, record->display_name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, sort_name, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 6, record->kind);
      sqlite3_bind_int64 (stmt, 7, record->size);
      sqlite3_bind_int64 (stmt, 8, record->mtime_ns);
      if (record->btime_ns != 0)
        sqlite3_bind_int64 (stmt, 9, record->btime_ns);
      if (record->duration_ms >= 0)
        sqlite3_bind_int64 (stmt, 10, record->duration_ms);
      sqlite3_bind_int (stmt, 11, record->probe_state);
      sqlite3_bind_text (stmt, 12, sort_key, -1, SQLITE_STATIC);
      bind_hls_info (stmt, 13, &record->hls);
      /* a changed file keeps the time it was first added (not in the update's list) */
      if (self->schema_version >= _VS_DATABASE_COLLECTIONS_SCHEMA)
        sqlite3_bind_int64 (stmt, 21, g_get_real_time () * 1000);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      else
        _vs_database_set_error (self, error, rc, "saving a video");
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return id;
}

gboolean
vs_database_delete_video (VsDatabase  *self,
                          gint64       video_id,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "DELETE FROM videos WHERE id = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, video_id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      ok = rc == SQLITE_DONE || _vs_database_set_error (self, error, rc, "removing a video");
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

VsVideoRecord *
vs_database_lookup_video (VsDatabase  *self,
                          const char  *path,
                          GError     **error)
{
  VsVideoRecord *record = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, video_select (self, TRUE), error);
  if (stmt != NULL)
    {
      _vs_bind_path (stmt, 1, path);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        record = record_from_row (stmt);
      else if (rc != SQLITE_DONE)
        _vs_database_set_error (self, error, rc, "reading a video");
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Not in the library");
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return record;
}

gboolean
vs_database_set_hls_info (VsDatabase       *self,
                          gint64            video_id,
                          const VsHlsInfo  *info,
                          GError          **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "UPDATE videos SET hls_state = ?2, hls_flags = ?3, "
                               "  hls_segments = ?4, hls_missing = ?5, hls_variant = ?6, "
                               "  hls_variant_bandwidth = ?7, hls_variant_width = ?8, "
                               "  hls_variant_height = ?9 WHERE id = ?1", error);
  if (stmt != NULL)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, video_id);
      bind_hls_info (stmt, 2, info);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      ok = rc == SQLITE_DONE || _vs_database_set_error (self, error, rc, "saving an HLS state");
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

/* Runs a prepared count(*) statement; -1 with @error set on failure. */
static gint64
step_count (VsDatabase    *self,
            sqlite3_stmt  *stmt,
            const char    *doing,
            GError       **error)
{
  gint64 n = -1;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    _vs_database_set_error (self, error, rc, doing);
  sqlite3_reset (stmt);
  return n;
}

/* Collects the first column of every row as ids; NULL with @error set on failure. */
static GArray *
step_ids (VsDatabase    *self,
          sqlite3_stmt  *stmt,
          const char    *doing,
          GError       **error)
{
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 256);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, doing);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

/* Media facts ------------------------------------------------------------ */

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* @result NULL records a failed probe, so it is not retried until the file changes (a
 * rescan that sees a new size or mtime resets the state). */
gboolean
vs_database_set_probe_result (VsDatabase          *self,
                              gint64               video_id,
                              const VsProbeResult *result,
                              GError             **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  if (result == NULL)
    stmt = _vs_database_prepare (self, "UPDATE videos SET probe_state = 2 WHERE id = ?1", error);
  else
    stmt = _vs_database_prepare (self,
                                 "UPDATE videos SET probe_state = 1, duration_ms = ?2, "
                                 "width = ?3, height = ?4, video_codec = ?5, audio_codec = ?6, "
                                 "container = ?7, has_video = ?8 WHERE id = ?1", error);
  if (stmt != NULL)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, video_id);
      if (result != NULL)
        {
          if (result->duration_ms >= 0)
            sqlite3_bind_int64 (stmt, 2, result->duration_ms);
          sqlite3_bind_int (stmt, 3, result->width);
          sqlite3_bind_int (stmt, 4, result->height);
          bind_text_or_null (stmt, 5, result->video_codec);
          bind_text_or_null (stmt, 6, result->audio_codec);
          bind_text_or_null (stmt, 7, result->container);
          sqlite3_bind_int (stmt, 8, result->has_video);
        }
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      ok = rc == SQLITE_DONE || _vs_database_set_error (self, error, rc, "saving media facts");
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gboolean
vs_database_set_thumb_state (VsDatabase    *self,
                             gint64         video_id,
                             VsMediaState   state,
                             GError       **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "UPDATE videos SET thumb_state = ?2 WHERE id = ?1", error);
  if (stmt != NULL)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, video_id);
      sqlite3_bind_int (stmt, 2, state);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      ok = rc == SQLITE_DONE || _vs_database_set_error (self, error, rc, "saving a thumbnail state");
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

/* Not made yet, and not known to have no picture (a failed probe or thumbnail): the
 * window makes thumbnails only of what is shown, so a thumbnail is not waited for. */
#define PENDING_FINGERPRINT_SQL "fp_state = 0 AND thumb_state != 2 AND probe_state != 2"

gint64
vs_database_count_pending (VsDatabase     *self,
                           VsPendingKind   kind,
                           GError        **error)
{
  sqlite3_stmt *stmt;
  const char *sql;
  gint64 n = -1;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);

  g_rec_mutex_lock (&self->lock);
  switch (kind)
    {
    case VS_PENDING_PROBE:
      sql = "SELECT count(*) FROM videos WHERE probe_state = 0 AND kind = 0";
      break;
    case VS_PENDING_THUMBNAIL:
      sql = "SELECT count(*) FROM videos WHERE thumb_state = 0";
      break;
    case VS_PENDING_FINGERPRINT:
      sql = "SELECT count(*) FROM videos WHERE " PENDING_FINGERPRINT_SQL;
      break;
    case VS_PENDING_FILMSTRIP:
    default:
      sql = "SELECT count(*) FROM videos WHERE thumb_state = 1";
      break;
    }
  stmt = _vs_database_prepare (self, sql, error);
  if (stmt != NULL)
    n = step_count (self, stmt, "counting pending work", error);
  g_rec_mutex_unlock (&self->lock);
  return n;
}

GArray *
vs_database_query_pending (VsDatabase     *self,
                           VsPendingKind   kind,
                           gint64          after_id,
                           guint           limit,
                           GError        **error)
{
  GArray *ids = NULL;
  sqlite3_stmt *stmt;
  const char *sql;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  switch (kind)
    {
    case VS_PENDING_PROBE:
      sql = "SELECT id FROM videos WHERE probe_state = 0 AND kind = 0 "
            "AND id > ?1 ORDER BY id LIMIT ?2";
      break;
    case VS_PENDING_THUMBNAIL:
      sql = "SELECT id FROM videos WHERE thumb_state = 0 AND id > ?1 ORDER BY id LIMIT ?2";
      break;
    case VS_PENDING_FINGERPRINT:
      sql = "SELECT id FROM videos WHERE " PENDING_FINGERPRINT_SQL
            " AND id > ?1 ORDER BY id LIMIT ?2";
      break;
    case VS_PENDING_FILMSTRIP:
    default:
      /* A file whose thumbnail could be made: one whose could not has no frame either. */
      sql = "SELECT id FROM videos WHERE thumb_state = 1 AND id > ?1 ORDER BY id LIMIT ?2";
      break;
    }
  stmt = _vs_database_prepare (self, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, after_id);
      sqlite3_bind_int (stmt, 2, (int) MIN (limit, G_MAXINT));
      ids = step_ids (self, stmt, "listing pending work", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ids;
}

/* Queries ---------------------------------------------------------------- */

typedef void (*WordFunc) (const char *word,
                          gsize       len,
                          gpointer    data);

/* Calls @func on each of the first VS_VIDEO_QUERY_MAX_WORDS white-space separated words
 * of @search (valid UTF-8), as a length in bytes. */
static void
foreach_word (const char *search,
              WordFunc    func,
              gpointer    data)
{
  const char *p = search;
  guint n = 0;

  while (n < VS_VIDEO_QUERY_MAX_WORDS)
    {
      const char *start;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      func (start, p - start, data);
      n++;
    }
}

typedef struct
{
  GPtrArray *words;
  char     *(*fold) (const char *utf8);
} FoldWords;

/* A word inside another adds nothing (whatever holds the longer one holds it): only
 * the longest are kept, so "bea beach" costs one term. */
static void
add_folded_word (const char *word,
                 gsize       len,
                 gpointer    data)
{
  FoldWords *fw = data;
  g_autofree char *raw = g_strndup (word, len);
  g_autofree char *folded = fw->fold (raw);
  char *trimmed = g_strstrip (folded);   /* "¨" alone folds to a space */

  if (*trimmed == '\0')
    return;
  for (guint i = 0; i < fw->words->len; i++)
    if (strstr (g_ptr_array_index (fw->words, i), trimmed) != NULL)
      return;
  for (guint i = fw->words->len; i-- > 0;)
    if (strstr (trimmed, g_ptr_array_index (fw->words, i)) != NULL)
      g_ptr_array_remove_index_fast (fw->words, i);
  g_ptr_array_add (fw->words, g_strdup (trimmed));
}

/* The folded words of @search the SQL binds, folded as the library's keys are (@legacy:
 * a schema before _VS_DATABASE_SEARCH_PATH_SCHEMA). */
static GPtrArray *
search_words (const char  *search,
              gboolean     legacy,
              GError     **error)
{
  FoldWords fw = { g_ptr_array_new_with_free_func (g_free),
                   legacy ? _vs_database_fold_for_sort : vs_database_fold_name };

  if (search == NULL)
    return fw.words;
  if (!g_utf8_validate (search, -1, NULL))
    {
      g_ptr_array_unref (fw.words);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The search text is not valid UTF-8");
      return NULL;
    }
  foreach_word (search, add_folded_word, &fw);
  return fw.words;
}

/* When a video was last played: the later of its last play (recorded when a viewing ends)
 * and its position (stored while it plays); 0 when never. Looked up by path in both
 * tables' primary keys, so the two selects (ids, count) need no join; a library older
 * than a table has nothing in it. */
static void
append_last_played (GString *sql,
                    int      schema_version)
{
  g_string_append_printf (sql, "max(%s, %s)",
                          schema_version >= _VS_DATABASE_WATCHED_SCHEMA
                          ? "ifnull((SELECT w.last_played_ns FROM watched w "
                            "WHERE w.path = videos.path), 0)" : "0",
                          schema_version >= _VS_DATABASE_PLAYBACK_SCHEMA
                          ? "ifnull((SELECT p.updated_ns FROM playback p "
                            "WHERE p.path = videos.path), 0)" : "0");
}

/* ORDER BY the last play, the latest first when descending, never played last either way.
 * One expression, so each row's two lookups run once (a "never played" term of its own
 * ran them twice: 147 ms for 100,000 rows): descending, never (0) is last already;
 * ascending, it is made the largest. */
static void
append_last_played_order (GString  *sql,
                          gboolean  descending,
                          int       schema_version)
{
  g_autoptr(GString) key = g_string_new (NULL);

  /* the key kept in videos, its index walked (backwards: NULL, never played, last) */
  if (schema_version >= _VS_DATABASE_PLAYED_SCHEMA)
    {
      g_string_append (sql, descending ? "played_ns DESC, id DESC"
                                       : "played_ns IS NULL, played_ns, id");
      return;
    }
  append_last_played (key, schema_version);
  if (descending)
    g_string_append_printf (sql, "%s DESC, id DESC", key->str);
  else
    g_string_append_printf (sql, "ifnull(nullif(%s, 0), %" G_GINT64_FORMAT "), id", key->str,
                            G_MAXINT64);
}

/* The SQL for a query's shape; parameters: ?1 folder, ?2/?3 the range below it, ?4… the
 * folded words. Interned so the statement cache can key on the address. A word matches
 * the name, or the folder: folders are few (about one per 50 videos), so the folders
 * holding a word are listed once per statement, not looked up per video. */
static const char *
query_sql (const VsVideoQuery *query,
           const char         *select,
           guint               n_words,
           int                 schema_version)
{
  gboolean legacy = schema_version < _VS_DATABASE_SEARCH_PATH_SCHEMA;
  static const char * const order[][2] = {
    [VS_SORT_NAME]     = { "sort_key, id", "sort_key DESC, id DESC" },
    [VS_SORT_MTIME]    = { "mtime_ns, id", "mtime_ns DESC, id DESC" },
    [VS_SORT_SIZE]     = { "size, id", "size DESC, id DESC" },
    /* Unknown durations last in both directions. */
    [VS_SORT_DURATION] = { "duration_ms IS NULL, duration_ms, id",
                           "duration_ms IS NULL, duration_ms DESC, id DESC" },
    /* Unknown (0 × 0) last in both directions, each walking an index of its own
     * (videos_resolution, videos_resolution_desc). */
    [VS_SORT_RESOLUTION] = { "ifnull(width * height, 0) = 0, ifnull(width * height, 0), id",
                             "ifnull(width * height, 0) > 0 DESC, "
                             "ifnull(width * height, 0) DESC, id DESC" },
    /* path is unique: its own index */
    [VS_SORT_FOLDER]   = { "path", "path DESC" },
    /* Unknown (NULL: a row written without it) last in both directions, as durations. */
    [VS_SORT_ADDED]    = { "added_ns IS NULL, added_ns, id",
                           "added_ns IS NULL, added_ns DESC, id DESC" },
  };
  VsSortKey sort = query->sort;
  g_autoptr(GString) sql = g_string_new (select);
  const char *joiner = " WHERE ";

  if (query->folder != NULL && query->recursive)
    {
      g_string_append (sql, " WHERE folder_id IN (SELECT id FROM folders WHERE path = ?1 "
                            "OR (path >= ?2 AND path < ?3))");
      joiner = " AND ";
    }
  else if (query->folder != NULL)
    {
      g_string_append (sql, " WHERE folder_id = (SELECT id FROM folders WHERE path = ?1)");
      joiner = " AND ";
    }
  for (guint i = 0; i < n_words; i++)
    {
      if (legacy)
        g_string_append_printf (sql, "%sinstr(sort_name, ?%u) > 0", joiner, 4 + i);
      else
        g_string_append_printf (sql, "%s(instr(sort_name, ?%u) > 0 OR folder_id IN "
                                     "(SELECT id FROM folders WHERE instr(search_path, ?%u) > 0))",
                                joiner, 4 + i, 4 + i);
      joiner = " AND ";
    }
  _vs_video_query_append_filters (query, schema_version,
                                  !g_str_has_prefix (select, "SELECT count"), sql, &joiner);
  /* With words every row is read anyway (instr() uses no index): in table order, the
   * matches then sorted, that is 3 to 5 times faster than walking the sort key's index and
   * fetching each row from it (at 100,000 rows, 30–70 ms against 170–220 ms, however many
   * match). "+" keeps the index out. */
  if (g_str_has_prefix (select, "SELECT count"))
    return g_intern_string (sql->str);
  /* A library older than added_ns (read as it is): the date added is its mtime, the
   * stand-in the migration to it gives rows without a creation time. */
  if (sort == VS_SORT_ADDED && schema_version < _VS_DATABASE_COLLECTIONS_SCHEMA)
    sort = VS_SORT_MTIME;
  if (sort == VS_SORT_LAST_PLAYED)
    {
      g_string_append (sql, " ORDER BY ");
      append_last_played_order (sql, query->descending, schema_version);
    }
  else
    g_string_append_printf (sql, " ORDER BY %s%s", n_words > 0 ? "+" : "",
                            order[sort][query->descending ? 1 : 0]);

  return g_intern_string (sql->str);
}

static sqlite3_stmt *
prepare_query (VsDatabase          *self,
               const VsVideoQuery  *query,
               const char          *select,
               GError             **error)
{
  gboolean legacy = self->schema_version < _VS_DATABASE_SEARCH_PATH_SCHEMA;
  g_autoptr(GPtrArray) words = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail ((guint) query->sort <= VS_SORT_ADDED, NULL);

  words = search_words (query->search, legacy, error);
  if (words == NULL)
    return NULL;
  stmt = _vs_database_prepare (self, query_sql (query, select, words->len, self->schema_version),
                               error);
  if (stmt == NULL)
    return NULL;
  if (query->folder != NULL)
    {
      g_autofree char *folder = g_canonicalize_filename (query->folder, "/");
      g_autofree char *lo = NULL;
      g_autofree char *hi = NULL;

      _vs_bind_path (stmt, 1, folder);
      if (query->recursive)
        {
          lo = g_str_has_suffix (folder, "/") ? g_strdup (folder) : g_strconcat (folder, "/", NULL);
          hi = g_strdup (lo);
          hi[strlen (hi) - 1] = '0';
          _vs_bind_path (stmt, 2, lo);
          _vs_bind_path (stmt, 3, hi);
        }
    }
  for (guint i = 0; i < words->len; i++)
    sqlite3_bind_text (stmt, 4 + (int) i, g_ptr_array_index (words, i), -1, SQLITE_TRANSIENT);
  _vs_video_query_bind_filters (query, stmt);
  return stmt;
}

gint64
vs_database_count_videos (VsDatabase          *self,
                          const VsVideoQuery  *query,
                          GError             **error)
{
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (query != NULL, -1);

  g_rec_mutex_lock (&self->lock);
  stmt = prepare_query (self, query, "SELECT count(*) FROM videos", error);
  if (stmt != NULL)
    count = step_count (self, stmt, "counting videos", error);
  g_rec_mutex_unlock (&self->lock);
  return count;
}

static void
add_raw_word (const char *word,
              gsize       len,
              gpointer    words)
{
  g_ptr_array_add (words, g_strndup (word, len));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The distinct words a search is made of, sorted: the same for searches that select the
 * same rows whatever the folding (it works word by word). */
static GPtrArray *
raw_word_set (const char *search)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  if (search != NULL)
    foreach_word (search, add_raw_word, words);
  g_ptr_array_sort (words, compare_strings);
  for (guint i = words->len; i-- > 1;)
    if (strcmp (g_ptr_array_index (words, i), g_ptr_array_index (words, i - 1)) == 0)
      g_ptr_array_remove_index (words, i);
  return words;
}

static gboolean
search_equal (const char *a,
              const char *b)
{
  g_autoptr(GPtrArray) wa = NULL;
  g_autoptr(GPtrArray) wb = NULL;

  if (g_strcmp0 (a ? a : "", b ? b : "") == 0)
    return TRUE;
  if ((a != NULL && !g_utf8_validate (a, -1, NULL)) ||
      (b != NULL && !g_utf8_validate (b, -1, NULL)))
    return FALSE;
  wa = raw_word_set (a);
  wb = raw_word_set (b);
  if (wa->len != wb->len)
    return FALSE;
  for (guint i = 0; i < wa->len; i++)
    if (strcmp (g_ptr_array_index (wa, i), g_ptr_array_index (wb, i)) != 0)
      return FALSE;
  return TRUE;
}

gboolean
vs_video_query_equal (const VsVideoQuery *a,
                      const VsVideoQuery *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->sort == b->sort && !a->descending == !b->descending &&
         _vs_video_query_filters_equal (a, b) &&
         g_strcmp0 (a->folder, b->folder) == 0 &&
         (a->folder == NULL || !a->recursive == !b->recursive) &&
         search_equal (a->search, b->search);
}

VsVideoQuery *
vs_video_query_copy (const VsVideoQuery *query)
{
  gsize folder_len, search_len, codec_len;
  VsVideoQuery *copy;
  char *strings;

  g_return_val_if_fail (query != NULL, NULL);

  folder_len = query->folder != NULL ? strlen (query->folder) + 1 : 0;
  search_len = query->search != NULL ? strlen (query->search) + 1 : 0;
  codec_len = query->video_codec != NULL ? strlen (query->video_codec) + 1 : 0;
  copy = g_malloc (sizeof *copy + folder_len + search_len + codec_len);
  *copy = *query;
  strings = (char *) (copy + 1);
  copy->folder = folder_len > 0 ? memcpy (strings, query->folder, folder_len) : NULL;
  copy->search = search_len > 0 ? memcpy (strings + folder_len, query->search, search_len)
                                : NULL;
  copy->video_codec = codec_len > 0
                      ? memcpy (strings + folder_len + search_len, query->video_codec, codec_len)
                      : NULL;
  return copy;
}

/* The ordered row ids of a query: 8 bytes a row, the compact snapshot that lists and the
 * window page through, so no page ever costs a deep OFFSET. */
GArray *
vs_database_query_ids (VsDatabase          *self,
                       const VsVideoQuery  *query,
                       GError             **error)
{
  GArray *ids = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = prepare_query (self, query, "SELECT id FROM videos", error);
  if (stmt != NULL)
    ids = step_ids (self, stmt, "listing videos", error);
  g_rec_mutex_unlock (&self->lock);
  return ids;
}

/* The SQL text vs_database_count_videos() (@count) or vs_database_query_ids() runs for
 * @query, its parameters written in (sqlite3_expanded_sql()): for the query benchmark to
 * run the very same statement in the sqlite3 shell and to print its plan. */
char *
_vs_database_query_sql (VsDatabase          *self,
                        const VsVideoQuery  *query,
                        gboolean             count,
                        GError             **error)
{
  sqlite3_stmt *stmt;
  char *sql = NULL;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = prepare_query (self, query, count ? "SELECT count(*) FROM videos"
                                           : "SELECT id FROM videos", error);
  if (stmt != NULL)
    {
      char *expanded = sqlite3_expanded_sql (stmt);

      sql = g_strdup (expanded);
      sqlite3_free (expanded);
      sqlite3_reset (stmt);
      if (sql == NULL)
        g_set_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_FAILED, "No memory");
    }
  g_rec_mutex_unlock (&self->lock);
  return sql;
}

/* Records for @ids in the same order; a row deleted since the snapshot gives NULL. */
GPtrArray *
vs_database_load_videos (VsDatabase    *self,
                         const gint64  *ids,
                         guint          n_ids,
                         GError       **error)
{
  g_autoptr(GPtrArray) records = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  records = g_ptr_array_new_full (n_ids, (GDestroyNotify) vs_video_record_free);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, video_select (self, FALSE), error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  for (guint i = 0; i < n_ids; i++)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_ptr_array_add (records, record_from_row (stmt));
      else if (rc == SQLITE_DONE)
        g_ptr_array_add (records, NULL);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          g_rec_mutex_unlock (&self->lock);
          _vs_database_set_error (self, error, rc, "reading videos");
          return NULL;
        }
    }
  g_rec_mutex_unlock (&self->lock);
  return g_steal_pointer (&records);
}

/* HLS items ------------------------------------------------------------------ */

/* ?1 the last path seen, ?2/?3 the range below the folder; the path's unique index serves
 * both the range and the order. */
static sqlite3_stmt *
prepare_hls (VsDatabase  *self,
             const char  *select,
             const char  *tail,
             const char  *folder,
             GError     **error)
{
  g_autofree char *sql = g_strconcat (select, " WHERE kind = 1 AND path > ?1",
                                      folder != NULL ? " AND path >= ?2 AND path < ?3" : "",
                                      tail, NULL);
  sqlite3_stmt *stmt = _vs_database_prepare (self, g_intern_string (sql), error);

  if (stmt != NULL && folder != NULL)
    {
      g_autofree char *canonical = g_canonicalize_filename (folder, "/");
      g_autofree char *lo = g_str_has_suffix (canonical, "/")
                            ? g_strdup (canonical) : g_strconcat (canonical, "/", NULL);
      g_autofree char *hi = g_strdup (lo);

      hi[strlen (hi) - 1] = '0'; /* the byte after '/' */
      _vs_bind_path (stmt, 2, lo);
      _vs_bind_path (stmt, 3, hi);
    }
  return stmt;
}

GPtrArray *
vs_database_query_hls_paths (VsDatabase  *self,
                             const char  *folder,
                             const char  *after_path,
                             guint        limit,
                             GError     **error)
{
  g_autoptr(GPtrArray) paths = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = prepare_hls (self, "SELECT path FROM videos", " ORDER BY path LIMIT ?4", folder,
                      error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  _vs_bind_path (stmt, 1, after_path != NULL ? after_path : "");
  sqlite3_bind_int (stmt, 4, (int) MIN (limit, G_MAXINT));
  paths = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (paths, _vs_column_path (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "listing HLS items");
      g_clear_pointer (&paths, g_ptr_array_unref);
    }
  g_rec_mutex_unlock (&self->lock);
  return g_steal_pointer (&paths);
}

/* One indexed lookup an id: no row is read but the path of the downloads. */
gint64
vs_database_filter_hls (VsDatabase    *self,
                        const gint64  *ids,
                        guint          n_ids,
                        GPtrArray     *out_paths,
                        GError       **error)
{
  sqlite3_stmt *stmt;
  gint64 count = 0;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (ids != NULL || n_ids == 0, -1);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "SELECT path FROM videos WHERE id = ?1 AND kind = 1",
                               error);
  for (guint i = 0; stmt != NULL && i < n_ids; i++)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          count++;
          if (out_paths != NULL)
            g_ptr_array_add (out_paths, _vs_column_path (stmt, 0));
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          g_rec_mutex_unlock (&self->lock);
          _vs_database_set_error (self, error, rc, "reading HLS items");
          return -1;
        }
    }
  g_rec_mutex_unlock (&self->lock);
  return stmt != NULL ? count : -1;
}

gint64
vs_database_count_hls (VsDatabase  *self,
                       const char  *folder,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);

  g_rec_mutex_lock (&self->lock);
  stmt = prepare_hls (self, "SELECT count(*) FROM videos", "", folder, error);
  if (stmt != NULL)
    {
      _vs_bind_path (stmt, 1, "");
      count = step_count (self, stmt, "counting HLS items", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return count;
}
