/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-video-record.h: one library row as plain data, safe to pass between threads */
#pragma once

#include <glib-object.h>

#include "vs-hls-info.h"

G_BEGIN_DECLS

typedef enum
{
  VS_VIDEO_KIND_FILE = 0,
  VS_VIDEO_KIND_HLS  = 1,
} VsVideoKind;

typedef enum
{
  VS_MEDIA_STATE_PENDING = 0, /* not done yet */
  VS_MEDIA_STATE_DONE    = 1,
  VS_MEDIA_STATE_FAILED  = 2,
} VsMediaState;

typedef enum
{
  VS_SORT_NAME     = 0,
  VS_SORT_MTIME    = 1,
  VS_SORT_SIZE     = 2,
  VS_SORT_DURATION = 3,
  VS_SORT_RESOLUTION = 4, /* width × height, unknown last */
  VS_SORT_FOLDER   = 5,   /* the path: by folder, then name (byte order) */
  VS_SORT_LAST_PLAYED = 6, /* when last played or its position stored, never played last */
  VS_SORT_ADDED    = 7,   /* when it joined the library, unknown last (before schema 13: mtime) */
} VsSortKey;

#define VS_TYPE_VIDEO_RECORD (vs_video_record_get_type ())

typedef struct
{
  gint64       id;
  gint64       folder_id;
  char        *path;          /* filename encoding: raw bytes, not always UTF-8 */
  char        *uri;           /* escaped, lossless */
  char        *display_name;  /* UTF-8, for people */
  VsVideoKind  kind;
  gint64       size;
  gint64       mtime_ns;      /* ns since the epoch */
  gint64       btime_ns;      /* creation time, 0 when unknown */
  gint64       duration_ms;   /* -1 when unknown */
  int          width;         /* 0 when unknown */
  int          height;
  char        *video_codec;
  char        *audio_codec;
  char        *container;
  gboolean     has_video;
  VsMediaState probe_state;
  VsMediaState thumb_state;
  VsHlsInfo    hls;           /* kind HLS: the download's state; UNKNOWN for files */
  /* Watched state and progress, read with the row (vs-database-watched.c) */
  gboolean     watched;
  guint        play_count;
  gint64       last_played_ns; /* ns since the epoch, 0 when never played */
  gint64       position_ms;    /* where it was left, 0 when not in progress */
  gint64       added_ns;       /* when it joined the library, ns since the epoch; 0 when
                                * unknown (a library older than schema 13) */
} VsVideoRecord;

GType          vs_video_record_get_type (void) G_GNUC_CONST;
VsVideoRecord *vs_video_record_new      (void);
VsVideoRecord *vs_video_record_copy     (const VsVideoRecord *self);
void           vs_video_record_free     (VsVideoRecord *self);
gboolean       vs_video_record_equal    (const VsVideoRecord *a,
                                         const VsVideoRecord *b);

/* Sets path, and uri and display_name from it (an HLS item is named after its folder);
 * set kind first. */
void           vs_video_record_set_path (VsVideoRecord *self,
                                         const char    *path);

const char    *vs_video_kind_to_string  (VsVideoKind kind);
gboolean       vs_sort_key_from_string  (const char *str,
                                         VsSortKey  *out_key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsVideoRecord, vs_video_record_free)

G_END_DECLS
