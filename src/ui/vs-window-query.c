/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-window-query.c: what the library window asks of its model: the sort (the setting, or
 * a view's own order), the search and the filters, with the filter popover and the chips
 * that show and remove each filter */
#define G_LOG_DOMAIN "vs-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-format.h"
#include "vs-window-private.h"

/* The popover's choices: each a stateful action's target; "custom" is a range no button
 * stands for (a collection made elsewhere, a statistics bar), "any" none at all. */
typedef struct
{
  const char *id;
  int         min;
  int         max;
} Band;

static const Band height_bands[] = {
  { "sd", 0, 719 }, { "720p", 720, 1079 }, { "1080p", 1080, 2159 }, { "4k", 2160, 0 },
};

#define MINUTE_MS 60000
static const Band duration_bands[] = {
  { "short", 0, MINUTE_MS - 1 },
  { "medium", MINUTE_MS, 10 * MINUTE_MS - 1 },
  { "long", 10 * MINUTE_MS, 60 * MINUTE_MS - 1 },
  { "feature", 60 * MINUTE_MS, 0 },
};

static const struct {
  const char *id;
  guint       days;
} modified_bands[] = {
  { "day", 1 }, { "week", 7 }, { "month", 30 }, { "year", 365 },
};

static const char * const kind_ids[] = {
  [VS_KIND_FILTER_ANY] = "any", [VS_KIND_FILTER_FILE] = "file", [VS_KIND_FILTER_HLS] = "hls",
  [VS_KIND_FILTER_HLS_COMPLETE] = "hls-complete",
  [VS_KIND_FILTER_HLS_INCOMPLETE] = "hls-incomplete",
};
static const char * const watched_ids[] = {
  [VS_WATCHED_FILTER_ANY] = "any", [VS_WATCHED_FILTER_WATCHED] = "watched",
  [VS_WATCHED_FILTER_UNWATCHED] = "unwatched", [VS_WATCHED_FILTER_IN_PROGRESS] = "in-progress",
  [VS_WATCHED_FILTER_PLAYED] = "played",
};
static const char * const problem_ids[] = {
  [VS_PROBLEM_FILTER_ANY] = "any", [VS_PROBLEM_FILTER_BROKEN] = "broken",
  [VS_PROBLEM_FILTER_UNPROBED] = "unprobed",
};

/* The chips' and the remove action's names of the filters, in VsQueryFilter's order. */
static const char * const filter_names[] = {
  [VS_QUERY_FILTER_KIND] = "kind", [VS_QUERY_FILTER_HEIGHT] = "resolution",
  [VS_QUERY_FILTER_CODEC] = "codec", [VS_QUERY_FILTER_DURATION] = "duration",
  [VS_QUERY_FILTER_MODIFIED] = "modified", [VS_QUERY_FILTER_WATCHED] = "watched",
  [VS_QUERY_FILTER_PROBLEM] = "problem",
};
G_STATIC_ASSERT (G_N_ELEMENTS (filter_names) == VS_QUERY_N_FILTERS);

static int
index_of (const char * const *ids,
          guint               n_ids,
          const char         *id)
{
  for (guint i = 0; i < n_ids; i++)
    if (g_strcmp0 (ids[i], id) == 0)
      return (int) i;
  return -1;
}

static const char *
height_band (const VsVideoQuery *q)
{
  if (!vs_video_query_has_filter (q, VS_QUERY_FILTER_HEIGHT))
    return "any";
  for (guint i = 0; i < G_N_ELEMENTS (height_bands); i++)
    if (MAX (q->min_height, 0) == height_bands[i].min &&
        MAX (q->max_height, 0) == height_bands[i].max)
      return height_bands[i].id;
  return "custom";
}

static const char *
duration_band (const VsVideoQuery *q)
{
  if (!vs_video_query_has_filter (q, VS_QUERY_FILTER_DURATION))
    return "any";
  for (guint i = 0; i < G_N_ELEMENTS (duration_bands); i++)
    if (MAX (q->min_duration_ms, 0) == duration_bands[i].min &&
        MAX (q->max_duration_ms, 0) == duration_bands[i].max)
      return duration_bands[i].id;
  return "custom";
}

static const char *
modified_band (const VsVideoQuery *q)
{
  if (!vs_video_query_has_filter (q, VS_QUERY_FILTER_MODIFIED))
    return "any";
  if (q->modified_since_ns == 0 && q->modified_until_ns == 0)
    for (guint i = 0; i < G_N_ELEMENTS (modified_bands); i++)
      if (q->modified_within_days == modified_bands[i].days)
        return modified_bands[i].id;
  return "custom";
}

/* The sort ------------------------------------------------------------------------ */

/* The sort shown: a view's own while it has one (Continue Watching, Recently Played, a
 * collection), else the setting every window shares. */
static void
get_sort (VsWindow  *self,
          VsSortKey *out_key,
          gboolean  *out_descending)
{
  if (self->has_view_sort)
    {
      *out_key = self->view_sort;
      *out_descending = self->view_sort_descending;
    }
  else
    {
      g_autofree char *key = g_settings_get_string (self->settings, "sort-key");

      *out_key = VS_SORT_NAME;
      vs_sort_key_from_string (key, out_key);
      *out_descending = g_settings_get_boolean (self->settings, "sort-descending");
    }
}

static void
sync_sort_actions (VsWindow *self)
{
  VsSortKey key;
  gboolean descending;

  get_sort (self, &key, &descending);
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                          "sort-key")),
                             g_variant_new_string (vs_sort_key_to_string (key)));
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                          "sort-descending")),
                             g_variant_new_boolean (descending));
}

