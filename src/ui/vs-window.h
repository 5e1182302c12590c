/* vs-window.h: the main window */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VS_TYPE_WINDOW (vs_window_get_type ())
G_DECLARE_FINAL_TYPE (VsWindow, vs_window, VS, WINDOW, AdwApplicationWindow)

VsWindow *vs_window_new              (GtkApplication *application,
                                      const char     *database_path,
                                      const char     *default_folder);
gint64    vs_window_get_video_count  (VsWindow *self);
gboolean  vs_window_get_scanning     (VsWindow *self);

G_END_DECLS
