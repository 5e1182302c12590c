/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-bar-chart.c: a horizontal bar chart whose bars link to the videos they count
 *
 * One row a bar, top to bottom: the label, the bar (a GtkDrawingArea painting a rounded
 * rectangle in the accent colour, its length the count over the chart's largest), then
 * the figures. A row with a query is a flat GtkButton acting win.show-query, so it takes
 * the focus with Tab, activates with a click, Enter or Space, and is insensitive where no
 * window provides the action; one without is a plain box. The labels and the figures go
 * in size groups, so the bars of a chart start and end at the same place.
 */
#define G_LOG_DOMAIN "vs-ui"

#include "config.h"

#include "vs-bar-chart.h"

struct _VsBarChart
{
  GtkWidget     parent_instance;

  /* owned */
  GtkSizeGroup *labels;
  GtkSizeGroup *figures;

  gint64        max_count;
  guint         n_bars;
};

G_DEFINE_FINAL_TYPE (VsBarChart, vs_bar_chart, GTK_TYPE_WIDGET)

#define BAR_HEIGHT 10.0

static void
draw_bar (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  VsBarChart *self = VS_BAR_CHART (gtk_widget_get_ancestor (GTK_WIDGET (area),
                                                            VS_TYPE_BAR_CHART));
  gint64 count = *(gint64 *) user_data;
  GdkRGBA accent;
  double length, y = (height - BAR_HEIGHT) / 2, r = BAR_HEIGHT / 2;

  if (self == NULL || self->max_count <= 0)
    return;
  /* the colour CSS gives the bar: the accent (see style.css) */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &accent);
  G_GNUC_END_IGNORE_DEPRECATIONS
  length = (double) width * count / self->max_count;
  /* a bar of one video among thousands still shows */
  length = count > 0 ? MAX (length, BAR_HEIGHT) : 0;

  /* the track, faint, then the bar */
  gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { accent.red, accent.green, accent.blue, 0.12 });
  cairo_new_sub_path (cr);
  cairo_arc (cr, width - r, y + r, r, -G_PI / 2, G_PI / 2);
  cairo_arc (cr, r, y + r, r, G_PI / 2, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_fill (cr);
  if (length <= 0)
    return;
  gdk_cairo_set_source_rgba (cr, &accent);
  cairo_new_sub_path (cr);
  cairo_arc (cr, length - r, y + r, r, -G_PI / 2, G_PI / 2);
  cairo_arc (cr, r, y + r, r, G_PI / 2, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static GtkWidget *
make_row (VsBarChart *self,
          const char *label,
          gint64      count,
          const char *figures)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (label);
  GtkWidget *bar = gtk_drawing_area_new ();
  GtkWidget *numbers = gtk_label_new (figures);
  gint64 *data = g_new (gint64, 1);

  *data = count;
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  /* wide enough for most codecs' names, so the charts of a page line up */
  gtk_label_set_width_chars (GTK_LABEL (name), 20);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 28);
  gtk_label_set_xalign (GTK_LABEL (numbers), 1);
  gtk_widget_add_css_class (numbers, "dim-label");
  gtk_widget_add_css_class (numbers, "numeric");
  gtk_widget_add_css_class (bar, "stats-bar");
  gtk_widget_set_hexpand (bar, TRUE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (bar), (int) BAR_HEIGHT + 4);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (bar), draw_bar, data, g_free);
  gtk_size_group_add_widget (self->labels, name);
  gtk_size_group_add_widget (self->figures, numbers);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), numbers);
  return box;
}

void
vs_bar_chart_add_bar (VsBarChart *self,
                      const char *label,
                      gint64      count,
                      const char *figures,
                      const char *tooltip,
                      const char *query)
{
  GtkWidget *row;

  g_return_if_fail (VS_IS_BAR_CHART (self));
  g_return_if_fail (label != NULL && figures != NULL);

  row = make_row (self, label, count, figures);
  if (query != NULL)
    {
      GtkWidget *button = gtk_button_new ();

      gtk_button_set_child (GTK_BUTTON (button), row);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "stats-link");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.show-query");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", query);
      row = button;
    }
  else
    gtk_widget_add_css_class (row, "stats-row");
  gtk_widget_set_tooltip_text (row, tooltip);
  gtk_widget_set_parent (row, GTK_WIDGET (self));
  self->n_bars++;
  if (count > self->max_count)
    {
      self->max_count = count;
      /* every bar is measured against the largest */
      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        gtk_widget_queue_draw (child);
    }
}

void
vs_bar_chart_clear (VsBarChart *self)
{
  GtkWidget *child;

  g_return_if_fail (VS_IS_BAR_CHART (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->max_count = 0;
  self->n_bars = 0;
}

guint
vs_bar_chart_get_n_bars (VsBarChart *self)
{
  g_return_val_if_fail (VS_IS_BAR_CHART (self), 0);

  return self->n_bars;
}

GtkWidget *
vs_bar_chart_get_bar (VsBarChart *self,
                      guint       index)
{
  GtkWidget *child;

  g_return_val_if_fail (VS_IS_BAR_CHART (self), NULL);

  child = gtk_widget_get_first_child (GTK_WIDGET (self));
  for (guint i = 0; child != NULL && i < index; i++)
    child = gtk_widget_get_next_sibling (child);
  return child;
}

GtkWidget *
vs_bar_chart_new (void)
{
  return g_object_new (VS_TYPE_BAR_CHART, NULL);
}

static void
vs_bar_chart_dispose (GObject *object)
{
  VsBarChart *self = VS_BAR_CHART (object);

  vs_bar_chart_clear (self);
  g_clear_object (&self->labels);
  g_clear_object (&self->figures);
  G_OBJECT_CLASS (vs_bar_chart_parent_class)->dispose (object);
}

static void
vs_bar_chart_class_init (VsBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_bar_chart_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "barchart");
}

static void
vs_bar_chart_init (VsBarChart *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 2);
  self->labels = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->figures = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
}
