/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vidshelf: the library window */
#include "config.h"

#include "vs-application.h"
#include "vs-preinit.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(VsApplication) app = NULL;

  vs_application_prepare_process ();
  app = vs_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
