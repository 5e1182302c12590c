/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The “Merge into MP4…” dialog in a real display: it merges, it refuses in words and
 * stays open, it moves the folder to the trash when asked.
 *
 * VS_TEST_MERGE_DIALOG_PAUSE=SECONDS keeps each dialog on screen that long (for a
 * screenshot with `import -window root`). */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "vs-merge-dialog.h"
#include "vs-test-media.h"
#include "vs-test-utils.h"

static const char *const elements[] = {
  "videotestsrc", "x264enc", "h264parse", "hlssink2", "appsrc", "tsdemux", "mp4mux",
  "qtdemux", NULL
};

static char *media_dir; /* one HLS folder, copied by each test */

typedef struct
{
  char *output;
  char *warning;
  guint count;
} Merged;

static void
on_merged (VsMergeDialog *dialog,
           const char    *output,
           const char    *warning,
           Merged        *merged)
{
  g_free (merged->output);
  g_free (merged->warning);
  merged->output = g_strdup (output);
  merged->warning = g_strdup (warning);
  merged->count++;
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("the merge did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
pause_for_screenshot (void)
{
  const char *pause = g_getenv ("VS_TEST_MERGE_DIALOG_PAUSE");
  gint64 until;

  if (pause == NULL)
    return;
  until = g_get_monotonic_time () + g_ascii_strtoll (pause, NULL, 10) * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
}

static void
copy_hls (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (media_dir, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *src = g_build_filename (media_dir, name, NULL);
      g_autofree char *dst = g_build_filename (folder, name, NULL);
      g_autofree char *data = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (src, &data, &len, NULL));
      vs_test_write_file (dst, data, (gssize) len);
    }
}

static GtkWidget *
child (VsMergeDialog *dialog,
       const char    *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), VS_TYPE_MERGE_DIALOG,
                                                    name));
}

/* Presses Merge, then runs the main loop until the merge has stopped. */
static void
press_merge (VsMergeDialog *dialog,
             Merged        *merged)
{
  guint timeout = g_timeout_add_seconds (60, on_timeout, NULL);
  GtkWidget *weak = GTK_WIDGET (dialog);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &weak);
  g_assert_true (gtk_widget_is_sensitive (child (dialog, "merge_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "merge.start", NULL));
  g_assert_true (vs_merge_dialog_get_running (dialog));
  g_assert_true (gtk_widget_get_visible (child (dialog, "progress_box")));
  while (weak != NULL && vs_merge_dialog_get_running (VS_MERGE_DIALOG (weak)))
    g_main_context_iteration (NULL, TRUE);
  if (weak != NULL)
    g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &weak);
  g_source_remove (timeout);
}

static void
test_merges (gconstpointer data)
{
  gboolean trash = GPOINTER_TO_INT (data);
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "My Show", NULL);
  g_autofree char *playlist = g_build_filename (folder, "index.m3u8", NULL);
  g_autofree char *output = g_build_filename (dir, "My Show.mp4", NULL);
  VsMergeDialog *dialog;
  GtkWidget *weak;
  Merged merged = { 0 };

  copy_hls (folder);
  dialog = vs_merge_dialog_new (NULL, playlist);
  weak = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &weak);
  g_signal_connect (dialog, "merged", G_CALLBACK (on_merged), &merged);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "name_row"))), ==,
                   "My Show.mp4");
  gtk_switch_set_active (GTK_SWITCH (child (dialog, "trash_switch")), trash);
  pause_for_screenshot ();
  if (trash && g_getenv ("VS_TEST_MERGE_DIALOG_PAUSE") != NULL)
    {
      /* a 4 s merge is over before a screenshot: the running look, staged */
      gtk_widget_set_visible (child (dialog, "progress_box"), TRUE);
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (child (dialog, "progress_bar")), 0.4);
      gtk_label_set_label (GTK_LABEL (child (dialog, "progress_label")), "1.2 MB of 3.0 MB");
      gtk_button_set_label (GTK_BUTTON (child (dialog, "merge_button")), "Merging…");
      gtk_widget_set_sensitive (child (dialog, "options_group"), FALSE);
      pause_for_screenshot ();
      gtk_widget_set_visible (child (dialog, "progress_box"), FALSE);
      gtk_widget_set_sensitive (child (dialog, "options_group"), TRUE);
    }

  press_merge (dialog, &merged);
  g_assert_cmpuint (merged.count, ==, 1);
  g_assert_cmpstr (merged.output, ==, output);
  g_assert_null (merged.warning);
  g_assert_null (weak); /* closed on success */
  g_assert_true (g_file_test (output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_file_test (folder, G_FILE_TEST_IS_DIR), ==, !trash);

  g_free (merged.output);
  vs_test_rm_rf (dir);
}

