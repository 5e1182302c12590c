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

  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
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
      return entry->fingerprint.flat_mask == (1u << VS_FINGERPRINT_FRAMES) - 1 ? 0 : 1;
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

static gboolean
in_only (GHashTable *only,
         gint64      id)
{
  return only == NULL || g_hash_table_contains (only, &id);
}

typedef struct
{
  VsDuplicateIndex    *self;
  GHashTable          *only;
  int                  max_distance;
  guint32             *seen;     /* seen[u] == v + 1: u was already a candidate of v */
  VsDuplicatePairFunc  func;
  gpointer             user_data;
  guint                found;
} Search;

/* Compares entry @v with every entry of one bucket it has not met yet. */
static void
visit_bucket (Search *s,
              guint   v,
              guint   t,
              guint   p,
              guint   bucket)
{
  VsDuplicateIndex *self = s->self;
  const Entry *query = &g_array_index (self->entries, Entry, v);
  guint32 start = self->offsets[t][p][bucket], end = self->offsets[t][p][bucket + 1];

  if (end - start > MAX_BUCKET)
    return;
  for (guint32 k = start; k < end; k++)
    {
      guint32 u = self->videos[t][p][k];
      const Entry *other;
      int distance;

      if (u == v || s->seen[u] == v + 1)
        continue;
      s->seen[u] = v + 1;
      other = &g_array_index (self->entries, Entry, u);
      /* each pair once: from its first entry, or from its only queried one */
      if (s->only != NULL ? (in_only (s->only, other->id) && u < v) : u < v)
        continue;
      if (!vs_fingerprint_durations_match (query->fingerprint.duration_ms,
                                           other->fingerprint.duration_ms))
        continue;
      distance = vs_fingerprint_distance (&query->fingerprint, &other->fingerprint);
      if (distance < 0 || distance > s->max_distance)
        continue;
      s->found++;
      s->func (MIN (query->id, other->id), MAX (query->id, other->id), distance, s->user_data);
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
  Search s;

  g_return_val_if_fail (self != NULL && func != NULL, 0);

  if (!self->built)
    vs_duplicate_index_build (self);
  seen = g_new0 (guint32, MAX (self->entries->len, 1));
  s = (Search) { self, only, max_distance, seen, func, user_data, 0 };
  for (guint v = 0; v < self->entries->len; v++)
    {
      const Entry *query = &g_array_index (self->entries, Entry, v);
      guint64 hashes[VS_FINGERPRINT_FRAMES];
      guint n;

      if (!in_only (only, query->id))
        continue;
      n = entry_hashes (query, TABLE_FRAMES, hashes);
      for (guint i = 0; i < n; i++)
        for (guint p = 0; p < N_PARTS; p++)
          visit_bucket (&s, v, TABLE_FRAMES, p, part_of (hashes[i], p));
      if (entry_hashes (query, TABLE_SUMMARIES, hashes) == 0)
        continue;
      for (guint p = 0; p < N_PARTS; p++)
        {
          guint part = part_of (hashes[0], p);

          visit_bucket (&s, v, TABLE_SUMMARIES, p, part);
          for (guint b = 0; b < 16; b++)
            visit_bucket (&s, v, TABLE_SUMMARIES, p, part ^ (1u << b));
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
