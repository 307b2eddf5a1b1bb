/* tcpx_health_limits.c: what limited each sender's throughput, moment by moment.
 *
 * Between two records of a stream, a sender is in one state, read from the wire as its kernel
 * keeps its own chrono (Linux tcp_info: busy, rwnd_limited):
 * - the receiver's window: no room past its right edge for two more full segments (WINDOW_ROOM_SEGS);
 * - loss recovery: from the last ACK advance before a loss resend (the loss being found: dup ACKs
 *   or the timer) until the receiver acknowledges all that was in flight at the resend;
 * - sending: data in flight and the window open (the congestion window, the path, or its pace);
 * - idle: nothing in flight and the window open.
 * Idle time counts only between bursts (the application had nothing to send, then did): the
 * time after the last data is the connection's, not the transfer's. A closed window with
 * nothing in flight counts as the window's only when the sender shows it was waiting: it probed,
 * or sent new data within a moment of the window reopening; else it was idle too.
 * Without the handshake the window's scale is unknown: no window state then.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health_add.h"
#include "tcpx_text.h"
#include "tcpx_health_columns.h"

/* A sender with data that the window held back sends as soon as the window reopens (one ACK's way);
 * later than this, it had nothing to send. */
#define REOPEN_SEND_NS (20 * NS_PER_MS)
/* A sender stops for the receiver's window with room for fewer segments than this: Linux defers a burst
 * (a TSO segment, two at least) that the window cannot take whole, and counts the wait as window-limited
 * (tcp_tso_should_defer); with room for one more segment the truth test's kernels were held back too. */
#define WINDOW_ROOM_SEGS 2
/* Below this much time in flight, the shares say nothing. */
#define LIMITS_MIN_BUSY_NS (50 * NS_PER_MS)


/* The sender's state now, from the receiver's ACKs as the sender has them. */
static int
state_now(const hstream_t *hs, const tcpx_limits_acc_t *a, gboolean *zero_wait)
{
    gboolean in_flight = !a->ack_known || tcpx_seq_gt(a->snd_max, a->ack);
    *zero_wait = FALSE;
    if (a->in_recovery && in_flight)
        return TCPX_LIMIT_RECOVERY;
    if (hs->view.scale_known && a->ack_known &&
        (!tcpx_seq_gt(a->edge, a->snd_max) || a->edge - a->snd_max < WINDOW_ROOM_SEGS * MAX(a->seg_max, 1))) {
        *zero_wait = !in_flight;
        return TCPX_LIMIT_RWND;
    }
    return in_flight ? TCPX_LIMIT_SENDING : TCPX_LIMIT_IDLE;
}

/* ---- over time ----------------------------------------------------------- */

/* Transfers shorter than this have no timeline (the shares say it); its first slice is this long. */
#define TIMELINE_AFTER_NS (NS_PER_S / 2)

static void
timeline_halve(tcpx_limits_timeline_t *tl)
{
    for (gsize i = 0; i < TCPX_LIMITS_SLICES / 2; i++)
        for (int k = 0; k < TCPX_LIMITS_N; k++)
            tl->ns[i][k] = tl->ns[2 * i][k] + tl->ns[(2 * i) + 1][k];
    memset(tl->ns[TCPX_LIMITS_SLICES / 2], 0, sizeof tl->ns[0] * (TCPX_LIMITS_SLICES / 2));
    tl->n = (tl->n + 1) / 2;
    tl->width *= 2;
}

/* The span from..to in `state`, as the sender lived it (idle and a closed window as they were, even
 * when the shares settle them otherwise).  The timeline starts a second into the transfer: its first
 * slice holds the shares so far. */
