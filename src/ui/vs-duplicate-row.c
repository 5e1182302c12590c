/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-duplicate-row.c: one group of the Duplicates page
 *
 * A row of the page's list view: a header with the group's figures and its two buttons,
 * then one card a video, side by side: its thumbnail (a VsVideoCell, so the texture cache
 * and hover scrub are the grid's), a Keep or Trash badge and the facts to decide with.
 * Clicking a card keeps that video instead. The cards are built when the row is bound
 * and dropped when it is unbound: only the groups on screen hold video rows.
 */
#define G_LOG_DOMAIN "vs-duplicates"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-duplicate-row.h"
#include "vs-format.h"
#include "vs-video-cell.h"

struct _VsDuplicateRow
{
  GtkWidget        parent_instance;

  /* children */
  GtkLabel        *title;
  GtkLabel        *subtitle;
  GtkWidget       *not_duplicates_button;
  GtkWidget       *trash_button;
  GtkBox          *cards_box;

  /* owned */
  VsTextureCache  *textures;
  VsDuplicateItem *item;
  GPtrArray       *records;   /* VsVideoRecord, in the order of the cards */
  GPtrArray       *cards;     /* GtkWidget (the card buttons), borrowed from cards_box */
};

G_DEFINE_FINAL_TYPE (VsDuplicateRow, vs_duplicate_row, GTK_TYPE_WIDGET)

enum {
  SIGNAL_TRASH_OTHERS,
  SIGNAL_NOT_DUPLICATES,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Facts ---------------------------------------------------------------------------- */

static char *
format_bitrate (const VsVideoRecord *r)
{
  double bps;

  if (r->duration_ms <= 0 || r->size <= 0)
    return g_strdup ("—");
  bps = (double) r->size * 8.0 * 1000.0 / (double) r->duration_ms;
  if (bps >= 1e6)
    /* Translators: a bitrate in megabits a second */
    return g_strdup_printf (_("%.1f Mb/s"), bps / 1e6);
  /* Translators: a bitrate in kilobits a second */
  return g_strdup_printf (_("%.0f kb/s"), bps / 1e3);
}

static char *
format_fact (const VsVideoRecord *r,
             VsDuplicateFact      fact)
{
  switch (fact)
    {
    case VS_DUPLICATE_FACT_RESOLUTION:
      if (r->width <= 0 || r->height <= 0)
        return g_strdup ("—");
      /* Translators: a picture's width × height in pixels */
      return g_strdup_printf (_("%d × %d"), r->width, r->height);
    case VS_DUPLICATE_FACT_CODEC:
      return g_strdup (r->video_codec != NULL && r->video_codec[0] != '\0' ? r->video_codec
                                                                           : "—");
    case VS_DUPLICATE_FACT_BITRATE:
      return format_bitrate (r);
    case VS_DUPLICATE_FACT_DURATION:
      return r->duration_ms >= 0 ? vs_format_duration (r->duration_ms) : g_strdup ("—");
    case VS_DUPLICATE_FACT_SIZE:
      return g_format_size (r->size);
    case VS_DUPLICATE_FACT_DATE:
      return vs_format_date (r->mtime_ns / G_GINT64_CONSTANT (1000000000),
                             vs_video_cell_caption_now ());
    case VS_DUPLICATE_FACT_FOLDER:
    case VS_DUPLICATE_N_FACTS:
    default:
      {
        g_autofree char *dir = g_path_get_dirname (r->path);

        return g_filename_display_name (dir);
      }
    }
}

static const char *
fact_caption (VsDuplicateFact fact)
{
  switch (fact)
    {
    case VS_DUPLICATE_FACT_RESOLUTION:
      return _("Resolution");
    case VS_DUPLICATE_FACT_CODEC:
      return _("Codec");
    case VS_DUPLICATE_FACT_BITRATE:
      return _("Bitrate");
    case VS_DUPLICATE_FACT_DURATION:
      return _("Duration");
    case VS_DUPLICATE_FACT_SIZE:
      return _("Size");
    case VS_DUPLICATE_FACT_DATE:
      return _("Modified");
    case VS_DUPLICATE_FACT_FOLDER:
    case VS_DUPLICATE_N_FACTS:
    default:
      return _("Folder");
    }
}

/* Cards ---------------------------------------------------------------------------- */

static GtkLabel *
card_badge (GtkWidget *card)
{
  return g_object_get_data (G_OBJECT (card), "vs-badge");
}

static void
update_badges (VsDuplicateRow *self)
{
  gint64 kept = self->item != NULL ? vs_duplicate_item_get_kept_id (self->item) : 0;

  for (guint i = 0; i < self->cards->len; i++)
    {
      GtkWidget *card = g_ptr_array_index (self->cards, i);
      const VsVideoRecord *r = g_ptr_array_index (self->records, i);
      GtkLabel *badge = card_badge (card);
      gboolean keep = r->id == kept;

      gtk_label_set_label (badge, keep ? _("Keep") : _("Trash"));
      gtk_widget_set_visible (GTK_WIDGET (badge), kept != 0);
      if (keep)
        {
          gtk_widget_add_css_class (card, "duplicate-keep");
          gtk_widget_remove_css_class (card, "duplicate-trash");
        }
      else
        {
          gtk_widget_add_css_class (card, "duplicate-trash");
          gtk_widget_remove_css_class (card, "duplicate-keep");
        }
      gtk_widget_set_tooltip_text (card, keep ? _("Kept") : _("Keep this copy instead"));
    }
}

static void
on_card_clicked (GtkButton      *card,
                 VsDuplicateRow *self)
{
  guint index = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (card), "vs-index"));
  const VsVideoRecord *r = g_ptr_array_index (self->records, index);

  if (self->item != NULL)
    vs_duplicate_item_set_chosen (self->item, r->id);
}

