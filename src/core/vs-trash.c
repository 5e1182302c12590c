/* vs-trash.c: the one guarded path for destructive actions
 *
 * Trashing a library item first takes its inventory (what exactly goes, and the device,
 * inode, size and modification time of each entry), then takes it again under a lock
 * right before anything moves: anything gone, replaced, modified or new refuses the
 * whole action. Entries move with rename() into the freedesktop trash of their disk
 * (files/ and info/, written here rather than through GIO so that undo knows exactly
 * where each went, with or without gvfs's trash:// backend, and under Flatpak). Identity
 * is always device and inode, never a comparison of path strings.
 */
#define G_LOG_DOMAIN "vs-trash"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixmounts.h>

#include "vs-path.h"
#include "vs-playlist.h"
#include "vs-trash.h"

#define TREE_MAX_DEPTH    8
#define TRASH_NAME_MAX    200   /* bytes of the original name kept in the trash's name */
#define TRASH_ATTEMPTS    10000

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

G_DEFINE_FINAL_TYPE (VsTrash, vs_trash, G_TYPE_OBJECT)

G_DEFINE_QUARK (vs-trash-error-quark, vs_trash_error)

/* One trash or restore at a time in the process: the inventory check and the moves are
 * one step for every caller (window, player, merge, CLI). */
static GMutex trash_lock;

/* Stamps ------------------------------------------------------------------------ */

static void
stamp_from_stat (Stamp             *stamp,
                 const struct stat *st)
{
  stamp->dev = st->st_dev;
  stamp->ino = st->st_ino;
  stamp->mode = st->st_mode;
  stamp->size = S_ISDIR (st->st_mode) ? 0 : st->st_size;
  stamp->mtime_ns = S_ISDIR (st->st_mode) ? 0 :
                    (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
}

static gboolean
stamp_equal (const Stamp *a,
             const Stamp *b)
{
  return a->dev == b->dev && a->ino == b->ino && a->mode == b->mode &&
         a->size == b->size && a->mtime_ns == b->mtime_ns;
}

static gboolean
same_file (const struct stat *a,
           const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static guint
inode_hash (gconstpointer key)
{
  const Stamp *s = key;

  return g_int64_hash (&(gint64) { (gint64) s->ino }) ^ (guint) s->dev;
}

static gboolean
inode_equal (gconstpointer a,
             gconstpointer b)
{
  const Stamp *x = a, *y = b;

  return x->dev == y->dev && x->ino == y->ino;
}

static GHashTable *
inode_set_new (void)
{
  return g_hash_table_new_full (inode_hash, inode_equal, g_free, NULL);
}

static gboolean
inode_set_add (GHashTable        *set,
               const struct stat *st)
{
  Stamp *s = g_new0 (Stamp, 1);

  stamp_from_stat (s, st);
  return g_hash_table_add (set, s);
}

static gboolean
inode_set_contains (GHashTable        *set,
                    const struct stat *st)
{
  Stamp s = { .dev = st->st_dev, .ino = st->st_ino };

  return g_hash_table_contains (set, &s);
}

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_free (e->path);
  g_free (e->trashed);
  g_free (e->info);
}

static void
add_entry (VsTrash           *self,
           const char        *path,
           const struct stat *st)
{
  Entry e = { g_strdup (path), NULL, NULL, { 0 } };

  stamp_from_stat (&e.stamp, st);
  g_array_append_val (self->entries, e);
}

/* The folder's tree ------------------------------------------------------------ */

static void
tree_digest_add (TreeDigest        *digest,
                 const char        *relative,
                 const struct stat *st)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  Stamp stamp;
  guint8 bytes[32];
  gsize len = sizeof bytes;

  /* the struct's bytes are hashed: its padding must be zero too */
  memset (&stamp, 0, sizeof stamp);
  stamp_from_stat (&stamp, st);
  g_checksum_update (sum, (const guchar *) relative, strlen (relative) + 1);
  g_checksum_update (sum, (const guchar *) &stamp, sizeof stamp);
  g_checksum_get_digest (sum, bytes, &len);
  for (guint i = 0; i < 4; i++)
    {
      guint64 part;

      memcpy (&part, bytes + 8 * i, sizeof part);
      digest->sum[i] += part;
    }
  digest->count++;
}

