/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-video-columns.c: the list view's columns and their headers' sort.
 *
 * A row must stay as cheap as a grid cell (tests/bench/README.md): each cell is one
 * GtkInscription (measured once per font, not per text), its text set on bind from the
 * item's record and again when the record changes (a placeholder filled); no controller on
 * any row: the view handles clicks, menus and drags for all of them. */
#define G_LOG_DOMAIN "vs-video-columns"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-format.h"
#include "vs-video-cell.h"
#include "vs-video-columns.h"

typedef enum
{
  COLUMN_NAME,
  COLUMN_DURATION,
  COLUMN_RESOLUTION,
  COLUMN_SIZE,
  COLUMN_MODIFIED,
  COLUMN_ADDED,
  COLUMN_WATCHED,
  COLUMN_FOLDER,
  N_COLUMNS
} Column;

static const struct {
  const char *title;
  VsSortKey   sort;
  gboolean    numeric;    /* right-aligned, tabular figures */
  gboolean    expand;
  int         width;      /* fixed width, -1: what the title needs */
} columns[N_COLUMNS] = {
  [COLUMN_NAME]       = { N_("Name"), VS_SORT_NAME, FALSE, TRUE, -1 },
  [COLUMN_DURATION]   = { N_("Duration"), VS_SORT_DURATION, TRUE, FALSE, 90 },
  [COLUMN_RESOLUTION] = { N_("Resolution"), VS_SORT_RESOLUTION, TRUE, FALSE, 110 },
  [COLUMN_SIZE]       = { N_("Size"), VS_SORT_SIZE, TRUE, FALSE, 90 },
  [COLUMN_MODIFIED]   = { N_("Modified"), VS_SORT_MTIME, FALSE, FALSE, 130 },
  /* Translators: the list column of when each video joined the library */
  [COLUMN_ADDED]      = { N_("Added"), VS_SORT_ADDED, FALSE, FALSE, 130 },
  /* its order is the last play's: what was watched lately first, descending */
  [COLUMN_WATCHED]    = { N_("Watched"), VS_SORT_LAST_PLAYED, FALSE, FALSE, 100 },
  [COLUMN_FOLDER]     = { N_("Folder"), VS_SORT_FOLDER, FALSE, TRUE, -1 },
};

/* What the cells share: the library's roots, for the folder column. */
typedef struct
{
  VsLibrary *library;     /* borrowed: the view holds it */
  GStrv      roots;       /* its roots' paths, longest first */
} Columns;

static void
columns_free (gpointer data)
{
  Columns *c = data;

  g_strfreev (c->roots);
  g_free (c);
}

static int
compare_length_desc (gconstpointer a,
                     gconstpointer b)
{
  return (int) strlen (*(const char * const *) b) - (int) strlen (*(const char * const *) a);
}

static void
update_roots (Columns    *c,
              guint       position,
              guint       removed,
              guint       added,
              GListModel *model)
{
  g_auto(GStrv) roots = vs_library_dup_root_paths (c->library);

  qsort (roots, g_strv_length (roots), sizeof (char *), compare_length_desc);
  g_strfreev (c->roots);
  c->roots = g_steal_pointer (&roots);
}

/* The folder a video is in, below its library folder ("Trips/2023"), or the library
 * folder's own name when it is right in it. */
static char *
folder_text (Columns             *c,
             const VsVideoRecord *r)
{
  g_autofree char *dir = g_path_get_dirname (r->path);

  /* an HLS item is its folder: where that folder is */
  if (r->kind == VS_VIDEO_KIND_HLS)
    {
      char *parent = g_path_get_dirname (dir);

      g_free (dir);
      dir = parent;
    }
  for (guint i = 0; c->roots != NULL && c->roots[i] != NULL; i++)
    {
      gsize n = strlen (c->roots[i]);

      if (strncmp (dir, c->roots[i], n) != 0 || (dir[n] != '/' && dir[n] != '\0'))
        continue;
      if (dir[n] == '\0')
        return g_filename_display_basename (dir);
      return g_filename_display_name (dir + n + 1);
    }
  return g_filename_display_name (dir);
}

