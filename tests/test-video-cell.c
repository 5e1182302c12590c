/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Grid cells and the texture cache in a real display, with real thumbnails. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-format.h"
#include "vs-media-service.h"
#include "vs-test-media.h"
#include "vs-test-utils.h"
#include "vs-texture-cache.h"
#include "vs-thumbnail-paintable.h"
#include "vs-thumbnail-view.h"
#include "vs-video-cell.h"

/* A 640x360 video's "large" thumbnail: 256x144, 4 bytes a pixel. */
/* A large thumbnail of a 16:9 video, decoded as it is: RGB, no alpha. */
/* Textures are in the renderer's own format (4 bytes a pixel), so drawing one copies nothing. */
#define THUMB_BYTES (256 * 144 * 4)

static const char *const needed[] = {
  "videotestsrc", "x264enc", "h264parse", "audiotestsrc", "avenc_aac", "aacparse", "mp4mux",
  "qtdemux", "avdec_h264", NULL
};

static char *media_dir;        /* fixtures, made once */
static VsMediaService *service;
static guint n_fixtures;

/* A new video file (never thumbnailed yet) of pattern @pattern. */
static char *
make_mp4 (const char *pattern)
{
  g_autofree char *name = g_strdup_printf ("clip %02u %s.mp4", n_fixtures++, pattern);
  char *path = g_build_filename (media_dir, name, NULL);

  vs_test_media_mp4 (path, pattern);
  return path;
}

static VsVideoRecord *
make_record (const char *path,
             gint64      id)
{
  VsVideoRecord *record = vs_video_record_new ();
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  record->id = id;
  vs_video_record_set_path (record, path);
  record->size = st.st_size;
  record->mtime_ns = st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  record->duration_ms = 2000;
  return record;
}

static VsVideo *
make_video (const char *path,
            gint64      id)
{
  g_autoptr(VsVideoRecord) record = make_record (path, id);

  return vs_video_new_from_record (record);
}

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Predicate) (gpointer data);

/* Runs the main loop until @done, failing the test after 30 s. */
static void
wait_until (Predicate done,
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (20, on_tick, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (10, on_tick, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static gboolean
cell_has_thumbnail (gpointer data)
{
  return vs_video_cell_has_thumbnail (data);
}

static gpointer
child (VsVideoCell *cell,
       const char  *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (cell), VS_TYPE_VIDEO_CELL, name);
}

/* The title the cell draws; "" for none (skeleton bars). */
static const char *
title_text (VsVideoCell *cell)
{
  const char *text = vs_thumbnail_view_get_title (child (cell, "thumbnail"));

  return text != NULL ? text : "";
}

/* Its caption (size and date); "" for none. */
static const char *
caption_text (VsVideoCell *cell)
{
  const char *text = vs_thumbnail_view_get_caption (child (cell, "thumbnail"));

  return text != NULL ? text : "";
}

/* Skeleton bars stand in for the text: the item is not read yet. */
static gboolean
shows_skeleton (VsVideoCell *cell)
{
  return vs_thumbnail_view_get_title (child (cell, "thumbnail")) == NULL;
}

/* What the thumbnail box shows: "loading", "failed" or "picture". */
static const char *
icon_page (VsVideoCell *cell)
{
  static const char *const names[] = { "loading", "failed", "picture" };

  return names[vs_thumbnail_view_get_state (child (cell, "thumbnail"))];
}

/* The duration badge's text, NULL when there is none. */
static const char *
duration_badge (VsVideoCell *cell)
{
  return vs_thumbnail_view_get_duration (child (cell, "thumbnail"));
}

static gboolean
hls_badge (VsVideoCell *cell)
{
  return vs_thumbnail_view_get_hls (child (cell, "thumbnail"));
}

static GdkPaintable *
picture (VsVideoCell *cell)
{
  return vs_thumbnail_view_get_paintable (child (cell, "thumbnail"));
}

static gboolean
cell_failed (gpointer data)
{
  return g_strcmp0 (icon_page (data), "failed") == 0;
}

static GtkWindow *
show_cell (VsVideoCell *cell)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_child (window, GTK_WIDGET (cell));
  gtk_window_present (window);
  return window;
}

static gboolean
skip_without_media (void)
{
  if (!vs_test_media_require (needed))
    return TRUE;
  return FALSE;
}

static void
test_cell_thumbnail (void)
{
  g_autofree char *path = NULL;
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideo) video = NULL;
  g_autofree char *size = NULL;
  VsVideoCell *cell;
  GtkWindow *window;

  if (skip_without_media ())
    return;
  path = make_mp4 ("smpte");
  cache = vs_texture_cache_new (service, 0);
  g_assert_cmpuint (vs_texture_cache_get_max_bytes (cache), ==, 64 * 1024 * 1024);
  video = make_video (path, 1);
  cell = vs_video_cell_new (cache);
  window = show_cell (cell);

  vs_video_cell_set_video (cell, video);
  g_assert_true (vs_video_cell_get_video (cell) == video);
  g_assert_false (vs_video_cell_has_thumbnail (cell));
  g_assert_cmpstr (icon_page (cell), ==, "loading");
  g_assert_cmpstr (title_text (cell), ==, "clip 00 smpte.mp4");
  /* The full name is given on hover (::query-tooltip), not set on every bind. */
  g_assert_true (gtk_widget_get_has_tooltip (child (cell, "thumbnail")));
  size = g_format_size (vs_video_get_size (video));
  {
    /* made just now: "1.2 MB · Today 14:02", the date in the local time zone */
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *date = vs_format_date (vs_video_get_mtime (video), now);
    g_autofree char *caption = g_strdup_printf ("%s · %s", size, date);

    g_assert_cmpstr (caption_text (cell), ==, caption);
  }
  g_assert_cmpstr (duration_badge (cell), ==, "0:02");
  g_assert_false (hls_badge (cell));

  wait_until (cell_has_thumbnail, cell);
  g_assert_cmpstr (icon_page (cell), ==, "picture");
  g_assert_nonnull (picture (cell));
  g_assert_cmpuint (vs_texture_cache_get_bytes (cache), ==, THUMB_BYTES);
  g_assert_cmpuint (vs_texture_cache_get_bytes (cache), <=,
                    vs_texture_cache_get_max_bytes (cache));

  /* Unbound, then bound again: straight from memory, no request. */
  vs_video_cell_set_video (cell, NULL);
  g_assert_false (vs_video_cell_has_thumbnail (cell));
  g_assert_cmpstr (title_text (cell), ==, "");
  vs_video_cell_set_video (cell, video);
  g_assert_true (vs_video_cell_has_thumbnail (cell));

  gtk_window_destroy (window);
}

