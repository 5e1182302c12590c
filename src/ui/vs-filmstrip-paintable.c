/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-filmstrip-paintable.c: one frame of a filmstrip, drawn from its sheet's one texture
 *
 * The sheet is one texture for all its frames (a hundred small textures would be a hundred
 * uploads, and as many entries to count): a frame is the sheet drawn through a clip, moved
 * so that the frame's tile falls in it. With the cairo renderer the sheet's image surface
 * is painted instead, as vs-thumbnail-paintable.c does for thumbnails, so that no frame
 * converts the whole sheet.
 */
#define G_LOG_DOMAIN "vs-filmstrip-paintable"

#include "config.h"

#include "vs-filmstrip-paintable.h"
#include "vs-texture-cache.h"
#include "vs-thumbnail-paintable.h"

struct _VsFilmstripPaintable
{
  GObject          parent_instance;

  GdkTexture      *sheet;
  cairo_surface_t *surface;    /* NULL: draw the texture */
  VsFilmstrip     *filmstrip;  /* borrowed from the sheet, which keeps it */
  guint            frame;
};

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsFilmstripPaintable, vs_filmstrip_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, paintable_iface_init))

static void
vs_filmstrip_paintable_snapshot (GdkPaintable *paintable,
                                 GdkSnapshot  *snapshot,
                                 double        width,
                                 double        height)
{
  VsFilmstripPaintable *self = VS_FILMSTRIP_PAINTABLE (paintable);
  guint columns = MAX (vs_filmstrip_get_columns (self->filmstrip), 1);
  guint tile_w = vs_filmstrip_get_tile_width (self->filmstrip);
  guint tile_h = vs_filmstrip_get_tile_height (self->filmstrip);
  double tx = (double) (self->frame % columns) * tile_w;
  double ty = (double) (self->frame / columns) * tile_h;
  double sx = width / MAX (tile_w, 1);
  double sy = height / MAX (tile_h, 1);
  double sheet_w = gdk_texture_get_width (self->sheet);
  double sheet_h = gdk_texture_get_height (self->sheet);
  graphene_rect_t box = GRAPHENE_RECT_INIT (0, 0, (float) width, (float) height);

  if (self->surface != NULL)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (GTK_SNAPSHOT (snapshot), &box);

      cairo_rectangle (cr, 0, 0, width, height);
      cairo_clip (cr);
      cairo_scale (cr, sx, sy);
      cairo_set_source_surface (cr, self->surface, -tx, -ty);
      /* the sheet's outer tiles are not faded into transparency at its edges */
      cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
      cairo_paint (cr);
      cairo_destroy (cr);
      return;
    }
  gtk_snapshot_push_clip (GTK_SNAPSHOT (snapshot), &box);
  gtk_snapshot_append_texture (GTK_SNAPSHOT (snapshot), self->sheet,
                               &GRAPHENE_RECT_INIT ((float) (-tx * sx), (float) (-ty * sy),
                                                    (float) (sheet_w * sx),
                                                    (float) (sheet_h * sy)));
  gtk_snapshot_pop (GTK_SNAPSHOT (snapshot));
}

static int
vs_filmstrip_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return (int) vs_filmstrip_get_tile_width (VS_FILMSTRIP_PAINTABLE (paintable)->filmstrip);
}

static int
vs_filmstrip_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return (int) vs_filmstrip_get_tile_height (VS_FILMSTRIP_PAINTABLE (paintable)->filmstrip);
}

static GdkPaintableFlags
vs_filmstrip_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE;
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = vs_filmstrip_paintable_snapshot;
  iface->get_intrinsic_width = vs_filmstrip_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = vs_filmstrip_paintable_get_intrinsic_height;
  iface->get_flags = vs_filmstrip_paintable_get_flags;
}

static void
vs_filmstrip_paintable_finalize (GObject *object)
{
  VsFilmstripPaintable *self = VS_FILMSTRIP_PAINTABLE (object);

  g_clear_object (&self->sheet);
  g_clear_pointer (&self->surface, cairo_surface_destroy);

  G_OBJECT_CLASS (vs_filmstrip_paintable_parent_class)->finalize (object);
}

static void
vs_filmstrip_paintable_class_init (VsFilmstripPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_filmstrip_paintable_finalize;
}

static void
vs_filmstrip_paintable_init (VsFilmstripPaintable *self)
{
}

GdkPaintable *
vs_filmstrip_paintable_new (GdkTexture *sheet,
                            GtkWidget  *for_widget)
{
  VsFilmstripPaintable *self;
  cairo_surface_t *surface;

  g_return_val_if_fail (GDK_IS_TEXTURE (sheet), NULL);
  g_return_val_if_fail (VS_IS_FILMSTRIP (vs_texture_cache_get_filmstrip (sheet)), NULL);
  g_return_val_if_fail (for_widget == NULL || GTK_IS_WIDGET (for_widget), NULL);

  self = g_object_new (VS_TYPE_FILMSTRIP_PAINTABLE, NULL);
  self->sheet = g_object_ref (sheet);
  self->filmstrip = vs_texture_cache_get_filmstrip (sheet);
  surface = vs_texture_cache_get_surface (sheet);
  if (surface != NULL && vs_thumbnail_paintable_uses_cairo (for_widget))
    self->surface = cairo_surface_reference (surface);
  return GDK_PAINTABLE (self);
}

VsFilmstrip *
vs_filmstrip_paintable_get_filmstrip (VsFilmstripPaintable *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP_PAINTABLE (self), NULL);
  return self->filmstrip;
}

GdkTexture *
vs_filmstrip_paintable_get_sheet (VsFilmstripPaintable *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP_PAINTABLE (self), NULL);
  return self->sheet;
}

void
vs_filmstrip_paintable_set_frame (VsFilmstripPaintable *self,
                                  guint                 index)
{
  g_return_if_fail (VS_IS_FILMSTRIP_PAINTABLE (self));

  index = MIN (index, MAX (vs_filmstrip_get_n_frames (self->filmstrip), 1) - 1);
  if (index == self->frame)
    return;
  self->frame = index;
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

guint
vs_filmstrip_paintable_get_frame (VsFilmstripPaintable *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP_PAINTABLE (self), 0);
  return self->frame;
}
