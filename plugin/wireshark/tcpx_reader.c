/* tcpx_reader.c: one TCP header read into a tcpx_segment_t, after TCP has run on it.
 *
 * The header's fields and options come from the TCP tvb, the IP fields and TCP's
 * analysis of the segment through the adapter (tcpx_ws_tcp.h); the connection
 * and tcpx's stream are looked up by addresses and ports, cached on the first pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "tcpx"

#include <string.h>

#include <epan/packet.h>
#include <epan/in_cksum.h>
#include <epan/ipproto.h>
#include <epan/to_str.h>
#include <wsutil/wslog.h>

#include "tcpx_bytes.h"
#include "tcpx_conns.h"
#include "tcpx_core.h"
#include "tcpx_defer.h"
#include "tcpx_hook.h"
#include "tcpx_hosts.h"
#include "tcpx_pack.h"
#include "tcpx_ws_compat.h"
#include "tcpx_ws_tcp.h"

#define TCP_MIN_HEADER 20
#define TCP_MAX_HEADER 60

/* TCP option kinds (IANA) that tcpx reads. */
enum {
    TCPOPT_EOL = 0,
    TCPOPT_NOP = 1,
    TCPOPT_MSS = 2,
    TCPOPT_WINDOW_SCALE = 3,
    TCPOPT_SACK_PERMITTED = 4,
    TCPOPT_SACK = 5,
    TCPOPT_TIMESTAMPS = 8,
    TCPOPT_TFO = 34,
    TCPOPT_EXPERIMENTAL = 254, /* RFC 6994: an experiment identifier follows */
};
#define TCPOPT_EXP_TFO_MAGIC 0xF989 /* TCP Fast Open before it had its own kind */
#define TCPOLEN_MSS 4
#define TCPOLEN_WINDOW_SCALE 3
#define TCPOLEN_TIMESTAMPS 10
#define TCPOLEN_SACK_BLOCK 8
#define TCP_MAX_WINDOW_SHIFT 14 /* RFC 7323: a larger shift counts as 14 */

/* tcpx_segment_t.tfo */
#define TFO_COOKIE_REQUEST 1
#define TFO_COOKIE 2

/* Per capture file. */
static wmem_map_t *streams;            /* tcp.stream -> tcpx_stream_glue_t */
static tcpx_conns_t *first_pass_convs; /* addresses and ports -> connection, first pass only */
static wmem_map_t *last_by_ports;      /* "addr:port|addr:port" -> tcpx_stream_glue_t, for reused ports */
static tcpx_hosts_t *hosts;            /* address -> what the capture knows of that host (tcpx_hosts.h) */

void
tcpx_reader_file_init(void)
{
    first_pass_convs = tcpx_conns_new(&tcpx_file_allocator);
    streams = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    last_by_ports = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
    hosts = tcpx_hosts_new(&tcpx_file_allocator);
}

/* The host table's entry for an IP address (other address types have none). */
static tcpx_host_t *
host_of(const address *addr)
{
    if ((addr->type != AT_IPv4 && addr->type != AT_IPv6) || addr->len <= 0)
        return NULL;
    return tcpx_hosts_get(hosts, (const guint8 *)addr->data, (guint)addr->len);
}

void
tcpx_reader_foreach_stream(GHFunc fn, gpointer data)
{
    wmem_map_foreach(streams, fn, data);
}

/* ---- the connection and the stream of a header --------------------------- */

