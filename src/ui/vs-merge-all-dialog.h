/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-merge-all-dialog.h: merge every HLS download of the library, with one progress bar */
#pragma once

#include <adwaita.h>

#include "vs-library.h"

G_BEGIN_DECLS

#define VS_TYPE_MERGE_ALL_DIALOG (vs_merge_all_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VsMergeAllDialog, vs_merge_all_dialog, VS, MERGE_ALL_DIALOG, AdwWindow)

VsMergeAllDialog *vs_merge_all_dialog_new         (GtkWindow        *parent,
                                                   VsLibrary        *library);
gboolean          vs_merge_all_dialog_get_running (VsMergeAllDialog *self);
/* The summary once the run ended ("Merged 2 · Refused 1…"), else NULL. */
const char       *vs_merge_all_dialog_get_summary (VsMergeAllDialog *self);

G_END_DECLS
