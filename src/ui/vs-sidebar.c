/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-sidebar.c: the library's folders as a tree, with "All Videos" on top */
#define G_LOG_DOMAIN "vs-sidebar"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vs-collection-popover.h"
#include "vs-folder-item.h"
#include "vs-popup-menu.h"
#include "vs-sidebar.h"

/* VsSidebar */

struct _VsSidebar
{
  GtkWidget           parent_instance;

  /* Template children */
  GtkWidget          *content;
  GtkListView        *list_view;
  GtkSwitch          *recursive_switch;
  GMenuModel         *folder_menu;
  GMenuModel         *collection_menu;

  /* Owned */
  VsDatabase         *database;
  VsLibrary          *library;           /* when set: followed */
  GtkTreeListModel   *tree;
  GListStore         *roots;             /* the tree's top level */
  GHashTable         *root_status;       /* root path → its watch state, for people */
  GtkSingleSelection *selection;
  GCancellable       *cancellable;       /* this tree's loads; replaced on reload */
  char               *folder;
  /* What reload() puts back as the new tree's levels arrive. */
  GHashTable         *restore_expanded;  /* paths */
  char               *restore_selected;
  char               *menu_path;         /* the folder the context menu is for */
  VsCollection       *collection;        /* the one selected (a copy), or NULL */
  VsCollection       *menu_collection;   /* the one a menu or key is for */
  GdkRectangle        menu_rect;         /* its row, in the sidebar */

  /* State */
  guint               pending_loads;     /* of the current tree */
  VsSidebarView       view;              /* the fixed row selected, FOLDER otherwise */
  gboolean            splicing;          /* the collections' rows are being replaced */

  /* Flags */
  guint               recursive : 1;
};

G_DEFINE_FINAL_TYPE (VsSidebar, vs_sidebar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_FOLDER,
  PROP_RECURSIVE,
  PROP_HLS_ONLY,
  PROP_VIEW,
  PROP_COLLECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ERROR,
  COLLECTION_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  VsDatabase *database;
  GListStore *store;        /* the level to fill */
  char       *parent_path;  /* NULL: the roots */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->database);
  g_clear_object (&data->store);
  g_clear_pointer (&data->parent_path, g_free);
  g_free (data);
}

static void
set_view (VsSidebar     *self,
          VsSidebarView  view)
{
  gboolean was_hls = self->view == VS_SIDEBAR_VIEW_HLS;

  if (self->view == view)
    return;
  self->view = view;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
  if (was_hls != (view == VS_SIDEBAR_VIEW_HLS))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HLS_ONLY]);
}

static void
set_folder (VsSidebar  *self,
            const char *folder)
{
  if (g_strcmp0 (self->folder, folder) == 0)
    return;
  g_free (self->folder);
  self->folder = g_strdup (folder);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDER]);
}

/* Notifies when another collection is selected, or the selected one changed (renamed). */
static void
set_collection (VsSidebar          *self,
                const VsCollection *collection)
{
  if (self->collection == NULL && collection == NULL)
    return;
  if (self->collection != NULL && collection != NULL && self->collection->id == collection->id &&
      g_strcmp0 (self->collection->name, collection->name) == 0 &&
      g_strcmp0 (self->collection->query, collection->query) == 0)
    return;
  g_clear_pointer (&self->collection, vs_collection_free);
  if (collection != NULL)
    self->collection = vs_collection_copy (collection);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLLECTION]);
}

/* The fixed rows come first, in VsSidebarView's order; then the collections' section. */
#define N_FIXED_ROWS VS_SIDEBAR_VIEW_COLLECTION

