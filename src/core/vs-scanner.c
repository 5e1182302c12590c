/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-scanner.c: walks library folders and brings the index up to date
 *
 * The scan's context, its batches and its changes, each root's check and scan, and the
 * public API. The walk itself is in vs-scanner-walk.c, the HLS items in vs-scanner-hls.c.
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "vs-scanner"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vs-job-pool.h"
#include "vs-scanner-private.h"
#include "vs-path.h"

/* A batch is committed when it holds this many changes or is this old, so readers see
 * progress and other writers are never held back for long. */
#define BATCH_CHANGES 20000
#define BATCH_USEC    (500 * G_TIME_SPAN_MILLISECOND)


G_DEFINE_FINAL_TYPE (VsScanner, vs_scanner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATABASE,
  PROP_MAX_DEPTH,
  N_PROPS
};

enum {
  PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  dev_t dev;
  ino_t ino;
} DevIno;

void
vs_scan_change_free (VsScanChange *change)
{
  if (change == NULL)
    return;
  g_free (change->path);
  g_free (change->old_path);
  g_free (change);
}

const char *
vs_scan_change_kind_to_string (VsScanChangeKind kind)
{
  static const char * const names[] = {
    [VS_SCAN_CHANGE_ADDED] = "added",
    [VS_SCAN_CHANGE_UPDATED] = "updated",
    [VS_SCAN_CHANGE_REMOVED] = "removed",
    [VS_SCAN_CHANGE_FOLDER_ADDED] = "folder-added",
    [VS_SCAN_CHANGE_FOLDER_REMOVED] = "folder-removed",
    [VS_SCAN_CHANGE_MOVED] = "moved",
  };

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (names), NULL);
  return names[kind];
}

void
_vs_scanner_add_change (ScanContext      *ctx,
                        VsScanChangeKind  kind,
                        VsVideoKind       video_kind,
                        gint64            id,
                        const char       *path,
                        gint64            size,
                        gint64            duration_ms)
{
  VsScanChange *change;

  if (ctx->changes == NULL)
    return;
  change = g_new0 (VsScanChange, 1);
  change->kind = kind;
  change->video_kind = video_kind;
  change->id = id;
  change->path = g_strdup (path);
  change->size = size;
  change->duration_ms = duration_ms;
  g_ptr_array_add (ctx->changes, change);
}

static guint
dev_ino_hash (gconstpointer key)
{
  const DevIno *d = key;

  return (guint) (d->ino ^ (d->ino >> 32) ^ (d->dev * 31));
}

static gboolean
dev_ino_equal (gconstpointer a,
               gconstpointer b)
{
  const DevIno *x = a, *y = b;

  return x->dev == y->dev && x->ino == y->ino;
}

/* TRUE if (dev, ino) was not in @set, and adds it. */
gboolean
_vs_scanner_add_dev_ino (GHashTable *set,
                         dev_t       dev,
                         ino_t       ino)
{
  DevIno key = { dev, ino };
  DevIno *copy;

  if (g_hash_table_contains (set, &key))
    return FALSE;
  copy = g_memdup2 (&key, sizeof key);
  g_hash_table_add (set, copy);
  return TRUE;
}

gboolean
vs_scanner_is_video_name (const char *name)
{
  g_autofree char *type = NULL;
  gboolean uncertain = FALSE;

  g_return_val_if_fail (name != NULL, FALSE);

  type = g_content_type_guess (name, NULL, 0, &uncertain);
  /* shared-mime-info gives *.ts to both MPEG-TS and Qt Linguist; in a video library it
   * is MPEG-TS. */
  if (uncertain && vs_path_has_suffix_nocase (name, ".ts"))
    return TRUE;
  return g_str_has_prefix (type, "video/");
}

/* Content types by name depend on the extension only, so one guess per extension. */
gboolean
_vs_scanner_is_video_cached (ScanContext *ctx,
                             const char  *name)
{
  const char *dot = strrchr (name, '.');
  const char *ext = dot != NULL ? dot : "";
  gpointer cached = g_hash_table_lookup (ctx->video_ext, ext);
  gboolean video;

  if (cached != NULL)
    return GPOINTER_TO_INT (cached) == 1;
  video = vs_scanner_is_video_name (name);
  g_hash_table_insert (ctx->video_ext, g_strdup (ext), GINT_TO_POINTER (video ? 1 : 2));
  return video;
}

