/* tcpx_retx.c: retransmissions (plain, fast, spurious) and out-of-order segments:
 * which transmission they repeat, and why they were sent again.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_steps.h"

static void
note_original(tcpx_finding_t *f, const tcpx_sent_t *orig, const tcpx_segment_t *seg)
{
    if (orig) {
        f->orig_frame = orig->frame;
        f->orig_age_ns = seg->ts_ns - orig->ts_ns;
    }
}

/* What the sender knew when it resent: the evidence the cause is chosen from. */
typedef struct {
    tcpx_kind_t kind;
    const tcpx_sent_t *orig;       /* the first transmission, if remembered */
    const tcpx_ack_event_t *acked; /* the peer's ACK that already covered these bytes */
    gint64 rtt;
    gint64 since_progress; /* since anything new was acknowledged, or since the original */
    gint64 since_orig;
    gint64 since_prev_attempt; /* since the previous resend of the same bytes */
    gint64 prev_gap;           /* the wait before the previous resend (0: not a resend, or unknown) */
    guint32 prev_attempt_frame;
    gboolean peer_quiet;         /* nothing from the peer since the previous resend */
    gboolean in_loss_episode;    /* shortly after another resend: the same loss episode */
    gboolean tail;               /* the last segment the sender had sent */
    gint64 since_send;           /* since the sender's previous frame */
    gboolean full_size_vanish;   /* path-MTU black hole: its largest segments never delivered, smaller ones SACKed */
    const tcpx_sacked_t *sacked; /* the receiver had SACKed all of it, long enough before (tcpx_scoreboard.c) */
    guint32 beyond_frame;        /* its first copy went past the receiver's window, in this frame */
    gint64 since_prev_resend;    /* since the sender's previous resend, when this one starts where that one ended */
    tcpx_cause_t prev_resend_cause;
} retx_evidence_t;

/* Packets up to 576 bytes cross every IPv4 path: a black hole swallows larger ones only. */
#define BLACKHOLE_MIN_LEN 537

static tcpx_kind_t
retransmission_kind(const tcpx_segment_t *seg)
{
    if (seg->ws & TCPX_WS_SPURIOUS)
        return TCPX_K_SPURIOUS_RETRANSMISSION;
    if (seg->ws & TCPX_WS_FAST_RETRANSMISSION)
        return TCPX_K_FAST_RETRANSMISSION;
    return TCPX_K_RETRANSMISSION;
}

/* Attempts at the same bytes: this is the n-th resend of sequence number seq. */
static void
count_attempt(tcpx_side_t *d, const tcpx_side_t *peer, const tcpx_segment_t *seg, retx_evidence_t *ev)
{
    if (d->retx_attempts && d->retx_seq == seg->seq)
        d->retx_attempts++;
    else
        d->retx_attempts = 1;
    ev->since_prev_attempt = d->retx_attempts > 1 ? seg->ts_ns - d->retx_prev_ts : 0;
    ev->prev_attempt_frame = d->retx_attempts > 1 ? d->retx_prev_frame : 0;
    /* the first wait runs from the original, whose timer the ACKs since may have restarted: not compared */
    ev->prev_gap = d->retx_attempts > 2 ? d->retx_gap : 0;
    ev->peer_quiet = d->retx_attempts > 1 && (!peer->last_frame || peer->last_ts <= d->retx_prev_ts);
    d->retx_gap = d->retx_attempts > 1 ? ev->since_prev_attempt : ev->since_orig;
    d->retx_seq = seg->seq;
    d->retx_prev_frame = seg->frame;
    d->retx_prev_ts = seg->ts_ns;
}

