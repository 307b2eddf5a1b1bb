/* tcpx_health_judge.c: a stream's running totals -> derived figures, issues, score and verdict.
 *
 * Run at the end (tcpx_health_finish) or at any time for one stream (the GUI
 * after every record): everything is recomputed from the totals.  First the
 * derived figures (tcpx_health_derive.c), then the special cases of a connection that
 * never got a SYN-ACK, then each rule of `rules` in turn; docs/health-rules.md
 * says what each measures and why.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <stdlib.h>
#include "tcpx_health_int.h"
#include "tcpx_hosts.h"

/* ---------------------------------------------------------------------- */
/* Issues */

typedef struct {
    guint weight; /* points taken off the score */
    tcpx_fault_t fault;
    const char *code;          /* verdict_code */
    tcpx_health_words_t words; /* its sentence */
    tcpx_health_evidence_t ev; /* what the sentence cites */
} issue_t;

/* The loss issue's weight: by retransmission-rate band, SYN/FIN-only losses low (mid without data). */
static guint
loss_weight(const tcpx_health_prefs_t *p, const hstream_t *hs)
{
    const tcpx_health_stream_t *s = &hs->pub;
    double pct = s->retx_rate * 100.0;
    if (s->data_segments == 0)
        return p->w_loss_mid;
    if (hs->retx_loss_payload == 0)
        return p->w_loss_low;
    if (pct >= p->loss_high_pct)
        return p->w_loss_high;
    if (pct >= p->loss_mid_pct)
        return p->w_loss_mid;
    return p->w_loss_low;
}

/* A lost connection an ICMP "destination unreachable" about the retry series' segments explains: the
 * peer host gone (its side's), its route gone (the network's), or a filter rejecting them (the network's,
 * or the peer's when its own host sent it). */
static void
lost_by_icmp(const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    tcpx_fault_t peer = hs->lost_side == 0 ? TCPX_FAULT_SERVER : TCPX_FAULT_CLIENT;
    const char *peer_name = hs->lost_side == 0 ? s->server : s->client;
    gboolean by_peer = tcpx_health_endpoint_on(peer_name, s->unreach_router);
    if (!s->unreach_icmps || s->unreach_side != hs->lost_side)
        return;
    if (s->unreach_cause == TCPX_C_UNREACH_HOST) {
        is->words = TCPX_HW_LOST_HOST_UNREACH;
        is->fault = peer;
    } else if (s->unreach_cause == TCPX_C_UNREACH_NET) {
        is->words = TCPX_HW_LOST_NET_UNREACH;
    } else if (s->unreach_cause == TCPX_C_UNREACH_PROHIBITED || s->unreach_cause == TCPX_C_UNREACH_PORT) {
        is->words = TCPX_HW_LOST_REJECTED;
        is->fault = by_peer ? peer : TCPX_FAULT_NETWORK;
    }
}

/* Network loss; or, when the loss is all there is to say about the connection's fate: the
 * connection lost (a retry series nothing answered), or a connect delayed (only SYNs lost). */
static gboolean
rule_network_loss(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    guint32 retx_loss = s->retx_net[0] + s->retx_net[1];
    if (retx_loss == 0)
        return FALSE;
    is->weight = loss_weight(p, hs);
    is->fault = TCPX_FAULT_NETWORK;
    is->code = "network_loss";
    is->words = hs->retx_loss_payload > 0 ? TCPX_HW_LOSS_DATA : TCPX_HW_LOSS_SYN_FIN;
    is->ev.loss_data = hs->retx_loss_payload;
    is->ev.loss_retx = retx_loss;
    if (s->lost_retx) {
        is->weight = 100 - MIN(p->refused_score, 100);
        is->code = "connection_lost";
        is->words = TCPX_HW_CONNECTION_LOST;
        is->ev.side = hs->lost_side;
        is->ev.span_ns = s->lost_span_ns;
        lost_by_icmp(hs, is);
    } else if (s->syn_lost == retx_loss && s->connect_ns > 0) {
        is->code = "connect_delayed";
        is->words = TCPX_HW_CONNECT_DELAYED;
        is->ev.span_ns = s->connect_ns;
    }
    if (s->blackhole_retx > 0) { /* the loss's cause, whatever became of the connection */
        is->weight = MAX(is->weight, p->w_loss_high);
        is->code = "pmtu_blackhole";
        is->words = TCPX_HW_PMTU_BLACKHOLE;
    }
    return TRUE;
}

