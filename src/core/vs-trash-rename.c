/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-trash-rename.c: renaming a library item, never over anything
 *
 * A rename is destructive when it goes wrong (a file replaced by the renamed one, an HLS
 * download broken, subtitles left behind), so it follows the trash's rules: the item's
 * inventory first (vs_trash_new_for_item()), checked again under the trash lock right
 * before the move; a name that exists is refused by the kernel itself (RENAME_NOREPLACE,
 * or a fallback that cannot overwrite either), never by a look beforehand only.
 */
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

#include "vs-trash-private.h"
#include "vs-path.h"
#include "vs-playlist.h"
#include "vs-scanner.h"

#define NAME_MAX_BYTES  255
#define WALK_MAX_DEPTH  8

/* Tests set it to take the fallbacks of a file system without RENAME_NOREPLACE. */
gboolean _vs_trash_rename_without_noreplace = FALSE;

static const char * const subtitle_suffixes[] = { ".srt", ".vtt", ".ass", ".ssa", ".sub" };

/* One entry to rename: the item's file or folder, or a subtitle file beside it. */
typedef struct
{
  char        *from;
  char        *to;
  struct stat  st;       /* as found at the inventory */
  gboolean     same;     /* @to names @from already (a change of case on a disk ignoring it) */
  gboolean     done;
} Move;

static void
move_clear (gpointer data)
{
  Move *m = data;

  g_free (m->from);
  g_free (m->to);
}

static gboolean
same_inode (const struct stat *a,
            const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static gboolean
same_stamp (const struct stat *a,
            const struct stat *b)
{
  return same_inode (a, b) && a->st_mode == b->st_mode &&
         (S_ISDIR (a->st_mode) ||
          (a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec));
}

/* Names --------------------------------------------------------------------------- */

static gboolean
invalid (GError    **error,
         const char *message)
{
  g_set_error_literal (error, VS_TRASH_ERROR, VS_TRASH_ERROR_INVALID_NAME, message);
  return FALSE;
}

static gboolean
only_spaces (const char *name,
             gsize       length,
             gboolean    utf8)
{
  const char *end = name + length;

  for (const char *p = name; p < end; p = utf8 ? g_utf8_next_char (p) : p + 1)
    if (utf8 ? !g_unichar_isspace (g_utf8_get_char (p)) : !g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

gboolean
vs_trash_check_name (const char  *name,
                     gssize       length,
                     GError     **error)
{
  const char **charsets = NULL;
  gboolean utf8;
  gsize len;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  len = length < 0 ? strlen (name) : (gsize) length;
  utf8 = g_get_filename_charsets (&charsets);
  if (len == 0)
    return invalid (error, _("The name is empty"));
  if (memchr (name, '\0', len) != NULL)
    return invalid (error, _("A name cannot contain a NUL character"));
  if (memchr (name, '/', len) != NULL)
    return invalid (error, _("A name cannot contain “/”"));
  if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
    return invalid (error, _("“.” and “..” are not names a file can have"));
  if (len > NAME_MAX_BYTES)
    return invalid (error, _("The name is too long (at most 255 bytes)"));
  if (utf8 && !g_utf8_validate_len (name, len, NULL))
    return invalid (error, _("The name is not valid in the file names’ encoding (UTF-8)"));
  if (!utf8)
    {
      g_autofree char *converted = g_convert (name, (gssize) len, "UTF-8", charsets[0], NULL,
                                              NULL, NULL);

      if (converted == NULL)
        return invalid (error, _("The name is not valid in the file names’ encoding"));
    }
  if (only_spaces (name, len, utf8))
    return invalid (error, _("The name is only spaces"));
  return TRUE;
}

char *
vs_trash_rename_entry (const char *item_path,
                       gboolean    is_hls)
{
  g_return_val_if_fail (item_path != NULL, NULL);

  return is_hls ? g_path_get_dirname (item_path) : g_strdup (item_path);
}

/* The part of @name before its extension (the whole name when it has none, or when its
 * only dot starts it: ".hidden"). */
static char *
stem_of (const char *name)
{
  const char *dot = strrchr (name, '.');

  return dot == NULL || dot == name ? g_strdup (name) : g_strndup (name, (gsize) (dot - name));
}

/* The HLS folder ------------------------------------------------------------------- */

typedef struct
{
  GHashTable  *claimed;   /* "dev:ino" of the item's files */
  const char  *other;     /* the first thing found that is not the item's */
  char        *other_path;
} FolderCheck;

static char *
inode_key (const struct stat *st)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, (guint64) st->st_dev,
                          (guint64) st->st_ino);
}

/* Finds a video, a playlist or a too deep folder that is not the item's: renaming the
 * folder would rename another library item along. */
static gboolean
find_other (FolderCheck *check,
            const char  *dir,
            guint        depth,
            GError     **error)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, error);
  const char *name;

  if (d == NULL)
    return FALSE;
  while (check->other == NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *key = NULL;
      struct stat st;

      if (lstat (path, &st) != 0)
        continue;
      key = inode_key (&st);
      if (g_hash_table_contains (check->claimed, key))
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (depth >= WALK_MAX_DEPTH)
            check->other = "folder";
          else if (!find_other (check, path, depth + 1, error))
            return FALSE;
        }
      else if (vs_path_is_playlist_name (name) || vs_scanner_is_video_name (name))
        check->other = "video";
      if (check->other != NULL && check->other_path == NULL)
        check->other_path = g_steal_pointer (&path);
    }
  return TRUE;
}

