/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-frame-decoder.c: a video's representative frame, decoded by a small GStreamer pipeline */
#define G_LOG_DOMAIN "vs-thumbnailer"
#define _GNU_SOURCE

#include "config.h"

#include <string.h>

#include <gst/video/video.h>

#include "vs-thumbnailer-private.h"

/* How often a pipeline that has not prerolled yet is checked for a silent failure. */
#define STALL_CHECK_US     (200 * 1000)

/* decodebin's GstAutoplugSelectResult, which no public header declares. */
enum
{
  AUTOPLUG_TRY    = 0,
  AUTOPLUG_EXPOSE = 1,
  AUTOPLUG_SKIP   = 2,
};

/* ---- decoding ----------------------------------------------------------------------- */

typedef struct
{
  /* owned */
  GstElement   *pipeline;
  GstBus       *bus;
  char         *display;      /* the file's name, for messages */

  /* borrowed from the pipeline */
  GstElement   *convert;
  GstElement   *sink;

  /* written from streaming threads, read with atomics */
  int           video_linked;
  int           saw_other;    /* an audio, text or other stream was exposed */
  int           missing_video;

  GCancellable *cancellable;
  gulong        cancelled_id;
  gint64        deadline;     /* monotonic µs */
  guint         box;
  int           rotation;     /* clockwise degrees, from the image-orientation tag */

  /* Filmstrips: the video decoder is given key frames only (what ffmpeg's
   * "-skip_frame nokey" does), and they are counted. */
  int           keyframes_only; /* atomic: a seek may change it while the decoder runs */
  int           decoded;      /* atomic: buffers given to the video decoder */
  int           dropped_run;  /* atomic: delta frames dropped since the last key frame */
} Decoder;

/* A stream whose demuxer flags no key frame at all would never get a frame through:
 * after this many delta frames in a row, they are decoded after all. */
#define MAX_DROPPED_RUN 1000

static void
decoder_free (Decoder *d)
{
  if (d->cancelled_id != 0)
    g_cancellable_disconnect (d->cancellable, d->cancelled_id);
  if (d->pipeline != NULL)
    {
      gst_element_set_state (d->pipeline, GST_STATE_NULL);
      gst_object_unref (d->pipeline);
    }
  if (d->bus != NULL)
    {
      gst_bus_set_flushing (d->bus, TRUE);
      gst_object_unref (d->bus);
    }
  g_clear_object (&d->cancellable);
  g_free (d->display);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Decoder, decoder_free)

static void
fit_in_box (int  width,
            int  height,
            int  par_n,
            int  par_d,
            guint box,
            int *out_width,
            int *out_height)
{
  double display_width = (double) width * par_n / par_d;
  double scale = MIN (1.0, MIN (box / display_width, box / (double) height));

  /* libm is not linked: round half up by hand */
  *out_width = CLAMP ((int) (display_width * scale + 0.5), 1, (int) box);
  *out_height = CLAMP ((int) (height * scale + 0.5), 1, (int) box);
}

/* Streaming thread: links the first decoded video stream, at the caps that make the
 * scaler produce the thumbnail's size. */
static void
on_pad_added (GstElement *bin,
              GstPad     *pad,
              gpointer    user_data)
{
  Decoder *d = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) sink_pad = NULL;
  GstStructure *s;
  GstCapsFeatures *features;
  int width = 0, height = 0, par_n = 1, par_d = 1;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  s = gst_caps_get_size (caps) > 0 ? gst_caps_get_structure (caps, 0) : NULL;
  if (s == NULL || !gst_structure_has_name (s, "video/x-raw"))
    {
      g_atomic_int_set (&d->saw_other, 1);
      return;
    }
  features = gst_caps_get_features (caps, 0);
  if (features != NULL && !gst_caps_features_is_any (features) &&
      !gst_caps_features_contains (features, GST_CAPS_FEATURE_MEMORY_SYSTEM_MEMORY))
    {
      g_atomic_int_set (&d->missing_video, 1);
      return;
    }
  if (!g_atomic_int_compare_and_exchange (&d->video_linked, 0, 1))
    return;   /* a second video stream */

  if (gst_structure_get_int (s, "width", &width) && gst_structure_get_int (s, "height", &height) &&
      width > 0 && height > 0)
    {
      g_autoptr(GstCaps) target = NULL;
      int w, h;

      if (!gst_structure_get_fraction (s, "pixel-aspect-ratio", &par_n, &par_d) ||
          par_n <= 0 || par_d <= 0)
        par_n = par_d = 1;
      fit_in_box (width, height, par_n, par_d, d->box, &w, &h);
      target = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "RGB",
                                    "width", G_TYPE_INT, w, "height", G_TYPE_INT, h,
                                    "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
      g_object_set (d->sink, "caps", target, NULL);
      GST_DEBUG_OBJECT (d->pipeline, "%dx%d (%d:%d) -> %dx%d", width, height, par_n, par_d, w, h);
    }

  sink_pad = gst_element_get_static_pad (d->convert, "sink");
  if (GST_PAD_LINK_FAILED (gst_pad_link (pad, sink_pad)))
    g_atomic_int_set (&d->video_linked, 0);
}

