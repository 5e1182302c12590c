/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-seek-preview.c: the frame and the time under the pointer, above the player's seek bar
 *
 * As Jellyfin's and Plex's players do: hovering or dragging the seek bar shows the frame of
 * the video's filmstrip nearest to the place under the pointer, and its time. It is an
 * overlay child of the player's picture, not a popover: it never takes the focus, and it
 * takes no pointer events (it is not a target), so the bar under it gets every click.
 */
#define G_LOG_DOMAIN "vs-player"

#include "config.h"

#include "vs-filmstrip-paintable.h"
#include "vs-format.h"
#include "vs-seek-preview.h"
#include "vs-texture-cache.h"

#define FRAME_WIDTH 176   /* px: a tile (at most 240 px) shown a little smaller */
#define GAP         8     /* between the preview and the bar */

struct _VsSeekPreview
{
  GtkWidget       parent_instance;

  /* Children */
  GtkPicture     *picture;
  GtkLabel       *label;

  /* Owned */
  GtkMediaStream *stream;
  GdkPaintable   *frames;     /* VsFilmstripPaintable; NULL: the time alone */

  /* Borrowed */
  GtkRange       *range;      /* the seek bar, which outlives us (GtkVideo's) */
  GtkEventController *motion; /* ours, on @range */

  /* State */
  double          pointer_x;  /* in @range's coordinates */
};

G_DEFINE_FINAL_TYPE (VsSeekPreview, vs_seek_preview, GTK_TYPE_WIDGET)

/* @widget's first descendant of CSS name @name (GtkRange's parts: no API gives them). */
static GtkWidget *
find_part (GtkWidget  *widget,
           const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_strcmp0 (gtk_widget_get_css_name (child), name) == 0)
        return child;
      if ((found = find_part (child, name)) != NULL)
        return found;
    }
  return NULL;
}

/* The fraction of the video at @x on the bar, as GtkRange maps a click there: the slider's
 * middle goes under the pointer, along the trough less the slider's width (gtkrange.c's
 * coord_to_value()). */
static double
fraction_at (GtkRange *range,
             double    x)
{
  GtkWidget *trough = find_part (GTK_WIDGET (range), "trough");
  GtkWidget *slider = trough != NULL ? find_part (trough, "slider") : NULL;
  graphene_point_t at;
  double span;

  if (trough == NULL || slider == NULL ||
      !gtk_widget_compute_point (GTK_WIDGET (range), trough, &GRAPHENE_POINT_INIT ((float) x, 0),
                                 &at))
    {
      int width = gtk_widget_get_width (GTK_WIDGET (range));

      return width > 0 ? CLAMP (x / width, 0.0, 1.0) : 0;
    }
  span = gtk_widget_get_width (trough) - gtk_widget_get_width (slider);
  if (span <= 0)
    return 0;
  return CLAMP ((at.x - gtk_widget_get_width (slider) / 2.0) / span, 0.0, 1.0);
}

