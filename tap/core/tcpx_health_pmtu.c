/* tcpx_health_pmtu.c: Path MTU in a stream's health: the routers' ICMPs "too big" about its
 * segments (records marked icmp: no segment of the stream) and the resends in smaller segments
 * that followed (cause pmtu_icmp), which are the ICMP's doing, not losses on the path.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health_add.h"
#include "tcpx_health_columns.h"

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
