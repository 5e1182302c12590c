/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnail-shared.c: the shared thumbnail repository, .sh_thumbnails beside the files
 *
 * The Thumbnail Managing Standard (0.8, "Shared Thumbnail repositories") keeps thumbnails
 * that travel with the files: <folder>/.sh_thumbnails/<size>/<md5>.png, where the MD5 is
 * of the file's name alone and Thumb::URI holds that name, since the folder's absolute
 * path differs from one computer to the next. Such a repository is read-only unless the
 * user asked for it: Vidshelf writes one only for a root whose sharing is on.
 *
 * The folder is someone else's (a NAS other machines write to): every file of it is
 * opened one directory at a time without following links, bounded as vs_thumbnail_open()
 * bounds the personal cache, and only the one file looked up is ever read; nothing is
 * listed. The later draft of the spec names "./<escaped name>" instead of the bare name;
 * a Thumb::URI in either form is taken as naming the file.
 */
#define G_LOG_DOMAIN "vs-thumbnailer"
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vs-thumbnailer-private.h"

#define SHARED_FOLDER ".sh_thumbnails"

static const VsThumbnailSize sizes[] = {
  VS_THUMBNAIL_SIZE_NORMAL, VS_THUMBNAIL_SIZE_LARGE, VS_THUMBNAIL_SIZE_X_LARGE,
  VS_THUMBNAIL_SIZE_XX_LARGE,
};

char *
vs_thumbnail_shared_dir (const char *media_path)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (media_path != NULL, NULL);

  folder = g_path_get_dirname (media_path);
  return g_build_filename (folder, SHARED_FOLDER, NULL);
}

char *
vs_thumbnail_shared_uri (const char *media_path)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (media_path != NULL, NULL);

  name = g_path_get_basename (media_path);
  if (!g_utf8_validate (name, -1, NULL) || strchr (name, '/') != NULL ||
      g_str_equal (name, ".") || g_str_equal (name, ".."))
    return NULL;
  return g_steal_pointer (&name);
}

static char *
shared_png_name (const char *shared_uri)
{
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, shared_uri, -1);

  return g_strconcat (md5, ".png", NULL);
}

char *
vs_thumbnail_shared_path (const char      *media_path,
                          VsThumbnailSize  size)
{
  g_autofree char *uri = NULL;
  g_autofree char *png = NULL;
  g_autofree char *folder = NULL;

  g_return_val_if_fail (media_path != NULL, NULL);
  g_return_val_if_fail (vs_thumbnail_size_to_string (size) != NULL, NULL);

  if ((uri = vs_thumbnail_shared_uri (media_path)) == NULL)
    return NULL;
  png = shared_png_name (uri);
  folder = vs_thumbnail_shared_dir (media_path);
  return g_build_filename (folder, vs_thumbnail_size_to_string (size), png, NULL);
}

/* Whether a Thumb::URI names the file called @name: the name (0.8), or "./" and the
 * name as a URI escapes it (the later draft). */
static gboolean
names_file (const char *key_uri,
            const char *name)
{
  g_autofree char *absolute = NULL;
  g_autofree char *uri = NULL;

  if (key_uri == NULL)
    return FALSE;
  if (g_str_equal (key_uri, name))
    return TRUE;
  absolute = g_strconcat ("/", name, NULL);
  uri = g_filename_to_uri (absolute, NULL, NULL);
  return uri != NULL && g_str_has_prefix (key_uri, "./") &&
         g_str_equal (key_uri + 2, uri + strlen ("file:///"));
}

