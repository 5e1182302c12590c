/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-playlist.c: the streaming HLS playlist parser
 *
 * Every fixture playlist is written at test time into a fresh temporary folder. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vs-hls-info.h"
#include "vs-playlist-private.h"
#include "vs-test-utils.h"

typedef struct
{
  char *dir; /* canonical, as the parser reports paths */
} Fixture;

typedef struct
{
  char   *uri;
  char   *path;
  gint64  duration_ns;
  gint64  byte_offset;
  gint64  byte_length;
  guint   discontinuity_sequence;
  guint   index;
  char   *key_path;
  char   *map_path;
  char   *key_uri;
  char   *map_uri;
  gboolean encrypted;
} Segment;

typedef struct
{
  GArray       *segments; /* of Segment */
  guint         stop_after;
  guint         cancel_after;
  GCancellable *cancellable;
} Collector;

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("vs-playlist-XXXXXX", &error);

  g_assert_no_error (error);
  f->dir = g_canonicalize_filename (tmp, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rm_rf (f->dir);
  g_clear_pointer (&f->dir, g_free);
}

/* Writes @len bytes (-1: a string) to @name under the fixture folder; returns its path. */
static char *
write_file (Fixture    *f,
            const char *name,
            const char *contents,
            gssize      len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
  vs_test_add_fuzz_seed ("playlist", contents, len < 0 ? strlen (contents) : (gsize) len);
  return g_steal_pointer (&path);
}

static char *
fixture_path (Fixture    *f,
              const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
segment_clear (gpointer data)
{
  Segment *s = data;

  g_clear_pointer (&s->uri, g_free);
  g_clear_pointer (&s->path, g_free);
  g_clear_pointer (&s->key_path, g_free);
  g_clear_pointer (&s->map_path, g_free);
  g_clear_pointer (&s->key_uri, g_free);
  g_clear_pointer (&s->map_uri, g_free);
}

static void
collector_init (Collector *c)
{
  memset (c, 0, sizeof *c);
  c->segments = g_array_new (FALSE, TRUE, sizeof (Segment));
  g_array_set_clear_func (c->segments, segment_clear);
}

static void
collector_clear (Collector *c)
{
  g_clear_pointer (&c->segments, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Collector, collector_clear)

static gboolean
collect (const VsPlaylistSegment *segment,
         gpointer                 user_data)
{
  Collector *c = user_data;
  Segment copy = {
    g_strdup (segment->uri), g_strdup (segment->path), segment->duration_ns,
    segment->byte_offset, segment->byte_length, segment->discontinuity_sequence, segment->index,
    g_strdup (segment->key_path), g_strdup (segment->map_path),
    g_strdup (segment->key_uri), g_strdup (segment->map_uri), segment->encrypted,
  };

  g_array_append_val (c->segments, copy);
  if (c->cancel_after > 0 && c->segments->len == c->cancel_after)
    g_cancellable_cancel (c->cancellable);
  return c->stop_after == 0 || c->segments->len < c->stop_after;
}

static Segment *
nth_segment (Collector *c,
             guint      n)
{
  g_assert_cmpuint (n, <, c->segments->len);
  return &g_array_index (c->segments, Segment, n);
}

/* Parses @text as "test.m3u8"; @c may be NULL to parse without a callback. */
static VsPlaylist *
parse_text (Fixture    *f,
            const char *text,
            Collector  *c,
            GError    **error)
{
  g_autofree char *path = write_file (f, "test.m3u8", text, -1);

  return vs_playlist_parse (path, NULL, c != NULL ? collect : NULL, c, NULL, error);
}

static VsPlaylist *
parse_ok (Fixture    *f,
          const char *text,
          Collector  *c)
{
  g_autoptr(GError) error = NULL;
  VsPlaylist *playlist = parse_text (f, text, c, &error);

  g_assert_no_error (error);
  g_assert_true (VS_IS_PLAYLIST (playlist));
  return playlist;
}

static void
assert_parse_error (Fixture    *f,
                    const char *text,
                    GQuark      domain,
                    int         code,
                    const char *message_prefix)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlaylist) playlist = parse_text (f, text, NULL, &error);

  g_assert_null (playlist);
  g_assert_error (error, domain, code);
  if (message_prefix != NULL && !g_str_has_prefix (error->message, message_prefix))
    g_error ("“%s” does not start with “%s”", error->message, message_prefix);
}

static gint64
duration_of (Fixture    *f,
             const char *text)
{
  g_autoptr(VsPlaylist) playlist = parse_ok (f, text, NULL);

  return vs_playlist_get_duration_ms (playlist);
}

/* A playlist repeating one #EXTINF value @n times. */
static char *
repeat_extinf (const char *duration,
               guint       n)
{
  GString *text = g_string_new ("#EXTM3U\n");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "#EXTINF:%s,\nseg%u.ts\n", duration, i);
  return g_string_free (text, FALSE);
}

/* Writes a playlist with an #EXTINF title of @title_len bytes between ordinary lines,
 * through a small buffer, so that the test itself never holds the line. @last: the long
 * line ends the file, without a newline. */
static char *
write_huge_title (Fixture    *f,
                  const char *name,
                  gsize       title_len,
                  gboolean    crlf,
                  gboolean    last)
{
  g_autofree char *path = fixture_path (f, name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = NULL;
  char chunk[4096];
  const char *head = "#EXTM3U\n#EXT-X-TARGETDURATION:13\n#EXTINF:2.5,first\nseg0.ts\n"
                     "#EXTINF:12.5,";
  const char *tail = last ? "" : crlf ? "\r\nseg1.ts\r\n#EXTINF:1.25,\nseg2.ts\n#EXT-X-ENDLIST\n"
                                      : "\nseg1.ts\n#EXTINF:1.25,\nseg2.ts\n#EXT-X-ENDLIST\n";

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (G_OUTPUT_STREAM (out), head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < sizeof chunk; i++)
    chunk[i] = "Una canción muy larga, "[i % 24]; /* UTF-8, commas and blanks in it */
  for (gsize done = 0; done < title_len; done += sizeof chunk)
    {
      g_output_stream_write_all (G_OUTPUT_STREAM (out), chunk, MIN (sizeof chunk, title_len - done),
                                 NULL, NULL, &error);
      g_assert_no_error (error);
    }
  g_output_stream_write_all (G_OUTPUT_STREAM (out), tail, strlen (tail), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* Header and lines */

static void
test_header_extm3u (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(VsPlaylist) playlist = parse_ok (f, "#EXTM3U\n#EXTINF:4,\na.ts\n", NULL);

  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_NONE);
  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 1);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 4000);
  g_assert_cmpint (vs_playlist_get_target_duration (playlist), ==, -1);
  g_assert_null (vs_playlist_get_master_path (playlist));
  g_assert_cmpuint (vs_playlist_get_n_variants (playlist), ==, 0);
}

static void
test_header_missing (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VsPlaylist) missing = parse_ok (f, "#EXTINF:4,\na.ts\n", NULL);
  g_autoptr(VsPlaylist) after_blank = parse_ok (f, "\n\r\n#EXTM3U\n#EXTINF:4,\na.ts\n", NULL);

  g_assert_cmpint (vs_playlist_get_flags (missing), ==, VS_PLAYLIST_FLAG_NO_HEADER);
  g_assert_cmpuint (vs_playlist_get_n_segments (missing), ==, 1);
  g_assert_cmpint (vs_playlist_get_duration_ms (missing), ==, 4000);
  g_assert_cmpint (vs_playlist_get_flags (after_blank), ==, VS_PLAYLIST_FLAG_NONE);
}

static void
test_header_bom (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(VsPlaylist) with_header = parse_ok (f, "\xEF\xBB\xBF#EXTM3U\n#EXTINF:4,\na.ts\n", NULL);
  g_autoptr(VsPlaylist) without_header = parse_ok (f, "\xEF\xBB\xBF#EXTINF:4,\na.ts\n", NULL);

  g_assert_cmpint (vs_playlist_get_flags (with_header), ==, VS_PLAYLIST_FLAG_BOM);
  g_assert_cmpint (vs_playlist_get_flags (without_header), ==,
                   VS_PLAYLIST_FLAG_BOM | VS_PLAYLIST_FLAG_NO_HEADER);
  g_assert_cmpint (vs_playlist_get_duration_ms (without_header), ==, 4000);
}

static void
test_lines_crlf (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autofree char *a = fixture_path (f, "a.ts");
  g_autofree char *b = fixture_path (f, "sub/b.ts");

  collector_init (&c);
  playlist = parse_ok (f,
                       "#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n"
                       "#EXTINF:5.5,Title\r\na.ts\r\n"
                       "#EXTINF:4.5\r\nsub/b.ts\r\n#EXT-X-ENDLIST\r\n", &c);

  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_ENDLIST);
  g_assert_cmpint (vs_playlist_get_target_duration (playlist), ==, 6);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 10000);
  g_assert_cmpuint (c.segments->len, ==, 2);
  g_assert_cmpstr (nth_segment (&c, 0)->uri, ==, "a.ts");
  g_assert_cmpstr (nth_segment (&c, 0)->path, ==, a);
  g_assert_cmpstr (nth_segment (&c, 1)->uri, ==, "sub/b.ts");
  g_assert_cmpstr (nth_segment (&c, 1)->path, ==, b);
}

static void
test_lines_comments (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VsPlaylist) playlist = NULL;

  playlist = parse_ok (f,
                       "#EXTM3U\n"
                       "# a comment\n"
                       "## another #EXTINF:abc\n"
                       "#comment\n"
                       "\n   \n\t\n"
                       "#EXTINFO:abc\n"            /* not #EXTINF: an unknown tag */
                       "#EXT-X-VERSION:7\n"
                       "#EXT-X-MEDIA-SEQUENCE:12\n"
                       "#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:00Z\n"
                       "#EXT-X-INDEPENDENT-SEGMENTS\n"
                       "#EXT-X-ENDLISTS\n"         /* not #EXT-X-ENDLIST */
                       "#EXT-X-KEYS:METHOD=AES-128\n"
                       "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI=\"i.m3u8\"\n"
                       "#EXTINF:3,\n"
                       "# between the tag and its URI\n"
                       "a.ts\n"
                       "# trailing\n", NULL);

  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_NONE);
  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 1);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 3000);
}

static void
test_lines_no_final_newline (Fixture       *f,
                             gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) bare = NULL;
  g_autoptr(VsPlaylist) cr = NULL;
  g_autoptr(VsPlaylist) endlist = NULL;
  g_autoptr(VsPlaylist) with_newline = NULL;
  g_autoptr(VsPlaylist) huge = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *huge_path = NULL;

  collector_init (&c);
  bare = parse_ok (f, "#EXTM3U\n#EXTINF:3,\na.ts", &c);
  cr = parse_ok (f, "#EXTM3U\n#EXTINF:3,\nb.ts\r", &c);

  g_assert_cmpuint (vs_playlist_get_n_segments (bare), ==, 1);
  g_assert_cmpuint (vs_playlist_get_n_segments (cr), ==, 1);
  g_assert_cmpuint (c.segments->len, ==, 2);
  g_assert_cmpstr (nth_segment (&c, 0)->uri, ==, "a.ts");
  g_assert_cmpstr (nth_segment (&c, 1)->uri, ==, "b.ts");

  /* the last tag counts as it would with its newline */
  endlist = parse_ok (f, "#EXTM3U\n#EXTINF:3.5,\na.ts\n#EXTINF:1,\nb.ts\n#EXT-X-ENDLIST", NULL);
  with_newline = parse_ok (f, "#EXTM3U\n#EXTINF:3.5,\na.ts\n#EXTINF:1,\nb.ts\n#EXT-X-ENDLIST\n",
                           NULL);
  g_assert_cmpint (vs_playlist_get_flags (endlist), ==, vs_playlist_get_flags (with_newline));
  g_assert_cmpint (vs_playlist_get_flags (endlist) & VS_PLAYLIST_FLAG_ENDLIST, !=, 0);
  g_assert_cmpint (vs_playlist_get_duration_ms (endlist), ==, 4500);
  g_assert_cmpint (vs_playlist_get_duration_ms (with_newline), ==, 4500);

  /* and a last line far past the bound (an #EXTINF without its URI: ignored) */
  huge_path = write_huge_title (f, "last.m3u8", 3 * 1024 * 1024 + 5, FALSE, TRUE);
  huge = vs_playlist_parse (huge_path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_playlist_get_n_segments (huge), ==, 1);
  g_assert_cmpint (vs_playlist_get_duration_ms (huge), ==, 2500);
}

