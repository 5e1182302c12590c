/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Filmstrips in the UI, driven with real X input (XTEST, through xdotool): the pointer
 * moved across a cell's picture shows the frames of a filmstrip put in the cache
 * beforehand (tiles of known colours, read back from the rendered cell), and leaving
 * brings the thumbnail back; Alt+Right and Alt+Left step through the frames of the
 * focused cell; the texture cache keeps at most two sheets; the player's seek bar shows
 * the frame and the time under the pointer. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/stat.h>

#include "vs-filmstrip.h"
#include "vs-format.h"
#include "vs-filmstrip-paintable.h"
#include "vs-player-window.h"
#include "vs-seek-preview.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-texture-cache.h"
#include "vs-thumbnail-view.h"
#include "vs-window.h"

#define TILE_W    160
#define TILE_H    90
#define N_FRAMES  10

static const char *const needed[] = {
  "videotestsrc", "x264enc", "h264parse", "audiotestsrc", "avenc_aac", "aacparse", "mp4mux",
  "qtdemux", "avdec_h264", NULL
};

/* Frame i's colour, RGB: far from each other, and from the black thumbnails. */
static const guint8 colours[N_FRAMES][3] = {
  { 230, 30, 30 }, { 30, 200, 30 }, { 40, 60, 230 }, { 230, 220, 30 }, { 220, 40, 220 },
  { 30, 210, 220 }, { 250, 250, 250 }, { 240, 140, 20 }, { 120, 40, 160 }, { 128, 128, 128 },
};

/* A filmstrip of @path in the cache, as the media helper would leave it, whose frame i is
 * all colours[i]: the service finds it valid and decodes nothing. */
static void
put_filmstrip (const char *path,
               gint64      duration_ms)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *cache_path = vs_filmstrip_path (uri);
  g_autoptr(GdkPixbuf) sheet = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8,
                                               TILE_W * N_FRAMES, TILE_H);
  g_autoptr(GError) error = NULL;
  gint64 times[N_FRAMES];
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  for (guint i = 0; i < N_FRAMES; i++)
    {
      g_autoptr(GdkPixbuf) tile = gdk_pixbuf_new_subpixbuf (sheet, i * TILE_W, 0, TILE_W, TILE_H);

      gdk_pixbuf_fill (tile, (guint32) colours[i][0] << 24 | (guint32) colours[i][1] << 16 |
                             (guint32) colours[i][2] << 8 | 0xff);
      times[i] = vs_filmstrip_frame_time_ms (duration_ms, N_FRAMES, i);
    }
  g_assert_true (vs_filmstrip_save (cache_path, uri, st.st_mtime, st.st_size, duration_ms,
                                    VS_FILMSTRIP_FLAG_NONE, sheet, TILE_W, TILE_H, N_FRAMES,
                                    times, N_FRAMES, &error));
  g_assert_no_error (error);
}

/* The colour @cell's picture shows at (@x, @y), as its window's renderer draws it (the
 * cell's one drawing child, the thumbnail view, rendered alone). */
static void
pixel_at (GtkWidget *cell,
          int        x,
          int        y,
          guint8     rgb[3])
{
  GtkWidget *widget = gtk_widget_get_first_child (cell);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint8 *data = g_malloc ((gsize) width * height * 4);
  guint8 *p;

  g_assert_true (VS_IS_THUMBNAIL_VIEW (widget));
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, data, (gsize) width * 4);
  /* GDK_MEMORY_DEFAULT: B, G, R, A in memory */
  p = data + ((gsize) y * width + x) * 4;
  rgb[0] = p[2];
  rgb[1] = p[1];
  rgb[2] = p[0];
}

static gboolean
near (const guint8 a[3],
      const guint8 b[3])
{
  for (guint i = 0; i < 3; i++)
    if (ABS ((int) a[i] - (int) b[i]) > 40)
      return FALSE;
  return TRUE;
}

/* The picture's middle, in @cell's coordinates. */
static void
picture_middle (VsVideoCell *cell,
                int         *x,
                int         *y)
{
  VsThumbnailView *view = VS_THUMBNAIL_VIEW (gtk_widget_get_first_child (GTK_WIDGET (cell)));

  *x = gtk_widget_get_width (GTK_WIDGET (cell)) / 2;
  *y = vs_thumbnail_view_get_picture_height (view) / 2;
}

