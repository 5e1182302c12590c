/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-trash-private.h: shared between the parts of VsTrash */
#pragma once

#include <sys/stat.h>

#include "vs-trash.h"

G_BEGIN_DECLS

typedef struct
{
  dev_t   dev;
  ino_t   ino;
  mode_t  mode;
  off_t   size;
  gint64  mtime_ns;
} Stamp;

typedef struct
{
  char  *path;      /* original, absolute */
  char  *trashed;   /* files/<name>, once moved */
  char  *info;      /* info/<name>.trashinfo, once moved */
  Stamp  stamp;
} Entry;

/* An order-independent digest of a folder's whole tree, so that re-taking the inventory
 * of a folder of a million segments costs no memory. */
typedef struct
{
  guint64 sum[4];
  guint64 count;
} TreeDigest;

struct _VsTrash
{
  GObject     parent_instance;

  char       *item_path;
  char       *folder;        /* the HLS item's folder */
  gboolean    is_hls;
  gboolean    takes_folder;
  TreeDigest  tree;          /* takes_folder: the folder's inventory */
  GArray     *entries;       /* Entry */
  gboolean    moved;
};

/* The trash of the disk the last entry was on: an item's entries mostly share one, and
 * finding it costs a dozen system calls. */
typedef struct
{
  dev_t  dev;
  char  *files_dir;  /* NULL: none found yet */
  char  *info_dir;
} TrashDir;

/* vs-trash.c: the process's one lock for trash, restore and rename */
void        _vs_trash_lock          (void);
void        _vs_trash_unlock        (void);

/* vs-trash-rename.c: tests set it to take the fallbacks of a file system without
 * renameat2(RENAME_NOREPLACE) */
extern gboolean _vs_trash_rename_without_noreplace;

/* vs-trash-inventory.c */
gboolean    _vs_trash_digest_folder (const char    *folder,
                                     TreeDigest    *out,
                                     GCancellable  *cancellable,
                                     GError       **error);
gboolean    _vs_trash_verify        (VsTrash       *self,
                                     GCancellable  *cancellable,
                                     GError       **error);

/* vs-trash-dir.c */
void        _vs_trash_dir_clear     (TrashDir      *t);
gboolean    _vs_trash_move_to_trash (Entry         *e,
                                     TrashDir      *trash,
                                     GError       **error);
gboolean    _vs_trash_move_back     (Entry         *e,
                                     GError       **error);

G_END_DECLS
