/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnailer.h: freedesktop thumbnails (Thumbnail Managing Standard 0.9) */
#pragma once

#include <gio/gio.h>

#include "vs-fingerprint.h"

G_BEGIN_DECLS

#define VS_THUMBNAILER_ERROR (vs_thumbnailer_error_quark ())

typedef enum
{
  VS_THUMBNAILER_ERROR_FAILED,
  VS_THUMBNAILER_ERROR_NOT_MEDIA,   /* nothing decodable */
  VS_THUMBNAILER_ERROR_NO_VIDEO,    /* audio only */
  VS_THUMBNAILER_ERROR_TIMEOUT,
} VsThumbnailerError;

typedef enum
{
  VS_THUMBNAIL_SIZE_NORMAL   = 128,
  VS_THUMBNAIL_SIZE_LARGE    = 256,
  VS_THUMBNAIL_SIZE_X_LARGE  = 512,
  VS_THUMBNAIL_SIZE_XX_LARGE = 1024,
} VsThumbnailSize;

typedef enum
{
  VS_THUMBNAIL_MISSING,   /* none, or unreadable: make one */
  VS_THUMBNAIL_VALID,     /* exists, Thumb::MTime matches: reuse it */
  VS_THUMBNAIL_STALE,     /* exists, made from an older file: remake it */
  VS_THUMBNAIL_FAILED,    /* our fail marker for this mtime: do not retry */
} VsThumbnailState;

const char      *vs_thumbnail_size_to_string   (VsThumbnailSize  size);   /* "normal", "large"… */
gboolean         vs_thumbnail_size_from_string (const char      *str,
                                                VsThumbnailSize *out_size);

/* The folder holding the personal thumbnail cache ("thumbnails"): $XDG_CACHE_HOME, except
 * inside Flatpak, where that is the app's own: there the host's ($HOST_XDG_CACHE_HOME,
 * else ~/.cache), so the file manager's thumbnails and ours are the same files. */
char            *vs_thumbnail_cache_dir        (void);

/* $XDG_CACHE_HOME/thumbnails/<size>/<md5 of uri>.png */
char            *vs_thumbnail_path             (const char      *uri,
                                                VsThumbnailSize  size);
/* $XDG_CACHE_HOME/thumbnails/fail/vidshelf-<version>/<md5 of uri>.png */
char            *vs_thumbnail_fail_path        (const char      *uri);

/* What the cache holds for @uri whose file has modification time @mtime (seconds).
 * Reads only the PNG's header and text chunks, never decodes the image; a file that
 * vs_thumbnail_open() refuses (too large, not a regular file) counts as MISSING. @out_path: the fail marker
 * for FAILED, else the thumbnail's place in the cache (existing or not). */
VsThumbnailState vs_thumbnail_lookup           (const char      *uri,
                                                gint64           mtime,
                                                VsThumbnailSize  size,
                                                char           **out_path);

/* A file in the cache larger than this is not a thumbnail (a 1024 px RGBA PNG of noise
 * is about 4 MiB). */
#define VS_THUMBNAIL_MAX_FILE_SIZE (16 * 1024 * 1024)

/* Opens a PNG of the shared cache for reading, header first: non-blocking (a FIFO does not
 * hang), only a regular file of at most VS_THUMBNAIL_MAX_FILE_SIZE whose IHDR claims at
 * most 1024 px a side (the spec's largest size), so decoding it stays small. The stream
 * is at the start of the file; @out_width and @out_height get the IHDR's size. */
GInputStream    *vs_thumbnail_open             (const char      *png_path,
                                                int             *out_width,
                                                int             *out_height,
                                                GError         **error);

/* Reads the Thumb::URI and Thumb::MTime text keys (tEXt, zTXt or iTXt) of a PNG without
 * decoding it: chunks are streamed up to the first IDAT and bounded in size. FALSE with
 * an error when the file is not a well-formed PNG up to its image data. A missing key
 * gives NULL or -1. */
gboolean         vs_thumbnail_read_keys        (const char      *png_path,
                                                char           **out_uri,
                                                gint64          *out_mtime,
                                                GError         **error);
/* The same from a stream (a fuzzing entry point); the out arguments are set on success. */
gboolean         vs_thumbnail_read_keys_from_stream (GInputStream *stream,
                                                     char        **out_uri,
                                                     gint64       *out_mtime,
                                                     GError      **error);

/* Deletes the thumbnails Vidshelf made for @uri (never another program's) and its fail
 * marker, for a file that left the library; returns how many files went. */
guint            vs_thumbnail_delete_own       (const char      *uri);

/* After a rename of the file: moves every thumbnail of @old_uri (each size, whoever made
 * it, and our fail marker) to @new_uri's name, with its Thumb::URI rewritten and nothing
 * else changed (the image is not decoded, nor remade; Thumb::MTime stays: a rename keeps
 * the file's mtime). One whose Thumb::URI is not @old_uri is left alone. Written
 * atomically, replacing a stale one at the new name. Returns how many moved. */
guint            vs_thumbnail_move             (const char      *old_uri,
                                                const char      *new_uri);

/* Thumbnails are written to "<name>.vidshelf-<pid>-XXXXXX" beside their place, then
 * renamed. Removes such files of ours from @folder: process @pid's when @pid > 0, and of
 * those, only the ones last modified at least @min_age ago (0: any). Another program's
 * files are never touched. Returns how many went. */