static GdkTexture *load (VsTextureCache *cache,
                        VsVideo        *video,
                        GCancellable   *cancellable,
                        GError        **error);

/* A bin around the cell that counts how often it is measured: a resize queued by the cell
 * clears the size caches of its parents, which are then measured again. */
#define PROBE_TYPE (probe_get_type ())
G_DECLARE_FINAL_TYPE (Probe, probe, PROBE, WIDGET, GtkWidget)

struct _Probe
{
  GtkWidget parent_instance;
  guint     measured;
};

G_DEFINE_FINAL_TYPE (Probe, probe, GTK_TYPE_WIDGET)

static void
probe_measure (GtkWidget      *widget,
               GtkOrientation  orientation,
               int             for_size,
               int            *minimum,
               int            *natural,
               int            *minimum_baseline,
               int            *natural_baseline)
{
  PROBE_WIDGET (widget)->measured++;
  gtk_widget_measure (gtk_widget_get_first_child (widget), orientation, for_size, minimum,
                      natural, minimum_baseline, natural_baseline);
}

static void
probe_size_allocate (GtkWidget *widget,
                     int        width,
                     int        height,
                     int        baseline)
{
  gtk_widget_allocate (gtk_widget_get_first_child (widget), width, height, baseline, NULL);
}

static void
probe_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (probe_parent_class)->dispose (object);
}

static void
probe_class_init (ProbeClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = probe_dispose;
  GTK_WIDGET_CLASS (klass)->measure = probe_measure;
  GTK_WIDGET_CLASS (klass)->size_allocate = probe_size_allocate;
}

static void
probe_init (Probe *self)
{
}

static gboolean
cell_thumbnail_is (gpointer data)
{
  gpointer *args = data;

  return vs_video_cell_has_thumbnail (args[0]) &&
         vs_thumbnail_paintable_get_texture (VS_THUMBNAIL_PAINTABLE (picture (args[0]))) == args[1];
}

/* Binding a cell to another video, a thumbnail arriving and a placeholder filling only redraw
 * the cell. A resize would climb to the window, which in GTK 4.8 then measures everything it
 * holds, in every frame of a scroll (each scroll step rebinds a row of cells). */
static void
test_cell_rebind_no_resize (void)
{
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideo) a = NULL;
  g_autoptr(VsVideo) b = NULL;
  g_autoptr(VsVideo) placeholder = vs_video_new_placeholder (63);
  g_autoptr(VsVideoRecord) record = NULL;
  g_autoptr(GdkTexture) texture_b = NULL;
  Probe *probe = g_object_new (PROBE_TYPE, NULL);
  VsVideoCell *cell;
  GtkWindow *window;
  guint settled;

  if (skip_without_media ())
    return;
  path_a = make_mp4 ("snow");
  path_b = make_mp4 ("pinwheel");
  cache = vs_texture_cache_new (service, 0);
  a = make_video (path_a, 61);
  b = make_video (path_b, 62);
  cell = vs_video_cell_new (cache);
  gtk_widget_set_parent (GTK_WIDGET (cell), GTK_WIDGET (probe));
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (window, GTK_WIDGET (probe));
  gtk_window_present (window);
  vs_video_cell_set_video (cell, a);
  wait_until (cell_has_thumbnail, cell);
  spin (300);
  settled = probe->measured;
  g_assert_cmpuint (settled, >, 0);

  /* another video, its thumbnail decoded meanwhile */
  vs_video_cell_set_video (cell, b);
  {
    g_autoptr(GError) error = NULL;

    texture_b = load (cache, b, NULL, &error);
    g_assert_no_error (error);
  }
  {
    gpointer args[] = { cell, texture_b };

    wait_until (cell_thumbnail_is, args);
  }
  spin (200);
  /* a placeholder, then its page */
  vs_video_cell_set_video (cell, placeholder);
  spin (100);
  record = make_record (path_a, 63);
  record->duration_ms = 61000;
  vs_video_set_record (placeholder, record);
  wait_until (cell_has_thumbnail, cell);
  spin (200);
  g_assert_cmpuint (probe->measured, ==, settled);
  g_assert_cmpstr (duration_badge (cell), ==, "1:01");
  g_assert_true (g_str_has_suffix (title_text (cell), " snow.mp4"));

  /* the probe does see a resize */
  gtk_widget_queue_resize (GTK_WIDGET (cell));
  spin (200);
  g_assert_cmpuint (probe->measured, >, settled);

  gtk_window_destroy (window);
}

/* Out of view (GtkGridView unmaps the rows it keeps off screen), a cell lets its texture go:
 * at rest the cache frees it; back in view, the cell shows it again. */
