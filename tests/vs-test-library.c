/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-test-library.c: a VsLibrary on a temporary folder and database, for any suite */
#include "config.h"

#include <glib/gstdio.h>

#include "vs-test-library.h"

/* Opening, closing and settling each get this long before the test fails. */
#define WAIT_SECONDS 60

static void
on_changed (VsLibrary     *library,
            guint          what,
            VsTestLibrary *self)
{
  self->n_changed++;
  self->changes |= what;
}

VsTestLibrary *
vs_test_library_new (VsLibraryFlags flags)
{
  VsTestLibrary *self = g_new0 (VsTestLibrary, 1);

  self->dir = vs_test_make_tmpdir ();
  self->folder = g_build_filename (self->dir, "Videos", NULL);
  self->db_path = g_build_filename (self->dir, "library.db", NULL);
  g_assert_cmpint (g_mkdir (self->folder, 0755), ==, 0);
  self->flags = flags;
  self->library = vs_library_new (self->db_path, flags);
  vs_library_set_default_folder (self->library, self->folder);
  g_signal_connect (self->library, "changed", G_CALLBACK (on_changed), self);
  return self;
}

static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* vs_test_wait_until() blocks in the main context: the tick wakes it, so conditions that
 * no source announces (a file on disk, a getter) are looked at again. */
void
vs_test_library_wait (VsTestCondition condition,
                      gpointer        subject,
                      gconstpointer   data,
                      guint           seconds,
                      const char     *what)
{
  guint tick_id = g_timeout_add (20, tick, NULL);

  vs_test_wait_until (condition, subject, data, seconds, what);
  g_source_remove (tick_id);
}

void
vs_test_library_store_result (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
result_is_set (gpointer      subject,
               gconstpointer data)
{
  return *(GAsyncResult **) subject != NULL;
}

GAsyncResult *
vs_test_library_wait_result (GAsyncResult **result,
                             guint          seconds)
{
  vs_test_library_wait (result_is_set, result, NULL, seconds, "an async call to complete");
  return *result;
}

gboolean
vs_test_library_open_full (VsTestLibrary  *self,
                           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vs_library_open_async (self->library, NULL, vs_test_library_store_result, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  if (!vs_library_open_finish (self->library, result, error))
    {
      g_assert_cmpint (vs_library_get_state (self->library), ==, VS_LIBRARY_STATE_ERROR);
      return FALSE;
    }
  g_assert_cmpint (vs_library_get_state (self->library), ==, VS_LIBRARY_STATE_READY);
  return TRUE;
}

void
vs_test_library_open (VsTestLibrary *self)
{
  g_autoptr(GError) error = NULL;

  vs_test_library_open_full (self, &error);
  g_assert_no_error (error);
}

static gboolean
library_is_idle (gpointer      subject,
                 gconstpointer data)
{
  return !vs_library_get_busy (subject);
}

void
vs_test_library_wait_idle (VsTestLibrary *self)
{
  for (;;)
    {
      vs_test_library_wait (library_is_idle, self->library, NULL, WAIT_SECONDS,
                            "the library to be idle");
      /* What is ready now (a queued ::changed, a count's result) runs before we look
       * again: idle means nothing left to emit either. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (!vs_library_get_busy (self->library))
        return;
    }
}

void
vs_test_library_start (VsTestLibrary *self)
{
  vs_library_start (self->library);
  vs_test_library_wait_idle (self);
}

typedef struct
{
  VsLibraryModel *model;
  guint           n_items;
} ModelWait;

static gboolean
model_holds (gpointer      subject,
             gconstpointer data)
{
  const ModelWait *w = data;

  return !vs_library_model_get_busy (w->model) &&
         g_list_model_get_n_items (G_LIST_MODEL (w->model)) == w->n_items;
}

void
vs_test_library_wait_model (VsTestLibrary  *self,
                            VsLibraryModel *model,
                            guint           n_items)
{
  ModelWait w = { model, n_items };
  g_autofree char *what = g_strdup_printf ("the model to hold %u items", n_items);

  vs_test_library_wait (model_holds, self, &w, WAIT_SECONDS, what);
}

char *
vs_test_library_add_file (VsTestLibrary *self,
                          const char    *relative,
                          const char    *contents)
{
  char *path = g_build_filename (self->folder, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  vs_test_write_file (path, contents, -1);
  return path;
}

static gboolean
pointer_is_null (gpointer      subject,
                 gconstpointer data)
{
  return *(gpointer *) subject == NULL;
}

/* Closes the library and waits until it is finalized. */
static void
close_library (VsTestLibrary *self)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gpointer alive = self->library;

  vs_library_close_async (self->library, vs_test_library_store_result, &result);
  vs_test_library_wait_result (&result, WAIT_SECONDS);
  g_assert_true (vs_library_close_finish (self->library, result, &error));
  g_assert_no_error (error);
  g_assert_false (vs_library_get_busy (self->library));
  g_clear_object (&result);

  g_signal_handlers_disconnect_by_data (self->library, self);
  g_object_add_weak_pointer (G_OBJECT (self->library), &alive);
  g_clear_object (&self->library);
  /* Closed means nothing of the library runs any more: no task still holds it. */
  vs_test_library_wait (pointer_is_null, &alive, NULL, WAIT_SECONDS,
                        "the closed library to be finalized");
}

void
vs_test_library_reopen (VsTestLibrary *self)
{
  VsLibraryFlags flags;

  g_assert_nonnull (self->library);
  flags = self->flags;
  close_library (self);
  self->library = vs_library_new (self->db_path, flags);
  vs_library_set_default_folder (self->library, self->folder);
  g_signal_connect (self->library, "changed", G_CALLBACK (on_changed), self);
  vs_test_library_open (self);
}

void
vs_test_library_free (VsTestLibrary *self)
{
  if (self->library != NULL)
    close_library (self);
  vs_test_rm_rf (self->dir);
  g_free (self->dir);
  g_free (self->folder);
  g_free (self->db_path);
  g_free (self);
}
