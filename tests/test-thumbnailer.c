/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-thumbnailer.c: the freedesktop thumbnail cache and frame extraction
 *
 * Media fixtures are made once per run, with GStreamer, in a temporary folder shared by
 * the tests; a test that changes a file works on its own copy. G_TEST_OPTION_ISOLATE_DIRS
 * gives every test an empty $XDG_CACHE_HOME, so each starts with no thumbnails.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <utime.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "vs-filmstrip.h"
#include "vs-test-media.h"
#include "vs-test-utils.h"
#include "vs-thumbnailer.h"

static char *media_dir;       /* shared fixtures, made on first use */
static GHashTable *made;      /* fixture name → path */

static const char *const mp4_elements[] = {
  "x264enc", "h264parse", "mp4mux", "avenc_aac", "aacparse", "qtdemux", "avdec_h264",
  "videoconvertscale", "appsink", "uridecodebin", NULL
};
static const char *const webm_elements[] = {
  "vp8enc", "vorbisenc", "webmmux", "matroskademux", "vp8dec", "videoconvertscale", "appsink",
  "uridecodebin", NULL
};
static const char *const hls_elements[] = {
  "x264enc", "h264parse", "hlssink2", "tsdemux", "avdec_h264", "videoconvertscale", "appsink",
  "uridecodebin", NULL
};

/* ---- helpers ------------------------------------------------------------------------ */

/* A fixture by name, made the first time it is asked for. */
static const char *
media (const char *name)
{
  char *path;

  if (made == NULL)
    made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if ((path = g_hash_table_lookup (made, name)) != NULL)
    return path;

  path = g_build_filename (media_dir, name, NULL);
  if (g_str_equal (name, "smpte.mp4"))
    vs_test_media_mp4 (path, "smpte");
  else if (g_str_equal (name, "black-intro.mp4"))
    vs_test_media_black_intro (path);
  else if (g_str_equal (name, "ball.webm"))
    vs_test_media_webm (path);
  else if (g_str_equal (name, "audio.mp4"))
    vs_test_media_audio_only (path);
  else if (g_str_equal (name, "hls"))
    vs_test_media_hls (path, 6);
  else if (g_str_equal (name, "long-gop.mp4"))
    {
      /* One key frame, at the start (which is black): no scene-cut key frame either. */
      g_autofree char *desc = g_strdup_printf (
        "concat name=c ! videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast "
        "key-int-max=1000 option-string=scenecut=0 ! h264parse ! mp4mux ! filesink location=\"%s\" "
        "videotestsrc pattern=black num-buffers=25 "
        "! video/x-raw,width=320,height=240,framerate=25/1 ! c. "
        "videotestsrc pattern=smpte num-buffers=125 "
        "! video/x-raw,width=320,height=240,framerate=25/1 ! c.",
        path);

      vs_test_media_run (desc);
    }
  else
    g_assert_not_reached ();
  g_hash_table_insert (made, g_strdup (name), path);
  return path;
}

static char *
uri_for (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  char *uri = g_filename_to_uri (canonical, NULL, NULL);

  g_assert_nonnull (uri);
  return uri;
}

static void
copy_file (const char *source,
           const char *dest)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (source, &data, &length, NULL));
  vs_test_write_file (dest, data, (gssize) length);
}

static guint
file_mode (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static gint64
file_mtime (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (gint64) st.st_mtime;
}

static void
set_mtime (const char *path,
           gint64      mtime)
{
  struct utimbuf times = { (time_t) mtime, (time_t) mtime };

  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

/* By type: G_TEST_OPTION_ISOLATE_DIRS hides shared-mime-info, which gdk-pixbuf's format
 * sniffing needs. */
static GdkPixbuf *
load_png (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", &error);
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  gdk_pixbuf_loader_write (loader, (const guchar *) data, length, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* Variance of the luma, as a second opinion on "not a flat frame". */
static double
luma_variance (GdkPixbuf *pixbuf)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int width = gdk_pixbuf_get_width (pixbuf), height = gdk_pixbuf_get_height (pixbuf);
  double sum = 0, sum_sq = 0, n = (double) width * height;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pixels + y * gdk_pixbuf_get_rowstride (pixbuf) + x * channels;
        double luma = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];

        sum += luma;
        sum_sq += luma * luma;
      }
  return sum_sq / n - (sum / n) * (sum / n);
}

static void
assert_png_size (const char *path,
                 int         width,
                 int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = load_png (path);

  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, height);
}

/* A thumbnail as another program (Nautilus, say) would have written it. */
static void
write_foreign_png (const char *path,
                   const char *uri,
                   gint64      mtime)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 10, 10);
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *mtime_text = g_strdup_printf ("%" G_GINT64_FORMAT, mtime);

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  gdk_pixbuf_save (pixbuf, path, "png", &error, "tEXt::Thumb::URI", uri,
                   "tEXt::Thumb::MTime", mtime_text, "tEXt::Software", "GNOME::ThumbnailFactory",
                   NULL);
  g_assert_no_error (error);
}

static guint
count_entries (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* PNG chunk writing, for files no library would write. */
static guint32
crc32 (const guint8 *data,
       gsize         length,
       guint32       crc)
{
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
  return crc;
}

static void
append_be32 (GByteArray *png,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (png, bytes, 4);
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         length)
{
  guint32 crc = crc32 ((const guint8 *) type, 4, 0xffffffffu);

  crc = crc32 (data, length, crc) ^ 0xffffffffu;
  append_be32 (png, (guint32) length);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, (guint) length);
  append_be32 (png, crc);
}

static GBytes *
zlib_compress (const char *text)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  guint8 out[1024];
  gsize n_read = 0, n_written = 0;
  GConverterResult result;

  result = g_converter_convert (G_CONVERTER (compressor), text, strlen (text), out, sizeof out,
                                G_CONVERTER_INPUT_AT_END, &n_read, &n_written, NULL);
  g_assert_cmpint (result, ==, G_CONVERTER_FINISHED);
  return g_bytes_new (out, n_written);
}

static GByteArray *
png_head (void)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0 };
  GByteArray *png = g_byte_array_new ();

  g_byte_array_append (png, signature, 8);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  return png;
}

static void
png_tail (GByteArray *png)
{
  g_autoptr(GBytes) idat = zlib_compress ("\0\0\0");   /* one filter byte, too short: never read */

  append_chunk (png, "IDAT", g_bytes_get_data (idat, NULL), g_bytes_get_size (idat));
  append_chunk (png, "IEND", NULL, 0);
}

static void
append_text (GByteArray *png,
             const char *type,
             const char *key,
             const char *value,
             gboolean    compressed)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GBytes) packed = compressed ? zlib_compress (value) : NULL;

  g_byte_array_append (data, (const guint8 *) key, (guint) strlen (key) + 1);
  if (g_str_equal (type, "zTXt"))
    g_byte_array_append (data, (const guint8 *) "\0", 1);
  else if (g_str_equal (type, "iTXt"))
    g_byte_array_append (data, (const guint8 *) (compressed ? "\1\0en\0\0" : "\0\0en\0\0"), 6);
  if (packed != NULL)
    g_byte_array_append (data, g_bytes_get_data (packed, NULL), (guint) g_bytes_get_size (packed));
  else
    g_byte_array_append (data, (const guint8 *) value, (guint) strlen (value));
  append_chunk (png, type, data->data, data->len);
}

static gboolean
read_keys_from_bytes (const guint8  *data,
                      gsize          length,
                      char         **uri,
                      gint64        *mtime,
                      GError       **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (data, (gssize) length,
                                                                        NULL);

  vs_test_add_fuzz_seed ("png-keys", data, length);
  return vs_thumbnail_read_keys_from_stream (stream, uri, mtime, error);
}

/* ---- sizes and paths ---------------------------------------------------------------- */

static void
test_size_strings (void)
{
  static const char *names[] = { "normal", "large", "x-large", "xx-large" };
  static const VsThumbnailSize values[] = { VS_THUMBNAIL_SIZE_NORMAL, VS_THUMBNAIL_SIZE_LARGE,
                                            VS_THUMBNAIL_SIZE_X_LARGE,
                                            VS_THUMBNAIL_SIZE_XX_LARGE };
  VsThumbnailSize size = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_cmpstr (vs_thumbnail_size_to_string (values[i]), ==, names[i]);
      g_assert_true (vs_thumbnail_size_from_string (names[i], &size));
      g_assert_cmpint (size, ==, values[i]);
    }
  g_assert_cmpint (VS_THUMBNAIL_SIZE_LARGE, ==, 256);
  g_assert_false (vs_thumbnail_size_from_string ("huge", &size));
  g_assert_false (vs_thumbnail_size_from_string ("Large", &size));
  g_assert_null (vs_thumbnail_size_to_string (300));
}

