/* tcpx_health_words.c: the variables the stream sentences (tcpx_health_sentences.c) read, and their rendering.
 *
 * The template language is plugin/core/tcpx_template.h's: {name} is a value
 * ("?" when unknown), {?name:text|other} tests whether it is known.  What
 * "known" means is each variable's renderer's: numbers (u32_, u64_) always
 * (0 prints "0"), u32_nz ones when not zero, one_* when the count is 1 (for
 * plurals), any_* and the other conditions when true.  An unknown name renders
 * as "{name}" (tests/unit/test_health.c renders every template to catch a typo).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <string.h>
#include "tcpx_health_int.h"
#include "tcpx_append.h"
#include "tcpx_text.h"
#include "tcpx_hosts.h"

/* Variables: each renderer appends its value and says whether it is known */

static void render_sentence(GString *out, tcpx_health_words_t w, const tcpx_health_words_ctx_t *ctx);

#define STREAM(c) (((const tcpx_health_words_ctx_t *)(c))->s)
#define FIELD(c, v, type) (*(const type *)((const char *)STREAM(c) + (v)->offset))

/* Numbers: always known (0 prints "0"); _nz: known when not zero; _one: known when 1 (for plurals). */
static gboolean
u32_(GString *o, const tcpx_var_t *v, const void *c)
{
    tcpx_append_uint(o, FIELD(c, v, guint32));
    return TRUE;
}
static gboolean
u64_(GString *o, const tcpx_var_t *v, const void *c)
{
    tcpx_append_uint(o, FIELD(c, v, guint64));
    return TRUE;
}
static gboolean
u16_(GString *o, const tcpx_var_t *v, const void *c)
{
    tcpx_append_uint(o, FIELD(c, v, guint16));
    return TRUE;
}
static gboolean
u32_nz(GString *o, const tcpx_var_t *v, const void *c)
{
    return FIELD(c, v, guint32) != 0 && u32_(o, v, c);
}
static gboolean
u64_nz(GString *o, const tcpx_var_t *v, const void *c)
{
    return FIELD(c, v, guint64) != 0 && u64_(o, v, c);
}
static gboolean
u32_one(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o;
    return FIELD(c, v, guint32) == 1;
}

static gboolean
int_(GString *o, const tcpx_var_t *v, const void *c)
{
    int i = FIELD(c, v, int);
    if (i < 0)
        g_string_append_c(o, '-');
    tcpx_append_uint(o, i < 0 ? 0 - (guint64)(gint64)i : (guint64)i);
    return TRUE;
}

/* A flag: known when set. */
static gboolean
flag(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o;
    return FIELD(c, v, gboolean);
}
/* An enum field: known when it equals arg. */
static gboolean
is(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o;
    return FIELD(c, v, int) == v->arg;
}

/* The loss pattern, as evidence of a queue or a link: not when a path-MTU black hole, which drops
 * by size, made the losses. */
static gboolean
loss_is(GString *o, const tcpx_var_t *v, const void *c)
{
    return is(o, v, c) && STREAM(c)->blackhole_retx == 0;
}

/* A duration with its unit, as the frame texts write it ("212 ms", "1.84 s", "1 min 48 s"):
 * known when >= arg and not negative. */
static gboolean
dur(GString *o, const tcpx_var_t *v, const void *c)
{
    gint64 ns = FIELD(c, v, gint64);
    if (ns < v->arg || ns < 0)
        return FALSE;
    tcpx_format_duration(o, ns);
    return TRUE;
}

/* A string field, known when set (arg 1: capitalised). */
static gboolean
str(GString *o, const tcpx_var_t *v, const void *c)
{
    const char *t = FIELD(c, v, const char *);
    gsize at = o->len;
    if (!t)
        return FALSE;
    tcpx_append(o, t);
    if (v->arg && o->len > at)
        o->str[at] = g_ascii_toupper(o->str[at]);
    return TRUE;
}

static gboolean
fault(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)v;
    tcpx_append(o, tcpx_health_fault_name(STREAM(c)->fault));
    return TRUE;
}

/* The server's address without its port ("the server" if unknown). */
static gboolean
server_host(GString *o, const tcpx_var_t *v, const void *c)
{
    char host[80];
    const char *server = STREAM(c)->server, *colon;
    (void)v;
    g_strlcpy(host, server ? server : "the server", sizeof host);
    colon = strrchr(host, ':');
    if (colon && colon != host)
        host[colon - host] = '\0';
    tcpx_append(o, host);
    return TRUE;
}