static gboolean
check_folder_alone (VsTrash  *trash,
                    GError  **error)
{
  g_autoptr(GHashTable) claimed = NULL;
  FolderCheck check = { 0 };
  gboolean ok;

  /* the inventory found nothing but the download in it */
  if (trash->takes_folder)
    return TRUE;
  claimed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < trash->entries->len; i++)
    {
      const Entry *e = &g_array_index (trash->entries, Entry, i);
      struct stat st = { .st_dev = e->stamp.dev, .st_ino = e->stamp.ino };

      g_hash_table_add (claimed, inode_key (&st));
    }
  check.claimed = claimed;
  ok = find_other (&check, trash->folder, 0, error);
  if (ok && check.other != NULL)
    {
      g_autofree char *folder = g_filename_display_basename (trash->folder);
      g_autofree char *other = g_filename_display_basename (check.other_path);

      g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_MEDIA,
                   _("The folder “%s” also holds “%s”, which is not part of this download; "
                     "renaming the folder would rename that too"), folder, other);
      ok = FALSE;
    }
  g_free (check.other_path);
  return ok;
}

typedef struct
{
  const char *folder;       /* as named */
  const char *real_folder;
  char       *absolute;     /* the first URI found that names a file of the folder absolutely */
} AbsoluteCheck;

static void
check_uri (AbsoluteCheck *check,
           const char    *uri,
           const char    *path)
{
  if (check->absolute != NULL || uri == NULL || path == NULL)
    return;
  if (uri[0] != '/' && g_ascii_strncasecmp (uri, "file:", 5) != 0)
    return;
  if (vs_path_is_inside (path, check->folder) || vs_path_is_inside (path, check->real_folder))
    check->absolute = g_strdup (uri);
}

static gboolean
check_segment (const VsPlaylistSegment *segment,
               gpointer                 user_data)
{
  AbsoluteCheck *check = user_data;

  check_uri (check, segment->uri, segment->path);
  check_uri (check, segment->key_uri, segment->key_path);
  check_uri (check, segment->map_uri, segment->map_path);
  return check->absolute == NULL;
}

/* A playlist (or a local variant of it) that names its files by absolute paths into the
 * folder would name nothing once the folder is renamed. */
