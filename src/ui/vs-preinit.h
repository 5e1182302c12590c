/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-preinit.h: what a program running the app sets before GLib's first allocation.
 * Include it once, in the file with main(): a pre-init function must be in the executable
 * (in the static library nothing would pull it in). */
#pragma once

#include <glib.h>

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

/* clang-format off */
__attribute__ ((section (".preinit_array"), used))
static void (*const preinit_slices) (int, char **, char **) = use_malloc_for_slices;
/* clang-format on */
#endif
