/* vs-window.c: the library grid, search, sort, scanning and media in the background */
#define G_LOG_DOMAIN "vs-window"

#include "config.h"

#include <malloc.h>

#include <glib/gi18n.h>

#include "vs-bench.h"
#include "vs-file-manager.h"
#include "vs-format.h"
#include "vs-media-service.h"
#include "vs-merge-dialog.h"
#include "vs-open-with.h"
#include "vs-player-window.h"
#include "vs-preferences-window.h"
#include "vs-library-watcher.h"
#include "vs-scanner.h"
#include "vs-sidebar.h"
#include "vs-texture-cache.h"
#include "vs-toast.h"
#include "vs-trash.h"
#include "vs-video-cell.h"
#include "vs-window.h"

/* While a scan runs, new videos reach the grid this often. */
#define REFRESH_DURING_SCAN_MS 1000

struct _VsWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwWindowTitle       *window_title;
  AdwFlap              *flap;
  VsSidebar            *sidebar;
  GtkStack             *stack;
  AdwStatusPage        *empty_page;
  AdwStatusPage        *error_page;
  GtkGridView          *grid;
  GtkScrolledWindow    *scroller;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkToggleButton      *search_button;
  GtkWidget            *progress_box;
  GtkSpinner           *spinner;
  GtkLabel             *progress_label;
  AdwToastOverlay      *toast_overlay;
  GMenuModel           *item_menu;

  /* owned */
  char                 *database_path;
  char                 *default_folder;
  GSettings            *settings;
  VsDatabase           *writer;
  VsDatabase           *reader;
  VsScanner            *scanner;
  VsLibraryWatcher     *watcher;
  VsMediaService       *media;
  VsTextureCache       *textures;
  VsLibraryModel       *model;
  GStrv                 roots;
  GPtrArray            *pending_folders;   /* asked for (vidshelf FOLDER) until scanned */
  GStrv                 present_roots;     /* at start, the roots that were there */
  GCancellable         *cancellable;       /* the window's lifetime */
  GCancellable         *scan_cancellable;  /* the running scan */
  VsVideo              *menu_video;        /* what the context menu acts on */
  guint                 menu_position;     /* and where it is in the view */
  GHashTable           *trashed;           /* undo: serial → VsTrash, the newest few */
  guint                 trash_serial;

  guint                 refresh_id;
  guint                 rest_id;           /* the view came to rest: trim caches */
  guint                 columns_id;
  guint                 startup_scan_id;
  gulong                paint_id;
  GdkFrameClock        *paint_clock;       /* while the start-up scan waits for a paint */
  gint64                last_probe_refresh;
  gboolean              scanning;
  char                 *added_folder;      /* given to add: shown once scanned */
  gboolean              opened;            /* the library is open */
  gboolean              probing;           /* a media update runs */
  gboolean              probe_again;       /* files settled meanwhile */
  gboolean              folders_changed;   /* the watcher added or removed folders */
};

G_DEFINE_FINAL_TYPE (VsWindow, vs_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  PROP_DEFAULT_FOLDER,
  PROP_SCANNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_scan (VsWindow *self);
static void scan_pending_folders (VsWindow *self);
static void watch_roots (VsWindow *self);

/* Which page the stack shows follows from the state; one place decides. */
static void
update_page (VsWindow *self)
{
  guint n = self->model ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *subtitle = NULL;

  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "error"))
    return;
  if (n > 0)
    gtk_stack_set_visible_child_name (self->stack, "grid");
  else if (search[0] != '\0' && self->opened)
    gtk_stack_set_visible_child_name (self->stack, "no-results");
  else if (!self->opened || vs_window_get_scanning (self) || vs_library_model_get_busy (self->model))
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");

  if (self->opened && n > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u video", "%'u videos", n), n);
  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
}

static void
apply_query (VsWindow *self)
{
  g_autofree char *sort = g_settings_get_string (self->settings, "sort-key");
  VsVideoQuery query = { 0 };

  if (self->model == NULL)
    return;
  vs_sort_key_from_string (sort, &query.sort);
  query.descending = g_settings_get_boolean (self->settings, "sort-descending");
  query.search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  query.folder = vs_sidebar_get_folder (self->sidebar);
  query.recursive = vs_sidebar_get_recursive (self->sidebar);
  vs_library_model_set_query (self->model, &query);
}

/* Memory at rest ------------------------------------------------------------ */

/* Once the view is at rest, the texture cache keeps only what cells show: a fast scroll may
 * fill the whole budget, an idle window needs none of it (cells GTK keeps around the view
 * hold theirs). */
#define REST_DELAY_MS        500
#define REST_TEXTURE_BYTES   0
/* The picture's box in a cell (vs-video-cell.ui). */
#define THUMBNAIL_WIDTH      224
#define THUMBNAIL_HEIGHT     126
#define MAX_COLUMNS          12

static gboolean
on_rest (gpointer user_data)
{
  VsWindow *self = user_data;

  self->rest_id = 0;
  if (self->textures != NULL)
    vs_texture_cache_trim (self->textures, REST_TEXTURE_BYTES);
  if (self->reader != NULL)
    vs_database_release_memory (self->reader);
  if (self->writer != NULL && !self->scanning)
    vs_database_release_memory (self->writer);
  /* Hand what was freed back to the system: the heap is full of holes after a scroll. */
  malloc_trim (0);
  return G_SOURCE_REMOVE;
}