static gboolean
make_conv_key(tcpx_conn_key_t *key, const address *src, const address *dst, guint16 sport, guint16 dport)
{
    if (src->type != dst->type || src->len != dst->len || src->len > 16 || src->len <= 0)
        return FALSE;
    memset(key, 0, sizeof *key);
    int c;
    gboolean swap;
    if (src->len == 4) {
        /* IPv4, every packet of most captures: no calls to memcmp and memcpy */
        guint32 a = tcpx_be32(src->data), b = tcpx_be32(dst->data);
        c = (a > b) - (a < b);
        swap = c > 0 || (c == 0 && sport > dport);
        memcpy(key->addr[swap], src->data, 4);
        memcpy(key->addr[!swap], dst->data, 4);
    } else {
        c = memcmp(src->data, dst->data, src->len);
        swap = c > 0 || (c == 0 && sport > dport);
        memcpy(key->addr[swap], src->data, src->len);
        memcpy(key->addr[!swap], dst->data, dst->len);
    }
    key->port[swap] = sport;
    key->port[!swap] = dport;
    key->len = (guint8)src->len;
    return TRUE;
}

/* TCP's data for this connection.  find_conversation() is dear (it is also what TCP
 * itself just did), so on the first pass, when frames come in order, the answer is kept
 * per connection and looked up again only on SYNs, where TCP may start a new
 * conversation for reused ports.  On later passes *scratch is filled instead. */
static tcpx_conn_t *
connection_for(packet_info *pinfo, const address *src, const address *dst, guint16 sport, guint16 dport, guint16 flags,
               tcpx_conn_t *scratch)
{
    tcpx_conn_key_t key;
    tcpx_conn_t *cached = NULL;
    gboolean cacheable = !PINFO_FD_VISITED(pinfo) && make_conv_key(&key, src, dst, sport, dport);

    if (cacheable) {
        cached = tcpx_conns_lookup(first_pass_convs, &key, FALSE);
        if (cached && !(flags & TCPX_TH_SYN))
            return cached;
    }
    tcpx_ws_conn_t *tcp_conn = tcpx_ws_conn_find(pinfo, src, dst, sport, dport);
    if (!tcp_conn) {
        ws_debug("frame %u: TCP keeps no analysis of this connection: header not read", pinfo->num);
        return NULL;
    }
    if (cacheable && !cached)
        cached = tcpx_conns_lookup(first_pass_convs, &key, TRUE);
    if (!cached) {
        scratch->tcp_conn = tcp_conn;
        scratch->stream = NULL;
        return scratch;
    }
    if (cached->tcp_conn != tcp_conn) {
        cached->tcp_conn = tcp_conn;
        cached->stream = NULL;
    }
    return cached;
}

static char *
endpoint_name(const address *addr, guint16 port)
{
    char *a = address_to_str(NULL, addr);
    char *name = addr->type == AT_IPv6 ? wmem_strdup_printf(wmem_file_scope(), "[%s]:%u", a, port)
                                       : wmem_strdup_printf(wmem_file_scope(), "%s:%u", a, port);
    wmem_free(NULL, a);
    return name;
}

/* tcpx's stream for TCP's stream id: made on the first pass, only looked up later. */
static tcpx_stream_glue_t *
stream_for(packet_info *pinfo, guint32 id, const address *src, const address *dst, guint16 sport, guint16 dport)
{
    tcpx_stream_glue_t *g = (tcpx_stream_glue_t *)wmem_map_lookup(streams, GUINT_TO_POINTER(id));
    if (g)
        return g;
    if (PINFO_FD_VISITED(pinfo)) {
        ws_debug("frame %u: stream %u was not seen on the first pass: header not read", pinfo->num, id);
        return NULL;
    }

    g = wmem_new0(wmem_file_scope(), tcpx_stream_glue_t);
    char *n0 = endpoint_name(src, sport), *n1 = endpoint_name(dst, dport);
    tcpx_stream_init(&g->core, id, n0, n1, sport, dport, &tcpx_file_allocator);
    copy_address_wmem(wmem_file_scope(), &g->first_src, src);
    g->first_sport = sport;
    g->core.host[0] = host_of(src);
    g->core.host[1] = host_of(dst);

    /* Remember the stream by its ports, to tell reused ports what came before. */
    char *key = strcmp(n0, n1) < 0 ? wmem_strdup_printf(wmem_file_scope(), "%s|%s", n0, n1)
                                   : wmem_strdup_printf(wmem_file_scope(), "%s|%s", n1, n0);
    g->core.prev = (const tcpx_stream_t *)wmem_map_lookup(last_by_ports, key);
    wmem_map_insert(last_by_ports, key, &g->core);
    wmem_map_insert(streams, GUINT_TO_POINTER(id), g);
    return g;
}

