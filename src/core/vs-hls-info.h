/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-hls-info.h: what state an HLS download is in, for the index, `list` and `probe` */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Stored in the index as integers: never renumber, only append. */
typedef enum
{
  VS_HLS_STATE_UNKNOWN    = 0, /* not an HLS item, or indexed before states were computed */
  VS_HLS_STATE_COMPLETE   = 1, /* every segment here, an end, nothing else to say */
  VS_HLS_STATE_INCOMPLETE = 2, /* segments or the init section missing, or no #EXT-X-ENDLIST */
  VS_HLS_STATE_ENCRYPTED  = 3, /* #EXT-X-KEY encrypts it (VS_HLS_FLAG_KEY_PRESENT says more) */
  VS_HLS_STATE_REMOTE     = 4, /* its segment URIs are remote (VS_HLS_FLAG_ALL_COPIES: and here) */
  VS_HLS_STATE_MASTER     = 5, /* a master playlist whose chosen variant is complete */
} VsHlsState;

/* The details, whatever the state; stored in the index as a bitfield: never renumber. */
typedef enum
{
  VS_HLS_FLAG_NONE        = 0,
  VS_HLS_FLAG_ENDLIST     = 1 << 0, /* the media playlist has #EXT-X-ENDLIST */
  VS_HLS_FLAG_ENCRYPTED   = 1 << 1, /* some segment is under a key with a METHOD other than NONE */
  VS_HLS_FLAG_KEY_PRESENT = 1 << 2, /* with ENCRYPTED: every key file they name is here */
  VS_HLS_FLAG_REMOTE      = 1 << 3, /* some segment URI is remote (http: and the like) */
  VS_HLS_FLAG_ALL_COPIES  = 1 << 4, /* with REMOTE: each of those has a local copy (see
                                     * vs_playlist_local_copy()) */
  VS_HLS_FLAG_MASTER      = 1 << 5, /* the item's playlist is a master; variant says which */
  VS_HLS_FLAG_INIT_MAP    = 1 << 6, /* fMP4: segments need an #EXT-X-MAP init section */
  VS_HLS_FLAG_MAP_MISSING = 1 << 7, /* with INIT_MAP: an init section is not here */
} VsHlsFlags;

/* When several states apply, the first of these wins (the one that most limits what can be
 * done with the download, which people need to hear first):
 *
 *   1. incomplete: no #EXT-X-ENDLIST, an init section missing, or segments missing, unless
 *      the playlist is remote and none of its segments is here (a stream's playlist, not a
 *      broken download: that is 3.);
 *   2. encrypted, a key missing;
 *   3. remote, segments not here;
 *   4. remote, every segment here as a local copy;
 *   5. encrypted, the keys here;
 *   6. master (the chosen variant complete);
 *   7. complete.
 *
 * A segment is missing when neither its file nor, for a remote URI, a local copy is here. */
typedef struct
{
  VsHlsState  state;
  VsHlsFlags  flags;
  guint       segments;          /* of the media playlist (a master's chosen variant) */
  guint       missing;           /* of those, how many are not here */
  char       *variant;           /* master: the chosen variant's URI as written, else NULL */
  gint64      variant_bandwidth; /* its BANDWIDTH, 0 when absent */
  int         variant_width;     /* its RESOLUTION, 0 when absent */
  int         variant_height;
} VsHlsInfo;

#define VS_TYPE_HLS_INFO (vs_hls_info_get_type ())

GType        vs_hls_info_get_type    (void) G_GNUC_CONST;

/* Reads @playlist_path once (a master: and the variant vs_playlist_load() would follow)
 * and looks for every file it names, outside any index: what `probe` and the scanner say.
 * @folder is the download's folder, which local URIs must stay inside (NULL: the
 * playlist's own). Fails as vs_playlist_parse() does, or with VS_PLAYLIST_ERROR_NO_VARIANT
 * for a master without a variant here. */
VsHlsInfo   *vs_hls_info_compute     (const char    *playlist_path,
                                      const char    *folder,
                                      GCancellable  *cancellable,
                                      GError       **error);
VsHlsInfo   *vs_hls_info_copy        (const VsHlsInfo *self);
void         vs_hls_info_free        (VsHlsInfo       *self);
/* For a VsHlsInfo inside another struct: frees what it holds, leaves it UNKNOWN. */
void         vs_hls_info_clear       (VsHlsInfo       *self);
/* Makes @dest (cleared first) a deep copy of @src. */
void         vs_hls_info_set         (VsHlsInfo       *dest,
                                      const VsHlsInfo *src);
gboolean     vs_hls_info_equal       (const VsHlsInfo *a,
                                      const VsHlsInfo *b);

/* The state under the precedence above. */
VsHlsState   vs_hls_state_from_facts (VsHlsFlags flags,
                                      guint      segments,
                                      guint      missing);
/* Stable English ids, for JSON and scripts: "complete", "incomplete", "encrypted",
 * "remote", "master" ("unknown" for VS_HLS_STATE_UNKNOWN). */
const char  *vs_hls_state_to_string  (VsHlsState state);
/* The state in words for people, translated: "Incomplete: 3 of 120 segments missing". */
char        *vs_hls_info_describe    (const VsHlsInfo *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsHlsInfo, vs_hls_info_free)

G_END_DECLS
