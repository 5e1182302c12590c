/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The library watcher on a temporary library: index and model after the debounce. */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vs-folder-monitors.h"
#include "vs-library-model.h"
#include "vs-library-watcher.h"
#include "vs-filmstrip.h"
#include "vs-test-utils.h"
#include "vs-thumbnailer.h"

#define WAIT_SECONDS 60

typedef struct
{
  char             *dir;
  char             *lib;
  VsDatabase       *db;
  VsDatabase       *reader;
  VsLibraryWatcher *watcher;
  VsLibraryModel   *model;
  GHashTable       *rescans;     /* folder → times rescanned */
  GPtrArray        *states;      /* "root-state" strings, in order */
  GPtrArray        *settled;
  guint             changed[3];  /* the model's last items-changed: position, removed, added */
  guint             n_changed;
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  f->changed[0] = position;
  f->changed[1] = removed;
  f->changed[2] = added;
  f->n_changed++;
}

static void
on_rescanned (VsLibraryWatcher *watcher,
              const char       *folder,
              Fixture          *f)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (f->rescans, folder));

  g_hash_table_replace (f->rescans, g_strdup (folder), GUINT_TO_POINTER (n + 1));
}

static void
on_state (VsLibraryWatcher *watcher,
          const char       *root,
          int               state,
          Fixture          *f)
{
  g_ptr_array_add (f->states, g_strdup (vs_root_state_to_string (state)));
}

static void
on_settled (VsLibraryWatcher *watcher,
            const char       *path,
            Fixture          *f)
{
  g_ptr_array_add (f->settled, g_path_get_basename (path));
}

