/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli end to end, as a user runs it. */
#define _GNU_SOURCE /* unshare() */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>

#include "vs-database.h"
#include "vs-filmstrip.h"
#include "vs-prober.h"
#include "vs-test-media.h"
#include "vs-test-utils.h"
#include "vs-thumbnailer.h"

typedef struct
{
  char *dir;
  char *lib;
  char *db;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
cli (Run        *r,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("VIDSHELF_CLI");
  const char *arg;
  va_list args;

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (gpointer) binary);
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = vs_test_make_tmpdir ();
  f->lib = g_build_filename (f->dir, "lib", NULL);
  f->db = g_build_filename (f->dir, "library.db", NULL);
  g_assert_cmpint (g_mkdir (f->lib, 0755), ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->lib);
  g_free (f->db);
}

static void
put (Fixture    *f,
     const char *relative,
     gssize      size)
{
  g_autofree char *path = g_build_filename (f->lib, relative, NULL);
  g_autofree char *data = g_malloc0 (MAX (size, 1));

  vs_test_write_file (path, data, size);
}

static JsonObject *
parse_object (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* JSON Lines → array of objects */
static GPtrArray *
parse_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (objects, parse_object (lines[i]));
  return objects;
}

static void
make_library (Fixture *f)
{
  g_autofree char *hls = g_build_filename (f->lib, "Talk 2024", NULL);

  put (f, "Big Movie.mkv", 3000);
  put (f, "small clip.mp4", 10);
  put (f, "100%_real.webm", 500);
  put (f, "100x real.webm", 400);
  put (f, "sub/Deep Dive.MOV", 2000);
  put (f, "sub/more/last.mp4", 1000);
  put (f, "sub/readme.txt", 5);
  put (f, "caf\xe9 \xff.mp4", 7);
  g_assert_cmpint (g_mkdir_with_parents (hls, 0755), ==, 0);
  vs_test_make_hls (hls, "index.m3u8", 3, "2.5", TRUE);
}

static void
test_scan_list (Fixture       *f,
                gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_auto(Run) again = { 0 };
  g_auto(Run) list = { 0 };
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(JsonObject) summary2 = NULL;
  g_autoptr(GPtrArray) items = NULL;
  gboolean saw_hls = FALSE, saw_odd = FALSE;

  make_library (f);
  cli (&r, "scan", "--db", f->db, "--json", f->lib, NULL);
  g_assert_cmpint (r.status, ==, 0);
  summary = parse_object (r.out);
  g_assert_cmpint (json_object_get_int_member (summary, "added"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (summary, "total"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (summary, "removed"), ==, 0);

  cli (&again, "scan", "--db", f->db, "--json", f->lib, NULL);
  summary2 = parse_object (again.out);
  g_assert_cmpint (json_object_get_int_member (summary2, "added"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary2, "updated"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary2, "total"), ==, 8);

  cli (&list, "list", "--db", f->db, "--json", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_cmpstr (list.err, ==, "");
  items = parse_lines (list.out);
  g_assert_cmpuint (items->len, ==, 8);
  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *o = g_ptr_array_index (items, i);
      const char *uri = json_object_get_string_member (o, "uri");
      g_autofree char *path = g_filename_from_uri (uri, NULL, NULL);

      g_assert_true (json_object_has_member (o, "path"));
      g_assert_true (json_object_has_member (o, "size"));
      g_assert_true (json_object_has_member (o, "mtime"));
      g_assert_true (json_object_has_member (o, "duration_ms"));
      /* The URI is lossless: it names a file that exists, byte for byte. */
      g_assert_nonnull (path);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      if (g_str_equal (json_object_get_string_member (o, "kind"), "hls"))
        {
          saw_hls = TRUE;
          g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "path"),
                                           "Talk 2024/index.m3u8"));
          g_assert_cmpint (json_object_get_int_member (o, "duration_ms"), ==, 7500);
          g_assert_cmpint (json_object_get_int_member (o, "size"), ==, 27);
        }
      else
        {
          g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "file");
          g_assert_true (json_object_get_null_member (o, "duration_ms"));
        }
      if (strstr (path, "caf\xe9 \xff.mp4") != NULL)
        saw_odd = TRUE;
    }
  g_assert_true (saw_hls);
  g_assert_true (saw_odd);
}

/* Rewrites an hlssink2 playlist's segment lines as the remote URLs a downloader saved
 * them from. */
static void
make_remote (const char *folder)
{
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (playlist, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      if (lines[i][0] != '#')
        g_string_append_printf (out, "https://cdn.example.com/live/%s?sig=x%%2Fy\n", lines[i]);
      else
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  vs_test_write_file (playlist, out->str, (gssize) out->len);
}

static JsonObject *
hls_of (GPtrArray  *items,
        const char *folder)
{
  g_autofree char *suffix = g_strconcat ("/", folder, "/", NULL);

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *o = g_ptr_array_index (items, i);

      if (strstr (json_object_get_string_member (o, "path"), suffix) != NULL)
        {
          g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "hls");
          return json_object_get_object_member (o, "hls");
        }
    }
  g_error ("%s is not listed", folder);
}

/* -1: null */
static void
assert_bool_member (JsonObject *o,
                    const char *member,
                    int         expected)
{
  g_assert_true (json_object_has_member (o, member));
  if (expected < 0)
    g_assert_true (json_object_get_null_member (o, member));
  else
    g_assert_cmpint (json_object_get_boolean_member (o, member), ==, expected);
}

static void
assert_hls (GPtrArray  *items,
            const char *folder,
            const char *state,
            gint64      segments,
            gint64      missing,
            gboolean    endlist,
            int         key_present, /* -1: not encrypted */
            int         all_copies)  /* -1: not remote */
{
  JsonObject *hls = hls_of (items, folder);

  g_test_message ("%s", folder);
  g_assert_cmpstr (json_object_get_string_member (hls, "state"), ==, state);
  g_assert_cmpint (json_object_get_int_member (hls, "segments"), ==, segments);
  g_assert_cmpint (json_object_get_int_member (hls, "missing"), ==, missing);
  assert_bool_member (hls, "endlist", endlist);
  assert_bool_member (hls, "encrypted", key_present >= 0);
  assert_bool_member (hls, "key_present", key_present);
  assert_bool_member (hls, "remote", all_copies >= 0);
  assert_bool_member (hls, "all_copies", all_copies);
}

/* Every state an HLS download can be in, as `list --json` shows it; two of the downloads
 * made by GStreamer (real MPEG-TS), the others written by hand (the scan reads no media). */
static void
test_list_hls_states (Fixture       *f,
                      gconstpointer  data)
{
  static const char * const needed[] = { "x264enc", "h264parse", "hlssink2", NULL };
  const struct
  {
    const char       *folder;
    guint             n_segments, n_missing;
    VsTestHlsOptions  options;
  } hand[] = {
    { "fmp4", 3, 0, VS_TEST_HLS_FMP4 },
    { "running", 3, 0, VS_TEST_HLS_NO_ENDLIST },
    { "locked", 2, 0, VS_TEST_HLS_AES128 | VS_TEST_HLS_KEY_FILE },
    { "keyless", 2, 0, VS_TEST_HLS_AES128 },
    { "titled", 2, 0, VS_TEST_HLS_HUGE_TITLE },
    { "unterminated", 2, 0, VS_TEST_HLS_NO_FINAL_NEWLINE },
  };
  g_autofree char *remote = g_build_filename (f->lib, "remote", NULL);
  g_autofree char *partial = g_build_filename (f->lib, "partial", NULL);
  g_autofree char *gone = g_build_filename (partial, "seg00002.ts", NULL);
  g_autofree char *master = g_build_filename (f->lib, "master", NULL);
  g_auto(Run) scan = { 0 };
  g_auto(Run) list = { 0 };
  g_autoptr(GPtrArray) items = NULL;
  JsonObject *hls;
  guint n_files = 0;

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_hls (remote, 4);
  make_remote (remote);
  vs_test_media_hls (partial, 6);
  g_assert_cmpint (g_unlink (gone), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (hand); i++)
    {
      g_autofree char *folder = g_build_filename (f->lib, hand[i].folder, NULL);

      vs_test_make_hls_download (folder, hand[i].n_segments, hand[i].n_missing, hand[i].options);
    }
  vs_test_make_hls_master (master);
  put (f, "clip.mp4", 10);

  cli (&scan, "scan", "--db", f->db, "--json", f->lib, NULL);
  g_assert_cmpint (scan.status, ==, 0);
  cli (&list, "list", "--db", f->db, "--json", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_cmpstr (list.err, ==, "");
  items = parse_lines (list.out);
  /* one item a download: no segment, init section or local copy of its own */
  g_assert_cmpuint (items->len, ==, G_N_ELEMENTS (hand) + 4);
  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *o = g_ptr_array_index (items, i);

      if (g_str_equal (json_object_get_string_member (o, "kind"), "file"))
        {
          n_files++;
          g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "path"),
                                           "/clip.mp4"));
          g_assert_false (json_object_has_member (o, "hls"));
        }
    }
  g_assert_cmpuint (n_files, ==, 1);

  assert_hls (items, "remote", "remote", 2, 0, TRUE, -1, TRUE);
  assert_hls (items, "partial", "incomplete", 3, 1, TRUE, -1, -1);
  assert_hls (items, "fmp4", "complete", 3, 0, TRUE, -1, -1);
  g_assert_true (json_object_get_boolean_member (hls_of (items, "fmp4"), "init_map"));
  assert_hls (items, "running", "incomplete", 3, 0, FALSE, -1, -1);
  assert_hls (items, "locked", "encrypted", 2, 0, TRUE, TRUE, -1);
  assert_hls (items, "keyless", "encrypted", 2, 0, TRUE, FALSE, -1);
  assert_hls (items, "titled", "complete", 2, 0, TRUE, -1, -1);
  assert_hls (items, "unterminated", "complete", 2, 0, TRUE, -1, -1);
  assert_hls (items, "master", "master", 3, 0, TRUE, -1, -1);
  hls = hls_of (items, "master");
  g_assert_cmpstr (json_object_get_string_member (hls, "variant"), ==, "720p/index.m3u8");
  g_assert_cmpint (json_object_get_int_member (hls, "bandwidth"), ==, 2800000);
  g_assert_cmpstr (json_object_get_string_member (hls, "resolution"), ==, "1280x720");
  hls = hls_of (items, "remote");
  g_assert_true (json_object_get_null_member (hls, "variant"));
  g_assert_false (json_object_get_boolean_member (hls, "init_map"));
}

/* The line of `list`'s table that ends with @suffix (a path's end). */
static const char *
row_of (GStrv       rows,
        const char *suffix)
{
  for (guint i = 0; rows[i] != NULL; i++)
    if (g_str_has_suffix (rows[i], suffix))
      return rows[i];
  g_error ("no row ends with %s", suffix);
}

/* @name/master.m3u8 naming lo/index.m3u8 (800 kb/s, complete) and hi/index.m3u8
 * (2800 kb/s, written with @hi_options, its last @hi_missing segments missing). */
static void
write_rate_master (Fixture          *f,
                   const char       *name,
                   guint             hi_missing,
                   VsTestHlsOptions  hi_options)
{
  g_autofree char *lo = g_build_filename (f->lib, name, "lo", NULL);
  g_autofree char *hi = g_build_filename (f->lib, name, "hi", NULL);
  g_autofree char *master = g_build_filename (f->lib, name, "master.m3u8", NULL);

  vs_test_make_hls_download (lo, 2, 0, VS_TEST_HLS_PLAIN);
  vs_test_make_hls_download (hi, 2, hi_missing, hi_options);
  vs_test_write_file (master,
                      "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlo/index.m3u8\n"
                      "#EXT-X-STREAM-INF:BANDWIDTH=2800000\nhi/index.m3u8\n", -1);
}

/* The table says each download's state after its kind, in a few words, and lines the
 * downloads' paths up; a plain video's row is duration, size, "file" and path as before.
 * --hls lists the downloads alone, as the sidebar's HLS Downloads does, and goes with the
 * other options. The downloads are written by hand: the scan reads no media. */
