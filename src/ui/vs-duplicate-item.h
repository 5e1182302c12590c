/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-duplicate-item.h: one group of the Duplicates page: its videos' ids and which one to
 * keep */
#pragma once

#include <glib-object.h>

#include "vs-database.h"

G_BEGIN_DECLS

#define VS_TYPE_DUPLICATE_ITEM (vs_duplicate_item_get_type ())
G_DECLARE_FINAL_TYPE (VsDuplicateItem, vs_duplicate_item, VS, DUPLICATE_ITEM, GObject)

/* A copy of @group's ids and figures: the item holds no video rows (a row reads them when
 * it is shown). */
VsDuplicateItem *vs_duplicate_item_new           (const VsDuplicateGroup *group);
/* gint64 ids, in id order. */
GArray          *vs_duplicate_item_get_ids       (VsDuplicateItem *self);
guint            vs_duplicate_item_get_n_videos  (VsDuplicateItem *self);
gint64           vs_duplicate_item_get_bytes     (VsDuplicateItem *self);
int              vs_duplicate_item_get_distance  (VsDuplicateItem *self);
gboolean         vs_duplicate_item_get_exact     (VsDuplicateItem *self);
/* The id to keep (the "kept-id" property): the one the user picked, else the rule's
 * suggestion; 0 while neither is known. */
gint64           vs_duplicate_item_get_kept_id   (VsDuplicateItem *self);
gboolean         vs_duplicate_item_get_chosen    (VsDuplicateItem *self);
void             vs_duplicate_item_set_suggested (VsDuplicateItem *self,
                                                  gint64           id);
/* The user's pick (0: back to the suggestion). */
void             vs_duplicate_item_set_chosen    (VsDuplicateItem *self,
                                                  gint64           id);
/* Forgets the suggestion and the pick (the rule changed). */
void             vs_duplicate_item_reset_kept    (VsDuplicateItem *self);
/* Every id but the kept one (a new array); NULL while the kept one is not known. */
GArray          *vs_duplicate_item_dup_others    (VsDuplicateItem *self);

G_END_DECLS
