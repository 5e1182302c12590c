/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The library index: schema, migrations, refusals, DAO and list queries. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "vs-database-private.h"
#include "vs-test-utils.h"

typedef struct
{
  char       *dir;
  char       *path;
  VsDatabase *db;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = vs_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "library.db", NULL);
  f->db = vs_database_open (f->path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->db);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static gint64
add_video (VsDatabase  *db,
           gint64       folder_id,
           const char  *path,
           gint64       size,
           gint64       mtime_ns,
           gint64       duration_ms)
{
  g_autoptr(VsVideoRecord) r = vs_video_record_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  vs_video_record_set_path (r, path);
  r->folder_id = folder_id;
  r->size = size;
  r->mtime_ns = mtime_ns;
  r->duration_ms = duration_ms;
  id = vs_database_upsert_video (db, r, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
add_folder (VsDatabase *db,
            const char *path,
            GError    **error)
{
  gint64 root_id = 0;

  g_assert_true (vs_database_add_root (db, "/lib", &root_id, error));
  return vs_database_ensure_folder (db, root_id, 0, path, error);
}

static char *
raw_query_text (const char *path,
                const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *mode = NULL;
  g_autofree char *fk = NULL;

  g_assert_cmpint (vs_database_get_schema_version (f->db), ==, VS_DATABASE_SCHEMA_VERSION);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_IS_REGULAR));
  mode = raw_query_text (f->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  fk = raw_query_text (f->path, "PRAGMA user_version");
  g_assert_cmpstr (fk, ==, G_STRINGIFY (VS_DATABASE_SCHEMA_VERSION));
}

/* A version-1 library, as the first release wrote it, upgrades with its rows intact. */
static void
test_migrate (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(VsDatabase) old = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) hls = NULL;
  g_autoptr(VsVideoRecord) file = NULL;
  g_autoptr(GArray) ordered = NULL;
  g_autoptr(GPtrArray) names = NULL;
  VsVideoQuery all = { 0 };

  old = _vs_database_open_at_version (path, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (old), ==, 1);
  g_clear_object (&old);
  raw_exec (path,
            "INSERT INTO roots (id, path) VALUES (1, CAST('/lib' AS BLOB));"
            "INSERT INTO folders (id, root_id, path) VALUES (1, 1, CAST('/lib' AS BLOB));"
            "INSERT INTO videos (folder_id, path, uri, display_name, sort_name, kind, size, "
            "  mtime_ns, duration_ms) VALUES "
            "(1, CAST('/lib/a.mp4' AS BLOB), 'file:///lib/a.mp4', 'a.mp4', 'a.mp4', 0, 10, 5, NULL),"
            "(1, CAST('/lib/s/i.m3u8' AS BLOB), 'file:///lib/s/i.m3u8', 's', 's', 1, 20, 6, 4000),"
            "(1, CAST('/lib/c10.mp4' AS BLOB), 'file:///lib/c10.mp4', 'c10.mp4', 'c10.mp4', 0, 1, 1, NULL),"
            "(1, CAST('/lib/c9.mp4' AS BLOB), 'file:///lib/c9.mp4', 'c9.mp4', 'c9.mp4', 0, 1, 1, NULL);");

  db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (db), ==, VS_DATABASE_SCHEMA_VERSION);
  g_assert_cmpint (vs_database_count_videos (db, &all, &error), ==, 4);
  /* Rows written before natural order got their sort keys in the migration. */
  ordered = vs_database_query_ids (db, &all, &error);
  g_assert_no_error (error);
  names = vs_database_load_videos (db, (const gint64 *) (gpointer) ordered->data, ordered->len,
                                   &error);
  g_assert_cmpstr (((VsVideoRecord *) g_ptr_array_index (names, 1))->display_name, ==, "c9.mp4");
  g_assert_cmpstr (((VsVideoRecord *) g_ptr_array_index (names, 2))->display_name, ==, "c10.mp4");

  hls = vs_database_lookup_video (db, "/lib/s/i.m3u8", &error);
  g_assert_no_error (error);
  g_assert_cmpint (hls->kind, ==, VS_VIDEO_KIND_HLS);
  g_assert_cmpint (hls->duration_ms, ==, 4000);
  g_assert_cmpint (hls->probe_state, ==, VS_MEDIA_STATE_DONE);
  /* no state yet: the next scan finds it (test-scanner's /scanner/hls/state-changes) */
  g_assert_cmpint (hls->hls.state, ==, VS_HLS_STATE_UNKNOWN);
  g_assert_null (hls->hls.variant);
  file = vs_database_lookup_video (db, "/lib/a.mp4", &error);
  g_assert_no_error (error);
  g_assert_cmpint (file->probe_state, ==, VS_MEDIA_STATE_PENDING);
  g_assert_cmpint (file->duration_ms, ==, -1);

  g_clear_object (&db);
  vs_test_rm_rf (dir);
}

