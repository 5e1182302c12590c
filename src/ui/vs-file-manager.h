/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-file-manager.h: showing a file in the file manager */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Shows @path (filename encoding) selected in the file manager (FileManager1 ShowItems),
 * or opens its folder when no file manager answers. */
void vs_show_in_file_manager (GtkWindow  *parent,
                              const char *path);

/* The same for several files at once (FileManager1 takes a list); without a file manager
 * on the bus, the folder of the first. */
void vs_show_items_in_file_manager (GtkWindow          *parent,
                                    const char * const *paths);

G_END_DECLS