static void
on_no_more_pads (GstElement *bin,
                 gpointer    user_data)
{
  Decoder *d = user_data;

  if (!g_atomic_int_get (&d->video_linked))
    gst_bus_post (d->bus, gst_message_new_application (GST_OBJECT (bin),
                                                       gst_structure_new_empty ("vs-no-video")));
}

static void
on_unknown_type (GstElement *bin,
                 GstPad     *pad,
                 GstCaps    *caps,
                 gpointer    user_data)
{
  Decoder *d = user_data;
  GstStructure *s = gst_caps_get_size (caps) > 0 ? gst_caps_get_structure (caps, 0) : NULL;
  const char *name = s != NULL ? gst_structure_get_name (s) : "";

  /* Audio or subtitles we would not decode anyway; anything else (video, or a container
   * such as application/x-hls) may hold the picture. */
  if (g_str_has_prefix (name, "audio/") || g_str_has_prefix (name, "text/") ||
      g_str_has_prefix (name, "subpicture/"))
    g_atomic_int_set (&d->saw_other, 1);
  else
    g_atomic_int_set (&d->missing_video, 1);
}

/* Only video is decoded: other streams are exposed as they come out of the demuxer or
 * parser. Hardware decoders output memory the scaler cannot read. */
static int
on_autoplug_select (GstElement        *bin,
                    GstPad            *pad,
                    GstCaps           *caps,
                    GstElementFactory *factory,
                    gpointer           user_data)
{
  const char *klass = gst_element_factory_get_metadata (factory, GST_ELEMENT_METADATA_KLASS);

  if (klass == NULL)
    return AUTOPLUG_TRY;
  if (strstr (klass, "Hardware") != NULL)
    return AUTOPLUG_SKIP;
  if (strstr (klass, "Demux") == NULL &&
      (strstr (klass, "Audio") != NULL || strstr (klass, "Subtitle") != NULL))
    return AUTOPLUG_EXPOSE;
  return AUTOPLUG_TRY;
}

/* One decoding thread per file: the caller's pool runs files in parallel, and libav's
 * frame threads would each hold a frame and delay every preroll (measured: the same
 * speed, 10-15 % less memory). */
/* Streaming thread: on the video decoder's input. */
static GstPadProbeReturn
on_decoder_input (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  Decoder *d = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  if (g_atomic_int_get (&d->keyframes_only) && GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT) &&
      g_atomic_int_add (&d->dropped_run, 1) < MAX_DROPPED_RUN)
    return GST_PAD_PROBE_DROP;
  if (!GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
    g_atomic_int_set (&d->dropped_run, 0);
  g_atomic_int_inc (&d->decoded);
  return GST_PAD_PROBE_OK;
}

static void
on_deep_element_added (GstBin     *bin,
                       GstBin     *sub_bin,
                       GstElement *element,
                       gpointer    user_data)
{
  Decoder *d = user_data;
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), "max-threads");
  GstElementFactory *factory = gst_element_get_factory (element);
  const char *klass = factory != NULL ?
    gst_element_factory_get_metadata (factory, GST_ELEMENT_METADATA_KLASS) : NULL;

  if (pspec != NULL && pspec->value_type == G_TYPE_INT && (pspec->flags & G_PARAM_WRITABLE))
    g_object_set (element, "max-threads", 1, NULL);
  if (klass != NULL && strstr (klass, "Decoder") != NULL && strstr (klass, "Video") != NULL)
    {
      g_autoptr(GstPad) sink = gst_element_get_static_pad (element, "sink");

      if (sink != NULL)
        gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, on_decoder_input, d, NULL);
    }
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  Decoder *d = user_data;

  /* Wakes the bus wait up; the cancellable itself is checked there. */
  gst_bus_post (d->bus, gst_message_new_application (NULL,
                                                     gst_structure_new_empty ("vs-cancelled")));
}

