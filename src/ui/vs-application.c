/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-application.c: startup, the main window, app-wide actions */
#define G_LOG_DOMAIN "vs-application"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <malloc.h>

#include "vs-application.h"
#include "vs-open-files.h"
#include "vs-player-window.h"
#include "vs-video-cell.h"
#include "vs-window.h"

struct _VsApplication
{
  AdwApplication  parent_instance;

  char           *database_path;   /* --db, for development and tests */
  VsLibrary      *library;         /* the one library every window borrows */
  GSettings      *settings;
  VsTextureCache *textures;        /* thumbnails in memory, shared by the windows */
};

G_DEFINE_FINAL_TYPE (VsApplication, vs_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The library window, made when there is none. */
static VsWindow *
ensure_library_window (VsApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (VS_IS_WINDOW (l->data))
      return l->data;
  return vs_window_new (GTK_APPLICATION (self), self->library);
}

static void
on_library_opened (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The windows show the error themselves (the library's state). */
  if (!vs_library_open_finish (VS_LIBRARY (object), result, &error))
    g_debug ("The library could not be opened: %s", error->message);
}

/* The one library of the process: opened once, at start-up, for every window. */
static void
open_library (VsApplication *self)
{
  const char *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);
  g_autofree char *fallback = NULL;
  g_autofree char *sort = g_settings_get_string (self->settings, "sort-key");
  VsVideoQuery first = { 0 };

  if (videos == NULL)
    videos = fallback = g_build_filename (g_get_home_dir (), "Videos", NULL);
  self->library = vs_library_new (self->database_path, VS_LIBRARY_FLAGS_NONE);
  vs_library_set_default_folder (self->library, videos);
  /* what a new window shows first: the whole library, in the order last chosen */
  vs_sort_key_from_string (sort, &first.sort);
  first.descending = g_settings_get_boolean (self->settings, "sort-descending");
  vs_library_set_first_query (self->library, &first);
  vs_library_set_n_workers (self->library, g_settings_get_uint (self->settings, "workers"));
  vs_library_open_async (self->library, NULL, on_library_opened, NULL);
}

/* The filmstrip cache's size on disk, once the library's media service exists. */
static void
apply_filmstrip_budget (VsApplication *self)
{
  guint64 mb = g_settings_get_uint (self->settings, "filmstrip-cache-mb");

  if (self->library != NULL && vs_library_get_media (self->library) != NULL)
    vs_media_service_set_filmstrip_budget (vs_library_get_media (self->library), mb << 20);
}

/* Preferences take effect at once. */
static void
on_setting_changed (VsApplication *self,
                    const char    *key)
{
  if (g_str_equal (key, "workers"))
    vs_library_set_n_workers (self->library, g_settings_get_uint (self->settings, "workers"));
  else if (g_str_equal (key, "hover-scrub"))
    vs_video_cell_set_hover_scrub (g_settings_get_boolean (self->settings, "hover-scrub"));
  else if (g_str_equal (key, "filmstrip-cache-mb"))
    apply_filmstrip_budget (self);
  else if (g_str_equal (key, "texture-cache-mb") && self->textures != NULL)
    vs_texture_cache_set_max_bytes (self->textures,
                                    (gsize) g_settings_get_uint (self->settings,
                                                                 "texture-cache-mb") << 20);
}

static void
vs_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (ensure_library_window (VS_APPLICATION (app))));
}

/* vidshelf FILE…: a folder joins the library, anything else plays; the application is
 * held while they are looked at. */
static void
open_one (GFile    *file,
          gboolean  is_folder,
          gpointer  user_data)
{
  VsApplication *self = user_data;
  g_autofree char *path = g_file_get_path (file);

  if (is_folder && path != NULL)
    {
      VsWindow *window = ensure_library_window (self);

      vs_window_add_folder (window, path);
      gtk_window_present (GTK_WINDOW (window));
    }
  else
    {
      /* A missing or unreadable file goes to the player too, which says what is wrong. */
      VsPlayerWindow *player = vs_player_window_get_default (GTK_APPLICATION (self),
                                                             self->library);

      vs_player_window_play_file (player, file);
      gtk_window_present (GTK_WINDOW (player));
    }
}

