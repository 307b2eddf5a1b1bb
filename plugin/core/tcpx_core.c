/* tcpx_core.c: classify each TCP anomaly Wireshark reports and find its evidence.
 *
 * Wireshark decides *whether* a segment is a retransmission, a duplicate ACK and
 * so on; this file works out *which* frames it relates to, the byte ranges and
 * times involved, and the most likely cause given what the stream has done so
 * far.  It runs once per segment on the first pass, in frame order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_core.h"
#include "tcpx_units.h"

/* Linux never times out a segment faster than this (TCP_RTO_MIN). */
#define MIN_RTO_NS (200 * NS_PER_MS)
/* A checksum-identical copy this close to the original is the capture's doing. */
#define DUPLICATE_WINDOW_NS (5 * NS_PER_MS)
/* Port reuse within this long of the old connection's close hits TIME-WAIT (2 x MSL on Linux). */
#define TIME_WAIT_NS (G_GINT64_CONSTANT(60000) * NS_PER_MS)
/* A stream that starts without a handshake: gaps in its first frames are the capture's start. */
#define EARLY_FRAMES 3

void
tcpx_stream_init(tcpx_stream_t *s, guint32 id, const char *name0, const char *name1,
                 guint16 port0, guint16 port1, const tcpx_alloc_t *alloc)
{
    memset(s, 0, sizeof *s);
    s->id = id;
    s->name[0] = name0;
    s->name[1] = name1;
    s->port[0] = port0;
    s->port[1] = port1;
    s->client = -1;
    s->side[0].wscale = s->side[1].wscale = -1;
    s->alloc = *alloc;
}

/* ---- per-side memory -------------------------------------------------- */

/* The ring's capacity is a power of two: a mask, not a division, per access. */
G_STATIC_ASSERT((TCPX_SENT_MAX & (TCPX_SENT_MAX - 1)) == 0);

static guint32
ring_index(const tcpx_side_t *d, guint32 i)
{
    return (d->sent_head + i) & (d->sent_cap - 1);
}

static tcpx_sent_t *
sent_at(const tcpx_side_t *d, guint32 i)
{
    return &d->sent[ring_index(d, i)];
}

static void
remember_sent(tcpx_stream_t *s, tcpx_side_t *d, const tcpx_segment_t *seg, guint32 end)
{
    if (d->sent_len == d->sent_cap) {
        if (d->sent_cap < TCPX_SENT_MAX) {
            /* Grow in place; move the wrapped part of the ring behind the old end. */
            guint32 old = d->sent_cap, cap = old ? old * 2 : 8;
            d->sent = (tcpx_sent_t *)s->alloc.realloc(s->alloc.ctx, d->sent, cap * sizeof *d->sent);
            for (guint32 i = 0; i < d->sent_head; i++)
                d->sent[old + i] = d->sent[i];
            d->sent_cap = cap;
        } else {
            /* More in flight than we remember: forget the oldest. */
            d->sent_head = ring_index(d, 1);
            d->sent_len--;
        }
    }
    tcpx_sent_t *e = sent_at(d, d->sent_len);
    d->sent_len++;
    e->seq = seg->seq;
    e->end = end;
    e->frame = seg->frame;
    e->ts_ns = seg->ts_ns;
    e->tsval = seg->has_ts ? seg->tsval : 0;
    e->ip_id = seg->ip_id;
    e->has_ip_id = seg->has_ip_id;
    e->checksum = seg->checksum;
}

#define SENT_MIN_CAP 16u

/* A ring left mostly empty once its data is acknowledged (the end of a transfer or of
 * a burst) gives its room back, for the streams that follow: the same entries in a
 * smaller ring. */
static void
shrink_sent(tcpx_stream_t *s, tcpx_side_t *d)
{
    guint32 cap = d->sent_cap;
    while (cap > SENT_MIN_CAP && d->sent_len * 2 <= cap / 2)
        cap /= 2;
    tcpx_sent_t *smaller = (tcpx_sent_t *)s->alloc.alloc0(s->alloc.ctx, cap * sizeof *smaller);
    for (guint32 i = 0; i < d->sent_len; i++)
        smaller[i] = *sent_at(d, i);
    s->alloc.realloc(s->alloc.ctx, d->sent, 0);
    d->sent = smaller;
    d->sent_cap = cap;
    d->sent_head = 0;
}

/* Once the peer acknowledges data, only the last few acknowledged segments are kept
 * (to explain spurious retransmissions of them): memory follows the data in flight. */
static void
forget_acked(tcpx_stream_t *s, tcpx_side_t *d, guint32 ack)
{
    guint32 acked = 0;
    while (acked < d->sent_len && tcpx_seq_le(sent_at(d, acked)->end, ack))
        acked++;
    if (acked <= TCPX_SENT_KEEP_ACKED)
        return;
    d->sent_head = ring_index(d, acked - TCPX_SENT_KEEP_ACKED);
    d->sent_len -= acked - TCPX_SENT_KEEP_ACKED;
    if (d->sent_cap > SENT_MIN_CAP && d->sent_len * 4 <= d->sent_cap)
        shrink_sent(s, d);
}

/* The earliest remembered transmission that carried byte `seq`. */
static const tcpx_sent_t *
find_sent(const tcpx_side_t *d, guint32 seq)
{
    for (guint32 i = 0; i < d->sent_len; i++) {
        const tcpx_sent_t *e = sent_at(d, i);
        if (tcpx_seq_in(seq, e->seq, e->end) || (e->seq == e->end && e->seq == seq))
            return e;
    }
    return NULL;
}

