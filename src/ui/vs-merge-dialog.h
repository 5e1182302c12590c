/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-merge-dialog.h: “Merge into MP4…” for one HLS item */
#pragma once

#include <adwaita.h>

#include "vs-library.h"

G_BEGIN_DECLS

#define VS_TYPE_MERGE_DIALOG (vs_merge_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VsMergeDialog, vs_merge_dialog, VS, MERGE_DIALOG, AdwWindow)

/* @input: the HLS item's playlist or folder (filename encoding). */
VsMergeDialog *vs_merge_dialog_new            (GtkWindow     *parent,
                                               const char    *input);
/* With "move to the trash", none of @roots (nor a folder holding one) goes. */
void           vs_merge_dialog_set_library_roots (VsMergeDialog      *self,
                                                  const char * const *roots);
gboolean       vs_merge_dialog_get_running    (VsMergeDialog *self);
/* What the dialog says went wrong, or NULL. */
const char    *vs_merge_dialog_get_error_text (VsMergeDialog *self);

/* Signals:
 * ::merged (VsMergeDialog *self, const char *output, const char *warning)
 *   emitted once the MP4 is in place, just before the dialog closes; @warning (or NULL)
 *   says what did not go as asked (the folder could not be moved to the trash). */

void           vs_merge_dialog_set_library       (VsMergeDialog      *self,
                                                  VsLibrary          *library);

G_END_DECLS
