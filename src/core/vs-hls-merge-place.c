/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-hls-merge-place.c: reading the merged file back and putting it in place */
#define G_LOG_DOMAIN "vs-merge"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vs-hls-merge-private.h"

#define DURATION_SLACK_MS  1000
#define VERIFY_TIMEOUT     (30 * GST_SECOND)

/* Verification -------------------------------------------------------------
 *
 * The merged file is read back by qtdemux alone (pull mode: it reads the index and
 * prerolls one buffer per stream), never decoded: GstDiscoverer would plug decoders and
 * cost more memory than the whole merge. */

typedef struct
{
  GstElement *pipeline;
  guint       n_video;
  guint       n_audio;
} Readback;

static void
on_readback_pad (GstElement *demux,
                 GstPad     *pad,
                 gpointer    user_data)
{
  Readback *rb = user_data;
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  const char *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (sink, "sink");

  if (g_str_has_prefix (name, "video/"))
    rb->n_video++;
  else if (g_str_has_prefix (name, "audio/"))
    rb->n_audio++;
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (rb->pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  gst_pad_link (pad, sinkpad);
}

static void
on_readback_no_more_pads (GstElement *demux,
                          gpointer    user_data)
{
  gst_element_post_message (demux, gst_message_new_application (
    GST_OBJECT (demux), gst_structure_new_empty ("vs-merge-readback")));
}

static gboolean
read_back (Merge     *m,
           Readback  *rb,
           gint64    *duration_ms,
           GError   **error)
{
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  GstElement *src, *demux;
  gint64 duration = -1;
  gboolean ok = FALSE;

  rb->pipeline = gst_pipeline_new ("vs-merge-verify");
  src = gst_element_factory_make ("filesrc", NULL);
  demux = gst_element_factory_make ("qtdemux", NULL);
  if (src == NULL || demux == NULL)
    {
      g_clear_object (&src);
      g_clear_object (&demux);
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_UNSUPPORTED,
                   _("The GStreamer element “%s” is missing"), "qtdemux");
      return FALSE;
    }
  g_object_set (src, "location", m->temp, NULL);
  gst_bin_add_many (GST_BIN (rb->pipeline), src, demux, NULL);
  gst_element_link (src, demux);
  g_signal_connect (demux, "pad-added", G_CALLBACK (on_readback_pad), rb);
  g_signal_connect (demux, "no-more-pads", G_CALLBACK (on_readback_no_more_pads), rb);

  bus = gst_element_get_bus (rb->pipeline);
  gst_element_set_state (rb->pipeline, GST_STATE_PAUSED);
  /* qtdemux has read the index once it has exposed all its streams */
  message = gst_bus_timed_pop_filtered (bus, VERIFY_TIMEOUT,
                                        GST_MESSAGE_APPLICATION | GST_MESSAGE_ERROR);
  if (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_APPLICATION &&
      gst_element_query_duration (demux, GST_FORMAT_TIME, &duration) && duration >= 0)
    {
      *duration_ms = duration / GST_MSECOND;
      ok = TRUE;
    }
  else
    {
      g_autoptr(GError) gst_error = NULL;

      if (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        gst_message_parse_error (message, &gst_error, NULL);
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_VERIFY_FAILED,
                   _("The merged file could not be read back: %s"),
                   gst_error ? gst_error->message : _("no duration"));
    }
  gst_element_set_state (rb->pipeline, GST_STATE_NULL);
  g_clear_object (&rb->pipeline);
  return ok;
}

gboolean
_vs_hls_merge_verify (Merge   *m,
                      GError **error)
{
  Readback rb = { 0 };
  gint64 duration_ms = -1;

  if (!read_back (m, &rb, &duration_ms, error))
    return FALSE;
  GST_INFO ("merged: %u video, %u audio, %" G_GINT64_FORMAT " ms (playlist %" G_GINT64_FORMAT
            " ms, %u video, %u audio)", rb.n_video, rb.n_audio, duration_ms, m->duration_ms,
            m->n_video, m->n_audio);

  if (rb.n_video != m->n_video || rb.n_audio != m->n_audio || rb.n_video + rb.n_audio == 0)
    {
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_VERIFY_FAILED,
                   _("The merged file has %u video and %u audio streams; the source has %u and %u"),
                   rb.n_video, rb.n_audio, m->n_video, m->n_audio);
      return FALSE;
    }
  if (ABS (duration_ms - m->duration_ms) > DURATION_SLACK_MS)
    {
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_VERIFY_FAILED,
                   _("The merged file lasts %.1f s; the playlist says %.1f s"),
                   duration_ms / 1000.0, m->duration_ms / 1000.0);
      return FALSE;
    }
  return TRUE;
}

/* Putting the result in place ------------------------------------------------ */

gboolean
_vs_hls_merge_sync_file (const char  *path,
                         GError     **error)
{
  /* O_NONBLOCK: fsync() does not care, and a FIFO put in the file's place cannot hang us */
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
  int saved;

  if (fd >= 0 && fsync (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Could not write the merged file: %s"), g_strerror (saved));
  return FALSE;
}

gboolean
_vs_hls_merge_move_into_place (Merge   *m,
                               GError **error)
{
  g_autofree char *display = g_filename_display_name (m->output);
  int r;

  /* Without --force a file that appeared meanwhile is not replaced. */
  r = renameat2 (AT_FDCWD, m->temp, AT_FDCWD, m->output, m->force ? 0 : RENAME_NOREPLACE);
  if (r != 0 && errno == EINVAL && !m->force)
    {
      /* file systems without RENAME_NOREPLACE: link() never replaces either */
      r = link (m->temp, m->output);
      if (r == 0)
        g_unlink (m->temp);
    }
  if (r == 0)
    return TRUE;
  if (errno == EEXIST)
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_EXISTS,
                 _("“%s” already exists (use --force to replace it)"), display);
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 _("Could not create “%s”: %s"), display, g_strerror (errno));
  return FALSE;
}

/* The source goes through the guarded module, which takes the folder's inventory again
 * (under its lock, the merge still holding its own): a file that appeared or changed since
 * the start keeps the whole folder where it is. */
gboolean
_vs_hls_merge_trash_source (Merge   *m,
                            GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = g_filename_display_name (m->output);

  if (vs_trash_run (m->source_trash, NULL, &local_error))
    return TRUE;
  g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_TRASH_FAILED,
               _("The MP4 was written to “%s”, but the HLS folder could not be moved to the "
                 "trash: %s"), display, local_error->message);
  return FALSE;
}

/* Takes the folder's inventory before anything is read or written; refused when the
 * folder is protected (a library folder, home, a standard folder, a disk's top: by device
 * and inode). */
gboolean
_vs_hls_merge_take_source_inventory (Merge   *m,
                                     GError **error)
{
  g_autoptr(GError) local_error = NULL;

  m->source_trash = vs_trash_new_for_folder (m->folder, (const char * const *) m->roots,
                                             m->cancellable, &local_error);
  if (m->source_trash != NULL)
    return TRUE;
  if (g_error_matches (local_error, VS_TRASH_ERROR, VS_TRASH_ERROR_PROTECTED))
    g_set_error_literal (error, VS_MERGE_ERROR, VS_MERGE_ERROR_SOURCE_PROTECTED,
                         local_error->message);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}