/* The row of collection @id, or GTK_INVALID_LIST_POSITION. */
static guint
find_collection_row (VsSidebar *self,
                     gint64     id)
{
  guint n = self->roots != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->roots)) : 0;

  /* the section is at the top level, before the roots: a row there is its item's index */
  for (guint i = N_FIXED_ROWS; i < n; i++)
    {
      g_autoptr(VsFolderItem) item = g_list_model_get_item (G_LIST_MODEL (self->roots), i);
      const VsCollection *collection = vs_folder_item_get_collection (item);

      if (collection == NULL && !vs_folder_item_get_heading (item))
        break;
      if (collection != NULL && collection->id == id)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* The row to select for the fixed row or collection that was selected: All Videos when it
 * is gone. */
static guint
view_row (VsSidebar *self)
{
  guint row;

  if (self->view != VS_SIDEBAR_VIEW_COLLECTION)
    return self->view;
  row = self->collection != NULL ? find_collection_row (self, self->collection->id)
                                 : GTK_INVALID_LIST_POSITION;
  return row != GTK_INVALID_LIST_POSITION ? row : 0;
}

static gboolean
path_is_below (const char *path,
               const char *ancestor)
{
  gsize len = strlen (ancestor);

  return strncmp (path, ancestor, len) == 0 &&
         (path[len] == G_DIR_SEPARATOR || (len > 0 && ancestor[len - 1] == G_DIR_SEPARATOR));
}

static VsFolderItem *
row_item (GtkTreeListModel *tree,
          guint             position,
          GtkTreeListRow  **out_row)
{
  g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (tree, position);
  VsFolderItem *item = row ? gtk_tree_list_row_get_item (row) : NULL;

  if (out_row != NULL)
    *out_row = g_steal_pointer (&row);
  /* The row holds the item, so a borrowed pointer is safe while the row is. */
  if (item != NULL)
    g_object_unref (item);
  return item;
}

/* Called when the selection is lost because a parent folder collapsed over it, or a reload
 * replaced the tree. */
static void
select_nearest_ancestor (VsSidebar *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
  /* no folder: the fixed row that was selected (they come first, in VsSidebarView's order),
   * so a reload does not show All Videos for a moment */
  guint best = self->folder == NULL ? view_row (self) : 0;
  gsize best_len = 0;

  for (guint i = 1; self->folder != NULL && i < n; i++)
    {
      VsFolderItem *item = row_item (self->tree, i, NULL);
      const char *path = item != NULL ? vs_folder_item_get_path (item) : NULL;

      if (path != NULL && path_is_below (self->folder, path) && strlen (path) > best_len)
        {
          best = i;
          best_len = strlen (path);
        }
    }
  gtk_single_selection_set_selected (self->selection, best);
}

static void
on_selected_item (VsSidebar          *self,
                  GParamSpec         *pspec,
                  GtkSingleSelection *selection)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (selection);
  VsFolderItem *item;

  g_assert (VS_IS_SIDEBAR (self));

  if (row == NULL)
    {
      /* Nothing selected: a reload is still looking for the old folder, or it vanished
       * under a collapsed parent; or the collections' rows are being replaced. */
      if (self->restore_selected == NULL && !self->splicing)
        select_nearest_ancestor (self);
      return;
    }
  item = gtk_tree_list_row_get_item (row);
  /* A choice the user made wins over one reload() would restore. */
  g_clear_pointer (&self->restore_selected, g_free);
  g_clear_pointer (&self->menu_path, g_free);
  /* one change seen whole: whoever follows both never sees a view with the old folder */
  g_object_freeze_notify (G_OBJECT (self));
  set_view (self, vs_folder_item_get_view (item));
  set_folder (self, vs_folder_item_get_path (item));
  set_collection (self, vs_folder_item_get_collection (item));
  g_object_thaw_notify (G_OBJECT (self));
  g_object_unref (item);
}

/* Expands and selects what reload() remembered, as the levels it needs appear. */
static void
restore_state (VsSidebar *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = NULL;
      VsFolderItem *item = row_item (self->tree, i, &row);

      if (item == NULL || vs_folder_item_get_path (item) == NULL)
        continue;
      if (self->restore_expanded != NULL &&
          g_hash_table_remove (self->restore_expanded, vs_folder_item_get_path (item)))
        gtk_tree_list_row_set_expanded (row, TRUE);
      if (g_strcmp0 (self->restore_selected, vs_folder_item_get_path (item)) == 0)
        gtk_single_selection_set_selected (self->selection, i);
    }

  if (self->pending_loads == 0)
    {
      /* Everything that could come back has: forget the rest. */
      g_clear_pointer (&self->restore_expanded, g_hash_table_unref);
      if (self->restore_selected != NULL)
        {
          g_clear_pointer (&self->restore_selected, g_free);
          gtk_single_selection_set_selected (self->selection, 0);
        }
    }
}

static void
list_folders_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;

  folders = vs_database_list_folders (data->database, data->parent_path, &error);
  if (folders == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&folders), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_folders_listed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  VsSidebar *self = VS_SIDEBAR (object);  /* the task holds it */
  LoadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  folders = g_task_propagate_pointer (G_TASK (result), &error);
  /* Cancelled: a reload or dispose replaced this tree; the level is no longer shown. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_assert (self->pending_loads > 0);
  self->pending_loads--;
  if (folders == NULL)
    g_warning ("Could not list the folders of %s: %s",
               data->parent_path ? data->parent_path : "the library", error->message);
  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      VsFolderRecord *record = g_ptr_array_index (folders, i);

      VsFolderItem *item = vs_folder_item_new (record->path, record->name, record->has_children);

      if (data->parent_path == NULL)
        vs_folder_item_set_status (item, g_hash_table_lookup (self->root_status, record->path));
      g_ptr_array_add (items, item);
    }
  /* One splice for the level: the roots go after the fixed rows. */
  g_list_store_splice (data->store, g_list_model_get_n_items (G_LIST_MODEL (data->store)), 0,
                       items->pdata, items->len);
  restore_state (self);
}

