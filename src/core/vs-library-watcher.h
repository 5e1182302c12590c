/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-watcher.h: keeps the index current while the library changes on disk
 *
 * One GFileMonitor per indexed folder (inotify is not recursive). Events only mark their
 * folder dirty; after a quiet spell (the debounce) the dirty folders are rescanned
 * shallowly on one worker thread, so a burst of a thousand files is one rescan. A root
 * whose monitors would exceed the watch budget, or on a network or FUSE mount, is
 * rescanned every poll interval instead; a root that vanishes keeps its rows, marked
 * unavailable, until it comes back.
 */
#pragma once

#include <gio/gio.h>

#include "vs-database.h"
#include "vs-scanner.h"

G_BEGIN_DECLS

typedef enum
{
  VS_ROOT_STATE_STARTING,
  VS_ROOT_STATE_WATCHING,
  VS_ROOT_STATE_POLLING,
  VS_ROOT_STATE_UNAVAILABLE,
} VsRootState;

const char *vs_root_state_to_string (VsRootState state);

#define VS_TYPE_LIBRARY_WATCHER (vs_library_watcher_get_type ())
G_DECLARE_FINAL_TYPE (VsLibraryWatcher, vs_library_watcher, VS, LIBRARY_WATCHER, GObject)

/* @writer: the library's writer connection (shared with scans: transactions serialise). */
VsLibraryWatcher *vs_library_watcher_new            (VsDatabase        *writer);
/* Rescans through @scanner (the library's one scanner; its writer is the watcher's). */
VsLibraryWatcher *vs_library_watcher_new_for_scanner (VsScanner        *scanner);

/* Starts watching @root (absolute; indexed already, or it is scanned first). */
void              vs_library_watcher_add_root       (VsLibraryWatcher  *self,
                                                     const char        *root);
/* Stops watching: monitors and timers go, a running rescan is cancelled (busy until it
 * has returned, leaving the index consistent). */
void              vs_library_watcher_stop           (VsLibraryWatcher  *self);
/* Watches exactly @roots: new ones are added, the others forgotten. */
void              vs_library_watcher_set_roots      (VsLibraryWatcher   *self,
                                                     const char * const *roots);
VsRootState       vs_library_watcher_get_root_state (VsLibraryWatcher  *self,
                                                     const char        *root);
/* The root (owned by the watcher) holding @path while that root is unavailable, or NULL:
 * its videos stay in the index but cannot be opened. */
const char       *vs_library_watcher_get_unavailable_root (VsLibraryWatcher *self,
                                                           const char       *path);
/* Folder monitors plus one per root (which notices the root vanish and return). */
/* The library renamed @old_path itself (and has moved its rows): its folders, now
 * @new_folders, are watched under their new names. */
void              vs_library_watcher_follow_rename (VsLibraryWatcher *self,
                                                    const char       *old_path,
                                                    GPtrArray        *new_folders);
guint             vs_library_watcher_get_n_monitors (VsLibraryWatcher  *self);
/* Folder rescans done so far (a burst's cost, for tests and the benchmark). */
guint             vs_library_watcher_get_n_rescans  (VsLibraryWatcher  *self);
/* TRUE while changes wait for the debounce, a rescan runs or a file is settling. */
gboolean          vs_library_watcher_get_busy       (VsLibraryWatcher  *self);
guint             vs_library_watcher_get_poll_interval (VsLibraryWatcher *self);

G_END_DECLS
