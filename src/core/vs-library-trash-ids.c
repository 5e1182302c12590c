/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-trash-ids.c: moving a selection of videos to the trash, and its one undo
 *
 * A selection of the whole library is only its ids (8 bytes each): the worker reads their
 * paths a page at a time, hands each item to the guarded VsTrashBatch and removes the rows
 * of what went in one transaction per page. Progress and the views' ::changed reach the
 * main context through one pending idle at a time, however fast items go.
 */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include "vs-library-private.h"

/* Ids whose rows are read (and removed) together. */
#define TRASH_PAGE 256

typedef struct
{
  GArray             *ids;          /* gint64, owned */
  GStrv               roots;        /* the library's: never trashed */
  VsTrashBatch       *batch;        /* owned */
  GMainContext       *context;      /* the caller's, owned */
  VsTrashIdsProgress  progress;
  gpointer            progress_data;
  guint               n_done;       /* atomic */
  int                 tick_pending; /* atomic: an idle is on its way */
  int                 rows_removed; /* atomic: since the last idle */
  gboolean            finished;     /* main thread: no progress after the result */
} TrashIdsJob;

static void
trash_ids_job_free (gpointer data)
{
  TrashIdsJob *job = data;

  g_array_unref (job->ids);
  g_strfreev (job->roots);
  g_clear_object (&job->batch);
  g_main_context_unref (job->context);
  g_free (job);
}

static void
report (GTask *task)
{
  TrashIdsJob *job = g_task_get_task_data (task);

  /* an idle that comes after the result (idles run after the task's completion) has
   * nothing left to tell, and the library may be gone */
  if (job->finished)
    return;
  if (g_atomic_int_exchange (&job->rows_removed, 0))
    _vs_library_queue_changed (_vs_library_of (task), VS_LIBRARY_CHANGE_VIDEOS);
  if (job->progress != NULL)
    job->progress ((guint) g_atomic_int_get (&job->n_done), job->ids->len, job->progress_data);
}

static gboolean
tick (gpointer data)
{
  GTask *task = data;
  TrashIdsJob *job = g_task_get_task_data (task);

  g_atomic_int_set (&job->tick_pending, 0);
  report (task);
  return G_SOURCE_REMOVE;
}

/* Worker: one idle at a time tells the main context. */
static void
schedule_tick (GTask       *task,
               TrashIdsJob *job)
{
  GSource *source;

  if (!g_atomic_int_compare_and_exchange (&job->tick_pending, 0, 1))
    return;
  source = g_idle_source_new ();
  g_source_set_static_name (source, "[vs-library] trash progress");
  g_source_set_callback (source, tick, g_object_ref (task), g_object_unref);
  g_source_attach (source, job->context);
  g_source_unref (source);
}

/* Removes the rows of @gone, one transaction; a failure leaves them to the rescan. */
static void
remove_rows (VsDatabase *writer,
             GArray     *gone)
{
  g_autoptr(GError) error = NULL;

  if (writer == NULL || gone->len == 0)
    return;
  if (!vs_database_begin (writer, &error))
    {
      g_debug ("Removing trashed rows: %s", error->message);
      return;
    }
  for (guint i = 0; i < gone->len; i++)
    if (!vs_database_delete_video (writer, g_array_index (gone, gint64, i), &error))
      {
        g_debug ("Removing trashed rows: %s", error->message);
        vs_database_rollback (writer);
        return;
      }
  if (!vs_database_commit (writer, &error))
    {
      g_debug ("Removing trashed rows: %s", error->message);
      vs_database_rollback (writer);
    }
}

/* One page: FALSE when the index could not be read (@error). */
static gboolean
trash_page (GTask         *task,
            TrashIdsJob   *job,
            guint          at,
            GCancellable  *cancellable,
            GError       **error)
{
  VsLibrary *self = _vs_library_of (task);
  const gint64 *ids = (const gint64 *) (gpointer) job->ids->data;
  guint n = MIN (TRASH_PAGE, job->ids->len - at);
  g_autoptr(GPtrArray) records = vs_database_load_videos (self->reader, ids + at, n, error);
  g_autoptr(GArray) gone = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);

  if (records == NULL)
    return FALSE;
  for (guint i = 0; i < records->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      const VsVideoRecord *record = g_ptr_array_index (records, i);
      g_autoptr(GError) refused = NULL;

      /* no longer indexed: nothing to do */
      if (record != NULL &&
          vs_trash_batch_trash_item (job->batch, record->path,
                                     (const char * const *) job->roots, cancellable, &refused))
        g_array_append_val (gone, record->id);
      else if (refused != NULL)
        g_debug ("Not trashed: %s", refused->message);
      g_atomic_int_inc (&job->n_done);
      schedule_tick (task, job);
    }
  remove_rows (self->writer, gone);
  if (gone->len > 0)
    {
      g_atomic_int_set (&job->rows_removed, 1);
      schedule_tick (task, job);
    }
  return TRUE;
}

