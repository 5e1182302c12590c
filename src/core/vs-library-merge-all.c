/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-merge-all.c: merging every HLS item of the library, one after another
 *
 * Nothing here writes or removes a file: each item goes through vs_library_merge_async(),
 * so its checks, its refusals, its cleaning up on cancel and its source removal (the
 * guarded VsTrash path) are the single merge's. This only walks the index a page at a
 * time, by path (keyset paging: the MP4s and the trashed items that the merges add and
 * remove meanwhile never shift a page), and keeps up to n_jobs merges going. Each item
 * done goes to the caller's item callback and only its counts stay.
 */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include <sys/stat.h>

#include "vs-library-private.h"

/* Paths read from the index at once: a page, never the whole library. */
#define PAGE_SIZE 64

typedef struct
{
  VsLibrary          *self;        /* owned */
  char               *folder;
  GArray             *ids;         /* gint64, owned: the items to merge instead of a folder */
  guint               ids_next;    /* the first id not read yet */
  VsMergeAllFlags     flags;
  guint               n_jobs;
  GCancellable       *cancellable; /* owned, may be NULL */
  VsMergeAllProgress  progress;
  VsMergeAllItemFunc  item_func;
  gpointer            user_data;

  VsMergeAllSummary  *summary;
  GPtrArray          *page;        /* paths still to start from the current page */
  guint               page_next;
  char               *last_path;   /* the keyset cursor */
  gboolean            listed_all;
  guint               n_running;
  guint               n_done;
  guint               n_total;
  GError             *error;       /* reading the index failed */
} MergeAll;

typedef struct
{
  GTask          *task;            /* owned */
  VsHlsMerge     *merge;           /* owned */
  VsMergeAllItem *item;            /* owned */
  gint64          size;            /* the item's size in the index */
  gboolean        output_existed;  /* its default output was there before the merge */
} Job;

static void
merge_all_item_free (gpointer data)
{
  VsMergeAllItem *item = data;

  g_free (item->path);
  g_free (item->output);
  g_clear_error (&item->error);
  g_free (item);
}

void
vs_merge_all_summary_free (VsMergeAllSummary *summary)
{
  g_free (summary);
}

static void
merge_all_free (gpointer data)
{
  MergeAll *all = data;

  g_clear_object (&all->self);
  g_clear_object (&all->cancellable);
  g_free (all->folder);
  g_clear_pointer (&all->ids, g_array_unref);
  g_free (all->last_path);
  g_clear_pointer (&all->page, g_ptr_array_unref);
  g_clear_pointer (&all->summary, vs_merge_all_summary_free);
  g_clear_error (&all->error);
  g_free (all);
}

/* The next page of the ids, read until one holds a download or the ids run out. */
static const char *
next_id_path (MergeAll *all)
{
  const gint64 *ids = (const gint64 *) (gpointer) all->ids->data;

  g_clear_pointer (&all->page, g_ptr_array_unref);
  all->page = g_ptr_array_new_with_free_func (g_free);
  all->page_next = 0;
  while (all->page->len == 0 && all->ids_next < all->ids->len)
    {
      guint n = MIN (PAGE_SIZE, all->ids->len - all->ids_next);

      /* indexed lookups of the reader, a page at a time: allowed on the main thread */
      if (vs_database_filter_hls (all->self->reader, ids + all->ids_next, n, all->page,
                                  &all->error) < 0)
        return NULL;
      all->ids_next += n;
    }
  all->listed_all = all->ids_next >= all->ids->len;
  return all->page->len > 0 ? g_ptr_array_index (all->page, all->page_next++) : NULL;
}

/* The next item's path (owned by the page), reading the next page when one is used up;
 * NULL at the end or when the index cannot be read (all->error then). */
static const char *
next_path (MergeAll *all)
{
  if (all->page != NULL && all->page_next < all->page->len)
    return g_ptr_array_index (all->page, all->page_next++);
  if (all->listed_all || all->error != NULL)
    return NULL;
  if (all->ids != NULL)
    return next_id_path (all);
  if (all->page != NULL && all->page->len > 0)
    {
      g_free (all->last_path);
      all->last_path = g_strdup (g_ptr_array_index (all->page, all->page->len - 1));
    }
  g_clear_pointer (&all->page, g_ptr_array_unref);
  all->page_next = 0;
  /* an indexed page of the reader: allowed on the main thread */
  all->page = vs_database_query_hls_paths (all->self->reader, all->folder, all->last_path,
                                           PAGE_SIZE, &all->error);
  if (all->page == NULL)
    return NULL;
  all->listed_all = all->page->len < PAGE_SIZE;
  return all->page->len > 0 ? g_ptr_array_index (all->page, all->page_next++) : NULL;
}

static void
report (MergeAll   *all,
        const char *current,
        guint64     bytes_done,
        guint64     bytes_total)
{
  if (all->progress != NULL)
    all->progress (all->n_done, MAX (all->n_total, all->n_done), current, bytes_done,
                   bytes_total, all->user_data);
}