static void
timeline_add(tcpx_limits_acc_t *a, int state, gint64 from, gint64 to)
{
    tcpx_limits_timeline_t *tl = a->timeline;
    if (!tl) {
        /* idle spans start none: a side that only asked and then waited keeps no timeline */
        if (from - a->first_ts < TIMELINE_AFTER_NS || state == TCPX_LIMIT_IDLE)
            return;
        tl = a->timeline = g_new0(tcpx_limits_timeline_t, 1);
        tl->start = a->first_ts;
        tl->width = from - a->first_ts;
        memcpy(tl->ns[0], a->ns, sizeof a->ns);
        tl->ns[0][TCPX_LIMIT_IDLE] += a->idle_pending;
        tl->ns[0][TCPX_LIMIT_RWND] += a->zero_pending;
        tl->n = 1;
    }
    while (from < to) {
        while ((from - tl->start) / tl->width >= TCPX_LIMITS_SLICES)
            timeline_halve(tl);
        gint64 slice = (from - tl->start) / tl->width;
        gint64 end = MIN(to, tl->start + (slice + 1) * tl->width);
        tl->ns[slice][state] += end - from;
        tl->n = MAX(tl->n, (guint32)slice + 1);
        from = end;
    }
}

/* The latest `ns` of state `from` was `to`: moved in the latest slices, back to the first. */
static void
timeline_move(tcpx_limits_timeline_t *tl, gint64 ns, int from, int to)
{
    for (guint32 i = tl->n; i-- > 0 && ns > 0;) {
        gint64 part = MIN(ns, tl->ns[i][from]);
        tl->ns[i][from] -= part;
        tl->ns[i][to] += part;
        ns -= part;
    }
}

/* The letters of the timeline (trailing idle left out: the transfer had ended). */
static void
timeline_letters(const tcpx_limits_timeline_t *tl, char *out)
{
    static const char letter[TCPX_LIMITS_N] = { 'W', 'L', 'S', 'I' };
    guint32 n = 0, last_busy = 0;
    for (guint32 i = 0; tl && i < tl->n; i++) {
        int best = TCPX_LIMIT_IDLE;
        for (int k = 0; k < TCPX_LIMITS_N; k++)
            if (tl->ns[i][k] > tl->ns[i][best])
                best = k;
        out[n++] = letter[best];
        if (best != TCPX_LIMIT_IDLE)
            last_busy = n;
    }
    out[last_busy] = '\0';
}

/* ---- as it runs ------------------------------------------------------------ */

/* The time since `since` goes to the state it was in (pending while not yet known). */
static void
close_interval(tcpx_limits_acc_t *a, gint64 now)
{
    gint64 span = tcpx_health_span(a->since, now);
    if (span > 0) /* first: its first slice takes the shares so far */
        timeline_add(a, a->state, a->since, a->since + span);
    if (a->state == TCPX_LIMIT_IDLE)
        a->idle_pending += span;
    else if (a->state == TCPX_LIMIT_RWND && a->zero_wait)
        a->zero_pending += span;
    else
        a->ns[a->state] += span;
    if (a->state == TCPX_LIMIT_SENDING)
        a->sending_unacked += span;
    if (now > a->since)
        a->since = now;
}

static void
update_state(const hstream_t *hs, tcpx_limits_acc_t *a, gint64 now)
{
    gboolean zero_wait, was_zero = a->state == TCPX_LIMIT_RWND && a->zero_wait;
    if (a->in_recovery && a->ack_known && tcpx_seq_ge(a->ack, a->recovery_point))
        a->in_recovery = FALSE;
    a->state = state_now(hs, a, &zero_wait);
    a->zero_wait = zero_wait;
    if (was_zero && !(a->state == TCPX_LIMIT_RWND && zero_wait))
        a->reopened_ts = now;
}

/* The oldest ACK on its way to the sender takes effect at `at`. */
static void
apply_oldest_ack(const hstream_t *hs, tcpx_limits_acc_t *a, gint64 at)
{
    guint32 ack = a->acks[a->acks_head].ack, edge = a->acks[a->acks_head].edge;
    a->acks_head = (a->acks_head + 1) % a->acks_cap;
    a->acks_len--;
    if (a->acks_len)
        a->oldest_at = a->acks[a->acks_head].at;
    close_interval(a, at);
    if (!a->ack_known || tcpx_seq_ge(ack, a->ack)) { /* the sender takes the latest window, as it comes */
        if (!a->ack_known || ack != a->ack)
            a->sending_unacked = 0;
        a->ack = ack;
        a->edge = edge;
    }
    a->ack_known = TRUE;
    update_state(hs, a, at);
}