typedef struct
{
  GHashTable   *claimed;      /* inodes the item claims (NULL: none) */
  guint         unclaimed;    /* entries that are not the item's */
  GPtrArray    *playlists;    /* unclaimed playlists met (NULL: not collected) */
  TreeDigest    digest;
  GCancellable *cancellable;
} TreeWalk;

/* Walks @dir (symlinks not followed), digesting every entry and counting those that the
 * item does not claim. A tree deeper than TREE_MAX_DEPTH counts as unclaimed content. */
static gboolean
walk_tree (TreeWalk    *walk,
           const char  *dir,
           const char  *relative,
           guint        depth,
           GError     **error)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, error);
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *rel = relative ? g_build_filename (relative, name, NULL) : g_strdup (name);
      struct stat st;

      if (g_cancellable_set_error_if_cancelled (walk->cancellable, error))
        return FALSE;
      if (lstat (path, &st) != 0)
        {
          /* gone meanwhile: the next inventory will tell */
          walk->unclaimed++;
          continue;
        }
      tree_digest_add (&walk->digest, rel, &st);
      if (S_ISDIR (st.st_mode))
        {
          if (depth >= TREE_MAX_DEPTH)
            walk->unclaimed++;
          else if (!walk_tree (walk, path, rel, depth + 1, error))
            return FALSE;
        }
      else if (walk->claimed == NULL || !S_ISREG (st.st_mode) ||
               !inode_set_contains (walk->claimed, &st))
        {
          walk->unclaimed++;
          if (walk->playlists != NULL && S_ISREG (st.st_mode) && vs_path_is_playlist_name (name))
            g_ptr_array_add (walk->playlists, g_steal_pointer (&path));
        }
    }
  return TRUE;
}

static gboolean
digest_folder (const char    *folder,
               TreeDigest    *out,
               GCancellable  *cancellable,
               GError       **error)
{
  TreeWalk walk = { .cancellable = cancellable };

  if (!walk_tree (&walk, folder, NULL, 0, error))
    return FALSE;
  *out = walk.digest;
  return TRUE;
}

/* Protection ---------------------------------------------------------------------- */

/* Whether @folder is @dir or one of its ancestors. */
static gboolean
holds (const struct stat *folder,
       const char        *dir)
{
  g_autofree char *current = dir != NULL ? realpath (dir, NULL) : NULL;

  while (current != NULL)
    {
      struct stat st;
      char *parent;

      if (stat (current, &st) == 0 && same_file (&st, folder))
        return TRUE;
      if (strcmp (current, "/") == 0)
        break;
      parent = g_path_get_dirname (current);
      g_free (current);
      current = parent;
    }
  return FALSE;
}

gboolean
vs_trash_is_protected (const char         *folder,
                       const char * const *roots)
{
  g_autofree char *real = NULL;
  g_autofree char *parent = NULL;
  struct stat st, parent_st;

  g_return_val_if_fail (folder != NULL, TRUE);

  real = realpath (folder, NULL);
  if (real == NULL || stat (real, &st) != 0 || strcmp (real, "/") == 0)
    return TRUE;
  /* the top of a file system (a mount point) */
  parent = g_path_get_dirname (real);
  if (stat (parent, &parent_st) != 0 || parent_st.st_dev != st.st_dev ||
      same_file (&parent_st, &st))
    return TRUE;
  if (holds (&st, g_get_home_dir ()))
    return TRUE;
  for (int i = 0; i < G_USER_N_DIRECTORIES; i++)
    if (holds (&st, g_get_user_special_dir (i)))
      return TRUE;
  for (guint i = 0; roots != NULL && roots[i] != NULL; i++)
    if (holds (&st, roots[i]))
      return TRUE;
  return FALSE;
}

/* The inventory ---------------------------------------------------------------------- */

static VsTrash *
trash_new (const char *item_path)
{
  VsTrash *self = g_object_new (VS_TYPE_TRASH, NULL);

  self->item_path = g_strdup (item_path);
  return self;
}

static char *
absolute_path (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return g_file_get_path (file);
}

typedef struct
{
  VsTrash    *self;
  GHashTable *claimed;
  char       *real_folder;
  char       *last_key;   /* the key file and init section claimed last */
  char       *last_map;
  guint       n_segments; /* segment files claimed */
} Claims;

