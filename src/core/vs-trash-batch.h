/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-trash-batch.h: many items trashed as one action, with one compact undo record */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VS_TYPE_TRASH_BATCH (vs_trash_batch_get_type ())
G_DECLARE_FINAL_TYPE (VsTrashBatch, vs_trash_batch, VS, TRASH_BATCH, GObject)

VsTrashBatch *vs_trash_batch_new                (void);

/* Trashes one library item exactly as VsTrash does (vs_trash_new_for_item(), then
 * vs_trash_run(), with all their refusals) and, when it went, keeps what moved in the
 * batch's flat record: no VsTrash stays alive. A refusal is counted (and its message kept,
 * for the first few) and returns FALSE with @error; the batch goes on with the next item.
 * Blocking: call from one worker thread at a time. */
gboolean      vs_trash_batch_trash_item         (VsTrashBatch        *self,
                                                 const char          *path,
                                                 const char * const  *roots,
                                                 GCancellable        *cancellable,
                                                 GError             **error);

/* Items moved to the trash and still there (a restore takes them off). */
guint         vs_trash_batch_get_n_items        (VsTrashBatch *self);
/* Entries (files or folders) of those items. */
guint         vs_trash_batch_get_n_entries      (VsTrashBatch *self);
/* Items refused by vs_trash_batch_trash_item(), and the first messages (at most
 * VS_TRASH_BATCH_MAX_MESSAGES, NULL-terminated, owned by the batch). */
#define VS_TRASH_BATCH_MAX_MESSAGES 20
guint         vs_trash_batch_get_n_refused      (VsTrashBatch *self);
const char * const *vs_trash_batch_get_refusals (VsTrashBatch *self);
/* The bytes the undo record takes in memory. */
gsize         vs_trash_batch_get_memory_size    (VsTrashBatch *self);

/* The folders whose listing the items changed (where they were), each once; a new array. */
GStrv         vs_trash_batch_dup_folders        (VsTrashBatch *self);

/* Undo: moves back every entry that went, each checked as vs_trash_restore() checks it
 * (the very file, by device and inode; never over anything now at its original place),
 * and restores all it can. FALSE with @error when some could not come back: one item's
 * reason, or how many and the first reason; those stay in the trash and in the batch
 * (vs_trash_batch_get_n_items() counts them), so a later restore may try again.
 * Blocking: call from a worker thread. */
gboolean      vs_trash_batch_restore            (VsTrashBatch  *self,
                                                 GCancellable  *cancellable,
                                                 GError       **error);
void          vs_trash_batch_restore_async      (VsTrashBatch        *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean      vs_trash_batch_restore_finish     (VsTrashBatch  *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

G_END_DECLS
