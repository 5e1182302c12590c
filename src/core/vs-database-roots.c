/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-roots.c: the library roots, their scans and their availability */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include <string.h>

#include "vs-database-private.h"

/* A path inside an existing root joins that root; a root containing existing roots
 * absorbs them (their folders and videos are kept). */
gboolean
vs_database_add_root (VsDatabase  *self,
                      const char  *path,
                      gint64      *out_root_id,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  const char *slash;
  gint64 root_id;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), FALSE);

  if (!vs_database_begin (self, error))
    return FALSE;

  /* The outermost root that is @path or one of its ancestors. */
  root_id = 0;
  slash = path;
  do
    {
      g_autofree char *ancestor = NULL;

      slash = strchr (slash + 1, '/');
      ancestor = slash != NULL ? g_strndup (path, slash - path) : g_strdup (path);
      root_id = _vs_database_lookup_id (self, "SELECT id FROM roots WHERE path = ?1",
                                        ancestor, error);
      if (root_id < 0)
        goto failed;
    }
  while (root_id == 0 && slash != NULL);

  if (root_id == 0)
    {
      stmt = _vs_database_prepare (self,
                                   "INSERT INTO roots (path, added_ns) VALUES (?1, ?2) "
                                   "RETURNING id", error);
      if (stmt == NULL)
        goto failed;
      _vs_bind_path (stmt, 1, path);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time () * 1000);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          _vs_database_set_error (self, error, sqlite3_errcode (self->db), "adding a folder");
          sqlite3_reset (stmt);
          goto failed;
        }
      root_id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);

      stmt = _vs_database_prepare (self,
                                   "UPDATE folders SET root_id = ?3, "
                                   "search_path = vs_folder_search_path(path, ?4) "
                                   "WHERE path >= ?1 AND path < ?2",
                                   error);
      if (stmt == NULL)
        goto failed;
      _vs_database_bind_below (stmt, 1, path);
      sqlite3_bind_int64 (stmt, 3, root_id);
      _vs_bind_path (stmt, 4, path);
      if (!_vs_database_step_done (self, stmt, "adding a folder", error))
        goto failed;

      stmt = _vs_database_prepare (self,
                                   "DELETE FROM roots WHERE path >= ?1 AND path < ?2", error);
      if (stmt == NULL)
        goto failed;
      _vs_database_bind_below (stmt, 1, path);
      if (!_vs_database_step_done (self, stmt, "adding a folder", error))
        goto failed;
    }

  if (!vs_database_commit (self, error))
    goto failed;
  if (out_root_id != NULL)
    *out_root_id = root_id;
  return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}

gboolean
vs_database_remove_root (VsDatabase  *self,
                         const char  *path,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "DELETE FROM roots WHERE path = ?1", error);
  ok = stmt != NULL;
  if (ok)
    {
      _vs_bind_path (stmt, 1, path);
      ok = _vs_database_step_done (self, stmt, "removing a folder", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

/* The paths of the roots @sql selects (one path column), in order. */
static GStrv
dup_root_paths (VsDatabase  *self,
                const char  *sql,
                GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, sql, error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *path = _vs_column_path (stmt, 0);

      g_strv_builder_add (builder, path);
    }
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "listing folders");
      return NULL;
    }
  return g_strv_builder_end (builder);
}

GStrv
vs_database_dup_roots (VsDatabase  *self,
                       GError     **error)
{
  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  return dup_root_paths (self, "SELECT path FROM roots ORDER BY path", error);
}

