/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-playlist.c: streaming HLS playlist parser (RFC 8216)
 *
 * Playlists can list hundreds of thousands of segments, so the file goes through a small
 * line reader of our own: one reused buffer, lines parsed in place, nothing allocated per
 * line unless a segment callback asks for resolved paths. The usual #EXTINF and file name
 * lines take a fast path that finds their end in the same pass that reads them. Durations
 * are summed exactly in fixed point, whole seconds plus 10^-18 s units (digits past the
 * 18th are dropped), and rounded once, half up, to milliseconds.
 *
 * Only the start of a line longer than VS_PLAYLIST_MAX_LINE_LENGTH is read (the reader
 * streams past the rest): enough for a tag and the number before an #EXTINF's comma, so a
 * title of megabytes costs no memory. A URI, or a tag whose attributes we read, that long
 * is refused with VS_PLAYLIST_ERROR_LINE_TOO_LONG.
 *
 * Escape checks compare canonical names without resolving symlinks: a link inside the
 * base folder that points outside it is not reported.
 */
#define G_LOG_DOMAIN "vs-playlist"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "vs-playlist-private.h"
#include "vs-path.h"

#define CANCEL_CHECK_MASK 1023 /* lines between checks of the cancellable, minus one */

G_DEFINE_FINAL_TYPE (VsPlaylist, vs_playlist, G_TYPE_OBJECT)
G_DEFINE_QUARK (vs-playlist-error-quark, vs_playlist_error)

#define PARSER_INIT { .reader.fd = -1 }

static void
parser_clear (Parser *p)
{
  if (p->reader.fd >= 0)
    g_close (p->reader.fd, NULL);
  g_clear_pointer (&p->reader.buf, g_free);
  g_clear_pointer (&p->dir, g_free);
  g_clear_pointer (&p->base_dir, g_free);
  g_clear_pointer (&p->resolved_path, g_free);
  g_clear_pointer (&p->key_path, g_free);
  g_clear_pointer (&p->map_path, g_free);
  g_clear_pointer (&p->key_uri, g_free);
  g_clear_pointer (&p->map_uri, g_free);
  if (p->path_buf != NULL)
    g_string_free (g_steal_pointer (&p->path_buf), TRUE);
  if (p->range_uri != NULL)
    g_string_free (g_steal_pointer (&p->range_uri), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parser, parser_clear)

static void
variant_clear (gpointer data)
{
  Variant *v = data;

  g_clear_pointer (&v->uri, g_free);
  g_clear_pointer (&v->path, g_free);
}

static void
vs_playlist_finalize (GObject *object)
{
  VsPlaylist *self = VS_PLAYLIST (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->master_path, g_free);
  g_clear_pointer (&self->map_uri, g_free);
  g_clear_pointer (&self->map_path, g_free);
  g_clear_pointer (&self->variants, g_array_unref);

  G_OBJECT_CLASS (vs_playlist_parent_class)->finalize (object);
}

static void
vs_playlist_class_init (VsPlaylistClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_playlist_finalize;
}

static void
vs_playlist_init (VsPlaylist *self)
{
  self->target_duration = -1;
  self->map_byte_length = -1;
  self->variants = g_array_new (FALSE, TRUE, sizeof (Variant));
  g_array_set_clear_func (self->variants, variant_clear);
}

/* Errors */

/* Sets a VS_PLAYLIST_ERROR whose message starts with "line N: ". */
gboolean
_vs_playlist_parser_error (Parser      *p,
                           GError     **error,
                           int          code,
                           const char  *format,
                           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, VS_PLAYLIST_ERROR, code, "line %u: %s", p->reader.line_no, message);
  return FALSE;
}

/* A playlist's bytes, made safe to quote in an error message. */
char *
_vs_playlist_shown_text (const char *text,
                         gsize       len)
{
  g_autofree char *valid = g_utf8_make_valid (text, MIN (len, 64));

  return len > 64 ? g_strconcat (valid, "…", NULL) : g_steal_pointer (&valid);
}

/* URIs and paths */

/* Length of the RFC 3986 scheme before ':', or 0 when @s is a relative reference. */
static gsize
uri_scheme_length (const char *s,
                   gsize       len)
{
  if (len == 0 || !g_ascii_isalpha (s[0]))
    return 0;

  for (gsize i = 1; i < len; i++)
    {
      if (s[i] == ':')
        return i;
      if (!IS_SCHEME_CHAR (s[i]))
        return 0;
    }
  return 0;
}

