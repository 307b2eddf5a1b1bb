/* tcpx_health_queue.c: a queue on the path (bufferbloat), from the ACK RTT of one direction's
 * data: its sustained level under load far above its least, the handshake's leg included.
 *
 * A delayed ACK lifts one sample, a queue every sample for as long as it holds: the level is
 * the least of the latest QUEUE_RING samples, and the peak the highest level.  A queue
 * fills step by step; a path that holds everything at once (a delay spike, told by the D-SACKs
 * of the resends it provokes) lifts the level in one step: no queue.  The capture
 * point sees the queues between it and the receiver (and back): a capture near the receiver
 * sees none, and says nothing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_add.h"

#define QUEUE_RING 8
/* The peak is QUEUE_FACTOR times the least and QUEUE_MIN_NS more: past any delayed ACK (200 ms
 * at most) and jitter. */
#define QUEUE_FACTOR 4
#define QUEUE_MIN_NS (250 * NS_PER_MS)

G_STATIC_ASSERT(G_N_ELEMENTS(((hstream_t *)0)->rtt_recent[0]) == QUEUE_RING);

void
tcpx_health_add_queue(hstream_t *hs, const tcpx_tap_rec_t *rec, int d)
{
    int dir = d == 0 ? TCPX_S2C : TCPX_C2S; /* the data this ACK acknowledges */
    if (rec->ack_rtt_ns <= 0 || rec->ack_rtt_ns > TCPX_MAX_RTT_NS)
        return;
    hs->rtt_recent[dir][hs->rtt_recent_n[dir]++ % QUEUE_RING] = rec->ack_rtt_ns;
    if (hs->rtt_recent_n[dir] < QUEUE_RING)
        return;
    gint64 level = hs->rtt_recent[dir][0];
    for (guint i = 1; i < QUEUE_RING; i++)
        level = MIN(level, hs->rtt_recent[dir][i]);
    if (level > hs->rtt_floor_max[dir]) {
        if (hs->rtt_floor_max[dir] > 0)
            hs->rtt_floor_jump[dir] = MAX(hs->rtt_floor_jump[dir], level - hs->rtt_floor_max[dir]);
        hs->rtt_floor_max[dir] = level;
        hs->rtt_floor_frame[dir] = rec->frame;
    }
}

/* The least RTT of a direction's data: its least ACK RTT, or the receiver's leg of the handshake
 * (the client's for the server's data, SYN-ACK -> ACK; the server's for the client's). */
static gint64
least_rtt(const tcpx_health_stream_t *s, int dir)
{
    gint64 least = s->rtt_n[dir] ? s->rtt_min_ns[dir] : 0;
    gint64 leg = dir == TCPX_S2C ? s->hs_d2_ns : s->hs_d1_ns;
    if (leg > 0 && (least <= 0 || leg < least))
        least = leg;
    return least;
}

void
tcpx_health_derive_queue(hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    s->queue_dir = -1;
    for (int dir = 0; dir < 2; dir++) {
        gint64 base = least_rtt(s, dir), peak = hs->rtt_floor_max[dir];
        if (base <= 0 || peak / QUEUE_FACTOR < base || peak - base < QUEUE_MIN_NS ||
            hs->rtt_floor_jump[dir] * 2 > peak - base || /* at once: a spike, not a queue filling */
            (s->queue_dir >= 0 && peak - base <= s->queue_peak_ns - s->queue_base_ns))
            continue;
        int sender = dir == TCPX_C2S ? 0 : 1;
        s->queue_dir = dir;
        s->queue_base_ns = base;
        s->queue_peak_ns = peak;
        s->queue_peak_frame = hs->rtt_floor_frame[dir];
        /* in double: bytes x 8 x 10^9 outgrows 64 bits past 2 GB */
        s->queue_rate_bps = s->duration_ns > 0 ? (guint64)((double)s->bytes[sender] * 8e9 / (double)s->duration_ns) : 0;
    }
}

/* {queue_sender}: the sender of the data a queue delayed. */
gboolean
tcpx_health_queue_sender(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_stream_t *s = ((const tcpx_health_words_ctx_t *)c)->s;
    (void)v;
    if (s->queue_dir < 0)
        return FALSE;
    g_string_append(o, tcpx_health_side_name(s->queue_dir == TCPX_C2S ? 0 : 1));
    return TRUE;
}
