/* packet-tcpx.c: the tcpx post-dissector (epan glue).
 *
 * How tcpx reads TCP without costing a protocol tree:
 *   Wireshark's own TCP analysis (tcp.analysis.*) is kept in TCP's conversation
 *   data.  Asking for those fields through set_postdissector_wanted_hfids() would
 *   force a protocol tree on every frame, which alone slows tshark by ~10%, and
 *   ~35% with the per-frame fields tcpx needs.  So tcpx puts a thin hook in front
 *   of TCP in the "ip.proto" table: it calls Wireshark's TCP dissector unchanged,
 *   then reads the header from the TCP tvb and TCP's verdict for this frame from
 *   its conversation data.  This works with or without a tree, once per TCP header
 *   (tunnels give several), with the addresses of that header's own IP layer.
 *
 *   The post-dissector then runs the analysis core on the first pass, keeps the
 *   result of notable frames in file scope, and on every pass builds the tcpx tree
 *   and queues the tap record from that cache.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/exceptions.h>
#include <epan/expert.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/in_cksum.h>
#include <epan/ipproto.h>
#include <epan/to_str.h>
#include <epan/addr_resolv.h>

#include "packet-tcpx.h"
#include "tcpx_bytes.h"
#include "tcpx_core.h"
#include "tcpx_explain.h"
#include "tcpx_text.h"
#include "tcpx_pack.h"
#include "tcpx_tap.h"
#include "tap-tcpx-health.h"
#include "tcpx_ws_compat.h"
#include "tcpx_ws_tcp.h"

/* More TCP headers than this in one frame are left alone. */
#define MAX_LAYERS 4

static int proto_tcpx = -1;
static int tcpx_tap = -1;

static int hf_tcpx_summary = -1;
static int hf_tcpx_phase = -1;
static int hf_tcpx_sender = -1;
static int hf_tcpx_anomaly = -1;
static int hf_tcpx_step = -1;
static int hf_tcpx_severity = -1;
static int hf_tcpx_explanation = -1;
static int hf_tcpx_cause = -1;
static int hf_tcpx_cause_code = -1;
static int hf_tcpx_next_step = -1;
static int hf_tcpx_related_frame = -1;
static int hf_tcpx_related_age = -1;
static int hf_tcpx_text = -1;

static gint ett_tcpx = -1;
static gint ett_tcpx_finding = -1;
static gint ett_tcpx_related = -1;

static expert_field ei_tcpx_internals_mismatch = EI_INIT;

static protocol_t *tcpx_protocol;
static dissector_handle_t tcp_handle;
static dissector_handle_t tcpx_postdissector_handle;
static module_t *tcpx_module;

static tcpx_pref_bool_t pref_phase_notes = FALSE;
/* Read per file: changing a preference or enabling a protocol redissects, which starts afresh. */
static gboolean tcpx_enabled;
static gboolean mismatch_said;   /* this file has shown the guard's note */

static const value_string severity_vals[] = {
    { TCPX_SEV_CHAT,  "Chat" },
    { TCPX_SEV_NOTE,  "Note" },
    { TCPX_SEV_WARN,  "Warning" },
    { TCPX_SEV_ERROR, "Error" },
    { 0, NULL }
};

/* A stream, with what the glue needs to tell its two ends apart. */
typedef struct {
    tcpx_stream_t core;
    address first_src;
    guint16 first_sport;
} tcpx_stream_glue_t;

/* Per capture file. */
static wmem_map_t *streams;       /* tcp.stream -> tcpx_stream_glue_t */
static wmem_map_t *first_pass_convs; /* conv_key_t -> conv_cache_t, first pass only */
static wmem_map_t *last_by_ports; /* "addr:port|addr:port" -> tcpx_stream_glue_t, for reused ports */
static tcpx_store_t frame_results; /* what the first pass found, per frame (tcpx_pack.h) */

/* One TCP header of the frame being dissected. */
typedef struct {
    /* What the hook saw before TCP ran, for reading the header after it */
    tvbuff_t *tvb;
    address src, dst;             /* shallow copies: the frame's data */
    void *iph;                    /* IP's header data (the frame's) */
    gboolean fragmented;
    gboolean pending;             /* TCP has not returned (it threw): read in the post-dissector */
    gboolean tcp_returned;        /* TCP returned normally: its tree holds its whole analysis */
    tcpx_segment_t seg;
    tcpx_stream_glue_t *stream;   /* NULL: tcpx could not read this header */
    tcpx_result_t result;         /* first pass: what tcpx_analyze() found */
    tcpx_tap_rec_t tap;           /* the record queued on the tap */
} tcpx_layer_t;

/* The TCP headers of the frame being dissected, from the hook to the post-dissector.
 * Wireshark dissects one frame at a time and runs the post-dissectors within the same
 * dissection, before taps are pushed, so one static record serves every frame: cheaper
 * than packet-scope proto data (an allocation and a list search per frame).  The
 * post-dissector marks it used, so a re-dissection of the same frame starts afresh. */
