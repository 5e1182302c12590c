/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-player-osd.c: the video's title and remaining time over the picture in fullscreen
 *
 * In fullscreen the header bar is gone; as in GNOME Videos and Clapper, a bar at the top
 * says what plays and how long it has left. It comes with pointer motion and goes a few
 * seconds after the pointer stops, with GtkVideo's own controls at the bottom.
 */
#define G_LOG_DOMAIN "vs-player"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-format.h"
#include "vs-player-osd.h"

#define SHOWN_SECONDS 3

struct _VsPlayerOsd
{
  GtkWidget       parent_instance;

  GtkRevealer    *revealer;
  GtkLabel       *title_label;
  GtkLabel       *remaining_label;

  GtkMediaStream *stream;
  guint           hide_id;
  double          pointer_x;
  double          pointer_y;
  gboolean        active;
};

G_DEFINE_FINAL_TYPE (VsPlayerOsd, vs_player_osd, GTK_TYPE_WIDGET)

static void
update_remaining (VsPlayerOsd *self)
{
  gint64 duration = self->stream ? gtk_media_stream_get_duration (self->stream) : 0;
  gint64 left;
  g_autofree char *time = NULL;
  g_autofree char *text = NULL;

  if (duration <= 0)
    {
      gtk_label_set_label (self->remaining_label, "");
      return;
    }
  /* whole seconds left, as GtkVideo's controls count them below */
  left = MAX (duration - gtk_media_stream_get_timestamp (self->stream), 0) / G_USEC_PER_SEC;
  time = vs_format_duration (left * 1000);
  /* TRANSLATORS: the time left to play, shown over the video in fullscreen: “−1:23” */
  text = g_strdup_printf (_("−%s"), time);
  /* the stream notifies its time several times a second: the label changes once a second */
  if (g_strcmp0 (text, gtk_label_get_label (self->remaining_label)) != 0)
    gtk_label_set_label (self->remaining_label, text);
}

static gboolean
on_hide_timeout (gpointer user_data)
{
  VsPlayerOsd *self = user_data;

  self->hide_id = 0;
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
  return G_SOURCE_REMOVE;
}

static void
show_for_a_while (VsPlayerOsd *self)
{
  if (!self->active)
    return;
  update_remaining (self);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
  g_clear_handle_id (&self->hide_id, g_source_remove);
  self->hide_id = g_timeout_add_seconds (SHOWN_SECONDS, on_hide_timeout, self);
}

static void
vs_player_osd_dispose (GObject *object)
{
  VsPlayerOsd *self = VS_PLAYER_OSD (object);

  g_clear_handle_id (&self->hide_id, g_source_remove);
  vs_player_osd_set_stream (self, NULL);
  g_clear_pointer ((GtkWidget **) &self->revealer, gtk_widget_unparent);

  G_OBJECT_CLASS (vs_player_osd_parent_class)->dispose (object);
}

static void
vs_player_osd_class_init (VsPlayerOsdClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_player_osd_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vsplayerosd");
}

static void
vs_player_osd_init (VsPlayerOsd *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *leave = gtk_button_new_from_icon_name ("view-restore-symbolic");

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_parent (GTK_WIDGET (self->revealer), GTK_WIDGET (self));

  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->title_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (self->title_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->title_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "heading");

  self->remaining_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->remaining_label), "numeric");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->remaining_label), _("Time Remaining"));

  gtk_widget_set_tooltip_text (leave, _("Leave Fullscreen"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (leave), "player.leave-fullscreen");
  gtk_widget_add_css_class (leave, "flat");
  gtk_widget_add_css_class (leave, "circular");

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->title_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->remaining_label));
  gtk_box_append (GTK_BOX (box), leave);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_add_css_class (box, "osd");
  gtk_widget_add_css_class (box, "player-osd");
  gtk_revealer_set_child (self->revealer, box);
}

GtkWidget *
vs_player_osd_new (void)
{
  return g_object_new (VS_TYPE_PLAYER_OSD, NULL);
}

void
vs_player_osd_set_stream (VsPlayerOsd    *self,
                          GtkMediaStream *stream)
{
  g_return_if_fail (VS_IS_PLAYER_OSD (self));
  g_return_if_fail (stream == NULL || GTK_IS_MEDIA_STREAM (stream));

  if (self->stream == stream)
    return;
  if (self->stream != NULL)
    g_signal_handlers_disconnect_by_data (self->stream, self);
  g_set_object (&self->stream, stream);
  if (stream != NULL)
    {
      g_signal_connect_object (stream, "notify::timestamp", G_CALLBACK (update_remaining), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (stream, "notify::duration", G_CALLBACK (update_remaining), self,
                               G_CONNECT_SWAPPED);
    }
  update_remaining (self);
}

void
vs_player_osd_set_title (VsPlayerOsd *self,
                         const char  *title)
{
  g_return_if_fail (VS_IS_PLAYER_OSD (self));

  gtk_label_set_label (self->title_label, title);
}

void
vs_player_osd_set_active (VsPlayerOsd *self,
                          gboolean     active)
{
  g_return_if_fail (VS_IS_PLAYER_OSD (self));

  self->active = active;
  if (active)
    show_for_a_while (self);
  else
    {
      g_clear_handle_id (&self->hide_id, g_source_remove);
      gtk_revealer_set_reveal_child (self->revealer, FALSE);
    }
}

void
vs_player_osd_pointer_moved (VsPlayerOsd *self,
                             double       x,
                             double       y)
{
  g_return_if_fail (VS_IS_PLAYER_OSD (self));

  /* GTK repeats a motion event where the pointer already is (a surface under it changed):
   * only a real move shows the bar */
  if (x == self->pointer_x && y == self->pointer_y)
    return;
  self->pointer_x = x;
  self->pointer_y = y;
  show_for_a_while (self);
}

gboolean
vs_player_osd_get_revealed (VsPlayerOsd *self)
{
  g_return_val_if_fail (VS_IS_PLAYER_OSD (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

const char *
vs_player_osd_get_title (VsPlayerOsd *self)
{
  g_return_val_if_fail (VS_IS_PLAYER_OSD (self), NULL);
  return gtk_label_get_label (self->title_label);
}

const char *
vs_player_osd_get_remaining (VsPlayerOsd *self)
{
  g_return_val_if_fail (VS_IS_PLAYER_OSD (self), NULL);
  return gtk_label_get_label (self->remaining_label);
}
