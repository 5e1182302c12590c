/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli duplicates and fingerprint: the library's groups of copies, and the
 * fingerprints of files */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdio.h>

#include "vs-cli.h"
#include "vs-format.h"
#include "vs-media-service.h"

/* Ids whose rows are read together. */

/* duplicates ------------------------------------------------------------------ */

/* The index of @id among @records (in the group's id order), -1 when it is not there. */
static int
index_of (GPtrArray *records,
          gint64     id)
{
  for (guint i = 0; i < records->len; i++)
    {
      const VsVideoRecord *r = g_ptr_array_index (records, i);

      if (r->id == id)
        return (int) i;
    }
  return -1;
}

static void
print_group_json (const VsDuplicateGroup *group,
                  GPtrArray              *records,
                  GArray                 *pairs)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  vs_cli_add_int_or_null (b, "distance", group->distance, TRUE);
  json_builder_set_member_name (b, "exact");
  json_builder_add_boolean_value (b, group->exact);
  vs_cli_add_int_or_null (b, "bytes", group->bytes, TRUE);
  json_builder_set_member_name (b, "videos");
  json_builder_begin_array (b);
  for (guint i = 0; i < records->len; i++)
    {
      const VsVideoRecord *r = g_ptr_array_index (records, i);
      g_autofree char *display = g_filename_display_name (r->path);

      json_builder_begin_object (b);
      vs_cli_add_string_or_null (b, "path", display);
      vs_cli_add_string_or_null (b, "uri", r->uri);
      vs_cli_add_int_or_null (b, "size", r->size, TRUE);
      vs_cli_add_int_or_null (b, "duration_ms", r->duration_ms, r->duration_ms >= 0);
      vs_cli_add_int_or_null (b, "width", r->width, r->width > 0);
      vs_cli_add_int_or_null (b, "height", r->height, r->height > 0);
      vs_cli_add_string_or_null (b, "video_codec", r->video_codec);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  /* a and b: indexes into videos */
  json_builder_set_member_name (b, "pairs");
  json_builder_begin_array (b);
  for (guint i = 0; i < pairs->len; i++)
    {
      const VsDuplicatePair *pair = &g_array_index (pairs, VsDuplicatePair, i);
      int a = index_of (records, pair->a), bi = index_of (records, pair->b);

      if (a < 0 || bi < 0)
        continue;   /* removed since the groups were read */
      json_builder_begin_object (b);
      vs_cli_add_int_or_null (b, "a", a, TRUE);
      vs_cli_add_int_or_null (b, "b", bi, TRUE);
      vs_cli_add_int_or_null (b, "distance", pair->distance, TRUE);
      json_builder_set_member_name (b, "exact");
      json_builder_add_boolean_value (b, pair->exact);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  vs_cli_print_json (node);
}

static void
print_group_text (guint                   number,
                  const VsDuplicateGroup *group,
                  GPtrArray              *records)
{
  g_autofree char *bytes = g_format_size (group->bytes);

  if (group->exact)
    printf ("Group %u: %u exact copies, %s\n", number, records->len, bytes);
  else
    printf ("Group %u: %u videos, distance %d, %s\n", number, records->len, group->distance,
            bytes);
  for (guint i = 0; i < records->len; i++)
    {
      const VsVideoRecord *r = g_ptr_array_index (records, i);
      g_autofree char *duration = r->duration_ms >= 0 ? vs_format_duration (r->duration_ms)
                                                      : g_strdup ("-");
      g_autofree char *size = g_format_size (r->size);
      g_autofree char *resolution = r->width > 0 && r->height > 0
                                      ? g_strdup_printf ("%dx%d", r->width, r->height)
                                      : g_strdup ("-");
      g_autofree char *shown = vs_cli_display_path (r->path);

      printf ("  %10s  %10s  %9s  %-6s  %s\n", size, duration, resolution,
              r->video_codec != NULL ? r->video_codec : "-", shown);
    }
}

int
vs_cli_duplicates (int    argc,
                   char **argv)
{
  g_autofree char *db_option = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *sensitivity_name = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_option, "Library database", "FILE" },
    { "sensitivity", 's', 0, G_OPTION_ARG_STRING, &sensitivity_name,
      "low (near-identical copies), medium (re-encodes, resizes, trims; default) or high",
      "LEVEL" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print JSON Lines: a group a line, its videos and the pairs that join them", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("— print the groups of duplicate videos");
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;
  VsDuplicateSensitivity sensitivity = VS_DUPLICATE_SENSITIVITY_MEDIUM;
  guint new_pairs = 0;
  int status;

  g_option_context_set_description (context,
                                    "Only videos with a fingerprint are grouped: “vidshelf-cli "
                                    "update” makes the missing ones.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (rest != NULL && rest[0] != NULL)
    return vs_cli_usage (context, "unexpected argument “%s”", rest[0]);
  if (sensitivity_name != NULL &&
      !vs_duplicate_sensitivity_from_string (sensitivity_name, &sensitivity))
    return vs_cli_usage (context, "unknown sensitivity “%s” (low, medium or high)",
                         sensitivity_name);

  db_path = vs_cli_db_path (db_option);
  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *shown = vs_cli_display_path (db_path);

      return vs_cli_fail ("no library at %s (scan a folder first)", shown);
    }
  /* The fingerprints made but not matched yet (an update cut short) are matched first: it
   * writes the pairs, hence the writer. */
  db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
  if (db == NULL || !vs_database_match_duplicates (db, NULL, &new_pairs, &error))
    return vs_cli_fail_error (error);
  if (new_pairs > 0)
    g_debug ("%u new pairs", new_pairs);
  groups = vs_database_list_duplicate_groups (db, sensitivity, &error);
  if (groups == NULL)
    return vs_cli_fail_error (error);
  if (groups->len == 0)
    {
      if (!json)
        printf ("No duplicates found.\n");
      return VS_CLI_OK;
    }

  for (guint i = 0; i < groups->len; i++)
    {
      const VsDuplicateGroup *group = g_ptr_array_index (groups, i);
      g_autoptr(GPtrArray) records =
        vs_database_load_duplicate_group (db, (const gint64 *) (gpointer) group->ids->data,
                                          group->ids->len, &error);

      if (records == NULL)
        return vs_cli_fail_error (error);
      if (records->len < 2)
        continue;   /* removed since */
      if (!json)
        {
          if (i > 0)
            printf ("\n");
          print_group_text (i + 1, group, records);
          continue;
        }
      print_group_json (group, records, group->pairs);
    }
  return VS_CLI_OK;
}

/* fingerprint ------------------------------------------------------------------ */

typedef struct
{
  char          *path;      /* absolute */
  const char    *arg;       /* as given */
  VsFingerprint  fingerprint;
  guint          decoded;
  GError        *error;
  gboolean       made;
} Item;

typedef struct
{
  Item     *items;
  guint     n_items;
  guint     remaining;
  gboolean  all_done;
} Batch;

typedef struct
{
  Batch *batch;
  Item  *item;
} Pending;

static void
on_fingerprinted (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Pending *p = user_data;

  p->item->made = vs_media_service_fingerprint_finish (VS_MEDIA_SERVICE (object), result,
                                                       &p->item->fingerprint, &p->item->decoded,
                                                       &p->item->error);
  if (--p->batch->remaining == 0)
    p->batch->all_done = TRUE;
  g_free (p);
}

static void
print_fingerprint (const Item *item,
                   gboolean    json)
{
  g_autofree char *hex = vs_fingerprint_to_hex (&item->fingerprint);
  g_autofree char *display = g_filename_display_name (item->path);
  guint flat = 0;

  for (guint i = 0; i < item->fingerprint.n_frames; i++)
    if (item->fingerprint.flat_mask & (1u << i))
      flat++;
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *uri = g_filename_to_uri (item->path, NULL, NULL);

      json_builder_begin_object (b);
      vs_cli_add_string_or_null (b, "path", display);
      vs_cli_add_string_or_null (b, "uri", uri);
      vs_cli_add_string_or_null (b, "fingerprint", hex);
      vs_cli_add_int_or_null (b, "duration_ms", item->fingerprint.duration_ms, TRUE);
      vs_cli_add_int_or_null (b, "frames", item->fingerprint.n_frames, TRUE);
      vs_cli_add_int_or_null (b, "flat_frames", flat, TRUE);
      vs_cli_add_int_or_null (b, "decoded", item->decoded, TRUE);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      vs_cli_print_json (node);
    }
  else
    {
      g_autofree char *duration = vs_format_duration (item->fingerprint.duration_ms);
      g_autofree char *shown = vs_cli_display_path (item->path);

      printf ("%s  %s  %u decoded  %s\n", hex, duration, item->decoded, shown);
    }
}

