/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The selection's actions driven with real X input (XTEST, through xdotool): Move to Trash
 * in the selection's bar and the Delete key move every selected video (an HLS download
 * with its segments) with one undo; the Undo of the toast brings back the very files.
 * Every file of the library is hashed (with its inode) before and after each step. */
#include "config.h"

#include <adwaita.h>

#include <string.h>
#include <sys/stat.h>

#include "vs-library-view.h"
#include "vs-merge-all-dialog.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-window.h"

static gpointer
template_child (VsWindow   *window,
                const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (window), VS_TYPE_WINDOW, name);
}

/* The window ------------------------------------------------------------------------ */

/* Clips "clip N.mp4" (each its own bytes) and an HLS download "dl" (playlist and three
 * segments) under @lib. */
static void
write_library (const char *lib,
               guint       n_clips)
{
  g_autofree char *dl = g_build_filename (lib, "dl", NULL);

  for (guint i = 0; i < n_clips; i++)
    {
      g_autofree char *name = g_strdup_printf ("clip %03u.mp4", i);
      g_autofree char *path = g_build_filename (lib, name, NULL);
      g_autofree char *contents = g_strdup_printf ("clip %u", i);

      vs_test_write_file (path, contents, -1);
    }
  vs_test_make_hls_download (dl, 3, 0, VS_TEST_HLS_PLAIN);
}

static VsWindow *
open_window (const char *dir,
             const char *lib)
{
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  VsWindow *window = vs_test_ui_window_new (db, lib);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library to settle");
  return window;
}

/* Clicks the cell showing @title, holding @modifier (xdotool's name) down unless NULL. */
static void
click_cell_with (VsWindow   *window,
                 const char *title,
                 const char *modifier)
{
  GtkWidget *cell;

  vs_test_ui_wait_cell (window, title, TRUE);
  cell = GTK_WIDGET (vs_test_ui_cell_titled (window, title));
  vs_test_ui_wait_still (cell);
  vs_test_ui_pointer_to (cell, gtk_widget_get_width (cell) / 2.0,
                         gtk_widget_get_height (cell) / 3.0);
  if (modifier == NULL)
    vs_test_ui_xdotool ("click", "1", NULL);
  else
    vs_test_ui_xdotool ("keydown", modifier, "click", "1", "keyup", modifier, NULL);
}

/* A mapped button labelled @label (its own label, or a GtkLabel child's) under @root, or
 * NULL. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  vs_test_ui_collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkButton *button = g_ptr_array_index (buttons, i);
      GtkWidget *child = gtk_button_get_child (button);
      const char *text = gtk_button_get_label (button);

      if (text == NULL && GTK_IS_LABEL (child))
        text = gtk_label_get_label (GTK_LABEL (child));
      if (g_strcmp0 (text, label) == 0 && gtk_widget_get_mapped (GTK_WIDGET (button)))
        return GTK_WIDGET (button);
    }
  return NULL;
}

static gboolean
undo_shown (gpointer data)
{
  return find_button (template_child (data, "toast_overlay"), "_Undo") != NULL;
}

static void
click_undo (VsWindow *window)
{
  vs_test_ui_wait_for (undo_shown, window, "the toast's Undo");
  vs_test_ui_click (find_button (template_child (window, "toast_overlay"), "_Undo"), "1");
}

/* Cases ---------------------------------------------------------------------------- */

/* Ctrl+click three cells (one an HLS download), Move to Trash in the bar: one toast for
 * the three, only their files gone; Undo brings back each very file. */