static void
on_batch (VsLibraryWatcher *watcher,
          guint             n_changes,
          Fixture          *f)
{
  vs_library_model_refresh (f->model);
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
too_late (gpointer data)
{
  g_error ("Timed out waiting for %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

/* Iterates until @check holds with nothing left to do; fails after a minute. */
#define WAIT_FOR(f, check)                                                          \
  G_STMT_START {                                                                    \
    guint tick_id = g_timeout_add (20, tick, NULL);                                 \
    guint late_id = g_timeout_add_seconds (WAIT_SECONDS, too_late, (gpointer) #check); \
    while (!((check) && !vs_library_watcher_get_busy ((f)->watcher) &&              \
             !vs_library_model_get_busy ((f)->model)))                              \
      g_main_context_iteration (NULL, TRUE);                                        \
    g_source_remove (tick_id);                                                      \
    g_source_remove (late_id);                                                      \
  } G_STMT_END

static char *
lib_path (Fixture    *f,
          const char *relative)
{
  return g_build_filename (f->lib, relative, NULL);
}

static void
touch (Fixture    *f,
       const char *relative,
       const char *contents)
{
  g_autofree char *path = lib_path (f, relative);

  vs_test_write_file (path, contents, -1);
}

static char *
listing (Fixture *f)
{
  return vs_test_listing (f->db, f->lib);
}

static gboolean
listing_is (Fixture    *f,
            const char *expected)
{
  g_autofree char *names = listing (f);

  return g_str_equal (names, expected);
}

static VsVideoRecord *
lookup (Fixture    *f,
        const char *relative)
{
  g_autofree char *path = lib_path (f, relative);

  return vs_database_lookup_video (f->db, path, NULL);
}

static gint64
size_of (Fixture    *f,
         const char *relative)
{
  g_autoptr(VsVideoRecord) record = lookup (f, relative);

  return record != NULL ? record->size : -1;
}

static gint64
duration_of (Fixture    *f,
             const char *relative)
{
  g_autoptr(VsVideoRecord) record = lookup (f, relative);

  return record != NULL ? record->duration_ms : -1;
}

static guint
n_model (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (f->model));
}

static void
start (Fixture *f,
       guint    budget)
{
  const char *roots[] = { f->lib, NULL };
  g_autoptr(VsScanner) scanner = vs_scanner_new (f->db);
  g_autoptr(GError) error = NULL;

  g_assert_true (vs_scanner_scan (scanner, roots, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  vs_library_model_set_query (f->model, &(VsVideoQuery) { 0 });
  if (budget > 0)
    g_object_set (f->watcher, "watch-budget", budget, NULL);
  vs_library_watcher_add_root (f->watcher, f->lib);
  WAIT_FOR (f, vs_library_watcher_get_root_state (f->watcher, f->lib) != VS_ROOT_STATE_STARTING);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;

  vs_test_allow_warnings ();
  f->dir = vs_test_make_tmpdir ();
  f->lib = g_build_filename (f->dir, "lib", NULL);
  g_assert_cmpint (g_mkdir (f->lib, 0755), ==, 0);
  db_path = g_build_filename (f->dir, "library.db", NULL);
  f->db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  f->reader = vs_database_open (db_path, VS_DATABASE_MODE_READER, &error);
  g_assert_no_error (error);
  f->model = vs_library_model_new (f->reader);
  g_signal_connect (f->model, "items-changed", G_CALLBACK (on_items_changed), f);
  f->watcher = vs_library_watcher_new (f->db);
  g_object_set (f->watcher, "debounce-ms", 50, "settle-ms", 100, "poll-interval", 1, NULL);
  f->rescans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->states = g_ptr_array_new_with_free_func (g_free);
  f->settled = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->watcher, "folder-rescanned", G_CALLBACK (on_rescanned), f);
  g_signal_connect (f->watcher, "root-state-changed", G_CALLBACK (on_state), f);
  g_signal_connect (f->watcher, "settled", G_CALLBACK (on_settled), f);
  g_signal_connect (f->watcher, "batch-done", G_CALLBACK (on_batch), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->watcher, f);
  g_clear_object (&f->watcher);
  g_clear_object (&f->model);
  /* a last batch may still hold the writer */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->reader);
  g_clear_object (&f->db);
  g_clear_pointer (&f->rescans, g_hash_table_unref);
  g_clear_pointer (&f->states, g_ptr_array_unref);
  g_clear_pointer (&f->settled, g_ptr_array_unref);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->lib);
}

static void
test_files (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(VsVideoRecord) before = NULL;
  g_autoptr(VsVideoRecord) after = NULL;
  g_autofree char *a = lib_path (f, "a.mp4");

  touch (f, "old.mkv", "1");
  start (f, 0);
  g_assert_cmpstr (vs_root_state_to_string (vs_library_watcher_get_root_state (f->watcher, f->lib)),
                   ==, "watching");
  g_assert_cmpuint (n_model (f), ==, 1);

  touch (f, "a.mp4", "1");
  touch (f, "notes.txt", "not a video");
  f->n_changed = 0;
  WAIT_FOR (f, listing_is (f, "a.mp4|old.mkv") && n_model (f) == 2);
  /* the smallest change: one row inserted before old.mkv */
  g_assert_cmpuint (f->n_changed, ==, 1);
  g_assert_cmpuint (f->changed[0], ==, 0);
  g_assert_cmpuint (f->changed[1], ==, 0);
  g_assert_cmpuint (f->changed[2], ==, 1);
  WAIT_FOR (f, f->settled->len == 1);
  g_assert_cmpstr (g_ptr_array_index (f->settled, 0), ==, "a.mp4");

  /* Growing: the same row, a new size. */
  before = lookup (f, "a.mp4");
  touch (f, "a.mp4", "12345");
  WAIT_FOR (f, size_of (f, "a.mp4") == 5);
  after = lookup (f, "a.mp4");
  g_assert_cmpint (after->id, ==, before->id);

  g_assert_cmpint (g_unlink (a), ==, 0);
  f->n_changed = 0;
  WAIT_FOR (f, listing_is (f, "old.mkv") && n_model (f) == 1);
  g_assert_cmpuint (f->n_changed, ==, 1);
  g_assert_cmpuint (f->changed[0], ==, 0);
  g_assert_cmpuint (f->changed[1], ==, 1);
  g_assert_cmpuint (f->changed[2], ==, 0);
}

static void
test_folders (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *sub = lib_path (f, "sub");
  guint monitors;

  start (f, 0);
  monitors = vs_library_watcher_get_n_monitors (f->watcher);
  g_assert_cmpuint (monitors, ==, 2);   /* the root folder, and the root from its parent */

  /* A new tree is walked whole, and each new folder watched at once. */
  touch (f, "sub/deep/x.mp4", "1");
  WAIT_FOR (f, listing_is (f, "sub/deep/x.mp4"));
  WAIT_FOR (f, vs_library_watcher_get_n_monitors (f->watcher) == monitors + 2);
  touch (f, "sub/deep/y.webm", "1");
  WAIT_FOR (f, listing_is (f, "sub/deep/x.mp4|sub/deep/y.webm") && n_model (f) == 2);

  vs_test_rm_rf (sub);
  WAIT_FOR (f, listing_is (f, "") && n_model (f) == 0);
  WAIT_FOR (f, vs_library_watcher_get_n_monitors (f->watcher) == monitors);
  g_assert_cmpint (vs_database_lookup_folder (f->db, sub, NULL), ==, 0);
}

static void
test_rename_move (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *a = lib_path (f, "a.mp4");
  g_autofree char *b = lib_path (f, "b.mp4");
  g_autofree char *moved = lib_path (f, "other/b.mp4");
  g_autofree char *dir = lib_path (f, "other");
  g_autofree char *dir2 = lib_path (f, "renamed");

  g_autofree char *show = lib_path (f, "show");
  g_autofree char *show2 = lib_path (f, "renamed/Show Two");
  g_autoptr(VsVideoRecord) first = NULL;
  g_autoptr(VsVideoRecord) hls = NULL;
  g_autoptr(VsVideoRecord) r = NULL;
  g_autoptr(GError) error = NULL;

  touch (f, "a.mp4", "1");
  touch (f, "other/keep.mkv", "1");
  vs_test_make_hls (show, "index.m3u8", 2, "10.0", TRUE);
  start (f, 0);
  first = lookup (f, "a.mp4");
  hls = lookup (f, "show/index.m3u8");
  /* what a user's work on the row looks like: a thumbnail state, a viewing */
  g_assert_true (vs_database_set_thumb_state (f->db, first->id, VS_MEDIA_STATE_DONE, &error));
  g_assert_true (vs_database_record_play (f->db, a, 97000, 100000, &error));
  g_assert_no_error (error);

  /* Renamed, moved, its folder renamed: the same row throughout. */
  g_assert_cmpint (g_rename (a, b), ==, 0);
  WAIT_FOR (f, listing_is (f, "b.mp4|other/keep.mkv|show/index.m3u8"));
  r = lookup (f, "b.mp4");
  g_assert_cmpint (r->id, ==, first->id);
  g_assert_cmpint (r->thumb_state, ==, VS_MEDIA_STATE_DONE);
  g_assert_cmpstr (r->display_name, ==, "b.mp4");
  g_clear_pointer (&r, vs_video_record_free);

  g_assert_cmpint (g_rename (b, moved), ==, 0);
  WAIT_FOR (f, listing_is (f, "other/b.mp4|other/keep.mkv|show/index.m3u8"));
  r = lookup (f, "other/b.mp4");
  g_assert_cmpint (r->id, ==, first->id);
  g_clear_pointer (&r, vs_video_record_free);

  g_assert_cmpint (g_rename (dir, dir2), ==, 0);
  WAIT_FOR (f, listing_is (f, "renamed/b.mp4|renamed/keep.mkv|show/index.m3u8") && n_model (f) == 3);
  r = lookup (f, "renamed/b.mp4");
  g_assert_cmpint (r->id, ==, first->id);
  g_assert_cmpint (r->thumb_state, ==, VS_MEDIA_STATE_DONE);
  /* moved outside the app, twice, its folder renamed: still watched, counted once */
  g_assert_true (r->watched);
  g_assert_cmpuint (r->play_count, ==, 1);
  g_clear_pointer (&r, vs_video_record_free);

  /* An HLS folder moved and renamed: the item keeps its row and takes the new name. */
  g_assert_cmpint (g_rename (show, show2), ==, 0);
  WAIT_FOR (f, listing_is (f, "renamed/Show Two/index.m3u8|renamed/b.mp4|renamed/keep.mkv"));
  r = lookup (f, "renamed/Show Two/index.m3u8");
  g_assert_cmpint (r->id, ==, hls->id);
  g_assert_cmpint (r->duration_ms, ==, 20000);
  g_assert_cmpstr (r->display_name, ==, "Show Two");
  g_clear_pointer (&r, vs_video_record_free);
  /* the renamed folder is watched under its new name */
  touch (f, "renamed/c.mp4", "1");
  WAIT_FOR (f, listing_is (f, "renamed/Show Two/index.m3u8|renamed/b.mp4|renamed/c.mp4|"
                              "renamed/keep.mkv"));
}

/* Names that are bytes, not text, and a folder that links to itself. */
static void
test_odd_names (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *latin1 = lib_path (f, "caf\xe9.mp4");
  g_autofree char *renamed = lib_path (f, "new\nline \xff.mkv");
  g_autofree char *loop = lib_path (f, "loop/self");
  g_autoptr(VsVideoRecord) before = NULL;
  g_autoptr(VsVideoRecord) after = NULL;

  start (f, 0);
  touch (f, "loop/x.mp4", "1");
  WAIT_FOR (f, listing_is (f, "loop/x.mp4"));
  g_assert_cmpint (symlink ("..", loop), ==, 0);
  touch (f, "caf\xe9.mp4", "1");
  WAIT_FOR (f, listing_is (f, "caf\xe9.mp4|loop/x.mp4"));
  before = lookup (f, "caf\xe9.mp4");

  g_assert_cmpint (g_rename (latin1, renamed), ==, 0);
  WAIT_FOR (f, listing_is (f, "loop/x.mp4|new\nline \xff.mkv"));
  after = lookup (f, "new\nline \xff.mkv");
  g_assert_cmpint (after->id, ==, before->id);
  g_assert_true (g_utf8_validate (after->display_name, -1, NULL));
}

/* A burst of files into one folder: a bounded number of rescans, not one per file. */
static void
test_burst (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *burst = lib_path (f, "burst");
  guint n;

  touch (f, "burst/first.mp4", "1");
  start (f, 0);
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/clip%05u.mp4", burst, i);
      FILE *file = fopen (path, "w");

      g_assert_nonnull (file);
      fclose (file);
    }
  WAIT_FOR (f, n_model (f) == 5001);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (f->rescans, burst));
  g_test_message ("5000 new files: %u rescans of their folder", n);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, 5);
  g_assert_cmpuint (vs_library_watcher_get_n_rescans (f->watcher), <=, 10);
}

