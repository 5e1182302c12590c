/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-trash-batch.c: many items trashed as one action, with one compact undo record
 *
 * Each item goes through VsTrash (its inventory, the second inventory under the lock, its
 * refusals); only what moved is kept, in flat arrays: per entry its folder (an index into
 * a table of folders), its name and its name in the trash (offsets into one buffer of
 * names, the latter only when it differs), the trash it went to (an index: a disk's trash
 * is one per device) and its inode. That is 24 bytes and a name per entry, so the undo of
 * 100,000 videos stays a few MiB where a VsTrash per item would be tens.
 */
#define G_LOG_DOMAIN "vs-trash"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vs-trash-batch.h"
#include "vs-trash-private.h"

#define SAME_NAME G_MAXUINT32  /* BatchEntry.trashed: the entry kept its name */
#define RESTORED  G_MAXUINT32  /* BatchEntry.trash: back at its original place */

typedef struct
{
  guint32 folder;   /* index into folders */
  guint32 name;     /* offset into names */
  guint32 trashed;  /* offset into names, or SAME_NAME */
  guint32 trash;    /* index into trashes, or RESTORED */
  guint64 ino;
} BatchEntry;

typedef struct
{
  guint32 first;    /* index into entries */
  guint32 n;
  guint32 folder;   /* the folder whose listing it changed */
  guint32 n_left;   /* entries still in the trash */
} BatchItem;

typedef struct
{
  dev_t  dev;
  char  *files_dir;
  char  *info_dir;
} BatchTrash;

struct _VsTrashBatch
{
  GObject      parent_instance;

  GMutex       lock;       /* the worker records while views may read the counts */
  GArray      *entries;    /* BatchEntry */
  GArray      *items;      /* BatchItem */
  GByteArray  *names;      /* NUL-terminated names */
  GPtrArray   *folders;    /* owned strings */
  GHashTable  *folder_ids; /* borrowed string → index + 1 */
  GArray      *trashes;    /* BatchTrash */
  guint        n_items;    /* items with an entry still in the trash */
  guint        n_refused;
  GPtrArray   *refusals;   /* the first messages, NULL-terminated */
};

G_DEFINE_FINAL_TYPE (VsTrashBatch, vs_trash_batch, G_TYPE_OBJECT)

VsTrashBatch *
vs_trash_batch_new (void)
{
  return g_object_new (VS_TYPE_TRASH_BATCH, NULL);
}

/* Recording ------------------------------------------------------------------------ */

static guint32
add_name (VsTrashBatch *self,
          const char   *name)
{
  guint32 offset = self->names->len;

  g_byte_array_append (self->names, (const guint8 *) name, strlen (name) + 1);
  return offset;
}

static guint32
add_folder (VsTrashBatch *self,
            const char   *folder)
{
  gpointer found = g_hash_table_lookup (self->folder_ids, folder);
  char *copy;

  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;
  copy = g_strdup (folder);
  g_ptr_array_add (self->folders, copy);
  g_hash_table_insert (self->folder_ids, copy, GUINT_TO_POINTER (self->folders->len));
  return self->folders->len - 1;
}

static guint32
add_trash (VsTrashBatch *self,
           dev_t         dev,
           const char   *files_dir,
           const char   *info_dir)
{
  BatchTrash t;

  /* a handful: one per disk */
  for (guint i = self->trashes->len; i > 0; i--)
    {
      BatchTrash *known = &g_array_index (self->trashes, BatchTrash, i - 1);

      if (known->dev == dev && strcmp (known->files_dir, files_dir) == 0 &&
          strcmp (known->info_dir, info_dir) == 0)
        return i - 1;
    }
  t.dev = dev;
  t.files_dir = g_strdup (files_dir);
  t.info_dir = g_strdup (info_dir);
  g_array_append_val (self->trashes, t);
  return self->trashes->len - 1;
}

/* The folder a rescan must look at: the HLS item's (or the file's) folder, or its parent
 * when the whole folder went (as for a single trash). */
static char *
item_folder (VsTrash *trash)
{
  g_autofree char *folder = g_path_get_dirname (vs_trash_get_item_path (trash));

  if (vs_trash_get_takes_folder (trash))
    return g_path_get_dirname (folder);
  return g_steal_pointer (&folder);
}

