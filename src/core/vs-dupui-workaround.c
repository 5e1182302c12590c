/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-dupui-workaround.c: LOCAL WORKAROUND of branch h-dupui, NOT FOR MAIN.
 *
 * Crude stand-ins for the duplicates core (the lead's vs-database-duplicates.c and
 * vs-fingerprint.c, dupplumb's vs-library-duplicates.c) so that the Duplicates page links
 * and its tests run before those land. Built only while those files are missing (see
 * meson.build); delete this file once main has them.
 */
#define G_LOG_DOMAIN "vs-dupui-workaround"

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "vs-database-private.h"
#include "vs-dupui-workaround.h"
#include "vs-library-private.h"

#ifndef VS_HAVE_FINGERPRINT
int
vs_duplicate_sensitivity_max_distance (VsDuplicateSensitivity sensitivity)
{
  return sensitivity == VS_DUPLICATE_SENSITIVITY_LOW ? 4
         : sensitivity == VS_DUPLICATE_SENSITIVITY_MEDIUM ? 10 : 16;
}
#endif

#ifndef VS_HAVE_DATABASE_DUPLICATES

static int
distance (const VsFingerprint *a,
          const VsFingerprint *b)
{
  guint n = 0, bits = 0;

  if (MAX (a->duration_ms, b->duration_ms) * 5 > MIN (a->duration_ms, b->duration_ms) * 6)
    return -1;
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    if (!(a->flat_mask & (1u << i)) && !(b->flat_mask & (1u << i)))
      {
        bits += __builtin_popcountll (a->frames[i] ^ b->frames[i]);
        n++;
      }
  return n < 4 ? -1 : (int) (bits / n);
}

gboolean
vs_database_set_fingerprint (VsDatabase          *self,
                             gint64               video_id,
                             const VsFingerprint *fingerprint,
                             GError             **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "UPDATE videos SET fingerprint = ?, fp_state = ? WHERE id = ?",
                               error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  if (fingerprint != NULL)
    sqlite3_bind_blob (stmt, 1, fingerprint, sizeof *fingerprint, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 1);
  sqlite3_bind_int (stmt, 2, fingerprint != NULL ? VS_FINGERPRINT_STATE_MADE
                                                 : VS_FINGERPRINT_STATE_FAILED);
  sqlite3_bind_int64 (stmt, 3, video_id);
  ok = _vs_database_step_done (self, stmt, "storing a fingerprint", error);
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gboolean
vs_database_count_fingerprints (VsDatabase  *self,
                                gint64      *out_made,
                                gint64      *out_pending,
                                GError     **error)
{
  gint64 made = 0, pending = 0;

  if (!_vs_database_query_int (self, "SELECT count(*) FROM videos WHERE fp_state IN (1, 3)",
                               &made, error) ||
      !_vs_database_query_int (self, "SELECT count(*) FROM videos WHERE fp_state = 0",
                               &pending, error))
    return FALSE;
  if (out_made != NULL)
    *out_made = made;
  if (out_pending != NULL)
    *out_pending = pending;
  return TRUE;
}

typedef struct
{
  gint64        id;
  gboolean      unmatched;
  VsFingerprint fp;
} Entry;

gboolean
vs_database_match_duplicates (VsDatabase    *self,
                              GCancellable  *cancellable,
                              guint         *out_new_pairs,
                              GError       **error)
{
  g_autoptr(GArray) all = g_array_new (FALSE, TRUE, sizeof (Entry));
  sqlite3_stmt *stmt;
  guint n_new = 0;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "SELECT id, fp_state, fingerprint FROM videos "
                                     "WHERE fp_state IN (1, 3) AND fingerprint IS NOT NULL",
                               error);
  if (stmt == NULL)
    goto fail;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Entry e = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1) == 1 };

      if (sqlite3_column_bytes (stmt, 2) == sizeof e.fp)
        {
          memcpy (&e.fp, sqlite3_column_blob (stmt, 2), sizeof e.fp);
          g_array_append_val (all, e);
        }
    }
  sqlite3_reset (stmt);
  stmt = _vs_database_prepare (self, "INSERT OR IGNORE INTO duplicate_pairs (a, b, distance, exact) "
                                     "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < all->len; i++)
    for (guint j = i + 1; j < all->len; j++)
      {
        Entry *a = &g_array_index (all, Entry, i), *b = &g_array_index (all, Entry, j);
        int d;

        if (!a->unmatched && !b->unmatched)
          continue;
        d = distance (&a->fp, &b->fp);
        if (d < 0 || d > vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_HIGH))
          continue;
        sqlite3_bind_int64 (stmt, 1, MIN (a->id, b->id));
        sqlite3_bind_int64 (stmt, 2, MAX (a->id, b->id));
        sqlite3_bind_int (stmt, 3, d);
        sqlite3_bind_int (stmt, 4, 0);
        if (!_vs_database_step_done (self, stmt, "storing a pair", error))
          goto fail;
        n_new++;
      }
  if (!_vs_database_exec (self, "UPDATE videos SET fp_state = 3 WHERE fp_state = 1", error))
    goto fail;
  g_rec_mutex_unlock (&self->lock);
  if (out_new_pairs != NULL)
    *out_new_pairs = n_new;
  return TRUE;