static void
load_level (VsSidebar  *self,
            GListStore *store,
            const char *parent_path)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data = g_new0 (LoadData, 1);

  data->database = g_object_ref (self->database);
  data->store = g_object_ref (store);
  data->parent_path = g_strdup (parent_path);

  task = g_task_new (self, self->cancellable, on_folders_listed, NULL);
  g_task_set_source_tag (task, load_level);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  self->pending_loads++;
  g_task_run_in_thread (task, list_folders_thread);
}

/* The tree's children for @object: an empty level now, filled when the thread answers. */
static GListModel *
create_children (gpointer object,
                 gpointer user_data)
{
  VsFolderItem *item = object;
  g_autoptr(VsSidebar) self = g_weak_ref_get (user_data);
  GListStore *store;

  if (self == NULL || self->database == NULL || vs_folder_item_get_path (item) == NULL ||
      !vs_folder_item_get_has_children (item))
    return NULL;
  store = g_list_store_new (VS_TYPE_FOLDER_ITEM);
  load_level (self, store, vs_folder_item_get_path (item));
  return G_LIST_MODEL (store);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* The collections' section: a heading and a row each, nothing when there are none. The
 * list is a few rows of the index, read on the reader (allowed on the main thread). */
static void
append_collections (VsSidebar  *self,
                    GListStore *store)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsFolderItem) heading = NULL;

  if (self->library == NULL || !vs_library_get_readable (self->library))
    return;
  list = vs_library_list_collections (self->library, &error);
  if (list == NULL)
    {
      g_warning ("Could not list the collections: %s", error->message);
      return;
    }
  if (list->len == 0)
    return;
  heading = vs_folder_item_new_heading (_("Collections"));
  g_list_store_append (store, heading);
  for (guint i = 0; i < list->len; i++)
    {
      g_autoptr(VsFolderItem) item = vs_folder_item_new_collection (g_ptr_array_index (list, i));

      g_list_store_append (store, item);
    }
}

/* After a change of the collections: their rows replaced in one splice, the selected one
 * selected again (renamed, perhaps), All Videos when it is gone. */
static void
reload_collections (VsSidebar *self)
{
  g_autoptr(GListStore) fresh = g_list_store_new (VS_TYPE_FOLDER_ITEM);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));
  guint old_n = 0;
  gboolean was_collection = self->view == VS_SIDEBAR_VIEW_COLLECTION;

  while (N_FIXED_ROWS + old_n < n)
    {
      g_autoptr(VsFolderItem) item = g_list_model_get_item (G_LIST_MODEL (self->roots),
                                                            N_FIXED_ROWS + old_n);

      if (vs_folder_item_get_collection (item) == NULL && !vs_folder_item_get_heading (item))
        break;
      old_n++;
    }
  append_collections (self, fresh);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (fresh)); i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (fresh), i));
  self->splicing = TRUE;
  g_list_store_splice (self->roots, N_FIXED_ROWS, old_n, items->pdata, items->len);
  self->splicing = FALSE;
  if (was_collection)
    gtk_single_selection_set_selected (self->selection, view_row (self));
}

static void
rebuild (VsSidebar *self)
{
  g_autoptr(GListStore) roots = g_list_store_new (VS_TYPE_FOLDER_ITEM);
  g_autoptr(VsFolderItem) all = vs_folder_item_new (NULL, _("All Videos"), FALSE);
  g_autoptr(VsFolderItem) hls = vs_folder_item_new_hls (_("HLS Downloads"));
  g_autoptr(VsFolderItem) resume = vs_folder_item_new_view (VS_SIDEBAR_VIEW_CONTINUE,
                                                            _("Continue Watching"));
  g_autoptr(VsFolderItem) recent = vs_folder_item_new_view (VS_SIDEBAR_VIEW_RECENT,
                                                            _("Recently Played"));
  g_autoptr(VsFolderItem) stats = vs_folder_item_new_view (VS_SIDEBAR_VIEW_STATISTICS,
                                                           _("Statistics"));
  g_autoptr(VsFolderItem) duplicates = vs_folder_item_new_view (VS_SIDEBAR_VIEW_DUPLICATES,
                                                                _("Duplicates"));
  GWeakRef *weak = g_new0 (GWeakRef, 1);
  guint was_row;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->pending_loads = 0;

  g_list_store_append (roots, all);
  g_list_store_append (roots, hls);
  g_list_store_append (roots, resume);
  g_list_store_append (roots, recent);
  g_list_store_append (roots, stats);
  g_list_store_append (roots, duplicates);
  append_collections (self, roots);
  g_weak_ref_init (weak, self);
  g_clear_object (&self->tree);
  g_set_object (&self->roots, roots);
  self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (roots)), FALSE, FALSE,
                                        create_children, weak, weak_ref_free);
  was_row = view_row (self);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->tree));
  /* the fixed rows, in the order of VsSidebarView, and the collections: the one selected
   * stays selected across a reload (a merge rescans) */
  if (self->restore_selected == NULL)
    gtk_single_selection_set_selected (self->selection, was_row);
  if (self->database != NULL)
    load_level (self, roots, NULL);
  else
    restore_state (self);
}

