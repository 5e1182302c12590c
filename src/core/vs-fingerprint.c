/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-fingerprint.c: a video's perceptual fingerprint, its distances, the content hash */
#define G_LOG_DOMAIN "vs-fingerprint"
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "vs-fingerprint.h"

G_DEFINE_QUARK (vs-fingerprint-error-quark, vs_fingerprint_error)

/* The first and last seconds are left out: intros, outros and fades, and what a trim
 * removes. */
#define SKIP_MIN_MS      1000
#define SKIP_MAX_MS      5000
/* A frame whose grey picture varies less than this (a standard deviation of 8 on 0–255)
 * is black, a fade or a plain card: its bits are noise. */
#define FLAT_VARIANCE    64.0
/* Fewer informative frames than this in common: no verdict. */
#define MIN_COMPARED     4
/* A cut shorter than this is taken for the copies' own difference in length. */
#define MIN_CUT_MS       300
/* A copy with its start or end cut: its spread frames, moved by the cut, are still
 * nearer than distinct videos' (about 30 bits). */
#define TRIM_SPREAD_LIMIT 24
/* Durations further apart than this share no copy (a trim of a few seconds stays well
 * within it). */
#define DURATION_SLACK   0.2

/* The anchored frames' step: a power of two seconds, about a sixteenth of the video,
 * so a trim of a few seconds rarely changes it (and when it does, every other frame of
 * the finer step still falls on one of the coarser). */
static gint64
anchor_step_ms (gint64 duration_ms)
{
  gint64 step = 1000;

  while (step < 8000 && step * 2 * 16 <= duration_ms)
    step *= 2;
  return step;
}

gint64
vs_fingerprint_frame_time_ms (gint64 duration_ms,
                              guint  index)
{
  gint64 skip, span, time;

  if (duration_ms <= 0)
    return 0;
  if (index < VS_FINGERPRINT_SPREAD)
    {
      skip = CLAMP (duration_ms / 20, SKIP_MIN_MS, SKIP_MAX_MS);
      skip = MIN (skip, duration_ms / 4);
      span = duration_ms - 2 * skip;
      /* the middle of each of the frames' equal shares of what is left */
      return skip + span * (2 * (gint64) index + 1) / (2 * VS_FINGERPRINT_SPREAD);
    }
  index -= VS_FINGERPRINT_SPREAD;
  time = SKIP_MIN_MS + (gint64) (index % VS_FINGERPRINT_ANCHORED) * anchor_step_ms (duration_ms);
  /* the first ANCHORED from the start, the others from the end */
  if (index >= VS_FINGERPRINT_ANCHORED)
    time = duration_ms - time;
  return CLAMP (time, 0, duration_ms - 1);
}

/* cos ((2n + 1) k π / 64) for the nine lowest frequencies k */
static const double *
dct_table (void)
{
  static double table[9][VS_FINGERPRINT_SIDE];
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint k = 0; k < 9; k++)
        for (guint n = 0; n < VS_FINGERPRINT_SIDE; n++)
          table[k][n] = cos ((2.0 * n + 1.0) * k * G_PI / (2.0 * VS_FINGERPRINT_SIDE));
      g_once_init_leave (&done, 1);
    }
  return &table[0][0];
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

