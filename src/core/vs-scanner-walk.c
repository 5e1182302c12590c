/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-scanner-walk.c: the walk of one folder tree, and the rows of what it did not find
 *
 * The walk uses openat()/statx() relative to each folder's descriptor instead of
 * GFileEnumerator: it avoids a GFileInfo per entry and a full-path lookup per stat,
 * which is what keeps a 100,000-file rescan near find(1)'s speed. Only names that look
 * like videos (or playlists) are ever stat'ed.
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "vs-scanner"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-hls-merge.h"
#include "vs-scanner-private.h"
#include "vs-path.h"

/* The walk ------------------------------------------------------------- */

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const Entry *) a)->name, ((const Entry *) b)->name);
}

static void
clear_entry (gpointer data)
{
  g_free (((Entry *) data)->name);
}

/* Reads a folder's visible names, sorted: deterministic order, and rows inserted in path
 * order fill the index's B-trees sequentially. Takes ownership of @dirfd's DIR. */
static GArray *
list_folder (DIR      *dir,
             gboolean *has_merge_temp)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  struct dirent *d;

  g_array_set_clear_func (entries, clear_entry);
  while ((d = readdir (dir)) != NULL)
    {
      Entry e;

      if (d->d_name[0] == '.')
        {
          *has_merge_temp |= vs_hls_merge_is_temp_name (d->d_name);
          continue;   /* hidden, and . and .. */
        }
      e.name = g_strdup (d->d_name);
      e.type = d->d_type;
      g_array_append_val (entries, e);
    }
  g_array_sort (entries, compare_entries);
  return entries;
}

