/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-test-library.h: a VsLibrary on a temporary folder and database, for any suite
 *
 * The fixture owns a temporary directory holding the database (library.db) and a videos
 * folder (Videos/, the library's default folder, created empty). It needs no display:
 * UI suites can use it as it is, from the default main context GTK iterates too.
 */
#pragma once

#include "vs-library.h"
#include "vs-test-utils.h"

G_BEGIN_DECLS

typedef struct
{
  char      *dir;         /* the temporary directory, removed by free */
  char      *folder;      /* dir/Videos: the default folder */
  char      *db_path;     /* dir/library.db */
  VsLibrary *library;
  VsLibraryFlags flags;   /* the library's, for reopening it */

  /* ::changed, counted from creation (tests reset them at will) */
  guint      n_changed;
  guint      changes;     /* VsLibraryChange: every flag seen */
} VsTestLibrary;

/* The directory, the Videos folder and a library over it, not opened yet. */
VsTestLibrary *vs_test_library_new        (VsLibraryFlags  flags);
/* Opens asynchronously and iterates until the open completed (failing the test after a
 * minute); TRUE when the library is READY, else @error is set. */
gboolean       vs_test_library_open_full  (VsTestLibrary  *self,
                                           GError        **error);
/* Opens, asserting it succeeds. */
void           vs_test_library_open       (VsTestLibrary  *self);
/* vs_library_start(), then waits until idle. */
void           vs_test_library_start      (VsTestLibrary  *self);
/* Iterates until the library has no work in hand and no ::changed left to emit; fails the
 * test after a minute. */
void           vs_test_library_wait_idle  (VsTestLibrary  *self);
/* Iterates until @model holds @n_items with nothing left to read. */
void           vs_test_library_wait_model (VsTestLibrary  *self,
                                           VsLibraryModel *model,
                                           guint           n_items);
/* Iterates until @condition holds (with a tick, so conditions on files are polled too);
 * fails the test after @seconds, naming @what. */
void           vs_test_library_wait       (VsTestCondition condition,
                                           gpointer        subject,
                                           gconstpointer   data,
                                           guint           seconds,
                                           const char     *what);
/* Iterates until @result holds the outcome of an async call (callback:
 * vs_test_library_store_result, user data: &result); fails after @seconds. */
void           vs_test_library_store_result (GObject      *object,
                                             GAsyncResult *result,
                                             gpointer      user_data);
GAsyncResult  *vs_test_library_wait_result  (GAsyncResult **result,
                                             guint          seconds);
/* A file under the Videos folder: @relative's parents are made, @contents written. */
char          *vs_test_library_add_file   (VsTestLibrary  *self,
                                           const char     *relative,
                                           const char     *contents);
/* Closes the library (waiting until it is finalized) and opens a new one on the same
 * database and flags, as a restart would: the fixture's library is the new one. */
void           vs_test_library_reopen     (VsTestLibrary  *self);
/* Closes (waiting for close to complete), drops the library — asserting nothing else
 * still holds it — and removes the directory. */
void           vs_test_library_free       (VsTestLibrary  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsTestLibrary, vs_test_library_free)

G_END_DECLS
