/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Media work through the pool of helper processes: results, reuse, time limit, crashes,
 * cancellation, and library updates. */
#include "config.h"

#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "vs-media-service.h"
#include "vs-media-worker.h"
#include "vs-scanner.h"
#include "vs-test-media.h"
#include "vs-test-utils.h"

static const char * const needed[] = { "x264enc", "mp4mux", "avenc_aac", NULL };

typedef struct
{
  char *dir;
  char *real_helper;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  vs_test_allow_warnings ();
  f->dir = vs_test_make_tmpdir ();
  f->real_helper = g_strdup (g_getenv ("VIDSHELF_MEDIA_WORKER"));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_setenv ("VIDSHELF_MEDIA_WORKER", f->real_helper, TRUE);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->real_helper);
}

/* A stand-in helper: @body is a shell script run for each spawn. */
static void
fake_helper (Fixture    *f,
             const char *body)
{
  g_autofree char *path = g_build_filename (f->dir, "fake-helper", NULL);
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\n%s\n", body);

  vs_test_write_file (path, script, -1);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  g_setenv ("VIDSHELF_MEDIA_WORKER", path, TRUE);
}

typedef struct
{
  gboolean       done;
  VsProbeResult *probe;
  char          *thumbnail;
  GError        *error;
} Wait;

static void
wait_clear (Wait *w)
{
  g_clear_pointer (&w->probe, vs_probe_result_free);
  g_clear_pointer (&w->thumbnail, g_free);
  g_clear_error (&w->error);
  w->done = FALSE;
}

static void
on_probed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *w = user_data;

  w->probe = vs_media_service_probe_finish (VS_MEDIA_SERVICE (object), result, &w->error);
  w->done = TRUE;
}

static void
on_thumbnailed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *w = user_data;

  w->thumbnail = vs_media_service_thumbnail_finish (VS_MEDIA_SERVICE (object), result, &w->error);
  w->done = TRUE;
}

static void
spin (gboolean *done)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (!*done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_probe_and_thumbnail (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *clip = g_build_filename (f->dir, "clip.mp4", NULL);
  g_autoptr(VsMediaService) service = NULL;
  g_autofree char *first = NULL;
  struct stat before, after;
  Wait w = { 0 };

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_mp4 (clip, "ball");
  service = vs_media_service_new (2, 0);

  vs_media_service_probe_async (service, clip, VS_JOB_PRIORITY_VISIBLE, NULL, on_probed, &w);
  spin (&w.done);
  g_assert_no_error (w.error);
  g_assert_cmpint (ABS (w.probe->duration_ms - 2000), <=, 100);
  g_assert_cmpint (w.probe->width, ==, 640);
  g_assert_true (w.probe->has_video);
  wait_clear (&w);

  vs_media_service_thumbnail_async (service, clip, VS_THUMBNAIL_SIZE_LARGE, NULL,
                                    VS_JOB_PRIORITY_VISIBLE, NULL, on_thumbnailed, &w);
  spin (&w.done);
  g_assert_no_error (w.error);
  first = g_strdup (w.thumbnail);
  g_assert_true (g_str_has_prefix (first, g_get_user_cache_dir ()));
  g_assert_cmpint (g_stat (first, &before), ==, 0);
  wait_clear (&w);

  /* A valid thumbnail is reused: same file, untouched. */
  g_usleep (20000);
  vs_media_service_thumbnail_async (service, clip, VS_THUMBNAIL_SIZE_LARGE, NULL,
                                    VS_JOB_PRIORITY_VISIBLE, NULL, on_thumbnailed, &w);
  spin (&w.done);
  g_assert_no_error (w.error);
  g_assert_cmpstr (w.thumbnail, ==, first);
  g_assert_cmpint (g_stat (first, &after), ==, 0);
  g_assert_cmpint (before.st_mtim.tv_nsec, ==, after.st_mtim.tv_nsec);
  g_assert_cmpint (before.st_ino, ==, after.st_ino);
  wait_clear (&w);
}

/* A helper that never answers is killed at the time limit; the file gets a fail marker. */
static void
test_time_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *clip = g_build_filename (f->dir, "stuck.mp4", NULL);
  g_autofree char *uri = NULL;
  g_autoptr(VsMediaWorker) worker = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsProbeResult) result = NULL;
  g_autofree char *thumb = NULL;
  GStatBuf st;
  gint64 start;

  vs_test_write_file (clip, "data that never gets read", -1);
  fake_helper (f, "exec sleep 60");
  worker = vs_media_worker_new (300);

  start = g_get_monotonic_time ();
  result = vs_media_worker_probe (worker, clip, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpint (vs_media_worker_get_pid (worker), ==, 0);   /* killed */
  g_clear_error (&error);

  /* Through the service, a thumbnail that times out is marked failed. */
  {
    g_autoptr(VsMediaService) service = vs_media_service_new (1, 300);
    Wait w = { 0 };

    vs_media_service_thumbnail_async (service, clip, VS_THUMBNAIL_SIZE_NORMAL, NULL,
                                      VS_JOB_PRIORITY_VISIBLE, NULL, on_thumbnailed, &w);
    spin (&w.done);
    g_assert_error (w.error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_TIMEOUT);
    wait_clear (&w);
  }
  uri = g_filename_to_uri (clip, NULL, NULL);
  g_assert_cmpint (g_stat (clip, &st), ==, 0);
  g_assert_cmpint (vs_thumbnail_lookup (uri, st.st_mtime, VS_THUMBNAIL_SIZE_NORMAL, &thumb), ==,
                   VS_THUMBNAIL_FAILED);
}

