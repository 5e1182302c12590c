/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-watched.c: what was watched, how often and when last */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include "vs-database-private.h"

gboolean
vs_playback_is_watched (gint64 position_ms,
                        gint64 duration_ms)
{
  if (duration_ms <= 0 || position_ms < 0)
    return FALSE;
  /* within the last 5 %, or at the end (the player passes the position as the duration
   * when the stream ended without one) */
  return position_ms >= duration_ms - duration_ms * (100 - VS_WATCHED_PERCENT) / 100;
}

static gboolean
forget_position (VsDatabase  *self,
                 const char  *path,
                 GError     **error)
{
  /* 0 is below VS_PLAYBACK_MIN_MS: the position is deleted */
  return vs_database_set_position (self, path, 0, -1, error);
}

static gboolean
check_schema (VsDatabase  *self,
              GError     **error)
{
  if (self->schema_version >= _VS_DATABASE_WATCHED_SCHEMA)
    return TRUE;
  g_set_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_READ_ONLY,
               "This library is too old to keep watched states; it was opened read-only");
  return FALSE;
}

gboolean
vs_database_mark_watched (VsDatabase  *self,
                          const char  *path,
                          gboolean     watched,
                          GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_schema (self, error) || !vs_database_begin (self, error))
    return FALSE;
  /* the play count and last play stay: marking is not playing */
  stmt = _vs_database_prepare (self,
                               "INSERT INTO watched (path, watched) VALUES (?1, ?2) "
                               "ON CONFLICT (path) DO UPDATE SET watched = excluded.watched",
                               error);
  if (stmt == NULL)
    goto failed;
  _vs_bind_path (stmt, 1, path);
  sqlite3_bind_int (stmt, 2, watched ? 1 : 0);
  /* either way there is nothing to resume: marked watched, or to be seen from the start */
  if (!_vs_database_step_done (self, stmt, "marking a video", error) ||
      !forget_position (self, path, error) || !vs_database_commit (self, error))
    goto failed;
  return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}

/* Binds @n of @ids to parameters 2.., and NULL (which matches no id) to the rest of a
 * page. */
static void
bind_id_page (sqlite3_stmt *stmt,
              const gint64 *ids,
              guint         n)
{
  for (guint i = 0; i < VS_WATCHED_IDS_PAGE; i++)
    {
      if (i < n)
        sqlite3_bind_int64 (stmt, 2 + (int) i, ids[i]);
      else
        sqlite3_bind_null (stmt, 2 + (int) i);
    }
}

/* The SQL of one page of ids: @head, then "(?2, ..., ?(VS_WATCHED_IDS_PAGE + 1))", then
 * @tail; interned, as the statement cache keys statements by their SQL's address. */
static const char *
id_page_sql (const char *head,
             const char *tail)
{
  g_autoptr(GString) sql = g_string_new (head);

  g_string_append_c (sql, '(');
  for (guint i = 0; i < VS_WATCHED_IDS_PAGE; i++)
    g_string_append_printf (sql, "%s?%u", i > 0 ? ", " : "", i + 2);
  g_string_append_c (sql, ')');
  g_string_append (sql, tail);
  return g_intern_string (sql->str);
}

gboolean
vs_database_mark_watched_ids (VsDatabase    *self,
                              const gint64  *ids,
                              guint          n_ids,
                              gboolean       watched,
                              GError       **error)
{
  static gsize sql_ready;
  static const char *mark_sql;
  static const char *forget_sql;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_once_init_enter (&sql_ready))
    {
      forget_sql = id_page_sql ("DELETE FROM playback WHERE path IN "
                                "(SELECT path FROM videos WHERE id IN ", ")");
      /* the SELECT's WHERE lets the parser read ON CONFLICT as the INSERT's upsert */
      mark_sql = id_page_sql ("INSERT INTO watched (path, watched) "
                              "SELECT path, ?1 FROM videos WHERE id IN ",
                              " ON CONFLICT (path) DO UPDATE SET watched = excluded.watched");
      g_once_init_leave (&sql_ready, 1);
    }
  if (!check_schema (self, error) || !vs_database_begin (self, error))
    return FALSE;
  for (guint at = 0; at < n_ids; at += VS_WATCHED_IDS_PAGE)
    {
      guint n = MIN (VS_WATCHED_IDS_PAGE, n_ids - at);
      sqlite3_stmt *stmt = _vs_database_prepare (self, mark_sql, error);

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int (stmt, 1, watched ? 1 : 0);
      bind_id_page (stmt, ids + at, n);
      if (!_vs_database_step_done (self, stmt, "marking videos", error))
        goto failed;
      stmt = _vs_database_prepare (self, forget_sql, error);
      if (stmt == NULL)
        goto failed;
      bind_id_page (stmt, ids + at, n);
      if (!_vs_database_step_done (self, stmt, "forgetting playback positions", error))
        goto failed;
    }
  if (vs_database_commit (self, error))
    return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}

gboolean
vs_database_record_play (VsDatabase  *self,
                         const char  *path,
                         gint64       position_ms,
                         gint64       duration_ms,
                         GError     **error)
{
  gboolean watched = vs_playback_is_watched (position_ms, duration_ms);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_schema (self, error) || !vs_database_begin (self, error))
    return FALSE;
  stmt = _vs_database_prepare (self,
                               "INSERT INTO watched (path, watched, play_count, last_played_ns) "
                               "VALUES (?1, ?2, ?2, ?3) ON CONFLICT (path) DO UPDATE SET "
                               "watched = max(watched, excluded.watched), "
                               "play_count = play_count + excluded.play_count, "
                               "last_played_ns = excluded.last_played_ns",
                               error);
  if (stmt == NULL)
    goto failed;
  _vs_bind_path (stmt, 1, path);
  sqlite3_bind_int (stmt, 2, watched ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () * 1000);
  if (!_vs_database_step_done (self, stmt, "recording a play", error))
    goto failed;
  /* watched: nothing to resume, however far from the very end it stopped */
  if (!(watched ? forget_position (self, path, error)
                : vs_database_set_position (self, path, position_ms, duration_ms, error)) ||
      !vs_database_commit (self, error))
    goto failed;
  return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}

gboolean
vs_database_get_watched (VsDatabase      *self,
                         const char      *path,
                         VsWatchedState  *out_state,
                         GError         **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (out_state != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_state = (VsWatchedState) { 0 };
  if (self->schema_version < _VS_DATABASE_WATCHED_SCHEMA)
    return TRUE;
  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "SELECT watched, play_count, ifnull(last_played_ns, 0) "
                               "FROM watched WHERE path = ?1",
                               error);
  if (stmt != NULL)
    {
      _vs_bind_path (stmt, 1, path);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          out_state->watched = sqlite3_column_int (stmt, 0) != 0;
          out_state->play_count = (guint) sqlite3_column_int64 (stmt, 1);
          out_state->last_played_ns = sqlite3_column_int64 (stmt, 2);
        }
      ok = rc == SQLITE_ROW || rc == SQLITE_DONE ||
           _vs_database_set_error (self, error, rc, "reading a watched state");
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}
