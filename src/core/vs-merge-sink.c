/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-merge-sink.c: the merge's output, written to a descriptor a batch at a time
 *
 * mp4mux pushes every sample as a buffer of its own: a 40 KiB video frame, a 400-byte AAC
 * frame. fdsink wrote each with a writev after a ppoll, 90,000 system calls on the
 * muxer's thread for a 600 MB merge, and each small write dirtied again the page the last
 * one had left half full. This sink keeps the buffers (references, no copy) until
 * BATCH_BYTES or MAX_PIECES are pending and writes them with one pwritev, at the position
 * the muxer asked for: a byte segment is mp4mux going back to write its index in the room
 * it reserved at the start, so what is pending goes out first.
 *
 * It never syncs (mp4mux's SYNC_AFTER flag is ignored): a crash leaves only the temporary
 * file, which the next run removes, and the merge makes the result durable itself, once,
 * before the source goes to the trash. For that merge it starts the writeback of every
 * WRITE_BEHIND_BYTES written (sync_file_range() without waiting), so the disk writes while
 * the merge goes on instead of all at once in that fsync (which took 0.7-1.1 s for 300-600
 * MB here, as long as the merge itself); errors still come out of the fsync.
 */
#define G_LOG_DOMAIN "vs-merge"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/uio.h>

#include "vs-merge-sink.h"

GST_DEBUG_CATEGORY_EXTERN (_vs_hls_merge_debug);
#define GST_CAT_DEFAULT _vs_hls_merge_debug

#define BATCH_BYTES        (256 * 1024)
#define MAX_PIECES         64
#define WRITE_BEHIND_BYTES (8 * 1024 * 1024)

struct _VsMergeSink
{
  GstBaseSink  parent_instance;

  int          fd;                  /* borrowed */
  guint64      position;            /* where the first pending byte goes */
  gboolean     write_behind;
  guint64      written_back;        /* write-behind: where the next writeback starts */
  /* pending pieces: each one memory of a buffer, mapped, the buffer referenced */
  guint        n_pending;
  gsize        pending_bytes;
  GstBuffer   *buffers[MAX_PIECES];
  GstMapInfo   maps[MAX_PIECES];
};

G_DEFINE_FINAL_TYPE (VsMergeSink, vs_merge_sink, GST_TYPE_BASE_SINK)

static GstStaticPadTemplate sink_template =
  GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static void
release_pending (VsMergeSink *self)
{
  for (guint i = 0; i < self->n_pending; i++)
    {
      gst_memory_unmap (self->maps[i].memory, &self->maps[i]);
      gst_clear_buffer (&self->buffers[i]);
    }
  self->n_pending = 0;
  self->pending_bytes = 0;
}

/* Only forward: when mp4mux goes back to write its index, that page is left to the fsync. */
static void
start_writeback (VsMergeSink *self)
{
  if (!self->write_behind || self->position < self->written_back + WRITE_BEHIND_BYTES)
    return;
  /* advisory: a failed writeback is reported by the fsync that makes the file durable */
  sync_file_range (self->fd, (off_t) self->written_back,
                   (off_t) (self->position - self->written_back), SYNC_FILE_RANGE_WRITE);
  self->written_back = self->position;
}

/* Writes what is pending; FALSE, with the error posted, when the file system refuses. */
static gboolean
flush_pending (VsMergeSink *self)
{
  struct iovec iov[MAX_PIECES];
  guint first = 0;
  int saved = 0;

  for (guint i = 0; i < self->n_pending; i++)
    {
      iov[i].iov_base = self->maps[i].data;
      iov[i].iov_len = self->maps[i].size;
    }
  while (first < self->n_pending)
    {
      gssize n = pwritev (self->fd, iov + first, (int) (self->n_pending - first),
                          (off_t) self->position);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          saved = n < 0 ? errno : EIO;
          break;
        }
      self->position += (guint64) n;
      /* a short write: on from where it stopped */
      while (first < self->n_pending && (gsize) n >= iov[first].iov_len)
        n -= (gssize) iov[first++].iov_len;
      if (first < self->n_pending)
        {
          iov[first].iov_base = (guint8 *) iov[first].iov_base + n;
          iov[first].iov_len -= (gsize) n;
        }
    }
  release_pending (self);
  if (saved == 0)
    {
      start_writeback (self);
      return TRUE;
    }
  /* fdsink's errors, so the merge reports them as before */
  if (saved == ENOSPC)
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT, (NULL), ("%s", g_strerror (saved)));
  else
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE, (NULL), ("%s", g_strerror (saved)));
  return FALSE;
}

