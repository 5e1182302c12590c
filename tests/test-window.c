/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window in a real display: it counts the library and shows an empty state. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "vs-player-window.h"
#include "vs-resources.h"
#include "vs-scanner.h"
#include "vs-sidebar.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-video-cell.h"
#include "vs-window.h"

static GtkStack *
window_stack (VsWindow *window)
{
  return GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), VS_TYPE_WINDOW, "stack"));
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("the window did not settle in time");
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until the window has loaded and finished scanning. */
static void
wait_settled (VsWindow *window)
{
  GtkStack *stack = window_stack (window);
  guint timeout = g_timeout_add_seconds (90, on_timeout, NULL);

  while (vs_window_get_scanning (window) ||
         g_str_equal (gtk_stack_get_visible_child_name (stack), "loading") ||
         (vs_window_get_model (window) != NULL &&
          vs_library_model_get_busy (vs_window_get_model (window))))
    g_main_context_iteration (NULL, TRUE);
  /* One more round for the count that follows a scan. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_source_remove (timeout);
}

static const char *
visible_page (VsWindow *window)
{
  return gtk_stack_get_visible_child_name (window_stack (window));
}

static void
test_counts_library (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *added = g_build_filename (lib, "new.mp4", NULL);
  VsWindow *window;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/f%u/clip%u.mp4", lib, i % 5, i);

      vs_test_write_file (path, "x", 1);
    }

  /* First start: the Videos folder is scanned and counted. */
  window = vs_test_ui_window_new (db, lib);
  gtk_window_present (GTK_WINDOW (window));
  wait_settled (window);
  g_assert_cmpint (vs_window_get_video_count (window), ==, 25);
  g_assert_cmpstr (visible_page (window), ==, "grid");
  gtk_window_destroy (GTK_WINDOW (window));

  /* Next start: the library's roots are rescanned; new files show up. */
  vs_test_write_file (added, "x", 1);
  window = vs_test_ui_window_new (db, NULL);
  gtk_window_present (GTK_WINDOW (window));
  wait_settled (window);
  g_assert_cmpint (vs_window_get_video_count (window), ==, 26);
  gtk_window_destroy (GTK_WINDOW (window));

  vs_test_rm_rf (dir);
}

/* The watch state the sidebar shows under root @path, or NULL. */
static char *
root_status (VsWindow   *window,
             const char *path)
{
  GtkWidget *sidebar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                  VS_TYPE_WINDOW, "sidebar"));
  GtkListView *view = GTK_LIST_VIEW (gtk_widget_get_template_child (sidebar, VS_TYPE_SIDEBAR,
                                                                    "list_view"));
  GListModel *rows = G_LIST_MODEL (gtk_list_view_get_model (view));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
      g_autofree char *item_path = NULL;
      char *status = NULL;

      g_object_get (item, "path", &item_path, "status", &status, NULL);
      if (g_strcmp0 (item_path, path) == 0)
        return status;
      g_free (status);
    }
  return NULL;
}

static gboolean
status_is (VsWindow   *window,
           const char *path,
           const char *expected)
{
  g_autofree char *status = root_status (window, path);

  return g_strcmp0 (status, expected) == 0;
}

static void
collect_cells (GtkWidget *widget,
               GPtrArray *cells)
{
  if (VS_IS_VIDEO_CELL (widget))
    g_ptr_array_add (cells, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cells (child, cells);
}

/* The grid's cell showing the video at @path, or NULL. */
static VsVideoCell *
cell_of (VsWindow   *window,
         const char *path)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();

  collect_cells (GTK_WIDGET (window), cells);
  for (guint i = 0; i < cells->len; i++)
    {
      VsVideo *video = vs_video_cell_get_video (g_ptr_array_index (cells, i));

      if (video != NULL && g_strcmp0 (vs_video_get_path (video), path) == 0)
        return g_ptr_array_index (cells, i);
    }
  return NULL;
}

static gboolean
has_player_window (void)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (VS_IS_PLAYER_WINDOW (window))
        return TRUE;
    }
  return FALSE;
}

/* A root that is gone at start does not stop the others' scan; the sidebar says which
 * is watched and which is unavailable, and new files appear without a rescan. */
