/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sidebar's folder tree and the preferences' library folders, in a real display. */
#include "config.h"

#include <adwaita.h>

#include "vs-preferences-window-private.h"
#include "vs-scanner.h"
#include "vs-sidebar.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"

typedef struct
{
  char       *dir;
  char       *lib;      /* the root */
  char       *db;
  VsDatabase *writer;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static const char * const files[] = {
    "Alpha/one.mp4", "Alpha/Deeper/two.mkv", "Bravo/three.webm", "top.mp4",
  };
  g_autoptr(VsScanner) scanner = NULL;
  g_autoptr(GError) error = NULL;
  VsScanSummary summary;

  f->dir = vs_test_make_tmpdir ();
  f->lib = g_build_filename (f->dir, "Videos", NULL);
  f->db = g_build_filename (f->dir, "library.db", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (f->lib, files[i], NULL);

      vs_test_write_file (path, "x", 1);
    }

  f->writer = vs_database_open (f->db, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  scanner = vs_scanner_new (f->writer);
  vs_scanner_scan (scanner, (const char * const[]) { f->lib, NULL }, &summary,
                   NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary.added, ==, G_N_ELEMENTS (files));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->writer);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->lib);
  g_free (f->db);
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

static GtkSingleSelection *
sidebar_selection (VsSidebar *sidebar)
{
  GtkListView *view = GTK_LIST_VIEW (gtk_widget_get_template_child (GTK_WIDGET (sidebar),
                                                                     VS_TYPE_SIDEBAR,
                                                                     "list_view"));

  return GTK_SINGLE_SELECTION (gtk_list_view_get_model (view));
}

static GtkTreeListModel *
sidebar_tree (VsSidebar *sidebar)
{
  return GTK_TREE_LIST_MODEL (gtk_single_selection_get_model (sidebar_selection (sidebar)));
}

/* The position of the row showing @path, or -1. */
static int
find_row (VsSidebar  *sidebar,
          const char *path)
{
  GtkTreeListModel *tree = sidebar_tree (sidebar);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (tree, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
      g_autofree char *item_path = NULL;

      g_object_get (item, "path", &item_path, NULL);
      if (g_strcmp0 (item_path, path) == 0)
        return i;
    }
  return -1;
}

