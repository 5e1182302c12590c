/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-merge.c: VsHlsMerge and `vidshelf-cli merge` on HLS folders made at test time
 *
 * The media are encoded once per run into one shared folder; every test copies what it
 * needs into its own folder, so refusals can compare a folder's bytes before and after. */
#include "config.h"

#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "vs-hls-merge.h"
#include "vs-merge-nal-align.h"
#include "vs-merge-sink.h"
#include "vs-test-library.h"
#include "vs-test-media.h"
#include "vs-test-utils.h"

#define N_COMPARED 40 /* encoded frames compared per stream */

static const char *const elements[] = {
  "videotestsrc", "audiotestsrc", "x264enc", "h264parse", "avenc_aac", "aacparse", "mp4mux",
  "qtdemux", "tsdemux", "hlssink2", "multiqueue", "appsrc", "appsink", NULL
};

static char *media_dir;

/* Fixtures ---------------------------------------------------------------------- */

static char *
media_path (const char *name)
{
  return g_build_filename (media_dir, name, NULL);
}

static void
copy_tree (const char *from,
           const char *to)
{
  g_autoptr(GDir) dir = g_dir_open (from, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir_with_parents (to, 0755), ==, 0);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);
      g_autofree char *data = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (src, &data, &len, NULL));
      vs_test_write_file (dst, data, (gssize) len);
    }
}

static guint64
read_be (const guchar *p,
         guint         n)
{
  guint64 v = 0;

  for (guint i = 0; i < n; i++)
    v = (v << 8) | p[i];
  return v;
}

typedef struct
{
  goffset offset;
  goffset size;
  char    type[5];
} Box;

/* Top-level boxes of an MP4 file. */
static GArray *
read_boxes (const char *path)
{
  g_autofree guchar *data = NULL;
  gsize len;
  GArray *boxes = g_array_new (FALSE, TRUE, sizeof (Box));

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  for (gsize pos = 0; pos + 8 <= len;)
    {
      Box box = { (goffset) pos, 0, { 0 } };
      guint64 size = read_be (data + pos, 4);

      memcpy (box.type, data + pos + 4, 4);
      if (size == 1)
        size = read_be (data + pos + 8, 8);
      else if (size == 0)
        size = len - pos;
      g_assert_cmpuint (size, >=, 8);
      box.size = (goffset) size;
      g_array_append_val (boxes, box);
      pos += size;
    }
  return boxes;
}

static void
append_range (GString    *out,
              const char *path,
              goffset     offset,
              goffset     size)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpint (offset + size, <=, (goffset) len);
  g_string_append_len (out, data + offset, size);
}

/* An fMP4 HLS folder from a fragmented MP4: init.mp4 + fragNN.m4s (or, with
 * @byterange, one file addressed by #EXT-X-BYTERANGE). With @twice, the fragments are
 * listed a second time after an #EXT-X-DISCONTINUITY: their timestamps start over. */
static void
make_fmp4_hls (const char *folder,
               gboolean    byterange,
               gboolean    twice)
{
  g_autofree char *source = media_path ("frag.mp4");
  g_autoptr(GArray) boxes = read_boxes (source);
  g_autoptr(GString) playlist = g_string_new ("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n");
  g_autofree char *playlist_path = g_build_filename (folder, "index.m3u8", NULL);
  goffset init_end = 0, start = -1;
  guint n_groups = 0, pairs = 0;
  g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (goffset));

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  for (guint i = 0; i < boxes->len; i++)
    {
      Box *b = &g_array_index (boxes, Box, i);

      if (g_str_equal (b->type, "moov"))
        init_end = b->offset + b->size;
      else if (g_str_equal (b->type, "moof"))
        {
          /* a segment every two fragments (the video's and the audio's second) */
          if (pairs++ % 2 == 0)
            g_array_append_val (cuts, b->offset);
        }
      else if (g_str_equal (b->type, "mfra"))
        g_array_append_val (cuts, b->offset);
    }
  g_assert_cmpint (init_end, >, 0);
  if (g_array_index (boxes, Box, boxes->len - 1).type[0] != 'm' ||
      !g_str_equal (g_array_index (boxes, Box, boxes->len - 1).type, "mfra"))
    {
      goffset end = g_array_index (boxes, Box, boxes->len - 1).offset +
                    g_array_index (boxes, Box, boxes->len - 1).size;
      g_array_append_val (cuts, end);
    }
  /* the trailing audio fragment joins the last segment */
  if (cuts->len > 2 && pairs % 2 == 1)
    g_array_remove_index (cuts, cuts->len - 2);
  n_groups = cuts->len - 1;

  if (byterange)
    {
      g_autofree char *data = NULL;
      g_autofree char *all = g_build_filename (folder, "media.mp4", NULL);
      gsize len;

      g_assert_true (g_file_get_contents (source, &data, &len, NULL));
      vs_test_write_file (all, data, (gssize) len);
      g_string_append_printf (playlist, "#EXT-X-MAP:URI=\"media.mp4\",BYTERANGE=\"%" G_GOFFSET_FORMAT "@0\"\n",
                              init_end);
    }
  else
    {
      g_autoptr(GString) init = g_string_new (NULL);
      g_autofree char *init_path = g_build_filename (folder, "init.mp4", NULL);

      append_range (init, source, 0, init_end);
      vs_test_write_file (init_path, init->str, (gssize) init->len);
      g_string_append (playlist, "#EXT-X-MAP:URI=\"init.mp4\"\n");
    }

  for (guint i = 0; i < n_groups * (twice ? 2 : 1); i++)
    {
      goffset from = g_array_index (cuts, goffset, i % n_groups);
      goffset to = g_array_index (cuts, goffset, i % n_groups + 1);

      start = from;
      if (i == n_groups)
        g_string_append (playlist, "#EXT-X-DISCONTINUITY\n");
      g_string_append_printf (playlist, "#EXTINF:%.6f,\n", 4.0 / n_groups);
      if (byterange)
        {
          g_string_append_printf (playlist, "#EXT-X-BYTERANGE:%" G_GOFFSET_FORMAT "@%" G_GOFFSET_FORMAT "\nmedia.mp4\n",
                                  to - from, start);
        }
      else
        {
          g_autoptr(GString) frag = g_string_new (NULL);
          g_autofree char *name = g_strdup_printf ("frag%02u.m4s", i % n_groups);
          g_autofree char *path = g_build_filename (folder, name, NULL);

          append_range (frag, source, from, to - from);
          vs_test_write_file (path, frag->str, (gssize) frag->len);
          g_string_append_printf (playlist, "%s\n", name);
        }
    }
  g_string_append (playlist, "#EXT-X-ENDLIST\n");
  vs_test_write_file (playlist_path, playlist->str, -1);
}

/* A TS HLS folder whose segments all live in one file, addressed by byte ranges. */
static void
make_byterange_hls (const char *folder)
{
  g_autofree char *ts_dir = media_path ("ts");
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GString) playlist = g_string_new ("#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:2\n");
  g_autofree char *all_path = g_build_filename (folder, "media.ts", NULL);
  g_autofree char *playlist_path = g_build_filename (folder, "index.m3u8", NULL);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  for (guint i = 0;; i++)
    {
      g_autofree char *name = g_strdup_printf ("seg%05u.ts", i);
      g_autofree char *path = g_build_filename (ts_dir, name, NULL);
      gsize before = all->len;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        break;
      {
        g_autofree char *data = NULL;
        gsize len;

        g_assert_true (g_file_get_contents (path, &data, &len, NULL));
        g_string_append_len (all, data, len);
      }
      g_string_append_printf (playlist, "#EXTINF:2.0,\n#EXT-X-BYTERANGE:%" G_GSIZE_FORMAT "@%"
                              G_GSIZE_FORMAT "\nmedia.ts\n", all->len - before, before);
    }
  g_string_append (playlist, "#EXT-X-ENDLIST\n");
  vs_test_write_file (all_path, all->str, (gssize) all->len);
  vs_test_write_file (playlist_path, playlist->str, -1);
}

/* Two recordings joined by #EXT-X-DISCONTINUITY: timestamps restart in the second. */
static void
make_discontinuity_hls (const char *folder)
{
  g_autofree char *ts_dir = media_path ("ts");
  g_autoptr(GString) playlist = g_string_new ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n");
  g_autofree char *playlist_path = g_build_filename (folder, "index.m3u8", NULL);

  copy_tree (ts_dir, folder);
  for (guint round = 0; round < 2; round++)
    {
      if (round == 1)
        g_string_append (playlist, "#EXT-X-DISCONTINUITY\n");
      for (guint i = 0; i < 2; i++)
        g_string_append_printf (playlist, "#EXTINF:2.0,\nseg%05u.ts\n", i);
    }
  g_string_append (playlist, "#EXT-X-ENDLIST\n");
  vs_test_write_file (playlist_path, playlist->str, -1);
}

/* Checks ------------------------------------------------------------------------- */

