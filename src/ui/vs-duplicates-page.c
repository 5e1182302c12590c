/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-duplicates-page.c: the Duplicates page
 *
 * Shown, it makes the missing fingerprints and matches them
 * (vs_library_find_duplicates_async(), a progress bar meanwhile), then lists the groups
 * at the chosen sensitivity (vs_library_list_duplicates_async()). A group is a
 * VsDuplicateItem, only ids; its row (VsDuplicateRow, in a GtkListView) reads its videos
 * from the reader when bound, a few rows at a time, and the keep rule suggests one of
 * them. Trash goes through the grid's runner (vs_selection_trash_start_for(): the guarded
 * module, one undo for the run); "Not duplicates" is remembered by the library, with an
 * undo too. Leaving the page stops a run; the library's ::changed while it is shown runs
 * it again (new videos get fingerprints, restored ones come back).
 */
#define G_LOG_DOMAIN "vs-duplicates"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vs-duplicate-item.h"
#include "vs-duplicate-row.h"
#include "vs-duplicates-page.h"
#include "vs-selection-trash.h"
#include "vs-toast.h"

#define RELOAD_DELAY_MS 500

struct _VsDuplicatesPage
{
  GtkWidget       parent_instance;

  /* template children */
  GtkDropDown    *sensitivity_dropdown;
  GtkDropDown    *keep_dropdown;
  GtkLabel       *folder_label;
  GtkLabel       *summary_label;
  GtkWidget      *trash_all_button;
  GtkStack       *stack;
  GtkLabel       *progress_label;
  GtkProgressBar *progress_bar;
  GtkListView    *list_view;

  /* owned */
  VsLibrary      *library;
  VsTextureCache *textures;
  GSettings      *settings;
  GListStore     *groups;        /* VsDuplicateItem */
  GCancellable   *cancellable;   /* the run (find, then list) under way */
  char           *keep_folder;   /* filename encoding, NULL: none */

  VsKeepRule      keep_rule;
  guint           reload_id;
  guint           n_lists;
  gboolean        stale;         /* the library changed, or a run was stopped */
  gboolean        running;       /* a run (find, then list) is under way … */
  gboolean        again;         /* … and the library changed since it started */
  gboolean        choosing;      /* the folder chooser is open */
  gboolean        compared;      /* some video has a fingerprint (the last list's count) */
  gboolean        suggesting;    /* "Trash All Suggested" reads the groups never shown */
};

G_DEFINE_FINAL_TYPE (VsDuplicatesPage, vs_duplicates_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_toast (VsDuplicatesPage *self,
            AdwToast         *toast)
{
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, toast);
  g_object_unref (toast);
}

static VsDuplicateSensitivity
sensitivity (VsDuplicatesPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->sensitivity_dropdown);

  return selected <= VS_DUPLICATE_SENSITIVITY_HIGH ? (VsDuplicateSensitivity) selected
                                                   : VS_DUPLICATE_SENSITIVITY_MEDIUM;
}

/* Keeping -------------------------------------------------------------------------- */

/* @item's videos, read from the reader (a group is a few rows, by id). */
static GPtrArray *
load_records (VsDuplicatesPage *self,
              VsDuplicateItem  *item)
{
  GArray *ids = vs_duplicate_item_get_ids (item);
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  records = vs_database_load_duplicate_group (vs_library_get_reader (self->library),
                                              (const gint64 *) (gpointer) ids->data, ids->len,
                                              &error);
  if (records == NULL)
    g_debug ("Reading a duplicate group: %s", error->message);
  return records;
}

static void
suggest (VsDuplicatesPage *self,
         VsDuplicateItem  *item,
         GPtrArray        *records)
{
  guint index;

  if (records == NULL || records->len == 0 || vs_duplicate_item_get_kept_id (item) != 0)
    return;
  index = vs_duplicate_suggest_keep ((VsVideoRecord * const *) records->pdata, records->len,
                                     self->keep_rule, self->keep_folder);
  vs_duplicate_item_set_suggested (item,
                                   ((VsVideoRecord *) g_ptr_array_index (records, index))->id);
}

