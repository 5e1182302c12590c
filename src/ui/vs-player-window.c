/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-player-window.c: GtkVideo over GtkMediaFile (GStreamer), keys, fullscreen, next and
 * previous within the view it was opened from, and resuming where a video was left */
#define G_LOG_DOMAIN "vs-player"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vs-application.h"
#include "vs-database.h"
#include "vs-file-manager.h"
#include "vs-library.h"
#include "vs-library-model.h"
#include "vs-format.h"
#include "vs-merge-dialog.h"
#include "vs-open-with.h"
#include "vs-path.h"
#include "vs-player-osd.h"
#include "vs-player-window.h"
#include "vs-seek-preview.h"
#include "vs-subtitle-view.h"
#include "vs-texture-cache.h"
#include "vs-toast.h"
#include "vs-video.h"

#define SEEK_STEP_US (10 * G_USEC_PER_SEC)
#define RESUME_TOAST_SECONDS 10

struct _VsPlayerWindow
{
  AdwWindow        parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwHeaderBar    *header_bar;
  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  GtkVideo        *video;
  GtkWidget       *video_overlay;
  VsPlayerOsd     *osd;
  VsSubtitleView  *subtitle_view;
  AdwStatusPage   *error_page;
  GtkWidget       *merge_button;
  GtkWidget       *previous_button;
  GtkWidget       *next_button;
  VsSeekPreview   *seek_preview;      /* over the picture, above GtkVideo's seek bar */

  /* owned */
  VsLibrary       *library;           /* borrowed from the application */
  GFile           *file;
  GtkMediaStream  *stream;
  GListModel      *videos;            /* the view next and previous walk; may be NULL */
  VsVideo         *waiting;           /* a placeholder of @videos still loading */
  GCancellable    *cancellable;       /* the window's lifetime */
  GSettings       *settings;          /* the application's, or one of our own */
  VsTextureCache  *textures;          /* the application's, or one of our own; for filmstrips */
  GCancellable    *filmstrip_cancellable; /* the current file's filmstrip request */
  guint            filmstrip_refresh_id;  /* reads a coarse filmstrip's replacement */
  guint            filmstrip_refresh;     /* times it did, for this file */

  guint            position;          /* of @file in @videos */
  gint64           video_id;          /* @file's index id in @videos; -1 none */
  guint            end_idle;          /* what follows the end of a video, deferred */
  gint64           resume_ms;         /* offered */
  gint64           pending_seek_us;   /* asked before the stream was prepared; -1 none */
  guint            generation;        /* bumps with each file: late lookups are dropped */
  guint            merge_generation;  /* the file the open merge dialog merges */
  gboolean         indexed;           /* the library has listed @file */
  gboolean         merged;            /* @file was merged from here: nothing left to offer */
  gboolean         play_next;         /* at the end, the next video of @videos plays */
  gboolean         repeat;            /* at the end, the same video plays again */
  gboolean         show_subtitles;    /* the menu's Subtitles: drawn when there are some */
  gboolean         play_counted;      /* this play of @file was recorded as watched */
};

G_DEFINE_FINAL_TYPE (VsPlayerWindow, vs_player_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_FILE,
  PROP_RESUME_POSITION,
  PROP_PLAY_NEXT,
  PROP_REPEAT,
  PROP_SHOW_SUBTITLES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void play_video (VsPlayerWindow *self,
                        VsVideo        *video);
static void go_to      (VsPlayerWindow *self,
                        guint           position);

static gboolean
is_playlist (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  return path != NULL && vs_path_has_suffix_nocase (path, ".m3u8");
}

/* Positions in the index ---------------------------------------------------- */

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GApplication) app = user_data;
  g_autoptr(GError) error = NULL;

  if (!vs_library_watched_finish (VS_LIBRARY (object), result, &error))
    g_warning ("Could not remember the playback position: %s", error->message);
  if (app != NULL)
    g_application_release (app);
}

/* Records the play of the current video where it stands (the end, or a stop), through the
 * library's one writer: its position, when it was played, and whether it was watched. The
 * window may be gone before this is written, so the application is held until then. */
