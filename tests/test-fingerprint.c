/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-fingerprint.c: fingerprints (hashes, stored form, distances, real copies of real
 * videos), the pair index against brute force, exact-copy hashes */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "vs-duplicate-index.h"
#include "vs-fingerprint.h"
#include "vs-test-media.h"
#include "vs-test-utils.h"
#include "vs-thumbnailer.h"

static const char *const media_elements[] = {
  "x264enc", "h264parse", "mp4mux", "qtdemux", "avdec_h264", "videoconvertscale", "appsink",
  "uridecodebin", "matroskamux", "matroskademux", "hlssink2", "tsdemux", "concat", NULL
};

static char *media_dir;

/* A smooth picture with structure: the hash must not care about its size. */
static guint8 *
make_picture (int      width,
              int      height,
              gboolean transposed)
{
  guint8 *grey = g_malloc ((gsize) width * height);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double u = (double) (transposed ? y : x) / (transposed ? height : width);
        double v = (double) (transposed ? x : y) / (transposed ? width : height);
        int value = (int) (128 + 60 * (u - 0.5) * 2 + 50 * sin (u * 9 + v * 5) -
                           40 * cos (v * 7 - u * 2));

        grey[(gsize) y * width + x] = (guint8) CLAMP (value, 0, 255);
      }
  return grey;
}

static void
test_hash (void)
{
  g_autofree guint8 *big = make_picture (1920, 1080, FALSE);
  g_autofree guint8 *small = make_picture (640, 360, FALSE);
  g_autofree guint8 *other = make_picture (640, 360, TRUE);
  g_autofree guint8 *flat = g_malloc0 (320 * 180);
  gboolean is_flat = TRUE;
  guint64 a, b, c;

  a = vs_fingerprint_hash_grey (big, 1920, 1080, 1920, &is_flat);
  g_assert_false (is_flat);
  b = vs_fingerprint_hash_grey (small, 640, 360, 640, NULL);
  c = vs_fingerprint_hash_grey (other, 640, 360, 640, NULL);
  /* the same picture at another size: a few bits at most; another picture: many */
  g_assert_cmpint (__builtin_popcountll (a ^ b), <=, 4);
  g_assert_cmpint (__builtin_popcountll (a ^ c), >=, 16);
  /* half the bits are set: the median splits them */
  g_assert_cmpint (__builtin_popcountll (a), >=, 28);
  g_assert_cmpint (__builtin_popcountll (a), <=, 36);

  memset (flat, 16, 320 * 180);
  vs_fingerprint_hash_grey (flat, 320, 180, 320, &is_flat);
  g_assert_true (is_flat);
  /* a picture smaller than 32×32 works too */
  vs_fingerprint_hash_grey (small, 8, 8, 640, &is_flat);
}

static void
random_fingerprint (GRand         *rand,
                    VsFingerprint *fp,
                    gint64         duration_ms)
{
  fp->n_frames = VS_FINGERPRINT_FRAMES;
  fp->flat_mask = 0;
  fp->duration_ms = duration_ms;
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    fp->frames[i] = (guint64) g_rand_int (rand) << 32 | g_rand_int (rand);
}

/* @fp with @bits random bits of each frame flipped */
static void
perturb (GRand               *rand,
         const VsFingerprint *fp,
         VsFingerprint       *out,
         guint                bits)
{
  *out = *fp;
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    for (guint k = 0; k < bits; k++)
      out->frames[i] ^= G_GUINT64_CONSTANT (1) << g_rand_int_range (rand, 0, 64);
}

