/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli collections: the saved collections; and a collection's query for `list` */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>

#include "vs-cli.h"

static void
print_json (const VsCollection *collection,
            guint               position)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, collection->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, collection->name);
  json_builder_set_member_name (b, "position");
  json_builder_add_int_value (b, position);
  json_builder_set_member_name (b, "query");
  json_builder_add_string_value (b, collection->query);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  vs_cli_print_json (node);
}

int
vs_cli_collections (int    argc,
                    char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON Lines", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— list saved collections");
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_description (context,
                                    "A collection's videos: vidshelf-cli list --collection NAME");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (rest != NULL && rest[0] != NULL)
    return vs_cli_usage (context, "unexpected argument “%s”", rest[0]);

  db_path = vs_cli_db_path (db_option);
  library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_READ_ONLY, 0, &error);
  if (library == NULL)
    {
      /* no library yet has no collections */
      if (g_error_matches (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_NOT_FOUND))
        return VS_CLI_OK;
      return vs_cli_fail_error (error);
    }
  list = vs_library_list_collections (library, &error);
  if (list == NULL)
    return vs_cli_fail_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      const VsCollection *collection = g_ptr_array_index (list, i);

      if (json)
        print_json (collection, i);
      else
        {
          g_autofree char *name = vs_cli_escape_controls (collection->name);

          printf ("%s\n", name);
        }
    }
  return VS_CLI_OK;
}

VsVideoQuery *
vs_cli_collection_query (VsLibrary   *library,
                         const char  *name,
                         GError     **error)
{
  g_autofree char *wanted = NULL;
  g_autoptr(GPtrArray) list = NULL;

  /* names are stored trimmed */
  wanted = g_strstrip (g_strdup (name));
  if ((list = vs_library_list_collections (library, error)) == NULL)
    return NULL;
  /* names need not be unique: the first in the sidebar's order is the one */
  for (guint i = 0; i < list->len; i++)
    {
      const VsCollection *collection = g_ptr_array_index (list, i);

      if (g_str_equal (collection->name, wanted))
        return vs_video_query_new_from_string (collection->query, error);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No collection is named “%s”", wanted);
  return NULL;
}
