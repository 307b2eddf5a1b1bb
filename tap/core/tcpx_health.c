/* tcpx_health.c: per-stream health from tcpx tap records (plain C, no epan).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * THE RULES
 * =========
 * Everything below is computed over the whole stream, from the records the
 * "tcpx" tap delivers (one per TCP header, frame order).  "Client" is the SYN
 * sender; without a SYN the plugin guesses from the ports and the stream is
 * marked roles_guessed.  Thresholds and weights are tcpx preferences; the
 * defaults are given in [brackets].
 *
 * Traffic: packets and TCP payload bytes each way; first/last time, duration.
 *
 * RTT: iRTT is the plugin's handshake RTT (or, failing that, SYN -> handshake
 *   ACK as captured).  ACK RTT min/avg/max is kept per direction of the data
 *   being acknowledged (c2s: client data acknowledged by the server).  The
 *   reference RTT of the rules is the iRTT, else the larger of the two
 *   minimum ACK RTTs (the smaller one is the near side's delay only).
 *
 * Application response time: a request is new client payload (not a
 *   retransmission, keep-alive or zero-window probe); the exchange ends at the
 *   server's first new payload after it.  Response time = that payload's time
 *   minus the time of the request's last segment.  For each exchange we also
 *   note when the server's TCP first acknowledged the whole request (an ACK
 *   before the answer; "piggybacked" if none) and the keep-alives seen while
 *   it waited.  Reported: count, average, maximum (and, for the slowest
 *   exchange, its ACK delay and keep-alives).
 *
 * Retransmissions: "retransmitted bytes/segments" count every retransmission
 *   kind.  Retransmissions that the plugin explains as duplicates in the
 *   capture (cause CAPTURE_DUPLICATE) are capture problems, not loss.
 *   Spurious retransmissions are reported but are not loss.  Loss
 *   retransmissions = plain + fast retransmissions, not capture duplicates.
 *   Retransmission (loss) rate = loss retransmissions carrying payload /
 *   payload segments (keep-alives excluded).
 *
 * Bytes not captured: sum of the lost-segment records' missing bytes, and in
 *   segments at the negotiated MSS (the plugin's count, else bytes / the
 *   receiver's MSS, else / 1460).  A hole is a CAPTURE miss when the plugin
 *   says so (cause CAPTURE_STARTED_LATE or CAPTURE_MISSED), when it comes at
 *   the capture's start (stream started mid-stream and the sender had sent
 *   fewer than 3 payload segments), or when the sender never retransmitted
 *   anything (the receiver got the data: only the capture lost it) -- except
 *   as many holes as that sender had out-of-order segments, which were
 *   reordering.  Other holes are network losses.  The data of a Fast Open SYN
 *   that the server ignored is resent by design: that retransmission is not
 *   a loss.  "ACKed unseen" segments are always capture misses (the receiver
 *   acknowledged them).
 *
 * Zero window: a side's zero-window period runs from its first ACK with
 *   window 0 to its next ACK with a window > 0 (SYN/RST ignored), or to the
 *   end of the stream.  The side with the most zero-window time is the one
 *   whose application is not reading.  "Window full" counts against the
 *   receiver of the data.
 *
 * Completeness (words): "refused" (SYN answered by RST), "SYN unanswered",
 *   "handshake only[, then ...]", "complete: handshake, data, FIN both ways",
 *   "reset by the <side> after data", "half-closed ...", "open ..." (no
 *   FIN/RST before the capture ended), "started mid-stream, ...".
 *
 * Negotiated options: each side's SYN MSS and window scale (absent = null),
 *   SACK = both offered SACK-permitted, ECN = both set up ECN in the handshake.
 *
 * Capture position (needs SYN, SYN-ACK and handshake ACK; SYN = the last SYN
 *   before the SYN-ACK): d1 = SYN-ACK - SYN, d2 = ACK - SYN-ACK.
 *   near the client if d1 > 3 d2 and d1 - d2 > 1 ms; near the server if
 *   d2 > 3 d1 and d2 - d1 > 1 ms; otherwise "in the middle / undetermined";
 *   without a handshake "unknown".
 *
 * Loss pattern: a loss event is a loss retransmission of data or a FIN (not
 *   of a SYN or RST).  Consecutive events no more than burst_rtts [2] x the
 *   loaded RTT apart form a cluster (loaded RTT: the larger of the reference
 *   RTT and the average ACK RTT of either direction so far, which includes
 *   queueing; 200 ms if unknown); clusters of at least burst_min_events [3]
 *   are bursts.  A network hole of >= 2 segments counts as that many burst
 *   events.  none: no event; isolated: one event; bursts: at least half of
 *   the events are in bursts (a buffer overflowing somewhere); scattered
 *   otherwise (a lossy link).
 *
 * Score, verdict and fault domain: start at 100 and take off, for each issue:
 *   - network loss (any loss retransmission): w_loss_low [5]; rate >=
 *     loss_mid_pct [1%]: w_loss_mid [20]; rate >= loss_high_pct [5%]:
 *     w_loss_high [40].  Only SYN/FIN retransmitted: w_loss_low, or w_loss_mid
 *     if no data flowed.  A SYN sent again after the server's RST (a retry
 *     on reused ports) is not a loss.
 *     Fault: network.
 *   - receiver not reading (zero window or window full): w_zero_window [30]
 *     when the zero-window time is >= zero_window_long_ms [1000 ms] or >= 10%
 *     of the stream, else w_zero_window / 3 (also for "window full" alone).
 *     Fault: the side that advertised the zero window (the most time, then
 *     the most zero-window events, then the most full windows).
 *   - slow server: the slowest answer took > slow_factor [10] x reference RTT
 *     (if known) and > slow_min_ms [200 ms], and the loss rate is below
 *     loss_mid_pct (otherwise the loss explains it): w_slow [30], fault
 *     server.  "Application slow, network fine" when the server's TCP had
 *     acknowledged the request within max(4 RTT, ack_fast_ms [250 ms]) and in
 *     under half the response time; otherwise "server slow to answer".
 *   - reset: the first RST of the last connection (RSTs that refused earlier
 *     SYNs on the same ports count as "refusals", not here) before any FIN:
 *     w_reset [15]; after one FIN: w_reset / 3; after both FINs: nothing.
 *     Fault: the RST's sender.
 *   - capture problems (capture-miss holes, ACKed unseen, duplicates):
 *     w_capture [5].  Fault: capture.
 *   The issue that took off the most points (ties: loss, zero window, slow,
 *   reset, capture) gives the verdict and the fault domain; none: "healthy",
 *   fault none; the other issues follow in the verdict as "; also: ...".
 *   The score is clamped to 0..100.
 *   Special cases (no SYN-ACK at all): SYN answered by RST: score =
 *   refused_score [10], verdict "refused: nothing listening on port P of
 *   HOST (or a firewall rejected it; if the port is wrong, the client is
 *   misconfigured)", fault server.  SYN never answered: score =
 *   refused_score, verdict "no answer to the SYN", fault network.
 *   A stream is unhealthy when its fault domain is not "none".
 */
