/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-folder-monitors.c: folder monitors on a thread of their own, events on the caller's */
#define G_LOG_DOMAIN "vs-folder-monitors"

#include "config.h"

#include "vs-folder-monitors.h"
#include "vs-path.h"

/* One event, copied on the monitors' thread and handed over in a batch. */
typedef struct
{
  char              *folder;
  char              *path;
  char              *other;
  GFileMonitorEvent  event;
} Event;

/* A watched folder. Lives on the monitors' thread only. */
typedef struct
{
  VsFolderMonitors *self;      /* borrowed: the thread is joined before self goes */
  char             *folder;
  GFileMonitor     *monitor;
} Watch;

struct _VsFolderMonitors
{
  GObject       parent_instance;

  guint         rate_limit_ms;
  GMainContext *owner_context; /* where events are delivered */
  GMainContext *context;       /* the thread's */
  GMainLoop    *loop;
  GThread      *thread;
  GHashTable   *watches;       /* folder → Watch; touched on the thread only */
  gint          n_watches;     /* atomic */

  /* under lock */
  GMutex        lock;
  GPtrArray    *events;        /* Event, not delivered yet */
  GSource      *deliver;       /* on owner_context, while events wait */
  gboolean      closed;

  /* adds wait for the thread */
  GMutex        add_lock;
  GCond         add_cond;
};

G_DEFINE_FINAL_TYPE (VsFolderMonitors, vs_folder_monitors, G_TYPE_OBJECT)

enum {
  EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
event_free (gpointer data)
{
  Event *event = data;

  g_free (event->folder);
  g_free (event->path);
  g_free (event->other);
  g_free (event);
}

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  g_signal_handlers_disconnect_by_data (watch->monitor, watch);
  g_file_monitor_cancel (watch->monitor);
  g_clear_object (&watch->monitor);
  g_free (watch->folder);
  g_free (watch);
}

/* Owner's context ---------------------------------------------------------- */

static gboolean
deliver_events (gpointer user_data)
{
  g_autoptr(VsFolderMonitors) self = g_object_ref (user_data);
  g_autoptr(GPtrArray) events = NULL;

  g_mutex_lock (&self->lock);
  events = g_steal_pointer (&self->events);
  self->events = g_ptr_array_new_with_free_func (event_free);
  g_clear_pointer (&self->deliver, g_source_unref);
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < events->len && !self->closed; i++)
    {
      Event *event = g_ptr_array_index (events, i);

      g_signal_emit (self, signals[EVENT], 0, event->folder, event->path, event->other,
                     event->event);
    }
  return G_SOURCE_REMOVE;
}

/* The monitors' thread ----------------------------------------------------- */

static void
on_changed (GFileMonitor      *monitor,
            GFile             *file,
            GFile             *other,
            GFileMonitorEvent  type,
            gpointer           user_data)
{
  Watch *watch = user_data;
  VsFolderMonitors *self = watch->self;
  Event *event = g_new0 (Event, 1);

  event->folder = g_strdup (watch->folder);
  event->path = g_file_get_path (file);
  event->other = other != NULL ? g_file_get_path (other) : NULL;
  event->event = type;

  g_mutex_lock (&self->lock);
  if (self->closed)
    event_free (event);
  else
    {
      g_ptr_array_add (self->events, event);
      if (self->deliver == NULL)
        {
          self->deliver = g_idle_source_new ();
          g_source_set_priority (self->deliver, G_PRIORITY_DEFAULT);
          /* dispose destroys it, on the owner's thread, before self goes */
          g_source_set_callback (self->deliver, deliver_events, self, NULL);
          g_source_set_static_name (self->deliver, "[vs-folder-monitors] deliver");
          g_source_attach (self->deliver, self->owner_context);
        }
    }
  g_mutex_unlock (&self->lock);
}

typedef struct
{
  VsFolderMonitors  *self;
  const char *const *paths;
  guint              n_paths;
  /* results, under add_lock */
  guint              n_done;
  GError            *error;
  gboolean           finished;
} AddJob;

static gboolean
add_on_thread (gpointer user_data)
{
  AddJob *job = user_data;
  VsFolderMonitors *self = job->self;
  GError *error = NULL;
  guint done = 0;

  for (; done < job->n_paths; done++)
    {
      const char *path = job->paths[done];
      g_autoptr(GFile) file = NULL;
      GFileMonitor *monitor;
      Watch *watch;

      if (g_hash_table_contains (self->watches, path))
        continue;
      file = g_file_new_for_path (path);
      monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
      if (monitor == NULL)
        break;
      g_file_monitor_set_rate_limit (monitor, (int) self->rate_limit_ms);
      watch = g_new0 (Watch, 1);
      watch->self = self;
      watch->folder = g_strdup (path);
      watch->monitor = monitor;
      g_signal_connect (monitor, "changed", G_CALLBACK (on_changed), watch);
      g_hash_table_insert (self->watches, watch->folder, watch);
    }
  g_atomic_int_set (&self->n_watches, (gint) g_hash_table_size (self->watches));

  g_mutex_lock (&self->add_lock);
  job->n_done = done;
  job->error = error;
  job->finished = TRUE;
  g_cond_broadcast (&self->add_cond);
  g_mutex_unlock (&self->add_lock);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  VsFolderMonitors *self;
  char             *folder;   /* NULL: every watch */
} RemoveJob;

