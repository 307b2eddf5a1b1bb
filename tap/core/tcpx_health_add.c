/* tcpx_health_add.c: records -> per-stream running totals (runs for every TCP header).
 *
 * tcpx_health_add() reads what a record says once, then hands it to one small
 * function per concern, in this order (later ones read what earlier ones
 * counted).  What the totals mean, and how the judgement uses them:
 * docs/health-rules.md.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_add.h"

/* The record's finding of this kind, or NULL. */
const tcpx_finding_t *
tcpx_health_finding_of(const tcpx_tap_rec_t *rec, guint kind)
{
    guint i;
    if (!rec->result)
        return NULL;
    for (i = 0; i < rec->result->n && i < TCPX_MAX_FINDINGS; i++)
        if (rec->result->f[i].kind == kind)
            return &rec->result->f[i];
    return NULL;
}

/* The finding's cause, if the record carries findings. */
guint8
tcpx_health_finding_cause(const tcpx_tap_rec_t *rec, guint kind)
{
    const tcpx_finding_t *f = tcpx_health_finding_of(rec, kind);
    return f ? f->cause : TCPX_C_NONE;
}

/* The RTT as known so far: the iRTT (the judgement derives the stream's later), else the reference RTT. */
static gint64
rtt_now(const hstream_t *hs)
{
    const tcpx_health_stream_t *s = &hs->pub;
    gint64 r = tcpx_health_rtt_ref(s);
    if (hs->rec_irtt_ns > 0)
        r = hs->rec_irtt_ns;
    else if (s->hs_ack && hs->hs_ack_ts > hs->syn_ts)
        r = tcpx_health_span(hs->syn_ts, hs->hs_ack_ts);
    return MIN(r, TCPX_MAX_RTT_NS); /* longer is a broken clock */
}

/* The RTT that spaces loss bursts: the larger of rtt_now and the average ACK RTT of either direction
 * (which includes queueing under load). */
static gint64
rtt_loaded_now(const hstream_t *hs)
{
    const tcpx_health_stream_t *s = &hs->pub;
    gint64 r = rtt_now(hs);
    int d;
    for (d = 0; d < 2; d++)
        if (s->rtt_n[d] && s->rtt_sum_ns[d] / s->rtt_n[d] > r)
            r = s->rtt_sum_ns[d] / s->rtt_n[d];
    return MIN(r, TCPX_MAX_RTT_NS);
}

/* An out-of-order segment that is a retransmission: the plugin saw its original (upstream of the
 * loss; Wireshark calls a resend "out-of-order" when it comes soon), or it fills a hole in the
 * capture half an RTT or more after the hole (downstream: the lost original's resend; a segment
 * reordered on the path comes sooner). */
static gboolean
ooo_is_retransmission(hstream_t *hs, const tcpx_tap_rec_t *rec, int d)
{
    const tcpx_health_hole_t *ho;
    gint64 rtt = rtt_now(hs);
    guint8 cause = tcpx_health_finding_cause(rec, TCPX_K_OUT_OF_ORDER);
    if (cause == TCPX_C_QUICK_RETRANSMISSION || cause == TCPX_C_RETX_PMTU_ICMP || cause == TCPX_C_RESEND_AFTER_GAP)
        return TRUE;
    if (cause == TCPX_C_REORDERING || cause == TCPX_C_REORDERED_ORIGINAL) /* its timing or its sender's numbering */
        return FALSE;
    ho = rec->len > 0 ? tcpx_health_hole_filled(hs, d, rec->seq) : NULL;
    return ho && tcpx_health_span(ho->ts, rec->ts_ns) >= (rtt > 0 ? rtt / 2 : 10 * NS_PER_MS);
}

static gboolean sender_made_resend(const tcpx_tap_rec_t *rec);
static gboolean resend_prompted(const hstream_t *hs, const tcpx_tap_rec_t *rec, int d);
static gint64 resend_wait(const tcpx_tap_rec_t *rec);