void
vs_sidebar_set_database (VsSidebar  *self,
                         VsDatabase *reader)
{
  g_return_if_fail (VS_IS_SIDEBAR (self));
  g_return_if_fail (reader == NULL || VS_IS_DATABASE (reader));

  if (!g_set_object (&self->database, reader))
    return;
  /* A new library: nothing of the old one's state applies. */
  g_clear_pointer (&self->restore_expanded, g_hash_table_unref);
  g_clear_pointer (&self->restore_selected, g_free);
  rebuild (self);
}

/* How each root is followed, in words (NULL: nothing to say). */
static const char *
root_status (VsLibraryRoot  *root,
             char          **text)
{
  guint minutes = MAX (1, vs_library_root_get_poll_interval (root) / 60);

  switch (vs_library_root_get_state (root))
    {
    case VS_LIBRARY_ROOT_WATCHING:
      return _("Watching for changes");
    case VS_LIBRARY_ROOT_POLLING:
      return *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Checked every minute",
                                                   "Checked every %u minutes", minutes), minutes);
    case VS_LIBRARY_ROOT_UNAVAILABLE:
      return _("Unavailable");
    case VS_LIBRARY_ROOT_SCANNING:
    case VS_LIBRARY_ROOT_STARTING:
    default:
      return NULL;
    }
}

/* The roots are few: all of their states, each time. */
static void
update_root_statuses (VsSidebar *self)
{
  GListModel *roots = vs_library_get_roots (self->library);
  guint n = g_list_model_get_n_items (roots);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (roots, i);
      g_autofree char *text = NULL;

      vs_sidebar_set_root_status (self, vs_library_root_get_path (root), root_status (root, &text));
    }
}

static void
on_library_changed (VsSidebar *self,
                    guint      what)
{
  update_root_statuses (self);
  if ((what & (VS_LIBRARY_CHANGE_FOLDERS | VS_LIBRARY_CHANGE_ROOTS)) != 0)
    vs_sidebar_reload (self);
}

