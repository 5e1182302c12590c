/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gst/gst.h>
#include <string.h>

#include "vs-test-media.h"
#include "vs-test-utils.h"

gboolean
vs_test_media_require (const char *const *elements)
{
  gst_init (NULL, NULL);
  for (guint i = 0; elements[i] != NULL; i++)
    {
      g_autoptr(GstElementFactory) factory = gst_element_factory_find (elements[i]);

      if (factory == NULL)
        {
          g_autofree char *why = g_strdup_printf ("GStreamer element %s is missing", elements[i]);

          g_test_skip (why);
          return FALSE;
        }
    }
  return TRUE;
}

void
vs_test_media_run (const char *description)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;

  gst_init (NULL, NULL);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg == NULL || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) gst_error = NULL;

      if (msg != NULL)
        gst_message_parse_error (msg, &gst_error, NULL);
      g_error ("fixture pipeline failed: %s\n%s", gst_error ? gst_error->message : "timeout",
               description);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

void
vs_test_media_black_intro (const char *path)
{
  g_autofree char *desc = g_strdup_printf (
    "concat name=c ! videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast "
    "key-int-max=25 ! h264parse ! mp4mux ! filesink location=\"%s\" "
    "videotestsrc pattern=black num-buffers=25 ! video/x-raw,width=320,height=240,framerate=25/1 ! c. "
    "videotestsrc pattern=smpte num-buffers=50 ! video/x-raw,width=320,height=240,framerate=25/1 ! c.",
    path);

  vs_test_media_run (desc);
}

void
vs_test_media_clip (const char *path,
                    guint       seconds)
{
  g_autofree char *desc = g_strdup_printf (
    "videotestsrc pattern=smpte num-buffers=%u ! video/x-raw,width=320,height=240,framerate=25/1 "
    "! videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast key-int-max=25 "
    "! h264parse ! mp4mux ! filesink location=\"%s\"",
    seconds * 25, path);

  vs_test_media_run (desc);
}

void
vs_test_media_long_clip (const char *path,
                         guint       seconds)
{
  g_autofree char *desc = g_strdup_printf (
    "videotestsrc pattern=ball num-buffers=%u ! video/x-raw,width=320,height=180,framerate=5/1 "
    "! videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast key-int-max=10 "
    "bitrate=100 ! h264parse ! mp4mux ! filesink location=\"%s\"",
    seconds * 5, path);

  vs_test_media_run (desc);
}

void
vs_test_media_webm (const char *path)
{
  g_autofree char *desc = g_strdup_printf (
    "webmmux name=m ! filesink location=\"%s\" "
    "videotestsrc pattern=ball num-buffers=50 ! video/x-raw,width=320,height=240,framerate=25/1 "
    "! vp8enc deadline=1 ! m. "
    "audiotestsrc num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000 ! audioconvert "
    "! vorbisenc ! m.",
    path);

  vs_test_media_run (desc);
}

void
vs_test_media_mp4 (const char *path,
                   const char *pattern)
{
  g_autofree char *desc = g_strdup_printf (
    "mp4mux name=m ! filesink location=\"%s\" "
    "videotestsrc pattern=%s num-buffers=50 ! video/x-raw,width=640,height=360,framerate=25/1 "
    "! videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast key-int-max=25 "
    "! h264parse ! m. "
    "audiotestsrc num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000 ! audioconvert "
    "! avenc_aac ! aacparse ! m.",
    path, pattern);

  vs_test_media_run (desc);
}

void
vs_test_media_audio_only (const char *path)
{
  g_autofree char *desc = g_strdup_printf (
    "audiotestsrc num-buffers=94 samplesperbuffer=1024 ! audio/x-raw,rate=48000 ! audioconvert "
    "! avenc_aac ! aacparse ! mp4mux ! filesink location=\"%s\"",
    path);

  vs_test_media_run (desc);
}

/* hlssink2 may not post EOS after its last segment (seen on 1.22): wait for the
 * playlist's #EXT-X-ENDLIST instead of the bus. */