guint64
vs_fingerprint_hash_grey (const guint8 *grey,
                          int           width,
                          int           height,
                          int           stride,
                          gboolean     *out_flat)
{
  const double *cosines = dct_table ();
  double small[VS_FINGERPRINT_SIDE][VS_FINGERPRINT_SIDE];
  double rows[VS_FINGERPRINT_SIDE][9];
  double coefficients[64], sorted[64];
  double sum = 0, sum_sq = 0, mean, median;
  guint64 hash = 0;

  g_return_val_if_fail (grey != NULL && width > 0 && height > 0 && stride >= width, 0);

  /* Box-average down to 32×32 (each output pixel the mean of the input pixels it covers),
   * so the picture's size changes nothing but noise. */
  for (int y = 0; y < VS_FINGERPRINT_SIDE; y++)
    {
      int y0 = y * height / VS_FINGERPRINT_SIDE;
      int y1 = MAX (y0 + 1, (y + 1) * height / VS_FINGERPRINT_SIDE);

      for (int x = 0; x < VS_FINGERPRINT_SIDE; x++)
        {
          int x0 = x * width / VS_FINGERPRINT_SIDE;
          int x1 = MAX (x0 + 1, (x + 1) * width / VS_FINGERPRINT_SIDE);
          guint64 total = 0;

          for (int yy = y0; yy < y1; yy++)
            for (int xx = x0; xx < x1; xx++)
              total += grey[(gsize) yy * stride + xx];
          small[y][x] = (double) total / ((y1 - y0) * (x1 - x0));
          sum += small[y][x];
          sum_sq += small[y][x] * small[y][x];
        }
    }
  mean = sum / (VS_FINGERPRINT_SIDE * VS_FINGERPRINT_SIDE);
  if (out_flat != NULL)
    *out_flat = sum_sq / (VS_FINGERPRINT_SIDE * VS_FINGERPRINT_SIDE) - mean * mean < FLAT_VARIANCE;

  /* The separable 2-D DCT-II, only for the frequencies kept (1–8 both ways: the DC row
   * and column say only how bright the picture is). */
  for (int y = 0; y < VS_FINGERPRINT_SIDE; y++)
    for (int k = 1; k < 9; k++)
      {
        double acc = 0;

        for (int x = 0; x < VS_FINGERPRINT_SIDE; x++)
          acc += small[y][x] * cosines[k * VS_FINGERPRINT_SIDE + x];
        rows[y][k] = acc;
      }
  for (int ky = 1; ky < 9; ky++)
    for (int kx = 1; kx < 9; kx++)
      {
        double acc = 0;

        for (int y = 0; y < VS_FINGERPRINT_SIDE; y++)
          acc += rows[y][kx] * cosines[ky * VS_FINGERPRINT_SIDE + y];
        coefficients[(ky - 1) * 8 + (kx - 1)] = acc;
      }

  memcpy (sorted, coefficients, sizeof sorted);
  qsort (sorted, 64, sizeof (double), compare_doubles);
  median = (sorted[31] + sorted[32]) / 2;
  for (guint i = 0; i < 64; i++)
    if (coefficients[i] > median)
      hash |= G_GUINT64_CONSTANT (1) << i;
  return hash;
}

/* Stored form ----------------------------------------------------------------------- */

void
vs_fingerprint_to_blob (const VsFingerprint *fingerprint,
                        guint8               blob[VS_FINGERPRINT_BLOB_SIZE])
{
  guint32 mask = GUINT32_TO_LE (fingerprint->flat_mask);
  guint64 duration = GUINT64_TO_LE ((guint64) fingerprint->duration_ms);

  g_return_if_fail (fingerprint != NULL && fingerprint->n_frames == VS_FINGERPRINT_FRAMES);

  blob[0] = 'V';
  blob[1] = 'F';
  blob[2] = VS_FINGERPRINT_VERSION;
  blob[3] = VS_FINGERPRINT_FRAMES;
  memcpy (blob + 4, &mask, 4);
  memcpy (blob + 8, &duration, 8);
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    {
      guint64 le = GUINT64_TO_LE (fingerprint->frames[i]);

      memcpy (blob + 16 + 8 * i, &le, 8);
    }
}