static void
test_cell_out_of_view (void)
{
  g_autofree char *path = NULL;
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideo) video = NULL;
  VsVideoCell *cell;
  GtkWindow *window;

  if (skip_without_media ())
    return;
  path = make_mp4 ("circular");
  cache = vs_texture_cache_new (service, 0);
  video = make_video (path, 71);
  cell = vs_video_cell_new (cache);
  window = show_cell (cell);
  vs_video_cell_set_video (cell, video);
  wait_until (cell_has_thumbnail, cell);
  g_assert_cmpuint (vs_texture_cache_trim (cache, 0), ==, 0);   /* shown: kept */

  gtk_widget_set_child_visible (GTK_WIDGET (cell), FALSE);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (cell)));
  g_assert_false (vs_video_cell_has_thumbnail (cell));
  g_assert_null (picture (cell));
  g_assert_cmpuint (vs_texture_cache_trim (cache, 0), ==, THUMB_BYTES);
  g_assert_cmpuint (vs_texture_cache_get_bytes (cache), ==, 0);

  gtk_widget_set_child_visible (GTK_WIDGET (cell), TRUE);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (cell)));
  wait_until (cell_has_thumbnail, cell);
  g_assert_nonnull (picture (cell));
  g_assert_true (vs_video_cell_get_video (cell) == video);

  gtk_window_destroy (window);
}

/* In a scrolling grid, a cell that shows a video for less than a few frames asks for
 * nothing: no thumbnail is made or decoded for it. One that stays gets its thumbnail, and
 * one unmapped while its request waits drops it too. */
static void
test_cell_scrolling_defers (void)
{
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  g_autofree char *png_a = NULL;
  g_autofree char *png_b = NULL;
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideo) a = NULL;
  g_autoptr(VsVideo) b = NULL;
  VsVideoCell *cell;
  GtkWindow *window;

  if (skip_without_media ())
    return;
  path_a = make_mp4 ("snow");
  path_b = make_mp4 ("smpte75");
  cache = vs_texture_cache_new (service, 0);
  a = make_video (path_a, 81);
  b = make_video (path_b, 82);
  png_a = vs_thumbnail_path (vs_video_get_uri (a), VS_THUMBNAIL_SIZE_LARGE);
  png_b = vs_thumbnail_path (vs_video_get_uri (b), VS_THUMBNAIL_SIZE_LARGE);
  cell = vs_video_cell_new (cache);
  window = show_cell (cell);
  vs_video_cell_set_scrolling (cell, TRUE);

  /* a flies past: rebound a frame later; b scrolls out of view as soon */
  vs_video_cell_set_video (cell, a);
  spin (10);
  vs_video_cell_set_video (cell, NULL);
  vs_video_cell_set_video (cell, b);
  spin (10);
  gtk_widget_set_child_visible (GTK_WIDGET (cell), FALSE);
  spin (400);
  g_assert_cmpuint (vs_texture_cache_get_n_started (cache), ==, 0);
  g_assert_cmpuint (vs_texture_cache_get_n_loads (cache), ==, 0);
  g_assert_false (g_file_test (png_a, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (png_b, G_FILE_TEST_EXISTS));
  g_assert_false (vs_texture_cache_has_failed (cache, a));
  g_assert_false (vs_texture_cache_has_failed (cache, b));

  /* back in view and staying: the thumbnail comes, without a fade */
  gtk_widget_set_child_visible (GTK_WIDGET (cell), TRUE);
  wait_until (cell_has_thumbnail, cell);
  g_assert_cmpuint (vs_texture_cache_get_n_started (cache), ==, 1);
  g_assert_true (g_file_test (png_b, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (png_a, G_FILE_TEST_EXISTS));
  g_assert_true (vs_video_cell_get_video (cell) == b);

  gtk_window_destroy (window);
}

static void
test_cell_placeholder (void)
{
  g_autofree char *path = NULL;
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideo) video = vs_video_new_placeholder (7);
  g_autoptr(VsVideoRecord) record = NULL;
  VsVideoCell *cell;
  GtkWindow *window;

  if (skip_without_media ())
    return;
  path = make_mp4 ("ball");
  cache = vs_texture_cache_new (service, 0);
  cell = vs_video_cell_new (cache);
  window = show_cell (cell);

  vs_video_cell_set_video (cell, video);
  g_assert_cmpstr (title_text (cell), ==, "");
  g_assert_cmpstr (caption_text (cell), ==, "");
  g_assert_true (shows_skeleton (cell));
  g_assert_null (duration_badge (cell));
  g_assert_cmpstr (icon_page (cell), ==, "loading");
  /* Nothing to ask for without a path. */
  spin (100);
  g_assert_false (vs_video_cell_has_thumbnail (cell));

  /* The model's page arrives: the labels fill in, then the thumbnail. */
  record = make_record (path, 7);
  record->duration_ms = 3723000;
  vs_video_set_record (video, record);
  g_assert_false (shows_skeleton (cell));
  g_assert_cmpstr (title_text (cell), ==, "clip 01 ball.mp4");
  g_assert_cmpstr (duration_badge (cell), ==, "1:02:03");
  g_assert_cmpstr (caption_text (cell), !=, "");
  wait_until (cell_has_thumbnail, cell);

  /* An HLS item gets its badge; a duration that becomes unknown hides its badge. */
  record->kind = VS_VIDEO_KIND_HLS;
  record->duration_ms = -1;
  vs_video_set_record (video, record);
  g_assert_true (hls_badge (cell));
  g_assert_null (duration_badge (cell));
  /* Same file, same mtime: the thumbnail stays. */
  g_assert_true (vs_video_cell_has_thumbnail (cell));

  gtk_window_destroy (window);
}

static void
on_weak_notify (gpointer  data,
                GObject  *where)
{
  *(gboolean *) data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_blocker_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree char *png = vs_media_service_thumbnail_finish (VS_MEDIA_SERVICE (object), result,
                                                            NULL);

  *(gboolean *) user_data = TRUE;
}

/* Keeps @one_worker's only worker busy making another file's thumbnail, so that a request
 * queued now is still waiting when it is dropped. */
static void
occupy (VsMediaService *one_worker,
        gboolean       *done)
{
  g_autofree char *path = make_mp4 ("snow");

  *done = FALSE;
  vs_media_service_thumbnail_async (one_worker, path, VS_THUMBNAIL_SIZE_LARGE, NULL,
                                    VS_JOB_PRIORITY_VISIBLE, NULL, on_blocker_done, done);
}

