/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-prober.c: media facts (duration, size, codecs) with a reused GstDiscoverer
 *
 * Each prober owns one GstDiscoverer and drives its synchronous API on the calling
 * thread, so the discoverer's pipeline is built once and only the per-URI part of it
 * (source, demuxer, parsers) is rebuilt for each file.
 *
 * Decoding is most of what a discovery costs (decoder set-up, its threads, a first
 * frame per stream) and tells us nothing a demuxer or parser has not already said, so
 * the discoverer's uridecodebin is told to stop autoplugging at audio and video streams
 * whose caps already carry what we report. A decoder is still plugged when nothing
 * upstream knows a video's size.
 *
 * HLS playlists never go through GStreamer: their duration is the exact #EXTINF sum,
 * and only their first local segment is discovered, for the picture size and codecs.
 */
#define G_LOG_DOMAIN "vs-prober"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "vs-path.h"
#include "vs-playlist.h"
#include "vs-prober.h"

GST_DEBUG_CATEGORY_STATIC (vs_prober_debug);
#define GST_CAT_DEFAULT vs_prober_debug

#define DEFAULT_TIMEOUT_MS 15000
/* GstDiscoverer:timeout accepts 1 s to 1 h. */
#define MIN_TIMEOUT_MS     1000
#define MAX_TIMEOUT_MS     (3600 * 1000)
/* Top-level boxes walked looking for an MP4's index before leaving the verdict to GStreamer. */
#define MAX_MP4_BOXES      64

struct _VsProber
{
  GObject        parent_instance;

  /* owned */
  GstDiscoverer *discoverer;
  GstElement    *source;       /* the current URI's source element, under lock */

  /* borrowed: owned by the discoverer for its whole life, compared only */
  GstElement    *hooked_bin;   /* the uridecodebin we connected to, under lock */

  /* source, hooked_bin and the flags below: a cancel comes from any thread */
  GMutex         lock;
  gboolean       discovering;
  gboolean       cancel_requested; /* cancelled before the source existed */

  guint          timeout_ms;
};

G_DEFINE_FINAL_TYPE (VsProber, vs_prober, G_TYPE_OBJECT)
G_DEFINE_QUARK (vs-prober-error-quark, vs_prober_error)
G_DEFINE_BOXED_TYPE (VsProbeResult, vs_probe_result, vs_probe_result_copy, vs_probe_result_free)

VsProbeResult *
vs_probe_result_copy (const VsProbeResult *self)
{
  VsProbeResult *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new (VsProbeResult, 1);
  *copy = *self;
  copy->video_codec = g_strdup (self->video_codec);
  copy->audio_codec = g_strdup (self->audio_codec);
  copy->container = g_strdup (self->container);
  return copy;
}

void
vs_probe_result_free (VsProbeResult *self)
{
  if (self == NULL)
    return;
  g_free (self->video_codec);
  g_free (self->audio_codec);
  g_free (self->container);
  g_free (self);
}

static VsProbeResult *
probe_result_new (void)
{
  VsProbeResult *result = g_new0 (VsProbeResult, 1);

  result->duration_ms = -1;
  return result;
}

static void
vs_prober_dispose (GObject *object)
{
  VsProber *self = VS_PROBER (object);

  g_clear_object (&self->discoverer);
  g_clear_object (&self->source);
  self->hooked_bin = NULL;

  G_OBJECT_CLASS (vs_prober_parent_class)->dispose (object);
}

static void
vs_prober_finalize (GObject *object)
{
  VsProber *self = VS_PROBER (object);

  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vs_prober_parent_class)->finalize (object);
}

static void
vs_prober_class_init (VsProberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_prober_dispose;
  object_class->finalize = vs_prober_finalize;
}

static void
vs_prober_init (VsProber *self)
{
  g_mutex_init (&self->lock);
}

static gboolean
klass_has (GstElement *element,
           const char *word)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  const char *klass;

  if (factory == NULL)
    return FALSE;
  klass = gst_element_factory_get_metadata (factory, GST_ELEMENT_METADATA_KLASS);
  return klass != NULL && strstr (klass, word) != NULL;
}

static gboolean
is_factory (GstElement *element,
            const char *name)
{
  GstElementFactory *factory = gst_element_get_factory (element);

  return factory != NULL && g_strcmp0 (GST_OBJECT_NAME (factory), name) == 0;
}

