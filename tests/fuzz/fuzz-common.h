/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-common.h: what every fuzz target shares
 *
 * Each target defines LLVMFuzzerTestOneInput(). Built with -Dfuzzing=true it links
 * libFuzzer; otherwise fuzz-main.c replays the files it is given (the regression corpus
 * in tests/fuzz/regressions/), so every input that once crashed stays a test.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

int   LLVMFuzzerTestOneInput  (const uint8_t *data,
                               size_t         size);
int   LLVMFuzzerInitialize    (int           *argc,
                               char        ***argv);

/* Makes criticals and warnings fatal (a g_return_if_fail hit is a bug the fuzzer should
 * report) and gives the target a private scratch folder, removed at exit. */
const char *vs_fuzz_setup     (void);

G_END_DECLS
