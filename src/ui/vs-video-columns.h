/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-video-columns.h: the list view's columns (name, duration, resolution, size, modified,
 * folder), their cells, and their headers' sort, which the library sorts in SQL */
#pragma once

#include <gtk/gtk.h>

#include "vs-library.h"

G_BEGIN_DECLS

/* Adds the columns to @view. Each cell's child carries its GtkListItem as "vs-list-item"
 * (as the grid's cells do), for the view's handlers. Folders are shown below @library's
 * roots. Clicking a header sorts nothing in memory: @view's sorter changes, and
 * vs_video_columns_get_sort() tells what it asks for. */
void     vs_video_columns_add       (GtkColumnView *view,
                                     VsLibrary     *library);
/* The sort @view's headers ask for; FALSE when no header is sorted. */
gboolean vs_video_columns_get_sort  (GtkColumnView *view,
                                     VsSortKey     *key,
                                     gboolean      *descending);
/* Shows @key in @descending order on the headers (their arrow), without sorting. */
void     vs_video_columns_show_sort (GtkColumnView *view,
                                     VsSortKey      key,
                                     gboolean       descending);

G_END_DECLS
