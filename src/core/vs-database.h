/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-database.h: the library index (SQLite) and its DAO */
#pragma once

#include <gio/gio.h>

#include "vs-fingerprint.h"
#include "vs-video-record.h"

G_BEGIN_DECLS

#define VS_DATABASE_SCHEMA_VERSION 16

#define VS_DATABASE_ERROR (vs_database_error_quark ())

typedef enum
{
  VS_DATABASE_ERROR_FAILED,
  VS_DATABASE_ERROR_NOT_FOUND,      /* no database at that path (readers only) */
  VS_DATABASE_ERROR_NOT_A_DATABASE, /* not SQLite, or SQLite but not a Vidshelf library */
  VS_DATABASE_ERROR_CORRUPT,
  VS_DATABASE_ERROR_TOO_NEW,        /* made by a newer Vidshelf */
  VS_DATABASE_ERROR_READ_ONLY,
  VS_DATABASE_ERROR_BUSY,
  VS_DATABASE_ERROR_FULL,
} VsDatabaseError;

typedef enum
{
  VS_DATABASE_MODE_WRITER, /* creates and migrates; one per library */
  VS_DATABASE_MODE_READER, /* query only; never creates the file */
} VsDatabaseMode;

/* The filters of a list query (vs-database-filters.c): each 0 is "any". */
typedef enum
{
  VS_KIND_FILTER_ANY = 0,
  VS_KIND_FILTER_FILE,
  VS_KIND_FILTER_HLS,
  VS_KIND_FILTER_HLS_COMPLETE,    /* HLS downloads ready to merge: complete, or a master's
                                   * complete variant */
  VS_KIND_FILTER_HLS_INCOMPLETE,  /* HLS downloads with segments or the end missing */
} VsKindFilter;

typedef enum
{
  VS_WATCHED_FILTER_ANY = 0,
  VS_WATCHED_FILTER_WATCHED,      /* marked or played to the end */
  VS_WATCHED_FILTER_UNWATCHED,    /* not watched (in progress ones included) */
  VS_WATCHED_FILTER_IN_PROGRESS,  /* a playback position is stored */
  VS_WATCHED_FILTER_PLAYED,       /* played at least once (not only marked watched) */
} VsWatchedFilter;

typedef enum
{
  VS_PROBLEM_FILTER_ANY = 0,
  VS_PROBLEM_FILTER_BROKEN,       /* the probe failed */
  VS_PROBLEM_FILTER_UNPROBED,     /* a file not probed yet (HLS items are never probed) */
} VsProblemFilter;

/* What a list query selects. Strings are borrowed. Zeroed, it selects everything, by
 * name; every filter set narrows it (they all apply together, with folder and search). */
typedef struct
{
  const char *folder;     /* NULL: the whole library */
  gboolean    recursive;  /* with folder: include subfolders */
  VsSortKey   sort;
  gboolean    descending;
  const char *search;     /* words, see below; NULL or "" for all */
  gboolean    hls_only;   /* only HLS downloads: kind = VS_KIND_FILTER_HLS, whatever kind says */

  VsKindFilter    kind;
  /* Picture height in pixels, inclusive; 0: no bound. A bound leaves out the videos of
   * unknown height (not probed, no picture, HLS items). */
  int             min_height;
  int             max_height;
  const char     *video_codec;      /* exactly as stored (videos.video_codec); NULL or "": any */
  /* Duration in ms, inclusive; 0: no bound. A bound leaves out unknown durations. */
  gint64          min_duration_ms;
  gint64          max_duration_ms;
  /* Modification time in ns since the epoch: since ≤ mtime < until; 0: no bound. */
  gint64          modified_since_ns;
  gint64          modified_until_ns;
  /* Modified within this many days before the query runs (a saved "past week" stays the
   * past week); 0: no bound. With modified_since_ns, the later of the two applies. */
  guint           modified_within_days;
  VsWatchedFilter watched;
  VsProblemFilter problem;
} VsVideoQuery;

/* The filters of a query, one by one (a chip each in the window). */
typedef enum
{
  VS_QUERY_FILTER_KIND = 0,
  VS_QUERY_FILTER_HEIGHT,
  VS_QUERY_FILTER_CODEC,
  VS_QUERY_FILTER_DURATION,
  VS_QUERY_FILTER_MODIFIED,
  VS_QUERY_FILTER_WATCHED,
  VS_QUERY_FILTER_PROBLEM,
  VS_QUERY_N_FILTERS,
} VsQueryFilter;

