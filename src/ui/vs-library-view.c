/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-view.c: the grid of a library's videos, its context menu and item actions */
#define G_LOG_DOMAIN "vs-library-view"

#include "config.h"

#include <malloc.h>

#include <glib/gi18n.h>

#include "vs-file-manager.h"
#include "vs-library-view.h"
#include "vs-merge-dialog.h"
#include "vs-open-with.h"
#include "vs-player-window.h"
#include "vs-popup-menu.h"
#include "vs-rename-popover.h"
#include "vs-properties-dialog.h"
#include "vs-selection.h"
#include "vs-selection-trash.h"
#include "vs-toast.h"
#include "vs-video-cell.h"
#include "vs-video-columns.h"

/* Once the view is at rest, the texture cache keeps only what cells show: a fast scroll may
 * fill the whole budget, an idle window needs none of it (cells GTK keeps around the view
 * hold theirs). */
#define REST_DELAY_MS        500
#define REST_TEXTURE_BYTES   0
/* The thumbnail's corners (style.css). */
#define THUMBNAIL_RADIUS     12
/* GtkGridView (GTK 4.8) keeps the cells of up to this many rows around the view. */
#define GRID_KEPT_ROWS       30
#define MAX_COLUMNS          12
/* Undo keeps the newest few trashed items. */
#define UNDO_KEPT            16
/* The start-up rescan waits for the grid: on two cores its directory walk would otherwise
 * take the CPU the first frames need. A library still empty scans at once. */
#define STARTUP_SCAN_DELAY_MS 300

struct _VsLibraryView
{
  GtkWidget          parent_instance;

  /* template children */
  GtkStack          *pages;         /* the grid or the list */
  GtkScrolledWindow *scroller;      /* the grid's */
  GtkGridView       *grid;
  GtkScrolledWindow *list_scroller;
  GtkColumnView     *list;
  GMenuModel        *item_menu;

  /* owned */
  VsLibrary         *library;
  VsTextureCache    *textures;
  VsLibraryModel    *model;
  GtkSelectionModel *selection;     /* over the model: the grid's and the list's */
  GCancellable      *cancellable;   /* the view's lifetime */
  VsVideo           *menu_video;    /* what the context menu acts on */
  gint64             renamed_id;    /* a video just renamed: selected where it lands */
  gint64             renamed_until;
  guint              menu_position; /* and where it is in the view */
  GHashTable        *trashed;       /* undo: serial → VsTrash, the newest few */
  guint              trash_serial;
  guint              rest_id;
  guint              columns_id;
  int                width_hint;
  gboolean           moving;        /* scrolled since the last rest */
  GdkFrameClock     *paint_clock;   /* while the start-up scan waits for a paint */
  gulong             paint_id;
  guint              startup_scan_id;
  gboolean           to_top;        /* a new query: its rows show from the first */
  guint              n_selected;
  VsZoom             zoom;
  VsViewMode         mode;
  guint              zoom_scroll_id; /* brings the focused item back in view after a zoom */
  guint              zoom_position;
  gboolean           showing_sort;  /* the list's headers follow the query */
  gboolean           has_query;
  VsSortKey          sort;          /* the query's */
  gboolean           descending;
};

G_DEFINE_FINAL_TYPE (VsLibraryView, vs_library_view, GTK_TYPE_WIDGET)

enum {
  TOAST,
  SORT_CLICKED,
  N_SIGNALS
};

enum {
  PROP_0,
  PROP_STARTING,
  PROP_N_SELECTED,
  N_PROPS
};

static guint signals[N_SIGNALS];
static GParamSpec *properties[N_PROPS];

/* Hands @toast (owned) to the window, which takes a reference of its own. */
static void
show_toast (VsLibraryView *self,
            AdwToast      *toast)
{
  g_signal_emit (self, signals[TOAST], 0, toast);
  g_object_unref (toast);
}

static void
show_text (VsLibraryView *self,
           const char    *text)
{
  show_toast (self, vs_toast_new_plain (text));
}

/* Memory at rest ------------------------------------------------------------ */

static void
trim_heap_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  /* Hand what was freed back to the system: the heap is full of holes after a scroll. On a
   * worker: a trim walks every arena, and the user may scroll again meanwhile. */
  malloc_trim (0);
}

static void
set_cells_scrolling (VsLibraryView *self,
                     gboolean       scrolling)
{
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->grid)); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *cell = gtk_widget_get_first_child (item);

      if (cell != NULL && VS_IS_VIDEO_CELL (cell))
        vs_video_cell_set_scrolling (VS_VIDEO_CELL (cell), scrolling);
    }
}

static gboolean
on_rest (gpointer user_data)
{
  VsLibraryView *self = user_data;
  g_autoptr(GTask) trim = NULL;

  self->rest_id = 0;
  self->moving = FALSE;
  set_cells_scrolling (self, FALSE);
  if (self->textures != NULL)
    vs_texture_cache_trim (self->textures, REST_TEXTURE_BYTES);
  if (self->library != NULL)
    vs_library_release_memory (self->library);
  trim = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (trim, trim_heap_thread);
  g_task_run_in_thread (trim, trim_heap_thread);
  return G_SOURCE_REMOVE;
}

/* Called on every movement: the trim runs once things have been still for a moment. */
static void
schedule_rest (VsLibraryView *self)
{
  if (!self->moving)
    {
      self->moving = TRUE;
      set_cells_scrolling (self, TRUE);
    }
  g_clear_handle_id (&self->rest_id, g_source_remove);
  self->rest_id = g_timeout_add (REST_DELAY_MS, on_rest, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->rest_id),
                            "[vs-library-view] rest");
}

/* The picture's box in a cell at each zoom: small ones fit the freedesktop normal (128 px)
 * thumbnails, the others use the large (256 px) ones (vs-texture-cache.c). */
static const struct {
  int width;
  int height;
} zoom_sizes[] = {
  [VS_ZOOM_SMALL]  = { 128, 72 },
  [VS_ZOOM_MEDIUM] = { 224, 126 },
  [VS_ZOOM_LARGE]  = { 320, 180 },
};

static void
update_decode_size (VsLibraryView *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  if (self->textures == NULL)
    return;
  vs_texture_cache_set_decode_size (self->textures, zoom_sizes[self->zoom].width * scale,
                                    zoom_sizes[self->zoom].height * scale);
  vs_texture_cache_set_corner_radius (self->textures, THUMBNAIL_RADIUS * scale);
}

/* The texture budget this view needs: a thumbnail for every cell the grid keeps, and for one
 * screen more (where the user scrolls next). Scaled to the cell and the columns, so it is a
 * few MB where a fixed budget of 64 MB filled up with rows long gone during a fast scroll. */
