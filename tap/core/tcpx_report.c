/* tcpx_report.c: per-stream points for the HTML report's pictures (plain C, no epan).
 *
 * What is kept, per stream and per direction of the data (d: its sender):
 *   sent[d]   every segment with payload, SYN or FIN: (time, seq + len, seq)
 *   acked[d]  every ACK of d's data by the other side: (time, ACK, ACK + window)
 *   rtt[d]    every RTT sample of d's data (the ACKing record's ack_rtt_ns)
 *   events    every anomaly finding of the stream (both directions), with its
 *             byte range and related frames
 *   zw[side]  the zero-window periods each side advertised (ACKs with window 0
 *             until the next ACK with a window > 0; SYN and RST ignored, as
 *             the health rules do), at most RZW_MAX per side (the rest counted)
 *
 * Decimation, while collecting: a series may hold twice its share of
 * TCPX_REPORT_POINTS; when it is full, its points are grouped in time buckets
 * of width w counted from the stream's first record, each bucket keeping its
 * lowest and its highest point (in order), with w doubled until that halves
 * the series.  The grid is the same for later points, so what was kept stays
 * kept: a picture shows every extreme at the resolution of its final bucket
 * width.  Events are merged the same way: within a bucket, findings of the
 * same kind and direction become one marker that counts them (first and last
 * frame, byte range union), so every anomaly is drawn, grouped when there are
 * too many to draw one by one.  Memory: at most ~2 x (1,000 points x 16 B +
 * 600 markers x 64 B) per stream, far less for short streams (arrays grow).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_report_int.h"

/* Each series' share of a picture's points (sent, acked, rtt). */
#define SHARE_SENT (TCPX_REPORT_POINTS * 2 / 5)
#define SHARE_ACKED (TCPX_REPORT_POINTS * 3 / 10)
#define SHARE_RTT (TCPX_REPORT_POINTS * 3 / 10)
#define MIN_BUCKET_NS G_GINT64_CONSTANT(1000)

struct tcpx_report {
    GHashTable *by_id; /* stream id -> rstream_t* (owned by list) */
    GPtrArray *list;   /* rstream_t*, order of appearance */
    rstream_t *last;   /* the previous record's stream */
};

static void
series_init(rseries_t *s, gboolean min_on_aux)
{
    s->pts = g_array_new(FALSE, FALSE, sizeof(rpt_t));
    s->w = 0;
    s->min_on_aux = min_on_aux;
}

static void
rstream_free(gpointer p)
{
    rstream_t *rs = (rstream_t *)p;
    for (int d = 0; d < 2; d++) {
        g_array_free(rs->sent[d].pts, TRUE);
        g_array_free(rs->acked[d].pts, TRUE);
        g_array_free(rs->rtt[d].pts, TRUE);
        g_array_free(rs->zw[d], TRUE);
    }
    g_array_free(rs->events, TRUE);
    g_free(rs);
}

static rstream_t *
rstream_new(guint32 stream, gint64 t0)
{
    rstream_t *rs = g_new0(rstream_t, 1);
    rs->stream = stream;
    rs->t0 = rs->t_max = t0;
    for (int d = 0; d < 2; d++) {
        series_init(&rs->sent[d], TRUE);
        series_init(&rs->acked[d], TRUE);
        series_init(&rs->rtt[d], FALSE);
        rs->zw[d] = g_array_new(FALSE, FALSE, sizeof(rzw_t));
    }
    rs->events = g_array_new(FALSE, FALSE, sizeof(revent_t));
    return rs;
}

tcpx_report_t *
tcpx_report_new(void)
{
    tcpx_report_t *r = g_new0(tcpx_report_t, 1);
    r->by_id = g_hash_table_new(g_direct_hash, g_direct_equal);
    r->list = g_ptr_array_new_with_free_func(rstream_free);
    return r;
}

void
tcpx_report_reset(tcpx_report_t *r)
{
    if (!r)
        return;
    g_hash_table_remove_all(r->by_id);
    g_ptr_array_set_size(r->list, 0);
    r->last = NULL;
}

void
tcpx_report_free(tcpx_report_t *r)
{
    if (!r)
        return;
    g_hash_table_destroy(r->by_id);
    g_ptr_array_unref(r->list);
    g_free(r);
}

const rstream_t *
tcpx_report_stream(const tcpx_report_t *r, guint32 stream)
{
    return r ? (const rstream_t *)g_hash_table_lookup(r->by_id, GUINT_TO_POINTER(stream)) : NULL;
}

/* ---- decimation ---------------------------------------------------------- */

static inline gint64
bucket_of(gint64 t, gint64 t0, gint64 w)
{
    return t <= t0 ? 0 : (t - t0) / w;
}

static inline guint32
low_of(const rseries_t *s, const rpt_t *p)
{
    return s->min_on_aux ? p->aux : p->y;
}

