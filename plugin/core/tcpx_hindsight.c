/* tcpx_hindsight.c: notes for earlier frames, from later frames and the capture's end.
 *
 * What each note may claim, and why:
 *  - a gap's bytes that left their sender before the data that showed the gap (an
 *    older TCP timestamp, or a lower IP ID from a sender that numbers its packets in
 *    order) were reordered; after it, resent (as the filling frame says, tcpx_retx.c);
 *  - without that, arriving less than half a round trip after the gap showed they
 *    were reordered: a resend needs the news of the gap to reach the sender and come
 *    back, a full round trip seen from any capture point;
 *  - arriving a round trip or more later, they were resent: the originals were
 *    lost before the capture point (without a round-trip time: undetermined);
 *  - acknowledged by the receiver while the capture never saw them: the capture
 *    missed them, whatever the first pass guessed;
 *  - a retry series nothing answered (no ACK of its bytes, the peer silent) until
 *    the capture's end: the connection was lost, unless the capture ends before the
 *    next try was due (twice the last wait: the backoff), when it cannot tell.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_steps.h"
#include "tcpx_text.h"

/* A SYN's first retry comes after 1 s (RFC 6298's initial RTO): before that, no answer is no news. */
#define SYN_PATIENCE_NS (1000 * NS_PER_MS)

static tcpx_later_t *
new_later(tcpx_result_t *r)
{
    static tcpx_later_t scratch;
    if (r->n_later >= TCPX_MAX_LATERS)
        return memset(&scratch, 0, sizeof scratch);
    tcpx_later_t *l = &r->later[r->n_later++];
    memset(l, 0, sizeof *l);
    return l;
}

static tcpx_later_t *
settle(const tcpx_stream_t *s, tcpx_side_t *holder, tcpx_later_what_t what, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_later_t *l = new_later(r);
    l->frame = holder->hole_frame;
    l->stream = s->id;
    l->by_frame = seg->frame;
    l->after_ns = seg->ts_ns - holder->hole_ts;
    l->lo = holder->hole_lo;
    l->hi = holder->hole_hi;
    l->what = (guint8)what;
    holder->hole_frame = 0;
    return l;
}

/* The sender's segment carries the first byte of its open gap. */
static gboolean
fills_hole(const tcpx_side_t *d, const tcpx_segment_t *seg)
{
    return seg->len && seg->frame != d->hole_frame && tcpx_seq_le(seg->seq, d->hole_lo) &&
           tcpx_seq_gt(seg->seq + seg->len, d->hole_lo);
}

/* How the gap was filled: as the filling segment's out-of-order finding says (its sender's numbering
 * may have told), else by the delay; a segment Wireshark calls a resend and tcpx found no word against
 * is not called reordered by its delay alone (a sender's timer may resend right after new data). */
static tcpx_later_what_t
how_filled(const tcpx_stream_t *s, const tcpx_side_t *d, const tcpx_segment_t *seg, const tcpx_result_t *r,
           guint8 *order_by)
{
    gboolean flagged_resend = FALSE;
    for (guint8 i = 0; i < r->n; i++) {
        guint8 kind = r->f[i].kind, cause = r->f[i].cause;
        flagged_resend |= kind == TCPX_K_RETRANSMISSION || kind == TCPX_K_FAST_RETRANSMISSION ||
                          kind == TCPX_K_SPURIOUS_RETRANSMISSION;
        if (kind != TCPX_K_OUT_OF_ORDER)
            continue;
        *order_by = r->f[i].order_by;
        if (cause == TCPX_C_REORDERING || cause == TCPX_C_REORDERED_ORIGINAL)
            return TCPX_LATER_HOLE_REORDERED;
        if (cause == TCPX_C_RESEND_AFTER_GAP)
            return TCPX_LATER_HOLE_RESENT;
        if (cause == TCPX_C_OOO_UNDETERMINED)
            return TCPX_LATER_HOLE_FILLED;
    }
    *order_by = TCPX_ORDER_TIMING;
    switch (tcpx_gap_fill(seg->ts_ns - d->hole_ts, tcpx_stream_rtt(s, seg))) {
    case TCPX_FILL_REORDERED: return flagged_resend ? TCPX_LATER_HOLE_FILLED : TCPX_LATER_HOLE_REORDERED;
    case TCPX_FILL_RESENT: return TCPX_LATER_HOLE_RESENT;
    default: return TCPX_LATER_HOLE_FILLED;
    }
}

void
tcpx_hindsight_step(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    tcpx_side_t *peer = &s->side[!sender];

    if (d->hole_frame && fills_hole(d, seg)) {
        guint8 order_by = TCPX_ORDER_TIMING;
        tcpx_later_what_t what = how_filled(s, d, seg, r, &order_by);
        settle(s, d, what, seg, r)->order_by = order_by;
    }
    if (peer->hole_frame && (seg->flags & TCPX_TH_ACK) && tcpx_seq_gt(seg->ack, peer->hole_hi))
        settle(s, peer, TCPX_LATER_HOLE_ACKED, seg, r);
}

