/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-hls-merge-validate.c: what the HLS folder holds and where the output may go */
#define G_LOG_DOMAIN "vs-merge"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vs-hls-merge-private.h"
#include "vs-path.h"

/* Resolving the input and the output --------------------------------------- */

/* A folder's playlist, as the merge's errors say it (an unreadable folder as it is). */
static char *
find_playlist (const char  *folder,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *path = vs_playlist_find_in_folder (folder, &local_error);

  if (path != NULL)
    return path;
  if (local_error->domain == G_FILE_ERROR)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error_literal (error, VS_MERGE_ERROR, VS_MERGE_ERROR_NO_PLAYLIST, local_error->message);
  return NULL;
}

gboolean
_vs_hls_merge_resolve_paths (Merge   *m,
                             GError **error)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *input = g_canonicalize_filename (m->input, cwd);
  g_autofree char *out_dir = NULL;
  g_autofree char *out_name = NULL;
  g_autofree char *temp_name = NULL;

  if (g_file_test (input, G_FILE_TEST_IS_DIR))
    {
      m->folder = g_steal_pointer (&input);
      m->playlist_path = find_playlist (m->folder, error);
      if (m->playlist_path == NULL)
        return FALSE;
    }
  else
    {
      m->folder = g_path_get_dirname (input);
      m->playlist_path = g_steal_pointer (&input);
    }

  /* realpath() allocates with malloc(); g_free() is free() */
  m->real_folder = realpath (m->folder, NULL);
  if (m->real_folder == NULL)
    m->real_folder = g_strdup (m->folder);

  if (m->output == NULL)
    {
      g_autofree char *parent = g_path_get_dirname (m->folder);
      g_autofree char *base = g_path_get_basename (m->folder);
      g_autofree char *name = g_strconcat (base, ".mp4", NULL);

      m->output = g_build_filename (parent, name, NULL);
    }
  else
    {
      char *absolute = g_canonicalize_filename (m->output, cwd);

      g_free (m->output);
      m->output = absolute;
    }

  out_dir = g_path_get_dirname (m->output);
  out_name = g_path_get_basename (m->output);
  temp_name = g_strconcat (".", out_name, TEMP_SUFFIX, NULL);
  m->temp = g_build_filename (out_dir, temp_name, NULL);
  return TRUE;
}

/* Validation pass ---------------------------------------------------------- */

/* Whether @path, once its symlinks are followed, is still inside the folder. A path that
 * does not resolve (missing, a dangling link) passes: opening it fails next. */
gboolean
_vs_hls_merge_resolves_inside (Merge      *m,
                               const char *path)
{
  g_autofree char *real = realpath (path, NULL);

  return real == NULL || vs_path_is_inside (real, m->real_folder);
}

/* Where a segment's (or an init section's) bytes are read from: its local file, or for a
 * remote URI the copy saved beside the playlist, which is then returned in *@copy too, to
 * be freed; NULL when there is neither. Where either lies is checked by the caller. */
const char *
_vs_hls_merge_segment_file (Merge       *m,
                            const char  *uri,
                            const char  *path,
                            char       **copy)
{
  *copy = NULL;
  if (path != NULL || uri == NULL)
    return path;
  *copy = vs_playlist_local_copy (uri, m->folder);
  return *copy;
}

/* Refuses when the file @st describes is what the output names: replacing the output
 * would replace an input, --force or not. */
static gboolean
check_not_output (Merge              *m,
                  const struct stat  *st,
                  GError            **error)
{
  g_autofree char *display = NULL;

  if (!m->output_exists || (!_vs_hls_merge_same_file (st, &m->output_st) && !_vs_hls_merge_same_file (st, &m->output_lst)))
    return TRUE;
  display = g_filename_display_name (m->output);
  g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT,
               _("The output “%s” is one of the files being merged"), display);
  return FALSE;
}

/* A segment or init section, opened for reading: a FIFO or a device is refused, never
 * waited on (the merge could not be cancelled while open() blocks). */
int
_vs_hls_merge_open_segment (const char  *path,
                            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  int fd = vs_path_open_regular (path, &local_error);
  int saved = errno;

  if (fd >= 0)
    return fd;
  display = g_filename_display_name (path);
  g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT,
               _("The segment “%s” is missing or unreadable: %s"), display,
               g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE)
                 ? _("not a regular file") : g_strerror (saved));
  return -1;
}

