/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The library window's ways of showing videos, driven with real X input (XTEST, through
 * xdotool): the grid's zoom (Ctrl+plus, Ctrl+minus, Ctrl+0, Ctrl+scroll), kept in GSettings
 * for the next window; the list view (the header's button, Ctrl+1/Ctrl+2), its facts, its
 * headers sorting in SQL, its menu, activation, selection and Delete. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "vs-library-view.h"
#include "vs-player-window.h"
#include "vs-test-media.h"
#include "vs-video-columns.h"
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

/* The list ----------------------------------------------------------------------------- */

static char *trash_files;

static GtkColumnView *
list_of (VsWindow *window)
{
  return vs_library_view_get_list (template_child (window, "view"));
}

/* The list's cell widgets (GtkInscription) at @position, by column (0 name … 5 added, 6 watched, 7 folder). */
static GtkWidget *
list_cell (VsWindow *window,
           guint     position,
           guint     column)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (list_of (window)), GTK_TYPE_INSCRIPTION, cells);
  for (guint i = 0; i < cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (cells, i);
      GtkListItem *item = g_object_get_data (G_OBJECT (cell), "vs-list-item");

      if (item != NULL && gtk_widget_get_mapped (cell) &&
          gtk_list_item_get_position (item) == position &&
          GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell), "vs-column")) == column)
        return cell;
    }
  return NULL;
}

static const char *
list_text (VsWindow *window,
           guint     position,
           guint     column)
{
  GtkWidget *cell = list_cell (window, position, column);

  return cell != NULL ? gtk_inscription_get_text (GTK_INSCRIPTION (cell)) : NULL;
}

/* The row showing @name: its position, or -1. */
static int
list_row (VsWindow   *window,
          const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (vs_library_view_get_model (
                                                     template_child (window, "view"))));
       i++)
    if (g_strcmp0 (list_text (window, i, 0), name) == 0)
      return (int) i;
  return -1;
}

typedef struct
{
  VsWindow   *window;
  const char *order;   /* the names, top to bottom, separated by spaces */
} OrderWait;

static char *
list_order (VsWindow *window)
{
  g_autoptr(GString) order = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (vs_library_view_get_model (
                                        template_child (window, "view"))));

  for (guint i = 0; i < n; i++)
    g_string_append_printf (order, "%s%s", i > 0 ? " " : "", list_text (window, i, 0));
  return g_string_free (g_steal_pointer (&order), FALSE);
}

static gboolean
order_is (gpointer data)
{
  OrderWait *wait = data;
  g_autofree char *order = list_order (wait->window);

  return g_strcmp0 (order, wait->order) == 0;
}

static void
wait_order (VsWindow   *window,
            const char *order)
{
  OrderWait wait = { window, order };
  g_autofree char *what = g_strdup_printf ("the list in the order %s", order);

  vs_test_ui_wait_for (order_is, &wait, what);
}

typedef struct
{
  VsWindow   *window;
  const char *name;
  guint       column;
  const char *text;
} TextWait;

static gboolean
text_is (gpointer data)
{
  TextWait *wait = data;
  int row = list_row (wait->window, wait->name);

  return row >= 0 && g_strcmp0 (list_text (wait->window, row, wait->column), wait->text) == 0;
}

static void
wait_text (VsWindow   *window,
           const char *name,
           guint       column,
           const char *text)
{
  TextWait wait = { window, name, column, text };
  g_autofree char *what = g_strdup_printf ("“%s” showing “%s” in column %u", name, text, column);

  vs_test_ui_wait_for (text_is, &wait, what);
}

static GtkWidget *
widget_where (GtkWidget  *root,
              GType       type,
              const char *property,
              const char *value)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  vs_test_ui_collect (root, type, found);
  for (guint i = 0; i < found->len; i++)
    {
      g_autofree char *text = NULL;

      g_object_get (g_ptr_array_index (found, i), property, &text, NULL);
      if (g_strcmp0 (text, value) == 0 && gtk_widget_get_mapped (g_ptr_array_index (found, i)))
        return g_ptr_array_index (found, i);
    }
  g_error ("no %s with %s “%s”", g_type_name (type), property, value);
  return NULL;
}

typedef struct
{
  GSettings  *settings;
  const char *key;
  const char *value;
} SettingWait;

static gboolean
setting_is (gpointer data)
{
  SettingWait *wait = data;
  g_autoptr(GVariant) value = g_settings_get_value (wait->settings, wait->key);
  g_autofree char *text = g_variant_print (value, FALSE);

  return g_strcmp0 (text, wait->value) == 0;
}

