/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database-schema.c: the schema migrations, the sort indices and bulk loads */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include "vs-database-private.h"

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

  /* 8 → 9: an HLS item's state (VsHlsInfo) as the scanner found it; NULL for files, and
   * for items indexed before, until the next scan sees them (the scanner compares it) */
  "ALTER TABLE videos ADD COLUMN hls_state INTEGER;"
  "ALTER TABLE videos ADD COLUMN hls_flags INTEGER;"
  "ALTER TABLE videos ADD COLUMN hls_segments INTEGER;"
  "ALTER TABLE videos ADD COLUMN hls_missing INTEGER;"
  "ALTER TABLE videos ADD COLUMN hls_variant TEXT;"
  "ALTER TABLE videos ADD COLUMN hls_variant_bandwidth INTEGER;"
  "ALTER TABLE videos ADD COLUMN hls_variant_width INTEGER;"
  "ALTER TABLE videos ADD COLUMN hls_variant_height INTEGER;",

  /* 9 → 10: search by words in the name or in the folder's path below its root, ignoring
   * accents: each folder gets its folded path, and names lose their accents where they
   * had some (sort keys stay as they were: the order does not change). Ids, media facts
   * and thumbnail states are untouched. */
  "ALTER TABLE folders ADD COLUMN search_path TEXT NOT NULL DEFAULT '';"
  "UPDATE folders SET search_path = "
  "  vs_folder_search_path(path, (SELECT r.path FROM roots r WHERE r.id = folders.root_id));"
  "UPDATE videos SET sort_name = vs_search_fold(display_name) "
  "  WHERE sort_name IS NOT vs_search_fold(display_name);",

  /* 10 → 11: what was watched, how often and when last, keyed by path beside playback
   * rather than in videos: a video row is deleted and made again whenever the scanner
   * loses sight of a file (an unmounted root forgotten, a folder moved outside the
   * watcher's view), and a file played from outside the library has no row at all; a
   * rename moves both tables' rows in the same transaction (vs-database-rename.c). Unlike
   * playback it is never pruned: it is history, one small row per video played. */
  "CREATE TABLE watched ("
  "  path BLOB PRIMARY KEY,"
  "  watched INTEGER NOT NULL DEFAULT 0,"
  "  play_count INTEGER NOT NULL DEFAULT 0,"
  "  last_played_ns INTEGER);",

  /* 11 → 12: the list filters' indices (vs-database-filters.c), where EXPLAIN QUERY PLAN
   * showed the whole table walked (through the sort key's index) for a filter that selects
   * a few rows: picture height (the resolution bands), video codec, and probe state
   * (broken). A plain index on probe_state, not a partial one: without ANALYZE statistics
   * the planner takes an equality on an indexed column as selective, while it never
   * preferred videos(id) WHERE probe_state = 2 over the sort index. Durations and mtimes
   * have their sort indices; watched and in progress go through the path index; kind
   * stays unindexed (files are most rows: an index would be chosen and hurt). */
  "CREATE INDEX IF NOT EXISTS videos_height ON videos(height);"
  "CREATE INDEX IF NOT EXISTS videos_codec ON videos(video_codec);"
  "CREATE INDEX IF NOT EXISTS videos_probe_state ON videos(probe_state);",

  /* 12 → 13: when each video joined the library (the "date added" sort; a new row gets the
   * time of its insert), with the file's creation time, else its mtime, standing in for
   * the rows already there; and the saved collections: a name and a query in the text of
   * vs_video_query_to_string(), ordered by position. */
  "ALTER TABLE videos ADD COLUMN added_ns INTEGER;"
  "UPDATE videos SET added_ns = CASE WHEN btime_ns > 0 THEN btime_ns ELSE mtime_ns END;"
  "CREATE INDEX IF NOT EXISTS videos_added ON videos(added_ns);"
  "CREATE TABLE collections ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  query TEXT NOT NULL,"
  "  position INTEGER NOT NULL DEFAULT 0,"
  "  created_ns INTEGER NOT NULL DEFAULT 0);",

  /* 13 → 14: the last-played order's key kept in videos (played_ns: the later of the last
   * play and the stored position's time, NULL when never), so the order walks an index
   * instead of looking up both tables for every row (147 ms for 100,000 videos). Triggers
   * on both tables keep it, and a video row made again (the scanner) takes it back. */
  "ALTER TABLE videos ADD COLUMN played_ns INTEGER;"
  "UPDATE videos SET played_ns = nullif(max(ifnull((SELECT w.last_played_ns FROM watched w WHERE w.path = videos.path), 0), ifnull((SELECT p.updated_ns FROM playback p WHERE p.path = videos.path), 0)), 0);"
  "CREATE TRIGGER watched_played_insert AFTER INSERT ON watched BEGIN UPDATE videos SET played_ns = nullif(max(ifnull((SELECT w.last_played_ns FROM watched w WHERE w.path = NEW.path), 0), ifnull((SELECT p.updated_ns FROM playback p WHERE p.path = NEW.path), 0)), 0) WHERE path = NEW.path; END;"
  "CREATE TRIGGER watched_played_update AFTER UPDATE ON watched BEGIN UPDATE videos SET played_ns = nullif(max(ifnull((SELECT w.last_played_ns FROM watched w WHERE w.path = OLD.path), 0), ifnull((SELECT p.updated_ns FROM playback p WHERE p.path = OLD.path), 0)), 0) WHERE path = OLD.path; UPDATE videos SET played_ns = nullif(max(ifnull((SELECT w.last_played_ns FROM watched w WHERE w.path = NEW.path), 0), ifnull((SELECT p.updated_ns FROM playback p WHERE p.path = NEW.path), 0)), 0) WHERE path = NEW.path; END;"
  "CREATE TRIGGER watched_played_delete AFTER DELETE ON watched BEGIN UPDATE videos SET played_ns = nullif(max(ifnull((SELECT w.last_played_ns FROM watched w WHERE w.path = OLD.path), 0), ifnull((SELECT p.updated_ns FROM playback p WHERE p.path = OLD.path), 0)), 0) WHERE path = OLD.path; END;"
  "CREATE TRIGGER playback_played_insert AFTER INSERT ON playback BEGIN UPDATE videos SET played_ns = nullif(max(ifnull((SELECT w.last_played_ns FROM watched w WHERE w.path = NEW.path), 0), ifnull((SELECT p.updated_ns FROM playback p WHERE p.path = NEW.path), 0)), 0) WHERE path = NEW.path; END;"
  "CREATE TRIGGER playback_played_update AFTER UPDATE ON playback BEGIN UPDATE videos SET played_ns = nullif(max(ifnull((SELECT w.last_played_ns FROM watched w WHERE w.path = OLD.path), 0), ifnull((SELECT p.updated_ns FROM playback p WHERE p.path = OLD.path), 0)), 0) WHERE path = OLD.path; UPDATE videos SET played_ns = nullif(max(ifnull((SELECT w.last_played_ns FROM watched w WHERE w.path = NEW.path), 0), ifnull((SELECT p.updated_ns FROM playback p WHERE p.path = NEW.path), 0)), 0) WHERE path = NEW.path; END;"
  "CREATE TRIGGER playback_played_delete AFTER DELETE ON playback BEGIN UPDATE videos SET played_ns = nullif(max(ifnull((SELECT w.last_played_ns FROM watched w WHERE w.path = OLD.path), 0), ifnull((SELECT p.updated_ns FROM playback p WHERE p.path = OLD.path), 0)), 0) WHERE path = OLD.path; END;"
  "CREATE TRIGGER videos_played_insert AFTER INSERT ON videos WHEN EXISTS (SELECT 1 FROM watched w WHERE w.path = NEW.path) OR EXISTS (SELECT 1 FROM playback p WHERE p.path = NEW.path) BEGIN UPDATE videos SET played_ns = nullif(max(ifnull((SELECT w.last_played_ns FROM watched w WHERE w.path = NEW.path), 0), ifnull((SELECT p.updated_ns FROM playback p WHERE p.path = NEW.path), 0)), 0) WHERE id = NEW.id; END;"
  "CREATE INDEX IF NOT EXISTS videos_played ON videos(played_ns);",

  /* 14 → 15: whether a root's thumbnails also go to (and come from) the freedesktop shared
   * repository beside its videos, .sh_thumbnails; off until the user asks, as the
   * Thumbnail Managing Standard wants. */
  "ALTER TABLE roots ADD COLUMN share_previews INTEGER NOT NULL DEFAULT 0;",

  /* 15 → 16: duplicates. Each video's fingerprint (vs-fingerprint.h) and its state
   * (VsFingerprintState), and the content hash of a few sampled blocks for files whose
   * size another has; the pairs found, by id (they go with their rows); the pairs a user
   * said are not duplicates, by path like watched (they outlive a row made again, and a
   * trigger moves them with a rename). A file whose size or mtime changes loses its
   * fingerprint, hash and pairs. */
  "ALTER TABLE videos ADD COLUMN fingerprint BLOB;"
  "ALTER TABLE videos ADD COLUMN fp_state INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE videos ADD COLUMN content_hash INTEGER;"
  "CREATE INDEX IF NOT EXISTS videos_pending_fp ON videos(id) WHERE fp_state = 0;"
  "CREATE INDEX IF NOT EXISTS videos_content_hash ON videos(size, content_hash) "
  "  WHERE content_hash IS NOT NULL;"
  "CREATE TABLE duplicate_pairs ("
  "  a INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,"
  "  b INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,"
  "  distance INTEGER NOT NULL,"
  "  exact INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (a, b)) WITHOUT ROWID;"
  "CREATE INDEX duplicate_pairs_b ON duplicate_pairs(b);"
  "CREATE TABLE not_duplicates ("
  "  path_a BLOB NOT NULL,"
  "  path_b BLOB NOT NULL,"
  "  PRIMARY KEY (path_a, path_b)) WITHOUT ROWID;"
  "CREATE INDEX not_duplicates_b ON not_duplicates(path_b);"
  "CREATE TRIGGER videos_fingerprint_reset AFTER UPDATE OF size, mtime_ns ON videos "
  "  WHEN OLD.size IS NOT NEW.size OR OLD.mtime_ns IS NOT NEW.mtime_ns BEGIN "
  "  UPDATE videos SET fingerprint = NULL, fp_state = 0, content_hash = NULL WHERE id = NEW.id;"
  "  DELETE FROM duplicate_pairs WHERE a = NEW.id OR b = NEW.id; END;"
  "CREATE TRIGGER videos_not_duplicates_rename AFTER UPDATE OF path ON videos "
  "  WHEN OLD.path IS NOT NEW.path BEGIN "
  "  UPDATE OR REPLACE not_duplicates SET path_a = NEW.path WHERE path_a = OLD.path;"
  "  UPDATE OR REPLACE not_duplicates SET path_b = NEW.path WHERE path_b = OLD.path; END;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == VS_DATABASE_SCHEMA_VERSION);

