/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-sidebar.h: the library's folders as a tree, with "All Videos" on top */
#pragma once

#include <gtk/gtk.h>

#include "vs-library.h"

G_BEGIN_DECLS

/* What a fixed row of the sidebar shows; folders (and All Videos) are VS_SIDEBAR_VIEW_FOLDER. */
typedef enum
{
  VS_SIDEBAR_VIEW_FOLDER = 0,
  VS_SIDEBAR_VIEW_HLS,       /* HLS Downloads: every HLS download */
  VS_SIDEBAR_VIEW_CONTINUE,  /* Continue Watching: in progress, the latest played first */
  VS_SIDEBAR_VIEW_RECENT,    /* Recently Played: played, the latest first */
  VS_SIDEBAR_VIEW_STATISTICS, /* Statistics: the library's figures, not a grid */
  VS_SIDEBAR_VIEW_DUPLICATES, /* Duplicates: groups of copies, not a grid */
  /* after the fixed rows (one each, in this order, from the first row) */
  VS_SIDEBAR_VIEW_COLLECTION, /* a saved collection: vs_sidebar_get_collection_query() */
} VsSidebarView;

#define VS_TYPE_SIDEBAR (vs_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (VsSidebar, vs_sidebar, VS, SIDEBAR, GtkWidget)

VsSidebar  *vs_sidebar_new           (void);
/* Shows the roots of @reader's library (loaded in a thread); NULL empties the sidebar. */
void        vs_sidebar_set_database  (VsSidebar  *self,
                                      VsDatabase *reader);
/* Shows @library's folders (it is ready) and follows its changes and its roots' states. */
void        vs_sidebar_set_library   (VsSidebar  *self,
                                      VsLibrary  *library);
/* Reloads the tree after a scan, keeping expanded folders and the selection when they
 * still exist. */
void        vs_sidebar_reload        (VsSidebar  *self);
/* The same, then selects @folder (a library root, or a folder whose parents were
 * expanded) instead of the current one. */
void        vs_sidebar_reload_selecting (VsSidebar  *self,
                                         const char *folder);
/* Selects All Videos, the first row. */
void        vs_sidebar_select_all_videos (VsSidebar *self);
/* Shows @status (e.g. "Polling every 5 minutes") under the root @root; NULL hides it. */
void        vs_sidebar_set_root_status (VsSidebar  *self,
                                        const char *root,
                                        const char *status);
/* The selected folder (filename encoding), or NULL for All Videos. */
const char *vs_sidebar_get_folder    (VsSidebar  *self);
gboolean    vs_sidebar_get_recursive (VsSidebar  *self);
/* TRUE when HLS Downloads is selected: every HLS download of the library. */
gboolean    vs_sidebar_get_hls_only  (VsSidebar  *self);
/* The fixed row selected, or VS_SIDEBAR_VIEW_FOLDER for All Videos and folders. */
VsSidebarView vs_sidebar_get_view    (VsSidebar  *self);
void        vs_sidebar_set_recursive (VsSidebar  *self,
                                      gboolean    recursive);

/* Collections (vs-sidebar.c: a section after the fixed rows, shown when there are any) */
/* The selected collection's id (0: none), name and query text (NULL: none); the
 * "collection" property (its id) notifies when another is selected or it changes. */
gint64      vs_sidebar_get_collection_id    (VsSidebar  *self);
const char *vs_sidebar_get_collection_name  (VsSidebar  *self);
const char *vs_sidebar_get_collection_query (VsSidebar  *self);
/* Selects collection @id; FALSE when the sidebar has no such row. */
gboolean    vs_sidebar_select_collection    (VsSidebar  *self,
                                             gint64      id);

G_END_DECLS
