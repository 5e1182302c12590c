/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-subtitles.h: external subtitles (SubRip .srt, WebVTT .vtt) beside a video */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VS_SUBTITLES_ERROR (vs_subtitles_error_quark ())
GQuark vs_subtitles_error_quark (void);

typedef enum
{
  VS_SUBTITLES_ERROR_TOO_LARGE,   /* above VS_SUBTITLES_MAX_FILE_SIZE */
  VS_SUBTITLES_ERROR_NOT_TEXT,    /* NUL bytes, UTF-16 */
  VS_SUBTITLES_ERROR_NO_CUES,     /* nothing that could be shown */
} VsSubtitlesError;

/* No subtitle file is near this: a film's has a few hundred kilobytes. */
#define VS_SUBTITLES_MAX_FILE_SIZE (16 * 1024 * 1024)
/* At most this many cues are shown at once (overlapping cues). */
#define VS_SUBTITLES_MAX_SHOWN     8

#define VS_TYPE_SUBTITLES (vs_subtitles_get_type ())
G_DECLARE_FINAL_TYPE (VsSubtitles, vs_subtitles, VS, SUBTITLES, GObject)

/* Reads @path (SubRip or WebVTT, told apart by the "WEBVTT" header) line by line. Cues
 * with bad timestamps are skipped and counted; text that is not UTF-8 is read as
 * Windows-1252. Blocking: call it from a worker thread. */
VsSubtitles *vs_subtitles_new_from_file  (const char    *path,
                                          GCancellable  *cancellable,
                                          GError       **error);

/* The subtitle file of @video_path, or NULL: NAME.srt, NAME.vtt, then NAME.LANG.srt or
 * .vtt (the user's languages first, e.g. clip.en.srt); for an HLS playlist also the
 * download folder's name beside it. Blocking (it may list the folder). */
char        *vs_subtitles_find           (const char    *video_path);

/* vs_subtitles_find() and vs_subtitles_new_from_file() on a worker thread. The result is
 * NULL without an error when the video has no subtitle file. */
void         vs_subtitles_load_for_video_async  (const char          *video_path,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
VsSubtitles *vs_subtitles_load_for_video_finish (GAsyncResult        *result,
                                                 GError             **error);

const char  *vs_subtitles_get_path       (VsSubtitles   *self);
/* "UTF-8", or "WINDOWS-1252" when some text was read so. */
const char  *vs_subtitles_get_encoding   (VsSubtitles   *self);
guint        vs_subtitles_get_n_cues     (VsSubtitles   *self);
/* Cues left out: bad or reversed timestamps, a timing line missing. */
guint        vs_subtitles_get_n_skipped  (VsSubtitles   *self);
/* Cue @index in start order: its times, and its text as Pango markup (well-formed, tags
 * limited to <i>, <b> and <u>). */
const char  *vs_subtitles_get_cue        (VsSubtitles   *self,
                                          guint          index,
                                          gint64        *start_ms,
                                          gint64        *end_ms);
/* The markup of the cues showing at @time_ms (start <= time < end), one per line in start
 * order, or NULL when none. */
char        *vs_subtitles_dup_markup_at  (VsSubtitles   *self,
                                          gint64         time_ms);

G_END_DECLS
