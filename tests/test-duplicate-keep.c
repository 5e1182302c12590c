/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-duplicate-keep.c: vs_duplicate_suggest_keep(), the keep-best rules of a duplicate
 * group, and their names */
#include "config.h"

#include "vs-duplicate-keep.h"

typedef struct
{
  gint64      id;
  const char *path;
  int         width;
  int         height;
  gint64      size;
  gint64      mtime_s;
} Copy;

/* The records of @copies, in that order. */
static GPtrArray *
records_of (const Copy *copies,
            guint       n)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_video_record_free);

  for (guint i = 0; i < n; i++)
    {
      VsVideoRecord *r = vs_video_record_new ();

      r->id = copies[i].id;
      r->kind = VS_VIDEO_KIND_FILE;
      vs_video_record_set_path (r, copies[i].path);
      r->width = copies[i].width;
      r->height = copies[i].height;
      r->size = copies[i].size;
      r->mtime_ns = copies[i].mtime_s * G_GINT64_CONSTANT (1000000000);
      g_ptr_array_add (records, r);
    }
  return records;
}

/* The id kept under @rule, checked to be the same for the copies in reverse order. */
static gint64
kept (const Copy *copies,
      guint       n,
      VsKeepRule  rule,
      const char *folder)
{
  g_autoptr(GPtrArray) records = records_of (copies, n);
  g_autoptr(GPtrArray) reversed = g_ptr_array_new ();
  guint index = vs_duplicate_suggest_keep ((VsVideoRecord * const *) records->pdata, n, rule,
                                           folder);
  guint rindex;

  g_assert_cmpuint (index, <, n);
  for (guint i = n; i-- > 0;)
    g_ptr_array_add (reversed, g_ptr_array_index (records, i));
  rindex = vs_duplicate_suggest_keep ((VsVideoRecord * const *) reversed->pdata, n, rule,
                                      folder);
  /* the order the group's rows came in never matters */
  g_assert_cmpint (((VsVideoRecord *) g_ptr_array_index (reversed, rindex))->id, ==,
                   ((VsVideoRecord *) g_ptr_array_index (records, index))->id);
  return ((VsVideoRecord *) g_ptr_array_index (records, index))->id;
}

static const Copy three[] = {
  /* id, path, width, height, size, mtime */
  { 1, "/v/Films/a.mp4", 1280, 720, 500000000, 1000 },
  { 2, "/v/Films2/a.mkv", 1920, 1080, 300000000, 3000 },
  { 3, "/v/Old/a.avi", 640, 360, 900000000, 2000 },
};

static void
test_rules (void)
{
  g_assert_cmpint (kept (three, 3, VS_KEEP_RULE_HIGHEST_RESOLUTION, NULL), ==, 2);
  g_assert_cmpint (kept (three, 3, VS_KEEP_RULE_LARGEST, NULL), ==, 3);
  g_assert_cmpint (kept (three, 3, VS_KEEP_RULE_NEWEST, NULL), ==, 2);
  g_assert_cmpint (kept (three, 3, VS_KEEP_RULE_OLDEST, NULL), ==, 1);
  g_assert_cmpint (kept (three, 3, VS_KEEP_RULE_IN_FOLDER, "/v/Old"), ==, 3);
  g_assert_cmpint (kept (three, 1, VS_KEEP_RULE_LARGEST, NULL), ==, 1);
}

/* "Films" holds Films/a.mp4 and not Films2/a.mkv, with or without a trailing slash. */
static void
test_folder_boundary (void)
{
  static const Copy two[] = {
    { 7, "/v/Films2/a.mkv", 1920, 1080, 300, 1 },
    { 9, "/v/Films/sub/a.mp4", 640, 360, 200, 2 },
  };

  g_assert_cmpint (kept (two, 2, VS_KEEP_RULE_IN_FOLDER, "/v/Films"), ==, 9);
  g_assert_cmpint (kept (two, 2, VS_KEEP_RULE_IN_FOLDER, "/v/Films/"), ==, 9);
  g_assert_cmpint (kept (two, 2, VS_KEEP_RULE_IN_FOLDER, "/v/Films2"), ==, 7);
  /* a prefix of a name is no folder: "/v/Film" holds neither; the fallback is the
   * highest resolution */
  g_assert_cmpint (kept (two, 2, VS_KEEP_RULE_IN_FOLDER, "/v/Film"), ==, 7);
  /* the file itself is not a folder holding it */
  g_assert_cmpint (kept (two, 2, VS_KEEP_RULE_IN_FOLDER, "/v/Films/sub/a.mp4"), ==, 7);
  g_assert_cmpint (kept (two, 2, VS_KEEP_RULE_IN_FOLDER, NULL), ==, 7);
  g_assert_cmpint (kept (two, 2, VS_KEEP_RULE_IN_FOLDER, ""), ==, 7);
  g_assert_cmpint (kept (two, 2, VS_KEEP_RULE_IN_FOLDER, "/"), ==, 7);
}

