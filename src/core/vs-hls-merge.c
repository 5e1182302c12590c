/* vs-hls-merge.c: lossless, verified remux of an HLS folder into one MP4
 *
 * The playlist is read twice, streaming both times so memory does not grow with the
 * number of segments: a first pass validates every segment (local, inside the folder,
 * present, readable, long enough for its byte range) and sums their sizes; the second
 * pass feeds the segments, byte range by byte range and in large reads, into an appsrc.
 * Concatenated TS segments are one valid TS stream; for fMP4 the #EXT-X-MAP bytes go
 * first and the fragments follow, which qtdemux reads in push mode. Each elementary
 * stream then goes through its parser (never a decoder) and a multiqueue into mp4mux.
 *
 * mp4mux reserves room for its index at the front of the file (reserved-max-duration,
 * sized from the playlist's duration), so the output is written once and still starts
 * with the moov ("fast start") — faststart=TRUE would write everything twice.
 *
 * Nothing is written but a temporary file beside the output, with a fixed name derived
 * from the output's, so the next merge of the same folder removes one a killed merge
 * left behind. It is renamed into place only after reading it back agrees with the
 * playlist on the duration (within a second) and on the streams. A merge holds an
 * exclusive flock() on it, so a second merge of the same output refuses instead of
 * clearing the first one's file, while a killed merge's lock dies with it.
 *
 * With remove-source, the folder must hold HLS material only and be none of the
 * user's standard folders or the library's, checked before anything is written: the
 * trash takes the whole folder, so anything else in it would go too. Its inventory is
 * taken then and again before the trash (VsTrash): what appeared meanwhile keeps it.
 */
#define G_LOG_DOMAIN "vs-merge"

#define _GNU_SOURCE

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "vs-hls-merge.h"
#include "vs-playlist.h"
#include "vs-path.h"
#include "vs-trash.h"

GST_DEBUG_CATEGORY_STATIC (vs_merge_debug);
#define GST_CAT_DEFAULT vs_merge_debug

#define READ_SIZE          (1024 * 1024)
#define QUEUE_BYTES        (2 * READ_SIZE)       /* appsrc's queue before the feeder waits */
/* The demuxer's thread pushes every stream straight into the muxer (a multiqueue's two
 * threads cost more than the muxing itself), whose inputs each queue up to its latency.
 * A second is enough for usual interleaving and bounds memory whatever the bitrate; when
 * audio and video lie further apart, a full input blocks the demuxer before the other
 * input gets data, and the watchdog doubles the latency until the muxer moves again. */
#define MUX_LATENCY        (1 * GST_SECOND)
#define MUX_LATENCY_MAX    (32 * GST_SECOND)
#define LATENCY_STEP_US    (250 * G_TIME_SPAN_MILLISECOND)
/* No output for this long while the pipeline should be busy: report, never hang. */
#define STALL_TIMEOUT_US   (60 * G_USEC_PER_SEC)
#define DURATION_SLACK_MS  1000
#define VERIFY_TIMEOUT     (30 * GST_SECOND)
#define PROGRESS_INTERVAL  (G_USEC_PER_SEC / 10)
/* Room for mp4mux's index, per second and per track: a 60 fps video with B-frames needs
 * about 750 bytes a second (sizes, composition offsets, chunk offsets). */
#define RESERVED_BYTES_PER_SEC 1000
#define TEMP_SUFFIX        ".vidshelf-merge"

struct _VsHlsMerge
{
  GObject  parent_instance;

  /* everything below under lock: the window sets options and reads results on the main
   * thread while a run goes on in a worker */
  GMutex   lock;
  char    *input;
  char    *output;          /* as set; NULL for the default */
  char    *resolved_output; /* after a run */
  char    *source_folder;   /* after a run */
  GStrv    roots;           /* the library's folders: never trashed */
  guint    force : 1;
  guint    remove_source : 1;
  guint    trashed : 1;
};

enum {
  PROP_0,
  PROP_INPUT,
  PROP_OUTPUT,
  PROP_FORCE,
  PROP_REMOVE_SOURCE,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VsHlsMerge, vs_hls_merge, G_TYPE_OBJECT)
G_DEFINE_QUARK (vs-merge-error-quark, vs_merge_error)

/* One run's state: the merge thread reads and writes it, GStreamer's streaming threads
 * only the fields under lock. */
typedef struct
{
  VsHlsMerge   *self;          /* owned */
  GMainContext *progress_context; /* owned; NULL: emit on the running thread */
  GCancellable *cancellable;   /* borrowed, may be NULL */

  /* settings, copied at the start */
  char         *input;
  char         *output;
  gboolean      force;
  gboolean      remove_source;
  GStrv         roots;

  /* resolved */
  char         *playlist_path;
  char         *folder;        /* canonical, no trailing slash */
  char         *real_folder;   /* folder with symlinks resolved */
  char         *temp;
  int           lock_fd;       /* the temporary file, flock()ed; -1 */
  VsTrash      *source_trash;  /* remove-source: the folder's inventory, taken at the start */
  /* what the output names before the run, if it exists: the entry itself and what it
   * leads to; no input may be either */
  gboolean      output_exists;
  struct stat   output_lst;
  struct stat   output_st;
  gboolean      fmp4;
  gint64        duration_ms;
  guint64       total_bytes;
  guint64       done_bytes;
  gint64        last_progress_us;

  /* validation pass */
  GError       *check_error;

  /* pipeline */
  GstElement   *pipeline;
  GstElement   *appsrc;        /* borrowed from the pipeline */
  gint          mux_buffers;   /* atomic: buffers the muxer wrote, for the stall watchdog */
  GstElement   *mux;           /* borrowed */
  GstClockTime  mux_latency;   /* feeder thread */
  GstBufferPool *pool;         /* owned: the reads' buffers, reused (no page faults) */
  GMutex        lock;
  GCond         cond;
  GError       *pipeline_error; /* under lock: the first error of any thread */
  guint         n_video;       /* under lock: streams linked to the muxer */
  guint         n_audio;
  gulong        cancel_id;
} Merge;

typedef struct
{
  Merge      *merge;
  GstClockTime last;
} StreamCheck;

static void
merge_free (Merge *m)
{
  g_clear_object (&m->self);
  g_clear_pointer (&m->progress_context, g_main_context_unref);
  g_free (m->input);
  g_free (m->output);
  g_free (m->playlist_path);
  g_free (m->folder);
  g_free (m->real_folder);
  g_free (m->temp);
  g_strfreev (m->roots);
  g_clear_object (&m->source_trash);
  if (m->lock_fd >= 0)
    close (m->lock_fd);
  g_clear_error (&m->check_error);
  g_clear_error (&m->pipeline_error);
  g_mutex_clear (&m->lock);
  g_cond_clear (&m->cond);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Merge, merge_free)

/* Progress ---------------------------------------------------------------- */

typedef struct
{
  VsHlsMerge *self;
  guint64     done;
  guint64     total;
} ProgressEvent;

static gboolean
emit_progress_idle (gpointer data)
{
  ProgressEvent *event = data;

  g_signal_emit (event->self, signals[SIGNAL_PROGRESS], 0, event->done, event->total);
  return G_SOURCE_REMOVE;
}

static void
progress_event_free (gpointer data)
{
  ProgressEvent *event = data;

  g_object_unref (event->self);
  g_free (event);
}

