/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The player in a real window: it plays (files and HLS playlists), its keys work, and it
 * remembers where a video was left and offers to resume there. */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <adwaita.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "vs-database.h"
#include "vs-merge-dialog.h"
#include "vs-player-osd.h"
#include "vs-player-window.h"
#include "vs-subtitle-view.h"
#include "vs-test-library.h"
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
at_between (gpointer      player,
            gconstpointer range_us)
{
  const gint64 *range = range_us;
  GtkMediaStream *stream = vs_player_window_get_stream (player);
  gint64 timestamp = gtk_media_stream_get_timestamp (stream);

  return !gtk_media_stream_is_seeking (stream) && timestamp >= range[0] && timestamp <= range[1];
}

/* GstPlay may report a seek done for the pause before it (its seek-done carries the
 * position then), so the stream stops "seeking" a moment before the new position shows:
 * wait for the position, not for the flag. */
static void
wait_until_at (VsPlayerWindow *player,
               gint64          from_us,
               gint64          to_us,
               const char     *what)
{
  gint64 range[2] = { from_us, to_us };

  vs_test_wait_until (at_between, player, range, 60, what);
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

/* Real input ------------------------------------------------------------------------ */

/* The pointer and the keyboard go through the X server (XTEST, with xdotool), as a user's
 * would, with vs-test-ui.h's helpers. */
static gboolean
have_xdotool (void)
{
  g_autofree char *path = g_find_program_in_path ("xdotool");

  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    g_test_skip ("real input goes through an X server (run under xvfb-run)");
  else if (path == NULL)
    g_test_skip ("xdotool is not installed (build-aux/install-deps.sh installs it)");
  return path != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ());
}

/* The player's main menu button (not the window controls' menus). */
static GtkWidget *
menu_button (VsPlayerWindow *player)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (player), GTK_TYPE_MENU_BUTTON, found);
  for (guint i = 0; i < found->len; i++)
    if (gtk_menu_button_get_primary (g_ptr_array_index (found, i)))
      return g_ptr_array_index (found, i);
  g_error ("the player has no main menu button");
  return NULL;
}

/* The player's menu popover while it is open, else NULL. */
static GtkWidget *
open_menu (VsPlayerWindow *player)
{
  g_autoptr(GPtrArray) popovers = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (player), GTK_TYPE_POPOVER_MENU, popovers);
  for (guint i = 0; i < popovers->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (popovers, i)))
      return g_ptr_array_index (popovers, i);
  return NULL;
}

static gboolean
menu_is_open (gpointer      player,
              gconstpointer unused)
{
  return open_menu (player) != NULL;
}

static gboolean
menu_is_closed (gpointer      player,
                gconstpointer unused)
{
  return open_menu (player) == NULL;
}

/* The item of the open menu showing @label (mnemonic underscores aside), as the user sees
 * it: mapped. NULL when the menu does not offer it. */
static GtkWidget *
menu_item (VsPlayerWindow *player,
           const char     *label)
{
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();
  GtkWidget *popover = open_menu (player);

  g_assert_nonnull (popover);
  vs_test_ui_collect (popover, GTK_TYPE_WIDGET, widgets);
  for (guint i = 0; i < widgets->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (widgets, i);
      g_autofree char *text = NULL;
      g_auto(GStrv) parts = NULL;
      g_autofree char *plain = NULL;

      if (!g_str_equal (G_OBJECT_TYPE_NAME (w), "GtkModelButton") || !gtk_widget_get_mapped (w))
        continue;
      g_object_get (w, "text", &text, NULL);
      parts = g_strsplit (text ? text : "", "_", -1);
      plain = g_strjoinv ("", parts);
      if (g_strcmp0 (plain, label) == 0)
        return w;
    }
  return NULL;
}

/* Opens the player's menu with a click on its button. */
static void
click_menu_button (VsPlayerWindow *player)
{
  /* a second click on the button right after the first would be a double click */
  vs_test_ui_pointer_to (GTK_WIDGET (player), 10, 300);
  vs_test_ui_spin (500);
  vs_test_ui_click (menu_button (player), "1");
  vs_test_wait_until (menu_is_open, player, NULL, 30, "the player's menu");
}

