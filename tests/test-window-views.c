/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The library window's ways of showing videos, driven with real X input (XTEST, through
 * xdotool): the grid's zoom (Ctrl+plus, Ctrl+minus, Ctrl+0, Ctrl+scroll), kept in GSettings
 * for the next window. */
#include "config.h"

#include <adwaita.h>

#include "vs-library-view.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-window.h"

static gpointer
template_child (VsWindow   *window,
                const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (window), VS_TYPE_WINDOW, name);
}

/* @n files of one byte under @lib, named "@prefix NNN.mp4". */
static void
write_clips (const char *lib,
             const char *prefix,
             guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %03u.mp4", prefix, i);
      g_autofree char *path = g_build_filename (lib, name, NULL);

      vs_test_write_file (path, "x", 1);
    }
}

static VsWindow *
open_window (const char *dir,
             const char *lib,
             gint64      count)
{
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  VsWindow *window = vs_test_ui_window_new (db, lib);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_count (window, count);
  return window;
}

typedef struct
{
  VsWindow   *window;
  const char *title;
  int         width;
} CellWidth;

static gboolean
cell_width_is (gpointer data)
{
  CellWidth *wait = data;
  VsVideoCell *cell = vs_test_ui_cell_titled (wait->window, wait->title);

  if (g_getenv ("VS_TEST_DEBUG") != NULL)
    g_printerr ("DEBUG %s: %d (%s)\n", wait->title,
                cell != NULL ? gtk_widget_get_width (GTK_WIDGET (cell)) : -1,
                cell != NULL && gtk_widget_get_mapped (GTK_WIDGET (cell)) ? "mapped" : "-");

  return cell != NULL && gtk_widget_get_mapped (GTK_WIDGET (cell)) &&
         gtk_widget_get_width (GTK_WIDGET (cell)) == wait->width;
}

static void
wait_cell_width (VsWindow   *window,
                 const char *title,
                 int         width)
{
  CellWidth wait = { window, title, width };
  g_autofree char *what = g_strdup_printf ("“%s” %d px wide", title, width);

  vs_test_ui_wait_for (cell_width_is, &wait, what);
}

static gboolean
focus_in_grid (gpointer data)
{
  VsWindow *window = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  GtkWidget *grid = GTK_WIDGET (vs_test_ui_window_grid (window));

  return focus != NULL && (focus == grid || gtk_widget_is_ancestor (focus, grid));
}

/* Whether the cell titled so is wholly inside the grid's viewport. */
static gboolean
cell_in_view (VsWindow   *window,
              const char *title)
{
  VsVideoCell *cell = vs_test_ui_cell_titled (window, title);
  GtkWidget *grid = GTK_WIDGET (vs_test_ui_window_grid (window));
  graphene_rect_t bounds;

  if (cell == NULL || !gtk_widget_get_mapped (GTK_WIDGET (cell)) ||
      !gtk_widget_compute_bounds (GTK_WIDGET (cell), grid, &bounds))
    return FALSE;
  return bounds.origin.y >= 0 &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (grid);
}

typedef struct
{
  VsWindow   *window;
  const char *title;
} InView;

static gboolean
in_view (gpointer data)
{
  InView *wait = data;

  return cell_in_view (wait->window, wait->title);
}

/* Ctrl+plus (and Ctrl+equal, keypad +), Ctrl+minus, Ctrl+0 and Ctrl+scroll change the cells'
 * size between three, stop at the ends, keep the focused video in view, are saved, and a new
 * window opens at the saved size; a plain scroll only scrolls. */