/* A file the item names, when it lies in the item's folder (by its real path). */
static void
claim (Claims     *c,
       const char *path)
{
  g_autofree char *real = NULL;
  struct stat st;

  if (path == NULL || lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return;
  real = realpath (path, NULL);
  if (real == NULL || !vs_path_is_inside (real, c->real_folder) ||
      strcmp (real, c->real_folder) == 0)
    return;
  if (inode_set_add (c->claimed, &st))
    add_entry (c->self, path, &st);
}

/* The key and init section in force are the same for long runs of segments: each is
 * looked at once per change. */
static void
claim_once (Claims      *c,
            char       **last,
            const char  *path)
{
  if (path == NULL || g_strcmp0 (*last, path) == 0)
    return;
  g_free (*last);
  *last = g_strdup (path);
  claim (c, path);
}

static gboolean
claim_segment (const VsPlaylistSegment *segment,
               gpointer                 user_data)
{
  Claims *c = user_data;
  guint before = c->self->entries->len;

  claim (c, segment->path);
  if (c->self->entries->len > before)
    c->n_segments++;
  claim_once (c, &c->last_key, segment->key_path);
  claim_once (c, &c->last_map, segment->map_path);
  return TRUE;
}

/* Parses a media or master playlist; a master's local variants are claimed with what they
 * name. Returns whether the playlist could be read. */
static gboolean
claim_playlist (Claims       *c,
                const char   *path,
                guint         depth,
                GCancellable *cancellable)
{
  g_autoptr(VsPlaylist) playlist = NULL;
  g_autoptr(GError) error = NULL;

  playlist = vs_playlist_parse (path, c->self->folder, claim_segment, c, cancellable, &error);
  if (playlist == NULL)
    {
      g_debug ("Reading %s: %s", path, error->message);
      return FALSE;
    }
  claim (c, vs_playlist_get_map_path (playlist));
  for (guint i = 0; depth == 0 && i < vs_playlist_get_n_variants (playlist); i++)
    {
      const VsPlaylistVariant *variant = vs_playlist_get_variant (playlist, i);

      if (variant->path == NULL || !variant->exists)
        continue;
      claim (c, variant->path);
      claim_playlist (c, variant->path, depth + 1, cancellable);
    }
  return TRUE;
}

static gboolean
mark_shared (const VsPlaylistSegment *segment,
             gpointer                 user_data)
{
  struct stat st;

  if (segment->path != NULL && lstat (segment->path, &st) == 0)
    inode_set_add (user_data, &st);
  if (segment->key_path != NULL && lstat (segment->key_path, &st) == 0)
    inode_set_add (user_data, &st);
  if (segment->map_path != NULL && lstat (segment->map_path, &st) == 0)
    inode_set_add (user_data, &st);
  return TRUE;
}

/* Files another playlist of the folder names stay for it. */
static void
drop_shared (VsTrash      *self,
             GPtrArray    *others,
             GCancellable *cancellable)
{
  g_autoptr(GHashTable) shared = inode_set_new ();

  for (guint i = 0; i < others->len; i++)
    {
      g_autoptr(VsPlaylist) playlist = NULL;
      const char *path = g_ptr_array_index (others, i);
      struct stat st;

      playlist = vs_playlist_parse (path, self->folder, mark_shared, shared, cancellable, NULL);
      if (playlist == NULL)
        continue;
      if (vs_playlist_get_map_path (playlist) != NULL &&
          lstat (vs_playlist_get_map_path (playlist), &st) == 0)
        inode_set_add (shared, &st);
      for (guint v = 0; v < vs_playlist_get_n_variants (playlist); v++)
        {
          const VsPlaylistVariant *variant = vs_playlist_get_variant (playlist, v);

          if (variant->path != NULL && lstat (variant->path, &st) == 0)
            inode_set_add (shared, &st);
        }
    }
  for (guint i = self->entries->len; i > 0; i--)
    {
      Entry *e = &g_array_index (self->entries, Entry, i - 1);
      Stamp key = { .dev = e->stamp.dev, .ino = e->stamp.ino };

      if (i - 1 > 0 && g_hash_table_contains (shared, &key))
        g_array_remove_index (self->entries, i - 1);
    }
}

/* Picks the playlist of an HLS folder: the only one, or the only master. */
static char *
folder_playlist (const char  *folder,
                 GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, error);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *display = g_filename_display_name (folder);
  char *master = NULL;
  guint masters = 0;
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (vs_path_is_playlist_name (name))
      g_ptr_array_add (found, g_build_filename (folder, name, NULL));
  for (guint i = 0; i < found->len; i++)
    {
      g_autoptr(VsPlaylist) playlist = vs_playlist_parse (g_ptr_array_index (found, i), folder,
                                                          NULL, NULL, NULL, NULL);

      if (playlist != NULL && (vs_playlist_get_flags (playlist) & VS_PLAYLIST_FLAG_MASTER))
        {
          masters++;
          master = g_ptr_array_index (found, i);
        }
    }
  if (masters == 1)
    return g_strdup (master);
  if (masters == 0 && found->len == 1)
    return g_strdup (g_ptr_array_index (found, 0));
  g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_MEDIA,
               found->len == 0 ? _("“%s” is a folder, not a video or an HLS download") :
                                 _("“%s” holds several playlists; name the one to remove"),
               display);
  return NULL;
}

