/* packet-tcpx.h: the tcpx post-dissector (epan glue).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_TCPX_H
#define PACKET_TCPX_H

#include <epan/prefs.h>

void proto_register_tcpx(void);
void proto_reg_handoff_tcpx(void);

/* The tcpx preferences module, for the health tap's thresholds. */
module_t *tcpx_prefs_module(void);

#endif
