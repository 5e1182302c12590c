/* vidshelf-cli scan: index folders */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>

#include "vs-cli.h"
#include "vs-media-service.h"
#include "vs-scanner.h"

typedef struct
{
  VsScanSummary  summary;
  GError        *error;
  gboolean       done;
  gboolean       progress_shown;
} ScanRun;

static void
on_progress (VsScanner *scanner,
             guint      folders_done,
             guint      videos_seen,
             guint      changes,
             ScanRun   *run)
{
  fprintf (stderr, "\r\033[KScanning… %u videos in %u folders", videos_seen, folders_done);
  run->progress_shown = TRUE;
}

static void
on_scanned (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ScanRun *run = user_data;

  vs_scanner_scan_finish (VS_SCANNER (object), result, &run->summary, &run->error);
  run->done = TRUE;
}

gboolean
vs_cli_run_scan (VsScanner           *scanner,
                 const char * const  *folders,
                 GCancellable        *cancellable,
                 VsScanSummary       *out_summary,
                 GError             **error)
{
  ScanRun run = { 0 };
  gulong progress_id = 0;

  if (vs_cli_stderr_is_tty ())
    progress_id = g_signal_connect (scanner, "progress", G_CALLBACK (on_progress), &run);
  /* Ctrl+C stops at the next folder and keeps what was indexed. */
  vs_scanner_scan_async (scanner, folders, cancellable, on_scanned, &run);
  vs_cli_wait (cancellable, &run.done);
  g_clear_signal_handler (&progress_id, scanner);
  if (run.progress_shown)
    fprintf (stderr, "\r\033[K");
  *out_summary = run.summary;
  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      return FALSE;
    }
  return TRUE;
}

static void
print_summary (const VsScanSummary *s,
               VsDatabase          *db,
               char               **folders,
               gboolean             json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "added");
      json_builder_add_int_value (b, s->added);
      json_builder_set_member_name (b, "updated");
      json_builder_add_int_value (b, s->updated);
      json_builder_set_member_name (b, "removed");
      json_builder_add_int_value (b, s->removed);
      json_builder_set_member_name (b, "unchanged");
      json_builder_add_int_value (b, s->unchanged);
      json_builder_set_member_name (b, "skipped");
      json_builder_add_int_value (b, s->skipped);
      json_builder_set_member_name (b, "folders");
      json_builder_add_int_value (b, s->folders);
      json_builder_set_member_name (b, "total");
      json_builder_add_int_value (b, s->total);
      vs_cli_add_unavailable (b, db, folders);
      json_builder_set_member_name (b, "elapsed_ms");
      json_builder_add_int_value (b, s->elapsed_us / 1000);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      vs_cli_print_json (node);
      return;
    }

  printf ("%" G_GINT64_FORMAT " videos in %u folders: %u added, %u updated, %u removed, "
          "%u skipped (%.2f s)\n",
          s->total, s->folders, s->added, s->updated, s->removed, s->skipped,
          s->elapsed_us / 1e6);
}

int
vs_cli_scan (int    argc,
             char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_auto(GStrv) folders = NULL;
  gboolean json = FALSE, no_probe = FALSE;
  int max_depth = -1, jobs = 0;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { "max-depth", 0, 0, G_OPTION_ARG_INT, &max_depth,
      "Descend at most N folders below each folder (default: unlimited)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { "no-probe", 0, 0, G_OPTION_ARG_NONE, &no_probe,
      "Do not probe new and changed files for duration and codecs", NULL },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Files probed at once (default: one per core)", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &folders, NULL, "DIR…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("DIR… — index folders");
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(VsScanner) scanner = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  VsScanSummary summary = { 0 };
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (folders == NULL || folders[0] == NULL)
    return vs_cli_usage (context, "scan needs at least one folder");
  if (max_depth < -1)
    return vs_cli_usage (context, "--max-depth must be 0 or more");
  if (jobs < 0)
    return vs_cli_usage (context, "--jobs must be positive");

  /* A folder that is not there at all is an error to the caller, as it always was; its
   * videos stay in the library untouched (an unmounted disk's empty mount point is
   * scanned, and reported unavailable, below). */
  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *path = vs_cli_absolute (folders[i]);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_autofree char *shown = vs_cli_display_path (path);

          return vs_cli_fail ("“%s” does not exist; nothing was scanned and its videos stay "
                              "in the library", shown);
        }
    }

  db_path = vs_cli_db_path (db_option);
  db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
  if (db == NULL)
    return vs_cli_fail_error (error);

  scanner = vs_scanner_new (db);
  vs_scanner_set_max_depth (scanner, max_depth);

  if (!vs_cli_run_scan (scanner, (const char * const *) folders, cancellable, &summary, &error))
    return vs_cli_fail_error (error);
  /* Queued progress and the scan's worker thread (which lets go of its task just after
   * the result arrives) hold the scanner, and through it the library: wait for them, so
   * the connection closes when the caller drops it and SQLite removes its -wal and -shm.
   * A process that exits first leaves both behind. */
  for (guint i = 0; i < 2000; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (g_atomic_int_get (&G_OBJECT (scanner)->ref_count) <= 1)
        break;
      g_usleep (1000);
    }
  print_summary (&summary, db, folders, json);
  if (summary.skipped > 0 && !json)
    fprintf (stderr, "vidshelf-cli: %u items skipped (see the warnings above)\n",
             summary.skipped);
  /* each was named by a warning above */
  if (summary.unavailable > 0 && !json)
    fprintf (stderr, "vidshelf-cli: %u library folders unavailable, their videos kept\n",
             summary.unavailable);
  if (no_probe || g_cancellable_is_cancelled (cancellable))
    return VS_CLI_OK;

  /* New and changed files are unprobed: measure them now, quietly unless on a terminal. */
  {
    g_autoptr(VsMediaService) service = vs_media_service_new ((guint) MAX (jobs, 0), 0);
    int update_status;

    update_status = vs_cli_run_update (service, db, VS_UPDATE_PROBE, VS_THUMBNAIL_SIZE_LARGE,
                                       VS_CLI_OUTPUT_QUIET, cancellable);
    return update_status;
  }
}