static void
test_list_hls_text (Fixture       *f,
                    gconstpointer  data)
{
  const struct
  {
    const char       *folder;
    guint             n_segments, n_missing;
    VsTestHlsOptions  options;
    const char       *words;
  } hand[] = {
    { "complete", 3, 0, VS_TEST_HLS_PLAIN, "complete" },
    { "partial", 3, 1, VS_TEST_HLS_PLAIN, "incomplete 1/3 missing" },
    { "running", 3, 0, VS_TEST_HLS_NO_ENDLIST, "incomplete, no end" },
    { "noinit", 2, 0, VS_TEST_HLS_FMP4, "incomplete, no init" },
    { "locked", 2, 0, VS_TEST_HLS_AES128 | VS_TEST_HLS_KEY_FILE, "encrypted, key here" },
    { "keyless", 2, 0, VS_TEST_HLS_AES128, "encrypted, no key" },
    { "remote", 2, 0, VS_TEST_HLS_REMOTE, "remote, downloaded" },
  };
  const struct
  {
    const char *folder;
    const char *words;
  } masters[] = {
    { "master", "master 1280x720" },
    { "rate", "master 2800 kb/s" },
    { "stream", "remote, not downloaded" },
  };
  g_autofree char *init = g_build_filename (f->lib, "noinit", "init.mp4", NULL);
  g_autofree char *master = g_build_filename (f->lib, "master", NULL);
  g_autofree char *clip_row = NULL;
  g_auto(Run) scan = { 0 };
  g_auto(Run) text = { 0 };
  g_auto(Run) hls = { 0 };
  g_auto(Run) hls_json = { 0 };
  g_auto(Run) hls_search = { 0 };
  g_auto(GStrv) rows = NULL;
  g_auto(GStrv) hls_rows = NULL;
  g_auto(GStrv) search_rows = NULL;
  g_autoptr(GPtrArray) items = NULL;
  const char *row;
  gsize path_column = 0;

  for (guint i = 0; i < G_N_ELEMENTS (hand); i++)
    {
      g_autofree char *folder = g_build_filename (f->lib, hand[i].folder, NULL);

      vs_test_make_hls_download (folder, hand[i].n_segments, hand[i].n_missing, hand[i].options);
    }
  g_assert_cmpint (g_unlink (init), ==, 0);
  vs_test_make_hls_master (master);
  /* a master whose best variant is a remote playlist with nothing of it here, the lower
   * one downloaded: listed, in the state of the variant it uses */
  write_rate_master (f, "stream", 2, VS_TEST_HLS_REMOTE);
  write_rate_master (f, "rate", 0, VS_TEST_HLS_PLAIN);
  put (f, "clip.mp4", 10);
  cli (&scan, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (scan.status, ==, 0);

  cli (&text, "list", "--db", f->db, NULL);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (text.err, ==, "");
  g_test_message ("%s", text.out);
  rows = g_strsplit (text.out, "\n", -1);
  /* the downloads, three masters, the clip and the empty string after the last \n */
  g_assert_cmpuint (g_strv_length (rows), ==, G_N_ELEMENTS (hand) + 4 + 1);

  /* a plain video: as it always was */
  clip_row = g_strdup_printf ("%10s  %10s  %-4s  %s/clip.mp4", "-", "10 bytes", "file", f->lib);
  g_assert_cmpstr (row_of (rows, "/clip.mp4"), ==, clip_row);

  for (guint i = 0; i < G_N_ELEMENTS (hand) + G_N_ELEMENTS (masters); i++)
    {
      gboolean by_hand = i < G_N_ELEMENTS (hand);
      guint m = i - G_N_ELEMENTS (hand);
      const char *folder = by_hand ? hand[i].folder : masters[m].folder;
      const char *words = by_hand ? hand[i].words : masters[m].words;
      const char *playlist = by_hand ? "index.m3u8" : "master.m3u8";
      g_autofree char *suffix = g_strdup_printf ("/%s/%s", folder, playlist);
      g_autofree char *path = g_strconcat (f->lib, suffix, NULL);
      g_autofree char *expected = g_strdup_printf ("  hls   %-22s  %s", words, path);
      const char *found;

      g_test_message ("%s", folder);
      row = row_of (rows, suffix);
      found = strstr (row, "  hls   ");
      g_assert_nonnull (found);
      g_assert_cmpstr (found, ==, expected);
      /* the downloads' paths line up */
      if (path_column == 0)
        path_column = strlen (row) - strlen (path);
      g_assert_cmpuint (strlen (row) - strlen (path), ==, path_column);
    }

  /* --hls: the downloads alone, the same rows */
  cli (&hls, "list", "--db", f->db, "--hls", NULL);
  g_assert_cmpint (hls.status, ==, 0);
  g_assert_cmpstr (hls.err, ==, "");
  hls_rows = g_strsplit (hls.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (hls_rows), ==, G_N_ELEMENTS (hand) + G_N_ELEMENTS (masters) + 1);
  g_assert_null (strstr (hls.out, "clip.mp4"));
  for (guint i = 0; hls_rows[i] != NULL && hls_rows[i][0] != '\0'; i++)
    g_assert_true (g_strv_contains ((const char * const *) rows, hls_rows[i]));

  /* with --json and the other options */
  cli (&hls_json, "list", "--db", f->db, "--hls", "--json", NULL);
  g_assert_cmpint (hls_json.status, ==, 0);
  items = parse_lines (hls_json.out);
  g_assert_cmpuint (items->len, ==, G_N_ELEMENTS (hand) + G_N_ELEMENTS (masters));
  for (guint i = 0; i < items->len; i++)
    g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (items, i), "kind"), ==,
                     "hls");
  assert_hls (items, "partial", "incomplete", 3, 1, TRUE, -1, -1);
  cli (&hls_search, "list", "--db", f->db, "--hls", "--search", "LOCK", NULL);
  g_assert_cmpint (hls_search.status, ==, 0);
  g_assert_true (g_str_has_suffix (hls_search.out, "/locked/index.m3u8\n"));
  g_assert_nonnull (strstr (hls_search.out, "  hls   encrypted, key here "));
  search_rows = g_strsplit (hls_search.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (search_rows), ==, 2);
}

static char *
names_of (const char *json_lines)
{
  g_autoptr(GPtrArray) items = parse_lines (json_lines);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      const char *path = json_object_get_string_member (g_ptr_array_index (items, i), "path");

      g_string_append_printf (names, "%s%s", i ? "|" : "", strrchr (path, '/') + 1);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
test_list_queries (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *sub = g_build_filename (f->lib, "sub", NULL);
  g_auto(Run) scan = { 0 };
  g_auto(Run) r1 = { 0 }, r2 = { 0 }, r3 = { 0 }, r4 = { 0 }, r5 = { 0 }, r6 = { 0 }, r7 = { 0 };
  g_auto(Run) w1 = { 0 }, w2 = { 0 }, w3 = { 0 }, w4 = { 0 };
  g_autofree char *n1 = NULL, *n2 = NULL, *n3 = NULL, *n4 = NULL, *n5 = NULL, *n6 = NULL;
  g_autofree char *m1 = NULL, *m2 = NULL, *m3 = NULL;

  make_library (f);
  cli (&scan, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (scan.status, ==, 0);

  /* % and _ are literal; matching ignores case. */
  cli (&r1, "list", "--db", f->db, "--json", "--search", "%_", NULL);
  n1 = names_of (r1.out);
  g_assert_cmpstr (n1, ==, "100%_real.webm");
  cli (&r2, "list", "--db", f->db, "--json", "--search", "DEEP", NULL);
  n2 = names_of (r2.out);
  g_assert_cmpstr (n2, ==, "Deep Dive.MOV");
  /* Words, in any order, in the name or the folder below the root ("lib" is the root's
   * own name: it matches nothing). */
  cli (&w1, "list", "--db", f->db, "--json", "--search", "  dive SUB ", NULL);
  m1 = names_of (w1.out);
  g_assert_cmpstr (m1, ==, "Deep Dive.MOV");
  cli (&w2, "list", "--db", f->db, "--json", "--search", "more", NULL);
  m2 = names_of (w2.out);
  g_assert_cmpstr (m2, ==, "last.mp4");
  cli (&w3, "list", "--db", f->db, "--json", "--search", "real 100", NULL);
  m3 = names_of (w3.out);
  g_assert_cmpstr (m3, ==, "100%_real.webm|100x real.webm");
  cli (&w4, "list", "--db", f->db, "--search", "lib", NULL);
  g_assert_cmpint (w4.status, ==, 0);
  g_assert_cmpstr (w4.out, ==, "");

  cli (&r3, "list", "--db", f->db, "--json", "--sort", "size", "--desc", "--limit", "3", NULL);
  n3 = names_of (r3.out);
  g_assert_cmpstr (n3, ==, "Big Movie.mkv|Deep Dive.MOV|last.mp4");
  cli (&r4, "list", "--db", f->db, "--json", "--sort", "size", "--offset", "1", "--limit", "2",
       NULL);
  n4 = names_of (r4.out);
  g_assert_cmpstr (n4, ==, "small clip.mp4|index.m3u8");

  cli (&r5, "list", "--db", f->db, "--json", "--folder", sub, NULL);
  n5 = names_of (r5.out);
  g_assert_cmpstr (n5, ==, "Deep Dive.MOV");
  cli (&r6, "list", "--db", f->db, "--json", "--folder", sub, "--recursive", NULL);
  n6 = names_of (r6.out);
  g_assert_cmpstr (n6, ==, "Deep Dive.MOV|last.mp4");

  /* Durations sort unknown last; the HLS item is the only known one: 3 × 2.5 s, shown to
   * the nearest second. */
  cli (&r7, "list", "--db", f->db, "--sort", "duration", NULL);
  g_assert_cmpint (r7.status, ==, 0);
  g_assert_true (g_str_has_prefix (r7.out, "      0:08  "));
}

/* --sort added: what a later scan found comes after what an earlier one did (before when
 * descending), whatever the names and mtimes; --json has "added", in seconds. */
static void
test_list_added (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Run) first = { 0 }, second = { 0 }, asc = { 0 }, desc = { 0 }, bad = { 0 };
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *n_asc = NULL, *n_desc = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  put (f, "b.mp4", 10);
  cli (&first, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (first.status, ==, 0);
  g_usleep (2 * G_USEC_PER_SEC / 1000);   /* a later added_ns, whatever the clock's step */
  put (f, "a.mp4", 10);   /* first by name, last added */
  put (f, "c.mp4", 10);
  cli (&second, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (second.status, ==, 0);

  cli (&asc, "list", "--db", f->db, "--json", "--sort", "added", NULL);
  g_assert_cmpint (asc.status, ==, 0);
  n_asc = names_of (asc.out);
  /* a and c joined together: their order between them is their row ids' */
  g_assert_true (g_str_equal (n_asc, "b.mp4|a.mp4|c.mp4") ||
                 g_str_equal (n_asc, "b.mp4|c.mp4|a.mp4"));
  cli (&desc, "list", "--db", f->db, "--json", "--sort", "added", "--desc", NULL);
  g_assert_cmpint (desc.status, ==, 0);
  n_desc = names_of (desc.out);
  /* the exact reverse: ties too (by row id, then the other way) */
  {
    g_auto(GStrv) names = g_strsplit (n_asc, "|", -1);
    g_autofree char *reversed = g_strdup_printf ("%s|%s|%s", names[2], names[1], names[0]);

    g_assert_cmpstr (n_desc, ==, reversed);
  }

  items = parse_lines (asc.out);
  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *o = g_ptr_array_index (items, i);

      g_assert_true (json_object_has_member (o, "added"));
      g_assert_cmpint (json_object_get_int_member (o, "added"), >=, now - 60);
      g_assert_cmpint (json_object_get_int_member (o, "added"), <=, now + 60);
    }

  cli (&bad, "list", "--db", f->db, "--sort", "addded", NULL);
  g_assert_cmpint (bad.status, ==, 2);
}

/* A name is text in a table, not terminal commands; JSON escapes it by itself. */
static void
test_list_control_chars (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Run) scan = { 0 };
  g_auto(Run) text = { 0 };
  g_auto(Run) json = { 0 };
  g_autoptr(GPtrArray) items = NULL;

  put (f, "\x1b]0;pwned\x07.mp4", 1);
  put (f, "tab\there\xc2\x9b.mp4", 1);     /* U+009B: CSI for some terminals */
  cli (&scan, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (scan.status, ==, 0);

  cli (&text, "list", "--db", f->db, NULL);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_null (strchr (text.out, '\x1b'));
  g_assert_null (strchr (text.out, '\x07'));
  g_assert_null (strchr (text.out, '\t'));
  g_assert_null (strstr (text.out, "\xc2\x9b"));
  g_assert_nonnull (strstr (text.out, "\\x1b]0;pwned\\x07.mp4"));
  g_assert_nonnull (strstr (text.out, "tab\\x09here\\u009b.mp4"));

  cli (&json, "list", "--db", f->db, "--json", NULL);
  g_assert_cmpint (json.status, ==, 0);
  g_assert_null (strchr (json.out, '\x1b'));
  g_assert_null (strchr (json.out, '\x07'));
  items = parse_lines (json.out);
  g_assert_cmpuint (items->len, ==, 2);
}

/* A library on read-only media (a tmpfs remounted read-only, in a mount namespace of this
 * thread's own) is listed, and left byte for byte as it was. */
static void
test_list_read_only (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *ro = g_build_filename (f->dir, "ro", NULL);
  g_autofree char *db = g_build_filename (ro, "library.db", NULL);
  g_autofree char *shm = g_build_filename (ro, "library.db-shm", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(Run) scan = { 0 };
  g_auto(Run) list = { 0 };
  g_auto(Run) text = { 0 };
  g_autoptr(GPtrArray) items = NULL;

  g_assert_cmpint (g_mkdir (ro, 0755), ==, 0);
  if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
      mount ("vidshelf-test", ro, "tmpfs", 0, "size=16m") != 0)
    {
      g_test_skip_printf ("mounting a tmpfs is not permitted here: %s", g_strerror (errno));
      return;
    }
  make_library (f);
  cli (&scan, "scan", "--db", db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (scan.status, ==, 0);
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  before = vs_test_folder_digest (ro);
  g_assert_cmpint (mount (NULL, ro, NULL, MS_REMOUNT | MS_RDONLY, NULL), ==, 0);

  cli (&list, "list", "--db", db, "--json", NULL);
  g_assert_cmpstr (list.err, ==, "");
  g_assert_cmpint (list.status, ==, 0);
  items = parse_lines (list.out);
  g_assert_cmpuint (items->len, ==, 8);
  cli (&text, "list", "--db", db, "--search", "deep", NULL);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "Deep Dive.MOV"));

  after = vs_test_folder_digest (ro);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (umount2 (ro, 0), ==, 0);
}

/* A root that was a mount point, found as a bare folder: kept, and said so. */
static void
test_scan_unavailable (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Run) scan = { 0 };
  g_auto(Run) again = { 0 };
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *unavailable;
  gboolean known, mount_point;
  guint64 dev;

  put (f, "a.mp4", 1);
  cli (&scan, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (scan.status, ==, 0);
  db = vs_database_open (f->db, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_root_device (db, f->lib, &known, &dev, &mount_point, NULL), ==, 1);
  g_assert_true (vs_database_set_root_device (db, f->lib, dev, TRUE, NULL));
  g_clear_object (&db);

  cli (&again, "scan", "--db", f->db, "--no-probe", "--json", f->lib, NULL);
  g_assert_cmpint (again.status, ==, 0);
  g_assert_nonnull (strstr (again.err, "unavailable"));
  summary = parse_object (again.out);
  g_assert_cmpint (json_object_get_int_member (summary, "removed"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "total"), ==, 1);
  unavailable = json_object_get_array_member (summary, "unavailable");
  g_assert_cmpuint (json_array_get_length (unavailable), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (unavailable, 0), ==, f->lib);
}

static void
test_list_no_database (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Run) r = { 0 };

  cli (&r, "list", "--db", f->db, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_duration (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *playlist = g_build_filename (f->lib, "p.m3u8", NULL);
  g_autofree char *bad = g_build_filename (f->lib, "bad.m3u8", NULL);
  g_auto(Run) r1 = { 0 }, r2 = { 0 }, r3 = { 0 }, r4 = { 0 };
  g_autoptr(GString) text = g_string_new ("#EXTM3U\n");

  /* 291:57:30 = 1,051,050 s in 105,105 ten-second segments. */
  for (guint i = 0; i < 105105; i++)
    g_string_append_printf (text, "#EXTINF:10.000,\ns%u.ts\n", i);
  vs_test_write_file (playlist, text->str, (gssize) text->len);
  cli (&r1, "duration", playlist, NULL);
  g_assert_cmpint (r1.status, ==, 0);
  g_assert_cmpstr (r1.out, ==, "291:57:30\n");
  cli (&r2, "duration", "--ms", playlist, NULL);
  g_assert_cmpstr (r2.out, ==, "1051050000\n");

  vs_test_write_file (bad, "#EXTM3U\n#EXTINF:nan,\na.ts\n", -1);
  cli (&r3, "duration", bad, NULL);
  g_assert_cmpint (r3.status, ==, 1);
  g_assert_true (g_str_has_prefix (r3.err, "vidshelf-cli: "));
  g_assert_cmpstr (r3.out, ==, "");

  cli (&r4, "duration", "/nonexistent/x.m3u8", NULL);
  g_assert_cmpint (r4.status, ==, 1);
  g_assert_true (g_str_has_prefix (r4.err, "vidshelf-cli: "));
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "junk.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(Run) r1 = { 0 }, r2 = { 0 }, r3 = { 0 }, r4 = { 0 }, r5 = { 0 }, r6 = { 0 }, r7 = { 0 };

  cli (&r1, NULL);
  g_assert_cmpint (r1.status, ==, 2);
  cli (&r2, "frobnicate", NULL);
  g_assert_cmpint (r2.status, ==, 2);
  cli (&r3, "list", "--db", f->db, "--sort", "colour", NULL);
  g_assert_cmpint (r3.status, ==, 2);
  cli (&r4, "scan", "--db", f->db, NULL);
  g_assert_cmpint (r4.status, ==, 2);

  cli (&r5, "scan", "--db", f->db, missing, NULL);
  g_assert_cmpint (r5.status, ==, 1);
  g_assert_true (g_str_has_prefix (r5.err, "vidshelf-cli: "));
  g_assert_nonnull (strstr (r5.err, "missing"));

  /* A file that is not a library is reported and left alone. */
  vs_test_write_file (junk, "not a database, but someone's notes\n", -1);
  before = vs_test_file_checksum (junk);
  cli (&r6, "scan", "--db", junk, f->lib, NULL);
  g_assert_cmpint (r6.status, ==, 1);
  g_assert_true (g_str_has_prefix (r6.err, "vidshelf-cli: "));
  cli (&r7, "list", "--db", junk, NULL);
  g_assert_cmpint (r7.status, ==, 1);
  after = vs_test_file_checksum (junk);
  g_assert_cmpstr (before, ==, after);
}

/* Global options before the command, as git-style tools take them; each command's usage
 * names it. */
static void
test_global_options (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *db_eq = NULL;
  g_auto(Run) after = { 0 }, before = { 0 }, joined = { 0 }, help = { 0 }, version = { 0 };
  g_auto(Run) no_db = { 0 }, bogus = { 0 }, dangling = { 0 }, list_help = { 0 }, bad = { 0 };

  put (f, "a.mp4", 1);
  put (f, "b.mkv", 2);
  cli (&after, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (after.status, ==, 0);
  run_clear (&after);

  cli (&after, "list", "--db", f->db, "--json", NULL);
  cli (&before, "--db", f->db, "list", "--json", NULL);
  db_eq = g_strconcat ("--db=", f->db, NULL);
  cli (&joined, db_eq, "list", "--json", NULL);
  g_assert_cmpint (after.status, ==, 0);
  g_assert_cmpint (before.status, ==, 0);
  g_assert_cmpint (joined.status, ==, 0);
  g_assert_nonnull (strstr (after.out, "b.mkv"));
  g_assert_cmpstr (before.out, ==, after.out);
  g_assert_cmpstr (joined.out, ==, after.out);

  cli (&help, "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "--db FILE"));
  cli (&version, "--version", "list", NULL);
  g_assert_cmpint (version.status, ==, 0);
  g_assert_true (g_str_has_prefix (version.out, "vidshelf-cli "));

  /* refused with a usage error, nothing run */
  cli (&no_db, "--db", f->db, "probe", f->lib, NULL);
  g_assert_cmpint (no_db.status, ==, 2);
  g_assert_nonnull (strstr (no_db.err, "probe"));
  cli (&bogus, "--colour", "list", NULL);
  g_assert_cmpint (bogus.status, ==, 2);
  g_assert_nonnull (strstr (bogus.err, "--colour"));
  cli (&dangling, "--db", NULL);
  g_assert_cmpint (dangling.status, ==, 2);

  cli (&list_help, "list", "--help", NULL);
  g_assert_cmpint (list_help.status, ==, 0);
  g_assert_nonnull (strstr (list_help.out, "vidshelf-cli list [OPTION"));
  cli (&bad, "scan", "--frobnicate", NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_nonnull (strstr (bad.err, "vidshelf-cli scan"));
}

/* probe takes what scan takes: an HLS download folder, or its playlist, is one item. */
static void
test_probe_hls_folder (Fixture       *f,
                       gconstpointer  data)
{
  static const char *const needed[] = { "x264enc", "h264parse", "hlssink2", NULL };
  g_autofree char *folder = g_build_filename (f->lib, "download", NULL);
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *plain = g_build_filename (f->lib, "plain", NULL);
  g_autofree char *gap = g_build_filename (folder, "seg00001.ts", NULL);
  g_auto(Run) probe = { 0 }, not_hls = { 0 }, incomplete = { 0 };
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) state = NULL;
  JsonObject *hls;

  if (!vs_test_media_require (needed))
    return;
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (plain, 0755), ==, 0);
  vs_test_media_hls (folder, 6);

  cli (&probe, "probe", "--json", folder, playlist, NULL);
  g_assert_cmpint (probe.status, ==, 0);
  items = parse_lines (probe.out);
  g_assert_cmpuint (items->len, ==, 2);
  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (items, i);

      g_assert_cmpint (ABS (json_object_get_int_member (item, "duration_ms") - 6000), <=, 100);
      g_assert_cmpint (json_object_get_int_member (item, "width"), ==, 320);
      g_assert_cmpint (json_object_get_int_member (item, "height"), ==, 240);
      g_assert_cmpstr (json_object_get_string_member (item, "container"), ==, "HLS");
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "hls"),
                                                      "state"), ==, "complete");
    }
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (items, 0), "path"), ==,
                   folder);

  /* one segment gone: its state says so, with how many */
  g_assert_cmpint (g_unlink (gap), ==, 0);
  cli (&incomplete, "probe", "--json", folder, NULL);
  g_assert_cmpint (incomplete.status, ==, 0);
  state = parse_object (incomplete.out);
  hls = json_object_get_object_member (state, "hls");
  g_assert_cmpstr (json_object_get_string_member (hls, "state"), ==, "incomplete");
  g_assert_cmpint (json_object_get_int_member (hls, "missing"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (hls, "segments"), ==, 3);

  /* a folder without a playlist says so */
  cli (&not_hls, "probe", plain, NULL);
  g_assert_cmpint (not_hls.status, ==, 1);
  g_assert_nonnull (strstr (not_hls.err, "not an HLS download"));
}