static void
report_progress (Merge   *m,
                 gboolean final)
{
  gint64 now = g_get_monotonic_time ();
  ProgressEvent *event;
  GSource *source;

  if (!final && now - m->last_progress_us < PROGRESS_INTERVAL)
    return;
  m->last_progress_us = now;
  if (m->progress_context == NULL)
    {
      g_signal_emit (m->self, signals[SIGNAL_PROGRESS], 0, m->done_bytes, m->total_bytes);
      return;
    }
  event = g_new (ProgressEvent, 1);
  event->self = g_object_ref (m->self);
  event->done = m->done_bytes;
  event->total = m->total_bytes;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_progress_idle, event, progress_event_free);
  g_source_set_static_name (source, "[vs-merge] progress");
  g_source_attach (source, m->progress_context);
  g_source_unref (source);
}

/* Resolving the input and the output --------------------------------------- */

static gboolean
is_master (const char *path,
           const char *folder)
{
  g_autoptr(VsPlaylist) playlist = vs_playlist_parse (path, folder, NULL, NULL, NULL, NULL);

  return playlist != NULL && (vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_MASTER);
}

/* A folder's playlist: its master if it has exactly one, else its only playlist. */
static char *
find_playlist (const char  *folder,
               GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) masters = g_ptr_array_new ();
  g_autofree char *display = g_filename_display_name (folder);
  const char *name;

  dir = g_dir_open (folder, 0, error);
  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (vs_path_has_suffix_nocase (name, ".m3u8"))
        g_ptr_array_add (found, g_build_filename (folder, name, NULL));
    }
  for (guint i = 0; i < found->len; i++)
    if (is_master (g_ptr_array_index (found, i), folder))
      g_ptr_array_add (masters, g_ptr_array_index (found, i));

  if (masters->len == 1)
    return g_strdup (g_ptr_array_index (masters, 0));
  if (masters->len == 0 && found->len == 1)
    return g_strdup (g_ptr_array_index (found, 0));
  if (found->len == 0)
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_NO_PLAYLIST,
                 _("“%s” holds no .m3u8 playlist"), display);
  else
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_NO_PLAYLIST,
                 _("“%s” holds several playlists; name the one to merge"), display);
  return NULL;
}

static gboolean
resolve_paths (Merge   *m,
               GError **error)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *input = g_canonicalize_filename (m->input, cwd);
  g_autofree char *out_dir = NULL;
  g_autofree char *out_name = NULL;
  g_autofree char *temp_name = NULL;

  if (g_file_test (input, G_FILE_TEST_IS_DIR))
    {
      m->folder = g_steal_pointer (&input);
      m->playlist_path = find_playlist (m->folder, error);
      if (m->playlist_path == NULL)
        return FALSE;
    }
  else
    {
      m->folder = g_path_get_dirname (input);
      m->playlist_path = g_steal_pointer (&input);
    }

  /* realpath() allocates with malloc(); g_free() is free() */
  m->real_folder = realpath (m->folder, NULL);
  if (m->real_folder == NULL)
    m->real_folder = g_strdup (m->folder);

  if (m->output == NULL)
    {
      g_autofree char *parent = g_path_get_dirname (m->folder);
      g_autofree char *base = g_path_get_basename (m->folder);
      g_autofree char *name = g_strconcat (base, ".mp4", NULL);

      m->output = g_build_filename (parent, name, NULL);
    }
  else
    {
      char *absolute = g_canonicalize_filename (m->output, cwd);

      g_free (m->output);
      m->output = absolute;
    }

  out_dir = g_path_get_dirname (m->output);
  out_name = g_path_get_basename (m->output);
  temp_name = g_strconcat (".", out_name, TEMP_SUFFIX, NULL);
  m->temp = g_build_filename (out_dir, temp_name, NULL);
  return TRUE;
}

/* Validation pass ---------------------------------------------------------- */

/* Whether @path, once its symlinks are followed, is still inside the folder. A path that
 * does not resolve (missing, a dangling link) passes: opening it fails next. */
static gboolean
resolves_inside (Merge      *m,
                 const char *path)
{
  g_autofree char *real = realpath (path, NULL);

  return real == NULL || vs_path_is_inside (real, m->real_folder);
}

static gboolean
same_file (const struct stat *a,
           const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Refuses when the file @st describes is what the output names: replacing the output
 * would replace an input, --force or not. */
static gboolean
check_not_output (Merge              *m,
                  const struct stat  *st,
                  GError            **error)
{
  g_autofree char *display = NULL;

  if (!m->output_exists || (!same_file (st, &m->output_st) && !same_file (st, &m->output_lst)))
    return TRUE;
  display = g_filename_display_name (m->output);
  g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT,
               _("The output “%s” is one of the files being merged"), display);
  return FALSE;
}

/* A segment or init section, opened for reading: a FIFO or a device is refused, never
 * waited on (the merge could not be cancelled while open() blocks). */
static int
open_segment (const char  *path,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  int fd = vs_path_open_regular (path, &local_error);
  int saved = errno;

  if (fd >= 0)
    return fd;
  display = g_filename_display_name (path);
  g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT,
               _("The segment “%s” is missing or unreadable: %s"), display,
               g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE)
                 ? _("not a regular file") : g_strerror (saved));
  return -1;
}

static gboolean
check_file (Merge       *m,
            const char  *path,
            gint64       offset,
            gint64       length,
            GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  GStatBuf st;
  int fd;

  if (!vs_path_is_inside (path, m->folder))
    {
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_ESCAPING,
                   _("The segment “%s” lies outside the HLS folder"), display);
      return FALSE;
    }
  if (!resolves_inside (m, path))
    {
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_ESCAPING,
                   _("The segment “%s” is a link to a file outside the HLS folder"), display);
      return FALSE;
    }
  fd = open_segment (path, error);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT,
                   _("The segment “%s” is missing or unreadable: %s"), display,
                   g_strerror (saved));
      return FALSE;
    }
  close (fd);
  if (!check_not_output (m, &st, error))
    return FALSE;
  if (length < 0)
    length = st.st_size - offset;
  if (offset < 0 || length < 0 || offset + length > st.st_size)
    {
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT,
                   _("The segment “%s” is shorter than its byte range"), display);
      return FALSE;
    }
  m->total_bytes += (guint64) length;
  return TRUE;
}

static gboolean
check_segment (const VsPlaylistSegment *segment,
               gpointer                 user_data)
{
  Merge *m = user_data;

  if (segment->path == NULL)
    {
      g_set_error (&m->check_error, VS_MERGE_ERROR, VS_MERGE_ERROR_REMOTE,
                   _("The playlist names remote segments (%s); only local files can be merged"),
                   segment->uri);
      return FALSE;
    }
  return check_file (m, segment->path, segment->byte_offset, segment->byte_length,
                     &m->check_error);
}

static gboolean
check_flags (Merge            *m,
             VsPlaylistFlags   flags,
             GError          **error)
{
  if (flags & VS_PLAYLIST_FLAG_ENCRYPTED)
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_ENCRYPTED,
                 _("The playlist is encrypted (AES-128 or SAMPLE-AES); it cannot be merged"));
  else if (flags & VS_PLAYLIST_FLAG_REMOTE)
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_REMOTE,
                 _("The playlist names remote segments; only local files can be merged"));
  else if (flags & VS_PLAYLIST_FLAG_ESCAPING)
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_ESCAPING,
                 _("The playlist names files outside its folder"));
  else
    return TRUE;
  return FALSE;
}

