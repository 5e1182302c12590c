/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-root.h: one folder of the library and how it is followed */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  VS_LIBRARY_ROOT_STARTING,     /* not scanned or watched yet */
  VS_LIBRARY_ROOT_SCANNING,
  VS_LIBRARY_ROOT_WATCHING,     /* file monitors */
  VS_LIBRARY_ROOT_POLLING,      /* rescanned every poll interval */
  VS_LIBRARY_ROOT_UNAVAILABLE,  /* gone or unmounted: its videos stay, dimmed */
} VsLibraryRootState;

#define VS_TYPE_LIBRARY_ROOT (vs_library_root_get_type ())

G_DECLARE_FINAL_TYPE (VsLibraryRoot, vs_library_root, VS, LIBRARY_ROOT, GObject)

VsLibraryRoot      *vs_library_root_new               (const char         *path);
const char         *vs_library_root_get_path          (VsLibraryRoot      *self);
/* The folder's name for people (UTF-8). */
const char         *vs_library_root_get_display_name  (VsLibraryRoot      *self);
VsLibraryRootState  vs_library_root_get_state         (VsLibraryRoot      *self);
void                vs_library_root_set_state         (VsLibraryRoot      *self,
                                                       VsLibraryRootState  state);
/* Seconds between two rescans while polling. */
guint               vs_library_root_get_poll_interval (VsLibraryRoot      *self);
void                vs_library_root_set_poll_interval (VsLibraryRoot      *self,
                                                       guint               seconds);
/* Videos indexed under the root; -1 until counted. */
gint64              vs_library_root_get_n_videos      (VsLibraryRoot      *self);
void                vs_library_root_set_n_videos      (VsLibraryRoot      *self,
                                                       gint64              n_videos);
/* Whether its thumbnails are shared (.sh_thumbnails beside its videos). */
gboolean            vs_library_root_get_share_previews (VsLibraryRoot    *self);
void                vs_library_root_set_share_previews (VsLibraryRoot    *self,
                                                        gboolean          share);

G_END_DECLS
