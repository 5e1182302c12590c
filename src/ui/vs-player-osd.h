/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-player-osd.h: the video's title and remaining time over the picture in fullscreen */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VS_TYPE_PLAYER_OSD (vs_player_osd_get_type ())
G_DECLARE_FINAL_TYPE (VsPlayerOsd, vs_player_osd, VS, PLAYER_OSD, GtkWidget)

GtkWidget *vs_player_osd_new            (void);

/* The stream whose remaining time is shown (borrowed: a reference is kept; may be NULL). */
void       vs_player_osd_set_stream     (VsPlayerOsd    *self,
                                         GtkMediaStream *stream);
void       vs_player_osd_set_title      (VsPlayerOsd    *self,
                                         const char     *title);
/* Active (the player is fullscreen): shown for a few seconds now and after each pointer
 * motion. Inactive: never shown. */
void       vs_player_osd_set_active     (VsPlayerOsd    *self,
                                         gboolean        active);
/* The pointer moved to (@x, @y) over the picture: shown again for a few seconds. */
void       vs_player_osd_pointer_moved  (VsPlayerOsd    *self,
                                         double          x,
                                         double          y);
/* Whether it is shown (or being shown) now. */
gboolean   vs_player_osd_get_revealed   (VsPlayerOsd    *self);
const char *vs_player_osd_get_title     (VsPlayerOsd    *self);
/* "−1:23", as shown; "" when the duration is unknown. */
const char *vs_player_osd_get_remaining (VsPlayerOsd    *self);

G_END_DECLS
