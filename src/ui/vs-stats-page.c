/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-stats-page.c: the Statistics page
 *
 * The figures are read on a worker (vs_library_query_stats_async()) when the page is
 * mapped — the window's stack maps only the page it shows — and, while it stays shown,
 * half a second after the library's last ::changed (a scan changes it many times); a
 * change while hidden only marks the figures stale for the next showing. The spinner
 * shows during the first read only: later ones keep the old figures until the new ones
 * are in. Every read is cancelled by the next one and by dispose.
 */
#define G_LOG_DOMAIN "vs-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vs-format.h"
#include "vs-stats-page.h"

#define RELOAD_DELAY_MS 500

struct _VsStatsPage
{
  GtkWidget       parent_instance;

  /* template children */
  GtkStack       *stack;
  GtkSpinner     *spinner;
  GtkLabel       *videos_label;
  GtkLabel       *size_label;
  GtkLabel       *duration_label;
  GtkLabel       *duration_label_caption;
  GtkLabel       *watched_label;
  GtkLabel       *watched_label_caption;
  VsBarChart     *codec_chart;
  VsBarChart     *resolution_chart;
  VsBarChart     *container_chart;
  VsBarChart     *year_chart;
  VsBarChart     *files_chart;
  GtkLabel       *merge_label;

  /* owned */
  VsLibrary      *library;
  GCancellable   *cancellable;
  VsLibraryStats *stats;

  guint           reload_id;
  gboolean        stale;
  guint           n_loads;
};

G_DEFINE_FINAL_TYPE (VsStatsPage, vs_stats_page, GTK_TYPE_WIDGET)

static char *
count_and_size (gint64 count,
                gint64 bytes)
{
  g_autofree char *size = g_format_size (bytes);
  g_autofree char *n = g_strdup_printf ("%'" G_GINT64_FORMAT, count);

  /* Translators: a bar's figures: how many videos · how much space they take */
  return g_strdup_printf (_("%s · %s"), n, size);
}

static char *
group_label (const VsStatsGroup *g,
             VsStatsBreakdown    breakdown)
{
  if (breakdown == VS_STATS_BY_RESOLUTION)
    switch (g->value)
      {
      case VS_STATS_RESOLUTION_SD:
        return g_strdup (_("SD (under 720p)"));
      case VS_STATS_RESOLUTION_720P:
        return g_strdup ("720p");
      case VS_STATS_RESOLUTION_1080P:
        return g_strdup ("1080p");
      case VS_STATS_RESOLUTION_4K:
        return g_strdup (_("4K and above"));
      default:
        return g_strdup (_("Unknown"));
      }
  if (g->key == NULL)
    return g_strdup (breakdown == VS_STATS_BY_CODEC ? _("Unknown or no picture") : _("Unknown"));
  return g_strdup (g->key);
}

static void
fill_chart (VsBarChart           *chart,
            const VsLibraryStats *stats,
            VsStatsBreakdown      breakdown)
{
  guint n = 0;
  const VsStatsGroup *groups = vs_library_stats_get_groups (stats, breakdown, &n);

  vs_bar_chart_clear (chart);
  for (guint i = 0; i < n; i++)
    {
      const VsStatsGroup *g = &groups[i];
      g_autofree char *label = group_label (g, breakdown);
      g_autofree char *figures = count_and_size (g->n_videos, g->bytes);
      g_autofree char *duration = vs_format_duration (g->duration_ms);
      g_autofree char *query = g->has_filter ? vs_video_query_to_string (&g->filter) : NULL;
      g_autofree char *tooltip = NULL;
      g_autofree char *n_videos = g_strdup_printf ("%'" G_GINT64_FORMAT, g->n_videos);

      if (query != NULL)
        /* Translators: a bar's tooltip: the group, then its videos' total duration */
        tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Show the %s video of %s (%s)",
                                                "Show the %s videos of %s (%s)",
                                                (gulong) MIN (g->n_videos, G_MAXULONG)),
                                   n_videos, label, duration);
      else
        /* Translators: the tooltip of a bar no filter can show */
        tooltip = g_strdup_printf (_("%s: %s in all"), label, duration);
      vs_bar_chart_add_bar (chart, label, g->n_videos, figures, tooltip, query);
    }
}

static void
add_link (VsBarChart         *chart,
          const char         *label,
          gint64              count,
          const char         *figures,
          const char         *tooltip,
          const VsVideoQuery *filter)
{
  g_autofree char *query = filter != NULL && count > 0 ? vs_video_query_to_string (filter)
                                                       : NULL;

  vs_bar_chart_add_bar (chart, label, count, figures, tooltip, query);
}

