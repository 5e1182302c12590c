/* vs-database.c: connection, schema migrations, transactions, roots and folders */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "vs-database-private.h"
#include "vs-path.h"

/* "VSHF": tells our libraries apart from other SQLite files. */
#define VS_APPLICATION_ID 0x56534846

struct _VsDatabaseClass { GObjectClass parent_class; };

G_DEFINE_FINAL_TYPE (VsDatabase, vs_database, G_TYPE_OBJECT)
G_DEFINE_QUARK (vs-database-error-quark, vs_database_error)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Forward-only: migrations[i] takes a library from version i to i + 1. Never edit one
 * that has shipped; append a new one instead. */
static const char * const migrations[] = {
  /* 0 → 1: roots, folders, videos */
  "CREATE TABLE roots ("
  "  id INTEGER PRIMARY KEY,"
  "  path BLOB NOT NULL UNIQUE,"
  "  added_ns INTEGER NOT NULL DEFAULT 0,"
  "  scanned_ns INTEGER);"
  "CREATE TABLE folders ("
  "  id INTEGER PRIMARY KEY,"
  "  root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,"
  "  parent_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,"
  "  path BLOB NOT NULL UNIQUE);"
  "CREATE INDEX folders_root ON folders(root_id);"
  "CREATE INDEX folders_parent ON folders(parent_id);"
  "CREATE TABLE videos ("
  "  id INTEGER PRIMARY KEY,"
  "  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,"
  "  path BLOB NOT NULL UNIQUE,"
  "  uri TEXT NOT NULL,"
  "  display_name TEXT NOT NULL,"
  "  sort_name TEXT NOT NULL,"
  "  kind INTEGER NOT NULL DEFAULT 0,"
  "  size INTEGER NOT NULL,"
  "  mtime_ns INTEGER NOT NULL,"
  "  btime_ns INTEGER,"
  "  duration_ms INTEGER);"
  "CREATE INDEX videos_folder ON videos(folder_id);",

  /* 1 → 2: media facts and the sort keys' indices */
  "ALTER TABLE videos ADD COLUMN width INTEGER;"
  "ALTER TABLE videos ADD COLUMN height INTEGER;"
  "ALTER TABLE videos ADD COLUMN video_codec TEXT;"
  "ALTER TABLE videos ADD COLUMN audio_codec TEXT;"
  "ALTER TABLE videos ADD COLUMN container TEXT;"
  "ALTER TABLE videos ADD COLUMN has_video INTEGER;"
  "ALTER TABLE videos ADD COLUMN probe_state INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE videos ADD COLUMN thumb_state INTEGER NOT NULL DEFAULT 0;"
  "UPDATE videos SET probe_state = 1 WHERE kind = 1 AND duration_ms IS NOT NULL;"
  "CREATE INDEX videos_sort_name ON videos(sort_name);"
  "CREATE INDEX videos_mtime ON videos(mtime_ns);"
  "CREATE INDEX videos_size ON videos(size);"
  "CREATE INDEX videos_duration ON videos(duration_ms);",

  /* 2 → 3: natural name order ("Clip 2" before "Clip 10"); sort_name stays for search */
  "ALTER TABLE videos ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';"
  "UPDATE videos SET sort_key = vs_sort_key(display_name);"
  "DROP INDEX IF EXISTS videos_sort_key;"
  "CREATE INDEX videos_sort_key ON videos(sort_key);",

  /* 3 → 4: the work still to do, so finding it costs what is pending, not the library */
  "CREATE INDEX videos_pending_probe ON videos(id) WHERE probe_state = 0 AND kind = 0;"
  "CREATE INDEX videos_pending_thumb ON videos(id) WHERE thumb_state = 0;",

  /* 4 → 5: nothing reads sort_name through an index since 3 (search scans it with instr):
   * keeping one cost every insert a B-tree update (a fifth of a first scan) */
  "DROP INDEX IF EXISTS videos_sort_name;",

  /* 5 → 6: a root that vanished (unmounted, deleted) keeps its rows, marked unavailable
   * since then; NULL while it is there */
  "ALTER TABLE roots ADD COLUMN unavailable_ns INTEGER;",

  /* 6 → 7: where each video was left, keyed by path so files played from outside the
   * library (vidshelf FILE) are remembered too */
  "CREATE TABLE playback ("
  "  path BLOB PRIMARY KEY,"
  "  position_ms INTEGER NOT NULL,"
  "  updated_ns INTEGER NOT NULL);"
  "CREATE INDEX playback_updated ON playback(updated_ns);",

  /* 7 → 8: the device each root was last scanned on and whether it was a mount point
   * there, so an unmounted one (an empty folder on its parent's device) is told from an
   * emptied one; NULL until the next scan */
  "ALTER TABLE roots ADD COLUMN dev INTEGER;"
  "ALTER TABLE roots ADD COLUMN mount_point INTEGER;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == VS_DATABASE_SCHEMA_VERSION);

/* The list queries' sort indices and the pending-work ones. A bulk load drops them and builds each once at the end,
 * several times cheaper than keeping four B-trees sorted row by row. Every writer open
 * re-creates any that are missing, so a bulk load killed half-way heals on next start. */
static const char sort_indices_sql[] =
  "CREATE INDEX IF NOT EXISTS videos_sort_key ON videos(sort_key);"
  "CREATE INDEX IF NOT EXISTS videos_mtime ON videos(mtime_ns);"
  "CREATE INDEX IF NOT EXISTS videos_size ON videos(size);"
  "CREATE INDEX IF NOT EXISTS videos_duration ON videos(duration_ms);"
  "CREATE INDEX IF NOT EXISTS videos_pending_probe ON videos(id) WHERE probe_state = 0 AND kind = 0;"
  "CREATE INDEX IF NOT EXISTS videos_pending_thumb ON videos(id) WHERE thumb_state = 0;";
static const char drop_sort_indices_sql[] =
  "DROP INDEX IF EXISTS videos_sort_key;"
  "DROP INDEX IF EXISTS videos_mtime;"
  "DROP INDEX IF EXISTS videos_size;"
  "DROP INDEX IF EXISTS videos_duration;"
  "DROP INDEX IF EXISTS videos_pending_probe;"
  "DROP INDEX IF EXISTS videos_pending_thumb;";

/* Below this many rows, rebuilding the indices after a load costs less than a few
 * thousand random index inserts. */
#define BULK_MAX_EXISTING_ROWS 10000

char *
vs_database_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "vidshelf", "library.db", NULL);
}