/* The list ------------------------------------------------------------------------- */

static void
update_summary (VsDuplicatesPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->groups));
  g_autofree char *text = NULL;

  if (n > 0)
    /* Translators: the Duplicates page's header: how many groups of copies */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u group", "%'u groups", n), n);
  gtk_label_set_label (self->summary_label, text != NULL ? text : "");
  gtk_widget_set_sensitive (self->trash_all_button, n > 0 && !self->suggesting);
}

static void
show_list (VsDuplicatesPage *self)
{
  update_summary (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->groups)) > 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "groups");
      return;
    }
  /* nothing grouped: because nothing was compared, or because nothing looks alike */
  gtk_stack_set_visible_child_name (self->stack, self->compared ? "empty" : "unfingerprinted");
}

/* The user's picks of the groups shown, by id kept, so that a new list keeps them. */
static GHashTable *
collect_picks (VsDuplicatesPage *self)
{
  GHashTable *picks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->groups)); i++)
    {
      g_autoptr(VsDuplicateItem) item = g_list_model_get_item (G_LIST_MODEL (self->groups), i);

      if (vs_duplicate_item_get_chosen (item))
        g_hash_table_add (picks, g_memdup2 (&(gint64) { vs_duplicate_item_get_kept_id (item) },
                                            sizeof (gint64)));
    }
  return picks;
}

static void refresh (VsDuplicatesPage *self);

/* A run is over: one more when the library changed meanwhile. Runs never overlap, and a
 * change never cancels one (changes coming faster than a run would starve the list). */
static void
finish_run (VsDuplicatesPage *self)
{
  self->running = FALSE;
  if (self->again && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->again = FALSE;
      refresh (self);
    }
}

static void handle_listed (VsDuplicatesPage *self,
                           GObject          *object,
                           GAsyncResult     *result);

static void
on_listed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VsDuplicatesPage) self = user_data;

  handle_listed (self, object, result);
  finish_run (self);
}

static void
handle_listed (VsDuplicatesPage *self,
               GObject          *object,
               GAsyncResult     *result)
{
  g_autoptr(GError) error = NULL;
  gint64 fingerprinted = 0;
  g_autoptr(GPtrArray) groups = vs_library_list_duplicates_finish (VS_LIBRARY (object),
                                                                   result, &fingerprinted,
                                                                   &error);
  g_autoptr(GHashTable) picks = NULL;
  g_autoptr(GPtrArray) items = NULL;

  if (groups == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("Could not list the duplicates: %s"),
                                                   error->message);

          emit_toast (self, vs_toast_new_plain (text));
          show_list (self);
        }
      return;
    }
  self->compared = groups->len > 0 || fingerprinted > 0;
  picks = collect_picks (self);
  items = g_ptr_array_new_full (groups->len, g_object_unref);
  for (guint i = 0; i < groups->len; i++)
    {
      const VsDuplicateGroup *group = g_ptr_array_index (groups, i);
      VsDuplicateItem *item = vs_duplicate_item_new (group);

      for (guint j = 0; j < group->ids->len; j++)
        if (g_hash_table_contains (picks, &g_array_index (group->ids, gint64, j)))
          vs_duplicate_item_set_chosen (item, g_array_index (group->ids, gint64, j));
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->groups, 0, g_list_model_get_n_items (G_LIST_MODEL (self->groups)),
                       items->pdata, items->len);
  self->n_lists++;
  show_list (self);
}

static void
list (VsDuplicatesPage *self)
{
  vs_library_list_duplicates_async (self->library, sensitivity (self), self->cancellable,
                                    on_listed, g_object_ref (self));
}

static void
on_found (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VsDuplicatesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vs_library_find_duplicates_finish (VS_LIBRARY (object), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          finish_run (self);
          return;
        }
      /* what was compared before still lists */
      g_debug ("Finding duplicates: %s", error->message);
    }
  list (self);
}

