/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-watcher.c: folder monitors, debounced shallow rescans, polling fallback */
#define G_LOG_DOMAIN "vs-library-watcher"

#include "config.h"

#include <sys/stat.h>

#include "vs-folder-monitors.h"
#include "vs-library-watcher-private.h"
#include "vs-path.h"

/* CHANGED events of a growing file come at most this often per file. */
#define RATE_LIMIT_MS 1000
/* A steady trickle of events still gets a rescan this many debounces after its first. */
#define MAX_DELAY_DEBOUNCES 4
/* Folders watched per main-loop iteration (about 25 µs each). */
#define WATCH_CHUNK 100

typedef struct _VsLibraryWatcher VsLibraryWatcher;

typedef struct
{
  VsLibraryWatcher *self;      /* borrowed: the watcher owns this */
  char             *path;
  VsRootState       state;
  dev_t             dev;       /* of the root when it was last found; 0 before */
  GFileMonitor     *monitor;   /* the root itself, from its parent: vanish and return */
  guint             poll_id;
  GPtrArray        *pending;   /* folders still to watch, a chunk an idle; NULL when none */
  guint             pending_next;
  guint             pending_id;
  gboolean          want_list; /* list its folders and (re)start watching */
  gboolean          want_full; /* rescan it whole */
} Root;

struct _VsLibraryWatcher
{
  GObject       parent_instance;

  /* owned */
  VsDatabase   *writer;
  VsScanner    *scanner;
  GPtrArray    *roots;         /* Root */
  VsFolderMonitors *monitors; /* the folders', on a thread of their own */
  GHashTable   *watches;       /* folder paths watched (owned) */
  GHashTable   *dirty;         /* folder paths waiting for a shallow rescan */
  GPtrArray    *moves;         /* old path, new path, …: renames seen, in order */
  GHashTable   *unsettled;     /* file path → gint64* size at the last look */
  GCancellable *cancellable;

  /* sources */
  guint         debounce_id;
  guint         settle_id;

