/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-seek-preview.h: the frame and the time under the pointer, above the player's seek bar */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VS_TYPE_SEEK_PREVIEW (vs_seek_preview_get_type ())
G_DECLARE_FINAL_TYPE (VsSeekPreview, vs_seek_preview, VS, SEEK_PREVIEW, GtkWidget)

GtkWidget  *vs_seek_preview_new          (void);
/* The seek bar followed: the preview shows while the pointer is over it (or drags it). */
void        vs_seek_preview_set_range    (VsSeekPreview  *self,
                                          GtkRange       *range);
/* Its duration gives the time under the pointer. */
void        vs_seek_preview_set_stream   (VsSeekPreview  *self,
                                          GtkMediaStream *stream);
/* The video's filmstrip sheet (vs_texture_cache_load_filmstrip_finish()); NULL: the time
 * alone. */
void        vs_seek_preview_set_sheet    (VsSeekPreview  *self,
                                          GdkTexture     *sheet);
/* Where it goes in @overlay, the seek bar's ancestor: above the pointer, within the
 * overlay (for GtkOverlay::get-child-position). */
gboolean    vs_seek_preview_get_position (VsSeekPreview  *self,
                                          GtkWidget      *overlay,
                                          GdkRectangle   *allocation);
/* What it shows (for tests): the time's text, and the frame (-1: none). */
const char *vs_seek_preview_get_time     (VsSeekPreview  *self);
int         vs_seek_preview_get_frame    (VsSeekPreview  *self);

G_END_DECLS