/* The first ACK from this side that covered `end` (bytes before it). */
static const tcpx_ack_event_t *
find_ack_covering(const tcpx_side_t *d, guint32 end)
{
    for (guint32 i = 0; i < d->acks_len; i++) {
        const tcpx_ack_event_t *e = &d->acks[(d->acks_head + i) % TCPX_ACK_HISTORY];
        if (tcpx_seq_ge(e->ack, end))
            return e;
    }
    return NULL;
}

static void
remember_ack(tcpx_side_t *d, const tcpx_segment_t *seg)
{
    if (!(seg->flags & TCPX_TH_ACK))
        return;
    if (d->ack_known && !tcpx_seq_gt(seg->ack, d->high_ack))
        return;
    if (d->acks_len == TCPX_ACK_HISTORY) {
        d->acks_head = (d->acks_head + 1) % TCPX_ACK_HISTORY;
        d->acks_len--;
    }
    tcpx_ack_event_t *e = &d->acks[(d->acks_head + d->acks_len) % TCPX_ACK_HISTORY];
    d->acks_len++;
    e->ack = seg->ack;
    e->frame = seg->frame;
    e->ts_ns = seg->ts_ns;
    d->high_ack = seg->ack;
    d->ack_known = TRUE;
    d->dupacks_len = 0;
}

/* ---- helpers ------------------------------------------------------------ */

static tcpx_finding_t *
add_finding(tcpx_result_t *r, tcpx_kind_t kind, tcpx_cause_t cause)
{
    if (r->n >= TCPX_MAX_FINDINGS)
        return NULL;
    tcpx_finding_t *f = &r->f[r->n++];
    memset(f, 0, sizeof *f);
    f->kind = (guint8)kind;
    f->cause = (guint8)cause;
    return f;
}

/* A dummy finding to write into when the result is full, so callers need no checks. */
static tcpx_finding_t scratch_finding;

static tcpx_finding_t *
finding(tcpx_result_t *r, tcpx_kind_t kind, tcpx_cause_t cause)
{
    tcpx_finding_t *f = add_finding(r, kind, cause);
    return f ? f : memset(&scratch_finding, 0, sizeof scratch_finding);
}

static guint32
seg_end(const tcpx_segment_t *seg)
{
    return seg->seq + seg->len + ((seg->flags & (TCPX_TH_SYN | TCPX_TH_FIN)) ? 1 : 0);
}

/* Inclusive range of payload bytes, or of the SYN/FIN "byte" when there is no payload. */
static void
set_range(tcpx_finding_t *f, const tcpx_segment_t *seg)
{
    f->lo = seg->seq;
    f->hi = seg->len ? seg->seq + seg->len - 1 : seg->seq;
}


gint64
tcpx_stream_rtt(const tcpx_stream_t *s, const tcpx_segment_t *seg)
{
    gint64 rtt = 0;
    if (seg && seg->irtt_ns > 0)
        rtt = seg->irtt_ns;
    else if (s->syn_frame && s->hs_ack_frame)
        rtt = s->hs_ack_ts - s->syn_ts;
    return rtt > 0 && rtt <= TCPX_MAX_RTT_NS ? rtt : 0;
}

/* The payload a full segment from `sender` carries: the MSS its peer announced, less the
 * 12 bytes of the timestamp option when both sides use timestamps. */
static guint32
mss_toward(const tcpx_stream_t *s, int sender)
{
    const tcpx_side_t *peer = &s->side[!sender];
    guint32 mss = peer->mss ? peer->mss : s->side[sender].mss;
    if (mss > 12 && s->side[0].ts && s->side[1].ts)
        mss -= 12;
    return mss;
}

static int
guess_client(const tcpx_stream_t *s, const tcpx_segment_t *seg, int sender)
{
    if ((seg->flags & (TCPX_TH_SYN | TCPX_TH_ACK)) == TCPX_TH_SYN)
        return sender;
    if ((seg->flags & (TCPX_TH_SYN | TCPX_TH_ACK)) == (TCPX_TH_SYN | TCPX_TH_ACK))
        return !sender;
    /* No handshake: the server is the side with the lower (usually well-known) port. */
    if (s->port[0] != s->port[1])
        return s->port[0] < s->port[1] ? 1 : 0;
    return 0;
}

tcpx_position_t
tcpx_capture_near(gint64 d1, gint64 d2)
{
    /* d1 / 3 > d2 rather than d1 > 3 * d2: no overflow on absurd timestamps. */
    if (d1 / 3 > d2 && d1 - d2 > NS_PER_MS)
        return TCPX_POS_NEAR_CLIENT;
    if (d2 / 3 > d1 && d2 - d1 > NS_PER_MS)
        return TCPX_POS_NEAR_SERVER;
    return TCPX_POS_MIDDLE;
}

tcpx_phase_t
tcpx_plain_phase(const tcpx_segment_t *seg)
{
    if (seg->flags & TCPX_TH_RST)
        return TCPX_PHASE_RESET;
    if (seg->flags & TCPX_TH_SYN)
        return TCPX_PHASE_HANDSHAKE;
    if (seg->flags & TCPX_TH_FIN)
        return TCPX_PHASE_TEARDOWN;
    if (seg->ws & (TCPX_WS_KEEP_ALIVE | TCPX_WS_KEEP_ALIVE_ACK))
        return TCPX_PHASE_KEEPALIVE;
    return TCPX_PHASE_DATA;
}

/* ---- the anomaly kinds -------------------------------------------------- */

