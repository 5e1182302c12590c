/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-hls-info.c: what state an HLS download is in
 *
 * One tally per media playlist, filled while the parser streams it (nothing is kept per
 * segment), so the scanner gets the state from the same single pass that claims the
 * segments, and `probe` the same answer from vs_hls_info_compute().
 */
#define G_LOG_DOMAIN "vs-hls"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>

#include "vs-hls-info-private.h"
#include "vs-playlist-private.h"

G_DEFINE_BOXED_TYPE (VsHlsInfo, vs_hls_info, vs_hls_info_copy, vs_hls_info_free)

/* The tally */

void
_vs_hls_tally_clear (VsHlsTally *tally)
{
  g_clear_pointer (&tally->last_path, g_free);
  g_clear_pointer (&tally->last_key_uri, g_free);
  g_clear_pointer (&tally->last_map_uri, g_free);
}

void
_vs_hls_tally_reset (VsHlsTally *tally,
                     const char *dir)
{
  VsHlsTally fresh = { dir, tally->found, tally->user_data, tally->cancellable };

  _vs_hls_tally_clear (tally);
  *tally = fresh;
}

/* A regular file here, reported to tally->found; FALSE when it is not. */
static gboolean
tally_file (VsHlsTally *tally,
            const char *path)
{
  struct stat st;

  if (stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  if (tally->found != NULL)
    tally->found (path, (gint64) st.st_size,
                  st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec,
                  tally->user_data);
  return TRUE;
}

/* The file a playlist line names, here: its local path, or a remote URI's local copy. */
static gboolean
tally_named_file (VsHlsTally *tally,
                  const char *path,
                  const char *uri)
{
  g_autofree char *name = NULL;
  g_autofree char *copy = NULL;

  if (path != NULL)
    return tally_file (tally, path);
  name = _vs_playlist_remote_basename (uri);
  if (name == NULL)
    return FALSE;
  copy = g_build_filename (tally->dir, name, NULL);
  return tally_file (tally, copy);
}

/* Compares @uri with *last and takes its place: each key or map is looked for once per
 * run of segments that name it. */
static gboolean
same_as_last (char       **last,
              const char  *uri)
{
  if (*last != NULL && g_str_equal (*last, uri))
    return TRUE;
  g_free (*last);
  *last = g_strdup (uri);
  return FALSE;
}

gboolean
_vs_hls_tally_segment (const VsPlaylistSegment *segment,
                       gpointer                 user_data)
{
  VsHlsTally *tally = user_data;
  gboolean present;

  tally->segments++;
  if (segment->path == NULL)
    {
      tally->remote++;
      present = tally_named_file (tally, NULL, segment->uri);
      tally->copies += present;
    }
  else if (tally->last_path != NULL && g_str_equal (tally->last_path, segment->path))
    present = tally->last_present; /* byte ranges of one file */
  else
    {
      present = tally_file (tally, segment->path);
      g_free (tally->last_path);
      tally->last_path = g_strdup (segment->path);
      tally->last_present = present;
    }
  if (present)
    tally->present++;
  else
    tally->missing++;

  if (segment->encrypted)
    {
      tally->encrypted = TRUE;
      /* a METHOD without a URI names no key that could be here */
      if (segment->key_uri == NULL)
        tally->key_missing = TRUE;
      else if (!same_as_last (&tally->last_key_uri, segment->key_uri) &&
               !tally_named_file (tally, segment->key_path, segment->key_uri))
        tally->key_missing = TRUE;
    }
  if (segment->map_uri != NULL)
    {
      tally->has_map = TRUE;
      if (!same_as_last (&tally->last_map_uri, segment->map_uri) &&
          !tally_named_file (tally, segment->map_path, segment->map_uri))
        tally->map_missing = TRUE;
    }

  return !g_cancellable_is_cancelled (tally->cancellable);
}

void
_vs_hls_info_fill (VsHlsInfo               *info,
                   const VsHlsTally        *tally,
                   VsPlaylistFlags          media_flags,
                   const VsPlaylistVariant *variant)
{
  VsHlsFlags flags = VS_HLS_FLAG_NONE;

  vs_hls_info_clear (info);
  if (media_flags & VS_PLAYLIST_FLAG_ENDLIST)
    flags |= VS_HLS_FLAG_ENDLIST;
  if (tally->encrypted)
    flags |= VS_HLS_FLAG_ENCRYPTED | (tally->key_missing ? 0 : VS_HLS_FLAG_KEY_PRESENT);
  if (tally->remote > 0)
    flags |= VS_HLS_FLAG_REMOTE | (tally->copies == tally->remote ? VS_HLS_FLAG_ALL_COPIES : 0);
  if (tally->has_map)
    flags |= VS_HLS_FLAG_INIT_MAP | (tally->map_missing ? VS_HLS_FLAG_MAP_MISSING : 0);
  if (variant != NULL)
    {
      flags |= VS_HLS_FLAG_MASTER;
      info->variant = g_strdup (variant->uri);
      info->variant_bandwidth = variant->bandwidth;
      info->variant_width = variant->width;
      info->variant_height = variant->height;
    }

  info->flags = flags;
  info->segments = tally->segments;
  info->missing = tally->missing;
  info->state = vs_hls_state_from_facts (flags, tally->segments, tally->missing);
}

/* Public API */

VsHlsState
vs_hls_state_from_facts (VsHlsFlags flags,
                         guint      segments,
                         guint      missing)
{
  /* a remote playlist with nothing of it here is a stream's, not a download gone wrong */
  gboolean stream = (flags & VS_HLS_FLAG_REMOTE) && missing == segments;
  gboolean gaps = missing > 0 || (flags & VS_HLS_FLAG_MAP_MISSING);

  if (!(flags & VS_HLS_FLAG_ENDLIST) || (gaps && !stream))
    return VS_HLS_STATE_INCOMPLETE;
  if ((flags & VS_HLS_FLAG_ENCRYPTED) && !(flags & VS_HLS_FLAG_KEY_PRESENT))
    return VS_HLS_STATE_ENCRYPTED;
  if (flags & VS_HLS_FLAG_REMOTE)
    return VS_HLS_STATE_REMOTE;
  if (flags & VS_HLS_FLAG_ENCRYPTED)
    return VS_HLS_STATE_ENCRYPTED;
  if (flags & VS_HLS_FLAG_MASTER)
    return VS_HLS_STATE_MASTER;
  return VS_HLS_STATE_COMPLETE;
}

VsHlsInfo *
vs_hls_info_compute (const char    *playlist_path,
                     const char    *folder,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_auto(VsHlsTally) tally = { NULL };
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(VsPlaylist) media = NULL;
  g_autoptr(VsHlsInfo) info = g_new0 (VsHlsInfo, 1);
  g_autofree char *canonical = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *variant_dir = NULL;
  const VsPlaylistVariant *variant = NULL;
  g_autofree char *shown = NULL;
  int chosen;

  g_return_val_if_fail (playlist_path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* as the parser names it: local copies are looked for beside it */
  canonical = g_canonicalize_filename (playlist_path, NULL);
  dir = g_path_get_dirname (canonical);
  _vs_hls_tally_reset (&tally, dir);
  tally.cancellable = cancellable;
  playlist = vs_playlist_parse (canonical, folder, _vs_hls_tally_segment, &tally, cancellable,
                                error);
  if (playlist == NULL)
    return NULL;
  if (!(vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_MASTER))
    {
      _vs_hls_info_fill (info, &tally, vs_playlist_get_flags (playlist), NULL);
      return g_steal_pointer (&info);
    }

  chosen = vs_playlist_choose_variant (playlist);
  if (chosen < 0)
    {
      g_autofree char *display = g_filename_display_name (canonical);

      g_set_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_NO_VARIANT,
                   "“%s” lists no variant present locally", display);
      return NULL;
    }

  /* the variant's local URIs must stay inside the master's folder, as for
   * vs_playlist_load() */
  variant = vs_playlist_get_variant (playlist, (guint) chosen);
  variant_dir = g_path_get_dirname (variant->path);
  _vs_hls_tally_reset (&tally, variant_dir);
  media = vs_playlist_parse (variant->path, folder != NULL ? folder : dir, _vs_hls_tally_segment,
                             &tally, cancellable, error);
  shown = g_utf8_make_valid (variant->uri, -1);
  if (media == NULL)
    {
      g_prefix_error (error, "Variant “%s”: ", shown);
      return NULL;
    }
  if (vs_playlist_get_flags (media) & VS_PLAYLIST_FLAG_MASTER)
    {
      g_set_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID,
                   "Variant “%s” is itself a master playlist", shown);
      return NULL;
    }
  _vs_hls_info_fill (info, &tally, vs_playlist_get_flags (media), variant);
  return g_steal_pointer (&info);
}

