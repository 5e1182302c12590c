/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-bench.c: the app, measured: the program tests/bench/bench-window.sh runs
 *
 * The real VsApplication, started as src/ui/main.c starts it (the same allocator settings
 * and command line: --db PATH and the rest), with tests/bench/vs-bench.c attached to the
 * first library window it opens, once that window's grid has its model. Nothing here is
 * in the installed vidshelf. VIDSHELF_BENCH=1 turns the measuring on (see vs-bench.c for
 * the other knobs); without it this is just the app.
 *
 * How the window is found: GtkApplication::window-added gives every window; for a VsWindow
 * we wait for its library's notify::state (connected after the window's own handler,
 * which sets up the grid's model) until vs_window_get_model() is non-NULL, then take the
 * GtkScrolledWindow of the VsLibraryView in the window's widget tree, the model and the
 * application's texture cache. That is the moment the window itself used to attach the
 * bench.
 *
 * Built by tests/bench/meson.build (never installed) as BUILDDIR/tests/bench/vidshelf-bench.
 */
#include "config.h"

#include <stdio.h>

#include "vs-application.h"
#include "vs-bench.h"
#include "vs-library-view.h"
#include "vs-preinit.h"
#include "vs-window.h"

static gboolean attached = FALSE;   /* one window is measured: the first library window */

static VsLibraryView *
find_library_view (GtkWidget *widget)
{
  if (VS_IS_LIBRARY_VIEW (widget))
    return VS_LIBRARY_VIEW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      VsLibraryView *view = find_library_view (child);

      if (view != NULL)
        return view;
    }
  return NULL;
}

/* Attaches the bench once @window's grid has its model; TRUE when done (or never to be). */
static gboolean
try_attach (VsWindow *window)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
  VsLibraryModel *model = vs_window_get_model (window);
  VsLibraryView *view;
  VsTextureCache *textures;

  if (attached)
    return TRUE;
  if (model == NULL)
    return FALSE;
  if ((view = find_library_view (GTK_WIDGET (window))) == NULL)
    {
      g_warning ("The library window holds no VsLibraryView: nothing to measure");
      return TRUE;
    }
  textures = VS_IS_APPLICATION (app) ? vs_application_get_texture_cache (VS_APPLICATION (app))
                                     : NULL;
  attached = TRUE;
  vs_bench_attach (GTK_WINDOW (window),
                   vs_library_view_get_mode (view) == VS_VIEW_MODE_LIST
                   ? GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (
                       GTK_WIDGET (vs_library_view_get_list (view)), GTK_TYPE_SCROLLED_WINDOW))
                   : vs_library_view_get_scroller (view),
                   G_LIST_MODEL (model), textures ? G_OBJECT (textures) : NULL);
  return TRUE;
}

static void
on_library_state (VsLibrary  *library,
                  GParamSpec *pspec,
                  VsWindow   *window)
{
  if (try_attach (window))
    g_signal_handlers_disconnect_by_func (library, on_library_state, window);
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window,
                 gpointer        user_data)
{
  VsLibrary *library;

  if (attached || !VS_IS_WINDOW (window))
    return;
  if (try_attach (VS_WINDOW (window)))
    return;   /* the library was open already */
  library = vs_window_get_library (VS_WINDOW (window));
  g_return_if_fail (VS_IS_LIBRARY (library));
  /* after the window's own handler, which gives the grid its model; gone with the window */
  g_signal_connect_object (library, "notify::state", G_CALLBACK (on_library_state), window,
                           G_CONNECT_AFTER);
  /* a current index gives the grid its model before the library is ready */
  g_signal_connect_object (library, "notify::readable", G_CALLBACK (on_library_state), window,
                           G_CONNECT_AFTER);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(VsApplication) app = NULL;

  /* as src/ui/main.c */
  vs_application_prepare_process ();

  if (g_strcmp0 (g_getenv ("VIDSHELF_BENCH"), "1") != 0)
    fprintf (stderr, "vidshelf-bench: VIDSHELF_BENCH=1 is not set: nothing will be measured\n");

  /* VIDSHELF_BENCH_VIEW=list: the list view is measured (the settings say how the window
   * opens; the bench runs with the memory backend) */
  if (g_strcmp0 (g_getenv ("VIDSHELF_BENCH_VIEW"), "list") == 0)
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);

      g_settings_set_string (settings, "view-mode", "list");
    }
  app = vs_application_new ();
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
