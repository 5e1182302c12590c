/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-test-media.h: media fixtures made at test time with GStreamer */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Skips the calling test (exit 77 semantics via g_test_skip) and returns FALSE when an
 * element is missing. */
gboolean vs_test_media_require     (const char *const *elements);

/* Runs a gst-launch style pipeline to EOS; fails the test on error or after 60 s. */
void     vs_test_media_run         (const char *pipeline);

/* 1 s of black, then 2 s of SMPTE bars: H.264 in MP4, 320x240, 25 fps (3000 ms). */
void     vs_test_media_black_intro (const char *path);
/* @seconds of SMPTE bars, H.264 in MP4, 320x240, 25 fps, no audio (nothing to play it on
 * under Xvfb). */
void     vs_test_media_clip        (const char *path,
                                    guint       seconds);
/* @seconds of a moving ball, H.264 in MP4, 320x180 at 5 fps with a key frame every 2 s, no
 * audio: long videos (minutes) made in a few seconds, for filmstrips. */
void     vs_test_media_long_clip   (const char *path,
                                    guint       seconds);
/* 2 s of a moving ball, VP8 + Vorbis in WebM, 320x240 (2000 ms). */
void     vs_test_media_webm        (const char *path);
/* 2 s of H.264 + AAC in MP4, 640x360, pattern @pattern (videotestsrc enum nick) (2000 ms). */
void     vs_test_media_mp4         (const char *path,
                                    const char *pattern);
/* 2 s of AAC in MP4, no video (2000 ms). */
void     vs_test_media_audio_only  (const char *path);
/* An HLS folder: index.m3u8 + seg%05d.ts, @seconds of H.264 in 2 s segments. */
void     vs_test_media_hls         (const char *folder,
                                    guint       seconds);
/* An HLS folder: index.m3u8 + seg%05d.ts, @seconds of H.264 (videotestsrc pattern
 * @pattern, 320x240, 25 fps) and AAC in 2 s segments. */
void     vs_test_media_hls_av      (const char *folder,
                                    guint       seconds,
                                    const char *pattern);
/* As vs_test_media_hls_av(), but the audio starts @audio_delay seconds after the video, so
 * the segments carry that much video before the first audio. */
void     vs_test_media_hls_late_audio (const char *folder,
                                       guint       seconds,
                                       guint       audio_delay);
/* @seconds of H.264 + AAC (320x240, 25 fps) in a fragmented MP4, one fragment a second. */
void     vs_test_media_fmp4        (const char *path,
                                    guint       seconds);
/* A copy of @source cut to @percent of its size. */
void     vs_test_media_truncate    (const char *source,
                                    const char *path,
                                    guint       percent);
/* @seconds of videotestsrc's @pattern scrolling sideways (a moving picture that tells one
 * pattern from another), H.264 at @kbps (0: x264enc's default) in MP4, @width × @height at
 * 25 fps with a key frame every second, no audio. The same arguments but @kbps and the
 * size give the same pictures: a re-encode, a resize. */
void     vs_test_media_moving      (const char *path,
                                    const char *pattern,
                                    guint       seconds,
                                    guint       width,
                                    guint       height,
                                    guint       kbps);
/* @source (an MP4 of H.264) remuxed into Matroska: the same frames, another container. */
void     vs_test_media_remux_mkv   (const char *source,
                                    const char *path);
/* @size random bytes. */
void     vs_test_media_random      (const char *path,
                                    gsize       size);

/* @seconds of "scenes" of 2–6 s, each a videotestsrc pattern picked by @seed (its own
 * parameters, often moving): distinct sources for duplicate finding. H.264 in MP4,
 * 320x180, 10 fps, a key frame every 2 s. */
void     vs_test_media_scenes      (const char *path,
                                    guint       seed,
                                    guint       seconds);
/* Decodes @source into "… ! @tail" (raw video: caps, encoder, muxer, sink), from
 * @trim_start_ms on (an accurate seek first). */
void     vs_test_media_transcode   (const char *source,
                                    const char *tail,
                                    guint       trim_start_ms);

G_END_DECLS
