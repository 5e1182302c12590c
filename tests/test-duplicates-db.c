/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-duplicates-db.c: the index's side of duplicates: fingerprints and their states,
 * matching (incremental), groups, exact copies, "not duplicates", schema 16 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "vs-database-private.h"
#include "vs-test-utils.h"

typedef struct
{
  char       *dir;
  char       *path;
  VsDatabase *db;
  gint64      folder_id;
  GRand      *rand;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 root_id = 0;

  f->dir = vs_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "library.db", NULL);
  f->db = vs_database_open (f->path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  g_assert_true (vs_database_add_root (f->db, "/lib", &root_id, &error));
  f->folder_id = vs_database_ensure_folder (f->db, root_id, 0, "/lib", &error);
  g_assert_no_error (error);
  f->rand = g_rand_new_with_seed (5);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->db);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_rand_free (f->rand);
}

static gint64
add_video (Fixture    *f,
           const char *name,
           gint64      size,
           gint64      mtime_ns)
{
  g_autoptr(VsVideoRecord) r = vs_video_record_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename ("/lib", name, NULL);
  gint64 id;

  vs_video_record_set_path (r, path);
  r->folder_id = f->folder_id;
  r->size = size;
  r->mtime_ns = mtime_ns;
  r->duration_ms = 60000;
  id = vs_database_upsert_video (f->db, r, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
random_fingerprint (Fixture       *f,
                    VsFingerprint *fp)
{
  fp->n_frames = VS_FINGERPRINT_FRAMES;
  fp->flat_mask = 0;
  fp->duration_ms = 60000;
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    fp->frames[i] = (guint64) g_rand_int (f->rand) << 32 | g_rand_int (f->rand);
}

/* @base with @bits bits flipped in the first six frames and @more in the others, from bit
 * @shift on: a copy as decoding gives them, some frames nearer than others */
static void
near_fingerprint_full (const VsFingerprint *base,
                       VsFingerprint       *out,
                       guint                bits,
                       guint                more,
                       guint                shift)
{
  *out = *base;
  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    for (guint k = 0; k < (i < 6 ? bits : more); k++)
      out->frames[i] ^= G_GUINT64_CONSTANT (1) << ((i * 7 + k * 13 + shift) % 64);
}

static void
near_fingerprint (const VsFingerprint *base,
                  VsFingerprint       *out,
                  guint                bits)
{
  near_fingerprint_full (base, out, bits, bits, 0);
}

static void
set_fingerprint (Fixture             *f,
                 gint64               id,
                 const VsFingerprint *fp)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vs_database_set_fingerprint (f->db, id, fp, &error));
  g_assert_no_error (error);
}

static guint
match (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  guint found = G_MAXUINT;

  g_assert_true (vs_database_match_duplicates (f->db, NULL, &found, &error));
  g_assert_no_error (error);
  return found;
}

/* The groups as text: "id,id;id,id" in their order, with "=" after an exact one. */
static char *
groups_text (Fixture                *f,
             VsDuplicateSensitivity  sensitivity)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = vs_database_list_duplicate_groups (f->db, sensitivity, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (groups);
  for (guint g = 0; g < groups->len; g++)
    {
      VsDuplicateGroup *group = g_ptr_array_index (groups, g);

      if (g > 0)
        g_string_append_c (text, ';');
      for (guint i = 0; i < group->ids->len; i++)
        g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                                g_array_index (group->ids, gint64, i));
      if (group->exact)
        g_string_append_c (text, '=');
    }
  return g_string_free (text, FALSE);
}

/* Compares the groups with @expected, which it frees. */
static void
check_groups (Fixture                *f,
              VsDuplicateSensitivity  sensitivity,
              char                   *expected)
{
  g_autofree char *owned = expected;
  g_autofree char *text = groups_text (f, sensitivity);

  g_assert_cmpstr (text, ==, owned);
}

static char *
ids_text (gint64 first,
          ...)
{
  GString *text = g_string_new (NULL);
  va_list args;

  va_start (args, first);
  for (gint64 id = first; id != 0; id = va_arg (args, gint64))
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, text->len > 0 ? "," : "", id);
  va_end (args);
  return g_string_free (text, FALSE);
}

