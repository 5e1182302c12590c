/* vs-window.c: a library window, a view of the application's one VsLibrary: header bar,
 * sidebar, search, status pages and toasts around the grid (VsLibraryView) */
#define G_LOG_DOMAIN "vs-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-application.h"
#include "vs-library-view.h"
#include "vs-preferences-window.h"
#include "vs-sidebar.h"
#include "vs-toast.h"
#include "vs-window.h"

/* The start-up rescan waits for the grid: on two cores its directory walk would otherwise
 * take the CPU the first frames need. A library still empty scans at once. */
#define STARTUP_SCAN_DELAY_MS 300

struct _VsWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwWindowTitle       *window_title;
  AdwFlap              *flap;
  VsSidebar            *sidebar;
  GtkStack             *stack;
  AdwStatusPage        *error_page;
  VsLibraryView        *view;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkToggleButton      *search_button;
  GtkWidget            *progress_box;
  GtkSpinner           *spinner;
  GtkLabel             *progress_label;
  AdwToastOverlay      *toast_overlay;

  /* owned */
  VsLibrary            *library;
  GSettings            *settings;
  GCancellable         *cancellable;     /* the window's lifetime */
  GPtrArray            *pending_folders; /* asked for (vidshelf FOLDER) until the library opens */
  GdkFrameClock        *paint_clock;     /* while the start-up scan waits for a paint */
  gulong                paint_id;
  guint                 startup_scan_id;
  guint                 adding;          /* folders being added */
};

G_DEFINE_FINAL_TYPE (VsWindow, vs_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_SCANNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void add_folder_now (VsWindow   *self,
                            const char *path);

static VsLibraryModel *
model_of (VsWindow *self)
{
  return vs_library_view_get_model (self->view);
}

static void
show_toast (VsWindow   *self,
            const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, vs_toast_new_plain (text));
}

static void
notify_scanning (VsWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

/* Which page the stack shows follows from the state; one place decides. */
static void
update_page (VsWindow *self)
{
  VsLibraryModel *model = model_of (self);
  gboolean opened = model != NULL;
  guint n = opened ? g_list_model_get_n_items (G_LIST_MODEL (model)) : 0;
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *subtitle = NULL;

  if (vs_library_get_state (self->library) == VS_LIBRARY_STATE_ERROR)
    gtk_stack_set_visible_child_name (self->stack, "error");
  else if (n > 0)
    gtk_stack_set_visible_child_name (self->stack, "grid");
  else if (search[0] != '\0' && opened)
    gtk_stack_set_visible_child_name (self->stack, "no-results");
  else if (!opened || vs_window_get_scanning (self) || vs_library_model_get_busy (model))
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");

  if (opened && n > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u video", "%'u videos", n), n);
  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
}

static void
apply_query (VsWindow *self)
{
  g_autofree char *sort = g_settings_get_string (self->settings, "sort-key");
  VsVideoQuery query = { 0 };

  vs_sort_key_from_string (sort, &query.sort);
  query.descending = g_settings_get_boolean (self->settings, "sort-descending");
  query.search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  query.folder = vs_sidebar_get_folder (self->sidebar);
  query.recursive = vs_sidebar_get_recursive (self->sidebar);
  vs_library_view_set_query (self->view, &query);
}

/* The library's state, shown ------------------------------------------------- */

static void
update_progress (VsWindow *self)
{
  gboolean scanning = vs_library_get_scanning (self->library);
  guint seen = vs_library_get_progress_done (self->library);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->progress_box, scanning);
  gtk_spinner_set_spinning (self->spinner, scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.rescan", !scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-scan", scanning);
  if (scanning && seen > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Scanning… %u video",
                                         "Scanning… %u videos", seen), seen);
  gtk_label_set_label (self->progress_label, text ? text : _("Scanning…"));
}

static const char *
root_status (VsLibraryRoot *root,
             char         **text)
{
  guint minutes = MAX (1, vs_library_root_get_poll_interval (root) / 60);

  switch (vs_library_root_get_state (root))
    {
    case VS_LIBRARY_ROOT_WATCHING:
      return _("Watching for changes");
    case VS_LIBRARY_ROOT_POLLING:
      return *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Checked every minute",
                                                   "Checked every %u minutes", minutes), minutes);
    case VS_LIBRARY_ROOT_UNAVAILABLE:
      return _("Unavailable");
    case VS_LIBRARY_ROOT_SCANNING:
    case VS_LIBRARY_ROOT_STARTING:
    default:
      return NULL;
    }
}

