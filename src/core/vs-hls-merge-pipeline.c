/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-hls-merge-pipeline.c: the GStreamer pipeline that remuxes the segments into the MP4 */
#define G_LOG_DOMAIN "vs-merge"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vs-hls-merge-private.h"
#include "vs-merge-batch.h"
#include "vs-merge-nal-align.h"
#include "vs-merge-sink.h"
#include "vs-path.h"

/* Reads of 256 KiB: the few in flight (appsrc's queue, the one the demuxer is reading) are
 * about 1 MiB of a merge's peak memory, where reads of 1 MiB made 5 MiB of it; four times
 * as many system calls cost nothing that shows. */
#define READ_SIZE          (256 * 1024)
#define QUEUE_BYTES        (2 * READ_SIZE)       /* appsrc's queue before the feeder waits */
/* The demuxer's thread pushes every stream straight into the muxer (a multiqueue's two
 * threads cost more than the muxing itself), whose inputs each queue up to its latency.
 * A second is enough for usual interleaving and bounds memory whatever the bitrate; when
 * audio and video lie further apart, a full input blocks the demuxer before the other
 * input gets data, and the watchdog doubles the latency until the muxer moves again. */
#define MUX_LATENCY        (1 * GST_SECOND)
#define MUX_LATENCY_MAX    (32 * GST_SECOND)
#define LATENCY_STEP_US    (250 * G_TIME_SPAN_MILLISECOND)
/* No output for this long while the pipeline should be busy: report, never hang. */
#define STALL_TIMEOUT_US   (60 * G_USEC_PER_SEC)
/* Room for mp4mux's index, per second and per track: a 60 fps video with B-frames needs
 * about 750 bytes a second (sizes, composition offsets, chunk offsets). */
#define RESERVED_BYTES_PER_SEC 1000

typedef struct
{
  Merge      *merge;
  GstClockTime last;
} StreamCheck;

/* The pipeline --------------------------------------------------------------- */

static void
set_pipeline_error (Merge  *m,
                    GError *error) /* owned */
{
  g_mutex_lock (&m->lock);
  if (m->pipeline_error == NULL)
    m->pipeline_error = error;
  else
    g_error_free (error);
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
}

/* The streaming threads run as batch work (SCHED_BATCH) while they serve the merge: the
 * demuxer's thread hands the muxer's thread every sample, and a woken muxer then does not
 * preempt the demuxer on a shared CPU, one switch for each sample there and back, but
 * finds many waiting when its turn comes (a fifth of the context switches, when the other
 * CPU was busy). A thread on a CPU of its own is not slowed. Called on the streaming
 * thread, as it enters and leaves the task; a policy other than the default is left. */
static void
set_batch_policy (GstMessage *message)
{
#ifdef SCHED_BATCH
  GstStreamStatusType type;
  struct sched_param param = { 0 };
  int policy;

  gst_message_parse_stream_status (message, &type, NULL);
  if ((type != GST_STREAM_STATUS_TYPE_ENTER && type != GST_STREAM_STATUS_TYPE_LEAVE) ||
      pthread_getschedparam (pthread_self (), &policy, &param) != 0)
    return;
  if (type == GST_STREAM_STATUS_TYPE_ENTER && policy == SCHED_OTHER)
    pthread_setschedparam (pthread_self (), SCHED_BATCH, &param);
  else if (type == GST_STREAM_STATUS_TYPE_LEAVE && policy == SCHED_BATCH)
    pthread_setschedparam (pthread_self (), SCHED_OTHER, &param);
#endif
}

static GstBusSyncReply
on_bus_sync (GstBus     *bus,
             GstMessage *message,
             gpointer    user_data)
{
  Merge *m = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_STREAM_STATUS)
    {
      set_batch_policy (message);
      /* a dropped message is the handler's to unref */
      gst_message_unref (message);
      return GST_BUS_DROP;
    }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) gst_error = NULL;
      g_autofree char *debug = NULL;

      gst_message_parse_error (message, &gst_error, &debug);
      GST_WARNING ("pipeline error: %s (%s)", gst_error->message, debug ? debug : "");
      if (gst_error->domain == VS_MERGE_ERROR)
        set_pipeline_error (m, g_error_copy (gst_error));
      else
        set_pipeline_error (m, g_error_new (VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                                            _("The streams could not be remuxed: %s"),
                                            gst_error->message));
    }
  return GST_BUS_PASS;
}

