/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The library window's filters driven as a user drives them, with real X input (XTEST,
 * through xdotool): the filter popover's buttons and its shortcut, the chips that remove
 * one filter each, Clear Filters, the empty result; and the sort menu in the views that
 * have an order of their own. */
#include "config.h"

#include <adwaita.h>

#include <string.h>

#include "vs-library-view.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-window.h"

static gpointer
template_child (VsWindow   *window,
                const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (window), VS_TYPE_WINDOW, name);
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

/* The button under @ancestor whose label (or first label inside) reads @label. */
static GtkWidget *
button_labelled (GtkWidget  *ancestor,
                 const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  vs_test_ui_collect (ancestor, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();

      if (!gtk_widget_get_mapped (button))
        continue;
      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0)
        return button;
      vs_test_ui_collect (button, GTK_TYPE_LABEL, labels);
      if (labels->len > 0 &&
          g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, 0)), label) == 0)
        return button;
    }
  return NULL;
}

static gboolean
popover_open (gpointer window)
{
  return gtk_widget_get_mapped (template_child (window, "filter_popover"));
}

static gboolean
popover_closed (gpointer window)
{
  return !popover_open (window);
}

typedef struct
{
  VsWindow   *window;
  const char *label;
} LabelWait;

static gboolean
has_popover_button (gpointer data)
{
  LabelWait *wait = data;

  return button_labelled (template_child (wait->window, "filter_popover"), wait->label) != NULL;
}

/* Escape closes it. xdotool's clicks are lost for a moment where a popover just closed
 * (X11, GTK 4.8): the pointer goes elsewhere first. */
static void
close_popover (VsWindow *window)
{
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_for (popover_closed, window, "the popover to close");
  vs_test_ui_pointer_to (GTK_WIDGET (window), 5, 600);
  vs_test_ui_spin (300);
}

/* Clicks @label in the open filter popover. */
static void
click_in_popover (VsWindow   *window,
                  const char *label)
{
  LabelWait wait = { window, label };
  GtkWidget *button;

  vs_test_ui_wait_for (has_popover_button, &wait, label);
  button = button_labelled (template_child (window, "filter_popover"), label);
  vs_test_ui_click (button, "1");
}

/* The chips' texts, in order, separated by " | ". */
static char *
chips_text (VsWindow *window)
{
  GtkWidget *chips = template_child (window, "filter_chips");
  GString *text = g_string_new (NULL);

  for (GtkWidget *chip = gtk_widget_get_first_child (chips); chip != NULL;
       chip = gtk_widget_get_next_sibling (chip))
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();

      vs_test_ui_collect (chip, GTK_TYPE_LABEL, labels);
      g_string_append_printf (text, "%s%s", text->len > 0 ? " | " : "",
                              gtk_label_get_text (g_ptr_array_index (labels, 0)));
    }
  return g_string_free (text, FALSE);
}

static gboolean
chips_are (gpointer data)
{
  LabelWait *wait = data;
  g_autofree char *text = chips_text (wait->window);

  return g_str_equal (text, wait->label);
}

static void
wait_chips (VsWindow   *window,
            const char *expected)
{
  LabelWait wait = { window, expected };

  vs_test_ui_wait_for (chips_are, &wait, expected);
  g_assert_cmpint (gtk_revealer_get_reveal_child (template_child (window, "filter_bar")), ==,
                   expected[0] != '\0');
}

static gboolean
probed (gpointer data)
{
  g_autoptr(VsDatabase) db = vs_database_open (data, VS_DATABASE_MODE_READER, NULL);
  VsVideoQuery unprobed = { .problem = VS_PROBLEM_FILTER_UNPROBED };

  return db != NULL && vs_database_count_videos (db, &unprobed, NULL) == 0;
}

static gboolean
shows_no_results (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (template_child (window, "stack")),
                    "no-results") == 0 &&
         gtk_widget_get_visible (template_child (window, "no_results_clear"));
}

/* Filters picked in the popover narrow the grid together, each shows as a chip; a click
 * on a chip removes its filter only; Ctrl+Shift+F opens the popover; a combination that
 * selects nothing explains itself and offers to clear; Clear Filters brings all back. */
