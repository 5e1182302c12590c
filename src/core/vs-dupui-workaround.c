/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-dupui-workaround.c: LOCAL WORKAROUND of branch h-dupui, NOT FOR MAIN.
 *
 * A crude stand-in for dupplumb's vs-library-duplicates.c (the library's find, list and
 * not-duplicates verbs, here on the main thread, and a find that only matches what is
 * stored, without making fingerprints) so that the Duplicates page links and its tests
 * run before that file lands. Compiled to nothing once it is there (see meson.build);
 * delete this file, its lines in src/core/meson.build and the include in
 * tests/test-duplicates-ui.c then.
 */
#define G_LOG_DOMAIN "vs-dupui-workaround"

#include "config.h"

#include "vs-dupui-workaround.h"
#include "vs-library-private.h"


#ifndef VS_HAVE_LIBRARY_DUPLICATES

/* On the main thread, through the writer: a workaround only. */
void
vs_library_find_duplicates_async (VsLibrary            *self,
                                  GCancellable         *cancellable,
                                  VsDuplicatesProgress  progress,
                                  gpointer              progress_data,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  guint n = 0;

  if (!vs_database_match_duplicates (self->writer, cancellable, &n, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (n > 0)
    _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  g_task_set_task_data (task, GUINT_TO_POINTER (n), NULL);
  g_task_return_boolean (task, TRUE);
}

gboolean
vs_library_find_duplicates_finish (VsLibrary     *self,
                                   GAsyncResult  *result,
                                   guint         *out_new_pairs,
                                   GError       **error)
{
  if (out_new_pairs != NULL)
    *out_new_pairs = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vs_library_list_duplicates_async (VsLibrary              *self,
                                  VsDuplicateSensitivity  sensitivity,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  GPtrArray *groups = vs_database_list_duplicate_groups (self->reader, sensitivity, &error);

  if (groups == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, groups, (GDestroyNotify) g_ptr_array_unref);
}

GPtrArray *
vs_library_list_duplicates_finish (VsLibrary     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
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
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  gboolean ok = not_duplicates
    ? vs_database_mark_not_duplicates (self->writer, (gint64 *) ids->data, ids->len, &error)
    : vs_database_unmark_not_duplicates (self->writer, (gint64 *) ids->data, ids->len, &error);

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }
  _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  g_task_return_boolean (task, TRUE);
}

gboolean
vs_library_mark_not_duplicates_finish (VsLibrary     *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

#endif /* VS_HAVE_LIBRARY_DUPLICATES */
