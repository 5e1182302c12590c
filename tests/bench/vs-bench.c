/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-bench.c: measurements for tests/bench/bench-window.sh, active only when
 * VIDSHELF_BENCH=1 is in the environment
 *
 * Not part of the app: tests/bench/vidshelf-bench.c runs the real VsApplication and
 * attaches this to the library window it opens; tests/bench/baseline-grid.c includes it.
 *
 * Everything goes to stderr as lines "vidshelf-bench key=value ...", in this order:
 *
 *   grid-ms         the first frame painted with the grid on screen and items in it (the
 *                   cells may still be placeholders)
 *   first-paint-ms  the first frame in which every cell in view shows its item (title and
 *                   caption: no placeholder left)
 *   thumbs-ms       the first frame in which every cell in view also shows its picture
 *                   (or THUMB_WAIT_US passed: timed-out=1)
 *   scroll-ms ...   after scrolling from top to bottom, one page a frame, and waiting for
 *                   the last thumbnails: frame statistics and memory
 *   frames-breakdown  where the scroll's frames spent their time: p50/p95/max of each part
 *   slow-frame ...  one line for each of the 5 longest frames, longest first (rank=1)
 *   hover-ms ...    (the app only; VIDSHELF_BENCH_HOVER=0 skips it) the hover-scrub pass:
 *                   back at the top, a drawn 100-frame filmstrip (240x135 tiles, the
 *                   2400x1350 sheet of a 30-minute video) is planted in the filmstrip cache
 *                   for HOVER_CELLS cells in view, under each video's URI, mtime and size
 *                   (so the cache finds it valid and nothing is decoded); then the X pointer
 *                   is warped (XWarpPointer: real motion events from the server) across each
 *                   cell's picture, one step a frame, and the frames are timed as the
 *                   scroll's; RSS after a settle. Then the window is destroyed (so the
 *                   application quits)
 *
 * Times "-ms" count from the start of the process: /proc/self/stat field 22 (starttime,
 * in clock ticks since boot, 10 ms steps with the usual USER_HZ of 100) against
 * CLOCK_BOOTTIME. "-unix-us" is the same moment as g_get_real_time(), for a caller that
 * took its own timestamp when it started the process. A frame is painted when the
 * window's GdkFrameClock emits ::after-paint.
 *
 * Frames during the scroll are measured with g_get_monotonic_time() in a tick callback
 * (the frame clock's update phase, once a frame): the interval between two ticks is how
 * long a frame took as the user sees it. (gdk_frame_clock_get_frame_time() is smoothed
 * by GTK and would hide a late frame.) "work" is the update → ::after-paint time of one
 * frame: layout, binding cells and painting on the main thread.
 *
 * The breakdown splits frame I, the interval from tick I-1 to tick I, into the parts of
 * the frame clock cycle that tick I-1 began, so that they add up to the interval:
 *   layout   tick → the end of ::layout (the update phase's other tick callbacks too,
 *            and the allocation that binds the cells scrolled into view)
 *   paint    the end of ::layout → the end of ::paint (snapshot and render)
 *   between  ::after-paint → tick I: what the main loop did outside the frame (model
 *            pages filled, thumbnails arriving, events) and the wait for the next frame
 *   cpu      the main thread's CPU time from tick I-1 to tick I, which tells work from
 *            waiting in the other three
 * A phase that did not run in a frame (nothing to lay out, nothing to paint) counts 0.
 *
 * The code sees the view only through GTK and GObject properties (a cell's "video" and
 * its "loading" and "id"; a GtkPicture, or a widget with a "paintable"), so that
 * tests/bench/baseline-grid.c can build this very file (VS_BENCH_STANDALONE) and measure
 * a bare GtkGridView the same way.
 *
 * Env: VIDSHELF_BENCH_STEP      pages a frame (default 1)
 *      VIDSHELF_BENCH_PAUSE_MS  stop that long (printing "paused") once the thumbnails in
 *                               view are there, at VIDSHELF_BENCH_PAUSE_AT (a fraction of
 *                               the scroll, default 0: the top); for screenshots
 *      VIDSHELF_BENCH_TIMEOUT   give up after this many seconds (default 900)
 *      VIDSHELF_BENCH_SMAPS     a file to copy /proc/self/smaps to at the end
 *      VIDSHELF_BENCH_EXIT      1: _exit() at the end, so a heap profiler sees what is live
 *      VIDSHELF_BENCH_HOVER     0: no hover-scrub pass after the scroll (the app only)
 */
#define G_LOG_DOMAIN "vs-bench"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vs-bench.h"

#ifndef VS_BENCH_STANDALONE
#include <malloc.h>
#include <sqlite3.h>

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#include <X11/Xlib.h>
#endif

#include "vs-filmstrip.h"
#include "vs-library-model.h"
#include "vs-texture-cache.h"
#include "vs-thumbnail-view.h"
#include "vs-video-cell.h"
#include "vs-video.h"

#define HOVER_CELLS       4     /* cells swept */
#define HOVER_STEPS       90    /* pointer steps (frames) across one cell's picture */
#define HOVER_FRAMES      100   /* the planted filmstrip: frames, */
#define HOVER_TILE_W      240   /* ... tile size (10 columns: a 2400x1350 sheet) */
#define HOVER_TILE_H      135
#define HOVER_SETTLE_US   (1 * G_TIME_SPAN_SECOND)
#endif

#define SLOW_FRAME_US     (50 * G_TIME_SPAN_MILLISECOND)
#define LATE_FRAME_US     (33 * G_TIME_SPAN_MILLISECOND)   /* two refreshes at 60 Hz */
#define N_SLOW_LISTED     5                               /* the "slow-frame" lines */
#define THUMB_WAIT_US     (5 * G_TIME_SPAN_SECOND)   /* for the thumbnails in view, at most */
#define SETTLE_US         (1 * G_TIME_SPAN_SECOND)   /* at the bottom, before reading RSS */
#define WATCHDOG_MS       100
#define DEFAULT_TIMEOUT_S 900

typedef enum
{
  PHASE_GRID,      /* waiting for a painted grid with items */
  PHASE_CONTENT,   /* waiting for the cells in view to show their items */
  PHASE_THUMBS,    /* waiting for the pictures in view */
  PHASE_PAUSED,
  PHASE_SCROLL,
  PHASE_SETTLE,    /* at the bottom: waiting for the last pictures */
  PHASE_HOVER_WAIT,  /* back at the top: waiting for the pictures, then planting strips */
  PHASE_HOVER,       /* sweeping the pointer across the cells, one step a frame */
  PHASE_HOVER_SETTLE,
  PHASE_DONE,
} Phase;

static const char * const phase_names[] = {
  "grid", "content", "thumbs", "paused", "scroll", "settle", "hover-wait", "hover",
  "hover-settle", "done",
};

typedef struct
{
  guint    children;    /* the view's children: cells made, in view or not */
  guint    cells;       /* cells at least partly in view */
  guint    filled;      /* ... showing their item */
  guint    pictures;    /* ... that have a GtkPicture */
  guint    thumbs;      /* ... showing a paintable in it */
  gboolean last_item;   /* the model's last item is one of them */
} ViewState;

/* One frame of the scroll, next to its interval in Bench.intervals (see the top): small,
 * as the app's RSS is measured with them in it (20 bytes a frame, 8,648 frames for
 * 100,000 videos) */
typedef struct
{
  gint32 layout_us;
  gint32 paint_us;
  gint32 between_us;
  gint32 cpu_us;
  float  at;         /* where in the scroll (0..1) */
} FrameTimes;

typedef struct
{
  GtkWindow         *window;     /* unowned: the bench lives in its qdata */
  GtkScrolledWindow *scroller;
  GListModel        *model;
  GObject           *textures;   /* the app's VsTextureCache, or NULL */
  GdkFrameClock     *clock;      /* owned */

  gulong             items_changed_id;
  gulong             layout_id;
  gulong             paint_id;
  gulong             after_paint_id;
  gulong             realize_id;
  guint              tick_id;
  guint              watchdog_id;
  guint              pause_id;

  Phase              phase;
  gint64             start_us;     /* process start, on the monotonic clock; -1 unknown */
  gint64             attach_us;
  gint64             phase_us;     /* when the phase began */
  gint64             first_paint_us;

  /* settings */
  double             step;
  double             pause_at;
  guint              pause_ms;
  gint64             timeout_us;
  gboolean           paused_once;

  /* the scroll */
  gint64             scroll_start_us;
  gint64             scroll_end_us;
  gint64             paused_total_us;
  gint64             pause_start_us;
  gint64             last_tick_us;
  gint64             tick_us;      /* this frame's tick; 0 when the tick did not run */
  gint64             tick_cpu_us;  /* the main thread's CPU time at the last tick */
  /* when this frame's ::layout, ::paint and ::after-paint ended; 0: they did not run */
  gint64             layout_end_us;
  gint64             paint_end_us;
  gint64             after_paint_us;
  GArray            *intervals;    /* gint64 µs between ticks */
  GArray            *frames;       /* FrameTimes, one for each interval */
  gint64             max_frame_us;
  guint              max_frame_index;
  double             max_frame_at; /* where in the scroll (0..1) */
  gint64             max_work_us;
  guint              slow_frames;
  guint              late_frames;  /* over LATE_FRAME_US */
  guint              bottom_frames;
  guint              thumbs_timed_out : 1;
  guint              timed_out : 1;
  guint              scroll_reported : 1;

  /* the hover-scrub pass (the app only) */
  gboolean           hover;
  GPtrArray         *hover_cells;      /* VsVideoCell, owned */
  guint              hover_step;       /* over all cells */
  guint              hover_planted;
  guint              hover_shown;      /* cells that showed a filmstrip frame in their sweep */
  gint64             hover_start_us;
  gint64             hover_end_us;
  gint64             hover_last_tick_us;
  gint64             hover_tick_us;
  GArray            *hover_intervals;  /* gint64 µs between ticks */
  gint64             hover_max_work_us;
  gint64             hover_max_frame_us;
  guint              hover_max_frame_step; /* the step the longest frame moved to */
  guint              hover_max_work_step;
  gint64             hover_tick_cpu_us;     /* the main thread's CPU time at the last tick */
  gint64             hover_max_frame_cpu_us; /* ... spent in the longest frame */
  gint64             hover_max_cpu_us;       /* the most in any frame */
  guint              hover_late;
} Bench;

static void bench_finish (Bench *self);
#ifndef VS_BENCH_STANDALONE
static void hover_after_paint (Bench  *self,
                               gint64  now);
#endif

/* Clock and /proc ---------------------------------------------------------- */

/* The process's start on the g_get_monotonic_time() clock, or -1. */
static gint64
process_start_us (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *p;
  struct timespec boot;
  long hz = sysconf (_SC_CLK_TCK);
  guint64 start_ticks;
  gint64 boot_us;
  gint64 now_us;

  if (hz <= 0 || !g_file_get_contents ("/proc/self/stat", &contents, NULL, NULL))
    return -1;
  /* "pid (comm) state ppid ...": comm may hold spaces and parentheses */
  if ((p = strrchr (contents, ')')) == NULL || p[1] != ' ')
    return -1;
  fields = g_strsplit (p + 2, " ", 0);
  /* fields[0] is field 3 (state), so starttime (field 22) is fields[19] */
  if (g_strv_length (fields) < 20 ||
      !g_ascii_string_to_unsigned (fields[19], 10, 0, G_MAXUINT64, &start_ticks, NULL))
    return -1;

  now_us = g_get_monotonic_time ();
  if (clock_gettime (CLOCK_BOOTTIME, &boot) != 0)
    return -1;
  boot_us = (gint64) boot.tv_sec * G_USEC_PER_SEC + boot.tv_nsec / 1000;
  return now_us - (boot_us - (gint64) (start_ticks * G_USEC_PER_SEC / (guint64) hz));
}

static double
since_start_ms (Bench  *self,
                gint64  when_us)
{
  return self->start_us < 0 ? -1.0 : (when_us - self->start_us) / 1000.0;
}

/* The calling thread's CPU time: the bench runs on the main thread. */
static gint64
thread_cpu_us (void)
{
  struct timespec now;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now) != 0)
    return 0;
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