  guint         watch_budget;
  guint         debounce_ms;
  guint         poll_interval;  /* seconds */
  guint         settle_ms;
  guint         n_rescans;
  gint64        first_event_us;
  gboolean      running;        /* a batch is on the worker */
  gboolean      settle_due;
  gboolean      roots_dirty;    /* some root may have vanished or come back */
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (VsLibraryWatcher, vs_library_watcher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WATCH_BUDGET,
  PROP_DEBOUNCE_MS,
  PROP_POLL_INTERVAL,
  PROP_SETTLE_MS,
  PROP_N_MONITORS,
  PROP_BUSY,
  N_PROPS
};

enum {
  CHANGED,
  FOLDER_RESCANNED,
  ROOT_STATE_CHANGED,
  SETTLED,
  BATCH_DONE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule (VsLibraryWatcher *self,
                      gboolean          now);

const char *
vs_root_state_to_string (VsRootState state)
{
  static const char * const names[] = {
    [VS_ROOT_STATE_STARTING] = "starting",
    [VS_ROOT_STATE_WATCHING] = "watching",
    [VS_ROOT_STATE_POLLING] = "polling",
    [VS_ROOT_STATE_UNAVAILABLE] = "unavailable",
  };

  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (names), NULL);
  return names[state];
}

static void
update_busy (VsLibraryWatcher *self)
{
  gboolean busy = self->running || self->debounce_id != 0 || self->settle_id != 0 ||
                  g_hash_table_size (self->dirty) > 0 || self->settle_due || self->roots_dirty;

  for (guint i = 0; i < self->roots->len && !busy; i++)
    {
      Root *root = g_ptr_array_index (self->roots, i);

      busy = root->want_list || root->want_full;
    }
  if (busy == self->busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static Root *
find_root (VsLibraryWatcher *self,
           const char       *path)
{
  for (guint i = 0; i < self->roots->len; i++)
    {
      Root *root = g_ptr_array_index (self->roots, i);

      if (vs_path_is_inside (path, root->path))
        return root;
    }
  return NULL;
}

/* Monitors --------------------------------------------------------------- */

static void
mark_dirty (VsLibraryWatcher *self,
            const char       *folder)
{
  if (!g_hash_table_contains (self->dirty, folder))
    g_hash_table_add (self->dirty, g_strdup (folder));
}

static void
on_folder_event (VsFolderMonitors  *monitors,
                 const char        *folder,
                 const char        *path,
                 const char        *other_path,
                 GFileMonitorEvent  event,
                 VsLibraryWatcher  *self)
{
  g_autofree char *name = NULL;
  g_autofree char *other_name = NULL;

  /* dropped since: its events were on their way */
  if (!g_hash_table_contains (self->watches, folder))
    return;
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED ||
      event == G_FILE_MONITOR_EVENT_PRE_UNMOUNT || path == NULL)
    return;
  if (event == G_FILE_MONITOR_EVENT_UNMOUNTED || g_str_equal (path, folder))
    {
      /* The folder itself went: its parent's rescan removes it; a root is checked. */
      g_autofree char *parent = g_path_get_dirname (folder);
      Root *root = find_root (self, parent);

      if (root != NULL)
        mark_dirty (self, parent);
      self->roots_dirty = TRUE;
      schedule (self, FALSE);
      return;
    }

  /* Hidden names are not indexed: a download's temporary file causes no rescan. */
  name = g_path_get_basename (path);
  other_name = other_path != NULL ? g_path_get_basename (other_path) : NULL;
  if (name[0] == '.' && (other_name == NULL || other_name[0] == '.'))
    return;

  mark_dirty (self, folder);
  /* A rename inside the library keeps its row; the destination's own MOVED_IN is the
   * same move seen from there. */
  if ((event == G_FILE_MONITOR_EVENT_RENAMED || event == G_FILE_MONITOR_EVENT_MOVED_OUT) &&
      other_path != NULL && name[0] != '.' && find_root (self, other_path) != NULL)
    {
      g_ptr_array_add (self->moves, g_strdup (path));
      g_ptr_array_add (self->moves, g_strdup (other_path));
    }
  if (other_path != NULL && find_root (self, other_path) != NULL)
    {
      g_autofree char *other_folder = g_path_get_dirname (other_path);

      if (g_hash_table_contains (self->watches, other_folder))
        mark_dirty (self, other_folder);
    }
  schedule (self, FALSE);
}

/* Watches @paths in order, up to the first that cannot be watched.
 * Returns: TRUE when every one is watched. */
static gboolean
add_watches (VsLibraryWatcher  *self,
             const char *const *paths,
             guint              n_paths)
{
  g_autoptr(GError) error = NULL;
  guint done = vs_folder_monitors_add (self->monitors, paths, n_paths, &error);

  for (guint i = 0; i < done; i++)
    if (!g_hash_table_contains (self->watches, paths[i]))
      g_hash_table_add (self->watches, g_strdup (paths[i]));
  if (done < n_paths)
    g_debug ("Cannot watch %s: %s", paths[done], error->message);
  return done == n_paths;
}

/* One pass over the watches here, one job for the monitors' thread: a root of thousands
 * of folders going no longer wakes that thread once per folder. */
static void
drop_watches_under (VsLibraryWatcher *self,
                    const char       *path)
{
  if (g_hash_table_foreach_remove (self->watches, vs_path_key_is_inside, (gpointer) path) == 0)
    return;
  vs_folder_monitors_remove_under (self->monitors, path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MONITORS]);
}

/* Roots ------------------------------------------------------------------ */

static void
cancel_pending (Root *root)
{
  g_clear_handle_id (&root->pending_id, g_source_remove);
  g_clear_pointer (&root->pending, g_ptr_array_unref);
  root->pending_next = 0;
}

static void
root_free (gpointer data)
{
  Root *root = data;

  cancel_pending (root);
  g_clear_handle_id (&root->poll_id, g_source_remove);
  if (root->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (root->monitor, root);
      g_file_monitor_cancel (root->monitor);
      g_clear_object (&root->monitor);
    }
  g_free (root->path);
  g_free (root);
}

static void
set_state (Root        *root,
           VsRootState  state)
{
  if (root->state == state)
    return;
  root->state = state;
  g_debug ("%s: %s", root->path, vs_root_state_to_string (state));
  g_signal_emit (root->self, signals[ROOT_STATE_CHANGED], 0, root->path, (int) state);
}

static gboolean
on_poll (gpointer user_data)
{
  Root *root = user_data;

  /* An unavailable root is looked for again: a mount does not show in its parent. */
  root->want_full = TRUE;
  root->want_list = root->state == VS_ROOT_STATE_UNAVAILABLE;
  schedule (root->self, TRUE);
  return G_SOURCE_CONTINUE;
}

static void
start_poll_timer (Root *root)
{
  if (root->poll_id == 0)
    root->poll_id = g_timeout_add_seconds (root->self->poll_interval, on_poll, root);
}

static void
set_polling (Root *root)
{
  cancel_pending (root);
  drop_watches_under (root->self, root->path);
  start_poll_timer (root);
  set_state (root, VS_ROOT_STATE_POLLING);
}

static void
set_unavailable (Root *root)
{
  cancel_pending (root);
  drop_watches_under (root->self, root->path);
  start_poll_timer (root);
  set_state (root, VS_ROOT_STATE_UNAVAILABLE);
}

/* Watches the next chunk of the root's folders; when none is left, the root is watched.
 * Returns TRUE while some are left. */
static gboolean
watch_pending_chunk (Root *root)
{
  VsLibraryWatcher *self = root->self;
  guint end = MIN (root->pending_next + WATCH_CHUNK, root->pending->len);

  if (!add_watches (self, (const char *const *) root->pending->pdata + root->pending_next,
                    end - root->pending_next))
    {
      set_polling (root);
      return FALSE;
    }
  root->pending_next = end;
  if (root->pending_next < root->pending->len)
    return TRUE;
  cancel_pending (root);
  g_clear_handle_id (&root->poll_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MONITORS]);
  set_state (root, VS_ROOT_STATE_WATCHING);
  return FALSE;
}