/* Called on every movement: the trim runs once things have been still for a moment. */
static void
schedule_rest (VsWindow *self)
{
  g_clear_handle_id (&self->rest_id, g_source_remove);
  self->rest_id = g_timeout_add (REST_DELAY_MS, on_rest, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->rest_id),
                            "[vs-window] rest");
}

static void
update_decode_size (VsWindow *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  if (self->textures != NULL)
    vs_texture_cache_set_decode_size (self->textures, THUMBNAIL_WIDTH * scale,
                                      THUMBNAIL_HEIGHT * scale);
}

/* GtkGridView keeps 30 rows of max-columns cells alive: with max-columns at what fits, it
 * makes (and binds, and keeps thumbnails for) no cell that could never be on screen. */
static void
set_columns (VsWindow *self,
             int       width,
             int       cell_width)
{
  guint columns;

  if (width <= 0 || cell_width <= 0)
    return;
  columns = CLAMP ((guint) (width / cell_width), 1, MAX_COLUMNS);
  if (columns != gtk_grid_view_get_max_columns (self->grid))
    gtk_grid_view_set_max_columns (self->grid, columns);
}

static gboolean
update_columns (gpointer user_data)
{
  VsWindow *self = user_data;
  GtkAdjustment *hadj = gtk_scrolled_window_get_hadjustment (self->scroller);
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->grid));
  int cell_width = 0;

  self->columns_id = 0;
  /* GtkGridView's own rule: columns as wide as a child's minimum (they are all alike) */
  while (child != NULL && !gtk_widget_get_visible (child))
    child = gtk_widget_get_next_sibling (child);
  if (child != NULL)
    gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &cell_width, NULL, NULL, NULL);
  set_columns (self, (int) gtk_adjustment_get_page_size (hadj), cell_width);
  return G_SOURCE_REMOVE;
}

/* Before the grid is first allocated: as many columns as cells fit across the stack, or
 * across the window less the sidebar. Never fewer than will fit (the cell is measured
 * without the grid's padding), so the first frame is laid out right; update_columns()
 * makes it exact after that frame. */
static void
estimate_columns (VsWindow *self)
{
  g_autoptr(GtkWidget) cell = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (self->stack));
  int height = 0;
  int cell_width = 0;

  if (width <= 0)
    {
      /* Not allocated yet: the window's size, less the sidebar when it is shown */
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      if (adw_flap_get_reveal_flap (self->flap) && adw_flap_get_flap (self->flap) != NULL)
        {
          int sidebar = 0;

          gtk_widget_measure (adw_flap_get_flap (self->flap), GTK_ORIENTATION_HORIZONTAL, -1,
                              NULL, &sidebar, NULL, NULL);
          if (width - sidebar >= THUMBNAIL_WIDTH)
            width -= sidebar;
        }
    }
  cell = g_object_ref_sink (GTK_WIDGET (vs_video_cell_new (self->textures)));
  gtk_widget_measure (cell, GTK_ORIENTATION_HORIZONTAL, -1, &cell_width, NULL, NULL, NULL);
  set_columns (self, width, MAX (cell_width, THUMBNAIL_WIDTH));
}

/* The width is known during the grid's size allocation, which must not be changed from
 * inside: decide right after it. */
static void
schedule_columns (VsWindow *self)
{
  if (self->columns_id == 0)
    self->columns_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_columns, self, NULL);
}

/* Opening the library ---------------------------------------------------- */

typedef struct
{
  char       *database_path;
  char       *default_folder;
  VsDatabase *writer;
  VsDatabase *reader;
  GStrv       roots;
  GStrv       present;     /* the roots there now: a missing one would fail the scan */
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *od = data;

  g_free (od->database_path);
  g_free (od->default_folder);
  g_clear_object (&od->writer);
  g_clear_object (&od->reader);
  g_strfreev (od->roots);
  g_strfreev (od->present);
  g_free (od);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *od = task_data;
  GError *error = NULL;

  od->writer = vs_database_open (od->database_path, VS_DATABASE_MODE_WRITER, &error);
  if (od->writer != NULL)
    od->reader = vs_database_open (od->database_path, VS_DATABASE_MODE_READER, &error);
  if (od->reader != NULL)
    od->roots = vs_database_dup_roots (od->reader, &error);
  if (od->roots == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* First start: the Videos folder, when there is one. */
  if (od->roots[0] == NULL && od->default_folder != NULL &&
      g_file_test (od->default_folder, G_FILE_TEST_IS_DIR))
    {
      g_strfreev (od->roots);
      od->roots = g_strdupv ((char *[]) { od->default_folder, NULL });
    }
  {
    g_autoptr(GStrvBuilder) present = g_strv_builder_new ();

    for (guint i = 0; od->roots[i] != NULL; i++)
      if (g_file_test (od->roots[i], G_FILE_TEST_IS_DIR))
        g_strv_builder_add (present, od->roots[i]);
    od->present = g_strv_builder_end (present);
  }
  g_task_return_boolean (task, TRUE);
}

static void on_scan_progress (VsWindow *self,
                              guint     folders_done,
                              guint     videos_seen,
                              guint     changes);
static void on_media_progress (VsWindow *self,
                               guint     done,
                               guint     total);
static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            VsWindow                 *self);
static void bind_cell   (GtkSignalListItemFactory *factory,
                         GtkListItem              *item,
                         VsWindow                 *self);
static void unbind_cell (GtkSignalListItemFactory *factory,
                         GtkListItem              *item,
                         VsWindow                 *self);

