/* SPDX-License-Identifier: GPL-3.0-or-later */
/* External subtitles: SubRip and WebVTT as found in the wild (byte order marks, CRLF,
 * missing numbers, cue settings, tags, overlaps, Windows-1252, bad times), the files
 * refused with a clear error, finding them beside a video, and random bytes. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "vs-subtitles.h"
#include "vs-test-utils.h"

static char *tmpdir;

static char *
write_subtitles (const char *name,
                 const char *contents,
                 gssize      length)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  vs_test_write_file (path, contents, length);
  return path;
}

static VsSubtitles *
load (const char *name,
      const char *contents)
{
  g_autofree char *path = write_subtitles (name, contents, -1);
  g_autoptr(GError) error = NULL;
  VsSubtitles *subtitles = vs_subtitles_new_from_file (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (subtitles);
  return subtitles;
}

static void
assert_error (const char *name,
              const char *contents,
              gssize      length,
              int         code)
{
  g_autofree char *path = write_subtitles (name, contents, length);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsSubtitles) subtitles = vs_subtitles_new_from_file (path, NULL, &error);

  g_assert_null (subtitles);
  g_assert_error (error, VS_SUBTITLES_ERROR, code);
  /* names the file, in one line */
  g_assert_nonnull (strstr (error->message, name));
  g_assert_null (strchr (error->message, '\n'));
}

/* The markup shown at @ms, "" for none. */
static char *
at (VsSubtitles *subtitles,
    gint64       ms)
{
  char *markup = vs_subtitles_dup_markup_at (subtitles, ms);

  return markup ? markup : g_strdup ("");
}

#define assert_at(subtitles, ms, expected)                   \
  G_STMT_START {                                             \
    g_autofree char *shown_ = at ((subtitles), (ms));        \
    g_assert_cmpstr (shown_, ==, (expected));                \
  } G_STMT_END

/* Pango parses markup with GMarkup: what it would refuse is refused here too. */
static gboolean
well_formed (const char *markup)
{
  static const GMarkupParser parser = { 0 };
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, NULL, NULL);

  return g_markup_parse_context_parse (context, wrapped, -1, NULL) &&
         g_markup_parse_context_end_parse (context, NULL);
}

static void
test_srt (void)
{
  g_autoptr(VsSubtitles) s = load ("basic.srt",
                                   "1\n00:00:01,000 --> 00:00:02,500\nHello\n\n"
                                   "2\n00:00:03,000 --> 00:00:04,000\nTwo\nlines\n");
  gint64 start, end;

  g_assert_cmpuint (vs_subtitles_get_n_cues (s), ==, 2);
  g_assert_cmpuint (vs_subtitles_get_n_skipped (s), ==, 0);
  g_assert_cmpstr (vs_subtitles_get_encoding (s), ==, "UTF-8");
  g_assert_cmpstr (vs_subtitles_get_cue (s, 1, &start, &end), ==, "Two\nlines");
  g_assert_cmpint (start, ==, 3000);
  g_assert_cmpint (end, ==, 4000);
  assert_at (s, 0, "");
  assert_at (s, 999, "");
  assert_at (s, 1000, "Hello");
  assert_at (s, 2499, "Hello");
  assert_at (s, 2500, "");
  assert_at (s, 3500, "Two\nlines");
  assert_at (s, 4000, "");
  assert_at (s, G_MAXINT64, "");
  assert_at (s, -1, "");
}

/* A byte order mark, CRLF, no cue numbers, no blank line between cues (the next number
 * read as text is not shown), times without hours, "." before the milliseconds, no newline
 * at the end. */
static void
test_srt_sloppy (void)
{
  g_autoptr(VsSubtitles) s = load ("sloppy.srt",
                                   "\xef\xbb\xbf" "00:00:01,000 --> 00:00:02,000\r\nFirst\r\n"
                                   "7\r\n"
                                   "00:00:02.5 --> 00:00:03,25\r\nSecond\r\n\r\n\r\n"
                                   "\r\n01:05,000 --> 01:06,000\r\nThird");

  g_assert_cmpuint (vs_subtitles_get_n_cues (s), ==, 3);
  assert_at (s, 1500, "First");
  assert_at (s, 2500, "Second");
  assert_at (s, 3249, "Second");
  assert_at (s, 3250, "");
  assert_at (s, 65500, "Third");
}

