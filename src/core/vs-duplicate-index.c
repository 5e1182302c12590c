/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-duplicate-index.c: multi-index hashing over the frames of many fingerprints */
#define G_LOG_DOMAIN "vs-duplicates"

#include "config.h"

#include <string.h>

#include "vs-duplicate-index.h"

#define N_PARTS     4
#define N_BUCKETS   65536
/* A bucket holding more frames than this is a frame many videos share (a studio logo, a
 * test card): it proposes everything and tells nothing, so it is passed over, as a
 * search engine passes over its stop words. The videos' other frames still meet. */
#define MAX_BUCKET  4096

typedef struct
{
  gint64        id;
  guint64       summary;     /* each bit: set in most of the informative frames */
  VsFingerprint fingerprint;
} Entry;

/* Two tables: the frames' quarters, and the videos' summaries' quarters. A copy whose
 * every frame moved four bits or more (spread over the quarters) shares no frame bucket;
 * its summary, a vote of sixteen frames, moves far less, and is also looked up one bit
 * off in each quarter: summaries up to seven bits apart meet. */
enum
{
  TABLE_FRAMES,
  TABLE_SUMMARIES,
  N_TABLES,
};

struct _VsDuplicateIndex
{
  GArray   *entries;                            /* Entry */
  guint32  *offsets[N_TABLES][N_PARTS];         /* N_BUCKETS + 1 each */
  guint32  *videos[N_TABLES][N_PARTS];          /* entry indices, bucket after bucket */
  gboolean  built;
};

VsDuplicateIndex *
vs_duplicate_index_new (void)
{
  VsDuplicateIndex *self = g_new0 (VsDuplicateIndex, 1);

  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  return self;
}

static void
clear_buckets (VsDuplicateIndex *self)
{
  for (guint t = 0; t < N_TABLES; t++)
    for (guint p = 0; p < N_PARTS; p++)
      {
        g_clear_pointer (&self->offsets[t][p], g_free);
        g_clear_pointer (&self->videos[t][p], g_free);
      }
  self->built = FALSE;
}

static guint64
summarize (const VsFingerprint *fp)
{
  guint counts[64] = { 0 };
  guint n = 0;
  guint64 summary = 0;

  /* the spread frames only: the anchored ones move with a trim */
  for (guint i = 0; i < VS_FINGERPRINT_SPREAD; i++)
    {
      if (fp->flat_mask & (1u << i))
        continue;
      n++;
      for (guint b = 0; b < 64; b++)
        counts[b] += (fp->frames[i] >> b) & 1;
    }
  for (guint b = 0; b < 64; b++)
    if (2 * counts[b] > n)
      summary |= G_GUINT64_CONSTANT (1) << b;
  return summary;
}

void
vs_duplicate_index_free (VsDuplicateIndex *self)
{
  if (self == NULL)
    return;
  clear_buckets (self);
  g_array_unref (self->entries);
  g_free (self);
}

void
vs_duplicate_index_add (VsDuplicateIndex    *self,
                        gint64               id,
                        const VsFingerprint *fingerprint)
{
  Entry entry = { .id = id };

  g_return_if_fail (self != NULL && fingerprint != NULL);
  g_return_if_fail (self->entries->len < G_MAXUINT32 - 1);

  entry.fingerprint = *fingerprint;
  entry.summary = summarize (fingerprint);
  g_array_append_val (self->entries, entry);
  self->built = FALSE;
}

guint
vs_duplicate_index_get_size (VsDuplicateIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->entries->len;
}

static inline guint
part_of (guint64 hash,
         guint   part)
{
  return (guint) ((hash >> (16 * part)) & 0xffff);
}

