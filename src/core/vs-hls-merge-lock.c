/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-hls-merge-lock.c: the merge's temporary file as a lock, and the sweep of stale ones */
#define G_LOG_DOMAIN "vs-merge"

#define _GNU_SOURCE

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vs-hls-merge-private.h"

/* The temporary file as a lock -------------------------------------------------- */

/* The output holds the same video as the source, so it is readable by no one who could
 * not read the source: the read and write bits both the playlist and its folder have
 * (a 0600 playlist or a 0700 folder give 0600). The umask applies on top. */
static mode_t
output_mode (Merge *m)
{
  struct stat st;
  mode_t mode = 0666;

  if (stat (m->playlist_path, &st) == 0)
    mode &= st.st_mode;
  if (stat (m->folder, &st) == 0)
    mode &= st.st_mode;
  return mode;
}

/* Opens (creating) the temporary file and locks it. A file left by a killed merge is
 * not locked (the lock died with its process) and is emptied; one a running merge holds
 * is left alone. */
gboolean
_vs_hls_merge_lock_temp (Merge   *m,
                         GError **error)
{
  g_autofree char *display = g_filename_display_name (m->output);
  mode_t mode = output_mode (m);

  for (guint attempt = 0; attempt < 3; attempt++)
    {
      GStatBuf st, path_st;
      int fd = g_open (m->temp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode);
      int saved;

      if (fd < 0)
        {
          saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not create “%s”: %s"), display, g_strerror (saved));
          return FALSE;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          saved = errno;
          close (fd);
          if (saved == EWOULDBLOCK)
            break;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not create “%s”: %s"), display, g_strerror (saved));
          return FALSE;
        }
      /* the merge that held it may have renamed or removed it meanwhile */
      if (fstat (fd, &st) == 0 && g_lstat (m->temp, &path_st) == 0 &&
          st.st_dev == path_st.st_dev && st.st_ino == path_st.st_ino)
        {
          /* with another name it is someone's file, not a leftover: never emptied */
          if (st.st_nlink > 1)
            {
              g_autofree char *temp_display = g_filename_display_name (m->temp);

              close (fd);
              g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT,
                           _("“%s” is in the way of the merge's temporary file"), temp_display);
              return FALSE;
            }
          /* only a leftover is truncated: see build_pipeline() */
          if (st.st_size > 0)
            g_debug ("Emptying the leftover %s", m->temp);
          /* a leftover is narrowed to the mode a new file gets */
          if ((st.st_size > 0 && ftruncate (fd, 0) != 0) ||
              ((st.st_mode & 07777 & ~mode) != 0 && fchmod (fd, st.st_mode & 0777 & mode) != 0))
            {
              saved = errno;
              close (fd);
              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                           _("Could not create “%s”: %s"), display, g_strerror (saved));
              return FALSE;
            }
          m->lock_fd = fd;
          return TRUE;
        }
      close (fd);
    }
  g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_BUSY,
               _("“%s” is already being merged"), display);
  return FALSE;
}

void
_vs_hls_merge_unlock_temp (Merge   *m,
                           gboolean remove)
{
  if (m->lock_fd < 0)
    return;
  /* removed while still locked, so no other merge takes it half-written */
  if (remove)
    g_unlink (m->temp);
  close (m->lock_fd);
  m->lock_fd = -1;
}

/* Our temporary files are named “.<output name>.vidshelf-merge”. */
gboolean
vs_hls_merge_is_temp_name (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return name[0] == '.' && strlen (name) > strlen (TEMP_SUFFIX) + 1 &&
         g_str_has_suffix (name, TEMP_SUFFIX);
}

/* Removes @name from @dir_fd if it is a regular file nobody holds the lock of. The lock is
 * taken on the file found, and the name must still lead to that file before it goes. */
static gboolean
sweep_one (int         dir_fd,
           const char *name)
{
  struct stat st, path_st;
  gboolean removed = FALSE;
  int fd;

  /* never open a device or a FIFO just because of its name */
  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  fd = openat (dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && flock (fd, LOCK_EX | LOCK_NB) == 0 &&
      fstatat (dir_fd, name, &path_st, AT_SYMLINK_NOFOLLOW) == 0 && _vs_hls_merge_same_file (&st, &path_st))
    removed = unlinkat (dir_fd, name, 0) == 0;
  close (fd);
  if (removed)
    g_debug ("Removed the stale merge file %s", name);
  return removed;
}

guint
vs_hls_merge_sweep_stale_temps (const char *dir)
{
  DIR *d = NULL;
  struct dirent *entry;
  guint removed = 0;
  int dir_fd, list_fd;

  g_return_val_if_fail (dir != NULL, 0);

  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    return 0;
  /* fdopendir() takes its descriptor; the other one names the entries */
  list_fd = fcntl (dir_fd, F_DUPFD_CLOEXEC, 0);
  if (list_fd >= 0 && (d = fdopendir (list_fd)) == NULL)
    close (list_fd);
  while (d != NULL && (entry = readdir (d)) != NULL)
    if (vs_hls_merge_is_temp_name (entry->d_name) && sweep_one (dir_fd, entry->d_name))
      removed++;
  if (d != NULL)
    closedir (d);
  close (dir_fd);
  return removed;
}
