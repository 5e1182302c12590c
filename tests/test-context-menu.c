/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The grid's context menu and its keys, driven by real X input events (XTEST, through
 * xdotool): a right-click on a cell, a click on the menu's item, the Menu key and a
 * mnemonic in the popover, Delete on the focused cell, the toast's Undo button. Every
 * destructive step hashes the whole library before and after. */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "vs-merge-all-dialog.h"
#include "vs-player-window.h"
#include "vs-prober.h"
#include "vs-thumbnail-view.h"
#include "vs-test-media.h"
#include "vs-test-ui.h"
#include "vs-test-utils.h"
#include "vs-video-cell.h"
#include "vs-window.h"

static char *trash_home;

static GtkWidget *
undo_button (VsWindow *window)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  vs_test_ui_collect (GTK_WIDGET (window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *b = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (b)), "_Undo") == 0 && gtk_widget_get_mapped (b))
        return b;
    }
  return NULL;
}

static gboolean
has_undo (gpointer window)
{
  return undo_button (window) != NULL;
}

static char *
trash_listing (void)
{
  g_autofree char *files = g_build_filename (trash_home, "Trash", "files", NULL);

  if (!g_file_test (files, G_FILE_TEST_IS_DIR))
    return g_strdup ("");
  return vs_test_list_folder (files);
}

static gboolean
trash_is_empty (gpointer data)
{
  g_autofree char *listing = trash_listing ();

  return listing[0] == '\0';
}

static gboolean
trash_has (gpointer data)
{
  g_autofree char *listing = trash_listing ();

  return g_strcmp0 (listing, data) == 0;
}

static void
count_flip (guint *flips)
{
  (*flips)++;
}

static gboolean
flipped_twice (gpointer data)
{
  return *(guint *) data >= 2;
}

/* Mouse: right-click a cell, click Play, Move to Trash (an HLS item that lies directly in
 * the library folder, beside other videos: only its playlist and segments go), then the
 * toast's Undo; keyboard: the Menu key and Shift+F10 open the menu, a mnemonic picks
 * Properties, Escape closes it, Alt+Return shows Properties, Delete trashes the focused
 * video and Undo brings it back. Play is last: without a window manager the player's
 * window covers the grid. */
static void
test_context_menu (void)
{
  static const char * const needed[] = { "x264enc", "mp4mux", NULL };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *sub = g_build_filename (lib, "Trips", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *clip = g_build_filename (lib, "Alpha.mp4", NULL);
  g_autofree char *other = g_build_filename (sub, "Bravo.mp4", NULL);
  g_autofree char *before = NULL, *after = NULL, *expected = NULL;
  g_autofree char *hls_title = NULL;
  g_autofree char *notes = g_build_filename (lib, "notes.txt", NULL);
  g_autofree char *clip_sum = NULL, *other_sum = NULL, *notes_sum = NULL;
  VsWindow *window;
  GtkWidget *popover;

  if (!vs_test_require_playback (needed))
    return;
  if (!vs_test_ui_have_xdotool ())
    return;
  g_mkdir_with_parents (sub, 0755);
  vs_test_media_mp4 (clip, "smpte");
  vs_test_media_mp4 (other, "ball");
  /* a download saved straight into the library folder */
  vs_test_make_hls (lib, "stream.m3u8", 3, "2.0", TRUE);
  vs_test_write_file (notes, "keep", 4);
  clip_sum = vs_test_file_checksum (clip);
  other_sum = vs_test_file_checksum (other);
  notes_sum = vs_test_file_checksum (notes);

  window = vs_test_ui_window_new (db, lib);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library");
  g_assert_cmpint (vs_window_get_video_count (window), ==, 3);
  /* the HLS item is named after its folder */
  hls_title = g_path_get_basename (lib);
  vs_test_ui_wait_cell (window, "Alpha.mp4", TRUE);
  vs_test_ui_wait_cell (window, hls_title, TRUE);

  /* The sidebar's HLS Downloads, clicked: the grid lists the download alone; All Videos,
   * clicked, brings the rest back. */
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "HLS Downloads"), "1");
  vs_test_ui_wait_cell (window, "Alpha.mp4", FALSE);
  vs_test_ui_wait_cell (window, hls_title, TRUE);
  g_assert_null (vs_test_ui_cell_titled (window, "Bravo.mp4"));
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "All Videos"), "1");
  vs_test_ui_wait_cell (window, "Alpha.mp4", TRUE);
  vs_test_ui_wait_cell (window, hls_title, TRUE);

  /* Right-click → Move to Trash on the HLS item: exactly its playlist and segments go. */
  before = vs_test_tree_state (lib);
  g_assert_true (trash_is_empty (NULL));
  vs_test_ui_click_cell (window, hls_title, "3");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the menu");
  vs_test_ui_click (vs_test_ui_menu_item (vs_test_ui_open_menu (window), "Move to Trash"), "1");
  vs_test_ui_wait_for (trash_has, (gpointer) "seg00000.ts seg00001.ts seg00002.ts stream.m3u8", "the trash");
  vs_test_ui_wait_cell (window, hls_title, FALSE);
  after = vs_test_tree_state (lib);
  expected = g_strdup_printf ("Alpha.mp4=%s\nTrips/\nTrips/Bravo.mp4=%s\nnotes.txt=%s",
                              clip_sum, other_sum, notes_sum);
  g_assert_cmpstr (after, ==, expected);
  g_assert_true (g_file_test (lib, G_FILE_TEST_IS_DIR));

  /* The toast's Undo: everything back, byte for byte. */
  vs_test_ui_wait_for (has_undo, window, "the Undo button");
  vs_test_ui_click (undo_button (window), "1");
  vs_test_ui_wait_for (trash_is_empty, NULL, "the restore");
  g_clear_pointer (&after, g_free);
  after = vs_test_tree_state (lib);
  g_assert_cmpstr (after, ==, before);
  vs_test_ui_wait_cell (window, hls_title, TRUE);

  /* Keyboard: a click focuses the cell, the Menu key opens its menu, Escape closes it,
   * Shift+F10 opens it again and the mnemonic of Properties picks that item. */
  vs_test_ui_click_cell (window, "Alpha.mp4", "1");
  vs_test_ui_xdotool ("key", "Menu", NULL);
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the menu from the Menu key");
  vs_test_ui_xdotool ("key", "Escape", NULL);
  vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "Escape to close the menu");
  vs_test_ui_xdotool ("key", "shift+F10", NULL);
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the menu from Shift+F10");
  popover = vs_test_ui_open_menu (window);
  g_assert_nonnull (popover);
  vs_test_ui_xdotool ("key", "r", NULL);
  vs_test_ui_wait_for (vs_test_ui_has_properties, (gpointer) "Alpha.mp4", "Properties");
  gtk_window_destroy (vs_test_ui_toplevel_of_type (ADW_TYPE_PREFERENCES_WINDOW));
  vs_test_ui_spin (200);

  /* Alt+Return shows Properties too; Delete moves the focused video to the trash. */
  vs_test_ui_click_cell (window, "Alpha.mp4", "1");
  vs_test_ui_xdotool ("key", "alt+Return", NULL);
  vs_test_ui_wait_for (vs_test_ui_has_properties, (gpointer) "Alpha.mp4", "Properties from Alt+Return");
  gtk_window_destroy (vs_test_ui_toplevel_of_type (ADW_TYPE_PREFERENCES_WINDOW));
  vs_test_ui_spin (200);
  g_clear_pointer (&before, g_free);
  before = vs_test_tree_state (lib);
  vs_test_ui_click_cell (window, "Alpha.mp4", "1");
  vs_test_ui_xdotool ("key", "Delete", NULL);
  vs_test_ui_wait_for (trash_has, (gpointer) "Alpha.mp4", "Delete");
  vs_test_ui_wait_cell (window, "Alpha.mp4", FALSE);
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));
  vs_test_ui_wait_for (has_undo, window, "the Undo button");
  vs_test_ui_click (undo_button (window), "1");
  vs_test_ui_wait_for (trash_is_empty, NULL, "the restore");
  g_clear_pointer (&after, g_free);
  after = vs_test_tree_state (lib);
  g_assert_cmpstr (after, ==, before);

  /* F5 in the window: the library rescans (its scanning goes on, then off), and the same
   * videos are listed. */
  {
    guint flips = 0;
    gulong id = g_signal_connect_swapped (vs_window_get_library (window), "notify::scanning",
                                          G_CALLBACK (count_flip), &flips);

    vs_test_ui_click_cell (window, "Alpha.mp4", "1");
    vs_test_ui_xdotool ("key", "F5", NULL);
    vs_test_ui_wait_for (flipped_twice, &flips, "the rescan from F5");
    g_signal_handler_disconnect (vs_window_get_library (window), id);
    vs_test_ui_wait_for (vs_test_ui_settled, window, "the library after F5");
    g_assert_cmpint (vs_window_get_video_count (window), ==, 3);
  }

  /* Right-click → Play: the player opens. */
  vs_test_ui_click_cell (window, "Alpha.mp4", "3");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the menu");
  vs_test_ui_click (vs_test_ui_menu_item (vs_test_ui_open_menu (window), "Play"), "1");
  vs_test_ui_wait_for (vs_test_ui_has_player, NULL, "the player");
  vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "the menu to close");

  gtk_window_destroy (vs_test_ui_toplevel_of_type (VS_TYPE_PLAYER_WINDOW));
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static gboolean
has_merge_all_dialog (gpointer data)
{
  return vs_test_ui_toplevel_of_type (VS_TYPE_MERGE_ALL_DIALOG) != NULL;
}