/* Shows @library's folders and follows its changes and its roots' states (ready). */
void
vs_sidebar_set_library (VsSidebar *self,
                        VsLibrary *library)
{
  g_return_if_fail (VS_IS_SIDEBAR (self));
  g_return_if_fail (VS_IS_LIBRARY (library));
  g_return_if_fail (self->library == NULL);

  self->library = g_object_ref (library);
  g_signal_connect_object (library, "changed", G_CALLBACK (on_library_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (library, "collections-changed", G_CALLBACK (reload_collections),
                           self, G_CONNECT_SWAPPED);
  vs_sidebar_set_database (self, vs_library_get_reader (library));
  update_root_statuses (self);
}

void
vs_sidebar_reload (VsSidebar *self)
{
  g_return_if_fail (VS_IS_SIDEBAR (self));

  /* a selection asked for and still on its way stays asked for */
  vs_sidebar_reload_selecting (self, self->restore_selected ? self->restore_selected
                                                            : self->folder);
}

void
vs_sidebar_reload_selecting (VsSidebar  *self,
                             const char *folder)
{
  guint n;

  g_return_if_fail (VS_IS_SIDEBAR (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
  g_clear_pointer (&self->restore_expanded, g_hash_table_unref);
  self->restore_expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = NULL;
      VsFolderItem *item = row_item (self->tree, i, &row);

      if (item != NULL && vs_folder_item_get_path (item) != NULL &&
          gtk_tree_list_row_get_expanded (row))
        g_hash_table_add (self->restore_expanded, g_strdup (vs_folder_item_get_path (item)));
    }
  /* @folder may be self->folder or self->restore_selected: copied before either goes */
  {
    char *copy = g_strdup (folder);

    g_free (self->restore_selected);
    self->restore_selected = copy;
  }
  rebuild (self);
}

void
vs_sidebar_select_all_videos (VsSidebar *self)
{
  g_return_if_fail (VS_IS_SIDEBAR (self));

  g_clear_pointer (&self->restore_selected, g_free);
  gtk_single_selection_set_selected (self->selection, 0);
}

void
vs_sidebar_set_root_status (VsSidebar  *self,
                            const char *root,
                            const char *status)
{
  g_return_if_fail (VS_IS_SIDEBAR (self));
  g_return_if_fail (root != NULL);

  if (status != NULL)
    g_hash_table_replace (self->root_status, g_strdup (root), g_strdup (status));
  else
    g_hash_table_remove (self->root_status, root);
  /* The rows showing it follow the item's notify. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->roots)); i++)
    {
      g_autoptr(VsFolderItem) item = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      if (g_strcmp0 (vs_folder_item_get_path (item), root) == 0)
        vs_folder_item_set_status (item, status);
    }
}

const char *
vs_sidebar_get_folder (VsSidebar *self)
{
  g_return_val_if_fail (VS_IS_SIDEBAR (self), NULL);

  return self->folder;
}

gboolean
vs_sidebar_get_hls_only (VsSidebar *self)
{
  g_return_val_if_fail (VS_IS_SIDEBAR (self), FALSE);

  return self->view == VS_SIDEBAR_VIEW_HLS;
}

VsSidebarView
vs_sidebar_get_view (VsSidebar *self)
{
  g_return_val_if_fail (VS_IS_SIDEBAR (self), VS_SIDEBAR_VIEW_FOLDER);

  return self->view;
}

gboolean
vs_sidebar_get_recursive (VsSidebar *self)
{
  g_return_val_if_fail (VS_IS_SIDEBAR (self), FALSE);

  return self->recursive;
}

void
vs_sidebar_set_recursive (VsSidebar *self,
                          gboolean   recursive)
{
  g_return_if_fail (VS_IS_SIDEBAR (self));

  recursive = !!recursive;
  if (self->recursive == recursive)
    return;
  self->recursive = recursive;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECURSIVE]);
}

VsSidebar *
vs_sidebar_new (void)
{
  return g_object_new (VS_TYPE_SIDEBAR, NULL);
}

gint64
vs_sidebar_get_collection_id (VsSidebar *self)
{
  g_return_val_if_fail (VS_IS_SIDEBAR (self), 0);

  return self->collection != NULL ? self->collection->id : 0;
}

const char *
vs_sidebar_get_collection_name (VsSidebar *self)
{
  g_return_val_if_fail (VS_IS_SIDEBAR (self), NULL);

  return self->collection != NULL ? self->collection->name : NULL;
}

const char *
vs_sidebar_get_collection_query (VsSidebar *self)
{
  g_return_val_if_fail (VS_IS_SIDEBAR (self), NULL);

  return self->collection != NULL ? self->collection->query : NULL;
}

gboolean
vs_sidebar_select_collection (VsSidebar *self,
                              gint64     id)
{
  guint row;

  g_return_val_if_fail (VS_IS_SIDEBAR (self), FALSE);

  row = find_collection_row (self, id);
  if (row == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_single_selection_set_selected (self->selection, row);
  return TRUE;
}

/* The context menu of a folder ----------------------------------------------- */

/* The collection of the row showing @expander, remembered with where its row is for a
 * menu's verbs; FALSE when the row is no collection. */
static gboolean
take_collection (VsSidebar *self,
                 GtkWidget *expander)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (expander), "vs-list-item");
  GtkTreeListRow *row = list_item != NULL ? gtk_list_item_get_item (list_item) : NULL;
  g_autoptr(VsFolderItem) item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
  graphene_rect_t bounds;

  if (item == NULL || vs_folder_item_get_collection (item) == NULL || self->library == NULL ||
      !gtk_widget_compute_bounds (expander, GTK_WIDGET (self), &bounds))
    return FALSE;
  g_clear_pointer (&self->menu_collection, vs_collection_free);
  self->menu_collection = vs_collection_copy (vs_folder_item_get_collection (item));
  self->menu_rect = (GdkRectangle) { (int) bounds.origin.x, (int) bounds.origin.y,
                                     (int) bounds.size.width, (int) bounds.size.height };
  return TRUE;
}

/* F2 and Delete on a collection's row: rename, remove (another row: not handled). */
static gboolean
collection_key (GtkWidget *expander,
                GVariant  *args,
                gpointer   user_data)
{
  VsSidebar *self = VS_SIDEBAR (gtk_widget_get_ancestor (expander, VS_TYPE_SIDEBAR));

  if (self == NULL || !take_collection (self, expander))
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), (const char *) user_data, NULL);
  return TRUE;
}

/* Opens the menu of the row showing @expander at (@x, @y) of it; FALSE for All Videos
 * and the other fixed rows, which are no folders. */