static void
test_blob (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  VsFingerprint fp, back;
  guint8 blob[VS_FINGERPRINT_BLOB_SIZE], bad[VS_FINGERPRINT_BLOB_SIZE];
  g_autofree char *hex = NULL;
  g_autoptr(GError) error = NULL;

  random_fingerprint (rand, &fp, 123456);
  fp.flat_mask = 0x8001;
  vs_fingerprint_to_blob (&fp, blob);
  g_assert_true (vs_fingerprint_from_blob (blob, sizeof blob, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&fp, sizeof fp, &back, sizeof back);

  hex = vs_fingerprint_to_hex (&fp);
  g_assert_cmpuint (strlen (hex), ==, 2 * VS_FINGERPRINT_BLOB_SIZE);
  memset (&back, 0, sizeof back);
  g_assert_true (vs_fingerprint_from_hex (hex, &back, &error));
  g_assert_cmpmem (&fp, sizeof fp, &back, sizeof back);

  /* hostile forms: each refused with an error, never read past */
  g_assert_false (vs_fingerprint_from_blob (blob, sizeof blob - 1, &back, &error));
  g_assert_error (error, VS_FINGERPRINT_ERROR, VS_FINGERPRINT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vs_fingerprint_from_blob (NULL, 0, &back, &error));
  g_clear_error (&error);
  for (guint k = 0; k < 4; k++)
    {
      memcpy (bad, blob, sizeof bad);
      switch (k)
        {
        case 0: bad[0] = 'X'; break;           /* magic */
        case 1: bad[2] = 99; break;            /* version */
        case 2: bad[7] = 0x01; break;          /* a flat bit past the frames */
        default: memset (bad + 8, 0, 8); break; /* no duration */
        }
      g_assert_false (vs_fingerprint_from_blob (bad, sizeof bad, &back, &error));
      g_assert_error (error, VS_FINGERPRINT_ERROR, VS_FINGERPRINT_ERROR_INVALID);
      g_clear_error (&error);
    }
  hex[5] = 'g';
  g_assert_false (vs_fingerprint_from_hex (hex, &back, &error));
  g_clear_error (&error);
  g_assert_false (vs_fingerprint_from_hex ("00", &back, &error));
  g_clear_error (&error);
}

static void
test_distance (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  VsFingerprint a, b, c;

  random_fingerprint (rand, &a, 60000);
  g_assert_cmpint (vs_fingerprint_distance (&a, &a), ==, 0);
  perturb (rand, &a, &b, 3);
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), <=, 3);
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), >=, 1);
  random_fingerprint (rand, &c, 60000);
  g_assert_cmpint (vs_fingerprint_distance (&a, &c), >=, 20);

  /* more than 20 % apart in duration: never compared */
  b = a;
  b.duration_ms = 47000;
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), ==, -1);
  b.duration_ms = 49000;
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), >=, 0);
  g_assert_true (vs_fingerprint_durations_match (1000, 1200));
  g_assert_false (vs_fingerprint_durations_match (1000, 1300));
  g_assert_false (vs_fingerprint_durations_match (0, 0));

  /* flat frames are not compared; too few left: no verdict */
  b = a;
  b.flat_mask = ((1u << VS_FINGERPRINT_FRAMES) - 1) & ~0x7u;
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), ==, -1);
  b.flat_mask = ((1u << VS_FINGERPRINT_FRAMES) - 1) & ~0xfu;
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), ==, 0);

  /* 2 s cut from the start: the frames anchored at the end are the same pictures, the
   * spread ones moved (here 10 bits each), those anchored at the start others */
  b = a;
  b.duration_ms = 58000;
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    {
      if (i < VS_FINGERPRINT_SPREAD)
        for (guint k = 0; k < 10; k++)
          b.frames[i] ^= G_GUINT64_CONSTANT (1) << ((i * 5 + k * 6) % 64);
      else if (i < VS_FINGERPRINT_SPREAD + VS_FINGERPRINT_ANCHORED)
        b.frames[i] = ~a.frames[i];
    }
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), <=, 1);
  g_assert_cmpint (vs_fingerprint_distance (&b, &a), <=, 1);
  /* the same cut at the end: the start's anchors agree instead */
  for (guint i = VS_FINGERPRINT_SPREAD; i < VS_FINGERPRINT_FRAMES; i++)
    b.frames[i] = i < VS_FINGERPRINT_SPREAD + VS_FINGERPRINT_ANCHORED ? a.frames[i] : ~a.frames[i];
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), <=, 1);
  /* only the ending in common (a series' credits), the rest other pictures: far */
  random_fingerprint (rand, &c, 58000);
  for (guint i = VS_FINGERPRINT_SPREAD + VS_FINGERPRINT_ANCHORED; i < VS_FINGERPRINT_FRAMES; i++)
    c.frames[i] = a.frames[i];
  g_assert_cmpint (vs_fingerprint_distance (&a, &c), >,
                   vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_HIGH));
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    g_assert_cmpint (vs_fingerprint_frame_time_ms (60000, i), <, 60000);
  /* the anchors sit at the same distance from the end whatever the cut */
  g_assert_cmpint (60000 - vs_fingerprint_frame_time_ms (60000, VS_FINGERPRINT_FRAMES - 1), ==,
                   58000 - vs_fingerprint_frame_time_ms (58000, VS_FINGERPRINT_FRAMES - 1));

  /* symmetric */
  perturb (rand, &a, &b, 5);
  b.duration_ms = 58000;
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), ==, vs_fingerprint_distance (&b, &a));

  /* a few frames that differ entirely (scene cuts) do not sink a copy */
  b = a;
  b.frames[3] = ~b.frames[3];
  b.frames[9] = ~b.frames[9];
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), ==, 0);
}

