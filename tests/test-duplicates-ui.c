/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Duplicates page driven as a user drives it, with real X input (XTEST, through
 * xdotool): its sidebar row, the groups with their facts, the Keep badge following the
 * rule picked in the dropdown and a card clicked, Delete on a focused group, "Trash the
 * Others" moving exactly the others and the toast's Undo bringing every byte back, and
 * "Not Duplicates" remembered across a new opening of the library.
 *
 * The fingerprints are stored directly (vs_database_set_fingerprint(), then
 * vs_database_match_duplicates()): near ones for the copies, far ones for the others, so
 * that what is tested is the page, not the decoding.
 */
#include "config.h"

#include <adwaita.h>

#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>

#include "vs-duplicate-row.h"
#include "vs-duplicates-page.h"
#include "vs-library-private.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-window-private.h"

static char *trash_home;

typedef struct
{
  char     *dir;
  char     *lib;
  char     *db;
  /* group A: three copies; pair B; a video like no other */
  char     *a_small;   /* Films/a.mp4: 320×240, the oldest */
  char     *a_big;     /* Films2/a.mp4: 640×360, the newest */
  char     *a_old;     /* Old/a.mp4: 320×240 */
  char     *b_webm;    /* b.webm: 320×240 */
  char     *b_mp4;     /* b.mp4: 640×360 */
  char     *single;    /* single.mp4 */
  VsWindow *window;
} Fixture;

static void
set_mtime (const char *path,
           gint64      seconds)
{
  struct utimbuf times = { seconds, seconds };

  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static void
make_files (Fixture *f)
{
  const char *folders[] = { "Films", "Films2", "Old" };

  f->dir = vs_test_make_tmpdir ();
  f->lib = g_build_filename (f->dir, "Videos", NULL);
  f->db = g_build_filename (f->dir, "library.db", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *folder = g_build_filename (f->lib, folders[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
    }
  f->a_small = g_build_filename (f->lib, "Films", "a.mp4", NULL);
  f->a_big = g_build_filename (f->lib, "Films2", "a.mp4", NULL);
  f->a_old = g_build_filename (f->lib, "Old", "a.mp4", NULL);
  f->b_webm = g_build_filename (f->lib, "b.webm", NULL);
  f->b_mp4 = g_build_filename (f->lib, "b.mp4", NULL);
  f->single = g_build_filename (f->lib, "single.mp4", NULL);
  vs_test_media_clip (f->a_small, 2);
  vs_test_media_mp4 (f->a_big, "smpte");
  vs_test_media_clip (f->a_old, 3);
  vs_test_media_webm (f->b_webm);
  vs_test_media_mp4 (f->b_mp4, "ball");
  vs_test_media_mp4 (f->single, "snow");
  /* oldest to newest: Films/a, Old/a, Films2/a */
  set_mtime (f->a_small, 1000000000);
  set_mtime (f->a_old, 1300000000);
  set_mtime (f->a_big, 1600000000);
}

static gint64
id_of (Fixture    *f,
       const char *path)
{
  VsDatabase *reader = vs_library_get_reader (f->window->library);
  g_autoptr(GArray) ids = vs_database_query_ids (reader, &(VsVideoQuery) { 0 }, NULL);
  g_autoptr(GPtrArray) records = NULL;

  g_assert_nonnull (ids);
  records = vs_database_load_videos (reader, (gint64 *) ids->data, ids->len, NULL);
  for (guint i = 0; i < records->len; i++)
    {
      VsVideoRecord *r = g_ptr_array_index (records, i);

      if (g_str_equal (r->path, path))
        return r->id;
    }
  return 0;  /* not indexed (any more) */
}

/* A fingerprint drawn from @seed, with @flips bits of each frame turned over. */
static void
store_fingerprint (Fixture    *f,
                   const char *path,
                   guint32     seed,
                   guint       flips)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  VsFingerprint fp = { VS_FINGERPRINT_FRAMES, 0, 2000, { 0 } };

  for (guint i = 0; i < VS_FINGERPRINT_FRAMES; i++)
    {
      fp.frames[i] = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      for (guint b = 0; b < flips; b++)
        fp.frames[i] ^= G_GUINT64_CONSTANT (1) << ((i * 7 + b * 13 + flips) % 64);
    }
  g_assert_cmpint (id_of (f, path), >, 0);
  g_assert_true (vs_database_set_fingerprint (f->window->library->writer, id_of (f, path), &fp,
                                              NULL));
}

static void
store_fingerprints (Fixture *f)
{
  guint n_new = 0;

  store_fingerprint (f, f->a_small, 1, 0);
  store_fingerprint (f, f->a_big, 1, 1);
  store_fingerprint (f, f->a_old, 1, 2);
  store_fingerprint (f, f->b_webm, 2, 0);
  store_fingerprint (f, f->b_mp4, 2, 1);
  store_fingerprint (f, f->single, 3, 0);
  g_assert_true (vs_database_match_duplicates (f->window->library->writer, NULL, &n_new, NULL));
  /* A: three pairs; B: one */
  g_assert_cmpuint (n_new, ==, 4);
}

static void
open_window (Fixture *f)
{
  f->window = vs_test_ui_window_new (f->db, f->lib);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1240, 980);
  gtk_window_present (GTK_WINDOW (f->window));
  vs_test_ui_wait_for (vs_test_ui_settled, f->window, "the library to settle");
}

static void
fixture_free (Fixture *f)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  vs_test_ui_spin (100);
  vs_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->lib);
  g_free (f->db);
  g_free (f->a_small);
  g_free (f->a_big);
  g_free (f->a_old);
  g_free (f->b_webm);
  g_free (f->b_mp4);
  g_free (f->single);
  g_free (f);
}

