/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-texture-cache.h: thumbnails as textures, bounded in bytes, loaded off the main thread */
#pragma once

#include <gtk/gtk.h>

#include "vs-filmstrip.h"
#include "vs-media-service.h"
#include "vs-video.h"

G_BEGIN_DECLS

#define VS_TYPE_TEXTURE_CACHE (vs_texture_cache_get_type ())
G_DECLARE_FINAL_TYPE (VsTextureCache, vs_texture_cache, VS, TEXTURE_CACHE, GObject)

/* @max_bytes: decoded texture memory kept (0: 64 MB). */
VsTextureCache *vs_texture_cache_new        (VsMediaService      *service,
                                             gsize                max_bytes);
/* A texture already in memory for @video (a new reference), or NULL. Never blocks. */
GdkTexture     *vs_texture_cache_lookup     (VsTextureCache      *self,
                                             VsVideo             *video);
/* TRUE when @video's thumbnail could not be had before (and the file has not changed
 * since): show the default image at once. Never blocks. */
gboolean        vs_texture_cache_has_failed (VsTextureCache      *self,
                                             VsVideo             *video);
/**
 * VsTextureLoadFlags:
 * @VS_TEXTURE_LOAD_DEFAULT: start at once
 * @VS_TEXTURE_LOAD_DEFER: start only if the caller still waits a few frames later (a cell
 *   of a scrolling grid: most are rebound before that, and nothing is read for them)
 */
typedef enum {
  VS_TEXTURE_LOAD_DEFAULT = 0,
  VS_TEXTURE_LOAD_DEFER   = 1 << 0,
} VsTextureLoadFlags;

/* Gets @video's thumbnail (made by the media service at visible priority when missing),
 * decodes it on a worker thread and caches it. Cancel on unbind. */
void            vs_texture_cache_load_async (VsTextureCache      *self,
                                             VsVideo             *video,
                                             VsTextureLoadFlags   flags,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GdkTexture     *vs_texture_cache_load_finish (VsTextureCache     *self,
                                              GAsyncResult       *result,
                                              GError            **error);
void            vs_texture_cache_set_decode_size (VsTextureCache *self,
                                                  int             width,
                                                  int             height);
gsize           vs_texture_cache_trim       (VsTextureCache      *self,
                                             gsize                keep_bytes);
gsize           vs_texture_cache_get_bytes  (VsTextureCache      *self);
void            vs_texture_cache_set_max_bytes (VsTextureCache *self,
                                                gsize           max_bytes);
gsize           vs_texture_cache_get_max_bytes (VsTextureCache   *self);
void            vs_texture_cache_set_working_set (VsTextureCache *self,
                                                  gconstpointer   owner,
                                                  gsize           bytes);
cairo_surface_t *vs_texture_cache_get_surface (GdkTexture       *texture);
void            vs_texture_cache_set_corner_radius (VsTextureCache *self,
                                                    int             radius);
guint           vs_texture_cache_get_n_loads (VsTextureCache     *self);
guint64         vs_texture_cache_get_n_started (VsTextureCache   *self);
/* Loads still waiting for their delay (VS_TEXTURE_LOAD_DEFER), and media jobs in hand. */
guint           vs_texture_cache_get_n_delayed (VsTextureCache   *self);
guint           vs_texture_cache_get_n_media_pending (VsTextureCache *self);

/* @video's filmstrip sheet as one texture (made by the media service at visible priority
 * when missing, decoded on a worker thread), kept among the thumbnails and counted in
 * the same budget; at most two sheets are kept. */
void            vs_texture_cache_load_filmstrip_async  (VsTextureCache      *self,
                                                        VsVideo             *video,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* A file's (not kept in the cache: the caller holds it). */
void            vs_texture_cache_load_filmstrip_for_path_async (VsTextureCache      *self,
                                                                const char          *path,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
GdkTexture     *vs_texture_cache_load_filmstrip_finish (VsTextureCache      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* @video's sheet when it is in memory already, else NULL; never blocks. */
gboolean        vs_texture_cache_has_filmstrip_file    (VsTextureCache      *self,
                                                        VsVideo             *video);
GdkTexture     *vs_texture_cache_lookup_filmstrip      (VsTextureCache      *self,
                                                        VsVideo             *video);
/* The filmstrip a sheet texture shows (frame times, tile places); NULL for a thumbnail. */
VsFilmstrip    *vs_texture_cache_get_filmstrip         (GdkTexture          *texture);
guint           vs_texture_cache_get_n_filmstrips      (VsTextureCache      *self);

G_END_DECLS
