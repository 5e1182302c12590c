/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-media-service.c: media jobs on a VsJobPool whose workers each drive a helper */
#define G_LOG_DOMAIN "vs-media-service"

#include "config.h"

#include <glib/gstdio.h>

#include "vs-media-service.h"
#include "vs-media-worker.h"
#include "vs-path.h"

/* Library updates keep this many jobs per worker in flight: enough to never starve a
 * worker, few enough that memory does not grow with the library. */
#define IN_FLIGHT_PER_WORKER 4
#define PAGE_SIZE 128

struct _VsMediaService
{
  GObject    parent_instance;

  VsJobPool *pool;
  guint      timeout_ms;
  int        swept;     /* atomic: the first worker has swept stale temporary files */
  guint64    filmstrip_budget;   /* 0: the default; read when a job is queued, not after */

  GMutex     shared_lock;
  GStrv      shared_roots;  /* under shared_lock: roots whose thumbnails are shared */
};

G_DEFINE_FINAL_TYPE (VsMediaService, vs_media_service, G_TYPE_OBJECT)

enum {
  UPDATE_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* An update pass's filmstrips, shared by its jobs on the pool threads: the pass stops
 * making them once the cache holds its budget, instead of evicting what it made. */
typedef struct
{
  GMutex   lock;
  guint64  budget;
  guint64  bytes;      /* what the cache holds: counted by the first job, then added to */
  gboolean counted;
  gboolean reached;
} FilmstripPass;

static FilmstripPass *
filmstrip_pass_new (guint64 budget)
{
  FilmstripPass *pass = g_atomic_rc_box_new0 (FilmstripPass);

  g_mutex_init (&pass->lock);
  pass->budget = budget;
  return pass;
}

static void
filmstrip_pass_clear (gpointer data)
{
  FilmstripPass *pass = data;

  g_mutex_clear (&pass->lock);
}

static void
filmstrip_pass_unref (FilmstripPass *pass)
{
  g_atomic_rc_box_release_full (pass, filmstrip_pass_clear);
}

/* Whether the pass may make one more filmstrip. */
static gboolean
filmstrip_pass_has_room (FilmstripPass *pass)
{
  gboolean room;

  g_mutex_lock (&pass->lock);
  if (!pass->counted)
    {
      pass->bytes = vs_filmstrip_cache_get_bytes ();
      pass->counted = TRUE;
    }
  if (pass->bytes >= pass->budget)
    pass->reached = TRUE;
  room = !pass->reached;
  g_mutex_unlock (&pass->lock);
  return room;
}

static void
filmstrip_pass_add (FilmstripPass *pass,
                    guint64        bytes)
{
  g_mutex_lock (&pass->lock);
  pass->bytes += bytes;
  if (pass->bytes >= pass->budget)
    pass->reached = TRUE;
  g_mutex_unlock (&pass->lock);
}

static gboolean
filmstrip_pass_reached (FilmstripPass *pass)
{
  gboolean reached;

  g_mutex_lock (&pass->lock);
  reached = pass->reached;
  g_mutex_unlock (&pass->lock);
  return reached;
}

/* An update pass's fingerprints, shared by its jobs on the pool threads: exact copies of
 * one another (same size, then same content hash) must not all be decoded at once, so a
 * job waits while a file of its size is being decoded, then takes its twin's fingerprint
 * (vs_database_copy_twin_fingerprint()) or, when it has none, decodes. */
typedef struct
{
  GMutex      lock;
  GCond       cond;
  GHashTable *decoding;   /* gint64 sizes of the files being decoded */
} TwinPass;

static TwinPass *
twin_pass_new (void)
{
  TwinPass *pass = g_atomic_rc_box_new0 (TwinPass);

  g_mutex_init (&pass->lock);
  g_cond_init (&pass->cond);
  pass->decoding = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  return pass;
}

static void
twin_pass_clear (gpointer data)
{
  TwinPass *pass = data;

  g_hash_table_unref (pass->decoding);
  g_cond_clear (&pass->cond);
  g_mutex_clear (&pass->lock);
}

static void
twin_pass_unref (TwinPass *pass)
{
  g_atomic_rc_box_release_full (pass, twin_pass_clear);
}

/* Takes an exact copy's fingerprint for @video_id (@out_copied), or else claims @size for
 * decoding; release it with twin_pass_release(). */
static gboolean
twin_pass_claim (TwinPass    *pass,
                 VsDatabase  *writer,
                 gint64       video_id,
                 gint64       size,
                 gboolean    *out_copied,
                 GError     **error)
{
  gboolean ok;

  g_mutex_lock (&pass->lock);
  for (;;)
    {
      ok = vs_database_copy_twin_fingerprint (writer, video_id, out_copied, error);
      if (!ok || *out_copied || !g_hash_table_contains (pass->decoding, &size))
        break;
      g_cond_wait (&pass->cond, &pass->lock);
    }
  if (ok && !*out_copied)
    g_hash_table_add (pass->decoding, g_memdup2 (&size, sizeof size));
  g_mutex_unlock (&pass->lock);
  return ok;
}

static void
twin_pass_release (TwinPass *pass,
                   gint64    size)
{
  g_mutex_lock (&pass->lock);
  g_hash_table_remove (pass->decoding, &size);
  g_cond_broadcast (&pass->cond);
  g_mutex_unlock (&pass->lock);
}

typedef enum
{
  JOB_PROBE,
  JOB_THUMBNAIL,
  JOB_FILMSTRIP,
  JOB_FINGERPRINT,
  JOB_CONTENT_HASH,   /* an update pass's: read here, no helper */
} JobKind;

typedef struct
{
  JobKind          kind;
  char            *path;
  VsThumbnailSize  size;
  char            *output;
  gboolean         replace;    /* an existing output */
  guint64          budget;     /* a filmstrip's: the cache is trimmed to it after (0: not) */
  gboolean         shared;     /* its root shares thumbnails (.sh_thumbnails) */
  VsDatabase      *writer;     /* when set, the result is saved for video_id */
  gint64           video_id;
  gint            *swept;      /* the service's: the cache's temporary files were swept */
  FilmstripPass   *pass;       /* an update pass's filmstrip: its budget */
  TwinPass        *twins;      /* an update pass's fingerprint */
  gint64           file_size;  /* with twins */
} MediaJob;

typedef struct
{
  VsProbeResult *probe;
  char          *thumbnail;   /* or the filmstrip */
  gboolean       reused;
  gboolean       skipped;     /* an update pass's filmstrip not made: the cache is full */
  guint          decoded;     /* a filmstrip's frames given to the decoder */
  guint64        bytes;       /* a filmstrip made now: its file's size */
  VsFingerprint  fingerprint;
  gboolean       copied;      /* an update pass's fingerprint taken from an exact copy */
} MediaResult;

static void
media_job_free (gpointer data)
{
  MediaJob *job = data;

  g_free (job->path);
  g_free (job->output);
  g_clear_object (&job->writer);
  g_clear_pointer (&job->pass, filmstrip_pass_unref);
  g_clear_pointer (&job->twins, twin_pass_unref);
  g_free (job);
}

static gpointer
media_result_copy (gpointer data)
{
  MediaResult *r = data, *copy = g_new0 (MediaResult, 1);

  copy->probe = r->probe ? vs_probe_result_copy (r->probe) : NULL;
  copy->thumbnail = g_strdup (r->thumbnail);
  copy->reused = r->reused;
  copy->skipped = r->skipped;
  copy->decoded = r->decoded;
  copy->bytes = r->bytes;
  copy->fingerprint = r->fingerprint;
  copy->copied = r->copied;
  return copy;
}

static void
media_result_free (gpointer data)
{
  MediaResult *r = data;

  g_clear_pointer (&r->probe, vs_probe_result_free);
  g_free (r->thumbnail);
  g_free (r);
}

/* On a pool thread, before its first job. */
static gpointer
worker_new (gpointer user_data)
{
  VsMediaService *self = user_data;

  return vs_media_worker_new (self->timeout_ms);
}

/* For a file whose root shares thumbnails, after the personal cache gave @state: a valid
 * personal thumbnail the share lacks is copied there (sharing turned on for a library
 * already made); a valid shared one is used as it is, from the share (another computer
 * made it). */
static VsThumbnailState
check_shared (MediaJob         *job,
              gint64            mtime,
              VsThumbnailState  state,
              MediaResult      *r)
{
  g_autofree char *shared = NULL;
  VsThumbnailState shared_state = vs_thumbnail_lookup_shared (job->path, mtime, job->size,
                                                              &shared);

  if (state == VS_THUMBNAIL_VALID && shared_state != VS_THUMBNAIL_VALID)
    {
      g_autoptr(GError) error = NULL;

      if (!vs_thumbnail_share (job->path, r->thumbnail, job->size, &error))
        g_debug ("Not shared: %s", error->message);
    }
  else if (state != VS_THUMBNAIL_VALID && shared_state == VS_THUMBNAIL_VALID)
    {
      g_free (r->thumbnail);
      r->thumbnail = g_steal_pointer (&shared);
      return VS_THUMBNAIL_VALID;
    }
  return state;
}

/* The file a job is about: its canonical path's URI (as the thumbnailer and file managers
 * name it) and its stat, or FALSE when it is gone. */
static char *
job_source (MediaJob  *job,
            GStatBuf  *st,
            GError   **error)
{
  g_autofree char *canonical = g_canonicalize_filename (job->path, NULL);
  g_autofree char *uri = g_filename_to_uri (canonical, NULL, error);

  if (uri == NULL)
    return NULL;
  if (g_stat (job->path, st) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "The file is gone");
      return NULL;
    }
  return g_steal_pointer (&uri);
}