static void
test_match (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VsFingerprint a, a1, a2, b, c, d, back;
  gint64 ia, ia1, ia2, ib, ic, id, made = -1, pending = -1;
  g_autofree char *group_a = NULL;
  g_autofree char *text = NULL;
  gboolean found = TRUE;

  ia = add_video (f, "a.mp4", 1000, 1);
  ia1 = add_video (f, "a-small.mp4", 500, 1);
  ia2 = add_video (f, "a-again.mkv", 900, 1);
  ib = add_video (f, "b.mp4", 2000, 1);
  ic = add_video (f, "c.mp4", 3000, 1);

  g_assert_true (vs_database_count_fingerprints (f->db, &made, &pending, &error));
  g_assert_cmpint (made, ==, 0);
  g_assert_cmpint (pending, ==, 5);
  g_assert_true (vs_database_get_fingerprint (f->db, ia, &back, &found, &error));
  g_assert_false (found);

  random_fingerprint (f, &a);
  near_fingerprint (&a, &a1, 2);
  near_fingerprint_full (&a, &a2, 3, 8, 40);  /* 6 bits from a, 8 from a1: medium, not low */
  random_fingerprint (f, &b);
  random_fingerprint (f, &c);
  set_fingerprint (f, ia, &a);
  set_fingerprint (f, ia1, &a1);
  set_fingerprint (f, ia2, &a2);
  set_fingerprint (f, ib, &b);
  g_assert_true (vs_database_set_fingerprint (f->db, ic, NULL, &error));   /* failed */
  g_assert_true (vs_database_get_fingerprint (f->db, ia1, &back, &found, &error));
  g_assert_true (found);
  g_assert_cmpmem (&back, sizeof back, &a1, sizeof a1);
  g_assert_true (vs_database_get_fingerprint (f->db, ic, &back, &found, &error));
  g_assert_false (found);
  g_assert_true (vs_database_count_fingerprints (f->db, &made, &pending, &error));
  g_assert_cmpint (made, ==, 4);
  g_assert_cmpint (pending, ==, 0);

  g_assert_cmpint (vs_fingerprint_distance (&a, &a2), ==, 6);
  g_assert_cmpint (vs_fingerprint_distance (&a1, &a2), ==, 8);
  /* a with each copy at least (a1 and a2 may meet too: 8 bits is within high) */
  g_assert_cmpuint (match (f), >=, 2);
  group_a = ids_text (ia, ia1, ia2, 0);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_MEDIUM, g_strdup (group_a));
  check_groups (f, VS_DUPLICATE_SENSITIVITY_LOW, ids_text (ia, ia1, 0));

  /* matched once: nothing new to do */
  g_assert_cmpuint (match (f), ==, 0);

  /* incremental: a new video is compared with the others, found with b */
  id = add_video (f, "d.mp4", 2500, 1);
  near_fingerprint (&b, &d, 1);
  set_fingerprint (f, id, &d);
  g_assert_cmpuint (match (f), ==, 1);
  /* the biggest group in bytes first: b + d (4,500) before a's three (2,400) */
  check_groups (f, VS_DUPLICATE_SENSITIVITY_MEDIUM,
                g_strdup_printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ";%s", ib, id, group_a));
  {
    g_autoptr(GPtrArray) groups =
      vs_database_list_duplicate_groups (f->db, VS_DUPLICATE_SENSITIVITY_MEDIUM, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (groups->len, ==, 2);
    g_assert_cmpint (((VsDuplicateGroup *) groups->pdata[0])->bytes, ==, 4500);
    g_assert_cmpint (((VsDuplicateGroup *) groups->pdata[1])->bytes, ==, 2400);
  }

  /* a file that changes loses its fingerprint and its pairs, and is pending again */
  {
    g_autoptr(VsVideoRecord) r = vs_video_record_new ();

    vs_video_record_set_path (r, "/lib/a-small.mp4");
    r->folder_id = f->folder_id;
    r->size = 501;
    r->mtime_ns = 2;
    r->duration_ms = 60000;
    g_assert_cmpint (vs_database_upsert_video (f->db, r, &error), ==, ia1);
  }
  g_assert_true (vs_database_get_fingerprint (f->db, ia1, &back, &found, &error));
  g_assert_false (found);
  g_assert_true (vs_database_count_fingerprints (f->db, &made, &pending, &error));
  g_assert_cmpint (pending, ==, 1);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_LOW, ids_text (ib, id, 0));
  /* fingerprinted again (now another video): no longer in a's group */
  random_fingerprint (f, &a1);
  set_fingerprint (f, ia1, &a1);
  match (f);
  g_free (text);
  text = ids_text (ia, ia2, 0);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_HIGH,
                g_strdup_printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ";%s", ib, id, text));

  /* a deleted video takes its pairs along */
  g_assert_true (vs_database_delete_video (f->db, id, &error));
  g_assert_no_error (error);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_HIGH, ids_text (ia, ia2, 0));
  /* a group listed before the delete reads without it, in its order */
  {
    const gint64 listed[] = { ib, id, ia };
    g_autoptr(GPtrArray) records =
      vs_database_load_duplicate_group (f->db, listed, G_N_ELEMENTS (listed), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (records->len, ==, 2);
    g_assert_cmpint (((VsVideoRecord *) records->pdata[0])->id, ==, ib);
    g_assert_cmpint (((VsVideoRecord *) records->pdata[1])->id, ==, ia);
    g_clear_pointer (&records, g_ptr_array_unref);
    records = vs_database_load_duplicate_group (f->db, &id, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (records->len, ==, 0);
  }
}

static void
test_not_duplicates (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VsFingerprint a, a1, a2;
  gint64 ids[3];
  gboolean moved = FALSE;
  g_autofree char *text = NULL;

  ids[0] = add_video (f, "one.mp4", 100, 1);
  ids[1] = add_video (f, "two.mp4", 100, 1);
  ids[2] = add_video (f, "three.mp4", 100, 1);
  random_fingerprint (f, &a);
  near_fingerprint (&a, &a1, 1);
  near_fingerprint (&a, &a2, 2);
  set_fingerprint (f, ids[0], &a);
  set_fingerprint (f, ids[1], &a1);
  set_fingerprint (f, ids[2], &a2);
  match (f);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_MEDIUM, ids_text (ids[0], ids[1], ids[2], 0));

  /* the whole group: gone */
  g_assert_true (vs_database_mark_not_duplicates (f->db, ids, 3, &error));
  g_assert_no_error (error);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_HIGH, g_strdup (""));

  /* remembered by path: a rename keeps it, a row made again keeps it */
  g_assert_true (vs_database_rename (f->db, "/lib/two.mp4", "/lib/deux.mp4", &moved, NULL, NULL,
                                     &error));
  g_assert_true (moved);
  g_assert_true (vs_database_delete_video (f->db, ids[2], &error));
  ids[2] = add_video (f, "three.mp4", 100, 1);
  set_fingerprint (f, ids[2], &a2);
  match (f);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_HIGH, g_strdup (""));

  /* the undo: grouped again */
  g_assert_true (vs_database_unmark_not_duplicates (f->db, ids, 3, &error));
  g_assert_no_error (error);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_MEDIUM, ids_text (ids[0], ids[1], ids[2], 0));

  /* one video out: the other two stay a group */
  {
    gint64 pair[2] = { ids[0], ids[2] };
    gint64 pair2[2] = { ids[1], ids[2] };

    g_assert_true (vs_database_mark_not_duplicates (f->db, pair, 2, &error));
    g_assert_true (vs_database_mark_not_duplicates (f->db, pair2, 2, &error));
  }
  check_groups (f, VS_DUPLICATE_SENSITIVITY_MEDIUM, ids_text (ids[0], ids[1], 0));
}

