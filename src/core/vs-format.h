/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-format.h: display formatting shared by the CLI and the window */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* As GNOME Videos shows a length: rounded to the nearest second, "M:SS" ("0:05", "12:34"),
 * "H:MM:SS" from an hour on ("1:02:03", hours unbounded). Negative values print as 0:00. */
char *vs_format_duration     (gint64 duration_ms);
/* Always "H:MM:SS", seconds floored ("0:00:05"): `vidshelf-cli duration`'s output, which
 * scripts read. Negative values print as 0:00:00. */
char *vs_format_duration_hms (gint64 duration_ms);
/* When a file was modified, for a caption, in @now's time zone: "Today 14:02",
 * "Yesterday", "3 Jan" earlier this year, "3 Jan 2024" in another year (or a future
 * day: a clock set wrong). NULL when @unix_seconds is outside years 1 to 9999. */
char *vs_format_date          (gint64     unix_seconds,
                               GDateTime *now);

G_END_DECLS
