/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-duplicates-page.h: the Duplicates page: the library's groups of copies side by side,
 * the copy to keep by a rule, the others to the trash with one undo */
#pragma once

#include <gtk/gtk.h>

#include "vs-duplicate-keep.h"
#include "vs-library.h"
#include "vs-texture-cache.h"

G_BEGIN_DECLS

#define VS_TYPE_DUPLICATES_PAGE (vs_duplicates_page_get_type ())
G_DECLARE_FINAL_TYPE (VsDuplicatesPage, vs_duplicates_page, VS, DUPLICATES_PAGE, GtkWidget)

GtkWidget  *vs_duplicates_page_new         (void);
/* Finds and lists @library's duplicates when the page is shown (and after the library
 * changes while it is); thumbnails from @textures; the sensitivity and the keep rule are
 * read from and saved to @settings. Toasts go out through ::toast. */
void        vs_duplicates_page_set_library (VsDuplicatesPage *self,
                                            VsLibrary        *library,
                                            VsTextureCache   *textures,
                                            GSettings        *settings);
/* The groups shown (VsDuplicateItem). */
GListModel *vs_duplicates_page_get_groups  (VsDuplicatesPage *self);
/* For tests: the stack's page ("progress", "unfingerprinted", "empty", "groups"), how many
 * lists were shown, the header's widgets. */
const char *vs_duplicates_page_get_shown   (VsDuplicatesPage *self);
guint       vs_duplicates_page_get_n_lists (VsDuplicatesPage *self);
GtkWidget  *vs_duplicates_page_get_sensitivity_dropdown (VsDuplicatesPage *self);
GtkWidget  *vs_duplicates_page_get_keep_dropdown        (VsDuplicatesPage *self);
GtkWidget  *vs_duplicates_page_get_trash_all_button     (VsDuplicatesPage *self);
const char *vs_duplicates_page_get_progress_text        (VsDuplicatesPage *self);

G_END_DECLS
