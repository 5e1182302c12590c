/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The grid's Rename…, driven by real X input events (XTEST, through xdotool): a right-click
 * on a cell and a click on Rename…, typing a name and Enter; F2 on a cell, typing a name
 * that exists (refused as it is typed) and Escape; F2 with several videos selected. The
 * library's bytes are compared before and after each step. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vs-library-view.h"
#include "vs-rename-popover.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-video-cell.h"
#include "vs-window.h"

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static VsRenamePopover *
open_popover (VsWindow *window)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (window), VS_TYPE_RENAME_POPOVER, found);
  for (guint i = 0; i < found->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (found, i)))
      return g_ptr_array_index (found, i);
  return NULL;
}

static gboolean
popover_is_open (gpointer window)
{
  return open_popover (window) != NULL;
}

static gboolean
popover_is_closed (gpointer window)
{
  return open_popover (window) == NULL;
}

static GtkEditable *
popover_entry (VsRenamePopover *popover)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (popover), GTK_TYPE_ENTRY, found);
  g_assert_cmpuint (found->len, ==, 1);
  return g_ptr_array_index (found, 0);
}

static gboolean
entry_says (gpointer data)
{
  gpointer *args = data;
  VsRenamePopover *popover = open_popover (args[0]);

  return popover != NULL &&
         g_strcmp0 (gtk_editable_get_text (popover_entry (popover)), args[1]) == 0;
}

static gboolean
refused_with (gpointer data)
{
  gpointer *args = data;
  VsRenamePopover *popover = open_popover (args[0]);

  return popover != NULL && strstr (vs_rename_popover_get_error (popover), args[1]) != NULL &&
         !vs_rename_popover_get_can_rename (popover);
}

static void
assert_selected (VsRenamePopover *popover,
                 int              start,
                 int              end)
{
  int s = -1, e = -1;

  g_assert_true (gtk_editable_get_selection_bounds (popover_entry (popover), &s, &e));
  g_assert_cmpint (s, ==, start);
  g_assert_cmpint (e, ==, end);
}

/* The cell titled @title is the one selected, and has the keyboard focus. */
static gboolean
selected_and_focused (gpointer data)
{
  gpointer *args = data;
  VsVideoCell *cell = vs_test_ui_cell_titled (args[0], args[1]);
  GtkListItem *item = cell != NULL ? g_object_get_data (G_OBJECT (cell), "vs-list-item") : NULL;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (args[0]));
  g_autoptr(GPtrArray) views = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (args[0]), VS_TYPE_LIBRARY_VIEW, views);
  return item != NULL && gtk_list_item_get_selected (item) && views->len == 1 &&
         vs_library_view_get_n_selected (g_ptr_array_index (views, 0)) == 1 && focus != NULL &&
         (focus == gtk_widget_get_parent (GTK_WIDGET (cell)) ||
          gtk_widget_is_ancestor (focus, gtk_widget_get_parent (GTK_WIDGET (cell))));
}

static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("VS_TEST_SCREENSHOTS");
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;

  if (dir == NULL)
    return;
  vs_test_ui_spin (300);
  path = g_build_filename (dir, name, NULL);
  command = g_strdup_printf ("import -window root %s", path);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
}