static gboolean
on_watch_pending (gpointer user_data)
{
  Root *root = user_data;

  if (watch_pending_chunk (root))
    return G_SOURCE_CONTINUE;
  /* done (the handle was cleared), or polling instead */
  root->pending_id = 0;
  return G_SOURCE_REMOVE;
}

static void
start_watching (Root      *root,
                GPtrArray *folders,
                gboolean   remote)
{
  VsLibraryWatcher *self = root->self;

  cancel_pending (root);
  drop_watches_under (self, root->path);
  if (remote)
    {
      g_debug ("%s: network or FUSE mount, polled", root->path);
      set_polling (root);
      return;
    }
  if (vs_library_watcher_get_n_monitors (self) + folders->len > self->watch_budget)
    {
      g_debug ("%s: %u folders exceed the watch budget (%u of %u used)", root->path,
               folders->len, vs_library_watcher_get_n_monitors (self), self->watch_budget);
      set_polling (root);
      return;
    }
  /* A chunk now and the rest from a low-priority idle: 2,000 folders took 50 ms on the main
   * thread, a dropped frame or three in a window that was scrolling. */
  root->pending = g_ptr_array_ref (folders);
  root->pending_next = 0;
  if (watch_pending_chunk (root))
    {
      root->pending_id = g_idle_add_full (G_PRIORITY_LOW, on_watch_pending, root, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, root->pending_id),
                                "[vs-library-watcher] watch");
    }
}

static void
on_root_event (GFileMonitor      *monitor,
               GFile             *file,
               GFile             *other,
               GFileMonitorEvent  event,
               gpointer           user_data)
{
  Root *root = user_data;

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED ||
      event == G_FILE_MONITOR_EVENT_CHANGED)
    return;
  if (root->state == VS_ROOT_STATE_UNAVAILABLE)
    root->want_list = root->want_full = TRUE;
  root->self->roots_dirty = TRUE;
  schedule (root->self, FALSE);
}