static gboolean
is_kept (ScanContext *ctx,
         const char  *path)
{
  for (guint i = 0; i < ctx->kept_prefixes->len; i++)
    {
      if (vs_path_is_inside (path, g_ptr_array_index (ctx->kept_prefixes, i)))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_in_library (ScanContext *ctx,
               const char  *target)
{
  if (ctx->real_roots == NULL)
    {
      g_auto(GStrv) roots = vs_database_dup_roots (ctx->db, NULL);
      g_autoptr(GStrvBuilder) real = g_strv_builder_new ();

      for (guint i = 0; roots != NULL && roots[i] != NULL; i++)
        {
          g_autofree char *path = realpath (roots[i], NULL);

          if (path != NULL)
            g_strv_builder_add (real, path);
        }
      ctx->real_roots = g_strv_builder_end (real);
    }
  for (guint i = 0; target != NULL && ctx->real_roots[i] != NULL; i++)
    if (vs_path_is_inside (target, ctx->real_roots[i]))
      return TRUE;
  return FALSE;
}

static gboolean
links_into_library (ScanContext *ctx,
                    const char  *link)
{
  g_autofree char *target = realpath (link, NULL);

  return is_in_library (ctx, target);
}

/* A link whose target the walk lists at its own path: a video name in the library. */
static gboolean
links_to_library_video (ScanContext *ctx,
                        const char  *link)
{
  g_autofree char *target = realpath (link, NULL);

  return target != NULL && _vs_scanner_is_video_cached (ctx, strrchr (target, '/') + 1) &&
         is_in_library (ctx, target);
}

/* Opens a subfolder and walks it once, whatever the route to it. */
void
_vs_scanner_enter_folder (ScanContext *ctx,
                          int          parent_fd,
                          const char  *name,
                          const char  *path,
                          gint64       parent_id,
                          int          depth)
{
  struct stat st;
  int fd;

  fd = openat (parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno != ENOENT)
        g_ptr_array_add (ctx->kept_prefixes, g_strdup (path));
      _vs_scanner_report_skip (ctx, path, errno == ENOENT ? "vanished" : "cannot open the folder",
                               errno);
      return;
    }
  if (fstat (fd, &st) != 0 || !_vs_scanner_add_dev_ino (ctx->visited_dirs, st.st_dev, st.st_ino))
    {
      /* Already walked by another route (a symlink loop or a second link): not twice. */
      g_debug ("%s: already walked", path);
      close (fd);
      return;
    }
  _vs_scanner_scan_folder (ctx, fd, path, parent_id, depth);
}

static gint64
folder_id_for (ScanContext *ctx,
               const char  *path,
               gint64       parent_id)
{
  gpointer key = NULL, value = NULL;
  gint64 id;

  if (g_hash_table_steal_extended (ctx->db_folders, path, &key, &value))
    {
      g_free (key);
      return GPOINTER_TO_SIZE (value);
    }
  ctx->batch_changes++;
  id = vs_database_ensure_folder (ctx->db, ctx->root_id, parent_id, path, &ctx->error);
  if (id > 0)
    _vs_scanner_add_change (ctx, VS_SCAN_CHANGE_FOLDER_ADDED, VS_VIDEO_KIND_FILE, id, path, -1, -1);
  return id;
}

static void
scan_entry (ScanContext *ctx,
            int          dirfd,
            const char  *folder,
            gint64       folder_id,
            Entry       *e,
            GHashTable  *stamps,
            GPtrArray   *subdirs)
{
  g_autofree char *path = g_build_filename (folder, e->name, NULL);
  g_autoptr(VsVideoRecord) record = NULL;
  struct statx stx, lstx;
  int flags = AT_SYMLINK_NOFOLLOW;
  gboolean via_link = FALSE;

  if (g_hash_table_contains (ctx->claimed, path))
    return;
  if (e->type == DT_DIR)
    {
      g_ptr_array_add (subdirs, e);
      return;
    }
  if (e->type == DT_REG && !_vs_scanner_is_video_cached (ctx, e->name))
    return;

  if (e->type == DT_LNK || e->type == DT_UNKNOWN)
    flags = 0;
  if (statx (dirfd, e->name, flags, STATX_BASIC_STATS | STATX_BTIME, &stx) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT &&
          statx (dirfd, e->name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &lstx) == 0)
        _vs_scanner_report_skip (ctx, path, "broken symbolic link", 0);
      else
        _vs_scanner_report_skip (ctx, path, saved_errno == ENOENT ? "vanished" : "cannot read",
                                 saved_errno);
      return;
    }
  /* Without d_type, only lstat tells a link from what it points at. */
  via_link = e->type == DT_LNK ||
             (e->type == DT_UNKNOWN &&
              statx (dirfd, e->name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &lstx) == 0 &&
              S_ISLNK (lstx.stx_mode));
  if (S_ISDIR (stx.stx_mode))
    {
      e->type = via_link ? DT_LNK : DT_DIR;
      g_ptr_array_add (subdirs, e);
      return;
    }
  if (!S_ISREG (stx.stx_mode) || !_vs_scanner_is_video_cached (ctx, e->name))
    return;
  /* A symbolic link to a video of the library is listed at the video's own path only.
   * Hard links are names of their own, each listed where it is (by path, not inode, so a
   * rescan of either folder alone finds the same). */
  if (via_link && links_to_library_video (ctx, path))
    return;

  ctx->summary.total++;
  record = vs_video_record_new ();
  record->folder_id = folder_id;
  record->path = g_steal_pointer (&path);
  record->kind = VS_VIDEO_KIND_FILE;
  record->size = (gint64) stx.stx_size;
  record->mtime_ns = _vs_statx_mtime_ns (&stx);
  record->btime_ns = _vs_statx_btime_ns (&stx);
  _vs_scanner_index_file (ctx, stamps, record);
}

static void
remove_vanished (ScanContext *ctx,
                 GHashTable  *stamps)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, stamps);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      VsVideoStamp *stamp = value;

      if (stamp->seen)
        continue;
      if (!vs_database_delete_video (ctx->db, stamp->id, &ctx->error))
        return;
      _vs_scanner_add_change (ctx, VS_SCAN_CHANGE_REMOVED, stamp->kind, stamp->id, key, -1, -1);
      ctx->summary.removed++;
      ctx->batch_changes++;
    }
}

