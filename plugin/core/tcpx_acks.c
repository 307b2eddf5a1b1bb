/* tcpx_acks.c: gaps in what the capture saw, and ACKs that say something about
 * them: ACKs of unseen data, duplicate ACKs, partial and ambiguous ACKs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_steps.h"

void
tcpx_explain_gap(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    guint32 missing = tcpx_seq_diff(d->next_seq, seg->seq);
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_LOST_SEGMENT,
                                     tcpx_early_in_unseen_start(s) ? TCPX_C_CAPTURE_STARTED_LATE
                                                                   : TCPX_C_LOSS_BEFORE_CAPTURE);
    f->lo = d->next_seq;
    f->hi = seg->seq - 1;
    f->bytes = missing;
    f->mss = tcpx_mss_toward(s, sender);
    f->segments = tcpx_segments_for(missing, f->mss);
    f->ref_frame = d->next_seq_frame;
    f->ref_age_ns = seg->ts_ns - d->next_seq_ts;
    f->count = d->gaps + 1;
    d->hole_lo = f->lo;
    d->hole_hi = f->hi;
    if (missing)
        d->gaps++;
    /* open for hindsight: a gap at the capture's start is no question */
    d->hole_frame = missing && f->cause == TCPX_C_LOSS_BEFORE_CAPTURE ? seg->frame : 0;
    d->hole_ts = seg->ts_ns;
}

void
tcpx_explain_acked_unseen(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *peer = &s->side[!sender];
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_ACKED_UNSEEN,
                                     tcpx_early_in_unseen_start(s) || !peer->seq_known ? TCPX_C_CAPTURE_STARTED_LATE
                                                                                       : TCPX_C_CAPTURE_MISSED);
    if (peer->gaps && tcpx_seq_gt(seg->ack, peer->hole_lo) && tcpx_seq_le(peer->hole_lo, peer->hole_hi)) {
        /* The ACK reaches into the latest hole the capture has for the peer. */
        f->lo = peer->hole_lo;
        f->hi = tcpx_seq_lt(seg->ack - 1, peer->hole_hi) ? seg->ack - 1 : peer->hole_hi;
        f->bytes = f->hi - f->lo + 1;
    } else if (peer->seq_known && tcpx_seq_gt(seg->ack, peer->next_seq)) {
        f->lo = peer->next_seq;
        f->hi = seg->ack - 1;
        f->bytes = seg->ack - peer->next_seq;
    } else {
        f->lo = 0;
        f->hi = seg->ack - 1;
    }
    f->mss = tcpx_mss_toward(s, !sender);
    f->segments = tcpx_segments_for(f->bytes, f->mss);
    f->ref_frame = peer->next_seq_frame;
    f->ref_age_ns = peer->next_seq_frame ? seg->ts_ns - peer->next_seq_ts : 0;
}

/* Wireshark 4.4+: the ACK ends inside a segment the peer sent.  A segment larger
 * than the MSS was seen before segmentation offload cut it: the capture's doing. */
void
tcpx_explain_partial_ack(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    const tcpx_side_t *peer = &s->side[!sender];
    const tcpx_sent_t *e = tcpx_find_sent(peer, seg->ack);
    guint32 mss = tcpx_mss_toward(s, !sender);
    gboolean bigger_than_mss = e && mss && e->end - e->seq > mss;
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_PARTIAL_ACK,
                                     bigger_than_mss ? TCPX_C_PARTIAL_ACK_OFFLOAD : TCPX_C_PARTIAL_ACK_UNDETERMINED);
    f->waits_for = seg->ack;
    f->mss = mss;
    if (e && tcpx_seq_gt(seg->ack, e->seq) && tcpx_seq_lt(seg->ack, e->end)) {
        f->lo = e->seq;
        f->hi = e->end - 1;
        f->bytes = seg->ack - e->seq;
        f->bytes2 = e->end - seg->ack;
        f->ref_frame = e->frame;
        f->ref_age_ns = seg->ts_ns - e->ts_ns;
    }
}

/* Wireshark 4.6+: the ACK covers data sent more than once (Karn: no RTT sample). */
void
tcpx_explain_ambiguous_ack(const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_AMBIGUOUS_ACK, TCPX_C_AMBIGUOUS_ACK_KARN);
    f->waits_for = seg->ack;
    f->ref_frame = seg->acks_frame;
    f->ref_age_ns = seg->acks_frame ? seg->ack_rtt_ns : 0;
}

/* RFC 2883: the first SACK block is a D-SACK (bytes received twice) when it lies below
 * the ACK number or inside the second block. */
gboolean
tcpx_dsack_of(const tcpx_segment_t *seg, guint32 *lo, guint32 *end)
{
    if (seg->n_sack == 0 || !(seg->flags & TCPX_TH_ACK))
        return FALSE;
    gboolean below = tcpx_seq_le(seg->sack_re[0], seg->ack);
    gboolean inside = seg->n_sack > 1 && tcpx_seq_ge(seg->sack_le[0], seg->sack_le[1]) &&
                      tcpx_seq_le(seg->sack_re[0], seg->sack_re[1]);
    if (!below && !inside)
        return FALSE;
    *lo = seg->sack_le[0];
    *end = seg->sack_re[0];
    return tcpx_seq_lt(*lo, *end);
}

/* What the SACK blocks of `sender` say the peer's packets delivered: a block at least as
 * long as the peer's largest segment may hold one (full-size packets get through); a
 * shorter block, only smaller packets (the evidence of a path-MTU black hole). */