static void
remove_job_free (gpointer data)
{
  RemoveJob *job = data;

  g_free (job->folder);
  g_free (job);
}

static gboolean
remove_on_thread (gpointer user_data)
{
  RemoveJob *job = user_data;

  if (job->folder != NULL)
    g_hash_table_foreach_remove (job->self->watches, vs_path_key_is_inside, job->folder);
  else
    g_hash_table_remove_all (job->self->watches);
  g_atomic_int_set (&job->self->n_watches, (gint) g_hash_table_size (job->self->watches));
  return G_SOURCE_REMOVE;
}

static gboolean
quit_on_thread (gpointer user_data)
{
  VsFolderMonitors *self = user_data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
monitors_thread (gpointer user_data)
{
  VsFolderMonitors *self = user_data;

  /* monitors attach their sources to the thread-default context of where they are made */
  g_main_context_push_thread_default (self->context);
  g_main_loop_run (self->loop);
  g_hash_table_remove_all (self->watches);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* Public ------------------------------------------------------------------- */

VsFolderMonitors *
vs_folder_monitors_new (guint rate_limit_ms)
{
  VsFolderMonitors *self = g_object_new (VS_TYPE_FOLDER_MONITORS, NULL);

  self->rate_limit_ms = rate_limit_ms;
  return self;
}

guint
vs_folder_monitors_add (VsFolderMonitors  *self,
                        const char *const *paths,
                        guint              n_paths,
                        GError           **error)
{
  AddJob job = { .self = self, .paths = paths, .n_paths = n_paths };

  g_return_val_if_fail (VS_IS_FOLDER_MONITORS (self), 0);
  g_return_val_if_fail (paths != NULL || n_paths == 0, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (n_paths == 0)
    return 0;
  g_main_context_invoke (self->context, add_on_thread, &job);
  g_mutex_lock (&self->add_lock);
  while (!job.finished)
    g_cond_wait (&self->add_cond, &self->add_lock);
  g_mutex_unlock (&self->add_lock);
  if (job.error != NULL)
    g_propagate_error (error, job.error);
  return job.n_done;
}

void
vs_folder_monitors_remove_under (VsFolderMonitors *self,
                                 const char       *folder)
{
  RemoveJob *job;

  g_return_if_fail (VS_IS_FOLDER_MONITORS (self));
  g_return_if_fail (folder != NULL);

  job = g_new0 (RemoveJob, 1);
  job->self = self;
  job->folder = g_strdup (folder);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, remove_on_thread, job,
                              remove_job_free);
}

void
vs_folder_monitors_remove_all (VsFolderMonitors *self)
{
  RemoveJob *job;

  g_return_if_fail (VS_IS_FOLDER_MONITORS (self));

  job = g_new0 (RemoveJob, 1);
  job->self = self;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, remove_on_thread, job,
                              remove_job_free);
}

guint
vs_folder_monitors_get_n (VsFolderMonitors *self)
{
  g_return_val_if_fail (VS_IS_FOLDER_MONITORS (self), 0);
  return (guint) g_atomic_int_get (&self->n_watches);
}

/* GObject ------------------------------------------------------------------ */

static void
vs_folder_monitors_dispose (GObject *object)
{
  VsFolderMonitors *self = VS_FOLDER_MONITORS (object);

  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  if (self->deliver != NULL)
    g_source_destroy (self->deliver);
  g_clear_pointer (&self->deliver, g_source_unref);
  g_ptr_array_set_size (self->events, 0);
  g_mutex_unlock (&self->lock);

  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_on_thread, self);
      g_clear_pointer (&self->thread, g_thread_join);
    }

  G_OBJECT_CLASS (vs_folder_monitors_parent_class)->dispose (object);
}

static void
vs_folder_monitors_finalize (GObject *object)
{
  VsFolderMonitors *self = VS_FOLDER_MONITORS (object);

  g_clear_pointer (&self->watches, g_hash_table_unref);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->add_lock);
  g_cond_clear (&self->add_cond);

  G_OBJECT_CLASS (vs_folder_monitors_parent_class)->finalize (object);
}

static void
vs_folder_monitors_class_init (VsFolderMonitorsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_folder_monitors_dispose;
  object_class->finalize = vs_folder_monitors_finalize;

  /**
   * VsFolderMonitors::event:
   * @folder: the watched folder
   * @path: the file the event is about (the folder itself when it went)
   * @other: (nullable): the other end of a move
   * @event: what happened
   */
  signals[EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_FILE_MONITOR_EVENT);
}

static void
vs_folder_monitors_init (VsFolderMonitors *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->add_lock);
  g_cond_init (&self->add_cond);
  self->events = g_ptr_array_new_with_free_func (event_free);
  self->watches = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, watch_free);
  self->owner_context = g_main_context_ref_thread_default ();
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("vs-folder-monitors", monitors_thread, self);
}
