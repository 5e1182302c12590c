/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-filmstrip-paintable.h: one frame of a filmstrip, drawn from its sheet's one texture */
#pragma once

#include <gtk/gtk.h>

#include "vs-filmstrip.h"

G_BEGIN_DECLS

#define VS_TYPE_FILMSTRIP_PAINTABLE (vs_filmstrip_paintable_get_type ())
G_DECLARE_FINAL_TYPE (VsFilmstripPaintable, vs_filmstrip_paintable, VS, FILMSTRIP_PAINTABLE,
                      GObject)

/* @sheet: the whole sprite sheet (vs_texture_cache_load_filmstrip_async()), whose
 * VsFilmstrip says where each frame is; drawn through cairo from its image surface when
 * @for_widget's renderer is the cairo renderer. Shows frame 0 until told otherwise. */
GdkPaintable *vs_filmstrip_paintable_new        (GdkTexture           *sheet,
                                                 GtkWidget            *for_widget);
VsFilmstrip  *vs_filmstrip_paintable_get_filmstrip (VsFilmstripPaintable *self);
GdkTexture   *vs_filmstrip_paintable_get_sheet  (VsFilmstripPaintable *self);
void          vs_filmstrip_paintable_set_frame  (VsFilmstripPaintable *self,
                                                 guint                 index);
guint         vs_filmstrip_paintable_get_frame  (VsFilmstripPaintable *self);

G_END_DECLS
