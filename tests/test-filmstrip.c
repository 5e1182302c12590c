/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-filmstrip.c: filmstrips: frame plan, key-frame-only making, the file's checks and
 * the cache's budget
 *
 * G_TEST_OPTION_ISOLATE_DIRS gives every test an empty $XDG_CACHE_HOME.
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "vs-filmstrip.h"
#include "vs-test-media.h"
#include "vs-test-utils.h"
#include "vs-thumbnailer.h"

static const char *const h264_elements[] = {
  "x264enc", "h264parse", "mp4mux", "qtdemux", "avdec_h264", "videoconvertscale", "appsink",
  "uridecodebin", NULL
};
static const char *const hls_elements[] = {
  "x264enc", "h264parse", "hlssink2", "tsdemux", "avdec_h264", "videoconvertscale", "appsink",
  "uridecodebin", NULL
};

static char *media_dir;

static char *
uri_for (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);

  return g_filename_to_uri (canonical, NULL, NULL);
}

/* @seconds of a moving ball, H.264 in MP4, 320x180 at 25 fps, a key frame every
 * @gop frames and no other (no scene cuts). */
static char *
make_clip (const char *name,
           guint       seconds,
           guint       gop)
{
  char *path = g_build_filename (media_dir, name, NULL);
  g_autofree char *desc = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  desc = g_strdup_printf ("videotestsrc pattern=ball num-buffers=%u "
                          "! video/x-raw,width=320,height=180,framerate=25/1 ! videoconvert "
                          "! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast "
                          "key-int-max=%u option-string=scenecut=0 ! h264parse ! mp4mux "
                          "! filesink location=\"%s\"",
                          seconds * 25, gop, path);
  vs_test_media_run (desc);
  return path;
}

/* A sheet of @n tiles of @w × @h, tile i filled with a colour of its own. */
static GdkPixbuf *
make_sheet (guint n,
            guint w,
            guint h,
            guint columns)
{
  guint rows = (n + columns - 1) / columns;
  GdkPixbuf *sheet = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, (int) (w * columns),
                                     (int) (h * rows));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GdkPixbuf) tile = gdk_pixbuf_new_subpixbuf (sheet, (int) ((i % columns) * w),
                                                            (int) ((i / columns) * h), (int) w,
                                                            (int) h);

      gdk_pixbuf_fill (tile, ((i * 37u % 256) << 24) | ((255 - i * 11u % 256) << 16) | 0x40ff);
    }
  return sheet;
}

static void
save_synthetic (const char *path,
                const char *uri,
                gint64      mtime,
                guint       n)
{
  g_autoptr(GdkPixbuf) sheet = make_sheet (n, 64, 36, MIN (n, VS_FILMSTRIP_COLUMNS));
  g_autofree gint64 *times = g_new (gint64, n);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    times[i] = vs_filmstrip_frame_time_ms (n * 10000, n, i);
  vs_filmstrip_save (path, uri, mtime, 1234, n * 10000, VS_FILMSTRIP_FLAG_NONE, sheet, 64, 36,
                     MIN (n, VS_FILMSTRIP_COLUMNS), times, n, &error);
  g_assert_no_error (error);
}

/* ---- the plan ----------------------------------------------------------------------- */

static void
test_plan (void)
{
  /* about one every 10 s, at least 10, at most 100 */
  g_assert_cmpuint (vs_filmstrip_count_frames (-1), ==, 10);
  g_assert_cmpuint (vs_filmstrip_count_frames (0), ==, 10);
  g_assert_cmpuint (vs_filmstrip_count_frames (3000), ==, 10);
  g_assert_cmpuint (vs_filmstrip_count_frames (104999), ==, 10);
  g_assert_cmpuint (vs_filmstrip_count_frames (105000), ==, 11);
  g_assert_cmpuint (vs_filmstrip_count_frames (180000), ==, 18);
  g_assert_cmpuint (vs_filmstrip_count_frames (30 * 60000), ==, 100);
  g_assert_cmpuint (vs_filmstrip_count_frames (3 * 3600000), ==, 100);

  /* evenly spaced, each in the middle of its share */
  g_assert_cmpint (vs_filmstrip_frame_time_ms (100000, 10, 0), ==, 5000);
  g_assert_cmpint (vs_filmstrip_frame_time_ms (100000, 10, 9), ==, 95000);
  for (guint n = 10; n <= 100; n += 30)
    for (guint i = 1; i < n; i++)
      {
        gint64 step = vs_filmstrip_frame_time_ms (G_GINT64_CONSTANT (36000000), n, i) -
                      vs_filmstrip_frame_time_ms (G_GINT64_CONSTANT (36000000), n, i - 1);

        g_assert_cmpint (ABS (step - G_GINT64_CONSTANT (36000000) / n), <=, 1);
      }
}

