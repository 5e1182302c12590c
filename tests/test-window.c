/* The window in a real display: it counts the library and shows an empty state. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "vs-resources.h"
#include "vs-scanner.h"
#include "vs-test-utils.h"
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
  guint timeout = g_timeout_add_seconds (30, on_timeout, NULL);

  while (vs_window_get_scanning (window) ||
         g_str_equal (gtk_stack_get_visible_child_name (stack), "loading"))
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
  window = vs_window_new (NULL, db, lib);
  gtk_window_present (GTK_WINDOW (window));
  wait_settled (window);
  g_assert_cmpint (vs_window_get_video_count (window), ==, 25);
  g_assert_cmpstr (visible_page (window), ==, "library");
  gtk_window_destroy (GTK_WINDOW (window));

  /* Next start: the library's roots are rescanned; new files show up. */
  vs_test_write_file (added, "x", 1);
  window = vs_window_new (NULL, db, NULL);
  gtk_window_present (GTK_WINDOW (window));
  wait_settled (window);
  g_assert_cmpint (vs_window_get_video_count (window), ==, 26);
  gtk_window_destroy (GTK_WINDOW (window));

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
  window = vs_window_new (NULL, db, lib);
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
  window = vs_window_new (NULL, db, dir);
  gtk_window_present (GTK_WINDOW (window));
  while (g_str_equal (visible_page (window), "loading"))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (visible_page (window), ==, "error");
  gtk_window_destroy (GTK_WINDOW (window));
  after = vs_test_file_checksum (db);
  g_assert_cmpstr (before, ==, after);
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window/counts-library", test_counts_library);
  g_test_add_func ("/window/empty-state", test_empty_state);
  g_test_add_func ("/window/bad-database", test_bad_database);

  return g_test_run ();
}
