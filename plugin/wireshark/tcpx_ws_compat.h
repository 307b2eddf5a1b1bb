/* tcpx_ws_compat.h: every difference between the Wireshark versions tcpx builds
 * against (4.0, 4.2, 4.4, 4.6), in one place.  The version is the one of the
 * headers tcpx is compiled with (<ws_version.h>), never a literal.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_WS_COMPAT_H
#define TCPX_WS_COMPAT_H

#include <stdbool.h>
#include <ws_version.h>

#define TCPX_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* The variable behind prefs_register_bool_preference(): gboolean until 4.0,
 * C99 bool from 4.2 on (4.2 untested: expected from its headers' move to bool). */
#if TCPX_WS_AT_LEAST(4, 2)
typedef bool tcpx_pref_bool_t;
#else
typedef gboolean tcpx_pref_bool_t;
#endif

/* A stat_tap_ui init callback returns whether it registered (4.6) or nothing. */
#if TCPX_WS_AT_LEAST(4, 6)
#define TCPX_TAP_INIT_RESULT bool
#define TCPX_TAP_INIT_DONE(ok) return (ok)
#else
#define TCPX_TAP_INIT_RESULT void
#define TCPX_TAP_INIT_DONE(ok) return
#endif

/* plugin_describe() lets 4.2+ list the plugin's type ("dissector, tap"). */
#define TCPX_WS_HAS_PLUGIN_DESCRIBE TCPX_WS_AT_LEAST(4, 2)

/* 4.4+ calls a TCP checksum Good when it holds only the pseudo-header's sum
 * (checksum offload on the capturing host: "partial" checksum). */
#define TCPX_WS_PARTIAL_CHECKSUM_IS_GOOD TCPX_WS_AT_LEAST(4, 4)

/* TCP's analysis conditions added after 4.0 (see tcpx_ws_tcp.c). */
#define TCPX_WS_HAS_PARTIAL_ACK TCPX_WS_AT_LEAST(4, 4)
#define TCPX_WS_HAS_AMBIGUOUS_ACK TCPX_WS_AT_LEAST(4, 6)

#endif