/* One pass over a segment URI, cheap enough for every line. A plain URI is a relative
 * path whose components are neither empty, "." nor "..", without escapes: joined to a
 * canonical folder it is canonical too, and cannot leave that folder. Anything else goes
 * through _vs_playlist_parser_resolve(). */
static gboolean
uri_is_plain_relative (const char *s,
                       gsize       len)
{
  static const guint8 stops_bare_name[256] = { ['\0'] = 1, ['/'] = 1, ['%'] = 1, [':'] = 1 };
  gboolean maybe_scheme = len > 0 && g_ascii_isalpha (s[0]);
  gsize component = 0;
  const char *scan = s;

  if (len == 0 || s[0] == '/')
    return FALSE;

  /* the usual bare file name: one tight scan (s is NUL-terminated at len) */
  while (!stops_bare_name[(guchar) *scan])
    scan++;
  if ((gsize) (scan - s) == len)
    return !(s[0] == '.' && (len == 1 || (len == 2 && s[1] == '.')));

  for (gsize i = 0; i <= len; i++)
    {
      char c = i < len ? s[i] : '/';

      if (c == '/')
        {
          gsize n = i - component;

          if (n == 0 || (s[component] == '.' && (n == 1 || (n == 2 && s[component + 1] == '.'))))
            return FALSE;
          component = i + 1;
          maybe_scheme = FALSE;
        }
      else if (c == '%' || (c == ':' && maybe_scheme))
        return FALSE;
      else if (maybe_scheme && !IS_SCHEME_CHAR (c))
        maybe_scheme = FALSE;
    }
  return TRUE;
}

/* Resolves any URI, allocating: *path is NULL for a remote one. Sets the REMOTE and
 * ESCAPING flags. Used for maps, variants and the unusual segment URIs. */
gboolean
_vs_playlist_parser_resolve (Parser      *p,
                             const char  *uri,
                             char       **path_out,
                             gboolean    *escaping,
                             GError     **error)
{
  gsize scheme_len = uri_scheme_length (uri, strlen (uri));
  g_autofree char *path = NULL;

  *path_out = NULL;
  *escaping = FALSE;

  if (scheme_len == 4 && g_ascii_strncasecmp (uri, "file", 4) == 0)
    {
      g_autofree char *host = NULL;
      g_autofree char *file = g_filename_from_uri (uri, &host, NULL);
      g_autofree char *shown = NULL;

      if (file == NULL)
        {
          shown = _vs_playlist_shown_text (uri, strlen (uri));
          return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID,
                                            "invalid file URI '%s'", shown);
        }
      /* another machine's file is remote, like http: path stays NULL */
      if (host == NULL || g_ascii_strcasecmp (host, "localhost") == 0)
        path = g_canonicalize_filename (file, NULL);
    }
  else if (scheme_len == 0)
    {
      /* a bad escape keeps the name as written: it may be a file called that */
      g_autofree char *decoded = strchr (uri, '%') ? g_uri_unescape_string (uri, NULL) : NULL;

      path = g_canonicalize_filename (decoded != NULL ? decoded : uri, p->dir);
    }

  if (path == NULL)
    {
      p->self->flags |= VS_PLAYLIST_FLAG_REMOTE;
      return TRUE;
    }

  *escaping = !vs_path_is_inside (path, p->base_dir);
  if (*escaping)
    p->self->flags |= VS_PLAYLIST_FLAG_ESCAPING;
  *path_out = g_steal_pointer (&path);
  return TRUE;
}

/* The hot path of _vs_playlist_parser_resolve(): allocates nothing for plain relative
 * URIs, and only builds their path when someone will read it. *path is borrowed from @p.
 * @known_plain says the caller already found uri_is_plain_relative() to hold. */
