/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnail-move.c: a renamed file's thumbnails follow it
 *
 * The cache names a thumbnail by the MD5 of its file's URI, and the PNG says whose it is
 * (Thumb::URI): after a rename both change. The PNG's chunks are copied as they are, but
 * for its Thumb::URI text chunk, written anew; the image data is never decoded, so a
 * rename costs no thumbnailer job.
 */
#define G_LOG_DOMAIN "vs-thumbnailer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vs-thumbnailer-private.h"

static const VsThumbnailSize sizes[] = {
  VS_THUMBNAIL_SIZE_NORMAL, VS_THUMBNAIL_SIZE_LARGE, VS_THUMBNAIL_SIZE_X_LARGE,
  VS_THUMBNAIL_SIZE_XX_LARGE,
};

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
append_be32 (GByteArray *out,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, bytes, 4);
}

static gboolean
is_uri_chunk (const guint8 *type,
              const guint8 *data,
              gsize         length)
{
  return (memcmp (type, "tEXt", 4) == 0 || memcmp (type, "zTXt", 4) == 0 ||
          memcmp (type, "iTXt", 4) == 0) &&
         length >= 11 && memcmp (data, "Thumb::URI", 11) == 0;
}

/* @png with every Thumb::URI chunk replaced by one chunk naming @new_uri: tEXt for ASCII
 * (a URI), iTXt for any other UTF-8 (a shared thumbnail's file name: tEXt is Latin-1);
 * NULL when @png is not a PNG or has no such chunk. */
GByteArray *
_vs_thumbnailer_rewrite_uri (const guint8 *png,
             gsize         length,
             const char   *new_uri)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GByteArray) out = g_byte_array_sized_new (length + strlen (new_uri));
  gboolean replaced = FALSE;
  gsize pos = sizeof signature;

  if (length < pos || memcmp (png, signature, pos) != 0)
    return NULL;
  g_byte_array_append (out, png, pos);
  while (pos + 12 <= length)
    {
      guint32 chunk = read_be32 (png + pos);
      const guint8 *type = png + pos + 4;
      const guint8 *data = png + pos + 8;

      if (chunk > length - pos - 12)
        return NULL;
      if (!is_uri_chunk (type, data, chunk))
        g_byte_array_append (out, png + pos, chunk + 12);
      else if (!replaced)
        {
          g_autoptr(GByteArray) text = g_byte_array_new ();
          gboolean ascii = g_str_is_ascii (new_uri);
          const guint8 *text_type = (const guint8 *) (ascii ? "tEXt" : "iTXt");

          g_byte_array_append (text, (const guint8 *) "Thumb::URI", 11);
          /* iTXt: not compressed, no language, no translated keyword */
          if (!ascii)
            g_byte_array_append (text, (const guint8 *) "\0\0\0", 4);
          g_byte_array_append (text, (const guint8 *) new_uri, strlen (new_uri));
          append_be32 (out, text->len);
          g_byte_array_append (out, text_type, 4);
          g_byte_array_append (out, text->data, text->len);
          append_be32 (out, _vs_thumbnailer_png_crc (text_type, text->data, text->len));
          replaced = TRUE;
        }
      pos += chunk + 12;
      if (memcmp (type, "IEND", 4) == 0)
        break;
    }
  return replaced ? g_steal_pointer (&out) : NULL;
}

/* Reads the PNG at @path (bounded, a regular file) when its Thumb::URI is @old_uri. */
static GBytes *
read_if_owned (const char *path,
               const char *old_uri)
{
  g_autoptr(GInputStream) stream = vs_thumbnail_open (path, NULL, NULL, NULL);
  g_autoptr(GOutputStream) memory = NULL;
  TextKeys keys = { 0 };
  gboolean owned;

  if (stream == NULL)
    return NULL;
  owned = _vs_thumbnailer_read_text_keys (stream, &keys, NULL) &&
          g_strcmp0 (keys.uri, old_uri) == 0;
  _vs_thumbnailer_text_keys_clear (&keys);
  g_clear_object (&stream);
  if (!owned || (stream = vs_thumbnail_open (path, NULL, NULL, NULL)) == NULL)
    return NULL;
  memory = g_memory_output_stream_new_resizable ();
  if (g_output_stream_splice (memory, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL,
                              NULL) < 0)
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static gboolean
write_atomically (const char *path,
                  GByteArray *png)
{
  g_autofree char *tmp = g_strdup_printf ("%s.vidshelf-%d-XXXXXX", path, (int) getpid ());
  gboolean ok;
  int fd;

  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return FALSE;
  ok = write (fd, png->data, png->len) == (gssize) png->len;
  ok = close (fd) == 0 && ok;
  ok = ok && g_rename (tmp, path) == 0;
  if (!ok)
    g_unlink (tmp);
  return ok;
}

static gboolean
move_one (const char *from,
          const char *to,
          const char *old_uri,
          const char *new_uri)
{
  g_autoptr(GBytes) png = read_if_owned (from, old_uri);
  g_autoptr(GByteArray) rewritten = NULL;
  gsize length = 0;
  const guint8 *data;

  if (png == NULL)
    return FALSE;
  data = g_bytes_get_data (png, &length);
  rewritten = _vs_thumbnailer_rewrite_uri (data, length, new_uri);
  if (rewritten == NULL || !write_atomically (to, rewritten))
    {
      g_debug ("Could not move the thumbnail %s to %s", from, to);
      return FALSE;
    }
  g_unlink (from);
  return TRUE;
}

guint
vs_thumbnail_move (const char *old_uri,
                   const char *new_uri)
{
  g_autofree char *fail_from = NULL;
  g_autofree char *fail_to = NULL;
  guint moved = 0;

  g_return_val_if_fail (old_uri != NULL && new_uri != NULL, 0);

  if (strcmp (old_uri, new_uri) == 0)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *from = vs_thumbnail_path (old_uri, sizes[i]);
      g_autofree char *to = vs_thumbnail_path (new_uri, sizes[i]);

      moved += move_one (from, to, old_uri, new_uri);
    }
  fail_from = vs_thumbnail_fail_path (old_uri);
  fail_to = vs_thumbnail_fail_path (new_uri);
  moved += move_one (fail_from, fail_to, old_uri, new_uri);
  return moved;
}