static void
test_exact (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) twins = NULL;
  VsFingerprint a, back;
  gint64 x, y, z, lone;
  gboolean copied = FALSE, found = FALSE;
  g_autofree char *text = NULL;

  x = add_video (f, "x.mp4", 4242, 1);
  y = add_video (f, "copy of x.mp4", 4242, 7);
  z = add_video (f, "same size.mp4", 4242, 1);
  lone = add_video (f, "lone.mp4", 17, 1);

  /* only files whose size another has can be copies: only they are hashed */
  twins = vs_database_query_unhashed_twins (f->db, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (twins->len, ==, 3);
  g_assert_cmpint (g_array_index (twins, gint64, 0), ==, x);
  g_assert_cmpint (g_array_index (twins, gint64, 2), ==, z);
  g_assert_true (vs_database_set_content_hash (f->db, x, 99, &error));
  g_assert_true (vs_database_set_content_hash (f->db, y, 99, &error));
  g_assert_true (vs_database_set_content_hash (f->db, z, 98, &error));
  g_clear_pointer (&twins, g_array_unref);
  twins = vs_database_query_unhashed_twins (f->db, 0, 100, &error);
  g_assert_cmpuint (twins->len, ==, 0);
  (void) lone;

  /* found without any fingerprint, at every sensitivity, marked exact */
  g_assert_cmpuint (match (f), ==, 1);
  g_free (text);
  text = ids_text (x, y, 0);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_LOW, g_strdup_printf ("%s=", text));

  /* a copy takes its twin's fingerprint instead of being decoded */
  g_assert_true (vs_database_copy_twin_fingerprint (f->db, y, &copied, &error));
  g_assert_false (copied);
  random_fingerprint (f, &a);
  set_fingerprint (f, x, &a);
  g_assert_true (vs_database_copy_twin_fingerprint (f->db, y, &copied, &error));
  g_assert_true (copied);
  g_assert_true (vs_database_get_fingerprint (f->db, y, &back, &found, &error));
  g_assert_true (found);
  g_assert_cmpmem (&back, sizeof back, &a, sizeof a);
  g_assert_true (vs_database_copy_twin_fingerprint (f->db, z, &copied, &error));
  g_assert_false (copied);
  /* still exact after fingerprint matching */
  match (f);
  g_free (text);
  text = ids_text (x, y, 0);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_LOW, g_strdup_printf ("%s=", text));

  /* a changed copy is no longer one */
  {
    g_autoptr(VsVideoRecord) r = vs_video_record_new ();

    vs_video_record_set_path (r, "/lib/copy of x.mp4");
    r->folder_id = f->folder_id;
    r->size = 4242;
    r->mtime_ns = 8;
    r->duration_ms = 60000;
    g_assert_cmpint (vs_database_upsert_video (f->db, r, &error), ==, y);
  }
  check_groups (f, VS_DUPLICATE_SENSITIVITY_HIGH, g_strdup (""));
}