static void
test_cache_path (void)
{
  /* The example of the Thumbnail Managing Standard. */
  const char *uri = "file:///home/jens/photos/me.png";
  g_autofree char *path = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_NORMAL);
  g_autofree char *large = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_XX_LARGE);
  g_autofree char *fail = vs_thumbnail_fail_path (uri);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "thumbnails", "normal",
                                                "c6ee772d9e49320e97ec29a7eb5b1697.png", NULL);
  g_autofree char *expected_large = g_build_filename (g_get_user_cache_dir (), "thumbnails",
                                                      "xx-large",
                                                      "c6ee772d9e49320e97ec29a7eb5b1697.png",
                                                      NULL);
  g_autofree char *expected_fail = g_build_filename (g_get_user_cache_dir (), "thumbnails",
                                                     "fail", "vidshelf-" PACKAGE_VERSION,
                                                     "c6ee772d9e49320e97ec29a7eb5b1697.png",
                                                     NULL);

  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpstr (large, ==, expected_large);
  g_assert_cmpstr (fail, ==, expected_fail);
  /* Nothing is created by asking. */
  g_assert_cmpint (vs_thumbnail_lookup (uri, 0, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  g_assert_false (g_file_test (fail, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));
}

/* ---- generating --------------------------------------------------------------------- */

static void
test_generate_cache (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *uri = NULL, *expected = NULL, *written = NULL, *looked_up = NULL;
  g_autofree char *mtime = NULL, *size = NULL, *key_uri = NULL;
  g_autofree char *thumbnails = NULL, *large = NULL, *png = NULL;
  const char *path;
  struct stat st;
  gint64 key_mtime = 0;
  gsize png_length = 0;

  if (!vs_test_media_require (mp4_elements))
    return;
  path = media ("smpte.mp4");
  uri = uri_for (path);
  expected = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_LARGE);
  g_assert_cmpint (vs_thumbnail_lookup (uri, file_mtime (path), VS_THUMBNAIL_SIZE_LARGE, NULL),
                   ==, VS_THUMBNAIL_MISSING);

  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_generate (thumbnailer, path, VS_THUMBNAIL_SIZE_LARGE, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, expected);

  /* 640x360 fits the 256 px box as 256x144. */
  pixbuf = load_png (written);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 256);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 144);
  g_assert_cmpfloat (luma_variance (pixbuf), >, 400);

  /* The keys, as any PNG reader sees them. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  mtime = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) st.st_mtime);
  size = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) st.st_size);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::URI"), ==, uri);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::MTime"), ==, mtime);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::Size"), ==, size);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::Mimetype"), ==, "video/mp4");
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::Movie::Length"), ==, "2");
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Software"), ==, "Vidshelf");

  /* And as our chunk reader sees them (a real thumbnail: a fuzzing seed too). */
  g_assert_true (g_file_get_contents (written, &png, &png_length, NULL));
  vs_test_add_fuzz_seed ("png-keys", png, png_length);
  g_assert_true (vs_thumbnail_read_keys (written, &key_uri, &key_mtime, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (key_uri, ==, uri);
  g_assert_cmpint (key_mtime, ==, st.st_mtime);

  /* Private folders and file, nothing left beside it. */
  thumbnails = g_build_filename (g_get_user_cache_dir (), "thumbnails", NULL);
  large = g_build_filename (thumbnails, "large", NULL);
  g_assert_cmpuint (file_mode (thumbnails), ==, 0700);
  g_assert_cmpuint (file_mode (large), ==, 0700);
  g_assert_cmpuint (file_mode (written), ==, 0600);
  g_assert_cmpuint (count_entries (large), ==, 1);

  g_assert_cmpint (vs_thumbnail_lookup (uri, st.st_mtime, VS_THUMBNAIL_SIZE_LARGE, &looked_up),
                   ==, VS_THUMBNAIL_VALID);
  g_assert_cmpstr (looked_up, ==, expected);
  /* Another size is another file. */
  g_assert_cmpint (vs_thumbnail_lookup (uri, st.st_mtime, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);
}

static void
test_generate_sizes (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  static const struct
  {
    VsThumbnailSize size;
    const char     *media;
    int             width, height;
  } cases[] = {
    { VS_THUMBNAIL_SIZE_NORMAL, "smpte.mp4", 128, 72 },
    { VS_THUMBNAIL_SIZE_X_LARGE, "smpte.mp4", 512, 288 },
    { VS_THUMBNAIL_SIZE_XX_LARGE, "smpte.mp4", 640, 360 },        /* never upscaled */
    { VS_THUMBNAIL_SIZE_LARGE, "black-intro.mp4", 256, 192 },
    { VS_THUMBNAIL_SIZE_X_LARGE, "black-intro.mp4", 320, 240 },
  };

  if (!vs_test_media_require (mp4_elements))
    return;
  thumbnailer = vs_thumbnailer_new (0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *written = vs_thumbnailer_generate (thumbnailer, media (cases[i].media),
                                                          cases[i].size, NULL, NULL, &error);

      g_assert_no_error (error);
      assert_png_size (written, cases[i].width, cases[i].height);
      g_assert_true (strstr (written, vs_thumbnail_size_to_string (cases[i].size)) != NULL);
    }
}

/* The first second is black: the thumbnail must not be. */
static void
test_generate_not_uniform (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *written = NULL;

  if (!vs_test_media_require (mp4_elements))
    return;
  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_generate (thumbnailer, media ("black-intro.mp4"),
                                     VS_THUMBNAIL_SIZE_NORMAL, NULL, NULL, &error);
  g_assert_no_error (error);
  pixbuf = load_png (written);
  g_assert_cmpfloat (luma_variance (pixbuf), >, 400);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::Movie::Length"), ==, "3");
}

static void
test_generate_webm (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *written = NULL;

  if (!vs_test_media_require (webm_elements))
    return;
  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_generate (thumbnailer, media ("ball.webm"), VS_THUMBNAIL_SIZE_LARGE,
                                     NULL, NULL, &error);
  g_assert_no_error (error);
  pixbuf = load_png (written);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 256);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 192);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::Mimetype"), ==, "video/webm");
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::Movie::Length"), ==, "2");
}

/* An HLS folder's thumbnail belongs to its playlist, not to a segment. */
static void
test_generate_hls (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *playlist = NULL, *uri = NULL, *segment = NULL, *segment_uri = NULL;
  g_autofree char *written = NULL, *expected = NULL, *segment_thumb = NULL, *size = NULL;
  g_autofree char *mtime = NULL;
  struct stat st;

  if (!vs_test_media_require (hls_elements))
    return;
  playlist = g_build_filename (media ("hls"), "index.m3u8", NULL);
  segment = g_build_filename (media ("hls"), "seg00001.ts", NULL);
  g_assert_true (g_file_test (segment, G_FILE_TEST_IS_REGULAR));
  uri = uri_for (playlist);
  segment_uri = uri_for (segment);
  expected = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_LARGE);
  segment_thumb = vs_thumbnail_path (segment_uri, VS_THUMBNAIL_SIZE_LARGE);

  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_generate (thumbnailer, playlist, VS_THUMBNAIL_SIZE_LARGE, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, expected);
  g_assert_false (g_file_test (segment_thumb, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_stat (playlist, &st), ==, 0);
  size = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) st.st_size);
  mtime = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) st.st_mtime);
  pixbuf = load_png (written);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 256);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 192);
  g_assert_cmpfloat (luma_variance (pixbuf), >, 400);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::URI"), ==, uri);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::Size"), ==, size);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::MTime"), ==, mtime);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::Movie::Length"), ==, "6");
  g_assert_cmpint (vs_thumbnail_lookup (uri, st.st_mtime, VS_THUMBNAIL_SIZE_LARGE, NULL), ==,
                   VS_THUMBNAIL_VALID);
}

