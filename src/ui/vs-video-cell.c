/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-video-cell.c: one grid cell: thumbnail, title, duration badge, size and date */
#define G_LOG_DOMAIN "vs-video-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-filmstrip-paintable.h"
#include "vs-format.h"
#include "vs-thumbnail-paintable.h"
#include "vs-thumbnail-view.h"
#include "vs-video-cell.h"

struct _VsVideoCell
{
  GtkWidget       parent_instance;

  /* Template children */
  VsThumbnailView *thumbnail;     /* the only child, besides a context menu */

  /* Owned */
  GtkWidget      *progress;       /* where a video in progress was left; made when first needed */
  VsTextureCache *cache;
  VsVideo        *video;
  GSignalGroup   *video_signals;
  GCancellable   *cancellable;    /* this bind's thumbnail request; NULL when none */
  GCancellable   *scrub_cancellable; /* the hovered cell's filmstrip request */
  GdkPaintable   *scrub_frames;   /* VsFilmstripPaintable on the sheet; NULL until it came */
  GtkRoot        *scrub_root;     /* watched for the focus while the keyboard scrubs */

  /* State */
  gint64          thumb_mtime_ns; /* the version the thumbnail shown or asked for is of */
  double          scrub_position; /* 0–1 across the picture; < 0: not scrubbing */
  gint64          scrub_since_us; /* when the pointer came (monotonic), for the debug log */
  guint           scrub_timeout;  /* the pointer rests before the filmstrip is asked for */

  /* Flags */
  guint           released : 1;   /* out of view: its texture let go, taken again in view */
  guint           scrolling : 1;  /* the grid moves: no fade-in, thumbnail requests deferred */
  guint           label_stale : 1; /* its accessible label waits for the grid to rest */
  guint           scrub_failed : 1; /* no filmstrip for this bind: the thumbnail stays */
  guint           scrub_keyboard : 1; /* stepped with the keyboard: ends with the focus */
};

G_DEFINE_FINAL_TYPE (VsVideoCell, vs_video_cell, GTK_TYPE_WIDGET)

/* The progress bar's distance from the picture's sides (clear of its rounded corners)
 * and from its bottom (below the duration badge, which sits 6 px up). */
#define PROGRESS_INSET_X 12
#define PROGRESS_INSET_Y 1
/* The pointer rests this long on a picture before its filmstrip is asked for: sweeping
 * across the grid starts no job. */
#define SCRUB_DELAY_MS   100
/* A coarse filmstrip shown (its tiles repeat every tenth or so key frame) is read again this
 * often while the pointer stays, until the full one has replaced it. */
#define SCRUB_REFRESH_MS 500

