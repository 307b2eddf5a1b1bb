/* packet-tcpx.h: the tcpx post-dissector (epan glue).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_TCPX_H
#define PACKET_TCPX_H

void proto_register_tcpx(void);
void proto_reg_handoff_tcpx(void);

#endif
