/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-window-actions.c: the library window's actions (rescan, add a folder, search,
 * preferences, the sidebar) */
#define G_LOG_DOMAIN "vs-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-merge-all-dialog.h"
#include "vs-preferences-window.h"
#include "vs-window-private.h"

/* What a scan the user asked for found wrong; TRUE when it went through. */
static gboolean
report_scan (VsWindow      *self,
             GAsyncResult  *result,
             VsScanSummary *out_summary)
{
  g_autoptr(GError) error = NULL;
  VsScanSummary summary = { 0 };

  if (!vs_library_scan_finish (self->library, result, &summary, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _vs_window_show_toast (self, error->message);
      return FALSE;
    }
  if (summary.skipped > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u item could not be read",
                                                            "%u items could not be read",
                                                            summary.skipped),
                                               summary.skipped);

      _vs_window_show_toast (self, text);
    }
  if (out_summary != NULL)
    *out_summary = summary;
  return TRUE;
}

static void
on_rescanned (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;

  report_scan (self, result, NULL);
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
  VsScanSummary summary = { 0 };

  g_free (call);
  if (report_scan (self, result, &summary))
    {
      g_autofree char *name = g_filename_display_basename (folder);
      guint n = (guint) MAX (summary.total, 0);
      g_autofree char *text = NULL;

      /* Translators: a toast once a folder is added; %s is its name */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s added: %u video",
                                           "%s added: %u videos", n), name, n);
      vs_sidebar_reload_selecting (self->sidebar, folder);
      _vs_window_show_toast (self, text);
    }
  self->adding--;
  _vs_window_notify_scanning (self);
  _vs_window_update_page (self);
}

void
_vs_window_add_folder_now (VsWindow   *self,
                const char *path)
{
  AddCall *call = g_new0 (AddCall, 1);

  call->self = g_object_ref (self);
  call->folder = g_strdup (path);
  self->adding++;
  _vs_window_notify_scanning (self);
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
merge_all_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  VsMergeAllDialog *dialog;

  if (self->library == NULL)
    return;
  dialog = vs_merge_all_dialog_new (GTK_WINDOW (self), self->library);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  vs_library_view_select_all (VS_WINDOW (widget)->view);
}

static void
select_none_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  vs_library_view_select_none (VS_WINDOW (widget)->view);
}

static void
copy_paths_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  vs_library_view_copy_selected_paths (VS_WINDOW (widget)->view);
}

static void
trash_selected_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  vs_library_view_trash_selected (VS_WINDOW (widget)->view);
}

/* Merge into MP4… is for a selection holding HLS downloads: they are counted among its
 * ids by the index on a worker (a selection may be the whole library), a moment after the
 * selection last changed. */
#define HLS_COUNT_DELAY_MS 150

static void
on_selected_hls_counted (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 n = vs_library_count_hls_finish (VS_LIBRARY (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->n_selected_hls = (guint) CLAMP (n, 0, G_MAXUINT);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.merge-selected",
                                 self->n_selected_hls > 0);
}

static gboolean
count_selected_hls (gpointer user_data)
{
  VsWindow *self = user_data;
  g_autoptr(GArray) ids = vs_library_view_dup_selected_ids (self->view);

  self->hls_count_id = 0;
  g_clear_object (&self->hls_count_cancellable);
  self->hls_count_cancellable = g_cancellable_new ();
  vs_library_count_hls_async (self->library, ids, self->hls_count_cancellable,
                              on_selected_hls_counted, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

void
_vs_window_stop_counting_hls (VsWindow *self)
{
  g_clear_handle_id (&self->hls_count_id, g_source_remove);
  g_cancellable_cancel (self->hls_count_cancellable);
  g_clear_object (&self->hls_count_cancellable);
}

void
_vs_window_count_selected_hls (VsWindow *self)
{
  _vs_window_stop_counting_hls (self);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  if (self->library == NULL || vs_library_view_get_n_selected (self->view) == 0)
    {
      self->n_selected_hls = 0;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.merge-selected", FALSE);
      return;
    }
  self->hls_count_id = g_timeout_add (HLS_COUNT_DELAY_MS, count_selected_hls, self);
}

static void
merge_selected_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  g_autoptr(GArray) ids = NULL;
  VsMergeAllDialog *dialog;

  if (self->library == NULL || self->n_selected_hls == 0)
    return;
  ids = vs_library_view_dup_selected_ids (self->view);
  dialog = vs_merge_all_dialog_new_for_ids (GTK_WINDOW (self), self->library, ids,
                                            self->n_selected_hls);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
mark_selected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  vs_library_view_mark_selected (VS_WINDOW (widget)->view,
                                 g_str_equal (action_name, "win.mark-selected-watched"));
}

static void
show_selected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  vs_library_view_show_selected (VS_WINDOW (widget)->view);
}

void
_vs_window_class_add_actions (GtkWidgetClass *widget_class)
{
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
    { "win.merge-all", merge_all_action, 0, 0 },
    { "win.select-all", select_all_action, 0, 0 },
    { "win.select-none", select_none_action, 0, 0 },
    { "win.copy-paths", copy_paths_action, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK },
    { "win.show-selected", show_selected_action, 0, 0 },
    { "win.trash-selected", trash_selected_action, 0, 0 },
    { "win.merge-selected", merge_selected_action, 0, 0 },
    { "win.mark-selected-watched", mark_selected_action, 0, 0 },
    { "win.mark-selected-unwatched", mark_selected_action, 0, 0 },
  };

  /* also Ctrl+R, as in Files; first, since menus show an action's last binding (F5, as
   * the shortcuts window and the button's tooltip say) */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.rescan", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      gtk_widget_class_install_action (widget_class, actions[i].name, NULL, actions[i].activate);
      if (actions[i].key != 0)
        gtk_widget_class_add_binding_action (widget_class, actions[i].key, actions[i].mods,
                                             actions[i].name, NULL);
    }
}