static gboolean
is_capture_duplicate(const tcpx_sent_t *orig, const tcpx_segment_t *seg)
{
    if (!orig || orig->frame == seg->frame)
        return FALSE;
    if (orig->seq != seg->seq)
        return FALSE;
    if (orig->has_ip_id && seg->has_ip_id && orig->ip_id == seg->ip_id && orig->checksum == seg->checksum)
        return TRUE;
    /* IPv6 has no IP ID: an identical header (same checksum, same timestamp) moments later. */
    if (!seg->has_ip_id && orig->checksum == seg->checksum && seg->ts_ns - orig->ts_ns < DUPLICATE_WINDOW_NS
        && (!seg->has_ts || orig->tsval == seg->tsval))
        return TRUE;
    return FALSE;
}

static void
note_original(tcpx_finding_t *f, const tcpx_sent_t *orig, const tcpx_segment_t *seg)
{
    if (orig) {
        f->orig_frame = orig->frame;
        f->orig_age_ns = seg->ts_ns - orig->ts_ns;
    }
}

static void
retransmission_context(tcpx_finding_t *f, const tcpx_side_t *d)
{
    f->count = d->retransmissions;
    f->total = d->data_segments + 1;   /* this one included */
}

static void
explain_retransmission(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];
    const tcpx_sent_t *orig = find_sent(d, seg->seq);
    gint64 rtt = tcpx_stream_rtt(s, seg);
    tcpx_kind_t kind;
    tcpx_cause_t cause;

    if (seg->ws & TCPX_WS_SPURIOUS)
        kind = TCPX_K_SPURIOUS_RETRANSMISSION;
    else if (seg->ws & TCPX_WS_FAST_RETRANSMISSION)
        kind = TCPX_K_FAST_RETRANSMISSION;
    else
        kind = TCPX_K_RETRANSMISSION;

    const tcpx_ack_event_t *acked = find_ack_covering(peer, seg->seq + (seg->len ? seg->len : 1));
    /* How long nothing new had been acknowledged: since the peer's last ACK advance or the original, whichever is later. */
    gint64 last_progress = peer->acks_len ? peer->acks[(peer->acks_head + peer->acks_len - 1) % TCPX_ACK_HISTORY].ts_ns : 0;
    if (orig && orig->ts_ns > last_progress)
        last_progress = orig->ts_ns;
    gint64 since_progress = last_progress ? seg->ts_ns - last_progress : 0;
    gint64 since_orig = orig ? seg->ts_ns - orig->ts_ns : 0;
    /* Resending exactly what the peer asks for, shortly after another resend: the same loss episode. */
    gboolean in_loss_episode = d->last_retx_ts && seg->ts_ns - d->last_retx_ts < MAX(MIN_RTO_NS, 2 * rtt);

    /* Attempts at the same bytes: the n-th resend of sequence number seq. */
    if (d->retx_attempts && d->retx_seq == seg->seq)
        d->retx_attempts++;
    else
        d->retx_attempts = 1;
    gint64 since_prev_attempt = d->retx_attempts > 1 ? seg->ts_ns - d->retx_prev_ts : 0;
    guint32 prev_attempt_frame = d->retx_attempts > 1 ? d->retx_prev_frame : 0;
    d->retx_seq = seg->seq;
    d->retx_prev_frame = seg->frame;
    d->retx_prev_ts = seg->ts_ns;

    if (is_capture_duplicate(orig, seg))
        cause = TCPX_C_CAPTURE_DUPLICATE;
    else if ((seg->flags & (TCPX_TH_SYN | TCPX_TH_ACK)) == TCPX_TH_SYN)
        cause = TCPX_C_SYN_UNANSWERED;
    else if ((seg->flags & (TCPX_TH_SYN | TCPX_TH_ACK)) == (TCPX_TH_SYN | TCPX_TH_ACK))
        cause = TCPX_C_SYNACK_UNANSWERED;
    else if (kind == TCPX_K_SPURIOUS_RETRANSMISSION)
        cause = (acked && rtt && seg->ts_ns - acked->ts_ns < rtt) ? TCPX_C_SPURIOUS_ACK_IN_FLIGHT
                                                                 : TCPX_C_SPURIOUS_ACK_LOST;
    else if (kind == TCPX_K_FAST_RETRANSMISSION)
        cause = TCPX_C_FAST_RETX_DUPACKS;
    else if (d->retx_attempts > 1 && since_prev_attempt >= MIN_RTO_NS)
        cause = TCPX_C_RETX_BACKOFF;
    else if (peer->dupacks_len > 0 && peer->ack_known && peer->high_ack == seg->seq)
        cause = TCPX_C_RETX_AFTER_DUPACKS;
    else if (peer->ack_known && ((peer->dupacks_len > 0 && tcpx_seq_gt(seg->seq, peer->high_ack)) ||
                                 (seg->seq == peer->high_ack && in_loss_episode)))
        cause = TCPX_C_RETX_IN_RECOVERY;
    else if ((since_orig >= MIN_RTO_NS || since_progress >= MIN_RTO_NS) &&
             (!rtt || since_orig >= 2 * rtt || since_progress >= 2 * rtt))
        cause = TCPX_C_RETX_TIMEOUT;
    else
        cause = TCPX_C_RETX_EARLY;

    if (cause != TCPX_C_CAPTURE_DUPLICATE)
        d->last_retx_ts = seg->ts_ns;

    tcpx_finding_t *f = finding(r, kind, cause);
    set_range(f, seg);
    note_original(f, orig, seg);
    if (acked) {
        f->ack_frame = acked->frame;
        f->ack_age_ns = seg->ts_ns - acked->ts_ns;
    }
    f->rtt_ns = rtt;
    f->t1_ns = since_progress;
    f->t2_ns = since_prev_attempt;
    f->ref_frame = prev_attempt_frame;
    f->ref_age_ns = since_prev_attempt;
    f->segments = d->retx_attempts;
    if (peer->ack_known)
        f->waits_for = peer->high_ack;
    f->n_listed = (guint8)MIN(peer->dupacks_len, TCPX_MAX_LISTED);
    for (guint32 i = 0; i < f->n_listed; i++)
        f->listed[i] = peer->dupacks[peer->dupacks_len - f->n_listed + i];
    f->bytes2 = peer->dupacks_len;
    retransmission_context(f, d);
}