typedef struct
{
  gint64 rss_kb;
  gint64 hwm_kb;
  gint64 anon_kb;
  gint64 file_kb;
} Memory;

static void
read_memory (Memory *mem)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  mem->rss_kb = mem->hwm_kb = mem->anon_kb = mem->file_kb = -1;
  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", 0);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      gint64 *slot = NULL;

      if (g_str_has_prefix (line, "VmRSS:"))
        slot = &mem->rss_kb;
      else if (g_str_has_prefix (line, "VmHWM:"))
        slot = &mem->hwm_kb;
      else if (g_str_has_prefix (line, "RssAnon:"))
        slot = &mem->anon_kb;
      else if (g_str_has_prefix (line, "RssFile:"))
        slot = &mem->file_kb;
      if (slot != NULL)
        *slot = g_ascii_strtoll (strchr (line, ':') + 1, NULL, 10);
    }
}

static void
print_line (const char *format,
            ...) G_GNUC_PRINTF (1, 2);

static void
print_line (const char *format,
            ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  /* one write, so that the line is never interleaved with other output */
  fprintf (stderr, "vidshelf-bench %s\n", text);
  fflush (stderr);
}

/* The view ---------------------------------------------------------------- */

/* The widget whose children are the rows: a grid or list view, or a column view's list. */
static GtkWidget *
get_view (Bench *self)
{
  GtkWidget *view = gtk_scrolled_window_get_child (self->scroller);

  if (view != NULL && GTK_IS_COLUMN_VIEW (view))
    for (GtkWidget *child = gtk_widget_get_first_child (view); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_LIST_VIEW (child))
        return child;
  return view;
}

