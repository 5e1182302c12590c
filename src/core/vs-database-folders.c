/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-folders.c: the folder rows, moves and folder listings */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include <string.h>

#include "vs-database-private.h"
#include "vs-path.h"

gint64
vs_database_lookup_folder (VsDatabase  *self,
                           const char  *path,
                           GError     **error)
{
  gint64 id;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (path != NULL, -1);

  g_rec_mutex_lock (&self->lock);
  id = _vs_database_lookup_id (self, "SELECT id FROM folders WHERE path = ?1", path, error);
  g_rec_mutex_unlock (&self->lock);
  return id;
}

gint64
vs_database_ensure_folder (VsDatabase  *self,
                           gint64       root_id,
                           gint64       parent_id,
                           const char  *path,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = -1;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (path != NULL, -1);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "INSERT INTO folders (root_id, parent_id, path, search_path) "
                               "VALUES (?1, ?2, ?3, vs_folder_search_path(?3, "
                               "  (SELECT path FROM roots WHERE id = ?1))) "
                               "ON CONFLICT (path) DO UPDATE SET root_id = excluded.root_id, "
                               "parent_id = excluded.parent_id, search_path = excluded.search_path "
                               "RETURNING id", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, root_id);
      if (parent_id > 0)
        sqlite3_bind_int64 (stmt, 2, parent_id);
      _vs_bind_path (stmt, 3, path);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      else
        _vs_database_set_error (self, error, rc, "adding a folder");
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return id;
}

/* path → VsVideoStamp-free id pairs: the folders a rescan of @path should find again. */
GHashTable *
vs_database_dup_folders_under (VsDatabase  *self,
                               const char  *path,
                               GError     **error)
{
  g_autoptr(GHashTable) folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "SELECT path, id FROM folders WHERE path = ?3 OR "
                               "(path >= ?1 AND path < ?2)", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  _vs_database_bind_below (stmt, 1, path);
  _vs_bind_path (stmt, 3, path);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (folders, _vs_column_path (stmt, 0),
                         GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 1)));
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "listing folders");
      return NULL;
    }
  return g_steal_pointer (&folders);
}

/* Removes one folder row and its own videos (subfolders' videos go by cascade, uncounted:
 * the scanner deletes deepest folders first to count them all). */
gboolean
vs_database_delete_folder (VsDatabase  *self,
                           gint64       folder_id,
                           guint       *out_n_videos,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "DELETE FROM videos WHERE folder_id = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, folder_id);
      ok = _vs_database_step_done (self, stmt, "removing a folder", error);
    }
  if (ok && out_n_videos != NULL)
    *out_n_videos = (guint) sqlite3_changes (self->db);
  if (ok)
    stmt = _vs_database_prepare (self, "DELETE FROM folders WHERE id = ?1", error);
  if (ok && stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, folder_id);
      ok = _vs_database_step_done (self, stmt, "removing a folder", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok && stmt != NULL;
}

/* Points row @id at @new_path, with the names that follow from it; @folder_id 0 keeps
 * its folder. */
static gboolean
repath_video (VsDatabase   *self,
              gint64        id,
              VsVideoKind   kind,
              const char   *new_path,
              gint64        folder_id,
              GError      **error)
{
  g_autoptr(VsVideoRecord) record = vs_video_record_new ();
  g_autofree char *sort_name = NULL;
  g_autofree char *sort_key = NULL;
  sqlite3_stmt *stmt;

  record->kind = kind;
  vs_video_record_set_path (record, new_path);
  if (record->uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, "Not a valid file name");
      return FALSE;
    }
  sort_name = vs_database_fold_name (record->display_name);
  sort_key = vs_database_sort_key (record->display_name);
  stmt = _vs_database_prepare (self,
                               "UPDATE videos SET path = ?2, uri = ?3, display_name = ?4, "
                               "sort_name = ?5, sort_key = ?6, "
                               "folder_id = CASE WHEN ?7 > 0 THEN ?7 ELSE folder_id END "
                               "WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  _vs_bind_path (stmt, 2, new_path);
  sqlite3_bind_text (stmt, 3, record->uri, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, record->display_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, sort_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, sort_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, folder_id);
  return _vs_database_step_done (self, stmt, "moving a video", error);
}

typedef struct
{
  gint64       id;
  VsVideoKind  kind;
  char        *path;
} MovedRow;

static void
moved_row_clear (gpointer data)
{
  g_free (((MovedRow *) data)->path);
}