/* The cache's verdict before any decoding: reuse, refuse, or go ahead. */
static gboolean
check_cache (MediaJob     *job,
             MediaResult  *r,
             GError      **error)
{
  g_autofree char *uri = NULL;
  VsThumbnailState state;
  GStatBuf st;

  if ((uri = job_source (job, &st, error)) == NULL)
    return FALSE;
  state = vs_thumbnail_lookup (uri, st.st_mtime, job->size, &r->thumbnail);
  if (job->shared)
    state = check_shared (job, st.st_mtime, state, r);
  switch (state)
    {
    case VS_THUMBNAIL_VALID:
      r->reused = TRUE;
      return TRUE;
    case VS_THUMBNAIL_FAILED:
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_FAILED,
                   "No thumbnail could be made before, and the file has not changed since");
      return FALSE;
    case VS_THUMBNAIL_MISSING:
    case VS_THUMBNAIL_STALE:
    default:
      g_clear_pointer (&r->thumbnail, g_free);
      return TRUE;
    }
}

/* The same for a filmstrip: a valid one is reused (and marked used for the cache's LRU
 * order), a fail marker for the file as it is now fails at once. */
static gboolean
check_filmstrip_cache (MediaJob     *job,
                       MediaResult  *r,
                       GError      **error)
{
  g_autofree char *uri = NULL;
  VsFilmstripState state;
  GStatBuf st;

  if ((uri = job_source (job, &st, error)) == NULL)
    return FALSE;
  state = vs_filmstrip_lookup (uri, st.st_mtime, st.st_size, &r->thumbnail);
  if (job->shared)
    {
      /* As for thumbnails: another computer's strip is fetched into the cache; one of
       * ours the share lacks is copied there. */
      VsFilmstripState shared = vs_filmstrip_lookup_shared (job->path, st.st_mtime, st.st_size,
                                                            NULL);
      g_autoptr(GError) share_error = NULL;

      if (state == VS_FILMSTRIP_VALID && shared != VS_FILMSTRIP_VALID)
        {
          if (!vs_filmstrip_share (job->path, r->thumbnail, &share_error))
            g_debug ("Filmstrip not shared: %s", share_error->message);
        }
      else if (state != VS_FILMSTRIP_VALID && shared == VS_FILMSTRIP_VALID)
        {
          if (vs_filmstrip_fetch_shared (job->path, uri, &share_error))
            state = VS_FILMSTRIP_VALID;
          else
            g_debug ("Shared filmstrip not used: %s", share_error->message);
        }
    }
  switch (state)
    {
    case VS_FILMSTRIP_VALID:
      vs_filmstrip_touch (r->thumbnail);
      r->reused = TRUE;
      return TRUE;
    case VS_FILMSTRIP_FAILED:
      g_clear_pointer (&r->thumbnail, g_free);
      g_set_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_FAILED,
                   "No filmstrip could be made before, and the file has not changed since");
      return FALSE;
    case VS_FILMSTRIP_PARTIAL:   /* a helper's coarse pass, whose full strip never came */
    case VS_FILMSTRIP_MISSING:
    case VS_FILMSTRIP_STALE:
    default:
      g_clear_pointer (&r->thumbnail, g_free);
      return TRUE;
    }
}