static gboolean
check_file (Merge       *m,
            const char  *path,
            gint64       offset,
            gint64       length,
            GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  GStatBuf st;
  int fd;

  if (!vs_path_is_inside (path, m->folder))
    {
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_ESCAPING,
                   _("The segment “%s” lies outside the HLS folder"), display);
      return FALSE;
    }
  if (!_vs_hls_merge_resolves_inside (m, path))
    {
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_ESCAPING,
                   _("The segment “%s” is a link to a file outside the HLS folder"), display);
      return FALSE;
    }
  fd = _vs_hls_merge_open_segment (path, error);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT,
                   _("The segment “%s” is missing or unreadable: %s"), display,
                   g_strerror (saved));
      return FALSE;
    }
  close (fd);
  if (!check_not_output (m, &st, error))
    return FALSE;
  if (length < 0)
    length = st.st_size - offset;
  if (offset < 0 || length < 0 || offset + length > st.st_size)
    {
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT,
                   _("The segment “%s” is shorter than its byte range"), display);
      return FALSE;
    }
  m->total_bytes += (guint64) length;
  return TRUE;
}

static gboolean
check_segment (const VsPlaylistSegment *segment,
               gpointer                 user_data)
{
  Merge *m = user_data;
  g_autofree char *copy = NULL;
  const char *path = _vs_hls_merge_segment_file (m, segment->uri, segment->path, &copy);

  if (path == NULL)
    {
      /* counted, not refused yet: the refusal says how many copies are missing */
      if (m->n_copies_missing++ == 0)
        m->first_missing_copy = g_strdup (segment->uri);
      return TRUE;
    }
  if (copy != NULL)
    m->n_copies++;
  return check_file (m, path, segment->byte_offset, segment->byte_length, &m->check_error);
}

gboolean
_vs_hls_merge_check_flags (Merge            *m,
                           VsPlaylistFlags   flags,
                           GError          **error)
{
  /* the remote URIs were all read from their local copies */
  if (m->local_copies)
    flags &= ~VS_PLAYLIST_FLAG_REMOTE;
  if (flags & VS_PLAYLIST_FLAG_ENCRYPTED)
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_ENCRYPTED,
                 _("The playlist is encrypted (AES-128 or SAMPLE-AES); it cannot be merged"));
  else if (flags & VS_PLAYLIST_FLAG_REMOTE)
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_REMOTE,
                 _("The playlist names remote segments; only local files can be merged"));
  else if (flags & VS_PLAYLIST_FLAG_ESCAPING)
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_ESCAPING,
                 _("The playlist names files outside its folder"));
  else
    return TRUE;
  return FALSE;
}

static gboolean
check_playlist_not_output (Merge       *m,
                           const char  *path,
                           GError     **error)
{
  struct stat st;

  return path == NULL || stat (path, &st) != 0 || check_not_output (m, &st, error);
}

gboolean
_vs_hls_merge_validate (Merge         *m,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *map_path;
  g_autofree char *map_copy = NULL;

  m->n_copies = m->n_copies_missing = 0;
  g_clear_pointer (&m->first_missing_copy, g_free);
  playlist = vs_playlist_load (m->playlist_path, check_segment, m, cancellable, &local_error);
  if (playlist == NULL)
    {
      if (m->check_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&m->check_error));
        }
      else if (g_error_matches (local_error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_NO_VARIANT))
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_NO_VARIANT,
                       _("No variant of the master playlist is present locally"));
        }
      else if (local_error->domain == VS_PLAYLIST_ERROR)
        {
          g_autofree char *display = g_filename_display_name (m->playlist_path);

          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID,
                       _("Cannot read the playlist “%s”: %s"), display, local_error->message);
        }
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (m->n_copies_missing > 0)
    {
      g_autofree char *display = g_filename_display_name (m->folder);
      guint n_remote = m->n_copies + m->n_copies_missing;

      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_REMOTE,
                   _("The playlist names remote segments and %u of the %u have no local copy "
                     "in “%s” (the first: %s); only local files can be merged"),
                   m->n_copies_missing, n_remote, display, m->first_missing_copy);
      return FALSE;
    }
  map_path = _vs_hls_merge_segment_file (m, vs_playlist_get_map_uri (playlist),
                                         vs_playlist_get_map_path (playlist), &map_copy);
  m->local_copies = m->n_copies > 0;
  if (!_vs_hls_merge_check_flags (m, vs_playlist_get_flags (playlist), error) ||
      !check_playlist_not_output (m, vs_playlist_get_path (playlist), error) ||
      !check_playlist_not_output (m, vs_playlist_get_master_path (playlist), error))
    return FALSE;

  m->fmp4 = (vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_INIT_MAP) != 0;
  if (m->fmp4)
    {
      gint64 offset, length;

      if (map_path == NULL)
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_REMOTE,
                       _("The playlist's initialisation section is not a local file"));
          return FALSE;
        }
      vs_playlist_get_map_byte_range (playlist, &offset, &length);
      if (!check_file (m, map_path, offset, length, error))
        return FALSE;
    }
  m->duration_ms = vs_playlist_get_duration_ms (playlist);
  return TRUE;
}