/* The hashes entry @e files in table @t: its informative frames, or its summary. */
static guint
entry_hashes (const Entry *entry,
              guint        t,
              guint64      out[VS_FINGERPRINT_FRAMES])
{
  guint n = 0;

  if (t == TABLE_SUMMARIES)
    {
      out[0] = entry->summary;
      return (entry->fingerprint.flat_mask & ((1u << VS_FINGERPRINT_SPREAD) - 1)) ==
             (1u << VS_FINGERPRINT_SPREAD) - 1 ? 0 : 1;
    }
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    if (!(entry->fingerprint.flat_mask & (1u << i)))
      out[n++] = entry->fingerprint.frames[i];
  return n;
}

void
vs_duplicate_index_build (VsDuplicateIndex *self)
{
  g_return_if_fail (self != NULL);

  clear_buckets (self);
  for (guint t = 0; t < N_TABLES; t++)
    for (guint p = 0; p < N_PARTS; p++)
      {
        guint32 *offsets = g_new0 (guint32, N_BUCKETS + 1);
        guint32 *fill;
        guint32 total = 0;
        guint64 hashes[VS_FINGERPRINT_FRAMES];

        /* counting sort: sizes, then starts, then the entries in entry order */
        for (guint e = 0; e < self->entries->len; e++)
          {
            guint n = entry_hashes (&g_array_index (self->entries, Entry, e), t, hashes);

            for (guint i = 0; i < n; i++)
              offsets[part_of (hashes[i], p) + 1]++;
          }
        for (guint b = 0; b < N_BUCKETS; b++)
          {
            total += offsets[b + 1];
            offsets[b + 1] = total;
          }
        self->videos[t][p] = g_new (guint32, MAX (total, 1));
        fill = g_memdup2 (offsets, sizeof (guint32) * N_BUCKETS);
        for (guint e = 0; e < self->entries->len; e++)
          {
            guint n = entry_hashes (&g_array_index (self->entries, Entry, e), t, hashes);

            for (guint i = 0; i < n; i++)
              self->videos[t][p][fill[part_of (hashes[i], p)]++] = e;
          }
        g_free (fill);
        self->offsets[t][p] = offsets;
      }
  self->built = TRUE;
}

typedef struct
{
  VsDuplicateIndex    *self;
  guint8              *queried;  /* per entry: one of @only (all without it) */
  int                  max_distance;
  guint32             *seen;     /* seen[u] == v + 1: u is a candidate of v … */
  guint8              *hits;     /* … met in this many frame buckets (CHECKED: compared) */
  GArray              *met;      /* the candidates of v, in meeting order */
  VsDuplicatePairFunc  func;
  gpointer             user_data;
  guint                found;
} Search;

#define CHECKED 255

static void
check (Search *s,
       guint   v,
       guint   u)
{
  const Entry *query = &g_array_index (s->self->entries, Entry, v);
  const Entry *other = &g_array_index (s->self->entries, Entry, u);
  int distance;

  s->hits[u] = CHECKED;
  /* each pair once: from its first entry, or from its only queried one */
  if (s->queried[u] && u < v)
    return;
  if (!vs_fingerprint_durations_match (query->fingerprint.duration_ms,
                                       other->fingerprint.duration_ms))
    return;
  distance = vs_fingerprint_distance (&query->fingerprint, &other->fingerprint);
  if (distance < 0 || distance > s->max_distance)
    return;
  s->found++;
  s->func (MIN (query->id, other->id), MAX (query->id, other->id), distance, s->user_data);
}

/* Counts, for each entry of a frame bucket, how many of v's frame buckets it is in. */
static void
meet_frames (Search *s,
             guint   v,
             guint   p,
             guint   bucket)
{
  VsDuplicateIndex *self = s->self;
  guint32 start = self->offsets[TABLE_FRAMES][p][bucket];
  guint32 end = self->offsets[TABLE_FRAMES][p][bucket + 1];

  if (end - start > MAX_BUCKET)
    return;
  for (guint32 k = start; k < end; k++)
    {
      guint32 u = self->videos[TABLE_FRAMES][p][k];

      if (u == v)
        continue;
      if (s->seen[u] != v + 1)
        {
          s->seen[u] = v + 1;
          s->hits[u] = 1;
          g_array_append_val (s->met, u);
        }
      else if (s->hits[u] < CHECKED - 1)
        s->hits[u]++;
    }
}