/* The element that produced the stream on @pad, decodebin's ghost pad. Decodebin puts a
 * capsfilter after a parser that can convert between stream formats: look through it. */
static GstElement *
stream_producer (GstPad *pad)
{
  g_autoptr(GstPad) target = NULL;
  GstElement *element;

  if (!GST_IS_GHOST_PAD (pad) || (target = gst_ghost_pad_get_target (GST_GHOST_PAD (pad))) == NULL)
    return NULL;
  element = gst_pad_get_parent_element (target);
  if (element != NULL && is_factory (element, "capsfilter"))
    {
      g_autoptr(GstElement) filter = element;
      g_autoptr(GstPad) sink = gst_element_get_static_pad (filter, "sink");
      g_autoptr(GstPad) peer = sink != NULL ? gst_pad_get_peer (sink) : NULL;

      element = peer != NULL ? gst_pad_get_parent_element (peer) : NULL;
    }
  return element;
}

/* uridecodebin::autoplug-continue, on a streaming thread: TRUE plugs more elements.
 * Tag demuxers (ID3, APE) and a whole-file elementary stream (typefind) still get a parser:
 * that is what knows the duration. */
static gboolean
on_autoplug_continue (GstElement *bin,
                      GstPad     *pad,
                      GstCaps    *caps,
                      gpointer    user_data)
{
  const GstStructure *s;
  const char *name;
  g_autoptr(GstElement) producer = NULL;
  gboolean is_video;

  if (gst_caps_get_size (caps) == 0)
    return TRUE;
  s = gst_caps_get_structure (caps, 0);
  name = gst_structure_get_name (s);
  is_video = g_str_has_prefix (name, "video/");
  if (!is_video && !g_str_has_prefix (name, "audio/"))
    return TRUE;
  if (g_str_has_suffix (name, "/x-raw"))
    return TRUE;
  if (is_video && !(gst_structure_has_field (s, "width") && gst_structure_has_field (s, "height")))
    return TRUE;

  if ((producer = stream_producer (pad)) == NULL)
    return TRUE;
  if (klass_has (producer, "Parser"))
    return FALSE;
  return !(klass_has (producer, "Demux") &&
           !klass_has (producer, "Metadata") &&
           !klass_has (producer, "Adaptive"));
}

/* The synchronous discoverer polls its bus, so an error message posted by the current
 * source ends the discovery at once. */
static void
post_cancel (GstElement *source)
{
  GST_ELEMENT_ERROR (source, RESOURCE, FAILED, ("Operation was cancelled"), (NULL));
}

/* GstDiscoverer::source-setup, emitted while the pipeline goes to PAUSED for a new URI.
 * The source's parent is the discoverer's uridecodebin, which has no public accessor. */
static void
on_source_setup (GstDiscoverer *discoverer,
                 GstElement    *source,
                 VsProber      *self)
{
  g_autoptr(GstObject) parent = gst_object_get_parent (GST_OBJECT (source));
  gboolean hook = FALSE;
  gboolean cancel;

  g_mutex_lock (&self->lock);
  g_set_object (&self->source, source);
  cancel = self->discovering && self->cancel_requested;
  if (parent != NULL && GST_IS_ELEMENT (parent) && (GstElement *) parent != self->hooked_bin &&
      g_signal_lookup ("autoplug-continue", G_OBJECT_TYPE (parent)) != 0)
    {
      self->hooked_bin = GST_ELEMENT (parent);
      hook = TRUE;
    }
  g_mutex_unlock (&self->lock);

  if (hook)
    {
      GST_DEBUG_OBJECT (parent, "stopping autoplugging before decoders");
      g_signal_connect (parent, "autoplug-continue", G_CALLBACK (on_autoplug_continue), NULL);
    }
  if (cancel)
    post_cancel (source);
}

/* GCancellable::cancelled, from any thread. This cannot interrupt a state change that never
 * returns (a source blocked in open(), a hung decoder); the discoverer's own timeout does
 * not cover those either. */
static void
on_cancelled (GCancellable *cancellable,
              VsProber     *self)
{
  g_autoptr(GstElement) source = NULL;

  g_mutex_lock (&self->lock);
  self->cancel_requested = TRUE;
  if (self->discovering && self->source != NULL)
    source = g_object_ref (self->source);
  g_mutex_unlock (&self->lock);

  /* Once the discovery is over the source has left the pipeline and the message is dropped. */
  if (source != NULL)
    post_cancel (source);
}