static gboolean
parser_locate_segment (Parser      *p,
                       const char  *uri,
                       gsize        len,
                       gboolean     known_plain,
                       const char **path,
                       GError     **error)
{
  gboolean want_path = p->func != NULL;
  gboolean escaping;

  /* remote URIs allocate nothing there either */
  if (!known_plain && !uri_is_plain_relative (uri, len))
    {
      g_clear_pointer (&p->resolved_path, g_free);
      if (!_vs_playlist_parser_resolve (p, uri, &p->resolved_path, &escaping, error))
        return FALSE;
      *path = p->resolved_path;
      return TRUE;
    }

  if (want_path || !p->dir_inside_base)
    {
      g_string_set_size (p->path_buf, p->dir_prefix_len + len);
      memcpy (p->path_buf->str + p->dir_prefix_len, uri, len);

      if (!p->dir_inside_base && !vs_path_is_inside (p->path_buf->str, p->base_dir))
        p->self->flags |= VS_PLAYLIST_FLAG_ESCAPING;
    }

  *path = want_path ? p->path_buf->str : NULL;
  return TRUE;
}

/* URI lines */

static gboolean
parser_add_variant (Parser      *p,
                    const char  *uri,
                    gsize        len,
                    GError     **error)
{
  Variant v = { .uri = NULL };

  if (!_vs_playlist_parser_resolve (p, uri, &v.path, &v.escaping, error))
    return FALSE;

  v.uri = g_strndup (uri, len);
  v.pub.uri = v.uri;
  v.pub.path = v.path;
  v.pub.bandwidth = p->pending_bandwidth;
  v.pub.width = p->pending_width;
  v.pub.height = p->pending_height;
  v.pub.exists = v.path != NULL && g_file_test (v.path, G_FILE_TEST_IS_REGULAR);
  g_array_append_val (p->self->variants, v);

  p->pending_variant = FALSE;
  return TRUE;
}

/* Fills the segment's byte range from the pending #EXT-X-BYTERANGE, continuing the
 * previous sub-range without "@<o>". */
static gboolean
parser_take_range (Parser            *p,
                   const char        *uri,
                   gsize              len,
                   VsPlaylistSegment *segment,
                   GError           **error)
{
  gint64 offset = p->range_offset;

  if (offset < 0)
    {
      if (!p->range_continuable || p->range_uri->len != len ||
          memcmp (p->range_uri->str, uri, len) != 0)
        return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID,
                                          "#EXT-X-BYTERANGE without an offset does not follow "
                                          "a sub-range of the same URI");
      offset = p->range_end;
      if (p->range_length > G_MAXINT64 - offset)
        return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID,
                                          "byte range overflows");
    }

  segment->byte_offset = offset;
  segment->byte_length = p->range_length;
  p->pending_range = FALSE;
  p->range_continuable = TRUE;
  p->range_end = offset + p->range_length;
  g_string_truncate (p->range_uri, 0);
  g_string_append_len (p->range_uri, uri, len);
  return TRUE;
}

static gboolean
parser_add_duration (Parser  *p,
                     GError **error)
{
  p->total_frac += p->pending_frac;
  if (p->total_frac >= FRAC_PER_SECOND)
    {
      p->total_frac -= FRAC_PER_SECOND;
      p->total_secs++;
    }
  p->total_secs += p->pending_secs;

  if (p->total_secs > MAX_TOTAL_SECS ||
      (p->total_secs == MAX_TOTAL_SECS &&
       _vs_playlist_total_ms (p->total_secs, p->total_frac) > G_MAXINT64))
    return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_BAD_DURATION,
                                      "total duration is too large");
  return TRUE;
}

/* @uri is NUL-terminated at @len; @known_plain as for parser_locate_segment() */
static inline G_ALWAYS_INLINE gboolean
parser_add_segment (Parser      *p,
                    const char  *uri,
                    gsize        len,
                    gboolean     known_plain,
                    GError     **error)
{
  VsPlaylistSegment segment = { uri, NULL, 0, 0, -1, p->discontinuity_sequence, 0,
                                p->key_path, p->map_path, p->key_uri, p->map_uri,
                                p->encrypted };

  if (p->self->flags & VS_PLAYLIST_FLAG_MASTER)
    return _vs_playlist_mixed_error (p, error);
  if (p->self->n_segments == G_MAXUINT)
    return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID, "too many segments");

  if (!parser_locate_segment (p, uri, len, known_plain, &segment.path, error))
    return FALSE;
  if (!p->pending_range)
    p->range_continuable = FALSE;
  else if (!parser_take_range (p, uri, len, &segment, error))
    return FALSE;
  if (!parser_add_duration (p, error))
    return FALSE;

  segment.index = p->self->n_segments++;
  p->pending_extinf = FALSE;
  if (p->func == NULL)
    return TRUE;

  segment.duration_ns = p->pending_secs * 1000000000 +
                        (p->pending_frac + FRAC_PER_NS / 2) / FRAC_PER_NS;
  if (!p->func (&segment, p->user_data))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Playlist parsing was stopped");
      return FALSE;
    }
  return TRUE;
}

