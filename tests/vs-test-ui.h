/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-test-ui.h: helpers for the tests with a display */
#pragma once

#include <gtk/gtk.h>

#include "vs-video-cell.h"
#include "vs-window.h"

G_BEGIN_DECLS

/* TRUE when @elements (GStreamer, for the fixtures) and GTK's GStreamer backend
 * (libgtk-4-media-gstreamer, without which GtkMediaFile plays nothing) are there; else
 * skips the calling test. */
gboolean vs_test_require_playback (const char *const *elements);

/* A library on @db, opened asynchronously as the application does, and a window on it. */
VsWindow    *vs_test_ui_window_new  (const char *db,
                                     const char *default_folder);
GtkGridView *vs_test_ui_window_grid (VsWindow   *window);

/* Real input events, through X (XTEST, with xdotool), and finding what they reach. */
typedef gboolean (*VsTestUiCondition) (gpointer data);

gboolean     vs_test_ui_have_xdotool     (void);
void         vs_test_ui_spin             (guint              ms);
void         vs_test_ui_wait_for         (VsTestUiCondition  condition,
                                          gpointer           data,
                                          const char        *what);
void         vs_test_ui_xdotool          (const char        *first,
                                          ...) G_GNUC_NULL_TERMINATED;
void         vs_test_ui_pointer_to       (GtkWidget         *widget,
                                          double             x,
                                          double             y);
void         vs_test_ui_wait_still       (GtkWidget         *widget);
void         vs_test_ui_click            (GtkWidget         *widget,
                                          const char        *button);
void         vs_test_ui_collect          (GtkWidget         *widget,
                                          GType              type,
                                          GPtrArray         *found);
VsVideoCell *vs_test_ui_cell_titled      (VsWindow          *window,
                                          const char        *title);
void         vs_test_ui_wait_cell        (VsWindow          *window,
                                          const char        *title,
                                          gboolean           present);
void         vs_test_ui_click_cell       (VsWindow          *window,
                                          const char        *title,
                                          const char        *button);
GtkWidget   *vs_test_ui_sidebar_row      (VsWindow          *window,
                                          const char        *name);
GtkWidget   *vs_test_ui_open_menu        (VsWindow          *window);
gboolean     vs_test_ui_menu_is_open     (gpointer           window);
gboolean     vs_test_ui_menu_is_closed   (gpointer           window);
GtkWidget   *vs_test_ui_menu_item        (GtkWidget         *popover,
                                          const char        *label);
GtkWindow   *vs_test_ui_toplevel_of_type (GType              type);
gboolean     vs_test_ui_settled          (gpointer           window);
/* Waits until @window has settled showing @count videos. */
void         vs_test_ui_wait_count       (VsWindow          *window,
                                          gint64             count);

/* Conditions for vs_test_ui_wait_for(): a player window is open; a Properties window
 * titled @title (a string) is. */
gboolean     vs_test_ui_has_player       (gpointer           unused);
gboolean     vs_test_ui_has_properties   (gpointer           title);
/* Waits until @window's view has @n videos selected. */
void         vs_test_ui_wait_selected    (VsWindow          *window,
                                          guint              n);
/* The header bar's View Options menu button. */
GtkWidget   *vs_test_ui_view_options     (VsWindow          *window);
/* Opens @button's menu with a click, clicks @item in it and waits for it to close; then
 * the pointer goes elsewhere (xdotool's clicks and wheel are lost for a moment where a
 * menu just closed: X11, GTK 4.8). */
void         vs_test_ui_choose_in_menu   (VsWindow          *window,
                                          GtkWidget         *button,
                                          const char        *item);
/* Waits until @window's model lists exactly @order: the titles, first to last, separated
 * by spaces. */
void         vs_test_ui_wait_order       (VsWindow          *window,
                                          const char        *order);
/* Waits until a toast of @window shows @text. */
void         vs_test_ui_wait_toast       (VsWindow          *window,
                                          const char        *text);

G_END_DECLS
