/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-model.c: id snapshot + bounded item cache, pages read on a worker thread */
#define G_LOG_DOMAIN "vs-library-model"

#include "config.h"

#include <string.h>

#include "vs-library-model.h"

#define PAGE_SIZE 128
#define DEFAULT_CACHE_SIZE 1024
/* Asked for an item this close to the end of its page, in the direction the view moves,
 * the model reads the next page already: a scroll finds its rows read, not placeholders. */
#define PREFETCH_ITEMS (PAGE_SIZE / 2)

typedef struct
{
  VsVideo *video;
  GList    link;     /* in the LRU queue; data points back to this entry */
} CacheEntry;

struct _VsLibraryModel
{
  GObject       parent_instance;

  /* owned */
  VsDatabase   *reader;
  GArray       *ids;            /* gint64, the current snapshot */
  GHashTable   *cache;          /* gint64* id → CacheEntry* */
  GStrv         unavailable;    /* roots whose videos are not available now */
  GQueue        lru;            /* most recently used first */
  GHashTable   *pages;          /* page number → in flight */
  GCancellable *cancellable;
  VsVideoQuery *query;          /* vs_video_query_copy(): owns its strings */
  struct {
    VsVideoQuery *query;        /* vs_video_query_copy() */
    GArray       *ids;          /* NULL: none offered */
    GPtrArray    *records;
  } offered;                    /* vs_library_model_offer_rows() */

  guint         cache_size;
  guint         busy;
  guint         generation;     /* of the snapshot; page numbers belong to one */
  guint         last_position;  /* of the last get_item(): the direction of travel */
  guint         reload_seq;     /* reloads started */
  guint         applied_seq;    /* the newest reload applied */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsLibraryModel, vs_library_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_BUSY,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  g_object_unref (entry->video);
  g_free (entry);
}

static void
set_busy (VsLibraryModel *self,
          gboolean        more)
{
  gboolean was = self->busy > 0;

  if (more)
    self->busy++;
  else
    self->busy--;
  if (was != (self->busy > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Drops least recently used items nothing else holds, until within the bound. Items a
 * cell still shows stay: a placeholder must be there when its page arrives. */
static void
evict (VsLibraryModel *self)
{
  GList *l = self->lru.tail;

  while (l != NULL && g_hash_table_size (self->cache) > self->cache_size)
    {
      CacheEntry *entry = l->data;
      GList *prev = l->prev;

      if (G_OBJECT (entry->video)->ref_count == 1)
        {
          gint64 id = vs_video_get_id (entry->video);

          g_queue_unlink (&self->lru, l);
          g_hash_table_remove (self->cache, &id);
        }
      l = prev;
    }
}

static CacheEntry *
cache_insert (VsLibraryModel *self,
              VsVideo        *video)
{
  CacheEntry *entry = g_new0 (CacheEntry, 1);
  gint64 *key = g_new (gint64, 1);

  *key = vs_video_get_id (video);
  entry->video = video;
  entry->link.data = entry;
  g_queue_push_head_link (&self->lru, &entry->link);
  g_hash_table_insert (self->cache, key, entry);
  return entry;
}

/* Pages ------------------------------------------------------------------ */

typedef struct
{
  VsDatabase *reader;
  GArray     *ids;
  GPtrArray  *records;
  guint       page;
  guint       generation;
} PageData;

static void
page_data_free (gpointer data)
{
  PageData *pd = data;

  g_clear_object (&pd->reader);
  g_clear_pointer (&pd->ids, g_array_unref);
  g_clear_pointer (&pd->records, g_ptr_array_unref);
  g_free (pd);
}

static void
read_page (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  PageData *pd = task_data;
  GError *error = NULL;

  pd->records = vs_database_load_videos (pd->reader, (const gint64 *) (gpointer) pd->ids->data,
                                         pd->ids->len, &error);
  if (pd->records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
is_available (VsLibraryModel *self,
              VsVideo        *video)
{
  const char *path = vs_video_get_path (video);

  if (self->unavailable == NULL || path == NULL)
    return TRUE;
  for (guint i = 0; self->unavailable[i] != NULL; i++)
    {
      gsize n = strlen (self->unavailable[i]);

      if (strncmp (path, self->unavailable[i], n) == 0 && (path[n] == '/' || path[n] == '\0'))
        return FALSE;
    }
  return TRUE;
}

/* Fills the page's placeholders and keeps its other rows: the next ones scrolled to. */
static void
apply_records (VsLibraryModel *self,
               GPtrArray      *records)
{
  for (guint i = 0; i < records->len; i++)
    {
      VsVideoRecord *record = g_ptr_array_index (records, i);
      CacheEntry *entry;

      if (record == NULL)
        continue;
      entry = g_hash_table_lookup (self->cache, &record->id);
      if (entry != NULL)
        vs_video_set_record (entry->video, record);
      else
        entry = cache_insert (self, vs_video_new_from_record (record));
      vs_video_set_available (entry->video, is_available (self, entry->video));
    }
  evict (self);
}

static void
on_page_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VsLibraryModel) self = VS_LIBRARY_MODEL (object);
  PageData *pd = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (pd->generation == self->generation)
    g_hash_table_remove (self->pages, GUINT_TO_POINTER (pd->page));
  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the library: %s", error->message);
      return;
    }
  apply_records (self, pd->records);
}

static void
request_page (VsLibraryModel *self,
              guint           page)
{
  g_autoptr(GTask) task = NULL;
  PageData *pd;
  guint start = page * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, self->ids->len - start);

  if (g_hash_table_contains (self->pages, GUINT_TO_POINTER (page)))
    return;
  g_hash_table_add (self->pages, GUINT_TO_POINTER (page));

  pd = g_new0 (PageData, 1);
  pd->reader = g_object_ref (self->reader);
  pd->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  g_array_append_vals (pd->ids, &g_array_index (self->ids, gint64, start), n);
  pd->page = page;
  pd->generation = self->generation;

  task = g_task_new (g_object_ref (self), self->cancellable, on_page_read, NULL);
  g_task_set_source_tag (task, request_page);
  g_task_set_task_data (task, pd, page_data_free);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, read_page);
}

