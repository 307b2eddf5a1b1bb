/* tcpx_hook.c: tcpx's hook in front of TCP, and the frame's TCP headers for the post-dissector.
 *
 * How tcpx reads TCP without costing a protocol tree:
 *   Wireshark's own TCP analysis (tcp.analysis.*) is kept in TCP's conversation
 *   data.  Asking for those fields through set_postdissector_wanted_hfids() would
 *   force a protocol tree on every frame, which alone slows tshark by ~10%, and
 *   ~35% with the per-frame fields tcpx needs.  So tcpx puts a thin hook in front
 *   of TCP in the "ip.proto" table: it calls Wireshark's TCP dissector unchanged,
 *   then reads the header from the TCP tvb and TCP's verdict for this frame from
 *   its conversation data (tcpx_reader.c).  This works with or without a tree, once
 *   per TCP header (tunnels give several), with the addresses of that header's own
 *   IP layer.
 *
 *   The post-dissector (packet-tcpx.c) then takes the frame's headers: the analysis
 *   core runs on the first pass, the result of notable frames is kept in file scope,
 *   and every pass builds the tree and the tap record from that cache.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "tcpx"

#include <string.h>

#include <epan/packet.h>
#include <epan/ipproto.h>
#include <epan/to_str.h>
#include <wsutil/wslog.h>

#include "tcpx_bytes.h"
#include "tcpx_core.h"
#include "tcpx_hook.h"
#include "tcpx_pack.h"
#include "tcpx_ws_tcp.h"

/* More TCP headers than this in one frame are left alone. */
#define MAX_LAYERS 4

static dissector_handle_t tcp_handle, icmp_handle, icmpv6_handle;

/* Per capture file: changing a preference or enabling a protocol redissects, which starts afresh. */
static gboolean tcpx_enabled;
static tcpx_store_t frame_results; /* what the first pass found, per frame (tcpx_pack.h) */
static wmem_map_t *laters;         /* frame -> later_list_t: notes later frames left for it */
static gint64 last_ts;             /* the first pass's latest frame time: the capture's end */
static gboolean first_pass_over;

/* The notes for one frame, in the order they were made. */
typedef struct {
    guint n;
    tcpx_later_t *later;
} later_list_t;

/* The TCP headers of the frame being dissected, from the hook to the post-dissector.
 * Wireshark dissects one frame at a time and runs the post-dissectors within the same
 * dissection, before taps are pushed, so one static record serves every frame: cheaper
 * than packet-scope proto data (an allocation and a list search per frame).  The
 * post-dissector marks it used, so a re-dissection of the same frame starts afresh. */
static struct {
    guint32 frame; /* 0: empty or used */
    guint n;
    tcpx_layer_t layer[MAX_LAYERS];
} current;

/* The frame's ICMP error ("too big", "destination unreachable"), from the ICMP hook and the TCP hook inside it to the post-dissector. */
static tcpx_icmp_frame_t icmp_now;

/* Closed streams waiting to give back their rings (tcpx_release.c). */
static tcpx_release_t closed_streams;

/* The header's slot in the result cache: after the frame's TCP headers. */
#define ICMP_INDEX MAX_LAYERS

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

const tcpx_alloc_t tcpx_file_allocator = { file_alloc0, file_realloc, NULL };

void
tcpx_hook_file_init(gboolean enabled)
{
    tcpx_reader_file_init();
    tcpx_store_init(&frame_results, &tcpx_file_allocator);
    laters = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    last_ts = 0;
    first_pass_over = FALSE;
    tcpx_enabled = enabled;
    memset(&closed_streams, 0, sizeof closed_streams);
    tcpx_defer_file_init();
}

/* ---- the hook ------------------------------------------------------------ */

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
    if (current.n >= MAX_LAYERS) {
        ws_debug("frame %u: more than %u TCP headers: the others are not read", pinfo->num, MAX_LAYERS);
        return NULL;
    }
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
    if (!tcpx_read_segment(layer, pinfo, tcp_done))
        layer->stream = NULL;
}