/* The first @n encoded samples after @parser with @caps, from a pipeline reading @desc. */
static GPtrArray *
pull_samples (const char *source_desc,
              const char *stream_desc,
              guint       n)
{
  g_autofree char *desc = g_strdup_printf ("%s ! %s ! appsink name=out sync=false", source_desc,
                                           stream_desc);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (desc, &error);
  g_autoptr(GstElement) sink = NULL;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (samples->len < n)
    {
      GstSample *sample = NULL;
      GstBuffer *buffer;
      GstMapInfo map;

      g_signal_emit_by_name (sink, "try-pull-sample", 10 * GST_SECOND, &sample);
      if (sample == NULL)
        break;
      buffer = gst_sample_get_buffer (sample);
      gst_buffer_map (buffer, &map, GST_MAP_READ);
      g_ptr_array_add (samples, g_bytes_new (map.data, map.size));
      gst_buffer_unmap (buffer, &map);
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return samples;
}

static void
assert_same_samples (const char *source_desc,
                     const char *output,
                     const char *stream_desc)
{
  g_autofree char *out_desc = g_strdup_printf ("filesrc location=\"%s\" ! qtdemux", output);
  g_autoptr(GPtrArray) a = pull_samples (source_desc, stream_desc, N_COMPARED);
  g_autoptr(GPtrArray) b = pull_samples (out_desc, stream_desc, N_COMPARED);

  g_assert_cmpuint (a->len, >, 10);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_true (g_bytes_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
}

/* Both the video's and the audio's encoded samples are the source's, byte for byte.
 * @concat is the source's segments (with the init section first) in one file. */
static void
assert_lossless (const char *concat,
                 const char *demuxer,
                 const char *output)
{
  g_autofree char *src_desc = g_strdup_printf ("filesrc location=\"%s\" ! %s", concat, demuxer);

  assert_same_samples (src_desc, output,
                       "h264parse ! video/x-h264,stream-format=avc,alignment=au");
  assert_same_samples (src_desc, output, "aacparse ! audio/mpeg,stream-format=raw");
}

static void
assert_merged (const char *output,
               gint64      expected_ms)
{
  g_autoptr(GstDiscoverer) discoverer = gst_discoverer_new (10 * GST_SECOND, NULL);
  g_autofree char *uri = g_filename_to_uri (output, NULL, NULL);
  g_autoptr(GstDiscovererInfo) info = gst_discoverer_discover_uri (discoverer, uri, NULL);
  g_autoptr(GArray) boxes = read_boxes (output);
  GList *video, *audio;
  int moov = -1, mdat = -1;

  g_assert_nonnull (info);
  g_assert_cmpint (gst_discoverer_info_get_result (info), ==, GST_DISCOVERER_OK);
  video = gst_discoverer_info_get_video_streams (info);
  audio = gst_discoverer_info_get_audio_streams (info);
  g_assert_cmpuint (g_list_length (video), ==, 1);
  g_assert_cmpuint (g_list_length (audio), ==, 1);
  gst_discoverer_stream_info_list_free (video);
  gst_discoverer_stream_info_list_free (audio);
  g_assert_cmpint (ABS ((gint64) (gst_discoverer_info_get_duration (info) / GST_MSECOND) - expected_ms),
                   <=, 1000);

  /* fast start: the index comes before the media */
  for (guint i = 0; i < boxes->len; i++)
    {
      const char *type = g_array_index (boxes, Box, i).type;

      if (g_str_equal (type, "moov") && moov < 0)
        moov = (int) i;
      if (g_str_equal (type, "mdat") && mdat < 0)
        mdat = (int) i;
    }
  g_assert_cmpint (moov, >=, 0);
  g_assert_cmpint (mdat, >, moov);
}

static void
concat_ts (const char *folder,
           const char *path)
{
  g_autoptr(GString) all = g_string_new (NULL);

  for (guint i = 0;; i++)
    {
      g_autofree char *name = g_strdup_printf ("seg%05u.ts", i);
      g_autofree char *seg = g_build_filename (folder, name, NULL);
      g_autofree char *data = NULL;
      gsize len;

      if (!g_file_get_contents (seg, &data, &len, NULL))
        break;
      g_string_append_len (all, data, len);
    }
  vs_test_write_file (path, all->str, (gssize) all->len);
}

typedef struct
{
  guint64  last_done;
  guint64  total;
  guint    calls;
  gboolean cancel;
  GCancellable *cancellable;
} Progress;

static void
on_progress (VsHlsMerge *merge,
             guint64     done,
             guint64     total,
             Progress   *p)
{
  g_assert_cmpuint (done, >=, p->last_done);
  g_assert_cmpuint (done, <=, total);
  p->last_done = done;
  p->total = total;
  p->calls++;
  if (p->cancel && done > 0 && done < total)
    g_cancellable_cancel (p->cancellable);
}

/* Tests --------------------------------------------------------------------------- */

static void
test_ts (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "My Show", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *output = g_build_filename (dir, "My Show.mp4", NULL);
  g_autofree char *concat = g_build_filename (dir, "concat.ts", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *reported = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };

  copy_tree (ts_dir, folder);
  before = vs_test_folder_digest (folder);
  merge = vs_hls_merge_new (folder);
  g_signal_connect (merge, "progress", G_CALLBACK (on_progress), &p);
  g_assert_true (vs_hls_merge_run (merge, NULL, &error));
  g_assert_no_error (error);

  reported = vs_hls_merge_dup_output (merge);
  g_assert_cmpstr (reported, ==, output);
  g_assert_false (vs_hls_merge_get_source_trashed (merge));
  g_assert_cmpuint (p.calls, >=, 2);
  g_assert_cmpuint (p.last_done, ==, p.total);
  g_assert_cmpuint (p.total, >, 0);
  assert_merged (output, 4000);
  concat_ts (folder, concat);
  assert_lossless (concat, "tsdemux", output);

  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  g_unlink (concat);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "My Show My Show.mp4");
  vs_test_rm_rf (dir);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} AsyncRun;

static void
on_merged (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->ok = vs_hls_merge_run_finish (VS_HLS_MERGE (object), result, &run->error);
  run->done = TRUE;
}

static void
run_async (VsHlsMerge   *merge,
           GCancellable *cancellable,
           AsyncRun     *run)
{
  vs_hls_merge_run_async (merge, cancellable, on_merged, run);
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_fmp4 (gconstpointer data)
{
  gboolean byterange = GPOINTER_TO_INT (data);
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *output = g_build_filename (dir, "out.mp4", NULL);
  g_autofree char *frag = media_path ("frag.mp4");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  AsyncRun run = { 0 };
  Progress p = { 0 };

  make_fmp4_hls (folder, byterange, FALSE);
  before = vs_test_folder_digest (folder);
  merge = vs_hls_merge_new (folder);
  vs_hls_merge_set_output (merge, output);
  g_signal_connect (merge, "progress", G_CALLBACK (on_progress), &p);
  run_async (merge, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpuint (p.last_done, ==, p.total);

  assert_merged (output, 4000);
  /* the fragmented source, as one file, is what the segments add up to */
  assert_lossless (frag, "qtdemux", output);
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  vs_test_rm_rf (dir);
}

static void
test_byterange (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *output = g_build_filename (dir, "show.mp4", NULL);
  g_autofree char *media = g_build_filename (folder, "media.ts", NULL);
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  make_byterange_hls (folder);
  merge = vs_hls_merge_new (playlist);
  g_assert_true (vs_hls_merge_run (merge, NULL, &error));
  g_assert_no_error (error);
  assert_merged (output, 4000);
  assert_lossless (media, "tsdemux", output);
  vs_test_rm_rf (dir);
}

static void
test_discontinuity (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *output = g_build_filename (dir, "show.mp4", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  make_discontinuity_hls (folder);
  before = vs_test_folder_digest (folder);
  merge = vs_hls_merge_new (folder);
  if (vs_hls_merge_run (merge, NULL, &error))
    {
      /* timestamps were kept monotonic: the whole 8 s are there */
      g_assert_no_error (error);
      assert_merged (output, 8000);
    }
  else
    {
      /* or the merge refused, leaving nothing */
      g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_DISCONTINUITY);
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
      g_test_message ("discontinuity refused: %s", error->message);
    }
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  {
    g_autofree char *listing = vs_test_list_folder (dir);

    g_assert_true (g_str_equal (listing, "show") || g_str_equal (listing, "show show.mp4"));
  }
  vs_test_rm_rf (dir);
}

/* Audio that starts 4 s into the video: the muxer must queue 4 s of video before it
 * can interleave, more than its starting latency. */
static void
test_late_audio (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "late", NULL);
  g_autofree char *output = g_build_filename (dir, "late.mp4", NULL);
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  vs_test_media_hls_late_audio (folder, 8, 4);
  merge = vs_hls_merge_new (folder);
  g_assert_true (vs_hls_merge_run (merge, NULL, &error));
  g_assert_no_error (error);
  assert_merged (output, 8000);
  vs_test_rm_rf (dir);
}

/* fMP4 fragments carry their own decode times, which qtdemux follows back to zero. */
static void
test_discontinuity_fmp4 (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  make_fmp4_hls (folder, FALSE, TRUE);
  before = vs_test_folder_digest (folder);
  merge = vs_hls_merge_new (folder);
  g_assert_false (vs_hls_merge_run (merge, NULL, &error));
  g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_DISCONTINUITY);
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "show");
  vs_test_rm_rf (dir);
}

