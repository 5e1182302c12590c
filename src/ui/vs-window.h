/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-window.h: the main window: a lazy grid of the library */
#pragma once

#include <adwaita.h>

#include "vs-library.h"

G_BEGIN_DECLS

#define VS_TYPE_WINDOW (vs_window_get_type ())
G_DECLARE_FINAL_TYPE (VsWindow, vs_window, VS, WINDOW, AdwApplicationWindow)

/* @library: the library shown (borrowed; other windows may show it too). */
VsWindow       *vs_window_new             (GtkApplication *application,
                                           VsLibrary      *library);
/* Videos in the grid now (the current search included). */
gint64          vs_window_get_video_count (VsWindow *self);
/* A scan is running, or the start-up scan is about to. */
gboolean        vs_window_get_scanning    (VsWindow *self);
/* Adds @path (filename encoding) to the library: scanned as soon as the library is open
 * and no other scan runs, then announced. */
void            vs_window_add_folder      (VsWindow   *self,
                                           const char *path);
/* NULL until the library is open. */
VsLibraryModel *vs_window_get_model       (VsWindow *self);
VsLibrary      *vs_window_get_library     (VsWindow *self);
/* Saves its size and maximised state in GSettings (done on close; Quit calls it). */
void            vs_window_save_state      (VsWindow *self);

G_END_DECLS
