/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-media-worker.c: requests to a vidshelf-media-worker process over JSON lines */
#define G_LOG_DOMAIN "vs-media-worker"

#include "config.h"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <gst/gst.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "vs-filmstrip.h"
#include "vs-media-worker.h"
#include "vs-playlist.h"

/* The helper enforces the per-file limit itself; the client allows this much more before
 * it concludes the helper is stuck and kills it. */
#define GRACE_MS 3000
/* A response line is small; anything longer is a broken helper. */
#define MAX_RESPONSE 65536
/* Decoder libraries keep caches that grow slowly with every file; a fresh helper now and
 * then keeps a long session's memory where the first files put it. */
#define FILES_PER_HELPER 64

struct _VsMediaWorker
{
  GObject      parent_instance;

  GSubprocess *process;
  GString     *pending;      /* bytes read past the last response */
  guint        timeout_ms;
  guint        served;       /* requests answered by the current helper */
  GStrv        temp_dirs;    /* where the request in flight may leave temporary files */
};

G_DEFINE_FINAL_TYPE (VsMediaWorker, vs_media_worker, G_TYPE_OBJECT)
G_DEFINE_QUARK (vs-media-worker-error-quark, vs_media_worker_error)

char *
vs_media_worker_find_helper (void)
{
  const char *env = g_getenv ("VIDSHELF_MEDIA_WORKER");
  g_autofree char *installed = g_build_filename (LIBEXECDIR, "vidshelf-media-worker", NULL);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  if (self_exe != NULL)
    {
      /* Running from the build tree: src/{cli,ui}/… next to src/worker/. */
      g_autofree char *dir = g_path_get_dirname (self_exe);
      g_autofree char *candidate = g_build_filename (dir, "..", "worker", "vidshelf-media-worker",
                                                     NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        return g_canonicalize_filename (candidate, NULL);
    }
  return NULL;
}

static void
stop_helper (VsMediaWorker *self)
{
  GPid pid;

  if (self->process == NULL)
    return;
  pid = vs_media_worker_get_pid (self);
  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  /* Killed (time limit, cancel) or crashed mid-request, perhaps between writing a
   * thumbnail's temporary file and renaming it: that file carries its pid. */
  for (guint i = 0; pid > 0 && self->temp_dirs != NULL && self->temp_dirs[i] != NULL; i++)
    vs_thumbnail_remove_temp_files (self->temp_dirs[i], pid, 0);
  g_clear_pointer (&self->temp_dirs, g_strfreev);
  g_clear_object (&self->process);
  g_string_truncate (self->pending, 0);
  self->served = 0;
}

static gboolean
ensure_helper (VsMediaWorker  *self,
               GError        **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *helper = NULL;
  g_autofree char *timeout = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self->process != NULL)
    return TRUE;

  helper = vs_media_worker_find_helper ();
  if (helper == NULL)
    {
      g_set_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_NO_HELPER,
                   "The media helper vidshelf-media-worker is not installed");
      return FALSE;
    }
  timeout = g_strdup_printf ("%u", self->timeout_ms);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  self->process = g_subprocess_launcher_spawn (launcher, &local_error, helper,
                                               "--timeout", timeout, NULL);
  if (self->process == NULL)
    {
      g_set_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_NO_HELPER,
                   "Cannot start the media helper: %s", local_error->message);
      return FALSE;
    }
  g_debug ("Started media helper %s", g_subprocess_get_identifier (self->process));
  return TRUE;
}

/* Reads one line from the helper, waiting at most until @deadline (monotonic µs), which
 * is @limit_ms after the request's start (for the error). */