/* The start-up rescan waits for the grid: on two cores its directory walk would otherwise
 * take the CPU the first frames need. A library still empty scans at once. */
#define STARTUP_SCAN_DELAY_MS 300

static gboolean
on_startup_scan (gpointer user_data)
{
  VsWindow *self = user_data;

  self->startup_scan_id = 0;
  if (!self->scanning)
    start_scan (self);
  return G_SOURCE_REMOVE;
}

static void
stop_waiting_for_paint (VsWindow *self)
{
  /* A disposed clock has dropped its handlers already */
  if (self->paint_clock != NULL &&
      g_signal_handler_is_connected (self->paint_clock, self->paint_id))
    g_signal_handler_disconnect (self->paint_clock, self->paint_id);
  self->paint_id = 0;
  g_clear_object (&self->paint_clock);
}

static void
on_after_paint (GdkFrameClock *clock,
                VsWindow      *self)
{
  guint n;

  /* Painted with the first snapshot of the library in: the grid, or nothing to show */
  if (vs_library_model_get_busy (self->model))
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  stop_waiting_for_paint (self);
  self->startup_scan_id = g_timeout_add (n > 0 ? STARTUP_SCAN_DELAY_MS : 0, on_startup_scan,
                                         self);
}

static void
start_scan_after_first_paint (VsWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL)
    {
      start_scan (self);
      return;
    }
  self->paint_clock = g_object_ref (clock);
  self->paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), self);
}

static void
on_opened (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  OpenData *od = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkSingleSelection) selection = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("%s", error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  self->writer = g_steal_pointer (&od->writer);
  self->reader = g_steal_pointer (&od->reader);
  self->roots = g_steal_pointer (&od->roots);
  self->present_roots = g_steal_pointer (&od->present);
  self->scanner = vs_scanner_new (self->writer);
  self->media = vs_media_service_new (g_settings_get_uint (self->settings, "workers"), 0);
  self->textures = vs_texture_cache_new (self->media,
                                         (gsize) g_settings_get_uint (self->settings,
                                                                      "texture-cache-mb") << 20);
  update_decode_size (self);
  self->model = vs_library_model_new (self->reader);
  self->opened = TRUE;
  g_signal_connect_object (self->media, "update-progress", G_CALLBACK (on_media_progress), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->scanner, "progress", G_CALLBACK (on_scan_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::n-items", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::busy", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_cell), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cell), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_cell), self, 0);
  selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->model)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_grid_view_set_factory (self->grid, factory);
  estimate_columns (self);
  gtk_grid_view_set_model (self->grid, GTK_SELECTION_MODEL (selection));

  vs_sidebar_set_database (self->sidebar, self->reader);
  apply_query (self);
  update_page (self);
  vs_bench_attach (GTK_WINDOW (self), self->scroller, G_LIST_MODEL (self->model),
                   G_OBJECT (self->textures));
  if (self->pending_folders->len > 0)
    {
      /* Opened with folders to add: those and the rescan of the roots there, at once */
      for (guint i = 0; self->present_roots[i] != NULL; i++)
        g_ptr_array_add (self->pending_folders, g_strdup (self->present_roots[i]));
      scan_pending_folders (self);
    }
  else if (self->present_roots[0] != NULL)
    start_scan_after_first_paint (self);
  else
    watch_roots (self);   /* every root missing: the watcher says so and looks for them */
}

static void
open_library (VsWindow *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_opened, g_object_ref (self));
  OpenData *od = g_new0 (OpenData, 1);

  od->database_path = g_strdup (self->database_path);
  od->default_folder = g_strdup (self->default_folder);
  g_task_set_source_tag (task, open_library);
  g_task_set_task_data (task, od, open_data_free);
  g_task_run_in_thread (task, open_thread);
}

/* Scanning and media ----------------------------------------------------- */

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
  update_page (self);
  if (!scanning)
    schedule_rest (self);
}

