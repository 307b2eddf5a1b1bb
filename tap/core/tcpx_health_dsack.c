/* tcpx_health_dsack.c: the receiver's D-SACKs, proving resends unneeded: taken back from the loss, and
 * where the capture point sits by the receiver, told apart from a delay on the path.
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

/* A timer's resend proved unneeded, whose original passed the capture point within this round trip of the
 * receiver, which acknowledged nothing for ten times that long or more until the resend came: it held its ACK
 * (a hold on that last millisecond of path, for so long, would be a queue nothing else shows). */
#define ACK_HELD_LEG_MAX_NS NS_PER_MS
#define ACK_HELD_WAIT_LEGS 10
#define ACK_HELD_LEG_FLOOR_NS (100 * NS_PER_US)

static void
note_ack_held(hstream_t *hs, int receiver, gint64 wait)
{
    tcpx_health_stream_t *s = &hs->pub;
    gint64 leg = tcpx_health_leg(hs, receiver);
    if (leg <= 0 || leg > ACK_HELD_LEG_MAX_NS || wait < ACK_HELD_WAIT_LEGS * MAX(leg, ACK_HELD_LEG_FLOOR_NS))
        return;
    s->ack_held_resends++;
    s->ack_held_side = receiver;
    s->ack_held_ns = MAX(s->ack_held_ns, wait);
    s->ack_held_leg_ns = leg;
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
        gint64 wait = hs->loss_retx_wait_ns[sender][k];
        tcpx_health_take_back_loss(hs, sender, proven);
        s->retx_unneeded++;
        s->retx_unneeded_prompted += prompted;
        if (!prompted)
            note_ack_held(hs, r->d, wait);
        return;
    }
}