enum {
  PROP_0,
  PROP_CACHE,
  PROP_VIDEO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_texture (VsVideoCell *self,
              GdkTexture  *texture,
              gboolean     animate)
{
  g_autoptr(GdkPaintable) paintable = NULL;

  if (texture != NULL)
    paintable = vs_thumbnail_paintable_new (texture, vs_texture_cache_get_surface (texture),
                                            GTK_WIDGET (self));
  /* a fade is an opacity pass per frame: none while the grid scrolls */
  vs_thumbnail_view_set_paintable (self->thumbnail, paintable, animate && !self->scrolling);
}

static void
show_failed (VsVideoCell *self)
{
  vs_thumbnail_view_set_failed (self->thumbnail);
}

/* Videos added to the library after this (ns since the epoch) are new; 0: none is. */
static gint64 new_since_ns;

void
vs_video_cell_set_new_since (gint64 since_ns)
{
  new_since_ns = since_ns;
}

/* New: added since the app last started, and never played, watched or begun. */
static gboolean
is_new (const VsVideoRecord *r)
{
  return new_since_ns > 0 && r->added_ns > new_since_ns && !r->watched && r->play_count == 0 &&
         r->position_ms == 0;
}

/* "Now" for the captions' dates, made again only when the clock has moved to another
 * minute: a scroll binds dozens of cells a frame. The local time zone is made once with it
 * (GLib 2.74 reads /etc/localtime again for every g_time_zone_new_local() when TZ is
 * unset). Main thread only, as binds are. */
GDateTime *
vs_video_cell_caption_now (void)
{
  static GTimeZone *zone;
  static GDateTime *now;
  static gint64 minute = -1;
  gint64 current = g_get_real_time () / (60 * G_USEC_PER_SEC);

  if (current != minute)
    {
      if (zone == NULL)
        zone = g_time_zone_new_local ();
      g_clear_pointer (&now, g_date_time_unref);
      now = g_date_time_new_now (zone);
      minute = current;
    }
  return now;
}

/* An HLS download's badge: "HLS", or its state in a word; @warning when it cannot be
 * merged as it is (segments or a key missing, a remote playlist without its copies). */
static const char *
hls_badge (const VsVideoRecord *record,
           gboolean            *warning)
{
  const VsHlsInfo *hls = &record->hls;

  *warning = FALSE;
  switch (hls->state)
    {
    case VS_HLS_STATE_INCOMPLETE:
      *warning = TRUE;
      /* Translators: the badge of an HLS download with segments missing */
      return _("HLS · Incomplete");
    case VS_HLS_STATE_ENCRYPTED:
      *warning = !(hls->flags & VS_HLS_FLAG_KEY_PRESENT);
      /* Translators: the badge of an encrypted HLS download */
      return _("HLS · Encrypted");
    case VS_HLS_STATE_REMOTE:
      *warning = !(hls->flags & VS_HLS_FLAG_ALL_COPIES);
      /* Translators: the badge of an HLS download whose playlist names remote segments */
      return _("HLS · Remote");
    case VS_HLS_STATE_UNKNOWN:
    case VS_HLS_STATE_COMPLETE:
    case VS_HLS_STATE_MASTER:
    default:
      /* Translators: the badge on a video that is an HLS stream folder */
      return _("HLS");
    }
}

/* Why the video cannot be played, from what the index knows; NULL when nothing is known
 * to be wrong. */
static const char *
problem_of (const VsVideoRecord *record)
{
  if (record == NULL || record->probe_state != VS_MEDIA_STATE_FAILED)
    return NULL;
  if (record->size == 0)
    return _("The file is empty");
  return _("Cannot be read as a video: the file may be damaged, incomplete, or in a format "
           "no installed decoder reads");
}

const char *
vs_video_cell_get_problem (VsVideoCell *self)
{
  g_return_val_if_fail (VS_IS_VIDEO_CELL (self), NULL);

  if (self->video == NULL || vs_video_get_loading (self->video))
    return NULL;
  return problem_of (vs_video_get_record (self->video));
}

/* The cell's name for assistive technologies: the video's title. */
static void
update_accessible_label (VsVideoCell *self)
{
  static const char *loading_label;

  if (G_UNLIKELY (loading_label == NULL))
    loading_label = _("Loading…");
  self->label_stale = FALSE;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->video == NULL || vs_video_get_loading (self->video)
                                  ? loading_label : vs_video_get_title (self->video),
                                  -1);
}

/* The watched mark, and a thin bar at the picture's bottom for a video in progress: both
 * from the record, which the page read brought (no query per cell). The bar is a child of
 * the cell, made the first time a video in progress is bound to it. */
static void
update_watched (VsVideoCell         *self,
                const VsVideoRecord *record)
{
  gboolean in_progress = record != NULL && record->position_ms > 0 && record->duration_ms > 0;

  vs_thumbnail_view_set_watched (self->thumbnail, record != NULL && record->watched);
  if (in_progress && self->progress == NULL)
    {
      self->progress = gtk_progress_bar_new ();
      gtk_widget_add_css_class (self->progress, "osd");
      gtk_widget_add_css_class (self->progress, "video-progress");
      gtk_widget_set_can_target (self->progress, FALSE);
      gtk_widget_insert_after (self->progress, GTK_WIDGET (self), GTK_WIDGET (self->thumbnail));
    }
  if (self->progress == NULL)
    return;
  if (in_progress)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress),
                                   CLAMP ((double) record->position_ms / record->duration_ms,
                                          0.0, 1.0));
  gtk_widget_set_visible (self->progress, in_progress);
}

gboolean
vs_video_cell_get_watched_mark (VsVideoCell *self)
{
  g_return_val_if_fail (VS_IS_VIDEO_CELL (self), FALSE);
  return vs_thumbnail_view_get_watched (self->thumbnail);
}

double
vs_video_cell_get_progress (VsVideoCell *self)
{
  g_return_val_if_fail (VS_IS_VIDEO_CELL (self), -1);

  if (self->progress == NULL || !gtk_widget_get_visible (self->progress))
    return -1;
  return gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (self->progress));
}

