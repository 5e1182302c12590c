/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scanner on generated trees. */
#define _GNU_SOURCE /* unshare() */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-scanner.h"
#include "vs-test-utils.h"

typedef struct
{
  char       *dir;    /* holds the library and the database */
  char       *lib;
  VsDatabase *db;
  VsScanner  *scanner;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;

  vs_test_allow_warnings ();
  f->dir = vs_test_make_tmpdir ();
  f->lib = g_build_filename (f->dir, "lib", NULL);
  g_assert_cmpint (g_mkdir (f->lib, 0755), ==, 0);
  db_path = g_build_filename (f->dir, "library.db", NULL);
  f->db = vs_database_open (db_path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  f->scanner = vs_scanner_new (f->db);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->scanner);
  g_clear_object (&f->db);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->lib);
}

static void
touch (Fixture    *f,
       const char *relative,
       const char *contents)
{
  g_autofree char *path = g_build_filename (f->lib, relative, NULL);

  vs_test_write_file (path, contents, -1);
}

static VsScanSummary
scan (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  VsScanSummary summary = { 0 };
  const char *roots[] = { f->lib, NULL };

  g_assert_true (vs_scanner_scan (f->scanner, roots, &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return summary;
}

/* The indexed paths relative to the library, sorted, joined with '|'. */
static char *
listing (Fixture *f)
{
  return vs_test_listing (f->db, f->lib);
}

static VsVideoRecord *
lookup (Fixture    *f,
        const char *relative)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->lib, relative, NULL);
  VsVideoRecord *r = vs_database_lookup_video (f->db, path, &error);

  g_assert_no_error (error);
  return r;
}

static void
test_tree (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *names = NULL;
  VsScanSummary s;

  touch (f, "top.mp4", "1");
  touch (f, "Movies/film.mkv", "22");
  touch (f, "Movies/2024/trip.webm", "333");
  touch (f, "Movies/2024/deep/er/clip.mov", "4444");
  touch (f, "Movies/poster.jpg", "x");
  touch (f, "notes.txt", "x");
  touch (f, ".hidden.mp4", "x");
  touch (f, ".cache/inside.mp4", "x");
  touch (f, "Movies/.thumbs/t.mp4", "x");
  touch (f, "lone.ts", "G");
  touch (f, "UPPER.MP4", "x");

  s = scan (f);
  g_assert_cmpuint (s.added, ==, 6);
  g_assert_cmpuint (s.total, ==, 6);
  g_assert_cmpuint (s.skipped, ==, 0);
  g_assert_cmpuint (s.folders, ==, 5);
  names = listing (f);
  g_assert_cmpstr (names, ==, "Movies/2024/deep/er/clip.mov|Movies/2024/trip.webm|"
                              "Movies/film.mkv|UPPER.MP4|lone.ts|top.mp4");
}

/* The folders the sidebar shows: roots, then children by name. */
static void
test_list_folders (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) roots = NULL;
  g_autoptr(GPtrArray) children = NULL;
  g_autoptr(GError) error = NULL;
  VsFolderRecord *first;

  touch (f, "b/x.mp4", "1");
  touch (f, "a/deep/y.mp4", "1");
  touch (f, "c.mp4", "1");
  scan (f);

  roots = vs_database_list_folders (f->db, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roots->len, ==, 1);
  g_assert_cmpstr (((VsFolderRecord *) g_ptr_array_index (roots, 0))->path, ==, f->lib);
  g_assert_true (((VsFolderRecord *) g_ptr_array_index (roots, 0))->has_children);

  children = vs_database_list_folders (f->db, f->lib, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (children->len, ==, 2);
  first = g_ptr_array_index (children, 0);
  g_assert_cmpstr (first->name, ==, "a");
  g_assert_true (first->has_children);
  g_assert_false (((VsFolderRecord *) g_ptr_array_index (children, 1))->has_children);
}

static void
test_max_depth (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *names = NULL;
  g_autofree char *names2 = NULL;
  VsScanSummary s;

  touch (f, "a.mp4", "1");
  touch (f, "d1/b.mp4", "1");
  touch (f, "d1/d2/c.mp4", "1");

  vs_scanner_set_max_depth (f->scanner, 1);
  s = scan (f);
  g_assert_cmpuint (s.total, ==, 2);
  names = listing (f);
  g_assert_cmpstr (names, ==, "a.mp4|d1/b.mp4");

  /* A shallower rescan drops what is now out of reach. */
  vs_scanner_set_max_depth (f->scanner, 0);
  s = scan (f);
  g_assert_cmpuint (s.removed, ==, 1);
  names2 = listing (f);
  g_assert_cmpstr (names2, ==, "a.mp4");
}

static void
test_hls (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (f->lib, "Show S01E01", NULL);
  g_autoptr(VsVideoRecord) item = NULL;
  g_autofree char *names = NULL;
  VsScanSummary s;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  vs_test_make_hls (folder, "index.m3u8", 5, "4.004", TRUE);
  touch (f, "Show S01E01/extra.ts", "stray");        /* in no playlist: a video of its own */
  touch (f, "other/clip.ts", "G");

  s = scan (f);
  g_assert_cmpuint (s.hls, ==, 1);
  g_assert_cmpuint (s.total, ==, 3);
  names = listing (f);
  g_assert_cmpstr (names, ==, "Show S01E01/extra.ts|Show S01E01/index.m3u8|other/clip.ts");

  item = lookup (f, "Show S01E01/index.m3u8");
  g_assert_cmpint (item->kind, ==, VS_VIDEO_KIND_HLS);
  g_assert_cmpint (item->size, ==, 5 * 9);
  g_assert_cmpint (item->duration_ms, ==, 20020);
  g_assert_cmpstr (item->display_name, ==, "Show S01E01");
  g_assert_cmpint (item->probe_state, ==, VS_MEDIA_STATE_DONE);
}

