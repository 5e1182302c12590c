/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library.h: one library — its index, scans, watcher and media work — shared by views
 *
 * The window, the player, the preferences and the CLI borrow one VsLibrary: it owns the
 * writer and reader connections, one scanner (shared with the watcher), the watcher and
 * the media service. It publishes its state as properties, its roots as a GListModel of
 * VsLibraryRoot, and one coalesced ::changed signal; every verb is asynchronous.
 */
#pragma once

#include <gio/gio.h>

#include "vs-database.h"
#include "vs-duplicate-keep.h"
#include "vs-hls-merge.h"
#include "vs-library-model.h"
#include "vs-library-root.h"
#include "vs-library-stats.h"
#include "vs-media-service.h"
#include "vs-scanner.h"
#include "vs-trash.h"
#include "vs-trash-batch.h"

G_BEGIN_DECLS

typedef enum
{
  VS_LIBRARY_STATE_CLOSED,   /* not opened yet, or closed */
  VS_LIBRARY_STATE_OPENING,
  VS_LIBRARY_STATE_READY,
  VS_LIBRARY_STATE_ERROR,    /* see vs_library_get_error() */
} VsLibraryState;

/* What a ::changed signal covers. */
typedef enum
{
  VS_LIBRARY_CHANGE_VIDEOS  = 1 << 0,  /* rows added, removed or updated */
  VS_LIBRARY_CHANGE_FOLDERS = 1 << 1,  /* folders added, removed or renamed */
  VS_LIBRARY_CHANGE_ROOTS   = 1 << 2,  /* roots added or removed */
} VsLibraryChange;

typedef enum
{
  VS_LIBRARY_FLAGS_NONE      = 0,
  /* Opens only a reader: never creates, migrates or writes the database (`list`). */
  VS_LIBRARY_FLAGS_READ_ONLY = 1 << 0,
  /* Nothing starts by itself after a scan (no watching, no probing): the CLI asks. */
  VS_LIBRARY_FLAGS_HEADLESS  = 1 << 1,
  /* No database at all, only the media service: probes and thumbnails of loose files. */
  VS_LIBRARY_FLAGS_NO_INDEX  = 1 << 2,
} VsLibraryFlags;

#define VS_TYPE_LIBRARY (vs_library_get_type ())

G_DECLARE_FINAL_TYPE (VsLibrary, vs_library, VS, LIBRARY, GObject)

/* @database_path NULL: the default library. */
VsLibrary      *vs_library_new                (const char          *database_path,
                                               VsLibraryFlags       flags);
const char     *vs_library_get_database_path  (VsLibrary           *self);
/* A library with no roots starts with this folder when it exists (the Videos folder). */
void            vs_library_set_default_folder (VsLibrary           *self,
                                               const char          *folder);
/* The query the first view will ask for (before the open): its rows are read with the
 * index's opening, while the window is being built, and its model shows them at once. */
void            vs_library_set_first_query    (VsLibrary           *self,
                                               const VsVideoQuery  *query);