static void
test_hls_grows (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *show = lib_path (f, "show");
  g_autoptr(VsVideoRecord) before = NULL;
  g_autoptr(VsVideoRecord) after = NULL;

  vs_test_make_hls (show, "index.m3u8", 2, "10.0", TRUE);
  start (f, 0);
  before = lookup (f, "show/index.m3u8");
  g_assert_nonnull (before);
  g_assert_cmpint (before->duration_ms, ==, 20000);

  /* The download goes on: one more segment and a longer playlist. */
  vs_test_make_hls (show, "index.m3u8", 3, "10.0", TRUE);
  WAIT_FOR (f, duration_of (f, "show/index.m3u8") == 30000);
  after = lookup (f, "show/index.m3u8");
  g_assert_cmpint (after->id, ==, before->id);
  g_assert_cmpint (after->size, >, before->size);
}

/* More folders than are watched in one main-loop iteration: the rest are watched from an
 * idle, the root says "watching" once they all are, and a change in the last one is seen. */
static gboolean
never (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/* Sources attached to the default main context (found by id: ids are given in order). */
static guint
n_main_sources (void)
{
  guint top = g_idle_add (never, NULL);
  guint n = 0;

  g_source_remove (top);
  for (guint id = 1; id < top; id++)
    if (g_main_context_find_source_by_id (NULL, id) != NULL)
      n++;
  return n;
}

static void
test_many_folders (Fixture       *f,
                   gconstpointer  data)
{
  guint sources_before;

  sources_before = n_main_sources ();
  for (guint i = 0; i < 250; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%03u/v.mp4", i);

      touch (f, name, "1");
    }
  start (f, 0);
  g_assert_cmpint (vs_library_watcher_get_root_state (f->watcher, f->lib), ==,
                   VS_ROOT_STATE_WATCHING);
  g_assert_cmpuint (f->states->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->states, 0), ==, "watching");
  /* the 250 folders, the root folder, and the root from its parent */
  g_assert_cmpuint (vs_library_watcher_get_n_monitors (f->watcher), ==, 252);
  g_assert_cmpuint (n_model (f), ==, 250);
  /* The folders' monitors live on their own thread: a monitor's source in the main context
   * is visited by every iteration of the UI's loop (2,000 of them: 9 % of its time). */
  g_assert_cmpuint (n_main_sources (), <, sources_before + 10);

  touch (f, "f249/w.mp4", "1");
  WAIT_FOR (f, n_model (f) == 251);
}