static gboolean
check_no_absolute_uris (const char    *playlist_path,
                        const char    *folder,
                        const char    *real_folder,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  AbsoluteCheck check = { folder, real_folder, NULL };

  playlist = vs_playlist_parse (playlist_path, real_folder, check_segment, &check, cancellable,
                                NULL);
  if (playlist != NULL)
    {
      check_uri (&check, vs_playlist_get_map_uri (playlist), vs_playlist_get_map_path (playlist));
      for (guint i = 0; check.absolute == NULL && i < vs_playlist_get_n_variants (playlist); i++)
        {
          const VsPlaylistVariant *variant = vs_playlist_get_variant (playlist, i);
          g_autoptr(VsPlaylist) media = NULL;

          check_uri (&check, variant->uri, variant->path);
          if (check.absolute == NULL && variant->path != NULL && variant->exists)
            media = vs_playlist_parse (variant->path, real_folder, check_segment, &check,
                                       cancellable, NULL);
        }
    }
  if (check.absolute != NULL)
    {
      g_autofree char *display = g_filename_display_basename (folder);

      g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_MEDIA,
                   _("The playlist of “%s” names its files by absolute paths (%s); renaming "
                     "its folder would break it"), display, check.absolute);
      g_free (check.absolute);
      return FALSE;
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Subtitles -------------------------------------------------------------------------- */

static gboolean
is_subtitle_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (subtitle_suffixes); i++)
    if (vs_path_has_suffix_nocase (name, subtitle_suffixes[i]))
      return TRUE;
  return FALSE;
}

/* The subtitles of @video (NAME.srt, NAME.en.vtt…) follow its new stem. A subtitle that
 * another video's longer stem claims ("NAME.en.mp4" beside "NAME.mp4") stays. */
static gboolean
add_subtitles (GArray      *moves,
               const char  *video,
               const char  *new_name,
               GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (video);
  g_autofree char *base = g_path_get_basename (video);
  g_autofree char *stem = stem_of (base);
  g_autofree char *new_stem = stem_of (new_name);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) stems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = NULL;
  gsize stem_len = strlen (stem);
  const char *name;

  if (strcmp (stem, new_stem) == 0)
    return TRUE;
  if ((d = g_dir_open (dir, 0, error)) == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (strcmp (name, base) != 0 && vs_scanner_is_video_name (name))
        g_ptr_array_add (stems, stem_of (name));
      else if (strncmp (name, stem, stem_len) == 0 && name[stem_len] == '.' &&
               is_subtitle_name (name))
        g_ptr_array_add (names, g_strdup (name));
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *sub = g_ptr_array_index (names, i);
      gboolean theirs = FALSE;
      Move m = { 0 };

      for (guint k = 0; !theirs && k < stems->len; k++)
        {
          const char *other = g_ptr_array_index (stems, k);
          gsize len = strlen (other);

          theirs = len > stem_len && strncmp (sub, other, len) == 0 && sub[len] == '.';
        }
      m.from = g_build_filename (dir, sub, NULL);
      if (theirs || lstat (m.from, &m.st) != 0 || !S_ISREG (m.st.st_mode))
        {
          g_free (m.from);
          continue;
        }
      {
        g_autofree char *renamed = g_strconcat (new_stem, sub + stem_len, NULL);

        if (strlen (renamed) > NAME_MAX_BYTES)
          {
            g_free (m.from);
            return invalid (error, _("The name is too long for the video’s subtitles (at "
                                     "most 255 bytes)"));
          }
        m.to = g_build_filename (dir, renamed, NULL);
      }
      g_array_append_val (moves, m);
    }
  return TRUE;
}

/* Moving ------------------------------------------------------------------------------ */

static gboolean
errno_error (GError    **error,
             int         saved,
             const char *from,
             const char *to)
{
  g_autofree char *a = g_filename_display_basename (from);
  g_autofree char *b = g_filename_display_basename (to);

  if (saved == EEXIST || saved == ENOTEMPTY)
    g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_EXISTS,
                 _("“%s” already exists in this folder; nothing was renamed"), b);
  else if (saved == ENOENT)
    g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_CHANGED,
                 _("“%s” is gone; nothing was renamed"), a);
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 _("Could not rename “%s” to “%s”: %s"), a, b, g_strerror (saved));
  return FALSE;
}