/* The sidebar says how each root is followed (few roots: all of them each time). */
static void
update_root_statuses (VsWindow *self)
{
  GListModel *roots = vs_library_get_roots (self->library);
  guint n = g_list_model_get_n_items (roots);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (roots, i);
      g_autofree char *text = NULL;

      vs_sidebar_set_root_status (self->sidebar, vs_library_root_get_path (root),
                                  root_status (root, &text));
    }
}

static void
on_library_changed (VsWindow *self,
                    guint     what)
{
  update_root_statuses (self);
  if ((what & (VS_LIBRARY_CHANGE_FOLDERS | VS_LIBRARY_CHANGE_ROOTS)) != 0)
    vs_sidebar_reload (self->sidebar);
}

/* Opening and the start-up scan ----------------------------------------------------- */

static gboolean
on_startup_scan (gpointer user_data)
{
  VsWindow *self = user_data;

  self->startup_scan_id = 0;
  vs_library_start (self->library);
  notify_scanning (self);
  return G_SOURCE_REMOVE;
}

static void
stop_waiting_for_paint (VsWindow *self)
{
  /* A disposed clock has dropped its handlers already */
  if (self->paint_clock != NULL &&
      g_signal_handler_is_connected (self->paint_clock, self->paint_id))
    g_signal_handler_disconnect (self->paint_clock, self->paint_id);
  self->paint_id = 0;
  g_clear_object (&self->paint_clock);
}

static void
on_after_paint (GdkFrameClock *clock,
                VsWindow      *self)
{
  guint n;

  /* Painted with the first snapshot of the library in: the grid, or nothing to show */
  if (vs_library_model_get_busy (model_of (self)))
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (model_of (self)));
  stop_waiting_for_paint (self);
  self->startup_scan_id = g_timeout_add (n > 0 ? STARTUP_SCAN_DELAY_MS : 0, on_startup_scan,
                                         self);
}

static void
start_after_first_paint (VsWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL)
    {
      on_startup_scan (self);
      return;
    }
  self->paint_clock = g_object_ref (clock);
  self->paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), self);
}

static VsTextureCache *
borrow_textures (VsWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (VS_IS_APPLICATION (app))
    return g_object_ref (vs_application_get_texture_cache (VS_APPLICATION (app)));
  /* a window on its own (tests): a cache of its own */
  return vs_texture_cache_new (vs_library_get_media (self->library),
                               (gsize) g_settings_get_uint (self->settings,
                                                            "texture-cache-mb") << 20);
}

static void
on_library_ready (VsWindow *self)
{
  g_autoptr(VsTextureCache) textures = NULL;
  int width = 0, height = 0;

  if (vs_library_get_state (self->library) == VS_LIBRARY_STATE_ERROR)
    {
      const GError *error = vs_library_get_error (self->library);

      g_warning ("%s", error->message);
      adw_status_page_set_description (self->error_page, error->message);
      update_page (self);
      return;
    }
  if (vs_library_get_state (self->library) != VS_LIBRARY_STATE_READY ||
      model_of (self) != NULL)
    return;

  textures = borrow_textures (self);
  /* the first frame's columns: the window less the sidebar */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (adw_flap_get_reveal_flap (self->flap) && adw_flap_get_flap (self->flap) != NULL)
    {
      int sidebar = 0;

      gtk_widget_measure (adw_flap_get_flap (self->flap), GTK_ORIENTATION_HORIZONTAL, -1,
                          NULL, &sidebar, NULL, NULL);
      width -= sidebar;
    }
  vs_library_view_set_width_hint (self->view, width);
  vs_library_view_set_library (self->view, self->library, textures);
  g_signal_connect_object (model_of (self), "notify::n-items", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (model_of (self), "notify::busy", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "changed", G_CALLBACK (on_library_changed), self,
                           G_CONNECT_SWAPPED);
  vs_sidebar_set_database (self->sidebar, vs_library_get_reader (self->library));
  update_root_statuses (self);
  apply_query (self);
  update_page (self);

  for (guint i = 0; i < self->pending_folders->len; i++)
    add_folder_now (self, g_ptr_array_index (self->pending_folders, i));
  if (self->pending_folders->len > 0)
    vs_library_start (self->library);
  else
    start_after_first_paint (self);
  g_ptr_array_set_size (self->pending_folders, 0);
}

/* Actions ------------------------------------------------------------------------ */

/* What a scan the user asked for found wrong; TRUE when it went through. */
static gboolean
report_scan (VsWindow     *self,
             GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  VsScanSummary summary = { 0 };

  if (!vs_library_scan_finish (self->library, result, &summary, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return FALSE;
    }
  if (summary.skipped > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u item could not be read",
                                                            "%u items could not be read",
                                                            summary.skipped),
                                               summary.skipped);

      show_toast (self, text);
    }
  return TRUE;
}