static inline void
read_record(hstream_t *hs, const tcpx_tap_rec_t *rec, rec_view_t *r)
{
    const tcpx_health_stream_t *s = &hs->pub;
    r->d = rec->from_client ? 0 : 1;
    r->kinds = rec->kinds;
    r->syn = (rec->flags & TCPX_TH_SYN) != 0;
    r->ack = (rec->flags & TCPX_TH_ACK) != 0;
    r->rst = (rec->flags & TCPX_TH_RST) != 0;
    r->fin = (rec->flags & TCPX_TH_FIN) != 0;
    r->keepalive = (r->kinds & K(TCPX_K_KEEP_ALIVE)) != 0;
    r->probe = (r->kinds & K(TCPX_K_ZERO_WINDOW_PROBE)) != 0;
    r->retx_any = (r->kinds & RETX_ANY) != 0;
    r->capdup = (r->kinds & K(TCPX_K_CAPTURE_COPY)) != 0;
    r->prompted = FALSE;
    r->orig_wait = 0;
    r->retx_loss = (r->kinds & RETX_LOSS) && !r->capdup;
    r->ooo_retx = (r->kinds & K(TCPX_K_OUT_OF_ORDER)) && !r->retx_any &&
                  tcpx_health_finding_cause(rec, TCPX_K_OUT_OF_ORDER) != TCPX_C_CAPTURE_DUPLICATE &&
                  ooo_is_retransmission(hs, rec, r->d);
    r->retx_any = r->retx_any || r->ooo_retx;
    r->retx_loss = r->retx_loss || r->ooo_retx;
    /* a SYN sent again after the server refused the previous one is a retry, not a loss */
    if (r->syn && !r->ack && r->d == 0 && s->resets[1] > 0)
        r->retx_loss = FALSE;
    /* data of a Fast Open SYN the server ignored must be sent again: not a loss */
    if (r->kinds & K(TCPX_K_TFO_IGNORED))
        hs->tfo_resend++;
    if (r->retx_loss && r->d == 0 && rec->len > 0 && hs->tfo_resend > 0) {
        hs->tfo_resend--;
        r->retx_loss = FALSE;
    }
    if ((r->kinds & K(TCPX_K_OUT_OF_ORDER)) && !r->ooo_retx) {
        guint8 cause = tcpx_health_finding_cause(rec, TCPX_K_OUT_OF_ORDER);
        hs->ooo[r->d]++;
        if (cause == TCPX_C_REORDERING || cause == TCPX_C_REORDERED_ORIGINAL)
            tcpx_health_hole_arrived(hs, rec, r->d);
    }
    /* resent in a smaller segment after a router's ICMP "too big": the ICMP said why, no loss on the path */
    r->pmtu_resend = r->retx_any && tcpx_health_is_pmtu_resend(rec);
    if (r->pmtu_resend || (r->retx_loss && sender_made_resend(rec)))
        r->retx_loss = FALSE;
    /* data the capture saw reach the receiver, which ACKed nothing until the sender's timer resent it */
    if (r->retx_loss) {
        r->prompted = resend_prompted(hs, rec, r->d);
        r->orig_wait = resend_wait(rec);
    }
    r->held = r->retx_loss && rec->len > 0 && !r->prompted && tcpx_health_held_by_receiver(hs, 1 - r->d, r->orig_wait);
    if (r->held)
        r->retx_loss = FALSE;
}

/* The time since the resent data's original passed the capture point (0: unknown). */
static gint64
resend_wait(const tcpx_tap_rec_t *rec)
{
    for (guint i = 0; rec->result && i < rec->result->n && i < TCPX_MAX_FINDINGS; i++) {
        const tcpx_finding_t *f = &rec->result->f[i];
        if ((K(f->kind) & RETX_ANY) && f->orig_age_ns > 0)
            return f->orig_age_ns;
    }
    return 0;
}

