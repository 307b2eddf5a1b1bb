/* tcpx_health_unanswered.c: a connection that never got a SYN-ACK.  Its failure is the verdict,
 * whatever else happened: refused (by the server, a forged reset, or either), an ICMP "destination
 * unreachable" (by what it said and who sent it), SYNs unanswered, given up by the client, or too
 * close to the capture's end to say.  docs/health-rules.md, "No SYN-ACK at all".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health_int.h"
#include "tcpx_hosts.h"

/* No SYN-ACK at all: the verdict is the connection's failure, whatever else happened. */
/* clang-format off */
static const struct {
    tcpx_done_t done;
    tcpx_fault_t fault;
    const char *code;
    tcpx_health_words_t words;
} unanswered[] = {
    { TCPX_DONE_REFUSED,        TCPX_FAULT_SERVER,       "refused",        TCPX_HW_REFUSED },
    /* a host down, a firewall or the path: a capture at the client cannot tell */
    { TCPX_DONE_SYN_UNANSWERED, TCPX_FAULT_UNDETERMINED, "syn_unanswered", TCPX_HW_SYN_UNANSWERED },
};
/* clang-format on */

/* A single SYN this close to the capture's end had no time to be answered: no verdict on it. */
#define SYN_ANSWER_TIME_NS NS_PER_S
/* A TCP stack resends an unanswered SYN within 3 s (Linux and macOS after 1 s, Windows after 3 s): a
 * single SYN the capture ran this long past was given up by the client itself. */
#define SYN_RETRY_DUE_NS (6 * NS_PER_S)

/* A refusal, by where its reset came from: the server (a refusal), the path (forged), or either. */
/* clang-format off */
static const struct {
    tcpx_fault_t fault;
    const char *code;
    tcpx_health_words_t words;
} refusals[] = {
    [TCPX_RST_FROM_UNKNOWN] = { TCPX_FAULT_UNDETERMINED, "refused",            TCPX_HW_REFUSED_UNDETERMINED },
    [TCPX_RST_FROM_HOST]    = { TCPX_FAULT_SERVER,       "refused",            TCPX_HW_REFUSED },
    [TCPX_RST_FORGED]       = { TCPX_FAULT_NETWORK,      "reset_by_middlebox", TCPX_HW_RESET_FORGED },
};
/* clang-format on */

/* An unanswered SYN an ICMP "destination unreachable" answered, by what it said: the path's (no route, a
 * filter on the path), the server's (its own firewall), or either (the host unreachable, another code). */
static void
judge_icmp_unreachable(tcpx_health_t *h, tcpx_health_stream_t *s)
{
    char verdict[TCPX_VERDICT_MAX];
    tcpx_health_evidence_t ev = { 0 };
    tcpx_health_words_t words = TCPX_HW_UNREACH_OTHER;
    s->fault = TCPX_FAULT_UNDETERMINED;
    if (s->unreach_cause == TCPX_C_UNREACH_NET) {
        words = TCPX_HW_UNREACH_NET;
        s->fault = TCPX_FAULT_NETWORK;
    } else if (s->unreach_cause == TCPX_C_UNREACH_HOST) {
        words = TCPX_HW_UNREACH_HOST;
    } else if (s->unreach_cause == TCPX_C_UNREACH_PROHIBITED || s->unreach_cause == TCPX_C_UNREACH_PORT) {
        /* a closed TCP port answers with a reset: this ICMP is a reject rule's, on the host or on the path */
        gboolean by_host = tcpx_health_endpoint_on(s->server, s->unreach_router);
        words = by_host ? TCPX_HW_UNREACH_FILTER_HOST : TCPX_HW_UNREACH_FILTER_PATH;
        s->fault = by_host ? TCPX_FAULT_SERVER : TCPX_FAULT_NETWORK;
    }
    s->score = (int)MIN(h->prefs.refused_score, 100);
    s->verdict_code = "icmp_unreachable";
    tcpx_health_words_into(h, verdict, sizeof verdict, words, s, &ev);
    tcpx_health_set_text(&s->verdict, verdict, sizeof verdict);
}

gboolean
tcpx_health_judge_unanswered(tcpx_health_t *h, hstream_t *hs)
{
    tcpx_health_stream_t *s = &hs->pub;
    tcpx_health_evidence_t ev = { 0 };
    char verdict[TCPX_VERDICT_MAX];
    ev.span_ns = tcpx_health_span(hs->syn_ts, h->capture_last_ts);
    if (s->done == TCPX_DONE_SYN_UNANSWERED && s->unreach_icmps) {
        judge_icmp_unreachable(h, s);
        return TRUE;
    }
    if (s->done == TCPX_DONE_SYN_UNANSWERED && s->packets[0] == 1 && ev.span_ns < SYN_ANSWER_TIME_NS) {
        s->score = 100;
        s->fault = TCPX_FAULT_NONE;
        s->verdict_code = "capture_ended";
        tcpx_health_words_into(h, verdict, sizeof verdict, TCPX_HW_SYN_CAPTURE_ENDED, s, &ev);
        tcpx_health_set_text(&s->verdict, verdict, sizeof verdict);
        return TRUE;
    }
    for (guint i = 0; i < G_N_ELEMENTS(unanswered); i++) {
        if (s->done != unanswered[i].done)
            continue;
        s->score = (int)MIN(h->prefs.refused_score, 100);
        s->fault = unanswered[i].fault;
        s->verdict_code = unanswered[i].code;
        tcpx_health_words_t words = unanswered[i].words;
        if (s->done == TCPX_DONE_REFUSED && s->rst_origin < G_N_ELEMENTS(refusals)) {
            s->fault = refusals[s->rst_origin].fault;
            s->verdict_code = refusals[s->rst_origin].code;
            words = refusals[s->rst_origin].words;
        }
        if (s->done == TCPX_DONE_SYN_UNANSWERED && s->packets[0] == 1 && ev.span_ns >= SYN_RETRY_DUE_NS)
            words = TCPX_HW_SYN_GIVEN_UP;
        tcpx_health_words_into(h, verdict, sizeof verdict, words, s, &ev);
        tcpx_health_set_text(&s->verdict, verdict, sizeof verdict);
        return TRUE;
    }
    return FALSE;
}