static void
update_working_set (VsLibraryView *self,
                    guint          columns,
                    int            cell_height)
{
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->scroller);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  gsize texture_bytes = (gsize) zoom_sizes[self->zoom].width * scale * 4 *
                        zoom_sizes[self->zoom].height * scale;
  guint screen_rows, kept = 0;

  if (self->textures == NULL || columns == 0 || cell_height <= 0)
    return;
  screen_rows = (guint) (gtk_adjustment_get_page_size (vadj) / cell_height) + 2;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->grid)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    kept++;
  kept = MAX (kept, columns * GRID_KEPT_ROWS);
  vs_texture_cache_set_working_set (self->textures, self,
                                    (kept + columns * screen_rows) * texture_bytes);
}

/* GtkGridView keeps 30 rows of max-columns cells alive: with max-columns at what fits, it
 * makes (and binds, and keeps thumbnails for) no cell that could never be on screen. */
static void
set_columns (VsLibraryView *self,
             int            width,
             int            cell_width)
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
  VsLibraryView *self = user_data;
  GtkAdjustment *hadj = gtk_scrolled_window_get_hadjustment (self->scroller);
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->grid));
  int cell_width = 0, cell_height = 0;

  self->columns_id = 0;
  /* GtkGridView's own rule: columns as wide as a child's minimum (they are all alike) */
  while (child != NULL && !gtk_widget_get_visible (child))
    child = gtk_widget_get_next_sibling (child);
  if (child != NULL)
    {
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &cell_width, NULL, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, cell_width, &cell_height, NULL, NULL,
                          NULL);
    }
  set_columns (self, (int) gtk_adjustment_get_page_size (hadj), cell_width);
  update_working_set (self, gtk_grid_view_get_max_columns (self->grid), cell_height);
  return G_SOURCE_REMOVE;
}

/* Before the grid is first allocated: as many columns as cells fit across the width the
 * window expects, never fewer (the cell is measured without the grid's padding), so the
 * first frame is laid out right; update_columns() makes it exact after that frame. */
static void
estimate_columns (VsLibraryView *self)
{
  g_autoptr(GtkWidget) cell = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int cell_width = 0;

  if (width <= 0)
    width = self->width_hint;
  cell = g_object_ref_sink (GTK_WIDGET (vs_video_cell_new (self->textures)));
  vs_video_cell_set_picture_size (VS_VIDEO_CELL (cell), zoom_sizes[self->zoom].width,
                                  zoom_sizes[self->zoom].height);
  gtk_widget_measure (cell, GTK_ORIENTATION_HORIZONTAL, -1, &cell_width, NULL, NULL, NULL);
  set_columns (self, width, MAX (cell_width, zoom_sizes[self->zoom].width));
}

/* The width is known during the grid's size allocation, which must not be changed from
 * inside: decide right after it. */
static void
schedule_columns (VsLibraryView *self)
{
  if (self->columns_id == 0)
    self->columns_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_columns, self, NULL);
}

/* The start-up scan ------------------------------------------------------------ */

static gboolean
on_startup_scan (gpointer user_data)
{
  VsLibraryView *self = user_data;

  self->startup_scan_id = 0;
  vs_library_start (self->library);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTING]);
  return G_SOURCE_REMOVE;
}

static void
stop_waiting_for_paint (VsLibraryView *self)
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
                VsLibraryView *self)
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

/* The library's start-up rescan (once per library: later views find it done). */
static void
start_after_first_paint (VsLibraryView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GdkFrameClock *clock = root ? gtk_widget_get_frame_clock (GTK_WIDGET (root)) : NULL;

  if (clock == NULL)
    {
      on_startup_scan (self);
      return;
    }
  self->paint_clock = g_object_ref (clock);
  self->paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), self);
}

/* Cells of the grid and the list --------------------------------------------------- */

/* A grid's cell or a list's cell child: the widget that carries its GtkListItem. */
static GtkListItem *
item_of (GtkWidget *cell)
{
  return cell != NULL ? g_object_get_data (G_OBJECT (cell), "vs-list-item") : NULL;
}

static VsVideo *
video_of (GtkWidget *cell)
{
  GtkListItem *item = item_of (cell);

  return item != NULL ? gtk_list_item_get_item (item) : NULL;
}

/* The cell at or in @widget (a grid item holds its cell, a list row its cells, each in a
 * column cell), or up from it below @stop. */
static GtkWidget *
find_cell (GtkWidget *widget,
           GtkWidget *stop)
{
  for (GtkWidget *w = widget; w != NULL && w != stop; w = gtk_widget_get_parent (w))
    if (item_of (w) != NULL)
      return w;
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_first_child (w))
    if (item_of (w) != NULL)
      return w;
  return NULL;
}

/* The cell an event of @controller is about: its own widget for a grid cell's controllers,
 * the one under (@x, @y) for the list's (one controller for all rows). */
static GtkWidget *
event_cell (GtkEventController *controller,
            double              x,
            double              y)
{
  GtkWidget *widget = gtk_event_controller_get_widget (controller);

  if (item_of (widget) != NULL)
    return widget;
  return find_cell (gtk_widget_pick (widget, x, y, GTK_PICK_DEFAULT), widget);
}

/* The grid or the list, whichever is shown. */
static GtkWidget *
items_widget (VsLibraryView *self)
{
  return self->mode == VS_VIEW_MODE_LIST ? GTK_WIDGET (self->list) : GTK_WIDGET (self->grid);
}

static void
set_rubberband (VsLibraryView *self,
                gboolean       enable)
{
  gtk_grid_view_set_enable_rubberband (self->grid, enable);
  gtk_column_view_set_enable_rubberband (self->list, enable);
}

/* The context menu ------------------------------------------------------------ */

/* A closed menu gives the keyboard back to the item it was opened on (the menu is the
 * view's: GTK would give it to the view, where Shift+F10 finds no item). */
static void
restore_item_focus (GtkWidget *cell)
{
  GtkWidget *item = gtk_widget_get_parent (cell);

  if (item != NULL && gtk_widget_get_root (cell) != NULL)
    gtk_widget_grab_focus (item);
}

/* The context menu and the keyboard act on this cell's video. */
static gboolean
set_menu_target (VsLibraryView *self,
                 GtkWidget     *cell)
{
  GtkListItem *item = item_of (cell);
  VsVideo *video = video_of (cell);

  if (item == NULL || video == NULL || vs_video_get_loading (video))
    return FALSE;
  g_set_object (&self->menu_video, video);
  self->menu_position = gtk_list_item_get_position (item);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.merge", vs_video_get_is_hls (video));
  /* the one that changes something shows (hidden-when action-disabled) */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.mark-watched",
                                 !vs_video_get_record (video)->watched);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.mark-unwatched",
                                 vs_video_get_record (video)->watched);
  return TRUE;
}

