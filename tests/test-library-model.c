/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lazy library model: contents, ::items-changed ranges, and its bounded cache. */
#include "config.h"

#include <string.h>

#include "vs-library-model.h"
#include "vs-test-utils.h"

typedef struct
{
  char           *dir;
  VsDatabase     *writer;
  VsDatabase     *reader;
  VsLibraryModel *model;
  gint64          folder_id;
  GArray         *changes;   /* guint triples: position, removed, added */
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  guint triple[3] = { position, removed, added };

  g_array_append_vals (f->changes, triple, 3);
}

static gint64
add_video (Fixture    *f,
           const char *name,
           gint64      size)
{
  g_autoptr(VsVideoRecord) r = vs_video_record_new ();
  g_autofree char *path = g_strdup_printf ("/lib/%s", name);
  g_autoptr(GError) error = NULL;
  gint64 id;

  vs_video_record_set_path (r, path);
  r->folder_id = f->folder_id;
  r->size = size;
  r->mtime_ns = size * 1000;
  id = vs_database_upsert_video (f->writer, r, &error);
  g_assert_no_error (error);
  return id;
}

static void
fill (Fixture *f,
      guint    n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vs_database_begin (f->writer, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("video %06u.mp4", i * 2);

      add_video (f, name, g_test_rand_int_range (0, 1000));
    }
  g_assert_true (vs_database_commit (f->writer, &error));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 root_id = 0;

  f->dir = vs_test_make_tmpdir ();
  path = g_build_filename (f->dir, "library.db", NULL);
  f->writer = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  f->reader = vs_database_open (path, VS_DATABASE_MODE_READER, &error);
  g_assert_no_error (error);
  g_assert_true (vs_database_add_root (f->writer, "/lib", &root_id, &error));
  f->folder_id = vs_database_ensure_folder (f->writer, root_id, 0, "/lib", &error);
  g_assert_no_error (error);
  f->model = vs_library_model_new (f->reader);
  f->changes = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (f->model, "items-changed", G_CALLBACK (on_items_changed), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->model);
  g_clear_object (&f->reader);
  g_clear_object (&f->writer);
  g_array_unref (f->changes);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
settle (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  do
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  while (vs_library_model_get_busy (f->model));
}

static void
load (Fixture            *f,
      const VsVideoQuery *query)
{
  vs_library_model_set_query (f->model, query);
  settle (f);
}

static void
assert_change (Fixture *f,
               guint    position,
               guint    removed,
               guint    added)
{
  guint *t;

  g_assert_cmpuint (f->changes->len, ==, 3);
  t = (guint *) (gpointer) f->changes->data;
  g_assert_cmpuint (t[0], ==, position);
  g_assert_cmpuint (t[1], ==, removed);
  g_assert_cmpuint (t[2], ==, added);
  g_array_set_size (f->changes, 0);
}

/* The i-th item's title, once its page has arrived. */
static char *
title_at (Fixture *f,
          guint    i)
{
  g_autoptr(VsVideo) video = g_list_model_get_item (G_LIST_MODEL (f->model), i);

  if (vs_video_get_loading (video))
    settle (f);
  g_assert_false (vs_video_get_loading (video));
  return g_strdup (vs_video_get_title (video));
}

static void
test_contents (Fixture       *f,
               gconstpointer  data)
{
  VsVideoQuery by_size = { .sort = VS_SORT_SIZE, .descending = TRUE };
  VsVideoQuery by_name = { .sort = VS_SORT_NAME };
  g_autoptr(GArray) reference = NULL;
  g_autoptr(GError) error = NULL;

  fill (f, 3000);
  load (f, &by_size);
  assert_change (f, 0, 0, 3000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 3000);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (f->model), 3000));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (f->model)) == VS_TYPE_VIDEO);

  /* Random positions against a brute-force ordering of every row. */
  reference = vs_database_query_ids (f->reader, &by_size, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < 200; k++)
    {
      guint i = g_test_rand_int_range (0, 3000);
      g_autoptr(VsVideo) video = g_list_model_get_item (G_LIST_MODEL (f->model), i);
      g_autoptr(VsVideo) prev = i > 0 ? g_list_model_get_item (G_LIST_MODEL (f->model), i - 1)
                                      : NULL;

      g_assert_cmpint (vs_video_get_id (video), ==, g_array_index (reference, gint64, i));
      if (vs_video_get_loading (video) || (prev && vs_video_get_loading (prev)))
        settle (f);
      if (prev != NULL)
        g_assert_cmpint (vs_video_get_size (prev), >=, vs_video_get_size (video));
    }

  /* Sorting replaces everything in one change. */
  load (f, &by_name);
  assert_change (f, 0, 3000, 3000);
  for (guint k = 0; k < 50; k++)
    {
      guint i = g_test_rand_int_range (0, 3000);
      g_autofree char *title = title_at (f, i);
      g_autofree char *want = g_strdup_printf ("video %06u.mp4", i * 2);

      g_assert_cmpstr (title, ==, want);
    }
}