#include <string.h>
#include <stdlib.h>
#include "tcpx_health.h"
#include "tcpx_text.h"
#include "tcpx_health_int.h"

#include "tcpx_units.h"
#define MAX_SPAN_NS TCPX_MAX_RTT_NS

/* Time from a to b, never negative, at most MAX_SPAN_NS x 1440 (10 days). */
static gint64
span(gint64 a, gint64 b)
{
    gint64 d = b - a;
    return CLAMP(d, 0, MAX_SPAN_NS * 1440);
}
#define K(kind)    (1u << (kind))
#define RETX_ANY   (K(TCPX_K_RETRANSMISSION) | K(TCPX_K_FAST_RETRANSMISSION) | K(TCPX_K_SPURIOUS_RETRANSMISSION))
#define RETX_LOSS  (K(TCPX_K_RETRANSMISSION) | K(TCPX_K_FAST_RETRANSMISSION))

void
tcpx_health_prefs_default(tcpx_health_prefs_t *p)
{
    p->slow_factor = 10;
    p->slow_min_ms = 200;
    p->ack_fast_ms = 250;
    p->loss_mid_pct = 1;
    p->loss_high_pct = 5;
    p->zero_window_long_ms = 1000;
    p->burst_rtts = 2;
    p->burst_min_events = 3;
    p->w_loss_low = 5;
    p->w_loss_mid = 20;
    p->w_loss_high = 40;
    p->w_zero_window = 30;
    p->w_reset = 15;
    p->w_slow = 30;
    p->w_capture = 5;
    p->refused_score = 10;
}

/* Per-stream state: the public summary plus running state. */
typedef struct {
    tcpx_health_stream_t pub;
    const tcpx_stream_t *st;
    gint64   syn_ts, synack_ts, hs_ack_ts;
    gint64   rec_irtt_ns;
    guint32  data_segs_dir[2];
    guint32  retx_loss_payload;
    /* zero window */
    gboolean zw_open[2];
    gint64   zw_since[2];
    gint64   zw_closed[2];
    guint32  zw_events[2];
    /* exchange in progress */
    gboolean req_pending;
    gint64   req_last_ts, req_ack_ts;
    guint32  req_end, req_ka;
    /* loss clustering */
    gint64   last_loss_ts;
    guint32  cluster_len;
    guint32  tfo_resend;            /* TFO SYN data the server ignored, still to be resent */
    guint32  ooo[2];                /* out-of-order segments per sender */
    /* holes not yet classified, per sender */
    guint32  holes[2], hole_segs[2], hole_max_segs[2];
    guint32  cap_holes;
    /* resets */
    gboolean rst_after_fins, rst_after_one_fin;
    /* first record */
    gboolean seen_any;
} hstream_t;

struct tcpx_health {
    tcpx_health_prefs_t prefs;
    GPtrArray  *by_id;      /* stream id -> hstream_t* or NULL (owned by list); tcp.stream ids are dense */
    GHashTable *sparse;     /* ids far beyond by_id's end: stream id -> hstream_t* */
    GPtrArray  *list;       /* hstream_t*, order of appearance */
    gboolean    analysis_off; /* a record said TCP's sequence analysis was off */
};

/* Ids may grow the dense index by this much at a time before they go to the sparse table. */
#define DENSE_ID_SLACK 4096u

static void
hstream_free(gpointer p)
{
    hstream_t *hs = (hstream_t *)p;
    g_free(hs->pub.client);
    g_free(hs->pub.server);
    g_free(hs);
}

tcpx_health_t *
tcpx_health_new(const tcpx_health_prefs_t *prefs)
{
    tcpx_health_t *h = g_new0(tcpx_health_t, 1);
    if (prefs)
        h->prefs = *prefs;
    else
        tcpx_health_prefs_default(&h->prefs);
    if (h->prefs.burst_min_events < 2)
        h->prefs.burst_min_events = 2;
    h->by_id = g_ptr_array_new();
    h->sparse = g_hash_table_new(g_direct_hash, g_direct_equal);
    h->list = g_ptr_array_new_with_free_func(hstream_free);
    return h;
}

void
tcpx_health_reset(tcpx_health_t *h)
{
    if (!h)
        return;
    g_ptr_array_set_size(h->by_id, 0);
    g_hash_table_remove_all(h->sparse);
    g_ptr_array_set_size(h->list, 0);
    h->analysis_off = FALSE;
}

void
tcpx_health_free(tcpx_health_t *h)
{
    if (!h)
        return;
    g_ptr_array_free(h->by_id, TRUE);
    g_hash_table_destroy(h->sparse);
    g_ptr_array_free(h->list, TRUE);
    g_free(h);
}

guint
tcpx_health_count(const tcpx_health_t *h)
{
    return h ? h->list->len : 0;
}

const tcpx_health_stream_t *
tcpx_health_nth(const tcpx_health_t *h, guint i)
{
    if (!h || i >= h->list->len)
        return NULL;
    return &((hstream_t *)g_ptr_array_index(h->list, i))->pub;
}

static hstream_t *
find_stream(const tcpx_health_t *h, guint32 stream)
{
    hstream_t *hs = stream < h->by_id->len ? (hstream_t *)g_ptr_array_index(h->by_id, stream) : NULL;
    if (!hs && g_hash_table_size(h->sparse))
        hs = (hstream_t *)g_hash_table_lookup(h->sparse, GUINT_TO_POINTER(stream));
    return hs;
}

