/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The list queries' filters against a brute-force evaluation over the same rows. */
#include "config.h"

#include <string.h>

#include "vs-database-private.h"
#include "vs-prober.h"
#include "vs-test-utils.h"

#define N_ROWS 400
#define DAY_NS (G_GINT64_CONSTANT (86400) * 1000000000)
#define BASE_NS (G_GINT64_CONSTANT (1577836800) * 1000000000)   /* 2020-01-01 UTC */

static const char * const folders[] = { "/lib", "/lib/alpha", "/lib/alpha/beta", "/lib/gamma" };
static const char * const colours[] = { "red", "green", "blue", "gray" };
static const char * const codecs[] = { "H.264 (High Profile)", "H.265 (Main Profile)", "VP9" };

typedef struct
{
  gint64       id;
  const char  *folder;
  char        *name;        /* display name: lower-case ASCII, so folding is the identity */
  char        *path;
  VsVideoKind  kind;
  gint64       size;
  gint64       mtime_ns;
  gint64       duration_ms; /* -1: unknown */
  int          height;      /* -1: unknown (NULL), 0: no picture */
  const char  *codec;
  VsMediaState probe_state;
  VsHlsState   hls_state;
  gboolean     watched;
  gboolean     in_progress;
  gint64       added_ns;    /* 0: unknown (NULL) */
} Row;

typedef struct
{
  char       *dir;
  VsDatabase *db;
  GPtrArray  *rows;
} Fixture;

static void
row_free (gpointer data)
{
  Row *row = data;

  g_free (row->name);
  g_free (row->path);
  g_free (row);
}

static void
insert_row (Fixture *f,
            Row     *row,
            gint64   folder_id)
{
  g_autoptr(VsVideoRecord) r = vs_video_record_new ();
  g_autoptr(GError) error = NULL;

  r->kind = row->kind;
  vs_video_record_set_path (r, row->path);
  g_assert_cmpstr (r->display_name, ==, row->name);
  r->folder_id = folder_id;
  r->size = row->size;
  r->mtime_ns = row->mtime_ns;
  r->duration_ms = row->duration_ms;
  r->hls.state = row->hls_state;
  row->id = vs_database_upsert_video (f->db, r, &error);
  g_assert_no_error (error);
  if (row->probe_state == VS_MEDIA_STATE_DONE)
    {
      VsProbeResult probe = { .duration_ms = row->duration_ms,
                              .width = row->height * 16 / 9, .height = row->height,
                              .video_codec = (char *) row->codec };

      g_assert_true (vs_database_set_probe_result (f->db, row->id, &probe, &error));
    }
  else if (row->probe_state == VS_MEDIA_STATE_FAILED)
    g_assert_true (vs_database_set_probe_result (f->db, row->id, NULL, &error));
  g_assert_no_error (error);
}

