/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-filmstrip-maker.c: a video's filmstrip, from its key frames only
 *
 * One pipeline per file seeks to each frame's time snapped to the nearest key frame, and
 * its video decoder is given key frames only (see _vs_thumbnailer_decode_keyframes()), so
 * a 100-frame strip decodes about 100 frames, whatever the length of the video. An HLS
 * download's segments each start with a key frame: the segment holding each frame's
 * time is decoded for its first frame alone.
 */
#define G_LOG_DOMAIN "vs-thumbnailer"

#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vs-path.h"
#include "vs-playlist.h"
#include "vs-thumbnailer-private.h"

/* A filmstrip decodes up to a hundred frames: it may take this many times a
 * thumbnail's time limit. */
#define TIME_FACTOR 4

typedef struct
{
  GdkPixbuf        *sheet;
  guint             tile_width;
  guint             tile_height;
  guint             columns;
  guint             n_frames;
  gint64           *times_ms;
  gboolean         *filled;
  guint             n_filled;

  /* where the coarse strip goes once its frames are in (NULL: not written) */
  const char       *partial_path;
  const SourceInfo *info;
} Sheet;

static void
sheet_clear (Sheet *s)
{
  g_clear_object (&s->sheet);
  g_clear_pointer (&s->times_ms, g_free);
  g_clear_pointer (&s->filled, g_free);
}

/* Times in order (the header's rule), within the video. */
static void
sheet_fix_times (Sheet  *s,
                 gint64  duration_ms)
{
  for (guint i = 0; i < s->n_frames; i++)
    {
      if (duration_ms > 0)
        s->times_ms[i] = MIN (s->times_ms[i], duration_ms);
      if (i > 0)
        s->times_ms[i] = MAX (s->times_ms[i], s->times_ms[i - 1]);
    }
}

/* The coarse strip: each tile not decoded yet shows the one before it. */
static void
write_partial (Sheet  *s,
               gint64  duration_ns)
{
  g_autoptr(GdkPixbuf) sheet = gdk_pixbuf_copy (s->sheet);
  g_autofree gint64 *times = g_memdup2 (s->times_ms, s->n_frames * sizeof (gint64));
  g_autoptr(GError) error = NULL;
  gint64 duration_ms = duration_ns > 0 ? duration_ns / GST_MSECOND : -1;
  guint source = 0;

  if (sheet == NULL)
    return;
  for (guint i = 0; i < s->n_frames; i++)
    {
      if (s->filled[i])
        {
          source = i;
          continue;
        }
      gdk_pixbuf_copy_area (s->sheet, (int) ((source % s->columns) * s->tile_width),
                            (int) ((source / s->columns) * s->tile_height), (int) s->tile_width,
                            (int) s->tile_height, sheet, (int) ((i % s->columns) * s->tile_width),
                            (int) ((i / s->columns) * s->tile_height));
      times[i] = vs_filmstrip_frame_time_ms (duration_ms, s->n_frames, i);
    }
  for (guint i = 1; i < s->n_frames; i++)
    times[i] = MAX (times[i], times[i - 1]);
  if (!vs_filmstrip_save (s->partial_path, s->info->uri, s->info->mtime, s->info->size,
                          duration_ms, VS_FILMSTRIP_FLAG_PARTIAL, sheet, s->tile_width,
                          s->tile_height, s->columns, times, s->n_frames, &error))
    g_debug ("Cannot write the coarse filmstrip: %s", error->message);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sheet, sheet_clear)