static void
on_progress (guint    n_done,
             guint    n_total,
             gpointer user_data)
{
  VsDuplicatesPage *self = user_data;
  g_autofree char *done = g_strdup_printf ("%'u", n_done);
  g_autofree char *total = g_strdup_printf ("%'u", n_total);
  g_autofree char *text = NULL;

  /* a report queued before the run was stopped (the page left or disposed) */
  if (n_total == 0 || self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  /* Translators: while fingerprints are made: videos done, of how many */
  text = g_strdup_printf (_("Comparing videos… %s of %s"), done, total);
  gtk_label_set_label (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, (double) MIN (n_done, n_total) / n_total);
}

/* Finds (new fingerprints), then lists; the progress page shows until the first list. */
static void
refresh (VsDuplicatesPage *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->stale = FALSE;
  if (self->library == NULL || !vs_library_get_readable (self->library))
    return;
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  self->running = TRUE;
  self->again = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->n_lists == 0)
    {
      gtk_label_set_label (self->progress_label, _("Comparing videos…"));
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_stack_set_visible_child_name (self->stack, "progress");
    }
  /* the callback holds a reference; progress goes to the page only while the run is on,
   * and the run stops when the page is disposed */
  vs_library_find_duplicates_async (self->library, self->cancellable, on_progress, self,
                                    on_found, g_object_ref (self));
}

static gboolean
reload_timeout (gpointer user_data)
{
  VsDuplicatesPage *self = user_data;

  self->reload_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
on_library_changed (VsDuplicatesPage *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  /* debounced: a scan or a trash run emits ::changed again and again */
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_timeout, self);
}

/* Rows ----------------------------------------------------------------------------- */

static void
on_trash_others (VsDuplicateRow   *row,
                 VsDuplicatesPage *self)
{
  VsDuplicateItem *item = vs_duplicate_row_get_item (row);
  /* a row shown has its suggestion, made when it was bound */
  g_autoptr(GArray) others = item != NULL ? vs_duplicate_item_dup_others (item) : NULL;

  if (others != NULL && others->len > 0)
    vs_selection_trash_start_for (GTK_WIDGET (self), self->library, others);
}

typedef struct
{
  VsDuplicatesPage *self;
  GPtrArray        *items;    /* VsDuplicateItem: the groups shown when asked */
  GPtrArray        *unshown;  /* VsDuplicateItem: those of them with no suggestion yet */
  VsKeepRule        rule;     /* the rule they are suggested by */
  char             *folder;
} TrashAllData;

static void
trash_all_data_free (TrashAllData *data)
{
  g_object_unref (data->self);
  g_ptr_array_unref (data->items);
  g_ptr_array_unref (data->unshown);
  g_free (data->folder);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrashAllData, trash_all_data_free)

/* One run, one undo: the others of every group still listed. */
static void
trash_suggested (TrashAllData *data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < data->items->len; i++)
    {
      VsDuplicateItem *item = g_ptr_array_index (data->items, i);
      g_autoptr(GArray) others = NULL;

      /* marked "not duplicates" meanwhile (a list made again meanwhile holds other items
       * for the same groups: these still stand for them) */
      if (g_object_get_data (G_OBJECT (item), "vs-not-duplicates") != NULL)
        continue;
      if ((others = vs_duplicate_item_dup_others (item)) != NULL)
        g_array_append_vals (ids, others->data, others->len);
    }
  if (ids->len > 0)
    vs_selection_trash_start_for (GTK_WIDGET (data->self), data->self->library, ids);
}