static Row *
make_row (guint i)
{
  static const int heights[] = { 0, 360, 480, 720, 1080, 1440, 2160 };
  Row *row = g_new0 (Row, 1);
  guint state = g_test_rand_int_range (0, 5);

  row->folder = folders[g_test_rand_int_range (0, G_N_ELEMENTS (folders))];
  row->kind = g_test_rand_int_range (0, 6) == 0 ? VS_VIDEO_KIND_HLS : VS_VIDEO_KIND_FILE;
  row->name = g_strdup_printf ("c%05u %s %s", i,
                               colours[g_test_rand_int_range (0, G_N_ELEMENTS (colours))],
                               colours[g_test_rand_int_range (0, G_N_ELEMENTS (colours))]);
  /* an HLS item is its playlist, named after its folder */
  if (row->kind == VS_VIDEO_KIND_HLS)
    {
      static const VsHlsState states[] = { VS_HLS_STATE_UNKNOWN, VS_HLS_STATE_COMPLETE,
                                           VS_HLS_STATE_INCOMPLETE, VS_HLS_STATE_ENCRYPTED,
                                           VS_HLS_STATE_MASTER, VS_HLS_STATE_REMOTE };

      row->hls_state = states[g_test_rand_int_range (0, G_N_ELEMENTS (states))];
    }
  if (row->kind == VS_VIDEO_KIND_HLS)
    row->path = g_strdup_printf ("%s/%s/index.m3u8", row->folder, row->name);
  else
    {
      char *base = g_strdup_printf ("%s.mp4", row->name);

      row->path = g_build_filename (row->folder, base, NULL);
      g_free (row->name);
      row->name = base;
    }
  row->size = g_test_rand_int_range (0, 30);                    /* ties */
  row->mtime_ns = BASE_NS + g_test_rand_int_range (0, 60) * DAY_NS +
                  g_test_rand_int_range (0, 3) * DAY_NS / 3;    /* ties, and day edges */
  row->height = -1;
  row->duration_ms = -1;
  /* 0, 1: pending; 2: failed; 3, 4: probed */
  row->probe_state = state < 2 ? VS_MEDIA_STATE_PENDING
                     : state == 2 ? VS_MEDIA_STATE_FAILED : VS_MEDIA_STATE_DONE;
  if (row->probe_state != VS_MEDIA_STATE_FAILED && g_test_rand_bit ())
    row->duration_ms = g_test_rand_int_range (0, 8) * 30000;  /* ties, edges of ranges */
  if (row->probe_state == VS_MEDIA_STATE_DONE)
    {
      row->duration_ms = MAX (row->duration_ms, 0);
      row->height = heights[g_test_rand_int_range (0, G_N_ELEMENTS (heights))];
      row->codec = row->height > 0 ? codecs[g_test_rand_int_range (0, G_N_ELEMENTS (codecs))]
                                   : NULL;
    }
  return row;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 folder_ids[G_N_ELEMENTS (folders)];
  gint64 root_id = 0;

  f->dir = vs_test_make_tmpdir ();
  path = g_build_filename (f->dir, "library.db", NULL);
  f->db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  f->rows = g_ptr_array_new_with_free_func (row_free);

  g_assert_true (vs_database_add_root (f->db, "/lib", &root_id, &error));
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      folder_ids[i] = vs_database_ensure_folder (f->db, root_id, 0, folders[i], &error);
      g_assert_no_error (error);
    }
  g_assert_true (vs_database_begin (f->db, &error));
  for (guint i = 0; i < N_ROWS; i++)
    {
      Row *row = make_row (i);
      guint fi = 0;

      while (!g_str_equal (folders[fi], row->folder))
        fi++;
      insert_row (f, row, folder_ids[fi]);
      g_ptr_array_add (f->rows, row);
    }
  g_assert_true (vs_database_commit (f->db, &error));

  /* when each was added: a few days (ties), some unknown (a row written without it) */
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (f->db->db, "UPDATE videos SET added_ns = ?1 WHERE id = ?2",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    for (guint i = 0; i < f->rows->len; i++)
      {
        Row *row = g_ptr_array_index (f->rows, i);

        row->added_ns = g_test_rand_int_range (0, 8) == 0
                        ? 0 : BASE_NS + g_test_rand_int_range (0, 20) * DAY_NS;
        if (row->added_ns != 0)
          sqlite3_bind_int64 (stmt, 1, row->added_ns);
        else
          sqlite3_bind_null (stmt, 1);
        sqlite3_bind_int64 (stmt, 2, row->id);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
        sqlite3_reset (stmt);
      }
    sqlite3_finalize (stmt);
  }

  /* watched, in progress, both (played again after it was watched), or neither */
  for (guint i = 0; i < f->rows->len; i++)
    {
      Row *row = g_ptr_array_index (f->rows, i);
      guint state = g_test_rand_int_range (0, 8);

      if (state == 0 || state == 1 || state == 3)
        {
          row->watched = TRUE;
          g_assert_true (vs_database_mark_watched (f->db, row->path, TRUE, &error));
        }
      else if (state == 2)  /* marked, then unmarked: a row in the table, not watched */
        {
          g_assert_true (vs_database_mark_watched (f->db, row->path, TRUE, &error));
          g_assert_true (vs_database_mark_watched (f->db, row->path, FALSE, &error));
        }
      if (state == 3 || state == 4)
        {
          row->in_progress = TRUE;
          g_assert_true (vs_database_set_position (f->db, row->path, 20000, -1, &error));
        }
      g_assert_no_error (error);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->db);
  g_clear_pointer (&f->rows, g_ptr_array_unref);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
}

/* The reference --------------------------------------------------------------------- */

/* hls_only is kind HLS, unless the kind asks for a download state */
static VsKindFilter
ref_kind (const VsVideoQuery *q)
{
  if (q->kind == VS_KIND_FILTER_HLS_COMPLETE || q->kind == VS_KIND_FILTER_HLS_INCOMPLETE)
    return q->kind;
  return q->hls_only ? VS_KIND_FILTER_HLS : q->kind;
}

