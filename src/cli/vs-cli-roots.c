/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli roots: the library's folders, and whether their thumbnails are shared */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>

#include "vs-cli.h"

typedef struct
{
  GError   *error;
  gboolean  done;
} ShareRun;

static void
on_shared (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ShareRun *run = user_data;

  vs_library_set_share_previews_finish (VS_LIBRARY (object), result, &run->error);
  run->done = TRUE;
}

static void
print_root (VsLibraryRoot *root,
            gboolean       json)
{
  const char *path = vs_library_root_get_path (root);
  gboolean shared = vs_library_root_get_share_previews (root);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
      g_autofree char *name = g_filename_display_name (path);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "uri");
      json_builder_add_string_value (b, uri);
      json_builder_set_member_name (b, "share_previews");
      json_builder_add_boolean_value (b, shared);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      vs_cli_print_json (node);
    }
  else
    {
      g_autofree char *shown = vs_cli_display_path (path);

      printf ("%s\tshare-previews=%s\n", shown, shared ? "on" : "off");
    }
}

static int
set_share (VsLibrary  *library,
           const char *root,
           gboolean    share)
{
  g_autofree char *path = vs_cli_absolute (root);
  g_autofree char *shown = vs_cli_display_path (path);
  ShareRun run = { 0 };

  vs_library_set_share_previews_async (library, path, share, NULL, on_shared, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  if (run.error != NULL)
    {
      int failed = vs_cli_fail_error (run.error);

      g_error_free (run.error);
      return failed;
    }
  printf ("share-previews=%s\t%s\n", share ? "on" : "off", shown);
  return VS_CLI_OK;
}

int
vs_cli_roots (int    argc,
              char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *share = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "share-previews", 0, 0, G_OPTION_ARG_STRING, &share,
      "Share ROOT's thumbnails with other computers (a .sh_thumbnails folder beside its "
      "videos), or stop", "on|off" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON Lines", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, "[ROOT]" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("[--share-previews on|off ROOT] — list the library's folders");
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *roots;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "With sharing on, the thumbnails of ROOT's videos are also written to, and read from,\n"
    "the freedesktop shared thumbnail repository beside them, so other computers using the\n"
    "same folder (a NAS) reuse them. A read-only folder is only read.");
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (share != NULL && !g_str_equal (share, "on") && !g_str_equal (share, "off"))
    return vs_cli_usage (context, "--share-previews takes on or off");
  if (share != NULL && (rest == NULL || rest[0] == NULL || rest[1] != NULL))
    return vs_cli_usage (context, "--share-previews needs one ROOT");
  if (share == NULL && rest != NULL && rest[0] != NULL)
    return vs_cli_usage (context, "unexpected argument “%s”", rest[0]);

  db_path = vs_cli_db_path (db_option);
  library = vs_cli_open_library (db_path, share != NULL ? VS_LIBRARY_FLAGS_NONE
                                                        : VS_LIBRARY_FLAGS_READ_ONLY, 0, &error);
  if (library == NULL)
    {
      /* no library yet has no folders */
      if (share == NULL && g_error_matches (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_NOT_FOUND))
        return VS_CLI_OK;
      return vs_cli_fail_error (error);
    }
  if (share != NULL)
    return set_share (library, rest[0], g_str_equal (share, "on"));

  roots = vs_library_get_roots (library);
  for (guint i = 0; i < g_list_model_get_n_items (roots); i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (roots, i);

      print_root (root, json);
    }
  return VS_CLI_OK;
}
