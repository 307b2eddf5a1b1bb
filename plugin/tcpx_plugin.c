/* tcpx_plugin.c: Wireshark 4.0 plugin entry points for tcpx.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>
#include <ws_symbol_export.h>

#include "packet-tcpx.h"
#include "tap-tcpx-health.h"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = TCPX_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = 4;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = 0;

WS_DLL_PUBLIC void plugin_register(void);

void
plugin_register(void)
{
    static proto_plugin tcpx_proto;
    static tap_plugin tcpx_tap;

    tcpx_proto.register_protoinfo = proto_register_tcpx;
    tcpx_proto.register_handoff = proto_reg_handoff_tcpx;
    proto_register_plugin(&tcpx_proto);

    tcpx_tap.register_tap_listener = tcpx_health_register_taps;
    tap_register_plugin(&tcpx_tap);
}