static void
assert_shows_frame (VsVideoCell *cell,
                    guint        index)
{
  guint8 rgb[3];
  int x, y;

  picture_middle (cell, &x, &y);
  pixel_at (GTK_WIDGET (cell), x, y, rgb);
  if (!near (rgb, colours[index]))
    g_error ("frame %u should be drawn (%u, %u, %u), the cell shows (%u, %u, %u)", index,
             colours[index][0], colours[index][1], colours[index][2], rgb[0], rgb[1], rgb[2]);
}

typedef struct
{
  VsVideoCell *cell;
  int          frame;
} FrameWait;

static gboolean
shows_frame (gpointer data)
{
  FrameWait *wait = data;

  return vs_video_cell_get_scrub_frame (wait->cell) == wait->frame;
}

static void
wait_frame (VsVideoCell *cell,
            int          frame)
{
  FrameWait wait = { cell, frame };
  g_autofree char *what = g_strdup_printf ("frame %d in the cell", frame);

  vs_test_ui_wait_for (shows_frame, &wait, what);
}

static gboolean
has_thumbnail (gpointer data)
{
  return vs_video_cell_has_thumbnail (data);
}

static VsVideoCell *
thumbnailed_cell (VsWindow   *window,
                  const char *title)
{
  VsVideoCell *cell;

  vs_test_ui_wait_cell (window, title, TRUE);
  cell = vs_test_ui_cell_titled (window, title);
  vs_test_ui_wait_for (has_thumbnail, cell, "the thumbnail");
  vs_test_ui_wait_still (GTK_WIDGET (cell));
  return cell;
}

static VsTextureCache *
cache_of (VsVideoCell *cell)
{
  VsTextureCache *cache;

  g_object_get (cell, "cache", &cache, NULL);
  g_object_unref (cache);   /* the cell keeps it */
  return cache;
}

/* How many cells of @window show a filmstrip frame. */
static guint
n_scrubbing (VsWindow *window)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  guint n = 0;

  vs_test_ui_collect (GTK_WIDGET (window), VS_TYPE_VIDEO_CELL, cells);
  for (guint i = 0; i < cells->len; i++)
    n += vs_video_cell_get_scrub_frame (g_ptr_array_index (cells, i)) >= 0;
  return n;
}

typedef struct
{
  char     *dir;
  char     *lib;
  VsWindow *window;
} Fixture;

static const char *const clips[] = { "alpha.mp4", "beta.mp4", "gamma.mp4" };

/* The library and its window, made by each test (which is skipped without xdotool or the
 * elements the fixtures need). */
static gboolean
fixture_open (Fixture *f)
{
  g_autofree char *db = NULL;

  if (!vs_test_ui_have_xdotool () || !vs_test_media_require (needed))
    return FALSE;

  f->dir = vs_test_make_tmpdir ();
  f->lib = g_build_filename (f->dir, "Videos", NULL);
  db = g_build_filename (f->dir, "library.db", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->lib, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (clips); i++)
    {
      g_autofree char *path = g_build_filename (f->lib, clips[i], NULL);

      vs_test_media_mp4 (path, "black");
      put_filmstrip (path, 2000);
    }
  f->window = vs_test_ui_window_new (db, f->lib);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (f->window));
  vs_test_ui_wait_for (vs_test_ui_settled, f->window, "the library to settle");
  vs_test_ui_wait_count (f->window, G_N_ELEMENTS (clips));
  return TRUE;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  if (f->dir != NULL)
    vs_test_rm_rf (f->dir);
  g_free (f->lib);
  g_free (f->dir);
}

/* Frame work while scrubbing: the frame clock's ::before-paint to ::after-paint, each
 * frame (reported, not asserted: this build has sanitizers, and the machine is shared). */
typedef struct
{
  GArray *work_us;
  gint64  begun;
} FrameTimes;

