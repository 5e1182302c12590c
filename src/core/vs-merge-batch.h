/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-merge-batch.h: hands a stream on to the muxer a batch of buffers at a time */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define VS_TYPE_MERGE_BATCH (vs_merge_batch_get_type ())
G_DECLARE_FINAL_TYPE (VsMergeBatch, vs_merge_batch, VS, MERGE_BATCH, GstElement)

GstElement *vs_merge_batch_new (void);

G_END_DECLS
