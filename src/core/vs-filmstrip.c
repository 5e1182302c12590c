/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-filmstrip.c: the filmstrip file (header and JPEG sheet) and its bounded cache */
#define G_LOG_DOMAIN "vs-filmstrip"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "vs-filmstrip.h"
#include "vs-path.h"
#include "vs-thumbnailer-private.h"

#define MAGIC              "VSFILMS1"
#define MAGIC_LEN          8
/* uri, mtime, size, duration_ms, flags, tile width, tile height, columns, frame times */
#define HEADER_TYPE        "(sxxxuuuuax)"
#define MAX_HEADER         (64 * 1024)
#define SUFFIX             ".filmstrip"
/* The temporary files' tag, as the thumbnails' (vs_thumbnail_remove_temp_files). */
#define TEMP_PREFIX        "vidshelf-"
#define JPEG_QUALITY       "80"

struct _VsFilmstrip
{
  GObject           parent_instance;

  char             *uri;
  gint64            mtime;
  gint64            size;
  gint64            duration_ms;
  VsFilmstripFlags  flags;
  guint             tile_width;
  guint             tile_height;
  guint             columns;
  guint             n_frames;
  gint64           *times_ms;
  GdkPixbuf        *sheet;
};

G_DEFINE_FINAL_TYPE (VsFilmstrip, vs_filmstrip, G_TYPE_OBJECT)

/* ---- geometry ----------------------------------------------------------------------- */

guint
vs_filmstrip_count_frames (gint64 duration_ms)
{
  gint64 n;

  if (duration_ms <= 0)
    return VS_FILMSTRIP_MIN_FRAMES;
  n = (duration_ms + VS_FILMSTRIP_INTERVAL_MS / 2) / VS_FILMSTRIP_INTERVAL_MS;
  return (guint) CLAMP (n, VS_FILMSTRIP_MIN_FRAMES, VS_FILMSTRIP_MAX_FRAMES);
}

gint64
vs_filmstrip_frame_time_ms (gint64 duration_ms,
                            guint  n_frames,
                            guint  index)
{
  g_return_val_if_fail (n_frames > 0, 0);
  g_return_val_if_fail (index < n_frames, 0);

  if (duration_ms <= 0)
    return 0;
  return (gint64) ((2 * (guint64) index + 1) * (guint64) duration_ms / (2 * (guint64) n_frames));
}

/* The coarse pass takes every step-th frame, step chosen so it decodes about ten. */
static guint
coarse_step (guint n_frames)
{
  return n_frames <= 2 * VS_FILMSTRIP_MIN_FRAMES ? 0 : (n_frames + 9) / 10;
}

guint
vs_filmstrip_count_coarse (guint n_frames)
{
  guint step = coarse_step (n_frames);

  return step == 0 ? 0 : (n_frames + step - 1) / step;
}

gboolean
vs_filmstrip_is_coarse (guint n_frames,
                        guint index)
{
  guint step = coarse_step (n_frames);

  return step != 0 && index % step == 0;
}

/* ---- the cache's names -------------------------------------------------------------- */

char *
vs_filmstrip_cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "vidshelf", "filmstrips", NULL);
}

char *
vs_filmstrip_path (const char *uri)
{
  g_autofree char *md5 = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, uri, -1);
  name = g_strconcat (md5, SUFFIX, NULL);
  dir = vs_filmstrip_cache_dir ();
  return g_build_filename (dir, name, NULL);
}

/* ---- reading ------------------------------------------------------------------------ */

static gboolean
fail (GError    **error,
      const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a valid filmstrip: %s", what);
  return FALSE;
}