static gboolean
add_frame (guint      index,
           guint      n_frames,
           GdkPixbuf *frame,
           gint64     pts_ns,
           gint64     duration_ns,
           gpointer   user_data)
{
  Sheet *s = user_data;
  int width = gdk_pixbuf_get_width (frame);
  int height = gdk_pixbuf_get_height (frame);
  gint64 pts_ms = MAX (pts_ns, 0) / GST_MSECOND;
  int x, y;

  if (s->sheet == NULL)
    {
      guint rows;

      s->n_frames = MIN (n_frames, VS_FILMSTRIP_MAX_FRAMES);
      s->tile_width = (guint) MIN (width, VS_FILMSTRIP_TILE_MAX);
      s->tile_height = (guint) MIN (height, VS_FILMSTRIP_TILE_MAX);
      s->columns = MIN (s->n_frames, VS_FILMSTRIP_COLUMNS);
      rows = (s->n_frames + s->columns - 1) / s->columns;
      s->sheet = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, (int) (s->tile_width * s->columns),
                                 (int) (s->tile_height * rows));
      if (s->sheet == NULL)
        return FALSE;
      gdk_pixbuf_fill (s->sheet, 0x000000ff);
      s->times_ms = g_new0 (gint64, s->n_frames);
      s->filled = g_new0 (gboolean, s->n_frames);
    }
  if (index >= s->n_frames)
    return FALSE;

  x = (int) ((index % s->columns) * s->tile_width);
  y = (int) ((index / s->columns) * s->tile_height);
  if ((guint) width == s->tile_width && (guint) height == s->tile_height)
    gdk_pixbuf_copy_area (frame, 0, 0, width, height, s->sheet, x, y);
  else
    {
      /* A stream whose size changes midway: the frame is fitted in its tile. */
      double scale = MIN ((double) s->tile_width / width, (double) s->tile_height / height);
      int w = CLAMP ((int) (width * scale), 1, (int) s->tile_width);
      int h = CLAMP ((int) (height * scale), 1, (int) s->tile_height);

      gdk_pixbuf_scale (frame, s->sheet, x, y, w, h, x, y, scale, scale, GDK_INTERP_BILINEAR);
    }
  s->times_ms[index] = pts_ms;
  if (!s->filled[index])
    {
      s->filled[index] = TRUE;
      s->n_filled++;
      if (s->partial_path != NULL && s->n_filled < s->n_frames &&
          s->n_filled == vs_filmstrip_count_coarse (s->n_frames))
        write_partial (s, duration_ns);
    }
  return TRUE;
}

/* ---- HLS ---------------------------------------------------------------------------- */

typedef struct
{
  guint         n;
  const gint64 *targets_ns;
  char        **paths;        /* the segment holding each target */
  gint64       *starts_ns;    /* that segment's start */
  gint64        elapsed_ns;
  guint         next;         /* the first target not placed yet */
} Picker;

static gboolean
pick (const VsPlaylistSegment *segment,
      gpointer                 user_data)
{
  Picker *p = user_data;
  gint64 end = p->elapsed_ns + segment->duration_ns;

  /* Targets are in order: each segment takes those that fall in it. */
  while (p->next < p->n && p->targets_ns[p->next] < end)
    {
      p->paths[p->next] = g_strdup (segment->path);
      p->starts_ns[p->next] = p->elapsed_ns;
      p->next++;
    }
  p->elapsed_ns = end;
  return p->next < p->n;
}

gboolean
_vs_thumbnailer_pick_segments (const char    *path,
                               const gint64  *targets_ns,
                               guint          n,
                               char         **out_paths,
                               gint64        *out_starts_ns,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  Picker picker = { n, targets_ns, out_paths, out_starts_ns, 0, 0 };

  playlist = vs_playlist_load (path, pick, &picker, cancellable, error);
  /* a playlist that fails after its first segments still gives those */
  if (playlist == NULL && picker.next > 0)
    g_clear_error (error);
  return playlist != NULL || picker.next > 0;
}