static void
explain_out_of_order(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    const tcpx_sent_t *orig = find_sent(d, seg->seq);
    tcpx_cause_t cause = TCPX_C_REORDERING;

    if (is_capture_duplicate(orig, seg))
        cause = TCPX_C_CAPTURE_DUPLICATE;
    else if (orig)
        cause = TCPX_C_QUICK_RETRANSMISSION;

    tcpx_finding_t *f = finding(r, TCPX_K_OUT_OF_ORDER, cause);
    set_range(f, seg);
    note_original(f, orig, seg);
    f->ref_frame = d->next_seq_frame;
    f->ref_age_ns = seg->ts_ns - d->next_seq_ts;
    f->rtt_ns = tcpx_stream_rtt(s, seg);
    f->bytes = tcpx_seq_diff(seg->seq, d->next_seq);
}

static gboolean
early_in_unseen_start(const tcpx_stream_t *s)
{
    return s->midstream && s->frames <= EARLY_FRAMES;
}

static void
explain_gap(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r, guint32 *lost_bytes)
{
    tcpx_side_t *d = &s->side[sender];
    guint32 missing = tcpx_seq_diff(d->next_seq, seg->seq);
    tcpx_finding_t *f = finding(r, TCPX_K_LOST_SEGMENT,
                                early_in_unseen_start(s) ? TCPX_C_CAPTURE_STARTED_LATE : TCPX_C_LOSS_BEFORE_CAPTURE);
    f->lo = d->next_seq;
    f->hi = seg->seq - 1;
    f->bytes = missing;
    f->mss = mss_toward(s, sender);
    f->segments = tcpx_segments_for(missing, f->mss);
    f->ref_frame = d->next_seq_frame;
    f->ref_age_ns = seg->ts_ns - d->next_seq_ts;
    f->count = d->gaps + 1;
    d->hole_lo = f->lo;
    d->hole_hi = f->hi;
    *lost_bytes = missing;
}