static gboolean
merge_all_done (gpointer data)
{
  GtkWindow *dialog = vs_test_ui_toplevel_of_type (VS_TYPE_MERGE_ALL_DIALOG);

  return dialog != NULL && vs_merge_all_dialog_get_summary (VS_MERGE_ALL_DIALOG (dialog));
}

static gboolean
no_merge_all_dialog (gpointer data)
{
  return vs_test_ui_toplevel_of_type (VS_TYPE_MERGE_ALL_DIALOG) == NULL;
}

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

typedef const char *(*TextOf) (gpointer widget);

/* The first widget of @type inside @root whose text (@text_of) is @text. */
static gpointer
find_by_text (GtkWidget  *root,
              GType       type,
              TextOf      text_of,
              const char *text)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  vs_test_ui_collect (root, type, found);
  for (guint i = 0; i < found->len; i++)
    if (g_strcmp0 (text_of (g_ptr_array_index (found, i)), text) == 0)
      return g_ptr_array_index (found, i);
  g_error ("no %s “%s”", g_type_name (type), text);
  return NULL;
}

/* The button labelled @label (mnemonic underscore included) inside @root. */
static GtkWidget *
button_labelled (GtkWidget  *root,
                 const char *label)
{
  return find_by_text (root, GTK_TYPE_BUTTON, (TextOf) gtk_button_get_label, label);
}

static gboolean
lists_incomplete (gpointer dialog)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  vs_test_ui_collect (dialog, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_text (g_ptr_array_index (labels, i));

      if (g_str_has_prefix (text, "Broken\n") && strstr (text, "Incomplete") != NULL)
        return TRUE;
    }
  return FALSE;
}

static AdwActionRow *
row_titled (GtkWidget  *root,
            const char *title)
{
  return find_by_text (root, ADW_TYPE_ACTION_ROW, (TextOf) adw_preferences_row_get_title, title);
}

static VsThumbnailView *
thumbnail_of (VsWindow   *window,
              const char *title)
{
  VsVideoCell *cell = vs_test_ui_cell_titled (window, title);

  g_assert_nonnull (cell);
  return VS_THUMBNAIL_VIEW (gtk_widget_get_template_child (GTK_WIDGET (cell), VS_TYPE_VIDEO_CELL,
                                                           "thumbnail"));
}

/* A library of many broken downloads, merged all with the pointer: every one is refused
 * and left exactly as it was, and the summary names the first 20 and counts the rest
 * instead of growing with the library. */
