/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-folder-monitors.h: folder monitors on a thread of their own, events on the caller's */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VS_TYPE_FOLDER_MONITORS (vs_folder_monitors_get_type ())
G_DECLARE_FINAL_TYPE (VsFolderMonitors, vs_folder_monitors, VS, FOLDER_MONITORS, GObject)

/* Events come on the thread-default main context of the caller, in batches; a GFileMonitor
 * attaches a GSource to its context, and thousands of them there made every iteration of
 * the UI's main loop slower. @rate_limit_ms: as g_file_monitor_set_rate_limit(). */
VsFolderMonitors *vs_folder_monitors_new    (guint              rate_limit_ms);
/* Watches each folder of @paths (moves reported as renames), in order, and stops at the
 * first that cannot be watched (@error says why). Folders already watched count as done.
 * Returns: how many of @paths are watched. */
guint             vs_folder_monitors_add    (VsFolderMonitors  *self,
                                             const char *const *paths,
                                             guint              n_paths,
                                             GError           **error);
/* Stops watching @folder and every folder below it, in one call to the monitors' thread;
 * events of them already on their way are still delivered. */
void              vs_folder_monitors_remove_under (VsFolderMonitors *self,
                                                   const char       *folder);
void              vs_folder_monitors_remove_all (VsFolderMonitors *self);
/* Folders watched, as the monitors' thread last counted them. */
guint             vs_folder_monitors_get_n  (VsFolderMonitors  *self);

G_END_DECLS