/* After a helper crashed or was killed at the time limit on @path: a fail marker in the
 * cache, so the file is not tried again until it changes. */
static void
write_filmstrip_failure (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_filename_to_uri (canonical, NULL, NULL);
  g_autofree char *marker = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (uri == NULL || g_stat (path, &st) != 0)
    return;
  marker = vs_filmstrip_path (uri);
  if (!vs_filmstrip_save (marker, uri, st.st_mtime, st.st_size, -1, VS_FILMSTRIP_FLAG_FAILED,
                          NULL, 0, 0, 0, NULL, 0, &error))
    g_debug ("No fail marker for %s: %s", path, error->message);
}

static gboolean
run_filmstrip (VsMediaWorker  *worker,
               MediaJob       *job,
               MediaResult    *r,
               GCancellable   *cancellable,
               GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  if (job->output == NULL && !check_filmstrip_cache (job, r, error))
    return FALSE;
  if (r->thumbnail != NULL)
    return TRUE;
  if (job->pass != NULL && !filmstrip_pass_has_room (job->pass))
    {
      r->skipped = TRUE;
      return TRUE;
    }
  r->thumbnail = vs_media_worker_filmstrip (worker, job->path, job->output, job->replace,
                                            job->budget, &r->decoded, cancellable, &local_error);
  if (r->thumbnail == NULL)
    {
      if (job->output == NULL &&
          (g_error_matches (local_error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_TIMEOUT) ||
           g_error_matches (local_error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_CRASHED)))
        write_filmstrip_failure (job->path);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_stat (r->thumbnail, &st) == 0)
    r->bytes = (guint64) st.st_size;
  if (job->pass != NULL)
    filmstrip_pass_add (job->pass, r->bytes);
  if (job->shared)
    {
      /* A read-only share is read, never written: its refusal fails nothing. */
      if (!vs_filmstrip_share (job->path, r->thumbnail, &local_error))
        g_debug ("Filmstrip not shared: %s", local_error->message);
    }
  return TRUE;
}

/* Made by a helper; an update pass's is stored (NULL, failed, when it could not be made:
 * a crash or the time limit included), unless an exact copy gave its own. */
