/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-duplicate-item.c: one group of the Duplicates page */
#define G_LOG_DOMAIN "vs-duplicates"

#include "config.h"

#include "vs-duplicate-item.h"

struct _VsDuplicateItem
{
  GObject   parent_instance;

  GArray   *ids;
  gint64    bytes;
  int       distance;
  gboolean  exact;
  gint64    suggested_id;  /* 0: not computed yet */
  gint64    chosen_id;     /* 0: none picked */
};

G_DEFINE_FINAL_TYPE (VsDuplicateItem, vs_duplicate_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEPT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

VsDuplicateItem *
vs_duplicate_item_new (const VsDuplicateGroup *group)
{
  VsDuplicateItem *self;

  g_return_val_if_fail (group != NULL && group->ids != NULL, NULL);

  self = g_object_new (VS_TYPE_DUPLICATE_ITEM, NULL);
  g_array_append_vals (self->ids, group->ids->data, group->ids->len);
  self->bytes = group->bytes;
  self->distance = group->distance;
  self->exact = group->exact;
  return self;
}

GArray *
vs_duplicate_item_get_ids (VsDuplicateItem *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ITEM (self), NULL);
  return self->ids;
}

guint
vs_duplicate_item_get_n_videos (VsDuplicateItem *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ITEM (self), 0);
  return self->ids->len;
}

gint64
vs_duplicate_item_get_bytes (VsDuplicateItem *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ITEM (self), 0);
  return self->bytes;
}

int
vs_duplicate_item_get_distance (VsDuplicateItem *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ITEM (self), 0);
  return self->distance;
}

gboolean
vs_duplicate_item_get_exact (VsDuplicateItem *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ITEM (self), FALSE);
  return self->exact;
}

gint64
vs_duplicate_item_get_kept_id (VsDuplicateItem *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ITEM (self), 0);
  return self->chosen_id != 0 ? self->chosen_id : self->suggested_id;
}

gboolean
vs_duplicate_item_get_chosen (VsDuplicateItem *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ITEM (self), FALSE);
  return self->chosen_id != 0;
}

static gboolean
has_id (VsDuplicateItem *self,
        gint64           id)
{
  for (guint i = 0; i < self->ids->len; i++)
    if (g_array_index (self->ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

/* Sets *@field to @id, notifying when the kept id changes. */
static void
set_kept_field (VsDuplicateItem *self,
                gint64          *field,
                gint64           id)
{
  gint64 was = vs_duplicate_item_get_kept_id (self);

  *field = id;
  if (vs_duplicate_item_get_kept_id (self) != was)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEPT_ID]);
}

void
vs_duplicate_item_set_suggested (VsDuplicateItem *self,
                                 gint64           id)
{
  g_return_if_fail (VS_IS_DUPLICATE_ITEM (self));
  g_return_if_fail (id == 0 || has_id (self, id));

  set_kept_field (self, &self->suggested_id, id);
}

void
vs_duplicate_item_set_chosen (VsDuplicateItem *self,
                              gint64           id)
{
  g_return_if_fail (VS_IS_DUPLICATE_ITEM (self));
  g_return_if_fail (id == 0 || has_id (self, id));

  set_kept_field (self, &self->chosen_id, id);
}

void
vs_duplicate_item_reset_kept (VsDuplicateItem *self)
{
  g_return_if_fail (VS_IS_DUPLICATE_ITEM (self));

  self->chosen_id = 0;
  set_kept_field (self, &self->suggested_id, 0);
}

GArray *
vs_duplicate_item_dup_others (VsDuplicateItem *self)
{
  gint64 kept;
  GArray *others;

  g_return_val_if_fail (VS_IS_DUPLICATE_ITEM (self), NULL);

  kept = vs_duplicate_item_get_kept_id (self);
  if (kept == 0)
    return NULL;
  others = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->ids->len);
  for (guint i = 0; i < self->ids->len; i++)
    if (g_array_index (self->ids, gint64, i) != kept)
      g_array_append_val (others, g_array_index (self->ids, gint64, i));
  return others;
}

static void
vs_duplicate_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VsDuplicateItem *self = VS_DUPLICATE_ITEM (object);

  switch (prop_id)
    {
    case PROP_KEPT_ID:
      g_value_set_int64 (value, vs_duplicate_item_get_kept_id (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_duplicate_item_finalize (GObject *object)
{
  VsDuplicateItem *self = VS_DUPLICATE_ITEM (object);

  g_clear_pointer (&self->ids, g_array_unref);
  G_OBJECT_CLASS (vs_duplicate_item_parent_class)->finalize (object);
}

static void
vs_duplicate_item_class_init (VsDuplicateItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_duplicate_item_finalize;
  object_class->get_property = vs_duplicate_item_get_property;
  properties[PROP_KEPT_ID] =
    g_param_spec_int64 ("kept-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vs_duplicate_item_init (VsDuplicateItem *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}