static void
explain_acked_unseen(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *peer = &s->side[!sender];
    tcpx_finding_t *f = finding(r, TCPX_K_ACKED_UNSEEN,
                                early_in_unseen_start(s) || !peer->seq_known ? TCPX_C_CAPTURE_STARTED_LATE
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
    f->mss = mss_toward(s, !sender);
    f->segments = tcpx_segments_for(f->bytes, f->mss);
    f->ref_frame = peer->next_seq_frame;
    f->ref_age_ns = peer->next_seq_frame ? seg->ts_ns - peer->next_seq_ts : 0;
}

/* Wireshark 4.4+: the ACK ends inside a segment the peer sent.  A segment larger
 * than the MSS was seen before segmentation offload cut it: the capture's doing. */
static void
explain_partial_ack(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    const tcpx_side_t *peer = &s->side[!sender];
    const tcpx_sent_t *e = find_sent(peer, seg->ack);
    guint32 mss = mss_toward(s, !sender);
    gboolean bigger_than_mss = e && mss && e->end - e->seq > mss;
    tcpx_finding_t *f = finding(r, TCPX_K_PARTIAL_ACK,
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
static void
explain_ambiguous_ack(const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_finding_t *f = finding(r, TCPX_K_AMBIGUOUS_ACK, TCPX_C_AMBIGUOUS_ACK_KARN);
    f->waits_for = seg->ack;
    f->ref_frame = seg->acks_frame;
    f->ref_age_ns = seg->acks_frame ? seg->ack_rtt_ns : 0;
}

static void
explain_dup_ack(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_cause_t cause = TCPX_C_DUPACK_PLAIN;
    guint32 held_lo = 0, held_hi = 0;

    for (guint8 i = 0; i < seg->n_sack && i < 4; i++) {
        if (tcpx_seq_le(seg->sack_re[i], seg->ack)) {
            cause = TCPX_C_DUPACK_DSACK;       /* a block below the ACK: data received twice */
            held_lo = seg->sack_le[i];
            held_hi = seg->sack_re[i];
            break;
        }
        if (cause == TCPX_C_DUPACK_PLAIN) {
            cause = TCPX_C_DUPACK_HOLE;
            held_lo = seg->sack_le[i];
            held_hi = seg->sack_re[i];
        }
    }
    tcpx_finding_t *f = finding(r, TCPX_K_DUP_ACK, cause);
    f->count = seg->dupack_num;
    f->ref_frame = seg->dupack_frame;
    if (d->acks_len) {
        const tcpx_ack_event_t *last = &d->acks[(d->acks_head + d->acks_len - 1) % TCPX_ACK_HISTORY];
        if (last->frame == seg->dupack_frame)
            f->ref_age_ns = seg->ts_ns - last->ts_ns;
    }
    f->lo = seg->ack;
    f->bytes = held_lo ? tcpx_seq_diff(seg->ack, held_lo) : 0;   /* the hole */
    f->hi = held_hi ? held_hi - 1 : 0;
    f->bytes2 = held_lo;
    f->mss = mss_toward(s, !sender);
    f->segments = tcpx_segments_for(f->bytes, f->mss);
    f->total = d->dupacks_sent + 1;
}

static void
explain_windows(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];

    if (seg->ws & TCPX_WS_ZERO_WINDOW) {
        gboolean already = d->zero_since_frame != 0;
        tcpx_finding_t *f = finding(r, TCPX_K_ZERO_WINDOW,
                                    already ? TCPX_C_ZERO_WINDOW_PERSISTS : TCPX_C_RECEIVER_NOT_READING);
        f->ref_frame = already ? d->zero_since_frame : 0;
        f->ref_age_ns = already ? seg->ts_ns - d->zero_since_ts : 0;
        f->bytes2 = d->win_known ? d->win : 0;
        f->count = d->zero_windows + 1;
        f->t1_ns = peer->last_data_ts ? seg->ts_ns - peer->last_data_ts : 0;
    }
    if (seg->ws & TCPX_WS_ZERO_WINDOW_PROBE) {
        tcpx_finding_t *f = finding(r, TCPX_K_ZERO_WINDOW_PROBE, TCPX_C_PERSIST_TIMER);
        set_range(f, seg);
        f->ref_frame = peer->zero_since_frame;
        f->ref_age_ns = peer->zero_since_frame ? seg->ts_ns - peer->zero_since_ts : 0;
    }
    if (seg->ws & TCPX_WS_ZERO_WINDOW_PROBE_ACK) {
        tcpx_finding_t *f = finding(r, TCPX_K_ZERO_WINDOW_PROBE_ACK, TCPX_C_ZERO_WINDOW_PERSISTS);
        f->ref_frame = d->zero_since_frame;
        f->ref_age_ns = d->zero_since_frame ? seg->ts_ns - d->zero_since_ts : 0;
    }
    if (seg->ws & TCPX_WS_WINDOW_FULL) {
        tcpx_cause_t cause;
        if (peer->win_known && peer->win <= 65535 && peer->wscale < 1 && s->syn_frame)
            cause = TCPX_C_WINDOW_NO_SCALING;
        else if (peer->zero_windows > 0)
            cause = TCPX_C_WINDOW_RECEIVER_SLOW;
        else
            cause = TCPX_C_WINDOW_LIMITED;
        tcpx_finding_t *f = finding(r, TCPX_K_WINDOW_FULL, cause);
        set_range(f, seg);
        f->bytes = peer->win_known ? peer->win : 0;
        f->bytes2 = seg->bytes_in_flight;
        f->count = peer->zero_windows;
    }
    if (seg->ws & TCPX_WS_WINDOW_UPDATE) {
        gboolean reopened = d->zero_since_frame != 0;
        tcpx_finding_t *f = finding(r, TCPX_K_WINDOW_UPDATE, reopened ? TCPX_C_WINDOW_REOPENED : TCPX_C_WINDOW_GREW);
        f->bytes = seg->win;
        f->bytes2 = d->win_known ? d->win : 0;
        f->ref_frame = d->zero_since_frame;
        f->ref_age_ns = reopened ? seg->ts_ns - d->zero_since_ts : 0;
    }
}

static void
explain_keepalive(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];
    if (seg->ws & TCPX_WS_KEEP_ALIVE) {
        tcpx_finding_t *f = finding(r, TCPX_K_KEEP_ALIVE, TCPX_C_KEEPALIVE_IDLE);
        f->lo = seg->seq;
        f->bytes = seg->len;
        f->count = d->keepalives + 1;
        /* idle: since anything but keep-alives moved in either direction */
        gint64 last = MAX(d->last_data_ts, peer->last_data_ts);
        f->t1_ns = last ? seg->ts_ns - last : 0;
        f->ref_frame = d->last_frame;
        f->ref_age_ns = d->last_frame ? seg->ts_ns - d->last_ts : 0;
    }
    if (seg->ws & TCPX_WS_KEEP_ALIVE_ACK) {
        tcpx_finding_t *f = finding(r, TCPX_K_KEEP_ALIVE_ACK, TCPX_C_KEEPALIVE_ANSWERED);
        f->ref_frame = peer->last_frame;
        f->ref_age_ns = peer->last_frame ? seg->ts_ns - peer->last_ts : 0;
        f->count = peer->keepalives;
    }
}

static void
explain_reused_ports(tcpx_stream_t *s, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    const tcpx_stream_t *p = s->prev;
    tcpx_cause_t cause = TCPX_C_PORTS_REUSED_UNKNOWN;
    guint32 closed_frame = 0;
    gint64 closed_ts = 0;

    if (p) {
        for (int i = 0; i < 2; i++) {
            guint32 fr = p->side[i].rst_frame ? p->side[i].rst_frame : p->side[i].fin_frame;
            if (fr > closed_frame) {
                closed_frame = fr;
                closed_ts = p->side[i].rst_frame ? p->side[i].last_ts : p->side[i].fin_ts;
            }
        }
        if (!closed_frame)
            cause = TCPX_C_PORTS_REUSED_NOT_CLOSED;
        else if (seg->ts_ns - closed_ts < TIME_WAIT_NS)
            cause = TCPX_C_PORTS_REUSED_TIME_WAIT;
        else
            cause = TCPX_C_PORTS_REUSED_AFTER_CLOSE;
    }
    tcpx_finding_t *f = finding(r, TCPX_K_REUSED_PORTS, cause);
    f->count = p ? p->id + 1 : 0;   /* previous stream + 1; 0: not in the capture */
    f->ref_frame = closed_frame ? closed_frame : (p ? p->first_frame : 0);
    f->ref_age_ns = closed_frame ? seg->ts_ns - closed_ts : (p ? seg->ts_ns - p->first_ts : 0);
}

static void
explain_reset(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];
    guint32 payload = s->side[0].payload_bytes + s->side[1].payload_bytes;
    tcpx_cause_t cause;

    if (!s->synack_frame && s->syn_frame && sender != tcpx_client_side(s))
        cause = TCPX_C_RST_REFUSED;
    else if (s->midstream && !payload && !d->fin_frame && !peer->fin_frame)
        cause = TCPX_C_RST_UNKNOWN_START;
    else if (d->fin_frame || peer->fin_frame)
        cause = TCPX_C_RST_AFTER_FIN;
    else if (!payload)
        cause = TCPX_C_RST_HANDSHAKE_ABORT;
    else {
        gint64 last = MAX(d->last_data_ts, peer->last_data_ts);
        gint64 rtt = tcpx_stream_rtt(s, seg);
        /* Data was flowing until just before: an abort mid-transfer. Long silence first: an idle reset. */
        cause = (last && seg->ts_ns - last > MAX(G_GINT64_CONSTANT(1000) * NS_PER_MS, 10 * rtt))
                    ? TCPX_C_RST_IDLE : TCPX_C_RST_MID_TRANSFER;
    }
    tcpx_finding_t *f = finding(r, TCPX_K_RESET, cause);
    f->bytes = d->payload_bytes;
    f->bytes2 = peer->payload_bytes;
    f->ref_frame = cause == TCPX_C_RST_REFUSED ? s->syn_frame
                 : cause == TCPX_C_RST_AFTER_FIN ? (d->fin_frame ? d->fin_frame : peer->fin_frame)
                 : peer->last_frame;
    f->ref_age_ns = 0;
    if (cause == TCPX_C_RST_REFUSED && s->syn_frame)
        f->ref_age_ns = seg->ts_ns - s->syn_ts;
    else if (cause == TCPX_C_RST_AFTER_FIN)
        f->ref_age_ns = seg->ts_ns - (d->fin_frame ? d->fin_ts : peer->fin_ts);
    else if (peer->last_frame)
        f->ref_age_ns = seg->ts_ns - peer->last_ts;
    gint64 last = MAX(d->last_data_ts, peer->last_data_ts);
    f->t1_ns = last ? seg->ts_ns - last : 0;
    f->count = s->resets + 1;
}

