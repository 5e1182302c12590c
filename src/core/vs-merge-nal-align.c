/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-merge-nal-align.c: an H.264 byte stream cut at NAL boundaries, for h264parse
 *
 * tsdemux hands on H.264 a PES packet at a time and says nothing of where the packets
 * cut the stream. h264parse then cannot take a packet's last NAL unit as whole: it waits
 * for the next packet, joins the two (a copy) and scans the unit a second time to find
 * its end. That was a fifth of the merge's CPU time. Told the input is NAL-aligned it
 * scans each byte once and copies nothing, but it has to be true.
 *
 * This makes it true. It holds one packet and looks at how the next one begins: with a
 * start code (as every muxer writing HLS makes them), the held packet ends with a whole
 * NAL unit and goes on as it is; otherwise the bytes before the next one's first start
 * code finish the held unit and join it, and the rest, stamped with the next packet's
 * times (the times h264parse would have given the units starting there), is held in turn.
 * Zero bytes before a start code are not a unit's (its last byte is never 0) and are
 * dropped, as h264parse drops them. A DISCONT packet is not joined to what came before.
 */
#define G_LOG_DOMAIN "vs-merge"

#include "config.h"

#include <string.h>

#include "vs-merge-nal-align.h"

GST_DEBUG_CATEGORY_EXTERN (_vs_hls_merge_debug);
#define GST_CAT_DEFAULT _vs_hls_merge_debug

struct _VsMergeNalAlign
{
  GstElement  parent_instance;

  GstPad     *sinkpad;  /* owned by the element */
  GstPad     *srcpad;
  GstBuffer  *held;     /* streaming thread: whole once the next packet starts a unit */
};

G_DEFINE_FINAL_TYPE (VsMergeNalAlign, vs_merge_nal_align, GST_TYPE_ELEMENT)

static GstStaticPadTemplate sink_template =
  GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
                           GST_STATIC_CAPS ("video/x-h264, stream-format=(string)byte-stream"));
static GstStaticPadTemplate src_template =
  GST_STATIC_PAD_TEMPLATE ("src", GST_PAD_SRC, GST_PAD_ALWAYS,
                           GST_STATIC_CAPS ("video/x-h264, stream-format=(string)byte-stream, "
                                            "alignment=(string)nal"));

static gboolean
begins_with_start_code (const guint8 *data,
                        gsize         size)
{
  gsize zeros = 0;

  while (zeros < size && data[zeros] == 0)
    zeros++;
  return zeros >= 2 && zeros < size && data[zeros] == 1;
}

/* Where the first start code (00 00 01) of @data begins, with the zero bytes before it;
 * -1 when there is none. */
static gssize
find_start_code (const guint8 *data,
                 gsize         size)
{
  gsize from = 2;

  while (from < size)
    {
      const guint8 *one = memchr (data + from, 0x01, size - from);
      gsize at;

      if (one == NULL)
        return -1;
      at = (gsize) (one - data);
      if (data[at - 1] == 0 && data[at - 2] == 0)
        {
          while (at > 0 && data[at - 1] == 0)
            at--;
          return (gssize) at;
        }
      from = at + 1;
    }
  return -1;
}

static GstFlowReturn
push_held (VsMergeNalAlign *self)
{
  GstBuffer *buffer = g_steal_pointer (&self->held);
  gsize size, zeros = 0;
  guint8 byte;

  if (buffer == NULL)
    return GST_FLOW_OK;
  size = gst_buffer_get_size (buffer);
  while (zeros < size && gst_buffer_extract (buffer, size - zeros - 1, &byte, 1) == 1 &&
         byte == 0)
    zeros++;
  if (zeros > 0 && zeros < size)
    {
      buffer = gst_buffer_make_writable (buffer);
      gst_buffer_resize (buffer, 0, (gssize) (size - zeros));
    }
  return gst_pad_push (self->srcpad, buffer);
}

/* Holds @buffer after sending on what was held. */
static GstFlowReturn
hold (VsMergeNalAlign *self,
      GstBuffer       *buffer)
{
  GstFlowReturn flow = push_held (self);

  self->held = buffer;
  return flow;
}

