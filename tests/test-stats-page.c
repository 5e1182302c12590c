/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Statistics page driven as a user drives it, with real X input (XTEST, through
 * xdotool): its sidebar row, its figures against the library, a codec bar clicked to the
 * grid of exactly that codec's videos, and the bars reached with Tab and taken with
 * Enter. */
#include "config.h"

#include <adwaita.h>

#include <glib/gstdio.h>
#include <string.h>

#include "vs-library-stats.h"
#include "vs-stats-page.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-window-private.h"

static VsWindow *
open_window (const char *dir,
             const char *lib)
{
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  VsWindow *window = vs_test_ui_window_new (db, lib);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library to settle");
  return window;
}

/* The page shows figures with every file probed (the probes end after the scan). */
static gboolean
page_probed (gpointer data)
{
  VsWindow *window = data;
  const VsLibraryStats *stats = vs_stats_page_get_stats (window->stats_page);

  return stats != NULL && stats->n_unprobed == 0 && stats->n_videos == 4 &&
         g_str_equal (gtk_stack_get_visible_child_name (window->stack), "statistics") &&
         gtk_widget_get_mapped (GTK_WIDGET (vs_stats_page_get_chart (window->stats_page,
                                                                     VS_STATS_BY_CODEC)));
}

static gboolean
showing_grid (gpointer data)
{
  VsWindow *window = data;

  return g_str_equal (gtk_stack_get_visible_child_name (window->stack), "grid");
}

/* The bar of @chart whose label reads @label. */
static GtkWidget *
bar_labelled (VsBarChart *chart,
              const char *label)
{
  for (guint i = 0; i < vs_bar_chart_get_n_bars (chart); i++)
    {
      GtkWidget *bar = vs_bar_chart_get_bar (chart, i);
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();

      vs_test_ui_collect (bar, GTK_TYPE_LABEL, labels);
      if (g_str_equal (gtk_label_get_text (g_ptr_array_index (labels, 0)), label))
        return bar;
    }
  return NULL;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static char *
sorted_grid_names (VsWindow *window)
{
  GListModel *model = G_LIST_MODEL (vs_window_get_model (window));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VsVideo) video = g_list_model_get_item (model, i);

      g_ptr_array_add (names, g_path_get_basename (vs_video_get_path (video)));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

static gboolean
focus_in_codec_chart (gpointer data)
{
  VsWindow *window = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  GtkWidget *chart = GTK_WIDGET (vs_stats_page_get_chart (window->stats_page,
                                                          VS_STATS_BY_CODEC));

  return focus != NULL && gtk_widget_is_ancestor (focus, chart);
}

static void
test_page (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *a = g_build_filename (lib, "a clip.mp4", NULL);
  g_autofree char *b = g_build_filename (lib, "Trips", "b clip.mp4", NULL);
  g_autofree char *w = g_build_filename (lib, "ball.webm", NULL);
  g_autofree char *broken = g_build_filename (lib, "broken.mp4", NULL);
  g_autofree char *size_text = NULL;
  g_autofree char *names = NULL;
  g_autofree VsVideoQuery *shown = NULL;
  const VsLibraryStats *stats;
  const VsStatsGroup *groups;
  VsBarChart *codecs;
  GtkWidget *h264_bar = NULL;
  const char *h264 = NULL;
  gint64 total = 0;
  guint n_groups;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  if (!vs_test_media_require ((const char *[]) { "x264enc", "vp8enc", "webmmux", NULL }))
    return;
  g_assert_cmpint (g_mkdir_with_parents (lib, 0755), ==, 0);
  {
    g_autofree char *trips = g_path_get_dirname (b);

    g_assert_cmpint (g_mkdir_with_parents (trips, 0755), ==, 0);
  }
  vs_test_media_clip (a, 2);
  vs_test_media_mp4 (b, "ball");
  vs_test_media_webm (w);
  vs_test_write_file (broken, "not a video", -1);
  {
    const char *paths[] = { a, b, w, broken };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        GStatBuf st;

        g_assert_cmpint (g_stat (paths[i], &st), ==, 0);
        total += st.st_size;
      }
  }

  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 4);

  /* the row, clicked: the page, its figures once the probes are in */
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Statistics"), "1");
  vs_test_ui_wait_for (page_probed, window, "the statistics of the probed library");
  g_assert_cmpuint (vs_sidebar_get_view (window->sidebar), ==, VS_SIDEBAR_VIEW_STATISTICS);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Statistics — Vidshelf");
  /* the grid's controls are gone while the figures show */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->filter_button)));
  g_assert_false (gtk_widget_get_visible (window->sort_button));
  g_assert_false (gtk_widget_get_visible (window->view_mode_box));
  stats = vs_stats_page_get_stats (window->stats_page);
  g_assert_cmpint (stats->bytes, ==, total);
  g_assert_cmpint (stats->n_broken, ==, 1);
  g_assert_cmpstr (vs_stats_page_get_headline (window->stats_page, 0), ==, "4");
  size_text = g_format_size (total);
  g_assert_cmpstr (vs_stats_page_get_headline (window->stats_page, 1), ==, size_text);
  /* 2 s + 2 s + 2 s; the broken file has none */
  g_assert_cmpstr (vs_stats_page_get_headline (window->stats_page, 2), ==, "0:06");

  /* one bar a codec: H.264 twice, VP8, and the broken file's unknown one, not a link */
  codecs = vs_stats_page_get_chart (window->stats_page, VS_STATS_BY_CODEC);
  groups = vs_library_stats_get_groups (stats, VS_STATS_BY_CODEC, &n_groups);
  g_assert_cmpuint (n_groups, ==, 3);
  g_assert_cmpuint (vs_bar_chart_get_n_bars (codecs), ==, 3);
  for (guint i = 0; i < n_groups; i++)
    if (groups[i].key != NULL && g_str_has_prefix (groups[i].key, "H.264"))
      {
        h264 = groups[i].key;
        g_assert_cmpint (groups[i].n_videos, ==, 2);
        h264_bar = bar_labelled (codecs, h264);
      }
  g_assert_nonnull (h264_bar);
  g_assert_true (GTK_IS_BUTTON (h264_bar));
  g_assert_true (gtk_widget_get_sensitive (h264_bar));
  g_assert_false (GTK_IS_BUTTON (vs_bar_chart_get_bar (codecs, 2)));   /* unknown: last */

  /* a real click on the H.264 bar: All Videos, filtered to exactly those two */
  vs_test_ui_click (h264_bar, "1");
  vs_test_ui_wait_for (showing_grid, window, "the grid");
  vs_test_ui_wait_count (window, 2);
  g_assert_cmpuint (vs_sidebar_get_view (window->sidebar), ==, VS_SIDEBAR_VIEW_FOLDER);
  g_assert_null (vs_sidebar_get_folder (window->sidebar));
  shown = _vs_window_dup_query (window);
  g_assert_cmpstr (shown->video_codec, ==, h264);
  /* the filter shows, as a chip, with the grid's controls back */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->filter_button)));
  g_assert_true (gtk_revealer_get_reveal_child (window->filter_bar));
  names = sorted_grid_names (window);
  g_assert_cmpstr (names, ==, "a clip.mp4|b clip.mp4");

  /* back to the page: the bars are reached with Tab, and Enter takes one */
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Statistics"), "1");
  vs_test_ui_wait_for (page_probed, window, "the statistics again");
  gtk_widget_grab_focus (GTK_WIDGET (window->stats_page));
  for (guint i = 0; i < 40 && !focus_in_codec_chart (window); i++)
    {
      vs_test_ui_xdotool ("key", "Tab", NULL);
      vs_test_ui_spin (50);
    }
  g_assert_true (focus_in_codec_chart (window));
  vs_test_ui_xdotool ("key", "Return", NULL);
  vs_test_ui_wait_for (showing_grid, window, "the grid, from the keyboard");
  g_clear_pointer (&shown, g_free);
  shown = _vs_window_dup_query (window);
  g_assert_true (vs_video_query_has_filters (shown));

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static gboolean
page_loaded (gpointer data)
{
  VsWindow *window = data;

  return vs_stats_page_get_n_loads (window->stats_page) > 0 &&
         g_str_equal (gtk_stack_get_visible_child_name (window->stack), "statistics");
}

