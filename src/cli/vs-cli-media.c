/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli probe, thumbnail and update: media work through the helper pool */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "vs-cli.h"
#include "vs-hls-info.h"
#include "vs-playlist.h"
#include "vs-trash.h"
#include "vs-format.h"
#include "vs-media-service.h"
#include "vs-media-worker.h"

typedef struct
{
  char          *path;      /* absolute */
  const char    *arg;       /* as given */
  VsProbeResult *probe;
  char          *thumbnail;   /* or the filmstrip */
  guint          decoded;     /* a filmstrip's frames given to the decoder */
  GError        *error;
  gboolean       done;
} Item;

typedef struct
{
  GPtrArray *items;
  guint      remaining;
  gboolean   all_done;
} Batch;

static void
item_free (gpointer data)
{
  Item *item = data;

  g_free (item->path);
  g_clear_pointer (&item->probe, vs_probe_result_free);
  g_free (item->thumbnail);
  g_clear_error (&item->error);
  g_free (item);
}

static Batch *
batch_new (char **paths)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->items = g_ptr_array_new_with_free_func (item_free);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      Item *item = g_new0 (Item, 1);

      item->arg = paths[i];
      item->path = vs_cli_absolute (paths[i]);
      g_ptr_array_add (batch->items, item);
    }
  batch->remaining = batch->items->len;
  batch->all_done = batch->remaining == 0;
  return batch;
}

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->items);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

typedef struct
{
  Batch *batch;
  Item  *item;
} Pending;

static void
pending_done (Pending *p)
{
  p->item->done = TRUE;
  if (--p->batch->remaining == 0)
    p->batch->all_done = TRUE;
  g_free (p);
}

static void
on_probed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pending *p = user_data;

  p->item->probe = vs_media_service_probe_finish (VS_MEDIA_SERVICE (object), result,
                                                  &p->item->error);
  pending_done (p);
}

static void
on_thumbnailed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Pending *p = user_data;

  p->item->thumbnail = vs_media_service_thumbnail_finish (VS_MEDIA_SERVICE (object), result,
                                                          &p->item->error);
  pending_done (p);
}

static int
report_failures (Batch *batch)
{
  int status = VS_CLI_OK;

  for (guint i = 0; i < batch->items->len; i++)
    {
      Item *item = g_ptr_array_index (batch->items, i);
      g_autofree char *name = NULL;

      if (item->error == NULL)
        continue;
      name = g_filename_display_name (item->arg);
      fprintf (stderr, "vidshelf-cli: %s: %s\n", name, item->error->message);
      status = VS_CLI_FAILED;
    }
  return status;
}

/* An HLS download's state, for a folder or playlist that probed as HLS; NULL otherwise. */
static VsHlsInfo *
hls_state_of (const Item *item)
{
  const VsProbeResult *r = item->probe;
  g_autofree char *playlist = NULL;
  g_autofree char *folder = NULL;
  g_autoptr(GError) error = NULL;
  VsHlsInfo *info;

  if (g_strcmp0 (r->container, "HLS") != 0)
    return NULL;
  if (g_file_test (item->path, G_FILE_TEST_IS_DIR))
    {
      playlist = vs_playlist_find_in_folder (item->path, NULL);
      folder = g_strdup (item->path);
    }
  else
    {
      playlist = g_strdup (item->path);
      folder = g_path_get_dirname (item->path);
    }
  if (playlist == NULL)
    return NULL;
  info = vs_hls_info_compute (playlist, folder, NULL, &error);
  if (info == NULL)
    g_debug ("No HLS state for %s: %s", item->path, error->message);
  return info;
}

static void
print_probe (const Item *item,
             gboolean    json)
{
  const VsProbeResult *r = item->probe;
  g_autofree char *display = g_filename_display_name (item->path);
  g_autoptr(VsHlsInfo) hls = hls_state_of (item);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *uri = g_filename_to_uri (item->path, NULL, NULL);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, display);
      json_builder_set_member_name (b, "uri");
      json_builder_add_string_value (b, uri);
      vs_probe_result_add_json_members (r, b);
      vs_cli_add_hls_info (b, hls);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      vs_cli_print_json (node);
    }
  else
    {
      g_autofree char *duration = r->duration_ms >= 0 ? vs_format_duration (r->duration_ms)
                                                      : g_strdup ("-");

      g_autofree char *state = hls != NULL ? vs_hls_info_describe (hls) : NULL;

      printf ("%s  %s  %dx%d  %s / %s  %s%s%s\n", display, duration, r->width, r->height,
              r->video_codec ? r->video_codec : "no video",
              r->audio_codec ? r->audio_codec : "no audio",
              r->container ? r->container : "", state ? "  " : "", state ? state : "");
    }
}

