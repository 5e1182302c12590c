/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The library window driven as a user drives it, with real X input (XTEST, through
 * xdotool): typing into the grid searches and Escape ends the search and its filter; a new
 * sort or folder shows its first rows; Tab leaves the grid for the header bar and the
 * sidebar; the menu and the shortcuts window name the same key for Rescan; the empty state
 * explains itself; an added folder is announced with its count. */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>

#include <string.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "vs-library-view.h"
#include "vs-player-window.h"
#include "vs-selection.h"
#include "vs-sidebar.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-window.h"

static gpointer
template_child (VsWindow   *window,
                const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (window), VS_TYPE_WINDOW, name);
}

static GtkAdjustment *
grid_vadjustment (VsWindow *window)
{
  VsLibraryView *view = template_child (window, "view");

  return gtk_scrolled_window_get_vadjustment (vs_library_view_get_scroller (view));
}

/* @n files of one byte under @lib/@sub, named "@prefix N.mp4". */
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

static gboolean
shows_empty_state (gpointer data)
{
  VsWindow *window = data;

  return !vs_window_get_scanning (window) &&
         g_strcmp0 (gtk_stack_get_visible_child_name (template_child (window, "stack")),
                    "empty") == 0;
}

/* A window on a library of the folder @lib, once it shows what is in it. */
static VsWindow *
open_window (const char *dir,
             const char *lib)
{
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autoptr(GDir) d = g_dir_open (lib, 0, NULL);
  VsWindow *window = vs_test_ui_window_new (db, lib);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  if (d != NULL && g_dir_read_name (d) == NULL)
    vs_test_ui_wait_for (shows_empty_state, window, "the empty state");
  else
    vs_test_ui_wait_for (vs_test_ui_settled, window, "the library to settle");
  return window;
}

static gboolean
focus_in_grid (gpointer data)
{
  VsWindow *window = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  GtkWidget *grid = GTK_WIDGET (vs_test_ui_window_grid (window));

  return focus != NULL && (focus == grid || gtk_widget_is_ancestor (focus, grid));
}

/* Puts the keyboard focus on a cell with a click on it, as a user would. */
static void
click_first_cell (VsWindow   *window,
                  const char *title)
{
  vs_test_ui_click_cell (window, title, "1");
  vs_test_ui_wait_for (focus_in_grid, window, "the focus in the grid");
}

/* Typing in the grid opens the search with what was typed; Escape closes it and the grid
 * shows every video again (the bar used to hide and keep its filter). */
static void
test_search_typing (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  GtkSearchBar *bar;
  GtkEditable *entry;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  write_clips (lib, "trips", "beach", 3);
  write_clips (lib, "work", "meeting", 5);
  window = open_window (dir, lib);
  bar = template_child (window, "search_bar");
  entry = template_child (window, "search_entry");
  vs_test_ui_wait_count (window, 8);
  g_assert_false (gtk_search_bar_get_search_mode (bar));

  click_first_cell (window, "beach 000.mp4");
  vs_test_ui_xdotool ("type", "--delay", "40", "beach", NULL);
  vs_test_ui_wait_count (window, 3);
  g_assert_true (gtk_search_bar_get_search_mode (bar));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "beach");

  /* Escape in the entry: the bar closes and its filter goes with it */
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_count (window, 8);
  g_assert_false (gtk_search_bar_get_search_mode (bar));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");

  /* Ctrl+F, a word, then the search button: closed by the mouse, the filter goes too */
  vs_test_ui_xdotool ("key", "ctrl+f", NULL);
  g_assert_true (gtk_search_bar_get_search_mode (bar));
  vs_test_ui_xdotool ("type", "--delay", "40", "meeting", NULL);
  vs_test_ui_wait_count (window, 5);
  vs_test_ui_click (template_child (window, "search_button"), "1");
  vs_test_ui_wait_count (window, 8);
  g_assert_false (gtk_search_bar_get_search_mode (bar));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static gboolean
scrolled_down (gpointer data)
{
  return gtk_adjustment_get_value (grid_vadjustment (data)) > 0;
}

