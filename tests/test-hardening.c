/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hardening.c: crash safety, faults and nasty inputs, end to end through vidshelf-cli
 *
 * What a user would do to the library (kill -9, a full disk, a read-only or damaged index,
 * a root vanishing, hostile file names and contents) and what must hold afterwards: a
 * consistent index, a clear one-line error, nothing lost and nothing half-written.
 * (Killing a merge is in test-merge.c, /merge/cli-killed.)
 */
#include "config.h"

#include <fcntl.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <linux/fs.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-test-media.h"
#include "vs-test-utils.h"
#include "vs-thumbnailer.h"

static const char *const mp4_elements[] = {
  "x264enc", "h264parse", "mp4mux", "avenc_aac", "aacparse", "qtdemux", "avdec_h264",
  "videoconvertscale", "appsink", "uridecodebin", NULL
};
static const char *const hls_elements[] = {
  "x264enc", "h264parse", "hlssink2", "tsdemux", "mp4mux", "avenc_aac", "aacparse", NULL
};

typedef struct
{
  char *dir;
  char *lib;   /* the library root */
  char *db;
  char *cache; /* XDG_CACHE_HOME of the CLI runs */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = vs_test_make_tmpdir ();
  f->lib = g_build_filename (f->dir, "lib", NULL);
  f->db = g_build_filename (f->dir, "library.db", NULL);
  f->cache = g_build_filename (f->dir, "cache", NULL);
  g_assert_cmpint (g_mkdir (f->lib, 0755), ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* rm copes with trees deeper than PATH_MAX, which vs_test_rm_rf cannot reach. */
  const char *argv[] = { "rm", "-rf", f->dir, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                NULL, NULL);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->lib, g_free);
  g_clear_pointer (&f->db, g_free);
  g_clear_pointer (&f->cache, g_free);
}

static void
cli (Fixture           *f,
     VsTestRun         *r,
     const char *const *args)
{
  const char *env[] = { "XDG_CACHE_HOME", f->cache, NULL };

  vs_test_cli (r, args, env);
}

static void
touch (const char *folder,
       const char *name,
       const char *contents,
       gssize      length)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  vs_test_write_file (path, contents, length);
}

static void
touch_many (const char *root,
            guint       n_folders,
            guint       per_folder)
{
  for (guint i = 0; i < n_folders; i++)
    for (guint j = 0; j < per_folder; j++)
      {
        g_autofree char *path = g_strdup_printf ("%s/f%03u/clip %04u.mp4", root, i, j);

        vs_test_write_file (path, "x", 1);
      }
}

/* The lines of the CLI's JSON output: one per item for `list --json`. */
static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

static guint
count_listed (Fixture *f)
{
  g_auto(VsTestRun) r = { 0 };
  const char *args[] = { "list", "--db", f->db, "--json", NULL };

  cli (f, &r, args);
  g_assert_cmpint (r.status, ==, 0);
  return count_lines (r.out);
}