static gboolean
ref_matches_filters (const Row          *row,
                     const VsVideoQuery *q)
{
  VsKindFilter kind = ref_kind (q);

  if ((kind == VS_KIND_FILTER_FILE && row->kind != VS_VIDEO_KIND_FILE) ||
      (kind >= VS_KIND_FILTER_HLS && row->kind != VS_VIDEO_KIND_HLS))
    return FALSE;
  if (kind == VS_KIND_FILTER_HLS_COMPLETE && row->hls_state != VS_HLS_STATE_COMPLETE &&
      row->hls_state != VS_HLS_STATE_MASTER)
    return FALSE;
  if (kind == VS_KIND_FILTER_HLS_INCOMPLETE && row->hls_state != VS_HLS_STATE_INCOMPLETE)
    return FALSE;
  if ((q->min_height > 0 || q->max_height > 0) &&
      (row->height <= 0 || row->height < q->min_height ||
       (q->max_height > 0 && row->height > q->max_height)))
    return FALSE;
  if (q->video_codec != NULL && q->video_codec[0] != '\0' &&
      g_strcmp0 (row->codec, q->video_codec) != 0)
    return FALSE;
  if ((q->min_duration_ms > 0 || q->max_duration_ms > 0) &&
      (row->duration_ms < 0 || row->duration_ms < q->min_duration_ms ||
       (q->max_duration_ms > 0 && row->duration_ms > q->max_duration_ms)))
    return FALSE;
  if ((q->modified_since_ns != 0 && row->mtime_ns < q->modified_since_ns) ||
      (q->modified_until_ns != 0 && row->mtime_ns >= q->modified_until_ns))
    return FALSE;
  if ((q->watched == VS_WATCHED_FILTER_WATCHED && !row->watched) ||
      (q->watched == VS_WATCHED_FILTER_UNWATCHED && row->watched) ||
      (q->watched == VS_WATCHED_FILTER_IN_PROGRESS && !row->in_progress))
    return FALSE;
  if (q->problem == VS_PROBLEM_FILTER_BROKEN)
    return row->probe_state == VS_MEDIA_STATE_FAILED;
  if (q->problem == VS_PROBLEM_FILTER_UNPROBED)
    return row->probe_state == VS_MEDIA_STATE_PENDING && row->kind == VS_VIDEO_KIND_FILE;
  return TRUE;
}

static gboolean
ref_matches (const Row          *row,
             const VsVideoQuery *q)
{
  if (q->folder != NULL)
    {
      gsize n = strlen (q->folder);
      gboolean below = strncmp (row->folder, q->folder, n) == 0 && row->folder[n] == '/';

      if (!g_str_equal (row->folder, q->folder) && !(q->recursive && below))
        return FALSE;
    }
  if (q->search != NULL)
    {
      g_auto(GStrv) words = g_strsplit (q->search, " ", -1);

      for (guint i = 0; words[i] != NULL; i++)
        if (strstr (row->name, words[i]) == NULL)
          return FALSE;
    }
  return ref_matches_filters (row, q);
}

static int
compare_int (gint64 a,
             gint64 b)
{
  return a < b ? -1 : a > b;
}

/* The order a query lists @a and @b in: its key (unknown durations and dates added last
 * either way), then the id; by path, only the path (it is unique). */
static int
ref_compare (const Row          *a,
             const Row          *b,
             const VsVideoQuery *q)
{
  int sign = q->descending ? -1 : 1;
  int c = 0;

  switch (q->sort)
    {
    case VS_SORT_NAME:
      c = strcmp (a->name, b->name);   /* "c%05u…": natural order is byte order */
      break;
    case VS_SORT_MTIME:
      c = compare_int (a->mtime_ns, b->mtime_ns);
      break;
    case VS_SORT_SIZE:
      c = compare_int (a->size, b->size);
      break;
    case VS_SORT_DURATION:
      if ((a->duration_ms < 0) != (b->duration_ms < 0))
        return a->duration_ms < 0 ? 1 : -1;
      c = compare_int (a->duration_ms, b->duration_ms);
      break;
    case VS_SORT_FOLDER:
      return sign * strcmp (a->path, b->path);
    case VS_SORT_ADDED:         /* unknown last either way */
      if ((a->added_ns == 0) != (b->added_ns == 0))
        return a->added_ns == 0 ? 1 : -1;
      c = compare_int (a->added_ns, b->added_ns);
      break;
    case VS_SORT_RESOLUTION:
    case VS_SORT_LAST_PLAYED:   /* /filters/last-played */
    default:
      g_assert_not_reached ();
    }
  return sign * (c != 0 ? c : compare_int (a->id, b->id));
}

static const VsVideoQuery *sort_query;

static int
ref_compare_sorted (gconstpointer a,
                    gconstpointer b)
{
  return ref_compare (*(Row * const *) a, *(Row * const *) b, sort_query);
}

/* Ids, count and a page from the middle (as --offset/--limit and the grid read them) all
 * agree with the reference; returns how many rows matched. */
static guint
check_query (Fixture            *f,
             const VsVideoQuery *q)
{
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < f->rows->len; i++)
    if (ref_matches (g_ptr_array_index (f->rows, i), q))
      g_ptr_array_add (expected, g_ptr_array_index (f->rows, i));
  sort_query = q;
  g_ptr_array_sort (expected, ref_compare_sorted);

  ids = vs_database_query_ids (f->db, q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, expected->len);
  g_assert_cmpint (vs_database_count_videos (f->db, q, &error), ==, expected->len);
  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, ((Row *) expected->pdata[i])->id);

  if (ids->len > 3)
    {
      guint offset = ids->len / 3, limit = MIN (5, ids->len - offset);
      g_autoptr(GPtrArray) page = NULL;

      page = vs_database_load_videos (f->db, &g_array_index (ids, gint64, offset), limit,
                                      &error);
      g_assert_no_error (error);
      for (guint i = 0; i < limit; i++)
        {
          const VsVideoRecord *rec = g_ptr_array_index (page, i);
          const Row *want = expected->pdata[offset + i];

          g_assert_cmpint (rec->id, ==, want->id);
          g_assert_cmpint (rec->watched, ==, want->watched);
          g_assert_cmpint (rec->position_ms > 0, ==, want->in_progress);
          g_assert_cmpint (rec->height, ==, MAX (want->height, 0));
          g_assert_cmpstr (rec->video_codec, ==, want->codec);
          g_assert_cmpint (rec->added_ns, ==, want->added_ns);
        }
    }
  return expected->len;
}

