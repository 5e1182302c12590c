/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-test-ui.c: helpers for the tests with a display */
#include <gdk/x11/gdkx.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "vs-library-view.h"
#include "vs-player-window.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"
#include "vs-video-cell.h"

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

/* Real input: the pointer and keyboard through X (XTEST, with xdotool) ---------------- */

static gboolean
on_timeout (gpointer user_data)
{
  if (g_getenv ("VS_TEST_SHOT") != NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("import -window root %s", g_getenv ("VS_TEST_SHOT"));

      g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
    }
  g_error ("timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

void
vs_test_ui_wait_for (VsTestUiCondition    condition,
                     gpointer     data,
                     const char  *what)
{
  guint timeout = g_timeout_add_seconds (90, on_timeout, (gpointer) what);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

/* Lets GTK take in the events the X server has for it. */
void
vs_test_ui_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

void
vs_test_ui_xdotool (const char *first,
                    ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (args, (char *) "xdotool");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_test_message ("xdotool %s %s", first, (const char *) g_ptr_array_index (args, 2));
  g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("xdotool %s failed: %s", first, err);
  vs_test_ui_spin (150);
}

/* Moves the real pointer to (@x, @y) of @widget. */
void
vs_test_ui_pointer_to (GtkWidget *widget,
                       double     x,
                       double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  g_autofree char *xid = NULL, *px = NULL, *py = NULL;
  GdkSurface *surface;
  GdkDevice *pointer;
  graphene_point_t p;
  double sx, sy, cx, cy;
  int tx, ty;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (x, y), &p));
  gtk_native_get_surface_transform (native, &sx, &sy);
  surface = gtk_native_get_surface (native);
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  tx = (int) (p.x + sx);
  ty = (int) (p.y + sy);
  /* Already there: "mousemove --sync" would wait for a motion that never comes (it gives
   * up after 15 s): step off by one pixel first. */
  pointer = gdk_seat_get_pointer (gdk_display_get_default_seat (gdk_surface_get_display (surface)));
  if (gdk_surface_get_device_position (surface, pointer, &cx, &cy, NULL) &&
      (int) cx == tx && (int) cy == ty)
    {
      g_autofree char *off = g_strdup_printf ("%d", tx > 0 ? tx - 1 : tx + 1);
      g_autofree char *at = g_strdup_printf ("%d", ty);

      vs_test_ui_xdotool ("mousemove", "--sync", "--window", xid, off, at, NULL);
    }
  px = g_strdup_printf ("%d", tx);
  py = g_strdup_printf ("%d", ty);
  vs_test_ui_xdotool ("mousemove", "--sync", "--window", xid, px, py, NULL);
}

/* Where @widget is in its window, once it stopped moving (toasts slide in). A widget not
 * laid out yet (a window just shown) sits still at (0, 0) with no size: not that. */
void
vs_test_ui_wait_still (GtkWidget *widget)
{
  graphene_point_t last = GRAPHENE_POINT_INIT (-1, -1);

  for (guint i = 0; i < 100; i++)
    {
      graphene_point_t p;

      if (gtk_widget_get_width (widget) <= 0 || gtk_widget_get_height (widget) <= 0)
        {
          vs_test_ui_spin (100);
          continue;
        }
      g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (gtk_widget_get_native (widget)),
                                               &GRAPHENE_POINT_INIT (0, 0), &p));
      if (graphene_point_equal (&p, &last))
        return;
      last = p;
      vs_test_ui_spin (100);
    }
}

void
vs_test_ui_click (GtkWidget  *widget,
                  const char *button)
{
  vs_test_ui_wait_still (widget);
  vs_test_ui_pointer_to (widget, gtk_widget_get_width (widget) / 2.0,
                         gtk_widget_get_height (widget) / 2.0);
  vs_test_ui_xdotool ("click", button, NULL);
}

void
vs_test_ui_collect (GtkWidget  *widget,
                    GType       type,
                    GPtrArray  *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    vs_test_ui_collect (child, type, found);
}

