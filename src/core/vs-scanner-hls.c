/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-scanner-hls.c: which playlists of a folder are HLS items, and their segments */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "vs-scanner"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "vs-playlist.h"
#include "vs-scanner-private.h"
#include "vs-path.h"

typedef struct
{
  ScanContext *ctx;
  const char  *folder;
  gsize        folder_len;
  GPtrArray   *claims;      /* paths this folder added to ctx->claimed */
  gint64       size;
  gint64       mtime_ns;
  guint        missing;
  guint        present;     /* segments found as regular files (outside ones: up to one) */
} HlsItem;

static void
claim (HlsItem    *item,
       const char *path)
{
  char *copy = g_strdup (path);

  g_hash_table_add (item->ctx->claimed, copy);
  g_ptr_array_add (item->claims, copy);
}

static gboolean
is_regular_file (const char *path)
{
  struct statx stx;

  return statx (AT_FDCWD, path, 0, STATX_TYPE, &stx) == 0 && S_ISREG (stx.stx_mode);
}

/* A segment belongs to the item when it is a file inside the item's folder. Any local
 * segment present, inside or not, makes the playlist an item; one is enough to know. A
 * remote one is present when a downloader saved it beside the playlist under its URL's
 * name (the merge reads those copies). */
static gboolean
claim_segment (const VsPlaylistSegment *segment,
               gpointer                 user_data)
{
  HlsItem *item = user_data;
  g_autofree char *copy = NULL;
  const char *path = segment->path;
  struct statx stx;

  if (path == NULL)
    {
      copy = vs_playlist_local_copy (segment->uri, item->folder);
      if (copy == NULL)
        return TRUE;   /* remote: not present */
      path = copy;
    }
  if (strncmp (path, item->folder, item->folder_len) != 0 || path[item->folder_len] != '/')
    {
      if (item->present == 0 && is_regular_file (path))
        item->present++;
      return TRUE;
    }
  if (g_hash_table_contains (item->ctx->claimed, path))
    {
      /* another playlist of the folder claimed it, as a present file */
      item->present++;
      return TRUE;
    }

  if (statx (AT_FDCWD, path, 0, STATX_SIZE | STATX_MTIME | STATX_TYPE, &stx) != 0 ||
      !S_ISREG (stx.stx_mode))
    {
      item->missing++;
      return TRUE;
    }
  claim (item, path);
  item->present++;
  item->size += (gint64) stx.stx_size;
  item->mtime_ns = MAX (item->mtime_ns, _vs_statx_mtime_ns (&stx));
  return !g_cancellable_is_cancelled (item->ctx->cancellable);
}

static VsPlaylist *
parse_playlist (ScanContext             *ctx,
                const char              *path,
                const char              *folder,
                HlsItem                 *item)
{
  g_autoptr(GError) error = NULL;
  VsPlaylist *playlist;

  playlist = vs_playlist_parse (path, folder, item ? claim_segment : NULL, item,
                                ctx->cancellable, &error);
  if (playlist == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *name = g_filename_display_name (path);

      ctx->summary.skipped++;
      g_warning ("Skipped playlist “%s”: %s", name, error->message);
    }
  return playlist;
}

static void
index_hls_item (ScanContext       *ctx,
                gint64             folder_id,
                GHashTable        *stamps,
                const char        *path,
                const struct statx *stx,
                HlsItem           *item,
                gint64             duration_ms)
{
  g_autoptr(VsVideoRecord) record = vs_video_record_new ();

  ctx->summary.total++;
  record->folder_id = folder_id;
  record->path = g_strdup (path);
  record->kind = VS_VIDEO_KIND_HLS;
  record->size = item->size;
  record->mtime_ns = MAX (item->mtime_ns, _vs_statx_mtime_ns (stx));
  record->btime_ns = _vs_statx_btime_ns (stx);
  record->duration_ms = duration_ms;
  record->probe_state = duration_ms >= 0 ? VS_MEDIA_STATE_DONE : VS_MEDIA_STATE_PENDING;
  _vs_scanner_index_file (ctx, stamps, record);
}

/* Finds the playlists of one folder, makes each top-level one an item and claims its
 * variants and segments, so the walk does not list them. Masters go first: a media
 * playlist one of them names is part of it, not an item of its own. */
void
_vs_scanner_scan_playlists (ScanContext *ctx,
                            int          dirfd,
                            const char  *folder,
                            gint64       folder_id,
                            GArray      *entries,
                            GHashTable  *stamps,
                            GPtrArray   *claims)
{
  g_autoptr(GPtrArray) masters = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) media = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);
      g_autofree char *path = NULL;
      g_autoptr(VsPlaylist) playlist = NULL;

      if (e->type == DT_DIR || !vs_path_has_suffix_nocase (e->name, ".m3u8"))
        continue;
      path = g_build_filename (folder, e->name, NULL);
      playlist = parse_playlist (ctx, path, folder, NULL);
      if (playlist == NULL)
        continue;
      if (vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_MASTER)
        g_ptr_array_add (masters, g_steal_pointer (&path));
      else
        g_ptr_array_add (media, g_steal_pointer (&path));
    }

  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *list = pass == 0 ? masters : media;

      for (guint i = 0; i < list->len; i++)
        {
          const char *path = g_ptr_array_index (list, i);
          HlsItem item = { ctx, folder, strlen (folder), claims, 0, 0, 0, 0 };
          g_autoptr(VsPlaylist) playlist = NULL;
          gint64 duration_ms = -1, best_bandwidth = -1;
          struct statx stx;

          if (g_hash_table_contains (ctx->claimed, path))
            continue;
          if (statx (dirfd, strrchr (path, '/') + 1, 0, STATX_BASIC_STATS | STATX_BTIME, &stx) != 0)
            {
              _vs_scanner_report_skip (ctx, path, "vanished", errno);
              continue;
            }
          claim (&item, path);
          playlist = parse_playlist (ctx, path, folder, &item);
          if (playlist == NULL)
            continue;

          if (pass == 0)
            {
              for (guint v = 0; v < vs_playlist_get_n_variants (playlist); v++)
                {
                  const VsPlaylistVariant *variant = vs_playlist_get_variant (playlist, v);
                  g_autoptr(VsPlaylist) media_playlist = NULL;

                  if (!variant->exists || variant->path == NULL ||
                      g_hash_table_contains (ctx->claimed, variant->path))
                    continue;
                  claim (&item, variant->path);
                  media_playlist = parse_playlist (ctx, variant->path, folder, &item);
                  if (media_playlist != NULL && variant->bandwidth > best_bandwidth)
                    {
                      best_bandwidth = variant->bandwidth;
                      duration_ms = vs_playlist_get_duration_ms (media_playlist);
                    }
                }
            }
          else
            duration_ms = vs_playlist_get_duration_ms (playlist);

          /* A playlist of remote URLs (a radio list) or of segments all gone is not a
           * video here: nothing of it can be played from this folder. */
          if (item.present == 0)
            {
              g_debug ("%s: no segment present locally, not listed", path);
              continue;
            }
          if (item.missing > 0)
            g_debug ("%s: %u segments missing", path, item.missing);
          index_hls_item (ctx, folder_id, stamps, path, &stx, &item, duration_ms);
        }
    }
}