/* The filters, one at a time and a few together; hls_only is kind HLS. */
static const VsVideoQuery filters[] = {
  { 0 },
  { .kind = VS_KIND_FILTER_FILE },
  { .kind = VS_KIND_FILTER_HLS },
  { .kind = VS_KIND_FILTER_HLS_COMPLETE },
  { .kind = VS_KIND_FILTER_HLS_INCOMPLETE },
  { .hls_only = TRUE, .kind = VS_KIND_FILTER_HLS_INCOMPLETE },
  { .kind = VS_KIND_FILTER_HLS_COMPLETE, .watched = VS_WATCHED_FILTER_UNWATCHED },
  { .hls_only = TRUE },
  { .min_height = 720 },
  { .max_height = 719 },                        /* SD */
  { .min_height = 720, .max_height = 1079 },    /* 720p */
  { .min_height = 1080, .max_height = 2159 },   /* 1080p */
  { .min_height = 2160 },                       /* 4K and above */
  { .video_codec = "VP9" },
  { .video_codec = "H.264 (High Profile)" },
  { .video_codec = "vp9" },                     /* as stored: no match */
  { .video_codec = "" },                        /* none */
  { .min_duration_ms = 60000 },
  { .max_duration_ms = 60000 },
  { .min_duration_ms = 60000, .max_duration_ms = 150000 },
  { .min_duration_ms = 30000, .max_duration_ms = 30000 },
  { .modified_since_ns = BASE_NS + 20 * DAY_NS },
  { .modified_until_ns = BASE_NS + 20 * DAY_NS },
  { .modified_since_ns = BASE_NS + 10 * DAY_NS, .modified_until_ns = BASE_NS + 11 * DAY_NS },
  { .watched = VS_WATCHED_FILTER_WATCHED },
  { .watched = VS_WATCHED_FILTER_UNWATCHED },
  { .watched = VS_WATCHED_FILTER_IN_PROGRESS },
  { .problem = VS_PROBLEM_FILTER_BROKEN },
  { .problem = VS_PROBLEM_FILTER_UNPROBED },
  { .kind = VS_KIND_FILTER_FILE, .min_height = 720, .watched = VS_WATCHED_FILTER_UNWATCHED },
  { .video_codec = "VP9", .max_duration_ms = 120000,
    .modified_since_ns = BASE_NS + 15 * DAY_NS },
  { .watched = VS_WATCHED_FILTER_IN_PROGRESS, .min_height = 1 },
  { .problem = VS_PROBLEM_FILTER_BROKEN, .kind = VS_KIND_FILTER_HLS },
  { .hls_only = TRUE, .kind = VS_KIND_FILTER_FILE },   /* hls_only wins */
  { .watched = VS_WATCHED_FILTER_WATCHED, .min_duration_ms = 1, .max_height = 1080,
    .modified_until_ns = BASE_NS + 40 * DAY_NS },
};

static void
test_reference (Fixture       *f,
                gconstpointer  data)
{
  static const char * const searches[] = { NULL, "red", "green blue" };
  static const VsSortKey sorts[] = { VS_SORT_NAME, VS_SORT_MTIME, VS_SORT_SIZE,
                                     VS_SORT_DURATION, VS_SORT_FOLDER, VS_SORT_ADDED };
  guint nonempty = 0, checked = 0;

  for (guint fi = 0; fi < G_N_ELEMENTS (filters); fi++)
    for (int folder = -1; folder < 2; folder++)
      for (guint si = 0; si < G_N_ELEMENTS (searches); si++)
        for (guint so = 0; so < G_N_ELEMENTS (sorts); so++)
          for (guint desc = 0; desc < 2; desc++)
            {
              VsVideoQuery q = filters[fi];

              /* the whole library, /lib/alpha alone, /lib/alpha and below */
              q.folder = folder < 0 ? NULL : "/lib/alpha";
              q.recursive = folder == 1;
              q.search = searches[si];
              q.sort = sorts[so];
              q.descending = desc;
              if (check_query (f, &q) > 0)
                nonempty++;
              checked++;
            }
  /* the generated rows exercise the filters: most queries find something */
  g_assert_cmpuint (nonempty, >, checked / 2);
  /* and each filter alone finds something in the whole library, but not everything */
  for (guint fi = 1; fi < G_N_ELEMENTS (filters); fi++)
    {
      const char *codec = filters[fi].video_codec;
      guint n = check_query (f, &filters[fi]);

      if (g_strcmp0 (codec, "vp9") == 0)
        g_assert_cmpuint (n, ==, 0);
      else if (g_strcmp0 (codec, "") == 0)
        g_assert_cmpuint (n, ==, N_ROWS);
      else
        {
          g_assert_cmpuint (n, >, 0);
          g_assert_cmpuint (n, <, N_ROWS);
        }
    }
}