/* A side's zero window lasts: long_ms, or a tenth of the stream if that is also a fifth of long_ms
 * and 4 RTTs (a short capture does not make a short zero window long). */
static gboolean
zero_window_lasts(const tcpx_health_prefs_t *p, const tcpx_health_stream_t *s, int side)
{
    gint64 zw = s->zero_window_ns[side];
    gint64 floor_ns = MAX((gint64)p->zero_window_long_ms * NS_PER_MS / 5, 4 * MIN(s->rtt_ref_ns, TCPX_MAX_RTT_NS));
    return zw > 0 && (zw >= (gint64)p->zero_window_long_ms * NS_PER_MS ||
                      (s->duration_ns > 0 && zw >= s->duration_ns / 10 && zw >= floor_ns));
}

/* A side's window was pinned full: full (not held by a loss hole) for WINDOW_PINNED_PCT of the
 * stream, its window never grew after it first filled (Linux autotuning grows it), and most ACKs
 * while it was full left the right edge behind (acknowledged, not read; a receiver that reads at
 * once moves the right edge with each ACK, as under a long RTT). */
#define WINDOW_PINNED_PCT 20
static gboolean
window_pinned(const hstream_t *hs, int side)
{
    const tcpx_health_stream_t *s = &hs->pub;
    gint64 full = hs->wf_ns[side];
    if (hs->wf_open[side] && !hs->wf_loss[side])
        full += tcpx_health_span(hs->wf_since[side], s->last_ts);
    return s->window_full_recv[side] > 0 && s->duration_ns > 0 &&
           (double)full * 100.0 >= (double)s->duration_ns * WINDOW_PINNED_PCT &&
           hs->win_post_max[side] <= hs->win_pre_max[side] && hs->wf_acks[side] > 0 &&
           hs->wf_stuck[side] * 2 >= hs->wf_acks[side];
}

/* Receiver not reading: a zero window that lasts (the side with the most zero-window time), else a
 * window pinned full.  A short zero window, or a window full while the buffer grows, a loss hole
 * holds it or the RTT is long, is not the application's doing: no issue (the paragraph tells it). */
static gboolean
rule_not_reading(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    gboolean zw[2] = { zero_window_lasts(p, s, 0), zero_window_lasts(p, s, 1) };
    gboolean pinned[2] = { window_pinned(hs, 0), window_pinned(hs, 1) };
    int side;
    if (zw[0] || zw[1])
        side = zw[0] && zw[1] ? (s->zero_window_ns[1] > s->zero_window_ns[0] ? 1 : 0) : (zw[1] ? 1 : 0);
    else if (pinned[0] || pinned[1])
        side = pinned[0] && pinned[1] ? (s->window_full_recv[1] >= s->window_full_recv[0] ? 1 : 0)
                                      : (pinned[1] ? 1 : 0);
    else
        return FALSE;
    is->weight = zw[side] ? p->w_zero_window : MAX(p->w_zero_window / 3, 1);
    is->fault = side == 0 ? TCPX_FAULT_CLIENT : TCPX_FAULT_SERVER;
    is->code = side == 0 ? "client_not_reading" : "server_not_reading";
    is->words = zw[side] ? TCPX_HW_NOT_READING : TCPX_HW_SLOW_TO_READ;
    is->ev.side = side;
    return TRUE;
}

/* An interactive session (a human typing: SSH, telnet): at least INTERACTIVE_MIN_EXCHANGES exchanges,
 * requests of INTERACTIVE_MAX_REQUEST bytes or fewer on average, and the answers other than the
 * slowest came within max(4 RTT, slow_min_ms) on average.  Its slowest "answer" may be no answer
 * at all (output the server sent on its own after the client's pause): request/response timing
 * does not judge it. */
#define INTERACTIVE_MIN_EXCHANGES 3
#define INTERACTIVE_MAX_REQUEST 128
static gboolean
interactive(const tcpx_health_prefs_t *p, const hstream_t *hs)
{
    const tcpx_health_stream_t *s = &hs->pub;
    gint64 quick = MAX(4 * MIN(s->rtt_ref_ns, TCPX_MAX_RTT_NS), (gint64)p->slow_min_ms * NS_PER_MS);
    if (s->resp_n < INTERACTIVE_MIN_EXCHANGES || hs->req_bytes_sum > (guint64)INTERACTIVE_MAX_REQUEST * s->resp_n)
        return FALSE;
    return (s->resp_sum_ns - s->resp_max_ns) / (s->resp_n - 1) <= quick;
}

