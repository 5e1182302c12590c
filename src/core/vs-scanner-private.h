/* vs-scanner-private.h: shared between the walk and the HLS part of VsScanner */
#pragma once

#include <sys/stat.h>

#include "vs-scanner.h"

G_BEGIN_DECLS

typedef struct
{
  char          *name;
  unsigned char  type;
} Entry;

typedef struct
{
  VsScanner          *self;
  VsDatabase         *db;
  GCancellable       *cancellable;
  VsScanProgressFunc  progress_func;
  gpointer            user_data;

  VsScanSummary       summary;
  GError             *error;          /* a database failure: stops the scan */

  GHashTable         *visited_dirs;   /* DevIno: symlink loops, folders reached twice */
  GHashTable         *claimed;        /* paths owned by an HLS item, for the folder being walked */
  GHashTable         *video_ext;      /* extension → 1 (video) or 2 (not), per scan */

  /* per root */
  gint64              root_id;
  GHashTable         *db_folders;     /* path → id of indexed folders not yet walked */
  GPtrArray          *kept_prefixes;  /* unreadable folders: their rows stay */
  GQueue              links;          /* PendingDir: symlinked folders, walked last */

  gint64              batch_start;
  guint               batch_changes;

  /* rescans */
  gboolean            shallow;
  GPtrArray          *changes;        /* VsScanChange, or NULL when nobody asks */
  GStrv               real_roots;     /* shallow: the library's roots, symlinks resolved */
} ScanContext;

static inline gint64
_vs_statx_mtime_ns (const struct statx *stx)
{
  return stx->stx_mtime.tv_sec * G_GINT64_CONSTANT (1000000000) + stx->stx_mtime.tv_nsec;
}

static inline gint64
_vs_statx_btime_ns (const struct statx *stx)
{
  if (!(stx->stx_mask & STATX_BTIME))
    return 0;
  return stx->stx_btime.tv_sec * G_GINT64_CONSTANT (1000000000) + stx->stx_btime.tv_nsec;
}

void _vs_scanner_report_skip    (ScanContext   *ctx,
                                 const char    *path,
                                 const char    *what,
                                 int            saved_errno);
/* Compares one found file with its row and writes only when it changed. */
void _vs_scanner_index_file     (ScanContext   *ctx,
                                 GHashTable    *stamps,
                                 VsVideoRecord *record);
/* Makes the folder's top-level playlists items and claims their files (vs-scanner-hls.c). */
void _vs_scanner_scan_playlists (ScanContext   *ctx,
                                 int            dirfd,
                                 const char    *folder,
                                 gint64         folder_id,
                                 GArray        *entries,
                                 GHashTable    *stamps,
                                 GPtrArray     *claims);

G_END_DECLS
