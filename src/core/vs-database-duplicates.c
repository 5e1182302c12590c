/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-duplicates.c: fingerprints, exact copies, duplicate pairs and groups */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include "vs-database-private.h"
#include "vs-duplicate-index.h"

/* Fingerprints ------------------------------------------------------------------------ */

static gboolean
store_fingerprint (VsDatabase          *self,
                   gint64               video_id,
                   const VsFingerprint *fingerprint,
                   GError             **error)
{
  guint8 blob[VS_FINGERPRINT_BLOB_SIZE];
  sqlite3_stmt *stmt;

  stmt = _vs_database_prepare (self,
                               "UPDATE videos SET fingerprint = ?2, fp_state = ?3 WHERE id = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video_id);
  if (fingerprint != NULL)
    {
      vs_fingerprint_to_blob (fingerprint, blob);
      sqlite3_bind_blob (stmt, 2, blob, sizeof blob, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 3, VS_FINGERPRINT_STATE_MADE);
    }
  else
    {
      sqlite3_bind_null (stmt, 2);
      sqlite3_bind_int (stmt, 3, VS_FINGERPRINT_STATE_FAILED);
    }
  if (!_vs_database_step_done (self, stmt, "saving a fingerprint", error))
    return FALSE;

  /* pairs found with the old fingerprint no longer hold; exact copies still do */
  stmt = _vs_database_prepare (self,
                               "DELETE FROM duplicate_pairs WHERE (a = ?1 OR b = ?1) AND exact = 0",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, video_id);
  return _vs_database_step_done (self, stmt, "forgetting old pairs", error);
}

gboolean
vs_database_set_fingerprint (VsDatabase          *self,
                             gint64               video_id,
                             const VsFingerprint *fingerprint,
                             GError             **error)
{
  gboolean ok;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (fingerprint == NULL || fingerprint->n_frames == VS_FINGERPRINT_FRAMES, FALSE);

  if (!vs_database_begin (self, error))
    return FALSE;
  ok = store_fingerprint (self, video_id, fingerprint, error);
  if (!ok)
    {
      vs_database_rollback (self);
      return FALSE;
    }
  return vs_database_commit (self, error);
}

/* Reads column @column of @stmt's current row as a fingerprint; FALSE when it is none. */
static gboolean
column_fingerprint (sqlite3_stmt  *stmt,
                    int            column,
                    VsFingerprint *out)
{
  g_autoptr(GError) local_error = NULL;
  const void *blob = sqlite3_column_blob (stmt, column);
  int length = sqlite3_column_bytes (stmt, column);

  if (blob == NULL)
    return FALSE;
  if (!vs_fingerprint_from_blob (blob, (gsize) length, out, &local_error))
    {
      g_debug ("skipping a stored fingerprint: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
vs_database_get_fingerprint (VsDatabase     *self,
                             gint64          video_id,
                             VsFingerprint  *out,
                             gboolean       *out_found,
                             GError        **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (out != NULL && out_found != NULL, FALSE);

  *out_found = FALSE;
  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "SELECT fingerprint FROM videos WHERE id = ?1 AND fp_state IN (1, 3)",
                               error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, video_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *out_found = column_fingerprint (stmt, 0, out);
      ok = rc == SQLITE_ROW || rc == SQLITE_DONE ||
           _vs_database_set_error (self, error, rc, "reading a fingerprint");
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gboolean
vs_database_copy_twin_fingerprint (VsDatabase  *self,
                                   gint64       video_id,
                                   gboolean    *out_copied,
                                   GError     **error)
{
  VsFingerprint twin;
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (out_copied != NULL, FALSE);

  *out_copied = FALSE;
  if (!vs_database_begin (self, error))
    return FALSE;
  stmt = _vs_database_prepare (self,
                               "SELECT t.fingerprint FROM videos v JOIN videos t "
                               "  ON t.size = v.size AND t.content_hash = v.content_hash "
                               "WHERE v.id = ?1 AND v.content_hash IS NOT NULL AND t.id != v.id "
                               "  AND t.fp_state IN (1, 3) LIMIT 1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, video_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    found = column_fingerprint (stmt, 0, &twin);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "looking for an exact copy");
      goto fail;
    }
  if (found && !store_fingerprint (self, video_id, &twin, error))
    goto fail;
  if (!vs_database_commit (self, error))
    return FALSE;
  *out_copied = found;
  return TRUE;

fail:
  vs_database_rollback (self);
  return FALSE;
}

GArray *
vs_database_query_unhashed_twins (VsDatabase  *self,
                                  gint64       after_id,
                                  guint        limit,
                                  GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  /* the other file of the same size is found through the size index */
  stmt = _vs_database_prepare (self,
                               "SELECT v.id FROM videos v WHERE v.kind = 0 AND "
                               "  v.content_hash IS NULL AND v.id > ?1 AND EXISTS "
                               "  (SELECT 1 FROM videos o WHERE o.size = v.size AND "
                               "   o.id != v.id AND o.kind = 0) "
                               "ORDER BY v.id LIMIT ?2", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, after_id);
  sqlite3_bind_int (stmt, 2, (int) MIN (limit, G_MAXINT));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);
  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "listing files to hash");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gboolean
vs_database_set_content_hash (VsDatabase  *self,
                              gint64       video_id,
                              guint64      hash,
                              GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (hash != 0 && hash <= G_MAXINT64, FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "UPDATE videos SET content_hash = ?2 WHERE id = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, video_id);
      sqlite3_bind_int64 (stmt, 2, (gint64) hash);
      ok = _vs_database_step_done (self, stmt, "saving a content hash", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gboolean
vs_database_count_fingerprints (VsDatabase  *self,
                                gint64      *out_made,
                                gint64      *out_pending,
                                GError     **error)
{
  gint64 made = 0, pending;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  if (!_vs_database_query_int (self, "SELECT count(*) FROM videos WHERE fp_state IN (1, 3)",
                               &made, error))
    return FALSE;
  pending = vs_database_count_pending (self, VS_PENDING_FINGERPRINT, error);
  if (pending < 0)
    return FALSE;
  if (out_made != NULL)
    *out_made = made;
  if (out_pending != NULL)
    *out_pending = pending;
  return TRUE;
}

/* Matching ---------------------------------------------------------------------------- */

typedef struct
{
  gint64 a, b;
  int    distance;
} Pair;

static void
collect_pair (gint64   a_id,
              gint64   b_id,
              int      distance,
              gpointer user_data)
{
  Pair pair = { a_id, b_id, distance };

  g_array_append_val ((GArray *) user_data, pair);
}

/* Every fingerprint into @index, and the ids not matched yet into @unmatched. */
static gboolean
load_fingerprints (VsDatabase        *self,
                   VsDuplicateIndex  *index,
                   GHashTable        *unmatched,
                   GCancellable      *cancellable,
                   GError           **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  guint n = 0;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "SELECT id, fp_state, fingerprint FROM videos "
                               "WHERE fp_state IN (1, 3)", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VsFingerprint fp;
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (!column_fingerprint (stmt, 2, &fp))
        continue;
      vs_duplicate_index_add (index, id, &fp);
      if (sqlite3_column_int (stmt, 1) == VS_FINGERPRINT_STATE_MADE)
        g_hash_table_add (unmatched, g_memdup2 (&id, sizeof id));
      if (++n % 4096 == 0 && g_cancellable_is_cancelled (cancellable))
        break;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    ok = _vs_database_set_error (self, error, rc, "reading fingerprints");
  g_rec_mutex_unlock (&self->lock);
  return ok && !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gboolean
store_pairs (VsDatabase  *self,
             GArray      *pairs,
             GHashTable  *unmatched,
             GError     **error)
{
  GHashTableIter iter;
  gpointer key;
  sqlite3_stmt *stmt;

  if (!vs_database_begin (self, error))
    return FALSE;
  /* exact copies first: the same size and content hash */
  if (!_vs_database_exec (self,
                          "INSERT INTO duplicate_pairs (a, b, distance, exact) "
                          "SELECT x.id, y.id, 0, 1 FROM videos x JOIN videos y "
                          "  ON y.size = x.size AND y.content_hash = x.content_hash AND y.id > x.id "
                          "WHERE x.content_hash IS NOT NULL AND true "
                          "ON CONFLICT (a, b) DO UPDATE SET distance = 0, exact = 1", error))
    goto fail;

  /* Only while both still have the fingerprint the pair was found with: a file that
   * changed meanwhile is pending again. */
  stmt = _vs_database_prepare (self,
                               "INSERT INTO duplicate_pairs (a, b, distance, exact) "
                               "SELECT ?1, ?2, ?3, 0 WHERE (SELECT count(*) FROM videos "
                               "  WHERE id IN (?1, ?2) AND fp_state IN (1, 3)) = 2 "
                               "ON CONFLICT (a, b) DO UPDATE SET distance = excluded.distance "
                               "  WHERE exact = 0", error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < pairs->len; i++)
    {
      const Pair *pair = &g_array_index (pairs, Pair, i);

      sqlite3_bind_int64 (stmt, 1, pair->a);
      sqlite3_bind_int64 (stmt, 2, pair->b);
      sqlite3_bind_int (stmt, 3, pair->distance);
      if (!_vs_database_step_done (self, stmt, "saving a pair", error))
        goto fail;
    }

  stmt = _vs_database_prepare (self,
                               "UPDATE videos SET fp_state = 3 WHERE id = ?1 AND fp_state = 1",
                               error);
  if (stmt == NULL)
    goto fail;
  g_hash_table_iter_init (&iter, unmatched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      sqlite3_bind_int64 (stmt, 1, *(gint64 *) key);
      if (!_vs_database_step_done (self, stmt, "marking a fingerprint matched", error))
        goto fail;
    }
  return vs_database_commit (self, error);

fail:
  vs_database_rollback (self);
  return FALSE;
}

gboolean
vs_database_match_duplicates (VsDatabase    *self,
                              GCancellable  *cancellable,
                              guint         *out_new_pairs,
                              GError       **error)
{
  g_autoptr(VsDuplicateIndex) index = vs_duplicate_index_new ();
  g_autoptr(GHashTable) unmatched = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                           g_free, NULL);
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  gint64 before = 0, after = 0;
  gint64 n_unmatched = 0;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  if (!_vs_database_query_int (self, "SELECT count(*) FROM duplicate_pairs", &before, error) ||
      !_vs_database_query_int (self, "SELECT EXISTS (SELECT 1 FROM videos WHERE fp_state = 1)",
                               &n_unmatched, error))
    return FALSE;
  /* nothing new to compare: only exact copies may have appeared (a few rows) */
  if (n_unmatched > 0 && !load_fingerprints (self, index, unmatched, cancellable, error))
    return FALSE;
  /* The index is built and searched with no lock held: the window's reads go on. */
  if (g_hash_table_size (unmatched) > 0)
    vs_duplicate_index_find_pairs (index,
                                   vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_HIGH),
                                   unmatched, collect_pair, pairs);
  g_clear_pointer (&index, vs_duplicate_index_free);
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !store_pairs (self, pairs, unmatched, error) ||
      !_vs_database_query_int (self, "SELECT count(*) FROM duplicate_pairs", &after, error))
    return FALSE;
  if (out_new_pairs != NULL)
    *out_new_pairs = (guint) MAX (after - before, 0);
  return TRUE;
}

/* Groups ------------------------------------------------------------------------------ */

void
vs_duplicate_group_free (VsDuplicateGroup *group)
{
  if (group == NULL)
    return;
  g_clear_pointer (&group->ids, g_array_unref);
  g_clear_pointer (&group->pairs, g_array_unref);
  g_free (group);
}

/* Union-find over the pairs' ids, mapped to small indices. */
typedef struct
{
  GHashTable *index_of;   /* gint64 id → index + 1 */
  GArray     *ids;        /* gint64 */
  GArray     *parent;     /* guint */
} Forest;

static guint
forest_node (Forest *forest,
             gint64  id)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (forest->index_of, &id));

  if (index == 0)
    {
      index = forest->ids->len;
      g_array_append_val (forest->ids, id);
      g_array_append_val (forest->parent, index);
      g_hash_table_insert (forest->index_of, g_memdup2 (&id, sizeof id),
                           GUINT_TO_POINTER (index + 1));
      return index;
    }
  return index - 1;
}

static guint
forest_root (Forest *forest,
             guint   node)
{
  guint *parent = (guint *) forest->parent->data;

  while (parent[node] != node)
    {
      parent[node] = parent[parent[node]];
      node = parent[node];
    }
  return node;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const VsDuplicateGroup *x = *(VsDuplicateGroup * const *) a;
  const VsDuplicateGroup *y = *(VsDuplicateGroup * const *) b;

  if (x->bytes != y->bytes)
    return x->bytes > y->bytes ? -1 : 1;
  return compare_ids (&g_array_index (x->ids, gint64, 0), &g_array_index (y->ids, gint64, 0));
}

typedef struct
{
  guint    x, y;        /* forest nodes */
  int      distance;
  gboolean exact;
} Edge;

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const VsDuplicatePair *x = a, *y = b;

  if (x->a != y->a)
    return x->a < y->a ? -1 : 1;
  return (x->b > y->b) - (x->b < y->b);
}

GPtrArray *
vs_database_list_duplicate_groups (VsDatabase              *self,
                                   VsDuplicateSensitivity   sensitivity,
                                   GError                 **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_duplicate_group_free);
  g_autoptr(GHashTable) by_root = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  g_autoptr(GHashTable) index_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) parent = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) sizes = g_array_new (FALSE, TRUE, sizeof (gint64));   /* by node */
  Forest forest = { index_of, ids, parent };
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  /* the pairs within reach, less those a user said are not duplicates (either order) */
  stmt = _vs_database_prepare (self,
                               "SELECT p.a, p.b, p.distance, p.exact, va.size, vb.size "
                               "FROM duplicate_pairs p "
                               "JOIN videos va ON va.id = p.a JOIN videos vb ON vb.id = p.b "
                               "WHERE p.distance <= ?1 AND NOT EXISTS (SELECT 1 FROM not_duplicates n "
                               "  WHERE (n.path_a = va.path AND n.path_b = vb.path) OR "
                               "        (n.path_a = vb.path AND n.path_b = va.path))", error);
  if (stmt == NULL)
    goto fail_locked;
  sqlite3_bind_int (stmt, 1, vs_duplicate_sensitivity_max_distance (sensitivity));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Edge edge;

      edge.x = forest_node (&forest, sqlite3_column_int64 (stmt, 0));
      edge.y = forest_node (&forest, sqlite3_column_int64 (stmt, 1));
      edge.distance = sqlite3_column_int (stmt, 2);
      edge.exact = sqlite3_column_int (stmt, 3) != 0;
      g_array_set_size (sizes, ids->len);
      g_array_index (sizes, gint64, edge.x) = sqlite3_column_int64 (stmt, 4);
      g_array_index (sizes, gint64, edge.y) = sqlite3_column_int64 (stmt, 5);
      g_array_append_val (edges, edge);
      g_array_index (parent, guint, forest_root (&forest, edge.y)) = forest_root (&forest, edge.x);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "reading duplicate pairs");
      goto fail_locked;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      guint root = forest_root (&forest, i);
      VsDuplicateGroup *group = g_hash_table_lookup (by_root, GUINT_TO_POINTER (root + 1));

      if (group == NULL)
        {
          group = g_new0 (VsDuplicateGroup, 1);
          group->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          group->pairs = g_array_new (FALSE, FALSE, sizeof (VsDuplicatePair));
          group->exact = TRUE;
          g_hash_table_insert (by_root, GUINT_TO_POINTER (root + 1), group);
          g_ptr_array_add (groups, group);
        }
      g_array_append_val (group->ids, g_array_index (ids, gint64, i));
      group->bytes += g_array_index (sizes, gint64, i);
    }
  for (guint e = 0; e < edges->len; e++)
    {
      const Edge *edge = &g_array_index (edges, Edge, e);
      VsDuplicateGroup *group = g_hash_table_lookup (by_root,
                                                     GUINT_TO_POINTER (forest_root (&forest, edge->x) + 1));

      VsDuplicatePair pair = { g_array_index (ids, gint64, edge->x),
                               g_array_index (ids, gint64, edge->y),
                               edge->distance, edge->exact };

      group->distance = MAX (group->distance, edge->distance);
      group->exact = group->exact && edge->exact;
      g_array_append_val (group->pairs, pair);
    }

  g_rec_mutex_unlock (&self->lock);
  for (guint g = 0; g < groups->len; g++)
    {
      VsDuplicateGroup *group = g_ptr_array_index (groups, g);

      g_array_sort (group->ids, compare_ids);
      g_array_sort (group->pairs, compare_pairs);
    }

  g_ptr_array_sort (groups, compare_groups);
  return g_steal_pointer (&groups);