/* Applying results on the main thread ------------------------------------- */

static void
apply_root_job (VsLibraryWatcher *self,
                RootJob          *job)
{
  Root *root = NULL;

  for (guint i = 0; i < self->roots->len && root == NULL; i++)
    if (g_str_equal (((Root *) g_ptr_array_index (self->roots, i))->path, job->path))
      root = g_ptr_array_index (self->roots, i);
  if (root == NULL)
    return;
  if (!job->exists)
    {
      set_unavailable (root);
      return;
    }
  root->dev = job->dev;
  if (job->folders != NULL)
    start_watching (root, job->folders, job->remote);
  else if (root->state == VS_ROOT_STATE_UNAVAILABLE || root->state == VS_ROOT_STATE_STARTING)
    {
      root->want_list = root->want_full = TRUE;
      schedule (self, TRUE);
    }
}

static void
apply_folder_change (VsLibraryWatcher   *self,
                     const VsScanChange *change)
{
  Root *root = find_root (self, change->path);

  if (change->kind == VS_SCAN_CHANGE_FOLDER_REMOVED)
    drop_watches_under (self, change->path);
  if (change->kind != VS_SCAN_CHANGE_FOLDER_ADDED || root == NULL)
    return;
  /* still being watched a chunk at a time: it joins the queue */
  if (root->pending != NULL)
    {
      g_ptr_array_add (root->pending, g_strdup (change->path));
      return;
    }
  if (root->state != VS_ROOT_STATE_WATCHING)
    return;
  /* Watched at once; what it held was walked by the rescan that found it. */
  if (vs_library_watcher_get_n_monitors (self) >= self->watch_budget ||
      !add_watches (self, (const char *const *) &change->path, 1))
    set_polling (root);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MONITORS]);
}

void
vs_library_watcher_follow_rename (VsLibraryWatcher *self,
                                  const char       *old_path,
                                  GPtrArray        *new_folders)
{
  g_return_if_fail (VS_IS_LIBRARY_WATCHER (self));
  g_return_if_fail (old_path != NULL && new_folders != NULL);

  drop_watches_under (self, old_path);
  for (guint i = 0; i < new_folders->len; i++)
    {
      VsScanChange added = { VS_SCAN_CHANGE_FOLDER_ADDED, VS_VIDEO_KIND_FILE, 0,
                             g_ptr_array_index (new_folders, i), -1, -1, NULL };

      apply_folder_change (self, &added);
    }
}

