/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli list: the indexed videos, as JSON Lines or a table */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vs-cli.h"
#include "vs-format.h"

/* Rows are read a page at a time through the id snapshot: memory stays at 8 bytes a row
 * plus one page, whatever the library's size. */
#define PAGE_SIZE 256

static void
print_json (const VsVideoRecord *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *display_path = g_filename_display_name (r->path);

  json_builder_begin_object (b);
  vs_cli_add_string_or_null (b, "path", display_path);
  vs_cli_add_string_or_null (b, "uri", r->uri);
  vs_cli_add_string_or_null (b, "name", r->display_name);
  vs_cli_add_string_or_null (b, "kind", vs_video_kind_to_string (r->kind));
  vs_cli_add_int_or_null (b, "size", r->size, TRUE);
  vs_cli_add_int_or_null (b, "mtime", r->mtime_ns / 1000000000, TRUE);
  vs_cli_add_int_or_null (b, "ctime", r->btime_ns / 1000000000, r->btime_ns != 0);
  vs_cli_add_int_or_null (b, "duration_ms", r->duration_ms, r->duration_ms >= 0);
  vs_cli_add_int_or_null (b, "width", r->width, r->width > 0);
  vs_cli_add_int_or_null (b, "height", r->height, r->height > 0);
  vs_cli_add_string_or_null (b, "video_codec", r->video_codec);
  vs_cli_add_string_or_null (b, "audio_codec", r->audio_codec);
  vs_cli_add_hls_state (b, r);
  json_builder_set_member_name (b, "watched");
  json_builder_add_boolean_value (b, r->watched);
  vs_cli_add_int_or_null (b, "play_count", r->play_count, TRUE);
  vs_cli_add_int_or_null (b, "last_played", r->last_played_ns / 1000000000, r->last_played_ns != 0);
  vs_cli_add_int_or_null (b, "position_ms", r->position_ms, r->position_ms > 0);
  vs_cli_add_int_or_null (b, "added", r->added_ns / 1000000000, r->added_ns != 0);
  json_builder_end_object (b);

  node = json_builder_get_root (b);
  vs_cli_print_json (node);
}

/* An HLS item's state in a few words, for the table (--json has the whole of it): what
 * stops a merge, or which variant of a master is used. */
static char *
hls_state_words (const VsHlsInfo *hls)
{
  switch (hls->state)
    {
    case VS_HLS_STATE_INCOMPLETE:
      if (hls->missing > 0)
        return g_strdup_printf ("incomplete %u/%u missing", hls->missing, hls->segments);
      if (hls->flags & VS_HLS_FLAG_MAP_MISSING)
        return g_strdup ("incomplete, no init");
      return g_strdup ("incomplete, no end"); /* no #EXT-X-ENDLIST: still downloading? */
    case VS_HLS_STATE_ENCRYPTED:
      return g_strdup ((hls->flags & VS_HLS_FLAG_KEY_PRESENT) ? "encrypted, key here"
                                                              : "encrypted, no key");
    case VS_HLS_STATE_REMOTE:
      return g_strdup ((hls->flags & VS_HLS_FLAG_ALL_COPIES) ? "remote, downloaded"
                                                             : "remote, not downloaded");
    case VS_HLS_STATE_MASTER:
      if (hls->variant_width > 0 && hls->variant_height > 0)
        return g_strdup_printf ("master %dx%d", hls->variant_width, hls->variant_height);
      if (hls->variant_bandwidth > 0)
        return g_strdup_printf ("master %" G_GINT64_FORMAT " kb/s",
                                hls->variant_bandwidth / 1000);
      return g_strdup ("master");
    case VS_HLS_STATE_COMPLETE:
    case VS_HLS_STATE_UNKNOWN:
    default:
      return g_strdup (vs_hls_state_to_string (hls->state));
    }
}

/* duration, size, kind, then for an HLS item its state (padded: a list of downloads lines
 * up), then the path */
static void
print_row (const VsVideoRecord *r)
{
  g_autofree char *duration = r->duration_ms >= 0 ? vs_format_duration (r->duration_ms)
                                                  : g_strdup ("-");
  g_autofree char *size = g_format_size (r->size);
  g_autofree char *shown = vs_cli_display_path (r->path);
  g_autofree char *state = NULL;

  if (r->kind != VS_VIDEO_KIND_HLS)
    {
      printf ("%10s  %10s  %-4s  %s\n", duration, size, vs_video_kind_to_string (r->kind), shown);
      return;
    }
  state = hls_state_words (&r->hls);
  printf ("%10s  %10s  %-4s  %-22s  %s\n", duration, size, vs_video_kind_to_string (r->kind),
          state, shown);
}