/* Opens (O_PATH) the output's folder, or the nearest folder above it that exists. */
static int
open_output_dir (Merge   *m,
                 GError **error)
{
  g_autofree char *dir = g_path_get_dirname (m->output);

  for (;;)
    {
      int fd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      char *parent;

      if (fd >= 0 || errno != ENOENT || strcmp (dir, "/") == 0)
        {
          int saved = errno;

          if (fd < 0)
            {
              g_autofree char *display = g_filename_display_name (dir);

              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                           _("Could not open the folder “%s”: %s"), display,
                           g_strerror (saved));
            }
          return fd;
        }
      parent = g_path_get_dirname (dir);
      g_free (dir);
      dir = parent;
    }
}

/* The output must not land in the HLS folder or below it: the folder may go to the trash,
 * and the output would go with it. Decided on the real folders (device and inode), walking
 * up through “..” from where the output goes, so neither a symlink nor a bind mount of the
 * folder gets past. */
static gboolean
check_output_outside (Merge   *m,
                      GError **error)
{
  g_autofree char *display = g_filename_display_name (m->output);
  struct stat folder_st, st, parent_st;
  int fd;

  if (stat (m->folder, &folder_st) != 0)
    {
      int saved = errno;
      g_autofree char *folder_display = g_filename_display_name (m->folder);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open the folder “%s”: %s"), folder_display,
                   g_strerror (saved));
      return FALSE;
    }
  if ((fd = open_output_dir (m, error)) < 0)
    return FALSE;
  for (;;)
    {
      int parent;

      if (fstat (fd, &st) != 0)
        break;
      if (_vs_hls_merge_same_file (&st, &folder_st))
        {
          close (fd);
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT,
                       _("The output “%s” must not be inside the HLS folder"), display);
          return FALSE;
        }
      parent = openat (fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (parent < 0)
        break;
      close (fd);
      fd = parent;
      /* the root is its own parent */
      if (fstat (fd, &parent_st) != 0 || _vs_hls_merge_same_file (&st, &parent_st))
        {
          close (fd);
          return TRUE;
        }
    }
  /* a folder above that cannot be searched: whether the HLS folder is among them is
   * unknown, so the output is refused */
  {
    int saved = errno;

    close (fd);
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT,
                 _("Could not tell whether the output “%s” is inside the HLS folder: %s"),
                 display, g_strerror (saved));
  }
  return FALSE;
}

gboolean
_vs_hls_merge_check_output (Merge   *m,
                            GError **error)
{
  g_autofree char *display = g_filename_display_name (m->output);
  g_autoptr(GFile) temp = NULL;
  g_autoptr(GFile) out_dir = NULL;
  g_autoptr(GFileInfo) info = NULL;
  GStatBuf st;
  guint64 needed, free_bytes;

  if (!check_output_outside (m, error))
    return FALSE;
  if (g_lstat (m->output, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT,
                       _("The output “%s” is a folder"), display);
          return FALSE;
        }
      if (!m->force)
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_EXISTS,
                       _("“%s” already exists (use --force to replace it)"), display);
          return FALSE;
        }
    }

  temp = g_file_new_for_path (m->temp);
  out_dir = g_file_get_parent (temp);
  info = g_file_query_filesystem_info (out_dir, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, error);
  if (info == NULL)
    return FALSE;
  if (!g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    return TRUE;
  free_bytes = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
  /* Containers differ by a few percent; the index is reserved up front. */
  needed = m->total_bytes + m->total_bytes / 20 + 16 * 1024 * 1024;
  if (free_bytes < needed)
    {
      g_autofree char *need_text = g_format_size (needed);
      g_autofree char *free_text = g_format_size (free_bytes);

      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_NO_SPACE,
                   _("Not enough free space for “%s”: %s needed, %s free"),
                   display, need_text, free_text);
      return FALSE;
    }
  return TRUE;
}

