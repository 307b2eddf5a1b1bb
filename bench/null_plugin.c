/* null_plugin.c: the floor of a plugin shaped like tcpx, for bench/bench.py.
 *
 * The same mechanism as tcpx (plugin/packet-tcpx.c) with no analysis: a
 * handle in front of TCP in "ip.proto" that calls TCP, a post-dissector, and
 * a tap record per TCP frame read by a "-z tcpxnull" listener that counts
 * them.  Its cost over plain tshark is what the mechanism costs; what tcpx
 * costs beyond it is its analysis.  Not part of the plugin: bench.py compiles
 * it (like sizes.c) into a throw-away directory.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <epan/ipproto.h>
#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <ws_symbol_export.h>

#include "tcpx_ws_compat.h"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = "0.0.0-mechanism-only";
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);

static int proto_null = -1;
static int null_tap = -1;
static dissector_handle_t tcp_handle;
static guint32 tcp_frame; /* the last frame TCP ran on */
static guint32 tap_record;
static guint64 tapped;

static int
hook(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    tcp_frame = pinfo->num;
    return call_dissector_only(tcp_handle, tvb, pinfo, tree, data);
}

static int
post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree _U_, void *data _U_)
{
    if (tcp_frame != pinfo->num)
        return 0;
    tap_record = pinfo->num;
    if (have_tap_listener(null_tap))
        tap_queue_packet(null_tap, pinfo, &tap_record);
    return tvb_captured_length(tvb);
}

static tap_packet_status
count_packet(void *tapdata _U_, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data _U_,
             tap_flags_t flags _U_)
{
    tapped++;
    return TAP_PACKET_REDRAW;
}

static void
draw(void *tapdata _U_)
{
    printf("tcpxnull: %" G_GUINT64_FORMAT " TCP frames\n", tapped);
}

static TCPX_TAP_INIT_RESULT
cli_init(const char *opt_arg _U_, void *userdata _U_)
{
    GString *err = register_tap_listener("tcpxnull", &tapped, NULL, TL_REQUIRES_NOTHING, NULL, count_packet, draw,
                                         NULL);
    if (err) {
        fprintf(stderr, "tcpxnull: %s\n", err->str);
        g_string_free(err, TRUE);
        TCPX_TAP_INIT_DONE(false);
    }
    TCPX_TAP_INIT_DONE(true);
}

static stat_tap_ui cli_ui = { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpxnull", cli_init, 0, NULL };

static void
register_protoinfo(void)
{
    proto_null = proto_register_protocol("tcpx mechanism only (benchmark)", "tcpxnull", "tcpxnull");
    register_postdissector(register_dissector("tcpxnull", post, proto_null));
    null_tap = register_tap("tcpxnull");
}

static void
register_handoff(void)
{
    tcp_handle = find_dissector("tcp");
    dissector_add_uint("ip.proto", IP_PROTO_TCP,
                       create_dissector_handle_with_name_and_description(hook, -1, "tcpxnull_hook", "TCP"));
}

static void
register_taps(void)
{
    register_stat_tap_ui(&cli_ui, NULL);
}

void
plugin_register(void)
{
    static proto_plugin proto;
    static tap_plugin tap;
    proto.register_protoinfo = register_protoinfo;
    proto.register_handoff = register_handoff;
    proto_register_plugin(&proto);
    tap.register_tap_listener = register_taps;
    tap_register_plugin(&tap);
}