/* The item a column view's row shows: the app's list cells carry their GtkListItem as
 * "vs-list-item" (the row's first child is the first column's cell). */
static GObject *
row_item (GtkWidget *cell)
{
  for (GtkWidget *w = cell; w != NULL; w = gtk_widget_get_first_child (w))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (w), "vs-list-item");

      if (item != NULL)
        return gtk_list_item_get_item (item);
    }
  return NULL;
}

static GParamSpec *
find_property (gpointer    object,
               const char *name,
               GType       type)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), name);

  return pspec != NULL && g_type_is_a (pspec->value_type, type) ? pspec : NULL;
}

/* A stable key for a model item: its "id" (VsVideo) or its string (GtkStringObject). */
static char *
item_key (gpointer item)
{
  if (item == NULL)
    return NULL;
  if (find_property (item, "id", G_TYPE_INT64) != NULL)
    {
      gint64 id = 0;

      g_object_get (item, "id", &id, NULL);
      return g_strdup_printf ("id:%" G_GINT64_FORMAT, id);
    }
  if (GTK_IS_STRING_OBJECT (item))
    return g_strdup_printf ("string:%s", gtk_string_object_get_string (item));
  return NULL;
}

/* The key of what @cell shows: its "video" (VsVideoCell), or its label (a bare GtkLabel
 * cell shows the string of a GtkStringObject). */
static char *
cell_key (GtkWidget *cell)
{
  if (find_property (cell, "video", G_TYPE_OBJECT) != NULL)
    {
      g_autoptr(GObject) item = NULL;

      g_object_get (cell, "video", &item, NULL);
      return item_key (item);
    }
  if (GTK_IS_LABEL (cell))
    return g_strdup_printf ("string:%s", gtk_label_get_label (GTK_LABEL (cell)));
  return item_key (row_item (cell));
}

/* TRUE when @cell shows an item, not a placeholder. */
static gboolean
cell_filled (GtkWidget *cell)
{
  g_autoptr(GObject) item = NULL;
  gboolean loading = FALSE;

  if (find_property (cell, "video", G_TYPE_OBJECT) == NULL)
    {
      GObject *row = row_item (cell);

      if (row != NULL && find_property (row, "loading", G_TYPE_BOOLEAN) != NULL)
        g_object_get (row, "loading", &loading, NULL);
      return !loading;
    }
  g_object_get (cell, "video", &item, NULL);
  if (item == NULL)
    return FALSE;
  if (find_property (item, "loading", G_TYPE_BOOLEAN) != NULL)
    g_object_get (item, "loading", &loading, NULL);
  return !loading;
}

/* The widget of a cell that shows its picture: a GtkPicture, or any widget with a
 * "paintable" property (the app's thumbnail box). */
static GtkWidget *
find_picture (GtkWidget *widget)
{
  if (GTK_IS_PICTURE (widget) || find_property (widget, "paintable", GDK_TYPE_PAINTABLE) != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *picture = find_picture (child);

      if (picture != NULL)
        return picture;
    }
  return NULL;
}

/* Looks at the cells the scroller shows now (what the last frame painted, when called
 * from ::after-paint). The view's children are the list item widgets; each holds the
 * factory's cell as its first child. */
static void
inspect_view (Bench     *self,
              gboolean   want_last,
              ViewState *state)
{
  GtkWidget *scroller = GTK_WIDGET (self->scroller);
  GtkWidget *view = get_view (self);
  graphene_rect_t viewport;
  g_autofree char *last_key = NULL;
  guint n_items = g_list_model_get_n_items (self->model);

  memset (state, 0, sizeof *state);
  if (view == NULL || !gtk_widget_get_mapped (scroller) || !gtk_widget_get_mapped (view))
    return;
  graphene_rect_init (&viewport, 0, 0,
                      gtk_widget_get_width (scroller), gtk_widget_get_height (scroller));
  /* Asking the lazy model for its last item reads that page: only at the end. */
  if (want_last && n_items > 0)
    {
      g_autoptr(GObject) last = g_list_model_get_item (self->model, n_items - 1);

      last_key = item_key (last);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (view);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *cell = gtk_widget_get_first_child (child);
      graphene_rect_t bounds;
      GtkWidget *picture;

      state->children++;
      if (cell == NULL || !gtk_widget_get_mapped (child) || !gtk_widget_get_child_visible (child))
        continue;
      if (!gtk_widget_compute_bounds (child, scroller, &bounds) ||
          !graphene_rect_intersection (&bounds, &viewport, NULL))
        continue;

      state->cells++;
      if (cell_filled (cell))
        state->filled++;
      if ((picture = find_picture (cell)) != NULL)
        {
          g_autoptr(GdkPaintable) paintable = NULL;

          state->pictures++;
          g_object_get (picture, "paintable", &paintable, NULL);
          if (gtk_widget_get_visible (picture) && paintable != NULL)
            state->thumbs++;
        }
      if (last_key != NULL && !state->last_item)
        {
          g_autofree char *key = cell_key (cell);

          state->last_item = g_strcmp0 (key, last_key) == 0;
        }
    }
}

static gboolean
thumbs_complete (const ViewState *state)
{
  return state->cells > 0 && state->thumbs == state->pictures;
}

/* Phases ------------------------------------------------------------------ */

static void
set_phase (Bench  *self,
           Phase   phase,
           gint64  now)
{
  self->phase = phase;
  self->phase_us = now;
}

static gboolean scroll_tick (GtkWidget     *widget,
                             GdkFrameClock *clock,
                             gpointer       user_data);

static void
start_scrolling (Bench  *self,
                 gint64  now)
{
  if (self->scroll_start_us == 0)
    self->scroll_start_us = now;
  self->last_tick_us = 0;
  self->bottom_frames = 0;
  set_phase (self, PHASE_SCROLL, now);
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->scroller), scroll_tick,
                                                self, NULL);
}

static gboolean
on_pause_over (gpointer user_data)
{
  Bench *self = user_data;
  gint64 now = g_get_monotonic_time ();

  self->pause_id = 0;
  if (self->scroll_start_us != 0)
    self->paused_total_us += now - self->pause_start_us;
  start_scrolling (self, now);
  return G_SOURCE_REMOVE;
}

/* The thumbnails in view are there (or will not come): pause, scroll or finish. */
static void
thumbs_done (Bench  *self,
             gint64  now)
{
  if (self->pause_ms > 0 && !self->paused_once &&
      (self->scroll_start_us == 0 ? self->pause_at <= 0.0 : TRUE))
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

      self->paused_once = TRUE;
      if (self->scroll_start_us == 0)
        self->pause_start_us = now;
      set_phase (self, PHASE_PAUSED, now);
      print_line ("paused at=%.3f value=%.0f", self->pause_at, gtk_adjustment_get_value (adj));
      self->pause_id = g_timeout_add (self->pause_ms, on_pause_over, self);
      return;
    }
  start_scrolling (self, now);
}

