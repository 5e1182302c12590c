/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-thumbnail-view.c: a cell's picture, placeholder, badges, title and caption, in one box
 *
 * One widget drawing all of them, where the cell had a stack of icons, a GtkPicture, two
 * boxes and four labels: every one of those queued a resize when a cell was bound to another
 * video or its thumbnail arrived, and in GTK 4.8 a resize climbs to the window, which
 * measured its whole content and asked the X server for the work area in every frame of a
 * scroll. Each widget also costs its CSS node, style, measure, allocation and render nodes
 * in every frame: a grid keeps about a hundred cells. This box has a fixed size (the
 * picture's, and text lines measured once per font), so a change here only redraws it.
 */
#define G_LOG_DOMAIN "vs-thumbnail-view"

#include "config.h"

#include <glib/gi18n.h>

#include "vs-thumbnail-paintable.h"
#include "vs-thumbnail-view.h"

#define FADE_US        (180 * G_TIME_SPAN_MILLISECOND)
/* The picture's box at the default zoom (vs_thumbnail_view_set_picture_size() changes it) */
#define PICTURE_WIDTH  224
#define PICTURE_HEIGHT 126
#define TEXT_GAP       8      /* between the picture and the title */
#define TEXT_MARGIN    2      /* each side of the text */
#define LINE_GAP       2      /* between the title and the caption */
#define TITLE_LINES    2
#define BAR_RADIUS     4      /* the skeleton bars standing in for text not read yet */
#define CAPTION_SCALE  0.82   /* libadwaita's .caption: 9 pt of 11 */
#define BADGE_MARGIN   6
#define BADGE_PAD_X    6
#define BADGE_PAD_Y    1
#define BADGE_RADIUS   6
#define FAILED_ICON    48
#define WATCHED_ICON   12     /* the watched mark's check, in a badge of the duration's height */
/* The placeholder's corners: the pictures' (vs_texture_cache_set_corner_radius()). */
#define CORNER_RADIUS  12
/* The scrub's position line, in the gap under the picture */
#define SCRUB_LINE_Y      2
#define SCRUB_LINE_HEIGHT 3
/* Rounded boxes kept drawn (the placeholder, and a badge per width and colour). */
#define MAX_BOXES      64

struct _VsThumbnailView
{
  GtkWidget            parent_instance;

  GdkPaintable        *paintable;
  char                *duration;
  PangoLayout         *duration_layout;  /* made when first drawn */
  PangoLayout         *hls_layout;
  GtkIconPaintable    *failed_icon;
  GtkIconPaintable    *watched_icon;     /* looked up when first drawn */
  VsThumbnailViewState state;
  char                *hls;              /* the HLS badge's text, NULL: none */
  char                *title;            /* NULL: not read yet (skeleton bars) */
  char                *caption;
  PangoLayout         *title_layout;     /* made when first drawn */
  PangoLayout         *caption_layout;
  gboolean             hls_warning;
  gboolean             watched;          /* the watched mark, top right */
  gint64               fade_start;       /* 0: not fading */
  guint                fade_tick;
  int                  picture_width;    /* the picture's box: the zoom */
  int                  picture_height;
  /* Hover scrub: a frame shown instead of the thumbnail, and where it is in the video */
  GdkPaintable        *scrub_frame;      /* NULL: the thumbnail (the frame is not there yet) */
  double               scrub_position;   /* 0–1; < 0: not scrubbing */
  char                *scrub_time;       /* the frame's time, in the duration's badge */
  PangoLayout         *scrub_time_layout;
};

G_DEFINE_FINAL_TYPE (VsThumbnailView, vs_thumbnail_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PAINTABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
stop_fade (VsThumbnailView *self)
{
  if (self->fade_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fade_tick);
  self->fade_tick = 0;
  self->fade_start = 0;
}

static gboolean
fade_tick (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  VsThumbnailView *self = VS_THUMBNAIL_VIEW (widget);

  gtk_widget_queue_draw (widget);
  if (g_get_monotonic_time () - self->fade_start < FADE_US)
    return G_SOURCE_CONTINUE;
  self->fade_tick = 0;
  self->fade_start = 0;
  return G_SOURCE_REMOVE;
}

static void
set_state (VsThumbnailView      *self,
           VsThumbnailViewState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
vs_thumbnail_view_set_paintable (VsThumbnailView *self,
                                 GdkPaintable    *paintable,
                                 gboolean         animate)
{
  g_return_if_fail (VS_IS_THUMBNAIL_VIEW (self));
  g_return_if_fail (paintable == NULL || GDK_IS_PAINTABLE (paintable));

  stop_fade (self);
  if (g_set_object (&self->paintable, paintable))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAINTABLE]);
  set_state (self, paintable != NULL ? VS_THUMBNAIL_VIEW_PICTURE : VS_THUMBNAIL_VIEW_LOADING);
  if (paintable != NULL && animate && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->fade_start = g_get_monotonic_time ();
      self->fade_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), fade_tick, NULL, NULL);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GdkPaintable *
vs_thumbnail_view_get_paintable (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), NULL);
  return self->paintable;
}