static void
test_trash_button (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GHashTable) undone = NULL;
  g_autofree char *changes = NULL;
  GtkActionBar *bar;
  GtkWidget *button;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  write_library (lib, 6);
  before = vs_test_snapshot (NULL, lib, ".");
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 7);
  bar = template_child (window, "selection_bar");

  click_cell_with (window, "clip 001.mp4", NULL);
  vs_test_ui_wait_selected (window, 1);
  click_cell_with (window, "dl", "ctrl");
  vs_test_ui_wait_selected (window, 2);
  click_cell_with (window, "clip 004.mp4", "ctrl");
  vs_test_ui_wait_selected (window, 3);
  g_assert_true (gtk_action_bar_get_revealed (bar));
  button = find_button (GTK_WIDGET (bar), "Move to _Trash");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                   "Move the selected videos to the trash (Delete)");
  vs_test_ui_click (button, "1");

  vs_test_ui_wait_toast (window, "3 videos moved to the trash");
  vs_test_ui_wait_selected (window, 0);
  vs_test_ui_wait_count (window, 4);
  after = vs_test_snapshot (NULL, lib, ".");
  changes = vs_test_snapshot_diff (before, after);
  g_assert_cmpstr (changes, ==,
                   "-./clip 001.mp4 -./clip 004.mp4 -./dl -./dl/index.m3u8 -./dl/seg00000.ts "
                   "-./dl/seg00001.ts -./dl/seg00002.ts");

  click_undo (window);
  vs_test_ui_wait_count (window, 7);
  undone = vs_test_snapshot (NULL, lib, ".");
  g_clear_pointer (&changes, g_free);
  changes = vs_test_snapshot_diff (before, undone);
  g_assert_cmpstr (changes, ==, "");

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

/* Delete with two or more selected moves the selection (one toast, one undo); with one,
 * the focused video as before. */
static void
test_delete_key (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GHashTable) undone = NULL;
  g_autofree char *changes = NULL;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  write_library (lib, 4);
  before = vs_test_snapshot (NULL, lib, ".");
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 5);

  click_cell_with (window, "clip 000.mp4", NULL);
  vs_test_ui_wait_selected (window, 1);
  click_cell_with (window, "clip 002.mp4", "shift");
  vs_test_ui_wait_selected (window, 3);
  vs_test_ui_xdotool ("key", "Delete", NULL);
  vs_test_ui_wait_toast (window, "3 videos moved to the trash");
  vs_test_ui_wait_count (window, 2);
  after = vs_test_snapshot (NULL, lib, ".");
  changes = vs_test_snapshot_diff (before, after);
  g_assert_cmpstr (changes, ==, "-./clip 000.mp4 -./clip 001.mp4 -./clip 002.mp4");
  click_undo (window);
  vs_test_ui_wait_count (window, 5);
  undone = vs_test_snapshot (NULL, lib, ".");
  g_clear_pointer (&changes, g_free);
  changes = vs_test_snapshot_diff (before, undone);
  g_assert_cmpstr (changes, ==, "");

  /* one selected: the single path, its own toast */
  click_cell_with (window, "clip 003.mp4", NULL);
  vs_test_ui_wait_selected (window, 1);
  vs_test_ui_xdotool ("key", "Delete", NULL);
  vs_test_ui_wait_toast (window, "“clip 003.mp4” moved to the trash");
  vs_test_ui_wait_count (window, 4);
  g_clear_pointer (&after, g_hash_table_unref);
  after = vs_test_snapshot (NULL, lib, ".");
  g_clear_pointer (&changes, g_free);
  changes = vs_test_snapshot_diff (before, after);
  g_assert_cmpstr (changes, ==, "-./clip 003.mp4");

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static gboolean
sensitive_is (gpointer data)
{
  gpointer *args = data;

  return gtk_widget_is_sensitive (args[0]) == GPOINTER_TO_INT (args[1]);
}

static void
wait_sensitive (GtkWidget *widget,
                gboolean   sensitive)
{
  gpointer args[] = { widget, GINT_TO_POINTER (sensitive) };

  vs_test_ui_wait_for (sensitive_is, args, sensitive ? "sensitive" : "insensitive");
}

static gboolean
merge_dialog_done (gpointer data)
{
  GtkWindow *dialog = vs_test_ui_toplevel_of_type (VS_TYPE_MERGE_ALL_DIALOG);

  return dialog != NULL && vs_merge_all_dialog_get_summary (VS_MERGE_ALL_DIALOG (dialog)) != NULL;
}