gboolean
vs_database_set_root_scanned (VsDatabase  *self,
                              gint64       root_id,
                              gint64       when_ns,
                              GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "UPDATE roots SET scanned_ns = ?2 WHERE id = ?1", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, root_id);
      sqlite3_bind_int64 (stmt, 2, when_ns);
      ok = _vs_database_step_done (self, stmt, "saving the scan time", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gboolean
vs_database_set_root_available (VsDatabase  *self,
                                const char  *path,
                                gboolean     available,
                                GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  /* Keeps the first time it went missing. */
  stmt = _vs_database_prepare (self,
                               available
                               ? "UPDATE roots SET unavailable_ns = NULL WHERE path = ?1"
                               : "UPDATE roots SET unavailable_ns = coalesce(unavailable_ns, ?2) "
                                 "WHERE path = ?1", error);
  ok = stmt != NULL;
  if (ok)
    {
      _vs_bind_path (stmt, 1, path);
      if (!available)
        sqlite3_bind_int64 (stmt, 2, g_get_real_time () * 1000);
      ok = _vs_database_step_done (self, stmt, "marking a folder", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

int
vs_database_get_root_available (VsDatabase  *self,
                                const char  *path,
                                GError     **error)
{
  gint64 id;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (path != NULL, -1);

  g_rec_mutex_lock (&self->lock);
  id = _vs_database_lookup_id (self,
                               "SELECT id FROM roots WHERE path = ?1 AND unavailable_ns IS NULL",
                               path, error);
  g_rec_mutex_unlock (&self->lock);
  return id < 0 ? -1 : id > 0;
}

gboolean
vs_database_set_root_device (VsDatabase  *self,
                             const char  *path,
                             guint64      dev,
                             gboolean     mount_point,
                             GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "UPDATE roots SET dev = ?2, mount_point = ?3 WHERE path = ?1",
                               error);
  ok = stmt != NULL;
  if (ok)
    {
      _vs_bind_path (stmt, 1, path);
      sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) dev);
      sqlite3_bind_int (stmt, 3, mount_point ? 1 : 0);
      ok = _vs_database_step_done (self, stmt, "saving a folder's device", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

int
vs_database_get_root_device (VsDatabase  *self,
                             const char  *path,
                             gboolean    *out_known,
                             guint64     *out_dev,
                             gboolean    *out_mount_point,
                             GError     **error)
{
  sqlite3_stmt *stmt;
  int result = -1;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (path != NULL, -1);

  *out_known = FALSE;
  *out_dev = 0;
  *out_mount_point = FALSE;
  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "SELECT dev, mount_point FROM roots WHERE path = ?1", error);
  if (stmt != NULL)
    {
      _vs_bind_path (stmt, 1, path);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          result = 1;
          *out_known = sqlite3_column_type (stmt, 0) != SQLITE_NULL;
          *out_dev = (guint64) sqlite3_column_int64 (stmt, 0);
          *out_mount_point = sqlite3_column_int (stmt, 1) != 0;
        }
      else if (rc == SQLITE_DONE)
        result = 0;
      else
        _vs_database_set_error (self, error, rc, "reading a folder's device");
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return result;
}

GStrv
vs_database_dup_unavailable_roots (VsDatabase  *self,
                                   GError     **error)
{
  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  return dup_root_paths (self, "SELECT path FROM roots WHERE unavailable_ns IS NOT NULL "
                               "ORDER BY path", error);
}

/* Turned on, the root's thumbnails made already are due again: the next update finds each
 * in the personal cache and copies it to the share (no decoding), so a library whose
 * thumbnails were made before shares them all, not only those made from now on. */
gboolean
vs_database_set_root_share_previews (VsDatabase  *self,
                                     const char  *path,
                                     gboolean     share,
                                     GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!vs_database_begin (self, error))
    return FALSE;
  stmt = _vs_database_prepare (self, "UPDATE roots SET share_previews = ?2 WHERE path = ?1",
                               error);
  if (stmt == NULL)
    goto failed;
  _vs_bind_path (stmt, 1, path);
  sqlite3_bind_int (stmt, 2, share ? 1 : 0);
  if (!_vs_database_step_done (self, stmt, "saving a folder's sharing", error))
    goto failed;
  if (sqlite3_changes (self->db) == 0)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "“%s” is not a folder of the library", display);
      goto failed;
    }
  if (share)
    {
      stmt = _vs_database_prepare (self,
                                   "UPDATE videos SET thumb_state = 0 WHERE thumb_state = 1 AND "
                                   "folder_id IN (SELECT f.id FROM folders f JOIN roots r "
                                   "ON f.root_id = r.id WHERE r.path = ?1)", error);
      if (stmt == NULL)
        goto failed;
      _vs_bind_path (stmt, 1, path);
      if (!_vs_database_step_done (self, stmt, "saving a folder's sharing", error))
        goto failed;
    }
  if (!vs_database_commit (self, error))
    goto failed;
  return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}

GStrv
vs_database_dup_shared_roots (VsDatabase  *self,
                              GError     **error)
{
  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  /* A library older than the column (read as it is, read-only) shares nothing. */
  if (self->schema_version < _VS_DATABASE_SHARE_SCHEMA)
    return g_new0 (char *, 1);
  return dup_root_paths (self, "SELECT path FROM roots WHERE share_previews != 0 ORDER BY path",
                         error);
}