static void
update_labels (VsVideoCell *self)
{
  /* translations looked up once: every cell is bound again in every frame of a scroll */
  static const char *caption_format;
  VsVideo *video = self->video;
  gboolean loading = video == NULL || vs_video_get_loading (video);
  g_autofree char *caption = NULL;
  g_autofree char *duration = NULL;
  const char *hls = NULL;
  gboolean hls_warning = FALSE;

  if (G_UNLIKELY (caption_format == NULL))
    {
      /* Translators: a video's size and date, e.g. "1.2 GB · 3 Jan 2024" or
       * "1.2 GB · Yesterday" */
      caption_format = C_("video caption", "%s · %s");
    }
  if (!loading)
    {
      g_autofree char *size = g_format_size (vs_video_get_size (video));
      g_autofree char *date = vs_format_date (vs_video_get_mtime (video),
                                              vs_video_cell_caption_now ());

      /* caption_format is C_("video caption", "%s · %s"), checked where it is looked up */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      caption = date ? g_strdup_printf (caption_format, size, date) : g_steal_pointer (&size);
#pragma GCC diagnostic pop
      if (vs_video_get_duration_ms (video) >= 0)
        duration = vs_format_duration (vs_video_get_duration_ms (video));
    }

  /* Skeleton bars stand in for the text until the item's page arrives (a NULL title). */
  vs_thumbnail_view_set_text (self->thumbnail, loading ? NULL : vs_video_get_title (video),
                              caption);
  hls = !loading && vs_video_get_is_hls (video)
        ? hls_badge (vs_video_get_record (video), &hls_warning) : NULL;
  if (hls == NULL && !loading && problem_of (vs_video_get_record (video)) != NULL)
    {
      /* Translators: the badge on a file that cannot be played (broken, not a video) */
      hls = _("Unplayable");
      hls_warning = TRUE;
    }
  if (hls == NULL && !loading && is_new (vs_video_get_record (video)))
    /* Translators: the badge on a video added since the app last started, not watched yet */
    hls = C_("video", "New");
  vs_thumbnail_view_set_badges (self->thumbnail, duration, hls, hls_warning);
  update_watched (self, loading ? NULL : vs_video_get_record (video));
  /* Named once the grid rests: nobody reads out cells flying past, and each update is
   * a sixth of a bind. */
  if (self->scrolling)
    self->label_stale = TRUE;
  else
    update_accessible_label (self);
}

static void
on_texture_loaded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VsVideoCell) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  texture = vs_texture_cache_load_finish (VS_TEXTURE_CACHE (object), result, &error);
  /* Cancelled: the cell was unbound, rebound or disposed meanwhile; the result is not ours. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  if (texture != NULL)
    {
      /* Arrived for a row kept out of view: the cache has it for when the row shows. */
      if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
        {
          self->released = TRUE;
          return;
        }
      show_texture (self, texture, TRUE);
      return;
    }
  g_debug ("No thumbnail for %s: %s", vs_video_get_title (self->video), error->message);
  show_failed (self);
}