static void
gather_evidence(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, retx_evidence_t *ev)
{
    tcpx_side_t *d = &s->side[sender];
    const tcpx_side_t *peer = &s->side[!sender];
    const tcpx_ack_event_t *last_ack = tcpx_last_ack(peer);

    ev->kind = retransmission_kind(seg);
    ev->orig = tcpx_find_sent(d, seg->seq);
    ev->rtt = tcpx_stream_rtt(s, seg);
    ev->acked = tcpx_find_ack_covering(peer, seg->seq + (seg->len ? seg->len : 1));
    /* How long nothing new had been acknowledged: since the peer's last ACK advance or the original, whichever is later. */
    gint64 last_progress = last_ack ? last_ack->ts_ns : 0;
    if (ev->orig && ev->orig->ts_ns > last_progress)
        last_progress = ev->orig->ts_ns;
    ev->since_progress = last_progress ? seg->ts_ns - last_progress : 0;
    ev->since_orig = ev->orig ? seg->ts_ns - ev->orig->ts_ns : 0;
    /* Resending exactly what the peer asks for, shortly after another resend: the same loss episode. */
    ev->in_loss_episode = d->recent->last_retx_ts && (double)(seg->ts_ns - d->recent->last_retx_ts) <
                                                         MAX((double)TCPX_MIN_RTO_NS, 2.0 * (double)ev->rtt);
    ev->tail = tcpx_seq_ge(seg->seq + seg->len, d->next_seq);
    ev->since_send = d->last_frame ? seg->ts_ns - d->last_ts : 0;
    count_attempt(d, peer, seg, ev);
    /* a second resend of a segment as large as any it sent, none of that size ever acknowledged, a smaller one SACKed */
    ev->full_size_vanish = seg->len >= BLACKHOLE_MIN_LEN && seg->len >= d->recent->largest_len &&
                           d->recent->largest_delivered < seg->len && d->recent->small_sacked_frame &&
                           d->retx_attempts >= 2;
    guint32 prev = (d->recent->retx_next - 1) % TCPX_RETX_RECENT;
    if (d->recent->retx_next && d->recent->retx_end[prev] == seg->seq) {
        ev->since_prev_resend = seg->ts_ns - d->recent->retx_ts[prev];
        ev->prev_resend_cause = (tcpx_cause_t)d->recent->last_retx_cause;
    }
    ev->sacked = tcpx_sacked_known(s, sender, seg);
    ev->beyond_frame = seg->len && !tcpx_sacked_any(peer, seg->seq, seg->seq + seg->len)
                           ? tcpx_beyond_frame_of(d, seg->seq, seg->seq + seg->len)
                           : 0;
}

/* The least wait of a tail-loss probe: 2 jiffies at 1000 Hz. */
#define TLP_MIN_NS (2 * NS_PER_MS)

/* A first resend this late, and this many round trips late, waited on a timer far too long:
 * Linux resends after about RTT + 200 ms, Windows after 300 ms at least. */
#define TIMER_LONG_MIN_NS (2 * NS_PER_S)
#define TIMER_LONG_RTTS 20

/* Slack for queues at the sender and jitter: an ACK this much older than the sender's leg should
 * have reached it before it resent. */
#define LEG_SLACK_MIN_NS (5 * NS_PER_MS)

/* Data already acknowledged, sent again: was the ACK still on its way to the sender, or lost? Its
 * age at the resend against the sender's leg decides; without the handshake, nothing does. */
static tcpx_cause_t
spurious_cause(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, retx_evidence_t *ev)
{
    gint64 leg = tcpx_leg_rtt(s, sender);
    if (!ev->acked || !leg || !s->syn_frame)
        return TCPX_C_SPURIOUS_UNDETERMINED;
    ev->rtt = leg; /* the round trip the text cites */
    return seg->ts_ns - ev->acked->ts_ns < leg + MAX(leg / 2, LEG_SLACK_MIN_NS) ? TCPX_C_SPURIOUS_ACK_IN_FLIGHT
                                                                                : TCPX_C_SPURIOUS_ACK_LOST;
}