/* Takes ownership of @dirfd. */
void
_vs_scanner_scan_folder (ScanContext *ctx,
                         int          dirfd,
                         const char  *path,
                         gint64       parent_id,
                         int          depth)
{
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GHashTable) stamps = NULL;
  g_autoptr(GPtrArray) claims = g_ptr_array_new_with_free_func (NULL);
  g_autoptr(GPtrArray) subdirs = g_ptr_array_new ();
  gboolean known = g_hash_table_contains (ctx->db_folders, path);
  gboolean has_merge_temp = FALSE;
  gint64 folder_id;
  DIR *dir;

  if (ctx->error != NULL || g_cancellable_is_cancelled (ctx->cancellable))
    {
      close (dirfd);
      return;
    }

  dir = fdopendir (dirfd);
  if (dir == NULL)
    {
      _vs_scanner_report_skip (ctx, path, "cannot read the folder", errno);
      close (dirfd);
      return;
    }
  errno = 0;
  entries = list_folder (dir, &has_merge_temp);
  if (errno != 0)
    {
      g_ptr_array_add (ctx->kept_prefixes, g_strdup (path));
      _vs_scanner_report_skip (ctx, path, "cannot read the folder", errno);
      closedir (dir);
      return;
    }

  /* A killed merge leaves an output-sized hidden file: the folder is swept only when one
   * is there (the sweep keeps a live merge's, which holds its lock). */
  if (has_merge_temp)
    vs_hls_merge_sweep_stale_temps (path);

  folder_id = folder_id_for (ctx, path, parent_id);
  if (folder_id <= 0)
    {
      closedir (dir);
      return;
    }
  ctx->summary.folders++;
  if (ctx->progress_func != NULL)
    {
      VsScanProgress progress = { path, ctx->summary.folders, (guint) ctx->summary.total,
                                  ctx->summary.added + ctx->summary.updated + ctx->summary.removed };

      ctx->progress_func (&progress, ctx->user_data);
    }

  if (known)
    stamps = vs_database_dup_folder_stamps (ctx->db, folder_id, &ctx->error);

  _vs_scanner_scan_playlists (ctx, dirfd, path, folder_id, entries, stamps, claims);

  /* Real files before symbolic links, so a file linked from its own folder keeps its name. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < entries->len && ctx->error == NULL; i++)
      {
        Entry *e = &g_array_index (entries, Entry, i);

        if ((e->type == DT_LNK) == (pass == 1))
          scan_entry (ctx, dirfd, path, folder_id, e, stamps, subdirs);
      }

  if (stamps != NULL && ctx->error == NULL && !g_cancellable_is_cancelled (ctx->cancellable))
    remove_vanished (ctx, stamps);
  if (ctx->error == NULL)
    _vs_scanner_maybe_commit (ctx, FALSE);

  if (ctx->self->max_depth < 0 || depth < ctx->self->max_depth)
    {
      for (guint i = 0; i < subdirs->len && ctx->error == NULL; i++)
        {
          Entry *e = g_ptr_array_index (subdirs, i);
          g_autofree char *sub = g_build_filename (path, e->name, NULL);

          /* A shallow rescan leaves known subfolders to their own rescans, and a link to a
           * folder of the library to its real path (a whole scan lists it there). */
          if (ctx->shallow && depth == 0 && g_hash_table_remove (ctx->db_folders, sub))
            continue;
          if (ctx->shallow && e->type == DT_LNK && links_into_library (ctx, sub))
            continue;
          if (e->type == DT_LNK)
            {
              PendingDir *pending = g_new0 (PendingDir, 1);

              pending->path = g_steal_pointer (&sub);
              pending->parent_id = folder_id;
              pending->depth = depth + 1;
              g_queue_push_tail (&ctx->links, pending);
              continue;
            }
          _vs_scanner_enter_folder (ctx, dirfd, e->name, sub, folder_id, depth + 1);
        }
    }

  for (guint i = 0; i < claims->len; i++)
    g_hash_table_remove (ctx->claimed, g_ptr_array_index (claims, i));
  closedir (dir);
}