/* ---- reading one TCP header -------------------------------------------- */

/* The TCP header as it is on the wire. */
typedef struct {
    const guint8 *th;         /* the captured part of the header */
    guint captured, reported; /* the TCP tvb's lengths */
    guint hlen;               /* header length, options included */
    guint16 sport, dport, flags, win, sum;
    guint32 raw_seq, raw_ack;
} wire_header_t;

/* The fixed part of the header; FALSE if it is cut short or malformed. */
static gboolean
read_wire_header(tvbuff_t *tvb, guint32 frame, wire_header_t *h)
{
    h->captured = tvb_captured_length(tvb);
    h->reported = tvb_reported_length(tvb);
    if (h->captured < TCP_MIN_HEADER) {
        ws_debug("frame %u: TCP header cut to %u bytes: not read", frame, h->captured);
        return FALSE;
    }
    h->th = tvb_get_ptr(tvb, 0, MIN(h->captured, TCP_MAX_HEADER));
    h->hlen = (h->th[12] >> 4) * 4;
    if (h->hlen < TCP_MIN_HEADER || h->reported < h->hlen) {
        ws_debug("frame %u: TCP header length %u is not valid: not read", frame, h->hlen);
        return FALSE;
    }
    h->sport = tcpx_be16(h->th);
    h->dport = tcpx_be16(h->th + 2);
    h->raw_seq = tcpx_be32(h->th + 4);
    h->raw_ack = tcpx_be32(h->th + 8);
    h->flags = tcpx_be16(h->th + 12) & 0x0FFF;
    h->win = tcpx_be16(h->th + 14);
    h->sum = tcpx_be16(h->th + 16);
    return TRUE;
}

static void
parse_options(const guint8 *th, guint end, tcpx_segment_t *seg, guint32 peer_base)
{
    guint off = TCP_MIN_HEADER;

    while (off < end) {
        guint8 kind = th[off];
        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            off++;
            continue;
        }
        if (off + 1 >= end)
            break;
        guint8 len = th[off + 1];
        if (len < 2 || off + len > end)
            break;
        const guint8 *value = th + off + 2;
        switch (kind) {
        case TCPOPT_MSS:
            if (len == TCPOLEN_MSS)
                seg->mss = tcpx_be16(value);
            break;
        case TCPOPT_WINDOW_SCALE:
            if (len == TCPOLEN_WINDOW_SCALE)
                seg->wscale = (gint8)MIN(value[0], TCP_MAX_WINDOW_SHIFT);
            break;
        case TCPOPT_SACK_PERMITTED: seg->sack_perm = TRUE; break;
        case TCPOPT_SACK:
            for (guint i = off + 2; i + TCPOLEN_SACK_BLOCK <= off + len && seg->n_sack < G_N_ELEMENTS(seg->sack_le);
                 i += TCPOLEN_SACK_BLOCK) {
                seg->sack_le[seg->n_sack] = tcpx_be32(th + i) - peer_base;
                seg->sack_re[seg->n_sack] = tcpx_be32(th + i + 4) - peer_base;
                seg->n_sack++;
            }
            break;
        case TCPOPT_TIMESTAMPS:
            if (len == TCPOLEN_TIMESTAMPS) {
                seg->has_ts = TRUE;
                seg->tsval = tcpx_be32(value);
            }
            break;
        case TCPOPT_TFO: seg->tfo = len > 2 ? TFO_COOKIE : TFO_COOKIE_REQUEST; break;
        case TCPOPT_EXPERIMENTAL:
            if (len >= 4 && tcpx_be16(value) == TCPOPT_EXP_TFO_MAGIC)
                seg->tfo = len > 4 ? TFO_COOKIE : TFO_COOKIE_REQUEST;
            break;
        default: break;
        }
        off += len;
    }
}

