/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-hls-merge.c: lossless, verified remux of an HLS folder into one MP4
 *
 * The playlist is read twice, streaming both times so memory does not grow with the
 * number of segments: a first pass validates every segment (local, inside the folder,
 * present, readable, long enough for its byte range) and sums their sizes; the second
 * pass feeds the segments, byte range by byte range and in large reads, into an appsrc.
 * Concatenated TS segments are one valid TS stream; for fMP4 the #EXT-X-MAP bytes go
 * first and the fragments follow, which qtdemux reads in push mode. Each elementary
 * stream then goes through its parser (never a decoder; H.264 from TS cut at NAL units
 * first, VsMergeNalAlign) and on to mp4mux in batches (VsMergeBatch), on the demuxer's
 * thread; VsMergeSink writes mp4mux's output to the locked temporary file in large writes.
 *
 * mp4mux reserves room for its index at the front of the file (reserved-max-duration,
 * sized from the playlist's duration), so the output is written once and still starts
 * with the moov ("fast start") — faststart=TRUE would write everything twice.
 *
 * Nothing is written but a temporary file beside the output, with a fixed name derived
 * from the output's, so the next merge of the same folder removes one a killed merge
 * left behind. It is renamed into place only after reading it back agrees with the
 * playlist on the duration (within a second) and on the streams. A merge holds an
 * exclusive flock() on it, so a second merge of the same output refuses instead of
 * clearing the first one's file, while a killed merge's lock dies with it.
 *
 * With remove-source, the folder must hold HLS material only and be none of the
 * user's standard folders or the library's, checked before anything is written: the
 * trash takes the whole folder, so anything else in it would go too. Its inventory is
 * taken then and again before the trash (VsTrash): what appeared meanwhile keeps it.
 */
#define G_LOG_DOMAIN "vs-merge"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-hls-merge-private.h"

GST_DEBUG_CATEGORY (_vs_hls_merge_debug);

#define PROGRESS_INTERVAL  (G_USEC_PER_SEC / 10)

struct _VsHlsMerge
{
  GObject  parent_instance;

  /* everything below under lock: the window sets options and reads results on the main
   * thread while a run goes on in a worker */
  GMutex   lock;
  char    *input;
  char    *output;          /* as set; NULL for the default */
  char    *resolved_output; /* after a run */
  char    *source_folder;   /* after a run */
  GStrv    roots;           /* the library's folders: never trashed */
  guint    force : 1;
  guint    remove_source : 1;
  guint    trashed : 1;
  guint    local_copies : 1; /* after a run */
};

enum {
  PROP_0,
  PROP_INPUT,
  PROP_OUTPUT,
  PROP_FORCE,
  PROP_REMOVE_SOURCE,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VsHlsMerge, vs_hls_merge, G_TYPE_OBJECT)
G_DEFINE_QUARK (vs-merge-error-quark, vs_merge_error)

static void
merge_free (Merge *m)
{
  g_clear_object (&m->self);
  g_clear_pointer (&m->progress_context, g_main_context_unref);
  g_free (m->input);
  g_free (m->output);
  g_free (m->playlist_path);
  g_free (m->folder);
  g_free (m->real_folder);
  g_free (m->temp);
  g_free (m->first_missing_copy);
  g_strfreev (m->roots);
  g_clear_object (&m->source_trash);
  if (m->lock_fd >= 0)
    close (m->lock_fd);
  g_clear_error (&m->check_error);
  g_clear_error (&m->pipeline_error);
  g_mutex_clear (&m->lock);
  g_cond_clear (&m->cond);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Merge, merge_free)

/* Progress ---------------------------------------------------------------- */

typedef struct
{
  VsHlsMerge *self;
  guint64     done;
  guint64     total;
} ProgressEvent;

static gboolean
emit_progress_idle (gpointer data)
{
  ProgressEvent *event = data;

  g_signal_emit (event->self, signals[SIGNAL_PROGRESS], 0, event->done, event->total);
  return G_SOURCE_REMOVE;
}

static void
progress_event_free (gpointer data)
{
  ProgressEvent *event = data;

  g_object_unref (event->self);
  g_free (event);
}

void
_vs_hls_merge_report_progress (Merge   *m,
                               gboolean final)
{
  gint64 now = g_get_monotonic_time ();
  ProgressEvent *event;
  GSource *source;

  if (!final && now - m->last_progress_us < PROGRESS_INTERVAL)
    return;
  m->last_progress_us = now;
  if (m->progress_context == NULL)
    {
      g_signal_emit (m->self, signals[SIGNAL_PROGRESS], 0, m->done_bytes, m->total_bytes);
      return;
    }
  event = g_new (ProgressEvent, 1);
  event->self = g_object_ref (m->self);
  event->done = m->done_bytes;
  event->total = m->total_bytes;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_progress_idle, event, progress_event_free);
  g_source_set_static_name (source, "[vs-merge] progress");
  g_source_attach (source, m->progress_context);
  g_source_unref (source);
}

