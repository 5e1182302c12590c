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
/* renameat2() */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "vs-playlist.h"
#include "vs-thumbnailer.h"
#include "vs-path.h"

GST_DEBUG_CATEGORY_STATIC (vs_thumbnailer_debug);
#define GST_CAT_DEFAULT vs_thumbnailer_debug

#define DEFAULT_TIMEOUT_MS 15000
#define FAIL_FOLDER        "vidshelf-" PACKAGE_VERSION
/* Our temporary files: "<final name>.vidshelf-<pid>-XXXXXX" */
#define TEMP_PREFIX        "vidshelf-"

/* A frame whose luma variance is below this (a standard deviation of 12 on 0–255) is
 * black, a fade or a plain title card: try another position. */
#define FLAT_VARIANCE      144.0

/* The PNG reader's bounds: text chunks above this are skipped unread, and a file with
 * more chunks than this before its image data is not one we wrote. */
#define MAX_TEXT_CHUNK     (64 * 1024)

/* How often a pipeline that has not prerolled yet is checked for a silent failure. */
#define STALL_CHECK_US     (200 * 1000)
#define MAX_CHUNKS         4096

/* decodebin's GstAutoplugSelectResult, which no public header declares. */
enum
{
  AUTOPLUG_TRY    = 0,
  AUTOPLUG_EXPOSE = 1,
  AUTOPLUG_SKIP   = 2,
};

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

/* ---- sizes and cache paths ---------------------------------------------------------- */

static const struct
{
  VsThumbnailSize  size;
  const char      *name;
} sizes[] = {
  { VS_THUMBNAIL_SIZE_NORMAL, "normal" },
  { VS_THUMBNAIL_SIZE_LARGE, "large" },
  { VS_THUMBNAIL_SIZE_X_LARGE, "x-large" },
  { VS_THUMBNAIL_SIZE_XX_LARGE, "xx-large" },
};

const char *
vs_thumbnail_size_to_string (VsThumbnailSize size)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    if (sizes[i].size == size)
      return sizes[i].name;
  return NULL;
}

gboolean
vs_thumbnail_size_from_string (const char      *str,
                               VsThumbnailSize *out_size)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    if (g_str_equal (str, sizes[i].name))
      {
        if (out_size != NULL)
          *out_size = sizes[i].size;
        return TRUE;
      }
  return FALSE;
}

static char *
cache_basename (const char *uri)
{
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, uri, -1);

  return g_strconcat (md5, ".png", NULL);
}

char *
vs_thumbnail_path (const char      *uri,
                   VsThumbnailSize  size)
{
  g_autofree char *name = NULL;
  const char *folder = vs_thumbnail_size_to_string (size);

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  name = cache_basename (uri);
  return g_build_filename (g_get_user_cache_dir (), "thumbnails", folder, name, NULL);
}

char *
vs_thumbnail_fail_path (const char *uri)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  name = cache_basename (uri);
  return g_build_filename (g_get_user_cache_dir (), "thumbnails", "fail", FAIL_FOLDER, name,
                           NULL);
}

/* ---- the PNG text chunk reader ------------------------------------------------------ */

static gboolean
set_corrupt (GError    **error,
             const char *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a valid PNG file: %s", why);
  return FALSE;
}

static gboolean
read_exact (GInputStream  *stream,
            void          *buffer,
            gsize          length,
            GError       **error)
{
  gsize n = 0;

  if (!g_input_stream_read_all (stream, buffer, length, &n, NULL, error))
    return FALSE;
  return n == length || set_corrupt (error, "truncated");
}

