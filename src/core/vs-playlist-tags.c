/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-playlist-tags.c: the playlist parser's tags, and the numbers and attribute lists in them */
#define G_LOG_DOMAIN "vs-playlist"

#include "config.h"

#include <string.h>

#include "vs-playlist-private.h"

/* Numbers */

static void
trim (const char **s,
      gsize       *len)
{
  while (*len > 0 && IS_BLANK ((*s)[0]))
    (*s)++, (*len)--;
  while (*len > 0 && IS_BLANK ((*s)[*len - 1]))
    (*len)--;
}

/* An RFC 8216 decimal-integer that fits a gint64. */
static gboolean
parse_int64 (const char *s,
             gsize       len,
             gint64     *out)
{
  guint64 value = 0;

  trim (&s, &len);
  if (len == 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!IS_DIGIT (s[i]) || value > ((guint64) G_MAXINT64 - (s[i] - '0')) / 10)
        return FALSE;
      value = value * 10 + (s[i] - '0');
    }

  *out = value;
  return TRUE;
}

/* "<n>[@<o>]" as in #EXT-X-BYTERANGE; *offset is -1 without "@<o>". */
static gboolean
parse_byte_range (const char *s,
                  gsize       len,
                  gint64     *length,
                  gint64     *offset)
{
  const char *at = memchr (s, '@', len);

  *offset = -1;
  if (at == NULL)
    return parse_int64 (s, len, length);

  return parse_int64 (s, at - s, length) &&
         parse_int64 (at + 1, s + len - at - 1, offset) &&
         *length <= G_MAXINT64 - *offset;
}

/* RESOLUTION=<width>x<height>, both decimal-integers; leaves 0s when malformed. */
static void
parse_resolution (const char *s,
                  gsize       len,
                  int        *width,
                  int        *height)
{
  const char *x = memchr (s, 'x', len);
  gint64 w, h;

  if (x == NULL)
    x = memchr (s, 'X', len);
  if (x != NULL && parse_int64 (s, x - s, &w) && parse_int64 (x + 1, s + len - x - 1, &h) &&
      w > 0 && h > 0 && w <= G_MAXINT && h <= G_MAXINT)
    {
      *width = (int) w;
      *height = (int) h;
    }
}

/* 10^-18 s units per unit of the n-th fractional digit, 10^(18 - n) */
const guint64 _vs_playlist_frac_scale[FRAC_DIGITS + 1] = {
  G_GUINT64_CONSTANT (1000000000000000000), G_GUINT64_CONSTANT (100000000000000000),
  G_GUINT64_CONSTANT (10000000000000000), G_GUINT64_CONSTANT (1000000000000000),
  G_GUINT64_CONSTANT (100000000000000), G_GUINT64_CONSTANT (10000000000000),
  G_GUINT64_CONSTANT (1000000000000), G_GUINT64_CONSTANT (100000000000),
  G_GUINT64_CONSTANT (10000000000), G_GUINT64_CONSTANT (1000000000),
  100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1,
};

/* An #EXTINF value up to its comma: [0-9]+(\.[0-9]*)? or \.[0-9]+ between optional blanks,
 * nothing else (no sign, exponent, hex, NaN or infinity). *secs and *frac (10^-18 s
 * units) are exact up to 18 fractional digits. It runs once per segment, hence no trim()
 * and no memchr() for the comma. */
static gboolean
parse_duration (const char *s,
                const char *end,
                guint64    *secs,
                guint64    *frac,
                gboolean   *too_large)
{
  guint n_digits = 0;
  guint n_frac = 0;

  *secs = *frac = 0;
  *too_large = FALSE;

  while (s < end && IS_BLANK (*s))
    s++;
  for (; s < end && IS_DIGIT (*s); s++, n_digits++)
    if (*secs <= MAX_SEGMENT_SECS) /* past it, stop before the value can wrap */
      *secs = *secs * 10 + (*s - '0');

  if (s < end && *s == '.')
    for (s++; s < end && IS_DIGIT (*s); s++, n_digits++, n_frac++)
      if (n_frac < FRAC_DIGITS)
        *frac = *frac * 10 + (*s - '0');

  while (s < end && IS_BLANK (*s))
    s++;
  if ((s < end && *s != ',') || n_digits == 0)
    return FALSE;

  *frac *= _vs_playlist_frac_scale[MIN (n_frac, FRAC_DIGITS)];
  *too_large = *secs > MAX_SEGMENT_SECS ||
               *secs * 1000000000 + (*frac + FRAC_PER_NS / 2) / FRAC_PER_NS > G_MAXINT64;
  return !*too_large;
}

