/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-media-service.h: probes and thumbnails through the bounded pool of media helpers */
#pragma once

#include <gio/gio.h>

#include "vs-database.h"
#include "vs-filmstrip.h"
#include "vs-job-pool.h"
#include "vs-prober.h"
#include "vs-thumbnailer.h"

G_BEGIN_DECLS

typedef enum
{
  VS_UPDATE_PROBE      = 1 << 0,
  VS_UPDATE_THUMBNAILS = 1 << 1,
  VS_UPDATE_FILMSTRIPS = 1 << 2,
  VS_UPDATE_FINGERPRINTS = 1 << 3,   /* then matched: vs_database_match_duplicates() */
} VsUpdateFlags;

typedef struct
{
  guint probed;
  guint probe_failed;
  guint thumbnailed;    /* made now */
  guint thumb_reused;   /* a valid one was already in the cache */
  guint thumb_failed;
  guint filmstrips_made;
  guint filmstrips_reused;
  guint filmstrips_failed;
  gboolean filmstrip_budget_reached;   /* the pass stopped: the cache is full */
  guint fingerprints_made;     /* decoded now */
  guint fingerprints_copied;   /* an exact copy's, not decoded */
  guint fingerprints_failed;
  guint duplicate_pairs;       /* new pairs the matching found */
  gint64 elapsed_us;
} VsUpdateSummary;

#define VS_TYPE_MEDIA_SERVICE (vs_media_service_get_type ())
G_DECLARE_FINAL_TYPE (VsMediaService, vs_media_service, VS, MEDIA_SERVICE, GObject)

/* @n_workers 0: one per processor. @timeout_ms 0: 15 s a file. */
VsMediaService *vs_media_service_new              (guint                n_workers,
                                                   guint                timeout_ms);
guint           vs_media_service_get_n_workers    (VsMediaService      *self);
/* Jobs queued or running (all priorities). */
guint           vs_media_service_get_n_pending    (VsMediaService      *self);
/* Applied live (the preference): see vs_job_pool_set_n_workers(). */
void            vs_media_service_set_n_workers    (VsMediaService      *self,
                                                   guint                n_workers);

void            vs_media_service_probe_async      (VsMediaService      *self,
                                                   const char          *path,
                                                   VsJobPriority        priority,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
VsProbeResult  *vs_media_service_probe_finish     (VsMediaService      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* A valid cached thumbnail is returned as it is; a file whose fail marker matches its
 * mtime fails at once without decoding. @output: write there instead of the cache, never
 * over an existing file (G_IO_ERROR_EXISTS); full_async() replaces one with @replace, but
 * never @path's own file (G_IO_ERROR_INVALID_ARGUMENT). */
void            vs_media_service_thumbnail_async  (VsMediaService      *self,
                                                   const char          *path,
                                                   VsThumbnailSize      size,
                                                   const char          *output,
                                                   VsJobPriority        priority,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
void            vs_media_service_thumbnail_full_async (VsMediaService      *self,
                                                       const char          *path,
                                                       VsThumbnailSize      size,
                                                       const char          *output,
                                                       gboolean             replace,
                                                       VsJobPriority        priority,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
char           *vs_media_service_thumbnail_finish (VsMediaService      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* The filmstrip cache's byte budget (0: VS_FILMSTRIP_DEFAULT_BUDGET). */
void            vs_media_service_set_filmstrip_budget (VsMediaService *self,
                                                       guint64         bytes);
guint64         vs_media_service_get_filmstrip_budget (VsMediaService *self);

/* @path's filmstrip: a valid one of the cache is returned at once (and marked used), a
 * file whose fail marker matches fails without decoding, else a helper makes it. */
void            vs_media_service_filmstrip_async  (VsMediaService      *self,
                                                   const char          *path,
                                                   VsJobPriority        priority,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* The filmstrip's file in the cache. */
char           *vs_media_service_filmstrip_finish (VsMediaService      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* The same, written to @output instead of the cache when given (an existing one is replaced
 * only with @replace, never @path's own file; the cache is neither read nor trimmed). */
void            vs_media_service_filmstrip_full_async (VsMediaService      *self,
                                                       const char          *path,
                                                       const char          *output,
                                                       gboolean             replace,
                                                       VsJobPriority        priority,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* @out_decoded: the frames a helper gave its decoder (0: the cache had it). */
char           *vs_media_service_filmstrip_full_finish (VsMediaService      *self,
                                                        GAsyncResult        *result,
                                                        guint               *out_decoded,
                                                        GError             **error);

/* @path's fingerprint (vs-fingerprint.h), made by a helper (nothing is cached or stored);
 * a helper's crash or time limit (twice a file's) is an error. */
void            vs_media_service_fingerprint_async  (VsMediaService      *self,
                                                     const char          *path,
                                                     VsJobPriority        priority,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
/* @out_decoded: the frames the helper gave its decoder. */
gboolean        vs_media_service_fingerprint_finish (VsMediaService      *self,
                                                     GAsyncResult        *result,
                                                     VsFingerprint       *out,
                                                     guint               *out_decoded,
                                                     GError             **error);

/* The roots whose thumbnails are shared (vs_database_dup_shared_roots()): a thumbnail
 * job for a file below one also reads from and writes to the file's shared repository
 * (vs_thumbnail_lookup_shared(), vs_thumbnail_share()). Thread-safe; NULL: none. */
void            vs_media_service_set_shared_roots (VsMediaService     *self,
                                                   const char * const *roots);
/* Whether @path is below one of them. */
gboolean        vs_media_service_get_shares       (VsMediaService     *self,
                                                   const char         *path);

/* Probes every unprobed file and/or makes every missing thumbnail (filmstrip, fingerprint)
 * of the library, a bounded number of jobs at a time, writing results through @writer as
 * they come. Fingerprints come last: the content hashes of the files that may be exact
 * copies (read on the pool's threads), then each pending video's fingerprint, taken from
 * an exact copy when one has it (twins wait for each other's decoding, so only one is
 * decoded), else made by a helper (a failure is stored as failed); then the new ones are
 * matched (vs_database_match_duplicates(), on a thread).
 * Pending rows are read through @reader when given: a reader never waits behind a scan's
 * transaction on the writer, so a window's main thread never stalls here.
 * ::update-progress (done, total, flags) is emitted on the calling thread's main context;
 * @flags are the run's own, telling one run's progress from another's. */
void            vs_media_service_update_async     (VsMediaService      *self,
                                                   VsDatabase          *writer,
                                                   VsDatabase          *reader,
                                                   VsUpdateFlags        flags,
                                                   VsThumbnailSize      size,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean        vs_media_service_update_finish    (VsMediaService      *self,
                                                   GAsyncResult        *result,
                                                   VsUpdateSummary     *out_summary,
                                                   GError             **error);

G_END_DECLS