static gboolean
skip_exact (GInputStream  *stream,
            gsize          length,
            GError       **error)
{
  while (length > 0)
    {
      gssize n = g_input_stream_skip (stream, length, NULL, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        return set_corrupt (error, "truncated");
      length -= (gsize) n;
    }
  return TRUE;
}

/* Bitwise CRC-32 (ISO 3309, as PNG uses): text chunks are small, so no table. */
static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         length)
{
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (guint k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
  return crc;
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static char *
latin1_to_utf8 (const guint8 *data,
                gsize         length)
{
  GString *s = g_string_sized_new (length);

  for (gsize i = 0; i < length && data[i] != 0; i++)
    {
      if (data[i] < 0x80)
        g_string_append_c (s, (char) data[i]);
      else
        g_string_append_unichar (s, data[i]);
    }
  return g_string_free (s, FALSE);
}

/* zTXt and compressed iTXt text, inflated into at most MAX_TEXT_CHUNK bytes. */
static guint8 *
inflate_bounded (const guint8 *data,
                 gsize         length,
                 gsize        *out_length)
{
  g_autoptr(GZlibDecompressor) inflater = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  g_autofree guint8 *out = g_malloc (MAX_TEXT_CHUNK);
  gsize in_pos = 0, out_pos = 0;

  for (;;)
    {
      gsize n_read = 0, n_written = 0;
      GConverterResult result;

      if (out_pos == MAX_TEXT_CHUNK)
        return NULL;
      result = g_converter_convert (G_CONVERTER (inflater), data + in_pos, length - in_pos,
                                    out + out_pos, MAX_TEXT_CHUNK - out_pos,
                                    G_CONVERTER_INPUT_AT_END, &n_read, &n_written, NULL);
      if (result == G_CONVERTER_ERROR)
        return NULL;
      in_pos += n_read;
      out_pos += n_written;
      if (result == G_CONVERTER_FINISHED)
        break;
      if (n_read == 0 && n_written == 0)
        return NULL;
    }
  *out_length = out_pos;
  return g_steal_pointer (&out);
}

/* The text of a tEXt, zTXt or iTXt chunk whose keyword has been read, as UTF-8, or NULL
 * when it cannot be read. */
static char *
decode_text_value (const guint8 *type,
                   const guint8 *rest,
                   gsize         length)
{
  g_autofree guint8 *inflated = NULL;
  gsize inflated_length = 0;
  gboolean compressed;
  const guint8 *end = rest + length;

  if (memcmp (type, "tEXt", 4) == 0)
    return latin1_to_utf8 (rest, length);

  if (memcmp (type, "zTXt", 4) == 0)
    {
      if (length < 1 || rest[0] != 0)
        return NULL;
      inflated = inflate_bounded (rest + 1, length - 1, &inflated_length);
      return inflated != NULL ? latin1_to_utf8 (inflated, inflated_length) : NULL;
    }

  /* iTXt: flag, method, language NUL, translated keyword NUL, UTF-8 text */
  if (length < 2 || rest[1] != 0)
    return NULL;
  compressed = rest[0] != 0;
  rest += 2;
  for (guint field = 0; field < 2; field++)
    {
      const guint8 *nul = memchr (rest, 0, (gsize) (end - rest));

      if (nul == NULL)
        return NULL;
      rest = nul + 1;
    }
  if (compressed)
    {
      inflated = inflate_bounded (rest, (gsize) (end - rest), &inflated_length);
      if (inflated == NULL)
        return NULL;
      rest = inflated;
      end = inflated + inflated_length;
    }
  if (!g_utf8_validate_len ((const char *) rest, (gsize) (end - rest), NULL))
    return NULL;
  return g_strndup ((const char *) rest, (gsize) (end - rest));
}

typedef struct
{
  char *uri;
  char *mtime;
  char *software;
} TextKeys;

static void
text_keys_clear (TextKeys *keys)
{
  g_clear_pointer (&keys->uri, g_free);
  g_clear_pointer (&keys->mtime, g_free);
  g_clear_pointer (&keys->software, g_free);
}

static void
parse_text_chunk (const guint8  *type,
                  const guint8  *data,
                  gsize          length,
                  TextKeys      *keys)
{
  const guint8 *nul = memchr (data, 0, MIN (length, 80));
  gsize key_length;
  char **slot;

  if (nul == NULL || nul == data)
    return;   /* keywords are 1 to 79 bytes */
  key_length = (gsize) (nul - data);
  if (key_length == 10 && memcmp (data, "Thumb::URI", 10) == 0)
    slot = &keys->uri;
  else if (key_length == 12 && memcmp (data, "Thumb::MTime", 12) == 0)
    slot = &keys->mtime;
  else if (key_length == 8 && memcmp (data, "Software", 8) == 0)
    slot = &keys->software;
  else
    return;
  if (*slot == NULL)   /* the first one wins */
    *slot = decode_text_value (type, nul + 1, length - key_length - 1);
}

static gboolean
is_text_chunk (const guint8 *type)
{
  return memcmp (type, "tEXt", 4) == 0 || memcmp (type, "zTXt", 4) == 0 ||
         memcmp (type, "iTXt", 4) == 0;
}

static gboolean
read_text_keys (GInputStream  *stream,
                TextKeys      *keys,
                GError       **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree guint8 *data = NULL;
  guint8 header[8];

  if (!read_exact (stream, header, sizeof signature, error))
    return FALSE;
  if (memcmp (header, signature, sizeof signature) != 0)
    return set_corrupt (error, "no PNG signature");

  /* Text may also follow the image data, but every thumbnailer writes it before (libpng
   * does when the text is set up front), and stopping there keeps a lookup to a few
   * hundred bytes. */
  for (guint n = 0;; n++)
    {
      guint32 length;
      const guint8 *type = header + 4;

      if (n == MAX_CHUNKS)
        return set_corrupt (error, "too many chunks");
      if (!read_exact (stream, header, 8, error))
        return FALSE;
      length = read_be32 (header);
      if (length > G_MAXINT32)
        return set_corrupt (error, "bad chunk length");
      for (guint i = 0; i < 4; i++)
        if (!g_ascii_isalpha (type[i]))
          return set_corrupt (error, "bad chunk type");
      if (n == 0 && (memcmp (type, "IHDR", 4) != 0 || length != 13))
        return set_corrupt (error, "no IHDR chunk first");
      if (memcmp (type, "IDAT", 4) == 0)
        break;
      if (memcmp (type, "IEND", 4) == 0)
        return set_corrupt (error, "no image data");

      if (is_text_chunk (type) && length <= MAX_TEXT_CHUNK)
        {
          guint8 crc[4];
          guint32 computed;

          data = g_realloc (data, MAX (length, 1));
          if (!read_exact (stream, data, length, error) || !read_exact (stream, crc, 4, error))
            return FALSE;
          computed = crc32_update (0xffffffffu, type, 4);
          computed = crc32_update (computed, data, length) ^ 0xffffffffu;
          if (computed != read_be32 (crc))
            return set_corrupt (error, "bad CRC in a text chunk");
          parse_text_chunk (type, data, length, keys);
        }
      else if (!skip_exact (stream, (gsize) length + 4, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
vs_thumbnail_read_keys_from_stream (GInputStream  *stream,
                                    char         **out_uri,
                                    gint64        *out_mtime,
                                    GError       **error)
{
  TextKeys keys = { 0 };
  g_autofree char *uri = NULL;
  g_autofree char *mtime = NULL;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!read_text_keys (stream, &keys, error))
    {
      text_keys_clear (&keys);
      return FALSE;
    }
  uri = g_steal_pointer (&keys.uri);
  mtime = g_steal_pointer (&keys.mtime);
  text_keys_clear (&keys);

  if (out_uri != NULL)
    *out_uri = g_steal_pointer (&uri);
  if (out_mtime != NULL)
    {
      gint64 value = -1;

      if (mtime == NULL ||
          !g_ascii_string_to_signed (mtime, 10, G_MININT64, G_MAXINT64, &value, NULL))
        value = -1;
      *out_mtime = value;
    }
  return TRUE;
}

GInputStream *
vs_thumbnail_open (const char  *png_path,
                   int         *out_width,
                   int         *out_height,
                   GError     **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 head[24];
  struct stat st;
  gssize n;
  guint32 width, height;
  int fd;

  g_return_val_if_fail (png_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* a FIFO someone left in the cache must not hang us: checked on the open file, so it
   * cannot be swapped after the check */
  fd = vs_path_open_regular (png_path, error);
  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                   g_strerror (saved_errno));
      return NULL;
    }
  if (st.st_size > VS_THUMBNAIL_MAX_FILE_SIZE)
    {
      close (fd);
      set_corrupt (error, "too large for a thumbnail");
      return NULL;
    }

  /* The signature and IHDR: what the image claims, before anything else is read. */
  do
    n = pread (fd, head, sizeof head, 0);
  while (n < 0 && errno == EINTR);
  if (n != (gssize) sizeof head || memcmp (head, signature, sizeof signature) != 0 ||
      read_be32 (head + 8) != 13 || memcmp (head + 12, "IHDR", 4) != 0)
    {
      close (fd);
      set_corrupt (error, "no IHDR chunk first");
      return NULL;
    }
  width = read_be32 (head + 16);
  height = read_be32 (head + 20);
  if (width == 0 || height == 0 || width > VS_THUMBNAIL_SIZE_XX_LARGE ||
      height > VS_THUMBNAIL_SIZE_XX_LARGE)
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Not a thumbnail: %" G_GUINT32_FORMAT "×%" G_GUINT32_FORMAT " px, above the "
                   "largest size (%d px)", width, height, VS_THUMBNAIL_SIZE_XX_LARGE);
      return NULL;
    }
  if (out_width != NULL)
    *out_width = (int) width;
  if (out_height != NULL)
    *out_height = (int) height;
  return g_unix_input_stream_new (fd, TRUE);
}

static GInputStream *
open_png (const char  *png_path,
          GError     **error)
{
  g_autoptr(GInputStream) stream = vs_thumbnail_open (png_path, NULL, NULL, error);

  if (stream == NULL)
    return NULL;
  /* Buffered for the small header reads (skips read through: the file is bounded). */
  return g_buffered_input_stream_new_sized (stream, 4096);
}

gboolean
vs_thumbnail_read_keys (const char  *png_path,
                        char       **out_uri,
                        gint64      *out_mtime,
                        GError     **error)
{
  g_autoptr(GInputStream) stream = NULL;

  g_return_val_if_fail (png_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_uri != NULL)
    *out_uri = NULL;
  if (out_mtime != NULL)
    *out_mtime = -1;

  stream = open_png (png_path, error);
  if (stream == NULL)
    return FALSE;
  return vs_thumbnail_read_keys_from_stream (stream, out_uri, out_mtime, error);
}

/* The spec lets a program delete thumbnails of files that are gone; we take only ours
 * (Software "Vidshelf", the same Thumb::URI): others' are theirs to manage. */
guint
vs_thumbnail_delete_own (const char *uri)
{
  g_autofree char *fail_path = NULL;
  guint deleted = 0;

  g_return_val_if_fail (uri != NULL, 0);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = vs_thumbnail_path (uri, sizes[i].size);
      g_autoptr(GInputStream) stream = open_png (path, NULL);
      TextKeys keys = { 0 };

      if (stream != NULL && read_text_keys (stream, &keys, NULL) &&
          g_strcmp0 (keys.uri, uri) == 0 && g_strcmp0 (keys.software, "Vidshelf") == 0 &&
          g_unlink (path) == 0)
        deleted++;
      text_keys_clear (&keys);
    }
  /* The fail marker lives in our own folder. */
  fail_path = vs_thumbnail_fail_path (uri);
  if (g_unlink (fail_path) == 0)
    deleted++;
  return deleted;
}

static gboolean
keys_match (const char *png_path,
            const char *uri,
            gint64      mtime,
            gboolean   *out_readable)
{
  g_autofree char *png_uri = NULL;
  gint64 png_mtime = -1;
  gboolean readable = vs_thumbnail_read_keys (png_path, &png_uri, &png_mtime, NULL);

  if (out_readable != NULL)
    *out_readable = readable;
  return readable && g_strcmp0 (png_uri, uri) == 0 && png_mtime == mtime;
}

VsThumbnailState
vs_thumbnail_lookup (const char      *uri,
                     gint64           mtime,
                     VsThumbnailSize  size,
                     char           **out_path)
{
  g_autofree char *path = NULL;
  g_autofree char *fail_path = NULL;
  gboolean exists = FALSE;
  VsThumbnailState state;

  g_return_val_if_fail (uri != NULL, VS_THUMBNAIL_MISSING);
  g_return_val_if_fail (vs_thumbnail_size_to_string (size) != NULL, VS_THUMBNAIL_MISSING);

  path = vs_thumbnail_path (uri, size);
  fail_path = vs_thumbnail_fail_path (uri);

  /* A good thumbnail wins over a fail marker; a fail marker for this very version of the
   * file wins over an old thumbnail. An unreadable PNG counts as none, so it is remade. */
  if (keys_match (path, uri, mtime, &exists))
    state = VS_THUMBNAIL_VALID;
  else if (keys_match (fail_path, uri, mtime, NULL))
    state = VS_THUMBNAIL_FAILED;
  else
    state = exists ? VS_THUMBNAIL_STALE : VS_THUMBNAIL_MISSING;

  if (out_path != NULL && state == VS_THUMBNAIL_FAILED)
    *out_path = g_steal_pointer (&fail_path);
  else if (out_path != NULL)
    *out_path = g_steal_pointer (&path);
  return state;
}

/* ---- writing ------------------------------------------------------------------------ */

typedef struct
{
  char   *path;
  char   *uri;
  char   *mime_type;
  gint64  mtime;
  gint64  size;
  gint64  duration_ms; /* -1 when unknown */
  dev_t   dev;         /* the file's identity: an output never replaces it */
  ino_t   ino;
} SourceInfo;

static void
source_info_clear (SourceInfo *info)
{
  g_clear_pointer (&info->path, g_free);
  g_clear_pointer (&info->uri, g_free);
  g_clear_pointer (&info->mime_type, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SourceInfo, source_info_clear)

/* For when shared-mime-info is missing (a minimal container, or XDG_DATA_DIRS emptied by
 * the test harness): the formats the library lists. */
static const char *
mime_type_from_extension (const char *path)
{
  static const struct
  {
    const char *ext;
    const char *mime_type;
  } table[] = {
    { ".mp4", "video/mp4" }, { ".m4v", "video/mp4" }, { ".mkv", "video/x-matroska" },
    { ".webm", "video/webm" }, { ".mov", "video/quicktime" }, { ".avi", "video/x-msvideo" },
    { ".ts", "video/mp2t" }, { ".ogv", "video/ogg" }, { ".wmv", "video/x-ms-wmv" },
    { ".flv", "video/x-flv" }, { ".m3u8", "application/vnd.apple.mpegurl" },
  };
  g_autofree char *lower = g_ascii_strdown (path, -1);

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_has_suffix (lower, table[i].ext))
      return table[i].mime_type;
  return NULL;
}

static char *
guess_mime_type (const char *path)
{
  g_autofree char *content_type = g_content_type_guess (path, NULL, 0, NULL);
  g_autofree char *mime_type = g_content_type_get_mime_type (content_type);
  const char *fallback = NULL;

  if (mime_type == NULL || g_str_equal (mime_type, "application/octet-stream"))
    fallback = mime_type_from_extension (path);
  if (fallback != NULL)
    return g_strdup (fallback);
  return mime_type != NULL ? g_steal_pointer (&mime_type) : g_strdup ("application/octet-stream");
}

static gboolean
set_errno_error (GError    **error,
                 int         saved_errno,
                 const char *what,
                 const char *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s “%s”: %s", what,
               display, g_strerror (saved_errno));
  return FALSE;
}