int
vs_cli_probe (int    argc,
              char **argv)
{
  g_auto(GStrv) paths = NULL;
  gboolean json = FALSE;
  int jobs = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON Lines", NULL },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Files decoded at once (default: one per core)", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "PATH…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PATH… — print media facts");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(VsMediaService) service = NULL;
  g_autoptr(Batch) batch = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (paths == NULL || paths[0] == NULL)
    return vs_cli_usage (context, "probe needs at least one file");
  if (jobs < 0)
    return vs_cli_usage (context, "--jobs must be positive");

  /* loose files: a library with no index lends its media service */
  library = vs_cli_open_library (NULL, VS_LIBRARY_FLAGS_NO_INDEX, (guint) jobs, NULL);
  service = g_object_ref (vs_library_get_media (library));
  batch = batch_new (paths);
  for (guint i = 0; i < batch->items->len; i++)
    {
      Pending *p = g_new0 (Pending, 1);

      p->batch = batch;
      p->item = g_ptr_array_index (batch->items, i);
      vs_media_service_probe_async (service, p->item->path, VS_JOB_PRIORITY_VISIBLE,
                                    cancellable, on_probed, p);
    }
  vs_cli_wait (cancellable, &batch->all_done);

  for (guint i = 0; i < batch->items->len; i++)
    {
      Item *item = g_ptr_array_index (batch->items, i);

      if (item->probe != NULL)
        print_probe (item, json);
    }
  return report_failures (batch);
}

/* An existing --output is replaced only with --force, and never when it is one of the
 * inputs (by device and inode: a symlink, a hard link or another spelling of the input's
 * name is caught too): the guarded module's rule. The write checks both again when it
 * renames. */
static int
check_output (const char  *output,
              char       **paths,
              gboolean     force)
{
  g_autoptr(GError) error = NULL;

  if (!vs_trash_check_output (output, (const char * const *) paths, force, &error))
    return vs_cli_fail_error (error);
  return VS_CLI_OK;
}

int
vs_cli_thumbnail (int    argc,
                  char **argv)
{
  g_auto(GStrv) paths = NULL;
  g_autofree char *size_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *output_path = NULL;
  int jobs = 0;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "size", 's', 0, G_OPTION_ARG_STRING, &size_name,
      "normal (128), large (256, default), x-large (512) or xx-large (1024)", "SIZE" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the PNG here, not to the cache",
      "FILE" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      "Replace an existing --output file (never the video itself)", NULL },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Files decoded at once (default: one per core)", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "PATH…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PATH… — make thumbnails");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(VsMediaService) service = NULL;
  g_autoptr(Batch) batch = NULL;
  VsThumbnailSize size = VS_THUMBNAIL_SIZE_LARGE;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (paths == NULL || paths[0] == NULL)
    return vs_cli_usage (context, "thumbnail needs at least one file");
  if (size_name != NULL && !vs_thumbnail_size_from_string (size_name, &size))
    return vs_cli_usage (context, "unknown size “%s”", size_name);
  if (output != NULL && paths[1] != NULL)
    return vs_cli_usage (context, "--output takes a single file");
  if (force && output == NULL)
    return vs_cli_usage (context, "--force goes with --output");
  if (jobs < 0)
    return vs_cli_usage (context, "--jobs must be positive");

  if (output != NULL)
    {
      output_path = vs_cli_absolute (output);
      if ((status = check_output (output_path, paths, force)) != VS_CLI_OK)
        return status;
    }
  /* loose files: a library with no index lends its media service */
  library = vs_cli_open_library (NULL, VS_LIBRARY_FLAGS_NO_INDEX, (guint) jobs, NULL);
  service = g_object_ref (vs_library_get_media (library));
  batch = batch_new (paths);
  for (guint i = 0; i < batch->items->len; i++)
    {
      Pending *p = g_new0 (Pending, 1);

      p->batch = batch;
      p->item = g_ptr_array_index (batch->items, i);
      vs_media_service_thumbnail_full_async (service, p->item->path, size, output_path, force,
                                             VS_JOB_PRIORITY_VISIBLE, cancellable,
                                             on_thumbnailed, p);
    }
  vs_cli_wait (cancellable, &batch->all_done);

  for (guint i = 0; i < batch->items->len; i++)
    {
      Item *item = g_ptr_array_index (batch->items, i);
      g_autofree char *display = NULL;

      if (item->thumbnail == NULL)
        continue;
      display = g_filename_display_name (item->thumbnail);
      printf ("%s\n", display);
    }
  return report_failures (batch);
}