static GstFlowReturn
vs_merge_sink_render (GstBaseSink *sink,
                      GstBuffer   *buffer)
{
  VsMergeSink *self = VS_MERGE_SINK (sink);
  guint n = gst_buffer_n_memory (buffer);

  for (guint i = 0; i < n; i++)
    {
      GstMemory *memory = gst_buffer_peek_memory (buffer, i);

      if (memory->size == 0)
        continue;
      if (self->n_pending == MAX_PIECES && !flush_pending (self))
        return GST_FLOW_ERROR;
      if (!gst_memory_map (memory, &self->maps[self->n_pending], GST_MAP_READ))
        {
          GST_ELEMENT_ERROR (self, RESOURCE, WRITE, (NULL), ("a buffer could not be read"));
          return GST_FLOW_ERROR;
        }
      self->buffers[self->n_pending] = gst_buffer_ref (buffer);
      self->pending_bytes += self->maps[self->n_pending].size;
      self->n_pending++;
    }
  if (self->pending_bytes >= BATCH_BYTES && !flush_pending (self))
    return GST_FLOW_ERROR;
  return GST_FLOW_OK;
}

static gboolean
vs_merge_sink_event (GstBaseSink *sink,
                     GstEvent    *event)
{
  VsMergeSink *self = VS_MERGE_SINK (sink);
  const GstSegment *segment = NULL;

  if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
    gst_event_parse_segment (event, &segment);
  if ((GST_EVENT_TYPE (event) == GST_EVENT_EOS ||
       (segment != NULL && segment->format == GST_FORMAT_BYTES)) &&
      !flush_pending (self))
    {
      gst_event_unref (event);
      return FALSE;
    }
  if (segment != NULL && segment->format == GST_FORMAT_BYTES)
    self->position = segment->start;
  return GST_BASE_SINK_CLASS (vs_merge_sink_parent_class)->event (sink, event);
}

/* As fdsink answers: mp4mux writes its index at the front only to a sink that can seek. */
static gboolean
vs_merge_sink_query (GstBaseSink *sink,
                     GstQuery    *query)
{
  VsMergeSink *self = VS_MERGE_SINK (sink);
  GstFormat format;

  if (GST_QUERY_TYPE (query) == GST_QUERY_POSITION)
    {
      gst_query_parse_position (query, &format, NULL);
      if (format != GST_FORMAT_BYTES && format != GST_FORMAT_DEFAULT)
        return FALSE;
      gst_query_set_position (query, GST_FORMAT_BYTES,
                              (gint64) (self->position + self->pending_bytes));
      return TRUE;
    }
  if (GST_QUERY_TYPE (query) == GST_QUERY_FORMATS)
    {
      gst_query_set_formats (query, 2, GST_FORMAT_DEFAULT, GST_FORMAT_BYTES);
      return TRUE;
    }
  if (GST_QUERY_TYPE (query) == GST_QUERY_SEEKING)
    {
      gst_query_parse_seeking (query, &format, NULL, NULL, NULL);
      if (format == GST_FORMAT_BYTES || format == GST_FORMAT_DEFAULT)
        gst_query_set_seeking (query, GST_FORMAT_BYTES, TRUE, 0, -1);
      else
        gst_query_set_seeking (query, format, FALSE, 0, -1);
      return TRUE;
    }
  return GST_BASE_SINK_CLASS (vs_merge_sink_parent_class)->query (sink, query);
}

static gboolean
vs_merge_sink_start (GstBaseSink *sink)
{
  VsMergeSink *self = VS_MERGE_SINK (sink);

  self->position = 0;
  self->written_back = 0;
  return self->fd >= 0;
}

/* After an error or a cancel: what was not written is dropped with the temporary file. */
static gboolean
vs_merge_sink_stop (GstBaseSink *sink)
{
  release_pending (VS_MERGE_SINK (sink));
  return TRUE;
}

static void
vs_merge_sink_finalize (GObject *object)
{
  release_pending (VS_MERGE_SINK (object));
  G_OBJECT_CLASS (vs_merge_sink_parent_class)->finalize (object);
}

static void
vs_merge_sink_class_init (VsMergeSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *sink_class = GST_BASE_SINK_CLASS (klass);

  object_class->finalize = vs_merge_sink_finalize;
  sink_class->render = vs_merge_sink_render;
  sink_class->event = vs_merge_sink_event;
  sink_class->query = vs_merge_sink_query;
  sink_class->start = vs_merge_sink_start;
  sink_class->stop = vs_merge_sink_stop;
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class, "Vidshelf merge sink", "Sink/File",
                                         "Writes the merged MP4 to a descriptor in batches",
                                         "Vidshelf");
}

static void
vs_merge_sink_init (VsMergeSink *self)
{
  self->fd = -1;
  gst_base_sink_set_sync (GST_BASE_SINK (self), FALSE);
  gst_base_sink_set_async_enabled (GST_BASE_SINK (self), FALSE);
  /* the last buffer would stay referenced until the pipeline goes */
  gst_base_sink_set_last_sample_enabled (GST_BASE_SINK (self), FALSE);
}

void
vs_merge_sink_set_write_behind (VsMergeSink *self,
                                gboolean     write_behind)
{
  g_return_if_fail (VS_IS_MERGE_SINK (self));

  self->write_behind = !!write_behind;
}

GstElement *
vs_merge_sink_new (int fd)
{
  VsMergeSink *self;

  g_return_val_if_fail (fd >= 0, NULL);

  self = g_object_new (VS_TYPE_MERGE_SINK, NULL);
  self->fd = fd;
  return GST_ELEMENT (self);
}
