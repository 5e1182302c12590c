/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-collections.c: saved collections, a name and a query each, in the index
 *
 * A collection keeps its query as the text of vs_video_query_to_string(), so adding one
 * parses the text first: a text that does not parse is refused and nothing is written.
 * The table is small (a sidebar's worth of rows): moving one renumbers them all.
 */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include "vs-database-private.h"

G_DEFINE_BOXED_TYPE (VsCollection, vs_collection, vs_collection_copy, vs_collection_free)

VsCollection *
vs_collection_new (gint64      id,
                   const char *name,
                   const char *query)
{
  VsCollection *self = g_new0 (VsCollection, 1);

  self->id = id;
  self->name = g_strdup (name);
  self->query = g_strdup (query);
  return self;
}

VsCollection *
vs_collection_copy (const VsCollection *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return vs_collection_new (self->id, self->name, self->query);
}

void
vs_collection_free (VsCollection *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->query);
  g_free (self);
}

char *
vs_collection_normalize_name (const char  *name,
                              GError     **error)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "A collection’s name must be UTF-8");
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (name));
  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "A collection needs a name");
      return NULL;
    }
  if (g_utf8_strlen (trimmed, -1) > VS_COLLECTION_NAME_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A collection’s name has at most %d characters", VS_COLLECTION_NAME_MAX);
      return NULL;
    }
  return g_steal_pointer (&trimmed);
}

static gboolean
has_table (VsDatabase *self)
{
  return self->schema_version >= _VS_DATABASE_COLLECTIONS_SCHEMA;
}

static gboolean
check_writable (VsDatabase  *self,
                GError     **error)
{
  if (has_table (self))
    return TRUE;
  g_set_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_READ_ONLY,
               "This library is too old to keep collections; it was opened read-only");
  return FALSE;
}

GPtrArray *
vs_database_list_collections (VsDatabase  *self,
                              GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_collection_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* an older library (read as it is) has none, which is no error */
  if (!has_table (self))
    return g_steal_pointer (&list);
  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "SELECT id, name, query FROM collections ORDER BY position, id",
                               error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, vs_collection_new (sqlite3_column_int64 (stmt, 0),
                                              (const char *) sqlite3_column_text (stmt, 1),
                                              (const char *) sqlite3_column_text (stmt, 2)));
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);
  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "listing collections");
      return NULL;
    }
  return g_steal_pointer (&list);
}

gint64
vs_database_add_collection (VsDatabase  *self,
                            const char  *name,
                            const char  *query,
                            GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree VsVideoQuery *parsed = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (VS_IS_DATABASE (self), 0);
  g_return_val_if_fail (name != NULL, 0);
  g_return_val_if_fail (query != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if ((trimmed = vs_collection_normalize_name (name, error)) == NULL ||
      (parsed = vs_video_query_new_from_string (query, error)) == NULL ||
      !check_writable (self, error) || !vs_database_begin (self, error))
    return 0;
  /* at the end */
  stmt = _vs_database_prepare (self,
                               "INSERT INTO collections (name, query, position, created_ns) "
                               "SELECT ?1, ?2, ifnull(max(position) + 1, 0), ?3 FROM collections",
                               error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, trimmed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, query, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () * 1000);
  if (!_vs_database_step_done (self, stmt, "adding a collection", error))
    goto failed;
  id = sqlite3_last_insert_rowid (self->db);
  if (!vs_database_commit (self, error))
    goto failed;
  return id;

failed:
  vs_database_rollback (self);
  return 0;
}

/* Fails with G_IO_ERROR_NOT_FOUND when the statement changed no row. */
static gboolean
check_changed (VsDatabase  *self,
               gint64       id,
               GError     **error)
{
  if (sqlite3_changes (self->db) > 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "There is no collection %" G_GINT64_FORMAT, id);
  return FALSE;
}

gboolean
vs_database_rename_collection (VsDatabase  *self,
                               gint64       id,
                               const char  *name,
                               GError     **error)
{
  g_autofree char *trimmed = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((trimmed = vs_collection_normalize_name (name, error)) == NULL ||
      !check_writable (self, error) || !vs_database_begin (self, error))
    return FALSE;
  stmt = _vs_database_prepare (self, "UPDATE collections SET name = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, trimmed, -1, SQLITE_TRANSIENT);
  if (!_vs_database_step_done (self, stmt, "renaming a collection", error) ||
      !check_changed (self, id, error) || !vs_database_commit (self, error))
    goto failed;
  return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}

gboolean
vs_database_remove_collection (VsDatabase  *self,
                               gint64       id,
                               GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error) || !vs_database_begin (self, error))
    return FALSE;
  stmt = _vs_database_prepare (self, "DELETE FROM collections WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!_vs_database_step_done (self, stmt, "removing a collection", error) ||
      !check_changed (self, id, error) || !vs_database_commit (self, error))
    goto failed;
  return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}

/* The ids in their order, @id taken out (*out_found: whether it was there). */
static GArray *
read_order (VsDatabase  *self,
            gint64       id,
            gboolean    *out_found,
            GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  *out_found = FALSE;
  stmt = _vs_database_prepare (self, "SELECT id FROM collections ORDER BY position, id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 row = sqlite3_column_int64 (stmt, 0);

      if (row == id)
        *out_found = TRUE;
      else
        g_array_append_val (ids, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "reading collections");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gboolean
vs_database_move_collection (VsDatabase  *self,
                             gint64       id,
                             guint        position,
                             GError     **error)
{
  g_autoptr(GArray) ids = NULL;
  gboolean found;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (self, error) || !vs_database_begin (self, error))
    return FALSE;
  if ((ids = read_order (self, id, &found, error)) == NULL)
    goto failed;
  if (!found)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "There is no collection %" G_GINT64_FORMAT, id);
      goto failed;
    }
  /* past the end: last */
  g_array_insert_val (ids, MIN (position, ids->len), id);
  for (guint i = 0; i < ids->len; i++)
    {
      stmt = _vs_database_prepare (self, "UPDATE collections SET position = ?2 WHERE id = ?1",
                                   error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      sqlite3_bind_int64 (stmt, 2, i);
      if (!_vs_database_step_done (self, stmt, "moving a collection", error))
        goto failed;
    }
  if (!vs_database_commit (self, error))
    goto failed;
  return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}