void
_vs_window_set_sort (VsWindow  *self,
                     VsSortKey  key,
                     gboolean   descending)
{
  g_autofree char *current = NULL;

  if (self->has_view_sort)
    {
      self->view_sort = key;
      self->view_sort_descending = descending;
      _vs_window_apply_query (self);
      return;
    }
  /* the settings' change applies it, in every window */
  current = g_settings_get_string (self->settings, "sort-key");
  if (g_strcmp0 (current, vs_sort_key_to_string (key)) != 0)
    g_settings_set_string (self->settings, "sort-key", vs_sort_key_to_string (key));
  if (g_settings_get_boolean (self->settings, "sort-descending") != descending)
    g_settings_set_boolean (self->settings, "sort-descending", descending);
}

static void
change_sort_key (GSimpleAction *action,
                 GVariant      *value,
                 gpointer       user_data)
{
  VsWindow *self = user_data;
  VsSortKey key, current;
  gboolean descending;

  if (!vs_sort_key_from_string (g_variant_get_string (value, NULL), &key))
    return;
  /* the direction stays as it is */
  get_sort (self, &current, &descending);
  _vs_window_set_sort (self, key, descending);
}

static void
change_sort_descending (GSimpleAction *action,
                        GVariant      *value,
                        gpointer       user_data)
{
  VsWindow *self = user_data;
  VsSortKey key;
  gboolean descending;

  get_sort (self, &key, &descending);
  _vs_window_set_sort (self, key, g_variant_get_boolean (value));
}

static void
on_sort_setting_changed (VsWindow *self)
{
  if (!self->has_view_sort)
    _vs_window_apply_query (self);
}

/* The query ----------------------------------------------------------------------- */

/* The views of what was played have an order of their own, the latest first, kept while
 * the view is shown; the setting stays as it is, for the other views. */
static gboolean
is_played_view (VsSidebarView view)
{
  return view == VS_SIDEBAR_VIEW_CONTINUE || view == VS_SIDEBAR_VIEW_RECENT;
}

/* The sort a view starts with: the latest played first, or the setting's. */
static void
reset_view_sort (VsWindow *self)
{
  self->has_view_sort = is_played_view (vs_sidebar_get_view (self->sidebar));
  self->view_sort = VS_SORT_LAST_PLAYED;
  self->view_sort_descending = TRUE;
}

/* A collection loads its own sort (_vs_window_load_query()), whichever of the two hears
 * of the new view first. */
static void
follow_view (VsWindow *self)
{
  VsSidebarView view = vs_sidebar_get_view (self->sidebar);

  if (view == self->shown_view)
    return;
  if (view != VS_SIDEBAR_VIEW_COLLECTION &&
      (is_played_view (view) || is_played_view (self->shown_view)))
    reset_view_sort (self);
  self->shown_view = view;
}