void
tcpx_hindsight_unneeded(const tcpx_stream_t *s, guint32 frame, gint64 retx_ts, guint32 lo, guint32 hi,
                        const tcpx_segment_t *seg, tcpx_result_t *r)
{
    tcpx_later_t *l = new_later(r);
    l->frame = frame;
    l->stream = s->id;
    l->by_frame = seg->frame;
    l->after_ns = seg->ts_ns - retx_ts;
    l->lo = lo;
    l->hi = hi;
    l->what = TCPX_LATER_UNNEEDED;
}

/* ---- the capture's end ------------------------------------------------------ */

/* The side's latest retry series, if nothing answered it: no ACK of its bytes, the peer silent since. */
static gboolean
series_unanswered(const tcpx_side_t *d, const tcpx_side_t *peer)
{
    if (d->retx_attempts < 2 || !d->retx_prev_frame)
        return FALSE;
    if (peer->ack_known && tcpx_seq_gt(peer->high_ack, d->retx_seq))
        return FALSE;
    return peer->last_ts <= d->retx_prev_ts;
}

static guint
finish_series(const tcpx_stream_t *s, int side, gint64 end_ts, tcpx_later_t *out)
{
    const tcpx_side_t *d = &s->side[side];
    if (!series_unanswered(d, &s->side[!side]))
        return 0;
    gint64 since = end_ts - d->retx_prev_ts;
    memset(out, 0, sizeof *out);
    out->frame = d->retx_prev_frame;
    out->stream = s->id;
    out->after_ns = since;
    out->lo = d->retx_seq;
    out->tries = d->retx_attempts;
    out->what = (guint8)(since >= MAX(2 * d->retx_gap, TCPX_MIN_RTO_NS) ? TCPX_LATER_SERIES_LOST
                                                                        : TCPX_LATER_SERIES_CUT);
    return 1;
}

static guint
finish_syn(const tcpx_stream_t *s, gint64 end_ts, tcpx_later_t *out)
{
    int c = tcpx_client_side(s);
    const tcpx_side_t *client = &s->side[c], *server = &s->side[!c];
    if (!s->syn_frame || s->synack_frame || server->last_frame || client->rst_frame || !client->last_frame)
        return 0;
    memset(out, 0, sizeof *out);
    out->frame = client->last_frame;
    out->stream = s->id;
    out->tries = client->retx_attempts; /* resends of the SYN: the client sent nothing else */
    /* since the first SYN: a retry just before the end follows earlier ones nothing answered */
    out->after_ns = end_ts - s->syn_ts;
    out->what = (guint8)(out->after_ns >= SYN_PATIENCE_NS ? TCPX_LATER_SYN_UNANSWERED : TCPX_LATER_SYN_CUT);
    if (out->what == TCPX_LATER_SYN_CUT)
        out->after_ns = end_ts - client->last_ts;
    return 1;
}

guint
tcpx_hindsight_finish(const tcpx_stream_t *s, gint64 end_ts, tcpx_later_t *out, guint max)
{
    guint n = tcpx_pmtu_finish(s, end_ts, out, max);
    guint syn = n < max ? finish_syn(s, end_ts, &out[n]) : 0;
    n += syn;
    if (syn) /* a SYN nothing answered: its retries are that story */
        return n;
    for (int side = 0; side < 2 && n < max; side++)
        n += finish_series(s, side, end_ts, &out[n]);
    return n;
}

/* ---- the words -------------------------------------------------------------- */

/* Variables as in every frame text, read from a finding made of the note: {ref} and
 * {ref_age} the settling frame, {idle} the time to the capture's end, {range} the
 * bytes, {attempt} the tries.  {sender} is the frame's sender, as in its own texts. */
