/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-texture-cache.c: thumbnails as textures, bounded in bytes, loaded off the main thread */
#define G_LOG_DOMAIN "vs-texture-cache"

#include "config.h"

#include <malloc.h>

#include <cairo.h>

#include "vs-filmstrip.h"
#include "vs-job-pool.h"
#include "vs-texture-cache.h"

#define DEFAULT_MAX_BYTES  (64 * 1024 * 1024)
#define N_DECODE_THREADS   2
/* Decoders run at this niceness: on two cores, two decoders at full speed during a fast
 * scroll took the CPU the main thread needed to draw the next frame. */
#define DECODE_NICENESS    10
/* Keys of files whose thumbnail could not be had, so rebinding does not ask again. */
#define MAX_FAILED_KEYS    16384
/* A deferred load waits this long before it reads anything: in a fast scroll a row stays
 * in view for a frame or three, and its request is cancelled before a file is opened or
 * decoded (decoding the rows flying past took 30 % of a core, on two). */
#define START_DELAY_US     (80 * G_TIME_SPAN_MILLISECOND)
/* Filmstrip sheets kept: the hovered cell's and the one before (the pointer often goes
 * back). A sheet of 100 frames is 2400 × 1350 px, 13 MB decoded. */
#define MAX_FILMSTRIPS     2

/* A texture the cache holds, in its LRU queue (head: most recently used). */
typedef struct
{
  GList       link;      /* data points back to the entry */
  char       *key;
  GdkTexture *texture;
  gsize       bytes;
  int         decode_width;  /* the box it was decoded to cover (a zoom made it for) */
  int         decode_height;
  gboolean    filmstrip;     /* a filmstrip's sheet, not a thumbnail */
} Entry;

/* One load in flight per key, shared by every caller that asks for it meanwhile. */
typedef struct
{
  VsTextureCache *cache;        /* owned: the load keeps the cache alive */
  char           *key;
  char           *path;         /* the video, filename encoding */
  GCancellable   *cancellable;  /* the load's own: cancelled when no caller is left */
  GPtrArray      *waiters;      /* Waiter */
  gint64          asked_us;     /* monotonic time of the first request */
  gboolean        delayed;      /* in the cache's delayed queue, not started yet */
} Load;

typedef struct
{
  GTask   *task;                /* owned */
  GSource *cancel_source;       /* owned; NULL without a cancellable */
  Load    *load;                /* borrowed: the load owns its waiters */
} Waiter;

struct _VsTextureCache
{
  GObject         parent_instance;

  /* Owned */
  VsMediaService *service;
  GHashTable     *entries;      /* key → Entry (owned) */
  GHashTable     *loads;        /* key → Load (borrowed: owned by its pending operation) */
  GHashTable     *failed;       /* keys (owned) */
  GThreadPool    *decoders;
  GQueue          delayed;      /* Load (owned), oldest first: not started yet */
  guint64         n_started;    /* loads handed to the media service */
  guint           start_id;     /* starts the delayed loads whose time came */

  /* State */
  GQueue          lru;
  gsize           bytes;
  gsize           max_bytes;
  int             decode_width;   /* what a thumbnail must cover, 0: its own size */
  int             decode_height;
  int             corner_radius;  /* in the texture's pixels */
  gsize           pref_max_bytes; /* the preference */
  GHashTable     *working_sets;   /* owner → bytes it needs (GSIZE_TO_POINTER) */
  gsize           filmstrip_bytes; /* of the sheets among the entries */
  guint           n_filmstrips;
};

/* What a decoder thread needs, and the pixel memory it made. */
typedef struct
{
  char  *png;
  int    width;
  int    height;
  int    radius;
  gsize  bytes;   /* set by the decoder with its texture */
} Decode;

static void
decode_free (gpointer data)
{
  Decode *decode = data;

  g_free (decode->png);
  g_free (decode);
}

G_DEFINE_FINAL_TYPE (VsTextureCache, vs_texture_cache, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The cache key: the file and the version of it that the thumbnail shows. Computing it
 * touches nothing on disk. */
static char *
video_key (VsVideo *video)
{
  const VsVideoRecord *record = vs_video_get_record (video);

  if (record == NULL || record->uri == NULL)
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%s", record->mtime_ns, record->uri);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_object (&entry->texture);
  g_free (entry->key);
  g_free (entry);
}

static void
remove_entry (VsTextureCache *self,
              Entry          *entry)
{
  g_queue_unlink (&self->lru, &entry->link);
  self->bytes -= entry->bytes;
  if (entry->filmstrip)
    {
      self->filmstrip_bytes -= entry->bytes;
      self->n_filmstrips--;
    }
  g_hash_table_remove (self->entries, entry->key);
}

static Entry *
insert_texture (VsTextureCache *self,
                const char     *key,
                GdkTexture     *texture,
                gsize           bytes,
                int             decode_width,
                int             decode_height)
{
  Entry *old = g_hash_table_lookup (self->entries, key);
  Entry *entry;

  if (old != NULL)
    remove_entry (self, old);
  /* Larger than the whole budget: hand it out, but do not keep it. */
  if (bytes > self->max_bytes)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES]);
      return NULL;
    }
  while (self->bytes + bytes > self->max_bytes)
    remove_entry (self, g_queue_peek_tail (&self->lru));

  entry = g_new0 (Entry, 1);
  entry->link.data = entry;
  entry->key = g_strdup (key);
  entry->texture = g_object_ref (texture);
  entry->bytes = bytes;
  entry->decode_width = decode_width;
  entry->decode_height = decode_height;
  g_queue_push_head_link (&self->lru, &entry->link);
  g_hash_table_insert (self->entries, entry->key, entry);
  self->bytes += bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES]);
  return entry;
}