static void
test_merge_all_many_refused (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *before = NULL, *after = NULL;
  g_auto(GStrv) lines = NULL;
  GtkWindow *dialog;
  const char *summary;
  VsWindow *window;

  if (!vs_test_ui_have_xdotool ())
    return;
  /* 23 downloads whose second segment never arrived */
  for (guint i = 0; i < 23; i++)
    {
      g_autofree char *name = g_strdup_printf ("Broken %02u", i);
      g_autofree char *folder = g_build_filename (lib, name, NULL);
      g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
      g_autofree char *segment = g_build_filename (folder, "seg0.ts", NULL);
      static const char text[] = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg0.ts\n"
                                 "#EXTINF:2.0,\nseg1.ts\n#EXT-X-ENDLIST\n";

      g_mkdir_with_parents (folder, 0755);
      vs_test_write_file (playlist, text, sizeof text - 1);
      vs_test_write_file (segment, "G", 1);
    }
  before = vs_test_tree_state (lib);

  window = vs_test_ui_window_new (db, lib);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library");
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "HLS Downloads"), "1");
  vs_test_ui_wait_cell (window, "Broken 00", TRUE);
  vs_test_ui_wait_for (widget_mapped, button_labelled (GTK_WIDGET (window), "Merge _All…"), "the button");
  vs_test_ui_click (button_labelled (GTK_WIDGET (window), "Merge _All…"), "1");
  vs_test_ui_wait_for (has_merge_all_dialog, NULL, "the dialog");
  dialog = vs_test_ui_toplevel_of_type (VS_TYPE_MERGE_ALL_DIALOG);
  vs_test_ui_wait_still (GTK_WIDGET (dialog));
  vs_test_ui_click (button_labelled (GTK_WIDGET (dialog), "_Merge All"), "1");
  vs_test_ui_wait_for (merge_all_done, NULL, "the merges");

  summary = vs_merge_all_dialog_get_summary (VS_MERGE_ALL_DIALOG (dialog));
  g_test_message ("%s", summary);
  g_assert_true (g_str_has_prefix (summary, "Merged 0, refused 23"));
  lines = g_strsplit (summary, "\n", -1);
  /* the counts, 20 downloads named, the rest counted */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 20 + 1);
  g_assert_true (g_str_has_prefix (lines[1], "Broken "));
  g_assert_cmpstr (lines[21], ==, "And 3 more.");
  after = vs_test_tree_state (lib);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (trash_is_empty (NULL));

  vs_test_ui_click (button_labelled (GTK_WIDGET (dialog), "_Close"), "1");
  vs_test_ui_wait_for (no_merge_all_dialog, NULL, "the dialog to close");
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

/* HLS Downloads → Merge All… → Merge All, all with the pointer: the complete downloads are
 * merged into MP4s beside their folders, the incomplete one is refused and left as it is,
 * nothing else in the library changes; Close closes. */
