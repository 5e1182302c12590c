/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-open-with.c: “Open With Other Application…” */
#define G_LOG_DOMAIN "vs-open-with"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-open-with.h"

static void
on_response (GtkDialog *dialog,
             int        response,
             GFile     *file)
{
  g_autoptr(GAppInfo) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkAppLaunchContext) context = NULL;
  GList files = { .data = file };

  if (response == GTK_RESPONSE_OK)
    app = gtk_app_chooser_get_app_info (GTK_APP_CHOOSER (dialog));
  if (app != NULL)
    {
      context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (dialog)));
      if (!g_app_info_launch (app, &files, G_APP_LAUNCH_CONTEXT (context), &error))
        g_warning ("Could not start %s: %s", g_app_info_get_name (app), error->message);
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

void
vs_open_with_other_application (GtkWindow *parent,
                                GFile     *file)
{
  GtkWidget *dialog;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (G_IS_FILE (file));

  /* GtkAppChooserDialog is what GTK 4.8 has (the portal's OpenURI ask=true needs 4.10's
   * GtkFileLauncher); it lists the applications registered for the file's type. */
  dialog = gtk_app_chooser_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                       file);
  gtk_app_chooser_widget_set_show_all (
    GTK_APP_CHOOSER_WIDGET (gtk_app_chooser_dialog_get_widget (GTK_APP_CHOOSER_DIALOG (dialog))),
    TRUE);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_response), g_object_ref (file),
                         (GClosureNotify) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