/* Open, scanned, and its root in the sidebar (the rows are made again when it comes). */
static gboolean
library_idle (gpointer data)
{
  VsWindow *window = data;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  gboolean has_root = FALSE;

  vs_test_ui_collect (GTK_WIDGET (window->sidebar), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    has_root |= g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), "Videos") == 0;
  return has_root && vs_library_get_state (window->library) == VS_LIBRARY_STATE_READY &&
         !vs_library_get_scanning (window->library);
}

/* An empty library: the page says so, with a status page rather than charts of nothing. */
static void
test_empty (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  GtkStack *page_stack;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  g_assert_cmpint (g_mkdir_with_parents (lib, 0755), ==, 0);
  {
    g_autofree char *db = g_build_filename (dir, "library.db", NULL);

    window = vs_test_ui_window_new (db, lib);
    gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
    gtk_window_present (GTK_WINDOW (window));
    vs_test_ui_wait_for (library_idle, window, "the empty library to open");
    vs_test_ui_spin (300);
  }
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "Statistics"), "1");
  vs_test_ui_wait_for (page_loaded, window, "the statistics of an empty library");
  page_stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window->stats_page),
                                                         VS_TYPE_STATS_PAGE, "stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (page_stack), ==, "empty");
  g_assert_cmpint (vs_stats_page_get_stats (window->stats_page)->n_videos, ==, 0);

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

  g_test_add_func ("/stats-page/click-through", test_page);
  g_test_add_func ("/stats-page/empty", test_empty);

  status = g_test_run ();
  vs_test_rm_rf (home);
  return status;
}
