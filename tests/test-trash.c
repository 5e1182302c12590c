/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-trash.c: the data-safety suite of the guarded trash (VsTrash, `vidshelf-cli trash`)
 *
 * Every case builds a hostile layout in a temporary folder, takes a snapshot of every
 * entry under it (kind, inode, size, mtime and SHA-256 of each file, symlink targets)
 * before and after the action, and asserts the exact set of entries that changed; the
 * trash (files/ and info/) must then hold exactly those, with the same inodes and bytes,
 * each .trashinfo naming its original path URI-escaped. Playlists are hand-written text
 * and segments a few bytes: the trash never decodes media. */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vs-test-utils.h"
#include "vs-trash.h"

static char *home_dir;     /* $HOME: empty but for what a test puts there */
static char *data_home;    /* $XDG_DATA_HOME, outside $HOME */
static char *home_trash;   /* $XDG_DATA_HOME/Trash */

/* Snapshots ------------------------------------------------------------------------- */

static char *
describe (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return NULL;
  if (S_ISREG (st.st_mode))
    {
      g_autofree char *sum = vs_test_file_checksum (path);

      return g_strdup_printf ("file ino=%" G_GUINT64_FORMAT " size=%" G_GINT64_FORMAT
                              " mtime=%" G_GINT64_FORMAT ".%09ld %s",
                              (guint64) st.st_ino, (gint64) st.st_size,
                              (gint64) st.st_mtim.tv_sec, st.st_mtim.tv_nsec, sum);
    }
  if (S_ISDIR (st.st_mode))
    return g_strdup_printf ("dir ino=%" G_GUINT64_FORMAT, (guint64) st.st_ino);
  if (S_ISLNK (st.st_mode))
    {
      g_autofree char *target = g_file_read_link (path, NULL);

      return g_strdup_printf ("link ino=%" G_GUINT64_FORMAT " -> %s", (guint64) st.st_ino,
                              target);
    }
  return g_strdup_printf ("other ino=%" G_GUINT64_FORMAT, (guint64) st.st_ino);
}

static void
snap_walk (GHashTable *table,
           const char *path,
           const char *rel,
           const char *skip)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  struct stat st;

  g_hash_table_insert (table, g_strdup (rel), describe (path));
  if (lstat (path, &st) != 0 || !S_ISDIR (st.st_mode))
    return;
  dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *child_rel = strcmp (rel, ".") == 0 ? g_strdup (name) :
                                   g_build_filename (rel, name, NULL);

      if (skip != NULL && strcmp (child_rel, skip) == 0)
        continue;
      snap_walk (table, child, child_rel, NULL);
    }
}

/* Every entry below @root (symlinks not followed), by path relative to it ("." is @root),
 * except the top-level entry named @skip. */
static GHashTable *
snap_skip (const char *root,
           const char *skip)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  snap_walk (table, root, ".", skip);
  return table;
}

static GHashTable *
snap (const char *root)
{
  return snap_skip (root, NULL);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static char *
join_sorted (GPtrArray *items)
{
  g_ptr_array_sort (items, compare_strings);
  g_ptr_array_add (items, NULL);
  return g_strjoinv (" ", (char **) items->pdata);
}

/* "-gone +new ~changed" entries, sorted. */
static char *
snap_diff (GHashTable *before,
           GHashTable *after)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *now = g_hash_table_lookup (after, key);

      if (now == NULL)
        g_ptr_array_add (items, g_strconcat ("-", key, NULL));
      else if (strcmp (now, value) != 0)
        g_ptr_array_add (items, g_strconcat ("~", key, NULL));
    }
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (before, key))
      g_ptr_array_add (items, g_strconcat ("+", key, NULL));
  return join_sorted (items);
}

/* The sorted set of @first and the following strings (NULL-terminated). */
static char *
set_of (const char *first,
        ...)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    g_ptr_array_add (items, (gpointer) s);
  va_end (args);
  g_ptr_array_sort (items, compare_strings);
  g_ptr_array_add (items, NULL);
  return g_strjoinv (" ", (char **) items->pdata);
}

#define assert_diff(before, root, ...)                                 \
  G_STMT_START {                                                       \
    g_autoptr(GHashTable) after_ = snap (root);                        \
    g_autofree char *got_ = snap_diff (before, after_);                \
    g_autofree char *want_ = set_of ("", ##__VA_ARGS__, NULL);         \
    g_assert_cmpstr (got_, ==, g_strstrip (want_));                    \
  } G_STMT_END

/* Entries of a VsTrash, relative to @base, sorted. */
static char *
entries_of (VsTrash    *trash,
            const char *base)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  gsize prefix = strlen (base) + 1;

  for (guint i = 0; i < vs_trash_get_n_entries (trash); i++)
    {
      const char *entry = vs_trash_get_entry (trash, i);

      g_assert_true (g_str_has_prefix (entry, base));
      g_assert_cmpint (entry[prefix - 1], ==, '/');
      g_ptr_array_add (items, g_strdup (entry + prefix));
    }
  return join_sorted (items);
}

/* The trash ------------------------------------------------------------------------- */

static gboolean
is_uri_path_char (char c)
{
  return g_ascii_isalnum (c) || strchr ("-._~/%", c) != NULL;
}

/* The trash at @trash_base holds exactly the entries @want (space-separated, relative to
 * @base), each the very entry @before held (inode, size, mtime, bytes, and for a folder
 * everything under it), each with a .trashinfo whose Path= is its original path,
 * URI-escaped. */
static void
assert_trash (const char *trash_base,
              const char *base,
              GHashTable *before,
              const char *want)
{
  g_autofree char *files = g_build_filename (trash_base, "files", NULL);
  g_autofree char *info = g_build_filename (trash_base, "info", NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autofree char *got = NULL;
  g_autofree char *files_listing = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRegex) date = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d$", 0, 0, NULL);
  const char *name;

  if (!g_file_test (info, G_FILE_TEST_IS_DIR))
    {
      g_assert_cmpstr (want, ==, "");
      if (g_file_test (files, G_FILE_TEST_EXISTS))
        {
          g_autofree char *left = vs_test_list_folder (files);

          g_assert_cmpstr (left, ==, "");
        }
      return;
    }
  dir = g_dir_open (info, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *info_path = g_build_filename (info, name, NULL);
      g_autoptr(GKeyFile) key_file = g_key_file_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autofree char *deleted = NULL;
      g_autofree char *original = NULL;
      g_autofree char *trashed_name = NULL;
      g_autofree char *trashed = NULL;
      const char *rel;

      g_assert_true (g_str_has_suffix (name, ".trashinfo"));
      trashed_name = g_strndup (name, strlen (name) - strlen (".trashinfo"));
      g_ptr_array_add (names, g_strdup (trashed_name));
      g_key_file_load_from_file (key_file, info_path, G_KEY_FILE_NONE, &error);
      g_assert_no_error (error);
      path = g_key_file_get_value (key_file, "Trash Info", "Path", &error);
      g_assert_no_error (error);
      deleted = g_key_file_get_value (key_file, "Trash Info", "DeletionDate", &error);
      g_assert_no_error (error);
      g_assert_true (g_regex_match (date, deleted, 0, NULL));
      for (const char *p = path; *p != '\0'; p++)
        g_assert_true (is_uri_path_char (*p));
      original = g_uri_unescape_string (path, NULL);
      g_assert_nonnull (original);
      g_assert_true (g_str_has_prefix (original, base));
      g_assert_cmpint (original[strlen (base)], ==, '/');
      rel = original + strlen (base) + 1;
      g_ptr_array_add (found, g_strdup (rel));

      /* the same entry, moved: inode and bytes, and all it held */
      trashed = g_build_filename (files, trashed_name, NULL);
      {
        g_autoptr(GHashTable) moved = snap (trashed);
        GHashTableIter iter;
        gpointer key, value;
        guint n_before = 0;
        gsize rel_len = strlen (rel);

        g_hash_table_iter_init (&iter, moved);
        while (g_hash_table_iter_next (&iter, &key, &value))
          {
            g_autofree char *full = strcmp (key, ".") == 0 ? g_strdup (rel) :
                                    g_build_filename (rel, key, NULL);

            g_assert_cmpstr (value, ==, g_hash_table_lookup (before, full));
          }
        g_hash_table_iter_init (&iter, before);
        while (g_hash_table_iter_next (&iter, &key, NULL))
          if (strcmp (key, rel) == 0 ||
              (strncmp (key, rel, rel_len) == 0 && ((char *) key)[rel_len] == '/'))
            n_before++;
        g_assert_cmpuint (n_before, ==, g_hash_table_size (moved));
      }
    }
  got = join_sorted (found);
  g_assert_cmpstr (got, ==, want);
  /* files/ holds exactly the entries that have an info file */
  files_listing = vs_test_list_folder (files);
  {
    g_autofree char *info_names = join_sorted (names);

    g_assert_cmpstr (files_listing, ==, info_names);
  }
}