static void
on_before_paint (GdkFrameClock *clock,
                 FrameTimes    *times)
{
  times->begun = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                FrameTimes    *times)
{
  gint64 work = g_get_monotonic_time () - times->begun;

  if (times->begun > 0)
    g_array_append_val (times->work_us, work);
  times->begun = 0;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Sweeps the pointer across @cell's picture in @steps moves and reports the frames'
 * work. */
static void
measure_sweep (VsVideoCell *cell,
               guint        steps)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (cell));
  FrameTimes times = { g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };
  int width = gtk_widget_get_width (GTK_WIDGET (cell));
  gulong before, after;
  gint64 p50, p95, max;
  int x, y;
  guint n;

  picture_middle (cell, &x, &y);
  before = g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &times);
  after = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &times);
  for (guint i = 0; i < steps; i++)
    {
      vs_test_ui_pointer_to (GTK_WIDGET (cell), 2 + (width - 4) * (double) i / steps, y);
      vs_test_ui_spin (20);
    }
  g_signal_handler_disconnect (clock, before);
  g_signal_handler_disconnect (clock, after);
  n = times.work_us->len;
  g_assert_cmpuint (n, >, 0);
  g_array_sort (times.work_us, compare_int64);
  p50 = g_array_index (times.work_us, gint64, n / 2);
  p95 = g_array_index (times.work_us, gint64, MIN (n - 1, n * 95 / 100));
  max = g_array_index (times.work_us, gint64, n - 1);
  g_test_message ("scrub frames: %u, work p50 %.1f ms, p95 %.1f ms, max %.1f ms", n,
                  p50 / 1000.0, p95 / 1000.0, max / 1000.0);
  g_array_unref (times.work_us);
}

/* Across the picture, left to right: each tenth shows its frame, drawn from the sheet;
 * over the title, and out of the cell, the thumbnail is back. */
static void
test_hover_scrub (Fixture       *f,
                  gconstpointer  data)
{
  VsVideoCell *cell;
  VsThumbnailView *view;
  guint8 before[3], after[3];
  int width, x, y;

  if (!fixture_open (f))
    return;
  cell = thumbnailed_cell (f->window, "alpha.mp4");
  view = VS_THUMBNAIL_VIEW (gtk_widget_get_first_child (GTK_WIDGET (cell)));
  width = gtk_widget_get_width (GTK_WIDGET (cell));
  picture_middle (cell, &x, &y);
  pixel_at (GTK_WIDGET (cell), x, y, before);
  g_assert_false (near (before, colours[0]));

  vs_test_ui_pointer_to (GTK_WIDGET (cell), width * 0.05, y);
  wait_frame (cell, 0);
  assert_shows_frame (cell, 0);
  g_assert_cmpfloat (vs_thumbnail_view_get_scrub_position (view), >, 0);
  g_assert_cmpfloat (vs_thumbnail_view_get_scrub_position (view), <, 0.1);
  g_assert_cmpuint (vs_texture_cache_get_n_filmstrips (cache_of (cell)), ==, 1);

  for (guint i = 1; i < N_FRAMES; i++)
    {
      g_autofree char *time = vs_format_duration (vs_filmstrip_frame_time_ms (2000, N_FRAMES, i));

      vs_test_ui_pointer_to (GTK_WIDGET (cell), width * (i + 0.5) / N_FRAMES, y);
      wait_frame (cell, i);
      assert_shows_frame (cell, i);
      /* the frame's time takes the duration's place */
      g_assert_cmpstr (vs_thumbnail_view_get_scrub_time (view), ==, time);
    }
  /* one sheet for the whole way */
  g_assert_cmpuint (vs_texture_cache_get_n_filmstrips (cache_of (cell)), ==, 1);
  measure_sweep (cell, 60);

  /* over the title: the thumbnail */
  vs_test_ui_pointer_to (GTK_WIDGET (cell), width / 2.0,
                         vs_thumbnail_view_get_picture_height (view) + 20);
  wait_frame (cell, -1);
  g_assert_cmpfloat (vs_thumbnail_view_get_scrub_position (view), <, 0);
  pixel_at (GTK_WIDGET (cell), x, y, after);
  g_assert_true (near (after, before));

  /* back over the picture: the sheet is still in the cache, shown at once */
  vs_test_ui_pointer_to (GTK_WIDGET (cell), width * 0.35, y);
  wait_frame (cell, 3);
  assert_shows_frame (cell, 3);
  /* out of the cell */
  vs_test_ui_pointer_to (GTK_WIDGET (f->window), 5, 5);
  wait_frame (cell, -1);
  pixel_at (GTK_WIDGET (cell), x, y, after);
  g_assert_true (near (after, before));
}

