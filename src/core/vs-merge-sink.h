/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-merge-sink.h: the merge's output, written to a descriptor a batch at a time */
#pragma once

#include <gst/base/gstbasesink.h>

G_BEGIN_DECLS

#define VS_TYPE_MERGE_SINK (vs_merge_sink_get_type ())
G_DECLARE_FINAL_TYPE (VsMergeSink, vs_merge_sink, VS, MERGE_SINK, GstBaseSink)

/* @fd is borrowed: it must stay open until the sink is back in NULL. */
GstElement *vs_merge_sink_new              (int          fd);
/* Starts writing the file back to disk as it grows (not waiting for it), for a merge that
 * will make it durable: its fsync then finds little left to write. Before the start. */
void        vs_merge_sink_set_write_behind (VsMergeSink *self,
                                            gboolean     write_behind);

G_END_DECLS
