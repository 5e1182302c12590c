/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-scans.c: the library's queue of scans (roots, folders, removals), one at a time */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include "vs-library-private.h"

/* While a scan runs, views hear of new videos this often. */
#define CHANGED_DURING_SCAN_MS 1000

/* Scans ------------------------------------------------------------------- */

void
_vs_library_request_free (Request *request)
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

void
_vs_library_queue_request (VsLibrary     *self,
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
  _vs_library_run_next_request (self);
}

gboolean
_vs_library_is_full_scan (const Request *request)
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
      VsLibraryRoot *root = _vs_library_find_root (self, folders[i], NULL);

      if (root == NULL)
        continue;
      if (scanning)
        vs_library_root_set_state (root, VS_LIBRARY_ROOT_SCANNING);
      else if (self->watcher != NULL && self->watching)
        vs_library_root_set_state (root, _vs_library_root_state_from_watcher (
          vs_library_watcher_get_root_state (self->watcher, folders[i])));
      else
        vs_library_root_set_state (root, VS_LIBRARY_ROOT_STARTING);
    }
}

/* Views re-read the index on VIDEOS: once a second while a scan changes rows, and not at
 * all while it only finds them as they were (a start-up rescan of a big library). */
static gboolean
on_scan_tick (gpointer user_data)
{
  VsLibrary *self = user_data;

  if (self->scan_changes != self->scan_changes_told)
    {
      self->scan_changes_told = self->scan_changes;
      _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
    }
  return G_SOURCE_CONTINUE;
}

void
_vs_library_on_scan_progress (VsLibrary *self,
                              guint      folders_done,
                              guint      videos_seen,
                              guint      changes)
{
  if (_vs_library_is_full_scan (self->running))
    {
      _vs_library_set_progress (self, videos_seen, 0);
      self->scan_changes = changes;
    }
}

static void
finish_request (VsLibrary           *self,
                const VsScanSummary *summary,
                const GError        *error)
{
  Request *request = g_steal_pointer (&self->running);
  gboolean full = _vs_library_is_full_scan (request);
  RequestKind request_kind = request->kind;
  /* only a full scan or a removal changes the roots; a folder's rescan only their counts */
  gboolean roots_changed = request->kind != REQUEST_FOLDER;

  g_clear_handle_id (&self->scan_tick_id, g_source_remove);
  g_clear_object (&self->scan_cancellable);
  if (full)
    set_roots_scanning (self, (const char * const *) request->folders, FALSE);
  request_complete (request, summary, error);
  _vs_library_request_free (request);
  _vs_library_thread_done (self);

  if (self->state != VS_LIBRARY_STATE_READY)
    return;
  _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_FOLDERS);
  /* rows, or which of them are dimmed, may differ; a scan that found all as it was, not */
  if (error != NULL || request_kind == REQUEST_REMOVE || summary->added > 0 ||
      summary->updated > 0 || summary->removed > 0 || summary->unavailable > 0)
    _vs_library_queue_changed (self, VS_LIBRARY_CHANGE_VIDEOS);
  if (roots_changed)
    _vs_library_reload_roots (self);
  else
    _vs_library_count_roots (self);
  _vs_library_flush_changed (self);
  if (full)
    _vs_library_set_progress (self, 0, 0);
  if ((self->flags & VS_LIBRARY_FLAGS_HEADLESS) == 0)
    {
      if (full)
        _vs_library_ensure_watching (self);
      _vs_library_update_media (self);
    }
  _vs_library_run_next_request (self);
  if (full && !_vs_library_is_full_scan (self->running))
    _vs_library_notify_scanning (self);
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
  vs_library_release_memory (self);
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
  VsLibrary *self = _vs_library_of (task);
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
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  FolderJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  finish_request (self, &job->summary, error);
}

void
_vs_library_run_next_request (VsLibrary *self)
{
  Request *request;

  if (self->running != NULL || self->state != VS_LIBRARY_STATE_READY ||
      (request = g_queue_pop_head (&self->requests)) == NULL)
    return;

  self->running = request;
  self->scan_cancellable = g_cancellable_new ();
  _vs_library_thread_started (self);
  if (request->kind == REQUEST_ALL)
    {
      g_autoptr(GStrvBuilder) present = g_strv_builder_new ();
      g_auto(GStrv) paths = vs_library_dup_root_paths (self);

      /* An unavailable root is the watcher's to look for: scanning it would fail the rest. */
      for (guint i = 0; paths[i] != NULL; i++)
        {
          VsLibraryRoot *root = _vs_library_find_root (self, paths[i], NULL);

          if (root == NULL || vs_library_root_get_state (root) != VS_LIBRARY_ROOT_UNAVAILABLE)
            g_strv_builder_add (present, paths[i]);
        }
      g_strfreev (request->folders);
      request->folders = g_strv_builder_end (present);
    }

  if (_vs_library_is_full_scan (request))
    {
      if (request->folders[0] == NULL)
        {
          /* nothing there to scan: watching looks for the missing roots */
          _vs_library_ensure_watching (self);
          finish_request (self, &(VsScanSummary) { 0 }, NULL);
          return;
        }
      set_roots_scanning (self, (const char * const *) request->folders, TRUE);
      _vs_library_set_progress (self, 0, 0);
      _vs_library_notify_scanning (self);
      self->scan_changes = self->scan_changes_told = 0;
      self->scan_tick_id = g_timeout_add (CHANGED_DURING_SCAN_MS, on_scan_tick, self);
      vs_scanner_scan_async (self->scanner, (const char * const *) request->folders,
                             self->scan_cancellable, on_scanned, g_object_ref (self));
    }
  else
    {
      g_autoptr(GTask) task = _vs_library_thread_task_new (self, self->scan_cancellable,
                                                           _vs_library_run_next_request,
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
    _vs_library_queue_request (self, REQUEST_ROOTS, folder,
                               g_strdupv ((char *[]) { (char *) folder, NULL }), VS_RESCAN_NONE,
                               task);
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
  _vs_library_queue_request (self, REQUEST_REMOVE, key,
                             g_strdupv ((char *[]) { (char *) folder, NULL }), VS_RESCAN_NONE,
                             task);
}

void
_vs_library_queue_folder (VsLibrary     *self,
                          const char    *folder,
                          VsRescanFlags  flags,
                          GTask         *task)
{
  g_autofree char *key = g_strdup_printf ("\x01%u:%s", flags, folder);

  _vs_library_queue_request (self, REQUEST_FOLDER, key,
                             g_strdupv ((char *[]) { (char *) folder, NULL }), flags, task);
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
    _vs_library_queue_request (self, REQUEST_ALL, "\x01all", g_new0 (char *, 1), VS_RESCAN_NONE,
                               task);
  else if (g_strv_contains ((const char * const *) roots, folder))
    _vs_library_queue_request (self, REQUEST_ROOTS, folder,
                               g_strdupv ((char *[]) { (char *) folder, NULL }), VS_RESCAN_NONE,
                               task);
  else
    _vs_library_queue_folder (self, folder, VS_RESCAN_NONE, task);
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
      _vs_library_request_free (request);
    }
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
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
  _vs_library_queue_request (self, REQUEST_ROOTS, key, g_strdupv ((char **) folders),
                             VS_RESCAN_NONE, task);
}
