/* SPDX-License-Identifier: GPL-3.0-or-later */
/* stress-library.c: every part of the core at once, over a tree that keeps changing
 *
 * Actors run side by side for $VIDSHELF_STRESS_SECONDS (60 by default): a mutator
 * creating, rewriting, renaming and deleting files and folders; a scanner rescanning;
 * probes and thumbnails through the media service (its helpers), as the window runs
 * them, sharing the scanner's writer; list queries on another connection; the folder
 * watcher. Then the tree
 * holds still, one last scan runs, and the index must list exactly the files on disk, each
 * once. No actor may see an error, no warning may say the database was busy or locked,
 * and every actor must stop when asked (a deadlock fails the test by name). The folder
 * watcher runs too, on the same writer, as the window runs it.
 *
 * An actor is one function in the actors[] table: adding one is a function and a line.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>

#include "vs-database.h"
#include "vs-library-watcher.h"
#include "vs-media-service.h"
#include "vs-scanner.h"
#include "vs-test-media.h"
#include "vs-test-utils.h"

#define N_FOLDERS 12
#define STOP_GRACE_S 120

typedef struct _Stress Stress;
typedef struct _Actor Actor;

struct _Actor
{
  const char *name;
  void      (*run) (Stress *s,
                    Actor  *self);
  /* written by the actor's thread */
  guint       iterations;
  guint       items;     /* changes made or indexed, files probed or thumbnailed, rows
                          * listed, folders watched */
  int         done;
  char       *failure;   /* the first error it saw */
  GThread    *thread;
  Stress     *stress;
};

struct _Stress
{
  char         *dir;
  char         *root;
  char         *db_path;
  VsDatabase   *writer;     /* shared, as the window shares it */
  GCancellable *stop;
  int           mutating;   /* the mutator runs while set */
  GBytes       *media;      /* a real video, copied in now and then */
};

/* Set when any thread logs that the database was busy or locked: an actor may have
 * swallowed the error into a warning (the watcher reports its rescans that way). */
static int busy_logged;

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 &&
        (strstr (fields[i].value, "locked") != NULL ||
         strstr (fields[i].value, "in use by another program") != NULL))
      g_atomic_int_set (&busy_logged, TRUE);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
actor_fail (Actor        *a,
            const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (a->failure == NULL)
    a->failure = g_strdup_printf ("%s (%s %d)", error->message,
                                  g_quark_to_string (error->domain), error->code);
}

/* ---- the mutator -------------------------------------------------------------------- */

static char *
random_file (Stress *s)
{
  return g_strdup_printf ("%s/f%02d/clip%03d.mp4", s->root, g_random_int_range (0, N_FOLDERS),
                          g_random_int_range (0, 60));
}

static void
write_media (Stress     *s,
             const char *path,
             gboolean    real)
{
  g_autofree char *dir = g_path_get_dirname (path);
  gsize length = 0;
  const char *data = g_bytes_get_data (s->media, &length);
  g_autofree char *junk = g_strnfill ((gsize) g_random_int_range (1, 4096), 'j');

  g_mkdir_with_parents (dir, 0755);
  /* Not atomically: the scanner and the helpers may meet a half-written file. */
  g_file_set_contents_full (path, real ? data : junk, real ? (gssize) length : -1,
                            G_FILE_SET_CONTENTS_NONE, 0644, NULL);
}

static void
mutate_once (Stress *s)
{
  g_autofree char *path = random_file (s);
  g_autofree char *other = random_file (s);

  switch (g_random_int_range (0, 6))
    {
    case 0:
    case 1:
      write_media (s, path, g_random_int_range (0, 8) == 0);
      break;
    case 2:
      g_unlink (path);
      break;
    case 3:
      g_rename (path, other);
      break;
    case 4:
      {
        g_autofree char *dir = g_path_get_dirname (path);
        g_autofree char *sub = g_build_filename (dir, "sub", NULL);
        g_autofree char *moved = g_strconcat (dir, "-moved", NULL);

        /* whole folders appear, move and vanish */
        if (g_random_boolean ())
          {
            g_autofree char *inner = g_build_filename (sub, "inner.mkv", NULL);

            write_media (s, inner, FALSE);
          }
        else if (g_rename (dir, moved) == 0)
          {
            g_rename (moved, dir);
          }
        else
          vs_test_rm_rf (sub);
        break;
      }
    case 5:
      {
        struct utimbuf times = { 0 };

        times.actime = times.modtime = g_random_int_range (1000000, 2000000000);
        g_utime (path, &times);
        break;
      }
    default:
      g_assert_not_reached ();
    }
}