static void
on_suggested (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TrashAllData) data = user_data;
  VsDuplicatesPage *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) kept = vs_library_suggest_keep_finish (VS_LIBRARY (object), result, &error);

  self->suggesting = FALSE;
  update_summary (self);
  if (kept == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not list the duplicates: %s"),
                                               error->message);

      emit_toast (self, vs_toast_new_plain (text));
      return;
    }
  /* the rule changed meanwhile: nothing is trashed by the one before; the window closed:
   * nothing goes without a toast to undo it */
  if (data->rule != self->keep_rule || g_strcmp0 (data->folder, self->keep_folder) != 0 ||
      gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;
  for (guint i = 0; i < data->unshown->len && i < kept->len; i++)
    {
      VsDuplicateItem *item = g_ptr_array_index (data->unshown, i);

      if (vs_duplicate_item_get_kept_id (item) == 0 && g_array_index (kept, gint64, i) != 0)
        vs_duplicate_item_set_suggested (item, g_array_index (kept, gint64, i));
    }
  trash_suggested (data);
}

/* The groups never shown have no suggestion yet: their videos are read on a thread
 * first (thousands of groups would stall the window here). */
static void
on_trash_all (VsDuplicatesPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->groups));
  g_autoptr(TrashAllData) data = g_new0 (TrashAllData, 1);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  if (self->suggesting)
    return;
  data->self = g_object_ref (self);
  data->items = g_ptr_array_new_full (n, g_object_unref);
  data->unshown = g_ptr_array_new_with_free_func (g_object_unref);
  data->rule = self->keep_rule;
  data->folder = g_strdup (self->keep_folder);
  for (guint i = 0; i < n; i++)
    {
      VsDuplicateItem *item = g_list_model_get_item (G_LIST_MODEL (self->groups), i);

      g_ptr_array_add (data->items, item);
      if (vs_duplicate_item_get_kept_id (item) == 0)
        {
          g_ptr_array_add (data->unshown, g_object_ref (item));
          g_ptr_array_add (ids, g_array_ref (vs_duplicate_item_get_ids (item)));
        }
    }
  if (ids->len == 0)
    {
      trash_suggested (data);
      return;
    }
  self->suggesting = TRUE;
  update_summary (self);
  vs_library_suggest_keep_async (self->library, ids, self->keep_rule, self->keep_folder, NULL,
                                 on_suggested, g_steal_pointer (&data));
}

static void
on_unmarked (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VsDuplicatesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vs_library_mark_not_duplicates_finish (VS_LIBRARY (object), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not undo: %s"), error->message);

      emit_toast (self, vs_toast_new_plain (text));
    }
}

/* The toast outlives nothing it needs: it holds the ids and the library. */
static void
on_not_duplicates_undo (AdwToast         *toast,
                        VsDuplicatesPage *self)
{
  GArray *ids = g_object_get_data (G_OBJECT (toast), "vs-ids");

  if (ids == NULL || self->library == NULL)
    return;
  vs_library_mark_not_duplicates_async (self->library, ids, FALSE, NULL, on_unmarked,
                                        g_object_ref (self));
  g_object_set_data (G_OBJECT (toast), "vs-ids", NULL);
}

typedef struct
{
  VsDuplicatesPage *self;
  GArray           *ids;
} MarkData;

static void
mark_data_free (MarkData *data)
{
  g_object_unref (data->self);
  g_array_unref (data->ids);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarkData, mark_data_free)

static void
on_marked (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MarkData) data = user_data;
  VsDuplicatesPage *self = data->self;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  if (!vs_library_mark_not_duplicates_finish (VS_LIBRARY (object), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not mark as not duplicates: %s"),
                                               error->message);

      emit_toast (self, vs_toast_new_plain (text));
      on_library_changed (self);  /* the group comes back */
      return;
    }
  toast = vs_toast_new_plain (_("Marked as not duplicates"));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "vs-ids", g_array_ref (data->ids),
                          (GDestroyNotify) g_array_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_not_duplicates_undo), self,
                           0);
  emit_toast (self, toast);
}