/* Summaries near v's: compared at once (a summary is one hash a video, never a chance
 * meeting of one frame among many). */
static void
meet_summaries (Search *s,
                guint   v,
                guint   p,
                guint   bucket)
{
  VsDuplicateIndex *self = s->self;
  guint32 start = self->offsets[TABLE_SUMMARIES][p][bucket];
  guint32 end = self->offsets[TABLE_SUMMARIES][p][bucket + 1];

  if (end - start > MAX_BUCKET)
    return;
  for (guint32 k = start; k < end; k++)
    {
      guint32 u = self->videos[TABLE_SUMMARIES][p][k];

      if (u == v || (s->seen[u] == v + 1 && s->hits[u] == CHECKED))
        continue;
      s->seen[u] = v + 1;
      check (s, v, u);
    }
}

guint
vs_duplicate_index_find_pairs (VsDuplicateIndex    *self,
                               int                  max_distance,
                               GHashTable          *only,
                               VsDuplicatePairFunc  func,
                               gpointer             user_data)
{
  g_autofree guint32 *seen = NULL;
  g_autofree guint8 *hits = NULL;
  g_autofree guint8 *queried = NULL;
  g_autoptr(GArray) met = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint n = 0;
  Search s;

  g_return_val_if_fail (self != NULL && func != NULL, 0);

  if (!self->built)
    vs_duplicate_index_build (self);
  n = MAX (self->entries->len, 1);
  seen = g_new0 (guint32, n);
  hits = g_new0 (guint8, n);
  queried = g_new0 (guint8, n);
  for (guint e = 0; e < self->entries->len; e++)
    {
      gint64 id = g_array_index (self->entries, Entry, e).id;

      queried[e] = only == NULL || g_hash_table_contains (only, &id);
    }
  s = (Search) { self, queried, max_distance, seen, hits, met, func, user_data, 0 };
  for (guint v = 0; v < self->entries->len; v++)
    {
      const Entry *query = &g_array_index (self->entries, Entry, v);
      guint64 hashes[VS_FINGERPRINT_FRAMES];
      guint n_hashes;

      if (!queried[v])
        continue;
      g_array_set_size (met, 0);
      n_hashes = entry_hashes (query, TABLE_FRAMES, hashes);
      for (guint i = 0; i < n_hashes; i++)
        for (guint p = 0; p < N_PARTS; p++)
          meet_frames (&s, v, p, part_of (hashes[i], p));
      /* Two frame buckets in common at least: one is what chance gives a random pair
       * about once in 600 (24 frames × 4 quarters × 24 frames / 65,536), while a copy
       * has many frames within three bits of its original's. */
      for (guint k = 0; k < met->len; k++)
        {
          guint32 u = g_array_index (met, guint32, k);

          if (hits[u] >= 2 && hits[u] != CHECKED)
            check (&s, v, u);
        }
      if (entry_hashes (query, TABLE_SUMMARIES, hashes) == 0)
        continue;
      for (guint p = 0; p < N_PARTS; p++)
        {
          guint part = part_of (hashes[0], p);

          meet_summaries (&s, v, p, part);
          for (guint b = 0; b < 16; b++)
            meet_summaries (&s, v, p, part ^ (1u << b));
        }
    }
  return s.found;
}

gsize
vs_duplicate_index_get_memory (VsDuplicateIndex *self)
{
  gsize bytes;

  g_return_val_if_fail (self != NULL, 0);

  bytes = sizeof *self + (gsize) self->entries->len * sizeof (Entry);
  for (guint t = 0; t < N_TABLES && self->built; t++)
    for (guint p = 0; p < N_PARTS; p++)
      bytes += sizeof (guint32) * (N_BUCKETS + 1 + (gsize) self->offsets[t][p][N_BUCKETS]);
  return bytes;
}