static void
reset_trash (void)
{
  vs_test_rm_rf (home_trash);
}

/* Fixtures -------------------------------------------------------------------------- */

static void
put (const char *dir,
     const char *relative,
     const char *contents)
{
  g_autofree char *path = g_build_filename (dir, relative, NULL);

  vs_test_write_file (path, contents, -1);
}

/* A media playlist naming @segments (NULL-terminated), written with the segments. */
static void
put_hls (const char *dir,
         const char *playlist,
         const char *first,
         ...)
{
  g_autoptr(GString) text = g_string_new ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n");
  g_autofree char *playlist_path = g_build_filename (dir, playlist, NULL);
  g_autofree char *playlist_dir = g_path_get_dirname (playlist_path);
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    {
      g_autofree char *seg = g_build_filename (playlist_dir, s, NULL);
      g_autofree char *data = g_strdup_printf ("G@%s", s);

      g_string_append_printf (text, "#EXTINF:4.0,\n%s\n", s);
      vs_test_write_file (seg, data, -1);
    }
  va_end (args);
  g_string_append (text, "#EXT-X-ENDLIST\n");
  vs_test_write_file (playlist_path, text->str, -1);
}

static VsTrash *
trash_item (const char         *path,
            const char * const *roots)
{
  g_autoptr(GError) error = NULL;
  VsTrash *trash = vs_trash_new_for_item (path, roots, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (trash);
  return trash;
}

static void
run_ok (VsTrash *trash)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vs_trash_run (trash, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < vs_trash_get_n_entries (trash); i++)
    g_assert_nonnull (vs_trash_get_trashed_path (trash, i));
}

/* Undo puts back every entry at its place, same inode, same bytes; the trash is empty. */
static void
restore_ok (VsTrash    *trash,
            GHashTable *before,
            const char *root,
            const char *trash_base)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vs_trash_restore (trash, NULL, &error));
  g_assert_no_error (error);
  assert_diff (before, root);
  assert_trash (trash_base, root, before, "");
}

static void
same_inode (const char *a,
            const char *b)
{
  struct stat sa, sb;

  g_assert_cmpint (stat (a, &sa), ==, 0);
  g_assert_cmpint (stat (b, &sb), ==, 0);
  g_assert_true (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

/* 1. A playlist in a library root --------------------------------------------------- */

static void
make_root_library (const char *lib)
{
  put (lib, "a.mp4", "video a");
  put (lib, "b.mkv", "video b");
  put (lib, "extra.ts", "a transport stream nobody names");
  put (lib, "sub/c.mp4", "video c");
  put_hls (lib, "other/index.m3u8", "seg00000.ts", "seg00001.ts", NULL);
  put_hls (lib, "show.m3u8", "show-0.ts", "show-1.ts", "show-2.ts", NULL);
}

static void
test_root_playlist (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *playlist = g_build_filename (lib, "show.m3u8", NULL);
  const char *roots[] = { lib, NULL };
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(VsTrash) trash = NULL;
  g_autofree char *entries = NULL;

  reset_trash ();
  make_root_library (lib);
  before = snap (lib);

  trash = trash_item (playlist, roots);
  g_assert_true (vs_trash_get_is_hls (trash));
  g_assert_false (vs_trash_get_takes_folder (trash));
  g_assert_cmpstr (vs_trash_get_item_path (trash), ==, playlist);
  g_assert_cmpstr (vs_trash_get_entry (trash, 0), ==, playlist);
  entries = entries_of (trash, lib);
  g_assert_cmpstr (entries, ==, "show-0.ts show-1.ts show-2.ts show.m3u8");
  g_assert_null (vs_trash_get_trashed_path (trash, 0));
  /* the inventory alone moves nothing */
  assert_diff (before, lib);

  run_ok (trash);
  assert_diff (before, lib, "-show.m3u8", "-show-0.ts", "-show-1.ts", "-show-2.ts");
  assert_trash (home_trash, lib, before, "show-0.ts show-1.ts show-2.ts show.m3u8");
  for (guint i = 0; i < vs_trash_get_n_entries (trash); i++)
    {
      g_autofree char *files = g_build_filename (home_trash, "files", NULL);

      g_assert_true (g_str_has_prefix (vs_trash_get_trashed_path (trash, i), files));
    }
  restore_ok (trash, before, lib, home_trash);

  /* the same through the CLI */
  {
    g_auto(VsTestRun) scan = { 0 };
    g_auto(VsTestRun) r = { 0 };
    const char *scan_args[] = { "scan", "--no-probe", "--db", db, lib, NULL };
    const char *args[] = { "trash", "--db", db, playlist, NULL };
    g_auto(GStrv) lines = NULL;
    g_autoptr(GPtrArray) froms = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *got = NULL;

    vs_test_cli (&scan, scan_args, NULL);
    g_assert_cmpint (scan.status, ==, 0);
    g_assert_true (g_hash_table_size (before) > 0);
    assert_diff (before, lib);
    vs_test_cli (&r, args, NULL);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_cmpint (r.status, ==, 0);
    assert_diff (before, lib, "-show.m3u8", "-show-0.ts", "-show-1.ts", "-show-2.ts");
    assert_trash (home_trash, lib, before, "show-0.ts show-1.ts show-2.ts show.m3u8");
    lines = g_strsplit (r.out, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 5);
    g_assert_cmpstr (lines[4], ==, "");
    for (guint i = 0; i < 4; i++)
      {
        const char *arrow = strstr (lines[i], " -> ");

        g_assert_nonnull (arrow);
        g_assert_true (g_str_has_prefix (lines[i], lib));
        g_ptr_array_add (froms, g_strndup (lines[i] + strlen (lib) + 1,
                                           arrow - lines[i] - strlen (lib) - 1));
        g_assert_true (g_str_has_prefix (arrow + 4, home_trash));
      }
    got = join_sorted (froms);
    g_assert_cmpstr (got, ==, "show-0.ts show-1.ts show-2.ts show.m3u8");
  }
  reset_trash ();
  vs_test_rm_rf (dir);
}

/* 2. A download alone in its folder ---------------------------------------------------- */

static void
test_own_folder (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *dl = g_build_filename (lib, "dl", NULL);
  g_autofree char *playlist = g_build_filename (dl, "index.m3u8", NULL);
  const char *roots[] = { lib, NULL };
  const char *dl_roots[] = { lib, dl, NULL };
  g_autoptr(GHashTable) before = NULL;

  reset_trash ();
  put (lib, "a.mp4", "video a");
  put_hls (dl, "index.m3u8", "seg00000.ts", "seg00001.ts", "seg00002.ts", NULL);
  before = snap (lib);

  /* named by its playlist, then by its folder: the folder, as one entry */
  for (guint named_by_folder = 0; named_by_folder < 2; named_by_folder++)
    {
      g_autoptr(VsTrash) trash = trash_item (named_by_folder ? dl : playlist, roots);

      g_assert_true (vs_trash_get_is_hls (trash));
      g_assert_true (vs_trash_get_takes_folder (trash));
      g_assert_cmpstr (vs_trash_get_item_path (trash), ==, playlist);
      g_assert_cmpuint (vs_trash_get_n_entries (trash), ==, 1);
      g_assert_cmpstr (vs_trash_get_entry (trash, 0), ==, dl);
      run_ok (trash);
      assert_diff (before, lib, "-dl", "-dl/index.m3u8", "-dl/seg00000.ts", "-dl/seg00001.ts",
                   "-dl/seg00002.ts");
      assert_trash (home_trash, lib, before, "dl");
      restore_ok (trash, before, lib, home_trash);
    }

  /* the same folder as a library root: only the files go */
  {
    g_autoptr(VsTrash) trash = trash_item (playlist, dl_roots);
    g_autofree char *entries = entries_of (trash, dl);
    g_autoptr(GError) error = NULL;
    g_autoptr(VsTrash) refused = NULL;

    g_assert_false (vs_trash_get_takes_folder (trash));
    g_assert_cmpstr (entries, ==, "index.m3u8 seg00000.ts seg00001.ts seg00002.ts");
    run_ok (trash);
    assert_diff (before, lib, "-dl/index.m3u8", "-dl/seg00000.ts", "-dl/seg00001.ts",
                 "-dl/seg00002.ts");
    assert_trash (home_trash, lib, before,
                  "dl/index.m3u8 dl/seg00000.ts dl/seg00001.ts dl/seg00002.ts");
    restore_ok (trash, before, lib, home_trash);

    /* a library root named as the item, or as a folder to remove, is refused */
    refused = vs_trash_new_for_item (dl, dl_roots, NULL, &error);
    g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_PROTECTED);
    g_assert_null (refused);
    g_clear_error (&error);
    refused = vs_trash_new_for_folder (dl, dl_roots, NULL, &error);
    g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_PROTECTED);
    g_assert_null (refused);
    assert_diff (before, lib);
    assert_trash (home_trash, lib, before, "");
  }
  vs_test_rm_rf (dir);
}