static void
close_menu (VsPlayerWindow *player)
{
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_wait_until (menu_is_closed, player, NULL, 30, "the menu to close");
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
  GdkDisplay *display = widget ? gtk_widget_get_display (widget) : gdk_display_get_default ();

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
  wait_until_at (player, before + 9 * G_USEC_PER_SEC, before + 11 * G_USEC_PER_SEC,
                 "the seek forward");
  press (player, GDK_KEY_Left);
  wait_until_at (player, 0, before + G_USEC_PER_SEC, "the seek back");
  press (player, GDK_KEY_Left);
  wait_until_at (player, 0, G_USEC_PER_SEC - 1, "the seek back past the start");

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

static gboolean
stream_ended (gpointer      player,
              gconstpointer unused)
{
  return gtk_media_stream_get_ended (vs_player_window_get_stream (player));
}

static gboolean
writes_reach (gpointer      fixture,
              gconstpointer count)
{
  Fixture *f = fixture;

  return vs_library_get_n_position_writes (f->library) >= *(const guint *) count;
}

/* Waits for the play recorded by the @n-th write, then reads @path's watched state. */
static VsWatchedState
watched_after (Fixture    *f,
               guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsDatabase) db = NULL;
  VsWatchedState state;

  vs_test_wait_until (writes_reach, f, &n, 30, "the play to be recorded");
  db = vs_database_open (f->db, VS_DATABASE_MODE_READER, &error);
  g_assert_no_error (error);
  g_assert_true (vs_database_get_watched (db, f->clip, &state, &error));
  g_assert_no_error (error);
  return state;
}

/* Through the real player: a stop at 50 % is a play, not a viewing (the position is kept);
 * a seek to 97 % then closing is watched, counted once; playing to the end is another
 * viewing, and closing the window after it does not count it twice. */
static void
test_watched (Fixture       *f,
              gconstpointer  data)
{
  VsPlayerWindow *player;
  VsWatchedState state;
  guint writes;

  if (!vs_test_require_playback (elements))
    return;
  /* 50 %: in progress */
  player = open_player (f, f->clip);
  gtk_media_stream_seek (vs_player_window_get_stream (player), 10 * G_USEC_PER_SEC);
  wait_for (player, reached, 10 * G_USEC_PER_SEC, "the seek to 50 %");
  writes = vs_library_get_n_position_writes (f->library);
  gtk_window_close (GTK_WINDOW (player));
  state = watched_after (f, writes + 1);
  g_assert_false (state.watched);
  g_assert_cmpuint (state.play_count, ==, 0);
  g_assert_cmpint (state.last_played_ns, >, 0);
  g_assert_cmpint (stored_position (f, f->clip), >=, 10000);

  /* 97 %: watched, nothing left to resume */
  player = open_player (f, f->clip);
  gtk_media_stream_pause (vs_player_window_get_stream (player));
  gtk_media_stream_seek (vs_player_window_get_stream (player), 19400 * G_TIME_SPAN_MILLISECOND);
  wait_for (player, reached, 19400 * G_TIME_SPAN_MILLISECOND, "the seek to 97 %");
  writes = vs_library_get_n_position_writes (f->library);
  gtk_window_close (GTK_WINDOW (player));
  state = watched_after (f, writes + 1);
  g_assert_true (state.watched);
  g_assert_cmpuint (state.play_count, ==, 1);
  g_assert_cmpint (stored_position (f, f->clip), ==, 0);

  /* to the end: counted at the end, and not again when the window closes */
  player = open_player (f, f->clip);
  writes = vs_library_get_n_position_writes (f->library);
  gtk_media_stream_seek (vs_player_window_get_stream (player), 18 * G_USEC_PER_SEC);
  gtk_media_stream_play (vs_player_window_get_stream (player));
  wait_for (player, stream_ended, 0, "the end");
  state = watched_after (f, writes + 1);
  g_assert_cmpuint (state.play_count, ==, 2);
  gtk_window_close (GTK_WINDOW (player));
  while (vs_library_get_busy (f->library))
    g_main_context_iteration (NULL, TRUE);
  state = watched_after (f, writes + 1);
  g_assert_cmpuint (state.play_count, ==, 2);
  g_assert_cmpuint (vs_library_get_n_position_writes (f->library), ==, writes + 1);
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

/* Merge follows the library -------------------------------------------------------- */

/* A library whose Videos folder holds the HLS download Show/ (4 s) and, when @clip, one
 * MP4 beside it; scanned and watched, with a model of it by name, as the grid shows it. */
static VsTestLibrary *
library_with_download (VsLibraryModel **out_model,
                       guint            n_items)
{
  VsTestLibrary *lib = vs_test_library_new (VS_LIBRARY_FLAGS_NONE);
  g_autofree char *show = g_build_filename (lib->folder, "Show", NULL);
  VsVideoQuery query = { .sort = VS_SORT_NAME };

  vs_test_media_hls (show, 4);
  vs_test_library_open (lib);
  vs_test_library_start (lib);
  *out_model = vs_library_new_model (lib->library);
  vs_library_model_set_query (*out_model, &query);
  vs_test_library_wait_model (lib, *out_model, n_items);
  return lib;
}

static GtkWindow *
merge_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (VS_IS_MERGE_DIALOG (l->data))
      return l->data;
  return NULL;
}

