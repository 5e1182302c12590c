/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-selection-trash.c: the selection moved to the trash, with progress and one undo
 *
 * The selection is only ids: the library reads their paths in pages on a worker and keeps
 * one compact undo record (VsTrashBatch) for the whole run. The result toast holds that
 * record: Undo restores everything that went, and a dismissed toast lets it go.
 */
#define G_LOG_DOMAIN "vs-selection-trash"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-selection-trash.h"
#include "vs-toast.h"

/* A run shorter than this shows no progress toast. */
#define PROGRESS_DELAY_MS 400

struct _VsSelectionTrash
{
  GObject        parent_instance;

  /* owned */
  GtkWidget     *view;   /* the owner: a widget with a ::toast signal */
  VsLibrary     *library;
  GCancellable  *cancellable;
  AdwToast      *progress_toast;  /* while shown */

  guint          n_total;
  guint          n_done;
  guint          progress_id;
};

G_DEFINE_FINAL_TYPE (VsSelectionTrash, vs_selection_trash, G_TYPE_OBJECT)

/* Hands @toast (owned) to the window, which takes a reference of its own. */
static void
emit_toast (GtkWidget *view,
            AdwToast  *toast)
{
  g_signal_emit_by_name (view, "toast", toast);
  g_object_unref (toast);
}

static void
show_toast (VsSelectionTrash *self,
            AdwToast         *toast)
{
  emit_toast (self->view, toast);
}

/* Progress ------------------------------------------------------------------------- */

static void
update_progress_title (VsSelectionTrash *self)
{
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;

  if (self->progress_toast == NULL)
    return;
  /* Translators: a toast while videos go to the trash: done, then total */
  text = g_strdup_printf (_("Moving to the trash… %'u of %'u"), self->n_done, self->n_total);
  escaped = g_markup_escape_text (text, -1);
  adw_toast_set_title (self->progress_toast, escaped);
}

static void
on_stop_clicked (AdwToast         *toast,
                 VsSelectionTrash *self)
{
  g_cancellable_cancel (self->cancellable);
}

static gboolean
show_progress (gpointer user_data)
{
  VsSelectionTrash *self = user_data;
  AdwToast *toast;

  self->progress_id = 0;
  toast = adw_toast_new ("");
  self->progress_toast = g_object_ref (toast);
  update_progress_title (self);
  /* until the run ends, before any other toast */
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_button_label (toast, _("_Stop"));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_stop_clicked), self, 0);
  show_toast (self, toast);
  return G_SOURCE_REMOVE;
}

static void
on_progress (guint    n_done,
             guint    n_total,
             gpointer user_data)
{
  VsSelectionTrash *self = user_data;

  self->n_done = n_done;
  self->n_total = n_total;
  update_progress_title (self);
}

/* Results -------------------------------------------------------------------------- */

static void
on_restored (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GtkWidget) view = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (vs_library_restore_batch_finish (VS_LIBRARY (object), result, &error))
    return;
  text = g_strdup_printf (_("Could not restore from the trash: %s"), error->message);
  emit_toast (view, vs_toast_new_plain (text));
}

/* The toasts outlive the run: their buttons act on the view (and the toast's data). */
static void
on_undo_clicked (AdwToast  *toast,
                 GtkWidget *view)
{
  VsTrashBatch *batch = g_object_get_data (G_OBJECT (toast), "vs-batch");
  VsLibrary *library = g_object_get_data (G_OBJECT (toast), "vs-library");

  if (batch == NULL)
    return;
  vs_library_restore_batch_async (library, batch, NULL, on_restored, g_object_ref (view));
  /* one undo */
  g_object_set_data (G_OBJECT (toast), "vs-batch", NULL);
}

static void
on_details_clicked (AdwToast  *toast,
                    GtkWidget *view)
{
  const char * const *reasons = g_object_get_data (G_OBJECT (toast), "vs-reasons");
  guint n_refused = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toast), "vs-n-refused"));
  g_autofree char *joined = g_strjoinv ("\n", (char **) reasons);
  g_autoptr(GString) body = g_string_new (joined);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (view));
  GtkWidget *dialog;
  guint n_listed = g_strv_length ((char **) reasons);

  if (n_refused > n_listed)
    {
      g_string_append_c (body, '\n');
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, "…and %u more",
                                                 "…and %u more", n_refused - n_listed),
                              n_refused - n_listed);
    }
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Not Moved to the Trash"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
toast_refusals (VsSelectionTrash *self,
                VsTrashBatch     *batch)
{
  guint n = vs_trash_batch_get_n_refused (batch);
  const char * const *reasons = vs_trash_batch_get_refusals (batch);
  g_autofree char *text = NULL;
  AdwToast *toast;

  /* Translators: a toast after moving several videos to the trash; %s is the first
   * reason */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u could not be moved: %s",
                                       "%'u could not be moved: %s", n), n, reasons[0]);
  toast = vs_toast_new_plain (text);
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_button_label (toast, _("_Details"));
  g_object_set_data_full (G_OBJECT (toast), "vs-reasons",
                          g_strdupv ((char **) reasons), (GDestroyNotify) g_strfreev);
  g_object_set_data (G_OBJECT (toast), "vs-n-refused", GUINT_TO_POINTER (n));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_details_clicked), self->view,
                           0);
  show_toast (self, toast);
}