static char *
read_line (VsMediaWorker  *self,
           gint64          deadline,
           guint           limit_ms,
           GCancellable   *cancellable,
           GError        **error)
{
  GInputStream *out = g_subprocess_get_stdout_pipe (self->process);
  int fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (out));
  GPollFD cancel_fd = { -1, 0, 0 };
  gboolean have_cancel_fd = g_cancellable_make_pollfd (cancellable, &cancel_fd);

  for (;;)
    {
      char *newline = memchr (self->pending->str, '\n', self->pending->len);
      struct pollfd fds[2] = { { fd, POLLIN, 0 }, { cancel_fd.fd, POLLIN, 0 } };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      char buf[4096];
      ssize_t n;
      int rc;

      if (newline != NULL)
        {
          char *line = g_strndup (self->pending->str, newline - self->pending->str);

          g_string_erase (self->pending, 0, newline - self->pending->str + 1);
          if (have_cancel_fd)
            g_cancellable_release_fd (cancellable);
          return line;
        }
      if (self->pending->len > MAX_RESPONSE)
        {
          g_set_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_FAILED,
                       "The media helper sent garbage");
          break;
        }
      if (left <= 0)
        {
          g_set_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_TIMEOUT,
                       "Gave up after %u s: the decoder did not finish", limit_ms / 1000);
          break;
        }
      rc = poll (fds, have_cancel_fd ? 2 : 1, (int) MIN (left, G_MAXINT));
      if (rc < 0 && errno == EINTR)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (rc == 0)
        continue;
      n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int status;

          g_subprocess_wait (self->process, NULL, NULL);
          status = g_subprocess_get_if_signaled (self->process)
                   ? g_subprocess_get_term_sig (self->process)
                   : g_subprocess_get_exit_status (self->process);
          g_set_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_CRASHED,
                       "The decoder crashed (%s %d)",
                       g_subprocess_get_if_signaled (self->process) ? "signal" : "exit status",
                       status);
          break;
        }
      g_string_append_len (self->pending, buf, n);
    }

  if (have_cancel_fd)
    g_cancellable_release_fd (cancellable);
  /* Whatever went wrong, this helper's state is unknown: the next file gets a new one. */
  stop_helper (self);
  return NULL;
}

/* @temp_dirs: (transfer full) (nullable): where the helper writes, for stop_helper().
 * @time_factor: the request's time limit in files' time limits (a filmstrip's is longer). */
static JsonObject *
request (VsMediaWorker  *self,
         JsonBuilder    *builder,
         GStrv           temp_dirs,
         guint           time_factor,
         GCancellable   *cancellable,
         GError        **error)
{
  g_autoptr(JsonNode) node = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  GOutputStream *in;
  JsonObject *response;
  gint64 deadline;
  guint limit_ms;

  if (g_cancellable_set_error_if_cancelled (cancellable, error) || !ensure_helper (self, error))
    {
      g_strfreev (temp_dirs);
      return NULL;
    }

  g_strfreev (self->temp_dirs);
  self->temp_dirs = temp_dirs;
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  in = g_subprocess_get_stdin_pipe (self->process);
  if (!g_output_stream_write_all (in, text, strlen (text), NULL, NULL, NULL) ||
      !g_output_stream_write_all (in, "\n", 1, NULL, NULL, NULL) ||
      !g_output_stream_flush (in, NULL, NULL))
    {
      stop_helper (self);
      g_set_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_CRASHED,
                   "The media helper stopped");
      return NULL;
    }

  limit_ms = MIN (self->timeout_ms, G_MAXUINT / time_factor) * time_factor;
  deadline = g_get_monotonic_time () + ((gint64) limit_ms + GRACE_MS) * 1000;
  line = read_line (self, deadline, limit_ms, cancellable, error);
  if (line == NULL)
    return NULL;
  /* Answered: whatever it wrote is renamed or removed. */
  g_clear_pointer (&self->temp_dirs, g_strfreev);
  if (++self->served >= FILES_PER_HELPER)
    stop_helper (self);   /* idle now: nothing is lost */
  response = vs_media_worker_parse_response (line, &local_error);
  if (response == NULL &&
      g_error_matches (local_error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_FAILED))
    stop_helper (self);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return response;
}

/* A member holding a value of @type, else NULL. Both ends of the protocol read members
 * this way because json-glib's get_*_member_with_default() give NULL for a string member
 * holding a number and fail a critical for a member holding an object or an array. */
static JsonNode *
typed_member (JsonObject *o,
              const char *member,
              GType       type)
{
  JsonNode *node = json_object_get_member (o, member);

  return node != NULL && json_node_get_value_type (node) == type ? node : NULL;
}

const char *
vs_media_json_get_string (JsonObject *object,
                          const char *member,
                          const char *fallback)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, fallback);
  g_return_val_if_fail (member != NULL, fallback);

  node = typed_member (object, member, G_TYPE_STRING);
  return node != NULL ? json_node_get_string (node) : fallback;
}