/* Slow server: slowest answer > slow_factor RTTs and > slow_min_ms, unless significant loss explains it
 * or the session is interactive. */
static gboolean
rule_slow_server(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    gboolean loss_significant = s->retx_net[0] + s->retx_net[1] > 0 && loss_weight(p, hs) >= p->w_loss_mid;
    gint64 fast;
    if (s->resp_n == 0 || s->resp_max_ns <= (gint64)p->slow_min_ms * NS_PER_MS ||
        (s->rtt_ref_ns > 0 && (double)s->resp_max_ns <= p->slow_factor * (double)s->rtt_ref_ns) || loss_significant ||
        interactive(p, hs))
        return FALSE;
    /* the server's TCP acknowledged the request at once: its application is the slow part */
    fast = MAX(4 * s->rtt_ref_ns, (gint64)p->ack_fast_ms * NS_PER_MS);
    gboolean acked_fast = s->resp_max_ack_ns >= 0 && s->resp_max_ack_ns <= fast &&
                          s->resp_max_ack_ns * 2 < s->resp_max_ns;
    is->weight = p->w_slow;
    is->fault = TCPX_FAULT_SERVER;
    is->code = acked_fast ? "server_app_slow" : "server_slow";
    is->words = acked_fast ? TCPX_HW_SERVER_APP_SLOW : TCPX_HW_SERVER_SLOW;
    return TRUE;
}

/* Everything either side sent (data, FIN) was acknowledged by the other by the end of the capture
 * (ACKs after the RST count: the data arrived). */
static gboolean
all_acked(const hstream_t *hs)
{
    for (int d = 0; d < 2; d++)
        if (hs->snd_known[d] && !(hs->ack_known[1 - d] && tcpx_seq_ge(hs->last_ack[1 - d], hs->snd_max[d])))
            return FALSE;
    return hs->snd_known[0] || hs->snd_known[1];
}

/* Reset: the first RST of the last connection; a third of the weight while closing, none after both
 * FINs, none when everything either side sent was acknowledged (a close that lost nothing, not an abort). */
static gboolean
rule_reset(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    /* a close after everything was acknowledged is benign, unless a box on the path forged it */
    if (s->rst_side < 0 || hs->rst_after_fins || (all_acked(hs) && s->rst_origin != TCPX_RST_FORGED))
        return FALSE;
    is->weight = hs->rst_after_one_fin ? MAX(p->w_reset / 3, 1) : p->w_reset;
    is->fault = s->rst_side == 0 ? TCPX_FAULT_CLIENT : TCPX_FAULT_SERVER;
    is->code = s->rst_side == 0 ? "reset_by_client" : "reset_by_server";
    is->words = TCPX_HW_RESET;
    if (s->rst_origin == TCPX_RST_FORGED) { /* its TTL is not its sender's: a box on the path */
        is->fault = TCPX_FAULT_NETWORK;
        is->code = "reset_by_middlebox";
        is->words = TCPX_HW_RESET_FORGED;
    } else if (s->midstream && !s->rst_after_data) {
        /* begun before the capture, nothing of its data seen: what the reset ended is unknown */
        is->weight = MAX(p->w_reset / 3, 1);
        is->fault = TCPX_FAULT_UNDETERMINED;
        is->words = TCPX_HW_RESET_MIDSTREAM;
    }
    is->ev.side = s->rst_side;
    is->ev.closing = hs->rst_after_one_fin;
    return TRUE;
}

/* Capture problems: holes the capture missed, ACKed unseen segments, duplicated frames. */
static gboolean
rule_capture(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    if (s->capture_gaps + s->acked_unseen + s->capture_dups == 0)
        return FALSE;
    is->weight = p->w_capture;
    is->fault = TCPX_FAULT_CAPTURE;
    is->code = "capture_missed";
    if (s->capture_gaps + s->acked_unseen > 0)
        is->words = TCPX_HW_CAPTURE_MISSED;
    else /* copies are packets of the file too: half of them copies, every packet twice */
        is->words = (guint64)s->capture_dups * 2 >= s->packets[0] + s->packets[1] ? TCPX_HW_CAPTURE_ALL_TWICE
                                                                                  : TCPX_HW_CAPTURE_DUPS;
    return TRUE;
}

