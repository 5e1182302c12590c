/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The player in a real window: it plays (files and HLS playlists), its keys work, and it
 * remembers where a video was left and offers to resume there. */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "vs-database.h"
#include "vs-player-window.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"

static const char *const elements[] = {
  "videotestsrc", "x264enc", "h264parse", "mp4mux", "qtdemux", "hlssink2", "tsdemux",
  "hlsdemux", "avdec_h264", NULL
};

typedef struct
{
  char *dir;
  char *db;
  char *clip;    /* 20 s */
  VsLibrary *library;   /* the player borrows it, as from the application */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = vs_test_make_tmpdir ();
  f->db = g_build_filename (f->dir, "library.db", NULL);
  f->clip = g_build_filename (f->dir, "clip.mp4", NULL);
  f->library = vs_library_new (f->db, VS_LIBRARY_FLAGS_NONE);
  g_assert_true (vs_library_open (f->library, NULL));
  if (vs_test_media_require (elements))
    vs_test_media_clip (f->clip, 20);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* position writes still on their way land before the library goes */
  while (vs_library_get_busy (f->library))
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&f->library);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->clip);
}

static void
wait_for (VsPlayerWindow  *player,
          VsTestCondition  condition,
          gint64           value,
          const char      *what)
{
  vs_test_wait_until (condition, player, &value, 60, what);
}

static gboolean
is_prepared (gpointer      player,
             gconstpointer unused)
{
  GtkMediaStream *stream = vs_player_window_get_stream (player);

  g_assert_null (stream ? gtk_media_stream_get_error (stream) : NULL);
  return stream != NULL && gtk_media_stream_is_prepared (stream);
}

static gboolean
reached (gpointer      player,
         gconstpointer timestamp_us)
{
  return is_prepared (player, NULL) &&
         gtk_media_stream_get_timestamp (vs_player_window_get_stream (player)) >=
         *(const gint64 *) timestamp_us;
}

static gboolean
not_seeking (gpointer      player,
             gconstpointer unused)
{
  return !gtk_media_stream_is_seeking (vs_player_window_get_stream (player));
}

static gboolean
offered (gpointer      player,
         gconstpointer unused)
{
  return vs_player_window_get_resume_position (player) > 0;
}

static GtkWidget *
child (VsPlayerWindow *player,
       const char     *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (player), VS_TYPE_PLAYER_WINDOW,
                                                    name));
}

static gboolean
shows_error (gpointer      stack,
             gconstpointer unused)
{
  return g_str_equal (gtk_stack_get_visible_child_name (stack), "error");
}

static VsPlayerWindow *
open_player (Fixture    *f,
             const char *path)
{
  VsPlayerWindow *player = vs_player_window_new (NULL, f->library);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  vs_player_window_play_file (player, file);
  gtk_window_present (GTK_WINDOW (player));
  wait_for (player, is_prepared, 0, "the stream to be prepared");
  return player;
}

static void
test_plays (Fixture       *f,
            gconstpointer  data)
{
  VsPlayerWindow *player;

  if (!vs_test_require_playback (elements))
    return;
  player = open_player (f, f->clip);
  g_assert_cmpint (gtk_media_stream_get_duration (vs_player_window_get_stream (player)), >=,
                   19 * G_USEC_PER_SEC);
  /* the position moves on by itself */
  wait_for (player, reached, G_USEC_PER_SEC / 2, "the position to advance");
  g_assert_true (gtk_media_stream_get_playing (vs_player_window_get_stream (player)));
  g_assert_false (gtk_widget_get_visible (
    child (player, "merge_button")));
  gtk_window_destroy (GTK_WINDOW (player));
}