static struct {
    guint32 frame;                /* 0: empty or used */
    guint n;
    tcpx_layer_t layer[MAX_LAYERS];
} current;

static void *
file_alloc0(void *ctx _U_, gsize size)
{
    return wmem_alloc0(wmem_file_scope(), size);
}

static void *
file_realloc(void *ctx _U_, void *ptr, gsize size)
{
    return wmem_realloc(wmem_file_scope(), ptr, size);
}

static const tcpx_alloc_t file_allocator = { file_alloc0, file_realloc, NULL };

/* Nanoseconds; times beyond +-4e9 s (year 2096) are clamped so that differences never overflow. */
static gint64
nstime_to_ns(const nstime_t *t)
{
    const gint64 limit = G_GINT64_CONSTANT(4000000000);
    gint64 secs = CLAMP((gint64)t->secs, -limit, limit);
    return secs * G_GINT64_CONSTANT(1000000000) + t->nsecs;
}

/* Addresses and ports of a TCP connection, in a canonical order (padding zeroed: keys compare as bytes). */
typedef struct {
    guint8  addr[2][16];
    guint16 port[2];
    guint8  len;
    guint8  pad[3];
} conv_key_t;
G_STATIC_ASSERT(sizeof(conv_key_t) % 8 == 0);

/* A TCP connection as seen on the first pass: TCP's data and tcpx's stream. */
typedef struct {
    tcpx_ws_conn_t *tcp_conn;     /* TCP's analysis of the connection */
    tcpx_stream_glue_t *stream;   /* NULL until known */
} conv_cache_t;

/* conv_key_t as a wmem_map key: its bytes, read as whole 8-byte words (the padding is zeroed). */
static guint
conv_key_hash(gconstpointer key)
{
    guint64 h = G_GUINT64_CONSTANT(0x9E3779B97F4A7C15);
    for (gsize i = 0; i < sizeof(conv_key_t); i += 8) {
        guint64 w;
        memcpy(&w, (const guint8 *)key + i, 8);
        h = (h ^ w) * G_GUINT64_CONSTANT(0xFF51AFD7ED558CCD);
        h ^= h >> 32;
    }
    return (guint)h;
}

static gboolean
conv_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(conv_key_t)) == 0;
}

