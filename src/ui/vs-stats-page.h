/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-stats-page.h: the Statistics page: the library's figures and a bar chart for each
 * breakdown, each bar a link to the videos it counts */
#pragma once

#include <gtk/gtk.h>

#include "vs-bar-chart.h"
#include "vs-library.h"

G_BEGIN_DECLS

#define VS_TYPE_STATS_PAGE (vs_stats_page_get_type ())
G_DECLARE_FINAL_TYPE (VsStatsPage, vs_stats_page, VS, STATS_PAGE, GtkWidget)

GtkWidget  *vs_stats_page_new         (void);
/* Reads @library's figures whenever the page is shown and, while it is, after the
 * library changes. */
void        vs_stats_page_set_library (VsStatsPage *self,
                                       VsLibrary   *library);
/* For tests: the chart of @breakdown (VS_STATS_N_BREAKDOWNS: downloads and problems), the
 * figures last shown (NULL before the first read), and how many reads were shown. */
VsBarChart *vs_stats_page_get_chart   (VsStatsPage     *self,
                                       VsStatsBreakdown breakdown);
const VsLibraryStats *vs_stats_page_get_stats (VsStatsPage *self);
guint       vs_stats_page_get_n_loads (VsStatsPage *self);
/* The headline's texts, for tests: videos, size, duration, watched. */
const char *vs_stats_page_get_headline (VsStatsPage *self,
                                        guint        index);

G_END_DECLS