VsTrash *
vs_trash_new_for_item (const char          *path,
                       const char * const  *roots,
                       GCancellable        *cancellable,
                       GError             **error)
{
  g_autoptr(VsTrash) self = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *playlist = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GHashTable) claimed = NULL;
  g_autoptr(GPtrArray) others = NULL;
  TreeWalk walk = { 0 };
  Claims c = { 0 };
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  absolute = absolute_path (path);
  display = g_filename_display_name (absolute);
  if (lstat (absolute, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, VS_TRASH_ERROR,
                   saved == ENOENT ? VS_TRASH_ERROR_NOT_FOUND : VS_TRASH_ERROR_FAILED,
                   _("Could not read “%s”: %s"), display, g_strerror (saved));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      /* naming a protected folder (a library root, home…) never takes files out of it */
      if (vs_trash_is_protected (absolute, roots))
        {
          g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_PROTECTED,
                       _("“%s” is a library folder, your home folder, a standard folder or "
                         "the top of a disk, or holds one; it does not go to the trash"),
                       display);
          return NULL;
        }
      playlist = folder_playlist (absolute, error);
      if (playlist == NULL)
        return NULL;
    }
  else if (S_ISREG (st.st_mode) && vs_path_is_playlist_name (absolute))
    playlist = g_strdup (absolute);

  if (playlist == NULL)
    {
      if (!S_ISREG (st.st_mode) && !S_ISLNK (st.st_mode))
        {
          g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_MEDIA,
                       _("“%s” is not a video file"), display);
          return NULL;
        }
      self = trash_new (absolute);
      add_entry (self, absolute, &st);
      return g_steal_pointer (&self);
    }

  self = trash_new (playlist);
  /* The folder by its real path: named through a symlink to it, the folder itself (not
   * the link) is what goes, and every entry is named by where it really is. */
  {
    g_autofree char *named_folder = g_path_get_dirname (playlist);
    g_autofree char *base = g_path_get_basename (playlist);

    self->folder = realpath (named_folder, NULL);
    if (self->folder == NULL)
      {
        g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_FOUND,
                     _("Could not read “%s”"), display);
        return NULL;
      }
    g_free (playlist);
    playlist = g_build_filename (self->folder, base, NULL);
  }
  if (lstat (playlist, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_FOUND,
                   _("Could not read “%s”"), display);
      return NULL;
    }
  /* the playlist is always the first entry */
  add_entry (self, playlist, &st);
  claimed = inode_set_new ();
  inode_set_add (claimed, &st);
  c = (Claims) { self, claimed, g_strdup (self->folder) };
  claim_playlist (&c, playlist, 0, cancellable);
  g_free (c.real_folder);
  g_free (c.last_key);
  g_free (c.last_map);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  /* a playlist with no local segment is not a download: only the file itself goes */
  self->is_hls = c.n_segments > 0;
  if (!self->is_hls)
    g_array_set_size (self->entries, 1);
  if (!self->is_hls)
    return g_steal_pointer (&self);

  others = g_ptr_array_new_with_free_func (g_free);
  walk = (TreeWalk) { .claimed = claimed, .playlists = others, .cancellable = cancellable };
  if (!walk_tree (&walk, self->folder, NULL, 0, error))
    return NULL;
  if (walk.unclaimed == 0 && !vs_trash_is_protected (self->folder, roots))
    {
      /* nothing else is in it: the folder goes as one entry */
      struct stat folder_st;

      if (lstat (self->folder, &folder_st) != 0)
        {
          g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_CHANGED,
                       _("“%s” changed while it was being checked; nothing was moved"),
                       display);
          return NULL;
        }
      g_array_set_size (self->entries, 0);
      add_entry (self, self->folder, &folder_st);
      self->takes_folder = TRUE;
      self->tree = walk.digest;
    }
  else if (others->len > 0)
    drop_shared (self, others, cancellable);
  return g_steal_pointer (&self);
}

