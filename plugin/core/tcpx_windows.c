/* tcpx_windows.c: the receive window (zero, probed, full, updated) and keep-alives.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_steps.h"

/* Linux probes a zero window with a segment one byte below what the peer acknowledged
 * and no data (tcp_xmit_probe_skb): Wireshark calls it a keep-alive.  While the peer's
 * window is zero, such a segment is the persist timer's probe, not an idle check. */
gboolean
tcpx_is_window_probe(const tcpx_side_t *d, const tcpx_side_t *peer, const tcpx_segment_t *seg)
{
    (void)d;
    return (seg->ws & TCPX_WS_KEEP_ALIVE) && peer->win_known && peer->win == 0 && peer->zero_since_frame != 0;
}

/* ...and the answer to it: the window still zero. */
gboolean
tcpx_is_window_probe_ack(const tcpx_side_t *d, const tcpx_segment_t *seg)
{
    return (seg->ws & TCPX_WS_KEEP_ALIVE_ACK) && seg->win == 0 && d->zero_since_frame != 0;
}

static void
explain_probe(const tcpx_side_t *peer, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_ZERO_WINDOW_PROBE, TCPX_C_PERSIST_TIMER);
    tcpx_set_range(f, seg);
    f->bytes = seg->len;
    f->ref_frame = peer->zero_since_frame;
    f->ref_age_ns = peer->zero_since_frame ? seg->ts_ns - peer->zero_since_ts : 0;
}

static void
explain_probe_ack(const tcpx_side_t *d, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_ZERO_WINDOW_PROBE_ACK, TCPX_C_ZERO_WINDOW_PERSISTS);
    f->ref_frame = d->zero_since_frame;
    f->ref_age_ns = d->zero_since_frame ? seg->ts_ns - d->zero_since_ts : 0;
}

/* Zero window, and the probes and answers while it lasts. */
static void
explain_zero_window(tcpx_side_t *d, const tcpx_side_t *peer, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    if (seg->ws & TCPX_WS_ZERO_WINDOW) {
        gboolean already = d->zero_since_frame != 0;
        tcpx_finding_t *f = tcpx_finding(r, TCPX_K_ZERO_WINDOW,
                                         already ? TCPX_C_ZERO_WINDOW_PERSISTS : TCPX_C_RECEIVER_NOT_READING);
        f->ref_frame = already ? d->zero_since_frame : 0;
        f->ref_age_ns = already ? seg->ts_ns - d->zero_since_ts : 0;
        f->bytes2 = d->win_known ? d->win : 0;
        f->count = d->zero_windows + 1;
    }
    if (seg->ws & TCPX_WS_ZERO_WINDOW_PROBE)
        explain_probe(peer, seg, r);
    if (seg->ws & TCPX_WS_ZERO_WINDOW_PROBE_ACK)
        explain_probe_ack(d, seg, r);
}

/* Wireshark takes the receiver's window from its latest packet in the file, a late
 * capture copy of an older ACK included; tcpx's state has the packets as sent (copies
 * left out): when by those the window still has room, the copies made it look full. */
static gboolean
window_from_copies(const tcpx_stream_t *s, const tcpx_side_t *peer, const tcpx_segment_t *seg)
{
    if (s->side[0].copies_seen + s->side[1].copies_seen == 0 || !peer->win_known || !peer->ack_known)
        return FALSE;
    guint32 end = seg->seq + seg->len;
    return tcpx_seq_lt(end, peer->high_ack) || tcpx_seq_diff(peer->high_ack, end) < peer->win;
}

/* A queue on the path, between the capture point and the receiver: the RTT of the data it
 * acknowledges, the least of the latest few (a delayed ACK inflates one, a queue all), is
 * QUEUE_FACTOR times the least seen (handshake included) and QUEUE_MIN_NS more. */
#define QUEUE_FACTOR 4
#define QUEUE_MIN_NS (50 * NS_PER_MS)
static gboolean
rtt_grew(const tcpx_stream_t *s, int receiver, gint64 *base, gint64 *now)
{
    const tcpx_side_t *rv = &s->side[receiver];
    if (rv->recent->ack_rtt_n < G_N_ELEMENTS(rv->recent->ack_rtt_recent))
        return FALSE;
    gint64 recent = rv->recent->ack_rtt_recent[0];
    for (guint i = 1; i < G_N_ELEMENTS(rv->recent->ack_rtt_recent); i++)
        recent = MIN(recent, rv->recent->ack_rtt_recent[i]);
    gint64 least = rv->ack_rtt_min_ns, leg = tcpx_leg_rtt(s, receiver);
    if (leg > 0 && (!least || leg < least))
        least = leg;
    if (!least || recent / QUEUE_FACTOR < least || recent - least < QUEUE_MIN_NS)
        return FALSE;
    *base = least;
    *now = recent;
    return TRUE;
}

