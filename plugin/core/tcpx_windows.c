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

void
tcpx_explain_windows(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];

    explain_zero_window(d, peer, seg, r);
    if (seg->ws & TCPX_WS_WINDOW_FULL) {
        tcpx_cause_t cause;
        /* scaling is off only when the handshake shows a side that did not offer it (both must) */
        gboolean no_scaling = d->syn_seen && peer->syn_seen && !d->options_cut && !peer->options_cut &&
                              (d->wscale < 0 || peer->wscale < 0);
        if (window_from_copies(s, peer, seg))
            cause = TCPX_C_WINDOW_STALE_COPY;
        else if (peer->win_known && peer->win <= 65535 && no_scaling)
            cause = TCPX_C_WINDOW_NO_SCALING;
        else if (peer->zero_windows > 0)
            cause = TCPX_C_WINDOW_RECEIVER_SLOW;
        else
            cause = TCPX_C_WINDOW_LIMITED;
        tcpx_finding_t *f = tcpx_finding(r, TCPX_K_WINDOW_FULL, cause);
        tcpx_set_range(f, seg);
        f->bytes = peer->win_known ? peer->win : 0;
        f->bytes2 = seg->bytes_in_flight;
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