/* A search is split into words on white space; a video matches when every word is in its
 * name or in its folder's path below the library root, in any order, ignoring case and
 * accents ("cafe" finds "Café.mp4"). Only the first VS_VIDEO_QUERY_MAX_WORDS words count:
 * a pasted paragraph cannot make a statement of thousands of terms. */
#define VS_VIDEO_QUERY_MAX_WORDS 16

/* What the scanner needs to decide whether a file changed. */
typedef struct
{
  gint64      id;
  gint64      size;
  gint64      mtime_ns;
  VsVideoKind kind;
  VsHlsInfo   hls;   /* kind HLS: a changed state is written even when no file changed */
  gboolean    seen;
} VsVideoStamp;

#define VS_TYPE_DATABASE (vs_database_get_type ())
G_DECLARE_FINAL_TYPE (VsDatabase, vs_database, VS, DATABASE, GObject)

GQuark      vs_database_error_quark   (void);
char       *vs_database_default_path  (void);
/* The key for search: compatibility-decomposed, without accents, case-folded. */
char       *vs_database_fold_name     (const char *utf8);
/* The key for name sorting: folded, with numbers in natural order ("2" before "10"). */
char       *vs_database_sort_key      (const char *utf8);

VsDatabase *vs_database_open          (const char     *path,
                                       VsDatabaseMode  mode,
                                       GError        **error);
const char *vs_database_get_path      (VsDatabase *self);
int         vs_database_get_schema_version (VsDatabase *self);
/* TRUE when the file is already this version's library in WAL mode: a writer opening it
 * will neither migrate it nor rewrite its header, so readers may go ahead meanwhile. */
gboolean    vs_database_is_current    (VsDatabase *self);
/* Frees unused cached pages unless the connection is busy; TRUE when it ran. */
gboolean    vs_database_release_memory (VsDatabase *self);

/* A writer may be shared between threads: a transaction holds the connection's lock
 * from begin to commit or rollback, so other threads' writes wait for it. */
gboolean    vs_database_begin         (VsDatabase  *self,
                                       GError     **error);
gboolean    vs_database_commit        (VsDatabase  *self,
                                       GError     **error);
void        vs_database_rollback      (VsDatabase  *self);

/* A load that may add many rows (a first scan): cheaper index maintenance. */
gboolean    vs_database_begin_bulk    (VsDatabase  *self,
                                       GError     **error);
gboolean    vs_database_end_bulk      (VsDatabase  *self,
                                       GError     **error);

/* Roots */
gboolean    vs_database_add_root      (VsDatabase  *self,
                                       const char  *path,
                                       gint64      *out_root_id,
                                       GError     **error);
gboolean    vs_database_remove_root   (VsDatabase  *self,
                                       const char  *path,
                                       GError     **error);
GStrv       vs_database_dup_roots     (VsDatabase  *self,
                                       GError     **error);
gboolean    vs_database_set_root_scanned (VsDatabase *self,
                                          gint64      root_id,
                                          gint64      when_ns,
                                          GError    **error);
/* A root that vanished keeps its rows, marked unavailable until it is back. */
gboolean    vs_database_set_root_available (VsDatabase  *self,
                                            const char  *path,
                                            gboolean     available,
                                            GError     **error);
/* 1 available, 0 unavailable or not a root, -1 on error. */
int         vs_database_get_root_available (VsDatabase  *self,
                                            const char  *path,
                                            GError     **error);
/* The roots marked unavailable, by path. */
GStrv       vs_database_dup_unavailable_roots (VsDatabase  *self,
                                               GError     **error);
/* Where root @path was last scanned whole: its device (st_dev) and whether it was a mount
 * point. */
gboolean    vs_database_set_root_device (VsDatabase  *self,
                                         const char  *path,
                                         guint64      dev,
                                         gboolean     mount_point,
                                         GError     **error);
/* 1 when @path is a root (*out_known: a device was recorded), 0 when not, -1 on error. */
int         vs_database_get_root_device (VsDatabase  *self,
                                         const char  *path,
                                         gboolean    *out_known,
                                         guint64     *out_dev,
                                         gboolean    *out_mount_point,
                                         GError     **error);

/* Whether root @path's thumbnails also go to the shared repository beside its videos
 * (.sh_thumbnails, see vs_thumbnail_shared_path()); G_IO_ERROR_NOT_FOUND when @path is
 * not a root. */
