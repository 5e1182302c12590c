/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-preferences-window.c: library folders and performance settings */
#define G_LOG_DOMAIN "vs-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-preferences-window-private.h"

struct _VsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template children */
  GtkListBox           *roots_list;
  AdwPreferencesGroup  *share_group;
  GtkListBox           *share_list;
  GtkSpinButton        *workers_spin;
  GtkSpinButton        *cache_spin;
  GtkAdjustment        *workers_adjustment;
  GtkAdjustment        *cache_adjustment;
  GtkAdjustment        *filmstrip_adjustment;
  GtkSwitch            *hover_scrub_switch;

  /* Owned */
  VsLibrary            *library;
  GSettings            *settings;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (VsPreferencesWindow, vs_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_LIBRARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
root_row_new (const char *path)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *display = g_filename_display_name (path);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), display);
  /* Paths have no spaces to wrap at; ellipsize in the middle, where they differ least. */
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_widget_set_tooltip_text (row, display);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove From Library"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove From Library"), -1);
  /* Paths are bytes, not necessarily UTF-8: a bytestring target carries them intact. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "prefs.remove-root");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new_bytestring (path));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void show_roots (VsPreferencesWindow *self);

static void
on_share_set (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VsPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vs_library_set_share_previews_finish (VS_LIBRARY (object), result, &error))
    {
      g_warning ("Could not change the sharing of previews: %s", error->message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Could not change the sharing of previews")));
      /* the switches show what the library holds */
      show_roots (self);
    }
}

/* The user's toggle: the library saves it, then the root (and the switch, bound to it)
 * follows. */
static void
on_share_switch (GtkSwitch           *share,
                 GParamSpec          *pspec,
                 VsPreferencesWindow *self)
{
  VsLibraryRoot *root = g_object_get_data (G_OBJECT (share), "vs-root");

  if (gtk_switch_get_active (share) == vs_library_root_get_share_previews (root))
    return;
  vs_library_set_share_previews_async (self->library, vs_library_root_get_path (root),
                                       gtk_switch_get_active (share), NULL, on_share_set,
                                       g_object_ref (self));
}

static GtkWidget *
share_row_new (VsPreferencesWindow *self,
               VsLibraryRoot       *root)
{
  const char *path = vs_library_root_get_path (root);
  g_autofree char *display = g_filename_display_name (path);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *share = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), vs_library_root_get_display_name (root));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), display);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_widget_set_tooltip_text (row, display);
  gtk_widget_set_valign (share, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (share), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Share Previews With Other Computers"), -1);
  g_object_set_data_full (G_OBJECT (share), "vs-root", g_object_ref (root), g_object_unref);
  g_object_bind_property (root, "share-previews", share, "active", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (share, "notify::active", G_CALLBACK (on_share_switch), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), share);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), share);
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* The rows follow the library's roots model. */
static void
show_roots (VsPreferencesWindow *self)
{
  GListModel *roots = vs_library_get_roots (self->library);
  guint n = g_list_model_get_n_items (roots);

  clear_list (self->roots_list);
  clear_list (self->share_list);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (roots, i);

      gtk_list_box_append (self->roots_list, root_row_new (vs_library_root_get_path (root)));
      gtk_list_box_append (self->share_list, share_row_new (self, root));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->share_group), n > 0);
}

void
vs_preferences_window_reload_roots (VsPreferencesWindow *self)
{
  g_return_if_fail (VS_IS_PREFERENCES_WINDOW (self));
  show_roots (self);
}

