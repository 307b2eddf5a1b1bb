/* tcpx_story.c: a connection's life: its handshake and options, Fast Open, reused
 * ports, its close or reset, and checksums; the story steps of ordinary frames.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_steps.h"
#include "tcpx_hosts.h"

/* Port reuse within this long of the old connection's close hits TIME-WAIT (2 x MSL on Linux). */
#define TIME_WAIT_NS (G_GINT64_CONSTANT(60000) * NS_PER_MS)

void
tcpx_explain_reused_ports(tcpx_stream_t *s, const tcpx_segment_t *seg, tcpx_result_t *r)
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
        gboolean refused = p->side[1 - tcpx_client_side(p)].rst_frame && !p->side[1 - tcpx_client_side(p)].syn_seen;
        if (!closed_frame)
            cause = TCPX_C_PORTS_REUSED_NOT_CLOSED;
        else if (refused)
            cause = TCPX_C_PORTS_REUSED_AFTER_REFUSAL;
        else if (seg->ts_ns - closed_ts < TIME_WAIT_NS)
            cause = TCPX_C_PORTS_REUSED_TIME_WAIT;
        else
            cause = TCPX_C_PORTS_REUSED_AFTER_CLOSE;
    }
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_REUSED_PORTS, cause);
    f->prev_stream = p ? p->id + 1 : 0;
    f->ref_frame = closed_frame ? closed_frame : (p ? p->first_frame : 0);
    f->ref_age_ns = closed_frame ? seg->ts_ns - closed_ts : (p ? seg->ts_ns - p->first_ts : 0);
}

void
tcpx_explain_fast_open(const tcpx_segment_t *seg, tcpx_result_t *r)
{
    if (seg->ws & TCPX_WS_TFO_SYN)
        tcpx_finding(r, TCPX_K_TFO_SYN, TCPX_C_TFO)->bytes = seg->len;
    if (seg->ws & TCPX_WS_TFO_ACK)
        tcpx_finding(r, TCPX_K_TFO_ACK, TCPX_C_TFO)->bytes = seg->ack ? seg->ack - 1 : 0;
    if (seg->ws & TCPX_WS_TFO_IGNORED)
        tcpx_finding(r, TCPX_K_TFO_IGNORED, TCPX_C_TFO_REJECTED);
}

/* A SYN answered by a reset: refused by the host only when the reset is consistent with the
 * host's own packets; forged when it contradicts them; otherwise undetermined. */
static tcpx_cause_t
refusal_cause(const tcpx_rst_evidence_t *ev)
{
    if (ev->origin == TCPX_RST_FORGED)
        return TCPX_C_RST_FORGED;
    return ev->origin == TCPX_RST_FROM_HOST ? TCPX_C_RST_REFUSED : TCPX_C_RST_REFUSED_UNDETERMINED;
}

static tcpx_cause_t
reset_cause(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, const tcpx_rst_evidence_t *ev)
{
    const tcpx_side_t *d = &s->side[sender];
    const tcpx_side_t *peer = &s->side[!sender];
    guint32 payload = s->side[0].payload_bytes + s->side[1].payload_bytes;

    if (ev->delay_ns > 0)
        return refusal_cause(ev);
    if (ev->origin == TCPX_RST_FORGED)
        return TCPX_C_RST_FORGED_MID;
    if (s->midstream && !payload && !d->fin_frame && !peer->fin_frame)
        return TCPX_C_RST_UNKNOWN_START;
    if (d->fin_frame || peer->fin_frame)
        return TCPX_C_RST_AFTER_FIN;
    if (!payload)
        return TCPX_C_RST_HANDSHAKE_ABORT;
    gint64 last = MAX(d->last_data_ts, peer->last_data_ts);
    gint64 rtt = tcpx_stream_rtt(s, seg);
    /* Data was flowing until just before: an abort mid-transfer. Long silence first: an idle reset. */
    return (last && seg->ts_ns - last > MAX(G_GINT64_CONSTANT(1000) * NS_PER_MS, 10 * rtt)) ? TCPX_C_RST_IDLE
                                                                                            : TCPX_C_RST_MID_TRANSFER;
}

