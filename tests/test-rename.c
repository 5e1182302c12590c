/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-rename.c: renaming through the guarded module (vs_trash_rename()) and the library
 *
 * Every core case snapshots the whole test folder (kind, inode, size, mtime and SHA-256
 * of each entry) before and after, and asserts that the only difference is the renamed
 * paths, each with the very same description (same inode, same bytes), or nothing at all
 * for a refusal. The library case checks that the row keeps its id and facts, the
 * playback position and the thumbnail follow, no thumbnail is made again and the running
 * watcher neither drops nor doubles the item. */
#define _GNU_SOURCE

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "vs-database.h"
#include "vs-media-service.h"
#include "vs-test-library.h"
#include "vs-test-media.h"
#include "vs-filmstrip.h"
#include "vs-test-utils.h"
#include "vs-thumbnailer.h"
#include "vs-trash.h"
#include "vs-trash-private.h"
#include "vs-video.h"
#include "vs-library-watcher.h"

#define WAIT_SECONDS 120

/* Snapshots ------------------------------------------------------------------------ */

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
  if (S_ISLNK (st.st_mode))
    {
      g_autofree char *target = g_file_read_link (path, NULL);

      return g_strdup_printf ("link ino=%" G_GUINT64_FORMAT " -> %s", (guint64) st.st_ino,
                              target);
    }
  return g_strdup_printf ("%s ino=%" G_GUINT64_FORMAT, S_ISDIR (st.st_mode) ? "dir" : "other",
                          (guint64) st.st_ino);
}

static void
snap_walk (GHashTable *table,
           const char *path,
           const char *rel)
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
      g_autofree char *child_rel = strcmp (rel, ".") == 0 ? g_strdup (name)
                                                          : g_build_filename (rel, name, NULL);

      snap_walk (table, child, child_rel);
    }
}

static GHashTable *
snap (const char *root)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  snap_walk (table, root, ".");
  return table;
}

/* The snapshot @before would be after renaming the entries @renames ("old", "new", …,
 * NULL; relative; an old folder's entries follow it). */
static GHashTable *
renamed (GHashTable *before,
         va_list     args)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;
  const char *s;

  while ((s = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (pairs, (gpointer) s);
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      char *name = g_strdup (key);

      for (guint i = 0; i + 1 < pairs->len; i += 2)
        {
          const char *from = g_ptr_array_index (pairs, i);
          gsize len = strlen (from);

          if (strncmp (name, from, len) == 0 && (name[len] == '\0' || name[len] == '/'))
            {
              char *moved = g_strconcat (g_ptr_array_index (pairs, i + 1), name + len, NULL);

              g_free (name);
              name = moved;
              break;
            }
        }
      g_hash_table_insert (table, name, g_strdup (value));
    }
  return table;
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static char *
table_text (GHashTable *table)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (lines, g_strdup_printf ("%s: %s", (char *) key, (char *) value));
  g_ptr_array_sort (lines, compare_lines);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

/* The folder @root is @before but for the renames given ("old", "new", …, NULL). */
static void
assert_renamed (GHashTable *before,
                const char *root,
                ...)
{
  g_autoptr(GHashTable) want = NULL;
  g_autoptr(GHashTable) now = snap (root);
  g_autofree char *want_text = NULL;
  g_autofree char *now_text = NULL;
  va_list args;

  va_start (args, root);
  want = renamed (before, args);
  va_end (args);
  /* the folders' own descriptions hold no times: a rename inside changes nothing there */
  want_text = table_text (want);
  now_text = table_text (now);
  g_assert_cmpstr (now_text, ==, want_text);
}

/* Refusals -------------------------------------------------------------------------- */

static void
assert_refused (const char          *dir,
                const char          *item,
                const char          *name,
                const char * const  *roots,
                int                  code,
                const char          *message_part)
{
  g_autoptr(GHashTable) before = snap (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_assert_false (vs_trash_rename (item, name, roots, &from, &to, NULL, &error));
  g_assert_error (error, VS_TRASH_ERROR, code);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message_part);
  g_assert_null (from);
  g_assert_null (to);
  assert_renamed (before, dir, NULL);
}

static void
test_check_name (void)
{
  g_autofree char *long_name = g_strnfill (256, 'a');
  g_autofree char *max_name = g_strnfill (255, 'a');
  g_autoptr(GError) error = NULL;
  static const struct
  {
    const char *name;
    gssize      length;
    const char *says;
  } bad[] = {
    { "", -1, "empty" },
    { "   ", -1, "only spaces" },
    { "\t\u3000 ", -1, "only spaces" },
    { ".", -1, "“.” and “..”" },
    { "..", -1, "“.” and “..”" },
    { "a/b.mp4", -1, "“/”" },
    { "/", -1, "“/”" },
    { "a\0b.mp4", 7, "NUL" },
    { "\xff\xfe.mp4", -1, "encoding" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_clear_error (&error);
      g_assert_false (vs_trash_check_name (bad[i].name, bad[i].length, &error));
      g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_INVALID_NAME);
      if (strstr (error->message, bad[i].says) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, bad[i].says);
    }
  g_clear_error (&error);
  g_assert_false (vs_trash_check_name (long_name, -1, &error));
  g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_INVALID_NAME);
  g_assert_true (vs_trash_check_name (max_name, -1, NULL));
  g_assert_true (vs_trash_check_name (" a .mp4", -1, NULL));
  g_assert_true (vs_trash_check_name ("...", -1, NULL));
  g_assert_true (vs_trash_check_name (".hidden", -1, NULL));
  g_assert_true (vs_trash_check_name ("Café – 東京.mkv", -1, NULL));
  g_assert_true (vs_trash_check_name ("a\nb.mp4", -1, NULL));
}