static void
cancel_thumbnail (VsVideoCell *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

/* Shows the video's thumbnail from memory, or asks for it once the item is loaded. */
static void
update_thumbnail (VsVideoCell *self)
{
  g_autoptr(GdkTexture) texture = NULL;

  cancel_thumbnail (self);
  self->released = FALSE;
  if (self->video == NULL || vs_video_get_loading (self->video))
    {
      self->thumb_mtime_ns = G_MININT64;
      show_texture (self, NULL, FALSE);
      return;
    }
  self->thumb_mtime_ns = vs_video_get_record (self->video)->mtime_ns;
  /* not a video: no worker is asked for a picture it cannot make */
  if (problem_of (vs_video_get_record (self->video)) != NULL)
    {
      show_failed (self);
      return;
    }
  if ((texture = vs_texture_cache_lookup (self->cache, self->video)) != NULL)
    {
      show_texture (self, texture, FALSE);
      return;
    }
  if (vs_texture_cache_has_failed (self->cache, self->video))
    {
      show_failed (self);
      return;
    }

  show_texture (self, NULL, FALSE);
  self->cancellable = g_cancellable_new ();
  vs_texture_cache_load_async (self->cache, self->video,
                               self->scrolling ? VS_TEXTURE_LOAD_DEFER : VS_TEXTURE_LOAD_DEFAULT,
                               self->cancellable,
                               on_texture_loaded, g_object_ref (self));
}

static void end_scrub (VsVideoCell *self);

/* The placeholder was filled, or the item changed: the thumbnail may be another one. */
static void
on_video_reloaded (VsVideoCell *self)
{
  const VsVideoRecord *record = vs_video_get_record (self->video);

  update_labels (self);
  if (record == NULL || record->mtime_ns != self->thumb_mtime_ns)
    {
      end_scrub (self);
      self->scrub_failed = FALSE;
      update_thumbnail (self);
    }
}

/* Hover scrub ------------------------------------------------------------------ */

static gboolean hover_scrub = TRUE;

/* The preference: moving the pointer over a picture shows the video's frames. */
void
vs_video_cell_set_hover_scrub (gboolean enabled)
{
  hover_scrub = !!enabled;
}

static gboolean
can_scrub (VsVideoCell *self)
{
  return self->video != NULL && !vs_video_get_loading (self->video) &&
         problem_of (vs_video_get_record (self->video)) == NULL && !self->scrub_failed;
}

/* Shows the frame at @position (0–1) when the filmstrip is there, and the line. */
static void
show_scrub (VsVideoCell *self,
            double       position)
{
  VsFilmstripPaintable *frames = (VsFilmstripPaintable *) self->scrub_frames;
  g_autofree char *time = NULL;

  self->scrub_position = CLAMP (position, 0.0, 1.0);
  if (frames != NULL)
    {
      VsFilmstrip *filmstrip = vs_filmstrip_paintable_get_filmstrip (frames);
      guint index = vs_filmstrip_get_frame_at (filmstrip, self->scrub_position);

      vs_filmstrip_paintable_set_frame (frames, index);
      time = vs_format_duration (vs_filmstrip_get_frame_time_ms (filmstrip, index));
    }
  vs_thumbnail_view_set_scrub (self->thumbnail, self->scrub_frames, self->scrub_position, time);
}

static void
on_focus_moved (VsVideoCell *self);

/* The thumbnail is back, the filmstrip request cancelled and its sheet let go (the
 * texture cache keeps the last ones, within its budget). */
static void
end_scrub (VsVideoCell *self)
{
  g_clear_handle_id (&self->scrub_timeout, g_source_remove);
  g_cancellable_cancel (self->scrub_cancellable);
  g_clear_object (&self->scrub_cancellable);
  g_clear_object (&self->scrub_frames);
  if (self->scrub_root != NULL)
    g_signal_handlers_disconnect_by_func (self->scrub_root, on_focus_moved, self);
  self->scrub_root = NULL;
  self->scrub_keyboard = FALSE;
  if (self->scrub_position < 0)
    return;
  self->scrub_position = -1;
  vs_thumbnail_view_set_scrub (self->thumbnail, NULL, -1, NULL);
}

static void on_filmstrip_loaded (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data);

/* A coarse strip is shown: ask again for the full one, keeping the coarse one meanwhile. */
static gboolean
on_scrub_refresh (gpointer user_data)
{
  VsVideoCell *self = user_data;

  self->scrub_timeout = 0;
  if (self->scrub_cancellable != NULL || !can_scrub (self))
    return G_SOURCE_REMOVE;
  self->scrub_cancellable = g_cancellable_new ();
  vs_texture_cache_load_filmstrip_async (self->cache, self->video, self->scrub_cancellable,
                                         on_filmstrip_loaded, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
on_filmstrip_loaded (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VsVideoCell) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) sheet = NULL;

  sheet = vs_texture_cache_load_filmstrip_finish (VS_TEXTURE_CACHE (object), result, &error);
  /* Cancelled: the pointer left, or the cell was rebound; not ours any more. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->scrub_cancellable);
  if (sheet == NULL)
    {
      g_debug ("No filmstrip for %s: %s", vs_video_get_title (self->video), error->message);
      /* the coarse strip shown stays */
      if (self->scrub_frames == NULL)
        self->scrub_failed = TRUE;
      return;
    }
  g_debug ("Filmstrip of %s shown %" G_GINT64_FORMAT " ms after the pointer came",
           vs_video_get_title (self->video),
           (g_get_monotonic_time () - self->scrub_since_us) / 1000);
  g_clear_object (&self->scrub_frames);
  self->scrub_frames = vs_filmstrip_paintable_new (sheet, GTK_WIDGET (self));
  if (self->scrub_position >= 0)
    show_scrub (self, self->scrub_position);
  if (vs_filmstrip_get_flags (vs_texture_cache_get_filmstrip (sheet)) & VS_FILMSTRIP_FLAG_PARTIAL)
    {
      g_clear_handle_id (&self->scrub_timeout, g_source_remove);
      self->scrub_timeout = g_timeout_add (SCRUB_REFRESH_MS, on_scrub_refresh, self);
    }
}

