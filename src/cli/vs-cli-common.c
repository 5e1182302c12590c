/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vs-cli"

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vs-cli.h"

/* Warnings read "vidshelf-cli: warning: …" on stderr; debug output keeps GLib's format
 * (and G_MESSAGES_DEBUG). */
static GLogWriterOutput
cli_log_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE))
    {
      for (gsize i = 0; i < n_fields; i++)
        {
          if (g_str_equal (fields[i].key, "MESSAGE"))
            {
              fprintf (stderr, "vidshelf-cli: %s: %s\n",
                       (log_level & G_LOG_LEVEL_WARNING) ? "warning" : "note",
                       (const char *) fields[i].value);
              return G_LOG_WRITER_HANDLED;
            }
        }
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
vs_cli_init_logging (void)
{
  g_log_set_writer_func (cli_log_writer, NULL, NULL);
}

int
vs_cli_fail (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  g_autofree char *shown = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* messages quote file names: one line, whatever the names hold */
  shown = vs_cli_escape_controls (message);
  fprintf (stderr, "vidshelf-cli: %s\n", shown);
  return VS_CLI_FAILED;
}

int
vs_cli_fail_error (const GError *error)
{
  return vs_cli_fail ("%s", error->message);
}

int
vs_cli_usage (GOptionContext *context,
              const char     *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "vidshelf-cli: %s\n", message);
  if (context != NULL)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      fprintf (stderr, "\n%s", help);
    }
  return VS_CLI_USAGE;
}