static void
wait_setting (GSettings  *settings,
              const char *key,
              const char *value)
{
  SettingWait wait = { settings, key, value };
  g_autofree char *what = g_strdup_printf ("%s = %s", key, value);

  vs_test_ui_wait_for (setting_is, &wait, what);
}

static gboolean
list_shown (gpointer data)
{
  VsWindow *window = data;

  return gtk_widget_get_mapped (GTK_WIDGET (list_of (window))) &&
         list_text (window, 0, 0) != NULL;
}

static gboolean
grid_shown (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (vs_test_ui_window_grid (data)));
}

static gboolean
focus_in_list (gpointer data)
{
  VsWindow *window = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (list_of (window)));
}

static void
click_row (VsWindow   *window,
           const char *name,
           const char *button)
{
  int row = list_row (window, name);

  g_assert_cmpint (row, >=, 0);
  vs_test_ui_click (list_cell (window, (guint) row, 0), button);
}

static gboolean
trash_has (gpointer data)
{
  g_autofree char *listing = g_file_test (trash_files, G_FILE_TEST_IS_DIR)
                             ? vs_test_list_folder (trash_files) : g_strdup ("");

  return g_strcmp0 (listing, data) == 0;
}

/* The list view: switched to with the header's button and Ctrl+2 (and back with Ctrl+1),
 * kept in GSettings; its rows say each fixture's real duration, resolution, size and
 * folder; a click on the Duration header sorts by duration (in SQL) ascending then
 * descending and sets the GSettings sort, and the headers follow the sort menu; a
 * right-click opens the item menu whose Properties works; a double-click plays; Ctrl+A
 * selects every row; Delete moves the selected videos to the trash and nothing else
 * changes. */