/* In front of TCP in "ip.proto": TCP runs unchanged, then tcpx reads what it found.
 * TCP may throw on a cut-off payload (snaplen) after its analysis is done; then the
 * layer stays pending and the post-dissector, which Wireshark runs after catching
 * the exception, reads it.  No TRY here: in a headers-only capture many frames throw,
 * and a catch and rethrow costs more per frame than tcpx's analysis. */
/* TCP inside an ICMP error: the header it quotes, kept when tcpx reads the ICMP (tcpx_icmp_kind). */
static void
note_quoted(tvbuff_t *tvb, packet_info *pinfo, void *iph)
{
    if (icmp_now.frame != pinfo->num || icmp_now.quoted)
        return;
    icmp_now.quoted = TRUE;
    icmp_now.tvb = tvb;
    copy_address_shallow(&icmp_now.src, &pinfo->src);
    copy_address_shallow(&icmp_now.dst, &pinfo->dst);
    icmp_now.iph = iph;
}

static int
dissect_tcpx_tcp_hook(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (pinfo->flags.in_error_pkt)
        note_quoted(tvb, pinfo, data);
    tcpx_layer_t *layer = reserve_layer(tvb, pinfo, data);
    int ret = call_dissector_only(tcp_handle, tvb, pinfo, tree, data);
    if (layer) {
        if (ret > 0) {
            record_layer(layer, pinfo, TRUE);
        } else {
            ws_debug("frame %u: TCP did not take the segment: not read", pinfo->num);
            layer->pending = FALSE;
        }
    }
    return ret;
}

/* In front of ICMP and ICMPv6: an error saying a packet was too big for the next link (its MTU) or
 * could not be delivered is noted (its kind, its sender), then ICMP runs unchanged and dissects the
 * quoted packet (TCP hook). */
static int
icmp_hook(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data, gboolean v6)
{
    if (tcpx_enabled && !pinfo->flags.in_error_pkt && tvb_captured_length(tvb) >= 8) {
        const guint8 *h = tvb_get_ptr(tvb, 0, 8); /* type, code, checksum, then the MTU */
        tcpx_icmp_kind_t kind = tcpx_icmp_kind(v6, h[0], h[1]);
        if (kind != TCPX_ICMP_NOT_READ) {
            memset(&icmp_now, 0, sizeof icmp_now);
            icmp_now.frame = pinfo->num;
            icmp_now.v6 = v6;
            icmp_now.icmp.kind = kind;
            if (kind == TCPX_ICMP_TOO_BIG)
                icmp_now.mtu = v6 ? tcpx_be32(h + 4) : tcpx_be16(h + 6);
            icmp_now.reporter = address_to_str(pinfo->pool, &pinfo->src);
        }
    }
    return call_dissector_only(v6 ? icmpv6_handle : icmp_handle, tvb, pinfo, tree, data);
}

static int
dissect_tcpx_icmp_hook(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return icmp_hook(tvb, pinfo, tree, data, FALSE);
}

static int
dissect_tcpx_icmpv6_hook(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return icmp_hook(tvb, pinfo, tree, data, TRUE);
}

static void
hook_icmp(const char *name, dissector_t fn, guint proto, dissector_handle_t *handle)
{
    *handle = find_dissector(name);
    if (!*handle) {
        ws_debug("no %s dissector: ICMP errors about TCP streams are not read", name);
        return;
    }
    char *hook_name = g_strdup_printf("tcpx_%s_hook", name);
    char *description = g_strdup_printf("%s (read by tcpx)", name);
    dissector_add_uint("ip.proto", proto,
                       create_dissector_handle_with_name_and_description(fn, -1, hook_name, description));
}

void
tcpx_hook_handoff(void)
{
    hook_icmp("icmp", dissect_tcpx_icmp_hook, IP_PROTO_ICMP, &icmp_handle);
    hook_icmp("icmpv6", dissect_tcpx_icmpv6_hook, IP_PROTO_ICMPV6, &icmpv6_handle);
    tcp_handle = find_dissector("tcp");
    dissector_handle_t hook = create_dissector_handle_with_name_and_description(dissect_tcpx_tcp_hook, -1,
                                                                                "tcpx_tcp_hook", "TCP (read by tcpx)");
    /* Added, not changed: a changed entry would be reset when Decode As settings load. */
    dissector_add_uint("ip.proto", IP_PROTO_TCP, hook);
}

