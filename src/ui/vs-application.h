/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-application.h: the single-instance application */
#pragma once

#include <adwaita.h>

#include "vs-library.h"
#include "vs-texture-cache.h"

G_BEGIN_DECLS

#define VS_TYPE_APPLICATION (vs_application_get_type ())
G_DECLARE_FINAL_TYPE (VsApplication, vs_application, VS, APPLICATION, AdwApplication)

/* Allocator settings and translations, before the app runs (in main()). */
void            vs_application_prepare_process   (void);
VsApplication  *vs_application_new               (void);
/* The one library every window, the player and the preferences borrow. */
VsLibrary      *vs_application_get_library       (VsApplication *self);
GSettings      *vs_application_get_settings      (VsApplication *self);
/* NULL until the library is open. */
VsTextureCache *vs_application_get_texture_cache (VsApplication *self);

G_END_DECLS
