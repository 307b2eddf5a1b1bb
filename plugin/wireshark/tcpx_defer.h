/* tcpx_defer.h: the first pass of frames nobody looks at now, in batches (tcpx_defer.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_DEFER_H
#define TCPX_DEFER_H

#include <epan/packet.h>
#include "tcpx_tap.h"

struct tcpx_layer; /* tcpx_hook.h */

/* Who takes the tap records of deferred frames: tshark's health report, the only listener of the tcpx tap.
 * add(ctx, rec): rec is valid during the call only.  Cleared (after a flush) when the listener goes. */
typedef void (*tcpx_defer_add_fn)(void *ctx, const tcpx_tap_rec_t *rec);
void tcpx_defer_set_consumer(tcpx_defer_add_fn add, void *ctx);
void tcpx_defer_clear_consumer(const void *ctx);
/* The consumer got a record through the tap: every listener of the tcpx tap has had one too. */
void tcpx_defer_tapped(void);
/* Another listener of the tcpx tap exists: no deferral from now on (it would miss the deferred frames). */
void tcpx_defer_forbid(void);
/* Frames without a tree are being deferred now: their analysis runs later, in a batch. */
gboolean tcpx_defer_on(void);
/* Takes the frame's read headers for a later first pass when nothing needs their results now (no tree, no
 * Expert Info listener, only the consumer listening); FALSE: the caller runs the first pass now. */
gboolean tcpx_defer_frame(packet_info *pinfo, const proto_tree *tree, gboolean expert_listens,
                          struct tcpx_layer *layers, guint n);
/* Runs the first pass over the deferred headers, in frame order, and hands their records to the consumer. */
void tcpx_defer_flush(void);
void tcpx_defer_file_init(void);

#endif
