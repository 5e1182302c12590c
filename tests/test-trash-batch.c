/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-trash-batch.c: many videos moved to the trash as one action, and its one undo
 *
 * Each case takes a snapshot of every entry of the library folders (inode, size and
 * SHA-256 of each file) before, after the trash and after the undo: only the selected
 * items' files may go, a refused one stays exactly as it was, and the undo brings back
 * the very same files (same inodes) with the index following. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "vs-test-library.h"

#define WAIT_SECONDS 60

static char *data_home;

/* Snapshots -------------------------------------------------------------------------- */

/* Every entry below @folders, by path relative to the parent of each. */
static GHashTable *
snap (const char * const *folders)
{
  GHashTable *table = NULL;

  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (folders[i]);

      table = vs_test_snapshot (table, folders[i], base);
    }
  return table;
}

static guint
count_in (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Helpers ---------------------------------------------------------------------------- */

static gint64
id_of (VsTestLibrary *tl,
       const char    *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) record = vs_database_lookup_video (vs_library_get_reader (tl->library),
                                                              path, &error);

  /* not indexed: an error of its own */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return -1;
  g_assert_no_error (error);
  return record != NULL ? record->id : -1;
}

static void
store (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  vs_test_library_store_result (object, result, user_data);
}

typedef struct
{
  guint         n_calls;
  guint         last_done;
  guint         last_total;
  guint         cancel_at;     /* 0: never */
  GCancellable *cancellable;
} Progress;

static void
on_progress (guint    n_done,
             guint    n_total,
             gpointer user_data)
{
  Progress *p = user_data;

  /* monotonic, never past the total */
  g_assert_cmpuint (n_done, >=, p->last_done);
  g_assert_cmpuint (n_done, <=, n_total);
  p->n_calls++;
  p->last_done = n_done;
  p->last_total = n_total;
  if (p->cancel_at > 0 && n_done >= p->cancel_at)
    g_cancellable_cancel (p->cancellable);
}

static VsTrashBatch *
trash_ids (VsTestLibrary *tl,
           GArray        *ids,
           Progress      *progress)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VsTrashBatch *batch;

  vs_library_trash_ids_async (tl->library, ids, progress->cancellable, on_progress, progress,
                              store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  batch = vs_library_trash_ids_finish (tl->library, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  return batch;
}

static void
restore (VsTestLibrary *tl,
         VsTrashBatch  *batch)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vs_library_restore_batch_async (tl->library, batch, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_restore_batch_finish (tl->library, result, &error));
  g_assert_no_error (error);
  vs_test_library_wait_idle (tl);
}

static void
assert_trash_empty (void)
{
  g_autofree char *files = g_build_filename (data_home, "Trash", "files", NULL);
  g_autofree char *info = g_build_filename (data_home, "Trash", "info", NULL);

  g_assert_cmpuint (count_in (files), ==, 0);
  g_assert_cmpuint (count_in (info), ==, 0);
}

static void
add_root (VsTestLibrary *tl,
          const char    *folder)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vs_library_add_root_async (tl->library, folder, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_scan_finish (tl->library, result, NULL, &error));
  g_assert_no_error (error);
  vs_test_library_wait_idle (tl);
}

/* Cases ------------------------------------------------------------------------------ */

/* Plain files, an HLS download that goes as a folder, one that goes file by file (its
 * notes stay), a refused item (on /dev/shm, a disk without a trash of ours) and an id no
 * longer indexed: one batch, one undo. */
