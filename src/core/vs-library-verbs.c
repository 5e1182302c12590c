/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-verbs.c: what the library does to videos: trash, restore, merge, media, positions */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include <string.h>

#include "vs-library-private.h"
#include "vs-path.h"

/* Media progress reaches views at most this often. */
#define CHANGED_DURING_MEDIA_US G_USEC_PER_SEC

/* Trash, restore, merge: each updates the index where it changed things. */

static void
on_item_rescanned (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The trash or merge is done: a failed rescan only leaves the watcher to notice. */
  if (result != NULL && !vs_library_scan_finish (VS_LIBRARY (object), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Rescan after a change failed: %s", error->message);
  if (g_object_get_data (G_OBJECT (task), "vs-error") != NULL)
    g_task_return_error (task, g_error_copy (g_object_get_data (G_OBJECT (task), "vs-error")));
  else if (g_task_get_source_tag (task) == vs_library_restore_async ||
           g_task_get_source_tag (task) == vs_library_restore_batch_async ||
           g_task_get_source_tag (task) == vs_library_merge_async)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, g_object_ref (g_task_get_task_data (task)), g_object_unref);
}

static gboolean
inside_a_root (VsLibrary  *self,
               const char *path)
{
  g_auto(GStrv) roots = vs_library_dup_root_paths (self);

  for (guint i = 0; roots[i] != NULL; i++)
    if (vs_path_is_inside (path, roots[i]))
      return TRUE;
  return FALSE;
}

/* Rescans @folders shallowly (what they hold), those inside a root only (another is not
 * the library's to index), then completes @task, after the last of them. */
void
_vs_library_rescan_around (VsLibrary          *self,
                           const char * const *folders,
                           GTask              *task)
{
  g_autoptr(GPtrArray) inside = g_ptr_array_new ();

  for (guint i = 0; self->writer != NULL && folders[i] != NULL; i++)
    if (inside_a_root (self, folders[i]))
      g_ptr_array_add (inside, (gpointer) folders[i]);
  if (inside->len == 0)
    {
      on_item_rescanned (G_OBJECT (self), NULL, g_object_ref (task));
      return;
    }
  for (guint i = 0; i < inside->len; i++)
    {
      gboolean last = i + 1 == inside->len;
      GTask *sub = g_task_new (self, NULL, last ? on_item_rescanned : NULL,
                               last ? g_object_ref (task) : NULL);

      g_task_set_source_tag (sub, vs_library_rescan_async);
      _vs_library_queue_folder (self, g_ptr_array_index (inside, i), VS_RESCAN_SHALLOW, sub);
      g_object_unref (sub);
    }
}

typedef struct
{
  char  *path;
  GStrv  roots;   /* the library's, as it knows them: never trashed */
} TrashJob;

static void
trash_job_free (gpointer data)
{
  TrashJob *job = data;

  g_free (job->path);
  g_strfreev (job->roots);
  g_free (job);
}

static void
trash_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TrashJob *job = task_data;
  g_autoptr(VsTrash) trash = NULL;
  GError *error = NULL;

  /* asked before the library was open: its roots are read here */
  if (job->roots == NULL)
    job->roots = vs_database_dup_roots (_vs_library_of (task)->reader, NULL);
  trash = vs_trash_new_for_item (job->path, (const char * const *) job->roots, cancellable,
                                 &error);
  if (trash == NULL || !vs_trash_run (trash, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&trash), g_object_unref);
}

static char *
item_folder (VsTrash *trash)
{
  g_autofree char *folder = g_path_get_dirname (vs_trash_get_item_path (trash));

  if (vs_trash_get_takes_folder (trash))
    return g_path_get_dirname (folder);
  return g_steal_pointer (&folder);
}

static void
on_trash_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  GTask *outer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsTrash) trash = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *folder = NULL;

  _vs_library_thread_done (self);
  if (trash == NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      g_object_unref (outer);
      return;
    }
  folder = item_folder (trash);
  g_task_set_task_data (outer, g_object_ref (trash), g_object_unref);
  _vs_library_rescan_around (self, (const char * const[]) { folder, NULL }, outer);
  g_object_unref (outer);
}