/* ---- for the post-dissector ------------------------------------------------ */

tcpx_layer_t *
tcpx_hook_take_frame(packet_info *pinfo, guint *n, guint *n_read)
{
    if (current.frame != pinfo->num)
        return NULL;
    current.frame = 0; /* used: the next dissection starts afresh */
    *n = current.n;
    *n_read = 0;
    for (guint i = 0; i < current.n; i++) {
        if (current.layer[i].pending)
            record_layer(&current.layer[i], pinfo, FALSE);
        *n_read += current.layer[i].stream != NULL;
    }
    return current.layer;
}

void
tcpx_hook_drop_frame(void)
{
    current.frame = 0;
    icmp_now.frame = 0;
}

tcpx_icmp_frame_t *
tcpx_hook_take_icmp(packet_info *pinfo)
{
    if (icmp_now.frame != pinfo->num)
        return NULL;
    icmp_now.frame = 0; /* used: the next dissection starts afresh */
    return icmp_now.quoted && tcpx_read_quoted(&icmp_now, pinfo) ? &icmp_now : NULL;
}

/* ---- hindsight: notes for earlier frames ----------------------------------- */

static void
keep_later(const tcpx_later_t *l)
{
    later_list_t *list = (later_list_t *)wmem_map_lookup(laters, GUINT_TO_POINTER(l->frame));
    if (!list) {
        list = wmem_new0(wmem_file_scope(), later_list_t);
        wmem_map_insert(laters, GUINT_TO_POINTER(l->frame), list);
    }
    list->later = (tcpx_later_t *)wmem_realloc(wmem_file_scope(), list->later, (list->n + 1) * sizeof *list->later);
    list->later[list->n++] = *l;
}

static void
finish_stream(gpointer key _U_, gpointer value, gpointer data _U_)
{
    tcpx_later_t out[4];
    guint n = tcpx_hindsight_finish(&((tcpx_stream_glue_t *)value)->core, last_ts, out, G_N_ELEMENTS(out));
    for (guint i = 0; i < n; i++)
        keep_later(&out[i]);
}

void
tcpx_hook_first_pass_over(packet_info *pinfo)
{
    if (!PINFO_FD_VISITED(pinfo)) {
        gint64 ts = tcpx_ws_ns(&pinfo->abs_ts); /* clamped, as every frame's time */
        last_ts = MAX(ts, last_ts);
        return;
    }
    if (first_pass_over || !tcpx_enabled)
        return;
    tcpx_defer_flush(); /* the first pass ends with the frames it left for later */
    first_pass_over = TRUE;
    tcpx_reader_foreach_stream(finish_stream, NULL);
}

const tcpx_later_t *
tcpx_hook_laters(packet_info *pinfo, guint *n)
{
    later_list_t *list = first_pass_over ? (later_list_t *)wmem_map_lookup(laters, GUINT_TO_POINTER(pinfo->num)) : NULL;
    *n = list ? list->n : 0;
    return list ? list->later : NULL;
}

const tcpx_result_t *
tcpx_analyze_header(tcpx_stream_glue_t *stream, const tcpx_segment_t *seg, guint index, tcpx_result_t *r, gboolean keep)
{
    guint8 buf[TCPX_PACKED_MAX];
    tcpx_analyze(&stream->core, seg, r);
    tcpx_release_note(&closed_streams, &stream->core);
    tcpx_release_sweep(&closed_streams, seg->ts_ns);
    for (guint8 i = 0; keep && i < r->n_later && i < TCPX_MAX_LATERS; i++)
        keep_later(&r->later[i]);
    if (!tcpx_result_notable(r))
        return NULL;
    if (!keep)
        return r;
    if (r->n >= TCPX_MAX_FINDINGS)
        ws_debug("frame %u: %u findings, as many as tcpx keeps: any more were dropped", seg->frame, r->n);
    if (!tcpx_store_put(&frame_results, seg->frame, (guint8)index, buf, tcpx_result_pack(r, buf)))
        ws_debug("frame %u: header %u's findings not kept: later passes will not show them", seg->frame, index);
    return r;
}

