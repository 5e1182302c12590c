/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-selection.c: a multiple selection that is only a bitset of positions
 *
 * GTK 4.8's GtkMultiSelection also keeps a hash table of the selected items, to follow
 * them through a change of the model: selecting all of a lazy model of 100,000 rows made
 * 100,000 items (about 100 MB). Here a selection is positions; a change of the model
 * moves them with it (gtk_bitset_splice()), and a row replaced is unselected.
 */
#define G_LOG_DOMAIN "vs-selection"

#include "config.h"

#include "vs-selection.h"

struct _VsSelection
{
  GObject     parent_instance;

  GListModel *model;
  GtkBitset  *selected;
};

static void list_model_iface_init (GListModelInterface *iface);
static void selection_model_iface_init (GtkSelectionModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsSelection, vs_selection, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init)
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL,
                                                      selection_model_iface_init))

static GType
vs_selection_get_item_type (GListModel *list)
{
  return g_list_model_get_item_type (VS_SELECTION (list)->model);
}

static guint
vs_selection_get_n_items (GListModel *list)
{
  return g_list_model_get_n_items (VS_SELECTION (list)->model);
}

static gpointer
vs_selection_get_item (GListModel *list,
                       guint       position)
{
  return g_list_model_get_item (VS_SELECTION (list)->model, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = vs_selection_get_item_type;
  iface->get_n_items = vs_selection_get_n_items;
  iface->get_item = vs_selection_get_item;
}

static gboolean
vs_selection_is_selected (GtkSelectionModel *model,
                          guint              position)
{
  return gtk_bitset_contains (VS_SELECTION (model)->selected, position);
}

static GtkBitset *
vs_selection_get_selection_in_range (GtkSelectionModel *model,
                                     guint              position,
                                     guint              n_items)
{
  /* a copy: the caller may keep it while the selection changes */
  return gtk_bitset_copy (VS_SELECTION (model)->selected);
}

static gboolean
vs_selection_set_selection (GtkSelectionModel *model,
                            GtkBitset         *selected,
                            GtkBitset         *mask)
{
  VsSelection *self = VS_SELECTION (model);
  g_autoptr(GtkBitset) now = gtk_bitset_copy (self->selected);
  g_autoptr(GtkBitset) taken = gtk_bitset_copy (selected);
  g_autoptr(GtkBitset) changes = NULL;
  guint min, max;

  /* outside the mask as it was, inside it as @selected says */
  gtk_bitset_subtract (now, mask);
  gtk_bitset_intersect (taken, mask);
  gtk_bitset_union (now, taken);
  changes = gtk_bitset_copy (self->selected);
  gtk_bitset_difference (changes, now);   /* the symmetric difference */
  gtk_bitset_unref (self->selected);
  self->selected = g_steal_pointer (&now);
  if (gtk_bitset_is_empty (changes))
    return TRUE;
  min = gtk_bitset_get_minimum (changes);
  max = gtk_bitset_get_maximum (changes);
  gtk_selection_model_selection_changed (model, min, max - min + 1);
  return TRUE;
}

static void
selection_model_iface_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = vs_selection_is_selected;
  iface->get_selection_in_range = vs_selection_get_selection_in_range;
  iface->set_selection = vs_selection_set_selection;
}

static void
on_items_changed (VsSelection *self,
                  guint        position,
                  guint        removed,
                  guint        added,
                  GListModel  *model)
{
  gtk_bitset_splice (self->selected, position, removed, added);
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
vs_selection_dispose (GObject *object)
{
  VsSelection *self = VS_SELECTION (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_clear_object (&self->model);
  g_clear_pointer (&self->selected, gtk_bitset_unref);

  G_OBJECT_CLASS (vs_selection_parent_class)->dispose (object);
}

static void
vs_selection_class_init (VsSelectionClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vs_selection_dispose;
}

static void
vs_selection_init (VsSelection *self)
{
  self->selected = gtk_bitset_new_empty ();
}

VsSelection *
vs_selection_new (GListModel *model)
{
  VsSelection *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (VS_TYPE_SELECTION, NULL);
  self->model = model;
  g_signal_connect_swapped (model, "items-changed", G_CALLBACK (on_items_changed), self);
  return self;
}
