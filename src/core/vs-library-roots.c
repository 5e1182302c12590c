/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-roots.c: the library's roots — the list views show, their counts and states */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include "vs-library-private.h"

/* Roots ------------------------------------------------------------------- */

VsLibraryRoot *
_vs_library_find_root (VsLibrary  *self,
                       const char *path,
                       guint      *out_position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      if (g_strcmp0 (vs_library_root_get_path (root), path) == 0)
        {
          if (out_position != NULL)
            *out_position = i;
          return root;   /* the store holds it */
        }
    }
  return NULL;
}

VsLibraryRootState
_vs_library_root_state_from_watcher (VsRootState state)
{
  switch (state)
    {
    case VS_ROOT_STATE_WATCHING:
      return VS_LIBRARY_ROOT_WATCHING;
    case VS_ROOT_STATE_POLLING:
      return VS_LIBRARY_ROOT_POLLING;
    case VS_ROOT_STATE_UNAVAILABLE:
      return VS_LIBRARY_ROOT_UNAVAILABLE;
    case VS_ROOT_STATE_STARTING:
    default:
      return VS_LIBRARY_ROOT_STARTING;
    }
}

static int
compare_roots (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_strcmp0 (vs_library_root_get_path ((VsLibraryRoot *) a),
                    vs_library_root_get_path ((VsLibraryRoot *) b));
}

/* The root list follows @paths: new ones are added, gone ones removed, states kept. */
void
_vs_library_sync_roots (VsLibrary          *self,
                        const char * const *paths)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));
  gboolean changed = FALSE;

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (G_LIST_MODEL (self->roots), i - 1);

      if (!g_strv_contains (paths, vs_library_root_get_path (root)))
        {
          g_list_store_remove (self->roots, i - 1);
          changed = TRUE;
        }
    }
  for (guint i = 0; paths[i] != NULL; i++)
    if (_vs_library_find_root (self, paths[i], NULL) == NULL)
      {
        g_autoptr(VsLibraryRoot) root = vs_library_root_new (paths[i]);

        if (self->watching)
          vs_library_root_set_state (root, _vs_library_root_state_from_watcher (
            vs_library_watcher_get_root_state (self->watcher, paths[i])));
        else if (self->absent != NULL &&
                 g_strv_contains ((const char * const *) self->absent, paths[i]))
          vs_library_root_set_state (root, VS_LIBRARY_ROOT_UNAVAILABLE);
        g_list_store_insert_sorted (self->roots, root, compare_roots, NULL);
        changed = TRUE;
      }
  if (changed)
    _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_ROOTS);
}

typedef struct
{
  GStrv   paths;
  gint64 *counts;
} CountData;

static void
count_data_free (gpointer data)
{
  CountData *cd = data;

  g_strfreev (cd->paths);
  g_free (cd->counts);
  g_free (cd);
}

static void
count_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  VsLibrary *self = _vs_library_of (task);
  CountData *cd = task_data;

  for (guint i = 0; cd->paths[i] != NULL; i++)
    {
      VsVideoQuery query = { .folder = cd->paths[i], .recursive = TRUE };

      cd->counts[i] = vs_database_count_videos (self->reader, &query, NULL);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_counted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  CountData *cd = g_task_get_task_data (G_TASK (result));

  _vs_library_thread_done (self);
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  for (guint i = 0; cd->paths[i] != NULL; i++)
    {
      VsLibraryRoot *root = _vs_library_find_root (self, cd->paths[i], NULL);

      if (root != NULL && cd->counts[i] >= 0)
        vs_library_root_set_n_videos (root, cd->counts[i]);
    }
}

/* Counts the roots' videos (off the main thread: a count walks the index). */
void
_vs_library_count_roots (VsLibrary *self)
{
  g_autoptr(GTask) task = NULL;
  CountData *cd;

  /* a headless library shows no counts: a COUNT over the index per root is wasted there */
  if (self->reader == NULL || (self->flags & VS_LIBRARY_FLAGS_HEADLESS) != 0)
    return;
  cd = g_new0 (CountData, 1);
  cd->paths = vs_library_dup_root_paths (self);
  cd->counts = g_new0 (gint64, g_strv_length (cd->paths) + 1);
  task = _vs_library_thread_task_new (self, self->cancellable, _vs_library_count_roots, on_counted,
                                      NULL);
  g_task_set_task_data (task, cd, count_data_free);
  _vs_library_thread_started (self);
  g_task_run_in_thread (task, count_thread);
}

static void
apply_shared_roots (VsLibrary          *self,
                    const char * const *shared)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      vs_library_root_set_share_previews (root,
                                          g_strv_contains (shared,
                                                           vs_library_root_get_path (root)));
    }
  if (self->media != NULL)
    vs_media_service_set_shared_roots (self->media, shared);
}