static gboolean
run_fingerprint (VsMediaWorker  *worker,
                 MediaJob       *job,
                 MediaResult    *r,
                 GCancellable   *cancellable,
                 GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  if (job->twins != NULL &&
      !twin_pass_claim (job->twins, job->writer, job->video_id, job->file_size, &r->copied,
                        error))
    return FALSE;
  if (r->copied)
    return TRUE;
  ok = vs_media_worker_fingerprint (worker, job->path, &r->fingerprint, &r->decoded, cancellable,
                                    &local_error);
  /* Cancelled, or no helper at all: the file is not to blame. */
  if (job->writer != NULL && !g_cancellable_is_cancelled (cancellable) &&
      !g_error_matches (local_error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_NO_HELPER))
    {
      g_autoptr(GError) store_error = NULL;

      if (!vs_database_set_fingerprint (job->writer, job->video_id, ok ? &r->fingerprint : NULL,
                                        &store_error))
        g_debug ("Fingerprint of %s not stored: %s", job->path, store_error->message);
    }
  if (job->twins != NULL)
    twin_pass_release (job->twins, job->file_size);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

/* An update pass's: the content hash of a file that may be an exact copy. */
static gboolean
run_content_hash (MediaJob  *job,
                  GError   **error)
{
  guint64 hash;

  if (!vs_fingerprint_content_hash (job->path, &hash, error))
    return FALSE;
  return vs_database_set_content_hash (job->writer, job->video_id, hash, error);
}

static gpointer
run_job (gpointer       worker,
         gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  MediaJob *job = data;
  g_autoptr(GError) local_error = NULL;
  MediaResult *r = g_new0 (MediaResult, 1);
  gboolean ok;

  if (job->kind == JOB_PROBE)
    {
      r->probe = vs_media_worker_probe (worker, job->path, cancellable, &local_error);
      ok = r->probe != NULL;
      if (job->writer != NULL && !g_cancellable_is_cancelled (cancellable))
        vs_database_set_probe_result (job->writer, job->video_id, r->probe, NULL);
    }
  else if (job->kind == JOB_FILMSTRIP)
    {
      if (g_atomic_int_compare_and_exchange (job->swept, 0, 1))
        vs_thumbnail_sweep_temp_files (G_TIME_SPAN_HOUR);
      ok = run_filmstrip (worker, job, r, cancellable, &local_error);
    }
  else if (job->kind == JOB_FINGERPRINT)
    ok = run_fingerprint (worker, job, r, cancellable, &local_error);
  else if (job->kind == JOB_CONTENT_HASH)
    ok = run_content_hash (job, &local_error);
  else
    {
      /* A helper killed by a crash of its parent (or of the whole session) left its
       * temporary files in the shared caches (the filmstrips' included); an hour is far
       * beyond any job's time limit, so nothing older is still being written. Once per
       * service, and only for one that makes thumbnails: a probe needs no listing of the
       * whole cache. */
      if (g_atomic_int_compare_and_exchange (job->swept, 0, 1))
        vs_thumbnail_sweep_temp_files (G_TIME_SPAN_HOUR);
      ok = job->output != NULL || check_cache (job, r, &local_error);
      if (ok && r->thumbnail == NULL)
        {
          r->thumbnail = vs_media_worker_thumbnail (worker, job->path, job->size, job->output,
                                                    job->replace, job->shared, cancellable,
                                                    &local_error);
          ok = r->thumbnail != NULL;
          /* A crash or a kill at the time limit left no marker: leave one, so the file
           * is not tried again until it changes. */
          if (!ok && job->output == NULL &&
              (g_error_matches (local_error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_TIMEOUT) ||
               g_error_matches (local_error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_CRASHED)))
            vs_thumbnail_write_failure (job->path, local_error->message, NULL);
        }
      if (job->writer != NULL && !g_cancellable_is_cancelled (cancellable))
        vs_database_set_thumb_state (job->writer, job->video_id,
                                     ok ? VS_MEDIA_STATE_DONE : VS_MEDIA_STATE_FAILED, NULL);
    }

  if (!ok)
    {
      g_autofree char *name = g_filename_display_name (job->path);

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s: %s", name, local_error->message);
      media_result_free (r);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return r;
}

VsMediaService *
vs_media_service_new (guint n_workers,
                      guint timeout_ms)
{
  VsMediaService *self = g_object_new (VS_TYPE_MEDIA_SERVICE, NULL);

  self->timeout_ms = timeout_ms > 0 ? timeout_ms : 15000;
  self->pool = vs_job_pool_new (n_workers, worker_new, g_object_unref, run_job,
                                media_result_copy, media_result_free, self);
  return self;
}

void
vs_media_service_set_n_workers (VsMediaService *self,
                                guint           n_workers)
{
  g_return_if_fail (VS_IS_MEDIA_SERVICE (self));
  vs_job_pool_set_n_workers (self->pool, n_workers);
}

guint
vs_media_service_get_n_pending (VsMediaService *self)
{
  g_return_val_if_fail (VS_IS_MEDIA_SERVICE (self), 0);
  return vs_job_pool_get_pending (self->pool);
}

guint
vs_media_service_get_n_workers (VsMediaService *self)
{
  g_return_val_if_fail (VS_IS_MEDIA_SERVICE (self), 0);
  return vs_job_pool_get_n_workers (self->pool);
}

static void
push (VsMediaService      *self,
      MediaJob            *job,
      VsJobPriority        priority,
      GCancellable        *cancellable,
      GAsyncReadyCallback  callback,
      gpointer             user_data)
{
  static const char * const kinds[] = { "probe", "thumb", "filmstrip", "fingerprint", "hash" };
  g_autofree char *key = NULL;

  if ((job->kind == JOB_THUMBNAIL || job->kind == JOB_FILMSTRIP) && job->output == NULL)
    job->shared = vs_media_service_get_shares (self, job->path);
  /* An update pass's filmstrip may be skipped (the cache is full), its fingerprint is
   * stored or copied: a request for the same file is not one to share it with. */
  key = g_strdup_printf ("%s%s:%d:%s:%d:%d:%s", kinds[job->kind],
                         job->pass != NULL || job->twins != NULL ? "-pass" : "", job->size,
                         job->output ? job->output : "", job->replace, job->shared, job->path);
  job->swept = &self->swept;
  vs_job_pool_push (self->pool, key, priority, job, media_job_free, cancellable,
                    callback, user_data);
}

/* The job's whole result, for a finish() to take what it needs from. */
static void
on_job_result (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  MediaResult *r = vs_job_pool_push_finish (VS_JOB_POOL (object), result, &error);

  if (r == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, r, media_result_free);
}

/* A job of @kind on @path alone, for a task tagged @source_tag that @done completes. */
static void
push_path (VsMediaService      *self,
           JobKind              kind,
           const char          *path,
           VsJobPriority        priority,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  done,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  MediaJob *job = g_new0 (MediaJob, 1);

  g_task_set_source_tag (task, source_tag);
  job->kind = kind;
  job->path = g_strdup (path);
  push (self, job, priority, cancellable, done, task);
}

void
vs_media_service_probe_async (VsMediaService      *self,
                              const char          *path,
                              VsJobPriority        priority,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (VS_IS_MEDIA_SERVICE (self));
  g_return_if_fail (path != NULL && g_path_is_absolute (path));

  push_path (self, JOB_PROBE, path, priority, vs_media_service_probe_async, cancellable,
             on_job_result, callback, user_data);
}

VsProbeResult *
vs_media_service_probe_finish (VsMediaService  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  MediaResult *r;
  VsProbeResult *probe;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  probe = g_steal_pointer (&r->probe);
  media_result_free (r);
  return probe;
}

static void
on_thumbnailed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  MediaResult *r = vs_job_pool_push_finish (VS_JOB_POOL (object), result, &error);

  if (r == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&r->thumbnail), g_free);
  media_result_free (r);
}