/* Checks the header's values against each other; fills @self. */
static gboolean
parse_header (VsFilmstrip  *self,
              GVariant     *header,
              GError      **error)
{
  g_autoptr(GVariant) times = NULL;
  const gint64 *values;
  gsize n_times = 0;
  guint32 flags, tile_width, tile_height, columns;
  const char *uri;

  g_variant_get (header, "(&sxxxuuuu@ax)", &uri, &self->mtime, &self->size, &self->duration_ms,
                 &flags, &tile_width, &tile_height, &columns, &times);
  values = g_variant_get_fixed_array (times, &n_times, sizeof (gint64));
  if (uri[0] == '\0' || !g_utf8_validate (uri, -1, NULL))
    return fail (error, "no URI");
  if ((flags & ~(VS_FILMSTRIP_FLAG_FAILED | VS_FILMSTRIP_FLAG_PARTIAL)) != 0 ||
      flags == (VS_FILMSTRIP_FLAG_FAILED | VS_FILMSTRIP_FLAG_PARTIAL))
    return fail (error, "unknown flags");
  if (flags & VS_FILMSTRIP_FLAG_FAILED)
    {
      if (n_times != 0)
        return fail (error, "a fail marker with frames");
    }
  else if (n_times == 0 || n_times > VS_FILMSTRIP_MAX_FRAMES || tile_width == 0 ||
           tile_width > VS_FILMSTRIP_TILE_MAX || tile_height == 0 ||
           tile_height > VS_FILMSTRIP_TILE_MAX || columns == 0 ||
           columns > VS_FILMSTRIP_COLUMNS || columns > n_times)
    return fail (error, "sizes out of range");
  for (gsize i = 0; i < n_times; i++)
    if (values[i] < 0 || (self->duration_ms > 0 && values[i] > self->duration_ms) ||
        (i > 0 && values[i] < values[i - 1]))
      return fail (error, "frame times out of order");

  self->uri = g_strdup (uri);
  self->flags = flags;
  self->tile_width = tile_width;
  self->tile_height = tile_height;
  self->columns = columns;
  self->n_frames = (guint) n_times;
  self->times_ms = g_memdup2 (values, n_times * sizeof (gint64));
  return TRUE;
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  VsFilmstrip *self = user_data;
  guint rows = (self->n_frames + self->columns - 1) / self->columns;

  /* The header says what the sheet must be; anything else would be decoded at a size
   * nobody checked. A size of 0 makes the loader stop without decoding. */
  if ((guint) width != self->tile_width * self->columns || (guint) height != self->tile_height * rows)
    {
      g_object_set_data (G_OBJECT (loader), "vs-refused", GINT_TO_POINTER (1));
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
}

static gboolean
load_sheet (VsFilmstrip   *self,
            const guint8  *data,
            gsize          length,
            GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  GdkPixbuf *pixbuf;
  gboolean ok;

  /* libjpeg fills a cut image with grey and only warns: a sheet ends with its EOI mark. */
  if (length < 4 || data[length - 2] != 0xff || data[length - 1] != 0xd9)
    return fail (error, "a cut sheet");
  loader = gdk_pixbuf_loader_new_with_type ("jpeg", error);
  if (loader == NULL)
    return FALSE;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), self);
  ok = gdk_pixbuf_loader_write (loader, data, length, &local_error);
  /* close() also reports a truncated image; both errors mean the same here */
  if (!gdk_pixbuf_loader_close (loader, ok ? &local_error : NULL))
    ok = FALSE;
  if (g_object_get_data (G_OBJECT (loader), "vs-refused") != NULL)
    return fail (error, "the sheet’s size is not the header’s");
  if (!ok)
    return fail (error, local_error != NULL ? local_error->message : "a damaged sheet");
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    return fail (error, "no sheet");
  self->sheet = g_object_ref (pixbuf);
  return TRUE;
}