static void
explain_checksum(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];
    tcpx_cause_t cause;

    if (d->csum_good > 0)
        cause = TCPX_C_CSUM_CORRUPTION;      /* the same sender also sent good ones */
    else if (peer->csum_bad > 0 && peer->csum_good == 0)
        cause = TCPX_C_CSUM_LOCAL_BOTH;      /* both ends' frames: both ends are the capturing host */
    else
        cause = TCPX_C_CSUM_OFFLOAD;
    tcpx_finding_t *f = finding(r, TCPX_K_CHECKSUM, cause);
    f->bytes = seg->checksum;
    f->bytes2 = seg->csum == TCPX_CSUM_ZERO;
    f->count = d->csum_bad + 1;
    f->total = peer->csum_good;
}

/* ---- the story ---------------------------------------------------------- */

#define OPT_KNOWN 0x1000
#define OPT_CUT   0x2000
#define OPT_SACK  0x0100
#define OPT_TS    0x0200
#define OPT_TFO   0x0400
#define OPT_ECN   0x0800

guint32
tcpx_pack_syn_options(const tcpx_side_t *d)
{
    if (!d->syn_seen)
        return 0;
    return OPT_KNOWN | (guint32)(d->wscale + 1) | (d->sack_perm ? OPT_SACK : 0) | (d->ts ? OPT_TS : 0) |
           (d->tfo ? OPT_TFO : 0) | (d->ecn_setup ? OPT_ECN : 0) | (d->options_cut ? OPT_CUT : 0);
}

void
tcpx_unpack_syn_options(guint32 packed, guint16 mss, tcpx_side_t *d)
{
    memset(d, 0, sizeof *d);
    d->syn_seen = (packed & OPT_KNOWN) != 0;
    d->options_cut = (packed & OPT_CUT) != 0;
    d->mss = mss;
    d->wscale = (gint8)((packed & 0xff) - 1);
    d->sack_perm = (packed & OPT_SACK) != 0;
    d->ts = (packed & OPT_TS) != 0;
    d->tfo = (packed & OPT_TFO) != 0;
    d->ecn_setup = (packed & OPT_ECN) != 0;
}

/* The options of both sides as known now, frozen into a story finding. */
static void
freeze_options(const tcpx_stream_t *s, int sender, tcpx_finding_t *f)
{
    f->mss = s->side[sender].mss;
    f->bytes = tcpx_pack_syn_options(&s->side[sender]);
    f->segments = s->side[!sender].mss;
    f->bytes2 = tcpx_pack_syn_options(&s->side[!sender]);
}

