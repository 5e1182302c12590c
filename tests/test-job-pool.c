/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bounded, prioritised, de-duplicating pool. */
#include "config.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vs-job-pool.h"

typedef struct
{
  GMutex     lock;
  GCond      cond;
  gboolean   gate_open;      /* jobs named "gate" wait for it */
  GPtrArray *order;          /* keys in the order they ran */
  gint       running;
  gint       max_running;
  guint      runs;
} Shared;

static Shared shared;

static gpointer
run_job (gpointer       worker,
         gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  const char *key = data;
  gint now = g_atomic_int_add (&shared.running, 1) + 1;

  g_mutex_lock (&shared.lock);
  shared.max_running = MAX (shared.max_running, now);
  shared.runs++;
  g_ptr_array_add (shared.order, g_strdup (key));
  if (g_str_has_prefix (key, "gate"))
    while (!shared.gate_open && !g_cancellable_is_cancelled (cancellable))
      g_cond_wait_until (&shared.cond, &shared.lock, g_get_monotonic_time () + 10000);
  g_mutex_unlock (&shared.lock);

  if (g_str_has_prefix (key, "slow"))
    g_usleep (30000);
  g_atomic_int_add (&shared.running, -1);

  if (g_str_has_prefix (key, "fail"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "failed on purpose");
      return NULL;
    }
  return g_strdup_printf ("result of %s", key);
}

static void
reset (void)
{
  g_clear_pointer (&shared.order, g_ptr_array_unref);
  shared.order = g_ptr_array_new_with_free_func (g_free);
  shared.gate_open = FALSE;
  shared.running = 0;
  shared.max_running = 0;
  shared.runs = 0;
}

static void
open_gate (void)
{
  g_mutex_lock (&shared.lock);
  shared.gate_open = TRUE;
  g_cond_broadcast (&shared.cond);
  g_mutex_unlock (&shared.lock);
}

static VsJobPool *
make_pool (guint n)
{
  return vs_job_pool_new (n, NULL, NULL, run_job, (GBoxedCopyFunc) g_strdup, g_free, NULL);
}

typedef struct
{
  guint       done;
  GPtrArray  *results;   /* "key=result" or "key!error-code" */
  GThread    *main_thread;
} Collect;

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Collect *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = vs_job_pool_push_finish (VS_JOB_POOL (object), result, &error);

  g_assert_true (g_thread_self () == c->main_thread);
  g_ptr_array_add (c->results, value ? g_strdup (value)
                                     : g_strdup_printf ("error %d", error->code));
  c->done++;
}