gboolean    vs_database_set_root_share_previews (VsDatabase  *self,
                                                 const char  *path,
                                                 gboolean     share,
                                                 GError     **error);
/* The roots whose thumbnails are shared, by path (empty on a library older than that). */
GStrv       vs_database_dup_shared_roots (VsDatabase  *self,
                                          GError     **error);

/* Folders: every indexed directory has a row; deleting one deletes what is below it. */
gint64      vs_database_lookup_folder (VsDatabase  *self,
                                       const char  *path,
                                       GError     **error);
gint64      vs_database_ensure_folder (VsDatabase  *self,
                                       gint64       root_id,
                                       gint64       parent_id,
                                       const char  *path,
                                       GError     **error);
GHashTable *vs_database_dup_folders_under (VsDatabase  *self,
                                           const char  *path,
                                           GError     **error);
typedef struct
{
  gint64  id;
  char   *path;        /* filename encoding */
  char   *name;        /* display name */
  gboolean has_children;
} VsFolderRecord;

void        vs_folder_record_free     (VsFolderRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsFolderRecord, vs_folder_record_free)

/* The indexed folders directly below @parent_path (NULL: the library roots), by name. */
GPtrArray  *vs_database_list_folders  (VsDatabase  *self,
                                       const char  *parent_path,
                                       GError     **error);
gboolean    vs_database_delete_folder (VsDatabase  *self,
                                       gint64       folder_id,
                                       guint       *out_n_videos,
                                       GError     **error);

/* Collections (vs-database-collections.c): a saved query with a name, in the sidebar.
 * Names are trimmed, not empty, at most VS_COLLECTION_NAME_MAX characters; two
 * collections may have the same name (they are told apart by id). */
#define VS_COLLECTION_NAME_MAX 200

#define VS_TYPE_COLLECTION (vs_collection_get_type ())

typedef struct
{
  gint64  id;
  char   *name;   /* UTF-8, trimmed */
  char   *query;  /* vs_video_query_to_string() */
} VsCollection;

GType         vs_collection_get_type   (void) G_GNUC_CONST;
VsCollection *vs_collection_new        (gint64              id,
                                        const char         *name,
                                        const char         *query);
VsCollection *vs_collection_copy       (const VsCollection *self);
void          vs_collection_free       (VsCollection       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsCollection, vs_collection_free)
/* @name as it would be stored, or NULL with G_IO_ERROR_INVALID_ARGUMENT. */
char         *vs_collection_normalize_name (const char     *name,
                                            GError        **error);

/* VsCollection items by position, then id; empty for a library older than collections. */
GPtrArray  *vs_database_list_collections  (VsDatabase  *self,
                                           GError     **error);
/* Adds one at the end: its id, or 0 with @error (a bad name, a @query that does not
 * parse: nothing is written). */
gint64      vs_database_add_collection    (VsDatabase  *self,
                                           const char  *name,
                                           const char  *query,
                                           GError     **error);
/* G_IO_ERROR_NOT_FOUND for an id that is not there. */
gboolean    vs_database_rename_collection (VsDatabase  *self,
                                           gint64       id,
                                           const char  *name,
                                           GError     **error);
gboolean    vs_database_remove_collection (VsDatabase  *self,
                                           gint64       id,
                                           GError     **error);
/* Puts @id at @position (0 first; past the end: last), the others keeping their order. */
gboolean    vs_database_move_collection   (VsDatabase  *self,
                                           gint64       id,
                                           guint        position,
                                           GError     **error);

/* Renames a video row, or a folder row with everything below it, in place: ids stay, and
 * with them durations, thumbnail states and whatever else hangs on a row. *out_moved is
 * FALSE (and nothing changes) when @old_path is not indexed, or @new_path is, or its
 * folder is not; @out_folders gets the moved folders' new paths. */
gboolean    vs_database_move          (VsDatabase  *self,
                                       const char  *old_path,
                                       const char  *new_path,
                                       gboolean    *out_moved,
                                       GPtrArray   *out_folders,
                                       GError     **error);

/* The index follows a rename of @old_path (a video or a folder) to @new_path that the
 * library made, in one transaction: rows keep their ids and facts (vs_database_move()),
 * playback positions and watched states follow. @out_moved: whether rows moved (FALSE for
 * a path outside the index); @out_videos (may be NULL): the videos' old and new paths, in
 * pairs; @out_folders (may be NULL): the new paths of the folder rows that moved. */