typedef void (*Spoil) (const char *folder, const char *dir);

static gboolean spoil_skipped;

static void
write_playlist (const char *folder,
                const char *body)
{
  g_autofree char *path = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *text = g_strconcat ("#EXTM3U\n#EXT-X-TARGETDURATION:2\n", body,
                                       "#EXT-X-ENDLIST\n", NULL);

  vs_test_write_file (path, text, -1);
}

static void
spoil_encrypted (const char *folder, const char *dir)
{
  write_playlist (folder, "#EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\"\n"
                  "#EXTINF:2.0,\nseg00000.ts\n#EXTINF:2.0,\nseg00001.ts\n");
}

static void
spoil_sample_aes (const char *folder, const char *dir)
{
  write_playlist (folder, "#EXTINF:2.0,\nseg00000.ts\n"
                  "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"key.bin\"\n#EXTINF:2.0,\nseg00001.ts\n");
}

static void
spoil_remote (const char *folder, const char *dir)
{
  write_playlist (folder, "#EXTINF:2.0,\nseg00000.ts\n"
                  "#EXTINF:2.0,\nhttps://example.com/live/seg99999.ts\n");
}

static void
spoil_escaping (const char *folder, const char *dir)
{
  g_autofree char *outside = g_build_filename (dir, "outside.ts", NULL);
  g_autofree char *seg = g_build_filename (folder, "seg00001.ts", NULL);
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (seg, &data, &len, NULL));
  vs_test_write_file (outside, data, (gssize) len);
  write_playlist (folder, "#EXTINF:2.0,\nseg00000.ts\n#EXTINF:2.0,\n../outside.ts\n");
}

static void
spoil_absolute (const char *folder, const char *dir)
{
  g_autofree char *outside = g_build_filename (dir, "outside.ts", NULL);
  g_autofree char *body = NULL;

  vs_test_write_file (outside, "x", 1);
  body = g_strdup_printf ("#EXTINF:2.0,\nseg00000.ts\n#EXTINF:2.0,\n%s\n", outside);
  write_playlist (folder, body);
}

static void
spoil_missing (const char *folder, const char *dir)
{
  write_playlist (folder, "#EXTINF:2.0,\nseg00000.ts\n#EXTINF:2.0,\nseg00007.ts\n");
}

static void
spoil_unreadable (const char *folder, const char *dir)
{
  g_autofree char *seg = g_build_filename (folder, "seg00001.ts", NULL);

  g_assert_cmpint (g_chmod (seg, 0), ==, 0);
}

static void
spoil_short_range (const char *folder, const char *dir)
{
  write_playlist (folder, "#EXTINF:2.0,\n#EXT-X-BYTERANGE:99999999@0\nseg00000.ts\n");
}

static void
spoil_exists (const char *folder, const char *dir)
{
  g_autofree char *output = g_strconcat (folder, ".mp4", NULL);

  vs_test_write_file (output, "mine", -1);
}

static void
spoil_no_space (const char *folder, const char *dir)
{
  g_autofree char *seg = g_build_filename (folder, "seg00001.ts", NULL);

  /* sparse: claims far more than any test machine has free */
  if (truncate (seg, (off_t) 1 << 43) != 0)
    spoil_skipped = TRUE;
}

static void
spoil_no_variant (const char *folder, const char *dir)
{
  g_autofree char *index = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *master = g_build_filename (folder, "master.m3u8", NULL);

  g_unlink (index);
  vs_test_write_file (master, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nhigh/index.m3u8\n", -1);
}

static void
spoil_garbage (const char *folder, const char *dir)
{
  g_autofree char *seg = g_build_filename (folder, "noise.ts", NULL);

  vs_test_media_random (seg, 200000);
  write_playlist (folder, "#EXTINF:2.0,\nnoise.ts\n");
}

/* A segment inside the folder by name, but a link to a file outside it. */
static void
spoil_symlink (const char *folder, const char *dir)
{
  g_autofree char *outside = g_build_filename (dir, "outside.ts", NULL);
  g_autofree char *seg = g_build_filename (folder, "seg00001.ts", NULL);
  g_autofree char *link = g_build_filename (folder, "link.ts", NULL);
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (seg, &data, &len, NULL));
  vs_test_write_file (outside, data, (gssize) len);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  write_playlist (folder, "#EXTINF:2.0,\nseg00000.ts\n#EXTINF:2.0,\nlink.ts\n");
}

static const struct {
  const char *name;
  Spoil       spoil;
  int         code;
} refusals[] = {
  { "encrypted", spoil_encrypted, VS_MERGE_ERROR_ENCRYPTED },
  { "sample-aes", spoil_sample_aes, VS_MERGE_ERROR_ENCRYPTED },
  { "remote", spoil_remote, VS_MERGE_ERROR_REMOTE },
  { "escaping", spoil_escaping, VS_MERGE_ERROR_ESCAPING },
  { "absolute", spoil_absolute, VS_MERGE_ERROR_ESCAPING },
  { "missing", spoil_missing, VS_MERGE_ERROR_MISSING_SEGMENT },
  { "unreadable", spoil_unreadable, VS_MERGE_ERROR_MISSING_SEGMENT },
  { "short-range", spoil_short_range, VS_MERGE_ERROR_MISSING_SEGMENT },
  { "exists", spoil_exists, VS_MERGE_ERROR_EXISTS },
  { "no-space", spoil_no_space, VS_MERGE_ERROR_NO_SPACE },
  { "no-variant", spoil_no_variant, VS_MERGE_ERROR_NO_VARIANT },
  { "garbage", spoil_garbage, VS_MERGE_ERROR_UNSUPPORTED },
  { "symlink", spoil_symlink, VS_MERGE_ERROR_ESCAPING },
};

static void
test_refusal (gconstpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing_before = NULL;
  g_autofree char *listing_after = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  copy_tree (ts_dir, folder);
  spoil_skipped = FALSE;
  refusals[index].spoil (folder, dir);
  if (spoil_skipped)
    {
      g_test_skip ("this file system cannot hold the sparse file");
      vs_test_rm_rf (dir);
      return;
    }
  /* unreadable: cannot be read back; no-space: 8 TiB of holes, too long to read */
  before = index == 6 || index == 9 ? NULL : vs_test_folder_digest (folder);
  listing_before = vs_test_list_folder (dir);

  /* unreadable: root reads any file, unless this thread gives up that right */
  if (index == 6 && !vs_test_obey_permissions (TRUE))
    {
      g_test_skip ("file permissions do not apply here");
      vs_test_rm_rf (dir);
      return;
    }
  merge = vs_hls_merge_new (folder);
  g_assert_false (vs_hls_merge_run (merge, NULL, &error));
  if (index == 6)
    vs_test_obey_permissions (FALSE);
  g_assert_error (error, VS_MERGE_ERROR, refusals[index].code);
  g_test_message ("%s: %s", refusals[index].name, error->message);

  listing_after = vs_test_list_folder (dir);
  g_assert_cmpstr (listing_before, ==, listing_after);
  if (before != NULL)
    {
      after = vs_test_folder_digest (folder);
      g_assert_cmpstr (before, ==, after);
    }
  if (index == 8)
    {
      g_autofree char *output = g_strconcat (folder, ".mp4", NULL);
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (output, &text, NULL, NULL));
      g_assert_cmpstr (text, ==, "mine");
    }
  vs_test_rm_rf (dir);
}

static void
test_output_inside (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *inside = g_build_filename (folder, "seg00000.ts", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  copy_tree (ts_dir, folder);
  before = vs_test_folder_digest (folder);
  merge = vs_hls_merge_new (folder);
  vs_hls_merge_set_output (merge, inside);
  vs_hls_merge_set_force (merge, TRUE);
  g_assert_false (vs_hls_merge_run (merge, NULL, &error));
  g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT);
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  vs_test_rm_rf (dir);
}

/* remove-source with the output named through a symlink to the HLS folder: the path does
 * not look inside it, the file would be. Refused before anything is written. */
static void
test_output_inside_link (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *link = g_build_filename (dir, "elsewhere", NULL);
  g_autofree char *sub = g_build_filename (folder, "sub", NULL);
  g_autofree char *sub_link = g_build_filename (dir, "deeper", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing_before = NULL;
  g_autofree char *listing_after = NULL;
  const char *outputs[] = { "elsewhere/show.mp4", "deeper/show.mp4", "deeper/new/show.mp4" };

  copy_tree (ts_dir, folder);
  g_assert_cmpint (symlink (folder, link), ==, 0);
  before = vs_test_folder_digest (folder);
  /* a link to a folder below it, whose parent the walk must pass through */
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (symlink (sub, sub_link), ==, 0);
  listing_before = vs_test_list_folder (dir);

  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_autofree char *output = g_build_filename (dir, outputs[i], NULL);
      g_autoptr(VsHlsMerge) merge = vs_hls_merge_new (folder);
      g_autoptr(GError) error = NULL;

      vs_hls_merge_set_output (merge, output);
      vs_hls_merge_set_remove_source (merge, TRUE);
      vs_hls_merge_set_force (merge, TRUE);
      g_assert_false (vs_hls_merge_run (merge, NULL, &error));
      g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT);
      g_test_message ("%s: %s", outputs[i], error->message);
      g_assert_false (vs_hls_merge_get_source_trashed (merge));

      listing_after = vs_test_list_folder (dir);
      g_assert_cmpstr (listing_before, ==, listing_after);
      g_clear_pointer (&listing_after, g_free);
      listing_after = vs_test_list_folder (sub);
      g_assert_cmpstr (listing_after, ==, "");
      g_clear_pointer (&listing_after, g_free);
    }
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  vs_test_rm_rf (dir);
}