static gboolean
merge_run (Merge   *m,
           GError **error)
{
  g_autofree char *out_dir = NULL;
  g_autofree char *temp_dir = NULL;
  gboolean ok;

  if (!_vs_hls_merge_resolve_paths (m, error))
    return FALSE;
  g_mutex_lock (&m->self->lock);
  g_free (m->self->resolved_output);
  m->self->resolved_output = g_strdup (m->output);
  g_free (m->self->source_folder);
  m->self->source_folder = g_strdup (m->folder);
  g_mutex_unlock (&m->self->lock);

  /* before the free space is measured: a killed merge's temporary file is as big as its
   * output */
  temp_dir = g_path_get_dirname (m->temp);
  vs_hls_merge_sweep_stale_temps (temp_dir);

  m->output_exists = lstat (m->output, &m->output_lst) == 0;
  if (m->output_exists && stat (m->output, &m->output_st) != 0)
    m->output_st = m->output_lst; /* a dangling link */

  /* nothing is written until the checks pass */
  if (m->remove_source && !_vs_hls_merge_take_source_inventory (m, error))
    return FALSE;
  if (!_vs_hls_merge_validate (m, m->cancellable, error) ||
      (m->remove_source && !_vs_hls_merge_check_hls_only (m, error)) ||
      !_vs_hls_merge_check_output (m, error) ||
      !_vs_hls_merge_lock_temp (m, error))
    return FALSE;
  _vs_hls_merge_report_progress (m, TRUE);

  g_mutex_lock (&m->self->lock);
  m->self->local_copies = m->local_copies;
  g_mutex_unlock (&m->self->lock);
  ok = _vs_hls_merge_remux (m, error);
  _vs_hls_merge_stop_pipeline (m);
  ok = ok && _vs_hls_merge_verify (m, error);
  ok = ok && (!m->remove_source || _vs_hls_merge_sync_file (m->temp, error));
  ok = ok && !g_cancellable_set_error_if_cancelled (m->cancellable, error);
  ok = ok && _vs_hls_merge_move_into_place (m, error);
  if (!ok || !m->remove_source)
    {
      _vs_hls_merge_unlock_temp (m, !ok);
      return ok;
    }
  /* the new name must be on disk before the source leaves; the lock is held till then */
  out_dir = g_path_get_dirname (m->output);
  ok = _vs_hls_merge_sync_file (out_dir, error) && _vs_hls_merge_trash_source (m, error);
  _vs_hls_merge_unlock_temp (m, FALSE);
  if (!ok)
    return FALSE;
  g_mutex_lock (&m->self->lock);
  m->self->trashed = TRUE;
  g_mutex_unlock (&m->self->lock);
  return TRUE;
}

