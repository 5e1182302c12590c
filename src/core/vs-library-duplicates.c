/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-duplicates.c: finding the library's duplicates, listing their groups, and
 * remembering the videos that are not duplicates
 *
 * Finding is a media update pass (vs-media-service.c): the fingerprints still missing are
 * made by the helpers at background priority, then matched on a thread. Listing reads the
 * groups, and suggesting reads each group's videos to pick the copy to keep, on a thread
 * through the reader; marking writes through the one writer.
 */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include "vs-library-private.h"

/* Finding -------------------------------------------------------------------- */

typedef struct
{
  VsDuplicatesProgress  progress;
  gpointer              progress_data;
  gulong                handler;
  guint                 new_pairs;
} FindJob;

static void
find_job_free (gpointer data)
{
  g_free (data);
}

static void
on_find_progress (VsMediaService *media,
                  guint           done,
                  guint           total,
                  guint           flags,
                  gpointer        user_data)
{
  FindJob *job = user_data;

  /* the library's own probe pass tells its progress on the same signal */
  if (flags & VS_UPDATE_FINGERPRINTS)
    job->progress (done, total, job->progress_data);
}

static void
on_find_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(VsLibrary) self = g_object_ref (g_task_get_source_object (task));
  FindJob *job = g_task_get_task_data (task);
  VsUpdateSummary summary = { 0 };
  GError *error = NULL;

  _vs_library_thread_done (self);
  g_clear_signal_handler (&job->handler, object);
  if (!vs_media_service_update_finish (VS_MEDIA_SERVICE (object), result, &summary, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  job->new_pairs = summary.duplicate_pairs;
  if (job->new_pairs > 0)
    _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  g_task_return_boolean (task, TRUE);
}

void
vs_library_find_duplicates_async (VsLibrary            *self,
                                  GCancellable         *cancellable,
                                  VsDuplicatesProgress  progress,
                                  gpointer              progress_data,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  FindJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_library_find_duplicates_async);
  if (self->state != VS_LIBRARY_STATE_READY || self->writer == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "The library is not open for writing");
      return;
    }
  job = g_new0 (FindJob, 1);
  job->progress = progress;
  job->progress_data = progress_data;
  g_task_set_task_data (task, job, find_job_free);
  /* The media service tells its passes' progress on the caller's context. */
  if (progress != NULL)
    job->handler = g_signal_connect (self->media, "update-progress",
                                     G_CALLBACK (on_find_progress), job);
  _vs_library_thread_started (self);
  /* Probes first, for the facts the page compares; no thumbnails: a fingerprint decodes
   * its own frames, and the cards ask for theirs as they show, like the grid's. */
  vs_media_service_update_async (self->media, self->writer, self->reader,
                                 VS_UPDATE_PROBE | VS_UPDATE_FINGERPRINTS,
                                 VS_THUMBNAIL_SIZE_LARGE, cancellable, on_find_done,
                                 g_steal_pointer (&task));
}

gboolean
vs_library_find_duplicates_finish (VsLibrary     *self,
                                   GAsyncResult  *result,
                                   guint         *out_new_pairs,
                                   GError       **error)
{
  FindJob *job;

  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (out_new_pairs != NULL)
    *out_new_pairs = job != NULL ? job->new_pairs : 0;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Listing and marking, on a thread -------------------------------------------- */

typedef struct
{
  VsDuplicateSensitivity  sensitivity;   /* listing */
  gint64                  fingerprinted; /* listing: the answer's */
  GArray                 *ids;           /* marking: gint64 */
  gboolean                not_duplicates;
  GPtrArray              *groups;        /* suggesting: GArray of gint64 each */
  VsKeepRule              rule;
  char                   *folder;
} DuplicatesJob;

static void
duplicates_job_free (gpointer data)
{
  DuplicatesJob *job = data;

  g_clear_pointer (&job->ids, g_array_unref);
  g_clear_pointer (&job->groups, g_ptr_array_unref);
  g_free (job->folder);
  g_free (job);
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DuplicatesJob *job = task_data;
  GError *error = NULL;
  GPtrArray *groups;

  if (g_task_return_error_if_cancelled (task))
    return;
  groups = vs_database_list_duplicate_groups (_vs_library_of (task)->reader, job->sensitivity,
                                              &error);
  /* none: the page tells "nothing compared yet" from "nothing alike" */
  if (groups != NULL && groups->len == 0 &&
      !vs_database_count_fingerprints (_vs_library_of (task)->reader, &job->fingerprinted, NULL,
                                       &error))
    g_clear_pointer (&groups, g_ptr_array_unref);
  if (groups == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, groups, (GDestroyNotify) g_ptr_array_unref);
}

static void
suggest_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  VsDatabase *reader = _vs_library_of (task)->reader;
  DuplicatesJob *job = task_data;
  g_autoptr(GArray) kept = g_array_sized_new (FALSE, TRUE, sizeof (gint64), job->groups->len);

  for (guint g = 0; g < job->groups->len; g++)
    {
      GArray *ids = g_ptr_array_index (job->groups, g);
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GError) error = NULL;
      gint64 id = 0;

      if (g_task_return_error_if_cancelled (task))
        return;
      records = vs_database_load_duplicate_group (reader, (const gint64 *) (gpointer) ids->data,
                                                  ids->len, &error);
      if (records == NULL)
        g_debug ("Reading a duplicate group: %s", error->message);
      else if (records->len > 0)
        {
          guint index = vs_duplicate_suggest_keep ((VsVideoRecord * const *) records->pdata,
                                                   records->len, job->rule, job->folder);

          id = ((VsVideoRecord *) g_ptr_array_index (records, index))->id;
        }
      g_array_append_val (kept, id);
    }
  g_task_return_pointer (task, g_steal_pointer (&kept), (GDestroyNotify) g_array_unref);
}