static void
test_live_library (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *nas = g_build_filename (dir, "NAS", NULL);
  g_autofree char *nas_away = g_build_filename (dir, "NAS.unmounted", NULL);
  g_autofree char *db_path = g_build_filename (dir, "library.db", NULL);
  g_autofree char *later = g_build_filename (lib, "later.mp4", NULL);
  g_autofree char *fresh = g_build_filename (lib, "fresh.mp4", NULL);
  g_autoptr(GError) error = NULL;
  guint timeout;
  VsWindow *window;
  g_autofree char *a = g_build_filename (lib, "a.mp4", NULL);
  g_autofree char *film = g_build_filename (nas, "film.mkv", NULL);

  vs_test_write_file (a, "x", 1);
  vs_test_write_file (film, "x", 1);
  {
    g_autoptr(VsDatabase) db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
    g_autoptr(VsScanner) scanner = vs_scanner_new (db);

    g_assert_no_error (error);
    g_assert_true (vs_scanner_scan (scanner, (const char * const[]) { lib, nas, NULL }, NULL,
                                    NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (g_rename (nas, nas_away), ==, 0);
  vs_test_write_file (fresh, "x", 1);   /* only the start-up scan can find it */

  window = vs_test_ui_window_new (db_path, NULL);
  gtk_window_present (GTK_WINDOW (window));
  wait_settled (window);
  g_assert_cmpint (vs_window_get_video_count (window), ==, 3);

  timeout = g_timeout_add_seconds (90, on_timeout, NULL);
  while (!status_is (window, lib, "Watching for changes") ||
         !status_is (window, nas, "Unavailable"))
    g_main_context_iteration (NULL, TRUE);
  vs_test_write_file (later, "x", 1);
  while (vs_window_get_video_count (window) != 4)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);

  /* Its videos stay in the grid, dimmed; the others are not. */
  g_assert_nonnull (cell_of (window, film));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (cell_of (window, film)), "unavailable"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (cell_of (window, a)), "unavailable"));

  /* A video of the unavailable folder (film.mkv, second in name order) is not handed to
   * the player, which could only fail on it: the window says why instead. */
  g_signal_emit_by_name (vs_test_ui_window_grid (window), "activate", 1);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (has_player_window ());

  /* The folder is back: its cells are no longer dimmed. */
  g_assert_cmpint (g_rename (nas_away, nas), ==, 0);
  timeout = g_timeout_add_seconds (90, on_timeout, NULL);
  while (!status_is (window, nas, "Watching for changes") ||
         gtk_widget_has_css_class (GTK_WIDGET (cell_of (window, film)), "unavailable"))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static gboolean
all_thumbnails (GPtrArray *cells)
{
  for (guint i = 0; i < cells->len; i++)
    if (!vs_video_cell_has_thumbnail (g_ptr_array_index (cells, i)))
      return FALSE;
  return cells->len > 0;
}

/* A real library: the grid's cells carry the right titles and their thumbnails arrive. */
static void
test_grid_cells (void)
{
  static const char * const needed[] = { "x264enc", "mp4mux", "avenc_aac", NULL };
  static const char * const names[] = { "Alpha", "Bravo", "Charlie" };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  VsWindow *window;
  gint64 deadline;

  if (!vs_test_media_require (needed))
    return;
  g_mkdir (lib, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s.mp4", lib, names[i]);

      vs_test_media_mp4 (path, i == 0 ? "smpte" : i == 1 ? "ball" : "snow");
    }

  window = vs_test_ui_window_new (db, lib);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  wait_settled (window);
  g_assert_cmpint (vs_window_get_video_count (window), ==, 3);
  g_assert_cmpstr (visible_page (window), ==, "grid");

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  for (;;)
    {
      g_ptr_array_set_size (cells, 0);
      collect_cells (GTK_WIDGET (window), cells);
      if (all_thumbnails (cells) && cells->len == 3)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  /* Sorted by name: the cells show the three titles in order. */
  for (guint i = 0; i < cells->len; i++)
    {
      VsVideo *video = vs_video_cell_get_video (g_ptr_array_index (cells, i));
      g_autofree char *want = g_strdup_printf ("%s.mp4", names[i]);

      g_assert_cmpstr (vs_video_get_title (video), ==, want);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static guint
count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

/* GtkGridView keeps 30 rows of max-columns cells: the window keeps max-columns at what fits,
 * so no cell is made that could never be on screen, whatever the window's width. */
static void
test_columns_fit (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  static const int widths[] = { 1100, 600, 1400 };
  GtkGridView *grid;
  VsWindow *window;

  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/clip%03u.mp4", lib, i);

      vs_test_write_file (path, "x", 1);
    }
  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      GtkWidget *cell;
      int cell_width = 0;
      guint fit;

      /* a new window each time: a mapped one does not take a new default size */
      window = vs_test_ui_window_new (db, w == 0 ? lib : NULL);
      grid = vs_test_ui_window_grid (window);
      gtk_window_set_default_size (GTK_WINDOW (window), widths[w], 700);
      gtk_window_present (GTK_WINDOW (window));
      wait_settled (window);
      g_assert_cmpstr (visible_page (window), ==, "grid");

      cell = gtk_widget_get_first_child (GTK_WIDGET (grid));
      g_assert_nonnull (cell);
      gtk_widget_measure (cell, GTK_ORIENTATION_HORIZONTAL, -1, &cell_width, NULL, NULL, NULL);
      g_assert_cmpint (cell_width, >, 0);
      fit = MAX (1, gtk_widget_get_width (GTK_WIDGET (grid)) / cell_width);
      g_test_message ("width %d: %u columns", gtk_widget_get_width (GTK_WIDGET (grid)), fit);
      g_assert_cmpuint (gtk_grid_view_get_max_columns (grid), ==, fit);
      /* 30 rows and a few more, of the columns that fit (GTK 4.8 would make 6 × 30+ with
       * the template's max-columns) */
      g_assert_cmpuint (count_children (GTK_WIDGET (grid)), <=, 34 * fit);
      gtk_window_destroy (GTK_WINDOW (window));
    }
  vs_test_rm_rf (dir);
}

static void
test_empty_state (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  VsWindow *window;

  g_mkdir (lib, 0755);
  window = vs_test_ui_window_new (db, lib);
  gtk_window_present (GTK_WINDOW (window));
  wait_settled (window);
  g_assert_cmpint (vs_window_get_video_count (window), ==, 0);
  g_assert_cmpstr (visible_page (window), ==, "empty");
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static void
test_bad_database (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  VsWindow *window;

  vs_test_write_file (db, "definitely not SQLite", -1);
  before = vs_test_file_checksum (db);
  vs_test_allow_warnings ();
  window = vs_test_ui_window_new (db, dir);
  gtk_window_present (GTK_WINDOW (window));
  while (g_str_equal (visible_page (window), "loading"))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (visible_page (window), ==, "error");
  gtk_window_destroy (GTK_WINDOW (window));
  after = vs_test_file_checksum (db);
  g_assert_cmpstr (before, ==, after);
  vs_test_rm_rf (dir);
}

static gboolean
is_visible (GtkWidget *widget)
{
  return gtk_widget_get_visible (widget);
}

static GtkWidget *
progress_box (VsWindow *window)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), VS_TYPE_WINDOW,
                                                    "progress_box"));
}