/* The page ------------------------------------------------------------------------- */

static VsDuplicatesPage *
page_of (Fixture *f)
{
  return f->window->duplicates_page;
}

typedef struct
{
  Fixture *f;
  guint    n_groups;
  guint    n_lists;
} ShownArgs;

static gboolean
groups_shown (gpointer data)
{
  ShownArgs *args = data;
  VsDuplicatesPage *page = page_of (args->f);
  guint n = g_list_model_get_n_items (vs_duplicates_page_get_groups (page));

  return vs_duplicates_page_get_n_lists (page) >= args->n_lists && n == args->n_groups &&
         g_str_equal (vs_duplicates_page_get_shown (page), n > 0 ? "groups" : "empty") &&
         gtk_widget_get_mapped (GTK_WIDGET (page));
}

static void
wait_groups (Fixture *f,
             guint    n_groups,
             guint    n_lists)
{
  ShownArgs args = { f, n_groups, n_lists };
  g_autofree char *what = g_strdup_printf ("%u groups shown", n_groups);

  vs_test_ui_wait_for (groups_shown, &args, what);
}

/* The row showing the group holding @path (indexed), bound and drawn, or NULL. */
static VsDuplicateRow *
row_holding (Fixture    *f,
             const char *path)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  gint64 id = id_of (f, path);

  vs_test_ui_collect (GTK_WIDGET (page_of (f)), VS_TYPE_DUPLICATE_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      VsDuplicateRow *row = g_ptr_array_index (rows, i);

      for (guint c = 0; c < vs_duplicate_row_get_n_cards (row); c++)
        if (vs_duplicate_row_get_card_id (row, c) == id && gtk_widget_get_mapped (GTK_WIDGET (row)))
          return row;
    }
  return NULL;
}

static guint
card_of (Fixture        *f,
         VsDuplicateRow *row,
         const char     *path)
{
  gint64 id = id_of (f, path);

  for (guint c = 0; c < vs_duplicate_row_get_n_cards (row); c++)
    if (vs_duplicate_row_get_card_id (row, c) == id)
      return c;
  g_error ("no card for %s", path);
  return 0;
}

typedef struct
{
  Fixture    *f;
  const char *path;
} RowArgs;

static gboolean
has_row (gpointer data)
{
  RowArgs *args = data;

  return row_holding (args->f, args->path) != NULL;
}

static VsDuplicateRow *
wait_row (Fixture    *f,
          const char *path)
{
  RowArgs args = { f, path };

  vs_test_ui_wait_for (has_row, &args, "the group's row");
  return row_holding (f, path);
}

/* The id of the video whose card reads Keep in the row holding @path; every other card
 * reads Trash. */
static gint64
kept_of (Fixture    *f,
         const char *path)
{
  VsDuplicateRow *row = row_holding (f, path);
  gint64 kept = 0;

  g_assert_nonnull (row);
  for (guint c = 0; c < vs_duplicate_row_get_n_cards (row); c++)
    {
      const char *badge = vs_duplicate_row_get_badge (row, c);

      g_assert_nonnull (badge);
      if (g_str_equal (badge, "Keep"))
        {
          g_assert_cmpint (kept, ==, 0);  /* one a group */
          kept = vs_duplicate_row_get_card_id (row, c);
        }
      else
        g_assert_cmpstr (badge, ==, "Trash");
    }
  return kept;
}

typedef struct
{
  Fixture    *f;
  const char *group;
  const char *kept;
} KeptArgs;

static gboolean
is_kept (gpointer data)
{
  KeptArgs *args = data;

  return row_holding (args->f, args->group) != NULL &&
         kept_of (args->f, args->group) == id_of (args->f, args->kept);
}

