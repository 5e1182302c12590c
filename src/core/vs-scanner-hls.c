/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-scanner-hls.c: which playlists of a folder are HLS items, their files and their state
 *
 * Each playlist is parsed once per scan: the pass that tells masters from media playlists
 * also tallies the files each names (segments, local copies of remote ones, init sections,
 * keys) and the download's state. Claims wait until the items are known, since a media
 * playlist one master names is part of that item, not one of its own.
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "vs-scanner"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "vs-hls-info-private.h"
#include "vs-playlist.h"
#include "vs-scanner-private.h"
#include "vs-path.h"

/* One playlist, parsed: what its item claims and what state it is in. */
typedef struct
{
  char       *path;
  VsPlaylist *playlist;
  VsHlsTally  tally;
  GPtrArray  *files;    /* paths inside the scanned folder that it names: the ones to claim */
  gint64      size;     /* of those files, once per time named */
  gint64      mtime_ns; /* the latest of theirs */
  const char *folder;   /* borrowed: the folder being scanned */
  gsize       folder_len;
} Parsed;

typedef struct
{
  ScanContext *ctx;
  GPtrArray   *claims;      /* paths this folder added to ctx->claimed */
  gint64       size;
  gint64       mtime_ns;
  guint        present;     /* segments here, as files or local copies, in all its playlists */
} HlsItem;

static void
parsed_free (gpointer data)
{
  Parsed *parsed = data;

  g_free (parsed->path);
  g_clear_object (&parsed->playlist);
  _vs_hls_tally_clear (&parsed->tally);
  g_clear_pointer (&parsed->files, g_ptr_array_unref);
  g_free (parsed);
}

/* Files outside the scanned folder make a playlist an item (they count as present) but
 * are not its to claim: the walk of their own folder lists them. */
static void
found (const char *path,
       gint64      size,
       gint64      mtime_ns,
       gpointer    user_data)
{
  Parsed *parsed = user_data;

  if (strncmp (path, parsed->folder, parsed->folder_len) != 0 ||
      path[parsed->folder_len] != '/')
    return;
  /* 8 bytes a file beside its path: sizes are summed now, and looked up again only for
   * a file claimed twice (below) */
  g_ptr_array_add (parsed->files, g_strdup (path));
  parsed->size += size;
  parsed->mtime_ns = MAX (parsed->mtime_ns, mtime_ns);
}

/* Parses @path once, tallying its files; NULL (counted and logged) when it fails. */
static Parsed *
parse_playlist (ScanContext *ctx,
                const char  *path,
                const char  *folder)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  Parsed *parsed = g_new0 (Parsed, 1);

  parsed->path = g_strdup (path);
  parsed->folder = folder;
  parsed->folder_len = strlen (folder);
  parsed->files = g_ptr_array_new_with_free_func (g_free);
  _vs_hls_tally_reset (&parsed->tally, NULL);
  parsed->tally.found = found;
  parsed->tally.user_data = parsed;
  parsed->tally.cancellable = ctx->cancellable;
  parsed->tally.dir = dir;

  parsed->playlist = vs_playlist_parse (path, folder, _vs_hls_tally_segment, &parsed->tally,
                                        ctx->cancellable, &error);
  parsed->tally.dir = NULL; /* only needed while parsing */
  if (parsed->playlist == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = g_filename_display_name (path);

          ctx->summary.skipped++;
          g_warning ("Skipped playlist “%s”: %s", name, error->message);
        }
      parsed_free (parsed);
      return NULL;
    }
  return parsed;
}

static gboolean
is_master (Parsed *parsed)
{
  return (vs_playlist_get_flags (parsed->playlist) & VS_PLAYLIST_FLAG_MASTER) != 0;
}

/* Takes @path: ctx->claimed owns it until the folder is done (its claims list borrows). */
static void
claim_take (HlsItem *item,
            char    *path)
{
  g_hash_table_add (item->ctx->claimed, path);
  g_ptr_array_add (item->claims, path);
}

static void
claim (HlsItem    *item,
       const char *path)
{
  claim_take (item, g_strdup (path));
}

/* Claims a parsed media playlist's files (once: a playlist is part of one item). One
 * claimed already, by another playlist of the folder or named twice, is counted once. */
static void
item_add (HlsItem *item,
          Parsed  *parsed)
{
  item->present += parsed->tally.present;
  item->size += parsed->size;
  item->mtime_ns = MAX (item->mtime_ns, parsed->mtime_ns);
  for (guint i = 0; i < parsed->files->len; i++)
    {
      char **path = (char **) &g_ptr_array_index (parsed->files, i);
      struct stat st;

      if (!g_hash_table_contains (item->ctx->claimed, *path))
        claim_take (item, g_steal_pointer (path));
      else if (stat (*path, &st) == 0)
        item->size -= MIN ((gint64) st.st_size, item->size);
    }
}

