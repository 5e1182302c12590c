/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-playlist-private.h: shared between the parts of the playlist parser */
#pragma once

#include "vs-playlist.h"

G_BEGIN_DECLS

#define READ_CHUNK_SIZE   (64 * 1024)
#define READ_SLACK        16   /* allocated past r->alloc, for 16-byte loads at the sentinel */

typedef struct
{
  int         fd;
  char       *buf;
  gsize       alloc;   /* grows past READ_CHUNK_SIZE only for lines longer than that */
  gsize       start;   /* first byte of the next line */
  gsize       scan;    /* where the search for '\n' resumes */
  gsize       end;     /* end of the bytes read; buf[end] is '\0' once anything was read */
  gboolean    eof;
  gboolean    truncated; /* the line last returned is only the start of a longer one */
  gboolean    skip_rest; /* the rest of that line is still to be read past */
  guint       line_no; /* number of the line last returned */
  const char *path;
} VsLineReader;

gboolean _vs_line_reader_open (VsLineReader  *r,
                               const char    *path,
                               GError       **error);
/* Sets *line to the next line, NUL-terminated in place without its "\n" or "\r\n", or to
 * NULL at the end of the file. A line longer than VS_PLAYLIST_MAX_LINE_LENGTH comes as its
 * first VS_PLAYLIST_MAX_LINE_LENGTH bytes with r->truncated set; the next call reads past
 * the rest of it, which is never held in memory. */
gboolean _vs_line_reader_next (VsLineReader  *r,
                               char         **line,
                               gsize         *len,
                               GCancellable  *cancellable,
                               GError       **error);

#define FRAC_DIGITS      18
#define FRAC_PER_SECOND  G_GUINT64_CONSTANT (1000000000000000000)
#define FRAC_PER_MS      G_GUINT64_CONSTANT (1000000000000000)
#define FRAC_PER_NS      G_GUINT64_CONSTANT (1000000000)
/* duration_ns must fit a gint64, and so must the total in milliseconds */
#define MAX_SEGMENT_SECS ((guint64) G_MAXINT64 / G_GUINT64_CONSTANT (1000000000))
#define MAX_TOTAL_SECS   ((guint64) G_MAXINT64 / 1000)

#define IS_DIGIT(c) ((guint) ((c) - '0') < 10)
#define IS_BLANK(c) ((c) == ' ' || (c) == '\t')
#define IS_SCHEME_CHAR(c) (g_ascii_isalnum (c) || (c) == '+' || (c) == '-' || (c) == '.')

struct _VsPlaylist
{
  GObject parent_instance;

  /* owned */
  char   *path;
  char   *master_path;
  char   *map_uri;
  char   *map_path;
  GArray *variants; /* of Variant */

  VsPlaylistFlags flags;
  gint64          duration_ms;
  gint64          target_duration;
  gint64          map_byte_offset;
  gint64          map_byte_length;
  guint           n_segments;
};

typedef struct
{
  VsPlaylistVariant pub; /* pub.uri and pub.path point at the strings below */
  char             *uri;
  char             *path;
  gboolean          escaping;
} Variant;

typedef struct
{
  VsLineReader reader;

  /* borrowed from the caller */
  VsPlaylist            *self;
  VsPlaylistSegmentFunc  func;
  gpointer               user_data;
  GCancellable          *cancellable;

  /* owned */
  char    *dir;           /* the playlist's folder, where relative URIs start */
  char    *base_dir;      /* local URIs must stay inside it */
  GString *path_buf;      /* "dir/", then the plain relative URI of a segment */
  char    *resolved_path; /* path of the last segment URI needing _vs_playlist_parser_resolve() */
  GString *range_uri;     /* URI of the previous segment, when it was a sub-range */
  gsize    dir_prefix_len;
  gboolean dir_inside_base;
  char    *key_path;      /* local file of the #EXT-X-KEY in force, or NULL */
  char    *map_path;      /* local file of the #EXT-X-MAP in force, or NULL */
  char    *key_uri;       /* URI of the #EXT-X-KEY in force, or NULL */
  char    *map_uri;       /* URI of the #EXT-X-MAP in force, or NULL */
  gboolean encrypted;     /* the #EXT-X-KEY in force encrypts */

  /* what tags carry to the next URI line */
  gboolean pending_extinf;
  guint64  pending_secs;
  guint64  pending_frac;
  gboolean pending_range;
  gint64   range_length;
  gint64   range_offset; /* -1: continues after the previous sub-range */
  gboolean pending_variant;
  gint64   pending_bandwidth;
  int      pending_width;
  int      pending_height;

  /* running state */
  gboolean seen_first_line;
  gboolean range_continuable; /* the previous segment was a sub-range of range_uri */
  gint64   range_end;
  guint    discontinuity_sequence;
  guint    n_stray_uris;
  guint64  total_secs;
  guint64  total_frac; /* 10^-18 s units, below one second */
} Parser;

/* 10^-18 s units per unit of the n-th fractional digit, 10^(18 - n) */
extern const guint64 _vs_playlist_frac_scale[FRAC_DIGITS + 1];

guint64     _vs_playlist_total_ms          (guint64      secs,
                                            guint64      frac);
/* Sets a VS_PLAYLIST_ERROR whose message starts with "line N: ". */
gboolean    _vs_playlist_parser_error      (Parser      *p,
                                            GError     **error,
                                            int          code,
                                            const char  *format,
                                            ...) G_GNUC_PRINTF (4, 5);
/* A playlist's bytes, made safe to quote in an error message. */
char       *_vs_playlist_shown_text        (const char  *text,
                                            gsize        len);
/* Resolves any URI, allocating: *path is NULL for a remote one. */
gboolean    _vs_playlist_parser_resolve    (Parser      *p,
                                            const char  *uri,
                                            char       **path_out,
                                            gboolean    *escaping,
                                            GError     **error);
/* Master playlist tags mixed with media segments. */
gboolean    _vs_playlist_mixed_error       (Parser      *p,
                                            GError     **error);
/* The file name a remote URI's path ends with, decoded; NULL when it cannot name a file of
 * a folder (see vs_playlist_local_copy()). */
char       *_vs_playlist_remote_basename   (const char  *uri);
/* Handles one tag line (vs-playlist-tags.c); unknown tags are ignored. */
gboolean    _vs_playlist_parser_handle_tag (Parser      *p,
                                            char        *line,
                                            gsize        len,
                                            GError     **error);

G_END_DECLS
