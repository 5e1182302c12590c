/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-job-pool.h: a bounded, prioritised, de-duplicating pool of worker threads */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  VS_JOB_PRIORITY_VISIBLE    = 0,  /* what the window shows now */
  VS_JOB_PRIORITY_BACKGROUND = 1,  /* everything else */
} VsJobPriority;

/* Per-worker state (a media helper, a discoverer…), made and freed on the worker thread. */
typedef gpointer (*VsJobWorkerNew)  (gpointer user_data);
/* Runs one job on a worker thread. Returns the result (freed with @result_free when
 * nobody takes it) or NULL with @error set. */
typedef gpointer (*VsJobRunFunc)    (gpointer       worker,
                                     gpointer       job_data,
                                     GCancellable  *cancellable,
                                     GError       **error);

/* Background work below the threads that paint and read for the views. */
#define VS_BACKGROUND_NICENESS 10

/* Lowers the calling thread's priority to @niceness (Linux: a thread's niceness is its
 * own), never raising it; it cannot be raised back afterwards. */
void     vs_thread_lower_priority (int niceness);
/* Runs @func (@data) on a thread of its own, niced to @niceness at least (Linux: a
 * thread's niceness is its own), and waits for it: for background work started on a thread of
 * GLib's shared pool, whose niceness could not be raised back afterwards. */
gpointer vs_run_niced (const char  *name,
                       int          niceness,
                       GThreadFunc  func,
                       gpointer     data);

#define VS_TYPE_JOB_POOL (vs_job_pool_get_type ())
G_DECLARE_FINAL_TYPE (VsJobPool, vs_job_pool, VS, JOB_POOL, GObject)

/* @n_workers 0: the number of processors. A job shared by several callers gives each
 * its own copy of the result (@result_copy). */
VsJobPool *vs_job_pool_new           (guint           n_workers,
                                      VsJobWorkerNew  worker_new,
                                      GDestroyNotify  worker_free,
                                      VsJobRunFunc    run,
                                      GBoxedCopyFunc  result_copy,
                                      GDestroyNotify  result_free,
                                      gpointer        user_data);
guint      vs_job_pool_get_n_workers (VsJobPool *self);
/* Live: new workers start at once; surplus ones retire when their current job is done.
 * @n_workers 0: the number of processors. */
void       vs_job_pool_set_n_workers (VsJobPool *self,
                                      guint      n_workers);
/* Jobs queued or running. */
guint      vs_job_pool_get_pending   (VsJobPool *self);

/* Queues a job. A job with the same @key already queued or running is shared: this caller
 * gets its result too, and its priority is raised if this one is higher. @callback runs
 * on the calling thread's main context. Cancelling @cancellable completes this caller
 * with G_IO_ERROR_CANCELLED at once; the job itself stops (or never starts) once every
 * caller has cancelled. */
void       vs_job_pool_push          (VsJobPool           *self,
                                      const char          *key,
                                      VsJobPriority        priority,
                                      gpointer             job_data,
                                      GDestroyNotify       job_data_free,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* The result, owned by the caller. */
gpointer   vs_job_pool_push_finish   (VsJobPool     *self,
                                      GAsyncResult  *result,
                                      GError       **error);

/* Stops taking jobs, cancels what is queued and running, joins the workers. */
void       vs_job_pool_shutdown      (VsJobPool *self);

G_END_DECLS