static Decoder *
decoder_new (const char    *uri,
             const char    *display,
             guint          box,
             gint64         deadline,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(Decoder) d = g_new0 (Decoder, 1);
  g_autoptr(GstCaps) fallback = NULL;
  GstElement *source;

  d->display = g_strdup (display);
  d->box = box;
  d->deadline = deadline;
  d->pipeline = gst_pipeline_new (NULL);
  d->bus = gst_pipeline_get_bus (GST_PIPELINE (d->pipeline));

  source = gst_element_factory_make ("uridecodebin", NULL);
  d->convert = gst_element_factory_make ("videoconvertscale", NULL);
  d->sink = gst_element_factory_make ("appsink", NULL);
  /* The pipeline owns whatever was made, so a failure below leaks nothing. */
  for (guint i = 0; i < 3; i++)
    {
      GstElement *element = (GstElement *[]) { source, d->convert, d->sink }[i];

      if (element != NULL)
        gst_bin_add (GST_BIN (d->pipeline), element);
    }
  if (source == NULL || d->convert == NULL || d->sink == NULL)
    {
      g_set_error_literal (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_FAILED,
                           "GStreamer’s base plugins (uridecodebin, videoconvertscale, appsink) "
                           "are not installed");
      return NULL;
    }
  gst_element_link (d->convert, d->sink);

  /* Used only when the decoder's caps carry no size: the scaler then fits the picture in
   * the box itself. */
  fallback = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "RGB",
                                  "width", GST_TYPE_INT_RANGE, 1, (int) box,
                                  "height", GST_TYPE_INT_RANGE, 1, (int) box,
                                  "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  g_object_set (d->sink, "caps", fallback, "sync", FALSE, "max-buffers", 1,
                "enable-last-sample", FALSE, NULL);
  g_object_set (source, "uri", uri, NULL);

  g_signal_connect (d->pipeline, "deep-element-added", G_CALLBACK (on_deep_element_added), d);
  g_signal_connect (source, "pad-added", G_CALLBACK (on_pad_added), d);
  g_signal_connect (source, "no-more-pads", G_CALLBACK (on_no_more_pads), d);
  g_signal_connect (source, "unknown-type", G_CALLBACK (on_unknown_type), d);
  g_signal_connect (source, "autoplug-select", G_CALLBACK (on_autoplug_select), d);

  if (cancellable != NULL)
    {
      d->cancellable = g_object_ref (cancellable);
      d->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), d, NULL);
    }
  return g_steal_pointer (&d);
}

static gboolean
decoder_fail (Decoder     *d,
              const char  *detail,
              GError     **error)
{
  if (g_atomic_int_get (&d->missing_video))
    g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_FAILED,
                 "A GStreamer plugin needed to decode “%s” is missing", d->display);
  else if (!g_atomic_int_get (&d->video_linked) && g_atomic_int_get (&d->saw_other))
    g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NO_VIDEO,
                 "“%s” has no video", d->display);
  else
    g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                 "“%s” cannot be decoded: %s", d->display, detail);
  return FALSE;
}

static void
decoder_read_orientation (Decoder    *d,
                          GstMessage *msg)
{
  g_autoptr(GstTagList) tags = NULL;
  g_autofree char *orientation = NULL;

  gst_message_parse_tag (msg, &tags);
  if (!gst_tag_list_get_string (tags, GST_TAG_IMAGE_ORIENTATION, &orientation))
    return;
  if (g_str_equal (orientation, "rotate-90"))
    d->rotation = 90;
  else if (g_str_equal (orientation, "rotate-180"))
    d->rotation = 180;
  else if (g_str_equal (orientation, "rotate-270"))
    d->rotation = 270;
}

static gboolean
pad_task_paused (GstElement *element,
                 GstPad     *pad,
                 gpointer    user_data)
{
  gboolean *paused = user_data;

  *paused |= gst_pad_get_task_state (pad) == GST_TASK_PAUSED;
  return TRUE;
}