/* An output that is one of the inputs under another name (a hard link to a segment or
 * to the playlist, a symlink to the init section) is refused even with force. */
static void
test_output_is_input (void)
{
  const struct { const char *input; gboolean hard; gboolean fmp4; } cases[] = {
    { "seg00001.ts", TRUE, FALSE },
    { "index.m3u8", TRUE, FALSE },
    { "seg00000.ts", FALSE, FALSE },
    { "init.mp4", FALSE, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = vs_test_make_tmpdir ();
      g_autofree char *folder = g_build_filename (dir, "show", NULL);
      g_autofree char *ts_dir = media_path ("ts");
      g_autofree char *input = g_build_filename (folder, cases[i].input, NULL);
      g_autofree char *output = g_build_filename (dir, "out.mp4", NULL);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      g_autofree char *listing_before = NULL;
      g_autofree char *listing_after = NULL;
      g_autoptr(VsHlsMerge) merge = NULL;
      g_autoptr(GError) error = NULL;

      if (cases[i].fmp4)
        make_fmp4_hls (folder, FALSE, FALSE);
      else
        copy_tree (ts_dir, folder);
      if (cases[i].hard)
        g_assert_cmpint (link (input, output), ==, 0);
      else
        g_assert_cmpint (symlink (input, output), ==, 0);
      before = vs_test_folder_digest (folder);
      listing_before = vs_test_list_folder (dir);

      merge = vs_hls_merge_new (folder);
      vs_hls_merge_set_output (merge, output);
      vs_hls_merge_set_force (merge, TRUE);
      g_assert_false (vs_hls_merge_run (merge, NULL, &error));
      g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT);
      g_test_message ("%s: %s", cases[i].input, error->message);

      after = vs_test_folder_digest (folder);
      g_assert_cmpstr (before, ==, after);
      listing_after = vs_test_list_folder (dir);
      g_assert_cmpstr (listing_before, ==, listing_after);
      vs_test_rm_rf (dir);
    }
}

typedef struct
{
  const char *temp;
  guint       mode;  /* the temporary file's, while it is written */
} ModeWatch;

static void
on_progress_mode (VsHlsMerge *merge,
                  guint64     done,
                  guint64     total,
                  ModeWatch  *watch)
{
  GStatBuf st;

  if (watch->mode == 0 && g_stat (watch->temp, &st) == 0)
    watch->mode = st.st_mode & 07777;
}

/* The merged file (and its temporary file) is never readable by more people than the
 * download: the read and write bits of the playlist and of its folder, under the umask. */
static void
test_output_mode (void)
{
  const struct { guint playlist, folder, umask, expected; } cases[] = {
    { 0600, 0700, 022, 0600 },
    { 0644, 0700, 022, 0600 },
    { 0640, 0750, 022, 0640 },
    { 0644, 0755, 022, 0644 },
    { 0644, 0755, 077, 0600 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = vs_test_make_tmpdir ();
      g_autofree char *folder = g_build_filename (dir, "show", NULL);
      g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
      g_autofree char *output = g_build_filename (dir, "show.mp4", NULL);
      g_autofree char *temp = g_build_filename (dir, ".show.mp4.vidshelf-merge", NULL);
      g_autofree char *ts_dir = media_path ("ts");
      g_autoptr(VsHlsMerge) merge = NULL;
      g_autoptr(GError) error = NULL;
      ModeWatch watch = { temp, 0 };
      GStatBuf st;
      mode_t old_umask;

      copy_tree (ts_dir, folder);
      g_assert_cmpint (g_chmod (playlist, cases[i].playlist), ==, 0);
      g_assert_cmpint (g_chmod (folder, cases[i].folder), ==, 0);
      merge = vs_hls_merge_new (folder);
      g_signal_connect (merge, "progress", G_CALLBACK (on_progress_mode), &watch);
      old_umask = umask (cases[i].umask);
      g_assert_true (vs_hls_merge_run (merge, NULL, &error));
      umask (old_umask);
      g_assert_no_error (error);

      g_assert_cmpint (g_stat (output, &st), ==, 0);
      g_test_message ("playlist %04o, folder %04o, umask %03o: %04o", cases[i].playlist,
                      cases[i].folder, cases[i].umask, st.st_mode & 07777);
      g_assert_cmpuint (st.st_mode & 07777, ==, cases[i].expected);
      g_assert_cmpuint (watch.mode, ==, cases[i].expected);
      g_assert_cmpint (g_chmod (folder, 0755), ==, 0);
      vs_test_rm_rf (dir);
    }
}

typedef struct
{
  const char *fifo;
  gboolean    hung;
} FifoWatch;

/* The merge still runs long after it should have refused: it is waiting in open() for a
 * writer. Be that writer for a moment, so the test fails instead of hanging. */
static gboolean
unblock_fifo (gpointer data)
{
  FifoWatch *watch = data;
  int fd = g_open (watch->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);

  watch->hung = TRUE;
  if (fd >= 0)
    close (fd);
  return G_SOURCE_CONTINUE;
}

/* A segment that is a FIFO (nothing ever writes to it) is refused at once, clearly, and
 * the folder and its neighbours stay as they were. */
static void
test_refuse_fifo (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *fifo = g_build_filename (folder, "live.ts", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing_before = NULL;
  g_autofree char *listing_after = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  FifoWatch watch = { fifo, FALSE };
  AsyncRun run = { 0 };
  guint watchdog;

  copy_tree (ts_dir, folder);
  write_playlist (folder, "#EXTINF:2.0,\nseg00000.ts\n#EXTINF:2.0,\nlive.ts\n");
  /* the digest reads every file, so it is taken without the FIFO */
  before = vs_test_folder_digest (folder);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  listing_before = vs_test_list_folder (dir);

  merge = vs_hls_merge_new (folder);
  watchdog = g_timeout_add_seconds (30, unblock_fifo, &watch);
  run_async (merge, NULL, &run);
  g_source_remove (watchdog);
  g_assert_false (watch.hung);
  g_assert_false (run.ok);
  g_assert_error (run.error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT);
  g_test_message ("%s", run.error->message);
  g_assert_nonnull (strstr (run.error->message, "live.ts"));
  g_assert_nonnull (strstr (run.error->message, "not a regular file"));
  g_clear_error (&run.error);

  listing_after = vs_test_list_folder (dir);
  g_assert_cmpstr (listing_before, ==, listing_after);
  g_assert_cmpint (g_unlink (fifo), ==, 0);
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  vs_test_rm_rf (dir);
}

static void
test_cancel (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *big = media_path ("big");
  g_autofree char *listing = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };

  copy_tree (big, folder);
  before = vs_test_folder_digest (folder);
  merge = vs_hls_merge_new (folder);
  p.cancel = TRUE;
  p.cancellable = cancellable;
  g_signal_connect (merge, "progress", G_CALLBACK (on_progress), &p);
  g_assert_false (vs_hls_merge_run (merge, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (p.last_done, >, 0);
  g_assert_cmpuint (p.last_done, <, p.total);

  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "show");
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  vs_test_rm_rf (dir);
}

static void
test_leftover (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *leftover = g_build_filename (dir, ".show.mp4.vidshelf-merge", NULL);
  g_autofree char *output = g_build_filename (dir, "show.mp4", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  copy_tree (ts_dir, folder);
  vs_test_write_file (leftover, "half a merge", -1);
  merge = vs_hls_merge_new (folder);
  g_assert_true (vs_hls_merge_run (merge, NULL, &error));
  g_assert_no_error (error);
  assert_merged (output, 4000);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "show show.mp4");
  vs_test_rm_rf (dir);
}

/* remove-source on a folder that holds something besides the video: refused before
 * anything is written, the folder and its neighbours untouched. */
static void
test_remove_source_other_files (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "Downloads-like", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *notes = g_build_filename (folder, "notes.txt", NULL);
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing_before = NULL;
  g_autofree char *listing_after = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  copy_tree (ts_dir, folder);
  vs_test_write_file (notes, "my notes", -1);
  before = vs_test_folder_digest (folder);
  listing_before = vs_test_list_folder (dir);

  /* named by its playlist, as one might point at ~/Downloads/x.m3u8 */
  merge = vs_hls_merge_new (playlist);
  vs_hls_merge_set_remove_source (merge, TRUE);
  g_assert_false (vs_hls_merge_run (merge, NULL, &error));
  g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_SOURCE_NOT_HLS_ONLY);
  g_assert_nonnull (strstr (error->message, "notes.txt"));
  g_assert_false (vs_hls_merge_get_source_trashed (merge));

  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  listing_after = vs_test_list_folder (dir);
  g_assert_cmpstr (listing_before, ==, listing_after);
  g_assert_true (g_file_test (notes, G_FILE_TEST_IS_REGULAR));

  /* without remove-source the same folder merges */
  g_clear_error (&error);
  vs_hls_merge_set_remove_source (merge, FALSE);
  g_assert_true (vs_hls_merge_run (merge, NULL, &error));
  g_assert_no_error (error);
  vs_test_rm_rf (dir);
}

/* An XDG user folder (Videos here, see main()) is never trashed, even holding an HLS
 * download and nothing else; a folder inside it is. */
static void
test_remove_source_protected (void)
{
  const char *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *output = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *listing_before = NULL;
  g_autofree char *listing_after = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (videos);
  copy_tree (ts_dir, videos);
  output = g_strconcat (videos, ".mp4", NULL);
  parent = g_path_get_dirname (videos);
  before = vs_test_folder_digest (videos);
  listing_before = vs_test_list_folder (parent);

  merge = vs_hls_merge_new (videos);
  vs_hls_merge_set_remove_source (merge, TRUE);
  g_assert_false (vs_hls_merge_run (merge, NULL, &error));
  g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_SOURCE_PROTECTED);
  g_test_message ("%s", error->message);
  after = vs_test_folder_digest (videos);
  g_assert_cmpstr (before, ==, after);
  listing_after = vs_test_list_folder (parent);
  g_assert_cmpstr (listing_before, ==, listing_after);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));

  /* the home folder itself, named by a playlist in it */
  {
    g_autofree char *playlist = g_build_filename (g_get_home_dir (), "index.m3u8", NULL);
    g_autoptr(VsHlsMerge) home_merge = vs_hls_merge_new (playlist);

    g_clear_error (&error);
    vs_test_write_file (playlist, "#EXTM3U\n#EXTINF:2.0,\nVideos/seg00000.ts\n#EXT-X-ENDLIST\n", -1);
    vs_hls_merge_set_remove_source (home_merge, TRUE);
    g_assert_false (vs_hls_merge_run (home_merge, NULL, &error));
    g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_SOURCE_PROTECTED);
    g_unlink (playlist);
  }
  vs_test_rm_rf (videos);
}

