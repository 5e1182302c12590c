/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-stats.h: the library's figures (the Statistics page, `vidshelf-cli stats`)
 *
 * Computed by a few SQL aggregates over the index (vs-database-stats.c), never by loading
 * rows: a plain struct of counts and a few small arrays of groups.
 */
#pragma once

#include "vs-database.h"

G_BEGIN_DECLS

/* The breakdowns. */
typedef enum
{
  VS_STATS_BY_CODEC = 0,   /* videos.video_codec as stored; NULL: not probed, no picture */
  VS_STATS_BY_RESOLUTION,  /* the bands of VsStatsResolution */
  VS_STATS_BY_CONTAINER,   /* videos.container as stored; NULL: not probed, HLS items */
  VS_STATS_BY_YEAR,        /* the year of the modification time, in local time */
  VS_STATS_N_BREAKDOWNS,
} VsStatsBreakdown;

/* Picture height bands, as the window's resolution filter has them. */
typedef enum
{
  VS_STATS_RESOLUTION_SD = 0,   /* 1–719 lines */
  VS_STATS_RESOLUTION_720P,     /* 720–1079 */
  VS_STATS_RESOLUTION_1080P,    /* 1080–2159 */
  VS_STATS_RESOLUTION_4K,       /* 2160 and more */
  VS_STATS_RESOLUTION_UNKNOWN,  /* not probed, no picture, HLS items */
} VsStatsResolution;

/* One bar of a breakdown. */
typedef struct
{
  /* codec, container: the stored text; year: "2024"; resolution: "sd", "720p", "1080p",
   * "4k"; NULL: the unknown group (no codec, no container, unknown resolution) */
  char         *key;
  int           value;         /* year: the year; resolution: its VsStatsResolution */
  gint64        n_videos;
  gint64        bytes;
  gint64        duration_ms;   /* of those whose duration is known */
  /* Whether filter (its filter fields only: kind to problem; strings borrowed from this
   * group) selects exactly this group's videos, so the bar can show them. FALSE for the
   * groups no filter of VsVideoQuery names: unknown codec, unknown resolution, containers
   * (there is no container filter), and a year whose start is exactly the epoch. */
  gboolean      has_filter;
  VsVideoQuery  filter;
} VsStatsGroup;

typedef struct
{
  gint64   n_videos;
  gint64   bytes;
  gint64   duration_ms;          /* sum of the known durations */
  gint64   n_unknown_duration;   /* videos whose duration is not known */
  gint64   n_watched;            /* as VS_WATCHED_FILTER_WATCHED selects them */
  gint64   n_in_progress;        /* VS_WATCHED_FILTER_IN_PROGRESS */
  gint64   n_broken;             /* VS_PROBLEM_FILTER_BROKEN: the probe failed */
  gint64   n_unprobed;           /* VS_PROBLEM_FILTER_UNPROBED */

  /* HLS downloads. One counts as merged when the index holds the MP4 a merge writes for it
   * (“<its folder>.mp4” beside the folder, vs_hls_merge_dup_output()'s default). */
  gint64   n_hls;
  gint64   hls_bytes;
  gint64   n_hls_unmerged;
  gint64   hls_unmerged_bytes;
  /* What merging every unmerged download and then trashing it would free, estimated:
   * the download's bytes less the MP4 written (VS_STATS_MERGE_RATIO of them). */
  gint64   hls_merge_frees;
  gint64   hls_merged_bytes;     /* downloads already merged, still here: trashing frees all */

  /* VsStatsGroup, the largest group first (by count, then key); years by year, newest
   * first; resolutions from SD to 4K; the unknown group last wherever it is. */
  GArray  *groups[VS_STATS_N_BREAKDOWNS];
} VsLibraryStats;

/* An MP4 remuxed from an HLS download's MPEG-TS segments, per byte of them: measured on a
 * generated download (see vs-database-stats.c); the rest is TS packet overhead. */
#define VS_STATS_MERGE_RATIO 0.957

#define VS_TYPE_LIBRARY_STATS (vs_library_stats_get_type ())

GType            vs_library_stats_get_type (void) G_GNUC_CONST;
/* An empty library's figures: all 0, no groups. */
VsLibraryStats  *vs_library_stats_new      (void);
VsLibraryStats  *vs_library_stats_copy     (const VsLibraryStats *self);
void             vs_library_stats_free     (VsLibraryStats       *self);
/* The bars of @breakdown (never NULL). */
const VsStatsGroup *vs_library_stats_get_groups (const VsLibraryStats *self,
                                                 VsStatsBreakdown      breakdown,
                                                 guint                *out_n_groups);
/* Stable English ids, for JSON: "codec", "resolution", "container", "year". */
const char      *vs_stats_breakdown_to_string (VsStatsBreakdown breakdown);

/* Reads the figures with a few aggregates (on any connection; a reader is enough). */
VsLibraryStats  *vs_database_query_stats   (VsDatabase  *self,
                                            GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsLibraryStats, vs_library_stats_free)

G_END_DECLS