static GtkWidget *
fact_grid (const VsVideoRecord *r)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  for (VsDuplicateFact fact = 0; fact < VS_DUPLICATE_N_FACTS; fact++)
    {
      g_autofree char *text = format_fact (r, fact);
      GtkWidget *caption = gtk_label_new (fact_caption (fact));
      GtkWidget *value = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_ellipsize (GTK_LABEL (value), PANGO_ELLIPSIZE_MIDDLE);
      gtk_label_set_max_width_chars (GTK_LABEL (value), 24);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_widget_set_tooltip_text (value, text);
      gtk_grid_attach (GTK_GRID (grid), caption, 0, fact, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 1, fact, 1, 1);
    }
  return grid;
}

static GtkWidget *
build_card (VsDuplicateRow      *self,
            const VsVideoRecord *r,
            guint                index)
{
  g_autoptr(VsVideo) video = vs_video_new_from_record (r);
  GtkWidget *card = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *cell = GTK_WIDGET (vs_video_cell_new (self->textures));
  GtkWidget *badge = gtk_label_new (NULL);
  GtkWidget *grid = fact_grid (r);

  gtk_widget_add_css_class (card, "duplicate-card");
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (badge, "duplicate-badge");
  gtk_widget_set_halign (badge, GTK_ALIGN_START);
  vs_video_cell_set_video (VS_VIDEO_CELL (cell), video);
  gtk_box_append (GTK_BOX (box), cell);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_box_append (GTK_BOX (box), grid);
  gtk_button_set_child (GTK_BUTTON (card), box);
  g_object_set_data (G_OBJECT (card), "vs-badge", badge);
  g_object_set_data (G_OBJECT (card), "vs-grid", grid);
  g_object_set_data (G_OBJECT (card), "vs-cell", cell);
  g_object_set_data (G_OBJECT (card), "vs-index", GSIZE_TO_POINTER (index));
  g_signal_connect_object (card, "clicked", G_CALLBACK (on_card_clicked), self, 0);
  return card;
}

static int
compare_by_id (gconstpointer a,
               gconstpointer b)
{
  const VsVideoRecord *ra = *(VsVideoRecord * const *) a;
  const VsVideoRecord *rb = *(VsVideoRecord * const *) b;

  return ra->id < rb->id ? -1 : ra->id > rb->id;
}