void
vs_thumbnail_view_set_failed (VsThumbnailView *self)
{
  g_return_if_fail (VS_IS_THUMBNAIL_VIEW (self));

  vs_thumbnail_view_set_paintable (self, NULL, FALSE);
  set_state (self, VS_THUMBNAIL_VIEW_FAILED);
}

VsThumbnailViewState
vs_thumbnail_view_get_state (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), VS_THUMBNAIL_VIEW_LOADING);
  return self->state;
}

/* A text drawn with a layout made when first drawn: the layout follows it from then on. */
static void
set_layout_text (char        **field,
                 PangoLayout  *layout,
                 const char   *text)
{
  if (g_strcmp0 (*field, text) == 0)
    return;
  g_free (*field);
  *field = g_strdup (text);
  if (layout != NULL)
    pango_layout_set_text (layout, text ? text : "", -1);
}

void
vs_thumbnail_view_set_badges (VsThumbnailView *self,
                              const char      *duration,
                              const char      *hls,
                              gboolean         hls_warning)
{
  g_return_if_fail (VS_IS_THUMBNAIL_VIEW (self));

  hls_warning = !!hls_warning;
  if (g_strcmp0 (self->duration, duration) == 0 && g_strcmp0 (self->hls, hls) == 0 &&
      self->hls_warning == hls_warning)
    return;
  set_layout_text (&self->duration, self->duration_layout, duration);
  set_layout_text (&self->hls, self->hls_layout, hls);
  self->hls_warning = hls_warning;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
vs_thumbnail_view_set_watched (VsThumbnailView *self,
                               gboolean         watched)
{
  g_return_if_fail (VS_IS_THUMBNAIL_VIEW (self));

  watched = !!watched;
  if (self->watched == watched)
    return;
  self->watched = watched;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
vs_thumbnail_view_get_watched (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), FALSE);
  return self->watched;
}

const char *
vs_thumbnail_view_get_duration (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), NULL);
  return self->duration;
}

gboolean
vs_thumbnail_view_get_hls (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), FALSE);
  return self->hls != NULL;
}

const char *
vs_thumbnail_view_get_hls_badge (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), NULL);
  return self->hls;
}

gboolean
vs_thumbnail_view_get_hls_warning (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), FALSE);
  return self->hls_warning;
}

void
vs_thumbnail_view_set_text (VsThumbnailView *self,
                            const char      *title,
                            const char      *caption)
{
  g_return_if_fail (VS_IS_THUMBNAIL_VIEW (self));

  if (g_strcmp0 (self->title, title) == 0 && g_strcmp0 (self->caption, caption) == 0)
    return;
  set_layout_text (&self->title, self->title_layout, title);
  set_layout_text (&self->caption, self->caption_layout, caption);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
vs_thumbnail_view_get_title (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), NULL);
  return self->title;
}

const char *
vs_thumbnail_view_get_caption (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), NULL);
  return self->caption;
}

int
vs_thumbnail_view_get_picture_height (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), 0);
  return self->picture_height;
}

gboolean
vs_thumbnail_view_in_text (VsThumbnailView *self,
                           double           y)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), FALSE);
  return y >= self->picture_height;
}

