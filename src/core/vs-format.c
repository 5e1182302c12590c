/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-format.c: display formatting shared by the CLI and the window */
#define G_LOG_DOMAIN "vs-format"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vs-format.h"

char *
vs_format_duration (gint64 duration_ms)
{
  /* To the nearest second, as GNOME Videos shows it: a 29.96 s clip is "0:30", not the
   * "0:29" its seconds would floor to. */
  gint64 secs = duration_ms <= 0 ? 0 : duration_ms / 1000 + (duration_ms % 1000 >= 500);

  if (secs >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d",
                            secs / 3600, (int) (secs / 60 % 60), (int) (secs % 60));
  return g_strdup_printf ("%d:%02d", (int) (secs / 60), (int) (secs % 60));
}

char *
vs_format_duration_hms (gint64 duration_ms)
{
  gint64 secs = MAX (duration_ms, 0) / 1000;

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d",
                          secs / 3600, (int) (secs / 60 % 60), (int) (secs % 60));
}

typedef struct
{
  const char *today;
  const char *yesterday;
  const char *this_year;
  const char *other_year;
} DateFormats;

/* Looked up once: a grid formats a date for every cell it binds, dozens a frame. */
static const DateFormats *
date_formats (void)
{
  static DateFormats formats;
  static gsize ready;

  if (g_once_init_enter (&ready))
    {
      /* Translators: when a file was modified today, as a g_date_time_format() string:
       * "Today 14:02" (use "%l:%M %p" for a 12-hour clock) */
      /* xgettext:no-c-format */
      formats.today = C_("file date", "Today %H:%M");
      /* Translators: when a file was modified yesterday */
      formats.yesterday = C_("file date", "Yesterday");
      /* Translators: when a file was modified, earlier this year, as a
       * g_date_time_format() string: "3 Jan" */
      /* xgettext:no-c-format */
      formats.this_year = C_("file date", "%-d %b");
      /* Translators: when a file was modified, in another year, as a
       * g_date_time_format() string: "3 Jan 2024" */
      /* xgettext:no-c-format */
      formats.other_year = C_("file date", "%-d %b %Y");
      g_once_init_leave (&ready, 1);
    }
  return &formats;
}

/* Days since an epoch of @time's calendar date, in its own time zone. */
static guint32
day_number (GDateTime *time)
{
  GDate date;
  int year, month, day;

  g_date_time_get_ymd (time, &year, &month, &day);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return g_date_get_julian (&date);
}

char *
vs_format_date (gint64     unix_seconds,
                GDateTime *now)
{
  const DateFormats *formats = date_formats ();
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  guint32 day, today;

  g_return_val_if_fail (now != NULL, NULL);

  utc = g_date_time_new_from_unix_utc (unix_seconds);
  if (utc != NULL)
    local = g_date_time_to_timezone (utc, g_date_time_get_timezone (now));
  if (local == NULL)
    return NULL;   /* outside years 1 to 9999 */

  /* Calendar days, not 24-hour spans: 23:59 is "Yesterday" at 00:01. A date after
   * today (a clock set wrong) is never "Yesterday": it shows as a date. */
  day = day_number (local);
  today = day_number (now);
  if (day == today)
    return g_date_time_format (local, formats->today);
  if (day + 1 == today)
    return g_strdup (formats->yesterday);
  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    return g_date_time_format (local, formats->this_year);
  return g_date_time_format (local, formats->other_year);
}