static void
popup_menu (VsLibraryView *self,
            GtkWidget     *cell,
            double         x,
            double         y)
{
  GtkSelectionModel *selection = self->selection;
  graphene_point_t at = GRAPHENE_POINT_INIT ((float) x, (float) y);
  GtkWidget *popover;

  if (!set_menu_target (self, cell))
    return;
  /* as in Files: the item the menu is for is selected; a selection it is part of stays */
  if (!gtk_selection_model_is_selected (selection, self->menu_position))
    gtk_selection_model_select_item (selection, self->menu_position, TRUE);
  /* The menu belongs to the view, not to the cell: a refresh of the model may recycle the
   * cell while the menu is open, and a menu parented to it would lose the view's actions. */
  if (!gtk_widget_compute_point (cell, GTK_WIDGET (self), &at, &at))
    return;
  popover = vs_popup_menu_at (GTK_WIDGET (self), self->item_menu, at.x, at.y);
  g_signal_connect_object (popover, "closed", G_CALLBACK (restore_item_focus), cell,
                           G_CONNECT_SWAPPED);
}

static VsLibraryView *
view_of (GtkWidget *widget)
{
  return VS_LIBRARY_VIEW (gtk_widget_get_ancestor (widget, VS_TYPE_LIBRARY_VIEW));
}

/* A right-click or a long press on a cell: its menu, where the pointer is. */
static void
popup_at_gesture (GtkGesture *gesture,
                  double      x,
                  double      y)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *cell = event_cell (GTK_EVENT_CONTROLLER (gesture), x, y);
  graphene_point_t at = GRAPHENE_POINT_INIT ((float) x, (float) y);

  if (cell == NULL || !gtk_widget_compute_point (widget, cell, &at, &at))
    return;
  popup_menu (view_of (cell), cell, at.x, at.y);
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

/* The cell that has the keyboard focus (it sits in the grid's focusable item widget, or in
 * the list's focusable row). */
static GtkWidget *
focused_cell (VsLibraryView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *items = items_widget (self);

  if (focus == NULL || focus == items || !gtk_widget_is_ancestor (focus, items))
    return NULL;
  return find_cell (focus, items);
}

static gboolean
menu_key (GtkWidget *widget,
          GVariant  *args,
          gpointer   user_data)
{
  VsLibraryView *self = view_of (widget);
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
  VsLibraryView *self = view_of (widget);
  GtkWidget *cell = focused_cell (self);

  if (cell == NULL || !set_menu_target (self, cell))
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), user_data, NULL);
  return TRUE;
}

/* Alt+Right and Alt+Left step through the focused video's filmstrip frames, as the
 * pointer does across its picture (Shift+arrows extend the selection in the grid, and
 * Ctrl+arrows move the focus without selecting: both are GtkListBase's). */
static gboolean
scrub_key (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  VsLibraryView *self = view_of (widget);
  GtkWidget *cell = focused_cell (self);

  if (cell == NULL || !VS_IS_VIDEO_CELL (cell))
    return FALSE;
  return vs_video_cell_step_frame (VS_VIDEO_CELL (cell), GPOINTER_TO_INT (user_data));
}

/* Escape gives the focused cell its thumbnail back, else lets go of a selection (and does
 * nothing else then). */
static gboolean
unselect_key (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  VsLibraryView *self = view_of (widget);
  GtkWidget *cell = focused_cell (self);

  if (cell != NULL && VS_IS_VIDEO_CELL (cell) && vs_video_cell_end_scrub (VS_VIDEO_CELL (cell)))
    return TRUE;
  if (self->n_selected == 0)
    return FALSE;
  vs_library_view_select_none (self);
  return TRUE;
}

static void
add_item_shortcuts (GtkWidget *items)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  const struct {
    guint            key;
    GdkModifierType  mods;
    GtkShortcutFunc  func;
    gconstpointer    action;
  } keys[] = {
    { GDK_KEY_Menu, 0, menu_key, NULL },
    { GDK_KEY_Escape, 0, unselect_key, NULL },
    { GDK_KEY_F10, GDK_SHIFT_MASK, menu_key, NULL },
    { GDK_KEY_F2, 0, item_key, "view.rename" },
    { GDK_KEY_Delete, 0, item_key, "view.trash" },
    { GDK_KEY_KP_Delete, 0, item_key, "view.trash" },
    { GDK_KEY_Return, GDK_ALT_MASK, item_key, "view.properties" },
    { GDK_KEY_KP_Enter, GDK_ALT_MASK, item_key, "view.properties" },
    { GDK_KEY_Right, GDK_ALT_MASK, scrub_key, GINT_TO_POINTER (1) },
    { GDK_KEY_KP_Right, GDK_ALT_MASK, scrub_key, GINT_TO_POINTER (1) },
    { GDK_KEY_Left, GDK_ALT_MASK, scrub_key, GINT_TO_POINTER (-1) },
    { GDK_KEY_KP_Left, GDK_ALT_MASK, scrub_key, GINT_TO_POINTER (-1) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
      gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, keys[i].mods),
                        gtk_callback_action_new (keys[i].func, (gpointer) keys[i].action, NULL)));
  gtk_widget_add_controller (items, shortcuts);
}

/* Dragging videos out -------------------------------------------------------- */

/* A drag carries at most this many selected videos (read at once from the index). */
#define DRAG_MAX 256

static GFile *
file_of_record (const VsVideoRecord *record)
{
  g_autoptr(GFile) file = g_file_new_for_path (record->path);

  /* an HLS download is its folder (the item is named after it) */
  if (record->kind == VS_VIDEO_KIND_HLS)
    return g_file_get_parent (file);
  return g_steal_pointer (&file);
}

