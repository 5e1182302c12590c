/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-duplicate-index.h: finds the pairs of close fingerprints among many, in memory */
#pragma once

#include "vs-fingerprint.h"

G_BEGIN_DECLS

/* Multi-index hashing (Norouzi, Punjani, Fleet, CVPR 2012): every informative frame hash
 * is filed under each of its four 16-bit quarters, so two frames at most three bits apart
 * share a bucket. A video's candidates are the videos with a frame in one of its frames'
 * buckets; only those of a matching duration are compared in full. Memory: the
 * fingerprints (about 140 bytes each) and one 4-byte entry per quarter of each frame. */
typedef struct _VsDuplicateIndex VsDuplicateIndex;

/* Called once per pair found, @a_id < @b_id. */
typedef void (*VsDuplicatePairFunc) (gint64   a_id,
                                     gint64   b_id,
                                     int      distance,
                                     gpointer user_data);

VsDuplicateIndex *vs_duplicate_index_new        (void);
void              vs_duplicate_index_free       (VsDuplicateIndex    *self);
/* Adds a video; call vs_duplicate_index_build() after the last. */
void              vs_duplicate_index_add        (VsDuplicateIndex    *self,
                                                 gint64               id,
                                                 const VsFingerprint *fingerprint);
guint             vs_duplicate_index_get_size   (VsDuplicateIndex    *self);
void              vs_duplicate_index_build      (VsDuplicateIndex    *self);
/* Every pair of indexed videos at most @max_distance apart; with @only (a set of ids,
 * gint64 keys), only pairs with at least one of those. Returns the pairs found. */
guint             vs_duplicate_index_find_pairs (VsDuplicateIndex    *self,
                                                 int                  max_distance,
                                                 GHashTable          *only,
                                                 VsDuplicatePairFunc  func,
                                                 gpointer             user_data);
/* Bytes held (the bench's figure). */
gsize             vs_duplicate_index_get_memory (VsDuplicateIndex    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsDuplicateIndex, vs_duplicate_index_free)

G_END_DECLS