void
vs_library_trash_async (VsLibrary           *self,
                        const char          *path,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;
  TrashJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (path != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_trash_async);
  inner = _vs_library_thread_task_new (self, cancellable, vs_library_trash_async, on_trash_done,
                                       outer);
  job = g_new0 (TrashJob, 1);
  job->path = g_strdup (path);
  if (self->state == VS_LIBRARY_STATE_READY)
    job->roots = vs_library_dup_root_paths (self);
  g_task_set_task_data (inner, job, trash_job_free);
  _vs_library_run_when_ready (self, inner, trash_thread);
}

VsTrash *
vs_library_trash_finish (VsLibrary     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_restored (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *outer = user_data;
  g_autoptr(VsLibrary) self = g_object_ref (g_task_get_source_object (outer));
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;

  _vs_library_thread_done (self);
  if (!vs_trash_restore_finish (VS_TRASH (object), result, &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      g_object_unref (outer);
      return;
    }
  folder = item_folder (VS_TRASH (object));
  _vs_library_rescan_around (self, (const char * const[]) { folder, NULL }, outer);
  g_object_unref (outer);
}

void
vs_library_restore_async (VsLibrary           *self,
                          VsTrash             *trash,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *outer;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (VS_IS_TRASH (trash));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_restore_async);
  _vs_library_thread_started (self);
  vs_trash_restore_async (trash, cancellable, on_restored, outer);
}

gboolean
vs_library_restore_finish (VsLibrary     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_merged (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *outer = user_data;
  g_autoptr(VsLibrary) self = g_object_ref (g_task_get_source_object (outer));
  VsHlsMerge *merge = VS_HLS_MERGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *output = vs_hls_merge_dup_output (merge);
  g_autofree char *source = vs_hls_merge_dup_source_folder (merge);
  g_autofree char *output_folder = output ? g_path_get_dirname (output) : NULL;
  g_autofree char *source_parent = source ? g_path_get_dirname (source) : NULL;
  g_autoptr(GStrvBuilder) folders = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  gboolean ok;

  _vs_library_thread_done (self);
  ok = vs_hls_merge_run_finish (merge, result, &error);
  /* The MP4 is in place even when its source could not go to the trash. */
  if (!ok && g_error_matches (error, VS_MERGE_ERROR, VS_MERGE_ERROR_TRASH_FAILED))
    g_object_set_data_full (G_OBJECT (outer), "vs-error", g_steal_pointer (&error),
                            (GDestroyNotify) g_error_free);
  else if (!ok)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      g_object_unref (outer);
      return;
    }
  /* The MP4 appears where it was written; a trashed download goes from its parent. */
  if (output_folder != NULL)
    g_strv_builder_add (folders, output_folder);
  if (source != NULL && vs_hls_merge_get_source_trashed (merge) &&
      g_strcmp0 (source_parent, output_folder) != 0)
    g_strv_builder_add (folders, source_parent);
  list = g_strv_builder_end (folders);
  _vs_library_rescan_around (self, (const char * const *) list, outer);
  g_object_unref (outer);
}

void
vs_library_merge_async (VsLibrary           *self,
                        VsHlsMerge          *merge,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_auto(GStrv) roots = NULL;
  GTask *outer;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (VS_IS_HLS_MERGE (merge));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_merge_async);
  roots = vs_library_dup_root_paths (self);
  vs_hls_merge_set_library_roots (merge, (const char * const *) roots);
  _vs_library_thread_started (self);
  vs_hls_merge_run_async (merge, cancellable, on_merged, outer);
}