static gboolean
refresh_during_scan (gpointer user_data)
{
  VsWindow *self = user_data;

  vs_library_model_refresh (self->model);
  return G_SOURCE_CONTINUE;
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

/* Durations reach the grid as the probes come in, a second apart at most. */
static void
on_media_progress (VsWindow *self,
                   guint     done,
                   guint     total)
{
  gint64 now = g_get_monotonic_time ();

  if (now - self->last_probe_refresh < G_USEC_PER_SEC && done < total)
    return;
  self->last_probe_refresh = now;
  vs_library_model_refresh (self->model);
}

static void update_media (VsWindow *self);

static void
on_media_updated (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->probing = FALSE;
  if (!vs_media_service_update_finish (VS_MEDIA_SERVICE (object), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Probing failed: %s", error->message);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  vs_library_model_refresh (self->model);
  if (self->probe_again)
    update_media (self);
}

/* Durations and sizes of new files, in the background; thumbnails come per cell. One
 * update at a time: files that settle meanwhile wait for the next. */
static void
update_media (VsWindow *self)
{
  if (self->probing)
    {
      self->probe_again = TRUE;
      return;
    }
  self->probing = TRUE;
  self->probe_again = FALSE;
  vs_media_service_update_async (self->media, self->writer, self->reader, VS_UPDATE_PROBE,
                                 VS_THUMBNAIL_SIZE_LARGE, self->cancellable,
                                 on_media_updated, g_object_ref (self));
}

/* Live library ------------------------------------------------------------ */

/* The library folder holding @path while it is unavailable (unmounted, removed), or NULL. */
static const char *
unavailable_root (VsWindow   *self,
                  const char *path)
{
  if (path == NULL || self->watcher == NULL)
    return NULL;
  return vs_library_watcher_get_unavailable_root (self->watcher, path);
}

static void
update_cell_availability (VsWindow    *self,
                          VsVideoCell *cell)
{
  VsVideo *video = vs_video_cell_get_video (cell);

  vs_video_cell_set_unavailable (cell, video != NULL &&
                                 unavailable_root (self, vs_video_get_path (video)) != NULL);
}

/* The cells GTK keeps are few (rows × columns), so walking them is cheap. */
static void
update_cells_availability (VsWindow  *self,
                           GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (VS_IS_VIDEO_CELL (child))
        update_cell_availability (self, VS_VIDEO_CELL (child));
      else
        update_cells_availability (self, child);
    }
}

static void
on_root_state (VsWindow   *self,
               const char *root,
               int         state)
{
  guint minutes = MAX (1, vs_library_watcher_get_poll_interval (self->watcher) / 60);
  g_autofree char *text = NULL;

  switch ((VsRootState) state)
    {
    case VS_ROOT_STATE_WATCHING:
      text = g_strdup (_("Watching for changes"));
      break;
    case VS_ROOT_STATE_POLLING:
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Checked every minute",
                                           "Checked every %u minutes", minutes), minutes);
      break;
    case VS_ROOT_STATE_UNAVAILABLE:
      text = g_strdup (_("Unavailable"));
      break;
    case VS_ROOT_STATE_STARTING:
    default:
      break;
    }
  vs_sidebar_set_root_status (self->sidebar, root, text);
  update_cells_availability (self, GTK_WIDGET (self->grid));
}

static void
on_watched_changes (VsWindow *self,
                    guint     n_changes)
{
  vs_library_model_refresh (self->model);
  if (self->folders_changed)
    vs_sidebar_reload (self->sidebar);
  self->folders_changed = FALSE;
}

static void
on_folder_changed (VsWindow           *self,
                   const VsScanChange *change)
{
  /* The sidebar reloads once, when the batch is done. */
  self->folders_changed |= change->kind == VS_SCAN_CHANGE_FOLDER_ADDED ||
                           change->kind == VS_SCAN_CHANGE_FOLDER_REMOVED ||
                           change->kind == VS_SCAN_CHANGE_MOVED;
}

static void
on_settled (VsWindow   *self,
            const char *path)
{
  update_media (self);
}

/* After the first scan: from then on the watcher keeps the index current. */
static void
watch_roots (VsWindow *self)
{
  if (self->watcher == NULL)
    {
      self->watcher = vs_library_watcher_new (self->writer);
      g_signal_connect_object (self->watcher, "root-state-changed", G_CALLBACK (on_root_state),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "batch-done", G_CALLBACK (on_watched_changes),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "changed", G_CALLBACK (on_folder_changed),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->watcher, "settled", G_CALLBACK (on_settled),
                               self, G_CONNECT_SWAPPED);
    }
  if (self->roots != NULL)
    vs_library_watcher_set_roots (self->watcher, (const char * const *) self->roots);
}

static void
show_toast (VsWindow   *self,
            const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, vs_toast_new_plain (text));
}

static void
on_scanned (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  VsScanSummary summary = { 0 };
  gboolean ok;

  ok = vs_scanner_scan_finish (VS_SCANNER (object), result, &summary, &error);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->scan_cancellable);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_warning ("Scan failed: %s", error->message);
      show_toast (self, error->message);
    }
  else if (summary.skipped > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u item could not be read",
                                                            "%u items could not be read",
                                                            summary.skipped),
                                               summary.skipped);

      show_toast (self, text);
    }
  set_scanning (self, FALSE);
  vs_library_model_refresh (self->model);
  if (ok && self->added_folder != NULL)
    {
      vs_sidebar_reload_selecting (self->sidebar, self->added_folder);
      show_toast (self, _("Folder added to the library"));
    }
  else
    vs_sidebar_reload (self->sidebar);
  g_clear_pointer (&self->added_folder, g_free);
  g_strfreev (self->roots);
  self->roots = vs_database_dup_roots (self->reader, NULL);
  scan_pending_folders (self);
  watch_roots (self);
  update_media (self);
}

static void
scan_folders (VsWindow           *self,
              const char * const *folders)
{
  if (self->scanning || self->scanner == NULL || folders == NULL || folders[0] == NULL)
    return;

  self->scan_cancellable = g_cancellable_new ();
  gtk_label_set_label (self->progress_label, _("Scanning…"));
  set_scanning (self, TRUE);
  self->refresh_id = g_timeout_add (REFRESH_DURING_SCAN_MS, refresh_during_scan, self);
  vs_scanner_scan_async (self->scanner, folders, self->scan_cancellable, on_scanned,
                         g_object_ref (self));
}

static void
start_scan (VsWindow *self)
{
  g_autoptr(GStrvBuilder) present = g_strv_builder_new ();
  g_auto(GStrv) folders = NULL;

  /* An unavailable root is the watcher's to look for: scanning it would fail them all. */
  if (self->watcher == NULL)
    {
      scan_folders (self, (const char * const *) self->present_roots);
      return;
    }
  for (guint i = 0; self->roots != NULL && self->roots[i] != NULL; i++)
    if (vs_library_watcher_get_root_state (self->watcher, self->roots[i]) != VS_ROOT_STATE_UNAVAILABLE)
      g_strv_builder_add (present, self->roots[i]);
  folders = g_strv_builder_end (present);
  scan_folders (self, (const char * const *) folders);
}