static void
test_cell_unbind_during_load (void)
{
  g_autofree char *path = NULL;
  g_autofree char *png = NULL;
  g_autoptr(VsMediaService) one_worker = vs_media_service_new (1, 0);
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideo) video = NULL;
  gboolean finalized = FALSE;
  gboolean busy_done = FALSE;
  VsVideoCell *cell;
  GtkWindow *window;

  if (skip_without_media ())
    return;
  path = make_mp4 ("pinwheel");
  cache = vs_texture_cache_new (one_worker, 0);
  video = make_video (path, 3);
  png = vs_thumbnail_path (vs_video_get_uri (video), VS_THUMBNAIL_SIZE_LARGE);
  cell = vs_video_cell_new (cache);
  g_object_weak_ref (G_OBJECT (cell), on_weak_notify, &finalized);
  window = show_cell (cell);

  /* Bound and unbound while the request waits for the worker: it is dropped before it
   * starts, so no thumbnail is made and nothing reaches the cell. */
  occupy (one_worker, &busy_done);
  vs_video_cell_set_video (cell, video);
  vs_video_cell_set_video (cell, NULL);
  g_assert_cmpstr (icon_page (cell), ==, "loading");
  vs_video_cell_set_video (cell, video);
  spin (10);
  vs_video_cell_set_video (cell, NULL);
  wait_until (flag_set, &busy_done);
  spin (200);
  g_assert_false (vs_video_cell_has_thumbnail (cell));
  g_assert_cmpuint (vs_texture_cache_get_bytes (cache), ==, 0);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));

  /* Torn down with its window mid-request: the pending request holds the cell; it is
   * cancelled and lets go at once (long before the worker is free), without its callback
   * touching a disposed cell. */
  occupy (one_worker, &busy_done);
  vs_video_cell_set_video (cell, video);
  gtk_window_destroy (window);
  wait_until (flag_set, &finalized);
  g_assert_false (busy_done);
  wait_until (flag_set, &busy_done);
  spin (200);
  g_assert_cmpuint (vs_texture_cache_get_bytes (cache), ==, 0);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_assert_false (vs_texture_cache_has_failed (cache, video));
}

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The window parents its context menu to the cell: the cell places it, and drops it when
 * it goes away with the menu still open. */
static void
test_cell_context_menu (void)
{
  g_autoptr(VsTextureCache) cache = vs_texture_cache_new (service, 0);
  VsVideoCell *cell = vs_video_cell_new (cache);
  GtkWindow *window = show_cell (cell);
  GtkWidget *popover = gtk_popover_new ();
  gboolean finalized = FALSE;

  /* Something focusable inside, as in a menu: GTK 4.8 criticals when a popover with
   * nothing to focus opens in a window with no focus. */
  gtk_popover_set_child (GTK_POPOVER (popover), gtk_button_new_with_label ("Play"));
  gtk_widget_set_parent (popover, GTK_WIDGET (cell));
  g_object_weak_ref (G_OBJECT (popover), on_weak_notify, &finalized);
  wait_until (widget_mapped, window);
  gtk_popover_popup (GTK_POPOVER (popover));
  wait_until (widget_mapped, popover);
  gtk_widget_queue_resize (GTK_WIDGET (cell));
  spin (50);
  g_assert_true (gtk_widget_get_mapped (popover));

  /* Closed but still parented (as when the cell goes before the menu's ::closed handler
   * runs): the cell takes it down with it. (Not while open: GTK 4.8's tooltip timeout
   * then reads the popover's destroyed surface under Xvfb, a GTK bug.) */
  gtk_popover_popdown (GTK_POPOVER (popover));
  spin (100);
  g_assert_true (gtk_widget_get_parent (popover) == GTK_WIDGET (cell));
  gtk_window_set_child (window, NULL);
  wait_until (flag_set, &finalized);
  gtk_window_destroy (window);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static GdkTexture *
load (VsTextureCache *cache,
      VsVideo        *video,
      GCancellable   *cancellable,
      GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vs_texture_cache_load_async (cache, video, VS_TEXTURE_LOAD_DEFAULT, cancellable, on_loaded,
                               &result);
  /* Never answered synchronously, not even from memory. */
  g_assert_null (result);
  wait_until (result_ready, &result);
  return vs_texture_cache_load_finish (cache, result, error);
}

static void
test_cache_cancel (void)
{
  g_autofree char *path = NULL;
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideo) video = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 start;

  if (skip_without_media ())
    return;
  path = make_mp4 ("spokes");
  cache = vs_texture_cache_new (service, 0);
  video = make_video (path, 4);

  /* Two callers share one load; the one that cancels is answered at once, the other
   * still gets the texture. */
  start = g_get_monotonic_time ();
  vs_texture_cache_load_async (cache, video, VS_TEXTURE_LOAD_DEFAULT, cancellable, on_loaded,
                               &first);
  vs_texture_cache_load_async (cache, video, VS_TEXTURE_LOAD_DEFAULT, NULL, on_loaded, &second);
  g_cancellable_cancel (cancellable);
  wait_until (result_ready, &first);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 2);
  g_assert_null (second);
  g_assert_null (vs_texture_cache_load_finish (cache, first, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  wait_until (result_ready, &second);
  texture = vs_texture_cache_load_finish (cache, second, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 256);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 144);

  /* An already cancelled caller is refused without starting anything. */
  g_clear_object (&texture);
  texture = load (cache, video, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (texture);
}

/* The only caller leaves at any point of a load (before the thumbnail, while decoding,
 * after): it is answered CANCELLED, nothing crashes, and a decode nobody waits for is not
 * cached. A regression test: a decode finishing after its caller left used to crash. */
static void
test_cache_cancel_anytime (void)
{
  g_autofree char *path = NULL;
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideo) video = NULL;

  if (skip_without_media ())
    return;
  path = make_mp4 ("ball");
  cache = vs_texture_cache_new (service, 0);
  video = make_video (path, 5);

  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      guint spins = g_test_rand_int_range (0, 30);

      vs_texture_cache_load_async (cache, video, VS_TEXTURE_LOAD_DEFAULT, cancellable,
                                   on_loaded, &result);
      for (guint k = 0; k < spins && result == NULL; k++)
        {
          g_usleep (g_test_rand_int_range (0, 2000));
          g_main_context_iteration (NULL, FALSE);
        }
      g_cancellable_cancel (cancellable);
      wait_until (result_ready, &result);
      texture = vs_texture_cache_load_finish (cache, result, &error);
      g_assert_true ((texture != NULL) != (error != NULL));
      if (texture == NULL)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      /* Let a decode that outlived its caller land. */
      for (guint k = 0; k < 20; k++)
        {
          g_usleep (1000);
          g_main_context_iteration (NULL, FALSE);
        }
      if (texture == NULL)
        {
          g_autoptr(GdkTexture) cached = vs_texture_cache_lookup (cache, video);

          if (cached != NULL)
            break;   /* an earlier, completed round cached it: nothing more to learn */
        }
    }
}

