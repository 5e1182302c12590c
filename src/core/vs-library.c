/* vs-library.c: one library — its index, scans, watcher and media work — shared by views */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include <string.h>

#include "vs-library-watcher.h"
#include "vs-library.h"

/* While a scan runs, views hear of new videos this often. */
#define CHANGED_DURING_SCAN_MS 1000
/* Media progress reaches views at most this often. */
#define CHANGED_DURING_MEDIA_US G_USEC_PER_SEC

typedef enum
{
  REQUEST_ALL,      /* every root that is there */
  REQUEST_ROOTS,    /* full scans of these folders (they become or stay roots) */
  REQUEST_FOLDER,   /* one folder inside a root */
  REQUEST_REMOVE,   /* forget a root */
} RequestKind;

typedef struct
{
  RequestKind    kind;
  char          *key;        /* equal requests share one run */
  GStrv          folders;
  VsRescanFlags  flags;
  GPtrArray     *tasks;      /* GTask, all completed by the one run */
} Request;

struct _VsLibrary
{
  GObject           parent_instance;

  char             *database_path;
  char             *default_folder;
  VsLibraryFlags    flags;
  VsLibraryState    state;
  GError           *error;

  VsDatabase       *writer;
  VsDatabase       *reader;
  VsScanner        *scanner;
  VsLibraryWatcher *watcher;
  VsMediaService   *media;
  guint             n_workers;

  GListStore       *roots;          /* VsLibraryRoot, by path */
  GStrv             absent;         /* at open: the roots that were not there */
  gboolean          started;
  gboolean          watching;

  GQueue            requests;       /* Request, waiting */
  Request          *running;        /* the scan under way */
  GCancellable     *scan_cancellable;
  guint             progress_done;
  guint             progress_total;
  guint             scan_tick_id;

  GPtrArray        *ready_waiters;  /* GTask waiting for the open */
  GCancellable     *cancellable;    /* the library's lifetime */
  guint             n_threads;      /* tasks of ours on other threads */
  gboolean          media_running;
  gboolean          media_again;
  gint64            last_media_changed;
  int               n_position_writes;  /* atomic: counted on the writing thread */

  VsLibraryChange   pending_changes;
  guint             changed_id;
  gboolean          folders_changed;
};

G_DEFINE_FINAL_TYPE (VsLibrary, vs_library, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_SCANNING,
  PROP_PROGRESS_DONE,
  PROP_PROGRESS_TOTAL,
  PROP_BUSY,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void run_next_request (VsLibrary *self);
static void update_media (VsLibrary *self);

/* State ------------------------------------------------------------------- */

static gboolean
emit_changed (gpointer user_data)
{
  VsLibrary *self = user_data;
  VsLibraryChange what = self->pending_changes;

  self->changed_id = 0;
  self->pending_changes = 0;
  if (what != 0)
    g_signal_emit (self, signals[CHANGED], 0, what);
  return G_SOURCE_REMOVE;
}

/* Every change of a burst reaches views as one ::changed, from the main loop. */
static void
queue_changed (VsLibrary       *self,
               VsLibraryChange  what)
{
  self->pending_changes |= what;
  if (self->changed_id == 0)
    {
      self->changed_id = g_idle_add (emit_changed, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->changed_id),
                                "[vs-library] changed");
    }
}

/* Views hear of a scan's changes before they hear that it is over. */
static void
flush_changed (VsLibrary *self)
{
  if (self->changed_id != 0)
    {
      g_clear_handle_id (&self->changed_id, g_source_remove);
      emit_changed (self);
    }
}

static void
notify_busy (VsLibrary *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_progress (VsLibrary *self,
              guint      done,
              guint      total)
{
  if (self->progress_done != done)
    {
      self->progress_done = done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_DONE]);
    }
  if (self->progress_total != total)
    {
      self->progress_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_TOTAL]);
    }
}

static void
set_state (VsLibrary      *self,
           VsLibraryState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Work on other threads holds the library from thread_started() to thread_done(), both
 * on the main thread: a task of a worker thread never holds it (its last reference could
 * then drop there, and the library be finalized off the main thread). Close waits for
 * the count to reach 0. */
static GTask *
thread_task_new (VsLibrary           *self,
                 GCancellable        *cancellable,
                 gpointer             source_tag,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_object_set_data (G_OBJECT (task), "vs-library", self);
  return task;
}

/* The library of a thread task (in the worker and in the callback). */
static VsLibrary *
library_of (gpointer task)
{
  return g_object_get_data (G_OBJECT (task), "vs-library");
}

static void
thread_started (VsLibrary *self)
{
  g_object_ref (self);
  if (self->n_threads++ == 0)
    notify_busy (self);
}

/* The caller holds a reference of its own while it goes on using @self. */
static void
thread_done (VsLibrary *self)
{
  g_assert (self->n_threads > 0);
  if (--self->n_threads == 0)
    notify_busy (self);
  g_object_unref (self);
}

/* Roots ------------------------------------------------------------------- */

static VsLibraryRoot *
find_root (VsLibrary  *self,
           const char *path,
           guint      *out_position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      if (g_strcmp0 (vs_library_root_get_path (root), path) == 0)
        {
          if (out_position != NULL)
            *out_position = i;
          return root;   /* the store holds it */
        }
    }
  return NULL;
}

static VsLibraryRootState
root_state_from_watcher (VsRootState state)
{
  switch (state)
    {
    case VS_ROOT_STATE_WATCHING:
      return VS_LIBRARY_ROOT_WATCHING;
    case VS_ROOT_STATE_POLLING:
      return VS_LIBRARY_ROOT_POLLING;
    case VS_ROOT_STATE_UNAVAILABLE:
      return VS_LIBRARY_ROOT_UNAVAILABLE;
    case VS_ROOT_STATE_STARTING:
    default:
      return VS_LIBRARY_ROOT_STARTING;
    }
}

static int
compare_roots (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_strcmp0 (vs_library_root_get_path ((VsLibraryRoot *) a),
                    vs_library_root_get_path ((VsLibraryRoot *) b));
}