static int
wait_for_row (VsSidebar  *sidebar,
              const char *path)
{
  guint timeout = g_timeout_add_seconds (20, on_timeout, (gpointer) path);
  int position;

  while ((position = find_row (sidebar, path)) < 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  return position;
}

static char *
row_status (VsSidebar *sidebar,
            int        position)
{
  g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (sidebar_tree (sidebar), position);
  g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
  char *status = NULL;

  g_object_get (item, "status", &status, NULL);
  return status;
}

/* The text of the visible status line in the list, after a frame. */
static const char *
shown_status (VsSidebar *sidebar)
{
  GtkWidget *view = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (sidebar),
                                                               VS_TYPE_SIDEBAR, "list_view"));
  GtkWidget *found = NULL;
  GtkWidget *w = view;

  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* depth-first: the first visible caption label */
  while (w != NULL && found == NULL)
    {
      if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "caption") &&
          gtk_widget_get_visible (w))
        found = w;
      else if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != view && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w == view ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
  return found != NULL ? gtk_label_get_label (GTK_LABEL (found)) : NULL;
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_sidebar_tree (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsDatabase) reader = NULL;
  g_autofree char *alpha = g_build_filename (f->lib, "Alpha", NULL);
  g_autofree char *deeper = g_build_filename (alpha, "Deeper", NULL);
  g_autofree char *bravo = g_build_filename (f->lib, "Bravo", NULL);
  g_autoptr(GtkTreeListRow) root_row = NULL;
  GtkWindow *window;
  VsSidebar *sidebar;
  guint folder_notifies = 0;
  guint view_notifies = 0;
  g_autofree char *status = NULL;
  gboolean recursive;
  int position;

  reader = vs_database_open (f->db, VS_DATABASE_MODE_READER, &error);
  g_assert_no_error (error);

  window = GTK_WINDOW (gtk_window_new ());
  sidebar = vs_sidebar_new ();
  gtk_window_set_child (window, GTK_WIDGET (sidebar));
  gtk_window_set_default_size (window, 260, 400);
  gtk_window_present (window);
  g_signal_connect (sidebar, "notify::folder", G_CALLBACK (on_notify), &folder_notifies);

  /* All Videos is there and selected before any library. */
  g_assert_null (vs_sidebar_get_folder (sidebar));
  g_assert_cmpint (find_row (sidebar, NULL), ==, 0);
  g_assert_cmpuint (gtk_single_selection_get_selected (sidebar_selection (sidebar)), ==, 0);
  g_assert_true (vs_sidebar_get_recursive (sidebar));

  /* The root arrives from the thread, collapsed, after the fixed rows (All Videos, HLS
   * Downloads, Continue Watching, Recently Played, Statistics). */
  vs_sidebar_set_database (sidebar, reader);
  position = wait_for_row (sidebar, f->lib);
  g_assert_cmpint (position, ==, 6);
  g_assert_cmpint (find_row (sidebar, alpha), ==, -1);

  /* A root's watch state shows under its name, and follows changes. */
  vs_sidebar_set_root_status (sidebar, f->lib, "Checked every 5 minutes");
  status = row_status (sidebar, position);
  g_assert_cmpstr (status, ==, "Checked every 5 minutes");
  g_clear_pointer (&status, g_free);
  vs_sidebar_set_root_status (sidebar, f->lib, "Unavailable");
  status = row_status (sidebar, position);
  g_assert_cmpstr (status, ==, "Unavailable");
  g_assert_cmpstr (shown_status (sidebar), ==, "Unavailable");

  /* Expanding loads the children lazily. */
  root_row = gtk_tree_list_model_get_row (sidebar_tree (sidebar), position);
  g_assert_true (gtk_tree_list_row_is_expandable (root_row));
  gtk_tree_list_row_set_expanded (root_row, TRUE);
  position = wait_for_row (sidebar, alpha);
  g_assert_cmpint (find_row (sidebar, bravo), ==, position + 1);  /* sorted by name */
  g_assert_cmpint (find_row (sidebar, deeper), ==, -1);

  /* Selecting a folder changes the folder property. */
  gtk_single_selection_set_selected (sidebar_selection (sidebar), position);
  g_assert_cmpstr (vs_sidebar_get_folder (sidebar), ==, alpha);
  g_assert_cmpuint (folder_notifies, ==, 1);

  /* The switch and the property follow each other. */
  vs_sidebar_set_recursive (sidebar, FALSE);
  g_object_get (sidebar, "recursive", &recursive, NULL);
  g_assert_false (recursive);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (
      gtk_widget_get_template_child (GTK_WIDGET (sidebar), VS_TYPE_SIDEBAR, "recursive_switch"))));
  g_object_set (sidebar, "recursive", TRUE, NULL);
  g_assert_true (vs_sidebar_get_recursive (sidebar));

  /* A reload keeps the expanded root and the selected folder, without a notify. */
  vs_sidebar_reload (sidebar);
  position = wait_for_row (sidebar, alpha);
  while (gtk_single_selection_get_selected (sidebar_selection (sidebar)) != (guint) position)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (vs_sidebar_get_folder (sidebar), ==, alpha);
  g_assert_cmpuint (folder_notifies, ==, 1);

  /* Collapsing the root over the selection selects the root. */
  g_clear_object (&root_row);
  root_row = gtk_tree_list_model_get_row (sidebar_tree (sidebar), find_row (sidebar, f->lib));
  gtk_tree_list_row_set_expanded (root_row, FALSE);
  g_assert_cmpstr (vs_sidebar_get_folder (sidebar), ==, f->lib);

  /* HLS Downloads: no folder, only HLS items; All Videos: no folder, everything. */
  gtk_single_selection_set_selected (sidebar_selection (sidebar), 1);
  g_assert_null (vs_sidebar_get_folder (sidebar));
  g_assert_true (vs_sidebar_get_hls_only (sidebar));
  g_assert_cmpuint (folder_notifies, ==, 3);
  g_assert_cmpuint (vs_sidebar_get_view (sidebar), ==, VS_SIDEBAR_VIEW_HLS);
  /* Continue Watching and Recently Played: no folder either, each a view of its own */
  gtk_single_selection_set_selected (sidebar_selection (sidebar), 2);
  g_assert_null (vs_sidebar_get_folder (sidebar));
  g_assert_false (vs_sidebar_get_hls_only (sidebar));
  g_assert_cmpuint (vs_sidebar_get_view (sidebar), ==, VS_SIDEBAR_VIEW_CONTINUE);
  gtk_single_selection_set_selected (sidebar_selection (sidebar), 3);
  g_assert_cmpuint (vs_sidebar_get_view (sidebar), ==, VS_SIDEBAR_VIEW_RECENT);
  /* and it stays selected across a reload, without a moment of All Videos */
  g_signal_connect (sidebar, "notify::view", G_CALLBACK (on_notify), &view_notifies);
  vs_sidebar_reload (sidebar);
  wait_for_row (sidebar, f->lib);
  g_assert_cmpuint (view_notifies, ==, 0);
  g_assert_cmpuint (gtk_single_selection_get_selected (sidebar_selection (sidebar)), ==, 3);
  g_assert_cmpuint (vs_sidebar_get_view (sidebar), ==, VS_SIDEBAR_VIEW_RECENT);
  g_assert_cmpuint (folder_notifies, ==, 3);
  gtk_single_selection_set_selected (sidebar_selection (sidebar), 0);
  g_assert_cmpuint (vs_sidebar_get_view (sidebar), ==, VS_SIDEBAR_VIEW_FOLDER);
  g_assert_null (vs_sidebar_get_folder (sidebar));
  g_assert_false (vs_sidebar_get_hls_only (sidebar));
  g_assert_cmpuint (folder_notifies, ==, 3);

  gtk_window_destroy (window);
}

