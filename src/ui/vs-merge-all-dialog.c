/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-merge-all-dialog.c: merge every HLS download of the library, with one progress bar
 *
 * Lists the library's HLS downloads (a lazy model over the index, as the grid's), merges
 * them one after another through vs_library_merge_all_each_async() (each checked, and
 * refused, as a single merge is), shows one progress bar for the run and a summary at the
 * end: the counts, and why each refused download was refused, noted as it comes.
 * Cancel abandons the item in progress (nothing of it is left) and keeps those done.
 */
#define G_LOG_DOMAIN "vs-merge-all-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-merge-all-dialog.h"

/* Refused downloads named in the summary; the others are counted. */
#define MAX_REFUSALS_SHOWN 20

struct _VsMergeAllDialog
{
  AdwWindow          parent_instance;

  /* Template children */
  AdwWindowTitle    *window_title;
  GtkButton         *cancel_button;
  GtkButton         *merge_button;
  GtkListView       *list_view;
  GtkWidget         *options_group;
  GtkSwitch         *trash_switch;
  GtkWidget         *progress_box;
  GtkProgressBar    *progress_bar;
  GtkLabel          *progress_label;
  GtkLabel          *summary_label;

  /* Owned */
  VsLibrary         *library;
  VsLibraryModel    *model;
  GArray            *ids;       /* gint64: only the downloads among these (a selection) */
  GCancellable      *cancellable;
  GString           *refusals;  /* while it runs: a line per refused download, the first ones */
  guint              n_refusals;
  char              *summary;

  /* State */
  gboolean           running;
  gboolean           close_when_stopped; /* closing was asked for while it ran */
};

G_DEFINE_FINAL_TYPE (VsMergeAllDialog, vs_merge_all_dialog, ADW_TYPE_WINDOW)

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_bottom (label, 8);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_list_item_set_child (list_item, label);
  gtk_list_item_set_activatable (list_item, FALSE);
}

static void
show_row (GtkLabel   *label,
          GParamSpec *pspec,
          VsVideo    *video)
{
  g_autofree char *state = NULL;
  g_autofree char *text = NULL;

  if (vs_video_get_loading (video))
    {
      gtk_label_set_label (label, "…");
      return;
    }
  /* the name, and the download's state in words: what will be merged and what not */
  state = vs_hls_info_describe (&vs_video_get_record (video)->hls);
  text = g_markup_printf_escaped ("%s\n<small>%s</small>", vs_video_get_title (video), state);
  gtk_label_set_markup (label, text);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  VsVideo *video = gtk_list_item_get_item (list_item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));

  show_row (label, NULL, video);
  /* the item's row of the index arrives after the bind */
  g_signal_connect_object (video, "notify::record", G_CALLBACK (show_row), label,
                           G_CONNECT_SWAPPED);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  VsVideo *video = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (video, show_row, gtk_list_item_get_child (list_item));
}

static void
set_running (VsMergeAllDialog *self,
             gboolean          running)
{
  self->running = running;
  gtk_widget_set_sensitive (self->options_group, !running);
  gtk_widget_set_visible (self->progress_box, running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "merge-all.start",
                                 !running && self->summary == NULL);
}

static void
on_progress (guint        n_done,
             guint        n_total,
             const char  *current,
             guint64      bytes_done,
             guint64      bytes_total,
             gpointer     user_data)
{
  VsMergeAllDialog *self = user_data;
  g_autofree char *folder = NULL;
  g_autofree char *text = NULL;

  /* once cancelled, the label says so till the end: the item being abandoned still
   * reports (its last bytes, its end) */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (current != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (current);

      folder = g_filename_display_basename (dir);
    }
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 n_total > 0 ? MIN (1.0, (double) n_done / n_total) : 0.0);
  /* Translators: progress of a merge of many downloads: "3 of 12 · Holiday" */
  text = g_strdup_printf (_("%u of %u · %s"), MIN (n_done + 1, n_total), n_total,
                          folder ? folder : "");
  gtk_label_set_label (self->progress_label, text);
}