/* Reloads ---------------------------------------------------------------- */

typedef struct
{
  VsDatabase  *reader;
  VsVideoQuery *query;        /* vs_video_query_copy() */
  gboolean     whole;          /* set_query: replace everything */
  guint        seq;
  GArray      *cached_ids;     /* refresh: re-read what is in memory */
  GArray      *ids;            /* result */
  GPtrArray   *records;        /* result, for cached_ids */
} ReloadData;

static void
reload_data_free (gpointer data)
{
  ReloadData *rd = data;

  g_clear_object (&rd->reader);
  g_free (rd->query);
  g_clear_pointer (&rd->cached_ids, g_array_unref);
  g_clear_pointer (&rd->ids, g_array_unref);
  g_clear_pointer (&rd->records, g_ptr_array_unref);
  g_free (rd);
}

static void
reload_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReloadData *rd = task_data;
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();

  rd->ids = vs_database_query_ids (rd->reader, rd->query, &error);
  if (rd->ids != NULL && rd->cached_ids != NULL && rd->cached_ids->len > 0)
    rd->records = vs_database_load_videos (rd->reader,
                                           (const gint64 *) (gpointer) rd->cached_ids->data,
                                           rd->cached_ids->len, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_debug ("Snapshot of %u rows in %.1f ms", rd->ids->len,
           (g_get_monotonic_time () - start) / 1000.0);
  g_task_return_boolean (task, TRUE);
}

/* @ids (taken): the new snapshot; @records: rows of it read with it. */
static void
apply_snapshot (VsLibraryModel *self,
                GArray         *ids,
                GPtrArray      *records,
                gboolean        whole)
{
  g_autoptr(GArray) old = NULL;
  guint old_len, new_len, prefix = 0, suffix = 0;

  old = g_steal_pointer (&self->ids);
  self->ids = ids;
  self->generation++;
  g_hash_table_remove_all (self->pages);
  if (records != NULL)
    apply_records (self, records);

  old_len = old->len;
  new_len = self->ids->len;
  if (!whole)
    {
      const gint64 *a = (const gint64 *) (gpointer) old->data;
      const gint64 *b = (const gint64 *) (gpointer) self->ids->data;

      while (prefix < old_len && prefix < new_len && a[prefix] == b[prefix])
        prefix++;
      while (suffix < old_len - prefix && suffix < new_len - prefix &&
             a[old_len - 1 - suffix] == b[new_len - 1 - suffix])
        suffix++;
    }
  if (old_len - prefix - suffix > 0 || new_len - prefix - suffix > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_len - prefix - suffix,
                                new_len - prefix - suffix);
  if (old_len != new_len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
on_reloaded (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VsLibraryModel) self = VS_LIBRARY_MODEL (object);
  ReloadData *rd = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the library: %s", error->message);
      return;
    }
  /* Reloads may finish out of order: only a newer one replaces the snapshot. */
  if (rd->seq < self->applied_seq)
    return;
  self->applied_seq = rd->seq;

  apply_snapshot (self, g_steal_pointer (&rd->ids), rd->records, rd->whole);
}