static void
index_hls_item (ScanContext        *ctx,
                gint64              folder_id,
                GHashTable         *stamps,
                const char         *path,
                const struct statx *stx,
                HlsItem            *item,
                gint64              duration_ms,
                const VsHlsInfo    *info)
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
  vs_hls_info_set (&record->hls, info);
  _vs_scanner_index_file (ctx, stamps, record);
}

/* The parse of a master's variant: the folder's own, or one made now for a variant in
 * another folder (kept in @parsed for a second master naming it). */
static Parsed *
lookup_variant (ScanContext *ctx,
                GHashTable  *parsed,
                const char  *path,
                const char  *folder)
{
  Parsed *variant;

  if (g_hash_table_lookup_extended (parsed, path, NULL, (gpointer *) &variant))
    return variant;
  variant = parse_playlist (ctx, path, folder);
  g_hash_table_insert (parsed, g_strdup (path), variant);
  return variant;
}

/* A master's item: its local variants and their files; the duration and state of the
 * highest-bandwidth one that parses (the first on ties). */
static void
build_master (ScanContext *ctx,
              HlsItem     *item,
              Parsed      *master,
              GHashTable  *parsed,
              const char  *folder,
              gint64      *duration_ms,
              VsHlsInfo   *info)
{
  const VsPlaylistVariant *best = NULL;
  Parsed *best_parsed = NULL;

  for (guint v = 0; v < vs_playlist_get_n_variants (master->playlist); v++)
    {
      const VsPlaylistVariant *variant = vs_playlist_get_variant (master->playlist, v);
      Parsed *media;

      if (!variant->exists || variant->path == NULL ||
          g_hash_table_contains (ctx->claimed, variant->path))
        continue;
      claim (item, variant->path);
      media = lookup_variant (ctx, parsed, variant->path, folder);
      if (media == NULL || is_master (media))
        continue;
      item_add (item, media);
      if (best == NULL || variant->bandwidth > best->bandwidth)
        {
          best = variant;
          best_parsed = media;
        }
    }

  if (best_parsed != NULL)
    {
      *duration_ms = vs_playlist_get_duration_ms (best_parsed->playlist);
      _vs_hls_info_fill (info, &best_parsed->tally, vs_playlist_get_flags (best_parsed->playlist),
                         best);
    }
}

/* Finds the playlists of one folder, makes each top-level one an item and claims its
 * variants and files, so the walk does not list them. Masters go first: a media playlist
 * one of them names is part of it, not an item of its own. */
void
_vs_scanner_scan_playlists (ScanContext *ctx,
                            int          dirfd,
                            const char  *folder,
                            gint64       folder_id,
                            GArray      *entries,
                            GHashTable  *stamps,
                            GPtrArray   *claims)
{
  g_autoptr(GHashTable) parsed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        parsed_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new (); /* of Parsed, in name order */

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);
      g_autofree char *path = NULL;
      Parsed *p;

      if (e->type == DT_DIR || !vs_path_has_suffix_nocase (e->name, ".m3u8"))
        continue;
      path = g_build_filename (folder, e->name, NULL);
      /* a variant a master of the folder above claimed, parsed there */
      if (g_hash_table_contains (ctx->claimed, path))
        continue;
      p = parse_playlist (ctx, path, folder);
      if (p == NULL)
        continue;
      g_hash_table_insert (parsed, g_steal_pointer (&path), p);
      g_ptr_array_add (order, p);
    }

  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < order->len; i++)
        {
          Parsed *p = g_ptr_array_index (order, i);
          HlsItem item = { ctx, claims, 0, 0, 0 };
          VsHlsInfo info = { VS_HLS_STATE_UNKNOWN };
          gint64 duration_ms = -1;
          struct statx stx;

          if (is_master (p) != (pass == 0) || g_hash_table_contains (ctx->claimed, p->path))
            continue;
          if (statx (dirfd, strrchr (p->path, '/') + 1, 0, STATX_BASIC_STATS | STATX_BTIME,
                     &stx) != 0)
            {
              _vs_scanner_report_skip (ctx, p->path, "vanished", errno);
              continue;
            }
          claim (&item, p->path);
          if (pass == 0)
            build_master (ctx, &item, p, parsed, folder, &duration_ms, &info);
          else
            {
              item_add (&item, p);
              duration_ms = vs_playlist_get_duration_ms (p->playlist);
              _vs_hls_info_fill (&info, &p->tally, vs_playlist_get_flags (p->playlist), NULL);
            }

          /* A playlist of remote URLs without local copies (a radio list) or of segments
           * all gone is not a video here: nothing of it can be played from this folder. */
          if (item.present == 0)
            g_debug ("%s: no segment present locally, not listed", p->path);
          else
            {
              if (info.missing > 0)
                g_debug ("%s: %u of %u segments missing", p->path, info.missing, info.segments);
              index_hls_item (ctx, folder_id, stamps, p->path, &stx, &item, duration_ms, &info);
            }
          vs_hls_info_clear (&info);
        }
    }
}