static void
test_sensitivity (void)
{
  VsDuplicateSensitivity s = VS_DUPLICATE_SENSITIVITY_LOW;

  g_assert_true (vs_duplicate_sensitivity_from_string ("MEDIUM", &s));
  g_assert_cmpint (s, ==, VS_DUPLICATE_SENSITIVITY_MEDIUM);
  g_assert_cmpstr (vs_duplicate_sensitivity_to_string (VS_DUPLICATE_SENSITIVITY_HIGH), ==, "high");
  g_assert_false (vs_duplicate_sensitivity_from_string ("extreme", &s));
  g_assert_false (vs_duplicate_sensitivity_from_string (NULL, &s));
  g_assert_cmpint (vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_LOW), <,
                   vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_MEDIUM));
  g_assert_cmpint (vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_MEDIUM), <,
                   vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_HIGH));
}

/* The index ----------------------------------------------------------------------------- */

typedef struct
{
  GHashTable *pairs;   /* "a-b" → distance */
} Found;

static void
on_pair (gint64   a,
         gint64   b,
         int      distance,
         gpointer user_data)
{
  Found *found = user_data;
  char *key = g_strdup_printf ("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, a, b);

  g_assert_cmpint (a, <, b);
  /* each pair once */
  g_assert_false (g_hash_table_contains (found->pairs, key));
  g_hash_table_insert (found->pairs, key, GINT_TO_POINTER (distance));
}

static void
test_index (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(VsDuplicateIndex) index = vs_duplicate_index_new ();
  g_autoptr(GHashTable) found_all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) found_only = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) only = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  const guint n = 3000;
  VsFingerprint *fps = g_new (VsFingerprint, n);
  Found all = { found_all }, some = { found_only };
  guint expected = 0, expected_only = 0;
  int max = vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_MEDIUM);

  /* a third are near copies of an earlier one (a few bits per frame, a slightly other
   * duration), the rest random */
  for (guint i = 0; i < n; i++)
    {
      if (i > 10 && i % 3 == 0)
        {
          perturb (rand, &fps[g_rand_int_range (rand, 0, i)], &fps[i], g_rand_int_range (rand, 0, 4));
          fps[i].duration_ms += g_rand_int_range (rand, -2000, 2000);
        }
      else
        random_fingerprint (rand, &fps[i], g_rand_int_range (rand, 20000, 200000));
      if (i % 5 == 0)
        fps[i].flat_mask = 1u << g_rand_int_range (rand, 0, 16);
      vs_duplicate_index_add (index, (gint64) i + 100, &fps[i]);
    }
  g_assert_cmpuint (vs_duplicate_index_get_size (index), ==, n);
  vs_duplicate_index_build (index);
  g_assert_cmpuint (vs_duplicate_index_get_memory (index), >, n * sizeof (VsFingerprint));

  for (guint i = 0; i < n; i += 7)
    {
      gint64 id = (gint64) i + 100;

      g_hash_table_add (only, g_memdup2 (&id, sizeof id));
    }
  /* brute force: what the index must find */
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        int d = vs_fingerprint_distance (&fps[i], &fps[j]);

        if (d >= 0 && d <= max)
          {
            expected++;
            if (i % 7 == 0 || j % 7 == 0)
              expected_only++;
          }
      }
  g_assert_cmpuint (expected, >, n / 4);
  /* Candidates are the videos with a frame within three bits in one of its quarters: a
   * copy whose every frame moved more is missed, which random flips of up to six bits
   * (copies of copies) do to a rare pair. Every pair found is a true one. */
  g_assert_cmpuint (vs_duplicate_index_find_pairs (index, max, NULL, on_pair, &all), <=, expected);
  g_assert_cmpuint (g_hash_table_size (found_all) * 1000, >=, expected * 995);
  g_assert_cmpuint (vs_duplicate_index_find_pairs (index, max, only, on_pair, &some), <=,
                    expected_only);
  g_assert_cmpuint (g_hash_table_size (found_only) * 1000, >=, expected_only * 995);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, found_all);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        gint64 a = 0, b = 0;

        g_assert_cmpint (sscanf (key, "%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, &a, &b), ==, 2);
        g_assert_cmpint (vs_fingerprint_distance (&fps[a - 100], &fps[b - 100]), ==,
                         GPOINTER_TO_INT (value));
        g_assert_cmpint (GPOINTER_TO_INT (value), <=, max);
      }
    /* pairs with a queried video only */
    g_hash_table_iter_init (&iter, found_only);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        gint64 a = 0, b = 0;

        g_assert_cmpint (sscanf (key, "%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, &a, &b), ==, 2);
        g_assert_true ((a - 100) % 7 == 0 || (b - 100) % 7 == 0);
        g_assert_true (g_hash_table_contains (found_all, key));
      }
  }
  g_free (fps);
}