/* Names, first time, packets and bytes. */
static inline void
add_traffic(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    tcpx_health_stream_t *s = &hs->pub;
    if (rec->st)
        hs->st = rec->st;
    if (!s->client && rec->client)
        s->client = g_strdup(rec->client);
    if (!s->server && rec->server)
        s->server = g_strdup(rec->server);
    if (!hs->seen_any) {
        hs->seen_any = TRUE;
        s->first_ts = rec->ts_ns;
        s->midstream = !r->syn;
        if (hs->st && hs->st->midstream)
            s->midstream = TRUE;
    }
    s->roles_guessed = rec->roles_guessed;
    if (rec->ts_ns > s->last_ts || s->packets[0] + s->packets[1] == 0)
        s->last_ts = rec->ts_ns;
    s->packets[r->d]++;
    s->bytes[r->d] += rec->len;
}

/* The handshake, from the records themselves. */
static inline void
add_handshake(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    tcpx_health_stream_t *s = &hs->pub;
    if (r->syn && !r->ack && r->d == 0 && !s->synack) {
        if (!s->syn)
            hs->first_syn_ts = rec->ts_ns;
        else if (r->retx_loss)
            s->syn_lost++;
        s->syn = TRUE;
        hs->syn_ts = rec->ts_ns; /* the last SYN before the SYN-ACK */
    } else if (r->syn && r->ack && r->d == 1) {
        if (!s->synack)
            hs->synack_ts = rec->ts_ns;
        s->synack = TRUE;
        if (s->rst_side >= 0) {
            /* earlier attempts on these ports were reset: judge the connection that follows */
            if (s->rst_side == 1 && !s->hs_ack)
                s->refusals++;
            s->rst_side = -1;
            s->rst_after_data = FALSE;
            hs->rst_after_fins = hs->rst_after_one_fin = FALSE;
        }
    } else if (!r->syn && !r->rst && r->ack && r->d == 0 && s->synack && !s->hs_ack) {
        s->hs_ack = TRUE;
        hs->hs_ack_ts = rec->ts_ns;
    }
    if (r->rst && r->d == 1 && !s->synack)
        hs->rst_before_synack = TRUE;
    /* after a reset answered a SYN, TCP's iRTT may be SYN -> RST: the handshake's own times instead */
    if (rec->irtt_ns > 0 && s->synack && !hs->rst_before_synack)
        hs->rec_irtt_ns = rec->irtt_ns;
}

static inline void
add_anomalies(hstream_t *hs, const rec_view_t *r)
{
    tcpx_health_stream_t *s = &hs->pub;
    for (guint32 m = r->kinds & (K(TCPX_K_N_ANOMALIES) - 1); m; m &= m - 1)
        s->anomalies[g_bit_nth_lsf(m, -1)]++;
    if (r->kinds & K(TCPX_K_DUP_ACK))
        s->dup_acks++;
}

/* A resend the receiver's duplicate ACKs or SACK blocks asked for (not a timer's).  One Wireshark calls
 * out-of-order (it came right after new data) carries no such cause: it was asked for when the receiver's
 * latest ACK was a duplicate ACK, or had just stopped at these bytes (a SACK hole; a timer fires a
 * retransmission timeout, 200 ms at least, after the ACK it waited on). */
static gboolean
resend_prompted(const hstream_t *hs, const tcpx_tap_rec_t *rec, int d)
{
    for (guint i = 0; rec->result && i < rec->result->n && i < TCPX_MAX_FINDINGS; i++) {
        guint8 c = rec->result->f[i].cause;
        if (c == TCPX_C_FAST_RETX_DUPACKS || c == TCPX_C_RETX_AFTER_DUPACKS || c == TCPX_C_RETX_IN_RECOVERY)
            return TRUE;
        if (c == TCPX_C_QUICK_RETRANSMISSION && rec->result->f[i].kind == TCPX_K_OUT_OF_ORDER)
            return hs->last_dupack[1 - d] || (hs->ack_known[1 - d] && hs->last_ack[1 - d] == rec->seq &&
                                              rec->ts_ns - hs->last_ack_ts[1 - d] < MAX(rec->irtt_ns, 10 * NS_PER_MS));
    }
    return FALSE;
}

