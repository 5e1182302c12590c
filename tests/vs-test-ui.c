/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-test-ui.c: helpers for the tests with a display */
#include <gtk/gtk.h>

#include "vs-library-view.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"

gboolean
vs_test_require_playback (const char *const *elements)
{
  g_autoptr(GtkMediaStream) probe = NULL;

  if (!vs_test_media_require (elements))
    return FALSE;
  probe = gtk_media_file_new ();
  if (g_str_equal (G_OBJECT_TYPE_NAME (probe), "GtkNoMediaFile"))
    {
      g_test_skip ("GTK's media backend (libgtk-4-media-gstreamer) is not installed");
      return FALSE;
    }
  return TRUE;
}

static void
on_test_library_opened (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* a bad library is the window's to show */
  vs_library_open_finish (VS_LIBRARY (object), result, &error);
}

static void
close_test_library (VsLibrary *library)
{
  vs_library_close_async (library, NULL, NULL);
}

/* A start of the app without the app: a library on @db (opened asynchronously, as the
 * application does) and a window showing it. */
VsWindow *
vs_test_ui_window_new (const char *db,
                       const char *default_folder)
{
  g_autoptr(VsLibrary) library = vs_library_new (db, VS_LIBRARY_FLAGS_NONE);

  VsWindow *window;

  vs_library_set_default_folder (library, default_folder);
  vs_library_open_async (library, NULL, on_test_library_opened, NULL);
  window = vs_window_new (NULL, library);
  /* the application closes its library when it quits: here, with the window */
  g_signal_connect_data (window, "destroy", G_CALLBACK (close_test_library),
                         g_object_ref (library), (GClosureNotify) g_object_unref,
                         G_CONNECT_SWAPPED);
  return window;
}

/* The grid of @window's library view. */
GtkGridView *
vs_test_ui_window_grid (VsWindow *window)
{
  VsLibraryView *view = VS_LIBRARY_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                        VS_TYPE_WINDOW, "view"));

  return GTK_GRID_VIEW (gtk_widget_get_template_child (GTK_WIDGET (view), VS_TYPE_LIBRARY_VIEW,
                                                       "grid"));
}