/* What the trash may take ------------------------------------------------------ */

#define INVENTORY_MAX_DEPTH 8

/* Every file under @dir (lexical paths, symlinks not followed) that is neither a
 * playlist nor a leftover of ours. Bounded by the folder's own listing. */
static gboolean
list_unexplained (const char  *dir,
                  guint        depth,
                  GHashTable  *files,
                  GError     **error)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, error);
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue; /* vanished: it will not go to the trash either */
      if (S_ISDIR (st.st_mode) && depth < INVENTORY_MAX_DEPTH)
        {
          if (!list_unexplained (path, depth + 1, files, error))
            return FALSE;
        }
      else if (!(S_ISREG (st.st_mode) && (vs_path_is_playlist_name (name) || vs_hls_merge_is_temp_name (name))))
        g_hash_table_add (files, g_steal_pointer (&path));
    }
  return TRUE;
}

typedef struct
{
  Merge      *m;
  GHashTable *files;
} Inventory;

/* Crosses @path off, and the file it links to when that is inside the folder too. */
static void
inventory_tick (Inventory  *inv,
                const char *path)
{
  g_autofree char *real = NULL;

  if (path == NULL)
    return;
  g_hash_table_remove (inv->files, path);
  real = realpath (path, NULL);
  if (real != NULL && vs_path_is_inside (real, inv->m->real_folder))
    {
      g_autofree char *lexical = g_strconcat (inv->m->folder,
                                              real + strlen (inv->m->real_folder), NULL);

      g_hash_table_remove (inv->files, lexical);
    }
}

static gboolean
inventory_segment (const VsPlaylistSegment *segment,
                   gpointer                 user_data)
{
  Inventory *inv = user_data;
  g_autofree char *copy = NULL;

  inventory_tick (inv, _vs_hls_merge_segment_file (inv->m, segment->uri, segment->path, &copy));
  return TRUE;
}

/* Crosses off what a media playlist names: its segments and its init section. */
static VsPlaylist *
inventory_parse (Inventory  *inv,
                 const char *path)
{
  VsPlaylist *playlist = vs_playlist_parse (path, inv->m->folder, inventory_segment, inv,
                                            inv->m->cancellable, NULL);

  if (playlist != NULL)
    {
      g_autofree char *copy = NULL;

      inventory_tick (inv, _vs_hls_merge_segment_file (inv->m, vs_playlist_get_map_uri (playlist),
                                                       vs_playlist_get_map_path (playlist),
                                                       &copy));
    }
  return playlist;
}

/* The folder holds nothing but playlists and the files the chosen playlist (or, for a
 * master, each of its local variants) names: anything else would go to the trash with
 * it. Alternative renditions (#EXT-X-MEDIA) are not followed, so their segments count
 * as other files: a refusal, never a loss. */
gboolean
_vs_hls_merge_check_hls_only (Merge   *m,
                              GError **error)
{
  g_autoptr(GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(VsPlaylist) chosen = NULL;
  Inventory inv = { m, files };

  if (!list_unexplained (m->folder, 0, files, error))
    return FALSE;
  chosen = inventory_parse (&inv, m->playlist_path);
  for (guint i = 0; chosen != NULL && i < vs_playlist_get_n_variants (chosen); i++)
    {
      const VsPlaylistVariant *variant = vs_playlist_get_variant (chosen, i);
      g_autoptr(VsPlaylist) media = NULL;

      if (variant->path != NULL && variant->exists && vs_path_is_inside (variant->path, m->folder))
        media = inventory_parse (&inv, variant->path);
    }
  if (g_hash_table_size (files) > 0)
    {
      g_autofree char *display = g_filename_display_name (m->folder);
      GHashTableIter iter;
      gpointer example;
      g_autofree char *shown = NULL;

      g_hash_table_iter_init (&iter, files);
      g_hash_table_iter_next (&iter, &example, NULL);
      shown = g_filename_display_name ((char *) example + strlen (m->folder) + 1);
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_SOURCE_NOT_HLS_ONLY,
                   _("“%s” also holds files that are not part of the video, such as “%s”; "
                     "it was not merged, so that nothing else goes to the trash"),
                   display, shown);
      return FALSE;
    }
  return TRUE;
}