static gboolean
on_settle (gpointer user_data)
{
  VsLibraryWatcher *self = user_data;

  self->settle_id = 0;
  self->settle_due = TRUE;
  schedule (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
apply_settle (VsLibraryWatcher *self,
              Batch            *batch)
{
  for (guint i = 0; i < batch->settle->len; i++)
    {
      SettleJob *job = &g_array_index (batch->settle, SettleJob, i);
      gint64 *size = g_hash_table_lookup (self->unsettled, job->path);

      if (size == NULL)
        continue;
      if (job->size < 0)
        g_hash_table_remove (self->unsettled, job->path);
      else if (job->size == *size)
        {
          g_autofree char *path = g_strdup (job->path);

          g_hash_table_remove (self->unsettled, job->path);
          g_signal_emit (self, signals[SETTLED], 0, path);
        }
      else
        *size = job->size;
    }
  for (guint i = 0; i < batch->changes->len; i++)
    {
      VsScanChange *change = g_ptr_array_index (batch->changes, i);
      gint64 *size;

      /* An HLS item's size is its segments': its scan is its check. */
      if ((change->kind != VS_SCAN_CHANGE_ADDED && change->kind != VS_SCAN_CHANGE_UPDATED) ||
          change->video_kind != VS_VIDEO_KIND_FILE)
        continue;
      size = g_new (gint64, 1);
      *size = change->size;
      g_hash_table_replace (self->unsettled, g_strdup (change->path), size);
    }
  if (g_hash_table_size (self->unsettled) > 0 && self->settle_id == 0)
    self->settle_id = g_timeout_add (self->settle_ms, on_settle, self);
}

static void
on_batch_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VsLibraryWatcher) self = VS_LIBRARY_WATCHER (object);
  Batch *batch = g_task_get_task_data (G_TASK (result));

  self->running = FALSE;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      update_busy (self);
      return;
    }
  for (guint i = 0; i < batch->roots->len; i++)
    apply_root_job (self, &g_array_index (batch->roots, RootJob, i));
  for (guint i = 0; i < batch->changes->len; i++)
    {
      VsScanChange *change = g_ptr_array_index (batch->changes, i);

      if (change->kind == VS_SCAN_CHANGE_MOVED)
        drop_watches_under (self, change->old_path);
    }
  /* Folders that moved are watched under their new names (a monitor reports the old). */
  for (guint i = 0; i < batch->moved_folders->len; i++)
    {
      VsScanChange added = { VS_SCAN_CHANGE_FOLDER_ADDED, VS_VIDEO_KIND_FILE, 0,
                             g_ptr_array_index (batch->moved_folders, i), -1, -1, NULL };

      apply_folder_change (self, &added);
    }
  for (guint i = 0; i < batch->changes->len; i++)
    {
      VsScanChange *change = g_ptr_array_index (batch->changes, i);

      apply_folder_change (self, change);
      g_signal_emit (self, signals[CHANGED], 0, change);
    }
  for (guint i = 0; i < batch->rescanned->len; i++)
    {
      self->n_rescans++;
      g_signal_emit (self, signals[FOLDER_RESCANNED], 0, g_ptr_array_index (batch->rescanned, i));
    }
  apply_settle (self, batch);
  if (batch->changes->len > 0)
    g_signal_emit (self, signals[BATCH_DONE], 0, batch->changes->len);
  if (g_hash_table_size (self->dirty) > 0 || self->settle_due || self->roots_dirty)
    schedule (self, self->debounce_id == 0);
  update_busy (self);
}

static Batch *
take_batch (VsLibraryWatcher *self)
{
  Batch *batch = g_new0 (Batch, 1);
  gboolean roots_dirty = self->roots_dirty;
  GHashTableIter iter;
  gpointer key, value;

  batch->scanner = g_object_ref (self->scanner);
  batch->roots = g_array_new (FALSE, TRUE, sizeof (RootJob));
  g_array_set_clear_func (batch->roots, _vs_library_watcher_root_job_clear);
  batch->folders = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_ptr_array_add (batch->folders, key);
      g_hash_table_iter_steal (&iter);
    }
  batch->moves = g_steal_pointer (&self->moves);
  self->moves = g_ptr_array_new_with_free_func (g_free);
  batch->moved_folders = g_ptr_array_new_with_free_func (g_free);
  batch->settle = g_array_new (FALSE, TRUE, sizeof (SettleJob));
  g_array_set_clear_func (batch->settle, _vs_library_watcher_settle_job_clear);
  batch->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_scan_change_free);
  batch->rescanned = g_ptr_array_new_with_free_func (g_free);

  /* Every root is looked at: a folder's rescan must know its root is still there. */
  for (guint i = 0; i < self->roots->len; i++)
    {
      Root *root = g_ptr_array_index (self->roots, i);
      RootJob job = { g_strdup (root->path), root->dev, root->want_list, root->want_full };

      roots_dirty |= root->want_list || root->want_full;
      root->want_list = root->want_full = FALSE;
      g_array_append_val (batch->roots, job);
    }
  self->roots_dirty = FALSE;
  if (self->settle_due)
    {
      g_hash_table_iter_init (&iter, self->unsettled);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          SettleJob job = { g_strdup (key), *(gint64 *) value };

          g_array_append_val (batch->settle, job);
        }
      self->settle_due = FALSE;
    }
  if (!roots_dirty && batch->folders->len == 0 && batch->settle->len == 0 &&
      batch->moves->len == 0)
    g_clear_pointer (&batch, _vs_library_watcher_batch_free);
  return batch;
}