/* The folder rows at and below @old_path, then their videos, move below @new_path. */
static gboolean
move_folder (VsDatabase  *self,
             const char  *old_path,
             const char  *new_path,
             gint64       new_parent_id,
             GPtrArray   *out_folders,
             GError     **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (MovedRow));
  gsize old_len = strlen (old_path);
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_clear_func (rows, moved_row_clear);
  for (guint pass = 0; pass < 2; pass++)
    {
      /* pass 0: folders (the moved one and below), pass 1: the videos below */
      stmt = _vs_database_prepare (self, pass == 0
                                   ? "SELECT id, 0, path FROM folders WHERE path = ?3 OR "
                                     "(path >= ?1 AND path < ?2)"
                                   : "SELECT id, kind, path FROM videos WHERE path >= ?1 AND path < ?2",
                                   error);
      if (stmt == NULL)
        return FALSE;
      _vs_database_bind_below (stmt, 1, old_path);
      if (pass == 0)
        _vs_bind_path (stmt, 3, old_path);
      g_array_set_size (rows, 0);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *path = _vs_column_path (stmt, 2);
          MovedRow row = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1),
                           g_strconcat (new_path, path + old_len, NULL) };

          g_array_append_val (rows, row);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return _vs_database_set_error (self, error, rc, "moving a folder");

      for (guint i = 0; i < rows->len; i++)
        {
          MovedRow *row = &g_array_index (rows, MovedRow, i);

          if (pass == 1)
            {
              if (!repath_video (self, row->id, row->kind, row->path, 0, error))
                return FALSE;
              continue;
            }
          stmt = _vs_database_prepare (self,
                                       "UPDATE folders SET path = ?2, root_id = "
                                       "(SELECT root_id FROM folders WHERE id = ?3), "
                                       "parent_id = CASE WHEN path = ?4 THEN ?3 "
                                       "  ELSE parent_id END, "
                                       "search_path = vs_folder_search_path(?2, "
                                       "  (SELECT r.path FROM folders p JOIN roots r "
                                       "   ON r.id = p.root_id WHERE p.id = ?3)) "
                                       "WHERE id = ?1", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, row->id);
          _vs_bind_path (stmt, 2, row->path);
          sqlite3_bind_int64 (stmt, 3, new_parent_id);
          _vs_bind_path (stmt, 4, old_path);
          if (!_vs_database_step_done (self, stmt, "moving a folder", error))
            return FALSE;
          if (out_folders != NULL)
            g_ptr_array_add (out_folders, g_strdup (row->path));
        }
    }
  return TRUE;
}

gboolean
vs_database_move (VsDatabase  *self,
                  const char  *old_path,
                  const char  *new_path,
                  gboolean    *out_moved,
                  GPtrArray   *out_folders,
                  GError     **error)
{
  g_autofree char *new_parent = NULL;
  gint64 new_parent_id, video_id, folder_id, taken;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (old_path != NULL && new_path != NULL, FALSE);
  g_return_val_if_fail (out_moved != NULL, FALSE);

  *out_moved = FALSE;
  if (vs_path_is_inside (new_path, old_path))
    return TRUE;
  new_parent = g_path_get_dirname (new_path);
  if (!vs_database_begin (self, error))
    return FALSE;
  new_parent_id = _vs_database_lookup_id (self, "SELECT id FROM folders WHERE path = ?1",
                                          new_parent, error);
  taken = new_parent_id <= 0 ? 0 :
          _vs_database_lookup_id (self, "SELECT id FROM videos WHERE path = ?1", new_path, error);
  if (taken == 0 && new_parent_id > 0)
    taken = _vs_database_lookup_id (self, "SELECT id FROM folders WHERE path = ?1",
                                    new_path, error);
  video_id = _vs_database_lookup_id (self, "SELECT id FROM videos WHERE path = ?1",
                                     old_path, error);
  folder_id = _vs_database_lookup_id (self, "SELECT id FROM folders WHERE path = ?1",
                                      old_path, error);
  if (new_parent_id < 0 || taken < 0 || video_id < 0 || folder_id < 0)
    goto failed;
  /* Into a folder outside the index, or onto an indexed row: the rescans decide. */
  if (new_parent_id == 0 || taken > 0 || (video_id == 0 && folder_id == 0))
    {
      vs_database_rollback (self);
      return TRUE;
    }

  if (video_id > 0)
    {
      sqlite3_stmt *stmt = _vs_database_prepare (self, "SELECT kind FROM videos WHERE id = ?1",
                                                 error);
      VsVideoKind kind;

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, video_id);
      kind = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : VS_VIDEO_KIND_FILE;
      sqlite3_reset (stmt);
      if (!repath_video (self, video_id, kind, new_path, new_parent_id, error))
        goto failed;
    }
  else if (!move_folder (self, old_path, new_path, new_parent_id, out_folders, error))
    goto failed;

  if (!vs_database_commit (self, error))
    goto failed;
  *out_moved = TRUE;
  return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}

void
vs_folder_record_free (VsFolderRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->path);
  g_free (record->name);
  g_free (record);
}

static int
compare_folder_names (gconstpointer a,
                      gconstpointer b)
{
  const VsFolderRecord *x = *(VsFolderRecord * const *) a;
  const VsFolderRecord *y = *(VsFolderRecord * const *) b;

  return g_utf8_collate (x->name, y->name);
}

GPtrArray *
vs_database_list_folders (VsDatabase  *self,
                          const char  *parent_path,
                          GError     **error)
{
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_folder_record_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  if (parent_path == NULL)
    stmt = _vs_database_prepare (self,
                                 "SELECT f.id, f.path, EXISTS (SELECT 1 FROM folders c "
                                 "WHERE c.parent_id = f.id) FROM roots r "
                                 "JOIN folders f ON f.path = r.path", error);
  else
    stmt = _vs_database_prepare (self,
                                 "SELECT c.id, c.path, EXISTS (SELECT 1 FROM folders g "
                                 "WHERE g.parent_id = c.id) FROM folders p "
                                 "JOIN folders c ON c.parent_id = p.id WHERE p.path = ?1", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  if (parent_path != NULL)
    _vs_bind_path (stmt, 1, parent_path);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VsFolderRecord *record = g_new0 (VsFolderRecord, 1);

      record->id = sqlite3_column_int64 (stmt, 0);
      record->path = _vs_column_path (stmt, 1);
      record->name = g_filename_display_basename (record->path);
      record->has_children = sqlite3_column_int (stmt, 2) != 0;
      g_ptr_array_add (folders, record);
    }
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "listing folders");
      return NULL;
    }
  g_ptr_array_sort (folders, compare_folder_names);
  return g_steal_pointer (&folders);
}