/* Scrolls the grid down with the mouse wheel. */
static void
wheel_down (VsWindow *window)
{
  GtkWidget *grid = GTK_WIDGET (vs_test_ui_window_grid (window));

  /* Low on the left: xdotool's wheel is the XTEST pointer's buttons 4 and 5 (no scroll
   * valuators), and under X11 GTK 4.8 loses those inside the rectangle of a menu that
   * just closed (the View Options menu hangs over the grid's upper right). */
  vs_test_ui_pointer_to (grid, gtk_widget_get_width (grid) / 4.0,
                         gtk_widget_get_height (grid) * 3 / 4.0);
  vs_test_ui_xdotool ("click", "--repeat", "15", "--delay", "20", "5", NULL);
  vs_test_ui_wait_for (scrolled_down, window, "the grid to scroll down");
}

static GtkWidget *
sort_button (VsWindow *window)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  vs_test_ui_collect (template_child (window, "header_bar"), GTK_TYPE_MENU_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, i)), "View Options") == 0)
      return g_ptr_array_index (buttons, i);
  g_error ("no View Options button");
  return NULL;
}

static void
choose_in_menu (VsWindow   *window,
                GtkWidget  *button,
                const char *item)
{
  GtkWidget *popover;

  vs_test_ui_click (button, "1");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the menu to open");
  popover = vs_test_ui_open_menu (window);
  vs_test_ui_click (vs_test_ui_menu_item (popover, item), "1");
  vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "the menu to close");
}

/* A new sort order or another folder starts at its first row: the grid used to keep its
 * offset, so after Descending the user saw the end of the list. */
static void
test_new_query_shows_top (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  write_clips (lib, "a", "clip", 150);
  write_clips (lib, "b", "other", 150);
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 300);
  vs_test_ui_wait_cell (window, "clip 000.mp4", TRUE);

  wheel_down (window);
  choose_in_menu (window, sort_button (window), "Descending");
  g_assert_true (g_settings_get_boolean (settings, "sort-descending"));
  vs_test_ui_wait_cell (window, "other 149.mp4", TRUE);
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the new order");
  vs_test_ui_spin (200);
  g_assert_cmpfloat (gtk_adjustment_get_value (grid_vadjustment (window)), ==, 0);

  /* another folder, picked in the sidebar: the library's root, with its subfolders */
  wheel_down (window);
  vs_test_ui_wait_cell (window, "other 149.mp4", FALSE);
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Videos"), "1");
  vs_test_ui_wait_cell (window, "other 149.mp4", TRUE);
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the folder's videos");
  vs_test_ui_spin (200);
  g_assert_cmpfloat (gtk_adjustment_get_value (grid_vadjustment (window)), ==, 0);

  g_settings_reset (settings, "sort-descending");
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static gboolean
focus_under (gpointer data)
{
  gpointer *args = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (args[0]));

  return focus != NULL && (focus == args[1] || gtk_widget_is_ancestor (focus, args[1]));
}

static void
wait_focus_under (VsWindow   *window,
                  GtkWidget  *ancestor,
                  const char *what)
{
  gpointer args[] = { window, ancestor };

  vs_test_ui_wait_for (focus_under, args, what);
}

/* Tab leaves the grid for the header bar, Shift+Tab for the sidebar (GtkGridView walked
 * its cells one Tab at a time); the arrows still move between cells. */
static void
test_tab_leaves_grid (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  GtkWidget *sidebar, *header, *grid;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  write_clips (lib, "a", "clip", 12);
  write_clips (lib, "b", "other", 2);
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 14);
  sidebar = template_child (window, "sidebar");
  header = template_child (window, "header_bar");
  grid = GTK_WIDGET (vs_test_ui_window_grid (window));
  g_assert_true (adw_flap_get_reveal_flap (template_child (window, "flap")));

  click_first_cell (window, "clip 000.mp4");
  vs_test_ui_xdotool ("key", "Tab", NULL);
  wait_focus_under (window, header, "Tab to reach the header bar");

  click_first_cell (window, "clip 001.mp4");
  vs_test_ui_xdotool ("key", "shift+Tab", NULL);
  wait_focus_under (window, sidebar, "Shift+Tab to reach the sidebar");

  /* and back into the grid with Tab from the sidebar's last control */
  vs_test_ui_xdotool ("key", "Tab", NULL);
  wait_focus_under (window, grid, "Tab from the sidebar to reach the grid");

  /* the folder list is left in one Tab, however many folders it shows */
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "All Videos"), "1");
  wait_focus_under (window, sidebar, "a click to focus the folder list");
  vs_test_ui_xdotool ("key", "Tab", NULL);
  wait_focus_under (window, grid, "Tab from the folder list to reach the grid");
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "HLS Downloads"), "1");
  wait_focus_under (window, sidebar, "a click to focus the folder list");
  vs_test_ui_xdotool ("key", "shift+Tab", NULL);
  wait_focus_under (window, header, "Shift+Tab from the folder list to reach the header bar");

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static GtkWidget *
primary_menu_button (VsWindow *window)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  vs_test_ui_collect (template_child (window, "header_bar"), GTK_TYPE_MENU_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_menu_button_get_primary (g_ptr_array_index (buttons, i)))
      return g_ptr_array_index (buttons, i);
  g_error ("no primary menu");
  return NULL;
}

