/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-window.c: a library window, a view of the application's one VsLibrary: header bar,
 * sidebar, search, status pages and toasts around the grid (VsLibraryView) */
#define G_LOG_DOMAIN "vs-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-application.h"
#include "vs-open-files.h"
#include "vs-toast.h"
#include "vs-player-window.h"
#include "vs-window-private.h"

G_DEFINE_FINAL_TYPE (VsWindow, vs_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_SCANNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

VsLibraryModel *
_vs_window_model_of (VsWindow *self)
{
  return vs_library_view_get_model (self->view);
}

void
_vs_window_show_toast (VsWindow   *self,
                       const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, vs_toast_new_plain (text));
}

void
_vs_window_notify_scanning (VsWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

/* Which page the stack shows follows from the state; one place decides. */
void
_vs_window_update_page (VsWindow *self)
{
  VsLibraryModel *model = _vs_window_model_of (self);
  gboolean opened = model != NULL;
  guint n = opened ? g_list_model_get_n_items (G_LIST_MODEL (model)) : 0;
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *subtitle = NULL;
  VsSidebarView view = vs_sidebar_get_view (self->sidebar);
  /* the pages that are not a grid */
  gboolean statistics = view == VS_SIDEBAR_VIEW_STATISTICS || view == VS_SIDEBAR_VIEW_DUPLICATES;

  /* the grid's own controls mean nothing over the figures */
  gtk_widget_set_visible (GTK_WIDGET (self->filter_button), !statistics);
  gtk_widget_set_visible (self->sort_button, !statistics);
  gtk_widget_set_visible (self->view_mode_box, !statistics);
  gtk_revealer_set_reveal_child (self->filter_bar,
                                 !statistics && vs_video_query_has_filters (self->filters));
  if (vs_library_get_state (self->library) == VS_LIBRARY_STATE_ERROR)
    gtk_stack_set_visible_child_name (self->stack, "error");
  else if (statistics)
    gtk_stack_set_visible_child_name (self->stack, view == VS_SIDEBAR_VIEW_DUPLICATES
                                                   ? "duplicates" : "statistics");
  else if (n > 0)
    gtk_stack_set_visible_child_name (self->stack, "grid");
  else if (opened && (search[0] != '\0' || vs_video_query_has_filters (self->filters)))
    {
      gboolean filtered = vs_video_query_has_filters (self->filters);

      adw_status_page_set_description (self->no_results_page,
                                       !filtered
                                       ? _("No video or folder name contains all of these words.")
                                       : search[0] != '\0'
                                       ? _("No video matches these filters and words.")
                                       : _("No video matches these filters."));
      gtk_widget_set_visible (self->no_results_clear, filtered);
      gtk_stack_set_visible_child_name (self->stack, "no-results");
    }
  else if (!opened || vs_window_get_scanning (self) || vs_library_model_get_busy (model))
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");

  if (opened && n > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u video", "%'u videos", n), n);
  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
}

/* The name of what the grid shows: the folder, or the fixed row. */
static char *
shown_name (VsWindow *self)
{
  const char *folder = vs_sidebar_get_folder (self->sidebar);

  if (folder != NULL)
    return g_filename_display_basename (folder);
  switch (vs_sidebar_get_view (self->sidebar))
    {
    case VS_SIDEBAR_VIEW_HLS:
      return g_strdup (_("HLS Downloads"));
    case VS_SIDEBAR_VIEW_CONTINUE:
      return g_strdup (_("Continue Watching"));
    case VS_SIDEBAR_VIEW_RECENT:
      return g_strdup (_("Recently Played"));
    case VS_SIDEBAR_VIEW_COLLECTION:
      return g_strdup (vs_sidebar_get_collection_name (self->sidebar));
    case VS_SIDEBAR_VIEW_STATISTICS:
      return g_strdup (_("Statistics"));
    case VS_SIDEBAR_VIEW_DUPLICATES:
      return g_strdup (_("Duplicates"));
    case VS_SIDEBAR_VIEW_FOLDER:
    default:
      return g_strdup (_("All Videos"));
    }
}

/* The title names what the grid shows (the folder, All Videos, a fixed row) or, while
 * several videos are selected, how many; the selection's actions show with them. */
void
_vs_window_update_title (VsWindow *self)
{
  guint n = vs_library_view_get_n_selected (self->view);
  g_autofree char *name = shown_name (self);
  g_autofree char *window_title = NULL;

  /* Translators: the window's title: the folder shown, then the app */
  window_title = g_strdup_printf (C_("window title", "%s — Vidshelf"), name);
  gtk_window_set_title (GTK_WINDOW (self), window_title);
  if (n >= 2)
    {
      g_autofree char *selected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u selected",
                                                                "%'u selected", n), n);

      adw_window_title_set_title (self->window_title, selected);
    }
  else
    adw_window_title_set_title (self->window_title, name);
  gtk_action_bar_set_revealed (self->selection_bar, n >= 2);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-paths", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-selected", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.trash-selected", n > 0);
  _vs_window_count_selected_hls (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.select-none", n > 0);
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

/* Opening ------------------------------------------------------------------------ */

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
      _vs_window_update_page (self);
      return;
    }
  if (!vs_library_get_readable (self->library) || _vs_window_model_of (self) != NULL)
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
  g_signal_connect_object (_vs_window_model_of (self), "notify::n-items",
                           G_CALLBACK (_vs_window_update_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (_vs_window_model_of (self), "notify::busy",
                           G_CALLBACK (_vs_window_update_page), self, G_CONNECT_SWAPPED);
  vs_sidebar_set_library (self->sidebar, self->library);
  vs_stats_page_set_library (self->stats_page, self->library);
  vs_duplicates_page_set_library (self->duplicates_page, self->library, textures, self->settings);
  _vs_window_apply_query (self);
  _vs_window_update_page (self);

  for (guint i = 0; i < self->pending_folders->len; i++)
    _vs_window_add_folder_now (self, g_ptr_array_index (self->pending_folders, i));
  /* folders to add: the rescan of the roots follows at once (else after the first paint) */
  if (self->pending_folders->len > 0)
    vs_library_start (self->library);
  g_ptr_array_set_size (self->pending_folders, 0);
}

static void
on_view_toast (VsWindow *self,
               AdwToast *toast)
{
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
}

/* Dropping files on the window: a folder joins the library, a file plays (as `vidshelf
 * FILE` does). Videos dragged from this window's own grid are not taken back. */
static void
open_dropped (GFile    *file,
              gboolean  is_folder,
              gpointer  user_data)
{
  VsWindow *self = user_data;
  g_autofree char *path = g_file_get_path (file);
  VsPlayerWindow *player;

  if (gtk_widget_get_root (GTK_WIDGET (self)) == NULL || path == NULL)
    return;
  if (is_folder)
    {
      vs_window_add_folder (self, path);
      return;
    }
  /* a missing or unreadable file too: the player says what is wrong */
  player = vs_player_window_get_default (gtk_window_get_application (GTK_WINDOW (self)),
                                         self->library);
  vs_player_window_play_file (player, file);
  gtk_window_present (GTK_WINDOW (player));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         VsWindow      *self)
{
  GdkDrop *drop = gtk_drop_target_get_current_drop (target);
  g_autoptr(GPtrArray) dropped = NULL;
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) ||
      (drop != NULL && gdk_drop_get_drag (drop) != NULL &&
       g_object_get_data (G_OBJECT (gdk_drop_get_drag (drop)), "vs-from-grid") != NULL))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  dropped = g_ptr_array_new ();
  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (dropped, l->data);
  g_slist_free (files);
  if (dropped->len == 0)
    return FALSE;
  vs_open_files_each ((GFile * const *) dropped->pdata, dropped->len, self->cancellable,
                      open_dropped, g_object_ref (self), g_object_unref);
  return TRUE;
}

