/* tcpx_seq.h: TCP sequence-number arithmetic (RFC 1982 serial numbers).
 *
 * Sequence numbers live on a 32-bit circle: 0xFFFFFFF0 comes *before* 0x10.
 * Every comparison goes through these helpers so wraparound is never a bug.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_SEQ_H
#define TCPX_SEQ_H

#include <glib.h>

static inline gboolean
tcpx_seq_lt(guint32 a, guint32 b)
{
    return (gint32)(a - b) < 0;
}
static inline gboolean
tcpx_seq_le(guint32 a, guint32 b)
{
    return (gint32)(a - b) <= 0;
}
static inline gboolean
tcpx_seq_gt(guint32 a, guint32 b)
{
    return (gint32)(a - b) > 0;
}
static inline gboolean
tcpx_seq_ge(guint32 a, guint32 b)
{
    return (gint32)(a - b) >= 0;
}

/* Bytes from a up to b (b after a); 0 when b is not after a. */
static inline guint32
tcpx_seq_diff(guint32 a, guint32 b)
{
    return tcpx_seq_gt(b, a) ? b - a : 0;
}

/* Is seq inside [lo, hi) on the circle? */
static inline gboolean
tcpx_seq_in(guint32 seq, guint32 lo, guint32 hi)
{
    return tcpx_seq_ge(seq, lo) && tcpx_seq_lt(seq, hi);
}

/* Segments needed to carry `bytes` at `mss` bytes each (rounded up); 0 if mss unknown. */
guint32 tcpx_segments_for(guint32 bytes, guint32 mss);

#endif