static void
test_mixed (void)
{
  g_autoptr(VsTestLibrary) tl = vs_test_library_new (VS_LIBRARY_FLAGS_NONE);
  g_autofree char *shm_dir = g_strdup ("/dev/shm/vidshelf-batch-XXXXXX");
  g_autofree char *dl = g_build_filename (tl->folder, "dl", NULL);
  g_autofree char *show = g_build_filename (tl->folder, "show", NULL);
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *refused = NULL;
  g_autofree char *dl_playlist = g_build_filename (dl, "index.m3u8", NULL);
  g_autofree char *show_playlist = g_build_filename (show, "index.m3u8", NULL);
  g_autofree char *notes = NULL;
  g_autofree char *changes = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GHashTable) undone = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(VsTrashBatch) batch = NULL;
  g_auto(GStrv) folders = NULL;
  Progress progress = { 0 };
  gint64 gone_id = G_MAXINT64 - 1;
  const char *roots[3] = { NULL };

  /* /dev/shm is a tmpfs GIO counts as the system's: no trash there, a refusal */
  if (g_mkdtemp (shm_dir) == NULL)
    {
      g_test_skip ("no /dev/shm");
      return;
    }
  a = vs_test_library_add_file (tl, "a.mp4", "a");
  b = vs_test_library_add_file (tl, "b.mp4", "b");
  c = vs_test_library_add_file (tl, "sub/c.mp4", "c");
  vs_test_make_hls_download (dl, 3, 0, VS_TEST_HLS_PLAIN);
  vs_test_make_hls_download (show, 2, 0, VS_TEST_HLS_PLAIN);
  notes = vs_test_library_add_file (tl, "show/notes.txt", "notes");
  refused = g_build_filename (shm_dir, "r.mp4", NULL);
  vs_test_write_file (refused, "r", -1);

  vs_test_library_open (tl);
  vs_test_library_start (tl);
  add_root (tl, shm_dir);
  roots[0] = tl->folder;
  roots[1] = shm_dir;
  before = snap (roots);

  {
    const char *selected[] = { a, refused, dl_playlist, c, show_playlist };

    for (guint i = 0; i < G_N_ELEMENTS (selected); i++)
      {
        gint64 id = id_of (tl, selected[i]);

        g_assert_cmpint (id, >, 0);
        g_array_append_val (ids, id);
        /* a row that went meanwhile is skipped, neither moved nor refused */
        if (i == 2)
          g_array_append_val (ids, gone_id);
      }
  }
  batch = trash_ids (tl, ids, &progress);
  g_assert_cmpuint (vs_trash_batch_get_n_items (batch), ==, 4);
  g_assert_cmpuint (vs_trash_batch_get_n_refused (batch), ==, 1);
  g_assert_nonnull (vs_trash_batch_get_refusals (batch)[0]);
  g_assert_null (vs_trash_batch_get_refusals (batch)[1]);
  g_test_message ("refused: %s", vs_trash_batch_get_refusals (batch)[0]);
  g_assert_true (strstr (vs_trash_batch_get_refusals (batch)[0], "r.mp4") != NULL);
  /* dl goes as one folder entry, show file by file (playlist and two segments) */
  g_assert_cmpuint (vs_trash_batch_get_n_entries (batch), ==, 1 + 1 + 1 + 3);
  g_assert_cmpuint (progress.last_done, ==, 6);
  g_assert_cmpuint (progress.last_total, ==, 6);
  folders = vs_trash_batch_dup_folders (batch);
  g_assert_cmpuint (g_strv_length (folders), ==, 3);

  vs_test_library_wait_idle (tl);
  after = snap (roots);
  changes = vs_test_snapshot_diff (before, after);
  g_assert_cmpstr (changes, ==,
                   "-Videos/a.mp4 -Videos/dl -Videos/dl/index.m3u8 -Videos/dl/seg00000.ts "
                   "-Videos/dl/seg00001.ts -Videos/dl/seg00002.ts -Videos/show/index.m3u8 "
                   "-Videos/show/seg00000.ts -Videos/show/seg00001.ts -Videos/sub/c.mp4");
  /* the index follows: the moved rows are gone, the others stay */
  g_assert_cmpint (id_of (tl, a), ==, -1);
  g_assert_cmpint (id_of (tl, c), ==, -1);
  g_assert_cmpint (id_of (tl, dl_playlist), ==, -1);
  g_assert_cmpint (id_of (tl, show_playlist), ==, -1);
  g_assert_cmpint (id_of (tl, b), >, 0);
  g_assert_cmpint (id_of (tl, refused), >, 0);

  restore (tl, batch);
  g_assert_cmpuint (vs_trash_batch_get_n_items (batch), ==, 0);
  undone = snap (roots);
  g_clear_pointer (&changes, g_free);
  changes = vs_test_snapshot_diff (before, undone);
  g_assert_cmpstr (changes, ==, "");
  assert_trash_empty ();
  g_assert_cmpint (id_of (tl, a), >, 0);
  g_assert_cmpint (id_of (tl, c), >, 0);
  g_assert_cmpint (id_of (tl, dl_playlist), >, 0);
  g_assert_cmpint (id_of (tl, show_playlist), >, 0);
  vs_test_rm_rf (shm_dir);
}