void
_vs_scanner_pending_dir_free (gpointer data)
{
  PendingDir *pending = data;

  g_free (pending->path);
  g_free (pending);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The videos a folder's removal takes with it, before they go. */
static void
report_folder_videos (ScanContext *ctx,
                      gint64       folder_id)
{
  g_autoptr(GHashTable) stamps = vs_database_dup_folder_stamps (ctx->db, folder_id, &ctx->error);
  GHashTableIter iter;
  gpointer key, value;

  if (stamps == NULL)
    return;
  g_hash_table_iter_init (&iter, stamps);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      VsVideoStamp *stamp = value;

      _vs_scanner_add_change (ctx, VS_SCAN_CHANGE_REMOVED, stamp->kind, stamp->id, key, -1, -1);
    }
}

/* A shallow rescan knows only the folder's direct subfolders: those gone take their
 * whole subtree, which is added here so it is removed (and reported) deepest first. */
gboolean
_vs_scanner_expand_vanished_subtrees (ScanContext *ctx)
{
  g_autofree gpointer *paths = NULL;
  guint n = 0;

  paths = g_hash_table_get_keys_as_array (ctx->db_folders, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GHashTable) below = vs_database_dup_folders_under (ctx->db, paths[i], &ctx->error);
      GHashTableIter iter;
      gpointer key, value;

      if (below == NULL)
        return FALSE;
      g_hash_table_iter_init (&iter, below);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_hash_table_contains (ctx->db_folders, key))
          g_hash_table_insert (ctx->db_folders, g_strdup (key), value);
    }
  return TRUE;
}

/* Folders that were indexed but not found again are gone: deepest first, so each one's
 * videos are counted before a parent's cascade would take them. */
void
_vs_scanner_remove_vanished_folders (ScanContext *ctx)
{
  g_autofree gpointer *paths = NULL;
  guint n = 0;

  paths = g_hash_table_get_keys_as_array (ctx->db_folders, &n);
  g_qsort_with_data (paths, n, sizeof (gpointer), compare_paths, NULL);
  for (guint i = n; i-- > 0 && ctx->error == NULL;)
    {
      const char *path = paths[i];
      gint64 id = GPOINTER_TO_SIZE (g_hash_table_lookup (ctx->db_folders, path));
      guint removed = 0;

      if (is_kept (ctx, path))
        continue;
      if (ctx->changes != NULL)
        report_folder_videos (ctx, id);
      if (vs_database_delete_folder (ctx->db, id, &removed, &ctx->error))
        {
          ctx->summary.removed += removed;
          _vs_scanner_add_change (ctx, VS_SCAN_CHANGE_FOLDER_REMOVED, VS_VIDEO_KIND_FILE, id, path,
                                  -1, -1);
        }
    }
}

/* A folder's row and its direct subfolders' rows: what a shallow rescan may find again. */
GHashTable *
_vs_scanner_dup_folder_and_children (VsDatabase  *db,
                                     const char  *path,
                                     GError     **error)
{
  g_autoptr(GHashTable) folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) children = NULL;
  gint64 id = vs_database_lookup_folder (db, path, error);

  if (id < 0)
    return NULL;
  if (id > 0)
    g_hash_table_insert (folders, g_strdup (path), GSIZE_TO_POINTER ((gsize) id));
  children = vs_database_list_folders (db, path, error);
  if (children == NULL)
    return NULL;
  for (guint i = 0; i < children->len; i++)
    {
      VsFolderRecord *child = g_ptr_array_index (children, i);

      g_hash_table_insert (folders, g_steal_pointer (&child->path),
                           GSIZE_TO_POINTER ((gsize) child->id));
    }
  return g_steal_pointer (&folders);
}