static void
save_position (VsPlayerWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autofree char *path = NULL;
  gint64 position_ms, duration_ms;

  if (self->library == NULL || self->file == NULL || self->stream == NULL ||
      !gtk_media_stream_is_prepared (self->stream) || !g_file_is_native (self->file))
    return;
  path = g_file_get_path (self->file);
  position_ms = gtk_media_stream_get_timestamp (self->stream) / 1000;
  duration_ms = gtk_media_stream_get_ended (self->stream)
                ? position_ms
                : gtk_media_stream_get_duration (self->stream) / 1000;
  /* One play counts once: the end, then closing the window, is not a second viewing. A
   * stop before the end starts the count again (a replay from there to the end counts). */
  if (vs_playback_is_watched (position_ms, duration_ms))
    {
      if (self->play_counted)
        return;
      self->play_counted = TRUE;
    }
  else
    self->play_counted = FALSE;
  if (app != NULL)
    g_application_hold (G_APPLICATION (app));
  vs_library_record_play_async (self->library, path, position_ms, duration_ms, NULL, on_saved,
                                app ? g_object_ref (app) : NULL);
}

static void
offer_resume (VsPlayerWindow *self,
              gint64          position_ms)
{
  g_autofree char *time = vs_format_duration (position_ms);
  g_autofree char *title = g_strdup_printf (_("Resume from %s?"), time);
  AdwToast *toast = adw_toast_new (title);

  self->resume_ms = position_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESUME_POSITION]);
  adw_toast_set_button_label (toast, _("_Resume"));
  adw_toast_set_action_name (toast, "player.resume");
  adw_toast_set_timeout (toast, RESUME_TOAST_SECONDS);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* A lookup's answer is for the file of its generation: late ones are dropped. */
typedef struct
{
  VsPlayerWindow *self;
  guint           generation;
} LookUp;

static void
on_looked_up (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LookUp *lookup = user_data;
  g_autoptr(VsPlayerWindow) self = lookup->self;
  guint generation = lookup->generation;
  g_autoptr(GError) error = NULL;
  gint64 position_ms = vs_library_get_position_finish (VS_LIBRARY (object), result, &error);

  g_free (lookup);
  if (position_ms < 0)
    {
      if (!g_error_matches (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_NOT_FOUND) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
        g_warning ("Could not read the playback position: %s", error->message);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable) || generation != self->generation)
    return;
  if (position_ms > 0)
    offer_resume (self, position_ms);
}

static void
look_up_position (VsPlayerWindow *self)
{
  g_autofree char *path = NULL;
  LookUp *lookup;

  if (self->library == NULL || !g_file_is_native (self->file))
    return;
  path = g_file_get_path (self->file);
  lookup = g_new0 (LookUp, 1);
  lookup->self = g_object_ref (self);
  lookup->generation = self->generation;
  vs_library_get_position_async (self->library, path, self->cancellable, on_looked_up, lookup);
}

/* Subtitles ------------------------------------------------------------------- */

static void
on_subtitles_loaded (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  LookUp *lookup = user_data;
  g_autoptr(VsPlayerWindow) self = lookup->self;
  guint generation = lookup->generation;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsSubtitles) subtitles = vs_subtitles_load_for_video_finish (result, &error);

  g_free (lookup);
  if (g_cancellable_is_cancelled (self->cancellable) || generation != self->generation)
    return;
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not show the subtitles: %s"),
                                               error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, vs_toast_new_plain (text));
      return;
    }
  vs_subtitle_view_set_subtitles (self->subtitle_view, subtitles);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.subtitles", subtitles != NULL);
}

/* NAME.srt or NAME.vtt beside the video, looked for and read on a thread. */
static void
load_subtitles (VsPlayerWindow *self)
{
  g_autofree char *path = g_file_get_path (self->file);
  LookUp *lookup;

  vs_subtitle_view_set_subtitles (self->subtitle_view, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.subtitles", FALSE);
  if (path == NULL)
    return;
  lookup = g_new0 (LookUp, 1);
  lookup->self = g_object_ref (self);
  lookup->generation = self->generation;
  vs_subtitles_load_for_video_async (path, self->cancellable, on_subtitles_loaded, lookup);
}

/* Seek-bar previews ------------------------------------------------------------ */

/* A coarse filmstrip is read again at most this many times, a second apart, for the full
 * one that replaces it. */
#define MAX_FILMSTRIP_REFRESH 60

static gboolean on_filmstrip_refresh (gpointer user_data);

static void
on_filmstrip_loaded (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  LookUp *lookup = user_data;
  g_autoptr(VsPlayerWindow) self = lookup->self;
  guint generation = lookup->generation;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) sheet = NULL;

  g_free (lookup);
  sheet = vs_texture_cache_load_filmstrip_finish (VS_TEXTURE_CACHE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      generation != self->generation)
    return;
  /* none (a failed one, or no helper): the preview shows the time alone, or the coarse
   * strip it has */
  if (sheet == NULL)
    {
      g_debug ("No filmstrip for the seek bar: %s", error->message);
      if (self->filmstrip_refresh == 0)
        vs_seek_preview_set_sheet (self->seek_preview, NULL);
      return;
    }
  vs_seek_preview_set_sheet (self->seek_preview, sheet);
  /* a coarse strip: the full one is read again in a while, a bounded number of times */
  if ((vs_filmstrip_get_flags (vs_texture_cache_get_filmstrip (sheet)) &
       VS_FILMSTRIP_FLAG_PARTIAL) && self->filmstrip_refresh < MAX_FILMSTRIP_REFRESH)
    {
      self->filmstrip_refresh++;
      g_clear_handle_id (&self->filmstrip_refresh_id, g_source_remove);
      self->filmstrip_refresh_id = g_timeout_add_seconds (1, on_filmstrip_refresh, self);
    }
}