static void
test_lines_too_long (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("#EXTM3U\n#EXTINF:1,\n");
  g_autoptr(GString) key = g_string_new ("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,IV=0x");
  g_autoptr(GString) extinf = g_string_new ("#EXTM3U\n#EXTINF:1");

  /* a URI one byte over the bound names no file we could find */
  for (guint i = 0; i < VS_PLAYLIST_MAX_LINE_LENGTH + 1; i++)
    g_string_append_c (text, 'a');
  g_string_append (text, "\n");
  assert_parse_error (f, text->str, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_LINE_TOO_LONG,
                      "line 3: URI longer than");

  /* without a final newline too */
  g_string_truncate (text, text->len - 1);
  assert_parse_error (f, text->str, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_LINE_TOO_LONG,
                      "line 3: URI longer than");

  /* nor can an attribute list be read from its start */
  for (guint i = 0; i < VS_PLAYLIST_MAX_LINE_LENGTH; i++)
    g_string_append_c (key, '0');
  g_string_append (key, ",URI=\"k.key\"\n#EXTINF:1,\na.ts\n");
  assert_parse_error (f, key->str, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_LINE_TOO_LONG,
                      "line 2: #EXT-X-KEY longer than");

  /* an #EXTINF whose comma is past the bound has no duration that can be read */
  for (guint i = 0; i < VS_PLAYLIST_MAX_LINE_LENGTH; i++)
    g_string_append_c (extinf, '0');
  g_string_append (extinf, ",title\na.ts\n");
  assert_parse_error (f, extinf->str, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_LINE_TOO_LONG,
                      "line 2: #EXTINF longer than");
}

/* Comments, unknown tags and tags without a value are read past, whatever their length:
 * nothing after their start is needed. */
static void
test_lines_long_ignored (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("#EXTM3U\n#");
  g_autoptr(VsPlaylist) playlist = NULL;

  for (guint i = 0; i < 2 * VS_PLAYLIST_MAX_LINE_LENGTH; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\n#EXT-X-UNKNOWN:");
  for (guint i = 0; i < VS_PLAYLIST_MAX_LINE_LENGTH + 7; i++)
    g_string_append_c (text, 'y');
  g_string_append (text, "\r\n#EXTINF:1,\na.ts\n#EXT-X-ENDLIST ");
  for (guint i = 0; i < VS_PLAYLIST_MAX_LINE_LENGTH; i++)
    g_string_append_c (text, ' ');
  g_string_append (text, "junk\n#EXTINF:bad,\nb.ts\n");

  /* the error names the right line: the long ones were counted once each */
  assert_parse_error (f, text->str, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_BAD_DURATION,
                      "line 7: ");
  g_string_truncate (text, text->len - strlen ("#EXTINF:bad,\nb.ts\n"));
  playlist = parse_ok (f, text->str, NULL);
  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 1);
  g_assert_cmpint (vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_ENDLIST, !=, 0);
}

/* The peak resident memory that parsing @path adds, with the peak reset first
 * (clear_refs 5). */
static gsize
parse_peak_kb (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlaylist) playlist = NULL;
  gsize before, peak;

  before = vs_test_reset_peak_rss ();
  playlist = vs_playlist_parse (path, NULL, NULL, NULL, NULL, &error);
  peak = vs_test_status_kb ("VmHWM:");
  g_assert_no_error (error);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 16250);
  return peak - MIN (before, peak);
}

/* A title of 4 MiB, far past the bound: the duration is right, the segments after it are
 * found, and the memory it takes does not grow with the line. */
static void
test_lines_huge_title (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_huge_title (f, "huge.m3u8", 4 * 1024 * 1024, FALSE, FALSE);
  g_autofree char *crlf_path = NULL;
  g_autofree char *larger = NULL;
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(VsPlaylist) crlf = NULL;
  g_auto(Collector) c;
  gsize peak_kb, larger_peak_kb;

  playlist = vs_playlist_parse (path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 3);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 16250);
  g_assert_cmpint (vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_ENDLIST, !=, 0);

  crlf_path = write_huge_title (f, "huge-crlf.m3u8", 4 * 1024 * 1024 + 1, TRUE, FALSE);
  collector_init (&c);
  crlf = vs_playlist_parse (crlf_path, NULL, collect, &c, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c.segments->len, ==, 3);
  g_assert_cmpstr (nth_segment (&c, 1)->uri, ==, "seg1.ts");
  g_assert_cmpint (nth_segment (&c, 1)->duration_ns, ==, 12500000000);
  g_assert_cmpint (vs_playlist_get_duration_ms (crlf), ==, 16250);

  /* The buffer's growth to the bound is what either costs (more under ASan, whose
   * quarantine keeps each outgrown buffer); reading the whole line would cost 28 MiB
   * more for the larger one. */
  larger = write_huge_title (f, "larger.m3u8", 32 * 1024 * 1024, FALSE, FALSE);
  peak_kb = parse_peak_kb (path);
  larger_peak_kb = parse_peak_kb (larger);
  g_test_message ("peak RSS added by parsing a line of 4 MiB: %" G_GSIZE_FORMAT " kB, of 32 MiB: "
                  "%" G_GSIZE_FORMAT " kB", peak_kb, larger_peak_kb);
  g_assert_cmpuint (peak_kb, <, 4 * 1024);
  g_assert_cmpuint (larger_peak_kb, <, peak_kb + 1024);
}

/* The line reader alone over the same file: every line comes, the long one cut at the
 * bound, and its buffer never grows past the bound (and the byte a last line without
 * '\n' needs, and the sentinel). */
static void
test_lines_reader_bound (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_huge_title (f, "huge.m3u8", 4 * 1024 * 1024, FALSE, FALSE);
  g_autofree char *last = write_huge_title (f, "last.m3u8", 3 * 1024 * 1024 + 5, FALSE, TRUE);
  const char *files[] = { path, last };
  const guint n_lines[] = { 9, 5 };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      VsLineReader r = { .fd = -1 };
      guint n_truncated = 0;
      char *line;
      gsize len;

      g_assert_true (_vs_line_reader_open (&r, files[i], &error));
      g_assert_no_error (error);
      while (_vs_line_reader_next (&r, &line, &len, NULL, &error) && line != NULL)
        {
          g_assert_cmpuint (r.alloc, <=, VS_PLAYLIST_MAX_LINE_LENGTH + 2);
          g_assert_cmpuint (strlen (line), ==, len);
          if (r.truncated)
            {
              n_truncated++;
              g_assert_cmpuint (len, ==, VS_PLAYLIST_MAX_LINE_LENGTH);
              g_assert_true (g_str_has_prefix (line, "#EXTINF:12.5,Una canción"));
            }
        }
      g_assert_no_error (error);
      g_assert_cmpuint (r.alloc, <=, VS_PLAYLIST_MAX_LINE_LENGTH + 2);
      g_assert_cmpuint (r.line_no, ==, n_lines[i]);
      g_assert_cmpuint (n_truncated, ==, 1);
      g_close (r.fd, NULL);
      g_free (r.buf);
    }
}

static void
test_lines_long_within_bound (Fixture       *f,
                              gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(GString) text = g_string_new ("#EXTM3U\n#");
  g_autoptr(VsPlaylist) playlist = NULL;
  gsize uri_start;

  /* a comment longer than the 64 KiB read buffer, then a URI exactly at the bound */
  for (guint i = 0; i < 100 * 1024; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\n#EXTINF:1,\n");
  uri_start = text->len;
  for (guint i = 0; i < VS_PLAYLIST_MAX_LINE_LENGTH; i++)
    g_string_append_c (text, 'a' + i % 26);
  g_string_append (text, "\n#EXTINF:2,\nb.ts\n");

  collector_init (&c);
  playlist = parse_ok (f, text->str, &c);

  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 2);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 3000);
  g_assert_cmpuint (strlen (nth_segment (&c, 0)->uri), ==, VS_PLAYLIST_MAX_LINE_LENGTH);
  g_assert_cmpint (memcmp (nth_segment (&c, 0)->uri, text->str + uri_start,
                           VS_PLAYLIST_MAX_LINE_LENGTH), ==, 0);
  g_assert_cmpstr (nth_segment (&c, 1)->uri, ==, "b.ts");
}

static void
test_lines_nul_byte (Fixture       *f,
                     gconstpointer  data)
{
  static const char text[] = "#EXTM3U\n#EXTINF:1,\na\0b.ts\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (f, "nul.m3u8", text, sizeof text - 1);
  g_autoptr(VsPlaylist) playlist = vs_playlist_parse (path, NULL, NULL, NULL, NULL, &error);

  g_assert_null (playlist);
  g_assert_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "line 3: "));
}

/* Lines like the common "#EXTINF:<d>.<d>,\n<name>\n" pairs, and lines close to them, each
 * byte in turn at the end of the first read (the 64 KiB buffer holds one byte less). */
