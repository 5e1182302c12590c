/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-trash-batch: N tiny videos (default 10,000, 100 a folder) moved to the trash as one
 * selection (vs_library_trash_ids_async) and back (vs_library_restore_batch_async), in a
 * private home and trash: the time of each, the peak RSS growth during the trash (VmHWM
 * after resetting it), and the undo record's size. Checks every file came back.
 *
 * Usage: bench-trash-batch [N]   (run a release build; by hand, never in CI) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vs-library.h"

static gsize
status_kb (const char *field)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) ||
      (line = strstr (text, field)) == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + strlen (field), NULL, 10);
}

static void
store (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 10000;
  g_autofree char *base = g_dir_make_tmp ("vidshelf-bench-trash-XXXXXX", NULL);
  g_autofree char *home = g_build_filename (base, "home", NULL);
  g_autofree char *data = g_build_filename (base, "data", NULL);
  g_autofree char *lib = g_build_filename (base, "lib", NULL);
  g_autofree char *db = g_build_filename (base, "library.db", NULL);
  const char *roots[] = { lib, NULL };
  g_autoptr(VsLibrary) library = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(VsTrashBatch) batch = NULL;
  VsVideoQuery query = { .sort = VS_SORT_NAME };
  gsize rss_before, hwm;
  gint64 t0, t_trash, t_restore;
  guint back = 0;

  g_mkdir_with_parents (home, 0700);
  g_mkdir_with_parents (data, 0700);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/folder %03u", lib, i / 100);
      g_autofree char *path = g_strdup_printf ("%s/clip %05u.mp4", dir, i);

      if (i % 100 == 0)
        g_mkdir_with_parents (dir, 0755);
      g_file_set_contents (path, "not a real video", -1, NULL);
    }

  library = vs_library_new (db, VS_LIBRARY_FLAGS_HEADLESS);
  if (!vs_library_open (library, &error))
    g_error ("%s", error->message);
  vs_library_add_roots_async (library, roots, NULL, store, &result);
  if (!vs_library_scan_finish (library, wait (&result), NULL, &error))
    g_error ("%s", error->message);
  g_clear_object (&result);
  ids = vs_database_query_ids (vs_library_get_reader (library), &query, &error);
  g_assert (ids != NULL && ids->len == n);

  /* the peak from here on */
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
  rss_before = status_kb ("VmRSS:");
  t0 = g_get_monotonic_time ();
  vs_library_trash_ids_async (library, ids, NULL, NULL, NULL, store, &result);
  batch = vs_library_trash_ids_finish (library, wait (&result), &error);
  t_trash = g_get_monotonic_time () - t0;
  hwm = status_kb ("VmHWM:");
  g_clear_object (&result);
  g_assert (batch != NULL && vs_trash_batch_get_n_items (batch) == n);

  t0 = g_get_monotonic_time ();
  vs_library_restore_batch_async (library, batch, NULL, store, &result);
  if (!vs_library_restore_batch_finish (library, wait (&result), &error))
    g_error ("%s", error->message);
  t_restore = g_get_monotonic_time () - t0;
  g_clear_object (&result);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/folder %03u/clip %05u.mp4", lib, i / 100, i);

      back += g_file_test (path, G_FILE_TEST_IS_REGULAR);
    }

  printf ("items                      %u (%u folders)\n", n, (n + 99) / 100);
  printf ("trash (index rows removed) %.2f s, %.0f items/s\n", t_trash / 1e6,
          n / (t_trash / 1e6));
  printf ("peak RSS growth (trash)    %.1f MiB (RSS before %.1f MiB)\n",
          (double) (hwm > rss_before ? hwm - rss_before : 0) / 1024, rss_before / 1024.0);
  printf ("undo record                %" G_GSIZE_FORMAT " bytes (%.1f bytes/item)\n",
          vs_trash_batch_get_memory_size (batch),
          (double) vs_trash_batch_get_memory_size (batch) / n);
  printf ("restore (and rescan)       %.2f s\n", t_restore / 1e6);
  printf ("back in place              %u of %u: %s\n", back, n, back == n ? "PASS" : "FAIL");

  vs_library_close_async (library, store, &result);
  vs_library_close_finish (library, wait (&result), NULL);
  g_clear_object (&result);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", base);

    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", base);
  }
  return back == n ? 0 : 1;
}