static void
drop_late_file (VsHlsMerge *merge,
                guint64     done,
                guint64     total,
                const char *late)
{
  if (!g_file_test (late, G_FILE_TEST_EXISTS))
    vs_test_write_file (late, "copied in while the merge ran", -1);
}

/* remove-source: a file that lands in the folder while the merge runs is not trashed
 * with it. The guarded module takes the folder's inventory again before the trash and
 * refuses; the MP4 is in place and every file of the folder is still there. */
static void
test_remove_source_new_file (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *late = g_build_filename (folder, "copied-later.mp4", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *output = g_build_filename (dir, "show.mp4", NULL);
  g_autofree char *before = NULL, *after = NULL, *listing = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  copy_tree (ts_dir, folder);
  before = vs_test_folder_digest (folder);
  merge = vs_hls_merge_new (folder);
  vs_hls_merge_set_remove_source (merge, TRUE);
  g_signal_connect (merge, "progress", G_CALLBACK (drop_late_file), late);
  g_assert_false (vs_hls_merge_run (merge, NULL, &error));
  g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_TRASH_FAILED);
  g_test_message ("%s", error->message);
  g_assert_false (vs_hls_merge_get_source_trashed (merge));
  /* the late file and everything else are where they were, byte for byte */
  g_assert_true (g_file_test (late, G_FILE_TEST_IS_REGULAR));
  g_unlink (late);
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  assert_merged (output, 4000);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "show show.mp4");
  vs_test_rm_rf (dir);
}

/* remove-source on a library folder: refused before anything is written, by identity
 * (named through a symlink here). */
static void
test_remove_source_library_root (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *before = NULL, *after = NULL, *listing = NULL;
  const char *roots[] = { folder, NULL };
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  copy_tree (ts_dir, folder);
  g_assert_cmpint (symlink (folder, link), ==, 0);
  before = vs_test_folder_digest (folder);
  merge = vs_hls_merge_new (link);
  vs_hls_merge_set_remove_source (merge, TRUE);
  vs_hls_merge_set_library_roots (merge, roots);
  g_assert_false (vs_hls_merge_run (merge, NULL, &error));
  g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_SOURCE_PROTECTED);
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "link show");
  vs_test_rm_rf (dir);
}

/* A master playlist with its variant in a subfolder, and a leftover of ours: all HLS
 * material, so the folder goes to the trash once the MP4 is verified. */
static void
test_remove_source_master (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *variant = g_build_filename (folder, "720p", NULL);
  g_autofree char *master = g_build_filename (folder, "master.m3u8", NULL);
  g_autofree char *leftover = g_build_filename (folder, ".old.mp4.vidshelf-merge", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *output = g_build_filename (dir, "show.mp4", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  copy_tree (ts_dir, variant);
  vs_test_write_file (master, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\n720p/index.m3u8\n", -1);
  vs_test_write_file (leftover, "killed", -1);
  merge = vs_hls_merge_new (folder);
  vs_hls_merge_set_remove_source (merge, TRUE);
  g_assert_true (vs_hls_merge_run (merge, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vs_hls_merge_get_source_trashed (merge));
  assert_merged (output, 4000);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "show.mp4");
  vs_test_rm_rf (dir);
}

/* A second merge of the same output while the first holds its temporary file refuses
 * and leaves that file alone; once the lock is gone, the file is a leftover. */
static void
test_busy (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *temp = g_build_filename (dir, ".show.mp4.vidshelf-merge", NULL);
  g_autofree char *output = g_build_filename (dir, "show.mp4", NULL);
  g_autofree char *text = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  copy_tree (ts_dir, folder);
  vs_test_write_file (temp, "the first merge's bytes", -1);
  fd = g_open (temp, O_RDWR, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), ==, 0);

  merge = vs_hls_merge_new (folder);
  g_assert_false (vs_hls_merge_run (merge, NULL, &error));
  g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_BUSY);
  g_test_message ("%s", error->message);
  g_assert_true (g_file_get_contents (temp, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "the first merge's bytes");
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));

  close (fd);
  g_clear_error (&error);
  g_assert_true (vs_hls_merge_run (merge, NULL, &error));
  g_assert_no_error (error);
  assert_merged (output, 4000);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "show show.mp4");
  vs_test_rm_rf (dir);
}

/* The same with a real merge running: the second, started while the first writes,
 * refuses; the first completes. */
static void
test_busy_async (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *big = media_path ("big");
  g_autofree char *output = g_build_filename (dir, "show.mp4", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(VsHlsMerge) first = NULL;
  g_autoptr(VsHlsMerge) second = NULL;
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };
  AsyncRun run = { 0 };

  copy_tree (big, folder);
  first = vs_hls_merge_new (folder);
  g_signal_connect (first, "progress", G_CALLBACK (on_progress), &p);
  vs_hls_merge_run_async (first, NULL, on_merged, &run);
  /* the first buffer is reported at once, so the lock is held by then */
  while (!run.done && p.last_done == 0)
    g_main_context_iteration (NULL, TRUE);
  if (run.done)
    {
      g_test_skip ("the first merge finished before the second could start");
    }
  else
    {
      second = vs_hls_merge_new (folder);
      g_assert_false (vs_hls_merge_run (second, NULL, &error));
      g_assert_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_BUSY);
    }
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  assert_merged (output, 4000);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "show show.mp4");
  vs_test_rm_rf (dir);
}

/* Temporary files that killed merges left are removed; one a live merge holds (its flock,
 * taken here), other people's files with a similar name, links and FIFOs are kept. */
