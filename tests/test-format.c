/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-format.c: vs_format_duration(), vs_format_date() and the path helpers */
#include "config.h"

#include <locale.h>

#include "vs-format.h"
#include "vs-path.h"

static void
assert_duration (gint64      ms,
                 const char *expected)
{
  g_autofree char *text = vs_format_duration (ms);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_hms (gint64      ms,
            const char *expected)
{
  g_autofree char *text = vs_format_duration_hms (ms);

  g_assert_cmpstr (text, ==, expected);
}

/* As GNOME Videos shows it: nearest second, hours only when there are some. */
static void
test_duration_rounded (void)
{
  assert_duration (0, "0:00");
  assert_duration (499, "0:00");
  assert_duration (500, "0:01");
  assert_duration (4400, "0:04");
  assert_duration (5000, "0:05");
  assert_duration (29960, "0:30");
  assert_duration (59499, "0:59");
  assert_duration (59500, "1:00");
  assert_duration (754000, "12:34");
  assert_duration (3599499, "59:59");
  assert_duration (3599500, "1:00:00");
  assert_duration (3723000, "1:02:03");
  assert_duration (5025500, "1:23:46");
}

static void
test_duration_hours_unbounded (void)
{
  assert_duration (1051050000, "291:57:30");
  assert_duration (G_GINT64_CONSTANT (360000000), "100:00:00");
  /* 9223372036854775.807 s rounds up, without overflowing */
  assert_duration (G_MAXINT64, "2562047788015:12:56");
}

static void
test_duration_negative (void)
{
  assert_duration (-1, "0:00");
  assert_duration (-3600000, "0:00");
  assert_duration (G_MININT64, "0:00");
}

/* `vidshelf-cli duration`'s format: always H:MM:SS, floored. */
static void
test_duration_hms (void)
{
  assert_hms (0, "0:00:00");
  assert_hms (999, "0:00:00");
  assert_hms (5000, "0:00:05");
  assert_hms (59999, "0:00:59");
  assert_hms (3599999, "0:59:59");
  assert_hms (5025500, "1:23:45");
  assert_hms (1051050000, "291:57:30");
  assert_hms (G_MAXINT64, "2562047788015:12:55");
  assert_hms (-1, "0:00:00");
  assert_hms (G_MININT64, "0:00:00");
}

/* Seconds since the epoch of a wall-clock time in @zone. */
static gint64
unix_at (GTimeZone *zone,
         int        year,
         int        month,
         int        day,
         int        hour,
         int        minute,
         double     seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new (zone, year, month, day, hour, minute, seconds);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

static void
assert_date (gint64      unix_seconds,
             GDateTime  *now,
             const char *expected)
{
  g_autofree char *text = vs_format_date (unix_seconds, now);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_date_relative (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+02:00");
  g_autoptr(GDateTime) now = g_date_time_new (zone, 2025, 6, 15, 14, 30, 0);

  assert_date (unix_at (zone, 2025, 6, 15, 14, 2, 0), now, "Today 14:02");
  assert_date (unix_at (zone, 2025, 6, 15, 0, 0, 0), now, "Today 00:00");
  assert_date (unix_at (zone, 2025, 6, 14, 23, 59, 59), now, "Yesterday");
  assert_date (unix_at (zone, 2025, 6, 14, 0, 0, 0), now, "Yesterday");
  assert_date (unix_at (zone, 2025, 6, 13, 23, 59, 59), now, "13 Jun");
  assert_date (unix_at (zone, 2025, 1, 3, 8, 0, 0), now, "3 Jan");
  assert_date (unix_at (zone, 2024, 12, 31, 23, 59, 59), now, "31 Dec 2024");
  assert_date (unix_at (zone, 1999, 6, 15, 14, 30, 0), now, "15 Jun 1999");
  assert_date (0, now, "1 Jan 1970");
}

/* Days are @now's calendar days in @now's time zone, not 24-hour spans. */
static void
test_date_midnight (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+02:00");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) new_year = g_date_time_new (zone, 2025, 1, 1, 0, 0, 30);
  g_autoptr(GDateTime) late = g_date_time_new (zone, 2025, 6, 15, 23, 59, 59);

  /* a minute apart, across midnight and the year */
  assert_date (unix_at (zone, 2024, 12, 31, 23, 59, 30), new_year, "Yesterday");
  assert_date (unix_at (zone, 2025, 1, 1, 0, 0, 0), new_year, "Today 00:00");
  assert_date (unix_at (zone, 2024, 12, 30, 23, 59, 59), new_year, "30 Dec 2024");
  /* almost a whole day apart, the same day */
  assert_date (unix_at (zone, 2025, 6, 15, 0, 0, 1), late, "Today 00:00");
  /* yesterday in UTC, today here */
  assert_date (unix_at (utc, 2025, 6, 14, 23, 30, 0), late, "Today 01:30");
}

/* A file from the future (a camera's clock set wrong) is never "Yesterday". */
static void
test_date_future (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+02:00");
  g_autoptr(GDateTime) now = g_date_time_new (zone, 2025, 6, 15, 14, 30, 0);

  assert_date (unix_at (zone, 2025, 6, 15, 20, 0, 0), now, "Today 20:00");
  assert_date (unix_at (zone, 2025, 6, 16, 0, 0, 0), now, "16 Jun");
  assert_date (unix_at (zone, 2026, 1, 3, 0, 0, 0), now, "3 Jan 2026");
  /* beyond what GDateTime holds */
  g_assert_null (vs_format_date (G_MAXINT64, now));
  g_assert_null (vs_format_date (G_MININT64, now));
}

static void
test_path_is_inside (void)
{
  g_assert_true (vs_path_is_inside ("/a/b", "/a/b"));
  g_assert_true (vs_path_is_inside ("/a/b/c.ts", "/a/b"));
  g_assert_true (vs_path_is_inside ("/a/b/c.ts", "/a/b/"));
  g_assert_false (vs_path_is_inside ("/a/bc/d.ts", "/a/b"));   /* a sibling sharing a prefix */
  g_assert_false (vs_path_is_inside ("/a", "/a/b"));
  g_assert_true (vs_path_is_inside ("/anything", "/"));
  g_assert_false (vs_path_is_inside ("relative", "/"));
}

static void
test_path_suffix (void)
{
  g_assert_true (vs_path_has_suffix_nocase ("index.M3u8", ".m3u8"));
  g_assert_true (vs_path_has_suffix_nocase (".m3u8", ".m3u8"));
  g_assert_false (vs_path_has_suffix_nocase ("m3u8", ".m3u8"));
  g_assert_false (vs_path_has_suffix_nocase ("index.m3u", ".m3u8"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* English month names and no translations, whatever the caller's locale */
  setlocale (LC_ALL, "C.UTF-8");

  g_test_add_func ("/format/duration/rounded", test_duration_rounded);
  g_test_add_func ("/format/duration/hours-unbounded", test_duration_hours_unbounded);
  g_test_add_func ("/format/duration/negative", test_duration_negative);
  g_test_add_func ("/format/duration/hms", test_duration_hms);
  g_test_add_func ("/format/date/relative", test_date_relative);
  g_test_add_func ("/format/date/midnight", test_date_midnight);
  g_test_add_func ("/format/date/future", test_date_future);
  g_test_add_func ("/path/is-inside", test_path_is_inside);
  g_test_add_func ("/path/suffix", test_path_suffix);

  return g_test_run ();
}