static void
tell_story(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];
    guint16 synack = seg->flags & (TCPX_TH_SYN | TCPX_TH_ACK);
    gboolean retransmitted = (seg->ws & (TCPX_WS_RETRANSMISSION | TCPX_WS_FAST_RETRANSMISSION | TCPX_WS_SPURIOUS)) != 0;

    if (synack == TCPX_TH_SYN && !retransmitted) {
        tcpx_finding_t *f = finding(r, TCPX_K_SYN, TCPX_C_STORY);
        freeze_options(s, sender, f);
    } else if (synack == (TCPX_TH_SYN | TCPX_TH_ACK) && !retransmitted) {
        tcpx_finding_t *f = finding(r, TCPX_K_SYNACK, TCPX_C_STORY);
        freeze_options(s, sender, f);
        f->ref_frame = s->syn_frame;
        f->ref_age_ns = s->syn_frame ? seg->ts_ns - s->syn_ts : 0;
    } else if (s->synack_frame && !s->hs_ack_frame && (seg->flags & TCPX_TH_ACK) && !(seg->flags & (TCPX_TH_SYN | TCPX_TH_RST))
               && sender == tcpx_client_side(s)) {
        s->hs_ack_frame = seg->frame;
        s->hs_ack_ts = seg->ts_ns;
        tcpx_finding_t *f = finding(r, TCPX_K_HANDSHAKE_ACK, TCPX_C_STORY);
        r->phase = TCPX_PHASE_HANDSHAKE;
        f->ref_frame = s->synack_frame;
        f->ref_age_ns = seg->ts_ns - s->synack_ts;
        f->t1_ns = s->syn_frame ? s->synack_ts - s->syn_ts : 0;   /* SYN -> SYN-ACK */
        f->t2_ns = seg->ts_ns - s->synack_ts;                     /* SYN-ACK -> ACK */
    } else if (s->frames == 1 && !(seg->flags & TCPX_TH_SYN)) {
        finding(r, TCPX_K_MIDSTREAM, TCPX_C_STORY);
    }

    if ((seg->flags & TCPX_TH_FIN) && !d->fin_frame && !retransmitted) {
        tcpx_finding_t *f = finding(r, peer->fin_frame ? TCPX_K_FIN_SECOND : TCPX_K_FIN_FIRST, TCPX_C_STORY);
        f->ref_frame = peer->fin_frame;
        f->ref_age_ns = peer->fin_frame ? seg->ts_ns - peer->fin_ts : 0;
        f->bytes = d->payload_bytes + seg->len;
        f->bytes2 = peer->payload_bytes;
    } else if (peer->fin_frame && (seg->flags & TCPX_TH_ACK) && !(seg->flags & (TCPX_TH_FIN | TCPX_TH_RST))
               && tcpx_seq_ge(seg->ack, peer->next_seq) && (!d->ack_known || tcpx_seq_lt(d->high_ack, peer->next_seq))
               && d->fin_frame) {
        /* The last ACK: the FIN of the side that closed second is acknowledged. */
        tcpx_finding_t *f = finding(r, TCPX_K_CLOSE_ACK, TCPX_C_STORY);
        r->phase = TCPX_PHASE_TEARDOWN;
        f->ref_frame = peer->fin_frame;
        f->ref_age_ns = seg->ts_ns - peer->fin_ts;
    } else if (peer->fin_frame && !d->fin_frame && seg->len > 0 && d->last_data_ts <= peer->fin_ts && !retransmitted) {
        tcpx_finding_t *f = finding(r, TCPX_K_HALF_CLOSE, TCPX_C_STORY);
        f->ref_frame = peer->fin_frame;
        f->ref_age_ns = seg->ts_ns - peer->fin_ts;
    }
}

/* ---- the entry point ---------------------------------------------------- */

static void
learn_syn_options(tcpx_side_t *d, const tcpx_segment_t *seg)
{
    if (!(seg->flags & TCPX_TH_SYN))
        return;
    d->syn_seen = TRUE;
    d->options_cut = seg->options_cut;
    if (seg->mss)
        d->mss = seg->mss;
    d->wscale = seg->wscale;
    d->sack_perm = seg->sack_perm;
    d->ts = seg->has_ts;
    d->tfo = seg->tfo != 0;
    d->ecn_setup = (seg->flags & TCPX_TH_ECE) != 0;
}