static void
clear_cards (VsDuplicateRow *self)
{
  for (guint i = 0; i < self->cards->len; i++)
    {
      GtkWidget *card = g_ptr_array_index (self->cards, i);

      /* unbinding cancels the cell's thumbnail and filmstrip requests */
      vs_video_cell_set_video (g_object_get_data (G_OBJECT (card), "vs-cell"), NULL);
      gtk_box_remove (self->cards_box, card);
    }
  g_ptr_array_set_size (self->cards, 0);
  g_clear_pointer (&self->records, g_ptr_array_unref);
}

static void
update_header (VsDuplicateRow *self)
{
  guint n = vs_duplicate_item_get_n_videos (self->item);
  g_autofree char *size = g_format_size (vs_duplicate_item_get_bytes (self->item));
  g_autofree char *title = NULL;

  /* Translators: a duplicate group's heading: how many copies, their size on disk */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u copy · %s", "%u copies · %s", n),
                           n, size);
  gtk_label_set_label (self->title, title);
  gtk_label_set_label (self->subtitle, vs_duplicate_item_get_exact (self->item)
                                       ? _("Exact copies")
                                       : _("Look alike"));
}

void
vs_duplicate_row_bind (VsDuplicateRow  *self,
                       VsDuplicateItem *item,
                       GPtrArray       *records)
{
  g_return_if_fail (VS_IS_DUPLICATE_ROW (self));
  g_return_if_fail (item == NULL || VS_IS_DUPLICATE_ITEM (item));
  g_return_if_fail (item == NULL || records != NULL);

  clear_cards (self);
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_set_object (&self->item, item);
  if (item == NULL)
    {
      g_clear_pointer (&records, g_ptr_array_unref);
      return;
    }
  self->records = records;
  g_ptr_array_sort (self->records, compare_by_id);
  for (guint i = 0; i < self->records->len; i++)
    {
      GtkWidget *card = build_card (self, g_ptr_array_index (self->records, i), i);

      g_ptr_array_add (self->cards, card);
      gtk_box_append (self->cards_box, card);
    }
  update_header (self);
  g_signal_connect_object (item, "notify::kept-id", G_CALLBACK (update_badges), self,
                           G_CONNECT_SWAPPED);
  update_badges (self);
}

VsDuplicateItem *
vs_duplicate_row_get_item (VsDuplicateRow *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ROW (self), NULL);
  return self->item;
}

guint
vs_duplicate_row_get_n_cards (VsDuplicateRow *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ROW (self), 0);
  return self->cards->len;
}

GtkWidget *
vs_duplicate_row_get_card (VsDuplicateRow *self,
                           guint           index)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ROW (self), NULL);
  g_return_val_if_fail (index < self->cards->len, NULL);
  return g_ptr_array_index (self->cards, index);
}

gint64
vs_duplicate_row_get_card_id (VsDuplicateRow *self,
                              guint           index)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ROW (self), 0);
  g_return_val_if_fail (index < self->cards->len, 0);
  return ((VsVideoRecord *) g_ptr_array_index (self->records, index))->id;
}

const char *
vs_duplicate_row_get_badge (VsDuplicateRow *self,
                            guint           index)
{
  GtkLabel *badge;

  g_return_val_if_fail (VS_IS_DUPLICATE_ROW (self), NULL);
  g_return_val_if_fail (index < self->cards->len, NULL);
  badge = card_badge (g_ptr_array_index (self->cards, index));
  return gtk_widget_get_visible (GTK_WIDGET (badge)) ? gtk_label_get_label (badge) : NULL;
}

const char *
vs_duplicate_row_get_fact (VsDuplicateRow *self,
                           guint           index,
                           VsDuplicateFact fact)
{
  GtkGrid *grid;

  g_return_val_if_fail (VS_IS_DUPLICATE_ROW (self), NULL);
  g_return_val_if_fail (index < self->cards->len, NULL);
  g_return_val_if_fail (fact < VS_DUPLICATE_N_FACTS, NULL);
  grid = g_object_get_data (G_OBJECT (g_ptr_array_index (self->cards, index)), "vs-grid");
  return gtk_label_get_label (GTK_LABEL (gtk_grid_get_child_at (grid, 1, fact)));
}

