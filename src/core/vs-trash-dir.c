/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-trash-dir.c: the freedesktop trash folders: finding a disk's, moving entries in and out */
#define G_LOG_DOMAIN "vs-trash"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixmounts.h>

#include "vs-trash-private.h"

#define TRASH_NAME_MAX    200   /* bytes of the original name kept in the trash's name */
#define TRASH_ATTEMPTS    10000

/* The freedesktop trash -------------------------------------------------------------- */

static gboolean
ensure_private_dir (const char *path)
{
  struct stat st;

  if (g_mkdir (path, 0700) != 0 && errno != EEXIST)
    return FALSE;
  return lstat (path, &st) == 0 && S_ISDIR (st.st_mode) && st.st_uid == getuid ();
}

static gboolean
use_trash_dir (const char  *base,
               dev_t        dev,
               char       **files_dir,
               char       **info_dir)
{
  g_autofree char *files = g_build_filename (base, "files", NULL);
  g_autofree char *info = g_build_filename (base, "info", NULL);
  struct stat st;

  if (!ensure_private_dir (base) || !ensure_private_dir (files) || !ensure_private_dir (info))
    return FALSE;
  if (stat (files, &st) != 0 || st.st_dev != dev)
    return FALSE;
  *files_dir = g_steal_pointer (&files);
  *info_dir = g_steal_pointer (&info);
  return TRUE;
}

/* The top folder of the file system holding @dir (on device @dev). */
static char *
mount_top (const char *dir,
           dev_t       dev)
{
  char *current = realpath (dir, NULL);

  while (current != NULL && strcmp (current, "/") != 0)
    {
      g_autofree char *parent = g_path_get_dirname (current);
      struct stat st;

      if (stat (parent, &st) != 0 || st.st_dev != dev)
        break;
      g_free (current);
      current = g_steal_pointer (&parent);
    }
  return current;
}

/* The trash for an entry on device @dev in @dir, as GIO picks it: the home trash for the
 * home folder's disk (and no other there), else $topdir/.Trash/$uid (a sticky,
 * non-symlink .Trash) or $topdir/.Trash-$uid on that disk, never on the system's own
 * mounts (the root file system, /boot…), where nobody would look for it. */
static gboolean
find_trash (const char  *dir,
            dev_t        dev,
            char       **files_dir,
            char       **info_dir)
{
  g_autofree char *home_trash = g_build_filename (g_get_user_data_dir (), "Trash", NULL);
  g_autofree char *top = NULL;
  g_autofree char *shared = NULL;
  g_autofree char *uid = g_strdup_printf ("%u", (guint) getuid ());
  g_autofree char *own = NULL;
  GUnixMountEntry *mount;
  gboolean internal;
  struct stat st;

  if (stat (g_get_user_data_dir (), &st) == 0 || stat (g_get_home_dir (), &st) == 0)
    {
      if (st.st_dev == dev)
        {
          g_mkdir_with_parents (g_get_user_data_dir (), 0700);
          return use_trash_dir (home_trash, dev, files_dir, info_dir);
        }
    }
  top = mount_top (dir, dev);
  if (top == NULL || strcmp (top, "/") == 0)
    return FALSE;
  /* GIO counts every tmpfs as the system's; one a user mounts (not at /run, /dev/shm…)
   * is a disk like another */
  mount = g_unix_mount_at (top, NULL);
  internal = mount == NULL || g_unix_is_mount_path_system_internal (top) ||
             (g_unix_is_system_fs_type (g_unix_mount_get_fs_type (mount)) &&
              g_strcmp0 (g_unix_mount_get_fs_type (mount), "tmpfs") != 0);
  g_clear_pointer (&mount, g_unix_mount_free);
  if (internal)
    return FALSE;
  shared = g_build_filename (top, ".Trash", NULL);
  if (lstat (shared, &st) == 0 && S_ISDIR (st.st_mode) && (st.st_mode & S_ISVTX))
    {
      g_autofree char *mine = g_build_filename (shared, uid, NULL);

      if (use_trash_dir (mine, dev, files_dir, info_dir))
        return TRUE;
    }
  own = g_strdup_printf ("%s/.Trash-%s", top, uid);
  return use_trash_dir (own, dev, files_dir, info_dir);
}