/* Data segments and retransmissions. */
static inline void
add_data(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    tcpx_health_stream_t *s = &hs->pub;
    if (rec->len > 0 && !r->keepalive) {
        s->data_segments++;
        hs->data_segs_dir[r->d]++;
    }
    if (r->retx_any && rec->len > 0) {
        s->retx_segments++;
        s->retx_bytes += rec->len;
    }
    if (r->retx_any)
        s->retx_records++;
    if (r->retx_loss) {
        guint32 k = hs->loss_retx_next[r->d]++ % G_N_ELEMENTS(hs->loss_retx_frame[0]);
        s->retx_net[r->d]++;
        if (rec->len > 0)
            hs->retx_loss_payload++;
        hs->loss_retx_frame[r->d][k] = rec->frame;
        hs->loss_retx_payload[r->d][k] = rec->len > 0;
        hs->loss_retx_prompted[r->d][k] = r->prompted;
    }
    if (r->held)
        tcpx_health_add_held(hs, rec, r);
}

/* Resends whose cause is a stream-wide issue: a path-MTU black hole (full-size segments vanish,
 * smaller ones arrive), a sender's retransmission timer far too long (its longest wait kept). */
static inline void
add_retx_causes(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    tcpx_health_stream_t *s = &hs->pub;
    for (guint i = 0; rec->result && i < rec->result->n && i < TCPX_MAX_FINDINGS; i++) {
        const tcpx_finding_t *f = &rec->result->f[i];
        if (f->cause == TCPX_C_RETX_PMTU_BLACKHOLE) {
            s->blackhole_retx++;
            s->blackhole_len = rec->len;
        } else if (f->cause == TCPX_C_RETX_TIMER_LONG) {
            s->timer_long_retx++;
            s->timer_long_side = r->d;
            s->timer_long_ns = MAX(s->timer_long_ns, f->orig_age_ns);
        }
    }
}

/* Data resent although its ACK crossed the capture point long before (tcpx_ack_lost_sure()): the
 * ACK was lost, or held, on the way to the sender. */
static inline void
add_ack_lost(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    const tcpx_finding_t *f = tcpx_health_finding_of(rec, TCPX_K_SPURIOUS_RETRANSMISSION);
    tcpx_health_stream_t *s = &hs->pub;
    if (!f || !tcpx_ack_lost_sure(f))
        return;
    s->ack_lost_resends++;
    s->ack_lost_side = r->d;
    s->ack_lost_wait_ns = MAX(s->ack_lost_wait_ns, f->ack_age_ns);
}

/* A sender's TCP ignoring the receiver: data it had SACKed sent again, data past its window, and
 * the resends of that data (none of them a loss on the path: read_record leaves them out). */
static inline void
add_sender_faults(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    tcpx_health_stream_t *s = &hs->pub;
    for (guint i = 0; rec->result && i < rec->result->n && i < TCPX_MAX_FINDINGS; i++) {
        const tcpx_finding_t *f = &rec->result->f[i];
        if (f->cause == TCPX_C_RETX_SACKED) {
            s->sacked_resent++;
            s->sacked_resent_bytes += rec->len;
            s->sacked_side = r->d;
        } else if (f->kind == TCPX_K_BEYOND_WINDOW) {
            s->beyond_segments++;
            s->beyond_bytes += f->bytes;
            s->beyond_side = r->d;
        } else if (f->cause == TCPX_C_RETX_BEYOND_WINDOW) {
            s->beyond_resent++;
        }
    }
}

/* A resend the sender's own fault made necessary (it resent SACKed data, or its first copy went past the
 * window): no loss on the path. */
static gboolean
sender_made_resend(const tcpx_tap_rec_t *rec)
{
    for (guint i = 0; rec->result && i < rec->result->n && i < TCPX_MAX_FINDINGS; i++) {
        guint8 c = rec->result->f[i].cause;
        if (c == TCPX_C_RETX_SACKED || c == TCPX_C_RETX_BEYOND_WINDOW)
            return TRUE;
    }
    return FALSE;
}

/* A small segment Nagle held until the peer's delayed ACK. */
static inline void
add_nagle(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    for (guint i = 0; rec->result && i < rec->result->n && i < TCPX_MAX_FINDINGS; i++) {
        if (rec->result->f[i].kind == TCPX_K_NAGLE) {
            hs->pub.nagle_stalls++;
            hs->pub.nagle_side = r->d;
            hs->pub.nagle_lost_ns += rec->result->f[i].idle_ns;
        }
    }
}