/* 3. A download beside an unrelated file ---------------------------------------------- */

static void
test_unrelated_file (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *dl = g_build_filename (dir, "dl", NULL);
  g_autoptr(GHashTable) before = NULL;

  reset_trash ();
  put_hls (dl, "index.m3u8", "seg00000.ts", "seg00001.ts", NULL);
  put (dl, "notes.txt", "my notes");
  before = snap (dir);

  /* by playlist and by folder alike */
  for (guint named_by_folder = 0; named_by_folder < 2; named_by_folder++)
    {
      g_autofree char *playlist = g_build_filename (dl, "index.m3u8", NULL);
      g_autoptr(VsTrash) trash = trash_item (named_by_folder ? dl : playlist, NULL);
      g_autofree char *entries = entries_of (trash, dir);

      g_assert_true (vs_trash_get_is_hls (trash));
      g_assert_false (vs_trash_get_takes_folder (trash));
      g_assert_cmpstr (entries, ==, "dl/index.m3u8 dl/seg00000.ts dl/seg00001.ts");
      run_ok (trash);
      assert_diff (before, dir, "-dl/index.m3u8", "-dl/seg00000.ts", "-dl/seg00001.ts");
      assert_trash (home_trash, dir, before, "dl/index.m3u8 dl/seg00000.ts dl/seg00001.ts");
      restore_ok (trash, before, dir, home_trash);
    }
  vs_test_rm_rf (dir);
}

/* Segments that lead out of the folder (a "../" path, a symlink to a file outside, a
 * symlink to a folder outside) are never claimed: only what lies in the folder goes. */