gboolean
_vs_thumbnailer_read_playlist (const char       *path,
                               const char       *display,
                               VsPlaylistFlags  *out_flags,
                               gint64           *out_duration_ms,
                               GCancellable     *cancellable,
                               GError          **error)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(GError) local_error = NULL;

  playlist = vs_playlist_load (path, NULL, NULL, cancellable, &local_error);
  if (playlist == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                     "“%s” is not a usable playlist: %s", display, local_error->message);
      return FALSE;
    }
  *out_flags = vs_playlist_get_flags (playlist);
  *out_duration_ms = vs_playlist_get_duration_ms (playlist);
  if (*out_flags & (VS_PLAYLIST_FLAG_ESCAPING | VS_PLAYLIST_FLAG_REMOTE))
    {
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                   "“%s” refers to files outside its folder", display);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_from_playlist (const char    *path,
                    const char    *uri,
                    const char    *display,
                    gint64         deadline,
                    Sheet         *sheet,
                    guint         *out_decoded,
                    gint64        *out_duration_ms,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree gint64 *targets_ns = NULL;
  g_autofree gint64 *starts_ns = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(GdkPixbuf) last = NULL;
  VsPlaylistFlags flags;
  gint64 duration_ms;
  guint n;

  if (!_vs_thumbnailer_read_playlist (path, display, &flags, &duration_ms, cancellable, error))
    return FALSE;
  *out_duration_ms = duration_ms;
  /* Segments that cannot be read alone (fMP4 behind an init section, byte ranges): the
   * whole playlist through hlsdemux, which seeks. */
  if (flags & (VS_PLAYLIST_FLAG_INIT_MAP | VS_PLAYLIST_FLAG_BYTERANGE))
    return _vs_thumbnailer_decode_keyframes (uri, display, VS_FILMSTRIP_TILE_MAX, NULL, 0,
                                             deadline, cancellable, add_frame, sheet,
                                             out_decoded, NULL, error);

  n = vs_filmstrip_count_frames (duration_ms);
  targets_ns = g_new (gint64, n);
  paths = g_new0 (char *, n + 1);
  starts_ns = g_new0 (gint64, n);
  for (guint i = 0; i < n; i++)
    targets_ns[i] = vs_filmstrip_frame_time_ms (duration_ms, n, i) * GST_MSECOND;
  if (!_vs_thumbnailer_pick_segments (path, targets_ns, n, paths, starts_ns, cancellable,
                                      &local_error))
    {
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                   "“%s” is not a usable playlist: %s", display,
                   local_error != NULL ? local_error->message : "no segment");
      return FALSE;
    }

  *out_decoded = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GdkPixbuf) frame = NULL;
      gint64 pts_ns = starts_ns[i];

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (i > 0 && g_strcmp0 (paths[i], paths[i - 1]) == 0 && last != NULL)
        frame = g_object_ref (last);   /* a long segment holds several frames' times */
      else if (paths[i] != NULL)
        {
          g_autofree char *segment_uri = g_filename_to_uri (paths[i], NULL, NULL);
          g_autofree char *segment_display = g_filename_display_name (paths[i]);
          g_autoptr(GError) segment_error = NULL;
          g_auto(Sheet) one = { 0 };
          const gint64 first = 0;
          guint decoded = 0;
          struct stat st;

          if (segment_uri != NULL && g_stat (paths[i], &st) == 0 && S_ISREG (st.st_mode) &&
              _vs_thumbnailer_decode_keyframes (segment_uri, segment_display,
                                                VS_FILMSTRIP_TILE_MAX, &first, 1, deadline,
                                                cancellable, add_frame, &one, &decoded, NULL,
                                                &segment_error))
            frame = g_object_ref (one.sheet);
          *out_decoded += decoded;
          if (g_error_matches (segment_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              g_error_matches (segment_error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_TIMEOUT))
            {
              g_propagate_error (error, g_steal_pointer (&segment_error));
              return FALSE;
            }
        }
      /* A missing or damaged segment: the frame before stands in. */
      if (frame == NULL && last != NULL)
        frame = g_object_ref (last);
      if (frame == NULL)
        continue;
      g_set_object (&last, frame);
      if (sheet->sheet == NULL && i > 0)
        {
          /* The first segments were unreadable: they get this frame too. */
          for (guint j = 0; j < i; j++)
            add_frame (j, n, frame, pts_ns, -1, sheet);
        }
      if (!add_frame (i, n, frame, pts_ns, -1, sheet))
        break;
    }
  if (sheet->sheet == NULL)
    {
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                   "“%s” has no local segment to decode", display);
      return FALSE;
    }
  return TRUE;
}

/* ---- the maker ---------------------------------------------------------------------- */