static void
test_skipped (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *broken = g_build_filename (f->lib, "broken.mp4", NULL);
  g_auto(Run) r = { 0 };
  g_autoptr(JsonObject) summary = NULL;

  put (f, "ok.mp4", 1);
  g_assert_cmpint (symlink ("/nonexistent/target.mp4", broken), ==, 0);
  cli (&r, "scan", "--db", f->db, "--no-probe", "--json", f->lib, NULL);
  g_assert_cmpint (r.status, ==, 0);
  summary = parse_object (r.out);
  g_assert_cmpint (json_object_get_int_member (summary, "skipped"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (summary, "total"), ==, 1);
  g_assert_nonnull (strstr (r.err, "broken.mp4"));
}

/* probe, thumbnail, scan's probing and update, on real media made here. */
static void
test_media (Fixture       *f,
            gconstpointer  data)
{
  static const char * const needed[] = { "x264enc", "mp4mux", "avenc_aac", NULL };
  g_autofree char *clip = g_build_filename (f->lib, "clip.mp4", NULL);
  g_autofree char *junk = g_build_filename (f->lib, "junk.mp4", NULL);
  g_autofree char *png = g_build_filename (f->dir, "out.png", NULL);
  g_auto(Run) probe = { 0 }, thumb = { 0 }, bad_size = { 0 }, scan = { 0 }, list = { 0 };
  g_auto(Run) update = { 0 }, again = { 0 };
  g_autoptr(GPtrArray) probed = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(JsonObject) summary2 = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_mp4 (clip, "smpte");
  vs_test_media_random (junk, 2048);

  /* Good and bad together: the good one is done, the exit status says one failed. */
  cli (&probe, "probe", "--json", clip, junk, NULL);
  g_assert_cmpint (probe.status, ==, 1);
  probed = parse_lines (probe.out);
  g_assert_cmpuint (probed->len, ==, 1);
  g_assert_cmpint (ABS (json_object_get_int_member (g_ptr_array_index (probed, 0),
                                                    "duration_ms") - 2000), <=, 100);
  g_assert_nonnull (strstr (probe.err, "junk.mp4"));
  g_assert_true (g_str_has_prefix (probe.err, "vidshelf-cli: "));

  cli (&thumb, "thumbnail", "--size", "normal", "--output", png, clip, NULL);
  g_assert_cmpint (thumb.status, ==, 0);
  pixbuf = gdk_pixbuf_new_from_file (png, NULL);
  g_assert_nonnull (pixbuf);
  g_assert_cmpint (MAX (gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf)), ==, 128);
  cli (&bad_size, "thumbnail", "--size", "huge", clip, NULL);
  g_assert_cmpint (bad_size.status, ==, 2);

  /* scan probes new files by default */
  cli (&scan, "scan", "--db", f->db, "--json", f->lib, NULL);
  g_assert_cmpint (scan.status, ==, 0);
  cli (&list, "list", "--db", f->db, "--json", "--search", "clip", NULL);
  listed = parse_lines (list.out);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpint (ABS (json_object_get_int_member (g_ptr_array_index (listed, 0),
                                                    "duration_ms") - 2000), <=, 100);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (listed, 0), "width"), ==, 640);

  /* update makes the missing thumbnails; a second run has nothing left to do */
  cli (&update, "update", "--db", f->db, "--json", "--size", "normal", NULL);
  g_assert_cmpint (update.status, ==, 0);
  summary = parse_object (update.out);
  g_assert_cmpint (json_object_get_int_member (summary, "thumbnailed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (summary, "thumbnail_failed"), ==, 1);
  cli (&again, "update", "--db", f->db, "--json", NULL);
  summary2 = parse_object (again.out);
  g_assert_cmpint (json_object_get_int_member (summary2, "thumbnailed"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary2, "probed"), ==, 0);
}

/* Exit 1 with one "vidshelf-cli: " line, nothing written. */
static void
assert_refused (Run *r)
{
  g_assert_cmpint (r->status, ==, 1);
  g_assert_true (g_str_has_prefix (r->err, "vidshelf-cli: "));
  g_assert_nonnull (strchr (r->err, '\n'));
  g_assert_cmpstr (strchr (r->err, '\n') + 1, ==, "");
  g_assert_cmpstr (r->out, ==, "");
}

/* thumbnail --output never writes over the video itself, whatever name leads to it (the
 * same, another spelling, a symlink, a hard link), not even with --force; another existing
 * file is replaced only with --force. */
static void
test_thumbnail_output_safety (Fixture       *f,
                              gconstpointer  data)
{
  static const char * const needed[] = { "x264enc", "mp4mux", "avenc_aac", NULL };
  g_autofree char *clip = g_build_filename (f->lib, "clip.mp4", NULL);
  g_autofree char *dotted = g_build_filename (f->lib, ".", "..", "lib", "clip.mp4", NULL);
  g_autofree char *symlink_path = g_build_filename (f->lib, "symlink.mp4", NULL);
  g_autofree char *hard = g_build_filename (f->lib, "hard.mp4", NULL);
  g_autofree char *other = g_build_filename (f->lib, "other.png", NULL);
  g_autofree char *sum = NULL, *other_sum = NULL, *after = NULL, *listing = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  const char *outputs[] = { clip, dotted, symlink_path, hard };

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_mp4 (clip, "smpte");
  g_assert_cmpint (symlink ("clip.mp4", symlink_path), ==, 0);
  g_assert_cmpint (link (clip, hard), ==, 0);
  vs_test_write_file (other, "not a thumbnail", -1);
  sum = vs_test_file_checksum (clip);
  other_sum = vs_test_file_checksum (other);

  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    for (guint force = 0; force < 2; force++)
      {
        g_auto(Run) r = { 0 };

        if (force)
          cli (&r, "thumbnail", "--force", "--output", outputs[i], clip, NULL);
        else
          cli (&r, "thumbnail", "--output", outputs[i], clip, NULL);
        g_test_message ("--output %s%s: %s", outputs[i], force ? " --force" : "", r.err);
        assert_refused (&r);
        g_clear_pointer (&after, g_free);
        after = vs_test_file_checksum (clip);
        g_assert_cmpstr (after, ==, sum);
      }
  /* The input given through the symlink, the output by its real name: still itself. */
  {
    g_auto(Run) r = { 0 };

    cli (&r, "thumbnail", "--force", "--output", clip, symlink_path, NULL);
    assert_refused (&r);
  }
  g_clear_pointer (&after, g_free);
  after = vs_test_file_checksum (clip);
  g_assert_cmpstr (after, ==, sum);
  g_assert_true (g_file_test (symlink_path, G_FILE_TEST_IS_SYMLINK));

  /* Another file: kept without --force, replaced with it. */
  {
    g_auto(Run) kept = { 0 }, replaced = { 0 };

    cli (&kept, "thumbnail", "--output", other, clip, NULL);
    assert_refused (&kept);
    g_assert_nonnull (strstr (kept.err, "--force"));
    g_clear_pointer (&after, g_free);
    after = vs_test_file_checksum (other);
    g_assert_cmpstr (after, ==, other_sum);

    cli (&replaced, "thumbnail", "--force", "--output", other, clip, NULL);
    g_assert_cmpint (replaced.status, ==, 0);
    g_clear_pointer (&after, g_free);
    after = vs_test_file_checksum (other);
    g_assert_cmpstr (after, !=, other_sum);
    pixbuf = gdk_pixbuf_new_from_file (other, NULL);
    g_assert_nonnull (pixbuf);
  }
  g_clear_pointer (&after, g_free);
  after = vs_test_file_checksum (clip);
  g_assert_cmpstr (after, ==, sum);
  /* No temporary file left beside the outputs. */
  listing = vs_test_list_folder (f->lib);
  g_assert_cmpstr (listing, ==, "clip.mp4 hard.mp4 other.png symlink.mp4");
}

static JsonObject *
read_event (GDataInputStream *lines,
            JsonParser       *parser)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* watch: a scan line, the root's state, one line a change; Ctrl+C ends it with 0. */
static void
test_watch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *clip = g_build_filename (f->lib, "sub", "new clip.mp4", NULL);
  g_autofree char *clip_uri = g_filename_to_uri (clip, NULL, NULL);
  JsonObject *event;

  put (f, "old.mkv", 1);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("VIDSHELF_CLI"),
                           "watch", "--db", f->db, f->lib, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));

  event = read_event (lines, parser);
  g_assert_cmpstr (json_object_get_string_member (event, "event"), ==, "scanned");
  g_assert_cmpint (json_object_get_int_member (event, "added"), ==, 1);
  event = read_event (lines, parser);
  g_assert_cmpstr (json_object_get_string_member (event, "event"), ==, "root");
  g_assert_cmpstr (json_object_get_string_member (event, "state"), ==, "watching");
  g_assert_cmpint (json_object_get_int_member (event, "monitors"), ==, 2);

  vs_test_write_file (clip, "12", -1);
  event = read_event (lines, parser);
  g_assert_cmpstr (json_object_get_string_member (event, "event"), ==, "folder-added");
  event = read_event (lines, parser);
  g_assert_cmpstr (json_object_get_string_member (event, "event"), ==, "added");
  g_assert_cmpstr (json_object_get_string_member (event, "uri"), ==, clip_uri);
  g_assert_cmpint (json_object_get_int_member (event, "size"), ==, 2);
  event = read_event (lines, parser);
  g_assert_cmpstr (json_object_get_string_member (event, "event"), ==, "stable");

  g_subprocess_send_signal (proc, SIGINT);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