/* Byte ranges of one file: read through hlsdemux, stored under the playlist. */
static void
test_generate_hls_byterange (void)
{
  static const char *const elements[] = { "hlsdemux", NULL };
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GString) playlist_text = NULL;
  g_autoptr(GByteArray) joined = NULL;
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *playlist = g_build_filename (dir, "index.m3u8", NULL);
  g_autofree char *all = g_build_filename (dir, "all.ts", NULL);
  g_autofree char *written = NULL, *uri = NULL;

  if (!vs_test_media_require (hls_elements) || !vs_test_media_require (elements))
    {
      vs_test_rm_rf (dir);
      return;
    }
  joined = g_byte_array_new ();
  playlist_text = g_string_new ("#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:2\n");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("seg%05u.ts", i);
      g_autofree char *segment = g_build_filename (media ("hls"), name, NULL);
      g_autofree char *data = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (segment, &data, &length, NULL));
      g_string_append_printf (playlist_text, "#EXTINF:2.0,\n#EXT-X-BYTERANGE:%" G_GSIZE_FORMAT
                              "@%u\nall.ts\n", length, joined->len);
      g_byte_array_append (joined, (const guint8 *) data, (guint) length);
    }
  g_string_append (playlist_text, "#EXT-X-ENDLIST\n");
  vs_test_write_file (all, (const char *) joined->data, joined->len);
  vs_test_write_file (playlist, playlist_text->str, (gssize) playlist_text->len);

  uri = uri_for (playlist);
  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_generate (thumbnailer, playlist, VS_THUMBNAIL_SIZE_NORMAL, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_thumbnail_lookup (uri, file_mtime (playlist), VS_THUMBNAIL_SIZE_NORMAL,
                                        NULL), ==, VS_THUMBNAIL_VALID);
  pixbuf = load_png (written);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 128);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 96);
  g_assert_cmpfloat (luma_variance (pixbuf), >, 400);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::Movie::Length"), ==, "6");
  vs_test_rm_rf (dir);
}

/* With a single key frame, every key-unit seek lands on the black start: the frame
 * search must decode up to the position instead. */
static void
test_generate_long_gop (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *written = NULL;

  if (!vs_test_media_require (mp4_elements))
    return;
  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_generate (thumbnailer, media ("long-gop.mp4"),
                                     VS_THUMBNAIL_SIZE_NORMAL, NULL, NULL, &error);
  g_assert_no_error (error);
  pixbuf = load_png (written);
  g_assert_cmpfloat (luma_variance (pixbuf), >, 400);
}

/* --output writes exactly there, and nothing in the cache. */
static void
test_generate_output (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *output = g_build_filename (dir, "thumb.png", NULL);
  g_autofree char *thumbnails = g_build_filename (g_get_user_cache_dir (), "thumbnails", NULL);
  g_autofree char *written = NULL, *uri = NULL;

  if (!vs_test_media_require (mp4_elements))
    {
      vs_test_rm_rf (dir);
      return;
    }
  vs_test_write_file (output, "not a png", -1);   /* replaced, not appended to */
  uri = uri_for (media ("smpte.mp4"));
  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_generate (thumbnailer, media ("smpte.mp4"), VS_THUMBNAIL_SIZE_NORMAL,
                                     output, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, output);
  pixbuf = load_png (output);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 128);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 72);
  g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::URI"), ==, uri);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_assert_false (g_file_test (thumbnails, G_FILE_TEST_EXISTS));

  /* A folder that does not exist is an error, not a hang or a crash. */
  g_clear_pointer (&written, g_free);
  g_clear_pointer (&output, g_free);
  output = g_build_filename (dir, "missing", "thumb.png", NULL);
  written = vs_thumbnailer_generate (thumbnailer, media ("smpte.mp4"), VS_THUMBNAIL_SIZE_NORMAL,
                                     output, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (written);
  vs_test_rm_rf (dir);
}

/* An output is never the video itself, by any name; an existing one is kept without
 * replace. Checked where the file is renamed into place, whoever asked. */
static void
test_generate_output_guard (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *video = g_build_filename (dir, "v.mp4", NULL);
  g_autofree char *alias = g_build_filename (dir, "alias.mp4", NULL);
  g_autofree char *other = g_build_filename (dir, "other.png", NULL);
  g_autofree char *sum = NULL, *after = NULL, *listing = NULL;
  const char *outputs[] = { video, alias };

  if (!vs_test_media_require (mp4_elements))
    {
      vs_test_rm_rf (dir);
      return;
    }
  copy_file (media ("smpte.mp4"), video);
  g_assert_cmpint (symlink ("v.mp4", alias), ==, 0);
  vs_test_write_file (other, "keep", -1);
  sum = vs_test_file_checksum (video);
  thumbnailer = vs_thumbnailer_new (0);
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *written = vs_thumbnailer_generate_full (thumbnailer, video,
                                                               VS_THUMBNAIL_SIZE_NORMAL,
                                                               outputs[i], TRUE, NULL, &error);

      g_assert_null (written);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_pointer (&after, g_free);
      after = vs_test_file_checksum (video);
      g_assert_cmpstr (after, ==, sum);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *written = vs_thumbnailer_generate_full (thumbnailer, video,
                                                             VS_THUMBNAIL_SIZE_NORMAL, other,
                                                             FALSE, NULL, &error);
    g_autofree char *contents = NULL;

    g_assert_null (written);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_assert_true (g_file_get_contents (other, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "keep");
  }
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "alias.mp4 other.png v.mp4");
  vs_test_rm_rf (dir);
}

/* Several thumbnailers, one per thread, at the same time. */
static gpointer
thread_func (gpointer data)
{
  g_auto(GStrv) paths = data;
  g_autoptr(VsThumbnailer) thumbnailer = vs_thumbnailer_new (0);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *written = vs_thumbnailer_generate (thumbnailer, paths[i],
                                                          VS_THUMBNAIL_SIZE_NORMAL, NULL, NULL,
                                                          &error);

      g_assert_no_error (error);
      assert_png_size (written, 128, 72);
    }
  return NULL;
}

static void
test_generate_threads (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  GThread *threads[4];

  if (!vs_test_media_require (mp4_elements))
    {
      vs_test_rm_rf (dir);
      return;
    }
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      GStrv paths = g_new0 (char *, 3);

      for (guint i = 0; i < 2; i++)
        {
          paths[i] = g_strdup_printf ("%s/copy-%u-%u.mp4", dir, t, i);
          copy_file (media ("smpte.mp4"), paths[i]);
        }
      threads[t] = g_thread_new ("thumbnailer", thread_func, paths);
    }
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_thread_join (threads[t]);
  vs_test_rm_rf (dir);
}

/* ---- failures ----------------------------------------------------------------------- */

static void
assert_fail_marker (const char *path,
                    int         code)
{
  g_autoptr(VsThumbnailer) thumbnailer = vs_thumbnailer_new (0);
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL, *uri = uri_for (path), *fail = vs_thumbnail_fail_path (uri);
  g_autofree char *thumb = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_LARGE);
  g_autofree char *looked_up = NULL, *key_uri = NULL;
  gint64 key_mtime = 0;

  written = vs_thumbnailer_generate (thumbnailer, path, VS_THUMBNAIL_SIZE_LARGE, NULL, NULL,
                                     &error);
  g_assert_error (error, VS_THUMBNAILER_ERROR, code);
  g_assert_null (written);
  g_assert_false (g_file_test (thumb, G_FILE_TEST_EXISTS));

  g_assert_true (g_file_test (fail, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (file_mode (fail), ==, 0600);
  g_assert_true (vs_thumbnail_read_keys (fail, &key_uri, &key_mtime, NULL));
  g_assert_cmpstr (key_uri, ==, uri);
  g_assert_cmpint (key_mtime, ==, file_mtime (path));
  g_assert_cmpint (vs_thumbnail_lookup (uri, file_mtime (path), VS_THUMBNAIL_SIZE_LARGE,
                                        &looked_up), ==, VS_THUMBNAIL_FAILED);
  g_assert_cmpstr (looked_up, ==, fail);

  /* The file changed since: try again. */
  set_mtime (path, file_mtime (path) - 100);
  g_assert_cmpint (vs_thumbnail_lookup (uri, file_mtime (path), VS_THUMBNAIL_SIZE_LARGE, NULL),
                   ==, VS_THUMBNAIL_MISSING);
}

static void
test_fail_random (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "garbage.mp4", NULL);

  vs_test_media_random (path, 64 * 1024);
  assert_fail_marker (path, VS_THUMBNAILER_ERROR_NOT_MEDIA);
  vs_test_rm_rf (dir);
}