void
vs_test_media_hls (const char *folder,
                   guint       seconds)
{
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *segments = g_build_filename (folder, "seg%05d.ts", NULL);
  g_autofree char *desc = g_strdup_printf (
    "videotestsrc pattern=smpte num-buffers=%u ! video/x-raw,width=320,height=240,framerate=25/1 "
    "! videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast key-int-max=25 "
    "! h264parse ! hlssink2 name=sink max-files=0 playlist-length=0 target-duration=2 "
    "location=\"%s\" playlist-location=\"%s\"",
    seconds * 25, segments, playlist);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  gst_init (NULL, NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (playlist, &text, NULL, NULL) && strstr (text, "#EXT-X-ENDLIST"))
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

static void
make_hls_av (const char *folder,
             guint       seconds,
             const char *pattern,
             guint       audio_delay)
{
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *segments = g_build_filename (folder, "seg%05d.ts", NULL);
  g_autofree char *desc = g_strdup_printf (
    "hlssink2 name=sink max-files=0 playlist-length=0 target-duration=2 "
    "location=\"%s\" playlist-location=\"%s\" "
    "videotestsrc pattern=%s num-buffers=%u ! video/x-raw,width=320,height=240,framerate=25/1 "
    "! videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast key-int-max=25 "
    "! h264parse ! sink.video "
    "audiotestsrc timestamp-offset=%" G_GUINT64_FORMAT " num-buffers=%u samplesperbuffer=1024 "
    "! audio/x-raw,rate=48000 ! audioconvert ! avenc_aac ! aacparse ! sink.audio",
    segments, playlist, pattern, seconds * 25, (guint64) audio_delay * GST_SECOND,
    (seconds - audio_delay) * 48000 / 1024);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  gst_init (NULL, NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* as in vs_test_media_hls(): the playlist's end, not the bus, says when it is done */
  for (;;)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (playlist, &text, NULL, NULL) && strstr (text, "#EXT-X-ENDLIST"))
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

void
vs_test_media_hls_av (const char *folder,
                      guint       seconds,
                      const char *pattern)
{
  make_hls_av (folder, seconds, pattern, 0);
}

void
vs_test_media_hls_late_audio (const char *folder,
                              guint       seconds,
                              guint       audio_delay)
{
  g_assert_cmpuint (audio_delay, <, seconds);
  make_hls_av (folder, seconds, "smpte", audio_delay);
}

void
vs_test_media_fmp4 (const char *path,
                    guint       seconds)
{
  g_autofree char *desc = g_strdup_printf (
    "mp4mux name=m fragment-duration=1000 ! filesink location=\"%s\" "
    "videotestsrc num-buffers=%u ! video/x-raw,width=320,height=240,framerate=25/1 "
    "! videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast key-int-max=25 "
    "! h264parse ! m. "
    "audiotestsrc num-buffers=%u samplesperbuffer=1024 ! audio/x-raw,rate=48000 ! audioconvert "
    "! avenc_aac ! aacparse ! m.",
    path, seconds * 25, seconds * 48000 / 1024);

  vs_test_media_run (desc);
}

void
vs_test_media_truncate (const char *source,
                        const char *path,
                        guint       percent)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (source, &data, &len, NULL));
  vs_test_write_file (path, data, (gssize) (len * percent / 100));
}

void
vs_test_media_random (const char *path,
                      gsize       size)
{
  g_autofree guchar *data = g_malloc (MAX (size, 1));

  for (gsize i = 0; i < size; i++)
    data[i] = (guchar) g_test_rand_int_range (0, 256);
  vs_test_write_file (path, (const char *) data, (gssize) size);
}

/* Scenes for distinct sources: a pattern and its parameters each. */
static const char *const scene_kinds[] = {
  "pattern=smpte horizontal-speed=2",
  "pattern=ball motion=wavy foreground-color=0xffff4040 background-color=0xff102040",
  "pattern=zone-plate kx2=20 ky2=20",
  "pattern=pinwheel",
  "pattern=spokes",
  "pattern=circular",
  "pattern=checkers-8",
  "pattern=ball motion=sweep foreground-color=0xff40ff40 background-color=0xff402010",
  "pattern=gamut",
  "pattern=chroma-zone-plate kx2=10 ky2=30",
  "pattern=colors",
  "pattern=smpte75 horizontal-speed=-3",
  "pattern=bar foreground-color=0xffffff00 background-color=0xff000080 horizontal-speed=4",
  "pattern=zone-plate kx2=5 ky2=40 kx=30",
  "pattern=ball motion=hsweep foreground-color=0xffffffff background-color=0xff404040",
  "pattern=checkers-4 horizontal-speed=1",
};

