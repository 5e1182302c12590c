/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-watcher-private.h: shared between VsLibraryWatcher and its rescan worker */
#pragma once

#include <sys/types.h>

#include "vs-library-watcher.h"

G_BEGIN_DECLS

typedef struct
{
  char     *path;
  dev_t     dev;
  gboolean  list;
  gboolean  full;
  /* results */
  gboolean  exists;
  gboolean  remote;
  GPtrArray *folders;   /* when list: every indexed folder of the root */
} RootJob;

typedef struct
{
  char   *path;
  gint64  size;         /* in: at the last look; out: now, -1 when gone */
} SettleJob;

typedef struct
{
  VsScanner  *scanner;
  GArray     *roots;     /* RootJob */
  GPtrArray  *folders;   /* shallow rescans */
  GPtrArray  *moves;     /* old path, new path, … */
  GPtrArray  *moved_folders; /* result: new paths of folders that moved */
  GArray     *settle;    /* SettleJob */
  GPtrArray  *changes;   /* result: VsScanChange */
  GPtrArray  *rescanned; /* result: folder paths */
  GStrv       shared;    /* the roots sharing thumbnails, read when first needed */
} Batch;

void _vs_library_watcher_root_job_clear   (gpointer      data);
void _vs_library_watcher_settle_job_clear (gpointer      data);
void _vs_library_watcher_batch_free       (gpointer      data);
/* Runs a Batch (the task data) on a worker thread: root checks, renames, rescans. */
void _vs_library_watcher_batch_thread     (GTask        *task,
                                           gpointer      source_object,
                                           gpointer      task_data,
                                           GCancellable *cancellable);

G_END_DECLS