/* The picture's box (the grid's zoom); the text below it follows its width. */
void
vs_thumbnail_view_set_picture_size (VsThumbnailView *self,
                                    int              width,
                                    int              height)
{
  g_return_if_fail (VS_IS_THUMBNAIL_VIEW (self));
  g_return_if_fail (width > 0 && height > 0);

  if (width == self->picture_width && height == self->picture_height)
    return;
  self->picture_width = width;
  self->picture_height = height;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Hover scrub: @frame (NULL: the thumbnail stays) covers the picture, a line under it
 * shows @position (0–1; < 0: no scrub, the thumbnail is back) and @time (NULL: the
 * duration) takes the duration's badge. */
void
vs_thumbnail_view_set_scrub (VsThumbnailView *self,
                             GdkPaintable    *frame,
                             double           position,
                             const char      *time)
{
  g_return_if_fail (VS_IS_THUMBNAIL_VIEW (self));
  g_return_if_fail (frame == NULL || GDK_IS_PAINTABLE (frame));

  if (position < 0)
    {
      frame = NULL;
      time = NULL;
    }
  g_set_object (&self->scrub_frame, frame);
  self->scrub_position = position < 0 ? -1 : MIN (position, 1.0);
  if (g_strcmp0 (time, self->scrub_time) != 0)
    set_layout_text (&self->scrub_time, self->scrub_time_layout, time);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GdkPaintable *
vs_thumbnail_view_get_scrub_frame (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), NULL);
  return self->scrub_frame;
}

double
vs_thumbnail_view_get_scrub_position (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), -1);
  return self->scrub_position;
}

const char *
vs_thumbnail_view_get_scrub_time (VsThumbnailView *self)
{
  g_return_val_if_fail (VS_IS_THUMBNAIL_VIEW (self), NULL);
  return self->scrub_time;
}

/* Drawing ------------------------------------------------------------------ */

/* A badge's text: bold, a little smaller than the cell's font. */
static PangoLayout *
make_badge_layout (VsThumbnailView *self,
                   const char      *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
  /* digits of one width, so that durations line up */
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

typedef struct
{
  int     width, height, radius, scale;
  guint32 rgba;
} BoxKey;

static guint
box_key_hash (gconstpointer data)
{
  const BoxKey *key = data;

  return (guint) (key->width * 31 + key->height) * 31 + key->rgba + (guint) key->radius;
}

static gboolean
box_key_equal (gconstpointer a,
               gconstpointer b)
{
  return memcmp (a, b, sizeof (BoxKey)) == 0;
}

/* A rounded box of one colour. The cairo renderer fills the rounded clip path with
 * antialiasing in every frame (the placeholders and badges of a scrolling grid: an eighth
 * of the main thread), so for it the box is drawn once into an image and painted; the GL
 * renderer draws it on the GPU. */
static void
append_rounded_box (GtkWidget             *widget,
                    GtkSnapshot           *snapshot,
                    const graphene_rect_t *rect,
                    float                  radius,
                    const GdkRGBA         *color)
{
  static GHashTable *boxes;   /* BoxKey → cairo_surface_t */
  int scale = gtk_widget_get_scale_factor (widget);
  int w = (int) (rect->size.width + 0.999f);   /* rounded up */
  int h = (int) (rect->size.height + 0.999f);
  BoxKey key = { 0 };
  cairo_surface_t *surface;
  cairo_t *cr;

  if (!vs_thumbnail_paintable_uses_cairo (widget) || w <= 0 || h <= 0 || w > 1024 ||
      h > 1024)
    {
      GskRoundedRect box;

      gsk_rounded_rect_init_from_rect (&box, rect, radius);
      gtk_snapshot_push_rounded_clip (snapshot, &box);
      gtk_snapshot_append_color (snapshot, color, rect);
      gtk_snapshot_pop (snapshot);
      return;
    }

  key.width = w;
  key.height = h;
  key.radius = (int) radius;
  key.scale = scale;
  key.rgba = (guint32) (CLAMP (color->red, 0, 1) * 255) << 24 |
             (guint32) (CLAMP (color->green, 0, 1) * 255) << 16 |
             (guint32) (CLAMP (color->blue, 0, 1) * 255) << 8 |
             (guint32) (CLAMP (color->alpha, 0, 1) * 255);
  if (boxes == NULL)
    boxes = g_hash_table_new_full (box_key_hash, box_key_equal, g_free,
                                   (GDestroyNotify) cairo_surface_destroy);
  surface = g_hash_table_lookup (boxes, &key);
  if (surface == NULL)
    {
      cairo_t *box;

      if (g_hash_table_size (boxes) >= MAX_BOXES)
        g_hash_table_remove_all (boxes);
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w * scale, h * scale);
      cairo_surface_set_device_scale (surface, scale, scale);
      box = cairo_create (surface);
      cairo_new_sub_path (box);
      cairo_arc (box, w - radius, radius, radius, -G_PI / 2, 0);
      cairo_arc (box, w - radius, h - radius, radius, 0, G_PI / 2);
      cairo_arc (box, radius, h - radius, radius, G_PI / 2, G_PI);
      cairo_arc (box, radius, radius, radius, G_PI, 3 * G_PI / 2);
      cairo_close_path (box);
      gdk_cairo_set_source_rgba (box, color);
      cairo_fill (box);
      cairo_destroy (box);
      g_hash_table_insert (boxes, g_memdup2 (&key, sizeof key), surface);
    }
  cr = gtk_snapshot_append_cairo (snapshot, rect);
  cairo_set_source_surface (cr, surface, rect->origin.x, rect->origin.y);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static void
draw_badge (GtkWidget     *widget,
            GtkSnapshot   *snapshot,
            PangoLayout   *layout,
            float          x,
            float          y,
            gboolean       right,
            gboolean       bottom,
            const GdkRGBA *background,
            const GdkRGBA *foreground)
{
  int text_width, text_height;
  float w, h;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  w = text_width + 2 * BADGE_PAD_X;
  h = text_height + 2 * BADGE_PAD_Y;
  if (right)
    x -= w;
  if (bottom)
    y -= h;
  append_rounded_box (widget, snapshot, &GRAPHENE_RECT_INIT (x, y, w, h), BADGE_RADIUS,
                      background);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + BADGE_PAD_X, y + BADGE_PAD_Y));
  gtk_snapshot_append_layout (snapshot, layout, foreground);
  gtk_snapshot_restore (snapshot);
}