static gboolean
has_merge_dialog (gpointer      unused,
                  gconstpointer unused_data)
{
  return merge_dialog () != NULL && gtk_widget_get_mapped (GTK_WIDGET (merge_dialog ()));
}

static gboolean
merge_offered (gpointer      player,
               gconstpointer offered)
{
  GtkWidget *button = child (player, "merge_button");

  return gtk_widget_get_visible (button) == *(const gboolean *) offered &&
         gtk_widget_get_sensitive (button) == *(const gboolean *) offered;
}

/* Merge is offered, through the menu (a real click) and the header bar, exactly while the
 * current file is an HLS download the library lists: checked with the menu opened for
 * real, and with the action itself, which must not open a dialog any more. */
static void
assert_merge_offered (VsPlayerWindow *player,
                      gboolean        offered)
{
  vs_test_wait_until (merge_offered, player, &offered, 60,
                      offered ? "Merge to be offered" : "Merge to be withdrawn");
  click_menu_button (player);
  if (offered)
    g_assert_nonnull (menu_item (player, "Merge into MP4…"));
  else
    g_assert_null (menu_item (player, "Merge into MP4…"));
  /* the rest of the menu is there all the same */
  g_assert_nonnull (menu_item (player, "Show in Files"));
  close_menu (player);
  if (!offered)
    {
      gtk_widget_activate_action (GTK_WIDGET (player), "player.merge", NULL);
      vs_test_ui_spin (300);
      g_assert_null (merge_dialog ());
    }
}

static gboolean
switch_is_on (gpointer widget)
{
  return gtk_switch_get_active (widget);
}

static gboolean
is_sensitive (gpointer widget)
{
  return gtk_widget_is_sensitive (widget);
}

static gboolean
no_merge_dialog_left (gpointer unused)
{
  return merge_dialog () == NULL;
}

/* The bug: merged from the player with "move to the trash", the download is gone, yet
 * Merge was still offered, and failed with "No such file". */
static void
test_merge_once (void)
{
  static const char *const needed[] = {
    "videotestsrc", "x264enc", "h264parse", "hlssink2", "tsdemux", "hlsdemux", "mp4mux",
    "qtdemux", "avdec_h264", NULL
  };
  g_autoptr(VsLibraryModel) model = NULL;
  g_autoptr(VsTestLibrary) lib = NULL;
  g_autofree char *show = NULL, *output = NULL;
  VsPlayerWindow *player;
  GtkWidget *dialog, *trash_switch, *merge_button;

  if (!vs_test_require_playback (needed) || !have_xdotool ())
    return;
  lib = library_with_download (&model, 1);
  show = g_build_filename (lib->folder, "Show", NULL);
  output = g_build_filename (lib->folder, "Show.mp4", NULL);

  player = vs_player_window_new (NULL, lib->library);
  vs_player_window_play_in_list (player, G_LIST_MODEL (model), 0);
  gtk_window_present (GTK_WINDOW (player));
  wait_for (player, is_prepared, 0, "the download to play");
  assert_merge_offered (player, TRUE);

  /* The menu's Merge, the dialog's switch and its Merge button, all clicked; each click's
   * effect is waited for (a switch turns on at the end of its animation, later on a slow
   * machine), never assumed */
  click_menu_button (player);
  vs_test_ui_click (menu_item (player, "Merge into MP4…"), "1");
  vs_test_wait_until (has_merge_dialog, NULL, NULL, 30, "the merge dialog");
  dialog = GTK_WIDGET (merge_dialog ());
  trash_switch = GTK_WIDGET (gtk_widget_get_template_child (dialog, VS_TYPE_MERGE_DIALOG,
                                                            "trash_switch"));
  merge_button = GTK_WIDGET (gtk_widget_get_template_child (dialog, VS_TYPE_MERGE_DIALOG,
                                                            "merge_button"));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (trash_switch)));
  vs_test_ui_click (trash_switch, "1");
  vs_test_ui_wait_for (switch_is_on, trash_switch, "the trash switch to turn on");
  vs_test_ui_wait_for (is_sensitive, merge_button, "the dialog's Merge button to be sensitive");
  vs_test_ui_click (merge_button, "1");
  vs_test_ui_wait_for (no_merge_dialog_left, NULL, "the merge to finish and its dialog to go");
  vs_test_library_wait_idle (lib);
  g_assert_true (g_file_test (output, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (show, G_FILE_TEST_EXISTS));

  assert_merge_offered (player, FALSE);
  gtk_window_destroy (GTK_WINDOW (player));
  vs_test_library_wait_idle (lib);
}