static gboolean
parser_handle_uri (Parser  *p,
                   char    *uri,
                   gsize    len,
                   GError **error)
{
  while (IS_BLANK (uri[0]))
    uri++, len--;

  if (p->pending_variant)
    {
      if (p->pending_extinf)
        return _vs_playlist_mixed_error (p, error);
      return parser_add_variant (p, uri, len, error);
    }
  if (p->pending_extinf)
    return parser_add_segment (p, uri, len, FALSE, error);

  p->n_stray_uris++; /* reported once at the end: there may be a line of them */
  return TRUE;
}

static void
parser_check_header (Parser     *p,
                     const char *line,
                     gsize       len)
{
  if (len >= 7 && memcmp (line, "#EXTM3U", 7) == 0 && (len == 7 || g_ascii_isspace (line[7])))
    return;

  /* common in hand-written playlists; the caller decides whether to warn */
  p->self->flags |= VS_PLAYLIST_FLAG_NO_HEADER;
  g_debug ("%s: no #EXTM3U header", p->reader.path);
}

static gboolean
parser_handle_line (Parser  *p,
                    char    *line,
                    gsize    len,
                    GError **error)
{
  if (p->reader.line_no == 1 && len >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0)
    {
      p->self->flags |= VS_PLAYLIST_FLAG_BOM;
      line += 3, len -= 3;
    }
  while (len > 0 && IS_BLANK (line[len - 1]))
    line[--len] = '\0';
  if (len == 0)
    return TRUE;

  if (!p->seen_first_line)
    {
      p->seen_first_line = TRUE;
      parser_check_header (p, line, len);
    }

  if (line[0] != '#')
    {
      /* a URI is needed whole: the start of one names no file */
      if (p->reader.truncated)
        return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_LINE_TOO_LONG,
                                          "URI longer than %d bytes",
                                          VS_PLAYLIST_MAX_LINE_LENGTH);
      return parser_handle_uri (p, line, len, error);
    }
  if (len > 4 && memcmp (line, "#EXT", 4) == 0)
    return _vs_playlist_parser_handle_tag (p, line, len, error);
  return TRUE; /* a comment */
}

/* Fast path */

/* The end of the bare file name that parser_run_fast() accepts as a URI line: the first
 * byte from @c on that is the '\0' sentinel, a line end, a blank (leading and trailing
 * ones are trimmed), or one that uri_is_plain_relative() looks for; with SSE2, any other
 * byte up to ' ' stops it as well. Reads up to READ_SLACK - 1 bytes past the sentinel. */
static inline const char *
fast_uri_end (const char *c)
{
#if defined(__SSE2__) && defined(__GNUC__)
  const __m128i space = _mm_set1_epi8 (' ');
  const __m128i slash = _mm_set1_epi8 ('/');
  const __m128i percent = _mm_set1_epi8 ('%');
  const __m128i colon = _mm_set1_epi8 (':');

  for (;; c += 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (gconstpointer) c);
      __m128i control = _mm_cmpeq_epi8 (_mm_min_epu8 (v, space), v); /* unsigned v <= ' ' */
      __m128i other = _mm_or_si128 (_mm_cmpeq_epi8 (v, slash),
                                    _mm_or_si128 (_mm_cmpeq_epi8 (v, percent),
                                                  _mm_cmpeq_epi8 (v, colon)));
      int mask = _mm_movemask_epi8 (_mm_or_si128 (control, other));

      if (mask != 0)
        return c + __builtin_ctz (mask);
    }
#else
  static const guint8 stops[256] = {
    ['\0'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1, ['\t'] = 1, ['/'] = 1, ['%'] = 1, [':'] = 1,
  };

  while (!stops[(guchar) *c])
    c++;
  return c;
#endif
}