static void
request_filmstrip (VsVideoCell *self)
{
  g_clear_handle_id (&self->scrub_timeout, g_source_remove);
  if (self->scrub_frames != NULL || self->scrub_cancellable != NULL || !can_scrub (self))
    return;
  self->scrub_cancellable = g_cancellable_new ();
  vs_texture_cache_load_filmstrip_async (self->cache, self->video, self->scrub_cancellable,
                                         on_filmstrip_loaded, g_object_ref (self));
}

static gboolean
on_scrub_timeout (gpointer user_data)
{
  VsVideoCell *self = user_data;

  self->scrub_timeout = 0;
  /* the grid moves under a still pointer: the cell may be gone from under it soon */
  if (self->scrolling)
    {
      self->scrub_timeout = g_timeout_add (SCRUB_DELAY_MS, on_scrub_timeout, self);
      return G_SOURCE_REMOVE;
    }
  request_filmstrip (self);
  return G_SOURCE_REMOVE;
}

static void
on_pointer_motion (GtkEventControllerMotion *motion,
                   double                    x,
                   double                    y,
                   VsVideoCell              *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->thumbnail));

  if (!hover_scrub || !can_scrub (self) || width <= 0 ||
      vs_thumbnail_view_in_text (self->thumbnail, y))
    {
      if (!self->scrub_keyboard)
        end_scrub (self);
      return;
    }
  self->scrub_keyboard = FALSE;
  if (self->scrub_frames == NULL && self->scrub_cancellable == NULL && self->scrub_timeout == 0)
    {
      g_autoptr(GdkTexture) sheet = vs_texture_cache_lookup_filmstrip (self->cache, self->video);

      /* in memory (hovered a moment ago): at once, in this very frame */
      if (sheet != NULL)
        {
          self->scrub_frames = vs_filmstrip_paintable_new (sheet, GTK_WIDGET (self));
          show_scrub (self, x / width);
          return;
        }
      self->scrub_since_us = g_get_monotonic_time ();
      /* on disk: decoding it is all it takes, no helper's job to spare */
      if (vs_texture_cache_has_filmstrip_file (self->cache, self->video))
        {
          request_filmstrip (self);
          show_scrub (self, x / width);
          return;
        }
      self->scrub_timeout = g_timeout_add (SCRUB_DELAY_MS, on_scrub_timeout, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->scrub_timeout),
                                "[vs-video-cell] scrub");
    }
  show_scrub (self, x / width);
}

static void
on_pointer_leave (GtkEventControllerMotion *motion,
                  VsVideoCell              *self)
{
  if (!self->scrub_keyboard)
    end_scrub (self);
}

static void
on_focus_moved (VsVideoCell *self)
{
  GtkWidget *focus = self->scrub_root != NULL ? gtk_root_get_focus (self->scrub_root) : NULL;
  GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (self));

  /* the keyboard left the cell's item (or the cell itself, in a test without a grid) */
  if (focus == NULL || (focus != item && focus != GTK_WIDGET (self) &&
                        !gtk_widget_is_ancestor (focus, GTK_WIDGET (self))))
    end_scrub (self);
}

/* The keyboard's scrub on the focused cell: the frame @delta frames on (the first press
 * shows the first or the last frame), once the filmstrip is there. FALSE when the video
 * has none to show. */