char *
vs_database_fold_name (const char *utf8)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (utf8 != NULL, NULL);

  /* Most names are ASCII, where folding is lower-casing and normalising changes nothing. */
  for (const char *p = utf8; ; p++)
    {
      if (*p == '\0')
        return g_ascii_strdown (utf8, -1);
      if ((guchar) *p >= 0x80)
        break;
    }

  folded = g_utf8_casefold (utf8, -1);
  return g_utf8_normalize (folded, -1, G_NORMALIZE_ALL);
}

/* Digit runs become their length (two digits) and their value without leading zeros, so
 * byte order is numeric order: "7" → "017", "10" → "0210". */
char *
_vs_database_sort_key_from_folded (const char *folded)
{
  GString *key = g_string_sized_new (strlen (folded) + 8);
  const char *p;

  for (p = folded; *p != '\0';)
    {
      const char *start, *end;
      gsize len;

      if (!g_ascii_isdigit (*p))
        {
          g_string_append_c (key, *p++);
          continue;
        }
      for (start = p; *start == '0' && g_ascii_isdigit (start[1]); start++)
        ;
      for (end = start; g_ascii_isdigit (*end); end++)
        ;
      len = MIN ((gsize) (end - start), 99);
      g_string_append_c (key, (char) ('0' + len / 10));
      g_string_append_c (key, (char) ('0' + len % 10));
      g_string_append_len (key, start, end - start);
      p = end;
    }
  return g_string_free (key, FALSE);
}

char *
vs_database_sort_key (const char *utf8)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (utf8 != NULL, NULL);

  folded = vs_database_fold_name (utf8);
  return _vs_database_sort_key_from_folded (folded);
}

static void
sql_sort_key (sqlite3_context  *context,
              int               argc,
              sqlite3_value   **argv)
{
  const unsigned char *text = sqlite3_value_text (argv[0]);

  if (text == NULL)
    sqlite3_result_null (context);
  else
    sqlite3_result_text (context, vs_database_sort_key ((const char *) text), -1, g_free);
}

gboolean
_vs_database_set_error (VsDatabase  *self,
                        GError     **error,
                        int          rc,
                        const char  *doing)
{
  g_autofree char *name = g_filename_display_name (self->path);
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  VsDatabaseError code;
  const char *what;

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
      code = VS_DATABASE_ERROR_CORRUPT;
      what = "is damaged";
      break;
    case SQLITE_NOTADB:
      code = VS_DATABASE_ERROR_NOT_A_DATABASE;
      what = "is not a library database";
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      code = VS_DATABASE_ERROR_READ_ONLY;
      what = "cannot be written";
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = VS_DATABASE_ERROR_BUSY;
      what = "is in use by another program";
      break;
    case SQLITE_FULL:
      code = VS_DATABASE_ERROR_FULL;
      what = "cannot grow: the disk is full";
      break;
    case SQLITE_CANTOPEN:
      code = VS_DATABASE_ERROR_FAILED;
      what = "cannot be opened";
      break;
    default:
      code = VS_DATABASE_ERROR_FAILED;
      what = "failed";
      break;
    }

  g_set_error (error, VS_DATABASE_ERROR, code,
               "Library database “%s” %s (%s: %s)", name, what, doing, detail);
  return FALSE;
}

sqlite3_stmt *
_vs_database_prepare (VsDatabase  *self,
                      const char  *sql,
                      GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _vs_database_set_error (self, error, rc, "preparing a query");
      return NULL;
    }
  /* Keyed by the SQL's address: callers pass static strings or strings they intern. */
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_vs_database_exec (VsDatabase  *self,
                   const char  *sql,
                   GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _vs_database_set_error (self, error, rc, "running a statement");
  return TRUE;
}

static gboolean
query_int (VsDatabase  *self,
           const char  *sql,
           gint64      *out_value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_value = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_OK;
    }
  else if (rc == SQLITE_DONE)
    {
      *out_value = 0;
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return _vs_database_set_error (self, error, rc, "reading the schema");
  return TRUE;
}