/* The shortcuts window's first accelerator for @title. */
static char *
help_overlay_accel (const char *title)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PREFIX
                                                                 "/gtk/help-overlay.ui");
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  char *accel = NULL;

  for (GSList *l = objects; l != NULL && accel == NULL; l = l->next)
    {
      g_autofree char *t = NULL;
      g_autofree char *a = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "title", &t, "accelerator", &a, NULL);
      if (g_strcmp0 (t, title) == 0 && a != NULL)
        {
          g_auto(GStrv) keys = g_strsplit (a, " ", -1);

          accel = g_strdup (keys[0]);
        }
    }
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_WINDOW (l->data))
      gtk_window_destroy (l->data);
  return accel;
}

/* The main menu shows the key the shortcuts window names for Rescan (F5: the menu said
 * Ctrl+R), and both keys rescan; the empty state says what to do. */
static void
test_rescan_keys (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *shown = NULL;
  g_autofree char *listed = help_overlay_accel ("Rescan library folders");
  g_autofree char *new1 = g_build_filename (lib, "new 1.mp4", NULL);
  g_autofree char *new2 = g_build_filename (lib, "new 2.mp4", NULL);
  g_autofree char *label = NULL;
  GtkWidget *popover;
  guint key;
  GdkModifierType mods;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  g_assert_cmpint (g_mkdir_with_parents (lib, 0755), ==, 0);
  window = open_window (dir, lib);
  {
    GtkStack *stack = template_child (window, "stack");
    AdwStatusPage *empty = ADW_STATUS_PAGE (gtk_stack_get_child_by_name (stack, "empty"));
    const char *description = adw_status_page_get_description (empty);

    g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (empty)));
    g_assert_nonnull (description);
    g_assert_cmpuint (strlen (description), >, 20);
  }

  vs_test_ui_click (primary_menu_button (window), "1");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the main menu to open");
  popover = vs_test_ui_open_menu (window);
  g_object_get (vs_test_ui_menu_item (popover, "Rescan Library"), "accel", &shown, NULL);
  g_assert_nonnull (listed);
  g_assert_nonnull (shown);
  g_assert_true (gtk_accelerator_parse (listed, &key, &mods));
  label = gtk_accelerator_get_label (key, mods);
  g_assert_cmpstr (shown, ==, label);
  g_assert_cmpstr (listed, ==, "F5");
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "the main menu to close");

  /* both keys rescan: a file written since is found */
  vs_test_write_file (new1, "x", 1);
  vs_test_ui_xdotool ("key", "F5", NULL);
  vs_test_ui_wait_count (window, 1);
  vs_test_write_file (new2, "x", 1);
  vs_test_ui_xdotool ("key", "ctrl+r", NULL);
  vs_test_ui_wait_count (window, 2);

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

/* An added folder is announced by name with its count. */
static void
test_folder_added_toast (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *holidays = g_build_filename (dir, "Holidays", NULL);
  VsWindow *window;

  write_clips (lib, "a", "clip", 2);
  write_clips (holidays, "2023 Lisbon", "beach", 3);
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 2);
  vs_window_add_folder (window, holidays);
  vs_test_ui_wait_toast (window, "Holidays added: 3 videos");

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

typedef struct
{
  VsWindow   *window;
  const char *order;   /* the titles, first to last, separated by spaces */
} OrderWait;

static gboolean
grid_order_is (gpointer data)
{
  OrderWait *wait = data;
  GListModel *model = G_LIST_MODEL (vs_library_view_get_model (template_child (wait->window,
                                                                               "view")));
  g_autoptr(GString) order = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VsVideo) video = g_list_model_get_item (model, i);

      g_string_append_printf (order, "%s%s", i > 0 ? " " : "", vs_video_get_title (video));
    }
  return g_str_equal (order->str, wait->order);
}