static gboolean
unsupported (GError    **error,
             const char *from)
{
  g_autofree char *a = g_filename_display_basename (from);

  g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_UNSUPPORTED,
               _("The disk holding “%s” cannot rename a file without the risk of replacing "
                 "another one; nothing was renamed"), a);
  return FALSE;
}

/* Renames @from to @to only if nothing is at @to, as the kernel sees it at the move. */
static gboolean
rename_noreplace (const char  *from,
                  const char  *to,
                  gboolean     is_dir,
                  GError     **error)
{
  int saved;

  if (_vs_trash_rename_without_noreplace)
    saved = EINVAL;
  else if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return TRUE;
  else
    saved = errno;
  if (saved != EINVAL && saved != ENOSYS && saved != EOPNOTSUPP)
    return errno_error (error, saved, from, to);
  if (!is_dir)
    {
      /* link() refuses an existing name: the new name is taken atomically */
      if (link (from, to) != 0)
        {
          saved = errno;
          if (saved == EPERM || saved == EOPNOTSUPP || saved == ENOSYS || saved == EMLINK)
            return unsupported (error, from);
          return errno_error (error, saved, from, to);
        }
      if (unlink (from) == 0)
        return TRUE;
      saved = errno;
      unlink (to);
      return errno_error (error, saved, from, to);
    }
  /* A folder: mkdir() takes the name, and rename() may replace only that empty folder
   * (anything written into it meanwhile makes rename() fail with ENOTEMPTY). */
  if (mkdir (to, 0700) != 0)
    return errno_error (error, errno, from, to);
  if (rename (from, to) == 0)
    return TRUE;
  saved = errno;
  rmdir (to);
  if (saved == EINVAL || saved == EOPNOTSUPP)
    return unsupported (error, from);
  return errno_error (error, saved, from, to);
}

static gboolean
run_moves (GArray       *moves,
           VsTrash      *trash,
           GCancellable *cancellable,
           GError      **error)
{
  gboolean ok;

  _vs_trash_lock ();
  ok = _vs_trash_verify (trash, cancellable, error);
  for (guint i = 0; ok && i < moves->len; i++)
    {
      Move *m = &g_array_index (moves, Move, i);
      struct stat now;

      if (lstat (m->from, &now) != 0 || !same_stamp (&now, &m->st))
        {
          g_autofree char *display = g_filename_display_basename (m->from);

          g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_CHANGED,
                       _("“%s” is gone or changed since it was checked; nothing was renamed"),
                       display);
          ok = FALSE;
        }
    }
  for (guint i = 0; ok && i < moves->len; i++)
    {
      Move *m = &g_array_index (moves, Move, i);

      if (m->same)
        ok = rename (m->from, m->to) == 0 || errno_error (error, errno, m->from, m->to);
      else
        ok = rename_noreplace (m->from, m->to, S_ISDIR (m->st.st_mode), error);
      m->done = ok;
    }
  if (!ok)
    {
      /* all or nothing: what was renamed gets its name back */
      for (guint i = moves->len; i > 0; i--)
        {
          Move *m = &g_array_index (moves, Move, i - 1);
          g_autoptr(GError) back = NULL;

          if (m->done && m->same && rename (m->to, m->from) != 0)
            g_warning ("Putting a name back after a refused rename: %s", g_strerror (errno));
          else if (m->done && !m->same &&
                   !rename_noreplace (m->to, m->from, S_ISDIR (m->st.st_mode), &back))
            g_warning ("Putting a name back after a refused rename: %s", back->message);
          m->done = FALSE;
        }
    }
  _vs_trash_unlock ();
  return ok;
}

/* The rename ------------------------------------------------------------------------- */