/* Loss resends in a receiver's silence (tcpx_health_silence.c), told when no loss is left. */
static gboolean
silence_issue(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is, guint32 resends, int side,
              tcpx_fault_t fault, const char *code, tcpx_health_words_t words)
{
    if (resends == 0 || hs->pub.retx_net[0] + hs->pub.retx_net[1] > 0)
        return FALSE;
    is->weight = p->w_loss_low;
    is->fault = fault;
    is->code = code;
    is->words = words;
    is->ev.side = side;
    return TRUE;
}

/* The receiver silent, then acknowledging everything, its IP IDs counting packets that never arrived:
 * ACKs lost on the way back, told from behind the loss, where rule_ack_lost cannot see the ACKs. */
static gboolean
rule_ack_silence(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    return silence_issue(p, hs, is, s->ack_silence_resends, s->ack_silence_side, TCPX_FAULT_NETWORK, "ack_lost",
                         TCPX_HW_ACK_SILENCE);
}

/* The same silence, which the receiver's IP IDs cannot explain: ACKs lost, the data held on the path, or
 * the receiver stalled.  No data loss (a live receiver answers the data beyond a lost segment at once),
 * and no cause the capture can choose: a capture at the receiver would tell. */
static gboolean
rule_silence(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    return silence_issue(p, hs, is, s->silence_resends, s->silence_side, TCPX_FAULT_UNDETERMINED,
                         "silence_undetermined", TCPX_HW_SILENCE);
}

/* Every loss retransmission proved unneeded by the receiver (D-SACK), and a timer sent one of them: the
 * data was late, not lost.  Resends only the receiver's duplicate ACKs asked for, then proved unneeded,
 * tell of segments that arrived out of order (reordering), not of a delay: no issue. */
static gboolean
rule_delay_spike(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    /* lost ACKs explain the timer's resends (rule_ack_silence), or may (rule_silence): their D-SACKs
     * tell of no delay */
    if (s->retx_unneeded <= s->retx_unneeded_prompted || s->retx_net[0] + s->retx_net[1] > 0 ||
        s->ack_silence_resends > 0 || s->silence_resends > 0)
        return FALSE;
    is->weight = p->w_loss_low;
    is->fault = TCPX_FAULT_NETWORK;
    is->code = "delay_spike";
    is->words = TCPX_HW_DELAY_SPIKE;
    return TRUE;
}

/* Timer resends of data the capture saw reach the receiver, a millisecond or less from the capture point, which
 * ACKed nothing until the resend: no loss on the path.  All proved unneeded by D-SACKs: the receiver held its ACK
 * (a delayed ACK outlasting the sender's timer), no issue (weightless: said when nothing else is wrong); else it
 * held its ACK or dropped the data itself, which only a look at the receiver tells. */
static gboolean
rule_ack_held(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    if (s->ack_held_resends == 0)
        return FALSE;
    gboolean proven = s->ack_held_dsacked >= s->ack_held_resends;
    is->weight = proven ? 0 : p->w_loss_low;
    is->fault = proven ? TCPX_FAULT_NONE : TCPX_FAULT_UNDETERMINED;
    is->code = "ack_held";
    is->words = proven ? TCPX_HW_ACK_HELD : TCPX_HW_ACK_HELD_OR_DROPPED;
    is->ev.side = 1 - s->ack_held_side; /* the sender, whose timer fired */
    return TRUE;
}

/* Data resent although its ACK had crossed the capture point long before (tcpx_ack_lost_sure()): the
 * ACKs were lost, or held, between here and the sender; the resends were not needed.  Not told where a
 * resend that waited in a queue, sent before the ACK arrived, looks the same: a capture near the sender
 * (its own queue), a queue found on the path of the sender's data. */
static gboolean
rule_ack_lost(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    int sender = s->ack_lost_side;
    tcpx_position_t near_sender = sender == 0 ? TCPX_POS_NEAR_CLIENT : TCPX_POS_NEAR_SERVER;
    if (s->ack_lost_resends == 0 || s->position == near_sender || s->queue_dir == sender)
        return FALSE;
    is->weight = p->w_loss_low;
    is->fault = TCPX_FAULT_NETWORK;
    is->code = "ack_lost";
    is->words = TCPX_HW_ACK_LOST;
    is->ev.side = s->ack_lost_side;
    return TRUE;
}

