/* tcpx_health_dsack.c: the receiver's D-SACKs, proving resends unneeded: taken back from the loss, and
 * resends of data the capture saw reach the receiver, which held its ACK (or dropped the data itself).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_add.h"

/* The retransmission a D-SACK in this record proves unneeded (the core names its frame), 0: none. */
static guint32
dsack_proof(const tcpx_tap_rec_t *rec)
{
    if (!rec->result)
        return 0;
    for (guint i = 0; i < rec->result->n && i < TCPX_MAX_FINDINGS; i++) {
        const tcpx_finding_t *f = &rec->result->f[i];
        if (f->kind == TCPX_K_DUP_ACK && f->cause == TCPX_C_DUPACK_DSACK)
            return f->orig_frame;
        if (f->kind == TCPX_K_DSACK) /* an advancing ACK's D-SACK */
            return f->ref_frame;
    }
    return 0;
}

/* A D-SACK proves the other side's retransmission unneeded: the original arrived, so
 * that retransmission was no loss (if it was counted as one, it is taken back). */
gboolean
tcpx_health_take_back_loss(hstream_t *hs, int sender, guint32 frame)
{
    tcpx_health_stream_t *s = &hs->pub;
    for (guint k = 0; frame && k < G_N_ELEMENTS(hs->loss_retx_frame[0]); k++) {
        if (hs->loss_retx_frame[sender][k] != frame)
            continue;
        hs->loss_retx_frame[sender][k] = 0;
        if (s->retx_net[sender] > 0)
            s->retx_net[sender]--;
        if (hs->loss_retx_payload[sender][k] && hs->retx_loss_payload > 0)
            hs->retx_loss_payload--;
        hs->loss_unneeded++; /* taken off the loss events when they are counted */
        return TRUE;
    }
    return FALSE;
}

/* A resend `wait` after its original, which passed the capture point within this round trip of the receiver
 * (the capture on its host, or a switch away), that acknowledged nothing for ten times that long or more: the
 * receiver held its ACK or dropped the data, unless its last link lost it (a hold there, for so long, would be
 * a queue nothing else shows). */
#define HELD_LEG_MAX_NS (NS_PER_MS / 2)
#define HELD_WAIT_LEGS 10
#define HELD_LEG_FLOOR_NS (100 * NS_PER_US)

gboolean
tcpx_health_held_by_receiver(const hstream_t *hs, int receiver, gint64 wait)
{
    gint64 leg = tcpx_health_leg(hs, receiver);
    return leg > 0 && leg <= HELD_LEG_MAX_NS && wait >= HELD_WAIT_LEGS * MAX(leg, HELD_LEG_FLOOR_NS);
}

void
tcpx_health_add_held(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    tcpx_health_stream_t *s = &hs->pub;
    int receiver = 1 - r->d;
    hs->held_frame[r->d][hs->held_next[r->d]++ % G_N_ELEMENTS(hs->held_frame[0])] = rec->frame;
    s->ack_held_resends++;
    s->ack_held_side = receiver;
    s->ack_held_ns = MAX(s->ack_held_ns, r->orig_wait);
    s->ack_held_leg_ns = tcpx_health_leg(hs, receiver);
}

/* The receiver's D-SACK of a held resend: it had the data, and had held its ACK. */
static gboolean
held_proven(hstream_t *hs, int sender, guint32 frame)
{
    for (guint k = 0; frame && k < G_N_ELEMENTS(hs->held_frame[0]); k++) {
        if (hs->held_frame[sender][k] != frame)
            continue;
        hs->held_frame[sender][k] = 0;
        hs->pub.ack_held_dsacked++;
        return TRUE;
    }
    return FALSE;
}

void
tcpx_health_add_dsack(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    int sender = 1 - r->d;
    tcpx_health_stream_t *s = &hs->pub;
    guint32 proven = dsack_proof(rec);
    for (guint k = 0; proven && k < G_N_ELEMENTS(hs->loss_retx_frame[0]); k++) {
        if (hs->loss_retx_frame[sender][k] != proven)
            continue;
        gboolean prompted = hs->loss_retx_prompted[sender][k];
        tcpx_health_take_back_loss(hs, sender, proven);
        s->retx_unneeded++;
        s->retx_unneeded_prompted += prompted;
        return;
    }
    held_proven(hs, sender, proven);
}