static void
on_after_paint (GdkFrameClock *clock,
                Bench         *self)
{
  gint64 now = g_get_monotonic_time ();
  ViewState state;

  switch (self->phase)
    {
    case PHASE_GRID:
      if (g_list_model_get_n_items (self->model) == 0)
        return;
      inspect_view (self, FALSE, &state);
      if (state.cells == 0)
        return;
      print_line ("grid-ms=%.1f grid-unix-us=%" G_GINT64_FORMAT " n-items=%u cells=%u",
                  since_start_ms (self, now), g_get_real_time () - (g_get_monotonic_time () - now),
                  g_list_model_get_n_items (self->model), state.cells);
      set_phase (self, PHASE_CONTENT, now);
      G_GNUC_FALLTHROUGH;

    case PHASE_CONTENT:
      inspect_view (self, FALSE, &state);
      if (state.cells == 0 || state.filled < state.cells)
        return;
      {
        Memory mem;

        read_memory (&mem);
        self->first_paint_us = now;
        print_line ("first-paint-ms=%.1f first-paint-unix-us=%" G_GINT64_FORMAT
                    " attach-ms=%.1f cells=%u view-children=%u rss-kb=%" G_GINT64_FORMAT,
                    since_start_ms (self, now),
                    g_get_real_time () - (g_get_monotonic_time () - now),
                    since_start_ms (self, self->attach_us), state.cells, state.children,
                    mem.rss_kb);
      }
      set_phase (self, PHASE_THUMBS, now);
      G_GNUC_FALLTHROUGH;

    case PHASE_THUMBS:
      inspect_view (self, FALSE, &state);
      if (!thumbs_complete (&state) && now - self->phase_us < THUMB_WAIT_US)
        return;
      if (self->scroll_start_us == 0)
        print_line ("thumbs-ms=%.1f thumbs-unix-us=%" G_GINT64_FORMAT
                    " cells=%u pictures=%u/%u timed-out=%d",
                    since_start_ms (self, now),
                    g_get_real_time () - (g_get_monotonic_time () - now),
                    state.cells, state.thumbs, state.pictures, !thumbs_complete (&state));
      thumbs_done (self, now);
      return;

    case PHASE_SCROLL:
      if (self->tick_us != 0)
        {
          gint64 work = now - self->tick_us;

          self->max_work_us = MAX (self->max_work_us, work);
          self->after_paint_us = now;
          self->tick_us = 0;
        }
      return;

    case PHASE_SETTLE:
      inspect_view (self, FALSE, &state);
      if (now - self->phase_us < SETTLE_US)
        return;
      if (!thumbs_complete (&state) && now - self->phase_us < THUMB_WAIT_US)
        return;
      self->thumbs_timed_out = !thumbs_complete (&state);
      bench_finish (self);
      return;

    case PHASE_HOVER_WAIT:
    case PHASE_HOVER:
    case PHASE_HOVER_SETTLE:
#ifndef VS_BENCH_STANDALONE
      hover_after_paint (self, now);
#endif
      return;

    case PHASE_PAUSED:
    case PHASE_DONE:
    default:
      return;
    }
}

/* Connected after GTK's own handlers: the phase's work is done. Layout may run up to 4
 * times in one frame; the last end counts. */
static void
on_layout (GdkFrameClock *clock,
           Bench         *self)
{
  if (self->phase == PHASE_SCROLL && self->tick_us != 0)
    self->layout_end_us = g_get_monotonic_time ();
}

static void
on_paint (GdkFrameClock *clock,
          Bench         *self)
{
  if (self->phase == PHASE_SCROLL && self->tick_us != 0)
    self->paint_end_us = g_get_monotonic_time ();
}

static gint32
clamp_us (gint64 us)
{
  return (gint32) CLAMP (us, 0, G_MAXINT32);
}

/* At tick @now: the breakdown of the frame that the previous tick began. */
static void
record_frame (Bench  *self,
              gint64  now,
              gint64  cpu_us,
              double  at)
{
  gint64 layout_end = self->layout_end_us != 0 ? self->layout_end_us : self->last_tick_us;
  gint64 paint_end = self->paint_end_us != 0 ? self->paint_end_us : layout_end;
  gint64 after_paint = self->after_paint_us != 0 ? self->after_paint_us : paint_end;
  FrameTimes frame = {
    .layout_us = clamp_us (layout_end - self->last_tick_us),
    .paint_us = clamp_us (paint_end - layout_end),
    .between_us = clamp_us (now - after_paint),
    .cpu_us = clamp_us (cpu_us - self->tick_cpu_us),
    .at = at,
  };

  g_array_append_val (self->frames, frame);
}

static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  Bench *self = user_data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  gint64 now = g_get_monotonic_time ();
  gint64 cpu_us = thread_cpu_us ();
  double value = gtk_adjustment_get_value (adj);
  double page = gtk_adjustment_get_page_size (adj);
  double bottom = gtk_adjustment_get_upper (adj) - page;
  double at = bottom > 0 ? value / bottom : 0.0;

  if (self->last_tick_us != 0)
    {
      gint64 interval = now - self->last_tick_us;

      g_array_append_val (self->intervals, interval);
      record_frame (self, now, cpu_us, at);
      if (interval > SLOW_FRAME_US)
        self->slow_frames++;
      if (interval > LATE_FRAME_US)
        self->late_frames++;
      if (interval > self->max_frame_us)
        {
          self->max_frame_us = interval;
          self->max_frame_index = self->intervals->len;
          self->max_frame_at = at;
        }
    }
  self->last_tick_us = now;
  self->tick_us = now;
  self->tick_cpu_us = cpu_us;
  self->layout_end_us = self->paint_end_us = self->after_paint_us = 0;

  if (value >= bottom - 0.5)
    {
      /* Twice: the view may still grow the adjustment after the first frame down here. */
      if (++self->bottom_frames >= 2)
        {
          self->tick_id = 0;
          self->tick_us = 0;
          self->scroll_end_us = now;
          set_phase (self, PHASE_SETTLE, now);
          return G_SOURCE_REMOVE;
        }
      return G_SOURCE_CONTINUE;
    }
  self->bottom_frames = 0;

  if (self->pause_ms > 0 && !self->paused_once && self->pause_at > 0.0 &&
      value >= self->pause_at * bottom)
    {
      /* Wait for the pictures here, then pause (see thumbs_done()). */
      self->pause_start_us = now;
      self->tick_id = 0;
      self->tick_us = 0;
      set_phase (self, PHASE_THUMBS, now);
      return G_SOURCE_REMOVE;
    }

  gtk_adjustment_set_value (adj, MIN (value + page * self->step, bottom));
  return G_SOURCE_CONTINUE;
}