/* A header, NOTE, STYLE and REGION blocks, identifiers, cue settings, entities. */
static void
test_vtt (void)
{
  g_autoptr(VsSubtitles) s = load ("film.vtt",
                                   "WEBVTT - a film\nKind: captions\n\n"
                                   "NOTE this is 00:00:00.000 --> 00:00:09.000 no cue\n\n"
                                   "STYLE\n::cue { color: yellow }\n\n"
                                   "REGION\nid:fred width:40%\n\n"
                                   "intro\n00:01.000 --> 00:02.000 align:start position:10%\n"
                                   "Tom &amp; Jerry &lt;3 &nbsp;&foo;\n\n"
                                   "00:00:03.000 --> 00:00:04.000 line:0\n<v Roger>Hi <c.yellow>there</c>\n");

  g_assert_cmpuint (vs_subtitles_get_n_cues (s), ==, 2);
  g_assert_cmpuint (vs_subtitles_get_n_skipped (s), ==, 0);
  assert_at (s, 500, "");
  assert_at (s, 1000, "Tom &amp; Jerry &lt;3 \xc2\xa0&amp;foo;");
  assert_at (s, 3000, "Hi there");
}

/* Tags: <i>, <b>, <u> kept (any case), the others and {\an8} left out, everything else
 * escaped, and the markup always well-formed however the tags are (un)balanced. */
static void
test_tags (void)
{
  static const struct { const char *text; const char *markup; } cases[] = {
    { "<i>italic</i>", "<i>italic</i>" },
    { "<B>bold</B> <u>under</u>", "<b>bold</b> <u>under</u>" },
    { "{\\an8}Top", "Top" },
    { "<font color=\"#ff0000\">red</font>", "red" },
    { "a < b & c > d", "a &lt; b &amp; c &gt; d" },
    { "<i>never closed", "<i>never closed</i>" },
    { "</b>closed first", "closed first" },
    { "<i><b>crossed</i> tags</b>", "<i><b>crossed</b></i> tags" },
    { "<i>across\nlines</i>", "<i>across\nlines</i>" },
    { "<script>alert(1)</script>", "alert(1)" },
    { "<span foreground=\"red\">x</span>", "x" },
    { "\"quotes\" & 'apostrophes'", "\"quotes\" &amp; 'apostrophes'" },
    { "tab\there\x01", "tab here" },
    { "<i><i><i><i><i><i><i><i><i><i>deep", "<i><i><i><i><i><i><i><i>deep</i></i></i></i></i></i></i></i>" },
    { "{not a tag}", "{not a tag}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("00:00:01,000 --> 00:00:02,000\n%s\n",
                                               cases[i].text);
      g_autoptr(VsSubtitles) s = load ("tags.srt", text);
      const char *markup = vs_subtitles_get_cue (s, 0, NULL, NULL);

      g_test_message ("%s", cases[i].text);
      g_assert_cmpstr (markup, ==, cases[i].markup);
      g_assert_true (well_formed (markup));
    }
}

/* Overlapping cues show together, in start order; a cue in the file's middle that starts
 * first is sorted; the search is right at every edge. */
static void
test_overlaps (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(VsSubtitles) s = load ("overlap.srt",
                                   "00:00:05,000 --> 00:00:06,000\nlate\n\n"
                                   "00:00:00,000 --> 00:00:10,000\nlong\n\n"
                                   "00:00:01,000 --> 00:00:02,000\nshort\n\n"
                                   "00:00:01,500 --> 00:00:03,000\nthird\n");
  g_autoptr(VsSubtitles) many = NULL;

  g_assert_cmpuint (vs_subtitles_get_n_cues (s), ==, 4);
  assert_at (s, 500, "long");
  assert_at (s, 1200, "long\nshort");
  assert_at (s, 1700, "long\nshort\nthird");
  assert_at (s, 2500, "long\nthird");
  assert_at (s, 5500, "long\nlate");
  assert_at (s, 9999, "long");
  assert_at (s, 10000, "");

  /* 5,000 cues back to back: each time finds its own */
  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (text, "%u\n00:%02u:%02u,%03u --> 00:%02u:%02u,%03u\ncue %u\n\n", i + 1,
                            i / 600, (i / 10) % 60, (i % 10) * 100, (i + 1) / 600,
                            ((i + 1) / 10) % 60, ((i + 1) % 10) * 100, i);
  many = load ("many.srt", text->str);
  g_assert_cmpuint (vs_subtitles_get_n_cues (many), ==, 5000);
  for (guint i = 0; i < 5000; i += 7)
    {
      g_autofree char *expected = g_strdup_printf ("cue %u", i);

      assert_at (many, i * 100, expected);
      assert_at (many, i * 100 + 99, expected);
    }
  assert_at (many, 500000, "");
}

/* Windows-1252 text is converted (its five unassigned bytes too); UTF-8 lines stay. */
static void
test_windows_1252 (void)
{
  g_autoptr(VsSubtitles) s = load ("latin.srt",
                                   "00:00:01,000 --> 00:00:02,000\nCaf\xe9 \x93quoted\x94 \x81\n\n"
                                   "00:00:03,000 --> 00:00:04,000\nna\xc3\xafve\n");

  g_assert_cmpstr (vs_subtitles_get_encoding (s), ==, "WINDOWS-1252");
  g_assert_cmpstr (vs_subtitles_get_cue (s, 0, NULL, NULL), ==,
                   "Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d ");
  g_assert_cmpstr (vs_subtitles_get_cue (s, 1, NULL, NULL), ==, "na\xc3\xafve");
}