static void
test_lines_near_common_forms (Fixture       *f,
                              gconstpointer  data)
{
  static const char block[] =
    "#EXTINF:6.006,\ns1.ts\n"
    "#EXTINF:10,Title, with comma\ns2.ts\r\n"
    "#EXTINF:0.5,\r\ns3.ts\n"
    "\n"
    "#EXTINF: 2.5 ,\nsub/s4.ts\n"
    "#EXTINF:.25,\ns5%20x.ts\n"
    "#EXTINF:0000000001.000000000000000000001,\ns 6.ts\n"
    "#EXTINF:3\ns7.ts\n"
    "# a comment\n"
    "#EXT-X-PROGRAM-DATE-TIME:2020-01-01T00:00:00Z\n"
    "#EXTINF:1.123456789012345678,\nhttp://example.com/s8.ts\n"
    "#EXTINF:999999999.5,\ns9.ts\n"
    "#EXTINF:4,\n./s10.ts\n"
    "stray.ts\n"
    "\r\n"
    "#EXTINF:7.,\n\xC3\xBCn\xC3\xAF.ts\n"
    "#EXTINF:1,\ns12.ts \t\n"
    "#EXT-X-DISCONTINUITY\n"
    "#EXTINF:1,\nx_y:z.ts\n"
    "#EXTINF:2,\n#EXT-X-BYTERANGE:100@0\nr.ts\n"
    "#EXTINF:3,\n#EXT-X-BYTERANGE:50\nr.ts\r\n"
    "#EXTINF:1,\nlast.ts"; /* no final newline */
  static const struct
  {
    const char *uri;
    const char *path; /* under the fixture folder, NULL when remote */
    gint64      duration_ns;
    gint64      byte_offset;
    gint64      byte_length;
    guint       discontinuity_sequence;
  } expected[] = {
    { "s1.ts", "s1.ts", 6006000000, 0, -1, 0 },
    { "s2.ts", "s2.ts", 10000000000, 0, -1, 0 },
    { "s3.ts", "s3.ts", 500000000, 0, -1, 0 },
    { "sub/s4.ts", "sub/s4.ts", 2500000000, 0, -1, 0 },
    { "s5%20x.ts", "s5 x.ts", 250000000, 0, -1, 0 },
    { "s 6.ts", "s 6.ts", 1000000000, 0, -1, 0 },
    { "s7.ts", "s7.ts", 3000000000, 0, -1, 0 },
    { "http://example.com/s8.ts", NULL, 1123456789, 0, -1, 0 },
    { "s9.ts", "s9.ts", G_GINT64_CONSTANT (999999999500000000), 0, -1, 0 },
    { "./s10.ts", "s10.ts", 4000000000, 0, -1, 0 },
    { "\xC3\xBCn\xC3\xAF.ts", "\xC3\xBCn\xC3\xAF.ts", 7000000000, 0, -1, 0 },
    { "s12.ts", "s12.ts", 1000000000, 0, -1, 0 },
    { "x_y:z.ts", "x_y:z.ts", 1000000000, 0, -1, 1 },
    { "r.ts", "r.ts", 2000000000, 0, 100, 1 },
    { "r.ts", "r.ts", 3000000000, 100, 50, 1 },
    { "last.ts", "last.ts", 1000000000, 0, -1, 1 },
  };
  const gsize header_len = strlen ("#EXTM3U\n#") + 1; /* the comment's '\n' */
  const gsize first_read = 64 * 1024 - 1;
  gint64 total_ns = 0;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    total_ns += expected[i].duration_ns;

  for (gsize at = 0; at < sizeof block - 1; at++)
    {
      g_auto(Collector) c;
      g_autoptr(GString) text = g_string_new ("#EXTM3U\n#");
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autoptr(VsPlaylist) bare = NULL;
      g_autoptr(VsPlaylist) playlist = NULL;

      /* a comment line long enough to make block[at] the last byte of the first read */
      for (gsize i = 0; i < first_read - 1 - header_len - at; i++)
        g_string_append_c (text, 'x');
      g_string_append_c (text, '\n');
      g_string_append_len (text, block, sizeof block - 1);
      g_assert_cmpint (text->str[first_read - 1], ==, block[at]);
      path = write_file (f, "test.m3u8", text->str, text->len);

      collector_init (&c);
      playlist = vs_playlist_parse (path, NULL, collect, &c, NULL, &error);
      g_assert_no_error (error);
      bare = vs_playlist_parse (path, NULL, NULL, NULL, NULL, &error);
      g_assert_no_error (error);

      g_assert_cmpuint (c.segments->len, ==, G_N_ELEMENTS (expected));
      for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
        {
          Segment *s = nth_segment (&c, i);
          g_autofree char *want_path = expected[i].path != NULL ? fixture_path (f, expected[i].path) : NULL;

          g_assert_cmpstr (s->uri, ==, expected[i].uri);
          g_assert_cmpstr (s->path, ==, want_path);
          g_assert_cmpint (s->duration_ns, ==, expected[i].duration_ns);
          g_assert_cmpint (s->byte_offset, ==, expected[i].byte_offset);
          g_assert_cmpint (s->byte_length, ==, expected[i].byte_length);
          g_assert_cmpuint (s->discontinuity_sequence, ==, expected[i].discontinuity_sequence);
          g_assert_cmpuint (s->index, ==, i);
        }

      for (guint j = 0; j < 2; j++)
        {
          VsPlaylist *p = j == 0 ? playlist : bare;

          g_assert_cmpuint (vs_playlist_get_n_segments (p), ==, G_N_ELEMENTS (expected));
          g_assert_cmpint (vs_playlist_get_duration_ms (p), ==, (total_ns + 500000) / 1000000);
          g_assert_cmpint (vs_playlist_get_flags (p), ==,
                           VS_PLAYLIST_FLAG_REMOTE | VS_PLAYLIST_FLAG_DISCONTINUITY |
                           VS_PLAYLIST_FLAG_BYTERANGE);
        }
    }
}

/* Errors after many ordinary lines name the right line. */
static void
test_lines_error_line_numbers (Fixture       *f,
                               gconstpointer  data)
{
  static const struct
  {
    const char *tail;
    int         code;
    const char *prefix;
  } cases[] = {
    { "#EXTINF:1e3,\na.ts\n", VS_PLAYLIST_ERROR_BAD_DURATION, "line 2002: invalid" },
    { "#EXTINF:12345678901234567890,\na.ts\n", VS_PLAYLIST_ERROR_BAD_DURATION, "line 2002: #EXTINF" },
    { "#EXTINF:1,\n#EXT-X-BYTERANGE:10\na.ts\n", VS_PLAYLIST_ERROR_INVALID, "line 2004: " },
    { "#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n", VS_PLAYLIST_ERROR_INVALID, "line 2002: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) text = g_string_new ("#EXTM3U\n");

      for (guint j = 0; j < 1000; j++)
        g_string_append (text, "#EXTINF:1.5,\nseg.ts\n");
      g_string_append (text, cases[i].tail);
      assert_parse_error (f, text->str, VS_PLAYLIST_ERROR, cases[i].code, cases[i].prefix);
    }

  /* a segment after a variant */
  assert_parse_error (f, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXTINF:1,\nseg.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 5: ");
}

/* #EXTINF */

static void
test_extinf_integer (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n#EXTINF:10,\na.ts\n#EXTINF:7\nb.ts\n#EXTINF:0,\nc.ts\n", &c);

  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 3);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 17000);
  g_assert_cmpint (nth_segment (&c, 0)->duration_ns, ==, G_GINT64_CONSTANT (10000000000));
  g_assert_cmpint (nth_segment (&c, 1)->duration_ns, ==, G_GINT64_CONSTANT (7000000000));
  g_assert_cmpint (nth_segment (&c, 2)->duration_ns, ==, 0);
}

static void
test_extinf_decimal (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n#EXTINF:9.009,\na.ts\n#EXTINF:.5\nb.ts\n"
                          "#EXTINF:3.,\nc.ts\n#EXTINF:0.000001,\nd.ts\n", &c);

  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 12509);
  g_assert_cmpint (nth_segment (&c, 0)->duration_ns, ==, 9009000000);
  g_assert_cmpint (nth_segment (&c, 1)->duration_ns, ==, 500000000);
  g_assert_cmpint (nth_segment (&c, 2)->duration_ns, ==, 3000000000);
  g_assert_cmpint (nth_segment (&c, 3)->duration_ns, ==, 1000);
}

static void
test_extinf_titles (Fixture       *f,
                    gconstpointer  data)
{
  /* digits, commas and colons in titles must not reach the duration */
  g_assert_cmpint (duration_of (f, "#EXTM3U\n"
                                   "#EXTINF:10,Part 2: 5,5 and 1e9\na.ts\n"
                                   "#EXTINF:2.5,tvg-id=\"x,y\" Title\nb.ts\n"
                                   "#EXTINF: 4.5 ,spaced\nc.ts\n"
                                   "#EXTINF:3,\nd.ts\n"
                                   "#EXTINF:1\ne.ts\n"), ==, 21000);
}

static void
test_extinf_invalid (Fixture       *f,
                     gconstpointer  data)
{
  static const char *values[] = {
    "nan", "NaN", "inf", "-inf", "Infinity", "-1", "-0", "+1", "1e3", "1E3", "0x10", "",
    " ", ".", "1.2.3", "1 2", "5s", "\xd9\xa1", "1..", "- 1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *text = g_strdup_printf ("#EXTM3U\n#EXTINF:1,\na.ts\n#EXTINF:%s,x\nb.ts\n",
                                               values[i]);
      g_autofree char *stripped = g_strstrip (g_strdup (values[i]));
      g_autofree char *valid = g_utf8_make_valid (stripped, -1);
      g_autofree char *message = g_strdup_printf ("line 4: invalid #EXTINF duration '%s'", valid);
      g_autoptr(GError) error = NULL;
      g_autoptr(VsPlaylist) playlist = parse_text (f, text, NULL, &error);

      g_test_message ("duration '%s'", values[i]);
      g_assert_null (playlist);
      g_assert_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_BAD_DURATION);
      g_assert_cmpstr (error->message, ==, message);
    }

  assert_parse_error (f, "#EXTM3U\n#EXTINF\na.ts\n", VS_PLAYLIST_ERROR,
                      VS_PLAYLIST_ERROR_BAD_DURATION, "line 2: invalid #EXTINF duration ''");
  assert_parse_error (f, "#EXTM3U\n\n#EXTINF:nan,\na.ts\n", VS_PLAYLIST_ERROR,
                      VS_PLAYLIST_ERROR_BAD_DURATION, "line 3: invalid #EXTINF duration 'nan'");
}

static void
test_extinf_overflow (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;

  assert_parse_error (f, "#EXTM3U\n#EXTINF:99999999999999999999999,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_BAD_DURATION,
                      "line 2: #EXTINF duration '99999999999999999999999' is too large");
  assert_parse_error (f, "#EXTM3U\n#EXTINF:18446744073709551617.5,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_BAD_DURATION, "line 2: ");
  assert_parse_error (f, "#EXTM3U\n#EXTINF:9223372037,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_BAD_DURATION, "line 2: ");
  /* one nanosecond past what duration_ns can hold, after rounding half up */
  assert_parse_error (f, "#EXTM3U\n#EXTINF:9223372036.8547758075,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_BAD_DURATION, "line 2: ");

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n#EXTINF:9223372036.854775807,\na.ts\n", &c);
  g_assert_cmpint (nth_segment (&c, 0)->duration_ns, ==, G_MAXINT64);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, G_GINT64_CONSTANT (9223372036855));
}

/* Needs a million segments of the largest duration to reach the gint64 bound in ms. */
static void
test_extinf_overflow_total (Fixture       *f,
                            gconstpointer  data)
{
  const char *segment = "#EXTINF:9223372036,\na.ts\n";
  gsize segment_len = strlen (segment);
  g_autoptr(GString) text = g_string_sized_new (1000002 * segment_len + 64);
  g_autoptr(VsPlaylist) exact = NULL;

  g_string_append (text, "#EXTM3U\n");
  for (guint i = 0; i < 1000000; i++)
    g_string_append_len (text, segment, segment_len);

  /* 1000000 × 9223372036 s + 854775.807 s is exactly G_MAXINT64 ms */
  g_string_append (text, "#EXTINF:854775.807,\na.ts\n");
  exact = parse_ok (f, text->str, NULL);
  g_assert_cmpint (vs_playlist_get_duration_ms (exact), ==, G_MAXINT64);
  g_assert_cmpuint (vs_playlist_get_n_segments (exact), ==, 1000001);

  /* and half a millisecond more rounds past it */
  g_string_truncate (text, text->len - strlen ("#EXTINF:854775.807,\na.ts\n"));
  g_string_append (text, "#EXTINF:854775.8075,\na.ts\n");
  assert_parse_error (f, text->str, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_BAD_DURATION,
                      "line 2000003: total duration is too large");

  /* and a whole segment more goes past it in seconds already */
  g_string_truncate (text, text->len - strlen ("#EXTINF:854775.8075,\na.ts\n"));
  g_string_append (text, "#EXTINF:9223372036,\na.ts\n");
  assert_parse_error (f, text->str, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_BAD_DURATION,
                      "line 2000003: total duration is too large");
}

static void
test_extinf_replaced (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VsPlaylist) playlist = parse_ok (f, "#EXTM3U\n#EXTINF:5,\n#EXTINF:7,\na.ts\n", NULL);

  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 1);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 7000);
}