static void
test_escaping (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *dl = g_build_filename (dir, "dl", NULL);
  g_autofree char *playlist = g_build_filename (dl, "index.m3u8", NULL);
  g_autofree char *link_ts = g_build_filename (dl, "link.ts", NULL);
  g_autofree char *link_dir = g_build_filename (dl, "elsewhere", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(VsTrash) trash = NULL;
  g_autofree char *entries = NULL;

  reset_trash ();
  put (dir, "outside.ts", "not the download's");
  put (dir, "other/seg.ts", "not the download's either");
  put (dl, "seg00000.ts", "G@seg00000.ts");
  g_assert_cmpint (symlink ("../outside.ts", link_ts), ==, 0);
  g_assert_cmpint (symlink ("../other", link_dir), ==, 0);
  put (dl, "index.m3u8",
       "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nseg00000.ts\n#EXTINF:4.0,\n../outside.ts\n"
       "#EXTINF:4.0,\nlink.ts\n#EXTINF:4.0,\nelsewhere/seg.ts\n#EXT-X-ENDLIST\n");
  before = snap (dir);

  trash = trash_item (playlist, NULL);
  entries = entries_of (trash, dir);
  g_assert_cmpstr (entries, ==, "dl/index.m3u8 dl/seg00000.ts");
  g_assert_true (vs_trash_get_is_hls (trash));
  /* the links are not the item's: the folder stays */
  g_assert_false (vs_trash_get_takes_folder (trash));
  run_ok (trash);
  assert_diff (before, dir, "-dl/index.m3u8", "-dl/seg00000.ts");
  assert_trash (home_trash, dir, before, "dl/index.m3u8 dl/seg00000.ts");
  restore_ok (trash, before, dir, home_trash);
  vs_test_rm_rf (dir);
}

/* 4. fMP4 and master playlists ---------------------------------------------------------- */

/* AES-128 downloads name their key files, and an fMP4 stream may change its init section
 * after a discontinuity: every key and every init section in force goes with the item, a
 * key fetched from elsewhere is nobody's file here. */
static void
test_keys_and_maps (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *enc = g_build_filename (dir, "enc", NULL);
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autoptr(GHashTable) before = NULL;
  const char *text =
    "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n"
    "#EXT-X-KEY:METHOD=AES-128,URI=\"key1.bin\"\n#EXT-X-MAP:URI=\"init1.mp4\"\n"
    "#EXTINF:4.0,\na.m4s\n"
    "#EXT-X-DISCONTINUITY\n#EXT-X-KEY:METHOD=AES-128,URI=\"key2.bin\"\n"
    "#EXT-X-MAP:URI=\"init2.mp4\"\n#EXTINF:4.0,\nb.m4s\n"
    "#EXT-X-KEY:METHOD=AES-128,URI=\"https://example.com/key3\"\n#EXTINF:4.0,\nc.m4s\n"
    "#EXT-X-ENDLIST\n";

  reset_trash ();
  /* alone in its folder: the keys and both init sections are the item's, so the folder
   * holds nothing else and goes whole */
  put (enc, "index.m3u8", text);
  put (enc, "key1.bin", "0123456789abcdef");
  put (enc, "key2.bin", "fedcba9876543210");
  put (enc, "init1.mp4", "ftyp 1");
  put (enc, "init2.mp4", "ftyp 2");
  put (enc, "a.m4s", "moof a");
  put (enc, "b.m4s", "moof b");
  put (enc, "c.m4s", "moof c");
  /* the same in a library folder beside another video */
  put (lib, "index.m3u8", text);
  put (lib, "key1.bin", "0123456789abcdef");
  put (lib, "key2.bin", "fedcba9876543210");
  put (lib, "init1.mp4", "ftyp 1");
  put (lib, "init2.mp4", "ftyp 2");
  put (lib, "a.m4s", "moof a");
  put (lib, "b.m4s", "moof b");
  put (lib, "c.m4s", "moof c");
  put (lib, "film.mp4", "film");
  before = snap (dir);

  {
    g_autofree char *playlist = g_build_filename (enc, "index.m3u8", NULL);
    g_autoptr(VsTrash) trash = trash_item (playlist, NULL);
    g_autofree char *entries = entries_of (trash, dir);

    g_assert_true (vs_trash_get_is_hls (trash));
    g_assert_true (vs_trash_get_takes_folder (trash));
    g_assert_cmpstr (entries, ==, "enc");
    run_ok (trash);
    restore_ok (trash, before, dir, home_trash);
  }
  {
    g_autofree char *playlist = g_build_filename (lib, "index.m3u8", NULL);
    const char *roots[] = { lib, NULL };
    g_autoptr(VsTrash) trash = trash_item (playlist, roots);
    g_autofree char *entries = entries_of (trash, dir);
    const char *want = "lib/a.m4s lib/b.m4s lib/c.m4s lib/index.m3u8 lib/init1.mp4 "
                       "lib/init2.mp4 lib/key1.bin lib/key2.bin";

    g_assert_false (vs_trash_get_takes_folder (trash));
    g_assert_cmpstr (entries, ==, want);
    run_ok (trash);
    assert_diff (before, dir, "-lib/a.m4s", "-lib/b.m4s", "-lib/c.m4s", "-lib/index.m3u8",
                 "-lib/init1.mp4", "-lib/init2.mp4", "-lib/key1.bin", "-lib/key2.bin");
    assert_trash (home_trash, dir, before, want);
    restore_ok (trash, before, dir, home_trash);
  }
  vs_test_rm_rf (dir);
}

static void
test_fmp4_and_master (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *fm = g_build_filename (dir, "fm", NULL);
  g_autofree char *ms = g_build_filename (dir, "ms", NULL);
  g_autofree char *alone = g_build_filename (dir, "alone", NULL);
  const char *master_text =
    "#EXTM3U\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=2800000,RESOLUTION=1280x720\n720p/index.m3u8\n";
  g_autoptr(GHashTable) before = NULL;

  reset_trash ();
  /* fMP4: the init section and the segments; c.m4s is also other.m3u8's */
  put (fm, "index.m3u8",
       "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI=\"init.mp4\"\n"
       "#EXTINF:4.0,\na.m4s\n#EXTINF:4.0,\nb.m4s\n#EXTINF:4.0,\nc.m4s\n#EXT-X-ENDLIST\n");
  put (fm, "init.mp4", "ftyp moov");
  put (fm, "a.m4s", "moof a");
  put (fm, "b.m4s", "moof b");
  put (fm, "c.m4s", "moof c");
  put (fm, "other.m3u8",
       "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nc.m4s\n#EXT-X-ENDLIST\n");
  /* a master with two variants in subfolders, beside notes */
  put (ms, "master.m3u8", master_text);
  put_hls (ms, "360p/index.m3u8", "seg00000.ts", "seg00001.ts", NULL);
  put_hls (ms, "720p/index.m3u8", "seg00000.ts", "seg00001.ts", NULL);
  put (ms, "notes.txt", "notes");
  /* the same master alone in its folder */
  put (alone, "master.m3u8", master_text);
  put_hls (alone, "360p/index.m3u8", "seg00000.ts", NULL);
  put_hls (alone, "720p/index.m3u8", "seg00000.ts", NULL);
  before = snap (dir);

  {
    g_autofree char *playlist = g_build_filename (fm, "index.m3u8", NULL);
    g_autoptr(VsTrash) trash = trash_item (playlist, NULL);
    g_autofree char *entries = entries_of (trash, dir);

    g_assert_true (vs_trash_get_is_hls (trash));
    g_assert_false (vs_trash_get_takes_folder (trash));
    g_assert_cmpstr (entries, ==, "fm/a.m4s fm/b.m4s fm/index.m3u8 fm/init.mp4");
    run_ok (trash);
    assert_diff (before, dir, "-fm/a.m4s", "-fm/b.m4s", "-fm/index.m3u8", "-fm/init.mp4");
    assert_trash (home_trash, dir, before, "fm/a.m4s fm/b.m4s fm/index.m3u8 fm/init.mp4");
    restore_ok (trash, before, dir, home_trash);
  }
  {
    g_autofree char *playlist = g_build_filename (ms, "master.m3u8", NULL);
    g_autoptr(VsTrash) trash = trash_item (playlist, NULL);
    g_autofree char *entries = entries_of (trash, dir);
    const char *want = "ms/360p/index.m3u8 ms/360p/seg00000.ts ms/360p/seg00001.ts "
                       "ms/720p/index.m3u8 ms/720p/seg00000.ts ms/720p/seg00001.ts "
                       "ms/master.m3u8";

    g_assert_true (vs_trash_get_is_hls (trash));
    g_assert_false (vs_trash_get_takes_folder (trash));
    g_assert_cmpstr (vs_trash_get_entry (trash, 0), ==, playlist);
    g_assert_cmpstr (entries, ==, want);
    run_ok (trash);
    /* the variant folders stay (empty), and so do the notes */
    assert_diff (before, dir, "-ms/360p/index.m3u8", "-ms/360p/seg00000.ts",
                 "-ms/360p/seg00001.ts", "-ms/720p/index.m3u8", "-ms/720p/seg00000.ts",
                 "-ms/720p/seg00001.ts", "-ms/master.m3u8");
    assert_trash (home_trash, dir, before, want);
    restore_ok (trash, before, dir, home_trash);
  }
  {
    g_autoptr(VsTrash) trash = trash_item (alone, NULL);

    g_assert_true (vs_trash_get_takes_folder (trash));
    g_assert_cmpuint (vs_trash_get_n_entries (trash), ==, 1);
    run_ok (trash);
    assert_diff (before, dir, "-alone", "-alone/master.m3u8", "-alone/360p",
                 "-alone/360p/index.m3u8", "-alone/360p/seg00000.ts", "-alone/720p",
                 "-alone/720p/index.m3u8", "-alone/720p/seg00000.ts");
    assert_trash (home_trash, dir, before, "alone");
    restore_ok (trash, before, dir, home_trash);
  }
  vs_test_rm_rf (dir);
}

/* 5. A radio playlist ------------------------------------------------------------------- */

static void
test_radio (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *radio = g_build_filename (dir, "radio", NULL);
  g_autofree char *lonely = g_build_filename (dir, "lonely", NULL);
  const char *text = "#EXTM3U\n#EXTINF:-1,Radio\nhttp://radio.example.com/stream.ts\n"
                     "#EXTINF:10,\nhttps://cdn.example.com/a.ts\n";
  g_autoptr(GHashTable) before = NULL;

  reset_trash ();
  put (radio, "radio.m3u8", text);
  put (radio, "stream.ts", "looks like the stream");
  put (radio, "a.ts", "looks like a segment");
  put (radio, "seg00000.ts", "a segment nobody names");
  put (lonely, "radio.m3u8", text);
  before = snap (dir);

  for (guint named_by_folder = 0; named_by_folder < 2; named_by_folder++)
    {
      g_autofree char *playlist = g_build_filename (radio, "radio.m3u8", NULL);
      g_autoptr(VsTrash) trash = trash_item (named_by_folder ? radio : playlist, NULL);
      g_autofree char *entries = entries_of (trash, dir);

      g_assert_false (vs_trash_get_is_hls (trash));
      g_assert_false (vs_trash_get_takes_folder (trash));
      g_assert_cmpstr (entries, ==, "radio/radio.m3u8");
      run_ok (trash);
      assert_diff (before, dir, "-radio/radio.m3u8");
      assert_trash (home_trash, dir, before, "radio/radio.m3u8");
      restore_ok (trash, before, dir, home_trash);
    }
  /* alone in its folder, still only the file: it is not a download */
  {
    g_autofree char *playlist = g_build_filename (lonely, "radio.m3u8", NULL);
    g_autoptr(VsTrash) trash = trash_item (playlist, NULL);

    g_assert_false (vs_trash_get_is_hls (trash));
    g_assert_false (vs_trash_get_takes_folder (trash));
    run_ok (trash);
    assert_diff (before, dir, "-lonely/radio.m3u8");
    assert_trash (home_trash, dir, before, "lonely/radio.m3u8");
    restore_ok (trash, before, dir, home_trash);
  }
  vs_test_rm_rf (dir);
}

/* 6. Changes between the inventory and the move ------------------------------------- */

typedef enum { NEW_FILE, GROWN, TOUCHED, REPLACED } Change;

static void
make_change (const char *folder,
             Change      change)
{
  g_autofree char *seg = g_build_filename (folder, "seg00001.ts", NULL);

  switch (change)
    {
    case NEW_FILE:
      put (folder, "late.ts", "written meanwhile");
      break;
    case GROWN:
      {
        int fd = open (seg, O_WRONLY | O_APPEND);

        g_assert_cmpint (fd, >=, 0);
        g_assert_cmpint (write (fd, "x", 1), ==, 1);
        close (fd);
      }
      break;
    case TOUCHED:
      {
        struct timespec times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

        g_assert_cmpint (utimensat (AT_FDCWD, seg, times, 0), ==, 0);
      }
      break;
    case REPLACED:
      {
        g_autofree char *data = NULL;
        g_autofree char *temp = g_build_filename (folder, ".replacement", NULL);
        struct stat st;
        struct timespec times[2];

        g_assert_true (g_file_get_contents (seg, &data, NULL, NULL));
        g_assert_cmpint (stat (seg, &st), ==, 0);
        vs_test_write_file (temp, data, -1);
        /* same bytes, same times: only the inode tells */
        times[0] = st.st_atim;
        times[1] = st.st_mtim;
        g_assert_cmpint (utimensat (AT_FDCWD, temp, times, 0), ==, 0);
        g_assert_cmpint (g_rename (temp, seg), ==, 0);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_changed (void)
{
  const Change changes[] = { NEW_FILE, GROWN, TOUCHED, REPLACED };

  reset_trash ();
  for (guint with_notes = 0; with_notes < 2; with_notes++)
    for (guint c = 0; c < G_N_ELEMENTS (changes); c++)
      {
        g_autofree char *dir = vs_test_make_tmpdir ();
        g_autofree char *dl = g_build_filename (dir, "dl", NULL);
        g_autofree char *playlist = g_build_filename (dl, "index.m3u8", NULL);
        g_autoptr(VsTrash) trash = NULL;
        g_autoptr(GHashTable) changed = NULL;
        g_autoptr(GError) error = NULL;

        /* a new unrelated file beside a per-file item does not concern it */
        if (with_notes && changes[c] == NEW_FILE)
          continue;
        g_test_message ("change %u, %s", changes[c], with_notes ? "per file" : "folder");
        put_hls (dl, "index.m3u8", "seg00000.ts", "seg00001.ts", "seg00002.ts", NULL);
        if (with_notes)
          put (dl, "notes.txt", "notes");
        trash = trash_item (playlist, NULL);
        g_assert_true (vs_trash_get_takes_folder (trash) == !with_notes);

        make_change (dl, changes[c]);
        changed = snap (dir);
        g_assert_false (vs_trash_run (trash, NULL, &error));
        g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_CHANGED);
        g_test_message ("%s", error->message);
        for (guint i = 0; i < vs_trash_get_n_entries (trash); i++)
          g_assert_null (vs_trash_get_trashed_path (trash, i));
        assert_diff (changed, dir);
        assert_trash (home_trash, dir, changed, "");
        vs_test_rm_rf (dir);
      }
}

/* 7. Symbolic links --------------------------------------------------------------------- */

static void
test_symlinks (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *show = g_build_filename (lib, "show", NULL);
  g_autofree char *shared = g_build_filename (lib, "shared", NULL);
  g_autofree char *lib_link = g_build_filename (dir, "liblink", NULL);
  g_autofree char *show_link = g_build_filename (dir, "showlink", NULL);
  g_autofree char *alias_mp4 = g_build_filename (lib, "alias.mp4", NULL);
  g_autofree char *alias_m3u8 = g_build_filename (lib, "alias.m3u8", NULL);
  const char *roots[] = { lib, NULL };
  g_autoptr(GHashTable) before = NULL;

  reset_trash ();
  put_hls (show, "index.m3u8", "seg00000.ts", "seg00001.ts", NULL);
  put_hls (shared, "index.m3u8", "seg00000.ts", NULL);
  put (shared, "notes.txt", "notes");
  put (lib, "real.mp4", "the real video");
  g_assert_cmpint (symlink ("real.mp4", alias_mp4), ==, 0);
  g_assert_cmpint (symlink ("show/index.m3u8", alias_m3u8), ==, 0);
  g_assert_cmpint (symlink (lib, lib_link), ==, 0);
  g_assert_cmpint (symlink (show, show_link), ==, 0);
  before = snap (dir);

  /* through a link to the library, or to the download's folder: the same folder goes, the
   * links stay */
  {
    g_autofree char *via_lib = g_build_filename (lib_link, "show", "index.m3u8", NULL);
    g_autofree char *via_show = g_build_filename (show_link, "index.m3u8", NULL);
    const char *paths[] = { via_lib, via_show };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autoptr(VsTrash) trash = trash_item (paths[i], roots);

        g_test_message ("through %s", paths[i]);
        g_assert_true (vs_trash_get_takes_folder (trash));
        g_assert_cmpuint (vs_trash_get_n_entries (trash), ==, 1);
        same_inode (vs_trash_get_entry (trash, 0), show);
        run_ok (trash);
        assert_diff (before, dir, "-lib/show", "-lib/show/index.m3u8",
                     "-lib/show/seg00000.ts", "-lib/show/seg00001.ts");
        assert_trash (home_trash, dir, before, "lib/show");
        restore_ok (trash, before, dir, home_trash);
      }
  }
  /* per file through the link to the library: the real files */
  {
    g_autofree char *via_lib = g_build_filename (lib_link, "shared", "index.m3u8", NULL);
    g_autoptr(VsTrash) trash = trash_item (via_lib, roots);

    g_assert_false (vs_trash_get_takes_folder (trash));
    g_assert_cmpuint (vs_trash_get_n_entries (trash), ==, 2);
    run_ok (trash);
    assert_diff (before, dir, "-lib/shared/index.m3u8", "-lib/shared/seg00000.ts");
    assert_trash (home_trash, dir, before, "lib/shared/index.m3u8 lib/shared/seg00000.ts");
    restore_ok (trash, before, dir, home_trash);
  }
  /* a symlink that is the item goes alone: to a video, to a playlist, to a folder */
  {
    const char *items[] = { alias_mp4, alias_m3u8, show_link };
    const char *rels[] = { "lib/alias.mp4", "lib/alias.m3u8", "showlink" };

    for (guint i = 0; i < G_N_ELEMENTS (items); i++)
      {
        g_autoptr(VsTrash) trash = trash_item (items[i], roots);
        g_autofree char *minus = g_strconcat ("-", rels[i], NULL);

        g_assert_false (vs_trash_get_is_hls (trash));
        g_assert_false (vs_trash_get_takes_folder (trash));
        g_assert_cmpuint (vs_trash_get_n_entries (trash), ==, 1);
        g_assert_cmpstr (vs_trash_get_entry (trash, 0), ==, items[i]);
        run_ok (trash);
        assert_diff (before, dir, minus);
        assert_trash (home_trash, dir, before, rels[i]);
        restore_ok (trash, before, dir, home_trash);
      }
  }
  vs_test_rm_rf (dir);
}

/* 8. Protected folders --------------------------------------------------------------- */

/* An HLS download alone in @folder, which is protected: only the files go. */
static void
assert_files_only (const char *folder,
                   const char *trash_base,
                   const char *skip)
{
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(VsTrash) trash = NULL;
  g_autoptr(VsTrash) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *entries = NULL;

  put_hls (folder, "index.m3u8", "seg00000.ts", "seg00001.ts", NULL);
  before = snap_skip (folder, skip);
  g_assert_true (vs_trash_is_protected (folder, NULL));

  trash = trash_item (playlist, NULL);
  g_assert_true (vs_trash_get_is_hls (trash));
  g_assert_false (vs_trash_get_takes_folder (trash));
  entries = entries_of (trash, folder);
  g_assert_cmpstr (entries, ==, "index.m3u8 seg00000.ts seg00001.ts");
  run_ok (trash);
  {
    g_autoptr(GHashTable) after = snap_skip (folder, skip);
    g_autofree char *diff = snap_diff (before, after);

    g_assert_cmpstr (diff, ==, "-index.m3u8 -seg00000.ts -seg00001.ts");
  }
  assert_trash (trash_base, folder, before, "index.m3u8 seg00000.ts seg00001.ts");
  g_assert_true (vs_trash_restore (trash, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GHashTable) after = snap_skip (folder, skip);
    g_autofree char *diff = snap_diff (before, after);

    g_assert_cmpstr (diff, ==, "");
  }
  assert_trash (trash_base, folder, before, "");

  /* the folder named as the item, or as a folder to remove: refused */
  refused = vs_trash_new_for_item (folder, NULL, NULL, &error);
  g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_PROTECTED);
  g_clear_error (&error);
  refused = vs_trash_new_for_folder (folder, NULL, NULL, &error);
  g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_PROTECTED);
  {
    g_autoptr(GHashTable) after = snap_skip (folder, skip);
    g_autofree char *diff = snap_diff (before, after);

    g_assert_cmpstr (diff, ==, "");
  }
}