/* A cue whose times are bad is skipped and counted; the others stay. */
static void
test_bad_times (void)
{
  g_autoptr(VsSubtitles) s = load ("bad.srt",
                                   "1\n00:00:01,000 --> 00:00:02,000\ngood\n\n"
                                   "2\n00:00:xx,000 --> 00:00:04,000\nletters\n\n"
                                   "3\n00:61:00,000 --> 00:62:00,000\nminute 61\n\n"
                                   "4\n00:00:09,000 --> 00:00:08,000\nbackwards\n\n"
                                   "5\nno times at all\n\n"
                                   "6\n00:00:05,000 -> 00:00:06,000\nshort arrow\n\n"
                                   "7\n00:00:10,000 --> 00:00:11,000\nalso good\n\n"
                                   "8\n00:00:12,000 --> 00:00:13,0000000000\ntoo many digits\n");

  g_assert_cmpuint (vs_subtitles_get_n_cues (s), ==, 2);
  g_assert_cmpuint (vs_subtitles_get_n_skipped (s), ==, 6);
  assert_at (s, 1500, "good");
  assert_at (s, 3500, "");
  assert_at (s, 10500, "also good");
}

/* Files refused with a clear error: too large (never read), UTF-16, NUL bytes, no cue. */
static void
test_refused (void)
{
  g_autofree char *big = g_build_filename (tmpdir, "huge.srt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsSubtitles) s = NULL;
  int fd;

  fd = open (big, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, VS_SUBTITLES_MAX_FILE_SIZE + 1), ==, 0);
  close (fd);
  s = vs_subtitles_new_from_file (big, NULL, &error);
  g_assert_null (s);
  g_assert_error (error, VS_SUBTITLES_ERROR, VS_SUBTITLES_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "huge.srt"));
  g_clear_error (&error);

  assert_error ("utf16.srt", "\xff\xfe" "1\0\n\0", 6, VS_SUBTITLES_ERROR_NOT_TEXT);
  assert_error ("nul.srt", "00:00:01,000 --> 00:00:02,000\nnul\0byte\n", 40,
                VS_SUBTITLES_ERROR_NOT_TEXT);
  assert_error ("empty.srt", "", 0, VS_SUBTITLES_ERROR_NO_CUES);
  assert_error ("notes.vtt", "WEBVTT\n\nNOTE nothing here\n", -1, VS_SUBTITLES_ERROR_NO_CUES);
  assert_error ("prose.srt", "Once upon a time\nthere was no subtitle.\n", -1,
                VS_SUBTITLES_ERROR_NO_CUES);

  /* a folder, and nothing there */
  s = vs_subtitles_new_from_file (tmpdir, NULL, &error);
  g_assert_null (s);
  g_assert_nonnull (error);
  g_clear_error (&error);
  {
    g_autofree char *missing = g_build_filename (tmpdir, "missing.srt", NULL);

    s = vs_subtitles_new_from_file (missing, NULL, &error);
    g_assert_null (s);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
}

/* NAME.srt or NAME.vtt beside the video, else NAME.LANG.srt; an HLS download's folder
 * name; nothing else. */