VsProber *
vs_prober_new (guint    timeout_ms,
               GError **error)
{
  static gsize initialized = 0;
  g_autoptr(VsProber) self = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!gst_init_check (NULL, NULL, &local_error))
    {
      g_set_error (error, VS_PROBER_ERROR, VS_PROBER_ERROR_FAILED,
                   "Could not initialise GStreamer: %s", local_error->message);
      return NULL;
    }
  /* gst_pb_utils_init() is not thread-safe itself. */
  if (g_once_init_enter (&initialized))
    {
      gst_pb_utils_init ();
      GST_DEBUG_CATEGORY_INIT (vs_prober_debug, "vs-prober", 0, "Vidshelf media prober");
      g_once_init_leave (&initialized, 1);
    }

  self = g_object_new (VS_TYPE_PROBER, NULL);
  self->timeout_ms = CLAMP (timeout_ms == 0 ? DEFAULT_TIMEOUT_MS : timeout_ms,
                            MIN_TIMEOUT_MS, MAX_TIMEOUT_MS);
  self->discoverer = gst_discoverer_new ((GstClockTime) self->timeout_ms * GST_MSECOND,
                                         &local_error);
  if (self->discoverer == NULL)
    {
      g_set_error (error, VS_PROBER_ERROR, VS_PROBER_ERROR_MISSING_PLUGIN,
                   "Could not create a media discoverer: %s",
                   local_error != NULL ? local_error->message : "unknown error");
      return NULL;
    }
  g_signal_connect (self->discoverer, "source-setup", G_CALLBACK (on_source_setup), self);

  return g_steal_pointer (&self);
}

/* A description for people, e.g. "H.264 (High Profile)"; the caps name when pbutils has none. */
static char *
describe_caps (GstCaps *caps)
{
  char *description = NULL;

  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return NULL;
  if (gst_caps_is_fixed (caps))
    description = gst_pb_utils_get_codec_description (caps);
  if (description == NULL)
    description = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
  return description;
}

static char *
describe_stream (GstDiscovererStreamInfo *info)
{
  g_autoptr(GstCaps) caps = gst_discoverer_stream_info_get_caps (info);

  return describe_caps (caps);
}

static VsProbeResult *
result_from_info (GstDiscovererInfo *info)
{
  VsProbeResult *result = probe_result_new ();
  GstClockTime duration = gst_discoverer_info_get_duration (info);
  g_autoptr(GstDiscovererStreamInfo) top = gst_discoverer_info_get_stream_info (info);
  GList *videos = gst_discoverer_info_get_video_streams (info);
  GList *audios = gst_discoverer_info_get_audio_streams (info);

  /* The discoverer leaves 0 when no element answered the duration query. */
  if (GST_CLOCK_TIME_IS_VALID (duration) && duration > 0)
    result->duration_ms = (gint64) ((duration + GST_MSECOND / 2) / GST_MSECOND);

  for (GList *l = videos; l != NULL; l = l->next)
    {
      GstDiscovererVideoInfo *video = l->data;

      if (gst_discoverer_video_info_is_image (video))
        continue;
      result->has_video = TRUE;
      result->width = (int) gst_discoverer_video_info_get_width (video);
      result->height = (int) gst_discoverer_video_info_get_height (video);
      result->video_codec = describe_stream (l->data);
      break;
    }
  if (audios != NULL)
    {
      result->has_audio = TRUE;
      result->audio_codec = describe_stream (audios->data);
    }
  if (top != NULL && GST_IS_DISCOVERER_CONTAINER_INFO (top))
    result->container = describe_stream (top);

  gst_discoverer_stream_info_list_free (videos);
  gst_discoverer_stream_info_list_free (audios);
  return result;
}

/* "gstreamer|1.0|app|H.265 decoder|decoder-video/x-h265" → "H.265 decoder" */
static char *
describe_missing (GstDiscovererInfo *info)
{
  const char * const *details = gst_discoverer_info_get_missing_elements_installer_details (info);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; details != NULL && details[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (details[i], "|", 5);

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_strv_length (fields) >= 4 ? fields[3] : details[i]);
    }
  if (text->len == 0)
    g_string_append (text, "unknown elements");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Errors saying the bytes are not something GStreamer can read, as opposed to failing to
 * read them at all. */
