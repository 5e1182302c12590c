/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-trash-inventory.c: what trashing an item takes, and taking it again before the move */
#define G_LOG_DOMAIN "vs-trash"

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "vs-trash-private.h"
#include "vs-path.h"
#include "vs-playlist.h"

#define TREE_MAX_DEPTH    8

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

gboolean
_vs_trash_digest_folder (const char    *folder,
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
  /* a remote URI's copy saved beside the playlist is the item's, as the merge reads it */
  g_autofree char *copy = segment->path == NULL
                          ? vs_playlist_local_copy (segment->uri, c->self->folder) : NULL;

  claim (c, segment->path != NULL ? segment->path : copy);
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
  if (!_vs_trash_digest_folder (absolute, &self->tree, cancellable, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Re-takes the inventory: every entry as it was, a folder that goes holding exactly
 * what it held. */
gboolean
_vs_trash_verify (VsTrash       *self,
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

      if (!_vs_trash_digest_folder (folder, &now, cancellable, error))
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
