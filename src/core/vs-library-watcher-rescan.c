/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-watcher-rescan.c: the watcher's batches of rescans, run on a worker thread */
#define G_LOG_DOMAIN "vs-library-watcher"

#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "vs-filmstrip.h"
#include "vs-library-watcher-private.h"
#include "vs-path.h"
#include "vs-thumbnailer.h"

void
_vs_library_watcher_root_job_clear (gpointer data)
{
  RootJob *job = data;

  g_free (job->path);
  g_clear_pointer (&job->folders, g_ptr_array_unref);
}

void
_vs_library_watcher_settle_job_clear (gpointer data)
{
  g_free (((SettleJob *) data)->path);
}

void
_vs_library_watcher_batch_free (gpointer data)
{
  Batch *batch = data;

  g_clear_object (&batch->scanner);
  g_clear_pointer (&batch->roots, g_array_unref);
  g_clear_pointer (&batch->folders, g_ptr_array_unref);
  g_clear_pointer (&batch->moves, g_ptr_array_unref);
  g_clear_pointer (&batch->moved_folders, g_ptr_array_unref);
  g_clear_pointer (&batch->settle, g_array_unref);
  g_clear_pointer (&batch->changes, g_ptr_array_unref);
  g_clear_pointer (&batch->rescanned, g_ptr_array_unref);
  g_clear_pointer (&batch->shared, g_strfreev);
  g_free (batch);
}

static gboolean
is_remote (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  const char *type;

  info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_REMOTE ","
                                       G_FILE_ATTRIBUTE_FILESYSTEM_TYPE, NULL, NULL);
  if (info == NULL)
    return FALSE;
  type = g_file_info_get_attribute_string (info, G_FILE_ATTRIBUTE_FILESYSTEM_TYPE);
  /* inotify sees only the changes made through this machine's kernel */
  return g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_FILESYSTEM_REMOTE) ||
         (type != NULL && g_str_has_prefix (type, "fuse"));
}

static void
rescan (Batch        *batch,
        const char   *folder,
        gboolean      shallow,
        GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (vs_scanner_rescan (batch->scanner, folder, shallow ? VS_RESCAN_SHALLOW : VS_RESCAN_NONE,
                         batch->changes, NULL, cancellable, &error))
    g_ptr_array_add (batch->rescanned, g_strdup (folder));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
           !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
           !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_MOUNTED))
    g_warning ("Cannot rescan: %s", error->message);
}

static void
run_root_job (Batch        *batch,
              RootJob      *job,
              GCancellable *cancellable)
{
  VsDatabase *db = vs_scanner_get_database (batch->scanner);
  struct stat st;

  /* Another device there (an empty mount point left by an unmount) is not the root; nor,
   * from the first look on, one the last scan found mounted (the scanner's rule). */
  job->exists = g_stat (job->path, &st) == 0 && S_ISDIR (st.st_mode) &&
                (job->dev == 0 || st.st_dev == job->dev) &&
                vs_scanner_check_root (batch->scanner, job->path, NULL);
  if (!job->exists)
    {
      vs_database_set_root_available (db, job->path, FALSE, NULL);
      return;
    }
  job->dev = st.st_dev;
  if (!job->list && !job->full)
    return;
  vs_database_set_root_available (db, job->path, TRUE, NULL);
  if (job->full || vs_database_lookup_folder (db, job->path, NULL) <= 0)
    rescan (batch, job->path, FALSE, cancellable);
  if (job->list)
    {
      g_autoptr(GHashTable) folders = vs_database_dup_folders_under (db, job->path, NULL);
      GHashTableIter iter;
      gpointer key;

      job->remote = is_remote (job->path);
      job->folders = g_ptr_array_new_with_free_func (g_free);
      if (folders == NULL)
        return;
      g_hash_table_iter_init (&iter, folders);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (job->folders, g_strdup (key));
    }
}

static RootJob *
job_for (Batch      *batch,
         const char *path)
{
  for (guint i = 0; i < batch->roots->len; i++)
    {
      RootJob *job = &g_array_index (batch->roots, RootJob, i);

      if (vs_path_is_inside (path, job->path))
        return job;
    }
  return NULL;
}

