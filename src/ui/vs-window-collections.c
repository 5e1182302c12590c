/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-window-collections.c: saved collections in the window — Save as Collection, showing
 * the one selected in the sidebar, and undoing a removal
 *
 * A collection is a query (its filters, search and sort) with a name. Selecting one in the
 * sidebar loads its query into the window (_vs_window_load_query()); leaving it for
 * another row clears what it loaded. Saving takes the query shown (_vs_window_dup_query()).
 */
#define G_LOG_DOMAIN "vs-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vs-collection-popover.h"
#include "vs-toast.h"
#include "vs-window-private.h"

/* A name made of the search and the filters ("beach · 1080p · H.264"), for the user to
 * keep or change. */
char *
_vs_window_collection_name (const VsVideoQuery *q)
{
  static const char * const watched[] = {
    [VS_WATCHED_FILTER_WATCHED] = NC_("collection name", "Watched"),
    [VS_WATCHED_FILTER_UNWATCHED] = NC_("collection name", "Unwatched"),
    [VS_WATCHED_FILTER_IN_PROGRESS] = NC_("collection name", "In Progress"),
    [VS_WATCHED_FILTER_PLAYED] = NC_("collection name", "Played"),
  };
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;

  g_return_val_if_fail (q != NULL, NULL);

  if (q->search != NULL)
    {
      char *words = g_strstrip (g_strdup (q->search));

      if (words[0] != '\0')
        g_ptr_array_add (parts, words);
      else
        g_free (words);
    }
  if (q->min_height > 0 && q->max_height > 0)
    g_ptr_array_add (parts, g_strdup_printf ("%dp–%dp", q->min_height, q->max_height));
  else if (q->min_height > 0)
    g_ptr_array_add (parts, g_strdup_printf ("%dp", q->min_height));
  else if (q->max_height > 0)
    g_ptr_array_add (parts, g_strdup_printf ("≤ %dp", q->max_height));
  /* "H.264 (High Profile)": its first word is enough */
  if (q->video_codec != NULL && q->video_codec[0] != '\0')
    g_ptr_array_add (parts, g_strndup (q->video_codec, strcspn (q->video_codec, " (")));
  if (q->hls_only || q->kind == VS_KIND_FILTER_HLS)
    g_ptr_array_add (parts, g_strdup (C_("collection name", "HLS")));
  else if (q->kind == VS_KIND_FILTER_FILE)
    g_ptr_array_add (parts, g_strdup (C_("collection name", "Files")));
  if (q->watched > 0 && q->watched < G_N_ELEMENTS (watched))
    g_ptr_array_add (parts, g_strdup (g_dpgettext2 (GETTEXT_PACKAGE, "collection name",
                                                    watched[q->watched])));
  if (q->problem == VS_PROBLEM_FILTER_BROKEN)
    g_ptr_array_add (parts, g_strdup (C_("collection name", "Broken")));
  else if (q->problem == VS_PROBLEM_FILTER_UNPROBED)
    g_ptr_array_add (parts, g_strdup (C_("collection name", "Not Probed")));
  if (parts->len == 0)
    return g_strdup (_("New Collection"));
  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv (" · ", (char **) parts->pdata);
  /* a pasted paragraph of a search: cut to what a name may hold */
  return g_utf8_substring (joined, 0, MIN (g_utf8_strlen (joined, -1), VS_COLLECTION_NAME_MAX));
}

static void
on_saved (VsWindow *self,
          gint64    id)
{
  /* the sidebar has its row already (::collections-changed came first) */
  vs_sidebar_select_collection (self->sidebar, id);
}

static void
save_collection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  g_autofree VsVideoQuery *query = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  GtkWidget *popover;
  GdkRectangle top;

  if (self->library == NULL || !vs_library_get_readable (self->library))
    return;
  query = _vs_window_dup_query (self);
  text = vs_video_query_to_string (query);
  name = _vs_window_collection_name (query);
  popover = vs_collection_popover_new_save (self->library, text, name);
  g_signal_connect_object (popover, "saved", G_CALLBACK (on_saved), self, G_CONNECT_SWAPPED);
  /* under the header bar, over what is to be saved */
  top = (GdkRectangle) { gtk_widget_get_width (GTK_WIDGET (self->view)) / 2, 0, 1, 1 };
  vs_collection_popover_popup_at (VS_COLLECTION_POPOVER (popover), GTK_WIDGET (self->view),
                                  &top);
}

/* The sidebar selected a collection, another row, or the selected collection changed. */
static void
on_collection_selected (VsWindow *self)
{
  const char *text = NULL;
  gboolean had;

  if (vs_sidebar_get_view (self->sidebar) == VS_SIDEBAR_VIEW_COLLECTION)
    text = vs_sidebar_get_collection_query (self->sidebar);
  /* renamed: its name only */
  if (g_strcmp0 (text, self->shown_collection) == 0)
    {
      _vs_window_update_title (self);
      return;
    }
  had = self->shown_collection != NULL;
  g_free (self->shown_collection);
  self->shown_collection = g_strdup (text);
  if (text != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree VsVideoQuery *query = vs_video_query_new_from_string (text, &error);

      /* the index checked it when it was saved: only a newer Vidshelf's could fail */
      if (query == NULL)
        g_warning ("Cannot show collection %" G_GINT64_FORMAT ": %s",
                   vs_sidebar_get_collection_id (self->sidebar), error->message);
      _vs_window_load_query (self, query);
    }
  else if (had)
    _vs_window_load_query (self, NULL);
  _vs_window_update_title (self);
}

static void
on_restored (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (vs_library_add_collection_finish (VS_LIBRARY (object), result, &error) == 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: the reason follows */
      g_autofree char *text = g_strdup_printf (_("Could not restore the collection: %s"),
                                               error->message);

      _vs_window_show_toast (self, text);
    }
}

static void
on_undo_remove (AdwToast *toast,
                VsWindow *self)
{
  const VsCollection *collection = g_object_get_data (G_OBJECT (toast), "vs-collection");
  guint position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toast), "vs-position"));

  /* back where it was, under a new id */
  vs_library_add_collection_async (self->library, collection->name, collection->query,
                                   (int) position, self->cancellable, on_restored,
                                   g_object_ref (self));
}

static void
on_collection_removed (VsWindow           *self,
                       const VsCollection *collection,
                       guint               position)
{
  /* Translators: a collection's name; no video is touched */
  g_autofree char *text = g_strdup_printf (_("Collection “%s” removed"), collection->name);
  AdwToast *toast = vs_toast_new_plain (text);

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "vs-collection", vs_collection_copy (collection),
                          (GDestroyNotify) vs_collection_free);
  g_object_set_data (G_OBJECT (toast), "vs-position", GUINT_TO_POINTER (position));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_remove), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_vs_window_init_collections (VsWindow *self)
{
  g_signal_connect_object (self->sidebar, "notify::view", G_CALLBACK (on_collection_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "notify::collection",
                           G_CALLBACK (on_collection_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "collection-removed",
                           G_CALLBACK (on_collection_removed), self, G_CONNECT_SWAPPED);
}

void
_vs_window_class_add_collection_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.save-collection", NULL,
                                   save_collection_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "win.save-collection", NULL);
}