static void
test_frame_at (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "x.filmstrip", NULL);
  g_autoptr(VsFilmstrip) strip = NULL;
  g_autoptr(GError) error = NULL;
  int x, y, w, h;

  save_synthetic (path, "file:///v/a.mp4", 5, 25);
  strip = vs_filmstrip_load (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_filmstrip_get_n_frames (strip), ==, 25);
  g_assert_cmpuint (vs_filmstrip_get_frame_at (strip, 0), ==, 0);
  g_assert_cmpuint (vs_filmstrip_get_frame_at (strip, -3), ==, 0);
  g_assert_cmpuint (vs_filmstrip_get_frame_at (strip, 0.5), ==, 12);
  g_assert_cmpuint (vs_filmstrip_get_frame_at (strip, 0.999), ==, 24);
  g_assert_cmpuint (vs_filmstrip_get_frame_at (strip, 1), ==, 24);
  g_assert_cmpuint (vs_filmstrip_get_frame_at (strip, 7), ==, 24);
  vs_filmstrip_get_tile_rect (strip, 13, &x, &y, &w, &h);
  g_assert_cmpint (x, ==, 3 * 64);
  g_assert_cmpint (y, ==, 1 * 36);
  g_assert_cmpint (w, ==, 64);
  g_assert_cmpint (h, ==, 36);
  g_assert_cmpint (gdk_pixbuf_get_width (vs_filmstrip_get_sheet (strip)), ==, 640);
  g_assert_cmpint (gdk_pixbuf_get_height (vs_filmstrip_get_sheet (strip)), ==, 3 * 36);
  g_assert_cmpint (vs_filmstrip_get_frame_time_ms (strip, 0), ==, 5000);
  g_assert_cmpstr (vs_filmstrip_get_uri (strip), ==, "file:///v/a.mp4");
  vs_test_rm_rf (dir);
}

/* ---- making ------------------------------------------------------------------------- */