static void
index_stream(tcpx_health_t *h, hstream_t *hs)
{
    guint32 stream = hs->pub.stream;
    if (stream >= h->by_id->len && stream - h->by_id->len < DENSE_ID_SLACK)
        g_ptr_array_set_size(h->by_id, stream + 1);
    if (stream < h->by_id->len)
        g_ptr_array_index(h->by_id, stream) = hs;
    else
        g_hash_table_insert(h->sparse, GUINT_TO_POINTER(stream), hs);
}

const tcpx_health_stream_t *
tcpx_health_lookup(const tcpx_health_t *h, guint32 stream)
{
    hstream_t *hs = h ? find_stream(h, stream) : NULL;
    return hs ? &hs->pub : NULL;
}

static guint16
port_of(const char *name)
{
    const char *c = name ? strrchr(name, ':') : NULL;
    return c ? (guint16)strtoul(c + 1, NULL, 10) : 0;
}

static hstream_t *
get_stream(tcpx_health_t *h, const tcpx_tap_rec_t *rec)
{
    hstream_t *hs = find_stream(h, rec->stream);
    if (hs)
        return hs;
    hs = g_new0(hstream_t, 1);
    hs->pub.stream = rec->stream;
    hs->pub.index = h->list->len;
    hs->pub.rst_side = -1;
    hs->pub.wscale[0] = hs->pub.wscale[1] = -1;
    hs->pub.hs_d1_ns = hs->pub.hs_d2_ns = -1;
    hs->pub.resp_max_ack_ns = -1;
    hs->pub.verdict_code = "healthy";
    g_strlcpy(hs->pub.verdict, "healthy", sizeof hs->pub.verdict);
    g_ptr_array_add(h->list, hs);
    index_stream(h, hs);
    return hs;
}

/* The lost-segment finding's cause, if the record carries findings. */
static guint8
finding_cause(const tcpx_tap_rec_t *rec, guint kind)
{
    guint i;
    if (!rec->result)
        return TCPX_C_NONE;
    for (i = 0; i < rec->result->n && i < TCPX_MAX_FINDINGS; i++)
        if (rec->result->f[i].kind == kind)
            return rec->result->f[i].cause;
    return TCPX_C_NONE;
}

static gint64
rtt_ref_now(const hstream_t *hs)
{
    const tcpx_health_stream_t *s = &hs->pub;
    gint64 r = 0;
    if (s->irtt_ns > 0)
        return s->irtt_ns;
    if (s->rtt_n[0])
        r = s->rtt_min_ns[0];
    if (s->rtt_n[1] && s->rtt_min_ns[1] > r)
        r = s->rtt_min_ns[1];
    return r;
}

/* The RTT that spaces loss bursts: the larger of the reference RTT and the
 * average ACK RTT of either direction (which includes queueing under load). */
static gint64
rtt_loaded_now(const hstream_t *hs)
{
    const tcpx_health_stream_t *s = &hs->pub;
    gint64 r = rtt_ref_now(hs);
    int d;
    for (d = 0; d < 2; d++)
        if (s->rtt_n[d] && s->rtt_sum_ns[d] / s->rtt_n[d] > r)
            r = s->rtt_sum_ns[d] / s->rtt_n[d];
    return r;
}

/* Receiver's MSS for data sent by side d (0 client, 1 server); 0 unknown. */
static guint32
receiver_mss(const hstream_t *hs, int d)
{
    const tcpx_stream_t *st = hs->st;
    int ci, side;
    if (!st)
        return 0;
    ci = tcpx_client_side(st);
    side = d == 0 ? 1 - ci : ci; /* the receiver */
    return st->side[side].mss;
}

