/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-playlist.h: streaming HLS playlist parser (RFC 8216) */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VS_PLAYLIST_ERROR (vs_playlist_error_quark ())

/* The most of a line that is read, in bytes before the '\n' (a '\r' before it counts).
 * Past it, only the start is kept: an #EXTINF with a longer title, a comment or an unknown
 * tag still parse; a longer URI or attribute list fails with LINE_TOO_LONG. */
#define VS_PLAYLIST_MAX_LINE_LENGTH (1024 * 1024)

typedef enum
{
  VS_PLAYLIST_ERROR_FAILED,
  VS_PLAYLIST_ERROR_NO_SEGMENTS,    /* a media playlist without any (complete) segment */
  VS_PLAYLIST_ERROR_BAD_DURATION,   /* NaN, infinity, negative, malformed or overflowing #EXTINF */
  VS_PLAYLIST_ERROR_LINE_TOO_LONG,  /* a URI or tag value longer than the parser's bound */
  VS_PLAYLIST_ERROR_NO_VARIANT,     /* a master playlist with no variant present locally */
  VS_PLAYLIST_ERROR_INVALID,        /* binary data, NUL bytes, or a tag whose value cannot be read */
} VsPlaylistError;

typedef enum
{
  VS_PLAYLIST_FLAG_NONE          = 0,
  VS_PLAYLIST_FLAG_ENDLIST       = 1 << 0, /* #EXT-X-ENDLIST present */
  VS_PLAYLIST_FLAG_ENCRYPTED     = 1 << 1, /* #EXT-X-KEY with a METHOD other than NONE */
  VS_PLAYLIST_FLAG_INIT_MAP      = 1 << 2, /* #EXT-X-MAP present (fMP4 segments) */
  VS_PLAYLIST_FLAG_DISCONTINUITY = 1 << 3, /* at least one #EXT-X-DISCONTINUITY */
  VS_PLAYLIST_FLAG_REMOTE        = 1 << 4, /* a segment, map or variant URI with a non-file scheme */
  VS_PLAYLIST_FLAG_ESCAPING      = 1 << 5, /* a local URI resolving outside the base folder */
  VS_PLAYLIST_FLAG_MASTER        = 1 << 6, /* the file read was a master playlist */
  VS_PLAYLIST_FLAG_BYTERANGE     = 1 << 7, /* #EXT-X-BYTERANGE used */
  VS_PLAYLIST_FLAG_NO_HEADER     = 1 << 8, /* #EXTM3U missing: accepted, with a warning */
  VS_PLAYLIST_FLAG_BOM           = 1 << 9, /* UTF-8 byte order mark skipped */
} VsPlaylistFlags;

typedef struct
{
  const char *uri;          /* as written in the playlist */
  const char *path;         /* local file (filename encoding), or NULL when remote */
  gint64      duration_ns;  /* this segment's #EXTINF, rounded to nanoseconds */
  gint64      byte_offset;  /* start of the byte range, 0 without one */
  gint64      byte_length;  /* length of the byte range, -1 for the whole file */
  guint       discontinuity_sequence; /* number of #EXT-X-DISCONTINUITY tags seen before it */
  guint       index;        /* 0-based position in the playlist */
  const char *key_path;     /* local key file of the #EXT-X-KEY in force, or NULL */
  const char *map_path;     /* local file of the #EXT-X-MAP in force, or NULL */
  const char *key_uri;      /* URI of the #EXT-X-KEY in force, as written, or NULL */
  const char *map_uri;      /* URI of the #EXT-X-MAP in force, as written, or NULL */
  gboolean    encrypted;    /* the key in force has a METHOD other than NONE (or none) */
} VsPlaylistSegment;

typedef struct
{
  const char *uri;          /* as written */
  const char *path;         /* local file, or NULL when remote */
  gint64      bandwidth;    /* BANDWIDTH attribute, 0 when absent */
  gboolean    exists;       /* path is a readable regular file */
  int         width;        /* RESOLUTION attribute, 0 when absent or malformed */
  int         height;
} VsPlaylistVariant;