static void
test_list (void)
{
  static const char * const needed[] = { "x264enc", "mp4mux", NULL };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *sub = g_build_filename (lib, "Trips", NULL);
  g_autofree char *a = g_build_filename (lib, "Alpha.mp4", NULL);
  g_autofree char *b = g_build_filename (lib, "Bravo.mp4", NULL);
  g_autofree char *c = g_build_filename (sub, "Charlie.mp4", NULL);
  g_autofree char *d = g_build_filename (lib, "Delta.mp4", NULL);
  g_autofree char *before = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  VsSortKey key;
  gboolean descending;
  VsWindow *window;

  if (!vs_test_require_playback (needed) || !vs_test_ui_have_xdotool ())
    return;
  g_settings_reset (settings, "view-mode");
  g_settings_reset (settings, "sort-key");
  g_settings_reset (settings, "sort-descending");
  g_mkdir_with_parents (sub, 0755);
  vs_test_media_clip (a, 3);                  /* 320×240, 0:03 */
  vs_test_media_clip (b, 1);                  /* 320×240, 0:01 */
  vs_test_media_mp4 (c, "smpte");             /* 640×360, 0:02 */
  vs_test_media_clip (d, 5);                  /* 320×240, 0:05 */
  window = open_window (dir, lib, 4);
  g_assert_cmpint (vs_library_view_get_mode (template_child (window, "view")), ==,
                   VS_VIEW_MODE_GRID);

  /* Ctrl+2 and Ctrl+1 switch */
  vs_test_ui_click (widget_where (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON, "icon-name",
                                  "view-grid-symbolic"), "1");
  vs_test_ui_xdotool ("key", "ctrl+2", NULL);
  vs_test_ui_wait_for (list_shown, window, "the list from Ctrl+2");
  wait_setting (settings, "view-mode", "'list'");
  vs_test_ui_xdotool ("key", "ctrl+1", NULL);
  vs_test_ui_wait_for (grid_shown, window, "the grid from Ctrl+1");
  wait_setting (settings, "view-mode", "'grid'");

  /* the header's List button */
  vs_test_ui_click (widget_where (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON, "icon-name",
                                  "view-list-symbolic"), "1");
  vs_test_ui_wait_for (list_shown, window, "the list");
  wait_setting (settings, "view-mode", "'list'");

  /* the facts, once probed */
  {
    const char *names[] = { "Alpha.mp4", "Bravo.mp4", "Charlie.mp4", "Delta.mp4" };
    const char *durations[] = { "0:03", "0:01", "0:02", "0:05" };
    const char *sizes[] = { "320×240", "320×240", "640×360", "320×240" };
    const char *paths[] = { a, b, c, d };
    g_autofree char *root_name = g_path_get_basename (lib);
    const char *folders[] = { root_name, root_name, "Trips", root_name };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        GStatBuf st;
        g_autofree char *size = NULL;

        g_assert_cmpint (g_stat (paths[i], &st), ==, 0);
        size = g_format_size (st.st_size);
        wait_text (window, names[i], 1, durations[i]);
        wait_text (window, names[i], 2, sizes[i]);
        wait_text (window, names[i], 3, size);
        wait_text (window, names[i], 7, folders[i]);
        g_assert_nonnull (list_text (window, list_row (window, names[i]), 4));
        g_assert_nonnull (list_text (window, list_row (window, names[i]), 5)); /* Added */
      }
  }
  wait_order (window, "Alpha.mp4 Bravo.mp4 Charlie.mp4 Delta.mp4");

  /* the Duration header: ascending, then descending, as the settings say */
  vs_test_ui_click (widget_where (GTK_WIDGET (list_of (window)), GTK_TYPE_LABEL, "label",
                                  "Duration"), "1");
  wait_setting (settings, "sort-key", "'duration'");
  wait_setting (settings, "sort-descending", "false");
  wait_order (window, "Bravo.mp4 Charlie.mp4 Alpha.mp4 Delta.mp4");
  vs_test_ui_click (widget_where (GTK_WIDGET (list_of (window)), GTK_TYPE_LABEL, "label",
                                  "Duration"), "1");
  wait_setting (settings, "sort-descending", "true");
  wait_order (window, "Delta.mp4 Alpha.mp4 Charlie.mp4 Bravo.mp4");
  /* the sort menu's choice shows on the headers */
  g_settings_set_string (settings, "sort-key", "resolution");
  wait_order (window, "Charlie.mp4 Delta.mp4 Bravo.mp4 Alpha.mp4");
  g_assert_true (vs_video_columns_get_sort (list_of (window), &key, &descending));
  g_assert_cmpint (key, ==, VS_SORT_RESOLUTION);
  g_assert_true (descending);
  g_settings_set_boolean (settings, "sort-descending", FALSE);
  g_settings_set_string (settings, "sort-key", "name");
  wait_order (window, "Alpha.mp4 Bravo.mp4 Charlie.mp4 Delta.mp4");
  g_assert_true (vs_video_columns_get_sort (list_of (window), &key, &descending));
  g_assert_cmpint (key, ==, VS_SORT_NAME);
  g_assert_false (descending);

  /* a right-click on a row: its menu; Properties shows that video's */
  click_row (window, "Charlie.mp4", "3");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the row's menu");
  vs_test_ui_click (vs_test_ui_menu_item (vs_test_ui_open_menu (window), "Properties"), "1");
  vs_test_ui_wait_for (vs_test_ui_has_properties, (gpointer) "Charlie.mp4", "Charlie's properties");
  gtk_window_destroy (vs_test_ui_toplevel_of_type (ADW_TYPE_PREFERENCES_WINDOW));
  vs_test_ui_spin (200);

  /* a double-click plays */
  {
    GtkWidget *cell = list_cell (window, (guint) list_row (window, "Bravo.mp4"), 0);

    vs_test_ui_wait_still (cell);
    vs_test_ui_pointer_to (cell, 10, gtk_widget_get_height (cell) / 2.0);
    vs_test_ui_xdotool ("click", "--repeat", "2", "--delay", "80", "1", NULL);
  }
  vs_test_ui_wait_for (vs_test_ui_has_player, NULL, "the player");
  gtk_window_destroy (vs_test_ui_toplevel_of_type (VS_TYPE_PLAYER_WINDOW));
  vs_test_ui_spin (300);

  /* Ctrl+A selects every row; a click selects one again, Ctrl+click adds another; Delete
   * moves those two to the trash, one undo for both, through the guarded trash: every
   * other file of the library is as it was, the trashed ones are whole */
  click_row (window, "Delta.mp4", "1");
  vs_test_ui_wait_for (focus_in_list, window, "the focus in the list");
  {
    g_autofree char *sum_b = vs_test_file_checksum (b);
    g_autofree char *sum_d = vs_test_file_checksum (d);
    g_autofree char *trashed_b = g_build_filename (trash_files, "Bravo.mp4", NULL);
    g_autofree char *trashed_d = g_build_filename (trash_files, "Delta.mp4", NULL);
    g_autofree char *sum_a = vs_test_file_checksum (a);
    g_autofree char *sum_c = vs_test_file_checksum (c);
    g_autofree char *after = NULL, *sum = NULL, *expected = NULL;

    vs_test_ui_xdotool ("key", "ctrl+a", NULL);
    vs_test_ui_wait_selected (window, 4);
    click_row (window, "Delta.mp4", "1");
    {
      int row = list_row (window, "Bravo.mp4");
      GtkWidget *cell = list_cell (window, (guint) row, 0);

      vs_test_ui_wait_still (cell);
      vs_test_ui_pointer_to (cell, gtk_widget_get_width (cell) / 2.0,
                             gtk_widget_get_height (cell) / 2.0);
      vs_test_ui_xdotool ("keydown", "ctrl", "click", "1", "keyup", "ctrl", NULL);
    }
    vs_test_ui_wait_selected (window, 2);
    expected = g_strdup_printf ("Alpha.mp4=%s\nTrips/\nTrips/Charlie.mp4=%s", sum_a, sum_c);
    before = vs_test_tree_state (lib);
    sum = g_strdup_printf ("Alpha.mp4=%s\nBravo.mp4=%s\nDelta.mp4=%s\nTrips/\nTrips/Charlie.mp4=%s",
                           sum_a, sum_b, sum_d, sum_c);
    g_assert_cmpstr (before, ==, sum);
    g_clear_pointer (&sum, g_free);
    vs_test_ui_xdotool ("key", "Delete", NULL);
    vs_test_ui_wait_for (trash_has, (gpointer) "Bravo.mp4 Delta.mp4",
                         "Bravo and Delta in the trash");
    after = vs_test_tree_state (lib);
    g_assert_cmpstr (after, ==, expected);
    sum = vs_test_file_checksum (trashed_b);
    g_assert_cmpstr (sum, ==, sum_b);
    g_free (sum);
    sum = vs_test_file_checksum (trashed_d);
    g_assert_cmpstr (sum, ==, sum_d);
    wait_order (window, "Alpha.mp4 Charlie.mp4");
  }

  gtk_window_destroy (GTK_WINDOW (window));

  /* a new window opens as a list */
  window = open_window (dir, lib, 2);
  vs_test_ui_wait_for (list_shown, window, "the list in a new window");
  g_settings_reset (settings, "view-mode");
  g_settings_reset (settings, "sort-key");
  g_settings_reset (settings, "sort-descending");
  vs_test_ui_wait_for (grid_shown, window, "the grid again");
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_ui_spin (300);
  /* the settings change with the windows gone (from another window, or dconf): their
   * settings actions no longer hear it (they reached a freed action group) */
  g_settings_set_string (settings, "view-mode", "list");
  g_settings_set_string (settings, "sort-key", "size");
  g_settings_set_boolean (settings, "sort-descending", TRUE);
  vs_test_ui_spin (300);
  g_settings_reset (settings, "view-mode");
  g_settings_reset (settings, "sort-key");
  g_settings_reset (settings, "sort-descending");
  vs_test_rm_rf (dir);
}