static void
on_trashed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  VsTrash **trash = user_data;
  g_autoptr(GError) error = NULL;

  *trash = vs_library_trash_finish (VS_LIBRARY (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer      pointer,
        gconstpointer unused)
{
  return *(gpointer *) pointer != NULL;
}

/* Another view trashes the download the player plays (and Undo brings it back): the
 * player follows the library both ways, not only its own merges. */
static void
test_merge_follows_library (void)
{
  g_autoptr(VsLibraryModel) model = NULL;
  g_autoptr(VsTestLibrary) lib = NULL;
  g_autoptr(VsTrash) trash = NULL;
  g_autoptr(GAsyncResult) restored = NULL;
  g_autofree char *playlist = NULL;
  VsPlayerWindow *player;

  if (!vs_test_require_playback (elements) || !have_xdotool ())
    return;
  lib = library_with_download (&model, 1);
  playlist = g_build_filename (lib->folder, "Show", "index.m3u8", NULL);
  player = vs_player_window_new (NULL, lib->library);
  vs_player_window_play_in_list (player, G_LIST_MODEL (model), 0);
  gtk_window_present (GTK_WINDOW (player));
  wait_for (player, is_prepared, 0, "the download to play");
  assert_merge_offered (player, TRUE);

  vs_library_trash_async (lib->library, playlist, NULL, on_trashed, &trash);
  vs_test_wait_until (is_set, &trash, NULL, 60, "the trash");
  vs_test_library_wait_idle (lib);
  g_assert_false (g_file_test (playlist, G_FILE_TEST_EXISTS));
  assert_merge_offered (player, FALSE);

  vs_library_restore_async (lib->library, trash, NULL, vs_test_library_store_result, &restored);
  vs_test_library_wait_result (&restored, 60);
  g_assert_true (vs_library_restore_finish (lib->library, restored, NULL));
  vs_test_library_wait_idle (lib);
  assert_merge_offered (player, TRUE);
  gtk_window_destroy (GTK_WINDOW (player));
  vs_test_library_wait_idle (lib);
}

/* Fullscreen ---------------------------------------------------------------------- */

/* A window manager, to grant fullscreen under a bare X server: openbox when installed
 * (build-aux/install-deps.sh installs it). Its pid, or 0. */
static GPid
start_window_manager (void)
{
  g_autofree char *openbox = g_find_program_in_path ("openbox");
  const char *argv[] = { openbox, "--sm-disable", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  if (wm_does_fullscreen (NULL) || openbox == NULL)
    return 0;
  if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                      &error))
    {
      g_test_message ("could not start openbox: %s", error->message);
      return 0;
    }
  for (guint i = 0; i < 100 && !wm_does_fullscreen (NULL); i++)
    vs_test_ui_spin (50);
  return pid;
}

static void
stop_window_manager (GPid pid)
{
  if (pid == 0)
    return;
  kill (pid, SIGTERM);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
}

static VsPlayerOsd *
osd_of (VsPlayerWindow *player)
{
  return VS_PLAYER_OSD (child (player, "osd"));
}

static gboolean
is_fullscreen (gpointer player)
{
  return gtk_window_is_fullscreen (player);
}

static gboolean
is_not_fullscreen (gpointer player)
{
  return !gtk_window_is_fullscreen (player);
}