static void
test_items_changed (Fixture       *f,
                    gconstpointer  data)
{
  VsVideoQuery by_name = { .sort = VS_SORT_NAME };
  VsVideoQuery search = { .sort = VS_SORT_NAME, .search = "00001" };
  g_autoptr(GError) error = NULL;
  gint64 id;

  fill (f, 500);                       /* names video 000000, 000002, … 000998 */
  load (f, &by_name);
  assert_change (f, 0, 0, 500);

  /* An insert in the middle is one added item at its position. */
  id = add_video (f, "video 000201.mp4", 5);
  vs_library_model_refresh (f->model);
  settle (f);
  assert_change (f, 101, 0, 1);
  g_assert_cmpuint (vs_library_model_find_id (f->model, id), ==, 101);

  /* A delete is one removed item. */
  g_assert_true (vs_database_delete_video (f->writer, id, &error));
  vs_library_model_refresh (f->model);
  settle (f);
  assert_change (f, 101, 1, 0);

  /* Nothing changed: no signal at all. */
  vs_library_model_refresh (f->model);
  settle (f);
  g_assert_cmpuint (f->changes->len, ==, 0);

  /* Search: one change from everything to the matches (000010…000019 → 5 even names). */
  load (f, &search);
  assert_change (f, 0, 500, 5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 5);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* Refreshing re-reads the items in memory, so a probe's duration reaches a shown cell. */
static void
test_refresh_updates_items (Fixture       *f,
                            gconstpointer  data)
{
  VsVideoQuery by_name = { .sort = VS_SORT_NAME };
  g_autoptr(VsVideo) video = NULL;
  g_autoptr(VsVideoRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  fill (f, 10);
  load (f, &by_name);
  video = g_list_model_get_item (G_LIST_MODEL (f->model), 3);
  settle (f);
  g_assert_cmpint (vs_video_get_duration_ms (video), ==, -1);
  g_signal_connect (video, "notify::duration-ms", G_CALLBACK (count_notify), &notified);

  record = vs_database_lookup_video (f->writer, vs_video_get_path (video), &error);
  record->duration_ms = 4242;
  vs_database_upsert_video (f->writer, record, &error);
  g_assert_no_error (error);
  vs_library_model_refresh (f->model);
  settle (f);
  g_assert_cmpint (vs_video_get_duration_ms (video), ==, 4242);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (f->changes->len, ==, 3);   /* only the initial load */
}

/* Visiting all 100,000 positions never holds more than the bound. */
static void
test_cache_bound (Fixture       *f,
                  gconstpointer  data)
{
  VsVideoQuery by_name = { .sort = VS_SORT_NAME };
  g_autoptr(GError) error = NULL;
  guint n = 100000, max_cached = 0;

  g_assert_true (vs_database_begin_bulk (f->writer, &error));
  fill (f, n);
  g_assert_true (vs_database_end_bulk (f->writer, &error));
  load (f, &by_name);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, n);
  vs_library_model_set_cache_size (f->model, 1024);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VsVideo) video = g_list_model_get_item (G_LIST_MODEL (f->model), i);

      g_assert_cmpint (vs_video_get_id (video), >, 0);
      if (i % 512 == 0)
        while (g_main_context_iteration (NULL, FALSE))
          ;
      max_cached = MAX (max_cached, vs_library_model_get_n_cached (f->model));
      g_assert_cmpuint (vs_library_model_get_n_cached (f->model), <=, 1024);
    }
  settle (f);
  g_assert_cmpuint (vs_library_model_get_n_cached (f->model), <=, 1024);
  g_assert_cmpuint (max_cached, >=, 128);
}

/* Rows read ahead (the library reads them with its opening) show at once for an equal
 * query, with the records given already there; any other query reads its own. */