static void
on_root_removed (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VsPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Not cancellable: the window may close meanwhile, but the library did change. */
  if (!vs_library_scan_finish (VS_LIBRARY (object), result, NULL, &error))
    {
      g_warning ("Could not remove a folder from the library: %s", error->message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Could not remove the folder from the library")));
    }
}

void
_vs_preferences_window_remove_root_now (VsPreferencesWindow *self,
                                        const char          *path)
{
  g_return_if_fail (VS_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (path != NULL);

  vs_library_remove_root_async (self->library, path, NULL, on_root_removed, g_object_ref (self));
}

static void
on_remove_response (AdwMessageDialog    *dialog,
                    const char          *response,
                    VsPreferencesWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");

  if (g_str_equal (response, "remove"))
    _vs_preferences_window_remove_root_now (self, path);
}

static void
remove_root_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VsPreferencesWindow *self = VS_PREFERENCES_WINDOW (widget);
  const char *path = g_variant_get_bytestring (parameter);
  g_autofree char *name = g_filename_display_basename (path);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  /* Translators: %s is a folder's name */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog),
                                     _("Remove “%s” From the Library?"), name);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Its videos will no longer be shown in Vidshelf. "
                                 "The folder and its files stay on disk and are not deleted."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_folder_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));
  g_autoptr(GtkWindow) main_window = parent ? g_object_ref (parent) : NULL;

  /* The main window shows the chooser and then the scan's progress; this modal window
   * would cover both, so it steps aside. */
  gtk_window_close (GTK_WINDOW (widget));
  if (main_window == NULL ||
      !gtk_widget_activate_action (GTK_WIDGET (main_window), "win.add-folder", NULL))
    g_debug ("No window to add a folder to");
}

/* The decoder count shows 0 as "Automatic". */
static gboolean
on_workers_output (GtkSpinButton *spin,
                   gpointer       user_data)
{
  guint value = (guint) gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  g_autofree char *text = NULL;

  text = value == 0 ? g_strdup (C_("decoder count", "Automatic")) : g_strdup_printf ("%u", value);
  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
on_workers_input (GtkSpinButton *spin,
                  double        *new_value,
                  gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  guint64 value;

  if (g_utf8_collate (text, C_("decoder count", "Automatic")) == 0)
    {
      *new_value = 0;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (stripped, 10, 0, 16, &value, NULL))
    return GTK_INPUT_ERROR;
  *new_value = value;
  return TRUE;
}

VsPreferencesWindow *
vs_preferences_window_new (GtkWindow *parent,
                           VsLibrary *library)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VS_IS_LIBRARY (library), NULL);

  return g_object_new (VS_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "library", library,
                       NULL);
}

static void
vs_preferences_window_constructed (GObject *object)
{
  VsPreferencesWindow *self = VS_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (vs_preferences_window_parent_class)->constructed (object);

  g_assert (VS_IS_LIBRARY (self->library));
  g_signal_connect_object (vs_library_get_roots (self->library), "items-changed",
                           G_CALLBACK (show_roots), self, G_CONNECT_SWAPPED);
  show_roots (self);
}

static void
vs_preferences_window_dispose (GObject *object)
{
  VsPreferencesWindow *self = VS_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->library);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vs_preferences_window_parent_class)->dispose (object);
}

static void
vs_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  VsPreferencesWindow *self = VS_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  VsPreferencesWindow *self = VS_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      self->library = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_preferences_window_class_init (VsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vs_preferences_window_constructed;
  object_class->dispose = vs_preferences_window_dispose;
  object_class->get_property = vs_preferences_window_get_property;
  object_class->set_property = vs_preferences_window_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, VS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VsPreferencesWindow, roots_list);
  gtk_widget_class_bind_template_child (widget_class, VsPreferencesWindow, share_group);
  gtk_widget_class_bind_template_child (widget_class, VsPreferencesWindow, share_list);
  gtk_widget_class_bind_template_child (widget_class, VsPreferencesWindow, workers_spin);
  gtk_widget_class_bind_template_child (widget_class, VsPreferencesWindow, cache_spin);
  gtk_widget_class_bind_template_child (widget_class, VsPreferencesWindow, workers_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VsPreferencesWindow, cache_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VsPreferencesWindow, filmstrip_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VsPreferencesWindow, hover_scrub_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_workers_output);
  gtk_widget_class_bind_template_callback (widget_class, on_workers_input);

  gtk_widget_class_install_action (widget_class, "prefs.add-folder", NULL, add_folder_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-root", "ay", remove_root_action);
}

static void
vs_preferences_window_init (VsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "workers", self->workers_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "texture-cache-mb", self->cache_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "filmstrip-cache-mb", self->filmstrip_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "hover-scrub", self->hover_scrub_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}