gboolean
vs_video_cell_step_frame (VsVideoCell *self,
                          int          delta)
{
  VsFilmstrip *filmstrip;
  guint n, index;

  g_return_val_if_fail (VS_IS_VIDEO_CELL (self), FALSE);

  if (!can_scrub (self))
    return FALSE;
  if (!self->scrub_keyboard && gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    {
      self->scrub_keyboard = TRUE;
      self->scrub_root = gtk_widget_get_root (GTK_WIDGET (self));
      g_signal_connect_swapped (self->scrub_root, "notify::focus-widget",
                                G_CALLBACK (on_focus_moved), self);
    }
  request_filmstrip (self);
  if (self->scrub_frames == NULL)
    {
      /* the line says where the first frame will be */
      if (self->scrub_position < 0)
        show_scrub (self, delta >= 0 ? 0.0 : 1.0);
      return TRUE;
    }
  filmstrip = vs_filmstrip_paintable_get_filmstrip (VS_FILMSTRIP_PAINTABLE (self->scrub_frames));
  n = vs_filmstrip_get_n_frames (filmstrip);
  if (self->scrub_position < 0)
    index = delta >= 0 ? 0 : n - 1;
  else
    index = (guint) CLAMP ((int) vs_filmstrip_get_frame_at (filmstrip, self->scrub_position) +
                           delta, 0, (int) n - 1);
  /* the middle of the frame's share, which vs_filmstrip_get_frame_at() maps back to it */
  show_scrub (self, (index + 0.5) / n);
  return TRUE;
}

/* Escape: the thumbnail is back. FALSE when the cell was not scrubbing. */
gboolean
vs_video_cell_end_scrub (VsVideoCell *self)
{
  gboolean scrubbing;

  g_return_val_if_fail (VS_IS_VIDEO_CELL (self), FALSE);

  scrubbing = self->scrub_position >= 0;
  end_scrub (self);
  return scrubbing;
}

/* The frame shown instead of the thumbnail (-1: the thumbnail), for tests. */
int
vs_video_cell_get_scrub_frame (VsVideoCell *self)
{
  g_return_val_if_fail (VS_IS_VIDEO_CELL (self), -1);

  if (self->scrub_frames == NULL || self->scrub_position < 0)
    return -1;
  return (int) vs_filmstrip_paintable_get_frame (VS_FILMSTRIP_PAINTABLE (self->scrub_frames));
}

VsVideoCell *
vs_video_cell_new (VsTextureCache *cache)
{
  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (cache), NULL);

  return g_object_new (VS_TYPE_VIDEO_CELL, "cache", cache, NULL);
}

static void update_availability (VsVideoCell *self);

void
vs_video_cell_set_video (VsVideoCell *self,
                         VsVideo     *video)
{
  g_return_if_fail (VS_IS_VIDEO_CELL (self));
  g_return_if_fail (video == NULL || VS_IS_VIDEO (video));

  if (self->video == video)
    return;

  cancel_thumbnail (self);
  end_scrub (self);
  self->scrub_failed = FALSE;
  g_set_object (&self->video, video);
  g_signal_group_set_target (self->video_signals, video);
  update_labels (self);
  update_thumbnail (self);
  update_availability (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO]);
}

VsVideo *
vs_video_cell_get_video (VsVideoCell *self)
{
  g_return_val_if_fail (VS_IS_VIDEO_CELL (self), NULL);
  return self->video;
}

/* A video whose folder is unavailable is dimmed, and says why. */
static void
update_availability (VsVideoCell *self)
{
  vs_video_cell_set_unavailable (self, self->video != NULL && !vs_video_get_available (self->video));
}

void
vs_video_cell_set_unavailable (VsVideoCell *self,
                               gboolean     unavailable)
{
  g_return_if_fail (VS_IS_VIDEO_CELL (self));

  if (unavailable == gtk_widget_has_css_class (GTK_WIDGET (self), "unavailable"))
    return;
  if (unavailable)
    gtk_widget_add_css_class (GTK_WIDGET (self), "unavailable");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "unavailable");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               unavailable ? _("Its folder is not available") : NULL);
}

/* While the grid scrolls, thumbnails that arrive appear without fading in, and a missing one
 * is asked for only if the cell still shows the video a few frames later. */
void
vs_video_cell_set_scrolling (VsVideoCell *self,
                             gboolean     scrolling)
{
  g_return_if_fail (VS_IS_VIDEO_CELL (self));

  self->scrolling = !!scrolling;
  if (!self->scrolling && self->label_stale)
    update_accessible_label (self);
}

/* The zoom: the picture's box. A thumbnail shown stays until one decoded for the new box
 * (the texture cache's decode size, set before) replaces it, so a zoom never blanks a cell. */
void
vs_video_cell_set_picture_size (VsVideoCell *self,
                                int          width,
                                int          height)
{
  g_autoptr(GdkTexture) texture = NULL;

  g_return_if_fail (VS_IS_VIDEO_CELL (self));

  vs_thumbnail_view_set_picture_size (self->thumbnail, width, height);
  if (self->video == NULL || !vs_video_cell_has_thumbnail (self) || self->cancellable != NULL)
    return;
  if ((texture = vs_texture_cache_lookup (self->cache, self->video)) != NULL)
    {
      show_texture (self, texture, FALSE);
      return;
    }
  self->cancellable = g_cancellable_new ();
  vs_texture_cache_load_async (self->cache, self->video, VS_TEXTURE_LOAD_DEFAULT,
                               self->cancellable, on_texture_loaded, g_object_ref (self));
}