/* Handles the lines that make up nearly all of a media playlist in place in the read
 * buffer, with one scan each and none of the per-line work of _vs_line_reader_next() and
 * parser_handle_line(): "#EXTINF:<d>[.<d>],<title>" with 1 to 9 + 0 to 18 digits, a bare
 * file name (see fast_uri_end()) as a URI, and empty lines, ending in "\n" or, but for
 * empty lines, "\r\n". It does exactly what the general path would do with them, and
 * stops, leaving the reader at the line, at anything else: any other line, one that is
 * not complete in the buffer, a URI while a variant is pending, or the first lines (BOM
 * and header checks). parser_run() then reads that one line the general way and comes
 * back. No byte before the sentinel is '\0' (the line reader checked), so the scans
 * below need no bounds of their own. */
static gboolean
parser_run_fast (Parser  *p,
                 GError **error)
{
  VsLineReader *r = &p->reader;
  char *buf = r->buf;
  const char *end = buf + r->end; /* *end is the '\0' sentinel, and no byte before it is */
  char *s = buf + r->start;

  if (!p->seen_first_line || r->line_no == 0 || r->skip_rest)
    return TRUE;

  for (;;)
    {
      char *nl;

      if (*s == '#')
        {
          const char *c = s + 8;
          const char *digits = c;
          guint64 secs = 0;
          guint64 frac = 0;
          gsize n_frac = 0;

          if (end - s <= 8 || memcmp (s, "#EXTINF:", 8) != 0)
            break;

          /* more digits would need parse_duration()'s bounds: leave them to it */
          for (; IS_DIGIT (*c) && c - digits <= 9; c++)
            secs = secs * 10 + (guint) (*c - '0');
          if (c == digits || c - digits > 9)
            break;
          if (*c == '.')
            {
              const char *first = ++c;

              for (; IS_DIGIT (*c) && c - first <= FRAC_DIGITS; c++)
                frac = frac * 10 + (guint) (*c - '0');
              n_frac = c - first;
              if (n_frac > FRAC_DIGITS)
                break;
            }
          if (*c != ',')
            break;

          /* the title after the comma plays no part */
          nl = c[1] == '\n' ? (char *) c + 1 : memchr (c + 1, '\n', end - c - 1);
          if (nl == NULL || nl - s > VS_PLAYLIST_MAX_LINE_LENGTH)
            break;

          /* as parse_extinf() does; below 10^9 s, the value cannot be too large */
          r->line_no++;
          p->pending_secs = secs;
          p->pending_frac = frac * _vs_playlist_frac_scale[n_frac];
          p->pending_extinf = TRUE;
        }
      else if (*s == '\n')
        {
          nl = s;
          r->line_no++;
        }
      else
        {
          /* stops at the sentinel too, when the line is not complete */
          char *c = (char *) fast_uri_end (s);
          gsize len = c - s;

          nl = c[0] == '\r' && c[1] == '\n' ? c + 1 : c;
          if (*nl != '\n' || p->pending_variant)
            break;
          /* empty (a blank), "." and ".." are not plain names; a '\r' counts in the length */
          if (len == 0 || nl - s > VS_PLAYLIST_MAX_LINE_LENGTH ||
              (s[0] == '.' && (len == 1 || (len == 2 && s[1] == '.'))))
            break;

          r->line_no++;
          *nl = '\0';
          *c = '\0';
          if (p->pending_extinf)
            {
              if (!parser_add_segment (p, s, len, TRUE, error))
                return FALSE;
            }
          else
            p->n_stray_uris++;
        }

      s = nl + 1;
      if ((r->line_no & CANCEL_CHECK_MASK) == 0 &&
          g_cancellable_set_error_if_cancelled (p->cancellable, error))
        return FALSE;
    }

  r->start = r->scan = s - buf;
  return TRUE;
}

static gboolean
parser_finish (Parser  *p,
               GError **error)
{
  VsPlaylist *self = p->self;

  if (p->pending_extinf)
    g_debug ("%s: trailing #EXTINF without a URI ignored", p->reader.path);
  if (p->n_stray_uris > 0)
    g_debug ("%s: %u URIs without #EXTINF ignored", p->reader.path, p->n_stray_uris);

  if (!(self->flags & VS_PLAYLIST_FLAG_MASTER) && self->n_segments == 0)
    {
      g_autofree char *display = g_filename_display_name (self->path);

      g_set_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_NO_SEGMENTS,
                   "“%s” lists no media segment", display);
      return FALSE;
    }

  self->duration_ms = _vs_playlist_total_ms (p->total_secs, p->total_frac);
  return TRUE;
}

