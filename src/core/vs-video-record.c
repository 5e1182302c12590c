/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vs-video-record"

#include "config.h"

#include "vs-video-record.h"

G_DEFINE_BOXED_TYPE (VsVideoRecord, vs_video_record, vs_video_record_copy, vs_video_record_free)

VsVideoRecord *
vs_video_record_new (void)
{
  VsVideoRecord *self = g_new0 (VsVideoRecord, 1);

  self->duration_ms = -1;
  return self;
}

VsVideoRecord *
vs_video_record_copy (const VsVideoRecord *self)
{
  VsVideoRecord *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->path = g_strdup (self->path);
  copy->uri = g_strdup (self->uri);
  copy->display_name = g_strdup (self->display_name);
  copy->video_codec = g_strdup (self->video_codec);
  copy->audio_codec = g_strdup (self->audio_codec);
  copy->container = g_strdup (self->container);
  copy->hls.variant = NULL;
  vs_hls_info_set (&copy->hls, &self->hls);
  return copy;
}

/* TRUE when @a and @b hold the same facts: a refresh that finds a row unchanged notifies
 * nothing. */
gboolean
vs_video_record_equal (const VsVideoRecord *a,
                       const VsVideoRecord *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->id == b->id && a->folder_id == b->folder_id && a->kind == b->kind &&
         a->size == b->size && a->mtime_ns == b->mtime_ns && a->btime_ns == b->btime_ns &&
         a->duration_ms == b->duration_ms && a->width == b->width && a->height == b->height &&
         a->has_video == b->has_video && a->probe_state == b->probe_state &&
         a->thumb_state == b->thumb_state && g_strcmp0 (a->path, b->path) == 0 &&
         g_strcmp0 (a->uri, b->uri) == 0 && g_strcmp0 (a->display_name, b->display_name) == 0 &&
         g_strcmp0 (a->video_codec, b->video_codec) == 0 &&
         g_strcmp0 (a->audio_codec, b->audio_codec) == 0 &&
         g_strcmp0 (a->container, b->container) == 0 && vs_hls_info_equal (&a->hls, &b->hls) &&
         a->watched == b->watched && a->play_count == b->play_count &&
         a->last_played_ns == b->last_played_ns && a->position_ms == b->position_ms &&
         a->added_ns == b->added_ns;
}

void
vs_video_record_free (VsVideoRecord *self)
{
  if (self == NULL)
    return;

  g_free (self->path);
  g_free (self->uri);
  g_free (self->display_name);
  g_free (self->video_codec);
  g_free (self->audio_codec);
  g_free (self->container);
  vs_hls_info_clear (&self->hls);
  g_free (self);
}

void
vs_video_record_set_path (VsVideoRecord *self,
                          const char    *path)
{
  char *copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (path != NULL && g_path_is_absolute (path));

  copy = g_strdup (path);   /* @path may be self->path itself */
  g_free (self->path);
  g_free (self->uri);
  g_free (self->display_name);
  self->path = copy;
  self->uri = g_filename_to_uri (copy, NULL, NULL);
  if (self->kind == VS_VIDEO_KIND_HLS)
    {
      /* Every download names its playlist index.m3u8 or similar: the folder says more. */
      g_autofree char *folder = g_path_get_dirname (copy);

      self->display_name = g_filename_display_basename (folder);
    }
  else
    self->display_name = g_filename_display_basename (copy);
}

const char *
vs_video_kind_to_string (VsVideoKind kind)
{
  return kind == VS_VIDEO_KIND_HLS ? "hls" : "file";
}

gboolean
vs_sort_key_from_string (const char *str,
                         VsSortKey  *out_key)
{
  static const char * const names[] = { "name", "mtime", "size", "duration", "resolution",
                                        "folder", "played", "added" };

  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_str_equal (str, names[i]))
        {
          if (out_key != NULL)
            *out_key = (VsSortKey) i;
          return TRUE;
        }
    }
  return FALSE;
}
