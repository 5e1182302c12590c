/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-video-query.c: a list query's filters, search and sort as text (saved collections,
 * the statistics page's links), and its filters one at a time (the window's chips) */
#define G_LOG_DOMAIN "vs-database"

#include "config.h"

#include "vs-database.h"

/* The text is a GVariant dictionary (a{sv}) in GVariant's text format: readable in the
 * index, and any key a later version adds is skipped by this one. The folder is not in
 * it: a collection spans the library, and a folder may be renamed or gone. */
#define KEY_SORT        "sort"
#define KEY_DESCENDING  "descending"
#define KEY_SEARCH      "search"
#define KEY_KIND        "kind"
#define KEY_MIN_HEIGHT  "min-height"
#define KEY_MAX_HEIGHT  "max-height"
#define KEY_CODEC       "codec"
#define KEY_MIN_DURATION "min-duration-ms"
#define KEY_MAX_DURATION "max-duration-ms"
#define KEY_SINCE       "modified-since-ns"
#define KEY_UNTIL       "modified-until-ns"
#define KEY_WITHIN_DAYS "modified-within-days"
#define KEY_WATCHED     "watched"
#define KEY_PROBLEM     "problem"

/* Longer texts are refused before parsing: a collection is a few hundred bytes. */
#define MAX_TEXT_LENGTH 4096

static const char * const sort_names[] = {
  [VS_SORT_NAME] = "name", [VS_SORT_MTIME] = "mtime", [VS_SORT_SIZE] = "size",
  [VS_SORT_DURATION] = "duration", [VS_SORT_RESOLUTION] = "resolution",
  [VS_SORT_FOLDER] = "folder", [VS_SORT_LAST_PLAYED] = "played", [VS_SORT_ADDED] = "added",
};

static const char * const kind_names[] = {
  [VS_KIND_FILTER_ANY] = "any", [VS_KIND_FILTER_FILE] = "file", [VS_KIND_FILTER_HLS] = "hls",
  [VS_KIND_FILTER_HLS_COMPLETE] = "hls-complete",
  [VS_KIND_FILTER_HLS_INCOMPLETE] = "hls-incomplete",
};

const char *
vs_kind_filter_to_string (VsKindFilter kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

gboolean
vs_kind_filter_from_string (const char   *str,
                            VsKindFilter *out_kind)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (str, kind_names[i]))
      {
        if (out_kind != NULL)
          *out_kind = (VsKindFilter) i;
        return TRUE;
      }
  return FALSE;
}

const char *
vs_sort_key_to_string (VsSortKey key)
{
  g_return_val_if_fail ((guint) key < G_N_ELEMENTS (sort_names) && sort_names[key] != NULL,
                        NULL);
  return sort_names[key];
}

char *
vs_video_query_to_string (const VsVideoQuery *query)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) value = NULL;
  VsKindFilter kind;

  g_return_val_if_fail (query != NULL, NULL);

  kind = query->kind;
  if (query->hls_only && kind != VS_KIND_FILTER_HLS_COMPLETE &&
      kind != VS_KIND_FILTER_HLS_INCOMPLETE)
    kind = VS_KIND_FILTER_HLS;
  g_variant_dict_insert (&dict, KEY_SORT, "s", vs_sort_key_to_string (query->sort));
  if (query->descending)
    g_variant_dict_insert (&dict, KEY_DESCENDING, "b", TRUE);
  if (query->search != NULL && query->search[0] != '\0' && g_utf8_validate (query->search, -1, NULL))
    g_variant_dict_insert (&dict, KEY_SEARCH, "s", query->search);
  if (kind != VS_KIND_FILTER_ANY)
    g_variant_dict_insert (&dict, KEY_KIND, "s", vs_kind_filter_to_string (kind));
  if (query->min_height > 0)
    g_variant_dict_insert (&dict, KEY_MIN_HEIGHT, "i", query->min_height);
  if (query->max_height > 0)
    g_variant_dict_insert (&dict, KEY_MAX_HEIGHT, "i", query->max_height);
  if (query->video_codec != NULL && query->video_codec[0] != '\0' &&
      g_utf8_validate (query->video_codec, -1, NULL))
    g_variant_dict_insert (&dict, KEY_CODEC, "s", query->video_codec);
  if (query->min_duration_ms > 0)
    g_variant_dict_insert (&dict, KEY_MIN_DURATION, "x", query->min_duration_ms);
  if (query->max_duration_ms > 0)
    g_variant_dict_insert (&dict, KEY_MAX_DURATION, "x", query->max_duration_ms);
  if (query->modified_since_ns != 0)
    g_variant_dict_insert (&dict, KEY_SINCE, "x", query->modified_since_ns);
  if (query->modified_until_ns != 0)
    g_variant_dict_insert (&dict, KEY_UNTIL, "x", query->modified_until_ns);
  if (query->modified_within_days > 0)
    g_variant_dict_insert (&dict, KEY_WITHIN_DAYS, "u", query->modified_within_days);
  if (query->watched != VS_WATCHED_FILTER_ANY)
    g_variant_dict_insert (&dict, KEY_WATCHED, "i", (int) query->watched);
  if (query->problem != VS_PROBLEM_FILTER_ANY)
    g_variant_dict_insert (&dict, KEY_PROBLEM, "i", (int) query->problem);
  value = g_variant_ref_sink (g_variant_dict_end (&dict));
  return g_variant_print (value, FALSE);
}