VsVideoCell *
vs_test_ui_cell_titled (VsWindow   *window,
                        const char *title)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (window), VS_TYPE_VIDEO_CELL, cells);
  for (guint i = 0; i < cells->len; i++)
    {
      VsVideo *video = vs_video_cell_get_video (g_ptr_array_index (cells, i));

      if (video != NULL && !vs_video_get_loading (video) &&
          g_strcmp0 (vs_video_get_title (video), title) == 0 &&
          gtk_widget_get_mapped (g_ptr_array_index (cells, i)) &&
          gtk_widget_get_width (g_ptr_array_index (cells, i)) > 0)
        return g_ptr_array_index (cells, i);
    }
  return NULL;
}

/* The sidebar's row labelled @name. */
GtkWidget *
vs_test_ui_sidebar_row (VsWindow   *window,
                        const char *name)
{
  GtkWidget *sidebar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                  VS_TYPE_WINDOW, "sidebar"));
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  vs_test_ui_collect (sidebar, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), name) == 0)
      return g_ptr_array_index (labels, i);
  g_error ("no sidebar row “%s”", name);
  return NULL;
}

GtkWidget *
vs_test_ui_open_menu (VsWindow *window)
{
  g_autoptr(GPtrArray) popovers = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (window), GTK_TYPE_POPOVER_MENU, popovers);
  for (guint i = 0; i < popovers->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (popovers, i)))
      return g_ptr_array_index (popovers, i);
  return NULL;
}

gboolean
vs_test_ui_menu_is_open (gpointer window)
{
  return vs_test_ui_open_menu (window) != NULL;
}

gboolean
vs_test_ui_menu_is_closed (gpointer window)
{
  return vs_test_ui_open_menu (window) == NULL;
}

/* The menu item showing @label, as the user sees it. */
GtkWidget *
vs_test_ui_menu_item (GtkWidget  *popover,
                      const char *label)
{
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();

  vs_test_ui_collect (popover, GTK_TYPE_WIDGET, widgets);
  for (guint i = 0; i < widgets->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (widgets, i);
      g_autofree char *text = NULL;

      if (!g_str_equal (G_OBJECT_TYPE_NAME (w), "GtkModelButton") || !gtk_widget_get_mapped (w))
        continue;
      g_object_get (w, "text", &text, NULL);
      if (g_strcmp0 (text, label) == 0)
        return w;
    }
  g_error ("no menu item “%s”", label);
  return NULL;
}

static gboolean
cell_is_there (gpointer data)
{
  gpointer *args = data;

  return vs_test_ui_cell_titled (args[0], args[1]) != NULL;
}

static gboolean
cell_is_gone (gpointer data)
{
  gpointer *args = data;

  return vs_test_ui_cell_titled (args[0], args[1]) == NULL;
}

void
vs_test_ui_wait_cell (VsWindow   *window,
                      const char *title,
                      gboolean    present)
{
  gpointer args[] = { window, (gpointer) title };

  vs_test_ui_wait_for (present ? cell_is_there : cell_is_gone, args, title);
}

GtkWindow *
vs_test_ui_toplevel_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }
  return NULL;
}

gboolean
vs_test_ui_settled (gpointer data)
{
  VsWindow *window = data;

  return !vs_window_get_scanning (window) && vs_window_get_model (window) != NULL &&
         !vs_library_get_busy (vs_window_get_library (window)) &&
         !vs_library_model_get_busy (vs_window_get_model (window)) &&
         vs_window_get_video_count (window) > 0;
}

/* Clicks the cell showing @title once the library is at rest, so that no rescan rebinds
 * the cell to another video between finding it and clicking it. */
void
vs_test_ui_click_cell (VsWindow   *window,
                       const char *title,
                       const char *button)
{
  VsVideoCell *cell;

  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library to settle");
  vs_test_ui_wait_cell (window, title, TRUE);
  cell = vs_test_ui_cell_titled (window, title);
  vs_test_ui_wait_still (GTK_WIDGET (cell));
  g_assert_true (cell == vs_test_ui_cell_titled (window, title));
  vs_test_ui_click (GTK_WIDGET (cell), button);
}

/* The pointer and the keyboard are driven through X with xdotool: without it, skip. */
gboolean
vs_test_ui_have_xdotool (void)
{
  g_autofree char *path = g_find_program_in_path ("xdotool");

  if (path == NULL)
    g_test_skip ("xdotool is not installed (build-aux/install-deps.sh installs it)");
  return path != NULL;
}