/* An issue of one side's own doing (its host's fault), told from that side. */
static gboolean
side_issue(issue_t *is, guint weight, int side, const char *code, tcpx_health_words_t words)
{
    is->weight = weight;
    is->fault = side == 0 ? TCPX_FAULT_CLIENT : TCPX_FAULT_SERVER;
    is->code = code;
    is->words = words;
    is->ev.side = side;
    return TRUE;
}

/* A sender's retransmission timer far too long: the stall is its host's doing, whatever lost the
 * packet (the loss itself stays the network's issue). */
static gboolean
rule_timer_long(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    if (s->timer_long_retx == 0)
        return FALSE;
    return side_issue(is, p->w_loss_high, s->timer_long_side, "rto_too_long", TCPX_HW_TIMER_LONG);
}

/* Nagle and delayed ACKs: a pattern (NAGLE_MIN stalls) of small writes waiting for the peer's
 * delayed ACK; the writer's doing (its writes, or TCP_NODELAY), weighed by the time it lost. */
#define NAGLE_MIN 3
static gboolean
rule_nagle(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    if (s->nagle_stalls < NAGLE_MIN)
        return FALSE;
    guint weight = s->duration_ns > 0 && s->nagle_lost_ns * 10 >= s->duration_ns ? p->w_loss_mid : p->w_loss_low;
    return side_issue(is, weight, s->nagle_side, "nagle_delayed_ack", TCPX_HW_NAGLE);
}

/* A queue on the path (bufferbloat): the RTT under load far above the path's least; a
 * network issue of latency, not of loss. */
static gboolean
rule_queue(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    if (hs->pub.queue_dir < 0)
        return FALSE;
    is->weight = p->w_loss_low;
    is->fault = TCPX_FAULT_NETWORK;
    is->code = "queue_delay";
    is->words = TCPX_HW_QUEUE;
    return TRUE;
}

/* Path MTU: a router said the stream's packets were too big for its next link.  Handled (resends in
 * segments that fit followed): no fault and no points off, but said, as the verdict when nothing else
 * is wrong.  Without a resend in the capture: said so, still no fault (the capture may end too soon). */
static gboolean
rule_pmtu(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    (void)p;
    if (s->pmtu_icmps == 0)
        return FALSE;
    is->weight = 0;
    is->fault = TCPX_FAULT_NONE;
    is->code = s->pmtu_resends ? "pmtu_handled" : "pmtu_no_resend";
    is->words = s->pmtu_resends ? TCPX_HW_PMTU_HANDLED : TCPX_HW_PMTU_NO_RESEND;
    is->ev.side = s->pmtu_side;
    return TRUE;
}

/* A sender's TCP that ignores what the receiver said, again and again: it resends data the receiver had
 * SACKed, or sends past its window.  Its host's fault, ahead of the loss that set it off. */
#define SENDER_FAULT_MIN 2
static gboolean
rule_sack_ignored(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    if (s->sacked_resent < SENDER_FAULT_MIN)
        return FALSE;
    return side_issue(is, p->w_loss_high, s->sacked_side, "sack_ignored", TCPX_HW_SACK_IGNORED);
}

static gboolean
rule_beyond_window(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is)
{
    const tcpx_health_stream_t *s = &hs->pub;
    if (s->beyond_segments < SENDER_FAULT_MIN)
        return FALSE;
    /* what it cost: resends of what the receiver dropped; none, and the receiver kept them (a breach of
     * the protocol, said, but no cause of anything the user saw) */
    return side_issue(is, s->beyond_resent ? p->w_loss_high : p->w_loss_low, s->beyond_side, "beyond_window",
                      TCPX_HW_BEYOND_WINDOW);
}