void
tcpx_analyze(tcpx_stream_t *s, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    int sender = seg->from_first ? 0 : 1;
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];
    guint16 synack = seg->flags & (TCPX_TH_SYN | TCPX_TH_ACK);
    guint32 lost_bytes = 0;

    memset(r, 0, offsetof(tcpx_result_t, f));
    if (s->frames == 0) {
        s->first_frame = seg->frame;
        s->first_ts = seg->ts_ns;
        s->midstream = !(seg->flags & TCPX_TH_SYN);
    }
    s->frames++;
    if (s->client < 0) {
        s->client = (gint8)guess_client(s, seg, sender);
        s->roles_guessed = !(seg->flags & TCPX_TH_SYN);
    }
    if (synack == TCPX_TH_SYN && !s->syn_frame) {
        s->syn_frame = seg->frame;
        s->syn_ts = seg->ts_ns;
    } else if (synack == (TCPX_TH_SYN | TCPX_TH_ACK) && !s->synack_frame) {
        s->synack_frame = seg->frame;
        s->synack_ts = seg->ts_ns;
    }
    learn_syn_options(d, seg);

    r->from_client = sender == tcpx_client_side(s);
    r->phase = (guint8)tcpx_plain_phase(seg);

    /* Anomalies, in the order a reader needs them. */
    if (seg->ws & TCPX_WS_REUSED_PORTS)
        explain_reused_ports(s, seg, r);
    if (seg->ws & TCPX_WS_LOST_SEGMENT)
        explain_gap(s, sender, seg, r, &lost_bytes);
    if (seg->ws & (TCPX_WS_RETRANSMISSION | TCPX_WS_FAST_RETRANSMISSION | TCPX_WS_SPURIOUS)) {
        d->retransmissions++;
        explain_retransmission(s, sender, seg, r);
    }
    if (seg->ws & TCPX_WS_OUT_OF_ORDER)
        explain_out_of_order(s, sender, seg, r);
    if (seg->ws & TCPX_WS_ACK_LOST_SEGMENT)
        explain_acked_unseen(s, sender, seg, r);
    if (seg->ws & TCPX_WS_DUPLICATE_ACK)
        explain_dup_ack(s, sender, seg, r);
    if (seg->ws & TCPX_WS_PARTIAL_ACK)
        explain_partial_ack(s, sender, seg, r);
    if (seg->ws & TCPX_WS_AMBIGUOUS_ACK)
        explain_ambiguous_ack(seg, r);
    if (seg->ws & (TCPX_WS_ZERO_WINDOW | TCPX_WS_ZERO_WINDOW_PROBE | TCPX_WS_ZERO_WINDOW_PROBE_ACK |
                   TCPX_WS_WINDOW_FULL | TCPX_WS_WINDOW_UPDATE))
        explain_windows(s, sender, seg, r);
    if (seg->ws & (TCPX_WS_KEEP_ALIVE | TCPX_WS_KEEP_ALIVE_ACK))
        explain_keepalive(s, sender, seg, r);
    if (seg->ws & TCPX_WS_TFO_SYN)
        finding(r, TCPX_K_TFO_SYN, TCPX_C_TFO)->bytes = seg->len;
    if (seg->ws & TCPX_WS_TFO_ACK)
        finding(r, TCPX_K_TFO_ACK, TCPX_C_TFO)->bytes = seg->ack ? seg->ack - 1 : 0;
    if (seg->ws & TCPX_WS_TFO_IGNORED)
        finding(r, TCPX_K_TFO_IGNORED, TCPX_C_TFO_REJECTED);
    if (seg->flags & TCPX_TH_RST)
        explain_reset(s, sender, seg, r);
    if (seg->csum == TCPX_CSUM_BAD || seg->csum == TCPX_CSUM_ZERO)
        explain_checksum(s, sender, seg, r);

    tell_story(s, sender, seg, r);

    for (guint8 i = 0; i < r->n; i++) {
        if (r->f[i].kind < TCPX_K_N_ANOMALIES)
            s->anomalies[r->f[i].kind]++;
    }

    /* Update what this side has done. */
    guint32 end = seg_end(seg);
    gboolean new_data = !d->seq_known || tcpx_seq_gt(end, d->next_seq);
    d->segments++;
    if (seg->len > 0 && !(seg->ws & TCPX_WS_KEEP_ALIVE)) {
        d->data_segments++;
        d->last_data_ts = seg->ts_ns;
        if (new_data)
            d->payload_bytes += d->seq_known ? MIN(seg->len, tcpx_seq_diff(d->next_seq, end)) : seg->len;
    }
    if ((seg->len > 0 || (seg->flags & (TCPX_TH_SYN | TCPX_TH_FIN))) && new_data &&
        !(seg->ws & (TCPX_WS_KEEP_ALIVE | TCPX_WS_ZERO_WINDOW_PROBE)))
        remember_sent(s, d, seg, end);
    if (new_data && !(seg->ws & TCPX_WS_ZERO_WINDOW_PROBE) && !(seg->flags & TCPX_TH_RST)) {
        d->next_seq = end;
        d->next_seq_frame = seg->frame;
        d->next_seq_ts = seg->ts_ns;
        d->seq_known = TRUE;
    }
    if (lost_bytes)
        d->gaps++;
    if (seg->ws & TCPX_WS_DUPLICATE_ACK) {
        d->dupacks_sent++;
        if (d->dupacks_len == TCPX_DUPACK_HISTORY) {
            memmove(d->dupacks, d->dupacks + 1, (TCPX_DUPACK_HISTORY - 1) * sizeof d->dupacks[0]);
            d->dupacks_len--;
        }
        d->dupacks[d->dupacks_len++] = seg->frame;
    } else {
        remember_ack(d, seg);
        if (seg->flags & TCPX_TH_ACK)
            forget_acked(s, peer, seg->ack);
    }
    if (seg->ws & TCPX_WS_KEEP_ALIVE)
        d->keepalives++;
    if (!(seg->flags & (TCPX_TH_SYN | TCPX_TH_RST))) {
        if (seg->win == 0 && !(seg->flags & TCPX_TH_FIN)) {
            if (!d->zero_since_frame) {
                d->zero_since_frame = seg->frame;
                d->zero_since_ts = seg->ts_ns;
                d->zero_windows++;
            }
        } else if (seg->win > 0) {
            d->zero_since_frame = 0;
        }
        d->win = seg->win;
        d->win_known = TRUE;
    }
    if ((seg->flags & TCPX_TH_FIN) && !d->fin_frame) {
        d->fin_frame = seg->frame;
        d->fin_ts = seg->ts_ns;
    }
    if ((seg->flags & TCPX_TH_RST) && !d->rst_frame) {
        d->rst_frame = seg->frame;
        s->resets++;
    }
    if (seg->csum == TCPX_CSUM_BAD || seg->csum == TCPX_CSUM_ZERO)
        d->csum_bad++;
    else if (seg->csum == TCPX_CSUM_GOOD)
        d->csum_good++;
    d->last_frame = seg->frame;
    d->last_ts = seg->ts_ns;
}