/* Refusals leave the file exactly as it was. */
static void
assert_refused (const char      *path,
                VsDatabaseError  code)
{
  g_autofree char *before = vs_test_file_checksum (path);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reader_error = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(VsDatabase) reader = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_null (db);
  g_assert_error (error, VS_DATABASE_ERROR, (int) code);
  g_assert_nonnull (strstr (error->message, "library.db"));

  reader = vs_database_open (path, VS_DATABASE_MODE_READER, &reader_error);
  g_assert_null (reader);
  g_assert_error (reader_error, VS_DATABASE_ERROR, (int) code);

  after = vs_test_file_checksum (path);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS) &&
                  code == VS_DATABASE_ERROR_NOT_A_DATABASE);
}

static void
test_not_a_database (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  guchar junk[8192];

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = (guchar) g_test_rand_int_range (0, 256);
  vs_test_write_file (path, (const char *) junk, sizeof junk);
  assert_refused (path, VS_DATABASE_ERROR_NOT_A_DATABASE);

  vs_test_write_file (path, "just some text, not SQLite at all\n", -1);
  assert_refused (path, VS_DATABASE_ERROR_NOT_A_DATABASE);
  vs_test_rm_rf (dir);
}

static void
test_foreign_database (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);

  raw_exec (path, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');");
  assert_refused (path, VS_DATABASE_ERROR_NOT_A_DATABASE);
  vs_test_rm_rf (dir);
}

static void
test_too_new (Fixture       *f,
              gconstpointer  data)
{
  g_clear_object (&f->db);
  raw_exec (f->path, "PRAGMA user_version = 99");
  assert_refused (f->path, VS_DATABASE_ERROR_TOO_NEW);
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gint64 folder;
  gsize len;

  folder = add_folder (f->db, "/lib", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *p = g_strdup_printf ("/lib/v%03u.mp4", i);

      add_video (f->db, folder, p, i, i, -1);
    }
  g_clear_object (&f->db);
  raw_exec (f->path, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE");

  /* Keep SQLite's 100-byte header, scramble the schema page and everything after it. */
  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 4096);
  for (gsize i = 100; i < len; i++)
    contents[i] = (char) (0xA5 ^ (i * 7));
  vs_test_write_file (f->path, contents, (gssize) len);

  assert_refused (f->path, VS_DATABASE_ERROR_CORRUPT);
}