/* The root list follows @paths: new ones are added, gone ones removed, states kept. */
static void
sync_roots (VsLibrary          *self,
            const char * const *paths)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));
  gboolean changed = FALSE;

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (G_LIST_MODEL (self->roots), i - 1);

      if (!g_strv_contains (paths, vs_library_root_get_path (root)))
        {
          g_list_store_remove (self->roots, i - 1);
          changed = TRUE;
        }
    }
  for (guint i = 0; paths[i] != NULL; i++)
    if (find_root (self, paths[i], NULL) == NULL)
      {
        g_autoptr(VsLibraryRoot) root = vs_library_root_new (paths[i]);

        if (self->watching)
          vs_library_root_set_state (root, root_state_from_watcher (
            vs_library_watcher_get_root_state (self->watcher, paths[i])));
        else if (self->absent != NULL &&
                 g_strv_contains ((const char * const *) self->absent, paths[i]))
          vs_library_root_set_state (root, VS_LIBRARY_ROOT_UNAVAILABLE);
        g_list_store_insert_sorted (self->roots, root, compare_roots, NULL);
        changed = TRUE;
      }
  if (changed)
    queue_changed (self, VS_LIBRARY_CHANGE_ROOTS);
}

typedef struct
{
  GStrv   paths;
  gint64 *counts;
} CountData;

static void
count_data_free (gpointer data)
{
  CountData *cd = data;

  g_strfreev (cd->paths);
  g_free (cd->counts);
  g_free (cd);
}

static void
count_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  VsLibrary *self = library_of (task);
  CountData *cd = task_data;

  for (guint i = 0; cd->paths[i] != NULL; i++)
    {
      VsVideoQuery query = { .folder = cd->paths[i], .recursive = TRUE };

      cd->counts[i] = vs_database_count_videos (self->reader, &query, NULL);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_counted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (library_of (result));
  CountData *cd = g_task_get_task_data (G_TASK (result));

  thread_done (self);
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  for (guint i = 0; cd->paths[i] != NULL; i++)
    {
      VsLibraryRoot *root = find_root (self, cd->paths[i], NULL);

      if (root != NULL && cd->counts[i] >= 0)
        vs_library_root_set_n_videos (root, cd->counts[i]);
    }
}

/* Counts the roots' videos (off the main thread: a count walks the index). */
static void
count_roots (VsLibrary *self)
{
  g_autoptr(GTask) task = NULL;
  CountData *cd;

  cd = g_new0 (CountData, 1);
  cd->paths = vs_library_dup_root_paths (self);
  cd->counts = g_new0 (gint64, g_strv_length (cd->paths) + 1);
  task = thread_task_new (self, self->cancellable, count_roots, on_counted, NULL);
  g_task_set_task_data (task, cd, count_data_free);
  thread_started (self);
  g_task_run_in_thread (task, count_thread);
}

/* Reads the roots again (after a scan or a removal), then counts their videos. */
static void
reload_roots (VsLibrary *self)
{
  g_auto(GStrv) paths = NULL;

  if (self->reader == NULL || (paths = vs_database_dup_roots (self->reader, NULL)) == NULL)
    return;
  sync_roots (self, (const char * const *) paths);
  if (self->watcher != NULL && self->watching)
    vs_library_watcher_set_roots (self->watcher, (const char * const *) paths);
  count_roots (self);
}

static void
on_root_state (VsLibrary  *self,
               const char *path,
               int         state)
{
  VsLibraryRoot *root = find_root (self, path, NULL);

  if (root == NULL)
    return;
  vs_library_root_set_poll_interval (root, vs_library_watcher_get_poll_interval (self->watcher));
  if (self->running == NULL || vs_library_root_get_state (root) != VS_LIBRARY_ROOT_SCANNING)
    vs_library_root_set_state (root, root_state_from_watcher ((VsRootState) state));
  /* availability is part of what views show of each video */
  queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
}

static void
on_watched_changes (VsLibrary *self,
                    guint      n_changes)
{
  queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS |
                       (self->folders_changed ? VS_LIBRARY_CHANGE_FOLDERS : 0));
  self->folders_changed = FALSE;
  /* the roots' counts follow what the watcher indexed (once per batch) */
  count_roots (self);
}

static void
on_watched_change (VsLibrary          *self,
                   const VsScanChange *change)
{
  self->folders_changed |= change->kind == VS_SCAN_CHANGE_FOLDER_ADDED ||
                           change->kind == VS_SCAN_CHANGE_FOLDER_REMOVED ||
                           change->kind == VS_SCAN_CHANGE_MOVED;
}

static void
on_settled (VsLibrary  *self,
            const char *path)
{
  update_media (self);
}

static void
ensure_watching (VsLibrary *self)
{
  g_auto(GStrv) paths = NULL;

  if (self->watching || self->watcher == NULL)
    return;
  self->watching = TRUE;
  paths = vs_library_dup_root_paths (self);
  vs_library_watcher_set_roots (self->watcher, (const char * const *) paths);
}

/* Scans ------------------------------------------------------------------- */

static void
request_free (Request *request)
{
  g_free (request->key);
  g_strfreev (request->folders);
  g_ptr_array_unref (request->tasks);
  g_free (request);
}