static void
on_not_duplicates (VsDuplicateRow   *row,
                   VsDuplicatesPage *self)
{
  VsDuplicateItem *item = vs_duplicate_row_get_item (row);
  MarkData *data;
  guint position;

  if (item == NULL)
    return;
  data = g_new0 (MarkData, 1);
  data->self = g_object_ref (self);
  data->ids = g_array_ref (vs_duplicate_item_get_ids (item));
  g_object_set_data (G_OBJECT (item), "vs-not-duplicates", GINT_TO_POINTER (TRUE));
  /* gone at once; the library's ::changed lists again to confirm */
  if (g_list_store_find (self->groups, item, &position))
    g_list_store_remove (self->groups, position);
  update_summary (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->groups)) == 0)
    show_list (self);
  vs_library_mark_not_duplicates_async (self->library, data->ids, TRUE, NULL, on_marked, data);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           VsDuplicatesPage         *self)
{
  GtkWidget *row = vs_duplicate_row_new (self->textures);

  g_signal_connect_object (row, "trash-others", G_CALLBACK (on_trash_others), self, 0);
  g_signal_connect_object (row, "not-duplicates", G_CALLBACK (on_not_duplicates), self, 0);
  gtk_list_item_set_child (list_item, row);
  gtk_list_item_set_activatable (list_item, FALSE);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          VsDuplicatesPage         *self)
{
  VsDuplicateItem *item = gtk_list_item_get_item (list_item);
  GPtrArray *records = load_records (self, item);

  if (records == NULL)
    records = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_video_record_free);
  suggest (self, item, records);
  vs_duplicate_row_bind (VS_DUPLICATE_ROW (gtk_list_item_get_child (list_item)), item, records);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            VsDuplicatesPage         *self)
{
  vs_duplicate_row_bind (VS_DUPLICATE_ROW (gtk_list_item_get_child (list_item)), NULL, NULL);
}

/* Delete on a focused group (the row, or anything in it) trashes its others. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                VsDuplicatesPage      *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if ((keyval != GDK_KEY_Delete && keyval != GDK_KEY_KP_Delete) ||
      (state & gtk_accelerator_get_default_mod_mask ()) != 0)
    return GDK_EVENT_PROPAGATE;
  for (GtkWidget *w = focus; w != NULL && w != GTK_WIDGET (self->list_view);
       w = gtk_widget_get_parent (w))
    {
      GtkWidget *child = gtk_widget_get_first_child (w);

      if (VS_IS_DUPLICATE_ROW (w) || (child != NULL && VS_IS_DUPLICATE_ROW (child)))
        {
          on_trash_others (VS_DUPLICATE_ROW (VS_IS_DUPLICATE_ROW (w) ? w : child), self);
          return GDK_EVENT_STOP;
        }
    }
  return GDK_EVENT_PROPAGATE;
}

/* The header ----------------------------------------------------------------------- */

/* The rule changed: every suggestion is made again and the user's picks forgotten; the
 * rows are bound again to show it. */
static void
apply_keep_rule (VsDuplicatesPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->groups));
  g_autoptr(GPtrArray) items = g_ptr_array_new_full (n, g_object_unref);
  g_autofree char *display = NULL;

  if (self->keep_folder != NULL && self->keep_rule == VS_KEEP_RULE_IN_FOLDER)
    display = g_filename_display_basename (self->keep_folder);
  gtk_label_set_label (self->folder_label, display != NULL ? display : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->folder_label), display);
  gtk_widget_set_visible (GTK_WIDGET (self->folder_label), display != NULL);
  for (guint i = 0; i < n; i++)
    {
      VsDuplicateItem *item = g_list_model_get_item (G_LIST_MODEL (self->groups), i);

      vs_duplicate_item_reset_kept (item);
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->groups, 0, n, items->pdata, n);
}

static void
set_keep_folder (VsDuplicatesPage *self,
                 GFile            *folder)
{
  g_clear_pointer (&self->keep_folder, g_free);
  self->keep_folder = folder != NULL ? g_file_get_path (folder) : NULL;
}

