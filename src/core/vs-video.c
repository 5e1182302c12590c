/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-video.c: a library item; a placeholder until its page is read */
#define G_LOG_DOMAIN "vs-video"

#include "config.h"

#include "vs-video.h"

struct _VsVideo
{
  GObject        parent_instance;

  gint64         id;
  VsVideoRecord *record;   /* owned; NULL while loading */
  gboolean       unavailable;
};

G_DEFINE_FINAL_TYPE (VsVideo, vs_video, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_LOADING,
  PROP_TITLE,
  PROP_SIZE,
  PROP_MTIME,
  PROP_DURATION_MS,
  PROP_IS_HLS,
  PROP_AVAILABLE,
  PROP_RECORD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

VsVideo *
vs_video_new_placeholder (gint64 id)
{
  VsVideo *self = g_object_new (VS_TYPE_VIDEO, NULL);

  self->id = id;
  return self;
}

VsVideo *
vs_video_new_from_record (const VsVideoRecord *record)
{
  VsVideo *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = vs_video_new_placeholder (record->id);
  self->record = vs_video_record_copy (record);
  return self;
}

void
vs_video_set_record (VsVideo             *self,
                     const VsVideoRecord *record)
{
  g_autoptr(VsVideoRecord) old = NULL;

  g_return_if_fail (VS_IS_VIDEO (self));
  g_return_if_fail (record != NULL && record->id == self->id);

  if (self->record != NULL && vs_video_record_equal (self->record, record))
    return;
  old = g_steal_pointer (&self->record);
  self->record = vs_video_record_copy (record);

  g_object_freeze_notify (G_OBJECT (self));
  if (old == NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  if (old == NULL || g_strcmp0 (old->display_name, record->display_name) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  if (old == NULL || old->size != record->size)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
  if (old == NULL || old->mtime_ns != record->mtime_ns)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MTIME]);
  if (old == NULL || old->duration_ms != record->duration_ms)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MS]);
  if (old == NULL || old->kind != record->kind)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_HLS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD]);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
vs_video_get_id (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), 0);
  return self->id;
}

gboolean
vs_video_get_loading (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), TRUE);
  return self->record == NULL;
}

const VsVideoRecord *
vs_video_get_record (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), NULL);
  return self->record;
}

const char *
vs_video_get_title (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), NULL);
  return self->record ? self->record->display_name : "";
}

const char *
vs_video_get_path (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), NULL);
  return self->record ? self->record->path : NULL;
}

const char *
vs_video_get_uri (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), NULL);
  return self->record ? self->record->uri : NULL;
}

gint64
vs_video_get_size (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), 0);
  return self->record ? self->record->size : 0;
}

gint64
vs_video_get_mtime (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), 0);
  return self->record ? self->record->mtime_ns / G_GINT64_CONSTANT (1000000000) : 0;
}

gint64
vs_video_get_duration_ms (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), -1);
  return self->record ? self->record->duration_ms : -1;
}

gboolean
vs_video_get_is_hls (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), FALSE);
  return self->record != NULL && self->record->kind == VS_VIDEO_KIND_HLS;
}

static void
vs_video_finalize (GObject *object)
{
  VsVideo *self = VS_VIDEO (object);

  g_clear_pointer (&self->record, vs_video_record_free);

  G_OBJECT_CLASS (vs_video_parent_class)->finalize (object);
}

static void
vs_video_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  VsVideo *self = VS_VIDEO (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, !self->unavailable);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, vs_video_get_loading (self));
      break;
    case PROP_TITLE:
      g_value_set_string (value, vs_video_get_title (self));
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, vs_video_get_size (self));
      break;
    case PROP_MTIME:
      g_value_set_int64 (value, vs_video_get_mtime (self));
      break;
    case PROP_DURATION_MS:
      g_value_set_int64 (value, vs_video_get_duration_ms (self));
      break;
    case PROP_IS_HLS:
      g_value_set_boolean (value, vs_video_get_is_hls (self));
      break;
    case PROP_RECORD:
      g_value_set_boxed (value, self->record);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_video_class_init (VsVideoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_video_finalize;
  object_class->get_property = vs_video_get_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MTIME] =
    g_param_spec_int64 ("mtime", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION_MS] =
    g_param_spec_int64 ("duration-ms", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* FALSE while its library folder is unavailable (unmounted, removed) */
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_HLS] =
    g_param_spec_boolean ("is-hls", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Once per change of any of the above: a view that shows several of them listens to
   * this one only (a page fill is then one update per cell, not six). */
  properties[PROP_RECORD] =
    g_param_spec_boxed ("record", NULL, NULL, VS_TYPE_VIDEO_RECORD,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vs_video_init (VsVideo *self)
{
}

gboolean
vs_video_get_available (VsVideo *self)
{
  g_return_val_if_fail (VS_IS_VIDEO (self), FALSE);
  return !self->unavailable;
}

void
vs_video_set_available (VsVideo  *self,
                        gboolean  available)
{
  g_return_if_fail (VS_IS_VIDEO (self));

  if (self->unavailable == !available)
    return;
  self->unavailable = !available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}
