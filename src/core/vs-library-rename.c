/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-rename.c: renaming a video, its index row, positions and thumbnails along
 *
 * The file (or an HLS item's folder) is renamed through the guarded module
 * (vs_trash_rename()); then, on the one writer and in one transaction, its rows take the
 * new path keeping their ids and facts (duration, probe facts, thumbnail state) and its
 * playback positions follow; then its thumbnails are moved to the new URI's names
 * (vs_thumbnail_move()), not made again. The watcher, seeing the rename afterwards,
 * finds the rows already there and changes nothing.
 */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include <string.h>

#include "vs-filmstrip.h"
#include "vs-library-private.h"
#include "vs-path.h"

typedef struct
{
  char     *path;       /* the item, as indexed */
  char     *new_name;
  GStrv     roots;
  char     *from;       /* what was renamed: the file or the HLS folder */
  char     *to;
  char     *new_path;   /* the item's new path */
  GPtrArray *folders;   /* indexed folders that moved, by their new paths */
} RenameJob;

static void
rename_job_free (gpointer data)
{
  RenameJob *job = data;

  g_free (job->path);
  g_free (job->new_name);
  g_strfreev (job->roots);
  g_free (job->from);
  g_free (job->to);
  g_free (job->new_path);
  g_clear_pointer (&job->folders, g_ptr_array_unref);
  g_free (job);
}

/* @media: whose roots say which thumbnails are shared too (NULL: none) */
static void
move_thumbnails (GPtrArray      *videos,
                 VsMediaService *media)
{
  for (guint i = 0; i + 1 < videos->len; i += 2)
    {
      const char *old_path = g_ptr_array_index (videos, i);
      const char *new_path = g_ptr_array_index (videos, i + 1);
      g_autofree char *old_uri = g_filename_to_uri (old_path, NULL, NULL);
      g_autofree char *new_uri = g_filename_to_uri (new_path, NULL, NULL);

      if (old_uri != NULL && new_uri != NULL)
        {
          vs_thumbnail_move (old_uri, new_uri);
          vs_filmstrip_move (old_uri, new_uri);
        }
      if (media != NULL && vs_media_service_get_shares (media, old_path))
        {
          vs_thumbnail_move_shared (old_path, new_path);
          vs_filmstrip_move_shared (old_path, new_path);
        }
    }
}

static void
rename_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VsLibrary *self = _vs_library_of (task);
  RenameJob *job = task_data;
  g_autoptr(GPtrArray) videos = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) index_error = NULL;
  GError *error = NULL;
  gboolean moved = FALSE;

  /* a rename the index could not follow would cost the item its facts */
  if (self->writer == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                               "The library was opened read-only; nothing was renamed");
      return;
    }
  if (job->roots == NULL)
    job->roots = vs_database_dup_roots (self->reader, NULL);
  if (!vs_trash_rename (job->path, job->new_name, (const char * const *) job->roots,
                        &job->from, &job->to, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  job->new_path = vs_path_is_inside (job->path, job->from)
                  ? g_strconcat (job->to, job->path + strlen (job->from), NULL)
                  : g_strdup (job->to);
  if (strcmp (job->from, job->to) != 0)
    {
      /* The file is renamed: the index cannot refuse it any more. A failure here leaves
       * the watcher's rescan to find the new name (facts probed again). */
      if (!vs_database_rename (self->writer, job->from, job->to, &moved, videos, job->folders,
                               &index_error))
        g_warning ("The index could not follow the rename of %s: %s", job->from,
                   index_error->message);
      if (videos->len == 0)
        {
          g_ptr_array_add (videos, g_strdup (job->path));
          g_ptr_array_add (videos, g_strdup (job->new_path));
        }
      move_thumbnails (videos, self->media);
    }
  g_task_return_boolean (task, moved);
}

static void
on_rename_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  g_autoptr(GTask) outer = user_data;
  RenameJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  gboolean moved = g_task_propagate_boolean (G_TASK (result), &error);

  _vs_library_thread_done (self);
  if (error != NULL)
    {
      g_task_return_error (outer, error);
      return;
    }
  if (moved)
    {
      gboolean folders = job->folders->len > 0;

      _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS |
                                       (folders ? VS_LIBRARY_CHANGE_FOLDERS : 0));
      /* the old name's monitors would report the old paths */
      if (folders && self->watcher != NULL)
        vs_library_watcher_follow_rename (self->watcher, job->from, job->folders);
    }
  g_task_return_pointer (outer, g_strdup (job->new_path), g_free);
}

void
vs_library_rename_async (VsLibrary           *self,
                         const char          *path,
                         const char          *new_name,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;
  RenameJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (new_name != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_rename_async);
  inner = _vs_library_thread_task_new (self, cancellable, vs_library_rename_async,
                                       on_rename_done, outer);
  job = g_new0 (RenameJob, 1);
  job->path = g_strdup (path);
  job->new_name = g_strdup (new_name);
  if (self->state == VS_LIBRARY_STATE_READY)
    job->roots = vs_library_dup_root_paths (self);
  job->folders = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (inner, job, rename_job_free);
  _vs_library_run_when_ready (self, inner, rename_thread);
}

char *
vs_library_rename_finish (VsLibrary     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
