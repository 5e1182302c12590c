/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-playlist-folder.c: which playlist of a download folder is the download */
#define G_LOG_DOMAIN "vs-playlist"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vs-path.h"
#include "vs-playlist.h"

/* A master playlist names no segment: at the first one the answer is known. */
static gboolean
stop_at_segment (const VsPlaylistSegment *segment,
                 gpointer                 user_data)
{
  return FALSE;
}

/* Reads a media playlist only up to its first segment: the caller (the prober, the merge)
 * parses the one chosen in full, and would otherwise parse it twice. */
static gboolean
is_master (const char *path,
           const char *folder)
{
  g_autoptr(VsPlaylist) playlist =
    vs_playlist_parse (path, folder, stop_at_segment, NULL, NULL, NULL);

  return playlist != NULL && (vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_MASTER);
}

char *
vs_playlist_find_in_folder (const char  *folder,
                            GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) masters = g_ptr_array_new ();
  g_autofree char *display = NULL;
  const char *name;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_dir_open (folder, 0, error);
  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (vs_path_has_suffix_nocase (name, ".m3u8"))
        g_ptr_array_add (found, g_build_filename (folder, name, NULL));
    }
  /* the only playlist is the download, master or not: nothing to read */
  if (found->len == 1)
    return g_strdup (g_ptr_array_index (found, 0));
  for (guint i = 0; i < found->len; i++)
    if (is_master (g_ptr_array_index (found, i), folder))
      g_ptr_array_add (masters, g_ptr_array_index (found, i));

  if (masters->len == 1)
    return g_strdup (g_ptr_array_index (masters, 0));
  display = g_filename_display_name (folder);
  if (found->len == 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("“%s” holds no .m3u8 playlist"),
                 display);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                 _("“%s” holds several playlists; name the one to merge"), display);
  return NULL;
}
