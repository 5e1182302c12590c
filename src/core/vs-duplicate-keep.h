/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-duplicate-keep.h: which copy of a duplicate group to keep, by a rule the user picks */
#pragma once

#include <glib.h>

#include "vs-video-record.h"

G_BEGIN_DECLS

typedef enum
{
  VS_KEEP_RULE_HIGHEST_RESOLUTION = 0, /* the most pixels (width × height) */
  VS_KEEP_RULE_LARGEST,                /* the most bytes */
  VS_KEEP_RULE_NEWEST,                 /* the latest modification time */
  VS_KEEP_RULE_OLDEST,                 /* the earliest modification time */
  VS_KEEP_RULE_IN_FOLDER,              /* one below a preferred folder */
} VsKeepRule;

/* "highest-resolution", "largest", "newest", "oldest", "in-folder" (GSettings). */
const char *vs_keep_rule_to_string   (VsKeepRule   rule);
gboolean    vs_keep_rule_from_string (const char  *str,
                                      VsKeepRule  *out_rule);

/* The index in @records (@n ≥ 1) of the copy to keep under @rule. Ties go, in this order,
 * to the most pixels (an unknown resolution has none), the most bytes, then the smallest id
 * (the copy the library knew first), so the answer never depends on the order of @records.
 * VS_KEEP_RULE_IN_FOLDER keeps the best, by those ties, of the copies below
 * @preferred_folder (a path in the filename encoding; a folder "Films" does not hold
 * "Films2/a.mp4"); with none there (or no folder), it falls back to the highest
 * resolution. */
guint       vs_duplicate_suggest_keep (VsVideoRecord * const *records,
                                       guint                  n,
                                       VsKeepRule             rule,
                                       const char            *preferred_folder);

G_END_DECLS