static gboolean
popup_row_menu (GtkWidget *expander,
                double     x,
                double     y)
{
  VsSidebar *self = VS_SIDEBAR (gtk_widget_get_ancestor (expander, VS_TYPE_SIDEBAR));
  GtkListItem *list_item = g_object_get_data (G_OBJECT (expander), "vs-list-item");
  GtkTreeListRow *row = list_item != NULL ? gtk_list_item_get_item (list_item) : NULL;
  g_autoptr(VsFolderItem) item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
  graphene_point_t at;

  if (self != NULL && item != NULL && vs_folder_item_get_collection (item) != NULL)
    {
      if (!take_collection (self, expander))
        return FALSE;
      if (!gtk_widget_compute_point (expander, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &at))
        return FALSE;
      vs_popup_menu_at (GTK_WIDGET (self), self->collection_menu, at.x, at.y);
      return TRUE;
    }
  if (self == NULL || item == NULL || vs_folder_item_get_path (item) == NULL ||
      !gtk_widget_compute_point (expander, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &at))
    return FALSE;
  g_free (self->menu_path);
  self->menu_path = g_strdup (vs_folder_item_get_path (item));
  /* a library folder can be removed from the library; a folder inside one cannot */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sidebar.remove",
                                 gtk_tree_list_row_get_depth (row) == 0 &&
                                 self->library != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sidebar.rescan", self->library != NULL);
  vs_popup_menu_at (GTK_WIDGET (self), self->folder_menu, at.x, at.y);
  return TRUE;
}

static void
on_row_pressed (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                gpointer         user_data)
{
  GtkWidget *expander = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  if (popup_row_menu (expander, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
row_menu_key (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  return popup_row_menu (widget, gtk_widget_get_width (widget) / 2.0,
                         gtk_widget_get_height (widget) / 2.0);
}

/* A right-click, the Menu key or Shift+F10 on a row. */
static void
add_row_menu_triggers (GtkWidget *expander)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_shortcut_controller_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_row_pressed), NULL);
  gtk_widget_add_controller (expander, GTK_EVENT_CONTROLLER (click));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
    gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
                                                   gtk_keyval_trigger_new (GDK_KEY_F10,
                                                                           GDK_SHIFT_MASK)),
                      gtk_callback_action_new (row_menu_key, NULL, NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_F2, 0),
                      gtk_callback_action_new (collection_key,
                                               (gpointer) "sidebar.rename-collection", NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
    gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                                                   gtk_keyval_trigger_new (GDK_KEY_KP_Delete, 0)),
                      gtk_callback_action_new (collection_key,
                                               (gpointer) "sidebar.remove-collection", NULL)));
  gtk_widget_add_controller (expander, keys);
}

typedef enum
{
  VERB_OPEN,
  VERB_RESCAN,
  VERB_REMOVE,
} VerbKind;

/* What a folder verb was for, to say which folder failed. */
typedef struct
{
  VsSidebar *self;
  char      *path;
  VerbKind   kind;
} FolderVerb;

static FolderVerb *
folder_verb_new (VsSidebar *self,
                 VerbKind   kind)
{
  FolderVerb *verb = g_new0 (FolderVerb, 1);

  verb->self = g_object_ref (self);
  verb->path = g_strdup (self->menu_path);
  verb->kind = kind;
  return verb;
}

static void
report_error (FolderVerb *verb,
              GError     *error)
{
  g_autofree char *name = g_filename_display_basename (verb->path);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* TRANSLATORS: a folder's name, then why */
  if (verb->kind == VERB_OPEN)
    text = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
  else if (verb->kind == VERB_RESCAN)
    text = g_strdup_printf (_("Could not rescan “%s”: %s"), name, error->message);
  else
    text = g_strdup_printf (_("Could not remove “%s”: %s"), name, error->message);
  g_signal_emit (verb->self, signals[ERROR], 0, text);
}

static void
folder_verb_free (FolderVerb *verb)
{
  g_object_unref (verb->self);
  g_free (verb->path);
  g_free (verb);
}

static void
on_open_with_files (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  FolderVerb *verb = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error))
    report_error (verb, error);
  folder_verb_free (verb);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VsSidebar *self = VS_SIDEBAR (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *uri = self->menu_path ? g_filename_to_uri (self->menu_path, NULL, NULL) : NULL;

  if (uri != NULL && GTK_IS_WINDOW (root))
    gtk_show_uri_full (GTK_WINDOW (root), uri, GDK_CURRENT_TIME, NULL, on_open_with_files,
                       folder_verb_new (self, VERB_OPEN));
}

static void
on_folder_verb_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  FolderVerb *verb = user_data;
  g_autoptr(GError) error = NULL;

  /* the window reports scans it starts; these show in the grid and the tree */
  if (!vs_library_scan_finish (VS_LIBRARY (object), result, NULL, &error))
    report_error (verb, error);
  folder_verb_free (verb);
}

static void
rescan_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VsSidebar *self = VS_SIDEBAR (widget);

  if (self->library != NULL && self->menu_path != NULL)
    vs_library_rescan_async (self->library, self->menu_path, NULL, on_folder_verb_done,
                             folder_verb_new (self, VERB_RESCAN));
}

/* Forgets the library folder and what is indexed under it; no file is touched. */
static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VsSidebar *self = VS_SIDEBAR (widget);

  if (self->library != NULL && self->menu_path != NULL)
    vs_library_remove_root_async (self->library, self->menu_path, NULL, on_folder_verb_done,
                                  folder_verb_new (self, VERB_REMOVE));
}

