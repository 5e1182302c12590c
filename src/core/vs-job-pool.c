/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-job-pool.c: a fixed set of worker threads fed from two priority queues */
#define G_LOG_DOMAIN "vs-job-pool"

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vs-job-pool.h"

typedef struct
{
  char           *key;
  VsJobPriority   priority;
  gpointer        data;
  GDestroyNotify  data_free;
  GCancellable   *cancellable;   /* the job's own: cancelled when no caller is left */
  GPtrArray      *waiters;       /* GTask */
  GList          *link;          /* in its queue while queued */
  gboolean        running;
} Job;

typedef struct
{
  GCancellable *cancellable;
  gulong        handler;
  Job          *job;             /* valid under the pool lock while the task waits */
} Waiter;

struct _VsJobPool
{
  GObject         parent_instance;

  GMutex          mutex;
  GCond           cond;
  GQueue          queues[2];     /* by VsJobPriority */
  GHashTable     *jobs;          /* key → Job, queued or running */
  GPtrArray      *threads;
  guint           n_workers;     /* wanted */
  guint           alive;         /* worker threads not yet retired */
  guint           running;
  gboolean        shutting_down;

  VsJobWorkerNew  worker_new;
  GDestroyNotify  worker_free;
  VsJobRunFunc    run;
  GBoxedCopyFunc  result_copy;
  GDestroyNotify  result_free;
  gpointer        user_data;
};

G_DEFINE_FINAL_TYPE (VsJobPool, vs_job_pool, G_TYPE_OBJECT)

static void
job_free (Job *job)
{
  g_assert (job->waiters->len == 0);
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_clear_object (&job->cancellable);
  g_ptr_array_unref (job->waiters);
  g_free (job->key);
  g_free (job);
}

static void
waiter_free (gpointer data)
{
  Waiter *w = data;

  g_clear_object (&w->cancellable);
  g_free (w);
}

/* Under the lock: forget a job nobody waits for any more. */
static void
drop_job_locked (VsJobPool *self,
                 Job       *job)
{
  if (job->running)
    {
      g_cancellable_cancel (job->cancellable);
      return;
    }
  g_queue_delete_link (&self->queues[job->priority], job->link);
  g_hash_table_remove (self->jobs, job->key);
  job_free (job);
}

static void
on_waiter_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  VsJobPool *self = g_task_get_source_object (task);
  Waiter *w = g_task_get_task_data (task);
  gboolean removed = FALSE;

  g_mutex_lock (&self->mutex);
  if (w->job != NULL && g_ptr_array_remove (w->job->waiters, task))
    {
      Job *job = w->job;

      w->job = NULL;
      removed = TRUE;
      if (job->waiters->len == 0)
        drop_job_locked (self, job);
    }
  g_mutex_unlock (&self->mutex);

  if (removed)
    {
      /* This handler stays connected (it cannot disconnect itself) and holds the task: drop
       * the waiter's hold on the cancellable, or the two would keep each other alive. */
      g_clear_object (&w->cancellable);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      g_object_unref (task);   /* the job's reference */
    }
}

static Job *
pop_locked (VsJobPool *self)
{
  for (guint p = 0; p < G_N_ELEMENTS (self->queues); p++)
    {
      Job *job = g_queue_pop_head (&self->queues[p]);

      if (job != NULL)
        {
          job->link = NULL;
          return job;
        }
    }
  return NULL;
}

static void
deliver (VsJobPool *self,
         GPtrArray *waiters,
         gpointer   result,
         GError    *error)
{
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);
      Waiter *w = g_task_get_task_data (task);

      /* Never inside the handler's own thread: it finds the task gone and returns. */
      if (w->cancellable != NULL)
        g_cancellable_disconnect (w->cancellable, w->handler);
      w->handler = 0;
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else if (i + 1 == waiters->len)
        g_task_return_pointer (task, g_steal_pointer (&result), self->result_free);
      else
        g_task_return_pointer (task, self->result_copy (result), self->result_free);
    }
  if (result != NULL && self->result_free != NULL)
    self->result_free (result);
}