/* Room for one more ACK on the way: the ring doubles (up to TCPX_LIMITS_ACKS_MAX), oldest first. */
static gboolean
ack_ring_room(tcpx_limits_acc_t *a)
{
    if (a->acks_len < a->acks_cap)
        return TRUE;
    if (a->acks_cap >= TCPX_LIMITS_ACKS_MAX)
        return FALSE;
    guint32 cap = a->acks_cap ? 2 * a->acks_cap : TCPX_LIMITS_ACKS;
    tcpx_limits_ack_t *ring = g_new(tcpx_limits_ack_t, cap);
    for (guint32 i = 0; i < a->acks_len; i++)
        ring[i] = a->acks[(a->acks_head + i) % a->acks_cap];
    g_free(a->acks);
    a->acks = ring;
    a->acks_head = 0;
    a->acks_cap = cap;
    return TRUE;
}

/* An ACK of the receiver, on its way to the sender: it reaches the sender its leg later
 * (tcpx_health_leg: nothing near the sender, the whole round trip near the receiver).  One seen within
 * a small part of the leg after the newest on the way, or with the ring at its largest, takes that
 * one's place: it arrives with it, a moment early. */
static void
queue_ack(const hstream_t *hs, tcpx_limits_acc_t *a, const tcpx_tap_rec_t *rec)
{
    int d = rec->from_client ? 1 : 0; /* the sender these ACKs are for */
    gint64 leg = tcpx_health_leg(hs, d), at = rec->ts_ns + leg;
    guint32 i = a->acks_cap ? (a->acks_head + a->acks_len - 1) % a->acks_cap : 0;
    if (a->acks_len && a->newest_ack == rec->ack && a->newest_edge == rec->ack + rec->win)
        return; /* says nothing new */
    if ((!a->acks_len || at - a->acks[i].at >= leg / TCPX_LIMITS_ACKS_PER_LEG) && ack_ring_room(a)) {
        i = (a->acks_head + a->acks_len++) % a->acks_cap;
        a->acks[i].at = at;
        if (a->acks_len == 1)
            a->oldest_at = at;
    }
    a->acks[i].ack = a->newest_ack = rec->ack;
    a->acks[i].edge = a->newest_edge = rec->ack + rec->win;
}

/* The newest ACK on its way acknowledges all the sender sent, its FIN included. */
static gboolean
fin_ack_queued(const tcpx_limits_acc_t *a)
{
    return a->acks_len && tcpx_seq_ge(a->newest_ack, a->snd_max);
}

/* New data from the sender: the idle and closed-window time before it belonged to the transfer. */
static void
settle_pending(tcpx_limits_acc_t *a, gint64 now)
{
    gboolean waited = a->probed || (a->reopened_ts > 0 && now - a->reopened_ts <= REOPEN_SEND_NS);
    a->ns[waited ? TCPX_LIMIT_RWND : TCPX_LIMIT_IDLE] += a->zero_pending;
    a->ns[TCPX_LIMIT_IDLE] += a->idle_pending;
    a->zero_pending = a->idle_pending = 0;
    a->reopened_ts = 0;
    a->probed = FALSE;
}

/* A resend of bytes the ACKs seen had acknowledged: the sender never had those ACKs (lost after the
 * capture point, or still on their way), so its data was in flight all along, and the wait since its
 * last data -- idle, as the capture had it -- was the timer finding the loss of its ACKs. */