/* The URI Nautilus and GFile would give the file: the canonical absolute path. */
static gboolean
source_info_init (SourceInfo  *info,
                  const char  *path,
                  GError     **error)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  struct stat st;

  if (g_stat (path, &st) != 0)
    return set_errno_error (error, errno, "Cannot read", path);
  info->uri = g_filename_to_uri (canonical, NULL, error);
  if (info->uri == NULL)
    return FALSE;
  info->path = g_strdup (path);
  info->mime_type = guess_mime_type (path);
  info->mtime = (gint64) st.st_mtime;
  info->size = (gint64) st.st_size;
  info->dev = st.st_dev;
  info->ino = st.st_ino;
  info->duration_ms = -1;
  return TRUE;
}

static gboolean
write_all (const char  *buffer,
           gsize        count,
           GError     **error,
           gpointer     user_data)
{
  int fd = GPOINTER_TO_INT (user_data);

  while (count > 0)
    {
      gssize n = write (fd, buffer, count);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                       g_strerror (saved_errno));
          return FALSE;
        }
      buffer += n;
      count -= (gsize) n;
    }
  return TRUE;
}

/* Writes a temporary file beside @path and renames it over @path, so readers (and other
 * thumbnailers) never see a partial PNG. No fsync: this is a cache, and a file lost in a
 * power cut reads as missing and is remade. */