/* Folders given on the command line wait for the library and for any running scan. */
static void
scan_pending_folders (VsWindow *self)
{
  if (self->pending_folders->len == 0 || self->scanning || self->scanner == NULL)
    return;
  g_ptr_array_add (self->pending_folders, NULL);
  scan_folders (self, (const char * const *) self->pending_folders->pdata);
  g_free (self->added_folder);
  self->added_folder = g_strdup (g_ptr_array_index (self->pending_folders, 0));
  g_ptr_array_set_size (self->pending_folders, 0);
}

/* Cells ------------------------------------------------------------------ */

/* GTK 4.8 emits ::closed before the chosen item's action is activated: unparented at
 * once, the popover would lose the window's actions and the menu would do nothing. */
static gboolean
unparent_popover_idle (gpointer data)
{
  GtkWidget *popover = data;

  if (gtk_widget_get_parent (popover) != NULL)
    gtk_widget_unparent (popover);
  return G_SOURCE_REMOVE;
}

static void
on_popover_closed (GtkWidget *popover)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, unparent_popover_idle, g_object_ref (popover),
                   g_object_unref);
}

/* The context menu and the keyboard act on this cell's video. */
static gboolean
set_menu_target (VsWindow  *self,
                 GtkWidget *cell)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (cell), "vs-list-item");
  VsVideo *video = vs_video_cell_get_video (VS_VIDEO_CELL (cell));

  if (item == NULL || video == NULL || vs_video_get_loading (video))
    return FALSE;
  g_set_object (&self->menu_video, video);
  self->menu_position = gtk_list_item_get_position (item);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.merge", vs_video_get_is_hls (video));
  return TRUE;
}

static void
popup_menu (VsWindow  *self,
            GtkWidget *cell,
            double     x,
            double     y)
{
  GtkSelectionModel *selection = gtk_grid_view_get_model (self->grid);
  GtkWidget *popover;

  if (!set_menu_target (self, cell))
    return;
  /* as in Files: the item the menu is for is the selected one */
  gtk_selection_model_select_item (selection, self->menu_position, TRUE);
  popover = gtk_popover_menu_new_from_model (self->item_menu);
  gtk_widget_set_parent (popover, cell);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  g_signal_connect (popover, "closed", G_CALLBACK (on_popover_closed), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
}

/* A right-click or a long press on a cell: its menu, where the pointer is. */
static void
popup_at_gesture (GtkGesture *gesture,
                  double      x,
                  double      y)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  popup_menu (VS_WINDOW (gtk_widget_get_root (cell)), cell, x, y);
  gtk_gesture_set_state (gesture, GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_cell_menu (GtkGestureClick *gesture,
              int              n_press,
              double           x,
              double           y,
              gpointer         user_data)
{
  popup_at_gesture (GTK_GESTURE (gesture), x, y);
}

static void
on_cell_long_press (GtkGestureLongPress *gesture,
                    double               x,
                    double               y,
                    gpointer             user_data)
{
  popup_at_gesture (GTK_GESTURE (gesture), x, y);
}

/* The cell that has the keyboard focus (it sits in the grid's focusable item widget). */
static GtkWidget *
focused_cell (VsWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  for (GtkWidget *w = focus; w != NULL && w != GTK_WIDGET (self->grid); w = gtk_widget_get_parent (w))
    {
      GtkWidget *child = gtk_widget_get_first_child (w);

      if (VS_IS_VIDEO_CELL (w))
        return w;
      if (child != NULL && VS_IS_VIDEO_CELL (child))
        return child;
    }
  return NULL;
}

static gboolean
menu_key (GtkWidget *widget,
          GVariant  *args,
          gpointer   user_data)
{
  VsWindow *self = VS_WINDOW (gtk_widget_get_root (widget));
  GtkWidget *cell = focused_cell (self);

  if (cell == NULL)
    return FALSE;
  popup_menu (self, cell, gtk_widget_get_width (cell) / 2.0, gtk_widget_get_height (cell) / 2.0);
  return TRUE;
}

/* Delete and Alt+Return act on the focused item, as the menu would. */
static gboolean
item_key (GtkWidget *widget,
          GVariant  *args,
          gpointer   user_data)
{
  VsWindow *self = VS_WINDOW (gtk_widget_get_root (widget));
  GtkWidget *cell = focused_cell (self);

  if (cell == NULL || !set_menu_target (self, cell))
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), user_data, NULL);
  return TRUE;
}

