/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-bench-duplicates: grouping a library of N videos (100,000) by their fingerprints, with
 * synthetic fingerprints (run by hand from a release build; printed by
 * tests/bench/bench-duplicates.sh, documented in tests/bench/README.md).
 *
 *   vs-bench-duplicates [N_VIDEOS] [N_GROUPS] [DB]
 *   vs-bench-duplicates distances < LINES
 *     Reads "LABEL<tab>HEX" lines (fingerprints as `vidshelf-cli fingerprint --json` prints
 *     them) and prints "LABEL_A<tab>LABEL_B<tab>DISTANCE" for every pair (-1: not
 *     comparable), after a "# max-distance low N medium N high N" line.
 *
 * Every video is a "timeline" of scenes of 2–8 s, each with a random 64-bit frame hash (3 % of
 * the frames, or $COMMON_SHARE %, are instead one of 200 hashes shared by many videos, as
 * title cards and logos are); its fingerprint samples that timeline at vs_fingerprint_frame_time_ms(), as the real
 * maker does. N_GROUPS planted groups of 2–4 near copies share one timeline: each copy has a
 * duration within ±2 % (the timeline stretched), or is trimmed by 1–5 s at the start or the
 * end (at most 10 % of it), and gets 0–4 bits flipped in each frame hash. The rows go into a
 * new library in one transaction, all fingerprinted and not matched yet; then
 * vs_database_match_duplicates() runs once, and vs_database_list_duplicate_groups() at each
 * sensitivity: wall time, peak RSS (VmHWM, reset before each step), the planted pairs found
 * (recall), whole planted groups, and the pairs of unrelated videos grouped (spurious). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vs-database-private.h"
#include "vs-fingerprint.h"

#define SEC_NS       (G_GINT64_CONSTANT (1000000000))
#define ROOT         "/bench/Videos"
#define N_COMMON     200

static void G_GNUC_NORETURN
die (const char *what,
     GError     *error)
{
  g_printerr ("vs-bench-duplicates: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static gsize
status_kb (const char *field)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) ||
      (line = strstr (text, field)) == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + strlen (field), NULL, 10);
}

static void
reset_hwm (void)
{
  /* "5" resets the peak RSS (VmHWM) to the current RSS (Linux ≥ 4.0) */
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
}

static guint64
rand64 (GRand *rand)
{
  return ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
}

static guint64 common[N_COMMON];
static guint   common_share = 3;  /* percent of the frames: $COMMON_SHARE */

/* splitmix64: the timelines' generator, cheap enough to walk a 3-hour timeline per frame */
static guint64
next64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* The frame hashes at @times_ms (increasing) of timeline @seed, its scenes drawn from the
 * seed: 2–8 s each, a random hash or (COMMON_SHARE %) one of the common ones. */
static void
timeline_hashes (guint64       seed,
                 const gint64 *times_ms,
                 guint         n,
                 guint64      *out)
{
  guint64 state = seed;
  gint64 start = 0, length = 0;
  guint64 hash = 0;

  for (guint i = 0; i < n; i++)
    {
      while (times_ms[i] >= start + length)
        {
          start += length;
          length = 2000 + (gint64) (next64 (&state) % 6001);
          hash = next64 (&state);
          if (next64 (&state) % 100 < common_share)
            hash = common[next64 (&state) % N_COMMON];
        }
      out[i] = hash;
    }
}

static guint64
flip_bits (GRand  *rand,
           guint64 hash,
           guint   n)
{
  for (guint k = 0; k < n; k++)
    hash ^= G_GUINT64_CONSTANT (1) << g_rand_int_range (rand, 0, 64);
  return hash;
}

typedef enum
{
  COPY_ORIGINAL,
  COPY_STRETCHED,   /* duration within ±2 %, the timeline stretched with it */
  COPY_TRIM_START,
  COPY_TRIM_END,
} CopyKind;