static void
test_make_keyframes_only (void)
{
  g_autofree char *clip = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *written = NULL;
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;
  g_autoptr(GError) error = NULL;
  guint decoded = 0;
  struct stat st;

  if (!vs_test_media_require (h264_elements))
    return;
  /* 2 min, a key frame every 2 s: 3000 frames, 60 of them key frames. */
  clip = make_clip ("gop2s.mp4", 120, 50);
  uri = uri_for (clip);
  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_make_filmstrip (thumbnailer, clip, NULL, FALSE, &decoded, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (written);
  {
    g_autofree char *expected = vs_filmstrip_path (uri);

    g_assert_cmpstr (written, ==, expected);
  }
  g_assert_cmpint (g_stat (written, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  strip = vs_filmstrip_load (written, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_filmstrip_get_n_frames (strip), ==, 12);
  g_assert_cmpuint (vs_filmstrip_get_tile_width (strip), ==, 240);
  g_assert_cmpuint (vs_filmstrip_get_tile_height (strip), ==, 135);
  g_assert_cmpuint (vs_filmstrip_get_columns (strip), ==, 10);
  g_assert_cmpint (vs_filmstrip_get_duration_ms (strip), ==, 120000);
  g_assert_cmpint (gdk_pixbuf_get_width (vs_filmstrip_get_sheet (strip)), ==, 2400);
  g_assert_cmpint (gdk_pixbuf_get_height (vs_filmstrip_get_sheet (strip)), ==, 270);
  /* Each frame is the key frame nearest its planned time (key frames every 2 s). */
  for (guint i = 0; i < 12; i++)
    {
      gint64 planned = vs_filmstrip_frame_time_ms (120000, 12, i);
      gint64 t = vs_filmstrip_get_frame_time_ms (strip, i);

      g_assert_cmpint (t % 2000, ==, 0);
      g_assert_cmpint (ABS (t - planned), <=, 1000);
    }
  g_test_message ("decoded %u frames for 12", decoded);
  /* Key frames only: a dozen seeks give the decoder a frame or two each, not the 50 of
   * each group of pictures (nor the 3000 of the file). */
  g_assert_cmpuint (decoded, >=, 12);
  g_assert_cmpuint (decoded, <=, 2 * 12 + 2);
  /* the cache holds it for the file as it is, and not for another version */
  {
    struct stat source;

    g_assert_cmpint (g_stat (clip, &source), ==, 0);
    g_assert_cmpint (vs_filmstrip_lookup (uri, source.st_mtime, source.st_size, NULL), ==,
                     VS_FILMSTRIP_VALID);
    g_assert_cmpint (vs_filmstrip_lookup (uri, source.st_mtime - 5, source.st_size, NULL), ==,
                     VS_FILMSTRIP_STALE);
  }
}

static void
test_make_changes_frames (void)
{
  g_autofree char *clip = NULL;
  g_autofree char *written = NULL;
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *pixels;
  int stride;
  guint distinct = 0;

  if (!vs_test_media_require (h264_elements))
    return;
  clip = make_clip ("gop2s.mp4", 120, 50);
  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_make_filmstrip (thumbnailer, clip, NULL, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  strip = vs_filmstrip_load (written, TRUE, &error);
  g_assert_no_error (error);
  /* The ball moves: the tiles differ from each other (a strip of the same frame would
   * not). */
  pixels = gdk_pixbuf_read_pixels (vs_filmstrip_get_sheet (strip));
  stride = gdk_pixbuf_get_rowstride (vs_filmstrip_get_sheet (strip));
  for (guint i = 1; i < vs_filmstrip_get_n_frames (strip); i++)
    {
      int ax, ay, bx, by, w, h;
      gboolean differ = FALSE;

      vs_filmstrip_get_tile_rect (strip, i - 1, &ax, &ay, &w, &h);
      vs_filmstrip_get_tile_rect (strip, i, &bx, &by, NULL, NULL);
      for (int row = 0; row < h && !differ; row++)
        differ = memcmp (pixels + (gsize) (ay + row) * stride + ax * 3,
                         pixels + (gsize) (by + row) * stride + bx * 3, (gsize) w * 3) != 0;
      distinct += differ;
    }
  g_assert_cmpuint (distinct, >=, vs_filmstrip_get_n_frames (strip) - 2);
}

typedef struct
{
  VsThumbnailer *thumbnailer;
  const char    *clip;
  GCancellable  *cancellable;
  GError        *error;
  gboolean       done;
} MakeRun;

static gpointer
make_thread (gpointer data)
{
  MakeRun *run = data;
  g_autofree char *written = vs_thumbnailer_make_filmstrip (run->thumbnailer, run->clip, NULL,
                                                            FALSE, NULL, run->cancellable,
                                                            &run->error);

  g_atomic_int_set (&run->done, TRUE);
  return NULL;
}

/* Whether two tiles show the same frame: JPEG leaves a little noise that differs with the
 * tile's place, a moved ball changes a patch of pixels a lot. */
static gboolean
tiles_equal (VsFilmstrip *strip,
             guint        a,
             guint        b)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (vs_filmstrip_get_sheet (strip));
  int stride = gdk_pixbuf_get_rowstride (vs_filmstrip_get_sheet (strip));
  int ax, ay, bx, by, w, h;
  guint far = 0;

  vs_filmstrip_get_tile_rect (strip, a, &ax, &ay, &w, &h);
  vs_filmstrip_get_tile_rect (strip, b, &bx, &by, NULL, NULL);
  for (int row = 0; row < h; row++)
    for (int x = 0; x < w * 3; x++)
      far += ABS ((int) pixels[(gsize) (ay + row) * stride + ax * 3 + x] -
                  (int) pixels[(gsize) (by + row) * stride + bx * 3 + x]) > 60;
  return far < (guint) (w * h * 3 / 500);
}

/* A long strip's coarse pass is written first, whole, for a pointer already waiting; the
 * making cut short there leaves it, marked partial. */
static void
test_make_coarse_first (void)
{
  g_autofree char *clip = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *path = NULL;
  g_autoptr(VsThumbnailer) thumbnailer = vs_thumbnailer_new (0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsFilmstrip) strip = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GThread) thread = NULL;
  MakeRun run = { 0 };
  gboolean seen = FALSE;
  struct stat st;

  if (!vs_test_media_require (h264_elements))
    return;
  /* 4 min: 24 frames, a coarse pass of 8 */
  clip = make_clip ("gop2s-4min.mp4", 240, 50);
  uri = uri_for (clip);
  path = vs_filmstrip_path (uri);
  g_assert_cmpint (g_stat (clip, &st), ==, 0);
  g_assert_cmpuint (vs_filmstrip_count_coarse (24), ==, 8);

  run.thumbnailer = thumbnailer;
  run.clip = clip;
  run.cancellable = cancellable;
  thread = g_thread_new ("make", make_thread, &run);
  while (!g_atomic_int_get (&run.done) && !seen)
    {
      seen = vs_filmstrip_lookup (uri, st.st_mtime, st.st_size, NULL) == VS_FILMSTRIP_PARTIAL;
      if (seen)
        g_cancellable_cancel (cancellable);
      else
        g_usleep (500);
    }
  g_thread_join (g_steal_pointer (&thread));
  g_assert_true (seen);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&run.error);

  /* cut short: the coarse strip stays, still marked partial */
  g_assert_cmpint (vs_filmstrip_lookup (uri, st.st_mtime, st.st_size, NULL), ==,
                   VS_FILMSTRIP_PARTIAL);
  strip = vs_filmstrip_load (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (vs_filmstrip_get_flags (strip) & VS_FILMSTRIP_FLAG_PARTIAL);
  g_assert_cmpuint (vs_filmstrip_get_n_frames (strip), ==, 24);
  for (guint i = 0; i < 24; i++)
    {
      /* every tile is there: a coarse frame's own, or the coarse frame before it */
      if (!vs_filmstrip_is_coarse (24, i))
        g_assert_true (tiles_equal (strip, i, i - i % 3));
      else if (i > 0)
        g_assert_false (tiles_equal (strip, i, i - 3));
    }
  g_clear_object (&strip);

  /* made again: the full strip replaces it */
  {
    g_autofree char *written = vs_thumbnailer_make_filmstrip (thumbnailer, clip, NULL, FALSE,
                                                              NULL, NULL, &error);

    g_assert_no_error (error);
  }
  g_assert_cmpint (vs_filmstrip_lookup (uri, st.st_mtime, st.st_size, NULL), ==,
                   VS_FILMSTRIP_VALID);
  strip = vs_filmstrip_load (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (tiles_equal (strip, 1, 0));
}

static void
test_make_hls (void)
{
  g_autofree char *folder = g_build_filename (media_dir, "hls-30", NULL);
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *written = NULL;
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;
  g_autoptr(GError) error = NULL;
  guint decoded = 0;

  if (!vs_test_media_require (hls_elements))
    return;
  if (!g_file_test (playlist, G_FILE_TEST_EXISTS))
    vs_test_media_hls (folder, 30);
  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_make_filmstrip (thumbnailer, playlist, NULL, FALSE, &decoded, NULL,
                                           &error);
  g_assert_no_error (error);
  strip = vs_filmstrip_load (written, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_filmstrip_get_n_frames (strip), ==, 10);
  g_assert_cmpint (ABS (vs_filmstrip_get_duration_ms (strip) - 30000), <=, 100);
  g_assert_cmpuint (vs_filmstrip_get_tile_width (strip), ==, 240);
  g_assert_cmpuint (vs_filmstrip_get_tile_height (strip), ==, 180);
  g_test_message ("decoded %u frames for 10 (HLS)", decoded);
  /* Each frame is a segment’s start (segments of 2 s), one per segment decoded. */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (vs_filmstrip_get_frame_time_ms (strip, i) % 2000, ==, 0);
  g_assert_cmpuint (decoded, >=, 10);
  g_assert_cmpuint (decoded, <=, 2 * 10);
}

static void
test_make_failure_marker (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *junk = g_build_filename (dir, "junk.mp4", NULL);
  g_autofree char *uri = uri_for (junk);
  g_autoptr(VsThumbnailer) thumbnailer = vs_thumbnailer_new (0);
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  struct stat st;

  vs_test_media_random (junk, 20000);
  g_assert_cmpint (g_stat (junk, &st), ==, 0);
  written = vs_thumbnailer_make_filmstrip (thumbnailer, junk, NULL, FALSE, NULL, NULL, &error);
  g_assert_null (written);
  g_assert_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA);
  g_assert_cmpint (vs_filmstrip_lookup (uri, st.st_mtime, st.st_size, NULL), ==,
                   VS_FILMSTRIP_FAILED);
  /* a changed file is tried again */
  g_assert_cmpint (vs_filmstrip_lookup (uri, st.st_mtime + 1, st.st_size, NULL), ==,
                   VS_FILMSTRIP_STALE);
  vs_test_rm_rf (dir);
}

static void
test_make_output (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *clip = NULL;
  g_autofree char *copy = g_build_filename (dir, "clip.mp4", NULL);
  g_autofree char *out = g_build_filename (dir, "strip.filmstrip", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *written = NULL;
  g_autofree char *again = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(VsThumbnailer) thumbnailer = vs_thumbnailer_new (0);
  g_autoptr(GError) error = NULL;
  gsize length;

  if (!vs_test_media_require (h264_elements))
    return;
  clip = make_clip ("gop2s.mp4", 120, 50);
  g_assert_true (g_file_get_contents (clip, &contents, &length, NULL));
  vs_test_write_file (copy, contents, (gssize) length);
  before = vs_test_folder_digest (dir);

  /* never over the video itself */
  written = vs_thumbnailer_make_filmstrip (thumbnailer, copy, copy, TRUE, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (written);
  g_clear_error (&error);
  after = vs_test_folder_digest (dir);
  g_assert_cmpstr (before, ==, after);

  written = vs_thumbnailer_make_filmstrip (thumbnailer, copy, out, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, out);
  /* an existing output is kept unless asked */
  again = vs_thumbnailer_make_filmstrip (thumbnailer, copy, out, FALSE, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_null (again);
  g_clear_error (&error);
  /* nothing went to the cache */
  {
    g_autofree char *cache = vs_filmstrip_cache_dir ();

    g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
  }
  vs_test_rm_rf (dir);
}

/* ---- the cache ---------------------------------------------------------------------- */

static void
test_invalidation (void)
{
  g_autofree char *uri = g_strdup ("file:///videos/a.mp4");
  g_autofree char *path = vs_filmstrip_path (uri);
  g_autofree char *found = NULL;

  g_assert_cmpint (vs_filmstrip_lookup (uri, 100, 1234, &found), ==, VS_FILMSTRIP_MISSING);
  g_assert_cmpstr (found, ==, path);
  save_synthetic (path, uri, 100, 10);
  g_assert_cmpint (vs_filmstrip_lookup (uri, 100, 1234, NULL), ==, VS_FILMSTRIP_VALID);
  g_assert_cmpint (vs_filmstrip_lookup (uri, 101, 1234, NULL), ==, VS_FILMSTRIP_STALE);
  g_assert_cmpint (vs_filmstrip_lookup (uri, 100, 1235, NULL), ==, VS_FILMSTRIP_STALE);
  /* an entry of another URI at this name is no entry */
  save_synthetic (path, "file:///videos/b.mp4", 100, 10);
  g_assert_cmpint (vs_filmstrip_lookup (uri, 100, 1234, NULL), ==, VS_FILMSTRIP_MISSING);
}

static void
set_used (const char *path,
          time_t      when)
{
  struct utimbuf times = { when, when };

  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static void
test_eviction (void)
{
  g_autofree char *dir = vs_filmstrip_cache_dir ();
  g_autofree char *stray = NULL;
  char *paths[5];
  guint64 each, after = 0;
  struct stat st;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *uri = g_strdup_printf ("file:///videos/%u.mp4", i);

      paths[i] = vs_filmstrip_path (uri);
      save_synthetic (paths[i], uri, 1, 20);
      set_used (paths[i], 1000000 + (time_t) i * 100);
    }
  /* the oldest-used one is used again: it is now the newest */
  vs_filmstrip_touch (paths[0]);
  /* a temporary file of a helper at work is neither counted nor removed */
  stray = g_build_filename (dir, "x.filmstrip.vidshelf-1-ABCDEF", NULL);
  vs_test_write_file (stray, "partial", -1);

  g_assert_cmpint (g_stat (paths[1], &st), ==, 0);
  each = (guint64) st.st_size;
  g_assert_cmpuint (vs_filmstrip_cache_get_bytes (), >=, 5 * each - 5 * 64);

  /* room for three: the two least recently used go (1 and 2) */
  g_assert_cmpuint (vs_filmstrip_cache_trim (3 * each + each / 2, &after), ==, 2);
  g_assert_cmpuint (after, <=, 3 * each + each / 2);
  g_assert_true (g_file_test (paths[0], G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (paths[1], G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (paths[2], G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (paths[3], G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (paths[4], G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (stray, G_FILE_TEST_EXISTS));
  /* within the budget: nothing goes */
  g_assert_cmpuint (vs_filmstrip_cache_trim (G_MAXUINT64, NULL), ==, 0);
  g_assert_cmpuint (vs_filmstrip_cache_trim (0, &after), ==, 3);
  g_assert_cmpuint (after, ==, 0);
  for (guint i = 0; i < 5; i++)
    g_free (paths[i]);
}

static void
test_delete_and_move (void)
{
  g_autofree char *path_a = vs_filmstrip_path ("file:///v/a.mp4");
  g_autofree char *path_b = vs_filmstrip_path ("file:///v/b.mp4");
  g_autoptr(VsFilmstrip) moved = NULL;
  g_autoptr(GError) error = NULL;

  save_synthetic (path_a, "file:///v/a.mp4", 7, 12);
  g_assert_true (vs_filmstrip_move ("file:///v/a.mp4", "file:///v/b.mp4"));
  g_assert_false (g_file_test (path_a, G_FILE_TEST_EXISTS));
  moved = vs_filmstrip_load (path_b, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vs_filmstrip_get_uri (moved), ==, "file:///v/b.mp4");
  g_assert_cmpint (vs_filmstrip_get_mtime (moved), ==, 7);
  g_assert_cmpuint (vs_filmstrip_get_n_frames (moved), ==, 12);
  g_assert_cmpint (vs_filmstrip_lookup ("file:///v/b.mp4", 7, 1234, NULL), ==,
                   VS_FILMSTRIP_VALID);
  /* nothing to move */
  g_assert_false (vs_filmstrip_move ("file:///v/a.mp4", "file:///v/c.mp4"));

  /* delete takes only the entry that is the file's */
  g_assert_false (vs_filmstrip_delete ("file:///v/a.mp4"));
  g_assert_true (vs_filmstrip_delete ("file:///v/b.mp4"));
  g_assert_false (g_file_test (path_b, G_FILE_TEST_EXISTS));
}

/* ---- hostile files ------------------------------------------------------------------ */

static GBytes *
build (const char *uri,
       guint       n,
       guint       tile_w,
       guint       tile_h,
       guint       columns,
       const guint8 *image,
       gsize       image_length)
{
  g_autofree gint64 *times = g_new0 (gint64, MAX (n, 1));
  g_autoptr(GVariant) header = NULL;
  GByteArray *out = g_byte_array_new ();
  guint32 length;

  for (guint i = 0; i < n; i++)
    times[i] = i * 1000;
  header = g_variant_ref_sink (g_variant_new ("(sxxxuuuu@ax)", uri, (gint64) 1, (gint64) 2,
                                              (gint64) (n * 1000), 0u, tile_w, tile_h, columns,
                                              g_variant_new_fixed_array (G_VARIANT_TYPE_INT64,
                                                                         times, n,
                                                                         sizeof (gint64))));
  length = GUINT32_TO_LE ((guint32) g_variant_get_size (header));
  g_byte_array_append (out, (const guint8 *) "VSFILMS1", 8);
  g_byte_array_append (out, (const guint8 *) &length, 4);
  g_byte_array_append (out, g_variant_get_data (header), (guint) g_variant_get_size (header));
  if (image != NULL)
    g_byte_array_append (out, image, (guint) image_length);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
jpeg_of (int w,
         int h)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &data, &length, "jpeg", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (data, length);
}

/* A JPEG whose frame header claims @w × @h while its data is a small image's. */
static GBytes *
jpeg_claiming (guint16 w,
               guint16 h)
{
  g_autoptr(GBytes) small = jpeg_of (16, 16);
  gsize length = g_bytes_get_size (small);
  guint8 *data = g_memdup2 (g_bytes_get_data (small, NULL), length);

  for (gsize i = 2; i + 9 < length; i++)
    if (data[i] == 0xff && (data[i + 1] == 0xc0 || data[i + 1] == 0xc2))
      {
        data[i + 5] = (guint8) (h >> 8);
        data[i + 6] = (guint8) h;
        data[i + 7] = (guint8) (w >> 8);
        data[i + 8] = (guint8) w;
        break;
      }
  return g_bytes_new_take (data, length);
}

static void
expect_refused (GBytes     *bytes,
                const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsFilmstrip) strip = vs_filmstrip_load_from_bytes (bytes, TRUE, &error);

  if (strip != NULL)
    g_error ("%s: accepted", what);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  vs_test_add_fuzz_seed ("filmstrip", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
test_hostile (void)
{
  g_autoptr(GBytes) good_image = jpeg_of (640, 36);
  g_autoptr(GBytes) good = build ("file:///a", 10, 64, 36, 10,
                                  g_bytes_get_data (good_image, NULL),
                                  g_bytes_get_size (good_image));
  g_autoptr(GBytes) huge = jpeg_claiming (60000, 60000);
  g_autoptr(GBytes) wrong_size = jpeg_of (641, 36);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;
  const guint8 *good_data;
  gsize good_length;
  struct { const char *what; GBytes *bytes; } cases[16];
  guint n = 0;

  strip = vs_filmstrip_load_from_bytes (good, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_filmstrip_get_n_frames (strip), ==, 10);
  vs_test_add_fuzz_seed ("filmstrip", g_bytes_get_data (good, NULL), g_bytes_get_size (good));

  good_data = g_bytes_get_data (good, &good_length);
  cases[n].what = "empty";
  cases[n++].bytes = g_bytes_new_static ("", 0);
  cases[n].what = "no magic";
  cases[n++].bytes = g_bytes_new_static ("VSFILMS0\x10\0\0\0abcdefghijklmnop", 28);
  cases[n].what = "header longer than the file";
  cases[n++].bytes = g_bytes_new_static ("VSFILMS1\xff\xff\0\0abc", 15);
  cases[n].what = "a header of another type";
  {
    g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_new ("(ss)", "a", "b"));
    guint32 l = GUINT32_TO_LE ((guint32) g_variant_get_size (v));
    GByteArray *a = g_byte_array_new ();

    g_byte_array_append (a, (const guint8 *) "VSFILMS1", 8);
    g_byte_array_append (a, (const guint8 *) &l, 4);
    g_byte_array_append (a, g_variant_get_data (v), (guint) g_variant_get_size (v));
    cases[n++].bytes = g_byte_array_free_to_bytes (a);
  }
  cases[n].what = "a sheet claiming 60000 × 60000";
  cases[n++].bytes = build ("file:///a", 10, 64, 36, 10, g_bytes_get_data (huge, NULL),
                            g_bytes_get_size (huge));
  cases[n].what = "a sheet one pixel wider than the header says";
  cases[n++].bytes = build ("file:///a", 10, 64, 36, 10, g_bytes_get_data (wrong_size, NULL),
                            g_bytes_get_size (wrong_size));
  cases[n].what = "tiles over 240 px";
  cases[n++].bytes = build ("file:///a", 10, 6400, 36, 10, NULL, 0);
  cases[n].what = "too many frames";
  cases[n++].bytes = build ("file:///a", 101, 64, 36, 10, NULL, 0);
  cases[n].what = "no frames";
  cases[n++].bytes = build ("file:///a", 0, 64, 36, 10, NULL, 0);
  cases[n].what = "more columns than frames";
  cases[n++].bytes = build ("file:///a", 3, 64, 36, 10, NULL, 0);
  cases[n].what = "no URI";
  cases[n++].bytes = build ("", 10, 64, 36, 10, good_data + good_length - 100, 100);
  cases[n].what = "a truncated sheet";
  cases[n++].bytes = g_bytes_new_from_bytes (good, 0, good_length - 200);
  cases[n].what = "no sheet";
  cases[n++].bytes = build ("file:///a", 10, 64, 36, 10, NULL, 0);
  g_assert_cmpuint (n, <=, G_N_ELEMENTS (cases));

  for (guint i = 0; i < n; i++)
    {
      expect_refused (cases[i].bytes, cases[i].what);
      g_bytes_unref (cases[i].bytes);
    }
}

static void
test_hostile_files (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *fifo = g_build_filename (dir, "fifo.filmstrip", NULL);
  g_autofree char *big = g_build_filename (dir, "big.filmstrip", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;
  int fd;

  /* a FIFO does not hang the reader */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  strip = vs_filmstrip_load (fifo, TRUE, &error);
  g_assert_null (strip);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (vs_filmstrip_check (fifo, "file:///a", 1, 2), ==, VS_FILMSTRIP_MISSING);

  /* a file over the size limit is not read */
  fd = open (big, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, VS_FILMSTRIP_MAX_FILE_SIZE + 1), ==, 0);
  close (fd);
  strip = vs_filmstrip_load (big, TRUE, &error);
  g_assert_null (strip);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  vs_test_rm_rf (dir);
}

/* The shared repository: a whole strip is shared under the file's name with the folder's
 * permissions, read back, fetched into a cache as another URI's; links, FIFOs and partial
 * strips are neither followed, read nor shared. */
static void
test_shared (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *video = g_build_filename (lib, "Plage été.mp4", NULL);
  g_autofree char *other = g_build_filename (lib, "other.mp4", NULL);
  g_autofree char *elsewhere = g_build_filename (dir, "elsewhere", NULL);
  g_autofree char *strip = g_build_filename (dir, "strip.filmstrip", NULL);
  g_autofree char *partial = g_build_filename (dir, "partial.filmstrip", NULL);
  g_autofree char *shared = NULL;
  g_autofree char *found = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(VsFilmstrip) loaded = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_cmpint (g_mkdir (lib, 0750), ==, 0);
  g_assert_cmpint (chmod (lib, 0750), ==, 0);
  vs_test_write_file (video, "not really a video", -1);
  vs_test_write_file (other, "nor this", -1);
  g_assert_cmpint (g_stat (video, &st), ==, 0);
  vs_test_save_filmstrip (strip, "file:///somewhere/Plage%20%C3%A9t%C3%A9.mp4", st.st_mtime,
                          st.st_size, 12);

  /* nothing there yet, and no folder made by looking */
  g_assert_cmpint (vs_filmstrip_lookup_shared (video, st.st_mtime, st.st_size, &found), ==,
                   VS_FILMSTRIP_MISSING);
  shared = vs_filmstrip_shared_path (video);
  g_assert_cmpstr (found, ==, shared);
  g_assert_true (g_str_has_prefix (shared, lib));
  g_assert_true (strstr (shared, "/.sh_thumbnails/vidshelf-filmstrips/") != NULL);
  folder = g_build_filename (lib, ".sh_thumbnails", NULL);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));

  vs_filmstrip_share (video, strip, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_filmstrip_lookup_shared (video, st.st_mtime, st.st_size, NULL), ==,
                   VS_FILMSTRIP_VALID);
  g_assert_cmpint (vs_filmstrip_lookup_shared (video, st.st_mtime + 1, st.st_size, NULL), ==,
                   VS_FILMSTRIP_STALE);
  loaded = vs_filmstrip_load (shared, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vs_filmstrip_get_uri (loaded), ==, "Plage été.mp4");
  g_assert_cmpuint (vs_filmstrip_get_n_frames (loaded), ==, 12);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0750);
  /* another file's name is not this one's */
  g_assert_cmpint (vs_filmstrip_lookup_shared (other, 0, 0, NULL), ==, VS_FILMSTRIP_MISSING);

  /* fetched into the cache as this computer's URI */
  g_assert_cmpint (g_stat (video, &st), ==, 0);
  vs_filmstrip_fetch_shared (video, "file:///here/Plage.mp4", &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_filmstrip_lookup ("file:///here/Plage.mp4", st.st_mtime, st.st_size, NULL),
                   ==, VS_FILMSTRIP_VALID);

  /* a partial strip is one computer's own: not shared */
  vs_test_save_filmstrip (partial, "file:///x", 1, 1, 12);
  {
    g_autoptr(VsFilmstrip) p = vs_filmstrip_load (partial, TRUE, &error);
    g_autofree gint64 *times = g_new0 (gint64, 12);

    g_assert_no_error (error);
    vs_filmstrip_save (partial, "file:///x", 1, 1, 120000, VS_FILMSTRIP_FLAG_PARTIAL,
                       vs_filmstrip_get_sheet (p), 64, 36, 10, times, 12, &error);
    g_assert_no_error (error);
  }
  g_assert_false (vs_filmstrip_share (other, partial, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* moved with a rename in the folder, removed with the file */
  {
    g_autofree char *renamed = g_build_filename (lib, "renamed.mp4", NULL);
    g_autofree char *renamed_shared = vs_filmstrip_shared_path (renamed);
    g_autoptr(VsFilmstrip) moved = NULL;

    g_assert_true (vs_filmstrip_move_shared (video, renamed));
    g_assert_false (g_file_test (shared, G_FILE_TEST_EXISTS));
    moved = vs_filmstrip_load (renamed_shared, FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (vs_filmstrip_get_uri (moved), ==, "renamed.mp4");
    g_assert_false (vs_filmstrip_delete_shared (video));
    g_assert_true (vs_filmstrip_delete_shared (renamed));
    g_assert_false (g_file_test (renamed_shared, G_FILE_TEST_EXISTS));
  }

  /* a planted link to a folder elsewhere: not followed, not written through */
  {
    g_autofree char *strips = g_build_filename (folder, "vidshelf-filmstrips", NULL);
    g_autofree char *planted = NULL;
    g_autofree char *base = g_path_get_basename (shared);

    vs_test_rm_rf (strips);
    g_assert_cmpint (g_mkdir (elsewhere, 0700), ==, 0);
    g_assert_cmpint (symlink (elsewhere, strips), ==, 0);
    g_assert_cmpint (g_stat (video, &st), ==, 0);
    planted = g_build_filename (elsewhere, base, NULL);
    vs_test_save_filmstrip (planted, "Plage été.mp4", st.st_mtime, st.st_size, 12);
    before = vs_test_folder_digest (elsewhere);
    g_assert_cmpint (vs_filmstrip_lookup_shared (video, st.st_mtime, st.st_size, NULL), ==,
                     VS_FILMSTRIP_MISSING);
    g_assert_false (vs_filmstrip_share (video, strip, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_false (vs_filmstrip_delete_shared (video));
    after = vs_test_folder_digest (elsewhere);
    g_assert_cmpstr (before, ==, after);

    /* a FIFO in its place: no hang, not read, not replaced */
    g_assert_cmpint (g_unlink (strips), ==, 0);
    g_assert_cmpint (g_mkdir (strips, 0700), ==, 0);
    g_assert_cmpint (mkfifo (shared, 0600), ==, 0);
    g_assert_cmpint (vs_filmstrip_lookup_shared (video, st.st_mtime, st.st_size, NULL), ==,
                     VS_FILMSTRIP_MISSING);
    g_assert_false (vs_filmstrip_share (video, strip, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_assert_cmpint (lstat (shared, &st), ==, 0);
    g_assert_true (S_ISFIFO (st.st_mode));
  }
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *tmp = NULL;
  int result;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  tmp = vs_test_make_tmpdir ();
  media_dir = tmp;

  g_test_add_func ("/filmstrip/plan", test_plan);
  g_test_add_func ("/filmstrip/frame-at", test_frame_at);
  g_test_add_func ("/filmstrip/make/keyframes-only", test_make_keyframes_only);
  g_test_add_func ("/filmstrip/make/frames-differ", test_make_changes_frames);
  g_test_add_func ("/filmstrip/make/coarse-first", test_make_coarse_first);
  g_test_add_func ("/filmstrip/make/hls", test_make_hls);
  g_test_add_func ("/filmstrip/make/fail-marker", test_make_failure_marker);
  g_test_add_func ("/filmstrip/make/output", test_make_output);
  g_test_add_func ("/filmstrip/cache/invalidation", test_invalidation);
  g_test_add_func ("/filmstrip/cache/eviction", test_eviction);
  g_test_add_func ("/filmstrip/cache/delete-move", test_delete_and_move);
  g_test_add_func ("/filmstrip/hostile/bytes", test_hostile);
  g_test_add_func ("/filmstrip/hostile/files", test_hostile_files);
  g_test_add_func ("/filmstrip/shared", test_shared);

  result = g_test_run ();
  vs_test_rm_rf (tmp);
  return result;
}