static void
run_batch (VsLibraryWatcher *self)
{
  g_autoptr(GTask) task = NULL;
  Batch *batch;

  if (self->running)
    return;
  batch = take_batch (self);
  if (batch == NULL)
    return;
  self->running = TRUE;
  task = g_task_new (g_object_ref (self), self->cancellable, on_batch_done, NULL);
  g_task_set_source_tag (task, run_batch);
  g_task_set_task_data (task, batch, _vs_library_watcher_batch_free);
  g_task_run_in_thread (task, _vs_library_watcher_batch_thread);
}

static gboolean
on_debounce (gpointer user_data)
{
  VsLibraryWatcher *self = user_data;

  self->debounce_id = 0;
  run_batch (self);   /* when one is running, its end starts the next */
  update_busy (self);
  return G_SOURCE_REMOVE;
}

/* Events restart the quiet spell, up to a few debounces after the first. */
static void
schedule (VsLibraryWatcher *self,
          gboolean          now)
{
  gint64 t = g_get_monotonic_time ();

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (self->debounce_id != 0)
    {
      if (!now && t - self->first_event_us >=
          (gint64) self->debounce_ms * MAX_DELAY_DEBOUNCES * G_TIME_SPAN_MILLISECOND)
        return;
      g_clear_handle_id (&self->debounce_id, g_source_remove);
    }
  else
    self->first_event_us = t;
  self->debounce_id = g_timeout_add (now ? 0 : self->debounce_ms, on_debounce, self);
  update_busy (self);
}

/* Public ----------------------------------------------------------------- */

VsLibraryWatcher *
vs_library_watcher_new (VsDatabase *writer)
{
  g_autoptr(VsScanner) scanner = NULL;

  g_return_val_if_fail (VS_IS_DATABASE (writer), NULL);

  scanner = vs_scanner_new (writer);
  return vs_library_watcher_new_for_scanner (scanner);
}

VsLibraryWatcher *
vs_library_watcher_new_for_scanner (VsScanner *scanner)
{
  VsLibraryWatcher *self;

  g_return_val_if_fail (VS_IS_SCANNER (scanner), NULL);

  self = g_object_new (VS_TYPE_LIBRARY_WATCHER, NULL);
  self->writer = g_object_ref (vs_scanner_get_database (scanner));
  self->scanner = g_object_ref (scanner);
  return self;
}

void
vs_library_watcher_add_root (VsLibraryWatcher *self,
                             const char       *path)
{
  g_autoptr(GFile) file = NULL;
  Root *root;

  g_return_if_fail (VS_IS_LIBRARY_WATCHER (self));
  g_return_if_fail (path != NULL && g_path_is_absolute (path));

  for (guint i = 0; i < self->roots->len; i++)
    if (g_str_equal (((Root *) g_ptr_array_index (self->roots, i))->path, path))
      return;

  root = g_new0 (Root, 1);
  root->self = self;
  root->path = g_strdup (path);
  root->state = VS_ROOT_STATE_STARTING;
  root->want_list = TRUE;
  file = g_file_new_for_path (path);
  root->monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, NULL);
  if (root->monitor != NULL)
    g_signal_connect (root->monitor, "changed", G_CALLBACK (on_root_event), root);
  g_ptr_array_add (self->roots, root);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MONITORS]);
  schedule (self, TRUE);
}