static void
request_complete (Request             *request,
                  const VsScanSummary *summary,
                  const GError        *error)
{
  for (guint i = 0; i < request->tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (request->tasks, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        {
          g_task_set_task_data (task, g_memdup2 (summary, sizeof *summary), g_free);
          g_task_return_boolean (task, TRUE);
        }
    }
  g_ptr_array_set_size (request->tasks, 0);
}

static void
queue_request (VsLibrary     *self,
               RequestKind    kind,
               const char    *key,
               GStrv          folders,
               VsRescanFlags  flags,
               GTask         *task)
{
  Request *request = NULL;

  for (GList *l = self->requests.head; l != NULL; l = l->next)
    if (g_str_equal (((Request *) l->data)->key, key))
      request = l->data;
  if (request == NULL)
    {
      request = g_new0 (Request, 1);
      request->kind = kind;
      request->key = g_strdup (key);
      request->folders = folders;
      request->flags = flags;
      request->tasks = g_ptr_array_new_with_free_func (g_object_unref);
      g_queue_push_tail (&self->requests, request);
    }
  else
    g_strfreev (folders);
  g_ptr_array_add (request->tasks, g_object_ref (task));
  run_next_request (self);
}

static gboolean
is_full_scan (const Request *request)
{
  return request != NULL && (request->kind == REQUEST_ALL || request->kind == REQUEST_ROOTS);
}

static void
set_roots_scanning (VsLibrary          *self,
                    const char * const *folders,
                    gboolean            scanning)
{
  for (guint i = 0; folders != NULL && folders[i] != NULL; i++)
    {
      VsLibraryRoot *root = find_root (self, folders[i], NULL);

      if (root == NULL)
        continue;
      if (scanning)
        vs_library_root_set_state (root, VS_LIBRARY_ROOT_SCANNING);
      else if (self->watcher != NULL && self->watching)
        vs_library_root_set_state (root, root_state_from_watcher (
          vs_library_watcher_get_root_state (self->watcher, folders[i])));
      else
        vs_library_root_set_state (root, VS_LIBRARY_ROOT_STARTING);
    }
}

static gboolean
on_scan_tick (gpointer user_data)
{
  queue_changed (user_data, VS_LIBRARY_CHANGE_VIDEOS);
  return G_SOURCE_CONTINUE;
}

static void
on_scan_progress (VsLibrary *self,
                  guint      folders_done,
                  guint      videos_seen,
                  guint      changes)
{
  if (is_full_scan (self->running))
    set_progress (self, videos_seen, 0);
}

static void
finish_request (VsLibrary           *self,
                const VsScanSummary *summary,
                const GError        *error)
{
  g_autoptr(GError) cancelled = NULL;
  Request *request = g_steal_pointer (&self->running);
  gboolean full = is_full_scan (request);

  g_clear_handle_id (&self->scan_tick_id, g_source_remove);
  g_clear_object (&self->scan_cancellable);
  if (full)
    set_roots_scanning (self, (const char * const *) request->folders, FALSE);
  request_complete (request, summary, error);
  request_free (request);
  thread_done (self);

  if (self->state != VS_LIBRARY_STATE_READY)
    return;
  queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS | VS_LIBRARY_CHANGE_FOLDERS);
  reload_roots (self);
  flush_changed (self);
  if (full)
    set_progress (self, 0, 0);
  if ((self->flags & VS_LIBRARY_FLAGS_HEADLESS) == 0)
    {
      if (full)
        ensure_watching (self);
      update_media (self);
    }
  run_next_request (self);
  if (full && !is_full_scan (self->running))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

static void
on_scanned (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VsLibrary) self = user_data;
  g_autoptr(GError) error = NULL;
  VsScanSummary summary = { 0 };

  vs_scanner_scan_finish (VS_SCANNER (object), result, &summary, &error);
  finish_request (self, &summary, error);
}

typedef struct
{
  VsScanSummary summary;
  char         *folder;
  VsRescanFlags flags;
  gboolean      remove;
} FolderJob;

static void
folder_job_free (gpointer data)
{
  FolderJob *job = data;

  g_free (job->folder);
  g_free (job);
}

static void
folder_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VsLibrary *self = library_of (task);
  FolderJob *job = task_data;
  g_autofree char *folder = g_strdup (job->folder);
  GError *error = NULL;

  if (job->remove)
    {
      if (!vs_database_remove_root (self->writer, job->folder, &error))
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      return;
    }
  /* What was trashed may have taken its folder along: the nearest folder still there. */
  while (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      char *parent = g_path_get_dirname (folder);

      if (g_str_equal (parent, folder))
        {
          g_free (parent);
          break;
        }
      g_free (folder);
      folder = parent;
    }
  if (!vs_scanner_rescan (self->scanner, folder, job->flags, NULL, &job->summary, cancellable,
                          &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_folder_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (library_of (result));
  FolderJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  finish_request (self, &job->summary, error);
}

static void
run_next_request (VsLibrary *self)
{
  Request *request;

  if (self->running != NULL || self->state != VS_LIBRARY_STATE_READY ||
      (request = g_queue_pop_head (&self->requests)) == NULL)
    return;

  self->running = request;
  self->scan_cancellable = g_cancellable_new ();
  thread_started (self);
  if (request->kind == REQUEST_ALL)
    {
      g_autoptr(GStrvBuilder) present = g_strv_builder_new ();
      g_auto(GStrv) paths = vs_library_dup_root_paths (self);

      /* An unavailable root is the watcher's to look for: scanning it would fail the rest. */
      for (guint i = 0; paths[i] != NULL; i++)
        {
          VsLibraryRoot *root = find_root (self, paths[i], NULL);

          if (root == NULL || vs_library_root_get_state (root) != VS_LIBRARY_ROOT_UNAVAILABLE)
            g_strv_builder_add (present, paths[i]);
        }
      g_strfreev (request->folders);
      request->folders = g_strv_builder_end (present);
    }

  if (is_full_scan (request))
    {
      if (request->folders[0] == NULL)
        {
          /* nothing there to scan: watching looks for the missing roots */
          ensure_watching (self);
          finish_request (self, &(VsScanSummary) { 0 }, NULL);
          return;
        }
      set_roots_scanning (self, (const char * const *) request->folders, TRUE);
      set_progress (self, 0, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
      self->scan_tick_id = g_timeout_add (CHANGED_DURING_SCAN_MS, on_scan_tick, self);
      vs_scanner_scan_async (self->scanner, (const char * const *) request->folders,
                             self->scan_cancellable, on_scanned, g_object_ref (self));
    }
  else
    {
      g_autoptr(GTask) task = thread_task_new (self, self->scan_cancellable, run_next_request,
                                               on_folder_done, NULL);
      FolderJob *job = g_new0 (FolderJob, 1);

      job->folder = g_strdup (request->folders[0]);
      job->flags = request->flags;
      job->remove = request->kind == REQUEST_REMOVE;
      g_task_set_task_data (task, job, folder_job_free);
      g_task_run_in_thread (task, folder_thread);
    }
}

static GTask *
scan_task_new (VsLibrary           *self,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (self->state == VS_LIBRARY_STATE_ERROR || self->state == VS_LIBRARY_STATE_CLOSED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "The library is not open");
      g_clear_object (&task);
    }
  else if ((self->flags & VS_LIBRARY_FLAGS_READ_ONLY) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                               "The library was opened read-only");
      g_clear_object (&task);
    }
  return task;
}