static Merge *
merge_new (VsHlsMerge   *self,
           GCancellable *cancellable)
{
  Merge *m = g_new0 (Merge, 1);

  m->self = g_object_ref (self);
  m->cancellable = cancellable;
  m->lock_fd = -1;
  g_mutex_init (&m->lock);
  g_cond_init (&m->cond);
  g_mutex_lock (&self->lock);
  m->input = g_strdup (self->input);
  m->output = g_strdup (self->output);
  m->force = self->force;
  m->remove_source = self->remove_source;
  m->roots = g_strdupv (self->roots);
  g_clear_pointer (&self->resolved_output, g_free);
  g_clear_pointer (&self->source_folder, g_free);
  self->trashed = FALSE;
  self->local_copies = FALSE;
  g_mutex_unlock (&self->lock);
  return m;
}

/* Public API ------------------------------------------------------------------- */

gboolean
vs_hls_merge_run (VsHlsMerge    *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(Merge) m = NULL;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  m = merge_new (self, cancellable);
  return merge_run (m, error);
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Merge *m = task_data;
  GError *error = NULL;
  gboolean ok = merge_run (m, &error);

#ifdef __GLIBC__
  /* The pipeline's threads freed their buffers into malloc arenas of their own, where it
   * stays resident, and the next merge, on other threads, adds to it (peak RSS grew by
   * 5 MiB over ten merges of merge --all). Given back here, on the merge's thread, so the
   * caller's main context never walks the heaps. */
  malloc_trim (0);
#endif
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vs_hls_merge_run_async (VsHlsMerge          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Merge *m;

  g_return_if_fail (VS_IS_HLS_MERGE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_hls_merge_run_async);
  g_task_set_return_on_cancel (task, FALSE);
  m = merge_new (self, cancellable);
  m->progress_context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, m, (GDestroyNotify) merge_free);
  g_task_run_in_thread (task, run_in_thread);
}

gboolean
vs_hls_merge_run_finish (VsHlsMerge    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

VsHlsMerge *
vs_hls_merge_new (const char *input)
{
  g_return_val_if_fail (input != NULL, NULL);

  return g_object_new (VS_TYPE_HLS_MERGE, "input", input, NULL);
}

const char *
vs_hls_merge_get_input (VsHlsMerge *self)
{
  g_return_val_if_fail (VS_IS_HLS_MERGE (self), NULL);

  return self->input; /* construct-only */
}

char *
vs_hls_merge_dup_output (VsHlsMerge *self)
{
  char *ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), NULL);

  g_mutex_lock (&self->lock);
  ret = g_strdup (self->resolved_output ? self->resolved_output : self->output);
  g_mutex_unlock (&self->lock);
  return ret;
}

void
vs_hls_merge_set_output (VsHlsMerge *self,
                         const char *output)
{
  gboolean changed;

  g_return_if_fail (VS_IS_HLS_MERGE (self));

  g_mutex_lock (&self->lock);
  changed = g_strcmp0 (self->output, output) != 0;
  if (changed)
    {
      g_free (self->output);
      self->output = g_strdup (output);
    }
  g_mutex_unlock (&self->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTPUT]);
}

void
vs_hls_merge_set_library_roots (VsHlsMerge         *self,
                                const char * const *roots)
{
  g_return_if_fail (VS_IS_HLS_MERGE (self));

  g_mutex_lock (&self->lock);
  g_strfreev (self->roots);
  self->roots = g_strdupv ((char **) roots);
  g_mutex_unlock (&self->lock);
}

