/* vs-application.c: startup, the main window, app-wide actions */
#define G_LOG_DOMAIN "vs-application"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-application.h"
#include "vs-player-window.h"
#include "vs-window.h"

struct _VsApplication
{
  AdwApplication  parent_instance;

  char           *database_path;   /* --db, for development and tests */
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
  const char *videos;
  g_autofree char *fallback = NULL;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (VS_IS_WINDOW (l->data))
      return l->data;
  videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);
  if (videos == NULL)
    videos = fallback = g_build_filename (g_get_home_dir (), "Videos", NULL);
  return vs_window_new (GTK_APPLICATION (self), self->database_path, videos);
}

static void
vs_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (ensure_library_window (VS_APPLICATION (app))));
}

/* vidshelf FILE…: a folder joins the library, anything else plays. Which it is takes a
 * stat, done asynchronously (a NAS may be slow); the application is held meanwhile. */
static void
on_open_queried (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VsApplication) self = user_data;
  GFile *file = G_FILE (object);
  g_autoptr(GFileInfo) info = g_file_query_info_finish (file, result, NULL);
  g_autofree char *path = g_file_get_path (file);

  g_application_release (G_APPLICATION (self));
  if (info != NULL && path != NULL &&
      g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      VsWindow *window = ensure_library_window (self);

      vs_window_add_folder (window, path);
      gtk_window_present (GTK_WINDOW (window));
    }
  else
    {
      /* A missing or unreadable file goes to the player too, which says what is wrong. */
      VsPlayerWindow *player = vs_player_window_get_default (GTK_APPLICATION (self),
                                                             self->database_path);

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
  for (int i = 0; i < n_files; i++)
    {
      g_application_hold (app);
      g_file_query_info_async (files[i], G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                               G_PRIORITY_DEFAULT, NULL, on_open_queried, g_object_ref (app));
    }
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
  return -1;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (parent,
                         "application-name", _("Vidshelf"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Browse huge local video collections"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
vs_application_startup (GApplication *app)
{
  static const GActionEntry actions[] = {
    { .name = "quit", .activate = quit_activated },
    { .name = "about", .activate = about_activated },
  };
  GtkCssProvider *provider;

  G_APPLICATION_CLASS (vs_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close",
                                         (const char *[]) { "<Control>w", NULL });

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (provider);
}

static void
vs_application_finalize (GObject *object)
{
  VsApplication *self = VS_APPLICATION (object);

  g_clear_pointer (&self->database_path, g_free);

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
                       "resource-base-path", "/io/github/vidshelf/Vidshelf",
                       NULL);
}
