/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnailer-private.h: shared between the parts of VsThumbnailer */
#pragma once

#include <sys/types.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gst/gst.h>

#include "vs-filmstrip.h"
#include "vs-playlist.h"
#include "vs-thumbnailer.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (_vs_thumbnailer_debug);
#define GST_CAT_DEFAULT _vs_thumbnailer_debug

/* A frame whose luma variance is below this (a standard deviation of 12 on 0–255) is
 * black, a fade or a plain title card: try another position. */
#define FLAT_VARIANCE      144.0

typedef struct
{
  char *uri;
  char *mtime;
  char *software;
} TextKeys;

typedef struct
{
  char   *path;
  char   *uri;
  char   *mime_type;
  gint64  mtime;
  gint64  size;
  gint64  duration_ms; /* -1 when unknown */
  dev_t   dev;         /* the file's identity: an output never replaces it */
  ino_t   ino;
} SourceInfo;

void          _vs_thumbnailer_source_info_clear     (SourceInfo         *info);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SourceInfo, _vs_thumbnailer_source_info_clear)

/* vs-thumbnail-png.c */
GInputStream *_vs_thumbnailer_open_png              (const char         *png_path,
                                                     GError            **error);
gboolean      _vs_thumbnailer_read_text_keys        (GInputStream       *stream,
                                                     TextKeys           *keys,
                                                     GError            **error);
void          _vs_thumbnailer_text_keys_clear       (TextKeys           *keys);
/* A PNG chunk's CRC over its type and data */
guint32       _vs_thumbnailer_png_crc               (const guint8       *type,
                                                     const guint8       *data,
                                                     gsize               length);

GInputStream *_vs_thumbnailer_open_png_fd           (int                 fd,
                                                     int                *out_width,
                                                     int                *out_height,
                                                     GError            **error);

/* vs-thumbnail-move.c */
GByteArray   *_vs_thumbnailer_rewrite_uri           (const guint8       *png,
                                                     gsize               length,
                                                     const char         *new_uri);

/* vs-thumbnail-cache.c */
gboolean      _vs_thumbnailer_source_info_init      (SourceInfo         *info,
                                                     const char         *path,
                                                     GError            **error);
gboolean      _vs_thumbnailer_save_thumbnail        (GdkPixbuf          *pixbuf,
                                                     const SourceInfo   *info,
                                                     const char         *path,
                                                     int                 mode,
                                                     const char         *reason,
                                                     gboolean            output,
                                                     gboolean            replace,
                                                     GError            **error);
/* Writes @data to a temporary file beside @target named for this process (so the sweeps
 * find a killed helper's), then renames it over @target; the file gets @mode. */
gboolean      _vs_thumbnailer_write_atomically      (const char         *target,
                                                     const guint8       *data,
                                                     gsize               length,
                                                     int                 mode,
                                                     GError            **error);
gboolean      _vs_thumbnailer_ensure_private_folder (const char         *file_path,
                                                     GError            **error);
gboolean      _vs_thumbnailer_write_fail_marker     (const SourceInfo   *info,
                                                     const char         *reason,
                                                     GError            **error);

/* vs-thumbnail-shared.c */
/* <folder of @media_path>/.sh_thumbnails/@subfolder, each folder opened without following
 * a link (one planted there could lead anywhere); -1 when there is none. */
int           _vs_thumbnailer_open_shared_folder    (const char         *media_path,
                                                     const char         *subfolder);
/* A folder of a shared repository: made with @mode when missing; an existing one must be
 * a folder, not a link to one. */
gboolean      _vs_thumbnailer_ensure_shared_folder  (const char         *path,
                                                     mode_t              mode,
                                                     GError            **error);

/* vs-frame-decoder.c */
GdkPixbuf    *_vs_thumbnailer_decode_frame          (const char         *uri,
                                                     const char         *display,
                                                     guint               box,
                                                     gboolean            search,
                                                     gint64              deadline,
                                                     GCancellable       *cancellable,
                                                     double             *out_score,
                                                     gint64             *out_duration_ns,
                                                     GError            **error);

/* Called for each frame of a filmstrip, the coarse pass's first (see
 * vs_filmstrip_is_coarse()); FALSE stops. @pts_ns: the key frame's own time;
 * @duration_ns: the stream's (-1 when unknown). */
typedef gboolean (*VsKeyframeFunc) (guint      index,
                                    guint      n_frames,
                                    GdkPixbuf *frame,
                                    gint64     pts_ns,
                                    gint64     duration_ns,
                                    gpointer   user_data);

/* The key frames of @uri nearest to @times_ns, the video decoder given key frames only;
 * with @n_times 0, the filmstrip's frames for the stream's own duration. A time of 0 first
 * takes the first frame without seeking. @out_decoded: the frames given to the decoder. */
gboolean      _vs_thumbnailer_decode_keyframes      (const char         *uri,
                                                     const char         *display,
                                                     guint               box,
                                                     const gint64       *times_ns,
                                                     guint               n_times,
                                                     gint64              deadline,
                                                     GCancellable       *cancellable,
                                                     VsKeyframeFunc      func,
                                                     gpointer            user_data,
                                                     guint              *out_decoded,
                                                     gint64             *out_duration_ns,
                                                     GError            **error);

/* What frames _vs_thumbnailer_decode_frames() takes when given no times. */
typedef enum
{
  VS_FRAME_PLAN_FILMSTRIP,    /* vs_filmstrip_frame_time_ms(), the coarse pass first */
  VS_FRAME_PLAN_FINGERPRINT,  /* vs_fingerprint_frame_time_ms(), in order */
} VsFramePlan;

/* As _vs_thumbnailer_decode_keyframes(), but a key frame further than @tolerance_ns from
 * its time (-1: any distance will do) is replaced by the frame at the time, decoded from
 * that key frame on. */
gboolean      _vs_thumbnailer_decode_frames         (const char         *uri,
                                                     const char         *display,
                                                     guint               box,
                                                     const gint64       *times_ns,
                                                     guint               n_times,
                                                     VsFramePlan         plan,
                                                     gint64              tolerance_ns,
                                                     gint64              deadline,
                                                     GCancellable       *cancellable,
                                                     VsKeyframeFunc      func,
                                                     gpointer            user_data,
                                                     guint              *out_decoded,
                                                     gint64             *out_duration_ns,
                                                     GError            **error);

/* vs-filmstrip-maker.c: for each of the @n ordered @targets_ns of the HLS playlist
 * @path, the segment holding it (NULL past the last) and that segment's start. FALSE when
 * the playlist gives no segment at all. */
gboolean      _vs_thumbnailer_pick_segments         (const char         *path,
                                                     const gint64       *targets_ns,
                                                     guint               n,
                                                     char              **out_paths,
                                                     gint64             *out_starts_ns,
                                                     GCancellable       *cancellable,
                                                     GError            **error);

/* vs-filmstrip-maker.c: an HLS playlist's flags and duration, refused (NOT_MEDIA) when it
 * cannot be read or refers to files outside its folder. */
gboolean      _vs_thumbnailer_read_playlist         (const char         *path,
                                                     const char         *display,
                                                     VsPlaylistFlags    *out_flags,
                                                     gint64             *out_duration_ms,
                                                     GCancellable       *cancellable,
                                                     GError            **error);

G_END_DECLS