VsTrash *
vs_trash_new_for_folder (const char          *folder,
                         const char * const  *roots,
                         GCancellable        *cancellable,
                         GError             **error)
{
  g_autoptr(VsTrash) self = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *display = NULL;
  struct stat st;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* the folder itself, not a symlink that names it */
  absolute = realpath (folder, NULL);
  if (absolute == NULL)
    absolute = absolute_path (folder);
  display = g_filename_display_name (absolute);
  if (lstat (absolute, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_FOUND,
                   _("“%s” is not a folder"), display);
      return NULL;
    }
  if (vs_trash_is_protected (absolute, roots))
    {
      g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_PROTECTED,
                   _("“%s” is a library folder, your home folder, a standard folder or the "
                     "top of a disk, or holds one; it does not go to the trash"), display);
      return NULL;
    }
  self = trash_new (absolute);
  self->folder = g_strdup (absolute);
  self->is_hls = TRUE;
  self->takes_folder = TRUE;
  add_entry (self, absolute, &st);
  if (!digest_folder (absolute, &self->tree, cancellable, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Re-takes the inventory: every entry as it was, a folder that goes holding exactly
 * what it held. */
static gboolean
verify (VsTrash       *self,
        GCancellable  *cancellable,
        GError       **error)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = &g_array_index (self->entries, Entry, i);
      struct stat st;
      Stamp now = { 0 };

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (lstat (e->path, &st) == 0)
        stamp_from_stat (&now, &st);
      else
        now.ino = 0;
      if (now.ino == 0 || !stamp_equal (&now, &e->stamp))
        {
          g_autofree char *display = g_filename_display_name (e->path);

          g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_CHANGED,
                       _("“%s” is gone or changed since it was checked; nothing was moved "
                         "to the trash"), display);
          return FALSE;
        }
    }
  if (self->takes_folder)
    {
      TreeDigest now = { 0 };
      const char *folder = g_array_index (self->entries, Entry, 0).path;

      if (!digest_folder (folder, &now, cancellable, error))
        return FALSE;
      if (memcmp (&now, &self->tree, sizeof now) != 0)
        {
          g_autofree char *display = g_filename_display_name (folder);

          g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_CHANGED,
                       _("Files in “%s” appeared or changed since it was checked; nothing "
                         "was moved to the trash"), display);
          return FALSE;
        }
    }
  return TRUE;
}

/* The freedesktop trash -------------------------------------------------------------- */

static gboolean
ensure_private_dir (const char *path)
{
  struct stat st;

  if (g_mkdir (path, 0700) != 0 && errno != EEXIST)
    return FALSE;
  return lstat (path, &st) == 0 && S_ISDIR (st.st_mode) && st.st_uid == getuid ();
}

static gboolean
use_trash_dir (const char  *base,
               dev_t        dev,
               char       **files_dir,
               char       **info_dir)
{
  g_autofree char *files = g_build_filename (base, "files", NULL);
  g_autofree char *info = g_build_filename (base, "info", NULL);
  struct stat st;

  if (!ensure_private_dir (base) || !ensure_private_dir (files) || !ensure_private_dir (info))
    return FALSE;
  if (stat (files, &st) != 0 || st.st_dev != dev)
    return FALSE;
  *files_dir = g_steal_pointer (&files);
  *info_dir = g_steal_pointer (&info);
  return TRUE;
}

/* The top folder of the file system holding @dir (on device @dev). */
static char *
mount_top (const char *dir,
           dev_t       dev)
{
  char *current = realpath (dir, NULL);

  while (current != NULL && strcmp (current, "/") != 0)
    {
      g_autofree char *parent = g_path_get_dirname (current);
      struct stat st;

      if (stat (parent, &st) != 0 || st.st_dev != dev)
        break;
      g_free (current);
      current = g_steal_pointer (&parent);
    }
  return current;
}