static void
test_extinf_trailing (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n#EXTINF:5,\na.ts\n#EXTINF:7,\n# no URI follows\n", &c);

  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 1);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 5000);
  g_assert_cmpuint (c.segments->len, ==, 1);
}

/* Exact sums */

static void
test_sum_thirds (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *text = repeat_extinf ("0.3333", 3);

  g_assert_cmpint (duration_of (f, text), ==, 1000);
}

static void
test_sum_tenths (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *tenths = repeat_extinf ("0.1", 10);
  g_autofree char *thousandths = repeat_extinf ("0.001", 1000);
  g_autofree char *halves = repeat_extinf ("0.0005", 3);

  g_assert_cmpint (duration_of (f, tenths), ==, 1000);
  g_assert_cmpint (duration_of (f, thousandths), ==, 1000);
  /* 1.5 ms rounds once, half up; rounding each 0.5 ms first would give 3 */
  g_assert_cmpint (duration_of (f, halves), ==, 2);
}

static void
test_sum_half_up (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *quarters = repeat_extinf ("0.00025", 2);

  g_assert_cmpint (duration_of (f, "#EXTM3U\n#EXTINF:2.0005,\na.ts\n"), ==, 2001);
  g_assert_cmpint (duration_of (f, "#EXTM3U\n#EXTINF:2.00049,\na.ts\n"), ==, 2000);
  g_assert_cmpint (duration_of (f, "#EXTM3U\n#EXTINF:2.000499999999999999,\na.ts\n"), ==, 2000);
  g_assert_cmpint (duration_of (f, "#EXTM3U\n#EXTINF:0.0005,\na.ts\n"), ==, 1);
  g_assert_cmpint (duration_of (f, quarters), ==, 1);
}

static void
test_sum_long_fraction (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;

  /* digits past the 18th are dropped, not rounded and not an error */
  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n"
                          "#EXTINF:0.123456789012345678999,\na.ts\n"
                          "#EXTINF:1.0000000005,\nb.ts\n"
                          "#EXTINF:1.00000000049,\nc.ts\n"
                          "#EXTINF:0.0000000004999999999999999999999,\nd.ts\n", &c);

  g_assert_cmpint (nth_segment (&c, 0)->duration_ns, ==, 123456789);
  g_assert_cmpint (nth_segment (&c, 1)->duration_ns, ==, 1000000001);
  g_assert_cmpint (nth_segment (&c, 2)->duration_ns, ==, 1000000000);
  g_assert_cmpint (nth_segment (&c, 3)->duration_ns, ==, 0);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 2123);
}

/* Segments and the callback */

static void
test_segments_none (Fixture       *f,
                    gconstpointer  data)
{
  assert_parse_error (f, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-ENDLIST\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_NO_SEGMENTS, NULL);
  assert_parse_error (f, "#EXTM3U\n#EXTINF:3,\n", VS_PLAYLIST_ERROR,
                      VS_PLAYLIST_ERROR_NO_SEGMENTS, NULL);
  assert_parse_error (f, "", VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_NO_SEGMENTS, NULL);
  assert_parse_error (f, "#EXTM3U\nstray.ts\n", VS_PLAYLIST_ERROR,
                      VS_PLAYLIST_ERROR_NO_SEGMENTS, NULL);
}

static void
test_segments_uri_without_extinf (Fixture       *f,
                                  gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\nstray.ts\n#EXTINF:2,\nb.ts\n", &c);

  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 1);
  g_assert_cmpstr (nth_segment (&c, 0)->uri, ==, "b.ts");
  g_assert_cmpuint (nth_segment (&c, 0)->index, ==, 0);
}

static void
test_segments_fields (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autofree char *a = fixture_path (f, "media/a.ts");
  g_autofree char *b = fixture_path (f, "b.ts");
  g_autofree char *self_path = fixture_path (f, "test.m3u8");

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n#EXTINF:6.006,first\nmedia/a.ts\n#EXTINF:2,\n  b.ts\n", &c);

  g_assert_cmpuint (c.segments->len, ==, 2);
  g_assert_cmpstr (nth_segment (&c, 0)->uri, ==, "media/a.ts");
  g_assert_cmpstr (nth_segment (&c, 0)->path, ==, a);
  g_assert_cmpint (nth_segment (&c, 0)->duration_ns, ==, 6006000000);
  g_assert_cmpint (nth_segment (&c, 0)->byte_offset, ==, 0);
  g_assert_cmpint (nth_segment (&c, 0)->byte_length, ==, -1);
  g_assert_cmpuint (nth_segment (&c, 0)->discontinuity_sequence, ==, 0);
  g_assert_cmpuint (nth_segment (&c, 0)->index, ==, 0);
  g_assert_cmpstr (nth_segment (&c, 1)->uri, ==, "b.ts");
  g_assert_cmpstr (nth_segment (&c, 1)->path, ==, b);
  g_assert_cmpuint (nth_segment (&c, 1)->index, ==, 1);
  g_assert_cmpstr (vs_playlist_get_path (playlist), ==, self_path);
}

static void
test_segments_stop (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = repeat_extinf ("1", 5);
  g_autoptr(VsPlaylist) playlist = NULL;

  collector_init (&c);
  c.stop_after = 2;
  playlist = parse_text (f, text, &c, &error);

  g_assert_null (playlist);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (c.segments->len, ==, 2);
}

static void
test_segments_cancellable (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = repeat_extinf ("1", 5000);
  g_autofree char *path = write_file (f, "test.m3u8", text, -1);
  g_autoptr(VsPlaylist) playlist = NULL;

  collector_init (&c);
  c.cancel_after = 5;
  c.cancellable = cancellable;
  playlist = vs_playlist_parse (path, NULL, collect, &c, cancellable, &error);

  g_assert_null (playlist);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* checked every so many lines, not only between 64 KiB reads (~3000 segments here) */
  g_assert_cmpuint (c.segments->len, >=, 5);
  g_assert_cmpuint (c.segments->len, <, 1000);

  /* already cancelled: nothing is read */
  g_clear_error (&error);
  g_array_set_size (c.segments, 0);
  playlist = vs_playlist_parse (path, NULL, collect, &c, cancellable, &error);
  g_assert_null (playlist);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (c.segments->len, ==, 0);
}

/* Tags */

static void
test_tags_target_duration (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(VsPlaylist) playlist =
    parse_ok (f, "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:9.5,\na.ts\n", NULL);

  g_assert_cmpint (vs_playlist_get_target_duration (playlist), ==, 10);
  assert_parse_error (f, "#EXTM3U\n#EXT-X-TARGETDURATION:ten\n#EXTINF:9.5,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
  assert_parse_error (f, "#EXTM3U\n#EXT-X-TARGETDURATION:-4\n#EXTINF:9.5,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
}

static void
test_tags_endlist (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VsPlaylist) ended = parse_ok (f, "#EXTM3U\n#EXTINF:1,\na.ts\n#EXT-X-ENDLIST\n", NULL);
  g_autoptr(VsPlaylist) live = parse_ok (f, "#EXTM3U\n#EXTINF:1,\na.ts\n", NULL);

  g_assert_cmpint (vs_playlist_get_flags (ended), ==, VS_PLAYLIST_FLAG_ENDLIST);
  g_assert_cmpint (vs_playlist_get_flags (live), ==, VS_PLAYLIST_FLAG_NONE);
}

static VsPlaylistFlags
flags_of (Fixture    *f,
          const char *text)
{
  g_autoptr(VsPlaylist) playlist = parse_ok (f, text, NULL);

  return vs_playlist_get_flags (playlist);
}

static void
test_key_none (Fixture       *f,
               gconstpointer  data)
{
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXT-X-KEY:METHOD=NONE\n#EXTINF:1,\na.ts\n"), ==,
                   VS_PLAYLIST_FLAG_NONE);
  /* the quoted URI holds a comma and a decoy METHOD */
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXT-X-KEY:URI=\"k,METHOD=AES-128\",METHOD=NONE\n"
                                "#EXTINF:1,\na.ts\n"), ==, VS_PLAYLIST_FLAG_NONE);
}

static void
test_key_aes128 (Fixture       *f,
                 gconstpointer  data)
{
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\","
                                "IV=0x00000000000000000000000000000001\n#EXTINF:1,\na.ts\n"),
                   ==, VS_PLAYLIST_FLAG_ENCRYPTED);
  /* a key set after the first segments still counts; NONE does not clear it */
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXTINF:1,\na.ts\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\"\n"
                                "#EXTINF:1,\nb.ts\n#EXT-X-KEY:METHOD=NONE\n#EXTINF:1,\nc.ts\n"),
                   ==, VS_PLAYLIST_FLAG_ENCRYPTED);
}

/* Each segment names the local key file and init section in force; a remote or unreadable
 * key URI names none and fails nothing, and leaves the flags as they were. */
static void
test_key_map_paths (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autofree char *key1 = fixture_path (f, "k1.bin");
  g_autofree char *key2 = fixture_path (f, "keys/k2.bin");
  g_autofree char *init1 = fixture_path (f, "init1.mp4");
  g_autofree char *init2 = fixture_path (f, "init2.mp4");

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n#EXTINF:1,\na.m4s\n"
                          "#EXT-X-KEY:METHOD=AES-128,URI=\"k1.bin\"\n#EXT-X-MAP:URI=\"init1.mp4\"\n"
                          "#EXTINF:1,\nb.m4s\n"
                          "#EXT-X-KEY:METHOD=AES-128,URI=\"keys/k2.bin\"\n#EXT-X-MAP:URI=\"init2.mp4\"\n"
                          "#EXTINF:1,\nc.m4s\n"
                          "#EXT-X-KEY:METHOD=AES-128,URI=\"https://example.com/k3\"\n#EXTINF:1,\nd.m4s\n"
                          "#EXT-X-KEY:METHOD=AES-128,URI=\"file://%zz\"\n#EXTINF:1,\ne.m4s\n"
                          "#EXT-X-KEY:METHOD=NONE\n#EXTINF:1,\nf.m4s\n", &c);
  g_assert_cmpuint (c.segments->len, ==, 6);
  g_assert_null (nth_segment (&c, 0)->key_path);
  g_assert_null (nth_segment (&c, 0)->map_path);
  g_assert_cmpstr (nth_segment (&c, 1)->key_path, ==, key1);
  g_assert_cmpstr (nth_segment (&c, 1)->map_path, ==, init1);
  g_assert_cmpstr (nth_segment (&c, 2)->key_path, ==, key2);
  g_assert_cmpstr (nth_segment (&c, 2)->map_path, ==, init2);
  g_assert_null (nth_segment (&c, 3)->key_path);
  g_assert_cmpstr (nth_segment (&c, 3)->map_path, ==, init2);
  g_assert_null (nth_segment (&c, 4)->key_path);
  g_assert_null (nth_segment (&c, 5)->key_path);
  /* the URIs as written, for what vs_playlist_local_copy() may find of remote ones */
  g_assert_null (nth_segment (&c, 0)->key_uri);
  g_assert_false (nth_segment (&c, 0)->encrypted);
  g_assert_cmpstr (nth_segment (&c, 1)->key_uri, ==, "k1.bin");
  g_assert_cmpstr (nth_segment (&c, 1)->map_uri, ==, "init1.mp4");
  g_assert_true (nth_segment (&c, 1)->encrypted);
  g_assert_cmpstr (nth_segment (&c, 3)->key_uri, ==, "https://example.com/k3");
  g_assert_cmpstr (nth_segment (&c, 3)->map_uri, ==, "init2.mp4");
  g_assert_true (nth_segment (&c, 4)->encrypted);
  g_assert_null (nth_segment (&c, 5)->key_uri);
  g_assert_false (nth_segment (&c, 5)->encrypted);
  /* the first map stays the playlist's; the key URIs made nothing remote */
  g_assert_cmpstr (vs_playlist_get_map_path (playlist), ==, init1);
  g_assert_cmpint (vs_playlist_get_flags (playlist), ==,
                   VS_PLAYLIST_FLAG_ENCRYPTED | VS_PLAYLIST_FLAG_INIT_MAP);
}