/* What the first pass found, on a later pass (most frames have nothing kept). */
static const tcpx_result_t *
cached_result(packet_info *pinfo, tcpx_layer_t *layer, guint index)
{
    gsize len;
    const guint8 *packed = tcpx_store_get(&frame_results, pinfo->num, (guint8)index, &len);
    if (!packed)
        return NULL;
    if (!tcpx_result_unpack(packed, len, &layer->result)) {
        ws_debug("frame %u: header %u's kept findings do not unpack: not shown", pinfo->num, index);
        return NULL;
    }
    return &layer->result;
}

const tcpx_result_t *
tcpx_layer_result(packet_info *pinfo, tcpx_layer_t *layer, guint index)
{
    return PINFO_FD_VISITED(pinfo) ? cached_result(pinfo, layer, index)
                                   : tcpx_analyze_header(layer->stream, &layer->seg, index, &layer->result, TRUE);
}

const tcpx_result_t *
tcpx_icmp_result(packet_info *pinfo, tcpx_icmp_frame_t *ic)
{
    tcpx_layer_t *layer = &ic->layer;
    if (PINFO_FD_VISITED(pinfo))
        return cached_result(pinfo, layer, ICMP_INDEX);
    tcpx_result_t *r = &layer->result;
    guint8 buf[TCPX_PACKED_MAX];
    tcpx_defer_flush(); /* the segments before it first */
    tcpx_analyze_icmp(&layer->stream->core, &ic->icmp, r);
    if (!tcpx_store_put(&frame_results, pinfo->num, ICMP_INDEX, buf, tcpx_result_pack(r, buf)))
        ws_debug("frame %u: the ICMP's findings not kept: later passes will not show them", pinfo->num);
    return r;
}

gboolean
tcpx_from_client(const tcpx_stream_glue_t *stream, const tcpx_segment_t *seg, const tcpx_result_t *r)
{
    int sender = seg->from_first ? 0 : 1;
    return r ? r->from_client : sender == tcpx_client_side(&stream->core);
}

guint32
tcpx_cut_len(const packet_info *pinfo)
{
    return pinfo->fd->cap_len < pinfo->fd->pkt_len ? pinfo->fd->cap_len : 0;
}

const tcpx_tap_rec_t *
tcpx_layer_tap_record(packet_info *pinfo, tcpx_layer_t *layer, const tcpx_result_t *r, gboolean from_client)
{
    tcpx_tap_record_fill(&layer->tap, layer->stream, &layer->seg, tcpx_cut_len(pinfo), r, from_client);
    return &layer->tap;
}

void
tcpx_tap_record_fill(tcpx_tap_rec_t *rec, const tcpx_stream_glue_t *stream, const tcpx_segment_t *seg, guint32 cut_len,
                     const tcpx_result_t *r, gboolean from_client)
{
    const tcpx_stream_t *st = &stream->core;
    memset(rec, 0, sizeof *rec);
    rec->frame = seg->frame;
    rec->ts_ns = seg->ts_ns;
    rec->stream = st->id;
    rec->from_client = from_client;
    rec->roles_guessed = st->roles_guessed;
    rec->client = st->name[tcpx_client_side(st)];
    rec->server = st->name[!tcpx_client_side(st)];
    rec->flags = seg->flags;
    rec->seq = seg->seq;
    rec->ack = seg->ack;
    rec->len = seg->len;
    rec->win = seg->win;
    rec->ack_rtt_ns = seg->ack_rtt_ns;
    rec->irtt_ns = seg->irtt_ns;
    rec->st = st;
    rec->result = r;
    rec->tcp_analysis_off = !tcpx_ws_tcp_analyzes_sequences();
    rec->cut_len = cut_len;
    rec->options_cut = seg->options_cut;
    rec->has_ip_id = seg->has_ip_id;
    rec->ip_id = seg->ip_id;
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
}