/* Moves @tmp_path to @path. An @input's file (device and inode, whatever name leads to
 * it) is never replaced; without @replace, nothing is (checked by the rename itself, so a
 * file that appears meanwhile is kept). */
static gboolean
rename_into_place (const char        *tmp_path,
                   const char        *path,
                   const SourceInfo  *input,
                   gboolean           replace,
                   GError           **error)
{
  g_autofree char *display = g_filename_display_name (path);
  GStatBuf st;
  int r;

  if (input != NULL && g_stat (path, &st) == 0 && st.st_dev == input->dev &&
      st.st_ino == input->ino)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is the video itself: not writing over it", display);
      return FALSE;
    }
  if (replace)
    r = g_rename (tmp_path, path);
  else
    {
      r = renameat2 (AT_FDCWD, tmp_path, AT_FDCWD, path, RENAME_NOREPLACE);
      /* A file system without RENAME_NOREPLACE: link(2) refuses an existing name too. */
      if (r != 0 && (errno == EINVAL || errno == ENOSYS) && (r = link (tmp_path, path)) == 0)
        g_unlink (tmp_path);
    }
  if (r != 0 && errno == EEXIST && !replace)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "“%s” already exists (use --force to replace it)", display);
      return FALSE;
    }
  return r == 0 || set_errno_error (error, errno, "Cannot write", path);
}

