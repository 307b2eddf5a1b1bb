/* tcpx_health_queue.c: a queue on the path (bufferbloat), from the ACK RTT of one direction's
 * data: its sustained level under load far above its least, the handshake's leg included.
 *
 * A delayed ACK lifts one sample, a queue every sample for as long as it holds: the level is
 * the least of the latest QUEUE_RING samples, and the peak the highest level.  A queue
 * fills step by step; a path that holds everything at once (a delay spike, told by the D-SACKs
 * of the resends it provokes) lifts the level in one step: no queue.  As Karn's rule says, an ACK
 * of data sent before a resend is no sample: Wireshark times it from the original, so it measures
 * the loss recovery (a hole held the ACK back), not the path.  The capture
 * point sees the queues between it and the receiver (and back): a capture near the receiver
 * sees none, and says nothing.
 *
 * The same levels say why a stream lost segments (tcpx_health_derive_loss_cause).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_add.h"

#define QUEUE_RING 8
/* The peak is QUEUE_FACTOR times the least and QUEUE_MIN_NS more: past any delayed ACK (200 ms
 * at most) and jitter. */
#define QUEUE_FACTOR 4
#define QUEUE_MIN_NS (250 * NS_PER_MS)
/* A queue that overflows shows before it does: the level rose by a quarter of the least, and 5 ms. */
#define RISE_DIVISOR 4
#define RISE_MIN_NS (5 * NS_PER_MS)

G_STATIC_ASSERT(G_N_ELEMENTS(((hstream_t *)0)->rtt_recent[0]) == QUEUE_RING);

void
tcpx_health_note_resend(hstream_t *hs, int sender)
{
    hs->karn_hi[sender] = hs->snd_max[sender];
    hs->karn_open[sender] = true;
}

void
tcpx_health_add_queue(hstream_t *hs, const tcpx_tap_rec_t *rec, int d)
{
    int dir = d == 0 ? TCPX_S2C : TCPX_C2S; /* the data this ACK acknowledges */
    if (rec->ack_rtt_ns <= 0 || rec->ack_rtt_ns > TCPX_MAX_RTT_NS)
        return;
    if (hs->karn_open[1 - d]) {
        if ((gint32)(rec->ack - hs->karn_hi[1 - d]) <= 0)
            return;
        hs->karn_open[1 - d] = false;
    }
    hs->rtt_kept_sum[dir] += rec->ack_rtt_ns;
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

/* Why segments were lost, from the RTT of the lost data: single losses rounds apart fit a lossy link and a
 * queue a growing window overflows a segment at a time (or a queue manager, CoDel or RED, dropping early);
 * bursts fit a queue overflowing and a policer (a rate limit that drops, queueing nothing) or a brief outage.
 * The sustained level and the mean both risen above the least show a queue that filled and stayed full (a
 * spike lifts the level, hardly the mean; one late ACK neither).  Both flat show no deep one filled, but only
 * where the capture sees the whole path of that data, near its sender: elsewhere a queue may sit upstream of
 * the capture, out of its RTTs' sight. */
void
tcpx_health_derive_loss_cause(hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    s->loss_rtt_rise_ns = 0;
    s->loss_cause = TCPX_LOSS_CAUSE_NONE;
    if (s->loss_pattern != TCPX_LOSS_SCATTERED && s->loss_pattern != TCPX_LOSS_BURSTS)
        return;
    s->loss_cause = TCPX_LOSS_CAUSE_UNDETERMINED;
    int sender = s->retx_net[1] >= s->retx_net[0] ? 1 : 0;
    int dir = sender == 0 ? TCPX_C2S : TCPX_S2C;
    gint64 base = least_rtt(s, dir);
    if (base <= 0 || hs->rtt_recent_n[dir] < QUEUE_RING)
        return;
    gint64 level_rise = hs->rtt_floor_max[dir] - base, mean_rise = hs->rtt_kept_sum[dir] / hs->rtt_recent_n[dir] - base;
    gint64 enough = MAX(base / RISE_DIVISOR, RISE_MIN_NS);
    if (level_rise >= enough && mean_rise >= enough) {
        s->loss_cause = TCPX_LOSS_CAUSE_QUEUE;
        s->loss_rtt_rise_ns = mean_rise;
    } else if (level_rise < enough && mean_rise < enough &&
               s->position == (sender == 0 ? TCPX_POS_NEAR_CLIENT : TCPX_POS_NEAR_SERVER)) {
        s->loss_cause = TCPX_LOSS_CAUSE_NO_QUEUE;
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