/* HLS downloads, those not merged, broken files and files not probed yet. */
static void
fill_files (VsStatsPage          *self,
            const VsLibraryStats *stats)
{
  const VsVideoQuery hls = { .kind = VS_KIND_FILTER_HLS };
  const VsVideoQuery broken = { .problem = VS_PROBLEM_FILTER_BROKEN };
  const VsVideoQuery unprobed = { .problem = VS_PROBLEM_FILTER_UNPROBED };
  g_autofree char *all = count_and_size (stats->n_hls, stats->hls_bytes);
  g_autofree char *unmerged = count_and_size (stats->n_hls_unmerged, stats->hls_unmerged_bytes);
  g_autofree char *n_broken = g_strdup_printf ("%'" G_GINT64_FORMAT, stats->n_broken);
  g_autofree char *n_unprobed = g_strdup_printf ("%'" G_GINT64_FORMAT, stats->n_unprobed);
  g_autofree char *frees = g_format_size (stats->hls_merge_frees);
  g_autofree char *merge = NULL;

  vs_bar_chart_clear (self->files_chart);
  add_link (self->files_chart, _("HLS downloads"), stats->n_hls, all,
            _("Show the HLS downloads"), &hls);
  add_link (self->files_chart, _("Not merged yet"), stats->n_hls_unmerged, unmerged,
            _("Downloads without an MP4 of their name beside their folder"), NULL);
  add_link (self->files_chart, _("Broken files"), stats->n_broken, n_broken,
            _("Show the files that could not be read"), &broken);
  add_link (self->files_chart, _("Not probed yet"), stats->n_unprobed, n_unprobed,
            _("Show the files whose length and picture are not known yet"), &unprobed);

  if (stats->n_hls_unmerged > 0)
    merge = g_strdup_printf (_("Merging the downloads not merged yet into MP4 files, then "
                               "moving them to the trash, would free about %s: an MP4 "
                               "takes about %d %% of the space of its download."),
                             frees, (int) (VS_STATS_MERGE_RATIO * 100 + 0.5));
  gtk_label_set_label (self->merge_label, merge != NULL ? merge : "");
  gtk_widget_set_visible (GTK_WIDGET (self->merge_label), merge != NULL);
}

static void
show_stats (VsStatsPage *self)
{
  const VsLibraryStats *stats = self->stats;
  g_autofree char *videos = g_strdup_printf ("%'" G_GINT64_FORMAT, stats->n_videos);
  g_autofree char *size = g_format_size (stats->bytes);
  g_autofree char *duration = vs_format_duration (stats->duration_ms);
  g_autofree char *watched = g_strdup_printf ("%'" G_GINT64_FORMAT, stats->n_watched);
  g_autofree char *duration_caption = NULL;
  g_autofree char *watched_caption = NULL;

  gtk_spinner_set_spinning (self->spinner, FALSE);
  if (stats->n_videos == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  gtk_label_set_label (self->videos_label, videos);
  gtk_label_set_label (self->size_label, size);
  gtk_label_set_label (self->duration_label, duration);
  gtk_label_set_label (self->watched_label, watched);
  if (stats->n_unknown_duration > 0)
    /* Translators: under the total duration: how many videos it leaves out */
    {
      g_autofree char *n = g_strdup_printf ("%'" G_GINT64_FORMAT, stats->n_unknown_duration);

      duration_caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "Total Duration (%s unknown)",
                                                       "Total Duration (%s unknown)",
                                                       (gulong) stats->n_unknown_duration),
                                          n);
    }
  gtk_label_set_label (self->duration_label_caption,
                       duration_caption ? duration_caption : _("Total Duration"));
  if (stats->n_in_progress > 0)
    /* Translators: under the number of videos watched */
    {
      g_autofree char *n = g_strdup_printf ("%'" G_GINT64_FORMAT, stats->n_in_progress);

      watched_caption = g_strdup_printf (_("Watched (%s in progress)"), n);
    }
  gtk_label_set_label (self->watched_label_caption,
                       watched_caption ? watched_caption : _("Watched"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->duration_label_caption), duration_caption);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->watched_label_caption), watched_caption);

  fill_chart (self->codec_chart, stats, VS_STATS_BY_CODEC);
  fill_chart (self->resolution_chart, stats, VS_STATS_BY_RESOLUTION);
  fill_chart (self->container_chart, stats, VS_STATS_BY_CONTAINER);
  fill_chart (self->year_chart, stats, VS_STATS_BY_YEAR);
  fill_files (self, stats);
  gtk_stack_set_visible_child_name (self->stack, "figures");
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VsStatsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  VsLibraryStats *stats = vs_library_query_stats_finish (VS_LIBRARY (object), result, &error);

  if (stats == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Reading the statistics: %s", error->message);
      return;
    }
  g_clear_pointer (&self->stats, vs_library_stats_free);
  self->stats = stats;
  self->n_loads++;
  show_stats (self);
}

