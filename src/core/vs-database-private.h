/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-private.h: shared between the parts of VsDatabase */
#pragma once

#include <sqlite3.h>

#include "vs-database.h"

G_BEGIN_DECLS

/* From this schema on, folders have their search key (search_path) and the names' one
 * (videos.sort_name) has no accents; before it, searches look at names only. */
#define _VS_DATABASE_SEARCH_PATH_SCHEMA 10
/* From this schema on, the watched table exists; before it (a read-only library read as it
 * is), nothing is watched and records carry no position. */
#define _VS_DATABASE_WATCHED_SCHEMA 11
/* From this schema on, videos have added_ns and the collections table exists. */
#define _VS_DATABASE_COLLECTIONS_SCHEMA 13
/* From this schema on, videos.played_ns is the last-played order's key (kept by triggers). */
#define _VS_DATABASE_PLAYED_SCHEMA 14
/* The roots' share_previews (the shared thumbnail repository) */
#define _VS_DATABASE_SHARE_SCHEMA 15
/* duplicates: fingerprints, content hashes, pairs, not-duplicates */
#define _VS_DATABASE_DUPLICATES_SCHEMA 16
/* From this schema on there is a playback table (positions). */
#define _VS_DATABASE_PLAYBACK_SCHEMA 7

struct _VsDatabase
{
  GObject         parent_instance;

  /* owned */
  char           *path;
  sqlite3        *db;
  GHashTable     *statements;   /* static SQL text → sqlite3_stmt, prepared once */

  /* serialises users of the connection; held for a whole transaction */
  GRecMutex       lock;

  VsDatabaseMode  mode;
  int             schema_version;
  guint           in_transaction;
  guint           bulk;           /* nesting of begin_bulk */
  gboolean        bulk_dropped;   /* the sort indices are gone until end_bulk */
};

sqlite3_stmt *_vs_database_prepare   (VsDatabase  *self,
                                      const char  *sql,
                                      GError     **error);
gboolean      _vs_database_set_error (VsDatabase  *self,
                                      GError     **error,
                                      int          rc,
                                      const char  *doing);
/* Steps a statement that returns no rows and resets it. */
gboolean      _vs_database_step_done (VsDatabase    *self,
                                      sqlite3_stmt  *stmt,
                                      const char    *doing,
                                      GError       **error);
gboolean      _vs_database_exec      (VsDatabase  *self,
                                      const char  *sql,
                                      GError     **error);
/* Reads the one integer @sql returns, 0 when it returns no row. */
gboolean      _vs_database_query_int (VsDatabase  *self,
                                      const char  *sql,
                                      gint64      *out_value,
                                      GError     **error);
/* The id in the first column of the row @sql finds for @path: 0 when none, -1 on error. */
gint64        _vs_database_lookup_id (VsDatabase  *self,
                                      const char  *sql,
                                      const char  *path,
                                      GError     **error);
/* Binds @lo_index and @lo_index + 1 to the bounds of every path strictly below @path. */
void          _vs_database_bind_below (sqlite3_stmt *stmt,
                                       int           lo_index,
                                       const char   *path);
/* A list query's filters (vs-database-filters.c): WHERE terms appended to @sql, each
 * after *@joiner (then " AND "); their parameters are numbered from
 * _VS_FILTER_FIRST_PARAM on, after the folder's (1–3) and the search words' (4…). */
#define _VS_FILTER_FIRST_PARAM (4 + VS_VIDEO_QUERY_MAX_WORDS)
void          _vs_video_query_append_filters (const VsVideoQuery  *query,
                                              int                  schema_version,
                                              gboolean             ordered,
                                              GString             *sql,
                                              const char         **joiner);
void          _vs_video_query_bind_filters   (const VsVideoQuery  *query,
                                              sqlite3_stmt        *stmt);
gboolean      _vs_video_query_filters_equal  (const VsVideoQuery  *a,
                                              const VsVideoQuery  *b);
/* The SQL of a list query (the count's or the ids'), its parameters written in: for
 * tests/bench/bench-query (vs-database-videos.c). Free with g_free(). */
char         *_vs_database_query_sql          (VsDatabase          *self,
                                              const VsVideoQuery  *query,
                                              gboolean             count,
                                              GError             **error);
/* Re-creates the list queries' sort indices that are missing (vs-database-schema.c). */
extern const char _vs_database_sort_indices_sql[];
/* Writes only up to @version: lets tests build an older library. */
gboolean      _vs_database_migrate   (VsDatabase  *self,
                                      int          version,
                                      GError     **error);
char         *_vs_database_sort_key_from_folded (const char *folded);
/* Case-folded, compatibility-decomposed, accents kept: what sort keys are made of. */
char         *_vs_database_fold_for_sort (const char *utf8);
/* The search key of folder @path in root @root: its path below the root, folded; "" for
 * the root itself. */
char         *_vs_database_fold_folder_path (const char *path,
                                             const char *root);
VsDatabase   *_vs_database_open_at_version (const char  *path,
                                            int          version,
                                            GError     **error);

static inline void
_vs_bind_path (sqlite3_stmt *stmt,
               int           index,
               const char   *path)
{
  /* Paths are bytes: stored as BLOBs so non-UTF-8 names survive and compare bytewise. */
  sqlite3_bind_blob (stmt, index, path, (int) strlen (path), SQLITE_TRANSIENT);
}

static inline char *
_vs_column_path (sqlite3_stmt *stmt,
                 int           index)
{
  const void *bytes = sqlite3_column_blob (stmt, index);
  int len = sqlite3_column_bytes (stmt, index);

  return g_strndup (bytes ? bytes : "", len);
}

G_END_DECLS