/* Real videos ----------------------------------------------------------------------------- */

static void
fingerprint_file (VsThumbnailer *thumbnailer,
                  const char    *path,
                  VsFingerprint *out)
{
  g_autoptr(GError) error = NULL;
  guint decoded = 0;

  vs_thumbnailer_make_fingerprint (thumbnailer, path, out, &decoded, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decoded, >=, 1);
  g_test_message ("%s: %u frames decoded, flat %04x, %" G_GINT64_FORMAT " ms", path, decoded,
                  out->flat_mask, out->duration_ms);
}

static void
test_media (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = NULL;
  g_autofree char *source = NULL, *other = NULL;
  const char *names[] = { "reencoded.mp4", "resized.mp4", "remuxed.mkv", "trimmed.mp4",
                          "hls/index.m3u8" };
  VsFingerprint a, again, b, copy;
  int medium = vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_MEDIUM);
  int low = vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_LOW);

  if (!vs_test_media_require (media_elements))
    return;
  thumbnailer = vs_thumbnailer_new (30000);
  source = g_build_filename (media_dir, "source.mp4", NULL);
  other = g_build_filename (media_dir, "other.mp4", NULL);
  vs_test_media_scenes (source, 1, 30);
  vs_test_media_scenes (other, 2, 30);
  {
    g_autofree char *reencoded = g_build_filename (media_dir, names[0], NULL);
    g_autofree char *resized = g_build_filename (media_dir, names[1], NULL);
    g_autofree char *remuxed = g_build_filename (media_dir, names[2], NULL);
    g_autofree char *trimmed = g_build_filename (media_dir, names[3], NULL);
    g_autofree char *hls = g_build_filename (media_dir, "hls", NULL);
    g_autofree char *tail = NULL;

    tail = g_strdup_printf ("x264enc bitrate=300 key-int-max=45 speed-preset=ultrafast ! h264parse ! "
                            "mp4mux ! filesink location=\"%s\"", reencoded);
    vs_test_media_transcode (source, tail, 0);
    g_free (tail);
    tail = g_strdup_printf ("video/x-raw,width=160,height=90 ! x264enc key-int-max=30 "
                            "speed-preset=ultrafast ! h264parse ! mp4mux ! filesink location=\"%s\"",
                            resized);
    vs_test_media_transcode (source, tail, 0);
    g_free (tail);
    {
      g_autofree char *desc = g_strdup_printf ("filesrc location=\"%s\" ! qtdemux ! h264parse ! "
                                               "matroskamux ! filesink location=\"%s\"",
                                               source, remuxed);
      vs_test_media_run (desc);
    }
    tail = g_strdup_printf ("x264enc key-int-max=20 speed-preset=ultrafast ! h264parse ! mp4mux ! "
                            "filesink location=\"%s\"", trimmed);
    vs_test_media_transcode (source, tail, 2000);
    g_free (tail);
    g_assert_cmpint (g_mkdir_with_parents (hls, 0755), ==, 0);
    tail = g_strdup_printf ("x264enc key-int-max=20 speed-preset=ultrafast ! h264parse ! hlssink2 "
                            "max-files=0 playlist-length=0 target-duration=2 "
                            "location=\"%s/seg%%05d.ts\" playlist-location=\"%s/index.m3u8\"",
                            hls, hls);
    vs_test_media_transcode (source, tail, 0);
  }

  fingerprint_file (thumbnailer, source, &a);
  g_assert_cmpint (a.duration_ms, >=, 29000);
  g_assert_cmpint (a.duration_ms, <=, 31000);
  /* stable: the same file gives the same fingerprint */
  fingerprint_file (thumbnailer, source, &again);
  g_assert_cmpmem (&a, sizeof a, &again, sizeof again);
  g_assert_cmpint (vs_fingerprint_distance (&a, &again), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (media_dir, names[i], NULL);
      int d;

      fingerprint_file (thumbnailer, path, &copy);
      d = vs_fingerprint_distance (&a, &copy);
      {
        g_autoptr(GString) bits = g_string_new (NULL);

        for (guint f = 0; f < VS_FINGERPRINT_FRAMES; f++)
          g_string_append_printf (bits, " %d", __builtin_popcountll (a.frames[f] ^ copy.frames[f]));
        g_test_message ("%s: distance %d, frames%s", names[i], d, bits->str);
      }
      g_assert_cmpint (d, >=, 0);
      g_assert_cmpint (d, <=, medium);
      /* a remux is the same stream: the same frames */
      if (i == 2)
        g_assert_cmpint (d, <=, low);
    }

  fingerprint_file (thumbnailer, other, &b);
  g_test_message ("distinct: distance %d", vs_fingerprint_distance (&a, &b));
  g_assert_cmpint (vs_fingerprint_distance (&a, &b), >,
                   vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_HIGH));
}