/* Each run of points in one bucket keeps its lowest and its highest point, in order. */
static void
series_compact(rseries_t *s, gint64 t0, gint64 w)
{
    rpt_t *p = (rpt_t *)(void *)s->pts->data;
    guint n = s->pts->len, out = 0, i = 0;

    while (i < n) {
        gint64 key = bucket_of(p[i].t, t0, w);
        guint lo = i, hi = i, j;
        for (j = i + 1; j < n && bucket_of(p[j].t, t0, w) == key; j++) {
            if (low_of(s, &p[j]) < low_of(s, &p[lo]))
                lo = j;
            if (p[j].y > p[hi].y)
                hi = j;
        }
        rpt_t a = p[MIN(lo, hi)], b = p[MAX(lo, hi)];
        p[out++] = a;
        if (lo != hi)
            p[out++] = b;
        i = j;
    }
    g_array_set_size(s->pts, out);
}

void
tcpx_report_series_fit(rseries_t *s, gint64 t0, gint64 t_max, guint max)
{
    gint64 span = MAX(t_max - t0, 1), w = MAX(s->w, MIN_BUCKET_NS);
    max = MAX(max, 4u);
    if (s->pts->len <= max)
        return;
    for (;;) {
        while (span / w >= (gint64)(max / 2))
            w *= 2;
        series_compact(s, t0, w);
        if (s->pts->len <= max)
            break;
        w *= 2;
    }
    s->w = w;
}

static void
event_merge(revent_t *into, const revent_t *e)
{
    into->count += e->count;
    into->t_last = MAX(into->t_last, e->t_last);
    into->frame_last = MAX(into->frame_last, e->frame_last);
    if (e->hi) {
        into->lo = into->hi ? MIN(into->lo, e->lo) : e->lo;
        into->hi = MAX(into->hi, e->hi);
    }
}

/* Within each bucket, one marker per kind and direction. */
static void
events_merge(rstream_t *rs, gint64 w)
{
    revent_t *e = (revent_t *)(void *)rs->events->data;
    guint n = rs->events->len, out = 0, i = 0;

    while (i < n) {
        gint64 key = bucket_of(e[i].t, rs->t0, w);
        guint run = out, j;
        for (j = i; j < n && bucket_of(e[j].t, rs->t0, w) == key; j++) {
            revent_t cur = e[j];
            guint k;
            for (k = run; k < out; k++)
                if (e[k].kind == cur.kind && e[k].from_client == cur.from_client)
                    break;
            if (k < out)
                event_merge(&e[k], &cur);
            else
                e[out++] = cur;
        }
        i = j;
    }
    rs->ev_merged += n - out;
    g_array_set_size(rs->events, out);
}

void
tcpx_report_events_fit(rstream_t *rs, guint max)
{
    gint64 span = MAX(rs->t_max - rs->t0, 1), w = MAX(rs->ev_w, MIN_BUCKET_NS);
    max = MAX(max, 64u);
    if (rs->events->len <= max)
        return;
    for (;;) {
        while (span / w >= (gint64)(max / 4))
            w *= 2;
        events_merge(rs, w);
        if (rs->events->len <= max)
            break;
        w *= 2;
    }
    rs->ev_w = w;
}

/* ---- collection ---------------------------------------------------------- */

static void
push(rstream_t *rs, rseries_t *s, gint64 t, guint32 y, guint32 aux, guint share)
{
    rpt_t p = { t, y, aux };
    g_array_append_val(s->pts, p);
    if (s->pts->len > 2 * share)
        tcpx_report_series_fit(s, rs->t0, rs->t_max, share);
}

static rstream_t *
get_stream(tcpx_report_t *r, const tcpx_tap_rec_t *rec)
{
    rstream_t *rs = r->last;
    if (rs && rs->stream == rec->stream)
        return rs;
    rs = (rstream_t *)g_hash_table_lookup(r->by_id, GUINT_TO_POINTER(rec->stream));
    if (!rs) {
        rs = rstream_new(rec->stream, rec->ts_ns);
        g_ptr_array_add(r->list, rs);
        g_hash_table_insert(r->by_id, GUINT_TO_POINTER(rec->stream), rs);
    }
    r->last = rs;
    return rs;
}

/* Zero-window periods of the side that sent this ACK. */
static void
track_zero_window(rstream_t *rs, const tcpx_tap_rec_t *rec, int side)
{
    GArray *a = rs->zw[side];
    if (rec->win == 0 && !rs->zw_open[side]) {
        if (a->len >= RZW_MAX) {
            rs->zw_dropped[side]++;
            return;
        }
        rzw_t z = { rec->ts_ns, 0, rec->frame, 0, rec->ack };
        g_array_append_val(a, z);
        rs->zw_open[side] = TRUE;
    } else if (rec->win > 0 && rs->zw_open[side]) {
        rzw_t *z = &g_array_index(a, rzw_t, a->len - 1);
        z->t1 = rec->ts_ns;
        z->frame1 = rec->frame;
        rs->zw_open[side] = FALSE;
    }
}