/* Media ------------------------------------------------------------------- */

static void
on_media_progress (VsLibrary *self,
                   guint      done,
                   guint      total)
{
  gint64 now = g_get_monotonic_time ();

  if (!is_full_scan (self->running))
    set_progress (self, done, total);
  if (now - self->last_media_changed < CHANGED_DURING_MEDIA_US && done < total)
    return;
  self->last_media_changed = now;
  queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
}

static void
on_media_updated (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VsLibrary) self = user_data;
  g_autoptr(GError) error = NULL;

  self->media_running = FALSE;
  notify_busy (self);
  if (!vs_media_service_update_finish (VS_MEDIA_SERVICE (object), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Probing failed: %s", error->message);
  if (self->state != VS_LIBRARY_STATE_READY)
    return;
  if (!is_full_scan (self->running))
    set_progress (self, 0, 0);
  queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  if (self->media_again)
    update_media (self);
}

/* Durations of new files in the background (thumbnails come per cell). One update at a
 * time: files that settle meanwhile wait for the next. */
static void
update_media (VsLibrary *self)
{
  if (self->state != VS_LIBRARY_STATE_READY ||
      (self->flags & (VS_LIBRARY_FLAGS_READ_ONLY | VS_LIBRARY_FLAGS_HEADLESS)) != 0)
    return;
  if (self->media_running)
    {
      self->media_again = TRUE;
      return;
    }
  self->media_running = TRUE;
  self->media_again = FALSE;
  notify_busy (self);
  vs_media_service_update_async (self->media, self->writer, self->reader, VS_UPDATE_PROBE,
                                 VS_THUMBNAIL_SIZE_LARGE, self->cancellable,
                                 on_media_updated, g_object_ref (self));
}

/* Opening ------------------------------------------------------------------ */

typedef struct
{
  char       *database_path;
  char       *default_folder;
  gboolean    read_only;
  VsDatabase *writer;
  VsDatabase *reader;
  GStrv       roots;
  GStrv       present;     /* the roots there now: a missing one would fail the scan */
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *od = data;

  g_free (od->database_path);
  g_free (od->default_folder);
  g_clear_object (&od->writer);
  g_clear_object (&od->reader);
  g_strfreev (od->roots);
  g_strfreev (od->present);
  g_free (od);
}

static gboolean
open_data_run (OpenData  *od,
               GError   **error)
{
  g_autoptr(GStrvBuilder) present = g_strv_builder_new ();

  if (!od->read_only &&
      (od->writer = vs_database_open (od->database_path, VS_DATABASE_MODE_WRITER, error)) == NULL)
    return FALSE;
  if ((od->reader = vs_database_open (od->database_path, VS_DATABASE_MODE_READER, error)) == NULL)
    return FALSE;
  if ((od->roots = vs_database_dup_roots (od->reader, error)) == NULL)
    return FALSE;
  /* First start: the Videos folder, when there is one. */
  if (od->roots[0] == NULL && od->default_folder != NULL && !od->read_only &&
      g_file_test (od->default_folder, G_FILE_TEST_IS_DIR))
    {
      g_strfreev (od->roots);
      od->roots = g_strdupv ((char *[]) { od->default_folder, NULL });
    }
  for (guint i = 0; od->roots[i] != NULL; i++)
    if (g_file_test (od->roots[i], G_FILE_TEST_IS_DIR))
      g_strv_builder_add (present, od->roots[i]);
  od->present = g_strv_builder_end (present);
  return TRUE;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (!open_data_run (task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static OpenData *
open_data_new (VsLibrary *self)
{
  OpenData *od = g_new0 (OpenData, 1);

  od->database_path = g_strdup (self->database_path);
  od->default_folder = g_strdup (self->default_folder);
  od->read_only = (self->flags & VS_LIBRARY_FLAGS_READ_ONLY) != 0;
  return od;
}

static void
flush_ready_waiters (VsLibrary *self);

static void
opened (VsLibrary *self,
        OpenData  *od,
        GError    *error)
{
  if (error != NULL)
    {
      g_clear_error (&self->error);
      self->error = g_error_copy (error);
      set_state (self, VS_LIBRARY_STATE_ERROR);
      flush_ready_waiters (self);
      return;
    }
  self->writer = g_steal_pointer (&od->writer);
  self->reader = g_steal_pointer (&od->reader);
  {
    g_autoptr(GStrvBuilder) absent = g_strv_builder_new ();

    for (guint i = 0; od->roots[i] != NULL; i++)
      if (!g_strv_contains ((const char * const *) od->present, od->roots[i]))
        g_strv_builder_add (absent, od->roots[i]);
    self->absent = g_strv_builder_end (absent);
  }
  if (self->writer != NULL)
    {
      self->scanner = vs_scanner_new (self->writer);
      self->watcher = vs_library_watcher_new_for_scanner (self->scanner);
      g_signal_connect_object (self->scanner, "progress", G_CALLBACK (on_scan_progress), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "root-state-changed", G_CALLBACK (on_root_state),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "batch-done", G_CALLBACK (on_watched_changes),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "changed", G_CALLBACK (on_watched_change),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "settled", G_CALLBACK (on_settled),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "notify::busy", G_CALLBACK (notify_busy),
                               self, G_CONNECT_SWAPPED);
    }
  self->media = vs_media_service_new (self->n_workers, 0);
  g_signal_connect_object (self->media, "update-progress", G_CALLBACK (on_media_progress), self,
                           G_CONNECT_SWAPPED);
  sync_roots (self, (const char * const *) od->roots);
  set_state (self, VS_LIBRARY_STATE_READY);
  /* the roots just read, and on a first start the default folder, not yet a root */
  count_roots (self);
  flush_ready_waiters (self);
  run_next_request (self);
}

static void
on_opened (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (library_of (result));
  GTask *outer = user_data;
  g_autoptr(GError) error = NULL;

  thread_done (self);
  g_task_propagate_boolean (G_TASK (result), &error);
  opened (self, g_task_get_task_data (G_TASK (result)), error);
  if (error != NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_boolean (outer, TRUE);
  g_object_unref (outer);
}

/* Playback positions ----------------------------------------------------------- */

typedef struct
{
  char   *path;
  gint64  position_ms;
  gint64  duration_ms;
  gboolean write;
} PositionJob;

static void
position_job_free (gpointer data)
{
  PositionJob *job = data;

  g_free (job->path);
  g_free (job);
}

static void
position_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  VsLibrary *self = library_of (task);
  PositionJob *job = task_data;
  GError *error = NULL;
  gint64 position;

  if (job->write)
    {
      if (self->writer == NULL)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                                 "The library was opened read-only");
      else if (vs_database_set_position (self->writer, job->path, job->position_ms,
                                         job->duration_ms, &error))
        {
          g_atomic_int_inc (&self->n_position_writes);
          g_task_return_boolean (task, TRUE);
        }
      else
        g_task_return_error (task, error);
      return;
    }
  position = vs_database_get_position (self->reader, job->path, &error);
  if (position < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, position);
}

/* Tasks that need the open library wait for it; they fail with its error. */
static void
run_when_ready (VsLibrary       *self,
                GTask           *task,
                GTaskThreadFunc  func)
{
  g_object_set_data (G_OBJECT (task), "vs-thread-func", func);
  /* counted from now: the callback balances it, whichever way the task ends */
  thread_started (self);
  if (self->state == VS_LIBRARY_STATE_READY)
    g_task_run_in_thread (task, func);
  else if (self->state == VS_LIBRARY_STATE_OPENING)
    g_ptr_array_add (self->ready_waiters, g_object_ref (task));
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "The library is not open");
}

static void
flush_ready_waiters (VsLibrary *self)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->ready_waiters);

  self->ready_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (self->state == VS_LIBRARY_STATE_READY)
        g_task_run_in_thread (task, g_object_get_data (G_OBJECT (task), "vs-thread-func"));
      else
        g_task_return_error (task, self->error ? g_error_copy (self->error)
                                               : g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                                              "The library is not open"));
    }
}