static gboolean
is_not_media_error (const GError *gst_error)
{
  return g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_TYPE_NOT_FOUND) ||
         g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE) ||
         g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_DEMUX) ||
         g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT) ||
         g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE);
}

/* ISO BMFF (MP4, M4V, 3GP) keeps its index in a top-level 'moov' box, often written last, so
 * a file cut short (an interrupted download or recording) may have none and can never play.
 * qtdemux says so at once, but decodebin 1.22 sometimes drops that error because it comes
 * while the demuxer is still being activated, and the discovery then waits for its whole
 * timeout (stock gst-discoverer-1.0 does the same). Walking the box headers answers first.
 * TRUE only when @path starts with 'ftyp' and its boxes end without a 'moov'. */
static gboolean
is_mp4_without_index (const char *path)
{
  struct stat st;
  goffset offset = 0;
  int fd;
  gboolean missing = FALSE;

  /* the path was a regular file a moment ago, but opening must never block */
  if ((fd = vs_path_open_regular (path, NULL)) < 0)
    return FALSE;
  if (fstat (fd, &st) != 0)
    {
      close (fd);
      return FALSE;
    }

  for (guint i = 0; i < MAX_MP4_BOXES; i++)
    {
      guint8 header[16];
      ssize_t n = pread (fd, header, sizeof header, offset);
      guint32 size32;
      guint64 box_size;

      if (n < 8)
        {
          missing = i > 0; /* a cut inside a box header */
          break;
        }
      if (i == 0 && memcmp (header + 4, "ftyp", 4) != 0)
        break;
      if (memcmp (header + 4, "moov", 4) == 0)
        break;

      memcpy (&size32, header, sizeof size32);
      box_size = GUINT32_FROM_BE (size32);
      if (box_size == 1 && n == 16)
        {
          memcpy (&box_size, header + 8, sizeof box_size);
          box_size = GUINT64_FROM_BE (box_size);
        }
      else if (box_size == 0)
        box_size = (guint64) (st.st_size - offset); /* up to the end of the file */
      if (box_size < 8 || box_size > (guint64) (G_MAXINT64 - offset))
        break;

      offset += (goffset) box_size;
      if (offset >= st.st_size)
        {
          missing = TRUE;
          break;
        }
    }
  close (fd);
  return missing;
}

/* gst_discoverer_discover_uri() with @cancellable wired to the current source element. */
static GstDiscovererInfo *
run_discoverer (VsProber      *self,
                const char    *uri,
                GCancellable  *cancellable,
                GError       **gst_error)
{
  GstDiscovererInfo *info;
  gulong cancel_id = 0;

  g_mutex_lock (&self->lock);
  self->discovering = TRUE;
  self->cancel_requested = FALSE;
  g_mutex_unlock (&self->lock);
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);

  info = gst_discoverer_discover_uri (self->discoverer, uri, gst_error);

  /* Disconnecting waits for a handler running on another thread to return. */
  g_cancellable_disconnect (cancellable, cancel_id);
  g_mutex_lock (&self->lock);
  self->discovering = FALSE;
  g_clear_object (&self->source);
  g_mutex_unlock (&self->lock);

  return info;
}

/* Turns the discoverer's verdict into our error domain; TRUE when the discovery succeeded. */
static gboolean
check_verdict (VsProber           *self,
               GstDiscovererInfo  *info,
               const GError       *gst_error,
               const char         *display,
               GError            **error)
{
  const char *why = gst_error != NULL ? gst_error->message : "unknown error";

  switch (info != NULL ? gst_discoverer_info_get_result (info) : GST_DISCOVERER_ERROR)
    {
    case GST_DISCOVERER_OK:
      return TRUE;

    case GST_DISCOVERER_TIMEOUT:
      g_set_error (error, VS_PROBER_ERROR, VS_PROBER_ERROR_TIMEOUT,
                   "Probing “%s” took longer than %u ms", display, self->timeout_ms);
      return FALSE;

    case GST_DISCOVERER_MISSING_PLUGINS:
      {
        g_autofree char *missing = describe_missing (info);

        g_set_error (error, VS_PROBER_ERROR, VS_PROBER_ERROR_MISSING_PLUGIN,
                     "Cannot read “%s”: missing %s", display, missing);
        return FALSE;
      }

    case GST_DISCOVERER_URI_INVALID:
    case GST_DISCOVERER_ERROR:
    case GST_DISCOVERER_BUSY:
    default:
      g_set_error (error, VS_PROBER_ERROR,
                   gst_error != NULL && is_not_media_error (gst_error) ?
                     VS_PROBER_ERROR_NOT_MEDIA : VS_PROBER_ERROR_FAILED,
                   "Could not probe “%s”: %s", display, why);
      return FALSE;
    }
}

