/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-hls-info-private.h: the per-segment tally, shared with the scanner */
#pragma once

#include "vs-hls-info.h"
#include "vs-playlist.h"

G_BEGIN_DECLS

/* A file of the download found here: a segment, a local copy, an init section or a key. */
typedef void (*VsHlsFoundFunc) (const char *path,
                                gint64      size,
                                gint64      mtime_ns,
                                gpointer    user_data);

/* What one media playlist's segments add up to, while it streams through the parser
 * (_vs_hls_tally_segment() is its VsPlaylistSegmentFunc). */
typedef struct
{
  /* set by the caller */
  const char     *dir;         /* the media playlist's folder: where local copies are */
  VsHlsFoundFunc  found;       /* or NULL */
  gpointer        user_data;
  GCancellable   *cancellable;

  /* counts */
  guint    segments;
  guint    present;
  guint    missing;
  guint    remote;
  guint    copies;             /* remote ones found as local copies */
  gboolean encrypted;
  gboolean key_missing;
  gboolean has_map;
  gboolean map_missing;

  /* each file once, though byte ranges and key or map tags name them again and again */
  char    *last_path;
  gboolean last_present;
  char    *last_key_uri;
  char    *last_map_uri;
} VsHlsTally;

void     _vs_hls_tally_clear   (VsHlsTally              *tally);
/* Starts over for another media playlist (a master's next variant) in @dir. */
void     _vs_hls_tally_reset   (VsHlsTally              *tally,
                                const char              *dir);
gboolean _vs_hls_tally_segment (const VsPlaylistSegment *segment,
                                gpointer                 user_data);
/* Fills @info (cleared first) from a media playlist's tally and flags; @variant is the
 * master's chosen variant, NULL for a media playlist on its own. */
void     _vs_hls_info_fill     (VsHlsInfo               *info,
                                const VsHlsTally        *tally,
                                VsPlaylistFlags          media_flags,
                                const VsPlaylistVariant *variant);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VsHlsTally, _vs_hls_tally_clear)

G_END_DECLS