/* Past the watch budget (here set through the environment) the root is polled, and says so. */
static void
test_watch_polling (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *event;

  put (f, "a/old.mkv", 1);
  g_subprocess_launcher_setenv (launcher, "VIDSHELF_WATCH_BUDGET", "1", TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VIDSHELF_CLI"), "watch",
                                      "--db", f->db, f->lib, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  event = read_event (lines, parser);
  g_assert_cmpstr (json_object_get_string_member (event, "event"), ==, "scanned");
  event = read_event (lines, parser);
  g_assert_cmpstr (json_object_get_string_member (event, "event"), ==, "root");
  g_assert_cmpstr (json_object_get_string_member (event, "state"), ==, "polling");
  g_assert_cmpint (json_object_get_int_member (event, "poll_interval"), ==, 300);
  g_assert_cmpint (json_object_get_int_member (event, "monitors"), ==, 1);

  g_subprocess_send_signal (proc, SIGINT);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

/* rename: through the guarded module; the index follows; refusals change nothing */
static void
test_rename (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autofree char *a = g_build_filename (f->lib, "a.mp4", NULL);
  g_autofree char *c = g_build_filename (f->lib, "c.mp4", NULL);
  g_autofree char *c_srt = g_build_filename (f->lib, "c.srt", NULL);
  g_autofree char *digest = NULL;
  g_autofree char *after = NULL;
  g_autofree char *nowhere = g_build_filename (f->dir, "none.db", NULL);

  put (f, "a.mp4", 100);
  put (f, "a.srt", 10);
  put (f, "b.mp4", 200);
  cli (&r, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);

  cli (&r, "rename", "--db", f->db, a, "c.mp4", NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "a.mp4 -> "));
  g_assert_true (g_str_has_suffix (r.out, "c.mp4\n"));
  g_assert_false (g_file_test (a, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (c, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (c_srt, G_FILE_TEST_IS_REGULAR));
  run_clear (&r);
  cli (&r, "list", "--db", f->db, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "c.mp4"));
  g_assert_null (strstr (r.out, "a.mp4"));
  g_assert_nonnull (strstr (r.out, "b.mp4"));
  run_clear (&r);

  /* refusals: one line, exit 1, nothing touched */
  digest = vs_test_folder_digest (f->lib);
  cli (&r, "rename", "--db", f->db, c, "b.mp4", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_true (g_str_has_prefix (r.err, "vidshelf-cli: "));
  g_assert_nonnull (strstr (r.err, "already exists"));
  g_assert_cmpint (strchr (r.err, '\n') - r.err, ==, strlen (r.err) - 1);
  run_clear (&r);
  cli (&r, "rename", "--db", f->db, c, "../c.mp4", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "“/”"));
  run_clear (&r);
  cli (&r, "rename", "--db", f->db, c, "  ", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "only spaces"));
  run_clear (&r);
  cli (&r, "rename", "--db", f->db, f->lib, "other", NULL);
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
  after = vs_test_folder_digest (f->lib);
  g_assert_cmpstr (after, ==, digest);

  /* usage */
  cli (&r, "rename", "--db", f->db, c, NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);

  /* no library: the file is renamed all the same, and no library made */
  cli (&r, "rename", "--db", nowhere, c, "d.mp4", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (c, G_FILE_TEST_EXISTS));
}

/* The watched flag of the video named @name in `list --json`'s output. */
static gboolean
listed_watched (const char *json_lines,
                const char *name)
{
  g_autoptr(GPtrArray) items = parse_lines (json_lines);

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (items, i);

      if (g_str_equal (json_object_get_string_member (item, "name"), name))
        {
          g_assert_true (json_object_has_member (item, "play_count"));
          return json_object_get_boolean_member (item, "watched");
        }
    }
  g_assert_not_reached ();
}

/* mark: --watched/--unwatched on several paths, shown by list --json; usage errors exit 2,
 * a path that is no video exits 1 and marks nothing */