/* Tab moves between the header bar, the sidebar and the grid, as in Files: GtkGridView
 * of GTK 4.8 walks its cells one Tab at a time (its tab-behavior comes in 4.12), and the
 * sidebar's GtkListView its folders. Arrow keys still move between cells and folders; the
 * Include Subfolders switch is reached with Shift+Tab from the grid. */
static gboolean
on_tab_pressed (VsWindow              *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *grid = vs_library_view_get_items (self->view);
  GtkWidget *list;
  gboolean backward;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || focus == NULL)
    return FALSE;
  backward = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0;
  if (focus == grid || gtk_widget_is_ancestor (focus, grid))
    {
      if (backward && adw_flap_get_reveal_flap (self->flap) &&
          gtk_widget_child_focus (GTK_WIDGET (self->sidebar), GTK_DIR_TAB_BACKWARD))
        return TRUE;
      return gtk_widget_child_focus (self->header_bar,
                                     backward ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD);
    }
  list = gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_VIEW);
  if (list == NULL || !gtk_widget_is_ancestor (list, GTK_WIDGET (self->sidebar)))
    return FALSE;
  if (backward)
    return gtk_widget_child_focus (self->header_bar, GTK_DIR_TAB_BACKWARD);
  return gtk_widget_child_focus (GTK_WIDGET (self->stack), GTK_DIR_TAB_FORWARD);
}

/* GObject ------------------------------------------------------------------------ */

static gboolean
vs_window_close_request (GtkWindow *window)
{
  vs_window_save_state (VS_WINDOW (window));
  return GTK_WINDOW_CLASS (vs_window_parent_class)->close_request (window);
}