gboolean    vs_database_rename        (VsDatabase  *self,
                                       const char  *old_path,
                                       const char  *new_path,
                                       gboolean    *out_moved,
                                       GPtrArray   *out_videos,
                                       GPtrArray   *out_folders,
                                       GError     **error);

/* Videos */
GHashTable *vs_database_dup_folder_stamps (VsDatabase  *self,
                                           gint64       folder_id,
                                           GError     **error);
gint64      vs_database_upsert_video  (VsDatabase          *self,
                                       const VsVideoRecord *record,
                                       GError             **error);
gboolean    vs_database_delete_video  (VsDatabase  *self,
                                       gint64       video_id,
                                       GError     **error);
VsVideoRecord *vs_database_lookup_video (VsDatabase  *self,
                                         const char  *path,
                                         GError     **error);
/* Writes only an HLS item's state: its files, and the media facts and thumbnail they back,
 * have not changed (a key file that appeared, say). */
gboolean    vs_database_set_hls_info  (VsDatabase       *self,
                                       gint64            video_id,
                                       const VsHlsInfo  *info,
                                       GError          **error);

/* Media facts */
typedef enum
{
  VS_PENDING_PROBE,      /* files never probed (HLS durations come from the scan) */
  VS_PENDING_THUMBNAIL,  /* items without a thumbnail state yet */
  VS_PENDING_FILMSTRIP,  /* items with a thumbnail: their filmstrips are in a cache of files,
                          * which says itself which are there */
  VS_PENDING_FINGERPRINT, /* items without a fingerprint (nor a failed one) that may have a
                          * picture: no failed probe or thumbnail */
} VsPendingKind;

struct _VsProbeResult;
gboolean    vs_database_set_probe_result (VsDatabase                  *self,
                                          gint64                       video_id,
                                          const struct _VsProbeResult *result,
                                          GError                     **error);
gboolean    vs_database_set_thumb_state  (VsDatabase   *self,
                                          gint64        video_id,
                                          VsMediaState  state,
                                          GError      **error);
gint64      vs_database_count_pending    (VsDatabase    *self,
                                          VsPendingKind  kind,
                                          GError       **error);
/* Ids of rows still waiting for @kind, above @after_id, in id order (keyset paging). */
GArray     *vs_database_query_pending    (VsDatabase    *self,
                                          VsPendingKind  kind,
                                          gint64         after_id,
                                          guint          limit,
                                          GError       **error);

/* Duplicates (vs-database-duplicates.c) ---------------------------------------------- */

/* A video's fingerprint state: made ones are matched against the others once
 * (vs_database_match_duplicates()); a changed file is pending again and loses its pairs. */
typedef enum
{
  VS_FINGERPRINT_STATE_PENDING = 0,
  VS_FINGERPRINT_STATE_MADE    = 1,  /* not matched yet */
  VS_FINGERPRINT_STATE_FAILED  = 2,
  VS_FINGERPRINT_STATE_MATCHED = 3,
} VsFingerprintState;

/* Stores @video_id's fingerprint (MADE), or with NULL marks it FAILED. */
gboolean    vs_database_set_fingerprint  (VsDatabase          *self,
                                          gint64               video_id,
                                          const VsFingerprint *fingerprint,
                                          GError             **error);
/* @out_found FALSE when there is none (pending or failed). */
gboolean    vs_database_get_fingerprint  (VsDatabase          *self,
                                          gint64               video_id,
                                          VsFingerprint       *out,
                                          gboolean            *out_found,
                                          GError             **error);
/* When an exact copy of @video_id (same size and content hash) has a fingerprint, stores
 * it for @video_id too, so the copy is never decoded; @out_copied says whether it did. */
gboolean    vs_database_copy_twin_fingerprint (VsDatabase  *self,
                                               gint64       video_id,
                                               gboolean    *out_copied,
                                               GError     **error);
/* Files (not HLS items) whose size another file has and whose content hash is not known:
 * the only ones an exact copy can be. Keyset paging by id, as vs_database_query_pending(). */
GArray     *vs_database_query_unhashed_twins (VsDatabase  *self,
                                              gint64       after_id,
                                              guint        limit,
                                              GError     **error);
gboolean    vs_database_set_content_hash (VsDatabase          *self,
                                          gint64               video_id,
                                          guint64              hash,
                                          GError             **error);