/* Whether @q filters on nothing but @kind (hls_only counting as kind HLS). */
static gboolean
only_kind (const VsVideoQuery *q,
           VsKindFilter        kind)
{
  return ref_kind (q) == kind && q->min_height == 0 &&
         q->max_height == 0 && (q->video_codec == NULL || q->video_codec[0] == '\0') &&
         q->min_duration_ms == 0 && q->max_duration_ms == 0 && q->modified_since_ns == 0 &&
         q->modified_until_ns == 0 && q->watched == VS_WATCHED_FILTER_ANY &&
         q->problem == VS_PROBLEM_FILTER_ANY;
}

/* Queries that select the same rows are equal, and copies keep every filter. */
static void
test_equal_copy (void)
{
  for (guint a = 0; a < G_N_ELEMENTS (filters); a++)
    {
      g_autofree VsVideoQuery *copy = vs_video_query_copy (&filters[a]);

      g_assert_true (vs_video_query_equal (copy, &filters[a]));
      if (filters[a].video_codec != NULL)
        {
          g_assert_true (copy->video_codec != filters[a].video_codec);
          g_assert_cmpstr (copy->video_codec, ==, filters[a].video_codec);
        }
      for (guint b = a + 1; b < G_N_ELEMENTS (filters); b++)
        {
          /* the pairs known to select the same rows: kind HLS, hls_only and hls_only with
           * kind file; no filter and an empty codec */
          gboolean same = (only_kind (&filters[a], VS_KIND_FILTER_HLS) &&
                           only_kind (&filters[b], VS_KIND_FILTER_HLS)) ||
                          (only_kind (&filters[a], VS_KIND_FILTER_HLS_INCOMPLETE) &&
                           only_kind (&filters[b], VS_KIND_FILTER_HLS_INCOMPLETE)) ||
                          (only_kind (&filters[a], VS_KIND_FILTER_ANY) &&
                           only_kind (&filters[b], VS_KIND_FILTER_ANY));

          if (vs_video_query_equal (&filters[a], &filters[b]) != same)
            g_error ("filters %u and %u", a, b);
        }
    }
}

/* The ids @q lists, as the names of @names (their ids in @ids), joined by spaces. */
static char *
listed_names (VsDatabase         *db,
              const VsVideoQuery *q,
              const gint64       *ids,
              const char * const *names,
              guint               n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) listed = vs_database_query_ids (db, q, &error);
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < listed->len; i++)
    for (guint j = 0; j < n; j++)
      if (g_array_index (listed, gint64, i) == ids[j])
        g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", names[j]);
  g_assert_cmpint (vs_database_count_videos (db, q, &error), ==, listed->len);
  g_assert_no_error (error);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Continue Watching and Recently Played: in progress, or played, the latest first. A
 * video's last play is the later of its recorded play and its stored position; one only
 * marked watched was never played. */
