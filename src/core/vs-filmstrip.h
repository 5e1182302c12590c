/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-filmstrip.h: a video's filmstrip (key frames across it, packed in one sprite sheet)
 * and the bounded cache that keeps them
 *
 * A filmstrip file is "VSFILMS1", a little-endian guint32 header length, a GVariant
 * header (see FILMSTRIP_HEADER_TYPE in vs-filmstrip.c: the source's URI, mtime, size and
 * duration, the tile size, the columns and each frame's time) and a JPEG sheet of
 * columns × rows tiles, row by row. A fail marker is the same header with
 * VS_FILMSTRIP_FLAG_FAILED and no sheet.
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* About one frame every 10 s, at least 10 and at most 100, each fitting in 240 × 240. */
#define VS_FILMSTRIP_INTERVAL_MS  10000
#define VS_FILMSTRIP_MIN_FRAMES   10
#define VS_FILMSTRIP_MAX_FRAMES   100
#define VS_FILMSTRIP_TILE_MAX     240
#define VS_FILMSTRIP_COLUMNS      10
/* A file in the cache larger than this is not one of ours (a 100-frame sheet at JPEG
 * quality 80 is about 0.5 MiB). */
#define VS_FILMSTRIP_MAX_FILE_SIZE (8 * 1024 * 1024)
/* The cache's default budget, in bytes (the preference overrides it). */
#define VS_FILMSTRIP_DEFAULT_BUDGET ((guint64) 500 * 1024 * 1024)

typedef enum
{
  VS_FILMSTRIP_FLAG_NONE   = 0,
  VS_FILMSTRIP_FLAG_FAILED = 1 << 0,   /* a fail marker: nothing could be decoded */
  /* A first, coarse strip: every frame's tile is there, but only every tenth or so is
   * its own key frame (the others repeat the one before). The maker writes it early so a
   * pointer waiting on the video sees frames at once; the full strip replaces it. */
  VS_FILMSTRIP_FLAG_PARTIAL = 1 << 1,
} VsFilmstripFlags;

typedef enum
{
  VS_FILMSTRIP_MISSING,   /* none, or unreadable: make one */
  VS_FILMSTRIP_VALID,     /* made from the file as it is now */
  VS_FILMSTRIP_STALE,     /* made from an older version of the file */
  VS_FILMSTRIP_FAILED,    /* a fail marker for the file as it is now: do not retry */
  VS_FILMSTRIP_PARTIAL,   /* a coarse strip of the file as it is now: show it, but the
                           * full one is still to be made (or its making was cut short) */
} VsFilmstripState;

/* How many frames the coarse pass of a strip of @n_frames decodes (0: no coarse pass),
 * and whether frame @index is one of them. */
guint            vs_filmstrip_count_coarse (guint  n_frames);
gboolean         vs_filmstrip_is_coarse    (guint  n_frames,
                                            guint  index);

/* How many frames a video of @duration_ms gets (unknown or 0: the minimum). */
guint            vs_filmstrip_count_frames (gint64 duration_ms);
/* Where frame @index of @n_frames is taken: the middle of its share of the video, so
 * the frame shown under a pointer at fraction f is frame floor (f × n). */
gint64           vs_filmstrip_frame_time_ms (gint64 duration_ms,
                                             guint  n_frames,
                                             guint  index);

/* $XDG_CACHE_HOME/vidshelf/filmstrips */
char            *vs_filmstrip_cache_dir    (void);
/* <cache dir>/<md5 of uri>.filmstrip */
char            *vs_filmstrip_path         (const char       *uri);
/* What the cache holds for @uri whose file has @mtime (seconds) and @size (bytes): reads
 * only the header. @out_path: the entry's place (existing or not). */
VsFilmstripState vs_filmstrip_lookup       (const char       *uri,
                                            gint64            mtime,
                                            gint64            size,
                                            char            **out_path);
/* The same for an entry at @path (e.g. one in a shared repository). */
VsFilmstripState vs_filmstrip_check        (const char       *path,
                                            const char       *uri,
                                            gint64            mtime,
                                            gint64            size);

#define VS_TYPE_FILMSTRIP (vs_filmstrip_get_type ())
G_DECLARE_FINAL_TYPE (VsFilmstrip, vs_filmstrip, VS, FILMSTRIP, GObject)

/* Reads a filmstrip file: the header always, checked (sizes, counts, times); with
 * @with_sheet also the sheet, decoded only when the JPEG's own size is exactly the one the
 * header gives (a hostile file is refused before anything is allocated for it). Never
 * follows a FIFO or a device. A fail marker loads with VS_FILMSTRIP_FLAG_FAILED and no
 * sheet. */
VsFilmstrip     *vs_filmstrip_load         (const char       *path,
                                            gboolean          with_sheet,
                                            GError          **error);
/* The same from memory (the fuzzing entry point). */
VsFilmstrip     *vs_filmstrip_load_from_bytes (GBytes        *bytes,
                                               gboolean       with_sheet,
                                               GError       **error);

const char      *vs_filmstrip_get_uri        (VsFilmstrip *self);
gint64           vs_filmstrip_get_mtime      (VsFilmstrip *self);
gint64           vs_filmstrip_get_size       (VsFilmstrip *self);
gint64           vs_filmstrip_get_duration_ms (VsFilmstrip *self);
VsFilmstripFlags vs_filmstrip_get_flags      (VsFilmstrip *self);
guint            vs_filmstrip_get_n_frames   (VsFilmstrip *self);
/* The time of frame @index, in ms (the key frame's own time, near its planned place). */
gint64           vs_filmstrip_get_frame_time_ms (VsFilmstrip *self,
                                                 guint        index);
/* The frame for the position at @fraction (0–1) of the video. */
guint            vs_filmstrip_get_frame_at   (VsFilmstrip *self,
                                              double       fraction);
guint            vs_filmstrip_get_tile_width  (VsFilmstrip *self);
guint            vs_filmstrip_get_tile_height (VsFilmstrip *self);
guint            vs_filmstrip_get_columns     (VsFilmstrip *self);
/* Frame @index's rectangle in the sheet. */
void             vs_filmstrip_get_tile_rect   (VsFilmstrip  *self,
                                               guint         index,
                                               int          *out_x,
                                               int          *out_y,
                                               int          *out_width,
                                               int          *out_height);
/* The sheet (NULL when loaded without it, or for a fail marker). */
GdkPixbuf       *vs_filmstrip_get_sheet       (VsFilmstrip *self);

/* Writes a filmstrip atomically (a temporary file beside @path, then a rename; the
 * folder is made private when it is the cache's). @sheet NULL with
 * VS_FILMSTRIP_FLAG_FAILED: a fail marker. */
gboolean         vs_filmstrip_save           (const char       *path,
                                              const char       *uri,
                                              gint64            mtime,
                                              gint64            size,
                                              gint64            duration_ms,
                                              VsFilmstripFlags  flags,
                                              GdkPixbuf        *sheet,
                                              guint             tile_width,
                                              guint             tile_height,
                                              guint             columns,
                                              const gint64     *times_ms,
                                              guint             n_frames,
                                              GError          **error);

/* Marks the entry at @path as just used (its own mtime is the cache's LRU clock). */
void             vs_filmstrip_touch          (const char       *path);
/* Removes the least recently used entries of the cache until it holds at most
 * @budget_bytes. @out_bytes: what it holds after. Returns how many entries went. Temporary
 * files are not counted, nor removed. */
guint            vs_filmstrip_cache_trim     (guint64           budget_bytes,
                                              guint64          *out_bytes);
/* The bytes the cache holds now. */
guint64          vs_filmstrip_cache_get_bytes (void);
/* For a file that left the library: removes its entry (ours only). TRUE when one went. */
gboolean         vs_filmstrip_delete         (const char       *uri);
/* After a rename: moves @old_uri's entry to @new_uri's name, with the URI in its header
 * rewritten; the sheet is copied as it is, not decoded. TRUE when one moved. */
gboolean         vs_filmstrip_move           (const char       *old_uri,
                                              const char       *new_uri);

/* ---- the shared thumbnail repository (vs-thumbnailer.h), for a root whose previews are
 * shared: <folder>/.sh_thumbnails/vidshelf-filmstrips/<md5 of the file's name>.filmstrip,
 * naming the file by its name alone (the folder's path differs between computers). Read
 * one folder at a time without following links; only whole strips are shared. */

/* NULL when the file's name cannot be shared (not UTF-8). */
char            *vs_filmstrip_shared_path    (const char       *media_path);
/* As vs_filmstrip_lookup() (never FAILED nor PARTIAL: those are one computer's own). */
VsFilmstripState vs_filmstrip_lookup_shared  (const char       *media_path,
                                              gint64            mtime,
                                              gint64            size,
                                              char            **out_path);
/* Copies @media_path's shared filmstrip into the cache, as @uri's (its sheet checked
 * first), so the grid reads it from there and the cache's budget counts it. */
gboolean         vs_filmstrip_fetch_shared   (const char       *media_path,
                                              const char       *uri,
                                              GError          **error);
/* Copies the filmstrip at @strip_path (e.g. the cache's) to @media_path's shared
 * repository, its URI made the file's name; makes the folders (with the media folder's
 * permissions) when missing. Only call it for a root whose sharing is on. */
gboolean         vs_filmstrip_share          (const char       *media_path,
                                              const char       *strip_path,
                                              GError          **error);
/* For a file that left the library, or was renamed, in a sharing root: only a strip that
 * names the file is touched. */
gboolean         vs_filmstrip_delete_shared  (const char       *media_path);
gboolean         vs_filmstrip_move_shared    (const char       *old_path,
                                              const char       *new_path);

G_END_DECLS
