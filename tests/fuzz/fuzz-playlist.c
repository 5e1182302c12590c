/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-playlist.c: the HLS playlist parser over arbitrary bytes
 *
 * The input is written as a playlist into a folder that also holds a segment and a valid
 * variant, so master resolution, existence checks and path containment all run. */
#include "config.h"

#include "fuzz-common.h"
#include "vs-playlist.h"
#include "vs-test-utils.h"

static char *playlist_path;

typedef struct
{
  guint n_segments;
} Counter;

static gboolean
on_segment (const VsPlaylistSegment *segment,
            gpointer                 user_data)
{
  Counter *c = user_data;

  g_assert_cmpuint (segment->index, ==, c->n_segments);
  g_assert_cmpint (segment->duration_ns, >=, 0);
  g_assert_nonnull (segment->uri);
  g_assert_true (segment->byte_length == -1 || segment->byte_length >= 0);
  c->n_segments++;
  return TRUE;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  const char *dir = vs_fuzz_setup ();
  g_autofree char *variants = g_build_filename (dir, "v", NULL);

  vs_test_make_hls (variants, "low.m3u8", 2, "4.5", TRUE);
  vs_test_make_hls (dir, "sibling.m3u8", 1, "2", TRUE);
  playlist_path = g_build_filename (dir, "fuzz.m3u8", NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlaylist) playlist = NULL;
  Counter counter = { 0 };

  /* No fsync: a durable write per input cost most of each run. */
  if (!g_file_set_contents_full (playlist_path, (const char *) data, (gssize) size,
                                 G_FILE_SET_CONTENTS_NONE, 0644, &error))
    g_error ("%s", error->message);

  playlist = vs_playlist_load (playlist_path, on_segment, &counter, NULL, &error);
  if (playlist == NULL)
    {
      g_assert_nonnull (error);
      g_assert_nonnull (error->message);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (vs_playlist_get_n_segments (playlist), ==, counter.n_segments);
  g_assert_cmpint (vs_playlist_get_duration_ms (playlist), >=, 0);
  for (guint i = 0; i < vs_playlist_get_n_variants (playlist); i++)
    g_assert_nonnull (vs_playlist_get_variant (playlist, i)->uri);
  return 0;
}
