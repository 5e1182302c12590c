/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-prober.h: media facts (duration, size, codecs) with a reused GstDiscoverer */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VS_PROBER_ERROR (vs_prober_error_quark ())

typedef enum
{
  VS_PROBER_ERROR_FAILED,
  VS_PROBER_ERROR_NOT_MEDIA,     /* no stream GStreamer understands (garbage, empty file) */
  VS_PROBER_ERROR_TIMEOUT,
  VS_PROBER_ERROR_MISSING_PLUGIN,
} VsProberError;

#define VS_TYPE_PROBE_RESULT (vs_probe_result_get_type ())

typedef struct _VsProbeResult
{
  gint64    duration_ms;   /* -1 when unknown */
  int       width;         /* 0 without video */
  int       height;
  char     *video_codec;   /* human-readable, e.g. "H.264 (High Profile)", or NULL */
  char     *audio_codec;
  char     *container;     /* e.g. "Quicktime", "WebM", "MPEG-2 Transport Stream", "HLS" */
  gboolean  has_video;
  gboolean  has_audio;
} VsProbeResult;

GType          vs_probe_result_get_type (void) G_GNUC_CONST;
VsProbeResult *vs_probe_result_copy     (const VsProbeResult *self);
void           vs_probe_result_free     (VsProbeResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsProbeResult, vs_probe_result_free)

#define VS_TYPE_PROBER (vs_prober_get_type ())
G_DECLARE_FINAL_TYPE (VsProber, vs_prober, VS, PROBER, GObject)

GQuark         vs_prober_error_quark    (void);

/* One prober per worker thread; its GstDiscoverer is reused for every file.
 * @timeout_ms bounds each file (0: 15 s). */
VsProber      *vs_prober_new            (guint          timeout_ms,
                                         GError       **error);

/* Probes @path (filename encoding). An HLS playlist (*.m3u8) is measured by the playlist
 * parser, never GStreamer: duration from #EXTINF, the rest from its first segment.
 * Synchronous; call it on the thread that made the prober. */
VsProbeResult *vs_prober_probe          (VsProber      *self,
                                         const char    *path,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_END_DECLS
