/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-test-ui.h: helpers for the tests with a display */
#pragma once

#include <gtk/gtk.h>

#include "vs-window.h"

G_BEGIN_DECLS

/* TRUE when @elements (GStreamer, for the fixtures) and GTK's GStreamer backend
 * (libgtk-4-media-gstreamer, without which GtkMediaFile plays nothing) are there; else
 * skips the calling test. */
gboolean vs_test_require_playback (const char *const *elements);

/* A library on @db, opened asynchronously as the application does, and a window on it. */
VsWindow    *vs_test_ui_window_new  (const char *db,
                                     const char *default_folder);
GtkGridView *vs_test_ui_window_grid (VsWindow   *window);

G_END_DECLS