static void
on_library_changed (VsLibrary *library,
                    guint      what,
                    guint     *count)
{
  if ((what & VS_LIBRARY_CHANGE_ROOTS) != 0)
    (*count)++;
}

/* The library the preferences borrow, on the fixture's database. */
static VsLibrary *
open_library (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  VsLibrary *library = vs_library_new (f->db, VS_LIBRARY_FLAGS_NONE);

  g_assert_true (vs_library_open (library, &error));
  g_assert_no_error (error);
  return library;
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += ADW_IS_ACTION_ROW (child);
  return n;
}

static void
test_preferences_remove_root (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (f->lib, "Alpha", "Deeper", "two.mkv", NULL);
  g_auto(GStrv) roots = NULL;
  g_autoptr(VsLibrary) library = open_library (f);
  VsPreferencesWindow *window;
  GtkListBox *list;
  guint changed = 0;
  guint timeout;

  window = vs_preferences_window_new (NULL, library);
  list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                      VS_TYPE_PREFERENCES_WINDOW, "roots_list"));
  g_signal_connect (library, "changed", G_CALLBACK (on_library_changed), &changed);
  gtk_window_present (GTK_WINDOW (window));

  timeout = g_timeout_add_seconds (20, on_timeout, (gpointer) "the root rows");
  while (count_rows (list) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  g_assert_cmpuint (count_rows (list), ==, 1);

  _vs_preferences_window_remove_root_now (window, f->lib);
  timeout = g_timeout_add_seconds (20, on_timeout, (gpointer) "library-changed");
  while (changed == 0 || count_rows (list) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  g_assert_cmpuint (changed, ==, 1);

  roots = vs_database_dup_roots (f->writer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (roots), ==, 0);
  /* Only the index changed: the files are still there. */
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_preferences_settings (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(VsLibrary) library = open_library (f);
  VsPreferencesWindow *window = vs_preferences_window_new (NULL, library);
  GtkSpinButton *workers = GTK_SPIN_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                           VS_TYPE_PREFERENCES_WINDOW,
                                                                           "workers_spin"));
  GtkSpinButton *cache = GTK_SPIN_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                         VS_TYPE_PREFERENCES_WINDOW,
                                                                         "cache_spin"));

  gtk_window_present (GTK_WINDOW (window));
  /* 0 is shown as Automatic. */
  g_assert_cmpuint (g_settings_get_uint (settings, "workers"), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (workers)), ==, "Automatic");
  gtk_spin_button_set_value (workers, 3);
  g_assert_cmpuint (g_settings_get_uint (settings, "workers"), ==, 3);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (workers)), ==, "3");
  gtk_spin_button_set_value (workers, 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "workers"), ==, 0);

  g_assert_cmpint (gtk_spin_button_get_value_as_int (cache), ==, 64);
  g_settings_set_uint (settings, "texture-cache-mb", 256);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (cache), ==, 256);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  Fixture       *f;
  VsLibraryRoot *root;
  gboolean       shared;
} ShareWait;