void
tcpx_explain_reset(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    const tcpx_side_t *d = &s->side[sender];
    const tcpx_side_t *peer = &s->side[!sender];
    tcpx_rst_evidence_t ev;
    gboolean answers_syn = !s->synack_frame && s->syn_frame && sender != tcpx_client_side(s);
    /* a SYN answered: judged on TTL and timing; any other reset on its TTL alone */
    tcpx_rst_judge(s->host[sender], seg->has_ttl, seg->ip_ttl,
                   answers_syn ? MAX(seg->ts_ns - (s->last_syn_frame ? s->last_syn_ts : s->syn_ts), 1) : 0, &ev);
    tcpx_cause_t cause = reset_cause(s, sender, seg, &ev);
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_RESET, cause);

    f->bytes = d->payload_bytes;
    f->bytes2 = peer->payload_bytes;
    f->ttl = ev.ttl;
    if (ev.ttl_differs || cause == TCPX_C_RST_REFUSED)
        f->ttl_ref = ev.ttl_ref; /* the evidence: a TTL that differs, or the same as the host's */
    if (ev.too_fast)
        f->rtt_ns = ev.hs_ns;
    if (ev.delay_ns > 0) {
        f->ref_frame = s->last_syn_frame ? s->last_syn_frame : s->syn_frame;
        f->ref_age_ns = ev.delay_ns;
    } else if (cause == TCPX_C_RST_AFTER_FIN) {
        f->ref_frame = d->fin_frame ? d->fin_frame : peer->fin_frame;
        f->ref_age_ns = seg->ts_ns - (d->fin_frame ? d->fin_ts : peer->fin_ts);
    } else {
        f->ref_frame = peer->last_frame;
        f->ref_age_ns = peer->last_frame ? seg->ts_ns - peer->last_ts : 0;
    }
    gint64 last = MAX(d->last_data_ts, peer->last_data_ts);
    f->idle_ns = last ? seg->ts_ns - last : 0;
    f->count = s->resets + 1;
}

void
tcpx_explain_checksum(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    const tcpx_side_t *d = &s->side[sender];
    const tcpx_side_t *peer = &s->side[!sender];
    tcpx_cause_t cause;

    if (d->csum_good > 0)
        cause = TCPX_C_CSUM_CORRUPTION; /* the same sender also sent good ones */
    else if (peer->csum_bad > 0 && peer->csum_good == 0)
        cause = TCPX_C_CSUM_LOCAL_BOTH; /* both ends' frames: both ends are the capturing host */
    else
        cause = TCPX_C_CSUM_OFFLOAD;
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_CHECKSUM, cause);
    f->checksum = seg->checksum;
    f->zero_checksum = seg->csum == TCPX_CSUM_ZERO;
    f->count = d->csum_bad + 1;
    f->total = peer->csum_good;
}

/* ---- the story ---------------------------------------------------------- */

void
tcpx_learn_syn_options(tcpx_side_t *d, const tcpx_segment_t *seg)
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

tcpx_syn_opts_t
tcpx_syn_opts_of(const tcpx_side_t *d)
{
    tcpx_syn_opts_t o;
    o.mss = d->mss;
    o.wscale = d->wscale;
    o.flags = (guint8)((d->syn_seen ? TCPX_SYN_SEEN : 0) | (d->options_cut ? TCPX_SYN_CUT : 0) |
                       (d->sack_perm ? TCPX_SYN_SACK : 0) | (d->ts ? TCPX_SYN_TS : 0) | (d->tfo ? TCPX_SYN_TFO : 0) |
                       (d->ecn_setup ? TCPX_SYN_ECN : 0));
    return o;
}