/* The files of the selection when the dragged cell is part of it, else of that cell. */
static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 gpointer       user_data)
{
  GtkWidget *cell = event_cell (GTK_EVENT_CONTROLLER (source), x, y);
  VsLibraryView *self = cell != NULL ? view_of (cell) : NULL;
  GtkListItem *item = item_of (cell);
  VsVideo *video = video_of (cell);
  GSList *files = NULL;
  GdkFileList *list;
  GdkContentProvider *content;

  if (self == NULL || item == NULL || video == NULL || vs_video_get_loading (video))
    return NULL;
  if (gtk_list_item_get_selected (item) && self->n_selected > 1 &&
      self->n_selected <= DRAG_MAX && vs_library_get_reader (self->library) != NULL)
    {
      g_autoptr(GArray) ids = vs_library_view_dup_selected_ids (self);
      g_autoptr(GPtrArray) records = vs_database_load_videos (vs_library_get_reader (self->library),
                                                              (const gint64 *) (gpointer) ids->data,
                                                              ids->len, NULL);

      for (guint i = 0; records != NULL && i < records->len; i++)
        if (g_ptr_array_index (records, i) != NULL)
          files = g_slist_prepend (files, file_of_record (g_ptr_array_index (records, i)));
      files = g_slist_reverse (files);
    }
  if (files == NULL)
    files = g_slist_prepend (files, file_of_record (vs_video_get_record (video)));
  /* the icon: the grid's cell, or the list's row (the cell's column cell's parent) */
  g_object_set_data (G_OBJECT (source), "vs-drag-widget",
                     VS_IS_VIDEO_CELL (cell)
                     ? cell : gtk_widget_get_parent (gtk_widget_get_parent (cell)));
  list = gdk_file_list_new_from_list (files);
  g_slist_free_full (files, g_object_unref);
  content = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, list);
  g_boxed_free (GDK_TYPE_FILE_LIST, list);
  return content;
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               gpointer       user_data)
{
  GtkWidget *widget = g_object_get_data (G_OBJECT (source), "vs-drag-widget");
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (widget);

  gtk_drag_source_set_icon (source, icon, gtk_widget_get_width (widget) / 2,
                            gtk_widget_get_height (widget) / 2);
  /* the window does not take its own videos back as a drop */
  g_object_set_data (G_OBJECT (drag), "vs-from-grid", GINT_TO_POINTER (TRUE));
  /* the same press would also draw a rubber band, left behind when the drag ends */
  set_rubberband (view_of (widget), FALSE);
}

static void
on_drag_end (GtkDragSource *source,
             GdkDrag       *drag,
             gboolean       delete_data,
             gpointer       user_data)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  VsLibraryView *self = view_of (widget);

  if (self != NULL)
    set_rubberband (self, TRUE);
}

/* Cells ---------------------------------------------------------------------- */

/* The menu (right-click, long press) and dragging out, on a grid cell or on the whole list
 * (whose handlers find the row under the pointer). */
static void
add_item_controllers (GtkWidget *widget)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *long_press = gtk_gesture_long_press_new ();
  GtkDragSource *drag = gtk_drag_source_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_cell_menu), NULL);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (on_cell_long_press), NULL);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (long_press));
  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (on_drag_prepare), NULL);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), NULL);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), NULL);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            VsLibraryView            *self)
{
  VsVideoCell *cell = vs_video_cell_new (self->textures);

  /* the item is the cell's for its life: it tells the position */
  g_object_set_data (G_OBJECT (cell), "vs-list-item", item);
  add_item_controllers (GTK_WIDGET (cell));
  vs_video_cell_set_scrolling (cell, self->moving);
  vs_video_cell_set_picture_size (cell, zoom_sizes[self->zoom].width,
                                  zoom_sizes[self->zoom].height);
  gtk_list_item_set_child (item, GTK_WIDGET (cell));
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           VsLibraryView            *self)
{
  vs_video_cell_set_video (VS_VIDEO_CELL (gtk_list_item_get_child (item)),
                           gtk_list_item_get_item (item));
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             VsLibraryView            *self)
{
  vs_video_cell_set_video (VS_VIDEO_CELL (gtk_list_item_get_child (item)), NULL);
}

/* Item actions ----------------------------------------------------------------- */

static GtkWindow *
parent_window (VsLibraryView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* Plays the item at @position in the player, which walks the view's current list. */
static void
play_at (VsLibraryView *self,
         guint          position)
{
  GtkWindow *window = parent_window (self);
  g_autoptr(VsVideo) video = NULL;
  VsPlayerWindow *player;
  const char *root;

  if (self->model == NULL || position >= g_list_model_get_n_items (G_LIST_MODEL (self->model)))
    return;
  video = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  root = vs_library_get_unavailable_root (self->library,
                                          video != NULL ? vs_video_get_path (video) : NULL);
  if (root != NULL)
    {
      g_autofree char *name = g_filename_display_basename (root);
      g_autofree char *text = g_strdup_printf (
        _("“%s” is not available: connect it again to play its videos"), name);

      show_text (self, text);
      return;
    }
  player = vs_player_window_get_default (window ? gtk_window_get_application (window) : NULL,
                                         self->library);
  vs_player_window_play_in_list (player, G_LIST_MODEL (self->model), position);
  gtk_window_present (GTK_WINDOW (player));
}

static void
on_grid_activate (GtkWidget     *items,
                  guint          position,
                  VsLibraryView *self)
{
  play_at (self, position);
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VsLibraryView *self = VS_LIBRARY_VIEW (widget);

  play_at (self, self->menu_position);
}

/* The file of the context menu's item (an HLS item's playlist), or NULL. */
static GFile *
menu_file (VsLibraryView *self)
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
  VsLibraryView *self = VS_LIBRARY_VIEW (widget);
  g_autoptr(GFile) file = menu_file (self);

  if (file != NULL)
    vs_open_with_other_application (parent_window (self), file);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VsLibraryView *self = VS_LIBRARY_VIEW (widget);
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
    vs_show_in_file_manager (parent_window (self), path);
}

/* Moving to the trash and back goes through the library and its guarded module: an HLS
 * item is its playlist and the files it names; undo puts back exactly what went. */

static void
on_restored (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VsLibraryView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (vs_library_restore_finish (VS_LIBRARY (object), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  text = g_strdup_printf (_("Could not restore from the trash: %s"), error->message);
  show_text (self, text);
}

static void
on_undo_clicked (AdwToast      *toast,
                 VsLibraryView *self)
{
  gpointer key = g_object_get_data (G_OBJECT (toast), "vs-serial");
  g_autoptr(VsTrash) trash = NULL;

  if (!g_hash_table_steal_extended (self->trashed, key, NULL, (gpointer *) &trash))
    return;
  vs_library_restore_async (self->library, trash, self->cancellable, on_restored,
                            g_object_ref (self));
}

typedef struct
{
  VsLibraryView *self;
  char          *title;
} TrashCall;

static void
on_trashed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TrashCall *call = user_data;
  g_autoptr(VsLibraryView) self = call->self;
  g_autofree char *title = call->title;
  g_autoptr(GError) error = NULL;
  g_autoptr(VsTrash) trash = vs_library_trash_finish (VS_LIBRARY (object), result, &error);
  g_autofree char *text = NULL;
  AdwToast *toast;
  guint serial;

  g_free (call);
  if (trash == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("“%s” could not be moved to the trash: %s"), title,
                              error->message);
      show_text (self, text);
      return;
    }
  serial = ++self->trash_serial;
  g_hash_table_insert (self->trashed, GUINT_TO_POINTER (serial), g_object_ref (trash));
  g_hash_table_remove (self->trashed, GUINT_TO_POINTER (serial - UNDO_KEPT));
  text = g_strdup_printf (_("“%s” moved to the trash"), title);
  toast = vs_toast_new_plain (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data (G_OBJECT (toast), "vs-serial", GUINT_TO_POINTER (serial));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_clicked), self, 0);
  show_toast (self, toast);
}

