/* SPDX-License-Identifier: GPL-3.0-or-later */
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

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "vs-trash-private.h"

G_DEFINE_FINAL_TYPE (VsTrash, vs_trash, G_TYPE_OBJECT)

G_DEFINE_QUARK (vs-trash-error-quark, vs_trash_error)

/* One trash, restore or rename at a time in the process: the inventory check and the moves
 * are one step for every caller (window, player, merge, CLI). */
static GMutex trash_lock;

/* The batch's undo (vs-trash-batch.c) and renames (vs-trash-rename.c) hold the same lock
 * around their moves. */
void
_vs_trash_lock (void)
{
  g_mutex_lock (&trash_lock);
}

void
_vs_trash_unlock (void)
{
  g_mutex_unlock (&trash_lock);
}

static gboolean
same_file (const struct stat *a,
           const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_free (e->path);
  g_free (e->trashed);
  g_free (e->info);
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
  ok = _vs_trash_verify (self, cancellable, error);
  for (; ok && moved < self->entries->len; moved++)
    ok = _vs_trash_move_to_trash (&g_array_index (self->entries, Entry, moved), &trash, error);
  _vs_trash_dir_clear (&trash);
  if (ok && self->takes_folder)
    {
      /* something written between the check and the move went along: bring all back */
      Entry *e = &g_array_index (self->entries, Entry, 0);
      TreeDigest now = { 0 };

      if (!_vs_trash_digest_folder (e->trashed, &now, NULL, NULL) || memcmp (&now, &self->tree, sizeof now) != 0)
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

          if (!_vs_trash_move_back (&g_array_index (self->entries, Entry, i - 1), &back_error))
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

      if (!_vs_trash_move_back (&g_array_index (self->entries, Entry, i), &local))
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