void
_vs_scanner_report_skip (ScanContext *ctx,
                         const char  *path,
                         const char  *what,
                         int          saved_errno)
{
  g_autofree char *name = g_filename_display_name (path);

  ctx->summary.skipped++;
  if (saved_errno == ENOENT && g_str_equal (what, "vanished"))
    g_debug ("Skipped “%s”: it vanished during the scan", name);
  else if (saved_errno != 0)
    g_warning ("Skipped “%s”: %s (%s)", name, what, g_strerror (saved_errno));
  else
    g_warning ("Skipped “%s”: %s", name, what);
}

gboolean
_vs_scanner_maybe_commit (ScanContext *ctx,
                          gboolean     force)
{
  gint64 now = g_get_monotonic_time ();

  if (!force && ctx->batch_changes < BATCH_CHANGES && now - ctx->batch_start < BATCH_USEC)
    return TRUE;
  if (!vs_database_commit (ctx->db, &ctx->error))
    {
      vs_database_rollback (ctx->db);
      vs_database_begin (ctx->db, NULL);
      return FALSE;
    }
  ctx->batch_start = now;
  ctx->batch_changes = 0;
  return vs_database_begin (ctx->db, &ctx->error);
}

/* Compares one found file with its row and writes only when it changed. */
void
_vs_scanner_index_file (ScanContext   *ctx,
                        GHashTable    *stamps,
                        VsVideoRecord *record)
{
  VsVideoStamp *stamp = stamps != NULL ? g_hash_table_lookup (stamps, record->path) : NULL;
  gint64 id;

  ctx->summary.hls += record->kind == VS_VIDEO_KIND_HLS;
  if (stamp != NULL)
    {
      stamp->seen = TRUE;
      if (stamp->size == record->size && stamp->mtime_ns == record->mtime_ns &&
          stamp->kind == record->kind)
        {
          if (vs_hls_info_equal (&stamp->hls, &record->hls))
            {
              ctx->summary.unchanged++;
              return;
            }
          /* the same files, another state (a key file that appeared, a library from
           * before states): the media facts and thumbnail stay */
          if (!vs_database_set_hls_info (ctx->db, stamp->id, &record->hls, &ctx->error))
            return;
          ctx->summary.updated++;
          ctx->batch_changes++;
          _vs_scanner_add_change (ctx, VS_SCAN_CHANGE_UPDATED, record->kind, stamp->id,
                                  record->path, record->size, record->duration_ms);
          return;
        }
    }

  vs_video_record_set_path (record, record->path);
  if (record->uri == NULL || (id = vs_database_upsert_video (ctx->db, record, &ctx->error)) < 0)
    {
      if (ctx->error == NULL)
        _vs_scanner_report_skip (ctx, record->path, "cannot be written as a URI", 0);
      return;
    }
  if (stamp != NULL)
    ctx->summary.updated++;
  else
    ctx->summary.added++;
  ctx->batch_changes++;
  _vs_scanner_add_change (ctx, stamp != NULL ? VS_SCAN_CHANGE_UPDATED : VS_SCAN_CHANGE_ADDED,
                          record->kind, id, record->path, record->size, record->duration_ms);
}

/* Roots ------------------------------------------------------------------ */

