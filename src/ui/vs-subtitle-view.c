/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-subtitle-view.c: external subtitles drawn over the video, in time with it
 *
 * A label at the bottom of the picture, above GtkVideo's controls: white on a dark
 * translucent box (style.css's .player-subtitle, as GNOME Videos draws them), changed only
 * when the cues at the stream's time change. Each of the stream's time notifications is one
 * binary search in VsSubtitles, whatever the number of cues.
 */
#define G_LOG_DOMAIN "vs-player"

#include "config.h"

#include "vs-subtitle-view.h"

struct _VsSubtitleView
{
  GtkWidget       parent_instance;

  GtkLabel       *label;
  GtkMediaStream *stream;
  VsSubtitles    *subtitles;
  char           *markup;      /* shown now; NULL none */
  gboolean        enabled;
};

G_DEFINE_FINAL_TYPE (VsSubtitleView, vs_subtitle_view, GTK_TYPE_WIDGET)

static void
update (VsSubtitleView *self)
{
  g_autofree char *markup = NULL;

  if (self->enabled && self->subtitles != NULL && self->stream != NULL &&
      gtk_media_stream_is_prepared (self->stream))
    markup = vs_subtitles_dup_markup_at (self->subtitles,
                                         gtk_media_stream_get_timestamp (self->stream) / 1000);
  if (g_strcmp0 (markup, self->markup) == 0)
    return;
  g_free (self->markup);
  self->markup = g_steal_pointer (&markup);
  /* VsSubtitles makes well-formed markup of <i>, <b> and <u> only */
  gtk_label_set_markup (self->label, self->markup ? self->markup : "");
  gtk_widget_set_visible (GTK_WIDGET (self->label), self->markup != NULL);
}

static void
vs_subtitle_view_dispose (GObject *object)
{
  VsSubtitleView *self = VS_SUBTITLE_VIEW (object);

  vs_subtitle_view_set_stream (self, NULL);
  g_clear_object (&self->subtitles);
  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (vs_subtitle_view_parent_class)->dispose (object);
}

static void
vs_subtitle_view_finalize (GObject *object)
{
  VsSubtitleView *self = VS_SUBTITLE_VIEW (object);

  g_free (self->markup);

  G_OBJECT_CLASS (vs_subtitle_view_parent_class)->finalize (object);
}

static void
vs_subtitle_view_class_init (VsSubtitleViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_subtitle_view_dispose;
  object_class->finalize = vs_subtitle_view_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vssubtitleview");
}

static void
vs_subtitle_view_init (VsSubtitleView *self)
{
  self->enabled = TRUE;
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_wrap_mode (self->label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (self->label, GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (self->label, 60);
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "player-subtitle");
  gtk_widget_set_visible (GTK_WIDGET (self->label), FALSE);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
  /* clicks go to the picture and its controls under it */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

GtkWidget *
vs_subtitle_view_new (void)
{
  return g_object_new (VS_TYPE_SUBTITLE_VIEW, NULL);
}

void
vs_subtitle_view_set_stream (VsSubtitleView *self,
                             GtkMediaStream *stream)
{
  g_return_if_fail (VS_IS_SUBTITLE_VIEW (self));
  g_return_if_fail (stream == NULL || GTK_IS_MEDIA_STREAM (stream));

  if (self->stream == stream)
    return;
  if (self->stream != NULL)
    g_signal_handlers_disconnect_by_data (self->stream, self);
  g_set_object (&self->stream, stream);
  if (stream != NULL)
    {
      g_signal_connect_object (stream, "notify::timestamp", G_CALLBACK (update), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (stream, "notify::prepared", G_CALLBACK (update), self,
                               G_CONNECT_SWAPPED);
    }
  update (self);
}

void
vs_subtitle_view_set_subtitles (VsSubtitleView *self,
                                VsSubtitles    *subtitles)
{
  g_return_if_fail (VS_IS_SUBTITLE_VIEW (self));
  g_return_if_fail (subtitles == NULL || VS_IS_SUBTITLES (subtitles));

  g_set_object (&self->subtitles, subtitles);
  update (self);
}

VsSubtitles *
vs_subtitle_view_get_subtitles (VsSubtitleView *self)
{
  g_return_val_if_fail (VS_IS_SUBTITLE_VIEW (self), NULL);
  return self->subtitles;
}

void
vs_subtitle_view_set_enabled (VsSubtitleView *self,
                              gboolean        enabled)
{
  g_return_if_fail (VS_IS_SUBTITLE_VIEW (self));

  self->enabled = enabled;
  update (self);
}

const char *
vs_subtitle_view_get_text (VsSubtitleView *self)
{
  g_return_val_if_fail (VS_IS_SUBTITLE_VIEW (self), NULL);
  return self->markup != NULL ? gtk_label_get_text (self->label) : "";
}
