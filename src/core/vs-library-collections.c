/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-collections.c: saved collections, listed on the reader and written on the
 * one writer
 *
 * Every write runs on a worker; once it is done, ::collections-changed is emitted on the
 * main thread, so every window's sidebar reads the list again (a few rows, on the reader).
 */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include "vs-library-private.h"

typedef enum
{
  COLLECTION_JOB_ADD,
  COLLECTION_JOB_RENAME,
  COLLECTION_JOB_REMOVE,
  COLLECTION_JOB_MOVE,
} CollectionJobKind;

typedef struct
{
  CollectionJobKind kind;
  gint64            id;        /* all but ADD */
  char             *name;      /* ADD, RENAME */
  char             *query;     /* ADD */
  int               position;  /* ADD (-1: last), MOVE */
} CollectionJob;

static void
collection_job_free (gpointer data)
{
  CollectionJob *job = data;

  g_free (job->name);
  g_free (job->query);
  g_free (job);
}

/* The id added (ADD), or 1; 0 with @error. */
static gint64
run_job (VsDatabase     *writer,
         CollectionJob  *job,
         GError        **error)
{
  gint64 id;

  switch (job->kind)
    {
    case COLLECTION_JOB_ADD:
      id = vs_database_add_collection (writer, job->name, job->query, error);
      /* an undone removal goes back where it was; a failed move leaves it last, added */
      if (id > 0 && job->position >= 0 &&
          !vs_database_move_collection (writer, id, (guint) job->position, NULL))
        g_debug ("Could not move the collection back to %d", job->position);
      return id;
    case COLLECTION_JOB_RENAME:
      return vs_database_rename_collection (writer, job->id, job->name, error) ? 1 : 0;
    case COLLECTION_JOB_REMOVE:
      return vs_database_remove_collection (writer, job->id, error) ? 1 : 0;
    case COLLECTION_JOB_MOVE:
    default:
      return vs_database_move_collection (writer, job->id, (guint) job->position, error) ? 1 : 0;
    }
}

static void
collection_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  VsLibrary *self = _vs_library_of (task);
  GError *error = NULL;
  gint64 id;

  if (self->writer == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                             "The library was opened read-only");
  else if ((id = run_job (self->writer, task_data, &error)) == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, id);
}

static void
on_collection_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;
  gssize id;

  _vs_library_thread_done (self);
  id = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    {
      g_task_return_error (outer, error);
      return;
    }
  g_signal_emit_by_name (self, "collections-changed");
  g_task_return_int (outer, id);
}

static void
collection_async (VsLibrary           *self,
                  CollectionJob       *job,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;

  g_task_set_source_tag (outer, source_tag);
  /* not cancellable once asked: a write is short */
  inner = _vs_library_thread_task_new (self, NULL, source_tag, on_collection_done, outer);
  g_task_set_task_data (inner, job, collection_job_free);
  _vs_library_run_when_ready (self, inner, collection_thread);
}

GPtrArray *
vs_library_list_collections (VsLibrary  *self,
                             GError    **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* not open (yet): none to show */
  if (self->reader == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) vs_collection_free);
  return vs_database_list_collections (self->reader, error);
}

void
vs_library_add_collection_async (VsLibrary           *self,
                                 const char          *name,
                                 const char          *query,
                                 int                  position,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CollectionJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (query != NULL);

  job = g_new0 (CollectionJob, 1);
  job->kind = COLLECTION_JOB_ADD;
  job->name = g_strdup (name);
  job->query = g_strdup (query);
  job->position = position;
  collection_async (self, job, vs_library_add_collection_async, cancellable, callback,
                    user_data);
}

gint64
vs_library_add_collection_finish (VsLibrary     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  GError *local = NULL;
  gssize id;

  g_return_val_if_fail (VS_IS_LIBRARY (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_int (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return 0;
    }
  return id;
}

void
vs_library_rename_collection_async (VsLibrary           *self,
                                    gint64               id,
                                    const char          *name,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  CollectionJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (name != NULL);

  job = g_new0 (CollectionJob, 1);
  job->kind = COLLECTION_JOB_RENAME;
  job->id = id;
  job->name = g_strdup (name);
  collection_async (self, job, vs_library_rename_collection_async, cancellable, callback,
                    user_data);
}

void
vs_library_remove_collection_async (VsLibrary           *self,
                                    gint64               id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  CollectionJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));

  job = g_new0 (CollectionJob, 1);
  job->kind = COLLECTION_JOB_REMOVE;
  job->id = id;
  collection_async (self, job, vs_library_remove_collection_async, cancellable, callback,
                    user_data);
}

void
vs_library_move_collection_async (VsLibrary           *self,
                                  gint64               id,
                                  guint                position,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  CollectionJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (position <= G_MAXINT);

  job = g_new0 (CollectionJob, 1);
  job->kind = COLLECTION_JOB_MOVE;
  job->id = id;
  job->position = (int) position;
  collection_async (self, job, vs_library_move_collection_async, cancellable, callback,
                    user_data);
}

gboolean
vs_library_collection_finish (VsLibrary     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  GError *local = NULL;

  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  g_task_propagate_int (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}