/* Loads ------------------------------------------------------------------- */

static void
waiter_free (Waiter *waiter)
{
  if (waiter->cancel_source != NULL)
    g_source_destroy (waiter->cancel_source);
  g_clear_pointer (&waiter->cancel_source, g_source_unref);
  g_clear_object (&waiter->task);
  g_free (waiter);
}

static void
load_free (Load *load)
{
  g_assert (load->waiters->len == 0);
  g_clear_pointer (&load->waiters, g_ptr_array_unref);
  g_clear_object (&load->cancellable);
  g_clear_pointer (&load->path, g_free);
  g_clear_pointer (&load->key, g_free);
  g_clear_object (&load->cache);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

/* Nobody will take this load's result any more, or it has one: new callers start anew. */
static void
load_detach (Load *load)
{
  if (g_hash_table_lookup (load->cache->loads, load->key) == load)
    g_hash_table_remove (load->cache->loads, load->key);
}

/* Hands @texture (or @error) to every caller still waiting, then forgets the load. */
static void
load_complete (Load         *load,
               GdkTexture   *texture,
               const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&load->waiters);

  load->waiters = g_ptr_array_new ();
  load_detach (load);
  if (texture == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Crude but bounded: past the limit, forget them all and ask the service again. */
      if (g_hash_table_size (load->cache->failed) >= MAX_FAILED_KEYS)
        g_hash_table_remove_all (load->cache->failed);
      g_hash_table_add (load->cache->failed, g_strdup (load->key));
    }
  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (waiters, i);

      if (texture != NULL)
        g_task_return_pointer (waiter->task, g_object_ref (texture), g_object_unref);
      else
        g_task_return_error (waiter->task, g_error_copy (error));
      waiter_free (waiter);
    }
}

/* A caller's cancellable fired (on the main context, after the fact): it is answered now,
 * and the load stops when it was the last one waiting. */
static gboolean
on_waiter_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  Waiter *waiter = user_data;
  Load *load = waiter->load;

  g_assert (g_cancellable_is_cancelled (cancellable));

  g_ptr_array_remove_fast (load->waiters, waiter);
  g_task_return_error_if_cancelled (waiter->task);
  waiter_free (waiter);
  if (load->waiters->len == 0)
    {
      load_detach (load);
      g_cancellable_cancel (load->cancellable);
    }
  return G_SOURCE_REMOVE;
}

/* set in class_init, before any decode */
static GQuark surface_quark;

typedef struct
{
  GInputStream  *stream;
  GError       **error;
} PngRead;

