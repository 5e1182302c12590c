/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-playback.c: where each video was left */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include "vs-database-private.h"

static gboolean
worth_resuming (gint64 position_ms,
                gint64 duration_ms)
{
  if (position_ms < VS_PLAYBACK_MIN_MS)
    return FALSE;
  return duration_ms <= 0 || position_ms < duration_ms - VS_PLAYBACK_END_MARGIN_MS;
}

gboolean
vs_database_set_position (VsDatabase  *self,
                          const char  *path,
                          gint64       position_ms,
                          gint64       duration_ms,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  if (!worth_resuming (position_ms, duration_ms))
    {
      stmt = _vs_database_prepare (self, "DELETE FROM playback WHERE path = ?1", error);
      if (stmt != NULL)
        {
          _vs_bind_path (stmt, 1, path);
          ok = _vs_database_step_done (self, stmt, "forgetting a playback position", error);
        }
      g_rec_mutex_unlock (&self->lock);
      return ok;
    }

  stmt = _vs_database_prepare (self,
                               "INSERT INTO playback (path, position_ms, updated_ns) "
                               "VALUES (?1, ?2, max(?3, (SELECT ifnull(max(updated_ns), 0) + 1 "
                               "FROM playback))) ON CONFLICT (path) DO UPDATE SET "
                               "position_ms = excluded.position_ms, "
                               "updated_ns = excluded.updated_ns",
                               error);
  if (stmt != NULL)
    {
      _vs_bind_path (stmt, 1, path);
      sqlite3_bind_int64 (stmt, 2, position_ms);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time () * 1000);
      ok = _vs_database_step_done (self, stmt, "storing a playback position", error);
    }
  /* Bounded: the oldest entries go (the index on updated_ns keeps this cheap; stamps are
   * made unique above, so exactly the newest stay). */
  if (ok)
    {
      stmt = _vs_database_prepare (self,
                                   "DELETE FROM playback WHERE updated_ns < (SELECT updated_ns "
                                   "FROM playback ORDER BY updated_ns DESC LIMIT 1 OFFSET ?1)",
                                   error);
      if (stmt == NULL)
        ok = FALSE;
      else
        {
          sqlite3_bind_int (stmt, 1, VS_PLAYBACK_MAX_ENTRIES - 1);
          ok = _vs_database_step_done (self, stmt, "pruning playback positions", error);
        }
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gint64
vs_database_get_position (VsDatabase  *self,
                          const char  *path,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 position = -1;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (path != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "SELECT position_ms FROM playback WHERE path = ?1", error);
  if (stmt != NULL)
    {
      _vs_bind_path (stmt, 1, path);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        position = sqlite3_column_int64 (stmt, 0);
      else if (rc == SQLITE_DONE)
        position = 0;
      else
        _vs_database_set_error (self, error, rc, "reading a playback position");
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return position;
}
