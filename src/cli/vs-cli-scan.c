/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli scan: index folders */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>

#include "vs-cli.h"

typedef struct
{
  VsLibrary     *library;
  VsScanSummary  summary;
  GError        *error;
  gboolean       close_after;
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

  vs_library_scan_finish (VS_LIBRARY (object), result, &run->summary, &run->error);
  /* Once a scan is done the library goes on to watch its roots and probe what is new;
   * closing now, from the scan's own completion, starts neither. */
  if (run->close_after || run->error != NULL)
    vs_cli_begin_close (run->library);
  run->done = TRUE;
}

static void
on_interrupted (GCancellable *cancellable,
                VsLibrary    *library)
{
  vs_library_cancel_scan (library);
}

/* The scanner's own checks, made here on the names as given, so its messages read as they
 * always did (the library takes absolute names). */
static gboolean
check_folders (VsLibrary  *library,
               char      **folders,
               GError    **error)
{
  g_auto(GStrv) roots = vs_library_dup_root_paths (library);

  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *path = vs_cli_absolute (folders[i]);
      g_autofree char *name = NULL;
      gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);

      /* a root that is gone is scanned as unavailable: its rows stay */
      if (g_file_test (path, G_FILE_TEST_IS_DIR) ||
          (!exists && g_strv_contains ((const char * const *) roots, path)))
        continue;
      name = g_filename_display_name (folders[i]);
      g_set_error (error, G_IO_ERROR, exists ? G_IO_ERROR_NOT_DIRECTORY : G_IO_ERROR_NOT_FOUND,
                   exists ? "“%s” is not a folder" : "Folder “%s” does not exist", name);
      return FALSE;
    }
  return TRUE;
}

gboolean
vs_cli_run_scan (VsLibrary      *library,
                 char          **folders,
                 gboolean        close_after,
                 GCancellable   *cancellable,
                 VsScanSummary  *out_summary,
                 GError        **error)
{
  VsScanner *scanner = vs_library_get_scanner (library);
  ScanRun run = { .library = library, .close_after = close_after };
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  gulong progress_id = 0, cancel_id;

  if (!check_folders (library, folders, error))
    {
      vs_cli_begin_close (library);
      return FALSE;
    }
  for (guint i = 0; folders[i] != NULL; i++)
    g_ptr_array_add (paths, vs_cli_absolute (folders[i]));
  g_ptr_array_add (paths, NULL);

  if (vs_cli_stderr_is_tty ())
    progress_id = g_signal_connect (scanner, "progress", G_CALLBACK (on_progress), &run);
  /* Ctrl+C stops at the next folder and keeps what was indexed. */
  cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_interrupted), library, NULL);
  vs_library_add_roots_async (library, (const char * const *) paths->pdata, NULL, on_scanned,
                              &run);
  vs_cli_wait (cancellable, &run.done);
  g_cancellable_disconnect (cancellable, cancel_id);
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
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
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
  library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_NONE, (guint) jobs, &error);
  if (library == NULL)
    return vs_cli_fail_error (error);
  vs_scanner_set_max_depth (vs_library_get_scanner (library), max_depth);

  if (!vs_cli_run_scan (library, folders, no_probe, cancellable, &summary, &error))
    return vs_cli_fail_error (error);
  print_summary (&summary, vs_library_get_reader (library), folders, json);
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
  return vs_cli_run_update (library, VS_UPDATE_PROBE, VS_THUMBNAIL_SIZE_LARGE,
                            VS_CLI_OUTPUT_QUIET, cancellable);
}