static void
on_rescanned (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;

  report_scan (self, result);
}

typedef struct
{
  VsWindow *self;
  char     *folder;
} AddCall;

static void
on_folder_added (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AddCall *call = user_data;
  g_autoptr(VsWindow) self = call->self;
  g_autofree char *folder = call->folder;

  g_free (call);
  if (report_scan (self, result))
    {
      vs_sidebar_reload_selecting (self->sidebar, folder);
      show_toast (self, _("Folder added to the library"));
    }
  self->adding--;
  notify_scanning (self);
  update_page (self);
}

static void
add_folder_now (VsWindow   *self,
                const char *path)
{
  AddCall *call = g_new0 (AddCall, 1);

  call->self = g_object_ref (self);
  call->folder = g_strdup (path);
  self->adding++;
  notify_scanning (self);
  vs_library_add_root_async (self->library, path, self->cancellable, on_folder_added, call);
}

static void
rescan_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);

  vs_library_rescan_async (self->library, NULL, self->cancellable, on_rescanned,
                           g_object_ref (self));
}

static void
cancel_scan_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  vs_library_cancel_scan (VS_WINDOW (widget)->library);
}

static void
on_folder_chosen (GtkNativeDialog *dialog,
                  int              response,
                  VsWindow        *self)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (folder != NULL && (path = g_file_get_path (folder)) != NULL)
    vs_window_add_folder (self, path);
}

static void
add_folder_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  const char *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);
  GtkFileChooserNative *chooser;

  /* A portal dialog under Flatpak; GtkFileDialog arrives only in GTK 4.10. */
  chooser = gtk_file_chooser_native_new (_("Add Folder to Library"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Add"), NULL);
  if (videos != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (videos);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), file, NULL);
    }
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_folder_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);

  if (vs_library_get_state (self->library) != VS_LIBRARY_STATE_READY)
    return;
  gtk_window_present (GTK_WINDOW (vs_preferences_window_new (GTK_WINDOW (self), self->library)));
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);

  gtk_toggle_button_set_active (self->search_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
on_view_toast (VsWindow *self,
               AdwToast *toast)
{
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
}

/* GObject ------------------------------------------------------------------------ */

static gboolean
vs_window_close_request (GtkWindow *window)
{
  VsWindow *self = VS_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  return GTK_WINDOW_CLASS (vs_window_parent_class)->close_request (window);
}

static void
vs_window_constructed (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);
  g_autoptr(GAction) sort_key = NULL;
  g_autoptr(GAction) sort_descending = NULL;

  G_OBJECT_CLASS (vs_window_parent_class)->constructed (object);

  g_assert (VS_IS_LIBRARY (self->library));
  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  sort_key = g_settings_create_action (self->settings, "sort-key");
  sort_descending = g_settings_create_action (self->settings, "sort-descending");
  g_action_map_add_action (G_ACTION_MAP (self), sort_key);
  g_action_map_add_action (G_ACTION_MAP (self), sort_descending);
  g_signal_connect_object (self->settings, "changed::sort-key", G_CALLBACK (apply_query), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::sort-descending", G_CALLBACK (apply_query),
                           self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->library, "notify::scanning", G_CALLBACK (update_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "notify::progress-done", G_CALLBACK (update_progress),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "notify::scanning", G_CALLBACK (notify_scanning), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "notify::scanning", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "notify::state", G_CALLBACK (on_library_ready), self,
                           G_CONNECT_SWAPPED);
  update_progress (self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
}

static void
vs_window_dispose (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->startup_scan_id, g_source_remove);
  stop_waiting_for_paint (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_WINDOW);

  G_OBJECT_CLASS (vs_window_parent_class)->dispose (object);
}

static void
vs_window_finalize (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);

  g_clear_object (&self->library);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_folders, g_ptr_array_unref);

  G_OBJECT_CLASS (vs_window_parent_class)->finalize (object);
}