static void
update (VsSeekPreview *self)
{
  gint64 duration = self->stream != NULL ? gtk_media_stream_get_duration (self->stream) : 0;
  double fraction;
  g_autofree char *time = NULL;

  if (self->range == NULL || duration <= 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  fraction = fraction_at (self->range, self->pointer_x);
  /* whole seconds, as GtkVideo's own time labels show them */
  time = vs_format_duration ((gint64) (fraction * duration) / G_USEC_PER_SEC * 1000);
  gtk_label_set_label (self->label, time);
  if (self->frames != NULL)
    {
      VsFilmstripPaintable *frames = VS_FILMSTRIP_PAINTABLE (self->frames);

      vs_filmstrip_paintable_set_frame (frames,
        vs_filmstrip_get_frame_at (vs_filmstrip_paintable_get_filmstrip (frames), fraction));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->picture), self->frames != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  /* moved: the overlay asks vs_seek_preview_get_position() again */
  if (gtk_widget_get_parent (GTK_WIDGET (self)) != NULL)
    gtk_widget_queue_allocate (gtk_widget_get_parent (GTK_WIDGET (self)));
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           VsSeekPreview            *self)
{
  self->pointer_x = x;
  update (self);
}

static void
on_leave (GtkEventControllerMotion *motion,
          VsSeekPreview            *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

static void
on_range_unmapped (VsSeekPreview *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

void
vs_seek_preview_set_range (VsSeekPreview *self,
                           GtkRange      *range)
{
  g_return_if_fail (VS_IS_SEEK_PREVIEW (self));
  g_return_if_fail (range == NULL || GTK_IS_RANGE (range));

  if (self->range == range)
    return;
  if (self->motion != NULL)
    {
      gtk_widget_remove_controller (GTK_WIDGET (self->range), self->motion);
      g_signal_handlers_disconnect_by_func (self->range, on_range_unmapped, self);
    }
  self->motion = NULL;
  self->range = range;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  if (range == NULL)
    return;
  self->motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (self->motion, "enter", G_CALLBACK (on_motion), self, 0);
  g_signal_connect_object (self->motion, "motion", G_CALLBACK (on_motion), self, 0);
  g_signal_connect_object (self->motion, "leave", G_CALLBACK (on_leave), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (range), self->motion);
  /* GtkVideo hides its controls after a while: no leave comes then */
  g_signal_connect_object (range, "unmap", G_CALLBACK (on_range_unmapped), self,
                           G_CONNECT_SWAPPED);
}

void
vs_seek_preview_set_stream (VsSeekPreview  *self,
                            GtkMediaStream *stream)
{
  g_return_if_fail (VS_IS_SEEK_PREVIEW (self));
  g_return_if_fail (stream == NULL || GTK_IS_MEDIA_STREAM (stream));

  g_set_object (&self->stream, stream);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

void
vs_seek_preview_set_sheet (VsSeekPreview *self,
                           GdkTexture    *sheet)
{
  VsFilmstrip *filmstrip;

  g_return_if_fail (VS_IS_SEEK_PREVIEW (self));
  g_return_if_fail (sheet == NULL || GDK_IS_TEXTURE (sheet));

  g_clear_object (&self->frames);
  gtk_picture_set_paintable (self->picture, NULL);
  if (sheet != NULL)
    {
      filmstrip = vs_texture_cache_get_filmstrip (sheet);
      self->frames = vs_filmstrip_paintable_new (sheet, GTK_WIDGET (self));
      gtk_widget_set_size_request (GTK_WIDGET (self->picture), FRAME_WIDTH,
                                   FRAME_WIDTH * (int) vs_filmstrip_get_tile_height (filmstrip) /
                                   (int) MAX (vs_filmstrip_get_tile_width (filmstrip), 1));
      gtk_picture_set_paintable (self->picture, self->frames);
    }
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    update (self);
}

gboolean
vs_seek_preview_get_position (VsSeekPreview *self,
                              GtkWidget     *overlay,
                              GdkRectangle  *allocation)
{
  graphene_point_t at;
  int width, height;

  g_return_val_if_fail (VS_IS_SEEK_PREVIEW (self), FALSE);
  g_return_val_if_fail (GTK_IS_WIDGET (overlay), FALSE);

  if (self->range == NULL ||
      !gtk_widget_compute_point (GTK_WIDGET (self->range), overlay,
                                 &GRAPHENE_POINT_INIT ((float) self->pointer_x, 0), &at))
    return FALSE;
  gtk_widget_measure (GTK_WIDGET (self), GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL,
                      NULL);
  gtk_widget_measure (GTK_WIDGET (self), GTK_ORIENTATION_VERTICAL, width, &height, NULL, NULL,
                      NULL);
  allocation->width = width;
  allocation->height = height;
  allocation->x = CLAMP ((int) at.x - width / 2, 0,
                         MAX (gtk_widget_get_width (overlay) - width, 0));
  allocation->y = MAX ((int) at.y - GAP - height, 0);
  return TRUE;
}

const char *
vs_seek_preview_get_time (VsSeekPreview *self)
{
  g_return_val_if_fail (VS_IS_SEEK_PREVIEW (self), NULL);
  return gtk_label_get_label (self->label);
}

int
vs_seek_preview_get_frame (VsSeekPreview *self)
{
  g_return_val_if_fail (VS_IS_SEEK_PREVIEW (self), -1);

  if (self->frames == NULL)
    return -1;
  return (int) vs_filmstrip_paintable_get_frame (VS_FILMSTRIP_PAINTABLE (self->frames));
}

static void
vs_seek_preview_dispose (GObject *object)
{
  VsSeekPreview *self = VS_SEEK_PREVIEW (object);
  GtkWidget *child;

  vs_seek_preview_set_range (self, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->frames);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (vs_seek_preview_parent_class)->dispose (object);
}

static void
vs_seek_preview_class_init (VsSeekPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_seek_preview_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "seekpreview");
}

static void
vs_seek_preview_init (VsSeekPreview *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);
  self->picture = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->picture, TRUE);
  gtk_picture_set_content_fit (self->picture, GTK_CONTENT_FIT_FILL);
  gtk_widget_set_visible (GTK_WIDGET (self->picture), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->picture), "seek-preview-frame");
  /* the frame's corners rounded by its CSS */
  gtk_widget_set_overflow (GTK_WIDGET (self->picture), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_parent (GTK_WIDGET (self->picture), GTK_WIDGET (self));
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "numeric");
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));

  gtk_widget_add_css_class (GTK_WIDGET (self), "osd");
  gtk_widget_add_css_class (GTK_WIDGET (self), "seek-preview");
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_can_focus (GTK_WIDGET (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
vs_seek_preview_new (void)
{
  return g_object_new (VS_TYPE_SEEK_PREVIEW, NULL);
}