gint64
vs_media_json_get_int (JsonObject *object,
                       const char *member,
                       gint64      fallback)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, fallback);
  g_return_val_if_fail (member != NULL, fallback);

  node = typed_member (object, member, G_TYPE_INT64);
  return node != NULL ? json_node_get_int (node) : fallback;
}

gboolean
vs_media_json_get_boolean (JsonObject *object,
                           const char *member,
                           gboolean    fallback)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, fallback);
  g_return_val_if_fail (member != NULL, fallback);

  node = typed_member (object, member, G_TYPE_BOOLEAN);
  return node != NULL ? json_node_get_boolean (node) : fallback;
}

static gboolean
boolean_member (JsonObject *o,
                const char *member)
{
  return vs_media_json_get_boolean (o, member, FALSE);
}

/* The domain a helper names, among those it can send (0 for any other): interning any
 * name it sends would let a broken helper grow the quark table without bound. */
static GQuark
error_domain (const char *name)
{
  const GQuark known[] = {
    G_IO_ERROR, G_FILE_ERROR, G_CONVERT_ERROR, VS_PLAYLIST_ERROR, VS_PROBER_ERROR,
    VS_THUMBNAILER_ERROR, VS_MEDIA_WORKER_ERROR, VS_FINGERPRINT_ERROR, GST_CORE_ERROR,
    GST_LIBRARY_ERROR, GST_RESOURCE_ERROR, GST_STREAM_ERROR,
  };
  GQuark quark = name != NULL ? g_quark_try_string (name) : 0;

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (quark == known[i])
      return quark;
  return 0;
}

JsonObject *
vs_media_worker_parse_response (const char  *line,
                                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *response;

  g_return_val_if_fail (line != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* An empty line parses, with no root at all. */
  if (!json_parser_load_from_data (parser, line, -1, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_FAILED,
                   "The media helper sent garbage");
      return NULL;
    }
  response = json_node_get_object (json_parser_get_root (parser));
  if (!boolean_member (response, "ok"))
    {
      GQuark domain = error_domain (vs_media_json_get_string (response, "domain", NULL));
      int code = (int) CLAMP (vs_media_json_get_int (response, "code", 0), G_MININT, G_MAXINT);

      g_set_error_literal (error, domain != 0 ? domain : VS_MEDIA_WORKER_ERROR,
                           domain != 0 ? code : VS_MEDIA_WORKER_ERROR_FAILED,
                           vs_media_json_get_string (response, "message", "Failed"));
      return NULL;
    }
  return json_object_ref (response);
}

static void
add_path (JsonBuilder *b,
          const char  *member,
          const char  *path)
{
  /* As a URI: file names are bytes, JSON strings are UTF-8. */
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, uri);
}

VsProbeResult *
vs_media_worker_probe (VsMediaWorker  *self,
                       const char     *path,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonObject) response = NULL;

  g_return_val_if_fail (VS_IS_MEDIA_WORKER (self), NULL);
  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "op");
  json_builder_add_string_value (b, "probe");
  add_path (b, "uri", path);
  json_builder_end_object (b);

  response = request (self, b, NULL, 1, cancellable, error);
  return response != NULL ? vs_media_worker_probe_from_json (response) : NULL;
}

/* The folders a thumbnail request writes to: beside @output, or the size's folder of the
 * cache and the fail markers' folder. */
static GStrv
thumbnail_folders (const char      *path,
                   VsThumbnailSize  size,
                   const char      *output)
{
  g_autoptr(GStrvBuilder) folders = g_strv_builder_new ();
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  if (output != NULL)
    {
      g_autofree char *folder = g_path_get_dirname (output);

      g_strv_builder_add (folders, folder);
    }
  else if (uri != NULL)
    {
      g_autofree char *thumbnail = vs_thumbnail_path (uri, size);
      g_autofree char *fail = vs_thumbnail_fail_path (uri);
      g_autofree char *thumbnail_folder = g_path_get_dirname (thumbnail);
      g_autofree char *fail_folder = g_path_get_dirname (fail);

      g_strv_builder_add (folders, thumbnail_folder);
      g_strv_builder_add (folders, fail_folder);
    }
  /* Not a shared repository's folder: finding a killed helper's file there would list a
   * folder of a NAS, and the helper copies to the share only after decoding, a moment a
   * kill at the time limit all but never falls in. */
  return g_strv_builder_end (folders);
}

