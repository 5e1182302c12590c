/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-merge-nal-align.h: an H.264 byte stream cut at NAL boundaries, for h264parse */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define VS_TYPE_MERGE_NAL_ALIGN (vs_merge_nal_align_get_type ())
G_DECLARE_FINAL_TYPE (VsMergeNalAlign, vs_merge_nal_align, VS, MERGE_NAL_ALIGN, GstElement)

GstElement *vs_merge_nal_align_new          (void);

/* TRUE for caps the element takes: H.264 in byte-stream form of no stated alignment. */
gboolean    vs_merge_nal_align_accepts_caps (GstCaps *caps);

G_END_DECLS
