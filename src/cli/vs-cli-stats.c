/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli stats: the library's figures, as the Statistics page shows them */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>

#include "vs-cli.h"
#include "vs-format.h"
#include "vs-library-stats.h"

static void
add_int (JsonBuilder *b,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

static void
add_groups (JsonBuilder          *b,
            const VsLibraryStats *stats,
            VsStatsBreakdown      breakdown)
{
  guint n = 0;
  const VsStatsGroup *groups = vs_library_stats_get_groups (stats, breakdown, &n);

  json_builder_set_member_name (b, vs_stats_breakdown_to_string (breakdown));
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      const VsStatsGroup *g = &groups[i];
      gboolean unknown = breakdown == VS_STATS_BY_RESOLUTION
                         ? g->value == VS_STATS_RESOLUTION_UNKNOWN : g->key == NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      if (unknown)
        json_builder_add_null_value (b);
      else
        json_builder_add_string_value (b, g->key);
      add_int (b, "videos", g->n_videos);
      add_int (b, "size", g->bytes);
      add_int (b, "duration_ms", g->duration_ms);
      /* what `list` and the window take to show this group's videos; null: no filter
       * selects exactly them */
      json_builder_set_member_name (b, "query");
      if (g->has_filter)
        {
          g_autofree char *text = vs_video_query_to_string (&g->filter);

          json_builder_add_string_value (b, text);
        }
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
print_json (const VsLibraryStats *stats)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  add_int (b, "videos", stats->n_videos);
  add_int (b, "size", stats->bytes);
  add_int (b, "duration_ms", stats->duration_ms);
  add_int (b, "unknown_duration", stats->n_unknown_duration);
  add_int (b, "watched", stats->n_watched);
  add_int (b, "in_progress", stats->n_in_progress);
  add_int (b, "broken", stats->n_broken);
  add_int (b, "unprobed", stats->n_unprobed);
  json_builder_set_member_name (b, "hls");
  json_builder_begin_object (b);
  add_int (b, "downloads", stats->n_hls);
  add_int (b, "size", stats->hls_bytes);
  add_int (b, "unmerged", stats->n_hls_unmerged);
  add_int (b, "unmerged_size", stats->hls_unmerged_bytes);
  add_int (b, "merged_size", stats->hls_merged_bytes);
  add_int (b, "merge_frees", stats->hls_merge_frees);
  json_builder_set_member_name (b, "merge_ratio");
  json_builder_add_double_value (b, VS_STATS_MERGE_RATIO);
  json_builder_end_object (b);
  for (guint i = 0; i < VS_STATS_N_BREAKDOWNS; i++)
    add_groups (b, stats, i);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  vs_cli_print_json (node);
}

static char *
group_name (const VsStatsGroup *g,
            VsStatsBreakdown    breakdown)
{
  static const char * const bands[] = { "SD", "720p", "1080p", "4K", "unknown" };

  if (breakdown == VS_STATS_BY_RESOLUTION)
    return g_strdup (bands[CLAMP (g->value, 0, (int) G_N_ELEMENTS (bands) - 1)]);
  if (g->key == NULL)
    return g_strdup ("unknown");
  return vs_cli_escape_controls (g->key);
}

static void
print_breakdown (const VsLibraryStats *stats,
                 VsStatsBreakdown      breakdown)
{
  static const char * const titles[] = { "By video codec", "By resolution", "By container",
                                         "By year modified" };
  guint n = 0;
  const VsStatsGroup *groups = vs_library_stats_get_groups (stats, breakdown, &n);

  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  glong width = 0;

  if (n == 0)
    return;
  /* the names' column as wide as the longest (in characters: codecs are UTF-8) */
  for (guint i = 0; i < n; i++)
    {
      char *name = group_name (&groups[i], breakdown);

      width = MAX (width, g_utf8_strlen (name, -1));
      g_ptr_array_add (names, name);
    }
  printf ("\n%s\n", titles[breakdown]);
  for (guint i = 0; i < n; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *size = g_format_size (groups[i].bytes);
      g_autofree char *duration = vs_format_duration (groups[i].duration_ms);

      printf ("  %s%*s %8" G_GINT64_FORMAT "  %10s  %10s\n", name,
              (int) (width - g_utf8_strlen (name, -1)), "", groups[i].n_videos, size, duration);
    }
}

static void
print_text (const VsLibraryStats *stats)
{
  g_autofree char *size = g_format_size (stats->bytes);
  g_autofree char *duration = vs_format_duration (stats->duration_ms);
  g_autofree char *hls_size = g_format_size (stats->hls_bytes);
  g_autofree char *unmerged = g_format_size (stats->hls_unmerged_bytes);
  g_autofree char *frees = g_format_size (stats->hls_merge_frees);

  printf ("Videos:         %" G_GINT64_FORMAT " (%s)\n", stats->n_videos, size);
  printf ("Duration:       %s", duration);
  if (stats->n_unknown_duration > 0)
    printf (" (%" G_GINT64_FORMAT " of unknown duration)", stats->n_unknown_duration);
  printf ("\nWatched:        %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " in progress)\n",
          stats->n_watched, stats->n_in_progress);
  printf ("Broken:         %" G_GINT64_FORMAT "\n", stats->n_broken);
  printf ("Not probed:     %" G_GINT64_FORMAT "\n", stats->n_unprobed);
  printf ("HLS downloads:  %" G_GINT64_FORMAT " (%s), %" G_GINT64_FORMAT " not merged (%s)\n",
          stats->n_hls, hls_size, stats->n_hls_unmerged, unmerged);
  if (stats->n_hls_unmerged > 0)
    printf ("                merging them, then trashing the downloads, would free about %s\n",
            frees);
  for (guint i = 0; i < VS_STATS_N_BREAKDOWNS; i++)
    print_breakdown (stats, i);
}

int
vs_cli_stats (int    argc,
              char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the library's figures");
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(VsLibraryStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_description (context,
                                    "Sizes, durations and counts of the whole library, by "
                                    "video codec, resolution, container\nand year; with "
                                    "--json, each group's \"query\" selects its videos.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (rest != NULL && rest[0] != NULL)
    return vs_cli_usage (context, "unexpected argument “%s”", rest[0]);

  db_path = vs_cli_db_path (db_option);
  /* read-only: the library is read as it is, never created, migrated or written */
  library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_READ_ONLY, 0, &error);
  if (library == NULL && g_error_matches (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_NOT_FOUND))
    stats = vs_library_stats_new ();   /* no library yet is an empty library */
  else if (library == NULL)
    return vs_cli_fail_error (error);
  else
    {
      /* the command waits for the answer anyway: read on this thread */
      stats = vs_database_query_stats (vs_library_get_reader (library), &error);
      if (stats == NULL)
        return vs_cli_fail_error (error);
    }
  if (json)
    print_json (stats);
  else
    print_text (stats);
  return VS_CLI_OK;
}