static void
post_error (Merge      *m,
            GstElement *from,
            int         code,
            const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (VS_MERGE_ERROR, code, message);

  gst_element_post_message (from, gst_message_new_error (GST_OBJECT (from), error, NULL));
}

static GstPadProbeReturn
check_timestamps (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  StreamCheck *check = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime ts = GST_BUFFER_DTS_OR_PTS (buffer);

  if (!GST_CLOCK_TIME_IS_VALID (ts))
    return GST_PAD_PROBE_OK;
  if (GST_CLOCK_TIME_IS_VALID (check->last) && ts < check->last)
    {
      GstElement *parent = gst_pad_get_parent_element (pad);

      GST_WARNING_OBJECT (pad, "timestamp went back from %" GST_TIME_FORMAT " to %"
                          GST_TIME_FORMAT, GST_TIME_ARGS (check->last), GST_TIME_ARGS (ts));
      post_error (check->merge, parent, VS_MERGE_ERROR_DISCONTINUITY,
                  _("Timestamps go backwards across a discontinuity; the segments cannot be "
                    "joined into one file without re-encoding"));
      gst_object_unref (parent);
      return GST_PAD_PROBE_DROP;
    }
  check->last = ts;
  return GST_PAD_PROBE_OK;
}

static GstElement *
make_parser (GstCaps *caps)
{
  GList *factories, *filtered;
  GstElement *parser = NULL;

  factories = gst_element_factory_list_get_elements (GST_ELEMENT_FACTORY_TYPE_PARSER,
                                                     GST_RANK_MARGINAL);
  filtered = gst_element_factory_list_filter (factories, caps, GST_PAD_SINK, FALSE);
  filtered = g_list_sort (filtered, gst_plugin_feature_rank_compare_func);
  for (GList *l = filtered; l != NULL && parser == NULL; l = l->next)
    parser = gst_element_factory_create (l->data, NULL);
  gst_plugin_feature_list_free (filtered);
  gst_plugin_feature_list_free (factories);
  return parser;
}

/* The muxer's request pad template whose caps the parser can produce, or NULL. */
static GstPadTemplate *
mux_template_for (GstElement *mux,
                  GstElement *parser,
                  gboolean    video)
{
  GstPadTemplate *templ = gst_element_get_pad_template (mux, video ? "video_%u" : "audio_%u");
  g_autoptr(GstPad) src = gst_element_get_static_pad (parser, "src");
  g_autoptr(GstCaps) produced = gst_pad_query_caps (src, NULL);
  g_autoptr(GstCaps) accepted = gst_pad_template_get_caps (templ);

  return gst_caps_can_intersect (produced, accepted) ? templ : NULL;
}

static void
link_to_fakesink (Merge  *m,
                  GstPad *pad)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (sink, "sink");

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (m->pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  gst_pad_link (pad, sinkpad);
}

/* Links the demuxer's @pad to the parser: an H.264 byte stream through VsMergeNalAlign,
 * so h264parse reads each NAL unit once, in place. */
static gboolean
link_to_parser (Merge   *m,
                GstPad  *pad,
                GstPad  *parser_sink,
                GstCaps *caps)
{
  GstElement *align;
  g_autoptr(GstPad) align_sink = NULL;
  g_autoptr(GstPad) align_src = NULL;

  if (!vs_merge_nal_align_accepts_caps (caps))
    return gst_pad_link (pad, parser_sink) == GST_PAD_LINK_OK;
  align = vs_merge_nal_align_new ();
  gst_bin_add (GST_BIN (m->pipeline), align);
  align_sink = gst_element_get_static_pad (align, "sink");
  align_src = gst_element_get_static_pad (align, "src");
  return gst_pad_link (align_src, parser_sink) == GST_PAD_LINK_OK &&
         gst_element_sync_state_with_parent (align) &&
         gst_pad_link (pad, align_sink) == GST_PAD_LINK_OK;
}