static void
test_offered_rows (Fixture       *f,
                   gconstpointer  data)
{
  VsVideoQuery by_name = { .sort = VS_SORT_NAME };
  VsVideoQuery by_size = { .sort = VS_SORT_SIZE, .descending = TRUE };
  VsVideoQuery same = { .sort = VS_SORT_NAME, .search = "", .recursive = TRUE };
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideo) first = NULL;
  g_autoptr(VsVideo) last = NULL;

  fill (f, 300);
  ids = vs_database_query_ids (f->reader, &by_name, &error);
  g_assert_no_error (error);
  records = vs_database_load_videos (f->reader, (const gint64 *) (gpointer) ids->data, 10,
                                     &error);
  g_assert_no_error (error);
  g_assert_true (vs_video_query_equal (&by_name, &same));
  g_assert_false (vs_video_query_equal (&by_name, &by_size));

  /* equal (an empty search is none; recursive means nothing without a folder) */
  vs_library_model_offer_rows (f->model, &by_name, ids, records);
  vs_library_model_set_query (f->model, &same);
  g_assert_false (vs_library_model_get_busy (f->model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 300);
  g_assert_cmpuint (f->changes->len, ==, 3);
  g_assert_cmpuint (g_array_index (f->changes, guint, 2), ==, 300);
  first = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  g_assert_false (vs_video_get_loading (first));
  g_assert_cmpstr (vs_video_get_title (first), ==, "video 000000.mp4");
  g_assert_false (vs_library_model_get_busy (f->model));   /* no page read for it */
  last = g_list_model_get_item (G_LIST_MODEL (f->model), 299);
  g_assert_true (vs_video_get_loading (last));             /* not offered: read */
  settle (f);
  g_assert_false (vs_video_get_loading (last));
  g_assert_cmpstr (vs_video_get_title (last), ==, "video 000598.mp4");

  /* offered for another order: dropped, the model reads its own */
  vs_library_model_offer_rows (f->model, &by_name, ids, records);
  vs_library_model_set_query (f->model, &by_size);
  g_assert_true (vs_library_model_get_busy (f->model));
  settle (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 300);

  /* a refresh (the index changed) drops rows offered before it */
  vs_library_model_offer_rows (f->model, &by_name, ids, records);
  vs_library_model_refresh (f->model);
  settle (f);
  g_array_set_size (f->changes, 0);
  vs_library_model_set_query (f->model, &by_name);
  g_assert_true (vs_library_model_get_busy (f->model));
  g_assert_cmpuint (f->changes->len, ==, 0);
  settle (f);
  g_assert_cmpuint (f->changes->len, ==, 3);
}

/* Searches with the same words select the same rows: equal, whatever their order and
 * spacing, and an offered snapshot is used for either; copies keep them. */
static void
test_query_equal (Fixture       *f,
                  gconstpointer  data)
{
  VsVideoQuery words = { .sort = VS_SORT_NAME, .search = "video 00001" };
  VsVideoQuery spaced = { .sort = VS_SORT_NAME, .search = " 00001\tvideo  video " };
  VsVideoQuery fewer = { .sort = VS_SORT_NAME, .search = "video" };
  VsVideoQuery other = { .sort = VS_SORT_NAME, .search = "video 00002" };
  VsVideoQuery sixteen = { .sort = VS_SORT_NAME, .search = "a b c d e f g h i j k l m n o p" };
  VsVideoQuery seventeen = { .sort = VS_SORT_NAME, .search = "a b c d e f g h i j k l m n o p q" };
  VsVideoQuery bad = { .sort = VS_SORT_NAME, .search = "caf\xe9" };
  VsVideoQuery bad_too = { .sort = VS_SORT_NAME, .search = "caf\xe9 " };
  g_autofree VsVideoQuery *copy = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (vs_video_query_equal (&words, &spaced));
  g_assert_false (vs_video_query_equal (&words, &fewer));
  g_assert_false (vs_video_query_equal (&words, &other));
  g_assert_true (vs_video_query_equal (&sixteen, &seventeen));   /* the 17th counts for nothing */
  g_assert_true (vs_video_query_equal (&bad, &bad));
  g_assert_false (vs_video_query_equal (&bad, &bad_too));
  copy = vs_video_query_copy (&spaced);
  g_assert_true (copy->search != spaced.search);
  g_assert_cmpstr (copy->search, ==, spaced.search);
  g_assert_true (vs_video_query_equal (copy, &words));

  fill (f, 500);
  ids = vs_database_query_ids (f->reader, &words, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 5);   /* video 000010 … 000018 */
  vs_library_model_offer_rows (f->model, &words, ids, NULL);
  vs_library_model_set_query (f->model, &spaced);
  g_assert_false (vs_library_model_get_busy (f->model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 5);
  vs_library_model_set_query (f->model, &fewer);
  g_assert_true (vs_library_model_get_busy (f->model));
  settle (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 500);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/library-model/contents", test_contents);
  ADD ("/library-model/items-changed", test_items_changed);
  ADD ("/library-model/refresh-updates-items", test_refresh_updates_items);
  ADD ("/library-model/cache-bound", test_cache_bound);
  ADD ("/library-model/offered-rows", test_offered_rows);
  ADD ("/library-model/query-equal", test_query_equal);
#undef ADD

  return g_test_run ();
}