static void
on_folder_chosen (GtkNativeDialog  *dialog,
                  int               response,
                  VsDuplicatesPage *self)
{
  g_autoptr(GFile) folder = NULL;

  self->choosing = FALSE;
  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  if (folder == NULL)
    {
      /* cancelled: the rule before stays */
      gtk_drop_down_set_selected (self->keep_dropdown, self->keep_rule);
      return;
    }
  set_keep_folder (self, folder);
  self->keep_rule = VS_KEEP_RULE_IN_FOLDER;
  if (self->settings != NULL)
    {
      g_autofree char *uri = g_file_get_uri (folder);

      g_settings_set_string (self->settings, "duplicates-keep-folder", uri);
      g_settings_set_enum (self->settings, "duplicates-keep-rule", self->keep_rule);
    }
  apply_keep_rule (self);
}

static void
choose_folder (VsDuplicatesPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;

  self->choosing = TRUE;
  dialog = gtk_file_chooser_native_new (_("Keep the Copies in a Folder"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_folder_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_keep_selected (VsDuplicatesPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->keep_dropdown);

  if (selected > VS_KEEP_RULE_IN_FOLDER || selected == self->keep_rule || self->choosing)
    return;
  if (selected == VS_KEEP_RULE_IN_FOLDER)
    {
      choose_folder (self);
      return;
    }
  self->keep_rule = selected;
  if (self->settings != NULL)
    g_settings_set_enum (self->settings, "duplicates-keep-rule", self->keep_rule);
  apply_keep_rule (self);
}

static void
on_sensitivity_selected (VsDuplicatesPage *self)
{
  if (self->settings != NULL)
    g_settings_set_enum (self->settings, "duplicates-sensitivity", sensitivity (self));
  if (self->library == NULL || self->n_lists == 0)
    return;
  /* a run under way lists at the new sensitivity anyway */
  if (self->running)
    return;
  self->running = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  list (self);
}

/* Public --------------------------------------------------------------------------- */

static void
read_settings (VsDuplicatesPage *self)
{
  g_autofree char *uri = g_settings_get_string (self->settings, "duplicates-keep-folder");
  guint rule = g_settings_get_enum (self->settings, "duplicates-keep-rule");

  if (uri[0] != '\0')
    {
      g_autoptr(GFile) folder = g_file_new_for_uri (uri);

      set_keep_folder (self, folder);
    }
  /* a folder rule with no folder falls back as the rule itself does */
  self->keep_rule = rule <= VS_KEEP_RULE_IN_FOLDER ? rule : VS_KEEP_RULE_HIGHEST_RESOLUTION;
  gtk_drop_down_set_selected (self->keep_dropdown, self->keep_rule);
  gtk_drop_down_set_selected (self->sensitivity_dropdown,
                              g_settings_get_enum (self->settings, "duplicates-sensitivity"));
  apply_keep_rule (self);
}

void
vs_duplicates_page_set_library (VsDuplicatesPage *self,
                                VsLibrary        *library,
                                VsTextureCache   *textures,
                                GSettings        *settings)
{
  g_return_if_fail (VS_IS_DUPLICATES_PAGE (self));
  g_return_if_fail (VS_IS_LIBRARY (library));
  g_return_if_fail (VS_IS_TEXTURE_CACHE (textures));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));
  g_return_if_fail (self->library == NULL);

  self->library = g_object_ref (library);
  self->textures = g_object_ref (textures);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    read_settings (self);
  g_signal_connect_object (library, "changed", G_CALLBACK (on_library_changed), self,
                           G_CONNECT_SWAPPED);
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self);
}

GListModel *
vs_duplicates_page_get_groups (VsDuplicatesPage *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATES_PAGE (self), NULL);
  return G_LIST_MODEL (self->groups);
}

const char *
vs_duplicates_page_get_shown (VsDuplicatesPage *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATES_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

guint
vs_duplicates_page_get_n_lists (VsDuplicatesPage *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATES_PAGE (self), 0);
  return self->n_lists;
}

GtkWidget *
vs_duplicates_page_get_sensitivity_dropdown (VsDuplicatesPage *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATES_PAGE (self), NULL);
  return GTK_WIDGET (self->sensitivity_dropdown);
}

GtkWidget *
vs_duplicates_page_get_keep_dropdown (VsDuplicatesPage *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATES_PAGE (self), NULL);
  return GTK_WIDGET (self->keep_dropdown);
}