/* Several copies in the folder: the best of them by the ties, not the first. */
static void
test_folder_ties (void)
{
  static const Copy copies[] = {
    { 1, "/v/Keep/a.mp4", 640, 360, 100, 1 },
    { 2, "/v/Other/a.mp4", 3840, 2160, 900, 1 },
    { 3, "/v/Keep/deep/a.mp4", 1280, 720, 50, 1 },
  };

  g_assert_cmpint (kept (copies, 3, VS_KEEP_RULE_IN_FOLDER, "/v/Keep"), ==, 3);
}

/* Equal on the rule's fact: resolution, then size, then the older id decide. */
static void
test_ties (void)
{
  static const Copy same_time[] = {
    { 5, "/v/a.mp4", 1280, 720, 100, 50 },
    { 4, "/v/b.mp4", 1280, 720, 200, 50 },
    { 3, "/v/c.mp4", 1920, 1080, 10, 50 },
  };
  static const Copy identical[] = {
    { 12, "/v/a.mp4", 1280, 720, 100, 50 },
    { 10, "/v/b.mp4", 1280, 720, 100, 50 },
    { 11, "/v/c.mp4", 1280, 720, 100, 50 },
  };
  static const Copy same_size[] = {
    { 1, "/v/a.mp4", 640, 360, 100, 10 },
    { 2, "/v/b.mp4", 1280, 720, 100, 20 },
  };

  g_assert_cmpint (kept (same_time, 3, VS_KEEP_RULE_NEWEST, NULL), ==, 3);
  g_assert_cmpint (kept (same_time, 3, VS_KEEP_RULE_OLDEST, NULL), ==, 3);
  g_assert_cmpint (kept (same_time, 2, VS_KEEP_RULE_NEWEST, NULL), ==, 4);
  g_assert_cmpint (kept (identical, 3, VS_KEEP_RULE_HIGHEST_RESOLUTION, NULL), ==, 10);
  g_assert_cmpint (kept (identical, 3, VS_KEEP_RULE_LARGEST, NULL), ==, 10);
  g_assert_cmpint (kept (identical, 3, VS_KEEP_RULE_NEWEST, NULL), ==, 10);
  g_assert_cmpint (kept (same_size, 2, VS_KEEP_RULE_LARGEST, NULL), ==, 2);
  g_assert_cmpint (kept (same_size, 2, VS_KEEP_RULE_OLDEST, NULL), ==, 1);
}

/* An unknown resolution (0 × 0, or only one side known) counts as no pixels. */
static void
test_unknown_resolution (void)
{
  static const Copy copies[] = {
    { 1, "/v/a.mp4", 0, 0, 999999, 1 },
    { 2, "/v/b.mp4", 320, 240, 10, 1 },
    { 3, "/v/c.mp4", 4000, 0, 10, 1 },
  };
  static const Copy none[] = {
    { 8, "/v/a.mp4", 0, 0, 10, 1 },
    { 6, "/v/b.mp4", 0, 0, 20, 1 },
  };

  g_assert_cmpint (kept (copies, 3, VS_KEEP_RULE_HIGHEST_RESOLUTION, NULL), ==, 2);
  g_assert_cmpint (kept (copies, 3, VS_KEEP_RULE_LARGEST, NULL), ==, 1);
  /* nothing known: the largest, then the older id */
  g_assert_cmpint (kept (none, 2, VS_KEEP_RULE_HIGHEST_RESOLUTION, NULL), ==, 6);
}

static void
test_names (void)
{
  for (VsKeepRule rule = VS_KEEP_RULE_HIGHEST_RESOLUTION; rule <= VS_KEEP_RULE_IN_FOLDER; rule++)
    {
      VsKeepRule back = 99;

      g_assert_true (vs_keep_rule_from_string (vs_keep_rule_to_string (rule), &back));
      g_assert_cmpint (back, ==, rule);
    }
  {
    VsKeepRule rule = VS_KEEP_RULE_OLDEST;

    g_assert_cmpstr (vs_keep_rule_to_string (VS_KEEP_RULE_HIGHEST_RESOLUTION), ==,
                     "highest-resolution");
    g_assert_false (vs_keep_rule_from_string ("biggest", &rule));
    g_assert_false (vs_keep_rule_from_string (NULL, &rule));
    g_assert_false (vs_keep_rule_from_string ("", &rule));
    g_assert_cmpint (rule, ==, VS_KEEP_RULE_OLDEST);  /* untouched on failure */
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/duplicates/keep/rules", test_rules);
  g_test_add_func ("/duplicates/keep/folder-boundary", test_folder_boundary);
  g_test_add_func ("/duplicates/keep/folder-ties", test_folder_ties);
  g_test_add_func ("/duplicates/keep/ties", test_ties);
  g_test_add_func ("/duplicates/keep/unknown-resolution", test_unknown_resolution);
  g_test_add_func ("/duplicates/keep/names", test_names);
  return g_test_run ();
}
