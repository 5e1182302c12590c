/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-filmstrip.c: the filmstrip reader (header and sheet) over any bytes */
#include "config.h"

#include "fuzz-common.h"
#include "vs-filmstrip.h"

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
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsFilmstrip) strip = vs_filmstrip_load_from_bytes (bytes, TRUE, &error);
  GdkPixbuf *sheet;
  guint n, columns;

  if (strip == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_no_error (error);
  n = vs_filmstrip_get_n_frames (strip);
  columns = vs_filmstrip_get_columns (strip);
  sheet = vs_filmstrip_get_sheet (strip);
  g_assert_cmpuint (n, <=, VS_FILMSTRIP_MAX_FRAMES);
  if (vs_filmstrip_get_flags (strip) & VS_FILMSTRIP_FLAG_FAILED)
    {
      g_assert_null (sheet);
      return 0;
    }
  /* What was decoded is exactly what the header promised, never more. */
  g_assert_nonnull (sheet);
  g_assert_cmpint (gdk_pixbuf_get_width (sheet), ==,
                   (int) (vs_filmstrip_get_tile_width (strip) * columns));
  g_assert_cmpint (gdk_pixbuf_get_height (sheet), ==,
                   (int) (vs_filmstrip_get_tile_height (strip) * ((n + columns - 1) / columns)));
  for (guint i = 1; i < n; i++)
    g_assert_cmpint (vs_filmstrip_get_frame_time_ms (strip, i), >=,
                     vs_filmstrip_get_frame_time_ms (strip, i - 1));
  return 0;
}