static void
trash_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VsLibraryView *self = VS_LIBRARY_VIEW (widget);
  const VsVideoRecord *r;
  TrashCall *call;

  /* Delete or the menu on a cell of a selection: all of it, one undo */
  if (self->n_selected >= 2)
    {
      vs_library_view_trash_selected (self);
      return;
    }
  if (self->menu_video == NULL || (r = vs_video_get_record (self->menu_video)) == NULL)
    return;
  call = g_new0 (TrashCall, 1);
  call->self = g_object_ref (self);
  call->title = g_strdup (vs_video_get_title (self->menu_video));
  vs_library_trash_async (self->library, r->path, self->cancellable, on_trashed, call);
}

/* Watched state ------------------------------------------------------------- */

static void
on_marked (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VsLibraryView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* the library's ::changed brings the new state to the cells */
  if (vs_library_watched_finish (VS_LIBRARY (object), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  text = g_strdup_printf (_("The watched state could not be changed: %s"), error->message);
  show_text (self, text);
}

void
vs_library_view_mark_selected (VsLibraryView *self,
                               gboolean       watched)
{
  g_autoptr(GArray) ids = NULL;

  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));

  if (self->library == NULL)
    return;
  /* ids, not items: a selection may be the whole library; the index marks a page of ids
   * per statement */
  ids = vs_library_view_dup_selected_ids (self);
  if (ids->len > 0)
    vs_library_mark_watched_ids_async (self->library, ids, watched, self->cancellable,
                                       on_marked, g_object_ref (self));
}

static void
mark_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VsLibraryView *self = VS_LIBRARY_VIEW (widget);
  gboolean watched = g_str_equal (action_name, "view.mark-watched");
  const VsVideoRecord *r;
  const char *paths[2] = { NULL, NULL };

  /* the menu on a cell of a selection: all of it */
  if (self->n_selected >= 2)
    {
      vs_library_view_mark_selected (self, watched);
      return;
    }
  if (self->menu_video == NULL || (r = vs_video_get_record (self->menu_video)) == NULL)
    return;
  paths[0] = r->path;
  vs_library_mark_watched_async (self->library, paths, watched, self->cancellable, on_marked,
                                 g_object_ref (self));
}

/* The grid's cell at @position, when it is on screen. */
static GtkWidget *
cell_at (VsLibraryView *self,
         guint          position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->grid)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *cell = gtk_widget_get_first_child (child);
      GtkListItem *item = cell != NULL && VS_IS_VIDEO_CELL (cell)
                          ? g_object_get_data (G_OBJECT (cell), "vs-list-item") : NULL;

      if (item != NULL && gtk_list_item_get_position (item) == position)
        return cell;
    }
  return NULL;
}

static gboolean
focus_cell_idle (gpointer data)
{
  g_autoptr(VsLibraryView) self = data;
  GtkWidget *cell = cell_at (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self),
                                                                         "vs-focus-at")));

  if (cell != NULL && gtk_widget_get_parent (cell) != NULL)
    gtk_widget_grab_focus (gtk_widget_get_parent (cell));
  return G_SOURCE_REMOVE;
}

/* A renamed video may move in the sorted grid: it stays selected and focused there. */
static void
follow_renamed (VsLibraryView *self)
{
  guint position;

  if (self->renamed_id == 0 || g_get_monotonic_time () > self->renamed_until)
    return;
  position = vs_library_model_find_id (self->model, self->renamed_id);
  if (position == G_MAXUINT)
    return;
  self->renamed_id = 0;
  gtk_selection_model_select_item (gtk_grid_view_get_model (self->grid), position, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self->grid), "list.scroll-to-item", "u", position);
  g_object_set_data (G_OBJECT (self), "vs-focus-at", GUINT_TO_POINTER (position));
  g_idle_add (focus_cell_idle, g_object_ref (self));
}

static void
on_item_renamed (VsLibraryView *self,
                 const char    *new_path,
                 GtkWidget     *popover)
{
  self->renamed_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (popover), "vs-id"));
  /* the model's refresh follows within moments; a later change is not this one */
  self->renamed_until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
}

/* One item at a time, as in Files (the action is off with several selected). */
static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VsLibraryView *self = VS_LIBRARY_VIEW (widget);
  GtkWidget *popover;

  if (self->menu_video == NULL || vs_video_get_record (self->menu_video) == NULL ||
      self->n_selected > 1)
    return;
  popover = vs_rename_popover_new (self->library, self->menu_video);
  g_object_set_data (G_OBJECT (popover), "vs-id",
                     GSIZE_TO_POINTER ((gsize) vs_video_get_id (self->menu_video)));
  g_signal_connect_object (popover, "failed", G_CALLBACK (show_text), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (popover, "renamed", G_CALLBACK (on_item_renamed), self,
                           G_CONNECT_SWAPPED);
  vs_rename_popover_popup_at (VS_RENAME_POPOVER (popover), GTK_WIDGET (self),
                              cell_at (self, self->menu_position));
}

static void
on_show_clicked (AdwToast      *toast,
                 VsLibraryView *self)
{
  vs_show_in_file_manager (parent_window (self), g_object_get_data (G_OBJECT (toast), "vs-path"));
}

static void
on_merged (VsLibraryView *self,
           const char    *output,
           const char    *warning)
{
  g_autofree char *base = g_path_get_basename (output);
  g_autofree char *display = g_filename_display_name (base);
  g_autofree char *text = NULL;
  AdwToast *toast;

  text = warning ? g_strdup (warning) : g_strdup_printf (_("Merged into “%s”"), display);
  toast = vs_toast_new_plain (text);
  adw_toast_set_button_label (toast, _("_Show"));
  g_object_set_data_full (G_OBJECT (toast), "vs-path", g_strdup (output), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_show_clicked), self, 0);
  show_toast (self, toast);
}

