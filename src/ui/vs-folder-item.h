/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-folder-item.h: one row of the sidebar's folder tree */
#pragma once

#include <glib-object.h>

#include "vs-sidebar.h"

G_BEGIN_DECLS

/* VsFolderItem: one row of the tree. Only the sidebar creates them, so only it includes this;
 * tests read its properties by name. */
#define VS_TYPE_FOLDER_ITEM (vs_folder_item_get_type ())
G_DECLARE_FINAL_TYPE (VsFolderItem, vs_folder_item, VS, FOLDER_ITEM, GObject)

VsFolderItem *vs_folder_item_new              (const char   *path,
                                               const char   *name,
                                               gboolean      has_children);
/* A root's watch state, for people; NULL for other rows. */
void          vs_folder_item_set_status       (VsFolderItem *self,
                                               const char   *status);
/* filename encoding; NULL: All Videos */
const char   *vs_folder_item_get_path         (VsFolderItem *self);
const char   *vs_folder_item_get_name         (VsFolderItem *self);
const char   *vs_folder_item_get_status       (VsFolderItem *self);
gboolean      vs_folder_item_get_has_children (VsFolderItem *self);
VsFolderItem *vs_folder_item_new_hls          (const char   *name);
gboolean      vs_folder_item_get_hls          (VsFolderItem *self);
/* A fixed row that is no folder (its path is NULL, as All Videos'). */
VsFolderItem *vs_folder_item_new_view         (VsSidebarView  view,
                                               const char    *name);
VsSidebarView vs_folder_item_get_view         (VsFolderItem  *self);
/* A saved collection (view COLLECTION), or the heading over them (no view of its own, not
 * selectable). */
VsFolderItem *vs_folder_item_new_collection   (const VsCollection *collection);
const VsCollection *vs_folder_item_get_collection (VsFolderItem  *self);
VsFolderItem *vs_folder_item_new_heading      (const char    *name);
gboolean      vs_folder_item_get_heading      (VsFolderItem  *self);

G_END_DECLS