static void
on_pad_added (GstElement *demux,
              GstPad     *pad,
              gpointer    user_data)
{
  Merge *m = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) parser_sink = NULL;
  g_autoptr(GstPad) parser_src = NULL;
  g_autoptr(GstPad) batch_sink = NULL;
  g_autoptr(GstPad) batch_src = NULL;
  g_autoptr(GstPad) mux_sink = NULL;
  GstPadTemplate *templ;
  GstElement *parser, *batch;
  const char *name;
  gboolean video;
  StreamCheck *check;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  GST_DEBUG ("demuxer pad %s: %" GST_PTR_FORMAT, GST_PAD_NAME (pad), caps);
  if (!g_str_has_prefix (name, "video/") && !g_str_has_prefix (name, "audio/"))
    {
      /* timed ID3 tags, subtitles and private data: not part of the merge */
      link_to_fakesink (m, pad);
      return;
    }
  video = g_str_has_prefix (name, "video/");

  parser = make_parser (caps);
  if (parser == NULL ||
      (templ = mux_template_for (m->mux, parser, video)) == NULL)
    {
      g_autofree char *message = g_strdup_printf (
        _("The stream “%s” cannot be stored in an MP4 file without re-encoding"), name);

      g_clear_object (&parser);
      link_to_fakesink (m, pad);
      post_error (m, demux, VS_MERGE_ERROR_UNSUPPORTED, message);
      return;
    }

  batch = vs_merge_batch_new ();
  gst_bin_add_many (GST_BIN (m->pipeline), parser, batch, NULL);
  parser_sink = gst_element_get_static_pad (parser, "sink");
  parser_src = gst_element_get_static_pad (parser, "src");
  batch_sink = gst_element_get_static_pad (batch, "sink");
  batch_src = gst_element_get_static_pad (batch, "src");
  mux_sink = gst_element_request_pad (m->mux, templ, NULL, NULL);
  check = g_new0 (StreamCheck, 1);
  check->merge = m;
  check->last = GST_CLOCK_TIME_NONE;
  gst_pad_add_probe (parser_src, GST_PAD_PROBE_TYPE_BUFFER, check_timestamps, check, g_free);

  if (mux_sink == NULL ||
      gst_pad_link (batch_src, mux_sink) != GST_PAD_LINK_OK ||
      gst_pad_link (parser_src, batch_sink) != GST_PAD_LINK_OK ||
      !gst_element_sync_state_with_parent (batch) ||
      !gst_element_sync_state_with_parent (parser) ||
      !link_to_parser (m, pad, parser_sink, caps))
    post_error (m, demux, VS_MERGE_ERROR_FAILED, _("The streams could not be linked"));

  g_mutex_lock (&m->lock);
  if (video)
    m->n_video++;
  else
    m->n_audio++;
  g_mutex_unlock (&m->lock);
}

/* The demuxer handles its input on this thread, so at its EOS it has exposed every
 * stream it will: none means the segments are not media GStreamer can read, and the
 * muxer, without inputs, would never finish. */
static GstPadProbeReturn
check_streams_at_eos (GstPad          *pad,
                      GstPadProbeInfo *info,
                      gpointer         user_data)
{
  Merge *m = user_data;
  gboolean none;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&m->lock);
  none = m->n_video + m->n_audio == 0;
  g_mutex_unlock (&m->lock);
  if (none)
    {
      GstElement *demux = gst_pad_get_parent_element (pad);

      post_error (m, demux, VS_MERGE_ERROR_UNSUPPORTED,
                  _("The segments hold no audio or video stream that can be read"));
      gst_object_unref (demux);
    }
  return GST_PAD_PROBE_OK;
}

/* Counts the muxer's output for the stall watchdog. */
static GstPadProbeReturn
on_mux_output (GstPad          *pad,
               GstPadProbeInfo *info,
               gpointer         user_data)
{
  Merge *m = user_data;

  g_atomic_int_inc (&m->mux_buffers);
  return GST_PAD_PROBE_OK;
}

static gboolean feed_should_stop (Merge   *m,
                                  GError **error);