char *
vs_media_worker_thumbnail (VsMediaWorker   *self,
                           const char      *path,
                           VsThumbnailSize  size,
                           const char      *output,
                           gboolean         replace,
                           gboolean         shared,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonObject) response = NULL;

  g_return_val_if_fail (VS_IS_MEDIA_WORKER (self), NULL);
  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "op");
  json_builder_add_string_value (b, "thumbnail");
  add_path (b, "uri", path);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, size);
  if (output != NULL)
    {
      add_path (b, "output", output);
      json_builder_set_member_name (b, "replace");
      json_builder_add_boolean_value (b, replace);
    }
  else if (shared)
    {
      json_builder_set_member_name (b, "shared");
      json_builder_add_boolean_value (b, TRUE);
    }
  json_builder_end_object (b);

  response = request (self, b, thumbnail_folders (path, size, output), 1, cancellable, error);
  if (response == NULL)
    return NULL;
  return vs_media_worker_thumbnail_from_json (response, error);
}

/* The folder a filmstrip request writes to: beside @output, or the cache's (where its fail
 * markers go too). */
static GStrv
filmstrip_folders (const char *output)
{
  g_autoptr(GStrvBuilder) folders = g_strv_builder_new ();
  g_autofree char *folder = output != NULL ? g_path_get_dirname (output)
                                           : vs_filmstrip_cache_dir ();

  g_strv_builder_add (folders, folder);
  return g_strv_builder_end (folders);
}

char *
vs_media_worker_filmstrip (VsMediaWorker  *self,
                           const char     *path,
                           const char     *output,
                           gboolean        replace,
                           guint64         budget,
                           guint          *out_decoded,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonObject) response = NULL;
  char *written;

  g_return_val_if_fail (VS_IS_MEDIA_WORKER (self), NULL);
  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), NULL);
  g_return_val_if_fail (output == NULL || g_path_is_absolute (output), NULL);

  if (out_decoded != NULL)
    *out_decoded = 0;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "op");
  json_builder_add_string_value (b, "filmstrip");
  add_path (b, "uri", path);
  if (output != NULL)
    {
      add_path (b, "output", output);
      json_builder_set_member_name (b, "replace");
      json_builder_add_boolean_value (b, replace);
    }
  else if (budget > 0)
    {
      json_builder_set_member_name (b, "budget");
      json_builder_add_int_value (b, (gint64) MIN (budget, (guint64) G_MAXINT64));
    }
  json_builder_end_object (b);

  response = request (self, b, filmstrip_folders (output), VS_MEDIA_WORKER_FILMSTRIP_TIME_FACTOR,
                      cancellable, error);
  if (response == NULL)
    return NULL;
  written = vs_media_worker_thumbnail_from_json (response, error);
  if (written != NULL && out_decoded != NULL)
    *out_decoded = (guint) CLAMP (vs_media_json_get_int (response, "decoded", 0), 0, G_MAXUINT);
  return written;
}

gboolean
vs_media_worker_fingerprint (VsMediaWorker  *self,
                             const char     *path,
                             VsFingerprint  *out,
                             guint          *out_decoded,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *hex;

  g_return_val_if_fail (VS_IS_MEDIA_WORKER (self), FALSE);
  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (out_decoded != NULL)
    *out_decoded = 0;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "op");
  json_builder_add_string_value (b, "fingerprint");
  add_path (b, "uri", path);
  json_builder_end_object (b);

  /* Nothing is written: no temporary file to look for after a kill. */
  response = request (self, b, NULL, VS_MEDIA_WORKER_FINGERPRINT_TIME_FACTOR, cancellable,
                      error);
  if (response == NULL)
    return FALSE;
  hex = vs_media_json_get_string (response, "fingerprint", NULL);
  if (hex == NULL || !vs_fingerprint_from_hex (hex, out, &local_error))
    {
      g_set_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_FAILED,
                   "The media helper sent garbage%s%s", local_error != NULL ? ": " : "",
                   local_error != NULL ? local_error->message : "");
      return FALSE;
    }
  if (out_decoded != NULL)
    *out_decoded = (guint) CLAMP (vs_media_json_get_int (response, "decoded", 0), 0, G_MAXUINT);
  return TRUE;
}