/* The texture cache filmstrips are decoded by: the application's, else (a player made
 * without one, as in the tests) our own, on the library's media service. */
static VsTextureCache *
get_textures (VsPlayerWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (self->textures != NULL)
    return self->textures;
  if (VS_IS_APPLICATION (app) && vs_application_get_texture_cache (VS_APPLICATION (app)))
    self->textures = g_object_ref (vs_application_get_texture_cache (VS_APPLICATION (app)));
  else if (self->library != NULL && vs_library_get_media (self->library) != NULL)
    self->textures = vs_texture_cache_new (vs_library_get_media (self->library), 0);
  return self->textures;
}

static void
request_filmstrip (VsPlayerWindow *self)
{
  g_autofree char *path = g_file_get_path (self->file);
  LookUp *lookup;

  g_cancellable_cancel (self->filmstrip_cancellable);
  g_clear_object (&self->filmstrip_cancellable);
  if (path == NULL || get_textures (self) == NULL)
    return;
  self->filmstrip_cancellable = g_cancellable_new ();
  lookup = g_new0 (LookUp, 1);
  lookup->self = g_object_ref (self);
  lookup->generation = self->generation;
  vs_texture_cache_load_filmstrip_for_path_async (self->textures, path,
                                                  self->filmstrip_cancellable,
                                                  on_filmstrip_loaded, lookup);
}

static gboolean
on_filmstrip_refresh (gpointer user_data)
{
  VsPlayerWindow *self = user_data;

  self->filmstrip_refresh_id = 0;
  request_filmstrip (self);
  return G_SOURCE_REMOVE;
}

/* The current file's filmstrip for the seek bar, asked for when it opens (made by the
 * media helper at visible priority if it is not in the cache yet). */
static void
load_filmstrip (VsPlayerWindow *self)
{
  g_clear_handle_id (&self->filmstrip_refresh_id, g_source_remove);
  self->filmstrip_refresh = 0;
  vs_seek_preview_set_sheet (self->seek_preview, NULL);
  request_filmstrip (self);
}

/* GtkVideo's seek bar: the first horizontal scale of its controls (the volume button's
 * is in a popover). */