const tcpx_health_stream_t *
tcpx_health_add(tcpx_health_t *h, const tcpx_tap_rec_t *rec)
{
    hstream_t *hs;
    tcpx_health_stream_t *s;
    int d;          /* sender: 0 client, 1 server */
    gboolean syn, ack, rst, fin, keepalive, probe, retx_any, retx_loss, capdup;
    guint32 kinds;

    if (!h || !rec)
        return NULL;
    if (rec->tcp_analysis_off)
        h->analysis_off = TRUE;
    hs = get_stream(h, rec);
    s = &hs->pub;
    d = rec->from_client ? 0 : 1;
    kinds = rec->kinds;
    syn = (rec->flags & TCPX_TH_SYN) != 0;
    ack = (rec->flags & TCPX_TH_ACK) != 0;
    rst = (rec->flags & TCPX_TH_RST) != 0;
    fin = (rec->flags & TCPX_TH_FIN) != 0;
    keepalive = (kinds & K(TCPX_K_KEEP_ALIVE)) != 0;
    probe = (kinds & K(TCPX_K_ZERO_WINDOW_PROBE)) != 0;
    retx_any = (kinds & RETX_ANY) != 0;
    capdup = retx_any && (finding_cause(rec, TCPX_K_RETRANSMISSION) == TCPX_C_CAPTURE_DUPLICATE ||
                          finding_cause(rec, TCPX_K_FAST_RETRANSMISSION) == TCPX_C_CAPTURE_DUPLICATE ||
                          finding_cause(rec, TCPX_K_SPURIOUS_RETRANSMISSION) == TCPX_C_CAPTURE_DUPLICATE);
    retx_loss = (kinds & RETX_LOSS) && !capdup;
    /* a SYN sent again after the server refused the previous one is a retry, not a loss */
    if (syn && !ack && d == 0 && s->resets[1] > 0)
        retx_loss = FALSE;
    /* data of a Fast Open SYN the server ignored must be sent again: not a loss */
    if (kinds & K(TCPX_K_TFO_IGNORED))
        hs->tfo_resend++;
    if (retx_loss && d == 0 && rec->len > 0 && hs->tfo_resend > 0) {
        hs->tfo_resend--;
        retx_loss = FALSE;
    }
    if (kinds & K(TCPX_K_OUT_OF_ORDER))
        hs->ooo[d]++;

    if (rec->st)
        hs->st = rec->st;
    if (!s->client && rec->client)
        s->client = g_strdup(rec->client);
    if (!s->server && rec->server)
        s->server = g_strdup(rec->server);
    if (!hs->seen_any) {
        hs->seen_any = TRUE;
        s->first_ts = rec->ts_ns;
        s->midstream = !syn;
        if (hs->st && hs->st->midstream)
            s->midstream = TRUE;
    }
    s->roles_guessed = rec->roles_guessed;
    if (rec->ts_ns > s->last_ts || s->packets[0] + s->packets[1] == 0)
        s->last_ts = rec->ts_ns;
    s->packets[d]++;
    s->bytes[d] += rec->len;

    /* handshake, from the records themselves */
    if (syn && !ack && d == 0 && !s->synack) {
        s->syn = TRUE;
        hs->syn_ts = rec->ts_ns;   /* the last SYN before the SYN-ACK */
    } else if (syn && ack && d == 1) {
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
    } else if (!syn && !rst && ack && d == 0 && s->synack && !s->hs_ack) {
        s->hs_ack = TRUE;
        hs->hs_ack_ts = rec->ts_ns;
    }
    if (rec->irtt_ns > 0 && s->synack)
        hs->rec_irtt_ns = rec->irtt_ns;

    /* anomalies */
    for (guint32 m = kinds & (K(TCPX_K_N_ANOMALIES) - 1); m; m &= m - 1)
        s->anomalies[g_bit_nth_lsf(m, -1)]++;
    if (kinds & K(TCPX_K_DUP_ACK))
        s->dup_acks++;

    /* data */
    if (rec->len > 0 && !keepalive) {
        s->data_segments++;
        hs->data_segs_dir[d]++;
    }
    if (retx_any && rec->len > 0) {
        s->retx_segments++;
        s->retx_bytes += rec->len;
    }
    if (capdup)
        s->capture_dups++;
    if (retx_any)
        s->retx_records++;
    if (retx_loss) {
        s->retx_net[d]++;
        if (rec->len > 0)
            hs->retx_loss_payload++;
    }
    /* loss events: loss retransmissions of data or FIN (not SYN, not RST) */
    if (retx_loss && !syn && !rst && (rec->len > 0 || fin)) {
        gint64 window;
        /* loss clustering */
        window = (gint64)h->prefs.burst_rtts * rtt_loaded_now(hs);
        if (window <= 0)
            window = 200 * NS_PER_MS;
        if (s->loss_events > 0 && rec->ts_ns - hs->last_loss_ts <= window)
            hs->cluster_len++;
        else
            hs->cluster_len = 1;
        hs->last_loss_ts = rec->ts_ns;
        s->loss_events++;
        if (hs->cluster_len == h->prefs.burst_min_events)
            s->burst_events += hs->cluster_len;
        else if (hs->cluster_len > h->prefs.burst_min_events)
            s->burst_events++;
    }

    /* holes in the capture */
    if ((kinds & K(TCPX_K_LOST_SEGMENT)) || rec->lost_bytes > 0) {
        guint32 segs = rec->lost_segments;
        guint8 cause = finding_cause(rec, TCPX_K_LOST_SEGMENT);
        if (segs == 0 && rec->lost_bytes > 0) {
            guint32 mss = receiver_mss(hs, d);
            segs = tcpx_segments_for(rec->lost_bytes, mss ? mss : 1460);
        }
        if (segs == 0)
            segs = 1;
        s->lost_bytes += rec->lost_bytes;
        s->lost_segments += segs;
        if (cause == TCPX_C_CAPTURE_STARTED_LATE || cause == TCPX_C_CAPTURE_MISSED ||
            (s->midstream && hs->data_segs_dir[d] <= 3)) {
            hs->cap_holes++;
        } else {
            hs->holes[d]++;
            hs->hole_segs[d] += segs;
            if (segs > hs->hole_max_segs[d])
                hs->hole_max_segs[d] = segs;
        }
    }
    if (kinds & K(TCPX_K_ACKED_UNSEEN))
        s->acked_unseen++;

    /* ACK RTT: this header acknowledges the other side's data */
    if (rec->ack_rtt_ns > 0 && rec->ack_rtt_ns <= MAX_SPAN_NS) {
        int dir = d == 0 ? TCPX_S2C : TCPX_C2S;
        if (s->rtt_n[dir] == 0 || rec->ack_rtt_ns < s->rtt_min_ns[dir])
            s->rtt_min_ns[dir] = rec->ack_rtt_ns;
        if (rec->ack_rtt_ns > s->rtt_max_ns[dir])
            s->rtt_max_ns[dir] = rec->ack_rtt_ns;
        s->rtt_sum_ns[dir] += rec->ack_rtt_ns;
        s->rtt_n[dir]++;
    }

    /* zero window, advertised by the sender of this header */
    if (ack && !syn && !rst) {
        if (rec->win == 0) {
            if (!hs->zw_open[d]) {
                hs->zw_open[d] = TRUE;
                hs->zw_since[d] = rec->ts_ns;
                hs->zw_events[d]++;
            }
        } else if (hs->zw_open[d]) {
            hs->zw_open[d] = FALSE;
            hs->zw_closed[d] += span(hs->zw_since[d], rec->ts_ns);
        }
    }
    if (kinds & K(TCPX_K_WINDOW_FULL))
        s->window_full_recv[1 - d]++;

    if (keepalive)
        s->keepalives[d]++;

    /* application exchanges */
    if (keepalive || (kinds & K(TCPX_K_KEEP_ALIVE_ACK))) {
        if (hs->req_pending && keepalive)
            hs->req_ka++;
    } else if (rec->len > 0 && !retx_any && !probe) {
        if (d == 0) {
            if (!hs->req_pending)
                hs->req_ka = 0;
            hs->req_pending = TRUE;
            hs->req_last_ts = rec->ts_ns;
            hs->req_end = rec->seq + rec->len;
            hs->req_ack_ts = -1;
        } else if (hs->req_pending) {
            gint64 rt = span(hs->req_last_ts, rec->ts_ns);
            s->resp_n++;
            s->resp_sum_ns += rt;
            if (s->resp_n == 1 || rt > s->resp_max_ns) {
                s->resp_max_ns = rt;
                s->resp_max_frame = rec->frame;
                s->resp_max_ack_ns = hs->req_ack_ts >= 0 ? hs->req_ack_ts - hs->req_last_ts : -1;
                s->resp_max_keepalives = hs->req_ka;
            }
            hs->req_pending = FALSE;
        }
    }
    if (hs->req_pending && d == 1 && ack && !rst && rec->len == 0 && hs->req_ack_ts < 0 &&
        tcpx_seq_ge(rec->ack, hs->req_end))
        hs->req_ack_ts = rec->ts_ns;

    /* close */
    if (fin)
        s->fin[d] = TRUE;
    if (rst) {
        s->resets[d]++;
        if (s->rst_side < 0) {
            s->rst_side = d;
            s->rst_cause = rec->reset_cause;
            s->rst_after_data = (s->bytes[0] + s->bytes[1]) > 0;
            hs->rst_after_fins = s->fin[0] && s->fin[1];
            hs->rst_after_one_fin = s->fin[0] || s->fin[1];
        }
    }
    return s;
}

