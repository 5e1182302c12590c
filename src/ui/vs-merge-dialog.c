/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-merge-dialog.c: “Merge into MP4…” for one HLS item
 *
 * The dialog owns one VsHlsMerge and runs it on a worker (vs_hls_merge_run_async):
 * the main thread only reads progress and the result. Cancel stops a running merge
 * (which leaves nothing behind) and otherwise closes; closing a running dialog cancels
 * first and closes once the merge has stopped. A refusal keeps the dialog open with the
 * reason; success emits ::merged and closes.
 */
#define G_LOG_DOMAIN "vs-merge-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-hls-merge.h"
#include "vs-merge-dialog.h"

struct _VsMergeDialog
{
  AdwWindow       parent_instance;

  /* template children */
  AdwWindowTitle *window_title;
  GtkButton      *merge_button;
  AdwEntryRow    *name_row;
  GtkSwitch      *trash_switch;
  GtkWidget      *options_group;
  GtkWidget      *progress_box;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkLabel       *message_label;

  /* owned */
  char           *input;
  char           *folder;        /* the HLS folder: input's, or input itself */
  GStrv           roots;         /* the library's folders: never trashed */
  VsLibrary      *library;       /* runs the merge and updates its index, when set */
  char           *error_text;
  VsHlsMerge     *merge;         /* while running */
  GCancellable   *cancellable;   /* while running */

  /* flags */
  gboolean        close_when_stopped;
};

G_DEFINE_FINAL_TYPE (VsMergeDialog, vs_merge_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_MERGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What is shown ---------------------------------------------------------------- */

static void
show_message (VsMergeDialog *self,
              const char    *text,
              gboolean       is_error)
{
  g_free (self->error_text);
  self->error_text = is_error ? g_strdup (text) : NULL;
  gtk_label_set_label (self->message_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "dim-label");
    }
}

/* NULL when @name can be the output's name, else why not. */
static const char *
name_problem (const char *name)
{
  gsize len = strlen (name);

  if (len == 0)
    return _("Enter a name for the MP4 file.");
  if (strchr (name, '/') != NULL)
    return _("The name cannot contain “/”.");
  if (len <= 4 || g_ascii_strcasecmp (name + len - 4, ".mp4") != 0 || name[0] == '.')
    return _("The name must end in “.mp4”, and not start with a dot.");
  return NULL;
}

static void
update_sensitivity (VsMergeDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *problem = name_problem (name);
  gboolean running = self->merge != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "merge.start", !running && problem == NULL);
  gtk_widget_set_sensitive (self->options_group, !running);
  gtk_button_set_label (self->merge_button, running ? _("Merging…") : _("_Merge"));
  if (problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
}

static void
on_name_changed (VsMergeDialog *self)
{
  const char *problem = name_problem (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));

  update_sensitivity (self);
  show_message (self, problem, problem != NULL);
}

static void
on_progress (VsMergeDialog *self,
             guint64        done,
             guint64        total,
             VsHlsMerge    *merge)
{
  g_autofree char *done_text = g_format_size (done);
  g_autofree char *total_text = g_format_size (total);
  g_autofree char *text = NULL;

  /* TRANSLATORS: bytes merged so far, e.g. “12.1 MB of 48.0 MB” */
  text = g_strdup_printf (_("%s of %s"), done_text, total_text);
  gtk_label_set_label (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 0.0);
}

/* Running ------------------------------------------------------------------------- */

/* The refusal in words for this dialog: the core's messages are plain already, but the
 * one for an existing file speaks of a command-line option. */