static void
record (VsTrashBatch *self,
        VsTrash      *trash)
{
  g_autofree char *folder = item_folder (trash);
  BatchItem item = { 0 };

  item.first = self->entries->len;
  item.n = trash->entries->len;
  item.n_left = item.n;
  item.folder = add_folder (self, folder);
  for (guint i = 0; i < trash->entries->len; i++)
    {
      const Entry *e = &g_array_index (trash->entries, Entry, i);
      g_autofree char *dir = g_path_get_dirname (e->path);
      g_autofree char *name = g_path_get_basename (e->path);
      g_autofree char *files_dir = g_path_get_dirname (e->trashed);
      g_autofree char *info_dir = g_path_get_dirname (e->info);
      g_autofree char *trashed_name = g_path_get_basename (e->trashed);
      BatchEntry be;

      be.folder = add_folder (self, dir);
      be.name = add_name (self, name);
      be.trashed = strcmp (name, trashed_name) == 0 ? SAME_NAME : add_name (self, trashed_name);
      be.trash = add_trash (self, e->stamp.dev, files_dir, info_dir);
      be.ino = e->stamp.ino;
      g_array_append_val (self->entries, be);
    }
  g_array_append_val (self->items, item);
  self->n_items++;
}

static void
refuse (VsTrashBatch *self,
        const GError *error)
{
  self->n_refused++;
  if (self->refusals->len < VS_TRASH_BATCH_MAX_MESSAGES + 1)
    {
      /* keeps the array NULL-terminated */
      self->refusals->pdata[self->refusals->len - 1] = g_strdup (error->message);
      g_ptr_array_add (self->refusals, NULL);
    }
}