static gboolean
parser_run (Parser      *p,
            const char  *base_dir,
            GError     **error)
{
  char *line;
  gsize len;

  p->dir = g_path_get_dirname (p->self->path);
  p->base_dir = base_dir != NULL ? g_canonicalize_filename (base_dir, NULL) : g_strdup (p->dir);
  p->dir_inside_base = vs_path_is_inside (p->dir, p->base_dir);
  p->path_buf = g_string_new (p->dir);
  if (!g_str_has_suffix (p->dir, "/"))
    g_string_append_c (p->path_buf, '/');
  p->dir_prefix_len = p->path_buf->len;
  p->range_uri = g_string_new (NULL);

  if (g_cancellable_set_error_if_cancelled (p->cancellable, error) ||
      !_vs_line_reader_open (&p->reader, p->self->path, error))
    return FALSE;

  while (parser_run_fast (p, error) &&
         _vs_line_reader_next (&p->reader, &line, &len, p->cancellable, error))
    {
      if (line == NULL)
        return parser_finish (p, error);
      if (!parser_handle_line (p, line, len, error))
        return FALSE;
      if ((p->reader.line_no & CANCEL_CHECK_MASK) == 0 &&
          g_cancellable_set_error_if_cancelled (p->cancellable, error))
        return FALSE;
    }
  return FALSE;
}

/* Public API */

VsPlaylist *
vs_playlist_parse (const char             *path,
                   const char             *base_dir,
                   VsPlaylistSegmentFunc   func,
                   gpointer                user_data,
                   GCancellable           *cancellable,
                   GError                **error)
{
  g_autoptr(VsPlaylist) self = NULL;
  g_auto(Parser) p = PARSER_INIT;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (VS_TYPE_PLAYLIST, NULL);
  self->path = g_canonicalize_filename (path, NULL);

  p.self = self;
  p.func = func;
  p.user_data = user_data;
  p.cancellable = cancellable;
  if (!parser_run (&p, base_dir, error))
    return NULL;

  return g_steal_pointer (&self);
}

int
vs_playlist_choose_variant (VsPlaylist *self)
{
  gint64 best_bandwidth = -1;
  int best = -1;

  g_return_val_if_fail (VS_IS_PLAYLIST (self), -1);

  for (guint i = 0; i < self->variants->len && i <= G_MAXINT; i++)
    {
      const Variant *v = &g_array_index (self->variants, Variant, i);

      if (v->pub.exists && v->pub.bandwidth > best_bandwidth)
        {
          best = (int) i;
          best_bandwidth = v->pub.bandwidth;
        }
    }
  return best;
}

static const Variant *
pick_variant (VsPlaylist *master)
{
  int best = vs_playlist_choose_variant (master);

  return best >= 0 ? &g_array_index (master->variants, Variant, best) : NULL;
}

/* Local copies of remote URIs */

char *
_vs_playlist_remote_basename (const char *uri)
{
  gsize len = strcspn (uri, "?#"); /* the query and fragment name no file */
  gsize scheme_len = uri_scheme_length (uri, len);
  const char *path, *end = uri + len, *name;
  g_autofree char *decoded = NULL;

  if (scheme_len == 0 || (scheme_len == 4 && g_ascii_strncasecmp (uri, "file", 4) == 0))
    return NULL;

  path = uri + scheme_len + 1;
  if (end - path >= 2 && path[0] == '/' && path[1] == '/')
    {
      /* the authority (host, port, user) names no file either */
      path = memchr (path + 2, '/', end - path - 2);
      if (path == NULL)
        return NULL;
    }
  name = path;
  for (const char *c = path; c < end; c++)
    if (*c == '/')
      name = c + 1;

  /* NULL for an escaped '/' or NUL, or a bad escape */
  decoded = g_uri_unescape_segment (name, end, "/");
  if (decoded == NULL || decoded[0] == '\0' || g_str_equal (decoded, ".") ||
      g_str_equal (decoded, ".."))
    return NULL;
  return g_steal_pointer (&decoded);
}