static gboolean
check_playlist_not_output (Merge       *m,
                           const char  *path,
                           GError     **error)
{
  struct stat st;

  return path == NULL || stat (path, &st) != 0 || check_not_output (m, &st, error);
}

static gboolean
validate (Merge         *m,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *map_path;

  playlist = vs_playlist_load (m->playlist_path, check_segment, m, cancellable, &local_error);
  if (playlist == NULL)
    {
      if (m->check_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&m->check_error));
        }
      else if (g_error_matches (local_error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_NO_VARIANT))
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_NO_VARIANT,
                       _("No variant of the master playlist is present locally"));
        }
      else if (local_error->domain == VS_PLAYLIST_ERROR)
        {
          g_autofree char *display = g_filename_display_name (m->playlist_path);

          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID,
                       _("Cannot read the playlist “%s”: %s"), display, local_error->message);
        }
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!check_flags (m, vs_playlist_get_flags (playlist), error) ||
      !check_playlist_not_output (m, vs_playlist_get_path (playlist), error) ||
      !check_playlist_not_output (m, vs_playlist_get_master_path (playlist), error))
    return FALSE;

  m->fmp4 = (vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_INIT_MAP) != 0;
  map_path = vs_playlist_get_map_path (playlist);
  if (m->fmp4)
    {
      gint64 offset, length;

      if (map_path == NULL)
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_REMOTE,
                       _("The playlist's initialisation section is not a local file"));
          return FALSE;
        }
      vs_playlist_get_map_byte_range (playlist, &offset, &length);
      if (!check_file (m, map_path, offset, length, error))
        return FALSE;
    }
  m->duration_ms = vs_playlist_get_duration_ms (playlist);
  return TRUE;
}

/* Opens (O_PATH) the output's folder, or the nearest folder above it that exists. */
static int
open_output_dir (Merge   *m,
                 GError **error)
{
  g_autofree char *dir = g_path_get_dirname (m->output);

  for (;;)
    {
      int fd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      char *parent;

      if (fd >= 0 || errno != ENOENT || strcmp (dir, "/") == 0)
        {
          int saved = errno;

          if (fd < 0)
            {
              g_autofree char *display = g_filename_display_name (dir);

              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                           _("Could not open the folder “%s”: %s"), display,
                           g_strerror (saved));
            }
          return fd;
        }
      parent = g_path_get_dirname (dir);
      g_free (dir);
      dir = parent;
    }
}

/* The output must not land in the HLS folder or below it: the folder may go to the trash,
 * and the output would go with it. Decided on the real folders (device and inode), walking
 * up through “..” from where the output goes, so neither a symlink nor a bind mount of the
 * folder gets past. */
static gboolean
check_output_outside (Merge   *m,
                      GError **error)
{
  g_autofree char *display = g_filename_display_name (m->output);
  struct stat folder_st, st, parent_st;
  int fd;

  if (stat (m->folder, &folder_st) != 0)
    {
      int saved = errno;
      g_autofree char *folder_display = g_filename_display_name (m->folder);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open the folder “%s”: %s"), folder_display,
                   g_strerror (saved));
      return FALSE;
    }
  if ((fd = open_output_dir (m, error)) < 0)
    return FALSE;
  for (;;)
    {
      int parent;

      if (fstat (fd, &st) != 0)
        break;
      if (same_file (&st, &folder_st))
        {
          close (fd);
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT,
                       _("The output “%s” must not be inside the HLS folder"), display);
          return FALSE;
        }
      parent = openat (fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (parent < 0)
        break;
      close (fd);
      fd = parent;
      /* the root is its own parent */
      if (fstat (fd, &parent_st) != 0 || same_file (&st, &parent_st))
        {
          close (fd);
          return TRUE;
        }
    }
  /* a folder above that cannot be searched: whether the HLS folder is among them is
   * unknown, so the output is refused */
  {
    int saved = errno;

    close (fd);
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT,
                 _("Could not tell whether the output “%s” is inside the HLS folder: %s"),
                 display, g_strerror (saved));
  }
  return FALSE;
}

static gboolean
check_output (Merge   *m,
              GError **error)
{
  g_autofree char *display = g_filename_display_name (m->output);
  g_autoptr(GFile) temp = NULL;
  g_autoptr(GFile) out_dir = NULL;
  g_autoptr(GFileInfo) info = NULL;
  GStatBuf st;
  guint64 needed, free_bytes;

  if (!check_output_outside (m, error))
    return FALSE;
  if (g_lstat (m->output, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT,
                       _("The output “%s” is a folder"), display);
          return FALSE;
        }
      if (!m->force)
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_EXISTS,
                       _("“%s” already exists (use --force to replace it)"), display);
          return FALSE;
        }
    }

  temp = g_file_new_for_path (m->temp);
  out_dir = g_file_get_parent (temp);
  info = g_file_query_filesystem_info (out_dir, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, error);
  if (info == NULL)
    return FALSE;
  if (!g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    return TRUE;
  free_bytes = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
  /* Containers differ by a few percent; the index is reserved up front. */
  needed = m->total_bytes + m->total_bytes / 20 + 16 * 1024 * 1024;
  if (free_bytes < needed)
    {
      g_autofree char *need_text = g_format_size (needed);
      g_autofree char *free_text = g_format_size (free_bytes);

      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_NO_SPACE,
                   _("Not enough free space for “%s”: %s needed, %s free"),
                   display, need_text, free_text);
      return FALSE;
    }
  return TRUE;
}

/* The pipeline --------------------------------------------------------------- */

static void
set_pipeline_error (Merge  *m,
                    GError *error) /* owned */
{
  g_mutex_lock (&m->lock);
  if (m->pipeline_error == NULL)
    m->pipeline_error = error;
  else
    g_error_free (error);
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
}

static GstBusSyncReply
on_bus_sync (GstBus     *bus,
             GstMessage *message,
             gpointer    user_data)
{
  Merge *m = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) gst_error = NULL;
      g_autofree char *debug = NULL;

      gst_message_parse_error (message, &gst_error, &debug);
      GST_WARNING ("pipeline error: %s (%s)", gst_error->message, debug ? debug : "");
      if (gst_error->domain == VS_MERGE_ERROR)
        set_pipeline_error (m, g_error_copy (gst_error));
      else
        set_pipeline_error (m, g_error_new (VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                                            _("The streams could not be remuxed: %s"),
                                            gst_error->message));
    }
  return GST_BUS_PASS;
}

static void
post_error (Merge      *m,
            GstElement *from,
            int         code,
            const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (VS_MERGE_ERROR, code, message);

  gst_element_post_message (from, gst_message_new_error (GST_OBJECT (from), error, NULL));
}

static GstPadProbeReturn
check_timestamps (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  StreamCheck *check = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime ts = GST_BUFFER_DTS_OR_PTS (buffer);

  if (!GST_CLOCK_TIME_IS_VALID (ts))
    return GST_PAD_PROBE_OK;
  if (GST_CLOCK_TIME_IS_VALID (check->last) && ts < check->last)
    {
      GstElement *parent = gst_pad_get_parent_element (pad);

      GST_WARNING_OBJECT (pad, "timestamp went back from %" GST_TIME_FORMAT " to %"
                          GST_TIME_FORMAT, GST_TIME_ARGS (check->last), GST_TIME_ARGS (ts));
      post_error (check->merge, parent, VS_MERGE_ERROR_DISCONTINUITY,
                  _("Timestamps go backwards across a discontinuity; the segments cannot be "
                    "joined into one file without re-encoding"));
      gst_object_unref (parent);
      return GST_PAD_PROBE_DROP;
    }
  check->last = ts;
  return GST_PAD_PROBE_OK;
}

