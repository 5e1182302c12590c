/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-format.c: vs_format_duration() and the path helpers */
#include "config.h"

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

  g_test_add_func ("/format/duration/rounded", test_duration_rounded);
  g_test_add_func ("/format/duration/hours-unbounded", test_duration_hours_unbounded);
  g_test_add_func ("/format/duration/negative", test_duration_negative);
  g_test_add_func ("/format/duration/hms", test_duration_hms);
  g_test_add_func ("/path/is-inside", test_path_is_inside);
  g_test_add_func ("/path/suffix", test_path_suffix);

  return g_test_run ();
}