static void
reload (VsLibraryModel *self,
        gboolean        whole)
{
  g_autoptr(GTask) task = NULL;
  ReloadData *rd = g_new0 (ReloadData, 1);

  rd->reader = g_object_ref (self->reader);
  rd->query = vs_video_query_copy (self->query);
  rd->whole = whole;
  rd->seq = ++self->reload_seq;
  if (!whole)
    {
      GHashTableIter iter;
      gpointer key;

      rd->cached_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64),
                                          g_hash_table_size (self->cache));
      g_hash_table_iter_init (&iter, self->cache);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_array_append_val (rd->cached_ids, *(gint64 *) key);
    }

  task = g_task_new (g_object_ref (self), self->cancellable, on_reloaded, NULL);
  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, rd, reload_data_free);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, reload_thread);
}

static void
clear_offered (VsLibraryModel *self)
{
  g_clear_pointer (&self->offered.query, g_free);
  g_clear_pointer (&self->offered.ids, g_array_unref);
  g_clear_pointer (&self->offered.records, g_ptr_array_unref);
}

void
vs_library_model_set_query (VsLibraryModel     *self,
                            const VsVideoQuery *query)
{
  VsVideoQuery *copy;

  g_return_if_fail (VS_IS_LIBRARY_MODEL (self));
  g_return_if_fail (query != NULL);

  copy = vs_video_query_copy (query);   /* first: @query may be borrowed from anywhere */
  g_free (self->query);
  self->query = copy;
  if (self->offered.ids != NULL && vs_video_query_equal (self->offered.query, self->query))
    {
      g_autoptr(GPtrArray) records = g_steal_pointer (&self->offered.records);

      /* newer than any reload still running */
      self->applied_seq = ++self->reload_seq;
      apply_snapshot (self, g_steal_pointer (&self->offered.ids), records, TRUE);
    }
  else
    reload (self, TRUE);
  clear_offered (self);
}

void
vs_library_model_offer_rows (VsLibraryModel     *self,
                             const VsVideoQuery *query,
                             GArray             *ids,
                             GPtrArray          *records)
{
  g_return_if_fail (VS_IS_LIBRARY_MODEL (self));
  g_return_if_fail (query != NULL);

  clear_offered (self);
  if (ids == NULL)
    return;
  self->offered.query = vs_video_query_copy (query);
  self->offered.ids = g_array_ref (ids);
  self->offered.records = records != NULL ? g_ptr_array_ref (records) : NULL;
}

void
vs_library_model_refresh (VsLibraryModel *self)
{
  g_return_if_fail (VS_IS_LIBRARY_MODEL (self));
  clear_offered (self);   /* read before the change */
  reload (self, FALSE);
}

void
vs_library_model_set_cache_size (VsLibraryModel *self,
                                 guint           max_items)
{
  g_return_if_fail (VS_IS_LIBRARY_MODEL (self));

  self->cache_size = MAX (max_items, PAGE_SIZE);
  evict (self);
}

guint
vs_library_model_get_cache_size (VsLibraryModel *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_MODEL (self), 0);
  return self->cache_size;
}

guint
vs_library_model_get_n_cached (VsLibraryModel *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_MODEL (self), 0);
  return g_hash_table_size (self->cache);
}

gboolean
vs_library_model_get_busy (VsLibraryModel *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_MODEL (self), FALSE);
  return self->busy > 0;
}

guint
vs_library_model_find_id (VsLibraryModel *self,
                          gint64          id)
{
  g_return_val_if_fail (VS_IS_LIBRARY_MODEL (self), G_MAXUINT);

  for (guint i = 0; i < self->ids->len; i++)
    if (g_array_index (self->ids, gint64, i) == id)
      return i;
  return G_MAXUINT;
}

gint64
vs_library_model_get_id (VsLibraryModel *self,
                         guint           position)
{
  g_return_val_if_fail (VS_IS_LIBRARY_MODEL (self), -1);

  if (position >= self->ids->len)
    return -1;
  return g_array_index (self->ids, gint64, position);
}

/* GListModel ------------------------------------------------------------- */

static GType
vs_library_model_get_item_type (GListModel *model)
{
  return VS_TYPE_VIDEO;
}