static void
merge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VsLibraryView *self = VS_LIBRARY_VIEW (widget);
  g_autoptr(GFile) file = menu_file (self);
  g_autofree char *path = NULL;
  VsMergeDialog *dialog;

  if (file == NULL || !vs_video_get_is_hls (self->menu_video))
    return;
  if ((path = g_file_get_path (file)) == NULL)
    return;
  dialog = vs_merge_dialog_new (parent_window (self), path);
  vs_merge_dialog_set_library (dialog, self->library);
  g_signal_connect_object (dialog, "merged", G_CALLBACK (on_merged), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
properties_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VsLibraryView *self = VS_LIBRARY_VIEW (widget);

  if (self->menu_video == NULL || vs_video_get_record (self->menu_video) == NULL)
    return;
  gtk_window_present (GTK_WINDOW (vs_properties_dialog_new (parent_window (self),
                                                            self->menu_video)));
}

/* GObject ------------------------------------------------------------------------ */

/* A header click: the query's owner sorts (in SQL); nothing is sorted in memory. */
static void
on_list_sort_changed (VsLibraryView *self)
{
  VsSortKey key;
  gboolean descending;

  if (self->showing_sort || !vs_video_columns_get_sort (self->list, &key, &descending))
    return;
  g_signal_emit (self, signals[SORT_CLICKED], 0, (guint) key, descending);
}

/* Ctrl+scroll zooms the grid (a plain scroll scrolls), through the window's actions so the
 * setting and its limits stay in one place. */
static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           VsLibraryView            *self)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), dy < 0 ? "win.zoom-in" : "win.zoom-out", NULL);
  return TRUE;
}

static void
vs_library_view_dispose (GObject *object)
{
  VsLibraryView *self = VS_LIBRARY_VIEW (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->startup_scan_id, g_source_remove);
  stop_waiting_for_paint (self);
  g_clear_handle_id (&self->rest_id, g_source_remove);
  g_clear_handle_id (&self->columns_id, g_source_remove);
  g_clear_handle_id (&self->zoom_scroll_id, g_source_remove);
  if (self->textures != NULL)
    vs_texture_cache_set_working_set (self->textures, self, 0);
  /* the columns going one by one would make another the sort column: not a click */
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->list), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_LIBRARY_VIEW);
  /* a context menu still open, or closed and waiting for its idle to go */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->menu_video);
  g_clear_pointer (&self->trashed, g_hash_table_unref);

  G_OBJECT_CLASS (vs_library_view_parent_class)->dispose (object);
}

static void
vs_library_view_finalize (GObject *object)
{
  VsLibraryView *self = VS_LIBRARY_VIEW (object);

  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->textures);
  g_clear_object (&self->library);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vs_library_view_parent_class)->finalize (object);
}

static void
vs_library_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_STARTING:
      g_value_set_boolean (value, vs_library_view_get_starting (VS_LIBRARY_VIEW (object)));
      break;
    case PROP_N_SELECTED:
      g_value_set_uint (value, VS_LIBRARY_VIEW (object)->n_selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_library_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  gtk_widget_measure (GTK_WIDGET (VS_LIBRARY_VIEW (widget)->pages), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

/* The grid fills the view; an open context menu is placed again (it is the view's). */
static void
vs_library_view_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  gtk_widget_allocate (GTK_WIDGET (VS_LIBRARY_VIEW (widget)->pages), width, height, baseline,
                       NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_POPOVER (child))
        gtk_popover_present (GTK_POPOVER (child));
    }
}

static void
vs_library_view_class_init (VsLibraryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_library_view_dispose;
  object_class->finalize = vs_library_view_finalize;
  object_class->get_property = vs_library_view_get_property;

  /* the library's start-up rescan waits for this view's first paint */
  properties[PROP_STARTING] =
    g_param_spec_boolean ("starting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* how many rows are selected */
  properties[PROP_N_SELECTED] =
    g_param_spec_uint ("n-selected", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (AdwToast *toast): for the window's toast overlay */
  signals[TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, ADW_TYPE_TOAST);
  /* (guint key, gboolean descending): a list header was clicked (VsSortKey); the query's
   * owner sorts, and the headers follow the query (vs_library_view_set_query()) */
  signals[SORT_CLICKED] =
    g_signal_new ("sort-clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);

  g_type_ensure (VS_TYPE_VIDEO_CELL);
  widget_class->measure = vs_library_view_measure;
  widget_class->size_allocate = vs_library_view_size_allocate;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-library-view.ui");
  gtk_widget_class_bind_template_child (widget_class, VsLibraryView, pages);
  gtk_widget_class_bind_template_child (widget_class, VsLibraryView, scroller);
  gtk_widget_class_bind_template_child (widget_class, VsLibraryView, grid);
  gtk_widget_class_bind_template_child (widget_class, VsLibraryView, list_scroller);
  gtk_widget_class_bind_template_child (widget_class, VsLibraryView, list);
  gtk_widget_class_bind_template_child (widget_class, VsLibraryView, item_menu);

  gtk_widget_class_install_action (widget_class, "view.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "view.open-with", NULL, open_with_action);
  gtk_widget_class_install_action (widget_class, "view.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "view.trash", NULL, trash_action);
  gtk_widget_class_install_action (widget_class, "view.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "view.properties", NULL, properties_action);
  gtk_widget_class_install_action (widget_class, "view.merge", NULL, merge_action);
  gtk_widget_class_install_action (widget_class, "view.mark-watched", NULL, mark_action);
  gtk_widget_class_install_action (widget_class, "view.mark-unwatched", NULL, mark_action);
}

static void
vs_library_view_init (VsLibraryView *self)
{
  GtkEventController *scroll;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->zoom = VS_ZOOM_MEDIUM;
  self->trashed = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  add_item_shortcuts (GTK_WIDGET (self->grid));
  add_item_shortcuts (GTK_WIDGET (self->list));
  add_item_controllers (GTK_WIDGET (self->list));
  g_signal_connect_object (self->list, "activate", G_CALLBACK (on_grid_activate), self, 0);
  g_signal_connect_object (gtk_column_view_get_sorter (self->list), "changed",
                           G_CALLBACK (on_list_sort_changed), self, G_CONNECT_SWAPPED);
  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                            GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  /* on the grid: before its scrolled window scrolls, which a plain scroll goes on to */
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (on_scroll), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->grid), scroll);
  g_signal_connect_object (self->grid, "activate", G_CALLBACK (on_grid_activate), self, 0);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (schedule_rest), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (self->scroller),
                           "notify::page-size", G_CALLBACK (schedule_columns), self,
                           G_CONNECT_SWAPPED);
  /* a taller view keeps more cells: the texture budget follows */
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller),
                           "notify::page-size", G_CALLBACK (schedule_columns), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self, "notify::scale-factor", G_CALLBACK (update_decode_size), self);
  g_signal_connect_swapped (self, "notify::scale-factor", G_CALLBACK (schedule_columns), self);
}

VsLibraryView *
vs_library_view_new (void)
{
  return g_object_new (VS_TYPE_LIBRARY_VIEW, NULL);
}

/* Selection ------------------------------------------------------------------ */

/* The selection (VsSelection) is a GtkBitset of positions: selecting all 100,000 rows is
 * one range, and no item is made for a row only because it is selected. */
static void
update_n_selected (VsLibraryView *self)
{
  GtkSelectionModel *selection = self->selection;
  g_autoptr(GtkBitset) set = NULL;
  guint n;

  if (selection == NULL)
    return;
  set = gtk_selection_model_get_selection (selection);
  n = (guint) MIN (gtk_bitset_get_size (set), G_MAXUINT);
  if (n == self->n_selected)
    return;
  self->n_selected = n;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.rename", n <= 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
}

guint
vs_library_view_get_n_selected (VsLibraryView *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), 0);
  return self->n_selected;
}