/* Fails when neither the feeder nor the muxer moved for STALL_TIMEOUT_US. */
static gboolean
check_stall (Merge   *m,
             gint    *last_count,
             guint64 *last_done,
             gint64  *since,
             GError **error)
{
  gint count = g_atomic_int_get (&m->mux_buffers);
  gint64 now = g_get_monotonic_time ();

  if (count != *last_count || m->done_bytes != *last_done || *since == 0)
    {
      *last_count = count;
      *last_done = m->done_bytes;
      *since = now;
      return TRUE;
    }
  if (now - *since >= LATENCY_STEP_US && m->mux_latency < MUX_LATENCY_MAX)
    {
      m->mux_latency *= 2;
      GST_INFO ("no progress: muxer latency raised to %" GST_TIME_FORMAT,
                GST_TIME_ARGS (m->mux_latency));
      g_object_set (m->mux, "latency", m->mux_latency, NULL);
      *since = now;
      return TRUE;
    }
  if (now - *since < STALL_TIMEOUT_US)
    return TRUE;
  set_pipeline_error (m, g_error_new (VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                                     _("The merge stalled: the streams may be too far apart "
                                       "in the segments to be joined")));
  return !feed_should_stop (m, error);
}

static void
on_appsrc_need_data (GstElement *src,
                     guint       length,
                     gpointer    user_data)
{
  Merge *m = user_data;

  g_mutex_lock (&m->lock);
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  Merge *m = user_data;

  g_mutex_lock (&m->lock);
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
}

static GstElement *
make_element (const char  *factory,
              GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_UNSUPPORTED,
                 _("The GStreamer element “%s” is missing"), factory);
  return element;
}

static gboolean
build_pipeline (Merge   *m,
                GError **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstElement *demux, *sink;
  guint64 reserve_ns;

  m->pipeline = gst_pipeline_new ("vs-merge");
  m->mux_latency = MUX_LATENCY;
  if ((m->appsrc = make_element ("appsrc", error)) == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (m->pipeline), m->appsrc);
  if ((demux = make_element (m->fmp4 ? "qtdemux" : "tsdemux", error)) == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (m->pipeline), demux);
  if ((m->mux = make_element ("mp4mux", error)) == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (m->pipeline), m->mux);
  /* The locked descriptor, not filesink: opening the file again truncates it, and ext4 then
   * starts writing the whole file back at close (auto_da_alloc), in the merge's time. */
  sink = vs_merge_sink_new (m->lock_fd);
  /* the result is made durable before the source goes: the disk may start now */
  vs_merge_sink_set_write_behind (VS_MERGE_SINK (sink), m->remove_source);
  gst_bin_add (GST_BIN (m->pipeline), sink);

  caps = gst_caps_from_string (m->fmp4 ? "video/quicktime"
                                       : "video/mpegts,systemstream=(boolean)true");
  g_object_set (m->appsrc,
                "caps", caps,
                "format", GST_FORMAT_BYTES,
                "stream-type", 0 /* GST_APP_STREAM_TYPE_STREAM */,
                "max-bytes", (guint64) QUEUE_BYTES,
                "min-percent", 50,
                "block", FALSE,
                "emit-signals", TRUE,
                NULL);
  g_signal_connect (m->appsrc, "need-data", G_CALLBACK (on_appsrc_need_data), m);
  /* A tenth more than the playlist says plus 10 s, in case the media runs long. */
  reserve_ns = (guint64) (m->duration_ms + m->duration_ms / 10 + 10000) * GST_MSECOND;
  g_object_set (m->mux,
                "latency", m->mux_latency,
                "reserved-max-duration", reserve_ns,
                "reserved-bytes-per-sec", RESERVED_BYTES_PER_SEC,
                NULL);

  g_signal_connect (demux, "pad-added", G_CALLBACK (on_pad_added), m);
  {
    g_autoptr(GstPad) demux_sink = gst_element_get_static_pad (demux, "sink");
    g_autoptr(GstPad) mux_src = gst_element_get_static_pad (m->mux, "src");

    gst_pad_add_probe (mux_src, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                       on_mux_output, m, NULL);
    gst_pad_add_probe (demux_sink, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, check_streams_at_eos,
                       m, NULL);
  }
  m->pool = gst_buffer_pool_new ();
  {
    GstStructure *config = gst_buffer_pool_get_config (m->pool);

    gst_buffer_pool_config_set_params (config, NULL, READ_SIZE, 0, 0);
    gst_buffer_pool_set_config (m->pool, config);
  }
  if (!gst_buffer_pool_set_active (m->pool, TRUE) ||
      !gst_element_link (m->appsrc, demux) || !gst_element_link (m->mux, sink))
    {
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                   _("The merge pipeline could not be built"));
      return FALSE;
    }

  bus = gst_element_get_bus (m->pipeline);
  gst_bus_set_sync_handler (bus, on_bus_sync, m, NULL);
  return TRUE;
}

