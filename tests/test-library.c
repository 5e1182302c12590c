/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-library.c: VsLibrary on a temporary library — its states, scans, roots, verbs and
 * the one coalesced ::changed views follow
 *
 * Scanning tests use tiny files with a video extension (the scanner never decodes); only
 * the probing test makes real clips, two of a second each.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "vs-test-library.h"
#include "vs-test-media.h"

#define WAIT_SECONDS 60

typedef struct
{
  VsTestLibrary *tl;
  VsLibrary     *lib;     /* tl's */
  GString       *states;  /* notify::state: the state names, in order */
  GString       *scanning;  /* notify::scanning, 'T' or 'F' each */
} Fixture;

static const char *
state_name (VsLibraryState state)
{
  switch (state)
    {
    case VS_LIBRARY_STATE_CLOSED:
      return "closed";
    case VS_LIBRARY_STATE_OPENING:
      return "opening";
    case VS_LIBRARY_STATE_READY:
      return "ready";
    case VS_LIBRARY_STATE_ERROR:
      return "error";
    default:
      return "?";
    }
}

static void
on_state (VsLibrary  *lib,
          GParamSpec *pspec,
          Fixture    *f)
{
  g_string_append_printf (f->states, "%s%s", f->states->len ? " " : "",
                          state_name (vs_library_get_state (lib)));
}

static void
on_scanning (VsLibrary  *lib,
             GParamSpec *pspec,
             Fixture    *f)
{
  g_string_append_c (f->scanning, vs_library_get_scanning (lib) ? 'T' : 'F');
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->tl = vs_test_library_new (GPOINTER_TO_UINT (data));
  f->lib = f->tl->library;
  f->states = g_string_new (NULL);
  f->scanning = g_string_new (NULL);
  g_signal_connect (f->lib, "notify::state", G_CALLBACK (on_state), f);
  g_signal_connect (f->lib, "notify::scanning", G_CALLBACK (on_scanning), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->lib, f);
  g_clear_pointer (&f->tl, vs_test_library_free);
  g_string_free (f->states, TRUE);
  g_string_free (f->scanning, TRUE);
}

/* Helpers ----------------------------------------------------------------------------- */

/* @n files @prefix%03u.mp4 in @folder, each with its own bytes. */
static void
make_videos (const char *folder,
             const char *prefix,
             guint       n)
{
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%03u.mp4", prefix, i);
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *contents = g_strdup_printf ("%s %u", prefix, i);

      vs_test_write_file (path, contents, -1);
    }
}

static void
snap_walk (GHashTable *table,
           const char *path,
           const char *rel)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *child_rel = rel ? g_build_filename (rel, name, NULL) : g_strdup (name);

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        g_hash_table_insert (table, g_steal_pointer (&child_rel), g_strdup ("link"));
      else if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          snap_walk (table, child, child_rel);
          g_hash_table_insert (table, g_steal_pointer (&child_rel), g_strdup ("dir"));
        }
      else
        g_hash_table_insert (table, g_steal_pointer (&child_rel),
                             vs_test_file_checksum (child));
    }
}

/* Every entry below @folder, by relative path: "dir", "link" or the file's checksum. */
static GHashTable *
snap (const char *folder)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  snap_walk (table, folder, NULL);
  return table;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* "rel=what" entries, sorted, joined by spaces: snapshots compare as strings. */
static char *
snap_string (GHashTable *table)
{
  g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (table, NULL);
  g_autoptr(GString) s = g_string_new (NULL);

  qsort (keys, g_hash_table_size (table), sizeof *keys, compare_paths);
  for (guint i = 0; keys[i] != NULL; i++)
    g_string_append_printf (s, "%s%s=%s", i ? " " : "", keys[i],
                            (const char *) g_hash_table_lookup (table, keys[i]));
  return g_strdup (s->str);
}

/* The basenames the model lists, sorted, joined by spaces (waits for its pages). */
static char *
model_names (VsLibraryModel *model)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (model), i));
  for (guint i = 0; i < n; i++)
    {
      VsVideo *video = g_ptr_array_index (items, i);

      while (vs_video_get_loading (video))
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
        }
      g_ptr_array_add (names, g_path_get_basename (vs_video_get_path (video)));
    }
  g_ptr_array_sort (names, compare_paths);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static VsLibraryModel *
new_model (Fixture *f)
{
  VsLibraryModel *model = vs_library_new_model (f->lib);

  vs_library_model_set_query (model, &(VsVideoQuery) { 0 });
  return model;
}

static VsLibraryRoot *
find_root (Fixture    *f,
           const char *path)
{
  GListModel *roots = vs_library_get_roots (f->lib);

  for (guint i = 0; i < g_list_model_get_n_items (roots); i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (roots, i);

      if (g_strcmp0 (vs_library_root_get_path (root), path) == 0)
        return root;   /* the roots model holds it */
    }
  return NULL;
}

static gboolean
root_counted (gpointer      subject,
              gconstpointer data)
{
  VsLibraryRoot *root = find_root (subject, data);

  return root != NULL && vs_library_root_get_n_videos (root) >= 0;
}

/* Waits for @path's root item and its count of videos. */
static VsLibraryRoot *
wait_root (Fixture    *f,
           const char *path)
{
  vs_test_library_wait (root_counted, f, path, WAIT_SECONDS, path);
  return find_root (f, path);
}

static void
store (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  vs_test_library_store_result (object, result, user_data);
}

static void
assert_scan_ok (VsLibrary     *lib,
                GAsyncResult **result,
                VsScanSummary *summary)
{
  g_autoptr(GError) error = NULL;

  vs_test_library_wait_result (result, WAIT_SECONDS);
  g_assert_true (vs_library_scan_finish (lib, *result, summary, &error));
  g_assert_no_error (error);
  g_clear_object (result);
}

/* State machine ------------------------------------------------------------------------ */