static void
vs_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  g_application_hold (app);
  vs_open_files_each (files, (guint) n_files, NULL, open_one, app,
                      (GDestroyNotify) g_application_release);
}

static int
vs_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  VsApplication *self = VS_APPLICATION (app);
  g_autofree char *db = NULL;

  if (g_variant_dict_lookup (options, "db", "^ay", &db))
    {
      g_autofree char *cwd = g_get_current_dir ();

      self->database_path = g_canonicalize_filename (db, cwd);
    }
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("vidshelf %s\n", PACKAGE_VERSION);
      return 0;
    }
  /* --new-window: the running instance opens one (the desktop file's action) */
  if (g_variant_dict_contains (options, "new-window"))
    {
      g_autoptr(GError) error = NULL;

      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_action_group_activate_action (G_ACTION_GROUP (app), "new-window", NULL);
      return 0;
    }
  return -1;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  /* g_application_quit() closes no window: each saves its size as closing would */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (user_data)); l != NULL;
       l = l->next)
    if (VS_IS_WINDOW (l->data))
      vs_window_save_state (l->data);
  g_application_quit (G_APPLICATION (user_data));
}

static void
new_window_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  VsApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (vs_window_new (GTK_APPLICATION (self), self->library)));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  static const char * const developers[] = { "The Vidshelf developers", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Vidshelf"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Browse huge local video collections"),
                         "developer-name", _("The Vidshelf developers"),
                         "developers", developers,
                         "copyright", "© 2026 The Vidshelf developers",
                         "website", PACKAGE_WEBSITE,
                         "issue-url", PACKAGE_BUGREPORT,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
vs_application_startup (GApplication *app)
{
  VsApplication *self = VS_APPLICATION (app);
  static const GActionEntry actions[] = {
    { .name = "quit", .activate = quit_activated },
    { .name = "about", .activate = about_activated },
    { .name = "new-window", .activate = new_window_activated },
  };
  GtkCssProvider *provider;

  /* The index opens on another thread while GTK and libadwaita start and the window is
   * built: the grid's first rows are read by the time the window can show them. */
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_setting_changed), self,
                           G_CONNECT_SWAPPED);
  open_library (self);
  /* What was added since the last start is new, until watched; nothing is on the first */
  vs_video_cell_set_new_since (g_settings_get_int64 (self->settings, "last-start") *
                               G_GINT64_CONSTANT (1000));
  g_settings_set_int64 (self->settings, "last-start", g_get_real_time ());
  vs_video_cell_set_hover_scrub (g_settings_get_boolean (self->settings, "hover-scrub"));

  G_APPLICATION_CLASS (vs_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close",
                                         (const char *[]) { "<Control>w", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.new-window",
                                         (const char *[]) { "<Control>n", NULL });

  /* the icon, for a build run where it is not installed (the development build) */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    RESOURCE_PREFIX "/icons");

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (provider);
}

typedef struct
{
  gboolean closed;
  gboolean abandoned;   /* the wait gave up: the callback frees this */
} CloseWait;

static void
on_library_closed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CloseWait *wait = user_data;

  vs_library_close_finish (VS_LIBRARY (object), result, NULL);
  if (wait->abandoned)
    g_free (wait);
  else
    wait->closed = TRUE;
}

/* Quitting closes the library: scans and media work stop at their next step, and the last
 * connection to close lets SQLite remove its -wal and -shm files. A slow disk gets two
 * seconds, not a hung exit. */
static void
vs_application_shutdown (GApplication *app)
{
  VsApplication *self = VS_APPLICATION (app);
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  CloseWait *wait;

  if (self->library != NULL)
    {
      wait = g_new0 (CloseWait, 1);
      vs_library_close_async (self->library, on_library_closed, wait);
      while (!wait->closed && g_get_monotonic_time () < deadline)
        {
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (1000);
        }
      if (wait->closed)
        g_free (wait);
      else
        wait->abandoned = TRUE;
    }
  G_APPLICATION_CLASS (vs_application_parent_class)->shutdown (app);
}