static GtkRange *
find_seek_bar (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkRange *found;

      if (GTK_IS_POPOVER (child))
        continue;
      if (GTK_IS_SCALE (child) &&
          gtk_orientable_get_orientation (GTK_ORIENTABLE (child)) == GTK_ORIENTATION_HORIZONTAL)
        return GTK_RANGE (child);
      if ((found = find_seek_bar (child)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
on_get_child_position (GtkOverlay     *overlay,
                       GtkWidget      *child,
                       GdkRectangle   *allocation,
                       VsPlayerWindow *self)
{
  if (child != GTK_WIDGET (self->seek_preview))
    return FALSE;
  return vs_seek_preview_get_position (self->seek_preview, GTK_WIDGET (overlay), allocation);
}

/* The stream ------------------------------------------------------------------ */

static void
seek_to (VsPlayerWindow *self,
         gint64          timestamp_us)
{
  gint64 duration = gtk_media_stream_get_duration (self->stream);

  if (!gtk_media_stream_is_prepared (self->stream))
    {
      self->pending_seek_us = timestamp_us;
      return;
    }
  if (!gtk_media_stream_is_seekable (self->stream))
    return;
  if (duration > 0)
    timestamp_us = MIN (timestamp_us, duration);
  gtk_media_stream_seek (self->stream, MAX (timestamp_us, 0));
}

static void
on_prepared (VsPlayerWindow *self)
{
  if (!gtk_media_stream_is_prepared (self->stream) || self->pending_seek_us < 0)
    return;
  seek_to (self, self->pending_seek_us);
  self->pending_seek_us = -1;
}

/* GStreamer's player says "Error from element PATH: what happened\ndebug details": only
 * what happened is for people. */
static char *
describe_error (const GError *error)
{
  g_autofree char *first = g_strndup (error->message, strcspn (error->message, "\n"));
  const char *what = g_str_has_prefix (first, "Error from element ") ? strrchr (first, ':') : NULL;

  return g_strdup (what != NULL && what[1] != '\0' ? g_strstrip ((char *) what + 1) : first);
}

static void
on_stream_error (VsPlayerWindow *self)
{
  const GError *error = gtk_media_stream_get_error (self->stream);
  g_autofree char *text = NULL;

  if (error == NULL)
    return;
  text = describe_error (error);
  adw_status_page_set_description (self->error_page, text);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* The view's list may have changed under the player (videos added, removed, resorted):
 * the current video is found again by its id, when the list is the library's. */
static void
sync_position (VsPlayerWindow *self)
{
  guint position;

  if (self->video_id < 0 || !VS_IS_LIBRARY_MODEL (self->videos))
    return;
  position = vs_library_model_find_id (VS_LIBRARY_MODEL (self->videos), self->video_id);
  if (position != G_MAXUINT)
    self->position = position;
}

/* Whether the view the video was opened from still lists it: when the grid shows another
 * folder or search now, there is no "next" to follow. */
static gboolean
in_list (VsPlayerWindow *self)
{
  if (self->videos == NULL)
    return FALSE;
  if (self->video_id >= 0 && VS_IS_LIBRARY_MODEL (self->videos))
    return vs_library_model_find_id (VS_LIBRARY_MODEL (self->videos), self->video_id) !=
           G_MAXUINT;
  return TRUE;
}

/* Run from an idle: the stream whose ::notify::ended called is not replaced from inside
 * its own signal. */
static gboolean
after_end (gpointer user_data)
{
  VsPlayerWindow *self = user_data;

  self->end_idle = 0;
  if (self->stream == NULL || !gtk_media_stream_get_ended (self->stream))
    return G_SOURCE_REMOVE;
  g_debug ("end of the video: repeat %d, play next %d, position %u", self->repeat,
           self->play_next, self->position);
  if (self->repeat)
    {
      /* another viewing: its end counts again */
      self->play_counted = FALSE;
      seek_to (self, 0);
      gtk_media_stream_play (self->stream);
    }
  else if (self->play_next && in_list (self))
    {
      sync_position (self);
      if (self->position + 1 < g_list_model_get_n_items (self->videos))
        go_to (self, self->position + 1);
    }
  return G_SOURCE_REMOVE;
}

static void
on_ended (VsPlayerWindow *self)
{
  if (!gtk_media_stream_get_ended (self->stream))
    return;
  /* Watched to the end: nothing to resume next time */
  save_position (self);
  if (self->end_idle == 0)
    self->end_idle = g_idle_add (after_end, self);
}

static void
update_navigation (VsPlayerWindow *self)
{
  guint n = self->videos ? g_list_model_get_n_items (self->videos) : 0;

  sync_position (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.previous",
                                 self->videos != NULL && self->position > 0 &&
                                 self->position - 1 < n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.next",
                                 self->videos != NULL && self->position + 1 < n);
}

/* The library ------------------------------------------------------------------ */

/* Merge is offered for an HLS playlist not merged from here, and, once the library has
 * listed it, only while the library still lists it as an HLS download: trashed, merged
 * elsewhere or its segments gone, it is not. One indexed row read on the reader, as the
 * views' page reads; a file the library never listed (opened from outside) has only the
 * first two checks. */
static void
update_merge (VsPlayerWindow *self)
{
  gboolean offer = self->file != NULL && !self->merged && is_playlist (self->file);
  g_autofree char *path = NULL;

  if (offer && self->library != NULL && vs_library_get_readable (self->library) &&
      (path = g_file_get_path (self->file)) != NULL)
    {
      g_autoptr(VsVideoRecord) record =
        vs_database_lookup_video (vs_library_get_reader (self->library), path, NULL);

      if (record != NULL)
        self->indexed = TRUE;
      if (record != NULL ? record->kind != VS_VIDEO_KIND_HLS : self->indexed)
        offer = FALSE;
    }
  gtk_widget_set_visible (self->merge_button, offer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.merge", offer);
}

static void
on_library_changed (VsPlayerWindow *self,
                    guint           what)
{
  if ((what & (VS_LIBRARY_CHANGE_VIDEOS | VS_LIBRARY_CHANGE_ROOTS)) != 0)
    update_merge (self);
}

static void
set_file (VsPlayerWindow *self,
          GFile          *file,
          const char     *title)
{
  save_position (self);
  self->play_counted = FALSE;
  self->generation++;
  self->pending_seek_us = -1;
  if (self->resume_ms != 0)
    {
      self->resume_ms = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESUME_POSITION]);
    }
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      gtk_media_stream_pause (self->stream);
    }
  g_set_object (&self->file, file);
  g_clear_object (&self->stream);

  /* An HLS playlist plays through playbin's hlsdemux, which reads file:// segments. */
  self->stream = gtk_media_file_new_for_file (file);
  g_signal_connect_object (self->stream, "notify::prepared", G_CALLBACK (on_prepared), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stream, "notify::error", G_CALLBACK (on_stream_error), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stream, "notify::ended", G_CALLBACK (on_ended), self,
                           G_CONNECT_SWAPPED);
  gtk_video_set_media_stream (self->video, self->stream);
  vs_player_osd_set_stream (self->osd, self->stream);
  vs_seek_preview_set_stream (self->seek_preview, self->stream);
  vs_subtitle_view_set_stream (self->subtitle_view, self->stream);
  vs_player_osd_set_title (self->osd, title);
  gtk_stack_set_visible_child_name (self->stack, "video");
  gtk_media_stream_play (self->stream);

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  self->indexed = FALSE;
  self->merged = FALSE;
  update_merge (self);
  update_navigation (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  look_up_position (self);
  load_subtitles (self);
  load_filmstrip (self);
}

/* Next and previous ---------------------------------------------------------- */

static void
stop_waiting (VsPlayerWindow *self)
{
  if (self->waiting != NULL)
    g_signal_handlers_disconnect_by_data (self->waiting, self);
  g_clear_object (&self->waiting);
}

static void
on_waiting_loaded (VsPlayerWindow *self)
{
  g_autoptr(VsVideo) video = g_object_ref (self->waiting);

  if (vs_video_get_loading (video))
    return;
  stop_waiting (self);
  play_video (self, video);
}

/* Asks the model for the neighbours now, so their pages are there when wanted. */
static void
prefetch (VsPlayerWindow *self,
          guint           position)
{
  g_autoptr(GObject) item = g_list_model_get_item (self->videos, position);
}

static void
go_to (VsPlayerWindow *self,
       guint           position)
{
  g_autoptr(VsVideo) video = NULL;

  if (self->videos == NULL || (video = g_list_model_get_item (self->videos, position)) == NULL)
    return;
  stop_waiting (self);
  self->position = position;
  self->video_id = vs_video_get_id (video);
  if (vs_video_get_loading (video))
    {
      /* A placeholder: its page is on its way */
      self->waiting = g_object_ref (video);
      g_signal_connect_object (video, "notify::loading", G_CALLBACK (on_waiting_loaded), self,
                               G_CONNECT_SWAPPED);
      update_navigation (self);
      return;
    }
  play_video (self, video);
}

static void
play_video (VsPlayerWindow *self,
            VsVideo        *video)
{
  g_autoptr(GFile) file = NULL;

  if (vs_video_get_uri (video) == NULL)
    return;
  file = g_file_new_for_uri (vs_video_get_uri (video));
  set_file (self, file, vs_video_get_title (video));
  if (self->position > 0)
    prefetch (self, self->position - 1);
  prefetch (self, self->position + 1);
}

/* Actions ---------------------------------------------------------------------- */

static void
toggle_play_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (widget);

  if (self->stream == NULL)
    return;
  if (gtk_media_stream_get_ended (self->stream))
    seek_to (self, 0);
  gtk_media_stream_set_playing (self->stream, !gtk_media_stream_get_playing (self->stream));
}

static void
seek_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (widget);
  gint64 step = g_str_equal (action_name, "player.seek-forward") ? SEEK_STEP_US : -SEEK_STEP_US;

  if (self->stream != NULL)
    seek_to (self, gtk_media_stream_get_timestamp (self->stream) + step);
}

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (widget);

  if (self->stream != NULL && self->resume_ms > 0)
    seek_to (self, self->resume_ms * 1000);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

static void
leave_fullscreen_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  gtk_window_unfullscreen (GTK_WINDOW (widget));
}