void
vs_library_view_select_none (VsLibraryView *self)
{
  GtkSelectionModel *selection;

  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));
  if ((selection = self->selection) != NULL)
    gtk_selection_model_unselect_all (selection);
}

/* The index ids of the selected rows, in the view's order. */
GArray *
vs_library_view_dup_selected_ids (VsLibraryView *self)
{
  GtkSelectionModel *selection;
  g_autoptr(GtkBitset) set = NULL;
  GtkBitsetIter iter;
  GArray *ids;
  guint position;

  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), NULL);

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if ((selection = self->selection) == NULL || self->model == NULL)
    return ids;
  set = gtk_selection_model_get_selection (selection);
  g_array_set_size (ids, 0);
  for (gboolean more = gtk_bitset_iter_init_first (&iter, set, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      gint64 id = vs_library_model_get_id (self->model, position);

      if (id >= 0)
        g_array_append_val (ids, id);
    }
  return ids;
}

typedef enum
{
  PATHS_COPY,
  PATHS_SHOW,
} PathsUse;

typedef struct
{
  VsLibraryView *self;
  PathsUse       use;
} PathsCall;

/* File managers show a few items; the rest of a big selection stays selected here. */
#define SHOW_MAX 100

static void
on_selected_paths (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PathsCall *call = user_data;
  g_autoptr(VsLibraryView) self = call->self;
  PathsUse use = call->use;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = vs_library_dup_paths_finish (VS_LIBRARY (object), result, &error);
  guint n;

  g_free (call);
  if (paths == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_text (self, error->message);
      return;
    }
  n = g_strv_length (paths);
  if (use == PATHS_SHOW)
    {
      char *cut = n > SHOW_MAX ? paths[SHOW_MAX] : NULL;

      if (cut != NULL)
        paths[SHOW_MAX] = NULL;
      vs_show_items_in_file_manager (parent_window (self), (const char * const *) paths);
      if (cut != NULL)
        paths[SHOW_MAX] = cut;
    }
  else
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *toast = NULL;

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *utf8 = g_filename_display_name (paths[i]);

          g_string_append (text, utf8);
          g_string_append_c (text, '\n');
        }
      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text->str);
      toast = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Copied the path of %u video",
                                            "Copied the paths of %u videos", n), n);
      show_text (self, toast);
    }
}

static void
selected_paths (VsLibraryView *self,
                PathsUse       use)
{
  g_autoptr(GArray) ids = vs_library_view_dup_selected_ids (self);
  PathsCall *call;

  if (ids->len == 0 || self->library == NULL)
    return;
  call = g_new0 (PathsCall, 1);
  call->self = g_object_ref (self);
  call->use = use;
  vs_library_dup_paths_async (self->library, ids, self->cancellable, on_selected_paths, call);
}

void
vs_library_view_trash_selected (VsLibraryView *self)
{
  g_autoptr(GArray) ids = NULL;

  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));

  if (self->library == NULL)
    return;
  ids = vs_library_view_dup_selected_ids (self);
  if (ids->len > 0)
    vs_selection_trash_start (self, self->library, ids);
}

void
vs_library_view_copy_selected_paths (VsLibraryView *self)
{
  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));
  selected_paths (self, PATHS_COPY);
}

void
vs_library_view_show_selected (VsLibraryView *self)
{
  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));
  selected_paths (self, PATHS_SHOW);
}

/* A new query's rows replace the old ones all at once: the view shows them from the first,
 * where GtkGridView would keep the old scroll offset (the end of the list after a switch
 * to Descending). */
static void
on_model_items_changed (VsLibraryView *self,
                        guint          position,
                        guint          removed,
                        guint          added,
                        GListModel    *model)
{
  follow_renamed (self);
  if (!self->to_top || position != 0 || added != g_list_model_get_n_items (model))
    return;
  self->to_top = FALSE;
  /* After the grid took the change in: it moved its anchor with the item it showed, so
   * an adjustment already at 0 would change nothing. */
  if (added > 0 && self->mode == VS_VIEW_MODE_GRID)
    gtk_widget_activate_action (GTK_WIDGET (self->grid), "list.scroll-to-item", "u", 0);
  else if (added > 0)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->list_scroller), 0);
}

static void attach_model (VsLibraryView *self);

/* The list's headers show the query's sort, whoever chose it; the hidden list's only once
 * it is shown. */
static void
show_sort (VsLibraryView *self)
{
  if (self->mode != VS_VIEW_MODE_LIST || !self->has_query)
    return;
  self->showing_sort = TRUE;
  vs_video_columns_show_sort (self->list, self->sort, self->descending);
  self->showing_sort = FALSE;
}

void
vs_library_view_set_library (VsLibraryView  *self,
                             VsLibrary      *library,
                             VsTextureCache *textures)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(VsSelection) selection = NULL;

  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));
  g_return_if_fail (VS_IS_LIBRARY (library));
  g_return_if_fail (VS_IS_TEXTURE_CACHE (textures));
  g_return_if_fail (self->library == NULL);

  self->library = g_object_ref (library);
  self->textures = g_object_ref (textures);
  self->model = vs_library_new_model (library);
  update_decode_size (self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_cell), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cell), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_cell), self, 0);
  selection = vs_selection_new (G_LIST_MODEL (g_object_ref (self->model)));
  g_signal_connect_object (selection, "selection-changed", G_CALLBACK (update_n_selected), self,
                           G_CONNECT_SWAPPED);
  /* a new query can drop selected rows without a ::selection-changed */
  g_signal_connect_object (selection, "items-changed", G_CALLBACK (update_n_selected), self,
                           G_CONNECT_SWAPPED);
  gtk_grid_view_set_factory (self->grid, factory);
  vs_video_columns_add (self->list, library);
  estimate_columns (self);
  self->selection = GTK_SELECTION_MODEL (g_object_ref (selection));
  attach_model (self);
  /* after the grid's own handler (through the selection) */
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (on_model_items_changed),
                           self, G_CONNECT_SWAPPED);
  start_after_first_paint (self);
}

