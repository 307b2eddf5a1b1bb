/* tcpx_hindsight.h: what later frames, or the capture's end, settle about an earlier frame.
 *
 * On the first pass a frame is explained with what was known at that frame.  Some
 * questions are only settled later: were the bytes a gap left lost on the path or
 * only missed by the capture?  Did anything ever answer a retry series?  A later
 * frame's analysis (tcpx_hindsight_step) and the capture's end (tcpx_hindsight_finish)
 * produce "laters": notes addressed to the earlier frame, which the glue keeps and
 * shows when that frame is dissected again (tshark -2, the GUI).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_HINDSIGHT_H
#define TCPX_HINDSIGHT_H

#include <glib.h>

typedef enum {
    TCPX_LATER_HOLE_RESENT,    /* gap: the missing bytes came again after a round trip: resent */
    TCPX_LATER_HOLE_REORDERED, /* gap: they came sooner than a resend could: reordered, not lost */
    TCPX_LATER_HOLE_FILLED,    /* gap: they came, too late to tell reordering from a resend (no RTT) */
    TCPX_LATER_HOLE_ACKED,     /* gap: the receiver acknowledged them though the capture never saw them */
    TCPX_LATER_UNNEEDED,       /* retransmission: a D-SACK shows the receiver already had the bytes */
    TCPX_LATER_SERIES_LOST,    /* retransmission: the last try of a series nothing answered until the end */
    TCPX_LATER_SERIES_CUT,     /* retransmission: the capture ends before the next try was due */
    TCPX_LATER_SYN_UNANSWERED, /* SYN: nothing answered it until the capture's end */
    TCPX_LATER_SYN_CUT,        /* SYN: the capture ends too soon after it to say */
    TCPX_LATER_PMTU_RESENT,    /* ICMP too big: the sender resent the data in segments that fit */
    TCPX_LATER_PMTU_NO_RESEND, /* ICMP too big: no resend that fits follows until the capture's end */
    TCPX_LATER_N
} tcpx_later_what_t;

/* A note for an earlier frame. */
typedef struct {
    guint32 frame;    /* the frame it is about */
    guint32 stream;   /* ...and that frame's stream (a frame may hold several TCP headers) */
    guint32 by_frame; /* the frame that settled it; 0: the capture's end */
    gint64 after_ns;  /* from `frame` to by_frame, or to the capture's last frame */
    guint32 lo, hi;   /* the bytes concerned, inclusive, relative */
    guint32 tries;    /* a series' tries */
    guint8 what;      /* tcpx_later_what_t */
    guint8 order_by;  /* a gap's fill: what showed it left before or after the gap's data (tcpx_order_by_t) */
    guint32 bytes;    /* a size: the resend's segment (pmtu_resent) */
} tcpx_later_t;

#define TCPX_MAX_LATERS 2

/* tcpx_hindsight_finish() and the words of a later: tcpx_core.h, tcpx_text.h. */

#endif