static void
trash_ids_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TrashIdsJob *job = task_data;
  GError *error = NULL;

  /* asked before the library was open: its roots are read here */
  if (job->roots == NULL)
    job->roots = vs_database_dup_roots (_vs_library_of (task)->reader, NULL);
  for (guint at = 0; at < job->ids->len && !g_cancellable_is_cancelled (cancellable);
       at += TRASH_PAGE)
    if (!trash_page (task, job, at, cancellable, &error))
      break;
  /* what went stays undoable, whatever stopped the rest */
  if (error != NULL && vs_trash_batch_get_n_items (job->batch) == 0)
    g_task_return_error (task, error);
  else
    {
      if (error != NULL)
        g_debug ("Reading the selection stopped: %s", error->message);
      g_clear_error (&error);
      g_task_return_pointer (task, g_object_ref (job->batch), g_object_unref);
    }
}

static void
on_trash_ids_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  GTask *outer = user_data;
  TrashIdsJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(VsTrashBatch) batch = g_task_propagate_pointer (G_TASK (result), &error);
  g_auto(GStrv) folders = NULL;

  _vs_library_thread_done (self);
  report (G_TASK (result));
  job->finished = TRUE;
  if (batch == NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      g_object_unref (outer);
      return;
    }
  /* folders that went as a whole leave their rows; the rescan takes them */
  folders = vs_trash_batch_dup_folders (batch);
  g_task_set_task_data (outer, g_object_ref (batch), g_object_unref);
  _vs_library_rescan_around (self, (const char * const *) folders, outer);
  g_object_unref (outer);
}

void
vs_library_trash_ids_async (VsLibrary           *self,
                            GArray              *ids,
                            GCancellable        *cancellable,
                            VsTrashIdsProgress   progress,
                            gpointer             progress_data,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;
  TrashIdsJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (ids != NULL);
  g_return_if_fail (g_array_get_element_size (ids) == sizeof (gint64));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_trash_ids_async);
  /* the batch comes back also when cancelled */
  g_task_set_check_cancellable (outer, FALSE);
  inner = _vs_library_thread_task_new (self, cancellable, vs_library_trash_ids_async,
                                       on_trash_ids_done, outer);
  g_task_set_check_cancellable (inner, FALSE);
  job = g_new0 (TrashIdsJob, 1);
  job->ids = g_array_ref (ids);
  job->batch = vs_trash_batch_new ();
  job->context = g_main_context_ref_thread_default ();
  job->progress = progress;
  job->progress_data = progress_data;
  if (self->state == VS_LIBRARY_STATE_READY)
    job->roots = vs_library_dup_root_paths (self);
  g_task_set_task_data (inner, job, trash_ids_job_free);
  _vs_library_run_when_ready (self, inner, trash_ids_thread);
}

VsTrashBatch *
vs_library_trash_ids_finish (VsLibrary     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_batch_restored (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *outer = user_data;
  g_autoptr(VsLibrary) self = g_object_ref (g_task_get_source_object (outer));
  GError *error = NULL;
  g_auto(GStrv) folders = vs_trash_batch_dup_folders (VS_TRASH_BATCH (object));

  _vs_library_thread_done (self);
  /* what came back is indexed again even when some could not */
  if (!vs_trash_batch_restore_finish (VS_TRASH_BATCH (object), result, &error))
    g_object_set_data_full (G_OBJECT (outer), "vs-error", error, (GDestroyNotify) g_error_free);
  _vs_library_rescan_around (self, (const char * const *) folders, outer);
  g_object_unref (outer);
}

void
vs_library_restore_batch_async (VsLibrary           *self,
                                VsTrashBatch        *batch,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *outer;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (VS_IS_TRASH_BATCH (batch));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_restore_batch_async);
  _vs_library_thread_started (self);
  vs_trash_batch_restore_async (batch, cancellable, on_batch_restored, outer);
}

gboolean
vs_library_restore_batch_finish (VsLibrary     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
