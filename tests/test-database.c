/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The library index: schema, migrations, refusals, DAO and list queries. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "vs-database-private.h"
#include "vs-prober.h"
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
add_video_sized (VsDatabase  *db,
                 gint64       folder_id,
                 const char  *path,
                 gint64       size,
                 gint64       mtime_ns,
                 gint64       duration_ms,
                 int          width,
                 int          height)
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
  /* probed: a picture size, 0 × 0 for one without video (never probed: NULL) */
  if (width >= 0)
    {
      VsProbeResult probe = { .duration_ms = duration_ms, .width = width, .height = height };

      g_assert_true (vs_database_set_probe_result (db, id, &probe, &error));
      g_assert_no_error (error);
    }
  return id;
}

static gint64
add_video (VsDatabase  *db,
           gint64       folder_id,
           const char  *path,
           gint64       size,
           gint64       mtime_ns,
           gint64       duration_ms)
{
  return add_video_sized (db, folder_id, path, size, mtime_ns, duration_ms, -1, -1);
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

#define ROOT "/home/ana/Videos"
#define LISBON ROOT "/2023 Lisbon"

/* The display names of what @search finds in the whole library, by name, "|"-separated;
 * the count agrees with the ids. */
static char *
search_names (VsDatabase *db,
              const char *folder,
              const char *search)
{
  VsVideoQuery q = { .folder = folder, .recursive = TRUE, .search = search };
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) records = NULL;

  ids = vs_database_query_ids (db, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_count_videos (db, &q, &error), ==, ids->len);
  g_assert_no_error (error);
  records = vs_database_load_videos (db, (const gint64 *) (gpointer) ids->data, ids->len,
                                     &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      VsVideoRecord *r = g_ptr_array_index (records, i);

      g_string_append_printf (names, "%s%s", i > 0 ? "|" : "", r->display_name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

#define assert_search(db, search, expected) \
  G_STMT_START { \
    g_autofree char *found_ = search_names ((db), NULL, (search)); \
    g_assert_cmpstr (found_, ==, (expected)); \
  } G_STMT_END

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

/* A version-9 library, with the rows the code of that version wrote (names folded with
 * their accents, no folder keys), is searched by name only as it is (read-only media
 * keep it so), and by words in names and folders once upgraded: ids, media facts,
 * thumbnail states and the order by name all stay. */
static void
test_migrate_search (void)
{
  static const struct { gint64 folder; const char *name; } videos[] = {
    { 3, "IMG_0001.mp4" }, { 3, "Sunset.mov" }, { 2, "Tram 28.mp4" }, { 1, "Café.mp4" },
    { 1, "Cafe 2.mp4" }, { 1, "cafe 10.mp4" }, { 4, "长城之旅.mp4" },
  };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(VsDatabase) old = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) old_order = NULL;
  g_autoptr(GArray) new_order = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *beach_key = NULL;
  g_autofree char *root_key = NULL;
  VsVideoQuery by_name = { .sort = VS_SORT_NAME };
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;

  old = _vs_database_open_at_version (path, 9, &error);
  g_assert_no_error (error);
  g_clear_object (&old);
  raw_exec (path,
            "INSERT INTO roots (id, path) VALUES (1, CAST('" ROOT "' AS BLOB));"
            "INSERT INTO folders (id, root_id, parent_id, path) VALUES "
            "(1, 1, NULL, CAST('" ROOT "' AS BLOB)),"
            "(2, 1, 1, CAST('" LISBON "' AS BLOB)),"
            "(3, 1, 2, CAST('" LISBON "/Beach' AS BLOB)),"
            "(4, 1, 1, CAST('" ROOT "/北京' AS BLOB));");
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "INSERT INTO videos (folder_id, path, uri, "
                                            "display_name, sort_name, sort_key, size, mtime_ns, "
                                            "duration_ms, probe_state, thumb_state) VALUES "
                                            "(?1, CAST(?2 AS BLOB), ?3, ?4, ?5, ?6, 1, 1, ?7, "
                                            " 1, 1)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (videos); i++)
    {
      const char *folders[] = { NULL, ROOT, LISBON, LISBON "/Beach", ROOT "/北京" };
      g_autofree char *file = g_build_filename (folders[videos[i].folder], videos[i].name, NULL);
      g_autofree char *uri = g_filename_to_uri (file, NULL, NULL);
      /* what version 9 wrote: its name key was today's sort fold */
      g_autofree char *old_key = _vs_database_fold_for_sort (videos[i].name);
      g_autofree char *sort_key = vs_database_sort_key (videos[i].name);

      sqlite3_bind_int64 (stmt, 1, videos[i].folder);
      sqlite3_bind_text (stmt, 2, file, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, uri, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, videos[i].name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, old_key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, sort_key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 7, 1000 * (i + 1));
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (raw);

  /* As it is (a connection of that version): names only, accents as typed. */
  old = _vs_database_open_at_version (path, 9, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (old), ==, 9);
  {
    g_autofree char *accented = search_names (old, NULL, "CAFÉ");
    g_autofree char *plain = search_names (old, NULL, "cafe 2");
    g_autofree char *folder = search_names (old, NULL, "beach");

    g_assert_cmpstr (accented, ==, "Café.mp4");
    g_assert_cmpstr (plain, ==, "Cafe 2.mp4");
    g_assert_cmpstr (folder, ==, "");
  }
  old_order = vs_database_query_ids (old, &by_name, &error);
  g_assert_no_error (error);
  g_clear_object (&old);

  db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (db), ==, VS_DATABASE_SCHEMA_VERSION);
  assert_search (db, "lisbon beach", "IMG_0001.mp4|Sunset.mov");
  assert_search (db, "lisbon", "IMG_0001.mp4|Sunset.mov|Tram 28.mp4");
  assert_search (db, "cafe", "Cafe 2.mp4|cafe 10.mp4|Café.mp4");
  assert_search (db, "CAFÉ 2", "Cafe 2.mp4");
  assert_search (db, "北京", "长城之旅.mp4");
  assert_search (db, "videos", "");

  /* the same rows in the same order by name (natural: 2 before 10, Café after Cafe) */
  new_order = vs_database_query_ids (db, &by_name, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (new_order->len, ==, G_N_ELEMENTS (videos));
  g_assert_cmpmem (new_order->data, new_order->len * sizeof (gint64),
                   old_order->data, old_order->len * sizeof (gint64));
  records = vs_database_load_videos (db, (const gint64 *) (gpointer) new_order->data,
                                     new_order->len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      VsVideoRecord *r = g_ptr_array_index (records, i);

      g_assert_cmpint (r->id, >=, 1);
      g_assert_cmpint (r->duration_ms, ==, 1000 * r->id);
      g_assert_cmpint (r->probe_state, ==, VS_MEDIA_STATE_DONE);
      g_assert_cmpint (r->thumb_state, ==, VS_MEDIA_STATE_DONE);
    }
  g_clear_object (&db);
  beach_key = raw_query_text (path, "SELECT search_path FROM folders WHERE id = 3");
  root_key = raw_query_text (path, "SELECT search_path FROM folders WHERE id = 1");
  g_assert_cmpstr (beach_key, ==, "2023 lisbon/beach");
  g_assert_cmpstr (root_key, ==, "");
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
  g_assert_cmpstr (indices, ==, "videos_added videos_codec videos_content_hash "
                                "videos_duration videos_folder "
                                "videos_height videos_hls "
                                "videos_mtime videos_pending_fp videos_pending_probe "
                                "videos_pending_thumb "
                                "videos_played "
                                "videos_probe_state videos_resolution videos_resolution_desc "
                                "videos_size videos_sort_key");

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
  char   *sort_folded;     /* what the name sorts by: accents kept */
  char   *folded;          /* what a search finds in the name */
  char   *folded_folder;   /* and in the folder below the root */
  gint64  size;
  gint64  mtime_ns;
  gint64  duration_ms;
  gint64  pixels;          /* width × height, 0 when unknown */
  char   *path;
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
      c = natural_compare (a->sort_folded, b->sort_folded);
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
    case VS_SORT_RESOLUTION:
      if ((a->pixels == 0) != (b->pixels == 0))
        return a->pixels == 0 ? 1 : -1;       /* unknown last, either direction */
      c = compare_int (a->pixels, b->pixels);
      break;
    case VS_SORT_FOLDER:
      /* the path's bytes (paths are unique: never a tie) */
      return sign * strcmp (a->path, b->path);
    case VS_SORT_LAST_PLAYED:   /* nothing is played here: see test-filters */
    case VS_SORT_ADDED:         /* see test-filters */
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
             GStrv               words)
{
  if (q->folder != NULL)
    {
      gsize n = strlen (q->folder);
      gboolean same = g_str_equal (row->folder, q->folder);
      gboolean below = strncmp (row->folder, q->folder, n) == 0 && row->folder[n] == '/';

      if (!same && !(q->recursive && below))
        return FALSE;
    }
  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    if (strstr (row->folded, words[i]) == NULL && strstr (row->folded_folder, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static char *
reference_sort_fold (const char *s)
{
  g_autofree char *cf = g_utf8_casefold (s, -1);

  return g_utf8_normalize (cf, -1, G_NORMALIZE_NFKD);
}

/* Another way to the search fold: case first, then the accents of the Combining
 * Diacritical Marks block (the only ones the test's names have) go. */
static char *
reference_fold (const char *s)
{
  g_autofree char *nfkd = reference_sort_fold (s);
  GString *out = g_string_new (NULL);

  for (const char *p = nfkd; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x300 || c > 0x36f)
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static GStrv
reference_words (const char *search)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) split = NULL;
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();

  if (search == NULL)
    return NULL;
  folded = reference_fold (search);
  split = g_strsplit_set (folded, " \t\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (split[i][0] != '\0')
      g_strv_builder_add (words, split[i]);
  return g_strv_builder_end (words);
}

static void
ref_row_free (gpointer data)
{
  RefRow *row = data;

  g_free (row->folder);
  g_free (row->sort_folded);
  g_free (row->folded);
  g_free (row->folded_folder);
  g_free (row->path);
  g_free (row);
}

static void
test_query_reference (Fixture       *f,
                      gconstpointer  data)
{
  static const char * const folders[] = { "/lib", "/lib/a", "/lib/a/b", "/lib/ab", "/lib/c" };
  static const char * const syllables[] = { "Ab", "ab", "É", "é", "x_", "%", "Zz", "ß", " ",
                                            "7", "10", "007", "9" };
  static const char * const searches[] = { NULL, "ab", "AB", "é", "e", "%", "_", "ss", "zz ab",
                                            " b  a ", "c 7", "a/b", "lib", "none" };
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
      row->sort_folded = reference_sort_fold (name->str);
      row->folded = reference_fold (name->str);
      /* "/lib" is the root: its own name is no part of any folder's */
      row->folded_folder = reference_fold (folders[fi][4] == '/' ? folders[fi] + 5 : "");
      row->size = g_test_rand_int_range (0, 20);          /* many ties */
      row->mtime_ns = g_test_rand_int_range (0, 50) * G_GINT64_CONSTANT (1000000000);
      row->duration_ms = g_test_rand_bit () ? -1 : g_test_rand_int_range (0, 10) * 1000;
      {
        /* a few sizes, many ties in the pixel count (1280 × 720 and 720 × 1280), unknown */
        static const int sizes[][2] = { { -1, -1 }, { 1280, 720 }, { 720, 1280 },
                                        { 1920, 1080 }, { 640, 360 }, { 0, 0 } };
        guint si = g_test_rand_int_range (0, G_N_ELEMENTS (sizes));

        row->pixels = sizes[si][0] > 0 ? (gint64) sizes[si][0] * sizes[si][1] : 0;
        row->path = g_strdup (path);
        row->id = add_video_sized (f->db, folder_ids[fi], path, row->size, row->mtime_ns,
                                   row->duration_ms, sizes[si][0], sizes[si][1]);
      }
      g_ptr_array_add (rows, row);
    }
  g_assert_true (vs_database_commit (f->db, &error));

  for (int fi = -1; fi < (int) G_N_ELEMENTS (folders); fi++)
    for (guint recursive = 0; recursive < 2; recursive++)
      for (guint sort = VS_SORT_NAME; sort <= VS_SORT_FOLDER; sort++)
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
              g_auto(GStrv) words = reference_words (searches[si]);
              g_autoptr(GPtrArray) expected = g_ptr_array_new ();
              g_autoptr(GArray) ids = NULL;
              g_autoptr(GPtrArray) page = NULL;

              if (fi < 0 && recursive)
                continue;
              for (guint r = 0; r < rows->len; r++)
                if (ref_matches (g_ptr_array_index (rows, r), &q, words))
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

static gint64
add_in (VsDatabase *db,
        gint64      root_id,
        const char *folder,
        const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (folder, name, NULL);
  gint64 folder_id = vs_database_ensure_folder (db, root_id, 0, folder, &error);

  g_assert_no_error (error);
  return add_video (db, folder_id, path, 1, 1, -1);
}

/* Every word, in any order, in the name or in the folder's path below the root; case and
 * accents ignored. */
static void
test_query_words (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) paragraph = g_string_new (NULL);
  gint64 inner = 0, root = 0;

  /* Lisbon is a root of its own at first, absorbed by its parent below. */
  g_assert_true (vs_database_add_root (f->db, LISBON, &inner, &error));
  add_in (f->db, inner, LISBON "/Beach", "IMG_0001.mp4");
  add_in (f->db, inner, LISBON "/Beach", "Sunset.mov");
  add_in (f->db, inner, LISBON, "Tram 28.mp4");
  /* a root's own path is no part of its videos' */
  assert_search (f->db, "lisbon", "");
  assert_search (f->db, "beach", "IMG_0001.mp4|Sunset.mov");

  g_assert_true (vs_database_add_root (f->db, ROOT, &root, &error));
  g_assert_no_error (error);
  g_assert_cmpint (root, !=, inner);
  add_in (f->db, root, ROOT "/Talks", "GNOME Builder basics — part 1.mp4");
  add_in (f->db, root, ROOT "/Talks", "GNOME Builder basics — part 2.mp4");
  add_in (f->db, root, ROOT, "Café.mp4");
  add_in (f->db, root, ROOT, "Cafe del Mar.mkv");
  add_in (f->db, root, ROOT, "CAFÉ NOIR.webm");
  add_in (f->db, root, ROOT "/Zürich Café", "See.mp4");
  add_in (f->db, root, ROOT "/北京", "长城之旅.mp4");
  add_in (f->db, root, ROOT "/Fotos \xff", "clip.mp4");   /* a folder name that is not UTF-8 */

  /* both words in the path, in either order, any spacing */
  assert_search (f->db, "lisbon beach", "IMG_0001.mp4|Sunset.mov");
  assert_search (f->db, "beach lisbon", "IMG_0001.mp4|Sunset.mov");
  assert_search (f->db, "  BEACH \t Lisbon\n", "IMG_0001.mp4|Sunset.mov");
  assert_search (f->db, "lisbon", "IMG_0001.mp4|Sunset.mov|Tram 28.mp4");
  /* one word in the name, the other in the path */
  assert_search (f->db, "builder 1", "GNOME Builder basics — part 1.mp4");
  assert_search (f->db, "talks builder", "GNOME Builder basics — part 1.mp4|"
                                         "GNOME Builder basics — part 2.mp4");
  assert_search (f->db, "lisbon sunset", "Sunset.mov");
  /* accents and case, both ways */
  assert_search (f->db, "cafe", "Cafe del Mar.mkv|CAFÉ NOIR.webm|Café.mp4|See.mp4");
  assert_search (f->db, "CAFÉ", "Cafe del Mar.mkv|CAFÉ NOIR.webm|Café.mp4|See.mp4");
  assert_search (f->db, "café noir", "CAFÉ NOIR.webm");
  assert_search (f->db, "zurich see", "See.mp4");
  assert_search (f->db, "ZÜRICH", "See.mp4");
  /* Chinese: a substring of the name, or the folder */
  assert_search (f->db, "长城", "长城之旅.mp4");
  assert_search (f->db, "北京", "长城之旅.mp4");
  assert_search (f->db, "fotos", "clip.mp4");
  /* a word found nowhere, beside one found */
  assert_search (f->db, "lisbon xyzzy", "");
  assert_search (f->db, "xyzzy", "");
  /* the root's own path matches nothing ("/home/ana/Videos") */
  assert_search (f->db, "videos", "");
  assert_search (f->db, "ana", "");
  assert_search (f->db, "home", "");
  /* nothing but white space is no search */
  {
    g_autofree char *blank = search_names (f->db, NULL, " \t ");
    g_autofree char *none = search_names (f->db, NULL, NULL);

    g_assert_cmpuint (strlen (none), >, 0);
    g_assert_cmpstr (blank, ==, none);
  }
  /* with a folder */
  {
    g_autofree char *found = search_names (f->db, LISBON, "beach");

    g_assert_cmpstr (found, ==, "IMG_0001.mp4|Sunset.mov");
    g_clear_pointer (&found, g_free);
    found = search_names (f->db, ROOT "/Talks", "beach");
    g_assert_cmpstr (found, ==, "");
  }

  /* Only the first 16 words count: a 17th that matches nothing changes nothing, a 16th
   * does. */
  assert_search (f->db, "gnome builder basics part 1 mp4 talks g n o m e b u i l xyzzy",
                 "GNOME Builder basics — part 1.mp4");
  assert_search (f->db, "gnome builder basics part 1 mp4 talks g n o m e b u i xyzzy", "");
  /* a pasted paragraph makes a statement of 16 terms, not of 20,000 */
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (paragraph, "word%u ", i);
  assert_search (f->db, paragraph->str, "");

  /* A renamed folder is found by its new name. */
  {
    gboolean moved = FALSE;

    g_assert_true (vs_database_move (f->db, ROOT "/Talks", ROOT "/Conferences", &moved, NULL,
                                     &error));
    g_assert_no_error (error);
    g_assert_true (moved);
    assert_search (f->db, "talks", "");
    assert_search (f->db, "conferences 2", "GNOME Builder basics — part 2.mp4");
  }
}

/* Text that is not UTF-8 is refused with a clear error, by both queries. */
static void
test_query_bad_utf8 (Fixture       *f,
                     gconstpointer  data)
{
  VsVideoQuery q = { .search = "caf\xe9 beach" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) count_error = NULL;
  g_autoptr(GArray) ids = NULL;

  ids = vs_database_query_ids (f->db, &q, &error);
  g_assert_null (ids);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "UTF-8"));
  g_assert_cmpint (vs_database_count_videos (f->db, &q, &count_error), ==, -1);
  g_assert_error (count_error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* The keys themselves: accents go, a script's own marks stay, the sort fold keeps both. */
static void
test_fold (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "Café", "cafe" },
    { "CAFÉ", "cafe" },
    { "cafe\xcc\x81", "cafe" },         /* decomposed already */
    { "Zürich", "zurich" },
    { "İstanbul", "istanbul" },
    { "Straße", "strasse" },
    { "ﬁlm Ａ", "film a" },              /* compatibility forms */
    { "Ελλάδα", "ελλαδα" },
    { "Москва́", "москва" },
    { "北京", "北京" },
    { "한국", "한국" },                   /* composed again */
    { "กิน", "กิน" },                    /* a Thai vowel is spelling, not an accent */
    { "ガイド", "ガイド" },                 /* and so is kana's voicing mark */
    { "ｶﾞｲﾄﾞ", "ガイド" },                  /* half-width: composed */
    { "plain ASCII 01", "plain ascii 01" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = vs_database_fold_name (cases[i].in);

      g_assert_cmpstr (folded, ==, cases[i].out);
    }
  /* sort keys are what they were: accents sort after their letter */
  {
    g_autofree char *plain = vs_database_sort_key ("Cafe");
    g_autofree char *accented = vs_database_sort_key ("Café");
    g_autofree char *next = vs_database_sort_key ("Cafg");
    g_autofree char *clip9 = vs_database_sort_key ("Clip 9");
    g_autofree char *clip10 = vs_database_sort_key ("Clip 10");

    g_assert_cmpstr (plain, <, accented);
    g_assert_cmpstr (accented, <, next);
    g_assert_cmpstr (accented, ==, "cafe\xcc\x81");
    g_assert_cmpstr (clip9, <, clip10);
  }
  {
    g_autofree char *below = _vs_database_fold_folder_path (ROOT "/2023 Lisbon/Beach", ROOT);
    g_autofree char *root = _vs_database_fold_folder_path (ROOT, ROOT);
    g_autofree char *sibling = _vs_database_fold_folder_path (ROOT "2/Beach", ROOT);
    g_autofree char *top = _vs_database_fold_folder_path ("/Beach/Été", "/");
    g_autofree char *slashed = _vs_database_fold_folder_path ("/a/b/C", "/a/b/");
    g_autofree char *slashed_root = _vs_database_fold_folder_path ("/a/b", "/a/b/");

    g_assert_cmpstr (below, ==, "2023 lisbon/beach");
    g_assert_cmpstr (root, ==, "");
    g_assert_cmpstr (sibling, ==, "");
    g_assert_cmpstr (top, ==, "beach/ete");
    g_assert_cmpstr (slashed, ==, "c");
    g_assert_cmpstr (slashed_root, ==, "");
  }
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

/* The watched state of one video through its record: a page read carries it. */
static VsVideoRecord *
watched_record (VsDatabase *db,
                const char *path)
{
  g_autoptr(GError) error = NULL;
  VsVideoRecord *record = vs_database_lookup_video (db, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

/* A play to within its last 5 % (or to the end) is watched and counted; an earlier stop
 * only stamps it and stores the position; marking sets the flag and forgets the position
 * but keeps the count; the record of a page read carries all of it. */
static void
test_watched_record_play (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) r = NULL;
  VsWatchedState state = { .watched = TRUE, .play_count = 9 };
  gint64 folder = add_folder (f->db, "/lib", &error);
  gint64 before = g_get_real_time () * 1000;

  add_video (f->db, folder, "/lib/a.mp4", 10, 1, 100000);
  g_assert_true (vs_database_get_watched (f->db, "/lib/a.mp4", &state, &error));
  g_assert_no_error (error);
  g_assert_false (state.watched);
  g_assert_cmpuint (state.play_count, ==, 0);
  g_assert_cmpint (state.last_played_ns, ==, 0);

  /* stopped at half: in progress, not watched */
  g_assert_true (vs_database_record_play (f->db, "/lib/a.mp4", 50000, 100000, &error));
  g_assert_no_error (error);
  g_assert_true (vs_database_get_watched (f->db, "/lib/a.mp4", &state, &error));
  g_assert_false (state.watched);
  g_assert_cmpuint (state.play_count, ==, 0);
  g_assert_cmpint (state.last_played_ns, >=, before);
  g_assert_cmpint (vs_database_get_position (f->db, "/lib/a.mp4", &error), ==, 50000);
  r = watched_record (f->db, "/lib/a.mp4");
  g_assert_false (r->watched);
  g_assert_cmpint (r->position_ms, ==, 50000);
  g_assert_cmpint (r->last_played_ns, ==, state.last_played_ns);
  g_clear_pointer (&r, vs_video_record_free);

  /* 94 % is not the end; 95 % is, though more than VS_PLAYBACK_END_MARGIN_MS from it */
  g_assert_true (vs_database_record_play (f->db, "/lib/a.mp4", 94000, 100000, &error));
  g_assert_true (vs_database_get_watched (f->db, "/lib/a.mp4", &state, &error));
  g_assert_false (state.watched);
  g_assert_cmpint (vs_database_get_position (f->db, "/lib/a.mp4", &error), ==, 94000);
  g_assert_true (vs_database_record_play (f->db, "/lib/a.mp4", 95000, 100000, &error));
  g_assert_no_error (error);
  g_assert_true (vs_database_get_watched (f->db, "/lib/a.mp4", &state, &error));
  g_assert_true (state.watched);
  g_assert_cmpuint (state.play_count, ==, 1);
  g_assert_cmpint (vs_database_get_position (f->db, "/lib/a.mp4", &error), ==, 0);

  /* to the end of a stream of unknown duration (position passed as both), then a stop
   * early in a second viewing: still watched, counted twice, in progress again */
  g_assert_true (vs_database_record_play (f->db, "/lib/a.mp4", 100000, 100000, &error));
  g_assert_true (vs_database_record_play (f->db, "/lib/a.mp4", 20000, -1, &error));
  g_assert_no_error (error);
  r = watched_record (f->db, "/lib/a.mp4");
  g_assert_true (r->watched);
  g_assert_cmpuint (r->play_count, ==, 2);
  g_assert_cmpint (r->position_ms, ==, 20000);
  g_clear_pointer (&r, vs_video_record_free);

  /* unwatched: the flag and the position go, the history stays */
  g_assert_true (vs_database_mark_watched (f->db, "/lib/a.mp4", FALSE, &error));
  g_assert_no_error (error);
  r = watched_record (f->db, "/lib/a.mp4");
  g_assert_false (r->watched);
  g_assert_cmpuint (r->play_count, ==, 2);
  g_assert_cmpint (r->last_played_ns, >=, before);
  g_assert_cmpint (r->position_ms, ==, 0);
  g_clear_pointer (&r, vs_video_record_free);

  /* marked without a play: watched, never played; a path outside the library too */
  add_video (f->db, folder, "/lib/b.mp4", 10, 1, 100000);
  g_assert_true (vs_database_mark_watched (f->db, "/lib/b.mp4", TRUE, &error));
  g_assert_true (vs_database_mark_watched (f->db, "/elsewhere/c\xe9.mp4", TRUE, &error));
  g_assert_no_error (error);
  r = watched_record (f->db, "/lib/b.mp4");
  g_assert_true (r->watched);
  g_assert_cmpuint (r->play_count, ==, 0);
  g_assert_cmpint (r->last_played_ns, ==, 0);
  g_assert_true (vs_database_get_watched (f->db, "/elsewhere/c\xe9.mp4", &state, &error));
  g_assert_true (state.watched);
  g_assert_true (vs_database_get_watched (f->db, "/elsewhere/c", &state, &error));
  g_assert_false (state.watched);

  /* the boundary itself */
  g_assert_false (vs_playback_is_watched (94999, 100000));
  g_assert_true (vs_playback_is_watched (95000, 100000));
  g_assert_false (vs_playback_is_watched (5000, -1));
  g_assert_true (vs_playback_is_watched (5000, 5000));
}

/* A selection is marked by pages of ids: every id of several pages, none other, and the
 * positions of those marked are forgotten. */
static void
test_watched_ids (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) all = NULL;
  g_autoptr(GPtrArray) records = NULL;
  VsVideoQuery q = { 0 };
  gint64 folder = add_folder (f->db, "/lib", &error);
  guint n = VS_WATCHED_IDS_PAGE * 2 + 7;

  g_assert_true (vs_database_begin (f->db, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/lib/%04u.mp4", i);
      gint64 id = add_video (f->db, folder, path, 10, 1, 100000);

      /* every other one, and one more than the pages hold of those */
      if (i % 2 == 0)
        g_array_append_val (ids, id);
      g_assert_true (vs_database_set_position (f->db, path, 40000, 100000, &error));
    }
  g_assert_true (vs_database_commit (f->db, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, >, VS_WATCHED_IDS_PAGE);

  g_assert_true (vs_database_mark_watched_ids (f->db, (const gint64 *) (gpointer) ids->data,
                                               ids->len, TRUE, &error));
  g_assert_no_error (error);
  q.sort = VS_SORT_NAME;
  all = vs_database_query_ids (f->db, &q, &error);
  records = vs_database_load_videos (f->db, (const gint64 *) (gpointer) all->data, all->len,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, n);
  for (guint i = 0; i < records->len; i++)
    {
      VsVideoRecord *r = g_ptr_array_index (records, i);

      g_assert_cmpint (r->watched, ==, i % 2 == 0);
      g_assert_cmpint (r->position_ms, ==, i % 2 == 0 ? 0 : 40000);
    }
  g_assert_cmpint (count_rows (f->path, "watched"), ==, ids->len);

  /* and back: the same rows, unwatched */
  g_assert_true (vs_database_mark_watched_ids (f->db, (const gint64 *) (gpointer) ids->data,
                                               ids->len, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f->path, "watched"), ==, ids->len);
  g_assert_cmpint (count_rows (f->path, "watched WHERE watched = 1"), ==, 0);
  /* nothing to do, and ids no longer indexed: nothing happens */
  g_assert_true (vs_database_mark_watched_ids (f->db, NULL, 0, TRUE, &error));
  {
    gint64 gone[] = { 999999 };

    g_assert_true (vs_database_mark_watched_ids (f->db, gone, 1, TRUE, &error));
  }
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f->path, "watched WHERE watched = 1"), ==, 0);
}

/* A rename (of a video, or of a folder with videos in it) keeps each video's watched
 * state, count and last play under its new path, and a stale state under the new name
 * gives way. */
static void
test_watched_rename (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) r = NULL;
  VsWatchedState state;
  VsWatchedState before;
  gint64 folder = add_folder (f->db, "/lib", &error);
  gint64 sub = vs_database_ensure_folder (f->db, 1, folder, "/lib/sub", &error);
  gboolean moved = FALSE;

  g_assert_no_error (error);
  add_video (f->db, folder, "/lib/a.mp4", 10, 1, 100000);
  add_video (f->db, sub, "/lib/sub/b.mp4", 10, 1, 100000);
  g_assert_true (vs_database_record_play (f->db, "/lib/a.mp4", 99000, 100000, &error));
  g_assert_true (vs_database_record_play (f->db, "/lib/sub/b.mp4", 98000, 100000, &error));
  g_assert_true (vs_database_record_play (f->db, "/lib/sub/b.mp4", 30000, 100000, &error));
  /* a stale state where a renamed file lands */
  g_assert_true (vs_database_mark_watched (f->db, "/lib/z.mp4", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (vs_database_get_watched (f->db, "/lib/a.mp4", &before, &error));

  g_assert_true (vs_database_rename (f->db, "/lib/a.mp4", "/lib/z.mp4", &moved, NULL, NULL,
                                     &error));
  g_assert_no_error (error);
  g_assert_true (moved);
  g_assert_true (vs_database_get_watched (f->db, "/lib/z.mp4", &state, &error));
  g_assert_true (state.watched);
  g_assert_cmpuint (state.play_count, ==, 1);
  g_assert_cmpint (state.last_played_ns, ==, before.last_played_ns);
  g_assert_true (vs_database_get_watched (f->db, "/lib/a.mp4", &state, &error));
  g_assert_false (state.watched);
  g_assert_cmpint (state.last_played_ns, ==, 0);

  g_assert_true (vs_database_rename (f->db, "/lib/sub", "/lib/moved", &moved, NULL, NULL,
                                     &error));
  g_assert_no_error (error);
  g_assert_true (moved);
  r = watched_record (f->db, "/lib/moved/b.mp4");
  g_assert_true (r->watched);
  g_assert_cmpuint (r->play_count, ==, 1);
  g_assert_cmpint (r->position_ms, ==, 30000);
  g_assert_cmpint (count_rows (f->path, "watched"), ==, 2);
}

/* A version-10 library (before watched states) upgrades with its rows and positions
 * intact; its videos read as unwatched, those with a position as in progress. */
static void
test_migrate_watched (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(VsDatabase) old = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) a = NULL;
  g_autoptr(VsVideoRecord) b = NULL;
  g_autoptr(GPtrArray) records = NULL;
  VsWatchedState state;

  old = _vs_database_open_at_version (path, _VS_DATABASE_WATCHED_SCHEMA - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (old), ==, 10);
  g_clear_object (&old);
  raw_exec (path,
            "INSERT INTO roots (id, path) VALUES (1, CAST('/lib' AS BLOB));"
            "INSERT INTO folders (id, root_id, path) VALUES (1, 1, CAST('/lib' AS BLOB));"
            "INSERT INTO videos (id, folder_id, path, uri, display_name, sort_name, sort_key, "
            "  kind, size, mtime_ns, duration_ms, probe_state, thumb_state) VALUES "
            "(7, 1, CAST('/lib/a.mp4' AS BLOB), 'file:///lib/a.mp4', 'a.mp4', 'a.mp4', 'a', 0, "
            "  10, 5, 60000, 1, 1),"
            "(8, 1, CAST('/lib/b.mp4' AS BLOB), 'file:///lib/b.mp4', 'b.mp4', 'b.mp4', 'b', 0, "
            "  20, 6, 90000, 1, 1);"
            "INSERT INTO playback (path, position_ms, updated_ns) VALUES "
            "(CAST('/lib/a.mp4' AS BLOB), 30000, 1);");

  /* as it is, read-only media style: readable, nothing watched */
  old = _vs_database_open_at_version (path, 10, &error);
  g_assert_no_error (error);
  {
    gint64 ids[] = { 7 };

    records = vs_database_load_videos (old, ids, 1, &error);
    g_assert_no_error (error);
    g_assert_false (((VsVideoRecord *) g_ptr_array_index (records, 0))->watched);
    g_assert_true (vs_database_get_watched (old, "/lib/a.mp4", &state, &error));
    g_assert_no_error (error);
    g_assert_false (state.watched);
  }
  g_clear_object (&old);

  db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (db), ==, VS_DATABASE_SCHEMA_VERSION);
  a = watched_record (db, "/lib/a.mp4");
  b = watched_record (db, "/lib/b.mp4");
  g_assert_cmpint (a->id, ==, 7);
  g_assert_cmpint (b->id, ==, 8);
  g_assert_cmpint (a->duration_ms, ==, 60000);
  g_assert_cmpint (b->size, ==, 20);
  g_assert_false (a->watched);
  g_assert_cmpint (a->position_ms, ==, 30000);
  g_assert_cmpint (b->position_ms, ==, 0);
  g_assert_cmpint (vs_database_get_position (db, "/lib/a.mp4", &error), ==, 30000);
  /* the last-played order's key, filled from the position by the migration */
  {
    VsVideoQuery by_played = { .sort = VS_SORT_LAST_PLAYED, .descending = TRUE };
    g_autoptr(GArray) order = vs_database_query_ids (db, &by_played, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (order->len, ==, 2);
    g_assert_cmpint (g_array_index (order, gint64, 0), ==, 7);
  }
  /* and it keeps watched states from now on */
  g_assert_true (vs_database_record_play (db, "/lib/b.mp4", 90000, 90000, &error));
  g_assert_no_error (error);
  g_clear_pointer (&b, vs_video_record_free);
  b = watched_record (db, "/lib/b.mp4");
  g_assert_true (b->watched);
  g_assert_cmpuint (b->play_count, ==, 1);

  g_clear_object (&db);
  vs_test_rm_rf (dir);
}

/* A version-12 library gains when each video was added (its creation time, else its
 * mtime) and an empty collections table; a new row is stamped with the time it was first
 * saved, and keeps that stamp when the file changes and is saved again. */
static void
test_migrate_added (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(VsDatabase) old = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a_added = NULL, *b_added = NULL, *c_added = NULL, *c_again = NULL;
  gint64 before, after, c_ns, folder;

  old = _vs_database_open_at_version (path, _VS_DATABASE_COLLECTIONS_SCHEMA - 1, &error);
  g_assert_no_error (error);
  g_clear_object (&old);
  raw_exec (path,
            "INSERT INTO roots (id, path) VALUES (1, CAST('/lib' AS BLOB));"
            "INSERT INTO folders (id, root_id, path) VALUES (1, 1, CAST('/lib' AS BLOB));"
            "INSERT INTO videos (id, folder_id, path, uri, display_name, sort_name, sort_key, "
            "  kind, size, mtime_ns, btime_ns, duration_ms, probe_state, thumb_state) VALUES "
            "(7, 1, CAST('/lib/a.mp4' AS BLOB), 'file:///lib/a.mp4', 'a.mp4', 'a.mp4', 'a', 0, "
            "  10, 5000, 4000, 60000, 1, 1),"
            "(8, 1, CAST('/lib/b.mp4' AS BLOB), 'file:///lib/b.mp4', 'b.mp4', 'b.mp4', 'b', 0, "
            "  20, 6000, NULL, 90000, 1, 1);");

  db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (db), ==, VS_DATABASE_SCHEMA_VERSION);
  a_added = raw_query_text (path, "SELECT added_ns FROM videos WHERE id = 7");
  b_added = raw_query_text (path, "SELECT added_ns FROM videos WHERE id = 8");
  g_assert_cmpstr (a_added, ==, "4000");
  g_assert_cmpstr (b_added, ==, "6000");
  g_assert_cmpint (count_rows (path, "collections"), ==, 0);

  folder = add_folder (db, "/lib", &error);
  before = g_get_real_time () * 1000;
  add_video (db, folder, "/lib/c.mp4", 30, 7000, 1000);
  after = g_get_real_time () * 1000;
  c_added = raw_query_text (path, "SELECT added_ns FROM videos "
                                  "WHERE path = CAST('/lib/c.mp4' AS BLOB)");
  c_ns = g_ascii_strtoll (c_added, NULL, 10);
  g_assert_cmpint (c_ns, >=, before);
  g_assert_cmpint (c_ns, <=, after);
  g_usleep (2000);
  add_video (db, folder, "/lib/c.mp4", 31, 8000, 1000);
  c_again = raw_query_text (path, "SELECT added_ns FROM videos "
                                  "WHERE path = CAST('/lib/c.mp4' AS BLOB)");
  g_assert_cmpstr (c_again, ==, c_added);

  g_clear_object (&db);
  vs_test_rm_rf (dir);
}

/* The names of the collections in their order, joined by "|". */
static char *
collection_names (VsDatabase *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = vs_database_list_collections (db, &error);
  g_autoptr(GString) names = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      VsCollection *c = g_ptr_array_index (list, i);

      g_string_append_printf (names, "%s%s", i > 0 ? "|" : "", c->name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static char *
hd_query_text (const char *search)
{
  VsVideoQuery query = { 0 };

  query.min_height = 1080;
  query.video_codec = "h264";
  query.search = search;
  query.sort = VS_SORT_SIZE;
  query.descending = TRUE;
  return vs_video_query_to_string (&query);
}

static void
test_collections_crud (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hd_query_text ("beach");
  g_autoptr(GPtrArray) list = NULL;
  g_autofree VsVideoQuery *back = NULL;
  g_autofree char *names = NULL;
  VsCollection *first;
  gint64 a, b, c, twin;

  g_assert_cmpuint ((list = vs_database_list_collections (f->db, &error))->len, ==, 0);
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);

  a = vs_database_add_collection (f->db, "  HD beach \n", text, &error);
  g_assert_no_error (error);
  b = vs_database_add_collection (f->db, "Short", "{}", &error);
  g_assert_no_error (error);
  c = vs_database_add_collection (f->db, "北京 · 旅行", text, &error);
  g_assert_no_error (error);
  /* names need not be unique: the second one is another collection */
  twin = vs_database_add_collection (f->db, "Short", text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a, >, 0);
  g_assert_cmpint (b, >, a);
  g_assert_cmpint (c, >, b);
  g_assert_cmpint (twin, >, c);

  list = vs_database_list_collections (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  first = g_ptr_array_index (list, 0);
  g_assert_cmpint (first->id, ==, a);
  g_assert_cmpstr (first->name, ==, "HD beach");
  g_assert_cmpstr (first->query, ==, text);
  /* the stored text gives the query back */
  back = vs_video_query_new_from_string (first->query, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->min_height, ==, 1080);
  g_assert_cmpstr (back->video_codec, ==, "h264");
  g_assert_cmpstr (back->search, ==, "beach");
  g_assert_cmpint (back->sort, ==, VS_SORT_SIZE);
  g_assert_true (back->descending);
  {
    g_autoptr(VsCollection) copy = vs_collection_copy (first);

    g_assert_cmpint (copy->id, ==, a);
    g_assert_cmpstr (copy->name, ==, "HD beach");
    g_assert_true (copy->name != first->name);
  }

  g_assert_true (vs_database_rename_collection (f->db, b, " Short ones ", &error));
  g_assert_no_error (error);
  g_assert_true (vs_database_remove_collection (f->db, c, &error));
  g_assert_no_error (error);
  names = collection_names (f->db);
  g_assert_cmpstr (names, ==, "HD beach|Short ones|Short");
  g_clear_pointer (&names, g_free);

  /* moves: to the front, past the end (last), back into the middle */
  g_assert_true (vs_database_move_collection (f->db, twin, 0, &error));
  g_assert_no_error (error);
  names = collection_names (f->db);
  g_assert_cmpstr (names, ==, "Short|HD beach|Short ones");
  g_clear_pointer (&names, g_free);
  g_assert_true (vs_database_move_collection (f->db, twin, 99, &error));
  names = collection_names (f->db);
  g_assert_cmpstr (names, ==, "HD beach|Short ones|Short");
  g_clear_pointer (&names, g_free);
  g_assert_true (vs_database_move_collection (f->db, twin, 1, &error));
  names = collection_names (f->db);
  g_assert_cmpstr (names, ==, "HD beach|Short|Short ones");
  g_clear_pointer (&names, g_free);
  /* a new one goes last, after the moved ones */
  g_assert_cmpint (vs_database_add_collection (f->db, "Last", "{}", &error), >, twin);
  names = collection_names (f->db);
  g_assert_cmpstr (names, ==, "HD beach|Short|Short ones|Last");
  g_clear_pointer (&names, g_free);

  /* ids that are not there */
  g_assert_false (vs_database_rename_collection (f->db, c, "Gone", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vs_database_remove_collection (f->db, c, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vs_database_move_collection (f->db, c, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  names = collection_names (f->db);
  g_assert_cmpstr (names, ==, "HD beach|Short|Short ones|Last");
}

static void
test_collections_refuse (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hd_query_text (NULL);
  g_autofree char *long_name = NULL;
  g_autofree char *longest = NULL;
  g_autofree char *names = NULL;
  g_autoptr(GString) wide = g_string_new (NULL);
  const char *bad_names[] = { "", "   ", "\t\n", "bad\xff" };
  const char *bad_queries[] = { "", "not a variant", "{'sort': <'nonsense'>}",
                                "{'min-height': <-5>}", "[1, 2]" };
  gint64 id;

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_assert_cmpint (vs_database_add_collection (f->db, bad_names[i], text, &error), ==, 0);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  /* 200 characters (not bytes) is the most; 201 is refused */
  for (guint i = 0; i < VS_COLLECTION_NAME_MAX; i++)
    g_string_append (wide, "é");
  longest = g_strdup (wide->str);
  g_string_append (wide, "x");
  long_name = g_strdup (wide->str);
  g_assert_cmpint (vs_database_add_collection (f->db, long_name, text, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad_queries); i++)
    {
      g_assert_cmpint (vs_database_add_collection (f->db, "Name", bad_queries[i], &error), ==, 0);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
  g_assert_cmpint (count_rows (f->path, "collections"), ==, 0);

  id = vs_database_add_collection (f->db, longest, text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  /* a bad rename leaves the name */
  g_assert_false (vs_database_rename_collection (f->db, id, "  ", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vs_database_rename_collection (f->db, id, long_name, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  names = collection_names (f->db);
  g_assert_cmpstr (names, ==, longest);
}

/* A library older than collections, read as it is (read-only), has none; nothing can be
 * written to it. Migrated, it has the table, empty. */
static void
test_collections_legacy (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(VsDatabase) old = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gint64 id;

  old = _vs_database_open_at_version (path, _VS_DATABASE_COLLECTIONS_SCHEMA - 1, &error);
  g_assert_no_error (error);
  list = vs_database_list_collections (old, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_cmpint (vs_database_add_collection (old, "Old", "{}", &error), ==, 0);
  g_assert_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (vs_database_remove_collection (old, 1, &error));
  g_assert_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_clear_object (&old);

  db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  list = vs_database_list_collections (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  id = vs_database_add_collection (db, "New", "{}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_clear_object (&db);
  vs_test_rm_rf (dir);
}

/* A version-14 library shares nothing, and gains roots.share_previews, off for the roots
 * already there (the standard: a shared repository only on the user's request); sharing
 * is then set by root and listed. */
static void
test_migrate_share (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *states = NULL;
  g_autoptr(VsDatabase) old = NULL;
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) none = NULL;
  g_auto(GStrv) shared = NULL;
  g_auto(GStrv) after_off = NULL;

  old = _vs_database_open_at_version (path, _VS_DATABASE_SHARE_SCHEMA - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (old), ==, 14);
  none = vs_database_dup_shared_roots (old, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_clear_object (&old);
  raw_exec (path,
            "INSERT INTO roots (id, path) VALUES (1, CAST('/lib' AS BLOB)), "
            "(2, CAST('/nas/films' AS BLOB));"
            "INSERT INTO folders (id, root_id, path) VALUES (1, 1, CAST('/lib' AS BLOB)), "
            "(2, 2, CAST('/nas/films' AS BLOB));"
            "INSERT INTO videos (id, folder_id, path, uri, display_name, sort_name, sort_key, "
            "  kind, size, mtime_ns, duration_ms, probe_state, thumb_state) VALUES "
            "(7, 1, CAST('/lib/a.mp4' AS BLOB), 'file:///lib/a.mp4', 'a.mp4', 'a.mp4', 'a', 0, "
            "  10, 5000, 60000, 1, 1),"
            "(8, 2, CAST('/nas/films/b.mp4' AS BLOB), 'file:///nas/films/b.mp4', 'b.mp4', "
            "  'b.mp4', 'b', 0, 20, 6000, 90000, 1, 1),"
            "(9, 2, CAST('/nas/films/c.mp4' AS BLOB), 'file:///nas/films/c.mp4', 'c.mp4', "
            "  'c.mp4', 'c', 0, 20, 6000, 90000, 1, 2);");

  db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vs_database_get_schema_version (db), ==, VS_DATABASE_SCHEMA_VERSION);
  before = raw_query_text (path, "SELECT group_concat(share_previews) FROM roots");
  g_assert_cmpstr (before, ==, "0,0");

  g_assert_true (vs_database_set_root_share_previews (db, "/nas/films", TRUE, &error));
  g_assert_no_error (error);
  shared = vs_database_dup_shared_roots (db, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (shared, ((const char * const[]) { "/nas/films", NULL }));
  /* its thumbnails made are due again, to be copied to the share; a failed one stays failed,
   * another root's are left alone */
  states = raw_query_text (path, "SELECT group_concat(thumb_state) FROM "
                                 "(SELECT thumb_state FROM videos ORDER BY id)");
  g_assert_cmpstr (states, ==, "1,0,2");
  /* a folder that is no root is refused, not silently ignored */
  g_assert_false (vs_database_set_root_share_previews (db, "/nas", TRUE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (vs_database_set_root_share_previews (db, "/nas/films", FALSE, &error));
  after_off = vs_database_dup_shared_roots (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (after_off), ==, 0);

  g_clear_object (&db);
  vs_test_rm_rf (dir);
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
  g_test_add_func ("/database/migrate/from-v9-search", test_migrate_search);
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
  g_test_add ("/database/query/words", Fixture, NULL, fixture_setup, test_query_words,
              fixture_teardown);
  g_test_add ("/database/query/bad-utf8", Fixture, NULL, fixture_setup, test_query_bad_utf8,
              fixture_teardown);
  g_test_add_func ("/database/fold", test_fold);
  g_test_add ("/database/query/vanished-rows", Fixture, NULL, fixture_setup,
              test_load_vanished, fixture_teardown);
  g_test_add ("/database/playback/positions", Fixture, NULL, fixture_setup,
              test_playback_positions, fixture_teardown);
  g_test_add ("/database/watched/record-play", Fixture, NULL, fixture_setup,
              test_watched_record_play, fixture_teardown);
  g_test_add ("/database/watched/ids", Fixture, NULL, fixture_setup, test_watched_ids,
              fixture_teardown);
  g_test_add ("/database/watched/rename", Fixture, NULL, fixture_setup, test_watched_rename,
              fixture_teardown);
  g_test_add_func ("/database/migrate/from-v10-watched", test_migrate_watched);
  g_test_add_func ("/database/migrate/from-v12-added", test_migrate_added);
  g_test_add_func ("/database/migrate/from-v14-share", test_migrate_share);
  g_test_add ("/database/collections/crud", Fixture, NULL, fixture_setup,
              test_collections_crud, fixture_teardown);
  g_test_add ("/database/collections/refuse", Fixture, NULL, fixture_setup,
              test_collections_refuse, fixture_teardown);
  g_test_add_func ("/database/collections/legacy", test_collections_legacy);

  return g_test_run ();
}