/* The fingerprint of timeline @seed (a video of @duration_ms) as copy @kind of it. */
static void
make_fingerprint (GRand         *rand,
                  guint64        seed,
                  gint64         duration_ms,
                  CopyKind       kind,
                  guint          max_noise,
                  VsFingerprint *out)
{
  gint64 length = duration_ms, shift = 0;
  double stretch = 1.0;

  switch (kind)
    {
    case COPY_ORIGINAL:
      break;
    case COPY_STRETCHED:
      stretch = 1.0 + g_rand_double_range (rand, -0.02, 0.02);
      length = (gint64) (duration_ms * stretch);
      break;
    case COPY_TRIM_START:
    case COPY_TRIM_END:
      {
        gint64 cut = MIN ((gint64) g_rand_int_range (rand, 1000, 5001), duration_ms / 10);

        length = duration_ms - cut;
        shift = kind == COPY_TRIM_START ? cut : 0;
      }
      break;
    default:
      g_assert_not_reached ();
    }
  memset (out, 0, sizeof *out);
  out->n_frames = VS_FINGERPRINT_FRAMES;
  out->duration_ms = length;
  {
    gint64 times[VS_FINGERPRINT_FRAMES];

    for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
      times[i] = MAX (0, (gint64) (vs_fingerprint_frame_time_ms (length, i) / stretch) + shift);
    for (guint i = 1; i < VS_FINGERPRINT_FRAMES; i++)
      g_assert (times[i] >= times[i - 1]);
    timeline_hashes (seed, times, VS_FINGERPRINT_FRAMES, out->frames);
  }
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    {
      guint noise = max_noise > 0 ? (guint) g_rand_int_range (rand, 0, (gint32) max_noise + 1) : 0;

      out->frames[i] = flip_bits (rand, out->frames[i], noise);
    }
}

typedef struct
{
  guint   n_videos;
  guint   n_groups;      /* asked for, then planted */
  guint   n_planted;
  guint   planted_pairs;
  guint  *group_of;      /* by row id (ids are 1..n): 0 or the planted group (1-based) */
  guint  *group_size;    /* by planted group */
  guint8 *kind_of;       /* by row id: CopyKind */
} Truth;