/* Loss retransmissions with data / data segments, as "%.1f%%" prints retx_rate x 100
 * (tcpx_fixed_text() gives the same digits for a tenth of the cost; printf on a tie). */
static gboolean
loss_pct(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_evidence_t *ev = ((const tcpx_health_words_ctx_t *)c)->ev;
    const tcpx_health_stream_t *s = STREAM(c);
    char b[32];
    (void)v;
    if (ev && s->data_segments && tcpx_fixed_text(b, sizeof b, (gint64)ev->loss_data * 1000, s->data_segments, 1)) {
        tcpx_append(o, b);
        g_string_append_c(o, '%');
    } else {
        g_string_append_printf(o, "%.1f%%", s->retx_rate * 100.0);
    }
    return TRUE;
}

static gboolean
loss_pattern(GString *o, const tcpx_var_t *v, const void *c)
{
    static const char *const words[] = {
        [TCPX_LOSS_NONE] = "no loss",
        [TCPX_LOSS_ISOLATED] = "a single loss",
        [TCPX_LOSS_BURSTS] = "in bursts",
        [TCPX_LOSS_SCATTERED] = "scattered",
        [TCPX_LOSS_PATH_DEAD] = "then nothing got through",
    };
    tcpx_loss_pattern_t l = STREAM(c)->loss_pattern;
    (void)v;
    tcpx_append(o, (guint)l < G_N_ELEMENTS(words) ? words[l] : "no loss");
    return TRUE;
}

static gboolean
position(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)v;
    if (STREAM(c)->position == TCPX_POS_UNKNOWN)
        return FALSE;
    tcpx_append(o, tcpx_position_words(STREAM(c)->position));
    return TRUE;
}

static gboolean
resp_avg(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_stream_t *s = STREAM(c);
    (void)v;
    if (!s->resp_n)
        return FALSE;
    tcpx_format_duration(o, s->resp_sum_ns / s->resp_n);
    return TRUE;
}

/* The side that sent the first RST of the connection: known when there is one. */
static gboolean
rst_side(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)v;
    if (STREAM(c)->rst_side < 0)
        return FALSE;
    tcpx_append(o, tcpx_health_side_name(STREAM(c)->rst_side));
    return TRUE;
}

/* A data rate: "3.8 Mbit/s", "420 kbit/s". */
static gboolean
rate(GString *o, const tcpx_var_t *v, const void *c)
{
    guint64 bps = FIELD(c, v, guint64);
    if (bps == 0)
        return FALSE;
    if (bps >= 1000000)
        g_string_append_printf(o, "%.1f Mbit/s", (double)bps / 1e6);
    else
        g_string_append_printf(o, "%u kbit/s", (unsigned)((bps + 500) / 1000));
    return TRUE;
}

/* The first RST was forged by a box on the path in the name of side arg (-1: either side). */
static gboolean
rst_forged(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o;
    const tcpx_health_stream_t *s = STREAM(c);
    return s->rst_origin == TCPX_RST_FORGED && s->rst_side >= 0 && (v->arg < 0 || s->rst_side == v->arg);
}

/* The side that sent the only FIN. */
static gboolean
fin_side(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)v;
    tcpx_append(o, STREAM(c)->fin[0] ? "client" : "server");
    return TRUE;
}

/* Conditions over several fields: known when true. */
static gboolean
any_zero_window(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o, (void)v;
    return STREAM(c)->zero_window_ns[0] > 0 || STREAM(c)->zero_window_ns[1] > 0;
}
static gboolean
any_window_full(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o, (void)v;
    return STREAM(c)->window_full_recv[0] + STREAM(c)->window_full_recv[1] > 0;
}
static gboolean
any_reset(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o, (void)v;
    return STREAM(c)->resets[0] + STREAM(c)->resets[1] > 0;
}
static gboolean
capture_missed(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o, (void)v;
    return STREAM(c)->capture_gaps + STREAM(c)->acked_unseen > 0;
}
static gboolean
not_captured(GString *o, const tcpx_var_t *v, const void *c)
{
    return capture_missed(o, v, c) || STREAM(c)->lost_bytes > 0;
}
static gboolean
data(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o, (void)v;
    return STREAM(c)->bytes[0] + STREAM(c)->bytes[1] > 0;
}
/* A FIN or an RST ended (or began to end) the connection. */
static gboolean
closed(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o, (void)v;
    return STREAM(c)->rst_side >= 0 || STREAM(c)->fin[0] || STREAM(c)->fin[1];
}

