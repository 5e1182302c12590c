/* SPDX-License-Identifier: GPL-3.0-or-later */
/* baseline-grid.c: the peer of tests/bench/bench-window.sh
 *
 * A bare GTK 4 window: a GtkScrolledWindow holding a GtkGridView of 10 GtkStringList items
 * shown as labels, no libadwaita, no style sheet of ours. It is measured by the very code
 * that measures the app in tests/bench/vidshelf-bench (vs-bench.c, included below, active
 * with VIDSHELF_BENCH=1): the same "vidshelf-bench ..." lines, the same scroll, the same RSS
 * figures.
 *
 * Built by the script:
 *   cc -O2 -DVS_BENCH_STANDALONE -I tests/bench tests/bench/baseline-grid.c \
 *      $(pkg-config --cflags --libs gtk4) -o baseline-grid
 *
 * Usage: baseline-grid [WIDTH HEIGHT]   (the window's default size; default 1100 x 720)
 */
#define VS_BENCH_STANDALONE 1

#include "vs-bench.c"

#define N_ITEMS 10

static int window_width = 1100;
static int window_height = 720;

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  gtk_list_item_set_child (item, gtk_label_new (NULL));
}

static void
bind_label (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       gtk_string_object_get_string (string));
}

static void
activate (GtkApplication *app,
          gpointer        user_data)
{
  GtkWidget *window = gtk_application_window_new (app);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkStringList *strings = gtk_string_list_new (NULL);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkNoSelection *selection;
  GtkWidget *grid;

  for (guint i = 0; i < N_ITEMS; i++)
    {
      g_autofree char *text = g_strdup_printf ("Item %u", i + 1);

      gtk_string_list_append (strings, text);
    }
  g_signal_connect (factory, "setup", G_CALLBACK (setup_label), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_label), NULL);
  /* the selection model and the view take the references */
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (strings)));
  grid = gtk_grid_view_new (GTK_SELECTION_MODEL (selection), factory);

  gtk_window_set_title (GTK_WINDOW (window), "Baseline grid");
  gtk_window_set_default_size (GTK_WINDOW (window), window_width, window_height);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_present (GTK_WINDOW (window));

  /* as the app does once its model is on the grid */
  vs_bench_attach (GTK_WINDOW (window), GTK_SCROLLED_WINDOW (scroller), G_LIST_MODEL (strings),
                   NULL);
  g_object_unref (strings);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkApplication) app = NULL;

  if (argc == 3)
    {
      window_width = atoi (argv[1]);
      window_height = atoi (argv[2]);
    }
  if ((argc != 1 && argc != 3) || window_width < 100 || window_height < 100)
    {
      fprintf (stderr, "usage: %s [WIDTH HEIGHT]\n", argv[0]);
      return 2;
    }

  app = gtk_application_new ("io.github.vidshelf.BenchBaseline", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