static gboolean
save_png_atomically (GdkPixbuf         *pixbuf,
                     const char        *path,
                     int                mode,
                     char             **keys,
                     char             **values,
                     const SourceInfo  *input,
                     gboolean           replace,
                     GError           **error)
{
  /* Named after us and this process: whoever kills a helper mid-write can remove exactly
   * its files, and a sweep can tell ours from other thumbnailers' (GNOME's are
   * "<md5>.png.XXXXXX"). Readers only ever open "<md5>.png". */
  g_autofree char *tmp_path = g_strdup_printf ("%s." TEMP_PREFIX "%d-XXXXXX", path,
                                               (int) getpid ());
  gboolean ok;
  int fd;

  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, mode);
  if (fd < 0)
    return set_errno_error (error, errno, "Cannot write", path);

  ok = gdk_pixbuf_save_to_callbackv (pixbuf, write_all, GINT_TO_POINTER (fd), "png", keys,
                                     values, error);
  if (close (fd) != 0 && ok)
    ok = set_errno_error (error, errno, "Cannot write", tmp_path);
  if (ok)
    ok = rename_into_place (tmp_path, path, input, replace, error);
  if (!ok)
    g_unlink (tmp_path);
  return ok;
}

/* Whether @name is one of our temporary files ("….vidshelf-<pid>-XXXXXX"), and of which
 * process. */