char *
vs_media_worker_thumbnail_from_json (JsonObject  *object,
                                     GError     **error)
{
  const char *uri;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = vs_media_json_get_string (object, "path", NULL);
  if (uri == NULL)
    g_set_error (error, VS_MEDIA_WORKER_ERROR, VS_MEDIA_WORKER_ERROR_FAILED,
                 "The media helper sent garbage");
  return uri != NULL ? g_filename_from_uri (uri, NULL, error) : NULL;
}

GPid
vs_media_worker_get_pid (VsMediaWorker *self)
{
  const char *id;

  g_return_val_if_fail (VS_IS_MEDIA_WORKER (self), 0);

  id = self->process ? g_subprocess_get_identifier (self->process) : NULL;
  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

/* JSON forms ------------------------------------------------------------- */

static void
add_string (JsonBuilder *b,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
vs_probe_result_add_json_members (const VsProbeResult *r,
                                  JsonBuilder         *b)
{
  g_return_if_fail (r != NULL && JSON_IS_BUILDER (b));

  json_builder_set_member_name (b, "duration_ms");
  if (r->duration_ms >= 0)
    json_builder_add_int_value (b, r->duration_ms);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, r->width);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, r->height);
  add_string (b, "video_codec", r->video_codec);
  add_string (b, "audio_codec", r->audio_codec);
  add_string (b, "container", r->container);
  json_builder_set_member_name (b, "has_video");
  json_builder_add_boolean_value (b, r->has_video);
  json_builder_set_member_name (b, "has_audio");
  json_builder_add_boolean_value (b, r->has_audio);
}

JsonNode *
vs_media_worker_probe_to_json (const VsProbeResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  vs_probe_result_add_json_members (r, b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static char *
dup_member (JsonObject *o,
            const char *member)
{
  return g_strdup (vs_media_json_get_string (o, member, NULL));
}

VsProbeResult *
vs_media_worker_probe_from_json (JsonObject *o)
{
  VsProbeResult *r = g_new0 (VsProbeResult, 1);

  r->duration_ms = MAX (vs_media_json_get_int (o, "duration_ms", -1), -1);
  r->width = (int) CLAMP (vs_media_json_get_int (o, "width", 0), 0, G_MAXINT);
  r->height = (int) CLAMP (vs_media_json_get_int (o, "height", 0), 0, G_MAXINT);
  r->video_codec = dup_member (o, "video_codec");
  r->audio_codec = dup_member (o, "audio_codec");
  r->container = dup_member (o, "container");
  r->has_video = boolean_member (o, "has_video");
  r->has_audio = boolean_member (o, "has_audio");
  return r;
}

JsonNode *
vs_media_worker_error_to_json (const GError *error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, FALSE);
  add_string (b, "domain", g_quark_to_string (error->domain));
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, error->code);
  add_string (b, "message", error->message);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* GObject ---------------------------------------------------------------- */

VsMediaWorker *
vs_media_worker_new (guint timeout_ms)
{
  VsMediaWorker *self = g_object_new (VS_TYPE_MEDIA_WORKER, NULL);

  self->timeout_ms = timeout_ms > 0 ? timeout_ms : 15000;
  return self;
}

static void
vs_media_worker_finalize (GObject *object)
{
  VsMediaWorker *self = VS_MEDIA_WORKER (object);

  /* Closing stdin ends the helper's loop; kill it if it does not go. */
  if (self->process != NULL)
    {
      g_output_stream_close (g_subprocess_get_stdin_pipe (self->process), NULL, NULL);
      stop_helper (self);
    }
  g_strfreev (self->temp_dirs);
  g_string_free (self->pending, TRUE);

  G_OBJECT_CLASS (vs_media_worker_parent_class)->finalize (object);
}

static void
vs_media_worker_class_init (VsMediaWorkerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_media_worker_finalize;
}

static void
vs_media_worker_init (VsMediaWorker *self)
{
  self->pending = g_string_new (NULL);
}
