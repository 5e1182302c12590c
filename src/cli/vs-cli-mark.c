/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli mark: videos marked watched or unwatched in the library */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>

#include "vs-cli.h"

typedef struct
{
  GError   *error;
  gboolean  done;
} MarkRun;

static void
on_marked (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  MarkRun *run = user_data;

  vs_library_watched_finish (VS_LIBRARY (object), result, &run->error);
  run->done = TRUE;
}

/* The path the index keys @path's state by: an indexed video as it is, an HLS download's
 * folder as its playlist, a file outside the library as it is (the player remembers those
 * too). NULL with @error for anything else, so a typo is not marked. */
static char *
resolve (VsDatabase  *reader,
         const char  *path,
         GError     **error)
{
  g_autoptr(VsVideoRecord) record = vs_database_lookup_video (reader, path, NULL);
  g_autofree char *shown = NULL;

  if (record != NULL)
    return g_strdup (path);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GPtrArray) playlists = vs_database_query_hls_paths (reader, path, NULL, 2, error);

      if (playlists == NULL)
        return NULL;
      if (playlists->len == 1)
        return g_strdup (g_ptr_array_index (playlists, 0));
    }
  else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_strdup (path);
  shown = vs_cli_display_path (path);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: not a video file nor an indexed "
               "HLS download", shown);
  return NULL;
}

int
vs_cli_mark (int    argc,
             char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_auto(GStrv) args = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  gboolean watched = FALSE, unwatched = FALSE;
  const GOptionEntry entries[] = {
    { "watched", 0, 0, G_OPTION_ARG_NONE, &watched, "Mark as watched", NULL },
    { "unwatched", 0, 0, G_OPTION_ARG_NONE, &unwatched, "Mark as not watched", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, "PATH…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("--watched|--unwatched PATH… — mark videos as watched or unwatched");
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  MarkRun run = { 0 };
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Either way the place a video was left at is forgotten; how often and when it was\n"
    "played stay. An HLS download is named by its playlist or its folder. Nothing is\n"
    "marked unless every PATH is a video.");
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (watched == unwatched)
    return vs_cli_usage (context, "give one of --watched and --unwatched");
  if (args == NULL || args[0] == NULL)
    return vs_cli_usage (context, "give at least one PATH");

  db_path = vs_cli_db_path (db_option);
  library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_NONE, 0, &error);
  if (library == NULL)
    return vs_cli_fail_error (error);
  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autofree char *path = vs_cli_absolute (args[i]);
      char *key = resolve (vs_library_get_reader (library), path, &error);

      if (key == NULL)
        return vs_cli_fail_error (error);
      g_ptr_array_add (paths, key);
    }
  g_ptr_array_add (paths, NULL);

  vs_library_mark_watched_async (library, (const char * const *) paths->pdata, watched, NULL,
                                 on_marked, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  if (run.error != NULL)
    {
      int failed = vs_cli_fail_error (run.error);

      g_error_free (run.error);
      return failed;
    }
  for (guint i = 0; i + 1 < paths->len; i++)
    {
      g_autofree char *shown = vs_cli_display_path (g_ptr_array_index (paths, i));

      printf ("%s %s\n", watched ? "watched" : "unwatched", shown);
    }
  return VS_CLI_OK;
}