static gboolean
is_mount_point (const char *path,
                int         fd,
                dev_t       dev)
{
  g_autofree char *parent = g_path_get_dirname (path);
  struct statx stx;
  struct stat pst;

  if (statx (fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) == 0 &&
      (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
    return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  /* Kernels before 5.8: a mount (but not a bind mount) has a device of its own. */
  return g_str_equal (parent, path) || stat (parent, &pst) != 0 || pst.st_dev != dev;
}

static gboolean
is_empty_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  /* g_dir_read_name() skips . and .. and nothing else: a hidden file is content */
  return dir != NULL && g_dir_read_name (dir) == NULL;
}

/* The rule of vs_scanner_check_root(), on an open root: 1 available, 0 not (@error says
 * why), -1 a database error. */
static int
check_root_fd (VsDatabase  *db,
               const char  *root,
               int          fd,
               int          open_errno,
               gboolean    *out_mount_point,
               GError     **error)
{
  g_autofree char *name = g_filename_display_name (root);
  gboolean known = FALSE, was_mount = FALSE, is_mount;
  guint64 dev = 0;
  struct stat st;
  int is_root;

  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved_errno = fd < 0 ? open_errno : errno;

      is_root = vs_database_get_root_device (db, root, &known, &dev, &was_mount, error);
      if (is_root < 0)
        return -1;
      if (is_root > 0 && (saved_errno == ENOENT || saved_errno == ENOTDIR))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_MOUNTED,
                       "Library folder “%s” is unavailable: it is gone", name);
          return 0;
        }
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot read folder “%s”: %s", name, g_strerror (saved_errno));
      return -1;
    }

  is_mount = is_mount_point (root, fd, st.st_dev);
  if (out_mount_point != NULL)
    *out_mount_point = is_mount;
  is_root = vs_database_get_root_device (db, root, &known, &dev, &was_mount, error);
  if (is_root < 0)
    return -1;
  if (is_root == 0 || !known)
    return 1;
  /* What an unmount leaves: the bare folder the file system was mounted on. A mount
   * point kept empty on purpose, or a marker file in it, must not empty the library. */
  if (was_mount && !is_mount)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_MOUNTED,
                   "Library folder “%s” is unavailable: it was a mount point and nothing "
                   "is mounted there now", name);
      return 0;
    }
  /* Device numbers of removable disks change between plugs: only an empty folder on
   * another device is taken for one that is not there. */
  if ((guint64) st.st_dev != dev && is_empty_folder (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_MOUNTED,
                   "Library folder “%s” is unavailable: it is an empty folder on another "
                   "device than the one it was scanned on", name);
      return 0;
    }
  return 1;
}

gboolean
vs_scanner_check_root (VsScanner   *self,
                       const char  *root,
                       GError     **error)
{
  int fd;
  int ok;

  g_return_val_if_fail (VS_IS_SCANNER (self), FALSE);
  g_return_val_if_fail (root != NULL && g_path_is_absolute (root), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ok = check_root_fd (self->database, root, fd, errno, NULL, error);
  if (fd >= 0)
    close (fd);
  return ok > 0;
}

/* An unavailable root: its rows stay, marked, and the caller hears of it. */
static void
keep_unavailable_root (ScanContext *ctx,
                       const char  *root,
                       GError      *reason)
{
  g_warning ("%s; its videos are kept", reason->message);
  ctx->summary.unavailable++;
  vs_database_set_root_available (ctx->db, root, FALSE, &ctx->error);
}

static gboolean
scan_root (ScanContext *ctx,
           const char  *root)
{
  g_autofree char *parent = g_path_get_dirname (root);
  g_autoptr(GError) reason = NULL;
  gboolean mount_point = FALSE;
  gint64 parent_id;
  struct stat st;
  int available;
  int fd;

  if (!vs_database_add_root (ctx->db, root, &ctx->root_id, &ctx->error))
    return FALSE;
  g_clear_pointer (&ctx->db_folders, g_hash_table_unref);
  if (ctx->shallow)
    ctx->db_folders = _vs_scanner_dup_folder_and_children (ctx->db, root, &ctx->error);
  else
    ctx->db_folders = vs_database_dup_folders_under (ctx->db, root, &ctx->error);
  if (ctx->db_folders == NULL)
    return FALSE;
  g_ptr_array_set_size (ctx->kept_prefixes, 0);

  /* A folder inside an existing root hangs below its indexed parent. */
  parent_id = vs_database_lookup_folder (ctx->db, parent, NULL);

  fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  available = check_root_fd (ctx->db, root, fd, errno, &mount_point, &reason);
  if (available <= 0)
    {
      if (fd >= 0)
        close (fd);
      if (available < 0)
        {
          g_propagate_error (&ctx->error, g_steal_pointer (&reason));
          return FALSE;
        }
      keep_unavailable_root (ctx, root, reason);
      return ctx->error == NULL;
    }
  fstat (fd, &st);   /* check_root_fd() succeeded on it */

  if (!vs_database_begin (ctx->db, &ctx->error))
    {
      close (fd);
      return FALSE;
    }
  ctx->batch_start = g_get_monotonic_time ();
  ctx->batch_changes = 0;

  if (_vs_scanner_add_dev_ino (ctx->visited_dirs, st.st_dev, st.st_ino))
    _vs_scanner_scan_folder (ctx, fd, root, MAX (parent_id, 0), 0);
  else
    close (fd);

  /* Symlinked folders last, so a folder reachable both ways is listed under its real path. */
  while (!g_queue_is_empty (&ctx->links) && ctx->error == NULL)
    {
      PendingDir *pending = g_queue_pop_head (&ctx->links);

      _vs_scanner_enter_folder (ctx, AT_FDCWD, pending->path, pending->path, pending->parent_id,
                                pending->depth);
      _vs_scanner_pending_dir_free (pending);
    }

  if (ctx->error == NULL && !g_cancellable_is_cancelled (ctx->cancellable) &&
      (!ctx->shallow || _vs_scanner_expand_vanished_subtrees (ctx)))
    {
      _vs_scanner_remove_vanished_folders (ctx);
      if (ctx->error == NULL)
        vs_database_set_root_scanned (ctx->db, ctx->root_id, g_get_real_time () * 1000,
                                      &ctx->error);
      /* What the next scan compares with (no-ops when @root is not a root itself). */
      if (ctx->error == NULL)
        vs_database_set_root_device (ctx->db, root, (guint64) st.st_dev, mount_point,
                                     &ctx->error);
      if (ctx->error == NULL)
        vs_database_set_root_available (ctx->db, root, TRUE, &ctx->error);
    }

  if (ctx->error != NULL)
    {
      vs_database_rollback (ctx->db);
      return FALSE;
    }
  /* Even a cancelled scan keeps what it indexed: every row written is complete. */
  if (!vs_database_commit (ctx->db, &ctx->error))
    {
      vs_database_rollback (ctx->db);
      return FALSE;
    }
  return TRUE;
}

static char **
check_folders (VsDatabase          *db,
               const char * const  *folders,
               GError             **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *cwd = g_get_current_dir ();

  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *path = g_canonicalize_filename (folders[i], cwd);
      gboolean known, mount_point;
      guint64 dev;

      /* A root that is gone is scanned as unavailable: its rows stay */
      if (!g_file_test (path, G_FILE_TEST_IS_DIR) &&
          (g_file_test (path, G_FILE_TEST_EXISTS) ||
           vs_database_get_root_device (db, path, &known, &dev, &mount_point, NULL) != 1))
        {
          g_autofree char *name = g_filename_display_name (folders[i]);
          gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);

          g_set_error (error, G_IO_ERROR, exists ? G_IO_ERROR_NOT_DIRECTORY : G_IO_ERROR_NOT_FOUND,
                       exists ? "“%s” is not a folder" : "Folder “%s” does not exist", name);
          return NULL;
        }
      g_strv_builder_add (builder, path);
    }
  return g_strv_builder_end (builder);
}