static void
on_item_progress (VsHlsMerge *merge,
                  guint64     done,
                  guint64     total,
                  GTask      *task)
{
  report (g_task_get_task_data (task), vs_hls_merge_get_input (merge), done, total);
}

static void start_more (GTask *task);

/* Counts @item (owned) and hands it to the item callback. */
static void
file_item (MergeAll       *all,
           VsMergeAllItem *item,
           gboolean        merged)
{
  if (merged)
    {
      all->summary->n_merged++;
      if (item->error != NULL)
        all->summary->n_sources_kept++;
    }
  else
    {
      all->summary->n_refused++;
    }
  all->item_func (item, merged, all->user_data);
  merge_all_item_free (item);
}

/* Where the merge of @path writes: “<folder name>.mp4” beside the folder. */
static char *
default_output (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *parent = g_path_get_dirname (folder);
  g_autofree char *base = g_path_get_basename (folder);
  g_autofree char *name = g_strconcat (base, ".mp4", NULL);

  return g_build_filename (parent, name, NULL);
}

static gboolean
is_file (const char *path)
{
  struct stat st;

  return path != NULL && lstat (path, &st) == 0 && S_ISREG (st.st_mode);
}

/* A cancel that comes after the MP4 was renamed into place still reports
 * G_IO_ERROR_CANCELLED (the task checks its cancellable when it returns). Without force
 * the merge never replaces an output, so one that was not there before is this run's. */
static gboolean
merged_despite_cancel (Job          *job,
                       const GError *error)
{
  g_autofree char *output = vs_hls_merge_dup_output (job->merge);

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !job->output_existed &&
         is_file (output);
}

static void
on_item_merged (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autofree Job *job = user_data;
  g_autoptr(GTask) task = job->task;
  g_autoptr(VsHlsMerge) merge = job->merge;
  MergeAll *all = g_task_get_task_data (task);
  VsMergeAllItem *item = job->item;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = vs_library_merge_finish (VS_LIBRARY (object), result, &error);
  g_signal_handlers_disconnect_by_data (merge, task);
  item->output = vs_hls_merge_dup_output (merge);
  item->local_copies = vs_hls_merge_get_used_local_copies (merge);
  if (vs_hls_merge_get_source_trashed (merge))
    item->bytes_freed = (guint64) MAX (job->size, 0);
  all->n_running--;
  if (ok || g_error_matches (error, VS_MERGE_ERROR, VS_MERGE_ERROR_TRASH_FAILED) ||
      merged_despite_cancel (job, error))
    {
      /* a source that could not go to the trash stays, and the item says why */
      if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        item->error = g_steal_pointer (&error);
      all->summary->bytes_freed += item->bytes_freed;
      all->n_done++;
      file_item (all, item, TRUE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* the merge removed its temporary file: the item is as it was */
      all->summary->cancelled = TRUE;
      merge_all_item_free (item);
    }
  else
    {
      item->error = g_steal_pointer (&error);
      all->n_done++;
      file_item (all, item, FALSE);
    }
  report (all, NULL, 0, 0);
  /* what the merge's threads freed was given back on its own thread (vs-hls-merge.c) */
  start_more (task);
}

static void
start_one (GTask      *task,
           const char *path)
{
  MergeAll *all = g_task_get_task_data (task);
  g_autoptr(VsVideoRecord) record = vs_database_lookup_video (all->self->reader, path, NULL);
  g_autofree char *output = default_output (path);
  Job *job = g_new0 (Job, 1);

  job->task = g_object_ref (task);
  job->merge = vs_hls_merge_new (path);
  job->item = g_new0 (VsMergeAllItem, 1);
  job->item->path = g_strdup (path);
  job->size = record != NULL ? record->size : 0;
  job->output_existed = is_file (output);
  vs_hls_merge_set_remove_source (job->merge,
                                  (all->flags & VS_MERGE_ALL_FLAGS_REMOVE_SOURCE) != 0);
  g_signal_connect (job->merge, "progress", G_CALLBACK (on_item_progress), task);
  all->n_running++;
  report (all, path, 0, 0);
  vs_library_merge_async (all->self, job->merge, all->cancellable, on_item_merged, job);
}

/* Keeps n_jobs merges going; completes the task once nothing runs and nothing is left. */
static void
start_more (GTask *task)
{
  MergeAll *all = g_task_get_task_data (task);
  gboolean cancelled = g_cancellable_is_cancelled (all->cancellable);

  if (cancelled)
    all->summary->cancelled = TRUE;
  while (!cancelled && all->error == NULL && all->n_running < all->n_jobs)
    {
      const char *path = next_path (all);

      if (path == NULL)
        break;
      start_one (task, path);
    }
  if (all->n_running > 0)
    return;
  if (all->error != NULL)
    g_task_return_error (task, g_steal_pointer (&all->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&all->summary),
                           (GDestroyNotify) vs_merge_all_summary_free);
}

static gboolean
start_idle (gpointer data)
{
  start_more (data);
  return G_SOURCE_REMOVE;
}

/* Counting the downloads among many ids, on a worker ------------------------------ */

#define COUNT_PAGE 256

static void
count_hls_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  VsDatabase *reader = VS_LIBRARY (source_object)->reader;
  GArray *ids = task_data;
  const gint64 *data = (const gint64 *) (gpointer) ids->data;
  gint64 total = 0;

  for (guint at = 0; at < ids->len; at += COUNT_PAGE)
    {
      GError *error = NULL;
      gint64 n;

      if (g_task_return_error_if_cancelled (task))
        return;
      /* the reader's lock is let go between pages */
      n = vs_database_filter_hls (reader, data + at, MIN (COUNT_PAGE, ids->len - at), NULL,
                                  &error);
      if (n < 0)
        {
          g_task_return_error (task, error);
          return;
        }
      total += n;
    }
  g_task_return_int (task, total);
}