static void
wait_kept (Fixture    *f,
           const char *group,
           const char *kept)
{
  KeptArgs args = { f, group, kept };
  g_autofree char *what = g_strdup_printf ("%s to be kept", kept);

  vs_test_ui_wait_for (is_kept, &args, what);
}

/* Picks @label in @dropdown: a click opens its list, a click takes the item. */
static gboolean
label_mapped (gpointer data)
{
  gpointer *args = data;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  vs_test_ui_collect (args[0], GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (gtk_widget_get_mapped (label) &&
          gtk_widget_get_ancestor (label, GTK_TYPE_POPOVER) != NULL &&
          g_str_equal (gtk_label_get_label (GTK_LABEL (label)), args[1]))
        {
          args[2] = label;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
popover_closed (gpointer dropdown)
{
  g_autoptr(GPtrArray) popovers = g_ptr_array_new ();

  vs_test_ui_collect (dropdown, GTK_TYPE_POPOVER, popovers);
  for (guint i = 0; i < popovers->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (popovers, i)))
      return FALSE;
  return TRUE;
}

static void
choose_in_dropdown (GtkWidget  *dropdown,
                    const char *label)
{
  gpointer args[] = { dropdown, (gpointer) label, NULL };
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (dropdown));

  vs_test_ui_click (dropdown, "1");
  vs_test_ui_wait_for (label_mapped, args, label);
  vs_test_ui_click (args[2], "1");
  vs_test_ui_wait_for (popover_closed, dropdown, "the dropdown's list to close");
  /* X11, GTK 4.8: a click just where a popup closed is lost; the pointer goes elsewhere */
  vs_test_ui_pointer_to (window, 5, gtk_widget_get_height (window) - 5);
  vs_test_ui_spin (200);
}

static gboolean
has_chooser (gpointer unused)
{
  GtkWindow *dialog = vs_test_ui_toplevel_of_type (GTK_TYPE_FILE_CHOOSER_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
no_chooser (gpointer unused)
{
  return !has_chooser (NULL);
}

/* In the folder chooser that is open, selects @name (a folder of the library) and clicks
 * Select. */
static void
choose_folder (Fixture    *f,
               const char *name)
{
  g_autofree char *path = g_build_filename (f->lib, name, NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWindow *dialog;
  GtkWidget *select = NULL;

  vs_test_ui_wait_for (has_chooser, NULL, "the folder chooser");
  dialog = vs_test_ui_toplevel_of_type (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), folder, NULL));
  vs_test_ui_spin (300);
  vs_test_ui_collect (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), "_Select") == 0)
      select = g_ptr_array_index (buttons, i);
  g_assert_nonnull (select);
  vs_test_ui_click (select, "1");
  vs_test_ui_wait_for (no_chooser, NULL, "the folder chooser to close");
}

/* The toast's Undo button, when shown. */
static GtkWidget *
undo_button (VsWindow *window)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *b = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (b)), "_Undo") == 0 &&
          gtk_widget_get_mapped (b))
        return b;
    }
  return NULL;
}

static gboolean
has_undo (gpointer window)
{
  return undo_button (window) != NULL;
}

static gboolean
has_no_undo (gpointer window)
{
  return undo_button (window) == NULL;
}

/* Closes the toast shown with a click on its close button (without a window manager the
 * window is never active, and a toast's timeout never runs out). */
static void
close_toast (VsWindow *window)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (window->toast_overlay), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *b = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (b)), "window-close-symbolic") == 0 &&
          gtk_widget_get_mapped (b))
        {
          vs_test_ui_click (b, "1");
          vs_test_ui_wait_for (has_no_undo, window, "the toast to close");
          return;
        }
    }
  g_error ("no toast to close");
}

typedef struct
{
  const char *lib;
  const char *digest;
} DigestArgs;

static gboolean
digest_is (gpointer data)
{
  DigestArgs *args = data;
  g_autofree char *digest = vs_test_folder_digest (args->lib);

  return g_str_equal (digest, args->digest);
}

static gboolean
file_gone (gpointer path)
{
  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

static char *
expected_bitrate (const char *path,
                  gint64      duration_ms)
{
  GStatBuf st;
  double bps;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  bps = (double) st.st_size * 8.0 * 1000.0 / (double) duration_ms;
  return bps >= 1e6 ? g_strdup_printf ("%.1f Mb/s", bps / 1e6)
                    : g_strdup_printf ("%.0f kb/s", bps / 1e3);
}

/* Every card on screen shows its thumbnail: the grid's texture cache serves the page. */
static gboolean
thumbnails_shown (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  guint n = 0;

  vs_test_ui_collect (GTK_WIDGET (page_of (f)), VS_TYPE_VIDEO_CELL, cells);
  for (guint i = 0; i < cells->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (cells, i)))
      {
        if (!vs_video_cell_has_thumbnail (g_ptr_array_index (cells, i)))
          return FALSE;
        n++;
      }
  return n == 5;
}