static int
rename_noreplace (const char *from,
                  const char *to)
{
  struct stat st;

  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS)
    return -1;
  /* file systems without RENAME_NOREPLACE: check, then rename */
  if (lstat (to, &st) == 0)
    {
      errno = EEXIST;
      return -1;
    }
  return rename (from, to);
}

static gboolean
write_info (int         fd,
            const char *path)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *text = g_strdup_printf ("[Trash Info]\nPath=%s\nDeletionDate=%s\n",
                                           escaped, date);
  gsize len = strlen (text);
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = write (fd, text + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

void
_vs_trash_dir_clear (TrashDir *t)
{
  g_clear_pointer (&t->files_dir, g_free);
  g_clear_pointer (&t->info_dir, g_free);
}

/* Moves one entry: the info file is written first (O_EXCL reserves the name), then the
 * entry is renamed to the same name under files/, never over anything. */
gboolean
_vs_trash_move_to_trash (Entry     *e,
                         TrashDir  *trash,
                         GError   **error)
{
  g_autofree char *display = g_filename_display_name (e->path);
  g_autofree char *dir = g_path_get_dirname (e->path);
  g_autofree char *base = g_path_get_basename (e->path);
  const char *files_dir, *info_dir;
  int saved = 0;

  if (trash->files_dir == NULL || trash->dev != e->stamp.dev)
    {
      _vs_trash_dir_clear (trash);
      trash->dev = e->stamp.dev;
      if (!find_trash (dir, e->stamp.dev, &trash->files_dir, &trash->info_dir))
        _vs_trash_dir_clear (trash);
    }
  files_dir = trash->files_dir;
  info_dir = trash->info_dir;
  if (files_dir == NULL)
    {
      g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NO_TRASH,
                   _("“%s” is on a disk without a trash folder Vidshelf may use; it was "
                     "not moved"), display);
      return FALSE;
    }
  if (strlen (base) > TRASH_NAME_MAX)
    base[TRASH_NAME_MAX] = '\0';
  for (guint n = 1; n <= TRASH_ATTEMPTS; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf ("%s.%u", base, n);
      g_autofree char *info_name = g_strconcat (name, ".trashinfo", NULL);
      g_autofree char *info = g_build_filename (info_dir, info_name, NULL);
      g_autofree char *trashed = g_build_filename (files_dir, name, NULL);
      int fd = g_open (info, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

      if (fd < 0 && errno == EEXIST)
        continue;
      if (fd < 0)
        {
          saved = errno;
          break;
        }
      if (!write_info (fd, e->path))
        {
          saved = errno ? errno : EIO;
          close (fd);
          g_unlink (info);
          break;
        }
      close (fd);
      if (rename_noreplace (e->path, trashed) == 0)
        {
          e->trashed = g_steal_pointer (&trashed);
          e->info = g_steal_pointer (&info);
          return TRUE;
        }
      saved = errno;
      g_unlink (info);
      if (saved != EEXIST)
        break;
    }
  g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_FAILED,
               _("“%s” could not be moved to the trash: %s"), display,
               g_strerror (saved ? saved : EEXIST));
  return FALSE;
}

/* Moves one entry back from the trash, only when it is still the file that went and
 * nothing took its place. */
gboolean
_vs_trash_move_back (Entry   *e,
                     GError **error)
{
  g_autofree char *display = g_filename_display_name (e->path);
  g_autofree char *parent = g_path_get_dirname (e->path);
  struct stat st;

  if (e->trashed == NULL)
    return TRUE;
  if (lstat (e->trashed, &st) != 0 || st.st_dev != e->stamp.dev || st.st_ino != e->stamp.ino)
    {
      g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_FOUND,
                   _("“%s” is no longer in the trash"), display);
      return FALSE;
    }
  g_mkdir_with_parents (parent, 0755);
  if (rename_noreplace (e->trashed, e->path) != 0)
    {
      int saved = errno;

      if (saved == EEXIST)
        g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_EXISTS,
                     _("Something else is at “%s” now; it was left in the trash"), display);
      else
        g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_FAILED,
                     _("“%s” could not be restored: %s"), display, g_strerror (saved));
      return FALSE;
    }
  g_unlink (e->info);
  g_clear_pointer (&e->trashed, g_free);
  g_clear_pointer (&e->info, g_free);
  return TRUE;
}