/* decodebin drops the errors an element posts while it is still being tried (its error
 * filter), so a demuxer that gives up at once, like qtdemux on an MP4 cut before its
 * index, can leave the pipeline waiting for ever; seen often under ASan. Its trace: an
 * element that exposed nothing, whose streaming task on its sink pad has stopped. */
static gboolean
pipeline_stalled (GstElement *pipeline)
{
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  g_auto(GValue) item = G_VALUE_INIT;
  gboolean stalled = FALSE;
  gboolean done = FALSE;

  while (!done && !stalled)
    {
      GstIteratorResult result = gst_iterator_next (it, &item);

      if (result == GST_ITERATOR_OK)
        {
          GstElement *element = g_value_get_object (&item);
          gboolean exposed;

          GST_OBJECT_LOCK (element);
          exposed = element->numsrcpads > 0;
          GST_OBJECT_UNLOCK (element);
          if (!exposed)
            gst_element_foreach_sink_pad (element, pad_task_paused, &stalled);
          g_value_reset (&item);
        }
      else if (result == GST_ITERATOR_RESYNC)
        gst_iterator_resync (it);
      else
        done = TRUE;
    }
  return stalled;
}

/* Waits, within the deadline, until the pipeline has prerolled: after the state change
 * to PAUSED or after a flushing seek. */
static gboolean
decoder_wait (Decoder  *d,
              GError  **error)
{
  const GstMessageType types = GST_MESSAGE_ERROR | GST_MESSAGE_ASYNC_DONE |
                               GST_MESSAGE_APPLICATION | GST_MESSAGE_TAG;
  guint n_stalled = 0;

  for (;;)
    {
      g_autoptr(GstMessage) msg = NULL;
      gint64 remaining;

      if (g_cancellable_set_error_if_cancelled (d->cancellable, error))
        return FALSE;
      remaining = d->deadline - g_get_monotonic_time ();
      if (remaining <= 0)
        {
          g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_TIMEOUT,
                       "Decoding “%s” took too long", d->display);
          return FALSE;
        }
      msg = gst_bus_timed_pop_filtered (d->bus, (GstClockTime) MIN (remaining, STALL_CHECK_US) *
                                        GST_USECOND, types);
      if (msg == NULL)
        {
          /* Twice in a row, so a task that is only between two states is not taken for
           * one that has given up. */
          n_stalled = pipeline_stalled (d->pipeline) ? n_stalled + 1 : 0;
          if (n_stalled == 2)
            return decoder_fail (d, "the demuxer stopped", error);
          continue;
        }

      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
        {
          g_autoptr(GError) gst_error = NULL;
          g_autofree char *debug = NULL;

          gst_message_parse_error (msg, &gst_error, &debug);
          GST_DEBUG_OBJECT (d->pipeline, "error: %s (%s)", gst_error->message, debug);
          return decoder_fail (d, gst_error->message, error);
        }
      else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ASYNC_DONE &&
               GST_MESSAGE_SRC (msg) == GST_OBJECT (d->pipeline))
        return TRUE;
      else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_TAG &&
               GST_MESSAGE_SRC (msg) == GST_OBJECT (d->sink))
        decoder_read_orientation (d, msg);
      else if (gst_message_has_name (msg, "vs-no-video"))
        return decoder_fail (d, "no video stream", error);
    }
}

static gboolean
decoder_start (Decoder  *d,
               GError  **error)
{
  if (gst_element_set_state (d->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) msg = gst_bus_pop_filtered (d->bus, GST_MESSAGE_ERROR);
      g_autoptr(GError) gst_error = NULL;

      if (msg != NULL)
        gst_message_parse_error (msg, &gst_error, NULL);
      return decoder_fail (d, gst_error != NULL ? gst_error->message : "cannot start", error);
    }
  return decoder_wait (d, error);
}

/* The prerolled frame as a pixbuf (a copy: the sample's memory is the pipeline's), or
 * NULL at the end of the stream. */
