/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database.c: connection, transactions and the shared statement helpers */
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

char *
vs_database_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "vidshelf", "library.db", NULL);
}

/* Whether @s is all ASCII: most names are, and folding them is lower-casing. */
static gboolean
is_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

/* The fold sort keys are made from (casefold, then NFKD): unchanged since the first
 * release, so an upgrade re-sorts nothing and accented names sort after their base
 * letters ("Cafe" < "Café" < "Cafés"), as they always did. */
char *
_vs_database_fold_for_sort (const char *utf8)
{
  g_autofree char *folded = NULL;

  if (is_ascii (utf8))
    return g_ascii_strdown (utf8, -1);
  folded = g_utf8_casefold (utf8, -1);
  return g_utf8_normalize (folded, -1, G_NORMALIZE_ALL);
}

/* Accents are the combining marks scripts share (Unicode script "Inherited": the
 * diacritics of Latin, Greek and Cyrillic, Arabic's vowel signs). A script's own
 * non-spacing marks are spelling, not accents (Thai vowels, Devanagari's virama): "กิน"
 * and "กน" are different words, so those stay; so do kana's voicing marks, shared by
 * hiragana and katakana but spelling too ("ガイド", guide, is not "カイト", kite). */
static gboolean
is_accent (gunichar c)
{
  return g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK &&
         g_unichar_get_script (c) == G_UNICODE_SCRIPT_INHERITED &&
         c != 0x3099 && c != 0x309A;
}

char *
vs_database_fold_name (const char *utf8)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  GString *bare;

  g_return_val_if_fail (utf8 != NULL, NULL);

  if (is_ascii (utf8))
    return g_ascii_strdown (utf8, -1);

  /* NFKD splits "é" into "e" and U+0301 (and "ﬁ" into "fi", full-width "Ａ" into "A") */
  decomposed = g_utf8_normalize (utf8, -1, G_NORMALIZE_ALL);
  if (decomposed == NULL)
    return g_strdup ("");   /* not UTF-8: matches nothing, and nothing matches it */
  bare = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_accent (c))
        g_string_append_unichar (bare, c);
    }
  folded = g_utf8_casefold (bare->str, (gssize) bare->len);
  g_string_free (bare, TRUE);
  /* composed again: Hangul syllables are three times shorter that way */
  return g_utf8_normalize (folded, -1, G_NORMALIZE_DEFAULT_COMPOSE);
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

  folded = _vs_database_fold_for_sort (utf8);
  return _vs_database_sort_key_from_folded (folded);
}

/* A text function of SQL made from one of C (its user data): NULL gives NULL. */
static void
sql_text_function (sqlite3_context  *context,
                   int               argc,
                   sqlite3_value   **argv)
{
  char *(*func) (const char *) = sqlite3_user_data (context);
  const unsigned char *text = sqlite3_value_text (argv[0]);

  if (text == NULL)
    sqlite3_result_null (context);
  else
    sqlite3_result_text (context, func ((const char *) text), -1, g_free);
}

char *
_vs_database_fold_folder_path (const char *path,
                               const char *root)
{
  gsize root_len = strlen (root);
  g_autofree char *shown = NULL;
  const char *below;

  /* Only the part below the root: words of the root's own path ("/home/ana/Videos")
   * would match every video. */
  if (!vs_path_is_inside (path, root) || strlen (path) <= root_len)
    return g_strdup ("");
  for (below = path + root_len; *below == '/'; below++)
    ;
  shown = g_filename_display_name (below);
  return vs_database_fold_name (shown);
}

/* An empty BLOB's pointer is NULL */
static const char *
value_blob (sqlite3_value *value)
{
  const char *bytes = sqlite3_value_blob (value);

  return bytes != NULL ? bytes : "";
}

/* vs_folder_search_path(path, root path): the folder's search key (paths are BLOBs) */
static void
sql_folder_search_path (sqlite3_context  *context,
                        int               argc,
                        sqlite3_value   **argv)
{
  g_autofree char *path = NULL;
  g_autofree char *root = NULL;

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL || sqlite3_value_type (argv[1]) == SQLITE_NULL)
    {
      sqlite3_result_text (context, "", 0, SQLITE_STATIC);
      return;
    }
  path = g_strndup (value_blob (argv[0]), sqlite3_value_bytes (argv[0]));
  root = g_strndup (value_blob (argv[1]), sqlite3_value_bytes (argv[1]));
  sqlite3_result_text (context, _vs_database_fold_folder_path (path, root), -1, g_free);
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

gboolean
_vs_database_query_int (VsDatabase  *self,
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
  ok = _vs_database_query_int (self, "PRAGMA user_version", &version, error) &&
       _vs_database_query_int (self, "PRAGMA application_id", &app_id, error) &&
       _vs_database_query_int (self, "SELECT count(*) FROM sqlite_schema", &n_tables, error);
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
  gint64 deadline;
  int rc;

  sqlite3_busy_timeout (self->db, 10000);
  /* Migrations and folder writes compute keys in SQL with the same code as the scanner;
   * no query calls them per row. */
  sqlite3_create_function (self->db, "vs_sort_key", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                           vs_database_sort_key, sql_text_function, NULL, NULL);
  sqlite3_create_function (self->db, "vs_search_fold", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                           vs_database_fold_name, sql_text_function, NULL, NULL);
  sqlite3_create_function (self->db, "vs_folder_search_path", 2,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                           NULL, sql_folder_search_path, NULL, NULL);
  sqlite3_extended_result_codes (self->db, 1);

  if (self->mode == VS_DATABASE_MODE_READER)
    return _vs_database_exec (self, "PRAGMA query_only = ON; PRAGMA cache_size = -2048", error);

  /* WAL: readers never wait for the scanner. NORMAL sync is crash-safe in WAL (a power
   * cut may lose the last commits, never consistency). Changing the journal mode does
   * not go through the busy handler: while another connection creates or migrates a new
   * library, it fails at once (one open in five of test /database/migrate/concurrent once
   * schema 15 made the migration longer), so it is tried again for the same 10 s. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (((rc = sqlite3_exec (self->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL)) & 0xff) ==
           SQLITE_BUSY &&
         g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  if (rc != SQLITE_OK)
    return _vs_database_set_error (self, error, rc, "running a statement");
  return _vs_database_exec (self,
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
 * (read-only): raise it when a migration changes what readers select. (Schema 10's
 * folder keys are not needed: an older library is searched by name only.) */
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
          !_vs_database_exec (self, _vs_database_sort_indices_sql, error))
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

gboolean
vs_database_is_current (VsDatabase *self)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;

  g_return_val_if_fail (VS_IS_DATABASE (self), FALSE);

  if (self->schema_version != VS_DATABASE_SCHEMA_VERSION)
    return FALSE;
  g_rec_mutex_lock (&self->lock);
  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  g_rec_mutex_unlock (&self->lock);
  return wal;
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

/* Shared helpers --------------------------------------------------------- */

/* Bounds of every path strictly below @path, bytewise: [path + "/", path + "0"). */
void
_vs_database_bind_below (sqlite3_stmt *stmt,
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

gint64
_vs_database_lookup_id (VsDatabase  *self,
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