void
vs_media_service_thumbnail_async (VsMediaService      *self,
                                  const char          *path,
                                  VsThumbnailSize      size,
                                  const char          *output,
                                  VsJobPriority        priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  vs_media_service_thumbnail_full_async (self, path, size, output, FALSE, priority, cancellable,
                                         callback, user_data);
}

void
vs_media_service_thumbnail_full_async (VsMediaService      *self,
                                       const char          *path,
                                       VsThumbnailSize      size,
                                       const char          *output,
                                       gboolean             replace,
                                       VsJobPriority        priority,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;
  MediaJob *job;

  g_return_if_fail (VS_IS_MEDIA_SERVICE (self));
  g_return_if_fail (path != NULL && g_path_is_absolute (path));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_media_service_thumbnail_async);
  job = g_new0 (MediaJob, 1);
  job->kind = JOB_THUMBNAIL;
  job->path = g_strdup (path);
  job->size = size;
  job->output = g_strdup (output);
  job->replace = replace;
  push (self, job, priority, cancellable, on_thumbnailed, task);
}

char *
vs_media_service_thumbnail_finish (VsMediaService  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Filmstrips ------------------------------------------------------------- */

void
vs_media_service_set_filmstrip_budget (VsMediaService *self,
                                       guint64         bytes)
{
  g_return_if_fail (VS_IS_MEDIA_SERVICE (self));
  self->filmstrip_budget = bytes;
}

guint64
vs_media_service_get_filmstrip_budget (VsMediaService *self)
{
  g_return_val_if_fail (VS_IS_MEDIA_SERVICE (self), VS_FILMSTRIP_DEFAULT_BUDGET);
  return self->filmstrip_budget > 0 ? self->filmstrip_budget : VS_FILMSTRIP_DEFAULT_BUDGET;
}

typedef struct
{
  char  *path;
  guint  decoded;
} FilmstripResult;

static void
filmstrip_result_free (gpointer data)
{
  FilmstripResult *fr = data;

  g_free (fr->path);
  g_free (fr);
}

static void
on_filmstrip_made (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  MediaResult *r = vs_job_pool_push_finish (VS_JOB_POOL (object), result, &error);
  FilmstripResult *fr;

  if (r == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  fr = g_new0 (FilmstripResult, 1);
  fr->path = g_steal_pointer (&r->thumbnail);
  fr->decoded = r->decoded;
  g_task_return_pointer (task, fr, filmstrip_result_free);
  media_result_free (r);
}

void
vs_media_service_filmstrip_async (VsMediaService      *self,
                                  const char          *path,
                                  VsJobPriority        priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  vs_media_service_filmstrip_full_async (self, path, NULL, FALSE, priority, cancellable,
                                         callback, user_data);
}

void
vs_media_service_filmstrip_full_async (VsMediaService      *self,
                                       const char          *path,
                                       const char          *output,
                                       gboolean             replace,
                                       VsJobPriority        priority,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;
  MediaJob *job;

  g_return_if_fail (VS_IS_MEDIA_SERVICE (self));
  g_return_if_fail (path != NULL && g_path_is_absolute (path));
  g_return_if_fail (output == NULL || g_path_is_absolute (output));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_media_service_filmstrip_async);
  job = g_new0 (MediaJob, 1);
  job->kind = JOB_FILMSTRIP;
  job->path = g_strdup (path);
  job->output = g_strdup (output);
  job->replace = replace;
  job->budget = output == NULL ? vs_media_service_get_filmstrip_budget (self) : 0;
  push (self, job, priority, cancellable, on_filmstrip_made, task);
}

char *
vs_media_service_filmstrip_finish (VsMediaService  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return vs_media_service_filmstrip_full_finish (self, result, NULL, error);
}

char *
vs_media_service_filmstrip_full_finish (VsMediaService  *self,
                                        GAsyncResult    *result,
                                        guint           *out_decoded,
                                        GError         **error)
{
  FilmstripResult *fr;
  char *path;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_decoded != NULL)
    *out_decoded = 0;
  fr = g_task_propagate_pointer (G_TASK (result), error);
  if (fr == NULL)
    return NULL;
  if (out_decoded != NULL)
    *out_decoded = fr->decoded;
  path = g_steal_pointer (&fr->path);
  filmstrip_result_free (fr);
  return path;
}

