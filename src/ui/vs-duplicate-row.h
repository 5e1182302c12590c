/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-duplicate-row.h: one group of the Duplicates page, its videos side by side */
#pragma once

#include <gtk/gtk.h>

#include "vs-duplicate-item.h"
#include "vs-texture-cache.h"

G_BEGIN_DECLS

/* The facts a card shows, in this order. */
typedef enum
{
  VS_DUPLICATE_FACT_RESOLUTION,
  VS_DUPLICATE_FACT_CODEC,
  VS_DUPLICATE_FACT_BITRATE,
  VS_DUPLICATE_FACT_DURATION,
  VS_DUPLICATE_FACT_SIZE,
  VS_DUPLICATE_FACT_DATE,
  VS_DUPLICATE_FACT_FOLDER,
  VS_DUPLICATE_N_FACTS,
} VsDuplicateFact;

#define VS_TYPE_DUPLICATE_ROW (vs_duplicate_row_get_type ())
G_DECLARE_FINAL_TYPE (VsDuplicateRow, vs_duplicate_row, VS, DUPLICATE_ROW, GtkWidget)

GtkWidget       *vs_duplicate_row_new       (VsTextureCache  *textures);
/* Shows @item with its videos' @records (VsVideoRecord, taken; in any order): a card each,
 * built now. NULL @item unbinds (the cards go, their thumbnail requests are cancelled). */
void             vs_duplicate_row_bind      (VsDuplicateRow  *self,
                                             VsDuplicateItem *item,
                                             GPtrArray       *records);
VsDuplicateItem *vs_duplicate_row_get_item  (VsDuplicateRow  *self);

/* For tests: the cards (in the order of the group's ids), their video's id, their badge
 * ("Keep" or "Trash") and facts; the buttons. */
guint            vs_duplicate_row_get_n_cards (VsDuplicateRow *self);
GtkWidget       *vs_duplicate_row_get_card    (VsDuplicateRow *self,
                                               guint           index);
gint64           vs_duplicate_row_get_card_id (VsDuplicateRow *self,
                                               guint           index);
const char      *vs_duplicate_row_get_badge   (VsDuplicateRow *self,
                                               guint           index);
const char      *vs_duplicate_row_get_fact    (VsDuplicateRow *self,
                                               guint           index,
                                               VsDuplicateFact fact);
GtkWidget       *vs_duplicate_row_get_trash_button (VsDuplicateRow *self);
GtkWidget       *vs_duplicate_row_get_not_duplicates_button (VsDuplicateRow *self);

G_END_DECLS