static gboolean
osd_shown (gpointer player)
{
  return vs_player_osd_get_revealed (osd_of (player)) &&
         gtk_widget_get_mapped (GTK_WIDGET (osd_of (player)));
}

static gboolean
osd_hidden (gpointer player)
{
  return !vs_player_osd_get_revealed (osd_of (player));
}

/* "−0:17" in seconds, or -1 when it is not a remaining time. */
static int
remaining_seconds (VsPlayerOsd *osd)
{
  const char *text = vs_player_osd_get_remaining (osd);
  guint minutes, seconds;
  char end;

  if (!g_str_has_prefix (text, "−") ||
      sscanf (text + strlen ("−"), "%u:%u%c", &minutes, &seconds, &end) != 2)
    return -1;
  return minutes * 60 + seconds;
}

static gboolean
remaining_below (gpointer      player,
                 gconstpointer seconds)
{
  int left = remaining_seconds (osd_of (player));

  return left >= 0 && left < *(const int *) seconds;
}

static void
take_screenshot (const char *name)
{
  const char *dir = g_getenv ("VS_TEST_SCREENSHOTS");
  g_autofree char *path = NULL;
  g_autofree char *cmd = NULL;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  cmd = g_strdup_printf ("import -window root %s", path);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
}

/* F11, a real key: the header bar goes, the title and the time left come over the picture
 * and count down, go after a few seconds and come back with the pointer; Escape leaves. */
static void
test_fullscreen_osd (Fixture       *f,
                     gconstpointer  data)
{
  VsPlayerWindow *player;
  GPid wm;
  int left;

  if (!vs_test_require_playback (elements) || !have_xdotool ())
    return;
  /* first, so that it gives the player the keyboard focus as it does to new windows */
  wm = start_window_manager ();
  if (!wm_does_fullscreen (NULL))
    {
      g_test_skip ("no window manager to grant fullscreen (install openbox)");
      return;
    }
  player = open_player (f, f->clip);
  g_assert_false (osd_shown (player));
  vs_test_ui_pointer_to (GTK_WIDGET (player), 200, 200);
  vs_test_ui_xdotool ("key", "F11", NULL);
  vs_test_ui_wait_for (is_fullscreen, player, "F11 to make the player fullscreen");
  g_assert_false (gtk_widget_get_visible (child (player, "header_bar")));
  vs_test_ui_wait_for (osd_shown, player, "the title and time over the video");
  g_assert_cmpstr (vs_player_osd_get_title (osd_of (player)), ==, "clip.mp4");
  left = remaining_seconds (osd_of (player));
  g_assert_cmpint (left, >, 0);
  g_assert_cmpint (left, <=, 20);
  vs_test_ui_spin (500);
  take_screenshot ("player-fullscreen.png");

  /* it counts down as the video plays */
  vs_test_wait_until (remaining_below, player, &left, 30, "the time left to go down");

  /* it goes when the pointer rests, and comes back when it moves */
  vs_test_ui_wait_for (osd_hidden, player, "the bar to go with the pointer at rest");
  g_assert_true (gtk_window_is_fullscreen (GTK_WINDOW (player)));
  vs_test_ui_pointer_to (GTK_WIDGET (player), 300, 250);
  vs_test_ui_wait_for (osd_shown, player, "the bar to come back with the pointer");

  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_for (is_not_fullscreen, player, "Escape to leave fullscreen");
  g_assert_true (gtk_widget_get_visible (child (player, "header_bar")));
  vs_test_ui_wait_for (osd_hidden, player, "the bar to go with fullscreen");
  gtk_window_destroy (GTK_WINDOW (player));
  stop_window_manager (wm);
}

/* Play Next Automatically and Repeat ------------------------------------------------ */

/* A library of three 3 s clips, a.mp4, b.mp4 and c.mp4, with a model by name. */
static VsTestLibrary *
library_with_clips (VsLibraryModel **out_model)
{
  VsTestLibrary *lib = vs_test_library_new (VS_LIBRARY_FLAGS_NONE);
  VsVideoQuery query = { .sort = VS_SORT_NAME };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("%c.mp4", 'a' + i);
      g_autofree char *path = g_build_filename (lib->folder, name, NULL);

      vs_test_media_clip (path, 3);
    }
  vs_test_library_open (lib);
  vs_test_library_start (lib);
  *out_model = vs_library_new_model (lib->library);
  vs_library_model_set_query (*out_model, &query);
  vs_test_library_wait_model (lib, *out_model, 3);
  return lib;
}