gboolean
vs_library_view_get_starting (VsLibraryView *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), FALSE);
  return self->paint_id != 0 || self->startup_scan_id != 0;
}

VsLibraryModel *
vs_library_view_get_model (VsLibraryView *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), NULL);
  return self->model;
}

void
vs_library_view_set_query (VsLibraryView      *self,
                           const VsVideoQuery *query)
{
  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));

  if (self->model == NULL)
    return;
  self->to_top = TRUE;
  vs_library_model_set_query (self->model, query);
  self->has_query = TRUE;
  self->sort = query->sort;
  self->descending = query->descending;
  show_sort (self);
}

GtkScrolledWindow *
vs_library_view_get_scroller (VsLibraryView *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), NULL);
  return self->scroller;
}

GtkGridView *
vs_library_view_get_grid (VsLibraryView *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), NULL);
  return self->grid;
}

/* The width the view will have, before it is allocated (the first frame's columns). */
void
vs_library_view_set_width_hint (VsLibraryView *self,
                                int            width)
{
  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));
  self->width_hint = width;
}

/* Zoom ---------------------------------------------------------------------------- */

static gboolean
on_zoom_scroll (gpointer user_data)
{
  VsLibraryView *self = user_data;

  self->zoom_scroll_id = 0;
  if (self->model != NULL &&
      self->zoom_position < g_list_model_get_n_items (G_LIST_MODEL (self->model)))
    gtk_widget_activate_action (GTK_WIDGET (self->grid), "list.scroll-to-item", "u",
                                self->zoom_position);
  return G_SOURCE_REMOVE;
}

/* The item the keyboard is on, else the first selected one: what a zoom keeps in view. */
static guint
zoom_anchor (VsLibraryView *self)
{
  GtkWidget *cell = focused_cell (self);
  GtkListItem *item = cell != NULL ? g_object_get_data (G_OBJECT (cell), "vs-list-item") : NULL;
  g_autoptr(GtkBitset) set = NULL;

  if (item != NULL)
    return gtk_list_item_get_position (item);
  if (self->selection == NULL)
    return GTK_INVALID_LIST_POSITION;
  set = gtk_selection_model_get_selection (self->selection);
  return gtk_bitset_is_empty (set) ? GTK_INVALID_LIST_POSITION : gtk_bitset_get_minimum (set);
}

/* The cells' size: every cell the grid keeps takes the new box at once (no rebind), the
 * columns and the texture budget follow, and the focused item stays in view. */
void
vs_library_view_set_zoom (VsLibraryView *self,
                          VsZoom         zoom)
{
  guint anchor;

  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));
  g_return_if_fail ((guint) zoom < G_N_ELEMENTS (zoom_sizes));

  if (zoom == self->zoom)
    return;
  anchor = zoom_anchor (self);
  self->zoom = zoom;
  update_decode_size (self);
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->grid)); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *cell = gtk_widget_get_first_child (item);

      if (cell != NULL && VS_IS_VIDEO_CELL (cell))
        vs_video_cell_set_picture_size (VS_VIDEO_CELL (cell), zoom_sizes[zoom].width,
                                        zoom_sizes[zoom].height);
    }
  /* textures of the old size nothing shows any more */
  if (self->textures != NULL)
    vs_texture_cache_trim (self->textures, REST_TEXTURE_BYTES);
  schedule_columns (self);
  g_clear_handle_id (&self->zoom_scroll_id, g_source_remove);
  if (anchor != GTK_INVALID_LIST_POSITION)
    {
      /* once the columns are set (they move the item) */
      self->zoom_position = anchor;
      self->zoom_scroll_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, on_zoom_scroll, self,
                                              NULL);
    }
}

VsZoom
vs_library_view_get_zoom (VsLibraryView *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), VS_ZOOM_MEDIUM);
  return self->zoom;
}

/* The width of a cell's picture at the view's zoom (for tests and the benchmark). */
int
vs_library_view_get_picture_width (VsLibraryView *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), 0);
  return zoom_sizes[self->zoom].width;
}

/* View mode ------------------------------------------------------------------------ */

/* Only the view shown has the model: the other makes no row for it. The selection, the
 * model and its query are the same for both. */
static void
attach_model (VsLibraryView *self)
{
  gboolean list = self->mode == VS_VIEW_MODE_LIST;

  if (self->selection == NULL)
    return;
  if (list)
    {
      gtk_grid_view_set_model (self->grid, NULL);
      gtk_column_view_set_model (self->list, self->selection);
    }
  else
    {
      gtk_column_view_set_model (self->list, NULL);
      gtk_grid_view_set_model (self->grid, self->selection);
    }
}

void
vs_library_view_set_mode (VsLibraryView *self,
                          VsViewMode     mode)
{
  GtkRoot *root;
  GtkWidget *focus;
  gboolean had_focus;

  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));
  g_return_if_fail (mode == VS_VIEW_MODE_GRID || mode == VS_VIEW_MODE_LIST);

  if (mode == self->mode)
    return;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  had_focus = focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self));
  self->mode = mode;
  gtk_stack_set_visible_child_name (self->pages, mode == VS_VIEW_MODE_LIST ? "list" : "grid");
  attach_model (self);
  show_sort (self);
  if (had_focus)
    gtk_widget_grab_focus (items_widget (self));
}

/* The grid or the list, whichever is shown (where the keyboard goes). */
GtkWidget *
vs_library_view_get_items (VsLibraryView *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), NULL);
  return items_widget (self);
}

GtkColumnView *
vs_library_view_get_list (VsLibraryView *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), NULL);
  return self->list;
}

void
vs_library_view_select_all (VsLibraryView *self)
{
  g_return_if_fail (VS_IS_LIBRARY_VIEW (self));
  if (self->selection != NULL)
    gtk_selection_model_select_all (self->selection);
}

VsViewMode
vs_library_view_get_mode (VsLibraryView *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_VIEW (self), VS_VIEW_MODE_GRID);
  return self->mode;
}