/* The list queries' sort indices and the pending-work ones. A bulk load drops them and builds each once at the end,
 * several times cheaper than keeping four B-trees sorted row by row. Every writer open
 * re-creates any that are missing, so a bulk load killed half-way heals on next start. */
const char _vs_database_sort_indices_sql[] =
  "CREATE INDEX IF NOT EXISTS videos_sort_key ON videos(sort_key);"
  "CREATE INDEX IF NOT EXISTS videos_mtime ON videos(mtime_ns);"
  "CREATE INDEX IF NOT EXISTS videos_size ON videos(size);"
  "CREATE INDEX IF NOT EXISTS videos_duration ON videos(duration_ms);"
  "CREATE INDEX IF NOT EXISTS videos_resolution ON videos(ifnull(width * height, 0) = 0, "
  "  ifnull(width * height, 0));"
  "CREATE INDEX IF NOT EXISTS videos_resolution_desc ON videos(ifnull(width * height, 0) > 0, "
  "  ifnull(width * height, 0));"
  "CREATE INDEX IF NOT EXISTS videos_pending_probe ON videos(id) WHERE probe_state = 0 AND kind = 0;"
  "CREATE INDEX IF NOT EXISTS videos_pending_thumb ON videos(id) WHERE thumb_state = 0;"
  "CREATE INDEX IF NOT EXISTS videos_height ON videos(height);"
  "CREATE INDEX IF NOT EXISTS videos_codec ON videos(video_codec);"
  "CREATE INDEX IF NOT EXISTS videos_probe_state ON videos(probe_state);"
  "CREATE INDEX IF NOT EXISTS videos_added ON videos(added_ns);"
  /* the HLS items' ids, for the kind filter of an ordered list (vs-database-filters.c) */
  "CREATE INDEX IF NOT EXISTS videos_hls ON videos(id) WHERE kind = 1;"
  "CREATE INDEX IF NOT EXISTS videos_played ON videos(played_ns);"
  "CREATE INDEX IF NOT EXISTS videos_pending_fp ON videos(id) WHERE fp_state = 0;"
  "CREATE INDEX IF NOT EXISTS videos_content_hash ON videos(size, content_hash) "
  "  WHERE content_hash IS NOT NULL;";
