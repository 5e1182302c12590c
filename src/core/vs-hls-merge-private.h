/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-hls-merge-private.h: shared between the parts of VsHlsMerge */
#pragma once

#include <sys/stat.h>

#include <gst/gst.h>

#include "vs-hls-merge.h"
#include "vs-playlist.h"
#include "vs-trash.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (_vs_hls_merge_debug);
#define GST_CAT_DEFAULT _vs_hls_merge_debug

#define TEMP_SUFFIX        ".vidshelf-merge"

/* One run's state: the merge thread reads and writes it, GStreamer's streaming threads
 * only the fields under lock. */
typedef struct
{
  VsHlsMerge   *self;          /* owned */
  GMainContext *progress_context; /* owned; NULL: emit on the running thread */
  GCancellable *cancellable;   /* borrowed, may be NULL */

  /* settings, copied at the start */
  char         *input;
  char         *output;
  gboolean      force;
  gboolean      remove_source;
  GStrv         roots;

  /* resolved */
  char         *playlist_path;
  char         *folder;        /* canonical, no trailing slash */
  char         *real_folder;   /* folder with symlinks resolved */
  char         *temp;
  int           lock_fd;       /* the temporary file, flock()ed; -1 */
  VsTrash      *source_trash;  /* remove-source: the folder's inventory, taken at the start */
  /* what the output names before the run, if it exists: the entry itself and what it
   * leads to; no input may be either */
  gboolean      output_exists;
  struct stat   output_lst;
  struct stat   output_st;
  gboolean      fmp4;
  gint64        duration_ms;
  guint64       total_bytes;
  guint64       done_bytes;
  gint64        last_progress_us;

  /* validation pass */
  GError       *check_error;
  /* remote segment URIs read from the copies saved beside the playlist (see
   * _vs_hls_merge_segment_file()); set only when every one of them has its copy */
  gboolean      local_copies;
  guint         n_copies;
  guint         n_copies_missing;
  char         *first_missing_copy;

  /* pipeline */
  GstElement   *pipeline;
  GstElement   *appsrc;        /* borrowed from the pipeline */
  gint          mux_buffers;   /* atomic: buffers the muxer wrote, for the stall watchdog */
  GstElement   *mux;           /* borrowed */
  GstClockTime  mux_latency;   /* feeder thread */
  GstBufferPool *pool;         /* owned: the reads' buffers, reused (no page faults) */
  GMutex        lock;
  GCond         cond;
  GError       *pipeline_error; /* under lock: the first error of any thread */
  guint         n_video;       /* under lock: streams linked to the muxer */
  guint         n_audio;
  gulong        cancel_id;
} Merge;

static inline gboolean
_vs_hls_merge_same_file (const struct stat *a,
                         const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* vs-hls-merge.c */
void        _vs_hls_merge_report_progress       (Merge              *m,
                                                 gboolean            final);

/* vs-hls-merge-validate.c */
gboolean    _vs_hls_merge_resolve_paths         (Merge              *m,
                                                 GError            **error);
gboolean    _vs_hls_merge_resolves_inside       (Merge              *m,
                                                 const char         *path);
const char *_vs_hls_merge_segment_file          (Merge              *m,
                                                 const char         *uri,
                                                 const char         *path,
                                                 char              **copy);
int         _vs_hls_merge_open_segment          (const char         *path,
                                                 GError            **error);
gboolean    _vs_hls_merge_check_flags           (Merge              *m,
                                                 VsPlaylistFlags     flags,
                                                 GError            **error);
gboolean    _vs_hls_merge_validate              (Merge              *m,
                                                 GCancellable       *cancellable,
                                                 GError            **error);
gboolean    _vs_hls_merge_check_output          (Merge              *m,
                                                 GError            **error);
gboolean    _vs_hls_merge_check_hls_only        (Merge              *m,
                                                 GError            **error);

/* vs-hls-merge-pipeline.c */
gboolean    _vs_hls_merge_remux                 (Merge              *m,
                                                 GError            **error);
void        _vs_hls_merge_stop_pipeline         (Merge              *m);

/* vs-hls-merge-place.c */
gboolean    _vs_hls_merge_verify                (Merge              *m,
                                                 GError            **error);
gboolean    _vs_hls_merge_sync_file             (const char         *path,
                                                 GError            **error);
gboolean    _vs_hls_merge_move_into_place       (Merge              *m,
                                                 GError            **error);
gboolean    _vs_hls_merge_trash_source          (Merge              *m,
                                                 GError            **error);
gboolean    _vs_hls_merge_take_source_inventory (Merge              *m,
                                                 GError            **error);

/* vs-hls-merge-lock.c */
gboolean    _vs_hls_merge_lock_temp             (Merge              *m,
                                                 GError            **error);
void        _vs_hls_merge_unlock_temp           (Merge              *m,
                                                 gboolean            remove);

G_END_DECLS
