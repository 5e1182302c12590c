/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-scanner-private.h: shared between the parts of VsScanner */
#pragma once

#include <sys/stat.h>

#include "vs-scanner.h"

G_BEGIN_DECLS

struct _VsScanner
{
  GObject     parent_instance;

  VsDatabase *database;
  int         max_depth;
};

typedef struct
{
  char          *name;
  unsigned char  type;
} Entry;

typedef struct
{
  char   *path;
  gint64  parent_id;
  int     depth;
} PendingDir;

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

/* vs-scanner.c */
void        _vs_scanner_add_change      (ScanContext      *ctx,
                                         VsScanChangeKind  kind,
                                         VsVideoKind       video_kind,
                                         gint64            id,
                                         const char       *path,
                                         gint64            size,
                                         gint64            duration_ms);
/* TRUE if (dev, ino) was not in @set, and adds it. */
gboolean    _vs_scanner_add_dev_ino     (GHashTable       *set,
                                         dev_t             dev,
                                         ino_t             ino);
gboolean    _vs_scanner_is_video_cached (ScanContext      *ctx,
                                         const char       *name);
gboolean    _vs_scanner_maybe_commit    (ScanContext      *ctx,
                                         gboolean          force);

/* vs-scanner-walk.c */
/* Takes ownership of @dirfd. */
void        _vs_scanner_scan_folder     (ScanContext      *ctx,
                                         int               dirfd,
                                         const char       *path,
                                         gint64            parent_id,
                                         int               depth);
/* Opens a subfolder and walks it once, whatever the route to it. */
void        _vs_scanner_enter_folder    (ScanContext      *ctx,
                                         int               parent_fd,
                                         const char       *name,
                                         const char       *path,
                                         gint64            parent_id,
                                         int               depth);
void        _vs_scanner_pending_dir_free (gpointer        data);
gboolean    _vs_scanner_expand_vanished_subtrees (ScanContext *ctx);
void        _vs_scanner_remove_vanished_folders  (ScanContext *ctx);
GHashTable *_vs_scanner_dup_folder_and_children  (VsDatabase  *db,
                                                  const char  *path,
                                                  GError     **error);

G_END_DECLS
