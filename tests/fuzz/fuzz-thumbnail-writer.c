/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-thumbnail-writer.c: the PNG key writer, round-tripped through the reader
 *
 * The input names a source file (bytes up to the first NUL: any byte but '/', so
 * non-UTF-8, quotes and newlines too) and the failure reason (the rest, stored as
 * Description). The fail marker written must carry the file's URI and mtime back. */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "vs-thumbnailer.h"

static char *sources;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  const char *dir = vs_fuzz_setup ();
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);

  /* Before anything asks GLib for the cache folder: it is read once per process. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  sources = g_build_filename (dir, "sources", NULL);
  g_assert_cmpint (g_mkdir_with_parents (sources, 0700), ==, 0);
  return 0;
}

static char *
name_from_input (const uint8_t *data,
                 size_t         size,
                 size_t        *used)
{
  const uint8_t *nul = memchr (data, '\0', size);
  size_t length = nul != NULL ? (size_t) (nul - data) : size;
  char *name = g_strndup ((const char *) data, MIN (length, 255));

  *used = nul != NULL ? length + 1 : size;
  g_strdelimit (name, "/", '_');
  if (name[0] == '\0' || g_str_equal (name, ".") || g_str_equal (name, ".."))
    {
      g_free (name);
      return g_strdup ("source");
    }
  return name;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  size_t used = 0;
  g_autofree char *name = name_from_input (data, size, &used);
  g_autofree char *reason = g_strndup ((const char *) data + used, size - used);
  g_autofree char *path = g_build_filename (sources, name, NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *marker = NULL;
  g_autofree char *key_uri = NULL;
  gint64 key_mtime = -1;
  struct stat st;
  int fd;

  /* Not g_file_set_contents(): its temporary name would pass the 255-byte limit. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  close (fd);
  g_assert_nonnull (uri);
  marker = vs_thumbnail_fail_path (uri);

  if (!vs_thumbnail_write_failure (path, reason, &error))
    g_error ("Writing the fail marker of %s failed: %s", uri, error->message);
  g_assert_true (vs_thumbnail_read_keys (marker, &key_uri, &key_mtime, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (key_uri, ==, uri);
  g_assert_cmpint (key_mtime, ==, (gint64) st.st_mtime);

  g_unlink (marker);
  g_unlink (path);
  return 0;
}