static gboolean
make_conv_key(conv_key_t *key, const address *src, const address *dst, guint16 sport, guint16 dport)
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
static conv_cache_t *
connection_for(packet_info *pinfo, const address *src, const address *dst, guint16 sport, guint16 dport,
               guint16 flags, conv_cache_t *scratch)
{
    conv_key_t key;
    conv_cache_t *cached = NULL;
    gboolean cacheable = !PINFO_FD_VISITED(pinfo) && make_conv_key(&key, src, dst, sport, dport);

    if (cacheable) {
        cached = (conv_cache_t *)wmem_map_lookup(first_pass_convs, &key);
        if (cached && !(flags & TCPX_TH_SYN))
            return cached;
    }
    tcpx_ws_conn_t *tcp_conn = tcpx_ws_conn_find(pinfo, src, dst, sport, dport);
    if (!tcp_conn)
        return NULL;
    if (cacheable && !cached) {
        cached = wmem_new0(wmem_file_scope(), conv_cache_t);
        wmem_map_insert(first_pass_convs, wmem_memdup(wmem_file_scope(), &key, sizeof key), cached);
    }
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

static void
tcpx_init(void)
{
    first_pass_convs = wmem_map_new(wmem_file_scope(), conv_key_hash, conv_key_equal);
    streams = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    last_by_ports = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
    tcpx_store_init(&frame_results, &file_allocator);
    tcpx_ws_tcp_file_init();
    tcpx_ws_guard_file_init();
    mismatch_said = FALSE;
    tcpx_enabled = proto_is_protocol_enabled(tcpx_protocol);
}

/* ---- reading one TCP header -------------------------------------------- */

static void
parse_options(const guint8 *th, guint end, tcpx_segment_t *seg, guint32 peer_base)
{
    guint off = 20;

    while (off < end) {
        guint8 kind = th[off];
        if (kind == 0)
            break;
        if (kind == 1) {
            off++;
            continue;
        }
        if (off + 1 >= end)
            break;
        guint8 len = th[off + 1];
        if (len < 2 || off + len > end)
            break;
        switch (kind) {
        case 2:
            if (len == 4)
                seg->mss = tcpx_be16(th + off + 2);
            break;
        case 3:
            if (len == 3)
                seg->wscale = (gint8)MIN(th[off + 2], 14);
            break;
        case 4:
            seg->sack_perm = TRUE;
            break;
        case 5:
            for (guint i = off + 2; i + 8 <= off + len && seg->n_sack < 4; i += 8) {
                seg->sack_le[seg->n_sack] = tcpx_be32(th + i) - peer_base;
                seg->sack_re[seg->n_sack] = tcpx_be32(th + i + 4) - peer_base;
                seg->n_sack++;
            }
            break;
        case 8:
            if (len == 10) {
                seg->has_ts = TRUE;
                seg->tsval = tcpx_be32(th + off + 2);
            }
            break;
        case 34:
            seg->tfo = len > 2 ? 2 : 1;
            break;
        case 254:
            if (len >= 4 && tcpx_be16(th + off + 2) == 0xF989)
                seg->tfo = len > 4 ? 2 : 1;
            break;
        default:
            break;
        }
        off += len;
    }
}

static tcpx_csum_t
check_checksum(tvbuff_t *tvb, gboolean fragmented, const address *src, const address *dst, guint16 th_sum)
{
    if (th_sum == 0)
        return TCPX_CSUM_ZERO;
    if (!tcpx_ws_tcp_checks_checksums())
        return TCPX_CSUM_UNCHECKED;
    guint reported = tvb_reported_length(tvb);
    if (fragmented || !tvb_bytes_exist(tvb, 0, reported))
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
        return TCPX_CSUM_GOOD;
#if TCPX_WS_PARTIAL_CHECKSUM_IS_GOOD
    /* As TCP judges it here: the pseudo-header's sum alone (offload) counts as good. */
    if (th_sum == g_ntohs((guint16)~in_cksum(vec, 3)))
        return TCPX_CSUM_GOOD;
#endif
    return TCPX_CSUM_BAD;
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

static tcpx_stream_glue_t *
stream_for(packet_info *pinfo, guint32 id, const address *src, const address *dst, guint16 sport, guint16 dport)
{
    tcpx_stream_glue_t *g = (tcpx_stream_glue_t *)wmem_map_lookup(streams, GUINT_TO_POINTER(id));
    if (g || PINFO_FD_VISITED(pinfo))
        return g;

    g = wmem_new0(wmem_file_scope(), tcpx_stream_glue_t);
    char *n0 = endpoint_name(src, sport), *n1 = endpoint_name(dst, dport);
    tcpx_stream_init(&g->core, id, n0, n1, sport, dport, &file_allocator);
    copy_address_wmem(wmem_file_scope(), &g->first_src, src);
    g->first_sport = sport;

    /* Remember the stream by its ports, to tell reused ports what came before. */
    char *key = strcmp(n0, n1) < 0 ? wmem_strdup_printf(wmem_file_scope(), "%s|%s", n0, n1)
                                   : wmem_strdup_printf(wmem_file_scope(), "%s|%s", n1, n0);
    g->core.prev = (const tcpx_stream_t *)wmem_map_lookup(last_by_ports, key);
    wmem_map_insert(last_by_ports, key, &g->core);
    wmem_map_insert(streams, GUINT_TO_POINTER(id), g);
    return g;
}

/* Read the header in tvb and TCP's analysis of it.  tcp_done: TCP returned normally,
 * having looked up its analysis of this very segment (its tcpd->ta, cleared when TCP
 * starts on a frame, then set by tcp_print_sequence_number_analysis() with or without
 * a tree); after an exception that may not have happened, so tcpx looks it up itself. */
static gboolean
read_segment(tcpx_layer_t *out, packet_info *pinfo, gboolean tcp_done)
{
    tvbuff_t *tvb = out->tvb;
    const address *src = &out->src, *dst = &out->dst;
    guint captured = tvb_captured_length(tvb);
    if (captured < 20)
        return FALSE;
    guint reported = tvb_reported_length(tvb);
    const guint8 *th = tvb_get_ptr(tvb, 0, MIN(captured, 60));  /* 60: the longest header */
    guint hlen = (th[12] >> 4) * 4;
    if (hlen < 20 || reported < hlen)
        return FALSE;
    guint in_header = MIN(hlen, captured);
    guint16 sport = tcpx_be16(th), dport = tcpx_be16(th + 2);
    guint32 raw_seq = tcpx_be32(th + 4), raw_ack = tcpx_be32(th + 8);
    guint16 flags = tcpx_be16(th + 12) & 0x0FFF;
    guint16 win = tcpx_be16(th + 14);
    guint16 th_sum = tcpx_be16(th + 16);

    conv_cache_t scratch;
    conv_cache_t *conn = connection_for(pinfo, src, dst, sport, dport, flags, &scratch);
    tcpx_ws_conn_view_t tcp;
    if (!conn || !tcpx_ws_conn_view(conn->tcp_conn, pinfo->num, &tcp))
        return FALSE;

    tcpx_segment_t *seg = &out->seg;
    memset(seg, 0, sizeof *seg);
    seg->frame = pinfo->num;
    seg->ts_ns = nstime_to_ns(&pinfo->abs_ts);
    seg->flags = flags;
    seg->seq = raw_seq - tcp.fwd_base_seq;
    seg->ack = (flags & TCPX_TH_ACK) ? raw_ack - tcp.rev_base_seq : 0;
    seg->len = reported - hlen;
    seg->win = win;
    if (!(flags & TCPX_TH_SYN) && tcp.fwd_win_scale > 0)
        seg->win = (guint32)win << tcp.fwd_win_scale;
    seg->wscale = -1;
    seg->options_cut = captured < hlen;
    parse_options(th, in_header, seg, tcp.rev_base_seq);
    seg->checksum = th_sum;
    seg->csum = check_checksum(tvb, out->fragmented, src, dst, th_sum);

    tcpx_ws_ip_view_t ip;
    tcpx_ws_ip_view(out->iph, &ip);
    seg->has_ip_id = ip.has_ip_id;
    seg->ip_id = ip.ip_id;
    seg->ip_ecn = ip.ecn;

    tcpx_ws_verdict_t verdict;
    tcpx_ws_verdict(conn->tcp_conn, pinfo->num, raw_seq, raw_ack, tcp_done, &verdict);
    seg->ws |= verdict.ws;
    seg->dupack_num = verdict.dupack_num;
    seg->dupack_frame = verdict.dupack_frame;
    seg->bytes_in_flight = verdict.bytes_in_flight;
    seg->acks_frame = verdict.acks_frame;
    seg->ack_rtt_ns = verdict.ack_rtt_ns;
    seg->irtt_ns = tcp.irtt_ns;

    /* TCP Fast Open, judged as TCP judges it. */
    if ((flags & (TCPX_TH_SYN | TCPX_TH_ACK)) == TCPX_TH_SYN && seg->tfo == 2)
        seg->ws |= TCPX_WS_TFO_SYN;
    if ((flags & (TCPX_TH_SYN | TCPX_TH_ACK)) == (TCPX_TH_SYN | TCPX_TH_ACK)) {
        if (seg->ack > 1)
            seg->ws |= TCPX_WS_TFO_ACK;
        else if (tcp.tfo_syn_data)
            seg->ws |= TCPX_WS_TFO_IGNORED;
    }

    /* For the guard: TCP's tap reports the same segment once the frame is dissected
     * (on the first pass, or on the second one of tshark -2, whose first runs no taps). */
    tcpx_ws_reading_t reading = { pinfo->num, sport, dport, raw_seq, raw_ack, tcp.stream, seg->seq, seg->ack };
    tcpx_ws_guard_note(&reading);
    if (!conn->stream || conn->stream->core.id != tcp.stream)
        conn->stream = stream_for(pinfo, tcp.stream, src, dst, sport, dport);
    out->stream = conn->stream;
    if (!out->stream)
        return FALSE;
    seg->from_first = sport == out->stream->first_sport && addresses_equal(src, &out->stream->first_src);
    if (sport == dport && !addresses_equal(src, &out->stream->first_src))
        seg->from_first = FALSE;
    return TRUE;
}

/* A slot for the TCP header about to be dissected, reserved before TCP runs so that
 * headers stay in frame order even when TCP's payload holds another TCP header. */
static tcpx_layer_t *
reserve_layer(tvbuff_t *tvb, packet_info *pinfo, void *iph)
{
    if (!tcpx_enabled || pinfo->flags.in_error_pkt)
        return NULL;
    if (current.frame != pinfo->num) {
        current.frame = pinfo->num;
        current.n = 0;
    }
    if (current.n >= MAX_LAYERS)
        return NULL;
    tcpx_layer_t *layer = &current.layer[current.n++];
    layer->tvb = tvb;
    copy_address_shallow(&layer->src, &pinfo->src);
    copy_address_shallow(&layer->dst, &pinfo->dst);
    layer->iph = iph;
    layer->fragmented = pinfo->fragmented;
    layer->pending = TRUE;
    layer->tcp_returned = FALSE;
    layer->stream = NULL;
    return layer;
}

static void
record_layer(tcpx_layer_t *layer, packet_info *pinfo, gboolean tcp_done)
{
    layer->pending = FALSE;
    layer->tcp_returned = tcp_done;
    if (!read_segment(layer, pinfo, tcp_done))
        layer->stream = NULL;
}

/* In front of TCP in "ip.proto": TCP runs unchanged, then tcpx reads what it found.
 * TCP may throw on a cut-off payload (snaplen) after its analysis is done; then the
 * layer stays pending and the post-dissector, which Wireshark runs after catching
 * the exception, reads it.  No TRY here: in a headers-only capture many frames throw,
 * and a catch and rethrow costs more per frame than tcpx's analysis. */
static int
dissect_tcpx_tcp_hook(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    tcpx_layer_t *layer = reserve_layer(tvb, pinfo, data);
    int ret = call_dissector_only(tcp_handle, tvb, pinfo, tree, data);
    if (layer) {
        if (ret > 0)
            record_layer(layer, pinfo, TRUE);
        else
            layer->pending = FALSE;
    }
    return ret;
}

/* ---- the tree ----------------------------------------------------------- */

static void
add_related(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const char *label, guint32 frame, gint64 age_ns)
{
    if (!frame || frame == pinfo->num || !proto_field_is_referenced(tree, hf_tcpx_related_frame))
        return;
    if (age_ns <= 0) {
        proto_item_set_generated(proto_tree_add_uint_format(tree, hf_tcpx_related_frame, tvb, 0, 0, frame,
                                                            "%s: frame %u", label, frame));
        return;
    }
    GString *age = g_string_new(NULL);
    tcpx_format_duration(age, age_ns);
    proto_item *it = proto_tree_add_uint_format(tree, hf_tcpx_related_frame, tvb, 0, 0, frame,
                                                "%s: frame %u (%s earlier)", label, frame, age->str);
    proto_item_set_generated(it);
    proto_tree *sub = proto_item_add_subtree(it, ett_tcpx_related);
    nstime_t t;
    t.secs = (time_t)(age_ns / G_GINT64_CONSTANT(1000000000));
    t.nsecs = (int)(age_ns % G_GINT64_CONSTANT(1000000000));
    proto_item_set_generated(proto_tree_add_time(sub, hf_tcpx_related_age, tvb, 0, 0, &t));
    g_string_free(age, TRUE);
}

/* Item labels stop at ITEM_LABEL_LENGTH (240) characters: longer texts go on
 * continuation lines, cut between words, while the field keeps the whole text. */
#define TCPX_LINE_MAX 200

static const char *
line_end(const char *p)
{
    size_t n = strlen(p);
    if (n <= TCPX_LINE_MAX)
        return p + n;
    const char *cut = p + TCPX_LINE_MAX;
    while (cut > p && *cut != ' ')
        cut--;
    return cut > p ? cut : p + TCPX_LINE_MAX;
}

/* The item's label is "<field name>: <first line>".  A one-line text gets the label
 * Wireshark makes from the field when it shows the item (so -T fields and filters
 * never format it); a longer one is cut into lines here. */
static void
add_text(proto_tree *tree, int hf, tvbuff_t *tvb, const GString *text)
{
    const char *end = line_end(text->str);
    if (!*end) {
        proto_item_set_generated(proto_tree_add_string(tree, hf, tvb, 0, 0, text->str));
        return;
    }
    proto_item *it = proto_tree_add_string_format(tree, hf, tvb, 0, 0, text->str, "%s: %.*s",
                                                  proto_registrar_get_name(hf),
                                                  (int)(end - text->str), text->str);
    proto_item_set_generated(it);
    proto_tree *more = proto_item_add_subtree(it, ett_tcpx_related);
    for (const char *p = end + (*end == ' '); *p; ) {
        end = line_end(p);
        proto_item_set_generated(proto_tree_add_none_format(more, hf_tcpx_text, tvb, 0, 0, "%.*s", (int)(end - p), p));
        p = end + (*end == ' ');
    }
}

static void
add_finding(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const tcpx_text_ctx_t *ctx)
{
    const tcpx_finding_t *f = ctx->f;
    const tcpx_kind_info_t *k = tcpx_kind_info((tcpx_kind_t)f->kind);
    gboolean anomaly = tcpx_kind_is_anomaly((tcpx_kind_t)f->kind);
    GString *s = g_string_new(NULL);

    proto_item *ti = proto_tree_add_string_format(tree, anomaly ? hf_tcpx_anomaly : hf_tcpx_step, tvb, 0, 0, k->name,
                                                  "%s%s%s%s", k->title, anomaly ? " [" : "",
                                                  anomaly ? val_to_str_const(k->severity, severity_vals, "?") : "",
                                                  anomaly ? "]" : "");
    proto_item_set_generated(ti);
    proto_tree *ft = proto_item_add_subtree(ti, ett_tcpx_finding);

    if (anomaly)
        proto_item_set_generated(proto_tree_add_uint(ft, hf_tcpx_severity, tvb, 0, 0, k->severity));
    /* A visible tree keeps every field; tshark's hidden trees (-T fields, -Y, custom
     * columns) only those asked for, so the words of the others are not written. */
    if (proto_field_is_referenced(ft, hf_tcpx_explanation)) {
        tcpx_render_what(s, ctx);
        add_text(ft, hf_tcpx_explanation, tvb, s);
    }
    if (f->cause != TCPX_C_STORY && f->cause != TCPX_C_NONE) {
        if (proto_field_is_referenced(ft, hf_tcpx_cause)) {
            g_string_truncate(s, 0);
            tcpx_render_cause(s, ctx);
            add_text(ft, hf_tcpx_cause, tvb, s);
        }
        proto_item_set_generated(proto_tree_add_string(ft, hf_tcpx_cause_code, tvb, 0, 0,
                                                       tcpx_cause_info((tcpx_cause_t)f->cause)->name));
    }
    if (k->next_step && proto_field_is_referenced(ft, hf_tcpx_next_step)) {
        g_string_truncate(s, 0);
        tcpx_render_next_step(s, ctx);
        add_text(ft, hf_tcpx_next_step, tvb, s);
    }
    add_related(ft, tvb, pinfo, "First transmission", f->orig_frame, f->orig_age_ns);
    add_related(ft, tvb, pinfo, "Already acknowledged by", f->ack_frame, f->ack_age_ns);
    if (f->kind != TCPX_K_REUSED_PORTS || f->ref_frame)
        add_related(ft, tvb, pinfo, k->ref_label, f->ref_frame, f->ref_age_ns);
    for (guint8 i = 0; i < f->n_listed && i < TCPX_MAX_LISTED; i++)
        add_related(ft, tvb, pinfo, "Duplicate ACK", f->listed[i], 0);
    g_string_free(s, TRUE);
}

/* The finding whose summary goes in the column: the most severe anomaly, else the first story step. */
static int
headline(const tcpx_result_t *r)
{
    int best = -1;
    for (int i = 0; i < r->n; i++) {
        if (best < 0 || tcpx_kind_severity((tcpx_kind_t)r->f[i].kind) > tcpx_kind_severity((tcpx_kind_t)r->f[best].kind))
            best = i;
    }
    return best;
}

static void
build_tree(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const tcpx_layer_t *layer,
           const tcpx_result_t *r, gboolean from_client, guint index, guint n_layers)
{
    const tcpx_stream_t *st = &layer->stream->core;
    tcpx_finding_t note;
    tcpx_result_t plain;
    GString *summary = g_string_new(NULL);

    if (!r || r->n == 0) {
        /* No findings: a one-line phase note (the phase-note preference). */
        memset(&plain, 0, offsetof(tcpx_result_t, f));
        memset(&note, 0, sizeof note);
        plain.phase = r ? r->phase : (guint8)tcpx_plain_phase(&layer->seg);
        note.kind = layer->seg.len ? TCPX_K_NOTE_DATA : TCPX_K_NOTE_ACK;
        note.cause = TCPX_C_STORY;
        note.lo = layer->seg.seq;
        note.hi = layer->seg.len ? layer->seg.seq + layer->seg.len - 1 : layer->seg.seq;
        plain.f[0] = note;
        plain.n = 1;
        r = &plain;
    }

    tcpx_text_ctx_t ctx = { st, NULL, from_client, layer->seg.ack };
    int h = headline(r);
    guint n_anomalies = 0;
    for (int i = 0; i < r->n; i++)
        n_anomalies += tcpx_kind_is_anomaly((tcpx_kind_t)r->f[i].kind);
    /* The summary is also the protocol item's label. */
    gboolean want_summary = proto_field_is_referenced(tree, hf_tcpx_summary) ||
                            proto_field_is_referenced(tree, proto_tcpx);
    if (want_summary) {
        ctx.f = &r->f[h];
        tcpx_render_summary(summary, &ctx);
        if (tcpx_kind_is_anomaly((tcpx_kind_t)r->f[h].kind) && n_anomalies > 1)
            g_string_append_printf(summary, " (+%u more)", n_anomalies - 1);
    }

    proto_item *ti = proto_tree_add_item(tree, proto_tcpx, tvb, 0, 0, ENC_NA);
    if (n_layers > 1)
        proto_item_append_text(ti, " (TCP header %u of %u)", index + 1, n_layers);
    if (want_summary)
        proto_item_append_text(ti, ": %s", summary->str);
    proto_tree *tt = proto_item_add_subtree(ti, ett_tcpx);
    if (want_summary)
        add_text(tt, hf_tcpx_summary, tvb, summary);
    proto_item_set_generated(proto_tree_add_string(tt, hf_tcpx_phase, tvb, 0, 0, tcpx_phase_name((tcpx_phase_t)r->phase)));
    proto_item *si = proto_tree_add_string_format(tt, hf_tcpx_sender, tvb, 0, 0, from_client ? "client" : "server",
                                                  "Sender: %s (%s)%s", from_client ? "client" : "server",
                                                  st->name[from_client ? tcpx_client_side(st) : !tcpx_client_side(st)],
                                                  st->roles_guessed ? ", guessed from the ports" : "");
    proto_item_set_generated(si);
    if (!tcpx_ws_tcp_analyzes_sequences())
        proto_item_set_generated(proto_tree_add_none_format(tt, hf_tcpx_text, tvb, 0, 0,
            "TCP's sequence analysis is off (tcp.analyze_sequence_numbers: FALSE): retransmissions, "
            "lost segments, duplicate ACKs and window problems are not detected, so tcpx cannot explain them"));
    for (int i = 0; i < r->n; i++) {
        ctx.f = &r->f[i];
        add_finding(tt, tvb, pinfo, &ctx);
    }
    g_string_free(summary, TRUE);
}

/* ---- the post-dissector ------------------------------------------------- */

static void
queue_tap_record(packet_info *pinfo, tcpx_layer_t *layer, const tcpx_result_t *r, gboolean from_client)
{
    const tcpx_stream_t *st = &layer->stream->core;
    tcpx_tap_rec_t *rec = &layer->tap;
    memset(rec, 0, sizeof *rec);
    rec->frame = pinfo->num;
    rec->ts_ns = layer->seg.ts_ns;
    rec->stream = st->id;
    rec->from_client = from_client;
    rec->roles_guessed = st->roles_guessed;
    rec->client = st->name[tcpx_client_side(st)];
    rec->server = st->name[!tcpx_client_side(st)];
    rec->flags = layer->seg.flags;
    rec->seq = layer->seg.seq;
    rec->ack = layer->seg.ack;
    rec->len = layer->seg.len;
    rec->win = layer->seg.win;
    rec->ack_rtt_ns = layer->seg.ack_rtt_ns;
    rec->irtt_ns = layer->seg.irtt_ns;
    rec->st = st;
    rec->result = r;
    rec->tcp_analysis_off = !tcpx_ws_tcp_analyzes_sequences();
    for (guint8 i = 0; r && i < r->n; i++) {
        const tcpx_finding_t *f = &r->f[i];
        if (!tcpx_kind_is_anomaly((tcpx_kind_t)f->kind))
            continue;
        rec->kinds |= 1u << f->kind;
        if (f->kind == TCPX_K_RESET)
            rec->reset_cause = f->cause;
        if (f->kind == TCPX_K_LOST_SEGMENT) {
            rec->lost_bytes = f->bytes;
            rec->lost_segments = f->segments;
        }
    }
    tap_queue_packet(tcpx_tap, pinfo, rec);
}

/* Analyse the header, and keep what was found for later passes. */
static const tcpx_result_t *
first_pass(packet_info *pinfo, tcpx_layer_t *layer, guint index)
{
    tcpx_result_t *r = &layer->result;
    guint8 buf[TCPX_PACKED_MAX];
    tcpx_analyze(&layer->stream->core, &layer->seg, r);
    if (!tcpx_result_notable(r))
        return NULL;
    tcpx_store_put(&frame_results, pinfo->num, (guint8)index, buf, tcpx_result_pack(r, buf));
    return r;
}

/* What the first pass found, on a later pass. */
static const tcpx_result_t *
cached_result(packet_info *pinfo, tcpx_layer_t *layer, guint index)
{
    gsize len;
    const guint8 *packed = tcpx_store_get(&frame_results, pinfo->num, (guint8)index, &len);
    if (!packed || !tcpx_result_unpack(packed, len, &layer->result))
        return NULL;
    return &layer->result;
}

/* TCP's internals disagree with its public report: say so once per file, explain nothing. */
static int
say_mismatch(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    /* On the frame where it showed, whenever it is dissected (the GUI's Expert Info finds it
     * there), and on the first frame shown after it (tshark prints frames as it goes). */
    gboolean first_shown = !mismatch_said && tree && PTREE_DATA(tree)->visible;
    if (!tree || (pinfo->num != tcpx_ws_guard_mismatch_frame() && !first_shown))
        return 0;
    if (first_shown)
        mismatch_said = TRUE;
    proto_item *ti = proto_tree_add_item(tree, proto_tcpx, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    expert_add_info_format(pinfo, ti, &ei_tcpx_internals_mismatch,
                           "tcpx is silent: this Wireshark build's TCP internals (%s) do not match the ones "
                           "tcpx was built for (Wireshark %d.%d); first seen at frame %u",
                           tcpx_ws_guard_mismatch(), WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR,
                           tcpx_ws_guard_mismatch_frame());
    return tvb_captured_length(tvb);
}

static int
dissect_tcpx(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (tcpx_ws_guard_mismatch()) {
        current.frame = 0;
        return say_mismatch(tvb, pinfo, tree);
    }
    if (current.frame != pinfo->num)
        return 0;
    current.frame = 0;  /* used: the next dissection starts afresh */

    guint n_read = 0, k = 0;
    for (guint i = 0; i < current.n; i++) {
        if (current.layer[i].pending)
            record_layer(&current.layer[i], pinfo, FALSE);
        n_read += current.layer[i].stream != NULL;
    }

    for (guint i = 0; i < current.n; i++) {
        tcpx_layer_t *layer = &current.layer[i];
        const tcpx_result_t *r;
        if (!layer->stream)
            continue;
        r = PINFO_FD_VISITED(pinfo) ? cached_result(pinfo, layer, i) : first_pass(pinfo, layer, i);

        const tcpx_stream_t *st = &layer->stream->core;
        int sender = layer->seg.from_first ? 0 : 1;
        gboolean from_client = r ? r->from_client : sender == tcpx_client_side(st);

        if (tree && ((r && r->n) || pref_phase_notes))
            build_tree(tree, tvb, pinfo, layer, r, from_client, k, n_read);
        k++;
        if (have_tap_listener(tcpx_tap))
            queue_tap_record(pinfo, layer, r, from_client);
    }
    /* One TCP header that TCP finished (no exception cut its tree short). */
    if (current.n == 1 && n_read == 1 && current.layer[0].tcp_returned)
        tcpx_ws_guard_check_tree(tree, pinfo->num, current.layer[0].seg.ws);
    return tvb_captured_length(tvb);
}

module_t *
tcpx_prefs_module(void)
{
    return tcpx_module;
}

void
proto_register_tcpx(void)
{
    static hf_register_info hf[] = {
        { &hf_tcpx_summary, { "Summary", "tcpx.summary", FT_STRING, BASE_NONE, NULL, 0x0,
            "One line about the frame, meant for a column", HFILL } },
        { &hf_tcpx_phase, { "Phase", "tcpx.phase", FT_STRING, BASE_NONE, NULL, 0x0,
            "Phase of the connection: handshake, data, keep-alive, teardown or reset", HFILL } },
        { &hf_tcpx_sender, { "Sender", "tcpx.sender", FT_STRING, BASE_NONE, NULL, 0x0,
            "Who sent the segment: client (the SYN sender) or server", HFILL } },
        { &hf_tcpx_anomaly, { "Anomaly", "tcpx.anomaly", FT_STRING, BASE_NONE, NULL, 0x0,
            "Kind of anomaly (one per anomaly on the frame), e.g. fast_retransmission", HFILL } },
        { &hf_tcpx_step, { "Connection step", "tcpx.step", FT_STRING, BASE_NONE, NULL, 0x0,
            "Step of the connection's story: syn, syn_ack, handshake_ack, fin, fin_reply, close_ack, ...", HFILL } },
        { &hf_tcpx_severity, { "Severity", "tcpx.severity", FT_UINT8, BASE_DEC, VALS(severity_vals), 0x0,
            "Severity of the anomaly, as Wireshark's expert info rates it (1 chat, 2 note, 3 warning, 4 error)", HFILL } },
        { &hf_tcpx_explanation, { "What happened", "tcpx.explanation", FT_STRING, BASE_NONE, NULL, 0x0,
            "What happened, with this frame's numbers", HFILL } },
        { &hf_tcpx_cause, { "Likely cause", "tcpx.cause", FT_STRING, BASE_NONE, NULL, 0x0,
            "The most likely cause and the evidence for it", HFILL } },
        { &hf_tcpx_cause_code, { "Cause code", "tcpx.cause_code", FT_STRING, BASE_NONE, NULL, 0x0,
            "Short name of the likely cause, for filters", HFILL } },
        { &hf_tcpx_next_step, { "Next step", "tcpx.next_step", FT_STRING, BASE_NONE, NULL, 0x0,
            "One thing to check next", HFILL } },
        { &hf_tcpx_related_frame, { "Related frame", "tcpx.related_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "A frame this explanation refers to", HFILL } },
        { &hf_tcpx_text, { "Text", "tcpx.text", FT_NONE, BASE_NONE, NULL, 0x0,
            "Continuation of a long explanation", HFILL } },
        { &hf_tcpx_related_age, { "Time since related frame", "tcpx.related_age", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
    };
    static gint *ett[] = { &ett_tcpx, &ett_tcpx_finding, &ett_tcpx_related };

    proto_tcpx = proto_register_protocol("TCP anomaly explanations (tcpx)", "tcpx", "tcpx");
    proto_register_field_array(proto_tcpx, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    static ei_register_info ei[] = {
        { &ei_tcpx_internals_mismatch, { "tcpx.internals_mismatch", PI_UNDECODED, PI_NOTE,
            "tcpx is silent: this Wireshark build's TCP internals do not match the ones tcpx was built for", EXPFILL } },
    };
    expert_register_field_array(expert_register_protocol(proto_tcpx), ei, array_length(ei));

    tcpx_module = prefs_register_protocol(proto_tcpx, NULL);
    prefs_register_bool_preference(tcpx_module, "phase_notes", "Add a phase note to every TCP frame",
        "Also explain ordinary frames in one line: which bytes they carry and what they acknowledge. "
        "Off by default: tcpx then speaks only on frames with an anomaly or a step of the connection's story.",
        &pref_phase_notes);
    tcpx_health_register_prefs(tcpx_module);

    tcpx_postdissector_handle = register_dissector("tcpx", dissect_tcpx, proto_tcpx);
    register_postdissector(tcpx_postdissector_handle);
    register_init_routine(tcpx_init);
    tcpx_tap = register_tap(TCPX_TAP_NAME);
}

void
proto_reg_handoff_tcpx(void)
{
    tcp_handle = find_dissector("tcp");
    tcpx_protocol = find_protocol_by_id(proto_tcpx);
    tcpx_ws_tcp_handoff(proto_get_id_by_filter_name("tcp"));
    dissector_handle_t hook = create_dissector_handle_with_name_and_description(
        dissect_tcpx_tcp_hook, -1, "tcpx_tcp_hook", "TCP (read by tcpx)");
    /* Added, not changed: a changed entry would be reset when Decode As settings load. */
    dissector_add_uint("ip.proto", IP_PROTO_TCP, hook);
}
