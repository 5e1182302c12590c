/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-toast.h: toasts whose text is shown as it is */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A toast titled @text, which may hold '&' or '<' (file names, error messages):
 * libadwaita 1.2 reads every toast title as markup, so the text is escaped. */
AdwToast *vs_toast_new_plain (const char *text);

G_END_DECLS