static void
test_rename (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *show = g_build_filename (lib, "Show", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *alpha = g_build_filename (lib, "Alpha.mp4", NULL);
  g_autofree char *bravo = g_build_filename (lib, "Bravo.mp4", NULL);
  g_autofree char *alpha_srt = g_build_filename (lib, "Alpha.srt", NULL);
  g_autofree char *charlie = g_build_filename (lib, "Charlie.mp4", NULL);
  g_autofree char *before = NULL, *after = NULL, *expected = NULL;
  VsRenamePopover *popover;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  g_assert_cmpint (g_mkdir_with_parents (show, 0755), ==, 0);
  vs_test_write_file (alpha, "alpha video", -1);
  vs_test_write_file (alpha_srt, "alpha subtitles", -1);
  vs_test_write_file (bravo, "bravo video", -1);
  vs_test_make_hls (show, "index.m3u8", 2, "2.0", TRUE);

  window = vs_test_ui_window_new (db, lib);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library");
  vs_test_ui_wait_cell (window, "Alpha.mp4", TRUE);
  vs_test_ui_wait_cell (window, "Show", TRUE);

  /* Right-click → Rename…: the name, its stem selected; typed over; Enter renames. */
  before = vs_test_tree_state (lib);
  vs_test_ui_click_cell (window, "Alpha.mp4", "3");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the menu");
  screenshot ("rename-menu.png");
  vs_test_ui_click (vs_test_ui_menu_item (vs_test_ui_open_menu (window), "Rename…"), "1");
  vs_test_ui_wait_for (popover_is_open, window, "the rename popover");
  popover = open_popover (window);
  g_assert_cmpstr (gtk_editable_get_text (popover_entry (popover)), ==, "Alpha.mp4");
  assert_selected (popover, 0, 5);
  g_assert_true (vs_rename_popover_get_can_rename (popover));
  screenshot ("rename-popover.png");
  vs_test_ui_xdotool ("type", "--delay", "20", "Charlie", NULL);
  vs_test_ui_wait_for (entry_says, (gpointer[]) { window, (gpointer) "Charlie.mp4" },
                       "the typed name");
  vs_test_ui_xdotool ("key", "Return", NULL);
  vs_test_ui_wait_for (popover_is_closed, window, "the popover to close");
  vs_test_ui_wait_cell (window, "Charlie.mp4", TRUE);
  vs_test_ui_wait_cell (window, "Alpha.mp4", FALSE);
  g_assert_false (g_file_test (alpha, G_FILE_TEST_EXISTS));
  /* it moved after Bravo in the name order, and is still the one selected and focused */
  vs_test_ui_wait_for (selected_and_focused, (gpointer[]) { window, (gpointer) "Charlie.mp4" },
                       "the renamed video selected and focused");
  after = vs_test_tree_state (lib);
  expected = g_strdup (before);
  {
    g_autoptr(GString) s = g_string_new (before);

    g_string_replace (s, "Alpha.mp4=", "Charlie.mp4=", 1);
    g_string_replace (s, "Alpha.srt=", "Charlie.srt=", 1);
    g_free (expected);
    expected = g_string_free (g_steal_pointer (&s), FALSE);
  }
  {
    /* re-sorted: the renamed lines moved */
    g_auto(GStrv) lines = g_strsplit (expected, "\n", -1);
    g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

    for (guint i = 0; lines[i] != NULL; i++)
      g_ptr_array_add (sorted, lines[i]);
    g_ptr_array_sort (sorted, compare_lines);
    g_ptr_array_add (sorted, NULL);
    g_free (expected);
    expected = g_strjoinv ("\n", (char **) sorted->pdata);
  }
  g_assert_cmpstr (after, ==, expected);

  /* F2 on a cell: a name that exists is refused as it is typed, the button off; one
   * with a '/' too; Escape leaves everything as it was. */
  g_clear_pointer (&before, g_free);
  before = vs_test_tree_state (lib);
  vs_test_ui_click_cell (window, "Bravo.mp4", "1");
  vs_test_ui_xdotool ("key", "F2", NULL);
  vs_test_ui_wait_for (popover_is_open, window, "the rename popover from F2");
  popover = open_popover (window);
  assert_selected (popover, 0, 5);
  vs_test_ui_xdotool ("type", "--delay", "20", "Charlie", NULL);
  vs_test_ui_wait_for (refused_with, (gpointer[]) { window, (gpointer) "already exists" },
                       "the name refused as it exists");
  screenshot ("rename-popover-exists.png");
  /* Enter does nothing then */
  vs_test_ui_xdotool ("key", "Return", NULL);
  vs_test_ui_spin (300);
  g_assert_true (popover_is_open (window));
  vs_test_ui_xdotool ("key", "End", "slash", NULL);
  vs_test_ui_wait_for (refused_with, (gpointer[]) { window, (gpointer) "“/”" },
                       "the name refused for its '/'");
  vs_test_ui_xdotool ("key", "ctrl+a", "BackSpace", NULL);
  vs_test_ui_wait_for (refused_with, (gpointer[]) { window, (gpointer) "empty" },
                       "the empty name refused");
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_for (popover_is_closed, window, "Escape to close the popover");
  vs_test_ui_spin (300);
  g_clear_pointer (&after, g_free);
  after = vs_test_tree_state (lib);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (g_file_test (bravo, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (charlie, G_FILE_TEST_IS_REGULAR));

  /* An HLS download: its folder's whole name is selected. */
  vs_test_ui_click_cell (window, "Show", "1");
  vs_test_ui_xdotool ("key", "F2", NULL);
  vs_test_ui_wait_for (popover_is_open, window, "the rename popover of the download");
  popover = open_popover (window);
  g_assert_cmpstr (gtk_editable_get_text (popover_entry (popover)), ==, "Show");
  assert_selected (popover, 0, 4);
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_for (popover_is_closed, window, "Escape");

  /* Several selected: F2 renames none. */
  vs_test_ui_click_cell (window, "Bravo.mp4", "1");
  vs_test_ui_xdotool ("key", "ctrl+a", NULL);
  vs_test_ui_xdotool ("key", "F2", NULL);
  vs_test_ui_spin (500);
  g_assert_true (popover_is_closed (window));

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = vs_test_make_tmpdir ();
  g_autofree char *data = vs_test_make_tmpdir ();
  int status;

  /* A private thumbnail cache and data folder, before GLib reads either. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  gdk_set_allowed_backends ("x11");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/rename-ui/menu-and-f2", test_rename);

  status = g_test_run ();
  vs_test_rm_rf (cache);
  vs_test_rm_rf (data);
  return status;
}
