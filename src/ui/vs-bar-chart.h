/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-bar-chart.h: a horizontal bar chart whose bars link to the videos they count */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VS_TYPE_BAR_CHART (vs_bar_chart_get_type ())
G_DECLARE_FINAL_TYPE (VsBarChart, vs_bar_chart, VS, BAR_CHART, GtkWidget)

GtkWidget *vs_bar_chart_new       (void);
void       vs_bar_chart_clear     (VsBarChart *self);
/* A bar: @label at its start, a length proportional to @count (against the chart's
 * largest), @figures at its end. With @query (vs_video_query_to_string()), the bar is a
 * button that activates win.show-query with it (a click, Enter or Space); without, it
 * is not a link. */
void       vs_bar_chart_add_bar   (VsBarChart *self,
                                   const char *label,
                                   gint64      count,
                                   const char *figures,
                                   const char *tooltip,
                                   const char *query);
guint      vs_bar_chart_get_n_bars (VsBarChart *self);
/* The widget of bar @index (a GtkButton for a link), for tests. */
GtkWidget *vs_bar_chart_get_bar   (VsBarChart *self,
                                   guint       index);

G_END_DECLS