typedef struct
{
  VsVideoCell    *cell;
  VsTextureCache *cache;
  guint           first_kept;   /* sheets kept when the first frame showed; G_MAXUINT before */
} CoarseWait;

static gboolean
shows_any_frame (gpointer data)
{
  CoarseWait *wait = data;

  if (vs_video_cell_get_scrub_frame (wait->cell) < 0)
    return FALSE;
  if (wait->first_kept == G_MAXUINT)
    wait->first_kept = vs_texture_cache_get_n_filmstrips (wait->cache);
  return TRUE;
}

static gboolean
keeps_a_sheet (gpointer data)
{
  CoarseWait *wait = data;

  return vs_texture_cache_get_n_filmstrips (wait->cache) == 1;
}

/* A long video with no filmstrip yet: under a resting pointer, the coarse strip the helper
 * writes first is shown (and not kept), then the whole strip replaces it (and is kept),
 * the pointer still showing a frame. */
static void
test_coarse_first (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *long_clip = NULL;
  g_autofree char *desc = NULL;
  CoarseWait wait = { NULL, NULL, G_MAXUINT };
  int x, y;

  if (!vs_test_ui_have_xdotool () || !vs_test_media_require (needed))
    return;
  /* 10 min at 10 frames a second, a key frame every 2 s: 60 frames, a coarse pass of 10 */
  long_clip = g_build_filename (dir, "long.mp4", NULL);
  desc = g_strdup_printf ("videotestsrc pattern=ball num-buffers=6000 "
                          "! video/x-raw,width=320,height=180,framerate=10/1 ! videoconvert "
                          "! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast "
                          "key-int-max=20 option-string=scenecut=0 ! h264parse ! mp4mux "
                          "! filesink location=\"%s\"", long_clip);
  vs_test_media_run (desc);
  if (!fixture_open (f))
    return;
  {
    g_autofree char *in_lib = g_build_filename (f->lib, "long.mp4", NULL);

    g_assert_cmpint (g_rename (long_clip, in_lib), ==, 0);
  }
  wait.cell = thumbnailed_cell (f->window, "long.mp4");
  wait.cache = cache_of (wait.cell);
  g_assert_cmpuint (vs_texture_cache_get_n_filmstrips (wait.cache), ==, 0);
  picture_middle (wait.cell, &x, &y);
  vs_test_ui_pointer_to (GTK_WIDGET (wait.cell), x, y);
  vs_test_ui_wait_for (shows_any_frame, &wait, "a frame under the pointer");
  g_test_message ("sheets kept at the first frame: %u", wait.first_kept);
  g_assert_cmpuint (wait.first_kept, ==, 0);
  vs_test_ui_wait_for (keeps_a_sheet, &wait, "the whole strip");
  g_assert_cmpint (vs_video_cell_get_scrub_frame (wait.cell), >=, 0);
  vs_test_ui_pointer_to (GTK_WIDGET (f->window), 5, 5);
  vs_test_rm_rf (dir);
}

/* Hovering one cell after another: only the hovered one shows a frame, and the cache
 * never keeps more than two sheets (the hovered cell's and the one before). */