static void
note_sacked(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];
    guint32 lo, end;
    guint first = tcpx_dsack_of(seg, &lo, &end) ? 1 : 0; /* a D-SACK reports no new delivery */
    for (guint i = first; i < seg->n_sack && i < G_N_ELEMENTS(seg->sack_le); i++) {
        guint32 len = tcpx_seq_diff(seg->sack_le[i], seg->sack_re[i]);
        if (tcpx_seq_gt(seg->sack_re[i], seg->ack))
            d->sack_hole = TRUE;
        if (len >= peer->recent->largest_len) {
            peer->recent->largest_delivered = peer->recent->largest_len;
        } else if (len > 0) {
            peer->recent->small_sacked_frame = seg->frame;
            peer->recent->small_sacked_len = len;
        }
    }
}

/* What an ACK of `sender` shows as a receiver: the RTT of the data it acknowledges, whether it holds
 * data above a hole, and what the peer's packets delivered (note_sacked). */
void
tcpx_note_ack_evidence(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg)
{
    tcpx_side_t *d = &s->side[sender];
    if (!(seg->flags & TCPX_TH_ACK) || (seg->flags & TCPX_TH_SYN))
        return;
    if (seg->ack_rtt_ns > 0) {
        if (!d->ack_rtt_min_ns || seg->ack_rtt_ns < d->ack_rtt_min_ns)
            d->ack_rtt_min_ns = seg->ack_rtt_ns;
        d->recent->ack_rtt_recent[d->recent->ack_rtt_n++ % G_N_ELEMENTS(d->recent->ack_rtt_recent)] = seg->ack_rtt_ns;
    }
    d->sack_hole = FALSE;
    if (seg->n_sack)
        note_sacked(s, sender, seg);
    tcpx_note_sack_blocks(s, sender, seg);
}

/* A D-SACK from `sender` proves the peer's retransmission of those bytes unneeded: the
 * original arrived too.  The retransmission's frame, once (0: none remembered); in
 * hindsight, that frame learns it (tcpx_hindsight.c). */
guint32
tcpx_note_dsack(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *peer = &s->side[!sender];
    guint32 lo, end;
    if (!tcpx_dsack_of(seg, &lo, &end))
        return 0;
    for (guint32 i = 0; i < TCPX_RETX_RECENT; i++) {
        guint32 k = (peer->recent->retx_next - 1 - i) % TCPX_RETX_RECENT;
        if (i >= peer->recent->retx_next)
            break;
        if (!peer->recent->retx_frame[k]) /* proved already: each D-SACK proves one more resend */
            continue;
        if (tcpx_seq_lt(lo, peer->recent->retx_end[k]) && tcpx_seq_gt(end, peer->recent->retx_lo[k])) {
            guint32 frame = peer->recent->retx_frame[k];
            peer->recent->retx_frame[k] = 0; /* proved once */
            peer->unneeded_retx++;
            peer->unneeded_retx_frame = frame;
            tcpx_hindsight_unneeded(s, frame, peer->recent->retx_ts[k], lo, end - 1, seg, r);
            return frame;
        }
    }
    return 0;
}

/* An ACK that advances and carries a D-SACK: no dup ACK, but the proof that the resend
 * in frame `unneeded` was not needed (the stream's health takes it off the losses). */
void
tcpx_explain_dsack(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, guint32 unneeded, tcpx_result_t *r)
{
    guint32 lo, end;
    if (!tcpx_dsack_of(seg, &lo, &end))
        return;
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_DSACK, TCPX_C_DUPACK_DSACK);
    f->ref_frame = unneeded; /* not orig_frame: that links a first transmission */
    f->held_lo = lo;
    f->lo = seg->ack;
    f->hi = end - 1;
    f->bytes2 = end - lo;
    f->mss = tcpx_mss_toward(s, !sender);
}

void
tcpx_explain_dup_ack(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, guint32 unneeded, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    const tcpx_ack_event_t *last = tcpx_last_ack(d);
    tcpx_cause_t cause = TCPX_C_DUPACK_PLAIN;
    guint32 held_lo = 0, held_hi = 0, dsack_end = 0;

    if (tcpx_dsack_of(seg, &held_lo, &dsack_end)) {
        cause = TCPX_C_DUPACK_DSACK; /* data received twice: it waits for nothing it lacks */
        held_hi = dsack_end;
    } else if (seg->n_sack > 0) {
        cause = TCPX_C_DUPACK_HOLE;
        held_lo = seg->sack_le[0];
        held_hi = seg->sack_re[0];
    }
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_DUP_ACK, cause);
    f->count = seg->dupack_num;
    f->ref_frame = seg->dupack_frame;
    if (last && last->frame == seg->dupack_frame)
        f->ref_age_ns = seg->ts_ns - last->ts_ns;
    f->lo = seg->ack;
    f->hi = held_hi ? held_hi - 1 : 0;
    f->held_lo = held_lo;
    if (cause == TCPX_C_DUPACK_DSACK) {
        f->bytes2 = dsack_end - held_lo; /* the bytes received twice */
        f->orig_frame = unneeded;        /* the retransmission they prove unneeded */
    } else {
        f->bytes = held_lo ? tcpx_seq_diff(seg->ack, held_lo) : 0; /* the hole */
    }
    f->mss = tcpx_mss_toward(s, !sender);
    f->segments = tcpx_segments_for(f->bytes, f->mss);
    f->total = d->dupacks_sent + 1;
}
