/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnail-paintable.c: a thumbnail drawn as the renderer likes it best
 *
 * The cairo renderer of GTK 4.8 converts a texture to a new cairo surface, pixel by pixel
 * through floats, every time it draws it: a grid of thumbnails paid that for every thumbnail
 * in view in every frame of a scroll. Drawn as a cairo node instead, the thumbnail is the
 * image surface it already is, painted without a conversion. Other renderers upload a
 * texture once and keep it: they get the texture.
 */
#define G_LOG_DOMAIN "vs-thumbnail-paintable"

#include "config.h"

#include "vs-thumbnail-paintable.h"

struct _VsThumbnailPaintable
{
  GObject          parent_instance;

  GdkTexture      *texture;
  cairo_surface_t *surface;   /* NULL: draw the texture */
};

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsThumbnailPaintable, vs_thumbnail_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, paintable_iface_init))

static void
vs_thumbnail_paintable_snapshot (GdkPaintable *paintable,
                                 GdkSnapshot  *snapshot,
                                 double        width,
                                 double        height)
{
  VsThumbnailPaintable *self = VS_THUMBNAIL_PAINTABLE (paintable);
  cairo_t *cr;

  if (self->surface == NULL)
    {
      gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
      return;
    }
  cr = gtk_snapshot_append_cairo (GTK_SNAPSHOT (snapshot),
                                  &GRAPHENE_RECT_INIT (0, 0, (float) width, (float) height));
  cairo_scale (cr, width / cairo_image_surface_get_width (self->surface),
               height / cairo_image_surface_get_height (self->surface));
  cairo_set_source_surface (cr, self->surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static int
vs_thumbnail_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return gdk_texture_get_width (VS_THUMBNAIL_PAINTABLE (paintable)->texture);
}

static int
vs_thumbnail_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return gdk_texture_get_height (VS_THUMBNAIL_PAINTABLE (paintable)->texture);
}

static GdkPaintableFlags
vs_thumbnail_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = vs_thumbnail_paintable_snapshot;
  iface->get_intrinsic_width = vs_thumbnail_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = vs_thumbnail_paintable_get_intrinsic_height;
  iface->get_flags = vs_thumbnail_paintable_get_flags;
}

static void
vs_thumbnail_paintable_finalize (GObject *object)
{
  VsThumbnailPaintable *self = VS_THUMBNAIL_PAINTABLE (object);

  g_clear_object (&self->texture);
  g_clear_pointer (&self->surface, cairo_surface_destroy);

  G_OBJECT_CLASS (vs_thumbnail_paintable_parent_class)->finalize (object);
}

static void
vs_thumbnail_paintable_class_init (VsThumbnailPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_thumbnail_paintable_finalize;
}

static void
vs_thumbnail_paintable_init (VsThumbnailPaintable *self)
{
}

gboolean
vs_thumbnail_paintable_uses_cairo (GtkWidget *widget)
{
  GtkNative *native = widget != NULL ? gtk_widget_get_native (widget) : NULL;
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
}

GdkPaintable *
vs_thumbnail_paintable_new (GdkTexture      *texture,
                            cairo_surface_t *surface,
                            GtkWidget       *for_widget)
{
  VsThumbnailPaintable *self;

  g_return_val_if_fail (GDK_IS_TEXTURE (texture), NULL);
  g_return_val_if_fail (for_widget == NULL || GTK_IS_WIDGET (for_widget), NULL);

  self = g_object_new (VS_TYPE_THUMBNAIL_PAINTABLE, NULL);
  self->texture = g_object_ref (texture);
  if (surface != NULL && cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE &&
      vs_thumbnail_paintable_uses_cairo (for_widget))
    self->surface = cairo_surface_reference (surface);
  return GDK_PAINTABLE (self);
}

GdkTexture *
vs_thumbnail_paintable_get_texture (VsThumbnailPaintable *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_PAINTABLE (self), NULL);
  return self->texture;
}
