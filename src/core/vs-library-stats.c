/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-stats.c: the library's figures (vs_database_query_stats()) read on a worker
 * thread through the reader, for the Statistics page and `vidshelf-cli stats`
 *
 * The aggregates take a few hundred ms on a large library: never on the main thread. A
 * statement is not interrupted when the cancellable fires; the cancel is seen before the
 * read starts and when it ends, and the caller hears G_IO_ERROR_CANCELLED either way.
 */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include "vs-library-private.h"
#include "vs-library-stats.h"

static void
stats_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  VsLibrary *self = _vs_library_of (task);
  VsLibraryStats *stats;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->reader == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "The library has no index");
      return;
    }
  stats = vs_database_query_stats (self->reader, &error);
  if (stats == NULL)
    g_task_return_error (task, error);
  else if (g_cancellable_is_cancelled (cancellable))
    {
      vs_library_stats_free (stats);
      g_task_return_error_if_cancelled (task);
    }
  else
    g_task_return_pointer (task, stats, (GDestroyNotify) vs_library_stats_free);
}

static void
on_stats_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;
  VsLibraryStats *stats;

  _vs_library_thread_done (self);
  stats = g_task_propagate_pointer (G_TASK (result), &error);
  if (stats == NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_pointer (outer, stats, (GDestroyNotify) vs_library_stats_free);
}

void
vs_library_query_stats_async (VsLibrary           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_query_stats_async);
  inner = _vs_library_thread_task_new (self, cancellable, vs_library_query_stats_async,
                                       on_stats_done, outer);
  /* waits for the open when it is under way; refused when the library is closed */
  _vs_library_run_when_ready (self, inner, stats_thread);
}

VsLibraryStats *
vs_library_query_stats_finish (VsLibrary     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