void
vs_library_watcher_stop (VsLibraryWatcher *self)
{
  g_return_if_fail (VS_IS_LIBRARY_WATCHER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  if (self->monitors != NULL)
    vs_folder_monitors_remove_all (self->monitors);
  g_hash_table_remove_all (self->watches);
  g_hash_table_remove_all (self->dirty);
  g_hash_table_remove_all (self->unsettled);
  g_ptr_array_set_size (self->moves, 0);
  g_ptr_array_set_size (self->roots, 0);
  self->settle_due = self->roots_dirty = FALSE;
  update_busy (self);
}

void
vs_library_watcher_set_roots (VsLibraryWatcher   *self,
                              const char * const *roots)
{
  g_return_if_fail (VS_IS_LIBRARY_WATCHER (self));
  g_return_if_fail (roots != NULL);

  for (guint i = self->roots->len; i-- > 0;)
    {
      Root *root = g_ptr_array_index (self->roots, i);

      if (g_strv_contains (roots, root->path))
        continue;
      drop_watches_under (self, root->path);
      g_ptr_array_remove_index (self->roots, i);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MONITORS]);
    }
  for (guint i = 0; roots[i] != NULL; i++)
    vs_library_watcher_add_root (self, roots[i]);
  update_busy (self);
}

VsRootState
vs_library_watcher_get_root_state (VsLibraryWatcher *self,
                                   const char       *path)
{
  g_return_val_if_fail (VS_IS_LIBRARY_WATCHER (self), VS_ROOT_STATE_UNAVAILABLE);
  g_return_val_if_fail (path != NULL, VS_ROOT_STATE_UNAVAILABLE);

  for (guint i = 0; i < self->roots->len; i++)
    {
      Root *root = g_ptr_array_index (self->roots, i);

      if (g_str_equal (root->path, path))
        return root->state;
    }
  return VS_ROOT_STATE_UNAVAILABLE;
}

const char *
vs_library_watcher_get_unavailable_root (VsLibraryWatcher *self,
                                         const char       *path)
{
  g_return_val_if_fail (VS_IS_LIBRARY_WATCHER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  for (guint i = 0; i < self->roots->len; i++)
    {
      Root *root = g_ptr_array_index (self->roots, i);

      if (root->state == VS_ROOT_STATE_UNAVAILABLE && vs_path_is_inside (path, root->path))
        return root->path;
    }
  return NULL;
}

guint
vs_library_watcher_get_n_monitors (VsLibraryWatcher *self)
{
  guint n;

  g_return_val_if_fail (VS_IS_LIBRARY_WATCHER (self), 0);

  n = g_hash_table_size (self->watches);
  for (guint i = 0; i < self->roots->len; i++)
    n += ((Root *) g_ptr_array_index (self->roots, i))->monitor != NULL;
  return n;
}

guint
vs_library_watcher_get_n_rescans (VsLibraryWatcher *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_WATCHER (self), 0);
  return self->n_rescans;
}

gboolean
vs_library_watcher_get_busy (VsLibraryWatcher *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_WATCHER (self), FALSE);
  return self->busy;
}

guint
vs_library_watcher_get_poll_interval (VsLibraryWatcher *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_WATCHER (self), 0);
  return self->poll_interval;
}

/* GObject ---------------------------------------------------------------- */

/* Half the user's inotify watches: the rest is left to the desktop's other programs. */
static guint
default_watch_budget (void)
{
  const char *env = g_getenv ("VIDSHELF_WATCH_BUDGET");
  g_autofree char *text = NULL;
  guint64 value = 0;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 0, G_MAXUINT, &value, NULL))
    return (guint) value;
  if (g_file_get_contents ("/proc/sys/fs/inotify/max_user_watches", &text, NULL, NULL) &&
      g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, G_MAXUINT, &value, NULL))
    return (guint) (value / 2);
  return 8192;
}

static void
vs_library_watcher_dispose (GObject *object)
{
  VsLibraryWatcher *self = VS_LIBRARY_WATCHER (object);

  vs_library_watcher_stop (self);
  if (self->monitors != NULL)
    g_signal_handlers_disconnect_by_data (self->monitors, self);
  g_clear_object (&self->monitors);

  G_OBJECT_CLASS (vs_library_watcher_parent_class)->dispose (object);
}