/* The time of the first transmission of what this retransmission resends (its own time if unknown). */
static gint64
original_ts(const tcpx_tap_rec_t *rec)
{
    for (guint i = 0; rec->result && i < rec->result->n && i < TCPX_MAX_FINDINGS; i++) {
        const tcpx_finding_t *f = &rec->result->f[i];
        if ((RETX_LOSS & K(f->kind)) && f->orig_frame && f->orig_age_ns > 0)
            return rec->ts_ns - f->orig_age_ns;
    }
    return rec->ts_ns;
}

/* Retry series: the same segment (data or FIN) sent again and again while nothing comes
 * from the peer; each wait at least 1.5 times the previous one (exponential backoff) or
 * 100 s (the backoff's cap). Anything from the peer, or new data from the sender, ends it. */
static inline void
add_retry_series(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    int d = r->d;
    gboolean retry = r->retx_loss && !r->syn && !r->rst && (rec->len > 0 || r->fin);
    hs->rs_n[!d] = 0; /* the peer of the other side's series is alive */
    if (retry && hs->rs_n[d] > 0 && rec->seq == hs->rs_seq[d]) {
        gint64 gap = rec->ts_ns - hs->rs_last_ts[d];
        if (hs->rs_n[d] >= 2 && gap * 2 < hs->rs_gap[d] * 3 && gap < 100 * NS_PER_S)
            hs->rs_backoff[d] = FALSE;
        hs->rs_gap[d] = gap;
        hs->rs_n[d]++;
        hs->rs_last_ts[d] = rec->ts_ns;
    } else if (retry) {
        hs->rs_seq[d] = rec->seq;
        hs->rs_n[d] = 1;
        hs->rs_orig_ts[d] = original_ts(rec);
        hs->rs_last_ts[d] = rec->ts_ns;
        hs->rs_gap[d] = rec->ts_ns - hs->rs_orig_ts[d];
        hs->rs_backoff[d] = TRUE;
        hs->peer_last_frame[d] = hs->last_frame[!d];
    } else if ((rec->len > 0 && !r->keepalive && !r->probe) || r->syn || (r->fin && !r->retx_any)) {
        hs->rs_n[d] = 0;
    }
    hs->last_frame[d] = rec->frame;
}

/* Segments lost within this time of each other belong to one cluster (one recovery). */
static gint64
burst_window(const tcpx_health_prefs_t *p, const hstream_t *hs)
{
    gint64 window = (gint64)CLAMP(p->burst_rtts, 1, 1000) * rtt_loaded_now(hs);
    return window > 0 ? window : 200 * NS_PER_MS;
}

/* n consecutive segments of sender d lost around time t (a hole); sack: the SACK hole a retransmission
 * of them filled. */
static void
loss_segments(const tcpx_health_prefs_t *p, hstream_t *hs, int d, gint64 t, guint32 n, guint32 sack)
{
    gint64 gap = t >= hs->cl_last_ts[d] ? tcpx_health_span(hs->cl_last_ts[d], t)
                                        : tcpx_health_span(t, hs->cl_last_ts[d]);
    if (hs->cl_open[d] && gap <= burst_window(p, hs)) {
        hs->cl_segs[d] += n;
        hs->cl_run[d] = MAX(hs->cl_run[d], MAX(n, sack));
        hs->cl_last_ts[d] = MAX(hs->cl_last_ts[d], t);
        return;
    }
    if (hs->cl_open[d]) {
        guint32 size = MAX(hs->cl_segs[d], hs->cl_run[d]);
        hs->loss_closed += size;
        hs->burst_closed += tcpx_health_cluster_burst(p, size, hs->cl_run[d]) ? size : 0;
    }
    hs->cl_open[d] = TRUE;
    hs->cl_segs[d] = n;
    hs->cl_run[d] = MAX(n, sack);
    hs->cl_last_ts[d] = t;
}