static GdkPixbuf *
decoder_grab (Decoder      *d,
              GstClockTime *out_time)
{
  g_autoptr(GstSample) sample = NULL;
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buffer;
  GdkPixbuf *pixbuf;
  const guint8 *src;
  guint8 *dest;
  int src_stride, dest_stride;

  g_signal_emit_by_name (d->sink, "try-pull-preroll", (guint64) 0, &sample);
  if (sample == NULL || (buffer = gst_sample_get_buffer (sample)) == NULL ||
      !gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGB ||
      !gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
    return NULL;

  if (out_time != NULL)
    *out_time = gst_segment_to_stream_time (gst_sample_get_segment (sample), GST_FORMAT_TIME,
                                            GST_BUFFER_PTS (buffer));
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, GST_VIDEO_INFO_WIDTH (&info),
                           GST_VIDEO_INFO_HEIGHT (&info));
  src = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
  src_stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  dest = gdk_pixbuf_get_pixels (pixbuf);
  dest_stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < GST_VIDEO_INFO_HEIGHT (&info); y++)
    memcpy (dest + (gsize) y * dest_stride, src + (gsize) y * src_stride,
            (gsize) GST_VIDEO_INFO_WIDTH (&info) * 3);
  gst_video_frame_unmap (&frame);
  return pixbuf;
}

/* Variance of the luma: near 0 for black, fades and flat title cards. */
static double
frame_score (GdkPixbuf *pixbuf)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  double sum = 0, sum_sq = 0, n = (double) width * height, mean;

  for (int y = 0; y < height; y++)
    {
      const guint8 *p = pixels + (gsize) y * stride;

      for (int x = 0; x < width; x++, p += channels)
        {
          double luma = (77 * p[0] + 150 * p[1] + 29 * p[2]) / 256.0;

          sum += luma;
          sum_sq += luma * luma;
        }
    }
  mean = sum / n;
  return MAX (0.0, sum_sq / n - mean * mean);
}

/* Seeks to @position and returns the frame there, NULL with no error when the stream
 * has none there (past its end, not seekable). */
static GdkPixbuf *
decoder_frame_at (Decoder      *d,
                  GstClockTime  position,
                  double       *out_score,
                  GError      **error)
{
  g_autoptr(GdkPixbuf) frame = NULL;
  GstClockTime pts = GST_CLOCK_TIME_NONE;
  GstClockTimeDiff distance;

  /* A key frame is cheap to reach and decode. */
  if (!gst_element_seek_simple (d->pipeline, GST_FORMAT_TIME,
                                GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT |
                                GST_SEEK_FLAG_SNAP_NEAREST, (gint64) position))
    return NULL;
  if (!decoder_wait (d, error) || (frame = decoder_grab (d, &pts)) == NULL)
    return NULL;
  *out_score = frame_score (frame);

  /* With few key frames the snap may land far away, on the same black frame each time:
   * decode up to the exact position instead. */
  distance = GST_CLOCK_TIME_IS_VALID (pts) ? GST_CLOCK_DIFF (pts, position) : 0;
  if (*out_score < FLAT_VARIANCE && ABS (distance) > GST_SECOND &&
      gst_element_seek_simple (d->pipeline, GST_FORMAT_TIME,
                               GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, (gint64) position))
    {
      g_autoptr(GdkPixbuf) exact = NULL;

      if (!decoder_wait (d, error))
        return NULL;
      if ((exact = decoder_grab (d, NULL)) != NULL)
        {
          g_set_object (&frame, exact);
          *out_score = frame_score (frame);
        }
    }
  return g_steal_pointer (&frame);
}

static GdkPixbuf *
apply_rotation (GdkPixbuf *pixbuf,
                int        rotation)
{
  GdkPixbuf *rotated = NULL;

  /* GdkPixbufRotation counts counterclockwise, the tag clockwise. */
  if (rotation != 0)
    rotated = gdk_pixbuf_rotate_simple (pixbuf, (GdkPixbufRotation) ((360 - rotation) % 360));
  if (rotated == NULL)
    return pixbuf;
  g_object_unref (pixbuf);
  return rotated;
}

/* The best frame of @uri. With @search, tries representative positions (not the first
 * frame, which is only the last resort); without, takes the first frame. */