static void
test_fail_empty (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "empty.mp4", NULL);

  vs_test_write_file (path, "", 0);
  assert_fail_marker (path, VS_THUMBNAILER_ERROR_NOT_MEDIA);
  vs_test_rm_rf (dir);
}

static void
test_fail_truncated (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cut.mp4", NULL);

  if (vs_test_media_require (mp4_elements))
    {
      /* mp4mux writes the index last: without it there is nothing to decode. */
      vs_test_media_truncate (media ("smpte.mp4"), path, 40);
      assert_fail_marker (path, VS_THUMBNAILER_ERROR_NOT_MEDIA);
    }
  vs_test_rm_rf (dir);
}

static void
test_fail_audio_only (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "audio.mp4", NULL);

  if (vs_test_media_require (mp4_elements))
    {
      copy_file (media ("audio.mp4"), path);
      assert_fail_marker (path, VS_THUMBNAILER_ERROR_NO_VIDEO);
    }
  vs_test_rm_rf (dir);
}

static void
test_fail_bad_playlist (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = NULL;

  /* Segments that are not video: "G@segment" in each. */
  vs_test_make_hls (dir, "index.m3u8", 3, "2.0", TRUE);
  path = g_build_filename (dir, "index.m3u8", NULL);
  assert_fail_marker (path, VS_THUMBNAILER_ERROR_NOT_MEDIA);
  vs_test_rm_rf (dir);
}

/* A success makes the old fail marker go. */
static void
test_fail_cleared (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "later.mp4", NULL);
  g_autofree char *uri = NULL, *fail = NULL, *written = NULL;

  if (!vs_test_media_require (mp4_elements))
    {
      vs_test_rm_rf (dir);
      return;
    }
  uri = uri_for (path);
  fail = vs_thumbnail_fail_path (uri);
  thumbnailer = vs_thumbnailer_new (0);
  vs_test_write_file (path, "partial download", -1);
  set_mtime (path, 1000000000);
  written = vs_thumbnailer_generate (thumbnailer, path, VS_THUMBNAIL_SIZE_LARGE, NULL, NULL,
                                     &error);
  g_assert_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA);
  g_assert_true (g_file_test (fail, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  copy_file (media ("smpte.mp4"), path);
  g_assert_cmpint (vs_thumbnail_lookup (uri, file_mtime (path), VS_THUMBNAIL_SIZE_LARGE, NULL),
                   ==, VS_THUMBNAIL_MISSING);
  written = vs_thumbnailer_generate (thumbnailer, path, VS_THUMBNAIL_SIZE_LARGE, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (fail, G_FILE_TEST_EXISTS));
  g_assert_cmpint (vs_thumbnail_lookup (uri, file_mtime (path), VS_THUMBNAIL_SIZE_LARGE, NULL),
                   ==, VS_THUMBNAIL_VALID);
  vs_test_rm_rf (dir);
}

/* For the media helper that crashed or was killed. */
static void
test_fail_write_failure (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "hangs.mp4", NULL);
  g_autofree char *uri = NULL, *fail = NULL;
  g_autoptr(GdkPixbuf) marker = NULL;
  g_autoptr(GError) error = NULL;

  vs_test_write_file (path, "whatever", -1);
  uri = uri_for (path);
  fail = vs_thumbnail_fail_path (uri);
  g_assert_true (vs_thumbnail_write_failure (path, "The helper was killed after 15 s", &error));
  g_assert_no_error (error);
  g_assert_cmpint (vs_thumbnail_lookup (uri, file_mtime (path), VS_THUMBNAIL_SIZE_NORMAL, NULL),
                   ==, VS_THUMBNAIL_FAILED);
  marker = load_png (fail);
  g_assert_cmpstr (gdk_pixbuf_get_option (marker, "tEXt::Thumb::URI"), ==, uri);
  g_assert_cmpstr (gdk_pixbuf_get_option (marker, "tEXt::Description"), ==,
                   "The helper was killed after 15 s");

  g_assert_false (vs_thumbnail_write_failure ("/nonexistent/x.mp4", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  vs_test_rm_rf (dir);
}

/* Not being able to open a file says nothing about its content: no fail marker. */
static void
test_fail_not_a_file (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = vs_thumbnailer_new (0);
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "folder.mp4", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.mp4", NULL);
  g_autofree char *fail_dir = g_build_filename (g_get_user_cache_dir (), "thumbnails", "fail",
                                                NULL);
  g_autoptr(GError) error = NULL;
  char *written;

  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  written = vs_thumbnailer_generate (thumbnailer, folder, VS_THUMBNAIL_SIZE_LARGE, NULL, NULL,
                                     &error);
  g_assert_null (written);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);

  written = vs_thumbnailer_generate (thumbnailer, missing, VS_THUMBNAIL_SIZE_LARGE, NULL, NULL,
                                     &error);
  g_assert_null (written);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (fail_dir, G_FILE_TEST_EXISTS));
  vs_test_rm_rf (dir);
}

/* A missing plugin is not the file's fault: FAILED, and no fail marker, so installing
 * the plugin is enough. Run in a subprocess, where qtdemux can be hidden before
 * GStreamer starts. */
static void
test_fail_missing_plugin (void)
{
  g_test_trap_subprocess ("/thumbnailer/fail/missing-plugin/subprocess", 0,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_fail_missing_plugin_subprocess (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL, *uri = NULL, *fail = NULL;

  g_setenv ("GST_PLUGIN_FEATURE_RANK", "qtdemux:NONE", TRUE);
  if (!vs_test_media_require (mp4_elements))
    return;
  uri = uri_for (media ("smpte.mp4"));
  fail = vs_thumbnail_fail_path (uri);
  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_generate (thumbnailer, media ("smpte.mp4"), VS_THUMBNAIL_SIZE_LARGE,
                                     NULL, NULL, &error);
  g_assert_null (written);
  g_assert_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_FAILED);
  g_assert_false (g_file_test (fail, G_FILE_TEST_EXISTS));
}

/* ---- lookup and the key reader ------------------------------------------------------ */

/* A thumbnail another program made is reused as it is. */
static void
test_lookup_foreign (void)
{
  const char *uri = "file:///videos/holiday.mp4";
  g_autofree char *path = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_LARGE);
  g_autofree char *looked_up = NULL;

  write_foreign_png (path, uri, 1700000000);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 1700000000, VS_THUMBNAIL_SIZE_LARGE, &looked_up),
                   ==, VS_THUMBNAIL_VALID);
  g_assert_cmpstr (looked_up, ==, path);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 1700000001, VS_THUMBNAIL_SIZE_LARGE, NULL), ==,
                   VS_THUMBNAIL_STALE);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 1700000000, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);

  /* The right file name with another file's URI inside is no match either. */
  write_foreign_png (path, "file:///videos/other.mp4", 1700000000);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 1700000000, VS_THUMBNAIL_SIZE_LARGE, NULL), ==,
                   VS_THUMBNAIL_STALE);
}

/* An old thumbnail is reported stale, then replaced. */
static void
test_lookup_stale (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "edited.mp4", NULL);
  g_autofree char *uri = NULL, *thumb = NULL, *written = NULL;

  if (!vs_test_media_require (mp4_elements))
    {
      vs_test_rm_rf (dir);
      return;
    }
  copy_file (media ("smpte.mp4"), path);
  uri = uri_for (path);
  thumb = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_LARGE);
  write_foreign_png (thumb, uri, file_mtime (path) - 3600);
  g_assert_cmpint (vs_thumbnail_lookup (uri, file_mtime (path), VS_THUMBNAIL_SIZE_LARGE, NULL),
                   ==, VS_THUMBNAIL_STALE);

  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_generate (thumbnailer, path, VS_THUMBNAIL_SIZE_LARGE, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, thumb);
  assert_png_size (thumb, 256, 144);
  g_assert_cmpint (vs_thumbnail_lookup (uri, file_mtime (path), VS_THUMBNAIL_SIZE_LARGE, NULL),
                   ==, VS_THUMBNAIL_VALID);
  vs_test_rm_rf (dir);
}

/* Broken files are errors (and MISSING for lookup), never crashes; the reader stops at
 * the image data. */
