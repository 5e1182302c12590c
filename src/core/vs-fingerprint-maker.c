/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-fingerprint-maker.c: a video's fingerprint, from a few small frames
 *
 * The frames are decoded into a small box and hashed (vs_fingerprint_hash_grey()). Each is
 * taken from the key frame nearest its time when that is within FRAME_TOLERANCE, which
 * costs one key frame; otherwise the decoder goes on from the key frame to the time. Two
 * copies with different key frames thus still compare frames a fraction of a second apart.
 * An HLS download goes through hlsdemux, which seeks across its segments.
 */
#define G_LOG_DOMAIN "vs-thumbnailer"

#include "config.h"

#include <unistd.h>

#include "vs-path.h"
#include "vs-playlist.h"
#include "vs-thumbnailer-private.h"

/* a fingerprint decodes up to sixteen positions: twice a thumbnail's time */
#define TIME_FACTOR      2
/* the frames are scaled into this box before the hash averages them down to 32×32 */
#define FRAME_BOX        128
#define FRAME_TOLERANCE  (GST_MSECOND * 60)

typedef struct
{
  VsFingerprint *fingerprint;
  guint32        seen;      /* bit i: frame i was hashed */
} Collector;

static void
hash_frame (VsFingerprint *fingerprint,
            guint          index,
            GdkPixbuf     *frame)
{
  int width = gdk_pixbuf_get_width (frame);
  int height = gdk_pixbuf_get_height (frame);
  int stride = gdk_pixbuf_get_rowstride (frame);
  int channels = gdk_pixbuf_get_n_channels (frame);
  const guint8 *pixels = gdk_pixbuf_read_pixels (frame);
  g_autofree guint8 *grey = g_malloc ((gsize) width * height);
  gboolean flat = FALSE;

  for (int y = 0; y < height; y++)
    {
      const guint8 *p = pixels + (gsize) y * stride;

      for (int x = 0; x < width; x++, p += channels)
        grey[(gsize) y * width + x] = (guint8) ((77 * p[0] + 150 * p[1] + 29 * p[2]) >> 8);
    }
  fingerprint->frames[index] = vs_fingerprint_hash_grey (grey, width, height, width, &flat);
  if (flat)
    fingerprint->flat_mask |= 1u << index;
  else
    fingerprint->flat_mask &= ~(1u << index);
}

static gboolean
collect_frame (guint      index,
               guint      n_frames,
               GdkPixbuf *frame,
               gint64     pts_ns,
               gint64     duration_ns,
               gpointer   user_data)
{
  Collector *c = user_data;

  if (index >= VS_FINGERPRINT_FRAMES)
    return FALSE;
  hash_frame (c->fingerprint, index, frame);
  c->seen |= 1u << index;
  return TRUE;
}

static gboolean
fingerprint_playlist (const char     *path,
                      const char     *uri,
                      const char     *display,
                      gint64          deadline,
                      Collector      *collector,
                      guint          *out_decoded,
                      GCancellable   *cancellable,
                      GError        **error)
{
  VsPlaylistFlags flags;
  gint64 duration_ms;

  if (!_vs_thumbnailer_read_playlist (path, display, &flags, &duration_ms, cancellable, error))
    return FALSE;
  collector->fingerprint->duration_ms = duration_ms;
  if (duration_ms <= 0)
    {
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                   "“%s” has no duration", display);
      return FALSE;
    }
  /* Through hlsdemux, which seeks across segments: a frame must be the one at its time,
   * not a segment's first, to match a copy's (a merged MP4, a re-encode). */
  return _vs_thumbnailer_decode_frames (uri, display, FRAME_BOX, NULL, 0,
                                        VS_FRAME_PLAN_FINGERPRINT, FRAME_TOLERANCE, deadline,
                                        cancellable, collect_frame, collector, out_decoded,
                                        NULL, error);
}

gboolean
vs_thumbnailer_make_fingerprint (VsThumbnailer  *self,
                                 const char     *path,
                                 VsFingerprint  *out,
                                 guint          *out_decoded,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  g_auto(SourceInfo) info = { 0 };
  g_autofree char *display = NULL;
  VsFingerprint fingerprint = { .n_frames = VS_FINGERPRINT_FRAMES };
  Collector collector = { &fingerprint, 0 };
  guint timeout_ms = 0, decoded = 0;
  gint64 deadline;
  gboolean ok;
  int fd;

  g_return_val_if_fail (VS_IS_THUMBNAILER (self), FALSE);
  g_return_val_if_fail (path != NULL && out != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_decoded != NULL)
    *out_decoded = 0;
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !_vs_thumbnailer_source_info_init (&info, path, error))
    return FALSE;
  display = g_filename_display_name (path);
  g_object_get (self, "timeout-ms", &timeout_ms, NULL);
  deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000 * TIME_FACTOR;

  /* A FIFO or a device would block the source element in open(2). */
  fd = vs_path_open_regular (path, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  if (info.size == 0)
    {
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                   "“%s” is empty", display);
      return FALSE;
    }

  if (vs_path_has_suffix_nocase (path, ".m3u8"))
    ok = fingerprint_playlist (info.path, info.uri, display, deadline, &collector, &decoded,
                               cancellable, error);
  else
    {
      gint64 duration_ns = -1;

      ok = _vs_thumbnailer_decode_frames (info.uri, display, FRAME_BOX, NULL, 0,
                                          VS_FRAME_PLAN_FINGERPRINT, FRAME_TOLERANCE, deadline,
                                          cancellable, collect_frame, &collector, &decoded,
                                          &duration_ns, error);
      fingerprint.duration_ms = duration_ns > 0 ? duration_ns / GST_MSECOND : -1;
    }
  if (out_decoded != NULL)
    *out_decoded = decoded;
  if (!ok)
    return FALSE;
  /* frames never decoded (past the last key frame, a missing segment) say nothing */
  fingerprint.flat_mask |= ~collector.seen & ((1u << VS_FINGERPRINT_FRAMES) - 1);
  if (collector.seen == 0 || fingerprint.duration_ms <= 0)
    {
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                   "No frame of “%s” could be decoded", display);
      return FALSE;
    }
  *out = fingerprint;
  return TRUE;
}