static void
test_find (void)
{
  g_autofree char *folder = g_build_filename (tmpdir, "find", NULL);
  g_autofree char *video = g_build_filename (folder, "clip.mp4", NULL);
  g_autofree char *found = NULL;
  g_autofree char *show = g_build_filename (folder, "Show", NULL);
  g_autofree char *playlist = g_build_filename (show, "index.m3u8", NULL);

  g_assert_cmpint (g_mkdir_with_parents (show, 0755), ==, 0);
  vs_test_write_file (video, "", 0);
  vs_test_write_file (playlist, "", 0);
  g_assert_null (vs_subtitles_find (video));

  /* look-alikes that are not its subtitles */
  g_free (write_subtitles ("find/clip.mp4.txt", "", 0));
  g_free (write_subtitles ("find/clip2.srt", "", 0));
  g_free (write_subtitles ("find/clip.not a language.srt", "", 0));
  g_assert_null (vs_subtitles_find (video));

  g_free (write_subtitles ("find/clip.fr.srt", "", 0));
  g_free (write_subtitles ("find/clip.de.vtt", "", 0));
  found = vs_subtitles_find (video);
  g_assert_true (g_str_has_suffix (found, "/clip.de.vtt"));
  g_clear_pointer (&found, g_free);

  g_free (write_subtitles ("find/clip.vtt", "", 0));
  found = vs_subtitles_find (video);
  g_assert_true (g_str_has_suffix (found, "/clip.vtt"));
  g_clear_pointer (&found, g_free);

  g_free (write_subtitles ("find/clip.srt", "", 0));
  found = vs_subtitles_find (video);
  g_assert_true (g_str_has_suffix (found, "/clip.srt"));
  g_clear_pointer (&found, g_free);

  g_assert_null (vs_subtitles_find (playlist));
  g_free (write_subtitles ("find/Show.srt", "", 0));
  found = vs_subtitles_find (playlist);
  g_assert_true (g_str_has_suffix (found, "/find/Show.srt"));
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The player's way: on a thread, NULL without an error when there is none. */
static void
test_load_async (void)
{
  g_autofree char *video = g_build_filename (tmpdir, "async.mp4", NULL);
  g_autofree char *srt = g_build_filename (tmpdir, "async.srt", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsSubtitles) s = NULL;

  vs_test_write_file (video, "", 0);
  vs_subtitles_load_for_video_async (video, NULL, on_loaded, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (vs_subtitles_load_for_video_finish (result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  vs_test_write_file (srt, "00:00:01,000 --> 00:00:02,000\nasync\n", -1);
  vs_subtitles_load_for_video_async (video, NULL, on_loaded, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  s = vs_subtitles_load_for_video_finish (result, &error);
  g_assert_no_error (error);
  assert_at (s, 1000, "async");
}

/* Random bytes, and valid files with bytes flipped: never a crash (ASan watches), never a
 * leak, markup always well-formed and times in order. */
static void
test_random (void)
{
  static const char valid[] =
    "\xef\xbb\xbfWEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000 align:start\n<i>Hi</i> &amp; "
    "{\\an8}<b>there</b>\n\n00:00:01,500 --> 00:00:03,000\n<font x>a < b</font>\n";
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autofree char *path = g_build_filename (tmpdir, "random.srt", NULL);

  for (guint round = 0; round < 400; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VsSubtitles) s = NULL;
      gsize len;
      char *bytes;

      if (round % 2 == 0)
        {
          len = g_rand_int_range (rand, 0, 4096);
          bytes = g_malloc (len + 1);
          for (gsize i = 0; i < len; i++)
            {
              /* mostly the bytes that matter to the parser */
              static const char alphabet[] = "0123456789:,.-> \n\r<>/ib{}\\&;WEBVTT\xc3\xa9\xff";

              bytes[i] = g_rand_boolean (rand)
                         ? alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]
                         : (char) g_rand_int_range (rand, 1, 256);
            }
        }
      else
        {
          len = sizeof valid - 1;
          bytes = g_memdup2 (valid, len + 1);
          for (guint flips = g_rand_int_range (rand, 1, 8); flips > 0; flips--)
            bytes[g_rand_int_range (rand, 0, len)] = (char) g_rand_int_range (rand, 1, 256);
        }
      vs_test_write_file (path, bytes, len);
      g_free (bytes);
      s = vs_subtitles_new_from_file (path, NULL, &error);
      if (s == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == VS_SUBTITLES_ERROR || error->domain == G_IO_ERROR);
          continue;
        }
      for (guint i = 0; i < vs_subtitles_get_n_cues (s); i++)
        {
          gint64 start, end, next;
          const char *markup = vs_subtitles_get_cue (s, i, &start, &end);
          g_autofree char *shown = NULL;

          g_assert_true (g_utf8_validate (markup, -1, NULL));
          g_assert_true (well_formed (markup));
          g_assert_cmpint (start, <, end);
          if (i + 1 < vs_subtitles_get_n_cues (s))
            {
              vs_subtitles_get_cue (s, i + 1, &next, NULL);
              g_assert_cmpint (start, <=, next);
            }
          shown = vs_subtitles_dup_markup_at (s, start);
          g_assert_nonnull (shown);
          g_assert_true (well_formed (shown));
        }
    }
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = vs_test_make_tmpdir ();

  g_test_add_func ("/subtitles/srt", test_srt);
  g_test_add_func ("/subtitles/srt-sloppy", test_srt_sloppy);
  g_test_add_func ("/subtitles/vtt", test_vtt);
  g_test_add_func ("/subtitles/tags", test_tags);
  g_test_add_func ("/subtitles/overlaps", test_overlaps);
  g_test_add_func ("/subtitles/windows-1252", test_windows_1252);
  g_test_add_func ("/subtitles/bad-times", test_bad_times);
  g_test_add_func ("/subtitles/refused", test_refused);
  g_test_add_func ("/subtitles/find", test_find);
  g_test_add_func ("/subtitles/load-async", test_load_async);
  g_test_add_func ("/subtitles/random", test_random);

  status = g_test_run ();
  vs_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