/* Covers the box with the paintable, as GtkPicture's "cover" would (the cache makes them at
 * the box's size already: then it is drawn as it is). */
static void
draw_picture (GdkPaintable *paintable,
              GtkSnapshot  *snapshot,
              int           width,
              int           height)
{
  int iw = gdk_paintable_get_intrinsic_width (paintable);
  int ih = gdk_paintable_get_intrinsic_height (paintable);
  double scale;

  if (iw <= 0 || ih <= 0 || (iw == width && ih == height))
    {
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      return;
    }
  scale = MAX ((double) width / iw, (double) height / ih);
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) ((width - iw * scale) / 2),
                                                          (float) ((height - ih * scale) / 2)));
  gdk_paintable_snapshot (paintable, snapshot, iw * scale, ih * scale);
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

static void
draw_failed_icon (VsThumbnailView *self,
                  GtkSnapshot     *snapshot,
                  int              width,
                  int              height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GdkRGBA color;

  if (self->failed_icon == NULL)
    self->failed_icon = gtk_icon_theme_lookup_icon (
      gtk_icon_theme_get_for_display (gtk_widget_get_display (widget)), "image-missing-symbolic",
      NULL, FAILED_ICON, gtk_widget_get_scale_factor (widget), gtk_widget_get_direction (widget),
      0);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  color.alpha *= 0.4f;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((width - FAILED_ICON) / 2.0f,
                                                          (height - FAILED_ICON) / 2.0f));
  gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (self->failed_icon), snapshot,
                                            FAILED_ICON, FAILED_ICON, &color, 1);
  gtk_snapshot_restore (snapshot);
}

/* The watched mark: a check in a dark badge at the picture's top right, as the duration's
 * at its bottom right. */
static void
draw_watched_mark (VsThumbnailView *self,
                   GtkSnapshot     *snapshot,
                   int              width,
                   const GdkRGBA   *background)
{
  GtkWidget *widget = GTK_WIDGET (self);
  static const GdkRGBA white = { 1, 1, 1, 1 };
  float size = WATCHED_ICON + 2 * (BADGE_PAD_Y + 3);
  float x = width - BADGE_MARGIN - size;

  if (self->watched_icon == NULL)
    self->watched_icon = gtk_icon_theme_lookup_icon (
      gtk_icon_theme_get_for_display (gtk_widget_get_display (widget)), "object-select-symbolic",
      NULL, WATCHED_ICON, gtk_widget_get_scale_factor (widget), gtk_widget_get_direction (widget),
      0);
  append_rounded_box (widget, snapshot, &GRAPHENE_RECT_INIT (x, BADGE_MARGIN, size, size),
                      BADGE_RADIUS, background);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (x + (size - WATCHED_ICON) / 2,
                                                BADGE_MARGIN + (size - WATCHED_ICON) / 2));
  gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (self->watched_icon), snapshot,
                                            WATCHED_ICON, WATCHED_ICON, &white, 1);
  gtk_snapshot_restore (snapshot);
}