/* The trash for an entry on device @dev in @dir, as GIO picks it: the home trash for the
 * home folder's disk (and no other there), else $topdir/.Trash/$uid (a sticky,
 * non-symlink .Trash) or $topdir/.Trash-$uid on that disk, never on the system's own
 * mounts (the root file system, /boot…), where nobody would look for it. */
static gboolean
find_trash (const char  *dir,
            dev_t        dev,
            char       **files_dir,
            char       **info_dir)
{
  g_autofree char *home_trash = g_build_filename (g_get_user_data_dir (), "Trash", NULL);
  g_autofree char *top = NULL;
  g_autofree char *shared = NULL;
  g_autofree char *uid = g_strdup_printf ("%u", (guint) getuid ());
  g_autofree char *own = NULL;
  GUnixMountEntry *mount;
  gboolean internal;
  struct stat st;

  if (stat (g_get_user_data_dir (), &st) == 0 || stat (g_get_home_dir (), &st) == 0)
    {
      if (st.st_dev == dev)
        {
          g_mkdir_with_parents (g_get_user_data_dir (), 0700);
          return use_trash_dir (home_trash, dev, files_dir, info_dir);
        }
    }
  top = mount_top (dir, dev);
  if (top == NULL || strcmp (top, "/") == 0)
    return FALSE;
  /* GIO counts every tmpfs as the system's; one a user mounts (not at /run, /dev/shm…)
   * is a disk like another */
  mount = g_unix_mount_at (top, NULL);
  internal = mount == NULL || g_unix_is_mount_path_system_internal (top) ||
             (g_unix_is_system_fs_type (g_unix_mount_get_fs_type (mount)) &&
              g_strcmp0 (g_unix_mount_get_fs_type (mount), "tmpfs") != 0);
  g_clear_pointer (&mount, g_unix_mount_free);
  if (internal)
    return FALSE;
  shared = g_build_filename (top, ".Trash", NULL);
  if (lstat (shared, &st) == 0 && S_ISDIR (st.st_mode) && (st.st_mode & S_ISVTX))
    {
      g_autofree char *mine = g_build_filename (shared, uid, NULL);

      if (use_trash_dir (mine, dev, files_dir, info_dir))
        return TRUE;
    }
  own = g_strdup_printf ("%s/.Trash-%s", top, uid);
  return use_trash_dir (own, dev, files_dir, info_dir);
}

static int
rename_noreplace (const char *from,
                  const char *to)
{
  struct stat st;

  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS)
    return -1;
  /* file systems without RENAME_NOREPLACE: check, then rename */
  if (lstat (to, &st) == 0)
    {
      errno = EEXIST;
      return -1;
    }
  return rename (from, to);
}

static gboolean
write_info (int         fd,
            const char *path)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *text = g_strdup_printf ("[Trash Info]\nPath=%s\nDeletionDate=%s\n",
                                           escaped, date);
  gsize len = strlen (text);
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = write (fd, text + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

/* The trash of the disk the last entry was on: an item's entries mostly share one, and
 * finding it costs a dozen system calls. */
typedef struct
{
  dev_t  dev;
  char  *files_dir;  /* NULL: none found yet */
  char  *info_dir;
} TrashDir;

static void
trash_dir_clear (TrashDir *t)
{
  g_clear_pointer (&t->files_dir, g_free);
  g_clear_pointer (&t->info_dir, g_free);
}

/* Moves one entry: the info file is written first (O_EXCL reserves the name), then the
 * entry is renamed to the same name under files/, never over anything. */
static gboolean
move_to_trash (Entry     *e,
               TrashDir  *trash,
               GError   **error)
{
  g_autofree char *display = g_filename_display_name (e->path);
  g_autofree char *dir = g_path_get_dirname (e->path);
  g_autofree char *base = g_path_get_basename (e->path);
  const char *files_dir, *info_dir;
  int saved = 0;

  if (trash->files_dir == NULL || trash->dev != e->stamp.dev)
    {
      trash_dir_clear (trash);
      trash->dev = e->stamp.dev;
      if (!find_trash (dir, e->stamp.dev, &trash->files_dir, &trash->info_dir))
        trash_dir_clear (trash);
    }
  files_dir = trash->files_dir;
  info_dir = trash->info_dir;
  if (files_dir == NULL)
    {
      g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NO_TRASH,
                   _("“%s” is on a disk without a trash folder Vidshelf may use; it was "
                     "not moved"), display);
      return FALSE;
    }
  if (strlen (base) > TRASH_NAME_MAX)
    base[TRASH_NAME_MAX] = '\0';
  for (guint n = 1; n <= TRASH_ATTEMPTS; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf ("%s.%u", base, n);
      g_autofree char *info_name = g_strconcat (name, ".trashinfo", NULL);
      g_autofree char *info = g_build_filename (info_dir, info_name, NULL);
      g_autofree char *trashed = g_build_filename (files_dir, name, NULL);
      int fd = g_open (info, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

      if (fd < 0 && errno == EEXIST)
        continue;
      if (fd < 0)
        {
          saved = errno;
          break;
        }
      if (!write_info (fd, e->path))
        {
          saved = errno ? errno : EIO;
          close (fd);
          g_unlink (info);
          break;
        }
      close (fd);
      if (rename_noreplace (e->path, trashed) == 0)
        {
          e->trashed = g_steal_pointer (&trashed);
          e->info = g_steal_pointer (&info);
          return TRUE;
        }
      saved = errno;
      g_unlink (info);
      if (saved != EEXIST)
        break;
    }
  g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_FAILED,
               _("“%s” could not be moved to the trash: %s"), display,
               g_strerror (saved ? saved : EEXIST));
  return FALSE;
}

