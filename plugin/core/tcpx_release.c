/* tcpx_release.c: the memory a closed stream no longer needs, given back.
 *
 * A long capture is mostly streams that ended long ago.  Their rings of sent segments
 * (to explain retransmissions), their tables of recent packets (to recognise the
 * capture's copies) and their sides' recent ACKs, resends and SACK reports serve only
 * segments yet to come.  Once a stream has closed (a reset, or both FINs acknowledged)
 * and then stayed quiet for TCPX_RELEASE_QUIET_NS of capture time, they are freed; a
 * segment that still comes finds them empty and starts them anew (its sequence state,
 * kept in tcpx_side_t, still places it).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_steps.h"

/* Longer than a capture copy's delay (1 s at most, tcpx_copies.c) and than the first retransmission
 * timer (1 s) of a FIN whose last ACK was lost past the capture point. */
#define TCPX_RELEASE_QUIET_NS (3 * NS_PER_S)

/* Side i sent its FIN and the peer acknowledged all it sent. */
static gboolean
fin_acked(const tcpx_stream_t *s, int i)
{
    const tcpx_side_t *d = &s->side[i], *peer = &s->side[!i];
    return d->fin_frame && d->seq_known && peer->ack_known && tcpx_seq_ge(peer->high_ack, d->next_seq);
}

gboolean
tcpx_stream_closed(const tcpx_stream_t *s)
{
    return s->side[0].rst_frame || s->side[1].rst_frame || (fin_acked(s, 0) && fin_acked(s, 1));
}

static gint64
last_activity(const tcpx_stream_t *s)
{
    return MAX(s->side[0].last_ts, s->side[1].last_ts);
}

static void
append(tcpx_release_t *q, tcpx_stream_t *s)
{
    s->release_next = NULL;
    s->release_at = last_activity(s);
    if (q->tail)
        q->tail->release_next = s;
    else
        q->head = s;
    q->tail = s;
}

void
tcpx_release_note(tcpx_release_t *q, tcpx_stream_t *s)
{
    if (s->release_queued || !tcpx_stream_closed(s))
        return;
    s->release_queued = TRUE;
    append(q, s);
}

void
tcpx_stream_ready(tcpx_stream_t *s)
{
    for (int i = 0; i < 2; i++) {
        if (!s->side[i].recent)
            s->side[i].recent = (tcpx_recent_t *)s->alloc.alloc0(s->alloc.ctx, sizeof(tcpx_recent_t));
    }
}

static void
release_side(tcpx_stream_t *s, tcpx_side_t *d)
{
    /* an ICMP "too big" no resend answered yet is told at the capture's end (tcpx_pmtu_finish) */
    gboolean pmtu_open = d->recent && d->recent->pmtu_frame && !d->recent->pmtu_resends;
    if (d->recent && !pmtu_open) {
        s->alloc.realloc(s->alloc.ctx, d->recent, 0);
        d->recent = NULL;
    }
    if (d->sent)
        s->alloc.realloc(s->alloc.ctx, d->sent, 0);
    d->sent = NULL;
    d->sent_cap = d->sent_head = d->sent_len = d->sent_acked = 0;
    if (d->copies)
        s->alloc.realloc(s->alloc.ctx, d->copies, 0);
    d->copies = NULL;
    d->copies_cap = 0;
}

void
tcpx_release_sweep(tcpx_release_t *q, gint64 now_ns)
{
    while (q->head && now_ns - q->head->release_at > TCPX_RELEASE_QUIET_NS) {
        tcpx_stream_t *s = q->head;
        q->head = s->release_next;
        if (!q->head)
            q->tail = NULL;
        if (now_ns - last_activity(s) <= TCPX_RELEASE_QUIET_NS) {
            append(q, s); /* it spoke since it closed: wait again, from then */
            continue;
        }
        s->release_queued = FALSE; /* a segment that still comes queues it again */
        release_side(s, &s->side[0]);
        release_side(s, &s->side[1]);
    }
}