static void
test_one_sheet (Fixture       *f,
                gconstpointer  data)
{
  VsTextureCache *cache = NULL;

  if (!fixture_open (f))
    return;
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (clips); i++)
      {
        VsVideoCell *cell = thumbnailed_cell (f->window, clips[i]);
        int x, y;

        cache = cache_of (cell);
        picture_middle (cell, &x, &y);
        vs_test_ui_pointer_to (GTK_WIDGET (cell), 0.75 * gtk_widget_get_width (GTK_WIDGET (cell)),
                               y);
        wait_frame (cell, 7);
        assert_shows_frame (cell, 7);
        g_assert_cmpuint (n_scrubbing (f->window), ==, 1);
        g_assert_cmpuint (vs_texture_cache_get_n_filmstrips (cache), ==,
                          MIN (i + 1 + round * 3, 2));
      }
  vs_test_ui_pointer_to (GTK_WIDGET (f->window), 5, 5);
  g_assert_cmpuint (n_scrubbing (f->window), ==, 0);
  g_assert_cmpuint (vs_texture_cache_get_n_filmstrips (cache), <=, 2);
}

static gboolean
focus_in_grid (gpointer data)
{
  VsWindow *window = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  GtkWidget *grid = GTK_WIDGET (vs_test_ui_window_grid (window));

  return focus != NULL && focus != grid && gtk_widget_is_ancestor (focus, grid);
}

/* Alt+Right and Alt+Left step through the focused cell's frames (Shift+arrows are the
 * grid's: they extend the selection); Escape brings the thumbnail back and keeps the
 * selection; the focus leaving does too. */
static void
test_keyboard_scrub (Fixture       *f,
                     gconstpointer  data)
{
  VsVideoCell *cell;
  GtkWidget *search;

  if (!fixture_open (f))
    return;
  cell = thumbnailed_cell (f->window, "beta.mp4");
  vs_test_ui_click (GTK_WIDGET (cell), "1");
  vs_test_ui_wait_for (focus_in_grid, f->window, "the focus in the grid");
  vs_test_ui_wait_selected (f->window, 1);
  /* the pointer out of the way: the keyboard alone */
  vs_test_ui_pointer_to (GTK_WIDGET (f->window), 5, 5);
  g_assert_cmpint (vs_video_cell_get_scrub_frame (cell), ==, -1);

  vs_test_ui_xdotool ("key", "alt+Right", NULL);
  wait_frame (cell, 0);
  assert_shows_frame (cell, 0);
  vs_test_ui_xdotool ("key", "alt+Right", NULL);
  wait_frame (cell, 1);
  vs_test_ui_xdotool ("key", "alt+Right", NULL);
  wait_frame (cell, 2);
  assert_shows_frame (cell, 2);
  vs_test_ui_xdotool ("key", "alt+Left", NULL);
  wait_frame (cell, 1);
  assert_shows_frame (cell, 1);
  /* the selection is as it was, the focus where it was */
  vs_test_ui_wait_selected (f->window, 1);
  g_assert_true (focus_in_grid (f->window));

  /* Escape: the thumbnail, and the selection stays (a second Escape lets it go) */
  vs_test_ui_xdotool ("key", "Escape", NULL);
  wait_frame (cell, -1);
  vs_test_ui_wait_selected (f->window, 1);
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_selected (f->window, 0);

  /* the focus leaving the cell ends it too */
  vs_test_ui_xdotool ("key", "alt+Left", NULL);
  wait_frame (cell, N_FRAMES - 1);
  assert_shows_frame (cell, N_FRAMES - 1);
  vs_test_ui_xdotool ("key", "ctrl+f", NULL);
  search = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->window), VS_TYPE_WINDOW,
                                                     "search_entry"));
  g_assert_nonnull (search);
  wait_frame (cell, -1);
  vs_test_ui_xdotool ("key", "Escape", NULL);
}

/* The player ------------------------------------------------------------------ */

static const char *const playback[] = {
  "videotestsrc", "x264enc", "h264parse", "mp4mux", "qtdemux", "avdec_h264", NULL
};

static gboolean
is_prepared (gpointer data)
{
  GtkMediaStream *stream = vs_player_window_get_stream (data);

  g_assert_null (stream ? gtk_media_stream_get_error (stream) : NULL);
  return stream != NULL && gtk_media_stream_is_prepared (stream);
}

static gboolean
is_still (gpointer data)
{
  GtkMediaStream *stream = vs_player_window_get_stream (data);

  return !gtk_media_stream_get_playing (stream) && !gtk_media_stream_is_seeking (stream);
}

