/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-test-utils.h: fixtures shared by the test suites */
#pragma once

#include <gio/gio.h>

#include "vs-database.h"

G_BEGIN_DECLS

char    *vs_test_make_tmpdir     (void);
void     vs_test_rm_rf           (const char *path);
void     vs_test_write_file      (const char *path,
                                  const char *contents,
                                  gssize      length);
char    *vs_test_file_checksum   (const char *path);
/* Checksums of every file in a folder and its subfolders, in name order: its "bytes". */
char    *vs_test_folder_digest   (const char *folder);
/* Every file below @dir as "relative/path=SHA256" and every folder as "relative/path/",
 * sorted, one per line: the library's bytes as text, to compare or edit. */
char    *vs_test_tree_state      (const char *dir);
/* Adds every entry below @folder, itself included, to @table (a new one when NULL), keyed
 * by its path under @name ("." or the folder's name): "file ino=N size=N SHA256" or
 * "dir ino=N" (symbolic links are not followed). */
GHashTable *vs_test_snapshot     (GHashTable *table,
                                  const char *folder,
                                  const char *name);
/* "-key" for each entry of @before gone or changed in @after, "+key" for each new one,
 * sorted and joined by spaces. */
char    *vs_test_snapshot_diff   (GHashTable *before,
                                  GHashTable *after);
/* The names of the files in @folder, sorted, joined by spaces. */
char    *vs_test_list_folder     (const char *folder);
void     vs_test_allow_warnings  (void);
/* With @obey, file permissions apply to the calling thread even as root: it gives up,
 * from its effective set only, the capabilities that bypass them (CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH); without, it takes them back. FALSE where permissions still do not
 * apply (the caller skips). */
gboolean vs_test_obey_permissions (gboolean obey);
/* Keeps @length bytes as a seed of fuzz target @target when $VIDSHELF_FUZZ_SEEDS names a
 * folder (the test environment sets it; build-aux/fuzz starts from what it holds). */
void     vs_test_add_fuzz_seed   (const char *target,
                                  const void *data,
                                  gsize       length);
/* Writes a filmstrip of @n_frames tiles of 64 × 36 to @path (NULL: the cache's place for
 * @uri), tile i filled with vs_test_filmstrip_colour (i), frames 10 s apart. */
void     vs_test_save_filmstrip  (const char *path,
                                  const char *uri,
                                  gint64      mtime,
                                  gint64      size,
                                  guint       n_frames);
/* The 0xRRGGBB colour of tile @index in vs_test_save_filmstrip()'s strips. */
guint32  vs_test_filmstrip_colour (guint      index);
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

/* The downloads vs_test_make_hls_download() writes: what differs from a complete one. */
typedef enum
{
  VS_TEST_HLS_PLAIN            = 0,
  VS_TEST_HLS_NO_ENDLIST       = 1 << 0, /* no #EXT-X-ENDLIST (a download still running) */
  VS_TEST_HLS_NO_FINAL_NEWLINE = 1 << 1, /* the last line, #EXT-X-ENDLIST, ends the file */
  VS_TEST_HLS_REMOTE           = 1 << 2, /* segment URIs "https://cdn.example.com/v/seg%05u.ts
                                          * ?token=…", the segments saved beside */
  VS_TEST_HLS_FMP4             = 1 << 3, /* #EXT-X-MAP:URI="init.mp4", seg%05u.m4s */
  VS_TEST_HLS_AES128           = 1 << 4, /* #EXT-X-KEY:METHOD=AES-128,URI="key.bin" */
  VS_TEST_HLS_KEY_FILE         = 1 << 5, /* with AES128: key.bin written too */
  VS_TEST_HLS_HUGE_TITLE       = 1 << 6, /* the first #EXTINF has a 4 MiB title */
} VsTestHlsOptions;

/* Writes @folder/index.m3u8 with @n_segments segments of 4 s each (the kinds of lines
 * @options says) and, but for the last @n_missing, their files (9 bytes each; init.mp4
 * 100 bytes, key.bin 16). */
void     vs_test_make_hls_download (const char       *folder,
                                    guint             n_segments,
                                    guint             n_missing,
                                    VsTestHlsOptions  options);
/* Writes @folder/master.m3u8 naming 360p/index.m3u8 (BANDWIDTH=800000,
 * RESOLUTION=640x360, 2 segments) and 720p/index.m3u8 (BANDWIDTH=2800000,
 * RESOLUTION=1280x720, 3 segments), both complete. */
void     vs_test_make_hls_master   (const char       *folder);

/* vidshelf-cli ($VIDSHELF_CLI) runs */
typedef struct
{
  int   status;  /* exit status; the test fails if the process did not exit */
  char *out;     /* stdout and stderr, NUL-terminated (bytes: names need not be UTF-8) */
  char *err;
} VsTestRun;

void     vs_test_run_clear       (VsTestRun *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VsTestRun, vs_test_run_clear)

/* Starts the CLI with @args in a process group of its own, so vs_test_kill_group() also
 * kills its media helpers. @env: NULL-terminated NAME, VALUE pairs to set, or NULL. */
GSubprocess *vs_test_cli_spawn   (const char *const *args,
                                  const char *const *env,
                                  GError           **error);
/* Runs the CLI to its end, collecting its output. */
void     vs_test_cli             (VsTestRun         *r,
                                  const char *const *args,
                                  const char *const *env);
/* kill -9 of @proc's whole process group, then reaps it. */
void     vs_test_kill_group      (GSubprocess       *proc);
/* Iterates the default main context until @condition (@subject, @data) holds; a test
 * still waiting after @seconds fails, naming @what. */
typedef gboolean (*VsTestCondition) (gpointer      subject,
                                     gconstpointer data);
void     vs_test_wait_until      (VsTestCondition condition,
                                  gpointer        subject,
                                  gconstpointer   data,
                                  guint           seconds,
                                  const char     *what);

/* kB of a /proc/self/status field ("VmRSS:", "VmHWM:") */
gsize    vs_test_status_kb       (const char *field);
/* Resets the peak RSS (VmHWM) to the current one (clear_refs 5); returns VmRSS, kB. */
gsize    vs_test_reset_peak_rss  (void);

G_END_DECLS