int
_vs_thumbnailer_open_shared_folder (const char *media_path,
                                    const char *subfolder)
{
  g_autofree char *folder = g_path_get_dirname (media_path);
  int parent, shared, fd;

  parent = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0)
    return -1;
  shared = openat (parent, SHARED_FOLDER, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  close (parent);
  if (shared < 0)
    return -1;
  fd = openat (shared, subfolder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  close (shared);
  return fd;
}

/* The size folder of @media_path's repository; -1 when there is none. */
static int
open_size_folder (const char      *media_path,
                  VsThumbnailSize  size)
{
  return _vs_thumbnailer_open_shared_folder (media_path, vs_thumbnail_size_to_string (size));
}

/* @media_path's shared thumbnail, opened as vs_thumbnail_open() does (a regular file, not
 * a link, of bounded size and dimensions); NULL when there is none that can be a
 * thumbnail. */
static GInputStream *
open_shared (const char      *media_path,
             const char      *shared_uri,
             VsThumbnailSize  size)
{
  g_autofree char *png = shared_png_name (shared_uri);
  int folder = open_size_folder (media_path, size);
  int fd;

  if (folder < 0)
    return NULL;
  /* O_NONBLOCK: a FIFO planted there must not hang us */
  fd = openat (folder, png, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  close (folder);
  if (fd < 0)
    return NULL;
  return _vs_thumbnailer_open_png_fd (fd, NULL, NULL, NULL);
}

static gboolean
read_keys (GInputStream *stream,
           TextKeys     *keys)
{
  g_autoptr(GInputStream) buffered = g_buffered_input_stream_new_sized (stream, 4096);

  return _vs_thumbnailer_read_text_keys (buffered, keys, NULL);
}

VsThumbnailState
vs_thumbnail_lookup_shared (const char      *media_path,
                            gint64           mtime,
                            VsThumbnailSize  size,
                            char           **out_path)
{
  g_autofree char *name = NULL;
  g_autoptr(GInputStream) stream = NULL;
  TextKeys keys = { 0 };
  VsThumbnailState state = VS_THUMBNAIL_MISSING;
  gint64 key_mtime = -1;

  g_return_val_if_fail (media_path != NULL, VS_THUMBNAIL_MISSING);
  g_return_val_if_fail (vs_thumbnail_size_to_string (size) != NULL, VS_THUMBNAIL_MISSING);

  if (out_path != NULL)
    *out_path = NULL;
  name = vs_thumbnail_shared_uri (media_path);
  if (name == NULL || (stream = open_shared (media_path, name, size)) == NULL)
    return VS_THUMBNAIL_MISSING;

  if (read_keys (stream, &keys))
    {
      if (keys.mtime == NULL ||
          !g_ascii_string_to_signed (keys.mtime, 10, G_MININT64, G_MAXINT64, &key_mtime, NULL))
        key_mtime = -1;
      state = names_file (keys.uri, name) && key_mtime == mtime ? VS_THUMBNAIL_VALID
                                                                 : VS_THUMBNAIL_STALE;
    }
  _vs_thumbnailer_text_keys_clear (&keys);
  if (out_path != NULL)
    *out_path = vs_thumbnail_shared_path (media_path, size);
  return state;
}

/* The whole shared thumbnail (bounded), when Vidshelf made it for the file called @name. */
static GBytes *
load_own (const char      *media_path,
          const char      *name,
          VsThumbnailSize  size)
{
  g_autoptr(GInputStream) stream = open_shared (media_path, name, size);
  g_autoptr(GOutputStream) memory = NULL;
  g_autoptr(GInputStream) copy = NULL;
  g_autoptr(GBytes) bytes = NULL;
  TextKeys keys = { 0 };
  gboolean own;

  if (stream == NULL)
    return NULL;
  memory = g_memory_output_stream_new_resizable ();
  if (g_output_stream_splice (memory, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL,
                              NULL) < 0)
    return NULL;
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
  copy = g_memory_input_stream_new_from_bytes (bytes);
  own = _vs_thumbnailer_read_text_keys (copy, &keys, NULL) && names_file (keys.uri, name) &&
        g_strcmp0 (keys.software, "Vidshelf") == 0;
  _vs_thumbnailer_text_keys_clear (&keys);
  return own ? g_steal_pointer (&bytes) : NULL;
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

gboolean
_vs_thumbnailer_ensure_shared_folder (const char  *path,
                                      mode_t       mode,
                                      GError     **error)
{
  GStatBuf st;

  if (g_mkdir (path, mode) == 0)
    {
      /* the umask would narrow it: the repository is for every reader of the folder */
      if (chmod (path, mode) != 0)
        g_debug ("Cannot set the permissions of %s: %s", path, g_strerror (errno));
      return TRUE;
    }
  if (errno != EEXIST)
    return set_errno_error (error, errno, "Cannot create", path);
  if (g_lstat (path, &st) != 0)
    return set_errno_error (error, errno, "Cannot read", path);
  if (!S_ISDIR (st.st_mode))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, "“%s” is not a folder", display);
      return FALSE;
    }
  return TRUE;
}

/* Writes @png as @media_path's shared thumbnail (temporary file, then rename), unless
 * another program's thumbnail, or anything but a regular file, is there. */
static gboolean
write_shared (const char      *media_path,
              VsThumbnailSize  size,
              GByteArray      *png,
              GError         **error)
{
  g_autofree char *name = vs_thumbnail_shared_uri (media_path);
  g_autofree char *media_folder = g_path_get_dirname (media_path);
  g_autofree char *shared = vs_thumbnail_shared_dir (media_path);
  g_autofree char *folder = g_build_filename (shared, vs_thumbnail_size_to_string (size), NULL);
  g_autofree char *target = vs_thumbnail_shared_path (media_path, size);
  g_autoptr(GBytes) own = NULL;
  GStatBuf media_st, folder_st, target_st;

  if (name == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   "A shared thumbnail needs a UTF-8 file name");
      return FALSE;
    }
  if (g_stat (media_path, &media_st) != 0)
    return set_errno_error (error, errno, "Cannot read", media_path);
  if (g_stat (media_folder, &folder_st) != 0)
    return set_errno_error (error, errno, "Cannot read", media_folder);
  /* The standard: the repository is as readable as what it holds thumbnails of. */
  if (!_vs_thumbnailer_ensure_shared_folder (shared, folder_st.st_mode & 0777, error) ||
      !_vs_thumbnailer_ensure_shared_folder (folder, folder_st.st_mode & 0777, error))
    return FALSE;
  if (g_lstat (target, &target_st) == 0 && (own = load_own (media_path, name, size)) == NULL)
    {
      g_autofree char *display = g_filename_display_name (target);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "“%s” is another program's: left as it is", display);
      return FALSE;
    }

  return _vs_thumbnailer_write_atomically (target, png->data, png->len,
                                           (int) (media_st.st_mode & 0666), error);
}

