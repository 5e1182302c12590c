/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnail-cache.c: the freedesktop thumbnail cache (paths, lookups, writing) */
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

#include <glib/gstdio.h>

#include "vs-thumbnailer-private.h"

#define FAIL_FOLDER        "vidshelf-" PACKAGE_VERSION
/* Our temporary files: "<final name>.vidshelf-<pid>-XXXXXX" */
#define TEMP_PREFIX        "vidshelf-"

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

/* Inside Flatpak, XDG_CACHE_HOME is the app's own (~/.var/app/<id>/cache): thumbnails
 * there would be ours alone. The manifest's --filesystem=xdg-cache/thumbnails exposes the
 * host's at its own path, which flatpak names in HOST_XDG_CACHE_HOME when the host set
 * one, and which is ~/.cache otherwise. Read at each call: a test can change it. */
static gboolean
in_flatpak (void)
{
  const char *id = g_getenv ("FLATPAK_ID");

  return (id != NULL && id[0] != '\0') || g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

char *
vs_thumbnail_cache_dir (void)
{
  const char *host;

  if (!in_flatpak ())
    return g_strdup (g_get_user_cache_dir ());
  host = g_getenv ("HOST_XDG_CACHE_HOME");
  if (host != NULL && g_path_is_absolute (host))
    return g_strdup (host);
  return g_build_filename (g_get_home_dir (), ".cache", NULL);
}

/* <cache>/thumbnails/@first[/@second[/@third]] */
static char *
thumbnails_folder (const char *first,
                   const char *second,
                   const char *third)
{
  g_autofree char *base = vs_thumbnail_cache_dir ();

  return g_build_filename (base, "thumbnails", first, second, third, NULL);
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
  return thumbnails_folder (folder, name, NULL);
}

char *
vs_thumbnail_fail_path (const char *uri)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  name = cache_basename (uri);
  return thumbnails_folder ("fail", FAIL_FOLDER, name);
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
      g_autoptr(GInputStream) stream = _vs_thumbnailer_open_png (path, NULL);
      TextKeys keys = { 0 };

      if (stream != NULL && _vs_thumbnailer_read_text_keys (stream, &keys, NULL) &&
          g_strcmp0 (keys.uri, uri) == 0 && g_strcmp0 (keys.software, "Vidshelf") == 0 &&
          g_unlink (path) == 0)
        deleted++;
      _vs_thumbnailer_text_keys_clear (&keys);
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

void
_vs_thumbnailer_source_info_clear (SourceInfo *info)
{
  g_clear_pointer (&info->path, g_free);
  g_clear_pointer (&info->uri, g_free);
  g_clear_pointer (&info->mime_type, g_free);
}

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
gboolean
_vs_thumbnailer_source_info_init (SourceInfo  *info,
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

gboolean
_vs_thumbnailer_write_atomically (const char    *target,
                                  const guint8  *data,
                                  gsize          length,
                                  int            mode,
                                  GError       **error)
{
  g_autofree char *tmp_path = g_strdup_printf ("%s." TEMP_PREFIX "%d-XXXXXX", target,
                                               (int) getpid ());
  gboolean ok;
  int fd;

  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_errno_error (error, errno, "Cannot write", target);
  ok = write_all ((const char *) data, length, error, GINT_TO_POINTER (fd));
  if (ok && mode != 0600 && fchmod (fd, (mode_t) mode) != 0)
    ok = set_errno_error (error, errno, "Cannot write", tmp_path);
  if (close (fd) != 0 && ok)
    ok = set_errno_error (error, errno, "Cannot write", tmp_path);
  if (ok && g_rename (tmp_path, target) != 0)
    ok = set_errno_error (error, errno, "Cannot write", target);
  if (!ok)
    g_unlink (tmp_path);
  return ok;
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
  g_autofree char *fail_folder = thumbnails_folder ("fail", FAIL_FOLDER, NULL);
  guint removed = vs_thumbnail_remove_temp_files (fail_folder, 0, min_age);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *folder = thumbnails_folder (sizes[i].name, NULL, NULL);

      removed += vs_thumbnail_remove_temp_files (folder, 0, min_age);
    }
  /* Filmstrips are written the same way. */
  {
    g_autofree char *filmstrips = vs_filmstrip_cache_dir ();

    removed += vs_thumbnail_remove_temp_files (filmstrips, 0, min_age);
  }
  if (removed > 0)
    g_debug ("Removed %u stale temporary files from the thumbnail cache", removed);
  return removed;
}

/* @output: writing to a file of the user's, not to the cache; @replace: an existing one */
gboolean
_vs_thumbnailer_save_thumbnail (GdkPixbuf         *pixbuf,
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

gboolean
_vs_thumbnailer_ensure_private_folder (const char  *file_path,
                                       GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (file_path);

  /* The standard asks for 0700 on every folder of the cache we create. */
  if (g_mkdir_with_parents (folder, 0700) != 0)
    return set_errno_error (error, errno, "Cannot create", folder);
  return TRUE;
}

gboolean
_vs_thumbnailer_write_fail_marker (const SourceInfo  *info,
                                   const char        *reason,
                                   GError           **error)
{
  g_autofree char *path = vs_thumbnail_fail_path (info->uri);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 1, 1);

  gdk_pixbuf_fill (pixbuf, 0);
  return _vs_thumbnailer_ensure_private_folder (path, error) &&
         _vs_thumbnailer_save_thumbnail (pixbuf, info, path, 0600, reason, FALSE, TRUE, error);
}

gboolean
vs_thumbnail_write_failure (const char  *path,
                            const char  *reason,
                            GError     **error)
{
  g_auto(SourceInfo) info = { 0 };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _vs_thumbnailer_source_info_init (&info, path, error) && _vs_thumbnailer_write_fail_marker (&info, reason, error);
}