static void
test_protected_home (void)
{
  g_autofree char *videos = g_build_filename (home_dir, "Videos", NULL);
  g_autofree char *above = g_path_get_dirname (home_dir);

  /* GLib reads $HOME (and the user dirs) once, at the first call: main() set them first */
  g_assert_cmpstr (g_get_home_dir (), ==, home_dir);
  g_assert_cmpstr (g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS), ==, videos);
  reset_trash ();
  g_assert_true (vs_trash_is_protected (above, NULL));
  assert_files_only (home_dir, home_trash, NULL);
  vs_test_rm_rf (home_dir);
  g_assert_cmpint (g_mkdir (home_dir, 0700), ==, 0);

  /* an XDG user folder, and a folder holding one */
  g_assert_cmpint (g_mkdir (videos, 0700), ==, 0);
  assert_files_only (videos, home_trash, NULL);
  vs_test_rm_rf (videos);
}

static void
test_protected_roots (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *above = g_build_filename (dir, "a", NULL);
  g_autofree char *lib = g_build_filename (above, "lib", NULL);
  g_autofree char *show = g_build_filename (lib, "show", NULL);
  g_autofree char *sym = g_build_filename (dir, "link", NULL);
  const char *roots[] = { lib, NULL };

  g_assert_cmpint (g_mkdir_with_parents (show, 0755), ==, 0);
  g_assert_cmpint (symlink (lib, sym), ==, 0);
  g_assert_true (vs_trash_is_protected (lib, roots));
  g_assert_true (vs_trash_is_protected (sym, roots));
  g_assert_true (vs_trash_is_protected (above, roots));
  g_assert_true (vs_trash_is_protected (dir, roots));
  g_assert_false (vs_trash_is_protected (show, roots));
  g_assert_false (vs_trash_is_protected (lib, NULL));
  g_assert_true (vs_trash_is_protected ("/", NULL));
  vs_test_rm_rf (dir);
}