/* The walk behind scan and rescan: @roots are absolute, checked folders. */
static gboolean
run_scan (VsScanner           *self,
          char               **roots,
          gboolean             shallow,
          GPtrArray           *changes,
          VsScanSummary       *out_summary,
          VsScanProgressFunc   progress_func,
          gpointer             user_data,
          GCancellable        *cancellable,
          GError             **error)
{
  ScanContext ctx = { 0 };
  gint64 start = g_get_monotonic_time ();

  ctx.shallow = shallow;
  ctx.changes = changes;
  ctx.self = self;
  ctx.db = self->database;
  ctx.cancellable = cancellable;
  ctx.progress_func = progress_func;
  ctx.user_data = user_data;
  ctx.visited_dirs = g_hash_table_new_full (dev_ino_hash, dev_ino_equal, g_free, NULL);
  ctx.claimed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx.video_ext = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx.kept_prefixes = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&ctx.links);

  /* A rescan changes a few rows: dropping and rebuilding the sort indices would cost more. */
  if (changes != NULL || vs_database_begin_bulk (ctx.db, &ctx.error))
    {
      for (guint i = 0; roots[i] != NULL && ctx.error == NULL; i++)
        {
          if (g_cancellable_is_cancelled (cancellable))
            break;
          scan_root (&ctx, roots[i]);
        }
      if (changes == NULL)
        vs_database_end_bulk (ctx.db, ctx.error == NULL ? &ctx.error : NULL);
    }

  if (ctx.error == NULL)
    {
      ctx.summary.total = 0;
      for (guint i = 0; roots[i] != NULL && ctx.error == NULL; i++)
        {
          VsVideoQuery query = { .folder = roots[i], .recursive = TRUE };
          gint64 n = vs_database_count_videos (ctx.db, &query, &ctx.error);

          ctx.summary.total += MAX (n, 0);
        }
    }
  ctx.summary.elapsed_us = g_get_monotonic_time () - start;

  g_debug ("Scanned %u folders in %.3f s: %u added, %u updated, %u removed, %u unchanged, "
           "%u skipped, %" G_GINT64_FORMAT " videos",
           ctx.summary.folders, ctx.summary.elapsed_us / 1e6, ctx.summary.added,
           ctx.summary.updated, ctx.summary.removed, ctx.summary.unchanged,
           ctx.summary.skipped, ctx.summary.total);

  g_queue_clear_full (&ctx.links, _vs_scanner_pending_dir_free);
  g_clear_pointer (&ctx.visited_dirs, g_hash_table_unref);
  g_clear_pointer (&ctx.claimed, g_hash_table_unref);
  g_clear_pointer (&ctx.video_ext, g_hash_table_unref);
  g_clear_pointer (&ctx.db_folders, g_hash_table_unref);
  g_clear_pointer (&ctx.kept_prefixes, g_ptr_array_unref);
  g_clear_pointer (&ctx.real_roots, g_strfreev);

  if (out_summary != NULL)
    *out_summary = ctx.summary;
  if (ctx.error != NULL)
    {
      g_propagate_error (error, ctx.error);
      return FALSE;
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
vs_scanner_scan (VsScanner           *self,
                 const char * const  *folders,
                 VsScanSummary       *out_summary,
                 VsScanProgressFunc   progress_func,
                 gpointer             user_data,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_auto(GStrv) roots = NULL;

  g_return_val_if_fail (VS_IS_SCANNER (self), FALSE);
  g_return_val_if_fail (folders != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  roots = check_folders (self->database, folders, error);
  if (roots == NULL)
    return FALSE;
  return run_scan (self, roots, FALSE, NULL, out_summary, progress_func, user_data,
                   cancellable, error);
}

gboolean
vs_scanner_rescan (VsScanner      *self,
                   const char     *folder,
                   VsRescanFlags   flags,
                   GPtrArray      *changes,
                   VsScanSummary  *out_summary,
                   GCancellable   *cancellable,
                   GError        **error)
{
  char *roots[] = { (char *) folder, NULL };
  g_autoptr(GPtrArray) scratch = NULL;
  VsScanSummary summary = { 0 };
  gboolean ok;

  g_return_val_if_fail (VS_IS_SCANNER (self), FALSE);
  g_return_val_if_fail (folder != NULL && g_path_is_absolute (folder), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *name = g_filename_display_name (folder);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Folder “%s” is gone", name);
      return FALSE;
    }
  if (changes == NULL)
    changes = scratch = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_scan_change_free);
  ok = run_scan (self, roots, (flags & VS_RESCAN_SHALLOW) != 0, changes, &summary, NULL, NULL,
                 cancellable, error);
  if (out_summary != NULL)
    *out_summary = summary;
  if (ok && summary.unavailable > 0)
    {
      g_autofree char *name = g_filename_display_name (folder);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_MOUNTED,
                   "Library folder “%s” is unavailable", name);
      return FALSE;
    }
  return ok;
}