static void
test_last_played (void)
{
  static const char * const names[] = { "a", "b", "c", "d", "e", "f" };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "library.db", NULL);
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  VsVideoQuery resume = { .watched = VS_WATCHED_FILTER_IN_PROGRESS,
                          .sort = VS_SORT_LAST_PLAYED, .descending = TRUE };
  VsVideoQuery recent = { .watched = VS_WATCHED_FILTER_PLAYED,
                          .sort = VS_SORT_LAST_PLAYED, .descending = TRUE };
  VsVideoQuery all = { .sort = VS_SORT_LAST_PLAYED };
  gint64 ids[G_N_ELEMENTS (names)];
  gint64 root_id = 0, folder_id;
  char *listed;

  db = vs_database_open (path, VS_DATABASE_MODE_WRITER, &error);
  g_assert_no_error (error);
  g_assert_true (vs_database_add_root (db, "/lib", &root_id, &error));
  folder_id = vs_database_ensure_folder (db, root_id, 0, "/lib", &error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(VsVideoRecord) r = vs_video_record_new ();
      g_autofree char *video = g_strdup_printf ("/lib/%s.mp4", names[i]);

      vs_video_record_set_path (r, video);
      r->folder_id = folder_id;
      ids[i] = vs_database_upsert_video (db, r, &error);
      g_assert_no_error (error);
    }

  /* in this order, each a little later than the one before (stamps are in µs) */
  g_assert_true (vs_database_record_play (db, "/lib/c.mp4", 60000, 60000, &error)); /* to the end */
  g_usleep (2000);
  g_assert_true (vs_database_set_position (db, "/lib/b.mp4", 20000, 60000, &error));
  g_usleep (2000);
  g_assert_true (vs_database_record_play (db, "/lib/a.mp4", 30000, 60000, &error));
  g_usleep (2000);
  g_assert_true (vs_database_mark_watched (db, "/lib/d.mp4", TRUE, &error));
  g_usleep (2000);
  g_assert_true (vs_database_record_play (db, "/lib/e.mp4", 10000, 60000, &error));
  g_usleep (2000);
  /* b is still playing: its position is newer than every recorded play */
  g_assert_true (vs_database_set_position (db, "/lib/b.mp4", 25000, 60000, &error));
  g_assert_no_error (error);

  listed = listed_names (db, &resume, ids, names, G_N_ELEMENTS (names));
  g_assert_cmpstr (listed, ==, "b e a");
  g_free (listed);
  listed = listed_names (db, &recent, ids, names, G_N_ELEMENTS (names));
  g_assert_cmpstr (listed, ==, "e a c");
  g_free (listed);
  /* never played last, both ways; ties by id */
  listed = listed_names (db, &all, ids, names, G_N_ELEMENTS (names));
  g_assert_cmpstr (listed, ==, "c a e b d f");
  g_free (listed);
  all.descending = TRUE;
  listed = listed_names (db, &all, ids, names, G_N_ELEMENTS (names));
  g_assert_cmpstr (listed, ==, "b e a c f d");
  g_free (listed);
  /* with a search and a folder, as the views are searched */
  resume.search = "mp4";
  resume.folder = "/lib";
  listed = listed_names (db, &resume, ids, names, G_N_ELEMENTS (names));
  g_assert_cmpstr (listed, ==, "b e a");
  g_free (listed);
  resume.search = "e";
  listed = listed_names (db, &resume, ids, names, G_N_ELEMENTS (names));
  g_assert_cmpstr (listed, ==, "e");
  g_free (listed);
  /* played to the end: no longer in progress, still recently played, now the latest */
  g_usleep (2000);
  g_assert_true (vs_database_record_play (db, "/lib/a.mp4", 60000, 60000, &error));
  g_assert_no_error (error);
  listed = listed_names (db, &recent, ids, names, G_N_ELEMENTS (names));
  g_assert_cmpstr (listed, ==, "a e c");
  g_free (listed);
  resume.search = NULL;
  listed = listed_names (db, &resume, ids, names, G_N_ELEMENTS (names));
  g_assert_cmpstr (listed, ==, "b e");
  g_free (listed);

  /* the order's key (kept in videos) follows a row made again, as the scanner does, and
   * a rename, and goes with a forgotten position */
  {
    g_autoptr(VsVideoRecord) r = vs_video_record_new ();
    gboolean moved = FALSE;

    g_assert_true (vs_database_delete_video (db, ids[0], &error));
    vs_video_record_set_path (r, "/lib/a.mp4");
    r->folder_id = folder_id;
    ids[0] = vs_database_upsert_video (db, r, &error);
    g_assert_no_error (error);
    all.descending = TRUE;
    listed = listed_names (db, &all, ids, names, G_N_ELEMENTS (names));
    g_assert_cmpstr (listed, ==, "a b e c f d");
    g_free (listed);
    g_assert_true (vs_database_rename (db, "/lib/e.mp4", "/lib/g.mp4", &moved, NULL, NULL,
                                       &error));
    g_assert_no_error (error);
    g_assert_true (moved);
    listed = listed_names (db, &all, ids, names, G_N_ELEMENTS (names));
    g_assert_cmpstr (listed, ==, "a b e c f d");
    g_free (listed);
    /* b's position forgotten (near its start): never played */
    g_assert_true (vs_database_set_position (db, "/lib/b.mp4", 0, 60000, &error));
    g_assert_no_error (error);
    listed = listed_names (db, &all, ids, names, G_N_ELEMENTS (names));
    g_assert_cmpstr (listed, ==, "a e c f d b");
    g_free (listed);
  }

  g_clear_object (&db);
  vs_test_rm_rf (dir);
}

/* A library from before the watched table (read as it is) has nothing watched: every
 * video is unwatched; its positions are there. */
