/* vs-test-ui.c: helpers for the tests with a display */
#include <gtk/gtk.h>

#include "vs-test-media.h"
#include "vs-test-ui.h"

gboolean
vs_test_require_playback (const char *const *elements)
{
  g_autoptr(GtkMediaStream) probe = NULL;

  if (!vs_test_media_require (elements))
    return FALSE;
  probe = gtk_media_file_new ();
  if (g_str_equal (G_OBJECT_TYPE_NAME (probe), "GtkNoMediaFile"))
    {
      g_test_skip ("GTK's media backend (libgtk-4-media-gstreamer) is not installed");
      return FALSE;
    }
  return TRUE;
}