static void
test_open_close (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (vs_library_get_state (f->lib), ==, VS_LIBRARY_STATE_CLOSED);
  g_assert_null (vs_library_get_reader (f->lib));
  vs_test_library_open (f->tl);
  g_assert_cmpstr (f->states->str, ==, "opening ready");
  g_assert_null (vs_library_get_error (f->lib));
  g_assert_nonnull (vs_library_get_reader (f->lib));
  g_assert_nonnull (vs_library_get_media (f->lib));
  g_assert_nonnull (vs_library_get_scanner (f->lib));
  g_assert_cmpstr (vs_library_get_database_path (f->lib), ==, f->tl->db_path);
  g_assert_true (g_file_test (f->tl->db_path, G_FILE_TEST_IS_REGULAR));

  vs_library_close_async (f->lib, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_close_finish (f->lib, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->states->str, ==, "opening ready closed");
  g_clear_object (&result);

  /* closed: verbs fail at once, without running anything */
  vs_library_rescan_async (f->lib, NULL, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_false (vs_library_scan_finish (f->lib, result, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_false (vs_library_get_busy (f->lib));
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GString) junk = g_string_new (NULL);
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) write_error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing = NULL;
  const GError *lib_error;

  /* bigger than SQLite's header and first page, and nothing like either */
  for (guint i = 0; i < 512; i++)
    g_string_append_printf (junk, "not a database, line %u\n", i);
  vs_test_write_file (f->tl->db_path, junk->str, junk->len);
  before = vs_test_file_checksum (f->tl->db_path);

  /* a position write waiting for the open fails with the open's error */
  vs_library_open_async (f->lib, NULL, store, &opened);
  g_assert_cmpint (vs_library_get_state (f->lib), ==, VS_LIBRARY_STATE_OPENING);
  vs_library_set_position_async (f->lib, "/nowhere.mp4", 60000, 0, NULL, store, &written);
  vs_test_library_wait_result (&opened, WAIT_SECONDS);
  g_assert_false (vs_library_open_finish (f->lib, opened, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (vs_library_get_state (f->lib), ==, VS_LIBRARY_STATE_ERROR);
  g_assert_cmpstr (f->states->str, ==, "opening error");
  lib_error = vs_library_get_error (f->lib);
  g_assert_nonnull (lib_error);
  g_assert_true (g_error_matches (lib_error, error->domain, error->code));
  g_assert_null (vs_library_get_reader (f->lib));

  vs_test_library_wait_result (&written, WAIT_SECONDS);
  g_assert_false (vs_library_set_position_finish (f->lib, written, &write_error));
  g_assert_true (g_error_matches (write_error, error->domain, error->code));
  g_clear_error (&write_error);
  g_clear_object (&written);

  /* and one issued after the failure fails at once */
  vs_library_set_position_async (f->lib, "/nowhere.mp4", 60000, 0, NULL, store, &written);
  vs_test_library_wait_result (&written, WAIT_SECONDS);
  g_assert_false (vs_library_set_position_finish (f->lib, written, &write_error));
  g_assert_error (write_error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_cmpuint (vs_library_get_n_position_writes (f->lib), ==, 0);
  g_assert_false (vs_library_get_busy (f->lib));

  /* the file is as it was, and nothing was made beside it (no journal, WAL or backup) */
  after = vs_test_file_checksum (f->tl->db_path);
  g_assert_cmpstr (after, ==, before);
  listing = vs_test_list_folder (f->tl->dir);
  g_assert_cmpstr (listing, ==, "Videos library.db");
}

static void
test_read_only_missing (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;

  g_assert_false (g_file_test (f->tl->db_path, G_FILE_TEST_EXISTS));
  g_assert_false (vs_test_library_open_full (f->tl, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (vs_library_get_state (f->lib), ==, VS_LIBRARY_STATE_ERROR);
  g_assert_nonnull (vs_library_get_error (f->lib));
  g_assert_false (g_file_test (f->tl->db_path, G_FILE_TEST_EXISTS));
  listing = vs_test_list_folder (f->tl->dir);
  g_assert_cmpstr (listing, ==, "Videos");
}

/* Start ------------------------------------------------------------------------------ */

static void
test_start (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(VsLibraryModel) model = NULL;
  g_autofree char *names = NULL;
  g_auto(GStrv) paths = NULL;
  g_autofree char *sub = g_build_filename (f->tl->folder, "Trips", NULL);
  VsLibraryRoot *root;

  make_videos (f->tl->folder, "top", 3);
  make_videos (sub, "trip", 2);
  g_free (vs_test_library_add_file (f->tl, "notes.txt", "not a video"));

  vs_test_library_open (f->tl);
  g_assert_cmpstr (f->scanning->str, ==, "");
  f->tl->n_changed = f->tl->changes = 0;
  vs_test_library_start (f->tl);

  g_assert_cmpstr (f->scanning->str, ==, "TF");
  g_assert_false (vs_library_get_scanning (f->lib));
  g_assert_cmpuint (vs_library_get_progress_done (f->lib), ==, 0);
  g_assert_cmpuint (vs_library_get_progress_total (f->lib), ==, 0);
  g_assert_true (f->tl->changes & VS_LIBRARY_CHANGE_VIDEOS);
  g_assert_cmpuint (f->tl->n_changed, >=, 1);

  g_assert_cmpuint (g_list_model_get_n_items (vs_library_get_roots (f->lib)), ==, 1);
  root = wait_root (f, f->tl->folder);
  g_assert_nonnull (root);
  g_assert_cmpint (vs_library_root_get_state (root), ==, VS_LIBRARY_ROOT_WATCHING);
  g_assert_cmpint (vs_library_root_get_n_videos (root), ==, 5);
  paths = vs_library_dup_root_paths (f->lib);
  g_assert_cmpuint (g_strv_length (paths), ==, 1);
  g_assert_cmpstr (paths[0], ==, f->tl->folder);

  model = new_model (f);
  vs_test_library_wait_model (f->tl, model, 5);
  names = model_names (model);
  g_assert_cmpstr (names, ==, "top000.mp4 top001.mp4 top002.mp4 trip000.mp4 trip001.mp4");
}

/* Reading before the writer is open ------------------------------------------------ */

typedef struct
{
  GString        *events;
  VsLibraryModel *model;
  gboolean        before_writer;  /* readable while the writer was not open yet */
  gboolean        no_model;       /* only listen */
  guint           n_at_once;      /* the model's items right after its query was set */
  gboolean        first_loaded;   /* and whether its first item was read already */
} Early;

static void
on_early_event (VsLibrary  *lib,
                GParamSpec *pspec,
                Early      *e)
{
  if (g_str_equal (pspec->name, "state"))
    g_string_append_printf (e->events, " %s", state_name (vs_library_get_state (lib)));
  else
    g_string_append_printf (e->events, " %s", vs_library_get_readable (lib) ? "readable"
                                                                            : "unreadable");
  if (vs_library_get_readable (lib) && e->model == NULL && !e->no_model)
    {
      /* the writer's watcher comes with it */
      e->before_writer = vs_library_get_watcher (lib) == NULL;
      /* what the window does: a model at once, the start-up scan once it has painted */
      e->model = vs_library_new_model (lib);
      vs_library_model_set_query (e->model, &(VsVideoQuery) { 0 });
      e->n_at_once = g_list_model_get_n_items (G_LIST_MODEL (e->model));
      if (e->n_at_once > 0)
        {
          g_autoptr(VsVideo) first = g_list_model_get_item (G_LIST_MODEL (e->model), 0);

          e->first_loaded = !vs_video_get_loading (first);
        }
      vs_library_start (lib);
    }
}

static gboolean
pointer_is_null (gpointer      subject,
                 gconstpointer data)
{
  return *(gpointer *) subject == NULL;
}

static gboolean
early_settled (gpointer      subject,
               gconstpointer data)
{
  VsLibrary *lib = subject;
  VsLibraryModel *model = (VsLibraryModel *) data;

  return !vs_library_get_busy (lib) && !vs_library_model_get_busy (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) >= 4;
}

static gboolean
model_idle (gpointer      subject,
            gconstpointer data)
{
  return !vs_library_model_get_busy (subject);
}

/* Closes and drops the fixture's library: its connections close, the WAL is checkpointed
 * into the file. */
static void
drop_library (Fixture *f)
{
  g_autoptr(GAsyncResult) closed = NULL;
  g_autoptr(GError) error = NULL;
  gpointer alive = f->lib;

  vs_library_close_async (f->lib, store, &closed);
  vs_test_library_wait_result (&closed, WAIT_SECONDS);
  g_assert_true (vs_library_close_finish (f->lib, closed, &error));
  g_assert_no_error (error);
  g_clear_object (&closed);   /* it holds the library */
  g_signal_handlers_disconnect_by_data (f->lib, f);
  g_signal_handlers_disconnect_by_data (f->lib, f->tl);
  g_object_add_weak_pointer (G_OBJECT (f->lib), &alive);
  f->lib = NULL;
  g_clear_object (&f->tl->library);
  vs_test_library_wait (pointer_is_null, &alive, NULL, WAIT_SECONDS,
                        "the closed library to be finalized");
}

/* A library of its own on the fixture's index, opened; the fixture closes it. */
static void
reopen_with_query (Fixture            *f,
                   Early              *e,
                   const VsVideoQuery *first_query,
                   GError            **error)
{
  g_autoptr(GAsyncResult) opened = NULL;

  f->lib = f->tl->library = vs_library_new (f->tl->db_path, VS_LIBRARY_FLAGS_NONE);
  if (first_query != NULL)
    vs_library_set_first_query (f->lib, first_query);
  g_signal_connect (f->lib, "notify::state", G_CALLBACK (on_early_event), e);
  g_signal_connect (f->lib, "notify::readable", G_CALLBACK (on_early_event), e);
  vs_library_open_async (f->lib, NULL, store, &opened);
  vs_test_library_wait_result (&opened, WAIT_SECONDS);
  vs_library_open_finish (f->lib, opened, error);
}

static void
early_clear (Fixture *f,
             Early   *e)
{
  if (e->model != NULL)
    vs_test_library_wait (model_idle, e->model, NULL, WAIT_SECONDS, "the model");
  g_clear_object (&e->model);
  g_signal_handlers_disconnect_by_data (f->lib, e);
  g_string_free (e->events, TRUE);
}

static void
reopen (Fixture  *f,
        Early    *e,
        GError  **error)
{
  reopen_with_query (f, e, NULL, error);
}

/* An index of @n clips, made by a library now closed. */
static void
index_clips (Fixture *f,
             guint    n)
{
  make_videos (f->tl->folder, "clip", n);
  vs_test_library_open (f->tl);
  vs_test_library_start (f->tl);
  drop_library (f);
}

/* The model made on ::notify::readable lists the three clips and late.mp4, which the
 * start-up scan found. */
static void
assert_lists_late (Fixture *f,
                   Early   *e)
{
  g_autofree char *names = NULL;

  vs_test_library_wait (early_settled, f->lib, e->model, WAIT_SECONDS,
                        "the start-up scan and the model");
  names = model_names (e->model);
  g_assert_cmpstr (names, ==, "clip000.mp4 clip001.mp4 clip002.mp4 late.mp4");
  early_clear (f, e);
}

/* An index already in this version's form is readable while the writer still reads every
 * page of it: the model made then lists the videos, and the start-up scan asked for
 * meanwhile runs once the library is ready. */
static void
test_readable_early (Fixture       *f,
                     gconstpointer  data)
{
  Early e = { g_string_new (NULL), NULL, FALSE, FALSE };
  g_autoptr(GError) error = NULL;
  g_autofree char *late = g_build_filename (f->tl->folder, "late.mp4", NULL);

  index_clips (f, 3);

  /* a file the start-up scan of the reopened library must find */
  vs_test_write_file (late, "late", 4);
  reopen (f, &e, &error);
  g_assert_no_error (error);
  g_test_message ("events:%s", e.events->str);
  g_assert_cmpstr (e.events->str, ==, " opening readable ready");
  g_assert_nonnull (e.model);
  g_assert_true (e.before_writer);
  assert_lists_late (f, &e);
}

/* The first view's rows are read with the opening: its model lists them as soon as its
 * query is set, without a read of its own; a change found by the start-up scan then reaches
 * it as any change does. Without a first query, the model reads them itself. */
static void
test_first_rows (Fixture       *f,
                 gconstpointer  data)
{
  Early e = { g_string_new (NULL), NULL, FALSE, FALSE };
  Early plain = { g_string_new (NULL), NULL, FALSE, FALSE };
  g_autoptr(GError) error = NULL;
  g_autofree char *late = g_build_filename (f->tl->folder, "late.mp4", NULL);

  index_clips (f, 3);

  reopen (f, &plain, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plain.n_at_once, ==, 0);
  early_clear (f, &plain);
  drop_library (f);

  vs_test_write_file (late, "late", 4);
  reopen_with_query (f, &e, &(VsVideoQuery) { .sort = VS_SORT_NAME }, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (e.n_at_once, ==, 3);
  g_assert_true (e.first_loaded);
  assert_lists_late (f, &e);
}

static gsize
length_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (gsize) st.st_size;
}

/* Where the index's schema ends (its last page, sqlite_schema spanning several once the
 * triggers are in), in bytes: the damage below starts after it. */
static gsize
schema_end (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 last = 1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, "SELECT max(pageno) FROM dbstat WHERE name = 'sqlite_schema'",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    last = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return (gsize) last * 4096;
}

/* An index damaged past its first half: readable for a moment (its roots are intact), the
 * open then ends in the error, nothing is readable any more, and the file is exactly as it
 * was. (No model here: its read of the damaged pages would warn.) */
static void
test_readable_then_corrupt (Fixture       *f,
                            gconstpointer  data)
{
  Early e = { g_string_new (NULL), NULL, FALSE, TRUE };
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize length, start;

  index_clips (f, 200);

  /* the first half and the schema (the roots) survive; the last pages (videos) are noise */
  start = MAX ((length_of (f->tl->db_path) / 2 / 4096) * 4096, schema_end (f->tl->db_path));
  g_assert_true (g_file_get_contents (f->tl->db_path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, start + 8 * 4096);
  for (gsize i = start; i < length; i++)
    contents[i] = (char) (0x5A ^ (i * 13));
  vs_test_write_file (f->tl->db_path, contents, (gssize) length);
  before = vs_test_file_checksum (f->tl->db_path);

  reopen (f, &e, &error);
  g_test_message ("events:%s", e.events->str);
  g_assert_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_CORRUPT);
  g_assert_cmpint (vs_library_get_state (f->lib), ==, VS_LIBRARY_STATE_ERROR);
  g_assert_false (vs_library_get_readable (f->lib));
  g_assert_cmpstr (e.events->str, ==, " opening readable error unreadable");
  early_clear (f, &e);
  after = vs_test_file_checksum (f->tl->db_path);
  g_assert_cmpstr (after, ==, before);
}

/* A rescan that finds every row as it was tells views only of folders: re-reading the index
 * of a big library for nothing stalled scrolling. One that adds a row tells of videos. */
static void
test_rescan_unchanged (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *added = g_build_filename (f->tl->folder, "added.mp4", NULL);

  make_videos (f->tl->folder, "clip", 3);
  vs_test_library_open (f->tl);
  vs_test_library_start (f->tl);

  f->tl->n_changed = f->tl->changes = 0;
  vs_library_rescan_async (f->lib, NULL, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_scan_finish (f->lib, result, NULL, &error));
  g_assert_no_error (error);
  vs_test_library_wait_idle (f->tl);
  g_assert_cmpuint (f->tl->n_changed, >=, 1);
  g_assert_true (f->tl->changes & VS_LIBRARY_CHANGE_FOLDERS);
  g_assert_false (f->tl->changes & VS_LIBRARY_CHANGE_VIDEOS);
  g_clear_object (&result);

  vs_test_write_file (added, "added", 5);
  f->tl->n_changed = f->tl->changes = 0;
  vs_library_rescan_async (f->lib, NULL, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_scan_finish (f->lib, result, NULL, &error));
  vs_test_library_wait_idle (f->tl);
  g_assert_true (f->tl->changes & VS_LIBRARY_CHANGE_VIDEOS);
}

/* Coalescing ----------------------------------------------------------------------- */

static void
log_changed (VsLibrary *lib,
             guint      what,
             gpointer   data)
{
  g_test_message ("%.3f s: ::changed %#x", g_get_monotonic_time () / 1e6, what);
}

static void
test_coalesced (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(VsLibraryModel) model = NULL;
  const guint n_files = 50;
  gint64 started, elapsed;
  guint n_indexed;

  make_videos (f->tl->folder, "old", 1);
  vs_test_library_open (f->tl);
  vs_test_library_start (f->tl);
  model = new_model (f);
  vs_test_library_wait_model (f->tl, model, 1);
  g_assert_cmpint (vs_library_root_get_state (wait_root (f, f->tl->folder)), ==,
                   VS_LIBRARY_ROOT_WATCHING);

  f->tl->n_changed = f->tl->changes = 0;
  g_signal_connect (f->lib, "changed", G_CALLBACK (log_changed), NULL);
  started = g_get_monotonic_time ();
  make_videos (f->tl->folder, "burst", n_files);

  /* the watcher notices, the library says so, the model reloads: no refresh here */
  vs_test_library_wait_model (f->tl, model, n_files + 1);
  n_indexed = f->tl->n_changed;
  vs_test_library_wait_idle (f->tl);
  g_test_message ("%u files: %u ::changed until listed, %u in all", n_files, n_indexed,
                  f->tl->n_changed);
  g_assert_true (f->tl->changes & VS_LIBRARY_CHANGE_VIDEOS);
  g_assert_cmpuint (n_indexed, >=, 1);
  g_assert_cmpuint (n_indexed, <=, 3);
  /* then the background probing, which reports at most once a second, and once at its end */
  elapsed = (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  g_assert_cmpuint (f->tl->n_changed, <=, n_indexed + elapsed + 2);
  g_assert_cmpuint (f->tl->n_changed, <, n_files);
  g_assert_cmpint (vs_library_root_get_n_videos (wait_root (f, f->tl->folder)), ==, n_files + 1);
}

/* Queued and shared requests ------------------------------------------------------- */

static void
test_rescan_shared (Fixture       *f,
                    gconstpointer  data)
{
  GAsyncResult *results[3] = { NULL };
  VsScanSummary summaries[3];
  guint n_runs = 0;

  make_videos (f->tl->folder, "v", 4);
  vs_test_library_open (f->tl);
  vs_test_library_start (f->tl);
  g_string_truncate (f->scanning, 0);

  /* the first runs at once; the other two queue behind it and share one run */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    vs_library_rescan_async (f->lib, NULL, NULL, store, &results[i]);
  g_assert_true (vs_library_get_scanning (f->lib));
  g_assert_true (vs_library_get_busy (f->lib));
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    assert_scan_ok (f->lib, &results[i], &summaries[i]);
  vs_test_library_wait_idle (f->tl);

  for (const char *c = f->scanning->str; *c != '\0'; c++)
    n_runs += *c == 'T';
  g_test_message ("3 requests, notify::scanning \"%s\"", f->scanning->str);
  g_assert_cmpuint (n_runs, ==, 2);
  g_assert_cmpint (f->scanning->str[f->scanning->len - 1], ==, 'F');
  g_assert_false (vs_library_get_scanning (f->lib));
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_cmpint (summaries[i].total, ==, 4);
      g_assert_cmpuint (summaries[i].added, ==, 0);
      g_assert_cmpuint (summaries[i].unchanged, ==, 4);
    }
}

/* Roots -------------------------------------------------------------------------- */

static void
test_add_remove_root (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->tl->dir, "Other", NULL);
  g_autofree char *other_sub = g_build_filename (other, "Sub", NULL);
  g_autoptr(GHashTable) snap_folder = NULL;
  g_autoptr(GHashTable) snap_other = NULL;
  g_autoptr(GHashTable) now_folder = NULL;
  g_autoptr(GHashTable) now_other = NULL;
  g_autofree char *before_folder = NULL;
  g_autofree char *before_other = NULL;
  g_autofree char *after_folder = NULL;
  g_autofree char *after_other = NULL;
  g_autoptr(VsLibraryModel) model = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) db_roots = NULL;
  g_autofree char *names = NULL;
  VsScanSummary summary;
  VsLibraryRoot *root;

  make_videos (f->tl->folder, "mine", 2);
  make_videos (other, "other", 2);
  make_videos (other_sub, "deep", 1);
  snap_folder = snap (f->tl->folder);
  snap_other = snap (other);
  before_folder = snap_string (snap_folder);
  before_other = snap_string (snap_other);

  vs_test_library_open (f->tl);
  vs_test_library_start (f->tl);
  model = new_model (f);
  vs_test_library_wait_model (f->tl, model, 2);

  f->tl->n_changed = f->tl->changes = 0;
  vs_library_add_root_async (f->lib, other, NULL, store, &result);
  assert_scan_ok (f->lib, &result, &summary);
  g_assert_cmpuint (summary.added, ==, 3);
  vs_test_library_wait_idle (f->tl);
  g_assert_true (f->tl->changes & VS_LIBRARY_CHANGE_ROOTS);
  g_assert_cmpuint (g_list_model_get_n_items (vs_library_get_roots (f->lib)), ==, 2);
  root = wait_root (f, other);
  g_assert_cmpint (vs_library_root_get_n_videos (root), ==, 3);
  g_assert_cmpint (vs_library_root_get_state (root), ==, VS_LIBRARY_ROOT_WATCHING);
  vs_test_library_wait_model (f->tl, model, 5);

  f->tl->n_changed = f->tl->changes = 0;
  vs_library_remove_root_async (f->lib, other, NULL, store, &result);
  assert_scan_ok (f->lib, &result, NULL);
  vs_test_library_wait_idle (f->tl);
  g_assert_true (f->tl->changes & VS_LIBRARY_CHANGE_ROOTS);
  g_assert_cmpuint (g_list_model_get_n_items (vs_library_get_roots (f->lib)), ==, 1);
  g_assert_null (find_root (f, other));
  g_assert_nonnull (find_root (f, f->tl->folder));
  vs_test_library_wait_model (f->tl, model, 2);
  names = model_names (model);
  g_assert_cmpstr (names, ==, "mine000.mp4 mine001.mp4");
  db_roots = vs_database_dup_roots (vs_library_get_reader (f->lib), NULL);
  g_assert_cmpuint (g_strv_length (db_roots), ==, 1);
  g_assert_cmpstr (db_roots[0], ==, f->tl->folder);

  /* forgetting is the index's business only */
  now_folder = snap (f->tl->folder);
  now_other = snap (other);
  after_folder = snap_string (now_folder);
  after_other = snap_string (now_other);
  g_assert_cmpstr (after_folder, ==, before_folder);
  g_assert_cmpstr (after_other, ==, before_other);
}

/* Trash and restore ---------------------------------------------------------------- */

static void
test_trash_restore (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *victim = g_build_filename (f->tl->folder, "v001.mp4", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) trashed = NULL;
  g_autoptr(GHashTable) restored = NULL;
  g_autofree char *victim_sum = NULL;
  g_autofree char *before_str = NULL;
  g_autofree char *trashed_str = NULL;
  g_autofree char *restored_str = NULL;
  g_autofree char *names = NULL;
  g_autoptr(VsLibraryModel) model = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VsTrash) trash = NULL;
  g_autoptr(GError) error = NULL;

  make_videos (f->tl->folder, "v", 3);
  vs_test_library_open (f->tl);
  vs_test_library_start (f->tl);
  model = new_model (f);
  vs_test_library_wait_model (f->tl, model, 3);
  before = snap (f->tl->folder);
  before_str = snap_string (before);
  victim_sum = g_strdup (g_hash_table_lookup (before, "v001.mp4"));
  g_assert_nonnull (victim_sum);

  vs_library_trash_async (f->lib, victim, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  trash = vs_library_trash_finish (f->lib, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trash);
  g_clear_object (&result);
  g_assert_false (g_file_test (victim, G_FILE_TEST_EXISTS));
  vs_test_library_wait_model (f->tl, model, 2);
  names = model_names (model);
  g_assert_cmpstr (names, ==, "v000.mp4 v002.mp4");
  g_clear_pointer (&names, g_free);

  /* every other file exactly as it was */
  trashed = snap (f->tl->folder);
  g_hash_table_remove (before, "v001.mp4");
  trashed_str = snap_string (trashed);
  g_clear_pointer (&before_str, g_free);
  before_str = snap_string (before);
  g_assert_cmpstr (trashed_str, ==, before_str);

  vs_library_restore_async (f->lib, trash, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_restore_finish (f->lib, result, &error));
  g_assert_no_error (error);
  vs_test_library_wait_model (f->tl, model, 3);
  names = model_names (model);
  g_assert_cmpstr (names, ==, "v000.mp4 v001.mp4 v002.mp4");
  restored = snap (f->tl->folder);
  g_assert_cmpstr (g_hash_table_lookup (restored, "v001.mp4"), ==, victim_sum);
  g_hash_table_insert (before, g_strdup ("v001.mp4"), g_strdup (victim_sum));
  g_clear_pointer (&before_str, g_free);
  before_str = snap_string (before);
  restored_str = snap_string (restored);
  g_assert_cmpstr (restored_str, ==, before_str);
  vs_test_library_wait_idle (f->tl);
}

/* Playback positions --------------------------------------------------------------- */

static void
set_position (Fixture    *f,
              const char *path,
              gint64      position_ms,
              gint64      duration_ms)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vs_library_set_position_async (f->lib, path, position_ms, duration_ms, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_set_position_finish (f->lib, result, &error));
  g_assert_no_error (error);
}

static gint64
get_position (Fixture    *f,
              const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 position;

  vs_library_get_position_async (f->lib, path, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  position = vs_library_get_position_finish (f->lib, result, &error);
  g_assert_no_error (error);
  return position;
}

static void
test_positions (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *a = g_build_filename (f->tl->folder, "a.mp4", NULL);
  g_autofree char *b = g_build_filename (f->tl->folder, "b.mp4", NULL);

  vs_test_library_open (f->tl);
  g_assert_cmpuint (vs_library_get_n_position_writes (f->lib), ==, 0);
  g_assert_cmpint (get_position (f, a), ==, 0);

  set_position (f, a, 61500, 600000);
  set_position (f, b, 125000, 0);
  g_assert_cmpuint (vs_library_get_n_position_writes (f->lib), ==, 2);
  g_assert_cmpint (get_position (f, a), ==, 61500);
  g_assert_cmpint (get_position (f, b), ==, 125000);

  /* near the start: nothing to resume, the old position goes */
  set_position (f, a, 2000, 600000);
  g_assert_cmpuint (vs_library_get_n_position_writes (f->lib), ==, 3);
  g_assert_cmpint (get_position (f, a), ==, 0);
  g_assert_cmpint (get_position (f, b), ==, 125000);
  g_assert_cmpuint (vs_library_get_n_position_writes (f->lib), ==, 3);
}

static void
test_position_while_opening (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *a = g_build_filename (f->tl->folder, "a.mp4", NULL);
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) written = NULL;
  g_autoptr(GError) error = NULL;

  vs_library_open_async (f->lib, NULL, store, &opened);
  g_assert_cmpint (vs_library_get_state (f->lib), ==, VS_LIBRARY_STATE_OPENING);
  vs_library_set_position_async (f->lib, a, 90000, 0, NULL, store, &written);

  vs_test_library_wait_result (&written, WAIT_SECONDS);
  g_assert_true (vs_library_set_position_finish (f->lib, written, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vs_library_get_state (f->lib), ==, VS_LIBRARY_STATE_READY);
  g_assert_cmpuint (vs_library_get_n_position_writes (f->lib), ==, 1);
  vs_test_library_wait_result (&opened, WAIT_SECONDS);
  g_assert_true (vs_library_open_finish (f->lib, opened, &error));
  g_assert_cmpint (get_position (f, a), ==, 90000);
}

/* Watched state ------------------------------------------------------------------------ */

static VsVideoRecord *
record_of (Fixture    *f,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  VsVideoRecord *record = vs_database_lookup_video (vs_library_get_reader (f->lib), path,
                                                    &error);

  g_assert_no_error (error);
  return record;
}

static void
finish_watched (Fixture       *f,
                GAsyncResult **result)
{
  g_autoptr(GError) error = NULL;

  vs_test_library_wait_result (result, WAIT_SECONDS);
  g_assert_true (vs_library_watched_finish (f->lib, *result, &error));
  g_assert_no_error (error);
  g_clear_object (result);
}

/* The verbs write on the writer, off the main thread, and ::changed tells views (whose
 * page reads then carry the state): by path, by a selection's ids, and a play. */
static void
test_watched_verbs (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *a = g_build_filename (f->tl->folder, "top000.mp4", NULL);
  g_autofree char *b = g_build_filename (f->tl->folder, "top001.mp4", NULL);
  const char *just_a[] = { a, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) r = NULL;
  VsVideoQuery all = { 0 };
  guint writes;

  make_videos (f->tl->folder, "top", 3);
  vs_test_library_open (f->tl);
  vs_test_library_start (f->tl);
  vs_test_library_wait_idle (f->tl);

  f->tl->n_changed = f->tl->changes = 0;
  vs_library_mark_watched_async (f->lib, just_a, TRUE, NULL, store, &result);
  finish_watched (f, &result);
  vs_test_library_wait_idle (f->tl);
  g_assert_true (f->tl->changes & VS_LIBRARY_CHANGE_VIDEOS);
  r = record_of (f, a);
  g_assert_true (r->watched);
  g_clear_pointer (&r, vs_video_record_free);
  r = record_of (f, b);
  g_assert_false (r->watched);
  g_clear_pointer (&r, vs_video_record_free);

  /* the whole library by ids: all watched, then all not */
  ids = vs_database_query_ids (vs_library_get_reader (f->lib), &all, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 3);
  vs_library_mark_watched_ids_async (f->lib, ids, TRUE, NULL, store, &result);
  finish_watched (f, &result);
  r = record_of (f, b);
  g_assert_true (r->watched);
  g_clear_pointer (&r, vs_video_record_free);
  vs_library_mark_watched_ids_async (f->lib, ids, FALSE, NULL, store, &result);
  finish_watched (f, &result);
  r = record_of (f, a);
  g_assert_false (r->watched);
  g_clear_pointer (&r, vs_video_record_free);

  /* a play to 96 %: watched and counted, through the writer */
  writes = vs_library_get_n_position_writes (f->lib);
  f->tl->n_changed = f->tl->changes = 0;
  vs_library_record_play_async (f->lib, b, 96000, 100000, NULL, store, &result);
  finish_watched (f, &result);
  vs_test_library_wait_idle (f->tl);
  g_assert_true (f->tl->changes & VS_LIBRARY_CHANGE_VIDEOS);
  g_assert_cmpuint (vs_library_get_n_position_writes (f->lib), ==, writes + 1);
  r = record_of (f, b);
  g_assert_true (r->watched);
  g_assert_cmpuint (r->play_count, ==, 1);
  g_assert_cmpint (r->last_played_ns, >, 0);
}

/* Collections ------------------------------------------------------------------------ */

typedef struct
{
  guint    n_emitted;
  gboolean off_main;   /* an emission came on another thread */
} CollectionsSeen;

static void
on_collections_changed (VsLibrary       *lib,
                        CollectionsSeen *seen)
{
  seen->n_emitted++;
  if (!g_main_context_is_owner (g_main_context_default ()))
    seen->off_main = TRUE;
}

static gint64
add_collection (Fixture    *f,
                const char *name,
                const char *query,
                int         position)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  vs_library_add_collection_async (f->lib, name, query, position, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  id = vs_library_add_collection_finish (f->lib, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
finish_collection (Fixture       *f,
                   GAsyncResult **result)
{
  g_autoptr(GError) error = NULL;

  vs_test_library_wait_result (result, WAIT_SECONDS);
  g_assert_true (vs_library_collection_finish (f->lib, *result, &error));
  g_assert_no_error (error);
  g_clear_object (result);
}

/* "name=query" of each collection, in order, joined by "|". */
static char *
list_collections (VsLibrary *lib)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = vs_library_list_collections (lib, &error);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      VsCollection *c = g_ptr_array_index (list, i);

      g_string_append_printf (out, "%s%s=%s", i > 0 ? "|" : "", c->name, c->query);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The verbs write on the writer; ::collections-changed follows each one on the main
 * thread (none for a refusal); the collections survive closing and reopening the library,
 * and their queries select the same videos. */
static void
test_collections (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *query_text = NULL;
  g_autofree char *expected = NULL;
  g_autofree VsVideoQuery *parsed = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CollectionsSeen seen = { 0 };
  VsVideoQuery query = { 0 };
  gint64 a, b, c;
  gint64 n_before;

  make_videos (f->tl->folder, "beach", 3);
  make_videos (f->tl->folder, "city", 2);
  vs_test_library_open (f->tl);
  vs_test_library_start (f->tl);
  vs_test_library_wait_idle (f->tl);
  g_signal_connect (f->lib, "collections-changed", G_CALLBACK (on_collections_changed), &seen);

  query.search = "beach";
  query.descending = TRUE;
  query_text = vs_video_query_to_string (&query);
  a = add_collection (f, "Beach", query_text, -1);
  g_assert_cmpuint (seen.n_emitted, ==, 1);
  b = add_collection (f, "All", "{}", -1);
  c = add_collection (f, "Third", "{}", -1);
  g_assert_cmpuint (seen.n_emitted, ==, 3);

  vs_library_rename_collection_async (f->lib, b, "Everything", NULL, store, &result);
  finish_collection (f, &result);
  g_assert_cmpuint (seen.n_emitted, ==, 4);
  vs_library_remove_collection_async (f->lib, c, NULL, store, &result);
  finish_collection (f, &result);
  g_assert_cmpuint (seen.n_emitted, ==, 5);
  /* an undone removal goes back where it was */
  vs_library_remove_collection_async (f->lib, a, NULL, store, &result);
  finish_collection (f, &result);
  a = add_collection (f, "Beach", query_text, 0);
  g_assert_cmpuint (seen.n_emitted, ==, 7);
  vs_library_move_collection_async (f->lib, b, 0, NULL, store, &result);
  finish_collection (f, &result);
  vs_library_move_collection_async (f->lib, b, 1, NULL, store, &result);
  finish_collection (f, &result);
  g_assert_cmpuint (seen.n_emitted, ==, 9);

  /* refusals: an error, nothing emitted */
  vs_library_add_collection_async (f->lib, " ", "{}", -1, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_cmpint (vs_library_add_collection_finish (f->lib, result, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&result);
  vs_library_add_collection_async (f->lib, "Bad", "{'sort': <42>}", -1, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_cmpint (vs_library_add_collection_finish (f->lib, result, &error), ==, 0);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_object (&result);
  vs_library_remove_collection_async (f->lib, 9999, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_false (vs_library_collection_finish (f->lib, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);
  vs_test_library_wait_idle (f->tl);
  g_assert_cmpuint (seen.n_emitted, ==, 9);
  g_assert_false (seen.off_main);

  before = list_collections (f->lib);
  expected = g_strconcat ("Beach=", query_text, "|Everything={}", NULL);
  g_assert_cmpstr (before, ==, expected);

  /* a restart: a new library on the same index */
  g_signal_handlers_disconnect_by_data (f->lib, f);
  g_signal_handlers_disconnect_by_data (f->lib, &seen);
  vs_test_library_reopen (f->tl);
  f->lib = f->tl->library;
  after = list_collections (f->lib);
  g_assert_cmpstr (after, ==, before);
  list = vs_library_list_collections (f->lib, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((VsCollection *) g_ptr_array_index (list, 0))->id, ==, a);
  parsed = vs_video_query_new_from_string (((VsCollection *) g_ptr_array_index (list, 0))->query,
                                           &error);
  g_assert_no_error (error);
  n_before = vs_database_count_videos (vs_library_get_reader (f->lib), parsed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n_before, ==, 3);
}

/* Live settings ---------------------------------------------------------------------- */

static void
test_n_workers (Fixture       *f,
                gconstpointer  data)
{
  const char *elements[] = { "videotestsrc", "x264enc", "h264parse", "mp4mux", NULL };
  g_autofree char *one = g_build_filename (f->tl->folder, "one.mp4", NULL);
  g_autofree char *two = g_build_filename (f->tl->folder, "two.mp4", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VsUpdateSummary summary = { 0 };
  VsMediaService *media;
  const char *clips[] = { one, two };

  if (!vs_test_media_require (elements))
    return;
  vs_test_media_clip (one, 1);
  vs_test_media_clip (two, 1);
  vs_test_library_open (f->tl);
  media = vs_library_get_media (f->lib);

  vs_library_set_n_workers (f->lib, 1);
  g_assert_cmpuint (vs_media_service_get_n_workers (media), ==, 1);
  vs_library_set_n_workers (f->lib, 3);
  g_assert_cmpuint (vs_media_service_get_n_workers (media), ==, 3);
  vs_library_set_n_workers (f->lib, 1);
  g_assert_cmpuint (vs_media_service_get_n_workers (media), ==, 1);

  /* the start probes in the background too; either way both clips get their duration */
  vs_test_library_start (f->tl);
  vs_library_update_media_async (f->lib, VS_UPDATE_PROBE, VS_THUMBNAIL_SIZE_LARGE, NULL,
                                 store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_update_media_finish (f->lib, result, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.probe_failed, ==, 0);
  vs_test_library_wait_idle (f->tl);
  g_assert_cmpuint (vs_media_service_get_n_workers (media), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (clips); i++)
    {
      g_autoptr(VsVideoRecord) record =
        vs_database_lookup_video (vs_library_get_reader (f->lib), clips[i], NULL);

      g_assert_nonnull (record);
      g_assert_cmpint (record->duration_ms, >=, 900);
      g_assert_cmpint (record->duration_ms, <=, 1100);
    }
}

/* Duplicates ------------------------------------------------------------------------- */

typedef struct
{
  guint    n_calls;
  guint    done;
  guint    total;
  gboolean off_main;   /* a call came on another thread */
} DuplicatesProgress;

static void
on_duplicates_progress (guint    done,
                        guint    total,
                        gpointer user_data)
{
  DuplicatesProgress *p = user_data;

  p->n_calls++;
  p->done = done;
  p->total = total;
  if (!g_main_context_is_owner (g_main_context_default ()))
    p->off_main = TRUE;
}

/* The groups at medium, as the number of videos of each, joined by spaces; with none,
 * @out_fingerprinted: how many videos have a fingerprint. */
static char *
list_duplicates (Fixture *f,
                 gint64  *out_fingerprinted)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  vs_library_list_duplicates_async (f->lib, VS_DUPLICATE_SENSITIVITY_MEDIUM, NULL, store,
                                    &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  groups = vs_library_list_duplicates_finish (f->lib, result, out_fingerprinted, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < groups->len; i++)
    {
      const VsDuplicateGroup *group = g_ptr_array_index (groups, i);

      g_string_append_printf (out, "%s%u", i > 0 ? " " : "", group->ids->len);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
mark_not_duplicates (Fixture  *f,
                     GArray   *ids,
                     gboolean  not_duplicates)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->tl->n_changed = f->tl->changes = 0;
  vs_library_mark_not_duplicates_async (f->lib, ids, not_duplicates, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_mark_not_duplicates_finish (f->lib, result, &error));
  g_assert_no_error (error);
  vs_test_library_wait_idle (f->tl);
  g_assert_true (f->tl->changes & VS_LIBRARY_CHANGE_VIDEOS);
}

/* The copy kept of the group @ids (@a, @b) by the largest and the oldest, read on a
 * thread; a group of ids the index lacks keeps none. */
static void
suggest_keep (Fixture    *f,
              GArray     *ids,
              const char *a,
              const char *b)
{
  GStatBuf sa, sb;
  gint64 ma, mb;
  const VsKeepRule rules[] = { VS_KEEP_RULE_LARGEST, VS_KEEP_RULE_NEWEST };

  g_assert_cmpint (g_stat (a, &sa), ==, 0);
  g_assert_cmpint (g_stat (b, &sb), ==, 0);
  g_assert_cmpint (sa.st_size, !=, sb.st_size);
  ma = (gint64) sa.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + sa.st_mtim.tv_nsec;
  mb = (gint64) sb.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + sb.st_mtim.tv_nsec;
  for (guint r = 0; r < G_N_ELEMENTS (rules); r++)
    {
      g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
      g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) kept = NULL;
      gint64 none = G_MAXINT64 - 1;
      gboolean first;

      if (rules[r] == VS_KEEP_RULE_LARGEST)
        first = sa.st_size > sb.st_size;
      else
        first = ma != mb ? ma > mb : sa.st_size > sb.st_size;   /* ties: most bytes */
      g_array_append_val (missing, none);
      g_ptr_array_add (groups, g_array_ref (ids));
      g_ptr_array_add (groups, g_array_ref (missing));
      vs_library_suggest_keep_async (f->lib, groups, rules[r], NULL, NULL, store, &result);
      vs_test_library_wait_result (&result, WAIT_SECONDS);
      kept = vs_library_suggest_keep_finish (f->lib, result, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (kept->len, ==, 2);
      g_assert_cmpint (g_array_index (kept, gint64, 0), ==,
                       g_array_index (ids, gint64, first ? 0 : 1));
      g_assert_cmpint (g_array_index (kept, gint64, 1), ==, 0);
    }
}

/* Finding probes and makes the fingerprints (no thumbnails: the page's cards ask for
 * theirs) with progress on the main thread and tells views of the pairs; a video and its re-encode are one group, a distinct video is
 * in none; "not duplicates" ungroups them, its undo groups them again; a second find has
 * nothing new. */
static void
test_duplicates (Fixture       *f,
                 gconstpointer  data)
{
  const char *elements[] = { "videotestsrc", "x264enc", "h264parse", "mp4mux", NULL };
  g_autofree char *a = g_build_filename (f->tl->folder, "a.mp4", NULL);
  g_autofree char *low = g_build_filename (f->tl->folder, "a low.mp4", NULL);
  g_autofree char *other = g_build_filename (f->tl->folder, "other.mp4", NULL);
  g_autofree char *groups = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  DuplicatesProgress progress = { 0 };
  guint new_pairs = G_MAXUINT;
  gint64 fingerprinted = -1;

  if (!vs_test_media_require (elements))
    return;
  g_assert_cmpint (g_mkdir_with_parents (f->tl->folder, 0755), ==, 0);
  vs_test_media_moving (a, "smpte", 20, 320, 240, 0);
  vs_test_media_moving (low, "smpte", 20, 320, 240, 150);
  vs_test_media_moving (other, "pinwheel", 20, 320, 240, 0);
  vs_test_library_open (f->tl);
  vs_test_library_start (f->tl);
  vs_test_library_wait_idle (f->tl);
  groups = list_duplicates (f, &fingerprinted);
  g_assert_cmpstr (groups, ==, "");
  g_assert_cmpint (fingerprinted, ==, 0);   /* nothing compared yet */

  f->tl->n_changed = f->tl->changes = 0;
  vs_library_find_duplicates_async (f->lib, NULL, on_duplicates_progress, &progress, store,
                                    &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_find_duplicates_finish (f->lib, result, &new_pairs, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (new_pairs, ==, 1);
  g_assert_cmpuint (progress.n_calls, >, 0);
  g_assert_cmpuint (progress.done, ==, progress.total);
  g_assert_false (progress.off_main);
  vs_test_library_wait_idle (f->tl);
  g_assert_true (f->tl->changes & VS_LIBRARY_CHANGE_VIDEOS);
  g_clear_pointer (&groups, g_free);
  groups = list_duplicates (f, &fingerprinted);
  g_assert_cmpstr (groups, ==, "2");

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(VsVideoRecord) record =
        vs_database_lookup_video (vs_library_get_reader (f->lib), i == 0 ? a : low, NULL);

      g_assert_nonnull (record);
      g_assert_cmpint (record->probe_state, ==, VS_MEDIA_STATE_DONE);
      g_assert_cmpint (record->thumb_state, ==, VS_MEDIA_STATE_PENDING);
      g_array_append_val (ids, record->id);
    }
  suggest_keep (f, ids, a, low);
  mark_not_duplicates (f, ids, TRUE);
  g_clear_pointer (&groups, g_free);
  groups = list_duplicates (f, &fingerprinted);
  g_assert_cmpstr (groups, ==, "");
  g_assert_cmpint (fingerprinted, ==, 3);   /* compared, and nothing alike */
  mark_not_duplicates (f, ids, FALSE);
  g_clear_pointer (&groups, g_free);
  groups = list_duplicates (f, &fingerprinted);
  g_assert_cmpstr (groups, ==, "2");

  vs_library_find_duplicates_async (f->lib, NULL, NULL, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_find_duplicates_finish (f->lib, result, &new_pairs, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (new_pairs, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *base = vs_test_make_tmpdir ();
  g_autofree char *home = g_build_filename (base, "home", NULL);
  g_autofree char *data_home = g_build_filename (base, "data", NULL);
  g_autofree char *cache_home = g_build_filename (base, "cache", NULL);
  g_autofree char *config_home = g_build_filename (base, "config", NULL);
  int status;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: it empties XDG_DATA_DIRS, where the scanner's content
   * types come from. A private home, trash (on the disk of the temporary libraries),
   * thumbnail cache and configuration, inherited by the media helpers. */
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (data_home, 0700), ==, 0);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, flags) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (flags), fixture_setup, func, fixture_teardown)
  ADD ("/library/state/open-close", test_open_close, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/state/corrupt", test_corrupt, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/state/read-only-missing", test_read_only_missing, VS_LIBRARY_FLAGS_READ_ONLY);
  ADD ("/library/start", test_start, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/state/readable-early", test_readable_early, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/state/first-rows", test_first_rows, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/state/readable-then-corrupt", test_readable_then_corrupt,
       VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/changed/coalesced", test_coalesced, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/rescan/shared", test_rescan_shared, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/rescan/unchanged", test_rescan_unchanged, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/roots/add-remove", test_add_remove_root, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/trash-restore", test_trash_restore, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/positions/round-trip", test_positions, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/positions/while-opening", test_position_while_opening, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/watched/verbs", test_watched_verbs, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/collections/verbs-restart", test_collections, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/settings/n-workers", test_n_workers, VS_LIBRARY_FLAGS_NONE);
  ADD ("/library/duplicates", test_duplicates, VS_LIBRARY_FLAGS_NONE);
#undef ADD

  status = g_test_run ();
  vs_test_rm_rf (base);
  return status;
}