/* Async ------------------------------------------------------------------ */

typedef struct
{
  GStrv          folders;
  VsScanSummary  summary;
  GMainContext  *context;
  gint64         last_progress;
} ScanTaskData;

typedef struct
{
  VsScanner *self;
  guint      folders_done;
  guint      videos_seen;
  guint      changes;
} ProgressIdle;

static void
scan_task_data_free (gpointer data)
{
  ScanTaskData *td = data;

  g_strfreev (td->folders);
  g_main_context_unref (td->context);
  g_free (td);
}

static gboolean
emit_progress (gpointer data)
{
  ProgressIdle *idle = data;

  g_signal_emit (idle->self, signals[PROGRESS], 0,
                 idle->folders_done, idle->videos_seen, idle->changes);
  return G_SOURCE_REMOVE;
}

static void
progress_idle_free (gpointer data)
{
  ProgressIdle *idle = data;

  g_object_unref (idle->self);
  g_free (idle);
}

static void
forward_progress (const VsScanProgress *progress,
                  gpointer              user_data)
{
  GTask *task = user_data;
  ScanTaskData *td = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();
  ProgressIdle *idle;
  GSource *source;

  if (now - td->last_progress < 100 * G_TIME_SPAN_MILLISECOND)
    return;
  td->last_progress = now;
  idle = g_new0 (ProgressIdle, 1);
  idle->self = g_object_ref (g_task_get_source_object (task));
  idle->folders_done = progress->folders_done;
  idle->videos_seen = progress->videos_seen;
  idle->changes = progress->changes;
  /* Not g_main_context_invoke(): it runs the callback right here when this thread can
   * acquire the context (the caller between two iterations). */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_progress, idle, progress_idle_free);
  g_source_attach (source, td->context);
  g_source_unref (source);
}

