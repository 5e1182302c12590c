/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-file-manager.c: showing a file in the file manager */
#define G_LOG_DOMAIN "vs-file-manager"

#include "config.h"

#include "vs-file-manager.h"

typedef struct
{
  GtkWindow *parent; /* owned, may be NULL */
  char      *uri;
} ShowRequest;

static void
show_request_free (ShowRequest *request)
{
  g_clear_object (&request->parent);
  g_free (request->uri);
  g_free (request);
}

static void
show_folder_of (GtkWindow  *parent,
                const char *uri)
{
  g_autoptr(GFile) file = g_file_new_for_uri (uri);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *folder_uri = folder ? g_file_get_uri (folder) : NULL;

  if (folder_uri != NULL)
    gtk_show_uri (parent, folder_uri, GDK_CURRENT_TIME);
}

static void
on_shown (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ShowRequest *request = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_debug ("No file manager showed the file (%s); opening its folder", error->message);
      show_folder_of (request->parent, request->uri);
    }
  show_request_free (request);
}

void
vs_show_in_file_manager (GtkWindow  *parent,
                         const char *path)
{
  const char *paths[] = { path, NULL };

  g_return_if_fail (path != NULL);
  vs_show_items_in_file_manager (parent, paths);
}

void
vs_show_items_in_file_manager (GtkWindow          *parent,
                               const char * const *paths)
{
  GApplication *app = g_application_get_default ();
  GDBusConnection *bus = app ? g_application_get_dbus_connection (app) : NULL;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  ShowRequest *request;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (paths != NULL);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      char *uri = g_filename_to_uri (paths[i], NULL, NULL);

      if (uri != NULL)
        g_ptr_array_add (uris, uri);
    }
  if (uris->len == 0)
    return;
  if (bus == NULL)
    {
      show_folder_of (parent, g_ptr_array_index (uris, 0));
      return;
    }
  /* GTK 4.10's GtkFileLauncher does the same (its show-in-folder) */
  request = g_new0 (ShowRequest, 1);
  request->parent = parent ? g_object_ref (parent) : NULL;
  request->uri = g_strdup (g_ptr_array_index (uris, 0));
  g_ptr_array_add (uris, NULL);
  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", (char **) uris->pdata, ""), NULL,
                          G_DBUS_CALL_FLAGS_NONE, 5000, NULL, on_shown, request);
}