/* Stops feeding when the pipeline failed or the run was cancelled. */
static gboolean
feed_should_stop (Merge   *m,
                  GError **error)
{
  gboolean stop = FALSE;

  g_mutex_lock (&m->lock);
  if (m->pipeline_error != NULL)
    {
      g_propagate_error (error, g_error_copy (m->pipeline_error));
      stop = TRUE;
    }
  g_mutex_unlock (&m->lock);
  if (!stop && g_cancellable_set_error_if_cancelled (m->cancellable, error))
    stop = TRUE;
  return stop;
}

/* Waits until appsrc's queue has room. need-data (emitted below min-percent) wakes us;
 * the level is read under the lock need-data takes, so no wake-up is lost, and a short
 * timeout is only a safety net. */
static gboolean
wait_for_room (Merge   *m,
               GError **error)
{
  gint last_count = 0;
  guint64 last_done = 0;
  gint64 since = 0;

  for (;;)
    {
      guint64 level = 0;

      if (feed_should_stop (m, error) || !check_stall (m, &last_count, &last_done, &since, error))
        return FALSE;
      g_mutex_lock (&m->lock);
      g_object_get (m->appsrc, "current-level-bytes", &level, NULL);
      if (level >= QUEUE_BYTES && m->pipeline_error == NULL)
        g_cond_wait_until (&m->cond, &m->lock, g_get_monotonic_time () + 20 * G_TIME_SPAN_MILLISECOND);
      g_mutex_unlock (&m->lock);
      if (level < QUEUE_BYTES)
        return TRUE;
    }
}

static gboolean
feed_file (Merge       *m,
           const char  *path,
           gint64       offset,
           gint64       length,
           GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  int fd = _vs_hls_merge_open_segment (path, error);
  gboolean ok = TRUE;
  GStatBuf st;

  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT,
                   _("The segment “%s” is missing or unreadable: %s"), display,
                   g_strerror (saved));
      close (fd);
      return FALSE;
    }
  if (length < 0)
    length = st.st_size - offset;
  posix_fadvise (fd, offset, length, POSIX_FADV_SEQUENTIAL);

  while (ok && length > 0)
    {
      gsize want = (gsize) MIN (length, READ_SIZE);
      GstBuffer *buffer;
      GstMapInfo map;
      gssize n;
      GstFlowReturn flow = GST_FLOW_OK;
      gboolean first;

      if (!wait_for_room (m, error))
        {
          ok = FALSE;
          break;
        }
      if (gst_buffer_pool_acquire_buffer (m->pool, &buffer, NULL) != GST_FLOW_OK)
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                       _("Out of memory while merging"));
          ok = FALSE;
          break;
        }
      gst_buffer_set_size (buffer, want);
      gst_buffer_map (buffer, &map, GST_MAP_WRITE);
      do
        n = pread (fd, map.data, want, offset);
      while (n < 0 && errno == EINTR);
      gst_buffer_unmap (buffer, &map);
      if (n <= 0)
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT,
                       _("The segment “%s” could not be read: %s"), display,
                       n < 0 ? g_strerror (errno) : _("it became shorter"));
          gst_buffer_unref (buffer);
          ok = FALSE;
          break;
        }
      gst_buffer_set_size (buffer, (gsize) n);
      g_signal_emit_by_name (m->appsrc, "push-buffer", buffer, &flow);
      gst_buffer_unref (buffer);
      if (flow != GST_FLOW_OK)
        {
          if (!feed_should_stop (m, error))
            g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                         _("The streams could not be remuxed: %s"), gst_flow_get_name (flow));
          ok = FALSE;
          break;
        }
      offset += n;
      length -= n;
      first = m->done_bytes == 0;
      m->done_bytes += (guint64) n;
      /* the first buffer is reported at once: the merge has started */
      _vs_hls_merge_report_progress (m, first);
    }
  close (fd);
  return ok;
}