VsHlsInfo *
vs_hls_info_copy (const VsHlsInfo *self)
{
  VsHlsInfo *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VsHlsInfo, 1);
  vs_hls_info_set (copy, self);
  return copy;
}

void
vs_hls_info_free (VsHlsInfo *self)
{
  if (self == NULL)
    return;
  vs_hls_info_clear (self);
  g_free (self);
}

void
vs_hls_info_clear (VsHlsInfo *self)
{
  g_return_if_fail (self != NULL);

  g_free (self->variant);
  memset (self, 0, sizeof *self);
}

void
vs_hls_info_set (VsHlsInfo       *dest,
                 const VsHlsInfo *src)
{
  char *variant;

  g_return_if_fail (dest != NULL && src != NULL);

  variant = g_strdup (src->variant); /* @src may be @dest */
  g_free (dest->variant);
  *dest = *src;
  dest->variant = variant;
}

gboolean
vs_hls_info_equal (const VsHlsInfo *a,
                   const VsHlsInfo *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->state == b->state && a->flags == b->flags && a->segments == b->segments &&
         a->missing == b->missing && a->variant_bandwidth == b->variant_bandwidth &&
         a->variant_width == b->variant_width && a->variant_height == b->variant_height &&
         g_strcmp0 (a->variant, b->variant) == 0;
}