static void
vs_application_finalize (GObject *object)
{
  VsApplication *self = VS_APPLICATION (object);

  g_clear_pointer (&self->database_path, g_free);
  g_clear_object (&self->textures);
  g_clear_object (&self->library);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vs_application_parent_class)->finalize (object);
}

static void
vs_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VsApplication *self = VS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_value_set_string (value, self->database_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VsApplication *self = VS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_free (self->database_path);
      self->database_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_application_class_init (VsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = vs_application_finalize;
  object_class->get_property = vs_application_get_property;
  object_class->set_property = vs_application_set_property;
  app_class->activate = vs_application_activate;
  app_class->open = vs_application_open;
  app_class->startup = vs_application_startup;
  app_class->shutdown = vs_application_shutdown;
  app_class->handle_local_options = vs_application_handle_local_options;

  /* The library (NULL: the default one); --db sets it */
  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vs_application_init (VsApplication *self)
{
  static const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Library database to use"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { "new-window", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open a new library window"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  gtk_window_set_default_icon_name (APP_ID);
}

VsApplication *
vs_application_new (void)
{
  return g_object_new (VS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

VsLibrary *
vs_application_get_library (VsApplication *self)
{
  g_return_val_if_fail (VS_IS_APPLICATION (self), NULL);
  return self->library;
}

GSettings *
vs_application_get_settings (VsApplication *self)
{
  g_return_val_if_fail (VS_IS_APPLICATION (self), NULL);
  return self->settings;
}

/* Made once the library's media service exists (the library is open). */
VsTextureCache *
vs_application_get_texture_cache (VsApplication *self)
{
  g_return_val_if_fail (VS_IS_APPLICATION (self), NULL);

  if (self->textures == NULL && self->library != NULL &&
      vs_library_get_media (self->library) != NULL)
    {
      gsize max_bytes = (gsize) g_settings_get_uint (self->settings, "texture-cache-mb") << 20;

      self->textures = vs_texture_cache_new (vs_library_get_media (self->library), max_bytes);
      /* the cells' filmstrips come from this service too */
      apply_filmstrip_budget (self);
    }
  return self->textures;
}

/* TRUE when the system has a GPU device (a DRM node): GL is accelerated. */
static gboolean
has_gpu (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD") || g_str_has_prefix (name, "card"))
      return TRUE;
  return FALSE;
}

/* What the process needs before the app runs: the allocator's settings, the renderer and
 * translations. */
void
vs_application_prepare_process (void)
{
  /* Without a GPU, GTK 4.8 still picks GL, which is then Mesa's software rasterizer: on two
   * cores it painted a scrolling frame of the grid in 50 ms where cairo takes 5. GSK_RENDERER
   * set by the user still decides. */
  if (g_getenv ("GSK_RENDERER") == NULL && !has_gpu ())
    g_setenv ("GSK_RENDERER", "cairo", FALSE);
  /* Drawing with cairo, GDK would still set up GL when it opens the display, loading Mesa
   * for nothing: 80 ms of the start-up on two cores. GtkMediaFile then hands the player's
   * frames over in memory, which the cairo renderer needs anyway. */
  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") == 0)
    g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
  /* Worker threads (SQLite pages, thumbnail decoding) would each get a malloc arena whose
   * freed memory stays resident; two arenas keep the window's footprint flat. */
  mallopt (M_ARENA_MAX, 2);
  /* No fixed mmap threshold: with one (it was 64 KB) every frame's surfaces and every
   * thumbnail came from a fresh mmap, page-faulted in and unmapped again, a tenth of a
   * scrolling frame. glibc's own threshold follows what is freed, so the frame's surfaces
   * are reused; the heap's holes go back to the system when the view rests (malloc_trim). */
  setlocale (LC_ALL, "");
  /* `meson devenv` (build-aux/dev run) points this at the build tree's catalogs */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("VIDSHELF_LOCALEDIR") ? g_getenv ("VIDSHELF_LOCALEDIR")
                                                                    : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