static void
test_hls_growing (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (f->lib, "dl", NULL);
  g_autoptr(VsVideoRecord) before = NULL;
  g_autoptr(VsVideoRecord) after = NULL;
  VsScanSummary s;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  vs_test_make_hls (folder, "p.m3u8", 2, "10", TRUE);
  scan (f);
  before = lookup (f, "dl/p.m3u8");
  g_assert_cmpint (before->duration_ms, ==, 20000);

  vs_test_make_hls (folder, "p.m3u8", 4, "10", TRUE);
  s = scan (f);
  g_assert_cmpuint (s.updated, ==, 1);
  g_assert_cmpuint (s.total, ==, 1);
  after = lookup (f, "dl/p.m3u8");
  g_assert_cmpint (after->id, ==, before->id);
  g_assert_cmpint (after->duration_ms, ==, 40000);
  g_assert_cmpint (after->size, ==, 4 * 9);
}

static void
test_hls_master (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *lo = g_build_filename (f->lib, "stream", "360p", NULL);
  g_autofree char *hi = g_build_filename (f->lib, "stream", "720p", NULL);
  g_autoptr(VsVideoRecord) item = NULL;
  g_autofree char *names = NULL;
  VsScanSummary s;

  g_assert_cmpint (g_mkdir_with_parents (lo, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (hi, 0755), ==, 0);
  vs_test_make_hls (lo, "index.m3u8", 3, "6", TRUE);
  vs_test_make_hls (hi, "index.m3u8", 4, "6", TRUE);
  touch (f, "stream/master.m3u8",
         "#EXTM3U\n"
         "#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n"
         "#EXT-X-STREAM-INF:BANDWIDTH=2800000,RESOLUTION=1280x720\n720p/index.m3u8\n"
         "#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080\n1080p/index.m3u8\n");

  s = scan (f);
  g_assert_cmpuint (s.hls, ==, 1);
  g_assert_cmpuint (s.total, ==, 1);
  names = listing (f);
  g_assert_cmpstr (names, ==, "stream/master.m3u8");
  item = lookup (f, "stream/master.m3u8");
  g_assert_cmpint (item->duration_ms, ==, 24000);     /* the best local variant: 720p */
  g_assert_cmpint (item->size, ==, 7 * 9);           /* every local variant's segments */
  g_assert_cmpstr (item->display_name, ==, "stream");
}

/* A playlist is an HLS item only when a segment it names is here: not a list of radio
 * URLs, not a download whose segments are all gone. */
static void
test_hls_local_segments (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->lib, "missing", NULL);
  g_autofree char *partial = g_build_filename (f->lib, "partial", NULL);
  g_autofree char *names = NULL;
  g_autofree char *names2 = NULL;
  g_autofree char *seg = NULL;
  g_autoptr(VsVideoRecord) item = NULL;
  VsScanSummary s;

  touch (f, "radio/stations.m3u8",
         "#EXTM3U\n"
         "#EXTINF:10,Station one\nhttp://radio.example.com/one.mp3\n"
         "#EXTINF:10,Station two\nhttps://radio.example.com/two.aac\n");
  g_assert_cmpint (g_mkdir_with_parents (missing, 0755), ==, 0);
  vs_test_make_hls (missing, "index.m3u8", 3, "4", FALSE);
  g_assert_cmpint (g_mkdir_with_parents (partial, 0755), ==, 0);
  vs_test_make_hls (partial, "index.m3u8", 3, "4", FALSE);
  seg = g_build_filename (partial, "seg00001.ts", NULL);
  vs_test_write_file (seg, "G@segment", 9);

  s = scan (f);
  names = listing (f);
  g_assert_cmpstr (names, ==, "partial/index.m3u8");
  g_assert_cmpuint (s.hls, ==, 1);
  g_assert_cmpuint (s.total, ==, 1);
  g_assert_cmpuint (s.skipped, ==, 0);     /* not bad playlists: just not videos */
  item = lookup (f, "partial/index.m3u8");
  g_assert_cmpint (item->kind, ==, VS_VIDEO_KIND_HLS);
  g_assert_cmpint (item->size, ==, 9);

  /* Its last segment gone, the item goes too. */
  g_assert_cmpint (g_unlink (seg), ==, 0);
  s = scan (f);
  g_assert_cmpuint (s.removed, ==, 1);
  names2 = listing (f);
  g_assert_cmpstr (names2, ==, "");
}

