/* tcpx_health_add_flow.c: records -> running totals of the flow itself: the windows each
 * side advertised (zero, full, how long) and the application's requests and answers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_add.h"

/* Window full, against receiver `rv`: a period opens at a window-full segment (excused when the
 * receiver's latest ACK was a duplicate: a loss hole holds the left edge) and closes at the
 * receiver's ACK that opens the window past it.  ACKs inside a period that advance the left edge
 * but the right edge by less than half as much show data acknowledged and not read. */
static void
add_window_full(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    int rv = 1 - r->d;
    if (!(r->kinds & K(TCPX_K_WINDOW_FULL)) || hs->wf_open[rv])
        return;
    hs->wf_open[rv] = TRUE;
    hs->wf_since[rv] = rec->ts_ns;
    hs->wf_edge[rv] = rec->seq + rec->len;
    hs->wf_loss[rv] = hs->last_dupack[rv];
}

/* An ACK of side d: the window-full period against it, its largest windows before and after the first. */
static void
add_receiver_ack(hstream_t *hs, const tcpx_tap_rec_t *rec, int d)
{
    guint32 edge = rec->ack + rec->win;
    if (hs->wf_open[d] && hs->ack_known[d] && tcpx_seq_gt(rec->ack, hs->last_ack[d])) {
        guint32 ack_adv = rec->ack - hs->last_ack[d];
        guint32 edge_adv = tcpx_seq_gt(edge, hs->last_edge[d]) ? edge - hs->last_edge[d] : 0;
        hs->wf_acks[d]++;
        hs->wf_stuck[d] += edge_adv * 2 < ack_adv; /* most of what it acknowledged stays in its buffer */
    }
    if (hs->wf_open[d] && tcpx_seq_gt(edge, hs->wf_edge[d])) {
        hs->wf_open[d] = FALSE;
        *(hs->wf_loss[d] ? &hs->wf_loss_ns[d] : &hs->wf_ns[d]) += tcpx_health_span(hs->wf_since[d], rec->ts_ns);
    }
    if (hs->pub.window_full_recv[d] == 0)
        hs->win_pre_max[d] = MAX(hs->win_pre_max[d], rec->win);
    else
        hs->win_post_max[d] = MAX(hs->win_post_max[d], rec->win);
    if (!hs->ack_known[d] || tcpx_seq_gt(rec->ack, hs->last_ack[d])) {
        hs->last_ack[d] = rec->ack;
        hs->last_ack_ts[d] = rec->ts_ns;
    }
    if (!hs->ack_known[d] || tcpx_seq_gt(edge, hs->last_edge[d]))
        hs->last_edge[d] = edge;
    hs->ack_known[d] = TRUE;
}

/* Zero-window periods of the sender of this header; window-full events against the receiver. */
void
tcpx_health_add_windows(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    int d = r->d;
    if (r->ack && !r->syn && !r->rst) {
        if (rec->win == 0) {
            if (!hs->zw_open[d]) {
                hs->zw_open[d] = TRUE;
                hs->zw_since[d] = rec->ts_ns;
                hs->zw_events[d]++;
            }
        } else if (hs->zw_open[d]) {
            hs->zw_open[d] = FALSE;
            hs->zw_closed[d] += tcpx_health_span(hs->zw_since[d], rec->ts_ns);
        }
        add_receiver_ack(hs, rec, d);
    }
    if (tcpx_health_finding_cause(rec, TCPX_K_WINDOW_FULL) != TCPX_C_WINDOW_STALE_COPY)
        add_window_full(hs, rec, r);
    if ((r->kinds & K(TCPX_K_WINDOW_FULL)) &&
        tcpx_health_finding_cause(rec, TCPX_K_WINDOW_FULL) != TCPX_C_WINDOW_STALE_COPY)
        hs->pub.window_full_recv[1 - d]++;
    if (r->keepalive)
        hs->pub.keepalives[d]++;
}

/* Application exchanges: a request is new client payload, its answer the server's next new payload. */
void
tcpx_health_add_exchange(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    tcpx_health_stream_t *s = &hs->pub;
    if (r->keepalive || (r->kinds & K(TCPX_K_KEEP_ALIVE_ACK))) {
        if (hs->req_pending && r->keepalive)
            hs->req_ka++;
    } else if (rec->len > 0 && !r->retx_any && !r->probe) {
        if (r->d == 0) {
            if (!hs->req_pending)
                hs->req_ka = hs->req_bytes = 0;
            hs->req_bytes += rec->len;
            hs->req_pending = TRUE;
            hs->req_last_ts = rec->ts_ns;
            hs->req_end = rec->seq + rec->len;
            hs->req_ack_ts = -1;
        } else if (hs->req_pending) {
            gint64 rt = tcpx_health_span(hs->req_last_ts, rec->ts_ns);
            s->resp_n++;
            s->resp_sum_ns += rt;
            hs->req_bytes_sum += hs->req_bytes;
            if (s->resp_n == 1 || rt > s->resp_max_ns) {
                s->resp_max_ns = rt;
                s->resp_max_frame = rec->frame;
                s->resp_max_ack_ns = hs->req_ack_ts >= 0 ? hs->req_ack_ts - hs->req_last_ts : -1;
                s->resp_max_keepalives = hs->req_ka;
            }
            hs->req_pending = FALSE;
        }
    }
    /* the server's TCP acknowledging the whole request before answering it */
    if (hs->req_pending && r->d == 1 && r->ack && !r->rst && rec->len == 0 && hs->req_ack_ts < 0 &&
        tcpx_seq_ge(rec->ack, hs->req_end))
        hs->req_ack_ts = rec->ts_ns;
}
