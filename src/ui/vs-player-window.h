/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-player-window.h: the built-in player */
#pragma once

#include <adwaita.h>

#include "vs-library.h"

G_BEGIN_DECLS

#define VS_TYPE_PLAYER_WINDOW (vs_player_window_get_type ())
G_DECLARE_FINAL_TYPE (VsPlayerWindow, vs_player_window, VS, PLAYER_WINDOW, AdwWindow)

/* @library: remembers playback positions and runs merges (borrowed; may be NULL). */
VsPlayerWindow *vs_player_window_new          (GtkApplication *application,
                                               VsLibrary      *library);
/* The application's player when it has one, else a new one. */
VsPlayerWindow *vs_player_window_get_default  (GtkApplication *application,
                                               VsLibrary      *library);

/* Plays @file alone (opened from outside: no next or previous); an HLS playlist also
 * offers to merge it. */
void            vs_player_window_play_file    (VsPlayerWindow *self,
                                               GFile          *file);
/* Plays the VsVideo at @position of @videos; next and previous walk @videos. */
void            vs_player_window_play_in_list (VsPlayerWindow *self,
                                               GListModel     *videos,
                                               guint           position);

GFile          *vs_player_window_get_file     (VsPlayerWindow *self);
GtkMediaStream *vs_player_window_get_stream   (VsPlayerWindow *self);
/* The position (ms) offered to resume from, 0 when none. */
gint64          vs_player_window_get_resume_position (VsPlayerWindow *self);

G_END_DECLS