/* A helper that dies on a file takes nothing else with it: the next file gets a new one. */
static void
test_crash (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *clip = g_build_filename (f->dir, "crash.mp4", NULL);
  g_autoptr(VsMediaWorker) worker = vs_media_worker_new (5000);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsProbeResult) bad = NULL;
  g_autoptr(VsProbeResult) good = NULL;

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_mp4 (clip, "smpte");
  fake_helper (f, "read request; kill -SEGV $$");
  bad = vs_media_worker_probe (worker, clip, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_CRASHED);
  g_clear_error (&error);

  g_setenv ("VIDSHELF_MEDIA_WORKER", f->real_helper, TRUE);
  good = vs_media_worker_probe (worker, clip, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ABS (good->duration_ms - 2000), <=, 100);
}

/* Cancelling stops queued work at once and kills the running decode. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(VsMediaService) service = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait waits[5] = { 0 };
  gint64 start;

  fake_helper (f, "exec sleep 60");
  service = vs_media_service_new (1, 30000);
  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/file%u.mp4", f->dir, i);

      vs_test_write_file (path, "x", 1);
      vs_media_service_probe_async (service, path, VS_JOB_PRIORITY_BACKGROUND, cancellable,
                                    on_probed, &waits[i]);
    }
  g_usleep (200000);
  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      spin (&waits[i].done);
      g_assert_error (waits[i].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      wait_clear (&waits[i]);
    }
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

typedef struct
{
  gboolean        done;
  VsUpdateSummary summary;
  GError         *error;
} UpdateWait;

static void
on_updated (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  UpdateWait *u = user_data;

  vs_media_service_update_finish (VS_MEDIA_SERVICE (object), result, &u->summary, &u->error);
  u->done = TRUE;
}

/* ::update-progress's flags, or'd over its emissions */
static void
on_update_progress (VsMediaService *service,
                    guint           done,
                    guint           total,
                    guint           flags,
                    gpointer        user_data)
{
  guint *heard = user_data;

  g_assert_cmpuint (done, <=, total);
  *heard |= flags | (1u << 31);
}

/* The library command: every unprobed file probed, every missing thumbnail made, results
 * in the index, progress told with the run's flags; a second run finds nothing to do. */
static void
test_update (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *lib = g_build_filename (f->dir, "lib", NULL);
  g_autofree char *clip = g_build_filename (lib, "a.mp4", NULL);
  g_autofree char *junk = g_build_filename (lib, "junk.mkv", NULL);
  g_autofree char *hls = g_build_filename (lib, "stream", NULL);
  g_autofree char *db_path = g_build_filename (f->dir, "library.db", NULL);
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(VsDatabase) reader = NULL;
  g_autoptr(VsScanner) scanner = NULL;
  g_autoptr(VsMediaService) service = NULL;
  g_autoptr(VsVideoRecord) good = NULL;
  g_autoptr(VsVideoRecord) bad = NULL;
  g_autoptr(GError) error = NULL;
  const char *roots[] = { lib, NULL };
  UpdateWait u = { 0 };
  guint heard = 0;

  if (!vs_test_media_require (needed) ||
      !vs_test_media_require ((const char *[]) { "hlssink2", NULL }))
    return;
  g_assert_cmpint (g_mkdir_with_parents (lib, 0755), ==, 0);
  vs_test_media_mp4 (clip, "smpte");
  vs_test_media_random (junk, 4096);
  vs_test_media_hls (hls, 4);

  db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  scanner = vs_scanner_new (db);
  g_assert_true (vs_scanner_scan (scanner, roots, NULL, NULL, NULL, NULL, &error));
  g_assert_cmpint (vs_database_count_pending (db, VS_PENDING_PROBE, NULL), ==, 2);
  g_assert_cmpint (vs_database_count_pending (db, VS_PENDING_THUMBNAIL, NULL), ==, 3);

  service = vs_media_service_new (2, 0);
  g_signal_connect (service, "update-progress", G_CALLBACK (on_update_progress), &heard);
  vs_media_service_update_async (service, db, NULL, VS_UPDATE_PROBE | VS_UPDATE_THUMBNAILS,
                                 VS_THUMBNAIL_SIZE_NORMAL, NULL, on_updated, &u);
  spin (&u.done);
  g_assert_no_error (u.error);
  g_assert_cmphex (heard, ==, (1u << 31) | VS_UPDATE_PROBE | VS_UPDATE_THUMBNAILS);
  g_assert_cmpuint (u.summary.probed, ==, 1);
  g_assert_cmpuint (u.summary.probe_failed, ==, 1);
  g_assert_cmpuint (u.summary.thumbnailed, ==, 2);     /* the clip and the HLS item */
  g_assert_cmpuint (u.summary.thumb_failed, ==, 1);

  good = vs_database_lookup_video (db, clip, &error);
  g_assert_cmpint (good->probe_state, ==, VS_MEDIA_STATE_DONE);
  g_assert_cmpint (ABS (good->duration_ms - 2000), <=, 100);
  g_assert_cmpint (good->width, ==, 640);
  g_assert_cmpint (good->thumb_state, ==, VS_MEDIA_STATE_DONE);
  bad = vs_database_lookup_video (db, junk, &error);
  g_assert_cmpint (bad->probe_state, ==, VS_MEDIA_STATE_FAILED);
  g_assert_cmpint (bad->thumb_state, ==, VS_MEDIA_STATE_FAILED);

  g_assert_cmpint (vs_database_count_pending (db, VS_PENDING_PROBE, NULL), ==, 0);
  g_assert_cmpint (vs_database_count_pending (db, VS_PENDING_THUMBNAIL, NULL), ==, 0);
  /* Again, reading pending rows through a reader as the window does: nothing is left. */
  reader = vs_database_open (db_path, VS_DATABASE_MODE_READER, &error);
  g_assert_no_error (error);
  u.done = FALSE;
  vs_media_service_update_async (service, db, reader, VS_UPDATE_PROBE | VS_UPDATE_THUMBNAILS,
                                 VS_THUMBNAIL_SIZE_NORMAL, NULL, on_updated, &u);
  spin (&u.done);
  g_assert_cmpuint (u.summary.probed + u.summary.thumbnailed + u.summary.probe_failed, ==, 0);
}

