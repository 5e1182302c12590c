/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnail-png.c: reading a PNG's Thumb:: text keys without decoding it */
#define G_LOG_DOMAIN "vs-thumbnailer"
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>

#include "vs-thumbnailer-private.h"
#include "vs-path.h"

/* The PNG reader's bounds: text chunks above this are skipped unread, and a file with
 * more chunks than this before its image data is not one we wrote. */
#define MAX_TEXT_CHUNK     (64 * 1024)
#define MAX_CHUNKS         4096

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

guint32
_vs_thumbnailer_png_crc (const guint8 *type,
                         const guint8 *data,
                         gsize         length)
{
  return crc32_update (crc32_update (0xffffffffu, type, 4), data, length) ^ 0xffffffffu;
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

void
_vs_thumbnailer_text_keys_clear (TextKeys *keys)
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

gboolean
_vs_thumbnailer_read_text_keys (GInputStream  *stream,
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

  if (!_vs_thumbnailer_read_text_keys (stream, &keys, error))
    {
      _vs_thumbnailer_text_keys_clear (&keys);
      return FALSE;
    }
  uri = g_steal_pointer (&keys.uri);
  mtime = g_steal_pointer (&keys.mtime);
  _vs_thumbnailer_text_keys_clear (&keys);

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

/* Takes @fd (open, non-blocking): see vs_thumbnail_open(). */
GInputStream *
_vs_thumbnailer_open_png_fd (int          fd,
                             int         *out_width,
                             int         *out_height,
                             GError     **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 head[24];
  struct stat st;
  gssize n;
  guint32 width, height;
  int flags;

  if (fstat (fd, &st) != 0 || (flags = fcntl (fd, F_GETFL)) == -1)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                   g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "Not a regular file");
      return NULL;
    }
  /* regular files never block; reads then behave as usual */
  fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
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

GInputStream *
vs_thumbnail_open (const char  *png_path,
                   int         *out_width,
                   int         *out_height,
                   GError     **error)
{
  int fd;

  g_return_val_if_fail (png_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* a FIFO someone left in the cache must not hang us: checked on the open file, so it
   * cannot be swapped after the check */
  fd = vs_path_open_regular (png_path, error);
  if (fd < 0)
    return NULL;
  return _vs_thumbnailer_open_png_fd (fd, out_width, out_height, error);
}

GInputStream *
_vs_thumbnailer_open_png (const char  *png_path,
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

  stream = _vs_thumbnailer_open_png (png_path, error);
  if (stream == NULL)
    return FALSE;
  return vs_thumbnail_read_keys_from_stream (stream, out_uri, out_mtime, error);
}
