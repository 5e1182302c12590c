/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application on a private session bus: `vidshelf FOLDER` adds the folder,
 * `vidshelf FILE` plays it, a second `vidshelf FILE` reaches the running instance, the
 * player walks the grid's view with next and previous, preferences apply at once, and
 * `vidshelf --new-window` opens another window on the same library. */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>

#include "vs-application.h"
#include "vs-database.h"
#include "vs-player-window.h"
#include "vs-sidebar.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-window.h"

static const char *const elements[] = {
  "videotestsrc", "x264enc", "h264parse", "mp4mux", "qtdemux", "avdec_h264", NULL
};

static void
wait_for (GtkApplication *app,
          VsTestCondition condition,
          gconstpointer   data,
          const char     *what)
{
  vs_test_wait_until (condition, app, data, 60, what);
}

static gpointer
find_window (GtkApplication *app,
             GType           type)
{
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      return l->data;
  return NULL;
}

/* The library window shows @data videos, all scans done. */
static gboolean
library_shows (gpointer      app,
               gconstpointer data)
{
  VsWindow *window = find_window (app, VS_TYPE_WINDOW);

  return window != NULL && !vs_window_get_scanning (window) &&
         vs_window_get_model (window) != NULL &&
         !vs_library_model_get_busy (vs_window_get_model (window)) &&
         vs_window_get_video_count (window) == GPOINTER_TO_INT (data);
}

static gboolean
sidebar_shows (gpointer      app,
               gconstpointer folder)
{
  VsWindow *window = find_window (app, VS_TYPE_WINDOW);
  VsSidebar *sidebar = VS_SIDEBAR (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                  VS_TYPE_WINDOW, "sidebar"));

  return g_strcmp0 (vs_sidebar_get_folder (sidebar), folder) == 0;
}

/* The player plays the file at path @data, and its position has moved. */
static gboolean
player_plays (gpointer      app,
              gconstpointer data)
{
  VsPlayerWindow *player = find_window (app, VS_TYPE_PLAYER_WINDOW);
  g_autoptr(GFile) expected = g_file_new_for_path (data);
  GtkMediaStream *stream;

  if (player == NULL || vs_player_window_get_file (player) == NULL ||
      !g_file_equal (vs_player_window_get_file (player), expected))
    return FALSE;
  stream = vs_player_window_get_stream (player);
  g_assert_null (gtk_media_stream_get_error (stream));
  return gtk_media_stream_is_prepared (stream) &&
         gtk_media_stream_get_timestamp (stream) > G_USEC_PER_SEC / 4;
}

static void
open_path (GApplication *app,
           const char   *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_application_open (app, &file, 1, "");
}

static gboolean
player_file_is (gpointer      app,
                gconstpointer data)
{
  VsPlayerWindow *player = find_window (app, VS_TYPE_PLAYER_WINDOW);
  g_autofree char *path = NULL;

  if (player == NULL || vs_player_window_get_file (player) == NULL)
    return FALSE;
  path = g_file_get_path (vs_player_window_get_file (player));
  return g_strcmp0 (path, data) == 0;
}

static gboolean
has_library_windows (gpointer       app,
                     gconstpointer   data)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    n += VS_IS_WINDOW (l->data);
  return n == GPOINTER_TO_UINT (data);
}

static void
press_next_previous (GtkApplication *app,
                     const char     *a,
                     const char     *b)
{
  VsWindow *window = find_window (app, VS_TYPE_WINDOW);
  VsPlayerWindow *player;

  /* Activating the first item of the grid's view, then walking it */
  g_signal_emit_by_name (vs_test_ui_window_grid (window), "activate", 0);
  wait_for (app, player_file_is, a, "the first item in the player");
  player = find_window (app, VS_TYPE_PLAYER_WINDOW);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (player), "player.next", NULL));
  wait_for (app, player_file_is, b, "the next item");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (player), "player.previous", NULL));
  wait_for (app, player_file_is, a, "the previous item");
}