/* The index and the library's root both say @shared. */
static gboolean
share_is (gpointer data)
{
  ShareWait *w = data;
  g_auto(GStrv) shared = vs_database_dup_shared_roots (w->f->writer, NULL);
  gboolean in_index = shared != NULL && g_strv_contains ((const char * const *) shared, w->f->lib);

  return in_index == w->shared && vs_library_root_get_share_previews (w->root) == w->shared;
}

static gboolean
count_positive (gpointer data)
{
  return *(guint *) data > 0;
}

static gboolean
has_switch (gpointer data)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (data), GTK_TYPE_SWITCH, found);
  return found->len == 1 && gtk_widget_get_mapped (g_ptr_array_index (found, 0));
}

/* The folder's switch, clicked: the index says its previews are shared, and the
 * library's root too; clicked again: not any more. */
static void
test_preferences_share (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(VsLibrary) library = open_library (f);
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();
  g_autoptr(VsLibraryRoot) root = NULL;
  VsPreferencesWindow *window;
  GtkWidget *list;
  GtkSwitch *share;
  ShareWait wait = { f, NULL, FALSE };
  guint changed = 0;

  if (!vs_test_ui_have_xdotool ())
    return;
  window = vs_preferences_window_new (NULL, library);
  list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                   VS_TYPE_PREFERENCES_WINDOW, "share_list"));
  g_signal_connect (library, "changed", G_CALLBACK (on_library_changed), &changed);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (has_switch, list, "the folder's sharing switch");
  vs_test_ui_collect (list, GTK_TYPE_SWITCH, switches);
  share = g_ptr_array_index (switches, 0);
  root = g_list_model_get_item (vs_library_get_roots (library), 0);
  wait.root = root;
  g_assert_false (gtk_switch_get_active (share));
  g_assert_true (share_is (&wait));

  vs_test_ui_click (GTK_WIDGET (share), "1");
  wait.shared = TRUE;
  vs_test_ui_wait_for (share_is, &wait, "the folder's previews shared");
  g_assert_true (gtk_switch_get_active (share));
  /* views hear of it through ::changed (queued, coalesced) */
  vs_test_ui_wait_for (count_positive, &changed, "the library's roots-changed");

  vs_test_ui_click (GTK_WIDGET (share), "1");
  wait.shared = FALSE;
  vs_test_ui_wait_for (share_is, &wait, "the folder's previews not shared");
  g_assert_false (gtk_switch_get_active (share));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  /* The "Automatic" label is compared untranslated. */
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/sidebar/tree", Fixture, NULL,
              fixture_setup, test_sidebar_tree, fixture_teardown);
  g_test_add ("/preferences/remove-root", Fixture, NULL,
              fixture_setup, test_preferences_remove_root, fixture_teardown);
  g_test_add ("/preferences/share-previews", Fixture, NULL,
              fixture_setup, test_preferences_share, fixture_teardown);
  g_test_add ("/preferences/settings", Fixture, NULL,
              fixture_setup, test_preferences_settings, fixture_teardown);

  return g_test_run ();
}