typedef struct
{
  GtkMediaStream *stream;
  int             seconds;
} SeekWait;

static gboolean
seeked_to (gpointer data)
{
  SeekWait *wait = data;
  gint64 at = gtk_media_stream_get_timestamp (wait->stream) / G_USEC_PER_SEC;

  return !gtk_media_stream_is_seeking (wait->stream) && ABS (at - wait->seconds) <= 1;
}

/* GtkVideo's seek bar: its horizontal scale (the volume's is in a popover). */
static GtkRange *
seek_bar_of (VsPlayerWindow *player)
{
  g_autoptr(GPtrArray) scales = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (player), GTK_TYPE_SCALE, scales);
  for (guint i = 0; i < scales->len; i++)
    {
      GtkWidget *scale = g_ptr_array_index (scales, i);

      if (gtk_widget_get_ancestor (scale, GTK_TYPE_POPOVER) == NULL &&
          gtk_orientable_get_orientation (GTK_ORIENTABLE (scale)) == GTK_ORIENTATION_HORIZONTAL)
        return GTK_RANGE (scale);
    }
  g_assert_not_reached ();
}

static VsSeekPreview *
seek_preview_of (VsPlayerWindow *player)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (player), VS_TYPE_SEEK_PREVIEW, found);
  g_assert_cmpuint (found->len, ==, 1);
  return g_ptr_array_index (found, 0);
}