static GstElement *
make_parser (GstCaps *caps)
{
  GList *factories, *filtered;
  GstElement *parser = NULL;

  factories = gst_element_factory_list_get_elements (GST_ELEMENT_FACTORY_TYPE_PARSER,
                                                     GST_RANK_MARGINAL);
  filtered = gst_element_factory_list_filter (factories, caps, GST_PAD_SINK, FALSE);
  filtered = g_list_sort (filtered, gst_plugin_feature_rank_compare_func);
  for (GList *l = filtered; l != NULL && parser == NULL; l = l->next)
    parser = gst_element_factory_create (l->data, NULL);
  gst_plugin_feature_list_free (filtered);
  gst_plugin_feature_list_free (factories);
  return parser;
}

/* The muxer's request pad template whose caps the parser can produce, or NULL. */
static GstPadTemplate *
mux_template_for (GstElement *mux,
                  GstElement *parser,
                  gboolean    video)
{
  GstPadTemplate *templ = gst_element_get_pad_template (mux, video ? "video_%u" : "audio_%u");
  g_autoptr(GstPad) src = gst_element_get_static_pad (parser, "src");
  g_autoptr(GstCaps) produced = gst_pad_query_caps (src, NULL);
  g_autoptr(GstCaps) accepted = gst_pad_template_get_caps (templ);

  return gst_caps_can_intersect (produced, accepted) ? templ : NULL;
}

static void
link_to_fakesink (Merge  *m,
                  GstPad *pad)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (sink, "sink");

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (m->pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  gst_pad_link (pad, sinkpad);
}

static void
on_pad_added (GstElement *demux,
              GstPad     *pad,
              gpointer    user_data)
{
  Merge *m = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) parser_sink = NULL;
  g_autoptr(GstPad) parser_src = NULL;
  g_autoptr(GstPad) mux_sink = NULL;
  GstPadTemplate *templ;
  GstElement *parser;
  const char *name;
  gboolean video;
  StreamCheck *check;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  GST_DEBUG ("demuxer pad %s: %" GST_PTR_FORMAT, GST_PAD_NAME (pad), caps);
  if (!g_str_has_prefix (name, "video/") && !g_str_has_prefix (name, "audio/"))
    {
      /* timed ID3 tags, subtitles and private data: not part of the merge */
      link_to_fakesink (m, pad);
      return;
    }
  video = g_str_has_prefix (name, "video/");

  parser = make_parser (caps);
  if (parser == NULL ||
      (templ = mux_template_for (m->mux, parser, video)) == NULL)
    {
      g_autofree char *message = g_strdup_printf (
        _("The stream “%s” cannot be stored in an MP4 file without re-encoding"), name);

      g_clear_object (&parser);
      link_to_fakesink (m, pad);
      post_error (m, demux, VS_MERGE_ERROR_UNSUPPORTED, message);
      return;
    }

  gst_bin_add (GST_BIN (m->pipeline), parser);
  parser_sink = gst_element_get_static_pad (parser, "sink");
  parser_src = gst_element_get_static_pad (parser, "src");
  mux_sink = gst_element_request_pad (m->mux, templ, NULL, NULL);
  check = g_new0 (StreamCheck, 1);
  check->merge = m;
  check->last = GST_CLOCK_TIME_NONE;
  gst_pad_add_probe (parser_src, GST_PAD_PROBE_TYPE_BUFFER, check_timestamps, check, g_free);

  if (mux_sink == NULL ||
      gst_pad_link (parser_src, mux_sink) != GST_PAD_LINK_OK ||
      !gst_element_sync_state_with_parent (parser) ||
      gst_pad_link (pad, parser_sink) != GST_PAD_LINK_OK)
    post_error (m, demux, VS_MERGE_ERROR_FAILED, _("The streams could not be linked"));

  g_mutex_lock (&m->lock);
  if (video)
    m->n_video++;
  else
    m->n_audio++;
  g_mutex_unlock (&m->lock);
}

/* The demuxer handles its input on this thread, so at its EOS it has exposed every
 * stream it will: none means the segments are not media GStreamer can read, and the
 * muxer, without inputs, would never finish. */
static GstPadProbeReturn
check_streams_at_eos (GstPad          *pad,
                      GstPadProbeInfo *info,
                      gpointer         user_data)
{
  Merge *m = user_data;
  gboolean none;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&m->lock);
  none = m->n_video + m->n_audio == 0;
  g_mutex_unlock (&m->lock);
  if (none)
    {
      GstElement *demux = gst_pad_get_parent_element (pad);

      post_error (m, demux, VS_MERGE_ERROR_UNSUPPORTED,
                  _("The segments hold no audio or video stream that can be read"));
      gst_object_unref (demux);
    }
  return GST_PAD_PROBE_OK;
}

/* Counts the muxer's output for the stall watchdog, and drops its requests to fsync after
 * each index rewrite: a crash leaves only the temporary file, which the next run removes,
 * and the result is made durable once, before the source goes to the trash (sync_file).
 * Each request costs a flush of everything written so far, a quarter of a merge's time. */
static GstPadProbeReturn
on_mux_output (GstPad          *pad,
               GstPadProbeInfo *info,
               gpointer         user_data)
{
  Merge *m = user_data;

  g_atomic_int_inc (&m->mux_buffers);
  if ((info->type & GST_PAD_PROBE_TYPE_BUFFER) != 0 &&
      GST_BUFFER_FLAG_IS_SET (GST_PAD_PROBE_INFO_BUFFER (info), GST_BUFFER_FLAG_SYNC_AFTER))
    {
      GstBuffer *buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));

      GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_SYNC_AFTER);
      GST_PAD_PROBE_INFO_DATA (info) = buffer;
    }
  return GST_PAD_PROBE_OK;
}

static gboolean feed_should_stop (Merge   *m,
                                  GError **error);

/* Fails when neither the feeder nor the muxer moved for STALL_TIMEOUT_US. */
static gboolean
check_stall (Merge   *m,
             gint    *last_count,
             guint64 *last_done,
             gint64  *since,
             GError **error)
{
  gint count = g_atomic_int_get (&m->mux_buffers);
  gint64 now = g_get_monotonic_time ();

  if (count != *last_count || m->done_bytes != *last_done || *since == 0)
    {
      *last_count = count;
      *last_done = m->done_bytes;
      *since = now;
      return TRUE;
    }
  if (now - *since >= LATENCY_STEP_US && m->mux_latency < MUX_LATENCY_MAX)
    {
      m->mux_latency *= 2;
      GST_INFO ("no progress: muxer latency raised to %" GST_TIME_FORMAT,
                GST_TIME_ARGS (m->mux_latency));
      g_object_set (m->mux, "latency", m->mux_latency, NULL);
      *since = now;
      return TRUE;
    }
  if (now - *since < STALL_TIMEOUT_US)
    return TRUE;
  set_pipeline_error (m, g_error_new (VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                                     _("The merge stalled: the streams may be too far apart "
                                       "in the segments to be joined")));
  return !feed_should_stop (m, error);
}

