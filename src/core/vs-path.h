/* vs-path.h: file name and path tests shared by the scanner, the playlist reader, the
 * merger and the front ends */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether @path is @folder or lies below it, comparing the strings only (no symlink is
 * followed). A trailing '/' on @folder is ignored; "/" holds every absolute path. */
gboolean vs_path_is_inside          (const char *path,
                                     const char *folder);
/* Whether @name ends with @suffix, ASCII letters compared without case. */
gboolean vs_path_has_suffix_nocase  (const char *name,
                                     const char *suffix);

G_END_DECLS
