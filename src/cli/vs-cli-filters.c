/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf-cli list's filters: options, checked, into a VsVideoQuery */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "vs-cli.h"

#define NS_PER_SECOND G_GINT64_CONSTANT (1000000000)

void
vs_cli_filters_init (VsCliFilters *self)
{
  memset (self, 0, sizeof *self);
  self->min_height = self->max_height = VS_CLI_UNSET;
  self->min_duration = self->max_duration = VS_CLI_UNSET;
}

void
vs_cli_filters_clear (VsCliFilters *self)
{
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->codec, g_free);
  g_clear_pointer (&self->since, g_free);
  g_clear_pointer (&self->until, g_free);
}

void
vs_cli_filters_add_entries (VsCliFilters   *self,
                            GOptionContext *context)
{
  const GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &self->kind,
      "Only files, only HLS downloads, or only complete or incomplete ones",
      "file|hls|hls-complete|hls-incomplete" },
    { "min-height", 0, 0, G_OPTION_ARG_INT64, &self->min_height, "Pictures at least N pixels high", "N" },
    { "max-height", 0, 0, G_OPTION_ARG_INT64, &self->max_height, "Pictures at most N pixels high", "N" },
    { "codec", 0, 0, G_OPTION_ARG_STRING, &self->codec, "Video codec, as --json shows it", "NAME" },
    { "min-duration", 0, 0, G_OPTION_ARG_INT64, &self->min_duration, "At least N seconds long", "SECONDS" },
    { "max-duration", 0, 0, G_OPTION_ARG_INT64, &self->max_duration, "At most N seconds long", "SECONDS" },
    { "watched", 0, 0, G_OPTION_ARG_NONE, &self->watched, "Only watched videos", NULL },
    { "unwatched", 0, 0, G_OPTION_ARG_NONE, &self->unwatched, "Only videos not watched", NULL },
    { "in-progress", 0, 0, G_OPTION_ARG_NONE, &self->in_progress, "Only videos with a position to resume", NULL },
    { "since", 0, 0, G_OPTION_ARG_STRING, &self->since, "Modified on or after DATE (local time)", "YYYY-MM-DD" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &self->until, "Modified on or before DATE (local time)", "YYYY-MM-DD" },
    { "broken", 0, 0, G_OPTION_ARG_NONE, &self->broken, "Only videos that failed to probe", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
}

/* The start of local day @text (YYYY-MM-DD), @days_after days later, in ns since the
 * epoch; FALSE when it is no such date or out of the range ns can hold. */
static gboolean
parse_day (const char *text,
           int         days_after,
           gint64     *out_ns)
{
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) shifted = NULL;
  gint64 seconds;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  day = g_date_time_new_local (atoi (text), atoi (text + 5), atoi (text + 8), 0, 0, 0);
  if (day == NULL)
    return FALSE;   /* February 30th, month 13 */
  shifted = g_date_time_add_days (day, days_after);
  if (shifted == NULL)
    return FALSE;
  seconds = g_date_time_to_unix (shifted);
  if (seconds > G_MAXINT64 / NS_PER_SECOND || seconds < G_MININT64 / NS_PER_SECOND)
    return FALSE;   /* beyond 1677–2262 */
  *out_ns = seconds * NS_PER_SECOND;
  return TRUE;
}

/* A count option: unset, or in [0, @max]. */
static gboolean
check_count (GOptionContext *context,
             const char     *name,
             gint64          value,
             gint64          max,
             int            *out_status)
{
  if (value == VS_CLI_UNSET || (value >= 0 && value <= max))
    return TRUE;
  if (value < 0)
    *out_status = vs_cli_usage (context, "%s must not be negative", name);
  else
    *out_status = vs_cli_usage (context, "%s is too large", name);
  return FALSE;
}