/* Text ---------------------------------------------------------------------- */

static PangoLayout *
make_title_layout (VsThumbnailView *self,
                   const char      *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, -TITLE_LINES);
  return layout;
}

/* A size and date: smaller, with digits of one width. */
static PangoLayout *
make_caption_layout (VsThumbnailView *self,
                     const char      *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (CAPTION_SCALE));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  return layout;
}

typedef struct
{
  PangoFontDescription *font;
  double                resolution;
  int                   title_height;     /* TITLE_LINES lines */
  int                   caption_height;
} TextMetrics;

/* The heights of the title's lines and of the caption's, which do not depend on the text
 * (as GtkInscription's): measured once per font for all cells, since a grid measures a
 * hundred of them at once. */
static const TextMetrics *
get_text_metrics (VsThumbnailView *self)
{
  static TextMetrics metrics;
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double resolution = pango_cairo_context_get_resolution (context);
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(PangoLayout) caption = NULL;
  GString *lines;

  if (metrics.font != NULL && font != NULL && metrics.resolution == resolution &&
      pango_font_description_equal (metrics.font, font))
    return &metrics;

  lines = g_string_new ("Ag");
  for (guint i = 1; i < TITLE_LINES; i++)
    g_string_append (lines, "\nAg");
  title = make_title_layout (self, lines->str);
  g_string_free (lines, TRUE);
  caption = make_caption_layout (self, "Ag");
  pango_layout_get_pixel_size (title, NULL, &metrics.title_height);
  pango_layout_get_pixel_size (caption, NULL, &metrics.caption_height);
  g_clear_pointer (&metrics.font, pango_font_description_free);
  metrics.font = font != NULL ? pango_font_description_copy (font) : NULL;
  metrics.resolution = resolution;
  return &metrics;
}

static void
draw_text (VsThumbnailView *self,
           GtkSnapshot     *snapshot,
           int              width)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const TextMetrics *metrics = get_text_metrics (self);
  float x = TEXT_MARGIN;
  float y = self->picture_height + TEXT_GAP;
  float text_width = MAX (1, width - 2 * TEXT_MARGIN);
  GdkRGBA color;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (self->title == NULL)
    {
      /* alpha(currentColor, 0.08): skeleton bars until the item's row is read */
      color.alpha *= 0.08f;
      append_rounded_box (widget, snapshot,
                          &GRAPHENE_RECT_INIT (x, y, text_width, metrics->title_height),
                          BAR_RADIUS, &color);
      append_rounded_box (widget, snapshot,
                          &GRAPHENE_RECT_INIT (x, y + metrics->title_height + LINE_GAP,
                                               text_width, metrics->caption_height),
                          BAR_RADIUS, &color);
      return;
    }

  if (self->title_layout == NULL)
    self->title_layout = make_title_layout (self, self->title);
  if (self->caption_layout == NULL)
    self->caption_layout = make_caption_layout (self, self->caption ? self->caption : "");
  pango_layout_set_width (self->title_layout, (int) text_width * PANGO_SCALE);
  pango_layout_set_width (self->caption_layout, (int) text_width * PANGO_SCALE);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, self->title_layout, &color);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (0, metrics->title_height + LINE_GAP));
  /* as dim-label looks, without its opacity (an offscreen pass per frame) */
  color.alpha *= 0.55f;
  gtk_snapshot_append_layout (snapshot, self->caption_layout, &color);
  gtk_snapshot_restore (snapshot);
}

/* A filmstrip's frame over the picture: the tiles have square corners, so the picture's
 * are cut here (thumbnails come with theirs rounded). */
static void
draw_scrub_frame (VsThumbnailView *self,
                  GtkSnapshot     *snapshot,
                  int              width,
                  int              height)
{
  GskRoundedRect box;

  gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (0, 0, width, height),
                                   CORNER_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &box);
  draw_picture (self->scrub_frame, snapshot, width, height);
  gtk_snapshot_pop (snapshot);
}