static char *
cell_text (Columns *c,
           Column   column,
           VsVideo *video)
{
  const VsVideoRecord *r = video != NULL && !vs_video_get_loading (video)
                           ? vs_video_get_record (video) : NULL;

  if (r == NULL)
    return NULL;
  switch (column)
    {
    case COLUMN_NAME:
      return g_strdup (vs_video_get_title (video));
    case COLUMN_DURATION:
      /* as the grid's badge says it (the reason is in the Properties) */
      if (r->probe_state == VS_MEDIA_STATE_FAILED)
        return g_strdup (_("Unplayable"));
      return r->duration_ms >= 0 ? vs_format_duration (r->duration_ms) : NULL;
    case COLUMN_RESOLUTION:
      /* Translators: a video's picture size in pixels, width × height */
      return r->width > 0 && r->height > 0
             ? g_strdup_printf (C_("resolution", "%d×%d"), r->width, r->height) : NULL;
    case COLUMN_SIZE:
      return g_format_size (r->size);
    case COLUMN_MODIFIED:
      return vs_format_date (vs_video_get_mtime (video), vs_video_cell_caption_now ());
    case COLUMN_ADDED:
      /* unknown in a library from before the date was kept */
      return r->added_ns != 0
             ? vs_format_date (r->added_ns / G_GINT64_CONSTANT (1000000000),
                               vs_video_cell_caption_now ())
             : NULL;
    case COLUMN_WATCHED:
      if (r->watched)
        return g_strdup (_("Watched"));
      if (r->position_ms > 0 && r->duration_ms > 0)
        /* Translators: how far a video in progress was watched, e.g. "45 %" */
        return g_strdup_printf (_("%d %%"),
                                (int) CLAMP (r->position_ms * 100 / r->duration_ms, 1, 99));
      return r->position_ms > 0 ? g_strdup (_("In Progress")) : NULL;
    case COLUMN_FOLDER:
      return folder_text (c, r);
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

static void
update_cell (GtkListItem *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (child), "vs-column"));
  Columns *c = g_object_get_data (G_OBJECT (child), "vs-columns");
  g_autofree char *text = cell_text (c, column, gtk_list_item_get_item (item));

  gtk_inscription_set_text (GTK_INSCRIPTION (child), text);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (label),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (columns[column].numeric)
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (label), 1.0);
      gtk_widget_add_css_class (label, "numeric");
    }
  if (column != COLUMN_NAME)
    gtk_widget_add_css_class (label, "dim-label");
  /* The row selects and activates: a cell doing it too would undo a Ctrl+click's toggle
   * (GTK 4.8 gives each cell its own click handling). */
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_activatable (item, FALSE);
  g_object_set_data (G_OBJECT (label), "vs-list-item", item);
  g_object_set_data (G_OBJECT (label), "vs-column", GINT_TO_POINTER (column));
  g_object_set_data (G_OBJECT (label), "vs-columns",
                     g_object_get_data (G_OBJECT (factory), "vs-columns"));
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  /* the record changes once per change of the item (a placeholder filled, a rescan) */
  g_signal_connect_object (gtk_list_item_get_item (item), "notify::record",
                           G_CALLBACK (update_cell), item, G_CONNECT_SWAPPED);
  update_cell (item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (item), update_cell, item);
  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (item)), NULL);
}

/* The headers' sort, read back --------------------------------------------------- */

/* GTK 4.8 has no getter for a column view's sort column (4.10 has): its sorter is asked to
 * compare a probe, and the first column sorter it consults (the primary column's) marks
 * it; the answer's sign is the direction (a descending column's answer is inverted). No
 * list is ever sorted by these sorters: the library sorts in SQL. */
#define PROBE_MAGIC 0x56534f52u

typedef struct
{
  guint32   magic;
  gboolean  found;
  VsSortKey key;
} Probe;

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  Probe *probe = (Probe *) a;

  if (probe->magic != PROBE_MAGIC)
    return 0;
  if (!probe->found)
    {
      probe->found = TRUE;
      probe->key = (VsSortKey) GPOINTER_TO_INT (user_data);
    }
  return -1;
}

gboolean
vs_video_columns_get_sort (GtkColumnView *view,
                           VsSortKey     *key,
                           gboolean      *descending)
{
  Probe probe = { PROBE_MAGIC, FALSE, VS_SORT_NAME };
  Probe other = { PROBE_MAGIC, TRUE, VS_SORT_NAME };
  GtkOrdering order;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), FALSE);

  order = gtk_sorter_compare (gtk_column_view_get_sorter (view), &probe, &other);
  if (!probe.found || order == GTK_ORDERING_EQUAL)
    return FALSE;
  *key = probe.key;
  *descending = order == GTK_ORDERING_LARGER;
  return TRUE;
}

void
vs_video_columns_show_sort (GtkColumnView *view,
                            VsSortKey      key,
                            gboolean       descending)
{
  GListModel *list;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  list = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (list, i);

      if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "vs-sort")) == (int) key)
        {
          gtk_column_view_sort_by_column (view, column, descending ? GTK_SORT_DESCENDING
                                                                   : GTK_SORT_ASCENDING);
          return;
        }
    }
  gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
}

void
vs_video_columns_add (GtkColumnView *view,
                      VsLibrary     *library)
{
  Columns *c;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));
  g_return_if_fail (VS_IS_LIBRARY (library));

  c = g_new0 (Columns, 1);
  c->library = library;
  update_roots (c, 0, 0, 0, vs_library_get_roots (library));
  g_object_set_data_full (G_OBJECT (view), "vs-columns", c, columns_free);
  /* (the columns live as long as the view, which holds the library) */
  g_signal_connect_swapped (vs_library_get_roots (library), "items-changed",
                            G_CALLBACK (update_roots), c);

  for (Column i = 0; i < N_COLUMNS; i++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      g_autoptr(GtkSorter) sorter = NULL;

      g_object_set_data (G_OBJECT (factory), "vs-columns", c);
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), NULL);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), NULL);
      column = gtk_column_view_column_new (_(columns[i].title), g_object_ref (factory));
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare,
                                                  GINT_TO_POINTER (columns[i].sort), NULL));
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (columns[i].width > 0)
        gtk_column_view_column_set_fixed_width (column, columns[i].width);
      g_object_set_data (G_OBJECT (column), "vs-sort", GINT_TO_POINTER (columns[i].sort));
      gtk_column_view_append_column (view, column);
    }
}