/* Called for every complete segment (an #EXTINF followed by its URI), in order, while the
 * file streams. Pointers are valid only during the call. Return FALSE to stop parsing
 * (vs_playlist_parse() then fails with G_IO_ERROR_CANCELLED). */
typedef gboolean (*VsPlaylistSegmentFunc) (const VsPlaylistSegment *segment,
                                           gpointer                 user_data);

#define VS_TYPE_PLAYLIST (vs_playlist_get_type ())
G_DECLARE_FINAL_TYPE (VsPlaylist, vs_playlist, VS, PLAYLIST, GObject)

GQuark       vs_playlist_error_quark        (void);

/* Parses one playlist file, master or media, without following variants. Memory stays
 * constant whatever the number of segments (segments reach @func only). @base_dir is the
 * folder that local URIs must stay inside (NULL: the playlist's own folder). A master
 * playlist succeeds with its variants listed and no segments; a media playlist without
 * segments fails with VS_PLAYLIST_ERROR_NO_SEGMENTS. */
VsPlaylist  *vs_playlist_parse              (const char             *path,
                                             const char             *base_dir,
                                             VsPlaylistSegmentFunc   func,
                                             gpointer                user_data,
                                             GCancellable           *cancellable,
                                             GError                **error);

/* The playlist that makes @folder a download: its master if it has exactly one, else its
 * only playlist. G_IO_ERROR_NOT_FOUND without any, G_IO_ERROR_EXISTS with several. */
char        *vs_playlist_find_in_folder     (const char             *folder,
                                             GError                **error);

/* Parses @path; a master playlist is resolved to its highest-bandwidth variant that
 * exists locally, which is then parsed (segments reach @func). The result describes the
 * media playlist; vs_playlist_get_master_path() tells where it came from. Local URIs must
 * then stay inside the master's folder, and VS_PLAYLIST_FLAG_ESCAPING is also set when the
 * chosen variant itself lies outside it. */
VsPlaylist  *vs_playlist_load               (const char             *path,
                                             VsPlaylistSegmentFunc   func,
                                             gpointer                user_data,
                                             GCancellable           *cancellable,
                                             GError                **error);

/* The variant of a master playlist that vs_playlist_load() follows: the highest bandwidth
 * among those present locally, the first one on ties; -1 when none is present. */
int          vs_playlist_choose_variant     (VsPlaylist *self);

/* The local copy of a segment (or key, or init section) that a playlist names by a remote
 * URI (http: and the like): the file of @folder named as the last component of the URI's
 * path, percent-decoded, without query or fragment. Returns its path when it is a regular
 * file there, else NULL; also NULL for a local URI (relative or file:) and for a name
 * that could not be a file of @folder ('/' or NUL once decoded, "." or ".."). The one
 * rule for the scanner, vs_hls_info_compute() and the merge. */
char        *vs_playlist_local_copy         (const char *uri,
                                             const char *folder);

const char  *vs_playlist_get_path           (VsPlaylist *self); /* the file parsed */
const char  *vs_playlist_get_master_path    (VsPlaylist *self); /* NULL unless resolved from one */
VsPlaylistFlags vs_playlist_get_flags       (VsPlaylist *self);
/* Exact sum of the #EXTINF values (fractional digits past the 18th are ignored), rounded
 * once, half up, to milliseconds. */
gint64       vs_playlist_get_duration_ms    (VsPlaylist *self);
guint        vs_playlist_get_n_segments     (VsPlaylist *self);
gint64       vs_playlist_get_target_duration (VsPlaylist *self); /* seconds, -1 if absent */
const char  *vs_playlist_get_map_uri        (VsPlaylist *self); /* #EXT-X-MAP URI or NULL */
const char  *vs_playlist_get_map_path       (VsPlaylist *self); /* local file of the map, or NULL */
/* The first #EXT-X-MAP's BYTERANGE: offset 0 and length -1 without one. */
void         vs_playlist_get_map_byte_range (VsPlaylist *self,
                                             gint64     *offset,
                                             gint64     *length);
guint        vs_playlist_get_n_variants     (VsPlaylist *self);
const VsPlaylistVariant *vs_playlist_get_variant (VsPlaylist *self,
                                                  guint       index);


G_END_DECLS