static void
add_grid_shortcuts (VsWindow *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  const struct {
    guint            key;
    GdkModifierType  mods;
    GtkShortcutFunc  func;
    const char      *action;
  } keys[] = {
    { GDK_KEY_Menu, 0, menu_key, NULL },
    { GDK_KEY_F10, GDK_SHIFT_MASK, menu_key, NULL },
    { GDK_KEY_Delete, 0, item_key, "win.trash" },
    { GDK_KEY_KP_Delete, 0, item_key, "win.trash" },
    { GDK_KEY_Return, GDK_ALT_MASK, item_key, "win.properties" },
    { GDK_KEY_KP_Enter, GDK_ALT_MASK, item_key, "win.properties" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
      gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, keys[i].mods),
                        gtk_callback_action_new (keys[i].func, (gpointer) keys[i].action, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self->grid), shortcuts);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            VsWindow                 *self)
{
  VsVideoCell *cell = vs_video_cell_new (self->textures);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *long_press = gtk_gesture_long_press_new ();

  /* the item is the cell's for its life: it tells the position */
  g_object_set_data (G_OBJECT (cell), "vs-list-item", item);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_cell_menu), NULL);
  gtk_widget_add_controller (GTK_WIDGET (cell), GTK_EVENT_CONTROLLER (click));
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (on_cell_long_press), NULL);
  gtk_widget_add_controller (GTK_WIDGET (cell), GTK_EVENT_CONTROLLER (long_press));
  gtk_list_item_set_child (item, GTK_WIDGET (cell));
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           VsWindow                 *self)
{
  VsVideoCell *cell = VS_VIDEO_CELL (gtk_list_item_get_child (item));

  vs_video_cell_set_video (cell, gtk_list_item_get_item (item));
  update_cell_availability (self, cell);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             VsWindow                 *self)
{
  vs_video_cell_set_video (VS_VIDEO_CELL (gtk_list_item_get_child (item)), NULL);
}

/* Plays the item at @position in the player, which walks the grid's current view. */
static void
play_at (VsWindow *self,
         guint     position)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(VsVideo) video = NULL;
  VsPlayerWindow *player;
  const char *root;

  if (self->model == NULL || position >= g_list_model_get_n_items (G_LIST_MODEL (self->model)))
    return;
  video = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  root = unavailable_root (self, video != NULL ? vs_video_get_path (video) : NULL);
  if (root != NULL)
    {
      g_autofree char *name = g_filename_display_basename (root);
      g_autofree char *text = g_strdup_printf (
        _("“%s” is not available: connect it again to play its videos"), name);

      show_toast (self, text);
      return;
    }
  player = vs_player_window_get_default (app, self->database_path);
  vs_player_window_set_library_roots (player, (const char * const *) self->roots);
  vs_player_window_play_in_list (player, G_LIST_MODEL (self->model), position);
  gtk_window_present (GTK_WINDOW (player));
}

static void
on_grid_activate (GtkGridView *grid,
                  guint        position,
                  VsWindow    *self)
{
  play_at (self, position);
}

/* Actions ---------------------------------------------------------------- */

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
on_folder_chosen (GtkNativeDialog *dialog,
                  int              response,
                  VsWindow        *self)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (folder == NULL || (path = g_file_get_path (folder)) == NULL)
    return;
  scan_folders (self, (const char *[]) { path, NULL });
}

static void
add_folder_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  GtkFileChooserNative *chooser;

  /* A portal dialog under Flatpak; GtkFileDialog arrives only in GTK 4.10. */
  chooser = gtk_file_chooser_native_new (_("Add Folder to Library"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Add"), NULL);
  if (self->default_folder != NULL)
    {
      g_autoptr(GFile) videos = g_file_new_for_path (self->default_folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), videos, NULL);
    }
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_folder_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);

  play_at (self, self->menu_position);
}

/* The file of the context menu's item (an HLS item's playlist), or NULL. */
static GFile *
menu_file (VsWindow *self)
{
  if (self->menu_video == NULL || vs_video_get_uri (self->menu_video) == NULL)
    return NULL;
  return g_file_new_for_uri (vs_video_get_uri (self->menu_video));
}

static void
open_with_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  g_autoptr(GFile) file = menu_file (self);

  if (file != NULL)
    vs_open_with_other_application (GTK_WINDOW (self), file);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  g_autoptr(GFile) file = menu_file (self);
  g_autofree char *path = NULL;

  if (file == NULL)
    return;
  /* An HLS item is its folder (the URI is its playlist's): show that folder. */
  if (vs_video_get_is_hls (self->menu_video))
    {
      g_autoptr(GFile) folder = g_file_get_parent (file);

      if (folder != NULL)
        g_set_object (&file, folder);
    }
  path = g_file_get_path (file);
  if (path != NULL)
    vs_show_in_file_manager (GTK_WINDOW (self), path);
}

/* Moving to the trash and back goes through the guarded core module (VsTrash): an HLS
 * item is its playlist and the files it names, its folder only when nothing else is in
 * it and it is not a library folder; undo puts back exactly what went. */
#define UNDO_KEPT 16

typedef struct
{
  char   *path;
  GStrv   roots;
} TrashJob;

static void
trash_job_free (TrashJob *job)
{
  g_free (job->path);
  g_strfreev (job->roots);
  g_free (job);
}

static void
trash_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TrashJob *job = task_data;
  g_autoptr(VsTrash) trash = NULL;
  GError *error = NULL;

  trash = vs_trash_new_for_item (job->path, (const char * const *) job->roots, cancellable, &error);
  if (trash == NULL || !vs_trash_run (trash, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&trash), g_object_unref);
}

static void
on_trashed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  VsWindow *self = VS_WINDOW (object);
  g_autofree char *title = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsTrash) trash = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *text = NULL;
  AdwToast *toast;
  guint serial;

  if (trash == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("“%s” could not be moved to the trash: %s"), title,
                              error->message);
      show_toast (self, text);
      return;
    }
  /* The next scan would notice; the grid should not wait for it. */
  start_scan (self);
  serial = ++self->trash_serial;
  g_hash_table_insert (self->trashed, GUINT_TO_POINTER (serial), g_object_ref (trash));
  g_hash_table_remove (self->trashed, GUINT_TO_POINTER (serial - UNDO_KEPT));
  text = g_strdup_printf (_("“%s” moved to the trash"), title);
  toast = vs_toast_new_plain (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-trash");
  adw_toast_set_action_target_value (toast, g_variant_new_uint32 (serial));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_restored (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vs_trash_restore_finish (VS_TRASH (object), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("Could not restore from the trash: %s"), error->message);
      show_toast (self, text);
      return;
    }
  start_scan (self);
}

