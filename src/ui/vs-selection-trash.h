/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-selection-trash.h: the selection moved to the trash, with progress and one undo */
#pragma once

#include <adwaita.h>

#include "vs-library-view.h"

G_BEGIN_DECLS

#define VS_TYPE_SELECTION_TRASH (vs_selection_trash_get_type ())
G_DECLARE_FINAL_TYPE (VsSelectionTrash, vs_selection_trash, VS, SELECTION_TRASH, GObject)

/* Moves the videos @ids (gint64) of @library to the trash (vs_library_trash_ids_async()):
 * a toast with Stop shows the progress of a run that takes a while, then one toast says
 * how many went, with Undo for all of them, and another what was refused (Details lists
 * why). The toasts go out through @view's ::toast; @view's selection is cleared at the
 * end. The run keeps itself alive until then; while it runs, another start on @view does
 * nothing. */
void vs_selection_trash_start (VsLibraryView *view,
                               VsLibrary     *library,
                               GArray        *ids);
/* The same for another owner than a library view: @owner has a ::toast signal taking an
 * AdwToast (the Duplicates page's trash runs). */
void vs_selection_trash_start_for (GtkWidget     *owner,
                                   VsLibrary     *library,
                                   GArray        *ids);

G_END_DECLS