static void
on_appsrc_need_data (GstElement *src,
                     guint       length,
                     gpointer    user_data)
{
  Merge *m = user_data;

  g_mutex_lock (&m->lock);
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  Merge *m = user_data;

  g_mutex_lock (&m->lock);
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
}

static GstElement *
make_element (const char  *factory,
              GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_UNSUPPORTED,
                 _("The GStreamer element “%s” is missing"), factory);
  return element;
}

static gboolean
build_pipeline (Merge   *m,
                GError **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstElement *demux, *sink;
  guint64 reserve_ns;

  m->pipeline = gst_pipeline_new ("vs-merge");
  m->mux_latency = MUX_LATENCY;
  if ((m->appsrc = make_element ("appsrc", error)) == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (m->pipeline), m->appsrc);
  if ((demux = make_element (m->fmp4 ? "qtdemux" : "tsdemux", error)) == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (m->pipeline), demux);
  if ((m->mux = make_element ("mp4mux", error)) == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (m->pipeline), m->mux);
  if ((sink = make_element ("fdsink", error)) == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (m->pipeline), sink);

  caps = gst_caps_from_string (m->fmp4 ? "video/quicktime"
                                       : "video/mpegts,systemstream=(boolean)true");
  g_object_set (m->appsrc,
                "caps", caps,
                "format", GST_FORMAT_BYTES,
                "stream-type", 0 /* GST_APP_STREAM_TYPE_STREAM */,
                "max-bytes", (guint64) QUEUE_BYTES,
                "min-percent", 50,
                "block", FALSE,
                "emit-signals", TRUE,
                NULL);
  g_signal_connect (m->appsrc, "need-data", G_CALLBACK (on_appsrc_need_data), m);
  /* A tenth more than the playlist says plus 10 s, in case the media runs long. */
  reserve_ns = (guint64) (m->duration_ms + m->duration_ms / 10 + 10000) * GST_MSECOND;
  g_object_set (m->mux,
                "latency", m->mux_latency,
                "reserved-max-duration", reserve_ns,
                "reserved-bytes-per-sec", RESERVED_BYTES_PER_SEC,
                NULL);
  /* The locked descriptor, not filesink: opening the file again truncates it, and ext4 then
   * starts writing the whole file back at close (auto_da_alloc), in the merge's time. */
  g_object_set (sink, "fd", m->lock_fd, "sync", FALSE, "async", FALSE, NULL);

  g_signal_connect (demux, "pad-added", G_CALLBACK (on_pad_added), m);
  {
    g_autoptr(GstPad) demux_sink = gst_element_get_static_pad (demux, "sink");
    g_autoptr(GstPad) mux_src = gst_element_get_static_pad (m->mux, "src");

    gst_pad_add_probe (mux_src, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                       on_mux_output, m, NULL);
    gst_pad_add_probe (demux_sink, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, check_streams_at_eos,
                       m, NULL);
  }
  m->pool = gst_buffer_pool_new ();
  {
    GstStructure *config = gst_buffer_pool_get_config (m->pool);

    gst_buffer_pool_config_set_params (config, NULL, READ_SIZE, 0, 0);
    gst_buffer_pool_set_config (m->pool, config);
  }
  if (!gst_buffer_pool_set_active (m->pool, TRUE) ||
      !gst_element_link (m->appsrc, demux) || !gst_element_link (m->mux, sink))
    {
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                   _("The merge pipeline could not be built"));
      return FALSE;
    }

  bus = gst_element_get_bus (m->pipeline);
  gst_bus_set_sync_handler (bus, on_bus_sync, m, NULL);
  return TRUE;
}

/* Stops feeding when the pipeline failed or the run was cancelled. */
static gboolean
feed_should_stop (Merge   *m,
                  GError **error)
{
  gboolean stop = FALSE;

  g_mutex_lock (&m->lock);
  if (m->pipeline_error != NULL)
    {
      g_propagate_error (error, g_error_copy (m->pipeline_error));
      stop = TRUE;
    }
  g_mutex_unlock (&m->lock);
  if (!stop && g_cancellable_set_error_if_cancelled (m->cancellable, error))
    stop = TRUE;
  return stop;
}

/* Waits until appsrc's queue has room. need-data (emitted below min-percent) wakes us;
 * the level is read under the lock need-data takes, so no wake-up is lost, and a short
 * timeout is only a safety net. */
static gboolean
wait_for_room (Merge   *m,
               GError **error)
{
  gint last_count = 0;
  guint64 last_done = 0;
  gint64 since = 0;

  for (;;)
    {
      guint64 level = 0;

      if (feed_should_stop (m, error) || !check_stall (m, &last_count, &last_done, &since, error))
        return FALSE;
      g_mutex_lock (&m->lock);
      g_object_get (m->appsrc, "current-level-bytes", &level, NULL);
      if (level >= QUEUE_BYTES && m->pipeline_error == NULL)
        g_cond_wait_until (&m->cond, &m->lock, g_get_monotonic_time () + 20 * G_TIME_SPAN_MILLISECOND);
      g_mutex_unlock (&m->lock);
      if (level < QUEUE_BYTES)
        return TRUE;
    }
}

static gboolean
feed_file (Merge       *m,
           const char  *path,
           gint64       offset,
           gint64       length,
           GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  int fd = open_segment (path, error);
  gboolean ok = TRUE;
  GStatBuf st;

  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT,
                   _("The segment “%s” is missing or unreadable: %s"), display,
                   g_strerror (saved));
      close (fd);
      return FALSE;
    }
  if (length < 0)
    length = st.st_size - offset;
  posix_fadvise (fd, offset, length, POSIX_FADV_SEQUENTIAL);

  while (ok && length > 0)
    {
      gsize want = (gsize) MIN (length, READ_SIZE);
      GstBuffer *buffer;
      GstMapInfo map;
      gssize n;
      GstFlowReturn flow = GST_FLOW_OK;
      gboolean first;

      if (!wait_for_room (m, error))
        {
          ok = FALSE;
          break;
        }
      if (gst_buffer_pool_acquire_buffer (m->pool, &buffer, NULL) != GST_FLOW_OK)
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                       _("Out of memory while merging"));
          ok = FALSE;
          break;
        }
      gst_buffer_set_size (buffer, want);
      gst_buffer_map (buffer, &map, GST_MAP_WRITE);
      do
        n = pread (fd, map.data, want, offset);
      while (n < 0 && errno == EINTR);
      gst_buffer_unmap (buffer, &map);
      if (n <= 0)
        {
          g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_MISSING_SEGMENT,
                       _("The segment “%s” could not be read: %s"), display,
                       n < 0 ? g_strerror (errno) : _("it became shorter"));
          gst_buffer_unref (buffer);
          ok = FALSE;
          break;
        }
      gst_buffer_set_size (buffer, (gsize) n);
      g_signal_emit_by_name (m->appsrc, "push-buffer", buffer, &flow);
      gst_buffer_unref (buffer);
      if (flow != GST_FLOW_OK)
        {
          if (!feed_should_stop (m, error))
            g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                         _("The streams could not be remuxed: %s"), gst_flow_get_name (flow));
          ok = FALSE;
          break;
        }
      offset += n;
      length -= n;
      first = m->done_bytes == 0;
      m->done_bytes += (guint64) n;
      /* the first buffer is reported at once: the merge has started */
      report_progress (m, first);
    }
  close (fd);
  return ok;
}