/* A refusal: the reason in words, the dialog open, the existing file untouched; the
 * user renames and merges. */
static void
test_refusal (void)
{
  g_autofree char *dir = vs_test_make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "show", NULL);
  g_autofree char *existing = g_build_filename (dir, "show.mp4", NULL);
  g_autofree char *renamed = g_build_filename (dir, "show (merged).mp4", NULL);
  g_autofree char *text = NULL;
  VsMergeDialog *dialog;
  GtkWidget *name_row, *message;
  Merged merged = { 0 };

  copy_hls (folder);
  vs_test_write_file (existing, "mine", -1);
  dialog = vs_merge_dialog_new (NULL, folder);
  g_object_ref (dialog);
  g_signal_connect (dialog, "merged", G_CALLBACK (on_merged), &merged);
  gtk_window_present (GTK_WINDOW (dialog));

  press_merge (dialog, &merged);
  g_assert_cmpuint (merged.count, ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_nonnull (vs_merge_dialog_get_error_text (dialog));
  g_assert_nonnull (strstr (vs_merge_dialog_get_error_text (dialog), "already exists"));
  message = child (dialog, "message_label");
  g_assert_true (gtk_widget_get_visible (message));
  g_assert_true (gtk_widget_has_css_class (message, "error"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message)), ==,
                   vs_merge_dialog_get_error_text (dialog));
  g_assert_false (gtk_widget_get_visible (child (dialog, "progress_box")));
  g_assert_true (g_file_get_contents (existing, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "mine");
  pause_for_screenshot ();

  /* names that cannot be used keep Merge off */
  name_row = child (dialog, "name_row");
  gtk_editable_set_text (GTK_EDITABLE (name_row), "a/b.mp4");
  g_assert_false (gtk_widget_is_sensitive (child (dialog, "merge_button")));
  gtk_editable_set_text (GTK_EDITABLE (name_row), "show.mkv");
  g_assert_false (gtk_widget_is_sensitive (child (dialog, "merge_button")));
  gtk_editable_set_text (GTK_EDITABLE (name_row), "");
  g_assert_false (gtk_widget_is_sensitive (child (dialog, "merge_button")));

  gtk_editable_set_text (GTK_EDITABLE (name_row), "show (merged).mp4");
  g_assert_null (vs_merge_dialog_get_error_text (dialog));
  press_merge (dialog, &merged);
  g_assert_cmpuint (merged.count, ==, 1);
  g_assert_cmpstr (merged.output, ==, renamed);
  g_assert_true (g_file_test (renamed, G_FILE_TEST_IS_REGULAR));

  g_object_unref (dialog);
  g_free (merged.output);
  vs_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = vs_test_make_tmpdir ();
  g_autofree char *data_home = g_build_filename (home, ".local", "share", NULL);
  g_autofree char *cache_home = g_build_filename (home, ".cache", NULL);
  int status;

  /* a private home: the trash can and the caches stay in it, on the test folders'
   * device, so GIO uses the home trash */
  g_assert_cmpint (g_mkdir_with_parents (data_home, 0700), ==, 0);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (!vs_test_media_require (elements))
    return 77;
  media_dir = vs_test_make_tmpdir ();
  vs_test_media_hls (media_dir, 4);

  g_test_add_data_func ("/merge-dialog/merges", GINT_TO_POINTER (FALSE), test_merges);
  g_test_add_data_func ("/merge-dialog/merges-and-trashes", GINT_TO_POINTER (TRUE), test_merges);
  g_test_add_func ("/merge-dialog/refusal", test_refusal);

  status = g_test_run ();
  vs_test_rm_rf (media_dir);
  g_free (media_dir);
  vs_test_rm_rf (home);
  return status;
}