/* Moves one entry back from the trash, only when it is still the file that went and
 * nothing took its place. */
static gboolean
move_back (Entry   *e,
           GError **error)
{
  g_autofree char *display = g_filename_display_name (e->path);
  g_autofree char *parent = g_path_get_dirname (e->path);
  struct stat st;

  if (e->trashed == NULL)
    return TRUE;
  if (lstat (e->trashed, &st) != 0 || st.st_dev != e->stamp.dev || st.st_ino != e->stamp.ino)
    {
      g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_NOT_FOUND,
                   _("“%s” is no longer in the trash"), display);
      return FALSE;
    }
  g_mkdir_with_parents (parent, 0755);
  if (rename_noreplace (e->trashed, e->path) != 0)
    {
      int saved = errno;

      if (saved == EEXIST)
        g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_EXISTS,
                     _("Something else is at “%s” now; it was left in the trash"), display);
      else
        g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_FAILED,
                     _("“%s” could not be restored: %s"), display, g_strerror (saved));
      return FALSE;
    }
  g_unlink (e->info);
  g_clear_pointer (&e->trashed, g_free);
  g_clear_pointer (&e->info, g_free);
  return TRUE;
}

gboolean
vs_trash_run (VsTrash       *self,
              GCancellable  *cancellable,
              GError       **error)
{
  TrashDir trash = { 0 };
  gboolean ok = TRUE;
  guint moved = 0;

  g_return_val_if_fail (VS_IS_TRASH (self), FALSE);
  g_return_val_if_fail (!self->moved, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&trash_lock);
  ok = verify (self, cancellable, error);
  for (; ok && moved < self->entries->len; moved++)
    ok = move_to_trash (&g_array_index (self->entries, Entry, moved), &trash, error);
  trash_dir_clear (&trash);
  if (ok && self->takes_folder)
    {
      /* something written between the check and the move went along: bring all back */
      Entry *e = &g_array_index (self->entries, Entry, 0);
      TreeDigest now = { 0 };

      if (!digest_folder (e->trashed, &now, NULL, NULL) || memcmp (&now, &self->tree, sizeof now) != 0)
        {
          g_autofree char *display = g_filename_display_name (e->path);

          g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_CHANGED,
                       _("Files in “%s” changed while it was moved to the trash; it was "
                         "put back"), display);
          ok = FALSE;
          moved = 1;
        }
    }
  if (!ok)
    {
      /* all or nothing: what already went comes back */
      for (guint i = moved; i > 0; i--)
        {
          g_autoptr(GError) back_error = NULL;

          if (!move_back (&g_array_index (self->entries, Entry, i - 1), &back_error))
            g_warning ("Putting back after a refused trash: %s", back_error->message);
        }
    }
  self->moved = ok;
  g_mutex_unlock (&trash_lock);
  return ok;
}