gboolean
vs_trash_batch_trash_item (VsTrashBatch        *self,
                           const char          *path,
                           const char * const  *roots,
                           GCancellable        *cancellable,
                           GError             **error)
{
  g_autoptr(VsTrash) trash = NULL;
  GError *local = NULL;

  g_return_val_if_fail (VS_IS_TRASH_BATCH (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  trash = vs_trash_new_for_item (path, roots, cancellable, &local);
  if (trash != NULL && vs_trash_run (trash, cancellable, &local))
    {
      g_mutex_lock (&self->lock);
      record (self, trash);
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  /* a cancel is no refusal: the item was only left alone */
  if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_mutex_lock (&self->lock);
      refuse (self, local);
      g_mutex_unlock (&self->lock);
    }
  g_propagate_error (error, local);
  return FALSE;
}

/* Restoring ------------------------------------------------------------------------ */

/* Moves one entry back through the same check as a single restore. */
static gboolean
move_back (VsTrashBatch *self,
           BatchEntry   *be,
           GError      **error)
{
  const BatchTrash *t = &g_array_index (self->trashes, BatchTrash, be->trash);
  const char *name = (const char *) self->names->data + be->name;
  const char *trashed_name = be->trashed == SAME_NAME ? name
                             : (const char *) self->names->data + be->trashed;
  g_autofree char *info_name = g_strconcat (trashed_name, ".trashinfo", NULL);
  Entry e = { 0 };
  gboolean ok;

  e.path = g_build_filename (g_ptr_array_index (self->folders, be->folder), name, NULL);
  e.trashed = g_build_filename (t->files_dir, trashed_name, NULL);
  e.info = g_build_filename (t->info_dir, info_name, NULL);
  e.stamp.dev = t->dev;
  e.stamp.ino = be->ino;
  ok = _vs_trash_move_back (&e, error);
  g_free (e.path);
  g_free (e.trashed);
  g_free (e.info);
  return ok;
}

/* Restores what is left of one item; FALSE with @error (the first reason) when some
 * entry could not come back. */
static gboolean
restore_item (VsTrashBatch *self,
              BatchItem    *item,
              GError      **error)
{
  GError *first = NULL;

  /* folders before what they held: the entries are in that order */
  for (guint32 i = item->first; i < item->first + item->n; i++)
    {
      BatchEntry *be = &g_array_index (self->entries, BatchEntry, i);
      GError *local = NULL;

      if (be->trash == RESTORED)
        continue;
      if (move_back (self, be, &local))
        {
          be->trash = RESTORED;
          item->n_left--;
        }
      else if (first == NULL)
        first = local;
      else
        g_error_free (local);
    }
  if (first != NULL)
    {
      g_propagate_error (error, first);
      return FALSE;
    }
  return TRUE;
}

gboolean
vs_trash_batch_restore (VsTrashBatch  *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GError) first = NULL;
  guint n_failed = 0;
  gboolean cancelled = FALSE;

  g_return_val_if_fail (VS_IS_TRASH_BATCH (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  _vs_trash_lock ();
  for (guint i = 0; i < self->items->len; i++)
    {
      BatchItem *item = &g_array_index (self->items, BatchItem, i);
      GError *local = NULL;

      if (item->n_left == 0)
        continue;
      /* what came back stays back; the rest stays undoable */
      if (g_cancellable_is_cancelled (cancellable))
        {
          cancelled = TRUE;
          break;
        }
      if (restore_item (self, item, &local))
        self->n_items--;
      else
        {
          n_failed++;
          if (first == NULL)
            first = local;
          else
            g_error_free (local);
        }
    }
  _vs_trash_unlock ();
  g_mutex_unlock (&self->lock);
  if (cancelled)
    return !g_cancellable_set_error_if_cancelled (cancellable, error);
  if (n_failed == 1)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  if (n_failed > 1)
    {
      g_set_error (error, VS_TRASH_ERROR, first->code,
                   g_dngettext (GETTEXT_PACKAGE, "%u item could not be restored: %s",
                                "%u items could not be restored; the first: %s", n_failed),
                   n_failed, first->message);
      return FALSE;
    }
  return TRUE;
}

static void
restore_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;

  if (vs_trash_batch_restore (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vs_trash_batch_restore_async (VsTrashBatch        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VS_IS_TRASH_BATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_trash_batch_restore_async);
  g_task_run_in_thread (task, restore_thread);
}

gboolean
vs_trash_batch_restore_finish (VsTrashBatch  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Accessors ------------------------------------------------------------------------ */

guint
vs_trash_batch_get_n_items (VsTrashBatch *self)
{
  guint n;

  g_return_val_if_fail (VS_IS_TRASH_BATCH (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_items;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
vs_trash_batch_get_n_entries (VsTrashBatch *self)
{
  guint n;

  g_return_val_if_fail (VS_IS_TRASH_BATCH (self), 0);

  g_mutex_lock (&self->lock);
  n = self->entries->len;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
vs_trash_batch_get_n_refused (VsTrashBatch *self)
{
  guint n;

  g_return_val_if_fail (VS_IS_TRASH_BATCH (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_refused;
  g_mutex_unlock (&self->lock);
  return n;
}

/* Read once the batch's work is over (the array only grows while items are refused). */
const char * const *
vs_trash_batch_get_refusals (VsTrashBatch *self)
{
  g_return_val_if_fail (VS_IS_TRASH_BATCH (self), NULL);

  return (const char * const *) self->refusals->pdata;
}

gsize
vs_trash_batch_get_memory_size (VsTrashBatch *self)
{
  gsize size = sizeof *self;

  g_return_val_if_fail (VS_IS_TRASH_BATCH (self), 0);

  g_mutex_lock (&self->lock);
  size += self->entries->len * sizeof (BatchEntry) + self->items->len * sizeof (BatchItem);
  size += self->names->len;
  for (guint i = 0; i < self->folders->len; i++)
    size += strlen (g_ptr_array_index (self->folders, i)) + 1 + 3 * sizeof (gpointer);
  for (guint i = 0; i < self->trashes->len; i++)
    {
      BatchTrash *t = &g_array_index (self->trashes, BatchTrash, i);

      size += sizeof *t + strlen (t->files_dir) + strlen (t->info_dir) + 2;
    }
  g_mutex_unlock (&self->lock);
  return size;
}

GStrv
vs_trash_batch_dup_folders (VsTrashBatch *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  g_return_val_if_fail (VS_IS_TRASH_BATCH (self), NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->items->len; i++)
    {
      guint32 folder = g_array_index (self->items, BatchItem, i).folder;

      if (g_hash_table_add (seen, GUINT_TO_POINTER (folder + 1)))
        g_strv_builder_add (builder, g_ptr_array_index (self->folders, folder));
    }
  g_mutex_unlock (&self->lock);
  return g_strv_builder_end (builder);
}

/* GObject -------------------------------------------------------------------------- */

static void
batch_trash_clear (gpointer data)
{
  BatchTrash *t = data;

  g_free (t->files_dir);
  g_free (t->info_dir);
}

static void
vs_trash_batch_finalize (GObject *object)
{
  VsTrashBatch *self = VS_TRASH_BATCH (object);

  g_array_unref (self->entries);
  g_array_unref (self->items);
  g_byte_array_unref (self->names);
  g_hash_table_unref (self->folder_ids);
  g_ptr_array_unref (self->folders);
  g_array_unref (self->trashes);
  g_ptr_array_unref (self->refusals);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (vs_trash_batch_parent_class)->finalize (object);
}

static void
vs_trash_batch_class_init (VsTrashBatchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_trash_batch_finalize;
}

static void
vs_trash_batch_init (VsTrashBatch *self)
{
  g_mutex_init (&self->lock);
  self->entries = g_array_new (FALSE, FALSE, sizeof (BatchEntry));
  self->items = g_array_new (FALSE, FALSE, sizeof (BatchItem));
  self->names = g_byte_array_new ();
  self->folders = g_ptr_array_new_with_free_func (g_free);
  self->folder_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->trashes = g_array_new (FALSE, FALSE, sizeof (BatchTrash));
  g_array_set_clear_func (self->trashes, batch_trash_clear);
  self->refusals = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->refusals, NULL);
}
