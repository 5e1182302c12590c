/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-filmstrip-latency: what the grid waits for when the pointer enters a cell: the time
 * from vs_media_service_filmstrip_async() to its callback, through the real media service
 * (its pool, a helper that is already running, the cache), for each file given: once with
 * the file's filmstrip not in the cache (made by the helper), then once with it there.
 * Prints one line per file and request: "uncached|cached MS FIRST_MS DECODED PATH", where
 * FIRST_MS is when a strip of the file first appeared in the cache (the maker writes a
 * coarse one first for a long video: what a pointer waiting on the cell can show), seen by
 * polling every millisecond (-1 for a cached request: it was there before).
 *
 * The helper is started before the first timed request (by a filmstrip of WARMUP_FILE, the
 * first argument), as the window's helpers are once its thumbnails are made. The cache is
 * $XDG_CACHE_HOME's: bench-filmstrip.sh points it at an empty folder.
 *
 * Usage: bench-filmstrip-latency WARMUP_FILE FILE…   (a release build; by hand, never in CI) */
#include "config.h"

#include <stdio.h>

#include "vs-filmstrip.h"
#include "vs-media-service.h"

typedef struct
{
  gboolean  done;
  char     *path;
  guint     decoded;
  GError   *error;
  gint64    end;
  char     *cache_path;   /* the strip's place in the cache */
  gint64    first;        /* when a file first showed up there (0: not yet) */
} Request;

static gboolean
poll_cache (gpointer user_data)
{
  Request *r = user_data;

  if (r->first == 0 && g_file_test (r->cache_path, G_FILE_TEST_EXISTS))
    r->first = g_get_monotonic_time ();
  return r->first == 0 && !r->done ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
on_filmstrip (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Request *r = user_data;

  r->end = g_get_monotonic_time ();
  r->path = vs_media_service_filmstrip_full_finish (VS_MEDIA_SERVICE (object), result,
                                                    &r->decoded, &r->error);
  r->done = TRUE;
}

/* The request's time in µs, or -1 when it failed; @out_first: when a strip first was in
 * the cache (-1: before the request). */
static gint64
request (VsMediaService *service,
         const char     *path,
         guint          *out_decoded,
         gint64         *out_first)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_filename_to_uri (canonical, NULL, NULL);
  Request r = { 0 };
  gint64 start;
  guint source;

  r.cache_path = vs_filmstrip_path (uri);
  start = g_get_monotonic_time ();
  if (g_file_test (r.cache_path, G_FILE_TEST_EXISTS))
    r.first = -1;
  vs_media_service_filmstrip_async (service, path, VS_JOB_PRIORITY_VISIBLE, NULL,
                                    on_filmstrip, &r);
  source = r.first == 0 ? g_timeout_add (1, poll_cache, &r) : 0;
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  if (r.first == 0)
    {
      g_source_remove (source);
      r.first = r.end;
    }
  *out_decoded = r.decoded;
  *out_first = r.first > 0 ? r.first - start : -1;
  g_free (r.cache_path);
  g_free (r.path);
  if (r.error != NULL)
    {
      fprintf (stderr, "bench-filmstrip-latency: %s: %s\n", path, r.error->message);
      g_error_free (r.error);
      return -1;
    }
  return r.end - start;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(VsMediaService) service = NULL;
  int status = 0;
  guint decoded;
  gint64 first;

  if (argc < 3)
    {
      fprintf (stderr, "usage: bench-filmstrip-latency WARMUP_FILE FILE…\n");
      return 2;
    }
  /* One helper: the latency of one request, not of two helpers sharing two cores. */
  service = vs_media_service_new (1, 120000);
  if (request (service, argv[1], &decoded, &first) < 0)
    return 1;

  for (int i = 2; i < argc; i++)
    {
      gint64 uncached = request (service, argv[i], &decoded, &first);
      guint uncached_decoded = decoded;
      gint64 uncached_first = first;
      gint64 cached = uncached >= 0 ? request (service, argv[i], &decoded, &first) : -1;

      if (uncached < 0 || cached < 0)
        {
          status = 1;
          continue;
        }
      printf ("uncached %.3f %.3f %u %s\n", uncached / 1000.0, uncached_first / 1000.0,
              uncached_decoded, argv[i]);
      printf ("cached %.3f -1 %u %s\n", cached / 1000.0, decoded, argv[i]);
      fflush (stdout);
    }
  return status;
}