/* Fingerprints ------------------------------------------------------------- */

void
vs_media_service_fingerprint_async (VsMediaService      *self,
                                    const char          *path,
                                    VsJobPriority        priority,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (VS_IS_MEDIA_SERVICE (self));
  g_return_if_fail (path != NULL && g_path_is_absolute (path));

  push_path (self, JOB_FINGERPRINT, path, priority, vs_media_service_fingerprint_async,
             cancellable, on_job_result, callback, user_data);
}

gboolean
vs_media_service_fingerprint_finish (VsMediaService  *self,
                                     GAsyncResult    *result,
                                     VsFingerprint   *out,
                                     guint           *out_decoded,
                                     GError         **error)
{
  MediaResult *r;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (out_decoded != NULL)
    *out_decoded = 0;
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return FALSE;
  *out = r->fingerprint;
  if (out_decoded != NULL)
    *out_decoded = r->decoded;
  media_result_free (r);
  return TRUE;
}

/* Shared thumbnails -------------------------------------------------------- */

void
vs_media_service_set_shared_roots (VsMediaService     *self,
                                   const char * const *roots)
{
  g_return_if_fail (VS_IS_MEDIA_SERVICE (self));

  g_mutex_lock (&self->shared_lock);
  g_strfreev (self->shared_roots);
  self->shared_roots = roots != NULL && roots[0] != NULL ? g_strdupv ((char **) roots) : NULL;
  g_mutex_unlock (&self->shared_lock);
}

