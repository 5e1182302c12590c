/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnailer.c: freedesktop thumbnails (Thumbnail Managing Standard 0.9)
 *
 * Frames are decoded in process by a small GStreamer pipeline per file:
 * uridecodebin ! videoconvertscale ! appsink, the sink's caps asking for RGB at the
 * thumbnail's own size, so the scaler writes the final picture directly and no
 * full-size frame is ever copied. Like totem-video-thumbnailer, the frame is not the
 * first one: the pipeline seeks to a few representative points and rejects flat frames
 * (black intros, fades, title cards).
 *
 * Audio, subtitle and other streams are exposed undecoded and left unlinked, so only
 * the video decoder runs. An HLS playlist's thumbnail comes from one of its segments,
 * read directly (through hlsdemux only when a segment cannot be read alone), and is
 * stored under the playlist's own URI.
 *
 * The cache side reads only the text chunks at the start of a PNG (a small streaming
 * chunk reader), so looking a thumbnail up never decodes an image.
 */
#define G_LOG_DOMAIN "vs-thumbnailer"
#define _GNU_SOURCE

#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vs-thumbnailer-private.h"
#include "vs-playlist.h"
#include "vs-path.h"

GST_DEBUG_CATEGORY (_vs_thumbnailer_debug);

#define DEFAULT_TIMEOUT_MS 15000

struct _VsThumbnailer
{
  GObject parent_instance;

  guint   timeout_ms;
};

enum
{
  PROP_0,
  PROP_TIMEOUT_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VsThumbnailer, vs_thumbnailer, G_TYPE_OBJECT)
G_DEFINE_QUARK (vs-thumbnailer-error-quark, vs_thumbnailer_error)

/* ---- HLS ---------------------------------------------------------------------------- */

/* Where to look in a playlist, in order of preference: the segments holding these
 * fractions of its duration. */
static const double segment_positions[] = { 1.0 / 3, 0.1, 0.5, 0.75, 0 };

typedef struct
{
  gint64  targets_ns[G_N_ELEMENTS (segment_positions)];
  char   *paths[G_N_ELEMENTS (segment_positions)];
  gint64  elapsed_ns;
  guint   n_left;
} SegmentPicker;

static void
segment_picker_clear (SegmentPicker *p)
{
  for (guint i = 0; i < G_N_ELEMENTS (p->paths); i++)
    g_clear_pointer (&p->paths[i], g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SegmentPicker, segment_picker_clear)

static gboolean
pick_segments (const VsPlaylistSegment *segment,
               gpointer                 user_data)
{
  SegmentPicker *p = user_data;
  gint64 end = p->elapsed_ns + segment->duration_ns;

  for (guint i = 0; i < G_N_ELEMENTS (p->paths) && segment->path != NULL; i++)
    if (p->paths[i] == NULL && p->targets_ns[i] < end)
      {
        p->paths[i] = g_strdup (segment->path);
        p->n_left--;
      }
  p->elapsed_ns = end;
  return p->n_left > 0;   /* the rest of the playlist is not needed */
}

static void
playlist_error (const char  *display,
                GError      *local_error,
                GError     **error)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, local_error);
  else
    {
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                   "“%s” is not a usable playlist: %s", display, local_error->message);
      g_error_free (local_error);
    }
}

/* The best first frame among the picked segments, in their order of preference; a
 * damaged segment is skipped, running out of time keeps what was found. */