static void
test_lookup_corrupt (void)
{
  const char *uri = "file:///videos/broken.mp4";
  g_autofree char *path = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_NORMAL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0, idat = 0;

  write_foreign_png (path, uri, 42);
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  for (gsize i = 8; i + 8 <= length; i++)
    if (memcmp (data + i + 4, "IDAT", 4) == 0)
      {
        idat = i;
        break;
      }
  g_assert_cmpuint (idat, >, 0);

  /* Every cut before the image data's header. */
  for (gsize cut = 0; cut < idat + 8; cut++)
    {
      g_autofree char *key_uri = NULL;

      g_assert_false (read_keys_from_bytes ((const guint8 *) data, cut, &key_uri, NULL, &error));
      g_assert_nonnull (error);
      g_assert_null (key_uri);
      g_clear_error (&error);
    }
  vs_test_write_file (path, data, (gssize) (idat / 2));
  g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);

  /* Cut inside the pixels: the keys are still read, the image is never looked at. */
  vs_test_write_file (path, data, (gssize) (idat + 10));
  g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_VALID);

  /* One bit flipped in the URI: the CRC catches it. */
  {
    char *hit = NULL;

    for (gsize i = 0; hit == NULL && i + 6 <= length; i++)
      if (memcmp (data + i, "broken", 6) == 0)
        hit = data + i;
    g_assert_nonnull (hit);
    hit[0] ^= 0x20;
    vs_test_write_file (path, data, (gssize) length);
    g_assert_false (vs_thumbnail_read_keys (path, NULL, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_clear_error (&error);
    g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                     VS_THUMBNAIL_MISSING);
  }

  /* Random bytes, an empty file, and a folder where the file should be. */
  vs_test_media_random (path, 4096);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  vs_test_write_file (path, "", 0);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  g_assert_false (vs_thumbnail_read_keys (path, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
}

/* Chunks no library writes by default: compressed and international text, lying
 * lengths, huge chunks. */
static void
test_read_keys_chunks (void)
{
  g_autoptr(GByteArray) png = png_head ();
  g_autoptr(GByteArray) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  gint64 mtime = 0;
  gboolean ok;

  append_text (png, "tEXt", "Comment", "made by hand", FALSE);
  append_text (png, "zTXt", "Thumb::URI", "file:///v/z%C3%A9.mp4", TRUE);
  append_text (png, "iTXt", "Thumb::MTime", "1234567890", TRUE);
  append_text (png, "tEXt", "Thumb::URI", "file:///second/wins/not", FALSE);
  png_tail (png);
  g_assert_true (read_keys_from_bytes (png->data, png->len, &uri, &mtime, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (uri, ==, "file:///v/z%C3%A9.mp4");
  g_assert_cmpint (mtime, ==, 1234567890);
  g_clear_pointer (&uri, g_free);

  /* Uncompressed iTXt, and a Latin-1 tEXt value comes back as UTF-8. */
  g_byte_array_unref (png);
  png = png_head ();
  append_text (png, "tEXt", "Thumb::URI", "file:///caf\xe9", FALSE);
  append_text (png, "iTXt", "Thumb::MTime", "77", FALSE);
  png_tail (png);
  g_assert_true (read_keys_from_bytes (png->data, png->len, &uri, &mtime, &error));
  g_assert_cmpstr (uri, ==, "file:///caf\xc3\xa9");
  g_assert_cmpint (mtime, ==, 77);
  g_clear_pointer (&uri, g_free);

  /* No keys at all, or an MTime that is not a number: read, but absent. */
  g_byte_array_unref (png);
  png = png_head ();
  append_text (png, "tEXt", "Thumb::MTime", "12abc", FALSE);
  png_tail (png);
  g_assert_true (read_keys_from_bytes (png->data, png->len, &uri, &mtime, &error));
  g_assert_null (uri);
  g_assert_cmpint (mtime, ==, -1);

  /* Text after the image data is not looked for. */
  g_byte_array_unref (png);
  png = png_head ();
  png_tail (png);
  g_byte_array_set_size (png, png->len - 12);   /* drop IEND */
  append_text (png, "tEXt", "Thumb::URI", "file:///late", FALSE);
  append_chunk (png, "IEND", NULL, 0);
  g_assert_true (read_keys_from_bytes (png->data, png->len, &uri, NULL, &error));
  g_assert_null (uri);

  /* A chunk claiming 2 GiB, one over the 31-bit limit, a bad type, no IHDR first, and
   * IEND without image data. */
  bad = png_head ();
  append_be32 (bad, 0x7fffffff);
  g_byte_array_append (bad, (const guint8 *) "tEXtThumb::URI", 14);
  g_assert_false (read_keys_from_bytes (bad->data, bad->len, &uri, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_byte_array_unref (bad);
  bad = png_head ();
  append_be32 (bad, 0x80000000u);
  g_byte_array_append (bad, (const guint8 *) "tEXt", 4);
  g_assert_false (read_keys_from_bytes (bad->data, bad->len, &uri, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_byte_array_set_size (bad, 33);   /* just after IHDR */
  append_chunk (bad, "t3Xt", (const guint8 *) "a\0b", 3);
  g_assert_false (read_keys_from_bytes (bad->data, bad->len, &uri, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_byte_array_set_size (bad, 8);
  append_text (bad, "tEXt", "Thumb::URI", "file:///x", FALSE);
  png_tail (bad);
  g_assert_false (read_keys_from_bytes (bad->data, bad->len, &uri, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_byte_array_unref (bad);
  bad = png_head ();
  append_chunk (bad, "IEND", NULL, 0);
  g_assert_false (read_keys_from_bytes (bad->data, bad->len, &uri, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* A broken zlib stream in a zTXt: the key is unreadable, the file is not. */
  g_byte_array_unref (bad);
  bad = png_head ();
  {
    static const char broken[] = "Thumb::URI\0\0\x78\x9c garbage";

    append_chunk (bad, "zTXt", (const guint8 *) broken, sizeof broken - 1);
  }
  png_tail (bad);
  ok = read_keys_from_bytes (bad->data, bad->len, &uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_null (uri);
}

/* A 1-bit grey PNG of @side × @side zeros with @uri's keys: a few kilobytes on disk that
 * gdk-pixbuf would decode to side² × 3 bytes (768 MB for 16000) before scaling. */
static GByteArray *
huge_png (guint32     side,
          const char *uri,
          gint64      mtime)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GByteArray) idat = g_byte_array_new ();
  g_autofree char *mtime_text = g_strdup_printf ("%" G_GINT64_FORMAT, mtime);
  gsize row = 1 + (side + 7) / 8, left = row * side;
  g_autofree guint8 *zeros = g_malloc0 (64 * 1024);
  guint8 out[64 * 1024];
  GByteArray *png = g_byte_array_new ();
  guint8 ihdr[13] = { side >> 24, side >> 16, side >> 8, side, side >> 24, side >> 16,
                      side >> 8, side, 1, 0, 0, 0, 0 };

  for (;;)
    {
      gsize n_read = 0, n_written = 0, chunk = MIN (left, 64 * 1024);
      GConverterResult result;

      result = g_converter_convert (G_CONVERTER (compressor), zeros, chunk, out, sizeof out,
                                    chunk == left ? G_CONVERTER_INPUT_AT_END : 0, &n_read,
                                    &n_written, NULL);
      g_assert_cmpint (result, !=, G_CONVERTER_ERROR);
      g_byte_array_append (idat, out, (guint) n_written);
      left -= n_read;
      if (result == G_CONVERTER_FINISHED)
        break;
    }
  g_byte_array_append (png, signature, 8);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_text (png, "tEXt", "Thumb::URI", uri, FALSE);
  append_text (png, "tEXt", "Thumb::MTime", mtime_text, FALSE);
  append_chunk (png, "IDAT", idat->data, idat->len);
  append_chunk (png, "IEND", NULL, 0);
  return png;
}

/* What another program put in the shared cache is read header first: an image above the
 * spec's 1024 px, a file above 16 MiB or a FIFO is no thumbnail (MISSING: ours replaces
 * it), even with keys that match. */
static void
test_lookup_hostile (void)
{
  const char *uri = "file:///videos/hostile.mp4";
  g_autofree char *path = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_LARGE);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GByteArray) png = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  int width = 0, height = 0;
  int fd;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);

  /* The largest size is still a thumbnail. */
  png = huge_png (1024, uri, 42);
  vs_test_write_file (path, (const char *) png->data, png->len);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_LARGE, NULL), ==,
                   VS_THUMBNAIL_VALID);
  stream = vs_thumbnail_open (path, &width, &height, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stream);
  g_assert_cmpint (width, ==, 1024);
  g_assert_cmpint (height, ==, 1024);
  g_clear_object (&stream);
  g_byte_array_unref (png);

  /* 16000 × 16000, as found by the audit: refused from its header. */
  png = huge_png (16000, uri, 42);
  g_test_message ("a 16000 px PNG of zeros: %u bytes", png->len);
  vs_test_add_fuzz_seed ("png-keys", png->data, png->len);
  vs_test_write_file (path, (const char *) png->data, png->len);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_LARGE, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  stream = vs_thumbnail_open (path, &width, &height, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (stream);
  g_clear_error (&error);
  g_byte_array_unref (png);

  /* A small image in a file grown (sparse) past the bound. */
  png = huge_png (16, uri, 42);
  vs_test_write_file (path, (const char *) png->data, png->len);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_LARGE, NULL), ==,
                   VS_THUMBNAIL_VALID);
  g_assert_cmpint (truncate (path, VS_THUMBNAIL_MAX_FILE_SIZE + 1), ==, 0);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_LARGE, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  stream = vs_thumbnail_open (path, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* A FIFO: refused at once, never waited on (a blocking open would hang here forever,
   * with no writer). */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  g_assert_cmpint (vs_thumbnail_lookup (uri, 42, VS_THUMBNAIL_SIZE_LARGE, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  stream = vs_thumbnail_open (path, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_assert_null (stream);
  /* Nothing else opened it meanwhile: the FIFO still has no reader or writer. */
  fd = g_open (path, O_WRONLY | O_NONBLOCK, 0);
  g_assert_cmpint (fd, ==, -1);
  g_assert_cmpint (errno, ==, ENXIO);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* ---- the host's cache under Flatpak, the shared repository ---------------------------- */

static void
test_cache_dir_flatpak (void)
{
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("running inside Flatpak");
      return;
    }
  g_test_trap_subprocess ("/thumbnailer/cache/flatpak/subprocess", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_cache_dir_flatpak_subprocess (void)
{
  const char *uri = "file:///videos/a.mp4";
  g_autofree char *outside = NULL, *host = NULL, *home = NULL, *path = NULL, *fail = NULL;
  g_autofree char *expected_home = g_build_filename (g_get_home_dir (), ".cache", NULL);

  g_unsetenv ("FLATPAK_ID");
  outside = vs_thumbnail_cache_dir ();
  g_assert_cmpstr (outside, ==, g_get_user_cache_dir ());

  /* Inside the sandbox XDG_CACHE_HOME is the app's own: the host's is used. */
  g_setenv ("FLATPAK_ID", "io.github.vidshelf.Vidshelf", TRUE);
  g_setenv ("HOST_XDG_CACHE_HOME", "/host/cache", TRUE);
  host = vs_thumbnail_cache_dir ();
  g_assert_cmpstr (host, ==, "/host/cache");
  path = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_NORMAL);
  g_assert_true (g_str_has_prefix (path, "/host/cache/thumbnails/normal/"));
  fail = vs_thumbnail_fail_path (uri);
  g_assert_true (g_str_has_prefix (fail, "/host/cache/thumbnails/fail/vidshelf-"));
  /* The host set none: its default, ~/.cache. */
  g_unsetenv ("HOST_XDG_CACHE_HOME");
  home = vs_thumbnail_cache_dir ();
  g_assert_cmpstr (home, ==, expected_home);
}

static void
test_shared_paths (void)
{
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, "My Film.mp4", -1);
  g_autofree char *expected = g_strconcat ("/nas/films/.sh_thumbnails/large/", md5, ".png", NULL);
  g_autofree char *path = vs_thumbnail_shared_path ("/nas/films/My Film.mp4",
                                                    VS_THUMBNAIL_SIZE_LARGE);
  g_autofree char *dir = vs_thumbnail_shared_dir ("/nas/films/My Film.mp4");
  g_autofree char *uri = vs_thumbnail_shared_uri ("/nas/films/My Film.mp4");

  /* the spec's rule: the MD5 of the file's name alone, not of its absolute URI */
  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpstr (dir, ==, "/nas/films/.sh_thumbnails");
  g_assert_cmpstr (uri, ==, "My Film.mp4");
  /* a name that is not UTF-8 cannot be written as Thumb::URI: not shared */
  g_assert_null (vs_thumbnail_shared_uri ("/nas/films/caf\xe9.mp4"));
  g_assert_null (vs_thumbnail_shared_path ("/nas/films/caf\xe9.mp4", VS_THUMBNAIL_SIZE_NORMAL));
}

static char *
read_text_key (const char *png_path,
               const char *key)
{
  g_autoptr(GdkPixbuf) pixbuf = load_png (png_path);
  g_autofree char *option = g_strconcat ("tEXt::", key, NULL);
  const char *value = gdk_pixbuf_get_option (pixbuf, option);

  return g_strdup (value);
}

/* A personal thumbnail copied to the share: the file's name as its URI (the file name of
 * the PNG its MD5), the same MTime, the video's permissions, the folder's for the
 * repository; found there; another program's never replaced nor deleted; a rename moves
 * ours. */
static void
test_shared_share (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *video = g_build_filename (dir, "clip \xc3\xa9t\xc3\xa9.mp4", NULL);
  g_autofree char *renamed = g_build_filename (dir, "renamed.mp4", NULL);
  g_autofree char *shared_dir = g_build_filename (dir, ".sh_thumbnails", NULL);
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *personal = NULL, *shared = NULL, *found = NULL, *key_uri = NULL;
  g_autofree char *key_mtime = NULL, *mtime = NULL, *moved = NULL, *moved_uri = NULL;
  g_autofree char *foreign_before = NULL, *foreign_after = NULL;
  gsize length;

  if (!vs_test_media_require (mp4_elements))
    return;
  copy_file (media ("smpte.mp4"), video);
  g_assert_cmpint (g_chmod (video, 0640), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0750), ==, 0);
  thumbnailer = vs_thumbnailer_new (0);
  personal = vs_thumbnailer_generate (thumbnailer, video, VS_THUMBNAIL_SIZE_NORMAL, NULL, NULL,
                                      &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (shared_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpint (vs_thumbnail_lookup_shared (video, file_mtime (video), VS_THUMBNAIL_SIZE_NORMAL,
                                               NULL), ==, VS_THUMBNAIL_MISSING);

  g_assert_true (vs_thumbnail_share (video, personal, VS_THUMBNAIL_SIZE_NORMAL, &error));
  g_assert_no_error (error);
  shared = vs_thumbnail_shared_path (video, VS_THUMBNAIL_SIZE_NORMAL);
  g_assert_cmpint (vs_thumbnail_lookup_shared (video, file_mtime (video), VS_THUMBNAIL_SIZE_NORMAL,
                                               &found), ==, VS_THUMBNAIL_VALID);
  g_assert_cmpstr (found, ==, shared);
  /* a non-ASCII name is kept whole (an iTXt chunk: tEXt is Latin-1) */
  key_uri = read_text_key (shared, "Thumb::URI");
  g_assert_cmpstr (key_uri, ==, "clip \xc3\xa9t\xc3\xa9.mp4");
  key_mtime = read_text_key (shared, "Thumb::MTime");
  mtime = g_strdup_printf ("%" G_GINT64_FORMAT, file_mtime (video));
  g_assert_cmpstr (key_mtime, ==, mtime);
  g_assert_cmpuint (file_mode (shared), ==, 0640);
  g_assert_cmpuint (file_mode (shared_dir), ==, 0750);
  /* the file changed: the shared one is stale */
  g_assert_cmpint (vs_thumbnail_lookup_shared (video, file_mtime (video) + 1,
                                               VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_STALE);

  /* a rename takes ours along, named anew */
  g_assert_cmpint (g_rename (video, renamed), ==, 0);
  g_assert_cmpuint (vs_thumbnail_move_shared (video, renamed), ==, 1);
  g_assert_false (g_file_test (shared, G_FILE_TEST_EXISTS));
  moved = vs_thumbnail_shared_path (renamed, VS_THUMBNAIL_SIZE_NORMAL);
  moved_uri = read_text_key (moved, "Thumb::URI");
  g_assert_cmpstr (moved_uri, ==, "renamed.mp4");
  g_assert_cmpint (vs_thumbnail_lookup_shared (renamed, file_mtime (renamed),
                                               VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_VALID);
  g_assert_cmpuint (vs_thumbnail_delete_own_shared (renamed), ==, 1);
  g_assert_false (g_file_test (moved, G_FILE_TEST_EXISTS));

  /* another program's (the later draft's "./" form): used, never replaced nor deleted */
  write_foreign_png (moved, "./renamed.mp4", file_mtime (renamed));
  g_assert_true (g_file_get_contents (moved, &foreign_before, &length, NULL));
  g_assert_cmpint (vs_thumbnail_lookup_shared (renamed, file_mtime (renamed),
                                               VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_VALID);
  g_assert_false (vs_thumbnail_share (renamed, personal, VS_THUMBNAIL_SIZE_NORMAL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (vs_thumbnail_delete_own_shared (renamed), ==, 0);
  g_assert_true (g_file_get_contents (moved, &foreign_after, &length, NULL));
  g_assert_cmpstr (foreign_after, ==, foreign_before);
  vs_test_rm_rf (dir);
}

/* What someone put in a share is read as vs_thumbnail_open() reads the personal cache, one
 * folder at a time, no link followed: a huge IHDR, a FIFO, a link to a good thumbnail
 * elsewhere, a .sh_thumbnails that is a link are no thumbnail (MISSING), and a share
 * never writes through them. */
static void
test_shared_hostile (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *video = g_build_filename (dir, "lib", "film.mp4", NULL);
  g_autofree char *elsewhere = g_build_filename (dir, "elsewhere", NULL);
  g_autofree char *outside = g_build_filename (elsewhere, "normal", "good.png", NULL);
  g_autofree char *shared_dir = NULL, *png = NULL, *personal = NULL;
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(GByteArray) huge = NULL;
  g_autoptr(GError) error = NULL;
  gint64 mtime;

  vs_test_write_file (video, "x", 1);
  mtime = file_mtime (video);
  shared_dir = vs_thumbnail_shared_dir (video);
  png = vs_thumbnail_shared_path (video, VS_THUMBNAIL_SIZE_NORMAL);
  personal = g_build_filename (dir, "personal.png", NULL);
  write_foreign_png (personal, "file:///whatever", mtime);

  /* a 16000 px IHDR with matching keys */
  huge = huge_png (16000, "film.mp4", mtime);
  vs_test_write_file (png, (const char *) huge->data, huge->len);
  g_assert_cmpint (vs_thumbnail_lookup_shared (video, mtime, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  /* the wrong file's */
  write_foreign_png (png, "other.mp4", mtime);
  g_assert_cmpint (vs_thumbnail_lookup_shared (video, mtime, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_STALE);
  /* a FIFO: not waited on */
  g_assert_cmpint (g_unlink (png), ==, 0);
  g_assert_cmpint (mkfifo (png, 0600), ==, 0);
  g_assert_cmpint (vs_thumbnail_lookup_shared (video, mtime, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  g_assert_false (vs_thumbnail_share (video, personal, VS_THUMBNAIL_SIZE_NORMAL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));
  /* a link to a good thumbnail out of the folder */
  g_assert_cmpint (g_unlink (png), ==, 0);
  write_foreign_png (outside, "film.mp4", mtime);
  g_assert_cmpint (symlink (outside, png), ==, 0);
  g_assert_cmpint (vs_thumbnail_lookup_shared (video, mtime, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  g_assert_false (vs_thumbnail_share (video, personal, VS_THUMBNAIL_SIZE_NORMAL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  /* .sh_thumbnails itself a link out of the folder */
  vs_test_rm_rf (shared_dir);
  g_assert_cmpint (symlink (elsewhere, shared_dir), ==, 0);
  g_assert_cmpint (vs_thumbnail_lookup_shared (video, mtime, VS_THUMBNAIL_SIZE_NORMAL, NULL), ==,
                   VS_THUMBNAIL_MISSING);
  before = vs_test_folder_digest (elsewhere);
  g_assert_false (vs_thumbnail_share (video, personal, VS_THUMBNAIL_SIZE_NORMAL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  after = vs_test_folder_digest (elsewhere);
  g_assert_cmpstr (after, ==, before);
  vs_test_rm_rf (dir);
}

/* ---- temporary files ---------------------------------------------------------------- */

static void
write_aged (const char *path,
            gint64      age_s)
{
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  vs_test_write_file (path, "partial", -1);
  set_mtime (path, g_get_real_time () / G_USEC_PER_SEC - age_s);
}

/* Stale temporary files of ours (older than the bound) go, in every size folder and the
 * fail folder; fresh ones (perhaps being written) stay, and so does everything of other
 * programs, GNOME's "<md5>.png.XXXXXX" included. */
static void
test_temp_sweep (void)
{
  const char *uri = "file:///videos/left-behind.mp4";
  g_autofree char *large = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_LARGE);
  g_autofree char *normal = vs_thumbnail_path (uri, VS_THUMBNAIL_SIZE_NORMAL);
  g_autofree char *fail = vs_thumbnail_fail_path (uri);
  g_autofree char *large_folder = g_path_get_dirname (large);
  g_autofree char *fail_folder = g_path_get_dirname (fail);
  g_autofree char *stale = g_strconcat (large, ".vidshelf-4242-Ab12Cd", NULL);
  g_autofree char *stale_normal = g_strconcat (normal, ".vidshelf-7-x_9Zq0", NULL);
  g_autofree char *stale_fail = g_strconcat (fail, ".vidshelf-4243-QQQQQQ", NULL);
  g_autofree char *fresh = g_strconcat (large, ".vidshelf-4244-Ab12Cd", NULL);
  g_autofree char *gnome = g_strconcat (large, ".Ab12Cd", NULL);
  g_autofree char *lookalike = g_strconcat (large, ".vidshelf-4245-toolong", NULL);
  g_autofree char *folder_like = g_strconcat (large, ".vidshelf-4246-Ab12Cd", NULL);
  g_autofree char *strip = vs_filmstrip_path (uri);
  g_autofree char *stale_strip = g_strconcat (strip, ".vidshelf-4247-Zz09Yy", NULL);
  g_autofree char *before = NULL, *after = NULL;

  write_aged (stale_strip, 7200);
  write_aged (strip, 7200);
  write_aged (large, 7200);
  write_aged (stale, 7200);
  write_aged (stale_normal, 3 * 3600);
  write_aged (stale_fail, 7200);
  write_aged (fresh, 60);
  write_aged (gnome, 7200);
  write_aged (lookalike, 7200);
  g_assert_cmpint (g_mkdir (folder_like, 0700), ==, 0);
  set_mtime (folder_like, g_get_real_time () / G_USEC_PER_SEC - 7200);
  before = vs_test_list_folder (large_folder);
  g_test_message ("before the sweep: %s", before);

  g_assert_cmpuint (vs_thumbnail_sweep_temp_files (G_TIME_SPAN_HOUR), ==, 4);
  g_assert_false (g_file_test (stale_strip, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (strip, G_FILE_TEST_IS_REGULAR));
  after = vs_test_list_folder (large_folder);
  g_test_message ("after the sweep: %s", after);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (stale_normal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (stale_fail, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fail_folder, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (large, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (gnome, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (lookalike, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (folder_like, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (vs_thumbnail_sweep_temp_files (G_TIME_SPAN_HOUR), ==, 0);

  /* One process's files, of any age (its helper was just killed): only that pid's. */
  write_aged (stale, 0);
  g_assert_cmpuint (vs_thumbnail_remove_temp_files (large_folder, 4244, 0), ==, 1);
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (stale, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (gnome, G_FILE_TEST_IS_REGULAR));
}

/* Written through "<md5>.png.vidshelf-<pid>-XXXXXX", renamed: nothing else stays; a write
 * that fails removes its temporary file. */
static void
test_temp_named (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *output = g_build_filename (dir, "thumb.png", NULL);
  g_autofree char *written = NULL, *listing = NULL;

  if (!vs_test_media_require (mp4_elements))
    {
      vs_test_rm_rf (dir);
      return;
    }
  thumbnailer = vs_thumbnailer_new (0);
  written = vs_thumbnailer_generate (thumbnailer, media ("smpte.mp4"), VS_THUMBNAIL_SIZE_NORMAL,
                                     output, NULL, &error);
  g_assert_no_error (error);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "thumb.png");

  /* A folder in the way of the rename: the temporary file goes with the error. */
  g_assert_cmpint (g_unlink (output), ==, 0);
  g_assert_cmpint (g_mkdir (output, 0700), ==, 0);
  g_clear_pointer (&written, g_free);
  written = vs_thumbnailer_generate (thumbnailer, media ("smpte.mp4"), VS_THUMBNAIL_SIZE_NORMAL,
                                     output, NULL, &error);
  g_assert_null (written);
  g_assert_nonnull (error);
  g_clear_pointer (&listing, g_free);
  listing = vs_test_list_folder (dir);
  g_assert_cmpstr (listing, ==, "thumb.png");
  vs_test_rm_rf (dir);
}

/* ---- time limit and cancellation ---------------------------------------------------- */

/* filesrc would block in open(2) on a FIFO forever. */
static void
test_timeout_fifo (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = vs_thumbnailer_new (2000);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "x.mp4", NULL);
  g_autofree char *uri = NULL, *fail = NULL, *written = NULL;
  gint64 start;

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  uri = uri_for (path);
  fail = vs_thumbnail_fail_path (uri);
  start = g_get_monotonic_time ();
  written = vs_thumbnailer_generate (thumbnailer, path, VS_THUMBNAIL_SIZE_LARGE, NULL, NULL,
                                     &error);
  g_assert_null (written);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_false (g_file_test (fail, G_FILE_TEST_EXISTS));
  vs_test_rm_rf (dir);
}

/* A file that takes longer than the limit fails with TIMEOUT, and that is remembered. */
static void
test_timeout_limit (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "slow.mp4", NULL);
  g_autofree char *uri = NULL, *written = NULL;
  gint64 start;

  if (!vs_test_media_require (mp4_elements))
    {
      vs_test_rm_rf (dir);
      return;
    }
  copy_file (media ("smpte.mp4"), path);
  uri = uri_for (path);
  thumbnailer = vs_thumbnailer_new (1);   /* 1 ms: less than any pipeline needs to preroll */
  start = g_get_monotonic_time ();
  written = vs_thumbnailer_generate (thumbnailer, path, VS_THUMBNAIL_SIZE_LARGE, NULL, NULL,
                                     &error);
  g_assert_null (written);
  g_assert_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (vs_thumbnail_lookup (uri, file_mtime (path), VS_THUMBNAIL_SIZE_LARGE, NULL),
                   ==, VS_THUMBNAIL_FAILED);
  vs_test_rm_rf (dir);
}

static void
test_cancel_before (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL, *fail = NULL, *thumbnails = NULL, *written = NULL;

  if (!vs_test_media_require (mp4_elements))
    return;
  uri = uri_for (media ("smpte.mp4"));
  fail = vs_thumbnail_fail_path (uri);
  thumbnails = g_build_filename (g_get_user_cache_dir (), "thumbnails", NULL);
  thumbnailer = vs_thumbnailer_new (0);
  g_cancellable_cancel (cancellable);
  written = vs_thumbnailer_generate (thumbnailer, media ("smpte.mp4"), VS_THUMBNAIL_SIZE_LARGE,
                                     NULL, cancellable, &error);
  g_assert_null (written);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (fail, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (thumbnails, G_FILE_TEST_EXISTS));

  /* The same thumbnailer works afterwards. */
  g_clear_error (&error);
  written = vs_thumbnailer_generate (thumbnailer, media ("smpte.mp4"), VS_THUMBNAIL_SIZE_LARGE,
                                     NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (written);
}

typedef struct
{
  GCancellable *cancellable;
  guint         delay_ms;
} CancelLater;

static gpointer
cancel_later (gpointer data)
{
  CancelLater *c = data;

  g_usleep (c->delay_ms * 1000);
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

/* Cancelled while decoding (from another thread): never a fail marker, whichever point
 * the cancel reaches. */
static void
test_cancel_during (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autofree char *uri = NULL, *fail = NULL;
  guint n_cancelled = 0;

  if (!vs_test_media_require (mp4_elements))
    return;
  uri = uri_for (media ("black-intro.mp4"));
  fail = vs_thumbnail_fail_path (uri);
  thumbnailer = vs_thumbnailer_new (0);
  for (guint delay = 0; delay < 40; delay += 4)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *written = NULL;
      CancelLater c = { cancellable, delay };
      GThread *thread = g_thread_new ("cancel", cancel_later, &c);

      written = vs_thumbnailer_generate (thumbnailer, media ("black-intro.mp4"),
                                         VS_THUMBNAIL_SIZE_LARGE, NULL, cancellable, &error);
      g_thread_join (thread);
      if (written == NULL)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          n_cancelled++;
        }
      g_assert_false (g_file_test (fail, G_FILE_TEST_EXISTS));
    }
  /* At 0 ms at least, the cancel lands before the end. */
  g_assert_cmpuint (n_cancelled, >, 0);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  /* No gst_init() here: it would read the XDG folders before the first test isolates
   * them, and those strings leak when GLib replaces them. Tests initialise it. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  media_dir = vs_test_make_tmpdir ();

  g_test_add_func ("/thumbnailer/size/strings", test_size_strings);
  g_test_add_func ("/thumbnailer/cache/path", test_cache_path);
  g_test_add_func ("/thumbnailer/cache/flatpak", test_cache_dir_flatpak);
  g_test_add_func ("/thumbnailer/cache/flatpak/subprocess", test_cache_dir_flatpak_subprocess);
  g_test_add_func ("/thumbnailer/shared/paths", test_shared_paths);
  g_test_add_func ("/thumbnailer/shared/share", test_shared_share);
  g_test_add_func ("/thumbnailer/shared/hostile", test_shared_hostile);
  g_test_add_func ("/thumbnailer/generate/cache", test_generate_cache);
  g_test_add_func ("/thumbnailer/generate/sizes", test_generate_sizes);
  g_test_add_func ("/thumbnailer/generate/not-uniform", test_generate_not_uniform);
  g_test_add_func ("/thumbnailer/generate/webm", test_generate_webm);
  g_test_add_func ("/thumbnailer/generate/hls", test_generate_hls);
  g_test_add_func ("/thumbnailer/generate/hls-byterange", test_generate_hls_byterange);
  g_test_add_func ("/thumbnailer/generate/long-gop", test_generate_long_gop);
  g_test_add_func ("/thumbnailer/generate/output", test_generate_output);
  g_test_add_func ("/thumbnailer/generate/output-guard", test_generate_output_guard);
  g_test_add_func ("/thumbnailer/generate/threads", test_generate_threads);
  g_test_add_func ("/thumbnailer/fail/random", test_fail_random);
  g_test_add_func ("/thumbnailer/fail/empty", test_fail_empty);
  g_test_add_func ("/thumbnailer/fail/truncated", test_fail_truncated);
  g_test_add_func ("/thumbnailer/fail/audio-only", test_fail_audio_only);
  g_test_add_func ("/thumbnailer/fail/bad-playlist", test_fail_bad_playlist);
  g_test_add_func ("/thumbnailer/fail/cleared-on-success", test_fail_cleared);
  g_test_add_func ("/thumbnailer/fail/write-failure", test_fail_write_failure);
  g_test_add_func ("/thumbnailer/fail/not-a-file", test_fail_not_a_file);
  g_test_add_func ("/thumbnailer/fail/missing-plugin", test_fail_missing_plugin);
  g_test_add_func ("/thumbnailer/fail/missing-plugin/subprocess",
                   test_fail_missing_plugin_subprocess);
  g_test_add_func ("/thumbnailer/lookup/foreign", test_lookup_foreign);
  g_test_add_func ("/thumbnailer/lookup/stale", test_lookup_stale);
  g_test_add_func ("/thumbnailer/lookup/corrupt", test_lookup_corrupt);
  g_test_add_func ("/thumbnailer/lookup/hostile", test_lookup_hostile);
  g_test_add_func ("/thumbnailer/temp/sweep", test_temp_sweep);
  g_test_add_func ("/thumbnailer/temp/named", test_temp_named);
  g_test_add_func ("/thumbnailer/read-keys/chunks", test_read_keys_chunks);
  g_test_add_func ("/thumbnailer/timeout/fifo", test_timeout_fifo);
  g_test_add_func ("/thumbnailer/timeout/limit", test_timeout_limit);
  g_test_add_func ("/thumbnailer/cancel/before", test_cancel_before);
  g_test_add_func ("/thumbnailer/cancel/during", test_cancel_during);

  ret = g_test_run ();
  g_clear_pointer (&made, g_hash_table_unref);
  vs_test_rm_rf (media_dir);
  g_free (media_dir);
  gst_deinit ();
  return ret;
}