void            vs_library_open_async         (VsLibrary           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        vs_library_open_finish        (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Opens on the calling thread (the CLI). */
gboolean        vs_library_open               (VsLibrary           *self,
                                               GError             **error);
/* Rescans the roots that are there, then watches them (once; later calls do nothing). */
void            vs_library_start              (VsLibrary           *self);
/* Watches the roots without a first rescan (once). */
void            vs_library_watch              (VsLibrary           *self);
/* Stops the watcher and cancels scans and media work; completes once nothing of the
 * library runs on another thread, so the connections can close cleanly. */
void            vs_library_close_async        (VsLibrary           *self,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        vs_library_close_finish       (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

VsLibraryState  vs_library_get_state          (VsLibrary           *self);
/* TRUE once the index can be read (vs_library_new_model()): with a current index, while
 * still OPENING (the writer checks every page meanwhile); else from READY on. */
gboolean        vs_library_get_readable       (VsLibrary           *self);
const GError   *vs_library_get_error          (VsLibrary           *self);
gboolean        vs_library_get_scanning       (VsLibrary           *self);
/* Videos seen by the running scan, or media jobs done; total 0 while unknown. */
guint           vs_library_get_progress_done  (VsLibrary           *self);
guint           vs_library_get_progress_total (VsLibrary           *self);
/* TRUE while a scan, a rescan, the watcher or a media update has work in hand. */
gboolean        vs_library_get_busy           (VsLibrary           *self);
/* VsLibraryRoot items, by path. */
GListModel     *vs_library_get_roots          (VsLibrary           *self);
GStrv           vs_library_dup_root_paths     (VsLibrary           *self);
/* The root (owned by the library) holding @path while it is unavailable, or NULL. */
const char     *vs_library_get_unavailable_root (VsLibrary         *self,
                                                 const char        *path);

/* Borrowed parts, valid once the library is readable: the reader is for the main thread's
 * page reads and lists; the media service makes thumbnails for views. */
VsDatabase     *vs_library_get_reader         (VsLibrary           *self);
void            vs_library_release_memory     (VsLibrary           *self);
VsMediaService *vs_library_get_media          (VsLibrary           *self);
VsScanner      *vs_library_get_scanner        (VsLibrary           *self);
/* A new lazy model of the library's videos; it follows ::changed by itself. */
VsLibraryModel *vs_library_new_model          (VsLibrary           *self);

/* Settings, applied live. */
void            vs_library_set_n_workers      (VsLibrary           *self,
                                               guint                n_workers);

/* Verbs */
/* Adds @folder as a root (or rescans it when it is one) and watches it. */
void            vs_library_add_root_async     (VsLibrary           *self,
                                               const char          *folder,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* Forgets root @folder and everything indexed under it (no file is touched). */
void            vs_library_remove_root_async  (VsLibrary           *self,
                                               const char          *folder,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* @folder NULL: every root that is there; a root: that root; a folder inside one: only
 * that folder and what is below it. Requests queue behind a running scan; equal ones
 * share one run. */
void            vs_library_rescan_async       (VsLibrary           *self,
                                               const char          *folder,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* add_root, remove_root and rescan finish here; @out_summary may be NULL. */
gboolean        vs_library_scan_finish        (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               VsScanSummary       *out_summary,
                                               GError             **error);
/* Turns on or off the sharing of root @folder's thumbnails (the freedesktop shared
 * repository, .sh_thumbnails beside its videos): saved through the writer, then the
 * root's VsLibraryRoot:share-previews and the media service follow, and ::changed
 * (VS_LIBRARY_CHANGE_ROOTS) is emitted. G_IO_ERROR_NOT_FOUND when @folder is no root. */
void            vs_library_set_share_previews_async  (VsLibrary           *self,
                                                      const char          *folder,
                                                      gboolean             share,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        vs_library_set_share_previews_finish (VsLibrary           *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
/* Cancels the running scan and those queued. */
void            vs_library_cancel_scan        (VsLibrary           *self);

/* Moves an item to the trash through the guarded module (VsTrash) and updates the index. */
void            vs_library_trash_async        (VsLibrary           *self,
                                               const char          *path,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
VsTrash        *vs_library_trash_finish       (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Renames an item in its folder to @new_name (filename encoding) through the guarded
 * module (vs_trash_rename(): a file and its subtitles, an HLS item's folder); its rows,
 * facts and playback positions follow in the index, its thumbnails in the cache. */
void            vs_library_rename_async       (VsLibrary           *self,
                                               const char          *path,
                                               const char          *new_name,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* The item's new path (its playlist's, for an HLS item), or NULL with @error. */
char           *vs_library_rename_finish      (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Puts back what @trash moved, then updates the index. */
void            vs_library_restore_async      (VsLibrary           *self,
                                               VsTrash             *trash,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        vs_library_restore_finish     (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Moving many videos to the trash at once -------------------------------------------- */

/* @n_done of @n_total items handled (moved, refused, or no longer indexed). */
typedef void (*VsTrashIdsProgress) (guint     n_done,
                                    guint     n_total,
                                    gpointer  user_data);

/* Moves the videos @ids (gint64) to the trash, one item at a time through the guarded
 * module (vs_trash_batch_trash_item(): each with all its refusals; a refusal does not stop
 * the others). Their paths are read from the index a page at a time on a worker, and the
 * rows of what went are removed one transaction a page, so no object per video is made.
 * @progress is called with @user_data on the caller's main context. On cancel, what went
 * stays gone and undoable: the batch is returned then too. */
void            vs_library_trash_ids_async    (VsLibrary           *self,
                                               GArray              *ids,
                                               GCancellable        *cancellable,
                                               VsTrashIdsProgress   progress,
                                               gpointer             progress_data,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* The batch (its counts, refusals and undo record), or NULL with @error when nothing could
 * be done (the index could not be read). */
VsTrashBatch   *vs_library_trash_ids_finish   (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Puts back what @batch moved (vs_trash_batch_restore()), then rescans where it was. */
void            vs_library_restore_batch_async (VsLibrary          *self,
                                                VsTrashBatch       *batch,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean        vs_library_restore_batch_finish (VsLibrary         *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
/* Runs @merge (its roots set to the library's), then updates the index where it wrote
 * and where it removed. */
void            vs_library_merge_async        (VsLibrary           *self,
                                               VsHlsMerge          *merge,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        vs_library_merge_finish       (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Merging every HLS item ------------------------------------------------------------ */

typedef enum
{
  VS_MERGE_ALL_FLAGS_NONE          = 0,
  /* Each merged item's folder goes to the trash once its MP4 is verified (the single
   * merge's remove-source, with all its refusals). */
  VS_MERGE_ALL_FLAGS_REMOVE_SOURCE = 1 << 0,
} VsMergeAllFlags;

/* One item of a merge-all run. */
typedef struct
{
  char     *path;          /* the item's playlist (filename encoding) */
  char     *output;        /* the MP4 written, NULL when refused before it was resolved */
  guint64   bytes_freed;   /* the source's size when it went to the trash, else 0 */
  gboolean  local_copies;  /* read remote URIs from the copies beside the playlist */
  GError   *error;         /* refused: why; merged: set when the source could not go */
} VsMergeAllItem;

/* What a merge-all run did, in counts: its items went to the item callback one by one. */
typedef struct
{
  guint      n_merged;
  guint      n_refused;
  guint      n_sources_kept; /* merged, but the source could not go to the trash */
  guint64    bytes_freed;    /* sum over merged */
  gboolean   cancelled;      /* stopped by the cancellable; what was reported stays done */
} VsMergeAllSummary;

void vs_merge_all_summary_free (VsMergeAllSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsMergeAllSummary, vs_merge_all_summary_free)

/* @current is the playlist being merged (the latest to report, with several jobs), and
 * its bytes; @n_done counts items finished, merged or refused, of @n_total. */
typedef void (*VsMergeAllProgress) (guint        n_done,
                                    guint        n_total,
                                    const char  *current,
                                    guint64      bytes_done,
                                    guint64      bytes_total,
                                    gpointer     user_data);

/* Called on the caller's main context as each item is done: merged (its MP4 in place;
 * @item->error set when its source could not go to the trash) or refused (@item->error
 * says why). @item is valid only during the call. */
typedef void (*VsMergeAllItemFunc) (const VsMergeAllItem *item,
                                    gboolean              merged,
                                    gpointer              user_data);

/* Merges every HLS item of the library (or of @folder and below), @n_jobs at a time (1:
 * one after another, as disks like it), through vs_library_merge_async(): each is checked
 * and refused as a single merge is, and a refusal never stops the others. Items are read
 * from the index a page at a time and each goes to @item_func when it is done, so memory
 * does not grow with the library. On cancel the merge in progress leaves nothing behind
 * and no other starts. @progress and @item_func are called with @user_data on the
 * caller's main context. */
void               vs_library_merge_all_each_async (VsLibrary           *self,
                                                    const char          *folder,
                                                    VsMergeAllFlags      flags,
                                                    guint                n_jobs,
                                                    GCancellable        *cancellable,
                                                    VsMergeAllProgress   progress,
                                                    VsMergeAllItemFunc   item_func,
                                                    gpointer             user_data,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             callback_data);
/* The same run over the HLS items among @ids (gint64; the others are left out), read from
 * the index in pages of ids: a selection, not a folder. Finishes with
 * vs_library_merge_all_finish(). */
void               vs_library_merge_ids_each_async (VsLibrary           *self,
                                                    GArray              *ids,
                                                    VsMergeAllFlags      flags,
                                                    guint                n_jobs,
                                                    GCancellable        *cancellable,
                                                    VsMergeAllProgress   progress,
                                                    VsMergeAllItemFunc   item_func,
                                                    gpointer             user_data,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             callback_data);
/* How many of @ids are HLS items, counted in pages on a worker (no row is loaded). */
void               vs_library_count_hls_async      (VsLibrary           *self,
                                                    GArray              *ids,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* The count, or -1 with @error. */
gint64             vs_library_count_hls_finish     (VsLibrary           *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* The summary (also when cancelled), or NULL with @error when the index cannot be read. */
VsMergeAllSummary *vs_library_merge_all_finish (VsLibrary           *self,
                                                GAsyncResult        *result,
                                                GError             **error);
/* Duplicates (vs-library-duplicates.c) ------------------------------------------------ */

typedef void (*VsDuplicatesProgress) (guint     n_done,
                                      guint     n_total,
                                      gpointer  user_data);

/* Makes the fingerprints still missing (the media helpers, at background priority; exact
 * copies take their twin's without decoding), then matches the new ones against the
 * library (vs_database_match_duplicates()). Probes still missing are made first (no
 * thumbnails). @progress: the pass's jobs done of those to do (probes included), on the
 * caller's main context. Emits ::changed when new pairs were found. */
void            vs_library_find_duplicates_async  (VsLibrary            *self,
                                                   GCancellable         *cancellable,
                                                   VsDuplicatesProgress  progress,
                                                   gpointer              progress_data,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
/* @out_new_pairs: the pairs found by this run. */
gboolean        vs_library_find_duplicates_finish (VsLibrary            *self,
                                                   GAsyncResult         *result,
                                                   guint                *out_new_pairs,
                                                   GError              **error);
/* The groups at @sensitivity (vs_database_list_duplicate_groups()), read on a thread. */
void            vs_library_list_duplicates_async  (VsLibrary              *self,
                                                   VsDuplicateSensitivity  sensitivity,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
/* A GPtrArray of VsDuplicateGroup. @out_fingerprinted: with no group, how many videos have
 * a fingerprint (none: nothing was compared yet); else 0. */
GPtrArray      *vs_library_list_duplicates_finish (VsLibrary            *self,
                                                   GAsyncResult         *result,
                                                   gint64               *out_fingerprinted,
                                                   GError              **error);
/* The copy to keep of each of @groups (a GPtrArray of GArray of gint64 ids) by @rule
 * (vs_duplicate_suggest_keep()), their videos read on a thread. */
void            vs_library_suggest_keep_async     (VsLibrary            *self,
                                                   GPtrArray            *groups,
                                                   VsKeepRule            rule,
                                                   const char           *preferred_folder,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
/* A GArray of gint64, the id kept of each group in order; 0 for a group none of whose
 * videos could be read. */
GArray         *vs_library_suggest_keep_finish    (VsLibrary            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
/* Marks @ids (gint64) as not duplicates of each other, or with @not_duplicates FALSE
 * forgets that (the undo). Emits ::changed. */
void            vs_library_mark_not_duplicates_async  (VsLibrary           *self,
                                                       GArray              *ids,
                                                       gboolean             not_duplicates,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean        vs_library_mark_not_duplicates_finish (VsLibrary           *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Probes what was never probed (and makes missing thumbnails with @flags). */
void            vs_library_update_media_async (VsLibrary           *self,
                                               VsUpdateFlags        flags,
                                               VsThumbnailSize      size,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        vs_library_update_media_finish (VsLibrary          *self,
                                                GAsyncResult       *result,
                                                VsUpdateSummary    *out_summary,
                                                GError            **error);
/* The paths (filename encoding) of the videos @ids (gint64), in that order, read in pages
 * on a thread; videos no longer indexed are left out. */
void            vs_library_dup_paths_async    (VsLibrary           *self,
                                               GArray              *ids,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GStrv           vs_library_dup_paths_finish   (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* The library's figures (vs_database_query_stats()), read on a worker thread through the
 * reader; waits for an open under way. Free the result with vs_library_stats_free(). */
void            vs_library_query_stats_async  (VsLibrary           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
VsLibraryStats *vs_library_query_stats_finish (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* The video codecs present, with their counts (VsCodecCount), most videos first. */
void            vs_library_count_codecs_async (VsLibrary           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray      *vs_library_count_codecs_finish (VsLibrary          *self,
                                                GAsyncResult       *result,
                                                GError            **error);

/* Playback positions, read on the reader and written on the one writer. */
void            vs_library_get_position_async (VsLibrary           *self,
                                               const char          *path,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* The position in ms, 0 when none, -1 with @error set. */
gint64          vs_library_get_position_finish (VsLibrary          *self,
                                                GAsyncResult       *result,
                                                GError            **error);
void            vs_library_set_position_async (VsLibrary           *self,
                                               const char          *path,
                                               gint64               position_ms,
                                               gint64               duration_ms,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        vs_library_set_position_finish (VsLibrary          *self,
                                                GAsyncResult       *result,
                                                GError            **error);

/* Watched state (vs-library-watched.c), written on the one writer; ::changed follows. All
 * three finish with vs_library_watched_finish(). */
/* Marks @paths (filename encoding) watched or unwatched, positions forgotten. */
void            vs_library_mark_watched_async (VsLibrary           *self,
                                               const char * const  *paths,
                                               gboolean             watched,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* The same for the videos @ids (gint64): a selection, one statement per page of ids. */
void            vs_library_mark_watched_ids_async (VsLibrary           *self,
                                                   GArray              *ids,
                                                   gboolean             watched,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* A play of @path stopped (or ended) at @position_ms of @duration_ms (< 0: unknown): see
 * vs_database_record_play(); it stores the position too. */
void            vs_library_record_play_async  (VsLibrary           *self,
                                               const char          *path,
                                               gint64               position_ms,
                                               gint64               duration_ms,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        vs_library_watched_finish     (VsLibrary           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Collections (vs-library-collections.c): listed on the reader (a few rows, fine on the
 * main thread; none before the library is readable or in a library older than them),
 * written on the one writer; ::collections-changed follows every change, on the main
 * thread. */
GPtrArray      *vs_library_list_collections   (VsLibrary           *self,
                                               GError             **error);
/* Adds a collection at @position (-1: last; an undone removal puts it back where it was). */
void            vs_library_add_collection_async (VsLibrary         *self,
                                                 const char        *name,
                                                 const char        *query,
                                                 int                position,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
/* The new collection's id, or 0 with @error. */
gint64          vs_library_add_collection_finish (VsLibrary        *self,
                                                  GAsyncResult     *result,
                                                  GError          **error);
/* Rename, remove and move finish with vs_library_collection_finish(). */
void            vs_library_rename_collection_async (VsLibrary           *self,
                                                    gint64               id,
                                                    const char          *name,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void            vs_library_remove_collection_async (VsLibrary           *self,
                                                    gint64               id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void            vs_library_move_collection_async   (VsLibrary           *self,
                                                    gint64               id,
                                                    guint                position,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        vs_library_collection_finish       (VsLibrary           *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Position writes done through the writer (for tests). */
guint           vs_library_get_n_position_writes (VsLibrary        *self);

/* Headless front ends (vidshelf-cli) ------------------------------------------------------ */

/* Declared by vs-library-watcher.h. */
typedef struct _VsLibraryWatcher VsLibraryWatcher;

/* Adds @folders (absolute) as roots, or rescans those that are, in one scan: one summary
 * for them all, and nothing else runs between them. Finishes with vs_library_scan_finish(). */
void              vs_library_add_roots_async (VsLibrary           *self,
                                              const char * const  *folders,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* The watcher (borrowed; NULL until the library is ready, and when it is read-only), for
 * its per-change signals and counts, which ::changed coalesces away. */
VsLibraryWatcher *vs_library_get_watcher     (VsLibrary           *self);

G_END_DECLS