fail:
  g_rec_mutex_unlock (&self->lock);
  return FALSE;
}

void
vs_duplicate_group_free (VsDuplicateGroup *group)
{
  if (group == NULL)
    return;
  g_clear_pointer (&group->ids, g_array_unref);
  g_free (group);
}

static gint64
find_root (GHashTable *parent,
           gint64      id)
{
  gpointer p;

  while (g_hash_table_lookup_extended (parent, &id, NULL, &p) && *(gint64 *) p != id)
    id = *(gint64 *) p;
  return id;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const VsDuplicateGroup *x = *(VsDuplicateGroup * const *) a;
  const VsDuplicateGroup *y = *(VsDuplicateGroup * const *) b;

  if (x->bytes != y->bytes)
    return x->bytes > y->bytes ? -1 : 1;
  return compare_gint64 (&g_array_index (x->ids, gint64, 0), &g_array_index (y->ids, gint64, 0));
}

GPtrArray *
vs_database_list_duplicate_groups (VsDatabase             *self,
                                   VsDuplicateSensitivity  sensitivity,
                                   GError                **error)
{
  g_autoptr(GHashTable) parent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) sizes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_duplicate_group_free);
  sqlite3_stmt *stmt;
  GHashTableIter iter;
  gpointer key, value;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
    "SELECT p.a, p.b, va.size, vb.size FROM duplicate_pairs p "
    "JOIN videos va ON va.id = p.a JOIN videos vb ON vb.id = p.b WHERE p.distance <= ? "
    "AND NOT EXISTS (SELECT 1 FROM not_duplicates n WHERE (n.path_a = va.path AND n.path_b = vb.path) "
    "  OR (n.path_a = vb.path AND n.path_b = va.path))", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      g_ptr_array_unref (result);
      return NULL;
    }
  sqlite3_bind_int (stmt, 1, vs_duplicate_sensitivity_max_distance (sensitivity));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 ids[2] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };
      gint64 ra, rb;

      for (guint k = 0; k < 2; k++)
        if (!g_hash_table_contains (parent, &ids[k]))
          {
            g_hash_table_insert (parent, g_memdup2 (&ids[k], 8), g_memdup2 (&ids[k], 8));
            g_hash_table_insert (sizes, g_memdup2 (&ids[k], 8),
                                 g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 2 + k) }, 8));
          }
      ra = find_root (parent, ids[0]);
      rb = find_root (parent, ids[1]);
      if (ra != rb)
        g_hash_table_insert (parent, g_memdup2 (&ra, 8), g_memdup2 (&rb, 8));
    }
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);
  g_hash_table_iter_init (&iter, parent);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 id = *(gint64 *) key;
      gint64 root = find_root (parent, id);
      VsDuplicateGroup *group = g_hash_table_lookup (groups, &root);

      if (group == NULL)
        {
          group = g_new0 (VsDuplicateGroup, 1);
          group->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_ptr_array_add (result, group);
          g_hash_table_insert (groups, g_memdup2 (&root, 8), group);
        }
      g_array_append_val (group->ids, id);
      group->bytes += *(gint64 *) g_hash_table_lookup (sizes, &id);
    }
  for (guint i = 0; i < result->len; i++)
    g_array_sort (((VsDuplicateGroup *) g_ptr_array_index (result, i))->ids, compare_gint64);
  g_ptr_array_sort (result, compare_groups);
  return result;
}

