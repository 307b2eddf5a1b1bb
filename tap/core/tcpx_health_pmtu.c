/* tcpx_health_pmtu.c: Path MTU in a stream's health: the routers' ICMPs "too big" about its
 * segments (records marked icmp: no segment of the stream) and the resends in smaller segments
 * that followed (cause pmtu_icmp), which are the ICMP's doing, not losses on the path.  And the
 * ICMPs "destination unreachable" about its segments, which settle an unanswered SYN.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health_add.h"
#include "tcpx_health_columns.h"
#include "tcpx_explain.h"

gboolean
tcpx_health_is_pmtu_resend(const tcpx_tap_rec_t *rec)
{
    for (guint i = 0; rec->result && i < rec->result->n && i < TCPX_MAX_FINDINGS; i++)
        if (rec->result->f[i].cause == TCPX_C_RETX_PMTU_ICMP)
            return TRUE;
    return FALSE;
}

void
tcpx_health_add_pmtu_icmp(hstream_t *hs, const tcpx_tap_rec_t *rec)
{
    tcpx_health_stream_t *s = &hs->pub;
    const tcpx_finding_t *f = tcpx_health_finding_of(rec, TCPX_K_PMTU_ICMP);
    if (!f || f->cause != TCPX_C_PMTU_TOO_BIG) /* an ICMP not about the packet's size says nothing of the path */
        return;
    if (!s->pmtu_icmps || (f->mtu && (!s->pmtu_mtu || f->mtu < s->pmtu_mtu))) { /* the first, or a narrower link */
        s->pmtu_frame = rec->frame;
        s->pmtu_mtu = f->mtu;
        s->pmtu_side = rec->from_client ? 0 : 1;
        tcpx_health_set_text(&s->pmtu_router, rec->reporter ? rec->reporter : "", 48);
    }
    s->pmtu_icmps++;
}

/* A router's (or a host's) ICMP "destination unreachable" about a segment of the stream: the first is kept. */
void
tcpx_health_add_unreachable(hstream_t *hs, const tcpx_tap_rec_t *rec)
{
    tcpx_health_stream_t *s = &hs->pub;
    const tcpx_finding_t *f = tcpx_health_finding_of(rec, TCPX_K_ICMP_UNREACHABLE);
    if (!f)
        return;
    if (!s->unreach_icmps++) {
        s->unreach_frame = rec->frame;
        s->unreach_cause = f->cause;
        s->unreach_side = rec->from_client ? 0 : 1;
        tcpx_health_set_text(&s->unreach_router, rec->reporter ? rec->reporter : "", 48);
    }
}

void
tcpx_health_add_pmtu_resend(hstream_t *hs, const tcpx_tap_rec_t *rec)
{
    hs->pub.pmtu_resends++;
    hs->pub.pmtu_resend_len = MAX(hs->pub.pmtu_resend_len, rec->len);
}

/* JSON: null without an ICMP "too big" about the stream. */
void
tcpx_health_get_pmtu_icmps(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    v->known = s->pmtu_icmps > 0;
    v->v.count = s->pmtu_icmps;
}
void
tcpx_health_get_pmtu_mtu(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    v->known = s->pmtu_icmps > 0 && s->pmtu_mtu > 0;
    v->v.count = s->pmtu_mtu;
}
void
tcpx_health_get_pmtu_frame(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    v->known = s->pmtu_icmps > 0;
    v->v.count = s->pmtu_frame;
}
void
tcpx_health_get_pmtu_resend_len(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    v->known = s->pmtu_icmps > 0;
    v->v.count = s->pmtu_resend_len;
}

/* ---- the words ({pmtu_*}, {unreach_*} in tcpx_health_sentences.c) ---- */

#define WORDS_STREAM(c) (((const tcpx_health_words_ctx_t *)(c))->s)

/* Path MTU: whose packets were too big (the stream's, not an issue's side). */
gboolean
tcpx_health_pmtu_sender(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)v;
    g_string_append(o, tcpx_health_side_name(WORDS_STREAM(c)->pmtu_side));
    return TRUE;
}

/* ...said in the paragraph when another issue leads the verdict (else the verdict says it). */
gboolean
tcpx_health_pmtu_aside(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_stream_t *s = WORDS_STREAM(c);
    (void)o, (void)v;
    return s->pmtu_icmps > 0 && s->verdict_code && strncmp(s->verdict_code, "pmtu_", 5) != 0;
}

/* What the first ICMP destination unreachable said: its cause's label ("administratively prohibited"). */
gboolean
tcpx_health_unreach_label(GString *o, const tcpx_var_t *v, const void *c)
{
    const tcpx_health_stream_t *s = WORDS_STREAM(c);
    (void)v;
    if (!s->unreach_icmps)
        return FALSE;
    g_string_append(o, tcpx_cause_info((tcpx_cause_t)s->unreach_cause)->label);
    return TRUE;
}