static void
test_popover_chips (void)
{
  const char * const elements[] = { "x264enc", "mp4mux", "vp8enc", "webmmux", "vorbisenc",
                                    "hlssink2", NULL };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db_path = g_build_filename (dir, "library.db", NULL);
  g_autofree char *bars = g_build_filename (lib, "bars.mp4", NULL);
  g_autofree char *wide = g_build_filename (lib, "wide.mp4", NULL);
  g_autofree char *ball = g_build_filename (lib, "ball.webm", NULL);
  g_autofree char *junk = g_build_filename (lib, "junk.mp4", NULL);
  g_autofree char *show = g_build_filename (lib, "show", NULL);
  g_autofree char *pipeline = NULL;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool () || !vs_test_media_require (elements))
    return;
  g_assert_cmpint (g_mkdir_with_parents (lib, 0755), ==, 0);
  vs_test_media_clip (bars, 2);
  pipeline = g_strdup_printf ("videotestsrc num-buffers=10 ! video/x-raw,width=1280,height=720,"
                              "framerate=25/1 ! x264enc ! mp4mux ! filesink location=\"%s\"",
                              wide);
  vs_test_media_run (pipeline);
  vs_test_media_webm (ball);
  vs_test_media_random (junk, 4096);
  vs_test_media_hls (show, 4);

  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 5);
  vs_test_ui_wait_for (probed, db_path, "every file probed");
  wait_chips (window, "");

  /* the popover, by its button; its codecs come from the library, with their counts */
  vs_test_ui_click (template_child (window, "filter_button"), "1");
  vs_test_ui_wait_for (popover_open, window, "the filter popover");
  click_in_popover (window, "720p");
  vs_test_ui_wait_count (window, 1);
  vs_test_ui_wait_cell (window, "wide.mp4", TRUE);
  wait_chips (window, "720p");
  click_in_popover (window, "VP8");
  vs_test_ui_wait_for (shows_no_results, window, "no results, and a way out");
  wait_chips (window, "720p | VP8");
  close_popover (window);

  /* a chip's click removes its filter, the others stay */
  vs_test_ui_click (button_labelled (template_child (window, "filter_chips"), "720p"), "1");
  vs_test_ui_wait_count (window, 1);
  vs_test_ui_wait_cell (window, "ball.webm", TRUE);
  wait_chips (window, "VP8");

  /* the keyboard opens it again */
  vs_test_ui_xdotool ("key", "ctrl+shift+f", NULL);
  vs_test_ui_wait_for (popover_open, window, "the filter popover, from its shortcut");
  click_in_popover (window, "Unplayable");
  vs_test_ui_wait_for (shows_no_results, window, "VP8 and unplayable: none");
  /* the codec's Any: the broken file alone */
  {
    g_autoptr(GPtrArray) anys = g_ptr_array_new ();

    vs_test_ui_collect (template_child (window, "codec_box"), GTK_TYPE_TOGGLE_BUTTON, anys);
    vs_test_ui_click (g_ptr_array_index (anys, 0), "1");
  }
  vs_test_ui_wait_count (window, 1);
  vs_test_ui_wait_cell (window, "junk.mp4", TRUE);
  wait_chips (window, "Unplayable");
  click_in_popover (window, "HLS Downloads");
  vs_test_ui_wait_for (shows_no_results, window, "unplayable HLS downloads: none");
  click_in_popover (window, "Video Files");
  vs_test_ui_wait_count (window, 1);
  wait_chips (window, "Video Files | Unplayable");
  close_popover (window);

  /* Clear Filters, in the bar */
  vs_test_ui_click (button_labelled (template_child (window, "filter_bar"), "_Clear Filters"), "1");
  vs_test_ui_wait_count (window, 5);
  wait_chips (window, "");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (window, "stack")), ==,
                   "grid");

  /* the downloads by their state: the one here is complete */
  vs_test_ui_click (template_child (window, "filter_button"), "1");
  vs_test_ui_wait_for (popover_open, window, "the filter popover");
  click_in_popover (window, "Ready to Merge");
  vs_test_ui_wait_count (window, 1);
  vs_test_ui_wait_cell (window, "show", TRUE);
  wait_chips (window, "HLS: Ready to Merge");
  click_in_popover (window, "Incomplete");
  vs_test_ui_wait_for (shows_no_results, window, "no incomplete download");
  click_in_popover (window, "Any");
  vs_test_ui_wait_count (window, 5);
  wait_chips (window, "");
  close_popover (window);

  /* a link to a filtered view (the statistics page's bars) */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-query", "s",
                              "{'kind': <'hls'>, 'search': <'show'>}");
  vs_test_ui_wait_count (window, 1);
  vs_test_ui_wait_cell (window, "show", TRUE);
  wait_chips (window, "HLS Downloads");
  g_assert_cmpstr (gtk_editable_get_text (template_child (window, "search_entry")), ==, "show");

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static GtkWidget *
sort_button (VsWindow *window)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  vs_test_ui_collect (template_child (window, "header_bar"), GTK_TYPE_MENU_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, i)),
                   "View Options") == 0)
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
  /* xdotool's wheel and clicks are lost where the menu was for a moment (X11, GTK 4.8) */
  vs_test_ui_pointer_to (GTK_WIDGET (window), 5, 400);
}

