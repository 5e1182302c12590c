/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli: the library without the window */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "vs-cli.h"

static const struct {
  const char   *name;
  VsCliCommand  run;
  const char   *summary;
} commands[] = {
  { "scan", vs_cli_scan, "Index folders (added, updated, removed)" },
  { "list", vs_cli_list, "List indexed videos" },
  { "duration", vs_cli_duration, "Print the duration of an HLS playlist" },
  { "probe", vs_cli_probe, "Print the duration, size and codecs of files" },
  { "thumbnail", vs_cli_thumbnail, "Make freedesktop thumbnails of files" },
  { "update", vs_cli_update, "Probe and thumbnail whatever the library still lacks" },
  { "merge", vs_cli_merge, "Remux an HLS folder into one MP4, losslessly" },
  { "trash", vs_cli_trash, "Move videos and HLS downloads to the trash" },
  { "watch", vs_cli_watch, "Keep the index current, printing each change as JSON" },
};

static int
usage (FILE *out)
{
  fprintf (out, "Usage: vidshelf-cli COMMAND [OPTION…]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun “vidshelf-cli COMMAND --help” for a command's options.\n");
  return out == stdout ? VS_CLI_OK : VS_CLI_USAGE;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  vs_cli_init_logging ();
  g_set_prgname ("vidshelf-cli");

  if (argc < 2)
    return usage (stderr);
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    return usage (stdout);
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("vidshelf-cli %s\n", PACKAGE_VERSION);
      return VS_CLI_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, "vidshelf-cli: unknown command “%s”\n", argv[1]);
  return usage (stderr);
}