static guint
vs_library_model_get_n_items (GListModel *model)
{
  return VS_LIBRARY_MODEL (model)->ids->len;
}

/* Reads the page after (or before) @position's when the view moves towards it and it is
 * not in memory yet. */
static void
prefetch (VsLibraryModel *self,
          guint           position)
{
  guint last = self->last_position;
  guint page = position / PAGE_SIZE;
  guint offset = position % PAGE_SIZE;
  guint next;
  gint64 probe;

  self->last_position = position;
  if (position > last && position - last < PAGE_SIZE && offset >= PAGE_SIZE - PREFETCH_ITEMS)
    next = page + 1;
  else if (position < last && last - position < PAGE_SIZE && offset < PREFETCH_ITEMS && page > 0)
    next = page - 1;
  else
    return;
  if ((gsize) next * PAGE_SIZE >= self->ids->len ||
      g_hash_table_contains (self->pages, GUINT_TO_POINTER (next)))
    return;
  /* its middle row in memory: the page was read (or is mostly) */
  probe = g_array_index (self->ids, gint64,
                         MIN ((gsize) next * PAGE_SIZE + PAGE_SIZE / 2, self->ids->len - 1));
  if (g_hash_table_contains (self->cache, &probe))
    return;
  request_page (self, next);
}

static gpointer
vs_library_model_get_item (GListModel *model,
                           guint       position)
{
  VsLibraryModel *self = VS_LIBRARY_MODEL (model);
  CacheEntry *entry;
  gint64 id;

  if (position >= self->ids->len)
    return NULL;

  prefetch (self, position);
  id = g_array_index (self->ids, gint64, position);
  entry = g_hash_table_lookup (self->cache, &id);
  if (entry != NULL)
    {
      g_queue_unlink (&self->lru, &entry->link);
      g_queue_push_head_link (&self->lru, &entry->link);
      return g_object_ref (entry->video);
    }

  entry = cache_insert (self, vs_video_new_placeholder (id));
  request_page (self, position / PAGE_SIZE);
  g_object_ref (entry->video);
  evict (self);
  return entry->video;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = vs_library_model_get_item_type;
  iface->get_n_items = vs_library_model_get_n_items;
  iface->get_item = vs_library_model_get_item;
}

/* GObject ---------------------------------------------------------------- */

VsLibraryModel *
vs_library_model_new (VsDatabase *reader)
{
  VsLibraryModel *self;

  g_return_val_if_fail (VS_IS_DATABASE (reader), NULL);

  self = g_object_new (VS_TYPE_LIBRARY_MODEL, NULL);
  self->reader = g_object_ref (reader);
  return self;
}

static void
vs_library_model_dispose (GObject *object)
{
  VsLibraryModel *self = VS_LIBRARY_MODEL (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (vs_library_model_parent_class)->dispose (object);
}

static void
vs_library_model_finalize (GObject *object)
{
  VsLibraryModel *self = VS_LIBRARY_MODEL (object);

  /* The hash table owns the entries; the queue only links them. */
  g_queue_init (&self->lru);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->unavailable, g_strfreev);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_object (&self->reader);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->query, g_free);
  clear_offered (self);

  G_OBJECT_CLASS (vs_library_model_parent_class)->finalize (object);
}

static void
vs_library_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VsLibraryModel *self = VS_LIBRARY_MODEL (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy > 0);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_library_model_class_init (VsLibraryModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_library_model_dispose;
  object_class->finalize = vs_library_model_finalize;
  object_class->get_property = vs_library_model_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vs_library_model_init (VsLibraryModel *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, cache_entry_free);
  self->pages = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
  self->query = vs_video_query_copy (&(VsVideoQuery) { 0 });
  self->cache_size = DEFAULT_CACHE_SIZE;
  g_queue_init (&self->lru);
}

void
vs_library_model_set_unavailable_roots (VsLibraryModel     *self,
                                        const char * const *roots)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (VS_IS_LIBRARY_MODEL (self));

  if (self->unavailable == NULL && (roots == NULL || roots[0] == NULL))
    return;
  if (self->unavailable != NULL && roots != NULL &&
      g_strv_equal ((const char * const *) self->unavailable, roots))
    return;
  g_strfreev (self->unavailable);
  self->unavailable = roots != NULL && roots[0] != NULL ? g_strdupv ((char **) roots) : NULL;
  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CacheEntry *entry = value;

      vs_video_set_available (entry->video, is_available (self, entry->video));
    }
}
