/* tcpx_units.h: time units and the clock-sanity caps, one copy for the core and the tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_UNITS_H
#define TCPX_UNITS_H

#include <glib.h>

#define NS_PER_US G_GINT64_CONSTANT(1000)
#define NS_PER_MS G_GINT64_CONSTANT(1000000)
#define NS_PER_S G_GINT64_CONSTANT(1000000000)

/* A round trip longer than this (10 minutes) is a broken clock, not a network:
 * such RTT samples are treated as unknown, and spans are clamped to a multiple of it
 * so that sums cannot overflow. */
#define TCPX_MAX_RTT_NS (G_GINT64_CONSTANT(600000) * NS_PER_MS)

#endif