/* Frames happen when something changes; this makes sure the waits for pictures end
 * (by forcing a frame now and then) and that a stuck run gives up. */
static gboolean
watchdog (gpointer user_data)
{
  Bench *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (now - self->attach_us > self->timeout_us)
    {
      print_line ("error=timeout phase=%s n-items=%u", phase_names[self->phase],
                  g_list_model_get_n_items (self->model));
      self->watchdog_id = 0;
      self->timed_out = TRUE;
      bench_finish (self);
      return G_SOURCE_REMOVE;
    }
  if (self->phase == PHASE_THUMBS || self->phase == PHASE_SETTLE ||
      self->phase == PHASE_HOVER_WAIT || self->phase == PHASE_HOVER_SETTLE)
    gtk_widget_queue_draw (GTK_WIDGET (self->scroller));
  return G_SOURCE_CONTINUE;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Bench      *self)
{
  /* The next frame will show them: make sure there is one. */
  if (self->phase == PHASE_GRID && g_list_model_get_n_items (model) > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self->scroller));
}

/* Results ----------------------------------------------------------------- */

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *sorted,
               double  p)
{
  guint i;

  if (sorted->len == 0)
    return 0.0;
  i = (guint) (p * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, gint64, MIN (i, sorted->len - 1)) / 1000.0;
}

/* "NAME-p50-ms=… NAME-p95-ms=… NAME-max-ms=…" for the FrameTimes field at @offset */
static char *
frames_stats (GArray     *frames,
              gsize       offset,
              const char *name)
{
  g_autoptr(GArray) sorted = g_array_sized_new (FALSE, FALSE, sizeof (gint64), frames->len);

  for (guint i = 0; i < frames->len; i++)
    {
      gint64 us = G_STRUCT_MEMBER (gint32, &g_array_index (frames, FrameTimes, i), offset);

      g_array_append_val (sorted, us);
    }
  g_array_sort (sorted, compare_int64);
  return g_strdup_printf ("%s-p50-ms=%.1f %s-p95-ms=%.1f %s-max-ms=%.1f",
                          name, percentile_ms (sorted, 0.50), name, percentile_ms (sorted, 0.95),
                          name, percentile_ms (sorted, 1.0));
}

/* The indexes of the N_SLOW_LISTED longest intervals, longest first; returns how many. */
static guint
find_slowest (GArray *intervals,
              guint   slowest[N_SLOW_LISTED])
{
  guint n = 0;

  for (guint i = 0; i < intervals->len; i++)
    {
      gint64 interval = g_array_index (intervals, gint64, i);
      guint k = MIN (n, N_SLOW_LISTED - 1);

      if (n == N_SLOW_LISTED && interval <= g_array_index (intervals, gint64, slowest[k]))
        continue;
      /* insertion: an earlier frame stays ahead of a later one as long */
      for (; k > 0 && interval > g_array_index (intervals, gint64, slowest[k - 1]); k--)
        slowest[k] = slowest[k - 1];
      slowest[k] = i;
      n = MIN (n + 1, N_SLOW_LISTED);
    }
  return n;
}

/* What selecting every row and none again costs (a GtkMultiSelection keeps ranges): the
 * RSS before, with all selected and after, and how many were. */
static void
print_select_all (Bench *self)
{
  GtkWidget *child = gtk_scrolled_window_get_child (self->scroller);
  GtkSelectionModel *selection;
  g_autoptr(GtkBitset) set = NULL;
  Memory before, all, none;
  guint64 n;

  if (GTK_IS_VIEWPORT (child))
    child = gtk_viewport_get_child (GTK_VIEWPORT (child));
  if (GTK_IS_GRID_VIEW (child))
    selection = gtk_grid_view_get_model (GTK_GRID_VIEW (child));
  else if (GTK_IS_COLUMN_VIEW (child))
    selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (child));
  else
    return;
  if (selection == NULL)
    return;
  read_memory (&before);
  if (!gtk_selection_model_select_all (selection))
    return;
  while (g_main_context_iteration (NULL, FALSE))
    ;
  read_memory (&all);
  set = gtk_selection_model_get_selection (selection);
  n = gtk_bitset_get_size (set);
  gtk_selection_model_unselect_all (selection);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  read_memory (&none);
  print_line ("select-all selected=%" G_GUINT64_FORMAT " rss-before-kb=%" G_GINT64_FORMAT
              " rss-all-kb=%" G_GINT64_FORMAT " rss-none-kb=%" G_GINT64_FORMAT,
              n, before.rss_kb, all.rss_kb, none.rss_kb);
}

static void
print_breakdown (Bench *self)
{
  g_autofree char *layout = frames_stats (self->frames, G_STRUCT_OFFSET (FrameTimes, layout_us),
                                          "layout");
  g_autofree char *paint = frames_stats (self->frames, G_STRUCT_OFFSET (FrameTimes, paint_us),
                                         "paint");
  g_autofree char *between = frames_stats (self->frames,
                                           G_STRUCT_OFFSET (FrameTimes, between_us), "between");
  g_autofree char *cpu = frames_stats (self->frames, G_STRUCT_OFFSET (FrameTimes, cpu_us), "cpu");
  guint slowest[N_SLOW_LISTED];
  guint n_slowest;

  g_assert (self->frames->len == self->intervals->len);
  print_line ("frames-breakdown frames=%u %s %s %s %s", self->frames->len, layout, paint,
              between, cpu);

  n_slowest = find_slowest (self->intervals, slowest);
  for (guint k = 0; k < n_slowest; k++)
    {
      const FrameTimes *frame = &g_array_index (self->frames, FrameTimes, slowest[k]);

      /* index counts from 1, as max-frame-index */
      print_line ("slow-frame rank=%u index=%u at=%.3f interval-ms=%.1f layout-ms=%.1f "
                  "paint-ms=%.1f between-ms=%.1f cpu-ms=%.1f",
                  k + 1, slowest[k] + 1, frame->at,
                  g_array_index (self->intervals, gint64, slowest[k]) / 1000.0,
                  frame->layout_us / 1000.0, frame->paint_us / 1000.0,
                  frame->between_us / 1000.0, frame->cpu_us / 1000.0);
    }
}

static void
disconnect_all (Bench *self)
{
  g_clear_signal_handler (&self->items_changed_id, self->model);
  if (self->clock != NULL)
    {
      g_clear_signal_handler (&self->layout_id, self->clock);
      g_clear_signal_handler (&self->paint_id, self->clock);
      g_clear_signal_handler (&self->after_paint_id, self->clock);
    }
  g_clear_signal_handler (&self->realize_id, self->window);
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->scroller), self->tick_id);
  self->tick_id = 0;
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  g_clear_handle_id (&self->pause_id, g_source_remove);
}

