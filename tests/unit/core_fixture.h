/* core_fixture.h: streams and segments for the core's unit tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CORE_FIXTURE_H
#define CORE_FIXTURE_H

#include <string.h>
#include <glib.h>
#include "tcpx_core.h"

#define MS G_GINT64_CONSTANT(1000000)

static void *
fx_alloc0(void *ctx, gsize n)
{
    (void)ctx;
    return g_malloc0(n);
}
static void *
fx_realloc(void *ctx, void *p, gsize n)
{
    (void)ctx;
    return g_realloc(p, n);
}
static const tcpx_alloc_t fx_alloc = { fx_alloc0, fx_realloc, NULL };

static guint32 fx_next_frame;

/* A stream with client 10.0.0.1:40000 (side 0) and server 10.0.0.2:80 (side 1). */
static tcpx_stream_t *
fx_stream(void)
{
    tcpx_stream_t *s = g_new0(tcpx_stream_t, 1);
    tcpx_stream_init(s, 7, "10.0.0.1:40000", "10.0.0.2:80", 40000, 80, &fx_alloc);
    fx_next_frame = 0;
    return s;
}

static tcpx_segment_t
fx_seg(gboolean from_client, gint64 t_ms, guint16 flags, guint32 seq, guint32 ack, guint32 len)
{
    tcpx_segment_t s;
    memset(&s, 0, sizeof s);
    s.frame = ++fx_next_frame;
    s.ts_ns = t_ms * MS;
    s.from_first = from_client;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.len = len;
    s.win = 65535;
    s.wscale = -1;
    s.has_ip_id = TRUE;
    s.ip_id = (guint16)(s.frame * 7);
    s.checksum = (guint16)(s.frame * 13);
    return s;
}

static tcpx_result_t fx_last;

static const tcpx_result_t *
fx_feed(tcpx_stream_t *s, tcpx_segment_t g)
{
    tcpx_analyze(s, &g, &fx_last);
    return &fx_last;
}

/* SYN at 0, SYN-ACK at rtt_ms, ACK at rtt_ms: a capture near the client. */
G_GNUC_UNUSED static void
fx_handshake(tcpx_stream_t *s, gint64 rtt_ms)
{
    tcpx_segment_t syn = fx_seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0);
    syn.mss = 1460;
    syn.sack_perm = TRUE;
    fx_feed(s, syn);
    tcpx_segment_t synack = fx_seg(FALSE, rtt_ms, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0);
    synack.mss = 1460;
    synack.sack_perm = TRUE;
    fx_feed(s, synack);
    fx_feed(s, fx_seg(TRUE, rtt_ms, TCPX_TH_ACK, 1, 1, 0));
}

G_GNUC_UNUSED static void
fx_free(tcpx_stream_t *s)
{
    for (int i = 0; i < 2; i++) {
        g_free(s->side[i].sent);
        g_free(s->side[i].copies);
        g_free(s->side[i].recent);
    }
    g_free(s);
}

#endif
