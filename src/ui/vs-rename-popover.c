/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-rename-popover.c: the popover that renames one video of the library
 *
 * As in Files: the name with the part before its extension selected (an HLS download is
 * named after its folder: all of it), checked as it is typed. The name's syntax is checked
 * by the guarded module's own rule (vs_trash_check_name(), no I/O); whether it is taken,
 * by an asynchronous query, so the main thread never waits on the disk. The rename itself
 * is the library's (vs_library_rename_async()), which checks everything again.
 */
#define G_LOG_DOMAIN "vs-rename-popover"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vs-rename-popover.h"
#include "vs-trash.h"

struct _VsRenamePopover
{
  GtkPopover    parent_instance;

  /* template children */
  GtkLabel     *title_label;
  GtkEntry     *entry;
  GtkButton    *rename_button;
  GtkLabel     *error_label;

  /* owned */
  VsLibrary    *library;
  char         *item_path;  /* the video's path in the index (an HLS item's playlist) */
  char         *folder;     /* where the renamed file or folder is */
  char         *old_name;   /* its name, as shown */
  GCancellable *check;      /* the query of the name typed last */
  GCancellable *cancellable;

  /* state */
  gboolean      whole;      /* an HLS folder: its whole name is selected */
  gboolean      valid;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (VsRenamePopover, vs_rename_popover, GTK_TYPE_POPOVER)

enum
{
  RENAMED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_sensitive (VsRenamePopover *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->rename_button), self->valid && !self->busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->entry), !self->busy);
}

static void
set_error (VsRenamePopover *self,
           const char      *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  self->valid = message == NULL;
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
  update_sensitive (self);
}

static void
on_checked (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VsRenamePopover) self = user_data;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, NULL);
  g_autofree char *base = NULL;
  g_autofree char *display = NULL;
  g_autofree char *text = NULL;

  /* a later keystroke asked again: this answer is stale */
  if (self->check == NULL || g_cancellable_is_cancelled (self->check) || info == NULL)
    return;
  base = g_file_get_basename (G_FILE (object));
  display = g_filename_display_name (base);
  text = g_strdup_printf (_("“%s” already exists in this folder"), display);
  set_error (self, text);
}

/* Checks the name typed: its syntax now, whether it is taken asynchronously. */
static void
on_changed (VsRenamePopover *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  if (self->check != NULL)
    g_cancellable_cancel (self->check);
  g_clear_object (&self->check);
  if (strcmp (text, self->old_name) == 0)
    {
      set_error (self, NULL);
      return;
    }
  name = g_filename_from_utf8 (text, -1, NULL, NULL, NULL);
  if (name == NULL)
    {
      set_error (self, _("The name is not valid in the file names’ encoding"));
      return;
    }
  if (!vs_trash_check_name (name, -1, &error))
    {
      set_error (self, error->message);
      return;
    }
  set_error (self, NULL);
  self->check = g_cancellable_new ();
  file = g_file_new_build_filename (self->folder, name, NULL);
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, G_PRIORITY_DEFAULT, self->check,
                           on_checked, g_object_ref (self));
}

static void
on_renamed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VsRenamePopover) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *new_path = vs_library_rename_finish (VS_LIBRARY (object), result, &error);

  self->busy = FALSE;
  update_sensitive (self);
  if (new_path != NULL)
    {
      g_signal_emit (self, signals[RENAMED], 0, new_path);
      gtk_popover_popdown (GTK_POPOVER (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    {
      set_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->entry));
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("“%s” could not be renamed: %s"),
                                               self->old_name, error->message);

      g_signal_emit (self, signals[FAILED], 0, text);
    }
}

static void
confirm (VsRenamePopover *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *name = NULL;

  if (!self->valid || self->busy)
    return;
  /* the same name: nothing to do */
  if (strcmp (text, self->old_name) == 0)
    {
      gtk_popover_popdown (GTK_POPOVER (self));
      return;
    }
  name = g_filename_from_utf8 (text, -1, NULL, NULL, NULL);
  if (name == NULL)
    return;
  self->busy = TRUE;
  update_sensitive (self);
  vs_library_rename_async (self->library, self->item_path, name, self->cancellable, on_renamed,
                           g_object_ref (self));
}

/* The name before its extension is what people change; an HLS folder's whole name. */
static void
on_map (VsRenamePopover *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  const char *dot = strrchr (text, '.');
  int end = -1;

  if (!self->whole && dot != NULL && dot != text)
    end = (int) g_utf8_pointer_to_offset (text, dot);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, end);
}

static void
vs_rename_popover_dispose (GObject *object)
{
  VsRenamePopover *self = VS_RENAME_POPOVER (object);

  if (self->check != NULL)
    g_cancellable_cancel (self->check);
  g_clear_object (&self->check);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_RENAME_POPOVER);
  G_OBJECT_CLASS (vs_rename_popover_parent_class)->dispose (object);
}

