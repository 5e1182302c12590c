/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-private.h: shared between the parts of VsLibrary */
#pragma once

#include "vs-library-watcher.h"
#include "vs-library.h"

G_BEGIN_DECLS

typedef enum
{
  REQUEST_ALL,      /* every root that is there */
  REQUEST_ROOTS,    /* full scans of these folders (they become or stay roots) */
  REQUEST_FOLDER,   /* one folder inside a root */
  REQUEST_REMOVE,   /* forget a root */
} RequestKind;

/* The first view's rows, read with the index's opening (vs_library_set_first_query()). */
typedef struct
{
  VsVideoQuery *query;     /* vs_video_query_copy() */
  GArray       *ids;       /* NULL: not read */
  GPtrArray    *records;   /* of the first ids */
} FirstRows;

typedef struct
{
  RequestKind    kind;
  char          *key;        /* equal requests share one run */
  GStrv          folders;
  VsRescanFlags  flags;
  GPtrArray     *tasks;      /* GTask, all completed by the one run */
} Request;

struct _VsLibrary
{
  GObject           parent_instance;

  char             *database_path;
  char             *default_folder;
  VsLibraryFlags    flags;
  VsLibraryState    state;
  GError           *error;

  VsDatabase       *writer;
  VsDatabase       *reader;
  VsScanner        *scanner;
  VsLibraryWatcher *watcher;
  VsMediaService   *media;
  guint             n_workers;

  VsVideoQuery     *first_query;    /* what to read at the opening; NULL: nothing */
  FirstRows        *first_rows;     /* read, for the first model; dropped on a change */

  GListStore       *roots;          /* VsLibraryRoot, by path */
  GStrv             absent;         /* at open: the roots that were not there */
  gboolean          started;
  gboolean          start_wanted;   /* vs_library_start() while opening */
  gboolean          watching;

  GQueue            requests;       /* Request, waiting */
  Request          *running;        /* the scan under way */
  GCancellable     *scan_cancellable;
  guint             progress_done;
  guint             progress_total;
  guint             scan_tick_id;
  guint             scan_changes;       /* rows the running full scan changed so far */
  guint             scan_changes_told;  /* of those, how many views have heard of */

  GPtrArray        *ready_waiters;  /* GTask waiting for the open */
  GCancellable     *cancellable;    /* the library's lifetime */
  guint             n_threads;      /* tasks of ours on other threads */
  gboolean          media_running;
  gboolean          media_again;
  gint64            last_media_changed;
  int               n_position_writes;  /* atomic: counted on the writing thread */

  VsLibraryChange   pending_changes;
  guint             changed_id;
  gboolean          folders_changed;
};

/* State (vs-library.c) */
void       _vs_first_rows_free         (FirstRows           *fr);
void       _vs_library_queue_changed   (VsLibrary           *self,
                                        VsLibraryChange      what);
void       _vs_library_flush_changed   (VsLibrary           *self);
void       _vs_library_notify_busy     (VsLibrary           *self);
void       _vs_library_notify_scanning (VsLibrary           *self);
void       _vs_library_set_progress    (VsLibrary           *self,
                                        guint                done,
                                        guint                total);
GTask     *_vs_library_thread_task_new (VsLibrary           *self,
                                        GCancellable        *cancellable,
                                        gpointer             source_tag,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
VsLibrary *_vs_library_of              (gpointer             task);
void       _vs_library_thread_started  (VsLibrary           *self);
void       _vs_library_thread_done     (VsLibrary           *self);
void       _vs_library_run_when_ready  (VsLibrary           *self,
                                        GTask               *task,
                                        GTaskThreadFunc      func);

/* Roots (vs-library-roots.c) */
VsLibraryRoot      *_vs_library_find_root               (VsLibrary          *self,
                                                         const char         *path,
                                                         guint              *out_position);
VsLibraryRootState  _vs_library_root_state_from_watcher (VsRootState         state);
/* Reads which roots share thumbnails: their VsLibraryRoot and the media service follow. */
void                _vs_library_load_shared_roots       (VsLibrary          *self);
void                _vs_library_sync_roots              (VsLibrary          *self,
                                                         const char * const *paths);
void                _vs_library_count_roots             (VsLibrary          *self);
void                _vs_library_reload_roots            (VsLibrary          *self);
void                _vs_library_ensure_watching         (VsLibrary          *self);
/* the watcher's signals */
void                _vs_library_on_root_state           (VsLibrary          *self,
                                                         const char         *path,
                                                         int                 state);
void                _vs_library_on_watched_changes      (VsLibrary          *self,
                                                         guint               n_changes);
void                _vs_library_on_watched_change       (VsLibrary          *self,
                                                         const VsScanChange *change);
void                _vs_library_on_settled              (VsLibrary          *self,
                                                         const char         *path);

/* Scans (vs-library-scans.c) */
void     _vs_library_request_free     (Request       *request);
void     _vs_library_queue_request    (VsLibrary     *self,
                                       RequestKind    kind,
                                       const char    *key,
                                       GStrv          folders,
                                       VsRescanFlags  flags,
                                       GTask         *task);
void     _vs_library_queue_folder     (VsLibrary     *self,
                                       const char    *folder,
                                       VsRescanFlags  flags,
                                       GTask         *task);
gboolean _vs_library_is_full_scan     (const Request *request);
void     _vs_library_run_next_request (VsLibrary     *self);
/* the scanner's ::progress */
void     _vs_library_on_scan_progress (VsLibrary     *self,
                                       guint          folders_done,
                                       guint          videos_seen,
                                       guint          changes);

/* Verbs (vs-library-verbs.c) */
/* Rescans @folders shallowly (those inside a root), then completes @task: with the
 * "vs-error" it carries, TRUE (restores, merges) or a new reference to its task data. */
void _vs_library_rescan_around     (VsLibrary          *self,
                                    const char * const *folders,
                                    GTask              *task);

/* Media (vs-library-verbs.c) */
void _vs_library_update_media      (VsLibrary *self);
/* the media service's ::update-progress */
void _vs_library_on_media_progress (VsLibrary *self,
                                    guint      done,
                                    guint      total,
                                    guint      flags);

G_END_DECLS
