/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-selection.h: a multiple selection that is only a bitset of positions */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VS_TYPE_SELECTION (vs_selection_get_type ())
G_DECLARE_FINAL_TYPE (VsSelection, vs_selection, VS, SELECTION, GObject)

/* @model: (transfer full) */
VsSelection *vs_selection_new (GListModel *model);

G_END_DECLS
