/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-path.c: file name and path tests */
#define G_LOG_DOMAIN "vs-path"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vs-path.h"

gboolean
vs_path_is_inside (const char *path,
                   const char *folder)
{
  gsize len;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  len = strlen (folder);
  while (len > 1 && folder[len - 1] == '/')
    len--;
  if (len == 1 && folder[0] == '/')
    return path[0] == '/';
  return strncmp (path, folder, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

gboolean
vs_path_has_suffix_nocase (const char *name,
                           const char *suffix)
{
  gsize n, s;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (suffix != NULL, FALSE);

  n = strlen (name);
  s = strlen (suffix);
  return n >= s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}

/* Sets @error for @path from @saved (an errno), closes @fd if open, and keeps @saved in
 * errno for the caller. */
static int
open_failed (const char  *path,
             int          fd,
             int          saved,
             const char  *what,
             GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               "Cannot %s “%s”: %s", what, display, g_strerror (saved));
  if (fd >= 0)
    close (fd);
  errno = saved;
  return -1;
}

int
vs_path_open_regular (const char  *path,
                      GError     **error)
{
  struct stat st;
  int fd, flags;

  g_return_val_if_fail (path != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  /* O_NONBLOCK: opening a FIFO for reading would wait for a writer, for ever */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    return open_failed (path, fd, errno, "open", error);
  if (fstat (fd, &st) != 0)
    return open_failed (path, fd, errno, "read", error);
  if (!S_ISREG (st.st_mode))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "“%s” is not a regular file", display);
      close (fd);
      errno = EINVAL;
      return -1;
    }
  /* regular files never block; reads then behave as usual */
  if ((flags = fcntl (fd, F_GETFL)) == -1 || fcntl (fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
    return open_failed (path, fd, errno, "read", error);
  return fd;
}

gboolean
vs_path_is_playlist_name (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return vs_path_has_suffix_nocase (name, ".m3u8") || vs_path_has_suffix_nocase (name, ".m3u");
}

gboolean
vs_path_key_is_inside (gpointer key,
                       gpointer value,
                       gpointer folder)
{
  return vs_path_is_inside (key, folder);
}
