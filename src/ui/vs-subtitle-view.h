/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-subtitle-view.h: external subtitles drawn over the video, in time with it */
#pragma once

#include <gtk/gtk.h>

#include "vs-subtitles.h"

G_BEGIN_DECLS

#define VS_TYPE_SUBTITLE_VIEW (vs_subtitle_view_get_type ())
G_DECLARE_FINAL_TYPE (VsSubtitleView, vs_subtitle_view, VS, SUBTITLE_VIEW, GtkWidget)

GtkWidget  *vs_subtitle_view_new           (void);
/* The stream whose time picks the cues (a reference is kept; may be NULL). */
void        vs_subtitle_view_set_stream    (VsSubtitleView *self,
                                            GtkMediaStream *stream);
/* The cues (a reference is kept; NULL: none). */
void        vs_subtitle_view_set_subtitles (VsSubtitleView *self,
                                            VsSubtitles    *subtitles);
VsSubtitles *vs_subtitle_view_get_subtitles (VsSubtitleView *self);
/* Turned off, nothing is drawn. */
void        vs_subtitle_view_set_enabled   (VsSubtitleView *self,
                                            gboolean        enabled);
/* The text drawn now (markup aside), "" when none. */
const char *vs_subtitle_view_get_text      (VsSubtitleView *self);

G_END_DECLS