static void
set_flag (VsHlsMerge *self,
          int         prop,
          gboolean    value)
{
  gboolean changed;

  g_mutex_lock (&self->lock);
  if (prop == PROP_FORCE)
    {
      changed = self->force != !!value;
      self->force = !!value;
    }
  else
    {
      changed = self->remove_source != !!value;
      self->remove_source = !!value;
    }
  g_mutex_unlock (&self->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

gboolean
vs_hls_merge_get_force (VsHlsMerge *self)
{
  gboolean ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);

  g_mutex_lock (&self->lock);
  ret = self->force;
  g_mutex_unlock (&self->lock);
  return ret;
}

void
vs_hls_merge_set_force (VsHlsMerge *self,
                        gboolean    force)
{
  g_return_if_fail (VS_IS_HLS_MERGE (self));

  set_flag (self, PROP_FORCE, force);
}

gboolean
vs_hls_merge_get_remove_source (VsHlsMerge *self)
{
  gboolean ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);

  g_mutex_lock (&self->lock);
  ret = self->remove_source;
  g_mutex_unlock (&self->lock);
  return ret;
}

void
vs_hls_merge_set_remove_source (VsHlsMerge *self,
                                gboolean    remove_source)
{
  g_return_if_fail (VS_IS_HLS_MERGE (self));

  set_flag (self, PROP_REMOVE_SOURCE, remove_source);
}

char *
vs_hls_merge_dup_source_folder (VsHlsMerge *self)
{
  char *ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), NULL);

  g_mutex_lock (&self->lock);
  ret = g_strdup (self->source_folder);
  g_mutex_unlock (&self->lock);
  return ret;
}

gboolean
vs_hls_merge_get_source_trashed (VsHlsMerge *self)
{
  gboolean ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);

  g_mutex_lock (&self->lock);
  ret = self->trashed;
  g_mutex_unlock (&self->lock);
  return ret;
}

gboolean
vs_hls_merge_get_used_local_copies (VsHlsMerge *self)
{
  gboolean ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);

  g_mutex_lock (&self->lock);
  ret = self->local_copies;
  g_mutex_unlock (&self->lock);
  return ret;
}

/* GObject ------------------------------------------------------------------------ */

static void
vs_hls_merge_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VsHlsMerge *self = VS_HLS_MERGE (object);

  switch (prop_id)
    {
    case PROP_INPUT:
      g_value_set_string (value, self->input);
      break;
    case PROP_OUTPUT:
      g_value_take_string (value, vs_hls_merge_dup_output (self));
      break;
    case PROP_FORCE:
      g_value_set_boolean (value, vs_hls_merge_get_force (self));
      break;
    case PROP_REMOVE_SOURCE:
      g_value_set_boolean (value, vs_hls_merge_get_remove_source (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_hls_merge_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VsHlsMerge *self = VS_HLS_MERGE (object);

  switch (prop_id)
    {
    case PROP_INPUT:
      self->input = g_value_dup_string (value);
      break;
    case PROP_OUTPUT:
      vs_hls_merge_set_output (self, g_value_get_string (value));
      break;
    case PROP_FORCE:
      vs_hls_merge_set_force (self, g_value_get_boolean (value));
      break;
    case PROP_REMOVE_SOURCE:
      vs_hls_merge_set_remove_source (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_hls_merge_finalize (GObject *object)
{
  VsHlsMerge *self = VS_HLS_MERGE (object);

  g_clear_pointer (&self->input, g_free);
  g_clear_pointer (&self->output, g_free);
  g_clear_pointer (&self->resolved_output, g_free);
  g_clear_pointer (&self->source_folder, g_free);
  g_clear_pointer (&self->roots, g_strfreev);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vs_hls_merge_parent_class)->finalize (object);
}

static void
vs_hls_merge_class_init (VsHlsMergeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = vs_hls_merge_get_property;
  object_class->set_property = vs_hls_merge_set_property;
  object_class->finalize = vs_hls_merge_finalize;

  properties[PROP_INPUT] =
    g_param_spec_string ("input", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTPUT] =
    g_param_spec_string ("output", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FORCE] =
    g_param_spec_boolean ("force", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOVE_SOURCE] =
    g_param_spec_boolean ("remove-source", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);

  gst_init (NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (_vs_hls_merge_debug, "vs-merge", 0, "Vidshelf HLS merge");
}

static void
vs_hls_merge_init (VsHlsMerge *self)
{
  g_mutex_init (&self->lock);
}