static void
vs_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VsWindow *self = VS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    case PROP_SCANNING:
      g_value_set_boolean (value, vs_window_get_scanning (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VsWindow *self = VS_WINDOW (object);

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
vs_window_class_init (VsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  const struct {
    const char                  *name;
    GtkWidgetActionActivateFunc  activate;
    guint                        key;
    GdkModifierType              mods;
  } actions[] = {
    { "win.rescan", rescan_action, GDK_KEY_F5, 0 },
    { "win.cancel-scan", cancel_scan_action, 0, 0 },
    { "win.add-folder", add_folder_action, GDK_KEY_o, GDK_CONTROL_MASK },
    { "win.focus-search", focus_search_action, GDK_KEY_f, GDK_CONTROL_MASK },
    { "win.preferences", preferences_action, GDK_KEY_comma, GDK_CONTROL_MASK },
    { "win.toggle-sidebar", toggle_sidebar_action, GDK_KEY_F9, 0 },
  };

  object_class->constructed = vs_window_constructed;
  object_class->dispose = vs_window_dispose;
  object_class->finalize = vs_window_finalize;
  object_class->get_property = vs_window_get_property;
  object_class->set_property = vs_window_set_property;
  window_class->close_request = vs_window_close_request;

  /* the library this window shows (borrowed, shared with other windows) */
  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, VS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCANNING] =
    g_param_spec_boolean ("scanning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VS_TYPE_LIBRARY_VIEW);
  g_type_ensure (VS_TYPE_SIDEBAR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/vs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, view);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, toast_overlay);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      gtk_widget_class_install_action (widget_class, actions[i].name, NULL, actions[i].activate);
      if (actions[i].key != 0)
        gtk_widget_class_add_binding_action (widget_class, actions[i].key, actions[i].mods,
                                             actions[i].name, NULL);
    }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.rescan", NULL);
}

static void
vs_window_init (VsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->pending_folders = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_object (self->view, "toast", G_CALLBACK (on_view_toast), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (apply_query), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "notify::folder", G_CALLBACK (apply_query), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "notify::recursive", G_CALLBACK (apply_query), self,
                           G_CONNECT_SWAPPED);
}

VsWindow *
vs_window_new (GtkApplication *application,
               VsLibrary      *library)
{
  VsWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (VS_IS_LIBRARY (library), NULL);

  self = g_object_new (VS_TYPE_WINDOW,
                       "application", application,
                       "library", library,
                       NULL);
  /* A library already open (a second window) is shown at once, with the application's
   * texture cache, which needs the application set. */
  on_library_ready (self);
  return self;
}

gint64
vs_window_get_video_count (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), -1);
  return model_of (self) ? g_list_model_get_n_items (G_LIST_MODEL (model_of (self))) : 0;
}

gboolean
vs_window_get_scanning (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), FALSE);
  /* the start-up scan waiting for the first paint counts, and folders being added */
  return vs_library_get_scanning (self->library) || self->paint_id != 0 ||
         self->startup_scan_id != 0 || self->adding > 0 || self->pending_folders->len > 0;
}

void
vs_window_add_folder (VsWindow   *self,
                      const char *path)
{
  g_return_if_fail (VS_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (model_of (self) == NULL)
    g_ptr_array_add (self->pending_folders, g_strdup (path));
  else
    add_folder_now (self, path);
}

VsLibraryModel *
vs_window_get_model (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), NULL);
  return model_of (self);
}

VsLibrary *
vs_window_get_library (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), NULL);
  return self->library;
}