static GstFlowReturn
vs_merge_nal_align_chain (GstPad    *pad,
                          GstObject *parent,
                          GstBuffer *buffer)
{
  VsMergeNalAlign *self = VS_MERGE_NAL_ALIGN (parent);
  GstBuffer *rest;
  GstMapInfo map;
  gssize cut;

  /* h264parse skips to the first start code of a stream's first packet itself */
  if (self->held == NULL || GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT))
    return hold (self, buffer);
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      gst_buffer_unref (buffer);
      GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL), ("a buffer could not be read"));
      return GST_FLOW_ERROR;
    }
  cut = begins_with_start_code (map.data, map.size) ? 0 : find_start_code (map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  if (cut == 0)
    return hold (self, buffer);

  GST_LOG_OBJECT (self, "a NAL unit goes on for %" G_GSSIZE_FORMAT " bytes of the next packet",
                  cut < 0 ? (gssize) gst_buffer_get_size (buffer) : cut);
  if (cut < 0)
    {
      self->held = gst_buffer_append (self->held, buffer);
      return GST_FLOW_OK;
    }
  self->held = gst_buffer_append (self->held,
                                  gst_buffer_copy_region (buffer, GST_BUFFER_COPY_MEMORY, 0,
                                                          (gsize) cut));
  /* a region that does not start at 0 gets no times of its own */
  rest = gst_buffer_copy_region (buffer, GST_BUFFER_COPY_ALL, (gsize) cut, -1);
  GST_BUFFER_PTS (rest) = GST_BUFFER_PTS (buffer);
  GST_BUFFER_DTS (rest) = GST_BUFFER_DTS (buffer);
  gst_buffer_unref (buffer);
  return hold (self, rest);
}

static gboolean
vs_merge_nal_align_sink_event (GstPad    *pad,
                               GstObject *parent,
                               GstEvent  *event)
{
  VsMergeNalAlign *self = VS_MERGE_NAL_ALIGN (parent);
  GstEventType type = GST_EVENT_TYPE (event);

  if (type == GST_EVENT_FLUSH_STOP)
    gst_clear_buffer (&self->held);
  /* where the stream ends or starts again, the held packet is whole; other events (tags)
   * may pass it, as a unit may go on after them */
  else if (type == GST_EVENT_EOS || type == GST_EVENT_SEGMENT ||
           type == GST_EVENT_STREAM_START || type == GST_EVENT_CAPS)
    push_held (self);

  if (type == GST_EVENT_CAPS)
    {
      GstCaps *caps;
      g_autoptr(GstCaps) aligned = NULL;

      gst_event_parse_caps (event, &caps);
      aligned = gst_caps_copy (caps);
      gst_caps_set_simple (aligned, "alignment", G_TYPE_STRING, "nal", NULL);
      gst_event_unref (event);
      return gst_pad_push_event (self->srcpad, gst_event_new_caps (aligned));
    }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
vs_merge_nal_align_sink_query (GstPad    *pad,
                               GstObject *parent,
                               GstQuery  *query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_DRAIN)
    push_held (VS_MERGE_NAL_ALIGN (parent));
  return gst_pad_query_default (pad, parent, query);
}

static GstStateChangeReturn
vs_merge_nal_align_change_state (GstElement     *element,
                                 GstStateChange  transition)
{
  GstStateChangeReturn ret =
    GST_ELEMENT_CLASS (vs_merge_nal_align_parent_class)->change_state (element, transition);

  /* the pads are inactive now: no chain runs */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_clear_buffer (&VS_MERGE_NAL_ALIGN (element)->held);
  return ret;
}

static void
vs_merge_nal_align_finalize (GObject *object)
{
  gst_clear_buffer (&VS_MERGE_NAL_ALIGN (object)->held);
  G_OBJECT_CLASS (vs_merge_nal_align_parent_class)->finalize (object);
}

static void
vs_merge_nal_align_class_init (VsMergeNalAlignClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  object_class->finalize = vs_merge_nal_align_finalize;
  element_class->change_state = vs_merge_nal_align_change_state;
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Vidshelf NAL aligner", "Codec/Parser",
                                         "Cuts an H.264 byte stream at NAL unit boundaries",
                                         "Vidshelf");
}

static void
vs_merge_nal_align_init (VsMergeNalAlign *self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, vs_merge_nal_align_chain);
  gst_pad_set_event_function (self->sinkpad, vs_merge_nal_align_sink_event);
  gst_pad_set_query_function (self->sinkpad, vs_merge_nal_align_sink_query);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

GstElement *
vs_merge_nal_align_new (void)
{
  return g_object_new (VS_TYPE_MERGE_NAL_ALIGN, NULL);
}

gboolean
vs_merge_nal_align_accepts_caps (GstCaps *caps)
{
  GstStructure *s;

  g_return_val_if_fail (GST_IS_CAPS (caps), FALSE);

  if (gst_caps_get_size (caps) != 1)
    return FALSE;
  s = gst_caps_get_structure (caps, 0);
  return gst_structure_has_name (s, "video/x-h264") &&
         g_strcmp0 (gst_structure_get_string (s, "stream-format"), "byte-stream") == 0 &&
         !gst_structure_has_field (s, "alignment");
}