gboolean
vs_video_cell_has_thumbnail (VsVideoCell *self)
{
  g_return_val_if_fail (VS_IS_VIDEO_CELL (self), FALSE);
  return vs_thumbnail_view_get_state (self->thumbnail) == VS_THUMBNAIL_VIEW_PICTURE;
}

/* Layout: a bin around the content, without a layout manager because a widget that has one
 * never gets size_allocate(), where popovers parented to it (the window's context menu)
 * must be presented. */
static GtkSizeRequestMode
vs_video_cell_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
vs_video_cell_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  VsVideoCell *self = VS_VIDEO_CELL (widget);

  gtk_widget_measure (GTK_WIDGET (self->thumbnail), orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
vs_video_cell_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  VsVideoCell *self = VS_VIDEO_CELL (widget);

  gtk_widget_allocate (GTK_WIDGET (self->thumbnail), width, height, baseline, NULL);
  if (self->progress != NULL && gtk_widget_get_visible (self->progress))
    {
      int bar_height, bar_width;

      /* measured both ways before it is allocated, as GTK asks */
      gtk_widget_measure (self->progress, GTK_ORIENTATION_HORIZONTAL, -1, &bar_width, NULL,
                          NULL, NULL);
      gtk_widget_measure (self->progress, GTK_ORIENTATION_VERTICAL, -1, &bar_height, NULL,
                          NULL, NULL);
      /* along the picture's bottom edge, under the duration badge */
      gtk_widget_size_allocate (self->progress,
                                &(GtkAllocation) {
                                  PROGRESS_INSET_X,
                                  vs_thumbnail_view_get_picture_height (self->thumbnail) -
                                  bar_height - PROGRESS_INSET_Y,
                                  MAX (bar_width, width - 2 * PROGRESS_INSET_X), bar_height },
                                -1);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_POPOVER (child))
        gtk_popover_present (GTK_POPOVER (child));
    }
}

/* Out of a window (closed, or the cell parked): a request would only keep the cell alive. */
/* GtkGridView unmaps the cells it keeps out of view (a screen or two each way): they let
 * their textures go, so that at rest the texture cache can free all but those in view; a
 * cell shows its texture again from the cache (or decodes it again) when it is mapped. */
static void
vs_video_cell_unmap (GtkWidget *widget)
{
  VsVideoCell *self = VS_VIDEO_CELL (widget);

  GTK_WIDGET_CLASS (vs_video_cell_parent_class)->unmap (widget);
  end_scrub (self);
  /* A request still waiting is dropped too: rows that flew past during a fast scroll stay
   * bound out of view, and decoding their thumbnails took the CPU the frames needed. */
  if (self->cancellable != NULL)
    {
      cancel_thumbnail (self);
      self->released = TRUE;
    }
  else if (vs_video_cell_has_thumbnail (self))
    {
      show_texture (self, NULL, FALSE);
      self->released = TRUE;
    }
}

static void
vs_video_cell_map (GtkWidget *widget)
{
  VsVideoCell *self = VS_VIDEO_CELL (widget);

  GTK_WIDGET_CLASS (vs_video_cell_parent_class)->map (widget);
  if (self->released)
    {
      self->released = FALSE;
      update_thumbnail (self);
    }
}

static void
vs_video_cell_unroot (GtkWidget *widget)
{
  VsVideoCell *self = VS_VIDEO_CELL (widget);

  end_scrub (self);
  if (self->cancellable != NULL)
    {
      cancel_thumbnail (self);
      self->thumb_mtime_ns = G_MININT64;
    }
  GTK_WIDGET_CLASS (vs_video_cell_parent_class)->unroot (widget);
}

static void
vs_video_cell_root (GtkWidget *widget)
{
  VsVideoCell *self = VS_VIDEO_CELL (widget);

  GTK_WIDGET_CLASS (vs_video_cell_parent_class)->root (widget);
  /* Back in a window with a request that unroot cut short: ask again. */
  if (self->video != NULL && !vs_video_get_loading (self->video) &&
      self->thumb_mtime_ns == G_MININT64)
    update_thumbnail (self);
}