static void
test_mark (Fixture       *f,
           gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autofree char *a = g_build_filename (f->lib, "a.mp4", NULL);
  g_autofree char *b = g_build_filename (f->lib, "b.mp4", NULL);
  g_autofree char *missing = g_build_filename (f->lib, "none.mp4", NULL);

  put (f, "a.mp4", 100);
  put (f, "b.mp4", 200);
  put (f, "c.mp4", 300);
  cli (&r, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);

  cli (&r, "mark", "--db", f->db, "--watched", a, b, NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "watched "));
  run_clear (&r);
  cli (&r, "list", "--db", f->db, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (listed_watched (r.out, "a.mp4"));
  g_assert_true (listed_watched (r.out, "b.mp4"));
  g_assert_false (listed_watched (r.out, "c.mp4"));
  run_clear (&r);

  cli (&r, "mark", "--db", f->db, "--unwatched", b, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  cli (&r, "list", "--db", f->db, "--json", NULL);
  g_assert_true (listed_watched (r.out, "a.mp4"));
  g_assert_false (listed_watched (r.out, "b.mp4"));
  run_clear (&r);

  /* one bad path: one line, exit 1, and the good one is not marked either */
  cli (&r, "mark", "--db", f->db, "--watched", b, missing, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_true (g_str_has_prefix (r.err, "vidshelf-cli: "));
  g_assert_cmpint (strchr (r.err, '\n') - r.err, ==, strlen (r.err) - 1);
  run_clear (&r);
  cli (&r, "list", "--db", f->db, "--json", NULL);
  g_assert_false (listed_watched (r.out, "b.mp4"));
  run_clear (&r);

  /* usage: neither or both flags, no path */
  cli (&r, "mark", "--db", f->db, a, NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
  cli (&r, "mark", "--db", f->db, "--watched", "--unwatched", a, NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
  cli (&r, "mark", "--db", f->db, "--watched", NULL);
  g_assert_cmpint (r.status, ==, 2);
}

/* Sets @relative's modification time to noon of a local day. */
static void
set_mtime (Fixture    *f,
           const char *relative,
           int         year,
           int         month,
           int         day)
{
  g_autofree char *path = g_build_filename (f->lib, relative, NULL);
  g_autoptr(GDateTime) noon = g_date_time_new_local (year, month, day, 12, 0, 0);
  struct utimbuf times = { .actime = g_date_time_to_unix (noon),
                           .modtime = g_date_time_to_unix (noon) };

  g_assert_cmpint (utime (path, &times), ==, 0);
}

/* What a probe would have found, written into the index: @height 0 for a failed probe. */
static void
set_probed (VsDatabase *db,
            Fixture    *f,
            const char *relative,
            int         height,
            const char *codec,
            gint64      duration_ms)
{
  g_autofree char *path = g_build_filename (f->lib, relative, NULL);
  g_autoptr(VsVideoRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  VsProbeResult probe = { .duration_ms = duration_ms, .width = height * 16 / 9,
                          .height = height, .video_codec = (char *) codec, .has_video = TRUE };

  record = vs_database_lookup_video (db, path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  g_assert_true (vs_database_set_probe_result (db, record->id, height > 0 ? &probe : NULL,
                                               &error));
  g_assert_no_error (error);
}

/* The names list prints with @first and the NULL-terminated options after it. */
static char *
filtered_names (Fixture    *f,
                const char *first,
                ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(Run) r = { 0 };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("VIDSHELF_CLI"));
  g_ptr_array_add (argv, (gpointer) "list");
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, f->db);
  g_ptr_array_add (argv, (gpointer) "--json");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  return names_of (r.out);
}

/* A usage error: exit 2, one message first on stderr, nothing listed. */
static void
assert_usage_error (Fixture    *f,
                    const char *first,
                    ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("VIDSHELF_CLI"));
  g_ptr_array_add (argv, (gpointer) "list");
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, f->db);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s → %s", first, err);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
  g_assert_true (g_str_has_prefix (err, "vidshelf-cli: "));
  g_assert_cmpstr (out, ==, "");
}

#define ASSERT_LISTED(expected, ...) \
  G_STMT_START { \
    g_autofree char *names_ = filtered_names (f, __VA_ARGS__, NULL); \
    g_assert_cmpstr (names_, ==, expected); \
  } G_STMT_END

/* list's filters, each and together, on an index whose facts are known; bad values are
 * usage errors */
static void
test_list_filters (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_build_filename (f->lib, "Big Movie.mkv", NULL);
  g_autofree char *clip = g_build_filename (f->lib, "small clip.mp4", NULL);
  g_auto(Run) r = { 0 };

  make_library (f);
  set_mtime (f, "Big Movie.mkv", 2021, 6, 15);
  set_mtime (f, "small clip.mp4", 2023, 1, 1);
  set_mtime (f, "sub/Deep Dive.MOV", 2021, 6, 16);
  cli (&r, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (r.status, ==, 0);

  db = vs_database_open (f->db, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  set_probed (db, f, "Big Movie.mkv", 2160, "H.265 (Main Profile)", 7200000);
  set_probed (db, f, "sub/Deep Dive.MOV", 1080, "H.264 (High Profile)", 300000);
  set_probed (db, f, "small clip.mp4", 360, "H.264 (High Profile)", 20000);
  set_probed (db, f, "100x real.webm", 0, NULL, -1);     /* broken */
  g_assert_true (vs_database_mark_watched (db, big, TRUE, &error));
  g_assert_true (vs_database_set_position (db, clip, 10000, 20000, &error));
  g_assert_no_error (error);
  g_clear_object (&db);

  ASSERT_LISTED ("index.m3u8", "--kind", "hls");
  ASSERT_LISTED ("index.m3u8", "--hls", "--kind", "hls");
  ASSERT_LISTED ("Big Movie.mkv|Deep Dive.MOV", "--kind", "file", "--min-height", "1080");
  ASSERT_LISTED ("Deep Dive.MOV", "--min-height", "720", "--max-height", "1080");
  ASSERT_LISTED ("small clip.mp4", "--max-height", "719");
  ASSERT_LISTED ("Deep Dive.MOV|small clip.mp4", "--codec", "H.264 (High Profile)");
  ASSERT_LISTED ("", "--codec", "h264");
  /* the HLS item's duration is known from its playlist: 7.5 s */
  ASSERT_LISTED ("index.m3u8|small clip.mp4", "--max-duration", "60", "--sort", "duration");
  ASSERT_LISTED ("Deep Dive.MOV|Big Movie.mkv", "--min-duration", "60", "--sort", "duration");
  ASSERT_LISTED ("Deep Dive.MOV", "--min-duration", "300", "--max-duration", "300");
  ASSERT_LISTED ("Big Movie.mkv", "--watched");
  ASSERT_LISTED ("small clip.mp4", "--in-progress");
  ASSERT_LISTED ("100x real.webm", "--broken");
  ASSERT_LISTED ("Big Movie.mkv|Deep Dive.MOV", "--until", "2021-06-16");
  ASSERT_LISTED ("Big Movie.mkv", "--since", "2021-06-15", "--until", "2021-06-15");
  ASSERT_LISTED ("Deep Dive.MOV", "--since", "2021-06-16", "--until", "2022-12-31");
  /* together with search, folder, sort, offset and limit */
  ASSERT_LISTED ("Deep Dive.MOV|small clip.mp4", "--unwatched", "--min-height", "1",
                 "--sort", "size", "--desc");
  ASSERT_LISTED ("small clip.mp4", "--unwatched", "--min-height", "1", "--sort", "size",
                 "--desc", "--offset", "1", "--limit", "1");
  ASSERT_LISTED ("Big Movie.mkv", "--search", "movie", "--min-height", "2160", "--watched");
  ASSERT_LISTED ("Deep Dive.MOV", "--folder", f->lib, "--recursive", "--min-height", "720",
                 "--unwatched");
  {
    g_autofree char *all = filtered_names (f, "--unwatched", NULL);

    g_assert_null (strstr (all, "Big Movie.mkv"));
    g_assert_nonnull (strstr (all, "small clip.mp4"));   /* in progress is not watched */
  }

  assert_usage_error (f, "--min-height", "-1", NULL);
  assert_usage_error (f, "--min-height", "tall", NULL);
  assert_usage_error (f, "--min-height", "1080", "--max-height", "720", NULL);
  assert_usage_error (f, "--max-height", "0", NULL);
  assert_usage_error (f, "--max-height", "99999999999", NULL);
  assert_usage_error (f, "--min-duration", "-5", NULL);
  assert_usage_error (f, "--max-duration", "1.5", NULL);
  assert_usage_error (f, "--min-duration", "600", "--max-duration", "60", NULL);
  assert_usage_error (f, "--kind", "folder", NULL);
  assert_usage_error (f, "--hls", "--kind", "file", NULL);
  assert_usage_error (f, "--codec", "", NULL);
  assert_usage_error (f, "--watched", "--unwatched", NULL);
  assert_usage_error (f, "--in-progress", "--watched", NULL);
  assert_usage_error (f, "--since", "yesterday", NULL);
  assert_usage_error (f, "--since", "2021-13-01", NULL);
  assert_usage_error (f, "--until", "2021-02-30", NULL);
  assert_usage_error (f, "--until", "2021-6-1", NULL);
  assert_usage_error (f, "--since", "2022-01-02", "--until", "2022-01-01", NULL);
}

/* collections lists them (text and JSON, in their order); list --collection lists a
 * collection's videos by its search, filters and sort, with --folder, --offset, --limit
 * and --json on top; its own search, filter and sort options are refused with it. */
static void
test_collections (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autofree char *sub = g_build_filename (f->lib, "sub", NULL);
  g_autofree char *hd_text = NULL;
  g_autofree char *search_text = NULL;
  g_auto(Run) r = { 0 };
  VsVideoQuery hd = { 0 };
  VsVideoQuery search = { 0 };
  gint64 hd_id;

  /* no library yet: none, and no such collection */
  cli (&r, "collections", "--db", f->db, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  run_clear (&r);
  cli (&r, "list", "--db", f->db, "--collection", "HD", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_true (g_str_has_prefix (r.err, "vidshelf-cli: "));
  g_assert_nonnull (strstr (r.err, "HD"));
  run_clear (&r);

  make_library (f);
  cli (&r, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  db = vs_database_open (f->db, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  set_probed (db, f, "Big Movie.mkv", 2160, "H.265 (Main Profile)", 7200000);
  set_probed (db, f, "sub/Deep Dive.MOV", 1080, "H.264 (High Profile)", 300000);
  set_probed (db, f, "small clip.mp4", 360, "H.264 (High Profile)", 20000);
  hd.min_height = 720;
  hd.sort = VS_SORT_SIZE;
  hd.descending = FALSE;
  hd_text = vs_video_query_to_string (&hd);
  search.search = "real";
  search.sort = VS_SORT_SIZE;
  search.descending = TRUE;
  search_text = vs_video_query_to_string (&search);
  hd_id = vs_database_add_collection (db, "HD", hd_text, &error);
  g_assert_no_error (error);
  vs_database_add_collection (db, "Real ones", search_text, &error);
  g_assert_no_error (error);
  vs_database_add_collection (db, "Real ones", "{}", &error);   /* a second of that name */
  g_assert_no_error (error);
  g_clear_object (&db);

  cli (&r, "collections", "--db", f->db, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "HD\nReal ones\nReal ones\n");
  run_clear (&r);
  cli (&r, "collections", "--db", f->db, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  objects = parse_lines (r.out);
  g_assert_cmpuint (objects->len, ==, 3);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (objects, 0), "id"), ==, hd_id);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (objects, 0), "name"), ==,
                   "HD");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (objects, 0), "query"), ==,
                   hd_text);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (objects, 2), "position"), ==, 2);
  run_clear (&r);

  /* the collection's filter and sort (size, ascending) */
  ASSERT_LISTED ("Deep Dive.MOV|Big Movie.mkv", "--collection", "HD");
  ASSERT_LISTED ("Deep Dive.MOV|Big Movie.mkv", "--collection", " HD ");
  /* its search and descending sort; the first of two with that name */
  ASSERT_LISTED ("100%_real.webm|100x real.webm", "--collection", "Real ones");
  /* on top: a folder, paging */
  ASSERT_LISTED ("Deep Dive.MOV", "--collection", "HD", "--folder", sub, "--recursive");
  ASSERT_LISTED ("Big Movie.mkv", "--collection", "HD", "--offset", "1");
  ASSERT_LISTED ("Deep Dive.MOV", "--collection", "HD", "--limit", "1");

  cli (&r, "list", "--db", f->db, "--collection", "Nope", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "Nope"));
  g_assert_cmpstr (r.out, ==, "");
  run_clear (&r);
  assert_usage_error (f, "--collection", "HD", "--search", "x", NULL);
  assert_usage_error (f, "--collection", "HD", "--sort", "name", NULL);
  assert_usage_error (f, "--collection", "HD", "--desc", NULL);
  assert_usage_error (f, "--collection", "HD", "--hls", NULL);
  assert_usage_error (f, "--collection", "HD", "--min-height", "1080", NULL);
  assert_usage_error (f, "--collection", "HD", "--watched", NULL);
  cli (&r, "collections", "--db", f->db, "extra", NULL);
  g_assert_cmpint (r.status, ==, 2);
}

static JsonObject *
stats_group (JsonObject *stats,
             const char *breakdown,
             const char *name)
{
  JsonArray *groups = json_object_get_array_member (stats, breakdown);

  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *g = json_array_get_object_element (groups, i);
      const char *g_name = json_object_get_null_member (g, "name")
                           ? NULL : json_object_get_string_member (g, "name");

      if (g_strcmp0 (g_name, name) == 0)
        return g;
    }
  g_assert_not_reached ();
}