static void
navigate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (widget);

  if (g_str_equal (action_name, "player.next"))
    go_to (self, self->position + 1);
  else if (self->position > 0)
    go_to (self, self->position - 1);
}

static void
open_with_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (widget);

  if (self->file == NULL)
    return;
  if (self->stream != NULL)
    gtk_media_stream_pause (self->stream);
  vs_open_with_other_application (GTK_WINDOW (self), self->file);
}

static void
show_in_files_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (widget);
  g_autofree char *path = self->file ? g_file_get_path (self->file) : NULL;

  if (path != NULL)
    vs_show_in_file_manager (GTK_WINDOW (self), path);
}

static void
on_merged (VsPlayerWindow *self,
           const char     *output,
           const char     *warning)
{
  g_autofree char *base = g_path_get_basename (output);
  g_autofree char *display = g_filename_display_name (base);
  g_autofree char *text = NULL;

  /* Its MP4 exists now (and with "move to the trash", the download is gone): merging
   * again could only be refused. */
  if (self->merge_generation == self->generation)
    {
      self->merged = TRUE;
      update_merge (self);
    }
  text = warning ? g_strdup (warning) : g_strdup_printf (_("Merged into “%s”"), display);
  adw_toast_overlay_add_toast (self->toast_overlay, vs_toast_new_plain (text));
}