/* Tests ---------------------------------------------------------------------------- */

static Fixture *
setup (void)
{
  Fixture *f;

  if (!vs_test_ui_have_xdotool ())
    return NULL;
  if (!vs_test_media_require ((const char *[]) { "x264enc", "vp8enc", "webmmux", NULL }))
    return NULL;
  f = g_new0 (Fixture, 1);
  make_files (f);
  open_window (f);
  vs_test_ui_wait_count (f->window, 6);
  store_fingerprints (f);
  return f;
}

static void
test_page (void)
{
  Fixture *f = setup ();
  VsDuplicatesPage *page;
  VsDuplicateRow *row;
  g_autofree char *size = NULL;
  g_autofree char *bitrate = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *diff = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  GStatBuf st;
  guint c;

  if (f == NULL)
    return;
  page = page_of (f);

  /* the sidebar's row, clicked: the page, two groups, A (more bytes) first */
  vs_test_ui_click (vs_test_ui_sidebar_row (f->window, "Duplicates"), "1");
  wait_groups (f, 2, 1);
  g_assert_cmpuint (vs_sidebar_get_view (f->window->sidebar), ==, VS_SIDEBAR_VIEW_DUPLICATES);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==, "Duplicates — Vidshelf");
  g_assert_false (gtk_widget_get_visible (f->window->sort_button));
  row = wait_row (f, f->a_big);
  g_assert_cmpuint (vs_duplicate_row_get_n_cards (row), ==, 3);
  g_assert_cmpuint (vs_duplicate_row_get_n_cards (wait_row (f, f->b_mp4)), ==, 2);
  g_assert_null (row_holding (f, f->single));

  /* the facts of Films2/a.mp4 */
  c = card_of (f, row, f->a_big);
  g_assert_cmpstr (vs_duplicate_row_get_fact (row, c, VS_DUPLICATE_FACT_RESOLUTION), ==,
                   "640 × 360");
  g_assert_true (g_str_has_prefix (vs_duplicate_row_get_fact (row, c, VS_DUPLICATE_FACT_CODEC),
                                   "H.264"));
  g_assert_cmpstr (vs_duplicate_row_get_fact (row, c, VS_DUPLICATE_FACT_DURATION), ==, "0:02");
  g_assert_cmpint (g_stat (f->a_big, &st), ==, 0);
  size = g_format_size (st.st_size);
  g_assert_cmpstr (vs_duplicate_row_get_fact (row, c, VS_DUPLICATE_FACT_SIZE), ==, size);
  g_assert_true (g_str_has_suffix (vs_duplicate_row_get_fact (row, c, VS_DUPLICATE_FACT_FOLDER),
                                   "/Films2"));
  {
    VsDatabase *reader = vs_library_get_reader (f->window->library);
    gint64 id = id_of (f, f->a_big);
    g_autoptr(GPtrArray) records = vs_database_load_videos (reader, &id, 1, NULL);

    bitrate = expected_bitrate (f->a_big,
                                ((VsVideoRecord *) g_ptr_array_index (records, 0))->duration_ms);
  }
  g_assert_cmpstr (vs_duplicate_row_get_fact (row, c, VS_DUPLICATE_FACT_BITRATE), ==, bitrate);
  c = card_of (f, row, f->a_old);
  g_assert_cmpstr (vs_duplicate_row_get_fact (row, c, VS_DUPLICATE_FACT_RESOLUTION), ==,
                   "320 × 240");
  g_assert_cmpstr (vs_duplicate_row_get_fact (row, c, VS_DUPLICATE_FACT_DURATION), ==, "0:03");

  /* the rule: highest resolution keeps Films2/a; Oldest, picked with real clicks, Films/a */
  wait_kept (f, f->a_big, f->a_big);
  vs_test_ui_wait_for (thumbnails_shown, f, "the cards' thumbnails");
  if (g_getenv ("VS_DUPLICATES_SHOT") != NULL)
    {
      /* the window alone (no window manager: at the screen's corner) */
      g_autofree char *cmd = g_strdup_printf ("import -window root -crop %dx%d+0+0 +repage %s",
                                              gtk_widget_get_width (GTK_WIDGET (f->window)),
                                              gtk_widget_get_height (GTK_WIDGET (f->window)),
                                              g_getenv ("VS_DUPLICATES_SHOT"));

      vs_test_ui_pointer_to (GTK_WIDGET (f->window), 5, 5);
      vs_test_ui_spin (500);
      g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
    }
  choose_in_dropdown (vs_duplicates_page_get_keep_dropdown (page), "Oldest");
  wait_kept (f, f->a_big, f->a_small);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (
                      vs_duplicates_page_get_keep_dropdown (page))), ==, VS_KEEP_RULE_OLDEST);
  choose_in_dropdown (vs_duplicates_page_get_keep_dropdown (page), "Newest");
  wait_kept (f, f->a_big, f->a_big);

  /* a click on a card keeps that copy instead */
  row = row_holding (f, f->a_big);
  vs_test_ui_click (vs_duplicate_row_get_card (row, card_of (f, row, f->a_old)), "1");
  wait_kept (f, f->a_big, f->a_old);

  /* Delete on a focused group: the pair B, its webm kept by a click (which focuses its
   * card), Delete trashes the mp4, and only it */
  row = wait_row (f, f->b_mp4);
  vs_test_ui_click (vs_duplicate_row_get_card (row, card_of (f, row, f->b_webm)), "1");
  wait_kept (f, f->b_mp4, f->b_webm);
  before = vs_test_snapshot (NULL, f->lib, ".");
  vs_test_ui_xdotool ("key", "Delete", NULL);
  vs_test_ui_wait_for (file_gone, f->b_mp4, "b.mp4 in the trash");
  vs_test_ui_wait_for (has_undo, f->window, "the Undo button");
  after = vs_test_snapshot (NULL, f->lib, ".");
  diff = vs_test_snapshot_diff (before, after);
  g_assert_cmpstr (diff, ==, "-./b.mp4");
  g_assert_true (g_file_test (f->b_webm, G_FILE_TEST_IS_REGULAR));
  /* the pair is gone from the page; A stays, with the copy picked */
  wait_groups (f, 1, 2);
  wait_kept (f, f->a_big, f->a_old);
  g_clear_pointer (&diff, g_free);
  g_clear_pointer (&before, g_hash_table_unref);
  g_clear_pointer (&after, g_hash_table_unref);
  close_toast (f->window);

  /* Trash the Others, by a real click: exactly the two others go, and nothing else */
  digest = vs_test_folder_digest (f->lib);
  before = vs_test_snapshot (NULL, f->lib, ".");
  row = row_holding (f, f->a_big);
  vs_test_ui_click (vs_duplicate_row_get_trash_button (row), "1");
  vs_test_ui_wait_for (file_gone, f->a_big, "Films2/a.mp4 in the trash");
  vs_test_ui_wait_for (file_gone, f->a_small, "Films/a.mp4 in the trash");
  vs_test_ui_wait_toast (f->window, "2 videos moved to the trash");
  after = vs_test_snapshot (NULL, f->lib, ".");
  diff = vs_test_snapshot_diff (before, after);
  g_assert_cmpstr (diff, ==, "-./Films/a.mp4 -./Films2/a.mp4");
  g_assert_true (g_file_test (f->a_old, G_FILE_TEST_IS_REGULAR));
  wait_groups (f, 0, 3);

  /* the toast's Undo, clicked: every byte back */
  vs_test_ui_click (undo_button (f->window), "1");
  {
    DigestArgs args = { f->lib, digest };

    vs_test_ui_wait_for (digest_is, &args, "the files restored");
  }
  g_clear_pointer (&after, g_hash_table_unref);
  g_clear_pointer (&diff, g_free);
  after = vs_test_snapshot (NULL, f->lib, ".");
  diff = vs_test_snapshot_diff (before, after);
  /* the same bytes, back (a restore may give them new inodes) */
  expected = vs_test_folder_digest (f->lib);
  g_assert_cmpstr (expected, ==, digest);
  fixture_free (f);
}

