/* vs-window.c: the library's count, or an empty state, while folders are (re)scanned */
#define G_LOG_DOMAIN "vs-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-database.h"
#include "vs-scanner.h"
#include "vs-window.h"

struct _VsWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  GtkStack             *stack;
  AdwStatusPage        *empty_page;
  AdwStatusPage        *error_page;
  GtkLabel             *count_label;
  GtkLabel             *count_caption;
  GtkLabel             *roots_label;
  GtkWidget            *progress_box;
  GtkSpinner           *spinner;
  GtkLabel             *progress_label;
  AdwToastOverlay      *toast_overlay;

  /* owned */
  char                 *database_path;
  char                 *default_folder;
  VsDatabase           *writer;
  VsDatabase           *reader;
  VsScanner            *scanner;
  GStrv                 roots;
  GCancellable         *cancellable;       /* the window's lifetime */
  GCancellable         *scan_cancellable;  /* the running scan */

  gint64                video_count;
  gboolean              scanning;
};

G_DEFINE_FINAL_TYPE (VsWindow, vs_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  PROP_DEFAULT_FOLDER,
  PROP_VIDEO_COUNT,
  PROP_SCANNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_scan (VsWindow *self);

typedef struct
{
  char       *database_path;
  char       *default_folder;
  VsDatabase *reader;
  /* results */
  VsDatabase *writer;
  GStrv       roots;
  gint64      count;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *ld = data;

  g_free (ld->database_path);
  g_free (ld->default_folder);
  g_clear_object (&ld->reader);
  g_clear_object (&ld->writer);
  g_strfreev (ld->roots);
  g_free (ld);
}

/* Worker: opens the library (first time only) and counts it. */
static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *ld = task_data;
  GError *error = NULL;
  VsVideoQuery all = { 0 };

  if (ld->reader == NULL)
    {
      ld->writer = vs_database_open (ld->database_path, VS_DATABASE_MODE_WRITER, &error);
      if (ld->writer == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      ld->reader = vs_database_open (ld->database_path, VS_DATABASE_MODE_READER, &error);
      if (ld->reader == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  ld->roots = vs_database_dup_roots (ld->reader, &error);
  if (ld->roots != NULL && ld->roots[0] == NULL && ld->default_folder != NULL &&
      g_file_test (ld->default_folder, G_FILE_TEST_IS_DIR))
    {
      g_strfreev (ld->roots);
      ld->roots = g_strdupv ((char *[]) { ld->default_folder, NULL });
    }
  ld->count = ld->roots != NULL ? vs_database_count_videos (ld->reader, &all, &error) : -1;
  if (ld->count < 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
show_count (VsWindow *self)
{
  g_autofree char *number = g_strdup_printf ("%'" G_GINT64_FORMAT, self->video_count);
  g_autofree char *folders = NULL;

  if (self->video_count == 0)
    {
      g_autofree char *description = NULL;

      if (self->roots != NULL && self->roots[0] != NULL)
        {
          g_autofree char *name = g_filename_display_name (self->roots[0]);

          /* Translators: %s is a folder path */
          description = g_strdup_printf (_("No videos were found in “%s”."), name);
        }
      else
        description = g_strdup (_("Put videos in your Videos folder, then rescan with F5."));
      adw_status_page_set_description (self->empty_page, description);
      gtk_stack_set_visible_child_name (self->stack, self->scanning ? "loading" : "empty");
      return;
    }

  gtk_label_set_label (self->count_label, number);
  gtk_label_set_label (self->count_caption,
                       g_dngettext (GETTEXT_PACKAGE, "video", "videos",
                                    (gulong) MIN (self->video_count, G_MAXULONG)));
  if (self->roots != NULL)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; self->roots[i] != NULL; i++)
        {
          g_autofree char *name = g_filename_display_name (self->roots[i]);

          if (i > 0)
            g_string_append (text, "\n");
          g_string_append (text, name);
        }
      folders = g_string_free (g_steal_pointer (&text), FALSE);
    }
  gtk_label_set_label (self->roots_label, folders != NULL ? folders : "");
  gtk_stack_set_visible_child_name (self->stack, "library");
}

static void
set_scanning (VsWindow *self,
              gboolean  scanning)
{
  if (self->scanning == scanning)
    return;
  self->scanning = scanning;
  gtk_widget_set_visible (self->progress_box, scanning);
  gtk_spinner_set_spinning (self->spinner, scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.rescan", !scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-scan", scanning);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

static void
on_scan_progress (VsWindow *self,
                  guint     folders_done,
                  guint     videos_seen,
                  guint     changes)
{
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "Scanning… %u video",
                                                        "Scanning… %u videos", videos_seen),
                                           videos_seen);

  gtk_label_set_label (self->progress_label, text);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  LoadData *ld = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("%s", error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      set_scanning (self, FALSE);
      return;
    }

  if (ld->writer != NULL)
    {
      g_set_object (&self->writer, ld->writer);
      g_set_object (&self->reader, ld->reader);
      self->scanner = vs_scanner_new (self->writer);
      g_signal_connect_object (self->scanner, "progress", G_CALLBACK (on_scan_progress), self,
                               G_CONNECT_SWAPPED);
    }
  g_strfreev (self->roots);
  self->roots = g_steal_pointer (&ld->roots);
  self->video_count = ld->count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_COUNT]);
  show_count (self);

  /* The first load is followed by a rescan; the one after a scan is not. */
  if (ld->writer != NULL && self->roots[0] != NULL)
    start_scan (self);
}

