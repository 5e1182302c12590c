/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-window-private.h: what the window's files share */
#pragma once

#include "vs-library-view.h"
#include "vs-sidebar.h"
#include "vs-duplicates-page.h"
#include "vs-stats-page.h"
#include "vs-window.h"

G_BEGIN_DECLS

struct _VsWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  GtkWidget            *header_bar;
  AdwWindowTitle       *window_title;
  AdwFlap              *flap;
  VsSidebar            *sidebar;
  GtkStack             *stack;
  AdwStatusPage        *error_page;
  VsLibraryView        *view;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkToggleButton      *search_button;
  GtkWidget            *merge_all_button;
  GtkWidget            *progress_box;
  GtkSpinner           *spinner;
  GtkLabel             *progress_label;
  AdwToastOverlay      *toast_overlay;
  GtkActionBar         *selection_bar;
  GtkMenuButton        *filter_button;
  GtkWidget            *sort_button;
  GtkWidget            *view_mode_box;
  GtkPopover           *filter_popover;
  GtkFlowBox           *codec_box;
  GtkRevealer          *filter_bar;
  GtkBox               *filter_chips;
  AdwStatusPage        *no_results_page;
  VsStatsPage          *stats_page;
  VsDuplicatesPage     *duplicates_page;
  GtkWidget            *no_results_clear;

  /* owned */
  VsLibrary            *library;
  GSettings            *settings;
  GCancellable         *cancellable;     /* the window's lifetime */
  GPtrArray            *pending_folders; /* asked for (vidshelf FOLDER) until the library opens */
  guint                 adding;          /* folders being added */
  /* the HLS downloads in the selection, counted on a worker (vs-window-actions.c) */
  GCancellable         *hls_count_cancellable;
  guint                 hls_count_id;
  guint                 n_selected_hls;
  /* what the grid shows (vs-window-query.c): the filters (a copy, filters only), and the
   * sort of a view that has its own */
  VsVideoQuery         *filters;
  gboolean              has_view_sort;
  VsSortKey             view_sort;
  gboolean              view_sort_descending;
  VsSidebarView         shown_view;
  GCancellable         *codecs_cancellable;
  /* the query text of the collection shown (vs-window-collections.c), NULL when none */
  char                 *shown_collection;
};

VsLibraryModel *_vs_window_model_of           (VsWindow      *self);
void            _vs_window_show_toast         (VsWindow      *self,
                                               const char    *text);
void            _vs_window_notify_scanning    (VsWindow      *self);
void            _vs_window_update_page        (VsWindow      *self);
void            _vs_window_update_title       (VsWindow      *self);
/* vs-window-actions.c */
void            _vs_window_add_folder_now     (VsWindow      *self,
                                               const char    *path);
void            _vs_window_class_add_actions  (GtkWidgetClass *widget_class);
/* Recounts the selection's HLS downloads (Merge into MP4… is for them), soon. */
void            _vs_window_count_selected_hls (VsWindow      *self);
void            _vs_window_stop_counting_hls  (VsWindow      *self);
/* vs-window-query.c: the sort, the search and the filters */
void            _vs_window_init_query         (VsWindow      *self);
void            _vs_window_finalize_query     (VsWindow      *self);
void            _vs_window_apply_query        (VsWindow      *self);
/* The sort shown: the view's own while it has one, else the setting. */
void            _vs_window_set_sort           (VsWindow      *self,
                                               VsSortKey      key,
                                               gboolean       descending);
/* Replaces the filters, the search and the sort (as the view's own) with @query's; NULL
 * clears them, back to the sort setting. */
void            _vs_window_load_query         (VsWindow      *self,
                                               const VsVideoQuery *query);
/* The query shown (sort, search, filters; no folder): free with g_free(). */
VsVideoQuery   *_vs_window_dup_query          (VsWindow      *self);
/* vs-window-collections.c: Save as Collection, the collection shown, undoing a removal */
void            _vs_window_init_collections   (VsWindow      *self);
void            _vs_window_class_add_collection_actions (GtkWidgetClass *widget_class);
/* A name for a new collection of @query, made of its search and filters. */
char           *_vs_window_collection_name    (const VsVideoQuery *query);
/* vs-window-view.c: the zoom and the grid or list */
void            _vs_window_init_view_settings (VsWindow      *self);
void            _vs_window_class_add_view_actions (GtkWidgetClass *widget_class);

G_END_DECLS