static void
unacknowledge(tcpx_limits_acc_t *a, guint32 seq)
{
    if (a->state == TCPX_LIMIT_IDLE) {
        a->ns[TCPX_LIMIT_RECOVERY] += a->idle_pending;
        if (a->timeline)
            timeline_move(a->timeline, a->idle_pending, TCPX_LIMIT_IDLE, TCPX_LIMIT_RECOVERY);
        a->idle_pending = 0;
    }
    a->ack = seq;
    a->in_recovery = TRUE;
    a->recovery_point = a->snd_max;
}

static void
note_sender_record(tcpx_limits_acc_t *a, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    if (rec->len > 0 && a->ack_known && !r->keepalive && !r->probe && !r->syn && tcpx_seq_lt(rec->seq, a->ack))
        unacknowledge(a, rec->seq);
    guint32 end = rec->seq + rec->len + (r->fin ? 1 : 0);
    if (end != rec->seq && !r->keepalive && (!a->started || tcpx_seq_gt(end, a->snd_max)))
        a->snd_max = end;
    a->fin_sent |= r->fin && a->started;
    if (r->probe || r->keepalive) {
        a->probed |= r->probe;
        return;
    }
    if (rec->len == 0 || r->syn || r->rst)
        return;
    a->seg_max = MAX(a->seg_max, rec->len);
    if (!a->started) {
        a->started = TRUE;
        a->since = a->first_ts = rec->ts_ns;
        a->state = TCPX_LIMIT_SENDING;
    } else if (!r->retx_any) {
        settle_pending(a, rec->ts_ns);
    }
    if (r->retx_loss && !a->in_recovery) {
        /* the wait since the last ACK advance was the loss being found (dup ACKs, or the timer) */
        a->ns[TCPX_LIMIT_SENDING] -= a->sending_unacked;
        a->ns[TCPX_LIMIT_RECOVERY] += a->sending_unacked;
        if (a->timeline) /* in the latest slice, where most of that wait was */
            timeline_move(a->timeline, a->sending_unacked, TCPX_LIMIT_SENDING, TCPX_LIMIT_RECOVERY);
        a->sending_unacked = 0;
        a->in_recovery = TRUE;
        a->recovery_point = a->snd_max;
    }
}

/* The receiver's record: its ACK queued on the way to the sender.  Once the ACK of the sender's FIN is
 * queued nothing of the sender's is still to come: it ends when that ACK arrives (the stream's last
 * record, often: no later record would bring that time). */
static void
note_receiver_record(const hstream_t *hs, tcpx_limits_acc_t *a, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    if (r->ack && !r->syn && !r->rst)
        queue_ack(hs, a, rec);
    if (a->fin_sent && fin_ack_queued(a))
        while (a->acks_len)
            apply_oldest_ack(hs, a, a->oldest_at);
}

/* Sender d's transfer is over: what only its running needed goes, and its timeline unless it may still
 * be the main sender (the more payload: the other can only add to its own). */
static void
end_transfer(hstream_t *hs, int d)
{
    tcpx_limits_acc_t *a = &hs->lim[d];
    const guint64 *bytes = hs->pub.bytes;
    a->ended = TRUE;
    tcpx_health_limits_release(a);
    if (a->timeline && (d ? bytes[1] < bytes[0] : bytes[0] <= bytes[1])) {
        g_free(a->timeline);
        a->timeline = NULL;
    }
    /* both transfers over (or not begun): no hole in them is still to be filled */
    if ((hs->lim[0].ended || !hs->lim[0].started) && (hs->lim[1].ended || !hs->lim[1].started)) {
        g_free(hs->ph);
        hs->ph = NULL;
    }
}

/* Time is counted when the sender's state may change: at its own records and when the receiver's
 * ACKs reach it; the receiver's records only queue their ACKs. */