static void
toast_moved (VsSelectionTrash *self,
             VsTrashBatch     *batch)
{
  guint n = vs_trash_batch_get_n_items (batch);
  g_autofree char *text = NULL;
  AdwToast *toast;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u video moved to the trash",
                                       "%'u videos moved to the trash", n), n);
  toast = vs_toast_new_plain (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* the undo record lives as long as the toast that offers it */
  g_object_set_data_full (G_OBJECT (toast), "vs-batch", g_object_ref (batch), g_object_unref);
  g_object_set_data_full (G_OBJECT (toast), "vs-library", g_object_ref (self->library),
                          g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_clicked), self->view, 0);
  show_toast (self, toast);
}

static void
on_trashed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VsSelectionTrash) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsTrashBatch) batch = vs_library_trash_ids_finish (VS_LIBRARY (object), result,
                                                               &error);

  g_object_set_data (G_OBJECT (self->view), "vs-selection-trash", NULL);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->progress_toast != NULL)
    adw_toast_dismiss (self->progress_toast);
  g_clear_object (&self->progress_toast);
  /* the window was closed meanwhile: no view to tell */
  if (gtk_widget_get_root (GTK_WIDGET (self->view)) == NULL)
    return;
  if (VS_IS_LIBRARY_VIEW (self->view))
    vs_library_view_select_none (VS_LIBRARY_VIEW (self->view));
  if (batch == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Nothing was moved to the trash: %s"),
                                               error->message);

      show_toast (self, vs_toast_new_plain (text));
      return;
    }
  if (vs_trash_batch_get_n_items (batch) > 0)
    toast_moved (self, batch);
  if (vs_trash_batch_get_n_refused (batch) > 0)
    toast_refusals (self, batch);
}

void
vs_selection_trash_start (VsLibraryView *view,
                          VsLibrary     *library,
                          GArray        *ids)
{
  g_return_if_fail (VS_IS_LIBRARY_VIEW (view));

  vs_selection_trash_start_for (GTK_WIDGET (view), library, ids);
}

void
vs_selection_trash_start_for (GtkWidget *view,
                              VsLibrary *library,
                              GArray    *ids)
{
  VsSelectionTrash *self;

  g_return_if_fail (GTK_IS_WIDGET (view));
  g_return_if_fail (g_signal_lookup ("toast", G_OBJECT_TYPE (view)) != 0);
  g_return_if_fail (VS_IS_LIBRARY (library));
  g_return_if_fail (ids != NULL);

  /* one run a view at a time: a second press while the first moves the same selection
   * would only be refused item by item */
  if (g_object_get_data (G_OBJECT (view), "vs-selection-trash") != NULL)
    return;
  self = g_object_new (VS_TYPE_SELECTION_TRASH, NULL);
  g_object_set_data (G_OBJECT (view), "vs-selection-trash", self);
  self->view = g_object_ref (view);
  self->library = g_object_ref (library);
  self->n_total = ids->len;
  /* closing the window stops the run: nothing more goes without a toast to undo it */
  g_signal_connect_object (view, "destroy", G_CALLBACK (g_cancellable_cancel), self->cancellable,
                           G_CONNECT_SWAPPED);
  self->progress_id = g_timeout_add (PROGRESS_DELAY_MS, show_progress, self);
  /* the run holds itself until on_trashed */
  vs_library_trash_ids_async (library, ids, self->cancellable, on_progress, self, on_trashed,
                              self);
}

/* GObject -------------------------------------------------------------------------- */

static void
vs_selection_trash_finalize (GObject *object)
{
  VsSelectionTrash *self = VS_SELECTION_TRASH (object);

  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_object (&self->progress_toast);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->library);
  g_clear_object (&self->view);
  G_OBJECT_CLASS (vs_selection_trash_parent_class)->finalize (object);
}

static void
vs_selection_trash_class_init (VsSelectionTrashClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_selection_trash_finalize;
}

static void
vs_selection_trash_init (VsSelectionTrash *self)
{
  self->cancellable = g_cancellable_new ();
}