/* Without window scaling a window can reach 65535 bytes; the missing scaling holds the sender back only
 * when the window is near that ceiling.  A window well under it is the receiver's own choice (its buffer,
 * or an application that reads slowly), which scaling would not have changed. */
#define NO_SCALING_NEAR_CAP (65535 - 65535 / 4)

/* Why the window is full, from the evidence against each reading. */
static tcpx_cause_t
window_full_cause(const tcpx_stream_t *s, const tcpx_side_t *d, const tcpx_side_t *peer, const tcpx_segment_t *seg,
                  gint64 *base, gint64 *now)
{
    /* scaling is off only when the handshake shows a side that did not offer it (both must) */
    gboolean no_scaling = d->syn_seen && peer->syn_seen && !d->options_cut && !peer->options_cut &&
                          (d->wscale < 0 || peer->wscale < 0);
    if (window_from_copies(s, peer, seg))
        return TCPX_C_WINDOW_STALE_COPY;
    if (peer->sack_hole || peer->recent->dupacks_len > 0) /* a loss pins the left edge */
        return TCPX_C_WINDOW_LOSS_HOLE;
    if (rtt_grew(s, d == &s->side[0] ? 1 : 0, base, now))
        return TCPX_C_WINDOW_QUEUE;
    if (peer->win_known && peer->win >= NO_SCALING_NEAR_CAP && no_scaling)
        return TCPX_C_WINDOW_NO_SCALING;
    if (peer->zero_windows > 0)
        return TCPX_C_WINDOW_RECEIVER_SLOW;
    return TCPX_C_WINDOW_LIMITED;
}

void
tcpx_explain_windows(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];

    explain_zero_window(d, peer, seg, r);
    if (seg->ws & TCPX_WS_WINDOW_FULL) {
        gint64 base = 0, now = 0;
        tcpx_finding_t *f = tcpx_finding(r, TCPX_K_WINDOW_FULL, window_full_cause(s, d, peer, seg, &base, &now));
        tcpx_set_range(f, seg);
        f->bytes = peer->win_known ? peer->win : 0;
        f->bytes2 = seg->bytes_in_flight;
        f->waits_for = peer->ack_known ? peer->high_ack : 0;
        f->rtt_ns = base;
        f->idle_ns = now;
    }
    if (seg->ws & TCPX_WS_WINDOW_UPDATE) {
        gboolean reopened = d->zero_since_frame != 0;
        tcpx_finding_t *f = tcpx_finding(r, TCPX_K_WINDOW_UPDATE,
                                         reopened ? TCPX_C_WINDOW_REOPENED : TCPX_C_WINDOW_GREW);
        f->bytes = seg->win;
        f->bytes2 = d->win_known ? d->win : 0;
        f->ref_frame = d->zero_since_frame;
        f->ref_age_ns = reopened ? seg->ts_ns - d->zero_since_ts : 0;
    }
}

void
tcpx_explain_keepalive(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];
    if (tcpx_is_window_probe(d, peer, seg)) {
        explain_probe(peer, seg, r);
        return;
    }
    if (tcpx_is_window_probe_ack(d, seg)) {
        explain_probe_ack(d, seg, r);
        return;
    }
    if (seg->ws & TCPX_WS_KEEP_ALIVE) {
        tcpx_finding_t *f = tcpx_finding(r, TCPX_K_KEEP_ALIVE, TCPX_C_KEEPALIVE_IDLE);
        f->lo = seg->seq;
        f->bytes = seg->len;
        f->count = d->keepalives + 1;
        /* idle: since anything but keep-alives moved in either direction */
        gint64 last = MAX(d->last_data_ts, peer->last_data_ts);
        f->idle_ns = last ? seg->ts_ns - last : 0;
        f->ref_frame = d->last_frame;
        f->ref_age_ns = d->last_frame ? seg->ts_ns - d->last_ts : 0;
    }
    if (seg->ws & TCPX_WS_KEEP_ALIVE_ACK) {
        tcpx_finding_t *f = tcpx_finding(r, TCPX_K_KEEP_ALIVE_ACK, TCPX_C_KEEPALIVE_ANSWERED);
        f->ref_frame = peer->last_frame;
        f->ref_age_ns = peer->last_frame ? seg->ts_ns - peer->last_ts : 0;
        f->count = peer->keepalives;
    }
}