VsFilmstrip *
vs_filmstrip_load_from_bytes (GBytes    *bytes,
                              gboolean   with_sheet,
                              GError   **error)
{
  g_autoptr(VsFilmstrip) self = NULL;
  g_autoptr(GBytes) header_bytes = NULL;
  g_autoptr(GVariant) header = NULL;
  const guint8 *data;
  gsize length;
  guint32 header_length;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  if (length < MAGIC_LEN + 4 || memcmp (data, MAGIC, MAGIC_LEN) != 0)
    {
      fail (error, "no filmstrip header");
      return NULL;
    }
  memcpy (&header_length, data + MAGIC_LEN, 4);
  header_length = GUINT32_FROM_LE (header_length);
  if (header_length == 0 || header_length > MAX_HEADER || header_length > length - MAGIC_LEN - 4)
    {
      fail (error, "a header of a wrong length");
      return NULL;
    }
  /* Untrusted bytes: GVariant reads any serialisation safely, but its normal form is
   * what the values are checked on. */
  header_bytes = g_bytes_new_from_bytes (bytes, MAGIC_LEN + 4, header_length);
  header = g_variant_new_from_bytes (G_VARIANT_TYPE (HEADER_TYPE), header_bytes, FALSE);
  if (!g_variant_is_normal_form (header))
    {
      fail (error, "a malformed header");
      return NULL;
    }

  self = g_object_new (VS_TYPE_FILMSTRIP, NULL);
  if (!parse_header (self, header, error))
    return NULL;
  if (with_sheet && !(self->flags & VS_FILMSTRIP_FLAG_FAILED))
    {
      gsize offset = MAGIC_LEN + 4 + header_length;

      if (!load_sheet (self, data + offset, length - offset, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

/* Reads at most @limit bytes of @fd, a regular file of at most
 * VS_FILMSTRIP_MAX_FILE_SIZE, or with @limit 0 its header alone (what a lookup needs:
 * about a kilobyte, not the sheet); closes it. */
static GBytes *
read_bounded_fd (int      fd,
                 gsize    limit,
                 GError **error)
{
  g_autofree guint8 *buffer = NULL;
  gsize filled = 0;
  struct stat st;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, "Not a regular file");
      return NULL;
    }
  if (st.st_size > (off_t) VS_FILMSTRIP_MAX_FILE_SIZE)
    {
      close (fd);
      fail (error, "too large");
      return NULL;
    }
  /* A FIFO was refused above: reads may block again. */
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
  if (limit == 0)
    {
      guint8 start[MAGIC_LEN + 4];
      guint32 header_length;

      /* the length field, then as much as it says (at most MAX_HEADER) */
      if (pread (fd, start, sizeof start, 0) == (gssize) sizeof start)
        {
          memcpy (&header_length, start + MAGIC_LEN, 4);
          limit = MAGIC_LEN + 4 + MIN (GUINT32_FROM_LE (header_length), MAX_HEADER + 1);
        }
      else
        limit = sizeof start;
    }
  limit = MIN (limit, (gsize) st.st_size);
  buffer = g_malloc (MAX (limit, 1));
  while (filled < limit)
    {
      gssize n = read (fd, buffer + filled, limit - filled);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                       g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      filled += (gsize) n;
    }
  close (fd);
  return g_bytes_new_take (g_steal_pointer (&buffer), filled);
}

/* The same by name (never a FIFO or a device). */
static GBytes *
read_bounded (const char  *path,
              gsize        limit,
              GError     **error)
{
  int fd = vs_path_open_regular (path, error);

  return fd < 0 ? NULL : read_bounded_fd (fd, limit, error);
}

/* Without the sheet, only the header is read. */
#define HEADER_LIMIT(with_sheet) ((with_sheet) ? VS_FILMSTRIP_MAX_FILE_SIZE : 0)

VsFilmstrip *
vs_filmstrip_load (const char  *path,
                   gboolean     with_sheet,
                   GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = read_bounded (path, HEADER_LIMIT (with_sheet), error);
  if (bytes == NULL)
    return NULL;
  return vs_filmstrip_load_from_bytes (bytes, with_sheet, error);
}

VsFilmstripState
vs_filmstrip_check (const char *path,
                    const char *uri,
                    gint64      mtime,
                    gint64      size)
{
  g_autoptr(VsFilmstrip) strip = NULL;

  g_return_val_if_fail (path != NULL, VS_FILMSTRIP_MISSING);
  g_return_val_if_fail (uri != NULL, VS_FILMSTRIP_MISSING);

  strip = vs_filmstrip_load (path, FALSE, NULL);
  /* Another file's entry (an MD5 collision, a moved cache) is as good as none. */
  if (strip == NULL || g_strcmp0 (strip->uri, uri) != 0)
    return VS_FILMSTRIP_MISSING;
  if (strip->mtime != mtime || strip->size != size)
    return VS_FILMSTRIP_STALE;
  if (strip->flags & VS_FILMSTRIP_FLAG_FAILED)
    return VS_FILMSTRIP_FAILED;
  return (strip->flags & VS_FILMSTRIP_FLAG_PARTIAL) ? VS_FILMSTRIP_PARTIAL : VS_FILMSTRIP_VALID;
}

VsFilmstripState
vs_filmstrip_lookup (const char  *uri,
                     gint64       mtime,
                     gint64       size,
                     char       **out_path)
{
  g_autofree char *path = NULL;
  VsFilmstripState state;

  g_return_val_if_fail (uri != NULL, VS_FILMSTRIP_MISSING);

  path = vs_filmstrip_path (uri);
  state = vs_filmstrip_check (path, uri, mtime, size);
  if (out_path != NULL)
    *out_path = g_steal_pointer (&path);
  return state;
}

/* ---- writing ------------------------------------------------------------------------ */

static gboolean
set_errno_error (GError    **error,
                 int         saved_errno,
                 const char *what,
                 const char *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s “%s”: %s", what,
               display, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
in_cache (const char *path)
{
  g_autofree char *dir = vs_filmstrip_cache_dir ();
  g_autofree char *parent = g_path_get_dirname (path);

  return g_str_equal (dir, parent);
}

static GVariant *
new_header (const char       *uri,
            gint64            mtime,
            gint64            size,
            gint64            duration_ms,
            VsFilmstripFlags  flags,
            guint             tile_width,
            guint             tile_height,
            guint             columns,
            const gint64     *times_ms,
            guint             n_frames)
{
  return g_variant_ref_sink (g_variant_new ("(sxxxuuuu@ax)", uri, mtime, size, duration_ms,
                                            (guint32) flags, (guint32) tile_width,
                                            (guint32) tile_height, (guint32) columns,
                                            g_variant_new_fixed_array (G_VARIANT_TYPE_INT64,
                                                                       times_ms, n_frames,
                                                                       sizeof (gint64))));
}

/* Writes "VSFILMS1", @header's length and bytes, then @sheet, atomically over @target. */
static gboolean
write_atomically (const char    *target,
                  GVariant      *header,
                  const guint8  *sheet,
                  gsize          sheet_length,
                  int            mode,
                  GError       **error)
{
  g_autoptr(GByteArray) file = g_byte_array_sized_new (MAGIC_LEN + 4 +
                                                       (guint) g_variant_get_size (header) +
                                                       (guint) sheet_length);
  guint32 header_length = GUINT32_TO_LE ((guint32) g_variant_get_size (header));

  g_byte_array_append (file, (const guint8 *) MAGIC, MAGIC_LEN);
  g_byte_array_append (file, (const guint8 *) &header_length, 4);
  g_byte_array_append (file, g_variant_get_data (header), (guint) g_variant_get_size (header));
  g_byte_array_append (file, sheet, (guint) sheet_length);
  return _vs_thumbnailer_write_atomically (target, file->data, file->len, mode, error);
}

gboolean
vs_filmstrip_save (const char        *path,
                   const char        *uri,
                   gint64             mtime,
                   gint64             size,
                   gint64             duration_ms,
                   VsFilmstripFlags   flags,
                   GdkPixbuf         *sheet,
                   guint              tile_width,
                   guint              tile_height,
                   guint              columns,
                   const gint64      *times_ms,
                   guint              n_frames,
                   GError           **error)
{
  g_autoptr(GVariant) header = NULL;
  g_autofree char *jpeg = NULL;
  gsize jpeg_length = 0;
  gboolean failed = (flags & VS_FILMSTRIP_FLAG_FAILED) != 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (failed || GDK_IS_PIXBUF (sheet), FALSE);
  g_return_val_if_fail (failed || (n_frames > 0 && n_frames <= VS_FILMSTRIP_MAX_FRAMES), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (failed)
    n_frames = tile_width = tile_height = columns = 0;
  header = new_header (uri, mtime, size, duration_ms, flags, tile_width, tile_height, columns,
                       times_ms, n_frames);
  if (!failed && !gdk_pixbuf_save_to_buffer (sheet, &jpeg, &jpeg_length, "jpeg", error,
                                             "quality", JPEG_QUALITY, NULL))
    return FALSE;

  if (in_cache (path))
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        return set_errno_error (error, errno, "Cannot create", dir);
    }
  return write_atomically (path, header, (const guint8 *) jpeg, failed ? 0 : jpeg_length, 0600,
                           error);
}

/* ---- the cache ---------------------------------------------------------------------- */

void
vs_filmstrip_touch (const char *path)
{
  g_return_if_fail (path != NULL);

  /* NULL times: now. The entry's own mtime is free: its source's is in the header. */
  if (utimensat (AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW) != 0)
    g_debug ("Cannot mark %s as used: %s", path, g_strerror (errno));
}

typedef struct
{
  char   *path;
  gint64  used;   /* the entry's mtime, ns */
  guint64 bytes;
} Entry;

static void
entry_clear (gpointer data)
{
  g_free (((Entry *) data)->path);
}

static int
compare_used (gconstpointer a,
              gconstpointer b)
{
  const Entry *ea = a, *eb = b;

  return (ea->used > eb->used) - (ea->used < eb->used);
}

/* The cache's entries (not temporary files), and their total size. One entry per video
 * of the library at most, so the list stays small: a few thousand. */
static GArray *
list_entries (guint64 *out_total)
{
  g_autofree char *dir_path = vs_filmstrip_cache_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  const char *name;

  g_array_set_clear_func (entries, entry_clear);
  *out_total = 0;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      struct stat st;
      Entry entry;

      if (!g_str_has_suffix (name, SUFFIX))
        continue;
      entry.path = g_build_filename (dir_path, name, NULL);
      if (lstat (entry.path, &st) != 0 || !S_ISREG (st.st_mode))
        {
          g_free (entry.path);
          continue;
        }
      entry.used = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
      entry.bytes = (guint64) st.st_size;
      *out_total += entry.bytes;
      g_array_append_val (entries, entry);
    }
  return entries;
}

guint64
vs_filmstrip_cache_get_bytes (void)
{
  guint64 total;

  g_array_unref (list_entries (&total));
  return total;
}

guint
vs_filmstrip_cache_trim (guint64  budget_bytes,
                         guint64 *out_bytes)
{
  g_autoptr(GArray) entries = NULL;
  guint64 total;
  guint removed = 0;

  entries = list_entries (&total);
  if (total > budget_bytes)
    {
      g_array_sort (entries, compare_used);
      for (guint i = 0; i < entries->len && total > budget_bytes; i++)
        {
          Entry *entry = &g_array_index (entries, Entry, i);

          if (g_unlink (entry->path) == 0)
            {
              total -= entry->bytes;
              removed++;
            }
        }
    }
  if (removed > 0)
    g_debug ("Removed %u filmstrips over the cache's budget", removed);
  if (out_bytes != NULL)
    *out_bytes = total;
  return removed;
}

gboolean
vs_filmstrip_delete (const char *uri)
{
  g_autofree char *path = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;

  g_return_val_if_fail (uri != NULL, FALSE);

  path = vs_filmstrip_path (uri);
  strip = vs_filmstrip_load (path, FALSE, NULL);
  if (strip == NULL || g_strcmp0 (strip->uri, uri) != 0)
    return FALSE;
  return g_unlink (path) == 0;
}

/* Writes the filmstrip in @bytes (already loaded as @strip) to @target, atomically, its
 * header naming @uri instead; the sheet is copied as it is. */
static gboolean
write_with_uri (GBytes       *bytes,
                VsFilmstrip  *strip,
                const char   *uri,
                const char   *target,
                int           mode,
                GError      **error)
{
  g_autoptr(GVariant) header = NULL;
  const guint8 *data;
  gsize length, offset;
  guint32 old_length;

  data = g_bytes_get_data (bytes, &length);
  memcpy (&old_length, data + MAGIC_LEN, 4);
  offset = MAGIC_LEN + 4 + GUINT32_FROM_LE (old_length);
  header = new_header (uri, strip->mtime, strip->size, strip->duration_ms, strip->flags,
                       strip->tile_width, strip->tile_height, strip->columns, strip->times_ms,
                       strip->n_frames);
  return write_atomically (target, header, data + offset, length - offset, mode, error);
}

gboolean
vs_filmstrip_move (const char *old_uri,
                   const char *new_uri)
{
  g_autofree char *old_path = NULL;
  g_autofree char *new_path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (old_uri != NULL, FALSE);
  g_return_val_if_fail (new_uri != NULL, FALSE);

  old_path = vs_filmstrip_path (old_uri);
  new_path = vs_filmstrip_path (new_uri);
  bytes = read_bounded (old_path, VS_FILMSTRIP_MAX_FILE_SIZE, NULL);
  if (bytes == NULL || (strip = vs_filmstrip_load_from_bytes (bytes, FALSE, NULL)) == NULL ||
      g_strcmp0 (strip->uri, old_uri) != 0)
    return FALSE;
  if (!write_with_uri (bytes, strip, new_uri, new_path, 0600, &error))
    {
      g_debug ("Cannot move the filmstrip of %s: %s", old_uri, error->message);
      return FALSE;
    }
  g_unlink (old_path);
  return TRUE;
}

/* ---- the shared repository ---------------------------------------------------------- */

/* The folder of our filmstrips in a shared thumbnail repository: a name of our own beside
 * the standard's size folders. */
#define SHARED_SUBFOLDER "vidshelf-filmstrips"

char *
vs_filmstrip_shared_path (const char *media_path)
{
  g_autofree char *name = NULL;
  g_autofree char *shared = NULL;
  g_autofree char *md5 = NULL;
  g_autofree char *file = NULL;

  g_return_val_if_fail (media_path != NULL, NULL);

  if ((name = vs_thumbnail_shared_uri (media_path)) == NULL)
    return NULL;
  md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, name, -1);
  file = g_strconcat (md5, SUFFIX, NULL);
  shared = vs_thumbnail_shared_dir (media_path);
  return g_build_filename (shared, SHARED_SUBFOLDER, file, NULL);
}

/* @media_path's shared filmstrip, each folder of the way opened without following a link
 * and the file itself only when regular and not a link (the share is other computers'). */
static GBytes *
read_shared (const char *media_path,
             gsize       limit)
{
  g_autofree char *path = vs_filmstrip_shared_path (media_path);
  g_autofree char *file = NULL;
  int dir, fd;

  if (path == NULL ||
      (dir = _vs_thumbnailer_open_shared_folder (media_path, SHARED_SUBFOLDER)) < 0)
    return NULL;
  file = g_path_get_basename (path);
  /* O_NONBLOCK: a FIFO planted there must not hang us */
  fd = openat (dir, file, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  close (dir);
  return fd < 0 ? NULL : read_bounded_fd (fd, limit, NULL);
}

VsFilmstripState
vs_filmstrip_lookup_shared (const char  *media_path,
                            gint64       mtime,
                            gint64       size,
                            char       **out_path)
{
  g_autofree char *name = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;

  g_return_val_if_fail (media_path != NULL, VS_FILMSTRIP_MISSING);

  if (out_path != NULL)
    *out_path = vs_filmstrip_shared_path (media_path);
  if ((name = vs_thumbnail_shared_uri (media_path)) == NULL ||
      (bytes = read_shared (media_path, HEADER_LIMIT (FALSE))) == NULL ||
      (strip = vs_filmstrip_load_from_bytes (bytes, FALSE, NULL)) == NULL ||
      g_strcmp0 (strip->uri, name) != 0)
    return VS_FILMSTRIP_MISSING;
  if (strip->mtime != mtime || strip->size != size)
    return VS_FILMSTRIP_STALE;
  /* A fail marker is this computer's verdict (a missing plugin is not another's). */
  if (strip->flags & (VS_FILMSTRIP_FLAG_FAILED | VS_FILMSTRIP_FLAG_PARTIAL))
    return VS_FILMSTRIP_MISSING;
  return VS_FILMSTRIP_VALID;
}

gboolean
vs_filmstrip_fetch_shared (const char  *media_path,
                           const char  *uri,
                           GError     **error)
{
  g_autofree char *target = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;

  g_return_val_if_fail (media_path != NULL, FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bytes = read_shared (media_path, VS_FILMSTRIP_MAX_FILE_SIZE);
  if (bytes == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No shared filmstrip");
      return FALSE;
    }
  /* the sheet is checked too: what lands in the cache is shown as it is */
  if ((strip = vs_filmstrip_load_from_bytes (bytes, TRUE, error)) == NULL)
    return FALSE;
  target = vs_filmstrip_path (uri);
  dir = g_path_get_dirname (target);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return set_errno_error (error, errno, "Cannot create", dir);
  return write_with_uri (bytes, strip, uri, target, 0600, error);
}

gboolean
vs_filmstrip_share (const char  *media_path,
                    const char  *strip_path,
                    GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *media_folder = NULL;
  g_autofree char *shared = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;
  struct stat media_st, folder_st, target_st;

  g_return_val_if_fail (media_path != NULL, FALSE);
  g_return_val_if_fail (strip_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((name = vs_thumbnail_shared_uri (media_path)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   "A shared filmstrip needs a UTF-8 file name");
      return FALSE;
    }
  if ((bytes = read_bounded (strip_path, VS_FILMSTRIP_MAX_FILE_SIZE, error)) == NULL ||
      (strip = vs_filmstrip_load_from_bytes (bytes, FALSE, error)) == NULL)
    return FALSE;
  if (strip->flags & (VS_FILMSTRIP_FLAG_FAILED | VS_FILMSTRIP_FLAG_PARTIAL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Only a whole filmstrip is shared");
      return FALSE;
    }
  media_folder = g_path_get_dirname (media_path);
  shared = vs_thumbnail_shared_dir (media_path);
  folder = g_build_filename (shared, SHARED_SUBFOLDER, NULL);
  target = vs_filmstrip_shared_path (media_path);
  if (stat (media_path, &media_st) != 0)
    return set_errno_error (error, errno, "Cannot read", media_path);
  if (stat (media_folder, &folder_st) != 0)
    return set_errno_error (error, errno, "Cannot read", media_folder);
  /* As the standard asks of shared thumbnails: as readable as what they show. */
  if (!_vs_thumbnailer_ensure_shared_folder (shared, folder_st.st_mode & 0777, error) ||
      !_vs_thumbnailer_ensure_shared_folder (folder, folder_st.st_mode & 0777, error))
    return FALSE;
  if (lstat (target, &target_st) == 0 && !S_ISREG (target_st.st_mode))
    {
      g_autofree char *display = g_filename_display_name (target);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "“%s” is not ours: left as it is",
                   display);
      return FALSE;
    }
  return write_with_uri (bytes, strip, name, target, (int) (media_st.st_mode & 0666), error);
}

gboolean
vs_filmstrip_delete_shared (const char *media_path)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;

  g_return_val_if_fail (media_path != NULL, FALSE);

  if ((name = vs_thumbnail_shared_uri (media_path)) == NULL ||
      (bytes = read_shared (media_path, HEADER_LIMIT (FALSE))) == NULL ||
      (strip = vs_filmstrip_load_from_bytes (bytes, FALSE, NULL)) == NULL ||
      g_strcmp0 (strip->uri, name) != 0)
    return FALSE;
  path = vs_filmstrip_shared_path (media_path);
  return g_unlink (path) == 0;
}

gboolean
vs_filmstrip_move_shared (const char *old_path,
                          const char *new_path)
{
  g_autofree char *old_name = NULL;
  g_autofree char *new_name = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VsFilmstrip) strip = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_return_val_if_fail (old_path != NULL && new_path != NULL, FALSE);

  if ((old_name = vs_thumbnail_shared_uri (old_path)) == NULL ||
      g_strcmp0 (old_path, new_path) == 0 ||
      (bytes = read_shared (old_path, VS_FILMSTRIP_MAX_FILE_SIZE)) == NULL ||
      (strip = vs_filmstrip_load_from_bytes (bytes, FALSE, NULL)) == NULL ||
      g_strcmp0 (strip->uri, old_name) != 0)
    return FALSE;
  from = vs_filmstrip_shared_path (old_path);
  new_name = vs_thumbnail_shared_uri (new_path);
  to = vs_filmstrip_shared_path (new_path);
  /* Moved to another folder, or to a name that cannot be shared: the old one only goes. */
  if (new_name != NULL && to != NULL && stat (from, &st) == 0)
    {
      g_autofree char *from_dir = g_path_get_dirname (from);
      g_autofree char *to_dir = g_path_get_dirname (to);

      if (g_str_equal (from_dir, to_dir) &&
          !write_with_uri (bytes, strip, new_name, to, (int) (st.st_mode & 0666), &error))
        g_debug ("Cannot move the shared filmstrip of %s: %s", old_path, error->message);
    }
  return g_unlink (from) == 0;
}

/* ---- the object --------------------------------------------------------------------- */

static void
vs_filmstrip_finalize (GObject *object)
{
  VsFilmstrip *self = VS_FILMSTRIP (object);

  g_free (self->uri);
  g_free (self->times_ms);
  g_clear_object (&self->sheet);
  G_OBJECT_CLASS (vs_filmstrip_parent_class)->finalize (object);
}

static void
vs_filmstrip_class_init (VsFilmstripClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_filmstrip_finalize;
}

static void
vs_filmstrip_init (VsFilmstrip *self)
{
}

const char *
vs_filmstrip_get_uri (VsFilmstrip *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), NULL);
  return self->uri;
}

