/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-window-query-stub.c: a stand-in for the lead's vs-window-query.c (the filters, their
 * chips and the view's own sort), which is not on main yet
 *
 * DROP THIS FILE (and its line in meson.build) WHEN MERGING vs-window-query.c: it defines
 * the same two functions. This one knows only the search; the filters and the sort of a
 * query are not shown (the window has neither yet).
 */
#define G_LOG_DOMAIN "vs-window"

#include "config.h"

#include "vs-window-private.h"

void
_vs_window_load_query (VsWindow           *self,
                       const VsVideoQuery *query)
{
  const char *search = query != NULL && query->search != NULL ? query->search : "";
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  g_return_if_fail (VS_IS_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), search);
  /* the bar shows the search; the keyboard stays where it was (a sidebar row, whose
   * Delete and F2 are the collection's), not in the entry the bar focuses */
  if (focus != NULL)
    g_object_add_weak_pointer (G_OBJECT (focus), (gpointer *) &focus);
  gtk_search_bar_set_search_mode (self->search_bar, search[0] != '\0');
  if (focus != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (focus), (gpointer *) &focus);
      gtk_widget_grab_focus (focus);
    }
}

VsVideoQuery *
_vs_window_dup_query (VsWindow *self)
{
  g_autofree char *sort = NULL;
  VsVideoQuery query = { 0 };

  g_return_val_if_fail (VS_IS_WINDOW (self), NULL);

  sort = g_settings_get_string (self->settings, "sort-key");
  vs_sort_key_from_string (sort, &query.sort);
  query.descending = g_settings_get_boolean (self->settings, "sort-descending");
  query.search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  return vs_video_query_copy (&query);
}
