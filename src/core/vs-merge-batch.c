/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-merge-batch.c: hands a stream on to the muxer a batch of buffers at a time
 *
 * mp4mux takes its input on its own thread: each buffer the demuxer's thread hands it
 * wakes that thread, which muxes the one buffer and sleeps again. That was two context
 * switches a sample, 45,000 for a 300 MB merge, and under virtualisation each one can
 * wait for a halted CPU to come back (the run was then slower than ffmpeg on one core).
 * Between the parser and the muxer, this keeps a stream's buffers until BATCH_SPAN of
 * media (or BATCH_BUFFERS, BATCH_BYTES) has gathered and passes them on as one list: the
 * muxer then wakes about once a batch and finds the whole batch waiting.
 *
 * A batch (250 ms of media) is a quarter of the muxer's latency (MUX_LATENCY in
 * vs-hls-merge-pipeline.c): streams interleaved within 750 ms never wait for a held batch;
 * further apart, the stall watchdog raises the latency, as it did for streams 1 s apart.
 * Events and serialized queries send what is held first, so nothing is reordered.
 */
#define G_LOG_DOMAIN "vs-merge"

#include "config.h"

#include "vs-merge-batch.h"

GST_DEBUG_CATEGORY_EXTERN (_vs_hls_merge_debug);
#define GST_CAT_DEFAULT _vs_hls_merge_debug

#define BATCH_SPAN    (250 * GST_MSECOND)
#define BATCH_BUFFERS 64
#define BATCH_BYTES   (512 * 1024)

struct _VsMergeBatch
{
  GstElement     parent_instance;

  GstPad        *sinkpad;  /* owned by the element */
  GstPad        *srcpad;
  /* streaming thread only */
  GstBufferList *held;     /* NULL when nothing is held */
  GstClockTime   first;    /* the first held buffer's time */
  gsize          bytes;
};

G_DEFINE_FINAL_TYPE (VsMergeBatch, vs_merge_batch, GST_TYPE_ELEMENT)

static GstStaticPadTemplate sink_template =
  GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template =
  GST_STATIC_PAD_TEMPLATE ("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static void
drop_held (VsMergeBatch *self)
{
  gst_clear_buffer_list (&self->held);
  self->first = GST_CLOCK_TIME_NONE;
  self->bytes = 0;
}

static GstFlowReturn
push_held (VsMergeBatch *self)
{
  GstBufferList *list = g_steal_pointer (&self->held);

  drop_held (self);
  return list != NULL ? gst_pad_push_list (self->srcpad, list) : GST_FLOW_OK;
}

static gboolean
batch_is_full (VsMergeBatch *self,
               GstClockTime  ts)
{
  if (gst_buffer_list_length (self->held) >= BATCH_BUFFERS || self->bytes >= BATCH_BYTES)
    return TRUE;
  return GST_CLOCK_TIME_IS_VALID (ts) && GST_CLOCK_TIME_IS_VALID (self->first) &&
         ts >= self->first + BATCH_SPAN;
}

static GstFlowReturn
vs_merge_batch_chain (GstPad    *pad,
                      GstObject *parent,
                      GstBuffer *buffer)
{
  VsMergeBatch *self = VS_MERGE_BATCH (parent);
  GstClockTime ts = GST_BUFFER_DTS_OR_PTS (buffer);

  if (self->held == NULL)
    self->held = gst_buffer_list_new_sized (BATCH_BUFFERS);
  if (!GST_CLOCK_TIME_IS_VALID (self->first))
    self->first = ts;
  self->bytes += gst_buffer_get_size (buffer);
  gst_buffer_list_add (self->held, buffer);
  return batch_is_full (self, ts) ? push_held (self) : GST_FLOW_OK;
}

static gboolean
vs_merge_batch_sink_event (GstPad    *pad,
                           GstObject *parent,
                           GstEvent  *event)
{
  VsMergeBatch *self = VS_MERGE_BATCH (parent);

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    drop_held (self);
  else if (GST_EVENT_IS_SERIALIZED (event))
    /* a failed push was posted by the element that failed; the event still goes */
    push_held (self);
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
vs_merge_batch_sink_query (GstPad    *pad,
                           GstObject *parent,
                           GstQuery  *query)
{
  if (GST_QUERY_IS_SERIALIZED (query))
    push_held (VS_MERGE_BATCH (parent));
  return gst_pad_query_default (pad, parent, query);
}

static GstStateChangeReturn
vs_merge_batch_change_state (GstElement     *element,
                             GstStateChange  transition)
{
  GstStateChangeReturn ret =
    GST_ELEMENT_CLASS (vs_merge_batch_parent_class)->change_state (element, transition);

  /* the pads are inactive now: no chain runs */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    drop_held (VS_MERGE_BATCH (element));
  return ret;
}

static void
vs_merge_batch_finalize (GObject *object)
{
  drop_held (VS_MERGE_BATCH (object));
  G_OBJECT_CLASS (vs_merge_batch_parent_class)->finalize (object);
}

static void
vs_merge_batch_class_init (VsMergeBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  object_class->finalize = vs_merge_batch_finalize;
  element_class->change_state = vs_merge_batch_change_state;
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Vidshelf merge batch", "Generic",
                                         "Passes buffers on in batches", "Vidshelf");
}

static void
vs_merge_batch_init (VsMergeBatch *self)
{
  self->first = GST_CLOCK_TIME_NONE;
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, vs_merge_batch_chain);
  gst_pad_set_event_function (self->sinkpad, vs_merge_batch_sink_event);
  gst_pad_set_query_function (self->sinkpad, vs_merge_batch_sink_query);
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  GST_PAD_SET_PROXY_SCHEDULING (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

GstElement *
vs_merge_batch_new (void)
{
  return g_object_new (VS_TYPE_MERGE_BATCH, NULL);
}
