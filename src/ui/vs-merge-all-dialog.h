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
/* Merges only the HLS downloads among @ids (gint64: a selection), @n_downloads of them. */
VsMergeAllDialog *vs_merge_all_dialog_new_for_ids (GtkWindow        *parent,
                                                   VsLibrary        *library,
                                                   GArray           *ids,
                                                   guint             n_downloads);
gboolean          vs_merge_all_dialog_get_running (VsMergeAllDialog *self);
/* The summary once the run ended ("Merged 2 · Refused 1…"), else NULL. */
const char       *vs_merge_all_dialog_get_summary (VsMergeAllDialog *self);

G_END_DECLS
