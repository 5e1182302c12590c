/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Saved collections in the window, driven with real X input (XTEST, through xdotool): a
 * search saved with Ctrl+S (a name typed, Enter) becomes a selected row of the sidebar
 * showing its videos; the row's menu renames it (a name typed, the popover's button
 * clicked) and removes it (with an undo), and F2 and Delete do the same; a new window on
 * the same index (a restart) has it, with the same videos. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "vs-collection-popover.h"
#include "vs-sidebar.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-window-private.h"

static gpointer
template_child (VsWindow   *window,
                const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (window), VS_TYPE_WINDOW, name);
}

static void
write_clips (const char *lib,
             const char *sub,
             const char *prefix,
             guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %03u.mp4", prefix, i);
      g_autofree char *path = g_build_filename (lib, sub, name, NULL);

      vs_test_write_file (path, "x", 1);
    }
}

static VsWindow *
open_window (const char *dir,
             const char *lib)
{
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  VsWindow *window = vs_test_ui_window_new (db, lib);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library to settle");
  return window;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closes @window and waits until its library is gone (its connections closed). */
static void
close_window (VsWindow *window)
{
  gpointer library = vs_window_get_library (window);

  g_object_add_weak_pointer (G_OBJECT (library), &library);
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_ui_wait_for (is_null, &library, "the library to close");
}

/* The collection popover that is open, or NULL. */
static VsCollectionPopover *
open_popover (VsWindow *window)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (window), VS_TYPE_COLLECTION_POPOVER, found);
  for (guint i = 0; i < found->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (found, i)))
      return g_ptr_array_index (found, i);
  return NULL;
}

static gboolean
popover_is_open (gpointer window)
{
  VsCollectionPopover *popover = open_popover (window);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  /* and ready for typing: its entry has the keyboard */
  return popover != NULL && focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (popover));
}

static gboolean
popover_is_closed (gpointer window)
{
  return open_popover (window) == NULL;
}

static const char *
popover_text (VsWindow *window)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (open_popover (window)), GTK_TYPE_ENTRY, entries);
  g_assert_cmpuint (entries->len, ==, 1);
  return gtk_editable_get_text (g_ptr_array_index (entries, 0));
}

/* Whether the sidebar has a row labelled @name (a string) — args: { window, name }. */
static gboolean
has_row (VsWindow   *window,
         const char *name)
{
  GtkWidget *sidebar = template_child (window, "sidebar");
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  vs_test_ui_collect (sidebar, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (labels, i)) &&
        g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
row_there (gpointer data)
{
  gpointer *args = data;

  return has_row (args[0], args[1]);
}

static gboolean
row_gone (gpointer data)
{
  gpointer *args = data;

  return !has_row (args[0], args[1]);
}

static void
wait_row (VsWindow   *window,
          const char *name,
          gboolean    present)
{
  gpointer args[] = { window, (gpointer) name };
  g_autofree char *what = g_strdup_printf ("the row “%s” to %s", name,
                                           present ? "show" : "go");

  vs_test_ui_wait_for (present ? row_there : row_gone, args, what);
}

/* The window shows collection @name (a string): selected, in the title. */
static gboolean
shows_collection (gpointer data)
{
  gpointer *args = data;
  VsSidebar *sidebar = template_child (args[0], "sidebar");
  AdwWindowTitle *title = template_child (args[0], "window_title");

  return vs_sidebar_get_view (sidebar) == VS_SIDEBAR_VIEW_COLLECTION &&
         g_strcmp0 (vs_sidebar_get_collection_name (sidebar), args[1]) == 0 &&
         g_strcmp0 (adw_window_title_get_title (title), args[1]) == 0;
}

static void
wait_shows (VsWindow   *window,
            const char *name,
            gint64      count)
{
  gpointer args[] = { window, (gpointer) name };
  g_autofree char *what = g_strdup_printf ("the collection “%s” shown", name);

  vs_test_ui_wait_for (shows_collection, args, what);
  vs_test_ui_wait_count (window, count);
}

static gboolean
shows_all_videos (gpointer window)
{
  VsSidebar *sidebar = template_child (window, "sidebar");

  return vs_sidebar_get_view (sidebar) == VS_SIDEBAR_VIEW_FOLDER &&
         vs_sidebar_get_folder (sidebar) == NULL && vs_sidebar_get_collection_id (sidebar) == 0;
}

/* Clicks the Undo button of the toast that is shown. */
static void
click_undo (VsWindow *window)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  vs_test_ui_collect (template_child (window, "toast_overlay"), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (gtk_widget_get_mapped (button) &&
          g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), "_Undo") == 0)
        {
          vs_test_ui_wait_still (button);
          vs_test_ui_click (button, "1");
          return;
        }
    }
  g_error ("no Undo button");
}