/* Continue Watching and Recently Played, clicked: the videos in progress, or played, the
 * latest first whatever the sort setting (which stays as it was), under the row's name;
 * All Videos shows them all again. */
static void
test_played_views (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db_path = g_build_filename (dir, "library.db", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  OrderWait resume_order, recent_order;
  VsWindow *window;

  write_clips (lib, "a", "clip", 6);
  /* as an earlier run's player left them: two stopped halfway, 004 the later; 002 seen
   * to the end */
  db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      static const char * const names[] = { "clip 001.mp4", "clip 004.mp4", "clip 002.mp4" };
      g_autofree char *path = g_build_filename (lib, "a", names[i], NULL);

      if (i < 2)
        g_assert_true (vs_database_set_position (db, path, 20000, 60000, &error));
      else
        g_assert_true (vs_database_record_play (db, path, 60000, 60000, &error));
      g_assert_no_error (error);
      g_usleep (2000);
    }
  g_clear_object (&db);

  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 6);

  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Continue Watching"), "1");
  vs_test_ui_wait_count (window, 2);
  resume_order = (OrderWait) { window, "clip 004.mp4 clip 001.mp4" };
  vs_test_ui_wait_for (grid_order_is, &resume_order, "the videos in progress, the latest first");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "Continue Watching — Vidshelf");
  g_assert_cmpstr (vs_sidebar_get_folder (template_child (window, "sidebar")), ==, NULL);

  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Recently Played"), "1");
  vs_test_ui_wait_count (window, 1);
  recent_order = (OrderWait) { window, "clip 002.mp4" };
  vs_test_ui_wait_for (grid_order_is, &recent_order, "the video played");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "Recently Played — Vidshelf");

  /* the views' own order left the setting alone */
  {
    g_autofree char *sort = g_settings_get_string (settings, "sort-key");

    g_assert_cmpstr (sort, ==, "name");
    g_assert_false (g_settings_get_boolean (settings, "sort-descending"));
  }
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "All Videos"), "1");
  vs_test_ui_wait_count (window, 6);

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

/* Clicks the cell showing @title holding @modifier down (xdotool's name: ctrl, shift). */
static void
click_cell_with (VsWindow   *window,
                 const char *title,
                 const char *modifier)
{
  GtkWidget *cell;

  vs_test_ui_wait_cell (window, title, TRUE);
  cell = GTK_WIDGET (vs_test_ui_cell_titled (window, title));
  vs_test_ui_wait_still (cell);
  vs_test_ui_pointer_to (cell, gtk_widget_get_width (cell) / 2.0, gtk_widget_get_height (cell) / 3.0);
  vs_test_ui_xdotool ("keydown", modifier, "click", "1", "keyup", modifier, NULL);
}

static void
on_clipboard_text (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static GtkWidget *
button_labelled (GtkWidget  *root,
                 const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  /* by its label, or by its action for an icon button */
  vs_test_ui_collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0 ||
        g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), label) == 0)
      return g_ptr_array_index (buttons, i);
  g_error ("no button “%s”", label);
  return NULL;
}

/* Click, Ctrl+click, Shift+click, a rubber band and Ctrl+A select; the title says how
 * many and the selection's bar shows; Copy Paths puts their paths on the clipboard, one
 * per line; Escape lets go. Nothing in the library changes. */
