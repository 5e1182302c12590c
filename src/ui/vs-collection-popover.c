/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-collection-popover.c: the popover that names a collection, new or renamed
 *
 * The name is checked as it is typed by the index's own rule
 * (vs_collection_normalize_name()); the write is the library's, on its writer, which
 * checks it again.
 */
#define G_LOG_DOMAIN "vs-collection-popover"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-collection-popover.h"

struct _VsCollectionPopover
{
  GtkPopover    parent_instance;

  /* template children */
  GtkLabel     *title_label;
  GtkEntry     *entry;
  GtkButton    *confirm_button;
  GtkLabel     *error_label;

  /* weak: a popover left over must not keep the library open */
  VsLibrary    *library;
  /* owned */
  char         *query;       /* a new collection's; NULL: a rename */
  char         *old_name;
  GCancellable *cancellable;

  /* state */
  gint64        id;          /* a rename's */
  gboolean      valid;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (VsCollectionPopover, vs_collection_popover, GTK_TYPE_POPOVER)

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_sensitive (VsCollectionPopover *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), self->valid && !self->busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->entry), !self->busy);
}

static void
set_error (VsCollectionPopover *self,
           const char          *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
}

static void
on_changed (VsCollectionPopover *self)
{
  g_autofree char *name = vs_collection_normalize_name (
    gtk_editable_get_text (GTK_EDITABLE (self->entry)), NULL);

  /* empty or blank (the entry holds at most VS_COLLECTION_NAME_MAX characters): the
   * button, disabled, says enough */
  self->valid = name != NULL;
  set_error (self, NULL);
  update_sensitive (self);
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(VsCollectionPopover) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (self->query != NULL)
    id = vs_library_add_collection_finish (VS_LIBRARY (object), result, &error);
  else
    id = vs_library_collection_finish (VS_LIBRARY (object), result, &error) ? self->id : 0;
  self->busy = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (id == 0)
    {
      /* Translators: the reason follows */
      g_autofree char *text = g_strdup_printf (_("Could not save the collection: %s"),
                                               error->message);

      set_error (self, text);
      update_sensitive (self);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, id);
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
confirm (VsCollectionPopover *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  if (!self->valid || self->busy || self->library == NULL)
    return;
  self->busy = TRUE;
  update_sensitive (self);
  if (self->query != NULL)
    vs_library_add_collection_async (self->library, name, self->query, -1, self->cancellable,
                                     on_done, g_object_ref (self));
  else
    vs_library_rename_collection_async (self->library, self->id, name, self->cancellable,
                                        on_done, g_object_ref (self));
}

static void
on_map (VsCollectionPopover *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

static void
vs_collection_popover_dispose (GObject *object)
{
  VsCollectionPopover *self = VS_COLLECTION_POPOVER (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_COLLECTION_POPOVER);
  g_clear_weak_pointer (&self->library);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vs_collection_popover_parent_class)->dispose (object);
}

static void
vs_collection_popover_finalize (GObject *object)
{
  VsCollectionPopover *self = VS_COLLECTION_POPOVER (object);

  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->old_name, g_free);

  G_OBJECT_CLASS (vs_collection_popover_parent_class)->finalize (object);
}

static void
vs_collection_popover_class_init (VsCollectionPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_collection_popover_dispose;
  object_class->finalize = vs_collection_popover_finalize;

  /* (gint64 id): the collection was added or renamed */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-collection-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, VsCollectionPopover, title_label);
  gtk_widget_class_bind_template_child (widget_class, VsCollectionPopover, entry);
  gtk_widget_class_bind_template_child (widget_class, VsCollectionPopover, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, VsCollectionPopover, error_label);
}

static void
vs_collection_popover_init (VsCollectionPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (confirm), self);
  g_signal_connect_swapped (self->confirm_button, "clicked", G_CALLBACK (confirm), self);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

static VsCollectionPopover *
popover_new (VsLibrary  *library,
             const char *name)
{
  VsCollectionPopover *self = g_object_new (VS_TYPE_COLLECTION_POPOVER, NULL);

  g_set_weak_pointer (&self->library, library);
  self->old_name = g_strdup (name);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), name);
  return self;
}

GtkWidget *
vs_collection_popover_new_save (VsLibrary  *library,
                                const char *query,
                                const char *name)
{
  VsCollectionPopover *self;

  g_return_val_if_fail (VS_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = popover_new (library, name);
  self->query = g_strdup (query);
  gtk_label_set_text_with_mnemonic (self->title_label, _("Save as _Collection"));
  gtk_button_set_label (self->confirm_button, _("_Save"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->confirm_button),
                               _("Save (Enter); Escape cancels"));
  return GTK_WIDGET (self);
}

GtkWidget *
vs_collection_popover_new_rename (VsLibrary  *library,
                                  gint64      id,
                                  const char *name)
{
  VsCollectionPopover *self;

  g_return_val_if_fail (VS_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = popover_new (library, name);
  self->id = id;
  gtk_label_set_text_with_mnemonic (self->title_label, _("Rename _Collection"));
  gtk_button_set_label (self->confirm_button, _("_Rename"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->confirm_button),
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
on_closed (VsCollectionPopover *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, unparent_idle, g_object_ref (self), g_object_unref);
}

void
vs_collection_popover_popup_at (VsCollectionPopover *self,
                                GtkWidget           *parent,
                                const GdkRectangle  *rect)
{
  g_return_if_fail (VS_IS_COLLECTION_POPOVER (self));
  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (rect != NULL);

  gtk_widget_set_parent (GTK_WIDGET (self), parent);
  gtk_popover_set_pointing_to (GTK_POPOVER (self), rect);
  g_signal_connect (self, "closed", G_CALLBACK (on_closed), NULL);
  gtk_popover_popup (GTK_POPOVER (self));
}