const char *
vs_hls_state_to_string (VsHlsState state)
{
  static const char * const ids[] = {
    [VS_HLS_STATE_UNKNOWN] = "unknown",
    [VS_HLS_STATE_COMPLETE] = "complete",
    [VS_HLS_STATE_INCOMPLETE] = "incomplete",
    [VS_HLS_STATE_ENCRYPTED] = "encrypted",
    [VS_HLS_STATE_REMOTE] = "remote",
    [VS_HLS_STATE_MASTER] = "master",
  };

  /* a newer library's state reads as unknown, not out of bounds */
  return (guint) state < G_N_ELEMENTS (ids) ? ids[state] : "unknown";
}

static char *
describe_master (const VsHlsInfo *self)
{
  g_autofree char *rate = NULL;
  g_autofree char *uri = NULL;

  if (self->variant_width > 0 && self->variant_height > 0)
    /* Translators: the variant of an HLS master playlist that is played and merged, by
     * its resolution */
    return g_strdup_printf (_("Master playlist: uses the %d×%d variant"), self->variant_width,
                            self->variant_height);
  if (self->variant_bandwidth > 0)
    {
      rate = g_format_size_full ((guint64) self->variant_bandwidth, G_FORMAT_SIZE_BITS);
      /* Translators: %s is a bit rate such as "2.8 Mb"; the variant used, by its rate */
      return g_strdup_printf (_("Master playlist: uses the %s/s variant"), rate);
    }
  if (self->variant != NULL)
    {
      uri = g_utf8_make_valid (self->variant, -1);
      /* Translators: %s is the variant playlist's name, such as "720p/index.m3u8" */
      return g_strdup_printf (_("Master playlist: uses variant “%s”"), uri);
    }
  return g_strdup (_("Master playlist"));
}

char *
vs_hls_info_describe (const VsHlsInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  switch (self->state)
    {
    case VS_HLS_STATE_COMPLETE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Complete: %u segment",
                                           "Complete: %u segments", self->segments),
                              self->segments);
    case VS_HLS_STATE_INCOMPLETE:
      if (self->missing > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Incomplete: %u of %u segment missing",
                                             "Incomplete: %u of %u segments missing",
                                             self->segments),
                                self->missing, self->segments);
      if (self->flags & VS_HLS_FLAG_MAP_MISSING)
        return g_strdup (_("Incomplete: the initialization segment is missing"));
      return g_strdup (_("Incomplete: the playlist has no end, the download may not be finished"));
    case VS_HLS_STATE_ENCRYPTED:
      return g_strdup ((self->flags & VS_HLS_FLAG_KEY_PRESENT) ? _("Encrypted, key present")
                                                               : _("Encrypted, key missing"));
    case VS_HLS_STATE_REMOTE:
      return g_strdup ((self->flags & VS_HLS_FLAG_ALL_COPIES)
                       ? _("Remote playlist, every segment downloaded")
                       : _("Remote playlist, segments not downloaded"));
    case VS_HLS_STATE_MASTER:
      return describe_master (self);
    case VS_HLS_STATE_UNKNOWN:
    default:
      return g_strdup (_("Not checked yet"));
    }
}