static void
test_legacy (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(VsDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsVideoRecord) r = vs_video_record_new ();
  VsVideoQuery watched = { .watched = VS_WATCHED_FILTER_WATCHED };
  VsVideoQuery unwatched = { .watched = VS_WATCHED_FILTER_UNWATCHED };
  VsVideoQuery in_progress = { .watched = VS_WATCHED_FILTER_IN_PROGRESS };
  VsVideoQuery played = { .watched = VS_WATCHED_FILTER_PLAYED };
  VsVideoQuery by_last_played = { .sort = VS_SORT_LAST_PLAYED, .descending = TRUE };
  g_autoptr(GArray) ids = NULL;
  gint64 root_id = 0, folder_id;

  db = _vs_database_open_at_version (path, _VS_DATABASE_WATCHED_SCHEMA - 1, &error);
  g_assert_no_error (error);
  g_assert_true (vs_database_add_root (db, "/lib", &root_id, &error));
  folder_id = vs_database_ensure_folder (db, root_id, 0, "/lib", &error);
  vs_video_record_set_path (r, "/lib/a.mp4");
  r->folder_id = folder_id;
  g_assert_cmpint (vs_database_upsert_video (db, r, &error), >, 0);
  g_assert_true (vs_database_set_position (db, "/lib/a.mp4", 20000, -1, &error));
  g_assert_no_error (error);

  g_assert_cmpint (vs_database_count_videos (db, &watched, &error), ==, 0);
  g_assert_cmpint (vs_database_count_videos (db, &unwatched, &error), ==, 1);
  g_assert_cmpint (vs_database_count_videos (db, &in_progress, &error), ==, 1);
  g_assert_no_error (error);
  /* nothing played; the order by last play reads the positions only */
  g_assert_cmpint (vs_database_count_videos (db, &played, &error), ==, 0);
  ids = vs_database_query_ids (db, &by_last_played, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_clear_pointer (&ids, g_array_unref);

  /* no date added: "added" sorts by mtime, the records carry none */
  {
    g_autoptr(VsVideoRecord) older = vs_video_record_new ();
    g_autoptr(GPtrArray) page = NULL;
    VsVideoQuery by_added = { .sort = VS_SORT_ADDED };
    gint64 older_id;

    vs_video_record_set_path (older, "/lib/b.mp4");
    older->folder_id = folder_id;
    older->mtime_ns = -DAY_NS;   /* before a.mp4's 0 */
    older_id = vs_database_upsert_video (db, older, &error);
    g_assert_cmpint (older_id, >, 0);
    ids = vs_database_query_ids (db, &by_added, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ids->len, ==, 2);
    g_assert_cmpint (g_array_index (ids, gint64, 0), ==, older_id);
    g_clear_pointer (&ids, g_array_unref);
    by_added.descending = TRUE;
    ids = vs_database_query_ids (db, &by_added, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_array_index (ids, gint64, 1), ==, older_id);
    page = vs_database_load_videos (db, (gint64 *) ids->data, ids->len, &error);
    g_assert_no_error (error);
    g_assert_cmpint (((VsVideoRecord *) page->pdata[0])->added_ns, ==, 0);
    g_assert_cmpint (((VsVideoRecord *) page->pdata[1])->added_ns, ==, 0);
  }
  g_clear_object (&db);
  vs_test_rm_rf (dir);
}

/* The codec facet counts what a codec filter selects; "modified within N days" moves
 * with the clock and combines with a fixed bound (the later one applies). */
static void
test_codecs_within (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) counts = vs_database_count_codecs (f->db, &error);
  gint64 now = g_get_real_time () * 1000, total = 0;
  const gint64 ages[] = { 2 * DAY_NS, 10 * DAY_NS, 400 * DAY_NS };
  gint64 folder_id;
  gint64 root_id = 0;

  g_assert_no_error (error);
  g_assert_nonnull (counts);
  for (guint i = 0; i < counts->len; i++)
    {
      VsCodecCount *c = g_ptr_array_index (counts, i);
      VsVideoQuery q = { .video_codec = c->codec };
      gint64 expected = 0;

      for (guint r = 0; r < f->rows->len; r++)
        {
          Row *row = g_ptr_array_index (f->rows, r);

          expected += g_strcmp0 (row->codec, c->codec) == 0;
        }
      g_assert_cmpint (c->count, ==, expected);
      g_assert_cmpint (vs_database_count_videos (f->db, &q, &error), ==, expected);
      if (i > 0)
        g_assert_cmpint (c->count, <=, ((VsCodecCount *) g_ptr_array_index (counts, i - 1))->count);
      total += c->count;
    }
  g_assert_cmpuint (counts->len, >, 0);
  g_assert_cmpint (total, <, f->rows->len);  /* unprobed ones have no codec */

  g_assert_true (vs_database_add_root (f->db, "/lib", &root_id, &error));
  folder_id = vs_database_ensure_folder (f->db, root_id, 0, "/lib", &error);
  for (guint i = 0; i < G_N_ELEMENTS (ages); i++)
    {
      Row row = { .kind = VS_VIDEO_KIND_FILE, .mtime_ns = now - ages[i], .duration_ms = -1 };

      row.name = g_strdup_printf ("recent%u.mp4", i);
      row.path = g_strdup_printf ("/lib/recent%u.mp4", i);
      insert_row (f, &row, folder_id);
      g_free (row.name);
      g_free (row.path);
    }
  {
    VsVideoQuery week = { .modified_within_days = 7 };
    VsVideoQuery month = { .modified_within_days = 30 };
    VsVideoQuery years = { .modified_within_days = 3650 };
    VsVideoQuery week_or_later = { .modified_within_days = 30,
                                   .modified_since_ns = now - 5 * DAY_NS };
    VsVideoQuery old_month = { .modified_within_days = 30, .modified_until_ns = now - 5 * DAY_NS };
    VsVideoQuery everything = { 0 };

    g_assert_cmpint (vs_database_count_videos (f->db, &week, &error), ==, 1);
    g_assert_cmpint (vs_database_count_videos (f->db, &month, &error), ==, 2);
    g_assert_cmpint (vs_database_count_videos (f->db, &years, &error), ==,
                     vs_database_count_videos (f->db, &everything, &error));
    g_assert_cmpint (vs_database_count_videos (f->db, &week_or_later, &error), ==, 1);
    g_assert_cmpint (vs_database_count_videos (f->db, &old_month, &error), ==, 1);
    g_assert_no_error (error);
    g_assert_false (vs_video_query_equal (&week, &month));
  }
}