static void
test_open (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *folder = g_build_filename (dir, "Clips", NULL);
  g_autofree char *a = g_build_filename (folder, "a.mp4", NULL);
  g_autofree char *b = g_build_filename (folder, "b.mp4", NULL);
  g_autofree char *other = g_build_filename (dir, "other.mp4", NULL);
  g_autoptr(VsApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_auto(GStrv) roots = NULL;
  g_autoptr(VsDatabase) reader = NULL;

  if (!vs_test_require_playback (elements))
    return;
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  vs_test_media_clip (a, 6);
  vs_test_media_clip (b, 6);
  vs_test_media_clip (other, 6);

  app = g_object_new (VS_TYPE_APPLICATION,
                      "application-id", APP_ID,
                      "flags", G_APPLICATION_HANDLES_OPEN,
                      "database-path", db,
                      NULL);
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    gint64 before = g_get_real_time ();

    g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
    /* the start is kept: what is added from now on is New at the next start */
    g_assert_cmpint (g_settings_get_int64 (settings, "last-start"), >=, before);
    g_assert_cmpint (g_settings_get_int64 (settings, "last-start"), <=, g_get_real_time ());
  }
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));

  /* vidshelf FOLDER: added to the library and shown */
  open_path (G_APPLICATION (app), folder);
  wait_for (GTK_APPLICATION (app), library_shows, GINT_TO_POINTER (2), "the folder's videos");
  reader = vs_database_open (db, VS_DATABASE_MODE_READER, &error);
  g_assert_no_error (error);
  roots = vs_database_dup_roots (reader, &error);
  g_assert_cmpuint (g_strv_length (roots), ==, 1);
  g_assert_cmpstr (roots[0], ==, folder);
  g_assert_true (gtk_widget_get_visible (find_window (GTK_APPLICATION (app), VS_TYPE_WINDOW)));
  wait_for (GTK_APPLICATION (app), sidebar_shows, folder, "the folder selected in the sidebar");

  /* Preferences apply at once: the decoder count and the texture budget */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    VsMediaService *media = vs_library_get_media (vs_application_get_library (app));
    VsTextureCache *textures = vs_application_get_texture_cache (app);

    g_settings_set_uint (settings, "workers", 1);
    g_assert_cmpuint (vs_media_service_get_n_workers (media), ==, 1);
    /* the budget is the smaller of the preference and what the window's grid needs (about
     * 11 MB for its cells at this size, /texture-cache/working-set): 8 MB is below that */
    g_settings_set_uint (settings, "texture-cache-mb", 8);
    g_assert_cmpuint (vs_texture_cache_get_max_bytes (textures), ==, 8u << 20);
    g_settings_reset (settings, "workers");
    g_settings_reset (settings, "texture-cache-mb");
  }

  /* Activation plays in Vidshelf's player, which walks the view */
  press_next_previous (GTK_APPLICATION (app), a, b);

  /* vidshelf FILE: plays, alone */
  open_path (G_APPLICATION (app), other);
  wait_for (GTK_APPLICATION (app), player_plays, other, "other.mp4 to play");

  /* A second vidshelf FILE hands it to this instance and exits */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
  second = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VIDSHELF"), a, NULL);
  g_assert_no_error (error);
  wait_for (GTK_APPLICATION (app), player_plays, a, "the second instance's file to play");
  g_assert_true (g_subprocess_wait_check (second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 2);

  /* vidshelf --new-window (the desktop file's action): another view of the same library */
  g_clear_object (&second);
  second = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VIDSHELF"), "--new-window",
                                        NULL);
  g_assert_no_error (error);
  wait_for (GTK_APPLICATION (app), has_library_windows, GUINT_TO_POINTER (2), "a second window");
  g_assert_true (g_subprocess_wait_check (second, NULL, &error));
  g_assert_no_error (error);
  {
    GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
    VsLibrary *library = vs_application_get_library (app);

    for (GList *l = windows; l != NULL; l = l->next)
      if (VS_IS_WINDOW (l->data))
        g_assert_true (vs_window_get_library (l->data) == library);
  }

  while (gtk_application_get_windows (GTK_APPLICATION (app)) != NULL)
    gtk_window_destroy (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  /* the positions being written hold the application */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&app);
  vs_test_rm_rf (dir);
}

static gboolean
has_about (gpointer      app,
           gconstpointer data)
{
  return vs_test_ui_toplevel_of_type (ADW_TYPE_ABOUT_WINDOW) != NULL;
}

