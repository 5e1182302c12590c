/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnail-paintable.h: a thumbnail drawn as the renderer likes it best */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VS_TYPE_THUMBNAIL_PAINTABLE (vs_thumbnail_paintable_get_type ())
G_DECLARE_FINAL_TYPE (VsThumbnailPaintable, vs_thumbnail_paintable, VS, THUMBNAIL_PAINTABLE,
                      GObject)

/* @surface: the same pixels as @texture, as a cairo image surface, or NULL. With one, the
 * thumbnail is drawn through cairo when @for_widget's renderer is the cairo renderer. */
GdkPaintable *vs_thumbnail_paintable_new         (GdkTexture      *texture,
                                                  cairo_surface_t *surface,
                                                  GtkWidget       *for_widget);
GdkTexture   *vs_thumbnail_paintable_get_texture (VsThumbnailPaintable *self);
/* TRUE when @widget's window draws with GTK's cairo renderer. */
gboolean      vs_thumbnail_paintable_uses_cairo  (GtkWidget       *widget);

G_END_DECLS
