/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-window-view.c: how the library window shows its videos: the grid's zoom (Ctrl+plus,
 * Ctrl+minus, Ctrl+0, Ctrl+scroll) and the grid or the list (Ctrl+1, Ctrl+2), both kept in
 * GSettings so that a new window opens as the last one was left */
#define G_LOG_DOMAIN "vs-window"

#include "config.h"

#include "vs-window-private.h"

static void
zoom_by (VsWindow *self,
         int       step)
{
  int zoom = g_settings_get_enum (self->settings, "zoom") + step;

  if (zoom >= VS_ZOOM_SMALL && zoom <= VS_ZOOM_LARGE)
    g_settings_set_enum (self->settings, "zoom", zoom);
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  zoom_by (VS_WINDOW (widget), +1);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  zoom_by (VS_WINDOW (widget), -1);
}

static void
zoom_standard_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  g_settings_reset (VS_WINDOW (widget)->settings, "zoom");
}

/* The setting, shown: the cells' size, and the zoom actions possible from there. */
static void
apply_zoom (VsWindow *self)
{
  VsZoom zoom = (VsZoom) g_settings_get_enum (self->settings, "zoom");
  gboolean grid = vs_library_view_get_mode (self->view) == VS_VIEW_MODE_GRID;

  vs_library_view_set_zoom (self->view, zoom);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-in", grid && zoom < VS_ZOOM_LARGE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-out", grid && zoom > VS_ZOOM_SMALL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-standard",
                                 grid && zoom != VS_ZOOM_MEDIUM);
}

static void
apply_view_mode (VsWindow *self)
{
  vs_library_view_set_mode (self->view,
                            (VsViewMode) g_settings_get_enum (self->settings, "view-mode"));
  /* the zoom is the grid's */
  apply_zoom (self);
}

/* A list header clicked: the sort the sort menu sets too. */
static void
on_sort_clicked (VsWindow *self,
                 guint     key,
                 gboolean  descending)
{
  _vs_window_set_sort (self, (VsSortKey) key, descending);
}

/* Ctrl+1 and Ctrl+2, as in Files; before the focused widget sees them (a focused list
 * row of GTK 4.8 does not let them through to the window's bindings). */
static void
add_view_mode_keys (VsWindow *self)
{
  GtkEventController *keys = gtk_shortcut_controller_new ();
  const struct {
    guint       key;
    guint       kp_key;
    const char *mode;
  } modes[] = {
    { GDK_KEY_1, GDK_KEY_KP_1, "grid" },
    { GDK_KEY_2, GDK_KEY_KP_2, "list" },
  };

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      GtkShortcut *shortcut = gtk_shortcut_new (
        gtk_alternative_trigger_new (gtk_keyval_trigger_new (modes[i].key, GDK_CONTROL_MASK),
                                     gtk_keyval_trigger_new (modes[i].kp_key, GDK_CONTROL_MASK)),
        gtk_named_action_new ("win.view-mode"));

      gtk_shortcut_set_arguments (shortcut, g_variant_new_string (modes[i].mode));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), shortcut);
    }
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

void
_vs_window_init_view_settings (VsWindow *self)
{
  g_autoptr(GAction) view_mode = g_settings_create_action (self->settings, "view-mode");

  g_action_map_add_action (G_ACTION_MAP (self), view_mode);
  g_signal_connect_object (self->settings, "changed::zoom", G_CALLBACK (apply_zoom), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::view-mode", G_CALLBACK (apply_view_mode),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "sort-clicked", G_CALLBACK (on_sort_clicked), self,
                           G_CONNECT_SWAPPED);
  add_view_mode_keys (self);
  apply_view_mode (self);
}

void
_vs_window_class_add_view_actions (GtkWidgetClass *widget_class)
{
  const struct {
    guint       key;
    const char *action;
  } zoom_keys[] = {
    { GDK_KEY_plus, "win.zoom-in" },
    { GDK_KEY_equal, "win.zoom-in" },
    { GDK_KEY_KP_Add, "win.zoom-in" },
    { GDK_KEY_minus, "win.zoom-out" },
    { GDK_KEY_KP_Subtract, "win.zoom-out" },
    { GDK_KEY_0, "win.zoom-standard" },
    { GDK_KEY_KP_0, "win.zoom-standard" },
  };

  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-standard", NULL,
                                   zoom_standard_action);
  for (guint i = 0; i < G_N_ELEMENTS (zoom_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, zoom_keys[i].key, GDK_CONTROL_MASK,
                                         zoom_keys[i].action, NULL);
}
