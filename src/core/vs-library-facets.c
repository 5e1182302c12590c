/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-facets.c: what the filters can choose from, counted on the reader */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include "vs-library-private.h"

static void
count_codecs_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *codecs;

  if (g_task_return_error_if_cancelled (task))
    return;
  codecs = vs_database_count_codecs (VS_LIBRARY (source_object)->reader, &error);
  if (codecs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, codecs, (GDestroyNotify) g_ptr_array_unref);
}

void
vs_library_count_codecs_async (VsLibrary           *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VS_IS_LIBRARY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_library_count_codecs_async);
  if (self->reader == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "The library is not open yet");
      return;
    }
  g_task_run_in_thread (task, count_codecs_thread);
}

GPtrArray *
vs_library_count_codecs_finish (VsLibrary     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