int
vs_cli_fingerprint (int    argc,
                    char **argv)
{
  g_auto(GStrv) paths = NULL;
  gboolean json = FALSE;
  int jobs = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print JSON Lines: the fingerprint, the duration, the frames decoded", NULL },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Files decoded at once (default: one per core)",
      "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "PATH…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("PATH… — print the perceptual fingerprints of files");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VsCliLibrary) library = NULL;
  g_autoptr(VsMediaService) service = NULL;
  Batch batch = { 0 };
  int status = VS_CLI_OK;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vs_cli_parse (context, &argc, &argv, &status))
    return status;
  if (paths == NULL || paths[0] == NULL)
    return vs_cli_usage (context, "fingerprint needs at least one file");
  if (jobs < 0)
    return vs_cli_usage (context, "--jobs must be positive");

  /* loose files: a library with no index lends its media service */
  library = vs_cli_open_library (NULL, VS_LIBRARY_FLAGS_NO_INDEX, (guint) jobs, NULL);
  service = g_object_ref (vs_library_get_media (library));
  batch.n_items = g_strv_length (paths);
  batch.items = g_new0 (Item, batch.n_items);
  batch.remaining = batch.n_items;
  for (guint i = 0; i < batch.n_items; i++)
    {
      Pending *p = g_new0 (Pending, 1);

      batch.items[i].arg = paths[i];
      batch.items[i].path = vs_cli_absolute (paths[i]);
      p->batch = &batch;
      p->item = &batch.items[i];
      vs_media_service_fingerprint_async (service, p->item->path, VS_JOB_PRIORITY_VISIBLE,
                                          cancellable, on_fingerprinted, p);
    }
  vs_cli_wait (cancellable, &batch.all_done);

  for (guint i = 0; i < batch.n_items; i++)
    {
      Item *item = &batch.items[i];

      if (item->made)
        print_fingerprint (item, json);
    }
  for (guint i = 0; i < batch.n_items; i++)
    {
      Item *item = &batch.items[i];

      if (item->error != NULL)
        {
          g_autofree char *name = g_filename_display_name (item->arg);

          fprintf (stderr, "vidshelf-cli: %s: %s\n", name, item->error->message);
          status = VS_CLI_FAILED;
        }
      g_free (item->path);
      g_clear_error (&item->error);
    }
  g_free (batch.items);
  return status;
}