static const char drop_sort_indices_sql[] =
  "DROP INDEX IF EXISTS videos_sort_key;"
  "DROP INDEX IF EXISTS videos_mtime;"
  "DROP INDEX IF EXISTS videos_size;"
  "DROP INDEX IF EXISTS videos_duration;"
  "DROP INDEX IF EXISTS videos_resolution;"
  "DROP INDEX IF EXISTS videos_resolution_desc;"
  "DROP INDEX IF EXISTS videos_pending_probe;"
  "DROP INDEX IF EXISTS videos_pending_thumb;"
  "DROP INDEX IF EXISTS videos_height;"
  "DROP INDEX IF EXISTS videos_codec;"
  "DROP INDEX IF EXISTS videos_probe_state;"
  "DROP INDEX IF EXISTS videos_added;"
  "DROP INDEX IF EXISTS videos_hls;"
  "DROP INDEX IF EXISTS videos_played;"
  "DROP INDEX IF EXISTS videos_pending_fp;"
  "DROP INDEX IF EXISTS videos_content_hash;";

/* Below this many rows, rebuilding the indices after a load costs less than a few
 * thousand random index inserts. */
#define BULK_MAX_EXISTING_ROWS 10000

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
      if (!_vs_database_query_int (self, "PRAGMA user_version", &current, error))
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
      ok = _vs_database_query_int (self, "SELECT count(*) FROM (SELECT 1 FROM videos LIMIT "
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

      ok = _vs_database_exec (self, _vs_database_sort_indices_sql, error);
      self->bulk_dropped = FALSE;
      g_debug ("Rebuilt the sort indices in %.3f s", (g_get_monotonic_time () - start) / 1e6);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}