static gboolean
plays_file (gpointer      player,
            gconstpointer name)
{
  GFile *file = vs_player_window_get_file (player);
  g_autofree char *base = file ? g_file_get_basename (file) : NULL;

  return g_strcmp0 (base, name) == 0 && is_prepared (player, NULL) &&
         gtk_media_stream_get_playing (vs_player_window_get_stream (player));
}

static gboolean
is_playing (gpointer player)
{
  return gtk_media_stream_get_playing (vs_player_window_get_stream (player));
}

static gboolean
is_paused (gpointer player)
{
  return !is_playing (player);
}

static gboolean
has_ended (gpointer      player,
           gconstpointer unused)
{
  return gtk_media_stream_get_ended (vs_player_window_get_stream (player));
}

typedef struct
{
  VsPlayerWindow *player;
  gint64          latest_us;   /* the furthest the video was seen at */
} Restart;

/* The video went past 2 s, then was seen playing again in its first second. */
static gboolean
restarted (gpointer      restart,
           gconstpointer unused)
{
  Restart *r = restart;
  gint64 t = timestamp (r->player);

  r->latest_us = MAX (r->latest_us, t);
  return r->latest_us >= 2 * G_USEC_PER_SEC && t < G_USEC_PER_SEC && is_playing (r->player);
}

static gboolean
flag_is (VsPlayerWindow *player,
         const char     *property,
         gboolean        value)
{
  gboolean set;

  g_object_get (player, property, &set, NULL);
  return set == value;
}

static gboolean
repeat_on (gpointer player)
{
  return flag_is (player, "repeat", TRUE);
}

static gboolean
repeat_off (gpointer player)
{
  return flag_is (player, "repeat", FALSE);
}

static gboolean
play_next_off (gpointer player)
{
  return flag_is (player, "play-next", FALSE);
}

/* Space, a real key press: pauses or plays, and waits for it. */
static void
press_space (VsPlayerWindow *player,
             gboolean        playing)
{
  static guint presses;

  /* over the player, never where the pointer already is: "mousemove --sync" would wait for
   * a move that does not come */
  vs_test_ui_pointer_to (GTK_WIDGET (player), gtk_widget_get_width (GTK_WIDGET (player)) / 2.0,
                         gtk_widget_get_height (GTK_WIDGET (player)) / 3.0 + 8 * (presses++ % 2));
  vs_test_ui_xdotool ("key", "space", NULL);
  vs_test_ui_wait_for (playing ? is_playing : is_paused, player,
                       playing ? "Space to play" : "Space to pause");
}

/* Pauses, clicks the menu item @label, waits for @toggled (the flag it toggles) and plays
 * on; the menu is closed after. */
static void
toggle_in_menu (VsPlayerWindow   *player,
                const char       *label,
                VsTestUiCondition toggled,
                const char       *what)
{
  GtkWidget *item;

  press_space (player, FALSE);
  click_menu_button (player);
  item = menu_item (player, label);
  g_assert_nonnull (item);
  vs_test_ui_click (item, "1");
  vs_test_ui_wait_for (toggled, player, what);
  vs_test_ui_spin (200);
  if (open_menu (player) != NULL)
    close_menu (player);
  press_space (player, TRUE);
}