static void
merge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (widget);
  g_autofree char *path = self->file ? g_file_get_path (self->file) : NULL;
  VsMergeDialog *dialog;

  if (path == NULL || !is_playlist (self->file))
    return;
  if (self->stream != NULL)
    gtk_media_stream_pause (self->stream);
  dialog = vs_merge_dialog_new (GTK_WINDOW (self), path);
  vs_merge_dialog_set_library (dialog, self->library);
  self->merge_generation = self->generation;
  g_signal_connect_object (dialog, "merged", G_CALLBACK (on_merged), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Double-click on the picture (not on its controls) toggles fullscreen. */
static void
on_video_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  VsPlayerWindow  *self)
{
  GtkWidget *target = gtk_widget_pick (GTK_WIDGET (self->video), x, y, GTK_PICK_DEFAULT);

  if (n_press != 2 ||
      (target != NULL && gtk_widget_get_ancestor (target, GTK_TYPE_MEDIA_CONTROLS) != NULL))
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "player.fullscreen", NULL);
}

/* In fullscreen, the title and the time left come over the picture with the pointer. */
static void
on_fullscreened (VsPlayerWindow *self)
{
  vs_player_osd_set_active (self->osd, gtk_window_is_fullscreen (GTK_WINDOW (self)));
}

static void
on_pointer_motion (GtkEventControllerMotion *motion,
                   double                    x,
                   double                    y,
                   VsPlayerWindow           *self)
{
  vs_player_osd_pointer_moved (self->osd, x, y);
}

/* Lifecycle ----------------------------------------------------------------- */

static gboolean
vs_player_window_close_request (GtkWindow *window)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (window);

  save_position (self);
  if (self->stream != NULL)
    gtk_media_stream_pause (self->stream);
  return GTK_WINDOW_CLASS (vs_player_window_parent_class)->close_request (window);
}

static void
vs_player_window_dispose (GObject *object)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->filmstrip_cancellable);
  g_clear_object (&self->filmstrip_cancellable);
  g_clear_handle_id (&self->filmstrip_refresh_id, g_source_remove);
  g_clear_handle_id (&self->end_idle, g_source_remove);
  stop_waiting (self);
  /* the bar is GtkVideo's, which may go before the preview does */
  if (self->seek_preview != NULL)
    vs_seek_preview_set_range (self->seek_preview, NULL);
  self->seek_preview = NULL;
  if (self->videos != NULL)
    g_signal_handlers_disconnect_by_data (self->videos, self);
  g_clear_object (&self->videos);
  if (self->video != NULL)
    gtk_video_set_media_stream (self->video, NULL);
  g_clear_object (&self->stream);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_PLAYER_WINDOW);

  G_OBJECT_CLASS (vs_player_window_parent_class)->dispose (object);
}

static void
vs_player_window_finalize (GObject *object)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (object);

  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->textures);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (vs_player_window_parent_class)->finalize (object);
}

/* Play Next Automatically and Repeat are kept in GSettings: the application's when the
 * player is one of its windows (tests make players without one). */
static void
bind_settings (VsPlayerWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (VS_IS_APPLICATION (app))
    self->settings = g_object_ref (vs_application_get_settings (VS_APPLICATION (app)));
  else
    self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "player-play-next", self, "play-next", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "player-repeat", self, "repeat", G_SETTINGS_BIND_DEFAULT);
}

static void
vs_player_window_constructed (GObject *object)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (object);

  G_OBJECT_CLASS (vs_player_window_parent_class)->constructed (object);
  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
  bind_settings (self);
  /* the item may go while it plays: trashed, merged, rescanned away */
  if (self->library != NULL)
    g_signal_connect_object (self->library, "changed", G_CALLBACK (on_library_changed), self,
                             G_CONNECT_SWAPPED);
}