static void
generate (VsDatabase *db,
          Truth      *truth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261205);
  sqlite3_stmt *insert = NULL;
  gint64 root_id = 0, folder_id;
  guint id = 0;
  guint8 blob[VS_FINGERPRINT_BLOB_SIZE];

  for (guint k = 0; k < N_COMMON; k++)
    common[k] = rand64 (rand);
  if (!vs_database_add_root (db, ROOT, &root_id, &error))
    die ("adding the root", error);
  if (!vs_database_begin (db, &error))
    die ("a transaction", error);
  folder_id = vs_database_ensure_folder (db, root_id, 0, ROOT, &error);
  if (folder_id <= 0)
    die ("a folder", error);
  if (sqlite3_prepare_v2 (db->db,
                          "INSERT INTO videos (id, folder_id, path, uri, display_name, sort_name, "
                          "sort_key, kind, size, mtime_ns, duration_ms, width, height, "
                          "probe_state, thumb_state, fingerprint, fp_state) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5, 0, ?6, ?7, ?8, 1280, 720, "
                          "1, 1, ?9, 1)", -1, &insert, NULL) != SQLITE_OK)
    {
      g_printerr ("vs-bench-duplicates: %s\n", sqlite3_errmsg (db->db));
      exit (1);
    }

  truth->group_of = g_new0 (guint, truth->n_videos + 1);
  truth->kind_of = g_new0 (guint8, truth->n_videos + 1);
  truth->group_size = g_new0 (guint, truth->n_groups + 1);
  /* the planted groups' members are spread over the ids: a group's copies are not neighbours */
  while (id < truth->n_videos)
    {
      guint64 seed = rand64 (rand);
      /* log-normal around 5 min, 20 s to 3 h */
      double u1 = g_rand_double_range (rand, 1e-9, 1), u2 = g_rand_double (rand);
      double z = sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
      gint64 duration = (gint64) (CLAMP (exp (log (300.0) + 1.3 * z), 20, 3 * 3600) * 1000);
      guint planted = 0, members = 1;
      /* the groups planted evenly over the ids (a few may be left out at the end) */
      if (truth->n_planted < truth->n_groups &&
          g_rand_double (rand) < 1.1 * truth->n_groups / truth->n_videos)
        {
          members = (guint) g_rand_int_range (rand, 2, 5);
          if (id + members > truth->n_videos)
            members = 1;
          else
            planted = ++truth->n_planted;
        }
      for (guint m = 0; m < members; m++)
        {
          VsFingerprint fp;
          CopyKind kind = m == 0 ? COPY_ORIGINAL : (CopyKind) g_rand_int_range (rand, 1, 4);
          g_autofree char *path = NULL;
          g_autofree char *uri = NULL;
          g_autofree char *name = NULL;

          id++;
          make_fingerprint (rand, seed, duration, kind, m == 0 ? 1 : 4, &fp);
          vs_fingerprint_to_blob (&fp, blob);
          name = g_strdup_printf ("video-%06u.mp4", id);
          path = g_build_filename (ROOT, name, NULL);
          uri = g_filename_to_uri (path, NULL, NULL);
          sqlite3_bind_int64 (insert, 1, id);
          sqlite3_bind_int64 (insert, 2, folder_id);
          _vs_bind_path (insert, 3, path);
          sqlite3_bind_text (insert, 4, uri, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (insert, 5, name, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (insert, 6,
                              fp.duration_ms * 500 + g_rand_int_range (rand, 0, 1 << 20));
          sqlite3_bind_int64 (insert, 7, G_GINT64_CONSTANT (1796083200) * SEC_NS);
          sqlite3_bind_int64 (insert, 8, fp.duration_ms);
          sqlite3_bind_blob (insert, 9, blob, sizeof blob, SQLITE_TRANSIENT);
          if (sqlite3_step (insert) != SQLITE_DONE)
            {
              g_printerr ("vs-bench-duplicates: inserting: %s\n", sqlite3_errmsg (db->db));
              exit (1);
            }
          sqlite3_reset (insert);
          truth->group_of[id] = planted;
          truth->kind_of[id] = (guint8) kind;
        }
      if (planted > 0)
        {
          truth->group_size[planted] = members;
          truth->planted_pairs += members * (members - 1) / 2;
        }
    }
  sqlite3_finalize (insert);
  if (!vs_database_commit (db, &error))
    die ("committing", error);
  truth->n_groups = truth->n_planted;
  {
    char *message = NULL;

    if (sqlite3_exec (db->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, &message) !=
        SQLITE_OK)
      g_printerr ("vs-bench-duplicates: checkpoint: %s\n", message);
    sqlite3_free (message);
  }
}

/* The distances of the stored pairs, planted and not: "distance planted spurious" lines. */
static void
print_pair_distances (VsDatabase  *db,
                      const Truth *truth)
{
  sqlite3_stmt *stmt = NULL;
  guint planted[65] = { 0 }, spurious[65] = { 0 };

  if (sqlite3_prepare_v2 (db->db, "SELECT a, b, distance FROM duplicate_pairs", -1, &stmt,
                          NULL) != SQLITE_OK)
    return;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 a = sqlite3_column_int64 (stmt, 0), b = sqlite3_column_int64 (stmt, 1);
      int d = CLAMP (sqlite3_column_int (stmt, 2), 0, 64);
      gboolean same = a <= truth->n_videos && b <= truth->n_videos && truth->group_of[a] != 0 &&
                      truth->group_of[a] == truth->group_of[b];

      if (same)
        planted[d]++;
      else
        spurious[d]++;
    }
  sqlite3_finalize (stmt);
  g_print ("stored pairs by distance (planted / unrelated):");
  for (int d = 0; d <= 64; d++)
    if (planted[d] + spurious[d] > 0)
      g_print (" %d:%u/%u", d, planted[d], spurious[d]);
  g_print ("\n");
}