gboolean
vs_database_begin (VsDatabase  *self,
                   GError     **error)
{
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  if (self->in_transaction++ > 0)
    return TRUE;

  /* IMMEDIATE takes the write lock now, so a busy database fails here, not mid-batch. */
  rc = sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      self->in_transaction--;
      g_rec_mutex_unlock (&self->lock);
      return _vs_database_set_error (self, error, rc, "starting a transaction");
    }
  return TRUE;
}

gboolean
vs_database_commit (VsDatabase  *self,
                    GError     **error)
{
  int rc = SQLITE_OK;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (self->in_transaction > 0, FALSE);

  if (self->in_transaction == 1)
    rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      /* Leave the transaction open: the caller rolls back. */
      return _vs_database_set_error (self, error, rc, "saving changes");
    }
  self->in_transaction--;
  g_rec_mutex_unlock (&self->lock);
  return TRUE;
}

void
vs_database_rollback (VsDatabase *self)
{
  g_return_if_fail (VS_IS_DATABASE (self));
  g_return_if_fail (self->in_transaction > 0);

  if (self->in_transaction == 1 && !sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->in_transaction--;
  g_rec_mutex_unlock (&self->lock);
}

gboolean
_vs_database_migrate (VsDatabase  *self,
                      int          version,
                      GError     **error)
{
  g_return_val_if_fail (version <= VS_DATABASE_SCHEMA_VERSION, FALSE);

  while (self->schema_version < version)
    {
      g_autofree char *bump = NULL;
      gint64 current = 0;

      if (!vs_database_begin (self, error))
        return FALSE;
      /* Another connection (another process, or the player's on first start) may have
       * migrated while this one waited for the write lock: go on from where the file is. */
      if (!query_int (self, "PRAGMA user_version", &current, error))
        {
          vs_database_rollback (self);
          return FALSE;
        }
      self->schema_version = (int) current;
      if (self->schema_version >= version)
        {
          vs_database_rollback (self);
          break;
        }
      bump = g_strdup_printf ("PRAGMA user_version = %d", self->schema_version + 1);
      if (!_vs_database_exec (self, migrations[self->schema_version], error) ||
          (self->schema_version == 0 &&
           !_vs_database_exec (self, "PRAGMA application_id = 1448298566", error)) ||
          !_vs_database_exec (self, bump, error))
        {
          vs_database_rollback (self);
          return FALSE;
        }
      if (!vs_database_commit (self, error))
        {
          vs_database_rollback (self);
          return FALSE;
        }
      g_debug ("%s: schema version %d", self->path, self->schema_version + 1);
      self->schema_version++;
    }
  return TRUE;
}

/* Reads enough of the file to know whether it is ours, without writing to it. */
static gboolean
check_identity (VsDatabase  *self,
                GError     **error)
{
  g_autofree char *name = g_filename_display_name (self->path);
  gint64 version = 0, app_id = 0, n_tables = 0;
  gboolean ok;

  /* One read transaction: another connection creating the library must not commit
   * between the reads (tables, but no application id yet, would look foreign) */
  if (!_vs_database_exec (self, "BEGIN", error))
    return FALSE;
  ok = query_int (self, "PRAGMA user_version", &version, error) &&
       query_int (self, "PRAGMA application_id", &app_id, error) &&
       query_int (self, "SELECT count(*) FROM sqlite_schema", &n_tables, error);
  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  if (!ok)
    return FALSE;

  if ((app_id != 0 && app_id != VS_APPLICATION_ID) || (app_id == 0 && n_tables > 0))
    {
      g_set_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_NOT_A_DATABASE,
                   "“%s” is an SQLite database, but not a Vidshelf library", name);
      return FALSE;
    }
  if (version > VS_DATABASE_SCHEMA_VERSION)
    {
      g_set_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_TOO_NEW,
                   "Library database “%s” was made by a newer Vidshelf (schema %d, this "
                   "version knows up to %d); it was left untouched",
                   name, (int) version, VS_DATABASE_SCHEMA_VERSION);
      return FALSE;
    }
  self->schema_version = (int) version;
  return TRUE;
}

/* A writer reads every page before its first write (turning WAL on already rewrites the
 * header), so a damaged library is reported and left exactly as it was. */
static gboolean
check_pages (VsDatabase  *self,
             GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *problem = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(1)", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      return _vs_database_set_error (self, error, rc, "checking the file");
    }
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    problem = g_strstrip (g_strdelimit (g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                                        "\n", ' '));
  sqlite3_finalize (stmt);
  if (problem == NULL)
    return TRUE;

  name = g_filename_display_name (self->path);
  g_set_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_CORRUPT,
               "Library database “%s” is damaged (checking the file: %s)", name, problem);
  return FALSE;
}

static gboolean
configure_connection (VsDatabase  *self,
                      GError     **error)
{
  sqlite3_busy_timeout (self->db, 10000);
  /* Migrations compute sort keys in SQL with the same code as the scanner. */
  sqlite3_create_function (self->db, "vs_sort_key", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                           NULL, sql_sort_key, NULL, NULL);
  sqlite3_extended_result_codes (self->db, 1);

  if (self->mode == VS_DATABASE_MODE_READER)
    return _vs_database_exec (self, "PRAGMA query_only = ON; PRAGMA cache_size = -2048", error);

  /* WAL: readers never wait for the scanner. NORMAL sync is crash-safe in WAL (a power
   * cut may lose the last commits, never consistency). */
  return _vs_database_exec (self,
                            "PRAGMA journal_mode = WAL;"
                            "PRAGMA synchronous = NORMAL;"
                            "PRAGMA foreign_keys = ON;"
                            "PRAGMA temp_store = MEMORY;"
                            "PRAGMA cache_size = -8192;"
                            "PRAGMA journal_size_limit = 16777216",
                            error);
}