/* The budget is what the views need, never more than the preference. */
static void
test_cache_working_set (void)
{
  g_autoptr(VsTextureCache) cache = vs_texture_cache_new (service, 64 << 20);
  int view_a, view_b;

  g_assert_cmpuint (vs_texture_cache_get_max_bytes (cache), ==, 64 << 20);
  vs_texture_cache_set_working_set (cache, &view_a, 10 << 20);
  g_assert_cmpuint (vs_texture_cache_get_max_bytes (cache), ==, 10 << 20);
  vs_texture_cache_set_working_set (cache, &view_b, 12 << 20);
  g_assert_cmpuint (vs_texture_cache_get_max_bytes (cache), ==, 22 << 20);
  /* the preference caps it, live */
  vs_texture_cache_set_max_bytes (cache, 16 << 20);
  g_assert_cmpuint (vs_texture_cache_get_max_bytes (cache), ==, 16 << 20);
  vs_texture_cache_set_max_bytes (cache, 64 << 20);
  vs_texture_cache_set_working_set (cache, &view_a, 0);
  g_assert_cmpuint (vs_texture_cache_get_max_bytes (cache), ==, 12 << 20);
  vs_texture_cache_set_working_set (cache, &view_b, 0);
  g_assert_cmpuint (vs_texture_cache_get_max_bytes (cache), ==, 64 << 20);
}

static void
test_cache_eviction (void)
{
  static const char *const patterns[] = {
    "zone-plate", "gradient", "colors", "circular", "checkers-8", "bar"
  };
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(GPtrArray) videos = g_ptr_array_new_with_free_func (g_object_unref);
  gsize max = 3 * THUMB_BYTES + THUMB_BYTES / 2;

  if (skip_without_media ())
    return;
  cache = vs_texture_cache_new (service, max);
  g_assert_cmpuint (vs_texture_cache_get_max_bytes (cache), ==, max);
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autofree char *path = make_mp4 (patterns[i]);

      g_ptr_array_add (videos, make_video (path, 10 + i));
    }

  for (guint i = 0; i < videos->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkTexture) texture = load (cache, videos->pdata[i], NULL, &error);
      g_autoptr(GdkTexture) again = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (texture);
      g_assert_cmpuint (vs_texture_cache_get_bytes (cache), <=, max);
      again = vs_texture_cache_lookup (cache, videos->pdata[i]);
      g_assert_true (again == texture);
      /* Touch the first one while the others come in: it is used, so it stays. */
      if (i == 2)
        {
          g_autoptr(GdkTexture) first = vs_texture_cache_lookup (cache, videos->pdata[0]);

          g_assert_nonnull (first);
        }
    }
  g_assert_cmpuint (vs_texture_cache_get_bytes (cache), ==, 3 * THUMB_BYTES);

  /* Order of use: 1 2 0 3 4 5 → the three most recent stay. */
  for (guint i = 0; i < videos->len; i++)
    {
      g_autoptr(GdkTexture) texture = vs_texture_cache_lookup (cache, videos->pdata[i]);

      if (i >= 3)
        g_assert_nonnull (texture);
      else
        g_assert_null (texture);
    }
}