GdkPixbuf *
_vs_thumbnailer_decode_frame (const char    *uri,
                              const char    *display,
                              guint          box,
                              gboolean       search,
                              gint64         deadline,
                              GCancellable  *cancellable,
                              double        *out_score,
                              gint64        *out_duration_ns,
                              GError       **error)
{
  static const double positions[] = { 1.0 / 3, 0.1, 0.5, 0.75 };
  g_autoptr(Decoder) d = NULL;
  g_autoptr(GdkPixbuf) best = NULL;
  g_autoptr(GstQuery) query = NULL;
  gint64 duration = -1;
  gboolean seekable = FALSE;
  double best_score;

  d = decoder_new (uri, display, box, deadline, cancellable, error);
  if (d == NULL || !decoder_start (d, error))
    return NULL;
  if ((best = decoder_grab (d, NULL)) == NULL)
    {
      decoder_fail (d, "no frame could be decoded", error);
      return NULL;
    }
  best_score = frame_score (best);
  GST_DEBUG_OBJECT (d->pipeline, "first frame: variance %.0f", best_score);

  if (!gst_element_query_duration (d->pipeline, GST_FORMAT_TIME, &duration))
    duration = -1;
  query = gst_query_new_seeking (GST_FORMAT_TIME);
  if (gst_element_query (d->pipeline, query))
    gst_query_parse_seeking (query, NULL, &seekable, NULL, NULL);

  for (guint i = 0; search && seekable && duration > 0 && i < G_N_ELEMENTS (positions); i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GdkPixbuf) frame = NULL;
      double score = 0;

      frame = decoder_frame_at (d, (GstClockTime) (duration * positions[i]), &score, &local_error);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (local_error != NULL)
        {
          /* Out of time, or the rest of the file is damaged: the frame in hand will do. */
          GST_DEBUG_OBJECT (d->pipeline, "frame search stopped: %s", local_error->message);
          break;
        }
      GST_DEBUG_OBJECT (d->pipeline, "%.0f%%: %s, variance %.0f", positions[i] * 100,
                        frame != NULL ? "a frame" : "nothing", score);
      if (frame == NULL)
        continue;
      if (score >= FLAT_VARIANCE || score > best_score)
        {
          g_set_object (&best, frame);
          best_score = score;
        }
      if (score >= FLAT_VARIANCE)
        break;
    }

  if (out_score != NULL)
    *out_score = best_score;
  if (out_duration_ns != NULL)
    *out_duration_ns = duration;
  return apply_rotation (g_steal_pointer (&best), d->rotation);
}

