/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-scanner.h: incremental, recursive indexing of library folders */
#pragma once

#include <gio/gio.h>

#include "vs-database.h"

G_BEGIN_DECLS

typedef struct
{
  guint  added;
  guint  updated;
  guint  removed;
  guint  unchanged;
  guint  skipped;     /* unreadable folders, broken links, vanished files, bad playlists */
  guint  folders;     /* folders walked */
  guint  hls;         /* HLS items seen */
  guint  unavailable; /* roots found unmounted or gone: their rows were kept */
  gint64 total;       /* videos indexed under the scanned folders afterwards */
  gint64 elapsed_us;
} VsScanSummary;

typedef struct
{
  const char *folder;       /* the folder just listed (filename encoding) */
  guint       folders_done;
  guint       videos_seen;
  guint       changes;      /* added + updated + removed so far */
} VsScanProgress;

/* One change a scan made to the index, for callers that report them (the watcher). */
typedef enum
{
  VS_SCAN_CHANGE_ADDED,
  VS_SCAN_CHANGE_UPDATED,
  VS_SCAN_CHANGE_REMOVED,
  VS_SCAN_CHANGE_FOLDER_ADDED,
  VS_SCAN_CHANGE_FOLDER_REMOVED,
  VS_SCAN_CHANGE_MOVED,          /* a video or folder renamed in place (the watcher's) */
} VsScanChangeKind;

typedef struct
{
  VsScanChangeKind kind;
  VsVideoKind      video_kind;
  gint64           id;           /* the row: a video's, or a folder's */
  char            *path;         /* filename encoding */
  gint64           size;         /* -1 for folders and removals */
  gint64           duration_ms;  /* -1 when unknown */
  char            *old_path;     /* MOVED: where it was */
} VsScanChange;

void        vs_scan_change_free          (VsScanChange     *change);
const char *vs_scan_change_kind_to_string (VsScanChangeKind  kind);

typedef enum
{
  VS_RESCAN_NONE    = 0,
  /* Only the folder's own files and which subfolders it holds: known subfolders are not
   * entered (their own rescans cover them), new ones are walked whole. */
  VS_RESCAN_SHALLOW = 1 << 0,
} VsRescanFlags;

/* Called on the scanning thread after each folder is listed, before its files are read. */
typedef void (*VsScanProgressFunc) (const VsScanProgress *progress,
                                    gpointer              user_data);

#define VS_TYPE_SCANNER (vs_scanner_get_type ())
G_DECLARE_FINAL_TYPE (VsScanner, vs_scanner, VS, SCANNER, GObject)

VsScanner  *vs_scanner_new            (VsDatabase *database);
VsDatabase *vs_scanner_get_database   (VsScanner  *self);
int         vs_scanner_get_max_depth  (VsScanner  *self);
void        vs_scanner_set_max_depth  (VsScanner  *self,
                                       int         max_depth);

/* Scans @folders (each becomes or joins a library root) on the calling thread. Fails
 * before changing anything when a folder is missing or not a directory, unless it is a
 * library root: an unavailable root (see vs_scanner_check_root()) keeps its rows, is
 * marked unavailable in the database and counted in the summary, and the others are
 * scanned. */
gboolean    vs_scanner_scan           (VsScanner           *self,
                                       const char * const  *folders,
                                       VsScanSummary       *out_summary,
                                       VsScanProgressFunc   progress_func,
                                       gpointer             user_data,
                                       GCancellable        *cancellable,
                                       GError             **error);

/* The same on a worker thread; ::progress is emitted on the calling thread's main context,
 * at most ten times a second. */
void        vs_scanner_scan_async     (VsScanner           *self,
                                       const char * const  *folders,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean    vs_scanner_scan_finish    (VsScanner           *self,
                                       GAsyncResult        *result,
                                       VsScanSummary       *out_summary,
                                       GError             **error);

/* Brings one folder of the library up to date on the calling thread, appending what
 * changed to @changes (VsScanChange, may be NULL). @folder must be absolute and inside a
 * root or a root; G_IO_ERROR_NOT_FOUND when it is gone (nothing is changed then). */
gboolean    vs_scanner_rescan         (VsScanner           *self,
                                       const char          *folder,
                                       VsRescanFlags        flags,
                                       GPtrArray           *changes,
                                       VsScanSummary       *out_summary,
                                       GCancellable        *cancellable,
                                       GError             **error);

/* Whether library root @root can be scanned. FALSE with G_IO_ERROR_NOT_MOUNTED when it
 * is unavailable, so its rows must stay: it was a mount point and no longer is, or it is an
 * empty folder on another device than the one it was scanned on, or it is gone. A folder
 * that is not a root, or was never scanned, is available when it exists. */
gboolean    vs_scanner_check_root     (VsScanner           *self,
                                       const char          *root,
                                       GError             **error);

/* Whether a file name is a video to index (HLS playlists are handled separately). */
gboolean    vs_scanner_is_video_name  (const char *name);

G_END_DECLS
