/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-rename-popover.h: the popover that renames one video of the library */
#pragma once

#include <gtk/gtk.h>

#include "vs-library.h"
#include "vs-video.h"

G_BEGIN_DECLS

#define VS_TYPE_RENAME_POPOVER (vs_rename_popover_get_type ())

G_DECLARE_FINAL_TYPE (VsRenamePopover, vs_rename_popover, VS, RENAME_POPOVER, GtkPopover)

/* Asks a new name for @video (an HLS download: its folder's) and renames it through
 * @library. A name refused as it is typed (empty, invalid, taken) disables the button and
 * says why; Enter or the button renames; Escape cancels. Emits ::renamed (the new path)
 * and closes once done; a failure of the rename itself is shown in the popover, or, when
 * it was closed meanwhile, emitted as ::failed (a sentence) for the caller to show. */
GtkWidget   *vs_rename_popover_new          (VsLibrary       *library,
                                             VsVideo         *video);
/* Pops @self up on @parent (the view: cells are recycled), pointing at @target (the
 * cell; NULL: the middle of @parent); it is unparented once closed. */
void         vs_rename_popover_popup_at     (VsRenamePopover *self,
                                             GtkWidget       *parent,
                                             GtkWidget       *target);
/* Why the name typed is refused ("" when it is not), and whether Rename can be pressed. */
const char  *vs_rename_popover_get_error    (VsRenamePopover *self);
gboolean     vs_rename_popover_get_can_rename (VsRenamePopover *self);

G_END_DECLS