/* A folder found gone is removed by the rescan of its nearest existing ancestor. */
static void
rescan_folder (Batch        *batch,
               const char   *folder,
               GCancellable *cancellable)
{
  RootJob *job = job_for (batch, folder);
  g_autofree char *path = g_strdup (folder);

  if (job == NULL || !job->exists || job->full)
    return;   /* unavailable: its rows stay; or rescanned whole already */
  while (!g_file_test (path, G_FILE_TEST_IS_DIR) && !g_str_equal (path, job->path))
    {
      char *parent = g_path_get_dirname (path);

      g_free (path);
      path = parent;
    }
  for (guint i = 0; i < batch->rescanned->len; i++)
    if (g_str_equal (g_ptr_array_index (batch->rescanned, i), path))
      return;
  rescan (batch, path, TRUE, cancellable);
}

/* The thumbnails Vidshelf made of @path, a file gone: the personal cache's and, when its
 * root shares them, the shared repository's. */
static void
forget_file_thumbnails (Batch      *batch,
                        const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  gboolean shared = FALSE;

  if (uri != NULL)
    {
      vs_thumbnail_delete_own (uri);
      vs_filmstrip_delete (uri);
    }
  if (batch->shared == NULL)
    batch->shared = vs_database_dup_shared_roots (vs_scanner_get_database (batch->scanner), NULL);
  for (guint i = 0; batch->shared != NULL && batch->shared[i] != NULL && !shared; i++)
    shared = vs_path_is_inside (path, batch->shared[i]);
  if (shared)
    {
      vs_thumbnail_delete_own_shared (path);
      vs_filmstrip_delete_shared (path);
    }
}

/* Renames first, so the rescans that follow find the rows already in place. */
static void
apply_moves (Batch *batch)
{
  VsDatabase *db = vs_scanner_get_database (batch->scanner);

  for (guint i = 0; i + 1 < batch->moves->len; i += 2)
    {
      const char *from = g_ptr_array_index (batch->moves, i);
      const char *to = g_ptr_array_index (batch->moves, i + 1);
      RootJob *from_root = job_for (batch, from);
      RootJob *to_root = job_for (batch, to);
      g_autoptr(GError) error = NULL;
      gboolean moved = FALSE;
      VsScanChange *change;

      if (from_root == NULL || to_root == NULL || !from_root->exists || !to_root->exists)
        continue;
      /* rows keep their ids and facts; positions and watched states follow, as when the
       * library renames (the file did move, whether or not a row could) */
      if (!vs_database_rename (db, from, to, &moved, NULL, batch->moved_folders, &error))
        g_warning ("Cannot follow a rename: %s", error->message);
      if (!moved)
        continue;
      /* The cache names thumbnails by URI: ours of the old name would only linger. */
      if (!g_file_test (from, G_FILE_TEST_EXISTS))
        forget_file_thumbnails (batch, from);
      change = g_new0 (VsScanChange, 1);
      change->kind = VS_SCAN_CHANGE_MOVED;
      change->path = g_strdup (to);
      change->old_path = g_strdup (from);
      change->size = change->duration_ms = -1;
      g_ptr_array_add (batch->changes, change);
    }
}

/* Thumbnails of files that left the library, when Vidshelf made them, and their
 * filmstrips. */
static void
forget_thumbnails (Batch *batch)
{
  for (guint i = 0; i < batch->changes->len; i++)
    {
      VsScanChange *change = g_ptr_array_index (batch->changes, i);

      if (change->kind != VS_SCAN_CHANGE_REMOVED ||
          g_file_test (change->path, G_FILE_TEST_EXISTS))
        continue;
      forget_file_thumbnails (batch, change->path);
    }
}

void
_vs_library_watcher_batch_thread (GTask        *task,
                                  gpointer      source_object,
                                  gpointer      task_data,
                                  GCancellable *cancellable)
{
  Batch *batch = task_data;

  for (guint i = 0; i < batch->roots->len; i++)
    run_root_job (batch, &g_array_index (batch->roots, RootJob, i), cancellable);
  apply_moves (batch);
  for (guint i = 0; i < batch->folders->len && !g_cancellable_is_cancelled (cancellable); i++)
    rescan_folder (batch, g_ptr_array_index (batch->folders, i), cancellable);
  for (guint i = 0; i < batch->settle->len; i++)
    {
      SettleJob *job = &g_array_index (batch->settle, SettleJob, i);
      struct stat st;

      job->size = g_stat (job->path, &st) == 0 ? (gint64) st.st_size : -1;
    }
  forget_thumbnails (batch);
  g_task_return_boolean (task, TRUE);
}
