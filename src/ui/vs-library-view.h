/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-view.h: the grid of a library's videos, its context menu and item actions */
#pragma once

#include <adwaita.h>

#include "vs-library.h"
#include "vs-texture-cache.h"

G_BEGIN_DECLS

/* The grid's cell sizes (the GSettings key "zoom", in this order). */
typedef enum
{
  VS_ZOOM_SMALL  = 0,
  VS_ZOOM_MEDIUM = 1,
  VS_ZOOM_LARGE  = 2,
} VsZoom;

/* A grid of thumbnails or a list of details (the GSettings key "view-mode"). */
typedef enum
{
  VS_VIEW_MODE_GRID = 0,
  VS_VIEW_MODE_LIST = 1,
} VsViewMode;

#define VS_TYPE_LIBRARY_VIEW (vs_library_view_get_type ())

G_DECLARE_FINAL_TYPE (VsLibraryView, vs_library_view, VS, LIBRARY_VIEW, GtkWidget)

VsLibraryView     *vs_library_view_new          (void);
/* Shows @library (ready) with thumbnails from @textures; once. */
void               vs_library_view_set_library  (VsLibraryView      *self,
                                                 VsLibrary          *library,
                                                 VsTextureCache     *textures);
/* The library's start-up rescan waits for this view's first paint (then starts). */
gboolean           vs_library_view_get_starting (VsLibraryView      *self);
/* NULL until a library is set. */
VsLibraryModel    *vs_library_view_get_model    (VsLibraryView      *self);
void               vs_library_view_set_query    (VsLibraryView      *self,
                                                 const VsVideoQuery *query);
GtkScrolledWindow *vs_library_view_get_scroller (VsLibraryView      *self);
GtkGridView       *vs_library_view_get_grid     (VsLibraryView      *self);
/* The selection: a count, the ids in the view's order, and what can be done to it. */
guint              vs_library_view_get_n_selected      (VsLibraryView *self);
GArray            *vs_library_view_dup_selected_ids    (VsLibraryView *self);
void               vs_library_view_select_none         (VsLibraryView *self);
void               vs_library_view_copy_selected_paths (VsLibraryView *self);
/* All of the selection, one undo (vs-selection-trash.h). */
void               vs_library_view_trash_selected      (VsLibraryView *self);
void               vs_library_view_show_selected       (VsLibraryView *self);
/* Marks the selection watched or unwatched (one statement per page of ids). */
void               vs_library_view_mark_selected       (VsLibraryView *self,
                                                        gboolean       watched);
/* The width the view will have, before it is allocated (the first frame's columns). */
void               vs_library_view_set_width_hint (VsLibraryView    *self,
                                                   int               width);
void               vs_library_view_set_zoom       (VsLibraryView    *self,
                                                   VsZoom            zoom);
VsZoom             vs_library_view_get_zoom       (VsLibraryView    *self);
int                vs_library_view_get_picture_width (VsLibraryView *self);
void               vs_library_view_set_mode       (VsLibraryView    *self,
                                                   VsViewMode        mode);
VsViewMode         vs_library_view_get_mode       (VsLibraryView    *self);
/* The grid or the list, whichever is shown. */
GtkWidget         *vs_library_view_get_items      (VsLibraryView    *self);
GtkColumnView     *vs_library_view_get_list       (VsLibraryView    *self);
void               vs_library_view_select_all     (VsLibraryView    *self);

G_END_DECLS