/* Decoded at the size a cell shows; at rest, only what someone holds stays. */
static void
test_cache_decode_size_and_trim (void)
{
  static const char *const patterns[] = { "gradient", "colors", "checkers-8" };
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(GPtrArray) videos = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GdkTexture) held = NULL;
  g_autoptr(GdkTexture) gone = NULL;
  gsize cell_bytes = 224 * 126 * 4;

  if (skip_without_media ())
    return;
  cache = vs_texture_cache_new (service, 0);
  vs_texture_cache_set_decode_size (cache, 224, 126);
  vs_texture_cache_set_corner_radius (cache, 12);
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autofree char *path = make_mp4 (patterns[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkTexture) texture = NULL;

      g_ptr_array_add (videos, make_video (path, 20 + i));
      texture = load (cache, videos->pdata[i], NULL, &error);
      g_assert_no_error (error);
      /* 256 × 144 scaled to cover 224 × 126: exactly that, for 16:9 */
      g_assert_cmpint (gdk_texture_get_width (texture), ==, 224);
      g_assert_cmpint (gdk_texture_get_height (texture), ==, 126);
      {
        /* its corners rounded in it (transparent), its middle opaque; and the same pixels
         * as a cairo surface for the cairo renderer */
        g_autofree guint8 *pixels = g_malloc (224 * 4 * 126);
        cairo_surface_t *surface = vs_texture_cache_get_surface (texture);

        gdk_texture_download (texture, pixels, 224 * 4);
        g_assert_cmpuint (pixels[3], ==, 0);
        g_assert_cmpuint (pixels[(126 - 1) * 224 * 4 + (224 - 1) * 4 + 3], ==, 0);
        g_assert_cmpuint (pixels[63 * 224 * 4 + 112 * 4 + 3], ==, 255);
        g_assert_nonnull (surface);
        g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 224);
        g_assert_cmpint (memcmp (cairo_image_surface_get_data (surface) +
                                   63 * cairo_image_surface_get_stride (surface),
                                 pixels + 63 * 224 * 4, 224 * 4), ==, 0);
      }
      if (i == 1)
        held = g_steal_pointer (&texture);
    }
  g_assert_cmpuint (vs_texture_cache_get_bytes (cache), ==, 3 * cell_bytes);

  /* Keeping one unreferenced texture drops the older unreferenced one only. */
  g_assert_cmpuint (vs_texture_cache_trim (cache, cell_bytes), ==, cell_bytes);
  g_assert_cmpuint (vs_texture_cache_get_bytes (cache), ==, 2 * cell_bytes);
  gone = vs_texture_cache_lookup (cache, videos->pdata[0]);
  g_assert_null (gone);

  /* Nothing kept: the texture a cell holds stays, the rest goes. */
  g_assert_cmpuint (vs_texture_cache_trim (cache, 0), ==, cell_bytes);
  g_assert_cmpuint (vs_texture_cache_get_bytes (cache), ==, cell_bytes);
  {
    g_autoptr(GdkTexture) still = vs_texture_cache_lookup (cache, videos->pdata[1]);
    g_autoptr(GdkTexture) dropped = vs_texture_cache_lookup (cache, videos->pdata[2]);

    g_assert_true (still == held);
    g_assert_null (dropped);
  }
  g_assert_cmpuint (vs_texture_cache_trim (cache, 0), ==, 0);
}

/* A load cancelled while it waits in the queue frees everything it made: the caller's
 * task, and (through the media service and the job pool) every task and handler below it. */
static void
test_cache_cancel_frees (void)
{
  static const char *const patterns[] = { "ball", "snow", "pinwheel", "blink" };
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(GPtrArray) videos = g_ptr_array_new_with_free_func (g_object_unref);
  GAsyncResult *results[G_N_ELEMENTS (patterns)] = { NULL, };
  GCancellable *cancellables[G_N_ELEMENTS (patterns)] = { NULL, };

  if (skip_without_media ())
    return;
  cache = vs_texture_cache_new (service, 0);
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autofree char *path = make_mp4 (patterns[i]);

      g_ptr_array_add (videos, make_video (path, 40 + i));
    }
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      cancellables[i] = g_cancellable_new ();
      vs_texture_cache_load_async (cache, videos->pdata[i], VS_TEXTURE_LOAD_DEFAULT,
                                   cancellables[i], on_loaded,
                                   &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    g_cancellable_cancel (cancellables[i]);
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autoptr(GError) error = NULL;

      wait_until (result_ready, &results[i]);
      g_assert_null (vs_texture_cache_load_finish (cache, results[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_object_add_weak_pointer (G_OBJECT (results[i]), (gpointer *) &results[i]);
      g_object_unref (results[i]);
      g_object_add_weak_pointer (G_OBJECT (cancellables[i]), (gpointer *) &cancellables[i]);
      g_object_unref (cancellables[i]);
    }
  /* Whatever was still on its way finishes */
  for (guint round = 0; round < 200; round++)
    {
      gboolean alive = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
        alive |= results[i] != NULL || cancellables[i] != NULL;
      if (!alive)
        break;
      g_usleep (10000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_assert_null (results[i]);
      g_assert_null (cancellables[i]);
    }
}

/* A PNG no library would write, in the shared cache: chunks by hand. */
static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         length)
{
  guint32 crc = 0xffffffffu;
  guint8 be[4];

  for (gsize i = 0; i < 4 + length; i++)
    {
      crc ^= i < 4 ? (guint8) type[i] : data[i - 4];
      for (int k = 0; k < 8; k++)
        crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
  crc ^= 0xffffffffu;
  be[0] = length >> 24, be[1] = length >> 16, be[2] = length >> 8, be[3] = length;
  g_byte_array_append (png, be, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, (guint) length);
  be[0] = crc >> 24, be[1] = crc >> 16, be[2] = crc >> 8, be[3] = crc;
  g_byte_array_append (png, be, 4);
}

/* @side × @side px of 1-bit grey zeros (31 KB for 16000, which gdk-pixbuf would decode to
 * 768 MB), with the Thumb:: keys that make it @video's valid thumbnail. */
static void
write_huge_thumbnail (VsVideo *video,
                      guint32  side)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *path = vs_thumbnail_path (vs_video_get_uri (video), VS_THUMBNAIL_SIZE_LARGE);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *mtime = NULL;
  g_autofree char *uri_text = NULL;
  g_autofree char *mtime_text = NULL;
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GByteArray) idat = g_byte_array_new ();
  g_autofree guint8 *zeros = g_malloc0 (64 * 1024);
  g_autofree guint8 *out = g_malloc (64 * 1024);
  guint8 ihdr[13] = { side >> 24, side >> 16, side >> 8, side, side >> 24, side >> 16,
                      side >> 8, side, 1, 0, 0, 0, 0 };
  gsize left = (1 + (side + 7) / 8) * (gsize) side;
  struct stat st;

  g_assert_cmpint (g_stat (vs_video_get_path (video), &st), ==, 0);
  uri_text = g_strdup_printf ("Thumb::URI%c%s", 0, vs_video_get_uri (video));
  mtime_text = g_strdup_printf ("Thumb::MTime%c%" G_GINT64_FORMAT, 0, (gint64) st.st_mtime);
  for (;;)
    {
      gsize n_read = 0, n_written = 0, chunk = MIN (left, 64 * 1024);
      GConverterResult result;

      result = g_converter_convert (G_CONVERTER (compressor), zeros, chunk, out, 64 * 1024,
                                    chunk == left ? G_CONVERTER_INPUT_AT_END : 0, &n_read,
                                    &n_written, NULL);
      g_assert_cmpint (result, !=, G_CONVERTER_ERROR);
      g_byte_array_append (idat, out, (guint) n_written);
      left -= n_read;
      if (result == G_CONVERTER_FINISHED)
        break;
    }
  g_byte_array_append (png, signature, 8);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "tEXt", (const guint8 *) uri_text, 11 + strlen (uri_text + 11));
  append_chunk (png, "tEXt", (const guint8 *) mtime_text, 13 + strlen (mtime_text + 13));
  append_chunk (png, "IDAT", idat->data, idat->len);
  append_chunk (png, "IEND", NULL, 0);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  vs_test_write_file (path, (const char *) png->data, png->len);
}