/* Loss events: what the capture shows of a lost segment, at either capture position.  Upstream of
 * the loss, its retransmission (of data or a FIN, out-of-order ones included: ooo_is_retransmission);
 * downstream, the hole it left, all its segments dated when the hole was seen, once a retransmission
 * fills it (a hole never filled is the capture's).  A retransmission of the start of a SACK hole the
 * receiver reported shows that hole's segments lost together. */
static inline void
add_loss_event(const tcpx_health_prefs_t *p, hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    int d = r->d;
    tcpx_health_hole_t *ho;
    guint32 sack = 0;
    if (!r->retx_loss || r->syn || r->rst || (rec->len == 0 && !r->fin))
        return;
    ho = rec->len > 0 ? tcpx_health_hole_filled(hs, d, rec->seq) : NULL;
    if (hs->sack_segs[d] && hs->sack_ack[d] == rec->seq &&
        tcpx_health_span(hs->sack_ts[d], rec->ts_ns) <= burst_window(p, hs))
        sack = hs->sack_segs[d];
    if (!ho) {
        loss_segments(p, hs, d, rec->ts_ns, 1, sack);
    } else if (ho->segs > 0) { /* the first fill: the hole's segments were lost when it was seen */
        loss_segments(p, hs, d, ho->ts, ho->segs, sack);
        ho->segs = 0;
    }
}

/* A duplicate ACK reporting a SACK hole in the other side's data: how many segments it misses. */
static inline void
add_sack_hole(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    const tcpx_finding_t *f = tcpx_health_finding_of(rec, TCPX_K_DUP_ACK);
    int sender = 1 - r->d;
    guint32 segs;
    hs->last_dupack[r->d] = (r->kinds & K(TCPX_K_DUP_ACK)) != 0;
    if (!f || f->cause != TCPX_C_DUPACK_HOLE || f->bytes == 0)
        return;
    segs = f->segments ? f->segments : tcpx_segments_for(f->bytes, 1460);
    /* the first of a run reports the lowest hole; later ones may span several holes and the blocks between */
    if (hs->sack_segs[sender] == 0 || hs->sack_ack[sender] != rec->ack || segs < hs->sack_segs[sender])
        hs->sack_segs[sender] = segs;
    hs->sack_ack[sender] = rec->ack;
    hs->sack_ts[sender] = rec->ts_ns;
}

/* ACK RTT: this header acknowledges the other side's data. */
static inline void
add_rtt(tcpx_health_stream_t *s, const tcpx_tap_rec_t *rec, int d)
{
    int dir = d == 0 ? TCPX_S2C : TCPX_C2S;
    if (rec->ack_rtt_ns <= 0 || rec->ack_rtt_ns > TCPX_MAX_RTT_NS)
        return;
    if (s->rtt_n[dir] == 0 || rec->ack_rtt_ns < s->rtt_min_ns[dir])
        s->rtt_min_ns[dir] = rec->ack_rtt_ns;
    if (rec->ack_rtt_ns > s->rtt_max_ns[dir])
        s->rtt_max_ns[dir] = rec->ack_rtt_ns;
    s->rtt_sum_ns[dir] += rec->ack_rtt_ns;
    s->rtt_n[dir]++;
}

/* FINs and the first RST of the connection. */
static inline void
add_close(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    tcpx_health_stream_t *s = &hs->pub;
    guint32 end = rec->seq + rec->len + (r->fin ? 1 : 0);
    if (r->fin)
        s->fin[r->d] = TRUE;
    if (!r->rst && !r->syn && end != rec->seq && (!hs->snd_known[r->d] || tcpx_seq_gt(end, hs->snd_max[r->d]))) {
        hs->snd_max[r->d] = end;
        hs->snd_known[r->d] = TRUE;
    }
    if (!r->rst)
        return;
    s->resets[r->d]++;
    if (s->rst_side < 0) {
        s->rst_side = r->d;
        s->rst_cause = rec->reset_cause;
        s->rst_after_data = (s->bytes[0] + s->bytes[1]) > 0;
        hs->rst_after_fins = s->fin[0] && s->fin[1];
        hs->rst_after_one_fin = s->fin[0] || s->fin[1];
    }
}