static void
reload (VsStatsPage *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->stale = FALSE;
  if (self->library == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->stats == NULL)
    {
      gtk_spinner_set_spinning (self->spinner, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  vs_library_query_stats_async (self->library, self->cancellable, on_loaded,
                                g_object_ref (self));
}

static gboolean
reload_timeout (gpointer user_data)
{
  VsStatsPage *self = user_data;

  self->reload_id = 0;
  reload (self);
  return G_SOURCE_REMOVE;
}

static void
on_library_changed (VsStatsPage *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  /* debounced: a scan emits ::changed again and again */
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_timeout, self);
}

void
vs_stats_page_set_library (VsStatsPage *self,
                           VsLibrary   *library)
{
  g_return_if_fail (VS_IS_STATS_PAGE (self));
  g_return_if_fail (library == NULL || VS_IS_LIBRARY (library));

  if (self->library == library)
    return;
  if (self->library != NULL)
    g_signal_handlers_disconnect_by_data (self->library, self);
  g_set_object (&self->library, library);
  g_clear_pointer (&self->stats, vs_library_stats_free);
  if (library != NULL)
    g_signal_connect_object (library, "changed", G_CALLBACK (on_library_changed), self,
                             G_CONNECT_SWAPPED);
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
}

VsBarChart *
vs_stats_page_get_chart (VsStatsPage     *self,
                         VsStatsBreakdown breakdown)
{
  g_return_val_if_fail (VS_IS_STATS_PAGE (self), NULL);

  switch (breakdown)
    {
    case VS_STATS_BY_CODEC:
      return self->codec_chart;
    case VS_STATS_BY_RESOLUTION:
      return self->resolution_chart;
    case VS_STATS_BY_CONTAINER:
      return self->container_chart;
    case VS_STATS_BY_YEAR:
      return self->year_chart;
    case VS_STATS_N_BREAKDOWNS:
    default:
      return self->files_chart;
    }
}

const VsLibraryStats *
vs_stats_page_get_stats (VsStatsPage *self)
{
  g_return_val_if_fail (VS_IS_STATS_PAGE (self), NULL);

  return self->stats;
}

guint
vs_stats_page_get_n_loads (VsStatsPage *self)
{
  g_return_val_if_fail (VS_IS_STATS_PAGE (self), 0);

  return self->n_loads;
}

const char *
vs_stats_page_get_headline (VsStatsPage *self,
                            guint        index)
{
  GtkLabel *labels[] = { self->videos_label, self->size_label, self->duration_label,
                         self->watched_label };

  g_return_val_if_fail (VS_IS_STATS_PAGE (self), NULL);
  g_return_val_if_fail (index < G_N_ELEMENTS (labels), NULL);

  return gtk_label_get_label (labels[index]);
}

GtkWidget *
vs_stats_page_new (void)
{
  return g_object_new (VS_TYPE_STATS_PAGE, NULL);
}

static void
vs_stats_page_map (GtkWidget *widget)
{
  VsStatsPage *self = VS_STATS_PAGE (widget);

  GTK_WIDGET_CLASS (vs_stats_page_parent_class)->map (widget);
  /* shown: read the figures when they are stale or were never read */
  if (self->stale || self->stats == NULL)
    reload (self);
}

static void
vs_stats_page_dispose (GObject *object)
{
  VsStatsPage *self = VS_STATS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->library != NULL)
    g_signal_handlers_disconnect_by_data (self->library, self);
  g_clear_object (&self->library);
  g_clear_pointer (&self->stats, vs_library_stats_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_STATS_PAGE);
  G_OBJECT_CLASS (vs_stats_page_parent_class)->dispose (object);
}

static void
vs_stats_page_class_init (VsStatsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_stats_page_dispose;
  widget_class->map = vs_stats_page_map;

  g_type_ensure (VS_TYPE_BAR_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-stats-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, videos_label);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, size_label);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, duration_label);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, duration_label_caption);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, watched_label);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, watched_label_caption);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, codec_chart);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, resolution_chart);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, container_chart);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, year_chart);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, files_chart);
  gtk_widget_class_bind_template_child (widget_class, VsStatsPage, merge_label);
}

static void
vs_stats_page_init (VsStatsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