gboolean
vs_cli_parse (GOptionContext  *context,
              int             *argc,
              char          ***argv,
              int             *out_status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      /* with the usage, which names the command */
      *out_status = vs_cli_usage (context, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

char *
vs_cli_db_path (const char *option)
{
  if (option != NULL)
    {
      g_autofree char *cwd = g_get_current_dir ();

      return g_canonicalize_filename (option, cwd);
    }
  return vs_database_default_path ();
}

gboolean
vs_cli_stderr_is_tty (void)
{
  return isatty (STDERR_FILENO);
}

void
vs_cli_add_string_or_null (JsonBuilder *b,
                           const char  *member,
                           const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
vs_cli_add_int_or_null (JsonBuilder *b,
                        const char  *member,
                        gint64       value,
                        gboolean     known)
{
  json_builder_set_member_name (b, member);
  if (known)
    json_builder_add_int_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
vs_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  puts (text);
}

static gboolean
on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

void
vs_cli_wait (GCancellable *cancellable,
             gboolean     *done)
{
  guint sigint = g_unix_signal_add (SIGINT, on_interrupt, cancellable);
  guint sigterm = g_unix_signal_add (SIGTERM, on_interrupt, cancellable);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (sigint);
  g_source_remove (sigterm);
}

char *
vs_cli_absolute (const char *path)
{
  g_autofree char *cwd = g_get_current_dir ();

  return g_canonicalize_filename (path, cwd);
}

/* A name reaches the terminal as text, never as commands: C0 controls and DEL become
 * \xHH, C1 controls (which some terminals obey too) \u00HH, everything else is kept.
 * The JSON output needs none of this: json-glib escapes controls as \u00HH. */
char *
vs_cli_escape_controls (const char *text)
{
  g_autofree char *utf8 = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (strlen (utf8));

  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else if (c >= 0x80 && c < 0xa0)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* The roots among @folders that the scan found unavailable (unmounted, gone): their
 * videos were kept. */
void
vs_cli_add_unavailable (JsonBuilder  *b,
                        VsDatabase   *db,
                        char        **folders)
{
  g_auto(GStrv) unavailable = vs_database_dup_unavailable_roots (db, NULL);

  json_builder_set_member_name (b, "unavailable");
  json_builder_begin_array (b);
  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *path = vs_cli_absolute (folders[i]);
      g_autofree char *display = g_filename_display_name (path);

      if (unavailable != NULL && g_strv_contains ((const char * const *) unavailable, path))
        json_builder_add_string_value (b, display);
    }
  json_builder_end_array (b);
}

static void
add_bool_or_null (JsonBuilder *b,
                  const char  *member,
                  gboolean     value,
                  gboolean     known)
{
  json_builder_set_member_name (b, member);
  if (known)
    json_builder_add_boolean_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
vs_cli_add_hls_info (JsonBuilder     *b,
                     const VsHlsInfo *info)
{
  gboolean known = info != NULL && info->state != VS_HLS_STATE_UNKNOWN;
  VsHlsFlags flags = known ? info->flags : 0;
  gboolean encrypted = (flags & VS_HLS_FLAG_ENCRYPTED) != 0;
  gboolean remote = (flags & VS_HLS_FLAG_REMOTE) != 0;
  gboolean master = (flags & VS_HLS_FLAG_MASTER) != 0;

  /* absent, not null: the lines of plain videos stay as they were */
  if (info == NULL)
    return;

  json_builder_set_member_name (b, "hls");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, vs_hls_state_to_string (info->state));
  /* an item indexed before states were: the next scan tells */
  json_builder_set_member_name (b, "segments");
  if (known)
    json_builder_add_int_value (b, info->segments);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "missing");
  if (known)
    json_builder_add_int_value (b, info->missing);
  else
    json_builder_add_null_value (b);
  add_bool_or_null (b, "endlist", (flags & VS_HLS_FLAG_ENDLIST) != 0, known);
  add_bool_or_null (b, "encrypted", encrypted, known);
  add_bool_or_null (b, "key_present", (flags & VS_HLS_FLAG_KEY_PRESENT) != 0, encrypted);
  add_bool_or_null (b, "remote", remote, known);
  add_bool_or_null (b, "all_copies", (flags & VS_HLS_FLAG_ALL_COPIES) != 0, remote);
  add_bool_or_null (b, "init_map", (flags & VS_HLS_FLAG_INIT_MAP) != 0, known);

  json_builder_set_member_name (b, "variant");
  if (master && info->variant != NULL)
    {
      g_autofree char *variant = g_utf8_make_valid (info->variant, -1);

      json_builder_add_string_value (b, variant);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "bandwidth");
  if (master && info->variant_bandwidth > 0)
    json_builder_add_int_value (b, info->variant_bandwidth);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "resolution");
  if (master && info->variant_width > 0 && info->variant_height > 0)
    {
      g_autofree char *resolution = g_strdup_printf ("%dx%d", info->variant_width,
                                                     info->variant_height);

      json_builder_add_string_value (b, resolution);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

void
vs_cli_add_hls_state (JsonBuilder         *b,
                      const VsVideoRecord *record)
{
  vs_cli_add_hls_info (b, record->kind == VS_VIDEO_KIND_HLS ? &record->hls : NULL);
}

char *
vs_cli_display_path (const char *path)
{
  g_autofree char *utf8 = g_filename_display_name (path);

  return vs_cli_escape_controls (utf8);
}

/* The library ------------------------------------------------------------- */

#define CLOSE_KEY "vs-cli-closed"

VsLibrary *
vs_cli_open_library (const char      *db_path,
                     VsLibraryFlags   flags,
                     guint            n_workers,
                     GError         **error)
{
  /* headless: nothing starts by itself; each command asks for what it does */
  g_autoptr(VsLibrary) library = vs_library_new (db_path, flags | VS_LIBRARY_FLAGS_HEADLESS);

  vs_library_set_n_workers (library, n_workers);
  if (!vs_library_open (library, error))
    return NULL;
  return g_steal_pointer (&library);
}

static void
on_closed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *closed = user_data;

  vs_library_close_finish (VS_LIBRARY (object), result, NULL);
  *closed = TRUE;
}

void
vs_cli_begin_close (VsLibrary *library)
{
  gboolean *closed;

  if (g_object_get_data (G_OBJECT (library), CLOSE_KEY) != NULL)
    return;
  /* the close holds the library, and so this flag, until it has called back */
  closed = g_new0 (gboolean, 1);
  g_object_set_data_full (G_OBJECT (library), CLOSE_KEY, closed, g_free);
  vs_library_close_async (library, on_closed, closed);
}

static gboolean
still_alive (GWeakRef *ref)
{
  g_autoptr(GObject) object = g_weak_ref_get (ref);

  return object != NULL;
}

void
vs_cli_close_library (VsLibrary *library)
{
  VsScanner *scanner = vs_library_get_scanner (library);
  gboolean *closed;
  GWeakRef reader, writer;

  vs_cli_begin_close (library);
  closed = g_object_get_data (G_OBJECT (library), CLOSE_KEY);
  while (!*closed)
    g_main_context_iteration (NULL, TRUE);

  g_weak_ref_init (&reader, vs_library_get_reader (library));
  g_weak_ref_init (&writer, scanner != NULL ? vs_scanner_get_database (scanner) : NULL);
  g_object_unref (library);
  /* A worker thread lets go of its task (and, through it, of a connection) just after the
   * result arrived: wait for it, so the connections close and SQLite removes its -wal and
   * -shm. A process that exits first leaves both behind. */
  for (guint i = 0; i < 2000 && (still_alive (&reader) || still_alive (&writer)); i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  g_weak_ref_clear (&reader);
  g_weak_ref_clear (&writer);
}
