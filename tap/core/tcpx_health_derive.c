/* tcpx_health_derive.c: a stream's running totals -> the figures the rules judge by
 * (duration, RTT, options, where a reset came from, capture position, holes, a lost
 * connection, loss pattern and rate, how far the connection got).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <stdlib.h>
#include "tcpx_health_int.h"
#include "tcpx_hosts.h"

static guint16
port_of(const char *name)
{
    const char *c = name ? strrchr(name, ':') : NULL;
    return c ? (guint16)strtoul(c + 1, NULL, 10) : 0;
}

/* Duration, ports, and each side's zero-window time (closed periods plus one still open at the end). */
static void
derive_traffic(hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    const tcpx_stream_t *st = hs->st;
    int d;

    s->duration_ns = s->last_ts - s->first_ts;
    s->client_port = port_of(s->client);
    s->server_port = port_of(s->server);
    if (st && st->client >= 0) {
        s->client_port = st->port[tcpx_client_side(st)];
        s->server_port = st->port[1 - tcpx_client_side(st)];
    }
    for (d = 0; d < 2; d++)
        s->zero_window_ns[d] = hs->zw_closed[d] + (hs->zw_open[d] ? tcpx_health_span(hs->zw_since[d], s->last_ts) : 0);
}

/* iRTT: the plugin's, else SYN -> handshake ACK as captured; then the reference RTT. */
static void
derive_rtt(hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    s->irtt_ns = hs->rec_irtt_ns;
    if (s->irtt_ns <= 0 && s->syn && s->synack && s->hs_ack)
        s->irtt_ns = hs->hs_ack_ts - hs->syn_ts;
    if (s->irtt_ns < 0)
        s->irtt_ns = 0;
    s->rtt_ref_ns = tcpx_health_rtt_ref(s);
}

/* Negotiated options, from the plugin's stream state. */
static void
derive_options(hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    const tcpx_stream_t *st = hs->st;
    int ci, si;
    if (!st)
        return;
    ci = tcpx_client_side(st);
    si = 1 - ci;
    s->options_known = st->side[ci].syn_seen || st->side[si].syn_seen;
    s->mss[0] = st->side[ci].mss;
    s->mss[1] = st->side[si].mss;
    s->wscale[0] = st->side[ci].syn_seen ? st->side[ci].wscale : -1;
    s->wscale[1] = st->side[si].syn_seen ? st->side[si].wscale : -1;
    s->sack = st->side[ci].sack_perm && st->side[si].sack_perm;
    s->ecn = st->side[ci].ecn_setup && st->side[si].ecn_setup;
}

/* The reset that decides the verdict (a refusal's, else the first of the last connection), judged
 * against the host it names with the capture's host table as it stands now (at the end: all of it). */
static void
derive_reset_origin(hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    const tcpx_stream_t *st = hs->st;
    gboolean refusal = s->syn && !s->synack && s->resets[1] > 0;
    int side = refusal ? 1 : s->rst_side;
    tcpx_rst_evidence_t ev;

    s->rst_origin = TCPX_RST_FROM_UNKNOWN;
    s->rst_ttl = s->rst_ttl_ref = 0;
    s->rst_delay_ns = s->rst_host_hs_ns = 0;
    if (!st || side < 0)
        return;
    int i = side == 0 ? tcpx_client_side(st) : !tcpx_client_side(st);
    const tcpx_side_t *d = &st->side[i];
    if (!d->rst_frame)
        return;
    tcpx_rst_judge(st->host[i], d->rst_has_ttl, d->rst_ttl, refusal ? d->rst_delay_ns : 0, &ev);
    s->rst_origin = ev.origin;
    s->rst_ttl = ev.ttl;
    if (ev.ttl_differs || (ev.origin == TCPX_RST_FROM_HOST && ev.ttl_ref))
        s->rst_ttl_ref = ev.ttl_ref;
    s->rst_delay_ns = ev.delay_ns;
    s->rst_host_hs_ns = ev.too_fast ? ev.hs_ns : 0;
}

/* Without a handshake of its own, a refused stream is placed by the server's handshakes with the
 * same client on other connections: a reset from the server one RTT after the SYN was captured
 * near the client, one at once near the server; a forged one only by those handshakes. */
static tcpx_position_t
position_from_host(const hstream_t *hs)
{
    const tcpx_health_stream_t *s = &hs->pub;
    const tcpx_stream_t *st = hs->st;
    if (!st || !(s->syn && !s->synack && s->resets[1] > 0))
        return TCPX_POS_UNKNOWN;
    int ci = tcpx_client_side(st);
    const tcpx_host_t *server = st->host[!ci];
    if (!server || !server->hs_known || server->hs_peer != st->host[ci])
        return TCPX_POS_UNKNOWN;
    if (s->rst_origin == TCPX_RST_FROM_HOST && s->rst_delay_ns > 0) {
        gint64 rtt = server->hs_d1_ns + server->hs_d2_ns;
        return tcpx_capture_near(s->rst_delay_ns, MAX(rtt - s->rst_delay_ns, 0));
    }
    return tcpx_capture_near(server->hs_d1_ns, server->hs_d2_ns);
}

/* Capture position, from the handshake's two delays. */
static void
derive_position(hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    s->position = TCPX_POS_UNKNOWN;
    s->hs_d1_ns = s->hs_d2_ns = -1;
    if (s->syn && s->synack && s->hs_ack) {
        s->hs_d1_ns = hs->synack_ts - hs->syn_ts;
        s->hs_d2_ns = hs->hs_ack_ts - hs->synack_ts;
        s->position = tcpx_capture_near(s->hs_d1_ns, s->hs_d2_ns);
    } else {
        s->position = position_from_host(hs);
    }
}