/* "Not Duplicates", clicked: the group goes, and stays gone in a new window on a library
 * opened again; a card picked by keyboard (Tab, Space); then "Trash All Suggested" and its
 * undo. */
static void
test_not_duplicates (void)
{
  Fixture *f = setup ();
  g_autofree char *digest = NULL;
  g_autofree char *diff = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  VsDuplicateRow *row;

  if (f == NULL)
    return;
  vs_test_ui_click (vs_test_ui_sidebar_row (f->window, "Duplicates"), "1");
  wait_groups (f, 2, 1);
  row = wait_row (f, f->b_webm);
  vs_test_ui_click (vs_duplicate_row_get_not_duplicates_button (row), "1");
  wait_groups (f, 1, 1);
  vs_test_ui_wait_toast (f->window, "Marked as not duplicates");
  g_assert_nonnull (row_holding (f, f->a_big));
  g_assert_true (g_file_test (f->b_webm, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (f->b_mp4, G_FILE_TEST_IS_REGULAR));

  /* a new window on the library opened again */
  gtk_window_destroy (GTK_WINDOW (f->window));
  vs_test_ui_spin (300);
  open_window (f);
  vs_test_ui_wait_count (f->window, 6);
  vs_test_ui_click (vs_test_ui_sidebar_row (f->window, "Duplicates"), "1");
  wait_groups (f, 1, 1);
  g_assert_nonnull (wait_row (f, f->a_big));
  g_assert_null (row_holding (f, f->b_webm));

  /* by keyboard alone: from the header's last button, Tab reaches the group's cards, and
   * Space on Old/a.mp4's keeps it */
  wait_kept (f, f->a_big, f->a_big);
  gtk_widget_grab_focus (vs_duplicates_page_get_trash_all_button (page_of (f)));
  {
    GtkWidget *target;

    row = row_holding (f, f->a_big);
    target = vs_duplicate_row_get_card (row, card_of (f, row, f->a_old));
    for (guint i = 0; i < 20 && gtk_root_get_focus (GTK_ROOT (f->window)) != target; i++)
      {
        vs_test_ui_xdotool ("key", "Tab", NULL);
        vs_test_ui_spin (100);
      }
    g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == target);
  }
  vs_test_ui_xdotool ("key", "space", NULL);
  wait_kept (f, f->a_big, f->a_old);

  /* Trash All Suggested: every group's others in one run (here A's two others, the pick
   * honoured), one toast, whose Undo brings them back */
  digest = vs_test_folder_digest (f->lib);
  before = vs_test_snapshot (NULL, f->lib, ".");
  vs_test_ui_click (vs_duplicates_page_get_trash_all_button (page_of (f)), "1");
  vs_test_ui_wait_for (file_gone, f->a_small, "Films/a.mp4 in the trash");
  vs_test_ui_wait_for (file_gone, f->a_big, "Films2/a.mp4 in the trash");
  vs_test_ui_wait_toast (f->window, "2 videos moved to the trash");
  after = vs_test_snapshot (NULL, f->lib, ".");
  diff = vs_test_snapshot_diff (before, after);
  g_assert_cmpstr (diff, ==, "-./Films/a.mp4 -./Films2/a.mp4");
  vs_test_ui_click (undo_button (f->window), "1");
  {
    DigestArgs args = { f->lib, digest };

    vs_test_ui_wait_for (digest_is, &args, "the files restored");
  }
  fixture_free (f);
}