static void
vs_rename_popover_finalize (GObject *object)
{
  VsRenamePopover *self = VS_RENAME_POPOVER (object);

  g_clear_object (&self->library);
  g_clear_object (&self->cancellable);
  g_free (self->item_path);
  g_free (self->folder);
  g_free (self->old_name);
  G_OBJECT_CLASS (vs_rename_popover_parent_class)->finalize (object);
}

static void
vs_rename_popover_class_init (VsRenamePopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_rename_popover_dispose;
  object_class->finalize = vs_rename_popover_finalize;

  /* the new path (filename encoding) */
  signals[RENAMED] = g_signal_new ("renamed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* why the rename failed, once the popover was closed */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-rename-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, VsRenamePopover, title_label);
  gtk_widget_class_bind_template_child (widget_class, VsRenamePopover, entry);
  gtk_widget_class_bind_template_child (widget_class, VsRenamePopover, rename_button);
  gtk_widget_class_bind_template_child (widget_class, VsRenamePopover, error_label);
}

static void
vs_rename_popover_init (VsRenamePopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->valid = TRUE;
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (confirm), self);
  g_signal_connect_swapped (self->rename_button, "clicked", G_CALLBACK (confirm), self);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

GtkWidget *
vs_rename_popover_new (VsLibrary *library,
                       VsVideo   *video)
{
  VsRenamePopover *self;
  const VsVideoRecord *record;
  g_autofree char *entry_path = NULL;

  g_return_val_if_fail (VS_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (VS_IS_VIDEO (video), NULL);
  g_return_val_if_fail (vs_video_get_record (video) != NULL, NULL);

  record = vs_video_get_record (video);
  self = g_object_new (VS_TYPE_RENAME_POPOVER, NULL);
  self->library = g_object_ref (library);
  self->item_path = g_strdup (record->path);
  entry_path = vs_trash_rename_entry (record->path, record->kind == VS_VIDEO_KIND_HLS);
  self->folder = g_path_get_dirname (entry_path);
  self->old_name = g_filename_display_basename (entry_path);
  self->whole = record->kind == VS_VIDEO_KIND_HLS;
  gtk_label_set_text_with_mnemonic (self->title_label,
                                    record->kind == VS_VIDEO_KIND_HLS
                                    ? _("_Name of the Download’s Folder")
                                    : _("_Name of the Video"));
  /* set before the handler can see a change */
  g_signal_handlers_block_by_func (self->entry, on_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), self->old_name);
  g_signal_handlers_unblock_by_func (self->entry, on_changed, self);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->rename_button),
                               _("Rename (Enter); Escape cancels"));
  return GTK_WIDGET (self);
}

/* Unparented from an idle: GTK 4.8 emits ::closed while the popover is still handling the
 * key or click that closed it. */
static gboolean
unparent_idle (gpointer data)
{
  GtkWidget *popover = data;

  if (gtk_widget_get_parent (popover) != NULL)
    gtk_widget_unparent (popover);
  return G_SOURCE_REMOVE;
}

static void
on_closed (VsRenamePopover *self)
{
  GtkWidget *target = g_object_get_data (G_OBJECT (self), "vs-target");
  GtkWidget *item = target != NULL ? gtk_widget_get_parent (target) : NULL;

  /* the keyboard goes back to the item the popover was for */
  if (item != NULL && gtk_widget_get_root (item) != NULL)
    gtk_widget_grab_focus (item);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, unparent_idle, g_object_ref (self), g_object_unref);
}

void
vs_rename_popover_popup_at (VsRenamePopover *self,
                            GtkWidget       *parent,
                            GtkWidget       *target)
{
  graphene_rect_t bounds;
  GdkRectangle rect = { gtk_widget_get_width (parent) / 2, gtk_widget_get_height (parent) / 2,
                        1, 1 };

  g_return_if_fail (VS_IS_RENAME_POPOVER (self));
  g_return_if_fail (GTK_IS_WIDGET (parent));

  /* pointing at the cell's caption, where the name is */
  if (target != NULL && gtk_widget_compute_bounds (target, parent, &bounds))
    rect = (GdkRectangle) { (int) bounds.origin.x, (int) (bounds.origin.y + bounds.size.height) - 8,
                            (int) bounds.size.width, 1 };
  g_object_set_data_full (G_OBJECT (self), "vs-target", target != NULL ? g_object_ref (target) : NULL,
                          target != NULL ? g_object_unref : NULL);
  gtk_widget_set_parent (GTK_WIDGET (self), parent);
  gtk_popover_set_pointing_to (GTK_POPOVER (self), &rect);
  g_signal_connect (self, "closed", G_CALLBACK (on_closed), NULL);
  gtk_popover_popup (GTK_POPOVER (self));
}

const char *
vs_rename_popover_get_error (VsRenamePopover *self)
{
  g_return_val_if_fail (VS_IS_RENAME_POPOVER (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : "";
}

gboolean
vs_rename_popover_get_can_rename (VsRenamePopover *self)
{
  g_return_val_if_fail (VS_IS_RENAME_POPOVER (self), FALSE);

  return gtk_widget_get_sensitive (GTK_WIDGET (self->rename_button));
}