/* Runs the discoverer on @path, a regular file that is not empty. */
static VsProbeResult *
discover_file (VsProber      *self,
               const char    *path,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = NULL;
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autoptr(GError) gst_error = NULL;
  g_autoptr(VsProbeResult) result = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if ((uri = g_filename_to_uri (absolute, NULL, error)) == NULL)
    return NULL;
  if (is_mp4_without_index (path))
    {
      g_set_error (error, VS_PROBER_ERROR, VS_PROBER_ERROR_NOT_MEDIA,
                   "“%s” is an incomplete MP4 file: its index (moov) is missing", display);
      return NULL;
    }

  info = run_discoverer (self, uri, cancellable, &gst_error);
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !check_verdict (self, info, gst_error, display, error))
    return NULL;

  result = result_from_info (info);
  if (!result->has_video && !result->has_audio)
    {
      g_set_error (error, VS_PROBER_ERROR, VS_PROBER_ERROR_NOT_MEDIA,
                   "“%s” has no audio or video stream", display);
      return NULL;
    }
  return g_steal_pointer (&result);
}

/* Parsing must run to the end for the #EXTINF sum (returning FALSE would fail the parse), so
 * this only remembers the first segment with a local path, in *@user_data. */
static gboolean
on_hls_segment (const VsPlaylistSegment *segment,
                gpointer                 user_data)
{
  char **first_local = user_data;

  if (*first_local == NULL && segment->path != NULL)
    *first_local = g_strdup (segment->path);
  return TRUE;
}

static VsProbeResult *
probe_hls (VsProber      *self,
           const char    *path,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(VsProbeResult) result = NULL;
  g_autoptr(GError) segment_error = NULL;
  g_autofree char *first_local = NULL;
  struct stat st;

  playlist = vs_playlist_load (path, on_hls_segment, &first_local, cancellable, error);
  if (playlist == NULL)
    return NULL;

  /* The segment only adds picture size and codecs: a missing or unreadable one still
   * leaves the playlist's duration. */
  if (first_local != NULL && g_stat (first_local, &st) == 0 && S_ISREG (st.st_mode) &&
      st.st_size > 0)
    result = discover_file (self, first_local, cancellable, &segment_error);
  if (g_error_matches (segment_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&segment_error));
      return NULL;
    }
  if (segment_error != NULL)
    GST_INFO ("first segment of %s: %s", path, segment_error->message);

  if (result == NULL)
    result = probe_result_new ();
  result->duration_ms = vs_playlist_get_duration_ms (playlist);
  g_clear_pointer (&result->container, g_free);
  result->container = g_strdup ("HLS");
  return g_steal_pointer (&result);
}

static gboolean
is_playlist_name (const char *path)
{
  gsize len = strlen (path);

  return len >= 5 && g_ascii_strcasecmp (path + len - 5, ".m3u8") == 0;
}

VsProbeResult *
vs_prober_probe (VsProber      *self,
                 const char    *path,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree char *display = NULL;
  struct stat st;

  g_return_val_if_fail (VS_IS_PROBER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* Refused upfront: GStreamer's filesrc would block for ever opening a FIFO, and the
   * discoverer's timeout does not cover a source that never opens. */
  display = g_filename_display_name (path);
  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot probe “%s”: %s", display, g_strerror (saved_errno));
      return NULL;
    }
  /* A download folder is one video, as the scanner sees it: its playlist's. */
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *playlist = vs_playlist_find_in_folder (path, &local_error);

      if (playlist == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                       "Cannot probe “%s”: a folder that is not an HLS download (%s)", display,
                       local_error->message);
          return NULL;
        }
      return probe_hls (self, playlist, cancellable, error);
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "Cannot probe “%s”: not a regular file", display);
      return NULL;
    }

  if (is_playlist_name (path))
    return probe_hls (self, path, cancellable, error);

  if (st.st_size == 0)
    {
      g_set_error (error, VS_PROBER_ERROR, VS_PROBER_ERROR_NOT_MEDIA,
                   "“%s” is empty", display);
      return NULL;
    }
  return discover_file (self, path, cancellable, error);
}
