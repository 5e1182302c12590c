/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-media-worker: decodes for Vidshelf, one request per line on stdin
 *
 * Requests and responses are JSON objects, one per line (see vs-media-worker.c). A
 * GstDiscoverer and a thumbnailer live for the whole process, so they are reused across
 * files; the parent kills and restarts this process when a file hangs or crashes it.
 */
#define G_LOG_DOMAIN "vs-media-worker"

#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>

#include "vs-filmstrip.h"
#include "vs-fingerprint.h"
#include "vs-media-worker.h"
#include "vs-prober.h"
#include "vs-thumbnailer.h"

typedef struct
{
  guint          timeout_ms;
  VsProber      *prober;
  VsThumbnailer *thumbnailer;
} Worker;

static JsonNode *
handle_probe (Worker      *w,
              const char  *path,
              GError     **error)
{
  g_autoptr(VsProbeResult) result = NULL;

  if (w->prober == NULL && (w->prober = vs_prober_new (w->timeout_ms, error)) == NULL)
    return NULL;
  result = vs_prober_probe (w->prober, path, NULL, error);
  return result != NULL ? vs_media_worker_probe_to_json (result) : NULL;
}

static JsonNode *
handle_thumbnail (Worker      *w,
                  JsonObject  *req,
                  const char  *path,
                  GError     **error)
{
  const char *output_uri = vs_media_json_get_string (req, "output", NULL);
  g_autofree char *output = NULL;
  g_autofree char *written = NULL;
  g_autofree char *written_uri = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 size = vs_media_json_get_int (req, "size", VS_THUMBNAIL_SIZE_LARGE);

  if (vs_thumbnail_size_to_string ((VsThumbnailSize) size) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No thumbnail size %d",
                   (int) size);
      return NULL;
    }
  if (output_uri != NULL && (output = g_filename_from_uri (output_uri, NULL, error)) == NULL)
    return NULL;
  if (w->thumbnailer == NULL)
    w->thumbnailer = vs_thumbnailer_new (w->timeout_ms);
  /* Missing (an older client): an existing output is kept. */
  written = vs_thumbnailer_generate_full (w->thumbnailer, path, (VsThumbnailSize) size, output,
                                          vs_media_json_get_boolean (req, "replace", FALSE), NULL,
                                          error);
  if (written == NULL)
    return NULL;
  /* The root's sharing is on: the share gets a copy; one that cannot be written (read-only,
   * another program's thumbnail there) leaves the personal cache's, which is enough. */
  if (output == NULL && vs_media_json_get_boolean (req, "shared", FALSE))
    {
      g_autoptr(GError) share_error = NULL;

      if (!vs_thumbnail_share (path, written, (VsThumbnailSize) size, &share_error))
        g_debug ("Not shared: %s", share_error->message);
    }
  written_uri = g_filename_to_uri (written, NULL, error);
  if (written_uri == NULL)
    return NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, written_uri);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
handle_filmstrip (Worker      *w,
                  JsonObject  *req,
                  const char  *path,
                  GError     **error)
{
  const char *output_uri = vs_media_json_get_string (req, "output", NULL);
  gint64 budget = vs_media_json_get_int (req, "budget", 0);
  g_autofree char *output = NULL;
  g_autofree char *written = NULL;
  g_autofree char *written_uri = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint decoded = 0, evicted = 0;

  if (output_uri != NULL && (output = g_filename_from_uri (output_uri, NULL, error)) == NULL)
    return NULL;
  if (w->thumbnailer == NULL)
    w->thumbnailer = vs_thumbnailer_new (w->timeout_ms);
  /* It allows a filmstrip VS_MEDIA_WORKER_FILMSTRIP_TIME_FACTOR times a file's limit. */
  written = vs_thumbnailer_make_filmstrip (w->thumbnailer, path, output,
                                           vs_media_json_get_boolean (req, "replace", FALSE),
                                           &decoded, NULL, error);
  if (written == NULL)
    return NULL;
  /* Kept within the budget, the strip just written included: it is the most recently
   * used, and a budget below its own size still keeps it. */
  if (output == NULL && budget > 0)
    {
      GStatBuf st;
      guint64 keep = (guint64) budget;

      if (g_stat (written, &st) == 0)
        keep = MAX (keep, (guint64) st.st_size);
      evicted = vs_filmstrip_cache_trim (keep, NULL);
    }
  written_uri = g_filename_to_uri (written, NULL, error);
  if (written_uri == NULL)
    return NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, written_uri);
  json_builder_set_member_name (b, "decoded");
  json_builder_add_int_value (b, decoded);
  json_builder_set_member_name (b, "evicted");
  json_builder_add_int_value (b, evicted);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
