/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-main.c: replays inputs through a fuzz target without libFuzzer
 *
 * Usage: fuzz-TARGET FILE_OR_FOLDER…; a folder's files are replayed in name order. Any
 * crash, sanitizer report or critical fails the run, so the regression corpus is a test.
 */
#include "config.h"

#include <stdio.h>

#include "fuzz-common.h"

static int
replay (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  LLVMFuzzerTestOneInput ((const uint8_t *) data, length);
  return 0;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static int
replay_folder (const char *folder,
               guint      *count)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (folder, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    {
      if (replay (g_ptr_array_index (names, i)) != 0)
        return 1;
      (*count)++;
    }
  return 0;
}

int
main (int    argc,
      char **argv)
{
  guint count = 0;

  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      int rc = g_file_test (argv[i], G_FILE_TEST_IS_DIR) ? replay_folder (argv[i], &count)
                                                          : replay (argv[i]);

      if (rc != 0)
        return rc;
      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        count++;
    }
  printf ("%u inputs replayed\n", count);
  return count > 0 ? 0 : 1;
}