char *
vs_playlist_local_copy (const char *uri,
                        const char *folder)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  name = _vs_playlist_remote_basename (uri);
  if (name == NULL)
    return NULL;
  path = g_build_filename (folder, name, NULL);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : NULL;
}

VsPlaylist *
vs_playlist_load (const char             *path,
                  VsPlaylistSegmentFunc   func,
                  gpointer                user_data,
                  GCancellable           *cancellable,
                  GError                **error)
{
  g_autoptr(VsPlaylist) master = NULL;
  g_autoptr(VsPlaylist) media = NULL;
  g_autofree char *master_dir = NULL;
  g_autofree char *shown = NULL;
  const Variant *variant;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  master = vs_playlist_parse (path, NULL, func, user_data, cancellable, error);
  if (master == NULL || !(master->flags & VS_PLAYLIST_FLAG_MASTER))
    return g_steal_pointer (&master);

  variant = pick_variant (master);
  if (variant == NULL)
    {
      g_autofree char *display = g_filename_display_name (master->path);

      g_set_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_NO_VARIANT,
                   "“%s” lists no variant present locally", display);
      return NULL;
    }

  shown = _vs_playlist_shown_text (variant->uri, strlen (variant->uri));
  master_dir = g_path_get_dirname (master->path);
  media = vs_playlist_parse (variant->path, master_dir, func, user_data, cancellable, error);
  if (media == NULL)
    {
      g_prefix_error (error, "Variant “%s”: ", shown);
      return NULL;
    }
  if (media->flags & VS_PLAYLIST_FLAG_MASTER)
    {
      g_set_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID,
                   "Variant “%s” is itself a master playlist", shown);
      return NULL;
    }

  media->master_path = g_strdup (master->path);
  if (variant->escaping)
    media->flags |= VS_PLAYLIST_FLAG_ESCAPING;
  return g_steal_pointer (&media);
}

const char *
vs_playlist_get_path (VsPlaylist *self)
{
  g_return_val_if_fail (VS_IS_PLAYLIST (self), NULL);
  return self->path;
}

const char *
vs_playlist_get_master_path (VsPlaylist *self)
{
  g_return_val_if_fail (VS_IS_PLAYLIST (self), NULL);
  return self->master_path;
}

VsPlaylistFlags
vs_playlist_get_flags (VsPlaylist *self)
{
  g_return_val_if_fail (VS_IS_PLAYLIST (self), VS_PLAYLIST_FLAG_NONE);
  return self->flags;
}

gint64
vs_playlist_get_duration_ms (VsPlaylist *self)
{
  g_return_val_if_fail (VS_IS_PLAYLIST (self), 0);
  return self->duration_ms;
}

guint
vs_playlist_get_n_segments (VsPlaylist *self)
{
  g_return_val_if_fail (VS_IS_PLAYLIST (self), 0);
  return self->n_segments;
}

gint64
vs_playlist_get_target_duration (VsPlaylist *self)
{
  g_return_val_if_fail (VS_IS_PLAYLIST (self), -1);
  return self->target_duration;
}

const char *
vs_playlist_get_map_uri (VsPlaylist *self)
{
  g_return_val_if_fail (VS_IS_PLAYLIST (self), NULL);
  return self->map_uri;
}

const char *
vs_playlist_get_map_path (VsPlaylist *self)
{
  g_return_val_if_fail (VS_IS_PLAYLIST (self), NULL);
  return self->map_path;
}

void
vs_playlist_get_map_byte_range (VsPlaylist *self,
                                gint64     *offset,
                                gint64     *length)
{
  g_return_if_fail (VS_IS_PLAYLIST (self));

  if (offset != NULL)
    *offset = self->map_byte_offset;
  if (length != NULL)
    *length = self->map_byte_length;
}

guint
vs_playlist_get_n_variants (VsPlaylist *self)
{
  g_return_val_if_fail (VS_IS_PLAYLIST (self), 0);
  return self->variants->len;
}

const VsPlaylistVariant *
vs_playlist_get_variant (VsPlaylist *self,
                         guint       index)
{
  g_return_val_if_fail (VS_IS_PLAYLIST (self), NULL);
  g_return_val_if_fail (index < self->variants->len, NULL);
  return &g_array_index (self->variants, Variant, index).pub;
}