static void
test_sweep (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *stale = g_build_filename (dir, ".a.mp4.vidshelf-merge", NULL);
  g_autofree char *live = g_build_filename (dir, ".b.mp4.vidshelf-merge", NULL);
  g_autofree char *target = g_build_filename (dir, "target.mp4", NULL);
  g_autofree char *link = g_build_filename (dir, ".link.mp4.vidshelf-merge", NULL);
  g_autofree char *fifo = g_build_filename (dir, ".fifo.mp4.vidshelf-merge", NULL);
  g_autofree char *folder = g_build_filename (dir, ".dir.mp4.vidshelf-merge", NULL);
  const char *const not_ours[] = {
    "c.mp4.vidshelf-merge", ".d.mp4.vidshelf-merge.part", ".vidshelf-merge", ".e.mp4.vidshelf-merg",
  };
  g_autofree char *listing = NULL;
  int fd;

  vs_test_write_file (stale, "a killed merge's bytes", -1);
  vs_test_write_file (live, "a running merge's bytes", -1);
  vs_test_write_file (target, "mine", -1);
  for (guint i = 0; i < G_N_ELEMENTS (not_ours); i++)
    {
      g_autofree char *path = g_build_filename (dir, not_ours[i], NULL);

      vs_test_write_file (path, "not ours", -1);
    }
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  fd = g_open (live, O_RDWR, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), ==, 0);

  g_assert_cmpuint (vs_hls_merge_sweep_stale_temps (dir), ==, 1);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, ".b.mp4.vidshelf-merge .d.mp4.vidshelf-merge.part "
                   ".dir.mp4.vidshelf-merge .e.mp4.vidshelf-merg .fifo.mp4.vidshelf-merge "
                   ".link.mp4.vidshelf-merge .vidshelf-merge c.mp4.vidshelf-merge target.mp4");

  /* once its merge is gone, the lock is free and the file is stale */
  close (fd);
  g_assert_cmpuint (vs_hls_merge_sweep_stale_temps (dir), ==, 1);
  g_assert_false (g_file_test (live, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (vs_hls_merge_sweep_stale_temps (dir), ==, 0);
  vs_test_rm_rf (dir);
}

/* A merge sweeps its output's folder first: another output's stale temporary file goes. */
static void
test_sweep_on_merge (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *stale = g_build_filename (dir, ".other.mp4.vidshelf-merge", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(VsHlsMerge) merge = NULL;
  g_autoptr(GError) error = NULL;

  copy_tree (ts_dir, folder);
  vs_test_write_file (stale, "a killed merge's bytes", -1);
  merge = vs_hls_merge_new (folder);
  g_assert_true (vs_hls_merge_run (merge, NULL, &error));
  g_assert_no_error (error);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "show show.mp4");
  vs_test_rm_rf (dir);
}

/* CLI -------------------------------------------------------------------------------- */

/* HOME and XDG_DATA_HOME are private to the run (see main()); /dev/null instead takes
 * the trash can away from the CLI. */
static gboolean no_trash;
static const char *const no_trash_env[] = {
  "HOME", "/dev/null", "XDG_DATA_HOME", "/dev/null", NULL
};

static GSubprocess *
cli_spawn (const char * const *args,
           GError            **error)
{
  return vs_test_cli_spawn (args, no_trash ? no_trash_env : NULL, error);
}

static void
cli (VsTestRun          *r,
     const char * const *args)
{
  vs_test_cli (r, args, no_trash ? no_trash_env : NULL);
}

static void
test_cli (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *folder = g_build_filename (lib, "show", NULL);
  g_autofree char *output = g_build_filename (lib, "show.mp4", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *expected = g_strconcat (output, "\n", NULL);

  copy_tree (ts_dir, folder);
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "merge", NULL };

    cli (&r, args);
    g_assert_cmpint (r.status, ==, 2);
  }
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "scan", "--no-probe", "--db", db, lib, NULL };

    cli (&r, args);
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "merge", "--db", db, folder, NULL };

    cli (&r, args);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.out, ==, expected);
    g_assert_cmpstr (r.err, ==, "");
  }
  assert_merged (output, 4000);
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "merge", "--db", db, folder, NULL };

    cli (&r, args);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_true (g_str_has_prefix (r.err, "vidshelf-cli: "));
    g_assert_nonnull (strstr (r.err, "already exists"));
  }
  /* no trash can: the MP4 stays, and so does the folder */
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "merge", "--force", "--remove-source", "--db", db, folder, NULL };

    no_trash = TRUE;
    cli (&r, args);
    no_trash = FALSE;
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "MP4 was written"));
    g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
    assert_merged (output, 4000);
  }
  /* a merge killed half way leaves its temporary file; the next run removes it */
  {
    g_autofree char *leftover = g_build_filename (lib, ".show.mp4.vidshelf-merge", NULL);
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "merge", "--force", "--remove-source", "--db", db, folder, NULL };
    g_auto(VsTestRun) list = { 0 };
    const char *list_args[] = { "list", "--db", db, "--json", NULL };
    g_autofree char *listing = NULL;

    vs_test_write_file (leftover, "killed", -1);
    cli (&r, args);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_false (g_file_test (leftover, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
    listing = vs_test_list_folder (lib);
    g_assert_cmpstr (listing, ==, "show.mp4");

    assert_merged (output, 4000);

    /* the index: the MP4 is in, the trashed HLS item is out */
    cli (&list, list_args);
    g_assert_cmpint (list.status, ==, 0);
    g_assert_nonnull (strstr (list.out, "show.mp4"));
    g_assert_null (strstr (list.out, "\"hls\""));
  }
  {
    g_autofree char *trashed = g_build_filename (g_getenv ("XDG_DATA_HOME"), "Trash", "files",
                                                 "show", "index.m3u8", NULL);

    g_assert_true (g_file_test (trashed, G_FILE_TEST_IS_REGULAR));
  }
  vs_test_rm_rf (dir);
}

/* A merge killed outright (SIGKILL) leaves its temporary file; the next merge of the
 * folder removes it and succeeds. */
/* vidshelf-cli merge --remove-source -o through a symlink to the folder: exit 1 with the
 * reason, nothing written, nothing trashed. */
static void
test_cli_output_via_link (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *link = g_build_filename (dir, "elsewhere", NULL);
  g_autofree char *output = g_build_filename (link, "show.mp4", NULL);
  g_autofree char *ts_dir = media_path ("ts");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(VsTestRun) r = { 0 };
  const char *args[] = { "merge", "--remove-source", "-o", output, folder, NULL };

  copy_tree (ts_dir, folder);
  g_assert_cmpint (symlink (folder, link), ==, 0);
  before = vs_test_folder_digest (folder);
  cli (&r, args);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_true (g_str_has_prefix (r.err, "vidshelf-cli: "));
  g_assert_nonnull (strstr (r.err, "inside the HLS folder"));
  g_assert_cmpstr (r.out, ==, "");
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  vs_test_rm_rf (dir);
}

static void
test_cli_killed (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *big = media_path ("big");
  g_autofree char *temp = g_build_filename (dir, ".show.mp4.vidshelf-merge", NULL);
  g_autofree char *output = g_build_filename (dir, "show.mp4", NULL);
  g_autofree char *listing = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "merge", folder, NULL };
  g_auto(VsTestRun) r = { 0 };

  copy_tree (big, folder);
  before = vs_test_folder_digest (folder);
  proc = cli_spawn (args, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 5000 && !g_file_test (temp, G_FILE_TEST_EXISTS); i++)
    g_usleep (1000);
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  /* Killed mid-write: the output's name holds nothing; the leftover is the next run's. */
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (temp, G_FILE_TEST_EXISTS));

  cli (&r, args);
  g_assert_cmpint (r.status, ==, 0);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "show show.mp4");
  after = vs_test_folder_digest (folder);
  g_assert_cmpstr (before, ==, after);
  vs_test_rm_rf (dir);
}

/* VsMergeNalAlign ------------------------------------------------------------------- */

typedef struct
{
  const char   *bytes;   /* hex */
  GstClockTime  pts;
  gboolean      discont;
} Packet;

static GstBuffer *
buffer_from_hex (const char   *hex,
                 GstClockTime  pts)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  GstBuffer *buffer;

  for (const char *p = hex; *p != '\0'; p++)
    {
      guint8 byte;

      if (*p == ' ')
        continue;
      byte = (guint8) (g_ascii_xdigit_value (p[0]) * 16 + g_ascii_xdigit_value (p[1]));
      g_byte_array_append (bytes, &byte, 1);
      p++;
    }
  buffer = gst_buffer_new_memdup (bytes->data, bytes->len);
  GST_BUFFER_PTS (buffer) = GST_BUFFER_DTS (buffer) = pts;
  return buffer;
}

static char *
hex_of (GstBuffer *buffer)
{
  g_autoptr(GString) hex = g_string_new (NULL);
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_READ);
  for (gsize i = 0; i < map.size; i++)
    g_string_append_printf (hex, "%s%02x", i > 0 ? " " : "", map.data[i]);
  gst_buffer_unmap (buffer, &map);
  return g_string_free (g_steal_pointer (&hex), FALSE);
}

/* Packets cut anywhere come out cut at NAL units: the start of a unit keeps the times of
 * the packet it starts in, zero bytes before a start code go, nothing else changes. */
/* The sink writes each byte where its byte segment puts it, writing back as it goes or
 * not: 20 MiB (more than one write-behind step), then the start again, as mp4mux writes its
 * index last in the room it kept. */
static void
test_sink (gconstpointer data)
{
  const gsize chunk = 1024 * 1024, n_chunks = 20;
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "out.mp4", NULL);
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  GstElement *sink = vs_merge_sink_new (fd);
  g_autoptr(GstPad) pad = gst_element_get_static_pad (sink, "sink");
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple ("video/quicktime");
  g_autofree guint8 *expected = g_malloc (chunk * n_chunks);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GstSegment segment;
  gsize length = 0;

  gst_object_ref_sink (sink);
  vs_merge_sink_set_write_behind (VS_MERGE_SINK (sink), GPOINTER_TO_INT (data));
  g_assert_cmpint (gst_element_set_state (sink, GST_STATE_PLAYING), ==,
                   GST_STATE_CHANGE_SUCCESS);
  g_assert_true (gst_pad_send_event (pad, gst_event_new_stream_start ("merge")));
  g_assert_true (gst_pad_send_event (pad, gst_event_new_caps (caps)));
  gst_segment_init (&segment, GST_FORMAT_BYTES);
  g_assert_true (gst_pad_send_event (pad, gst_event_new_segment (&segment)));
  for (gsize i = 0; i < chunk * n_chunks; i++)
    expected[i] = (guint8) (i * 7 + i / chunk);
  for (gsize c = 0; c < n_chunks; c++)
    g_assert_cmpint (gst_pad_chain (pad, gst_buffer_new_memdup (expected + c * chunk, chunk)),
                     ==, GST_FLOW_OK);
  g_assert_true (gst_pad_send_event (pad, gst_event_new_segment (&segment)));
  memcpy (expected, "moov", 4);
  g_assert_cmpint (gst_pad_chain (pad, gst_buffer_new_memdup ("moov", 4)), ==, GST_FLOW_OK);
  g_assert_true (gst_pad_send_event (pad, gst_event_new_eos ()));
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_object_unref (sink);
  g_assert_cmpint (close (fd), ==, 0);

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, expected, chunk * n_chunks);
  vs_test_rm_rf (dir);
}