/* The peak resident memory a load adds: VmHWM after it, less VmRSS before, with the peak
 * reset first (clear_refs 5). */
static gsize
load_peak_kb (VsTextureCache  *cache,
              VsVideo         *video,
              GdkTexture     **out_texture)
{
  g_autoptr(GError) error = NULL;
  gsize before, peak;

  before = vs_test_reset_peak_rss ();
  *out_texture = load (cache, video, NULL, &error);
  g_assert_no_error (error);
  /* read once: the decoder threads may still raise it between two reads */
  peak = vs_test_status_kb ("VmHWM:");
  return peak - MIN (before, peak);
}

/* A huge PNG in the shared cache with keys that match (another program's, or a hostile
 * one) is refused from its header, never decoded at full size: the service makes our own
 * thumbnail instead, and loading it costs what loading any thumbnail costs. */
static void
test_cache_huge_png (void)
{
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideo) plain = NULL;
  g_autoptr(VsVideo) hostile = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) refused = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autofree char *path = NULL;
  g_autofree char *png = NULL;
  gsize plain_kb, hostile_kb;
  int width = 0;

  if (skip_without_media ())
    return;
  if (!g_file_test ("/proc/self/clear_refs", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("No /proc/self/clear_refs to reset the peak RSS");
      return;
    }
  cache = vs_texture_cache_new (service, 0);
  path = make_mp4 ("smpte");
  plain = make_video (path, 50);
  g_clear_pointer (&path, g_free);
  path = make_mp4 ("ball");
  hostile = make_video (path, 51);
  write_huge_thumbnail (hostile, 16000);

  plain_kb = load_peak_kb (cache, plain, &texture);
  hostile_kb = load_peak_kb (cache, hostile, &refused);
  g_test_message ("peak RSS added by a load: %" G_GSIZE_FORMAT " kB for a thumbnail made by "
                  "us, %" G_GSIZE_FORMAT " kB with a 16000 px PNG in the cache",
                  plain_kb, hostile_kb);
  g_assert_cmpuint (hostile_kb, <=, plain_kb + 10 * 1024);
  /* Ours, made in its place. */
  g_assert_cmpint (gdk_texture_get_width (refused), ==, 256);
  g_assert_cmpint (gdk_texture_get_height (refused), ==, 144);
  png = vs_thumbnail_path (vs_video_get_uri (hostile), VS_THUMBNAIL_SIZE_LARGE);
  stream = vs_thumbnail_open (png, &width, NULL, NULL);
  g_assert_nonnull (stream);
  g_assert_cmpint (width, ==, 256);
}

static void
test_cell_failure (void)
{
  g_autofree char *path = g_build_filename (media_dir, "broken.mp4", NULL);
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideo) video = NULL;
  VsVideoCell *cell;
  GtkWindow *window;

  if (skip_without_media ())
    return;
  vs_test_media_random (path, 64 * 1024);
  cache = vs_texture_cache_new (service, 0);
  video = make_video (path, 5);
  cell = vs_video_cell_new (cache);
  window = show_cell (cell);

  vs_video_cell_set_video (cell, video);
  wait_until (cell_failed, cell);
  g_assert_false (vs_video_cell_has_thumbnail (cell));
  g_assert_null (picture (cell));
  g_assert_cmpuint (vs_texture_cache_get_bytes (cache), ==, 0);
  g_assert_true (vs_texture_cache_has_failed (cache, video));

  /* Bound again: the default image at once, no second attempt. */
  vs_video_cell_set_video (cell, NULL);
  g_assert_cmpstr (icon_page (cell), ==, "loading");
  vs_video_cell_set_video (cell, video);
  g_assert_cmpstr (icon_page (cell), ==, "failed");

  gtk_window_destroy (window);
}

/* A file the index found is no video (or empty) looks broken at once, with a badge and a
 * reason, and asks no worker for a thumbnail; a video still being probed looks loading. */