/* Sequence and acknowledgment numbers (relative to TCP's bases), length, window
 * (scaled as TCP scales it) and options. */
static void
read_header_fields(tcpx_segment_t *seg, const wire_header_t *h, const tcpx_ws_conn_view_t *tcp)
{
    seg->flags = h->flags;
    seg->seq = h->raw_seq - tcp->fwd_base_seq;
    seg->ack = (h->flags & TCPX_TH_ACK) ? h->raw_ack - tcp->rev_base_seq : 0;
    seg->len = h->reported - h->hlen;
    seg->win = h->win;
    if (!(h->flags & TCPX_TH_SYN) && tcp->fwd_win_scale > 0)
        seg->win = (guint32)h->win << tcp->fwd_win_scale;
    seg->wscale = -1;
    seg->options_cut = h->captured < h->hlen;
    parse_options(h->th, MIN(h->hlen, h->captured), seg, tcp->rev_base_seq);
}

static tcpx_csum_t
check_checksum(tvbuff_t *tvb, gboolean fragmented, const address *src, const address *dst, guint16 th_sum)
{
    guint reported = tvb_reported_length(tvb);
    /* A frame cut by the snaplen (or a fragment) cannot be checked, whatever its
     * checksum says: 0x0000 is a legal value too, so a cut frame's zero is no error. */
    if (fragmented || !tvb_bytes_exist(tvb, 0, reported))
        return TCPX_CSUM_UNCHECKED;
    /* A whole frame's zero is checked even when TCP does not check: 0x0000 can be right. */
    if (th_sum != 0 && !tcpx_ws_tcp_checks_checksums())
        return TCPX_CSUM_UNCHECKED;

    vec_t vec[4];
    guint32 phdr[2];
    if (src->type == AT_IPv4 && dst->type == AT_IPv4) {
        phdr[0] = g_htonl((IP_PROTO_TCP << 16) + reported);
        SET_CKSUM_VEC_PTR(vec[0], (const guint8 *)src->data, 4);
        SET_CKSUM_VEC_PTR(vec[1], (const guint8 *)dst->data, 4);
        SET_CKSUM_VEC_PTR(vec[2], (const guint8 *)phdr, 4);
    } else if (src->type == AT_IPv6 && dst->type == AT_IPv6) {
        phdr[0] = g_htonl(reported);
        phdr[1] = g_htonl(IP_PROTO_TCP);
        SET_CKSUM_VEC_PTR(vec[0], (const guint8 *)src->data, 16);
        SET_CKSUM_VEC_PTR(vec[1], (const guint8 *)dst->data, 16);
        SET_CKSUM_VEC_PTR(vec[2], (const guint8 *)phdr, 8);
    } else {
        return TCPX_CSUM_UNCHECKED;
    }
    SET_CKSUM_VEC_TVB(vec[3], tvb, 0, reported);
    if (in_cksum(vec, 4) == 0)
        return th_sum == 0 && !tcpx_ws_tcp_checks_checksums() ? TCPX_CSUM_UNCHECKED : TCPX_CSUM_GOOD;
#if TCPX_WS_PARTIAL_CHECKSUM_IS_GOOD
    /* As TCP judges it here: the pseudo-header's sum alone (offload) counts as good. */
    if (th_sum == g_ntohs((guint16)~in_cksum(vec, 3)))
        return TCPX_CSUM_GOOD;
#endif
    return th_sum == 0 ? TCPX_CSUM_ZERO : TCPX_CSUM_BAD;
}

/* The IP header's ID, ECN bits and TTL (hop limit), from the header data that IP handed to this very TCP
 * header: the innermost IP header carrying it (ICMP-quoted headers are not read: see tcpx_hook.c). */