/* ---------------------------------------------------------------------- */
/* Names */

const char *
tcpx_health_fault_name(tcpx_fault_t f)
{
    switch (f) {
    case TCPX_FAULT_CLIENT:  return "client";
    case TCPX_FAULT_NETWORK: return "network";
    case TCPX_FAULT_SERVER:  return "server";
    case TCPX_FAULT_CAPTURE: return "capture";
    default:                 return "none";
    }
}

const char *
tcpx_health_loss_pattern_name(tcpx_loss_pattern_t l)
{
    switch (l) {
    case TCPX_LOSS_ISOLATED:  return "isolated";
    case TCPX_LOSS_BURSTS:    return "bursts";
    case TCPX_LOSS_SCATTERED: return "scattered";
    default:                  return "none";
    }
}

const char *
tcpx_health_done_name(tcpx_done_t d)
{
    switch (d) {
    case TCPX_DONE_COMPLETE:       return "complete";
    case TCPX_DONE_REFUSED:        return "refused";
    case TCPX_DONE_SYN_UNANSWERED: return "syn_unanswered";
    case TCPX_DONE_HANDSHAKE_ONLY: return "handshake_only";
    case TCPX_DONE_RESET:          return "reset";
    case TCPX_DONE_HALF_CLOSED:    return "half_closed";
    case TCPX_DONE_OPEN:           return "open";
    case TCPX_DONE_MIDSTREAM:      return "midstream";
    default:                       return "unknown";
    }
}

static const struct { const char *key, *label; } kind_names[TCPX_K_N_ANOMALIES] = {
    [TCPX_K_RETRANSMISSION]         = { "retransmission",         "Retransmission" },
    [TCPX_K_FAST_RETRANSMISSION]    = { "fast_retransmission",    "Fast retransmission" },
    [TCPX_K_SPURIOUS_RETRANSMISSION]= { "spurious_retransmission","Spurious retransmission" },
    [TCPX_K_OUT_OF_ORDER]           = { "out_of_order",           "Out-of-order" },
    [TCPX_K_LOST_SEGMENT]           = { "lost_segment",           "Previous segment not captured" },
    [TCPX_K_ACKED_UNSEEN]           = { "acked_unseen",           "ACKed unseen segment" },
    [TCPX_K_DUP_ACK]                = { "dup_ack",                "Duplicate ACK" },
    [TCPX_K_ZERO_WINDOW]            = { "zero_window",            "Zero window" },
    [TCPX_K_ZERO_WINDOW_PROBE]      = { "zero_window_probe",      "Zero window probe" },
    [TCPX_K_ZERO_WINDOW_PROBE_ACK]  = { "zero_window_probe_ack",  "Zero window probe ACK" },
    [TCPX_K_WINDOW_FULL]            = { "window_full",            "Window full" },
    [TCPX_K_WINDOW_UPDATE]          = { "window_update",          "Window update" },
    [TCPX_K_KEEP_ALIVE]             = { "keep_alive",             "Keep-alive" },
    [TCPX_K_KEEP_ALIVE_ACK]         = { "keep_alive_ack",         "Keep-alive ACK" },
    [TCPX_K_REUSED_PORTS]           = { "reused_ports",           "Reused ports" },
    [TCPX_K_TFO_SYN]                = { "tfo_syn",                "TCP Fast Open SYN" },
    [TCPX_K_TFO_ACK]                = { "tfo_ack",                "TCP Fast Open ACK" },
    [TCPX_K_TFO_IGNORED]            = { "tfo_ignored",            "TCP Fast Open data ignored" },
    [TCPX_K_PARTIAL_ACK]            = { "partial_ack",            "Partial ACK" },
    [TCPX_K_AMBIGUOUS_ACK]          = { "ambiguous_ack",          "Ambiguous ACK" },
    [TCPX_K_RESET]                  = { "reset",                  "Reset" },
    [TCPX_K_CHECKSUM]               = { "bad_checksum",           "Bad checksum" },
};

const char *
tcpx_health_kind_key(guint kind)
{
    return kind < TCPX_K_N_ANOMALIES && kind_names[kind].key ? kind_names[kind].key : "unknown";
}

const char *
tcpx_health_kind_label(guint kind)
{
    return kind < TCPX_K_N_ANOMALIES && kind_names[kind].label ? kind_names[kind].label : "Unknown";
}

const char *
tcpx_health_side_name(int side)
{
    return side == 0 ? "client" : "server";
}

/* ns / unit with three decimals, as "%.3f" prints it; unit is 10^6 or 10^9. */
static char *
decimal3_text(gint64 ns, gint64 unit, char *buf, gsize len)
{
    if (!tcpx_fixed_text(buf, len, ns, unit / 1000, 3))
        g_ascii_formatd(buf, (int)len, "%.3f", (double)ns / unit);
    return buf;
}

const char *
tcpx_health_ms_text(gint64 ns, char *buf, gsize len)
{
    if (ns < 0) {
        g_strlcpy(buf, "-", len);
        return buf;
    }
    return decimal3_text(ns, NS_PER_MS, buf, len);
}

/* ---------------------------------------------------------------------- */
/* Judgement */