fail_locked:
  g_rec_mutex_unlock (&self->lock);
  return NULL;
}

GPtrArray *
vs_database_load_duplicate_group (VsDatabase    *self,
                                  const gint64  *ids,
                                  guint          n_ids,
                                  GError       **error)
{
  GPtrArray *records;
  guint kept = 0;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  records = vs_database_load_videos (self, ids, n_ids, error);
  if (records == NULL)
    return NULL;
  /* rows deleted since the listing come back NULL: closed up in one pass */
  for (guint i = 0; i < records->len; i++)
    if (records->pdata[i] != NULL)
      records->pdata[kept++] = records->pdata[i];
  for (guint i = kept; i < records->len; i++)
    records->pdata[i] = NULL;
  g_ptr_array_set_size (records, kept);
  return records;
}

/* Not duplicates ---------------------------------------------------------------------- */

static gboolean
mark_pairs (VsDatabase    *self,
            const gint64  *ids,
            guint          n_ids,
            const char    *sql,
            GError       **error)
{
  sqlite3_stmt *stmt;

  if (!vs_database_begin (self, error))
    return FALSE;
  stmt = _vs_database_prepare (self, sql, error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < n_ids; i++)
    for (guint j = i + 1; j < n_ids; j++)
      {
        sqlite3_bind_int64 (stmt, 1, MIN (ids[i], ids[j]));
        sqlite3_bind_int64 (stmt, 2, MAX (ids[i], ids[j]));
        if (!_vs_database_step_done (self, stmt, "saving not duplicates", error))
          goto fail;
      }
  return vs_database_commit (self, error);

fail:
  vs_database_rollback (self);
  return FALSE;
}

gboolean
vs_database_mark_not_duplicates (VsDatabase    *self,
                                 const gint64  *ids,
                                 guint          n_ids,
                                 GError       **error)
{
  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);

  return mark_pairs (self, ids, n_ids,
                     "INSERT OR IGNORE INTO not_duplicates (path_a, path_b) "
                     "SELECT x.path, y.path FROM videos x, videos y WHERE x.id = ?1 AND y.id = ?2",
                     error);
}

gboolean
vs_database_unmark_not_duplicates (VsDatabase    *self,
                                   const gint64  *ids,
                                   guint          n_ids,
                                   GError       **error)
{
  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);

  return mark_pairs (self, ids, n_ids,
                     "DELETE FROM not_duplicates WHERE "
                     "  (path_a = (SELECT path FROM videos WHERE id = ?1) AND "
                     "   path_b = (SELECT path FROM videos WHERE id = ?2)) OR "
                     "  (path_a = (SELECT path FROM videos WHERE id = ?2) AND "
                     "   path_b = (SELECT path FROM videos WHERE id = ?1))",
                     error);
}