static void
test_play_next_and_repeat (void)
{
  g_autoptr(VsLibraryModel) model = NULL;
  g_autoptr(VsTestLibrary) lib = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  Restart restart = { 0 };
  VsPlayerWindow *player;

  if (!vs_test_require_playback (elements) || !have_xdotool ())
    return;
  /* What GNOME Videos does: the next one plays, nothing repeats */
  g_assert_true (g_settings_get_boolean (settings, "player-play-next"));
  g_assert_false (g_settings_get_boolean (settings, "player-repeat"));
  lib = library_with_clips (&model);
  player = vs_player_window_new (NULL, lib->library);
  vs_player_window_play_in_list (player, G_LIST_MODEL (model), 0);
  gtk_window_present (GTK_WINDOW (player));
  vs_test_wait_until (plays_file, player, "a.mp4", 60, "a.mp4 to play");
  g_assert_true (flag_is (player, "play-next", TRUE));
  g_assert_true (flag_is (player, "repeat", FALSE));

  /* Repeat, clicked in the menu: saved, and a.mp4 starts again at its end */
  toggle_in_menu (player, "Repeat", repeat_on, "Repeat to be on");
  g_assert_true (g_settings_get_boolean (settings, "player-repeat"));
  restart.player = player;
  vs_test_wait_until (restarted, &restart, NULL, 60, "a.mp4 to start again");
  g_assert_true (plays_file (player, "a.mp4"));

  /* Repeat off: at its end, a.mp4 gives way to the next video of the view */
  toggle_in_menu (player, "Repeat", repeat_off, "Repeat to be off");
  g_assert_false (g_settings_get_boolean (settings, "player-repeat"));
  vs_test_wait_until (plays_file, player, "b.mp4", 60, "b.mp4 to follow a.mp4");

  /* Play Next Automatically off: b.mp4 ends, and the player stays there */
  toggle_in_menu (player, "Play Next Automatically", play_next_off, "Play Next to be off");
  g_assert_false (g_settings_get_boolean (settings, "player-play-next"));
  wait_for (player, has_ended, 0, "b.mp4 to end");
  vs_test_ui_spin (1000);
  g_assert_true (has_ended (player, NULL));
  {
    g_autofree char *base = g_file_get_basename (vs_player_window_get_file (player));

    g_assert_cmpstr (base, ==, "b.mp4");
  }
  gtk_window_destroy (GTK_WINDOW (player));
  vs_test_library_wait_idle (lib);
  g_settings_reset (settings, "player-play-next");
  g_settings_reset (settings, "player-repeat");
}

/* Subtitles ------------------------------------------------------------------------ */

static const char *
subtitle_text (VsPlayerWindow *player)
{
  GtkWidget *view = child (player, "subtitle_view");
  GtkWidget *label = gtk_widget_get_first_child (view);
  const char *text = vs_subtitle_view_get_text (VS_SUBTITLE_VIEW (view));

  /* drawn: the label is on screen, and says it */
  g_assert_true (g_str_equal (text, "") || gtk_widget_get_mapped (label));
  g_assert_cmpstr (text, ==, gtk_widget_get_mapped (label) ? gtk_label_get_text (GTK_LABEL (label))
                                                           : "");
  return text;
}

/* The first cue (2 s to 4 s) is drawn, never before its time. */
static gboolean
shows_first_cue (gpointer player)
{
  const char *text = subtitle_text (player);

  if (g_str_equal (text, "First line"))
    {
      g_assert_cmpint (timestamp (player), >=, 1900 * 1000);
      return TRUE;
    }
  g_assert_cmpstr (text, ==, "");
  return FALSE;
}

static gboolean
shows_second_cue (gpointer player)
{
  return g_str_equal (subtitle_text (player), "Second line");
}

static gboolean
subtitles_off (gpointer player)
{
  return flag_is (player, "show-subtitles", FALSE);
}

static gboolean
subtitles_on (gpointer player)
{
  return flag_is (player, "show-subtitles", TRUE);
}

static gboolean
has_subtitles (gpointer player)
{
  return vs_subtitle_view_get_subtitles (VS_SUBTITLE_VIEW (child (player, "subtitle_view"))) !=
         NULL;
}

/* clip.srt beside clip.mp4: its cues are drawn over the video at their times; Subtitles,
 * clicked in the menu, turns them off and on; without a file, the item is insensitive. */