/* How the connection ended: one of the {end} templates. */
static gboolean
end(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_stream_t *s = STREAM(c);
    tcpx_health_words_t w;
    (void)v;
    if (s->rst_side >= 0 && !(s->fin[0] && s->fin[1]))
        w = TCPX_HW_END_RESET;
    else if (s->fin[0] && s->fin[1])
        w = TCPX_HW_END_FIN_BOTH;
    else if (s->fin[0] || s->fin[1])
        w = TCPX_HW_END_FIN_ONE;
    else
        w = TCPX_HW_END_OPEN;
    render_sentence(o, w, (const tcpx_health_words_ctx_t *)c);
    return TRUE;
}

/* The evidence: unknown outside a verdict. */
#define EVIDENCE(c) (((const tcpx_health_words_ctx_t *)(c))->ev)
/* The side at fault (arg 0) or its peer (arg 1). */
static gboolean
side(GString *o, const tcpx_var_t *v, const void *c)
{
    if (!EVIDENCE(c))
        return FALSE;
    tcpx_append(o, tcpx_health_side_name(EVIDENCE(c)->side ^ (int)v->arg));
    return TRUE;
}
/* An evidence duration with its unit ("41 ms", "3.07 s"). */
static gboolean
ev_dur(GString *o, const tcpx_var_t *v, const void *c)
{
    if (!EVIDENCE(c))
        return FALSE;
    tcpx_format_duration(o, *(const gint64 *)((const char *)EVIDENCE(c) + v->offset));
    return TRUE;
}
static gboolean
ev_secs(GString *o, const tcpx_var_t *v, const void *c)
{
    char b[32];
    if (!EVIDENCE(c))
        return FALSE;
    tcpx_append(o, tcpx_health_secs_text(*(const gint64 *)((const char *)EVIDENCE(c) + v->offset), b, sizeof b));
    return TRUE;
}
static gboolean
side_zero_window(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)v;
    if (!EVIDENCE(c))
        return FALSE;
    tcpx_format_duration(o, STREAM(c)->zero_window_ns[EVIDENCE(c)->side != 0]);
    return TRUE;
}
static gboolean
side_window_full(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)v;
    if (!EVIDENCE(c))
        return FALSE;
    tcpx_append_uint(o, STREAM(c)->window_full_recv[EVIDENCE(c)->side != 0]);
    return TRUE;
}
/* A count known when above one (for "..., 10 in all"). */
static gboolean
u32_many(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o;
    return FIELD(c, v, guint32) > 1;
}
/* one_<name>: known when <name> renders "1", for plurals ("ACK{?one_dup_acks:|s}"). */
static gboolean
one(GString *o, const tcpx_var_t *v, const void *c)
{
    const char *of_name = v->name + strlen("one_");
    const tcpx_var_t *of = tcpx_template_var(&tcpx_health_vars, of_name, strlen(of_name));
    gsize at = o->len;
    gboolean is_one = of && of->render(o, of, c) && o->len == at + 1 && o->str[at] == '1';
    g_string_truncate(o, at);
    return is_one;
}
static gboolean
ev_u32(GString *o, const tcpx_var_t *v, const void *c)
{
    if (!EVIDENCE(c))
        return FALSE;
    tcpx_append_uint(o, *(const guint32 *)((const char *)EVIDENCE(c) + v->offset));
    return TRUE;
}
static gboolean
closing(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o, (void)v;
    return EVIDENCE(c) && EVIDENCE(c)->closing;
}

#define OF(field) offsetof(tcpx_health_stream_t, field)
#define EV(field) offsetof(tcpx_health_evidence_t, field)

/* Every variable of the stream templates: name, renderer, field, argument.
 * side, loss_data, loss_retx and closing read the evidence (verdicts only). */