static gboolean
check_target (Move     *m,
              GError  **error)
{
  struct stat st;

  g_autofree char *a = g_path_get_basename (m->from);
  g_autofree char *b = g_path_get_basename (m->to);

  if (lstat (m->to, &st) != 0)
    return TRUE;
  /* the same file under another case, on a disk that ignores case (a hard link under
   * another name is another name: refused) */
  m->same = same_inode (&st, &m->st) && g_ascii_strcasecmp (a, b) == 0;
  if (m->same)
    return TRUE;
  return errno_error (error, EEXIST, m->from, m->to);
}

gboolean
vs_trash_rename (const char          *item_path,
                 const char          *new_name,
                 const char * const  *roots,
                 char               **out_from,
                 char               **out_to,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autoptr(GArray) moves = g_array_new (FALSE, TRUE, sizeof (Move));
  g_autoptr(VsTrash) trash = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *dir = NULL;
  Move item = { 0 };
  struct stat st;

  g_return_val_if_fail (item_path != NULL, FALSE);
  g_return_val_if_fail (new_name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_array_set_clear_func (moves, move_clear);
  if (!vs_trash_check_name (new_name, -1, error))
    return FALSE;
  file = g_file_new_for_path (item_path);
  absolute = g_file_get_path (file);
  /* what the item is and takes (a missing file, a protected folder named directly, a
   * folder without a download are refused there) */
  trash = vs_trash_new_for_item (absolute, roots, cancellable, error);
  if (trash == NULL || lstat (absolute, &st) != 0)
    {
      if (trash != NULL)
        return errno_error (error, ENOENT, absolute, absolute);
      return FALSE;
    }
  if (trash->is_hls)
    {
      g_autofree char *from = S_ISDIR (st.st_mode) ? g_strdup (absolute)
                                                   : g_path_get_dirname (absolute);
      struct stat real_st;

      /* the folder itself, not a symlink naming it (that would rename the link) */
      if (lstat (from, &item.st) != 0 || stat (trash->folder, &real_st) != 0)
        return errno_error (error, errno, from, from);
      if (!same_inode (&item.st, &real_st))
        {
          g_autofree char *display = g_filename_display_name (from);

          g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_MEDIA,
                       _("“%s” is a link to the download’s folder; rename the folder itself"),
                       display);
          return FALSE;
        }
      if (vs_trash_is_protected (trash->folder, roots))
        {
          g_autofree char *display = g_filename_display_name (from);

          g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_PROTECTED,
                       _("The download is in “%s”, a library folder, your home folder, a "
                         "standard folder or the top of a disk, or one holding one; it is "
                         "not renamed"), display);
          return FALSE;
        }
      item.from = g_steal_pointer (&from);
    }
  else
    {
      item.from = g_strdup (absolute);
      item.st = st;
    }
  dir = g_path_get_dirname (item.from);
  item.to = g_build_filename (dir, new_name, NULL);
  g_array_append_val (moves, item);
  if (strcmp (item.from, item.to) == 0)
    {
      if (out_from != NULL)
        *out_from = g_strdup (item.from);
      if (out_to != NULL)
        *out_to = g_strdup (item.to);
      return TRUE;
    }
  if (trash->is_hls &&
      (!check_folder_alone (trash, error) ||
       !check_no_absolute_uris (trash->item_path, item.from, trash->folder, cancellable, error)))
    return FALSE;
  if (!trash->is_hls && !add_subtitles (moves, item.from, new_name, error))
    return FALSE;
  for (guint i = 0; i < moves->len; i++)
    if (!check_target (&g_array_index (moves, Move, i), error))
      return FALSE;
  if (!run_moves (moves, trash, cancellable, error))
    return FALSE;
  if (out_from != NULL)
    *out_from = g_strdup (g_array_index (moves, Move, 0).from);
  if (out_to != NULL)
    *out_to = g_strdup (g_array_index (moves, Move, 0).to);
  return TRUE;
}