static gboolean
has_merge_dialog (gpointer data)
{
  GtkWindow *dialog = vs_test_ui_toplevel_of_type (VS_TYPE_MERGE_ALL_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

/* Merge into MP4… is there only for a selection holding downloads, and merges only the
 * selected ones (One and Two, not Three; the clip is left out), through the merge-all
 * dialog with real clicks; their folders go to the trash only when its switch is on. */
static void
test_merge_selected (gconstpointer data)
{
  static const char * const needed[] = { "x264enc", "h264parse", "hlssink2", "mp4mux", NULL };
  gboolean trash = GPOINTER_TO_INT (data);
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *changes = NULL;
  g_auto(GStrv) tokens = NULL;
  const char *names[] = { "One", "Two", "Three" };
  GtkActionBar *bar;
  GtkWidget *merge;
  GtkWindow *dialog;
  const char *summary;
  VsWindow *window;
  guint n_gone = 0;

  if (!vs_test_media_require (needed) || !vs_test_ui_have_xdotool ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *folder = g_build_filename (lib, names[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
      vs_test_media_hls (folder, 2);
    }
  {
    g_autofree char *alpha = g_build_filename (lib, "Alpha.mp4", NULL);
    g_autofree char *beta = g_build_filename (lib, "Beta.mp4", NULL);

    vs_test_write_file (alpha, "alpha", -1);
    vs_test_write_file (beta, "beta", -1);
  }
  before = vs_test_snapshot (NULL, lib, ".");
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 5);
  bar = template_child (window, "selection_bar");

  /* a download in the selection: the button is there; two clips only: it is not */
  click_cell_with (window, "Alpha.mp4", NULL);
  vs_test_ui_wait_selected (window, 1);
  click_cell_with (window, "One", "ctrl");
  vs_test_ui_wait_selected (window, 2);
  merge = find_button (GTK_WIDGET (bar), "_Merge into MP4…");
  g_assert_nonnull (merge);
  wait_sensitive (merge, TRUE);
  click_cell_with (window, "One", "ctrl");
  vs_test_ui_wait_selected (window, 1);
  click_cell_with (window, "Beta.mp4", "ctrl");
  vs_test_ui_wait_selected (window, 2);
  wait_sensitive (merge, FALSE);

  /* Alpha, One and Two */
  click_cell_with (window, "Alpha.mp4", NULL);
  vs_test_ui_wait_selected (window, 1);
  click_cell_with (window, "One", "ctrl");
  vs_test_ui_wait_selected (window, 2);
  click_cell_with (window, "Two", "ctrl");
  vs_test_ui_wait_selected (window, 3);
  wait_sensitive (merge, TRUE);
  vs_test_ui_click (merge, "1");
  vs_test_ui_wait_for (has_merge_dialog, NULL, "the dialog");
  dialog = vs_test_ui_toplevel_of_type (VS_TYPE_MERGE_ALL_DIALOG);
  vs_test_ui_wait_still (GTK_WIDGET (dialog));
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Merge Selected HLS Downloads");
  if (trash)
    {
      GtkSwitch *sw = GTK_SWITCH (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                 VS_TYPE_MERGE_ALL_DIALOG,
                                                                 "trash_switch"));

      vs_test_ui_click (GTK_WIDGET (sw), "1");
      vs_test_ui_wait_for ((VsTestUiCondition) gtk_switch_get_active, sw, "the switch on");
    }
  vs_test_ui_click (find_button (GTK_WIDGET (dialog), "_Merge"), "1");
  vs_test_ui_wait_for (merge_dialog_done, NULL, "the merges");
  summary = vs_merge_all_dialog_get_summary (VS_MERGE_ALL_DIALOG (dialog));
  g_test_message ("%s", summary);
  g_assert_true (g_str_has_prefix (summary, "Merged 2, refused 0"));
  vs_test_ui_click (find_button (GTK_WIDGET (dialog), "_Close"), "1");
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the rescan");

  /* two MP4s beside their folders; those folders gone only with the switch on; Three,
   * the clips and everything else as they were */
  after = vs_test_snapshot (NULL, lib, ".");
  changes = vs_test_snapshot_diff (before, after);
  g_test_message ("%s", changes);
  tokens = g_strsplit (changes, " ", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      if (g_str_equal (tokens[i], "+./One.mp4") || g_str_equal (tokens[i], "+./Two.mp4"))
        continue;
      g_assert_true (trash);
      g_assert_true (g_str_has_prefix (tokens[i], "-./One") ||
                     g_str_has_prefix (tokens[i], "-./Two"));
      n_gone++;
    }
  g_assert_nonnull (strstr (changes, "+./One.mp4"));
  g_assert_nonnull (strstr (changes, "+./Two.mp4"));
  if (trash)
    {
      g_assert_nonnull (strstr (changes, "-./One/index.m3u8"));
      g_assert_nonnull (strstr (changes, "-./Two/index.m3u8"));
      g_assert_cmpuint (n_gone, >=, 6);
    }
  g_assert_null (strstr (changes, "Three"));

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static gboolean
toast_contains (gpointer data)
{
  gpointer *args = data;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  vs_test_ui_collect (template_child (args[0], "toast_overlay"), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (labels, i)) &&
        strstr (gtk_label_get_label (g_ptr_array_index (labels, i)), args[1]) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
details_shown (gpointer data)
{
  return find_button (template_child (data, "toast_overlay"), "_Details") != NULL;
}

static gboolean
has_message_dialog (gpointer data)
{
  GtkWindow *dialog = vs_test_ui_toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
no_message_dialog (gpointer data)
{
  return vs_test_ui_toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

/* Refusals (videos on /dev/shm, a disk without a trash of ours): they stay as they were,
 * the toast says how many could not be moved and its Details list why. */
static void
test_refused (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *shm = g_strdup ("/dev/shm/vidshelf-selection-XXXXXX");
  g_autofree char *changes = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GHashTable) shm_before = NULL;
  g_autoptr(GHashTable) shm_after = NULL;
  GtkWindow *dialog;
  const char *body;
  gpointer args[2];
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  if (g_mkdtemp (shm) == NULL)
    {
      g_test_skip ("no /dev/shm");
      return;
    }
  {
    g_autofree char *a = g_build_filename (shm, "Stuck A.mp4", NULL);
    g_autofree char *b = g_build_filename (shm, "Stuck B.mp4", NULL);

    vs_test_write_file (a, "stuck a", -1);
    vs_test_write_file (b, "stuck b", -1);
  }
  write_library (lib, 2);
  before = vs_test_snapshot (NULL, lib, ".");
  shm_before = vs_test_snapshot (NULL, shm, ".");
  window = open_window (dir, lib);
  vs_test_ui_wait_count (window, 3);
  /* the grid shows the folder just added */
  vs_window_add_folder (window, shm);
  vs_test_ui_wait_cell (window, "Stuck A.mp4", TRUE);

  click_cell_with (window, "Stuck A.mp4", NULL);
  vs_test_ui_wait_selected (window, 1);
  click_cell_with (window, "Stuck B.mp4", "ctrl");
  vs_test_ui_wait_selected (window, 2);
  vs_test_ui_click (find_button (template_child (window, "selection_bar"), "Move to _Trash"),
                    "1");
  args[0] = window;
  args[1] = (gpointer) "2 could not be moved: ";
  vs_test_ui_wait_for (toast_contains, args, "the refusals' toast");
  shm_after = vs_test_snapshot (NULL, shm, ".");
  changes = vs_test_snapshot_diff (shm_before, shm_after);
  g_assert_cmpstr (changes, ==, "");

  vs_test_ui_wait_for (details_shown, window, "the refusals' Details");
  vs_test_ui_click (find_button (template_child (window, "toast_overlay"), "_Details"), "1");
  vs_test_ui_wait_for (has_message_dialog, NULL, "the details");
  dialog = vs_test_ui_toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG);
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, "Stuck A.mp4"));
  g_assert_nonnull (strstr (body, "Stuck B.mp4"));
  vs_test_ui_wait_still (GTK_WIDGET (dialog));
  vs_test_ui_click (find_button (GTK_WIDGET (dialog), "_Close"), "1");
  vs_test_ui_wait_for (no_message_dialog, NULL, "the details to close");
  after = vs_test_snapshot (NULL, lib, ".");
  g_clear_pointer (&changes, g_free);
  changes = vs_test_snapshot_diff (before, after);
  g_assert_cmpstr (changes, ==, "");

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (shm);
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = vs_test_make_tmpdir ();
  int status;

  /* A private thumbnail cache and trash (on the disk of the libraries), before GLib reads
   * either. */
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gdk_set_allowed_backends ("x11");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/selection-actions/trash-button", test_trash_button);
  g_test_add_func ("/selection-actions/delete-key", test_delete_key);
  g_test_add_func ("/selection-actions/refused", test_refused);
  g_test_add_data_func ("/selection-actions/merge", GINT_TO_POINTER (FALSE),
                        test_merge_selected);
  g_test_add_data_func ("/selection-actions/merge-and-trash", GINT_TO_POINTER (TRUE),
                        test_merge_selected);

  status = g_test_run ();
  vs_test_rm_rf (home);
  return status;
}
