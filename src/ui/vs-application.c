/* vs-application.c: startup, the main window, app-wide actions */
#define G_LOG_DOMAIN "vs-application"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-application.h"
#include "vs-window.h"

struct _VsApplication
{
  AdwApplication  parent_instance;

  char           *database_path;   /* --db, for development and tests */
};

G_DEFINE_FINAL_TYPE (VsApplication, vs_application, ADW_TYPE_APPLICATION)

static void
vs_application_activate (GApplication *app)
{
  VsApplication *self = VS_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  const char *videos;
  g_autofree char *fallback = NULL;

  if (window == NULL)
    {
      videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);
      if (videos == NULL)
        videos = fallback = g_build_filename (g_get_home_dir (), "Videos", NULL);
      window = GTK_WINDOW (vs_window_new (GTK_APPLICATION (app), self->database_path, videos));
    }
  gtk_window_present (window);
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
vs_application_class_init (VsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = vs_application_finalize;
  app_class->activate = vs_application_activate;
  app_class->startup = vs_application_startup;
  app_class->handle_local_options = vs_application_handle_local_options;
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
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/vidshelf/Vidshelf",
                       NULL);
}
