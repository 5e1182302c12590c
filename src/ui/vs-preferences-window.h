/* vs-preferences-window.h: library folders and performance settings */
#pragma once

#include <adwaita.h>

#include "vs-database.h"

G_BEGIN_DECLS

#define VS_TYPE_PREFERENCES_WINDOW (vs_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (VsPreferencesWindow, vs_preferences_window, VS, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* @writer: the library's writer connection; removing a folder writes to it. ::library-changed
 * is emitted after a folder was removed from the library. */
VsPreferencesWindow *vs_preferences_window_new          (GtkWindow           *parent,
                                                         VsDatabase          *writer);
/* Lists the library's folders again, e.g. after one was added. */
void                 vs_preferences_window_reload_roots (VsPreferencesWindow *self);

G_END_DECLS
