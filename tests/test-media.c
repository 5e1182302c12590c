/* Media work through the pool of helper processes: results, reuse, time limit, crashes,
 * cancellation, and library updates. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The library command: every unprobed file probed, every missing thumbnail made, results
 * in the index; a second run finds nothing to do. */
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
  vs_media_service_update_async (service, db, NULL, VS_UPDATE_PROBE | VS_UPDATE_THUMBNAILS,
                                 VS_THUMBNAIL_SIZE_NORMAL, NULL, on_updated, &u);
  spin (&u.done);
  g_assert_no_error (u.error);
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
    "{\"op\":\"probe\"}\n";
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
  g_assert_cmpuint (g_strv_length (lines), ==, 8);   /* seven answers and the last newline */
  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(GError) line_error = NULL;
      g_autoptr(JsonObject) response = vs_media_worker_parse_response (lines[i], &line_error);

      g_assert_null (response);
      g_assert_nonnull (line_error);
      g_assert_false (g_error_matches (line_error, VS_MEDIA_WORKER_ERROR,
                                       VS_MEDIA_WORKER_ERROR_FAILED) &&
                      g_str_equal (line_error->message, "The media helper sent garbage"));
    }
  g_assert_cmpstr (lines[7], ==, "");
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
#undef ADD
  g_test_add_func ("/media/helper-bad-requests", test_bad_requests);

  status = g_test_run ();
  vs_test_rm_rf (cache);
  return status;
}
