/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli merge: an HLS folder into one MP4, losslessly */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vs-cli.h"
#include "vs-hls-merge.h"
#include "vs-path.h"

#define BAR_WIDTH 30

typedef struct
{
  GError   *error;
  gboolean  done;
  gboolean  progress_shown;
} MergeRun;

static void
on_progress (VsHlsMerge *merge,
             guint64     done,
             guint64     total,
             MergeRun   *run)
{
  g_autofree char *done_text = g_format_size (done);
  g_autofree char *total_text = g_format_size (total);
  char bar[BAR_WIDTH + 1];
  guint filled = total > 0 ? (guint) (done * BAR_WIDTH / total) : 0;

  memset (bar, '#', filled);
  memset (bar + filled, '-', BAR_WIDTH - filled);
  bar[BAR_WIDTH] = '\0';
  fprintf (stderr, "\r\033[KMerging [%s] %3u%% %s of %s", bar,
           total > 0 ? (guint) (done * 100 / total) : 0, done_text, total_text);
  run->progress_shown = TRUE;
}

static void
on_merged (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  MergeRun *run = user_data;

  vs_hls_merge_run_finish (VS_HLS_MERGE (object), result, &run->error);
  run->done = TRUE;
}

static void
on_library_merged (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MergeRun *run = user_data;

  vs_library_merge_finish (VS_LIBRARY (object), result, &run->error);
  run->done = TRUE;
}

int
vs_cli_merge (int    argc,
              char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *output = NULL;
  g_autofree char *written = NULL;
  g_autofree char *display = NULL;
  g_auto(GStrv) inputs = NULL;
  gboolean force = FALSE, remove_source = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write FILE (default: <folder name>.mp4 beside the folder)", "FILE.mp4" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Replace an existing output", NULL },
    { "remove-source", 0, 0, G_OPTION_ARG_NONE, &remove_source,
      "Move the HLS folder to the trash once the MP4 is verified", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database to update", "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL,
      "HLS_DIR_OR_PLAYLIST" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("HLS_DIR_OR_PLAYLIST — remux an HLS download into one MP4, losslessly");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) library_error = NULL;
  MergeRun run = { 0 };
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (inputs == NULL || inputs[0] == NULL || inputs[1] != NULL)
    return vs_cli_usage (context, "merge takes exactly one HLS folder or playlist");
  if (output != NULL && output[0] == '\0')
    return vs_cli_usage (context, "--output must name a file");
  db_path = vs_cli_db_path (db_option);

  merge = vs_hls_merge_new (inputs[0]);
  /* A missing library is left missing; one that cannot be opened does not stop the merge. */
  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_NONE, 1, &library_error);
  vs_hls_merge_set_output (merge, output);
  vs_hls_merge_set_force (merge, force);
  vs_hls_merge_set_remove_source (merge, remove_source);
  if (vs_cli_stderr_is_tty ())
    g_signal_connect (merge, "progress", G_CALLBACK (on_progress), &run);

  /* Through the library, as from the grid and the player: its folders never go to the
   * trash, and the folders of the MP4 and of a trashed download inside it are rescanned. */
  if (library != NULL)
    vs_library_merge_async (library, merge, cancellable, on_library_merged, &run);
  else
    vs_hls_merge_run_async (merge, cancellable, on_merged, &run);
  vs_cli_wait (cancellable, &run.done);
  if (run.progress_shown)
    fprintf (stderr, "\r\033[K");

  written = vs_hls_merge_dup_output (merge);
  if (run.error != NULL && g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&run.error);
      return vs_cli_fail ("merge cancelled; nothing was written");
    }
  if (run.error != NULL && !g_error_matches (run.error, VS_MERGE_ERROR,
                                             VS_MERGE_ERROR_TRASH_FAILED))
    {
      status = vs_cli_fail_error (run.error);
      g_clear_error (&run.error);
      return status;
    }

  display = g_filename_display_name (written);
  printf ("%s\n", display);
  fflush (stdout);
  if (library_error != NULL)
    g_warning ("The library was not updated: %s", library_error->message);
  else if (library != NULL)
    vs_cli_run_update (library, VS_UPDATE_PROBE, VS_THUMBNAIL_SIZE_LARGE, VS_CLI_OUTPUT_QUIET,
                       cancellable);
  if (run.error != NULL)
    {
      status = vs_cli_fail_error (run.error);
      g_clear_error (&run.error);
      return status;
    }
  return VS_CLI_OK;
}
