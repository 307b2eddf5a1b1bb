/* tcpx_scoreboard.c: what a receiver offered and reported holding, and the senders that ignore it.
 *
 * A receiver's right edge is its ACK plus its window: RFC 9293 lets no sender go past it.  Its SACK
 * blocks (RFC 2018) say which data above the ACK it holds: a sender that uses them resends only the
 * holes.  Two faults Linux's TCP never makes, but some stacks do: data sent past the edge (the
 * receiver drops it, it must come again) and data resent that the receiver had SACKed.
 *
 * What makes each claim certain:
 * - the edge: the window scale is known (both SYNs seen whole: Wireshark scales the window), the edge
 *   used is the highest ever offered (a receiver that shrinks its window does not make the sender
 *   wrong), and that edge is at least the sender's leg old (its ACK had time to reach the sender).
 *   One byte at a closed window is a zero-window probe, not a fault.
 * - the SACK: every byte of the resend lies in data the receiver's SACK blocks reported, the ACK that
 *   completed that report passed the capture point at least the sender's leg (plus slack) before the
 *   resend (it had reached the sender), and the receiver's latest ACK still reports it (no renege).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_steps.h"

/* Slack for queues and jitter on top of the sender's leg (as for the ACK of a spurious resend). */
#define SACK_SLACK_MIN_NS (5 * NS_PER_MS)

/* Wireshark scales a window only when it saw both SYNs' options. */
static gboolean
scale_known(const tcpx_stream_t *s)
{
    return s->side[0].syn_seen && s->side[1].syn_seen && !s->side[0].options_cut && !s->side[1].options_cut;
}

/* ---- the SACK scoreboard of a receiver ---------------------------------------- */

/* Pieces stay after the cumulative ACK passes them (a resend of them may come while that ACK is still
 * on its way to the sender) until the room is needed. */
static void
drop_acked(tcpx_side_t *d, guint32 ack)
{
    guint32 n = 0;
    for (guint32 i = 0; i < d->recent->n_sacked; i++) {
        tcpx_sacked_t p = d->recent->sacked[i];
        if (tcpx_seq_le(p.end, ack))
            continue;
        if (tcpx_seq_lt(p.lo, ack))
            p.lo = ack;
        d->recent->sacked[n++] = p;
    }
    d->recent->n_sacked = n;
}

/* The piece that holds byte seq, or NULL. */
static const tcpx_sacked_t *
piece_at(const tcpx_side_t *d, guint32 seq)
{
    for (guint32 i = 0; i < d->recent->n_sacked; i++) {
        if (tcpx_seq_ge(seq, d->recent->sacked[i].lo) && tcpx_seq_lt(seq, d->recent->sacked[i].end))
            return &d->recent->sacked[i];
    }
    return NULL;
}

/* The start of the first piece in (seq, end), or end. */
static guint32
next_piece(const tcpx_side_t *d, guint32 seq, guint32 end)
{
    guint32 next = end;
    for (guint32 i = 0; i < d->recent->n_sacked; i++) {
        if (tcpx_seq_gt(d->recent->sacked[i].lo, seq) && tcpx_seq_lt(d->recent->sacked[i].lo, next))
            next = d->recent->sacked[i].lo;
    }
    return next;
}

/* Extend a piece that ends where [lo, end) starts, else add one; the frame that extends a range is the one
 * that completed it (later: more conservative for the age test).  A full scoreboard keeps what it has. */
static void
add_range(tcpx_side_t *d, guint32 lo, guint32 end, const tcpx_segment_t *seg)
{
    for (guint32 i = 0; i < d->recent->n_sacked; i++) {
        if (d->recent->sacked[i].end == lo) {
            d->recent->sacked[i].end = end;
            d->recent->sacked[i].frame = seg->frame;
            d->recent->sacked[i].ts_ns = seg->ts_ns;
            return;
        }
    }
    if (d->recent->n_sacked == TCPX_SACKED_MAX)
        return;
    tcpx_sacked_t *p = &d->recent->sacked[d->recent->n_sacked++];
    p->lo = lo;
    p->end = end;
    p->frame = seg->frame;
    p->ts_ns = seg->ts_ns;
}

/* One SACK block: the parts of it not yet on the scoreboard join it. */
static void
add_block(tcpx_side_t *d, guint32 lo, guint32 end, const tcpx_segment_t *seg)
{
    guint32 cur = lo;
    for (guint guard = 0; tcpx_seq_lt(cur, end) && guard < 2 * TCPX_SACKED_MAX + 2; guard++) {
        const tcpx_sacked_t *p = piece_at(d, cur);
        if (p) {
            cur = p->end;
            continue;
        }
        guint32 next = next_piece(d, cur, end);
        add_range(d, cur, next, seg);
        cur = next;
    }
}

void
tcpx_note_sack_blocks(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg)
{
    tcpx_side_t *d = &s->side[sender];
    guint32 lo, end;
    if (!(seg->flags & TCPX_TH_ACK) || (seg->flags & TCPX_TH_SYN))
        return;
    if (d->recent->n_sacked > TCPX_SACKED_MAX / 2)
        drop_acked(d, seg->ack);
    guint first = tcpx_dsack_of(seg, &lo, &end) ? 1 : 0; /* a D-SACK reports data received twice */
    d->recent->last_n_sack = 0;
    for (guint i = first; i < seg->n_sack && i < G_N_ELEMENTS(seg->sack_le); i++) {
        if (!tcpx_seq_lt(seg->sack_le[i], seg->sack_re[i]) || tcpx_seq_le(seg->sack_le[i], seg->ack))
            continue;
        d->recent->last_sack_le[d->recent->last_n_sack] = seg->sack_le[i];
        d->recent->last_sack_re[d->recent->last_n_sack++] = seg->sack_re[i];
        add_block(d, seg->sack_le[i], seg->sack_re[i], seg);
    }
}

