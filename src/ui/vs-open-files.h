/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-open-files.h: files handed to the app (command line, drops) sorted into folders and others */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* @is_folder: whether @file is a folder; a missing or unreadable file is not one. */
typedef void (*VsOpenFileFunc) (GFile    *file,
                                gboolean  is_folder,
                                gpointer  user_data);

/* Looks at @files one after another (a stat each, asynchronously: a NAS may be slow, and a
 * drop of a thousand files must not start a thousand queries) and calls @func with each,
 * in order, on the caller's main context; then @notify with @user_data, also when
 * @cancellable stopped it. */
void vs_open_files_each (GFile * const  *files,
                         guint           n_files,
                         GCancellable   *cancellable,
                         VsOpenFileFunc  func,
                         gpointer        user_data,
                         GDestroyNotify  notify);

G_END_DECLS