static void
test_key_sample_aes (Fixture       *f,
                     gconstpointer  data)
{
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://k\","
                                "KEYFORMAT=\"com.apple.streamingkeydelivery\"\n#EXTINF:1,\na.ts\n"),
                   ==, VS_PLAYLIST_FLAG_ENCRYPTED);
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES-CTR\n#EXTINF:1,\na.ts\n"),
                   ==, VS_PLAYLIST_FLAG_ENCRYPTED);
}

static void
test_key_malformed (Fixture       *f,
                    gconstpointer  data)
{
  assert_parse_error (f, "#EXTM3U\n#EXT-X-KEY:METHOD=NONE,URI=\"open\n#EXTINF:1,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
  assert_parse_error (f, "#EXTM3U\n#EXT-X-KEY:METHOD\n#EXTINF:1,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
}

static void
test_map_uri (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autofree char *init = fixture_path (f, "init.mp4");
  gint64 offset = -5, length = -5;

  playlist = parse_ok (f, "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:1,\na.m4s\n"
                          "#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"other.mp4\"\n#EXTINF:1,\nb.m4s\n",
                       NULL);

  g_assert_cmpint (vs_playlist_get_flags (playlist), ==,
                   VS_PLAYLIST_FLAG_INIT_MAP | VS_PLAYLIST_FLAG_DISCONTINUITY);
  g_assert_cmpstr (vs_playlist_get_map_uri (playlist), ==, "init.mp4");
  g_assert_cmpstr (vs_playlist_get_map_path (playlist), ==, init);
  vs_playlist_get_map_byte_range (playlist, &offset, &length);
  g_assert_cmpint (offset, ==, 0);
  g_assert_cmpint (length, ==, -1);
}

static void
test_map_byterange (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  gint64 offset, length;

  playlist = parse_ok (f, "#EXTM3U\n#EXT-X-MAP:BYTERANGE=\"720@100\",URI=\"all.mp4\"\n"
                          "#EXTINF:1,\nall.mp4\n", NULL);
  vs_playlist_get_map_byte_range (playlist, &offset, &length);
  g_assert_cmpstr (vs_playlist_get_map_uri (playlist), ==, "all.mp4");
  g_assert_cmpint (offset, ==, 100);
  g_assert_cmpint (length, ==, 720);
  g_assert_false (vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_BYTERANGE);

  g_clear_object (&playlist);
  playlist = parse_ok (f, "#EXTM3U\n#EXT-X-MAP:URI=\"all.mp4\",BYTERANGE=\"720\"\n"
                          "#EXTINF:1,\nall.mp4\n", NULL);
  vs_playlist_get_map_byte_range (playlist, &offset, &length);
  g_assert_cmpint (offset, ==, 0);
  g_assert_cmpint (length, ==, 720);
}

static void
test_map_remote_and_escaping (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(VsPlaylist) remote = NULL;
  g_autoptr(VsPlaylist) escaping = NULL;

  remote = parse_ok (f, "#EXTM3U\n#EXT-X-MAP:URI=\"https://cdn.example.com/init.mp4\"\n"
                        "#EXTINF:1,\na.m4s\n", NULL);
  g_assert_cmpint (vs_playlist_get_flags (remote), ==,
                   VS_PLAYLIST_FLAG_INIT_MAP | VS_PLAYLIST_FLAG_REMOTE);
  g_assert_cmpstr (vs_playlist_get_map_uri (remote), ==, "https://cdn.example.com/init.mp4");
  g_assert_null (vs_playlist_get_map_path (remote));

  escaping = parse_ok (f, "#EXTM3U\n#EXT-X-MAP:URI=\"../init.mp4\"\n#EXTINF:1,\na.m4s\n", NULL);
  g_assert_cmpint (vs_playlist_get_flags (escaping), ==,
                   VS_PLAYLIST_FLAG_INIT_MAP | VS_PLAYLIST_FLAG_ESCAPING);
}

static void
test_map_invalid (Fixture       *f,
                  gconstpointer  data)
{
  assert_parse_error (f, "#EXTM3U\n#EXT-X-MAP:BYTERANGE=\"1@0\"\n#EXTINF:1,\na.m4s\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
  assert_parse_error (f, "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\",BYTERANGE=\"x\"\n#EXTINF:1,\na\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
  assert_parse_error (f, "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\n#EXTINF:1,\na.m4s\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
}

static void
test_byterange_offsets (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  static const gint64 expected[][2] = {
    { 0, 1000 }, { 1000, 500 }, { 5000, 200 }, { 5200, 300 }, { 0, -1 }, { 7, 3 }, { 10, 10 },
  };

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n"
                          "#EXT-X-BYTERANGE:1000@0\n#EXTINF:1,\nall.ts\n"
                          "#EXTINF:1,\n#EXT-X-BYTERANGE:500\nall.ts\n"
                          "#EXTINF:1,\n#EXT-X-BYTERANGE:200@5000\nall.ts\n"
                          "#EXTINF:1,\n#EXT-X-BYTERANGE:300\nall.ts\n"
                          "#EXTINF:1,\nwhole.ts\n"
                          "#EXTINF:1,\n#EXT-X-BYTERANGE:3@7\nother.ts\n"
                          "#EXTINF:1,\n#EXT-X-BYTERANGE:10\nother.ts\n", &c);

  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_BYTERANGE);
  g_assert_cmpuint (c.segments->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (nth_segment (&c, i)->byte_offset, ==, expected[i][0]);
      g_assert_cmpint (nth_segment (&c, i)->byte_length, ==, expected[i][1]);
    }
}

static void
test_byterange_invalid (Fixture       *f,
                        gconstpointer  data)
{
  /* without an offset, the previous segment must be a sub-range of the same URI */
  assert_parse_error (f, "#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:500\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 4: ");
  assert_parse_error (f, "#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:5@0\na.ts\n"
                         "#EXTINF:1,\n#EXT-X-BYTERANGE:5\nb.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 7: ");
  assert_parse_error (f, "#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:5@0\na.ts\n#EXTINF:1,\na.ts\n"
                         "#EXTINF:1,\n#EXT-X-BYTERANGE:5\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 9: ");
  assert_parse_error (f, "#EXTM3U\n#EXT-X-BYTERANGE:abc\n#EXTINF:1,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
  assert_parse_error (f, "#EXTM3U\n#EXT-X-BYTERANGE:10@\n#EXTINF:1,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
  assert_parse_error (f, "#EXTM3U\n#EXT-X-BYTERANGE:9223372036854775807@1\n#EXTINF:1,\na\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
}

static void
test_discontinuity (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  static const guint expected[] = { 0, 1, 1, 3 };

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n#EXT-X-DISCONTINUITY-SEQUENCE:5\n"
                          "#EXTINF:1,\na.ts\n#EXT-X-DISCONTINUITY\n"
                          "#EXTINF:1,\nb.ts\n#EXTINF:1,\nc.ts\n"
                          "#EXT-X-DISCONTINUITY\n#EXTINF:1,\n#EXT-X-DISCONTINUITY\nd.ts\n", &c);

  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_DISCONTINUITY);
  g_assert_cmpuint (c.segments->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (nth_segment (&c, i)->discontinuity_sequence, ==, expected[i]);
}

/* URI resolution */

static void
test_uri_remote (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(VsPlaylist) local = NULL;
  g_autofree char *local_path = fixture_path (f, "local.ts");
  const char *text = "#EXTM3U\n#EXTINF:1,\nhttp://example.com/a.ts\n"
                     "#EXTINF:1,\nHTTPS://example.com/b.ts?token=1\n"
                     "#EXTINF:1,\nlocal.ts\n";

  collector_init (&c);
  playlist = parse_ok (f, text, &c);

  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_REMOTE);
  g_assert_cmpstr (nth_segment (&c, 0)->uri, ==, "http://example.com/a.ts");
  g_assert_null (nth_segment (&c, 0)->path);
  g_assert_null (nth_segment (&c, 1)->path);
  g_assert_cmpstr (nth_segment (&c, 2)->path, ==, local_path);

  /* the flag does not depend on a callback */
  g_assert_cmpint (flags_of (f, text), ==, VS_PLAYLIST_FLAG_REMOTE);
  local = parse_ok (f, "#EXTM3U\n#EXTINF:1,\nlocal.ts\n", NULL);
  g_assert_cmpint (vs_playlist_get_flags (local), ==, VS_PLAYLIST_FLAG_NONE);
}

static void
test_uri_file_scheme (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autofree char *inside = fixture_path (f, "in side.ts");
  g_autofree char *inside_uri = g_filename_to_uri (inside, NULL, NULL);
  g_autofree char *text = g_strdup_printf ("#EXTM3U\n#EXTINF:1,\n%s\n", inside_uri);

  collector_init (&c);
  playlist = parse_ok (f, text, &c);
  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_NONE);
  g_assert_cmpstr (nth_segment (&c, 0)->path, ==, inside);

  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXTINF:1,\nfile:///outside/x.ts\n"), ==,
                   VS_PLAYLIST_FLAG_ESCAPING);
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXTINF:1,\nfile://server/share/x.ts\n"), ==,
                   VS_PLAYLIST_FLAG_REMOTE);
  assert_parse_error (f, "#EXTM3U\n#EXTINF:1,\nfile:relative.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 3: ");
}

static void
test_uri_escaping_relative (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autofree char *parent = g_path_get_dirname (f->dir);
  g_autofree char *expected = g_build_filename (parent, "x.ts", NULL);

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n#EXTINF:1,\n../x.ts\n", &c);

  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_ESCAPING);
  /* the caller decides what to do with it */
  g_assert_cmpstr (nth_segment (&c, 0)->path, ==, expected);
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXTINF:1,\n../x.ts\n"), ==, VS_PLAYLIST_FLAG_ESCAPING);
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXTINF:1,\nsub/../../x.ts\n"), ==,
                   VS_PLAYLIST_FLAG_ESCAPING);
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXTINF:1,\n..\n"), ==, VS_PLAYLIST_FLAG_ESCAPING);
}

static void
test_uri_escaping_absolute (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autofree char *inside = fixture_path (f, "in.ts");
  g_autofree char *text = g_strdup_printf ("#EXTM3U\n#EXTINF:1,\n%s\n", inside);
  g_autofree char *prefix = g_strdup_printf ("#EXTM3U\n#EXTINF:1,\n%s-sibling/x.ts\n", f->dir);

  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXTINF:1,\n/outside/x.ts\n"), ==,
                   VS_PLAYLIST_FLAG_ESCAPING);
  /* a folder whose name merely starts like ours is outside */
  g_assert_cmpint (flags_of (f, prefix), ==, VS_PLAYLIST_FLAG_ESCAPING);

  collector_init (&c);
  playlist = parse_ok (f, text, &c);
  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_NONE);
  g_assert_cmpstr (nth_segment (&c, 0)->path, ==, inside);
}