static void
test_upsert_remove (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) r = NULL;
  g_autoptr(VsVideoRecord) again = NULL;
  g_autoptr(GHashTable) stamps = NULL;
  VsVideoStamp *stamp;
  gint64 folder, id, id2;

  folder = add_folder (f->db, "/lib", &error);
  g_assert_no_error (error);
  g_assert_cmpint (add_folder (f->db, "/lib", &error), ==, folder);

  id = add_video (f->db, folder, "/lib/Clip One.mp4", 100, 1000, -1);
  r = vs_database_lookup_video (f->db, "/lib/Clip One.mp4", &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->id, ==, id);
  g_assert_cmpstr (r->display_name, ==, "Clip One.mp4");
  g_assert_cmpstr (r->uri, ==, "file:///lib/Clip%20One.mp4");
  g_assert_cmpint (r->size, ==, 100);

  /* The same path again updates in place and keeps the row id. */
  id2 = add_video (f->db, folder, "/lib/Clip One.mp4", 200, 2000, 5000);
  g_assert_cmpint (id2, ==, id);
  again = vs_database_lookup_video (f->db, "/lib/Clip One.mp4", &error);
  g_assert_cmpint (again->size, ==, 200);
  g_assert_cmpint (again->duration_ms, ==, 5000);

  stamps = vs_database_dup_folder_stamps (f->db, folder, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (stamps), ==, 1);
  stamp = g_hash_table_lookup (stamps, "/lib/Clip One.mp4");
  g_assert_nonnull (stamp);
  g_assert_cmpint (stamp->mtime_ns, ==, 2000);

  g_assert_true (vs_database_delete_video (f->db, id, &error));
  g_assert_null (vs_database_lookup_video (f->db, "/lib/Clip One.mp4", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* An HLS item's state goes in and out whole, with the row and in the folder's stamps; a
 * state alone can change without touching the media facts. */
static void
test_hls_info (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) r = vs_video_record_new ();
  g_autoptr(VsVideoRecord) back = NULL;
  g_autoptr(VsVideoRecord) copy = NULL;
  g_autoptr(VsVideoRecord) keyed = NULL;
  g_autoptr(GHashTable) stamps = NULL;
  g_autofree char *variant = g_strdup ("720p/index.m3u8");
  VsHlsInfo present = { VS_HLS_STATE_MASTER, VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_MASTER, 3, 0 };
  VsVideoStamp *stamp;
  gint64 folder;

  folder = add_folder (f->db, "/lib", &error);
  g_assert_no_error (error);
  r->kind = VS_VIDEO_KIND_HLS;
  vs_video_record_set_path (r, "/lib/dl/master.m3u8");
  r->folder_id = folder;
  r->size = 27;
  r->mtime_ns = 1;
  r->hls.state = VS_HLS_STATE_ENCRYPTED;
  r->hls.flags = VS_HLS_FLAG_ENDLIST | VS_HLS_FLAG_ENCRYPTED | VS_HLS_FLAG_MASTER;
  r->hls.segments = 120;
  r->hls.missing = 0;
  r->hls.variant = g_strdup ("720p/index.m3u8");
  r->hls.variant_bandwidth = 2800000;
  r->hls.variant_width = 1280;
  r->hls.variant_height = 720;
  r->id = vs_database_upsert_video (f->db, r, &error);
  g_assert_no_error (error);

  back = vs_database_lookup_video (f->db, r->path, &error);
  g_assert_no_error (error);
  g_assert_true (vs_hls_info_equal (&back->hls, &r->hls));
  copy = vs_video_record_copy (back);
  g_assert_true (vs_video_record_equal (copy, back));
  g_assert_true (copy->hls.variant != back->hls.variant);
  copy->hls.missing = 1;
  g_assert_false (vs_video_record_equal (copy, back));

  stamps = vs_database_dup_folder_stamps (f->db, folder, &error);
  g_assert_no_error (error);
  stamp = g_hash_table_lookup (stamps, r->path);
  g_assert_nonnull (stamp);
  g_assert_true (vs_hls_info_equal (&stamp->hls, &r->hls));

  g_assert_true (vs_database_set_thumb_state (f->db, r->id, VS_MEDIA_STATE_DONE, &error));
  present.variant = variant;
  g_assert_true (vs_database_set_hls_info (f->db, r->id, &present, &error));
  g_assert_no_error (error);
  keyed = vs_database_lookup_video (f->db, r->path, &error);
  g_assert_true (vs_hls_info_equal (&keyed->hls, &present));
  g_assert_cmpint (keyed->thumb_state, ==, VS_MEDIA_STATE_DONE);
  g_assert_cmpint (keyed->size, ==, 27);
}

/* Linux names are bytes: a name that is not UTF-8 comes back byte for byte. */
static void
test_non_utf8 (Fixture       *f,
               gconstpointer  data)
{
  const char *path = "/lib/caf\xe9 \xff\n.mkv";
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) r = NULL;
  g_autofree char *back = NULL;
  gint64 folder;

  folder = add_folder (f->db, "/lib", &error);
  add_video (f->db, folder, path, 1, 1, -1);
  r = vs_database_lookup_video (f->db, path, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (r->path, strlen (r->path), path, strlen (path));
  g_assert_true (g_utf8_validate (r->display_name, -1, NULL));
  back = g_filename_from_uri (r->uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (back, strlen (back), path, strlen (path));
}

static void
test_roots (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) roots = NULL;
  gint64 inner, outer, again;

  g_assert_true (vs_database_add_root (f->db, "/media/lib/films", &inner, &error));
  g_assert_true (vs_database_add_root (f->db, "/media/library", &again, &error));
  g_assert_cmpint (again, !=, inner);
  vs_database_ensure_folder (f->db, inner, 0, "/media/lib/films", &error);
  g_assert_no_error (error);

  /* An enclosing folder absorbs the root inside it, not its sibling with a longer name. */
  g_assert_true (vs_database_add_root (f->db, "/media/lib", &outer, &error));
  roots = vs_database_dup_roots (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (roots), ==, 2);
  g_assert_cmpstr (roots[0], ==, "/media/lib");
  g_assert_cmpstr (roots[1], ==, "/media/library");

  /* A folder inside a root joins it. */
  g_assert_true (vs_database_add_root (f->db, "/media/lib/films/new", &again, &error));
  g_assert_cmpint (again, ==, outer);

  g_assert_true (vs_database_remove_root (f->db, "/media/library", &error));
  g_clear_pointer (&roots, g_strfreev);
  roots = vs_database_dup_roots (f->db, &error);
  g_assert_cmpuint (g_strv_length (roots), ==, 1);
}

/* WAL: a reader keeps answering from the last commit while a write is under way. */
static void
test_reader_during_write (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsDatabase) reader = NULL;
  VsVideoQuery all = { 0 };
  gint64 folder;

  reader = vs_database_open (f->path, VS_DATABASE_MODE_READER, &error);
  g_assert_no_error (error);
  folder = add_folder (f->db, "/lib", &error);
  add_video (f->db, folder, "/lib/a.mp4", 1, 1, -1);

  g_assert_true (vs_database_begin (f->db, &error));
  add_video (f->db, folder, "/lib/b.mp4", 1, 1, -1);
  g_assert_cmpint (vs_database_count_videos (reader, &all, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_true (vs_database_commit (f->db, &error));
  g_assert_cmpint (vs_database_count_videos (reader, &all, &error), ==, 2);
}

static gint64
count_sort_indices (const char *path)
{
  g_autofree char *n = raw_query_text (path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' "
                                             "AND name IN ('videos_sort_key', 'videos_mtime', "
                                             "'videos_size', 'videos_duration')");

  return g_ascii_strtoll (n, NULL, 10);
}

/* A bulk load drops the sort indices and rebuilds them; one killed half-way is healed by
 * the next open. */
static void
test_bulk (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_autofree char *indices = NULL;

  /* Exactly the indices some query uses: each costs every insert */
  indices = raw_query_text (f->path, "SELECT group_concat(name, ' ') FROM "
                                     "(SELECT name FROM sqlite_schema WHERE type = 'index' "
                                     "AND tbl_name = 'videos' AND sql IS NOT NULL ORDER BY name)");
  g_assert_cmpstr (indices, ==, "videos_duration videos_folder videos_mtime videos_pending_probe "
                                "videos_pending_thumb videos_size videos_sort_key");

  g_assert_cmpint (count_sort_indices (f->path), ==, 4);
  g_assert_true (vs_database_begin_bulk (f->db, &error));
  g_assert_cmpint (count_sort_indices (f->path), ==, 0);
  g_assert_true (vs_database_end_bulk (f->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_sort_indices (f->path), ==, 4);

  g_assert_true (vs_database_begin_bulk (f->db, &error));
  g_clear_object (&f->db);        /* as if killed before end_bulk */
  g_assert_cmpint (count_sort_indices (f->path), ==, 0);
  f->db = vs_database_open (f->path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_sort_indices (f->path), ==, 4);
}

/* Queries against a brute-force reference ------------------------------ */

typedef struct
{
  gint64  id;
  char   *folder;
  char   *folded;
  gint64  size;
  gint64  mtime_ns;
  gint64  duration_ms;
} RefRow;

static const VsVideoQuery *current_query;

/* Numbers compare by value (leading zeros ignored), everything else bytewise. */
static int
natural_compare (const char *a,
                 const char *b)
{
  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *ea, *eb;
          gsize la, lb;
          int c;

          while (*a == '0' && g_ascii_isdigit (a[1]))
            a++;
          while (*b == '0' && g_ascii_isdigit (b[1]))
            b++;
          for (ea = a; g_ascii_isdigit (*ea); ea++)
            ;
          for (eb = b; g_ascii_isdigit (*eb); eb++)
            ;
          la = ea - a;
          lb = eb - b;
          if (la != lb)
            return la < lb ? -1 : 1;
          c = strncmp (a, b, la);
          if (c != 0)
            return c;
          a = ea;
          b = eb;
          continue;
        }
      if (*a != *b)
        return (guchar) *a < (guchar) *b ? -1 : 1;
      a++;
      b++;
    }
  return (guchar) *a < (guchar) *b ? -1 : (guchar) *a > (guchar) *b;
}

static int
compare_int (gint64 a,
             gint64 b)
{
  return a < b ? -1 : a > b;
}

static int
compare_ref (gconstpointer pa,
             gconstpointer pb)
{
  const RefRow *a = *(RefRow * const *) pa, *b = *(RefRow * const *) pb;
  int sign = current_query->descending ? -1 : 1;
  int c = 0;

  switch (current_query->sort)
    {
    case VS_SORT_NAME:
      c = natural_compare (a->folded, b->folded);
      break;
    case VS_SORT_MTIME:
      c = compare_int (a->mtime_ns, b->mtime_ns);
      break;
    case VS_SORT_SIZE:
      c = compare_int (a->size, b->size);
      break;
    case VS_SORT_DURATION:
      if ((a->duration_ms < 0) != (b->duration_ms < 0))
        return a->duration_ms < 0 ? 1 : -1;   /* unknown last, either direction */
      c = compare_int (a->duration_ms, b->duration_ms);
      break;
    default:
      g_assert_not_reached ();
    }
  if (c == 0)
    c = compare_int (a->id, b->id);
  return sign * c;
}

static gboolean
ref_matches (const RefRow       *row,
             const VsVideoQuery *q,
             const char         *needle)
{
  if (q->folder != NULL)
    {
      gsize n = strlen (q->folder);
      gboolean same = g_str_equal (row->folder, q->folder);
      gboolean below = strncmp (row->folder, q->folder, n) == 0 && row->folder[n] == '/';

      if (!same && !(q->recursive && below))
        return FALSE;
    }
  return needle == NULL || strstr (row->folded, needle) != NULL;
}

static char *
reference_fold (const char *s)
{
  g_autofree char *cf = g_utf8_casefold (s, -1);

  return g_utf8_normalize (cf, -1, G_NORMALIZE_NFKD);
}

static void
ref_row_free (gpointer data)
{
  RefRow *row = data;

  g_free (row->folder);
  g_free (row->folded);
  g_free (row);
}

static void
test_query_reference (Fixture       *f,
                      gconstpointer  data)
{
  static const char * const folders[] = { "/lib", "/lib/a", "/lib/a/b", "/lib/ab", "/lib/c" };
  static const char * const syllables[] = { "Ab", "ab", "É", "é", "x_", "%", "Zz", "ß", " ",
                                            "7", "10", "007", "9" };
  static const char * const searches[] = { NULL, "ab", "AB", "é", "%", "_", "ss", "zz ab", "none" };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (ref_row_free);
  g_autoptr(GError) error = NULL;
  gint64 folder_ids[G_N_ELEMENTS (folders)];
  guint checked = 0;

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      folder_ids[i] = add_folder (f->db, folders[i], &error);
      g_assert_no_error (error);
    }

  g_assert_true (vs_database_begin (f->db, &error));
  for (guint i = 0; i < 1500; i++)
    {
      guint fi = g_test_rand_int_range (0, G_N_ELEMENTS (folders));
      g_autoptr(GString) name = g_string_new (NULL);
      g_autofree char *path = NULL;
      RefRow *row = g_new0 (RefRow, 1);

      for (int s = g_test_rand_int_range (1, 4); s > 0; s--)
        g_string_append (name, syllables[g_test_rand_int_range (0, G_N_ELEMENTS (syllables))]);
      g_string_append_printf (name, ".mp4");
      /* Distinct paths, often the same display name: ties in the name key. */
      path = g_strdup_printf ("%s/%u/%s", folders[fi], i, name->str);
      row->folder = g_strdup (folders[fi]);
      row->folded = reference_fold (name->str);
      row->size = g_test_rand_int_range (0, 20);          /* many ties */
      row->mtime_ns = g_test_rand_int_range (0, 50) * G_GINT64_CONSTANT (1000000000);
      row->duration_ms = g_test_rand_bit () ? -1 : g_test_rand_int_range (0, 10) * 1000;
      row->id = add_video (f->db, folder_ids[fi], path, row->size, row->mtime_ns, row->duration_ms);
      g_ptr_array_add (rows, row);
    }
  g_assert_true (vs_database_commit (f->db, &error));

  for (int fi = -1; fi < (int) G_N_ELEMENTS (folders); fi++)
    for (guint recursive = 0; recursive < 2; recursive++)
      for (guint sort = VS_SORT_NAME; sort <= VS_SORT_DURATION; sort++)
        for (guint desc = 0; desc < 2; desc++)
          for (guint si = 0; si < G_N_ELEMENTS (searches); si++)
            {
              VsVideoQuery q = {
                .folder = fi < 0 ? NULL : folders[fi],
                .recursive = recursive,
                .sort = sort,
                .descending = desc,
                .search = searches[si],
              };
              g_autofree char *needle = searches[si] ? reference_fold (searches[si]) : NULL;
              g_autoptr(GPtrArray) expected = g_ptr_array_new ();
              g_autoptr(GArray) ids = NULL;
              g_autoptr(GPtrArray) page = NULL;

              if (fi < 0 && recursive)
                continue;
              for (guint r = 0; r < rows->len; r++)
                if (ref_matches (g_ptr_array_index (rows, r), &q, needle))
                  g_ptr_array_add (expected, g_ptr_array_index (rows, r));
              current_query = &q;
              g_ptr_array_sort (expected, compare_ref);

              ids = vs_database_query_ids (f->db, &q, &error);
              g_assert_no_error (error);
              g_assert_cmpuint (ids->len, ==, expected->len);
              g_assert_cmpint (vs_database_count_videos (f->db, &q, &error), ==, expected->len);
              for (guint r = 0; r < expected->len; r++)
                g_assert_cmpint (g_array_index (ids, gint64, r), ==,
                                 ((RefRow *) g_ptr_array_index (expected, r))->id);

              /* A page from the middle of the snapshot reads the right rows. */
              if (ids->len > 10)
                {
                  guint start = ids->len / 2;
                  guint n = MIN (7, ids->len - start);

                  page = vs_database_load_videos (f->db, &g_array_index (ids, gint64, start),
                                                  n, &error);
                  g_assert_no_error (error);
                  g_assert_cmpuint (page->len, ==, n);
                  for (guint r = 0; r < n; r++)
                    {
                      VsVideoRecord *rec = g_ptr_array_index (page, r);
                      RefRow *want = g_ptr_array_index (expected, start + r);

                      g_assert_cmpint (rec->id, ==, want->id);
                      g_assert_cmpint (rec->size, ==, want->size);
                      g_assert_cmpint (rec->duration_ms, ==, want->duration_ms);
                    }
                }
              checked++;
            }
  g_assert_cmpuint (checked, >, 300);
}