static gpointer
worker_thread (gpointer data)
{
  VsJobPool *self = data;
  gpointer worker = self->worker_new != NULL ? self->worker_new (self->user_data) : NULL;

  g_mutex_lock (&self->mutex);
  while (!self->shutting_down)
    {
      g_autoptr(GPtrArray) waiters = NULL;
      g_autoptr(GError) error = NULL;
      gpointer result;
      Job *job;

      /* Fewer workers wanted (vs_job_pool_set_n_workers): this one retires between jobs. */
      if (self->alive > self->n_workers)
        break;
      job = pop_locked (self);
      if (job == NULL)
        {
          g_cond_wait (&self->cond, &self->mutex);
          continue;
        }
      job->running = TRUE;
      self->running++;
      g_mutex_unlock (&self->mutex);

      result = self->run (worker, job->data, job->cancellable, &error);

      g_mutex_lock (&self->mutex);
      self->running--;
      if (g_hash_table_lookup (self->jobs, job->key) == job)
        g_hash_table_remove (self->jobs, job->key);
      waiters = job->waiters;
      job->waiters = g_ptr_array_new ();
      for (guint i = 0; i < waiters->len; i++)
        ((Waiter *) g_task_get_task_data (g_ptr_array_index (waiters, i)))->job = NULL;
      g_mutex_unlock (&self->mutex);

      if (result == NULL && error == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "The job gave no result");
      deliver (self, waiters, result, error);
      g_ptr_array_set_free_func (waiters, g_object_unref);
      job_free (job);

      g_mutex_lock (&self->mutex);
    }
  self->alive--;
  g_mutex_unlock (&self->mutex);

  if (worker != NULL && self->worker_free != NULL)
    self->worker_free (worker);
  return NULL;
}

VsJobPool *
vs_job_pool_new (guint           n_workers,
                 VsJobWorkerNew  worker_new,
                 GDestroyNotify  worker_free,
                 VsJobRunFunc    run,
                 GBoxedCopyFunc  result_copy,
                 GDestroyNotify  result_free,
                 gpointer        user_data)
{
  VsJobPool *self;

  g_return_val_if_fail (run != NULL, NULL);
  g_return_val_if_fail (result_copy != NULL, NULL);

  self = g_object_new (VS_TYPE_JOB_POOL, NULL);
  self->n_workers = n_workers > 0 ? n_workers : MAX (1, g_get_num_processors ());
  self->worker_new = worker_new;
  self->worker_free = worker_free;
  self->run = run;
  self->result_copy = result_copy;
  self->result_free = result_free;
  self->user_data = user_data;
  vs_job_pool_set_n_workers (self, self->n_workers);
  return self;
}