guint64
_vs_playlist_total_ms (guint64 secs,
                       guint64 frac)
{
  return secs * 1000 + (frac + FRAC_PER_MS / 2) / FRAC_PER_MS;
}

/* Attribute lists: NAME=value,NAME="quoted, with commas",... */

typedef struct
{
  const char *p;
  const char *end;
} AttrIter;

/* Returns 1 with the next attribute, 0 at the end, -1 when the list is malformed. Quoted
 * values come without their quotes. */
static int
attr_iter_next (AttrIter    *it,
                const char **name,
                gsize       *name_len,
                const char **value,
                gsize       *value_len)
{
  const char *eq;
  const char *value_end;

  while (it->p < it->end && (*it->p == ' ' || *it->p == '\t'))
    it->p++;
  if (it->p == it->end)
    return 0;

  eq = memchr (it->p, '=', it->end - it->p);
  if (eq == NULL || eq == it->p || memchr (it->p, ',', eq - it->p) != NULL)
    return -1;
  *name = it->p;
  *name_len = eq - it->p;

  if (eq + 1 < it->end && eq[1] == '"')
    {
      const char *quote = memchr (eq + 2, '"', it->end - eq - 2);

      if (quote == NULL)
        return -1;
      *value = eq + 2;
      *value_len = quote - *value;
      value_end = quote + 1;
    }
  else
    {
      value_end = memchr (eq + 1, ',', it->end - eq - 1);
      if (value_end == NULL)
        value_end = it->end;
      *value = eq + 1;
      *value_len = value_end - *value;
      trim (value, value_len);
    }

  while (value_end < it->end && (*value_end == ' ' || *value_end == '\t'))
    value_end++;
  if (value_end < it->end && *value_end != ',')
    return -1;
  it->p = value_end < it->end ? value_end + 1 : value_end;
  return 1;
}

static gboolean
attr_is (const char *name,
         gsize       name_len,
         const char *wanted)
{
  return name_len == strlen (wanted) && g_ascii_strncasecmp (name, wanted, name_len) == 0;
}

/* Tags */

static gboolean
bad_duration (Parser      *p,
              GError     **error,
              const char  *value,
              gsize        len,
              gboolean     too_large)
{
  const char *comma = memchr (value, ',', len);
  g_autofree char *shown = NULL;

  if (comma != NULL)
    len = comma - value;
  trim (&value, &len);
  shown = _vs_playlist_shown_text (value, len);

  if (too_large)
    return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_BAD_DURATION,
                                      "#EXTINF duration '%s' is too large", shown);
  return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_BAD_DURATION,
                                    "invalid #EXTINF duration '%s'", shown);
}

/* Keep this free of g_autofree: freeing NULL on every segment shows in profiles. */
static gboolean
parse_extinf (Parser  *p,
              char    *value,
              gsize    len,
              GError **error)
{
  gboolean too_large;

  if (!parse_duration (value, value + len, &p->pending_secs, &p->pending_frac, &too_large))
    return bad_duration (p, error, value, len, too_large);

  /* a second #EXTINF before the URI replaces the first */
  p->pending_extinf = TRUE;
  return TRUE;
}

static gboolean
parse_target_duration (Parser  *p,
                       char    *value,
                       gsize    len,
                       GError **error)
{
  g_autofree char *shown = NULL;

  if (parse_int64 (value, len, &p->self->target_duration))
    return TRUE;

  shown = _vs_playlist_shown_text (value, len);
  return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID,
                                    "invalid #EXT-X-TARGETDURATION '%s'", shown);
}

static gboolean
parse_endlist (Parser  *p,
               char    *value,
               gsize    len,
               GError **error)
{
  p->self->flags |= VS_PLAYLIST_FLAG_ENDLIST;
  return TRUE;
}