static gboolean
ensure_parent_folder (const char  *path,
                      GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_name (dir);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create folder “%s”: %s", name, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* The oldest schema a reader can query as it is, when the library cannot be upgraded
 * (read-only): raise it when a migration changes what readers select. */
#define READ_ONLY_MIN_SCHEMA 7

/* @immutable: a reader of a library on read-only media. SQLite then reads the file without
 * locks or the -shm file, which WAL readers need and cannot create there. */
static VsDatabase *
open_connection (const char      *path,
                 VsDatabaseMode   mode,
                 int              target_version,
                 gboolean         immutable,
                 GError         **error)
{
  g_autoptr(VsDatabase) self = g_object_new (VS_TYPE_DATABASE, "path", path, NULL);
  g_autofree char *uri = NULL;
  /* NOMUTEX: every use of the connection already holds self->lock. */
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc;

  self->mode = mode;
  if (mode == VS_DATABASE_MODE_READER)
    {
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_autofree char *name = g_filename_display_name (path);

          g_set_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_NOT_FOUND,
                       "No library database at “%s”", name);
          return NULL;
        }
      flags |= SQLITE_OPEN_READONLY;
    }
  else
    {
      if (!ensure_parent_folder (path, error))
        return NULL;
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    }

  if (immutable)
    {
      g_autofree char *file_uri = g_filename_to_uri (path, NULL, error);

      if (file_uri == NULL)
        return NULL;
      uri = g_strconcat (file_uri, "?immutable=1", NULL);
      flags |= SQLITE_OPEN_URI;
    }
  rc = sqlite3_open_v2 (uri != NULL ? uri : path, &self->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      _vs_database_set_error (self, error, rc, "opening");
      return NULL;
    }
  /* Before the first read: a library another connection is creating or migrating is
   * locked for a moment, which is worth waiting for */
  sqlite3_busy_timeout (self->db, 10000);
  if (!check_identity (self, error) ||
      (mode == VS_DATABASE_MODE_WRITER && !check_pages (self, error)) ||
      !configure_connection (self, error))
    return NULL;

  if (mode == VS_DATABASE_MODE_WRITER)
    {
      if (!_vs_database_migrate (self, target_version, error))
        return NULL;
      if (self->schema_version == VS_DATABASE_SCHEMA_VERSION &&
          !_vs_database_exec (self, sort_indices_sql, error))
        return NULL;
    }
  else if (immutable && self->schema_version < READ_ONLY_MIN_SCHEMA)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_READ_ONLY,
                   "Library database “%s” was made by an older Vidshelf and is on a "
                   "read-only file system, where it cannot be upgraded", name);
      return NULL;
    }
  else if (!immutable && self->schema_version < VS_DATABASE_SCHEMA_VERSION)
    {
      /* An older library: upgrade it through a short-lived writer, then read. */
      g_autoptr(VsDatabase) writer = open_connection (path, VS_DATABASE_MODE_WRITER,
                                                      VS_DATABASE_SCHEMA_VERSION, FALSE,
                                                      error);
      if (writer == NULL)
        return NULL;
      self->schema_version = writer->schema_version;
    }
  return g_steal_pointer (&self);
}

static gboolean in_read_only_place (const char *path);

VsDatabase *
vs_database_open (const char      *path,
                  VsDatabaseMode   mode,
                  GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) ro_error = NULL;
  VsDatabase *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = open_connection (path, mode, VS_DATABASE_SCHEMA_VERSION, FALSE, &local_error);
  if (self != NULL)
    return self;
  if (mode != VS_DATABASE_MODE_READER || !in_read_only_place (path) ||
      g_error_matches (local_error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_NOT_FOUND) ||
      g_error_matches (local_error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_NOT_A_DATABASE) ||
      g_error_matches (local_error, VS_DATABASE_ERROR, VS_DATABASE_ERROR_TOO_NEW))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* Nobody can be writing a library where its folder cannot be written: read it as it is
   * (a WAL reader needs the -shm file, which cannot be created there). */
  g_debug ("%s: %s; reading it as immutable", path, local_error->message);
  self = open_connection (path, mode, VS_DATABASE_SCHEMA_VERSION, TRUE, &ro_error);
  if (self == NULL)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, ro_error->domain, ro_error->code,
                   "Library database “%s” is in a read-only place and cannot be read there "
                   "(%s)", name, ro_error->message);
    }
  return self;
}

/* Where a reader's -shm file cannot be created: a read-only file system or folder. */
static gboolean
in_read_only_place (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return access (dir, W_OK) != 0 || access (path, W_OK) != 0;
}

VsDatabase *
_vs_database_open_at_version (const char  *path,
                              int          version,
                              GError     **error)
{
  return open_connection (path, VS_DATABASE_MODE_WRITER, version, FALSE, error);
}

const char *
vs_database_get_path (VsDatabase *self)
{
  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  return self->path;
}