/* filmstrip ----------------------------------------------------------------- */

static void
on_filmstrip_made (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Pending *p = user_data;

  p->item->thumbnail = vs_media_service_filmstrip_full_finish (VS_MEDIA_SERVICE (object), result,
                                                               &p->item->decoded,
                                                               &p->item->error);
  pending_done (p);
}

/* The filmstrip's header, read back from its file: what a reader of the cache gets. */
static gboolean
print_filmstrip_json (Item *item)
{
  g_autoptr(VsFilmstrip) strip = vs_filmstrip_load (item->thumbnail, FALSE, &item->error);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *display = NULL;
  g_autofree char *filmstrip = NULL;
  g_autofree char *uri = NULL;

  if (strip == NULL)
    return FALSE;
  display = g_filename_display_name (item->path);
  filmstrip = g_filename_display_name (item->thumbnail);
  uri = g_filename_to_uri (item->path, NULL, NULL);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, display);
  json_builder_set_member_name (b, "uri");
  json_builder_add_string_value (b, uri);
  json_builder_set_member_name (b, "filmstrip");
  json_builder_add_string_value (b, filmstrip);
  json_builder_set_member_name (b, "duration_ms");
  json_builder_add_int_value (b, vs_filmstrip_get_duration_ms (strip));
  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, vs_filmstrip_get_n_frames (strip));
  json_builder_set_member_name (b, "tile_width");
  json_builder_add_int_value (b, vs_filmstrip_get_tile_width (strip));
  json_builder_set_member_name (b, "tile_height");
  json_builder_add_int_value (b, vs_filmstrip_get_tile_height (strip));
  json_builder_set_member_name (b, "columns");
  json_builder_add_int_value (b, vs_filmstrip_get_columns (strip));
  json_builder_set_member_name (b, "times_ms");
  json_builder_begin_array (b);
  for (guint i = 0; i < vs_filmstrip_get_n_frames (strip); i++)
    json_builder_add_int_value (b, vs_filmstrip_get_frame_time_ms (strip, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "decoded");
  json_builder_add_int_value (b, item->decoded);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  vs_cli_print_json (node);
  return TRUE;
}

/* MB as given on the command line, in bytes (0: not given). */
static gboolean
parse_budget (GOptionContext *context,
              int             megabytes,
              guint64        *out_bytes,
              int            *out_status)
{
  if (megabytes < 0)
    {
      *out_status = vs_cli_usage (context, "the filmstrip budget must be positive");
      return FALSE;
    }
  *out_bytes = (guint64) megabytes * 1024 * 1024;
  return TRUE;
}