GtkWidget *
vs_duplicate_row_get_trash_button (VsDuplicateRow *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ROW (self), NULL);
  return self->trash_button;
}

GtkWidget *
vs_duplicate_row_get_not_duplicates_button (VsDuplicateRow *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATE_ROW (self), NULL);
  return self->not_duplicates_button;
}

/* GObject -------------------------------------------------------------------------- */

static void
on_trash_clicked (VsDuplicateRow *self)
{
  g_signal_emit (self, signals[SIGNAL_TRASH_OTHERS], 0);
}

static void
on_not_duplicates_clicked (VsDuplicateRow *self)
{
  g_signal_emit (self, signals[SIGNAL_NOT_DUPLICATES], 0);
}

GtkWidget *
vs_duplicate_row_new (VsTextureCache *textures)
{
  VsDuplicateRow *self;

  g_return_val_if_fail (VS_IS_TEXTURE_CACHE (textures), NULL);

  self = g_object_new (VS_TYPE_DUPLICATE_ROW, NULL);
  self->textures = g_object_ref (textures);
  return GTK_WIDGET (self);
}

static void
vs_duplicate_row_dispose (GObject *object)
{
  VsDuplicateRow *self = VS_DUPLICATE_ROW (object);
  GtkWidget *child;

  if (self->cards_box != NULL)
    vs_duplicate_row_bind (self, NULL, NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->cards_box = NULL;
  g_clear_object (&self->textures);
  G_OBJECT_CLASS (vs_duplicate_row_parent_class)->dispose (object);
}

static void
vs_duplicate_row_finalize (GObject *object)
{
  VsDuplicateRow *self = VS_DUPLICATE_ROW (object);

  g_clear_pointer (&self->cards, g_ptr_array_unref);
  g_clear_pointer (&self->records, g_ptr_array_unref);
  G_OBJECT_CLASS (vs_duplicate_row_parent_class)->finalize (object);
}

static void
vs_duplicate_row_class_init (VsDuplicateRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_duplicate_row_dispose;
  object_class->finalize = vs_duplicate_row_finalize;
  signals[SIGNAL_TRASH_OTHERS] = g_signal_new ("trash-others", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 0);
  signals[SIGNAL_NOT_DUPLICATES] = g_signal_new ("not-duplicates", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "duplicate-row");
}

static GtkWidget *
header_button (const char *label,
               const char *style)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_add_css_class (button, style);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  return button;
}

static void
vs_duplicate_row_init (VsDuplicateRow *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 8);
  self->cards = g_ptr_array_new ();
  self->title = GTK_LABEL (gtk_label_new (NULL));
  self->subtitle = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "heading");
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "dim-label");
  gtk_label_set_xalign (self->title, 0);
  gtk_label_set_xalign (self->subtitle, 0);
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->title));
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->subtitle));
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_box_append (GTK_BOX (header), titles);
  self->not_duplicates_button = header_button (_("_Not Duplicates"), "flat");
  self->trash_button = header_button (_("_Trash the Others"), "destructive-action");
  gtk_widget_set_tooltip_text (self->trash_button,
                               _("Move every copy but the kept one to the trash (Delete)"));
  g_signal_connect_object (self->not_duplicates_button, "clicked",
                           G_CALLBACK (on_not_duplicates_clicked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->trash_button, "clicked", G_CALLBACK (on_trash_clicked), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (header), self->not_duplicates_button);
  gtk_box_append (GTK_BOX (header), self->trash_button);
  gtk_widget_set_parent (header, GTK_WIDGET (self));

  self->cards_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12));
  /* room for the kept card's outline, which the scrolled window would clip */
  gtk_widget_set_margin_top (GTK_WIDGET (self->cards_box), 3);
  gtk_widget_set_margin_start (GTK_WIDGET (self->cards_box), 3);
  gtk_widget_set_margin_end (GTK_WIDGET (self->cards_box), 3);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->cards_box), 6);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->cards_box));
  gtk_widget_set_parent (scrolled, GTK_WIDGET (self));
}
