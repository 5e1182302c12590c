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
 * before changing anything when a folder is missing or not a directory. */
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

/* Whether a file name is a video to index (HLS playlists are handled separately). */
gboolean    vs_scanner_is_video_name  (const char *name);

G_END_DECLS