/* No watches left: the root is polled, and says so. */
static void
test_budget (Fixture       *f,
             gconstpointer  data)
{
  touch (f, "a/x.mp4", "1");
  touch (f, "b/y.mp4", "1");
  start (f, 2);
  g_assert_cmpint (vs_library_watcher_get_root_state (f->watcher, f->lib), ==,
                   VS_ROOT_STATE_POLLING);
  g_assert_cmpuint (f->states->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->states, 0), ==, "polling");
  /* only the root's own monitor */
  g_assert_cmpuint (vs_library_watcher_get_n_monitors (f->watcher), ==, 1);

  touch (f, "b/z.mp4", "1");
  WAIT_FOR (f, listing_is (f, "a/x.mp4|b/y.mp4|b/z.mp4") && n_model (f) == 3);
}

/* A root that goes away keeps its rows, marked unavailable; they are back with it. */
static void
test_root_gone (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *away = g_strconcat (f->lib, ".away", NULL);
  g_autoptr(VsVideoRecord) before = NULL;
  g_autoptr(VsVideoRecord) during = NULL;
  g_autoptr(VsVideoRecord) after = NULL;

  touch (f, "sub/a.mp4", "1");
  start (f, 0);
  before = lookup (f, "sub/a.mp4");
  g_assert_cmpint (vs_database_get_root_available (f->db, f->lib, NULL), ==, 1);

  g_assert_cmpint (g_rename (f->lib, away), ==, 0);
  WAIT_FOR (f, vs_library_watcher_get_root_state (f->watcher, f->lib) == VS_ROOT_STATE_UNAVAILABLE);
  g_assert_cmpint (vs_database_get_root_available (f->db, f->lib, NULL), ==, 0);
  during = lookup (f, "sub/a.mp4");
  g_assert_nonnull (during);
  g_assert_cmpint (during->id, ==, before->id);
  g_assert_cmpuint (n_model (f), ==, 1);
  {
    g_autofree char *inside = lib_path (f, "sub/a.mp4");
    g_autofree char *beside = g_strconcat (f->lib, "-other/a.mp4", NULL);

    g_assert_cmpstr (vs_library_watcher_get_unavailable_root (f->watcher, inside), ==, f->lib);
    g_assert_null (vs_library_watcher_get_unavailable_root (f->watcher, beside));
  }

  g_assert_cmpint (g_rename (away, f->lib), ==, 0);
  WAIT_FOR (f, vs_library_watcher_get_root_state (f->watcher, f->lib) == VS_ROOT_STATE_WATCHING);
  {
    g_autofree char *inside = lib_path (f, "sub/a.mp4");

    g_assert_null (vs_library_watcher_get_unavailable_root (f->watcher, inside));
  }
  g_assert_cmpint (vs_database_get_root_available (f->db, f->lib, NULL), ==, 1);
  after = lookup (f, "sub/a.mp4");
  g_assert_cmpint (after->id, ==, before->id);
  g_assert_cmpstr (g_ptr_array_index (f->states, f->states->len - 2), ==, "unavailable");

  /* and it is watched again */
  touch (f, "sub/b.mp4", "1");
  WAIT_FOR (f, listing_is (f, "sub/a.mp4|sub/b.mp4"));
}