/* A restore never goes over something new at an original place: that item stays in the
 * trash (and in the batch, so the undo can be tried again), the others come back. */
static void
test_restore_exists (void)
{
  g_autoptr(VsTestLibrary) tl = vs_test_library_new (VS_LIBRARY_FLAGS_NONE);
  g_autofree char *a = vs_test_library_add_file (tl, "a.mp4", "a");
  g_autofree char *b = vs_test_library_add_file (tl, "b.mp4", "b");
  g_autofree char *sum = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(VsTrashBatch) batch = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };
  gint64 id;

  vs_test_library_open (tl);
  vs_test_library_start (tl);
  id = id_of (tl, a);
  g_array_append_val (ids, id);
  id = id_of (tl, b);
  g_array_append_val (ids, id);
  batch = trash_ids (tl, ids, &progress);
  g_assert_cmpuint (vs_trash_batch_get_n_items (batch), ==, 2);
  vs_test_write_file (a, "new a", -1);
  sum = vs_test_file_checksum (a);

  vs_library_restore_batch_async (tl->library, batch, NULL, store, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_false (vs_library_restore_batch_finish (tl->library, result, &error));
  g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_EXISTS);
  g_test_message ("%s", error->message);
  g_assert_true (strstr (error->message, "a.mp4") != NULL);
  g_clear_error (&error);
  g_clear_object (&result);
  /* the new file is untouched, b is back, a still in the trash and in the batch */
  {
    g_autofree char *now = vs_test_file_checksum (a);
    g_autofree char *b_bytes = NULL;

    g_assert_cmpstr (now, ==, sum);
    g_assert_true (g_file_get_contents (b, &b_bytes, NULL, NULL));
    g_assert_cmpstr (b_bytes, ==, "b");
  }
  g_assert_cmpuint (vs_trash_batch_get_n_items (batch), ==, 1);

  /* once the place is free again, the second undo brings it back */
  g_assert_cmpint (g_unlink (a), ==, 0);
  restore (tl, batch);
  {
    g_autofree char *a_bytes = NULL;

    g_assert_true (g_file_get_contents (a, &a_bytes, NULL, NULL));
    g_assert_cmpstr (a_bytes, ==, "a");
  }
  assert_trash_empty ();
}

/* A cancel in the middle: what went stays gone, in the index too, and the batch undoes
 * exactly that; nothing else moved. */