/* The rules, in tie-break order: of two issues taking off as many points, the earlier one leads. */
typedef gboolean (*rule_t)(const tcpx_health_prefs_t *p, const hstream_t *hs, issue_t *is);
/* clang-format off */
static const rule_t rules[] = {
    rule_timer_long, /* before the loss it stalled on: the stall is what the user waited for */
    rule_sack_ignored, /* before the loss that set it off: the sender's recovery is the fault */
    rule_beyond_window,
    rule_network_loss,
    rule_ack_silence,
    rule_silence,
    rule_delay_spike,
    rule_ack_lost,
    rule_not_reading,
    rule_slow_server,
    rule_reset,
    rule_capture,
    rule_nagle,
    rule_queue,
    rule_pmtu, /* weightless: the verdict only when nothing else is wrong */
    rule_ack_held, /* weightless too */
};
/* clang-format on */

/* The heaviest issue not yet told (ties: the earlier rule), or -1; with skip_told, weightless ones too. */
static int
heaviest(const issue_t *issues, const gboolean *found, const gboolean *told, gboolean skip_weightless)
{
    int best = -1;
    for (int i = 0; i < (int)G_N_ELEMENTS(rules); i++) {
        if (!found[i] || told[i] || (skip_weightless && issues[i].weight == 0))
            continue;
        if (best < 0 || issues[i].weight > issues[best].weight)
            best = i;
    }
    return best;
}

/* One issue's sentence is at most this long: three fit the verdict's buffer. */
#define ISSUE_MAX 191

/* Appends the issue's sentence, cut at a word with "..." past ISSUE_MAX. */
static void
append_issue(GString *out, const issue_t *is, const tcpx_health_stream_t *s)
{
    gsize at = out->len;
    tcpx_health_words(out, is->words, s, &is->ev);
    if (out->len - at > ISSUE_MAX) { /* visibly cut, at a word: the paragraph and JSON keep the figures */
        const char *space = g_strrstr_len(out->str + at, ISSUE_MAX - 3, " ");
        g_string_truncate(out, space ? (gsize)(space - out->str) : at + ISSUE_MAX - 3);
        g_string_append(out, "...");
    }
}

/* Score: 100 less every issue's weight.  Verdict: the heaviest issue, then the others, heaviest first. */
static void
score_and_verdict(tcpx_health_t *h, tcpx_health_stream_t *s, const issue_t *issues, const gboolean *found)
{
    gboolean told[G_N_ELEMENTS(rules)] = { FALSE };
    guint taken = 0;
    int best, next;

    for (guint i = 0; i < G_N_ELEMENTS(rules); i++)
        taken += found[i] ? issues[i].weight : 0;
    s->score = taken >= 100 ? 0 : 100 - (int)taken;
    best = heaviest(issues, found, told, FALSE);
    if (best < 0) {
        s->fault = TCPX_FAULT_NONE;
        s->verdict_code = "healthy";
        tcpx_health_set_text(&s->verdict, "healthy", TCPX_VERDICT_MAX);
        return;
    }
    s->fault = issues[best].fault;
    s->verdict_code = issues[best].code;
    g_string_truncate(h->scratch, 0);
    append_issue(h->scratch, &issues[best], s);
    told[best] = TRUE;
    for (gboolean also = FALSE; (next = heaviest(issues, found, told, TRUE)) >= 0; also = TRUE) {
        g_string_append(h->scratch, also ? "; " : "; also: ");
        append_issue(h->scratch, &issues[next], s);
        told[next] = TRUE;
    }
    tcpx_health_set_text(&s->verdict, h->scratch->str, TCPX_VERDICT_MAX);
}

static void
judge_stream(tcpx_health_t *h, hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    issue_t issues[G_N_ELEMENTS(rules)];
    gboolean found[G_N_ELEMENTS(rules)];

    tcpx_health_derive(h, hs);
    if (tcpx_health_judge_unanswered(h, hs))
        return;
    memset(issues, 0, sizeof issues);
    for (guint i = 0; i < G_N_ELEMENTS(rules); i++)
        found[i] = rules[i](&h->prefs, hs, &issues[i]);
    score_and_verdict(h, s, issues, found);
}

/* Judge one stream, unless TCP's sequence analysis was off: then say so instead. */
void
tcpx_health_judge_stream(tcpx_health_t *h, hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    judge_stream(h, hs);
    s->judged = !h->analysis_off;
    if (s->judged)
        return;
    s->score = -1;
    s->fault = TCPX_FAULT_NONE;
    s->verdict_code = "not_judged";
    tcpx_health_set_text(&s->verdict, TCPX_HEALTH_NOT_JUDGED_VERDICT, TCPX_VERDICT_MAX);
}
