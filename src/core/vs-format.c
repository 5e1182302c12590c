/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-format.c: display formatting shared by the CLI and the window */
#define G_LOG_DOMAIN "vs-format"

#include "config.h"

#include "vs-format.h"

char *
vs_format_duration (gint64 duration_ms)
{
  /* To the nearest second, as GNOME Videos shows it: a 29.96 s clip is "0:30", not the
   * "0:29" its seconds would floor to. */
  gint64 secs = duration_ms <= 0 ? 0 : duration_ms / 1000 + (duration_ms % 1000 >= 500);

  if (secs >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d",
                            secs / 3600, (int) (secs / 60 % 60), (int) (secs % 60));
  return g_strdup_printf ("%d:%02d", (int) (secs / 60), (int) (secs % 60));
}

char *
vs_format_duration_hms (gint64 duration_ms)
{
  gint64 secs = MAX (duration_ms, 0) / 1000;

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d",
                          secs / 3600, (int) (secs / 60 % 60), (int) (secs % 60));
}