static cairo_status_t
read_png (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  PngRead *read = closure;
  gsize n = 0;

  if (*read->error != NULL)
    return CAIRO_STATUS_READ_ERROR;
  if (!g_input_stream_read_all (read->stream, data, length, &n, NULL, read->error))
    return CAIRO_STATUS_READ_ERROR;
  if (n < length)
    {
      g_set_error_literal (read->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Truncated image");
      return CAIRO_STATUS_READ_ERROR;
    }
  return CAIRO_STATUS_SUCCESS;
}

static void
rounded_rectangle (cairo_t *cr,
                   double   width,
                   double   height,
                   double   radius)
{
  radius = MIN (radius, MIN (width, height) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, width - radius, radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, width - radius, height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, radius, height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, radius, radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Decodes @png into what the cell draws as it is: @width × @height (0 × 0: the image's own
 * size) covered by the picture and cropped to it, its corners rounded by @radius, in the
 * renderer's native format (premultiplied BGRA: GDK_MEMORY_DEFAULT, cairo's ARGB32). Every
 * frame that shows it then copies it without scaling, converting or clipping it: that work
 * is done once, here, off the main thread. The file comes from a cache other programs write
 * too: its header is checked first (vs_thumbnail_open), so a PNG claiming 16000 × 16000 px
 * is refused before it is decoded. */
static GdkTexture *
decode_thumbnail (const char  *png,
                  int          width,
                  int          height,
                  int          radius,
                  gsize       *bytes,
                  GError     **error)
{
  g_autoptr(GInputStream) stream = vs_thumbnail_open (png, NULL, NULL, error);
  GError *read_error = NULL;
  PngRead read = { stream, &read_error };
  cairo_surface_t *image;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  double scale;
  int w, h, stride;

  if (stream == NULL)
    return NULL;
  image = cairo_image_surface_create_from_png_stream (read_png, &read);
  if ((status = cairo_surface_status (image)) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (image);
      if (read_error != NULL)
        g_propagate_error (error, read_error);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a PNG image: %s (%s)",
                     png, cairo_status_to_string (status));
      return NULL;
    }
  g_clear_error (&read_error);
  w = cairo_image_surface_get_width (image);
  h = cairo_image_surface_get_height (image);
  if (width <= 0 || height <= 0)
    {
      width = w;
      height = h;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  if (radius > 0)
    {
      rounded_rectangle (cr, width, height, radius);
      cairo_clip (cr);
    }
  scale = MAX ((double) width / w, (double) height / h);
  cairo_translate (cr, (width - w * scale) / 2, (height - h * scale) / 2);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (image);
  if (status != CAIRO_STATUS_SUCCESS || cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot draw the thumbnail %s: %s", png,
                   cairo_status_to_string (status != CAIRO_STATUS_SUCCESS
                                           ? status : cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_flush (surface);
  stride = cairo_image_surface_get_stride (surface);
  *bytes = (gsize) stride * height;
  {
    /* The texture's pixels are the surface's: no copy. A memory texture is immutable plain
     * data, so making it off the main thread is safe. */
    g_autoptr(GBytes) data = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                                         *bytes,
                                                         (GDestroyNotify) cairo_surface_destroy,
                                                         cairo_surface_reference (surface));
    GdkTexture *texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, data,
                                                  stride);

    /* the same pixels, for the cairo renderer (vs-thumbnail-paintable.c) */
    g_object_set_qdata_full (G_OBJECT (texture), surface_quark, surface,
                             (GDestroyNotify) cairo_surface_destroy);
    return texture;
  }
}

/* TRUE when this thread already lowered its priority (and marks it so). */
static gboolean
pool_data_niced (void)
{
  static GPrivate niced;

  if (g_private_get (&niced) != NULL)
    return TRUE;
  g_private_set (&niced, GINT_TO_POINTER (1));
  return FALSE;
}

/* Runs on a decoder thread. The task has no source object, so the last reference to the
 * cache is never dropped here (that would join this pool from one of its own threads). */
static void
decode_func (gpointer data,
             gpointer pool_data)
{
  g_autoptr(GTask) task = data;
  Decode *decode = g_task_get_task_data (task);
  GError *error = NULL;
  GdkTexture *texture;

  if (g_task_return_error_if_cancelled (task))
    return;
  /* the pool's threads are exclusive to it: lowered once for good */
  if (!pool_data_niced ())
    vs_thread_lower_priority (DECODE_NICENESS);
  texture = decode_thumbnail (decode->png, decode->width, decode->height, decode->radius,
                              &decode->bytes, &error);
  if (texture != NULL)
    g_task_return_pointer (task, texture, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
on_decoded (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);

  /* Kept only if a cell still waits: during a fast scroll most decodes finish after their
   * cell has gone, and caching those filled the budget with rows nobody looked at. */
  if (texture != NULL)
    {
      Decode *decode = g_task_get_task_data (G_TASK (result));

      if (!g_cancellable_is_cancelled (load->cancellable))
        insert_texture (load->cache, load->key, texture, decode->bytes, decode->width,
                        decode->height);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not decode the thumbnail of %s: %s", load->key, error->message);
  load_complete (load, texture, error);
}

static void
on_thumbnail_path (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = vs_media_service_thumbnail_finish (VS_MEDIA_SERVICE (object), result,
                                                            &error);
  GCancellable *cancellable;
  GThreadPool *decoders;
  Decode *decode;
  GTask *task;

  if (png == NULL || g_cancellable_is_cancelled (load->cancellable))
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      load_complete (load, NULL, error);
      return;
    }

  /* Read before the load is handed on: argument evaluation order is unspecified. */
  decoders = load->cache->decoders;
  cancellable = load->cancellable;
  decode = g_new0 (Decode, 1);
  decode->png = g_steal_pointer (&png);
  decode->width = load->cache->decode_width;
  decode->height = load->cache->decode_height;
  decode->radius = load->cache->corner_radius;
  task = g_task_new (NULL, cancellable, on_decoded, g_steal_pointer (&load));
  g_task_set_source_tag (task, on_thumbnail_path);
  /* The decode finishes even after the last caller left (see on_decoded). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, decode, decode_free);
  /* The pool owns the task from here (it cannot refuse it: its threads are shared). */
  g_thread_pool_push (decoders, task, NULL);
}

/* Whether a caller still waits for @load. Their cancellations reach the load a main-loop
 * iteration later (see on_waiter_cancelled), so their cancellables are asked directly. */
static gboolean
load_wanted (Load *load)
{
  if (g_cancellable_is_cancelled (load->cancellable))
    return FALSE;
  for (guint i = 0; i < load->waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (load->waiters, i);

      if (!g_cancellable_is_cancelled (g_task_get_cancellable (waiter->task)))
        return TRUE;
    }
  return FALSE;
}

/* The freedesktop size that covers the box thumbnails are decoded to: the normal (128 px)
 * ones for the smallest zoom, else the large (256 px) ones, as before zooming came. */
static VsThumbnailSize
thumbnail_size (VsTextureCache *self)
{
  if (self->decode_width > 0 && self->decode_width <= 128 &&
      self->decode_height > 0 && self->decode_height <= 128)
    return VS_THUMBNAIL_SIZE_NORMAL;
  return VS_THUMBNAIL_SIZE_LARGE;
}

/* Hands @load to the media service, which owns it until its result is handed on. */
static void
load_start (Load *load)
{
  if (!load_wanted (load))
    {
      g_autoptr(Load) dropped = load;
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "Cancelled");

      load_complete (dropped, NULL, error);
      return;
    }
  load->cache->n_started++;
  vs_media_service_thumbnail_async (load->cache->service, load->path,
                                    thumbnail_size (load->cache), NULL, VS_JOB_PRIORITY_VISIBLE,
                                    load->cancellable, on_thumbnail_path, load);
}

static void schedule_delayed (VsTextureCache *self);

static gboolean
on_start_delayed (gpointer user_data)
{
  VsTextureCache *self = user_data;
  gint64 now = g_get_monotonic_time ();
  Load *load;

  self->start_id = 0;
  while ((load = g_queue_peek_head (&self->delayed)) != NULL &&
         (now - load->asked_us >= START_DELAY_US || !load_wanted (load)))
    {
      load = g_queue_pop_head (&self->delayed);
      load->delayed = FALSE;
      load_start (load);
    }
  schedule_delayed (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_delayed (VsTextureCache *self)
{
  Load *head = g_queue_peek_head (&self->delayed);
  gint64 wait_us;

  if (head == NULL || self->start_id != 0)
    return;
  wait_us = MAX (0, head->asked_us + START_DELAY_US - g_get_monotonic_time ());
  /* Loads hold the cache, so it outlives the source while any is queued. */
  self->start_id = g_timeout_add ((guint) ((wait_us + 999) / 1000), on_start_delayed, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->start_id),
                            "[vs-texture-cache] start");
}

/* Public API -------------------------------------------------------------- */

/* The cairo image surface holding @texture's pixels when the cache made it, or NULL.
 * Returns: (transfer none) (nullable) */
cairo_surface_t *
vs_texture_cache_get_surface (GdkTexture *texture)
{
  g_return_val_if_fail (GDK_IS_TEXTURE (texture), NULL);
  return g_object_get_qdata (G_OBJECT (texture), surface_quark);
}

VsTextureCache *
vs_texture_cache_new (VsMediaService *service,
                      gsize           max_bytes)
{
  VsTextureCache *self;

  g_return_val_if_fail (VS_IS_MEDIA_SERVICE (service), NULL);

  self = g_object_new (VS_TYPE_TEXTURE_CACHE, NULL);
  self->service = g_object_ref (service);
  self->pref_max_bytes = self->max_bytes = max_bytes > 0 ? max_bytes : DEFAULT_MAX_BYTES;
  return self;
}

/* Returns: (transfer full) (nullable) */
GdkTexture *
vs_texture_cache_lookup (VsTextureCache *self,
                         VsVideo        *video)
{
  g_autofree char *key = NULL;
  Entry *entry;

  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), NULL);
  g_return_val_if_fail (VS_IS_VIDEO (video), NULL);

  if ((key = video_key (video)) == NULL ||
      (entry = g_hash_table_lookup (self->entries, key)) == NULL)
    return NULL;
  /* decoded for a smaller box (before a zoom in): a miss, decoded again at this size */
  if (entry->decode_width < self->decode_width || entry->decode_height < self->decode_height)
    return NULL;

  g_queue_unlink (&self->lru, &entry->link);
  g_queue_push_head_link (&self->lru, &entry->link);
  return g_object_ref (entry->texture);
}

gboolean
vs_texture_cache_has_failed (VsTextureCache *self,
                             VsVideo        *video)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), FALSE);
  g_return_val_if_fail (VS_IS_VIDEO (video), FALSE);

  return (key = video_key (video)) != NULL && g_hash_table_contains (self->failed, key);
}