static void
test_merge_all (void)
{
  static const char * const needed[] = { "x264enc", "h264parse", "hlssink2", "mp4mux", NULL };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *one = g_build_filename (lib, "One", NULL);
  g_autofree char *two = g_build_filename (lib, "Two", NULL);
  g_autofree char *broken = g_build_filename (lib, "Broken", NULL);
  g_autofree char *gap = g_build_filename (broken, "seg00001.ts", NULL);
  g_autofree char *clip = g_build_filename (lib, "Alpha.mp4", NULL);
  g_autofree char *before = NULL, *after = NULL;
  g_autofree char *one_mp4 = g_build_filename (lib, "One.mp4", NULL);
  g_autofree char *two_mp4 = g_build_filename (lib, "Two.mp4", NULL);
  g_auto(GStrv) before_lines = NULL;
  g_auto(GStrv) after_lines = NULL;
  AdwActionRow *download;
  GtkWindow *dialog;
  const char *summary;
  VsWindow *window;

  if (!vs_test_media_require (needed))
    return;
  if (!vs_test_ui_have_xdotool ())
    return;
  g_mkdir_with_parents (one, 0755);
  g_mkdir_with_parents (two, 0755);
  g_mkdir_with_parents (broken, 0755);
  vs_test_media_hls (one, 4);
  vs_test_media_hls (two, 4);
  vs_test_media_hls (broken, 6);
  g_assert_cmpint (g_unlink (gap), ==, 0);
  vs_test_media_mp4 (clip, "smpte");
  before = vs_test_tree_state (lib);

  window = vs_test_ui_window_new (db, lib);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library");
  vs_test_ui_wait_cell (window, "Alpha.mp4", TRUE);

  vs_test_ui_click (vs_test_ui_sidebar_row (window, "HLS Downloads"), "1");
  vs_test_ui_wait_cell (window, "Alpha.mp4", FALSE);
  vs_test_ui_wait_cell (window, "One", TRUE);
  vs_test_ui_wait_cell (window, "Broken", TRUE);
  /* each download's state on its badge; the incomplete one in the warning colour */
  g_assert_cmpstr (vs_thumbnail_view_get_hls_badge (thumbnail_of (window, "Broken")), ==,
                   "HLS · Incomplete");
  g_assert_true (vs_thumbnail_view_get_hls_warning (thumbnail_of (window, "Broken")));
  g_assert_cmpstr (vs_thumbnail_view_get_hls_badge (thumbnail_of (window, "One")), ==, "HLS");
  g_assert_false (vs_thumbnail_view_get_hls_warning (thumbnail_of (window, "One")));
  /* and in words in Properties (Alt+Return on the clicked cell) */
  vs_test_ui_click_cell (window, "Broken", "1");
  vs_test_ui_xdotool ("key", "alt+Return", NULL);
  vs_test_ui_wait_for (vs_test_ui_has_properties, (gpointer) "Broken", "Properties");
  download = row_titled (GTK_WIDGET (vs_test_ui_toplevel_of_type (ADW_TYPE_PREFERENCES_WINDOW)), "Download");
  g_assert_cmpstr (adw_action_row_get_subtitle (download), ==,
                   "Incomplete: 1 of 3 segments missing");
  gtk_window_destroy (vs_test_ui_toplevel_of_type (ADW_TYPE_PREFERENCES_WINDOW));
  vs_test_ui_spin (200);
  vs_test_ui_wait_for (widget_mapped, button_labelled (GTK_WIDGET (window), "Merge _All…"), "the button");
  vs_test_ui_click (button_labelled (GTK_WIDGET (window), "Merge _All…"), "1");
  vs_test_ui_wait_for (has_merge_all_dialog, NULL, "the dialog");
  dialog = vs_test_ui_toplevel_of_type (VS_TYPE_MERGE_ALL_DIALOG);
  vs_test_ui_wait_still (GTK_WIDGET (dialog));
  /* the list says which download cannot be merged, and why */
  vs_test_ui_wait_for (lists_incomplete, dialog, "the incomplete download in the list");
  vs_test_ui_click (button_labelled (GTK_WIDGET (dialog), "_Merge All"), "1");
  vs_test_ui_wait_for (merge_all_done, NULL, "the merges");

  summary = vs_merge_all_dialog_get_summary (VS_MERGE_ALL_DIALOG (dialog));
  g_test_message ("%s", summary);
  g_assert_true (g_str_has_prefix (summary, "Merged 2, refused 1"));
  g_assert_nonnull (strstr (summary, "Broken"));
  /* exactly two MP4s more, beside their folders; every other byte as it was */
  after = vs_test_tree_state (lib);
  before_lines = g_strsplit (before, "\n", -1);
  for (guint i = 0; before_lines[i] != NULL; i++)
    g_assert_nonnull (strstr (after, before_lines[i]));
  g_assert_true (g_file_test (one_mp4, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (two_mp4, G_FILE_TEST_IS_REGULAR));
  after_lines = g_strsplit (after, "\n", -1);
  g_assert_cmpuint (g_strv_length (after_lines), ==, g_strv_length (before_lines) + 2);
  g_assert_true (trash_is_empty (NULL));

  vs_test_ui_click (button_labelled (GTK_WIDGET (dialog), "_Close"), "1");
  vs_test_ui_wait_for (no_merge_all_dialog, NULL, "the dialog to close");
  /* the library rescanned what the merges wrote; the view is still the downloads' */
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the rescan");
  g_assert_true (gtk_widget_get_visible (button_labelled (GTK_WIDGET (window), "Merge _All…")));
  g_assert_null (vs_test_ui_cell_titled (window, "Alpha.mp4"));
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

/* @from's files, copied into a new folder @to (a download made once, saved many times). */
static void
copy_folder (const char *from,
             const char *to)
{
  g_autoptr(GDir) d = g_dir_open (from, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  g_assert_cmpint (g_mkdir_with_parents (to, 0755), ==, 0);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *src_path = g_build_filename (from, name, NULL);
      g_autofree char *dst_path = g_build_filename (to, name, NULL);
      g_autoptr(GFile) src = g_file_new_for_path (src_path);
      g_autoptr(GFile) dst = g_file_new_for_path (dst_path);
      g_autoptr(GError) error = NULL;

      g_file_copy (src, dst, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
}

static GtkLabel *
progress_label_of (GtkWindow *dialog)
{
  return GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (dialog), VS_TYPE_MERGE_ALL_DIALOG,
                                                   "progress_label"));
}

/* The progress reads “N of M · …” with N ≥ 2: the first download is merged. */
static gboolean
first_merged (gpointer dialog)
{
  const char *text = gtk_label_get_label (progress_label_of (dialog));
  guint n = 0, total = 0;

  return sscanf (text, "%u of %u", &n, &total) == 2 && n >= 2;
}

static void
record_label (GtkLabel   *label,
              GParamSpec *pspec,
              GPtrArray  *labels)
{
  g_ptr_array_add (labels, g_strdup (gtk_label_get_label (label)));
}

/* Shown on the X server, not only in GTK's mind: clicks reach it. */
static gboolean
surface_mapped (gpointer window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  return gtk_widget_get_mapped (window) && surface != NULL && gdk_surface_get_mapped (surface);
}

/* The Merge All dialog, once it is shown and lists its downloads. */
static GtkWindow *
wait_merge_all_dialog (void)
{
  GtkWindow *dialog;

  vs_test_ui_wait_for (has_merge_all_dialog, NULL, "the dialog");
  dialog = vs_test_ui_toplevel_of_type (VS_TYPE_MERGE_ALL_DIALOG);
  vs_test_ui_wait_for (surface_mapped, dialog, "the dialog on screen");
  vs_test_ui_wait_still (GTK_WIDGET (dialog));
  return dialog;
}

static gboolean
merge_all_running (gpointer dialog)
{
  return vs_merge_all_dialog_get_running (dialog);
}

/* What a window manager sends when its close button is clicked. */
static void
send_wm_delete (GtkWindow *window)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (window));
  Display *xdisplay = gdk_x11_display_get_xdisplay (display);
  XEvent event = { 0 };

  event.xclient.type = ClientMessage;
  event.xclient.window = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));
  event.xclient.message_type = XInternAtom (xdisplay, "WM_PROTOCOLS", False);
  event.xclient.format = 32;
  event.xclient.data.l[0] = (long) XInternAtom (xdisplay, "WM_DELETE_WINDOW", False);
  event.xclient.data.l[1] = CurrentTime;
  XSendEvent (xdisplay, event.xclient.window, False, NoEventMask, &event);
  XFlush (xdisplay);
}

/* The library's state after a cancelled run: every line of @before still there (no byte of
 * a source changed, nothing trashed), plus exactly the MP4s of the first @n_merged takes,
 * each a whole, playable merge; no MP4 of the others, and no temporary file anywhere. */