#ifndef VS_BENCH_STANDALONE
/* The hover-scrub pass ------------------------------------------------------ */

static gboolean hover_tick (GtkWidget     *widget,
                            GdkFrameClock *clock,
                            gpointer       user_data);

/* Moves the X pointer to (@x, @y) of @widget: the server sends the window real motion
 * events, as for a user's mouse. */
static gboolean
warp_pointer (GtkWidget *widget,
              double     x,
              double     y)
{
#ifdef GDK_WINDOWING_X11
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface;
  GdkDisplay *display;
  Display *xdisplay;
  graphene_point_t p;
  double sx, sy;

  if (native == NULL || (surface = gtk_native_get_surface (native)) == NULL)
    return FALSE;
  display = gdk_surface_get_display (surface);
  if (!GDK_IS_X11_DISPLAY (display) ||
      !gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &p))
    return FALSE;
  gtk_native_get_surface_transform (native, &sx, &sy);
  xdisplay = gdk_x11_display_get_xdisplay (display);
  XWarpPointer (xdisplay, None, gdk_x11_surface_get_xid (surface), 0, 0, 0, 0,
                (int) (p.x + sx), (int) (p.y + sy));
  XFlush (xdisplay);
  return TRUE;
#else
  return FALSE;   /* the pass needs an X server; it reports hover-error=no-x11-pointer */
#endif
}

/* A drawn filmstrip of HOVER_FRAMES frames for @video, in the cache under its URI, mtime
 * and size: what the service would have made from a 30-minute video (a patterned sheet,
 * so that its JPEG is not trivially small). */
static gboolean
plant_filmstrip (VsVideo  *video,
                 GError  **error)
{
  const guint columns = VS_FILMSTRIP_COLUMNS;
  const guint rows = (HOVER_FRAMES + columns - 1) / columns;
  g_autoptr(GdkPixbuf) sheet = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8,
                                               (int) (HOVER_TILE_W * columns),
                                               (int) (HOVER_TILE_H * rows));
  g_autofree char *path = vs_filmstrip_path (vs_video_get_uri (video));
  gint64 duration = vs_video_get_duration_ms (video);
  gint64 times[HOVER_FRAMES];
  int stride = gdk_pixbuf_get_rowstride (sheet);
  guint8 *pixels = gdk_pixbuf_get_pixels (sheet);
  int width = gdk_pixbuf_get_width (sheet);
  int height = gdk_pixbuf_get_height (sheet);

  if (duration <= 0)
    duration = 30 * 60 * 1000;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint index = (guint) ((y / HOVER_TILE_H) * columns + x / HOVER_TILE_W);
        guint8 *px = pixels + (gsize) y * stride + (gsize) x * 3;

        px[0] = (guint8) ((x % HOVER_TILE_W) + index * 37);
        px[1] = (guint8) ((y % HOVER_TILE_H) * 2 + index * 11);
        px[2] = (guint8) (((x ^ y) & 0x3f) + index * 5);
      }
  for (guint i = 0; i < HOVER_FRAMES; i++)
    times[i] = vs_filmstrip_frame_time_ms (duration, HOVER_FRAMES, i);
  return vs_filmstrip_save (path, vs_video_get_uri (video), vs_video_get_mtime (video),
                            vs_video_get_size (video), duration, VS_FILMSTRIP_FLAG_NONE, sheet,
                            HOVER_TILE_W, HOVER_TILE_H, columns, times, HOVER_FRAMES, error);
}

/* Back to the top of the grid: the pass starts once its pictures are there. */
static void
start_hover (Bench *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->hover_cells = g_ptr_array_new_with_free_func (g_object_unref);
  self->hover_intervals = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 512);
  gtk_adjustment_set_value (adj, 0.0);
  set_phase (self, PHASE_HOVER_WAIT, g_get_monotonic_time ());
  gtk_widget_queue_draw (GTK_WIDGET (self->scroller));
}

/* The cells wholly in view, up to HOVER_CELLS, each given a planted filmstrip. */
static void
pick_hover_cells (Bench *self)
{
  GtkWidget *scroller = GTK_WIDGET (self->scroller);
  GtkWidget *view = get_view (self);
  graphene_rect_t viewport;

  graphene_rect_init (&viewport, 0, 0,
                      gtk_widget_get_width (scroller), gtk_widget_get_height (scroller));
  for (GtkWidget *child = view ? gtk_widget_get_first_child (view) : NULL;
       child != NULL && self->hover_cells->len < HOVER_CELLS;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *cell = gtk_widget_get_first_child (child);
      graphene_rect_t bounds;
      VsVideo *video;
      g_autoptr(GError) error = NULL;

      if (cell == NULL || !VS_IS_VIDEO_CELL (cell) || !gtk_widget_get_mapped (child) ||
          !gtk_widget_compute_bounds (cell, scroller, &bounds) ||
          !graphene_rect_contains_rect (&viewport, &bounds))
        continue;
      video = vs_video_cell_get_video (VS_VIDEO_CELL (cell));
      if (video == NULL || vs_video_get_loading (video))
        continue;
      if (!plant_filmstrip (video, &error))
        {
          print_line ("hover-plant-error=\"%s\"", error->message);
          continue;
        }
      self->hover_planted++;
      g_ptr_array_add (self->hover_cells, g_object_ref (cell));
    }
}

/* Where step @step of a cell's sweep puts the pointer: across its picture, at mid-height. */
static void
hover_point (VsVideoCell *cell,
             guint        step,
             double      *x,
             double      *y)
{
  VsThumbnailView *view = VS_THUMBNAIL_VIEW (gtk_widget_get_first_child (GTK_WIDGET (cell)));
  int width = gtk_widget_get_width (GTK_WIDGET (view));

  *x = 2 + (width - 4) * (step + 0.5) / HOVER_STEPS;
  *y = vs_thumbnail_view_get_picture_height (view) / 2.0;
}

static void
hover_report (Bench *self)
{
  g_autoptr(GArray) sorted = g_array_copy (self->hover_intervals);
  VsTextureCache *textures = self->textures ? VS_TEXTURE_CACHE (self->textures) : NULL;
  Memory mem;

  read_memory (&mem);
  g_array_sort (sorted, compare_int64);
  print_line ("hover-ms=%.1f frames=%u cells=%u planted=%u shown=%u steps-per-cell=%u "
              "p50-frame-ms=%.1f p95-frame-ms=%.1f max-frame-ms=%.1f frames-over-33=%u "
              "max-work-ms=%.1f max-frame-step=%u max-work-step=%u max-frame-cpu-ms=%.1f "
              "max-cpu-ms=%.1f filmstrips-kept=%u textures-kb=%zu rss-kb=%" G_GINT64_FORMAT
              " hwm-kb=%" G_GINT64_FORMAT,
              (self->hover_end_us - self->hover_start_us) / 1000.0, sorted->len,
              self->hover_cells->len, self->hover_planted, self->hover_shown, (guint) HOVER_STEPS,
              percentile_ms (sorted, 0.50), percentile_ms (sorted, 0.95),
              sorted->len > 0 ? g_array_index (sorted, gint64, sorted->len - 1) / 1000.0 : 0.0,
              self->hover_late, self->hover_max_work_us / 1000.0, self->hover_max_frame_step,
              self->hover_max_work_step, self->hover_max_frame_cpu_us / 1000.0,
              self->hover_max_cpu_us / 1000.0,
              textures ? vs_texture_cache_get_n_filmstrips (textures) : 0,
              textures ? vs_texture_cache_get_bytes (textures) / 1024 : 0,
              mem.rss_kb, mem.hwm_kb);
}

