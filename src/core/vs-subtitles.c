/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-subtitles.c: SubRip and WebVTT subtitles, read line by line
 *
 * The file is streamed through the playlist's bounded line reader and kept as compact cues
 * (times and an offset into one string of markup), refused above 16 MiB. What players
 * accept, this accepts: a UTF-8 byte order mark, CRLF, missing cue numbers or blank lines,
 * cue settings after VTT times, hours left out, "," or "." before the milliseconds, text in
 * Windows-1252. A cue whose times do not parse is skipped and counted, never the file.
 * The cue at a time is found by a binary search over the start times; overlapping cues
 * are found by walking back while a running maximum of the end times says one may still
 * be showing (a bounded walk).
 */
#define G_LOG_DOMAIN "vs-subtitles"

#include "config.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vs-path.h"
#include "vs-playlist-private.h"
#include "vs-subtitles.h"

#define MAX_CUE_TEXT   4096   /* bytes of one cue's text kept */
#define MAX_TAG_DEPTH  8
#define MAX_WALK_BACK  64     /* cues looked at before the one found, for overlaps */

typedef struct
{
  gint64 start_ms;
  gint64 end_ms;
  gint64 max_end_ms;   /* the latest end of this cue and every cue before it */
  guint  text;         /* offset in self->texts */
} Cue;

struct _VsSubtitles
{
  GObject     parent_instance;

  char       *path;
  GArray     *cues;     /* of Cue, by start */
  GString    *texts;    /* the cues' markup, each NUL-terminated */
  guint       n_skipped;
  gboolean    converted;
};

G_DEFINE_FINAL_TYPE (VsSubtitles, vs_subtitles, G_TYPE_OBJECT)
G_DEFINE_QUARK (vs-subtitles-error-quark, vs_subtitles_error)

typedef enum
{
  STATE_IDLE,          /* between cues */
  STATE_TIMING,        /* after a cue identifier: its times are next */
  STATE_TEXT,          /* in a cue's text */
  STATE_SKIP,          /* in a block left out (VTT header, NOTE, STYLE, a bad cue) */
} State;

typedef struct
{
  VsSubtitles *self;
  State        state;
  gboolean     first_line;
  gboolean     vtt;
  gint64       start_ms;
  gint64       end_ms;
  GString     *raw;         /* the current cue's text as read */
  gsize        last_line;   /* where its last line starts in @raw */
} SubParser;

/* Times ------------------------------------------------------------------------- */

static gboolean
parse_number (const char **p,
              guint        max_digits,
              guint64     *value,
              guint       *n_digits)
{
  *value = 0;
  *n_digits = 0;
  while (g_ascii_isdigit (**p) && *n_digits < max_digits)
    {
      *value = *value * 10 + (**p - '0');
      (*p)++;
      (*n_digits)++;
    }
  return *n_digits > 0 && !g_ascii_isdigit (**p);
}

/* [H…:]MM:SS[,.]mmm, leniently: 1 or 2 digits for minutes and seconds, 1 to 9 for the
 * fraction; minutes and seconds below 60. */
static gboolean
parse_time (const char **p,
            gint64      *ms)
{
  guint64 parts[3], fraction = 0;
  guint n_parts = 0, digits;

  for (;;)
    {
      if (!parse_number (p, n_parts == 0 ? 6 : 2, &parts[n_parts], &digits))
        return FALSE;
      n_parts++;
      if (**p != ':' || n_parts == 3)
        break;
      (*p)++;
    }
  if (n_parts < 2)
    return FALSE;
  if (**p == ',' || **p == '.')
    {
      (*p)++;
      if (!parse_number (p, 9, &fraction, &digits))
        return FALSE;
      for (; digits < 3; digits++)
        fraction *= 10;
      for (; digits > 3; digits--)
        fraction /= 10;
    }
  if (parts[n_parts - 1] >= 60 || parts[n_parts - 2] >= 60)
    return FALSE;
  if (n_parts == 2)
    *ms = (gint64) (parts[0] * 60 + parts[1]) * 1000 + fraction;
  else
    *ms = (gint64) ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + fraction;
  return TRUE;
}

