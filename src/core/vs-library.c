/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library.c: one library — its index, scans, watcher and media work — shared by views */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include "vs-job-pool.h"
#include "vs-library-private.h"

G_DEFINE_FINAL_TYPE (VsLibrary, vs_library, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_SCANNING,
  PROP_PROGRESS_DONE,
  PROP_PROGRESS_TOTAL,
  PROP_BUSY,
  PROP_READABLE,
  N_PROPS
};

enum {
  CHANGED,
  COLLECTIONS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* State ------------------------------------------------------------------- */

static gboolean
emit_changed (gpointer user_data)
{
  VsLibrary *self = user_data;
  VsLibraryChange what = self->pending_changes;

  self->changed_id = 0;
  self->pending_changes = 0;
  /* rows read before this change: the first model reads its own */
  if (what & VS_LIBRARY_CHANGE_VIDEOS)
    g_clear_pointer (&self->first_rows, _vs_first_rows_free);
  if (what != 0)
    g_signal_emit (self, signals[CHANGED], 0, what);
  return G_SOURCE_REMOVE;
}

/* Every change of a burst reaches views as one ::changed, from the main loop. */
void
_vs_library_queue_changed (VsLibrary       *self,
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
void
_vs_library_flush_changed (VsLibrary *self)
{
  if (self->changed_id != 0)
    {
      g_clear_handle_id (&self->changed_id, g_source_remove);
      emit_changed (self);
    }
}

void
_vs_library_notify_busy (VsLibrary *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
_vs_library_set_progress (VsLibrary *self,
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
  gboolean was_readable = vs_library_get_readable (self);

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (vs_library_get_readable (self) != was_readable)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READABLE]);
}

/* Work on other threads holds the library from _vs_library_thread_started() to
 * _vs_library_thread_done(), both on the main thread: a task of a worker thread never holds
 * it (its last reference could then drop there, and the library be finalized off the main
 * thread). Close waits for the count to reach 0. */
GTask *
_vs_library_thread_task_new (VsLibrary           *self,
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
VsLibrary *
_vs_library_of (gpointer task)
{
  return g_object_get_data (G_OBJECT (task), "vs-library");
}

void
_vs_library_thread_started (VsLibrary *self)
{
  g_object_ref (self);
  if (self->n_threads++ == 0)
    _vs_library_notify_busy (self);
}

/* The caller holds a reference of its own while it goes on using @self. */
void
_vs_library_thread_done (VsLibrary *self)
{
  g_assert (self->n_threads > 0);
  if (--self->n_threads == 0)
    _vs_library_notify_busy (self);
  g_object_unref (self);
}

/* A full scan starts or ends. */
void
_vs_library_notify_scanning (VsLibrary *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

/* Opening ------------------------------------------------------------------ */

/* One page of a model: the rows a grid shows first and the cells it makes around them. */
#define FIRST_ROWS 128

static FirstRows *
first_rows_new (const VsVideoQuery *query)
{
  FirstRows *fr = g_new0 (FirstRows, 1);

  fr->query = vs_video_query_copy (query);
  return fr;
}

void
_vs_first_rows_free (FirstRows *fr)
{
  if (fr == NULL)
    return;
  g_free (fr->query);
  g_clear_pointer (&fr->ids, g_array_unref);
  g_clear_pointer (&fr->records, g_ptr_array_unref);
  g_free (fr);
}

/* On the open's thread. A failure here is the model's to report, when it reads them. */
static void
first_rows_read (FirstRows  *fr,
                 VsDatabase *reader)
{
  g_autoptr(GError) error = NULL;

  if (fr == NULL || fr->ids != NULL)
    return;
  fr->ids = vs_database_query_ids (reader, fr->query, &error);
  if (fr->ids != NULL)
    fr->records = vs_database_load_videos (reader, (const gint64 *) (gpointer) fr->ids->data,
                                           MIN (fr->ids->len, FIRST_ROWS), NULL);
  else
    g_debug ("The first rows were not read: %s", error->message);
}

typedef struct
{
  VsLibrary  *library;     /* not owned: the open's thread count keeps it */
  char       *database_path;
  char       *default_folder;
  gboolean    read_only;
  gboolean    no_index;
  VsDatabase *writer;
  VsDatabase *reader;
  GStrv       roots;
  GStrv       present;     /* the roots there now: a missing one would fail the scan */
  FirstRows  *first_rows;
  GError     *writer_error;
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
  _vs_first_rows_free (od->first_rows);
  g_clear_error (&od->writer_error);
  g_free (od);
}

/* The reader and the roots it lists (and which of them are there now). */
static gboolean
open_reader (OpenData  *od,
             GError   **error)
{
  g_autoptr(GStrvBuilder) present = g_strv_builder_new ();

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
forget_reader (OpenData *od)
{
  g_clear_object (&od->reader);
  g_clear_pointer (&od->roots, g_strfreev);
  g_clear_pointer (&od->present, g_strfreev);
}

typedef struct
{
  GWeakRef    library;  /* a worker thread never holds the library (see below) */
  VsDatabase *reader;
  GStrv       roots;
  GStrv       present;
  FirstRows  *first_rows;
} Readable;

static void
readable_free (gpointer data)
{
  Readable *r = data;

  g_weak_ref_clear (&r->library);
  g_object_unref (r->reader);
  g_strfreev (r->roots);
  g_strfreev (r->present);
  _vs_first_rows_free (r->first_rows);
  g_free (r);
}

static void reader_opened (VsLibrary          *self,
                           VsDatabase         *reader,
                           const char * const *roots,
                           const char * const *present,
                           FirstRows          *first_rows);

static gboolean
deliver_readable (gpointer data)
{
  Readable *r = data;
  g_autoptr(VsLibrary) self = g_weak_ref_get (&r->library);

  if (self != NULL && self->state == VS_LIBRARY_STATE_OPENING)
    reader_opened (self, r->reader, (const char * const *) r->roots,
                   (const char * const *) r->present, g_steal_pointer (&r->first_rows));
  return G_SOURCE_REMOVE;
}

/* The writer's open: its check reads every page. */
static gpointer
open_writer (gpointer data)
{
  OpenData *od = data;

  od->writer = vs_database_open (od->database_path, VS_DATABASE_MODE_WRITER, &od->writer_error);
  return NULL;
}

/* @task (NULL when opening synchronously): the open's, whose thread this is. The writer
 * reads every page of the index before it may write (check_pages() in vs-database.c), which
 * grows with the library: an index already in this version's form is handed to the views
 * as soon as its reader is open, so the grid fills while the writer checks. */
static gboolean
open_data_run (OpenData  *od,
               GTask     *task,
               GError   **error)
{
  if (od->no_index)
    {
      od->roots = g_new0 (char *, 1);
      od->present = g_new0 (char *, 1);
      return TRUE;
    }
  if (task != NULL && !od->read_only && g_file_test (od->database_path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(GError) early_error = NULL;

      if (open_reader (od, &early_error) && vs_database_is_current (od->reader))
        {
          Readable *r = g_new0 (Readable, 1);

          first_rows_read (od->first_rows, od->reader);
          g_weak_ref_init (&r->library, od->library);
          r->reader = g_object_ref (od->reader);
          r->roots = g_strdupv (od->roots);
          r->present = g_strdupv (od->present);
          r->first_rows = g_steal_pointer (&od->first_rows);
          g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                                      deliver_readable, r, readable_free);
        }
      else
        {
          /* the writer says why, or makes it current */
          forget_reader (od);
        }
    }
  if (od->reader != NULL)
    {
      /* the views read meanwhile: the check waits for the threads that paint and read,
       * since the first frames need both CPUs */
      vs_run_niced ("vs-index-check", VS_BACKGROUND_NICENESS, open_writer, od);
    }
  else if (!od->read_only)
    od->writer = vs_database_open (od->database_path, VS_DATABASE_MODE_WRITER,
                                   &od->writer_error);
  if (od->writer_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&od->writer_error));
      return FALSE;
    }
  if (od->reader == NULL && !open_reader (od, error))
    return FALSE;
  if (od->reader != NULL)
    first_rows_read (od->first_rows, od->reader);
  return TRUE;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (!open_data_run (task_data, task, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static OpenData *
open_data_new (VsLibrary *self)
{
  OpenData *od = g_new0 (OpenData, 1);

  od->library = self;
  od->database_path = g_strdup (self->database_path);
  od->default_folder = g_strdup (self->default_folder);
  od->read_only = (self->flags & VS_LIBRARY_FLAGS_READ_ONLY) != 0;
  od->no_index = (self->flags & VS_LIBRARY_FLAGS_NO_INDEX) != 0;
  if (self->first_query != NULL && !od->no_index)
    od->first_rows = first_rows_new (self->first_query);
  return od;
}

static void
flush_ready_waiters (VsLibrary *self);

/* The index can be read: views may make their models (see vs_library_get_readable()). */
static void
reader_opened (VsLibrary          *self,
               VsDatabase         *reader,
               const char * const *roots,
               const char * const *present,
               FirstRows          *first_rows)
{
  g_autoptr(GStrvBuilder) absent = g_strv_builder_new ();

  if (self->reader != NULL)
    {
      /* handed over before the writer was open */
      _vs_first_rows_free (first_rows);
      return;
    }
  /* NULL: no index (VS_LIBRARY_FLAGS_NO_INDEX), only the media service */
  g_set_object (&self->reader, reader);
  for (guint i = 0; roots[i] != NULL; i++)
    if (!g_strv_contains (present, roots[i]))
      g_strv_builder_add (absent, roots[i]);
  self->absent = g_strv_builder_end (absent);
  if (self->media == NULL)
    {
      self->media = vs_media_service_new (self->n_workers, 0);
      g_signal_connect_object (self->media, "update-progress",
                               G_CALLBACK (_vs_library_on_media_progress), self,
                               G_CONNECT_SWAPPED);
    }
  _vs_library_sync_roots (self, roots);
  _vs_library_load_shared_roots (self);
  /* the roots just read, and on a first start the default folder, not yet a root */
  _vs_library_count_roots (self);
  /* Heard now, before any model exists: a model made next reads these roots already, and
   * would otherwise read the whole index a second time for them. */
  _vs_library_flush_changed (self);
  if (first_rows != NULL && first_rows->ids != NULL && self->reader != NULL)
    self->first_rows = g_steal_pointer (&first_rows);
  _vs_first_rows_free (first_rows);
  if (self->reader != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READABLE]);
}

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
  if (self->writer != NULL)
    {
      self->scanner = vs_scanner_new (self->writer);
      self->watcher = vs_library_watcher_new_for_scanner (self->scanner);
      g_signal_connect_object (self->scanner, "progress",
                               G_CALLBACK (_vs_library_on_scan_progress), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "root-state-changed",
                               G_CALLBACK (_vs_library_on_root_state), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "batch-done",
                               G_CALLBACK (_vs_library_on_watched_changes), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "changed", G_CALLBACK (_vs_library_on_watched_change),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "settled", G_CALLBACK (_vs_library_on_settled),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "notify::busy", G_CALLBACK (_vs_library_notify_busy),
                               self, G_CONNECT_SWAPPED);
    }
  reader_opened (self, od->reader, (const char * const *) od->roots,
                 (const char * const *) od->present, g_steal_pointer (&od->first_rows));
  set_state (self, VS_LIBRARY_STATE_READY);
  flush_ready_waiters (self);
  _vs_library_run_next_request (self);
  if (self->start_wanted)
    vs_library_start (self);
}

static void
on_opened (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VsLibrary) self = g_object_ref (_vs_library_of (result));
  GTask *outer = user_data;
  g_autoptr(GError) error = NULL;

  _vs_library_thread_done (self);
  g_task_propagate_boolean (G_TASK (result), &error);
  opened (self, g_task_get_task_data (G_TASK (result)), error);
  if (error != NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_boolean (outer, TRUE);
  g_object_unref (outer);
}

/* Tasks that need the open library wait for it; they fail with its error. */
void
_vs_library_run_when_ready (VsLibrary       *self,
                            GTask           *task,
                            GTaskThreadFunc  func)
{
  g_object_set_data (G_OBJECT (task), "vs-thread-func", func);
  /* counted from now: the callback balances it, whichever way the task ends */
  _vs_library_thread_started (self);
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

  g_queue_clear_full (&self->requests, (GDestroyNotify) _vs_library_request_free);
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
  g_clear_pointer (&self->first_query, g_free);
  g_clear_pointer (&self->first_rows, _vs_first_rows_free);

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
    case PROP_READABLE:
      g_value_set_boolean (value, vs_library_get_readable (self));
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
  properties[PROP_READABLE] =
    g_param_spec_boolean ("readable", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (VsLibraryChange what): once per burst of changes, from the main loop */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* after a collection was added, renamed, removed or moved, on the main thread */
  signals[COLLECTIONS_CHANGED] =
    g_signal_new ("collections-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
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
vs_library_set_first_query (VsLibrary          *self,
                            const VsVideoQuery *query)
{
  g_return_if_fail (VS_IS_LIBRARY (self));

  g_clear_pointer (&self->first_query, g_free);
  if (query != NULL)
    self->first_query = vs_video_query_copy (query);
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
  inner = _vs_library_thread_task_new (self, NULL, vs_library_open_async, on_opened, outer);
  g_task_set_task_data (inner, open_data_new (self), open_data_free);
  _vs_library_thread_started (self);
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
  open_data_run (od, NULL, &local);
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

  if (self->started)
    return;
  /* asked while the writer still checks the index: done once it is open */
  self->start_wanted = self->state == VS_LIBRARY_STATE_OPENING;
  if (self->start_wanted || self->writer == NULL)
    return;
  self->started = TRUE;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, vs_library_start);
  _vs_library_queue_request (self, REQUEST_ALL, "\x01all", g_new0 (char *, 1), VS_RESCAN_NONE,
                             task);
}

void
vs_library_watch (VsLibrary *self)
{
  g_return_if_fail (VS_IS_LIBRARY (self));

  self->started = TRUE;
  _vs_library_ensure_watching (self);
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
  g_timeout_add_full (G_PRIORITY_DEFAULT, 1, check_closed, task, g_object_unref);
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

gboolean
vs_library_get_readable (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), FALSE);
  return self->reader != NULL &&
         (self->state == VS_LIBRARY_STATE_OPENING || self->state == VS_LIBRARY_STATE_READY);
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
  return _vs_library_is_full_scan (self->running);
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

/* Hands SQLite's page caches back (of both connections), when nobody is using them: after a
 * scan, the writer's cache held 6 MB of folder rows that nothing reads again. Never blocks. */
void
vs_library_release_memory (VsLibrary *self)
{
  g_return_if_fail (VS_IS_LIBRARY (self));

  if (self->reader != NULL)
    vs_database_release_memory (self->reader);
  if (self->writer != NULL)
    vs_database_release_memory (self->writer);
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
  /* the rows read at the opening go to the first model only */
  if (self->first_rows != NULL)
    {
      vs_library_model_offer_rows (model, self->first_rows->query, self->first_rows->ids,
                                   self->first_rows->records);
      g_clear_pointer (&self->first_rows, _vs_first_rows_free);
    }
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

/* Headless front ends (vidshelf-cli) ------------------------------------------------------ */

VsLibraryWatcher *
vs_library_get_watcher (VsLibrary *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY (self), NULL);
  return self->watcher;
}