/* Every pair's vs_fingerprint_distance() of the fingerprints on stdin. */
static int
distances (void)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) fps = g_array_new (FALSE, FALSE, sizeof (VsFingerprint));
  char line[4096];

  while (fgets (line, sizeof line, stdin) != NULL)
    {
      g_autoptr(GError) error = NULL;
      char *tab = strrchr (line, '\t');
      VsFingerprint fp;

      g_strchomp (line);
      if (tab == NULL)
        continue;
      *tab = '\0';
      if (!vs_fingerprint_from_hex (tab + 1, &fp, &error))
        die (line, error);
      g_ptr_array_add (labels, g_strdup (line));
      g_array_append_val (fps, fp);
    }
  g_print ("# max-distance low %d medium %d high %d\n",
           vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_LOW),
           vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_MEDIUM),
           vs_duplicate_sensitivity_max_distance (VS_DUPLICATE_SENSITIVITY_HIGH));
  for (guint i = 0; i < fps->len; i++)
    for (guint j = i + 1; j < fps->len; j++)
      g_print ("%s\t%s\t%d\n", (char *) g_ptr_array_index (labels, i),
               (char *) g_ptr_array_index (labels, j),
               vs_fingerprint_distance (&g_array_index (fps, VsFingerprint, i),
                                        &g_array_index (fps, VsFingerprint, j)));
  return 0;
}