static gboolean
parse_temp_name (const char *name,
                 gint64     *out_pid)
{
  const char *tag = g_strrstr (name, "." TEMP_PREFIX);
  const char *dash;
  g_autofree char *digits = NULL;

  if (tag == NULL)
    return FALSE;
  tag += strlen ("." TEMP_PREFIX);
  dash = strchr (tag, '-');
  if (dash == NULL || dash == tag || strlen (dash + 1) != 6)
    return FALSE;
  digits = g_strndup (tag, (gsize) (dash - tag));
  return g_ascii_string_to_signed (digits, 10, 1, G_MAXINT32, out_pid, NULL);
}

guint
vs_thumbnail_remove_temp_files (const char *folder,
                                GPid        pid,
                                GTimeSpan   min_age)
{
  g_autoptr(GDir) dir = NULL;
  gint64 now = g_get_real_time ();
  const char *name;
  guint removed = 0;

  g_return_val_if_fail (folder != NULL, 0);

  if ((dir = g_dir_open (folder, 0, NULL)) == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      gint64 owner = 0;
      GStatBuf st;

      if (!parse_temp_name (name, &owner) || (pid > 0 && owner != pid))
        continue;
      path = g_build_filename (folder, name, NULL);
      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (min_age > 0 && now - (gint64) st.st_mtime * G_USEC_PER_SEC < min_age)
        continue;
      if (g_unlink (path) == 0)
        removed++;
    }
  return removed;
}

guint
vs_thumbnail_sweep_temp_files (GTimeSpan min_age)
{
  g_autofree char *fail_folder = g_build_filename (g_get_user_cache_dir (), "thumbnails", "fail",
                                                   FAIL_FOLDER, NULL);
  guint removed = vs_thumbnail_remove_temp_files (fail_folder, 0, min_age);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *folder = g_build_filename (g_get_user_cache_dir (), "thumbnails",
                                                  sizes[i].name, NULL);

      removed += vs_thumbnail_remove_temp_files (folder, 0, min_age);
    }
  if (removed > 0)
    g_debug ("Removed %u stale temporary files from the thumbnail cache", removed);
  return removed;
}