int
vs_database_get_schema_version (VsDatabase *self)
{
  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  return self->schema_version;
}

/* Frees the page cache's unused pages. Never waits: when another thread holds the
 * connection (a scan, a page load), it does nothing and returns FALSE. */
gboolean
vs_database_release_memory (VsDatabase *self)
{
  gboolean ran;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  if (!g_rec_mutex_trylock (&self->lock))
    return FALSE;
  ran = sqlite3_db_release_memory (self->db) == SQLITE_OK;
  g_rec_mutex_unlock (&self->lock);
  return ran;
}

/* Starts a load that may add many rows: drops the sort indices when the library is still
 * small. Pair with vs_database_end_bulk(), outside any transaction. */
gboolean
vs_database_begin_bulk (VsDatabase  *self,
                        GError     **error)
{
  gint64 rows = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (self->mode == VS_DATABASE_MODE_WRITER, FALSE);

  g_rec_mutex_lock (&self->lock);
  if (self->bulk++ == 0)
    {
      ok = query_int (self, "SELECT count(*) FROM (SELECT 1 FROM videos LIMIT "
                            G_STRINGIFY (BULK_MAX_EXISTING_ROWS) ")", &rows, error);
      self->bulk_dropped = ok && rows < BULK_MAX_EXISTING_ROWS;
      if (self->bulk_dropped)
        ok = _vs_database_exec (self, drop_sort_indices_sql, error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gboolean
vs_database_end_bulk (VsDatabase  *self,
                      GError     **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (self->bulk > 0, FALSE);

  g_rec_mutex_lock (&self->lock);
  if (--self->bulk == 0 && self->bulk_dropped)
    {
      gint64 start = g_get_monotonic_time ();

      ok = _vs_database_exec (self, sort_indices_sql, error);
      self->bulk_dropped = FALSE;
      g_debug ("Rebuilt the sort indices in %.3f s", (g_get_monotonic_time () - start) / 1e6);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

/* Roots ------------------------------------------------------------------ */

/* Bounds of every path strictly below @path, bytewise: [path + "/", path + "0"). */
static void
bind_below (sqlite3_stmt *stmt,
            int           lo_index,
            const char   *path)
{
  gsize len = strlen (path);
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;

  if (len > 0 && path[len - 1] == '/')
    lo = g_strdup (path);
  else
    lo = g_strconcat (path, "/", NULL);
  hi = g_strdup (lo);
  hi[strlen (hi) - 1] = '0';
  _vs_bind_path (stmt, lo_index, lo);
  _vs_bind_path (stmt, lo_index + 1, hi);
}

static gint64
lookup_id (VsDatabase  *self,
           const char  *sql,
           const char  *path,
           GError     **error)
{
  sqlite3_stmt *stmt = _vs_database_prepare (self, sql, error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  _vs_bind_path (stmt, 1, path);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      id = -1;
      _vs_database_set_error (self, error, rc, "looking up a path");
    }
  sqlite3_reset (stmt);
  return id;
}

gboolean
_vs_database_step_done (VsDatabase    *self,
                        sqlite3_stmt  *stmt,
                        const char    *doing,
                        GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return _vs_database_set_error (self, error, rc, doing);
  return TRUE;
}

/* A path inside an existing root joins that root; a root containing existing roots
 * absorbs them (their folders and videos are kept). */
gboolean
vs_database_add_root (VsDatabase  *self,
                      const char  *path,
                      gint64      *out_root_id,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  const char *slash;
  gint64 root_id;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), FALSE);

  if (!vs_database_begin (self, error))
    return FALSE;

  /* The outermost root that is @path or one of its ancestors. */
  root_id = 0;
  slash = path;
  do
    {
      g_autofree char *ancestor = NULL;

      slash = strchr (slash + 1, '/');
      ancestor = slash != NULL ? g_strndup (path, slash - path) : g_strdup (path);
      root_id = lookup_id (self, "SELECT id FROM roots WHERE path = ?1", ancestor, error);
      if (root_id < 0)
        goto failed;
    }
  while (root_id == 0 && slash != NULL);

  if (root_id == 0)
    {
      stmt = _vs_database_prepare (self,
                                   "INSERT INTO roots (path, added_ns) VALUES (?1, ?2) "
                                   "RETURNING id", error);
      if (stmt == NULL)
        goto failed;
      _vs_bind_path (stmt, 1, path);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time () * 1000);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          _vs_database_set_error (self, error, sqlite3_errcode (self->db), "adding a folder");
          sqlite3_reset (stmt);
          goto failed;
        }
      root_id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);

      stmt = _vs_database_prepare (self,
                                   "UPDATE folders SET root_id = ?3 WHERE path >= ?1 AND path < ?2",
                                   error);
      if (stmt == NULL)
        goto failed;
      bind_below (stmt, 1, path);
      sqlite3_bind_int64 (stmt, 3, root_id);
      if (!_vs_database_step_done (self, stmt, "adding a folder", error))
        goto failed;

      stmt = _vs_database_prepare (self,
                                   "DELETE FROM roots WHERE path >= ?1 AND path < ?2", error);
      if (stmt == NULL)
        goto failed;
      bind_below (stmt, 1, path);
      if (!_vs_database_step_done (self, stmt, "adding a folder", error))
        goto failed;
    }

  if (!vs_database_commit (self, error))
    goto failed;
  if (out_root_id != NULL)
    *out_root_id = root_id;
  return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}

