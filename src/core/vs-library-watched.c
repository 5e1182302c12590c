/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-watched.c: marking videos watched, and the plays the player records
 *
 * Every write runs on a worker thread through the one writer; views learn of it through
 * ::changed (the records carry the watched state and position, so the model's next page
 * read shows them).
 */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include "vs-library-private.h"

typedef enum
{
  WATCHED_JOB_PATHS,
  WATCHED_JOB_IDS,
  WATCHED_JOB_PLAY,
} WatchedJobKind;

typedef struct
{
  WatchedJobKind kind;
  GStrv          paths;        /* PATHS; PLAY: one */
  GArray        *ids;          /* IDS: gint64 */
  gboolean       watched;
  gint64         position_ms;  /* PLAY */
  gint64         duration_ms;
} WatchedJob;

static void
watched_job_free (gpointer data)
{
  WatchedJob *job = data;

  g_strfreev (job->paths);
  g_clear_pointer (&job->ids, g_array_unref);
  g_free (job);
}

static gboolean
run_job (VsDatabase  *writer,
         WatchedJob  *job,
         GError     **error)
{
  switch (job->kind)
    {
    case WATCHED_JOB_PATHS:
      for (guint i = 0; job->paths[i] != NULL; i++)
        if (!vs_database_mark_watched (writer, job->paths[i], job->watched, error))
          return FALSE;
      return TRUE;
    case WATCHED_JOB_IDS:
      return vs_database_mark_watched_ids (writer, (const gint64 *) (gpointer) job->ids->data,
                                           job->ids->len, job->watched, error);
    case WATCHED_JOB_PLAY:
    default:
      return vs_database_record_play (writer, job->paths[0], job->position_ms, job->duration_ms,
                                      error);
    }
}

static void
watched_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  VsLibrary *self = _vs_library_of (task);
  WatchedJob *job = task_data;
  GError *error = NULL;

  if (self->writer == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                             "The library was opened read-only");
  else if (!run_job (self->writer, job, &error))
    g_task_return_error (task, error);
  else
    {
      /* the player's position writes are counted for tests, whichever verb made them */
      if (job->kind == WATCHED_JOB_PLAY)
        g_atomic_int_inc (&self->n_position_writes);
      g_task_return_boolean (task, TRUE);
    }
}

static void
on_watched_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;

  _vs_library_thread_done (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  g_task_return_boolean (outer, TRUE);
}

static void
watched_async (VsLibrary           *self,
               WatchedJob          *job,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;

  g_task_set_source_tag (outer, source_tag);
  /* not cancellable once asked: a write is short, and half of a mark is none */
  inner = _vs_library_thread_task_new (self, NULL, source_tag, on_watched_done, outer);
  g_task_set_task_data (inner, job, watched_job_free);
  _vs_library_run_when_ready (self, inner, watched_thread);
}

void
vs_library_mark_watched_async (VsLibrary           *self,
                               const char * const  *paths,
                               gboolean             watched,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  WatchedJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (paths != NULL);

  job = g_new0 (WatchedJob, 1);
  job->kind = WATCHED_JOB_PATHS;
  job->paths = g_strdupv ((char **) paths);
  job->watched = !!watched;
  watched_async (self, job, vs_library_mark_watched_async, cancellable, callback, user_data);
}

void
vs_library_mark_watched_ids_async (VsLibrary           *self,
                                   GArray              *ids,
                                   gboolean             watched,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  WatchedJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (ids != NULL && g_array_get_element_size (ids) == sizeof (gint64));

  job = g_new0 (WatchedJob, 1);
  job->kind = WATCHED_JOB_IDS;
  job->ids = g_array_ref (ids);
  job->watched = !!watched;
  watched_async (self, job, vs_library_mark_watched_ids_async, cancellable, callback,
                 user_data);
}

void
vs_library_record_play_async (VsLibrary           *self,
                              const char          *path,
                              gint64               position_ms,
                              gint64               duration_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  WatchedJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (path != NULL);

  job = g_new0 (WatchedJob, 1);
  job->kind = WATCHED_JOB_PLAY;
  job->paths = g_new0 (char *, 2);
  job->paths[0] = g_strdup (path);
  job->position_ms = position_ms;
  job->duration_ms = duration_ms;
  watched_async (self, job, vs_library_record_play_async, cancellable, callback, user_data);
}

gboolean
vs_library_watched_finish (VsLibrary     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
