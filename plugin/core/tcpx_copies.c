/* tcpx_copies.c: packets the capture recorded twice (a SPAN or mirror port, two
 * capture interfaces merged, a file merged with itself), told apart from what TCP
 * really sent twice (retransmissions, repeated ACKs).
 *
 * A copy repeats its packet bit for bit: IP ID, sequence and ACK numbers, flags,
 * length, window, TSval and TCP checksum.  That identity alone is not proof: a
 * stack that sends IP ID 0 (or one IP ID for everything) and no timestamps resends
 * a segment, or repeats an ACK, bit-identical.  So the identity is strong only when
 * the sender's IP IDs change from packet to packet; otherwise timing and context
 * must say "copy": microseconds apart with nothing from the peer in between, or a
 * TTL one or a few hops lower or higher (the same packet seen at a second point).
 * A copy precedes any answer to its packet: the peer's ACK of the data or its
 * duplicate ACKs asking for it again contradict a copy.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_steps.h"

#define COPY_SLOTS_MIN 8u
/* Between a packet and its copy at a second point, one side sent up to ~140 packets
 * in the corpus (20 ms between the points, a busy download): room for a few times that. */
#define COPY_SLOTS_MAX 256u
/* A copy made at one point (SPAN, a file merged with itself) follows within this. */
#define COPY_SAME_POINT_NS (5 * NS_PER_MS)
/* A copy made at another point follows within one path delay: at most this (or 2 RTT). */
#define COPY_OTHER_POINT_NS (1000 * NS_PER_MS)
/* Routers between two capture points: a copy's TTL differs by 1 to this. */
#define COPY_MAX_HOPS 8

G_STATIC_ASSERT((COPY_SLOTS_MIN & (COPY_SLOTS_MIN - 1)) == 0);