static void
on_item (const VsMergeAllItem *item,
         gboolean              merged,
         gpointer              user_data)
{
  VsMergeAllDialog *self = user_data;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;

  if (merged)
    return;
  /* a library of broken downloads must not make the summary grow without end */
  if (self->n_refusals++ >= MAX_REFUSALS_SHOWN)
    return;
  dir = g_path_get_dirname (item->path);
  name = g_filename_display_basename (dir);
  g_string_append_printf (self->refusals, "\n%s: %s", name,
                          item->error ? item->error->message : "");
}

static void
on_merged_all (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VsMergeAllDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsMergeAllSummary) summary = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *freed = NULL;

  summary = vs_library_merge_all_finish (VS_LIBRARY (object), result, &error);
  g_clear_object (&self->cancellable);
  if (summary == NULL)
    g_string_append (text, error->message);
  else
    {
      freed = g_format_size (summary->bytes_freed);
      /* Translators: at the end of a merge of many downloads */
      g_string_append_printf (text, _("Merged %u, refused %u, %s freed."), summary->n_merged,
                              summary->n_refused, freed);
      if (summary->cancelled)
        g_string_append_printf (text, " %s", _("Cancelled: the rest was left as it was."));
      g_string_append_len (text, self->refusals->str, (gssize) self->refusals->len);
      if (self->n_refusals > MAX_REFUSALS_SHOWN)
        {
          guint more = self->n_refusals - MAX_REFUSALS_SHOWN;

          g_string_append_c (text, '\n');
          /* Translators: after the first refused downloads of a merge, the rest counted */
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "And %u more.",
                                                     "And %u more.", more), more);
        }
    }
  g_string_truncate (self->refusals, 0);
  self->n_refusals = 0;
  self->summary = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_label_set_label (self->summary_label, self->summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), TRUE);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  set_running (self, FALSE);
  if (self->close_when_stopped)
    gtk_window_close (GTK_WINDOW (self));
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VsMergeAllDialog *self = VS_MERGE_ALL_DIALOG (widget);
  VsMergeAllFlags flags = VS_MERGE_ALL_FLAGS_NONE;

  if (self->running || self->summary != NULL)
    return;
  if (gtk_switch_get_active (self->trash_switch))
    flags |= VS_MERGE_ALL_FLAGS_REMOVE_SOURCE;
  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  /* disk bound: one at a time; on_progress() and on_item() need no reference of their
   * own: the run holds one until on_merged_all() */
  if (self->ids != NULL)
    vs_library_merge_ids_each_async (self->library, self->ids, flags, 1, self->cancellable,
                                     on_progress, on_item, self, on_merged_all,
                                     g_object_ref (self));
  else
    vs_library_merge_all_each_async (self->library, NULL, flags, 1, self->cancellable,
                                     on_progress, on_item, self, on_merged_all,
                                     g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VsMergeAllDialog *self = VS_MERGE_ALL_DIALOG (widget);

  if (self->running)
    {
      g_cancellable_cancel (self->cancellable);
      gtk_label_set_label (self->progress_label, _("Cancelling…"));
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

/* Closing while it runs cancels, and closes once the run has stopped cleanly. */
static gboolean
vs_merge_all_dialog_close_request (GtkWindow *window)
{
  VsMergeAllDialog *self = VS_MERGE_ALL_DIALOG (window);

  if (!self->running)
    return GTK_WINDOW_CLASS (vs_merge_all_dialog_parent_class)->close_request (window);
  self->close_when_stopped = TRUE;
  g_cancellable_cancel (self->cancellable);
  gtk_label_set_label (self->progress_label, _("Cancelling…"));
  return TRUE;
}

static void
on_items_changed (VsMergeAllDialog *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *subtitle =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u download", "%u downloads", n), n);

  adw_window_title_set_subtitle (self->window_title, subtitle);
}

VsMergeAllDialog *
vs_merge_all_dialog_new (GtkWindow *parent,
                         VsLibrary *library)
{
  VsMergeAllDialog *self;
  VsVideoQuery query = { .sort = VS_SORT_NAME, .hls_only = TRUE };
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VS_IS_LIBRARY (library), NULL);

  self = g_object_new (VS_TYPE_MERGE_ALL_DIALOG, "transient-for", parent, NULL);
  self->library = g_object_ref (library);
  self->model = vs_library_new_model (library);
  vs_library_model_set_query (self->model, &query);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (gtk_no_selection_new (
                                              g_object_ref (G_LIST_MODEL (self->model)))));
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (on_items_changed), self,
                           G_CONNECT_SWAPPED);
  on_items_changed (self);
  return self;
}

