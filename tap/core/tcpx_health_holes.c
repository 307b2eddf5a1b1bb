/* tcpx_health_holes.c: gaps in what the capture saw of a sender, from the records that show them to
 * those that fill them (late: reordering; a round trip later: a resend).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_add.h"

/* The hole in sender d's data that bytes from seq fill, or NULL. */
tcpx_health_hole_t *
tcpx_health_hole_filled(hstream_t *hs, int d, guint32 seq)
{
    for (guint i = 0; hs->ph && i < TCPX_HEALTH_PENDING_HOLES; i++) {
        tcpx_health_hole_t *ho = &hs->ph[d][i];
        if (ho->used && tcpx_seq_in(seq, ho->lo, ho->hi))
            return ho;
    }
    return NULL;
}

/* A gap's bytes that came late, reordered: captured after all, no longer counted as not captured. */
void
tcpx_health_hole_arrived(hstream_t *hs, const tcpx_tap_rec_t *rec, int d)
{
    tcpx_health_hole_t *ho = rec->len > 0 ? tcpx_health_hole_filled(hs, d, rec->seq) : NULL;
    tcpx_health_stream_t *s = &hs->pub;
    if (!ho)
        return;
    s->lost_bytes -= MIN(s->lost_bytes, (guint64)rec->len);
    if (s->lost_segments > 0)
        s->lost_segments--;
    if (ho->segs > 0)
        ho->segs--;
}

/* Receiver's MSS for data sent by side d (0 client, 1 server); 0 unknown. */
static guint32
receiver_mss(const hstream_t *hs, int d)
{
    int ci = hs->view.client;
    return hs->view.mss[d == 0 ? 1 - ci : ci]; /* the receiver's */
}

/* Holes in the capture: capture misses now, or per sender until the judgement classifies them. */
void
tcpx_health_add_hole(hstream_t *hs, const tcpx_tap_rec_t *rec, int d)
{
    tcpx_health_stream_t *s = &hs->pub;
    guint32 segs = rec->lost_segments;
    guint8 cause = tcpx_health_finding_cause(rec, TCPX_K_LOST_SEGMENT);
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
        if (!hs->ph)
            hs->ph = g_malloc0(2 * sizeof *hs->ph);
        tcpx_health_hole_t *ho = &hs->ph[d][hs->ph_next[d]++ % TCPX_HEALTH_PENDING_HOLES];
        guint32 mss = receiver_mss(hs, d);
        ho->hi = rec->seq;
        ho->lo = rec->seq - (rec->lost_bytes ? rec->lost_bytes : segs * (mss ? mss : 1460));
        ho->segs = segs;
        ho->ts = rec->ts_ns;
        ho->used = TRUE;
        hs->holes[d]++;
        hs->hole_segs[d] += segs;
        if (segs > hs->hole_max_segs[d])
            hs->hole_max_segs[d] = segs;
    }
}