void
vs_test_media_scenes (const char *path,
                      guint       seed,
                      guint       seconds)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GString) desc = g_string_new (NULL);
  guint frames = seconds * 10;

  g_string_append_printf (desc,
                          "concat name=c ! videoconvert ! video/x-raw,format=I420 ! x264enc "
                          "speed-preset=ultrafast key-int-max=20 ! h264parse ! mp4mux ! "
                          "filesink location=\"%s\" ", path);
  while (frames > 0)
    {
      /* drawn once: MIN() evaluates its arguments twice */
      guint drawn = (guint) g_rand_int_range (rand, 20, 61);
      guint length = MIN (frames, drawn);

      g_string_append_printf (desc,
                              "videotestsrc %s num-buffers=%u ! video/x-raw,width=320,height=180,"
                              "framerate=10/1 ! c. ",
                              scene_kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (scene_kinds))],
                              length);
      frames -= length;
    }
  vs_test_media_run (desc->str);
}

/* Drops what comes before the trim and moves the segment's start there, so running
 * time (what muxers write) starts at 0 on the first frame kept. */
static GstPadProbeReturn
trim_probe (GstPad          *pad,
            GstPadProbeInfo *info,
            gpointer         user_data)
{
  GstClockTime trim = *(GstClockTime *) user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

      return GST_BUFFER_PTS_IS_VALID (buffer) && GST_BUFFER_PTS (buffer) < trim
             ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
    }
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_SEGMENT)
    {
      const GstSegment *segment = NULL;
      GstSegment moved;

      gst_event_parse_segment (GST_PAD_PROBE_INFO_EVENT (info), &segment);
      gst_segment_copy_into (segment, &moved);
      moved.start = MAX (moved.start, trim);
      moved.time = moved.start;
      gst_event_unref (GST_PAD_PROBE_INFO_EVENT (info));
      GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_segment (&moved);
    }
  return GST_PAD_PROBE_OK;
}

void
vs_test_media_transcode (const char *source,
                         const char *tail,
                         guint       trim_start_ms)
{
  g_autofree char *desc = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! "
                                           "videoconvert name=trim ! videoscale ! %s", source, tail);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) trim = NULL;
  g_autoptr(GstPad) pad = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  GstClockTime trim_ns = (GstClockTime) trim_start_ms * GST_MSECOND;

  gst_init (NULL, NULL);
  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  trim = gst_bin_get_by_name (GST_BIN (pipeline), "trim");
  pad = gst_element_get_static_pad (trim, "src");
  if (trim_ns > 0)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                       trim_probe, &trim_ns, NULL);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg == NULL || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) gst_error = NULL;

      if (msg != NULL)
        gst_message_parse_error (msg, &gst_error, NULL);
      g_error ("fixture pipeline failed: %s\n%s", gst_error ? gst_error->message : "timeout", desc);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

void
vs_test_media_moving (const char *path,
                      const char *pattern,
                      guint       seconds,
                      guint       width,
                      guint       height,
                      guint       kbps)
{
  g_autofree char *bitrate = kbps > 0 ? g_strdup_printf ("bitrate=%u", kbps) : g_strdup ("");
  g_autofree char *desc = g_strdup_printf (
    "videotestsrc pattern=%s horizontal-speed=3 num-buffers=%u "
    "! video/x-raw,width=%u,height=%u,framerate=25/1 ! videoconvert ! video/x-raw,format=I420 "
    "! x264enc speed-preset=ultrafast key-int-max=25 %s ! h264parse ! mp4mux "
    "! filesink location=\"%s\"",
    pattern, seconds * 25, width, height, bitrate, path);

  vs_test_media_run (desc);
}

void
vs_test_media_remux_mkv (const char *source,
                         const char *path)
{
  g_autofree char *desc = g_strdup_printf (
    "filesrc location=\"%s\" ! qtdemux ! h264parse ! matroskamux ! filesink location=\"%s\"",
    source, path);

  vs_test_media_run (desc);
}
