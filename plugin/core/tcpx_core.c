/* tcpx_core.c: a TCP stream's state, and tcpx_analyze(), which runs the steps.
 *
 * Wireshark decides *whether* a segment is a retransmission, a duplicate ACK and
 * so on; the core works out *which* frames it relates to, the byte ranges and
 * times involved, and the most likely cause given what the stream has done so
 * far.  It runs once per segment on the first pass, in frame order.  This file
 * keeps what each side has done; the explaining steps live in tcpx_retx.c,
 * tcpx_acks.c, tcpx_windows.c and tcpx_story.c (tcpx_steps.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_steps.h"
#include "tcpx_hosts.h"

/* A stream that starts without a handshake: gaps in its first frames are the capture's start. */
#define EARLY_FRAMES 3

void
tcpx_stream_init(tcpx_stream_t *s, guint32 id, const char *name0, const char *name1, guint16 port0, guint16 port1,
                 const tcpx_alloc_t *alloc)
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
            d->sent_acked -= d->sent_acked > 0;
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
 * (to explain spurious retransmissions of them): memory follows the data in flight.  The walk
 * starts past the entries an earlier, lower ACK already counted (an older ACK walks from the start). */
static void
forget_acked(tcpx_stream_t *s, tcpx_side_t *d, guint32 ack)
{
    guint32 acked = d->sent_acked && tcpx_seq_ge(ack, d->sent_acked_upto) ? MIN(d->sent_acked, d->sent_len) : 0;
    while (acked < d->sent_len && tcpx_seq_le(sent_at(d, acked)->end, ack)) {
        const tcpx_sent_t *e = sent_at(d, acked++);
        d->recent->largest_delivered = MAX(d->recent->largest_delivered, e->end - e->seq);
    }
    d->sent_acked = MIN(acked, TCPX_SENT_KEEP_ACKED);
    d->sent_acked_upto = ack;
    if (acked <= TCPX_SENT_KEEP_ACKED)
        return;
    d->sent_head = ring_index(d, acked - TCPX_SENT_KEEP_ACKED);
    d->sent_len -= acked - TCPX_SENT_KEEP_ACKED;
    if (d->sent_cap > SENT_MIN_CAP && d->sent_len * 4 <= d->sent_cap)
        shrink_sent(s, d);
}

const tcpx_sent_t *
tcpx_find_sent(const tcpx_side_t *d, guint32 seq)
{
    for (guint32 i = 0; i < d->sent_len; i++) {
        const tcpx_sent_t *e = sent_at(d, i);
        if (tcpx_seq_in(seq, e->seq, e->end) || (e->seq == e->end && e->seq == seq))
            return e;
    }
    return NULL;
}

const tcpx_sent_t *
tcpx_find_sent_above(const tcpx_side_t *d, guint32 seq)
{
    const tcpx_sent_t *best = NULL;
    for (guint32 i = 0; i < d->sent_len; i++) {
        const tcpx_sent_t *e = sent_at(d, i);
        if (tcpx_seq_ge(e->seq, seq) && (!best || tcpx_seq_lt(e->seq, best->seq)))
            best = e;
    }
    return best;
}