gint64
vs_filmstrip_get_mtime (VsFilmstrip *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), -1);
  return self->mtime;
}

gint64
vs_filmstrip_get_size (VsFilmstrip *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), -1);
  return self->size;
}

gint64
vs_filmstrip_get_duration_ms (VsFilmstrip *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), -1);
  return self->duration_ms;
}

VsFilmstripFlags
vs_filmstrip_get_flags (VsFilmstrip *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), VS_FILMSTRIP_FLAG_NONE);
  return self->flags;
}

guint
vs_filmstrip_get_n_frames (VsFilmstrip *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), 0);
  return self->n_frames;
}

gint64
vs_filmstrip_get_frame_time_ms (VsFilmstrip *self,
                                guint        index)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), -1);
  g_return_val_if_fail (index < self->n_frames, -1);
  return self->times_ms[index];
}

guint
vs_filmstrip_get_frame_at (VsFilmstrip *self,
                           double       fraction)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), 0);

  if (self->n_frames == 0 || !(fraction > 0))   /* also NaN */
    return 0;
  if (fraction >= 1)
    return self->n_frames - 1;
  return MIN ((guint) (fraction * self->n_frames), self->n_frames - 1);
}

guint
vs_filmstrip_get_tile_width (VsFilmstrip *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), 0);
  return self->tile_width;
}

