/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli rename: one video or HLS download renamed, through the guarded module */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vs-filmstrip.h"
#include "vs-cli.h"
#include "vs-path.h"
#include "vs-thumbnailer.h"
#include "vs-trash.h"

typedef struct
{
  char     *new_path;
  GError   *error;
  gboolean  done;
} RenameRun;

static void
on_renamed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RenameRun *run = user_data;

  run->new_path = vs_library_rename_finish (VS_LIBRARY (object), result, &run->error);
  run->done = TRUE;
}

/* Renames @path: through the library when there is one (its row, facts, position and
 * thumbnails follow), else straight through the guarded module (the thumbnails follow). */
static char *
rename_item (VsLibrary   *library,
             const char  *path,
             const char  *name,
             GError     **error)
{
  RenameRun run = { 0 };

  if (library == NULL)
    {
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;
      g_autofree char *old_uri = NULL;
      g_autofree char *new_uri = NULL;
      char *new_path;

      if (!vs_trash_rename (path, name, NULL, &from, &to, NULL, error))
        return NULL;
      new_path = vs_path_is_inside (path, from) ? g_strconcat (to, path + strlen (from), NULL)
                                                : g_strdup (to);
      old_uri = g_filename_to_uri (path, NULL, NULL);
      new_uri = g_filename_to_uri (new_path, NULL, NULL);
      if (old_uri != NULL && new_uri != NULL)
        {
          vs_thumbnail_move (old_uri, new_uri);
          vs_filmstrip_move (old_uri, new_uri);
        }
      return new_path;
    }
  vs_library_rename_async (library, path, name, NULL, on_renamed, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return run.new_path;
}

int
vs_cli_rename (int    argc,
               char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *path = NULL;
  g_autofree char *new_path = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_auto(GStrv) args = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, "PATH NEW_NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PATH NEW_NAME — rename a video or an HLS download in its folder");
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "A video's subtitles (NAME.srt, NAME.LANG.vtt…) are renamed with it; an HLS download\n"
    "(named by its playlist or its folder) renames its folder. Nothing is ever written over:\n"
    "a name that exists is refused. The library's index, playback positions and thumbnails\n"
    "follow.");
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (args == NULL || g_strv_length (args) != 2)
    return vs_cli_usage (context, "give one PATH and one NEW_NAME");

  /* A missing library is left missing. */
  db_path = vs_cli_db_path (db_option);
  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_NONE, 0, &error);
      if (library == NULL)
        return vs_cli_fail_error (error);
    }
  path = vs_cli_absolute (args[0]);
  new_path = rename_item (library, path, args[1], &error);
  if (new_path == NULL)
    return vs_cli_fail_error (error);
  from = vs_cli_display_path (path);
  to = vs_cli_display_path (new_path);
  printf ("%s -> %s\n", from, to);
  return VS_CLI_OK;
}
