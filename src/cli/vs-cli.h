/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-cli.h: helpers shared by vidshelf-cli's commands */
#pragma once

#include <json-glib/json-glib.h>

#include "vs-database.h"
#include "vs-library.h"
#include "vs-scanner.h"

G_BEGIN_DECLS

enum {
  VS_CLI_OK = 0,
  VS_CLI_FAILED = 1,
  VS_CLI_USAGE = 2,
};

typedef int (*VsCliCommand) (int argc, char **argv);

int         vs_cli_scan          (int argc, char **argv);
int         vs_cli_list          (int argc, char **argv);
int         vs_cli_duration      (int argc, char **argv);
int         vs_cli_probe         (int argc, char **argv);
int         vs_cli_thumbnail     (int argc, char **argv);
int         vs_cli_filmstrip     (int argc, char **argv);
int         vs_cli_update        (int argc, char **argv);
int         vs_cli_merge         (int argc, char **argv);
int         vs_cli_watch         (int argc, char **argv);
int         vs_cli_trash         (int argc, char **argv);
int         vs_cli_rename        (int argc, char **argv);
int         vs_cli_mark          (int argc, char **argv);
int         vs_cli_collections   (int argc, char **argv);
int         vs_cli_roots         (int argc, char **argv);
/* The query of the first collection named @name (G_IO_ERROR_NOT_FOUND when none is). */
VsVideoQuery *vs_cli_collection_query (VsLibrary   *library,
                                       const char  *name,
                                       GError     **error);
int         vs_cli_stats         (int argc, char **argv);
int         vs_cli_duplicates    (int argc, char **argv);
int         vs_cli_fingerprint   (int argc, char **argv);

/* list's filters (vs-cli-filters.c): options held as given, then checked into a query
 * (whose video_codec then borrows from them). */
#define VS_CLI_UNSET G_MININT64
typedef struct
{
  char     *kind;
  gint64    min_height;     /* VS_CLI_UNSET when not given */
  gint64    max_height;
  char     *codec;
  gint64    min_duration;   /* seconds */
  gint64    max_duration;
  char     *since;
  char     *until;
  gboolean  watched;
  gboolean  unwatched;
  gboolean  in_progress;
  gboolean  broken;
} VsCliFilters;

void        vs_cli_filters_init  (VsCliFilters *self);
void        vs_cli_filters_clear (VsCliFilters *self);
void        vs_cli_filters_add_entries (VsCliFilters   *self,
                                        GOptionContext *context);
/* FALSE with a usage error in *@out_status when an option is bad. */
gboolean    vs_cli_filters_apply (VsCliFilters   *self,
                                  GOptionContext *context,
                                  VsVideoQuery   *query,
                                  int            *out_status);
/* The first filter option given ("--kind"…), or NULL when none was. */
const char *vs_cli_filters_first_given (const VsCliFilters *self);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VsCliFilters, vs_cli_filters_clear)

/* Iterates the main context until *done, cancelling @cancellable on SIGINT/SIGTERM. */
void        vs_cli_wait          (GCancellable *cancellable,
                                  gboolean     *done);
/* Opens the library at @db_path on this thread, its media work on @n_workers helpers
 * (0: one per core). */
VsLibrary  *vs_cli_open_library  (const char      *db_path,
                                  VsLibraryFlags   flags,
                                  guint            n_workers,
                                  GError         **error);
/* Starts closing @library (once): after a verb's callback, before the library goes on to
 * work of its own (watching, probing) that the command does not want. */
void        vs_cli_begin_close   (VsLibrary *library);
/* Closes @library, waits until it is closed and its connections are gone (SQLite then
 * removes -wal and -shm), and drops it. */
void        vs_cli_close_library (VsLibrary *library);
/* A library the command closes on every way out. */
typedef VsLibrary VsCliLibrary;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsCliLibrary, vs_cli_close_library)

/* Scans @folders into @library (progress on a terminal) until done or Ctrl+C, which stops
 * the scan and keeps what was indexed (G_IO_ERROR_CANCELLED then). With @close_after, or
 * on failure, the library starts closing as soon as the scan is done. */
gboolean    vs_cli_run_scan      (VsLibrary           *library,
                                  char               **folders,
                                  gboolean             close_after,
                                  GCancellable        *cancellable,
                                  VsScanSummary       *out_summary,
                                  GError             **error);
/* Absolute form of a path argument. */
char       *vs_cli_absolute      (const char *path);
typedef enum
{
  VS_CLI_OUTPUT_QUIET,
  VS_CLI_OUTPUT_TEXT,
  VS_CLI_OUTPUT_JSON,
} VsCliOutput;

/* Runs the library update (probes and/or thumbnails) with a progress line on a terminal. */
int         vs_cli_run_update    (VsLibrary      *library,
                                  VsUpdateFlags   flags,
                                  VsThumbnailSize size,
                                  VsCliOutput     output,
                                  GCancellable   *cancellable);

void        vs_cli_init_logging  (void);
int         vs_cli_fail          (const char *format, ...) G_GNUC_PRINTF (1, 2);
int         vs_cli_fail_error    (const GError *error);
int         vs_cli_usage         (GOptionContext *context, const char *format, ...) G_GNUC_PRINTF (2, 3);
gboolean    vs_cli_parse         (GOptionContext  *context,
                                  int             *argc,
                                  char          ***argv,
                                  int             *out_status);
char       *vs_cli_db_path       (const char *option);
gboolean    vs_cli_stderr_is_tty (void);
void        vs_cli_print_json    (JsonNode *node);
/* A member holding @value, or null when it is NULL (not @known). */
void        vs_cli_add_string_or_null (JsonBuilder *b,
                                       const char  *member,
                                       const char  *value);
void        vs_cli_add_int_or_null    (JsonBuilder *b,
                                       const char  *member,
                                       gint64       value,
                                       gboolean     known);
/* @text (made valid UTF-8) with control characters escaped, for a terminal: a name can
 * hold any byte. vs_cli_fail() escapes its message so. */
char       *vs_cli_escape_controls (const char *text);
/* A file name for the terminal: its display form, controls escaped. */
char       *vs_cli_display_path    (const char *path);
/* Adds "hls": an HLS download's state, as `list` and `probe` print it:
 * {"state", "segments", "missing", "endlist", "encrypted", "key_present", "remote",
 * "all_copies", "init_map", "variant", "bandwidth", "resolution"}; key_present, all_copies
 * and the variant's members are null where they do not apply; nothing for @info NULL (a
 * plain video). */
void        vs_cli_add_hls_info    (JsonBuilder     *b,
                                    const VsHlsInfo *info);
/* The same for a library row: nothing unless it is an HLS item. */
void        vs_cli_add_hls_state   (JsonBuilder         *b,
                                    const VsVideoRecord *record);
/* Adds "unavailable": the roots among @folders found unavailable (their videos kept). */
void        vs_cli_add_unavailable (JsonBuilder  *b,
                                    VsDatabase   *db,
                                    char        **folders);

G_END_DECLS