/* A file that is no video says so in the list too, where its duration would be. */
static void
test_list_unplayable (void)
{
  static const char * const needed[] = { "x264enc", "mp4mux", NULL };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *good = g_build_filename (lib, "Good.mp4", NULL);
  g_autofree char *broken = g_build_filename (lib, "Broken.mp4", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  VsWindow *window;

  if (!vs_test_require_playback (needed) || !vs_test_ui_have_xdotool ())
    return;
  g_settings_reset (settings, "view-mode");
  g_mkdir_with_parents (lib, 0755);
  vs_test_media_clip (good, 1);
  vs_test_write_file (broken, "this is not a video, only some text", -1);
  window = open_window (dir, lib, 2);
  vs_test_ui_click (widget_where (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON, "icon-name",
                                  "view-list-symbolic"), "1");
  vs_test_ui_wait_for (list_shown, window, "the list");
  /* GTK's own class kept beside ours: without it Adwaita draws the headers as plain
   * buttons, with no sort arrow */
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (list_of (window)), "view"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (list_of (window)), "video-list"));
  wait_text (window, "Good.mp4", 1, "0:01");
  wait_text (window, "Broken.mp4", 1, "Unplayable");
  /* the Watched column follows the watched state */
  {
    const char * const paths[] = { good, NULL };

    vs_library_mark_watched_async (vs_window_get_library (window), paths, TRUE, NULL, NULL,
                                   NULL);
  }
  wait_text (window, "Good.mp4", 6, "Watched");
  g_assert_null (list_text (window, list_row (window, "Broken.mp4"), 6));
  g_settings_reset (settings, "view-mode");
  vs_test_ui_wait_for (grid_shown, window, "the grid again");
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
  trash_files = g_build_filename (home, "Trash", "files", NULL);
  gdk_set_allowed_backends ("x11");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window-views/zoom", test_zoom);
  g_test_add_func ("/window-views/list", test_list);
  g_test_add_func ("/window-views/list-unplayable", test_list_unplayable);

  status = g_test_run ();
  vs_test_rm_rf (home);
  g_free (trash_files);
  return status;
}