static void
assert_cancelled_run (const char *lib,
                      const char *before,
                      guint       n_merged,
                      guint       n_takes,
                      guint       expected_ms)
{
  g_autofree char *after = vs_test_tree_state (lib);
  g_auto(GStrv) before_lines = g_strsplit (before, "\n", -1);
  g_auto(GStrv) after_lines = g_strsplit (after, "\n", -1);
  g_autoptr(VsProber) prober = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (strstr (after, "vidshelf-merge"));
  for (guint i = 0; before_lines[i] != NULL; i++)
    g_assert_nonnull (strstr (after, before_lines[i]));
  g_assert_cmpuint (g_strv_length (after_lines), ==, g_strv_length (before_lines) + n_merged);
  prober = vs_prober_new (0, &error);
  g_assert_no_error (error);
  for (guint i = 1; i <= n_takes; i++)
    {
      g_autofree char *name = g_strdup_printf ("Take %02u.mp4", i);
      g_autofree char *mp4 = g_build_filename (lib, name, NULL);
      g_autoptr(VsProbeResult) probe = NULL;

      g_test_message ("%s", name);
      if (i > n_merged)
        {
          g_assert_false (g_file_test (mp4, G_FILE_TEST_EXISTS));
          continue;
        }
      probe = vs_prober_probe (prober, mp4, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (probe->has_video);
      g_assert_cmpint (ABS (probe->duration_ms - (gint64) expected_ms), <=, 1000);
    }
  g_assert_true (trash_is_empty (NULL));
}

/* Merge All, then its Cancel clicked with the pointer once the first download is merged:
 * the run stops, the summary says so, the MP4s done stay whole, the download in progress
 * leaves nothing behind and no source changes. Then a run closed the way a window manager
 * closes a window: it stops the same way and the dialog goes once the run has stopped. */
static void
test_merge_all_cancel (void)
{
  static const char * const needed[] = { "x264enc", "h264parse", "hlssink2", "mp4mux", NULL };
  /* enough work behind the first download that the click lands while one is running */
  const guint n_takes = 12, seconds = 30;
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *first = g_build_filename (lib, "Take 01", NULL);
  g_autofree char *clip = g_build_filename (lib, "Alpha.mp4", NULL);
  g_autofree char *before = NULL;
  g_autoptr(GtkWindow) held = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *cancel;
  GtkWindow *dialog;
  const char *summary;
  guint n_merged = 0, n_refused = 0, n_more = 0, cancelled_at = 0;
  gulong id;
  VsWindow *window;

  if (!vs_test_media_require (needed))
    return;
  if (!vs_test_ui_have_xdotool ())
    return;
  vs_test_media_hls (first, seconds);
  for (guint i = 2; i <= n_takes; i++)
    {
      g_autofree char *name = g_strdup_printf ("Take %02u", i);
      g_autofree char *folder = g_build_filename (lib, name, NULL);

      copy_folder (first, folder);
    }
  vs_test_media_mp4 (clip, "smpte");
  before = vs_test_tree_state (lib);

  window = vs_test_ui_window_new (db, lib);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library");
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "HLS Downloads"), "1");
  vs_test_ui_wait_cell (window, "Alpha.mp4", FALSE);
  vs_test_ui_wait_cell (window, "Take 01", TRUE);
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the downloads");
  vs_test_ui_wait_for (widget_mapped, button_labelled (GTK_WIDGET (window), "Merge _All…"), "the button");
  vs_test_ui_click (button_labelled (GTK_WIDGET (window), "Merge _All…"), "1");
  /* held: should the run end before the vs_test_ui_click, the click would close it */
  dialog = held = g_object_ref (wait_merge_all_dialog ());
  id = g_signal_connect (progress_label_of (dialog), "notify::label", G_CALLBACK (record_label),
                         labels);

  /* the pointer waits over Cancel, so that the click is one X event away */
  vs_test_ui_click (button_labelled (GTK_WIDGET (dialog), "_Merge All"), "1");
  vs_test_ui_wait_for (merge_all_running, dialog, "the run to start");
  cancel = button_labelled (GTK_WIDGET (dialog), "_Cancel");
  vs_test_ui_pointer_to (cancel, gtk_widget_get_width (cancel) / 2.0,
                         gtk_widget_get_height (cancel) / 2.0);
  vs_test_ui_wait_for (first_merged, dialog, "the first download merged");
  vs_test_ui_xdotool ("click", "1", NULL);
  g_assert_true (vs_merge_all_dialog_get_running (VS_MERGE_ALL_DIALOG (dialog)) ||
                 vs_merge_all_dialog_get_summary (VS_MERGE_ALL_DIALOG (dialog)) != NULL);
  vs_test_ui_wait_for (merge_all_done, NULL, "the run to stop");
  g_signal_handler_disconnect (progress_label_of (dialog), id);

  summary = vs_merge_all_dialog_get_summary (VS_MERGE_ALL_DIALOG (dialog));
  g_test_message ("%s", summary);
  g_assert_cmpint (sscanf (summary, "Merged %u, refused %u", &n_merged, &n_refused), ==, 2);
  g_assert_nonnull (strstr (summary, "Cancelled: the rest was left as it was."));
  g_assert_cmpuint (n_refused, ==, 0);
  /* stopped early: at least the first, not the last */
  g_assert_cmpuint (n_merged, >=, 1);
  g_assert_cmpuint (n_merged, <, n_takes);
  /* from the click on, the progress said “Cancelling…” and nothing else */
  for (guint i = 0; i < labels->len; i++)
    if (cancelled_at == 0 && g_str_equal (g_ptr_array_index (labels, i), "Cancelling…"))
      cancelled_at = i + 1;
  g_assert_cmpuint (cancelled_at, >, 0);
  for (guint i = cancelled_at; i < labels->len; i++)
    g_assert_cmpstr (g_ptr_array_index (labels, i), ==, "Cancelling…");
  assert_cancelled_run (lib, before, n_merged, n_takes, seconds * 1000);

  vs_test_ui_click (button_labelled (GTK_WIDGET (dialog), "_Close"), "1");
  vs_test_ui_wait_for (no_merge_all_dialog, NULL, "the dialog to close");
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the rescan");

  /* Closed by the window manager while it runs: it stops as Cancel stops it, and the
   * dialog closes by itself once nothing of the download in progress is left. */
  vs_test_ui_click (button_labelled (GTK_WIDGET (window), "Merge _All…"), "1");
  dialog = wait_merge_all_dialog ();
  vs_test_ui_click (button_labelled (GTK_WIDGET (dialog), "_Merge All"), "1");
  vs_test_ui_wait_for (merge_all_running, dialog, "the second run to start");
  send_wm_delete (dialog);
  vs_test_ui_wait_for (no_merge_all_dialog, NULL, "the dialog to close once stopped");
  /* the takes merged the first time are refused (their MP4 is in the way): a few more
   * merged at most */
  for (guint i = n_merged + 1; i <= n_takes; i++)
    {
      g_autofree char *name = g_strdup_printf ("Take %02u.mp4", i);
      g_autofree char *mp4 = g_build_filename (lib, name, NULL);

      if (g_file_test (mp4, G_FILE_TEST_EXISTS))
        n_more++;
    }
  g_test_message ("%u more merged before the close took effect", n_more);
  g_assert_cmpuint (n_merged + n_more, <, n_takes);
  assert_cancelled_run (lib, before, n_merged + n_more, n_takes, seconds * 1000);

  vs_test_ui_wait_for (vs_test_ui_settled, window, "the rescan");
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

