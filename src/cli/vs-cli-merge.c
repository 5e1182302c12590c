/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli merge: an HLS folder (or every one of the library) into one MP4, losslessly */
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

/* merge --all ----------------------------------------------------------------- */

typedef struct
{
  VsMergeAllSummary *summary;
  GError            *error;
  gboolean           done;
  gboolean           progress_shown;
} MergeAllRun;

static void
on_all_progress (guint       n_done,
                 guint       n_total,
                 const char *current,
                 guint64     bytes_done,
                 guint64     bytes_total,
                 gpointer    user_data)
{
  MergeAllRun *run = user_data;
  g_autofree char *name = NULL;
  guint percent = bytes_total > 0 ? (guint) (bytes_done * 100 / bytes_total) : 0;

  if (current == NULL)
    {
      fprintf (stderr, "\r\033[KMerging… %u of %u", n_done, n_total);
    }
  else
    {
      g_autofree char *base = g_path_get_dirname (current);
      g_autofree char *folder = g_path_get_basename (base);

      name = vs_cli_display_path (folder);
      fprintf (stderr, "\r\033[KMerging… %u of %u: %s %3u%%", n_done, n_total, name, percent);
    }
  run->progress_shown = TRUE;
}

static void
on_all_merged (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  MergeAllRun *run = user_data;

  run->summary = vs_library_merge_all_finish (VS_LIBRARY (object), result, &run->error);
  run->done = TRUE;
}

/* Each item on stdout as it is done, so nothing is kept whatever the library holds. */
static void
on_all_item (const VsMergeAllItem *item,
             gboolean              merged,
             gpointer              user_data)
{
  MergeAllRun *run = user_data;

  if (run->progress_shown)
    fprintf (stderr, "\r\033[K");
  if (merged)
    {
      g_autofree char *shown = vs_cli_display_path (item->output);

      printf ("merged: %s%s\n", shown,
              item->local_copies ? " (using local copies of the remote segments)" : "");
      if (item->error != NULL)
        {
          g_autofree char *why = vs_cli_escape_controls (item->error->message);

          printf ("  source kept: %s\n", why);
        }
    }
  else
    {
      g_autofree char *shown = vs_cli_display_path (item->path);
      g_autofree char *why = vs_cli_escape_controls (item->error->message);

      printf ("refused: %s: %s\n", shown, why);
    }
  fflush (stdout);
}

/* After the items: the counts. */
static void
print_totals (const VsMergeAllSummary *summary)
{
  g_autofree char *freed = g_format_size (summary->bytes_freed);

  printf ("merged %u, refused %u, %s freed%s\n", summary->n_merged, summary->n_refused, freed,
          summary->cancelled ? " (cancelled)" : "");
  fflush (stdout);
}

static int
merge_all (const char *db_path,
           const char *folder,
           gboolean    remove_source,
           guint       n_jobs)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *absolute = folder != NULL ? vs_cli_absolute (folder) : NULL;
  MergeAllRun run = { 0 };
  g_autoptr(VsMergeAllSummary) summary = NULL;

  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *shown = vs_cli_display_path (db_path);

      return vs_cli_fail ("no library at %s (scan a folder first)", shown);
    }
  library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_NONE, 1, &error);
  if (library == NULL)
    return vs_cli_fail_error (error);

  vs_library_merge_all_each_async (library, absolute,
                                   remove_source ? VS_MERGE_ALL_FLAGS_REMOVE_SOURCE : 0, n_jobs,
                                   cancellable, vs_cli_stderr_is_tty () ? on_all_progress : NULL,
                                   on_all_item, &run, on_all_merged, &run);
  vs_cli_wait (cancellable, &run.done);
  if (run.progress_shown)
    fprintf (stderr, "\r\033[K");
  if (run.summary == NULL)
    {
      int status = vs_cli_fail_error (run.error);

      g_clear_error (&run.error);
      return status;
    }
  summary = g_steal_pointer (&run.summary);
  print_totals (summary);
  /* the new MP4s get their durations, as after a single merge */
  if (!summary->cancelled && summary->n_merged > 0)
    vs_cli_run_update (library, VS_UPDATE_PROBE, VS_THUMBNAIL_SIZE_LARGE, VS_CLI_OUTPUT_QUIET,
                       cancellable);
  if (summary->cancelled)
    return vs_cli_fail ("merge cancelled; the item in progress was left as it was");
  if (summary->n_refused > 0)
    return vs_cli_fail ("%u of %u HLS items refused", summary->n_refused,
                        summary->n_refused + summary->n_merged);
  if (summary->n_sources_kept > 0)
    return vs_cli_fail ("some sources could not be moved to the trash");
  return VS_CLI_OK;
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
  g_autofree char *folder = NULL;
  gboolean force = FALSE, remove_source = FALSE, all = FALSE;
  int n_jobs = 1;
  const GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      "Merge every HLS item of the library, one after another", NULL },
    { "folder", 0, 0, G_OPTION_ARG_FILENAME, &folder,
      "With --all: only the items in DIR and below", "DIR" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &n_jobs,
      "With --all: merges at once (default 1: disks like one at a time)", "N" },
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
    g_option_context_new ("HLS_DIR_OR_PLAYLIST | --all — remux HLS downloads into MP4s, "
                          "losslessly");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) library_error = NULL;
  MergeRun run = { 0 };
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (all)
    {
      if (inputs != NULL && inputs[0] != NULL)
        return vs_cli_usage (context, "--all takes no HLS folder or playlist");
      if (output != NULL || force)
        return vs_cli_usage (context, "--all writes each MP4 beside its folder, never over "
                                      "a file: no --output or --force");
      if (n_jobs < 1 || n_jobs > 64)
        return vs_cli_usage (context, "--jobs must be between 1 and 64");
      db_path = vs_cli_db_path (db_option);
      return merge_all (db_path, folder, remove_source, (guint) n_jobs);
    }
  if (folder != NULL || n_jobs != 1)
    return vs_cli_usage (context, "--folder and --jobs go with --all");
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
  if (vs_hls_merge_get_used_local_copies (merge))
    fprintf (stderr, "vidshelf-cli: note: using local copies of the remote segments\n");
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