static gboolean
feed_segment (const VsPlaylistSegment *segment,
              gpointer                 user_data)
{
  Merge *m = user_data;

  if (segment->path == NULL)
    {
      g_set_error (&m->check_error, VS_MERGE_ERROR, VS_MERGE_ERROR_REMOTE,
                   _("The playlist names remote segments (%s); only local files can be merged"),
                   segment->uri);
      return FALSE;
    }
  /* checked again: a link may have changed since the validation pass */
  if (!vs_path_is_inside (segment->path, m->folder) || !resolves_inside (m, segment->path))
    {
      g_set_error (&m->check_error, VS_MERGE_ERROR, VS_MERGE_ERROR_ESCAPING,
                   _("The playlist names files outside its folder"));
      return FALSE;
    }
  return feed_file (m, segment->path, segment->byte_offset, segment->byte_length,
                    &m->check_error);
}

/* The init section comes from the first playlist pass; fragments follow from the second. */
static gboolean
feed_map (Merge   *m,
          GError **error)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  gint64 offset, length;

  playlist = vs_playlist_load (m->playlist_path, NULL, NULL, m->cancellable, error);
  if (playlist == NULL)
    return FALSE;
  vs_playlist_get_map_byte_range (playlist, &offset, &length);
  return feed_file (m, vs_playlist_get_map_path (playlist), offset, length, error);
}

static gboolean
wait_for_eos (Merge   *m,
              GError **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (m->pipeline);
  gint last_count = 0;
  guint64 last_done = 0;
  gint64 since = 0;

  for (;;)
    {
      g_autoptr(GstMessage) message = NULL;

      if (feed_should_stop (m, error) || !check_stall (m, &last_count, &last_done, &since, error))
        return FALSE;
      message = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
                                            GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      if (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
        return !feed_should_stop (m, error);
    }
}

static gboolean
remux (Merge   *m,
       GError **error)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(GError) local_error = NULL;
  GstFlowReturn flow;

  if (!build_pipeline (m, error))
    return FALSE;
  if (gst_element_set_state (m->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!feed_should_stop (m, error))
        g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_FAILED,
                     _("The merge pipeline could not start"));
      return FALSE;
    }
  if (m->cancellable != NULL)
    m->cancel_id = g_cancellable_connect (m->cancellable, G_CALLBACK (on_cancelled), m, NULL);

  if (m->fmp4 && !feed_map (m, error))
    return FALSE;
  playlist = vs_playlist_load (m->playlist_path, feed_segment, m, m->cancellable, &local_error);
  if (playlist == NULL)
    {
      if (m->check_error != NULL)
        g_propagate_error (error, g_steal_pointer (&m->check_error));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!check_flags (m, vs_playlist_get_flags (playlist), error))
    return FALSE;
  g_signal_emit_by_name (m->appsrc, "end-of-stream", &flow);
  if (!wait_for_eos (m, error))
    return FALSE;
  report_progress (m, TRUE);
  return TRUE;
}

static void
stop_pipeline (Merge *m)
{
  if (m->cancel_id != 0)
    g_cancellable_disconnect (m->cancellable, m->cancel_id);
  m->cancel_id = 0;
  if (m->pipeline == NULL)
    return;
  gst_element_set_state (m->pipeline, GST_STATE_NULL);
  g_clear_object (&m->pipeline);
  if (m->pool != NULL)
    gst_buffer_pool_set_active (m->pool, FALSE);
  g_clear_object (&m->pool);
  m->appsrc = m->mux = NULL;
}

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

static gboolean
verify (Merge   *m,
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

static gboolean
sync_file (const char  *path,
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

static gboolean
move_into_place (Merge   *m,
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
static gboolean
trash_source (Merge   *m,
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
static gboolean
take_source_inventory (Merge   *m,
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

/* What the trash may take ------------------------------------------------------ */

#define INVENTORY_MAX_DEPTH 8

/* Every file under @dir (lexical paths, symlinks not followed) that is neither a
 * playlist nor a leftover of ours. Bounded by the folder's own listing. */
static gboolean
list_unexplained (const char  *dir,
                  guint        depth,
                  GHashTable  *files,
                  GError     **error)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, error);
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue; /* vanished: it will not go to the trash either */
      if (S_ISDIR (st.st_mode) && depth < INVENTORY_MAX_DEPTH)
        {
          if (!list_unexplained (path, depth + 1, files, error))
            return FALSE;
        }
      else if (!(S_ISREG (st.st_mode) && (vs_path_is_playlist_name (name) || vs_hls_merge_is_temp_name (name))))
        g_hash_table_add (files, g_steal_pointer (&path));
    }
  return TRUE;
}

typedef struct
{
  Merge      *m;
  GHashTable *files;
} Inventory;

/* Crosses @path off, and the file it links to when that is inside the folder too. */
static void
inventory_tick (Inventory  *inv,
                const char *path)
{
  g_autofree char *real = NULL;

  if (path == NULL)
    return;
  g_hash_table_remove (inv->files, path);
  real = realpath (path, NULL);
  if (real != NULL && vs_path_is_inside (real, inv->m->real_folder))
    {
      g_autofree char *lexical = g_strconcat (inv->m->folder,
                                              real + strlen (inv->m->real_folder), NULL);

      g_hash_table_remove (inv->files, lexical);
    }
}

static gboolean
inventory_segment (const VsPlaylistSegment *segment,
                   gpointer                 user_data)
{
  inventory_tick (user_data, segment->path);
  return TRUE;
}

/* Crosses off what a media playlist names: its segments and its init section. */
static VsPlaylist *
inventory_parse (Inventory  *inv,
                 const char *path)
{
  VsPlaylist *playlist = vs_playlist_parse (path, inv->m->folder, inventory_segment, inv,
                                            inv->m->cancellable, NULL);

  if (playlist != NULL)
    inventory_tick (inv, vs_playlist_get_map_path (playlist));
  return playlist;
}

/* The folder holds nothing but playlists and the files the chosen playlist (or, for a
 * master, each of its local variants) names: anything else would go to the trash with
 * it. Alternative renditions (#EXT-X-MEDIA) are not followed, so their segments count
 * as other files: a refusal, never a loss. */
static gboolean
check_hls_only (Merge   *m,
                GError **error)
{
  g_autoptr(GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(VsPlaylist) chosen = NULL;
  Inventory inv = { m, files };

  if (!list_unexplained (m->folder, 0, files, error))
    return FALSE;
  chosen = inventory_parse (&inv, m->playlist_path);
  for (guint i = 0; chosen != NULL && i < vs_playlist_get_n_variants (chosen); i++)
    {
      const VsPlaylistVariant *variant = vs_playlist_get_variant (chosen, i);
      g_autoptr(VsPlaylist) media = NULL;

      if (variant->path != NULL && variant->exists && vs_path_is_inside (variant->path, m->folder))
        media = inventory_parse (&inv, variant->path);
    }
  if (g_hash_table_size (files) > 0)
    {
      g_autofree char *display = g_filename_display_name (m->folder);
      GHashTableIter iter;
      gpointer example;
      g_autofree char *shown = NULL;

      g_hash_table_iter_init (&iter, files);
      g_hash_table_iter_next (&iter, &example, NULL);
      shown = g_filename_display_name ((char *) example + strlen (m->folder) + 1);
      g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_SOURCE_NOT_HLS_ONLY,
                   _("“%s” also holds files that are not part of the video, such as “%s”; "
                     "it was not merged, so that nothing else goes to the trash"),
                   display, shown);
      return FALSE;
    }
  return TRUE;
}

/* The temporary file as a lock -------------------------------------------------- */

/* The output holds the same video as the source, so it is readable by no one who could
 * not read the source: the read and write bits both the playlist and its folder have
 * (a 0600 playlist or a 0700 folder give 0600). The umask applies on top. */
static mode_t
output_mode (Merge *m)
{
  struct stat st;
  mode_t mode = 0666;

  if (stat (m->playlist_path, &st) == 0)
    mode &= st.st_mode;
  if (stat (m->folder, &st) == 0)
    mode &= st.st_mode;
  return mode;
}

/* Opens (creating) the temporary file and locks it. A file left by a killed merge is
 * not locked (the lock died with its process) and is emptied; one a running merge holds
 * is left alone. */
static gboolean
lock_temp (Merge   *m,
           GError **error)
{
  g_autofree char *display = g_filename_display_name (m->output);
  mode_t mode = output_mode (m);

  for (guint attempt = 0; attempt < 3; attempt++)
    {
      GStatBuf st, path_st;
      int fd = g_open (m->temp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode);
      int saved;

      if (fd < 0)
        {
          saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not create “%s”: %s"), display, g_strerror (saved));
          return FALSE;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          saved = errno;
          close (fd);
          if (saved == EWOULDBLOCK)
            break;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not create “%s”: %s"), display, g_strerror (saved));
          return FALSE;
        }
      /* the merge that held it may have renamed or removed it meanwhile */
      if (fstat (fd, &st) == 0 && g_lstat (m->temp, &path_st) == 0 &&
          st.st_dev == path_st.st_dev && st.st_ino == path_st.st_ino)
        {
          /* with another name it is someone's file, not a leftover: never emptied */
          if (st.st_nlink > 1)
            {
              g_autofree char *temp_display = g_filename_display_name (m->temp);

              close (fd);
              g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_INVALID_OUTPUT,
                           _("“%s” is in the way of the merge's temporary file"), temp_display);
              return FALSE;
            }
          /* only a leftover is truncated: see build_pipeline() */
          if (st.st_size > 0)
            g_debug ("Emptying the leftover %s", m->temp);
          /* a leftover is narrowed to the mode a new file gets */
          if ((st.st_size > 0 && ftruncate (fd, 0) != 0) ||
              ((st.st_mode & 07777 & ~mode) != 0 && fchmod (fd, st.st_mode & 0777 & mode) != 0))
            {
              saved = errno;
              close (fd);
              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                           _("Could not create “%s”: %s"), display, g_strerror (saved));
              return FALSE;
            }
          m->lock_fd = fd;
          return TRUE;
        }
      close (fd);
    }
  g_set_error (error, VS_MERGE_ERROR, VS_MERGE_ERROR_BUSY,
               _("“%s” is already being merged"), display);
  return FALSE;
}