/* What SQLite itself says of the file, after replaying its WAL as any next open would. */
static void
assert_integrity (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
sql (const char *path,
     const char *statements)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, statements, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* One line on stderr, prefixed as the CLI contract says. */
static void
assert_clear_error (const VsTestRun *r,
                    const char      *expected)
{
  g_assert_cmpint (r->status, ==, 1);
  g_assert_true (g_str_has_prefix (r->err, "vidshelf-cli: "));
  g_assert_cmpuint (count_lines (r->err), ==, 1);
  if (expected != NULL && strstr (r->err, expected) == NULL)
    g_error ("expected “%s” in: %s", expected, r->err);
}

static void
wait_for_file (const char *path)
{
  for (guint i = 0; i < 20000 && !g_file_test (path, G_FILE_TEST_EXISTS); i++)
    g_usleep (500);
}

/* ---- kill -9 ------------------------------------------------------------------------ */

static void
test_kill_scan (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  const char *scan[] = { "scan", "--db", f->db, "--no-probe", f->lib, NULL };
  const guint delays_ms[] = { 0, 5, 20, 50, 120 };
  guint killed = 0;

  touch_many (f->lib, 40, 50);
  for (guint i = 0; i < G_N_ELEMENTS (delays_ms); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) proc = vs_test_cli_spawn (scan, NULL, &error);

      g_assert_no_error (error);
      wait_for_file (wal);
      g_usleep (delays_ms[i] * 1000);
      vs_test_kill_group (proc);
      killed += g_subprocess_get_if_signaled (proc);
      assert_integrity (f->db);
    }
  /* At least one kill landed while the scan was writing. */
  g_assert_cmpuint (killed, >, 0);
  g_test_message ("%u of %u scans killed mid-way", killed, (guint) G_N_ELEMENTS (delays_ms));

  {
    g_auto(VsTestRun) r = { 0 };

    cli (f, &r, scan);
    g_assert_cmpint (r.status, ==, 0);
  }
  assert_integrity (f->db);
  g_assert_cmpuint (count_listed (f), ==, 2000);
}

/* Every PNG at a final name in @folder is whole: it decodes and carries its keys. */
static guint
check_thumbnails (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = NULL;

      if (!g_str_has_suffix (name, ".png"))
        continue;   /* a temporary file, never looked up */
      pixbuf = gdk_pixbuf_new_from_file (path, &error);
      g_assert_no_error (error);
      g_assert_true (vs_thumbnail_read_keys (path, &uri, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (uri, "file://"));
      n++;
    }
  return n;
}

static guint
count_entries (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_kill_thumbnail (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *source = g_build_filename (f->dir, "source.mp4", NULL);
  g_autofree char *large = g_build_filename (f->cache, "thumbnails", "large", NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const char *env[] = { "XDG_CACHE_HOME", f->cache, NULL };
  guint killed = 0, whole = 0;

  if (!vs_test_media_require (mp4_elements))
    return;
  vs_test_media_mp4 (source, "smpte");
  g_ptr_array_add (args, g_strdup ("thumbnail"));
  g_ptr_array_add (args, g_strdup ("--jobs"));
  g_ptr_array_add (args, g_strdup ("2"));
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *copy = g_strdup_printf ("%s/copy%u.mp4", f->lib, i);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
      vs_test_write_file (copy, contents, (gssize) length);
      g_ptr_array_add (args, g_steal_pointer (&copy));
    }
  g_ptr_array_add (args, NULL);

  /* Each kill lands when the n-th file of the cache folder appears: a helper is writing a
   * temporary PNG, or has just renamed one. */
  for (guint n = 1; n <= 6; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) proc = NULL;

      vs_test_rm_rf (f->cache);
      proc = vs_test_cli_spawn ((const char *const *) args->pdata, env, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < 60000 && count_entries (large) < n; i++)
        g_usleep (200);
      vs_test_kill_group (proc);
      killed += g_subprocess_get_if_signaled (proc);
      whole += check_thumbnails (large);
    }
  g_test_message ("%u runs killed; %u whole thumbnails found after the kills, none torn",
                  killed, whole);
  g_assert_cmpuint (killed, >, 0);

  {
    g_auto(VsTestRun) r = { 0 };

    vs_test_cli (&r, (const char *const *) args->pdata, env);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpuint (check_thumbnails (large), ==, 8);
  }
}

/* ---- faults ------------------------------------------------------------------------- */

/* Makes @path unwritable even for root (who ignores mode bits): the immutable flag. */
static gboolean
set_immutable (const char *path,
               gboolean    immutable)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int flags = 0;
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = ioctl (fd, FS_IOC_GETFLAGS, &flags) == 0;
  flags = immutable ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
  ok = ok && ioctl (fd, FS_IOC_SETFLAGS, &flags) == 0;
  close (fd);
  return ok;
}