/* "START --> END[ settings]": TRUE with both times when it is one. */
static gboolean
parse_timing (const char *line,
              gint64     *start_ms,
              gint64     *end_ms)
{
  const char *p = line;

  while (*p == ' ' || *p == '\t')
    p++;
  if (!parse_time (&p, start_ms))
    return FALSE;
  while (*p == ' ' || *p == '\t')
    p++;
  if (!g_str_has_prefix (p, "-->"))
    return FALSE;
  p += 3;
  while (*p == ' ' || *p == '\t')
    p++;
  if (!parse_time (&p, end_ms))
    return FALSE;
  /* VTT cue settings (or SubRip's X1:… coordinates) may follow, after a blank */
  return *p == '\0' || *p == ' ' || *p == '\t';
}

/* Text to markup ------------------------------------------------------------------ */

/* The entities WebVTT writes (and some SubRip files borrow), decoded; NULL for others. */
static const char *
entity (const char *p,
        gsize      *len)
{
  static const struct { const char *name; const char *text; } entities[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
    { "&apos;", "'" }, { "&nbsp;", "\xc2\xa0" }, { "&lrm;", "\xe2\x80\x8e" },
    { "&rlm;", "\xe2\x80\x8f" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    if (g_str_has_prefix (p, entities[i].name))
      {
        *len = strlen (entities[i].name);
        return entities[i].text;
      }
  return NULL;
}

static void
append_escaped (GString    *out,
                const char *text,
                gsize       len)
{
  for (gsize i = 0; i < len; i++)
    switch (text[i])
      {
      case '&':
        g_string_append (out, "&amp;");
        break;
      case '<':
        g_string_append (out, "&lt;");
        break;
      case '>':
        g_string_append (out, "&gt;");
        break;
      case '\t':
        g_string_append_c (out, ' ');
        break;
      case '\n':
        g_string_append_c (out, '\n');
        break;
      default:
        /* other control characters are no text (and GMarkup refuses some) */
        if ((guchar) text[i] >= 0x20 && text[i] != 0x7f)
          g_string_append_c (out, text[i]);
      }
}

/* <i>, <b>, <u> (any case, attributes aside) open or close that style; any other tag
 * (<font …>, <c.yellow>, <v Name>, <ruby>, <00:01.000>…) is left out. */
static void
apply_tag (const char *tag,
           gsize       len,
           char       *open,
           guint      *depth,
           GString    *out)
{
  gboolean closing = len > 0 && tag[0] == '/';
  char name;

  if (closing)
    tag++, len--;
  if (len == 0 || (len > 1 && tag[1] != ' ' && tag[1] != '.'))
    return;
  name = g_ascii_tolower (tag[0]);
  if (name != 'i' && name != 'b' && name != 'u')
    return;
  if (!closing)
    {
      if (*depth < MAX_TAG_DEPTH)
        {
          open[(*depth)++] = name;
          g_string_append_printf (out, "<%c>", name);
        }
      return;
    }
  /* closes the latest one of its kind, and those opened after it (markup must nest) */
  for (guint i = *depth; i > 0; i--)
    if (open[i - 1] == name)
      {
        while (*depth >= i)
          g_string_append_printf (out, "</%c>", open[--(*depth)]);
        return;
      }
}

/* The '>' closing the tag at @p, or NULL when @p is a plain "<" ("a < b"): a tag starts
 * with a letter, "/" or a digit (a VTT timestamp) and is short, on one line. */
static const char *
tag_end (const char *p)
{
  if (!g_ascii_isalnum (p[1]) && p[1] != '/')
    return NULL;
  for (guint i = 1; i < 128 && p[i] != '\0'; i++)
    if (p[i] == '>')
      return p + i;
    else if (p[i] == '<' || p[i] == '\n')
      return NULL;
  return NULL;
}

/* @text (UTF-8) as well-formed Pango markup, appended to @out. */
static void
append_markup (GString    *out,
               const char *text)
{
  char open[MAX_TAG_DEPTH];
  guint depth = 0;
  const char *p = text;

  while (*p != '\0')
    {
      gsize run = strcspn (p, "<{&");
      const char *end;
      const char *decoded;
      gsize len;

      append_escaped (out, p, run);
      p += run;
      if (*p == '\0')
        break;
      if (*p == '<' && (end = tag_end (p)) != NULL)
        {
          apply_tag (p + 1, end - p - 1, open, &depth, out);
          p = end + 1;
        }
      else if (*p == '{' && p[1] == '\\' && (end = strchr (p, '}')) != NULL)
        p = end + 1;   /* an ASS override such as {\an8} */
      else if (*p == '&' && (decoded = entity (p, &len)) != NULL)
        {
          append_escaped (out, decoded, strlen (decoded));
          p += len;
        }
      else
        {
          append_escaped (out, p, 1);
          p++;
        }
    }
  while (depth > 0)
    g_string_append_printf (out, "</%c>", open[--depth]);
}

/* Parsing -------------------------------------------------------------------------- */

static void
start_cue (SubParser *p,
           gint64  start_ms,
           gint64  end_ms)
{
  p->start_ms = start_ms;
  p->end_ms = end_ms;
  g_string_truncate (p->raw, 0);
  p->last_line = 0;
  p->state = STATE_TEXT;
}

static void
finish_cue (SubParser *p)
{
  VsSubtitles *self = p->self;
  Cue cue;

  p->state = STATE_IDLE;
  if (p->end_ms <= p->start_ms)
    {
      self->n_skipped++;
      return;
    }
  /* a cue with no text shows nothing */
  if (p->raw->len == 0)
    return;
  cue.start_ms = p->start_ms;
  cue.end_ms = p->end_ms;
  cue.text = self->texts->len;
  append_markup (self->texts, p->raw->str);
  g_string_append_c (self->texts, '\0');
  g_array_append_val (self->cues, cue);
}

static gboolean
is_blank (const char *line)
{
  for (; *line != '\0'; line++)
    if (!g_ascii_isspace (*line))
      return FALSE;
  return TRUE;
}

static gboolean
is_number (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

/* A WebVTT block that is no cue: NOTE, STYLE, REGION. */
static gboolean
is_vtt_block (const char *line)
{
  static const char *const names[] = { "NOTE", "STYLE", "REGION" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gsize n = strlen (names[i]);

      if (strncmp (line, names[i], n) == 0 && (line[n] == '\0' || g_ascii_isspace (line[n])))
        return TRUE;
    }
  return FALSE;
}

static void
append_text_line (SubParser     *p,
                  const char *line)
{
  gsize len = strlen (line);

  if (p->raw->len >= MAX_CUE_TEXT)
    return;
  if (p->raw->len > 0)
    g_string_append_c (p->raw, '\n');
  p->last_line = p->raw->len;
  g_string_append_len (p->raw, line, MIN (len, MAX_CUE_TEXT - p->raw->len));
  /* never half a character */
  while (!g_utf8_validate (p->raw->str + p->last_line, -1, NULL))
    g_string_truncate (p->raw, p->raw->len - 1);
}

/* One line, UTF-8, without its end of line. */
static void
parse_line (SubParser     *p,
            const char *line)
{
  gint64 start_ms, end_ms;
  gboolean timing;

  if (p->first_line)
    {
      p->first_line = FALSE;
      if (g_str_has_prefix (line, "\xef\xbb\xbf"))
        line += 3;
      if (g_str_has_prefix (line, "WEBVTT") && (line[6] == '\0' || g_ascii_isspace (line[6])))
        {
          /* the header block runs to the first blank line */
          p->vtt = TRUE;
          p->state = STATE_SKIP;
          return;
        }
    }

  if (is_blank (line))
    {
      if (p->state == STATE_TEXT)
        finish_cue (p);
      p->state = STATE_IDLE;
      return;
    }

  timing = strstr (line, "-->") != NULL && parse_timing (line, &start_ms, &end_ms);
  switch (p->state)
    {
    case STATE_TEXT:
      if (!timing)
        {
          append_text_line (p, line);
          return;
        }
      /* no blank line before the next cue: its number, if any, was read as text */
      if (p->last_line < p->raw->len && is_number (p->raw->str + p->last_line))
        g_string_truncate (p->raw, p->last_line > 0 ? p->last_line - 1 : 0);
      finish_cue (p);
      start_cue (p, start_ms, end_ms);
      return;

    case STATE_IDLE:
    case STATE_TIMING:
      if (timing)
        start_cue (p, start_ms, end_ms);
      else if (p->state == STATE_IDLE && p->vtt && is_vtt_block (line))
        p->state = STATE_SKIP;
      else if (strstr (line, "-->") != NULL || p->state == STATE_TIMING)
        {
          /* times that do not parse, or no times after an identifier: the cue goes */
          p->self->n_skipped++;
          p->state = STATE_SKIP;
        }
      else
        p->state = STATE_TIMING;   /* a cue number or identifier */
      return;

    case STATE_SKIP:
      if (timing)
        start_cue (p, start_ms, end_ms);
      return;

    default:
      g_assert_not_reached ();
    }
}

static gint
compare_cues (gconstpointer a,
              gconstpointer b)
{
  const Cue *x = a, *y = b;

  if (x->start_ms != y->start_ms)
    return x->start_ms < y->start_ms ? -1 : 1;
  /* the file's order: texts were appended in it */
  return x->text < y->text ? -1 : x->text > y->text;
}

static void
index_cues (VsSubtitles *self)
{
  gint64 max_end = G_MININT64;

  g_array_sort (self->cues, compare_cues);
  for (guint i = 0; i < self->cues->len; i++)
    {
      Cue *cue = &g_array_index (self->cues, Cue, i);

      max_end = MAX (max_end, cue->end_ms);
      cue->max_end_ms = max_end;
    }
}

/* Windows-1252's 0x80 to 0x9F (0: unassigned); its other bytes are Latin-1's. */
static const gunichar cp1252_high[32] = {
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
  0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* NULL when @line is UTF-8; else it read as Windows-1252 (the usual encoding of subtitles
 * that are not UTF-8), unassigned bytes left out. Byte by byte: it cannot fail. */
static char *
to_utf8 (VsSubtitles *self,
         const char  *line,
         gsize        len)
{
  GString *text;

  if (g_utf8_validate (line, len, NULL))
    return NULL;
  self->converted = TRUE;
  text = g_string_sized_new (len * 2);
  for (gsize i = 0; i < len; i++)
    {
      guchar c = line[i];
      gunichar u = c >= 0x80 && c < 0xa0 ? cp1252_high[c - 0x80] : c;

      if (u != 0)
        g_string_append_unichar (text, u);
    }
  return g_string_free (text, FALSE);
}

static gboolean
check_file (VsLineReader  *r,
            const char    *path,
            GError       **error)
{
  g_autofree char *display = g_filename_display_basename (path);
  guchar bom[2] = { 0, 0 };
  struct stat st;

  if (fstat (r->fd, &st) == 0 && st.st_size > VS_SUBTITLES_MAX_FILE_SIZE)
    {
      g_autofree char *size = g_format_size (st.st_size);

      g_set_error (error, VS_SUBTITLES_ERROR, VS_SUBTITLES_ERROR_TOO_LARGE,
                   _("“%s” is too large for subtitles (%s; at most 16 MiB are read)"), display,
                   size);
      return FALSE;
    }
  if (pread (r->fd, bom, 2, 0) == 2 &&
      ((bom[0] == 0xff && bom[1] == 0xfe) || (bom[0] == 0xfe && bom[1] == 0xff)))
    {
      g_set_error (error, VS_SUBTITLES_ERROR, VS_SUBTITLES_ERROR_NOT_TEXT,
                   _("“%s” is in UTF-16: save it as UTF-8 to see these subtitles"), display);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_file (VsSubtitles   *self,
            VsLineReader  *r,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) raw = g_string_new (NULL);
  SubParser p = { .self = self, .state = STATE_IDLE, .first_line = TRUE, .raw = raw };
  gsize total = 0;

  for (;;)
    {
      char *line;
      gsize len;
      g_autofree char *converted = NULL;

      if (!_vs_line_reader_next (r, &line, &len, cancellable, &local_error))
        {
          g_autofree char *display = g_filename_display_basename (self->path);

          if (!g_error_matches (local_error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_set_error (error, VS_SUBTITLES_ERROR, VS_SUBTITLES_ERROR_NOT_TEXT,
                       _("“%s” is not a text file of subtitles"), display);
          return FALSE;
        }
      if (line == NULL)
        break;
      /* the file may have grown since it was measured */
      total += len + 1;
      if (total > VS_SUBTITLES_MAX_FILE_SIZE)
        {
          g_autofree char *display = g_filename_display_basename (self->path);

          g_set_error (error, VS_SUBTITLES_ERROR, VS_SUBTITLES_ERROR_TOO_LARGE,
                       _("“%s” is too large for subtitles (at most 16 MiB are read)"), display);
          return FALSE;
        }
      converted = to_utf8 (self, line, len);
      parse_line (&p, converted ? converted : line);
    }
  if (p.state == STATE_TEXT)
    finish_cue (&p);
  if (self->cues->len == 0)
    {
      g_autofree char *display = g_filename_display_basename (self->path);

      g_set_error (error, VS_SUBTITLES_ERROR, VS_SUBTITLES_ERROR_NO_CUES,
                   _("“%s” holds no subtitles that can be shown"), display);
      return FALSE;
    }
  index_cues (self);
  return TRUE;
}

VsSubtitles *
vs_subtitles_new_from_file (const char    *path,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(VsSubtitles) self = NULL;
  VsLineReader r = { .fd = -1 };
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (VS_TYPE_SUBTITLES, NULL);
  self->path = g_strdup (path);
  if (!_vs_line_reader_open (&r, self->path, error))
    return NULL;
  ok = check_file (&r, path, error) && parse_file (self, &r, cancellable, error);
  g_close (r.fd, NULL);
  g_free (r.buf);
  return ok ? g_steal_pointer (&self) : NULL;
}

/* Finding them ------------------------------------------------------------------- */

static char *
find_exact (const char *base)
{
  static const char *const extensions[] = { ".srt", ".vtt" };

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      g_autofree char *path = g_strconcat (base, extensions[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

static gboolean
is_language_tag (const char *text,
                 gsize       len)
{
  if (len == 0 || len > 16)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
      return FALSE;
  return TRUE;
}

/* BASE.LANG.srt or .vtt: the user's languages first, else the first such name in the
 * folder (in byte order, so the choice does not change from one run to the next). */
static char *
find_with_language (const char *base)
{
  const char *const *languages = g_get_language_names ();
  g_autofree char *folder = g_path_get_dirname (base);
  g_autofree char *name = g_path_get_basename (base);
  g_autofree char *best = NULL;
  gsize name_len = strlen (name);
  DIR *dir;
  struct dirent *entry;

  for (guint i = 0; languages[i] != NULL; i++)
    {
      g_autofree char *with = NULL;
      char *found;

      if (g_str_equal (languages[i], "C") || strchr (languages[i], '.') != NULL ||
          strchr (languages[i], '@') != NULL)
        continue;
      with = g_strconcat (base, ".", languages[i], NULL);
      if ((found = find_exact (with)) != NULL)
        return found;
    }

  dir = opendir (folder);
  if (dir == NULL)
    return NULL;
  while ((entry = readdir (dir)) != NULL)
    {
      const char *n = entry->d_name;
      gsize len = strlen (n);

      if (len < name_len + 6 || strncmp (n, name, name_len) != 0 || n[name_len] != '.' ||
          (!vs_path_has_suffix_nocase (n, ".srt") && !vs_path_has_suffix_nocase (n, ".vtt")) ||
          !is_language_tag (n + name_len + 1, len - name_len - 5))
        continue;
      if (best == NULL || strcmp (n, best) < 0)
        {
          g_free (best);
          best = g_strdup (n);
        }
    }
  closedir (dir);
  return best ? g_build_filename (folder, best, NULL) : NULL;
}

char *
vs_subtitles_find (const char *video_path)
{
  g_autofree char *base = NULL;
  const char *dot, *slash;
  char *found;

  g_return_val_if_fail (video_path != NULL, NULL);

  slash = strrchr (video_path, '/');
  dot = strrchr (video_path, '.');
  base = dot != NULL && (slash == NULL || dot > slash + 1)
         ? g_strndup (video_path, dot - video_path)
         : g_strdup (video_path);
  if ((found = find_exact (base)) != NULL || (found = find_with_language (base)) != NULL)
    return found;
  if (vs_path_has_suffix_nocase (video_path, ".m3u8"))
    {
      /* an HLS download is named after its folder: Show/index.m3u8 and Show.srt */
      g_autofree char *folder = g_path_get_dirname (video_path);

      if (!g_str_equal (folder, "/") && !g_str_equal (folder, "."))
        return (found = find_exact (folder)) != NULL ? found : find_with_language (folder);
    }
  return NULL;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autofree char *path = vs_subtitles_find (task_data);
  GError *error = NULL;
  VsSubtitles *subtitles;

  if (path == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  subtitles = vs_subtitles_new_from_file (path, cancellable, &error);
  if (subtitles == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, subtitles, g_object_unref);
}

void
vs_subtitles_load_for_video_async (const char          *video_path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (video_path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_subtitles_load_for_video_async);
  g_task_set_task_data (task, g_strdup (video_path), g_free);
  g_task_run_in_thread (task, load_in_thread);
}

VsSubtitles *
vs_subtitles_load_for_video_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Reading them ------------------------------------------------------------------- */

const char *
vs_subtitles_get_path (VsSubtitles *self)
{
  g_return_val_if_fail (VS_IS_SUBTITLES (self), NULL);
  return self->path;
}

const char *
vs_subtitles_get_encoding (VsSubtitles *self)
{
  g_return_val_if_fail (VS_IS_SUBTITLES (self), NULL);
  return self->converted ? "WINDOWS-1252" : "UTF-8";
}

guint
vs_subtitles_get_n_cues (VsSubtitles *self)
{
  g_return_val_if_fail (VS_IS_SUBTITLES (self), 0);
  return self->cues->len;
}

guint
vs_subtitles_get_n_skipped (VsSubtitles *self)
{
  g_return_val_if_fail (VS_IS_SUBTITLES (self), 0);
  return self->n_skipped;
}

const char *
vs_subtitles_get_cue (VsSubtitles *self,
                      guint        index,
                      gint64      *start_ms,
                      gint64      *end_ms)
{
  const Cue *cue;

  g_return_val_if_fail (VS_IS_SUBTITLES (self), NULL);
  g_return_val_if_fail (index < self->cues->len, NULL);

  cue = &g_array_index (self->cues, Cue, index);
  if (start_ms != NULL)
    *start_ms = cue->start_ms;
  if (end_ms != NULL)
    *end_ms = cue->end_ms;
  return self->texts->str + cue->text;
}

char *
vs_subtitles_dup_markup_at (VsSubtitles *self,
                            gint64       time_ms)
{
  const Cue *cues;
  const Cue *shown[VS_SUBTITLES_MAX_SHOWN];
  guint lo = 0, hi, n_shown = 0;
  GString *out;

  g_return_val_if_fail (VS_IS_SUBTITLES (self), NULL);

  /* the first cue starting after @time_ms */
  cues = (const Cue *) self->cues->data;
  hi = self->cues->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (cues[mid].start_ms <= time_ms)
        lo = mid + 1;
      else
        hi = mid;
    }
  /* back from there while some cue so far may still be showing */
  for (guint i = lo, walked = 0; i > 0 && walked < MAX_WALK_BACK; i--, walked++)
    {
      const Cue *cue = &cues[i - 1];

      if (cue->max_end_ms <= time_ms || n_shown == VS_SUBTITLES_MAX_SHOWN)
        break;
      if (cue->end_ms > time_ms)
        shown[n_shown++] = cue;
    }
  if (n_shown == 0)
    return NULL;
  out = g_string_new (NULL);
  for (guint i = n_shown; i > 0; i--)
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, self->texts->str + shown[i - 1]->text);
    }
  return g_string_free (out, FALSE);
}

/* Lifecycle -------------------------------------------------------------------- */

static void
vs_subtitles_finalize (GObject *object)
{
  VsSubtitles *self = VS_SUBTITLES (object);

  g_free (self->path);
  g_array_unref (self->cues);
  g_string_free (self->texts, TRUE);

  G_OBJECT_CLASS (vs_subtitles_parent_class)->finalize (object);
}

static void
vs_subtitles_class_init (VsSubtitlesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_subtitles_finalize;
}

static void
vs_subtitles_init (VsSubtitles *self)
{
  self->cues = g_array_new (FALSE, FALSE, sizeof (Cue));
  self->texts = g_string_new (NULL);
}
