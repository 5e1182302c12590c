/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-png-keys.c: the thumbnail key reader (Thumb::URI, Thumb::MTime) over any bytes */
#include "config.h"

#include <gio/gio.h>

#include "fuzz-common.h"
#include "vs-thumbnailer.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  vs_fuzz_setup ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (data, (gssize) size,
                                                                        NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  gint64 mtime = -2;

  if (vs_thumbnail_read_keys_from_stream (stream, &uri, &mtime, &error))
    {
      g_assert_no_error (error);
      g_assert_cmpint (mtime, !=, -2);   /* set on success, -1 when absent or bad */
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_null (uri);
      g_assert_cmpint (mtime, ==, -2);
    }
  return 0;
}