static void
on_trashed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  VsTrash **trash = user_data;

  *trash = vs_library_trash_finish (VS_LIBRARY (object), result, NULL);
  g_assert_nonnull (*trash);
}

/* Two windows on one library, as New Window makes: a scan started in one shows in both,
 * a video trashed through the library leaves both grids, and nothing else changes. */
static void
test_two_windows (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *victim = g_build_filename (lib, "b", "clip3.mp4", NULL);
  g_autofree char *kept = g_build_filename (lib, "a", "clip0.mp4", NULL);
  g_autofree char *kept_sum = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *restored = NULL;
  g_autoptr(VsLibrary) library = vs_library_new (db, VS_LIBRARY_FLAGS_NONE);
  g_autoptr(VsTrash) trash = NULL;
  VsWindow *one, *two;
  guint timeout;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/clip%u.mp4", lib, i % 2 ? "b" : "a", i);

      vs_test_write_file (path, "x", 1);
    }
  kept_sum = vs_test_file_checksum (kept);
  before = vs_test_folder_digest (lib);
  vs_library_set_default_folder (library, lib);
  g_assert_true (vs_library_open (library, NULL));

  one = vs_window_new (NULL, library);
  gtk_window_present (GTK_WINDOW (one));
  wait_settled (one);
  two = vs_window_new (NULL, library);
  gtk_window_present (GTK_WINDOW (two));
  wait_settled (two);
  g_assert_true (vs_window_get_library (one) == vs_window_get_library (two));
  g_assert_cmpint (vs_window_get_video_count (one), ==, 6);
  g_assert_cmpint (vs_window_get_video_count (two), ==, 6);

  /* F5's action in the first: the second shows the scan too */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (one), "win.rescan", NULL));
  g_assert_true (vs_window_get_scanning (two));
  g_assert_true (is_visible (progress_box (two)));
  g_assert_true (is_visible (progress_box (one)));
  wait_settled (one);
  wait_settled (two);
  g_assert_false (is_visible (progress_box (two)));

  /* one trash, both grids */
  vs_library_trash_async (vs_window_get_library (one), victim, NULL, on_trashed, &trash);
  timeout = g_timeout_add_seconds (90, on_timeout, NULL);
  while (trash == NULL || vs_window_get_video_count (one) != 5 ||
         vs_window_get_video_count (two) != 5)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  g_assert_false (g_file_test (victim, G_FILE_TEST_EXISTS));
  {
    g_autofree char *sum = vs_test_file_checksum (kept);

    g_assert_cmpstr (sum, ==, kept_sum);
  }

  gtk_window_destroy (GTK_WINDOW (one));
  wait_settled (two);
  g_assert_cmpint (vs_window_get_video_count (two), ==, 5);
  gtk_window_destroy (GTK_WINDOW (two));
  /* only the trashed video changed: back from the trash, every file is as it was */
  after = vs_test_folder_digest (lib);
  g_assert_cmpstr (after, !=, before);
  g_assert_true (vs_trash_restore (trash, NULL, NULL));
  restored = vs_test_folder_digest (lib);
  g_assert_cmpstr (restored, ==, before);
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = vs_test_make_tmpdir ();
  int status;

  /* A private thumbnail cache, inherited by the media helpers. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window/counts-library", test_counts_library);
  g_test_add_func ("/window/empty-state", test_empty_state);
  g_test_add_func ("/window/grid-cells", test_grid_cells);
  g_test_add_func ("/window/columns-fit", test_columns_fit);
  g_test_add_func ("/window/bad-database", test_bad_database);
  g_test_add_func ("/window/live-library", test_live_library);
  g_test_add_func ("/window/two-windows", test_two_windows);

  status = g_test_run ();
  vs_test_rm_rf (cache);
  return status;
}