/* The window's start-up: a scan, then the watcher, on a root that was a mount point and
 * is now a bare folder (simulated: the root's recorded device says it was mounted). */
static void
test_root_unmounted_at_start (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(VsScanner) scanner = vs_scanner_new (f->db);
  g_autoptr(VsVideoRecord) before = NULL;
  g_autoptr(VsVideoRecord) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *roots[] = { f->lib, NULL };
  gboolean known, mount_point;
  guint64 dev;
  VsScanSummary s;

  touch (f, "sub/a.mp4", "1");
  g_assert_true (vs_scanner_scan (scanner, roots, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  before = lookup (f, "sub/a.mp4");
  g_assert_cmpint (vs_database_get_root_device (f->db, f->lib, &known, &dev, &mount_point,
                                                NULL), ==, 1);
  g_assert_true (vs_database_set_root_device (f->db, f->lib, dev, TRUE, NULL));

  g_assert_true (vs_scanner_scan (scanner, roots, &s, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.unavailable, ==, 1);
  vs_library_model_set_query (f->model, &(VsVideoQuery) { 0 });
  vs_library_watcher_add_root (f->watcher, f->lib);
  WAIT_FOR (f, vs_library_watcher_get_root_state (f->watcher, f->lib) == VS_ROOT_STATE_UNAVAILABLE);
  g_assert_true (listing_is (f, "sub/a.mp4"));
  g_assert_cmpint (vs_database_get_root_available (f->db, f->lib, NULL), ==, 0);

  /* Back (as if mounted again): the poll finds it and watches it. */
  g_assert_true (vs_database_set_root_device (f->db, f->lib, dev, FALSE, NULL));
  WAIT_FOR (f, vs_library_watcher_get_root_state (f->watcher, f->lib) == VS_ROOT_STATE_WATCHING);
  g_assert_cmpint (vs_database_get_root_available (f->db, f->lib, NULL), ==, 1);
  after = lookup (f, "sub/a.mp4");
  g_assert_cmpint (after->id, ==, before->id);
}

static void
write_thumbnail (const char *uri,
                 const char *software)
{
  g_autofree char *path = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_LARGE);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 8, 8);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  gdk_pixbuf_save (pixbuf, path, "png", &error, "tEXt::Thumb::URI", uri,
                   "tEXt::Thumb::MTime", "1", "tEXt::Software", software, NULL);
  g_assert_no_error (error);
}

/* Only our own thumbnails of files that are gone are deleted. */
static void
test_thumbnails (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *ours = lib_path (f, "ours.mp4");
  g_autofree char *theirs = lib_path (f, "theirs.mp4");
  g_autofree char *kept = lib_path (f, "kept.mp4");
  g_autofree char *ours_uri = g_filename_to_uri (ours, NULL, NULL);
  g_autofree char *theirs_uri = g_filename_to_uri (theirs, NULL, NULL);
  g_autofree char *kept_uri = g_filename_to_uri (kept, NULL, NULL);
  g_autofree char *ours_png = vs_thumbnail_path (ours_uri, VS_THUMBNAIL_SIZE_LARGE);
  g_autofree char *theirs_png = vs_thumbnail_path (theirs_uri, VS_THUMBNAIL_SIZE_LARGE);
  g_autofree char *kept_png = vs_thumbnail_path (kept_uri, VS_THUMBNAIL_SIZE_LARGE);

  touch (f, "ours.mp4", "1");
  touch (f, "theirs.mp4", "1");
  touch (f, "kept.mp4", "1");
  write_thumbnail (ours_uri, "Vidshelf");
  write_thumbnail (theirs_uri, "GNOME::ThumbnailFactory");
  write_thumbnail (kept_uri, "Vidshelf");
  /* filmstrips go with their files, as thumbnails do */
  vs_test_save_filmstrip (NULL, ours_uri, 1, 1, 10);
  vs_test_save_filmstrip (NULL, kept_uri, 1, 1, 10);
  start (f, 0);

  g_assert_cmpint (g_unlink (ours), ==, 0);
  g_assert_cmpint (g_unlink (theirs), ==, 0);
  WAIT_FOR (f, listing_is (f, "kept.mp4"));
  {
    g_autofree char *ours_strip = vs_filmstrip_path (ours_uri);
    g_autofree char *kept_strip = vs_filmstrip_path (kept_uri);

    g_assert_false (g_file_test (ours_strip, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (kept_strip, G_FILE_TEST_EXISTS));
  }
  g_assert_false (g_file_test (ours_png, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (theirs_png, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept_png, G_FILE_TEST_EXISTS));
}

static char *
write_shared_thumbnail (const char *video,
                        const char *software)
{
  char *path = vs_thumbnail_shared_path (video, VS_THUMBNAIL_SIZE_NORMAL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (video);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 8, 8);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  gdk_pixbuf_save (pixbuf, path, "png", &error, "tEXt::Thumb::URI", name,
                   "tEXt::Thumb::MTime", "1", "tEXt::Software", software, NULL);
  g_assert_no_error (error);
  return path;
}

/* In a root that shares its previews, ours of a file that is gone go from the share too,
 * another program's stay; in one that does not, the share is not touched. */
static void
test_shared_thumbnails (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *early = lib_path (f, "early.mp4");
  g_autofree char *ours = lib_path (f, "ours.mp4");
  g_autofree char *theirs = lib_path (f, "theirs.mp4");
  g_autofree char *early_png = NULL, *ours_png = NULL, *theirs_png = NULL;

  touch (f, "early.mp4", "1");
  touch (f, "ours.mp4", "1");
  touch (f, "theirs.mp4", "1");
  touch (f, "kept.mp4", "1");
  early_png = write_shared_thumbnail (early, "Vidshelf");
  ours_png = write_shared_thumbnail (ours, "Vidshelf");
  theirs_png = write_shared_thumbnail (theirs, "GNOME::ThumbnailFactory");
  start (f, 0);

  /* sharing off: the share is not Vidshelf's to tidy */
  g_assert_cmpint (g_unlink (early), ==, 0);
  WAIT_FOR (f, listing_is (f, "kept.mp4|ours.mp4|theirs.mp4"));
  g_assert_true (g_file_test (early_png, G_FILE_TEST_EXISTS));

  g_assert_true (vs_database_set_root_share_previews (f->db, f->lib, TRUE, NULL));
  g_assert_cmpint (g_unlink (ours), ==, 0);
  g_assert_cmpint (g_unlink (theirs), ==, 0);
  WAIT_FOR (f, listing_is (f, "kept.mp4"));
  g_assert_false (g_file_test (ours_png, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (theirs_png, G_FILE_TEST_EXISTS));
}

/* Removing a folder's watches takes those below it, on the monitors' thread, and no other
 * (not a sibling whose name starts the same). */
static void
test_monitors_remove_under (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autoptr(VsFolderMonitors) monitors = vs_folder_monitors_new (0);
  g_autoptr(GError) error = NULL;
  const char *names[] = { "a", "a/b", "a/b/c", "ab", "x" };
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *a = g_build_filename (dir, "a", NULL);
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char *path = g_build_filename (dir, names[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      g_ptr_array_add (paths, path);
    }
  g_assert_cmpuint (vs_folder_monitors_add (monitors, (const char *const *) paths->pdata,
                                            paths->len, &error), ==, paths->len);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_folder_monitors_get_n (monitors), ==, 5);

  vs_folder_monitors_remove_under (monitors, a);
  while (vs_folder_monitors_get_n (monitors) != 2 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint (vs_folder_monitors_get_n (monitors), ==, 2);
  /* what is left is still watched: adding it again adds nothing */
  g_assert_cmpuint (vs_folder_monitors_add (monitors, (const char *const *) paths->pdata + 3, 2,
                                            &error), ==, 2);
  g_assert_cmpuint (vs_folder_monitors_get_n (monitors), ==, 2);
  g_clear_object (&monitors);
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = vs_test_make_tmpdir ();
  int status;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: it empties XDG_DATA_DIRS, where content types by name
   * come from; the thumbnail cache gets its own folder instead. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/watcher/files", test_files);
  ADD ("/watcher/folders", test_folders);
  ADD ("/watcher/rename-move", test_rename_move);
  ADD ("/watcher/odd-names", test_odd_names);
  ADD ("/watcher/burst", test_burst);
  ADD ("/watcher/hls-grows", test_hls_grows);
  ADD ("/watcher/budget", test_budget);
  ADD ("/watcher/many-folders", test_many_folders);
  ADD ("/watcher/root-gone", test_root_gone);
  ADD ("/watcher/root-unmounted-at-start", test_root_unmounted_at_start);
  ADD ("/watcher/thumbnails", test_thumbnails);
  ADD ("/watcher/shared-thumbnails", test_shared_thumbnails);
#undef ADD
  g_test_add_func ("/watcher/monitors/remove-under", test_monitors_remove_under);

  status = g_test_run ();
  vs_test_rm_rf (cache);
  return status;
}
