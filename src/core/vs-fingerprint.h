/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-fingerprint.h: a video's perceptual fingerprint and the exact-copy content hash */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fingerprint is the perceptual hash of VS_FINGERPRINT_FRAMES frames. Each frame's hash
 * is pHash's (phash.org, Zauner 2010, as Stash's goimagehash does it): the 32×32 grey
 * picture's 2-D DCT, its 8×8 lowest frequencies but the DC term, one bit each for being
 * above their median. Re-encoding, resizing, bitrate and container leave those bits
 * almost all alone.
 *
 * The frames (vs_fingerprint_frame_time_ms()): VS_FINGERPRINT_SPREAD spread evenly across
 * the video, first and last seconds left out, which any two copies share whatever their
 * encoding; then VS_FINGERPRINT_ANCHORED at fixed steps from the start and as many from
 * the end, the step a power of two seconds from the duration: a copy with a few seconds
 * cut from its start has the very same frames at the same distances from its end, and
 * one cut at its end the same from its start (vid_dup_finder_lib compares frames at
 * matching times the same way; the anchors are our answer to its trimming problem). */
#define VS_FINGERPRINT_SPREAD    12
#define VS_FINGERPRINT_ANCHORED  6
#define VS_FINGERPRINT_FRAMES    (VS_FINGERPRINT_SPREAD + 2 * VS_FINGERPRINT_ANCHORED)
#define VS_FINGERPRINT_VERSION   2
/* The stored form: "VF", version, frame count, flat mask, duration, the frame hashes,
 * little-endian. */
#define VS_FINGERPRINT_BLOB_SIZE (2 + 1 + 1 + 4 + 8 + 8 * VS_FINGERPRINT_FRAMES)
/* The grey picture each frame hash is taken from. */
#define VS_FINGERPRINT_SIDE      32

typedef struct
{
  guint   n_frames;                        /* VS_FINGERPRINT_FRAMES */
  guint32 flat_mask;                       /* bit i: frame i is flat (black, a fade): it
                                            * tells nothing and is not compared */
  gint64  duration_ms;
  guint64 frames[VS_FINGERPRINT_FRAMES];
} VsFingerprint;

typedef enum
{
  VS_DUPLICATE_SENSITIVITY_LOW,    /* only near-identical copies */
  VS_DUPLICATE_SENSITIVITY_MEDIUM, /* re-encodes, resizes, remuxes, trims of a few seconds */
  VS_DUPLICATE_SENSITIVITY_HIGH,   /* also heavier changes, at the risk of false matches */
} VsDuplicateSensitivity;

#define VS_FINGERPRINT_ERROR (vs_fingerprint_error_quark ())
typedef enum
{
  VS_FINGERPRINT_ERROR_INVALID, /* a stored fingerprint that is not one of ours */
} VsFingerprintError;
GQuark    vs_fingerprint_error_quark       (void);

/* When frame @index of a video of @duration_ms is taken. */
gint64    vs_fingerprint_frame_time_ms     (gint64               duration_ms,
                                            guint                index);
/* The hash of one frame, a @width × @height grey picture (any size: it is averaged down
 * to 32×32 first); @out_flat tells whether it is too plain to say anything. */
guint64   vs_fingerprint_hash_grey         (const guint8        *grey,
                                            int                  width,
                                            int                  height,
                                            int                  stride,
                                            gboolean            *out_flat);

void      vs_fingerprint_to_blob           (const VsFingerprint *fingerprint,
                                            guint8               blob[VS_FINGERPRINT_BLOB_SIZE]);
/* Checks everything: a blob from the index is untrusted data. */
gboolean  vs_fingerprint_from_blob         (const guint8        *blob,
                                            gsize                length,
                                            VsFingerprint       *out,
                                            GError             **error);
/* Lower-case hex of the blob, and back (the media helper's protocol, --json). */
char     *vs_fingerprint_to_hex            (const VsFingerprint *fingerprint);
gboolean  vs_fingerprint_from_hex          (const char          *hex,
                                            VsFingerprint       *out,
                                            GError             **error);

/* How far apart two videos look: the mean number of differing bits (0–64) of their
 * frames' hashes, over the best three quarters of the frames compared, under the best of
 * three alignments: frame for frame; the shorter one as the longer with its start cut
 * (the frames anchored at the end); with its end cut (those anchored at the start). -1
 * when they cannot be compared: durations more than 20 % apart, or fewer than four frames
 * that are not flat in both. */
int       vs_fingerprint_distance          (const VsFingerprint *a,
                                            const VsFingerprint *b);
/* The bits set in @x (a portable popcount: no instruction set is assumed). */
static inline int
vs_fingerprint_bits (guint64 x)
{
  x = x - ((x >> 1) & G_GUINT64_CONSTANT (0x5555555555555555));
  x = (x & G_GUINT64_CONSTANT (0x3333333333333333)) +
      ((x >> 2) & G_GUINT64_CONSTANT (0x3333333333333333));
  x = (x + (x >> 4)) & G_GUINT64_CONSTANT (0x0f0f0f0f0f0f0f0f);
  return (int) ((x * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
}

/* Whether durations @a_ms and @b_ms are close enough to compare (±20 %). */
gboolean  vs_fingerprint_durations_match   (gint64               a_ms,
                                            gint64               b_ms);

/* The largest distance each sensitivity groups. */
int         vs_duplicate_sensitivity_max_distance (VsDuplicateSensitivity sensitivity);
const char *vs_duplicate_sensitivity_to_string    (VsDuplicateSensitivity sensitivity);
gboolean    vs_duplicate_sensitivity_from_string  (const char            *str,
                                                   VsDuplicateSensitivity *out);

/* Exact copies: a hash of @path's size and of a few blocks spread through it, read
 * without following a link and without reading the whole file. Two files with the same
 * size and content hash are taken for the same bytes. Never 0. */
gboolean  vs_fingerprint_content_hash      (const char          *path,
                                            guint64             *out_hash,
                                            GError             **error);

G_END_DECLS