typedef struct {
    guint weight;
    int prio;
    tcpx_fault_t fault;
    const char *code;
    char text[192];
} issue_t;

static void
judge_completeness(tcpx_health_stream_t *s)
{
    gboolean data = s->bytes[0] + s->bytes[1] > 0;
    gboolean refused = s->syn && !s->synack && s->resets[1] > 0;
    const char *rstby = s->rst_side >= 0 ? tcpx_health_side_name(s->rst_side) : NULL;
    char end[64];

    if (s->rst_side >= 0 && !(s->fin[0] && s->fin[1]))
        g_snprintf(end, sizeof end, "reset by the %s", rstby);
    else if (s->fin[0] && s->fin[1])
        g_strlcpy(end, "FIN both ways", sizeof end);
    else if (s->fin[0] || s->fin[1])
        g_snprintf(end, sizeof end, "FIN from the %s only", s->fin[0] ? "client" : "server");
    else
        g_strlcpy(end, "still open when the capture ended", sizeof end);

    if (refused) {
        s->done = TCPX_DONE_REFUSED;
        g_strlcpy(s->done_text, "refused", sizeof s->done_text);
    } else if (s->syn && !s->synack && !s->midstream) {
        s->done = TCPX_DONE_SYN_UNANSWERED;
        g_strlcpy(s->done_text, "SYN unanswered", sizeof s->done_text);
    } else if (s->midstream || !s->syn) {
        s->done = TCPX_DONE_MIDSTREAM;
        g_snprintf(s->done_text, sizeof s->done_text, "started mid-stream, %s%s", data ? "data, " : "", end);
    } else if (!data) {
        s->done = TCPX_DONE_HANDSHAKE_ONLY;
        if (s->rst_side < 0 && !s->fin[0] && !s->fin[1])
            g_strlcpy(s->done_text, "handshake only", sizeof s->done_text);
        else
            g_snprintf(s->done_text, sizeof s->done_text, "handshake only, then %s", end);
    } else if (s->rst_side >= 0 && !(s->fin[0] && s->fin[1])) {
        s->done = TCPX_DONE_RESET;
        g_snprintf(s->done_text, sizeof s->done_text, "reset by the %s after data", rstby);
    } else if (s->fin[0] && s->fin[1]) {
        s->done = TCPX_DONE_COMPLETE;
        if (s->rst_side >= 0)
            g_snprintf(s->done_text, sizeof s->done_text,
                       "complete: handshake, data, FIN both ways, then RST from the %s", rstby);
        else
            g_strlcpy(s->done_text, "complete: handshake, data, FIN both ways", sizeof s->done_text);
    } else if (s->fin[0] || s->fin[1]) {
        s->done = TCPX_DONE_HALF_CLOSED;
        g_snprintf(s->done_text, sizeof s->done_text, "half-closed: handshake, data, %s", end);
    } else {
        s->done = TCPX_DONE_OPEN;
        g_strlcpy(s->done_text, "open: handshake, data, no FIN or RST before the capture ended",
                  sizeof s->done_text);
    }
}

static const char *
pattern_words(tcpx_loss_pattern_t l)
{
    switch (l) {
    case TCPX_LOSS_BURSTS:    return "in bursts";
    case TCPX_LOSS_SCATTERED: return "scattered";
    case TCPX_LOSS_ISOLATED:  return "a single loss";
    default:                  return "no loss";
    }
}