static void
vs_video_cell_dispose (GObject *object)
{
  VsVideoCell *self = VS_VIDEO_CELL (object);
  GtkWidget *child;

  cancel_thumbnail (self);
  end_scrub (self);
  if (self->video_signals != NULL)
    g_signal_group_set_target (self->video_signals, NULL);
  g_clear_object (&self->video_signals);
  g_clear_object (&self->video);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_VIDEO_CELL);
  /* A context menu someone parented to the cell and did not take back. */
  if (self->progress != NULL)
    gtk_widget_unparent (g_steal_pointer (&self->progress));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (vs_video_cell_parent_class)->dispose (object);
}

static void
vs_video_cell_finalize (GObject *object)
{
  VsVideoCell *self = VS_VIDEO_CELL (object);

  g_clear_object (&self->cache);

  G_OBJECT_CLASS (vs_video_cell_parent_class)->finalize (object);
}

static void
vs_video_cell_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VsVideoCell *self = VS_VIDEO_CELL (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;
    case PROP_VIDEO:
      g_value_set_object (value, self->video);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_video_cell_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VsVideoCell *self = VS_VIDEO_CELL (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      self->cache = g_value_dup_object (value);
      break;
    case PROP_VIDEO:
      vs_video_cell_set_video (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_video_cell_class_init (VsVideoCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_video_cell_dispose;
  object_class->finalize = vs_video_cell_finalize;
  object_class->get_property = vs_video_cell_get_property;
  object_class->set_property = vs_video_cell_set_property;
  widget_class->get_request_mode = vs_video_cell_get_request_mode;
  widget_class->measure = vs_video_cell_measure;
  widget_class->size_allocate = vs_video_cell_size_allocate;
  widget_class->root = vs_video_cell_root;
  widget_class->map = vs_video_cell_map;
  widget_class->unmap = vs_video_cell_unmap;
  widget_class->unroot = vs_video_cell_unroot;

  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL, VS_TYPE_TEXTURE_CACHE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIDEO] =
    g_param_spec_object ("video", NULL, NULL, VS_TYPE_VIDEO,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VS_TYPE_THUMBNAIL_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-video-cell.ui");
  gtk_widget_class_bind_template_child (widget_class, VsVideoCell, thumbnail);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* Asked for only on hover (setting a tooltip text on every bind costs an X round trip in
 * GTK 4.8, which made scrolling stutter): over the text, the full name; over the picture,
 * why there is none or what the HLS badge means. */
static gboolean
on_query_tooltip (GtkWidget   *widget,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip,
                  VsVideoCell *self)
{
  if (self->video == NULL || vs_video_get_loading (self->video))
    return FALSE;
  /* not over the cell's own context menu, which names the video anyway */
  for (GtkWidget *child = gtk_widget_get_last_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_prev_sibling (child))
    if (GTK_IS_POPOVER (child) && gtk_widget_get_visible (child))
      return FALSE;

  if (keyboard || vs_thumbnail_view_in_text (self->thumbnail, y))
    gtk_tooltip_set_text (tooltip, vs_video_get_title (self->video));
  else if (vs_video_cell_get_problem (self) != NULL)
    gtk_tooltip_set_text (tooltip, vs_video_cell_get_problem (self));
  else if (vs_thumbnail_view_get_state (self->thumbnail) == VS_THUMBNAIL_VIEW_FAILED)
    gtk_tooltip_set_text (tooltip, _("No preview available"));
  else if (vs_thumbnail_view_get_hls (self->thumbnail))
    {
      /* the download's state in words: complete, or what is missing */
      g_autofree char *state = vs_hls_info_describe (&vs_video_get_record (self->video)->hls);
      g_autofree char *text = g_strdup_printf ("%s\n%s", _("HLS stream folder"), state);

      gtk_tooltip_set_text (tooltip, text);
    }
  else
    return FALSE;
  return TRUE;
}

static void
vs_video_cell_init (VsVideoCell *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->thumbnail, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  self->thumb_mtime_ns = G_MININT64;
  self->scrub_position = -1;
  g_signal_connect (motion, "enter", G_CALLBACK (on_pointer_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_pointer_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_pointer_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  self->video_signals = g_signal_group_new (VS_TYPE_VIDEO);
  /* ::record comes once per change of the item, however many of its facts changed */
  g_signal_group_connect_object (self->video_signals, "notify::record",
                                 G_CALLBACK (on_video_reloaded), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->video_signals, "notify::available",
                                 G_CALLBACK (update_availability), self, G_CONNECT_SWAPPED);
}