static gboolean
parse_discontinuity (Parser  *p,
                     char    *value,
                     gsize    len,
                     GError **error)
{
  p->self->flags |= VS_PLAYLIST_FLAG_DISCONTINUITY;
  p->discontinuity_sequence++;
  return TRUE;
}

static gboolean
parse_byterange (Parser  *p,
                 char    *value,
                 gsize    len,
                 GError **error)
{
  g_autofree char *shown = NULL;

  if (parse_byte_range (value, len, &p->range_length, &p->range_offset))
    {
      p->pending_range = TRUE;
      p->self->flags |= VS_PLAYLIST_FLAG_BYTERANGE;
      return TRUE;
    }

  shown = _vs_playlist_shown_text (value, len);
  return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID,
                                    "invalid #EXT-X-BYTERANGE '%s'", shown);
}

static gboolean
bad_attributes (Parser     *p,
                GError    **error,
                const char *tag)
{
  return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID,
                                    "malformed %s attribute list", tag);
}

static gboolean
parse_key (Parser  *p,
           char    *value,
           gsize    len,
           GError **error)
{
  AttrIter it = { value, value + len };
  const char *name, *attr;
  gsize name_len, attr_len;
  gboolean have_method = FALSE;
  gboolean encrypts = FALSE;
  g_autofree char *uri = NULL;
  int r;

  while ((r = attr_iter_next (&it, &name, &name_len, &attr, &attr_len)) > 0)
    {
      if (attr_is (name, name_len, "URI"))
        {
          g_clear_pointer (&uri, g_free);
          uri = g_strndup (attr, attr_len);
        }
      if (!attr_is (name, name_len, "METHOD"))
        continue;
      have_method = TRUE;
      encrypts = !attr_is (attr, attr_len, "NONE");
    }
  if (r < 0)
    return bad_attributes (p, error, "#EXT-X-KEY");

  /* METHOD is required; without it, assume the worst */
  p->encrypted = encrypts || !have_method;
  if (p->encrypted)
    p->self->flags |= VS_PLAYLIST_FLAG_ENCRYPTED;

  /* The key file belongs to the download (its segments name it through this tag). A key
   * fetched from elsewhere (https:, skd:) says nothing about where the media is: the
   * playlist's flags are left as they were. */
  g_clear_pointer (&p->key_path, g_free);
  g_clear_pointer (&p->key_uri, g_free);
  if (uri != NULL && uri[0] != '\0')
    {
      VsPlaylistFlags flags = p->self->flags;
      g_autofree char *path = NULL;
      gboolean escaping = TRUE;

      /* nor does a key URI that cannot be read fail the playlist, as it never did */
      if (!_vs_playlist_parser_resolve (p, uri, &path, &escaping, NULL))
        g_clear_pointer (&path, g_free);
      p->self->flags = flags;
      if (!escaping)
        p->key_path = g_steal_pointer (&path);
      p->key_uri = g_steal_pointer (&uri);
    }
  return TRUE;
}

static gboolean
parse_map (Parser  *p,
           char    *value,
           gsize    len,
           GError **error)
{
  VsPlaylist *self = p->self;
  AttrIter it = { value, value + len };
  const char *name, *attr;
  gsize name_len, attr_len;
  g_autofree char *uri = NULL;
  g_autofree char *path = NULL;
  gint64 length = -1, offset = -1;
  gboolean escaping;
  int r;

  while ((r = attr_iter_next (&it, &name, &name_len, &attr, &attr_len)) > 0)
    {
      if (attr_is (name, name_len, "URI"))
        {
          g_clear_pointer (&uri, g_free);
          uri = g_strndup (attr, attr_len);
        }
      else if (attr_is (name, name_len, "BYTERANGE") &&
               !parse_byte_range (attr, attr_len, &length, &offset))
        return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID,
                                          "invalid #EXT-X-MAP BYTERANGE");
    }
  if (r < 0)
    return bad_attributes (p, error, "#EXT-X-MAP");
  if (uri == NULL || uri[0] == '\0')
    return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID,
                                      "#EXT-X-MAP without a URI");

  if (!_vs_playlist_parser_resolve (p, uri, &path, &escaping, error))
    return FALSE;

  /* later maps (after a discontinuity) are checked, but the first one is kept; the
   * segments each name the one in force */
  self->flags |= VS_PLAYLIST_FLAG_INIT_MAP;
  g_free (p->map_path);
  p->map_path = g_strdup (path);
  g_free (p->map_uri);
  p->map_uri = g_strdup (uri);
  if (self->map_uri == NULL)
    {
      self->map_uri = g_steal_pointer (&uri);
      self->map_path = g_steal_pointer (&path);
      self->map_byte_length = length;
      self->map_byte_offset = MAX (offset, 0);
    }
  return TRUE;
}

