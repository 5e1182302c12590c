/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli duration: the length of an HLS playlist */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>

#include "vs-cli.h"
#include "vs-format.h"
#include "vs-playlist.h"

int
vs_cli_duration (int    argc,
                 char **argv)
{
  g_auto(GStrv) paths = NULL;
  gboolean ms = FALSE;
  const GOptionEntry entries[] = {
    { "ms", 0, 0, G_OPTION_ARG_NONE, &ms, "Print integer milliseconds", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "PLAYLIST.m3u8" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("PLAYLIST.m3u8 — print the sum of its #EXTINF durations");
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 duration_ms;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (paths == NULL || paths[0] == NULL || paths[1] != NULL)
    return vs_cli_usage (context, "duration takes exactly one playlist");

  playlist = vs_playlist_load (paths[0], NULL, NULL, NULL, &error);
  if (playlist == NULL)
    return vs_cli_fail_error (error);

  name = g_filename_display_name (paths[0]);
  if (vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_NO_HEADER)
    fprintf (stderr, "vidshelf-cli: warning: “%s” has no #EXTM3U header\n", name);

  duration_ms = vs_playlist_get_duration_ms (playlist);
  if (ms)
    {
      printf ("%" G_GINT64_FORMAT "\n", duration_ms);
    }
  else
    {
      g_autofree char *text = vs_format_duration_hms (duration_ms);

      printf ("%s\n", text);
    }
  return VS_CLI_OK;
}