gboolean
vs_database_remove_root (VsDatabase  *self,
                         const char  *path,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "DELETE FROM roots WHERE path = ?1", error);
  ok = stmt != NULL;
  if (ok)
    {
      _vs_bind_path (stmt, 1, path);
      ok = _vs_database_step_done (self, stmt, "removing a folder", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

/* The paths of the roots @sql selects (one path column), in order. */
static GStrv
dup_root_paths (VsDatabase  *self,
                const char  *sql,
                GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, sql, error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *path = _vs_column_path (stmt, 0);

      g_strv_builder_add (builder, path);
    }
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "listing folders");
      return NULL;
    }
  return g_strv_builder_end (builder);
}

GStrv
vs_database_dup_roots (VsDatabase  *self,
                       GError     **error)
{
  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  return dup_root_paths (self, "SELECT path FROM roots ORDER BY path", error);
}

gboolean
vs_database_set_root_scanned (VsDatabase  *self,
                              gint64       root_id,
                              gint64       when_ns,
                              GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "UPDATE roots SET scanned_ns = ?2 WHERE id = ?1", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, root_id);
      sqlite3_bind_int64 (stmt, 2, when_ns);
      ok = _vs_database_step_done (self, stmt, "saving the scan time", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gboolean
vs_database_set_root_available (VsDatabase  *self,
                                const char  *path,
                                gboolean     available,
                                GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  /* Keeps the first time it went missing. */
  stmt = _vs_database_prepare (self,
                               available
                               ? "UPDATE roots SET unavailable_ns = NULL WHERE path = ?1"
                               : "UPDATE roots SET unavailable_ns = coalesce(unavailable_ns, ?2) "
                                 "WHERE path = ?1", error);
  ok = stmt != NULL;
  if (ok)
    {
      _vs_bind_path (stmt, 1, path);
      if (!available)
        sqlite3_bind_int64 (stmt, 2, g_get_real_time () * 1000);
      ok = _vs_database_step_done (self, stmt, "marking a folder", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

int
vs_database_get_root_available (VsDatabase  *self,
                                const char  *path,
                                GError     **error)
{
  gint64 id;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (path != NULL, -1);

  g_rec_mutex_lock (&self->lock);
  id = lookup_id (self, "SELECT id FROM roots WHERE path = ?1 AND unavailable_ns IS NULL",
                  path, error);
  g_rec_mutex_unlock (&self->lock);
  return id < 0 ? -1 : id > 0;
}

gboolean
vs_database_set_root_device (VsDatabase  *self,
                             const char  *path,
                             guint64      dev,
                             gboolean     mount_point,
                             GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "UPDATE roots SET dev = ?2, mount_point = ?3 WHERE path = ?1",
                               error);
  ok = stmt != NULL;
  if (ok)
    {
      _vs_bind_path (stmt, 1, path);
      sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) dev);
      sqlite3_bind_int (stmt, 3, mount_point ? 1 : 0);
      ok = _vs_database_step_done (self, stmt, "saving a folder's device", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

int
vs_database_get_root_device (VsDatabase  *self,
                             const char  *path,
                             gboolean    *out_known,
                             guint64     *out_dev,
                             gboolean    *out_mount_point,
                             GError     **error)
{
  sqlite3_stmt *stmt;
  int result = -1;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (path != NULL, -1);

  *out_known = FALSE;
  *out_dev = 0;
  *out_mount_point = FALSE;
  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "SELECT dev, mount_point FROM roots WHERE path = ?1", error);
  if (stmt != NULL)
    {
      _vs_bind_path (stmt, 1, path);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          result = 1;
          *out_known = sqlite3_column_type (stmt, 0) != SQLITE_NULL;
          *out_dev = (guint64) sqlite3_column_int64 (stmt, 0);
          *out_mount_point = sqlite3_column_int (stmt, 1) != 0;
        }
      else if (rc == SQLITE_DONE)
        result = 0;
      else
        _vs_database_set_error (self, error, rc, "reading a folder's device");
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return result;
}

GStrv
vs_database_dup_unavailable_roots (VsDatabase  *self,
                                   GError     **error)
{
  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  return dup_root_paths (self, "SELECT path FROM roots WHERE unavailable_ns IS NOT NULL "
                               "ORDER BY path", error);
}

/* Folders ---------------------------------------------------------------- */

gint64
vs_database_lookup_folder (VsDatabase  *self,
                           const char  *path,
                           GError     **error)
{
  gint64 id;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (path != NULL, -1);

  g_rec_mutex_lock (&self->lock);
  id = lookup_id (self, "SELECT id FROM folders WHERE path = ?1", path, error);
  g_rec_mutex_unlock (&self->lock);
  return id;
}

gint64
vs_database_ensure_folder (VsDatabase  *self,
                           gint64       root_id,
                           gint64       parent_id,
                           const char  *path,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = -1;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), -1);
  g_return_val_if_fail (path != NULL, -1);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "INSERT INTO folders (root_id, parent_id, path) VALUES (?1, ?2, ?3) "
                               "ON CONFLICT (path) DO UPDATE SET root_id = excluded.root_id, "
                               "parent_id = excluded.parent_id RETURNING id", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, root_id);
      if (parent_id > 0)
        sqlite3_bind_int64 (stmt, 2, parent_id);
      _vs_bind_path (stmt, 3, path);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      else
        _vs_database_set_error (self, error, rc, "adding a folder");
      sqlite3_reset (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return id;
}

/* path → VsVideoStamp-free id pairs: the folders a rescan of @path should find again. */
GHashTable *
vs_database_dup_folders_under (VsDatabase  *self,
                               const char  *path,
                               GError     **error)
{
  g_autoptr(GHashTable) folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self,
                               "SELECT path, id FROM folders WHERE path = ?3 OR "
                               "(path >= ?1 AND path < ?2)", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  bind_below (stmt, 1, path);
  _vs_bind_path (stmt, 3, path);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (folders, _vs_column_path (stmt, 0),
                         GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 1)));
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "listing folders");
      return NULL;
    }
  return g_steal_pointer (&folders);
}