static gboolean
mark (VsDatabase    *self,
      const gint64  *ids,
      guint          n_ids,
      const char    *sql,
      GError       **error)
{
  gboolean ok = TRUE;

  g_rec_mutex_lock (&self->lock);
  for (guint i = 0; ok && i < n_ids; i++)
    for (guint j = 0; ok && j < n_ids; j++)
      if (i != j)
        {
          sqlite3_stmt *stmt = _vs_database_prepare (self, sql, error);

          if (stmt == NULL)
            ok = FALSE;
          else
            {
              sqlite3_bind_int64 (stmt, 1, ids[i]);
              sqlite3_bind_int64 (stmt, 2, ids[j]);
              ok = _vs_database_step_done (self, stmt, "marking", error);
            }
        }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gboolean
vs_database_mark_not_duplicates (VsDatabase    *self,
                                 const gint64  *ids,
                                 guint          n_ids,
                                 GError       **error)
{
  return mark (self, ids, n_ids,
               "INSERT OR IGNORE INTO not_duplicates (path_a, path_b) SELECT a.path, b.path "
               "FROM videos a, videos b WHERE a.id = ? AND b.id = ?", error);
}

gboolean
vs_database_unmark_not_duplicates (VsDatabase    *self,
                                   const gint64  *ids,
                                   guint          n_ids,
                                   GError       **error)
{
  return mark (self, ids, n_ids,
               "DELETE FROM not_duplicates WHERE path_a = (SELECT path FROM videos WHERE id = ?) "
               "AND path_b = (SELECT path FROM videos WHERE id = ?)", error);
}

#endif /* VS_HAVE_DATABASE_DUPLICATES */

#ifndef VS_HAVE_LIBRARY_DUPLICATES

/* On the main thread, through the writer: a workaround only. */
void
vs_library_find_duplicates_async (VsLibrary            *self,
                                  GCancellable         *cancellable,
                                  VsDuplicatesProgress  progress,
                                  gpointer              progress_data,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  guint n = 0;

  if (!vs_database_match_duplicates (self->writer, cancellable, &n, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (n > 0)
    _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  g_task_set_task_data (task, GUINT_TO_POINTER (n), NULL);
  g_task_return_boolean (task, TRUE);
}

gboolean
vs_library_find_duplicates_finish (VsLibrary     *self,
                                   GAsyncResult  *result,
                                   guint         *out_new_pairs,
                                   GError       **error)
{
  if (out_new_pairs != NULL)
    *out_new_pairs = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vs_library_list_duplicates_async (VsLibrary              *self,
                                  VsDuplicateSensitivity  sensitivity,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  GPtrArray *groups = vs_database_list_duplicate_groups (self->reader, sensitivity, &error);

  if (groups == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, groups, (GDestroyNotify) g_ptr_array_unref);
}

GPtrArray *
vs_library_list_duplicates_finish (VsLibrary     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vs_library_mark_not_duplicates_async (VsLibrary           *self,
                                      GArray              *ids,
                                      gboolean             not_duplicates,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  gboolean ok = not_duplicates
    ? vs_database_mark_not_duplicates (self->writer, (gint64 *) ids->data, ids->len, &error)
    : vs_database_unmark_not_duplicates (self->writer, (gint64 *) ids->data, ids->len, &error);

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }
  _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  g_task_return_boolean (task, TRUE);
}

gboolean
vs_library_mark_not_duplicates_finish (VsLibrary     *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

#endif /* VS_HAVE_LIBRARY_DUPLICATES */