static void
undo_trash_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  gpointer key = GUINT_TO_POINTER (g_variant_get_uint32 (parameter));
  g_autoptr(VsTrash) trash = NULL;

  if (!g_hash_table_steal_extended (self->trashed, key, NULL, (gpointer *) &trash))
    return;
  vs_trash_restore_async (trash, self->cancellable, on_restored, g_object_ref (self));
}

static void
trash_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  g_autoptr(GTask) task = NULL;
  const VsVideoRecord *r;
  TrashJob *job;

  if (self->menu_video == NULL || (r = vs_video_get_record (self->menu_video)) == NULL)
    return;
  job = g_new0 (TrashJob, 1);
  job->path = g_strdup (r->path);
  job->roots = g_strdupv (self->roots);
  task = g_task_new (self, self->cancellable, on_trashed,
                     g_strdup (vs_video_get_title (self->menu_video)));
  g_task_set_source_tag (task, trash_action);
  g_task_set_task_data (task, job, (GDestroyNotify) trash_job_free);
  g_task_run_in_thread (task, trash_thread);
}

static void
on_merged (VsWindow   *self,
           const char *output,
           const char *warning)
{
  g_autofree char *base = g_path_get_basename (output);
  g_autofree char *display = g_filename_display_name (base);
  g_autofree char *text = NULL;
  AdwToast *toast;

  text = warning ? g_strdup (warning) : g_strdup_printf (_("Merged into “%s”"), display);
  toast = vs_toast_new_plain (text);
  adw_toast_set_button_label (toast, _("_Show"));
  adw_toast_set_action_name (toast, "win.show-file");
  adw_toast_set_action_target_value (toast, g_variant_new_bytestring (output));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  /* the MP4 appears, a trashed HLS item goes */
  start_scan (self);
}

static void
merge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  g_autoptr(GFile) file = menu_file (self);
  g_autofree char *path = NULL;
  VsMergeDialog *dialog;

  if (file == NULL || !vs_video_get_is_hls (self->menu_video))
    return;
  if ((path = g_file_get_path (file)) == NULL)
    return;
  dialog = vs_merge_dialog_new (GTK_WINDOW (self), path);
  vs_merge_dialog_set_library_roots (dialog, (const char * const *) self->roots);
  g_signal_connect_object (dialog, "merged", G_CALLBACK (on_merged), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  vs_show_in_file_manager (GTK_WINDOW (widget), g_variant_get_bytestring (parameter));
}

static void
add_property_row (AdwPreferencesGroup *group,
                  const char          *title,
                  const char          *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value && value[0] ? value : "—");
  adw_preferences_group_add (group, row);
}

