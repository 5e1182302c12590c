/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli watch: keep the index current in the foreground, one JSON line a change */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>

#include "vs-cli.h"
#include "vs-library-watcher.h"

static JsonBuilder *
begin_event (const char *event)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, event);
  json_builder_set_member_name (b, "time_us");
  json_builder_add_int_value (b, g_get_real_time ());
  return b;
}

static void
add_path (JsonBuilder *b,
          const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, display);
  json_builder_set_member_name (b, "uri");
  json_builder_add_string_value (b, uri);
}

/* Each line reaches a pipe at once: whoever reads it is waiting for it. */
static void
end_event (JsonBuilder *b)
{
  g_autoptr(JsonNode) node = NULL;

  json_builder_end_object (b);
  node = json_builder_get_root (b);
  vs_cli_print_json (node);
  fflush (stdout);
}

static void
on_changed (VsLibraryWatcher   *watcher,
            const VsScanChange *change)
{
  g_autoptr(JsonBuilder) b = begin_event (vs_scan_change_kind_to_string (change->kind));
  gboolean folder = change->kind == VS_SCAN_CHANGE_FOLDER_ADDED ||
                    change->kind == VS_SCAN_CHANGE_FOLDER_REMOVED;

  add_path (b, change->path);
  if (change->old_path != NULL)
    {
      g_autofree char *from = g_filename_display_name (change->old_path);
      g_autofree char *from_uri = g_filename_to_uri (change->old_path, NULL, NULL);

      json_builder_set_member_name (b, "from");
      json_builder_add_string_value (b, from);
      json_builder_set_member_name (b, "from_uri");
      json_builder_add_string_value (b, from_uri);
    }
  if (change->id > 0)
    {
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, change->id);
    }
  if (!folder && change->kind != VS_SCAN_CHANGE_MOVED)
    {
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, vs_video_kind_to_string (change->video_kind));
    }
  if (change->size >= 0)
    {
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, change->size);
      json_builder_set_member_name (b, "duration_ms");
      if (change->duration_ms >= 0)
        json_builder_add_int_value (b, change->duration_ms);
      else
        json_builder_add_null_value (b);
    }
  end_event (b);
}

static void
on_root_state (VsLibraryWatcher *watcher,
               const char       *root,
               int               state)
{
  g_autoptr(JsonBuilder) b = begin_event ("root");

  add_path (b, root);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, vs_root_state_to_string (state));
  json_builder_set_member_name (b, "monitors");
  json_builder_add_int_value (b, vs_library_watcher_get_n_monitors (watcher));
  if (state == VS_ROOT_STATE_POLLING)
    {
      json_builder_set_member_name (b, "poll_interval");
      json_builder_add_int_value (b, vs_library_watcher_get_poll_interval (watcher));
    }
  end_event (b);
}

static void
on_settled (VsLibraryWatcher *watcher,
            const char       *path)
{
  g_autoptr(JsonBuilder) b = begin_event ("stable");

  add_path (b, path);
  end_event (b);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
print_scanned (const VsScanSummary *s,
               VsDatabase          *db,
               char               **folders)
{
  g_autoptr(JsonBuilder) b = begin_event ("scanned");

  json_builder_set_member_name (b, "added");
  json_builder_add_int_value (b, s->added);
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, s->updated);
  json_builder_set_member_name (b, "removed");
  json_builder_add_int_value (b, s->removed);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, s->total);
  vs_cli_add_unavailable (b, db, folders);
  end_event (b);
}

int
vs_cli_watch (int    argc,
              char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_auto(GStrv) folders = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &folders, NULL, "DIR…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("DIR… — index folders, then apply their changes as they happen");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  VsLibraryWatcher *watcher;
  VsScanSummary summary = { 0 };
  gboolean stopped = FALSE;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (folders == NULL || folders[0] == NULL)
    return vs_cli_usage (context, "watch needs at least one folder");

  db_path = vs_cli_db_path (db_option);
  library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_NONE, 0, &error);
  if (library == NULL)
    return vs_cli_fail_error (error);
  /* every change the library's watcher applies, as it applies it */
  watcher = vs_library_get_watcher (library);
  g_signal_connect (watcher, "changed", G_CALLBACK (on_changed), NULL);
  g_signal_connect (watcher, "root-state-changed", G_CALLBACK (on_root_state), NULL);
  g_signal_connect (watcher, "settled", G_CALLBACK (on_settled), NULL);

  /* Catch up with what changed while nobody watched, then follow. */
  if (!vs_cli_run_scan (library, folders, FALSE, cancellable, &summary, &error))
    return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? VS_CLI_OK
                                                                       : vs_cli_fail_error (error);
  print_scanned (&summary, vs_library_get_reader (library), folders);
  vs_library_watch (library);

  /* Ctrl+C: stop, let a rescan in flight return, and leave (the close waits for it). */
  g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), &stopped, NULL);
  vs_cli_wait (cancellable, &stopped);
  return VS_CLI_OK;
}