/* Removes one folder row and its own videos (subfolders' videos go by cascade, uncounted:
 * the scanner deletes deepest folders first to count them all). */
gboolean
vs_database_delete_folder (VsDatabase  *self,
                           gint64       folder_id,
                           guint       *out_n_videos,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _vs_database_prepare (self, "DELETE FROM videos WHERE folder_id = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, folder_id);
      ok = _vs_database_step_done (self, stmt, "removing a folder", error);
    }
  if (ok && out_n_videos != NULL)
    *out_n_videos = (guint) sqlite3_changes (self->db);
  if (ok)
    stmt = _vs_database_prepare (self, "DELETE FROM folders WHERE id = ?1", error);
  if (ok && stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, folder_id);
      ok = _vs_database_step_done (self, stmt, "removing a folder", error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok && stmt != NULL;
}

/* Points row @id at @new_path, with the names that follow from it; @folder_id 0 keeps
 * its folder. */
static gboolean
repath_video (VsDatabase   *self,
              gint64        id,
              VsVideoKind   kind,
              const char   *new_path,
              gint64        folder_id,
              GError      **error)
{
  g_autoptr(VsVideoRecord) record = vs_video_record_new ();
  g_autofree char *sort_name = NULL;
  g_autofree char *sort_key = NULL;
  sqlite3_stmt *stmt;

  record->kind = kind;
  vs_video_record_set_path (record, new_path);
  if (record->uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, "Not a valid file name");
      return FALSE;
    }
  sort_name = vs_database_fold_name (record->display_name);
  sort_key = _vs_database_sort_key_from_folded (sort_name);
  stmt = _vs_database_prepare (self,
                               "UPDATE videos SET path = ?2, uri = ?3, display_name = ?4, "
                               "sort_name = ?5, sort_key = ?6, "
                               "folder_id = CASE WHEN ?7 > 0 THEN ?7 ELSE folder_id END "
                               "WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  _vs_bind_path (stmt, 2, new_path);
  sqlite3_bind_text (stmt, 3, record->uri, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, record->display_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, sort_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, sort_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, folder_id);
  return _vs_database_step_done (self, stmt, "moving a video", error);
}

typedef struct
{
  gint64       id;
  VsVideoKind  kind;
  char        *path;
} MovedRow;

static void
moved_row_clear (gpointer data)
{
  g_free (((MovedRow *) data)->path);
}

/* The folder rows at and below @old_path, then their videos, move below @new_path. */
static gboolean
move_folder (VsDatabase  *self,
             const char  *old_path,
             const char  *new_path,
             gint64       new_parent_id,
             GPtrArray   *out_folders,
             GError     **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (MovedRow));
  gsize old_len = strlen (old_path);
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_clear_func (rows, moved_row_clear);
  for (guint pass = 0; pass < 2; pass++)
    {
      /* pass 0: folders (the moved one and below), pass 1: the videos below */
      stmt = _vs_database_prepare (self, pass == 0
                                   ? "SELECT id, 0, path FROM folders WHERE path = ?3 OR "
                                     "(path >= ?1 AND path < ?2)"
                                   : "SELECT id, kind, path FROM videos WHERE path >= ?1 AND path < ?2",
                                   error);
      if (stmt == NULL)
        return FALSE;
      bind_below (stmt, 1, old_path);
      if (pass == 0)
        _vs_bind_path (stmt, 3, old_path);
      g_array_set_size (rows, 0);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *path = _vs_column_path (stmt, 2);
          MovedRow row = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1),
                           g_strconcat (new_path, path + old_len, NULL) };

          g_array_append_val (rows, row);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return _vs_database_set_error (self, error, rc, "moving a folder");

      for (guint i = 0; i < rows->len; i++)
        {
          MovedRow *row = &g_array_index (rows, MovedRow, i);

          if (pass == 1)
            {
              if (!repath_video (self, row->id, row->kind, row->path, 0, error))
                return FALSE;
              continue;
            }
          stmt = _vs_database_prepare (self,
                                       "UPDATE folders SET path = ?2, root_id = "
                                       "(SELECT root_id FROM folders WHERE id = ?3), "
                                       "parent_id = CASE WHEN path = ?4 THEN ?3 ELSE parent_id END "
                                       "WHERE id = ?1", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, row->id);
          _vs_bind_path (stmt, 2, row->path);
          sqlite3_bind_int64 (stmt, 3, new_parent_id);
          _vs_bind_path (stmt, 4, old_path);
          if (!_vs_database_step_done (self, stmt, "moving a folder", error))
            return FALSE;
          if (out_folders != NULL)
            g_ptr_array_add (out_folders, g_strdup (row->path));
        }
    }
  return TRUE;
}