static void
load (VsWindow *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_loaded, g_object_ref (self));
  LoadData *ld = g_new0 (LoadData, 1);

  ld->database_path = g_strdup (self->database_path);
  ld->default_folder = g_strdup (self->default_folder);
  if (self->reader != NULL)
    ld->reader = g_object_ref (self->reader);
  g_task_set_source_tag (task, load);
  g_task_set_task_data (task, ld, load_data_free);
  g_task_run_in_thread (task, load_thread);
}

static void
on_scanned (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  VsScanSummary summary = { 0 };

  if (!vs_scanner_scan_finish (VS_SCANNER (object), result, &summary, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_warning ("Scan failed: %s", error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
    }
  else if (summary.skipped > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u item could not be read",
                                                            "%u items could not be read",
                                                            summary.skipped),
                                               summary.skipped);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
    }
  g_clear_object (&self->scan_cancellable);
  set_scanning (self, FALSE);
  if (!g_cancellable_is_cancelled (self->cancellable))
    load (self);
}

static void
start_scan (VsWindow *self)
{
  if (self->scanning || self->scanner == NULL || self->roots == NULL || self->roots[0] == NULL)
    return;

  g_clear_object (&self->scan_cancellable);
  self->scan_cancellable = g_cancellable_new ();
  gtk_label_set_label (self->progress_label, _("Scanning…"));
  set_scanning (self, TRUE);
  if (self->video_count == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  vs_scanner_scan_async (self->scanner, (const char * const *) self->roots,
                         self->scan_cancellable, on_scanned, g_object_ref (self));
}

static void
rescan_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  start_scan (VS_WINDOW (widget));
}

static void
cancel_scan_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);

  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
}

static void
vs_window_constructed (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);

  G_OBJECT_CLASS (vs_window_parent_class)->constructed (object);

  if (self->database_path == NULL)
    self->database_path = vs_database_default_path ();
  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-scan", FALSE);
  load (self);
}

static void
vs_window_dispose (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_WINDOW);

  G_OBJECT_CLASS (vs_window_parent_class)->dispose (object);
}

static void
vs_window_finalize (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);

  g_clear_object (&self->scanner);
  g_clear_object (&self->writer);
  g_clear_object (&self->reader);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->scan_cancellable);
  g_clear_pointer (&self->roots, g_strfreev);
  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->default_folder, g_free);

  G_OBJECT_CLASS (vs_window_parent_class)->finalize (object);
}

static void
vs_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VsWindow *self = VS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_value_set_string (value, self->database_path);
      break;
    case PROP_DEFAULT_FOLDER:
      g_value_set_string (value, self->default_folder);
      break;
    case PROP_VIDEO_COUNT:
      g_value_set_int64 (value, self->video_count);
      break;
    case PROP_SCANNING:
      g_value_set_boolean (value, self->scanning);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VsWindow *self = VS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      self->database_path = g_value_dup_string (value);
      break;
    case PROP_DEFAULT_FOLDER:
      self->default_folder = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_window_class_init (VsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vs_window_constructed;
  object_class->dispose = vs_window_dispose;
  object_class->finalize = vs_window_finalize;
  object_class->get_property = vs_window_get_property;
  object_class->set_property = vs_window_set_property;

  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFAULT_FOLDER] =
    g_param_spec_string ("default-folder", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIDEO_COUNT] =
    g_param_spec_int64 ("video-count", NULL, NULL, -1, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCANNING] =
    g_param_spec_boolean ("scanning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/vs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, count_caption);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, roots_label);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, toast_overlay);

  gtk_widget_class_install_action (widget_class, "win.rescan", NULL, rescan_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-scan", NULL, cancel_scan_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.rescan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.rescan", NULL);
}

static void
vs_window_init (VsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (self, "notify::scanning", G_CALLBACK (show_count), self,
                           G_CONNECT_SWAPPED);
}

VsWindow *
vs_window_new (GtkApplication *application,
               const char     *database_path,
               const char     *default_folder)
{
  return g_object_new (VS_TYPE_WINDOW,
                       "application", application,
                       "database-path", database_path,
                       "default-folder", default_folder,
                       NULL);
}

gint64
vs_window_get_video_count (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), -1);
  return self->video_count;
}

gboolean
vs_window_get_scanning (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), FALSE);
  return self->scanning;
}