static void
make_library (Fixture *f)
{
  g_auto(VsTestRun) r = { 0 };
  const char *scan[] = { "scan", "--db", f->db, "--no-probe", f->lib, NULL };

  touch_many (f->lib, 2, 20);
  cli (f, &r, scan);
  g_assert_cmpint (r.status, ==, 0);
  /* One file, as a copy or a backup holds it. */
  sql (f->db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
}

/* A scan and a listing against a damaged index both fail clearly and leave it alone. */
static void
assert_index_refused (Fixture    *f,
                      const char *expected,
                      gboolean    listing_works)
{
  g_autofree char *before = vs_test_file_checksum (f->db);
  g_autofree char *after = NULL;
  g_auto(VsTestRun) r = { 0 };
  const char *scan[] = { "scan", "--db", f->db, "--no-probe", f->lib, NULL };
  const char *list[] = { "list", "--db", f->db, NULL };

  cli (f, &r, scan);
  assert_clear_error (&r, expected);
  g_test_message ("scan: %s", r.err);
  cli (f, &r, list);
  if (listing_works)
    g_assert_cmpint (r.status, ==, 0);
  else
    assert_clear_error (&r, expected);
  after = vs_test_file_checksum (f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_index_read_only (Fixture       *f,
                      gconstpointer  data)
{
  gboolean immutable = FALSE;

  make_library (f);
  g_assert_cmpint (g_chmod (f->db, 0444), ==, 0);
  if (access (f->db, W_OK) == 0 && !(immutable = set_immutable (f->db, TRUE)))
    {
      g_test_skip ("cannot make a file read-only for this user (root without chattr)");
      return;
    }
  /* Reading a library one may not write is fine; scanning into it is refused. */
  assert_index_refused (f, "cannot be written", TRUE);
  if (immutable)
    g_assert_true (set_immutable (f->db, FALSE));
}

static void
test_index_corrupt (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *contents = NULL;
  gsize length;

  make_library (f);
  /* SQLite's header survives; the pages after it are noise. */
  g_assert_true (g_file_get_contents (f->db, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 4096);
  for (gsize i = 4096; i < length; i++)
    contents[i] = (char) g_test_rand_int_range (0, 256);
  vs_test_write_file (f->db, contents, (gssize) length);
  assert_index_refused (f, "damaged", FALSE);
}

static void
test_index_too_new (Fixture       *f,
                    gconstpointer  data)
{
  make_library (f);
  sql (f->db, "PRAGMA user_version = 99");
  assert_index_refused (f, "newer", FALSE);
}

/* A filesystem of @kib KiB mounted at @path, or FALSE (the test is then skipped). */
static gboolean
mount_small (const char *path,
             guint       kib)
{
  g_autofree char *options = g_strdup_printf ("size=%uk,mode=0755", kib);

  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  if (mount ("vidshelf-test", path, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    {
      g_test_skip_printf ("cannot mount a small tmpfs here: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static guint64
folder_bytes (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint64 total = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      struct stat st;

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      total += (guint64) st.st_size;
    }
  return total;
}

/* Takes every free byte of the filesystem holding @path. */
static void
fill_disk (const char *path)
{
  g_autofree char *block = g_malloc0 (65536);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, 65536) > 0)
    ;
  while (write (fd, block, 1) > 0)
    ;
  close (fd);
}

/* @room_kib: the size of the output's filesystem, 0 to fit what the merge asks for
 * up front and then fill it while the merge writes. */
static void
merge_on_small_disk (Fixture    *f,
                     guint       room_kib,
                     const char *expected)
{
  g_autofree char *show = g_build_filename (f->lib, "show", NULL);
  g_autofree char *small = g_build_filename (f->dir, "small", NULL);
  g_autofree char *output = g_build_filename (small, "show.mp4", NULL);
  g_autofree char *temp = g_build_filename (small, ".show.mp4.vidshelf-merge", NULL);
  g_autofree char *filler = g_build_filename (small, "filler", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  const char *merge[] = { "merge", "--output", output, show, NULL };
  const char *message;

  if (!vs_test_media_require (hls_elements))
    return;
  vs_test_media_hls_av (show, 8, "smpte");
  before = vs_test_folder_digest (show);
  if (room_kib == 0)
    {
      guint64 total = folder_bytes (show);

      /* What the merge checks for (vs-hls-merge.c), and a little more. */
      room_kib = (guint) ((total + total / 20 + 16 * 1024 * 1024) / 1024) + 1024;
    }
  if (!mount_small (small, room_kib))
    return;

  proc = vs_test_cli_spawn (merge, NULL, &error);
  g_assert_no_error (error);
  if (strstr (expected, "space left") != NULL)
    {
      wait_for_file (temp);
      fill_disk (filler);
    }
  g_subprocess_communicate (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_unlink (filler);
  listing = vs_test_list_folder (small);
  umount2 (small, MNT_DETACH);

  message = g_bytes_get_data (err, NULL);
  g_test_message ("merge: %s", message);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_true (g_str_has_prefix (message, "vidshelf-cli: "));
  g_assert_nonnull (strstr (message, expected));
  /* Nothing left: no output, no temporary file. */
  g_assert_cmpstr (listing, ==, "");
  after = vs_test_folder_digest (show);
  g_assert_cmpstr (before, ==, after);
}

static void
test_disk_full_merge_before (Fixture       *f,
                             gconstpointer  data)
{
  merge_on_small_disk (f, 64, "Not enough free space");
}

static void
test_disk_full_merge_during (Fixture       *f,
                             gconstpointer  data)
{
  merge_on_small_disk (f, 0, "space left");
}

static void
test_root_removed (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *root = g_build_filename (f->lib, "root", NULL);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) err = NULL;
  g_auto(VsTestRun) r = { 0 };
  const char *scan[] = { "scan", "--db", f->db, "--no-probe", root, NULL };

  touch_many (root, 60, 50);
  proc = vs_test_cli_spawn (scan, NULL, &error);
  g_assert_no_error (error);
  wait_for_file (wal);
  vs_test_rm_rf (root);
  g_subprocess_communicate (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  /* Whatever the scan saw, it ended on its own, and the index is sound. */
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_test_message ("scan during removal: exit %d, %.*s", g_subprocess_get_exit_status (proc),
                  (int) g_bytes_get_size (err), (const char *) g_bytes_get_data (err, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), <=, 1);
  assert_integrity (f->db);

  /* The next scan names the missing root; once it is back, the index follows it. */
  cli (f, &r, scan);
  assert_clear_error (&r, NULL);
  touch (root, "back.mp4", "x", 1);
  cli (f, &r, scan);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (count_listed (f), ==, 1);
}

/* ---- nasty inputs ------------------------------------------------------------------- */

/* A media playlist of @n segments, written as it is generated. */
static void
write_huge_playlist (const char *path,
                     guint       n)
{
  FILE *out = fopen (path, "w");

  g_assert_nonnull (out);
  fputs ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n", out);
  for (guint i = 0; i < n; i++)
    fprintf (out, "#EXTINF:2.000,\nseg%07u.ts\n", i);
  fputs ("#EXT-X-ENDLIST\n", out);
  g_assert_cmpint (fclose (out), ==, 0);
}

static void
test_huge_playlist (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "huge.m3u8", NULL);
  g_auto(VsTestRun) r = { 0 };
  const char *duration[] = { "duration", "--ms", path, NULL };
  const char *hms[] = { "duration", path, NULL };

  write_huge_playlist (path, 1000000);
  cli (f, &r, duration);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "2000000000\n");
  cli (f, &r, hms);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "555:33:20\n");
}

/* A chain of folders whose path passes @bytes, created relative to each parent (the full
 * path is too long for the kernel to take in one piece). Returns the last folder's fd. */
static int
make_deep_tree (const char *root,
                gsize       bytes)
{
  g_autofree char *component = g_strnfill (200, 'd');
  int fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  for (gsize depth = strlen (root); depth < bytes; depth += 201)
    {
      int child;

      g_assert_cmpint (mkdirat (fd, component, 0755), ==, 0);
      child = openat (fd, component, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      g_assert_cmpint (child, >=, 0);
      close (fd);
      fd = child;
    }
  return fd;
}

static void
test_nasty_tree (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *source = g_build_filename (f->dir, "source.mp4", NULL);
  g_autofree char *fifo = g_build_filename (f->lib, "pipe.mp4", NULL);
  g_autofree char *random_path = g_build_filename (f->lib, "random.mkv", NULL);
  g_autofree char *long_name = g_strnfill (251, 'n');
  g_autofree char *long_path = NULL;
  g_autofree char *cut_copy = g_build_filename (f->dir, "copy.mp4", NULL);
  const char *odd[] = { "new\nline.mp4", "quote\"s 'and' \\.mkv", "caf\xe9 \xff.webm" };
  g_auto(VsTestRun) r = { 0 };
  const char *scan[] = { "scan", "--db", f->db, "--json", "--jobs", "2", f->lib, NULL };
  const char *update[] = { "update", "--db", f->db, "--size", "normal", "--jobs", "2", NULL };
  int deep;

  if (!vs_test_media_require (mp4_elements))
    return;
  vs_test_media_mp4 (source, "ball");
  touch (f->lib, "empty.mp4", "", 0);
  vs_test_media_random (random_path, 65536);
  vs_test_media_truncate (source, cut_copy, 100);
  for (guint i = 0; i < 3; i++)
    {
      const guint percent[] = { 10, 50, 90 };
      g_autofree char *cut = g_strdup_printf ("%s/cut%u.mp4", f->lib, percent[i]);

      vs_test_media_truncate (source, cut, percent[i]);
    }
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    touch (f->lib, odd[i], "x", 1);
  long_path = g_strconcat (f->lib, "/", long_name, ".mp4", NULL); /* 255 bytes: the most */
  /* Renamed into place: a temporary name beside it would pass the limit. */
  g_assert_cmpint (g_rename (cut_copy, long_path), ==, 0);
  deep = make_deep_tree (f->lib, 4200);
  g_assert_cmpint (close (openat (deep, "deep.mp4", O_WRONLY | O_CREAT | O_CLOEXEC, 0644)), ==,
                   0);
  close (deep);

  /* Everything with a video name is indexed (the FIFO is not a file; it is skipped), the
   * probes of the bad ones fail and are recorded, nothing waits on the FIFO. */
  cli (f, &r, scan);
  g_assert_cmpint (r.status, ==, 0);
  g_test_message ("scan: %s", r.out);
  g_assert_cmpuint (count_listed (f), ==, 10);
  cli (f, &r, update);
  g_test_message ("update: exit %d, %s%s", r.status, r.out, r.err);
  g_assert_cmpint (r.status, ==, 0);
  cli (f, &r, scan);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (count_listed (f), ==, 10);
  assert_integrity (f->db);
}

int
main (int    argc,
      char **argv)
{
  /* Not G_TEST_OPTION_ISOLATE_DIRS: it empties XDG_DATA_DIRS, where content types by name
   * come from. Every test has its own folders, database and thumbnail cache. */
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/hardening/kill/scan", test_kill_scan);
  ADD ("/hardening/kill/thumbnail", test_kill_thumbnail);
  ADD ("/hardening/index/read-only", test_index_read_only);
  ADD ("/hardening/index/corrupt", test_index_corrupt);
  ADD ("/hardening/index/too-new", test_index_too_new);
  ADD ("/hardening/disk-full/merge-refused", test_disk_full_merge_before);
  ADD ("/hardening/disk-full/merge-during", test_disk_full_merge_during);
  ADD ("/hardening/root-removed", test_root_removed);
  ADD ("/hardening/nasty/huge-playlist", test_huge_playlist);
  ADD ("/hardening/nasty/tree", test_nasty_tree);
#undef ADD

  return g_test_run ();
}