static void
run_mutator (Stress *s,
             Actor  *a)
{
  while (g_atomic_int_get (&s->mutating))
    {
      mutate_once (s);
      a->iterations++;
      a->items++;
      g_usleep (g_random_int_range (200, 3000));
    }
}

/* ---- the scanner -------------------------------------------------------------------- */

static void
run_scanner (Stress *s,
             Actor  *a)
{
  g_autoptr(VsScanner) scanner = vs_scanner_new (s->writer);
  const char *roots[] = { s->root, NULL };

  while (!g_cancellable_is_cancelled (s->stop))
    {
      g_autoptr(GError) error = NULL;
      VsScanSummary summary = { 0 };

      if (!vs_scanner_scan (scanner, roots, &summary, NULL, NULL, s->stop, &error))
        actor_fail (a, error);
      a->iterations++;
      a->items += summary.added + summary.updated + summary.removed;
    }
}

/* ---- probes and thumbnails, as the window runs them ------------------------------------- */

typedef struct
{
  gboolean         done;
  gboolean         ok;
  GError          *error;
  VsUpdateSummary  summary;
} Update;

static void
on_updated (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Update *u = user_data;

  u->ok = vs_media_service_update_finish (VS_MEDIA_SERVICE (object), result, &u->summary,
                                          &u->error);
  u->done = TRUE;
}

static void
run_updates (Stress        *s,
             Actor         *a,
             VsUpdateFlags  flags)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(VsMediaService) service = NULL;
  g_autoptr(VsDatabase) reader = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (context);
  service = vs_media_service_new (2, 5000);
  reader = vs_database_open (s->db_path, VS_DATABASE_MODE_READER, &error);
  if (reader == NULL)
    actor_fail (a, error);
  while (reader != NULL && !g_cancellable_is_cancelled (s->stop))
    {
      Update u = { 0 };

      vs_media_service_update_async (service, s->writer, reader, flags,
                                     VS_THUMBNAIL_SIZE_NORMAL, s->stop, on_updated, &u);
      while (!u.done)
        g_main_context_iteration (context, TRUE);
      if (!u.ok)
        actor_fail (a, u.error);
      g_clear_error (&u.error);
      a->iterations++;
      a->items += u.summary.probed + u.summary.probe_failed + u.summary.thumbnailed +
                  u.summary.thumb_reused + u.summary.thumb_failed;
      /* Nothing pending: wait for the mutator and the scanner to make more. */
      if (u.summary.probed + u.summary.probe_failed + u.summary.thumbnailed +
          u.summary.thumb_failed == 0)
        g_usleep (20000);
    }
  g_clear_object (&service);
  g_main_context_pop_thread_default (context);
}

static void
run_prober (Stress *s,
            Actor  *a)
{
  run_updates (s, a, VS_UPDATE_PROBE);
}

static void
run_thumbnailer (Stress *s,
                 Actor  *a)
{
  run_updates (s, a, VS_UPDATE_THUMBNAILS);
}

/* ---- list queries on their own connection ---------------------------------------------- */