gboolean
vs_database_move (VsDatabase  *self,
                  const char  *old_path,
                  const char  *new_path,
                  gboolean    *out_moved,
                  GPtrArray   *out_folders,
                  GError     **error)
{
  g_autofree char *new_parent = NULL;
  gint64 new_parent_id, video_id, folder_id, taken;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (old_path != NULL && new_path != NULL, FALSE);
  g_return_val_if_fail (out_moved != NULL, FALSE);

  *out_moved = FALSE;
  if (vs_path_is_inside (new_path, old_path))
    return TRUE;
  new_parent = g_path_get_dirname (new_path);
  if (!vs_database_begin (self, error))
    return FALSE;
  new_parent_id = lookup_id (self, "SELECT id FROM folders WHERE path = ?1", new_parent, error);
  taken = new_parent_id <= 0 ? 0 :
          lookup_id (self, "SELECT id FROM videos WHERE path = ?1", new_path, error);
  if (taken == 0 && new_parent_id > 0)
    taken = lookup_id (self, "SELECT id FROM folders WHERE path = ?1", new_path, error);
  video_id = lookup_id (self, "SELECT id FROM videos WHERE path = ?1", old_path, error);
  folder_id = lookup_id (self, "SELECT id FROM folders WHERE path = ?1", old_path, error);
  if (new_parent_id < 0 || taken < 0 || video_id < 0 || folder_id < 0)
    goto failed;
  /* Into a folder outside the index, or onto an indexed row: the rescans decide. */
  if (new_parent_id == 0 || taken > 0 || (video_id == 0 && folder_id == 0))
    {
      vs_database_rollback (self);
      return TRUE;
    }

  if (video_id > 0)
    {
      sqlite3_stmt *stmt = _vs_database_prepare (self, "SELECT kind FROM videos WHERE id = ?1",
                                                 error);
      VsVideoKind kind;

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, video_id);
      kind = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : VS_VIDEO_KIND_FILE;
      sqlite3_reset (stmt);
      if (!repath_video (self, video_id, kind, new_path, new_parent_id, error))
        goto failed;
    }
  else if (!move_folder (self, old_path, new_path, new_parent_id, out_folders, error))
    goto failed;

  if (!vs_database_commit (self, error))
    goto failed;
  *out_moved = TRUE;
  return TRUE;

failed:
  vs_database_rollback (self);
  return FALSE;
}

void
vs_folder_record_free (VsFolderRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->path);
  g_free (record->name);
  g_free (record);
}

static int
compare_folder_names (gconstpointer a,
                      gconstpointer b)
{
  const VsFolderRecord *x = *(VsFolderRecord * const *) a;
  const VsFolderRecord *y = *(VsFolderRecord * const *) b;

  return g_utf8_collate (x->name, y->name);
}

GPtrArray *
vs_database_list_folders (VsDatabase  *self,
                          const char  *parent_path,
                          GError     **error)
{
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_folder_record_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VS_IS_DATABASE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  if (parent_path == NULL)
    stmt = _vs_database_prepare (self,
                                 "SELECT f.id, f.path, EXISTS (SELECT 1 FROM folders c "
                                 "WHERE c.parent_id = f.id) FROM roots r "
                                 "JOIN folders f ON f.path = r.path", error);
  else
    stmt = _vs_database_prepare (self,
                                 "SELECT c.id, c.path, EXISTS (SELECT 1 FROM folders g "
                                 "WHERE g.parent_id = c.id) FROM folders p "
                                 "JOIN folders c ON c.parent_id = p.id WHERE p.path = ?1", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  if (parent_path != NULL)
    _vs_bind_path (stmt, 1, parent_path);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VsFolderRecord *record = g_new0 (VsFolderRecord, 1);

      record->id = sqlite3_column_int64 (stmt, 0);
      record->path = _vs_column_path (stmt, 1);
      record->name = g_filename_display_basename (record->path);
      record->has_children = sqlite3_column_int (stmt, 2) != 0;
      g_ptr_array_add (folders, record);
    }
  sqlite3_reset (stmt);
  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_DONE)
    {
      _vs_database_set_error (self, error, rc, "listing folders");
      return NULL;
    }
  g_ptr_array_sort (folders, compare_folder_names);
  return g_steal_pointer (&folders);
}

/* GObject ---------------------------------------------------------------- */

static void
vs_database_finalize (GObject *object)
{
  VsDatabase *self = (VsDatabase *) object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->path, g_free);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vs_database_parent_class)->finalize (object);
}

static void
vs_database_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VsDatabase *self = VS_DATABASE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_database_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VsDatabase *self = VS_DATABASE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_database_class_init (VsDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  /* SQLite's allocation statistics take a global mutex on every malloc; we never read
   * them. Fails harmlessly if SQLite was already initialised by someone else. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);

  object_class->finalize = vs_database_finalize;
  object_class->get_property = vs_database_get_property;
  object_class->set_property = vs_database_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vs_database_init (VsDatabase *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (NULL, NULL, NULL,
                                            (GDestroyNotify) sqlite3_finalize);
}
