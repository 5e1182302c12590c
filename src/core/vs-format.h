/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-format.h: display formatting shared by the CLI and the window */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "H:MM:SS", seconds floored, hours unbounded ("291:57:30"). Negative values print as 0:00:00. */
char *vs_format_duration (gint64 duration_ms);

G_END_DECLS
