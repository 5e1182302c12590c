/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-line-reader.c: bounded streaming line reader for the playlist parser
 *
 * One reused buffer, lines NUL-terminated in place, never more than
 * VS_PLAYLIST_MAX_LINE_LENGTH bytes of a line held; see vs-playlist.c for why. A longer
 * line (a title of megabytes) comes as its start, which is all the parser needs of it, and
 * the rest streams through the same buffer without being kept.
 */
#define G_LOG_DOMAIN "vs-playlist"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "vs-playlist-private.h"
#include "vs-path.h"

static gboolean
set_io_error (GError     **error,
              int          errsv,
              const char  *what,
              const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               "Could not %s “%s”: %s", what, display, g_strerror (errsv));
  return FALSE;
}

gboolean
_vs_line_reader_open (VsLineReader  *r,
                      const char    *path,
                      GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  r->path = path;
  r->fd = vs_path_open_regular (path, &local_error);
  if (r->fd < 0)
    {
      /* a folder given for a playlist says so */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE) &&
          g_file_test (path, G_FILE_TEST_IS_DIR))
        local_error->code = G_IO_ERROR_IS_DIRECTORY;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

#ifdef POSIX_FADV_SEQUENTIAL
  /* only a hint: larger read-ahead for the one pass we make */
  (void) posix_fadvise (r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  /* zeroed, slack included, so that no load reads uninitialized bytes */
  r->alloc = READ_CHUNK_SIZE;
  r->buf = g_malloc0 (r->alloc + READ_SLACK);
  return TRUE;
}

/* Reads more bytes after the unfinished line at r->start, which holds no '\n'. */
static gboolean
line_reader_fill (VsLineReader  *r,
                  GCancellable  *cancellable,
                  GError       **error)
{
  const char *nul;
  gssize n;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (r->start > 0)
    {
      memmove (r->buf, r->buf + r->start, r->end - r->start);
      r->end -= r->start;
      r->scan -= r->start;
      r->start = 0;
    }
  if (r->end + 1 >= r->alloc)
    {
      /* callers cut the line at the bound first, so this stops at
       * VS_PLAYLIST_MAX_LINE_LENGTH + 2 */
      gsize old_alloc = r->alloc;

      r->alloc = MIN (r->alloc * 2, VS_PLAYLIST_MAX_LINE_LENGTH + 2);
      r->buf = g_realloc (r->buf, r->alloc + READ_SLACK);
      memset (r->buf + old_alloc + READ_SLACK, 0, r->alloc - old_alloc);
    }

  /* one byte stays free to terminate a last line that has no '\n', and as the sentinel
   * that parser_run_fast() scans up to */
  do
    n = read (r->fd, r->buf + r->end, r->alloc - 1 - r->end);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    return set_io_error (error, errno, "read", r->path);
  if (n == 0)
    {
      r->eof = TRUE;
      r->buf[r->end] = '\0';
      return TRUE;
    }

  nul = memchr (r->buf + r->end, '\0', n);
  if (nul != NULL)
    {
      guint line_no = r->line_no + 1;

      for (const char *c = r->buf + r->end; c < nul; c++)
        line_no += (*c == '\n');
      g_set_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID,
                   "line %u: NUL byte, not a text playlist", line_no);
      return FALSE;
    }

  r->end += n;
  r->buf[r->end] = '\0';
  return TRUE;
}

/* Reads past the rest of a line whose start was returned truncated: what is buffered
 * holds no '\n' (the truncated line took all of it), so each fill starts on an empty
 * buffer and never grows it. */
static gboolean
line_reader_skip_rest (VsLineReader  *r,
                       GCancellable  *cancellable,
                       GError       **error)
{
  while (r->skip_rest)
    {
      char *nl = memchr (r->buf + r->start, '\n', r->end - r->start);

      if (nl != NULL)
        {
          r->start = r->scan = nl + 1 - r->buf;
          r->skip_rest = FALSE;
        }
      else if (r->eof)
        {
          r->start = r->scan = r->end;
          r->skip_rest = FALSE;
        }
      else
        {
          r->start = r->scan = r->end;
          if (!line_reader_fill (r, cancellable, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Returns the first VS_PLAYLIST_MAX_LINE_LENGTH bytes of the line at r->start, which has
 * more than that and no '\n' in the buffer; the rest is read past on the next call. */
static void
line_reader_cut (VsLineReader  *r,
                 char         **line,
                 gsize         *len)
{
  char *start = r->buf + r->start;

  /* the bytes after the cut belong to the line too, and are dropped with it */
  start[VS_PLAYLIST_MAX_LINE_LENGTH] = '\0';
  r->start = r->scan = r->end;
  r->line_no++;
  r->truncated = TRUE;
  r->skip_rest = !r->eof;
  g_debug ("%s: line %u is longer than %d bytes: only its start is read", r->path, r->line_no,
           VS_PLAYLIST_MAX_LINE_LENGTH);
  *line = start;
  *len = VS_PLAYLIST_MAX_LINE_LENGTH;
}

/* Sets *line to the next line, NUL-terminated in place without its "\n" or "\r\n", or to
 * NULL at the end of the file. */
gboolean
_vs_line_reader_next (VsLineReader  *r,
                      char         **line,
                      gsize         *len,
                      GCancellable  *cancellable,
                      GError       **error)
{
  r->truncated = FALSE;
  if (r->skip_rest && !line_reader_skip_rest (r, cancellable, error))
    return FALSE;

  for (;;)
    {
      char *start = r->buf + r->start;
      char *nl = memchr (r->buf + r->scan, '\n', r->end - r->scan);
      gsize n;

      if (nl == NULL && !r->eof)
        {
          if (r->end - r->start > VS_PLAYLIST_MAX_LINE_LENGTH)
            {
              line_reader_cut (r, line, len);
              return TRUE;
            }
          r->scan = r->end;
          if (!line_reader_fill (r, cancellable, error))
            return FALSE;
          continue;
        }

      if (nl == NULL && r->start == r->end)
        {
          *line = NULL;
          return TRUE;
        }

      n = (nl != NULL ? nl : r->buf + r->end) - start;
      if (n > VS_PLAYLIST_MAX_LINE_LENGTH)
        {
          /* a last line without '\n': the buffer holds at most the bound and one byte, so
           * a line with its '\n' in it is never longer */
          g_assert (nl == NULL);
          line_reader_cut (r, line, len);
          return TRUE;
        }
      start[n] = '\0';
      r->start = r->scan = r->start + n + (nl != NULL);
      r->line_no++;

      if (n > 0 && start[n - 1] == '\r')
        start[--n] = '\0';
      *line = start;
      *len = n;
      return TRUE;
    }
}