static void
test_uri_inside (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  static const char *names[] = { "a.ts", "b.ts", "sub/c.ts", "..d.ts", "e..ts", "sub/.f.ts" };

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n"
                          "#EXTINF:1,\nsub/../a.ts\n"
                          "#EXTINF:1,\n./b.ts\n"
                          "#EXTINF:1,\nsub//c.ts\n"
                          "#EXTINF:1,\n..d.ts\n"
                          "#EXTINF:1,\ne..ts\n"
                          "#EXTINF:1,\nsub/./.f.ts\n", &c);

  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_NONE);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *expected = fixture_path (f, names[i]);

      g_assert_cmpstr (nth_segment (&c, i)->path, ==, expected);
    }
}

static void
test_uri_percent (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autofree char *spaced = fixture_path (f, "a b.ts");
  g_autofree char *raw = fixture_path (f, "bad%zz.ts");

  collector_init (&c);
  playlist = parse_ok (f, "#EXTM3U\n#EXTINF:1,\na%20b.ts\n#EXTINF:1,\nbad%zz.ts\n", &c);
  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_NONE);
  g_assert_cmpstr (nth_segment (&c, 0)->uri, ==, "a%20b.ts");
  g_assert_cmpstr (nth_segment (&c, 0)->path, ==, spaced);
  g_assert_cmpstr (nth_segment (&c, 1)->path, ==, raw);

  /* escapes are decoded before the escape check */
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXTINF:1,\n%2e%2e/x.ts\n"), ==,
                   VS_PLAYLIST_FLAG_ESCAPING);
  g_assert_cmpint (flags_of (f, "#EXTM3U\n#EXTINF:1,\n%2Foutside.ts\n"), ==,
                   VS_PLAYLIST_FLAG_ESCAPING);
}

static void
test_uri_base_dir (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (f, "sub/list.m3u8",
                                      "#EXTM3U\n#EXTINF:1,\nplain.ts\n#EXTINF:1,\n../up.ts\n", -1);
  g_autofree char *plain = write_file (f, "sub/plain.m3u8", "#EXTM3U\n#EXTINF:1,\nplain.ts\n", -1);
  g_autofree char *sibling = fixture_path (f, "other");
  g_autoptr(VsPlaylist) own = NULL;
  g_autoptr(VsPlaylist) parent = NULL;
  g_autoptr(VsPlaylist) elsewhere = NULL;

  own = vs_playlist_parse (path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_playlist_get_flags (own), ==, VS_PLAYLIST_FLAG_ESCAPING);

  parent = vs_playlist_parse (path, f->dir, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_playlist_get_flags (parent), ==, VS_PLAYLIST_FLAG_NONE);

  /* a base that does not hold the playlist's folder: even plain names escape */
  elsewhere = vs_playlist_parse (plain, sibling, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_playlist_get_flags (elsewhere), ==, VS_PLAYLIST_FLAG_ESCAPING);
}

/* Master playlists */

static const char fallback_master[] =
  "#EXTM3U\n"
  "#EXT-X-STREAM-INF:BANDWIDTH=5000000,AVERAGE-BANDWIDTH=9000000,CODECS=\"avc1.640028,mp4a.40.2\"\n"
  "high.m3u8\n"
  "#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=99999999,CODECS=\"avc1.64001f,mp4a.40.2\",BANDWIDTH=3000000\n"
  "mid.m3u8\n"
  "#EXT-X-STREAM-INF:BANDWIDTH=1000000\n"
  "low.m3u8\n";

static void
test_master_variants (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (f, "master.m3u8", fallback_master, -1);
  g_autofree char *mid = write_file (f, "mid.m3u8", "#EXTM3U\n#EXTINF:6,\nm.ts\n", -1);
  g_autofree char *low = write_file (f, "low.m3u8", "#EXTM3U\n#EXTINF:3,\nl.ts\n", -1);
  g_autofree char *high = fixture_path (f, "high.m3u8");
  g_autoptr(VsPlaylist) playlist = NULL;
  const VsPlaylistVariant *v;

  collector_init (&c);
  playlist = vs_playlist_parse (path, NULL, collect, &c, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_MASTER);
  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 0);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 0);
  g_assert_cmpuint (c.segments->len, ==, 0);
  g_assert_cmpuint (vs_playlist_get_n_variants (playlist), ==, 3);

  v = vs_playlist_get_variant (playlist, 0);
  g_assert_cmpstr (v->uri, ==, "high.m3u8");
  g_assert_cmpstr (v->path, ==, high);
  g_assert_cmpint (v->bandwidth, ==, 5000000);
  g_assert_false (v->exists);
  v = vs_playlist_get_variant (playlist, 1);
  g_assert_cmpstr (v->path, ==, mid);
  g_assert_cmpint (v->bandwidth, ==, 3000000);
  g_assert_true (v->exists);
  v = vs_playlist_get_variant (playlist, 2);
  g_assert_cmpstr (v->path, ==, low);
  g_assert_cmpint (v->bandwidth, ==, 1000000);
  g_assert_true (v->exists);
}

static void
test_master_fallback (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (f, "master.m3u8", fallback_master, -1);
  g_autofree char *mid = write_file (f, "mid.m3u8", "#EXTM3U\n#EXTINF:6,\nm0.ts\n"
                                                    "#EXTINF:6,\nm1.ts\n#EXT-X-ENDLIST\n", -1);
  g_autofree char *low = write_file (f, "low.m3u8", "#EXTM3U\n#EXTINF:3,\nl.ts\n", -1);
  g_autoptr(VsPlaylist) playlist = NULL;

  collector_init (&c);
  playlist = vs_playlist_load (path, collect, &c, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (vs_playlist_get_path (playlist), ==, mid);
  g_assert_cmpstr (vs_playlist_get_master_path (playlist), ==, path);
  g_assert_cmpint (vs_playlist_get_flags (playlist), ==, VS_PLAYLIST_FLAG_ENDLIST);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 12000);
  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, 2);
  g_assert_cmpuint (c.segments->len, ==, 2);
  g_assert_cmpstr (nth_segment (&c, 1)->uri, ==, "m1.ts");
}

static void
test_master_tie (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (f, "master.m3u8",
                                      "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\na.m3u8\n"
                                      "#EXT-X-STREAM-INF:BANDWIDTH=1000\nb.m3u8\n"
                                      "#EXT-X-STREAM-INF:BANDWIDTH=999\nc.m3u8\n", -1);
  g_autofree char *a = write_file (f, "a.m3u8", "#EXTM3U\n#EXTINF:1,\na.ts\n", -1);
  g_autofree char *b = write_file (f, "b.m3u8", "#EXTM3U\n#EXTINF:2,\nb.ts\n", -1);
  g_autofree char *c = write_file (f, "c.m3u8", "#EXTM3U\n#EXTINF:3,\nc.ts\n", -1);
  g_autoptr(VsPlaylist) playlist = vs_playlist_load (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (vs_playlist_get_path (playlist), ==, a);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 1000);
}

static void
test_master_no_variant (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (f, "master.m3u8",
                                      "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2000\ngone.m3u8\n"
                                      "#EXT-X-STREAM-INF:BANDWIDTH=3000\n"
                                      "http://example.com/remote.m3u8\n", -1);
  g_autoptr(VsPlaylist) master = vs_playlist_parse (path, NULL, NULL, NULL, NULL, &error);
  g_autoptr(VsPlaylist) loaded = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (vs_playlist_get_flags (master), ==,
                   VS_PLAYLIST_FLAG_MASTER | VS_PLAYLIST_FLAG_REMOTE);
  g_assert_false (vs_playlist_get_variant (master, 0)->exists);
  g_assert_null (vs_playlist_get_variant (master, 1)->path);
  g_assert_false (vs_playlist_get_variant (master, 1)->exists);

  loaded = vs_playlist_load (path, NULL, NULL, NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_NO_VARIANT);
}

static void
test_master_subfolders (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(GError) error = NULL;
  g_autofree char *master = write_file (f, "master.m3u8",
                                        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlo/index.m3u8\n"
                                        "#EXT-X-STREAM-INF:BANDWIDTH=2400000\nhi/index.m3u8\n", -1);
  g_autofree char *lo = write_file (f, "lo/index.m3u8", "#EXTM3U\n#EXTINF:1,\nseg.ts\n", -1);
  g_autofree char *hi = write_file (f, "hi/index.m3u8",
                                    "#EXTM3U\n#EXT-X-MAP:URI=\"../shared/init.mp4\"\n"
                                    "#EXTINF:4,\nseg0.ts\n#EXTINF:4,\n../shared/seg1.ts\n", -1);
  g_autofree char *seg0 = fixture_path (f, "hi/seg0.ts");
  g_autofree char *seg1 = fixture_path (f, "shared/seg1.ts");
  g_autofree char *init = fixture_path (f, "shared/init.mp4");
  g_autoptr(VsPlaylist) loaded = NULL;
  g_autoptr(VsPlaylist) alone = NULL;

  /* through the master, the base is the master's folder: ../shared stays inside */
  collector_init (&c);
  loaded = vs_playlist_load (master, collect, &c, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vs_playlist_get_path (loaded), ==, hi);
  g_assert_cmpstr (vs_playlist_get_master_path (loaded), ==, master);
  g_assert_cmpint (vs_playlist_get_flags (loaded), ==, VS_PLAYLIST_FLAG_INIT_MAP);
  g_assert_cmpstr (vs_playlist_get_map_path (loaded), ==, init);
  g_assert_cmpstr (nth_segment (&c, 0)->path, ==, seg0);
  g_assert_cmpstr (nth_segment (&c, 1)->path, ==, seg1);

  /* on its own, the variant's base is its own folder */
  alone = vs_playlist_parse (hi, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_playlist_get_flags (alone), ==,
                   VS_PLAYLIST_FLAG_INIT_MAP | VS_PLAYLIST_FLAG_ESCAPING);
}

static void
test_master_subfolder_escaping (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *master = write_file (f, "m/master.m3u8",
                                        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv/index.m3u8\n", -1);
  g_autofree char *outside_master = write_file (f, "m/outside.m3u8",
                                                "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n"
                                                "../w/index.m3u8\n", -1);
  g_autofree char *v = write_file (f, "m/v/index.m3u8",
                                   "#EXTM3U\n#EXTINF:1,\nok.ts\n#EXTINF:1,\n../../x.ts\n", -1);
  g_autofree char *w = write_file (f, "w/index.m3u8", "#EXTM3U\n#EXTINF:1,\n../m/in.ts\n", -1);
  g_autoptr(VsPlaylist) segment_escapes = NULL;
  g_autoptr(VsPlaylist) variant_escapes = NULL;
  g_autoptr(VsPlaylist) listed = NULL;

  /* a segment leaving the master's folder */
  segment_escapes = vs_playlist_load (master, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_playlist_get_flags (segment_escapes), ==, VS_PLAYLIST_FLAG_ESCAPING);

  /* a variant outside the master's folder, whose segments come back inside */
  listed = vs_playlist_parse (outside_master, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_playlist_get_flags (listed), ==,
                   VS_PLAYLIST_FLAG_MASTER | VS_PLAYLIST_FLAG_ESCAPING);
  variant_escapes = vs_playlist_load (outside_master, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vs_playlist_get_path (variant_escapes), ==, w);
  g_assert_cmpint (vs_playlist_get_flags (variant_escapes), ==, VS_PLAYLIST_FLAG_ESCAPING);
}

static void
test_master_nested (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *master = write_file (f, "master.m3u8",
                                        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\ninner.m3u8\n", -1);
  g_autofree char *inner = write_file (f, "inner.m3u8",
                                       "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nmedia.m3u8\n", -1);
  g_autofree char *media = write_file (f, "media.m3u8", "#EXTM3U\n#EXTINF:1,\na.ts\n", -1);
  g_autoptr(VsPlaylist) playlist = vs_playlist_load (master, NULL, NULL, NULL, &error);

  g_assert_null (playlist);
  g_assert_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID);
}

static void
test_master_invalid (Fixture       *f,
                     gconstpointer  data)
{
  assert_parse_error (f, "#EXTM3U\n#EXTINF:1,\na.ts\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 4: ");
  assert_parse_error (f, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXTINF:1,\na.ts\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 5: ");
  assert_parse_error (f, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=fast\nv.m3u8\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
  assert_parse_error (f, "#EXTM3U\n#EXT-X-STREAM-INF:CODECS=\"avc1,BANDWIDTH=1\nv.m3u8\n",
                      VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_INVALID, "line 2: ");
}

static void
test_load_media (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Collector) c;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (f, "media.m3u8", "#EXTM3U\n#EXTINF:2.5,\na.ts\n", -1);
  g_autoptr(VsPlaylist) playlist = NULL;

  collector_init (&c);
  playlist = vs_playlist_load (path, collect, &c, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vs_playlist_get_path (playlist), ==, path);
  g_assert_null (vs_playlist_get_master_path (playlist));
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), ==, 2500);
  g_assert_cmpuint (c.segments->len, ==, 1);
}

