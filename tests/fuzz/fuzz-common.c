/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-common.c: setup shared by the fuzz targets */
#include "config.h"

#include <stdlib.h>

#include "fuzz-common.h"
#include "vs-test-utils.h"

static char *scratch;

static void
remove_scratch (void)
{
  vs_test_rm_rf (scratch);
  g_clear_pointer (&scratch, g_free);
}

const char *
vs_fuzz_setup (void)
{
  if (scratch != NULL)
    return scratch;
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  scratch = vs_test_make_tmpdir ();
  atexit (remove_scratch);
  return scratch;
}