/* @output: writing to a file of the user's, not to the cache; @replace: an existing one */
static gboolean
save_thumbnail (GdkPixbuf         *pixbuf,
                const SourceInfo  *info,
                const char        *path,
                int                mode,
                const char        *reason,
                gboolean           output,
                gboolean           replace,
                GError           **error)
{
  g_autofree char *mtime = g_strdup_printf ("%" G_GINT64_FORMAT, info->mtime);
  g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT, info->size);
  g_autofree char *length = NULL;
  g_autofree char *short_reason = NULL;
  const char *keys[8] = { "tEXt::Thumb::URI", "tEXt::Thumb::MTime", "tEXt::Thumb::Size",
                          "tEXt::Thumb::Mimetype", "tEXt::Software" };
  const char *values[8] = { info->uri, mtime, size, info->mime_type, "Vidshelf" };
  guint n = 5;

  if (info->duration_ms >= 0)
    {
      length = g_strdup_printf ("%" G_GINT64_FORMAT, (info->duration_ms + 500) / 1000);
      keys[n] = "tEXt::Thumb::Movie::Length";
      values[n++] = length;
    }
  if (reason != NULL && g_utf8_validate (reason, -1, NULL))
    {
      short_reason = g_utf8_substring (reason, 0, MIN (g_utf8_strlen (reason, -1), 500));
      keys[n] = "tEXt::Description";
      values[n++] = short_reason;
    }
  keys[n] = values[n] = NULL;

  return save_png_atomically (pixbuf, path, mode, (char **) keys, (char **) values,
                              output ? info : NULL, !output || replace, error);
}

static gboolean
ensure_private_folder (const char  *file_path,
                       GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (file_path);

  /* The standard asks for 0700 on every folder of the cache we create. */
  if (g_mkdir_with_parents (folder, 0700) != 0)
    return set_errno_error (error, errno, "Cannot create", folder);
  return TRUE;
}

static gboolean
write_fail_marker (const SourceInfo  *info,
                   const char        *reason,
                   GError           **error)
{
  g_autofree char *path = vs_thumbnail_fail_path (info->uri);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 1, 1);

  gdk_pixbuf_fill (pixbuf, 0);
  return ensure_private_folder (path, error) &&
         save_thumbnail (pixbuf, info, path, 0600, reason, FALSE, TRUE, error);
}

gboolean
vs_thumbnail_write_failure (const char  *path,
                            const char  *reason,
                            GError     **error)
{
  g_auto(SourceInfo) info = { 0 };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return source_info_init (&info, path, error) && write_fail_marker (&info, reason, error);
}

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
} Decoder;

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
static void
on_deep_element_added (GstBin     *bin,
                       GstBin     *sub_bin,
                       GstElement *element,
                       gpointer    user_data)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), "max-threads");

  if (pspec != NULL && pspec->value_type == G_TYPE_INT && (pspec->flags & G_PARAM_WRITABLE))
    g_object_set (element, "max-threads", 1, NULL);
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
static GdkPixbuf *
decode_frame (const char    *uri,
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
      frame = decode_frame (uri, segment_display, box, FALSE, deadline, cancellable, &score,
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
    return decode_frame (info->uri, display, box, TRUE, deadline, cancellable, NULL, NULL,
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

  frame = decode_frame (info->uri, display, box, TRUE, deadline, cancellable, NULL,
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
      !source_info_init (&info, path, error))
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

          if (!write_fail_marker (&info, local_error->message, &marker_error))
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
      if (!save_thumbnail (frame, &info, target, 0644, NULL, TRUE, replace, error))
        return NULL;
    }
  else
    {
      g_autofree char *fail_path = vs_thumbnail_fail_path (info.uri);

      target = vs_thumbnail_path (info.uri, size);
      if (!ensure_private_folder (target, error) ||
          !save_thumbnail (frame, &info, target, 0600, NULL, FALSE, TRUE, error))
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
  GST_DEBUG_CATEGORY_INIT (vs_thumbnailer_debug, "vs-thumbnailer", 0, "Vidshelf thumbnailer");
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