static GdkPixbuf *
decode_segments (const SegmentPicker  *picker,
                 const char           *display,
                 guint                 box,
                 gint64                deadline,
                 GCancellable         *cancellable,
                 GError              **error)
{
  g_autoptr(GdkPixbuf) best = NULL;
  g_autoptr(GError) first_error = NULL;
  double best_score = -1;

  for (guint i = 0; i < G_N_ELEMENTS (picker->paths); i++)
    {
      g_autofree char *uri = NULL;
      g_autofree char *segment_display = NULL;
      g_autoptr(GdkPixbuf) frame = NULL;
      g_autoptr(GError) local_error = NULL;
      struct stat st;
      double score = 0;
      gboolean seen = FALSE;

      for (guint j = 0; j < i; j++)
        seen |= g_strcmp0 (picker->paths[i], picker->paths[j]) == 0;
      if (picker->paths[i] == NULL || seen)
        continue;
      if (g_stat (picker->paths[i], &st) != 0 || !S_ISREG (st.st_mode) ||
          (uri = g_filename_to_uri (picker->paths[i], NULL, NULL)) == NULL)
        continue;

      segment_display = g_filename_display_name (picker->paths[i]);
      frame = _vs_thumbnailer_decode_frame (uri, segment_display, box, FALSE, deadline, cancellable, &score,
                            NULL, &local_error);
      if (frame == NULL)
        {
          gboolean timed_out = g_error_matches (local_error, VS_THUMBNAILER_ERROR,
                                                VS_THUMBNAILER_ERROR_TIMEOUT);

          /* A damaged segment: try the next one. Out of time: keep what we have. */
          if (timed_out && best != NULL)
            break;
          if (timed_out || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
          continue;
        }
      if (score >= FLAT_VARIANCE || score > best_score)
        {
          g_set_object (&best, frame);
          best_score = score;
        }
      if (score >= FLAT_VARIANCE)
        break;
    }

  if (best != NULL)
    return g_steal_pointer (&best);
  if (first_error != NULL)
    g_propagate_error (error, g_steal_pointer (&first_error));
  else
    g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                 "“%s” has no local segment to decode", display);
  return NULL;
}


/* The playlist is read twice, streaming: once for its length, once to find the segments
 * at the wanted times, so memory does not grow with the number of segments. Segments
 * are decoded directly (each starts with a key frame), not through hlsdemux. */
static GdkPixbuf *
decode_playlist (SourceInfo    *info,
                 const char    *display,
                 guint          box,
                 gint64         deadline,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_auto(SegmentPicker) picker = { { 0 } };
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(VsPlaylist) second = NULL;
  g_autoptr(GError) local_error = NULL;
  VsPlaylistFlags flags;
  gint64 total_ns;

  playlist = vs_playlist_load (info->path, NULL, NULL, cancellable, &local_error);
  if (playlist == NULL)
    {
      playlist_error (display, g_steal_pointer (&local_error), error);
      return NULL;
    }
  flags = vs_playlist_get_flags (playlist);
  info->duration_ms = vs_playlist_get_duration_ms (playlist);
  if (flags & VS_PLAYLIST_FLAG_ESCAPING)
    {
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                   "“%s” refers to files outside its folder", display);
      return NULL;
    }

  /* Segments that cannot be read alone (fMP4 behind an init section, byte ranges of one
   * file) go through hlsdemux, for local playlists only: nothing is fetched. */
  if ((flags & (VS_PLAYLIST_FLAG_INIT_MAP | VS_PLAYLIST_FLAG_BYTERANGE)) &&
      !(flags & VS_PLAYLIST_FLAG_REMOTE))
    return _vs_thumbnailer_decode_frame (info->uri, display, box, TRUE, deadline, cancellable, NULL, NULL,
                         error);

  total_ns = info->duration_ms * GST_MSECOND;
  picker.n_left = G_N_ELEMENTS (segment_positions);
  for (guint i = 0; i < G_N_ELEMENTS (segment_positions); i++)
    picker.targets_ns[i] = (gint64) (total_ns * segment_positions[i]);
  second = vs_playlist_load (info->path, pick_segments, &picker, cancellable, &local_error);
  if (second == NULL && picker.n_left > 0)
    {
      playlist_error (display, g_steal_pointer (&local_error), error);
      return NULL;
    }
  g_clear_error (&local_error);   /* stopped early on purpose */

  return decode_segments (&picker, display, box, deadline, cancellable, error);
}

/* ---- the thumbnailer ---------------------------------------------------------------- */

static gboolean
is_playlist (const char *path)
{
  return vs_path_has_suffix_nocase (path, ".m3u8");
}

/* A FIFO or a device would block the source element in open(2), beyond any timeout:
 * only regular, readable files are decoded. */
static gboolean
check_source (const char  *path,
              gint64       size,
              const char  *display,
              GError     **error)
{
  int fd = vs_path_open_regular (path, error);

  if (fd < 0)
    return FALSE;
  close (fd);
  if (size == 0)
    {
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA, "“%s” is empty",
                   display);
      return FALSE;
    }
  return TRUE;
}