int
main (int    argc,
      char **argv)
{
  Truth truth = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  gint64 t0;
  guint new_pairs = 0;
  gsize rss, hwm;

  if (g_getenv ("COMMON_SHARE") != NULL)
    common_share = (guint) g_ascii_strtoull (g_getenv ("COMMON_SHARE"), NULL, 10);
  if (argc > 1 && g_str_equal (argv[1], "distances"))
    return distances ();
  truth.n_videos = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  truth.n_groups = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 300;
  if (truth.n_videos < 10 || truth.n_groups * 4 > truth.n_videos)
    {
      g_printerr ("usage: vs-bench-duplicates [N_VIDEOS ≥ 10] [N_GROUPS ≤ N_VIDEOS / 4] [DB]\n");
      return 2;
    }
  if (argc > 3)
    path = g_strdup (argv[3]);
  else
    {
      dir = g_dir_make_tmp ("vidshelf-bench-dup-XXXXXX", &error);
      if (dir == NULL)
        die ("a temporary folder", error);
      path = g_build_filename (dir, "library.db", NULL);
    }
  db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  if (db == NULL)
    die ("creating the library", error);

  t0 = g_get_monotonic_time ();
  generate (db, &truth);
  g_print ("generated %u videos (%u planted groups of 2-4, %u planted pairs; %u %% of the "
           "frames one of %u common hashes) in %.2f s\n",
           truth.n_videos, truth.n_groups, truth.planted_pairs, common_share, N_COMMON,
           (g_get_monotonic_time () - t0) / 1e6);

  reset_hwm ();
  rss = status_kb ("VmRSS:");
  t0 = g_get_monotonic_time ();
  if (!vs_database_match_duplicates (db, NULL, &new_pairs, &error))
    die ("matching", error);
  hwm = status_kb ("VmHWM:");
  g_print ("match\t%.3f s\tpeak RSS %.1f MiB (+%.1f)\t%u pairs stored\n",
           (g_get_monotonic_time () - t0) / 1e6, hwm / 1024.0, (hwm - MIN (hwm, rss)) / 1024.0,
           new_pairs);
  print_pair_distances (db, &truth);

  for (VsDuplicateSensitivity s = VS_DUPLICATE_SENSITIVITY_LOW;
       s <= VS_DUPLICATE_SENSITIVITY_HIGH; s++)
    {
      g_autoptr(GPtrArray) groups = NULL;
      guint found = 0, spurious = 0, whole = 0, members = 0;
      guint by_kind[4] = { 0 }, want_kind[4] = { 0 };
      double secs;

      reset_hwm ();
      rss = status_kb ("VmRSS:");
      t0 = g_get_monotonic_time ();
      groups = vs_database_list_duplicate_groups (db, s, &error);
      secs = (g_get_monotonic_time () - t0) / 1e6;
      hwm = status_kb ("VmHWM:");
      if (groups == NULL)
        die ("listing the groups", error);
      for (guint g = 0; g < groups->len; g++)
        {
          VsDuplicateGroup *group = g_ptr_array_index (groups, g);
          GArray *ids = group->ids;
          guint first = 0;
          gboolean pure = TRUE;

          members += ids->len;
          for (guint i = 0; i < ids->len; i++)
            for (guint j = i + 1; j < ids->len; j++)
              {
                gint64 a = g_array_index (ids, gint64, i), b = g_array_index (ids, gint64, j);
                guint ga = a <= truth.n_videos ? truth.group_of[a] : 0;
                guint gb = b <= truth.n_videos ? truth.group_of[b] : 0;

                if (ga != 0 && ga == gb)
                  found++;
                else
                  {
                    spurious++;
                    pure = FALSE;
                  }
              }
          if (ids->len > 0)
            {
              gint64 a = g_array_index (ids, gint64, 0);

              first = a <= truth.n_videos ? truth.group_of[a] : 0;
            }
          if (pure && first != 0 && truth.group_size[first] == ids->len)
            whole++;
        }
      /* recall per kind of copy: copies grouped with their group's original */
      for (guint id = 1; id <= truth.n_videos; id++)
        if (truth.group_of[id] != 0 && truth.kind_of[id] != COPY_ORIGINAL)
          want_kind[truth.kind_of[id]]++;
      for (guint g = 0; g < groups->len; g++)
        {
          GArray *ids = ((VsDuplicateGroup *) g_ptr_array_index (groups, g))->ids;

          for (guint i = 0; i < ids->len; i++)
            {
              gint64 c = g_array_index (ids, gint64, i);

              if (c > truth.n_videos || truth.group_of[c] == 0 ||
                  truth.kind_of[c] == COPY_ORIGINAL)
                continue;
              for (guint j = 0; j < ids->len; j++)
                {
                  gint64 o = g_array_index (ids, gint64, j);

                  if (o <= truth.n_videos && truth.group_of[o] == truth.group_of[c] &&
                      truth.kind_of[o] == COPY_ORIGINAL)
                    {
                      by_kind[truth.kind_of[c]]++;
                      break;
                    }
                }
            }
        }
      g_print ("list %s\t%.1f ms\tpeak RSS %.1f MiB (+%.1f)\t%u groups (%u videos)\t"
               "recall %.2f %% (%u/%u pairs)\twhole groups %u/%u\tspurious pairs %u\t"
               "copies with their original: stretched %u/%u, trimmed start %u/%u, "
               "trimmed end %u/%u\n",
               vs_duplicate_sensitivity_to_string (s), secs * 1000, hwm / 1024.0,
               (hwm - MIN (hwm, rss)) / 1024.0, groups->len, members,
               truth.planted_pairs ? 100.0 * found / truth.planted_pairs : 100.0, found,
               truth.planted_pairs, whole, truth.n_groups, spurious,
               by_kind[COPY_STRETCHED], want_kind[COPY_STRETCHED], by_kind[COPY_TRIM_START],
               want_kind[COPY_TRIM_START], by_kind[COPY_TRIM_END], want_kind[COPY_TRIM_END]);
    }
  g_print ("process peak RSS (VmHWM since the last reset) %.1f MiB, VmRSS %.1f MiB\n",
           status_kb ("VmHWM:") / 1024.0, status_kb ("VmRSS:") / 1024.0);

  g_clear_object (&db);
  if (dir != NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  g_free (truth.group_of);
  g_free (truth.group_size);
  g_free (truth.kind_of);
  return 0;
}