static void
read_ip_fields(tcpx_segment_t *seg, const void *iph)
{
    tcpx_ws_ip_view_t ip;
    tcpx_ws_ip_view(iph, &ip);
    seg->has_ip_id = ip.has_ip_id;
    seg->ip_id = ip.ip_id;
    seg->ip_ecn = ip.ecn;
    seg->has_ttl = ip.has_ttl;
    seg->ip_ttl = ip.ttl;
}

/* TCP's analysis of the segment (through the adapter), and TCP Fast Open judged as TCP judges it. */
static void
read_tcp_analysis(tcpx_segment_t *seg, const tcpx_ws_conn_t *conn, const wire_header_t *h,
                  const tcpx_ws_conn_view_t *tcp, gboolean tcp_done)
{
    tcpx_ws_verdict_t verdict;
    tcpx_ws_verdict(conn, seg->frame, h->raw_seq, h->raw_ack, tcp_done, &verdict);
    seg->ws |= verdict.ws;
    seg->dupack_num = verdict.dupack_num;
    seg->dupack_frame = verdict.dupack_frame;
    seg->bytes_in_flight = verdict.bytes_in_flight;
    seg->acks_frame = verdict.acks_frame;
    seg->ack_rtt_ns = verdict.ack_rtt_ns;
    seg->irtt_ns = tcp->irtt_ns;

    if ((h->flags & (TCPX_TH_SYN | TCPX_TH_ACK)) == TCPX_TH_SYN && seg->tfo == TFO_COOKIE)
        seg->ws |= TCPX_WS_TFO_SYN;
    if ((h->flags & (TCPX_TH_SYN | TCPX_TH_ACK)) == (TCPX_TH_SYN | TCPX_TH_ACK)) {
        if (seg->ack > 1)
            seg->ws |= TCPX_WS_TFO_ACK;
        else if (tcp->tfo_syn_data)
            seg->ws |= TCPX_WS_TFO_IGNORED;
    }
}

/* The core reads the stream's records in the post-dissector, after the rest of the frame is
 * dissected: asked for now, they come from memory meanwhile. */
static void
prefetch_lines(const void *p, gsize len)
{
    for (gsize off = 0; p && off < len; off += 64)
        __builtin_prefetch((const char *)p + off);
}

static void
prefetch_stream(const tcpx_stream_t *s)
{
    prefetch_lines(s, sizeof *s);
    prefetch_lines(s->side[0].recent, sizeof *s->side[0].recent);
    prefetch_lines(s->side[1].recent, sizeof *s->side[1].recent);
}

/* The header's stream, and whether its first-seen sender sent this segment. */
static gboolean
attach_stream(tcpx_layer_t *out, packet_info *pinfo, tcpx_conn_t *conn, const wire_header_t *h, guint32 id)
{
    tcpx_stream_glue_t *known = (tcpx_stream_glue_t *)conn->stream;
    if (!known || known->core.id != id)
        conn->stream = known = stream_for(pinfo, id, &out->src, &out->dst, h->sport, h->dport);
    out->stream = known;
    /* Analysed in this frame's post-dissector: worth asking for now.  Analysed in a batch later, the
     * lines would only push out tshark's own (1.5% of its time on the benchmark's health report). */
    if (known && !tcpx_defer_on())
        prefetch_stream(&known->core);
    if (!out->stream)
        return FALSE;
    gboolean first_src = addresses_equal(&out->src, &out->stream->first_src);
    out->seg.from_first = h->sport == out->stream->first_sport && first_src;
    if (h->sport == h->dport && !first_src)
        out->seg.from_first = FALSE;
    return TRUE;
}

/* Read the header in the layer's tvb and TCP's analysis of it.  tcp_done: TCP returned
 * normally, having looked up its analysis of this very segment (its tcpd->ta, cleared
 * when TCP starts on a frame, then set by tcp_print_sequence_number_analysis() with or
 * without a tree); after an exception that may not have happened (tcpx_ws_verdict). */