static void
test_file (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *video = g_build_filename (dir, "Holiday.mp4", NULL);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GError) error = NULL;
  const char *files[] = { "Holiday.mp4", "Holiday.srt", "Holiday.de.vtt", "Holiday.fr.forced.SRT",
                          "Holiday.txt", "Holiday.en.mp4", "Holiday.en.srt", "Other.mp4",
                          "Other.srt", "Holidays.srt" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      vs_test_write_file (path, files[i], -1);
    }
  before = snap (dir);
  g_assert_true (vs_trash_rename (video, "Beach 2024.mkv", NULL, &from, &to, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (from, ==, video);
  g_assert_true (g_str_has_suffix (to, "/Beach 2024.mkv"));
  /* its subtitles follow; Holiday.en.srt is Holiday.en.mp4's, the rest are others' */
  assert_renamed (before, dir, "Holiday.mp4", "Beach 2024.mkv", "Holiday.srt", "Beach 2024.srt",
                  "Holiday.de.vtt", "Beach 2024.de.vtt", "Holiday.fr.forced.SRT",
                  "Beach 2024.fr.forced.SRT", NULL);

  /* the same name again: nothing to do, nothing done */
  g_clear_pointer (&before, g_hash_table_unref);
  before = snap (dir);
  g_clear_pointer (&from, g_free);
  g_clear_pointer (&to, g_free);
  g_assert_true (vs_trash_rename (video, "Holiday.mp4", NULL, &from, &to, NULL, &error) == FALSE);
  g_assert_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autofree char *beach = g_build_filename (dir, "Beach 2024.mkv", NULL);

    g_assert_true (vs_trash_rename (beach, "Beach 2024.mkv", NULL, &from, &to, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (from, ==, to);
  }
  assert_renamed (before, dir, NULL);
  vs_test_rm_rf (dir);
}

static void
test_refusals (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *video = g_build_filename (dir, "a.mp4", NULL);
  g_autofree char *other = g_build_filename (dir, "b.mp4", NULL);
  g_autofree char *sub = g_build_filename (dir, "a.srt", NULL);
  g_autofree char *sub_taken = g_build_filename (dir, "c.srt", NULL);
  g_autofree char *sym = g_build_filename (dir, "link.mp4", NULL);
  g_autofree char *hard = g_build_filename (dir, "hard.mp4", NULL);
  g_autofree char *gone = g_build_filename (dir, "gone.mp4", NULL);
  g_autofree char *long_name = g_strnfill (256, 'x');

  vs_test_write_file (video, "a", -1);
  vs_test_write_file (other, "b", -1);
  vs_test_write_file (sub, "subs", -1);
  vs_test_write_file (sub_taken, "other subs", -1);
  g_assert_cmpint (symlink ("a.mp4", sym), ==, 0);
  g_assert_cmpint (link (video, hard), ==, 0);

  assert_refused (dir, video, "", NULL, VS_TRASH_ERROR_INVALID_NAME, "empty");
  assert_refused (dir, video, "  ", NULL, VS_TRASH_ERROR_INVALID_NAME, "spaces");
  assert_refused (dir, video, ".", NULL, VS_TRASH_ERROR_INVALID_NAME, NULL);
  assert_refused (dir, video, "..", NULL, VS_TRASH_ERROR_INVALID_NAME, NULL);
  assert_refused (dir, video, "../a.mp4", NULL, VS_TRASH_ERROR_INVALID_NAME, "/");
  assert_refused (dir, video, long_name, NULL, VS_TRASH_ERROR_INVALID_NAME, "255");
  assert_refused (dir, video, "\xff.mp4", NULL, VS_TRASH_ERROR_INVALID_NAME, "encoding");
  /* names that exist: a file, a symlink, a hard link to the video itself */
  assert_refused (dir, video, "b.mp4", NULL, VS_TRASH_ERROR_EXISTS, "b.mp4");
  assert_refused (dir, video, "link.mp4", NULL, VS_TRASH_ERROR_EXISTS, NULL);
  assert_refused (dir, video, "hard.mp4", NULL, VS_TRASH_ERROR_EXISTS, NULL);
  assert_refused (dir, sym, "a.mp4", NULL, VS_TRASH_ERROR_EXISTS, NULL);
  /* a subtitle's new name exists: all or nothing, so nothing */
  assert_refused (dir, video, "c.mp4", NULL, VS_TRASH_ERROR_EXISTS, "c.srt");
  /* gone */
  assert_refused (dir, gone, "new.mp4", NULL, VS_TRASH_ERROR_NOT_FOUND, NULL);
  /* a folder that holds no download */
  {
    g_autofree char *plain = g_build_filename (dir, "plain", NULL);

    g_assert_cmpint (g_mkdir (plain, 0755), ==, 0);
    assert_refused (dir, plain, "other", NULL, VS_TRASH_ERROR_NOT_MEDIA, NULL);
  }
  /* a symlink renames the link, never its target */
  {
    g_autoptr(GHashTable) before = snap (dir);

    g_assert_true (vs_trash_rename (sym, "link2.mp4", NULL, NULL, NULL, NULL, NULL));
    assert_renamed (before, dir, "link.mp4", "link2.mp4", NULL);
  }
  vs_test_rm_rf (dir);
}

/* HLS ------------------------------------------------------------------------------------ */

static void
test_hls_folder (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *show = g_build_filename (lib, "Show", NULL);
  g_autofree char *playlist = g_build_filename (show, "index.m3u8", NULL);
  g_autofree char *renamed_folder = g_build_filename (lib, "Show S01", NULL);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GError) error = NULL;
  const char *roots[] = { lib, NULL };

  g_assert_cmpint (g_mkdir_with_parents (show, 0755), ==, 0);
  vs_test_make_hls_download (show, 3, 0, VS_TEST_HLS_FMP4);
  {
    g_autofree char *notes = g_build_filename (show, "notes.txt", NULL);

    vs_test_write_file (notes, "downloaded with yt-dlp", -1);
  }
  /* an HLS item is named after its folder: the folder is what is renamed */
  before = snap (dir);
  g_assert_true (vs_trash_rename (playlist, "Show S01", roots, &from, &to, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (from, ==, show);
  g_assert_cmpstr (to, ==, renamed_folder);
  assert_renamed (before, dir, "lib/Show", "lib/Show S01", NULL);

  /* named by its folder, the same; back to the old name */
  g_clear_pointer (&before, g_hash_table_unref);
  before = snap (dir);
  g_assert_true (vs_trash_rename (renamed_folder, "Show", roots, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_renamed (before, dir, "lib/Show S01", "lib/Show", NULL);

  /* a folder name that exists */
  {
    g_autofree char *taken = g_build_filename (lib, "Taken", NULL);

    g_assert_cmpint (g_mkdir (taken, 0755), ==, 0);
    assert_refused (dir, playlist, "Taken", roots, VS_TRASH_ERROR_EXISTS, "Taken");
  }
  /* named through a symlink to its folder: the link is not the download */
  {
    g_autofree char *link_path = g_build_filename (lib, "Link", NULL);
    g_autofree char *through = g_build_filename (link_path, "index.m3u8", NULL);

    g_assert_cmpint (symlink ("Show", link_path), ==, 0);
    assert_refused (dir, through, "Show 3", roots, VS_TRASH_ERROR_NOT_MEDIA, "link");
    g_assert_cmpint (g_unlink (link_path), ==, 0);
  }
  /* another video in the folder would be renamed along: refused */
  {
    g_autofree char *clip = g_build_filename (show, "extra.mp4", NULL);

    vs_test_write_file (clip, "another video", -1);
    assert_refused (dir, playlist, "Show 2", roots, VS_TRASH_ERROR_NOT_MEDIA, "extra.mp4");
    g_assert_cmpint (g_unlink (clip), ==, 0);
  }
  vs_test_rm_rf (dir);
}

static void
test_hls_protected (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *playlist = g_build_filename (lib, "index.m3u8", NULL);
  const char *roots[] = { lib, NULL };

  /* a download saved straight into a library folder: its folder is the library's */
  g_assert_cmpint (g_mkdir (lib, 0755), ==, 0);
  vs_test_make_hls_download (lib, 2, 0, VS_TEST_HLS_PLAIN);
  assert_refused (dir, playlist, "Renamed", roots, VS_TRASH_ERROR_PROTECTED, NULL);
  assert_refused (dir, lib, "Renamed", roots, VS_TRASH_ERROR_PROTECTED, NULL);
  vs_test_rm_rf (dir);
}

static void
test_hls_absolute (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *show = g_build_filename (dir, "Show", NULL);
  g_autofree char *playlist = g_build_filename (show, "index.m3u8", NULL);
  g_autofree char *seg = g_build_filename (show, "seg0.ts", NULL);
  g_autofree char *seg_uri = g_filename_to_uri (seg, NULL, NULL);
  g_autofree char *text = NULL;

  g_assert_cmpint (g_mkdir (show, 0755), ==, 0);
  vs_test_write_file (seg, "segment", -1);
  /* by an absolute path, then by a file: URI: both would name nothing after the rename */
  text = g_strdup_printf ("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n%s\n#EXT-X-ENDLIST\n",
                          seg);
  vs_test_write_file (playlist, text, -1);
  assert_refused (dir, playlist, "Show 2", NULL, VS_TRASH_ERROR_NOT_MEDIA, "absolute");
  g_free (text);
  text = g_strdup_printf ("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n%s\n#EXT-X-ENDLIST\n",
                          seg_uri);
  vs_test_write_file (playlist, text, -1);
  assert_refused (dir, playlist, "Show 2", NULL, VS_TRASH_ERROR_NOT_MEDIA, "absolute");
  vs_test_rm_rf (dir);
}

/* A file system without RENAME_NOREPLACE: link() and unlink() for a file, mkdir() and
 * rename() onto the new empty folder for an HLS folder; neither can replace anything. */
static void
test_fallbacks (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *video = g_build_filename (dir, "a.mp4", NULL);
  g_autofree char *taken = g_build_filename (dir, "b.mp4", NULL);
  g_autofree char *show = g_build_filename (dir, "Show", NULL);
  g_autofree char *playlist = g_build_filename (show, "index.m3u8", NULL);
  g_autofree char *other = g_build_filename (dir, "Other", NULL);
  g_autoptr(GHashTable) before = NULL;

  vs_test_write_file (video, "a", -1);
  vs_test_write_file (taken, "b", -1);
  g_assert_cmpint (g_mkdir (show, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (other, 0755), ==, 0);
  vs_test_make_hls_download (show, 2, 0, VS_TEST_HLS_PLAIN);
  _vs_trash_rename_without_noreplace = TRUE;

  assert_refused (dir, video, "b.mp4", NULL, VS_TRASH_ERROR_EXISTS, NULL);
  assert_refused (dir, playlist, "Other", NULL, VS_TRASH_ERROR_EXISTS, NULL);
  before = snap (dir);
  g_assert_true (vs_trash_rename (video, "c.mp4", NULL, NULL, NULL, NULL, NULL));
  assert_renamed (before, dir, "a.mp4", "c.mp4", NULL);
  g_clear_pointer (&before, g_hash_table_unref);
  before = snap (dir);
  g_assert_true (vs_trash_rename (playlist, "Show 2", NULL, NULL, NULL, NULL, NULL));
  /* the folder is the same inode under its new name, holding the same files */
  assert_renamed (before, dir, "Show", "Show 2", NULL);

  _vs_trash_rename_without_noreplace = FALSE;
  vs_test_rm_rf (dir);
}

/* The thumbnail cache: every size and our fail marker move, whoever made them; a PNG
 * whose Thumb::URI is another file's stays. */
static void
write_thumbnail (const char *path,
                 const char *uri,
                 const char *software,
                 guint8      shade)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 16, 9);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, (guint32) shade << 24 | 0x006699ffu);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  gdk_pixbuf_save (pixbuf, path, "png", &error, "tEXt::Software", software, "tEXt::Thumb::URI", uri,
                   "tEXt::Thumb::MTime", "1234", NULL);
  g_assert_no_error (error);
}

static void
test_thumbnails (void)
{
  const char *old_uri = "file:///videos/Old%20name.mp4";
  const char *new_uri = "file:///videos/New%20name%20%C3%A9.mp4";
  const VsThumbnailSize sizes[] = { VS_THUMBNAIL_SIZE_NORMAL, VS_THUMBNAIL_SIZE_LARGE };
  g_autofree char *fail_old = vs_thumbnail_fail_path (old_uri);
  g_autofree char *fail_new = vs_thumbnail_fail_path (new_uri);
  g_autofree char *xl_old = vs_thumbnail_path (old_uri, VS_THUMBNAIL_SIZE_X_LARGE);
  g_autofree char *xl_new = vs_thumbnail_path (new_uri, VS_THUMBNAIL_SIZE_X_LARGE);
  g_autofree char *normal_old = vs_thumbnail_path (old_uri, sizes[0]);
  g_autofree char *large_old = vs_thumbnail_path (old_uri, sizes[1]);

  /* a file manager's, ours, our fail marker; the x-large one names another file */
  write_thumbnail (normal_old, old_uri, "GNOME::ThumbnailFactory", 1);
  write_thumbnail (large_old, old_uri, "Vidshelf", 2);
  write_thumbnail (fail_old, old_uri, "Vidshelf", 3);
  write_thumbnail (xl_old, "file:///videos/someone-else.mp4", "Vidshelf", 4);

  g_assert_cmpuint (vs_thumbnail_move (old_uri, new_uri), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (sizes) + 1; i++)
    {
      g_autofree char *from = i < 2 ? vs_thumbnail_path (old_uri, sizes[i]) : g_strdup (fail_old);
      g_autofree char *to = i < 2 ? vs_thumbnail_path (new_uri, sizes[i]) : g_strdup (fail_new);
      g_autofree char *uri = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      gint64 mtime = -1;

      g_assert_false (g_file_test (from, G_FILE_TEST_EXISTS));
      g_assert_true (vs_thumbnail_read_keys (to, &uri, &mtime, NULL));
      g_assert_cmpstr (uri, ==, new_uri);
      g_assert_cmpint (mtime, ==, 1234);
      pixbuf = gdk_pixbuf_new_from_file (to, NULL);
      g_assert_nonnull (pixbuf);
      g_assert_cmpint (gdk_pixbuf_read_pixels (pixbuf)[0], ==, i + 1);
      g_assert_cmpstr (gdk_pixbuf_get_option (pixbuf, "tEXt::Thumb::MTime"), ==, "1234");
    }
  g_assert_true (g_file_test (xl_old, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (xl_new, G_FILE_TEST_EXISTS));
}

/* The library ----------------------------------------------------------------------------- */

static gboolean
rescanned_since (gpointer      subject,
                 gconstpointer data)
{
  VsLibrary *library = subject;
  VsLibraryWatcher *watcher = vs_library_get_watcher (library);

  return vs_library_watcher_get_n_rescans (watcher) > GPOINTER_TO_UINT (data) &&
         !vs_library_get_busy (library);
}

static char *
rename_in_library (VsTestLibrary *tl,
                   const char    *path,
                   const char    *name)
{
  VsLibraryWatcher *watcher = vs_library_get_watcher (tl->library);
  guint rescans = vs_library_watcher_get_n_rescans (watcher);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *new_path;

  vs_library_rename_async (tl->library, path, name, NULL, vs_test_library_store_result, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  new_path = vs_library_rename_finish (tl->library, result, &error);
  g_assert_no_error (error);
  /* the watcher sees the rename too, and must find the rows in place */
  vs_test_library_wait (rescanned_since, tl->library, GUINT_TO_POINTER (rescans), 30,
                        "the watcher's rescan after the rename");
  vs_test_library_wait_idle (tl);
  return new_path;
}

static guint8 *
pixels_of (const char *png,
           gsize      *out_length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (png, &error);

  g_assert_no_error (error);
  return g_memdup2 (gdk_pixbuf_read_pixels (pixbuf), *out_length = gdk_pixbuf_get_byte_length (pixbuf));
}

static void
update_media (VsTestLibrary   *tl,
              VsUpdateSummary *summary)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vs_library_update_media_async (tl->library, VS_UPDATE_PROBE | VS_UPDATE_THUMBNAILS,
                                 VS_THUMBNAIL_SIZE_LARGE, NULL, vs_test_library_store_result,
                                 &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_update_media_finish (tl->library, result, summary, &error));
  g_assert_no_error (error);
  vs_test_library_wait_idle (tl);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static gboolean
video_loaded (gpointer      subject,
              gconstpointer data)
{
  return !vs_video_get_loading (subject);
}

static void
test_library (void)
{
  const char *elements[] = { "videotestsrc", "x264enc", "mp4mux", NULL };
  g_autoptr(VsTestLibrary) tl = NULL;
  g_autoptr(VsVideoRecord) before = NULL;
  g_autoptr(VsVideoRecord) after = NULL;
  g_autoptr(VsVideoRecord) gone = NULL;
  g_autoptr(VsLibraryModel) model = NULL;
  g_autofree char *clip = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *new_path = NULL;
  g_autofree char *old_png = NULL;
  g_autofree char *new_png = NULL;
  g_autofree char *png_uri = NULL;
  g_autofree guint8 *old_pixels = NULL;
  g_autofree guint8 *new_pixels = NULL;
  g_autofree char *listing = NULL;
  gsize old_length = 0, new_length = 0;
  gint64 png_mtime = -1;
  VsUpdateSummary summary = { 0 };
  VsDatabase *reader;
  guint items_changed = 0;

  if (!vs_test_media_require (elements))
    return;
  tl = vs_test_library_new (VS_LIBRARY_FLAGS_NONE);
  clip = g_build_filename (tl->folder, "clip.mp4", NULL);
  sub = g_build_filename (tl->folder, "clip.srt", NULL);
  vs_test_media_clip (clip, 1);
  vs_test_write_file (sub, "1\n00:00:00,000 --> 00:00:01,000\nHello\n", -1);
  vs_test_library_open (tl);
  vs_test_library_start (tl);
  update_media (tl, &summary);
  g_assert_cmpuint (summary.thumbnailed, ==, 1);
  reader = vs_library_get_reader (tl->library);
  before = vs_database_lookup_video (reader, clip, NULL);
  g_assert_nonnull (before);
  g_assert_cmpint (before->duration_ms, >, 0);
  g_assert_cmpint (before->thumb_state, ==, VS_MEDIA_STATE_DONE);
  {
    g_autoptr(GAsyncResult) result = NULL;

    vs_library_set_position_async (tl->library, clip, 12000, 0, NULL,
                                   vs_test_library_store_result, &result);
    vs_test_library_wait_result (&result, WAIT_SECONDS);
    g_assert_true (vs_library_set_position_finish (tl->library, result, NULL));
  }
  old_png = vs_thumbnail_path (before->uri, VS_THUMBNAIL_SIZE_LARGE);
  g_assert_true (g_file_test (old_png, G_FILE_TEST_IS_REGULAR));
  old_pixels = pixels_of (old_png, &old_length);
  vs_test_save_filmstrip (NULL, before->uri, before->mtime_ns / G_GINT64_CONSTANT (1000000000),
                          before->size, 12);

  model = vs_library_new_model (tl->library);
  vs_library_model_set_query (model, &(VsVideoQuery) { 0 });
  vs_test_library_wait_model (tl, model, 1);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &items_changed);

  new_path = rename_in_library (tl, clip, "Ünïcode clip.mp4");
  g_assert_true (g_str_has_suffix (new_path, "/Ünïcode clip.mp4"));
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (sub, G_FILE_TEST_EXISTS));
  {
    g_autofree char *new_sub = g_build_filename (tl->folder, "Ünïcode clip.srt", NULL);

    g_assert_true (g_file_test (new_sub, G_FILE_TEST_IS_REGULAR));
  }

  /* the same row, its facts kept; the old name gone; nothing doubled */
  after = vs_database_lookup_video (reader, new_path, NULL);
  gone = vs_database_lookup_video (reader, clip, NULL);
  g_assert_nonnull (after);
  g_assert_null (gone);
  g_assert_cmpint (after->id, ==, before->id);
  g_assert_cmpint (after->duration_ms, ==, before->duration_ms);
  g_assert_cmpint (after->width, ==, before->width);
  g_assert_cmpint (after->height, ==, before->height);
  g_assert_cmpstr (after->video_codec, ==, before->video_codec);
  g_assert_cmpint (after->probe_state, ==, VS_MEDIA_STATE_DONE);
  g_assert_cmpint (after->thumb_state, ==, VS_MEDIA_STATE_DONE);
  g_assert_cmpint (after->mtime_ns, ==, before->mtime_ns);
  g_assert_cmpstr (after->display_name, ==, "Ünïcode clip.mp4");
  listing = vs_test_listing (reader, tl->folder);
  g_assert_cmpstr (listing, ==, "Ünïcode clip.mp4");
  g_assert_cmpint (vs_database_get_position (reader, new_path, NULL), ==, 12000);
  g_assert_cmpint (vs_database_get_position (reader, clip, NULL), ==, 0);

  /* the thumbnail moved: the same image under the new URI's name, saying the new URI */
  new_png = vs_thumbnail_path (after->uri, VS_THUMBNAIL_SIZE_LARGE);
  g_assert_false (g_file_test (old_png, G_FILE_TEST_EXISTS));
  g_assert_true (vs_thumbnail_read_keys (new_png, &png_uri, &png_mtime, NULL));
  g_assert_cmpstr (png_uri, ==, after->uri);
  g_assert_cmpint (png_mtime, ==, after->mtime_ns / G_GINT64_CONSTANT (1000000000));
  g_assert_cmpint (vs_thumbnail_lookup (after->uri, png_mtime, VS_THUMBNAIL_SIZE_LARGE, NULL),
                   ==, VS_THUMBNAIL_VALID);
  new_pixels = pixels_of (new_png, &new_length);
  g_assert_cmpmem (new_pixels, new_length, old_pixels, old_length);
  /* the filmstrip too, valid for the file under its new name */
  {
    g_autofree char *old_strip = vs_filmstrip_path (before->uri);

    g_assert_false (g_file_test (old_strip, G_FILE_TEST_EXISTS));
    g_assert_cmpint (vs_filmstrip_lookup (after->uri,
                                          after->mtime_ns / G_GINT64_CONSTANT (1000000000),
                                          after->size, NULL), ==, VS_FILMSTRIP_VALID);
  }
  /* and nothing is made again */
  memset (&summary, 0, sizeof summary);
  update_media (tl, &summary);
  g_assert_cmpuint (summary.thumbnailed, ==, 0);
  g_assert_cmpuint (summary.probed, ==, 0);

  /* the view heard of it once, and shows the new name */
  vs_test_library_wait_model (tl, model, 1);
  g_assert_cmpuint (items_changed, <=, 1);
  {
    g_autoptr(VsVideo) video = g_list_model_get_item (G_LIST_MODEL (model), 0);

    vs_test_library_wait (video_loaded, video, NULL, 30, "the item's row");
    g_assert_cmpstr (vs_video_get_path (video), ==, new_path);
  }
}

static void
test_library_hls (void)
{
  g_autoptr(VsTestLibrary) tl = vs_test_library_new (VS_LIBRARY_FLAGS_NONE);
  g_autofree char *show = g_build_filename (tl->folder, "Show", NULL);
  g_autofree char *playlist = g_build_filename (show, "index.m3u8", NULL);
  g_autofree char *new_path = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *want = NULL;
  g_autoptr(VsVideoRecord) before = NULL;
  g_autoptr(VsVideoRecord) after = NULL;
  VsDatabase *reader;

  g_assert_cmpint (g_mkdir (show, 0755), ==, 0);
  vs_test_make_hls_download (show, 3, 0, VS_TEST_HLS_PLAIN);
  vs_test_library_open (tl);
  vs_test_library_start (tl);
  reader = vs_library_get_reader (tl->library);
  before = vs_database_lookup_video (reader, playlist, NULL);
  g_assert_nonnull (before);
  g_assert_cmpint (before->kind, ==, VS_VIDEO_KIND_HLS);

  new_path = rename_in_library (tl, playlist, "Show, Season 1");
  want = g_build_filename (tl->folder, "Show, Season 1", "index.m3u8", NULL);
  g_assert_cmpstr (new_path, ==, want);
  after = vs_database_lookup_video (reader, new_path, NULL);
  g_assert_nonnull (after);
  g_assert_cmpint (after->id, ==, before->id);
  g_assert_cmpint (after->duration_ms, ==, before->duration_ms);
  g_assert_cmpstr (after->display_name, ==, "Show, Season 1");
  listing = vs_test_listing (reader, tl->folder);
  g_assert_cmpstr (listing, ==, "Show, Season 1/index.m3u8");

  /* the renamed folder is watched under its new name: a segment removed is seen there */
  {
    g_autofree char *seg = g_build_filename (tl->folder, "Show, Season 1", "seg00002.ts", NULL);
    VsLibraryWatcher *watcher = vs_library_get_watcher (tl->library);
    guint rescans = vs_library_watcher_get_n_rescans (watcher);

    g_assert_cmpint (g_unlink (seg), ==, 0);
    vs_test_library_wait (rescanned_since, tl->library, GUINT_TO_POINTER (rescans), 30,
                          "the watcher's rescan of the renamed folder");
  }

  /* a read-only view of the library renames nothing: its index could not follow */
  {
    g_autoptr(VsLibrary) ro = vs_library_new (tl->db_path, VS_LIBRARY_FLAGS_READ_ONLY);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *none = NULL;

    vs_library_open_async (ro, NULL, vs_test_library_store_result, &result);
    vs_test_library_wait_result (&result, WAIT_SECONDS);
    g_assert_true (vs_library_open_finish (ro, result, &error));
    g_clear_object (&result);
    vs_library_rename_async (ro, new_path, "Other", NULL, vs_test_library_store_result, &result);
    vs_test_library_wait_result (&result, WAIT_SECONDS);
    none = vs_library_rename_finish (ro, result, &error);
    g_assert_null (none);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY);
    g_assert_true (g_file_test (new_path, G_FILE_TEST_IS_REGULAR));
    g_clear_object (&result);
    vs_library_close_async (ro, vs_test_library_store_result, &result);
    vs_test_library_wait_result (&result, WAIT_SECONDS);
  }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *base = vs_test_make_tmpdir ();
  g_autofree char *home = g_build_filename (base, "home", NULL);
  g_autofree char *data_home = g_build_filename (base, "data", NULL);
  g_autofree char *cache_home = g_build_filename (base, "cache", NULL);
  g_autofree char *config_home = g_build_filename (base, "config", NULL);
  int status;

  /* A private home, thumbnail cache and configuration, inherited by the media helpers. */
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (data_home, 0700), ==, 0);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rename/check-name", test_check_name);
  g_test_add_func ("/rename/file", test_file);
  g_test_add_func ("/rename/refusals", test_refusals);
  g_test_add_func ("/rename/hls-folder", test_hls_folder);
  g_test_add_func ("/rename/hls-protected", test_hls_protected);
  g_test_add_func ("/rename/hls-absolute", test_hls_absolute);
  g_test_add_func ("/rename/fallbacks", test_fallbacks);
  g_test_add_func ("/rename/thumbnails", test_thumbnails);
  g_test_add_func ("/rename/library", test_library);
  g_test_add_func ("/rename/library-hls", test_library_hls);

  status = g_test_run ();
  vs_test_rm_rf (base);
  return status;
}
