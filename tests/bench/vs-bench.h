/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-bench.h: measurements for tests/bench/bench-window.sh, active only when
 * VIDSHELF_BENCH=1 is in the environment. Not part of the app: built into
 * tests/bench/vidshelf-bench (the app with this attached) and tests/bench/baseline-grid. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Once @model has items and the grid has painted, prints the time since process start to
 * stderr, scrolls @scroller from top to bottom, prints frame statistics and RSS, and
 * closes @window. @textures (the app's VsTextureCache, or NULL) adds its figures.
 * Does nothing unless VIDSHELF_BENCH=1. */
void vs_bench_attach (GtkWindow         *window,
                      GtkScrolledWindow *scroller,
                      GListModel        *model,
                      GObject           *textures);

G_END_DECLS