static gboolean
lookup_checked (GVariantDict       *dict,
                const char         *key,
                const GVariantType *type,
                GVariant          **out_value,
                GError            **error)
{
  g_autoptr(GVariant) value = g_variant_dict_lookup_value (dict, key, NULL);

  *out_value = NULL;
  if (value == NULL)
    return TRUE;
  if (!g_variant_is_of_type (value, type))
    {
      g_set_error (error, G_VARIANT_PARSE_ERROR, G_VARIANT_PARSE_ERROR_TYPE_ERROR,
                   "“%s” should be of type “%.*s”", key,
                   (int) g_variant_type_get_string_length (type),
                   g_variant_type_peek_string (type));
      return FALSE;
    }
  *out_value = g_steal_pointer (&value);
  return TRUE;
}

static gboolean
read_int64 (GVariantDict *dict,
            const char   *key,
            gboolean      allow_negative,
            gint64       *out,
            GError      **error)
{
  g_autoptr(GVariant) value = NULL;

  if (!lookup_checked (dict, key, G_VARIANT_TYPE_INT64, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  *out = g_variant_get_int64 (value);
  if (!allow_negative && *out < 0)
    {
      g_set_error (error, G_VARIANT_PARSE_ERROR, G_VARIANT_PARSE_ERROR_NUMBER_OUT_OF_RANGE,
                   "“%s” is negative", key);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_int (GVariantDict *dict,
          const char   *key,
          int           max,
          int          *out,
          GError      **error)
{
  g_autoptr(GVariant) value = NULL;
  int v;

  if (!lookup_checked (dict, key, G_VARIANT_TYPE_INT32, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  v = g_variant_get_int32 (value);
  if (v < 0 || v > max)
    {
      g_set_error (error, G_VARIANT_PARSE_ERROR, G_VARIANT_PARSE_ERROR_NUMBER_OUT_OF_RANGE,
                   "“%s” is out of range", key);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
read_string (GVariantDict  *dict,
             const char    *key,
             const char   **out,
             GError       **error)
{
  g_autoptr(GVariant) value = NULL;

  if (!lookup_checked (dict, key, G_VARIANT_TYPE_STRING, &value, error))
    return FALSE;
  if (value != NULL)
    /* the dictionary holds the value: the caller copies before it goes */
    *out = g_variant_get_string (value, NULL);
  return TRUE;
}

VsVideoQuery *
vs_video_query_new_from_string (const char  *text,
                                GError     **error)
{
  g_autoptr(GVariant) value = NULL;
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  VsVideoQuery query = { 0 };
  const char *sort = NULL, *kind = NULL;
  int watched = 0, problem = 0;

  g_return_val_if_fail (text != NULL, NULL);

  if (strlen (text) > MAX_TEXT_LENGTH)
    {
      g_set_error (error, G_VARIANT_PARSE_ERROR, G_VARIANT_PARSE_ERROR_FAILED,
                   "The query is longer than %d bytes", MAX_TEXT_LENGTH);
      return NULL;
    }
  value = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, error);
  if (value == NULL)
    return NULL;
  g_variant_dict_clear (&dict);
  g_variant_dict_init (&dict, value);
  if (!read_string (&dict, KEY_SORT, &sort, error) ||
      !read_string (&dict, KEY_SEARCH, &query.search, error) ||
      !read_string (&dict, KEY_KIND, &kind, error) ||
      !read_string (&dict, KEY_CODEC, &query.video_codec, error) ||
      !read_int (&dict, KEY_MIN_HEIGHT, G_MAXINT, &query.min_height, error) ||
      !read_int (&dict, KEY_MAX_HEIGHT, G_MAXINT, &query.max_height, error) ||
      !read_int64 (&dict, KEY_MIN_DURATION, FALSE, &query.min_duration_ms, error) ||
      !read_int64 (&dict, KEY_MAX_DURATION, FALSE, &query.max_duration_ms, error) ||
      !read_int64 (&dict, KEY_SINCE, TRUE, &query.modified_since_ns, error) ||
      !read_int64 (&dict, KEY_UNTIL, TRUE, &query.modified_until_ns, error) ||
      !read_int (&dict, KEY_WATCHED, VS_WATCHED_FILTER_PLAYED, &watched, error) ||
      !read_int (&dict, KEY_PROBLEM, VS_PROBLEM_FILTER_UNPROBED, &problem, error))
    return NULL;
  g_variant_dict_lookup (&dict, KEY_DESCENDING, "b", &query.descending);
  /* any type but a uint32 is skipped, as an unknown key */
  g_variant_dict_lookup (&dict, KEY_WITHIN_DAYS, "u", &query.modified_within_days);
  if (sort != NULL && !vs_sort_key_from_string (sort, &query.sort))
    {
      g_set_error (error, G_VARIANT_PARSE_ERROR, G_VARIANT_PARSE_ERROR_FAILED,
                   "Unknown sort “%s”", sort);
      return NULL;
    }
  if (kind != NULL)
    {
      if (!vs_kind_filter_from_string (kind, &query.kind))
        {
          g_set_error (error, G_VARIANT_PARSE_ERROR, G_VARIANT_PARSE_ERROR_FAILED,
                       "Unknown kind “%s”", kind);
          return NULL;
        }
    }
  query.watched = (VsWatchedFilter) watched;
  query.problem = (VsProblemFilter) problem;
  return vs_video_query_copy (&query);
}

gboolean
vs_video_query_has_filter (const VsVideoQuery *query,
                           VsQueryFilter       filter)
{
  g_return_val_if_fail (query != NULL, FALSE);

  switch (filter)
    {
    case VS_QUERY_FILTER_KIND:
      return query->kind != VS_KIND_FILTER_ANY;
    case VS_QUERY_FILTER_HEIGHT:
      return query->min_height > 0 || query->max_height > 0;
    case VS_QUERY_FILTER_CODEC:
      return query->video_codec != NULL && query->video_codec[0] != '\0';
    case VS_QUERY_FILTER_DURATION:
      return query->min_duration_ms > 0 || query->max_duration_ms > 0;
    case VS_QUERY_FILTER_MODIFIED:
      return query->modified_since_ns != 0 || query->modified_until_ns != 0 ||
             query->modified_within_days > 0;
    case VS_QUERY_FILTER_WATCHED:
      return query->watched != VS_WATCHED_FILTER_ANY;
    case VS_QUERY_FILTER_PROBLEM:
      return query->problem != VS_PROBLEM_FILTER_ANY;
    case VS_QUERY_N_FILTERS:
    default:
      g_return_val_if_reached (FALSE);
    }
}

gboolean
vs_video_query_has_filters (const VsVideoQuery *query)
{
  g_return_val_if_fail (query != NULL, FALSE);

  for (guint i = 0; i < VS_QUERY_N_FILTERS; i++)
    if (vs_video_query_has_filter (query, (VsQueryFilter) i))
      return TRUE;
  return FALSE;
}

void
vs_video_query_clear_filter (VsVideoQuery  *query,
                             VsQueryFilter  filter)
{
  g_return_if_fail (query != NULL);

  switch (filter)
    {
    case VS_QUERY_FILTER_KIND:
      query->kind = VS_KIND_FILTER_ANY;
      break;
    case VS_QUERY_FILTER_HEIGHT:
      query->min_height = query->max_height = 0;
      break;
    case VS_QUERY_FILTER_CODEC:
      query->video_codec = NULL;
      break;
    case VS_QUERY_FILTER_DURATION:
      query->min_duration_ms = query->max_duration_ms = 0;
      break;
    case VS_QUERY_FILTER_MODIFIED:
      query->modified_since_ns = query->modified_until_ns = 0;
      query->modified_within_days = 0;
      break;
    case VS_QUERY_FILTER_WATCHED:
      query->watched = VS_WATCHED_FILTER_ANY;
      break;
    case VS_QUERY_FILTER_PROBLEM:
      query->problem = VS_PROBLEM_FILTER_ANY;
      break;
    case VS_QUERY_N_FILTERS:
    default:
      g_return_if_reached ();
    }
}

void
vs_video_query_copy_filters (VsVideoQuery       *dest,
                             const VsVideoQuery *src)
{
  g_return_if_fail (dest != NULL && src != NULL);

  dest->kind = src->kind;
  dest->min_height = src->min_height;
  dest->max_height = src->max_height;
  dest->video_codec = src->video_codec;
  dest->min_duration_ms = src->min_duration_ms;
  dest->max_duration_ms = src->max_duration_ms;
  dest->modified_since_ns = src->modified_since_ns;
  dest->modified_until_ns = src->modified_until_ns;
  dest->modified_within_days = src->modified_within_days;
  dest->watched = src->watched;
  dest->problem = src->problem;
}
