/* tcpx_nagle.c: a small segment Nagle held back until the peer's delayed ACK of the one before.
 *
 * Write-write-read: the sender writes a request in two small writes; Nagle keeps the second
 * while the first is unacknowledged; the receiver, with nothing to send, delays its ACK (40 ms
 * on Linux, up to 200 ms on Windows).  In the capture: a small segment A; a pure ACK of exactly
 * A, a round trip plus DELACK_MIN_NS or more after it; the next small segment B at once after
 * that ACK (within the sender's leg).  An answer with data would be the application's pace, not
 * Nagle's: only a pure ACK releases B.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_steps.h"

/* A delayed ACK waits this much past the round trip at least (Linux: 40 ms, Windows: 200 ms). */
#define DELACK_MIN_NS (30 * NS_PER_MS)
/* ...and no more than this (Windows' 200 ms, and margin): a longer wait is something else. */
#define DELACK_MAX_NS (500 * NS_PER_MS)
/* B leaves this soon after the ACK reached the sender (past its leg). */
#define RELEASE_NS NS_PER_MS

void
tcpx_explain_nagle(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    const tcpx_side_t *d = &s->side[sender];
    const tcpx_side_t *peer = &s->side[!sender];
    const tcpx_ack_event_t *k = tcpx_last_ack(peer);
    guint32 mss = tcpx_mss_toward(s, sender);
    gint64 rtt = tcpx_stream_rtt(s, seg);
    if (!k || !mss || !rtt || seg->len == 0 || seg->len >= mss || k->ack != seg->seq)
        return;
    /* A: the sender's data just before, small, ending where B starts, acknowledged by k alone */
    if (!d->recent->last_data_frame || d->recent->last_data_len >= mss || d->recent->last_data_end != seg->seq)
        return;
    /* k: a pure ACK, the peer's latest frame, a delayed ACK's wait after A */
    if (k->ts_ns < d->last_data_ts || k->ts_ns - d->last_data_ts > DELACK_MAX_NS + rtt)
        return; /* time out of order, or far apart: no delayed ACK (and no overflow below) */
    gint64 held = k->ts_ns - d->last_data_ts - rtt;
    if (peer->last_frame != k->frame || peer->last_data_ts >= k->ts_ns || held < DELACK_MIN_NS || held > DELACK_MAX_NS)
        return;
    if (seg->ts_ns < k->ts_ns || seg->ts_ns - k->ts_ns > tcpx_leg_rtt(s, sender) + RELEASE_NS)
        return;
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_NAGLE, TCPX_C_NAGLE_DELAYED_ACK);
    tcpx_set_range(f, seg);
    f->ref_frame = k->frame; /* the delayed ACK that released it */
    f->ref_age_ns = seg->ts_ns - k->ts_ns;
    f->orig_frame = d->recent->last_data_frame; /* the small segment it waited behind */
    f->orig_age_ns = seg->ts_ns - d->last_data_ts;
    f->rtt_ns = rtt;
    f->idle_ns = held; /* the time lost */
    f->bytes = seg->len;
    f->bytes2 = d->recent->last_data_len;
}