static gpointer
scan_niced (gpointer data)
{
  GTask *task = data;
  ScanTaskData *td = g_task_get_task_data (task);
  GError *error = NULL;

  if (vs_scanner_scan (g_task_get_source_object (task), (const char * const *) td->folders,
                       &td->summary, forward_progress, task, g_task_get_cancellable (task),
                       &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  return NULL;
}

/* A scan is background work: the window's frames and reads come first (a start-up rescan
 * of a big library ran against the first seconds of scrolling). */
static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  vs_run_niced ("vs-scan", VS_BACKGROUND_NICENESS, scan_niced, task);
}

void
vs_scanner_scan_async (VsScanner           *self,
                       const char * const  *folders,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ScanTaskData *td;

  g_return_if_fail (VS_IS_SCANNER (self));
  g_return_if_fail (folders != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vs_scanner_scan_async);
  td = g_new0 (ScanTaskData, 1);
  td->folders = g_strdupv ((char **) folders);
  td->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, td, scan_task_data_free);
  g_task_run_in_thread (task, scan_thread);
}

gboolean
vs_scanner_scan_finish (VsScanner      *self,
                        GAsyncResult   *result,
                        VsScanSummary  *out_summary,
                        GError        **error)
{
  g_return_val_if_fail (VS_IS_SCANNER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (out_summary != NULL)
    *out_summary = ((ScanTaskData *) g_task_get_task_data (G_TASK (result)))->summary;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GObject ---------------------------------------------------------------- */

VsScanner *
vs_scanner_new (VsDatabase *database)
{
  g_return_val_if_fail (VS_IS_DATABASE (database), NULL);

  return g_object_new (VS_TYPE_SCANNER, "database", database, NULL);
}

VsDatabase *
vs_scanner_get_database (VsScanner *self)
{
  g_return_val_if_fail (VS_IS_SCANNER (self), NULL);
  return self->database;
}

int
vs_scanner_get_max_depth (VsScanner *self)
{
  g_return_val_if_fail (VS_IS_SCANNER (self), -1);
  return self->max_depth;
}

void
vs_scanner_set_max_depth (VsScanner *self,
                          int        max_depth)
{
  g_return_if_fail (VS_IS_SCANNER (self));

  max_depth = MAX (max_depth, -1);
  if (self->max_depth == max_depth)
    return;
  self->max_depth = max_depth;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_DEPTH]);
}

static void
vs_scanner_dispose (GObject *object)
{
  VsScanner *self = (VsScanner *) object;

  g_clear_object (&self->database);

  G_OBJECT_CLASS (vs_scanner_parent_class)->dispose (object);
}

static void
vs_scanner_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VsScanner *self = VS_SCANNER (object);

  switch (prop_id)
    {
    case PROP_DATABASE:
      g_value_set_object (value, self->database);
      break;
    case PROP_MAX_DEPTH:
      g_value_set_int (value, self->max_depth);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_scanner_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VsScanner *self = VS_SCANNER (object);

  switch (prop_id)
    {
    case PROP_DATABASE:
      self->database = g_value_dup_object (value);
      break;
    case PROP_MAX_DEPTH:
      vs_scanner_set_max_depth (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_scanner_class_init (VsScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vs_scanner_dispose;
  object_class->get_property = vs_scanner_get_property;
  object_class->set_property = vs_scanner_set_property;

  properties[PROP_DATABASE] =
    g_param_spec_object ("database", NULL, NULL, VS_TYPE_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* -1: unlimited; 0: only the files directly in each folder */
  properties[PROP_MAX_DEPTH] =
    g_param_spec_int ("max-depth", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
}

static void
vs_scanner_init (VsScanner *self)
{
  self->max_depth = -1;
}
