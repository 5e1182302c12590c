/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-trash.h: the one guarded path for destructive actions (trash, restore, rename,
 * overwrite) */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VS_TRASH_ERROR (vs_trash_error_quark ())

/* Every refusal leaves every file where it was. */
typedef enum
{
  VS_TRASH_ERROR_FAILED,
  VS_TRASH_ERROR_NOT_FOUND,     /* the item, or its trashed copy, is gone */
  VS_TRASH_ERROR_NOT_MEDIA,     /* neither a file nor an HLS item (a folder without a playlist…) */
  VS_TRASH_ERROR_PROTECTED,     /* a library root, home, a standard folder or a mount point */
  VS_TRASH_ERROR_CHANGED,       /* something is new or different since the inventory */
  VS_TRASH_ERROR_NO_TRASH,      /* no trash folder on that disk */
  VS_TRASH_ERROR_EXISTS,        /* restore: something is at the original place again */
  VS_TRASH_ERROR_IS_INPUT,      /* an output that is one of the inputs */
  VS_TRASH_ERROR_INVALID_NAME,  /* rename: not a name a file can have here */
  VS_TRASH_ERROR_UNSUPPORTED,   /* rename: the file system cannot rename without risk */
} VsTrashError;

#define VS_TYPE_TRASH (vs_trash_get_type ())
G_DECLARE_FINAL_TYPE (VsTrash, vs_trash, VS, TRASH, GObject)

GQuark       vs_trash_error_quark          (void);

/* Takes the inventory of what trashing one library item takes, without moving anything:
 * - a video file (or a symlink): that entry;
 * - an HLS item, named by its playlist or its folder: the playlist and the files it claims
 *   (segments, #EXT-X-MAP sections, the local variants of a master and theirs) inside its
 *   folder, and the folder itself instead when nothing else is in it and it is not
 *   protected (see vs_trash_is_protected()).
 * @roots are the library's roots (may be NULL): never trashed, nor anything holding them.
 * Blocking: call from a worker thread. */
VsTrash     *vs_trash_new_for_item         (const char          *path,
                                            const char * const  *roots,
                                            GCancellable        *cancellable,
                                            GError             **error);
/* The whole @folder as one entry (the merge's source removal, which has checked that it
 * holds HLS material only). Refused when the folder is protected. */
VsTrash     *vs_trash_new_for_folder       (const char          *folder,
                                            const char * const  *roots,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* The entries, in the order they are moved (original paths, filename encoding). */
guint        vs_trash_get_n_entries        (VsTrash *self);
const char  *vs_trash_get_entry            (VsTrash *self,
                                            guint    index);
/* Where entry @index went, once vs_trash_run() succeeded; NULL before. */
const char  *vs_trash_get_trashed_path     (VsTrash *self,
                                            guint    index);
/* Whether the item's folder goes as a whole (the only entry then). */
gboolean     vs_trash_get_takes_folder     (VsTrash *self);
/* The playlist (HLS) or the file the item was named by. */
const char  *vs_trash_get_item_path        (VsTrash *self);
gboolean     vs_trash_get_is_hls           (VsTrash *self);

/* Takes the inventory again, under the process's trash lock, and moves every entry to the
 * trash of its disk (the freedesktop Trash specification: files/ and info/), only if
 * nothing changed: any entry that is gone, replaced or modified, or anything new in a
 * folder that goes, refuses with VS_TRASH_ERROR_CHANGED before anything moves. */
gboolean     vs_trash_run                  (VsTrash       *self,
                                            GCancellable  *cancellable,
                                            GError       **error);
void         vs_trash_run_async            (VsTrash             *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     vs_trash_run_finish           (VsTrash       *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* Undo: moves back exactly what vs_trash_run() moved (checked by device and inode), never
 * over anything that is at an original place again, and removes their trash info files. */
gboolean     vs_trash_restore              (VsTrash       *self,
                                            GCancellable  *cancellable,
                                            GError       **error);
void         vs_trash_restore_async        (VsTrash             *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     vs_trash_restore_finish       (VsTrash       *self,
                                            GAsyncResult  *result,
                                            GError       **error);

/* Whether @folder must never go to the trash: one of @roots or a folder holding one, the
 * home folder or one above it, an XDG user folder or one above it, a file system's top
 * folder. Decided by device and inode. */
gboolean     vs_trash_is_protected         (const char          *folder,
                                            const char * const  *roots);

/* The rule for writing @output: refused with VS_TRASH_ERROR_EXISTS when something is
 * there and @force is off, and with VS_TRASH_ERROR_IS_INPUT when it is one of @inputs (by
 * device and inode, whatever the paths say), force or not. */
gboolean     vs_trash_check_output         (const char          *output,
                                            const char * const  *inputs,
                                            gboolean             force,
                                            GError             **error);

/* Renaming (vs-trash-rename.c) ------------------------------------------------------ */

/* Whether @name (filename encoding, @length bytes or -1 for NUL-terminated) can name a
 * file: not empty nor only spaces, not "." or "..", no '/' or NUL, at most 255 bytes,
 * valid in the filename encoding. Only the string is looked at (no I/O): the window
 * checks as the user types. Fails with VS_TRASH_ERROR_INVALID_NAME. */
gboolean     vs_trash_check_name           (const char          *name,
                                            gssize               length,
                                            GError             **error);
/* What renaming the library item @item_path (a file, or an HLS item's playlist when
 * @is_hls) renames: the file itself, or the HLS item's folder (an HLS item is named
 * after its folder, see vs_video_record_set_path()). No I/O. */
char        *vs_trash_rename_entry         (const char          *item_path,
                                            gboolean             is_hls);

/* Renames one library item inside its folder to @new_name (filename encoding):
 * - a video file (or a symlink) and its subtitles (NAME.srt, NAME.LANG.vtt… beside it),
 *   all or nothing;
 * - an HLS item (@item_path its playlist, or its folder): its folder, which must hold
 *   nothing but the download (no other video, playlist or folder) and must not be
 *   protected (vs_trash_is_protected()); a playlist that names its files by absolute
 *   paths or file: URIs into that folder is refused (the rename would break it).
 * Never overwrites anything: renameat2(RENAME_NOREPLACE), else link() and unlink() for a
 * file, mkdir() and rename() onto that new empty folder for a folder; a file system that
 * can do none of these refuses with VS_TRASH_ERROR_UNSUPPORTED and renames nothing. The
 * inventory is taken again under the trash lock right before: anything changed or gone
 * refuses. @out_from and @out_to: the paths of the entry renamed (the file or the folder,
 * as @item_path spells them); the same path twice when @new_name is the current name.
 * Blocking: call from a worker thread. */
gboolean     vs_trash_rename               (const char          *item_path,
                                            const char          *new_name,
                                            const char * const  *roots,
                                            char               **out_from,
                                            char               **out_to,
                                            GCancellable        *cancellable,
                                            GError             **error);

G_END_DECLS