void
vs_job_pool_set_n_workers (VsJobPool *self,
                           guint      n_workers)
{
  g_return_if_fail (VS_IS_JOB_POOL (self));

  g_mutex_lock (&self->mutex);
  self->n_workers = n_workers > 0 ? n_workers : MAX (1, g_get_num_processors ());
  /* Retired threads stay in the array, finished: shutdown joins them with the rest. */
  while (!self->shutting_down && self->alive < self->n_workers)
    {
      self->alive++;
      g_ptr_array_add (self->threads, g_thread_new ("vs-job-worker", worker_thread, self));
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

guint
vs_job_pool_get_n_workers (VsJobPool *self)
{
  guint n;

  g_return_val_if_fail (VS_IS_JOB_POOL (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->n_workers;
  g_mutex_unlock (&self->mutex);
  return n;
}

guint
vs_job_pool_get_pending (VsJobPool *self)
{
  guint n;

  g_return_val_if_fail (VS_IS_JOB_POOL (self), 0);

  g_mutex_lock (&self->mutex);
  n = g_hash_table_size (self->jobs);
  g_mutex_unlock (&self->mutex);
  return n;
}

void
vs_job_pool_push (VsJobPool           *self,
                  const char          *key,
                  VsJobPriority        priority,
                  gpointer             job_data,
                  GDestroyNotify       job_data_free,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Waiter *w;
  Job *job;

  g_return_if_fail (VS_IS_JOB_POOL (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (priority <= VS_JOB_PRIORITY_BACKGROUND);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* The task does not hold @cancellable: the waiter does, until it is answered (see
   * on_waiter_cancelled()). */
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, vs_job_pool_push);
  w = g_new0 (Waiter, 1);
  g_task_set_task_data (task, w, waiter_free);

  /* Connected before the job can reach a worker, so that its delivery always finds the
   * handler to disconnect (connected after, a fast job's handler stayed, and with it the
   * task and the cancellable, holding each other). Until w->job is set the handler does
   * nothing; a cancellation in that window is seen below. */
  if (cancellable != NULL)
    {
      w->cancellable = g_object_ref (cancellable);
      w->handler = g_cancellable_connect (cancellable, G_CALLBACK (on_waiter_cancelled),
                                          g_object_ref (task), g_object_unref);
    }

  g_mutex_lock (&self->mutex);
  if (self->shutting_down || g_cancellable_is_cancelled (cancellable))
    {
      gboolean cancelled = !self->shutting_down;

      g_mutex_unlock (&self->mutex);
      if (w->cancellable != NULL)
        g_cancellable_disconnect (w->cancellable, w->handler);
      w->handler = 0;
      if (job_data_free != NULL)
        job_data_free (job_data);
      if (cancelled)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "The pool is shut down");
      return;
    }

  job = g_hash_table_lookup (self->jobs, key);
  if (job != NULL && g_cancellable_is_cancelled (job->cancellable))
    {
      /* Abandoned and still winding down: this caller gets a fresh run. */
      g_hash_table_steal (self->jobs, key);
      job = NULL;
    }
  if (job != NULL)
    {
      /* Shared: the first caller's data runs; raise the priority if still queued. */
      if (job_data_free != NULL)
        job_data_free (job_data);
      if (!job->running && priority < job->priority)
        {
          g_queue_delete_link (&self->queues[job->priority], job->link);
          job->priority = priority;
          g_queue_push_tail (&self->queues[priority], job);
          job->link = self->queues[priority].tail;
        }
    }
  else
    {
      job = g_new0 (Job, 1);
      job->key = g_strdup (key);
      job->priority = priority;
      job->data = job_data;
      job->data_free = job_data_free;
      job->cancellable = g_cancellable_new ();
      job->waiters = g_ptr_array_new ();
      g_queue_push_tail (&self->queues[priority], job);
      job->link = self->queues[priority].tail;
      g_hash_table_insert (self->jobs, job->key, job);
      g_cond_signal (&self->cond);
    }
  w->job = job;
  g_ptr_array_add (job->waiters, g_object_ref (task));
  g_mutex_unlock (&self->mutex);
}

gpointer
vs_job_pool_push_finish (VsJobPool     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (VS_IS_JOB_POOL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vs_job_pool_shutdown (VsJobPool *self)
{
  g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (VS_IS_JOB_POOL (self));

  g_mutex_lock (&self->mutex);
  if (self->shutting_down)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->shutting_down = TRUE;
  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Job *job = value;

      g_cancellable_cancel (job->cancellable);
      if (job->running)
        continue;
      for (guint i = 0; i < job->waiters->len; i++)
        {
          GTask *task = g_ptr_array_index (job->waiters, i);

          ((Waiter *) g_task_get_task_data (task))->job = NULL;
          g_ptr_array_add (orphans, task);
        }
      g_ptr_array_set_size (job->waiters, 0);
      g_queue_delete_link (&self->queues[job->priority], job->link);
      g_hash_table_iter_remove (&iter);
      job_free (job);
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  deliver (self, orphans, NULL, &(GError) { G_IO_ERROR, G_IO_ERROR_CANCELLED, (char *) "Cancelled" });
  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (g_ptr_array_index (self->threads, i));
  g_ptr_array_set_size (self->threads, 0);
}

static void
vs_job_pool_dispose (GObject *object)
{
  vs_job_pool_shutdown (VS_JOB_POOL (object));

  G_OBJECT_CLASS (vs_job_pool_parent_class)->dispose (object);
}

static void
vs_job_pool_finalize (GObject *object)
{
  VsJobPool *self = VS_JOB_POOL (object);

  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->threads, g_ptr_array_unref);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (vs_job_pool_parent_class)->finalize (object);
}

static void
vs_job_pool_class_init (VsJobPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_job_pool_dispose;
  object_class->finalize = vs_job_pool_finalize;
}

static void
vs_job_pool_init (VsJobPool *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_queue_init (&self->queues[0]);
  g_queue_init (&self->queues[1]);
  self->jobs = g_hash_table_new (g_str_hash, g_str_equal);
  self->threads = g_ptr_array_new ();
}

typedef struct
{
  int         niceness;
  GThreadFunc func;
  gpointer    data;
} Niced;

void
vs_thread_lower_priority (int niceness)
{
  id_t tid = (id_t) syscall (SYS_gettid);

  /* never above where the thread already runs */
  errno = 0;
  if (getpriority (PRIO_PROCESS, tid) < niceness && errno == 0 &&
      setpriority (PRIO_PROCESS, tid, niceness) != 0)
    g_debug ("Cannot lower a thread's priority: %s", g_strerror (errno));
}

static gpointer
niced_thread (gpointer data)
{
  Niced *niced = data;

  vs_thread_lower_priority (niced->niceness);
  return niced->func (niced->data);
}

gpointer
vs_run_niced (const char  *name,
              int          niceness,
              GThreadFunc  func,
              gpointer     data)
{
  Niced niced = { niceness, func, data };

  g_return_val_if_fail (func != NULL, NULL);

  return g_thread_join (g_thread_new (name, niced_thread, &niced));
}
