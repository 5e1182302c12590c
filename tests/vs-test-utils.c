/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vs-filmstrip.h"
#include "vs-test-utils.h"

/* Capabilities are per thread on Linux: this changes the calling thread's only, which is
 * the one that runs a synchronous scan or a merge's checks. */
gboolean
vs_test_obey_permissions (gboolean obey)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };
  const guint32 bypass = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);
  g_autofree char *dir = NULL;
  g_autofree char *probe = NULL;
  gboolean denied;
  int fd;

  if (syscall (SYS_capget, &header, data) != 0)
    return !obey || geteuid () != 0;
  if (obey)
    data[0].effective &= ~bypass;
  else
    data[0].effective |= data[0].permitted & bypass;
  if (syscall (SYS_capset, &header, data) != 0)
    return !obey || geteuid () != 0;
  if (!obey)
    return TRUE;

  /* Whatever the reason (another capability, a user namespace), ask the kernel. */
  dir = vs_test_make_tmpdir ();
  probe = g_build_filename (dir, "unreadable", NULL);
  vs_test_write_file (probe, "x", 1);
  g_assert_cmpint (g_chmod (probe, 0), ==, 0);
  fd = open (probe, O_RDONLY);
  denied = fd < 0 && errno == EACCES;
  if (fd >= 0)
    close (fd);
  vs_test_rm_rf (dir);
  if (!denied)
    vs_test_obey_permissions (FALSE);
  return denied;
}

char *
vs_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("vidshelf-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* Never follows symlinks: a test tree's loops must not take the cleanup elsewhere. */
void
vs_test_rm_rf (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = NULL;
      const char *name;

      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          vs_test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
vs_test_write_file (const char *path,
                    const char *contents,
                    gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

char *
vs_test_file_checksum (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

char *
vs_test_folder_digest (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) digest = g_string_new (NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (folder, g_ptr_array_index (names, i), NULL);
      g_autofree char *sum = NULL;

      /* a subfolder: its files, under its name */
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        sum = vs_test_folder_digest (path);
      else
        sum = vs_test_file_checksum (path);
      g_string_append_printf (digest, "%s=%s\n", (char *) g_ptr_array_index (names, i), sum);
    }
  return g_string_free (g_steal_pointer (&digest), FALSE);
}

static void
tree_state_walk (const char *dir,
                 const char *rel,
                 GPtrArray  *lines)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *r = rel ? g_build_filename (rel, name, NULL) : g_strdup (name);
      g_autofree char *sum = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_ptr_array_add (lines, g_strconcat (r, "/", NULL));
          tree_state_walk (path, r, lines);
          continue;
        }
      sum = vs_test_file_checksum (path);
      g_ptr_array_add (lines, g_strconcat (r, "=", sum, NULL));
    }
}

char *
vs_test_tree_state (const char *dir)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  tree_state_walk (dir, NULL, lines);
  g_ptr_array_sort (lines, compare_strings);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

static void
snapshot_walk (GHashTable *table,
               const char *path,
               const char *rel)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  struct stat st;

  g_assert_cmpint (lstat (path, &st), ==, 0);
  if (!S_ISDIR (st.st_mode))
    {
      g_autofree char *sum = S_ISREG (st.st_mode) ? vs_test_file_checksum (path)
                                                   : g_strdup ("special");

      g_hash_table_insert (table, g_strdup (rel),
                           g_strdup_printf ("file ino=%" G_GUINT64_FORMAT " size=%" G_GINT64_FORMAT
                                            " %s", (guint64) st.st_ino, (gint64) st.st_size,
                                            sum));
      return;
    }
  g_hash_table_insert (table, g_strdup (rel),
                       g_strdup_printf ("dir ino=%" G_GUINT64_FORMAT, (guint64) st.st_ino));
  dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *child_rel = g_build_filename (rel, name, NULL);

      snapshot_walk (table, child, child_rel);
    }
}

GHashTable *
vs_test_snapshot (GHashTable *table,
                  const char *folder,
                  const char *name)
{
  if (table == NULL)
    table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  snapshot_walk (table, folder, name);
  return table;
}

char *
vs_test_snapshot_diff (GHashTable *before,
                       GHashTable *after)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (g_hash_table_lookup (after, key), value) != 0)
      g_ptr_array_add (changes, g_strconcat ("-", key, NULL));
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (before, key))
      g_ptr_array_add (changes, g_strconcat ("+", key, NULL));
  g_ptr_array_sort (changes, compare_strings);
  g_ptr_array_add (changes, NULL);
  return g_strjoinv (" ", (char **) changes->pdata);
}