/* clang-format off */
static const tcpx_var_t vars[] = {
    /* in every paragraph: heading, verdict, connection, RTT, capture position */
    { "stream",              u32_,            OF(stream), 0 },
    { "client",              str,             OF(client), 0 },
    { "server",              str,             OF(server), 0 },
    { "roles_guessed",       flag,            OF(roles_guessed), 0 },
    { "score",               int_,            OF(score), 0 },
    { "fault",               fault,           0, 0 },
    { "Verdict",             str,             OF(verdict), 1 },
    { "done",                str,             OF(done_text), 0 },
    { "rtt_ref",             dur,             OF(rtt_ref_ns), 1 },
    { "irtt",                dur,             OF(irtt_ns), 1 },
    { "position",            position,        0, 0 },
    { "hs_d1",               dur,             OF(hs_d1_ns), 0 },
    { "hs_d2",               dur,             OF(hs_d2_ns), 0 },
    /* completeness (every stream): how far the connection got, how it ended */
    { "rst_side",            rst_side,        0, 0 },
    { "data",                data,            0, 0 },
    { "end",                 end,             0, 0 },
    { "closed",              closed,          0, 0 },
    { "fin_side",            fin_side,        0, 0 },
    /* application exchanges */
    { "resp_max",            dur,             OF(resp_max_ns), 0 },
    { "resp_max_frame",      u32_,            OF(resp_max_frame), 0 },
    { "resp_avg",            resp_avg,        0, 0 },
    { "responses",           u32_nz,          OF(resp_n), 0 },
    { "one_response",        u32_one,         OF(resp_n), 0 },
    { "resp_max_ack",        dur,             OF(resp_max_ack_ns), 0 },
    { "resp_max_keepalives", u32_nz,          OF(resp_max_keepalives), 0 },
    { "one_resp_max_keepalives", one,         0, 0 },
    /* retransmissions and loss */
    { "retx_records",        u32_nz,          OF(retx_records), 0 },
    { "one_retx",            u32_one,         OF(retx_records), 0 },
    { "retx_bytes",          u64_,            OF(retx_bytes), 0 },
    { "retx_net_client",     u32_,            OF(retx_net[0]), 0 },
    { "retx_net_server",     u32_,            OF(retx_net[1]), 0 },
    { "spurious",            u32_nz,          OF(anomalies[TCPX_K_SPURIOUS_RETRANSMISSION]), 0 },
    { "dup_acks",            u32_,            OF(dup_acks), 0 },
    { "one_dup_acks",        one,             0, 0 },
    { "loss_bursts",         loss_is,         OF(loss_pattern), TCPX_LOSS_BURSTS },
    { "loss_scattered",      loss_is,         OF(loss_pattern), TCPX_LOSS_SCATTERED },
    { "loss_isolated",       loss_is,         OF(loss_pattern), TCPX_LOSS_ISOLATED },
    { "loss_cause_queue",    is,              OF(loss_cause), TCPX_LOSS_CAUSE_QUEUE },
    { "loss_cause_no_queue", is,              OF(loss_cause), TCPX_LOSS_CAUSE_NO_QUEUE },
    { "loss_rtt_rise",       dur,             OF(loss_rtt_rise_ns), 1 },
    /* the loss verdict */
    { "loss_data",           ev_u32,          EV(loss_data), 0 },
    { "loss_retx",           ev_u32,          EV(loss_retx), 0 },
    { "one_loss_retx",       one,             0, 0 },
    { "data_segments",       u32_,            OF(data_segments), 0 },
    { "one_data_segments",   one,             0, 0 },
    { "loss_pct",            loss_pct,        0, 0 },
    { "loss_pattern",        loss_pattern,    0, 0 },
    { "lost_retx",           u32_,            OF(lost_retx), 0 },
    { "lost_quiet_frame",    u32_nz,          OF(lost_quiet_frame), 0 },
    { "syn_lost",            u32_,            OF(syn_lost), 0 },
    { "one_syn_lost",        u32_one,         OF(syn_lost), 0 },
    { "span",                ev_secs,         EV(span_ns), 0 },
    { "span_dur",            ev_dur,          EV(span_ns), 0 },
    { "peer",                side,            0, 1 },
    /* what the capture missed */
    { "lost_bytes",          u64_,            OF(lost_bytes), 0 },
    { "any_lost_bytes",      u64_nz,          OF(lost_bytes), 0 },
    { "one_lost_bytes",      one,             0, 0 },
    { "lost_segments",       u32_,            OF(lost_segments), 0 },
    { "any_lost_segments",   u32_nz,          OF(lost_segments), 0 },
    { "one_lost_segments",   one,             0, 0 },
    { "any_acked_unseen",    u32_nz,          OF(acked_unseen), 0 },
    { "acked_unseen",        u32_,            OF(acked_unseen), 0 },
    { "one_acked_unseen",    one,             0, 0 },
    { "capture_missed",      capture_missed,  0, 0 },
    { "not_captured",        not_captured,    0, 0 },
    { "capture_dups",        u32_nz,          OF(capture_dups), 0 },
    { "one_capture_dups",    one,             0, 0 },
    { "blackhole_retx",      u32_,            OF(blackhole_retx), 0 },
    { "one_blackhole_retx",  one,             0, 0 },
    { "blackhole_len",       u32_,            OF(blackhole_len), 0 },
    { "timer_long",          dur,             OF(timer_long_ns), 1 },
    { "ack_lost_resends",    u32_,            OF(ack_lost_resends), 0 },
    { "one_ack_lost_resends", one,            0, 0 },
    { "ack_lost_wait",       dur,             OF(ack_lost_wait_ns), 1 },
    { "ack_silence",         dur,             OF(ack_silence_ns), 1 },
    { "ack_silence_lost",    u32_,            OF(ack_silence_lost), 0 },
    { "one_ack_silence_lost", one,            0, 0 },
    { "ack_silence_resends", u32_,            OF(ack_silence_resends), 0 },
    { "one_ack_silence_resends", one,         0, 0 },
    { "silence",             dur,             OF(silence_ns), 1 },
    { "silence_resends",     u32_,            OF(silence_resends), 0 },
    { "one_silence_resends", one,             0, 0 },
    { "silence_sent_none",   flag,            OF(silence_sent_none), 0 },
    { "ack_held_resends",    u32_,            OF(ack_held_resends), 0 },
    { "one_ack_held_resends", one,            0, 0 },
    { "ack_held",            dur,             OF(ack_held_ns), 1 },
    { "ack_held_leg",        dur,             OF(ack_held_leg_ns), 1 },
    { "pmtu_mtu",            u32_,            OF(pmtu_mtu), 0 },
    { "pmtu_router",         str,             OF(pmtu_router), 0 },
    { "unreach_router",      str,             OF(unreach_router), 0 },
    { "unreach_frame",       u32_,            OF(unreach_frame), 0 },
    { "unreach_label",       tcpx_health_unreach_label, 0, 0 },
    { "pmtu_frame",          u32_,            OF(pmtu_frame), 0 },
    { "pmtu_icmps",          u32_,            OF(pmtu_icmps), 0 },
    { "many_pmtu_icmps",     u32_many,        OF(pmtu_icmps), 0 },
    { "pmtu_resends",        u32_nz,          OF(pmtu_resends), 0 },
    { "pmtu_resend_len",     u32_,            OF(pmtu_resend_len), 0 },
    { "pmtu_sender",         tcpx_health_pmtu_sender,     0, 0 },
    { "pmtu_aside",          tcpx_health_pmtu_aside,      0, 0 },
    { "sacked_resent",       u32_,            OF(sacked_resent), 0 },
    { "one_sacked_resent",   one,             0, 0 },
    { "sacked_resent_bytes", u32_,            OF(sacked_resent_bytes), 0 },
    { "beyond_segments",     u32_,            OF(beyond_segments), 0 },
    { "one_beyond_segments", one,             0, 0 },
    { "beyond_bytes",        u32_,            OF(beyond_bytes), 0 },
    { "beyond_resent",       u32_nz,          OF(beyond_resent), 0 },
    { "one_beyond_resent",   u32_one,         OF(beyond_resent), 0 },
    { "queue_sender",        tcpx_health_queue_sender, 0, 0 },
    { "nagle_stalls",        u32_,            OF(nagle_stalls), 0 },
    { "nagle_lost",          dur,             OF(nagle_lost_ns), 1 },
    { "queue_base",          dur,             OF(queue_base_ns), 1 },
    { "queue_peak",          dur,             OF(queue_peak_ns), 1 },
    { "queue_rate",          rate,            OF(queue_rate_bps), 0 },
    { "retx_unneeded",       u32_nz,          OF(retx_unneeded), 0 },
    { "one_retx_unneeded",   one,             0, 0 },
    { "capture_gaps",        u32_,            OF(capture_gaps), 0 },
    { "one_gap",             u32_one,         OF(capture_gaps), 0 },
    /* windows */
    { "any_zero_window",     any_zero_window, 0, 0 },
    { "zero_window_server",  dur,             OF(zero_window_ns[1]), 1 },
    { "zero_window_client",  dur,             OF(zero_window_ns[0]), 1 },
    { "any_window_full",     any_window_full, 0, 0 },
    { "window_full_client",  u32_,            OF(window_full_recv[0]), 0 },
    { "window_full_server",  u32_,            OF(window_full_recv[1]), 0 },
    { "one_window_full_client", one,          0, 0 },
    { "one_window_full_server", one,          0, 0 },
    { "side",                side,            0, 0 },
    { "lim_sender",          tcpx_health_lim_side,  0, 0 },
    { "lim_receiver",        tcpx_health_lim_side,  0, 1 },
    { "lim_busy",            tcpx_health_lim_share, 0, TCPX_LIMITS_N },
    { "lim_rwnd",            tcpx_health_lim_share, 0, TCPX_LIMIT_RWND },
    { "lim_recovery",        tcpx_health_lim_share, 0, TCPX_LIMIT_RECOVERY },
    { "lim_sending",         tcpx_health_lim_share, 0, TCPX_LIMIT_SENDING },
    { "lim_idle",            tcpx_health_lim_idle,  0, 0 },
    { "lim_window_known",    flag,            OF(lim_window_known), 0 },
    { "lim_recovery_time",   tcpx_health_lim_recovery_time, 0, 0 },
    { "lim_timeline",        tcpx_health_lim_timeline, 0, 0 },
    { "lim_slice",           tcpx_health_lim_timeline, 0, 1 },
    { "lim_queue",           tcpx_health_lim_queue, 0, 0 },
    { "side_zero_window",    side_zero_window, 0, 0 },
    { "side_window_full",    side_window_full, 0, 0 },
    { "one_side_window_full", one,            0, 0 },
    /* resets, reordering, refusals */
    { "any_reset",           any_reset,       0, 0 },
    { "resets_client",       u32_,            OF(resets[0]), 0 },
    { "resets_server",       u32_,            OF(resets[1]), 0 },
    { "rst_forged",          rst_forged,      0, -1 },
    { "rst_forged_client",   rst_forged,      0, 0 },
    { "rst_forged_server",   rst_forged,      0, 1 },
    { "closing",             closing,         0, 0 },
    { "rst_after_data",      flag,            OF(rst_after_data), 0 },
    { "reordered",           u32_nz,          OF(reordered), 0 },
    { "one_reordered",       u32_one,         OF(reordered), 0 },
    { "refusals",            u32_nz,          OF(refusals), 0 },
    { "one_refusal",         u32_one,         OF(refusals), 0 },
    /* the refused / unanswered connection */
    { "server_host",         server_host,     0, 0 },
    { "server_port",         u16_,            OF(server_port), 0 },
    { "hs_ack",              flag,            OF(hs_ack), 0 },
    /* a reset judged against its host */
    { "rst_by_client",       is,              OF(rst_side), 0 },
    { "rst_ttl",             u32_nz,          OF(rst_ttl), 0 },
    { "rst_ttl_ref",         u32_nz,          OF(rst_ttl_ref), 0 },
    { "rst_delay",           dur,             OF(rst_delay_ns), 1 },
    { "rst_host_hs",         dur,             OF(rst_host_hs_ns), 1 },
    { "client_packets",      u64_,            OF(packets[0]), 0 },
};
/* clang-format on */

const tcpx_vars_t tcpx_health_vars = TCPX_VARS(vars);

static void
render_sentence(GString *out, tcpx_health_words_t w, const tcpx_health_words_ctx_t *ctx)
{
    const char *when = tcpx_health_template_when(w);
    if (when) {
        /* known: rendered, then taken back, as the template language's {?when:...} does */
        const tcpx_var_t *v = tcpx_template_var(&tcpx_health_vars, when, strlen(when));
        gsize at = out->len;
        gboolean known = v && v->render(out, v, ctx);
        g_string_truncate(out, at);
        if (!known)
            return;
    }
    tcpx_template_render(out, tcpx_health_template(w), &tcpx_health_vars, ctx);
}

void
tcpx_health_words(GString *out, tcpx_health_words_t w, const tcpx_health_stream_t *s, const tcpx_health_evidence_t *ev)
{
    tcpx_health_words_ctx_t ctx = { s, ev };
    if (w < TCPX_HW_N)
        render_sentence(out, w, &ctx);
}