GtkWidget *
vs_duplicates_page_get_trash_all_button (VsDuplicatesPage *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATES_PAGE (self), NULL);
  return self->trash_all_button;
}

const char *
vs_duplicates_page_get_progress_text (VsDuplicatesPage *self)
{
  g_return_val_if_fail (VS_IS_DUPLICATES_PAGE (self), NULL);
  return gtk_label_get_label (self->progress_label);
}

GtkWidget *
vs_duplicates_page_new (void)
{
  return g_object_new (VS_TYPE_DUPLICATES_PAGE, NULL);
}

/* GObject -------------------------------------------------------------------------- */

static void
vs_duplicates_page_map (GtkWidget *widget)
{
  VsDuplicatesPage *self = VS_DUPLICATES_PAGE (widget);

  GTK_WIDGET_CLASS (vs_duplicates_page_parent_class)->map (widget);
  if (self->stale || self->n_lists == 0)
    refresh (self);
}

static void
vs_duplicates_page_unmap (GtkWidget *widget)
{
  VsDuplicatesPage *self = VS_DUPLICATES_PAGE (widget);

  /* left: the run stops (fingerprints made so far stay); the next showing goes on */
  if (self->cancellable != NULL && !g_cancellable_is_cancelled (self->cancellable))
    {
      g_cancellable_cancel (self->cancellable);
      self->stale = TRUE;
    }
  if (self->reload_id != 0)
    self->stale = TRUE;
  g_clear_handle_id (&self->reload_id, g_source_remove);
  GTK_WIDGET_CLASS (vs_duplicates_page_parent_class)->unmap (widget);
}

static void
vs_duplicates_page_dispose (GObject *object)
{
  VsDuplicatesPage *self = VS_DUPLICATES_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_DUPLICATES_PAGE);
  /* the template's root box has no id: the template does not unparent it */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->library);
  g_clear_object (&self->textures);
  g_clear_object (&self->settings);
  g_clear_object (&self->groups);
  g_clear_pointer (&self->keep_folder, g_free);
  G_OBJECT_CLASS (vs_duplicates_page_parent_class)->dispose (object);
}

static void
vs_duplicates_page_class_init (VsDuplicatesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_duplicates_page_dispose;
  widget_class->map = vs_duplicates_page_map;
  widget_class->unmap = vs_duplicates_page_unmap;

  /* (AdwToast *toast): for the window's overlay */
  signals[SIGNAL_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, ADW_TYPE_TOAST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/vs-duplicates-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, VsDuplicatesPage, sensitivity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VsDuplicatesPage, keep_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VsDuplicatesPage, folder_label);
  gtk_widget_class_bind_template_child (widget_class, VsDuplicatesPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, VsDuplicatesPage, trash_all_button);
  gtk_widget_class_bind_template_child (widget_class, VsDuplicatesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, VsDuplicatesPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VsDuplicatesPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VsDuplicatesPage, list_view);
}

static void
vs_duplicates_page_init (VsDuplicatesPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkSelectionModel *selection;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->groups = g_list_store_new (VS_TYPE_DUPLICATE_ITEM);
  self->keep_rule = VS_KEEP_RULE_HIGHEST_RESOLUTION;
  gtk_drop_down_set_selected (self->sensitivity_dropdown, VS_DUPLICATE_SENSITIVITY_MEDIUM);
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (
                                                            G_LIST_MODEL (self->groups))));
  gtk_list_view_set_model (self->list_view, selection);
  g_object_unref (selection);
  g_signal_connect_object (key, "key-pressed", G_CALLBACK (on_key_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), key);
  g_signal_connect_object (self->keep_dropdown, "notify::selected",
                           G_CALLBACK (on_keep_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sensitivity_dropdown, "notify::selected",
                           G_CALLBACK (on_sensitivity_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->trash_all_button, "clicked", G_CALLBACK (on_trash_all), self,
                           G_CONNECT_SWAPPED);
}