/* Groups never scrolled to have no suggestion yet (GtkListView binds about 200 rows):
 * "Trash All Suggested" reads them on a thread, then trashes exactly one copy of each in
 * the same run. Their files need not decode: their fingerprints are stored. */
#define N_MANY 215

static void
test_trash_all_unshown (void)
{
  Fixture *f = setup ();
  g_autofree char *many = NULL;
  g_autofree char *diff = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *toast = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  GListModel *groups;
  guint n_new = 0;
  guint unshown = 0;

  if (f == NULL)
    return;
  many = g_build_filename (f->lib, "many", NULL);
  g_assert_cmpint (g_mkdir_with_parents (many, 0755), ==, 0);
  for (guint i = 0; i < N_MANY * 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("c%03u-%u.mp4", i / 2, i % 2);
      g_autofree char *path = g_build_filename (many, name, NULL);

      /* a size of its own: no two are exact copies, found by their content */
      vs_test_media_random (path, 1000 + i);
    }
  vs_test_ui_wait_count (f->window, 6 + N_MANY * 2);
  /* the sidebar lists the new folder, the probes end */
  vs_test_ui_wait_for (vs_test_ui_settled, f->window, "the library to settle");
  g_assert_nonnull (vs_test_ui_sidebar_row (f->window, "Duplicates"));
  for (guint i = 0; i < N_MANY * 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("c%03u-%u.mp4", i / 2, i % 2);
      g_autofree char *path = g_build_filename (many, name, NULL);

      store_fingerprint (f, path, 100 + i / 2, i % 2);
    }
  g_assert_true (vs_database_match_duplicates (f->window->library->writer, NULL, &n_new, NULL));
  g_assert_cmpuint (n_new, ==, N_MANY);

  vs_test_ui_click (vs_test_ui_sidebar_row (f->window, "Duplicates"), "1");
  wait_groups (f, 2 + N_MANY, 1);
  g_assert_nonnull (wait_row (f, f->a_big));
  vs_test_ui_spin (300);
  groups = vs_duplicates_page_get_groups (page_of (f));
  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(VsDuplicateItem) item = g_list_model_get_item (groups, i);

      if (vs_duplicate_item_get_kept_id (item) == 0)
        unshown++;
    }
  /* GTK 4.8 binds about 200 rows (205 here): the last groups never were */
  g_assert_cmpuint (unshown, >, 0);

  before = vs_test_snapshot (NULL, f->lib, ".");
  vs_test_ui_click (vs_duplicates_page_get_trash_all_button (page_of (f)), "1");
  /* A's two others, B's webm, one copy of each of the many */
  toast = g_strdup_printf ("%u videos moved to the trash", 3 + N_MANY);
  vs_test_ui_wait_toast (f->window, toast);
  after = vs_test_snapshot (NULL, f->lib, ".");
  raw = vs_test_snapshot_diff (before, after);
  diff = g_strconcat (raw, " ", NULL);
  g_assert_true (g_str_has_prefix (diff, "-./Films/a.mp4 -./Old/a.mp4 -./b.webm "));
  for (guint i = 0; i < N_MANY; i++)
    {
      g_autofree char *first = g_strdup_printf ("-./many/c%03u-0.mp4 ", i);
      g_autofree char *second = g_strdup_printf ("-./many/c%03u-1.mp4 ", i);

      /* one of the two, never both */
      g_assert_true ((strstr (diff, first) != NULL) != (strstr (diff, second) != NULL));
    }
  g_assert_null (strchr (diff, '+'));
  /* (the run's Undo is /duplicates-ui/not-duplicates's) */
  fixture_free (f);
}