/* An HLS download plays from its playlist (file:// segments) and offers Merge. */
static void
test_plays_hls (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (f->dir, "Stream", NULL);
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  VsPlayerWindow *player;

  if (!vs_test_require_playback (elements))
    return;
  vs_test_media_hls (folder, 6);
  player = open_player (f, playlist);
  wait_for (player, reached, G_USEC_PER_SEC / 2, "the HLS position to advance");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (player)), ==, "Stream");
  g_assert_true (gtk_widget_get_visible (
    child (player, "merge_button")));
  g_assert_true (gtk_widget_is_sensitive (
    child (player, "merge_button")));
  gtk_window_destroy (GTK_WINDOW (player));
}

/* The action the player binds to @keyval (no modifiers), from its shortcut controller. */
static char *
action_for_key (VsPlayerWindow *player,
                guint           keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (player));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) && GTK_IS_NAMED_ACTION (action) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0)
            return g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
        }
    }
  return NULL;
}

static void
press (VsPlayerWindow *player,
       guint           keyval)
{
  g_autofree char *action = action_for_key (player, keyval);

  g_assert_nonnull (action);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (player), action, NULL));
}

/* Under a bare X server nobody grants fullscreen. */
static gboolean
wm_does_fullscreen (GtkWidget *widget)
{
#ifdef GDK_WINDOWING_X11
  GdkDisplay *display = gtk_widget_get_display (widget);

  if (GDK_IS_X11_DISPLAY (display))
    return gdk_x11_screen_supports_net_wm_hint (gdk_x11_display_get_screen (display),
                                                "_NET_WM_STATE_FULLSCREEN");
#endif
  return TRUE;
}

static gint64
timestamp (VsPlayerWindow *player)
{
  return gtk_media_stream_get_timestamp (vs_player_window_get_stream (player));
}

static void
test_keys (Fixture       *f,
           gconstpointer  data)
{
  VsPlayerWindow *player;
  GtkMediaStream *stream;
  gint64 before;

  if (!vs_test_require_playback (elements))
    return;
  player = open_player (f, f->clip);
  stream = vs_player_window_get_stream (player);

  /* Space pauses and plays */
  press (player, GDK_KEY_space);
  g_assert_false (gtk_media_stream_get_playing (stream));
  press (player, GDK_KEY_space);
  g_assert_true (gtk_media_stream_get_playing (stream));
  press (player, GDK_KEY_space);

  /* Right and Left: 10 s either way, never before the start */
  before = timestamp (player);
  press (player, GDK_KEY_Right);
  wait_for (player, not_seeking, 0, "the seek forward");
  g_assert_cmpint (timestamp (player), >=, before + 9 * G_USEC_PER_SEC);
  g_assert_cmpint (timestamp (player), <=, before + 11 * G_USEC_PER_SEC);
  press (player, GDK_KEY_Left);
  wait_for (player, not_seeking, 0, "the seek back");
  g_assert_cmpint (timestamp (player), <=, before + G_USEC_PER_SEC);
  press (player, GDK_KEY_Left);
  wait_for (player, not_seeking, 0, "the seek back past the start");
  g_assert_cmpint (timestamp (player), >=, 0);
  g_assert_cmpint (timestamp (player), <, G_USEC_PER_SEC);

  /* F11 goes fullscreen (the header bar goes), Escape comes back */
  g_assert_false (gtk_window_is_fullscreen (GTK_WINDOW (player)));
  {
    g_autofree char *f11 = action_for_key (player, GDK_KEY_F11);
    g_autofree char *escape = action_for_key (player, GDK_KEY_Escape);

    g_assert_cmpstr (f11, ==, "player.fullscreen");
    g_assert_cmpstr (escape, ==, "player.leave-fullscreen");
  }
  if (wm_does_fullscreen (GTK_WIDGET (player)))
    {
      press (player, GDK_KEY_F11);
      while (!gtk_window_is_fullscreen (GTK_WINDOW (player)))
        g_main_context_iteration (NULL, TRUE);
      g_assert_false (gtk_widget_get_visible (child (player, "header_bar")));
      press (player, GDK_KEY_Escape);
      while (gtk_window_is_fullscreen (GTK_WINDOW (player)))
        g_main_context_iteration (NULL, TRUE);
      g_assert_true (gtk_widget_get_visible (child (player, "header_bar")));
    }
  else
    g_test_message ("no window manager to grant fullscreen: only the keys' actions checked");

  /* A file opened alone has no next or previous */
  g_assert_false (gtk_widget_get_sensitive (
    child (player, "next_button")));
  g_assert_false (gtk_widget_get_sensitive (
    child (player, "previous_button")));
  gtk_window_destroy (GTK_WINDOW (player));
}