/* Clicks the button labelled @label in the open collection popover. */
static void
click_popover_button (VsWindow   *window,
                      const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (open_popover (window)), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0)
        {
          g_assert_true (gtk_widget_get_sensitive (button));
          vs_test_ui_wait_still (button);
          vs_test_ui_click (button, "1");
          return;
        }
    }
  g_error ("no button “%s” in the popover", label);
}

/* Right-clicks the row @name and picks @item in its menu. */
static void
row_menu (VsWindow   *window,
          const char *name,
          const char *item)
{
  vs_test_ui_click (vs_test_ui_sidebar_row (window, name), "3");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the collection's menu");
  vs_test_ui_click (vs_test_ui_menu_item (vs_test_ui_open_menu (window), item), "1");
  vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "the menu to close");
}

static void
test_save_rename_remove_restart (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *before = NULL;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  write_clips (lib, "trips", "beach", 3);
  write_clips (lib, "work", "meeting", 5);
  before = vs_test_folder_digest (lib);
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 8);
  /* none yet: no section */
  g_assert_false (has_row (window, "Collections"));

  /* a search, typed into the grid, saved with Ctrl+S under a name typed over the one
   * proposed (the search) */
  vs_test_ui_click_cell (window, "beach 000.mp4", "1");
  vs_test_ui_xdotool ("type", "--delay", "40", "beach", NULL);
  vs_test_ui_wait_count (window, 3);
  vs_test_ui_xdotool ("key", "ctrl+s", NULL);
  vs_test_ui_wait_for (popover_is_open, window, "the Save as Collection popover");
  g_assert_cmpstr (popover_text (window), ==, "beach");
  vs_test_ui_xdotool ("type", "--delay", "40", "Beach trips", NULL);
  vs_test_ui_xdotool ("key", "Return", NULL);
  vs_test_ui_wait_for (popover_is_closed, window, "the popover to close");
  wait_row (window, "Collections", TRUE);
  wait_row (window, "Beach trips", TRUE);
  /* after every fixed row, Statistics the last of them: the rows shown, top to bottom */
  {
    g_autoptr(GPtrArray) labels = g_ptr_array_new ();
    double stats_y = -1, collection_y = -1;

    vs_test_ui_collect (GTK_WIDGET (window), GTK_TYPE_LABEL, labels);
    for (guint i = 0; i < labels->len; i++)
      {
        GtkLabel *label = g_ptr_array_index (labels, i);
        graphene_point_t at;

        if (!gtk_widget_get_mapped (GTK_WIDGET (label)) ||
            !gtk_widget_compute_point (GTK_WIDGET (label), GTK_WIDGET (window),
                                       &GRAPHENE_POINT_INIT (0, 0), &at) ||
            at.x > 200)
          continue;
        if (g_strcmp0 (gtk_label_get_label (label), "Statistics") == 0)
          stats_y = at.y;
        else if (g_strcmp0 (gtk_label_get_label (label), "Beach trips") == 0)
          collection_y = at.y;
      }
    g_assert_cmpfloat (stats_y, >, 0);
    g_assert_cmpfloat (collection_y, >, stats_y);
  }
  wait_shows (window, "Beach trips", 3);

  /* away and back: All Videos shows everything (the collection's search goes with it);
   * the row shows its videos again */
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "All Videos"), "1");
  vs_test_ui_wait_for (shows_all_videos, window, "All Videos");
  vs_test_ui_wait_count (window, 8);
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Beach trips"), "1");
  wait_shows (window, "Beach trips", 3);

  /* Rename… from the row's menu: the new name typed over the old, Enter */
  row_menu (window, "Beach trips", "Rename…");
  vs_test_ui_wait_for (popover_is_open, window, "the Rename popover");
  g_assert_cmpstr (popover_text (window), ==, "Beach trips");
  vs_test_ui_xdotool ("type", "--delay", "40", "Sea", NULL);
  click_popover_button (window, "_Rename");
  vs_test_ui_wait_for (popover_is_closed, window, "the popover to close");
  wait_row (window, "Sea", TRUE);
  wait_row (window, "Beach trips", FALSE);
  wait_shows (window, "Sea", 3);

  /* F2 on the row: the same popover; Escape changes nothing */
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Sea"), "1");
  vs_test_ui_spin (200);
  vs_test_ui_xdotool ("key", "F2", NULL);
  vs_test_ui_wait_for (popover_is_open, window, "the Rename popover (F2)");
  g_assert_cmpstr (popover_text (window), ==, "Sea");
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_for (popover_is_closed, window, "the popover to close");
  wait_shows (window, "Sea", 3);

  /* Remove Collection from the menu: gone, All Videos shown, no file touched; Undo puts it
   * back */
  row_menu (window, "Sea", "Remove Collection");
  vs_test_ui_wait_toast (window, "Collection “Sea” removed");
  wait_row (window, "Sea", FALSE);
  wait_row (window, "Collections", FALSE);
  vs_test_ui_wait_for (shows_all_videos, window, "All Videos");
  vs_test_ui_wait_count (window, 8);
  click_undo (window);
  wait_row (window, "Sea", TRUE);

  /* Delete on the focused row: the same, with its undo */
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Sea"), "1");
  wait_shows (window, "Sea", 3);
  vs_test_ui_xdotool ("key", "Delete", NULL);
  wait_row (window, "Sea", FALSE);
  vs_test_ui_wait_for (shows_all_videos, window, "All Videos");
  click_undo (window);
  wait_row (window, "Sea", TRUE);
  {
    g_autofree char *after = vs_test_folder_digest (lib);

    g_assert_cmpstr (before, ==, after);
  }

  /* a restart: the window and its library closed, a new one on the same index */
  close_window (window);
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 8);
  wait_row (window, "Sea", TRUE);
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Sea"), "1");
  wait_shows (window, "Sea", 3);
  g_assert_nonnull (vs_test_ui_cell_titled (window, "beach 002.mp4"));
  g_assert_null (vs_test_ui_cell_titled (window, "meeting 000.mp4"));

  close_window (window);
  vs_test_rm_rf (dir);
}