/* Holes: capture misses when their sender never retransmitted (less those reordering filled), else network losses. */
static void
derive_holes(hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    int d;
    s->capture_gaps = hs->cap_holes;
    s->network_holes = 0;
    s->max_hole_segments = 0;
    s->reordered = hs->ooo[0] + hs->ooo[1];
    for (d = 0; d < 2; d++) {
        if (s->retx_net[d] == 0) {
            s->capture_gaps += hs->holes[d] > hs->ooo[d] ? hs->holes[d] - hs->ooo[d] : 0;
        } else {
            s->network_holes += hs->holes[d];
            if (hs->hole_max_segs[d] > s->max_hole_segments)
                s->max_hole_segments = hs->hole_max_segs[d];
        }
    }
}

/* A connection that never got going or died: SYNs sent again before the SYN-ACK, and a retry
 * series at the end (at least 3 unanswered retransmissions of one segment with backoff). */
static void
derive_lost(hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    s->connect_ns = s->syn_lost && s->synack ? tcpx_health_span(hs->first_syn_ts, hs->synack_ts) : 0;
    s->lost_retx = 0;
    s->lost_span_ns = 0;
    s->lost_quiet_frame = 0;
    for (int d = 0; d < 2; d++) {
        if (hs->rs_n[d] < 3 || !hs->rs_backoff[d] || hs->rs_n[d] <= s->lost_retx)
            continue;
        s->lost_retx = hs->rs_n[d];
        s->lost_span_ns = tcpx_health_span(hs->rs_orig_ts[d], hs->rs_last_ts[d]);
        s->lost_quiet_frame = hs->peer_last_frame[d];
        hs->lost_side = d;
    }
}

/* Loss pattern: lost segments, each cluster (one recovery) as many as it showed; which clusters are
 * bursts: tcpx_health_cluster_burst.  Loss rate. */
static void
derive_loss(const tcpx_health_prefs_t *p, hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    s->loss_events = hs->loss_closed;
    s->burst_events = hs->burst_closed;
    for (int d = 0; d < 2; d++) {
        guint32 n = hs->cl_open[d] ? MAX(hs->cl_segs[d], hs->cl_run[d]) : 0;
        s->loss_events += n;
        s->burst_events += n && tcpx_health_cluster_burst(p, n, hs->cl_run[d]) ? n : 0;
    }
    /* retransmissions a D-SACK proved unneeded were no loss */
    s->loss_events = s->loss_events > hs->loss_unneeded ? s->loss_events - hs->loss_unneeded : 0;
    s->burst_events = MIN(s->burst_events, s->loss_events);
    if (s->loss_events == 0)
        s->loss_pattern = TCPX_LOSS_NONE;
    else if (s->burst_events > 0 && s->burst_events * 2 >= s->loss_events)
        s->loss_pattern = TCPX_LOSS_BURSTS;
    else if (s->loss_events == 1)
        s->loss_pattern = TCPX_LOSS_ISOLATED;
    else
        s->loss_pattern = TCPX_LOSS_SCATTERED;
    if (s->lost_retx)
        s->loss_pattern = TCPX_LOSS_PATH_DEAD;
    s->retx_rate = s->data_segments ? (double)hs->retx_loss_payload / s->data_segments : 0.0;
}

/* Renders sentence w into buf (len bytes, truncated as g_snprintf would). */
void
tcpx_health_words_into(tcpx_health_t *h, char *buf, gsize len, tcpx_health_words_t w, const tcpx_health_stream_t *s,
                       const tcpx_health_evidence_t *ev)
{
    g_string_truncate(h->scratch, 0);
    tcpx_health_words(h->scratch, w, s, ev);
    g_strlcpy(buf, h->scratch->str, len);
}

/* How far the connection got. */
static void
derive_completeness(tcpx_health_t *h, hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    gboolean data = s->bytes[0] + s->bytes[1] > 0;

    if (s->syn && !s->synack && s->resets[1] > 0)
        s->done = TCPX_DONE_REFUSED;
    else if (s->syn && !s->synack && !s->midstream)
        s->done = TCPX_DONE_SYN_UNANSWERED;
    else if (s->midstream || !s->syn)
        s->done = TCPX_DONE_MIDSTREAM;
    else if (!data)
        s->done = TCPX_DONE_HANDSHAKE_ONLY;
    else if (s->rst_side >= 0 && !(s->fin[0] && s->fin[1]))
        s->done = TCPX_DONE_RESET;
    else if (s->fin[0] && s->fin[1])
        s->done = TCPX_DONE_COMPLETE;
    else if (s->fin[0] || s->fin[1])
        s->done = TCPX_DONE_HALF_CLOSED;
    else
        s->done = TCPX_DONE_OPEN;
    char done_text[96];
    tcpx_health_words_into(h, done_text, sizeof done_text, (tcpx_health_words_t)(TCPX_HW_DONE + s->done), s, NULL);
    s->done_text = tcpx_health_shared_text(h, done_text);
}

void
tcpx_health_derive(tcpx_health_t *h, hstream_t *hs)
{
    derive_traffic(hs);
    derive_rtt(hs);
    derive_options(hs);
    derive_reset_origin(hs);
    derive_position(hs);
    tcpx_health_derive_queue(hs);
    tcpx_health_derive_limits(hs);
    derive_holes(hs);
    derive_lost(hs);
    derive_loss(&h->prefs, hs);
    tcpx_health_derive_loss_cause(hs);
    derive_completeness(h, hs);
}