void
tcpx_health_add_limits(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    for (int d = 0; d < 2; d++) {
        tcpx_limits_acc_t *a = &hs->lim[d];
        gboolean mine = r->d == d;
        if (a->ended || (!a->started && !mine))
            continue;
        while (a->acks_len && a->oldest_at <= rec->ts_ns)
            apply_oldest_ack(hs, a, a->oldest_at);
        if (!mine) {
            note_receiver_record(hs, a, rec, r);
        } else if (r->rst) {
            if (a->started)
                close_interval(a, rec->ts_ns);
            end_transfer(hs, d); /* what follows is the connection's end, not the transfer */
            continue;
        } else if (rec->len > 0 || r->fin || r->probe) { /* a bare ACK changes nothing of its own sending */
            if (a->started)
                close_interval(a, rec->ts_ns);
            note_sender_record(a, rec, r);
            if (a->started)
                update_state(hs, a, rec->ts_ns);
        }
        /* its FIN acknowledged: the transfer is over (the kernel's busy time ends there too) */
        if (a->fin_sent && a->state == TCPX_LIMIT_IDLE)
            end_transfer(hs, d);
    }
}

/* The running part of a sender's accounting, once its transfer is over (and with its stream). */
void
tcpx_health_limits_release(tcpx_limits_acc_t *a)
{
    g_free(a->acks);
    a->acks = NULL;
    a->acks_head = a->acks_len = a->acks_cap = 0;
}

/* The main sender (the more payload, with enough time in flight to say anything) and its shares. */
void
tcpx_health_derive_limits(hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    int d = s->bytes[1] >= s->bytes[0] ? 1 : 0;
    const tcpx_limits_acc_t *a = &hs->lim[d];
    gint64 ns[TCPX_LIMITS_N];
    memcpy(ns, a->ns, sizeof ns);
    /* the state the capture ended in (an idle end is no transfer), until the stream's last record, or
     * until the last ACK seen reaches the sender (its FIN's, say) */
    if (a->started && !a->ended && a->state != TCPX_LIMIT_IDLE && !a->zero_wait) {
        gint64 end = s->last_ts;
        if (a->acks_len)
            end = MAX(end, a->acks[(a->acks_head + a->acks_len - 1) % a->acks_cap].at);
        ns[a->state] += tcpx_health_span(a->since, end);
    }
    gint64 busy = ns[TCPX_LIMIT_RWND] + ns[TCPX_LIMIT_RECOVERY] + ns[TCPX_LIMIT_SENDING];
    /* without the handshake, the sender's leg is unknown: what the capture saw acknowledged may still be
     * in flight for the sender, or not; no shares then */
    s->lim_sender = a->started && busy >= LIMITS_MIN_BUSY_NS && tcpx_health_leg(hs, d) > 0 ? d : -1;
    for (int i = 0; i < TCPX_LIMITS_N; i++)
        s->lim_ns[i] = s->lim_sender >= 0 ? ns[i] : 0;
    s->lim_window_known = tcpx_health_scale_known(hs->st);
    timeline_letters(s->lim_sender >= 0 ? a->timeline : NULL, s->lim_timeline);
    s->lim_slice_ns = s->lim_timeline[0] ? a->timeline->width : 0;
}

/* ---- the words ({lim_*} in tcpx_health_sentences.c) ---------------------- */

#define LIM_STREAM(c) (((const tcpx_health_words_ctx_t *)(c))->s)

static gint64
lim_busy_ns(const tcpx_health_stream_t *s)
{
    return s->lim_ns[TCPX_LIMIT_RWND] + s->lim_ns[TCPX_LIMIT_RECOVERY] + s->lim_ns[TCPX_LIMIT_SENDING];
}

/* arg 0: the sender, 1: its receiver; known when there is a main sender. */
gboolean
tcpx_health_lim_side(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_stream_t *s = LIM_STREAM(c);
    if (s->lim_sender < 0)
        return FALSE;
    g_string_append(o, tcpx_health_side_name(v->arg ? 1 - s->lim_sender : s->lim_sender));
    return TRUE;
}

