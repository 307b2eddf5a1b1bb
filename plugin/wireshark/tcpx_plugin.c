/* tcpx_plugin.c: Wireshark plugin entry points for tcpx.
 *
 * The loader accepts a plugin only for the major.minor version it was built
 * for, so the version comes from the headers tcpx is compiled with.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "tcpx"

#include <epan/packet.h>
#include <epan/tap.h>
#include <ws_symbol_export.h>

#include "packet-tcpx.h"
#include "tap-tcpx-health.h"
#include "tcpx_ws_compat.h"
#include "tcpx_ws_tcp.h"

#if TCPX_WS_HAS_PLUGIN_DESCRIBE
#include <wsutil/plugins.h>
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = TCPX_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#if TCPX_WS_HAS_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif

static void
register_tcpx_taps(void)
{
    tcpx_health_register_taps();
    tcpx_ws_guard_register();
}

void
plugin_register(void)
{
    static proto_plugin tcpx_proto;
    static tap_plugin tcpx_tap;

    tcpx_proto.register_protoinfo = proto_register_tcpx;
    tcpx_proto.register_handoff = proto_reg_handoff_tcpx;
    proto_register_plugin(&tcpx_proto);

    tcpx_tap.register_tap_listener = register_tcpx_taps;
    tap_register_plugin(&tcpx_tap);
}