static void
hover_after_paint (Bench  *self,
                   gint64  now)
{
  ViewState state;
  double x, y;

  if (self->phase == PHASE_HOVER_WAIT)
    {
      inspect_view (self, FALSE, &state);
      if (now - self->phase_us < SETTLE_US)
        return;
      if (!thumbs_complete (&state) && now - self->phase_us < THUMB_WAIT_US)
        return;
      pick_hover_cells (self);
      if (self->hover_cells->len == 0)
        {
          print_line ("hover-ms=-1 hover-error=no-cells");
          bench_finish (self);
          return;
        }
      hover_point (g_ptr_array_index (self->hover_cells, 0), 0, &x, &y);
      if (!warp_pointer (g_ptr_array_index (self->hover_cells, 0), x, y))
        {
          print_line ("hover-ms=-1 hover-error=no-x11-pointer");
          bench_finish (self);
          return;
        }
      self->hover_step = 1;
      self->hover_start_us = now;
      self->hover_last_tick_us = 0;
      set_phase (self, PHASE_HOVER, now);
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->scroller), hover_tick,
                                                    self, NULL);
      return;
    }
  if (self->phase == PHASE_HOVER)
    {
      if (self->hover_tick_us != 0)
        {
          if (now - self->hover_tick_us > self->hover_max_work_us)
            {
              self->hover_max_work_us = now - self->hover_tick_us;
              self->hover_max_work_step = self->hover_step - 1;
            }
          self->hover_tick_us = 0;
        }
      return;
    }
  if (self->phase == PHASE_HOVER_SETTLE)
    {
      if (now - self->phase_us < HOVER_SETTLE_US)
        return;
      hover_report (self);
      bench_finish (self);
    }
}

static gboolean
hover_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  Bench *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu_us = thread_cpu_us ();
  guint index = self->hover_step / HOVER_STEPS;
  guint step = self->hover_step % HOVER_STEPS;
  VsVideoCell *cell;
  double x, y;

  if (self->hover_last_tick_us != 0)
    {
      gint64 interval = now - self->hover_last_tick_us;

      g_array_append_val (self->hover_intervals, interval);
      if (interval > LATE_FRAME_US)
        self->hover_late++;
      self->hover_max_cpu_us = MAX (self->hover_max_cpu_us, cpu_us - self->hover_tick_cpu_us);
      if (interval > self->hover_max_frame_us)
        {
          self->hover_max_frame_us = interval;
          self->hover_max_frame_step = self->hover_step - 1;
          self->hover_max_frame_cpu_us = cpu_us - self->hover_tick_cpu_us;
        }
    }
  self->hover_tick_cpu_us = cpu_us;
  self->hover_last_tick_us = now;
  self->hover_tick_us = now;

  /* the end of a cell's sweep: did it show the strip's frames? */
  if (step == 0 && index > 0 &&
      vs_video_cell_get_scrub_frame (g_ptr_array_index (self->hover_cells, index - 1)) >= 0)
    self->hover_shown++;
  if (index >= self->hover_cells->len)
    {
      /* off the cells, to the window's corner */
      warp_pointer (GTK_WIDGET (self->window), 2, 2);
      self->tick_id = 0;
      self->hover_tick_us = 0;
      self->hover_end_us = now;
      set_phase (self, PHASE_HOVER_SETTLE, now);
      return G_SOURCE_REMOVE;
    }
  cell = g_ptr_array_index (self->hover_cells, index);
  hover_point (cell, step, &x, &y);
  warp_pointer (GTK_WIDGET (cell), x, y);
  self->hover_step++;
  return G_SOURCE_CONTINUE;
}
#endif

