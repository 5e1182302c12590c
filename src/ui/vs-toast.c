/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vs-toast.c: toasts whose text is shown as it is */
#include "config.h"

#include "vs-toast.h"

AdwToast *
vs_toast_new_plain (const char *text)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  escaped = g_markup_escape_text (text, -1);
  return adw_toast_new (escaped);
}