static char *
describe_error (VsMergeDialog *self,
                const GError  *error)
{
  if (g_error_matches (error, VS_MERGE_ERROR, VS_MERGE_ERROR_EXISTS))
    return g_strdup_printf (_("“%s” already exists. Choose another name."),
                            gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  return g_strdup (error->message);
}

static void
stop_running (VsMergeDialog *self)
{
  g_clear_object (&self->merge);
  g_clear_object (&self->cancellable);
  gtk_widget_set_visible (self->progress_box, FALSE);
  update_sensitivity (self);
}

static void
on_merged (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VsMergeDialog) self = user_data;
  VsHlsMerge *merge = self->merge;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  if (VS_IS_LIBRARY (object))
    ok = vs_library_merge_finish (VS_LIBRARY (object), result, &error);
  else
    ok = vs_hls_merge_run_finish (merge, result, &error);
  if (ok ||
      g_error_matches (error, VS_MERGE_ERROR, VS_MERGE_ERROR_TRASH_FAILED))
    {
      /* the MP4 is in place; a folder that stayed is only worth a word */
      output = vs_hls_merge_dup_output (merge);
      stop_running (self);
      g_signal_emit (self, signals[SIGNAL_MERGED], 0, output, error ? error->message : NULL);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  stop_running (self);
  if (self->close_when_stopped)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      show_message (self, _("Cancelled. Nothing was written."), FALSE);
      return;
    }
  text = describe_error (self, error);
  show_message (self, text, TRUE);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VsMergeDialog *self = VS_MERGE_DIALOG (widget);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autofree char *parent = NULL;
  g_autofree char *output = NULL;
  g_autofree char *filename = NULL;

  if (self->merge != NULL || name_problem (name) != NULL)
    return;
  filename = g_filename_from_utf8 (name, -1, NULL, NULL, NULL);
  if (filename == NULL)
    {
      show_message (self, _("The name cannot be used as a file name here."), TRUE);
      return;
    }
  parent = g_path_get_dirname (self->folder);
  output = g_build_filename (parent, filename, NULL);

  self->merge = vs_hls_merge_new (self->input);
  self->cancellable = g_cancellable_new ();
  vs_hls_merge_set_output (self->merge, output);
  vs_hls_merge_set_remove_source (self->merge, gtk_switch_get_active (self->trash_switch));
  vs_hls_merge_set_library_roots (self->merge, (const char * const *) self->roots);
  g_signal_connect_object (self->merge, "progress", G_CALLBACK (on_progress), self,
                           G_CONNECT_SWAPPED);

  show_message (self, NULL, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_label (self->progress_label, _("Checking the segments…"));
  gtk_widget_set_visible (self->progress_box, TRUE);
  update_sensitivity (self);
  if (self->library != NULL)
    vs_library_merge_async (self->library, self->merge, self->cancellable, on_merged,
                            g_object_ref (self));
  else
    vs_hls_merge_run_async (self->merge, self->cancellable, on_merged, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VsMergeDialog *self = VS_MERGE_DIALOG (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static gboolean
vs_merge_dialog_close_request (GtkWindow *window)
{
  VsMergeDialog *self = VS_MERGE_DIALOG (window);

  if (self->cancellable == NULL)
    return GTK_WINDOW_CLASS (vs_merge_dialog_parent_class)->close_request (window);
  /* closes once the merge has removed what it wrote */
  self->close_when_stopped = TRUE;
  g_cancellable_cancel (self->cancellable);
  return TRUE;
}

/* GObject ---------------------------------------------------------------------- */

static void
vs_merge_dialog_dispose (GObject *object)
{
  VsMergeDialog *self = VS_MERGE_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_MERGE_DIALOG);

  G_OBJECT_CLASS (vs_merge_dialog_parent_class)->dispose (object);
}

static void
vs_merge_dialog_finalize (GObject *object)
{
  VsMergeDialog *self = VS_MERGE_DIALOG (object);

  g_clear_object (&self->merge);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->input, g_free);
  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->error_text, g_free);

  g_strfreev (self->roots);
  g_clear_object (&self->library);
  G_OBJECT_CLASS (vs_merge_dialog_parent_class)->finalize (object);
}

static void
vs_merge_dialog_class_init (VsMergeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = vs_merge_dialog_dispose;
  object_class->finalize = vs_merge_dialog_finalize;
  window_class->close_request = vs_merge_dialog_close_request;

  signals[SIGNAL_MERGED] =
    g_signal_new ("merged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-merge-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VsMergeDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, VsMergeDialog, merge_button);
  gtk_widget_class_bind_template_child (widget_class, VsMergeDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, VsMergeDialog, trash_switch);
  gtk_widget_class_bind_template_child (widget_class, VsMergeDialog, options_group);
  gtk_widget_class_bind_template_child (widget_class, VsMergeDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, VsMergeDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VsMergeDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VsMergeDialog, message_label);

  gtk_widget_class_install_action (widget_class, "merge.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "merge.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "merge.cancel", NULL);
}

static void
vs_merge_dialog_init (VsMergeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->merge_button));
  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (on_name_changed), self,
                           G_CONNECT_SWAPPED);
}

VsMergeDialog *
vs_merge_dialog_new (GtkWindow  *parent,
                     const char *input)
{
  VsMergeDialog *self;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (input != NULL, NULL);

  self = g_object_new (VS_TYPE_MERGE_DIALOG, "transient-for", parent, NULL);
  self->input = g_strdup (input);
  /* an HLS item's path is its playlist; a folder names itself (no I/O to tell: a
   * playlist's name ends in .m3u8 or .m3u) */
  if (g_str_has_suffix (input, ".m3u8") || g_str_has_suffix (input, ".m3u") ||
      g_str_has_suffix (input, ".M3U8") || g_str_has_suffix (input, ".M3U"))
    self->folder = g_path_get_dirname (input);
  else
    self->folder = g_strdup (input);

  base = g_path_get_basename (self->folder);
  display = g_filename_display_name (base);
  name = g_strconcat (display, ".mp4", NULL);
  adw_window_title_set_subtitle (self->window_title, display);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  show_message (self, NULL, FALSE);
  update_sensitivity (self);
  return self;
}

gboolean
vs_merge_dialog_get_running (VsMergeDialog *self)
{
  g_return_val_if_fail (VS_IS_MERGE_DIALOG (self), FALSE);
  return self->merge != NULL;
}

const char *
vs_merge_dialog_get_error_text (VsMergeDialog *self)
{
  g_return_val_if_fail (VS_IS_MERGE_DIALOG (self), NULL);
  return self->error_text;
}

void
vs_merge_dialog_set_library_roots (VsMergeDialog      *self,
                                   const char * const *roots)
{
  g_return_if_fail (VS_IS_MERGE_DIALOG (self));

  g_strfreev (self->roots);
  self->roots = g_strdupv ((char **) roots);
}

/* The merge runs through @library, which sets its roots and updates the index. */
void
vs_merge_dialog_set_library (VsMergeDialog *self,
                             VsLibrary     *library)
{
  g_return_if_fail (VS_IS_MERGE_DIALOG (self));
  g_return_if_fail (library == NULL || VS_IS_LIBRARY (library));

  g_set_object (&self->library, library);
}