static void
add_related(revent_t *e, guint32 frame)
{
    if (!frame || frame == e->frame || frame == e->orig_frame || e->n_rel >= RPT_REL)
        return;
    for (guint i = 0; i < e->n_rel; i++)
        if (e->rel[i] == frame)
            return;
    e->rel[e->n_rel++] = frame;
}

static void
add_event(rstream_t *rs, const tcpx_tap_rec_t *rec, guint kind, const tcpx_finding_t *f)
{
    revent_t e;
    memset(&e, 0, sizeof e);
    e.t = e.t_last = rec->ts_ns;
    e.frame = e.frame_last = rec->frame;
    e.count = 1;
    e.seq = rec->seq;
    e.ack = rec->ack;
    e.kind = (guint8)kind;
    e.from_client = rec->from_client ? 1 : 0;
    if (f) {
        e.cause = f->cause;
        if (f->hi >= f->lo && f->hi > 0) {
            e.lo = f->lo;
            e.hi = f->hi;
        }
        if (f->orig_frame && f->orig_frame < rec->frame && f->orig_age_ns > 0) {
            e.orig_frame = f->orig_frame;
            e.orig_age = f->orig_age_ns;
        }
        add_related(&e, f->ack_frame);
        add_related(&e, f->ref_frame);
        for (guint i = 0; i < f->n_listed && i < TCPX_MAX_LISTED; i++)
            add_related(&e, f->listed[i]);
    }
    g_array_append_val(rs->events, e);
    if (rs->events->len > 2 * TCPX_REPORT_MARKERS)
        tcpx_report_events_fit(rs, TCPX_REPORT_MARKERS);
}

static void
add_events(rstream_t *rs, const tcpx_tap_rec_t *rec)
{
    guint32 seen = 0;
    for (guint i = 0; rec->result && i < rec->result->n; i++) {
        const tcpx_finding_t *f = &rec->result->f[i];
        if (!tcpx_kind_is_anomaly((tcpx_kind_t)f->kind))
            continue;
        seen |= 1u << f->kind;
        add_event(rs, rec, f->kind, f);
    }
    for (guint k = 0; k < TCPX_K_N_ANOMALIES; k++) /* kinds without a finding */
        if ((rec->kinds & ~seen) & (1u << k))
            add_event(rs, rec, k, NULL);
}

void
tcpx_report_add(tcpx_report_t *r, const tcpx_tap_rec_t *rec)
{
    rstream_t *rs;
    int d, o;

    if (!r || !rec)
        return;
    rs = get_stream(r, rec);
    rs->t_max = MAX(rs->t_max, rec->ts_ns);
    d = rec->from_client ? 0 : 1;
    o = !d;
    if (rec->len > 0 || (rec->flags & (TCPX_TH_SYN | TCPX_TH_FIN))) {
        guint32 end = rec->seq + rec->len + ((rec->flags & TCPX_TH_SYN) ? 1 : 0) + ((rec->flags & TCPX_TH_FIN) ? 1 : 0);
        push(rs, &rs->sent[d], rec->ts_ns, end, rec->seq, SHARE_SENT);
        rs->seq_max[d] = MAX(rs->seq_max[d], end);
    }
    if ((rec->flags & TCPX_TH_ACK) && !(rec->flags & (TCPX_TH_RST | TCPX_TH_SYN))) {
        guint64 edge = (guint64)rec->ack + rec->win;
        push(rs, &rs->acked[o], rec->ts_ns, rec->ack, (guint32)MIN(edge, G_MAXUINT32), SHARE_ACKED);
        track_zero_window(rs, rec, d);
    }
    if (rec->ack_rtt_ns > 0) {
        gint64 us = rec->ack_rtt_ns / 1000;
        push(rs, &rs->rtt[o], rec->ts_ns, (guint32)MIN(us, (gint64)G_MAXUINT32), rec->frame, SHARE_RTT);
    }
    if (rec->kinds)
        add_events(rs, rec);
}

/* Final sizes, before drawing. */
void
tcpx_report_fit_all(tcpx_report_t *r)
{
    for (guint i = 0; r && i < r->list->len; i++) {
        rstream_t *rs = (rstream_t *)g_ptr_array_index(r->list, i);
        for (int d = 0; d < 2; d++) {
            tcpx_report_series_fit(&rs->sent[d], rs->t0, rs->t_max, SHARE_SENT);
            tcpx_report_series_fit(&rs->acked[d], rs->t0, rs->t_max, SHARE_ACKED);
            tcpx_report_series_fit(&rs->rtt[d], rs->t0, rs->t_max, SHARE_RTT);
        }
        tcpx_report_events_fit(rs, TCPX_REPORT_MARKERS);
    }
}