typedef struct
{
  VsWindow   *window;
  const char *order;
} OrderWait;

static gboolean
grid_order_is (gpointer data)
{
  OrderWait *wait = data;
  GListModel *model = G_LIST_MODEL (vs_window_get_model (wait->window));
  g_autoptr(GString) order = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VsVideo) video = g_list_model_get_item (model, i);

      g_string_append_printf (order, "%s%s", i > 0 ? " " : "", vs_video_get_title (video));
    }
  return g_str_equal (order->str, wait->order);
}

static void
wait_order (VsWindow   *window,
            const char *order)
{
  OrderWait wait = { window, order };

  vs_test_ui_wait_for (grid_order_is, &wait, order);
}

/* Continue Watching opens in its own order (the latest played first); the sort menu there
 * reorders it, without touching the setting the other views use; All Videos is back in
 * the setting's order, and the views' order is theirs again on return. */
static void
test_played_view_sort (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db_path = g_build_filename (dir, "library.db", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  /* sizes 2, 3, 1 and played in this order: by size b a c, by name a b c, the latest
   * played first b c a */
  const struct {
    const char *name;
    guint       size;
  } files[] = { { "a.mp4", 2 }, { "c.mp4", 3 }, { "b.mp4", 1 } };
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  g_settings_set_string (settings, "sort-key", "size");
  db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (lib, files[i].name, NULL);
      g_autofree char *bytes = g_strnfill (files[i].size, 'x');

      vs_test_write_file (path, bytes, strlen (bytes));
      g_assert_true (vs_database_set_position (db, path, 20000, 60000, &error));
      g_assert_no_error (error);
      g_usleep (2000);
    }
  g_clear_object (&db);

  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 3);
  wait_order (window, "b.mp4 a.mp4 c.mp4");

  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Continue Watching"), "1");
  wait_order (window, "b.mp4 c.mp4 a.mp4");
  /* the view's direction (descending) stays, as the menu shows it */
  choose_in_menu (window, sort_button (window), "Name");
  wait_order (window, "c.mp4 b.mp4 a.mp4");
  choose_in_menu (window, sort_button (window), "Descending");
  wait_order (window, "a.mp4 b.mp4 c.mp4");
  {
    g_autofree char *sort = g_settings_get_string (settings, "sort-key");

    g_assert_cmpstr (sort, ==, "size");
    g_assert_false (g_settings_get_boolean (settings, "sort-descending"));
  }

  vs_test_ui_click (vs_test_ui_sidebar_row (window, "All Videos"), "1");
  wait_order (window, "b.mp4 a.mp4 c.mp4");
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Continue Watching"), "1");
  wait_order (window, "b.mp4 c.mp4 a.mp4");

  g_settings_reset (settings, "sort-key");
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = vs_test_make_tmpdir ();
  int status;

  /* A private thumbnail cache and trash, before GLib reads either. */
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gdk_set_allowed_backends ("x11");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window-filters/popover-chips", test_popover_chips);
  g_test_add_func ("/window-filters/played-view-sort", test_played_view_sort);

  status = g_test_run ();
  vs_test_rm_rf (home);
  return status;
}