static void
build_query (VsWindow     *self,
             VsVideoQuery *query)
{
  *query = (VsVideoQuery) { 0 };
  vs_video_query_copy_filters (query, self->filters);
  get_sort (self, &query->sort, &query->descending);
  query->search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  query->folder = vs_sidebar_get_folder (self->sidebar);
  query->recursive = vs_sidebar_get_recursive (self->sidebar);
  query->hls_only = vs_sidebar_get_hls_only (self->sidebar);
  switch (vs_sidebar_get_view (self->sidebar))
    {
    case VS_SIDEBAR_VIEW_CONTINUE:
      query->watched = VS_WATCHED_FILTER_IN_PROGRESS;
      break;
    case VS_SIDEBAR_VIEW_RECENT:
      query->watched = VS_WATCHED_FILTER_PLAYED;
      break;
    case VS_SIDEBAR_VIEW_FOLDER:
    case VS_SIDEBAR_VIEW_HLS:
    case VS_SIDEBAR_VIEW_COLLECTION:  /* its query is loaded (vs-window-collections.c) */
    case VS_SIDEBAR_VIEW_STATISTICS:   /* not a grid: the grid behind it is All Videos' */
    case VS_SIDEBAR_VIEW_DUPLICATES:
    default:
      break;
    }
}

void
_vs_window_apply_query (VsWindow *self)
{
  VsVideoQuery query;

  follow_view (self);
  build_query (self, &query);
  sync_sort_actions (self);
  /* the downloads' own view offers to merge them all */
  gtk_widget_set_visible (self->merge_all_button, query.hls_only);
  vs_library_view_set_query (self->view, &query);
  _vs_window_update_title (self);
}

VsVideoQuery *
_vs_window_dup_query (VsWindow *self)
{
  VsVideoQuery query;

  g_return_val_if_fail (VS_IS_WINDOW (self), NULL);

  build_query (self, &query);
  query.folder = NULL;
  query.recursive = FALSE;
  query.hls_only = FALSE;
  return vs_video_query_copy (&query);
}

/* The filters --------------------------------------------------------------------- */

static char *
format_days (gint64 ns)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (ns / 1000000000);

  return time != NULL ? g_date_time_format (time, "%x") : g_strdup ("?");
}

/* What a chip says of one filter. */
static char *
describe_filter (const VsVideoQuery *q,
                 VsQueryFilter       filter)
{
  const char *band;

  switch (filter)
    {
    case VS_QUERY_FILTER_KIND:
      switch (q->kind)
        {
        case VS_KIND_FILTER_HLS:
          return g_strdup (_("HLS Downloads"));
        case VS_KIND_FILTER_HLS_COMPLETE:
          return g_strdup (_("HLS: Ready to Merge"));
        case VS_KIND_FILTER_HLS_INCOMPLETE:
          return g_strdup (_("HLS: Incomplete"));
        case VS_KIND_FILTER_FILE:
        case VS_KIND_FILTER_ANY:
        default:
          return g_strdup (_("Video Files"));
        }
    case VS_QUERY_FILTER_HEIGHT:
      band = height_band (q);
      if (g_str_equal (band, "sd"))
        return g_strdup (_("SD"));
      if (g_str_equal (band, "720p") || g_str_equal (band, "1080p"))
        return g_strdup (band);
      if (g_str_equal (band, "4k"))
        return g_strdup (_("4K and Above"));
      if (q->max_height <= 0)
        /* Translators: a filter's chip: pictures at least this many lines high */
        return g_strdup_printf (_("%d Lines or More"), q->min_height);
      /* Translators: a filter's chip: picture heights, e.g. "500–900 Lines" */
      return g_strdup_printf (_("%d–%d Lines"), MAX (q->min_height, 0), q->max_height);
    case VS_QUERY_FILTER_CODEC:
      return g_strdup (q->video_codec);
    case VS_QUERY_FILTER_DURATION:
      band = duration_band (q);
      if (g_str_equal (band, "short"))
        return g_strdup (_("Under 1 Minute"));
      if (g_str_equal (band, "medium"))
        return g_strdup (_("1–10 Minutes"));
      if (g_str_equal (band, "long"))
        return g_strdup (_("10–60 Minutes"));
      if (g_str_equal (band, "feature"))
        return g_strdup (_("Over 1 Hour"));
      {
        g_autofree char *min = vs_format_duration (MAX (q->min_duration_ms, 0));
        g_autofree char *max = q->max_duration_ms > 0 ? vs_format_duration (q->max_duration_ms)
                                                      : NULL;

        if (max == NULL)
          /* Translators: a filter's chip: durations of at least this */
          return g_strdup_printf (_("%s or Longer"), min);
        /* Translators: a filter's chip: a range of durations */
        return g_strdup_printf (_("%s to %s"), min, max);
      }
    case VS_QUERY_FILTER_MODIFIED:
      band = modified_band (q);
      if (g_str_equal (band, "day"))
        return g_strdup (_("Modified Today"));
      if (g_str_equal (band, "week"))
        return g_strdup (_("Modified This Week"));
      if (g_str_equal (band, "month"))
        return g_strdup (_("Modified This Month"));
      if (g_str_equal (band, "year"))
        return g_strdup (_("Modified This Year"));
      {
        g_autofree char *since = q->modified_since_ns != 0 ? format_days (q->modified_since_ns)
                                                          : NULL;
        g_autofree char *until = q->modified_until_ns != 0 ? format_days (q->modified_until_ns)
                                                          : NULL;

        if (since != NULL && until != NULL)
          /* Translators: a filter's chip: modified between two dates */
          return g_strdup_printf (_("Modified %s to %s"), since, until);
        if (since != NULL)
          /* Translators: a filter's chip: modified on or after a date */
          return g_strdup_printf (_("Modified Since %s"), since);
        if (until != NULL)
          /* Translators: a filter's chip: modified before a date */
          return g_strdup_printf (_("Modified Before %s"), until);
        /* Translators: a filter's chip: modified in the last N days */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Modified in the Last %u Day",
                                             "Modified in the Last %u Days",
                                             q->modified_within_days),
                                q->modified_within_days);
      }
    case VS_QUERY_FILTER_WATCHED:
      switch (q->watched)
        {
        case VS_WATCHED_FILTER_WATCHED:
          return g_strdup (_("Watched"));
        case VS_WATCHED_FILTER_UNWATCHED:
          return g_strdup (_("Unwatched"));
        case VS_WATCHED_FILTER_IN_PROGRESS:
          return g_strdup (_("In Progress"));
        case VS_WATCHED_FILTER_PLAYED:
          return g_strdup (_("Played"));
        case VS_WATCHED_FILTER_ANY:
        default:
          return NULL;
        }
    case VS_QUERY_FILTER_PROBLEM:
      return g_strdup (q->problem == VS_PROBLEM_FILTER_BROKEN ? _("Unplayable")
                                                              : _("Not Probed Yet"));
    case VS_QUERY_N_FILTERS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static GtkWidget *