/* Where the frame shown is in the video: a thin line in the gap under the picture, the
 * accent colour up to the position over a faint track. */
static void
draw_scrub_line (VsThumbnailView *self,
                 GtkSnapshot     *snapshot,
                 int              width)
{
  GtkWidget *widget = GTK_WIDGET (self);
  float y = self->picture_height + SCRUB_LINE_Y;
  float done = (float) (self->scrub_position * width);
  GdkRGBA track, accent = { 0.21f, 0.52f, 0.89f, 1 };

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &track);
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_bg_color",
                                  &accent);
  G_GNUC_END_IGNORE_DEPRECATIONS
  track.alpha *= 0.15f;
  gtk_snapshot_append_color (snapshot, &track,
                             &GRAPHENE_RECT_INIT (0, y, width, SCRUB_LINE_HEIGHT));
  gtk_snapshot_append_color (snapshot, &accent,
                             &GRAPHENE_RECT_INIT (0, y, MAX (done, 2), SCRUB_LINE_HEIGHT));
}

static GtkSizeRequestMode
vs_thumbnail_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
vs_thumbnail_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  VsThumbnailView *self = VS_THUMBNAIL_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = self->picture_width;
    }
  else
    {
      const TextMetrics *metrics = get_text_metrics (self);

      *minimum = *natural = self->picture_height + TEXT_GAP + metrics->title_height + LINE_GAP +
                            metrics->caption_height;
    }
}

static void
vs_thumbnail_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  VsThumbnailView *self = VS_THUMBNAIL_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = self->picture_height;
  static const GdkRGBA badge_bg = { 0, 0, 0, 0.65f };
  static const GdkRGBA white = { 1, 1, 1, 1 };

  if (self->scrub_frame != NULL)
    draw_scrub_frame (self, snapshot, width, height);
  else if (self->state == VS_THUMBNAIL_VIEW_PICTURE && self->paintable != NULL)
    {
      double t = self->fade_start != 0
                 ? (double) (g_get_monotonic_time () - self->fade_start) / FADE_US : 1.0;

      if (t < 1.0)
        gtk_snapshot_push_opacity (snapshot, 1.0 - (1.0 - t) * (1.0 - t));
      draw_picture (self->paintable, snapshot, width, height);
      if (t < 1.0)
        gtk_snapshot_pop (snapshot);
    }
  else
    {
      GdkRGBA color;

      /* alpha(currentColor, 0.08), as libadwaita's placeholders */
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
      G_GNUC_END_IGNORE_DEPRECATIONS
      color.alpha *= 0.08f;
      append_rounded_box (widget, snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height),
                          CORNER_RADIUS, &color);
      if (self->state == VS_THUMBNAIL_VIEW_FAILED)
        draw_failed_icon (self, snapshot, width, height);
    }

  if (self->scrub_time != NULL)
    {
      if (self->scrub_time_layout == NULL)
        self->scrub_time_layout = make_badge_layout (self, self->scrub_time);
      draw_badge (widget, snapshot, self->scrub_time_layout, width - BADGE_MARGIN,
                  height - BADGE_MARGIN, TRUE, TRUE, &badge_bg, &white);
    }
  else if (self->duration != NULL)
    {
      if (self->duration_layout == NULL)
        self->duration_layout = make_badge_layout (self, self->duration);
      draw_badge (widget, snapshot, self->duration_layout, width - BADGE_MARGIN,
                  height - BADGE_MARGIN, TRUE, TRUE, &badge_bg, &white);
    }
  if (self->hls != NULL)
    {
      GdkRGBA accent_bg = { 0.21f, 0.52f, 0.89f, 1 };
      GdkRGBA accent_fg = { 1, 1, 1, 1 };

      if (self->hls_warning)
        accent_bg = (GdkRGBA) { 0.90f, 0.38f, 0.0f, 1 };
      if (self->hls_layout == NULL)
        self->hls_layout = make_badge_layout (self, self->hls);
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      /* libadwaita's: the accent, or orange for a download that cannot be merged as it is */
      gtk_style_context_lookup_color (gtk_widget_get_style_context (widget),
                                      self->hls_warning ? "warning_bg_color" : "accent_bg_color",
                                      &accent_bg);
      gtk_style_context_lookup_color (gtk_widget_get_style_context (widget),
                                      self->hls_warning ? "warning_fg_color" : "accent_fg_color",
                                      &accent_fg);
      G_GNUC_END_IGNORE_DEPRECATIONS
      draw_badge (widget, snapshot, self->hls_layout, BADGE_MARGIN, BADGE_MARGIN, FALSE, FALSE,
                  &accent_bg, &accent_fg);
    }
  if (self->watched)
    draw_watched_mark (self, snapshot, width, &badge_bg);
  if (self->scrub_position >= 0)
    draw_scrub_line (self, snapshot, width);
  draw_text (self, snapshot, width);
}