/* clang-format off */
static const struct {
    const char *name;    /* tcpx.later_code */
    const char *summary; /* appended to the column's summary */
    const char *text;
} later_words[TCPX_LATER_N] = {
    [TCPX_LATER_HOLE_RESENT] = { "resent",
        "later resent in frame {ref}",
        "{Sender} sent the missing {range} again in frame {ref}, {ref_age} after this frame. "
        "{?by_timestamp:They left {sender} after this frame's data (a newer TCP timestamp), where an original "
        "leaves before it|{?by_ip_id:They left {sender} after this frame's data (a higher IP ID), where an original "
        "leaves before it|A resend needs the news of the gap to reach the sender and come back}}, so the originals "
        "were lost before the capture point." },
    [TCPX_LATER_HOLE_REORDERED] = { "reordered",
        "later arrived out of order in frame {ref}",
        "The missing {range} arrived in frame {ref}, {ref_age} after this frame{?by_timestamp:, but left {sender} "
        "before this frame's data (an older TCP timestamp)}{?by_ip_id:, but left {sender} before this frame's data "
        "(a lower IP ID)}{?rtt:: sooner than a resend could come (that takes a round trip, {rtt})}. They were "
        "reordered on the path, not lost." },
    [TCPX_LATER_HOLE_FILLED] = { "filled",
        "later arrived in frame {ref}",
        "The missing {range} arrived in frame {ref}, {ref_age} after this frame. Whether they were resent or "
        "only reordered is not clear {?rtt:from the timing (a round trip takes {rtt})|without the round-trip "
        "time, which this stream does not show}." },
    [TCPX_LATER_HOLE_ACKED] = { "capture_missed",
        "later acknowledged unseen in frame {ref}: a capture miss",
        "{Receiver} acknowledged the missing {range} in frame {ref}, {ref_age} after this frame, and the "
        "capture never saw them: the receiver got them, so the capture missed them, not the network." },
    [TCPX_LATER_UNNEEDED] = { "unneeded",
        "later shown unneeded by frame {ref}",
        "{Receiver} reported {range} as received twice (a D-SACK) in frame {ref}, {ref_age} after this frame. "
        "It already had them: this retransmission was not needed." },
    [TCPX_LATER_SERIES_LOST] = { "connection_lost",
        "later: no answer to any of {attempt} resends: connection lost",
        "Nothing answered this resend or the ones before it ({attempt} in all), and nothing came back at all "
        "in the {idle} until the capture ends. The connection was lost." },
    [TCPX_LATER_SERIES_CUT] = { "capture_ended",
        "later: {?idle:the capture ends {idle} after this resend|the capture ends with this resend}",
        "Nothing answered this resend or the ones before it ({attempt} in all), and the capture ends "
        "{?idle:{idle} after it, before the next resend was due|with it}. Whether a later resend got through "
        "is not in the capture." },
    [TCPX_LATER_SYN_UNANSWERED] = { "syn_unanswered",
        "later: no answer in the {idle} from the first SYN to the capture's end",
        "Nothing answered {?attempt:this SYN or the {attempt} before it|this SYN} in the {idle} from the first "
        "SYN to the end of the capture: no SYN-ACK, no reset." },
    [TCPX_LATER_SYN_CUT] = { "capture_ended",
        "later: {?idle:the capture ends {idle} after this SYN|the capture ends with this SYN}",
        "The capture ends {?idle:{idle} after this SYN|with this SYN}, too soon for a missing answer to mean "
        "anything (a lost SYN is retried after 1 s)." },
    [TCPX_LATER_PMTU_RESENT] = { "resent_smaller",
        "later resent in segments of {bytes} from frame {ref}",
        "{Sender} resent the data that did not fit in segments of {bytes} or less, {range} first in frame {ref}, "
        "{ref_age} after this ICMP: the smaller path MTU is handled." },
    [TCPX_LATER_PMTU_NO_RESEND] = { "no_resend",
        "later: no resend in smaller segments before the capture ends",
        "No resend of this data in segments that fit follows in the capture, which ends {idle} after this ICMP: "
        "the capture may end too soon, or {sender} did not act on the ICMP (a firewall on its host dropped it, or "
        "the MTU is below the least it accepts) and its transfer will stall on full-size resends." },
};
/* clang-format on */

const char *
tcpx_later_name(guint8 what)
{
    return what < TCPX_LATER_N ? later_words[what].name : "?";
}

void
tcpx_render_later(GString *out, const tcpx_later_t *l, const tcpx_text_ctx_t *frame, gboolean short_form)
{
    tcpx_finding_t f;
    tcpx_text_ctx_t ctx = *frame;
    if (l->what >= TCPX_LATER_N)
        return;
    memset(&f, 0, sizeof f);
    f.kind = frame->f ? frame->f->kind : TCPX_K_NOTE_DATA;
    f.ref_frame = l->by_frame;
    f.ref_age_ns = l->by_frame ? l->after_ns : 0;
    f.idle_ns = l->by_frame ? 0 : l->after_ns;
    f.lo = l->lo;
    f.hi = l->hi;
    f.attempt = l->tries;
    f.bytes = l->bytes;
    f.order_by = l->order_by;
    /* the round trip is cited where the delay was the evidence */
    f.rtt_ns = frame->st && !l->order_by ? tcpx_stream_rtt(frame->st, NULL) : 0;
    ctx.f = &f;
    tcpx_render(out, short_form ? later_words[l->what].summary : later_words[l->what].text, &ctx);
}