handle_fingerprint (Worker      *w,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *hex = NULL;
  VsFingerprint fingerprint;
  guint decoded = 0;

  if (w->thumbnailer == NULL)
    w->thumbnailer = vs_thumbnailer_new (w->timeout_ms);
  /* The client allows it VS_MEDIA_WORKER_FINGERPRINT_TIME_FACTOR times a file's limit. */
  if (!vs_thumbnailer_make_fingerprint (w->thumbnailer, path, &fingerprint, &decoded, NULL,
                                        error))
    return NULL;
  hex = vs_fingerprint_to_hex (&fingerprint);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "fingerprint");
  json_builder_add_string_value (b, hex);
  json_builder_set_member_name (b, "decoded");
  json_builder_add_int_value (b, decoded);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
handle (Worker     *w,
        const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonNode *response = NULL;
  JsonObject *req;
  const char *op, *uri;

  if (!json_parser_load_from_data (parser, line, -1, &error))
    return vs_media_worker_error_to_json (error);
  /* an empty line parses, with no root at all */
  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "A request is a JSON object");
      return vs_media_worker_error_to_json (error);
    }
  req = json_node_get_object (json_parser_get_root (parser));
  op = vs_media_json_get_string (req, "op", "");
  uri = vs_media_json_get_string (req, "uri", NULL);
  if (uri == NULL || (path = g_filename_from_uri (uri, NULL, &error)) == NULL)
    {
      if (error == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No file given");
      return vs_media_worker_error_to_json (error);
    }

  if (g_str_equal (op, "probe"))
    response = handle_probe (w, path, &error);
  else if (g_str_equal (op, "thumbnail"))
    response = handle_thumbnail (w, req, path, &error);
  else if (g_str_equal (op, "filmstrip"))
    response = handle_filmstrip (w, req, path, &error);
  else if (g_str_equal (op, "fingerprint"))
    response = handle_fingerprint (w, path, &error);
  else
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Unknown request “%s”", op);

  return response != NULL ? response : vs_media_worker_error_to_json (error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— decode for Vidshelf");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  Worker w = { 15000, NULL, NULL };
  int timeout_ms = 15000;
  const GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_ms, "Time limit of one file", "MS" },
    { NULL }
  };
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;

  setlocale (LC_ALL, "");
  /* Decoders run on their own streaming threads; one malloc arena per thread would keep
   * each thread's freed frames resident. Two arenas cost nothing measurable in speed. */
  mallopt (M_ARENA_MAX, 2);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "vidshelf-media-worker: %s\n", error->message);
      return 2;
    }
  w.timeout_ms = (guint) MAX (timeout_ms, 1);
  gst_init (NULL, NULL);

  while ((n = getline (&line, &cap, stdin)) > 0)
    {
      g_autoptr(JsonNode) response = NULL;
      g_autofree char *text = NULL;

      if (line[n - 1] == '\n')
        line[n - 1] = '\0';
      response = handle (&w, line);
      json_generator_set_root (generator, response);
      text = json_generator_to_data (generator, NULL);
      fputs (text, stdout);
      fputc ('\n', stdout);
      fflush (stdout);
      /* Give the decoder's freed buffers back between files: the helper lives long. */
      malloc_trim (0);
    }

  free (line);
  g_clear_object (&w.prober);
  g_clear_object (&w.thumbnailer);
  gst_deinit ();
  return 0;
}