/* A row deleted after the snapshot reads as NULL, keeping positions stable. */
static void
test_load_vanished (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  gint64 folder = add_folder (f->db, "/lib", &error);
  gint64 ids[3];

  ids[0] = add_video (f->db, folder, "/lib/1.mp4", 1, 1, -1);
  ids[1] = add_video (f->db, folder, "/lib/2.mp4", 1, 1, -1);
  ids[2] = add_video (f->db, folder, "/lib/3.mp4", 1, 1, -1);
  vs_database_delete_video (f->db, ids[1], &error);
  page = vs_database_load_videos (f->db, ids, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 3);
  g_assert_nonnull (g_ptr_array_index (page, 0));
  g_assert_null (g_ptr_array_index (page, 1));
  g_assert_nonnull (g_ptr_array_index (page, 2));
}

static gint64
count_rows (const char *path,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  g_autofree char *n = raw_query_text (path, sql);

  return g_ascii_strtoll (n, NULL, 10);
}

/* Positions are kept per path (bytes, not only UTF-8), forgotten near either end, and
 * the table keeps only the newest entries. */
static void
test_playback_positions (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *odd = "/lib/caf\xe9 \n.mp4";

  g_assert_cmpint (vs_database_get_position (f->db, "/lib/a.mp4", &error), ==, 0);
  g_assert_true (vs_database_set_position (f->db, "/lib/a.mp4", 61000, 120000, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_position (f->db, "/lib/a.mp4", &error), ==, 61000);
  g_assert_true (vs_database_set_position (f->db, "/lib/a.mp4", 62000, -1, &error));
  g_assert_cmpint (vs_database_get_position (f->db, "/lib/a.mp4", &error), ==, 62000);
  g_assert_true (vs_database_set_position (f->db, odd, 5000, -1, &error));
  g_assert_cmpint (vs_database_get_position (f->db, odd, &error), ==, 5000);
  g_assert_cmpint (vs_database_get_position (f->db, "/lib/caf", &error), ==, 0);

  /* Watched to the end, or only just started: nothing to offer */
  g_assert_true (vs_database_set_position (f->db, "/lib/a.mp4", 118000, 120000, &error));
  g_assert_cmpint (vs_database_get_position (f->db, "/lib/a.mp4", &error), ==, 0);
  g_assert_true (vs_database_set_position (f->db, odd, 1000, 120000, &error));
  g_assert_cmpint (vs_database_get_position (f->db, odd, &error), ==, 0);
  g_assert_no_error (error);

  /* Bounded: the oldest go */
  g_assert_true (vs_database_begin (f->db, &error));
  for (guint i = 0; i < VS_PLAYBACK_MAX_ENTRIES + 10; i++)
    {
      g_autofree char *path = g_strdup_printf ("/lib/%u.mp4", i);

      g_assert_true (vs_database_set_position (f->db, path, 10000 + i, -1, &error));
    }
  g_assert_true (vs_database_commit (f->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f->path, "playback"), ==, VS_PLAYBACK_MAX_ENTRIES);
  g_assert_cmpint (vs_database_get_position (f->db, "/lib/9.mp4", &error), ==, 0);
  g_assert_cmpint (vs_database_get_position (f->db, "/lib/10.mp4", &error), ==, 10010);
}

static gpointer
open_writer_thread (gpointer path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsDatabase) db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);

  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (db), ==, VS_DATABASE_SCHEMA_VERSION);
  return NULL;
}

