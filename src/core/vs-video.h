/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-video.h: one library item as the window sees it (main thread only) */
#pragma once

#include <glib-object.h>

#include "vs-video-record.h"

G_BEGIN_DECLS

#define VS_TYPE_VIDEO (vs_video_get_type ())
G_DECLARE_FINAL_TYPE (VsVideo, vs_video, VS, VIDEO, GObject)

/* A placeholder: only the id is known until the model's page arrives (::loading TRUE). */
VsVideo             *vs_video_new_placeholder (gint64               id);
VsVideo             *vs_video_new_from_record (const VsVideoRecord *record);
/* Fills a placeholder (or refreshes an item); notifies every property that changed, then
 * ::record once. An equal record changes nothing. */
void                 vs_video_set_record      (VsVideo             *self,
                                               const VsVideoRecord *record);

gint64               vs_video_get_id          (VsVideo *self);
gboolean             vs_video_get_loading     (VsVideo *self);
/* NULL while loading. */
const VsVideoRecord *vs_video_get_record      (VsVideo *self);
const char          *vs_video_get_title       (VsVideo *self);   /* display name, "" while loading */
const char          *vs_video_get_path        (VsVideo *self);   /* filename encoding */
const char          *vs_video_get_uri         (VsVideo *self);
gint64               vs_video_get_size        (VsVideo *self);
gint64               vs_video_get_mtime       (VsVideo *self);   /* seconds */
gint64               vs_video_get_duration_ms (VsVideo *self);   /* -1 unknown */
gboolean             vs_video_get_is_hls      (VsVideo *self);
/* FALSE while the library folder holding it is unavailable (set by the library's model). */
gboolean             vs_video_get_available   (VsVideo *self);
void                 vs_video_set_available   (VsVideo  *self,
                                               gboolean  available);

G_END_DECLS