void
vs_texture_cache_load_async (VsTextureCache      *self,
                             VsVideo             *video,
                             VsTextureLoadFlags   flags,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gboolean is_new = FALSE;
  Waiter *waiter;
  Load *load;

  g_return_if_fail (VS_IS_TEXTURE_CACHE (self));
  g_return_if_fail (VS_IS_VIDEO (video));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_texture_cache_load_async);

  if (g_task_return_error_if_cancelled (task))
    return;
  if ((key = video_key (video)) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The video is still loading");
      return;
    }
  if ((texture = vs_texture_cache_lookup (self, video)) != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
      return;
    }
  if (g_hash_table_contains (self->failed, key))
    {
      g_task_return_new_error (task, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_FAILED,
                               "No thumbnail could be made before");
      return;
    }

  load = g_hash_table_lookup (self->loads, key);
  if (load == NULL)
    {
      load = g_new0 (Load, 1);
      load->cache = g_object_ref (self);
      load->key = g_strdup (key);
      load->path = g_strdup (vs_video_get_path (video));
      load->cancellable = g_cancellable_new ();
      load->waiters = g_ptr_array_new ();
      load->asked_us = g_get_monotonic_time ();
      g_hash_table_insert (self->loads, load->key, load);
      is_new = TRUE;
    }

  waiter = g_new0 (Waiter, 1);
  waiter->load = load;
  if (cancellable != NULL)
    {
      /* A source rather than a ::cancelled handler: the answer comes on this thread's main
       * context, never from inside whoever called g_cancellable_cancel(). */
      waiter->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancel_source, G_SOURCE_FUNC (on_waiter_cancelled),
                             waiter, NULL);
      g_source_set_static_name (waiter->cancel_source, "[vs-texture-cache] cancel");
      g_source_attach (waiter->cancel_source, g_task_get_context (task));
    }
  waiter->task = g_steal_pointer (&task);
  g_ptr_array_add (load->waiters, waiter);

  if (is_new && (flags & VS_TEXTURE_LOAD_DEFER))
    {
      /* The queue owns the load until it starts. */
      load->delayed = TRUE;
      g_queue_push_tail (&self->delayed, load);
      schedule_delayed (self);
    }
  else if (is_new || (load->delayed && !(flags & VS_TEXTURE_LOAD_DEFER)))
    {
      if (load->delayed)
        g_queue_remove (&self->delayed, load);   /* someone wants it now */
      load->delayed = FALSE;
      load_start (load);
    }
}