/* GObject ----------------------------------------------------------------- */

static void
vs_library_dispose (GObject *object)
{
  VsLibrary *self = VS_LIBRARY (object);

  g_cancellable_cancel (self->cancellable);
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  if (self->watcher != NULL)
    vs_library_watcher_stop (self->watcher);
  g_clear_handle_id (&self->changed_id, g_source_remove);
  g_clear_handle_id (&self->scan_tick_id, g_source_remove);

  G_OBJECT_CLASS (vs_library_parent_class)->dispose (object);
}

static void
vs_library_finalize (GObject *object)
{
  VsLibrary *self = VS_LIBRARY (object);

  g_queue_clear_full (&self->requests, (GDestroyNotify) request_free);
  g_clear_pointer (&self->ready_waiters, g_ptr_array_unref);
  g_clear_object (&self->watcher);
  g_clear_object (&self->scanner);
  g_clear_object (&self->media);
  g_clear_object (&self->reader);
  g_clear_object (&self->writer);
  g_clear_object (&self->roots);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->scan_cancellable);
  g_clear_pointer (&self->absent, g_strfreev);
  g_clear_error (&self->error);
  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->default_folder, g_free);

  G_OBJECT_CLASS (vs_library_parent_class)->finalize (object);
}

static void
vs_library_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VsLibrary *self = VS_LIBRARY (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_SCANNING:
      g_value_set_boolean (value, vs_library_get_scanning (self));
      break;
    case PROP_PROGRESS_DONE:
      g_value_set_uint (value, self->progress_done);
      break;
    case PROP_PROGRESS_TOTAL:
      g_value_set_uint (value, self->progress_total);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, vs_library_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_library_class_init (VsLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_library_dispose;
  object_class->finalize = vs_library_finalize;
  object_class->get_property = vs_library_get_property;

  /* a VsLibraryState */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, VS_LIBRARY_STATE_CLOSED, VS_LIBRARY_STATE_ERROR,
                      VS_LIBRARY_STATE_CLOSED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCANNING] =
    g_param_spec_boolean ("scanning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS_DONE] =
    g_param_spec_uint ("progress-done", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS_TOTAL] =
    g_param_spec_uint ("progress-total", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (VsLibraryChange what): once per burst of changes, from the main loop */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
vs_library_init (VsLibrary *self)
{
  self->roots = g_list_store_new (VS_TYPE_LIBRARY_ROOT);
  self->cancellable = g_cancellable_new ();
  self->ready_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&self->requests);
}

/* Public ------------------------------------------------------------------ */

VsLibrary *
vs_library_new (const char     *database_path,
                VsLibraryFlags  flags)
{
  VsLibrary *self = g_object_new (VS_TYPE_LIBRARY, NULL);

  self->database_path = database_path ? g_strdup (database_path) : vs_database_default_path ();
  self->flags = flags;
  return self;
}

const char *
vs_library_get_database_path (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  return self->database_path;
}

void
vs_library_set_default_folder (VsLibrary  *self,
                               const char *folder)
{
  g_return_if_fail (VS_IS_LIBRARY (self));

  g_free (self->default_folder);
  self->default_folder = g_strdup (folder);
}

void
vs_library_open_async (VsLibrary           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) inner = NULL;
  GTask *outer;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (self->state == VS_LIBRARY_STATE_CLOSED);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_open_async);
  set_state (self, VS_LIBRARY_STATE_OPENING);
  /* The open itself is not cancelled: a library half-open helps nobody. */
  inner = thread_task_new (self, NULL, vs_library_open_async, on_opened, outer);
  g_task_set_task_data (inner, open_data_new (self), open_data_free);
  thread_started (self);
  g_task_run_in_thread (inner, open_thread);
}