static void
vs_player_window_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_RESUME_POSITION:
      g_value_set_int64 (value, self->resume_ms);
      break;
    case PROP_PLAY_NEXT:
      g_value_set_boolean (value, self->play_next);
      break;
    case PROP_REPEAT:
      g_value_set_boolean (value, self->repeat);
      break;
    case PROP_SHOW_SUBTITLES:
      g_value_set_boolean (value, self->show_subtitles);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_flag (VsPlayerWindow *self,
          gboolean       *flag,
          gboolean        value,
          guint           prop_id)
{
  if (*flag == !!value)
    return;
  *flag = !!value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
vs_player_window_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VsPlayerWindow *self = VS_PLAYER_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      self->library = g_value_dup_object (value);
      break;
    case PROP_PLAY_NEXT:
      set_flag (self, &self->play_next, g_value_get_boolean (value), PROP_PLAY_NEXT);
      break;
    case PROP_REPEAT:
      set_flag (self, &self->repeat, g_value_get_boolean (value), PROP_REPEAT);
      break;
    case PROP_SHOW_SUBTITLES:
      set_flag (self, &self->show_subtitles, g_value_get_boolean (value), PROP_SHOW_SUBTITLES);
      vs_subtitle_view_set_enabled (self->subtitle_view, self->show_subtitles);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_player_window_class_init (VsPlayerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = vs_player_window_constructed;
  object_class->dispose = vs_player_window_dispose;
  object_class->finalize = vs_player_window_finalize;
  object_class->get_property = vs_player_window_get_property;
  object_class->set_property = vs_player_window_set_property;
  window_class->close_request = vs_player_window_close_request;

  /* remembers playback positions and runs merges (NULL: neither) */
  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, VS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESUME_POSITION] =
    g_param_spec_int64 ("resume-position", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* at the end of a video: the next one of the view plays (the player's menu) */
  properties[PROP_PLAY_NEXT] =
    g_param_spec_boolean ("play-next", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* at the end of a video: it plays again; wins over play-next */
  properties[PROP_REPEAT] =
    g_param_spec_boolean ("repeat", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* the subtitles beside the video are drawn (the player's menu) */
  properties[PROP_SHOW_SUBTITLES] =
    g_param_spec_boolean ("show-subtitles", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VS_TYPE_PLAYER_OSD);
  g_type_ensure (VS_TYPE_SUBTITLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-player-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, video);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, video_overlay);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, osd);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, subtitle_view);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, merge_button);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, previous_button);
  gtk_widget_class_bind_template_child (widget_class, VsPlayerWindow, next_button);

  gtk_widget_class_install_action (widget_class, "player.toggle-play", NULL, toggle_play_action);
  gtk_widget_class_install_action (widget_class, "player.seek-forward", NULL, seek_action);
  gtk_widget_class_install_action (widget_class, "player.seek-backward", NULL, seek_action);
  gtk_widget_class_install_action (widget_class, "player.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "player.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "player.leave-fullscreen", NULL,
                                   leave_fullscreen_action);
  gtk_widget_class_install_action (widget_class, "player.next", NULL, navigate_action);
  gtk_widget_class_install_action (widget_class, "player.previous", NULL, navigate_action);
  gtk_widget_class_install_action (widget_class, "player.open-with", NULL, open_with_action);
  gtk_widget_class_install_action (widget_class, "player.show-in-files", NULL,
                                   show_in_files_action);
  gtk_widget_class_install_action (widget_class, "player.merge", NULL, merge_action);
  gtk_widget_class_install_property_action (widget_class, "player.play-next", "play-next");
  gtk_widget_class_install_property_action (widget_class, "player.repeat", "repeat");
  gtk_widget_class_install_property_action (widget_class, "player.subtitles", "show-subtitles");
}

/* The player's keys win over the focused control (the seek bar takes Left and Right, a
 * button Space), as in other players: they go in a capture-phase controller. */