/* stats: every figure against what list says of the same library; usage errors */
static void
test_stats (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_build_filename (f->lib, "Big Movie.mkv", NULL);
  g_autofree char *clip = g_build_filename (f->lib, "small clip.mp4", NULL);
  g_autofree char *show = g_build_filename (f->lib, "Old Show", NULL);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autofree VsVideoQuery *h264 = NULL;
  JsonObject *hls, *g;
  gint64 size = 0, talk_size = 0;
  g_auto(Run) r = { 0 };
  g_auto(Run) text = { 0 };
  g_auto(Run) bad = { 0 };
  g_auto(Run) extra = { 0 };
  g_auto(Run) missing = { 0 };

  make_library (f);
  /* a second download, merged already: its MP4 beside its folder */
  g_assert_cmpint (g_mkdir_with_parents (show, 0755), ==, 0);
  vs_test_make_hls (show, "index.m3u8", 2, "2.0", TRUE);
  put (f, "Old Show.mp4", 600);
  set_mtime (f, "Big Movie.mkv", 2021, 6, 15);
  set_mtime (f, "sub/Deep Dive.MOV", 2021, 1, 1);
  set_mtime (f, "small clip.mp4", 2023, 12, 31);
  cli (&r, "scan", "--db", f->db, "--no-probe", f->lib, NULL);
  g_assert_cmpint (r.status, ==, 0);
  db = vs_database_open (f->db, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  set_probed (db, f, "Big Movie.mkv", 2160, "H.265 (Main Profile)", 7200000);
  set_probed (db, f, "sub/Deep Dive.MOV", 1080, "H.264 (High Profile)", 300000);
  set_probed (db, f, "small clip.mp4", 360, "H.264 (High Profile)", 20000);
  set_probed (db, f, "100x real.webm", 0, NULL, -1);     /* broken */
  g_assert_true (vs_database_mark_watched (db, big, TRUE, &error));
  g_assert_true (vs_database_set_position (db, clip, 10000, 20000, &error));
  g_assert_no_error (error);
  g_clear_object (&db);

  run_clear (&r);
  cli (&r, "list", "--db", f->db, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  listed = parse_lines (r.out);
  for (guint i = 0; i < listed->len; i++)
    {
      JsonObject *o = g_ptr_array_index (listed, i);

      size += json_object_get_int_member (o, "size");
      if (strstr (json_object_get_string_member (o, "path"), "Talk 2024") != NULL)
        talk_size = json_object_get_int_member (o, "size");
    }
  g_assert_cmpint (talk_size, >, 0);

  run_clear (&r);
  cli (&r, "stats", "--db", f->db, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  stats = parse_object (r.out);
  g_assert_cmpint (json_object_get_int_member (stats, "videos"), ==, listed->len);
  g_assert_cmpint (json_object_get_int_member (stats, "size"), ==, size);
  /* the probed ones, and the downloads' playlists (7.5 s and 4 s) */
  g_assert_cmpint (json_object_get_int_member (stats, "duration_ms"), ==,
                   7200000 + 300000 + 20000 + 7500 + 4000);
  g_assert_cmpint (json_object_get_int_member (stats, "watched"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stats, "in_progress"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stats, "broken"), ==, 1);
  /* files never probed: all but the four above and Old Show.mp4's row is one of them */
  g_assert_cmpint (json_object_get_int_member (stats, "unprobed"), ==, listed->len - 4 - 2);
  hls = json_object_get_object_member (stats, "hls");
  g_assert_cmpint (json_object_get_int_member (hls, "downloads"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (hls, "unmerged"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (hls, "unmerged_size"), ==, talk_size);
  g_assert_cmpint (json_object_get_int_member (hls, "merge_frees"), >, 0);
  g_assert_cmpint (json_object_get_int_member (hls, "merge_frees"), <, talk_size);

  g = stats_group (stats, "codec", "H.264 (High Profile)");
  g_assert_cmpint (json_object_get_int_member (g, "videos"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (g, "size"), ==, 2000 + 10);
  h264 = vs_video_query_new_from_string (json_object_get_string_member (g, "query"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (h264->video_codec, ==, "H.264 (High Profile)");
  g = stats_group (stats, "codec", NULL);
  g_assert_true (json_object_get_null_member (g, "query"));
  g = stats_group (stats, "resolution", "4k");
  g_assert_cmpint (json_object_get_int_member (g, "videos"), ==, 1);
  g = stats_group (stats, "year", "2021");
  g_assert_cmpint (json_object_get_int_member (g, "videos"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (g, "size"), ==, 3000 + 2000);
  g = stats_group (stats, "year", "2023");
  g_assert_cmpint (json_object_get_int_member (g, "videos"), ==, 1);

  /* the text: the same count, the breakdowns' titles */
  cli (&text, "stats", "--db", f->db, NULL);
  g_assert_cmpint (text.status, ==, 0);
  {
    g_autofree char *line = g_strdup_printf ("Videos:         %u (", listed->len);

    g_assert_true (g_str_has_prefix (text.out, line));
  }
  g_assert_nonnull (strstr (text.out, "By video codec\n  H.264 (High Profile)"));
  g_assert_nonnull (strstr (text.out, "1 not merged"));

  /* usage errors: exit 2, one line naming the problem, nothing printed */
  cli (&bad, "stats", "--db", f->db, "--bogus", NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_true (g_str_has_prefix (bad.err, "vidshelf-cli: "));
  g_assert_nonnull (strstr (bad.err, "--bogus"));
  g_assert_cmpstr (bad.out, ==, "");
  cli (&extra, "stats", "--db", f->db, "somewhere", NULL);
  g_assert_cmpint (extra.status, ==, 2);
  g_assert_true (g_str_has_prefix (extra.err, "vidshelf-cli: unexpected argument"));
  /* no library yet: an empty one */
  {
    g_autofree char *none = g_build_filename (f->dir, "none.db", NULL);
    g_autoptr(JsonObject) empty = NULL;

    cli (&missing, "stats", "--db", none, "--json", NULL);
    g_assert_cmpint (missing.status, ==, 0);
    empty = parse_object (missing.out);
    g_assert_cmpint (json_object_get_int_member (empty, "videos"), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (empty, "codec")), ==,
                      0);
    g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  }
}

/* filmstrip --json on a 30 s and a 3 min video and a non-video: each video's strip with its
 * frame count and times, the non-video's error on stderr and exit 1; a second run finds
 * them in the cache without decoding; the text form prints where they are. */
static void
assert_filmstrip (JsonObject *o,
                  gint64      duration_ms,
                  guint       n_frames)
{
  JsonArray *times = json_object_get_array_member (o, "times_ms");
  gint64 previous = -1;

  g_assert_cmpint (ABS (json_object_get_int_member (o, "duration_ms") - duration_ms), <=, 500);
  g_assert_cmpint (json_object_get_int_member (o, "frames"), ==, n_frames);
  g_assert_cmpuint (json_array_get_length (times), ==, n_frames);
  g_assert_cmpint (json_object_get_int_member (o, "tile_width"), >, 0);
  g_assert_cmpint (json_object_get_int_member (o, "tile_width"), <=, 240);
  /* 320x180: the tiles keep the picture's shape */
  g_assert_cmpint (ABS (json_object_get_int_member (o, "tile_width") * 9 -
                        json_object_get_int_member (o, "tile_height") * 16), <=, 32);
  g_assert_cmpint (json_object_get_int_member (o, "columns"), >, 0);
  for (guint i = 0; i < n_frames; i++)
    {
      gint64 t = json_array_get_int_element (times, i);
      /* each frame is a key frame near its planned place: the middle of its share */
      gint64 planned = (2 * (gint64) i + 1) * duration_ms / (2 * n_frames);

      g_assert_cmpint (t, >, previous);
      g_assert_cmpint (t, <, duration_ms);
      g_assert_cmpint (ABS (t - planned), <=, 2000);   /* a key frame every 2 s */
      previous = t;
    }
}

static void
test_filmstrip (Fixture       *f,
                gconstpointer  data)
{
  static const char * const needed[] = { "x264enc", "mp4mux", NULL };
  g_autofree char *short_clip = g_build_filename (f->lib, "half minute.mp4", NULL);
  g_autofree char *long_clip = g_build_filename (f->lib, "three minutes.mp4", NULL);
  g_autofree char *junk = g_build_filename (f->lib, "junk.mp4", NULL);
  g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "vidshelf", "filmstrips",
                                             NULL);
  g_autofree char *before = NULL, *after = NULL;
  g_auto(Run) first = { 0 }, again = { 0 }, text = { 0 }, none = { 0 };
  g_autoptr(GPtrArray) made = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_auto(GStrv) lines = NULL;

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_long_clip (short_clip, 30);
  vs_test_media_long_clip (long_clip, 180);
  vs_test_media_random (junk, 4096);
  before = vs_test_folder_digest (f->lib);

  cli (&first, "filmstrip", "--json", short_clip, junk, long_clip, NULL);
  g_test_message ("%s%s", first.out, first.err);
  g_assert_cmpint (first.status, ==, 1);
  g_assert_true (g_str_has_prefix (first.err, "vidshelf-cli: "));
  g_assert_nonnull (strstr (first.err, "junk.mp4"));
  g_assert_null (strstr (first.err, "minute"));
  made = parse_lines (first.out);
  g_assert_cmpuint (made->len, ==, 2);
  /* in the order given */
  g_assert_nonnull (strstr (json_object_get_string_member (g_ptr_array_index (made, 0), "path"),
                            "half minute.mp4"));
  assert_filmstrip (g_ptr_array_index (made, 0), 30000, 10);
  assert_filmstrip (g_ptr_array_index (made, 1), 180000, 18);
  for (guint i = 0; i < made->len; i++)
    {
      JsonObject *o = g_ptr_array_index (made, i);

      /* key frames only: one decoded per frame of the strip, not every frame in between */
      g_assert_cmpint (json_object_get_int_member (o, "decoded"), >=,
                       json_object_get_int_member (o, "frames"));
      g_assert_cmpint (json_object_get_int_member (o, "decoded"), <=,
                       2 * json_object_get_int_member (o, "frames"));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "filmstrip"), cache));
      g_assert_true (g_file_test (json_object_get_string_member (o, "filmstrip"),
                                  G_FILE_TEST_IS_REGULAR));
    }

  /* Again: from the cache, nothing decoded, the same files. */
  cli (&again, "filmstrip", "--json", long_clip, short_clip, NULL);
  g_assert_cmpint (again.status, ==, 0);
  g_assert_cmpstr (again.err, ==, "");
  found = parse_lines (again.out);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (found, 0), "decoded"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (found, 1), "decoded"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (found, 0), "filmstrip"), ==,
                   json_object_get_string_member (g_ptr_array_index (made, 1), "filmstrip"));
  assert_filmstrip (g_ptr_array_index (found, 0), 180000, 18);

  /* Text: one path a line. The non-video failed once: its fail marker answers now. */
  cli (&text, "filmstrip", short_clip, junk, NULL);
  g_assert_cmpint (text.status, ==, 1);
  lines = g_strsplit (text.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[0], ==,
                   json_object_get_string_member (g_ptr_array_index (made, 0), "filmstrip"));
  g_assert_nonnull (strstr (text.err, "junk.mp4"));

  cli (&none, "filmstrip", NULL);
  g_assert_cmpint (none.status, ==, 2);

  /* The library's files were read, never written. */
  after = vs_test_folder_digest (f->lib);
  g_assert_cmpstr (after, ==, before);
}

/* filmstrip --output: written there (not to the cache), never over the video itself by any
 * name, another file replaced only with --force; the video's folder changes by the output
 * alone. */
static void
test_filmstrip_output (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const needed[] = { "x264enc", "mp4mux", NULL };
  g_autofree char *clip = g_build_filename (f->lib, "clip.mp4", NULL);
  g_autofree char *dotted = g_build_filename (f->lib, ".", "..", "lib", "clip.mp4", NULL);
  g_autofree char *symlink_path = g_build_filename (f->lib, "symlink.mp4", NULL);
  g_autofree char *hard = g_build_filename (f->lib, "hard.mp4", NULL);
  g_autofree char *other = g_build_filename (f->lib, "other.filmstrip", NULL);
  g_autofree char *fresh = g_build_filename (f->dir, "out", "clip.filmstrip", NULL);
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "vidshelf", "filmstrips",
                                             NULL);
  g_autofree char *sum = NULL, *other_sum = NULL, *after = NULL, *listing = NULL;
  g_autofree char *digest = NULL, *digest_after = NULL, *cache_before = NULL;
  g_autofree char *cache_after = NULL;
  const char *outputs[] = { clip, dotted, symlink_path, hard };

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_long_clip (clip, 20);
  g_assert_cmpint (symlink ("clip.mp4", symlink_path), ==, 0);
  g_assert_cmpint (link (clip, hard), ==, 0);
  vs_test_write_file (other, "not a filmstrip", -1);
  g_assert_cmpint (g_mkdir (out_dir, 0755), ==, 0);
  sum = vs_test_file_checksum (clip);
  other_sum = vs_test_file_checksum (other);
  digest = vs_test_folder_digest (f->lib);
  g_mkdir_with_parents (cache, 0700);
  cache_before = vs_test_list_folder (cache);

  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    for (guint force = 0; force < 2; force++)
      {
        g_auto(Run) r = { 0 };

        if (force)
          cli (&r, "filmstrip", "--force", "--output", outputs[i], clip, NULL);
        else
          cli (&r, "filmstrip", "--output", outputs[i], clip, NULL);
        g_test_message ("--output %s%s: %s", outputs[i], force ? " --force" : "", r.err);
        assert_refused (&r);
      }
  {
    g_auto(Run) r = { 0 };

    cli (&r, "filmstrip", "--force", "--output", clip, symlink_path, NULL);
    assert_refused (&r);
  }
  digest_after = vs_test_folder_digest (f->lib);
  g_assert_cmpstr (digest_after, ==, digest);
  g_assert_true (g_file_test (symlink_path, G_FILE_TEST_IS_SYMLINK));

  /* A new file: written, readable, the same as the cache's would be; the cache untouched. */
  {
    g_auto(Run) r = { 0 };
    g_autoptr(GPtrArray) objects = NULL;
    JsonObject *o;

    cli (&r, "filmstrip", "--json", "--output", fresh, clip, NULL);
    g_assert_cmpint (r.status, ==, 0);
    objects = parse_lines (r.out);
    g_assert_cmpuint (objects->len, ==, 1);
    o = g_ptr_array_index (objects, 0);
    g_assert_cmpstr (json_object_get_string_member (o, "filmstrip"), ==, fresh);
    g_assert_cmpint (json_object_get_int_member (o, "frames"), ==, 10);
    g_assert_cmpint (json_object_get_int_member (o, "decoded"), >=, 10);
    g_assert_true (g_file_test (fresh, G_FILE_TEST_IS_REGULAR));
    cache_after = vs_test_list_folder (cache);
    g_assert_cmpstr (cache_after, ==, cache_before);
    listing = vs_test_list_folder (out_dir);
    g_assert_cmpstr (listing, ==, "clip.filmstrip");
  }
  /* Another existing file: kept without --force, replaced with it. */
  {
    g_auto(Run) kept = { 0 }, replaced = { 0 }, usage = { 0 };

    cli (&kept, "filmstrip", "--output", other, clip, NULL);
    assert_refused (&kept);
    g_assert_nonnull (strstr (kept.err, "--force"));
    after = vs_test_file_checksum (other);
    g_assert_cmpstr (after, ==, other_sum);
    g_clear_pointer (&after, g_free);

    cli (&replaced, "filmstrip", "--force", "--output", other, clip, NULL);
    g_assert_cmpint (replaced.status, ==, 0);
    after = vs_test_file_checksum (other);
    g_assert_cmpstr (after, !=, other_sum);
    g_clear_pointer (&after, g_free);

    cli (&usage, "filmstrip", "--output", other, clip, hard, NULL);
    g_assert_cmpint (usage.status, ==, 2);
  }
  after = vs_test_file_checksum (clip);
  g_assert_cmpstr (after, ==, sum);
  g_clear_pointer (&listing, g_free);
  listing = vs_test_list_folder (f->lib);
  g_assert_cmpstr (listing, ==, "clip.mp4 hard.mp4 other.filmstrip symlink.mp4");
}

/* update --filmstrips: the library's missing filmstrips, after its thumbnails (none for a
 * file whose thumbnail failed); a second run finds them all. */
static void
test_filmstrip_update (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const needed[] = { "x264enc", "mp4mux", NULL };
  g_autofree char *a = g_build_filename (f->lib, "a.mp4", NULL);
  g_autofree char *b = g_build_filename (f->lib, "b.mp4", NULL);
  g_autofree char *junk = g_build_filename (f->lib, "junk.mp4", NULL);
  g_auto(Run) scan = { 0 }, update = { 0 }, again = { 0 }, text = { 0 }, bad = { 0 };
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_long_clip (a, 20);
  vs_test_media_long_clip (b, 40);
  vs_test_media_random (junk, 4096);

  cli (&scan, "scan", "--db", f->db, "--json", f->lib, NULL);
  g_assert_cmpint (scan.status, ==, 0);
  cli (&update, "update", "--db", f->db, "--json", "--size", "normal", "--filmstrips", NULL);
  g_test_message ("%s%s", update.out, update.err);
  g_assert_cmpint (update.status, ==, 0);
  first = parse_object (update.out);
  g_assert_cmpint (json_object_get_int_member (first, "thumbnailed"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (first, "filmstrips_made"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (first, "filmstrips_reused"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (first, "filmstrips_failed"), ==, 0);
  g_assert_false (json_object_get_boolean_member (first, "filmstrip_budget_reached"));

  cli (&again, "update", "--db", f->db, "--json", "--filmstrips", "--filmstrip-budget", "100",
       NULL);
  second = parse_object (again.out);
  g_assert_cmpint (json_object_get_int_member (second, "filmstrips_made"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (second, "filmstrips_reused"), ==, 2);

  cli (&text, "update", "--db", f->db, "--filmstrips", NULL);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "0 filmstrips made, 2 already there (0 failed)"));

  cli (&bad, "update", "--db", f->db, "--filmstrip-budget", "100", NULL);
  g_assert_cmpint (bad.status, ==, 2);
}

/* ---- duplicates ------------------------------------------------------------------------ */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The names of a --json group's videos, sorted, joined by spaces. */
static char *
group_names (JsonObject *group)
{
  JsonArray *videos = json_object_get_array_member (group, "videos");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (videos); i++)
    {
      JsonObject *video = json_array_get_object_element (videos, i);

      g_ptr_array_add (names, g_path_get_basename (json_object_get_string_member (video, "path")));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* update makes the fingerprints; duplicates groups a video with its re-encode at a lower
 * bitrate and its MKV remux at medium, never with a distinct video; --json has each
 * group's pairs; a bad sensitivity and a missing library are refused. */
static void
test_duplicates (Fixture       *f,
                 gconstpointer  data)
{
  static const char * const needed[] = { "x264enc", "mp4mux", "matroskamux", NULL };
  g_autofree char *a = g_build_filename (f->lib, "a.mp4", NULL);
  g_autofree char *low = g_build_filename (f->lib, "a low.mp4", NULL);
  g_autofree char *mkv = g_build_filename (f->lib, "a.mkv", NULL);
  g_autofree char *other = g_build_filename (f->lib, "other.mp4", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "none.db", NULL);
  g_autofree char *names = NULL;
  g_auto(Run) scan = { 0 }, before = { 0 }, update = { 0 }, text = { 0 }, json = { 0 };
  g_auto(Run) high = { 0 }, bad = { 0 }, none = { 0 }, again = { 0 };
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autofree char *tail = NULL;
  JsonObject *group;
  JsonArray *pairs;

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_scenes (a, 1, 20);
  tail = g_strdup_printf ("x264enc bitrate=100 key-int-max=30 speed-preset=ultrafast ! h264parse "
                          "! mp4mux ! filesink location=\"%s\"", low);
  vs_test_media_transcode (a, tail, 0);
  vs_test_media_remux_mkv (a, mkv);
  vs_test_media_scenes (other, 2, 20);

  cli (&scan, "scan", "--db", f->db, f->lib, NULL);
  g_assert_cmpint (scan.status, ==, 0);
  /* no fingerprints yet */
  cli (&before, "duplicates", "--db", f->db, NULL);
  g_assert_cmpint (before.status, ==, 0);
  g_assert_cmpstr (before.out, ==, "No duplicates found.\n");

  cli (&update, "update", "--db", f->db, "--json", "--size", "normal", NULL);
  g_test_message ("%s%s", update.out, update.err);
  g_assert_cmpint (update.status, ==, 0);
  summary = parse_object (update.out);
  g_assert_cmpint (json_object_get_int_member (summary, "fingerprints_made"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (summary, "fingerprints_copied"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "fingerprints_failed"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "duplicate_pairs"), ==, 3);

  cli (&text, "duplicates", "--db", f->db, NULL);
  g_test_message ("%s%s", text.out, text.err);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_true (g_str_has_prefix (text.out, "Group 1: 3 videos, distance "));
  g_assert_nonnull (strstr (text.out, "a low.mp4"));
  g_assert_nonnull (strstr (text.out, "a.mkv"));
  g_assert_nonnull (strstr (text.out, "320x180"));
  g_assert_null (strstr (text.out, "other.mp4"));
  g_assert_null (strstr (text.out, "Group 2"));

  cli (&json, "duplicates", "--db", f->db, "--json", "--sensitivity", "medium", NULL);
  g_assert_cmpint (json.status, ==, 0);
  groups = parse_lines (json.out);
  g_assert_cmpuint (groups->len, ==, 1);
  group = g_ptr_array_index (groups, 0);
  names = group_names (group);
  g_assert_cmpstr (names, ==, "a low.mp4 a.mkv a.mp4");
  g_assert_false (json_object_get_boolean_member (group, "exact"));
  g_assert_cmpint (json_object_get_int_member (group, "distance"), <=,
                   vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_MEDIUM));
  {
    JsonArray *videos = json_object_get_array_member (group, "videos");
    gint64 bytes = 0;

    for (guint i = 0; i < json_array_get_length (videos); i++)
      {
        JsonObject *video = json_array_get_object_element (videos, i);

        bytes += json_object_get_int_member (video, "size");
        g_assert_cmpint (ABS (json_object_get_int_member (video, "duration_ms") - 20000), <=, 100);
        g_assert_cmpint (json_object_get_int_member (video, "width"), ==, 320);
        g_assert_cmpint (json_object_get_int_member (video, "height"), ==, 180);
        g_assert_nonnull (json_object_get_string_member (video, "video_codec"));
      }
    g_assert_cmpint (json_object_get_int_member (group, "bytes"), ==, bytes);
  }
  pairs = json_object_get_array_member (group, "pairs");
  g_assert_cmpuint (json_array_get_length (pairs), ==, 3);
  for (guint i = 0; i < json_array_get_length (pairs); i++)
    {
      JsonObject *pair = json_array_get_object_element (pairs, i);
      gint64 pa = json_object_get_int_member (pair, "a");
      gint64 pb = json_object_get_int_member (pair, "b");

      g_assert_cmpint (pa, >=, 0);
      g_assert_cmpint (pb, <, 3);
      g_assert_cmpint (pa, !=, pb);
      g_assert_cmpint (json_object_get_int_member (pair, "distance"), <=,
                       json_object_get_int_member (group, "distance"));
      g_assert_false (json_object_get_boolean_member (pair, "exact"));
    }

  /* high groups at least as much, and still not the distinct video */
  cli (&high, "duplicates", "--db", f->db, "--sensitivity=high", NULL);
  g_assert_cmpint (high.status, ==, 0);
  g_assert_null (strstr (high.out, "other.mp4"));

  cli (&bad, "duplicates", "--db", f->db, "--sensitivity", "extreme", NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_nonnull (strstr (bad.err, "extreme"));
  cli (&none, "duplicates", "--db", missing, NULL);
  g_assert_cmpint (none.status, ==, 1);
  g_assert_nonnull (strstr (none.err, "no library"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* Nothing left to make; without fingerprints, update says nothing of them. */
  cli (&again, "update", "--db", f->db, "--json", "--no-fingerprints", NULL);
  g_assert_cmpint (again.status, ==, 0);
  second = parse_object (again.out);
  g_assert_false (json_object_has_member (second, "fingerprints_made"));
}

/* fingerprint prints each file's fingerprint, the same for the same pictures; a file that
 * is no video fails alone. */
static void
test_fingerprint (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const needed[] = { "x264enc", "mp4mux", "matroskamux", NULL };
  g_autofree char *a = g_build_filename (f->lib, "a.mp4", NULL);
  g_autofree char *mkv = g_build_filename (f->lib, "a.mkv", NULL);
  g_autofree char *junk = g_build_filename (f->lib, "junk.mp4", NULL);
  g_auto(Run) json = { 0 }, text = { 0 }, bad = { 0 };
  g_autoptr(GPtrArray) lines = NULL;
  const char *hex;

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_moving (a, "smpte", 20, 320, 240, 0);
  vs_test_media_remux_mkv (a, mkv);
  vs_test_media_random (junk, 65536);

  cli (&json, "fingerprint", "--json", "--jobs", "2", a, mkv, NULL);
  g_test_message ("%s%s", json.out, json.err);
  g_assert_cmpint (json.status, ==, 0);
  lines = parse_lines (json.out);
  g_assert_cmpuint (lines->len, ==, 2);
  for (guint i = 0; i < lines->len; i++)
    {
      JsonObject *o = g_ptr_array_index (lines, i);

      g_assert_cmpuint (strlen (json_object_get_string_member (o, "fingerprint")), ==,
                        2 * VS_FINGERPRINT_BLOB_SIZE);
      g_assert_cmpint (ABS (json_object_get_int_member (o, "duration_ms") - 20000), <=, 100);
      g_assert_cmpint (json_object_get_int_member (o, "frames"), ==, VS_FINGERPRINT_FRAMES);
      g_assert_cmpint (json_object_get_int_member (o, "decoded"), >=, VS_FINGERPRINT_FRAMES);
    }
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (lines, 0), "path"), ==, a);
  {
    VsFingerprint fa, fm;
    g_autoptr(GError) error = NULL;

    g_assert_true (vs_fingerprint_from_hex (json_object_get_string_member (
                                              g_ptr_array_index (lines, 0), "fingerprint"),
                                            &fa, &error));
    g_assert_true (vs_fingerprint_from_hex (json_object_get_string_member (
                                              g_ptr_array_index (lines, 1), "fingerprint"),
                                            &fm, &error));
    g_assert_no_error (error);
    /* the same frames in another container */
    g_assert_cmpint (vs_fingerprint_distance (&fa, &fm), >=, 0);
    g_assert_cmpint (vs_fingerprint_distance (&fa, &fm), <=,
                     vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_LOW));
  }
  hex = json_object_get_string_member (g_ptr_array_index (lines, 0), "fingerprint");

  cli (&text, "fingerprint", a, NULL);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_true (g_str_has_prefix (text.out, hex));
  g_assert_nonnull (strstr (text.out, "a.mp4"));

  cli (&bad, "fingerprint", "--json", junk, a, NULL);
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_nonnull (strstr (bad.err, "junk.mp4"));
  g_assert_nonnull (strstr (bad.out, hex));
}

/* ---- shared thumbnails --------------------------------------------------------------- */

/* cli() as another computer would run it: its own thumbnail cache. */
static void
cli_with_cache (Run        *r,
                const char *cache,
                const char *first,
                ...)
{
  g_autofree char *saved = g_strdup (g_getenv ("XDG_CACHE_HOME"));
  const char *argv[16] = { first };
  const char *arg;
  guint n = 1;
  va_list args;

  va_start (args, first);
  while ((arg = va_arg (args, const char *)) != NULL)
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (argv) - 1);
      argv[n++] = arg;
    }
  va_end (args);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  cli (r, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], argv[8],
       argv[9], argv[10], argv[11], argv[12], argv[13], argv[14], NULL);
  g_setenv ("XDG_CACHE_HOME", saved, TRUE);
}

/* update --json's summary, checked to have succeeded */
static JsonObject *
update_summary (const char *cache,
                const char *db)
{
  g_auto(Run) update = { 0 };

  cli_with_cache (&update, cache, "update", "--db", db, "--json", "--size", "normal",
                  "--filmstrips", NULL);
  g_assert_cmpstr (update.err, ==, "");
  g_assert_cmpint (update.status, ==, 0);
  return parse_object (update.out);
}

static void
scan_and_share (const char *cache,
                const char *db,
                const char *root,
                gboolean    share)
{
  g_auto(Run) scan = { 0 };
  g_auto(Run) set = { 0 };

  cli_with_cache (&scan, cache, "scan", "--db", db, root, NULL);
  g_assert_cmpint (scan.status, ==, 0);
  if (!share)
    return;
  cli_with_cache (&set, cache, "roots", "--db", db, "--share-previews", "on", root, NULL);
  g_assert_cmpint (set.status, ==, 0);
}

/* @video's filmstrip in @cache, and the URI it names (NULL when there is none). */
static char *
cached_filmstrip_uri (const char *cache,
                      const char *video)
{
  g_autofree char *uri = g_filename_to_uri (video, NULL, NULL);
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, uri, -1);
  g_autofree char *name = g_strconcat (md5, ".filmstrip", NULL);
  g_autofree char *path = g_build_filename (cache, "vidshelf", "filmstrips", name, NULL);
  g_autoptr(VsFilmstrip) strip = vs_filmstrip_load (path, TRUE, NULL);

  return strip != NULL ? g_strdup (vs_filmstrip_get_uri (strip)) : NULL;
}

/* The URI @video's shared filmstrip names (NULL when there is none). */
static char *
shared_filmstrip_uri (const char *video)
{
  g_autofree char *path = vs_filmstrip_shared_path (video);
  g_autoptr(VsFilmstrip) strip = vs_filmstrip_load (path, TRUE, NULL);

  return strip != NULL ? g_strdup (vs_filmstrip_get_uri (strip)) : NULL;
}

static char *
personal_thumbnail (const char *cache,
                    const char *video)
{
  g_autofree char *uri = g_filename_to_uri (video, NULL, NULL);
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, uri, -1);
  g_autofree char *name = g_strconcat (md5, ".png", NULL);

  return g_build_filename (cache, "thumbnails", "normal", name, NULL);
}

