/* vs-path.c: file name and path tests */
#define G_LOG_DOMAIN "vs-path"

#include "config.h"

#include <string.h>

#include "vs-path.h"

gboolean
vs_path_is_inside (const char *path,
                   const char *folder)
{
  gsize len;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  len = strlen (folder);
  while (len > 1 && folder[len - 1] == '/')
    len--;
  if (len == 1 && folder[0] == '/')
    return path[0] == '/';
  return strncmp (path, folder, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

gboolean
vs_path_has_suffix_nocase (const char *name,
                           const char *suffix)
{
  gsize n, s;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (suffix != NULL, FALSE);

  n = strlen (name);
  s = strlen (suffix);
  return n >= s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}