static tcpx_cause_t
retransmission_cause(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, retx_evidence_t *ev)
{
    const tcpx_side_t *peer = &s->side[!sender];
    guint16 synack = seg->flags & (TCPX_TH_SYN | TCPX_TH_ACK);

    if (synack == TCPX_TH_SYN)
        return peer->rst_frame && !peer->syn_seen ? TCPX_C_SYN_RETRY_AFTER_RST : TCPX_C_SYN_UNANSWERED;
    if (synack == (TCPX_TH_SYN | TCPX_TH_ACK))
        return TCPX_C_SYNACK_UNANSWERED;
    /* the receiver said it holds all of it, and the sender had heard so: the sender ignores SACK (whether
     * a cumulative ACK of it was on its way too or not) */
    if (ev->sacked)
        return TCPX_C_RETX_SACKED;
    if (ev->kind == TCPX_K_SPURIOUS_RETRANSMISSION)
        return spurious_cause(s, sender, seg, ev);
    /* its first copy went past the window: the receiver dropped it (nothing acknowledged or SACKed it since) */
    if (ev->beyond_frame && ev->orig && ev->orig->frame == ev->beyond_frame)
        return TCPX_C_RETX_BEYOND_WINDOW;
    if (ev->kind == TCPX_K_FAST_RETRANSMISSION)
        return TCPX_C_FAST_RETX_DUPACKS;
    /* the same bytes again a timer's wait after the previous resend, nothing heard since: a timeout (any dup ACKs
     * before were answered by that resend) */
    gint64 rto_floor = MAX(TCPX_MIN_RTO_NS, ev->rtt);
    gboolean timer_again = ev->prev_attempt_frame && ev->peer_quiet && ev->since_prev_attempt >= rto_floor;
    if (timer_again && ev->full_size_vanish)
        return TCPX_C_RETX_PMTU_BLACKHOLE;
    /* exponential backoff: each wait about twice the one before (1.5x at least; or past 100 s, the cap), nothing back */
    if (ev->prev_gap && ev->peer_quiet && ev->since_prev_attempt >= TCPX_MIN_RTO_NS &&
        ((double)ev->since_prev_attempt * 2 >= (double)ev->prev_gap * 3 || ev->since_prev_attempt >= 100 * NS_PER_S))
        return TCPX_C_RETX_BACKOFF;
    if (timer_again)
        return TCPX_C_RETX_TIMEOUT;
    /* a first resend far later than any timer the path needs (no dup ACK waits that long either) */
    if (!ev->prev_attempt_frame && ev->orig && ev->rtt && ev->since_orig >= TIMER_LONG_MIN_NS &&
        (double)ev->since_orig >= (double)TIMER_LONG_RTTS * (double)ev->rtt &&
        (double)ev->since_progress >= (double)TIMER_LONG_RTTS * (double)ev->rtt)
        return TCPX_C_RETX_TIMER_LONG;
    /* the receiver's dup ACKs, or SACK blocks above a hole on its latest ACK, prompt a resend at once, not a
     * timer's wait after the last of them */
    gboolean prompted = (peer->recent->dupacks_len > 0 || peer->sack_hole) && peer->last_frame &&
                        seg->ts_ns - peer->last_ts < rto_floor;
    if (prompted && peer->ack_known && peer->high_ack == seg->seq)
        return TCPX_C_RETX_AFTER_DUPACKS;
    if (peer->ack_known &&
        ((prompted && tcpx_seq_gt(seg->seq, peer->high_ack)) || (seg->seq == peer->high_ack && ev->in_loss_episode)))
        return TCPX_C_RETX_IN_RECOVERY;
    /* a timeout: nothing acknowledged for at least the RTO's floor (200 ms, and a round trip), since the original too */
    if (ev->since_progress >= rto_floor && (!ev->orig || ev->since_orig >= rto_floor))
        return TCPX_C_RETX_TIMEOUT;
    /* a tail-loss probe: the last segment sent, resent about two round trips after that send (Linux: 2 SRTT
     * and 2 jiffies, so 2 to 8 ms at least by its clock rate; older kernels 10 ms) and after the latest ACK of
     * new data, which restarts the probe's timer */
    if (ev->tail && ev->since_send >= MAX(TLP_MIN_NS, ev->rtt) && ev->since_progress >= MAX(TLP_MIN_NS, ev->rtt))
        return TCPX_C_RETX_EARLY;
    /* the next segment after a resend the receiver prompted, within a timer's floor: the sender goes on resending
     * what is unacknowledged, at once or at the next partial ACK (Linux counts it a fast retransmission) */
    if (ev->since_prev_resend && ev->since_prev_resend < rto_floor && ev->since_progress < rto_floor &&
        (ev->prev_resend_cause == TCPX_C_FAST_RETX_DUPACKS || ev->prev_resend_cause == TCPX_C_RETX_AFTER_DUPACKS ||
         ev->prev_resend_cause == TCPX_C_RETX_IN_RECOVERY))
        return TCPX_C_RETX_IN_RECOVERY;
    return TCPX_C_RETX_UNDETERMINED;
}

G_STATIC_ASSERT(TCPX_C_COUNT <= 256); /* last_retx_cause is a guint8 */

/* A resend, kept for the receiver's D-SACK that may prove it unneeded (tcpx_note_dsack()). */
static void
note_resend(tcpx_side_t *d, const tcpx_segment_t *seg, tcpx_cause_t cause)
{
    guint32 k = d->recent->retx_next++ % TCPX_RETX_RECENT;
    d->recent->last_retx_cause = (guint8)cause;
    d->recent->last_retx_ts = seg->ts_ns;
    d->recent->retx_lo[k] = seg->seq;
    d->recent->retx_end[k] = seg->seq + (seg->len ? seg->len : 1);
    d->recent->retx_frame[k] = seg->frame;
    d->recent->retx_ts[k] = seg->ts_ns;
}