static gboolean
shows_unfingerprinted (gpointer data)
{
  VsDuplicatesPage *page = page_of (data);

  return vs_duplicates_page_get_n_lists (page) >= 1 &&
         g_str_equal (vs_duplicates_page_get_shown (page), "unfingerprinted");
}

/* A library none of whose files decodes: the page's run fingerprints nothing, and the list
 * (counting the fingerprints on its thread) says nothing could be compared, not "no
 * duplicates". */
static void
test_unfingerprinted (void)
{
  Fixture *f;
  g_autofree char *junk = NULL;

  if (!vs_test_ui_have_xdotool ())
    return;
  f = g_new0 (Fixture, 1);
  f->dir = vs_test_make_tmpdir ();
  f->lib = g_build_filename (f->dir, "Videos", NULL);
  f->db = g_build_filename (f->dir, "library.db", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->lib, 0755), ==, 0);
  junk = g_build_filename (f->lib, "broken.mp4", NULL);
  vs_test_media_random (junk, 4096);
  open_window (f);
  vs_test_ui_wait_count (f->window, 1);
  vs_test_ui_click (vs_test_ui_sidebar_row (f->window, "Duplicates"), "1");
  vs_test_ui_wait_for (shows_unfingerprinted, f, "nothing compared");
  g_assert_cmpuint (g_list_model_get_n_items (vs_duplicates_page_get_groups (page_of (f))), ==,
                    0);
  g_assert_false (gtk_widget_get_sensitive (vs_duplicates_page_get_trash_all_button (page_of (f))));
  fixture_free (f);
}

/* The real path: nothing stored beforehand; shown, the page makes the fingerprints (the
 * media helpers decode the videos), matches them and lists the copy and its source, not
 * the video like no other. */
static void
test_find (void)
{
  Fixture *f;
  g_autofree char *tail = NULL;
  g_autofree char *source = NULL;
  g_autofree char *resized = NULL;
  g_autofree char *other = NULL;
  VsDuplicateRow *row;
  gint64 made = 0;

  if (!vs_test_ui_have_xdotool ())
    return;
  if (!vs_test_media_require ((const char *[]) { "x264enc", "mp4mux", NULL }))
    return;
  f = g_new0 (Fixture, 1);
  f->dir = vs_test_make_tmpdir ();
  f->lib = g_build_filename (f->dir, "Videos", NULL);
  f->db = g_build_filename (f->dir, "library.db", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->lib, 0755), ==, 0);
  source = g_build_filename (f->lib, "source.mp4", NULL);
  resized = g_build_filename (f->lib, "low.mp4", NULL);
  other = g_build_filename (f->lib, "other.mp4", NULL);
  vs_test_media_scenes (source, 1, 20);
  vs_test_media_scenes (other, 2, 20);
  /* a re-encode at a twentieth of the bitrate */
  tail = g_strdup_printf ("x264enc bitrate=100 key-int-max=30 speed-preset=ultrafast ! h264parse "
                          "! mp4mux ! filesink location=\"%s\"", resized);
  vs_test_media_transcode (source, tail, 0);
  open_window (f);
  vs_test_ui_wait_count (f->window, 3);

  vs_test_ui_click (vs_test_ui_sidebar_row (f->window, "Duplicates"), "1");
  wait_groups (f, 1, 1);
  row = wait_row (f, source);
  g_assert_cmpuint (vs_duplicate_row_get_n_cards (row), ==, 2);
  g_assert_cmpuint (card_of (f, row, resized), <, 2);
  g_assert_null (row_holding (f, other));
  g_assert_true (g_str_has_prefix (vs_duplicates_page_get_progress_text (page_of (f)),
                                   "Comparing videos…"));
  /* every video compared; the largest rule keeps the source */
  g_assert_true (vs_database_count_fingerprints (vs_library_get_reader (f->window->library),
                                                &made, NULL, NULL));
  g_assert_cmpint (made, ==, 3);
  choose_in_dropdown (vs_duplicates_page_get_keep_dropdown (page_of (f)), "Largest");
  wait_kept (f, source, source);
  fixture_free (f);
}