/* Names in @folder that are not finished thumbnails ("<md5>.png"): temporary files, ours
 * ("….png.vidshelf-<pid>-XXXXXX") or the old unnamed form ("….png.XXXXXX"). */
static guint
count_temp_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (!g_str_has_suffix (name, ".png"))
      {
        g_test_message ("left behind: %s/%s", folder, name);
        n++;
      }
  return n;
}

static char *
cache_folder (VsThumbnailSize size)
{
  return g_build_filename (g_get_user_cache_dir (), "thumbnails", vs_thumbnail_size_to_string (size),
                           NULL);
}

static char *
fail_folder (void)
{
  g_autofree char *marker = vs_thumbnail_fail_path ("file:///x");

  return g_path_get_dirname (marker);
}

typedef struct
{
  VsMediaWorker *worker;
  const char    *clip;
  GCancellable  *cancellable;
  char          *written;
  GError        *error;
} ThumbJob;

static gpointer
thumb_thread (gpointer data)
{
  ThumbJob *j = data;

  j->written = vs_media_worker_thumbnail (j->worker, j->clip, VS_THUMBNAIL_SIZE_LARGE, NULL,
                                          FALSE, FALSE, j->cancellable, &j->error);
  return NULL;
}

/* Waits (blocking, at most 60 s) for a file to be created in the watched folder; returns
 * its name, or NULL on a timeout. */