static gboolean
no_properties (gpointer data)
{
  return vs_test_ui_toplevel_of_type (ADW_TYPE_PREFERENCES_WINDOW) == NULL;
}

/* @folder/master.m3u8 naming lo/index.m3u8 and hi/index.m3u8 with @lo_inf and @hi_inf as
 * their #EXT-X-STREAM-INF attributes; hi is written with @hi_options. */
static void
make_master (const char       *folder,
             const char       *lo_inf,
             const char       *hi_inf,
             guint             hi_missing,
             VsTestHlsOptions  hi_options)
{
  g_autofree char *lo = g_build_filename (folder, "lo", NULL);
  g_autofree char *hi = g_build_filename (folder, "hi", NULL);
  g_autofree char *master = g_build_filename (folder, "master.m3u8", NULL);
  g_autofree char *text = g_strdup_printf ("#EXTM3U\n"
                                           "#EXT-X-STREAM-INF:%s\nlo/index.m3u8\n"
                                           "#EXT-X-STREAM-INF:%s\nhi/index.m3u8\n",
                                           lo_inf, hi_inf);

  vs_test_make_hls_download (lo, 2, 0, VS_TEST_HLS_PLAIN);
  vs_test_make_hls_download (hi, 3, hi_missing, hi_options);
  vs_test_write_file (master, text, -1);
}

/* Every state a download can be in, in the HLS Downloads view: each cell's badge, and the
 * Download row of Properties, opened with a click on the cell and Alt+Return and closed
 * with Escape. */
static void
test_hls_states (void)
{
  static const char * const needed[] = { "x264enc", "mp4mux", NULL };
  const struct
  {
    const char       *title;
    guint             n_segments, n_missing;
    VsTestHlsOptions  options;
    const char       *words;
    const char       *badge;
    gboolean          warning;
  } cases[] = {
    { "Complete", 3, 0, VS_TEST_HLS_PLAIN, "Complete: 3 segments", "HLS", FALSE },
    { "Missing", 3, 1, VS_TEST_HLS_PLAIN, "Incomplete: 1 of 3 segments missing",
      "HLS · Incomplete", TRUE },
    { "Running", 3, 0, VS_TEST_HLS_NO_ENDLIST,
      "Incomplete: the playlist has no end, the download may not be finished",
      "HLS · Incomplete", TRUE },
    /* its init.mp4 is removed below */
    { "No Init", 3, 0, VS_TEST_HLS_FMP4, "Incomplete: the initialization segment is missing",
      "HLS · Incomplete", TRUE },
    { "Locked", 2, 0, VS_TEST_HLS_AES128 | VS_TEST_HLS_KEY_FILE, "Encrypted, key present",
      "HLS · Encrypted", FALSE },
    { "Keyless", 2, 0, VS_TEST_HLS_AES128, "Encrypted, key missing", "HLS · Encrypted", TRUE },
    { "Mirrored", 2, 0, VS_TEST_HLS_REMOTE, "Remote playlist, every segment downloaded",
      "HLS · Remote", FALSE },
    /* masters, made below */
    { "Stream", 0, 0, 0, "Remote playlist, segments not downloaded", "HLS · Remote", TRUE },
    { "Master", 0, 0, 0, "Master playlist: uses the 1280×720 variant", "HLS", FALSE },
    /* g_format_size_full() puts a no-break space before the unit */
    { "By Rate", 0, 0, 0, "Master playlist: uses the 2.8\u00a0Mb/s variant", "HLS", FALSE },
    /* nothing tells the variants apart: the first listed */
    { "By Name", 0, 0, 0, "Master playlist: uses variant “lo/index.m3u8”", "HLS", FALSE },
  };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *init = g_build_filename (lib, "No Init", "init.mp4", NULL);
  g_autofree char *stream = g_build_filename (lib, "Stream", NULL);
  g_autofree char *master = g_build_filename (lib, "Master", NULL);
  g_autofree char *by_rate = g_build_filename (lib, "By Rate", NULL);
  g_autofree char *by_name = g_build_filename (lib, "By Name", NULL);
  g_autofree char *clip = g_build_filename (lib, "Alpha.mp4", NULL);
  g_autofree char *before = NULL, *after = NULL;
  VsWindow *window;

  if (!vs_test_require_playback (needed))
    return;
  if (!vs_test_ui_have_xdotool ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folder = g_build_filename (lib, cases[i].title, NULL);

      if (cases[i].n_segments == 0)
        continue;
      vs_test_make_hls_download (folder, cases[i].n_segments, cases[i].n_missing,
                                 cases[i].options);
    }
  g_assert_cmpint (g_unlink (init), ==, 0);
  /* the best variant's playlist is here, its segments are not (the lower one's are): the
   * item is listed, in the state of the variant it uses */
  make_master (stream, "BANDWIDTH=800000,RESOLUTION=640x360",
               "BANDWIDTH=2800000,RESOLUTION=1280x720", 3, VS_TEST_HLS_REMOTE);
  vs_test_make_hls_master (master);
  make_master (by_rate, "BANDWIDTH=800000", "BANDWIDTH=2800000", 0, VS_TEST_HLS_PLAIN);
  make_master (by_name, "PROGRAM-ID=1", "PROGRAM-ID=2", 0, VS_TEST_HLS_PLAIN);
  vs_test_media_mp4 (clip, "smpte");
  before = vs_test_tree_state (lib);

  window = vs_test_ui_window_new (db, lib);
  /* every cell on screen at once */
  gtk_window_set_default_size (GTK_WINDOW (window), 1260, 1000);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library");
  g_assert_cmpint (vs_window_get_video_count (window), ==, G_N_ELEMENTS (cases) + 1);
  vs_test_ui_click (vs_test_ui_sidebar_row (window, "HLS Downloads"), "1");
  vs_test_ui_wait_cell (window, "Alpha.mp4", FALSE);
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the downloads");
  g_assert_cmpint (vs_window_get_video_count (window), ==, G_N_ELEMENTS (cases));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VsThumbnailView *thumbnail;
      AdwActionRow *download;
      GtkWindow *properties;

      g_test_message ("%s", cases[i].title);
      vs_test_ui_wait_cell (window, cases[i].title, TRUE);
      thumbnail = thumbnail_of (window, cases[i].title);
      g_assert_cmpstr (vs_thumbnail_view_get_hls_badge (thumbnail), ==, cases[i].badge);
      g_assert_cmpint (vs_thumbnail_view_get_hls_warning (thumbnail), ==, cases[i].warning);

      vs_test_ui_click_cell (window, cases[i].title, "1");
      vs_test_ui_xdotool ("key", "alt+Return", NULL);
      vs_test_ui_wait_for (vs_test_ui_has_properties, (gpointer) cases[i].title, "Properties");
      properties = vs_test_ui_toplevel_of_type (ADW_TYPE_PREFERENCES_WINDOW);
      download = row_titled (GTK_WIDGET (properties), "Download");
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (download)));
      g_assert_cmpstr (adw_action_row_get_subtitle (download), ==, cases[i].words);
      g_assert_cmpstr (adw_action_row_get_subtitle (row_titled (GTK_WIDGET (properties),
                                                                "Container")), ==, "HLS");
      vs_test_ui_wait_for (surface_mapped, properties, "Properties on screen");
      vs_test_ui_xdotool ("key", "Escape", NULL);
      vs_test_ui_wait_for (no_properties, NULL, "Escape to close Properties");
    }

  /* looking changes nothing */
  after = vs_test_tree_state (lib);
  g_assert_cmpstr (after, ==, before);
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