/* "In a Folder…": a folder chooser opens; Old chosen and Select clicked, Old/a is kept, the
 * rule and the folder saved; Cancel keeps the rule before. GTK 4.8's file chooser leaks
 * (libcloudproviders, its GIO threads): the case runs in a subprocess without leak
 * checking. */
static void
test_keep_folder (void)
{
  Fixture *f;
  GtkWidget *dropdown;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *old = NULL;
  g_autofree char *old_uri = NULL;

  if (!g_test_subprocess ())
    {
      g_autofree char *asan = g_strdup (g_getenv ("ASAN_OPTIONS"));

      g_setenv ("ASAN_OPTIONS", asan != NULL ? "detect_leaks=0:abort_on_error=1" : "", TRUE);
      g_test_trap_subprocess (NULL, 240 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT |
                                                          G_TEST_SUBPROCESS_INHERIT_STDERR);
      if (asan != NULL)
        g_setenv ("ASAN_OPTIONS", asan, TRUE);
      else
        g_unsetenv ("ASAN_OPTIONS");
      g_test_trap_assert_passed ();
      return;
    }
  f = setup ();
  if (f == NULL)
    return;
  vs_test_ui_click (vs_test_ui_sidebar_row (f->window, "Duplicates"), "1");
  wait_groups (f, 2, 1);
  wait_kept (f, f->a_big, f->a_big);
  dropdown = vs_duplicates_page_get_keep_dropdown (page_of (f));

  /* Cancel: nothing changes */
  choose_in_dropdown (dropdown, "In a Folder…");
  vs_test_ui_wait_for (has_chooser, NULL, "the folder chooser");
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_for (no_chooser, NULL, "the folder chooser to close");
  vs_test_ui_spin (200);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==,
                    VS_KEEP_RULE_HIGHEST_RESOLUTION);
  wait_kept (f, f->a_big, f->a_big);

  /* Old, selected */
  choose_in_dropdown (dropdown, "In a Folder…");
  choose_folder (f, "Old");
  wait_kept (f, f->a_big, f->a_old);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==,
                    VS_KEEP_RULE_IN_FOLDER);
  /* B has no copy in Old: the highest resolution */
  wait_kept (f, f->b_mp4, f->b_mp4);
  settings = g_object_ref (f->window->settings);
  g_assert_cmpint (g_settings_get_enum (settings, "duplicates-keep-rule"), ==,
                   VS_KEEP_RULE_IN_FOLDER);
  uri = g_settings_get_string (settings, "duplicates-keep-folder");
  old = g_build_filename (f->lib, "Old", NULL);
  old_uri = g_filename_to_uri (old, NULL, NULL);
  g_assert_cmpstr (uri, ==, old_uri);
  fixture_free (f);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = vs_test_make_tmpdir ();
  int status;

  trash_home = vs_test_make_tmpdir ();
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", trash_home, TRUE);
  gdk_set_allowed_backends ("x11");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* the application's style sheet, as the app loads it: the screenshots look like the app */
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add_func ("/duplicates-ui/page", test_page);
  g_test_add_func ("/duplicates-ui/not-duplicates", test_not_duplicates);
  g_test_add_func ("/duplicates-ui/keep-folder", test_keep_folder);
  g_test_add_func ("/duplicates-ui/find", test_find);
  g_test_add_func ("/duplicates-ui/trash-all-unshown", test_trash_all_unshown);
  g_test_add_func ("/duplicates-ui/unfingerprinted", test_unfingerprinted);

  status = g_test_run ();
  vs_test_rm_rf (cache);
  vs_test_rm_rf (trash_home);
  g_free (trash_home);
  return status;
}