static void
test_cell_broken (void)
{
  g_autofree char *path = g_build_filename (media_dir, "not-a-video.mp4", NULL);
  g_autofree char *empty = g_build_filename (media_dir, "empty.mp4", NULL);
  g_autoptr(VsTextureCache) cache = NULL;
  g_autoptr(VsVideoRecord) record = NULL;
  g_autoptr(VsVideo) broken = NULL;
  g_autoptr(VsVideo) zero = NULL;
  g_autoptr(VsVideo) pending = NULL;
  VsThumbnailView *view;
  VsVideoCell *cell;
  GtkWindow *window;

  vs_test_write_file (path, "not a video", 11);
  vs_test_write_file (empty, "", 0);
  cache = vs_texture_cache_new (service, 0);
  cell = vs_video_cell_new (cache);
  view = child (cell, "thumbnail");
  window = show_cell (cell);

  record = make_record (path, 7);
  record->probe_state = VS_MEDIA_STATE_FAILED;
  record->duration_ms = -1;
  broken = vs_video_new_from_record (record);
  vs_video_cell_set_video (cell, broken);
  g_assert_cmpstr (icon_page (cell), ==, "failed");
  g_assert_cmpstr (vs_thumbnail_view_get_hls_badge (view), ==, "Unplayable");
  g_assert_true (vs_thumbnail_view_get_hls_warning (view));
  g_assert_null (duration_badge (cell));
  g_assert_true (strstr (vs_video_cell_get_problem (cell), "Cannot be read as a video") != NULL);
  g_assert_cmpuint (vs_texture_cache_get_n_started (cache), ==, 0);

  g_clear_pointer (&record, vs_video_record_free);
  record = make_record (empty, 8);
  record->probe_state = VS_MEDIA_STATE_FAILED;
  record->size = 0;
  zero = vs_video_new_from_record (record);
  vs_video_cell_set_video (cell, zero);
  g_assert_cmpstr (vs_video_cell_get_problem (cell), ==, "The file is empty");

  /* not probed yet: no badge, no problem, a placeholder */
  g_clear_pointer (&record, vs_video_record_free);
  record = make_record (path, 9);
  record->probe_state = VS_MEDIA_STATE_PENDING;
  pending = vs_video_new_from_record (record);
  vs_video_cell_set_video (cell, pending);
  g_assert_null (vs_video_cell_get_problem (cell));
  g_assert_null (vs_thumbnail_view_get_hls_badge (view));
  g_assert_cmpstr (icon_page (cell), ==, "loading");

  vs_video_cell_set_video (cell, NULL);
  gtk_window_destroy (window);
}

/* Added since the last start and not begun: marked New; watched, begun, added before, or
 * nothing marked (the first start): not; a broken file says so rather than New. */
static void
test_cell_new (void)
{
  g_autofree char *path = g_build_filename (media_dir, "new.mp4", NULL);
  g_autoptr(VsTextureCache) cache = vs_texture_cache_new (service, 0);
  VsVideoCell *cell = vs_video_cell_new (cache);
  VsThumbnailView *view = child (cell, "thumbnail");
  GtkWindow *window = show_cell (cell);
  const gint64 since = G_GINT64_CONSTANT (1700000000) * 1000000000;
  const struct {
    gint64       added_ns;
    gboolean     watched;
    gint64       position_ms;
    VsMediaState probe_state;
    const char  *badge;
  } cases[] = {
    { since + 1, FALSE, 0, VS_MEDIA_STATE_DONE, "New" },
    { since - 1, FALSE, 0, VS_MEDIA_STATE_DONE, NULL },
    { since + 1, TRUE, 0, VS_MEDIA_STATE_DONE, NULL },
    { since + 1, FALSE, 5000, VS_MEDIA_STATE_DONE, NULL },
    { since + 1, FALSE, 0, VS_MEDIA_STATE_FAILED, "Unplayable" },
    { 0, FALSE, 0, VS_MEDIA_STATE_DONE, NULL },
  };

  vs_test_write_file (path, "x", 1);
  vs_video_cell_set_new_since (since);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VsVideoRecord) record = make_record (path, 20 + i);
      g_autoptr(VsVideo) video = NULL;

      record->added_ns = cases[i].added_ns;
      record->watched = cases[i].watched;
      record->position_ms = cases[i].position_ms;
      record->probe_state = cases[i].probe_state;
      video = vs_video_new_from_record (record);
      vs_video_cell_set_video (cell, video);
      g_assert_cmpstr (vs_thumbnail_view_get_hls_badge (view), ==, cases[i].badge);
    }
  /* the first start marks nothing */
  vs_video_cell_set_new_since (0);
  {
    g_autoptr(VsVideoRecord) record = make_record (path, 40);
    g_autoptr(VsVideo) video = NULL;

    record->added_ns = since + 1;
    record->probe_state = VS_MEDIA_STATE_DONE;
    video = vs_video_new_from_record (record);
    vs_video_cell_set_video (cell, video);
    g_assert_null (vs_thumbnail_view_get_hls_badge (view));
  }
  vs_video_cell_set_video (cell, NULL);
  gtk_window_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache_home = NULL;
  int ret;

  /* A private thumbnail cache; not G_TEST_OPTION_ISOLATE_DIRS, which would also hide
   * shared-mime-info and the icon theme in XDG_DATA_DIRS. */
  cache_home = vs_test_make_tmpdir ();
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);

  media_dir = vs_test_make_tmpdir ();
  service = vs_media_service_new (2, 0);

  g_test_add_func ("/video-cell/thumbnail", test_cell_thumbnail);
  g_test_add_func ("/video-cell/placeholder", test_cell_placeholder);
  g_test_add_func ("/video-cell/rebind-no-resize", test_cell_rebind_no_resize);
  g_test_add_func ("/video-cell/out-of-view", test_cell_out_of_view);
  g_test_add_func ("/video-cell/scrolling-defers", test_cell_scrolling_defers);
  g_test_add_func ("/video-cell/unbind-during-load", test_cell_unbind_during_load);
  g_test_add_func ("/video-cell/failure", test_cell_failure);
  g_test_add_func ("/video-cell/broken", test_cell_broken);
  g_test_add_func ("/video-cell/new", test_cell_new);
  g_test_add_func ("/video-cell/context-menu", test_cell_context_menu);
  g_test_add_func ("/texture-cache/cancel", test_cache_cancel);
  g_test_add_func ("/texture-cache/cancel-anytime", test_cache_cancel_anytime);
  g_test_add_func ("/texture-cache/eviction", test_cache_eviction);
  g_test_add_func ("/texture-cache/working-set", test_cache_working_set);
  g_test_add_func ("/texture-cache/cancel-frees", test_cache_cancel_frees);
  g_test_add_func ("/texture-cache/decode-size-and-trim", test_cache_decode_size_and_trim);
  g_test_add_func ("/texture-cache/huge-png", test_cache_huge_png);

  ret = g_test_run ();

  g_clear_object (&service);
  vs_test_rm_rf (media_dir);
  vs_test_rm_rf (cache_home);
  g_clear_pointer (&media_dir, g_free);
  return ret;
}