static void
vs_library_watcher_finalize (GObject *object)
{
  VsLibraryWatcher *self = VS_LIBRARY_WATCHER (object);

  g_clear_pointer (&self->watches, g_hash_table_unref);
  g_clear_pointer (&self->roots, g_ptr_array_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);
  g_clear_pointer (&self->moves, g_ptr_array_unref);
  g_clear_pointer (&self->unsettled, g_hash_table_unref);
  g_clear_object (&self->scanner);
  g_clear_object (&self->writer);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vs_library_watcher_parent_class)->finalize (object);
}

static void
vs_library_watcher_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VsLibraryWatcher *self = VS_LIBRARY_WATCHER (object);

  switch (prop_id)
    {
    case PROP_WATCH_BUDGET:
      g_value_set_uint (value, self->watch_budget);
      break;
    case PROP_DEBOUNCE_MS:
      g_value_set_uint (value, self->debounce_ms);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval);
      break;
    case PROP_SETTLE_MS:
      g_value_set_uint (value, self->settle_ms);
      break;
    case PROP_N_MONITORS:
      g_value_set_uint (value, vs_library_watcher_get_n_monitors (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint (VsLibraryWatcher *self,
          guint            *field,
          const GValue     *value,
          GParamSpec       *pspec)
{
  guint v = g_value_get_uint (value);

  if (*field == v)
    return;
  *field = v;
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
vs_library_watcher_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VsLibraryWatcher *self = VS_LIBRARY_WATCHER (object);

  switch (prop_id)
    {
    case PROP_WATCH_BUDGET:
      set_uint (self, &self->watch_budget, value, pspec);
      break;
    case PROP_DEBOUNCE_MS:
      set_uint (self, &self->debounce_ms, value, pspec);
      break;
    case PROP_POLL_INTERVAL:
      set_uint (self, &self->poll_interval, value, pspec);
      break;
    case PROP_SETTLE_MS:
      set_uint (self, &self->settle_ms, value, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_library_watcher_class_init (VsLibraryWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = vs_library_watcher_dispose;
  object_class->finalize = vs_library_watcher_finalize;
  object_class->get_property = vs_library_watcher_get_property;
  object_class->set_property = vs_library_watcher_set_property;

  /* Folder monitors allowed in all; a root that would pass it is polled. Default: the
   * VIDSHELF_WATCH_BUDGET environment variable, else half of the inotify limit. */
  properties[PROP_WATCH_BUDGET] =
    g_param_spec_uint ("watch-budget", NULL, NULL, 0, G_MAXUINT, 8192, rw);
  properties[PROP_DEBOUNCE_MS] =
    g_param_spec_uint ("debounce-ms", NULL, NULL, 0, 60000, 500, rw);
  /* Seconds between rescans of a polled root (and looks for an unavailable one). */
  properties[PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 1, 86400, 300, rw);
  /* A new or changed file is stable when its size is the same this much later. */
  properties[PROP_SETTLE_MS] =
    g_param_spec_uint ("settle-ms", NULL, NULL, 0, 600000, 2000, rw);
  properties[PROP_N_MONITORS] =
    g_param_spec_uint ("n-monitors", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* One change applied to the index (a const VsScanChange *). */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[FOLDER_RESCANNED] =
    g_signal_new ("folder-rescanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* (root path, VsRootState) */
  signals[ROOT_STATE_CHANGED] =
    g_signal_new ("root-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
  /* A new or grown file kept its size: ready to probe and thumbnail. */
  signals[SETTLED] =
    g_signal_new ("settled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* After a batch of changes (their number) reached the index: refresh views. */
  signals[BATCH_DONE] =
    g_signal_new ("batch-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
vs_library_watcher_init (VsLibraryWatcher *self)
{
  self->roots = g_ptr_array_new_with_free_func (root_free);
  self->watches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->monitors = vs_folder_monitors_new (RATE_LIMIT_MS);
  g_signal_connect (self->monitors, "event", G_CALLBACK (on_folder_event), self);
  self->dirty = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->moves = g_ptr_array_new_with_free_func (g_free);
  self->unsettled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();
  self->watch_budget = default_watch_budget ();
  self->debounce_ms = 500;
  self->poll_interval = 300;
  self->settle_ms = 2000;
}