static void
test_selection (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *copied = NULL;
  g_auto(GStrv) lines = NULL;
  AdwWindowTitle *title;
  GtkActionBar *bar;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  write_clips (lib, "a", "clip", 20);
  before = vs_test_folder_digest (lib);
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 20);
  title = template_child (window, "window_title");
  bar = template_child (window, "selection_bar");
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "All Videos");

  click_first_cell (window, "clip 000.mp4");
  vs_test_ui_wait_selected (window, 1);
  g_assert_false (gtk_action_bar_get_revealed (bar));
  click_cell_with (window, "clip 002.mp4", "ctrl");
  vs_test_ui_wait_selected (window, 2);
  g_assert_true (gtk_action_bar_get_revealed (bar));
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "2 selected");
  /* Shift extends from the last clicked: 002 to 005, as in Files */
  click_cell_with (window, "clip 005.mp4", "shift");
  vs_test_ui_wait_selected (window, 4);
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "4 selected");

  /* Escape lets go; a rubber band from the grid's margin (a press on a cell drags the
   * video) to the next cell selects what it crosses */
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_selected (window, 0);
  g_assert_false (gtk_action_bar_get_revealed (bar));
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "All Videos");
  {
    GtkWidget *from = GTK_WIDGET (vs_test_ui_cell_titled (window, "clip 000.mp4"));
    GtkWidget *to = GTK_WIDGET (vs_test_ui_cell_titled (window, "clip 001.mp4"));

    vs_test_ui_pointer_to (GTK_WIDGET (vs_test_ui_window_grid (window)), 2, 2);
    vs_test_ui_xdotool ("mousedown", "1", NULL);
    vs_test_ui_pointer_to (from, gtk_widget_get_width (from) / 2.0, 30);
    vs_test_ui_pointer_to (to, gtk_widget_get_width (to) / 2.0, 60);
    vs_test_ui_xdotool ("mouseup", "1", NULL);
    vs_test_ui_wait_selected (window, 2);
  }

  /* Ctrl+A, then Copy Paths from the bar */
  vs_test_ui_xdotool ("key", "ctrl+a", NULL);
  vs_test_ui_wait_selected (window, 20);
  vs_test_ui_click (button_labelled (GTK_WIDGET (bar), "win.copy-paths"), "1");
  vs_test_ui_spin (300);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                 on_clipboard_text, &copied);
  vs_test_ui_wait_for (is_set, &copied, "the clipboard's text");
  lines = g_strsplit (copied, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 21);
  g_assert_cmpstr (lines[20], ==, "");
  for (guint i = 0; i < 20; i++)
    {
      g_assert_true (g_str_has_prefix (lines[i], lib));
      g_assert_true (g_file_test (lines[i], G_FILE_TEST_IS_REGULAR));
    }

  vs_test_ui_click (button_labelled (GTK_WIDGET (bar), "Select _None"), "1");
  vs_test_ui_wait_selected (window, 0);
  after = vs_test_folder_digest (lib);
  g_assert_cmpstr (before, ==, after);

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

/* A right-click on a library folder in the sidebar: Rescan This Folder finds what is new
 * there, Remove from Library forgets it (no file is touched); All Videos has no menu. */
static void
test_sidebar_menu (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *added = g_build_filename (lib, "a", "late.mp4", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWidget *popover;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  write_clips (lib, "a", "clip", 3);
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 3);

  vs_test_ui_click (vs_test_ui_sidebar_row (window, "All Videos"), "3");
  vs_test_ui_spin (300);
  g_assert_null (vs_test_ui_open_menu (window));

  /* written where no watch sees it yet in time: the rescan finds it */
  vs_test_write_file (added, "x", 1);
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Videos"), "3");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the folder's menu");
  popover = vs_test_ui_open_menu (window);
  (void) vs_test_ui_menu_item (popover, "Open in Files");
  vs_test_ui_click (vs_test_ui_menu_item (popover, "Rescan This Folder"), "1");
  vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "the menu to close");
  vs_test_ui_wait_count (window, 4);

  before = vs_test_folder_digest (lib);
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Videos"), "3");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the folder's menu");
  vs_test_ui_click (vs_test_ui_menu_item (vs_test_ui_open_menu (window), "Remove from Library"),
                    "1");
  vs_test_ui_wait_for (shows_empty_state, window, "the library to be empty");
  after = vs_test_folder_digest (lib);
  g_assert_cmpstr (before, ==, after);

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

/* Another toplevel, away from the library window (moved through X: no window manager),
 * showing @child. */
static GtkWindow *
side_window (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  g_autofree char *xid = NULL;

  gtk_window_set_default_size (window, 240, 240);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (
                                  gtk_native_get_surface (GTK_NATIVE (window))));
  vs_test_ui_xdotool ("windowmove", "--sync", xid, "1020", "700", NULL);
  vs_test_ui_spin (300);
  return window;
}

/* Drags from @from to @to with the real pointer, in steps (XDND wants motion). GTK 4.8's
 * X11 backend leaks a GdkDrop for every drop it receives (LeakSanitizer names only GTK's
 * and GLib's frames): what is allocated during the drag is not counted as leaked. */