static void
judge_stream(const tcpx_health_t *h, hstream_t *hs)
{
    const tcpx_health_prefs_t *p = &h->prefs;
    tcpx_health_stream_t *s = &hs->pub;
    const tcpx_stream_t *st = hs->st;
    issue_t issues[5];
    guint n = 0, i, taken = 0;
    int d, best;
    gint64 zw_total;
    guint32 retx_loss = s->retx_net[0] + s->retx_net[1];
    guint32 burst_total;
    gboolean loss_significant = FALSE;
    char b1[32], b2[32], b3[32];

    s->duration_ns = s->last_ts - s->first_ts;
    s->client_port = port_of(s->client);
    s->server_port = port_of(s->server);
    if (st && st->client >= 0) {
        s->client_port = st->port[tcpx_client_side(st)];
        s->server_port = st->port[1 - tcpx_client_side(st)];
    }

    /* zero-window time: closed periods plus one still open at the end */
    for (d = 0; d < 2; d++)
        s->zero_window_ns[d] = hs->zw_closed[d] + (hs->zw_open[d] ? span(hs->zw_since[d], s->last_ts) : 0);
    zw_total = s->zero_window_ns[0] + s->zero_window_ns[1];

    /* iRTT and reference RTT */
    s->irtt_ns = hs->rec_irtt_ns;
    if (s->irtt_ns <= 0 && s->syn && s->synack && s->hs_ack)
        s->irtt_ns = hs->hs_ack_ts - hs->syn_ts;
    if (s->irtt_ns < 0)
        s->irtt_ns = 0;
    s->rtt_ref_ns = rtt_ref_now(hs);

    /* options */
    if (st) {
        int ci = tcpx_client_side(st), si = 1 - ci;
        s->options_known = st->side[ci].syn_seen || st->side[si].syn_seen;
        s->mss[0] = st->side[ci].mss;
        s->mss[1] = st->side[si].mss;
        s->wscale[0] = st->side[ci].syn_seen ? st->side[ci].wscale : -1;
        s->wscale[1] = st->side[si].syn_seen ? st->side[si].wscale : -1;
        s->sack = st->side[ci].sack_perm && st->side[si].sack_perm;
        s->ecn = st->side[ci].ecn_setup && st->side[si].ecn_setup;
    }

    /* capture position */
    s->position = TCPX_POS_UNKNOWN;
    s->hs_d1_ns = s->hs_d2_ns = -1;
    if (s->syn && s->synack && s->hs_ack) {
        gint64 d1 = hs->synack_ts - hs->syn_ts, d2 = hs->hs_ack_ts - hs->synack_ts;
        s->hs_d1_ns = d1;
        s->hs_d2_ns = d2;
        s->position = tcpx_capture_near(d1, d2);
    }

    /* holes: capture misses or network losses */
    s->capture_gaps = hs->cap_holes;
    s->network_holes = 0;
    s->max_hole_segments = 0;
    s->reordered = hs->ooo[0] + hs->ooo[1];
    for (d = 0; d < 2; d++) {
        if (s->retx_net[d] == 0) {
            /* holes later filled by out-of-order segments were reordering */
            s->capture_gaps += hs->holes[d] > hs->ooo[d] ? hs->holes[d] - hs->ooo[d] : 0;
        } else {
            s->network_holes += hs->holes[d];
            if (hs->hole_max_segs[d] > s->max_hole_segments)
                s->max_hole_segments = hs->hole_max_segs[d];
        }
    }

    /* loss pattern */
    burst_total = s->burst_events + (s->max_hole_segments >= 2 ? s->max_hole_segments : 0);
    if (burst_total > s->loss_events)
        burst_total = s->loss_events;
    if (s->loss_events == 0)
        s->loss_pattern = TCPX_LOSS_NONE;
    else if (burst_total > 0 && burst_total * 2 >= s->loss_events)
        s->loss_pattern = TCPX_LOSS_BURSTS;
    else if (s->loss_events == 1)
        s->loss_pattern = TCPX_LOSS_ISOLATED;
    else
        s->loss_pattern = TCPX_LOSS_SCATTERED;

    s->retx_rate = s->data_segments ? (double)hs->retx_loss_payload / s->data_segments : 0.0;

    judge_completeness(s);

    /* special cases */
    if (s->done == TCPX_DONE_REFUSED) {
        s->score = (int)MIN(p->refused_score, 100);
        s->fault = TCPX_FAULT_SERVER;
        s->verdict_code = "refused";
        {
            char host[80];
            const char *colon;
            g_strlcpy(host, s->server ? s->server : "the server", sizeof host);
            colon = strrchr(host, ':');
            if (colon && colon != host)
                host[colon - host] = '\0';
            g_snprintf(s->verdict, sizeof s->verdict,
                       "refused: nothing listening on port %u of %s (or a firewall rejected it; "
                       "if the port is wrong, the client is misconfigured)",
                       s->server_port, host);
        }
        return;
    }
    if (s->done == TCPX_DONE_SYN_UNANSWERED) {
        s->score = (int)MIN(p->refused_score, 100);
        s->fault = TCPX_FAULT_NETWORK;
        s->verdict_code = "syn_unanswered";
        g_snprintf(s->verdict, sizeof s->verdict,
                   "no answer to the SYN (%" G_GUINT64_FORMAT " sent): server down or a firewall dropping it",
                   s->packets[0]);
        return;
    }

    /* network loss */
    if (retx_loss > 0) {
        issue_t *is = &issues[n++];
        double pct = s->retx_rate * 100.0;
        if (s->data_segments == 0)
            is->weight = p->w_loss_mid;
        else if (hs->retx_loss_payload == 0)
            is->weight = p->w_loss_low;
        else if (pct >= p->loss_high_pct)
            is->weight = p->w_loss_high;
        else if (pct >= p->loss_mid_pct)
            is->weight = p->w_loss_mid;
        else
            is->weight = p->w_loss_low;
        loss_significant = is->weight >= p->w_loss_mid;
        is->prio = 0;
        is->fault = TCPX_FAULT_NETWORK;
        is->code = "network_loss";
        if (hs->retx_loss_payload > 0)
            g_snprintf(is->text, sizeof is->text,
                       "network loss: %u of %u data segments retransmitted (%.1f%%), %s",
                       hs->retx_loss_payload, s->data_segments, pct, pattern_words(s->loss_pattern));
        else
            g_snprintf(is->text, sizeof is->text,
                       "network loss: %u SYN/FIN segments retransmitted", retx_loss);
    }

    /* receiver not reading: zero window / window full */
    if (zw_total > 0 || hs->zw_events[0] + hs->zw_events[1] > 0 ||
        s->window_full_recv[0] + s->window_full_recv[1] > 0) {
        issue_t *is = &issues[n++];
        gboolean serious = zw_total >= (gint64)p->zero_window_long_ms * NS_PER_MS ||
                           (s->duration_ns > 0 && zw_total >= s->duration_ns / 10);
        int side;
        if (s->zero_window_ns[0] != s->zero_window_ns[1])
            side = s->zero_window_ns[1] > s->zero_window_ns[0] ? 1 : 0;
        else if (hs->zw_events[0] != hs->zw_events[1])
            side = hs->zw_events[1] > hs->zw_events[0] ? 1 : 0;
        else
            side = s->window_full_recv[1] >= s->window_full_recv[0] ? 1 : 0;
        is->weight = serious ? p->w_zero_window : MAX(p->w_zero_window / 3, 1);
        is->prio = 1;
        is->fault = side == 0 ? TCPX_FAULT_CLIENT : TCPX_FAULT_SERVER;
        is->code = side == 0 ? "client_not_reading" : "server_not_reading";
        if (hs->zw_events[side] > 0)
            g_snprintf(is->text, sizeof is->text,
                       "the %s application is not reading: the %s advertised a zero window for %s s",
                       tcpx_health_side_name(side), tcpx_health_side_name(side),
                       g_ascii_formatd(b1, sizeof b1, "%.3f", (double)s->zero_window_ns[side] / NS_PER_S));
        else
            g_snprintf(is->text, sizeof is->text,
                       "the %s application is slow to read: its receive window was full %u times",
                       tcpx_health_side_name(side), s->window_full_recv[side]);
    }

    /* slow server */
    if (s->resp_n > 0 && s->resp_max_ns > (gint64)p->slow_min_ms * NS_PER_MS &&
        (s->rtt_ref_ns <= 0 || (double)s->resp_max_ns > p->slow_factor * (double)s->rtt_ref_ns) &&
        !loss_significant) {
        issue_t *is = &issues[n++];
        gint64 fast = MAX(4 * s->rtt_ref_ns, (gint64)p->ack_fast_ms * NS_PER_MS);
        gboolean acked_fast = s->resp_max_ack_ns >= 0 && s->resp_max_ack_ns <= fast &&
                              s->resp_max_ack_ns * 2 < s->resp_max_ns;
        is->weight = p->w_slow;
        is->prio = 2;
        is->fault = TCPX_FAULT_SERVER;
        if (acked_fast) {
            is->code = "server_app_slow";
            g_snprintf(is->text, sizeof is->text,
                       "server application slow: answered after %s ms although the RTT is %s ms "
                       "and its TCP acknowledged the request after %s ms; network fine",
                       tcpx_health_ms_text(s->resp_max_ns, b1, sizeof b1),
                       s->rtt_ref_ns > 0 ? tcpx_health_ms_text(s->rtt_ref_ns, b2, sizeof b2) : "unknown",
                       tcpx_health_ms_text(s->resp_max_ack_ns, b3, sizeof b3));
        } else {
            is->code = "server_slow";
            g_snprintf(is->text, sizeof is->text,
                       "server slow to answer: %s ms (RTT %s ms); the request was not acknowledged "
                       "separately, so the server host itself may be overloaded",
                       tcpx_health_ms_text(s->resp_max_ns, b1, sizeof b1),
                       s->rtt_ref_ns > 0 ? tcpx_health_ms_text(s->rtt_ref_ns, b2, sizeof b2) : "unknown");
        }
    }

    /* reset */
    if (s->rst_side >= 0 && !hs->rst_after_fins) {
        issue_t *is = &issues[n++];
        is->weight = hs->rst_after_one_fin ? MAX(p->w_reset / 3, 1) : p->w_reset;
        is->prio = 3;
        is->fault = s->rst_side == 0 ? TCPX_FAULT_CLIENT : TCPX_FAULT_SERVER;
        is->code = s->rst_side == 0 ? "reset_by_client" : "reset_by_server";
        g_snprintf(is->text, sizeof is->text, "reset by the %s %s", tcpx_health_side_name(s->rst_side),
                   hs->rst_after_one_fin ? "while closing" :
                   s->rst_after_data ? "after data" : "before any data");
    }

    /* capture problems */
    if (s->capture_gaps + s->acked_unseen + s->capture_dups > 0) {
        issue_t *is = &issues[n++];
        is->weight = p->w_capture;
        is->prio = 4;
        is->fault = TCPX_FAULT_CAPTURE;
        is->code = "capture_missed";
        if (s->capture_gaps + s->acked_unseen > 0)
            g_snprintf(is->text, sizeof is->text,
                       "the capture missed packets (%u gap%s, %u ACKed unseen), not the network",
                       s->capture_gaps, s->capture_gaps == 1 ? "" : "s", s->acked_unseen);
        else
            g_snprintf(is->text, sizeof is->text,
                       "the capture holds %u duplicated frames, not a network problem", s->capture_dups);
    }

    best = -1;
    for (i = 0; i < n; i++) {
        taken += issues[i].weight;
        if (best < 0 || issues[i].weight > issues[best].weight ||
            (issues[i].weight == issues[best].weight && issues[i].prio < issues[best].prio))
            best = (int)i;
    }
    s->score = taken >= 100 ? 0 : 100 - (int)taken;
    if (best < 0) {
        s->fault = TCPX_FAULT_NONE;
        s->verdict_code = "healthy";
        g_strlcpy(s->verdict, "healthy", sizeof s->verdict);
    } else {
        gboolean also = FALSE;
        s->fault = issues[best].fault;
        s->verdict_code = issues[best].code;
        g_strlcpy(s->verdict, issues[best].text, sizeof s->verdict);
        /* the other issues, heaviest first, as "; also: ..." */
        for (;;) {
            int next = -1;
            for (i = 0; i < n; i++) {
                if ((int)i == best || issues[i].weight == 0)
                    continue;
                if (next < 0 || issues[i].weight > issues[next].weight ||
                    (issues[i].weight == issues[next].weight && issues[i].prio < issues[next].prio))
                    next = (int)i;
            }
            if (next < 0)
                break;
            g_strlcat(s->verdict, also ? "; " : "; also: ", sizeof s->verdict);
            g_strlcat(s->verdict, issues[next].text, sizeof s->verdict);
            issues[next].weight = 0;
            also = TRUE;
        }
    }
}