gboolean
vs_library_open_finish (VsLibrary     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
vs_library_open (VsLibrary  *self,
                 GError    **error)
{
  OpenData *od;
  GError *local = NULL;

  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (self->state == VS_LIBRARY_STATE_CLOSED, FALSE);

  set_state (self, VS_LIBRARY_STATE_OPENING);
  od = open_data_new (self);
  open_data_run (od, &local);
  opened (self, od, local);
  open_data_free (od);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

void
vs_library_start (VsLibrary *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VS_IS_LIBRARY (self));

  if (self->started || self->writer == NULL)
    return;
  self->started = TRUE;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, vs_library_start);
  queue_request (self, REQUEST_ALL, "\x01all", g_new0 (char *, 1), VS_RESCAN_NONE, task);
}

void
vs_library_watch (VsLibrary *self)
{
  g_return_if_fail (VS_IS_LIBRARY (self));

  self->started = TRUE;
  ensure_watching (self);
}

static gboolean
check_closed (gpointer user_data)
{
  GTask *task = user_data;
  VsLibrary *self = g_task_get_source_object (task);

  if (vs_library_get_busy (self))
    return G_SOURCE_CONTINUE;
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

void
vs_library_close_async (VsLibrary           *self,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VS_IS_LIBRARY (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, vs_library_close_async);
  g_cancellable_cancel (self->cancellable);
  vs_library_cancel_scan (self);
  if (self->watcher != NULL)
    vs_library_watcher_stop (self->watcher);
  if (self->state == VS_LIBRARY_STATE_READY)
    set_state (self, VS_LIBRARY_STATE_CLOSED);
  /* Worker threads finish their step and return; nothing new starts once closed. */
  g_timeout_add_full (G_PRIORITY_DEFAULT, 10, check_closed, task, g_object_unref);
}

gboolean
vs_library_close_finish (VsLibrary     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

VsLibraryState
vs_library_get_state (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), VS_LIBRARY_STATE_ERROR);
  return self->state;
}

const GError *
vs_library_get_error (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  return self->error;
}

gboolean
vs_library_get_scanning (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  return is_full_scan (self->running);
}

guint
vs_library_get_progress_done (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), 0);
  return self->progress_done;
}

guint
vs_library_get_progress_total (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), 0);
  return self->progress_total;
}

gboolean
vs_library_get_busy (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  return self->n_threads > 0 || self->running != NULL || self->media_running ||
         self->requests.length > 0 ||
         (self->watcher != NULL && vs_library_watcher_get_busy (self->watcher));
}

GListModel *
vs_library_get_roots (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->roots);
}

GStrv
vs_library_dup_root_paths (VsLibrary *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n;

  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      g_strv_builder_add (builder, vs_library_root_get_path (root));
    }
  return g_strv_builder_end (builder);
}

const char *
vs_library_get_unavailable_root (VsLibrary  *self,
                                 const char *path)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);

  if (path == NULL || self->watcher == NULL)
    return NULL;
  return vs_library_watcher_get_unavailable_root (self->watcher, path);
}

VsDatabase *
vs_library_get_reader (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  return self->reader;
}

VsMediaService *
vs_library_get_media (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  return self->media;
}

VsScanner *
vs_library_get_scanner (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  return self->scanner;
}

static GStrv
dup_unavailable_roots (VsLibrary *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsLibraryRoot) root = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      if (vs_library_root_get_state (root) == VS_LIBRARY_ROOT_UNAVAILABLE)
        g_strv_builder_add (builder, vs_library_root_get_path (root));
    }
  return g_strv_builder_end (builder);
}

static void
on_model_library_changed (VsLibrary      *self,
                          guint           what,
                          VsLibraryModel *model)
{
  g_auto(GStrv) unavailable = dup_unavailable_roots (self);

  vs_library_model_set_unavailable_roots (model, (const char * const *) unavailable);
  if ((what & VS_LIBRARY_CHANGE_VIDEOS) != 0 || (what & VS_LIBRARY_CHANGE_ROOTS) != 0)
    vs_library_model_refresh (model);
}

VsLibraryModel *
vs_library_new_model (VsLibrary *self)
{
  g_auto(GStrv) unavailable = NULL;
  VsLibraryModel *model;

  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (self->reader != NULL, NULL);

  model = vs_library_model_new (self->reader);
  unavailable = dup_unavailable_roots (self);
  vs_library_model_set_unavailable_roots (model, (const char * const *) unavailable);
  g_signal_connect_object (self, "changed", G_CALLBACK (on_model_library_changed), model, 0);
  return model;
}

void
vs_library_set_n_workers (VsLibrary *self,
                          guint      n_workers)
{
  g_return_if_fail (VS_IS_LIBRARY (self));

  self->n_workers = n_workers;
  if (self->media != NULL)
    vs_media_service_set_n_workers (self->media, n_workers);
}

void
vs_library_add_root_async (VsLibrary           *self,
                           const char          *folder,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (folder != NULL && g_path_is_absolute (folder));

  task = scan_task_new (self, vs_library_add_root_async, cancellable, callback, user_data);
  if (task != NULL)
    queue_request (self, REQUEST_ROOTS, folder, g_strdupv ((char *[]) { (char *) folder, NULL }),
                   VS_RESCAN_NONE, task);
}

