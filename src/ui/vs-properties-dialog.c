/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-properties-dialog.c: what the index knows about one video */
#define G_LOG_DOMAIN "vs-properties-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-format.h"
#include "vs-properties-dialog.h"

struct _VsPropertiesDialog
{
  AdwPreferencesWindow  parent_instance;

  /* template children */
  AdwActionRow         *location_row;
  AdwActionRow         *size_row;
  AdwActionRow         *modified_row;
  AdwActionRow         *created_row;
  AdwActionRow         *duration_row;
  AdwActionRow         *resolution_row;
  AdwActionRow         *video_row;
  AdwActionRow         *audio_row;
  AdwActionRow         *container_row;
  AdwActionRow         *download_row;
};

G_DEFINE_FINAL_TYPE (VsPropertiesDialog, vs_properties_dialog, ADW_TYPE_PREFERENCES_WINDOW)

static void
set_value (AdwActionRow *row,
           const char   *value)
{
  adw_action_row_set_subtitle (row, value != NULL && value[0] != '\0' ? value : "—");
}

static char *
format_time (gint64 ns)
{
  g_autoptr(GDateTime) time = ns != 0 ? g_date_time_new_from_unix_local (ns / 1000000000) : NULL;

  return time != NULL ? g_date_time_format (time, "%c") : NULL;
}

static void
show_record (VsPropertiesDialog  *self,
             const VsVideoRecord *r)
{
  g_autofree char *path = g_filename_display_name (r->path);
  g_autofree char *size = g_format_size_full (r->size, G_FORMAT_SIZE_LONG_FORMAT);
  g_autofree char *mtime = format_time (r->mtime_ns);
  g_autofree char *btime = format_time (r->btime_ns);
  g_autofree char *duration = r->duration_ms >= 0 ? vs_format_duration (r->duration_ms) : NULL;
  g_autofree char *resolution = NULL;

  if (r->width > 0)
    resolution = g_strdup_printf ("%d × %d", r->width, r->height);
  set_value (self->location_row, path);
  set_value (self->size_row, size);
  set_value (self->modified_row, mtime);
  set_value (self->created_row, btime);
  set_value (self->duration_row, duration);
  set_value (self->resolution_row, resolution);
  set_value (self->video_row, r->video_codec);
  set_value (self->audio_row, r->audio_codec);
  set_value (self->container_row, r->kind == VS_VIDEO_KIND_HLS ? "HLS" : r->container);
  /* an HLS download's state in words: complete, or what is missing */
  gtk_widget_set_visible (GTK_WIDGET (self->download_row), r->kind == VS_VIDEO_KIND_HLS);
  if (r->kind == VS_VIDEO_KIND_HLS)
    {
      g_autofree char *state = vs_hls_info_describe (&r->hls);

      set_value (self->download_row, state);
    }
}

static void
vs_properties_dialog_class_init (VsPropertiesDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-properties-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VsPropertiesDialog, location_row);
  gtk_widget_class_bind_template_child (widget_class, VsPropertiesDialog, size_row);
  gtk_widget_class_bind_template_child (widget_class, VsPropertiesDialog, modified_row);
  gtk_widget_class_bind_template_child (widget_class, VsPropertiesDialog, created_row);
  gtk_widget_class_bind_template_child (widget_class, VsPropertiesDialog, duration_row);
  gtk_widget_class_bind_template_child (widget_class, VsPropertiesDialog, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, VsPropertiesDialog, video_row);
  gtk_widget_class_bind_template_child (widget_class, VsPropertiesDialog, audio_row);
  gtk_widget_class_bind_template_child (widget_class, VsPropertiesDialog, container_row);
  gtk_widget_class_bind_template_child (widget_class, VsPropertiesDialog, download_row);
}

static void
vs_properties_dialog_init (VsPropertiesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

VsPropertiesDialog *
vs_properties_dialog_new (GtkWindow *parent,
                          VsVideo   *video)
{
  VsPropertiesDialog *self;
  const VsVideoRecord *record;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VS_IS_VIDEO (video), NULL);
  g_return_val_if_fail ((record = vs_video_get_record (video)) != NULL, NULL);

  self = g_object_new (VS_TYPE_PROPERTIES_DIALOG,
                       "transient-for", parent,
                       "title", vs_video_get_title (video),
                       NULL);
  show_record (self, record);
  return self;
}
