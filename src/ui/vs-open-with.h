/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-open-with.h: “Open With Other Application…” */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Lets the user pick an application for @file and launches it there. */
void vs_open_with_other_application (GtkWindow *parent,
                                     GFile     *file);

G_END_DECLS