/* The font or the scale changed: the text and the icon are made again, and the lines may
 * have another height. */
static void
forget_drawing (VsThumbnailView *self)
{
  g_clear_object (&self->duration_layout);
  g_clear_object (&self->scrub_time_layout);
  g_clear_object (&self->hls_layout);
  g_clear_object (&self->title_layout);
  g_clear_object (&self->caption_layout);
  g_clear_object (&self->failed_icon);
  g_clear_object (&self->watched_icon);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
vs_thumbnail_view_system_setting_changed (GtkWidget        *widget,
                                          GtkSystemSetting  setting)
{
  forget_drawing (VS_THUMBNAIL_VIEW (widget));
  GTK_WIDGET_CLASS (vs_thumbnail_view_parent_class)->system_setting_changed (widget, setting);
}

static void
vs_thumbnail_view_direction_changed (GtkWidget        *widget,
                                     GtkTextDirection  previous)
{
  forget_drawing (VS_THUMBNAIL_VIEW (widget));
  GTK_WIDGET_CLASS (vs_thumbnail_view_parent_class)->direction_changed (widget, previous);
}

static void
vs_thumbnail_view_unmap (GtkWidget *widget)
{
  stop_fade (VS_THUMBNAIL_VIEW (widget));
  GTK_WIDGET_CLASS (vs_thumbnail_view_parent_class)->unmap (widget);
}

static void
vs_thumbnail_view_dispose (GObject *object)
{
  VsThumbnailView *self = VS_THUMBNAIL_VIEW (object);

  stop_fade (self);
  g_clear_object (&self->paintable);
  g_clear_object (&self->scrub_frame);
  g_clear_object (&self->scrub_time_layout);
  g_clear_pointer (&self->scrub_time, g_free);
  g_clear_object (&self->duration_layout);
  g_clear_object (&self->hls_layout);
  g_clear_object (&self->title_layout);
  g_clear_object (&self->caption_layout);
  g_clear_object (&self->failed_icon);
  g_clear_object (&self->watched_icon);
  g_clear_pointer (&self->duration, g_free);
  g_clear_pointer (&self->hls, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->caption, g_free);

  G_OBJECT_CLASS (vs_thumbnail_view_parent_class)->dispose (object);
}

static void
vs_thumbnail_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VsThumbnailView *self = VS_THUMBNAIL_VIEW (object);

  switch (prop_id)
    {
    case PROP_PAINTABLE:
      g_value_set_object (value, self->paintable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_thumbnail_view_class_init (VsThumbnailViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_thumbnail_view_dispose;
  object_class->get_property = vs_thumbnail_view_get_property;
  widget_class->get_request_mode = vs_thumbnail_view_get_request_mode;
  widget_class->measure = vs_thumbnail_view_measure;
  widget_class->snapshot = vs_thumbnail_view_snapshot;
  widget_class->unmap = vs_thumbnail_view_unmap;
  widget_class->system_setting_changed = vs_thumbnail_view_system_setting_changed;
  widget_class->direction_changed = vs_thumbnail_view_direction_changed;

  /* what is shown, NULL while loading or failed (for tests and the benchmark) */
  properties[PROP_PAINTABLE] =
    g_param_spec_object ("paintable", NULL, NULL, GDK_TYPE_PAINTABLE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "thumbnail");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
vs_thumbnail_view_init (VsThumbnailView *self)
{
  self->state = VS_THUMBNAIL_VIEW_LOADING;
  self->picture_width = PICTURE_WIDTH;
  self->picture_height = PICTURE_HEIGHT;
  self->scrub_position = -1;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_VISIBLE);
}

GtkWidget *
vs_thumbnail_view_new (void)
{
  return g_object_new (VS_TYPE_THUMBNAIL_VIEW, NULL);
}