void
tcpx_explain_retransmission(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    const tcpx_side_t *peer = &s->side[!sender];
    retx_evidence_t ev = { 0 };

    gboolean syn = (seg->flags & TCPX_TH_SYN) != 0;
    if (!syn)
        d->retransmissions++; /* data retransmissions: a SYN sent again is the handshake's */
    gather_evidence(s, sender, seg, &ev);
    /* data that did not fit the path MTU a router's ICMP announced, resent in a segment that fits */
    gboolean pmtu = !syn && ev.kind != TCPX_K_SPURIOUS_RETRANSMISSION && tcpx_pmtu_resend(s, sender, seg, ev.orig, r);
    tcpx_cause_t cause = pmtu ? TCPX_C_RETX_PMTU_ICMP : retransmission_cause(s, sender, seg, &ev);
    note_resend(d, seg, cause);

    tcpx_finding_t *f = tcpx_finding(r, ev.kind, cause);
    tcpx_set_range(f, seg);
    note_original(f, ev.orig, seg);
    if (ev.acked) {
        f->ack_frame = ev.acked->frame;
        f->ack_age_ns = seg->ts_ns - ev.acked->ts_ns;
    }
    f->rtt_ns = ev.rtt;
    f->idle_ns = ev.since_progress;
    f->ref_frame = ev.prev_attempt_frame; /* the previous attempt, since_prev_attempt ago */
    f->ref_age_ns = ev.since_prev_attempt;
    f->attempt = d->retx_attempts;
    if (cause == TCPX_C_RETX_BACKOFF)
        f->quiet_frame = peer->last_frame;
    if (cause == TCPX_C_RETX_PMTU_BLACKHOLE) { /* the full size, and the smaller SACK that got through */
        f->bytes = seg->len;
        f->bytes2 = d->recent->small_sacked_len;
        f->quiet_frame = d->recent->small_sacked_frame;
    }
    if (pmtu)
        tcpx_pmtu_fill(d, seg, ev.orig, f);
    if (cause == TCPX_C_RETX_SACKED) { /* the ACK that completed the SACK report, and the sender's leg */
        f->ref_frame = ev.sacked->frame;
        f->ref_age_ns = seg->ts_ns - ev.sacked->ts_ns;
        f->bytes = seg->len;
        f->rtt_ns = tcpx_leg_rtt(s, sender);
    }
    if (cause == TCPX_C_RETX_BEYOND_WINDOW) { /* the first copy, past the window */
        f->ref_frame = ev.beyond_frame;
        f->ref_age_ns = ev.since_orig;
    }
    if (cause == TCPX_C_SYN_RETRY_AFTER_RST) { /* the reset that answered the previous SYN */
        f->ref_frame = peer->last_frame;
        f->ref_age_ns = seg->ts_ns - peer->last_ts;
    }
    if (peer->ack_known)
        f->waits_for = peer->high_ack;
    f->n_listed = (guint8)MIN(peer->recent->dupacks_len, TCPX_MAX_LISTED);
    for (guint32 i = 0; i < f->n_listed; i++)
        f->listed[i] = peer->recent->dupacks[peer->recent->dupacks_len - f->n_listed + i];
    f->dupacks = peer->recent->dupacks_len;
    f->count = syn ? 0 : d->retransmissions;
    f->total = syn ? 0 : d->data_segments + 1; /* this one included */
}

typedef enum {
    SENT_ORDER_UNKNOWN,
    SENT_BEFORE,
    SENT_AFTER
} sent_order_t;

/* Did seg leave its sender before or after the other segment?  A TCP timestamp (monotonic at the
 * sender) tells, unless both carry the same; else the IP ID, from a sender that numbers its packets
 * in order.  A resend always leaves after the data above its gap. */
static sent_order_t
sent_order(const tcpx_side_t *d, const tcpx_segment_t *seg, const tcpx_sent_t *other, guint8 *by)
{
    if (seg->has_ts && other->tsval && seg->tsval != other->tsval) {
        *by = TCPX_ORDER_TSVAL;
        return tcpx_seq_lt(seg->tsval, other->tsval) ? SENT_BEFORE : SENT_AFTER;
    }
    if (!tcpx_ip_ids_count_up(d) || !seg->has_ip_id || !other->has_ip_id || !seg->ip_id || !other->ip_id)
        return SENT_ORDER_UNKNOWN;
    guint16 ahead = (guint16)(seg->ip_id - other->ip_id), behind = (guint16)(other->ip_id - seg->ip_id);
    *by = TCPX_ORDER_IP_ID;
    if (ahead > 0 && ahead <= TCPX_IP_ID_STEP_MAX)
        return SENT_AFTER;
    if (behind > 0 && behind <= TCPX_IP_ID_STEP_MAX)
        return SENT_BEFORE;
    *by = TCPX_ORDER_TIMING;
    return SENT_ORDER_UNKNOWN;
}