static gboolean
window_width_changed (gpointer      app,
                      gconstpointer data)
{
  VsWindow *window = find_window (app, VS_TYPE_WINDOW);

  return gtk_widget_get_width (GTK_WIDGET (window)) != *(const int *) data;
}

/* About, from the main menu with the mouse, names the developers, the website and the
 * issue tracker, with an icon the theme has (the development build's was missing); Ctrl+Q
 * saves the window's size, as closing it does (it used to be forgotten). */
static void
test_about_and_quit (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *folder = g_build_filename (dir, "Clips", NULL);
  g_autofree char *clip = g_build_filename (folder, "a.mp4", NULL);
  g_autoptr(VsApplication) app = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autofree char *xid = NULL;
  int width0, width, height;
  AdwAboutWindow *about;
  GtkWidget *menu_button = NULL;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  vs_test_write_file (clip, "x", 1);
  app = g_object_new (VS_TYPE_APPLICATION,
                      /* the first test's name may still be owned on the bus */
                      "application-id", APP_ID ".AboutQuit",
                      "flags", G_APPLICATION_HANDLES_OPEN,
                      "database-path", db,
                      NULL);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  open_path (G_APPLICATION (app), folder);
  wait_for (GTK_APPLICATION (app), library_shows, GINT_TO_POINTER (1), "the folder's video");
  window = find_window (GTK_APPLICATION (app), VS_TYPE_WINDOW);

  vs_test_ui_collect (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_menu_button_get_primary (g_ptr_array_index (buttons, i)))
      menu_button = g_ptr_array_index (buttons, i);
  g_assert_nonnull (menu_button);
  vs_test_ui_click (menu_button, "1");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the main menu");
  vs_test_ui_click (vs_test_ui_menu_item (vs_test_ui_open_menu (window), "About Vidshelf"), "1");
  wait_for (GTK_APPLICATION (app), has_about, NULL, "the About window");
  about = ADW_ABOUT_WINDOW (vs_test_ui_toplevel_of_type (ADW_TYPE_ABOUT_WINDOW));
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (
                                            gtk_widget_get_display (GTK_WIDGET (about))),
                                          adw_about_window_get_application_icon (about)));
  g_assert_cmpstr (adw_about_window_get_developer_name (about), !=, "");
  g_assert_nonnull (adw_about_window_get_developers (about));
  g_assert_true (g_str_has_prefix (adw_about_window_get_website (about), "https://"));
  g_assert_true (g_str_has_prefix (adw_about_window_get_issue_url (about), "https://"));
  gtk_window_destroy (GTK_WINDOW (about));

  /* resized through X, as a window manager does, then Ctrl+Q */
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (
                                  gtk_native_get_surface (GTK_NATIVE (window))));
  width0 = gtk_widget_get_width (GTK_WIDGET (window));
  vs_test_ui_xdotool ("windowsize", "--sync", xid, "820", "610", NULL);
  wait_for (GTK_APPLICATION (app), window_width_changed, &width0, "the window's new size");
  vs_test_ui_spin (200);
  /* the size GTK restores with gtk_window_set_default_size(): the X window's */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 820);
  g_assert_cmpint (height, ==, 610);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), !=, 820);
  vs_test_ui_click (GTK_WIDGET (vs_test_ui_window_grid (window)), "1");
  vs_test_ui_xdotool ("key", "ctrl+q", NULL);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  while (gtk_application_get_windows (GTK_APPLICATION (app)) != NULL)
    gtk_window_destroy (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&app);
  vs_test_rm_rf (dir);
}

static GTestDBus *bus;

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = vs_test_make_tmpdir ();
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  int status;

  /* A home of its own: no Videos folder joins the library on first start. */
  g_setenv ("HOME", cache, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", cache, TRUE);
  /* A private session bus before anything connects to one (GTK would otherwise find, or
   * autolaunch, another). GTestDBus unsets DISPLAY against X11 autolaunch: the address is
   * set now, so it can come back. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/application/open", test_open);
  g_test_add_func ("/application/about-and-quit", test_about_and_quit);

  status = g_test_run ();
  /* Neither _down() nor an unref: both wait for GTK's connection to go, and GTK keeps it
   * to the end; the object stays reachable from the static. */
  g_test_dbus_stop (bus);
  vs_test_rm_rf (cache);
  return status;
}