/* A master playlist counts through a local variant that has a local segment. */
static void
test_hls_master_local (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *hi = g_build_filename (f->lib, "remote", "720p", NULL);
  g_autofree char *lo = g_build_filename (f->lib, "local", "360p", NULL);
  g_autofree char *names = NULL;

  g_assert_cmpint (g_mkdir_with_parents (hi, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (lo, 0755), ==, 0);
  vs_test_make_hls (hi, "index.m3u8", 3, "6", FALSE);      /* a local variant, no segment */
  touch (f, "remote/master.m3u8",
         "#EXTM3U\n"
         "#EXT-X-STREAM-INF:BANDWIDTH=800000\nhttp://cdn.example.com/360p.m3u8\n"
         "#EXT-X-STREAM-INF:BANDWIDTH=2800000\n720p/index.m3u8\n");
  vs_test_make_hls (lo, "index.m3u8", 3, "6", TRUE);
  touch (f, "local/master.m3u8",
         "#EXTM3U\n"
         "#EXT-X-STREAM-INF:BANDWIDTH=800000\n360p/index.m3u8\n");

  scan (f);
  names = listing (f);
  g_assert_cmpstr (names, ==, "local/master.m3u8");
}

/* The HLS downloads of every state, each in a folder of its own: what the index says. */
typedef struct
{
  const char       *folder;
  guint             n_segments;
  guint             n_missing;
  VsTestHlsOptions  options;
  VsHlsState        state;
  VsHlsFlags        flags;
  gint64            size;        /* segments, init section and key */
  gint64            duration_ms;
} HlsCase;

static const HlsCase hls_cases[] = {
  /* the init section is the item's, not a video of its own */
  { "fmp4", 3, 0, VS_TEST_HLS_FMP4, VS_HLS_STATE_COMPLETE,
    VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_INIT_MAP, 3 * 9 + 100, 12000 },
  /* remote URLs whose segments were saved beside: the .ts files are not videos either */
  { "remote", 3, 0, VS_TEST_HLS_REMOTE, VS_HLS_STATE_REMOTE,
    VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_REMOTE | VS_HLS_FLAG_ALL_COPIES, 3 * 9, 12000 },
  { "remote-partial", 3, 1, VS_TEST_HLS_REMOTE, VS_HLS_STATE_INCOMPLETE,
    VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_REMOTE, 2 * 9, 12000 },
  { "missing", 5, 2, VS_TEST_HLS_PLAIN, VS_HLS_STATE_INCOMPLETE, VS_HLS_FLAG_ENDLIST, 3 * 9,
    20000 },
  { "running", 3, 0, VS_TEST_HLS_NO_ENDLIST, VS_HLS_STATE_INCOMPLETE, VS_HLS_FLAG_NONE, 3 * 9,
    12000 },
  { "locked", 2, 0, VS_TEST_HLS_AES128 | VS_TEST_HLS_KEY_FILE, VS_HLS_STATE_ENCRYPTED,
    VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_ENCRYPTED | VS_HLS_FLAG_KEY_PRESENT, 2 * 9 + 16, 8000 },
  { "keyless", 2, 0, VS_TEST_HLS_AES128, VS_HLS_STATE_ENCRYPTED,
    VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_ENCRYPTED, 2 * 9, 8000 },
  { "titled", 2, 0, VS_TEST_HLS_HUGE_TITLE, VS_HLS_STATE_COMPLETE, VS_HLS_FLAG_ENDLIST, 2 * 9,
    8000 },
  { "unterminated", 2, 0, VS_TEST_HLS_NO_FINAL_NEWLINE, VS_HLS_STATE_COMPLETE,
    VS_HLS_FLAG_ENDLIST, 2 * 9, 8000 },
};

static void
test_hls_states (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *master = g_build_filename (f->lib, "master", NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(VsVideoRecord) item = NULL;
  g_autofree char *names = NULL;
  VsScanSummary s;

  for (guint i = 0; i < G_N_ELEMENTS (hls_cases); i++)
    {
      g_autofree char *folder = g_build_filename (f->lib, hls_cases[i].folder, NULL);

      vs_test_make_hls_download (folder, hls_cases[i].n_segments, hls_cases[i].n_missing,
                                 hls_cases[i].options);
    }
  vs_test_make_hls_master (master);

  s = scan (f);
  g_assert_cmpuint (s.hls, ==, G_N_ELEMENTS (hls_cases) + 1);
  g_assert_cmpuint (s.total, ==, G_N_ELEMENTS (hls_cases) + 1);
  g_assert_cmpuint (s.skipped, ==, 0);
  /* one item a folder, nothing else listed */
  names = listing (f);
  g_string_append (expected, "fmp4/index.m3u8|keyless/index.m3u8|locked/index.m3u8|"
                             "master/master.m3u8|missing/index.m3u8|remote-partial/index.m3u8|"
                             "remote/index.m3u8|running/index.m3u8|titled/index.m3u8|"
                             "unterminated/index.m3u8");
  g_assert_cmpstr (names, ==, expected->str);

  for (guint i = 0; i < G_N_ELEMENTS (hls_cases); i++)
    {
      const HlsCase *c = &hls_cases[i];
      g_autofree char *relative = g_build_filename (c->folder, "index.m3u8", NULL);
      g_autoptr(VsVideoRecord) r = lookup (f, relative);

      g_test_message ("%s", c->folder);
      g_assert_nonnull (r);
      g_assert_cmpint (r->kind, ==, VS_VIDEO_KIND_HLS);
      g_assert_cmpstr (vs_hls_state_to_string (r->hls.state), ==,
                       vs_hls_state_to_string (c->state));
      g_assert_cmphex (r->hls.flags, ==, c->flags);
      g_assert_cmpuint (r->hls.segments, ==, c->n_segments);
      g_assert_cmpuint (r->hls.missing, ==, c->n_missing);
      g_assert_null (r->hls.variant);
      g_assert_cmpint (r->size, ==, c->size);
      g_assert_cmpint (r->duration_ms, ==, c->duration_ms);
    }

  item = lookup (f, "master/master.m3u8");
  g_assert_cmpint (item->hls.state, ==, VS_HLS_STATE_MASTER);
  g_assert_cmphex (item->hls.flags, ==, VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_MASTER);
  g_assert_cmpstr (item->hls.variant, ==, "720p/index.m3u8");
  g_assert_cmpint (item->hls.variant_bandwidth, ==, 2800000);
  g_assert_cmpint (item->hls.variant_width, ==, 1280);
  g_assert_cmpint (item->hls.variant_height, ==, 720);
  g_assert_cmpuint (item->hls.segments, ==, 3);
  g_assert_cmpuint (item->hls.missing, ==, 0);
  g_assert_cmpint (item->duration_ms, ==, 12000);
  g_assert_cmpint (item->size, ==, 5 * 9);

  /* a plain video has no state */
  touch (f, "clip.mp4", "G");
  scan (f);
  g_clear_pointer (&item, vs_video_record_free);
  item = lookup (f, "clip.mp4");
  g_assert_cmpint (item->hls.state, ==, VS_HLS_STATE_UNKNOWN);
  g_assert_cmpint (item->hls.flags, ==, 0);
}

/* A file named more than once, by one playlist or two, counts once in the sizes. */
static void
test_hls_shared_files (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VsVideoRecord) a = NULL;
  g_autoptr(VsVideoRecord) b = NULL;
  g_autoptr(VsVideoRecord) ranges = NULL;
  VsScanSummary s;

  touch (f, "dl/x.ts", "12345");
  touch (f, "dl/y.ts", "1234567");
  touch (f, "dl/a.m3u8", "#EXTM3U\n#EXTINF:1,\nx.ts\n#EXTINF:1,\ny.ts\n#EXTINF:1,\nx.ts\n"
                         "#EXT-X-ENDLIST\n");
  touch (f, "dl/b.m3u8", "#EXTM3U\n#EXTINF:1,\ny.ts\n#EXT-X-ENDLIST\n");
  touch (f, "ranges/all.ts", "0123456789");
  touch (f, "ranges/index.m3u8", "#EXTM3U\n#EXT-X-VERSION:4\n"
                                 "#EXTINF:1,\n#EXT-X-BYTERANGE:4@0\nall.ts\n"
                                 "#EXTINF:1,\n#EXT-X-BYTERANGE:4\nall.ts\n"
                                 "#EXTINF:1,\n#EXT-X-BYTERANGE:2\nall.ts\n#EXT-X-ENDLIST\n");

  s = scan (f);
  g_assert_cmpuint (s.hls, ==, 3);
  a = lookup (f, "dl/a.m3u8");
  g_assert_cmpint (a->size, ==, 12);
  g_assert_cmpint (a->hls.state, ==, VS_HLS_STATE_COMPLETE);
  g_assert_cmpuint (a->hls.segments, ==, 3);
  /* its one segment is a's: present, but counted there */
  b = lookup (f, "dl/b.m3u8");
  g_assert_cmpint (b->size, ==, 0);
  g_assert_cmpint (b->hls.state, ==, VS_HLS_STATE_COMPLETE);
  ranges = lookup (f, "ranges/index.m3u8");
  g_assert_cmpint (ranges->size, ==, 10);
  g_assert_cmpuint (ranges->hls.segments, ==, 3);
  g_assert_cmpuint (ranges->hls.missing, ==, 0);
}

/* A state that changes is written on the next scan, whether the files changed or not. */
static void
test_hls_state_changes (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (f->lib, "dl", NULL);
  g_autofree char *key = g_build_filename (folder, "key.bin", NULL);
  g_autofree char *last = g_build_filename (folder, "seg00002.ts", NULL);
  g_autoptr(VsVideoRecord) before = NULL;
  g_autoptr(VsVideoRecord) keyed = NULL;
  g_autoptr(VsVideoRecord) refreshed = NULL;
  g_autoptr(VsVideoRecord) finished = NULL;
  g_autoptr(GError) error = NULL;
  VsHlsInfo unknown = { VS_HLS_STATE_UNKNOWN };
  VsScanSummary s;

  vs_test_make_hls_download (folder, 3, 1, VS_TEST_HLS_AES128);
  scan (f);
  before = lookup (f, "dl/index.m3u8");
  g_assert_cmpint (before->hls.state, ==, VS_HLS_STATE_INCOMPLETE);
  g_assert_cmpuint (before->hls.missing, ==, 1);
  g_assert_cmphex (before->hls.flags, ==, VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_ENCRYPTED);

  /* the last segment arrives: still the key to wait for */
  vs_test_write_file (last, "G@segment", 9);
  s = scan (f);
  g_assert_cmpuint (s.updated, ==, 1);
  g_clear_pointer (&before, vs_video_record_free);
  before = lookup (f, "dl/index.m3u8");
  g_assert_cmpint (before->hls.state, ==, VS_HLS_STATE_ENCRYPTED);
  g_assert_cmphex (before->hls.flags, ==, VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_ENCRYPTED);

  vs_test_write_file (key, "0123456789abcdef", 16);
  s = scan (f);
  g_assert_cmpuint (s.updated, ==, 1);
  keyed = lookup (f, "dl/index.m3u8");
  g_assert_cmpint (keyed->id, ==, before->id);
  g_assert_cmpint (keyed->hls.state, ==, VS_HLS_STATE_ENCRYPTED);
  g_assert_cmphex (keyed->hls.flags, ==,
                   VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_ENCRYPTED | VS_HLS_FLAG_KEY_PRESENT);

  /* A row without a state (a library from before states) gets one though no file
   * changed, and keeps its thumbnail. */
  g_assert_true (vs_database_set_hls_info (f->db, keyed->id, &unknown, &error));
  g_assert_true (vs_database_set_thumb_state (f->db, keyed->id, VS_MEDIA_STATE_DONE, &error));
  g_assert_no_error (error);
  refreshed = lookup (f, "dl/index.m3u8");
  g_assert_cmpint (refreshed->hls.state, ==, VS_HLS_STATE_UNKNOWN);
  s = scan (f);
  g_assert_cmpuint (s.updated, ==, 1);
  g_assert_cmpuint (s.unchanged, ==, 0);
  finished = lookup (f, "dl/index.m3u8");
  g_assert_true (vs_hls_info_equal (&finished->hls, &keyed->hls));
  g_assert_cmpint (finished->thumb_state, ==, VS_MEDIA_STATE_DONE);

  /* and then nothing to write */
  s = scan (f);
  g_assert_cmpuint (s.updated, ==, 0);
  g_assert_cmpuint (s.unchanged, ==, 1);
}

static void
test_links (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *loop = g_build_filename (f->lib, "a", "loop", NULL);
  g_autofree char *alias = g_build_filename (f->lib, "0alias", NULL);
  g_autofree char *file_link = g_build_filename (f->lib, "a", "link.mp4", NULL);
  g_autofree char *broken = g_build_filename (f->lib, "broken.mp4", NULL);
  g_autofree char *names = NULL;
  VsScanSummary s;

  touch (f, "a/real.mp4", "1");
  touch (f, "z/other.mkv", "2");
  g_assert_cmpint (symlink ("..", loop), ==, 0);          /* a loop back to the library */
  g_assert_cmpint (symlink ("z", alias), ==, 0);          /* sorts before its target */
  g_assert_cmpint (symlink ("real.mp4", file_link), ==, 0);
  g_assert_cmpint (symlink ("nowhere.mp4", broken), ==, 0);

  s = scan (f);
  names = listing (f);
  /* Every file once, under its real path. */
  g_assert_cmpstr (names, ==, "a/real.mp4|z/other.mkv");
  g_assert_cmpuint (s.skipped, ==, 1);                   /* the broken link */
}

/* A hard link is a name of its own: both folders list the video, whichever is rescanned. */
static void
test_hard_links (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *video = g_build_filename (f->lib, "a", "video.mp4", NULL);
  g_autofree char *link_path = g_build_filename (f->lib, "b", "same.mp4", NULL);
  g_autofree char *b = g_build_filename (f->lib, "b", NULL);
  g_autoptr(GError) error = NULL;
  VsScanSummary s;

  touch (f, "a/video.mp4", "1234");
  g_assert_cmpint (g_mkdir (b, 0755), ==, 0);
  g_assert_cmpint (link (video, link_path), ==, 0);

  s = scan (f);
  g_assert_cmpuint (s.total, ==, 2);
  {
    g_autofree char *names = listing (f);
    g_assert_cmpstr (names, ==, "a/video.mp4|b/same.mp4");
  }

  s = scan (f);
  g_assert_cmpuint (s.unchanged, ==, 2);
  g_assert_cmpuint (s.removed, ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *folder = g_path_get_dirname (i == 0 ? video : link_path);
      g_autofree char *names = NULL;

      g_assert_true (vs_scanner_rescan (f->scanner, folder, VS_RESCAN_SHALLOW, NULL, &s,
                                        NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (s.removed, ==, 0);
      names = listing (f);
      g_assert_cmpstr (names, ==, "a/video.mp4|b/same.mp4");
    }
}

static void
test_odd_names (Fixture       *f,
                gconstpointer  data)
{
  const char *odd[] = { "caf\xe9.mp4", "new\nline.mkv", "quote\"s 'and' \\.webm",
                        "\xe6\x97\xa5\xe6\x9c\xac.mp4", "%20_percent.mp4" };
  g_autoptr(GError) error = NULL;
  VsScanSummary s;

  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    touch (f, odd[i], "x");
  s = scan (f);
  g_assert_cmpuint (s.total, ==, G_N_ELEMENTS (odd));
  g_assert_cmpuint (s.skipped, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    {
      g_autoptr(VsVideoRecord) r = lookup (f, odd[i]);
      g_autofree char *back = g_filename_from_uri (r->uri, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (back, ==, r->path);
      g_assert_true (g_utf8_validate (r->display_name, -1, NULL));
    }
}

static void
test_unreadable (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *locked = g_build_filename (f->lib, "locked", NULL);
  g_autoptr(VsVideoRecord) kept = NULL;
  VsScanSummary s;

  touch (f, "locked/secret.mp4", "1");
  touch (f, "open.mp4", "1");
  s = scan (f);
  g_assert_cmpuint (s.total, ==, 2);

  g_assert_cmpint (g_chmod (locked, 0), ==, 0);
  if (!vs_test_obey_permissions (TRUE))
    {
      g_chmod (locked, 0755);
      g_test_skip ("file permissions do not apply here");
      return;
    }
  s = scan (f);
  vs_test_obey_permissions (FALSE);
  g_chmod (locked, 0755);
  g_assert_cmpuint (s.skipped, ==, 1);
  g_assert_cmpuint (s.removed, ==, 0);    /* unreadable is not gone */
  kept = lookup (f, "locked/secret.mp4");
  g_assert_nonnull (kept);
}

typedef struct
{
  Fixture *f;
  gboolean removed;
} VanishData;

static void
remove_during_scan (const VsScanProgress *progress,
                    gpointer              user_data)
{
  VanishData *vd = user_data;
  g_autofree char *victim = g_build_filename (vd->f->lib, "b", "victim.mp4", NULL);

  if (!vd->removed && g_str_has_suffix (progress->folder, "/b"))
    {
      g_assert_cmpint (g_unlink (victim), ==, 0);
      vd->removed = TRUE;
    }
}

static void
test_vanish_mid_scan (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  const char *roots[] = { f->lib, NULL };
  VanishData vd = { f, FALSE };
  VsScanSummary s;

  touch (f, "a/one.mp4", "1");
  touch (f, "b/victim.mp4", "1");
  touch (f, "b/zz.mp4", "1");
  touch (f, "c/three.mp4", "1");
  g_assert_true (vs_scanner_scan (f->scanner, roots, &s, remove_during_scan, &vd, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vd.removed);
  g_assert_cmpuint (s.skipped, ==, 1);
  g_assert_cmpuint (s.total, ==, 3);
  names = listing (f);
  g_assert_cmpstr (names, ==, "a/one.mp4|b/zz.mp4|c/three.mp4");
}

static void
test_incremental (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VsVideoRecord) keep_before = NULL;
  g_autoptr(VsVideoRecord) keep_after = NULL;
  g_autoptr(VsVideoRecord) changed = NULL;
  g_autofree char *gone_dir = g_build_filename (f->lib, "gone", NULL);
  g_autofree char *removed = NULL;
  g_autofree char *names = NULL;
  VsScanSummary s;

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *rel = g_strdup_printf ("d%u/v%02u.mp4", i % 4, i);

      touch (f, rel, "abc");
    }
  touch (f, "gone/x.mp4", "1");
  touch (f, "gone/deeper/y.mp4", "1");
  s = scan (f);
  g_assert_cmpuint (s.added, ==, 42);

  s = scan (f);
  g_assert_cmpuint (s.added, ==, 0);
  g_assert_cmpuint (s.updated, ==, 0);
  g_assert_cmpuint (s.removed, ==, 0);
  g_assert_cmpuint (s.unchanged, ==, 42);

  keep_before = lookup (f, "d0/v00.mp4");
  touch (f, "d2/v02.mp4", "longer contents");     /* changed */
  touch (f, "d3/new.mp4", "n");                    /* added */
  removed = g_build_filename (f->lib, "d1", "v01.mp4", NULL);
  g_assert_cmpint (g_unlink (removed), ==, 0);     /* removed */
  vs_test_rm_rf (gone_dir);                        /* a folder tree vanishes */

  s = scan (f);
  g_assert_cmpuint (s.added, ==, 1);
  g_assert_cmpuint (s.updated, ==, 1);
  g_assert_cmpuint (s.removed, ==, 3);
  g_assert_cmpuint (s.unchanged, ==, 38);
  g_assert_cmpuint (s.total, ==, 40);

  changed = lookup (f, "d2/v02.mp4");
  g_assert_cmpint (changed->size, ==, 15);
  keep_after = lookup (f, "d0/v00.mp4");
  g_assert_cmpint (keep_after->id, ==, keep_before->id);
  names = listing (f);
  g_assert_null (strstr (names, "gone/"));
  g_assert_nonnull (strstr (names, "d3/new.mp4"));
}

static void
test_missing_root (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "nope", NULL);
  g_autofree char *file = g_build_filename (f->dir, "file.mp4", NULL);
  g_auto(GStrv) roots = NULL;
  const char *folders[] = { f->lib, missing, NULL };
  const char *files[] = { file, NULL };
  VsScanSummary s;

  touch (f, "a.mp4", "1");
  g_assert_false (vs_scanner_scan (f->scanner, folders, &s, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  vs_test_write_file (file, "x", 1);
  g_assert_false (vs_scanner_scan (f->scanner, files, &s, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);

  /* Refused before anything was written. */
  roots = vs_database_dup_roots (f->db, NULL);
  g_assert_cmpuint (g_strv_length (roots), ==, 0);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  const char *roots[] = { f->lib, NULL };
  VsScanSummary s;

  touch (f, "a/b.mp4", "1");
  g_cancellable_cancel (cancellable);
  g_assert_false (vs_scanner_scan (f->scanner, roots, &s, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  GMainLoop     *loop;
  VsScanSummary  summary;
  gboolean       ok;
  guint          progress;
  GThread       *main_thread;
} AsyncData;

static void
on_progress (VsScanner *scanner,
             guint      folders,
             guint      videos,
             guint      changes,
             AsyncData *ad)
{
  g_assert_true (g_thread_self () == ad->main_thread);
  ad->progress++;
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncData *ad = user_data;
  g_autoptr(GError) error = NULL;

  ad->ok = vs_scanner_scan_finish (VS_SCANNER (object), result, &ad->summary, &error);
  g_assert_no_error (error);
  g_main_loop_quit (ad->loop);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  const char *roots[] = { f->lib, NULL };
  AsyncData ad = { loop, { 0 }, FALSE, 0, g_thread_self () };

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *rel = g_strdup_printf ("f%u/v.mp4", i);

      touch (f, rel, "1");
    }
  g_signal_connect (f->scanner, "progress", G_CALLBACK (on_progress), &ad);
  vs_scanner_scan_async (f->scanner, roots, NULL, on_done, &ad);
  g_main_loop_run (loop);
  g_assert_true (ad.ok);
  g_assert_cmpuint (ad.summary.added, ==, 30);
  g_assert_cmpuint (ad.progress, >=, 1);
}

static void
test_nested_roots (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *sub = g_build_filename (f->lib, "sub", NULL);
  g_auto(GStrv) roots = NULL;
  const char *first[] = { sub, NULL };
  g_autoptr(GError) error = NULL;
  VsScanSummary s;

  touch (f, "sub/in.mp4", "1");
  touch (f, "out.mp4", "1");
  g_assert_true (vs_scanner_scan (f->scanner, first, &s, NULL, NULL, NULL, &error));
  g_assert_cmpuint (s.added, ==, 1);
  s = scan (f);
  g_assert_cmpuint (s.added, ==, 1);
  g_assert_cmpuint (s.unchanged, ==, 1);
  roots = vs_database_dup_roots (f->db, &error);
  g_assert_cmpuint (g_strv_length (roots), ==, 1);
  g_assert_cmpstr (roots[0], ==, f->lib);

  /* Rescanning the inner folder alone keeps the outer root's other videos. */
  g_assert_true (vs_scanner_scan (f->scanner, first, &s, NULL, NULL, NULL, &error));
  g_assert_cmpuint (s.removed, ==, 0);
  g_assert_cmpuint (s.total, ==, 1);
  s = scan (f);
  g_assert_cmpuint (s.total, ==, 2);
}

/* A merge killed mid-way leaves an output-sized hidden file beside its output: the scan
 * of that folder sweeps it, but not a live merge's (locked), nor a look-alike folder. */
static void
test_merge_temps (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *stale = g_build_filename (f->lib, "out", ".movie.mp4.vidshelf-merge", NULL);
  g_autofree char *live = g_build_filename (f->lib, "out", ".other.mp4.vidshelf-merge", NULL);
  g_autofree char *dir_alike = g_build_filename (f->lib, "out", ".x.vidshelf-merge", NULL);
  g_autofree char *names = NULL;
  int fd;

  touch (f, "out/movie.mp4", "1");
  touch (f, "out/.movie.mp4.vidshelf-merge", "half a movie");
  touch (f, "out/.other.mp4.vidshelf-merge", "being written");
  g_assert_cmpint (g_mkdir (dir_alike, 0755), ==, 0);
  fd = open (live, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), ==, 0);

  scan (f);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (dir_alike, G_FILE_TEST_IS_DIR));
  names = listing (f);
  g_assert_cmpstr (names, ==, "out/movie.mp4");
  close (fd);
}

/* Mount tests run in a mount namespace of the test's own (see main()), so a failed
 * assertion leaves no mount behind. */
static gboolean private_mounts;

static gboolean
try_mount (const char *source,
           const char *target,
           const char *type,
           gulong      flags)
{
  if (mount (source, target, type, flags, type != NULL ? "size=16m" : NULL) == 0)
    return TRUE;
  g_test_message ("mount %s on %s: %s", source, target, g_strerror (errno));
  return FALSE;
}

static void
assert_unavailable (Fixture    *f,
                    const char *expected_listing,
                    gint64      kept_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) kept = NULL;
  g_autofree char *names = NULL;
  VsScanSummary s;

  s = scan (f);
  g_assert_cmpuint (s.unavailable, ==, 1);
  g_assert_cmpuint (s.removed, ==, 0);
  g_assert_cmpuint (s.added, ==, 0);
  names = listing (f);
  g_assert_cmpstr (names, ==, expected_listing);
  kept = lookup (f, "a.mp4");
  g_assert_cmpint (kept->id, ==, kept_id);
  g_assert_cmpint (vs_database_get_root_available (f->db, f->lib, NULL), ==, 0);
  g_assert_false (vs_scanner_check_root (f->scanner, f->lib, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_MOUNTED);
  g_clear_error (&error);
  /* (a rescan of a folder that is gone fails before looking: nothing changes either) */
  g_assert_false (vs_scanner_rescan (f->scanner, f->lib, VS_RESCAN_NONE, NULL, NULL, NULL,
                                     &error));
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_MOUNTED) ||
                 g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND));
  g_free (names);
  names = listing (f);
  g_assert_cmpstr (names, ==, expected_listing);
}

static char *
store_bytes (const char *store)
{
  g_autofree char *video = g_build_filename (store, "a.mp4", NULL);
  g_autofree char *show = g_build_filename (store, "show", NULL);
  g_autofree char *video_sum = vs_test_file_checksum (video);
  g_autofree char *show_sum = vs_test_folder_digest (show);

  return g_strconcat (video_sum, " ", show_sum, NULL);
}

/* A library folder on a mount, found unmounted (the bare mount point), keeps its rows. The
 * file system is a tmpfs bind-mounted on the root, so mounting it again brings back the
 * very same files. */
static void
test_root_unmounted (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *store = g_build_filename (f->dir, "store", NULL);
  g_autofree char *marker = g_build_filename (f->lib, "NOT_MOUNTED", NULL);
  g_autofree char *hls = g_build_filename (store, "show", NULL);
  g_autofree char *before = NULL;
  g_autofree char *store_digest = NULL;
  g_autofree char *after_digest = NULL;
  g_autofree char *back = NULL;
  g_autoptr(VsVideoRecord) first = NULL;
  VsScanSummary s;

  if (!private_mounts)
    {
      g_test_skip ("needs a mount namespace of its own (root, or CAP_SYS_ADMIN)");
      return;
    }
  g_assert_cmpint (g_mkdir (store, 0755), ==, 0);
  if (!try_mount ("vidshelf-test", store, "tmpfs", 0))
    {
      g_test_skip ("mounting a tmpfs is not permitted here");
      return;
    }
  {
    g_autofree char *video = g_build_filename (store, "a.mp4", NULL);

    vs_test_write_file (video, "1", 1);
  }
  g_assert_cmpint (g_mkdir (hls, 0755), ==, 0);
  vs_test_make_hls (hls, "index.m3u8", 2, "4", TRUE);
  g_assert_true (try_mount (store, f->lib, NULL, MS_BIND));

  s = scan (f);
  g_assert_cmpuint (s.total, ==, 2);
  g_assert_cmpuint (s.unavailable, ==, 0);
  before = listing (f);
  g_assert_cmpstr (before, ==, "a.mp4|show/index.m3u8");
  first = lookup (f, "a.mp4");
  store_digest = store_bytes (store);

  /* Unmounted: an empty folder on the parent's device, then one with a marker file. */
  g_assert_cmpint (umount2 (f->lib, 0), ==, 0);
  assert_unavailable (f, before, first->id);
  vs_test_write_file (marker, "", 0);
  assert_unavailable (f, before, first->id);
  g_assert_cmpint (g_unlink (marker), ==, 0);

  /* Mounted again: available, nothing changed. */
  g_assert_true (try_mount (store, f->lib, NULL, MS_BIND));
  s = scan (f);
  g_assert_cmpuint (s.unavailable, ==, 0);
  g_assert_cmpuint (s.removed, ==, 0);
  g_assert_cmpuint (s.added, ==, 0);
  g_assert_cmpuint (s.unchanged, ==, 2);
  back = listing (f);
  g_assert_cmpstr (back, ==, before);
  g_assert_cmpint (vs_database_get_root_available (f->db, f->lib, NULL), ==, 1);
  after_digest = store_bytes (store);
  g_assert_cmpstr (after_digest, ==, store_digest);

  g_assert_cmpint (umount2 (f->lib, 0), ==, 0);
  g_assert_cmpint (umount2 (store, 0), ==, 0);
}

/* The same rule without mounting: the device the root was scanned on is rewritten. */
static void
test_root_device_changed (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) first = NULL;
  g_autofree char *before = NULL;
  g_autofree char *a = g_build_filename (f->lib, "a.mp4", NULL);
  g_autofree char *away = g_build_filename (f->dir, "away.mp4", NULL);
  gboolean known = FALSE, mount_point = TRUE;
  guint64 dev = 0;
  struct stat st;
  VsScanSummary s;

  touch (f, "a.mp4", "1");
  scan (f);
  before = listing (f);
  first = lookup (f, "a.mp4");
  g_assert_cmpint (vs_database_get_root_device (f->db, f->lib, &known, &dev, &mount_point,
                                                &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (f->lib, &st), ==, 0);
  g_assert_true (known);
  g_assert_cmpuint (dev, ==, (guint64) st.st_dev);
  g_assert_false (mount_point);

  /* It was a mount point, and is now a plain folder of its parent's file system. */
  g_assert_true (vs_database_set_root_device (f->db, f->lib, dev, TRUE, NULL));
  assert_unavailable (f, before, first->id);

  /* Scanned on another device: emptied there, it is taken for not there; with files, the
   * device number changed (a disk plugged in again) and the scan goes on. */
  g_assert_true (vs_database_set_root_device (f->db, f->lib, dev + 1, FALSE, NULL));
  g_assert_cmpint (g_rename (a, away), ==, 0);
  assert_unavailable (f, before, first->id);
  g_assert_cmpint (g_rename (away, a), ==, 0);
  s = scan (f);
  g_assert_cmpuint (s.unavailable, ==, 0);
  g_assert_cmpuint (s.unchanged, ==, 1);
  g_assert_cmpint (vs_database_get_root_available (f->db, f->lib, NULL), ==, 1);
  g_assert_cmpint (vs_database_get_root_device (f->db, f->lib, &known, &dev, &mount_point,
                                                NULL), ==, 1);
  g_assert_cmpuint (dev, ==, (guint64) st.st_dev);

  /* A root that is gone is unavailable too, where any other missing folder fails. */
  vs_test_rm_rf (f->lib);
  assert_unavailable (f, before, first->id);
}

int
main (int    argc,
      char **argv)
{
  /* Not G_TEST_OPTION_ISOLATE_DIRS: it empties XDG_DATA_DIRS, and content types by name
   * come from shared-mime-info there. Every test names its own database and folders. */
  /* Before any thread: the mounts of the tests stay in this process's namespace. */
  private_mounts = unshare (CLONE_NEWNS) == 0 &&
                   mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/scanner/tree", test_tree);
  ADD ("/scanner/max-depth", test_max_depth);
  ADD ("/scanner/list-folders", test_list_folders);
  ADD ("/scanner/hls/media", test_hls);
  ADD ("/scanner/hls/growing", test_hls_growing);
  ADD ("/scanner/hls/master", test_hls_master);
  ADD ("/scanner/hls/local-segments", test_hls_local_segments);
  ADD ("/scanner/hls/master-local", test_hls_master_local);
  ADD ("/scanner/hls/states", test_hls_states);
  ADD ("/scanner/hls/state-changes", test_hls_state_changes);
  ADD ("/scanner/hls/shared-files", test_hls_shared_files);
  ADD ("/scanner/links", test_links);
  ADD ("/scanner/hard-links", test_hard_links);
  ADD ("/scanner/odd-names", test_odd_names);
  ADD ("/scanner/unreadable", test_unreadable);
  ADD ("/scanner/vanish-mid-scan", test_vanish_mid_scan);
  ADD ("/scanner/incremental", test_incremental);
  ADD ("/scanner/missing-root", test_missing_root);
  ADD ("/scanner/cancel", test_cancel);
  ADD ("/scanner/async", test_async);
  ADD ("/scanner/nested-roots", test_nested_roots);
  ADD ("/scanner/merge-temps", test_merge_temps);
  ADD ("/scanner/root/unmounted", test_root_unmounted);
  ADD ("/scanner/root/device-changed", test_root_device_changed);
#undef ADD

  return g_test_run ();
}