static gboolean
check_range (GOptionContext *context,
             const char     *what,
             gint64          min,
             gint64          max,
             int            *out_status)
{
  if (max == 0)
    {
      *out_status = vs_cli_usage (context, "--max-%s must be greater than 0", what);
      return FALSE;
    }
  if (min != VS_CLI_UNSET && max != VS_CLI_UNSET && min > max)
    {
      *out_status = vs_cli_usage (context, "--min-%s is greater than --max-%s", what, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_numbers (VsCliFilters   *self,
               GOptionContext *context,
               VsVideoQuery   *query,
               int            *out_status)
{
  const gint64 max_seconds = G_MAXINT64 / 1000;

  if (!check_count (context, "--min-height", self->min_height, G_MAXINT, out_status) ||
      !check_count (context, "--max-height", self->max_height, G_MAXINT, out_status) ||
      !check_range (context, "height", self->min_height, self->max_height, out_status) ||
      !check_count (context, "--min-duration", self->min_duration, max_seconds, out_status) ||
      !check_count (context, "--max-duration", self->max_duration, max_seconds, out_status) ||
      !check_range (context, "duration", self->min_duration, self->max_duration, out_status))
    return FALSE;
  /* 0 is no bound in a query: at least 0 pixels or seconds is no bound either */
  if (self->min_height != VS_CLI_UNSET)
    query->min_height = (int) self->min_height;
  if (self->max_height != VS_CLI_UNSET)
    query->max_height = (int) self->max_height;
  if (self->min_duration != VS_CLI_UNSET)
    query->min_duration_ms = self->min_duration * 1000;
  if (self->max_duration != VS_CLI_UNSET)
    query->max_duration_ms = self->max_duration * 1000;
  return TRUE;
}

static gboolean
apply_dates (VsCliFilters   *self,
             GOptionContext *context,
             VsVideoQuery   *query,
             int            *out_status)
{
  if (self->since != NULL && !parse_day (self->since, 0, &query->modified_since_ns))
    {
      *out_status = vs_cli_usage (context, "--since: “%s” is not a date (YYYY-MM-DD)",
                                  self->since);
      return FALSE;
    }
  /* the whole of that day: before the start of the next */
  if (self->until != NULL && !parse_day (self->until, 1, &query->modified_until_ns))
    {
      *out_status = vs_cli_usage (context, "--until: “%s” is not a date (YYYY-MM-DD)",
                                  self->until);
      return FALSE;
    }
  if (self->since != NULL && self->until != NULL &&
      query->modified_since_ns >= query->modified_until_ns)
    {
      *out_status = vs_cli_usage (context, "--since is after --until");
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_flags (VsCliFilters   *self,
             GOptionContext *context,
             VsVideoQuery   *query,
             int            *out_status)
{
  if (self->kind != NULL &&
      (!vs_kind_filter_from_string (self->kind, &query->kind) ||
       query->kind == VS_KIND_FILTER_ANY))
    {
      *out_status = vs_cli_usage (context,
                                  "unknown kind “%s” (file, hls, hls-complete, hls-incomplete)",
                                  self->kind);
      return FALSE;
    }
  if (query->hls_only && query->kind == VS_KIND_FILTER_FILE)
    {
      *out_status = vs_cli_usage (context, "--hls and --kind file exclude each other");
      return FALSE;
    }
  if (self->watched + self->unwatched + self->in_progress > 1)
    {
      *out_status = vs_cli_usage (context,
                                  "--watched, --unwatched and --in-progress exclude each other");
      return FALSE;
    }
  if (self->codec != NULL && self->codec[0] == '\0')
    {
      *out_status = vs_cli_usage (context, "--codec needs a name");
      return FALSE;
    }
  query->video_codec = self->codec;
  query->watched = self->watched ? VS_WATCHED_FILTER_WATCHED
                   : self->unwatched ? VS_WATCHED_FILTER_UNWATCHED
                   : self->in_progress ? VS_WATCHED_FILTER_IN_PROGRESS
                   : VS_WATCHED_FILTER_ANY;
  if (self->broken)
    query->problem = VS_PROBLEM_FILTER_BROKEN;
  return TRUE;
}

gboolean
vs_cli_filters_apply (VsCliFilters   *self,
                      GOptionContext *context,
                      VsVideoQuery   *query,
                      int            *out_status)
{
  return apply_flags (self, context, query, out_status) &&
         apply_numbers (self, context, query, out_status) &&
         apply_dates (self, context, query, out_status);
}
