/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-preferences-window.h: library folders and performance settings */
#pragma once

#include <adwaita.h>

#include "vs-library.h"

G_BEGIN_DECLS

#define VS_TYPE_PREFERENCES_WINDOW (vs_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (VsPreferencesWindow, vs_preferences_window, VS, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* @library: whose folders are shown and removed (borrowed). */
VsPreferencesWindow *vs_preferences_window_new          (GtkWindow           *parent,
                                                         VsLibrary           *library);
/* Lists the library's folders again, e.g. after one was added. */
void                 vs_preferences_window_reload_roots (VsPreferencesWindow *self);

G_END_DECLS