/* A query as text and back: every filter, the sort and the search survive; the folder
 * is not part of it; bad texts are refused with an error, never half-read. */
static void
test_query_string (void)
{
  const VsVideoQuery full = {
    .folder = "/lib/a", .recursive = TRUE, .sort = VS_SORT_DURATION, .descending = TRUE,
    .search = "café \"night\" 'x'", .kind = VS_KIND_FILTER_FILE, .min_height = 720,
    .max_height = 1079, .video_codec = "H.264 / AVC", .min_duration_ms = 60000,
    .max_duration_ms = 600000, .modified_since_ns = -5, .modified_until_ns = G_MAXINT64,
    .modified_within_days = 7,
    .watched = VS_WATCHED_FILTER_IN_PROGRESS, .problem = VS_PROBLEM_FILTER_BROKEN,
  };
  const VsVideoQuery empty = { 0 };
  const VsVideoQuery hls = { .hls_only = TRUE, .sort = VS_SORT_LAST_PLAYED };
  const char * const bad[] = {
    "", "{", "[1, 2]", "{'sort': <'nope'>}", "{'kind': <'dir'>}", "{'min-height': <-1>}",
    "{'min-height': <'720'>}", "{'watched': <99>}", "{'problem': <-1>}",
    "{'min-duration-ms': <int64 -1>}", "{'codec': <5>}", "{'search': <@ay []>}",
  };
  g_autofree char *text = vs_video_query_to_string (&full);
  g_autofree char *empty_text = vs_video_query_to_string (&empty);
  g_autofree char *hls_text = vs_video_query_to_string (&hls);
  g_autofree char *long_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree VsVideoQuery *back = vs_video_query_new_from_string (text, &error);
  g_autofree VsVideoQuery *empty_back = NULL;
  g_autofree VsVideoQuery *hls_back = NULL;
  g_autofree VsVideoQuery *extra = NULL;
  VsVideoQuery expected = full;

  g_assert_no_error (error);
  expected.folder = NULL;
  g_assert_true (vs_video_query_equal (back, &expected));
  g_assert_cmpstr (back->search, ==, full.search);
  g_assert_cmpstr (back->video_codec, ==, full.video_codec);
  g_assert_true (vs_video_query_has_filters (back));

  empty_back = vs_video_query_new_from_string (empty_text, &error);
  g_assert_no_error (error);
  g_assert_true (vs_video_query_equal (empty_back, &empty));
  g_assert_false (vs_video_query_has_filters (empty_back));

  /* the downloads' view is the HLS kind */
  hls_back = vs_video_query_new_from_string (hls_text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hls_back->kind, ==, VS_KIND_FILTER_HLS);
  g_assert_cmpint (hls_back->sort, ==, VS_SORT_LAST_PLAYED);

  /* keys of a later version are skipped */
  extra = vs_video_query_new_from_string ("{'sort': <'size'>, 'stars': <5>}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (extra->sort, ==, VS_SORT_SIZE);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;
      g_autofree VsVideoQuery *none = vs_video_query_new_from_string (bad[i], &bad_error);

      g_assert_null (none);
      g_assert_nonnull (bad_error);
    }
  long_text = g_strnfill (100000, '[');
  g_assert_null (vs_video_query_new_from_string (long_text, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* filters one at a time, as the chips remove them */
  for (guint i = 0; i < VS_QUERY_N_FILTERS; i++)
    {
      g_autofree VsVideoQuery *one = vs_video_query_copy (&full);

      g_assert_true (vs_video_query_has_filter (one, (VsQueryFilter) i));
      vs_video_query_clear_filter (one, (VsQueryFilter) i);
      g_assert_false (vs_video_query_has_filter (one, (VsQueryFilter) i));
      for (guint j = 0; j < VS_QUERY_N_FILTERS; j++)
        if (j != i)
          g_assert_true (vs_video_query_has_filter (one, (VsQueryFilter) j));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/filters/reference", Fixture, NULL, fixture_setup, test_reference,
              fixture_teardown);
  g_test_add_func ("/filters/equal-copy", test_equal_copy);
  g_test_add_func ("/filters/last-played", test_last_played);
  g_test_add_func ("/filters/legacy", test_legacy);
  g_test_add_func ("/filters/query-string", test_query_string);
  g_test_add ("/filters/codecs-within", Fixture, NULL, fixture_setup, test_codecs_within,
              fixture_teardown);
  return g_test_run ();
}