static void
test_media_errors (void)
{
  g_autoptr(VsThumbnailer) thumbnailer = vs_thumbnailer_new (10000);
  g_autofree char *empty = g_build_filename (media_dir, "empty.mp4", NULL);
  g_autofree char *junk = g_build_filename (media_dir, "junk.mp4", NULL);
  g_autofree char *fifo = g_build_filename (media_dir, "fifo.mp4", NULL);
  g_autoptr(GError) error = NULL;
  VsFingerprint fp;

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_false (vs_thumbnailer_make_fingerprint (thumbnailer, empty, &fp, NULL, NULL, &error));
  g_assert_error (error, VS_THUMBNAILER_ERROR, VS_THUMBNAILER_ERROR_NOT_MEDIA);
  g_clear_error (&error);

  vs_test_media_random (junk, 100000);
  g_assert_false (vs_thumbnailer_make_fingerprint (thumbnailer, junk, &fp, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* a FIFO would block the reader: refused before opening it for reading */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (vs_thumbnailer_make_fingerprint (thumbnailer, fifo, &fp, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
}

/* Exact copies ------------------------------------------------------------------------ */

static void
test_content_hash (void)
{
  g_autofree char *a = g_build_filename (media_dir, "a.bin", NULL);
  g_autofree char *b = g_build_filename (media_dir, "b.bin", NULL);
  g_autofree char *link = g_build_filename (media_dir, "link.bin", NULL);
  g_autofree char *dir = g_build_filename (media_dir, "folder.bin", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  guint64 ha = 0, hb = 0;

  vs_test_media_random (a, 300000);
  g_assert_true (g_file_get_contents (a, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (b, contents, (gssize) length, NULL));
  g_assert_true (vs_fingerprint_content_hash (a, &ha, &error));
  g_assert_no_error (error);
  g_assert_true (vs_fingerprint_content_hash (b, &hb, &error));
  g_assert_cmpuint (ha, ==, hb);
  g_assert_cmpuint (ha, !=, 0);
  g_assert_cmpuint (ha, <=, G_MAXINT64);

  /* a byte changed in the last block: another hash */
  contents[length - 1] ^= 0xff;
  g_assert_true (g_file_set_contents (b, contents, (gssize) length, NULL));
  g_assert_true (vs_fingerprint_content_hash (b, &hb, &error));
  g_assert_cmpuint (ha, !=, hb);
  /* one byte shorter: another hash (the size is in it) */
  g_assert_true (g_file_set_contents (b, contents, (gssize) length - 1, NULL));
  g_assert_true (vs_fingerprint_content_hash (b, &hb, &error));
  g_assert_cmpuint (ha, !=, hb);

  /* a link is not followed, a folder is not a file, a missing file is an error */
  g_assert_cmpint (symlink (a, link), ==, 0);
  g_assert_false (vs_fingerprint_content_hash (link, &hb, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_false (vs_fingerprint_content_hash (dir, &hb, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (vs_fingerprint_content_hash ("/nonexistent/file", &hb, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* hlsdemux (GstAdaptiveDemux, GStreamer 1.22) points its reused filesrc at the next
 * segment while a seek has the last one open: filesrc warns and keeps going. That is
 * GStreamer's own, and harmless for a playlist of local files: not fatal here. */
static gboolean
on_fatal_log (const char     *domain,
              GLogLevelFlags  level,
              const char     *message,
              gpointer        user_data)
{
  return !(level & G_LOG_LEVEL_WARNING) || message == NULL ||
         strstr (message, "Changing the `location' property on filesrc when a file is open") == NULL;
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_log_set_fatal_handler (on_fatal_log, NULL);
  media_dir = g_dir_make_tmp ("vs-fingerprint-XXXXXX", NULL);

  g_test_add_func ("/fingerprint/hash", test_hash);
  g_test_add_func ("/fingerprint/blob", test_blob);
  g_test_add_func ("/fingerprint/distance", test_distance);
  g_test_add_func ("/fingerprint/sensitivity", test_sensitivity);
  g_test_add_func ("/fingerprint/index", test_index);
  g_test_add_func ("/fingerprint/media", test_media);
  g_test_add_func ("/fingerprint/media-errors", test_media_errors);
  g_test_add_func ("/fingerprint/content-hash", test_content_hash);

  ret = g_test_run ();
  vs_test_rm_rf (media_dir);
  g_free (media_dir);
  return ret;
}