void
vs_library_remove_root_async (VsLibrary           *self,
                              const char          *folder,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (folder != NULL);

  task = scan_task_new (self, vs_library_remove_root_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  key = g_strconcat ("\x01remove:", folder, NULL);
  queue_request (self, REQUEST_REMOVE, key, g_strdupv ((char *[]) { (char *) folder, NULL }),
                 VS_RESCAN_NONE, task);
}

static void
queue_folder (VsLibrary     *self,
              const char    *folder,
              VsRescanFlags  flags,
              GTask         *task)
{
  g_autofree char *key = g_strdup_printf ("\x01%u:%s", flags, folder);

  queue_request (self, REQUEST_FOLDER, key, g_strdupv ((char *[]) { (char *) folder, NULL }),
                 flags, task);
}

void
vs_library_rescan_async (VsLibrary           *self,
                         const char          *folder,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_auto(GStrv) roots = NULL;

  g_return_if_fail (VS_IS_LIBRARY (self));

  task = scan_task_new (self, vs_library_rescan_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  roots = vs_library_dup_root_paths (self);
  if (folder == NULL)
    queue_request (self, REQUEST_ALL, "\x01all", g_new0 (char *, 1), VS_RESCAN_NONE, task);
  else if (g_strv_contains ((const char * const *) roots, folder))
    queue_request (self, REQUEST_ROOTS, folder,
                   g_strdupv ((char *[]) { (char *) folder, NULL }), VS_RESCAN_NONE, task);
  else
    queue_folder (self, folder, VS_RESCAN_NONE, task);
}

gboolean
vs_library_scan_finish (VsLibrary      *self,
                        GAsyncResult   *result,
                        VsScanSummary  *out_summary,
                        GError        **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (out_summary != NULL)
    {
      VsScanSummary *summary = g_task_get_task_data (G_TASK (result));

      *out_summary = summary ? *summary : (VsScanSummary) { 0 };
    }
  return TRUE;
}

void
vs_library_cancel_scan (VsLibrary *self)
{
  Request *request;
  const GError cancelled = { G_IO_ERROR, G_IO_ERROR_CANCELLED, (char *) "Cancelled" };

  g_return_if_fail (VS_IS_LIBRARY (self));

  while ((request = g_queue_pop_head (&self->requests)) != NULL)
    {
      request_complete (request, NULL, &cancelled);
      request_free (request);
    }
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
}

/* Trash, restore, merge: each updates the index where it changed things. */

static void
on_item_rescanned (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The trash or merge is done: a failed rescan only leaves the watcher to notice. */
  if (result != NULL && !vs_library_scan_finish (VS_LIBRARY (object), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Rescan after a change failed: %s", error->message);
  if (g_object_get_data (G_OBJECT (task), "vs-error") != NULL)
    g_task_return_error (task, g_error_copy (g_object_get_data (G_OBJECT (task), "vs-error")));
  else if (g_task_get_source_tag (task) == vs_library_restore_async ||
           g_task_get_source_tag (task) == vs_library_merge_async)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, g_object_ref (g_task_get_task_data (task)), g_object_unref);
}

static gboolean
inside_a_root (VsLibrary  *self,
               const char *path)
{
  g_auto(GStrv) roots = vs_library_dup_root_paths (self);

  for (guint i = 0; roots[i] != NULL; i++)
    {
      gsize n = strlen (roots[i]);

      if (strncmp (path, roots[i], n) == 0 && (path[n] == '/' || path[n] == '\0'))
        return TRUE;
    }
  return FALSE;
}

/* Rescans the folders of @paths (shallowly: what they hold), then completes @task. */
static void
rescan_around (VsLibrary          *self,
               const char * const *folders,
               GTask              *task)
{
  guint n = g_strv_length ((char **) folders);

  if (n == 0 || self->writer == NULL)
    {
      on_item_rescanned (G_OBJECT (self), NULL, g_object_ref (task));
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      GTask *sub;

      /* a folder outside the library is not the library's to index */
      if (!inside_a_root (self, folders[i]))
        {
          if (i + 1 == n)
            on_item_rescanned (G_OBJECT (self), NULL, g_object_ref (task));
          continue;
        }
      sub = g_task_new (self, NULL, i + 1 == n ? on_item_rescanned : NULL,
                               i + 1 == n ? g_object_ref (task) : NULL);

      g_task_set_source_tag (sub, vs_library_rescan_async);
      queue_folder (self, folders[i], VS_RESCAN_SHALLOW, sub);
      g_object_unref (sub);
    }
}

static void
trash_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  VsLibrary *self = library_of (task);
  const char *path = task_data;
  g_auto(GStrv) roots = NULL;
  g_autoptr(VsTrash) trash = NULL;
  GError *error = NULL;

  roots = vs_database_dup_roots (self->reader, NULL);
  trash = vs_trash_new_for_item (path, (const char * const *) roots, cancellable, &error);
  if (trash == NULL || !vs_trash_run (trash, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&trash), g_object_unref);
}

static char *
item_folder (VsTrash *trash)
{
  g_autofree char *folder = g_path_get_dirname (vs_trash_get_item_path (trash));

  if (vs_trash_get_takes_folder (trash))
    return g_path_get_dirname (folder);
  return g_steal_pointer (&folder);
}

static void
on_trash_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (library_of (result));
  GTask *outer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsTrash) trash = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *folder = NULL;

  thread_done (self);
  if (trash == NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      g_object_unref (outer);
      return;
    }
  folder = item_folder (trash);
  g_task_set_task_data (outer, g_object_ref (trash), g_object_unref);
  rescan_around (self, (const char * const []) { folder, NULL }, outer);
  g_object_unref (outer);
}

void
vs_library_trash_async (VsLibrary           *self,
                        const char          *path,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (path != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_trash_async);
  inner = thread_task_new (self, cancellable, vs_library_trash_async, on_trash_done, outer);
  g_task_set_task_data (inner, g_strdup (path), g_free);
  run_when_ready (self, inner, trash_thread);
}