gboolean
vs_fingerprint_from_blob (const guint8   *blob,
                          gsize           length,
                          VsFingerprint  *out,
                          GError        **error)
{
  guint32 mask;
  guint64 duration;

  g_return_val_if_fail (out != NULL, FALSE);

  if (blob == NULL || length != VS_FINGERPRINT_BLOB_SIZE || blob[0] != 'V' || blob[1] != 'F' ||
      blob[2] != VS_FINGERPRINT_VERSION || blob[3] != VS_FINGERPRINT_FRAMES)
    {
      g_set_error_literal (error, VS_FINGERPRINT_ERROR, VS_FINGERPRINT_ERROR_INVALID,
                           "Not a fingerprint of this version");
      return FALSE;
    }
  memcpy (&mask, blob + 4, 4);
  memcpy (&duration, blob + 8, 8);
  mask = GUINT32_FROM_LE (mask);
  duration = GUINT64_FROM_LE (duration);
  if ((mask >> VS_FINGERPRINT_FRAMES) != 0 || duration == 0 || duration > G_MAXINT64 / 4)
    {
      g_set_error_literal (error, VS_FINGERPRINT_ERROR, VS_FINGERPRINT_ERROR_INVALID,
                           "A fingerprint with impossible values");
      return FALSE;
    }
  out->n_frames = VS_FINGERPRINT_FRAMES;
  out->flat_mask = mask;
  out->duration_ms = (gint64) duration;
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    {
      guint64 le;

      memcpy (&le, blob + 16 + 8 * i, 8);
      out->frames[i] = GUINT64_FROM_LE (le);
    }
  return TRUE;
}

char *
vs_fingerprint_to_hex (const VsFingerprint *fingerprint)
{
  guint8 blob[VS_FINGERPRINT_BLOB_SIZE];
  GString *hex = g_string_sized_new (2 * VS_FINGERPRINT_BLOB_SIZE);

  vs_fingerprint_to_blob (fingerprint, blob);
  for (guint i = 0; i < VS_FINGERPRINT_BLOB_SIZE; i++)
    g_string_append_printf (hex, "%02x", blob[i]);
  return g_string_free (hex, FALSE);
}

gboolean
vs_fingerprint_from_hex (const char     *hex,
                         VsFingerprint  *out,
                         GError        **error)
{
  guint8 blob[VS_FINGERPRINT_BLOB_SIZE];

  g_return_val_if_fail (out != NULL, FALSE);

  if (hex == NULL || strlen (hex) != 2 * VS_FINGERPRINT_BLOB_SIZE)
    {
      g_set_error_literal (error, VS_FINGERPRINT_ERROR, VS_FINGERPRINT_ERROR_INVALID,
                           "A fingerprint of the wrong length");
      return FALSE;
    }
  for (guint i = 0; i < VS_FINGERPRINT_BLOB_SIZE; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]), lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        {
          g_set_error_literal (error, VS_FINGERPRINT_ERROR, VS_FINGERPRINT_ERROR_INVALID,
                               "A fingerprint that is not hexadecimal");
          return FALSE;
        }
      blob[i] = (guint8) (hi << 4 | lo);
    }
  return vs_fingerprint_from_blob (blob, sizeof blob, out, error);
}

/* Distances --------------------------------------------------------------------------- */

gboolean
vs_fingerprint_durations_match (gint64 a_ms,
                                gint64 b_ms)
{
  gint64 longer = MAX (a_ms, b_ms), shorter = MIN (a_ms, b_ms);

  if (shorter <= 0)
    return FALSE;
  return (double) (longer - shorter) <= DURATION_SLACK * (double) longer;
}

/* The spread frame of a video of @duration_ms whose time is nearest @time_ms, -1 when
 * @time_ms lies outside the frames' span by more than half a share. */
static int
nearest_frame (gint64 duration_ms,
               gint64 time_ms)
{
  gint64 first = vs_fingerprint_frame_time_ms (duration_ms, 0);
  gint64 last = vs_fingerprint_frame_time_ms (duration_ms, VS_FINGERPRINT_SPREAD - 1);
  double step = (double) (last - first) / (VS_FINGERPRINT_SPREAD - 1);
  double position;
  int index;

  if (step <= 0)
    return -1;
  position = (time_ms - first) / step;
  if (position < -0.5 || position > VS_FINGERPRINT_SPREAD - 0.5)
    return -1;
  index = (int) (position + 0.5);
  return CLAMP (index, 0, VS_FINGERPRINT_SPREAD - 1);
}

/* The mean of the best three quarters of @n distances (a scene cut or a logo that moved
 * a frame's worth does not sink a copy), in 1/16 bits; -1 with too few. */