/* A mapped item of @popover whose text is @label, or NULL (hidden items are unmapped). */
static GtkWidget *
find_menu_item (GtkWidget  *popover,
                const char *label)
{
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();

  vs_test_ui_collect (popover, GTK_TYPE_WIDGET, widgets);
  for (guint i = 0; i < widgets->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (widgets, i);
      g_autofree char *text = NULL;

      if (!g_str_equal (G_OBJECT_TYPE_NAME (w), "GtkModelButton") || !gtk_widget_get_mapped (w))
        continue;
      g_object_get (w, "text", &text, NULL);
      if (g_strcmp0 (text, label) == 0)
        return w;
    }
  return NULL;
}

typedef struct
{
  VsWindow   *window;
  const char *title;
  gboolean    watched;
} MarkWait;

static gboolean
mark_is (gpointer data)
{
  MarkWait *wait = data;
  VsVideoCell *cell = vs_test_ui_cell_titled (wait->window, wait->title);

  return cell != NULL && vs_video_cell_get_watched_mark (cell) == wait->watched;
}

static gboolean
bravo_in_progress (gpointer window)
{
  VsVideoCell *cell = vs_test_ui_cell_titled (window, "Bravo.mp4");

  return cell != NULL && vs_video_cell_get_progress (cell) > 0;
}

/* Right-click → Mark as Watched: the cell shows the mark, and its menu then offers Mark as
 * Unwatched instead, which takes the mark away; the index has it. A video with a stored
 * position shows a progress bar at that fraction, and none once marked watched. */