gboolean
tcpx_read_segment(tcpx_layer_t *out, packet_info *pinfo, gboolean tcp_done)
{
    wire_header_t h;
    if (!read_wire_header(out->tvb, pinfo->num, &h))
        return FALSE;
    tcpx_conn_t scratch;
    tcpx_conn_t *conn = connection_for(pinfo, &out->src, &out->dst, h.sport, h.dport, h.flags, &scratch);
    tcpx_ws_conn_view_t tcp;
    if (!conn || !tcpx_ws_conn_view(conn->tcp_conn, pinfo->num, &tcp))
        return FALSE;

    tcpx_segment_t *seg = &out->seg;
    memset(seg, 0, sizeof *seg);
    seg->frame = pinfo->num;
    seg->ts_ns = tcpx_ws_ns(&pinfo->abs_ts);
    read_header_fields(seg, &h, &tcp);
    seg->checksum = h.sum;
    seg->csum = check_checksum(out->tvb, out->fragmented, &out->src, &out->dst, h.sum);
    read_ip_fields(seg, out->iph);
    read_tcp_analysis(seg, conn->tcp_conn, &h, &tcp, tcp_done);

    /* For the guard: TCP's tap reports the same segment once the frame is dissected
     * (on the first pass, or on the second one of tshark -2, whose first runs no taps). */
    tcpx_ws_reading_t reading = { pinfo->num, h.sport, h.dport, h.raw_seq, h.raw_ack, tcp.stream, seg->seq, seg->ack };
    tcpx_ws_guard_note(&reading);
    return attach_stream(out, pinfo, conn, &h, tcp.stream);
}

/* ---- the TCP header an ICMP quotes ------------------------------------------ */

gboolean
tcpx_read_quoted(tcpx_icmp_frame_t *ic, packet_info *pinfo)
{
    /* an ICMP quotes at least the IP header and 8 bytes: the ports and the sequence number */
    if (tvb_captured_length(ic->tvb) < 8)
        return FALSE;
    const guint8 *th = tvb_get_ptr(ic->tvb, 0, 8);
    guint16 sport = tcpx_be16(th), dport = tcpx_be16(th + 2);
    tcpx_conn_t scratch;
    tcpx_conn_t *conn = connection_for(pinfo, &ic->src, &ic->dst, sport, dport, 0, &scratch);
    tcpx_ws_conn_view_t tcp;
    if (!conn || !tcpx_ws_conn_view(conn->tcp_conn, pinfo->num, &tcp))
        return FALSE;
    /* only looked up: an ICMP about a connection whose segments the capture does not hold makes no stream */
    tcpx_stream_glue_t *g = (tcpx_stream_glue_t *)wmem_map_lookup(streams, GUINT_TO_POINTER(tcp.stream));
    if (!g)
        return FALSE;
    tcpx_ws_ip_view_t ip;
    tcpx_ws_ip_view(ic->iph, &ip);
    tcpx_segment_t *seg = &ic->layer.seg;
    memset(seg, 0, sizeof *seg);
    seg->frame = pinfo->num;
    seg->ts_ns = tcpx_ws_ns(&pinfo->abs_ts);
    seg->from_first = addresses_equal(&ic->src, &g->first_src) && sport == g->first_sport;
    /* TCP, run on the quoted header, took its direction as this packet's: fwd is the quoted sender */
    seg->seq = tcpx_be32(th + 4) - tcp.fwd_base_seq;
    ic->layer.stream = g;
    ic->icmp.frame = seg->frame;
    ic->icmp.ts_ns = seg->ts_ns;
    ic->icmp.from_first = seg->from_first;
    ic->icmp.seq = seg->seq;
    ic->icmp.packet_len = ip.packet_len;
    ic->icmp.mtu = ic->mtu;
    ic->icmp.v6 = ic->v6;
    return TRUE;
}
