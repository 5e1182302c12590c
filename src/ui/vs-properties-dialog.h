/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-properties-dialog.h: what the index knows about one video */
#pragma once

#include <adwaita.h>

#include "vs-video.h"

G_BEGIN_DECLS

#define VS_TYPE_PROPERTIES_DIALOG (vs_properties_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VsPropertiesDialog, vs_properties_dialog, VS, PROPERTIES_DIALOG,
                      AdwPreferencesWindow)

VsPropertiesDialog *vs_properties_dialog_new (GtkWindow *parent,
                                              VsVideo   *video);

G_END_DECLS