/* The collections' verbs --------------------------------------------------------- */

static void
on_collection_renamed (VsSidebar *self)
{
  /* the keyboard goes back to the rows */
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
rename_collection_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  VsSidebar *self = VS_SIDEBAR (widget);
  GtkWidget *popover;

  if (self->library == NULL || self->menu_collection == NULL)
    return;
  popover = vs_collection_popover_new_rename (self->library, self->menu_collection->id,
                                              self->menu_collection->name);
  g_signal_connect_object (popover, "saved", G_CALLBACK (on_collection_renamed), self,
                           G_CONNECT_SWAPPED);
  vs_collection_popover_popup_at (VS_COLLECTION_POPOVER (popover), widget, &self->menu_rect);
}

typedef struct
{
  VsSidebar    *self;
  VsCollection *collection;
  guint         position;   /* among the collections */
} RemovedCollection;

static void
on_collection_removed (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  RemovedCollection *removed = user_data;
  g_autoptr(GError) error = NULL;

  if (vs_library_collection_finish (VS_LIBRARY (object), result, &error))
    g_signal_emit (removed->self, signals[COLLECTION_REMOVED], 0, removed->collection,
                   removed->position);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: a collection's name, then why */
      g_autofree char *text = g_strdup_printf (_("Could not remove “%s”: %s"),
                                               removed->collection->name, error->message);

      g_signal_emit (removed->self, signals[ERROR], 0, text);
    }
  g_object_unref (removed->self);
  vs_collection_free (removed->collection);
  g_free (removed);
}

/* Forgets the collection (no video is touched); the window offers to undo it. */
static void
remove_collection_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  VsSidebar *self = VS_SIDEBAR (widget);
  RemovedCollection *removed;
  guint row;

  if (self->library == NULL || self->menu_collection == NULL)
    return;
  row = find_collection_row (self, self->menu_collection->id);
  removed = g_new0 (RemovedCollection, 1);
  removed->self = g_object_ref (self);
  removed->collection = vs_collection_copy (self->menu_collection);
  /* after the heading */
  removed->position = row != GTK_INVALID_LIST_POSITION ? row - N_FIXED_ROWS - 1 : 0;
  vs_library_remove_collection_async (self->library, removed->collection->id, NULL,
                                      on_collection_removed, removed);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *status = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (status), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "caption");
  gtk_widget_add_css_class (status, "dim-label");
  gtk_widget_set_visible (status, FALSE);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (texts), label);
  gtk_box_append (GTK_BOX (texts), status);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
  g_object_set_data (G_OBJECT (expander), "vs-list-item", list_item);
  add_row_menu_triggers (expander);
}

static void
show_status (VsFolderItem *item,
             GParamSpec   *pspec,
             GtkLabel     *status)
{
  const char *text = vs_folder_item_get_status (item);

  gtk_label_set_label (status, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (status), text != NULL);
}

static const char *
row_icon (VsFolderItem *item)
{
  switch (vs_folder_item_get_view (item))
    {
    case VS_SIDEBAR_VIEW_HLS:
      return "folder-download-symbolic";
    case VS_SIDEBAR_VIEW_CONTINUE:
      return "media-playback-start-symbolic";
    case VS_SIDEBAR_VIEW_RECENT:
      return "document-open-recent-symbolic";
    case VS_SIDEBAR_VIEW_COLLECTION:
      return "folder-saved-search-symbolic";
    case VS_SIDEBAR_VIEW_STATISTICS:
      return "vs-statistics-symbolic";
    case VS_SIDEBAR_VIEW_DUPLICATES:
      return "edit-copy-symbolic";
    case VS_SIDEBAR_VIEW_FOLDER:
    default:
      return vs_folder_item_get_path (item) == NULL ? "view-grid-symbolic" : "folder-symbolic";
    }
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *icon = gtk_widget_get_first_child (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander)));
  GtkWidget *label = gtk_widget_get_first_child (gtk_widget_get_next_sibling (icon));
  GtkWidget *status = gtk_widget_get_next_sibling (label);
  g_autoptr(VsFolderItem) item = gtk_tree_list_row_get_item (row);

  show_status (item, NULL, GTK_LABEL (status));
  g_signal_connect_object (item, "notify::status", G_CALLBACK (show_status), status, 0);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), row_icon (item));
  gtk_label_set_label (GTK_LABEL (label), vs_folder_item_get_name (item));
  /* the collections' heading: a title, not a place to go */
  gtk_list_item_set_selectable (list_item, !vs_folder_item_get_heading (item));
  gtk_list_item_set_activatable (list_item, !vs_folder_item_get_heading (item));
  gtk_widget_set_visible (icon, !vs_folder_item_get_heading (item));
  if (vs_folder_item_get_heading (item))
    {
      gtk_widget_add_css_class (label, "heading");
      gtk_widget_add_css_class (label, "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (label, "heading");
      gtk_widget_remove_css_class (label, "dim-label");
    }
  /* The full path where a name alone is ambiguous or cut short. */
  if (vs_folder_item_get_path (item) != NULL)
    {
      g_autofree char *display = g_filename_display_name (vs_folder_item_get_path (item));

      gtk_widget_set_tooltip_text (expander, display);
    }
  else
    gtk_widget_set_tooltip_text (expander, NULL);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  g_autoptr(GObject) item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  if (item != NULL)
    g_signal_handlers_disconnect_matched (item, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, show_status, NULL);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
}