GdkTexture *
vs_texture_cache_load_finish (VsTextureCache  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Thumbnails are decoded to the smallest size covering @width × @height (0 × 0: as they
 * are). Textures cached before keep their size. */
void
vs_texture_cache_set_decode_size (VsTextureCache *self,
                                  int             width,
                                  int             height)
{
  g_return_if_fail (VS_IS_TEXTURE_CACHE (self));
  g_return_if_fail (width >= 0 && height >= 0);

  self->decode_width = width;
  self->decode_height = height;
}

static gsize compute_max_bytes (VsTextureCache *self);

/* Drops the least recently used textures that nothing else holds (no cell shows them)
 * until those come to at most @keep_bytes. For when the view comes to rest: the bound is
 * what a fast scroll may use, not what an idle window keeps. Returns the bytes freed. */
gsize
vs_texture_cache_trim (VsTextureCache *self,
                       gsize           keep_bytes)
{
  gsize unused = 0;
  gsize freed = 0;
  GList *l;

  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), 0);

  for (l = self->lru.head; l != NULL; l = l->next)
    {
      Entry *entry = l->data;

      if (G_OBJECT (entry->texture)->ref_count == 1)
        unused += entry->bytes;
    }
  for (l = self->lru.tail; l != NULL && unused > keep_bytes;)
    {
      Entry *entry = l->data;

      l = l->prev;
      if (G_OBJECT (entry->texture)->ref_count != 1)
        continue;
      unused -= entry->bytes;
      freed += entry->bytes;
      remove_entry (self, entry);
    }
  if (freed > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES]);
  /* a sheet that went no longer raises the budget (lowered only: nothing more to drop) */
  self->max_bytes = MIN (self->max_bytes, compute_max_bytes (self));
  return freed;
}

gsize
vs_texture_cache_get_bytes (VsTextureCache *self)
{
  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), 0);
  return self->bytes;
}

/* Loads in flight (thumbnail requests and decodes some caller still waits for). */
guint
vs_texture_cache_get_n_loads (VsTextureCache *self)
{
  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), 0);
  return g_hash_table_size (self->loads);
}

/* The budget: the preference, or what the views say they need when that is less. */
static gsize
compute_max_bytes (VsTextureCache *self)
{
  GHashTableIter iter;
  gpointer value;
  gsize need = 0;

  g_hash_table_iter_init (&iter, self->working_sets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    need += GPOINTER_TO_SIZE (value);
  /* a hovered cell's filmstrip comes on top of what the views keep, within the preference */
  if (need > 0)
    need += self->filmstrip_bytes;
  return need > 0 ? MIN (need, self->pref_max_bytes) : self->pref_max_bytes;
}

static void
update_max_bytes (VsTextureCache *self)
{
  self->max_bytes = compute_max_bytes (self);
  if (self->bytes > self->max_bytes)
    vs_texture_cache_trim (self, self->max_bytes);
}

/* The preference, applied live: a smaller budget drops what no cell shows at once. */
void
vs_texture_cache_set_max_bytes (VsTextureCache *self,
                                gsize           max_bytes)
{
  g_return_if_fail (VS_IS_TEXTURE_CACHE (self));

  self->pref_max_bytes = max_bytes > 0 ? max_bytes : DEFAULT_MAX_BYTES;
  update_max_bytes (self);
}

/* What @owner (a view) needs kept: the textures of the cells it keeps and of one screen
 * ahead. The budget is the sum over the views, never more than the preference: a fast
 * scroll then holds what it can show again soon, not 64 MB of rows it has left. 0: none. */
void
vs_texture_cache_set_working_set (VsTextureCache *self,
                                  gconstpointer   owner,
                                  gsize           bytes)
{
  g_return_if_fail (VS_IS_TEXTURE_CACHE (self));
  g_return_if_fail (owner != NULL);

  if (bytes > 0)
    g_hash_table_insert (self->working_sets, (gpointer) owner, GSIZE_TO_POINTER (bytes));
  else
    g_hash_table_remove (self->working_sets, owner);
  update_max_bytes (self);
}

/* The thumbnails' corners, rounded in the texture (in its pixels): the cell then draws it
 * without a rounded clip. */
void
vs_texture_cache_set_corner_radius (VsTextureCache *self,
                                    int             radius)
{
  g_return_if_fail (VS_IS_TEXTURE_CACHE (self));
  g_return_if_fail (radius >= 0);

  self->corner_radius = radius;
}

gsize
vs_texture_cache_get_max_bytes (VsTextureCache *self)
{
  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), 0);
  return self->max_bytes;
}

/* Loads that went as far as asking the media service (deferred ones dropped before their
 * time do not count). */
guint64
vs_texture_cache_get_n_started (VsTextureCache *self)
{
  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), 0);
  return self->n_started;
}

/* GObject ----------------------------------------------------------------- */