static void
test_cancel (void)
{
  g_autoptr(VsTestLibrary) tl = vs_test_library_new (VS_LIBRARY_FLAGS_NONE);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(VsTrashBatch) batch = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GHashTable) undone = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *changes = NULL;
  const char *roots[2] = { NULL };
  const guint n = 600;
  Progress progress = { 0 };
  guint moved, gone = 0, indexed = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("v%04u.mp4", i);
      g_autofree char *contents = g_strdup_printf ("video %u", i);
      g_autofree char *path = vs_test_library_add_file (tl, name, contents);
    }
  vs_test_library_open (tl);
  vs_test_library_start (tl);
  roots[0] = tl->folder;
  before = snap (roots);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/v%04u.mp4", tl->folder, i);
      gint64 id = id_of (tl, path);

      g_array_append_val (ids, id);
    }
  progress.cancellable = cancellable;
  progress.cancel_at = 20;
  batch = trash_ids (tl, ids, &progress);
  moved = vs_trash_batch_get_n_items (batch);
  g_test_message ("moved %u of %u before the cancel", moved, n);
  g_assert_cmpuint (moved, >=, 20);
  g_assert_cmpuint (moved, <, n);
  g_assert_cmpuint (vs_trash_batch_get_n_refused (batch), ==, 0);

  /* consistent: each file is either there and indexed, or gone and not */
  vs_test_library_wait_idle (tl);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/v%04u.mp4", tl->folder, i);
      gboolean there = g_file_test (path, G_FILE_TEST_EXISTS);

      g_assert_true (there == (id_of (tl, path) > 0));
      gone += !there;
      indexed += there;
    }
  g_assert_cmpuint (gone, ==, moved);
  after = snap (roots);
  g_assert_cmpuint (g_hash_table_size (after), ==, g_hash_table_size (before) - moved);

  restore (tl, batch);
  undone = snap (roots);
  changes = vs_test_snapshot_diff (before, undone);
  g_assert_cmpstr (changes, ==, "");
  assert_trash_empty ();
  for (guint i = 0; i < n; i += 37)
    {
      g_autofree char *path = g_strdup_printf ("%s/v%04u.mp4", tl->folder, i);

      g_assert_cmpint (id_of (tl, path), >, 0);
    }
}

/* The undo record is flat: a few dozen bytes and a name per entry, not an object each. */
static void
test_compact (void)
{
  g_autoptr(VsTestLibrary) tl = vs_test_library_new (VS_LIBRARY_FLAGS_NONE);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(VsTrashBatch) batch = NULL;
  Progress progress = { 0 };
  const guint n = 400;
  gsize size;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("folder%u/clip-%04u.mp4", i % 7, i);
      g_autofree char *path = vs_test_library_add_file (tl, name, "x");
    }
  vs_test_library_open (tl);
  vs_test_library_start (tl);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/folder%u/clip-%04u.mp4", tl->folder, i % 7, i);
      gint64 id = id_of (tl, path);

      g_assert_cmpint (id, >, 0);
      g_array_append_val (ids, id);
    }
  batch = trash_ids (tl, ids, &progress);
  g_assert_cmpuint (vs_trash_batch_get_n_items (batch), ==, n);
  size = vs_trash_batch_get_memory_size (batch);
  g_test_message ("undo record: %" G_GSIZE_FORMAT " bytes for %u items", size, n);
  /* 24 + 16 bytes and the 14-byte name a video, the folders once: under 64 bytes each */
  g_assert_cmpuint (size, <, n * 64 + 4096);
  /* one folder each to rescan, whatever the number of items */
  {
    g_auto(GStrv) folders = vs_trash_batch_dup_folders (batch);

    g_assert_cmpuint (g_strv_length (folders), ==, 7);
  }
  restore (tl, batch);
  assert_trash_empty ();
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *base = vs_test_make_tmpdir ();
  g_autofree char *home = g_build_filename (base, "home", NULL);
  g_autofree char *cache_home = g_build_filename (base, "cache", NULL);
  g_autofree char *config_home = g_build_filename (base, "config", NULL);
  int status;

  /* A private home, trash (on the disk of the temporary libraries) and configuration. */
  data_home = g_build_filename (base, "data", NULL);
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (data_home, 0700), ==, 0);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trash-batch/mixed", test_mixed);
  g_test_add_func ("/trash-batch/restore-exists", test_restore_exists);
  g_test_add_func ("/trash-batch/cancel", test_cancel);
  g_test_add_func ("/trash-batch/compact", test_compact);

  status = g_test_run ();
  vs_test_rm_rf (base);
  g_free (data_home);
  return status;
}
