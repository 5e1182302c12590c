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
  VsFingerprint fingerprint;
} Entry;

struct _VsDuplicateIndex
{
  GArray   *entries;                 /* Entry */
  guint32  *offsets[N_PARTS];        /* N_BUCKETS + 1 each */
  guint32  *videos[N_PARTS];         /* entry indices, bucket after bucket */
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
  for (guint p = 0; p < N_PARTS; p++)
    {
      g_clear_pointer (&self->offsets[p], g_free);
      g_clear_pointer (&self->videos[p], g_free);
    }
  self->built = FALSE;
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

void
vs_duplicate_index_build (VsDuplicateIndex *self)
{
  g_return_if_fail (self != NULL);

  clear_buckets (self);
  for (guint p = 0; p < N_PARTS; p++)
    {
      guint32 *offsets = g_new0 (guint32, N_BUCKETS + 1);
      guint32 *fill;
      guint32 total = 0;

      /* counting sort: sizes, then starts, then the entries in entry order */
      for (guint e = 0; e < self->entries->len; e++)
        {
          const VsFingerprint *fp = &g_array_index (self->entries, Entry, e).fingerprint;

          for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
            if (!(fp->flat_mask & (1u << i)))
              offsets[part_of (fp->frames[i], p) + 1]++;
        }
      for (guint b = 0; b < N_BUCKETS; b++)
        {
          total += offsets[b + 1];
          offsets[b + 1] = total;
        }
      self->videos[p] = g_new (guint32, MAX (total, 1));
      fill = g_memdup2 (offsets, sizeof (guint32) * N_BUCKETS);
      for (guint e = 0; e < self->entries->len; e++)
        {
          const VsFingerprint *fp = &g_array_index (self->entries, Entry, e).fingerprint;

          for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
            if (!(fp->flat_mask & (1u << i)))
              self->videos[p][fill[part_of (fp->frames[i], p)]++] = e;
        }
      g_free (fill);
      self->offsets[p] = offsets;
    }
  self->built = TRUE;
}

static gboolean
in_only (GHashTable *only,
         gint64      id)
{
  return only == NULL || g_hash_table_contains (only, &id);
}

guint
vs_duplicate_index_find_pairs (VsDuplicateIndex    *self,
                               int                  max_distance,
                               GHashTable          *only,
                               VsDuplicatePairFunc  func,
                               gpointer             user_data)
{
  g_autofree guint32 *seen = NULL;
  guint found = 0;

  g_return_val_if_fail (self != NULL && func != NULL, 0);

  if (!self->built)
    vs_duplicate_index_build (self);
  /* seen[u] == v + 1: u was already a candidate of v */
  seen = g_new0 (guint32, MAX (self->entries->len, 1));
  for (guint v = 0; v < self->entries->len; v++)
    {
      const Entry *query = &g_array_index (self->entries, Entry, v);
      gboolean query_only;

      if (only != NULL && !in_only (only, query->id))
        continue;
      query_only = only != NULL;
      for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
        {
          if (query->fingerprint.flat_mask & (1u << i))
            continue;
          for (guint p = 0; p < N_PARTS; p++)
            {
              guint bucket = part_of (query->fingerprint.frames[i], p);
              guint32 start = self->offsets[p][bucket], end = self->offsets[p][bucket + 1];

              if (end - start > MAX_BUCKET)
                continue;
              for (guint32 k = start; k < end; k++)
                {
                  guint32 u = self->videos[p][k];
                  const Entry *other;
                  int distance;

                  if (u == v || seen[u] == v + 1)
                    continue;
                  seen[u] = v + 1;
                  other = &g_array_index (self->entries, Entry, u);
                  /* each pair once: from its first entry, or from its only queried one */
                  if (query_only ? (in_only (only, other->id) && u < v) : u < v)
                    continue;
                  if (!vs_fingerprint_durations_match (query->fingerprint.duration_ms,
                                                       other->fingerprint.duration_ms))
                    continue;
                  distance = vs_fingerprint_distance (&query->fingerprint, &other->fingerprint);
                  if (distance < 0 || distance > max_distance)
                    continue;
                  found++;
                  func (MIN (query->id, other->id), MAX (query->id, other->id), distance,
                        user_data);
                }
            }
        }
    }
  return found;
}

gsize
vs_duplicate_index_get_memory (VsDuplicateIndex *self)
{
  gsize bytes;

  g_return_val_if_fail (self != NULL, 0);

  bytes = sizeof *self + (gsize) self->entries->len * sizeof (Entry);
  for (guint p = 0; p < N_PARTS && self->built; p++)
    bytes += sizeof (guint32) * (N_BUCKETS + 1 + (gsize) self->offsets[p][N_BUCKETS]);
  return bytes;
}