int
vs_cli_list (int    argc,
             char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *folder_path = NULL;
  g_autofree char *sort = NULL;
  g_autofree char *search = NULL;
  g_autofree char *collection = NULL;
  g_autofree VsVideoQuery *saved = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean recursive = FALSE, descending = FALSE, json = FALSE, hls_only = FALSE;
  gint64 offset = 0, limit = -1;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { "folder", 0, 0, G_OPTION_ARG_FILENAME, &folder, "Only videos in this folder", "DIR" },
    { "recursive", 'r', 0, G_OPTION_ARG_NONE, &recursive, "With --folder: include subfolders", NULL },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort,
      "Sort by name (default), mtime, size, duration, resolution, folder, played (when last "
      "played) or added (when indexed)", "KEY" },
    { "desc", 0, 0, G_OPTION_ARG_NONE, &descending, "Sort in descending order", NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search, "Every word of TEXT in the name or folder (any case or accents)", "TEXT" },
    { "hls", 0, 0, G_OPTION_ARG_NONE, &hls_only, "Only HLS downloads", NULL },
    { "collection", 0, 0, G_OPTION_ARG_STRING, &collection,
      "The videos of a saved collection (its search, filters and sort)", "NAME" },
    { "offset", 0, 0, G_OPTION_ARG_INT64, &offset, "Skip the first N results", "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, "Print at most N results", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON Lines", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— list indexed videos");
  g_auto(VsCliFilters) filters;
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  VsDatabase *db;
  g_autoptr(GArray) ids = NULL;
  VsVideoQuery query = { 0 };
  guint end;
  int status;

  vs_cli_filters_init (&filters);
  g_option_context_set_description (context,
                                    "Filters combine with each other, --folder and --search.\n"
                                    "Height and duration bounds are inclusive and leave out "
                                    "videos where they are unknown;\n"
                                    "--since and --until are local days, both included.\n"
                                    "--collection takes the collection's search, filters and "
                                    "sort: with it, only --folder,\n--recursive, --offset, "
                                    "--limit and --json may be given (they apply on top).");
  g_option_context_add_main_entries (context, entries, NULL);
  vs_cli_filters_add_entries (&filters, context);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (rest != NULL && rest[0] != NULL)
    return vs_cli_usage (context, "unexpected argument “%s”", rest[0]);
  if (sort != NULL && !vs_sort_key_from_string (sort, &query.sort))
    return vs_cli_usage (context,
                         "unknown sort key “%s” (name, mtime, size, duration, resolution, folder, "
                         "played, added)",
                         sort);
  if (offset < 0 || limit < -1)
    return vs_cli_usage (context, "--offset and --limit must not be negative");
  if (recursive && folder == NULL)
    return vs_cli_usage (context, "--recursive needs --folder");
  if (collection != NULL)
    {
      const char *other = search != NULL ? "--search" : hls_only ? "--hls"
                          : sort != NULL ? "--sort" : descending ? "--desc"
                          : vs_cli_filters_first_given (&filters);

      if (other != NULL)
        return vs_cli_usage (context,
                             "--collection and %s exclude each other (the collection has its "
                             "own search, filters and sort)", other);
    }
  query.hls_only = hls_only;
  if (!vs_cli_filters_apply (&filters, context, &query, &status))
    return status;

  db_path = vs_cli_db_path (db_option);
  /* read-only: the library is read as it is, never created, migrated or written */
  library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_READ_ONLY, 0, &error);
  if (library == NULL)
    {
      /* No library yet is an empty library (with no collections). */
      if (g_error_matches (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_NOT_FOUND) &&
          collection == NULL)
        return VS_CLI_OK;
      if (g_error_matches (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_NOT_FOUND))
        return vs_cli_fail ("No collection is named “%s”", collection);
      return vs_cli_fail_error (error);
    }
  db = vs_library_get_reader (library);
  if (collection != NULL)
    {
      if ((saved = vs_cli_collection_query (library, collection, &error)) == NULL)
        return vs_cli_fail_error (error);
      /* its strings stay in saved's block */
      query = *saved;
    }

  if (folder != NULL)
    {
      g_autofree char *cwd = g_get_current_dir ();

      folder_path = g_canonicalize_filename (folder, cwd);
    }
  query.folder = folder_path;
  query.recursive = recursive;
  if (collection == NULL)
    {
      query.descending = descending;
      query.search = search;
    }

  ids = vs_database_query_ids (db, &query, &error);
  if (ids == NULL)
    return vs_cli_fail_error (error);

  end = ids->len;
  if (limit >= 0 && (guint64) offset + (guint64) limit < end)
    end = (guint) (offset + limit);
  for (guint i = (guint) MIN ((guint64) offset, ids->len); i < end; i += PAGE_SIZE)
    {
      guint n = MIN (PAGE_SIZE, end - i);
      g_autoptr(GPtrArray) page = NULL;

      page = vs_database_load_videos (db, &g_array_index (ids, gint64, i), n, &error);
      if (page == NULL)
        return vs_cli_fail_error (error);
      for (guint j = 0; j < page->len; j++)
        {
          const VsVideoRecord *record = g_ptr_array_index (page, j);

          if (record == NULL)
            continue;   /* removed since the snapshot */
          if (json)
            print_json (record);
          else
            print_row (record);
        }
    }
  return VS_CLI_OK;
}