/* Sharing off: no .sh_thumbnails; turned on later, what was made is shared. On: the thumbnail in the personal cache and in the
 * share, named and keyed per the spec. A second computer (another cache, another library)
 * reuses it without decoding. A third, with the share mounted read-only, reads it, makes
 * the one it lacks in its own cache, succeeds, and leaves the share byte for byte. */
static void
test_share_previews (Fixture       *f,
                     gconstpointer  data)
{
  static const char * const needed[] = { "x264enc", "mp4mux", "avenc_aac", NULL };
  g_autofree char *off_lib = g_build_filename (f->dir, "off", NULL);
  g_autofree char *off_clip = g_build_filename (off_lib, "clip.mp4", NULL);
  g_autofree char *off_db = g_build_filename (f->dir, "off.db", NULL);
  g_autofree char *off_shared = g_build_filename (off_lib, ".sh_thumbnails", NULL);
  g_autofree char *clip = g_build_filename (f->lib, "clip.mp4", NULL);
  g_autofree char *late = g_build_filename (f->lib, "late.mp4", NULL);
  g_autofree char *cache_a = g_build_filename (f->dir, "cache-a", NULL);
  g_autofree char *cache_b = g_build_filename (f->dir, "cache-b", NULL);
  g_autofree char *cache_c = g_build_filename (f->dir, "cache-c", NULL);
  g_autofree char *db_b = g_build_filename (f->dir, "b.db", NULL);
  g_autofree char *db_c = g_build_filename (f->dir, "c.db", NULL);
  g_autofree char *shared_dir = g_build_filename (f->lib, ".sh_thumbnails", NULL);
  g_autofree char *b_normal = g_build_filename (cache_b, "thumbnails", "normal", NULL);
  g_autofree char *shared = NULL, *key_uri = NULL, *personal = NULL, *late_personal = NULL;
  g_autofree char *late_shared = NULL, *before = NULL, *after = NULL;
  g_autoptr(JsonObject) off = NULL, off_again = NULL, a = NULL, b = NULL, c = NULL;
  g_autofree char *off_png = NULL;
  g_autofree char *renamed = g_build_filename (f->lib, "renamed.mp4", NULL);
  g_autofree char *renamed_png = NULL, *renamed_uri = NULL;
  g_auto(Run) rename = { 0 };
  g_autoptr(GPtrArray) listed = NULL;
  g_auto(Run) roots = { 0 };
  gint64 key_mtime = 0;
  struct stat st;

  if (!vs_test_media_require (needed))
    return;
  g_assert_cmpint (g_mkdir (off_lib, 0755), ==, 0);
  vs_test_media_mp4 (off_clip, "smpte");
  vs_test_media_mp4 (clip, "ball");

  /* off: the default, and nothing is written beside the videos */
  scan_and_share (cache_a, off_db, off_lib, FALSE);
  off = update_summary (cache_a, off_db);
  g_assert_cmpint (json_object_get_int_member (off, "thumbnailed"), ==, 1);
  g_assert_false (g_file_test (off_shared, G_FILE_TEST_EXISTS));
  /* turned on afterwards: the next update shares what was made (a copy, no decoding) */
  scan_and_share (cache_a, off_db, off_lib, TRUE);
  off_again = update_summary (cache_a, off_db);
  g_assert_cmpint (json_object_get_int_member (off_again, "thumbnails_reused"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (off_again, "thumbnailed"), ==, 0);
  off_png = vs_thumbnail_shared_path (off_clip, VS_THUMBNAIL_SIZE_NORMAL);
  g_assert_true (g_file_test (off_png, G_FILE_TEST_IS_REGULAR));
  /* the filmstrip too, from the cache */
  g_assert_cmpint (json_object_get_int_member (off, "filmstrips_made"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (off_again, "filmstrips_reused"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (off_again, "filmstrips_made"), ==, 0);
  {
    g_autofree char *strip_uri = shared_filmstrip_uri (off_clip);

    g_assert_cmpstr (strip_uri, ==, "clip.mp4");
  }

  /* on */
  scan_and_share (cache_a, f->db, f->lib, TRUE);
  cli (&roots, "roots", "--db", f->db, "--json", NULL);
  listed = parse_lines (roots.out);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_true (json_object_get_boolean_member (g_ptr_array_index (listed, 0), "share_previews"));
  a = update_summary (cache_a, f->db);
  g_assert_cmpint (json_object_get_int_member (a, "thumbnailed"), ==, 1);
  personal = personal_thumbnail (cache_a, clip);
  g_assert_true (g_file_test (personal, G_FILE_TEST_IS_REGULAR));
  shared = vs_thumbnail_shared_path (clip, VS_THUMBNAIL_SIZE_NORMAL);
  g_assert_true (g_str_has_prefix (shared, shared_dir));
  g_assert_true (vs_thumbnail_read_keys (shared, &key_uri, &key_mtime, NULL));
  g_assert_cmpstr (key_uri, ==, "clip.mp4");
  g_assert_cmpint (g_stat (clip, &st), ==, 0);
  g_assert_cmpint (key_mtime, ==, (gint64) st.st_mtime);
  /* the filmstrip: in the cache under the file's URI, in the share under its name */
  g_assert_cmpint (json_object_get_int_member (a, "filmstrips_made"), ==, 1);
  {
    g_autofree char *strip_uri = shared_filmstrip_uri (clip);
    g_autofree char *cached_uri = cached_filmstrip_uri (cache_a, clip);
    g_autofree char *clip_uri = g_filename_to_uri (clip, NULL, NULL);

    g_assert_cmpstr (strip_uri, ==, "clip.mp4");
    g_assert_cmpstr (cached_uri, ==, clip_uri);
  }

  /* a second computer: reused, nothing decoded, nothing written to its own cache */
  scan_and_share (cache_b, db_b, f->lib, TRUE);
  b = update_summary (cache_b, db_b);
  g_assert_cmpint (json_object_get_int_member (b, "thumbnails_reused"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (b, "thumbnailed"), ==, 0);
  g_assert_false (g_file_test (b_normal, G_FILE_TEST_EXISTS));
  /* its filmstrip is fetched from the share into its cache, not decoded */
  g_assert_cmpint (json_object_get_int_member (b, "filmstrips_reused"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (b, "filmstrips_made"), ==, 0);
  {
    g_autofree char *cached_uri = cached_filmstrip_uri (cache_b, clip);
    g_autofree char *clip_uri = g_filename_to_uri (clip, NULL, NULL);

    g_assert_cmpstr (cached_uri, ==, clip_uri);
  }

  /* a third, with a video no one thumbnailed yet, and the share read-only */
  vs_test_media_mp4 (late, "smpte");
  scan_and_share (cache_c, db_c, f->lib, TRUE);
  if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
      mount (f->lib, f->lib, NULL, MS_BIND, NULL) != 0)
    {
      g_test_skip_printf ("bind mounts are not permitted here: %s", g_strerror (errno));
      return;
    }
  g_assert_cmpint (mount (NULL, f->lib, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), ==, 0);
  before = vs_test_folder_digest (f->lib);
  c = update_summary (cache_c, db_c);
  after = vs_test_folder_digest (f->lib);
  g_assert_cmpint (umount2 (f->lib, 0), ==, 0);
  g_assert_cmpint (json_object_get_int_member (c, "thumbnails_reused"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (c, "thumbnailed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (c, "thumbnail_failed"), ==, 0);
  /* filmstrips: the shared one read, the missing one made in the cache, none failed */
  g_assert_cmpint (json_object_get_int_member (c, "filmstrips_reused"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (c, "filmstrips_made"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (c, "filmstrips_failed"), ==, 0);
  {
    g_autofree char *late_strip = vs_filmstrip_shared_path (late);

    g_assert_false (g_file_test (late_strip, G_FILE_TEST_EXISTS));
  }
  g_assert_cmpstr (after, ==, before);
  late_personal = personal_thumbnail (cache_c, late);
  g_assert_true (g_file_test (late_personal, G_FILE_TEST_IS_REGULAR));
  late_shared = vs_thumbnail_shared_path (late, VS_THUMBNAIL_SIZE_NORMAL);
  g_assert_false (g_file_test (late_shared, G_FILE_TEST_EXISTS));

  /* renamed through the library: the share's thumbnail follows, named anew */
  cli_with_cache (&rename, cache_a, "rename", "--db", f->db, clip, "renamed.mp4", NULL);
  g_assert_cmpint (rename.status, ==, 0);
  g_assert_false (g_file_test (shared, G_FILE_TEST_EXISTS));
  renamed_png = vs_thumbnail_shared_path (renamed, VS_THUMBNAIL_SIZE_NORMAL);
  g_assert_true (vs_thumbnail_read_keys (renamed_png, &renamed_uri, NULL, NULL));
  g_assert_cmpstr (renamed_uri, ==, "renamed.mp4");
  {
    g_autofree char *old_strip = shared_filmstrip_uri (clip);
    g_autofree char *new_strip = shared_filmstrip_uri (renamed);

    g_assert_null (old_strip);
    g_assert_cmpstr (new_strip, ==, "renamed.mp4");
  }
}

/* A PNG whose header claims @side × @side px: refused before anything else is read. */
static void
write_huge_header (const char *path,
                   guint32     side)
{
  guint8 png[33] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                     side >> 24, side >> 16, side >> 8, side, side >> 24, side >> 16, side >> 8,
                     side, 8, 2, 0, 0, 0 };

  vs_test_write_file (path, (const char *) png, sizeof png);
}

static void
write_keyed_png (const char *path,
                 const char *uri,
                 gint64      mtime)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 8, 8);
  g_autofree char *mtime_text = g_strdup_printf ("%" G_GINT64_FORMAT, mtime);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x808080ff);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  gdk_pixbuf_save (pixbuf, path, "png", &error, "tEXt::Thumb::URI", uri, "tEXt::Thumb::MTime",
                   mtime_text, "tEXt::Software", "Someone Else", NULL);
  g_assert_no_error (error);
}

/* A share holding a huge IHDR, another file's thumbnail, a FIFO and a link to a good
 * thumbnail out of the folder: each is ignored, each job makes its own, and none of them
 * is written over. */
static void
test_share_previews_hostile (Fixture       *f,
                             gconstpointer  data)
{
  static const char * const needed[] = { "x264enc", "mp4mux", "avenc_aac", NULL };
  static const char * const names[] = { "huge.mp4", "wrong.mp4", "fifo.mp4", "link.mp4" };
  g_autofree char *outside = g_build_filename (f->dir, "outside.png", NULL);
  g_autofree char *cache = g_build_filename (f->dir, "cache", NULL);
  g_autofree char *first = g_build_filename (f->lib, names[0], NULL);
  g_autofree char *outside_before = NULL, *outside_after = NULL, *wrong_before = NULL;
  g_autofree char *wrong_after = NULL;
  char *shared[G_N_ELEMENTS (names)];
  g_autoptr(JsonObject) summary = NULL;
  struct stat st;
  gint64 mtime;

  if (!vs_test_media_require (needed))
    return;
  vs_test_media_mp4 (first, "smpte");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *video = g_build_filename (f->lib, names[i], NULL);
      g_autofree char *folder = NULL;

      if (i > 0)
        g_assert_cmpint (link (first, video), ==, 0);
      shared[i] = vs_thumbnail_shared_path (video, VS_THUMBNAIL_SIZE_NORMAL);
      folder = g_path_get_dirname (shared[i]);
      g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
    }
  g_assert_cmpint (g_stat (first, &st), ==, 0);
  mtime = (gint64) st.st_mtime;
  write_huge_header (shared[0], 100000);
  write_keyed_png (shared[1], "somebody-else.mp4", mtime);
  g_assert_cmpint (mkfifo (shared[2], 0644), ==, 0);
  write_keyed_png (outside, "link.mp4", mtime);
  g_assert_cmpint (symlink (outside, shared[3]), ==, 0);
  g_assert_true (g_file_get_contents (outside, &outside_before, NULL, NULL));
  g_assert_true (g_file_get_contents (shared[1], &wrong_before, NULL, NULL));

  scan_and_share (cache, f->db, f->lib, TRUE);
  summary = update_summary (cache, f->db);
  g_assert_cmpint (json_object_get_int_member (summary, "thumbnailed"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (summary, "thumbnails_reused"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "thumbnail_failed"), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *video = g_build_filename (f->lib, names[i], NULL);
      g_autofree char *personal = personal_thumbnail (cache, video);

      g_assert_true (g_file_test (personal, G_FILE_TEST_IS_REGULAR));
    }
  /* none of them is Vidshelf's: each stays as it was */
  g_assert_cmpint (g_stat (shared[0], &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 33);
  g_assert_true (g_file_get_contents (shared[1], &wrong_after, NULL, NULL));
  g_assert_cmpstr (wrong_after, ==, wrong_before);
  g_assert_cmpint (lstat (shared[2], &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_cmpint (lstat (shared[3], &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_true (g_file_get_contents (outside, &outside_after, NULL, NULL));
  g_assert_cmpstr (outside_after, ==, outside_before);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (shared[i]);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = vs_test_make_tmpdir ();
  int status;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: it empties XDG_DATA_DIRS, and content types by name
   * come from shared-mime-info there. Every test names its own database and folders, and
   * the thumbnail cache is private (the CLI inherits it). */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli/global-options", test_global_options);
  ADD ("/cli/probe-hls-folder", test_probe_hls_folder);
  ADD ("/cli/scan-list", test_scan_list);
  ADD ("/cli/list/queries", test_list_queries);
  ADD ("/cli/list-filters", test_list_filters);
  ADD ("/cli/list/added", test_list_added);
  ADD ("/cli/list/no-database", test_list_no_database);
  ADD ("/cli/collections", test_collections);
  ADD ("/cli/list/control-chars", test_list_control_chars);
  ADD ("/cli/list/read-only", test_list_read_only);
  ADD ("/cli/list/hls-states", test_list_hls_states);
  ADD ("/cli/list/hls-text", test_list_hls_text);
  ADD ("/cli/scan/unavailable", test_scan_unavailable);
  ADD ("/cli/duration", test_duration);
  ADD ("/cli/errors", test_errors);
  ADD ("/cli/skipped", test_skipped);
  ADD ("/cli/media", test_media);
  ADD ("/cli/thumbnail/output-safety", test_thumbnail_output_safety);
  ADD ("/cli/filmstrip", test_filmstrip);
  ADD ("/cli/filmstrip/output", test_filmstrip_output);
  ADD ("/cli/filmstrip/update", test_filmstrip_update);
  ADD ("/cli/duplicates", test_duplicates);
  ADD ("/cli/fingerprint", test_fingerprint);
  ADD ("/cli/watch", test_watch);
  ADD ("/cli/watch-polling", test_watch_polling);
  ADD ("/cli/rename", test_rename);
  ADD ("/cli/mark", test_mark);
  ADD ("/cli/stats", test_stats);
  ADD ("/cli/share-previews", test_share_previews);
  ADD ("/cli/share-previews/hostile", test_share_previews_hostile);
#undef ADD

  status = g_test_run ();
  vs_test_rm_rf (cache);
  return status;
}