VsMergeAllDialog *
vs_merge_all_dialog_new_for_ids (GtkWindow *parent,
                                 VsLibrary *library,
                                 GArray    *ids,
                                 guint      n_downloads)
{
  VsMergeAllDialog *self;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VS_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (ids != NULL, NULL);

  self = g_object_new (VS_TYPE_MERGE_ALL_DIALOG, "transient-for", parent, NULL);
  self->library = g_object_ref (library);
  self->ids = g_array_ref (ids);
  /* the list shows the library's downloads: a selection's are only counted */
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->list_view)), FALSE);
  gtk_window_set_title (GTK_WINDOW (self), _("Merge Selected HLS Downloads"));
  adw_window_title_set_title (self->window_title, _("Merge Selected HLS Downloads"));
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u selected download",
                                           "%u selected downloads", n_downloads), n_downloads);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_button_set_label (self->merge_button, _("_Merge"));
  return self;
}

gboolean
vs_merge_all_dialog_get_running (VsMergeAllDialog *self)
{
  g_return_val_if_fail (VS_IS_MERGE_ALL_DIALOG (self), FALSE);
  return self->running;
}

const char *
vs_merge_all_dialog_get_summary (VsMergeAllDialog *self)
{
  g_return_val_if_fail (VS_IS_MERGE_ALL_DIALOG (self), NULL);
  return self->summary;
}

static void
vs_merge_all_dialog_dispose (GObject *object)
{
  VsMergeAllDialog *self = VS_MERGE_ALL_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_MERGE_ALL_DIALOG);
  g_clear_object (&self->model);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_object (&self->library);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (vs_merge_all_dialog_parent_class)->dispose (object);
}

/* Not in dispose: a run holds the dialog until it ends, and its items may still come. */
static void
vs_merge_all_dialog_finalize (GObject *object)
{
  VsMergeAllDialog *self = VS_MERGE_ALL_DIALOG (object);

  g_string_free (self->refusals, TRUE);

  G_OBJECT_CLASS (vs_merge_all_dialog_parent_class)->finalize (object);
}

static void
vs_merge_all_dialog_class_init (VsMergeAllDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = vs_merge_all_dialog_dispose;
  object_class->finalize = vs_merge_all_dialog_finalize;
  window_class->close_request = vs_merge_all_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-merge-all-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VsMergeAllDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, VsMergeAllDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, VsMergeAllDialog, merge_button);
  gtk_widget_class_bind_template_child (widget_class, VsMergeAllDialog, list_view);
  gtk_widget_class_bind_template_child (widget_class, VsMergeAllDialog, options_group);
  gtk_widget_class_bind_template_child (widget_class, VsMergeAllDialog, trash_switch);
  gtk_widget_class_bind_template_child (widget_class, VsMergeAllDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, VsMergeAllDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VsMergeAllDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VsMergeAllDialog, summary_label);
  gtk_widget_class_install_action (widget_class, "merge-all.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "merge-all.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "merge-all.cancel", NULL);
}

static void
vs_merge_all_dialog_init (VsMergeAllDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->refusals = g_string_new (NULL);
}