static void
test_nal_align (void)
{
  const Packet in[] = {
    { "00 00 00 01 09 f0 00 00 01 65 aa bb", 1, FALSE },
    { "cc dd 00 00 00 00 01 41 ee", 2, FALSE }, /* the unit goes on, a new one starts */
    { "ff 11", 3, FALSE },                      /* all of it goes on */
    { "00 00 01 41 22 00 00", 4, FALSE },       /* a start: the held unit was whole */
    { "33 00 00 01 41 44", 5, TRUE },           /* after a gap: never joined */
  };
  const Packet out[] = {
    { "00 00 00 01 09 f0 00 00 01 65 aa bb cc dd", 1, TRUE }, /* a stream's first */
    { "00 00 00 00 01 41 ee ff 11", 2, FALSE },
    { "00 00 01 41 22", 4, FALSE },
    { "33 00 00 01 41 44", 5, TRUE },
  };
  g_autoptr(GstElement) pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("appsrc", NULL);
  GstElement *align = vs_merge_nal_align_new ();
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-h264, stream-format=byte-stream");
  GstFlowReturn flow;
  guint n = 0;

  g_assert_true (vs_merge_nal_align_accepts_caps (caps));
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, align, sink, NULL);
  g_assert_true (gst_element_link_many (src, align, sink, NULL));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < G_N_ELEMENTS (in); i++)
    {
      GstBuffer *buffer = buffer_from_hex (in[i].bytes, in[i].pts);

      if (in[i].discont)
        GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
      g_signal_emit_by_name (src, "push-buffer", buffer, &flow);
      gst_buffer_unref (buffer);
      g_assert_cmpint (flow, ==, GST_FLOW_OK);
    }
  g_signal_emit_by_name (src, "end-of-stream", &flow);
  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      g_autofree char *hex = NULL;
      GstBuffer *buffer;

      g_signal_emit_by_name (sink, "try-pull-sample", 10 * GST_SECOND, &sample);
      if (sample == NULL)
        break;
      g_assert_cmpuint (n, <, G_N_ELEMENTS (out));
      buffer = gst_sample_get_buffer (sample);
      hex = hex_of (buffer);
      g_assert_cmpstr (hex, ==, out[n].bytes);
      g_assert_cmpuint (GST_BUFFER_PTS (buffer), ==, out[n].pts);
      g_assert_cmpint (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT), ==,
                       out[n].discont);
      if (n == 0)
        {
          GstStructure *s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);

          g_assert_cmpstr (gst_structure_get_string (s, "alignment"), ==, "nal");
        }
      n++;
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (out));
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* merge --all ------------------------------------------------------------------------ */

static const char *const all_items[] = {
  "complete-a", "complete-b", "encrypted", "missing", "remote", "remote-missing", NULL
};

/* Rewrites @folder's playlist with remote URLs for its segments (as a downloader that kept
 * the playlist as it was leaves it); the copies stay beside it under the URLs' names. */
static void
make_remote (const char *folder)
{
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_true (g_file_get_contents (playlist, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] != '\0' && lines[i][0] != '#')
        g_string_append_printf (out, "https://cdn.example.com/live/%s?token=x%u\n", lines[i], i);
      else if (lines[i][0] != '\0')
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  vs_test_write_file (playlist, out->str, -1);
}

/* A library of six downloads: two complete, one with a segment missing, one encrypted
 * without its key, one of remote URLs with every local copy, one with a copy missing. */
static void
make_all_library (const char *lib,
                  const char *db,
                  const char *source)
{
  g_autofree char *ts_dir = media_path (source);

  for (guint i = 0; all_items[i] != NULL; i++)
    {
      g_autofree char *folder = g_build_filename (lib, all_items[i], NULL);

      copy_tree (ts_dir, folder);
    }
  {
    g_autofree char *folder = g_build_filename (lib, "missing", NULL);
    g_autofree char *seg = g_build_filename (folder, "seg00001.ts", NULL);

    g_assert_cmpint (g_unlink (seg), ==, 0);
  }
  {
    g_autofree char *folder = g_build_filename (lib, "encrypted", NULL);

    write_playlist (folder, "#EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\"\n#EXTINF:2.0,\n"
                    "seg00000.ts\n#EXTINF:2.0,\nseg00001.ts\n");
  }
  {
    g_autofree char *folder = g_build_filename (lib, "remote", NULL);

    make_remote (folder);
  }
  {
    g_autofree char *folder = g_build_filename (lib, "remote-missing", NULL);
    g_autofree char *seg = g_build_filename (folder, "seg00000.ts", NULL);

    make_remote (folder);
    g_assert_cmpint (g_unlink (seg), ==, 0);
  }
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "scan", "--no-probe", "--db", db, lib, NULL };

    cli (&r, args);
    g_assert_cmpint (r.status, ==, 0);
  }
}

static char **
digest_items (const char *lib)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; all_items[i] != NULL; i++)
    {
      g_autofree char *folder = g_build_filename (lib, all_items[i], NULL);
      g_autofree char *digest = g_file_test (folder, G_FILE_TEST_IS_DIR)
                                ? vs_test_folder_digest (folder) : g_strdup ("gone");

      g_strv_builder_add (b, digest);
    }
  return g_strv_builder_end (b);
}

static gboolean
is_merged_item (const char *name)
{
  return g_str_equal (name, "complete-a") || g_str_equal (name, "complete-b") ||
         g_str_equal (name, "remote");
}

static void
assert_all_refusals (const char *out)
{
  g_assert_nonnull (strstr (out, "merged 3, refused 3,"));
  g_assert_nonnull (strstr (out, "remote.mp4 (using local copies of the remote segments)\n"));
  g_assert_null (strstr (out, "complete-a.mp4 (using"));
  g_assert_nonnull (strstr (out, "encrypted/index.m3u8: The playlist is encrypted"));
  g_assert_nonnull (strstr (out, "missing/index.m3u8: The segment"));
  g_assert_nonnull (strstr (out, "remote-missing/index.m3u8: The playlist names remote "
                                 "segments and 1 of the 2 have no local copy"));
}

/* merge --all merges exactly the complete items (the remote one from its copies), says
 * why each other was refused, exits 1, and changes nothing but the new MP4s. */
static void
test_all_cli (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *only = g_build_filename (lib, "missing", NULL);
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  g_autofree char *listing = NULL;

  make_all_library (lib, db, "ts");
  before = digest_items (lib);
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "merge", "--all", "--db", db, lib, NULL };

    cli (&r, args);
    g_assert_cmpint (r.status, ==, 2);
  }
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "merge", "--all", "--jobs", "0", "--db", db, NULL };

    cli (&r, args);
    g_assert_cmpint (r.status, ==, 2);
  }
  /* --folder: only what is below it */
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "merge", "--all", "--folder", only, "--db", db, NULL };

    cli (&r, args);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.out, "merged 0, refused 1,"));
  }
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "merge", "--all", "--db", db, NULL };

    cli (&r, args);
    g_test_message ("%s%s", r.out, r.err);
    g_assert_cmpint (r.status, ==, 1);
    assert_all_refusals (r.out);
    g_assert_nonnull (strstr (r.out, "0 bytes freed"));
    g_assert_true (g_str_has_prefix (r.err, "vidshelf-cli: 3 of 6 HLS items refused"));
  }
  for (guint i = 0; all_items[i] != NULL; i++)
    {
      g_autofree char *name = g_strconcat (all_items[i], ".mp4", NULL);
      g_autofree char *output = g_build_filename (lib, name, NULL);

      if (is_merged_item (all_items[i]))
        assert_merged (output, 4000);
      else
        g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }
  after = digest_items (lib);
  g_assert_cmpstrv (before, after);
  listing = vs_test_list_folder (lib);
  g_assert_cmpstr (listing, ==, "complete-a complete-a.mp4 complete-b complete-b.mp4 encrypted "
                                "missing remote remote-missing remote.mp4");
  vs_test_rm_rf (dir);
}

/* With --remove-source the merged items' folders go to the trash (the guarded path) and
 * nothing else changes. */