gboolean
_vs_playlist_mixed_error (Parser  *p,
                          GError **error)
{
  return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID,
                                    "master playlist tags mixed with media segments");
}

static gboolean
parse_stream_inf (Parser  *p,
                  char    *value,
                  gsize    len,
                  GError **error)
{
  AttrIter it = { value, value + len };
  const char *name, *attr;
  gsize name_len, attr_len;
  int r;

  if (p->self->n_segments > 0)
    return _vs_playlist_mixed_error (p, error);

  p->self->flags |= VS_PLAYLIST_FLAG_MASTER;
  p->pending_variant = TRUE;
  p->pending_bandwidth = 0;
  p->pending_width = p->pending_height = 0;

  while ((r = attr_iter_next (&it, &name, &name_len, &attr, &attr_len)) > 0)
    {
      if (attr_is (name, name_len, "BANDWIDTH") &&
          !parse_int64 (attr, attr_len, &p->pending_bandwidth))
        return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_INVALID,
                                          "invalid #EXT-X-STREAM-INF BANDWIDTH");
      /* only shown to people: a malformed one is left out, it fails nothing */
      if (attr_is (name, name_len, "RESOLUTION"))
        parse_resolution (attr, attr_len, &p->pending_width, &p->pending_height);
    }
  if (r < 0)
    return bad_attributes (p, error, "#EXT-X-STREAM-INF");
  return TRUE;
}

typedef gboolean (*TagFunc) (Parser *p, char *value, gsize len, GError **error);

static const struct
{
  const char *name;
  gsize       len;
  TagFunc     func;
} tags[] = {
#define TAG(name, func) { name, sizeof name - 1, func }
  TAG ("#EXTINF", parse_extinf),
  TAG ("#EXT-X-BYTERANGE", parse_byterange),
  TAG ("#EXT-X-DISCONTINUITY", parse_discontinuity),
  TAG ("#EXT-X-KEY", parse_key),
  TAG ("#EXT-X-MAP", parse_map),
  TAG ("#EXT-X-TARGETDURATION", parse_target_duration),
  TAG ("#EXT-X-ENDLIST", parse_endlist),
  TAG ("#EXT-X-STREAM-INF", parse_stream_inf),
#undef TAG
};

/* Unknown tags are ignored, as RFC 8216 asks. */
gboolean
_vs_playlist_parser_handle_tag (Parser  *p,
                                char    *line,
                                gsize    len,
                                GError **error)
{
  char *colon;
  gsize name_len;
  char *value;

  /* nearly every other line */
  if (len >= 8 && memcmp (line, "#EXTINF:", 8) == 0 &&
      (!p->reader.truncated || memchr (line + 8, ',', len - 8) != NULL))
    return parse_extinf (p, line + 8, len - 8, error);

  colon = memchr (line, ':', len);
  name_len = colon != NULL ? (gsize) (colon - line) : len;
  value = colon != NULL ? colon + 1 : line + len;
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      if (name_len != tags[i].len || memcmp (line, tags[i].name, name_len) != 0)
        continue;
      /* of a line cut at the bound, only an #EXTINF's title (above), or what the tags that
       * read no value ignore, may be missing */
      if (p->reader.truncated && tags[i].func != parse_endlist &&
          tags[i].func != parse_discontinuity)
        return _vs_playlist_parser_error (p, error, VS_PLAYLIST_ERROR_LINE_TOO_LONG,
                                          "%s longer than %d bytes", tags[i].name,
                                          VS_PLAYLIST_MAX_LINE_LENGTH);
      return tags[i].func (p, value, line + len - value, error);
    }

  return TRUE;
}