/* Filmstrips ----------------------------------------------------------------- */

static GQuark filmstrip_quark;

static char *
filmstrip_key (VsVideo *video)
{
  g_autofree char *key = video_key (video);

  return key != NULL ? g_strconcat ("filmstrip:", key, NULL) : NULL;
}

/* Keeps the sheet of @key, which a cell is about to show, within the budget: room is made
 * for it on top of the views' working sets, and older sheets beyond MAX_FILMSTRIPS go. */
static void
insert_sheet (VsTextureCache *self,
              const char     *key,
              GdkTexture     *texture,
              gsize           bytes)
{
  Entry *entry;

  for (GList *l = self->lru.tail; l != NULL && self->n_filmstrips >= MAX_FILMSTRIPS;)
    {
      Entry *old = l->data;

      l = l->prev;
      if (old->filmstrip)
        remove_entry (self, old);
    }
  self->filmstrip_bytes += bytes;
  update_max_bytes (self);
  self->filmstrip_bytes -= bytes;
  if ((entry = insert_texture (self, key, texture, bytes, 0, 0)) != NULL)
    {
      entry->filmstrip = TRUE;
      self->filmstrip_bytes += bytes;
      self->n_filmstrips++;
    }
  else
    update_max_bytes (self);
}

/* Runs in a GLib worker thread: the filmstrip's header, and its sheet decoded into what
 * the renderer draws as it is (premultiplied BGRA in a cairo image surface, as thumbnails
 * are). The sheet is read once more without its pixels, so that the filmstrip kept with
 * the texture does not also keep the sheet's RGB copy. */
static void
decode_sheet (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  g_autoptr(VsFilmstrip) full = NULL;
  g_autoptr(VsFilmstrip) header = NULL;
  g_autoptr(GBytes) data = NULL;
  cairo_surface_t *surface;
  GdkPixbuf *sheet;
  GdkTexture *texture;
  cairo_t *cr;
  int width, height;

  /* the pointer went on before this thread came to it: nothing to decode */
  if (g_task_return_error_if_cancelled (task))
    return;
  full = vs_filmstrip_load (path, TRUE, &error);
  if (full == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sheet = vs_filmstrip_get_sheet (full);
  if (sheet == NULL || vs_filmstrip_get_n_frames (full) == 0 ||
      (vs_filmstrip_get_flags (full) & VS_FILMSTRIP_FLAG_FAILED))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "No filmstrip could be made of this video");
      return;
    }
  if ((header = vs_filmstrip_load (path, FALSE, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* replaced in between: the frames would not be where the header says */
  if (vs_filmstrip_get_n_frames (header) != vs_filmstrip_get_n_frames (full) ||
      vs_filmstrip_get_tile_width (header) != vs_filmstrip_get_tile_width (full) ||
      vs_filmstrip_get_tile_height (header) != vs_filmstrip_get_tile_height (full) ||
      vs_filmstrip_get_columns (header) != vs_filmstrip_get_columns (full))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "The filmstrip changed while it was read");
      return;
    }

  width = gdk_pixbuf_get_width (sheet);
  height = gdk_pixbuf_get_height (sheet);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gdk_cairo_set_source_pixbuf (cr, sheet, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_clear_object (&full);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                               "Cannot draw the filmstrip: %s",
                               cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return;
    }
  cairo_surface_flush (surface);
  data = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                     (gsize) cairo_image_surface_get_stride (surface) * height,
                                     (GDestroyNotify) cairo_surface_destroy,
                                     cairo_surface_reference (surface));
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, data,
                                    cairo_image_surface_get_stride (surface));
  g_object_set_qdata_full (G_OBJECT (texture), surface_quark, surface,
                           (GDestroyNotify) cairo_surface_destroy);
  g_object_set_qdata_full (G_OBJECT (texture), filmstrip_quark, g_steal_pointer (&header),
                           g_object_unref);
  g_task_return_pointer (task, texture, g_object_unref);
  /* The sheet's RGB copy (10 MB for 100 frames) was freed in this thread's arena: hand it
   * back, or each scrubbed video leaves its hole resident (the bench's hover pass). */
  malloc_trim (0);
}

static void
on_sheet_decoded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VsTextureCache *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);

  if (texture == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  /* a coarse strip is shown but not kept: the full one replaces it soon (the caller asks
   * again, and is then given what the file holds by then) */
  if (g_task_get_task_data (task) != NULL &&
      !(vs_filmstrip_get_flags (vs_texture_cache_get_filmstrip (texture)) &
        VS_FILMSTRIP_FLAG_PARTIAL))
    insert_sheet (self, g_task_get_task_data (task), texture,
                  (gsize) cairo_image_surface_get_stride (vs_texture_cache_get_surface (texture)) *
                  gdk_texture_get_height (texture));
  g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
}

