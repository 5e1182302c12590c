/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli trash: videos and HLS items to the trash, through the guarded module */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vs-cli.h"
#include "vs-trash.h"

static void
print_result (VsTrash *trash,
              gboolean json)
{
  guint n = vs_trash_get_n_entries (trash);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *item = g_filename_display_name (vs_trash_get_item_path (trash));
      g_autofree char *uri = g_filename_to_uri (vs_trash_get_item_path (trash), NULL, NULL);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, item);
      json_builder_set_member_name (b, "uri");
      json_builder_add_string_value (b, uri);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, vs_trash_get_is_hls (trash) ? "hls" : "file");
      json_builder_set_member_name (b, "folder");
      json_builder_add_boolean_value (b, vs_trash_get_takes_folder (trash));
      json_builder_set_member_name (b, "moved");
      json_builder_begin_array (b);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *from = g_filename_display_name (vs_trash_get_entry (trash, i));
          g_autofree char *to = g_filename_display_name (vs_trash_get_trashed_path (trash, i));

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "from");
          json_builder_add_string_value (b, from);
          json_builder_set_member_name (b, "to");
          json_builder_add_string_value (b, to);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      vs_cli_print_json (node);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *from = vs_cli_display_path (vs_trash_get_entry (trash, i));
      g_autofree char *to = vs_cli_display_path (vs_trash_get_trashed_path (trash, i));

      printf ("%s -> %s\n", from, to);
    }
}

typedef struct
{
  VsTrash  *trash;
  GError   *error;
  gboolean  done;
} TrashRun;

static void
on_trashed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TrashRun *run = user_data;

  run->trash = vs_library_trash_finish (VS_LIBRARY (object), result, &run->error);
  run->done = TRUE;
}

/* Moves @path to the trash: through the library when there is one (which rescans the
 * item's folder when it is the library's: its rows leave the index), else straight
 * through the guarded module. */
static VsTrash *
trash_item (VsLibrary   *library,
            const char  *path,
            GError     **error)
{
  g_autoptr(VsTrash) trash = NULL;
  TrashRun run = { 0 };

  if (library == NULL)
    {
      trash = vs_trash_new_for_item (path, NULL, NULL, error);
      if (trash == NULL || !vs_trash_run (trash, NULL, error))
        return NULL;
      return g_steal_pointer (&trash);
    }
  vs_library_trash_async (library, path, NULL, on_trashed, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return run.trash;
}

/* The index lists the item no more, unless updating it failed (the library only logs
 * that): say so, as the moved item's row would otherwise stay. */
static gboolean
check_forgotten (VsLibrary  *library,
                 VsTrash    *trash,
                 GError    **error)
{
  g_autoptr(VsVideoRecord) record = NULL;
  g_autoptr(GError) local = NULL;

  if (library == NULL)
    return TRUE;
  record = vs_database_lookup_video (vs_library_get_reader (library),
                                     vs_trash_get_item_path (trash), &local);
  if (record != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the library still lists it");
      return FALSE;
    }
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

int
vs_cli_trash (int    argc,
              char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_auto(GStrv) paths = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON line per item: what went where", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "PATH…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PATH… — move videos and HLS downloads to the trash");
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  int result = VS_CLI_OK;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "An HLS download (named by its playlist or its folder) is its playlist and the files it\n"
    "names; its folder goes too only when nothing else is in it and it is not a library\n"
    "folder, your home, a standard folder or the top of a disk.");
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (paths == NULL || paths[0] == NULL)
    return vs_cli_usage (context, "no path given");

  /* A missing library is left missing. */
  db_path = vs_cli_db_path (db_option);
  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_NONE, 0, &error);
      if (library == NULL)
        return vs_cli_fail_error (error);
    }

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *path = vs_cli_absolute (paths[i]);
      g_autoptr(VsTrash) trash = NULL;
      g_autoptr(GError) local = NULL;

      trash = trash_item (library, path, &local);
      if (trash == NULL)
        {
          result = vs_cli_fail_error (local);
          continue;
        }
      print_result (trash, json);
      if (!check_forgotten (library, trash, &local))
        result = vs_cli_fail ("moved to the trash, but the index could not be updated: %s",
                              local->message);
    }
  return result;
}