static void
test_subtitles (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *srt = g_build_filename (f->dir, "clip.srt", NULL);
  VsPlayerWindow *player;
  GtkWidget *item;
  gint64 six_seconds = 6 * G_USEC_PER_SEC;

  if (!vs_test_require_playback (elements) || !have_xdotool ())
    return;

  /* no subtitles: the item is there, insensitive */
  player = open_player (f, f->clip);
  click_menu_button (player);
  item = menu_item (player, "Subtitles");
  g_assert_nonnull (item);
  g_assert_false (gtk_widget_is_sensitive (item));
  close_menu (player);
  g_assert_cmpstr (subtitle_text (player), ==, "");
  gtk_window_destroy (GTK_WINDOW (player));

  vs_test_write_file (srt,
                      "1\r\n00:00:02,000 --> 00:00:04,000\r\nFirst <i>line</i>\r\n\r\n"
                      "2\r\n00:00:05,000 --> 00:00:30,000\r\nSecond line\r\n", -1);
  player = open_player (f, f->clip);
  vs_test_ui_wait_for (has_subtitles, player, "the subtitles to be read");
  g_assert_cmpint (timestamp (player), <, 1900 * 1000);
  g_assert_cmpstr (subtitle_text (player), ==, "");
  vs_test_ui_wait_for (shows_first_cue, player, "the first cue at 2 s");
  g_assert_cmpint (timestamp (player), <, 4 * G_USEC_PER_SEC);
  vs_test_ui_spin (300);
  take_screenshot ("player-subtitles.png");

  /* Subtitles off, a real click: nothing drawn, at the second cue's time either */
  press_space (player, FALSE);
  click_menu_button (player);
  item = menu_item (player, "Subtitles");
  g_assert_true (gtk_widget_is_sensitive (item));
  vs_test_ui_click (item, "1");
  vs_test_ui_wait_for (subtitles_off, player, "Subtitles to be off");
  vs_test_ui_spin (200);
  if (open_menu (player) != NULL)
    close_menu (player);
  g_assert_cmpstr (subtitle_text (player), ==, "");
  press_space (player, TRUE);
  wait_for (player, reached, six_seconds, "the second cue's time");
  g_assert_cmpstr (subtitle_text (player), ==, "");

  /* and on again, with the c key */
  vs_test_ui_xdotool ("key", "c", NULL);
  vs_test_ui_wait_for (subtitles_on, player, "c to turn the subtitles on");
  vs_test_ui_wait_for (shows_second_cue, player, "the second cue");
  gtk_window_destroy (GTK_WINDOW (player));
}

/* A subtitle file that cannot be read says so, and the video plays all the same. */
static gboolean
shows_toast_about (gpointer      player,
                   gconstpointer text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  vs_test_ui_collect (child (player, "toast_overlay"), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (labels, i)) &&
        strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), text) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_subtitles_unreadable (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *srt = g_build_filename (f->dir, "clip.srt", NULL);
  VsPlayerWindow *player;

  if (!vs_test_require_playback (elements))
    return;
  vs_test_write_file (srt, "\xff\xfe" "1\0\n\0", 6);
  player = open_player (f, f->clip);
  vs_test_wait_until (shows_toast_about, player, "clip.srt", 30, "the toast about clip.srt");
  g_assert_false (has_subtitles (player));
  wait_for (player, reached, G_USEC_PER_SEC / 2, "the video to play all the same");
  gtk_window_destroy (GTK_WINDOW (player));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = vs_test_make_tmpdir ();
  g_autofree char *data_home = g_build_filename (home, ".local", "share", NULL);
  g_autofree char *cache_home = g_build_filename (home, ".cache", NULL);
  int status;

  /* a private home: merges trash their downloads in it (on the test folders' device, so
   * GIO uses the home trash), and the library's thumbnails go to its cache */
  g_assert_cmpint (g_mkdir_with_parents (data_home, 0700), ==, 0);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* the application's style sheet, as the app loads it: the screenshots look like the app */
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add ("/player/plays", Fixture, NULL, fixture_setup, test_plays, fixture_teardown);
  g_test_add ("/player/plays-hls", Fixture, NULL, fixture_setup, test_plays_hls,
              fixture_teardown);
  g_test_add ("/player/keys", Fixture, NULL, fixture_setup, test_keys, fixture_teardown);
  g_test_add ("/player/resume", Fixture, NULL, fixture_setup, test_resume, fixture_teardown);
  g_test_add ("/player/watched", Fixture, NULL, fixture_setup, test_watched, fixture_teardown);
  g_test_add ("/player/not-a-video", Fixture, NULL, fixture_setup, test_not_a_video,
              fixture_teardown);
  g_test_add_func ("/player/merge/offered-once", test_merge_once);
  g_test_add_func ("/player/merge/follows-library", test_merge_follows_library);
  g_test_add_func ("/player/play-next-and-repeat", test_play_next_and_repeat);
  g_test_add ("/player/subtitles", Fixture, NULL, fixture_setup, test_subtitles,
              fixture_teardown);
  g_test_add ("/player/subtitles-unreadable", Fixture, NULL, fixture_setup,
              test_subtitles_unreadable, fixture_teardown);
  /* starts a window manager when none runs, and stops it */
  g_test_add ("/player/fullscreen-osd", Fixture, NULL, fixture_setup, test_fullscreen_osd,
              fixture_teardown);

  status = g_test_run ();
  vs_test_rm_rf (home);
  return status;
}