static guint
query_once (VsDatabase *reader,
            Actor      *a)
{
  static const char *searches[] = { NULL, "clip", "1", "inner" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  VsVideoQuery query = { 0 };

  query.sort = (VsSortKey) g_random_int_range (0, 4);
  query.descending = g_random_boolean ();
  query.search = searches[g_random_int_range (0, G_N_ELEMENTS (searches))];
  ids = vs_database_query_ids (reader, &query, &error);
  if (ids == NULL)
    {
      actor_fail (a, error);
      return 0;
    }
  /* One snapshot never lists a row twice. */
  for (guint i = 0; i < ids->len; i++)
    if (!g_hash_table_add (seen, &g_array_index (ids, gint64, i)))
      {
        g_autoptr(GError) dup = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                             "row %" G_GINT64_FORMAT " listed twice",
                                             g_array_index (ids, gint64, i));
        actor_fail (a, dup);
      }
  /* A page as the grid loads it; rows deleted since are simply missing. */
  page = vs_database_load_videos (reader, (const gint64 *) (gpointer) ids->data,
                                  MIN (ids->len, 200), &error);
  if (page == NULL)
    actor_fail (a, error);
  if (vs_database_count_videos (reader, &query, &error) < 0)
    actor_fail (a, error);
  return ids->len;
}

static void
run_lister (Stress *s,
            Actor  *a)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsDatabase) reader = vs_database_open (s->db_path, VS_DATABASE_MODE_READER, &error);

  if (reader == NULL)
    actor_fail (a, error);
  while (reader != NULL && !g_cancellable_is_cancelled (s->stop))
    {
      a->items += query_once (reader, a);
      a->iterations++;
    }
}

/* ---- the folder watcher, as the window runs it ------------------------------------------ */

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
run_watcher (Stress *s,
             Actor  *a)
{
  /* The watcher's timers use the global default context, as in the window: this thread
   * runs it (the main thread only waits). */
  GMainContext *context = g_main_context_default ();
  g_autoptr(VsLibraryWatcher) watcher = NULL;
  g_autoptr(GSource) tick = g_timeout_source_new (50);

  g_source_set_callback (tick, wake_up, NULL, NULL);
  g_source_attach (tick, context);
  watcher = vs_library_watcher_new (s->writer);
  vs_library_watcher_add_root (watcher, s->root);
  while (!g_cancellable_is_cancelled (s->stop))
    g_main_context_iteration (context, TRUE);
  a->iterations = vs_library_watcher_get_n_rescans (watcher);
  a->items = vs_library_watcher_get_n_monitors (watcher);
  vs_library_watcher_stop (watcher);
  while (vs_library_watcher_get_busy (watcher))
    g_main_context_iteration (context, TRUE);
  g_clear_object (&watcher);
  g_source_destroy (tick);
}

/* ---- the run ------------------------------------------------------------------------ */

static Actor actors[] = {
  { "mutator", run_mutator },
  { "scanner", run_scanner },
  { "prober", run_prober },
  { "thumbnailer", run_thumbnailer },
  { "lister", run_lister },
  { "watcher", run_watcher },
};

static gpointer
actor_thread (gpointer data)
{
  Actor *a = data;

  a->run (a->stress, a);
  g_atomic_int_set (&a->done, TRUE);
  return NULL;
}

static void
collect_disk (const char *folder,
              GHashTable *paths)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_disk (path, paths);
      else if (vs_scanner_is_video_name (name))
        g_hash_table_add (paths, g_steal_pointer (&path));
    }
}

/* The index lists each file on disk once, and nothing else. */
static void
assert_index_matches_disk (Stress *s)
{
  g_autoptr(GHashTable) on_disk = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) indexed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) records = NULL;
  VsVideoQuery all = { 0 };
  GHashTableIter iter;
  gpointer path;

  collect_disk (s->root, on_disk);
  ids = vs_database_query_ids (s->writer, &all, &error);
  g_assert_no_error (error);
  records = vs_database_load_videos (s->writer, (const gint64 *) (gpointer) ids->data, ids->len,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, ids->len);
  for (guint i = 0; i < records->len; i++)
    {
      VsVideoRecord *r = g_ptr_array_index (records, i);

      if (!g_hash_table_add (indexed, r->path))
        g_error ("%s is indexed twice", r->path);
      if (!g_hash_table_contains (on_disk, r->path))
        g_error ("%s is indexed but gone", r->path);
    }
  g_hash_table_iter_init (&iter, on_disk);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    if (!g_hash_table_contains (indexed, path))
      g_error ("%s is on disk but not indexed", (const char *) path);
  g_test_message ("%u files on disk, %u rows, all matching", g_hash_table_size (on_disk),
                  ids->len);
}