static void
drag_between (GtkWidget *from,
              GtkWidget *to)
{
#ifdef __SANITIZE_ADDRESS__
  __lsan_disable ();
#endif
  vs_test_ui_wait_still (from);
  vs_test_ui_pointer_to (from, gtk_widget_get_width (from) / 2.0,
                         gtk_widget_get_height (from) / 3.0);
  vs_test_ui_xdotool ("mousedown", "1", NULL);
  for (guint i = 1; i <= 4; i++)
    vs_test_ui_pointer_to (from, gtk_widget_get_width (from) / 2.0 + 12.0 * i,
                           gtk_widget_get_height (from) / 3.0 + 8.0 * i);
  vs_test_ui_pointer_to (to, gtk_widget_get_width (to) / 2.0 - 4, gtk_widget_get_height (to) / 2.0);
  vs_test_ui_pointer_to (to, gtk_widget_get_width (to) / 2.0, gtk_widget_get_height (to) / 2.0);
  vs_test_ui_xdotool ("mouseup", "1", NULL);
#ifdef __SANITIZE_ADDRESS__
  __lsan_enable ();
#endif
}

static gboolean
on_files_dropped (GtkDropTarget *target,
                  const GValue  *value,
                  double         x,
                  double         y,
                  GPtrArray     *received)
{
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (received, g_file_get_path (l->data));
  g_slist_free (files);
  return TRUE;
}

static gboolean
has_n (gpointer data)
{
  gpointer *args = data;

  return ((GPtrArray *) args[0])->len >= GPOINTER_TO_UINT (args[1]);
}

static GdkContentProvider *
on_source_prepare (GtkDragSource *source,
                   double         x,
                   double         y,
                   GFile         *file)
{
  GSList files = { file, NULL };
  GdkFileList *list = gdk_file_list_new_from_list (&files);
  GdkContentProvider *content = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, list);

  g_boxed_free (GDK_TYPE_FILE_LIST, list);
  return content;
}

/* A video dragged out of the grid carries its file (the selection's when it is part of
 * one); a folder dropped on the window joins the library; a file dropped on it plays. */
static void
test_drag_and_drop (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *holidays = g_build_filename (dir, "Holidays", NULL);
  g_autofree char *loose = g_build_filename (dir, "loose.mp4", NULL);
  g_autofree char *before = NULL;
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GFile) source_file = NULL;
  GtkDropTarget *target;
  GtkDragSource *source;
  GtkWidget *box, *label;
  GtkWindow *side;
  VsWindow *window;
  gpointer args[2];

  if (!vs_test_ui_have_xdotool ())
    return;
  write_clips (lib, "a", "clip", 4);
  write_clips (holidays, "beach", "sun", 2);
  vs_test_write_file (loose, "x", 1);
  before = vs_test_folder_digest (lib);
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 4);

  /* out: one video, then a selection of three */
  box = gtk_label_new ("drop here");
  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (on_files_dropped), received);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (target));
  side = side_window (box);
  vs_test_ui_wait_cell (window, "clip 001.mp4", TRUE);
  drag_between (GTK_WIDGET (vs_test_ui_cell_titled (window, "clip 001.mp4")), box);
  args[0] = received;
  args[1] = GUINT_TO_POINTER (1);
  vs_test_ui_wait_for (has_n, args, "the dragged video's file");
  g_assert_cmpuint (received->len, ==, 1);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (received, 0), "/a/clip 001.mp4"));
  g_ptr_array_set_size (received, 0);

  click_first_cell (window, "clip 000.mp4");
  click_cell_with (window, "clip 002.mp4", "ctrl");
  click_cell_with (window, "clip 003.mp4", "ctrl");
  drag_between (GTK_WIDGET (vs_test_ui_cell_titled (window, "clip 002.mp4")), box);
  args[1] = GUINT_TO_POINTER (3);
  vs_test_ui_wait_for (has_n, args, "the selection's files");
  g_assert_cmpuint (received->len, ==, 3);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (received, 0), "/a/clip 000.mp4"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (received, 2), "/a/clip 003.mp4"));
  gtk_window_destroy (side);

  /* in: a folder, then a file */
  source_file = g_file_new_for_path (holidays);
  label = gtk_label_new ("drag me");
  source = gtk_drag_source_new ();
  g_signal_connect (source, "prepare", G_CALLBACK (on_source_prepare), source_file);
  gtk_widget_add_controller (label, GTK_EVENT_CONTROLLER (source));
  side = side_window (label);
  drag_between (label, GTK_WIDGET (vs_test_ui_window_grid (window)));
  /* added, and shown: the sidebar selects the new folder */
  vs_test_ui_wait_count (window, 2);
  g_assert_cmpstr (adw_window_title_get_title (template_child (window, "window_title")), ==,
                   "Holidays");
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "All Videos"), "1");
  vs_test_ui_wait_count (window, 6);
  g_signal_handlers_disconnect_by_data (source, source_file);
  g_clear_object (&source_file);
  source_file = g_file_new_for_path (loose);
  g_signal_connect (source, "prepare", G_CALLBACK (on_source_prepare), source_file);
  drag_between (label, GTK_WIDGET (vs_test_ui_window_grid (window)));
  vs_test_ui_wait_for (vs_test_ui_has_player, NULL, "the dropped file to play");
  gtk_window_destroy (side);
  gtk_window_destroy (vs_test_ui_toplevel_of_type (VS_TYPE_PLAYER_WINDOW));

  {
    g_autofree char *after = vs_test_folder_digest (lib);

    g_assert_cmpstr (before, ==, after);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

/* A model of @n rows that counts the items asked of it. */
#define TEST_TYPE_COUNTING (test_counting_get_type ())
G_DECLARE_FINAL_TYPE (TestCounting, test_counting, TEST, COUNTING, GObject)

struct _TestCounting
{
  GObject parent_instance;
  guint   n;
  guint   made;
};

static GType
test_counting_get_item_type (GListModel *list)
{
  return G_TYPE_OBJECT;
}

static guint
test_counting_get_n_items (GListModel *list)
{
  return TEST_COUNTING (list)->n;
}

static gpointer
test_counting_get_item (GListModel *list,
                        guint       position)
{
  TEST_COUNTING (list)->made++;
  return position < TEST_COUNTING (list)->n ? g_object_new (G_TYPE_OBJECT, NULL) : NULL;
}

static void
test_counting_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = test_counting_get_item_type;
  iface->get_n_items = test_counting_get_n_items;
  iface->get_item = test_counting_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestCounting, test_counting, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, test_counting_iface_init))

