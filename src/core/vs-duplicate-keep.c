/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-duplicate-keep.c: which copy of a duplicate group to keep
 *
 * A rule orders the copies by one fact; the same three ties follow for every rule
 * (pixels, bytes, the older id), so two copies are never equal unless they are the same
 * row, and the suggestion is the same whatever order the group's rows came in.
 */
#define G_LOG_DOMAIN "vs-duplicate-keep"

#include "config.h"

#include <string.h>

#include "vs-duplicate-keep.h"

static const char * const rule_names[] = {
  [VS_KEEP_RULE_HIGHEST_RESOLUTION] = "highest-resolution",
  [VS_KEEP_RULE_LARGEST] = "largest",
  [VS_KEEP_RULE_NEWEST] = "newest",
  [VS_KEEP_RULE_OLDEST] = "oldest",
  [VS_KEEP_RULE_IN_FOLDER] = "in-folder",
};

const char *
vs_keep_rule_to_string (VsKeepRule rule)
{
  g_return_val_if_fail ((guint) rule < G_N_ELEMENTS (rule_names), NULL);

  return rule_names[rule];
}

gboolean
vs_keep_rule_from_string (const char *str,
                          VsKeepRule *out_rule)
{
  g_return_val_if_fail (out_rule != NULL, FALSE);

  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (rule_names); i++)
    if (strcmp (str, rule_names[i]) == 0)
      {
        *out_rule = (VsKeepRule) i;
        return TRUE;
      }
  return FALSE;
}

static gint64
pixels (const VsVideoRecord *r)
{
  return r->width > 0 && r->height > 0 ? (gint64) r->width * r->height : 0;
}

/* > 0 when @a is the better copy to keep, ignoring the rule's own fact. */
static int
compare_ties (const VsVideoRecord *a,
              const VsVideoRecord *b)
{
  if (pixels (a) != pixels (b))
    return pixels (a) > pixels (b) ? 1 : -1;
  if (a->size != b->size)
    return a->size > b->size ? 1 : -1;
  if (a->id != b->id)
    return a->id < b->id ? 1 : -1;
  return 0;
}

static int
compare (const VsVideoRecord *a,
         const VsVideoRecord *b,
         VsKeepRule           rule)
{
  switch (rule)
    {
    case VS_KEEP_RULE_LARGEST:
      if (a->size != b->size)
        return a->size > b->size ? 1 : -1;
      break;
    case VS_KEEP_RULE_NEWEST:
      if (a->mtime_ns != b->mtime_ns)
        return a->mtime_ns > b->mtime_ns ? 1 : -1;
      break;
    case VS_KEEP_RULE_OLDEST:
      if (a->mtime_ns != b->mtime_ns)
        return a->mtime_ns < b->mtime_ns ? 1 : -1;
      break;
    case VS_KEEP_RULE_HIGHEST_RESOLUTION:
    case VS_KEEP_RULE_IN_FOLDER:
    default:
      break;
    }
  return compare_ties (a, b);
}

/* Whether @path is inside @folder: a prefix ending on a '/' of @path. */
static gboolean
is_below (const char *path,
          const char *folder)
{
  gsize len = strlen (folder);

  while (len > 1 && folder[len - 1] == '/')
    len--;
  if (path == NULL || len == 0 || strncmp (path, folder, len) != 0)
    return FALSE;
  /* "/" itself holds everything absolute */
  return (len == 1 && folder[0] == '/') || path[len] == '/';
}

guint
vs_duplicate_suggest_keep (VsVideoRecord * const *records,
                           guint                  n,
                           VsKeepRule             rule,
                           const char            *preferred_folder)
{
  guint best = G_MAXUINT;

  g_return_val_if_fail (records != NULL, 0);
  g_return_val_if_fail (n > 0, 0);

  if (rule == VS_KEEP_RULE_IN_FOLDER && preferred_folder != NULL && preferred_folder[0] != '\0')
    for (guint i = 0; i < n; i++)
      if (is_below (records[i]->path, preferred_folder) &&
          (best == G_MAXUINT || compare (records[i], records[best], rule) > 0))
        best = i;
  if (best != G_MAXUINT)
    return best;
  if (rule == VS_KEEP_RULE_IN_FOLDER)
    rule = VS_KEEP_RULE_HIGHEST_RESOLUTION;
  best = 0;
  for (guint i = 1; i < n; i++)
    if (compare (records[i], records[best], rule) > 0)
      best = i;
  return best;
}
