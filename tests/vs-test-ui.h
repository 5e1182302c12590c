/* vs-test-ui.h: helpers for the tests with a display */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when @elements (GStreamer, for the fixtures) and GTK's GStreamer backend
 * (libgtk-4-media-gstreamer, without which GtkMediaFile plays nothing) are there; else
 * skips the calling test. */
gboolean vs_test_require_playback (const char *const *elements);

G_END_DECLS