static gboolean
feed_segment (const VsPlaylistSegment *segment,
              gpointer                 user_data)
{
  Merge *m = user_data;
  g_autofree char *copy = NULL;
  const char *path = _vs_hls_merge_segment_file (m, segment->uri, segment->path, &copy);

  if (path == NULL)
    {
      g_set_error (&m->check_error, VS_MERGE_ERROR, VS_MERGE_ERROR_REMOTE,
                   _("The playlist names remote segments (%s); only local files can be merged"),
                   segment->uri);
      return FALSE;
    }
  /* checked again: a link may have changed since the validation pass */
  if (!vs_path_is_inside (path, m->folder) || !_vs_hls_merge_resolves_inside (m, path))
    {
      g_set_error (&m->check_error, VS_MERGE_ERROR, VS_MERGE_ERROR_ESCAPING,
                   _("The playlist names files outside its folder"));
      return FALSE;
    }
  return feed_file (m, path, segment->byte_offset, segment->byte_length, &m->check_error);
}

/* The init section comes from the first playlist pass; fragments follow from the second. */
static gboolean
feed_map (Merge   *m,
          GError **error)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autofree char *copy = NULL;
  const char *path;
  gint64 offset, length;

  playlist = vs_playlist_load (m->playlist_path, NULL, NULL, m->cancellable, error);
  if (playlist == NULL)
    return FALSE;
  vs_playlist_get_map_byte_range (playlist, &offset, &length);
  path = _vs_hls_merge_segment_file (m, vs_playlist_get_map_uri (playlist),
                                     vs_playlist_get_map_path (playlist), &copy);
  return feed_file (m, path, offset, length, error);
}

static gboolean
wait_for_eos (Merge   *m,
              GError **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (m->pipeline);
  gint last_count = 0;
  guint64 last_done = 0;
  gint64 since = 0;

  for (;;)
    {
      g_autoptr(GstMessage) message = NULL;

      if (feed_should_stop (m, error) || !check_stall (m, &last_count, &last_done, &since, error))
        return FALSE;
      message = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
                                            GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      if (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
        return !feed_should_stop (m, error);
    }
}

gboolean
_vs_hls_merge_remux (Merge   *m,
                     GError **error)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(GError) local_error = NULL;
  GstFlowReturn flow;

  if (!build_pipeline (m, error))
    return FALSE;
  if (gst_element_set_state (m->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!feed_should_stop (m, error))
        g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                     _("The merge pipeline could not start"));
      return FALSE;
    }
  if (m->cancellable != NULL)
    m->cancel_id = g_cancellable_connect (m->cancellable, G_CALLBACK (on_cancelled), m, NULL);

  if (m->fmp4 && !feed_map (m, error))
    return FALSE;
  playlist = vs_playlist_load (m->playlist_path, feed_segment, m, m->cancellable, &local_error);
  if (playlist == NULL)
    {
      if (m->check_error != NULL)
        g_propagate_error (error, g_steal_pointer (&m->check_error));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!_vs_hls_merge_check_flags (m, vs_playlist_get_flags (playlist), error))
    return FALSE;
  g_signal_emit_by_name (m->appsrc, "end-of-stream", &flow);
  if (!wait_for_eos (m, error))
    return FALSE;
  _vs_hls_merge_report_progress (m, TRUE);
  return TRUE;
}

void
_vs_hls_merge_stop_pipeline (Merge *m)
{
  if (m->cancel_id != 0)
    g_cancellable_disconnect (m->cancellable, m->cancel_id);
  m->cancel_id = 0;
  if (m->pipeline == NULL)
    return;
  gst_element_set_state (m->pipeline, GST_STATE_NULL);
  g_clear_object (&m->pipeline);
  if (m->pool != NULL)
    gst_buffer_pool_set_active (m->pool, FALSE);
  g_clear_object (&m->pool);
  m->appsrc = m->mux = NULL;
}