gboolean
_vs_thumbnailer_decode_frames (const char      *uri,
                               const char      *display,
                               guint            box,
                               const gint64    *times_ns,
                               guint            n_times,
                               VsFramePlan      plan,
                               gint64           tolerance_ns,
                               gint64           deadline,
                               GCancellable    *cancellable,
                               VsKeyframeFunc   func,
                               gpointer         user_data,
                               guint           *out_decoded,
                               gint64          *out_duration_ns,
                               GError         **error)
{
  g_autoptr(Decoder) d = NULL;
  g_autoptr(GdkPixbuf) last = NULL;
  g_autoptr(GstQuery) query = NULL;
  g_autofree gint64 *planned = NULL;
  g_autofree guint *order = NULL;
  gint64 duration = -1;
  GstClockTime origin = 0;
  gboolean seekable = FALSE;
  gboolean ok = FALSE;

  d = decoder_new (uri, display, box, deadline, cancellable, error);
  if (d == NULL)
    return FALSE;
  g_atomic_int_set (&d->keyframes_only, TRUE);
  if (!decoder_start (d, error))
    goto out;

  if (!gst_element_query_duration (d->pipeline, GST_FORMAT_TIME, &duration))
    duration = -1;
  query = gst_query_new_seeking (GST_FORMAT_TIME);
  if (gst_element_query (d->pipeline, query))
    gst_query_parse_seeking (query, NULL, &seekable, NULL, NULL);
  if (n_times == 0)
    {
      gint64 duration_ms = duration > 0 ? duration / GST_MSECOND : 0;

      n_times = plan == VS_FRAME_PLAN_FINGERPRINT ? VS_FINGERPRINT_FRAMES
                                                  : vs_filmstrip_count_frames (duration_ms);
      planned = g_new (gint64, n_times);
      for (guint i = 0; i < n_times; i++)
        planned[i] = (plan == VS_FRAME_PLAN_FINGERPRINT
                      ? vs_fingerprint_frame_time_ms (duration_ms, i)
                      : vs_filmstrip_frame_time_ms (duration_ms, n_times, i)) * GST_MSECOND;
      times_ns = planned;
      /* The coarse pass first, so the maker can show a first strip early. */
      order = g_new (guint, n_times);
      for (guint i = 0, k = 0, pass = 0; pass < 2; pass++)
        for (i = 0; i < n_times; i++)
          if ((plan == VS_FRAME_PLAN_FILMSTRIP && vs_filmstrip_is_coarse (n_times, i)) ==
              (pass == 0))
            order[k++] = i;
      if (duration <= 0 || !seekable)
        {
          g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                       "“%s” cannot be seeked in", display);
          goto out;
        }
    }

  /* Exact frames are timed from the stream's first one: an MPEG-TS (an HLS download)
   * starts its clock at a fraction of a second where its MP4 copy starts at 0. */
  if (tolerance_ns >= 0)
    {
      g_autoptr(GdkPixbuf) first = decoder_grab (d, &origin);

      if (first == NULL || !GST_CLOCK_TIME_IS_VALID (origin) || origin > 10 * GST_SECOND)
        origin = 0;
    }

  for (guint k = 0; k < n_times; k++)
    {
      g_autoptr(GdkPixbuf) frame = NULL;
      GstClockTime pts = GST_CLOCK_TIME_NONE;
      guint i = order != NULL ? order[k] : k;
      gint64 target = times_ns[i] + (gint64) origin;

      /* The first frame is the one prerolled at the start. */
      if (k > 0 || times_ns[i] > 0)
        {
          if (!seekable)
            break;
          if (!gst_element_seek_simple (d->pipeline, GST_FORMAT_TIME,
                                        GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT |
                                        GST_SEEK_FLAG_SNAP_NEAREST, target))
            goto grabbed;
          if (!decoder_wait (d, error))
            goto out;
        }
      frame = decoder_grab (d, &pts);
      /* The key frame is too far from the time asked for: decode up to the time. */
      if (frame != NULL && tolerance_ns >= 0 && seekable && GST_CLOCK_TIME_IS_VALID (pts) &&
          ABS (GST_CLOCK_DIFF (pts, target)) > tolerance_ns)
        {
          g_atomic_int_set (&d->keyframes_only, FALSE);
          if (gst_element_seek_simple (d->pipeline, GST_FORMAT_TIME,
                                       GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, target))
            {
              g_autoptr(GdkPixbuf) exact = NULL;
              GstClockTime exact_pts = GST_CLOCK_TIME_NONE;

              if (!decoder_wait (d, error))
                goto out;
              if ((exact = decoder_grab (d, &exact_pts)) != NULL)
                {
                  GST_DEBUG_OBJECT (d->pipeline, "frame %u: key frame at %" GST_TIME_FORMAT
                                    ", decoded on to %" GST_TIME_FORMAT " for %" GST_TIME_FORMAT,
                                    i, GST_TIME_ARGS (pts), GST_TIME_ARGS (exact_pts),
                                    GST_TIME_ARGS (target));
                  g_set_object (&frame, exact);
                  pts = exact_pts;
                }
            }
          g_atomic_int_set (&d->keyframes_only, TRUE);
        }
    grabbed:
      if (frame != NULL)
        {
          frame = apply_rotation (g_steal_pointer (&frame), d->rotation);
          g_set_object (&last, frame);
        }
      else if (last != NULL)
        {
          /* Past the last key frame, or a seek refused: the frame before stands in. */
          frame = g_object_ref (last);
          pts = GST_CLOCK_TIME_NONE;
        }
      else
        {
          decoder_fail (d, "no frame could be decoded", error);
          goto out;
        }
      if (!GST_CLOCK_TIME_IS_VALID (pts))
        pts = (GstClockTime) times_ns[i];
      if (!func (i, n_times, frame, (gint64) pts, duration, user_data))
        break;
    }
  ok = TRUE;

out:
  if (out_decoded != NULL)
    *out_decoded = (guint) g_atomic_int_get (&d->decoded);
  if (out_duration_ns != NULL)
    *out_duration_ns = duration;
  return ok;
}

gboolean
_vs_thumbnailer_decode_keyframes (const char      *uri,
                                  const char      *display,
                                  guint            box,
                                  const gint64    *times_ns,
                                  guint            n_times,
                                  gint64           deadline,
                                  GCancellable    *cancellable,
                                  VsKeyframeFunc   func,
                                  gpointer         user_data,
                                  guint           *out_decoded,
                                  gint64          *out_duration_ns,
                                  GError         **error)
{
  return _vs_thumbnailer_decode_frames (uri, display, box, times_ns, n_times,
                                        VS_FRAME_PLAN_FILMSTRIP, -1, deadline, cancellable,
                                        func, user_data, out_decoded, out_duration_ns, error);
}