make_chip (VsQueryFilter  filter,
           const char    *text)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (text);
  g_autofree char *tooltip = NULL;

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("window-close-symbolic"));
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "filter-chip");
  gtk_widget_set_name (button, filter_names[filter]);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.remove-filter");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", filter_names[filter]);
  /* Translators: the tooltip of a filter's chip, e.g. "Remove the filter “1080p”" */
  tooltip = g_strdup_printf (_("Remove the filter “%s”"), text);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static void
set_action_state (VsWindow   *self,
                  const char *name,
                  const char *state)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (state));
}

/* The popover's buttons, the codec list's choice and the chips, from the filters. */
static void
show_filters (VsWindow *self)
{
  const VsVideoQuery *q = self->filters;
  GtkWidget *child;
  gboolean any = vs_video_query_has_filters (q);

  set_action_state (self, "filter-kind", kind_ids[q->kind]);
  set_action_state (self, "filter-resolution", height_band (q));
  set_action_state (self, "filter-duration", duration_band (q));
  set_action_state (self, "filter-modified", modified_band (q));
  set_action_state (self, "filter-watched", watched_ids[q->watched]);
  set_action_state (self, "filter-problem", problem_ids[q->problem]);
  set_action_state (self, "filter-codec", q->video_codec != NULL ? q->video_codec : "");

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->filter_chips))) != NULL)
    gtk_box_remove (self->filter_chips, child);
  for (guint i = 0; i < VS_QUERY_N_FILTERS; i++)
    {
      g_autofree char *text = NULL;

      if (!vs_video_query_has_filter (q, (VsQueryFilter) i))
        continue;
      text = describe_filter (q, (VsQueryFilter) i);
      if (text != NULL)
        gtk_box_append (self->filter_chips, make_chip ((VsQueryFilter) i, text));
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-filters", any);
  if (any)
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "accent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "accent");
  _vs_window_update_page (self);
}

/* Takes a copy of @query's filters (they may point into the current ones); FALSE when they
 * are the ones shown already. */