static gboolean
preview_shown (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static gboolean
preview_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static gboolean
preview_has_frame (gpointer data)
{
  return vs_seek_preview_get_frame (data) >= 0;
}

/* The colour the preview's frame is drawn in, rendered alone by the window's renderer. */
static void
preview_colour (VsSeekPreview *preview,
                guint8         rgb[3])
{
  g_autoptr(GPtrArray) pictures = g_ptr_array_new ();
  GtkPicture *picture;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint8 pixel[4 * 16 * 9];

  vs_test_ui_collect (GTK_WIDGET (preview), GTK_TYPE_PICTURE, pictures);
  g_assert_cmpuint (pictures->len, ==, 1);
  picture = g_ptr_array_index (pictures, 0);
  g_assert_true (VS_IS_FILMSTRIP_PAINTABLE (gtk_picture_get_paintable (picture)));
  gdk_paintable_snapshot (gtk_picture_get_paintable (picture), snapshot, 16, 9);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (
    gtk_native_get_renderer (gtk_widget_get_native (GTK_WIDGET (preview))), node,
    &GRAPHENE_RECT_INIT (0, 0, 16, 9));
  gdk_texture_download (texture, pixel, 16 * 4);
  /* the middle */
  rgb[0] = pixel[(4 * 16 + 8) * 4 + 2];
  rgb[1] = pixel[(4 * 16 + 8) * 4 + 1];
  rgb[2] = pixel[(4 * 16 + 8) * 4 + 0];
}

/* Over the seek bar, the frame and the time under the pointer show above it; a click there
 * goes to the bar (it seeks to the time the preview said) and the preview takes no focus;
 * off the bar, it goes. */
static void
test_seek_preview (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autofree char *clip = NULL;
  g_autoptr(VsLibrary) library = NULL;
  g_autoptr(GFile) file = NULL;
  VsPlayerWindow *player;
  VsSeekPreview *preview;
  GtkRange *bar;
  GdkRectangle trough;
  GtkMediaStream *stream;
  guint8 rgb[3];

  if (!vs_test_ui_have_xdotool () || !vs_test_require_playback (playback))
    return;
  f->dir = vs_test_make_tmpdir ();
  db = g_build_filename (f->dir, "library.db", NULL);
  clip = g_build_filename (f->dir, "clip.mp4", NULL);
  vs_test_media_clip (clip, 20);
  put_filmstrip (clip, 20000);
  library = vs_library_new (db, VS_LIBRARY_FLAGS_NONE);
  g_assert_true (vs_library_open (library, NULL));

  player = vs_player_window_new (NULL, library);
  file = g_file_new_for_path (clip);
  gtk_window_set_default_size (GTK_WINDOW (player), 960, 600);
  vs_player_window_play_file (player, file);
  gtk_window_present (GTK_WINDOW (player));
  vs_test_ui_wait_for (is_prepared, player, "the stream to be prepared");
  stream = vs_player_window_get_stream (player);
  gtk_media_stream_pause (stream);
  vs_test_ui_wait_for (is_still, player, "the stream to pause");
  preview = seek_preview_of (player);
  bar = seek_bar_of (player);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (preview)));
  vs_test_ui_wait_for (preview_has_frame, preview, "the filmstrip");

  /* the controls come up with a move over the picture */
  vs_test_ui_pointer_to (GTK_WIDGET (player), 480, 200);
  vs_test_ui_wait_for ((VsTestUiCondition) gtk_widget_get_mapped, bar, "the seek bar");
  vs_test_ui_wait_still (GTK_WIDGET (bar));
  gtk_range_get_range_rect (bar, &trough);

  for (guint i = 0; i < 3; i++)
    {
      static const double at[] = { 0.3, 0.72, 0.1 };
      double x = trough.x + trough.width * at[i];
      const char *time;
      guint frame;
      int seconds;

      vs_test_ui_pointer_to (GTK_WIDGET (bar), x, gtk_widget_get_height (GTK_WIDGET (bar)) / 2.0);
      vs_test_ui_wait_for (preview_shown, preview, "the preview");
      /* above the bar */
      {
        graphene_point_t top;

        g_assert_true (gtk_widget_compute_point (GTK_WIDGET (preview), GTK_WIDGET (bar),
                                                 &GRAPHENE_POINT_INIT (0, 0), &top));
        g_assert_cmpfloat (top.y + gtk_widget_get_height (GTK_WIDGET (preview)), <=, 0);
        g_assert_cmpfloat (top.x, <=, x);
        g_assert_cmpfloat (top.x + gtk_widget_get_width (GTK_WIDGET (preview)), >=, x);
      }
      time = vs_seek_preview_get_time (preview);
      g_assert_cmpint (sscanf (time, "0:%d", &seconds), ==, 1);
      /* near where the pointer is along the bar (the slider's half width aside) */
      g_assert_cmpint (ABS (seconds - (int) (at[i] * 20)), <=, 1);
      frame = (guint) vs_seek_preview_get_frame (preview);
      g_assert_cmpuint (frame, ==, MIN (seconds * N_FRAMES / 20, N_FRAMES - 1));
      preview_colour (preview, rgb);
      g_assert_true (near (rgb, colours[frame]));
      g_assert_false (gtk_widget_has_focus (GTK_WIDGET (preview)));

      /* a click there reaches the bar, which seeks where the preview said */
      vs_test_ui_xdotool ("click", "1", NULL);
      {
        SeekWait wait = { stream, seconds };

        vs_test_ui_wait_for (seeked_to, &wait, time);
      }
    }

  /* off the bar: gone */
  vs_test_ui_pointer_to (GTK_WIDGET (player), 480, 200);
  vs_test_ui_wait_for (preview_hidden, preview, "the preview to go");

  gtk_window_destroy (GTK_WINDOW (player));
  while (vs_library_get_busy (library))
    g_main_context_iteration (NULL, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = vs_test_make_tmpdir ();
  int status;

  /* A private thumbnail and filmstrip cache, before GLib reads either. */
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gdk_set_allowed_backends ("x11");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/filmstrip-ui/hover-scrub", Fixture, NULL, NULL, test_hover_scrub,
              fixture_teardown);
  g_test_add ("/filmstrip-ui/coarse-first", Fixture, NULL, NULL, test_coarse_first,
              fixture_teardown);
  g_test_add ("/filmstrip-ui/one-sheet", Fixture, NULL, NULL, test_one_sheet,
              fixture_teardown);
  g_test_add ("/filmstrip-ui/keyboard-scrub", Fixture, NULL, NULL, test_keyboard_scrub,
              fixture_teardown);
  g_test_add ("/filmstrip-ui/seek-preview", Fixture, NULL, NULL, test_seek_preview,
              fixture_teardown);

  status = g_test_run ();
  vs_test_rm_rf (home);
  return status;
}
