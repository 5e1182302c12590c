/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-path.h: file name and path tests shared by the scanner, the playlist reader, the
 * merger and the front ends */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Whether @path is @folder or lies below it, comparing the strings only (no symlink is
 * followed). A trailing '/' on @folder is ignored; "/" holds every absolute path. */
/* vs_path_is_inside() as a GHRFunc over a table keyed by paths: @folder is the user data. */
gboolean vs_path_key_is_inside      (gpointer    key,
                                     gpointer    value,
                                     gpointer    folder);
gboolean vs_path_is_inside          (const char *path,
                                     const char *folder);
/* Whether @name is an HLS playlist's (.m3u8 or .m3u, any case). */
gboolean vs_path_is_playlist_name   (const char *name);
/* Whether @name ends with @suffix, ASCII letters compared without case. */
gboolean vs_path_has_suffix_nocase  (const char *name,
                                     const char *suffix);
/* Opens @path (filename encoding) for reading media: never blocks in open() (a FIFO, a
 * device), and refuses anything but a regular file with G_IO_ERROR_NOT_REGULAR_FILE. The
 * descriptor is close-on-exec and blocking again, for ordinary reads. On failure, -1 with
 * @error set, and errno tells why (EINVAL for a file that is not regular). */
int      vs_path_open_regular       (const char  *path,
                                     GError     **error);

G_END_DECLS