static gboolean
replace_filters (VsWindow           *self,
                 const VsVideoQuery *query)
{
  VsVideoQuery only = { 0 };
  VsVideoQuery *copy;

  vs_video_query_copy_filters (&only, query);
  /* both hold filters only: equal queries select the same rows */
  if (self->filters != NULL && vs_video_query_equal (self->filters, &only))
    return FALSE;
  copy = vs_video_query_copy (&only);
  g_free (self->filters);
  self->filters = copy;
  return TRUE;
}

static void
set_filters (VsWindow           *self,
             const VsVideoQuery *filters)
{
  if (!replace_filters (self, filters))
    return;
  show_filters (self);
  _vs_window_apply_query (self);
}

static void
change_band (GSimpleAction *action,
             GVariant      *value,
             gpointer       user_data)
{
  VsWindow *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  const char *id = g_variant_get_string (value, NULL);
  VsVideoQuery q = *self->filters;
  int i;

  if (g_str_equal (id, "custom"))
    return;
  if (g_str_equal (name, "filter-kind"))
    {
      if ((i = index_of (kind_ids, G_N_ELEMENTS (kind_ids), id)) < 0)
        return;
      q.kind = (VsKindFilter) i;
    }
  else if (g_str_equal (name, "filter-watched"))
    {
      if ((i = index_of (watched_ids, G_N_ELEMENTS (watched_ids), id)) < 0)
        return;
      q.watched = (VsWatchedFilter) i;
    }
  else if (g_str_equal (name, "filter-problem"))
    {
      if ((i = index_of (problem_ids, G_N_ELEMENTS (problem_ids), id)) < 0)
        return;
      q.problem = (VsProblemFilter) i;
    }
  else if (g_str_equal (name, "filter-codec"))
    q.video_codec = id[0] != '\0' ? id : NULL;
  else if (g_str_equal (name, "filter-resolution"))
    {
      vs_video_query_clear_filter (&q, VS_QUERY_FILTER_HEIGHT);
      for (guint b = 0; b < G_N_ELEMENTS (height_bands); b++)
        if (g_str_equal (id, height_bands[b].id))
          {
            q.min_height = height_bands[b].min;
            q.max_height = height_bands[b].max;
          }
    }
  else if (g_str_equal (name, "filter-duration"))
    {
      vs_video_query_clear_filter (&q, VS_QUERY_FILTER_DURATION);
      for (guint b = 0; b < G_N_ELEMENTS (duration_bands); b++)
        if (g_str_equal (id, duration_bands[b].id))
          {
            q.min_duration_ms = duration_bands[b].min;
            q.max_duration_ms = duration_bands[b].max;
          }
    }
  else if (g_str_equal (name, "filter-modified"))
    {
      vs_video_query_clear_filter (&q, VS_QUERY_FILTER_MODIFIED);
      for (guint b = 0; b < G_N_ELEMENTS (modified_bands); b++)
        if (g_str_equal (id, modified_bands[b].id))
          q.modified_within_days = modified_bands[b].days;
    }
  set_filters (self, &q);
}

static void
remove_filter_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  VsWindow *self = user_data;
  int i = index_of (filter_names, G_N_ELEMENTS (filter_names),
                    g_variant_get_string (parameter, NULL));
  VsVideoQuery q = *self->filters;

  if (i < 0)
    return;
  vs_video_query_clear_filter (&q, (VsQueryFilter) i);
  set_filters (self, &q);
}

static void
clear_filters_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  VsVideoQuery none = { 0 };

  set_filters (VS_WINDOW (user_data), &none);
}

/* Replaces the filters and the search, and with @use_sort the sort as the view's own. */
static void
load_query (VsWindow           *self,
            const VsVideoQuery *query,
            gboolean            use_sort)
{
  if (use_sort)
    {
      self->has_view_sort = TRUE;
      self->view_sort = query->sort;
      self->view_sort_descending = query->descending;
    }
  else
    reset_view_sort (self);
  /* the search entry applies the query again once its text settles: the same query, no
   * reload */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry),
                         query->search != NULL ? query->search : "");
  if (query->search != NULL && query->search[0] != '\0')
    gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  replace_filters (self, query);
  show_filters (self);
  _vs_window_apply_query (self);
}