gboolean
vs_thumbnail_share (const char      *media_path,
                    const char      *png_path,
                    VsThumbnailSize  size,
                    GError         **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) memory = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GByteArray) rewritten = NULL;
  gsize length = 0;
  const guint8 *data;

  g_return_val_if_fail (media_path != NULL, FALSE);
  g_return_val_if_fail (png_path != NULL, FALSE);
  g_return_val_if_fail (vs_thumbnail_size_to_string (size) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((name = vs_thumbnail_shared_uri (media_path)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   "A shared thumbnail needs a UTF-8 file name");
      return FALSE;
    }
  if ((stream = vs_thumbnail_open (png_path, NULL, NULL, error)) == NULL)
    return FALSE;
  memory = g_memory_output_stream_new_resizable ();
  if (g_output_stream_splice (memory, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL,
                              error) < 0)
    return FALSE;
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
  data = g_bytes_get_data (bytes, &length);
  rewritten = _vs_thumbnailer_rewrite_uri (data, length, name);
  if (rewritten == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a thumbnail");
      return FALSE;
    }
  return write_shared (media_path, size, rewritten, error);
}

guint
vs_thumbnail_delete_own_shared (const char *media_path)
{
  g_autofree char *name = NULL;
  guint deleted = 0;

  g_return_val_if_fail (media_path != NULL, 0);

  if ((name = vs_thumbnail_shared_uri (media_path)) == NULL)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) own = load_own (media_path, name, sizes[i]);
      g_autofree char *path = NULL;

      if (own == NULL)
        continue;
      path = vs_thumbnail_shared_path (media_path, sizes[i]);
      if (g_unlink (path) == 0)
        deleted++;
    }
  return deleted;
}

guint
vs_thumbnail_move_shared (const char *old_path,
                          const char *new_path)
{
  g_autofree char *old_name = NULL;
  g_autofree char *new_name = NULL;
  guint moved = 0;

  g_return_val_if_fail (old_path != NULL && new_path != NULL, 0);

  old_name = vs_thumbnail_shared_uri (old_path);
  new_name = vs_thumbnail_shared_uri (new_path);
  if (old_name == NULL || g_strcmp0 (old_path, new_path) == 0)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) own = load_own (old_path, old_name, sizes[i]);
      g_autoptr(GByteArray) rewritten = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *from = NULL;
      gsize length = 0;
      const guint8 *data;

      if (own == NULL)
        continue;
      from = vs_thumbnail_shared_path (old_path, sizes[i]);
      data = g_bytes_get_data (own, &length);
      /* a name that cannot be shared: the thumbnail goes, the personal one stays */
      if (new_name != NULL)
        rewritten = _vs_thumbnailer_rewrite_uri (data, length, new_name);
      if (rewritten != NULL && !write_shared (new_path, sizes[i], rewritten, &error))
        {
          g_debug ("Cannot move the shared thumbnail %s: %s", from, error->message);
          continue;
        }
      if (g_unlink (from) == 0 && rewritten != NULL)
        moved++;
    }
  return moved;
}