/* Connections that open a new library at once (the window's writer and the player's
 * reader on first start, or two processes) each migrate it once, not twice. */
static void
test_concurrent_create (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();

  for (guint round = 0; round < 8; round++)
    {
      g_autofree char *path = g_strdup_printf ("%s/library%u.db", dir, round);
      GThread *threads[4];

      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("open", open_writer_thread, path);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        g_thread_join (threads[i]);
    }
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/database/create", Fixture, NULL, fixture_setup, test_create, fixture_teardown);
  g_test_add_func ("/database/migrate/from-v1", test_migrate);
  g_test_add_func ("/database/migrate/concurrent", test_concurrent_create);
  g_test_add_func ("/database/refuse/not-a-database", test_not_a_database);
  g_test_add_func ("/database/refuse/foreign", test_foreign_database);
  g_test_add ("/database/refuse/too-new", Fixture, NULL, fixture_setup, test_too_new,
              fixture_teardown);
  g_test_add ("/database/refuse/corrupt", Fixture, NULL, fixture_setup, test_corrupt,
              fixture_teardown);
  g_test_add ("/database/videos/upsert-remove", Fixture, NULL, fixture_setup,
              test_upsert_remove, fixture_teardown);
  g_test_add ("/database/videos/hls-info", Fixture, NULL, fixture_setup, test_hls_info,
              fixture_teardown);
  g_test_add ("/database/videos/non-utf8", Fixture, NULL, fixture_setup, test_non_utf8,
              fixture_teardown);
  g_test_add ("/database/roots/nesting", Fixture, NULL, fixture_setup, test_roots,
              fixture_teardown);
  g_test_add ("/database/wal/reader-during-write", Fixture, NULL, fixture_setup,
              test_reader_during_write, fixture_teardown);
  g_test_add ("/database/bulk/indices", Fixture, NULL, fixture_setup, test_bulk,
              fixture_teardown);
  g_test_add ("/database/query/reference", Fixture, NULL, fixture_setup, test_query_reference,
              fixture_teardown);
  g_test_add ("/database/query/vanished-rows", Fixture, NULL, fixture_setup,
              test_load_vanished, fixture_teardown);
  g_test_add ("/database/playback/positions", Fixture, NULL, fixture_setup,
              test_playback_positions, fixture_teardown);

  return g_test_run ();
}
