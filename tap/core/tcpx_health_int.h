/* tcpx_health_int.h: what the health files share and callers do not see.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_HEALTH_INT_H
#define TCPX_HEALTH_INT_H

#include <glib.h>

/* "client" (side 0) or "server". */
const char *tcpx_health_side_name(int side);
/* ns as seconds with three decimals, as "%.3f" prints them, into buf. */
char *tcpx_health_secs_text(gint64 ns, char *buf, gsize len);
/* Append text word-wrapped at 78 columns, each line indented by `indent`. */
void tcpx_health_append_wrapped(GString *out, const char *text, int indent);

#endif