static void
properties_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  const VsVideoRecord *r;
  AdwPreferencesWindow *dialog;
  AdwPreferencesPage *page;
  AdwPreferencesGroup *group;
  g_autofree char *path = NULL, *size = NULL, *mtime = NULL, *ctime = NULL;
  g_autofree char *duration = NULL, *resolution = NULL;
  g_autoptr(GDateTime) modified = NULL;
  g_autoptr(GDateTime) created = NULL;

  if (self->menu_video == NULL || (r = vs_video_get_record (self->menu_video)) == NULL)
    return;

  path = g_filename_display_name (r->path);
  size = g_format_size_full (r->size, G_FORMAT_SIZE_LONG_FORMAT);
  modified = g_date_time_new_from_unix_local (r->mtime_ns / 1000000000);
  mtime = modified ? g_date_time_format (modified, "%c") : NULL;
  created = r->btime_ns ? g_date_time_new_from_unix_local (r->btime_ns / 1000000000) : NULL;
  ctime = created ? g_date_time_format (created, "%c") : NULL;
  duration = r->duration_ms >= 0 ? vs_format_duration (r->duration_ms) : NULL;
  resolution = r->width > 0 ? g_strdup_printf ("%d × %d", r->width, r->height) : NULL;

  dialog = ADW_PREFERENCES_WINDOW (adw_preferences_window_new ());
  gtk_window_set_title (GTK_WINDOW (dialog), vs_video_get_title (self->menu_video));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 520, 560);
  adw_preferences_window_set_search_enabled (dialog, FALSE);
  page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  add_property_row (group, _("Location"), path);
  add_property_row (group, _("Size"), size);
  add_property_row (group, _("Modified"), mtime);
  add_property_row (group, _("Created"), ctime);
  add_property_row (group, _("Duration"), duration);
  add_property_row (group, _("Resolution"), resolution);
  add_property_row (group, _("Video"), r->video_codec);
  add_property_row (group, _("Audio"), r->audio_codec);
  add_property_row (group, _("Container"), r->kind == VS_VIDEO_KIND_HLS ? "HLS" : r->container);
  adw_preferences_page_add (page, group);
  adw_preferences_window_add (dialog, page);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_library_changed (VsWindow *self)
{
  g_strfreev (self->roots);
  self->roots = vs_database_dup_roots (self->reader, NULL);
  if (self->watcher != NULL && self->roots != NULL)
    vs_library_watcher_set_roots (self->watcher, (const char * const *) self->roots);
  vs_sidebar_reload (self->sidebar);
  vs_library_model_refresh (self->model);
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);
  VsPreferencesWindow *preferences;

  if (self->writer == NULL)
    return;
  preferences = vs_preferences_window_new (GTK_WINDOW (self), self->writer);
  g_signal_connect_object (preferences, "library-changed", G_CALLBACK (on_library_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VsWindow *self = VS_WINDOW (widget);

  gtk_toggle_button_set_active (self->search_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Window state ----------------------------------------------------------- */

static gboolean
vs_window_close_request (GtkWindow *window)
{
  VsWindow *self = VS_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  return GTK_WINDOW_CLASS (vs_window_parent_class)->close_request (window);
}

static void
vs_window_constructed (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);
  g_autoptr(GAction) sort_key = NULL;
  g_autoptr(GAction) sort_descending = NULL;

  G_OBJECT_CLASS (vs_window_parent_class)->constructed (object);

  if (self->database_path == NULL)
    self->database_path = vs_database_default_path ();
  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  sort_key = g_settings_create_action (self->settings, "sort-key");
  sort_descending = g_settings_create_action (self->settings, "sort-descending");
  g_action_map_add_action (G_ACTION_MAP (self), sort_key);
  g_action_map_add_action (G_ACTION_MAP (self), sort_descending);
  g_signal_connect_object (self->settings, "changed::sort-key", G_CALLBACK (apply_query), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::sort-descending", G_CALLBACK (apply_query),
                           self, G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-scan", FALSE);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  open_library (self);
}

static void
vs_window_dispose (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  if (self->watcher != NULL)
    vs_library_watcher_stop (self->watcher);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->rest_id, g_source_remove);
  g_clear_handle_id (&self->columns_id, g_source_remove);
  g_clear_handle_id (&self->startup_scan_id, g_source_remove);
  stop_waiting_for_paint (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_WINDOW);

  G_OBJECT_CLASS (vs_window_parent_class)->dispose (object);
}

static void
vs_window_finalize (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);

  g_clear_object (&self->menu_video);
  g_clear_pointer (&self->trashed, g_hash_table_unref);
  g_clear_object (&self->model);
  g_clear_object (&self->textures);
  g_clear_object (&self->media);
  g_clear_object (&self->scanner);
  g_clear_object (&self->watcher);
  g_clear_object (&self->writer);
  g_clear_object (&self->reader);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->scan_cancellable);
  g_clear_pointer (&self->roots, g_strfreev);
  g_clear_pointer (&self->pending_folders, g_ptr_array_unref);
  g_clear_pointer (&self->added_folder, g_free);
  g_clear_pointer (&self->present_roots, g_strfreev);
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
    case PROP_SCANNING:
      g_value_set_boolean (value, vs_window_get_scanning (self));
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
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = vs_window_constructed;
  object_class->dispose = vs_window_dispose;
  object_class->finalize = vs_window_finalize;
  object_class->get_property = vs_window_get_property;
  object_class->set_property = vs_window_set_property;
  window_class->close_request = vs_window_close_request;

  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFAULT_FOLDER] =
    g_param_spec_string ("default-folder", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCANNING] =
    g_param_spec_boolean ("scanning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VS_TYPE_VIDEO_CELL);
  g_type_ensure (VS_TYPE_SIDEBAR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/vs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, grid);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, item_menu);

  gtk_widget_class_install_action (widget_class, "win.rescan", NULL, rescan_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-scan", NULL, cancel_scan_action);
  gtk_widget_class_install_action (widget_class, "win.add-folder", NULL, add_folder_action);
  gtk_widget_class_install_action (widget_class, "win.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "win.open-with", NULL, open_with_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.trash", NULL, trash_action);
  gtk_widget_class_install_action (widget_class, "win.undo-trash", "u", undo_trash_action);
  gtk_widget_class_install_action (widget_class, "win.properties", NULL, properties_action);
  gtk_widget_class_install_action (widget_class, "win.merge", NULL, merge_action);
  gtk_widget_class_install_action (widget_class, "win.show-file", "ay", show_file_action);
  gtk_widget_class_install_action (widget_class, "win.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL,
                                   toggle_sidebar_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.rescan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.rescan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.add-folder", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.focus-search", NULL);
}

static void
vs_window_init (VsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->pending_folders = g_ptr_array_new_with_free_func (g_free);
  self->trashed = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  add_grid_shortcuts (self);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (apply_query), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->grid, "activate", G_CALLBACK (on_grid_activate), self, 0);
  g_signal_connect_object (self->sidebar, "notify::folder", G_CALLBACK (apply_query), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "notify::recursive", G_CALLBACK (apply_query), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (schedule_rest), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (self->scroller),
                           "notify::page-size", G_CALLBACK (schedule_columns), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self, "notify::scale-factor", G_CALLBACK (update_decode_size), self);
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
  return self->model ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
}

gboolean
vs_window_get_scanning (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), FALSE);
  /* the start-up scan waiting for the first paint counts */
  return self->scanning || self->paint_id != 0 || self->startup_scan_id != 0;
}

void
vs_window_add_folder (VsWindow   *self,
                      const char *path)
{
  g_return_if_fail (VS_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  g_ptr_array_add (self->pending_folders, g_strdup (path));
  scan_pending_folders (self);
}

VsLibraryModel *
vs_window_get_model (VsWindow *self)
{
  g_return_val_if_fail (VS_IS_WINDOW (self), NULL);
  return self->model;
}