/* The name proposed for a new collection, made of the search and the filters. */
static void
test_default_name (void)
{
  VsVideoQuery q = { 0 };
  g_autofree char *none = _vs_window_collection_name (&q);
  g_autofree char *all = NULL;
  g_autofree char *spaces = NULL;
  g_autoptr(GString) long_search = g_string_new (NULL);
  g_autofree char *cut = NULL;

  g_assert_cmpstr (none, ==, "New Collection");
  q.search = "  beach  ";
  q.min_height = 1080;
  q.video_codec = "H.264 (High Profile)";
  q.kind = VS_KIND_FILTER_HLS;
  q.watched = VS_WATCHED_FILTER_UNWATCHED;
  all = _vs_window_collection_name (&q);
  g_assert_cmpstr (all, ==, "beach · 1080p · H.264 · HLS · Unwatched");
  memset (&q, 0, sizeof q);
  q.search = "   ";
  q.problem = VS_PROBLEM_FILTER_BROKEN;
  spaces = _vs_window_collection_name (&q);
  g_assert_cmpstr (spaces, ==, "Broken");
  for (guint i = 0; i < 300; i++)
    g_string_append (long_search, "é");
  q.search = long_search->str;
  cut = _vs_window_collection_name (&q);
  g_assert_cmpint (g_utf8_strlen (cut, -1), ==, VS_COLLECTION_NAME_MAX);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = vs_test_make_tmpdir ();
  int status;

  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gdk_set_allowed_backends ("x11");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/collections-ui/default-name", test_default_name);
  g_test_add_func ("/collections-ui/save-rename-remove-restart",
                   test_save_rename_remove_restart);

  status = g_test_run ();
  vs_test_rm_rf (home);
  return status;
}