static void
test_counting_class_init (TestCountingClass *klass)
{
}

static void
test_counting_init (TestCounting *self)
{
}

static void
count_changes (GtkSelectionModel *model,
               guint              position,
               guint              n_items,
               guint             *changes)
{
  (*changes)++;
}

/* Selecting all of 100,000 rows asks for no item (GtkMultiSelection made each); a change
 * of the model moves the selection with its rows; what changed is announced once. */
static void
test_selection_model (void)
{
  TestCounting *rows = g_object_new (TEST_TYPE_COUNTING, NULL);
  g_autoptr(VsSelection) selection = NULL;
  GtkSelectionModel *model;
  g_autoptr(GtkBitset) set = NULL;
  guint changes = 0;

  rows->n = 100000;
  selection = vs_selection_new (G_LIST_MODEL (g_object_ref (rows)));
  model = GTK_SELECTION_MODEL (selection);
  g_signal_connect (model, "selection-changed", G_CALLBACK (count_changes), &changes);

  g_assert_true (gtk_selection_model_select_all (model));
  set = gtk_selection_model_get_selection (model);
  g_assert_cmpuint (gtk_bitset_get_size (set), ==, 100000);
  g_assert_cmpuint (rows->made, ==, 0);
  g_assert_cmpuint (changes, ==, 1);
  g_clear_pointer (&set, gtk_bitset_unref);

  /* one item, the rest let go */
  g_assert_true (gtk_selection_model_select_item (model, 10, TRUE));
  g_assert_true (gtk_selection_model_is_selected (model, 10));
  g_assert_false (gtk_selection_model_is_selected (model, 11));
  /* a range added (Shift+click), then one item toggled off (Ctrl+click) */
  g_assert_true (gtk_selection_model_select_range (model, 20, 5, FALSE));
  g_assert_true (gtk_selection_model_unselect_item (model, 22));
  set = gtk_selection_model_get_selection (model);
  g_assert_cmpuint (gtk_bitset_get_size (set), ==, 5);
  g_clear_pointer (&set, gtk_bitset_unref);

  /* rows inserted before the selection move it; the rows replaced lose it */
  rows->n += 3;
  g_list_model_items_changed (G_LIST_MODEL (rows), 0, 0, 3);
  g_assert_true (gtk_selection_model_is_selected (model, 13));
  g_assert_false (gtk_selection_model_is_selected (model, 10));
  g_list_model_items_changed (G_LIST_MODEL (rows), 13, 1, 1);
  g_assert_false (gtk_selection_model_is_selected (model, 13));
  g_assert_true (gtk_selection_model_is_selected (model, 23));
  g_assert_true (gtk_selection_model_unselect_all (model));
  set = gtk_selection_model_get_selection (model);
  g_assert_true (gtk_bitset_is_empty (set));
  g_assert_cmpuint (rows->made, ==, 0);
  g_object_unref (rows);
}