static void
unlock_temp (Merge   *m,
             gboolean remove)
{
  if (m->lock_fd < 0)
    return;
  /* removed while still locked, so no other merge takes it half-written */
  if (remove)
    g_unlink (m->temp);
  close (m->lock_fd);
  m->lock_fd = -1;
}

/* Our temporary files are named “.<output name>.vidshelf-merge”. */
gboolean
vs_hls_merge_is_temp_name (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return name[0] == '.' && strlen (name) > strlen (TEMP_SUFFIX) + 1 &&
         g_str_has_suffix (name, TEMP_SUFFIX);
}

/* Removes @name from @dir_fd if it is a regular file nobody holds the lock of. The lock is
 * taken on the file found, and the name must still lead to that file before it goes. */
static gboolean
sweep_one (int         dir_fd,
           const char *name)
{
  struct stat st, path_st;
  gboolean removed = FALSE;
  int fd;

  /* never open a device or a FIFO just because of its name */
  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  fd = openat (dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && flock (fd, LOCK_EX | LOCK_NB) == 0 &&
      fstatat (dir_fd, name, &path_st, AT_SYMLINK_NOFOLLOW) == 0 && same_file (&st, &path_st))
    removed = unlinkat (dir_fd, name, 0) == 0;
  close (fd);
  if (removed)
    g_debug ("Removed the stale merge file %s", name);
  return removed;
}

guint
vs_hls_merge_sweep_stale_temps (const char *dir)
{
  DIR *d = NULL;
  struct dirent *entry;
  guint removed = 0;
  int dir_fd, list_fd;

  g_return_val_if_fail (dir != NULL, 0);

  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    return 0;
  /* fdopendir() takes its descriptor; the other one names the entries */
  list_fd = fcntl (dir_fd, F_DUPFD_CLOEXEC, 0);
  if (list_fd >= 0 && (d = fdopendir (list_fd)) == NULL)
    close (list_fd);
  while (d != NULL && (entry = readdir (d)) != NULL)
    if (vs_hls_merge_is_temp_name (entry->d_name) && sweep_one (dir_fd, entry->d_name))
      removed++;
  if (d != NULL)
    closedir (d);
  close (dir_fd);
  return removed;
}

static gboolean
merge_run (Merge   *m,
           GError **error)
{
  g_autofree char *out_dir = NULL;
  g_autofree char *temp_dir = NULL;
  gboolean ok;

  if (!resolve_paths (m, error))
    return FALSE;
  g_mutex_lock (&m->self->lock);
  g_free (m->self->resolved_output);
  m->self->resolved_output = g_strdup (m->output);
  g_free (m->self->source_folder);
  m->self->source_folder = g_strdup (m->folder);
  g_mutex_unlock (&m->self->lock);

  /* before the free space is measured: a killed merge's temporary file is as big as its
   * output */
  temp_dir = g_path_get_dirname (m->temp);
  vs_hls_merge_sweep_stale_temps (temp_dir);

  m->output_exists = lstat (m->output, &m->output_lst) == 0;
  if (m->output_exists && stat (m->output, &m->output_st) != 0)
    m->output_st = m->output_lst; /* a dangling link */

  /* nothing is written until the checks pass */
  if (m->remove_source && !take_source_inventory (m, error))
    return FALSE;
  if (!validate (m, m->cancellable, error) ||
      (m->remove_source && !check_hls_only (m, error)) ||
      !check_output (m, error) ||
      !lock_temp (m, error))
    return FALSE;
  report_progress (m, TRUE);

  ok = remux (m, error);
  stop_pipeline (m);
  ok = ok && verify (m, error);
  ok = ok && (!m->remove_source || sync_file (m->temp, error));
  ok = ok && !g_cancellable_set_error_if_cancelled (m->cancellable, error);
  ok = ok && move_into_place (m, error);
  if (!ok || !m->remove_source)
    {
      unlock_temp (m, !ok);
      return ok;
    }
  /* the new name must be on disk before the source leaves; the lock is held till then */
  out_dir = g_path_get_dirname (m->output);
  ok = sync_file (out_dir, error) && trash_source (m, error);
  unlock_temp (m, FALSE);
  if (!ok)
    return FALSE;
  g_mutex_lock (&m->self->lock);
  m->self->trashed = TRUE;
  g_mutex_unlock (&m->self->lock);
  return TRUE;
}