static void
test_watched (void)
{
  static const char * const needed[] = { "x264enc", "mp4mux", NULL };
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *lib = g_build_filename (dir, "Videos", NULL);
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autofree char *alpha = g_build_filename (lib, "Alpha.mp4", NULL);
  g_autofree char *bravo = g_build_filename (lib, "Bravo.mp4", NULL);
  g_autoptr(GError) error = NULL;
  MarkWait wait = { 0 };
  VsWindow *window;
  GtkWidget *popover;
  double fraction;

  if (!vs_test_require_playback (needed))
    return;
  if (!vs_test_ui_have_xdotool ())
    return;
  g_mkdir_with_parents (lib, 0755);
  vs_test_media_mp4 (alpha, "smpte");
  /* 10 s: long enough for a position worth resuming (from VS_PLAYBACK_MIN_MS on) */
  vs_test_media_clip (bravo, 10);
  {
    /* Bravo was stopped at the half, before the window opens */
    g_autoptr(VsDatabase) writer = vs_database_open (db, VS_DATABASE_MODE_WRITER, &error);

    g_assert_no_error (error);
    g_assert_true (vs_database_record_play (writer, bravo, 5000, 10000, &error));
    g_assert_no_error (error);
  }

  window = vs_test_ui_window_new (db, lib);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  vs_test_ui_wait_for (vs_test_ui_settled, window, "the library");
  vs_test_ui_wait_cell (window, "Alpha.mp4", TRUE);
  vs_test_ui_wait_cell (window, "Bravo.mp4", TRUE);
  wait.window = window;
  wait.title = "Alpha.mp4";
  g_assert_false (vs_video_cell_get_watched_mark (vs_test_ui_cell_titled (window, "Alpha.mp4")));

  /* in progress: a bar once its duration is known, near the half */
  vs_test_ui_wait_for (bravo_in_progress, window, "Bravo's progress bar");
  fraction = vs_video_cell_get_progress (vs_test_ui_cell_titled (window, "Bravo.mp4"));
  g_assert_cmpfloat (fraction, >, 0.3);
  g_assert_cmpfloat (fraction, <, 0.7);
  g_assert_cmpfloat (vs_video_cell_get_progress (vs_test_ui_cell_titled (window, "Alpha.mp4")),
                     ==, -1);

  vs_test_ui_click_cell (window, "Alpha.mp4", "3");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the menu");
  popover = vs_test_ui_open_menu (window);
  g_assert_null (find_menu_item (popover, "Mark as Unwatched"));
  g_assert_nonnull (find_menu_item (popover, "Mark as Watched"));
  vs_test_ui_click (find_menu_item (popover, "Mark as Watched"), "1");
  wait.watched = TRUE;
  vs_test_ui_wait_for (mark_is, &wait, "the watched mark");
  g_assert_false (vs_video_cell_get_watched_mark (vs_test_ui_cell_titled (window, "Bravo.mp4")));
  {
    g_autoptr(VsDatabase) reader = vs_database_open (db, VS_DATABASE_MODE_READER, &error);
    VsWatchedState state;

    g_assert_true (vs_database_get_watched (reader, alpha, &state, &error));
    g_assert_no_error (error);
    g_assert_true (state.watched);
  }

  /* now the menu offers the other one */
  vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "the menu to close");
  vs_test_ui_click_cell (window, "Alpha.mp4", "3");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the menu again");
  popover = vs_test_ui_open_menu (window);
  g_assert_null (find_menu_item (popover, "Mark as Watched"));
  vs_test_ui_click (find_menu_item (popover, "Mark as Unwatched"), "1");
  wait.watched = FALSE;
  vs_test_ui_wait_for (mark_is, &wait, "the mark to go");

  /* Bravo marked watched: the mark shows, the bar goes (nothing to resume) */
  vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "the menu to close");
  vs_test_ui_click_cell (window, "Bravo.mp4", "3");
  vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "Bravo's menu");
  vs_test_ui_click (find_menu_item (vs_test_ui_open_menu (window), "Mark as Watched"), "1");
  wait.title = "Bravo.mp4";
  wait.watched = TRUE;
  vs_test_ui_wait_for (mark_is, &wait, "Bravo's watched mark");
  g_assert_cmpfloat (vs_video_cell_get_progress (vs_test_ui_cell_titled (window, "Bravo.mp4")),
                     ==, -1);

  /* the selection's bar: a click, a Ctrl+click, its Mark menu → Unwatched for both, then
   * Watched for both */
  vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "the menu to close");
  vs_test_ui_click_cell (window, "Alpha.mp4", "1");
  {
    GtkWidget *cell = GTK_WIDGET (vs_test_ui_cell_titled (window, "Bravo.mp4"));
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
    GtkWidget *mark_button = NULL;

    vs_test_ui_wait_still (cell);
    vs_test_ui_pointer_to (cell, gtk_widget_get_width (cell) / 2.0,
                           gtk_widget_get_height (cell) / 3.0);
    vs_test_ui_xdotool ("keydown", "ctrl", "click", "1", "keyup", "ctrl", NULL);
    vs_test_ui_wait_selected (window, 2);
    vs_test_ui_collect (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, buttons);
    for (guint i = 0; i < buttons->len; i++)
      if (gtk_widget_get_mapped (g_ptr_array_index (buttons, i)) &&
          g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, i)),
                     "Mark the selected videos as watched or unwatched") == 0)
        mark_button = g_ptr_array_index (buttons, i);
    g_assert_nonnull (mark_button);

    vs_test_ui_click (mark_button, "1");
    vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the selection's Mark menu");
    vs_test_ui_click (find_menu_item (vs_test_ui_open_menu (window), "Mark as Unwatched"), "1");
    wait.watched = FALSE;
    vs_test_ui_wait_for (mark_is, &wait, "Bravo unmarked from the selection's bar");
    wait.title = "Alpha.mp4";
    vs_test_ui_wait_for (mark_is, &wait, "Alpha still unmarked");

    vs_test_ui_wait_for (vs_test_ui_menu_is_closed, window, "the Mark menu to close");
    vs_test_ui_wait_selected (window, 2);
    /* off the closed menu's rectangle first (X11 loses XTEST input there for a moment) */
    vs_test_ui_pointer_to (cell, 4, 4);
    vs_test_ui_spin (300);
    vs_test_ui_click (mark_button, "1");
    vs_test_ui_wait_for (vs_test_ui_menu_is_open, window, "the selection's Mark menu again");
    vs_test_ui_click (find_menu_item (vs_test_ui_open_menu (window), "Mark as Watched"), "1");
    wait.watched = TRUE;
    vs_test_ui_wait_for (mark_is, &wait, "Alpha marked from the selection's bar");
    wait.title = "Bravo.mp4";
    vs_test_ui_wait_for (mark_is, &wait, "Bravo marked from the selection's bar");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = vs_test_make_tmpdir ();
  int status;

  /* A private thumbnail cache and a private trash, before GLib reads either. */
  trash_home = vs_test_make_tmpdir ();
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", trash_home, TRUE);
  gdk_set_allowed_backends ("x11");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/context-menu/mouse-and-keys", test_context_menu);
  g_test_add_func ("/context-menu/merge-all", test_merge_all);
  g_test_add_func ("/context-menu/merge-all-cancel", test_merge_all_cancel);
  g_test_add_func ("/context-menu/merge-all-many-refused", test_merge_all_many_refused);
  g_test_add_func ("/context-menu/hls-states", test_hls_states);
  g_test_add_func ("/context-menu/watched", test_watched);

  status = g_test_run ();
  vs_test_rm_rf (cache);
  vs_test_rm_rf (trash_home);
  g_free (trash_home);
  return status;
}
