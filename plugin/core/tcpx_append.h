/* tcpx_append.h: appending to a GString on the texts' hot paths.
 *
 * Before GLib 2.76 (Debian 12), g_string_append() and g_string_append_len() are calls into GLib's general
 * insert, some 80 instructions a piece; the health report appends ~200 pieces per stream and a frame's
 * summary a dozen, nearly always into room the string already has.  Here that case is a copy.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_APPEND_H
#define TCPX_APPEND_H

#include <string.h>
#include <glib.h>

static inline void
tcpx_append_len(GString *out, const char *text, gsize len)
{
    if (G_LIKELY(out->len + len < out->allocated_len)) {
        memcpy(out->str + out->len, text, len);
        out->len += len;
        out->str[out->len] = '\0';
    } else {
        g_string_append_len(out, text, (gssize)len);
    }
}

static inline void
tcpx_append(GString *out, const char *text)
{
    tcpx_append_len(out, text, strlen(text));
}

#endif
