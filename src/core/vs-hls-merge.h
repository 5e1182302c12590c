/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-hls-merge.h: lossless, verified remux of an HLS folder into one MP4 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VS_MERGE_ERROR (vs_merge_error_quark ())

/* Every refusal leaves nothing behind and the source untouched. */
typedef enum
{
  VS_MERGE_ERROR_FAILED,
  VS_MERGE_ERROR_NO_PLAYLIST,     /* no (or no single obvious) playlist in the folder */
  VS_MERGE_ERROR_NO_VARIANT,      /* a master playlist without a local variant */
  VS_MERGE_ERROR_INVALID,         /* the playlist cannot be read */
  VS_MERGE_ERROR_ENCRYPTED,       /* AES-128 or SAMPLE-AES */
  VS_MERGE_ERROR_REMOTE,          /* http(s) or other non-file URIs */
  VS_MERGE_ERROR_ESCAPING,        /* a segment outside the folder */
  VS_MERGE_ERROR_MISSING_SEGMENT, /* missing, unreadable or shorter than its byte range */
  VS_MERGE_ERROR_EXISTS,          /* the output exists and force is off */
  VS_MERGE_ERROR_INVALID_OUTPUT,  /* the output would land inside the source, or is a folder */
  VS_MERGE_ERROR_NO_SPACE,        /* not enough free space for the output */
  VS_MERGE_ERROR_UNSUPPORTED,     /* a stream MP4 cannot hold without re-encoding */
  VS_MERGE_ERROR_DISCONTINUITY,   /* timestamps go backwards across a discontinuity */
  VS_MERGE_ERROR_VERIFY_FAILED,   /* the result's duration or streams differ from the source */
  VS_MERGE_ERROR_TRASH_FAILED,    /* the MP4 is in place, the folder could not be trashed */
  /* with remove-source only, refused before anything is read or written: */
  VS_MERGE_ERROR_SOURCE_NOT_HLS_ONLY, /* the folder holds files that are not HLS material */
  VS_MERGE_ERROR_SOURCE_PROTECTED,    /* home, an XDG user folder, or a file system's root */
  VS_MERGE_ERROR_BUSY,            /* another merge is writing the same output */
} VsMergeError;

#define VS_TYPE_HLS_MERGE (vs_hls_merge_get_type ())
G_DECLARE_FINAL_TYPE (VsHlsMerge, vs_hls_merge, VS, HLS_MERGE, GObject)

GQuark       vs_merge_error_quark            (void);

/* @input: an HLS folder or one of its playlists (filename encoding). */
VsHlsMerge  *vs_hls_merge_new                (const char  *input);
const char  *vs_hls_merge_get_input          (VsHlsMerge  *self);

/* NULL (the default): “<folder name>.mp4” beside the folder. After a run (even a
 * refused one, once the input was resolved) the getter returns the path used. */
char        *vs_hls_merge_dup_output         (VsHlsMerge  *self);
void         vs_hls_merge_set_output         (VsHlsMerge  *self,
                                              const char  *output);
gboolean     vs_hls_merge_get_force          (VsHlsMerge  *self);
void         vs_hls_merge_set_force          (VsHlsMerge  *self,
                                              gboolean     force);
/* The library's folders: with remove-source, none of them (nor a folder holding one)
 * goes to the trash. */
void         vs_hls_merge_set_library_roots  (VsHlsMerge          *self,
                                              const char * const  *roots);
gboolean     vs_hls_merge_get_remove_source  (VsHlsMerge  *self);
void         vs_hls_merge_set_remove_source  (VsHlsMerge  *self,
                                              gboolean     remove_source);

/* Results of the last run: the HLS folder it read (NULL before the input was
 * resolved), and whether that folder went to the trash. */
char        *vs_hls_merge_dup_source_folder  (VsHlsMerge  *self);
gboolean     vs_hls_merge_get_source_trashed (VsHlsMerge  *self);
/* Whether the last run read remote segment URIs from the copies saved beside the playlist
 * under their URLs' names (vs_playlist_local_copy()): a playlist of remote URIs is merged
 * only when every one has its copy. */
gboolean     vs_hls_merge_get_used_local_copies (VsHlsMerge *self);

/* Runs the merge on the calling thread. ::progress is emitted on that thread, at most
 * ten times a second plus once at the end. One run at a time per object. */
gboolean     vs_hls_merge_run                (VsHlsMerge           *self,
                                              GCancellable         *cancellable,
                                              GError              **error);
/* The same on a worker thread; ::progress is emitted on the thread-default main context
 * of the caller. */
void         vs_hls_merge_run_async          (VsHlsMerge           *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean     vs_hls_merge_run_finish         (VsHlsMerge           *self,
                                              GAsyncResult         *result,
                                              GError              **error);

/* Whether @name is one of a merge's temporary files (“.<output name>.vidshelf-merge”). */
gboolean     vs_hls_merge_is_temp_name       (const char           *name);
/* Removes from @dir the temporary files that killed merges left (no merge holds their
 * lock); returns how many it removed. */
guint        vs_hls_merge_sweep_stale_temps  (const char           *dir);

/* Signals:
 * ::progress (VsHlsMerge *self, guint64 bytes_done, guint64 bytes_total) */

G_END_DECLS