static int
trimmed_mean (int   *distances,
              guint  n)
{
  guint keep, total = 0;

  if (n < MIN_COMPARED)
    return -1;
  /* at most VS_FINGERPRINT_FRAMES small numbers: an insertion sort beats qsort's calls */
  for (guint i = 1; i < n; i++)
    {
      int value = distances[i];
      guint j = i;

      for (; j > 0 && distances[j - 1] > value; j--)
        distances[j] = distances[j - 1];
      distances[j] = value;
    }
  keep = (n * 3 + 3) / 4;
  for (guint i = 0; i < keep; i++)
    total += (guint) distances[i];
  return (int) ((total * 16 + keep / 2) / keep);
}

static void
add_distance (const VsFingerprint *a,
              guint                i,
              const VsFingerprint *b,
              int                  j,
              int                 *distances,
              guint               *n)
{
  if (j < 0 || (a->flat_mask & (1u << i)) || (b->flat_mask & (1u << j)))
    return;
  distances[(*n)++] = vs_fingerprint_bits (a->frames[i] ^ b->frames[j]);
}

/* Frame for frame: the spread frames, and the anchored ones when their steps agree. */
static int
same_distance (const VsFingerprint *a,
               const VsFingerprint *b)
{
  int distances[VS_FINGERPRINT_FRAMES];
  gboolean anchors = anchor_step_ms (a->duration_ms) == anchor_step_ms (b->duration_ms);
  guint n = 0;

  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    if (i < VS_FINGERPRINT_SPREAD || anchors)
      add_distance (a, i, b, (int) i, distances, &n);
  return trimmed_mean (distances, n);
}

/* @shorter as @longer with its start cut (@from_end) or its end cut: the frames anchored
 * at the other end, matched by their time, must agree; the spread ones, moved by the cut,
 * must not be far off either. */
static int
trimmed_distance (const VsFingerprint *shorter,
                  const VsFingerprint *longer,
                  gboolean             from_end)
{
  int anchored[VS_FINGERPRINT_ANCHORED], spread[VS_FINGERPRINT_SPREAD];
  gint64 cut = from_end ? longer->duration_ms - shorter->duration_ms : 0;
  guint first = VS_FINGERPRINT_SPREAD + (from_end ? VS_FINGERPRINT_ANCHORED : 0);
  guint n_anchored = 0, n_spread = 0;
  int d_anchored, d_spread;
  gint64 step_s, step_l;

  step_s = anchor_step_ms (shorter->duration_ms);
  step_l = anchor_step_ms (longer->duration_ms);
  for (guint k = 0; k < VS_FINGERPRINT_ANCHORED; k++)
    {
      /* the longer one's frame at the same distance from the kept end, if it took one:
       * the steps are powers of two, so every other frame of the finer one does */
      gint64 offset = (gint64) k * step_s;

      if (offset % step_l == 0 && offset / step_l < VS_FINGERPRINT_ANCHORED)
        add_distance (shorter, first + k, longer, (int) (first + offset / step_l),
                      anchored, &n_anchored);
    }
  for (guint i = 0; i < VS_FINGERPRINT_SPREAD; i++)
    add_distance (shorter, i, longer,
                  nearest_frame (longer->duration_ms,
                                 vs_fingerprint_frame_time_ms (shorter->duration_ms, i) + cut),
                  spread, &n_spread);
  d_anchored = trimmed_mean (anchored, n_anchored);
  d_spread = trimmed_mean (spread, n_spread);
  /* Videos that share only an ending (a series' credits) are not copies: the rest of
   * the pictures must be near too. */
  if (d_anchored < 0 || d_spread < 0 || d_spread > TRIM_SPREAD_LIMIT * 16)
    return -1;
  return d_anchored;
}

int
vs_fingerprint_distance (const VsFingerprint *a,
                         const VsFingerprint *b)
{
  const VsFingerprint *shorter, *longer;
  int best, d;

  g_return_val_if_fail (a != NULL && b != NULL, -1);

  if (!vs_fingerprint_durations_match (a->duration_ms, b->duration_ms))
    return -1;
  shorter = a->duration_ms <= b->duration_ms ? a : b;
  longer = shorter == a ? b : a;
  best = same_distance (shorter, longer);
  if (longer->duration_ms - shorter->duration_ms >= MIN_CUT_MS)
    for (guint k = 0; k < 2; k++)
      {
        d = trimmed_distance (shorter, longer, k == 0);
        if (d >= 0 && (best < 0 || d < best))
          best = d;
      }
  /* back to whole bits, rounded */
  return best < 0 ? -1 : (best + 8) / 16;
}