static void
vs_sidebar_dispose (GObject *object)
{
  VsSidebar *self = VS_SIDEBAR (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_SIDEBAR);
  /* a folder's menu, open or waiting for its idle to go */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->roots);
  g_clear_object (&self->database);
  g_clear_object (&self->library);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vs_sidebar_parent_class)->dispose (object);
}

static void
vs_sidebar_finalize (GObject *object)
{
  VsSidebar *self = VS_SIDEBAR (object);

  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->restore_selected, g_free);
  g_clear_pointer (&self->restore_expanded, g_hash_table_unref);
  g_clear_pointer (&self->root_status, g_hash_table_unref);
  g_clear_pointer (&self->collection, vs_collection_free);
  g_clear_pointer (&self->menu_collection, vs_collection_free);
  g_clear_pointer (&self->menu_path, g_free);

  G_OBJECT_CLASS (vs_sidebar_parent_class)->finalize (object);
}

static void
vs_sidebar_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VsSidebar *self = VS_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_FOLDER:
      g_value_set_string (value, self->folder);
      break;
    case PROP_RECURSIVE:
      g_value_set_boolean (value, self->recursive);
      break;
    case PROP_HLS_ONLY:
      g_value_set_boolean (value, self->view == VS_SIDEBAR_VIEW_HLS);
      break;
    case PROP_VIEW:
      g_value_set_uint (value, self->view);
      break;
    case PROP_COLLECTION:
      g_value_set_int64 (value, vs_sidebar_get_collection_id (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_sidebar_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VsSidebar *self = VS_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_RECURSIVE:
      vs_sidebar_set_recursive (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_sidebar_class_init (VsSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_sidebar_dispose;
  object_class->finalize = vs_sidebar_finalize;
  object_class->get_property = vs_sidebar_get_property;
  object_class->set_property = vs_sidebar_set_property;

  properties[PROP_FOLDER] =
    g_param_spec_string ("folder", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECURSIVE] =
    g_param_spec_boolean ("recursive", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HLS_ONLY] =
    g_param_spec_boolean ("hls-only", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* a VsSidebarView (no enum GType: nothing outside C reads it) */
  properties[PROP_VIEW] =
    g_param_spec_uint ("view", NULL, NULL, VS_SIDEBAR_VIEW_FOLDER, VS_SIDEBAR_VIEW_COLLECTION,
                       VS_SIDEBAR_VIEW_FOLDER,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* the selected collection's id, 0 when none: notifies when another is selected or the
   * selected one changes (its name, its query) */
  properties[PROP_COLLECTION] =
    g_param_spec_int64 ("collection", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (const char *text): a folder or collection verb failed; for the window's toasts */
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* (VsCollection *removed, guint position): removed from the context menu or with
   * Delete; the window offers to undo it (adding it back at @position) */
  signals[COLLECTION_REMOVED] =
    g_signal_new ("collection-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, VS_TYPE_COLLECTION, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, VsSidebar, content);
  gtk_widget_class_bind_template_child (widget_class, VsSidebar, list_view);
  gtk_widget_class_bind_template_child (widget_class, VsSidebar, recursive_switch);
  gtk_widget_class_bind_template_child (widget_class, VsSidebar, folder_menu);
  gtk_widget_class_bind_template_child (widget_class, VsSidebar, collection_menu);
  gtk_widget_class_install_action (widget_class, "sidebar.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "sidebar.rescan", NULL, rescan_action);
  gtk_widget_class_install_action (widget_class, "sidebar.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "sidebar.rename-collection", NULL,
                                   rename_collection_action);
  gtk_widget_class_install_action (widget_class, "sidebar.remove-collection", NULL,
                                   remove_collection_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vs-sidebar");
}

static void
vs_sidebar_init (VsSidebar *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  self->recursive = TRUE;
  self->root_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);

  /* No autoselect: while a reload looks for the old folder, nothing is selected, so the
   * folder property does not flicker to All Videos and back. */
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selected_item), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  rebuild (self);

  g_object_bind_property (self, "recursive", self->recursive_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}