gboolean
vs_library_merge_finish (VsLibrary     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Media ------------------------------------------------------------------- */

void
_vs_library_on_media_progress (VsLibrary *self,
                               guint      done,
                               guint      total,
                               guint      flags)
{
  gint64 now = g_get_monotonic_time ();

  if (!_vs_library_is_full_scan (self->running))
    _vs_library_set_progress (self, done, total);
  if (now - self->last_media_changed < CHANGED_DURING_MEDIA_US && done < total)
    return;
  self->last_media_changed = now;
  _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
}

static void
on_media_updated (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VsLibrary) self = user_data;
  g_autoptr(GError) error = NULL;
  VsUpdateSummary summary = { 0 };
  gboolean ok;

  self->media_running = FALSE;
  _vs_library_notify_busy (self);
  ok = vs_media_service_update_finish (VS_MEDIA_SERVICE (object), result, &summary, &error);
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Probing failed: %s", error->message);
  if (self->state != VS_LIBRARY_STATE_READY)
    return;
  if (!_vs_library_is_full_scan (self->running))
    _vs_library_set_progress (self, 0, 0);
  /* nothing to probe wrote nothing: views need not read the index again */
  if (!ok || summary.probed > 0 || summary.probe_failed > 0)
    _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  if (self->media_again)
    _vs_library_update_media (self);
}

/* Durations of new files in the background (thumbnails come per cell). One update at a
 * time: files that settle meanwhile wait for the next. */
void
_vs_library_update_media (VsLibrary *self)
{
  if (self->state != VS_LIBRARY_STATE_READY ||
      (self->flags & (VS_LIBRARY_FLAGS_READ_ONLY | VS_LIBRARY_FLAGS_HEADLESS)) != 0)
    return;
  if (self->media_running)
    {
      self->media_again = TRUE;
      return;
    }
  self->media_running = TRUE;
  self->media_again = FALSE;
  _vs_library_notify_busy (self);
  vs_media_service_update_async (self->media, self->writer, self->reader, VS_UPDATE_PROBE,
                                 VS_THUMBNAIL_SIZE_LARGE, self->cancellable,
                                 on_media_updated, g_object_ref (self));
}

static void
on_update_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(VsLibrary) self = g_object_ref (g_task_get_source_object (task));
  VsUpdateSummary *summary = g_new0 (VsUpdateSummary, 1);
  GError *error = NULL;

  _vs_library_thread_done (self);
  g_task_set_task_data (task, summary, g_free);
  if (!vs_media_service_update_finish (VS_MEDIA_SERVICE (object), result, summary, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  g_object_unref (task);
}

void
vs_library_update_media_async (VsLibrary           *self,
                               VsUpdateFlags        flags,
                               VsThumbnailSize      size,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VS_IS_LIBRARY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_library_update_media_async);
  if (self->state != VS_LIBRARY_STATE_READY || self->writer == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "The library is not open for writing");
      g_object_unref (task);
      return;
    }
  _vs_library_thread_started (self);
  /* Pending rows are read on the writer here: a headless update has no scan to avoid. */
  vs_media_service_update_async (self->media, self->writer, NULL, flags, size, cancellable,
                                 on_update_done, task);
}

gboolean
vs_library_update_media_finish (VsLibrary        *self,
                                GAsyncResult     *result,
                                VsUpdateSummary  *out_summary,
                                GError          **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (out_summary != NULL && g_task_get_task_data (G_TASK (result)) != NULL)
    *out_summary = *(VsUpdateSummary *) g_task_get_task_data (G_TASK (result));
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Playback positions ----------------------------------------------------------- */

typedef struct
{
  char   *path;
  gint64  position_ms;
  gint64  duration_ms;
  gboolean write;
} PositionJob;

static void
position_job_free (gpointer data)
{
  PositionJob *job = data;

  g_free (job->path);
  g_free (job);
}

static void
position_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  VsLibrary *self = _vs_library_of (task);
  PositionJob *job = task_data;
  GError *error = NULL;
  gint64 position;

  if (job->write)
    {
      if (self->writer == NULL)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                                 "The library was opened read-only");
      else if (vs_database_set_position (self->writer, job->path, job->position_ms,
                                         job->duration_ms, &error))
        {
          g_atomic_int_inc (&self->n_position_writes);
          g_task_return_boolean (task, TRUE);
        }
      else
        g_task_return_error (task, error);
      return;
    }
  position = vs_database_get_position (self->reader, job->path, &error);
  if (position < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, position);
}

