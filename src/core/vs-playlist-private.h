/* vs-playlist-private.h: shared between the playlist parser and its line reader */
#pragma once

#include "vs-playlist.h"

G_BEGIN_DECLS

#define READ_CHUNK_SIZE   (64 * 1024)
#define READ_SLACK        16   /* allocated past r->alloc, for 16-byte loads at the sentinel */

typedef struct
{
  int         fd;
  char       *buf;
  gsize       alloc;   /* grows past READ_CHUNK_SIZE only for lines longer than that */
  gsize       start;   /* first byte of the next line */
  gsize       scan;    /* where the search for '\n' resumes */
  gsize       end;     /* end of the bytes read; buf[end] is '\0' once anything was read */
  gboolean    eof;
  guint       line_no; /* number of the line last returned */
  const char *path;
} VsLineReader;

gboolean _vs_line_reader_open (VsLineReader  *r,
                               const char    *path,
                               GError       **error);
/* Sets *line to the next line, NUL-terminated in place without its "\n" or "\r\n", or to
 * NULL at the end of the file. */
gboolean _vs_line_reader_next (VsLineReader  *r,
                               char         **line,
                               gsize         *len,
                               GCancellable  *cancellable,
                               GError       **error);

G_END_DECLS
