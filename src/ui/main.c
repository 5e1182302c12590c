/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf: the library window */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <malloc.h>

#include "vs-application.h"

#if !GLIB_CHECK_VERSION (2, 76, 0)
/* GLib 2.76 made g_slice_*() plain malloc. Before that, the slice allocator keeps every
 * slab page it ever used: after a scroll, the pages of thousands of short-lived text
 * layouts stay resident for good. The choice must be made before GLib's first slice, which
 * its own library constructor allocates: a pre-init function is the one thing that runs
 * earlier (and the environment is not set up yet there, so G_SLICE cannot be used). */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
use_malloc_for_slices (int    argc,
                       char **argv,
                       char **envp)
{
  g_slice_set_config (G_SLICE_CONFIG_ALWAYS_MALLOC, TRUE);
}
G_GNUC_END_IGNORE_DEPRECATIONS

__attribute__ ((section (".preinit_array"), used))
static void (*const preinit_slices) (int, char **, char **) = use_malloc_for_slices;
#endif

int
main (int    argc,
      char **argv)
{
  g_autoptr(VsApplication) app = NULL;

  /* Worker threads (SQLite pages, thumbnail decoding) would each get a malloc arena whose
   * freed memory stays resident; two arenas keep the window's footprint flat. */
  mallopt (M_ARENA_MAX, 2);
  /* Decoded thumbnails (about 85 KB each) come and go by the thousand while scrolling: from
   * mmap they return to the system when freed instead of fragmenting the heap. */
  mallopt (M_MMAP_THRESHOLD, 64 * 1024);
  setlocale (LC_ALL, "");
  /* `meson devenv` (build-aux/dev run) points this at the build tree's catalogs */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("VIDSHELF_LOCALEDIR") ? g_getenv ("VIDSHELF_LOCALEDIR")
                                                                    : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = vs_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