static gint64
stored_position (Fixture    *f,
                 const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsDatabase) db = vs_database_open (f->db, VS_DATABASE_MODE_READER, &error);

  if (db == NULL)
    return 0;
  return vs_database_get_position (db, path, &error);
}

static gboolean
position_stored (gpointer      fixture,
                 gconstpointer unused)
{
  Fixture *f = fixture;

  /* written before the task's callback is queued, which wakes the loop */
  return stored_position (f, f->clip) != 0;
}

static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  VsPlayerWindow *player;
  gint64 stored;

  if (!vs_test_require_playback (elements))
    return;
  /* Nothing stored yet: nothing offered */
  player = open_player (f, f->clip);
  g_assert_cmpint (vs_player_window_get_resume_position (player), ==, 0);
  gtk_media_stream_seek (vs_player_window_get_stream (player), 8 * G_USEC_PER_SEC);
  wait_for (player, reached, 8 * G_USEC_PER_SEC, "the seek to 8 s");
  gtk_window_close (GTK_WINDOW (player));

  /* Closing stored the position (in a thread) */
  vs_test_wait_until (position_stored, f, NULL, 30, "the position to be stored");
  stored = stored_position (f, f->clip);
  /* written through the library's one writer, not a connection of the player's */
  g_assert_cmpuint (vs_library_get_n_position_writes (f->library), >=, 1);
  g_assert_cmpint (stored, >=, 8000);
  g_assert_cmpint (stored, <, 12000);

  /* Reopened: the same position is offered, and Resume goes there */
  player = open_player (f, f->clip);
  wait_for (player, offered, 0, "the resume offer");
  g_assert_cmpint (vs_player_window_get_resume_position (player), ==, stored);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (player), "player.resume", NULL));
  wait_for (player, reached, (stored - 500) * 1000, "the resumed position");
  gtk_window_destroy (GTK_WINDOW (player));
}

/* Bytes that are no video: the player says so in a sentence and offers another
 * application. */
static void
test_not_a_video (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "garbage.mp4", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  VsPlayerWindow *player;
  GtkStack *stack;
  const char *text;

  if (!vs_test_require_playback (elements))
    return;
  vs_test_media_random (path, 64 * 1024);
  player = vs_player_window_new (NULL, f->library);
  vs_player_window_play_file (player, file);
  gtk_window_present (GTK_WINDOW (player));
  stack = GTK_STACK (child (player, "stack"));
  vs_test_wait_until (shows_error, stack, NULL, 60, "the error page");
  text = adw_status_page_get_description (ADW_STATUS_PAGE (child (player, "error_page")));
  g_assert_nonnull (text);
  g_assert_null (strstr (text, "Error from element"));
  g_assert_null (strchr (text, '\n'));
  g_assert_cmpuint (strlen (text), >, 0);
  gtk_window_destroy (GTK_WINDOW (player));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/player/plays", Fixture, NULL, fixture_setup, test_plays, fixture_teardown);
  g_test_add ("/player/plays-hls", Fixture, NULL, fixture_setup, test_plays_hls,
              fixture_teardown);
  g_test_add ("/player/keys", Fixture, NULL, fixture_setup, test_keys, fixture_teardown);
  g_test_add ("/player/resume", Fixture, NULL, fixture_setup, test_resume, fixture_teardown);
  g_test_add ("/player/not-a-video", Fixture, NULL, fixture_setup, test_not_a_video,
              fixture_teardown);

  return g_test_run ();
}