static void
wait_for_actor (Actor *a)
{
  gint64 deadline = g_get_monotonic_time () + STOP_GRACE_S * G_USEC_PER_SEC;

  while (!g_atomic_int_get (&a->done))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("actor %s did not stop within %d s: deadlocked?", a->name, STOP_GRACE_S);
      g_usleep (10000);
    }
  g_thread_join (g_steal_pointer (&a->thread));
}

static void
test_stress (void)
{
  static const char *const elements[] = {
    "x264enc", "h264parse", "mp4mux", "avenc_aac", "aacparse", NULL
  };
  const char *seconds_env = g_getenv ("VIDSHELF_STRESS_SECONDS");
  guint seconds = seconds_env != NULL ? (guint) g_ascii_strtoull (seconds_env, NULL, 10) : 60;
  g_autofree char *media = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  Stress s = { 0 };
  gboolean failed = FALSE;

  if (!vs_test_media_require (elements))
    return;
  s.dir = vs_test_make_tmpdir ();
  s.root = g_build_filename (s.dir, "library", NULL);
  s.db_path = g_build_filename (s.dir, "library.db", NULL);
  s.stop = g_cancellable_new ();
  media = g_build_filename (s.dir, "real.mp4", NULL);
  vs_test_media_mp4 (media, "ball");
  g_assert_true (g_file_get_contents (media, &contents, &length, NULL));
  s.media = g_bytes_new_take (g_steal_pointer (&contents), length);
  for (guint i = 0; i < 200; i++)
    mutate_once (&s);
  s.writer = vs_database_open (s.db_path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);

  g_atomic_int_set (&s.mutating, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (actors); i++)
    {
      actors[i].stress = &s;
      actors[i].thread = g_thread_new (actors[i].name, actor_thread, &actors[i]);
    }
  g_usleep ((gulong) seconds * G_USEC_PER_SEC);

  /* The tree holds still first, so the last scans see its final state. */
  g_atomic_int_set (&s.mutating, FALSE);
  wait_for_actor (&actors[0]);
  g_cancellable_cancel (s.stop);
  for (guint i = 1; i < G_N_ELEMENTS (actors); i++)
    wait_for_actor (&actors[i]);

  for (guint i = 0; i < G_N_ELEMENTS (actors); i++)
    {
      g_test_message ("%s: %u rounds, %u items%s%s", actors[i].name, actors[i].iterations,
                      actors[i].items,
                      actors[i].failure != NULL ? ", failed: " : "",
                      actors[i].failure != NULL ? actors[i].failure : "");
      failed |= actors[i].failure != NULL || actors[i].iterations == 0;
    }
  g_assert_false (failed);
  g_assert_false (g_atomic_int_get (&busy_logged));

  {
    g_autoptr(VsScanner) scanner = vs_scanner_new (s.writer);
    const char *roots[] = { s.root, NULL };

    g_assert_true (vs_scanner_scan (scanner, roots, NULL, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  assert_index_matches_disk (&s);

  for (guint i = 0; i < G_N_ELEMENTS (actors); i++)
    g_clear_pointer (&actors[i].failure, g_free);
  g_clear_object (&s.writer);
  g_clear_object (&s.stop);
  g_clear_pointer (&s.media, g_bytes_unref);
  vs_test_rm_rf (s.dir);
  g_free (s.dir);
  g_free (s.root);
  g_free (s.db_path);
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
  /* The scanner reports skipped (vanished, half-written) files as warnings. */
  vs_test_allow_warnings ();
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_test_add_func ("/stress/library", test_stress);
  status = g_test_run ();
  vs_test_rm_rf (cache);
  return status;
}