/* Does the receiver's latest ACK still report all of [seq, end)? */
static gboolean
still_reported(const tcpx_side_t *d, guint32 seq, guint32 end)
{
    for (guint32 i = 0; i < d->recent->last_n_sack; i++) {
        if (tcpx_seq_ge(seq, d->recent->last_sack_le[i]) && tcpx_seq_le(end, d->recent->last_sack_re[i]))
            return TRUE;
    }
    return FALSE;
}

const tcpx_sacked_t *
tcpx_sacked_known(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg)
{
    const tcpx_side_t *peer = &s->side[!sender];
    guint32 end = seg->seq + seg->len;
    gint64 leg = tcpx_leg_rtt(s, sender);
    if (!seg->len || !leg || !s->syn_frame || !peer->recent->n_sacked)
        return NULL;
    /* one piece holds it all: adjacent reports were joined into one piece when they arrived */
    const tcpx_sacked_t *p = piece_at(peer, seg->seq);
    /* held, unless the receiver reneged: acknowledged since, or still reported by its latest ACK */
    gboolean acked = peer->ack_known && tcpx_seq_le(end, peer->high_ack);
    if (!p || tcpx_seq_gt(end, p->end) || !(acked || still_reported(peer, seg->seq, end)))
        return NULL;
    return seg->ts_ns - p->ts_ns >= leg + MAX(leg / 2, SACK_SLACK_MIN_NS) ? p : NULL;
}

/* ---- the right edge ------------------------------------------------------------ */

void
tcpx_note_edge(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg)
{
    tcpx_side_t *d = &s->side[sender];
    if (!(seg->flags & TCPX_TH_ACK) || (seg->flags & (TCPX_TH_SYN | TCPX_TH_RST)) || !scale_known(s))
        return;
    guint32 edge = seg->ack + seg->win;
    if (d->recent->edge_known && !tcpx_seq_gt(edge, d->recent->edge))
        return; /* the highest edge stands: a shrunk window does not take back what it offered */
    d->recent->edge_known = TRUE;
    d->recent->edge = edge;
    d->recent->edge_ack = seg->ack;
    d->recent->edge_win = seg->win;
    d->recent->edge_frame = seg->frame;
    d->recent->edge_ts = seg->ts_ns;
}

gboolean
tcpx_sacked_any(const tcpx_side_t *d, guint32 seq, guint32 end)
{
    for (guint32 i = 0; i < d->recent->n_sacked; i++) {
        if (tcpx_seq_lt(seq, d->recent->sacked[i].end) && tcpx_seq_gt(end, d->recent->sacked[i].lo))
            return TRUE;
    }
    return FALSE;
}

guint32
tcpx_beyond_frame_of(const tcpx_side_t *d, guint32 seq, guint32 end)
{
    for (guint32 i = 0; i < TCPX_RETX_RECENT && i < d->recent->beyond_next; i++) {
        guint32 k = (d->recent->beyond_next - 1 - i) % TCPX_RETX_RECENT;
        if (tcpx_seq_lt(seq, d->recent->beyond_end[k]) && tcpx_seq_gt(end, d->recent->beyond_lo[k]))
            return d->recent->beyond_frame[k];
    }
    return 0;
}

void
tcpx_explain_beyond_window(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    const tcpx_side_t *peer = &s->side[!sender];
    guint32 end = seg->seq + seg->len;
    gint64 leg = tcpx_leg_rtt(s, sender);
    if (!seg->len || !peer->recent->edge_known || !leg || !tcpx_seq_gt(end, peer->recent->edge) ||
        (seg->ws & (TCPX_WS_ZERO_WINDOW_PROBE | TCPX_WS_KEEP_ALIVE)))
        return;
    if (seg->len == 1 && peer->win == 0) /* a zero-window probe: one byte at a closed window */
        return;
    if (seg->ts_ns - peer->recent->edge_ts < leg) /* the edge may not have reached the sender: say nothing */
        return;
    guint32 from = tcpx_seq_gt(seg->seq, peer->recent->edge) ? seg->seq : peer->recent->edge;
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_BEYOND_WINDOW, TCPX_C_BEYOND_WINDOW);
    tcpx_set_range(f, seg);
    f->bytes = tcpx_seq_diff(from, end);
    f->bytes2 = peer->recent->edge_win;
    f->waits_for = peer->recent->edge_ack;
    f->ref_frame = peer->recent->edge_frame;
    f->ref_age_ns = seg->ts_ns - peer->recent->edge_ts;
    f->mss = tcpx_mss_toward(s, sender);
    f->segments = tcpx_segments_for(f->bytes, f->mss);
    f->count = d->recent->beyond_next + 1; /* the n-th such segment of the sender */
    guint32 k = d->recent->beyond_next++ % TCPX_RETX_RECENT;
    d->recent->beyond_lo[k] = seg->seq;
    d->recent->beyond_end[k] = end;
    d->recent->beyond_frame[k] = seg->frame;
}
