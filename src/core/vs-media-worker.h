/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-media-worker.h: one media helper process, driven from one pool thread
 *
 * Decoding runs out of process (vidshelf-media-worker), like Totem's thumbnailer: a file
 * that crashes or hangs a decoder kills only the helper, which is restarted for the next
 * file, and a hung decoder is killed at the time limit instead of holding a worker.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vs-fingerprint.h"
#include "vs-prober.h"
#include "vs-thumbnailer.h"

G_BEGIN_DECLS

/* A filmstrip decodes up to VS_FILMSTRIP_MAX_FRAMES key frames: its request gets this many
 * times a file's time limit (the maker's TIME_FACTOR in vs-filmstrip-maker.c: keep them
 * equal), the client's grace on top. */
#define VS_MEDIA_WORKER_FILMSTRIP_TIME_FACTOR 4
/* A fingerprint decodes VS_FINGERPRINT_FRAMES frames, some up to their time from a key
 * frame: twice a file's limit. */
#define VS_MEDIA_WORKER_FINGERPRINT_TIME_FACTOR 2

#define VS_MEDIA_WORKER_ERROR (vs_media_worker_error_quark ())

typedef enum
{
  VS_MEDIA_WORKER_ERROR_FAILED,
  VS_MEDIA_WORKER_ERROR_TIMEOUT,   /* the helper went past the time limit and was killed */
  VS_MEDIA_WORKER_ERROR_CRASHED,   /* the helper died on this file */
  VS_MEDIA_WORKER_ERROR_NO_HELPER, /* the helper program cannot be found or started */
} VsMediaWorkerError;

#define VS_TYPE_MEDIA_WORKER (vs_media_worker_get_type ())
G_DECLARE_FINAL_TYPE (VsMediaWorker, vs_media_worker, VS, MEDIA_WORKER, GObject)

GQuark         vs_media_worker_error_quark (void);
/* $VIDSHELF_MEDIA_WORKER, else the installed helper, else the one in the build tree. */
char          *vs_media_worker_find_helper (void);

/* @timeout_ms: the time limit of one file (0: 15 s). Not thread-safe: one per thread. */
VsMediaWorker *vs_media_worker_new         (guint           timeout_ms);
VsProbeResult *vs_media_worker_probe       (VsMediaWorker  *self,
                                            const char     *path,
                                            GCancellable   *cancellable,
                                            GError        **error);
/* @output: write there, not to the cache, replacing an existing file only with @replace
 * (never @path's own file). @shared (cache mode): the thumbnail also goes to the file's
 * shared repository (vs_thumbnail_share()); a share that cannot be written fails nothing. */
char          *vs_media_worker_thumbnail   (VsMediaWorker  *self,
                                            const char     *path,
                                            VsThumbnailSize size,
                                            const char     *output,
                                            gboolean        replace,
                                            gboolean        shared,
                                            GCancellable   *cancellable,
                                            GError        **error);
/* @budget: the filmstrip cache's byte budget, kept after a write to the cache (0: none).
 * @out_decoded: the frames given to the decoder (0 when the cache had it). */
char          *vs_media_worker_filmstrip   (VsMediaWorker  *self,
                                            const char     *path,
                                            const char     *output,
                                            gboolean        replace,
                                            guint64         budget,
                                            guint          *out_decoded,
                                            GCancellable   *cancellable,
                                            GError        **error);
/* @path's fingerprint (vs_thumbnailer_make_fingerprint() in the helper); the answer is
 * checked like any untrusted data. @out_decoded: the frames given to the decoder. */
gboolean       vs_media_worker_fingerprint (VsMediaWorker  *self,
                                            const char     *path,
                                            VsFingerprint  *out,
                                            guint          *out_decoded,
                                            GCancellable   *cancellable,
                                            GError        **error);
/* The helper's process id, 0 when none runs (tests kill it to simulate a crash). */
GPid           vs_media_worker_get_pid     (VsMediaWorker  *self);

/* The JSON form of results and errors, shared by the helper, the client and the CLI.
 * add_json_members writes a result's members into an object being built. */
void           vs_probe_result_add_json_members (const VsProbeResult *result,
                                                 JsonBuilder         *builder);
JsonNode      *vs_media_worker_probe_to_json   (const VsProbeResult *result);
VsProbeResult *vs_media_worker_probe_from_json (JsonObject          *object);
/* A string or integer member of a request or response, or @fallback when it is missing
 * or holds another type (never a critical, whatever the line holds). */
const char    *vs_media_json_get_string (JsonObject *object,
                                         const char *member,
                                         const char *fallback);
gint64         vs_media_json_get_int    (JsonObject *object,
                                         const char *member,
                                         gint64      fallback);
gboolean       vs_media_json_get_boolean (JsonObject *object,
                                          const char *member,
                                          gboolean    fallback);
/* The file a successful thumbnail response names, or NULL and an error. */
char          *vs_media_worker_thumbnail_from_json (JsonObject     *object,
                                                    GError        **error);
JsonNode      *vs_media_worker_error_to_json   (const GError        *error);
/* One response line of the helper: its object when "ok", else the error it carries (a
 * garbage line: VS_MEDIA_WORKER_ERROR_FAILED). Also a fuzzing entry point. */
JsonObject    *vs_media_worker_parse_response  (const char          *line,
                                                GError             **error);

G_END_DECLS
