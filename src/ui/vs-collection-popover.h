/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-collection-popover.h: the popover that names a collection, new or renamed */
#pragma once

#include <gtk/gtk.h>

#include "vs-library.h"

G_BEGIN_DECLS

#define VS_TYPE_COLLECTION_POPOVER (vs_collection_popover_get_type ())

G_DECLARE_FINAL_TYPE (VsCollectionPopover, vs_collection_popover, VS, COLLECTION_POPOVER,
                      GtkPopover)

/* Asks the name of a new collection of @query (vs_video_query_to_string()), @name
 * proposed, and adds it to @library. */
GtkWidget *vs_collection_popover_new_save   (VsLibrary   *library,
                                             const char  *query,
                                             const char  *name);
/* Asks a new name for collection @id, now @name, and renames it in @library. */
GtkWidget *vs_collection_popover_new_rename (VsLibrary   *library,
                                             gint64       id,
                                             const char  *name);
/* A name refused as it is typed (empty, too long) disables the button and says why; Enter
 * or the button saves; Escape cancels. Emits ::saved (the collection's id) and closes once
 * the library has it; a failure is shown in the popover. Pops up on @parent pointing at
 * @rect (in @parent's coordinates); it is unparented once closed. */
void       vs_collection_popover_popup_at   (VsCollectionPopover *self,
                                             GtkWidget           *parent,
                                             const GdkRectangle  *rect);

G_END_DECLS