char *
vs_test_list_folder (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

void
vs_test_allow_warnings (void)
{
  /* The scanner reports skipped files at warning level, which g_test_init makes fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
}

void
vs_test_add_fuzz_seed (const char *target,
                       const void *data,
                       gsize       length)
{
  const char *seeds = g_getenv ("VIDSHELF_FUZZ_SEEDS");
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (seeds == NULL || *seeds == '\0')
    return;
  /* libFuzzer's default input bound: more only slows the fuzzer down. */
  length = MIN (length, 4096);
  dir = g_build_filename (seeds, target, NULL);
  name = g_compute_checksum_for_data (G_CHECKSUM_SHA1, data, length);
  path = g_build_filename (dir, name, NULL);
  if (g_mkdir_with_parents (dir, 0755) == 0)
    g_file_set_contents (path, data, (gssize) length, NULL);
}

void
vs_test_make_hls (const char *folder,
                  const char *playlist_name,
                  guint       n_segments,
                  const char *seconds,
                  gboolean    make_segments)
{
  g_autoptr(GString) text = g_string_new ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n");
  g_autofree char *playlist = g_build_filename (folder, playlist_name, NULL);

  for (guint i = 0; i < n_segments; i++)
    {
      g_autofree char *name = g_strdup_printf ("seg%05u.ts", i);

      g_string_append_printf (text, "#EXTINF:%s,\n%s\n", seconds, name);
      if (make_segments)
        {
          g_autofree char *seg = g_build_filename (folder, name, NULL);

          vs_test_write_file (seg, "G@segment", 9);
        }
    }
  g_string_append (text, "#EXT-X-ENDLIST\n");
  vs_test_write_file (playlist, text->str, (gssize) text->len);
}

void
vs_test_make_hls_download (const char       *folder,
                           guint             n_segments,
                           guint             n_missing,
                           VsTestHlsOptions  options)
{
  g_autoptr(GString) text = g_string_new ("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n");
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  const char *ext = (options & VS_TEST_HLS_FMP4) ? "m4s" : "ts";

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  if (options & VS_TEST_HLS_FMP4)
    {
      g_autofree char *init = g_build_filename (folder, "init.mp4", NULL);
      char box[100] = { 0 };

      g_string_append (text, "#EXT-X-MAP:URI=\"init.mp4\"\n");
      vs_test_write_file (init, box, sizeof box);
    }
  if (options & VS_TEST_HLS_AES128)
    {
      g_string_append (text, "#EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\",IV=0x1\n");
      if (options & VS_TEST_HLS_KEY_FILE)
        {
          g_autofree char *key = g_build_filename (folder, "key.bin", NULL);

          vs_test_write_file (key, "0123456789abcdef", 16);
        }
    }

  for (guint i = 0; i < n_segments; i++)
    {
      g_autofree char *name = g_strdup_printf ("seg%05u.%s", i, ext);

      g_string_append (text, "#EXTINF:4.000,");
      if (i == 0 && (options & VS_TEST_HLS_HUGE_TITLE))
        for (guint j = 0; j < 4 * 1024 * 1024; j++)
          g_string_append_c (text, "A long title, "[j % 14]);
      if (options & VS_TEST_HLS_REMOTE)
        g_string_append_printf (text, "\nhttps://cdn.example.com/v/%s?token=a%%2Fb&i=%u\n",
                                name, i);
      else
        g_string_append_printf (text, "\n%s\n", name);
      if (i + n_missing < n_segments)
        {
          g_autofree char *seg = g_build_filename (folder, name, NULL);

          vs_test_write_file (seg, "G@segment", 9);
        }
    }
  if (!(options & VS_TEST_HLS_NO_ENDLIST))
    g_string_append (text, (options & VS_TEST_HLS_NO_FINAL_NEWLINE) ? "#EXT-X-ENDLIST"
                                                                     : "#EXT-X-ENDLIST\n");
  vs_test_write_file (playlist, text->str, (gssize) text->len);
}

void
vs_test_make_hls_master (const char *folder)
{
  g_autofree char *lo = g_build_filename (folder, "360p", NULL);
  g_autofree char *hi = g_build_filename (folder, "720p", NULL);
  g_autofree char *master = g_build_filename (folder, "master.m3u8", NULL);

  vs_test_make_hls_download (lo, 2, 0, VS_TEST_HLS_PLAIN);
  vs_test_make_hls_download (hi, 3, 0, VS_TEST_HLS_PLAIN);
  vs_test_write_file (master,
                      "#EXTM3U\n"
                      "#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n"
                      "#EXT-X-STREAM-INF:BANDWIDTH=2800000,RESOLUTION=1280x720,"
                      "CODECS=\"avc1.64001f,mp4a.40.2\"\n720p/index.m3u8\n", -1);
}

void
vs_test_run_clear (VsTestRun *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

static void
own_process_group (gpointer user_data)
{
  setpgid (0, 0);
}

GSubprocess *
vs_test_cli_spawn (const char *const *args,
                   const char *const *env,
                   GError           **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  const char *binary = g_getenv ("VIDSHELF_CLI");

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (gpointer) binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  g_subprocess_launcher_set_child_setup (launcher, own_process_group, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize length = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;

  return g_strndup (data != NULL ? data : "", length);
}

void
vs_test_cli (VsTestRun         *r,
             const char *const *args,
             const char *const *env)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;

  vs_test_run_clear (r);
  proc = vs_test_cli_spawn (args, env, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  r->out = bytes_to_string (out);
  r->err = bytes_to_string (err);
  if (!g_subprocess_get_if_exited (proc))
    g_printerr ("%s\n", r->err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
}

void
vs_test_kill_group (GSubprocess *proc)
{
  const char *id = g_subprocess_get_identifier (proc);

  if (id != NULL)
    kill (-(pid_t) g_ascii_strtoll (id, NULL, 10), SIGKILL);
  g_subprocess_wait (proc, NULL, NULL);
}

char *
vs_test_listing (VsDatabase *db,
                 const char *lib)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  VsVideoQuery all = { 0 };
  gsize prefix = strlen (lib) + 1;

  ids = vs_database_query_ids (db, &all, &error);
  g_assert_no_error (error);
  records = vs_database_load_videos (db, (gint64 *) (gpointer) ids->data, ids->len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      VsVideoRecord *r = g_ptr_array_index (records, i);

      /* Gone between the two reads (a watcher or scanner writes meanwhile): the rows are
       * read by id, as the window's model reads them, and a vanished one is NULL. */
      if (r == NULL)
        continue;
      g_assert_true (g_str_has_prefix (r->path, lib));
      g_ptr_array_add (names, g_strdup (r->path + prefix));
    }
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  g_error ("timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

void
vs_test_wait_until (VsTestCondition condition,
                    gpointer        subject,
                    gconstpointer   data,
                    guint           seconds,
                    const char     *what)
{
  guint timeout = g_timeout_add_seconds (seconds, on_wait_timeout, (gpointer) what);

  while (!condition (subject, data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

gsize
vs_test_status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen (field), NULL, 10);
}

gsize
vs_test_reset_peak_rss (void)
{
  int fd = g_open ("/proc/self/clear_refs", O_WRONLY, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "5", 1), ==, 1);
  close (fd);
  return vs_test_status_kb ("VmRSS:");
}

guint32
vs_test_filmstrip_colour (guint index)
{
  /* far apart from each other, and from black and grey */
  static const guint32 colours[] = { 0xe01b24, 0x2ec27e, 0x1c71d8, 0xf6d32d, 0x9141ac,
                                     0xff7800, 0x00b4c8, 0xc061cb, 0x8ff0a4, 0x865e3c };

  return colours[index % G_N_ELEMENTS (colours)];
}

void
vs_test_save_filmstrip (const char *path,
                        const char *uri,
                        gint64      mtime,
                        gint64      size,
                        guint       n_frames)
{
  guint columns = MIN (n_frames, VS_FILMSTRIP_COLUMNS);
  guint rows = (n_frames + columns - 1) / columns;
  g_autoptr(GdkPixbuf) sheet = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, (int) (64 * columns),
                                               (int) (36 * rows));
  g_autofree gint64 *times = g_new (gint64, n_frames);
  g_autofree char *cache_path = path == NULL ? vs_filmstrip_path (uri) : NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n_frames; i++)
    {
      g_autoptr(GdkPixbuf) tile = gdk_pixbuf_new_subpixbuf (sheet, (int) ((i % columns) * 64),
                                                            (int) ((i / columns) * 36), 64, 36);

      gdk_pixbuf_fill (tile, (vs_test_filmstrip_colour (i) << 8) | 0xff);
      times[i] = (gint64) i * 10000 + 5000;
    }
  vs_filmstrip_save (path != NULL ? path : cache_path, uri, mtime, size,
                     (gint64) n_frames * 10000, VS_FILMSTRIP_FLAG_NONE, sheet, 64, 36, columns,
                     times, n_frames, &error);
  g_assert_no_error (error);
}