guint
vs_filmstrip_get_tile_height (VsFilmstrip *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), 0);
  return self->tile_height;
}

guint
vs_filmstrip_get_columns (VsFilmstrip *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), 0);
  return self->columns;
}

void
vs_filmstrip_get_tile_rect (VsFilmstrip *self,
                            guint        index,
                            int         *out_x,
                            int         *out_y,
                            int         *out_width,
                            int         *out_height)
{
  int x = 0, y = 0, width = 0, height = 0;

  g_return_if_fail (VS_IS_FILMSTRIP (self));

  if (self->n_frames > 0 && self->columns > 0)
    {
      index = MIN (index, self->n_frames - 1);
      x = (int) ((index % self->columns) * self->tile_width);
      y = (int) ((index / self->columns) * self->tile_height);
      width = (int) self->tile_width;
      height = (int) self->tile_height;
    }
  if (out_x != NULL)
    *out_x = x;
  if (out_y != NULL)
    *out_y = y;
  if (out_width != NULL)
    *out_width = width;
  if (out_height != NULL)
    *out_height = height;
}

GdkPixbuf *
vs_filmstrip_get_sheet (VsFilmstrip *self)
{
  g_return_val_if_fail (VS_IS_FILMSTRIP (self), NULL);
  return self->sheet;
}
