/* vidshelf: the library window */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <malloc.h>

#include "vs-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(VsApplication) app = NULL;

  /* Worker threads (SQLite pages, thumbnail decoding) would each get a malloc arena whose
   * freed memory stays resident; two arenas keep the window's footprint flat. */
  mallopt (M_ARENA_MAX, 2);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = vs_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