/* How many videos have a fingerprint (made or matched), and how many still wait. */
gboolean    vs_database_count_fingerprints (VsDatabase  *self,
                                            gint64      *out_made,
                                            gint64      *out_pending,
                                            GError     **error);
/* Finds the pairs of the videos not matched yet: exact copies by content hash, then close
 * fingerprints (vs-duplicate-index.h) against every fingerprint of the library, stored
 * with their distance (up to the high sensitivity's); the videos are then MATCHED.
 * Memory: the index of every fingerprint, about 400 bytes a video, freed on return. */
gboolean    vs_database_match_duplicates (VsDatabase          *self,
                                          GCancellable        *cancellable,
                                          guint               *out_new_pairs,
                                          GError             **error);

typedef struct
{
  gint64   a;          /* ids, a < b */
  gint64   b;
  int      distance;
  gboolean exact;
} VsDuplicatePair;

typedef struct
{
  GArray   *ids;       /* gint64, in id order */
  GArray   *pairs;     /* VsDuplicatePair: the pairs that join them, by a then b */
  int       distance;  /* the largest distance of the pairs that join them (0: copies) */
  gboolean  exact;     /* all exact copies of each other */
  gint64    bytes;     /* the group's size on disk, all copies */
} VsDuplicateGroup;

void        vs_duplicate_group_free      (VsDuplicateGroup *group);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsDuplicateGroup, vs_duplicate_group_free)

/* The groups of videos at most @sensitivity's distance apart (pairs joined transitively),
 * less the pairs marked not duplicates; the biggest groups in bytes first. */
GPtrArray  *vs_database_list_duplicate_groups (VsDatabase             *self,
                                               VsDuplicateSensitivity  sensitivity,
                                               GError                **error);
/* The videos of a group (@ids) still in the index, in the order of @ids: a video gone
 * since the group was listed is left out, so the answer may be empty. */
GPtrArray  *vs_database_load_duplicate_group (VsDatabase    *self,
                                              const gint64  *ids,
                                              guint          n_ids,
                                              GError       **error);
/* Remembers that none of @ids is a duplicate of another of them (by path: it survives a
 * rescan and follows a rename); they are no longer grouped together. */
gboolean    vs_database_mark_not_duplicates (VsDatabase    *self,
                                             const gint64  *ids,
                                             guint          n_ids,
                                             GError       **error);
/* Forgets every "not duplicates" mark among @ids (the undo of the above). */
gboolean    vs_database_unmark_not_duplicates (VsDatabase    *self,
                                               const gint64  *ids,
                                               guint          n_ids,
                                               GError       **error);

/* HLS items (below @folder when not NULL, at any depth) in path order, for going through
 * them all a page at a time: the paths after @after_path (NULL: from the first), at most
 * @limit. Keyset paging, so items added or removed meanwhile never shift a page. */
GPtrArray  *vs_database_query_hls_paths  (VsDatabase    *self,
                                          const char    *folder,
                                          const char    *after_path,
                                          guint          limit,
                                          GError       **error);
/* How many of @ids are HLS items, their paths (in the order of @ids) added to @out_paths
 * when not NULL; -1 on error. */
gint64      vs_database_filter_hls       (VsDatabase    *self,
                                          const gint64  *ids,
                                          guint          n_ids,
                                          GPtrArray     *out_paths,
                                          GError       **error);
gint64      vs_database_count_hls        (VsDatabase    *self,
                                          const char    *folder,
                                          GError       **error);

/* Queries */
gint64      vs_database_count_videos  (VsDatabase          *self,
                                       const VsVideoQuery  *query,
                                       GError             **error);
/* Whether two queries select the same rows in the same order (a NULL search is an empty
 * one, searches with the same words in any order or spacing are the same; recursive
 * matters only with a folder). */
gboolean    vs_video_query_equal      (const VsVideoQuery  *a,
                                       const VsVideoQuery  *b);
/* A copy that owns its strings, in one block: free it with g_free(). */
VsVideoQuery *vs_video_query_copy     (const VsVideoQuery  *query);
/* As text (vs-video-query.c): the sort, the search and the filters, not the folder; what
 * collections store. Parsing checks every value and skips unknown keys. */
char         *vs_video_query_to_string       (const VsVideoQuery  *query);
VsVideoQuery *vs_video_query_new_from_string (const char          *text,
                                              GError             **error);
