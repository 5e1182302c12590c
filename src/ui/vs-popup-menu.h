/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-popup-menu.h: a context menu that works in GTK 4.8 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Pops up @model's menu at (@x, @y) of @parent, with @parent's actions, and unparents it
 * once closed and its item has run. Returns the popover (owned by @parent). */
GtkWidget *vs_popup_menu_at (GtkWidget  *parent,
                             GMenuModel *model,
                             double      x,
                             double      y);

G_END_DECLS