gboolean
tcpx_health_scale_known(const tcpx_stream_t *st)
{
    return st && st->side[0].syn_seen && st->side[1].syn_seen && !st->side[0].options_cut && !st->side[1].options_cut;
}

void
tcpx_health_view_of(const tcpx_stream_t *st, tcpx_health_view_t *v)
{
    memset(v, 0, sizeof *v);
    if (!st)
        return;
    v->mss[0] = st->side[0].mss;
    v->mss[1] = st->side[1].mss;
    v->client = (guint8)tcpx_client_side(st);
    v->scale_known = tcpx_health_scale_known(st);
}

const tcpx_health_stream_t *
tcpx_health_add(tcpx_health_t *h, const tcpx_tap_rec_t *rec)
{
    return tcpx_health_add_as(h, rec, NULL);
}

const tcpx_health_stream_t *
tcpx_health_add_as(tcpx_health_t *h, const tcpx_tap_rec_t *rec, const tcpx_health_view_t *view)
{
    hstream_t *hs;
    rec_view_t r;

    if (!h || !rec)
        return NULL;
    if (rec->tcp_analysis_off)
        h->analysis_off = TRUE;
    tcpx_health_add_capture(h, rec);
    hs = tcpx_health_find(h, rec->stream);
    if (!hs)
        hs = tcpx_health_new_stream(h, rec);
    if (view)
        hs->view = *view;
    else
        tcpx_health_view_of(rec->st ? rec->st : hs->st, &hs->view);
    if (rec->icmp) { /* a router's word about the stream, no segment of it */
        tcpx_health_add_pmtu_icmp(hs, rec);
        tcpx_health_add_unreachable(hs, rec);
        return &hs->pub;
    }

    if (rec->ts_ns > h->capture_last_ts)
        h->capture_last_ts = rec->ts_ns;
    read_record(hs, rec, &r);
    if (r.capdup) {
        /* The capture's copy of a packet already counted: a packet of the file, evidence of
         * nothing but the capture (its bytes were counted once). */
        hs->pub.capture_dups++;
        hs->pub.anomalies[TCPX_K_CAPTURE_COPY]++;
        hs->pub.packets[r.d]++;
        if (rec->ts_ns > hs->pub.last_ts)
            hs->pub.last_ts = rec->ts_ns;
        return &hs->pub;
    }
    add_traffic(hs, rec, &r);
    add_handshake(hs, rec, &r);
    add_anomalies(hs, &r);
    add_data(hs, rec, &r);
    if (r.ack && !r.syn && !r.rst)
        add_sack_hole(hs, rec, &r);
    add_loss_event(&h->prefs, hs, rec, &r);
    add_sender_faults(hs, rec, &r);
    add_retry_series(hs, rec, &r);
    tcpx_health_add_dsack(hs, rec, &r);
    tcpx_health_add_silence(hs, rec, &r);
    if (r.pmtu_resend)
        tcpx_health_add_pmtu_resend(hs, rec);
    if (r.retx_loss)
        add_retx_causes(hs, rec, &r);
    else if (rec->len > 0 && rec->result)
        add_nagle(hs, rec, &r);
    if (r.kinds & K(TCPX_K_SPURIOUS_RETRANSMISSION))
        add_ack_lost(hs, rec, &r);
    if ((r.kinds & K(TCPX_K_LOST_SEGMENT)) || rec->lost_bytes > 0)
        tcpx_health_add_hole(hs, rec, r.d);
    if (r.kinds & K(TCPX_K_ACKED_UNSEEN))
        hs->pub.acked_unseen++;
    if (r.retx_any)
        tcpx_health_note_resend(hs, r.d);
    if (!(r.rst && !hs->pub.synack)) { /* SYN -> RST is a round trip only if the server sent it */
        add_rtt(&hs->pub, rec, r.d);
        tcpx_health_add_queue(hs, rec, r.d);
    }
    tcpx_health_add_windows(hs, rec, &r);
    tcpx_health_add_exchange(hs, rec, &r);
    add_close(hs, rec, &r);
    tcpx_health_add_limits(hs, rec, &r);
    tcpx_health_add_history(hs, rec, &r);
    return &hs->pub;
}