static void
test_zoom (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkScrolledWindow *scroller;
  VsLibraryView *view;
  VsWindow *window;
  InView focused;

  if (!vs_test_ui_have_xdotool ())
    return;
  g_settings_reset (settings, "zoom");
  write_clips (lib, "clip", 120);
  window = open_window (dir, lib, 120);
  view = template_child (window, "view");
  scroller = vs_library_view_get_scroller (view);
  wait_cell_width (window, "clip 000.mp4", 224);

  vs_test_ui_click_cell (window, "clip 000.mp4", "1");
  vs_test_ui_wait_for (focus_in_grid, window, "the focus in the grid");
  vs_test_ui_xdotool ("key", "ctrl+plus", NULL);
  wait_cell_width (window, "clip 000.mp4", 320);
  g_assert_cmpint (g_settings_get_enum (settings, "zoom"), ==, VS_ZOOM_LARGE);
  /* the end: nothing more */
  vs_test_ui_xdotool ("key", "ctrl+equal", NULL);
  vs_test_ui_spin (300);
  g_assert_cmpint (g_settings_get_enum (settings, "zoom"), ==, VS_ZOOM_LARGE);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (vs_test_ui_cell_titled (window,
                                                                            "clip 000.mp4"))),
                   ==, 320);
  vs_test_ui_xdotool ("key", "ctrl+minus", NULL);
  wait_cell_width (window, "clip 000.mp4", 224);
  vs_test_ui_xdotool ("key", "ctrl+KP_Subtract", NULL);
  wait_cell_width (window, "clip 000.mp4", 128);
  g_assert_cmpint (g_settings_get_enum (settings, "zoom"), ==, VS_ZOOM_SMALL);
  vs_test_ui_xdotool ("key", "ctrl+minus", NULL);
  vs_test_ui_spin (300);
  g_assert_cmpint (g_settings_get_enum (settings, "zoom"), ==, VS_ZOOM_SMALL);
  vs_test_ui_xdotool ("key", "ctrl+0", NULL);
  wait_cell_width (window, "clip 000.mp4", 224);
  g_assert_cmpint (g_settings_get_enum (settings, "zoom"), ==, VS_ZOOM_MEDIUM);

  /* the focused video stays in view: at the smallest size the keyboard walks far down,
   * then zooming in moves it; it is brought back */
  vs_test_ui_xdotool ("key", "ctrl+minus", NULL);
  wait_cell_width (window, "clip 000.mp4", 128);
  vs_test_ui_click_cell (window, "clip 000.mp4", "1");
  vs_test_ui_wait_for (focus_in_grid, window, "the focus in the grid");
  for (guint i = 0; i < 8; i++)
    vs_test_ui_xdotool ("key", "Down", NULL);
  vs_test_ui_spin (300);
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
    GtkWidget *cell = focus != NULL ? gtk_widget_get_first_child (focus) : NULL;

    g_assert_true (cell != NULL && VS_IS_VIDEO_CELL (cell));
    focused.window = window;
    focused.title = vs_video_get_title (vs_video_cell_get_video (VS_VIDEO_CELL (cell)));
    g_assert_cmpstr (focused.title, !=, "clip 000.mp4");
  }
  vs_test_ui_xdotool ("key", "ctrl+plus", NULL);
  vs_test_ui_xdotool ("key", "ctrl+plus", NULL);
  wait_cell_width (window, focused.title, 320);
  vs_test_ui_wait_for (in_view, &focused, "the focused video in view after the zoom");

  /* Ctrl+scroll down zooms out, Ctrl+scroll up in (the focused video still in view); a
   * plain scroll scrolls */
  vs_test_ui_pointer_to (GTK_WIDGET (scroller), 300, 300);
  vs_test_ui_xdotool ("keydown", "ctrl", "click", "5", "keyup", "ctrl", NULL);
  wait_cell_width (window, focused.title, 224);
  g_assert_cmpint (g_settings_get_enum (settings, "zoom"), ==, VS_ZOOM_MEDIUM);
  vs_test_ui_wait_for (in_view, &focused, "the focused video in view after Ctrl+scroll");
  vs_test_ui_xdotool ("keydown", "ctrl", "click", "4", "keyup", "ctrl", NULL);
  wait_cell_width (window, focused.title, 320);
  g_assert_cmpint (g_settings_get_enum (settings, "zoom"), ==, VS_ZOOM_LARGE);
  vs_test_ui_wait_still (GTK_WIDGET (scroller));
  {
    GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (scroller);
    double before = gtk_adjustment_get_value (vadj);

    vs_test_ui_xdotool ("click", "5", NULL);
    vs_test_ui_spin (500);
    g_assert_cmpint (g_settings_get_enum (settings, "zoom"), ==, VS_ZOOM_LARGE);
    g_assert_cmpfloat (gtk_adjustment_get_value (vadj), >, before);
  }
  gtk_window_destroy (GTK_WINDOW (window));

  /* a new window opens at the saved size */
  window = open_window (dir, lib, 120);
  wait_cell_width (window, "clip 000.mp4", 320);
  g_assert_cmpint (vs_library_view_get_zoom (template_child (window, "view")), ==,
                   VS_ZOOM_LARGE);
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "zoom");
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = vs_test_make_tmpdir ();
  int status;

  /* A private thumbnail cache and trash, before GLib reads either. */
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gdk_set_allowed_backends ("x11");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window-views/zoom", test_zoom);

  status = g_test_run ();
  vs_test_rm_rf (home);
  return status;
}