const char   *vs_sort_key_to_string          (VsSortKey            key);
/* "any", "file", "hls", "hls-complete", "hls-incomplete" */
const char   *vs_kind_filter_to_string       (VsKindFilter         kind);
gboolean      vs_kind_filter_from_string     (const char          *str,
                                              VsKindFilter        *out_kind);
gboolean      vs_video_query_has_filter      (const VsVideoQuery  *query,
                                              VsQueryFilter        filter);
gboolean      vs_video_query_has_filters     (const VsVideoQuery  *query);
void          vs_video_query_clear_filter    (VsVideoQuery        *query,
                                              VsQueryFilter        filter);
/* The filters only (kind to problem); strings are borrowed from @src. */
void          vs_video_query_copy_filters    (VsVideoQuery        *dest,
                                              const VsVideoQuery  *src);
GArray     *vs_database_query_ids     (VsDatabase          *self,
                                       const VsVideoQuery  *query,
                                       GError             **error);
GPtrArray  *vs_database_load_videos   (VsDatabase          *self,
                                       const gint64        *ids,
                                       guint                n_ids,
                                       GError             **error);

/* The video codecs present (the filter's choices), most videos first; NULL on error. */
typedef struct
{
  char   *codec;   /* as stored, what VsVideoQuery.video_codec matches */
  gint64  count;
} VsCodecCount;

void        vs_codec_count_free       (VsCodecCount *self);
GPtrArray  *vs_database_count_codecs  (VsDatabase          *self,
                                       GError             **error);

/* Playback positions: where each video was left, for resuming. The table keeps the
 * VS_PLAYBACK_MAX_ENTRIES most recent; a position near either end is forgotten. */
#define VS_PLAYBACK_MIN_MS         3000  /* earlier than this: nothing worth resuming */
#define VS_PLAYBACK_END_MARGIN_MS  3000  /* this close to the end: watched */
#define VS_PLAYBACK_MAX_ENTRIES    5000

/* Stores @position_ms for @path, or forgets it when there is nothing to resume (see
 * above; @duration_ms < 0 when unknown). */
gboolean    vs_database_set_position  (VsDatabase  *self,
                                       const char  *path,
                                       gint64       position_ms,
                                       gint64       duration_ms,
                                       GError     **error);
/* The stored position of @path in ms, 0 when there is none, -1 on error. */
gint64      vs_database_get_position  (VsDatabase  *self,
                                       const char  *path,
                                       GError     **error);

/* Watched state (vs-database-watched.c): per path, like playback positions, so a rename
 * keeps it (vs_database_rename()). A video played to within its last
 * (100 - VS_WATCHED_PERCENT) % is watched. */
#define VS_WATCHED_PERCENT   95
/* Ids marked by one statement (vs_database_mark_watched_ids()). */
#define VS_WATCHED_IDS_PAGE  256

typedef struct
{
  gboolean watched;
  guint    play_count;
  gint64   last_played_ns;   /* ns since the epoch, 0 when never played */
} VsWatchedState;

/* Whether a play that got to @position_ms of @duration_ms (< 0: unknown) counts as
 * watched; at the end of a stream of unknown duration, pass the position as both. */
gboolean    vs_playback_is_watched    (gint64       position_ms,
                                       gint64       duration_ms);
/* Marks @path watched or not; either way its position is forgotten (nothing to resume).
 * The play count and last play stay. */
gboolean    vs_database_mark_watched  (VsDatabase  *self,
                                       const char  *path,
                                       gboolean     watched,
                                       GError     **error);
/* The same for the videos @ids, in one transaction, one statement per page of ids; ids no
 * longer indexed are left out. */
gboolean    vs_database_mark_watched_ids (VsDatabase    *self,
                                          const gint64  *ids,
                                          guint          n_ids,
                                          gboolean       watched,
                                          GError       **error);
/* A play of @path stopped at @position_ms of @duration_ms (< 0: unknown): it was last
 * played now; watched (vs_playback_is_watched()): marked so, its play count grows by one
 * and its position is forgotten; else its position is stored (vs_database_set_position()). */
gboolean    vs_database_record_play   (VsDatabase  *self,
                                       const char  *path,
                                       gint64       position_ms,
                                       gint64       duration_ms,
                                       GError     **error);
/* @path's state; all 0 for a path never played nor marked. */
gboolean    vs_database_get_watched   (VsDatabase      *self,
                                       const char      *path,
                                       VsWatchedState  *out_state,
                                       GError         **error);

G_END_DECLS
