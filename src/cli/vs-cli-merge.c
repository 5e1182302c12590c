/* vidshelf-cli merge: an HLS folder into one MP4, losslessly */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vs-cli.h"
#include "vs-hls-merge.h"
#include "vs-media-service.h"
#include "vs-scanner.h"
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

/* The library roots holding the output or the source get an incremental rescan, so the
 * MP4 appears and a trashed HLS item disappears. A missing library is left missing. */
static void
update_library (const char   *db_path,
                const char   *output,
                const char   *source,
                GCancellable *cancellable)
{
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(VsScanner) scanner = NULL;
  g_autoptr(GPtrArray) roots = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) all_roots = NULL;
  VsScanSummary summary;

  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    return;
  db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
  if (db != NULL)
    all_roots = vs_database_dup_roots (db, &error);
  if (all_roots == NULL)
    {
      g_warning ("The library was not updated: %s", error->message);
      return;
    }
  for (guint i = 0; all_roots[i] != NULL; i++)
    if (vs_path_is_inside (output, all_roots[i]) || (source != NULL && vs_path_is_inside (source, all_roots[i])))
      g_ptr_array_add (roots, all_roots[i]);
  if (roots->len == 0)
    return;
  g_ptr_array_add (roots, NULL);

  scanner = vs_scanner_new (db);
  if (!vs_scanner_scan (scanner, (const char * const *) roots->pdata, &summary, NULL, NULL,
                        cancellable, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The library was not updated: %s", error->message);
      return;
    }

  /* the new MP4's duration and codecs, as a scan would */
  {
    g_autoptr(VsMediaService) service = vs_media_service_new (1, 0);

    vs_cli_run_update (service, db, VS_UPDATE_PROBE, VS_THUMBNAIL_SIZE_LARGE,
                       VS_CLI_OUTPUT_QUIET, cancellable);
  }
}

int
vs_cli_merge (int    argc,
              char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *output = NULL;
  g_autofree char *written = NULL;
  g_autofree char *source = NULL;
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
  if (remove_source && g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      /* the library's own folders never go to the trash */
      g_autoptr(VsDatabase) db = vs_database_open (db_path, VS_DATABASE_MODE_READER, NULL);
      g_auto(GStrv) roots = db != NULL ? vs_database_dup_roots (db, NULL) : NULL;

      vs_hls_merge_set_library_roots (merge, (const char * const *) roots);
    }
  vs_hls_merge_set_output (merge, output);
  vs_hls_merge_set_force (merge, force);
  vs_hls_merge_set_remove_source (merge, remove_source);
  if (vs_cli_stderr_is_tty ())
    g_signal_connect (merge, "progress", G_CALLBACK (on_progress), &run);

  vs_hls_merge_run_async (merge, cancellable, on_merged, &run);
  vs_cli_wait (cancellable, &run.done);
  if (run.progress_shown)
    fprintf (stderr, "\r\033[K");

  written = vs_hls_merge_dup_output (merge);
  source = vs_hls_merge_dup_source_folder (merge);
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
  update_library (db_path, written,
                  vs_hls_merge_get_source_trashed (merge) ? source : NULL, NULL);
  if (run.error != NULL)
    {
      status = vs_cli_fail_error (run.error);
      g_clear_error (&run.error);
      return status;
    }
  return VS_CLI_OK;
}