static void
bench_finish (Bench *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_autoptr(GArray) sorted = NULL;
  g_autofree char *cache = NULL;
  ViewState state;
  Memory mem;
  double bottom;
  gint64 scroll_us;

  if (self->phase == PHASE_DONE)
    return;
  if (self->phase == PHASE_HOVER_WAIT || self->phase == PHASE_HOVER ||
      self->phase == PHASE_HOVER_SETTLE)
    {
      if (self->timed_out && self->phase != PHASE_HOVER_SETTLE)
        print_line ("hover-ms=-1 hover-error=timeout");
      goto quit;
    }
  inspect_view (self, TRUE, &state);
  read_memory (&mem);
  bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  sorted = g_array_copy (self->intervals);
  g_array_sort (sorted, compare_int64);
  scroll_us = self->scroll_end_us > 0
              ? self->scroll_end_us - self->scroll_start_us - self->paused_total_us
              : 0;
#ifndef VS_BENCH_STANDALONE
  if (VS_IS_LIBRARY_MODEL (self->model))
    cache = g_strdup_printf (" cached-items=%u cache-size=%u",
                             vs_library_model_get_n_cached (VS_LIBRARY_MODEL (self->model)),
                             vs_library_model_get_cache_size (VS_LIBRARY_MODEL (self->model)));
  {
    /* where the memory is: the heap, SQLite's caches and the decoded thumbnails */
    VsTextureCache *textures = self->textures ? VS_TEXTURE_CACHE (self->textures) : NULL;
    struct mallinfo2 mi = mallinfo2 ();
    char *more = g_strdup_printf ("%s heap-kb=%zu heap-used-kb=%zu heap-free-kb=%zu mmap-kb=%zu "
                                  "sqlite-kb=%" G_GINT64_FORMAT " textures-kb=%zu texture-loads=%u "
                                  "texture-loads-started=%" G_GUINT64_FORMAT
                                  " texture-loads-delayed=%u media-jobs=%u",
                                  cache ? cache : "", mi.arena / 1024, mi.uordblks / 1024,
                                  mi.fordblks / 1024, mi.hblkhd / 1024,
                                  (gint64) sqlite3_memory_used () / 1024,
                                  textures ? vs_texture_cache_get_bytes (textures) / 1024 : 0,
                                  textures ? vs_texture_cache_get_n_loads (textures) : 0,
                                  textures ? vs_texture_cache_get_n_started (textures) : 0,
                                  textures ? vs_texture_cache_get_n_delayed (textures) : 0,
                                  textures ? vs_texture_cache_get_n_media_pending (textures) : 0);
    g_free (cache);
    cache = more;
  }
#endif

  print_line ("scroll-ms=%.1f frames=%u max-frame-ms=%.1f p50-frame-ms=%.1f "
              "p95-frame-ms=%.1f p99-frame-ms=%.1f slow-frames=%u frames-over-33=%u "
              "max-frame-index=%u max-frame-at=%.3f max-work-ms=%.1f reached-bottom=%d "
              "last-item-visible=%d settle-timed-out=%d n-items=%u cells=%u view-children=%u "
              "pictures=%u/%u "
              "rss-kb=%" G_GINT64_FORMAT
              " hwm-kb=%" G_GINT64_FORMAT " rss-anon-kb=%" G_GINT64_FORMAT
              " rss-file-kb=%" G_GINT64_FORMAT "%s",
              scroll_us / 1000.0, sorted->len, self->max_frame_us / 1000.0,
              percentile_ms (sorted, 0.50), percentile_ms (sorted, 0.95),
              percentile_ms (sorted, 0.99), self->slow_frames, self->late_frames,
              self->max_frame_index, self->max_frame_at, self->max_work_us / 1000.0,
              self->phase == PHASE_SETTLE && gtk_adjustment_get_value (adj) >= bottom - 0.5,
              state.last_item, self->thumbs_timed_out, g_list_model_get_n_items (self->model),
              state.cells, state.children, state.thumbs, state.pictures, mem.rss_kb, mem.hwm_kb, mem.anon_kb,
              mem.file_kb, cache ? cache : "");
  print_breakdown (self);
  print_select_all (self);
#ifndef VS_BENCH_STANDALONE
  if (self->hover && !self->timed_out)
    {
      start_hover (self);
      return;
    }
#endif

quit:

  if (g_getenv ("VIDSHELF_BENCH_SMAPS") != NULL)
    {
      g_autofree char *smaps = NULL;
      gsize length = 0;

      if (g_file_get_contents ("/proc/self/smaps", &smaps, &length, NULL))
        g_file_set_contents (g_getenv ("VIDSHELF_BENCH_SMAPS"), smaps, length, NULL);
    }
  /* For a heap profiler: what is still allocated now shows as "leaked". */
  if (g_strcmp0 (g_getenv ("VIDSHELF_BENCH_EXIT"), "1") == 0)
    _exit (0);

  set_phase (self, PHASE_DONE, g_get_monotonic_time ());
  disconnect_all (self);
  gtk_window_destroy (self->window);
}

/* Setup ------------------------------------------------------------------- */

static void
bench_free (gpointer data)
{
  Bench *self = data;

  /* The window is being finalized: its handlers are gone already. */
  self->realize_id = 0;
  disconnect_all (self);
  g_clear_object (&self->clock);
  g_clear_object (&self->model);
  g_clear_object (&self->textures);
  g_clear_object (&self->scroller);
  g_clear_pointer (&self->intervals, g_array_unref);
  g_clear_pointer (&self->frames, g_array_unref);
  g_clear_pointer (&self->hover_cells, g_ptr_array_unref);
  g_clear_pointer (&self->hover_intervals, g_array_unref);
  g_free (self);
}

static void
connect_clock (Bench *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->window));

  if (clock == NULL || self->clock != NULL)
    return;
  g_clear_signal_handler (&self->realize_id, self->window);
  self->clock = g_object_ref (clock);
  self->layout_id = g_signal_connect_after (clock, "layout", G_CALLBACK (on_layout), self);
  self->paint_id = g_signal_connect_after (clock, "paint", G_CALLBACK (on_paint), self);
  self->after_paint_id = g_signal_connect (clock, "after-paint",
                                           G_CALLBACK (on_after_paint), self);
  gtk_widget_queue_draw (GTK_WIDGET (self->scroller));
}

static void
on_realize (GtkWidget *widget,
            Bench     *self)
{
  connect_clock (self);
}

static double
env_double (const char *name,
            double      fallback,
            double      min,
            double      max)
{
  const char *text = g_getenv (name);
  char *end = NULL;
  double value;

  if (text == NULL || text[0] == '\0')
    return fallback;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || value < min || value > max)
    {
      g_warning ("Ignoring %s=%s (expected a number from %g to %g)", name, text, min, max);
      return fallback;
    }
  return value;
}

void
vs_bench_attach (GtkWindow         *window,
                 GtkScrolledWindow *scroller,
                 GListModel        *model,
                 GObject           *textures)
{
  Bench *self;

  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (GTK_IS_SCROLLED_WINDOW (scroller));
  g_return_if_fail (G_IS_LIST_MODEL (model));
  g_return_if_fail (textures == NULL || G_IS_OBJECT (textures));

  if (g_strcmp0 (g_getenv ("VIDSHELF_BENCH"), "1") != 0)
    return;
  if (g_object_get_data (G_OBJECT (window), "vs-bench") != NULL)
    return;   /* attached already (a second model for the same window) */

  self = g_new0 (Bench, 1);
  self->window = window;
  self->scroller = g_object_ref (scroller);
  self->model = g_object_ref (model);
  self->textures = textures ? g_object_ref (textures) : NULL;
  self->intervals = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 16384);
  self->frames = g_array_sized_new (FALSE, FALSE, sizeof (FrameTimes), 16384);
  self->start_us = process_start_us ();
  self->attach_us = g_get_monotonic_time ();
  self->step = env_double ("VIDSHELF_BENCH_STEP", 1.0, 0.01, 100.0);
  self->pause_at = env_double ("VIDSHELF_BENCH_PAUSE_AT", 0.0, 0.0, 1.0);
  self->pause_ms = (guint) env_double ("VIDSHELF_BENCH_PAUSE_MS", 0.0, 0.0, 600000.0);
  self->timeout_us = (gint64) (env_double ("VIDSHELF_BENCH_TIMEOUT", DEFAULT_TIMEOUT_S, 1.0,
                                           86400.0) * G_USEC_PER_SEC);
#ifndef VS_BENCH_STANDALONE
  self->hover = g_strcmp0 (g_getenv ("VIDSHELF_BENCH_HOVER"), "0") != 0;
#endif
  set_phase (self, PHASE_GRID, self->attach_us);
  g_object_set_data_full (G_OBJECT (window), "vs-bench", self, bench_free);

  if (self->start_us < 0)
    g_warning ("Cannot tell when the process started; times since start print as -1");

  self->items_changed_id = g_signal_connect (model, "items-changed",
                                             G_CALLBACK (on_items_changed), self);
  self->watchdog_id = g_timeout_add (WATCHDOG_MS, watchdog, self);
  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    connect_clock (self);
  else
    self->realize_id = g_signal_connect (window, "realize", G_CALLBACK (on_realize), self);
}
