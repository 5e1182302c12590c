/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-video-cell.h: one grid cell: thumbnail, title, duration badge, size and date */
#pragma once

#include <gtk/gtk.h>

#include "vs-texture-cache.h"
#include "vs-video.h"

G_BEGIN_DECLS

#define VS_TYPE_VIDEO_CELL (vs_video_cell_get_type ())
G_DECLARE_FINAL_TYPE (VsVideoCell, vs_video_cell, VS, VIDEO_CELL, GtkWidget)

VsVideoCell *vs_video_cell_new           (VsTextureCache *cache);
/* Bind (a video) or unbind (NULL): unbinding cancels the thumbnail request. */
void         vs_video_cell_set_video     (VsVideoCell    *self,
                                          VsVideo        *video);
VsVideo     *vs_video_cell_get_video     (VsVideoCell    *self);
/* Shown dimmed, with a tooltip saying why, while its library folder is unavailable. */
void         vs_video_cell_set_unavailable (VsVideoCell *self,
                                            gboolean     unavailable);
/* Set while the view scrolls: no fade-in, and thumbnail requests wait a few frames. */
void         vs_video_cell_set_scrolling (VsVideoCell    *self,
                                          gboolean        scrolling);
/* Why its video cannot be played (the index found it is not a video, or empty), for its
 * tooltip; NULL when nothing is known to be wrong. */
const char  *vs_video_cell_get_problem   (VsVideoCell    *self);
/* The picture's box (the grid's zoom). */
void         vs_video_cell_set_picture_size (VsVideoCell *self,
                                             int          width,
                                             int          height);
/* "Now" for dates shown in the library (a caption's, the list's), made again only when the
 * clock has moved to another minute; main thread only. */
GDateTime   *vs_video_cell_caption_now   (void);
/* Marks as New the videos added after @since_ns (ns since the epoch) and not watched or
 * begun; 0 marks none. App-wide, main thread. */
void         vs_video_cell_set_new_since (gint64 since_ns);
/* TRUE once a thumbnail texture (not the placeholder) is shown. */
gboolean     vs_video_cell_has_thumbnail (VsVideoCell    *self);
/* Whether the watched mark shows, and the progress bar's fraction (-1: no bar). */
/* Hover scrub (the preference: on by default): the pointer's place across the picture
 * shows the video's frame there, from its filmstrip. */
void         vs_video_cell_set_hover_scrub (gboolean     enabled);
/* The keyboard's scrub on the focused cell: @delta frames on. FALSE: nothing to show. */
gboolean     vs_video_cell_step_frame    (VsVideoCell    *self,
                                          int             delta);
/* The thumbnail back; FALSE when the cell was not scrubbing. */
gboolean     vs_video_cell_end_scrub     (VsVideoCell    *self);
/* The filmstrip frame shown (-1: the thumbnail is). */
int          vs_video_cell_get_scrub_frame (VsVideoCell  *self);
gboolean     vs_video_cell_get_watched_mark (VsVideoCell *self);
double       vs_video_cell_get_progress  (VsVideoCell    *self);

G_END_DECLS