gboolean
vs_trash_restore (VsTrash       *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GError *first = NULL;

  g_return_val_if_fail (VS_IS_TRASH (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_mutex_lock (&trash_lock);
  /* folders before what they held (the entries are in that order already) */
  for (guint i = 0; i < self->entries->len; i++)
    {
      GError *local = NULL;

      if (!move_back (&g_array_index (self->entries, Entry, i), &local))
        {
          if (first == NULL)
            first = local;
          else
            g_error_free (local);
        }
    }
  if (first == NULL)
    self->moved = FALSE;
  g_mutex_unlock (&trash_lock);
  if (first != NULL)
    {
      g_propagate_error (error, first);
      return FALSE;
    }
  return TRUE;
}

/* Async -------------------------------------------------------------------------------- */

typedef gboolean (*TrashStep) (VsTrash       *self,
                               GCancellable  *cancellable,
                               GError       **error);

static void
step_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TrashStep step = (TrashStep) task_data;
  GError *error = NULL;

  if (step (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
step_async (VsTrash             *self,
            TrashStep            step,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, (gpointer) step, NULL);
  g_task_run_in_thread (task, step_thread);
}

void
vs_trash_run_async (VsTrash             *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_return_if_fail (VS_IS_TRASH (self));

  step_async (self, vs_trash_run, vs_trash_run_async, cancellable, callback, user_data);
}

gboolean
vs_trash_run_finish (VsTrash       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vs_trash_restore_async (VsTrash             *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (VS_IS_TRASH (self));

  step_async (self, vs_trash_restore, vs_trash_restore_async, cancellable, callback, user_data);
}

gboolean
vs_trash_restore_finish (VsTrash       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Outputs -------------------------------------------------------------------------------- */

gboolean
vs_trash_check_output (const char          *output,
                       const char * const  *inputs,
                       gboolean             force,
                       GError             **error)
{
  g_autofree char *display = NULL;
  struct stat out_st, in_st;

  g_return_val_if_fail (output != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (lstat (output, &out_st) != 0)
    return TRUE;
  display = g_filename_display_name (output);
  /* a symlink to an input is that input */
  if (stat (output, &out_st) == 0)
    for (guint i = 0; inputs != NULL && inputs[i] != NULL; i++)
      if (stat (inputs[i], &in_st) == 0 && same_file (&out_st, &in_st))
        {
          g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_IS_INPUT,
                       _("“%s” is one of the inputs; it is never written over"), display);
          return FALSE;
        }
  if (!force)
    {
      g_set_error (error, VS_TRASH_ERROR, VS_TRASH_ERROR_EXISTS,
                   _("“%s” already exists (use --force to replace it)"), display);
      return FALSE;
    }
  return TRUE;
}

/* Accessors -------------------------------------------------------------------------------- */

guint
vs_trash_get_n_entries (VsTrash *self)
{
  g_return_val_if_fail (VS_IS_TRASH (self), 0);

  return self->entries->len;
}

const char *
vs_trash_get_entry (VsTrash *self,
                    guint    index)
{
  g_return_val_if_fail (VS_IS_TRASH (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);

  return g_array_index (self->entries, Entry, index).path;
}

const char *
vs_trash_get_trashed_path (VsTrash *self,
                           guint    index)
{
  g_return_val_if_fail (VS_IS_TRASH (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);

  return g_array_index (self->entries, Entry, index).trashed;
}

gboolean
vs_trash_get_takes_folder (VsTrash *self)
{
  g_return_val_if_fail (VS_IS_TRASH (self), FALSE);

  return self->takes_folder;
}

const char *
vs_trash_get_item_path (VsTrash *self)
{
  g_return_val_if_fail (VS_IS_TRASH (self), NULL);

  return self->item_path;
}

gboolean
vs_trash_get_is_hls (VsTrash *self)
{
  g_return_val_if_fail (VS_IS_TRASH (self), FALSE);

  return self->is_hls;
}

static void
vs_trash_finalize (GObject *object)
{
  VsTrash *self = VS_TRASH (object);

  g_free (self->item_path);
  g_free (self->folder);
  g_array_unref (self->entries);
  G_OBJECT_CLASS (vs_trash_parent_class)->finalize (object);
}

static void
vs_trash_class_init (VsTrashClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_trash_finalize;
}

static void
vs_trash_init (VsTrash *self)
{
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);
}