void
_vs_window_load_query (VsWindow           *self,
                       const VsVideoQuery *query)
{
  VsVideoQuery none = { 0 };

  g_return_if_fail (VS_IS_WINDOW (self));

  load_query (self, query != NULL ? query : &none, query != NULL);
}

/* A statistics bar's link: All Videos with the query's filters and search, in the order
 * the window shows now. */
static void
show_query_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  VsWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree VsVideoQuery *query = vs_video_query_new_from_string (
    g_variant_get_string (parameter, NULL), &error);

  if (query == NULL)
    {
      g_warning ("Cannot show that query: %s", error->message);
      return;
    }
  vs_sidebar_select_all_videos (self->sidebar);
  load_query (self, query, FALSE);
}

/* The flow box's own child takes no focus: Tab goes from button to button. */
static void
append_codec (VsWindow  *self,
              GtkWidget *button)
{
  gtk_flow_box_append (self->codec_box, button);
  gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
}

/* The codecs of the library, with their counts, read when the popover opens. */
static void
on_codecs_counted (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codecs = vs_library_count_codecs_finish (VS_LIBRARY (object), result,
                                                                &error);
  GtkWidget *child;

  if (codecs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Counting codecs: %s", error->message);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->codec_box))) != NULL)
    gtk_flow_box_remove (self->codec_box, child);
  {
    GtkWidget *any = gtk_toggle_button_new_with_label (C_("filter", "Any"));

    gtk_actionable_set_action_name (GTK_ACTIONABLE (any), "win.filter-codec");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (any), "s", "");
    append_codec (self, any);
  }
  /* the most common few: a long tail of rare codecs is for the statistics page */
  for (guint i = 0; i < MIN (codecs->len, 8); i++)
    {
      VsCodecCount *c = g_ptr_array_index (codecs, i);
      g_autofree char *count = g_strdup_printf ("%'" G_GINT64_FORMAT, c->count);
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *name = gtk_label_new (c->codec);
      GtkWidget *number = gtk_label_new (count);

      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (name), 20);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_add_css_class (number, "dim-label");
      gtk_widget_add_css_class (number, "numeric");
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), number);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_set_tooltip_text (button, c->codec);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.filter-codec");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", c->codec);
      append_codec (self, button);
    }
}

static void
on_filter_popover_shown (VsWindow *self)
{
  if (!vs_library_get_readable (self->library))
    return;
  g_cancellable_cancel (self->codecs_cancellable);
  g_clear_object (&self->codecs_cancellable);
  self->codecs_cancellable = g_cancellable_new ();
  vs_library_count_codecs_async (self->library, self->codecs_cancellable, on_codecs_counted,
                                 g_object_ref (self));
}

static void
show_filters_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  gtk_menu_button_popup (VS_WINDOW (user_data)->filter_button);
}

void
_vs_window_init_query (VsWindow *self)
{
  const GActionEntry entries[] = {
    { "sort-key", NULL, "s", "'name'", change_sort_key },
    { "sort-descending", NULL, NULL, "false", change_sort_descending },
    { "filter-kind", NULL, "s", "'any'", change_band },
    { "filter-resolution", NULL, "s", "'any'", change_band },
    { "filter-codec", NULL, "s", "''", change_band },
    { "filter-duration", NULL, "s", "'any'", change_band },
    { "filter-modified", NULL, "s", "'any'", change_band },
    { "filter-watched", NULL, "s", "'any'", change_band },
    { "filter-problem", NULL, "s", "'any'", change_band },
    { "remove-filter", remove_filter_action, "s" },
    { "clear-filters", clear_filters_action },
    { "show-query", show_query_action, "s" },
    { "show-filters", show_filters_action },
  };
  VsVideoQuery none = { 0 };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  self->filters = vs_video_query_copy (&none);
  self->shown_view = VS_SIDEBAR_VIEW_FOLDER;
  g_signal_connect_object (self->settings, "changed::sort-key",
                           G_CALLBACK (on_sort_setting_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::sort-descending",
                           G_CALLBACK (on_sort_setting_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_popover, "show", G_CALLBACK (on_filter_popover_shown),
                           self, G_CONNECT_SWAPPED);
  show_filters (self);
  sync_sort_actions (self);
}

void
_vs_window_finalize_query (VsWindow *self)
{
  g_cancellable_cancel (self->codecs_cancellable);
  g_clear_object (&self->codecs_cancellable);
  g_clear_pointer (&self->filters, g_free);
}
