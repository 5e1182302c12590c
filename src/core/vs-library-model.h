/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-model.h: a lazy GListModel of VsVideo over the library index
 *
 * It never holds an object per row: a snapshot of the ordered row ids (8 bytes a row) and
 * a bounded cache of items, filled page by page on a worker thread. Sorting, search and
 * folder filters are SQL queries that replace the snapshot with one ::items-changed.
 */
#pragma once

#include <gio/gio.h>

#include "vs-database.h"
#include "vs-video.h"

G_BEGIN_DECLS

#define VS_TYPE_LIBRARY_MODEL (vs_library_model_get_type ())
G_DECLARE_FINAL_TYPE (VsLibraryModel, vs_library_model, VS, LIBRARY_MODEL, GObject)

/* @reader: a reader connection the model may use from its worker thread. */
VsLibraryModel *vs_library_model_new            (VsDatabase         *reader);

/* Replaces the query (copied) and reloads: one ::items-changed covering everything. */
void            vs_library_model_set_query      (VsLibraryModel     *self,
                                                 const VsVideoQuery *query);
/* Rows read ahead for @query (its ids, and the records of some of them, either may be
 * NULL: nothing read): the next vs_library_model_set_query() with an equal query shows them
 * at once instead of reading them again; any other query drops them. */
void            vs_library_model_offer_rows     (VsLibraryModel     *self,
                                                 const VsVideoQuery *query,
                                                 GArray             *ids,
                                                 GPtrArray          *records);
/* Reloads the same query after the index changed: ::items-changed covers only the span
 * between the unchanged head and tail of the list. */
void            vs_library_model_refresh        (VsLibraryModel     *self);

/* Items kept in memory that nothing else holds are bounded by this (default 1024). */
void            vs_library_model_set_cache_size (VsLibraryModel     *self,
                                                 guint               max_items);
guint           vs_library_model_get_cache_size (VsLibraryModel     *self);
/* Items in the cache now (for tests and the benchmark). */
guint           vs_library_model_get_n_cached   (VsLibraryModel     *self);
/* TRUE while a reload or a page is being read. */
gboolean        vs_library_model_get_busy       (VsLibraryModel     *self);
/* The position of row @id in the snapshot, or G_MAXUINT. */
/* The index id of the row at @position, without making its item; -1 past the end. */
gint64          vs_library_model_get_id         (VsLibraryModel     *self,
                                                 guint               position);
guint           vs_library_model_find_id        (VsLibraryModel     *self,
                                                 gint64              id);

/* The videos under these roots are marked unavailable (VsVideo:available), the others
 * available: the cached ones now, the others as they are read. */
void            vs_library_model_set_unavailable_roots (VsLibraryModel     *self,
                                                        const char * const *roots);

G_END_DECLS