static GdkPixbuf *
make_frame (VsThumbnailer  *self,
            SourceInfo     *info,
            guint           box,
            GCancellable   *cancellable,
            GError        **error)
{
  g_autofree char *display = g_filename_display_name (info->path);
  gint64 deadline = g_get_monotonic_time () + (gint64) self->timeout_ms * 1000;
  gint64 duration_ns = -1;
  GdkPixbuf *frame;

  if (!check_source (info->path, info->size, display, error))
    return NULL;
  if (is_playlist (info->path))
    return decode_playlist (info, display, box, deadline, cancellable, error);

  frame = _vs_thumbnailer_decode_frame (info->uri, display, box, TRUE, deadline, cancellable, NULL,
                        &duration_ns, error);
  if (duration_ns >= 0)
    info->duration_ms = duration_ns / GST_MSECOND;
  return frame;
}

char *
vs_thumbnailer_generate (VsThumbnailer   *self,
                         const char      *path,
                         VsThumbnailSize  size,
                         const char      *output,
                         GCancellable    *cancellable,
                         GError         **error)
{
  return vs_thumbnailer_generate_full (self, path, size, output, TRUE, cancellable, error);
}

char *
vs_thumbnailer_generate_full (VsThumbnailer   *self,
                              const char      *path,
                              VsThumbnailSize  size,
                              const char      *output,
                              gboolean         replace,
                              GCancellable    *cancellable,
                              GError         **error)
{
  g_auto(SourceInfo) info = { 0 };
  g_autoptr(GdkPixbuf) frame = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *target = NULL;

  g_return_val_if_fail (VS_IS_THUMBNAILER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (vs_thumbnail_size_to_string (size) != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !_vs_thumbnailer_source_info_init (&info, path, error))
    return NULL;

  frame = make_frame (self, &info, (guint) size, cancellable, &local_error);
  if (frame == NULL)
    {
      /* Only a verdict on the file's content is remembered: not a cancel, a file that
       * could not be opened (permissions change without touching the mtime) or a missing
       * plugin (FAILED), which installing it fixes. */
      if (output == NULL && local_error->domain == VS_THUMBNAILER_ERROR &&
          local_error->code != VS_THUMBNAILER_ERROR_FAILED)
        {
          g_autoptr(GError) marker_error = NULL;

          if (!_vs_thumbnailer_write_fail_marker (&info, local_error->message, &marker_error))
            g_debug ("Cannot write the fail marker: %s", marker_error->message);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (output != NULL)
    {
      target = g_strdup (output);
      if (!_vs_thumbnailer_save_thumbnail (frame, &info, target, 0644, NULL, TRUE, replace, error))
        return NULL;
    }
  else
    {
      g_autofree char *fail_path = vs_thumbnail_fail_path (info.uri);

      target = vs_thumbnail_path (info.uri, size);
      if (!_vs_thumbnailer_ensure_private_folder (target, error) ||
          !_vs_thumbnailer_save_thumbnail (frame, &info, target, 0600, NULL, FALSE, TRUE, error))
        return NULL;
      g_unlink (fail_path);
    }
  return g_steal_pointer (&target);
}

static void
vs_thumbnailer_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VsThumbnailer *self = VS_THUMBNAILER (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT_MS:
      g_value_set_uint (value, self->timeout_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_thumbnailer_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VsThumbnailer *self = VS_THUMBNAILER (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT_MS:
      self->timeout_ms = g_value_get_uint (value);
      if (self->timeout_ms == 0)
        self->timeout_ms = DEFAULT_TIMEOUT_MS;
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_thumbnailer_class_init (VsThumbnailerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = vs_thumbnailer_get_property;
  object_class->set_property = vs_thumbnailer_set_property;

  /* The time one file may take, decoding included; 0 means the default, 15 s. */
  properties[PROP_TIMEOUT_MS] =
    g_param_spec_uint ("timeout-ms", NULL, NULL, 0, G_MAXUINT, DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gst_init (NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (_vs_thumbnailer_debug, "vs-thumbnailer", 0, "Vidshelf thumbnailer");
}

static void
vs_thumbnailer_init (VsThumbnailer *self)
{
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
}

VsThumbnailer *
vs_thumbnailer_new (guint timeout_ms)
{
  return g_object_new (VS_TYPE_THUMBNAILER, "timeout-ms", timeout_ms, NULL);
}