/* The handshake: SYN, SYN-ACK (with both sides' options as known now), and its ACK. */
static void
tell_handshake(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, gboolean retransmitted, tcpx_result_t *r)
{
    guint16 synack = seg->flags & (TCPX_TH_SYN | TCPX_TH_ACK);

    if ((synack == TCPX_TH_SYN || synack == (TCPX_TH_SYN | TCPX_TH_ACK)) && !retransmitted) {
        tcpx_finding_t *f = tcpx_finding(r, synack == TCPX_TH_SYN ? TCPX_K_SYN : TCPX_K_SYNACK, TCPX_C_STORY);
        f->sender_opts = tcpx_syn_opts_of(&s->side[sender]);
        f->peer_opts = tcpx_syn_opts_of(&s->side[!sender]);
        if (synack != TCPX_TH_SYN) {
            f->ref_frame = s->syn_frame;
            f->ref_age_ns = s->syn_frame ? seg->ts_ns - s->syn_ts : 0;
        }
        /* it answers a SYN sent again (not after a reset): the connect waited for the first ones */
        if (synack != TCPX_TH_SYN && s->syns_sent > 1 && s->syn_frame && !s->rst_before_synack) {
            f->cause = TCPX_C_CONNECT_SYNS_LOST;
            f->ref_frame = s->last_syn_frame;
            f->ref_age_ns = seg->ts_ns - s->last_syn_ts;
            f->orig_frame = s->syn_frame;
            f->orig_age_ns = seg->ts_ns - s->syn_ts;
            f->attempt = s->syns_sent;
        }
    } else if (s->synack_frame && !s->hs_ack_frame && (seg->flags & TCPX_TH_ACK) &&
               !(seg->flags & (TCPX_TH_SYN | TCPX_TH_RST)) && sender == tcpx_client_side(s)) {
        s->hs_ack_frame = seg->frame;
        s->hs_ack_ts = seg->ts_ns;
        tcpx_finding_t *f = tcpx_finding(r, TCPX_K_HANDSHAKE_ACK, TCPX_C_STORY);
        r->phase = TCPX_PHASE_HANDSHAKE;
        f->ref_frame = s->synack_frame;
        f->ref_age_ns = seg->ts_ns - s->synack_ts;
        /* from the SYN the SYN-ACK answers: after retries (or resets) not the first one */
        f->syn_synack_ns = s->last_syn_frame ? s->synack_ts - s->last_syn_ts : 0;
        f->synack_ack_ns = seg->ts_ns - s->synack_ts;
    } else if (s->frames == 1 && !(seg->flags & TCPX_TH_SYN)) {
        tcpx_finding(r, TCPX_K_MIDSTREAM, TCPX_C_STORY);
    }
}

/* The close: each side's FIN, the last ACK, or data after the other side's FIN. */
static void
tell_close(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, gboolean retransmitted, tcpx_result_t *r)
{
    const tcpx_side_t *d = &s->side[sender];
    const tcpx_side_t *peer = &s->side[!sender];

    if ((seg->flags & TCPX_TH_FIN) && !d->fin_frame && !retransmitted) {
        tcpx_finding_t *f = tcpx_finding(r, peer->fin_frame ? TCPX_K_FIN_SECOND : TCPX_K_FIN_FIRST, TCPX_C_STORY);
        f->ref_frame = peer->fin_frame;
        f->ref_age_ns = peer->fin_frame ? seg->ts_ns - peer->fin_ts : 0;
        f->bytes = d->payload_bytes + seg->len;
    } else if (peer->fin_frame && (seg->flags & TCPX_TH_ACK) && !(seg->flags & (TCPX_TH_FIN | TCPX_TH_RST)) &&
               tcpx_seq_ge(seg->ack, peer->next_seq) && (!d->ack_known || tcpx_seq_lt(d->high_ack, peer->next_seq)) &&
               d->fin_frame) {
        /* The last ACK: the FIN of the side that closed second is acknowledged. */
        tcpx_finding_t *f = tcpx_finding(r, TCPX_K_CLOSE_ACK, TCPX_C_STORY);
        r->phase = TCPX_PHASE_TEARDOWN;
        f->ref_frame = peer->fin_frame;
        f->ref_age_ns = seg->ts_ns - peer->fin_ts;
    } else if (peer->fin_frame && !d->fin_frame && seg->len > 0 && d->last_data_ts <= peer->fin_ts && !retransmitted) {
        tcpx_finding_t *f = tcpx_finding(r, TCPX_K_HALF_CLOSE, TCPX_C_STORY);
        f->ref_frame = peer->fin_frame;
        f->ref_age_ns = seg->ts_ns - peer->fin_ts;
    }
}

void
tcpx_tell_story(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    gboolean retransmitted = (seg->ws & TCPX_WS_ANY_RETRANSMISSION) != 0;
    tell_handshake(s, sender, seg, retransmitted, r);
    tell_close(s, sender, seg, retransmitted, r);
}