static void
wait_for (Collect *c,
          guint    n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (c->done < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
collect_init (Collect *c)
{
  c->done = 0;
  c->results = g_ptr_array_new_with_free_func (g_free);
  c->main_thread = g_thread_self ();
}

static void
push (VsJobPool     *pool,
      const char    *key,
      VsJobPriority  priority,
      GCancellable  *cancellable,
      Collect       *c)
{
  vs_job_pool_push (pool, key, priority, g_strdup (key), g_free, cancellable, on_done, c);
}

static void
test_bounded (void)
{
  g_autoptr(VsJobPool) pool = make_pool (2);
  Collect c;

  reset ();
  collect_init (&c);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *key = g_strdup_printf ("slow-%u", i);

      push (pool, key, VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
    }
  wait_for (&c, 8);
  g_assert_cmpuint (shared.runs, ==, 8);
  g_assert_cmpint (shared.max_running, ==, 2);
  g_assert_cmpuint (vs_job_pool_get_pending (pool), ==, 0);
  g_ptr_array_unref (c.results);
}

static void
test_priority (void)
{
  g_autoptr(VsJobPool) pool = make_pool (1);
  Collect c;

  reset ();
  collect_init (&c);
  push (pool, "gate", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  while (shared.runs == 0)
    g_usleep (1000);
  push (pool, "bg-1", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  push (pool, "bg-2", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  push (pool, "visible", VS_JOB_PRIORITY_VISIBLE, NULL, &c);
  /* Pushing a queued background job again as visible moves it ahead. */
  push (pool, "bg-2", VS_JOB_PRIORITY_VISIBLE, NULL, &c);
  open_gate ();
  wait_for (&c, 5);

  g_assert_cmpuint (shared.order->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (shared.order, 0), ==, "gate");
  g_assert_cmpstr (g_ptr_array_index (shared.order, 1), ==, "visible");
  g_assert_cmpstr (g_ptr_array_index (shared.order, 2), ==, "bg-2");
  g_assert_cmpstr (g_ptr_array_index (shared.order, 3), ==, "bg-1");
  g_ptr_array_unref (c.results);
}

static void
test_dedup (void)
{
  g_autoptr(VsJobPool) pool = make_pool (1);
  Collect c;
  guint same = 0;

  reset ();
  collect_init (&c);
  push (pool, "gate", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  while (shared.runs == 0)
    g_usleep (1000);
  push (pool, "same", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  push (pool, "same", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  push (pool, "same", VS_JOB_PRIORITY_VISIBLE, NULL, &c);
  open_gate ();
  wait_for (&c, 4);
  g_assert_cmpuint (shared.runs, ==, 2);     /* gate + one run of "same" */
  for (guint i = 0; i < 4; i++)
    same += g_str_equal (g_ptr_array_index (c.results, i), "result of same");
  g_assert_cmpuint (same, ==, 3);
  g_ptr_array_unref (c.results);
}

static void
test_cancel (void)
{
  g_autoptr(VsJobPool) pool = make_pool (1);
  GCancellable *one = g_cancellable_new ();
  GCancellable *both = g_cancellable_new ();
  g_autoptr(GCancellable) running = g_cancellable_new ();
  Collect c;
  guint cancelled = 0;

  reset ();
  collect_init (&c);
  push (pool, "gate", VS_JOB_PRIORITY_BACKGROUND, running, &c);
  while (shared.runs == 0)
    g_usleep (1000);
  push (pool, "queued", VS_JOB_PRIORITY_BACKGROUND, one, &c);
  push (pool, "shared", VS_JOB_PRIORITY_BACKGROUND, both, &c);
  push (pool, "shared", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  push (pool, "kept", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);

  g_cancellable_cancel (one);     /* the only caller: never runs */
  g_cancellable_cancel (both);    /* one of two callers: still runs for the other */
  g_cancellable_cancel (running); /* the running job is told to stop */
  wait_for (&c, 5);

  for (guint i = 0; i < c.results->len; i++)
    {
      g_autofree char *want = g_strdup_printf ("error %d", G_IO_ERROR_CANCELLED);

      if (g_str_equal (g_ptr_array_index (c.results, i), want))
        cancelled++;
    }
  g_assert_cmpuint (cancelled, ==, 3);
  g_assert_cmpuint (shared.runs, ==, 3);   /* gate, shared, kept */
  for (guint i = 0; i < shared.order->len; i++)
    g_assert_cmpstr (g_ptr_array_index (shared.order, i), !=, "queued");
  g_ptr_array_unref (c.results);

  /* A cancelled caller's cancellable is not kept alive by the pool (it once was, in a
   * cycle with the caller's task: one leak per cancelled thumbnail while scrolling). */
  g_object_add_weak_pointer (G_OBJECT (one), (gpointer *) &one);
  g_object_add_weak_pointer (G_OBJECT (both), (gpointer *) &both);
  g_object_unref (one);
  g_object_unref (both);
  g_assert_null (one);
  g_assert_null (both);
}

static void
test_errors_and_shutdown (void)
{
  g_autoptr(VsJobPool) pool = make_pool (1);
  g_autofree char *closed = NULL;
  Collect c;

  reset ();
  collect_init (&c);
  push (pool, "fail", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  wait_for (&c, 1);
  g_assert_cmpstr (g_ptr_array_index (c.results, 0), ==, "error 0");   /* G_IO_ERROR_FAILED */

  push (pool, "gate", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  while (shared.runs < 2)
    g_usleep (1000);
  push (pool, "never", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  vs_job_pool_shutdown (pool);     /* cancels the gate job and drops "never" */
  wait_for (&c, 3);
  g_assert_cmpuint (shared.runs, ==, 2);
  push (pool, "late", VS_JOB_PRIORITY_BACKGROUND, NULL, &c);
  wait_for (&c, 4);
  closed = g_strdup_printf ("error %d", G_IO_ERROR_CLOSED);
  g_assert_cmpstr (g_ptr_array_index (c.results, 3), ==, closed);
  g_ptr_array_unref (c.results);
}

static int
own_niceness (void)
{
  return getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
}

static gpointer
report_niceness (gpointer data)
{
  *(int *) data = own_niceness ();
  return data;
}

/* Background work runs below the caller, on a thread of its own; the caller (a thread of
 * GLib's shared pool, say) keeps its priority. */
static void
test_run_niced (void)
{
  int before = own_niceness ();
  int seen = G_MININT;

  g_assert_true (vs_run_niced ("test-niced", 5, report_niceness, &seen) == &seen);
  g_assert_cmpint (seen, ==, MAX (before, 5));
  g_assert_cmpint (own_niceness (), ==, before);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_mutex_init (&shared.lock);
  g_cond_init (&shared.cond);

  g_test_add_func ("/job-pool/bounded", test_bounded);
  g_test_add_func ("/job-pool/priority", test_priority);
  g_test_add_func ("/job-pool/dedup", test_dedup);
  g_test_add_func ("/job-pool/cancel", test_cancel);
  g_test_add_func ("/job-pool/errors-and-shutdown", test_errors_and_shutdown);
  g_test_add_func ("/job-pool/run-niced", test_run_niced);

  status = g_test_run ();
  g_clear_pointer (&shared.order, g_ptr_array_unref);
  return status;
}
