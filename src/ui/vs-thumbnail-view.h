/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnail-view.h: a cell's picture, placeholder, badges, title and caption, in one box */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VS_TYPE_THUMBNAIL_VIEW (vs_thumbnail_view_get_type ())
G_DECLARE_FINAL_TYPE (VsThumbnailView, vs_thumbnail_view, VS, THUMBNAIL_VIEW, GtkWidget)

typedef enum
{
  VS_THUMBNAIL_VIEW_LOADING,   /* the tinted box alone */
  VS_THUMBNAIL_VIEW_FAILED,    /* the box with an icon saying there is no preview */
  VS_THUMBNAIL_VIEW_PICTURE,   /* the paintable */
} VsThumbnailViewState;

GtkWidget            *vs_thumbnail_view_new           (void);
/* Shows @paintable (NULL: the loading box), fading it in when @animate. */
void                  vs_thumbnail_view_set_paintable (VsThumbnailView *self,
                                                       GdkPaintable    *paintable,
                                                       gboolean         animate);
GdkPaintable         *vs_thumbnail_view_get_paintable (VsThumbnailView *self);
void                  vs_thumbnail_view_set_failed    (VsThumbnailView *self);
VsThumbnailViewState  vs_thumbnail_view_get_state     (VsThumbnailView *self);
/* The badges: a duration (NULL: none) at the bottom right, @hls (an HLS download's badge,
 * "HLS" or its state in a word; NULL: none) at the top left, in the warning colour when
 * @hls_warning (a download that cannot be merged as it is). */
void                  vs_thumbnail_view_set_badges    (VsThumbnailView *self,
                                                       const char      *duration,
                                                       const char      *hls,
                                                       gboolean         hls_warning);
/* A mark at the top right saying the video was watched. */
void                  vs_thumbnail_view_set_watched   (VsThumbnailView *self,
                                                       gboolean         watched);
gboolean              vs_thumbnail_view_get_watched   (VsThumbnailView *self);
/* The picture's box's height: what is drawn over the picture sits above it. */
int                   vs_thumbnail_view_get_picture_height (VsThumbnailView *self);
const char           *vs_thumbnail_view_get_duration  (VsThumbnailView *self);
gboolean              vs_thumbnail_view_get_hls       (VsThumbnailView *self);
const char           *vs_thumbnail_view_get_hls_badge (VsThumbnailView *self);
gboolean              vs_thumbnail_view_get_hls_warning (VsThumbnailView *self);
/* The text under the picture: a title on two lines at most and a caption on one; a NULL
 * @title draws skeleton bars in their place (the item is not read yet). */
void                  vs_thumbnail_view_set_text      (VsThumbnailView *self,
                                                       const char      *title,
                                                       const char      *caption);
const char           *vs_thumbnail_view_get_title     (VsThumbnailView *self);
const char           *vs_thumbnail_view_get_caption   (VsThumbnailView *self);
/* The picture's box (224 × 126 unless set): the grid's zoom. */
void                  vs_thumbnail_view_set_picture_size (VsThumbnailView *self,
                                                          int              width,
                                                          int              height);
/* Hover scrub: @frame (NULL: the thumbnail stays) covers the picture, a line under it
 * shows @position (0–1; < 0: no scrub) and @time (NULL: the duration) takes the duration's
 * badge. */
void                  vs_thumbnail_view_set_scrub     (VsThumbnailView *self,
                                                       GdkPaintable    *frame,
                                                       double           position,
                                                       const char      *time);
GdkPaintable         *vs_thumbnail_view_get_scrub_frame (VsThumbnailView *self);
double                vs_thumbnail_view_get_scrub_position (VsThumbnailView *self);
const char           *vs_thumbnail_view_get_scrub_time (VsThumbnailView *self);
/* Whether @y (in the view's coordinates) is over the text rather than the picture. */
gboolean              vs_thumbnail_view_in_text       (VsThumbnailView *self,
                                                       double           y);

G_END_DECLS