guint            vs_thumbnail_remove_temp_files (const char     *folder,
                                                 GPid            pid,
                                                 GTimeSpan       min_age);
/* The same, for every process, in each size folder of the cache and our fail folder: for
 * the start of a session, with @min_age well above any job's time limit. */
guint            vs_thumbnail_sweep_temp_files  (GTimeSpan       min_age);

/* Writes the fail marker for @path (its URI and current mtime), e.g. after the helper
 * that was decoding it crashed or was killed at the time limit. */
gboolean         vs_thumbnail_write_failure    (const char      *path,
                                                const char      *reason,
                                                GError         **error);

/* ---- the shared thumbnail repository (Thumbnail Managing Standard, "Shared Thumbnail
 * repositories"): thumbnails kept beside the files, for every computer and user that
 * reads the folder. Only ever written for a root whose user asked for it. */

/* <folder of @media_path>/.sh_thumbnails (our filmstrips go in its vidshelf-filmstrips/) */
char            *vs_thumbnail_shared_dir       (const char      *media_path);
/* The name a shared thumbnail is known by (its Thumb::URI, and what its file name is the
 * MD5 of): @media_path's file name; NULL when that is not UTF-8. */
char            *vs_thumbnail_shared_uri       (const char      *media_path);
/* <folder>/.sh_thumbnails/<size>/<md5 of the file name>.png; NULL as above. */
char            *vs_thumbnail_shared_path      (const char      *media_path,
                                                VsThumbnailSize  size);
/* As vs_thumbnail_lookup(), in @media_path's shared repository (never FAILED). Opened one
 * folder at a time without following links, with the bounds of vs_thumbnail_open(). */
VsThumbnailState vs_thumbnail_lookup_shared    (const char      *media_path,
                                                gint64           mtime,
                                                VsThumbnailSize  size,
                                                char           **out_path);
/* Copies the personal thumbnail @png_path of @media_path (whose Thumb::URI is the file's
 * URI) into the shared repository, its Thumb::URI made the file's name, atomically;
 * creates .sh_thumbnails as needed, with the folder's permissions (the file: the video's).
 * A shared thumbnail another program made is never replaced. The image is not decoded. */
gboolean         vs_thumbnail_share            (const char      *media_path,
                                                const char      *png_path,
                                                VsThumbnailSize  size,
                                                GError         **error);
/* vs_thumbnail_delete_own() and vs_thumbnail_move() for the shared repository: only
 * thumbnails Vidshelf made (Software) and named for the file are touched. */
guint            vs_thumbnail_delete_own_shared (const char     *media_path);
guint            vs_thumbnail_move_shared       (const char     *old_path,
                                                 const char     *new_path);

#define VS_TYPE_THUMBNAILER (vs_thumbnailer_get_type ())
G_DECLARE_FINAL_TYPE (VsThumbnailer, vs_thumbnailer, VS, THUMBNAILER, GObject)

GQuark         vs_thumbnailer_error_quark (void);

/* One per worker thread. @timeout_ms bounds each file (0: 15 s). */
VsThumbnailer *vs_thumbnailer_new      (guint           timeout_ms);

/* Decodes a representative frame of @path (a video file, or an HLS playlist whose media
 * is used) and writes it, atomically, to @output or, when NULL, to the shared cache under
 * the file's URI with its Thumb:: keys. On a decoding failure the fail marker is written
 * (cache mode only). Returns the written path. Synchronous. */
char          *vs_thumbnailer_generate (VsThumbnailer  *self,
                                        const char     *path,
                                        VsThumbnailSize size,
                                        const char     *output,
                                        GCancellable   *cancellable,
                                        GError        **error);
/* The same; an existing @output is replaced only with @replace (generate() replaces it),
 * and never when it is @path's own file, whatever name leads there. */
char          *vs_thumbnailer_generate_full (VsThumbnailer  *self,
                                             const char     *path,
                                             VsThumbnailSize size,
                                             const char     *output,
                                             gboolean        replace,
                                             GCancellable   *cancellable,
                                             GError        **error);

/* Makes @path's filmstrip (see vs-filmstrip.h) from its key frames only (HLS: the first
 * key frame of the segments at the frame times), into @output or, when NULL, the
 * filmstrip cache; on a decoding failure, cache mode writes a fail marker. An existing
 * @output is replaced only with @replace, and never when it is @path's own file.
 * @out_decoded: how many frames were given to the decoder. Returns the written path. */
char          *vs_thumbnailer_make_filmstrip (VsThumbnailer  *self,
                                              const char     *path,
                                              const char     *output,
                                              gboolean        replace,
                                              guint          *out_decoded,
                                              GCancellable   *cancellable,
                                              GError        **error);

/* Makes @path's fingerprint (vs-fingerprint.h): VS_FINGERPRINT_FRAMES frames at
 * vs_fingerprint_frame_time_ms(), decoded small and grey, each from the nearest key frame
 * when one is close enough to its time, else decoded up to the time (HLS: from the segment
 * holding it). @out_decoded: the frames given to the decoder. Nothing is written. */
gboolean       vs_thumbnailer_make_fingerprint (VsThumbnailer  *self,
                                                const char     *path,
                                                VsFingerprint  *out,
                                                guint          *out_decoded,
                                                GCancellable   *cancellable,
                                                GError        **error);

G_END_DECLS