/* Decodes the sheet the media service answered with; takes @task. */
static void
handle_filmstrip_path (GTask        *task,
                       GObject      *object,
                       GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = vs_media_service_filmstrip_finish (VS_MEDIA_SERVICE (object), result,
                                                             &error);
  g_autoptr(GTask) decode = NULL;
  GCancellable *cancellable;

  if (path == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  /* No source object: the last reference to the cache is never dropped in the thread. */
  /* read before the task is handed on: argument evaluation order is unspecified */
  cancellable = g_task_get_cancellable (task);
  decode = g_task_new (NULL, cancellable, on_sheet_decoded, task);
  g_task_set_source_tag (decode, decode_sheet);
  g_task_set_task_data (decode, g_steal_pointer (&path), g_free);
  g_task_run_in_thread (decode, decode_sheet);
}

static void
on_filmstrip_path (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  handle_filmstrip_path (user_data, object, result);
}

/* While a video's strip is being made, its coarse pass is looked for in the cache this
 * often: a long video's first key frames are there about 150 ms in, the whole strip only
 * later (vs_filmstrip_is_coarse()). A look reads the strip's header, about a kilobyte. */
#define COARSE_POLL_MS 40

typedef struct
{
  GTask    *task;       /* the load, until it is answered */
  char     *path;       /* the strip's place in the cache */
  char     *uri;
  gint64    mtime;
  gint64    size;
  guint     poll_id;
  gboolean  decoding;   /* a coarse sheet is being decoded */
} FilmstripWait;

static void
filmstrip_wait_clear (gpointer data)
{
  FilmstripWait *wait = data;

  g_clear_object (&wait->task);
  g_free (wait->path);
  g_free (wait->uri);
}

static void
filmstrip_wait_release (gpointer data)
{
  g_rc_box_release_full (data, filmstrip_wait_clear);
}

static void
on_coarse_decoded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FilmstripWait *wait = user_data;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), NULL);

  wait->decoding = FALSE;
  /* the coarse sheet answers the load; the caller asks again for the whole one (which
   * the media service's job, still running, makes meanwhile) */
  if (texture != NULL && wait->task != NULL &&
      (vs_filmstrip_get_flags (vs_texture_cache_get_filmstrip (texture)) &
       VS_FILMSTRIP_FLAG_PARTIAL))
    {
      g_autoptr(GTask) task = g_steal_pointer (&wait->task);

      g_clear_handle_id (&wait->poll_id, g_source_remove);
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
    }
  filmstrip_wait_release (wait);
}

static gboolean
poll_coarse (gpointer user_data)
{
  FilmstripWait *wait = user_data;
  g_autoptr(GTask) decode = NULL;

  if (wait->task == NULL || g_cancellable_is_cancelled (g_task_get_cancellable (wait->task)))
    {
      wait->poll_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (wait->decoding ||
      vs_filmstrip_check (wait->path, wait->uri, wait->mtime, wait->size) != VS_FILMSTRIP_PARTIAL)
    return G_SOURCE_CONTINUE;
  wait->decoding = TRUE;
  decode = g_task_new (NULL, g_task_get_cancellable (wait->task), on_coarse_decoded,
                       g_rc_box_acquire (wait));
  g_task_set_source_tag (decode, decode_sheet);
  g_task_set_task_data (decode, g_strdup (wait->path), g_free);
  g_task_run_in_thread (decode, decode_sheet);
  return G_SOURCE_CONTINUE;
}

static void
on_filmstrip_waited (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  FilmstripWait *wait = user_data;
  GTask *task = g_steal_pointer (&wait->task);

  g_clear_handle_id (&wait->poll_id, g_source_remove);
  if (task != NULL)
    handle_filmstrip_path (task, object, result);
  else
    g_free (vs_media_service_filmstrip_finish (VS_MEDIA_SERVICE (object), result, NULL));
  filmstrip_wait_release (wait);
}

/* The VsFilmstrip a sheet of vs_texture_cache_load_filmstrip_async() shows (its header:
 * frame times and tile places), or NULL for another texture.
 * Returns: (transfer none) (nullable) */
VsFilmstrip *
vs_texture_cache_get_filmstrip (GdkTexture *texture)
{
  g_return_val_if_fail (GDK_IS_TEXTURE (texture), NULL);
  return filmstrip_quark != 0 ? g_object_get_qdata (G_OBJECT (texture), filmstrip_quark) : NULL;
}

/* Gets @video's filmstrip (made by the media service at visible priority when missing)
 * and decodes its sheet on a worker thread into one texture, which the cache keeps among
 * its thumbnails (its bytes count against the same budget). Cancel when the pointer
 * leaves. */
void
vs_texture_cache_load_filmstrip_async (VsTextureCache      *self,
                                       VsVideo             *video,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  const VsVideoRecord *record;
  FilmstripWait *wait;
  Entry *entry;

  g_return_if_fail (VS_IS_TEXTURE_CACHE (self));
  g_return_if_fail (VS_IS_VIDEO (video));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_texture_cache_load_filmstrip_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  record = vs_video_get_record (video);
  if ((key = filmstrip_key (video)) == NULL || record == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The video is still loading");
      return;
    }
  if ((entry = g_hash_table_lookup (self->entries, key)) != NULL)
    {
      g_queue_unlink (&self->lru, &entry->link);
      g_queue_push_head_link (&self->lru, &entry->link);
      g_task_return_pointer (task, g_object_ref (entry->texture), g_object_unref);
      return;
    }
  g_task_set_task_data (task, g_steal_pointer (&key), g_free);

  /* The service answers once the whole strip is made; a long video's coarse pass is in
   * the cache well before, and is shown meanwhile. */
  wait = g_rc_box_new0 (FilmstripWait);
  wait->task = g_steal_pointer (&task);
  wait->uri = g_strdup (record->uri);
  wait->path = vs_filmstrip_path (record->uri);
  wait->mtime = record->mtime_ns / G_GINT64_CONSTANT (1000000000);
  wait->size = record->size;
  wait->poll_id = g_timeout_add_full (G_PRIORITY_DEFAULT, COARSE_POLL_MS, poll_coarse,
                                      g_rc_box_acquire (wait), filmstrip_wait_release);
  vs_media_service_filmstrip_async (self->service, vs_video_get_path (video),
                                    VS_JOB_PRIORITY_VISIBLE, cancellable, on_filmstrip_waited,
                                    wait);
}

/* The same for a file (the player's): the sheet is handed over, not kept, since a file
 * outside the index has no version to key it by; the caller holds it while it needs it.
 * Finish with vs_texture_cache_load_filmstrip_finish(). */
void
vs_texture_cache_load_filmstrip_for_path_async (VsTextureCache      *self,
                                                const char          *path,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VS_IS_TEXTURE_CACHE (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_texture_cache_load_filmstrip_async);
  vs_media_service_filmstrip_async (self->service, path, VS_JOB_PRIORITY_VISIBLE, cancellable,
                                    on_filmstrip_path, g_steal_pointer (&task));
}

GdkTexture *
vs_texture_cache_load_filmstrip_finish (VsTextureCache  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* @video's filmstrip sheet when it is in memory already (a new reference), else NULL.
 * Never blocks. */
GdkTexture *
vs_texture_cache_lookup_filmstrip (VsTextureCache *self,
                                   VsVideo        *video)
{
  g_autofree char *key = NULL;
  Entry *entry;

  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), NULL);
  g_return_val_if_fail (VS_IS_VIDEO (video), NULL);

  if ((key = filmstrip_key (video)) == NULL ||
      (entry = g_hash_table_lookup (self->entries, key)) == NULL)
    return NULL;
  g_queue_unlink (&self->lru, &entry->link);
  g_queue_push_head_link (&self->lru, &entry->link);
  return g_object_ref (entry->texture);
}

