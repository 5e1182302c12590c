/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-popup-menu.c: a context menu that works in GTK 4.8 */
#define G_LOG_DOMAIN "vs-popup-menu"

#include "config.h"

#include "vs-popup-menu.h"

/* GTK 4.8 emits ::closed before the chosen item's action is activated: unparented at
 * once, the popover would lose its parent's actions and the menu would do nothing. */
static gboolean
unparent_popover_idle (gpointer data)
{
  GtkWidget *popover = data;

  if (gtk_widget_get_parent (popover) != NULL)
    gtk_widget_unparent (popover);
  return G_SOURCE_REMOVE;
}

static void
on_popover_closed (GtkWidget *popover)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, unparent_popover_idle, g_object_ref (popover),
                   g_object_unref);
}

GtkWidget *
vs_popup_menu_at (GtkWidget  *parent,
                  GMenuModel *model,
                  double      x,
                  double      y)
{
  GtkWidget *popover;

  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);
  g_return_val_if_fail (G_IS_MENU_MODEL (model), NULL);

  popover = gtk_popover_menu_new_from_model (model);
  gtk_widget_set_parent (popover, parent);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  g_signal_connect (popover, "closed", G_CALLBACK (on_popover_closed), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
  return popover;
}