static void
test_all_remove_source (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  g_autofree char *listing = NULL;
  g_auto(VsTestRun) r = { 0 };
  const char *args[] = { "merge", "--all", "--remove-source", "--db", db, NULL };

  make_all_library (lib, db, "ts");
  before = digest_items (lib);
  cli (&r, args);
  g_test_message ("%s%s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 1);
  assert_all_refusals (r.out);
  g_assert_null (strstr (r.out, " 0 bytes freed"));
  after = digest_items (lib);
  for (guint i = 0; all_items[i] != NULL; i++)
    {
      g_autofree char *trashed = g_build_filename (g_getenv ("XDG_DATA_HOME"), "Trash", "files",
                                                   all_items[i], "index.m3u8", NULL);

      if (is_merged_item (all_items[i]))
        {
          g_assert_cmpstr (after[i], ==, "gone");
          g_assert_true (g_file_test (trashed, G_FILE_TEST_IS_REGULAR));
        }
      else
        {
          g_assert_cmpstr (after[i], ==, before[i]);
          g_assert_false (g_file_test (trashed, G_FILE_TEST_EXISTS));
        }
    }
  listing = vs_test_list_folder (lib);
  g_assert_cmpstr (listing, ==, "complete-a.mp4 complete-b.mp4 encrypted missing "
                                "remote-missing remote.mp4");
  vs_test_rm_rf (dir);
}

typedef struct
{
  GPtrArray *merged;   /* folder names, in the order the item callback saw them */
  GPtrArray *refused;
} SeenItems;

static void
on_each_item (const VsMergeAllItem *item,
              gboolean              merged,
              gpointer              user_data)
{
  SeenItems *seen = user_data;
  g_autofree char *folder = g_path_get_dirname (item->path);

  if (merged)
    g_assert_true (g_file_test (item->output, G_FILE_TEST_IS_REGULAR));
  else
    g_assert_nonnull (item->error);
  g_ptr_array_add (merged ? seen->merged : seen->refused, g_path_get_basename (folder));
}

static VsMergeAllSummary *
merge_all_library (VsLibrary *library,
                   SeenItems *seen)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VsMergeAllSummary *summary;

  vs_library_merge_all_each_async (library, NULL, VS_MERGE_ALL_FLAGS_NONE, 1, NULL, NULL,
                                   on_each_item, seen, vs_test_library_store_result, &result);
  vs_test_library_wait_result (&result, 120);
  summary = vs_library_merge_all_finish (library, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);
  return summary;
}

/* Each item goes to the item callback once, when it is done, and the summary keeps only
 * counts (nothing grows with the library), which agree with what the callback saw. */
static void
test_all_each (void)
{
  g_autoptr(VsTestLibrary) t = vs_test_library_new (VS_LIBRARY_FLAGS_HEADLESS);
  g_autoptr(GPtrArray) merged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) merged_again = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) refused_again = g_ptr_array_new_with_free_func (g_free);
  SeenItems seen = { merged, refused };
  SeenItems seen_again = { merged_again, refused_again };
  g_autoptr(VsMergeAllSummary) summary = NULL;
  g_autoptr(VsMergeAllSummary) again = NULL;

  make_all_library (t->folder, t->db_path, "ts");
  vs_test_library_open (t);
  summary = merge_all_library (t->library, &seen);
  g_assert_cmpuint (summary->n_merged, ==, 3);
  g_assert_cmpuint (summary->n_refused, ==, 3);
  g_assert_cmpuint (summary->n_sources_kept, ==, 0);
  g_assert_cmpuint (merged->len, ==, 3);
  g_assert_cmpuint (refused->len, ==, 3);
  for (guint i = 0; all_items[i] != NULL; i++)
    {
      GPtrArray *where = is_merged_item (all_items[i]) ? merged : refused;

      g_assert_true (g_ptr_array_find_with_equal_func (where, all_items[i], g_str_equal, NULL));
    }

  /* every output is there now: each item is refused, and reported */
  again = merge_all_library (t->library, &seen_again);
  g_assert_cmpuint (again->n_merged, ==, 0);
  g_assert_cmpuint (merged_again->len, ==, 0);
  g_assert_cmpuint (again->n_refused, ==, 6);
  g_assert_cmpuint (refused_again->len, ==, 6);
}

/* Ctrl+C while the second item merges: its temporary file goes, the first stays merged,
 * the others are untouched. */
static void
test_all_cancel (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *first = g_build_filename (lib, "complete-a.mp4", NULL);
  g_autofree char *temp = g_build_filename (lib, ".complete-b.mp4.vidshelf-merge", NULL);
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "merge", "--all", "--db", db, NULL };
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;

  make_all_library (lib, db, "big");
  before = digest_items (lib);
  proc = cli_spawn (args, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 30000 && !g_file_test (temp, G_FILE_TEST_EXISTS); i++)
    g_usleep (1000);
  g_assert_true (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_subprocess_send_signal (proc, SIGINT);
  g_subprocess_communicate (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  /* the merge of b may have finished just before the signal: then it is whole */
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  assert_merged (first, 4000);
  after = digest_items (lib);
  g_assert_cmpstrv (before, after);
  listing = vs_test_list_folder (lib);
  g_assert_true (g_str_has_prefix (listing, "complete-a complete-a.mp4 complete-b "));
  g_assert_null (strstr (listing, "remote.mp4"));
  g_assert_null (strstr (listing, "vidshelf-merge"));
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = vs_test_make_tmpdir ();
  g_autofree char *data_home = g_build_filename (home, ".local", "share", NULL);
  g_autofree char *cache_home = g_build_filename (home, ".cache", NULL);
  int status;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: it empties XDG_DATA_DIRS, where content types by name
   * come from (the scanner needs them). A private home instead: the trash can, the
   * thumbnail cache and GStreamer's registry stay inside it, on the device of the test
   * folders, so GIO uses the home trash. */
  g_assert_cmpint (g_mkdir_with_parents (data_home, 0700), ==, 0);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  /* a Videos folder among the user's standard folders (remove-source spares them) */
  {
    g_autofree char *config_home = g_build_filename (home, ".config", NULL);
    g_autofree char *user_dirs = g_build_filename (config_home, "user-dirs.dirs", NULL);

    g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
    vs_test_write_file (user_dirs, "XDG_VIDEOS_DIR=\"$HOME/Videos\"\n", -1);
  }
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  if (!vs_test_media_require (elements))
    return 77;

  media_dir = vs_test_make_tmpdir ();
  {
    g_autofree char *ts = media_path ("ts");
    g_autofree char *big = media_path ("big");
    g_autofree char *frag = media_path ("frag.mp4");

    vs_test_media_hls_av (ts, 4, "smpte");
    /* noise compresses badly: a few MiB, several reads, so a merge can be caught mid-way */
    vs_test_media_hls_av (big, 4, "snow");
    vs_test_media_fmp4 (frag, 4);
  }

  g_test_add_func ("/merge/ts", test_ts);
  g_test_add_func ("/merge/nal-align", test_nal_align);
  g_test_add_data_func ("/merge/sink", GINT_TO_POINTER (FALSE), test_sink);
  g_test_add_data_func ("/merge/sink/write-behind", GINT_TO_POINTER (TRUE), test_sink);
  g_test_add_data_func ("/merge/fmp4/files", GINT_TO_POINTER (FALSE), test_fmp4);
  g_test_add_data_func ("/merge/fmp4/byterange", GINT_TO_POINTER (TRUE), test_fmp4);
  g_test_add_func ("/merge/byterange", test_byterange);
  g_test_add_func ("/merge/discontinuity", test_discontinuity);
  g_test_add_func ("/merge/late-audio", test_late_audio);
  g_test_add_func ("/merge/refuse/discontinuity-fmp4", test_discontinuity_fmp4);
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *path = g_strdup_printf ("/merge/refuse/%s", refusals[i].name);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_refusal);
    }
  g_test_add_func ("/merge/refuse/output-inside", test_output_inside);
  g_test_add_func ("/merge/refuse/output-inside-link", test_output_inside_link);
  g_test_add_func ("/merge/refuse/output-is-input", test_output_is_input);
  g_test_add_func ("/merge/refuse/fifo", test_refuse_fifo);
  g_test_add_func ("/merge/output-mode", test_output_mode);
  g_test_add_func ("/merge/cancel", test_cancel);
  g_test_add_func ("/merge/leftover", test_leftover);
  g_test_add_func ("/merge/busy", test_busy);
  g_test_add_func ("/merge/busy-async", test_busy_async);
  g_test_add_func ("/merge/sweep/stale-temps", test_sweep);
  g_test_add_func ("/merge/sweep/on-merge", test_sweep_on_merge);
  g_test_add_func ("/merge/remove-source/other-files", test_remove_source_other_files);
  g_test_add_func ("/merge/remove-source/protected", test_remove_source_protected);
  g_test_add_func ("/merge/remove-source/master", test_remove_source_master);
  g_test_add_func ("/merge/remove-source/new-file", test_remove_source_new_file);
  g_test_add_func ("/merge/remove-source/library-root", test_remove_source_library_root);
  g_test_add_func ("/merge/cli", test_cli);
  g_test_add_func ("/merge/cli-killed", test_cli_killed);
  g_test_add_func ("/merge/cli-output-via-link", test_cli_output_via_link);
  g_test_add_func ("/merge/all/cli", test_all_cli);
  g_test_add_func ("/merge/all/each", test_all_each);
  g_test_add_func ("/merge/all/remove-source", test_all_remove_source);
  g_test_add_func ("/merge/all/cancel", test_all_cancel);

  status = g_test_run ();
  vs_test_rm_rf (media_dir);
  g_free (media_dir);
  vs_test_rm_rf (home);
  return status;
}