/* Every video shown has been probed (the 1-byte clips: unplayable). */
static gboolean
all_probed (gpointer data)
{
  GListModel *model = G_LIST_MODEL (vs_library_view_get_model (template_child (data, "view")));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VsVideo) video = g_list_model_get_item (model, i);
      const VsVideoRecord *record = vs_video_get_loading (video) ? NULL
                                    : vs_video_get_record (video);

      if (record == NULL || record->probe_state == VS_MEDIA_STATE_PENDING)
        return FALSE;
    }
  return TRUE;
}

/* Date Added, picked in the View Options menu: the videos in the order the scans found
 * them, whatever their names; Descending turns it round. */
static void
test_sort_added (void)
{
  static const char * const batches[] = { "zulu", "alpha", "mike" };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  OrderWait by_name, by_added, by_added_desc;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  write_clips (lib, "a", batches[0], 1);
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 1);
  /* one video at a time, each added later than the one before */
  for (guint i = 1; i < G_N_ELEMENTS (batches); i++)
    {
      g_usleep (2000);
      write_clips (lib, "a", batches[i], 1);
      vs_test_ui_wait_count (window, i + 1);   /* the folder's monitor saw it */
    }
  by_name = (OrderWait) { window, "alpha 000.mp4 mike 000.mp4 zulu 000.mp4" };
  vs_test_ui_wait_for (grid_order_is, &by_name, "the videos by name");
  /* (a probe finishing as the menu opens may close it) */
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the new videos to settle");
  vs_test_ui_wait_for (all_probed, window, "the new videos to be probed");

  choose_in_menu (window, sort_button (window), "Date Added");
  {
    g_autofree char *sort = g_settings_get_string (settings, "sort-key");

    g_assert_cmpstr (sort, ==, "added");
  }
  by_added = (OrderWait) { window, "zulu 000.mp4 alpha 000.mp4 mike 000.mp4" };
  vs_test_ui_wait_for (grid_order_is, &by_added, "the videos in the order they were added");

  /* the pointer away and back: a second click where the menu just closed is lost (GTK 4.8,
   * X11) */
  {
    GtkWidget *grid = GTK_WIDGET (vs_test_ui_window_grid (window));

    vs_test_ui_pointer_to (grid, gtk_widget_get_width (grid) / 4.0,
                           gtk_widget_get_height (grid) * 3 / 4.0);
    vs_test_ui_spin (300);
  }
  choose_in_menu (window, sort_button (window), "Descending");
  by_added_desc = (OrderWait) { window, "mike 000.mp4 alpha 000.mp4 zulu 000.mp4" };
  vs_test_ui_wait_for (grid_order_is, &by_added_desc, "the latest added first");

  g_settings_reset (settings, "sort-key");
  g_settings_reset (settings, "sort-descending");
  gtk_window_destroy (GTK_WINDOW (window));
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

  g_test_add_func ("/window-input/selection-model", test_selection_model);
  g_test_add_func ("/window-input/search-typing", test_search_typing);
  g_test_add_func ("/window-input/new-query-shows-top", test_new_query_shows_top);
  g_test_add_func ("/window-input/tab-leaves-grid", test_tab_leaves_grid);
  g_test_add_func ("/window-input/rescan-keys", test_rescan_keys);
  g_test_add_func ("/window-input/folder-added-toast", test_folder_added_toast);
  g_test_add_func ("/window-input/selection", test_selection);
  g_test_add_func ("/window-input/sidebar-menu", test_sidebar_menu);
  g_test_add_func ("/window-input/played-views", test_played_views);
  g_test_add_func ("/window-input/sort-added", test_sort_added);
  g_test_add_func ("/window-input/drag-and-drop", test_drag_and_drop);

  status = g_test_run ();
  vs_test_rm_rf (home);
  return status;
}