gboolean
vs_media_service_get_shares (VsMediaService *self,
                             const char     *path)
{
  gboolean shares = FALSE;

  g_return_val_if_fail (VS_IS_MEDIA_SERVICE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* a few roots: a look at each costs nothing beside a job */
  g_mutex_lock (&self->shared_lock);
  for (guint i = 0; self->shared_roots != NULL && self->shared_roots[i] != NULL && !shares; i++)
    shares = vs_path_is_inside (path, self->shared_roots[i]);
  g_mutex_unlock (&self->shared_lock);
  return shares;
}

/* Library updates -------------------------------------------------------- */

typedef struct
{
  VsDatabase      *writer;
  VsDatabase      *reader;       /* what pending rows are read through (may be the writer) */
  VsUpdateFlags    flags;
  VsThumbnailSize  size;
  VsUpdateSummary  summary;
  gint64           start;
  VsPendingKind    phase;
  gboolean         hashing;      /* the fingerprint phase's first part: content hashes */
  gboolean         matching;     /* the fingerprints are being matched, on a thread */
  gint64           after_id;
  guint            in_flight;
  guint            done;
  guint            total;
  gboolean         listed;       /* no more rows to hand out */
  FilmstripPass   *pass;         /* the filmstrip phase's budget */
  TwinPass        *twins;        /* the fingerprint phase's exact copies */
  GError          *error;
} UpdateData;

static void
update_data_free (gpointer data)
{
  UpdateData *ud = data;

  g_clear_object (&ud->writer);
  g_clear_object (&ud->reader);
  g_clear_pointer (&ud->pass, filmstrip_pass_unref);
  g_clear_pointer (&ud->twins, twin_pass_unref);
  g_clear_error (&ud->error);
  g_free (ud);
}

static void fill (GTask *task);

/* Returns the pass's result, from whichever thread ends it. */
static void
finish_update (GTask *task)
{
  UpdateData *ud = g_task_get_task_data (task);

  ud->summary.elapsed_us = g_get_monotonic_time () - ud->start;
  g_debug ("Media update: %u probed (%u failed), %u thumbnails made, %u reused, %u failed, "
           "%u filmstrips made, %u reused, %u failed%s, %u fingerprints made, %u copied, "
           "%u failed, %u new pairs in %.2f s", ud->summary.probed,
           ud->summary.probe_failed, ud->summary.thumbnailed, ud->summary.thumb_reused,
           ud->summary.thumb_failed, ud->summary.filmstrips_made, ud->summary.filmstrips_reused,
           ud->summary.filmstrips_failed,
           ud->summary.filmstrip_budget_reached ? " (the cache is full)" : "",
           ud->summary.fingerprints_made, ud->summary.fingerprints_copied,
           ud->summary.fingerprints_failed, ud->summary.duplicate_pairs,
           ud->summary.elapsed_us / 1e6);
  if (ud->error != NULL)
    g_task_return_error (task, g_steal_pointer (&ud->error));
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

/* Matching is CPU work over every fingerprint: never on the caller's thread. */
static void
match_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  UpdateData *ud = task_data;

  vs_database_match_duplicates (ud->writer, cancellable, &ud->summary.duplicate_pairs,
                                &ud->error);
  finish_update (task);
}

static void
maybe_finish (GTask *task)
{
  UpdateData *ud = g_task_get_task_data (task);

  if (!ud->listed || ud->in_flight > 0 || ud->matching)
    return;
  if ((ud->flags & VS_UPDATE_FINGERPRINTS) && ud->error == NULL &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      ud->matching = TRUE;
      g_task_run_in_thread (task, match_thread);
      return;
    }
  finish_update (task);
}

static void
on_update_job_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VsMediaService *self = g_task_get_source_object (task);
  UpdateData *ud = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  MediaResult *r = vs_job_pool_push_finish (VS_JOB_POOL (object), result, &error);
  gboolean probing = ud->phase == VS_PENDING_PROBE;
  gboolean filmstrips = ud->phase == VS_PENDING_FILMSTRIP;
  gboolean fingerprints = ud->phase == VS_PENDING_FINGERPRINT;

  ud->in_flight--;
  /* Content hashes are not in the progress: they are few and quick. */
  if (fingerprints && ud->hashing)
    {
      if (r == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No content hash: %s", error->message);
      g_clear_pointer (&r, media_result_free);
      fill (task);
      maybe_finish (task);
      return;
    }
  ud->done++;
  if (r == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (probing)
        ud->summary.probe_failed++;
      else if (filmstrips)
        ud->summary.filmstrips_failed++;
      else if (fingerprints)
        ud->summary.fingerprints_failed++;
      else
        ud->summary.thumb_failed++;
    }
  else if (r != NULL && fingerprints)
    {
      if (r->copied)
        ud->summary.fingerprints_copied++;
      else
        ud->summary.fingerprints_made++;
    }
  else if (r != NULL && probing)
    ud->summary.probed++;
  else if (r != NULL && filmstrips)
    {
      if (r->skipped)
        ;
      else if (r->reused)
        ud->summary.filmstrips_reused++;
      else
        ud->summary.filmstrips_made++;
      if (filmstrip_pass_reached (ud->pass))
        ud->summary.filmstrip_budget_reached = TRUE;
    }
  else if (r != NULL && r->reused)
    ud->summary.thumb_reused++;
  else if (r != NULL)
    ud->summary.thumbnailed++;
  g_clear_pointer (&r, media_result_free);

  g_signal_emit (self, signals[UPDATE_PROGRESS], 0, ud->done, MAX (ud->total, ud->done),
                 (guint) ud->flags);
  fill (task);
  maybe_finish (task);
}

/* Probes, then thumbnails, then filmstrips and fingerprints (neither is tried on a file
 * whose probe or thumbnail failed); fingerprints after the content hashes that find exact
 * copies. */
static gboolean
next_phase (UpdateData *ud)
{
  gboolean before_filmstrips = ud->phase == VS_PENDING_PROBE ||
                               ud->phase == VS_PENDING_THUMBNAIL;

  if (ud->phase == VS_PENDING_PROBE && (ud->flags & VS_UPDATE_THUMBNAILS))
    ud->phase = VS_PENDING_THUMBNAIL;
  else if (before_filmstrips && (ud->flags & VS_UPDATE_FILMSTRIPS))
    ud->phase = VS_PENDING_FILMSTRIP;
  else if (ud->phase != VS_PENDING_FINGERPRINT && (ud->flags & VS_UPDATE_FINGERPRINTS))
    {
      ud->phase = VS_PENDING_FINGERPRINT;
      ud->hashing = TRUE;
    }
  else if (ud->phase == VS_PENDING_FINGERPRINT && ud->hashing)
    ud->hashing = FALSE;
  else
    return FALSE;
  ud->after_id = 0;
  return TRUE;
}

/* The next page of the phase's ids. */
static GArray *
query_phase (UpdateData  *ud,
             guint        limit,
             GError     **error)
{
  if (ud->phase == VS_PENDING_FINGERPRINT && ud->hashing)
    return vs_database_query_unhashed_twins (ud->reader, ud->after_id, limit, error);
  return vs_database_query_pending (ud->reader, ud->phase, ud->after_id, limit, error);
}

static MediaJob *
phase_job_new (UpdateData          *ud,
               const VsVideoRecord *record)
{
  MediaJob *job = g_new0 (MediaJob, 1);

  switch (ud->phase)
    {
    case VS_PENDING_PROBE:
      job->kind = JOB_PROBE;
      break;
    case VS_PENDING_THUMBNAIL:
      job->kind = JOB_THUMBNAIL;
      break;
    case VS_PENDING_FILMSTRIP:
      job->kind = JOB_FILMSTRIP;
      job->pass = g_atomic_rc_box_acquire (ud->pass);
      break;
    case VS_PENDING_FINGERPRINT:
    default:
      job->kind = ud->hashing ? JOB_CONTENT_HASH : JOB_FINGERPRINT;
      if (!ud->hashing)
        job->twins = g_atomic_rc_box_acquire (ud->twins);
      job->file_size = record->size;
      break;
    }
  job->path = g_strdup (record->path);
  job->size = ud->size;
  job->writer = g_object_ref (ud->writer);
  job->video_id = record->id;
  return job;
}

/* Hands out rows until enough jobs are in flight; never more than a page is in memory. */
static void
fill (GTask *task)
{
  VsMediaService *self = g_task_get_source_object (task);
  UpdateData *ud = g_task_get_task_data (task);
  guint cap = vs_job_pool_get_n_workers (self->pool) * IN_FLIGHT_PER_WORKER;

  while (!ud->listed && ud->in_flight < cap)
    {
      g_autoptr(GArray) ids = NULL;
      g_autoptr(GPtrArray) records = NULL;

      /* Waiting for a phase's jobs before the next keeps probes ahead of thumbnails. */
      if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        {
          ud->listed = TRUE;
          break;
        }
      /* A full filmstrip cache ends that phase only. */
      if (ud->phase == VS_PENDING_FILMSTRIP && ud->summary.filmstrip_budget_reached)
        {
          if (ud->in_flight > 0)
            break;
          if (!next_phase (ud))
            {
              ud->listed = TRUE;
              break;
            }
          continue;
        }
      ids = query_phase (ud, cap - ud->in_flight, &ud->error);
      if (ids != NULL && ids->len > 0)
        records = vs_database_load_videos (ud->reader, (const gint64 *) (gpointer) ids->data,
                                           ids->len, &ud->error);
      if (ud->error != NULL)
        {
          ud->listed = TRUE;
          break;
        }
      if (records == NULL || records->len == 0)
        {
          if (ud->in_flight > 0 || !next_phase (ud))
            {
              if (ud->in_flight == 0)
                ud->listed = TRUE;
              break;
            }
          continue;
        }
      for (guint i = 0; i < records->len; i++)
        {
          VsVideoRecord *record = g_ptr_array_index (records, i);
          MediaJob *job;

          ud->after_id = g_array_index (ids, gint64, i);
          if (record == NULL)
            continue;
          job = phase_job_new (ud, record);
          ud->in_flight++;
          push (self, job, VS_JOB_PRIORITY_BACKGROUND, g_task_get_cancellable (task),
                on_update_job_done, g_object_ref (task));
        }
    }
}

void
vs_media_service_update_async (VsMediaService      *self,
                               VsDatabase          *writer,
                               VsDatabase          *reader,
                               VsUpdateFlags        flags,
                               VsThumbnailSize      size,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  UpdateData *ud;
  gint64 n;

  g_return_if_fail (VS_IS_MEDIA_SERVICE (self));
  g_return_if_fail (VS_IS_DATABASE (writer));
  g_return_if_fail (reader == NULL || VS_IS_DATABASE (reader));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_media_service_update_async);
  ud = g_new0 (UpdateData, 1);
  ud->writer = g_object_ref (writer);
  ud->reader = g_object_ref (reader != NULL ? reader : writer);
  ud->flags = flags;
  ud->size = size;
  ud->start = g_get_monotonic_time ();
  ud->phase = (flags & VS_UPDATE_PROBE)        ? VS_PENDING_PROBE
              : (flags & VS_UPDATE_THUMBNAILS) ? VS_PENDING_THUMBNAIL
              : (flags & VS_UPDATE_FILMSTRIPS) ? VS_PENDING_FILMSTRIP
                                               : VS_PENDING_FINGERPRINT;
  ud->hashing = ud->phase == VS_PENDING_FINGERPRINT;
  ud->pass = filmstrip_pass_new (vs_media_service_get_filmstrip_budget (self));
  ud->twins = twin_pass_new ();
  g_task_set_task_data (task, ud, update_data_free);

  if (flags & VS_UPDATE_PROBE)
    ud->total += MAX (0, vs_database_count_pending (ud->reader, VS_PENDING_PROBE, NULL));
  if (flags & VS_UPDATE_THUMBNAILS)
    {
      n = vs_database_count_pending (ud->reader, VS_PENDING_THUMBNAIL, NULL);
      ud->total += MAX (0, n);
    }
  /* Those the thumbnails phase makes are not known yet: they are added as they come. */
  if (flags & VS_UPDATE_FILMSTRIPS)
    {
      n = vs_database_count_pending (ud->reader, VS_PENDING_FILMSTRIP, NULL);
      ud->total += MAX (0, n);
    }
  if (flags & VS_UPDATE_FINGERPRINTS)
    {
      n = vs_database_count_pending (ud->reader, VS_PENDING_FINGERPRINT, NULL);
      ud->total += MAX (0, n);
    }

  if (flags == 0)
    ud->listed = TRUE;
  fill (task);
  maybe_finish (task);
}

gboolean
vs_media_service_update_finish (VsMediaService   *self,
                                GAsyncResult     *result,
                                VsUpdateSummary  *out_summary,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (out_summary != NULL)
    *out_summary = ((UpdateData *) g_task_get_task_data (G_TASK (result)))->summary;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
vs_media_service_dispose (GObject *object)
{
  VsMediaService *self = VS_MEDIA_SERVICE (object);

  if (self->pool != NULL)
    vs_job_pool_shutdown (self->pool);
  g_clear_object (&self->pool);

  G_OBJECT_CLASS (vs_media_service_parent_class)->dispose (object);
}

static void
vs_media_service_finalize (GObject *object)
{
  VsMediaService *self = VS_MEDIA_SERVICE (object);

  g_strfreev (self->shared_roots);
  g_mutex_clear (&self->shared_lock);

  G_OBJECT_CLASS (vs_media_service_parent_class)->finalize (object);
}

static void
vs_media_service_class_init (VsMediaServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_media_service_dispose;
  object_class->finalize = vs_media_service_finalize;

  signals[UPDATE_PROGRESS] =
    g_signal_new ("update-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
}

static void
vs_media_service_init (VsMediaService *self)
{
  g_mutex_init (&self->shared_lock);
}
