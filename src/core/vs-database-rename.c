/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-rename.c: the index follows a rename the library made */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include <string.h>

#include "vs-database-private.h"

/* The paths of the videos at @path or below it. */
static GPtrArray *
video_paths_at (VsDatabase  *self,
                const char  *path,
                GError     **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = _vs_database_prepare (self,
                               "SELECT path FROM videos WHERE path = ?3 OR "
                               "(path >= ?1 AND path < ?2)", error);
  if (stmt == NULL)
    return NULL;
  _vs_database_bind_below (stmt, 1, path);
  _vs_bind_path (stmt, 3, path);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (paths, _vs_column_path (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "reading the renamed videos");
      return NULL;
    }
  return g_steal_pointer (&paths);
}

/* The playback position and the watched state (keyed by path both) follow. */
static gboolean
move_position (VsDatabase  *self,
               const char  *old_path,
               const char  *new_path,
               GError     **error)
{
  sqlite3_stmt *stmt;

  /* a stale position under the new name (a file once there) gives way */
  stmt = _vs_database_prepare (self, "UPDATE OR REPLACE playback SET path = ?2 WHERE path = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;
  _vs_bind_path (stmt, 1, old_path);
  _vs_bind_path (stmt, 2, new_path);
  if (!_vs_database_step_done (self, stmt, "moving a playback position", error))
    return FALSE;
  if (self->schema_version < _VS_DATABASE_WATCHED_SCHEMA)
    return TRUE;
  stmt = _vs_database_prepare (self, "UPDATE OR REPLACE watched SET path = ?2 WHERE path = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;
  _vs_bind_path (stmt, 1, old_path);
  _vs_bind_path (stmt, 2, new_path);
  return _vs_database_step_done (self, stmt, "moving a watched state", error);
}

gboolean
vs_database_rename (VsDatabase  *self,
                    const char  *old_path,
                    const char  *new_path,
                    gboolean    *out_moved,
                    GPtrArray   *out_videos,
                    GPtrArray   *out_folders,
                    GError     **error)
{
  g_autoptr(GPtrArray) paths = NULL;
  gsize old_len;
  gboolean moved = FALSE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (old_path != NULL && new_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  old_len = strlen (old_path);
  if (!vs_database_begin (self, error))
    return FALSE;
  paths = video_paths_at (self, old_path, error);
  if (paths == NULL || !vs_database_move (self, old_path, new_path, &moved, out_folders, error))
    goto failed;
  for (guint i = 0; i < paths->len; i++)
    {
      const char *from = g_ptr_array_index (paths, i);
      g_autofree char *to = g_strconcat (new_path, from + old_len, NULL);

      if (!move_position (self, from, to, error))
        goto failed;
      if (out_videos != NULL)
        {
          g_ptr_array_add (out_videos, g_strdup (from));
          g_ptr_array_add (out_videos, g_steal_pointer (&to));
        }
    }
  /* a file outside the library may have a position too */
  if (paths->len == 0 && !move_position (self, old_path, new_path, error))
    goto failed;
  if (!vs_database_commit (self, error))
    goto failed;
  if (out_moved != NULL)
    *out_moved = moved;
  return TRUE;

failed:
  vs_database_rollback (self);
  if (out_videos != NULL)
    g_ptr_array_set_size (out_videos, 0);
  if (out_folders != NULL)
    g_ptr_array_set_size (out_folders, 0);
  return FALSE;
}