static Merge *
merge_new (VsHlsMerge   *self,
           GCancellable *cancellable)
{
  Merge *m = g_new0 (Merge, 1);

  m->self = g_object_ref (self);
  m->cancellable = cancellable;
  m->lock_fd = -1;
  g_mutex_init (&m->lock);
  g_cond_init (&m->cond);
  g_mutex_lock (&self->lock);
  m->input = g_strdup (self->input);
  m->output = g_strdup (self->output);
  m->force = self->force;
  m->remove_source = self->remove_source;
  m->roots = g_strdupv (self->roots);
  g_clear_pointer (&self->resolved_output, g_free);
  g_clear_pointer (&self->source_folder, g_free);
  self->trashed = FALSE;
  g_mutex_unlock (&self->lock);
  return m;
}

/* Public API ------------------------------------------------------------------- */

gboolean
vs_hls_merge_run (VsHlsMerge    *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(Merge) m = NULL;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  m = merge_new (self, cancellable);
  return merge_run (m, error);
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Merge *m = task_data;
  GError *error = NULL;

  if (merge_run (m, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vs_hls_merge_run_async (VsHlsMerge          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Merge *m;

  g_return_if_fail (VS_IS_HLS_MERGE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_hls_merge_run_async);
  g_task_set_return_on_cancel (task, FALSE);
  m = merge_new (self, cancellable);
  m->progress_context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, m, (GDestroyNotify) merge_free);
  g_task_run_in_thread (task, run_in_thread);
}

gboolean
vs_hls_merge_run_finish (VsHlsMerge    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

VsHlsMerge *
vs_hls_merge_new (const char *input)
{
  g_return_val_if_fail (input != NULL, NULL);

  return g_object_new (VS_TYPE_HLS_MERGE, "input", input, NULL);
}

const char *
vs_hls_merge_get_input (VsHlsMerge *self)
{
  g_return_val_if_fail (VS_IS_HLS_MERGE (self), NULL);

  return self->input; /* construct-only */
}

char *
vs_hls_merge_dup_output (VsHlsMerge *self)
{
  char *ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), NULL);

  g_mutex_lock (&self->lock);
  ret = g_strdup (self->resolved_output ? self->resolved_output : self->output);
  g_mutex_unlock (&self->lock);
  return ret;
}

void
vs_hls_merge_set_output (VsHlsMerge *self,
                         const char *output)
{
  gboolean changed;

  g_return_if_fail (VS_IS_HLS_MERGE (self));

  g_mutex_lock (&self->lock);
  changed = g_strcmp0 (self->output, output) != 0;
  if (changed)
    {
      g_free (self->output);
      self->output = g_strdup (output);
    }
  g_mutex_unlock (&self->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTPUT]);
}

void
vs_hls_merge_set_library_roots (VsHlsMerge         *self,
                                const char * const *roots)
{
  g_return_if_fail (VS_IS_HLS_MERGE (self));

  g_mutex_lock (&self->lock);
  g_strfreev (self->roots);
  self->roots = g_strdupv ((char **) roots);
  g_mutex_unlock (&self->lock);
}

static void
set_flag (VsHlsMerge *self,
          int         prop,
          gboolean    value)
{
  gboolean changed;

  g_mutex_lock (&self->lock);
  if (prop == PROP_FORCE)
    {
      changed = self->force != !!value;
      self->force = !!value;
    }
  else
    {
      changed = self->remove_source != !!value;
      self->remove_source = !!value;
    }
  g_mutex_unlock (&self->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

gboolean
vs_hls_merge_get_force (VsHlsMerge *self)
{
  gboolean ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);

  g_mutex_lock (&self->lock);
  ret = self->force;
  g_mutex_unlock (&self->lock);
  return ret;
}

void
vs_hls_merge_set_force (VsHlsMerge *self,
                        gboolean    force)
{
  g_return_if_fail (VS_IS_HLS_MERGE (self));

  set_flag (self, PROP_FORCE, force);
}

gboolean
vs_hls_merge_get_remove_source (VsHlsMerge *self)
{
  gboolean ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);

  g_mutex_lock (&self->lock);
  ret = self->remove_source;
  g_mutex_unlock (&self->lock);
  return ret;
}

void
vs_hls_merge_set_remove_source (VsHlsMerge *self,
                                gboolean    remove_source)
{
  g_return_if_fail (VS_IS_HLS_MERGE (self));

  set_flag (self, PROP_REMOVE_SOURCE, remove_source);
}

char *
vs_hls_merge_dup_source_folder (VsHlsMerge *self)
{
  char *ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), NULL);

  g_mutex_lock (&self->lock);
  ret = g_strdup (self->source_folder);
  g_mutex_unlock (&self->lock);
  return ret;
}

gboolean
vs_hls_merge_get_source_trashed (VsHlsMerge *self)
{
  gboolean ret;

  g_return_val_if_fail (VS_IS_HLS_MERGE (self), FALSE);

  g_mutex_lock (&self->lock);
  ret = self->trashed;
  g_mutex_unlock (&self->lock);
  return ret;
}

/* GObject ------------------------------------------------------------------------ */

static void
vs_hls_merge_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VsHlsMerge *self = VS_HLS_MERGE (object);

  switch (prop_id)
    {
    case PROP_INPUT:
      g_value_set_string (value, self->input);
      break;
    case PROP_OUTPUT:
      g_value_take_string (value, vs_hls_merge_dup_output (self));
      break;
    case PROP_FORCE:
      g_value_set_boolean (value, vs_hls_merge_get_force (self));
      break;
    case PROP_REMOVE_SOURCE:
      g_value_set_boolean (value, vs_hls_merge_get_remove_source (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_hls_merge_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VsHlsMerge *self = VS_HLS_MERGE (object);

  switch (prop_id)
    {
    case PROP_INPUT:
      self->input = g_value_dup_string (value);
      break;
    case PROP_OUTPUT:
      vs_hls_merge_set_output (self, g_value_get_string (value));
      break;
    case PROP_FORCE:
      vs_hls_merge_set_force (self, g_value_get_boolean (value));
      break;
    case PROP_REMOVE_SOURCE:
      vs_hls_merge_set_remove_source (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_hls_merge_finalize (GObject *object)
{
  VsHlsMerge *self = VS_HLS_MERGE (object);

  g_clear_pointer (&self->input, g_free);
  g_clear_pointer (&self->output, g_free);
  g_clear_pointer (&self->resolved_output, g_free);
  g_clear_pointer (&self->source_folder, g_free);
  g_clear_pointer (&self->roots, g_strfreev);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vs_hls_merge_parent_class)->finalize (object);
}

static void
vs_hls_merge_class_init (VsHlsMergeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = vs_hls_merge_get_property;
  object_class->set_property = vs_hls_merge_set_property;
  object_class->finalize = vs_hls_merge_finalize;

  properties[PROP_INPUT] =
    g_param_spec_string ("input", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTPUT] =
    g_param_spec_string ("output", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FORCE] =
    g_param_spec_boolean ("force", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOVE_SOURCE] =
    g_param_spec_boolean ("remove-source", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);

  gst_init (NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (vs_merge_debug, "vs-merge", 0, "Vidshelf HLS merge");
}

static void
vs_hls_merge_init (VsHlsMerge *self)
{
  g_mutex_init (&self->lock);
}