/* Judge one stream, unless TCP's sequence analysis was off: then say so instead. */
static void
judge_or_not(const tcpx_health_t *h, hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    judge_stream(h, hs);
    s->judged = !h->analysis_off;
    if (s->judged)
        return;
    s->score = -1;
    s->fault = TCPX_FAULT_NONE;
    s->verdict_code = "not_judged";
    g_strlcpy(s->verdict, TCPX_HEALTH_NOT_JUDGED_VERDICT, sizeof s->verdict);
}

gboolean
tcpx_health_analysis_off(const tcpx_health_t *h)
{
    return h && h->analysis_off;
}

const tcpx_health_stream_t *
tcpx_health_judge(tcpx_health_t *h, guint32 stream)
{
    hstream_t *hs = h ? find_stream(h, stream) : NULL;
    if (!hs)
        return NULL;
    judge_or_not(h, hs);
    return &hs->pub;
}

void
tcpx_health_finish(tcpx_health_t *h)
{
    guint i;
    if (!h)
        return;
    for (i = 0; i < h->list->len; i++)
        judge_or_not(h, (hstream_t *)g_ptr_array_index(h->list, i));
}

gboolean
tcpx_health_unhealthy(const tcpx_health_stream_t *s)
{
    return s && s->fault != TCPX_FAULT_NONE;
}

static gint
worst_cmp(gconstpointer a, gconstpointer b)
{
    const tcpx_health_stream_t *x = *(const tcpx_health_stream_t *const *)a;
    const tcpx_health_stream_t *y = *(const tcpx_health_stream_t *const *)b;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

GPtrArray *
tcpx_health_worst_first(const tcpx_health_t *h)
{
    GPtrArray *a = g_ptr_array_new();
    guint i;
    for (i = 0; h && i < h->list->len; i++)
        g_ptr_array_add(a, &((hstream_t *)g_ptr_array_index(h->list, i))->pub);
    g_ptr_array_sort(a, worst_cmp);
    return a;
}

char *
tcpx_health_secs_text(gint64 ns, char *buf, gsize len)
{
    return decimal3_text(ns, NS_PER_S, buf, len);
}