static void
mark_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VsLibrary *self = _vs_library_of (task);
  DuplicatesJob *job = task_data;
  const gint64 *ids = (const gint64 *) (gpointer) job->ids->data;
  GError *error = NULL;
  gboolean ok;

  if (self->writer == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                               "The library was opened read-only");
      return;
    }
  ok = job->not_duplicates
         ? vs_database_mark_not_duplicates (self->writer, ids, job->ids->len, &error)
         : vs_database_unmark_not_duplicates (self->writer, ids, job->ids->len, &error);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* listing and suggesting: @outer gets the inner task's answer (and the count of
 * fingerprints, a listing's) */
static void
on_list_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  g_autoptr(GTask) outer = user_data;
  DuplicatesJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  gpointer answer = g_task_propagate_pointer (G_TASK (result), &error);

  _vs_library_thread_done (self);
  g_task_set_task_data (outer, g_memdup2 (&job->fingerprinted, sizeof (gint64)), g_free);
  if (answer == NULL)
    g_task_return_error (outer, error);
  else if (g_task_get_source_tag (outer) == vs_library_list_duplicates_async)
    g_task_return_pointer (outer, answer, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_pointer (outer, answer, (GDestroyNotify) g_array_unref);
}

static void
on_mark_done (GObject      *object,
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

/* Runs @func on a thread with @job once the library is open; @done completes @outer.
 * @inner_cancellable: what stops the thread's work itself. */
static void
run_job (VsLibrary           *self,
         DuplicatesJob       *job,
         gpointer             source_tag,
         GTaskThreadFunc      func,
         GAsyncReadyCallback  done,
         GCancellable        *cancellable,
         GCancellable        *inner_cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;

  g_task_set_source_tag (outer, source_tag);
  inner = _vs_library_thread_task_new (self, inner_cancellable, source_tag, done, outer);
  g_task_set_task_data (inner, job, duplicates_job_free);
  _vs_library_run_when_ready (self, inner, func);
}

void
vs_library_list_duplicates_async (VsLibrary              *self,
                                  VsDuplicateSensitivity  sensitivity,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  DuplicatesJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (sensitivity <= VS_DUPLICATE_SENSITIVITY_HIGH);

  job = g_new0 (DuplicatesJob, 1);
  job->sensitivity = sensitivity;
  run_job (self, job, vs_library_list_duplicates_async, list_thread, on_list_done, cancellable,
           cancellable, callback, user_data);
}

GPtrArray *
vs_library_list_duplicates_finish (VsLibrary     *self,
                                   GAsyncResult  *result,
                                   gint64        *out_fingerprinted,
                                   GError       **error)
{
  const gint64 *fingerprinted;

  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  fingerprinted = g_task_get_task_data (G_TASK (result));
  if (out_fingerprinted != NULL)
    *out_fingerprinted = fingerprinted != NULL ? *fingerprinted : 0;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vs_library_suggest_keep_async (VsLibrary           *self,
                               GPtrArray           *groups,
                               VsKeepRule           rule,
                               const char          *preferred_folder,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  DuplicatesJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (groups != NULL);
  g_return_if_fail (rule <= VS_KEEP_RULE_IN_FOLDER);

  job = g_new0 (DuplicatesJob, 1);
  job->groups = g_ptr_array_ref (groups);
  job->rule = rule;
  job->folder = g_strdup (preferred_folder);
  run_job (self, job, vs_library_suggest_keep_async, suggest_thread, on_list_done, cancellable,
           cancellable, callback, user_data);
}

GArray *
vs_library_suggest_keep_finish (VsLibrary     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

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
  DuplicatesJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (ids != NULL && g_array_get_element_size (ids) == sizeof (gint64));

  job = g_new0 (DuplicatesJob, 1);
  job->ids = g_array_ref (ids);
  job->not_duplicates = !!not_duplicates;
  /* not cancellable once asked: a write is short, and half of a mark is none */
  run_job (self, job, vs_library_mark_not_duplicates_async, mark_thread, on_mark_done,
           cancellable, NULL, callback, user_data);
}

gboolean
vs_library_mark_not_duplicates_finish (VsLibrary     *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