static void
test_protected_mount (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *mnt = g_build_filename (dir, "mnt", NULL);
  g_autofree char *uid = g_strdup_printf (".Trash-%u", (guint) getuid ());
  g_autofree char *disk_trash = g_build_filename (mnt, uid, NULL);
  struct stat mnt_st, dir_st;

  g_assert_cmpint (g_mkdir (mnt, 0755), ==, 0);
  /* In a mount namespace of the test's own, private to it: the tmpfs goes with the
   * process even when an assertion aborts it, and nobody else ever sees it. */
  if (unshare (CLONE_NEWNS) != 0 ||
      mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
      mount ("vidshelf-test", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755") != 0)
    {
      g_autofree char *reason = g_strdup_printf ("mounting a tmpfs is not permitted here: %s",
                                                 g_strerror (errno));

      g_test_skip (reason);
      vs_test_rm_rf (dir);
      return;
    }
  g_assert_cmpint (stat (mnt, &mnt_st), ==, 0);
  g_assert_cmpint (stat (dir, &dir_st), ==, 0);
  g_assert_true (mnt_st.st_dev != dir_st.st_dev);
  reset_trash ();

  assert_files_only (mnt, disk_trash, uid);
  /* on that disk's own trash, never across devices */
  {
    g_autofree char *files = g_build_filename (disk_trash, "files", NULL);
    struct stat st;

    g_assert_cmpint (stat (files, &st), ==, 0);
    g_assert_true (st.st_dev == mnt_st.st_dev);
  }
  assert_trash (home_trash, mnt, NULL, "");

  g_assert_cmpint (umount2 (mnt, MNT_DETACH), ==, 0);
  vs_test_rm_rf (dir);
}

/* 9. Outputs ------------------------------------------------------------------------- */

static void
test_check_output (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *input = g_build_filename (dir, "input.mp4", NULL);
  g_autofree char *other = g_build_filename (dir, "other.mp4", NULL);
  g_autofree char *sym = g_build_filename (dir, "link.mp4", NULL);
  g_autofree char *hard = g_build_filename (dir, "hard.mp4", NULL);
  g_autofree char *dotted = g_build_filename (dir, ".", "sub", "..", "input.mp4", NULL);
  g_autofree char *fresh = g_build_filename (dir, "fresh.mp4", NULL);
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  const char *inputs[] = { input, NULL };
  const char *link_inputs[] = { sym, NULL };
  g_autoptr(GHashTable) before = NULL;

  put (dir, "input.mp4", "the input");
  put (dir, "other.mp4", "another file");
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (symlink ("input.mp4", sym), ==, 0);
  g_assert_cmpint (link (input, hard), ==, 0);
  before = snap (dir);

  {
    const char *outputs[] = { input, sym, dotted, hard, "./sub/../input.mp4" };

    g_assert_cmpint (g_chdir (dir), ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
      for (guint force = 0; force < 2; force++)
        {
          g_autoptr(GError) error = NULL;

          g_test_message ("output %s, force %u", outputs[i], force);
          g_assert_false (vs_trash_check_output (outputs[i], inputs, force, &error));
          g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_IS_INPUT);
        }
    g_assert_cmpint (g_chdir (cwd), ==, 0);
  }
  /* the input named through a link, the output by its real name */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (vs_trash_check_output (input, link_inputs, TRUE, &error));
    g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_IS_INPUT);
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (vs_trash_check_output (other, inputs, FALSE, &error));
    g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_EXISTS);
    g_clear_error (&error);
    g_assert_true (vs_trash_check_output (other, inputs, TRUE, &error));
    g_assert_no_error (error);
    g_assert_true (vs_trash_check_output (fresh, inputs, FALSE, &error));
    g_assert_no_error (error);
  }
  assert_diff (before, dir);
  vs_test_rm_rf (dir);
}