static char *
next_created (int inotify_fd)
{
  guint8 buffer[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  struct pollfd pfd = { inotify_fd, POLLIN, 0 };
  ssize_t n;

  if (poll (&pfd, 1, 60000) != 1)
    return NULL;
  n = read (inotify_fd, buffer, sizeof buffer);
  for (ssize_t at = 0; at < n;)
    {
      const struct inotify_event *event = (const struct inotify_event *) (buffer + at);

      if ((event->mask & IN_CREATE) && event->len > 0)
        return g_strdup (event->name);
      at += (ssize_t) (sizeof *event + event->len);
    }
  return g_strdup ("");
}

/* A helper killed while a thumbnail is half written (its temporary file exists, the rename
 * has not happened) leaves nothing behind: its parent removes that helper's files. The
 * helper is stopped (SIGSTOP) the moment its temporary file appears, then the request is
 * cancelled, which kills it. */
static void
test_killed_mid_write (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *clip = g_build_filename (f->dir, "clip.mp4", NULL);
  g_autofree char *folder = cache_folder (VS_THUMBNAIL_SIZE_LARGE);
  g_autoptr(VsMediaWorker) worker = vs_media_worker_new (0);
  gboolean caught = FALSE;
  int fd;

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_clip (clip, 1);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  fd = inotify_init1 (IN_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (inotify_add_watch (fd, folder, IN_CREATE), >=, 0);

  for (guint attempt = 0; attempt < 20 && !caught; attempt++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(VsProbeResult) probe = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;
      g_autofree char *temp = NULL;
      ThumbJob j = { worker, clip, cancellable, NULL, NULL };
      GThread *thread;
      GPid pid;

      /* The helper is up before the request, so its pid is known here. */
      probe = vs_media_worker_probe (worker, clip, NULL, &error);
      g_assert_no_error (error);
      pid = vs_media_worker_get_pid (worker);
      g_assert_cmpint (pid, >, 0);
      thread = g_thread_new ("thumbnail", thumb_thread, &j);
      name = next_created (fd);
      g_assert_nonnull (name);
      g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
      temp = g_build_filename (folder, name, NULL);
      caught = !g_str_has_suffix (name, ".png") && g_file_test (temp, G_FILE_TEST_IS_REGULAR);
      if (caught)
        {
          g_test_message ("helper %d stopped with %s written (attempt %u)", (int) pid, name,
                          attempt + 1);
          g_cancellable_cancel (cancellable);
        }
      else
        kill (pid, SIGCONT);
      g_thread_join (thread);
      if (caught)
        {
          g_assert_error (j.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
        }
      g_clear_error (&j.error);
      g_free (j.written);
      /* Drain the events of this round. */
      while (poll (&(struct pollfd) { fd, POLLIN, 0 }, 1, 0) == 1)
        g_free (next_created (fd));
    }
  close (fd);
  if (!caught)
    {
      g_test_incomplete ("the helper always renamed its file before it could be stopped");
      return;
    }
  g_assert_cmpuint (count_temp_files (folder), ==, 0);
}

typedef struct
{
  guint done;
  guint made;
  guint cancelled;
} ManyWait;

static void
on_many_thumbnailed (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ManyWait *m = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = vs_media_service_thumbnail_finish (VS_MEDIA_SERVICE (object), result,
                                                            &error);

  if (png != NULL)
    m->made++;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    m->cancelled++;
  else
    g_error ("unexpected: %s", error->message);
  m->done++;
}

static gboolean
cancel_now (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* 1,000 thumbnail requests (each its own file: hard links of one small clip), each
 * cancelled at a random time over ten seconds: queued, decoding, writing or done. Nothing
 * but finished thumbnails stays in the cache. */
static void
test_cancel_many (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *clip = g_build_filename (f->dir, "clip.mp4", NULL);
  g_autofree char *links = g_build_filename (f->dir, "links", NULL);
  g_autofree char *folder = cache_folder (VS_THUMBNAIL_SIZE_NORMAL);
  g_autofree char *fails = fail_folder ();
  g_autoptr(VsMediaService) service = NULL;
  g_autofree char *asan_options = NULL;
  ManyWait m = { 0 };
  const guint n = 1000;

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_clip (clip, 1);
  g_assert_cmpint (g_mkdir (links, 0700), ==, 0);
  /* Slow stack unwinding on every malloc (the suite's ASan setting) makes a helper take
   * seconds to start: then hardly a request would get as far as writing. */
  asan_options = g_strdup (g_getenv ("ASAN_OPTIONS"));
  if (asan_options != NULL)
    {
      g_autofree char *fast = g_strconcat (asan_options, ":fast_unwind_on_malloc=1", NULL);

      g_setenv ("ASAN_OPTIONS", fast, TRUE);
    }
  service = vs_media_service_new (2, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/v%04u.mp4", links, i);
      GCancellable *cancellable = g_cancellable_new ();

      g_assert_cmpint (link (clip, path), ==, 0);
      vs_media_service_thumbnail_async (service, path, VS_THUMBNAIL_SIZE_NORMAL, NULL,
                                        VS_JOB_PRIORITY_VISIBLE, cancellable,
                                        on_many_thumbnailed, &m);
      g_timeout_add_full (G_PRIORITY_DEFAULT, g_test_rand_int_range (0, 10000), cancel_now,
                          cancellable, g_object_unref);
    }
  while (m.done < n)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&service);
  if (asan_options != NULL)
    g_setenv ("ASAN_OPTIONS", asan_options, TRUE);
  g_test_message ("%u made, %u cancelled", m.made, m.cancelled);
  g_assert_cmpuint (m.made + m.cancelled, ==, n);
  g_assert_cmpuint (count_temp_files (folder), ==, 0);
  g_assert_cmpuint (count_temp_files (fails), ==, 0);
}

/* A service's first worker sweeps our stale temporary files (a previous session's helper
 * killed mid-write with its parent), and only those. */
static void
test_sweep_at_start (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *folder = cache_folder (VS_THUMBNAIL_SIZE_LARGE);
  g_autofree char *stale = g_build_filename (folder, "0123.png.vidshelf-99999-AbCdEf", NULL);
  g_autofree char *fresh = g_build_filename (folder, "4567.png.vidshelf-99999-AbCdEf", NULL);
  g_autofree char *other = g_build_filename (folder, "89ab.png.AbCdEf", NULL);
  g_autoptr(VsMediaService) service = NULL;
  struct utimbuf old = { 0 };
  Wait w = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  vs_test_write_file (stale, "partial", -1);
  vs_test_write_file (fresh, "partial", -1);
  vs_test_write_file (other, "partial", -1);
  old.actime = old.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - 2 * 3600);
  g_assert_cmpint (g_utime (stale, &old), ==, 0);
  g_assert_cmpint (g_utime (other, &old), ==, 0);

  /* One worker: it sweeps before it takes this request. */
  service = vs_media_service_new (1, 0);
  vs_media_service_thumbnail_async (service, "/nonexistent/gone.mp4", VS_THUMBNAIL_SIZE_LARGE,
                                    NULL, VS_JOB_PRIORITY_VISIBLE, NULL, on_thumbnailed, &w);
  spin (&w.done);
  g_assert_nonnull (w.error);
  wait_clear (&w);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (other, G_FILE_TEST_IS_REGULAR));
  g_unlink (fresh);
  g_unlink (other);
}

/* Filmstrips ------------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  char     *path;
  guint     decoded;
  GError   *error;
} FilmstripWait;

static void
filmstrip_wait_clear (FilmstripWait *w)
{
  g_clear_pointer (&w->path, g_free);
  g_clear_error (&w->error);
  w->decoded = 0;
  w->done = FALSE;
}

static void
on_filmstrip (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  FilmstripWait *w = user_data;

  w->path = vs_media_service_filmstrip_full_finish (VS_MEDIA_SERVICE (object), result,
                                                    &w->decoded, &w->error);
  w->done = TRUE;
}

static void
filmstrip_of (VsMediaService *service,
              const char     *path,
              FilmstripWait  *w)
{
  filmstrip_wait_clear (w);
  vs_media_service_filmstrip_full_async (service, path, NULL, FALSE, VS_JOB_PRIORITY_VISIBLE,
                                         NULL, on_filmstrip, w);
  spin (&w->done);
}

static void
set_mtime (const char *path,
           gint64      seconds_ago)
{
  struct utimbuf when;

  when.actime = when.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - seconds_ago);
  g_assert_cmpint (g_utime (path, &when), ==, 0);
}

static gint64
mtime_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mtime;
}

static void
empty_filmstrip_cache (void)
{
  g_autofree char *cache = vs_filmstrip_cache_dir ();

  vs_test_rm_rf (cache);
}

/* The cache answers before any helper: a valid strip is returned as it is (and marked
 * used), a changed file's is remade, a fail marker fails at once. A helper that cannot
 * start proves none was asked. */
static void
test_filmstrip_cache (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *clip = g_build_filename (f->dir, "clip.mp4", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "junk.mp4", NULL);
  g_autofree char *junk_uri = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *first = NULL;
  g_autoptr(VsMediaService) service = NULL;
  g_autoptr(VsMediaService) offline = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;
  g_autoptr(GError) error = NULL;
  FilmstripWait w = { 0 };

  if (!vs_test_media_require ((const char *[]) { "x264enc", "mp4mux", NULL }))
    return;
  empty_filmstrip_cache ();
  vs_test_media_long_clip (clip, 30);
  vs_test_media_random (junk, 4096);
  service = vs_media_service_new (1, 0);

  filmstrip_of (service, clip, &w);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.decoded, >=, 10);
  first = g_strdup (w.path);
  g_assert_true (g_str_has_prefix (first, g_get_user_cache_dir ()));
  strip = vs_filmstrip_load (first, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_filmstrip_get_n_frames (strip), ==, 10);
  g_clear_object (&strip);

  /* Found in the cache, by a service whose helper cannot even start; marked used. */
  fake_helper (f, "exit 3");
  offline = vs_media_service_new (1, 0);
  set_mtime (first, 3600);
  filmstrip_of (offline, clip, &w);
  g_assert_no_error (w.error);
  g_assert_cmpstr (w.path, ==, first);
  g_assert_cmpuint (w.decoded, ==, 0);
  g_assert_cmpint (mtime_of (first), >, g_get_real_time () / G_USEC_PER_SEC - 600);

  /* The file changed: its strip is remade. */
  set_mtime (clip, 7200);
  g_setenv ("VIDSHELF_MEDIA_WORKER", f->real_helper, TRUE);
  filmstrip_of (service, clip, &w);
  g_assert_no_error (w.error);
  g_assert_cmpstr (w.path, ==, first);
  g_assert_cmpuint (w.decoded, >=, 10);
  strip = vs_filmstrip_load (first, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_filmstrip_get_mtime (strip), ==, mtime_of (clip));

  /* A file that cannot be decoded: a fail marker, then an answer without a helper. */
  filmstrip_of (service, junk, &w);
  g_assert_nonnull (w.error);
  g_assert_null (w.path);
  junk_uri = g_filename_to_uri (junk, NULL, NULL);
  g_assert_cmpint (vs_filmstrip_lookup (junk_uri, mtime_of (junk), 4096, &marker), ==,
                   VS_FILMSTRIP_FAILED);
  fake_helper (f, "exit 3");
  filmstrip_of (offline, junk, &w);
  g_assert_error (w.error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_FAILED);
  filmstrip_wait_clear (&w);
}