static gboolean
check_output (const char        *output,
              const SourceInfo  *info,
              gboolean           replace,
              GError           **error)
{
  g_autofree char *display = g_filename_display_name (output);
  GStatBuf st;

  if (g_stat (output, &st) != 0)
    return TRUE;
  if (st.st_dev == info->dev && st.st_ino == info->ino)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is the video itself: not writing over it", display);
      return FALSE;
    }
  if (!replace)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "“%s” already exists (use --force to replace it)", display);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "“%s” is not a regular file", display);
      return FALSE;
    }
  return TRUE;
}

char *
vs_thumbnailer_make_filmstrip (VsThumbnailer  *self,
                               const char     *path,
                               const char     *output,
                               gboolean        replace,
                               guint          *out_decoded,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_auto(SourceInfo) info = { 0 };
  g_auto(Sheet) sheet = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  g_autofree char *target = NULL;
  gint64 duration_ms = -1;
  gint64 deadline;
  guint timeout_ms = 0;
  guint decoded = 0;
  gboolean ok;
  int fd;

  g_return_val_if_fail (VS_IS_THUMBNAILER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_decoded != NULL)
    *out_decoded = 0;
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !_vs_thumbnailer_source_info_init (&info, path, error))
    return NULL;
  target = output != NULL ? g_strdup (output) : vs_filmstrip_path (info.uri);
  if (output != NULL && !check_output (output, &info, replace, error))
    return NULL;

  g_object_get (self, "timeout-ms", &timeout_ms, NULL);
  /* Only files' frames come coarse pass first; an HLS download's come in order. */
  if (output == NULL && !vs_path_has_suffix_nocase (path, ".m3u8"))
    {
      sheet.partial_path = target;
      sheet.info = &info;
    }
  deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000 * TIME_FACTOR;
  display = g_filename_display_name (path);

  /* A FIFO or a device would block the source element in open(2). */
  fd = vs_path_open_regular (path, &local_error);
  if (fd >= 0)
    close (fd);
  if (fd < 0)
    ok = FALSE;
  else if (info.size == 0)
    {
      g_set_error (&local_error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                   "“%s” is empty", display);
      ok = FALSE;
    }
  else if (vs_path_has_suffix_nocase (path, ".m3u8"))
    ok = make_from_playlist (info.path, info.uri, display, deadline, &sheet, &decoded,
                             &duration_ms, cancellable, &local_error);
  else
    {
      gint64 duration_ns = -1;

      ok = _vs_thumbnailer_decode_keyframes (info.uri, display, VS_FILMSTRIP_TILE_MAX, NULL, 0,
                                             deadline, cancellable, add_frame, &sheet, &decoded,
                                             &duration_ns, &local_error);
      if (duration_ns > 0)
        duration_ms = duration_ns / GST_MSECOND;
    }
  if (out_decoded != NULL)
    *out_decoded = decoded;
  if (ok && sheet.sheet == NULL)
    {
      g_set_error (&local_error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA,
                   "No frame of “%s” could be decoded", display);
      ok = FALSE;
    }
  if (!ok)
    {
      /* As for thumbnails, only a verdict on the content is remembered. */
      if (output == NULL && local_error->domain == VS_THUMBNAILER_ERROR &&
          local_error->code != VS_THUMBNAILER_ERROR_FAILED)
        {
          g_autoptr(GError) marker_error = NULL;

          if (!vs_filmstrip_save (target, info.uri, info.mtime, info.size, duration_ms,
                                  VS_FILMSTRIP_FLAG_FAILED, NULL, 0, 0, 0, NULL, 0,
                                  &marker_error))
            g_debug ("Cannot write the filmstrip's fail marker: %s", marker_error->message);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  sheet_fix_times (&sheet, duration_ms);
  if (!vs_filmstrip_save (target, info.uri, info.mtime, info.size, duration_ms,
                          VS_FILMSTRIP_FLAG_NONE, sheet.sheet, sheet.tile_width,
                          sheet.tile_height, sheet.columns, sheet.times_ms, sheet.n_frames,
                          error))
    return NULL;
  return g_steal_pointer (&target);
}
