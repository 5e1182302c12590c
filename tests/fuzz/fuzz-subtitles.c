/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-subtitles.c: the SubRip and WebVTT reader over arbitrary bytes
 *
 * Every cue it keeps must run forwards, in start order, with markup that GMarkup (and so
 * Pango) accepts; the cues shown at each cue's start must include something. */
#include "config.h"

#include "fuzz-common.h"
#include "vs-subtitles.h"

static char *subtitles_path;

static gboolean
well_formed (const char *markup)
{
  static const GMarkupParser parser = { 0 };
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, NULL, NULL);

  return g_markup_parse_context_parse (context, wrapped, -1, NULL) &&
         g_markup_parse_context_end_parse (context, NULL);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  subtitles_path = g_build_filename (vs_fuzz_setup (), "fuzz.srt", NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsSubtitles) subtitles = NULL;
  gint64 previous_start = G_MININT64;

  if (!g_file_set_contents_full (subtitles_path, (const char *) data, (gssize) size,
                                 G_FILE_SET_CONTENTS_NONE, 0644, &error))
    g_error ("%s", error->message);

  subtitles = vs_subtitles_new_from_file (subtitles_path, NULL, &error);
  if (subtitles == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  for (guint i = 0; i < vs_subtitles_get_n_cues (subtitles); i++)
    {
      gint64 start, end;
      const char *markup = vs_subtitles_get_cue (subtitles, i, &start, &end);
      g_autofree char *shown = vs_subtitles_dup_markup_at (subtitles, start);

      g_assert_cmpint (start, <, end);
      g_assert_cmpint (start, >=, previous_start);
      g_assert_true (g_utf8_validate (markup, -1, NULL));
      g_assert_true (well_formed (markup));
      g_assert_nonnull (shown);
      g_assert_true (well_formed (shown));
      previous_start = start;
    }
  return 0;
}
