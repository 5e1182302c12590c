/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-format.c: vs_format_duration() */
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
test_duration_zero (void)
{
  assert_duration (0, "0:00:00");
}

static void
test_duration_floor (void)
{
  assert_duration (999, "0:00:00");
  assert_duration (1000, "0:00:01");
  assert_duration (59999, "0:00:59");
  assert_duration (60000, "0:01:00");
  assert_duration (3599999, "0:59:59");
  assert_duration (3600000, "1:00:00");
  assert_duration (5025500, "1:23:45");
}

static void
test_duration_hours_unbounded (void)
{
  assert_duration (1051050000, "291:57:30");
  assert_duration (G_GINT64_CONSTANT (360000000), "100:00:00");
  assert_duration (G_MAXINT64, "2562047788015:12:55");
}

static void
test_duration_negative (void)
{
  assert_duration (-1, "0:00:00");
  assert_duration (-3600000, "0:00:00");
  assert_duration (G_MININT64, "0:00:00");
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

  g_test_add_func ("/format/duration/zero", test_duration_zero);
  g_test_add_func ("/format/duration/floor", test_duration_floor);
  g_test_add_func ("/format/duration/hours-unbounded", test_duration_hours_unbounded);
  g_test_add_func ("/format/duration/negative", test_duration_negative);
  g_test_add_func ("/path/is-inside", test_path_is_inside);
  g_test_add_func ("/path/suffix", test_path_suffix);

  return g_test_run ();
}