VsTrash *
vs_library_trash_finish (VsLibrary     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_restored (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *outer = user_data;
  g_autoptr(VsLibrary) self = g_object_ref (g_task_get_source_object (outer));
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;

  thread_done (self);
  if (!vs_trash_restore_finish (VS_TRASH (object), result, &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      g_object_unref (outer);
      return;
    }
  folder = item_folder (VS_TRASH (object));
  rescan_around (self, (const char * const []) { folder, NULL }, outer);
  g_object_unref (outer);
}

void
vs_library_restore_async (VsLibrary           *self,
                          VsTrash             *trash,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *outer;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (VS_IS_TRASH (trash));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_restore_async);
  thread_started (self);
  vs_trash_restore_async (trash, cancellable, on_restored, outer);
}

gboolean
vs_library_restore_finish (VsLibrary     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_merged (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *outer = user_data;
  g_autoptr(VsLibrary) self = g_object_ref (g_task_get_source_object (outer));
  VsHlsMerge *merge = VS_HLS_MERGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *output = vs_hls_merge_dup_output (merge);
  g_autofree char *source = vs_hls_merge_dup_source_folder (merge);
  g_autofree char *output_folder = output ? g_path_get_dirname (output) : NULL;
  g_autofree char *source_parent = source ? g_path_get_dirname (source) : NULL;
  g_autoptr(GStrvBuilder) folders = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  gboolean ok;

  thread_done (self);
  ok = vs_hls_merge_run_finish (merge, result, &error);
  /* The MP4 is in place even when its source could not go to the trash. */
  if (!ok && g_error_matches (error, VS_MERGE_ERROR, VS_MERGE_ERROR_TRASH_FAILED))
    g_object_set_data_full (G_OBJECT (outer), "vs-error", g_steal_pointer (&error),
                            (GDestroyNotify) g_error_free);
  else if (!ok)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      g_object_unref (outer);
      return;
    }
  /* The MP4 appears where it was written; a trashed download goes from its parent. */
  if (output_folder != NULL)
    g_strv_builder_add (folders, output_folder);
  if (source != NULL && vs_hls_merge_get_source_trashed (merge) &&
      g_strcmp0 (source_parent, output_folder) != 0)
    g_strv_builder_add (folders, source_parent);
  list = g_strv_builder_end (folders);
  rescan_around (self, (const char * const *) list, outer);
  g_object_unref (outer);
}

void
vs_library_merge_async (VsLibrary           *self,
                        VsHlsMerge          *merge,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_auto(GStrv) roots = NULL;
  GTask *outer;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (VS_IS_HLS_MERGE (merge));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vs_library_merge_async);
  roots = vs_library_dup_root_paths (self);
  vs_hls_merge_set_library_roots (merge, (const char * const *) roots);
  thread_started (self);
  vs_hls_merge_run_async (merge, cancellable, on_merged, outer);
}

gboolean
vs_library_merge_finish (VsLibrary     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_update_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(VsLibrary) self = g_object_ref (g_task_get_source_object (task));
  VsUpdateSummary *summary = g_new0 (VsUpdateSummary, 1);
  GError *error = NULL;

  thread_done (self);
  g_task_set_task_data (task, summary, g_free);
  if (!vs_media_service_update_finish (VS_MEDIA_SERVICE (object), result, summary, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  g_object_unref (task);
}

void
vs_library_update_media_async (VsLibrary           *self,
                               VsUpdateFlags        flags,
                               VsThumbnailSize      size,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VS_IS_LIBRARY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_library_update_media_async);
  if (self->state != VS_LIBRARY_STATE_READY || self->writer == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "The library is not open for writing");
      g_object_unref (task);
      return;
    }
  thread_started (self);
  /* Pending rows are read on the writer here: a headless update has no scan to avoid. */
  vs_media_service_update_async (self->media, self->writer, NULL, flags, size, cancellable,
                                 on_update_done, task);
}

gboolean
vs_library_update_media_finish (VsLibrary        *self,
                                GAsyncResult     *result,
                                VsUpdateSummary  *out_summary,
                                GError          **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (out_summary != NULL && g_task_get_task_data (G_TASK (result)) != NULL)
    *out_summary = *(VsUpdateSummary *) g_task_get_task_data (G_TASK (result));
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_position_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (library_of (result));
  GTask *outer = user_data;
  PositionJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  thread_done (self);
  if (job->write)
    {
      if (g_task_propagate_boolean (G_TASK (result), &error))
        g_task_return_boolean (outer, TRUE);
      else
        g_task_return_error (outer, error);
    }
  else
    {
      gint64 position = g_task_propagate_int (G_TASK (result), &error);

      if (error != NULL)
        g_task_return_error (outer, error);
      else
        g_task_return_int (outer, position);
    }
  g_object_unref (outer);
}

static void
position_async (VsLibrary           *self,
                PositionJob         *job,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;

  g_task_set_source_tag (outer, source_tag);
  inner = thread_task_new (self, NULL, source_tag, on_position_done, outer);
  g_task_set_task_data (inner, job, position_job_free);
  run_when_ready (self, inner, position_thread);
}

void
vs_library_get_position_async (VsLibrary           *self,
                               const char          *path,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  PositionJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (path != NULL);

  job = g_new0 (PositionJob, 1);
  job->path = g_strdup (path);
  position_async (self, job, vs_library_get_position_async, cancellable, callback, user_data);
}

gint64
vs_library_get_position_finish (VsLibrary     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  GError *local = NULL;
  gint64 position;

  g_return_val_if_fail (VS_IS_LIBRARY (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  position = g_task_propagate_int (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return -1;
    }
  return position;
}

void
vs_library_set_position_async (VsLibrary           *self,
                               const char          *path,
                               gint64               position_ms,
                               gint64               duration_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  PositionJob *job;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (path != NULL);

  job = g_new0 (PositionJob, 1);
  job->path = g_strdup (path);
  job->position_ms = position_ms;
  job->duration_ms = duration_ms;
  job->write = TRUE;
  position_async (self, job, vs_library_set_position_async, cancellable, callback, user_data);
}

gboolean
vs_library_set_position_finish (VsLibrary     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
vs_library_get_n_position_writes (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), 0);
  return (guint) g_atomic_int_get (&self->n_position_writes);
}

/* Headless front ends (vidshelf-cli) ------------------------------------------------------ */

void
vs_library_add_roots_async (VsLibrary           *self,
                            const char * const  *folders,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;

  g_return_if_fail (VS_IS_LIBRARY (self));
  g_return_if_fail (folders != NULL && folders[0] != NULL);
  for (guint i = 0; folders[i] != NULL; i++)
    g_return_if_fail (g_path_is_absolute (folders[i]));

  task = scan_task_new (self, vs_library_add_roots_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  /* One folder shares a run with add_root's; a set of them runs on its own. */
  key = folders[1] == NULL ? g_strdup (folders[0])
                           : g_strdup_printf ("\x01roots:%p", (gpointer) task);
  queue_request (self, REQUEST_ROOTS, key, g_strdupv ((char **) folders), VS_RESCAN_NONE, task);
}

VsLibraryWatcher *
vs_library_get_watcher (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  return self->watcher;
}