/* Bytes the capture never saw, arriving after data further ahead (*above: the lowest seen above them,
 * where their gap showed): how they came.  TCP sends new data in order, so bytes that left before that
 * data are the original, reordered, however late, and bytes that left after it a resend.  Without
 * that evidence (*by), the delay decides (tcpx_gap_fill), but no reordering is claimed while the
 * sender is resending: its timers send at any moment, a resend may follow new data at once. */
static tcpx_cause_t
unseen_fill_cause(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, const tcpx_sent_t **above, guint8 *by)
{
    const tcpx_side_t *d = &s->side[sender];
    *by = TCPX_ORDER_TIMING;
    *above = seg->len ? tcpx_find_sent_above(d, seg->seq + seg->len) : NULL;
    if (!*above)
        return TCPX_C_OOO_UNDETERMINED;
    sent_order_t order = sent_order(d, seg, *above, by);
    if (order == SENT_BEFORE)
        return (seg->ws & TCPX_WS_ANY_RETRANSMISSION) ? TCPX_C_REORDERED_ORIGINAL : TCPX_C_REORDERING;
    if (order == SENT_AFTER)
        return TCPX_C_RESEND_AFTER_GAP;
    gint64 rtt = tcpx_stream_rtt(s, seg);
    switch (tcpx_gap_fill(seg->ts_ns - (*above)->ts_ns, rtt)) {
    case TCPX_FILL_RESENT: return TCPX_C_RESEND_AFTER_GAP;
    case TCPX_FILL_REORDERED: {
        gboolean resending = d->recent->last_retx_ts &&
                             seg->ts_ns - d->recent->last_retx_ts < MAX(TCPX_MIN_RTO_NS, 2 * rtt);
        return resending ? TCPX_C_OOO_UNDETERMINED : TCPX_C_REORDERING;
    }
    default: return TCPX_C_OOO_UNDETERMINED;
    }
}

/* Wireshark's flag of a retransmission is wrong when the bytes, never seen before, left their sender
 * before the data above them: the original, reordered on the path. */
gboolean
tcpx_reordered_original(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg)
{
    const tcpx_side_t *d = &s->side[sender];
    const tcpx_sent_t *above;
    guint8 by;
    if (!seg->len || (seg->ws & TCPX_WS_SPURIOUS) || !d->seq_known || !tcpx_seq_lt(seg->seq, d->next_seq) ||
        tcpx_find_sent(d, seg->seq))
        return FALSE;
    return unseen_fill_cause(s, sender, seg, &above, &by) == TCPX_C_REORDERED_ORIGINAL;
}

void
tcpx_explain_out_of_order(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    const tcpx_sent_t *orig = tcpx_find_sent(d, seg->seq), *above = NULL;
    tcpx_cause_t cause;
    guint8 by = TCPX_ORDER_TIMING;

    if (orig)
        cause = tcpx_pmtu_resend(s, sender, seg, orig, r) ? TCPX_C_RETX_PMTU_ICMP : TCPX_C_QUICK_RETRANSMISSION;
    else
        cause = unseen_fill_cause(s, sender, seg, &above, &by);

    /* a resend Wireshark calls out-of-order: a D-SACK may prove it unneeded like any other */
    if (cause == TCPX_C_QUICK_RETRANSMISSION || cause == TCPX_C_RESEND_AFTER_GAP || cause == TCPX_C_RETX_PMTU_ICMP)
        note_resend(d, seg, cause);
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_OUT_OF_ORDER, cause);
    tcpx_set_range(f, seg);
    note_original(f, orig, seg);
    /* bytes never seen are timed from the data right above them, where their gap showed */
    f->ref_frame = above ? above->frame : d->next_seq_frame;
    f->ref_age_ns = seg->ts_ns - (above ? above->ts_ns : d->next_seq_ts);
    f->rtt_ns = tcpx_stream_rtt(s, seg);
    f->bytes = tcpx_seq_diff(seg->seq, d->next_seq);
    f->order_by = by;
    /* the round trip is cited only where the delay is the evidence */
    if (by != TCPX_ORDER_TIMING &&
        !(cause != TCPX_C_RESEND_AFTER_GAP && tcpx_gap_fill(f->ref_age_ns, f->rtt_ns) == TCPX_FILL_REORDERED))
        f->rtt_ns = 0;
    if (cause == TCPX_C_RETX_PMTU_ICMP) /* the ICMP, not the higher data, is its reference */
        tcpx_pmtu_fill(d, seg, orig, f);
}