int
vs_cli_filmstrip (int    argc,
                  char **argv)
{
  g_auto(GStrv) paths = NULL;
  g_autofree char *output = NULL;
  g_autofree char *output_path = NULL;
  int jobs = 0, budget_mb = 0;
  gboolean force = FALSE, json = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write the filmstrip here, not to the cache", "FILE" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      "Replace an existing --output file (never the video itself)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print JSON Lines: the file, its frames' times, the tile size", NULL },
    { "budget", 0, 0, G_OPTION_ARG_INT, &budget_mb,
      "The filmstrip cache's size: the least recently used go past it (default 500)", "MB" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Files decoded at once (default: one per core)", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "PATH…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("PATH… — make or find filmstrips (a frame every 10 s, key frames only)");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(VsMediaService) service = NULL;
  g_autoptr(Batch) batch = NULL;
  guint64 budget = 0;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (paths == NULL || paths[0] == NULL)
    return vs_cli_usage (context, "filmstrip needs at least one file");
  if (output != NULL && paths[1] != NULL)
    return vs_cli_usage (context, "--output takes a single file");
  if (force && output == NULL)
    return vs_cli_usage (context, "--force goes with --output");
  if (budget_mb != 0 && output != NULL)
    return vs_cli_usage (context, "--budget is the cache's, not --output's");
  if (jobs < 0)
    return vs_cli_usage (context, "--jobs must be positive");
  if (!parse_budget (context, budget_mb, &budget, &status))
    return status;

  if (output != NULL)
    {
      output_path = vs_cli_absolute (output);
      if ((status = check_output (output_path, paths, force)) != VS_CLI_OK)
        return status;
    }
  /* loose files: a library with no index lends its media service */
  library = vs_cli_open_library (NULL, VS_LIBRARY_FLAGS_NO_INDEX, (guint) jobs, NULL);
  service = g_object_ref (vs_library_get_media (library));
  vs_media_service_set_filmstrip_budget (service, budget);
  batch = batch_new (paths);
  for (guint i = 0; i < batch->items->len; i++)
    {
      Pending *p = g_new0 (Pending, 1);

      p->batch = batch;
      p->item = g_ptr_array_index (batch->items, i);
      vs_media_service_filmstrip_full_async (service, p->item->path, output_path, force,
                                             VS_JOB_PRIORITY_VISIBLE, cancellable,
                                             on_filmstrip_made, p);
    }
  vs_cli_wait (cancellable, &batch->all_done);

  for (guint i = 0; i < batch->items->len; i++)
    {
      Item *item = g_ptr_array_index (batch->items, i);
      g_autofree char *display = NULL;

      if (item->thumbnail == NULL)
        continue;
      if (json)
        {
          /* A file that cannot be read back is an error of its own, reported below. */
          print_filmstrip_json (item);
          continue;
        }
      display = g_filename_display_name (item->thumbnail);
      printf ("%s\n", display);
    }
  return report_failures (batch);
}

/* update, and scan's probing ---------------------------------------------- */

typedef struct
{
  gboolean         done;
  gboolean         shown;
  gint64           last;
  VsUpdateSummary  summary;
  GError          *error;
} UpdateRun;

static void
on_update_progress (VsMediaService *service,
                    guint           done,
                    guint           total,
                    guint           flags,
                    UpdateRun      *run)
{
  gint64 now = g_get_monotonic_time ();

  if (now - run->last < 100 * G_TIME_SPAN_MILLISECOND && done < total)
    return;
  run->last = now;
  run->shown = TRUE;
  fprintf (stderr, "\r\033[KUpdating the library… %u of %u", done, total);
}

static void
on_updated (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  UpdateRun *run = user_data;

  vs_library_update_media_finish (VS_LIBRARY (object), result, &run->summary, &run->error);
  run->done = TRUE;
}

int
vs_cli_run_update (VsLibrary       *library,
                   VsUpdateFlags    flags,
                   VsThumbnailSize  size,
                   VsCliOutput      output,
                   GCancellable    *cancellable)
{
  VsMediaService *service = vs_library_get_media (library);
  UpdateRun run = { 0 };
  gulong handler = 0;
  VsUpdateSummary *s = &run.summary;

  if (vs_cli_stderr_is_tty ())
    handler = g_signal_connect (service, "update-progress", G_CALLBACK (on_update_progress), &run);
  vs_library_update_media_async (library, flags, size, cancellable, on_updated, &run);
  vs_cli_wait (cancellable, &run.done);
  g_clear_signal_handler (&handler, service);
  if (run.shown)
    fprintf (stderr, "\r\033[K");

  if (run.error != NULL)
    {
      int status = vs_cli_fail_error (run.error);

      g_clear_error (&run.error);
      return status;
    }
  if (output == VS_CLI_OUTPUT_JSON)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "probed");
      json_builder_add_int_value (b, s->probed);
      json_builder_set_member_name (b, "probe_failed");
      json_builder_add_int_value (b, s->probe_failed);
      json_builder_set_member_name (b, "thumbnailed");
      json_builder_add_int_value (b, s->thumbnailed);
      json_builder_set_member_name (b, "thumbnails_reused");
      json_builder_add_int_value (b, s->thumb_reused);
      json_builder_set_member_name (b, "thumbnail_failed");
      json_builder_add_int_value (b, s->thumb_failed);
      if (flags & VS_UPDATE_FILMSTRIPS)
        {
          json_builder_set_member_name (b, "filmstrips_made");
          json_builder_add_int_value (b, s->filmstrips_made);
          json_builder_set_member_name (b, "filmstrips_reused");
          json_builder_add_int_value (b, s->filmstrips_reused);
          json_builder_set_member_name (b, "filmstrips_failed");
          json_builder_add_int_value (b, s->filmstrips_failed);
          json_builder_set_member_name (b, "filmstrip_budget_reached");
          json_builder_add_boolean_value (b, s->filmstrip_budget_reached);
        }
      if (flags & VS_UPDATE_FINGERPRINTS)
        {
          json_builder_set_member_name (b, "fingerprints_made");
          json_builder_add_int_value (b, s->fingerprints_made);
          json_builder_set_member_name (b, "fingerprints_copied");
          json_builder_add_int_value (b, s->fingerprints_copied);
          json_builder_set_member_name (b, "fingerprints_failed");
          json_builder_add_int_value (b, s->fingerprints_failed);
          json_builder_set_member_name (b, "duplicate_pairs");
          json_builder_add_int_value (b, s->duplicate_pairs);
        }
      json_builder_set_member_name (b, "elapsed_ms");
      json_builder_add_int_value (b, s->elapsed_us / 1000);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      vs_cli_print_json (node);
    }
  else if (output == VS_CLI_OUTPUT_TEXT)
    {
      printf ("%u probed (%u failed), %u thumbnails made, %u already there (%u failed)",
              s->probed, s->probe_failed, s->thumbnailed, s->thumb_reused, s->thumb_failed);
      if (flags & VS_UPDATE_FILMSTRIPS)
        printf (", %u filmstrips made, %u already there (%u failed)%s", s->filmstrips_made,
                s->filmstrips_reused, s->filmstrips_failed,
                s->filmstrip_budget_reached ? ", stopped: the filmstrip cache is full" : "");
      if (flags & VS_UPDATE_FINGERPRINTS)
        printf (", %u fingerprints made, %u copied from exact copies (%u failed), "
                "%u duplicate pairs found", s->fingerprints_made, s->fingerprints_copied,
                s->fingerprints_failed, s->duplicate_pairs);
      printf (" in %.2f s\n", s->elapsed_us / 1e6);
    }
  return VS_CLI_OK;
}