static guint64
mix(guint64 h, guint64 v)
{
    h ^= v;
    h *= 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

/* The packet's identity: what a copy repeats and a new packet changes. */
guint64
tcpx_packet_identity(const tcpx_segment_t *seg)
{
    guint64 h = mix(0x51ED27ull, ((guint64)seg->seq << 32) | seg->ack);
    h = mix(h, ((guint64)seg->len << 32) | ((guint64)seg->flags << 16) | seg->checksum);
    h = mix(h, ((guint64)seg->win << 32) | (seg->has_ts ? seg->tsval : 0));
    h = mix(h, seg->has_ip_id ? 0x10000u | seg->ip_id : 0);
    return h ? h : 1;
}

/* A packet's place in the table: by IP ID when the sender numbers its packets (the
 * latest copies_cap packets never collide), else by identity. */
static guint32
place(const tcpx_segment_t *seg, guint64 key)
{
    return seg->has_ip_id && seg->ip_id ? seg->ip_id : (guint32)(key >> 32);
}

static tcpx_copy_slot_t *
slot_at(const tcpx_side_t *d, guint32 where)
{
    return &d->copies[where & (d->copies_cap - 1)];
}

/* Does the sender's IP ID identify a packet (it changes from one packet to the next)? */
static gboolean
ip_id_identifies(const tcpx_side_t *d, const tcpx_segment_t *seg)
{
    return seg->has_ip_id && seg->ip_id != 0 && d->packets >= 2 && !d->ip_id_repeats;
}

/* Has the peer answered the packet since it first passed: ACKed its data, or asked for it again? */
static gboolean
answered_since(const tcpx_side_t *peer, const tcpx_segment_t *seg, const tcpx_copy_slot_t *e)
{
    guint32 end = seg->seq + seg->len + ((seg->flags & (TCPX_TH_SYN | TCPX_TH_FIN)) ? 1 : 0);
    if (end == seg->seq)
        return FALSE; /* a pure ACK asks for no answer */
    const tcpx_ack_event_t *acked = tcpx_find_ack_covering(peer, end);
    if (acked && acked->frame > e->frame)
        return TRUE;
    return peer->recent->dupacks_len > 0 && peer->ack_known && peer->high_ack == seg->seq &&
           peer->recent->dupacks[peer->recent->dupacks_len - 1] > e->frame;
}

static gboolean
ttl_hops_apart(const tcpx_segment_t *seg, const tcpx_copy_slot_t *e)
{
    int hops = (int)seg->ip_ttl - (int)e->ttl;
    return seg->ip_ttl && e->ttl && hops != 0 && ABS(hops) <= COPY_MAX_HOPS;
}

static gboolean
is_copy(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, const tcpx_copy_slot_t *e)
{
    const tcpx_side_t *d = &s->side[sender];
    const tcpx_side_t *peer = &s->side[!sender];
    gint64 age = seg->ts_ns - e->ts_ns;
    gint64 other_point = MAX(COPY_OTHER_POINT_NS, 2 * tcpx_stream_rtt(s, seg));

    if (age < 0 || answered_since(peer, seg, e))
        return FALSE;
    if (ip_id_identifies(d, seg) && age <= other_point)
        return TRUE;
    /* The identity could be a resend's: timing and the TTL decide. */
    if (ttl_hops_apart(seg, e))
        return age <= other_point;
    return age <= COPY_SAME_POINT_NS && peer->last_frame < e->frame;
}

const tcpx_copy_slot_t *
tcpx_copy_of(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, guint64 identity)
{
    const tcpx_side_t *d = &s->side[sender];
    if (!d->copies_cap)
        return NULL;
    const tcpx_copy_slot_t *e = slot_at(d, place(seg, identity));
    if (e->key != identity || e->frame == seg->frame)
        return NULL;
    return is_copy(s, sender, seg, e) ? e : NULL;
}

/* The same entries in a table twice the size. */
static void
grow(tcpx_stream_t *s, tcpx_side_t *d)
{
    tcpx_copy_slot_t *old = d->copies;
    guint32 old_cap = d->copies_cap;
    d->copies_cap = old_cap ? old_cap * 2 : COPY_SLOTS_MIN;
    d->copies = (tcpx_copy_slot_t *)s->alloc.alloc0(s->alloc.ctx, d->copies_cap * sizeof *d->copies);
    for (guint32 i = 0; i < old_cap; i++) {
        if (old[i].key)
            *slot_at(d, old[i].ip_id ? old[i].ip_id : (guint32)(old[i].key >> 32)) = old[i];
    }
    if (old)
        s->alloc.realloc(s->alloc.ctx, old, 0);
}

void
tcpx_remember_packet(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, guint64 identity)
{
    tcpx_side_t *d = &s->side[sender];
    if (d->packets > 0 && seg->has_ip_id && seg->ip_id == d->last_ip_id)
        d->ip_id_repeats = TRUE;
    if (d->packets > 0 && seg->has_ip_id) {
        guint16 step = (guint16)(seg->ip_id - d->last_ip_id);
        if (step > 0 && step <= TCPX_IP_ID_STEP_MAX && seg->ip_id && d->last_ip_id)
            d->ip_id_rising += d->ip_id_rising < G_MAXUINT8;
        else
            d->ip_id_other += d->ip_id_other < G_MAXUINT8;
    }
    d->last_ip_id = seg->ip_id;
    d->packets++;
    if (!d->copies_cap || (d->packets > d->copies_cap && d->copies_cap < COPY_SLOTS_MAX))
        grow(s, d);
    tcpx_copy_slot_t *e = slot_at(d, place(seg, identity));
    e->key = identity;
    e->ip_id = seg->has_ip_id ? seg->ip_id : 0;
    e->ts_ns = seg->ts_ns;
    e->frame = seg->frame;
    e->ttl = seg->ip_ttl;
}

void
tcpx_explain_copy(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, const tcpx_copy_slot_t *e, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_CAPTURE_COPY, TCPX_C_CAPTURE_DUPLICATE);
    d->copies_seen++;
    tcpx_set_range(f, seg);
    f->bytes = seg->len;
    f->orig_frame = e->frame;
    f->orig_age_ns = seg->ts_ns - e->ts_ns;
    f->count = d->copies_seen;
    if (seg->has_ttl && e->ttl) { /* one apart: the copy of a forwarder's other interface */
        f->ttl = seg->ip_ttl;
        f->ttl_ref = e->ttl;
    }
}