/* 10. Restore over something new ---------------------------------------------------- */

static void
test_restore_exists (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *dl = g_build_filename (dir, "dl", NULL);
  g_autofree char *playlist = g_build_filename (dl, "index.m3u8", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) with_new = NULL;
  g_autoptr(VsTrash) trash = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *new_sum = NULL;
  g_autofree char *trashed = NULL;

  reset_trash ();
  put_hls (dl, "index.m3u8", "seg00000.ts", "seg00001.ts", NULL);
  put (dl, "notes.txt", "notes");
  before = snap (dir);
  trash = trash_item (playlist, NULL);
  g_assert_false (vs_trash_get_takes_folder (trash));
  run_ok (trash);
  g_assert_cmpstr (vs_trash_get_entry (trash, 0), ==, playlist);
  trashed = g_strdup (vs_trash_get_trashed_path (trash, 0));

  /* a new playlist at the old place */
  put (dl, "index.m3u8", "#EXTM3U\n# a new download\n");
  new_sum = vs_test_file_checksum (playlist);
  with_new = snap (dir);
  g_assert_false (vs_trash_restore (trash, NULL, &error));
  g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_EXISTS);
  g_test_message ("%s", error->message);
  /* the segments came back; the new file is untouched; the old one is still trashed */
  {
    g_autoptr(GHashTable) after = snap (dir);
    g_autofree char *diff = snap_diff (with_new, after);

    g_assert_cmpstr (diff, ==, "+dl/seg00000.ts +dl/seg00001.ts");
    g_assert_cmpstr (g_hash_table_lookup (after, "dl/seg00000.ts"), ==,
                     g_hash_table_lookup (before, "dl/seg00000.ts"));
    g_assert_cmpstr (g_hash_table_lookup (after, "dl/seg00001.ts"), ==,
                     g_hash_table_lookup (before, "dl/seg00001.ts"));
  }
  {
    g_autofree char *sum = vs_test_file_checksum (playlist);

    g_assert_cmpstr (sum, ==, new_sum);
  }
  assert_trash (home_trash, dir, before, "dl/index.m3u8");
  g_assert_cmpstr (vs_trash_get_trashed_path (trash, 0), ==, trashed);

  /* once the new file is gone, undo finishes */
  g_clear_error (&error);
  g_assert_cmpint (g_unlink (playlist), ==, 0);
  restore_ok (trash, before, dir, home_trash);
  vs_test_rm_rf (dir);
}