static void
on_position_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  GTask *outer = user_data;
  PositionJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  _vs_library_thread_done (self);
  if (job->write)
    {
      if (g_task_propagate_boolean (G_TASK (result), &error))
        g_task_return_boolean (outer, TRUE);
      else
        g_task_return_error (outer, error);
    }
  else
    {
      gint64 position = g_task_propagate_int (G_TASK (result), &error);

      if (error != NULL)
        g_task_return_error (outer, error);
      else
        g_task_return_int (outer, position);
    }
  g_object_unref (outer);
}

static void
position_async (VsLibrary           *self,
                PositionJob         *job,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;

  g_task_set_source_tag (outer, source_tag);
  inner = _vs_library_thread_task_new (self, NULL, source_tag, on_position_done, outer);
  g_task_set_task_data (inner, job, position_job_free);
  _vs_library_run_when_ready (self, inner, position_thread);
}

void
vs_library_get_position_async (VsLibrary           *self,
                               const char          *path,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  PositionJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (path != NULL);

  job = g_new0 (PositionJob, 1);
  job->path = g_strdup (path);
  position_async (self, job, vs_library_get_position_async, cancellable, callback, user_data);
}

gint64
vs_library_get_position_finish (VsLibrary     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  GError *local = NULL;
  gint64 position;

  g_return_val_if_fail (VS_IS_LIBRARY (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  position = g_task_propagate_int (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return -1;
    }
  return position;
}

void
vs_library_set_position_async (VsLibrary           *self,
                               const char          *path,
                               gint64               position_ms,
                               gint64               duration_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  PositionJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (path != NULL);

  job = g_new0 (PositionJob, 1);
  job->path = g_strdup (path);
  job->position_ms = position_ms;
  job->duration_ms = duration_ms;
  job->write = TRUE;
  position_async (self, job, vs_library_set_position_async, cancellable, callback, user_data);
}

gboolean
vs_library_set_position_finish (VsLibrary     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
vs_library_get_n_position_writes (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), 0);
  return (guint) g_atomic_int_get (&self->n_position_writes);
}

/* Paths of many videos: a selection of the whole library copies 100,000 paths without an
 * item for each; pages of ids are read on a thread, the lock let go between them. */

#define PATHS_PAGE 256

typedef struct
{
  VsDatabase *reader;
  GArray     *ids;
} PathsJob;

static void
paths_job_free (gpointer data)
{
  PathsJob *job = data;

  g_clear_object (&job->reader);
  g_clear_pointer (&job->ids, g_array_unref);
  g_free (job);
}

static void
paths_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  PathsJob *job = task_data;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const gint64 *ids = (const gint64 *) (gpointer) job->ids->data;

  for (guint at = 0; at < job->ids->len; at += PATHS_PAGE)
    {
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GError) error = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      records = vs_database_load_videos (job->reader, ids + at,
                                         MIN (PATHS_PAGE, job->ids->len - at), &error);
      if (records == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      for (guint i = 0; i < records->len; i++)
        {
          const VsVideoRecord *record = g_ptr_array_index (records, i);

          /* gone since the snapshot: left out */
          if (record != NULL)
            g_ptr_array_add (paths, g_strdup (record->path));
        }
    }
  g_ptr_array_add (paths, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&paths), FALSE),
                         (GDestroyNotify) g_strfreev);
}

void
vs_library_dup_paths_async (VsLibrary           *self,
                            GArray              *ids,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PathsJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (ids != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_library_dup_paths_async);
  if (self->reader == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "The library is not open yet");
      return;
    }
  job = g_new0 (PathsJob, 1);
  job->reader = g_object_ref (self->reader);
  job->ids = g_array_ref (ids);
  g_task_set_task_data (task, job, paths_job_free);
  g_task_run_in_thread (task, paths_thread);
}

GStrv
vs_library_dup_paths_finish (VsLibrary     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
