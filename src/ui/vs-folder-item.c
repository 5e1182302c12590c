/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-folder-item.c: one row of the sidebar's folder tree */
#define G_LOG_DOMAIN "vs-sidebar"

#include "config.h"

#include "vs-folder-item.h"

struct _VsFolderItem
{
  GObject   parent_instance;

  char     *path;          /* filename encoding; NULL: All Videos */
  char     *name;
  char     *status;        /* a root's watch state, for people; NULL for other rows */
  gboolean  has_children;
  VsSidebarView view;     /* FOLDER for folders and All Videos */
  VsCollection *collection; /* view COLLECTION: a copy */
  gboolean  heading;       /* the title of the collections' section */
};

G_DEFINE_FINAL_TYPE (VsFolderItem, vs_folder_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_PATH,
  ITEM_PROP_NAME,
  ITEM_PROP_HAS_CHILDREN,
  ITEM_PROP_STATUS,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

VsFolderItem *
vs_folder_item_new (const char *path,
                    const char *name,
                    gboolean    has_children)
{
  VsFolderItem *self = g_object_new (VS_TYPE_FOLDER_ITEM, NULL);

  /* Constant after construction, so plain fields instead of construct properties. */
  self->path = g_strdup (path);
  self->name = g_strdup (name);
  self->has_children = has_children;
  return self;
}

static void
vs_folder_item_finalize (GObject *object)
{
  VsFolderItem *self = VS_FOLDER_ITEM (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->collection, vs_collection_free);

  G_OBJECT_CLASS (vs_folder_item_parent_class)->finalize (object);
}

static void
vs_folder_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VsFolderItem *self = VS_FOLDER_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case ITEM_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case ITEM_PROP_HAS_CHILDREN:
      g_value_set_boolean (value, self->has_children);
      break;
    case ITEM_PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_folder_item_class_init (VsFolderItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_folder_item_finalize;
  object_class->get_property = vs_folder_item_get_property;

  item_properties[ITEM_PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_HAS_CHILDREN] =
    g_param_spec_boolean ("has-children", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
vs_folder_item_init (VsFolderItem *self)
{
}

void
vs_folder_item_set_status (VsFolderItem *self,
                           const char   *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_STATUS]);
}

const char *
vs_folder_item_get_path (VsFolderItem *self)
{
  g_return_val_if_fail (VS_IS_FOLDER_ITEM (self), NULL);
  return self->path;
}

const char *
vs_folder_item_get_name (VsFolderItem *self)
{
  g_return_val_if_fail (VS_IS_FOLDER_ITEM (self), NULL);
  return self->name;
}

const char *
vs_folder_item_get_status (VsFolderItem *self)
{
  g_return_val_if_fail (VS_IS_FOLDER_ITEM (self), NULL);
  return self->status;
}

gboolean
vs_folder_item_get_has_children (VsFolderItem *self)
{
  g_return_val_if_fail (VS_IS_FOLDER_ITEM (self), FALSE);
  return self->has_children;
}

/* The row listing every HLS download of the library (its path is NULL too). */
VsFolderItem *
vs_folder_item_new_hls (const char *name)
{
  return vs_folder_item_new_view (VS_SIDEBAR_VIEW_HLS, name);
}

gboolean
vs_folder_item_get_hls (VsFolderItem *self)
{
  g_return_val_if_fail (VS_IS_FOLDER_ITEM (self), FALSE);
  return self->view == VS_SIDEBAR_VIEW_HLS;
}

VsFolderItem *
vs_folder_item_new_view (VsSidebarView  view,
                         const char    *name)
{
  VsFolderItem *self = vs_folder_item_new (NULL, name, FALSE);

  self->view = view;
  return self;
}

VsSidebarView
vs_folder_item_get_view (VsFolderItem *self)
{
  g_return_val_if_fail (VS_IS_FOLDER_ITEM (self), VS_SIDEBAR_VIEW_FOLDER);
  return self->view;
}

VsFolderItem *
vs_folder_item_new_collection (const VsCollection *collection)
{
  VsFolderItem *self;

  g_return_val_if_fail (collection != NULL, NULL);

  self = vs_folder_item_new_view (VS_SIDEBAR_VIEW_COLLECTION, collection->name);
  self->collection = vs_collection_copy (collection);
  return self;
}

const VsCollection *
vs_folder_item_get_collection (VsFolderItem *self)
{
  g_return_val_if_fail (VS_IS_FOLDER_ITEM (self), NULL);
  return self->collection;
}

VsFolderItem *
vs_folder_item_new_heading (const char *name)
{
  VsFolderItem *self = vs_folder_item_new (NULL, name, FALSE);

  self->heading = TRUE;
  return self;
}

gboolean
vs_folder_item_get_heading (VsFolderItem *self)
{
  g_return_val_if_fail (VS_IS_FOLDER_ITEM (self), FALSE);
  return self->heading;
}
