/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-library-root.c: one folder of the library and how it is followed */
#define G_LOG_DOMAIN "vs-library"

#include "config.h"

#include "vs-library-root.h"

struct _VsLibraryRoot
{
  GObject             parent_instance;

  char               *path;
  char               *display_name;
  VsLibraryRootState  state;
  guint               poll_interval;
  gint64              n_videos;
  gboolean            share_previews;
};

G_DEFINE_FINAL_TYPE (VsLibraryRoot, vs_library_root, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_DISPLAY_NAME,
  PROP_STATE,
  PROP_POLL_INTERVAL,
  PROP_N_VIDEOS,
  PROP_SHARE_PREVIEWS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vs_library_root_finalize (GObject *object)
{
  VsLibraryRoot *self = VS_LIBRARY_ROOT (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (vs_library_root_parent_class)->finalize (object);
}

static void
vs_library_root_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VsLibraryRoot *self = VS_LIBRARY_ROOT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval);
      break;
    case PROP_N_VIDEOS:
      g_value_set_int64 (value, self->n_videos);
      break;
    case PROP_SHARE_PREVIEWS:
      g_value_set_boolean (value, self->share_previews);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_library_root_class_init (VsLibraryRootClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_library_root_finalize;
  object_class->get_property = vs_library_root_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* a VsLibraryRootState */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, VS_LIBRARY_ROOT_STARTING,
                      VS_LIBRARY_ROOT_UNAVAILABLE, VS_LIBRARY_ROOT_STARTING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_VIDEOS] =
    g_param_spec_int64 ("n-videos", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* its thumbnails also go to the shared repository beside its videos (as the index says:
   * vs_library_set_share_previews_async() changes it) */
  properties[PROP_SHARE_PREVIEWS] =
    g_param_spec_boolean ("share-previews", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vs_library_root_init (VsLibraryRoot *self)
{
  self->n_videos = -1;
}

VsLibraryRoot *
vs_library_root_new (const char *path)
{
  VsLibraryRoot *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (VS_TYPE_LIBRARY_ROOT, NULL);
  self->path = g_strdup (path);
  self->display_name = g_filename_display_basename (path);
  return self;
}

const char *
vs_library_root_get_path (VsLibraryRoot *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_ROOT (self), NULL);
  return self->path;
}

const char *
vs_library_root_get_display_name (VsLibraryRoot *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_ROOT (self), NULL);
  return self->display_name;
}

VsLibraryRootState
vs_library_root_get_state (VsLibraryRoot *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_ROOT (self), VS_LIBRARY_ROOT_STARTING);
  return self->state;
}

void
vs_library_root_set_state (VsLibraryRoot      *self,
                           VsLibraryRootState  state)
{
  g_return_if_fail (VS_IS_LIBRARY_ROOT (self));

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

guint
vs_library_root_get_poll_interval (VsLibraryRoot *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_ROOT (self), 0);
  return self->poll_interval;
}

void
vs_library_root_set_poll_interval (VsLibraryRoot *self,
                                   guint          seconds)
{
  g_return_if_fail (VS_IS_LIBRARY_ROOT (self));

  if (self->poll_interval == seconds)
    return;
  self->poll_interval = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLL_INTERVAL]);
}

gint64
vs_library_root_get_n_videos (VsLibraryRoot *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_ROOT (self), -1);
  return self->n_videos;
}

void
vs_library_root_set_n_videos (VsLibraryRoot *self,
                              gint64         n_videos)
{
  g_return_if_fail (VS_IS_LIBRARY_ROOT (self));

  if (self->n_videos == n_videos)
    return;
  self->n_videos = n_videos;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VIDEOS]);
}

gboolean
vs_library_root_get_share_previews (VsLibraryRoot *self)
{
  g_return_val_if_fail (VS_IS_LIBRARY_ROOT (self), FALSE);
  return self->share_previews;
}

void
vs_library_root_set_share_previews (VsLibraryRoot *self,
                                    gboolean       share)
{
  g_return_if_fail (VS_IS_LIBRARY_ROOT (self));

  share = !!share;
  if (self->share_previews == share)
    return;
  self->share_previews = share;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE_PREVIEWS]);
}