/* Sensitivities ----------------------------------------------------------------------- */

/* Measured on tests/bench/bench-duplicates.sh (30 generated sources, five copies each):
 * copies (re-encoded at a quarter of the bitrate, resized, remuxed, cut by 2 s, from an
 * HLS download) sit at 0–6 bits mostly, up to 17; distinct sources never nearer than 22.
 * Medium stays 8 bits short of those, high 5. */
static const struct
{
  const char *name;
  int         max_distance;
} sensitivities[] = {
  [VS_DUPLICATE_SENSITIVITY_LOW]    = { "low", 5 },
  [VS_DUPLICATE_SENSITIVITY_MEDIUM] = { "medium", 14 },
  [VS_DUPLICATE_SENSITIVITY_HIGH]   = { "high", 17 },
};

int
vs_duplicate_sensitivity_max_distance (VsDuplicateSensitivity sensitivity)
{
  g_return_val_if_fail ((guint) sensitivity < G_N_ELEMENTS (sensitivities), 0);

  return sensitivities[sensitivity].max_distance;
}

const char *
vs_duplicate_sensitivity_to_string (VsDuplicateSensitivity sensitivity)
{
  g_return_val_if_fail ((guint) sensitivity < G_N_ELEMENTS (sensitivities), NULL);

  return sensitivities[sensitivity].name;
}

gboolean
vs_duplicate_sensitivity_from_string (const char             *str,
                                      VsDuplicateSensitivity *out)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (sensitivities); i++)
    if (g_ascii_strcasecmp (str, sensitivities[i].name) == 0)
      {
        if (out != NULL)
          *out = (VsDuplicateSensitivity) i;
        return TRUE;
      }
  return FALSE;
}

/* Exact copies ---------------------------------------------------------------------- */

#define CONTENT_BLOCKS     8
#define CONTENT_BLOCK_SIZE 4096

gboolean
vs_fingerprint_content_hash (const char  *path,
                             guint64     *out_hash,
                             GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *block = g_malloc (CONTENT_BLOCK_SIZE);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  struct stat st;
  guint64 size_le, hash = 0;
  int fd;

  g_return_val_if_fail (path != NULL && out_hash != NULL, FALSE);

  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved = fd < 0 ? errno : (S_ISREG (st.st_mode) ? errno : EINVAL);
      g_autofree char *display = g_filename_display_name (path);

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot read “%s”: %s", display,
                   saved == EINVAL ? "not a regular file" : g_strerror (saved));
      return FALSE;
    }

  size_le = GUINT64_TO_LE ((guint64) st.st_size);
  g_checksum_update (checksum, (const guchar *) &size_le, sizeof size_le);
  for (guint i = 0; i < CONTENT_BLOCKS; i++)
    {
      /* evenly spread, the first at the start and the last at the end */
      goffset last = MAX ((goffset) 0, (goffset) st.st_size - CONTENT_BLOCK_SIZE);
      goffset offset = last * i / (CONTENT_BLOCKS - 1);
      ssize_t n = pread (fd, block, CONTENT_BLOCK_SIZE, offset);

      if (n < 0)
        {
          int saved = errno;
          g_autofree char *display = g_filename_display_name (path);

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Cannot read “%s”: %s", display, g_strerror (saved));
          return FALSE;
        }
      g_checksum_update (checksum, block, (gssize) n);
    }
  close (fd);
  g_checksum_get_digest (checksum, digest, &digest_len);
  for (guint i = 0; i < 8; i++)
    hash = hash << 8 | digest[i];
  /* SQLite integers are signed: keep it positive, and never 0 (none) */
  hash &= G_GUINT64_CONSTANT (0x7fffffffffffffff);
  *out_hash = hash != 0 ? hash : 1;
  return TRUE;
}