int
vs_cli_update (int    argc,
               char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *size_name = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean no_probe = FALSE, no_thumbnails = FALSE, filmstrips = FALSE, json = FALSE;
  gboolean no_fingerprints = FALSE;
  int jobs = 0, budget_mb = 0;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { "size", 's', 0, G_OPTION_ARG_STRING, &size_name,
      "Thumbnail size: normal, large (default), x-large, xx-large", "SIZE" },
    { "no-probe", 0, 0, G_OPTION_ARG_NONE, &no_probe, "Do not probe durations and codecs", NULL },
    { "no-thumbnails", 0, 0, G_OPTION_ARG_NONE, &no_thumbnails, "Do not make thumbnails", NULL },
    { "no-fingerprints", 0, 0, G_OPTION_ARG_NONE, &no_fingerprints,
      "Do not make the fingerprints that find duplicates", NULL },
    { "filmstrips", 0, 0, G_OPTION_ARG_NONE, &filmstrips,
      "Also make the missing filmstrips (until the cache is full)", NULL },
    { "filmstrip-budget", 0, 0, G_OPTION_ARG_INT, &budget_mb,
      "The filmstrip cache's size (default 500)", "MB" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Files decoded at once (default: one per core)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("— probe, thumbnail and fingerprint what the library still lacks");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  VsThumbnailSize size = VS_THUMBNAIL_SIZE_LARGE;
  VsUpdateFlags flags = 0;
  guint64 budget = 0;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (rest != NULL && rest[0] != NULL)
    return vs_cli_usage (context, "unexpected argument “%s”", rest[0]);
  if (size_name != NULL && !vs_thumbnail_size_from_string (size_name, &size))
    return vs_cli_usage (context, "unknown size “%s”", size_name);
  if (jobs < 0)
    return vs_cli_usage (context, "--jobs must be positive");
  if (budget_mb != 0 && !filmstrips)
    return vs_cli_usage (context, "--filmstrip-budget goes with --filmstrips");
  if (!parse_budget (context, budget_mb, &budget, &status))
    return status;

  db_path = vs_cli_db_path (db_option);
  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    return VS_CLI_OK;   /* an empty library has nothing to update */
  library = vs_cli_open_library (db_path, VS_LIBRARY_FLAGS_NONE, (guint) jobs, &error);
  if (library == NULL)
    return vs_cli_fail_error (error);

  if (!no_probe)
    flags |= VS_UPDATE_PROBE;
  if (!no_thumbnails)
    flags |= VS_UPDATE_THUMBNAILS;
  if (filmstrips)
    flags |= VS_UPDATE_FILMSTRIPS;
  if (!no_fingerprints)
    flags |= VS_UPDATE_FINGERPRINTS;
  vs_media_service_set_filmstrip_budget (vs_library_get_media (library), budget);
  return vs_cli_run_update (library, flags, size,
                            json ? VS_CLI_OUTPUT_JSON : VS_CLI_OUTPUT_TEXT, cancellable);
}
