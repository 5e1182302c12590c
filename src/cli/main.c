/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli: the library without the window */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>

#include "vs-cli.h"

static const struct {
  const char   *name;
  VsCliCommand  run;
  gboolean      takes_db;
  const char   *summary;
} commands[] = {
  { "scan", vs_cli_scan, TRUE, "Index folders (added, updated, removed)" },
  { "list", vs_cli_list, TRUE, "List indexed videos" },
  { "collections", vs_cli_collections, TRUE, "List saved collections" },
  { "roots", vs_cli_roots, TRUE, "List the library's folders; share their thumbnails or not" },
  { "duration", vs_cli_duration, FALSE, "Print the duration of an HLS playlist" },
  { "probe", vs_cli_probe, FALSE, "Print the duration, size and codecs of files and HLS folders" },
  { "thumbnail", vs_cli_thumbnail, FALSE, "Make freedesktop thumbnails of files" },
  { "filmstrip", vs_cli_filmstrip, FALSE, "Make or find the filmstrips (key frames) of files" },
  { "fingerprint", vs_cli_fingerprint, FALSE, "Print the perceptual fingerprints of files" },
  { "update", vs_cli_update, TRUE,
    "Probe, thumbnail and fingerprint whatever the library still lacks" },
  { "duplicates", vs_cli_duplicates, TRUE, "Print the groups of duplicate videos" },
  { "merge", vs_cli_merge, TRUE, "Remux an HLS folder into one MP4, losslessly" },
  { "trash", vs_cli_trash, TRUE, "Move videos and HLS downloads to the trash" },
  { "rename", vs_cli_rename, TRUE, "Rename a video or an HLS download, never over a file" },
  { "mark", vs_cli_mark, TRUE, "Mark videos as watched or unwatched" },
  { "stats", vs_cli_stats, TRUE, "Print the library's size, durations and breakdowns" },
  { "watch", vs_cli_watch, TRUE, "Keep the index current, printing each change as JSON" },
};

static int
usage (FILE *out)
{
  fprintf (out, "Usage: vidshelf-cli [--db FILE] COMMAND [OPTION…]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-11s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nOptions:\n"
                "  --db FILE  Library database (also accepted after the command)\n"
                "  --help     Show this help\n"
                "  --version  Show the version\n"
                "\nRun “vidshelf-cli COMMAND --help” for a command's options.\n");
  return out == stdout ? VS_CLI_OK : VS_CLI_USAGE;
}

/* Options that may come before the command, as git-style tools take them. */
static gboolean
take_global_option (char      **argv,
                    int         argc,
                    int        *i,
                    char      **db,
                    int        *status)
{
  const char *arg = argv[*i];

  if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
    {
      *status = usage (stdout);
      return FALSE;
    }
  if (g_str_equal (arg, "--version"))
    {
      printf ("vidshelf-cli %s\n", PACKAGE_VERSION);
      *status = VS_CLI_OK;
      return FALSE;
    }
  if (g_str_has_prefix (arg, "--db="))
    {
      g_free (*db);
      *db = g_strdup (arg + strlen ("--db="));
      return TRUE;
    }
  if (g_str_equal (arg, "--db"))
    {
      if (*i + 1 >= argc)
        {
          fprintf (stderr, "vidshelf-cli: --db needs a FILE\n");
          *status = usage (stderr);
          return FALSE;
        }
      g_free (*db);
      *db = g_strdup (argv[++*i]);
      return TRUE;
    }
  fprintf (stderr, "vidshelf-cli: unknown option “%s” before the command\n", arg);
  *status = usage (stderr);
  return FALSE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *prgname = NULL;
  g_autofree char *db_arg = NULL;
  g_autoptr(GPtrArray) args = NULL;
  int status = VS_CLI_OK;
  int i = 1;

#ifdef __GLIBC__
  /* glibc raises its mmap threshold to the size of each large block freed (up to 32 MiB):
   * after the first merge, the next ones' read buffers come from the arena of whichever
   * thread runs them, and stay there after it. Fixed at glibc's default (128 KiB), large
   * blocks keep their own mappings and go back to the system when freed. */
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
  /* A fixed mmap threshold also pins the trim threshold at 128 KiB (glibc raises both only
   * together): the merge's streaming threads then gave back the top of their arenas on
   * almost every free and faulted it in again on the next frames, 45,000 page faults and a
   * tenth of the CPU time of a 637 MB merge (5,000 with 4 MiB). Each merge still trims all
   * of it when it ends (merge --all runs many). */
  mallopt (M_TRIM_THRESHOLD, 4 * 1024 * 1024);
#endif
  setlocale (LC_ALL, "");
  vs_cli_init_logging ();
  g_set_prgname ("vidshelf-cli");

  if (argc < 2)
    return usage (stderr);
  if (g_str_equal (argv[1], "help"))
    return usage (stdout);
  for (; i < argc && argv[i][0] == '-'; i++)
    if (!take_global_option (argv, argc, &i, &db, &status))
      return status;
  if (i >= argc)
    return usage (stderr);

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      if (!g_str_equal (argv[i], commands[c].name))
        continue;
      /* the command's own usage line names it: “vidshelf-cli list [OPTION…]” */
      prgname = g_strdup_printf ("vidshelf-cli %s", commands[c].name);
      g_set_prgname (prgname);
      /* the command sees the global options after its name, where it parses them */
      args = g_ptr_array_new ();
      g_ptr_array_add (args, argv[i]);
      if (db != NULL)
        {
          if (!commands[c].takes_db)
            {
              fprintf (stderr, "vidshelf-cli: %s does not use a library (--db)\n",
                       commands[c].name);
              return VS_CLI_USAGE;
            }
          db_arg = g_strconcat ("--db=", db, NULL);
          g_ptr_array_add (args, db_arg);
        }
      for (int k = i + 1; k < argc; k++)
        g_ptr_array_add (args, argv[k]);
      g_ptr_array_add (args, NULL);
      status = commands[c].run ((int) args->len - 1, (char **) args->pdata);
      return status;
    }

  fprintf (stderr, "vidshelf-cli: unknown command “%s”\n", argv[i]);
  return usage (stderr);
}