/* The helper keeps the cache within its budget after writing to it: the least recently
 * used entries go, the one just made stays even when it alone is over the budget. */
static void
test_filmstrip_eviction (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *clip = g_build_filename (f->dir, "clip.mp4", NULL);
  g_autoptr(VsMediaWorker) worker = vs_media_worker_new (0);
  char *strips[4] = { NULL };
  guint64 sizes[4] = { 0 };

  if (!vs_test_media_require ((const char *[]) { "x264enc", "mp4mux", NULL }))
    return;
  empty_filmstrip_cache ();
  vs_test_media_long_clip (clip, 20);
  for (guint i = 0; i < G_N_ELEMENTS (strips); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/v%u.mp4", f->dir, i);
      g_autoptr(GError) error = NULL;
      GStatBuf st;
      guint decoded = 0;

      g_assert_cmpint (link (clip, name), ==, 0);
      /* the last one with the budget: the three before it are made without */
      strips[i] = vs_media_worker_filmstrip (worker, name, NULL, FALSE,
                                             i < 3 ? 0 : 1, &decoded, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (decoded, >=, 10);
      g_assert_cmpint (g_stat (strips[i], &st), ==, 0);
      sizes[i] = (guint64) st.st_size;
      /* used in order, v0 longest ago */
      if (i < 3)
        set_mtime (strips[i], 3000 - 1000 * (gint64) i);
      /* without a budget, nothing went */
      if (i == 2)
        g_assert_cmpuint (vs_filmstrip_cache_get_bytes (), ==, sizes[0] + sizes[1] + sizes[2]);
    }
  /* A budget of one byte: all but the newest went. */
  g_assert_false (g_file_test (strips[0], G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (strips[1], G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (strips[2], G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (strips[3], G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (vs_filmstrip_cache_get_bytes (), ==, sizes[3]);

  /* Two older ones again, then one with a budget for exactly two: the oldest goes. */
  {
    g_autofree char *v0 = g_strdup_printf ("%s/v0.mp4", f->dir);
    g_autofree char *v1 = g_strdup_printf ("%s/v1.mp4", f->dir);
    g_autofree char *v2 = g_strdup_printf ("%s/v2.mp4", f->dir);
    g_autoptr(GError) error = NULL;
    g_autofree char *a = vs_media_worker_filmstrip (worker, v0, NULL, FALSE, 0, NULL, NULL, &error);
    g_autofree char *b = NULL;
    g_autofree char *c = NULL;

    g_assert_no_error (error);
    set_mtime (strips[3], 3000);   /* v3: the least recently used now */
    set_mtime (a, 2000);
    b = vs_media_worker_filmstrip (worker, v1, NULL, FALSE, 0, NULL, NULL, &error);
    g_assert_no_error (error);
    set_mtime (b, 1000);
    c = vs_media_worker_filmstrip (worker, v2, NULL, FALSE, sizes[1] + sizes[2], NULL, NULL,
                                   &error);
    g_assert_no_error (error);
    g_assert_false (g_file_test (strips[3], G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (a, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (b, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_test (c, G_FILE_TEST_IS_REGULAR));
  }
  for (guint i = 0; i < G_N_ELEMENTS (strips); i++)
    g_free (strips[i]);
}

/* The update pass's third phase: the filmstrips of the items with a thumbnail, counted
 * made or reused; with a cache already at its budget it stops without evicting. */
static void
test_filmstrip_update (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *lib = g_build_filename (f->dir, "lib", NULL);
  g_autofree char *junk = g_build_filename (lib, "junk.mp4", NULL);
  g_autofree char *db_path = g_build_filename (f->dir, "library.db", NULL);
  g_autofree char *cache = vs_filmstrip_cache_dir ();
  g_autofree char *listing = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(VsScanner) scanner = NULL;
  g_autoptr(VsMediaService) service = NULL;
  g_autoptr(GError) error = NULL;
  const char *roots[] = { lib, NULL };
  UpdateWait u = { 0 };
  guint64 bytes;

  if (!vs_test_media_require ((const char *[]) { "x264enc", "mp4mux", NULL }))
    return;
  empty_filmstrip_cache ();
  g_assert_cmpint (g_mkdir_with_parents (lib, 0755), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *clip = g_strdup_printf ("%s/clip%u.mp4", lib, i);

      vs_test_media_long_clip (clip, 20 + 10 * i);
    }
  vs_test_media_random (junk, 4096);
  db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  scanner = vs_scanner_new (db);
  g_assert_true (vs_scanner_scan (scanner, roots, NULL, NULL, NULL, NULL, &error));

  service = vs_media_service_new (2, 0);
  vs_media_service_update_async (service, db, NULL,
                                 VS_UPDATE_PROBE | VS_UPDATE_THUMBNAILS | VS_UPDATE_FILMSTRIPS,
                                 VS_THUMBNAIL_SIZE_NORMAL, NULL, on_updated, &u);
  spin (&u.done);
  g_assert_no_error (u.error);
  g_assert_cmpuint (u.summary.thumbnailed, ==, 3);
  g_assert_cmpuint (u.summary.thumb_failed, ==, 1);
  /* the junk file's thumbnail failed: no filmstrip is tried */
  g_assert_cmpuint (u.summary.filmstrips_made, ==, 3);
  g_assert_cmpuint (u.summary.filmstrips_reused, ==, 0);
  g_assert_cmpuint (u.summary.filmstrips_failed, ==, 0);
  g_assert_false (u.summary.filmstrip_budget_reached);
  bytes = vs_filmstrip_cache_get_bytes ();
  g_assert_cmpuint (bytes, >, 0);

  /* Again, filmstrips only: all reused. */
  memset (&u, 0, sizeof u);
  vs_media_service_update_async (service, db, NULL, VS_UPDATE_FILMSTRIPS,
                                 VS_THUMBNAIL_SIZE_NORMAL, NULL, on_updated, &u);
  spin (&u.done);
  g_assert_no_error (u.error);
  g_assert_cmpuint (u.summary.filmstrips_reused, ==, 3);
  g_assert_cmpuint (u.summary.filmstrips_made, ==, 0);

  /* One gone from the cache, the budget below what the cache holds: the pass stops, and
   * evicts nothing. One worker: no job is in flight beside the first. */
  {
    g_autoptr(VsMediaService) one = vs_media_service_new (1, 0);
    g_autofree char *clip0 = g_strdup_printf ("%s/clip0.mp4", lib);
    g_autofree char *uri = g_filename_to_uri (clip0, NULL, NULL);
    g_autofree char *after = NULL;

    g_assert_true (vs_filmstrip_delete (uri));
    bytes = vs_filmstrip_cache_get_bytes ();
    g_clear_pointer (&listing, g_free);
    listing = vs_test_list_folder (cache);
    vs_media_service_set_filmstrip_budget (one, bytes);
    g_assert_cmpuint (vs_media_service_get_filmstrip_budget (one), ==, bytes);
    memset (&u, 0, sizeof u);
    vs_media_service_update_async (one, db, NULL, VS_UPDATE_FILMSTRIPS,
                                   VS_THUMBNAIL_SIZE_NORMAL, NULL, on_updated, &u);
    spin (&u.done);
    g_assert_no_error (u.error);
    g_assert_true (u.summary.filmstrip_budget_reached);
    g_assert_cmpuint (u.summary.filmstrips_made, ==, 0);
    after = vs_test_list_folder (cache);
    g_assert_cmpstr (after, ==, listing);

    /* With room for one more: clip0's is made again, then the pass stops at the budget. */
    vs_media_service_set_filmstrip_budget (one, bytes + 1);
    memset (&u, 0, sizeof u);
    vs_media_service_update_async (one, db, NULL, VS_UPDATE_FILMSTRIPS,
                                   VS_THUMBNAIL_SIZE_NORMAL, NULL, on_updated, &u);
    spin (&u.done);
    g_assert_no_error (u.error);
    g_assert_cmpuint (u.summary.filmstrips_made, ==, 1);
    g_assert_true (u.summary.filmstrip_budget_reached);
    g_assert_cmpuint (vs_filmstrip_cache_get_bytes (), >, bytes);
    /* nothing was evicted to make room: the two and clip0's */
    g_clear_pointer (&after, g_free);
    after = vs_test_list_folder (cache);
    {
      g_auto(GStrv) kept = g_strsplit (listing, " ", -1);
      g_auto(GStrv) now = g_strsplit (after, " ", -1);

      g_assert_cmpuint (g_strv_length (kept), ==, 2);
      g_assert_cmpuint (g_strv_length (now), ==, 3);
      for (guint i = 0; kept[i] != NULL; i++)
        g_assert_true (g_strv_contains ((const char * const *) now, kept[i]));
    }
  }
}

/* Fingerprints ----------------------------------------------------------------------- */

typedef struct
{
  gboolean       done;
  gboolean       made;
  VsFingerprint  fingerprint;
  guint          decoded;
  GError        *error;
} FingerprintWait;

static void
on_fingerprinted (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FingerprintWait *w = user_data;

  w->made = vs_media_service_fingerprint_finish (VS_MEDIA_SERVICE (object), result,
                                                 &w->fingerprint, &w->decoded, &w->error);
  w->done = TRUE;
}

/* @path's fingerprint through @service: TRUE, or FALSE with @error. */
static gboolean
fingerprint_of (VsMediaService  *service,
                const char      *path,
                VsFingerprint   *out,
                guint           *out_decoded,
                GError         **error)
{
  FingerprintWait w = { 0 };

  vs_media_service_fingerprint_async (service, path, VS_JOB_PRIORITY_VISIBLE, NULL,
                                      on_fingerprinted, &w);
  spin (&w.done);
  g_assert_true (w.made == (w.error == NULL));
  if (w.error != NULL)
    {
      g_propagate_error (error, w.error);
      return FALSE;
    }
  *out = w.fingerprint;
  if (out_decoded != NULL)
    *out_decoded = w.decoded;
  return TRUE;
}

/* A real file's fingerprint through the helpers, the same on a second run; a file that is
 * no video, a helper that crashes, one that hangs and one that answers garbage: errors. */
static void
test_fingerprint (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *clip = g_build_filename (f->dir, "clip.mp4", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "junk.mkv", NULL);
  g_autoptr(VsMediaService) service = NULL;
  g_autoptr(GError) error = NULL;
  VsFingerprint first = { 0 }, second = { 0 };
  guint decoded = 0;

  if (!vs_test_media_require ((const char *[]) { "x264enc", "mp4mux", NULL }))
    return;
  vs_test_media_moving (clip, "smpte", 20, 320, 240, 0);
  vs_test_media_random (junk, 65536);
  service = vs_media_service_new (2, 0);

  g_assert_true (fingerprint_of (service, clip, &first, &decoded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first.n_frames, ==, VS_FINGERPRINT_FRAMES);
  g_assert_cmpint (ABS (first.duration_ms - 20000), <=, 100);
  g_assert_cmpuint (decoded, >=, VS_FINGERPRINT_FRAMES);
  /* a moving picture: some frames are not flat, and they differ */
  g_assert_cmpuint (first.flat_mask, !=, (1u << VS_FINGERPRINT_FRAMES) - 1);
  g_assert_cmpuint (first.frames[2], !=, first.frames[5]);

  g_assert_true (fingerprint_of (service, clip, &second, NULL, &error));
  g_assert_cmpmem (&first, sizeof first, &second, sizeof second);
  g_assert_cmpint (vs_fingerprint_distance (&first, &second), ==, 0);

  g_assert_false (fingerprint_of (service, junk, &second, NULL, &error));
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_CRASHED));
  g_clear_error (&error);

  /* Helpers of the fakes below: a new service each, whose helper starts with them. */
  {
    g_autoptr(VsMediaService) crashing = NULL;
    g_autoptr(VsMediaService) lying = NULL;
    g_autoptr(VsMediaService) stuck = NULL;

    fake_helper (f, "read request; kill -SEGV $$");
    crashing = vs_media_service_new (1, 0);
    g_assert_false (fingerprint_of (crashing, clip, &second, NULL, &error));
    g_assert_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_CRASHED);
    g_clear_error (&error);

    /* An answer is untrusted: a fingerprint that is not one is garbage, not a result. */
    fake_helper (f, "while read request; do\n"
                    "  echo '{\"ok\":true,\"fingerprint\":\"5646zz\",\"decoded\":16}'\n"
                    "done");
    lying = vs_media_service_new (1, 0);
    g_assert_false (fingerprint_of (lying, clip, &second, NULL, &error));
    g_assert_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_FAILED);
    g_clear_error (&error);

    /* Stuck: killed at the time limit (twice a file's). */
    fake_helper (f, "exec sleep 60");
    stuck = vs_media_service_new (1, 300);
    g_assert_false (fingerprint_of (stuck, clip, &second, NULL, &error));
    g_assert_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_TIMEOUT);
  }
}

static void
scan (VsDatabase *db,
      const char *root)
{
  g_autoptr(VsScanner) scanner = vs_scanner_new (db);
  g_autoptr(GError) error = NULL;
  const char *roots[] = { root, NULL };

  g_assert_true (vs_scanner_scan (scanner, roots, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static gint64
id_of (VsDatabase *db,
       const char *path)
{
  g_autoptr(VsVideoRecord) record = vs_database_lookup_video (db, path, NULL);

  g_assert_nonnull (record);
  return record->id;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The groups at medium, each as its videos' names in order ("a b"), the groups joined by
 * "|" in their order. */
static char *
groups_of (VsDatabase *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = vs_database_list_duplicate_groups (db,
                                                                   VS_DUPLICATE_SENSITIVITY_MEDIUM,
                                                                   &error);
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < groups->len; i++)
    {
      const VsDuplicateGroup *group = g_ptr_array_index (groups, i);
      g_autoptr(GPtrArray) records = vs_database_load_videos (db, (const gint64 *) (gpointer)
                                                              group->ids->data, group->ids->len,
                                                              &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      g_assert_no_error (error);
      for (guint j = 0; j < records->len; j++)
        {
          const VsVideoRecord *r = g_ptr_array_index (records, j);

          g_ptr_array_add (names, g_path_get_basename (r->path));
        }
      g_ptr_array_sort (names, compare_names);
      g_ptr_array_add (names, NULL);
      if (i > 0)
        g_string_append (text, "|");
      {
        g_autofree char *joined = g_strjoinv (" ", (char **) names->pdata);

        g_string_append (text, joined);
      }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_fingerprints (VsMediaService *service,
                     VsDatabase     *db,
                     UpdateWait     *u)
{
  memset (u, 0, sizeof *u);
  vs_media_service_update_async (service, db, NULL,
                                 VS_UPDATE_PROBE | VS_UPDATE_THUMBNAILS | VS_UPDATE_FINGERPRINTS,
                                 VS_THUMBNAIL_SIZE_NORMAL, NULL, on_updated, u);
  spin (&u->done);
  g_assert_no_error (u->error);
}

/* The update pass's fingerprints: of two exact copies one is decoded, the other takes its
 * fingerprint; a re-encode is paired after the matching, a distinct video is not; a file
 * that changes is pending again and loses its pairs until the next pass. */
static void
test_fingerprint_update (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *lib = g_build_filename (f->dir, "lib", NULL);
  g_autofree char *a = g_build_filename (lib, "a.mp4", NULL);
  g_autofree char *copy = g_build_filename (lib, "a copy.mp4", NULL);
  g_autofree char *low = g_build_filename (lib, "a low.mp4", NULL);
  g_autofree char *other = g_build_filename (lib, "other.mp4", NULL);
  g_autofree char *junk = g_build_filename (lib, "junk.mp4", NULL);
  g_autofree char *db_path = g_build_filename (f->dir, "library.db", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *groups = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(VsMediaService) service = NULL;
  g_autoptr(GError) error = NULL;
  VsFingerprint fa, fcopy;
  gboolean found = FALSE;
  gint64 made = 0, pending = 0, pending_before = 0;
  gsize length = 0;
  UpdateWait u = { 0 };
  struct utimbuf times = { 1700000000, 1700000000 };

  if (!vs_test_media_require ((const char *[]) { "x264enc", "mp4mux", NULL }))
    return;
  g_assert_cmpint (g_mkdir_with_parents (lib, 0755), ==, 0);
  vs_test_media_moving (a, "smpte", 20, 320, 240, 0);
  g_assert_true (g_file_get_contents (a, &contents, &length, NULL));
  vs_test_write_file (copy, contents, (gssize) length);
  vs_test_media_moving (low, "smpte", 20, 320, 240, 150);
  vs_test_media_moving (other, "pinwheel", 20, 320, 240, 0);
  /* the same size as a: a content hash is read, and tells them apart */
  vs_test_media_random (junk, length);

  db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  scan (db, lib);
  service = vs_media_service_new (2, 0);
  update_fingerprints (service, db, &u);
  g_assert_cmpuint (u.summary.thumb_failed, ==, 1);      /* the junk: never fingerprinted */
  g_assert_cmpuint (u.summary.fingerprints_made, ==, 3);
  g_assert_cmpuint (u.summary.fingerprints_copied, ==, 1);
  g_assert_cmpuint (u.summary.fingerprints_failed, ==, 0);
  /* a and its copy (exact), each with the low-bitrate one */
  g_assert_cmpuint (u.summary.duplicate_pairs, ==, 3);
  g_assert_true (vs_database_get_fingerprint (db, id_of (db, a), &fa, &found, &error));
  g_assert_true (found);
  g_assert_true (vs_database_get_fingerprint (db, id_of (db, copy), &fcopy, &found, &error));
  g_assert_true (found);
  g_assert_cmpmem (&fa, sizeof fa, &fcopy, sizeof fcopy);
  g_assert_true (vs_database_count_fingerprints (db, &made, &pending_before, &error));
  g_assert_cmpint (made, ==, 4);
  groups = groups_of (db);
  g_assert_cmpstr (groups, ==, "a copy.mp4 a low.mp4 a.mp4");

  /* Nothing left: a second pass decodes nothing and finds no new pair. */
  update_fingerprints (service, db, &u);
  g_assert_cmpuint (u.summary.fingerprints_made + u.summary.fingerprints_copied +
                    u.summary.fingerprints_failed + u.summary.duplicate_pairs, ==, 0);

  /* The low-bitrate file changes: pending again, its pairs gone, the exact pair kept. */
  g_assert_cmpint (utime (low, &times), ==, 0);
  scan (db, lib);
  g_assert_true (vs_database_count_fingerprints (db, &made, &pending, &error));
  g_assert_cmpint (made, ==, 3);
  g_assert_cmpint (pending, ==, pending_before + 1);
  g_clear_pointer (&groups, g_free);
  groups = groups_of (db);
  g_assert_cmpstr (groups, ==, "a copy.mp4 a.mp4");

  update_fingerprints (service, db, &u);
  g_assert_cmpuint (u.summary.fingerprints_made, ==, 1);
  g_assert_cmpuint (u.summary.fingerprints_copied, ==, 0);
  g_assert_cmpuint (u.summary.duplicate_pairs, ==, 2);
  g_clear_pointer (&groups, g_free);
  groups = groups_of (db);
  g_assert_cmpstr (groups, ==, "a copy.mp4 a low.mp4 a.mp4");
}

/* Requests our own side never sends: each gets an error line, none a critical. */
static void
test_bad_requests (void)
{
  static const char requests[] =
    "\n"
    "[]\n"
    "not json\n"
    "{\"op\":[1],\"uri\":\"file:///x.mp4\"}\n"
    "{\"op\":\"probe\",\"uri\":{}}\n"
    "{\"op\":\"thumbnail\",\"uri\":\"file:///nonexistent.mp4\",\"size\":[],\"output\":{}}\n"
    "{\"op\":\"probe\"}\n"
    "{\"op\":\"filmstrip\",\"uri\":\"file:///nonexistent.mp4\",\"budget\":\"x\",\"replace\":[]}\n"
    "{\"op\":\"filmstrip\",\"uri\":\"file:///nonexistent.mp4\",\"output\":\"no uri\"}\n"
    "{\"op\":\"fingerprint\",\"uri\":\"file:///nonexistent.mp4\"}\n";
  g_autofree char *helper = vs_media_worker_find_helper ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_nonnull (helper);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, helper, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, requests, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 11);   /* ten answers and the last newline */
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(GError) line_error = NULL;
      g_autoptr(JsonObject) response = vs_media_worker_parse_response (lines[i], &line_error);

      g_assert_null (response);
      g_assert_nonnull (line_error);
      g_assert_false (g_error_matches (line_error, VS_MEDIA_WORKER_ERROR,
                                       VS_MEDIA_WORKER_ERROR_FAILED) &&
                      g_str_equal (line_error->message, "The media helper sent garbage"));
    }
  g_assert_cmpstr (lines[10], ==, "");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = vs_test_make_tmpdir ();
  int status;

  /* A private thumbnail cache, inherited by the helpers. Not ISOLATE_DIRS: the scanner
   * needs shared-mime-info from XDG_DATA_DIRS. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/media/probe-and-thumbnail", test_probe_and_thumbnail);
  ADD ("/media/time-limit", test_time_limit);
  ADD ("/media/crash", test_crash);
  ADD ("/media/cancel", test_cancel);
  ADD ("/media/update", test_update);
  ADD ("/media/killed-mid-write", test_killed_mid_write);
  ADD ("/media/cancel-many", test_cancel_many);
  ADD ("/media/sweep-at-start", test_sweep_at_start);
  ADD ("/media/filmstrip/cache", test_filmstrip_cache);
  ADD ("/media/filmstrip/eviction", test_filmstrip_eviction);
  ADD ("/media/filmstrip/update", test_filmstrip_update);
  ADD ("/media/fingerprint", test_fingerprint);
  ADD ("/media/fingerprint/update", test_fingerprint_update);
#undef ADD
  g_test_add_func ("/media/helper-bad-requests", test_bad_requests);

  status = g_test_run ();
  vs_test_rm_rf (cache);
  return status;
}