/* Whether @video's whole filmstrip is in the filmstrip cache on disk, for the file as the
 * index knows it: reads its header (about a kilobyte of a local file), nothing else. */
gboolean
vs_texture_cache_has_filmstrip_file (VsTextureCache *self,
                                     VsVideo        *video)
{
  const VsVideoRecord *record;
  g_autofree char *path = NULL;

  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), FALSE);
  g_return_val_if_fail (VS_IS_VIDEO (video), FALSE);

  if ((record = vs_video_get_record (video)) == NULL || record->uri == NULL)
    return FALSE;
  path = vs_filmstrip_path (record->uri);
  return vs_filmstrip_check (path, record->uri, record->mtime_ns / G_GINT64_CONSTANT (1000000000),
                             record->size) == VS_FILMSTRIP_VALID;
}

/* Filmstrip sheets the cache holds (at most MAX_FILMSTRIPS). */
guint
vs_texture_cache_get_n_filmstrips (VsTextureCache *self)
{
  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), 0);
  return self->n_filmstrips;
}

/* GObject ----------------------------------------------------------------- */

static void
vs_texture_cache_finalize (GObject *object)
{
  VsTextureCache *self = VS_TEXTURE_CACHE (object);

  /* Every load and decode holds a reference, so none is pending now. */
  g_assert (g_hash_table_size (self->loads) == 0);
  g_assert (g_queue_is_empty (&self->delayed) && self->start_id == 0);
  g_thread_pool_free (self->decoders, TRUE, TRUE);
  /* The queue's links live inside the entries: freeing the entries empties it. */
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_queue_init (&self->lru);
  g_clear_pointer (&self->loads, g_hash_table_unref);
  g_clear_pointer (&self->failed, g_hash_table_unref);
  g_clear_pointer (&self->working_sets, g_hash_table_unref);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (vs_texture_cache_parent_class)->finalize (object);
}

static void
vs_texture_cache_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VsTextureCache *self = VS_TEXTURE_CACHE (object);

  switch (prop_id)
    {
    case PROP_BYTES:
      g_value_set_uint64 (value, self->bytes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_texture_cache_class_init (VsTextureCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_texture_cache_finalize;
  surface_quark = g_quark_from_static_string ("vs-texture-cache-surface");
  filmstrip_quark = g_quark_from_static_string ("vs-texture-cache-filmstrip");
  object_class->get_property = vs_texture_cache_get_property;

  /* Decoded bytes held (the textures' pixel memory). */
  properties[PROP_BYTES] =
    g_param_spec_uint64 ("bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vs_texture_cache_init (VsTextureCache *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  self->loads = g_hash_table_new (g_str_hash, g_str_equal);
  self->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->working_sets = g_hash_table_new (NULL, NULL);
  /* exclusive: its threads are never lent to other pools, so their lower priority stays here */
  self->decoders = g_thread_pool_new (decode_func, NULL, N_DECODE_THREADS, TRUE, NULL);
  g_queue_init (&self->lru);
  g_queue_init (&self->delayed);
}

guint
vs_texture_cache_get_n_delayed (VsTextureCache *self)
{
  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), 0);
  return self->delayed.length;
}

guint
vs_texture_cache_get_n_media_pending (VsTextureCache *self)
{
  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (self), 0);
  return vs_media_service_get_n_pending (self->service);
}