static void
test_hostile (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VsFingerprint a, back;
  gint64 x, y;
  gboolean found = TRUE;
  g_autofree char *text = NULL;
  sqlite3 *raw = NULL;

  x = add_video (f, "x.mp4", 1, 1);
  y = add_video (f, "y.mp4", 2, 1);
  random_fingerprint (f, &a);
  set_fingerprint (f, x, &a);
  set_fingerprint (f, y, &a);
  /* a blob that is not a fingerprint, another that is cut short */
  g_assert_cmpint (sqlite3_open (f->path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw,
                                 "UPDATE videos SET fingerprint = X'00112233' WHERE path = CAST('/lib/x.mp4' AS BLOB);"
                                 "UPDATE videos SET fingerprint = substr(fingerprint, 1, 20) WHERE path = CAST('/lib/y.mp4' AS BLOB);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  g_assert_true (vs_database_get_fingerprint (f->db, x, &back, &found, &error));
  g_assert_no_error (error);
  g_assert_false (found);
  match (f);
  check_groups (f, VS_DUPLICATE_SENSITIVITY_HIGH, g_strdup (""));
  /* an empty list of ids marks nothing */
  g_assert_true (vs_database_mark_not_duplicates (f->db, NULL, 0, &error));
}

static void
test_migrate (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(VsDatabase) old = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pending = NULL;
  gint64 made = -1, waiting = -1;
  sqlite3 *raw = NULL;

  old = _vs_database_open_at_version (path, _VS_DATABASE_DUPLICATES_SCHEMA - 1, &error);
  g_assert_no_error (error);
  g_clear_object (&old);
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw,
                                 "INSERT INTO roots (id, path) VALUES (1, CAST('/lib' AS BLOB));"
                                 "INSERT INTO folders (id, root_id, path) VALUES (1, 1, CAST('/lib' AS BLOB));"
                                 "INSERT INTO videos (id, folder_id, path, uri, display_name, sort_name, sort_key, "
                                 "  kind, size, mtime_ns, duration_ms, probe_state, thumb_state) VALUES "
                                 "(7, 1, CAST('/lib/a.mp4' AS BLOB), 'file:///lib/a.mp4', 'a.mp4', 'a.mp4', 'a', 0, "
                                 "  10, 5000, 60000, 1, 1),"
                                 "(8, 1, CAST('/lib/b.mp4' AS BLOB), 'file:///lib/b.mp4', 'b.mp4', 'b.mp4', 'b', 0, "
                                 "  10, 5000, 60000, 2, 2);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (db), ==, VS_DATABASE_SCHEMA_VERSION);
  /* every video waits for its fingerprint, but one with no picture (b failed) */
  g_assert_true (vs_database_count_fingerprints (db, &made, &waiting, &error));
  g_assert_cmpint (made, ==, 0);
  g_assert_cmpint (waiting, ==, 1);
  pending = vs_database_query_pending (db, VS_PENDING_FINGERPRINT, 0, 10, &error);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpint (g_array_index (pending, gint64, 0), ==, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/duplicates/db/match", Fixture, NULL, fixture_setup, test_match, fixture_teardown);
  g_test_add ("/duplicates/db/not-duplicates", Fixture, NULL, fixture_setup, test_not_duplicates,
              fixture_teardown);
  g_test_add ("/duplicates/db/exact", Fixture, NULL, fixture_setup, test_exact, fixture_teardown);
  g_test_add ("/duplicates/db/hostile", Fixture, NULL, fixture_setup, test_hostile, fixture_teardown);
  g_test_add_func ("/duplicates/db/migrate", test_migrate);

  return g_test_run ();
}