/* arg TCPX_LIMITS_N: the busy time; else the share of the busy time in limit arg ("98%"). */
gboolean
tcpx_health_lim_share(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_stream_t *s = LIM_STREAM(c);
    gint64 busy = lim_busy_ns(s);
    if (s->lim_sender < 0 || busy <= 0)
        return FALSE;
    if (v->arg == TCPX_LIMITS_N) {
        tcpx_format_duration(o, busy);
        return TRUE;
    }
    g_string_append_printf(o, "%.0f%%", 100.0 * (double)s->lim_ns[v->arg] / (double)busy);
    return TRUE;
}

/* The timeline's letters, and its slice ({lim_slice}), when there is one. */
gboolean
tcpx_health_lim_timeline(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_stream_t *s = LIM_STREAM(c);
    if (s->lim_sender < 0 || !s->lim_timeline[0])
        return FALSE;
    if (v->arg)
        tcpx_format_duration(o, s->lim_slice_ns);
    else
        g_string_append(o, s->lim_timeline);
    return TRUE;
}

/* The time the side spent in loss recovery, when it is the main sender and spent any. */
gboolean
tcpx_health_lim_recovery_time(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_words_ctx_t *ctx = c;
    const tcpx_health_stream_t *s = ctx->s;
    (void)v;
    if (!ctx->ev || s->lim_sender < 0 || ctx->ev->side != s->lim_sender || s->lim_ns[TCPX_LIMIT_RECOVERY] < NS_PER_MS)
        return FALSE;
    tcpx_format_duration(o, s->lim_ns[TCPX_LIMIT_RECOVERY]);
    return TRUE;
}

/* The idle time between bursts, when at least a millisecond. */
gboolean
tcpx_health_lim_idle(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_stream_t *s = LIM_STREAM(c);
    (void)v;
    if (s->lim_sender < 0 || s->lim_ns[TCPX_LIMIT_IDLE] < NS_PER_MS)
        return FALSE;
    tcpx_format_duration(o, s->lim_ns[TCPX_LIMIT_IDLE]);
    return TRUE;
}

/* The queue on the path delayed this sender's data (tcpx_health_queue.c). */
gboolean
tcpx_health_lim_queue(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_stream_t *s = LIM_STREAM(c);
    (void)o, (void)v;
    return s->lim_sender >= 0 && s->queue_dir == (s->lim_sender == 0 ? TCPX_C2S : TCPX_S2C);
}

/* ---- the JSON rows (tcpx_health_columns.c): null without a main sender ---------- */

void
tcpx_health_get_lim_sender(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    v->known = s->lim_sender >= 0;
    v->v.text = v->known ? tcpx_health_side_name(s->lim_sender) : NULL;
}
static void
lim_value(const tcpx_health_stream_t *s, tcpx_health_value_t *v, gint64 ns)
{
    v->known = s->lim_sender >= 0;
    v->v.num = ns;
}
void
tcpx_health_get_lim_busy(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    lim_value(s, v, lim_busy_ns(s));
}
void
tcpx_health_get_lim_rwnd(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    lim_value(s, v, s->lim_ns[TCPX_LIMIT_RWND]);
    v->known = v->known && s->lim_window_known; /* null: the window could not be read */
}
void
tcpx_health_get_lim_recovery(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    lim_value(s, v, s->lim_ns[TCPX_LIMIT_RECOVERY]);
}
void
tcpx_health_get_lim_sending(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    lim_value(s, v, s->lim_ns[TCPX_LIMIT_SENDING]);
}
void
tcpx_health_get_lim_idle(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    lim_value(s, v, s->lim_ns[TCPX_LIMIT_IDLE]);
}
void
tcpx_health_get_lim_timeline(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    v->known = s->lim_sender >= 0 && s->lim_timeline[0];
    v->v.text = v->known ? s->lim_timeline : NULL;
}
void
tcpx_health_get_lim_slice(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    v->known = s->lim_sender >= 0 && s->lim_timeline[0];
    v->v.num = s->lim_slice_ns;
}
