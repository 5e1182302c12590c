/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-preferences-window-private.h: entry points for tests */
#pragma once

#include "vs-preferences-window.h"

G_BEGIN_DECLS

/* Removes @path from the library without asking, as the confirmation's Remove button does. */
void _vs_preferences_window_remove_root_now (VsPreferencesWindow *self,
                                             const char          *path);

G_END_DECLS
