/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-worker-response.c: the media helper's JSON-lines responses, as the client reads
 * them (a helper that crashes mid-line or is fed a hostile file may send anything) */
#include "config.h"

#include "fuzz-common.h"
#include "vs-media-worker.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  vs_fuzz_setup ();
  return 0;
}

static void
parse_line (const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) response = vs_media_worker_parse_response (line, &error);
  g_autoptr(VsProbeResult) result = NULL;
  g_autoptr(GError) path_error = NULL;
  g_autofree char *path = NULL;

  if (response == NULL)
    {
      g_assert_nonnull (error);
      g_assert_nonnull (error->message);
      return;
    }
  g_assert_no_error (error);
  result = vs_media_worker_probe_from_json (response);
  g_assert_nonnull (result);
  /* as a thumbnail response: a file name or an error, never a critical */
  path = vs_media_worker_thumbnail_from_json (response, &path_error);
  g_assert_true ((path == NULL) != (path_error == NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 16);

  for (guint i = 0; lines[i] != NULL; i++)
    parse_line (lines[i]);
  return 0;
}