/* The async pair, as the window calls it: the same moves, from a worker thread. */
static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *dl = g_build_filename (dir, "dl", NULL);
  g_autofree char *playlist = g_build_filename (dl, "index.m3u8", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(VsTrash) trash = NULL;
  g_autoptr(GAsyncResult) ran = NULL;
  g_autoptr(GAsyncResult) restored = NULL;
  g_autoptr(GError) error = NULL;

  reset_trash ();
  put_hls (dl, "index.m3u8", "seg00000.ts", "seg00001.ts", NULL);
  put (dl, "notes.txt", "notes");
  before = snap (dir);
  trash = trash_item (playlist, NULL);
  vs_trash_run_async (trash, NULL, on_done, &ran);
  while (ran == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (vs_trash_run_finish (trash, ran, &error));
  g_assert_no_error (error);
  assert_diff (before, dir, "-dl/index.m3u8", "-dl/seg00000.ts", "-dl/seg00001.ts");
  assert_trash (home_trash, dir, before, "dl/index.m3u8 dl/seg00000.ts dl/seg00001.ts");
  vs_trash_restore_async (trash, NULL, on_done, &restored);
  while (restored == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (vs_trash_restore_finish (trash, restored, &error));
  g_assert_no_error (error);
  assert_diff (before, dir);
  assert_trash (home_trash, dir, before, "");
  vs_test_rm_rf (dir);
}

/* 11. The CLI -------------------------------------------------------------------------- */

static void
cli_refused (const char *db,
             const char *path,
             GHashTable *before,
             const char *root)
{
  g_auto(VsTestRun) r = { 0 };
  const char *args[] = { "trash", "--db", db, path, NULL };

  vs_test_cli (&r, args, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_true (g_str_has_prefix (r.err, "vidshelf-cli: "));
  /* one line, no control character */
  g_assert_true (g_str_has_suffix (r.err, "\n"));
  g_assert_cmpint (strchr (r.err, '\n') - r.err, ==, strlen (r.err) - 1);
  g_assert_null (strchr (r.err, '\x1b'));
  assert_diff (before, root);
  assert_trash (home_trash, root, before, "");
}

static void
test_cli (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *db = g_build_filename (dir, "db", "library.db", NULL);
  g_autofree char *dl = g_build_filename (lib, "dl", NULL);
  g_autofree char *playlist = g_build_filename (dl, "index.m3u8", NULL);
  g_autofree char *docs = g_build_filename (lib, "docs", NULL);
  g_autofree char *odd = g_build_filename (lib, "odd\nname", NULL);
  g_autofree char *odd_esc = g_build_filename (lib, "odd\x1b[31mname", NULL);
  g_autoptr(GHashTable) before = NULL;

  reset_trash ();
  make_root_library (lib);
  put_hls (dl, "index.m3u8", "seg00000.ts", "seg00001.ts", NULL);
  put (docs, "notes.txt", "not media");
  put (odd, "notes.txt", "not media either");
  put (odd_esc, "notes.txt", "nor this");
  {
    g_autofree char *db_dir = g_path_get_dirname (db);

    g_assert_cmpint (g_mkdir (db_dir, 0755), ==, 0);
  }
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "scan", "--no-probe", "--db", db, lib, NULL };

    vs_test_cli (&r, args, NULL);
    g_assert_cmpint (r.status, ==, 0);
  }
  before = snap (lib);

  /* refusals: a library root (which holds one playlist), a folder without media, names
   * that would drive the terminal */
  cli_refused (db, lib, before, lib);
  cli_refused (db, docs, before, lib);
  cli_refused (db, odd, before, lib);
  cli_refused (db, odd_esc, before, lib);
  {
    g_autofree char *gone = g_build_filename (lib, "gone\n\x1b[2Jnow.mp4", NULL);

    cli_refused (db, gone, before, lib);
  }

  /* the download, with --json: what moved where */
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "trash", "--db", db, "--json", playlist, NULL };
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *trashed = g_build_filename (home_trash, "files", "dl", NULL);
    JsonObject *o;
    JsonArray *moved;
    JsonObject *m;

    vs_test_cli (&r, args, NULL);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_cmpint (r.status, ==, 0);
    /* one JSON line */
    g_assert_true (g_str_has_suffix (r.out, "}\n"));
    g_assert_true (strchr (r.out, '\n') == r.out + strlen (r.out) - 1);
    json_parser_load_from_data (parser, r.out, -1, &error);
    g_assert_no_error (error);
    o = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpstr (json_object_get_string_member (o, "path"), ==, playlist);
    g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "hls");
    g_assert_true (json_object_get_boolean_member (o, "folder"));
    moved = json_object_get_array_member (o, "moved");
    g_assert_cmpuint (json_array_get_length (moved), ==, 1);
    m = json_array_get_object_element (moved, 0);
    g_assert_cmpstr (json_object_get_string_member (m, "from"), ==, dl);
    g_assert_cmpstr (json_object_get_string_member (m, "to"), ==, trashed);
    assert_diff (before, lib, "-dl", "-dl/index.m3u8", "-dl/seg00000.ts", "-dl/seg00001.ts");
    assert_trash (home_trash, lib, before, "dl");
  }
  {
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "list", "--db", db, "--json", NULL };
    g_auto(GStrv) lines = NULL;
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *got = NULL;

    vs_test_cli (&r, args, NULL);
    g_assert_cmpint (r.status, ==, 0);
    lines = g_strsplit (r.out, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        const char *path;

        if (lines[i][0] == '\0')
          continue;
        g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
        path = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                              "path");
        g_assert_true (g_str_has_prefix (path, lib));
        g_ptr_array_add (paths, g_strdup (path + strlen (lib) + 1));
      }
    got = join_sorted (paths);
    g_assert_cmpstr (got, ==, "a.mp4 b.mkv extra.ts other/index.m3u8 show.m3u8 sub/c.mp4");
  }
  reset_trash ();

  /* names with a newline or an escape print escaped, one line each */
  {
    g_autofree char *nl = g_build_filename (dir, "a\nb.mp4", NULL);
    g_autofree char *esc = g_build_filename (dir, "c\x1b[31md.mp4", NULL);
    g_auto(VsTestRun) r = { 0 };
    const char *args[] = { "trash", "--db", db, nl, esc, NULL };
    g_autofree char *want = g_strdup_printf ("%s/a\\x0ab.mp4 -> %s/files/a\\x0ab.mp4\n"
                                             "%s/c\\x1b[31md.mp4 -> %s/files/c\\x1b[31md.mp4\n",
                                             dir, home_trash, dir, home_trash);

    vs_test_write_file (nl, "video", -1);
    vs_test_write_file (esc, "video", -1);
    vs_test_cli (&r, args, NULL);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.out, ==, want);
    g_assert_false (g_file_test (nl, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (esc, G_FILE_TEST_EXISTS));
  }
  reset_trash ();
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *base = vs_test_make_tmpdir ();
  g_autofree char *config_home = g_build_filename (base, "config", NULL);
  g_autofree char *user_dirs = g_build_filename (config_home, "user-dirs.dirs", NULL);
  g_autofree char *cache_home = g_build_filename (base, "cache", NULL);
  int status;

  /* Not G_TEST_OPTION_ISOLATE_DIRS (it empties XDG_DATA_DIRS, where the scanner's content
   * types come from). A private home that holds nothing (the trash, the configuration
   * and the cache live beside it, on the same disk), set before GLib reads it once. */
  home_dir = g_build_filename (base, "home", NULL);
  data_home = g_build_filename (base, "data", NULL);
  home_trash = g_build_filename (data_home, "Trash", NULL);
  g_assert_cmpint (g_mkdir (home_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (data_home, 0700), ==, 0);
  g_setenv ("HOME", home_dir, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  vs_test_write_file (user_dirs, "XDG_VIDEOS_DIR=\"$HOME/Videos\"\n", -1);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trash/root-playlist", test_root_playlist);
  g_test_add_func ("/trash/own-folder", test_own_folder);
  g_test_add_func ("/trash/unrelated-file", test_unrelated_file);
  g_test_add_func ("/trash/escaping", test_escaping);
  g_test_add_func ("/trash/fmp4-and-master", test_fmp4_and_master);
  g_test_add_func ("/trash/keys-and-maps", test_keys_and_maps);
  g_test_add_func ("/trash/radio", test_radio);
  g_test_add_func ("/trash/changed", test_changed);
  g_test_add_func ("/trash/symlinks", test_symlinks);
  g_test_add_func ("/trash/protected/home", test_protected_home);
  g_test_add_func ("/trash/protected/roots", test_protected_roots);
  g_test_add_func ("/trash/protected/mount", test_protected_mount);
  g_test_add_func ("/trash/check-output", test_check_output);
  g_test_add_func ("/trash/restore-exists", test_restore_exists);
  g_test_add_func ("/trash/async", test_async);
  g_test_add_func ("/trash/cli", test_cli);

  status = g_test_run ();
  vs_test_rm_rf (base);
  g_free (home_dir);
  g_free (data_home);
  g_free (home_trash);
  return status;
}