typedef struct
{
  VsWindow *window;
  gint64    count;
} CountWait;

static gboolean
count_is (gpointer data)
{
  CountWait *wait = data;

  return vs_test_ui_settled (wait->window) &&
         vs_window_get_video_count (wait->window) == wait->count;
}

void
vs_test_ui_wait_count (VsWindow *window,
                       gint64    count)
{
  CountWait wait = { window, count };
  g_autofree char *what = g_strdup_printf ("the grid to show %" G_GINT64_FORMAT " videos",
                                           count);

  vs_test_ui_wait_for (count_is, &wait, what);
}

static gboolean
n_selected_is (gpointer data)
{
  gpointer *args = data;
  VsLibraryView *view = VS_LIBRARY_VIEW (gtk_widget_get_template_child (GTK_WIDGET (args[0]),
                                                                         VS_TYPE_WINDOW, "view"));

  return vs_library_view_get_n_selected (view) == GPOINTER_TO_UINT (args[1]);
}

void
vs_test_ui_wait_selected (VsWindow *window,
                          guint     n)
{
  gpointer args[] = { window, GUINT_TO_POINTER (n) };
  g_autofree char *what = g_strdup_printf ("%u selected", n);

  vs_test_ui_wait_for (n_selected_is, args, what);
}

static gboolean
toast_shown (gpointer data)
{
  gpointer *args = data;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *overlay = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (args[0]),
                                                                  VS_TYPE_WINDOW,
                                                                  "toast_overlay"));

  vs_test_ui_collect (overlay, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (labels, i)) &&
        g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), args[1]) == 0)
      return TRUE;
  return FALSE;
}

void
vs_test_ui_wait_toast (VsWindow   *window,
                       const char *text)
{
  gpointer args[] = { window, (gpointer) text };
  g_autofree char *what = g_strdup_printf ("the toast \"%s\"", text);

  vs_test_ui_wait_for (toast_shown, args, what);
}

gboolean
vs_test_ui_has_player (gpointer unused)
{
  return vs_test_ui_toplevel_of_type (VS_TYPE_PLAYER_WINDOW) != NULL;
}

gboolean
vs_test_ui_has_properties (gpointer title)
{
  GtkWindow *w = vs_test_ui_toplevel_of_type (ADW_TYPE_PREFERENCES_WINDOW);

  return w != NULL && g_strcmp0 (gtk_window_get_title (w), title) == 0;
}

GtkWidget *
vs_test_ui_view_options (VsWindow *window)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *header = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                 VS_TYPE_WINDOW, "header_bar"));

  vs_test_ui_collect (header, GTK_TYPE_MENU_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, i)),
                   "View Options") == 0)
      return g_ptr_array_index (buttons, i);
  g_error ("no View Options button");
  return NULL;
}

void
vs_test_ui_choose_in_menu (VsWindow   *window,
                           GtkWidget  *button,
                           const char *item)
{
  GtkWidget *popover;

  vs_test_ui_click (button, "1");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the menu to open");
  popover = vs_test_ui_open_menu (window);
  vs_test_ui_click (vs_test_ui_menu_item (popover, item), "1");
  vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "the menu to close");
  vs_test_ui_pointer_to (GTK_WIDGET (window), 5, gtk_widget_get_height (GTK_WIDGET (window)) - 5);
}

typedef struct
{
  VsWindow   *window;
  const char *order;
} OrderWait;

static gboolean
order_is (gpointer data)
{
  OrderWait *wait = data;
  GListModel *model = G_LIST_MODEL (vs_window_get_model (wait->window));
  g_autoptr(GString) order = g_string_new (NULL);

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VsVideo) video = g_list_model_get_item (model, i);

      g_string_append_printf (order, "%s%s", i > 0 ? " " : "", vs_video_get_title (video));
    }
  return model != NULL && g_str_equal (order->str, wait->order);
}

void
vs_test_ui_wait_order (VsWindow   *window,
                       const char *order)
{
  OrderWait wait = { window, order };

  vs_test_ui_wait_for (order_is, &wait, order);
}