const tcpx_ack_event_t *
tcpx_find_ack_covering(const tcpx_side_t *d, guint32 end)
{
    for (guint32 i = 0; i < d->recent->acks_len; i++) {
        const tcpx_ack_event_t *e = &d->recent->acks[(d->recent->acks_head + i) % TCPX_ACK_HISTORY];
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
    if (d->recent->acks_len == TCPX_ACK_HISTORY) {
        d->recent->acks_head = (d->recent->acks_head + 1) % TCPX_ACK_HISTORY;
        d->recent->acks_len--;
    }
    tcpx_ack_event_t *e = &d->recent->acks[(d->recent->acks_head + d->recent->acks_len) % TCPX_ACK_HISTORY];
    d->recent->acks_len++;
    e->ack = seg->ack;
    e->frame = seg->frame;
    e->ts_ns = seg->ts_ns;
    d->high_ack = seg->ack;
    d->ack_known = TRUE;
    d->recent->dupacks_len = 0;
}

/* A duplicate ACK from d: its frame joins the latest ones (they are listed with a retransmission). */
static void
remember_dupack(tcpx_side_t *d, guint32 frame)
{
    d->dupacks_sent++;
    if (d->recent->dupacks_len == TCPX_DUPACK_HISTORY) {
        memmove(d->recent->dupacks, d->recent->dupacks + 1, (TCPX_DUPACK_HISTORY - 1) * sizeof d->recent->dupacks[0]);
        d->recent->dupacks_len--;
    }
    d->recent->dupacks[d->recent->dupacks_len++] = frame;
}

/* ---- findings and shared helpers ------------------------------------------ */

/* Where findings go when the result is full. */
static tcpx_finding_t scratch_finding;

tcpx_finding_t *
tcpx_finding(tcpx_result_t *r, tcpx_kind_t kind, tcpx_cause_t cause)
{
    tcpx_finding_t *f = r->n < TCPX_MAX_FINDINGS ? &r->f[r->n++] : &scratch_finding;
    memset(f, 0, sizeof *f);
    f->kind = (guint8)kind;
    f->cause = (guint8)cause;
    return f;
}

static guint32
seg_end(const tcpx_segment_t *seg)
{
    return seg->seq + seg->len + ((seg->flags & (TCPX_TH_SYN | TCPX_TH_FIN)) ? 1 : 0);
}

gint64
tcpx_stream_rtt(const tcpx_stream_t *s, const tcpx_segment_t *seg)
{
    gint64 rtt = 0;
    /* After a reset that answered a SYN, TCP's iRTT may be SYN -> reset: the handshake's own times instead. */
    if (seg && seg->irtt_ns > 0 && !s->rst_before_synack)
        rtt = seg->irtt_ns;
    else if (s->syn_frame && s->hs_ack_frame)
        rtt = s->hs_ack_ts - (s->last_syn_frame ? s->last_syn_ts : s->syn_ts);
    return rtt > 0 && rtt <= TCPX_MAX_RTT_NS ? rtt : 0;
}

/* The server's leg is SYN -> SYN-ACK, the client's SYN-ACK -> ACK. */
gint64
tcpx_leg_rtt(const tcpx_stream_t *s, int side)
{
    if (!s->synack_frame || s->client < 0 || s->roles_guessed)
        return 0;
    gint64 leg = side == s->client ? (s->hs_ack_frame ? s->hs_ack_ts - s->synack_ts : 0)
                                   : s->synack_ts - (s->last_syn_frame ? s->last_syn_ts : s->syn_ts);
    return leg > 0 && leg <= TCPX_MAX_RTT_NS ? leg : 0;
}

/* The MSS its peer announced, less the 12 bytes of the timestamp option when both sides use timestamps. */
guint32
tcpx_mss_toward(const tcpx_stream_t *s, int sender)
{
    const tcpx_side_t *peer = &s->side[!sender];
    guint32 mss = peer->mss ? peer->mss : s->side[sender].mss;
    if (mss > 12 && s->side[0].ts && s->side[1].ts)
        mss -= 12;
    return mss;
}

gboolean
tcpx_early_in_unseen_start(const tcpx_stream_t *s)
{
    return s->midstream && s->frames <= EARLY_FRAMES;
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

/* ---- the steps of tcpx_analyze() --------------------------------------------- */

/* The stream's first frame and its roles. */
static void
note_frame(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg)
{
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
}

/* Its handshake frames: a capture's copy of a SYN is no SYN sent again (called after copies). */
static void
note_handshake(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg)
{
    guint16 synack = seg->flags & (TCPX_TH_SYN | TCPX_TH_ACK);
    if (synack == TCPX_TH_SYN && !s->synack_frame) {
        s->syns_sent++;
        s->last_syn_frame = seg->frame;
        s->last_syn_ts = seg->ts_ns;
    }
    if (synack == TCPX_TH_SYN && !s->syn_frame) {
        s->syn_frame = seg->frame;
        s->syn_ts = seg->ts_ns;
    } else if (synack == (TCPX_TH_SYN | TCPX_TH_ACK) && !s->synack_frame) {
        s->synack_frame = seg->frame;
        s->synack_ts = seg->ts_ns;
    }
    tcpx_learn_syn_options(&s->side[sender], seg);
}

/* Anomalies, in the order a reader needs them. */
static void
explain_anomalies(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    if (seg->ws & TCPX_WS_REUSED_PORTS)
        tcpx_explain_reused_ports(s, seg, r);
    if (seg->ws & TCPX_WS_LOST_SEGMENT)
        tcpx_explain_gap(s, sender, seg, r);
    gboolean reordered = (seg->ws & TCPX_WS_ANY_RETRANSMISSION) && tcpx_reordered_original(s, sender, seg);
    if ((seg->ws & TCPX_WS_ANY_RETRANSMISSION) && !reordered)
        tcpx_explain_retransmission(s, sender, seg, r);
    else if (seg->len > 0)
        tcpx_explain_nagle(s, sender, seg, r);
    if (seg->len > 0)
        tcpx_explain_beyond_window(s, sender, seg, r);
    if ((seg->ws & TCPX_WS_OUT_OF_ORDER) || reordered)
        tcpx_explain_out_of_order(s, sender, seg, r);
    if (seg->ws & TCPX_WS_ACK_LOST_SEGMENT)
        tcpx_explain_acked_unseen(s, sender, seg, r);
    guint32 unneeded = seg->n_sack ? tcpx_note_dsack(s, sender, seg, r) : 0;
    tcpx_note_ack_evidence(s, sender, seg);
    if (seg->ws & TCPX_WS_DUPLICATE_ACK)
        tcpx_explain_dup_ack(s, sender, seg, unneeded, r);
    else if (unneeded)
        tcpx_explain_dsack(s, sender, seg, unneeded, r);
    if (seg->ws & TCPX_WS_PARTIAL_ACK)
        tcpx_explain_partial_ack(s, sender, seg, r);
    if (seg->ws & TCPX_WS_AMBIGUOUS_ACK)
        tcpx_explain_ambiguous_ack(seg, r);
    if (seg->ws & (TCPX_WS_ZERO_WINDOW | TCPX_WS_ZERO_WINDOW_PROBE | TCPX_WS_ZERO_WINDOW_PROBE_ACK |
                   TCPX_WS_WINDOW_FULL | TCPX_WS_WINDOW_UPDATE))
        tcpx_explain_windows(s, sender, seg, r);
    if (seg->ws & (TCPX_WS_KEEP_ALIVE | TCPX_WS_KEEP_ALIVE_ACK))
        tcpx_explain_keepalive(s, sender, seg, r);
    if (seg->ws & (TCPX_WS_TFO_SYN | TCPX_WS_TFO_ACK | TCPX_WS_TFO_IGNORED))
        tcpx_explain_fast_open(seg, r);
    if (seg->flags & TCPX_TH_RST)
        tcpx_explain_reset(s, sender, seg, r);
    if (seg->csum == TCPX_CSUM_BAD || seg->csum == TCPX_CSUM_ZERO)
        tcpx_explain_checksum(s, sender, seg, r);
}

static int
sender_of(const tcpx_stream_t *s, const tcpx_side_t *d)
{
    return d == &s->side[0] ? 0 : 1;
}

/* What the sender has sent: counters, the ring of transmissions, the next sequence number. */
static void
update_sent(tcpx_stream_t *s, tcpx_side_t *d, const tcpx_segment_t *seg)
{
    guint32 end = seg_end(seg);
    gboolean new_data = !d->seq_known || tcpx_seq_gt(end, d->next_seq);
    if (seg->len > 0 && !(seg->ws & TCPX_WS_KEEP_ALIVE)) {
        d->data_segments++;
        d->last_data_ts = seg->ts_ns;
        d->recent->last_data_frame = seg->frame;
        d->recent->last_data_len = seg->len;
        d->recent->last_data_end = seg->seq + seg->len;
        d->recent->largest_len = MAX(d->recent->largest_len, seg->len);
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
    if ((seg->ws & TCPX_WS_KEEP_ALIVE) && !tcpx_is_window_probe(d, &s->side[!sender_of(s, d)], seg))
        d->keepalives++;
}

/* The window the sender advertises (a SYN's or a reset's says nothing about its buffer). */
static void
update_window(tcpx_side_t *d, const tcpx_segment_t *seg)
{
    if (seg->flags & (TCPX_TH_SYN | TCPX_TH_RST))
        return;
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

/* FIN, RST, checksums and the time of the sender's last frame. */
static void
update_flags(tcpx_stream_t *s, tcpx_side_t *d, const tcpx_segment_t *seg)
{
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

/* What the segment tells of its sender's host: the TTL of a packet that certainly comes from it
 * (SYN, SYN-ACK, data, ACKs once the handshake is complete), or, for a reset, the reset's TTL and
 * delay, kept to be judged against the host (tcpx_hosts.h); and a completed handshake's delays. */
static void
learn_host(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg)
{
    tcpx_side_t *d = &s->side[sender];
    int server = !tcpx_client_side(s);
    if (seg->flags & TCPX_TH_RST) {
        gboolean answers_syn = !s->synack_frame && s->syn_frame && sender == server;
        d->rst_has_ttl = seg->has_ttl;
        d->rst_ttl = seg->ip_ttl;
        d->rst_delay_ns = answers_syn && s->last_syn_frame ? MAX(seg->ts_ns - s->last_syn_ts, 1) : 0;
        if (answers_syn)
            s->rst_before_synack = TRUE;
        return;
    }
    if (seg->has_ttl && ((seg->flags & TCPX_TH_SYN) || seg->len > 0 || s->hs_ack_frame))
        tcpx_host_learn_ttl(s->host[sender], seg->ip_ttl);
    if (s->hs_ack_frame == seg->frame && s->synack_frame && s->last_syn_frame)
        tcpx_host_learn_handshake(s->host[server], s->host[!server], s->synack_ts - s->last_syn_ts,
                                  s->hs_ack_ts - s->synack_ts);
}

void
tcpx_analyze(tcpx_stream_t *s, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    int sender = seg->from_first ? 0 : 1;
    tcpx_side_t *d = &s->side[sender];

    memset(r, 0, offsetof(tcpx_result_t, f)); /* n_later too */
    tcpx_stream_ready(s);
    note_frame(s, sender, seg);
    r->from_client = sender == tcpx_client_side(s);
    r->phase = (guint8)tcpx_plain_phase(seg);
    guint64 identity = tcpx_packet_identity(seg);
    const tcpx_copy_slot_t *copy_of = tcpx_copy_of(s, sender, seg, identity);
    if (copy_of) {
        /* The capture's copy: nothing TCP did, so nothing to explain as TCP and nothing to remember. */
        tcpx_explain_copy(s, sender, seg, copy_of, r);
        s->anomalies[TCPX_K_CAPTURE_COPY]++;
        return;
    }
    note_handshake(s, sender, seg);
    tcpx_remember_packet(s, sender, seg, identity);
    explain_anomalies(s, sender, seg, r);
    tcpx_tell_story(s, sender, seg, r);
    tcpx_hindsight_step(s, sender, seg, r);
    for (guint8 i = 0; i < r->n; i++) {
        if (r->f[i].kind < TCPX_K_N_ANOMALIES)
            s->anomalies[r->f[i].kind]++;
    }

    /* Then remember what this segment did, for the frames that follow. */
    update_sent(s, d, seg);
    if (seg->ws & TCPX_WS_DUPLICATE_ACK) {
        remember_dupack(d, seg->frame);
    } else {
        remember_ack(d, seg);
        if (seg->flags & TCPX_TH_ACK)
            forget_acked(s, &s->side[!sender], seg->ack);
    }
    update_window(d, seg);
    tcpx_note_edge(s, sender, seg);
    update_flags(s, d, seg);
    learn_host(s, sender, seg);
}