/* A query of the roots table, its few rows: on the main thread, as the roots' own. */
void
_vs_library_load_shared_roots (VsLibrary *self)
{
  g_auto(GStrv) shared = NULL;

  if (self->reader == NULL || (shared = vs_database_dup_shared_roots (self->reader, NULL)) == NULL)
    return;
  apply_shared_roots (self, (const char * const *) shared);
}

typedef struct
{
  char     *path;
  gboolean  share;
  GStrv     shared;   /* the roots sharing afterwards */
} ShareJob;

static void
share_job_free (gpointer data)
{
  ShareJob *job = data;

  g_free (job->path);
  g_strfreev (job->shared);
  g_free (job);
}

static void
share_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  VsLibrary *self = _vs_library_of (task);
  ShareJob *job = task_data;
  GError *error = NULL;

  if (self->writer == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                             "The library was opened read-only");
  else if (!vs_database_set_root_share_previews (self->writer, job->path, job->share, &error) ||
           (job->shared = vs_database_dup_shared_roots (self->writer, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_share_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  g_autoptr(GTask) outer = user_data;
  ShareJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  _vs_library_thread_done (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  apply_shared_roots (self, (const char * const *) job->shared);
  _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_ROOTS);
  g_task_return_boolean (outer, TRUE);
}

void
vs_library_set_share_previews_async (VsLibrary           *self,
                                     const char          *folder,
                                     gboolean             share,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;
  ShareJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (folder != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_set_share_previews_async);
  job = g_new0 (ShareJob, 1);
  job->path = g_strdup (folder);
  job->share = !!share;
  /* not cancellable once asked: one row's write */
  inner = _vs_library_thread_task_new (self, NULL, vs_library_set_share_previews_async,
                                       on_share_done, outer);
  g_task_set_task_data (inner, job, share_job_free);
  _vs_library_run_when_ready (self, inner, share_thread);
}

gboolean
vs_library_set_share_previews_finish (VsLibrary     *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Reads the roots again (after a scan or a removal), then counts their videos. */
void
_vs_library_reload_roots (VsLibrary *self)
{
  g_auto(GStrv) paths = NULL;

  if (self->reader == NULL || (paths = vs_database_dup_roots (self->reader, NULL)) == NULL)
    return;
  _vs_library_sync_roots (self, (const char * const *) paths);
  _vs_library_load_shared_roots (self);
  if (self->watcher != NULL && self->watching)
    vs_library_watcher_set_roots (self->watcher, (const char * const *) paths);
  _vs_library_count_roots (self);
}

void
_vs_library_on_root_state (VsLibrary  *self,
                           const char *path,
                           int         state)
{
  VsLibraryRoot *root = _vs_library_find_root (self, path, NULL);

  if (root == NULL)
    return;
  vs_library_root_set_poll_interval (root, vs_library_watcher_get_poll_interval (self->watcher));
  if (self->running == NULL || vs_library_root_get_state (root) != VS_LIBRARY_ROOT_SCANNING)
    vs_library_root_set_state (root, _vs_library_root_state_from_watcher ((VsRootState) state));
  /* availability is part of what views show of each video */
  _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
}

void
_vs_library_on_watched_changes (VsLibrary *self,
                                guint      n_changes)
{
  _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS |
                                   (self->folders_changed ? VS_LIBRARY_CHANGE_FOLDERS : 0));
  self->folders_changed = FALSE;
  /* the roots' counts follow what the watcher indexed (once per batch) */
  _vs_library_count_roots (self);
}

void
_vs_library_on_watched_change (VsLibrary          *self,
                               const VsScanChange *change)
{
  self->folders_changed |= change->kind == VS_SCAN_CHANGE_FOLDER_ADDED ||
                           change->kind == VS_SCAN_CHANGE_FOLDER_REMOVED ||
                           change->kind == VS_SCAN_CHANGE_MOVED;
}

void
_vs_library_on_settled (VsLibrary  *self,
                        const char *path)
{
  _vs_library_update_media (self);
}

void
_vs_library_ensure_watching (VsLibrary *self)
{
  g_auto(GStrv) paths = NULL;

  if (self->watching || self->watcher == NULL)
    return;
  self->watching = TRUE;
  paths = vs_library_dup_root_paths (self);
  vs_library_watcher_set_roots (self->watcher, (const char * const *) paths);
}

GListModel *
vs_library_get_roots (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->roots);
}

GStrv
vs_library_dup_root_paths (VsLibrary *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n;

  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      g_strv_builder_add (builder, vs_library_root_get_path (root));
    }
  return g_strv_builder_end (builder);
}

const char *
vs_library_get_unavailable_root (VsLibrary  *self,
                                 const char *path)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);

  if (path == NULL || self->watcher == NULL)
    return NULL;
  return vs_library_watcher_get_unavailable_root (self->watcher, path);
}