void
vs_library_count_hls_async (VsLibrary           *self,
                            GArray              *ids,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (ids != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_library_count_hls_async);
  if (self->reader == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "The library is not open yet");
      return;
    }
  g_task_set_task_data (task, g_array_ref (ids), (GDestroyNotify) g_array_unref);
  g_task_run_in_thread (task, count_hls_thread);
}

gint64
vs_library_count_hls_finish (VsLibrary     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/* Starting ---------------------------------------------------------------------------- */

static void
on_ids_counted (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MergeAll *all = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gint64 total = vs_library_count_hls_finish (VS_LIBRARY (object), result, &error);

  if (total < 0)
    g_debug ("Counting HLS items failed: %s", error->message);
  all->n_total = (guint) CLAMP (total, 0, G_MAXUINT);
  start_more (task);
}

/* The one path of both entries: @folder or @ids (or neither: the whole library). */
static void
merge_each_async (VsLibrary           *self,
                  const char          *folder,
                  GArray              *ids,
                  VsMergeAllFlags      flags,
                  guint                n_jobs,
                  GCancellable        *cancellable,
                  VsMergeAllProgress   progress,
                  VsMergeAllItemFunc   item_func,
                  gpointer             user_data,
                  GAsyncReadyCallback  callback,
                  gpointer             callback_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  MergeAll *all;
  gint64 total;

  task = g_task_new (self, cancellable, callback, callback_data);
  g_task_set_source_tag (task, vs_library_merge_all_each_async);
  /* the summary is returned also when cancelled */
  g_task_set_check_cancellable (task, FALSE);
  if (self->state != VS_LIBRARY_STATE_READY || self->reader == NULL)
    {
      /* a task returned in the iteration that made it calls back from an idle */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "The library is not open");
      return;
    }
  all = g_new0 (MergeAll, 1);
  all->self = g_object_ref (self);
  all->folder = folder != NULL ? g_canonicalize_filename (folder, NULL) : NULL;
  all->ids = ids != NULL ? g_array_ref (ids) : NULL;
  all->flags = flags;
  all->n_jobs = n_jobs;
  all->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  all->progress = progress;
  all->item_func = item_func;
  all->user_data = user_data;
  all->summary = g_new0 (VsMergeAllSummary, 1);
  g_task_set_task_data (task, all, merge_all_free);
  if (ids != NULL)
    {
      /* counted on a worker (a selection may hold the whole library), then started */
      vs_library_count_hls_async (self, ids, NULL, on_ids_counted, g_object_ref (task));
      return;
    }
  /* a count over the kind column: the total for progress, not a list */
  total = vs_database_count_hls (self->reader, all->folder, &error);
  if (total < 0)
    g_debug ("Counting HLS items failed: %s", error->message);
  all->n_total = (guint) CLAMP (total, 0, G_MAXUINT);
  /* never call back before returning */
  g_idle_add_full (G_PRIORITY_DEFAULT, start_idle, g_object_ref (task), g_object_unref);
}

void
vs_library_merge_all_each_async (VsLibrary           *self,
                                 const char          *folder,
                                 VsMergeAllFlags      flags,
                                 guint                n_jobs,
                                 GCancellable        *cancellable,
                                 VsMergeAllProgress   progress,
                                 VsMergeAllItemFunc   item_func,
                                 gpointer             user_data,
                                 GAsyncReadyCallback  callback,
                                 gpointer             callback_data)
{
  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (n_jobs >= 1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (item_func != NULL);

  merge_each_async (self, folder, NULL, flags, n_jobs, cancellable, progress, item_func,
                    user_data, callback, callback_data);
}

void
vs_library_merge_ids_each_async (VsLibrary           *self,
                                 GArray              *ids,
                                 VsMergeAllFlags      flags,
                                 guint                n_jobs,
                                 GCancellable        *cancellable,
                                 VsMergeAllProgress   progress,
                                 VsMergeAllItemFunc   item_func,
                                 gpointer             user_data,
                                 GAsyncReadyCallback  callback,
                                 gpointer             callback_data)
{
  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (ids != NULL && g_array_get_element_size (ids) == sizeof (gint64));
  g_return_if_fail (n_jobs >= 1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (item_func != NULL);

  merge_each_async (self, NULL, ids, flags, n_jobs, cancellable, progress, item_func,
                    user_data, callback, callback_data);
}

VsMergeAllSummary *
vs_library_merge_all_finish (VsLibrary     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