/* Which playlist of a folder is the download: the only one, whatever it holds; else the
 * one master, whose variants are read only as far as their first segment (what follows
 * there cannot make them masters); several media playlists, or masters, are ambiguous. */
static void
test_find_in_folder (Fixture       *f,
                     gconstpointer  data)
{
  /* a media playlist that a full parse would reject after its first segment */
  const char *broken_media = "#EXTM3U\n#EXTINF:6,\nm0.ts\n#EXTINF:nan,\nm1.ts\n";
  const char *mixed_media = "#EXTM3U\n#EXTINF:3,\nl0.ts\n#EXT-X-STREAM-INF:BANDWIDTH=1\nx.m3u8\n";
  const char *media = "#EXTM3U\n#EXTINF:6,\na.ts\n";
  g_autofree char *only = write_file (f, "only/only.m3u8", "not a playlist\n", -1);
  g_autofree char *master = write_file (f, "master/master.m3u8", fallback_master, -1);
  g_autofree char *mid = write_file (f, "master/mid.m3u8", broken_media, -1);
  g_autofree char *low = write_file (f, "master/low.m3u8", mixed_media, -1);
  g_autofree char *a = write_file (f, "two-media/a.m3u8", media, -1);
  g_autofree char *b = write_file (f, "two-media/b.m3u8", media, -1);
  g_autofree char *m1 = write_file (f, "two-masters/one.m3u8", fallback_master, -1);
  g_autofree char *m2 = write_file (f, "two-masters/two.m3u8", fallback_master, -1);
  g_autofree char *none = fixture_path (f, "none");
  const struct {
    const char *folder;
    const char *expected;
    int         code;
  } cases[] = {
    { "only", only, 0 },
    { "master", master, 0 },
    { "two-media", NULL, G_IO_ERROR_EXISTS },
    { "two-masters", NULL, G_IO_ERROR_EXISTS },
    { "none", NULL, G_IO_ERROR_NOT_FOUND },
  };

  g_assert_cmpint (g_mkdir (none, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folder = fixture_path (f, cases[i].folder);
      g_autoptr(GError) error = NULL;
      g_autofree char *found = vs_playlist_find_in_folder (folder, &error);

      g_test_message ("%s", cases[i].folder);
      g_assert_cmpstr (found, ==, cases[i].expected);
      if (cases[i].expected == NULL)
        g_assert_error (error, G_IO_ERROR, cases[i].code);
      else
        g_assert_no_error (error);
    }
}

/* Size */

typedef struct
{
  guint  count;
  gint64 total_ns;
} Counter;

static gboolean
count_segment (const VsPlaylistSegment *segment,
               gpointer                 user_data)
{
  Counter *counter = user_data;

  g_assert_cmpuint (segment->index, ==, counter->count);
  g_assert_nonnull (segment->path);
  counter->count++;
  counter->total_ns += segment->duration_ns;
  return TRUE;
}

static void
test_large (Fixture       *f,
            gconstpointer  data)
{
  const guint n = 200000;
  g_autoptr(GString) text = g_string_sized_new (n * 32);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(VsPlaylist) bare = NULL;
  g_autoptr(VsPlaylist) counted = NULL;
  Counter counter = { 0 };
  guint64 tenth_ms = 0; /* exact sum, in 10^-4 s */

  g_string_append (text, "#EXTM3U\n#EXT-X-TARGETDURATION:6\n");
  for (guint i = 0; i < n; i++)
    {
      guint secs = i % 6, frac = (i * 7919) % 10000;
      char line[64];

      /* no allocation per line: keeps the test quick under ASan's slow unwinding */
      g_string_append_len (text, line, g_snprintf (line, sizeof line,
                                                   "#EXTINF:%u.%04u,\nseg%06u.ts\n",
                                                   secs, frac, i));
      tenth_ms += secs * 10000 + frac;
    }
  g_string_append (text, "#EXT-X-ENDLIST\n");
  path = write_file (f, "large.m3u8", text->str, text->len);

  bare = vs_playlist_parse (path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_playlist_get_n_segments (bare), ==, n);
  g_assert_cmpint (vs_playlist_get_duration_ms (bare), ==, (tenth_ms + 5) / 10);

  counted = vs_playlist_parse (path, NULL, count_segment, &counter, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counter.count, ==, n);
  g_assert_cmpint (counter.total_ns, ==, tenth_ms * 100000);
  g_assert_cmpint (vs_playlist_get_duration_ms (counted), ==, (tenth_ms + 5) / 10);
}

/* RESOLUTION, only ever shown: a malformed one is left out without failing the playlist. */
static void
test_master_resolution (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  const struct
  {
    int width, height;
  } expected[] = { { 1280, 720 }, { 640, 360 }, { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };

  playlist = parse_ok (f, "#EXTM3U\n"
                          "#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=1280x720\na.m3u8\n"
                          "#EXT-X-STREAM-INF:RESOLUTION=640X360,BANDWIDTH=2\nb.m3u8\n"
                          "#EXT-X-STREAM-INF:BANDWIDTH=3,RESOLUTION=1280\nc.m3u8\n"
                          "#EXT-X-STREAM-INF:BANDWIDTH=4,RESOLUTION=-1x5\nd.m3u8\n"
                          "#EXT-X-STREAM-INF:BANDWIDTH=5,RESOLUTION=99999999999x1\ne.m3u8\n"
                          "#EXT-X-STREAM-INF:BANDWIDTH=6\nf.m3u8\n", NULL);
  g_assert_cmpuint (vs_playlist_get_n_variants (playlist), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const VsPlaylistVariant *v = vs_playlist_get_variant (playlist, i);

      g_assert_cmpint (v->width, ==, expected[i].width);
      g_assert_cmpint (v->height, ==, expected[i].height);
    }
  /* none is here */
  g_assert_cmpint (vs_playlist_choose_variant (playlist), ==, -1);
}

/* Local copies of remote URIs: the file named as the URI's path ends, in the folder given,
 * and never a name that could be anything else. */
static void
test_local_copy (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *seg = write_file (f, "seg1.ts", "G", 1);
  g_autofree char *spaced = write_file (f, "seg 2.ts", "G", 1);
  g_autofree char *odd = write_file (f, "a..b.ts", "G", 1);
  g_autofree char *dir = fixture_path (f, "dir.ts");
  const struct
  {
    const char *uri;
    const char *copy; /* NULL: none */
  } cases[] = {
    { "https://cdn.example.com/v/seg1.ts", seg },
    { "HTTP://cdn.example.com:8080/seg1.ts?token=a%2Fb&x=/../..#frag", seg },
    { "https://user@cdn.example.com/a/b/c/seg%202.ts", spaced },
    { "https://cdn.example.com/a..b.ts", odd },
    { "s3://bucket/seg1.ts", seg },
    { "https://cdn.example.com/v/missing.ts", NULL },
    { "https://cdn.example.com/v/dir.ts", NULL },           /* not a regular file */
    { "https://cdn.example.com/v/..%2Fseg1.ts", NULL },     /* a '/' once decoded */
    { "https://cdn.example.com/v/%2E%2E", NULL },
    { "https://cdn.example.com/v/..", NULL },
    { "https://cdn.example.com/v/.", NULL },
    { "https://cdn.example.com/v/seg1.ts%00", NULL },       /* a NUL once decoded */
    { "https://cdn.example.com/v/seg%zz1.ts", NULL },       /* a bad escape */
    { "https://cdn.example.com/", NULL },
    { "https://seg1.ts", NULL },                            /* a host, not a file */
    { "seg1.ts", NULL },                                    /* local URIs are files already */
    { "sub/seg1.ts", NULL },
    { "file:///elsewhere/seg1.ts", NULL },
    { "", NULL },
  };

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *copy = vs_playlist_local_copy (cases[i].uri, f->dir);

      g_test_message ("%s", cases[i].uri);
      g_assert_cmpstr (copy, ==, cases[i].copy);
    }
}

/* vs_hls_info_compute() on folders outside any index, as `probe` calls it. */
typedef struct
{
  const char       *name;
  guint             n_segments;
  guint             n_missing;
  VsTestHlsOptions  options;
  VsHlsState        state;
  VsHlsFlags        flags;
  const char       *words;
} InfoCase;

static void
test_hls_info_compute (Fixture       *f,
                       gconstpointer  data)
{
  const InfoCase cases[] = {
    { "complete", 2, 0, VS_TEST_HLS_PLAIN, VS_HLS_STATE_COMPLETE, VS_HLS_FLAG_ENDLIST,
      "Complete: 2 segments" },
    { "missing", 3, 1, VS_TEST_HLS_PLAIN, VS_HLS_STATE_INCOMPLETE, VS_HLS_FLAG_ENDLIST,
      "Incomplete: 1 of 3 segments missing" },
    { "running", 3, 0, VS_TEST_HLS_NO_ENDLIST, VS_HLS_STATE_INCOMPLETE, VS_HLS_FLAG_NONE,
      "Incomplete: the playlist has no end, the download may not be finished" },
    { "copies", 2, 0, VS_TEST_HLS_REMOTE, VS_HLS_STATE_REMOTE,
      VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_REMOTE | VS_HLS_FLAG_ALL_COPIES,
      "Remote playlist, every segment downloaded" },
    /* a stream's playlist: nothing of it here, yet nothing gone wrong */
    { "stream", 2, 2, VS_TEST_HLS_REMOTE, VS_HLS_STATE_REMOTE,
      VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_REMOTE, "Remote playlist, segments not downloaded" },
    { "keyed", 2, 0, VS_TEST_HLS_AES128 | VS_TEST_HLS_KEY_FILE, VS_HLS_STATE_ENCRYPTED,
      VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_ENCRYPTED | VS_HLS_FLAG_KEY_PRESENT,
      "Encrypted, key present" },
    { "keyless", 2, 0, VS_TEST_HLS_AES128, VS_HLS_STATE_ENCRYPTED,
      VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_ENCRYPTED, "Encrypted, key missing" },
    { "fmp4", 2, 0, VS_TEST_HLS_FMP4 | VS_TEST_HLS_NO_FINAL_NEWLINE, VS_HLS_STATE_COMPLETE,
      VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_INIT_MAP, "Complete: 2 segments" },
    { "titled", 1, 0, VS_TEST_HLS_HUGE_TITLE, VS_HLS_STATE_COMPLETE, VS_HLS_FLAG_ENDLIST,
      "Complete: 1 segment" },
  };
  g_autofree char *master_dir = fixture_path (f, "master");
  g_autofree char *master = fixture_path (f, "master/master.m3u8");
  g_autofree char *init = fixture_path (f, "nomap/init.mp4");
  g_autofree char *nomap_dir = fixture_path (f, "nomap");
  g_autofree char *nomap = fixture_path (f, "nomap/index.m3u8");
  g_autofree char *empty_master = NULL;
  g_autofree char *words = NULL;
  g_autofree char *nomap_words = NULL;
  g_autoptr(VsHlsInfo) info = NULL;
  g_autoptr(VsHlsInfo) copy = NULL;
  g_autoptr(VsHlsInfo) nomap_info = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const InfoCase *c = &cases[i];
      g_autofree char *folder = fixture_path (f, c->name);
      g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
      g_autoptr(VsHlsInfo) case_info = NULL;
      g_autofree char *case_words = NULL;

      g_test_message ("%s", c->name);
      vs_test_make_hls_download (folder, c->n_segments, c->n_missing, c->options);
      case_info = vs_hls_info_compute (playlist, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (vs_hls_state_to_string (case_info->state), ==,
                       vs_hls_state_to_string (c->state));
      g_assert_cmphex (case_info->flags, ==, c->flags);
      g_assert_cmpuint (case_info->segments, ==, c->n_segments);
      g_assert_cmpuint (case_info->missing, ==, c->n_missing);
      case_words = vs_hls_info_describe (case_info);
      g_assert_cmpstr (case_words, ==, c->words);
    }

  /* a master: the variant vs_playlist_load() follows, named */
  vs_test_make_hls_master (master_dir);
  info = vs_hls_info_compute (master, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->state, ==, VS_HLS_STATE_MASTER);
  g_assert_cmphex (info->flags, ==, VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_MASTER);
  g_assert_cmpstr (info->variant, ==, "720p/index.m3u8");
  g_assert_cmpint (info->variant_bandwidth, ==, 2800000);
  g_assert_cmpuint (info->segments, ==, 3);
  words = vs_hls_info_describe (info);
  g_assert_cmpstr (words, ==, "Master playlist: uses the 1280×720 variant");
  copy = vs_hls_info_copy (info);
  g_assert_true (vs_hls_info_equal (copy, info));
  g_assert_true (copy->variant != info->variant);

  /* an init section gone: incomplete, though every segment is here */
  vs_test_make_hls_download (nomap_dir, 2, 0, VS_TEST_HLS_FMP4);
  g_assert_cmpint (g_unlink (init), ==, 0);
  nomap_info = vs_hls_info_compute (nomap, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nomap_info->state, ==, VS_HLS_STATE_INCOMPLETE);
  g_assert_cmphex (nomap_info->flags, ==,
                   VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_INIT_MAP | VS_HLS_FLAG_MAP_MISSING);
  nomap_words = vs_hls_info_describe (nomap_info);
  g_assert_cmpstr (nomap_words, ==, "Incomplete: the initialization segment is missing");

  /* a master with no variant here fails as vs_playlist_load() does */
  g_clear_pointer (&info, vs_hls_info_free);
  empty_master = write_file (f, "empty-master.m3u8",
                             "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nnone.m3u8\n", -1);
  info = vs_hls_info_compute (empty_master, NULL, NULL, &error);
  g_assert_error (error, VS_PLAYLIST_ERROR, VS_PLAYLIST_ERROR_NO_VARIANT);
  g_assert_null (info);
}

/* The precedence vs-hls-info.h documents, where several states apply. */
static void
test_hls_state_precedence (void)
{
  const VsHlsFlags end = VS_HLS_FLAG_ENDLIST;
  const VsHlsFlags enc = VS_HLS_FLAG_ENCRYPTED;
  const VsHlsFlags key = VS_HLS_FLAG_KEY_PRESENT;
  const VsHlsFlags remote = VS_HLS_FLAG_REMOTE;
  const VsHlsFlags copies = VS_HLS_FLAG_ALL_COPIES;
  const VsHlsFlags master = VS_HLS_FLAG_MASTER;
  const VsHlsFlags map = VS_HLS_FLAG_INIT_MAP | VS_HLS_FLAG_MAP_MISSING;
  const struct
  {
    VsHlsFlags flags;
    guint      segments, missing;
    VsHlsState state;
  } cases[] = {
    { end, 4, 0, VS_HLS_STATE_COMPLETE },
    { end | master, 4, 0, VS_HLS_STATE_MASTER },
    { end | master | enc | key, 4, 0, VS_HLS_STATE_ENCRYPTED },
    { end | enc | key | remote | copies, 4, 0, VS_HLS_STATE_REMOTE },
    { end | remote | copies | master, 4, 0, VS_HLS_STATE_REMOTE },
    { end | enc | remote | copies, 4, 0, VS_HLS_STATE_ENCRYPTED },
    { end | enc | remote, 4, 4, VS_HLS_STATE_ENCRYPTED },
    { end | remote, 4, 4, VS_HLS_STATE_REMOTE },
    { end | remote | map, 4, 4, VS_HLS_STATE_REMOTE },
    { end | remote, 4, 1, VS_HLS_STATE_INCOMPLETE },
    { remote, 4, 4, VS_HLS_STATE_INCOMPLETE },
    { end | enc, 4, 1, VS_HLS_STATE_INCOMPLETE },
    { end | map | enc | key, 4, 0, VS_HLS_STATE_INCOMPLETE },
    { master | enc, 4, 0, VS_HLS_STATE_INCOMPLETE },
    { end, 4, 4, VS_HLS_STATE_INCOMPLETE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VsHlsState state = vs_hls_state_from_facts (cases[i].flags, cases[i].segments,
                                                  cases[i].missing);

      g_test_message ("case %u", i);
      g_assert_cmpstr (vs_hls_state_to_string (state), ==,
                       vs_hls_state_to_string (cases[i].state));
    }
  g_assert_cmpstr (vs_hls_state_to_string (VS_HLS_STATE_UNKNOWN), ==, "unknown");
  g_assert_cmpstr (vs_hls_state_to_string (99), ==, "unknown");
}

/* Files that are not playlists */

static void
test_file_fifo (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path (f, "x.m3u8");
  g_autoptr(VsPlaylist) playlist = NULL;
  gint64 start;

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);

  /* a hang would be killed by the alarm rather than stall the suite */
  alarm (10);
  start = g_get_monotonic_time ();
  playlist = vs_playlist_load (path, NULL, NULL, NULL, &error);
  alarm (0);

  g_assert_null (playlist);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static void
test_file_not_found (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path (f, "missing.m3u8");
  g_autoptr(VsPlaylist) playlist = vs_playlist_parse (path, NULL, NULL, NULL, NULL, &error);

  g_assert_null (playlist);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.m3u8"));
}

static void
test_file_directory (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path (f, "folder.m3u8");
  g_autoptr(VsPlaylist) playlist = NULL;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  playlist = vs_playlist_parse (path, NULL, NULL, NULL, NULL, &error);
  g_assert_null (playlist);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/playlist/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("header/extm3u", test_header_extm3u);
  ADD ("header/missing", test_header_missing);
  ADD ("header/bom", test_header_bom);
  ADD ("lines/crlf", test_lines_crlf);
  ADD ("lines/comments-and-unknown-tags", test_lines_comments);
  ADD ("lines/no-final-newline", test_lines_no_final_newline);
  ADD ("lines/too-long", test_lines_too_long);
  ADD ("lines/long-ignored", test_lines_long_ignored);
  ADD ("lines/huge-title", test_lines_huge_title);
  ADD ("lines/reader-bound", test_lines_reader_bound);
  ADD ("lines/long-within-bound", test_lines_long_within_bound);
  ADD ("lines/nul-byte", test_lines_nul_byte);
  ADD ("lines/near-common-forms", test_lines_near_common_forms);
  ADD ("lines/error-line-numbers", test_lines_error_line_numbers);
  ADD ("extinf/integer", test_extinf_integer);
  ADD ("extinf/decimal", test_extinf_decimal);
  ADD ("extinf/titles", test_extinf_titles);
  ADD ("extinf/invalid", test_extinf_invalid);
  ADD ("extinf/overflow", test_extinf_overflow);
  ADD ("extinf/overflow-total", test_extinf_overflow_total);
  ADD ("extinf/replaced", test_extinf_replaced);
  ADD ("extinf/trailing", test_extinf_trailing);
  ADD ("sum/thirds", test_sum_thirds);
  ADD ("sum/tenths", test_sum_tenths);
  ADD ("sum/half-up", test_sum_half_up);
  ADD ("sum/long-fraction", test_sum_long_fraction);
  ADD ("segments/none", test_segments_none);
  ADD ("segments/uri-without-extinf", test_segments_uri_without_extinf);
  ADD ("segments/fields", test_segments_fields);
  ADD ("segments/stop", test_segments_stop);
  ADD ("segments/cancellable", test_segments_cancellable);
  ADD ("tags/target-duration", test_tags_target_duration);
  ADD ("tags/endlist", test_tags_endlist);
  ADD ("key/none", test_key_none);
  ADD ("key/aes-128", test_key_aes128);
  ADD ("key/map-paths", test_key_map_paths);
  ADD ("key/sample-aes", test_key_sample_aes);
  ADD ("key/malformed", test_key_malformed);
  ADD ("map/uri", test_map_uri);
  ADD ("map/byterange", test_map_byterange);
  ADD ("map/remote-and-escaping", test_map_remote_and_escaping);
  ADD ("map/invalid", test_map_invalid);
  ADD ("byterange/offsets", test_byterange_offsets);
  ADD ("byterange/invalid", test_byterange_invalid);
  ADD ("discontinuity/sequence", test_discontinuity);
  ADD ("uri/remote", test_uri_remote);
  ADD ("uri/file-scheme", test_uri_file_scheme);
  ADD ("uri/escaping-relative", test_uri_escaping_relative);
  ADD ("uri/escaping-absolute", test_uri_escaping_absolute);
  ADD ("uri/inside", test_uri_inside);
  ADD ("uri/percent", test_uri_percent);
  ADD ("uri/base-dir", test_uri_base_dir);
  ADD ("master/variants", test_master_variants);
  ADD ("master/fallback", test_master_fallback);
  ADD ("master/tie", test_master_tie);
  ADD ("master/no-variant", test_master_no_variant);
  ADD ("master/subfolders", test_master_subfolders);
  ADD ("master/subfolder-escaping", test_master_subfolder_escaping);
  ADD ("master/nested", test_master_nested);
  ADD ("master/invalid", test_master_invalid);
  ADD ("master/resolution", test_master_resolution);
  ADD ("uri/local-copy", test_local_copy);
  ADD ("hls-info/compute", test_hls_info_compute);
  g_test_add_func ("/playlist/hls-info/precedence", test_hls_state_precedence);
  ADD ("load/media", test_load_media);
  ADD ("find-in-folder", test_find_in_folder);
  ADD ("large", test_large);
  ADD ("file/fifo", test_file_fifo);
  ADD ("file/not-found", test_file_not_found);
  ADD ("file/directory", test_file_directory);

#undef ADD

  return g_test_run ();
}
