/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-open-files.c: files handed to the app sorted into folders and others, one at a time */
#define G_LOG_DOMAIN "vs-open-files"

#include "config.h"

#include "vs-open-files.h"

typedef struct
{
  GPtrArray      *files;
  guint           next;
  GCancellable   *cancellable;
  VsOpenFileFunc  func;
  gpointer        user_data;
  GDestroyNotify  notify;
} OpenFiles;

static void
open_files_free (OpenFiles *open)
{
  if (open->notify != NULL)
    open->notify (open->user_data);
  g_ptr_array_unref (open->files);
  g_clear_object (&open->cancellable);
  g_free (open);
}

static void query_next (OpenFiles *open);

static void
on_queried (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  OpenFiles *open = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      open_files_free (open);
      return;
    }
  open->func (G_FILE (object),
              info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY,
              open->user_data);
  query_next (open);
}

static void
query_next (OpenFiles *open)
{
  if (open->next >= open->files->len)
    {
      open_files_free (open);
      return;
    }
  g_file_query_info_async (g_ptr_array_index (open->files, open->next++),
                           G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, open->cancellable, on_queried, open);
}

void
vs_open_files_each (GFile * const  *files,
                    guint           n_files,
                    GCancellable   *cancellable,
                    VsOpenFileFunc  func,
                    gpointer        user_data,
                    GDestroyNotify  notify)
{
  OpenFiles *open;

  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (func != NULL);

  open = g_new0 (OpenFiles, 1);
  open->files = g_ptr_array_new_full (n_files, g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (open->files, g_object_ref (files[i]));
  open->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  open->func = func;
  open->user_data = user_data;
  open->notify = notify;
  query_next (open);
}