static void
add_shortcuts (VsPlayerWindow *self)
{
  static const struct { guint key; GdkModifierType mods; const char *action; } keys[] = {
    { GDK_KEY_space, 0, "player.toggle-play" },
    { GDK_KEY_k, 0, "player.toggle-play" },
    { GDK_KEY_Right, 0, "player.seek-forward" },
    { GDK_KEY_Left, 0, "player.seek-backward" },
    { GDK_KEY_F11, 0, "player.fullscreen" },
    { GDK_KEY_f, 0, "player.fullscreen" },
    { GDK_KEY_Escape, 0, "player.leave-fullscreen" },
    { GDK_KEY_n, 0, "player.next" },
    { GDK_KEY_Page_Down, 0, "player.next" },
    { GDK_KEY_p, 0, "player.previous" },
    { GDK_KEY_Page_Up, 0, "player.previous" },
    { GDK_KEY_c, 0, "player.subtitles" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key,
                                                                                    keys[i].mods),
                                                            gtk_named_action_new (keys[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
vs_player_window_init (VsPlayerWindow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->pending_seek_us = -1;
  self->seek_preview = VS_SEEK_PREVIEW (vs_seek_preview_new ());
  gtk_overlay_add_overlay (GTK_OVERLAY (self->video_overlay), GTK_WIDGET (self->seek_preview));
  vs_seek_preview_set_range (self->seek_preview, find_seek_bar (GTK_WIDGET (self->video)));
  g_signal_connect_object (self->video_overlay, "get-child-position",
                           G_CALLBACK (on_get_child_position), self, 0);
  self->video_id = -1;
  self->show_subtitles = TRUE;
  add_shortcuts (self);
  /* Fullscreen is the picture alone; the controls still come up on a mouse move */
  g_object_bind_property (self, "fullscreened", self->header_bar, "visible",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
  g_signal_connect_object (self, "notify::fullscreened", G_CALLBACK (on_fullscreened), NULL, 0);
  g_signal_connect_object (motion, "motion", G_CALLBACK (on_pointer_motion), self, 0);
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (self->video_overlay, motion);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_video_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->video), GTK_EVENT_CONTROLLER (click));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.merge", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "player.subtitles", FALSE);
  update_navigation (self);
}

VsPlayerWindow *
vs_player_window_new (GtkApplication *application,
                      VsLibrary      *library)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (library == NULL || VS_IS_LIBRARY (library), NULL);

  return g_object_new (VS_TYPE_PLAYER_WINDOW,
                       "application", application,
                       "library", library,
                       NULL);
}

VsPlayerWindow *
vs_player_window_get_default (GtkApplication *application,
                              VsLibrary      *library)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  if (application != NULL)
    for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
      if (VS_IS_PLAYER_WINDOW (l->data))
        return l->data;
  return vs_player_window_new (application, library);
}

void
vs_player_window_play_file (VsPlayerWindow *self,
                            GFile          *file)
{
  g_autofree char *path = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (VS_IS_PLAYER_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  stop_waiting (self);
  if (self->videos != NULL)
    g_signal_handlers_disconnect_by_data (self->videos, self);
  g_clear_object (&self->videos);
  self->position = 0;
  self->video_id = -1;

  path = g_file_get_path (file);
  if (path != NULL && is_playlist (file))
    {
      /* An HLS download is named after its folder, as in the library */
      g_autofree char *folder = g_path_get_dirname (path);

      title = g_filename_display_basename (folder);
    }
  else
    title = path ? g_filename_display_basename (path) : g_file_get_uri (file);
  set_file (self, file, title);

  if (is_playlist (file))
    {
      AdwToast *toast = adw_toast_new (_("This is an HLS download: its segments can be merged "
                                         "into one MP4 file"));

      adw_toast_set_button_label (toast, _("_Merge…"));
      adw_toast_set_action_name (toast, "player.merge");
      adw_toast_set_timeout (toast, RESUME_TOAST_SECONDS);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

void
vs_player_window_play_in_list (VsPlayerWindow *self,
                               GListModel     *videos,
                               guint           position)
{
  g_return_if_fail (VS_IS_PLAYER_WINDOW (self));
  g_return_if_fail (G_IS_LIST_MODEL (videos));

  if (self->videos != videos)
    {
      if (self->videos != NULL)
        g_signal_handlers_disconnect_by_data (self->videos, self);
      g_set_object (&self->videos, videos);
      g_signal_connect_object (videos, "items-changed", G_CALLBACK (update_navigation), self,
                               G_CONNECT_SWAPPED);
    }
  go_to (self, position);
}

GFile *
vs_player_window_get_file (VsPlayerWindow *self)
{
  g_return_val_if_fail (VS_IS_PLAYER_WINDOW (self), NULL);
  return self->file;
}

GtkMediaStream *
vs_player_window_get_stream (VsPlayerWindow *self)
{
  g_return_val_if_fail (VS_IS_PLAYER_WINDOW (self), NULL);
  return self->stream;
}

gint64
vs_player_window_get_resume_position (VsPlayerWindow *self)
{
  g_return_val_if_fail (VS_IS_PLAYER_WINDOW (self), 0);
  return self->resume_ms;
}
