/* vs-test-utils.h: fixtures shared by the test suites */
#pragma once

#include <glib.h>

#include "vs-database.h"

G_BEGIN_DECLS

char    *vs_test_make_tmpdir     (void);
void     vs_test_rm_rf           (const char *path);
void     vs_test_write_file      (const char *path,
                                  const char *contents,
                                  gssize      length);
char    *vs_test_file_checksum   (const char *path);
void     vs_test_allow_warnings  (void);
/* The indexed paths below @lib relative to it, sorted, joined with '|'. */
char    *vs_test_listing         (VsDatabase *db,
                                  const char *lib);
/* Writes an HLS media playlist with @n_segments segments named seg%05u.ts of @seconds each,
 * and the segment files themselves when @make_segments. */
void     vs_test_make_hls        (const char *folder,
                                  const char *playlist_name,
                                  guint       n_segments,
                                  const char *seconds,
                                  gboolean    make_segments);

/* Iterates the default main context until @condition (@subject, @data) holds; a test
 * still waiting after @seconds fails, naming @what. */
typedef gboolean (*VsTestCondition) (gpointer      subject,
                                     gconstpointer data);
void     vs_test_wait_until      (VsTestCondition condition,
                                  gpointer        subject,
                                  gconstpointer   data,
                                  guint           seconds,
                                  const char     *what);

G_END_DECLS