static void
vs_window_constructed (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);

  G_OBJECT_CLASS (vs_window_parent_class)->constructed (object);

  g_assert (VS_IS_LIBRARY (self->library));
  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  _vs_window_init_query (self);

  g_signal_connect_object (self->library, "notify::scanning", G_CALLBACK (update_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "notify::progress-done", G_CALLBACK (update_progress),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "notify::scanning",
                           G_CALLBACK (_vs_window_notify_scanning), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "notify::scanning",
                           G_CALLBACK (_vs_window_update_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "notify::state", G_CALLBACK (on_library_ready), self,
                           G_CONNECT_SWAPPED);
  /* the grid fills from a current index while the library still checks it */
  g_signal_connect_object (self->library, "notify::readable", G_CALLBACK (on_library_ready),
                           self, G_CONNECT_SWAPPED);
  _vs_window_init_view_settings (self);
  update_progress (self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
}

/* The window's actions made by g_settings_create_action() */
static const char * const settings_actions[] = { "view-mode" };

static void
vs_window_dispose (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  _vs_window_stop_counting_hls (self);
  /* A settings action can outlive the window's action group (a menu still holds it), and
   * GLib disconnects the group from an action only on removal: one change of the setting
   * from another window would then reach the freed group. */
  for (guint i = 0; i < G_N_ELEMENTS (settings_actions); i++)
    g_action_map_remove_action (G_ACTION_MAP (self), settings_actions[i]);
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
  _vs_window_finalize_query (self);
  g_clear_pointer (&self->shown_collection, g_free);

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
  g_type_ensure (VS_TYPE_STATS_PAGE);
  g_type_ensure (VS_TYPE_DUPLICATES_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/vs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VsWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, merge_all_button);
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
  gtk_widget_class_bind_template_child (widget_class, VsWindow, selection_bar);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, filter_button);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, sort_button);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, view_mode_box);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, filter_popover);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, codec_box);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, filter_chips);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, stats_page);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, duplicates_page);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, no_results_clear);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.show-filters",
                                       NULL);
  _vs_window_class_add_actions (widget_class);
  _vs_window_class_add_view_actions (widget_class);
  _vs_window_class_add_collection_actions (widget_class);
}

static void
vs_window_init (VsWindow *self)
{
  GtkEventController *key;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->pending_folders = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_object (self->view, "toast", G_CALLBACK (on_view_toast), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->duplicates_page, "toast", G_CALLBACK (on_view_toast), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "error", G_CALLBACK (_vs_window_show_toast), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "notify::starting",
                           G_CALLBACK (_vs_window_notify_scanning), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "notify::starting",
                           G_CALLBACK (_vs_window_update_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (_vs_window_apply_query), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "notify::n-selected",
                           G_CALLBACK (_vs_window_update_title), self, G_CONNECT_SWAPPED);
  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect_object (key, "key-pressed", G_CALLBACK (on_tab_pressed), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  g_signal_connect_object (self->sidebar, "notify::folder", G_CALLBACK (_vs_window_apply_query), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "notify::view", G_CALLBACK (_vs_window_apply_query), self,
                           G_CONNECT_SWAPPED);
  /* Statistics is a page of its own, not a grid: the page follows the view at once */
  g_signal_connect_object (self->sidebar, "notify::view", G_CALLBACK (_vs_window_update_page),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "notify::recursive", G_CALLBACK (_vs_window_apply_query), self,
                           G_CONNECT_SWAPPED);
  /* entering a collection loads its query, leaving it clears that */
  _vs_window_init_collections (self);
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
  VsLibraryModel *model;

  g_return_val_if_fail (VS_IS_WINDOW (self), -1);
  model = _vs_window_model_of (self);
  return model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (model)) : 0;
}

gboolean
vs_window_get_scanning (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), FALSE);
  /* the start-up scan waiting for the first paint counts, and folders being added */
  return vs_library_get_scanning (self->library) || vs_library_view_get_starting (self->view) ||
         self->adding > 0 || self->pending_folders->len > 0;
}

void
vs_window_add_folder (VsWindow   *self,
                      const char *path)
{
  g_return_if_fail (VS_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (_vs_window_model_of (self) == NULL)
    g_ptr_array_add (self->pending_folders, g_strdup (path));
  else
    _vs_window_add_folder_now (self, path);
}

VsLibraryModel *
vs_window_get_model (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), NULL);
  return _vs_window_model_of (self);
}

/* Its size and maximised state, for the next start: on close, and on Quit, which closes
 * no window. */
void
vs_window_save_state (VsWindow *self)
{
  GtkWindow *window = GTK_WINDOW (self);
  int width, height;

  g_return_if_fail (VS_IS_WINDOW (self));

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

VsLibrary *
vs_window_get_library (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), NULL);
  return self->library;
}
