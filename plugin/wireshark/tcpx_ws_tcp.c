/* tcpx_ws_tcp.c: the one file that reads Wireshark's private TCP and IP state.
 *
 * What is read, from which struct, per Wireshark version (names are the same in
 * 4.0, 4.4 and 4.6; the layouts differ, so tcpx is built per minor version):
 *
 * | read                        | struct (header)                      | 4.0 | 4.4 | 4.6 |
 * |-----------------------------|--------------------------------------|-----|-----|-----|
 * | stream                      | tcp_analysis (packet-tcp.h)          | yes | yes | yes |
 * | fwd, rev -> base_seq        | tcp_flow_t (fwd/rev checked to point at flow1/flow2) | yes | yes | yes |
 * | fwd -> win_scale            | tcp_flow_t                           | yes | yes | yes |
 * | ta (this segment's verdict) | tcp_analysis -> struct tcp_acked     | yes | yes | yes |
 * | acked_table (after a throw) | tcp_analysis, wmem tree of tcp_acked | yes | yes | yes |
 * | ts_first_rtt                | tcp_analysis                         | yes | yes | yes |
 * | tfo_syn_data                | tcp_analysis (bit field until 4.4)   | yes | yes | yes |
 * | flags (TCP_A_*), dupack_num, dupack_frame, bytes_in_flight, frame_acked, ts | tcp_acked | yes | yes | yes |
 * | partial_ack                 | tcp_acked                            | -   | yes | yes |
 * | iskarn (ambiguous ACK)      | tcp_acked                            | -   | -   | yes |
 * | ip_id, ip_tos / ip6_tc      | ws_ip4 / ws_ip6 (packet-ip.h)        | yes | yes | yes |
 * | ip_ttl / ip6_hop            | ws_ip4 / ws_ip6 (packet-ip.h)        | yes | yes | yes |
 * | ip_len / ip6_len (an ICMP's quoted packet) | ws_ip4 / ws_ip6       | yes | yes | yes |
 * | "check_checksum" pref value | pref_t (prefs-int.h)                 | yes | yes | yes |
 * | "analyze_sequence_numbers" pref value | pref_t (prefs-int.h)       | yes | yes | yes |
 * | the guard: th_stream, th_seq, th_ack, th_rawseq, th_rawack, ports | tcpheader (TCP's tap) | yes | yes | yes |
 *
 * The TCP_A_* values are packet-tcp.c's (not in any header): unchanged from 4.0
 * to 4.6.  The guard compares them with TCP's tcp.analysis.* fields.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "tcpx"

#include <string.h>

#include <epan/conversation.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-ip.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/wslog.h>

#include "tcpx_core.h"
#include "tcpx_ws_compat.h"
#include "tcpx_ws_tcp.h"

/* packet-tcp.c's TCP_A_* bits of tcp_acked.flags, with the field TCP shows for each. */
/* clang-format off */
static const struct {
    uint16_t ws;
    uint32_t tcpx;
    const char *field;
} ws_flags[] = {
    { 0x0001, TCPX_WS_RETRANSMISSION,        "tcp.analysis.retransmission" },
    { 0x0002, TCPX_WS_LOST_SEGMENT,          "tcp.analysis.lost_segment" },
    { 0x0004, TCPX_WS_ACK_LOST_SEGMENT,      "tcp.analysis.ack_lost_segment" },
    { 0x0008, TCPX_WS_KEEP_ALIVE,            "tcp.analysis.keep_alive" },
    { 0x0010, TCPX_WS_DUPLICATE_ACK,         "tcp.analysis.duplicate_ack" },
    { 0x0020, TCPX_WS_ZERO_WINDOW,           "tcp.analysis.zero_window" },
    { 0x0040, TCPX_WS_ZERO_WINDOW_PROBE,     "tcp.analysis.zero_window_probe" },
    { 0x0080, TCPX_WS_ZERO_WINDOW_PROBE_ACK, "tcp.analysis.zero_window_probe_ack" },
    { 0x0100, TCPX_WS_KEEP_ALIVE_ACK,        "tcp.analysis.keep_alive_ack" },
    { 0x0200, TCPX_WS_OUT_OF_ORDER,          "tcp.analysis.out_of_order" },
    { 0x0400, TCPX_WS_FAST_RETRANSMISSION,   "tcp.analysis.fast_retransmission" },
    { 0x0800, TCPX_WS_WINDOW_UPDATE,         "tcp.analysis.window_update" },
    { 0x1000, TCPX_WS_WINDOW_FULL,           "tcp.analysis.window_full" },
    { 0x2000, TCPX_WS_REUSED_PORTS,          "tcp.analysis.reused_ports" },
    { 0x4000, TCPX_WS_SPURIOUS,              "tcp.analysis.spurious_retransmission" },
};
/* clang-format on */
#define WS_A_DUPLICATE_ACK 0x0010
#define WS_A_KNOWN 0x7FFF

/* Conditions TCP keeps outside the flags, with their fields. */
/* clang-format off */
static const struct {
    uint32_t tcpx;
    const char *field;
} ws_extra_fields[] = {
    { TCPX_WS_PARTIAL_ACK,   "tcp.analysis.partial_ack" },
    { TCPX_WS_AMBIGUOUS_ACK, "tcp.analysis.ambiguous_ack" },
};
/* clang-format on */

struct tcpx_ws_conn {
    struct tcp_analysis tcpd; /* never instantiated: the pointer is TCP's own */
};

static int proto_tcp_id = -1;
static pref_t *tcp_check_checksum_pref;
static bool tcp_checks_checksums;
static pref_t *tcp_analyze_seq_pref;
static bool tcp_analyzes_sequences = true;

/* Forcing a disagreement, for the guard's test: TCPX_TEST_FORCE_MISMATCH=stream|seq|ack|flags. */
static enum {
    FORCE_NONE,
    FORCE_STREAM,
    FORCE_SEQ,
    FORCE_ACK,
    FORCE_FLAGS
} force_mismatch;

static const struct tcp_analysis *
tcpd_of(const tcpx_ws_conn_t *conn)
{
    return (const struct tcp_analysis *)conn;
}

void
tcpx_ws_tcp_handoff(int proto_tcp)
{
    proto_tcp_id = proto_tcp;
    tcp_check_checksum_pref = prefs_find_preference(prefs_find_module("tcp"), "check_checksum");
    tcp_analyze_seq_pref = prefs_find_preference(prefs_find_module("tcp"), "analyze_sequence_numbers");
    if (!tcp_check_checksum_pref)
        ws_debug("TCP has no check_checksum preference: checksums are not checked");
    if (!tcp_analyze_seq_pref)
        ws_debug("TCP has no analyze_sequence_numbers preference: taken as on");
    const char *force = g_getenv("TCPX_TEST_FORCE_MISMATCH");
    if (force) {
        force_mismatch = !strcmp(force, "stream")  ? FORCE_STREAM
                         : !strcmp(force, "seq")   ? FORCE_SEQ
                         : !strcmp(force, "ack")   ? FORCE_ACK
                         : !strcmp(force, "flags") ? FORCE_FLAGS
                                                   : FORCE_NONE;
    }
}

void
tcpx_ws_tcp_file_init(void)
{
    tcp_checks_checksums = tcp_check_checksum_pref && prefs_get_bool_value(tcp_check_checksum_pref, pref_current);
    /* Not found: assume TCP's default (on). */
    tcp_analyzes_sequences = !tcp_analyze_seq_pref || prefs_get_bool_value(tcp_analyze_seq_pref, pref_current);
}

bool
tcpx_ws_tcp_analyzes_sequences(void)
{
    return tcp_analyzes_sequences;
}

bool
tcpx_ws_tcp_checks_checksums(void)
{
    return tcp_checks_checksums;
}

tcpx_ws_conn_t *
tcpx_ws_conn_find(packet_info *pinfo, const address *src, const address *dst, uint16_t sport, uint16_t dport)
{
    conversation_t *conv = find_conversation(pinfo->num, src, dst, CONVERSATION_TCP, sport, dport, 0);
    return conv ? (tcpx_ws_conn_t *)conversation_get_proto_data(conv, proto_tcp_id) : NULL;
}

static void guard_fail(const char *what, uint32_t frame);

bool
tcpx_ws_conn_view(const tcpx_ws_conn_t *conn, uint32_t frame, tcpx_ws_conn_view_t *view)
{
    const struct tcp_analysis *tcpd = tcpd_of(conn);
    if (!tcpd || !tcpd->fwd || !tcpd->rev) {
        ws_debug("frame %u: TCP has not set up both directions of the connection: not read", frame);
        return false;
    }
    /* fwd and rev point into the struct itself: if they do not, its layout is not
     * the one compiled here, and nothing behind them may be read. */
    if (!((tcpd->fwd == &tcpd->flow1 && tcpd->rev == &tcpd->flow2) ||
          (tcpd->fwd == &tcpd->flow2 && tcpd->rev == &tcpd->flow1))) {
        guard_fail("connection layout", frame);
        return false;
    }
    view->stream = tcpd->stream + (force_mismatch == FORCE_STREAM);
    view->fwd_base_seq = tcpd->fwd->base_seq - (force_mismatch == FORCE_SEQ);
    view->rev_base_seq = tcpd->rev->base_seq - (force_mismatch == FORCE_ACK);
    view->fwd_win_scale = tcpd->fwd->win_scale;
    view->irtt_ns = tcpx_ws_ns(&tcpd->ts_first_rtt);
    view->tfo_syn_data = tcpd->tfo_syn_data;
    return true;
}

static uint32_t
translate_flags(const struct tcp_acked *ta)
{
    uint32_t out = 0;
    uint16_t flags = ta->flags;
    if (force_mismatch == FORCE_FLAGS && flags)
        flags = (uint16_t)(flags << 1) & WS_A_KNOWN;
    for (size_t i = 0; flags && i < G_N_ELEMENTS(ws_flags); i++) {
        if (flags & ws_flags[i].ws)
            out |= ws_flags[i].tcpx;
    }
#if TCPX_WS_HAS_PARTIAL_ACK
    if (ta->partial_ack)
        out |= TCPX_WS_PARTIAL_ACK;
#endif
#if TCPX_WS_HAS_AMBIGUOUS_ACK
    if (ta->iskarn)
        out |= TCPX_WS_AMBIGUOUS_ACK;
#endif
    return out;
}

void
tcpx_ws_verdict(const tcpx_ws_conn_t *conn, uint32_t frame, uint32_t raw_seq, uint32_t raw_ack, bool tcp_done,
                tcpx_ws_verdict_t *verdict)
{
    const struct tcp_analysis *tcpd = tcpd_of(conn);
    const struct tcp_acked *ta = tcpd->ta;
    memset(verdict, 0, sizeof *verdict);
    /* After an exception (in a headers-only capture, a quarter of the frames: a payload dissector
     * throws on the cut payload) a set pointer is still this frame's: TCP clears it as it takes the
     * connection's data, right after the fixed header and before anything that can throw (4.0:
     * dissect_tcp, get_tcp_conversation_data), and the caller read that header whole.  Unset, TCP
     * may have thrown before its analysis: the table says.  (Looking up every time cost ~0.7% of
     * tshark's time on the benchmark: the table is a tree over all the connection's frames.) */
    if (!tcp_done && !ta) {
        wmem_tree_key_t key[4] = { { 1, &frame }, { 1, &raw_seq }, { 1, &raw_ack }, { 0, NULL } };
        ta = tcpd->acked_table ? (const struct tcp_acked *)wmem_tree_lookup32_array(tcpd->acked_table, key) : NULL;
    }
    if (!ta)
        return;
    verdict->ws = translate_flags(ta);
    if (ta->flags & WS_A_DUPLICATE_ACK) {
        verdict->dupack_num = ta->dupack_num;
        verdict->dupack_frame = ta->dupack_frame;
    }
    verdict->bytes_in_flight = ta->bytes_in_flight;
    verdict->acks_frame = ta->frame_acked;
    if (ta->frame_acked)
        verdict->ack_rtt_ns = tcpx_ws_ns(&ta->ts);
}

void
tcpx_ws_ip_view(const void *iph, tcpx_ws_ip_view_t *view)
{
    ws_ip4 *ip4 = WS_IP4_PTR((void *)iph);
    ws_ip6 *ip6 = WS_IP6_PTR((void *)iph);
    memset(view, 0, sizeof *view);
    if (ip4) {
        view->has_ip_id = true;
        view->ip_id = ip4->ip_id;
        view->ecn = ip4->ip_tos & 0x03;
        view->has_ttl = true;
        view->ttl = ip4->ip_ttl;
        view->packet_len = ip4->ip_len;
    } else if (ip6) {
        view->packet_len = ip6->ip6_len + 40;
        view->ecn = ip6->ip6_tc & 0x03;
        view->has_ttl = true;
        view->ttl = ip6->ip6_hop;
    }
}

/* ---- the guard ---------------------------------------------------------- */

/* Segments compared per file (first pass), and frames whose trees are compared. */
#define GUARD_TAP_BUDGET 4096
#define GUARD_TREE_BUDGET 512
#define GUARD_PENDING 8

static struct {
    const char *mismatch; /* this file's first disagreement */
    uint32_t mismatch_frame;
    uint32_t tap_budget, tree_budget;
    tcpx_ws_reading_t pending[GUARD_PENDING];
    unsigned n_pending;
} guard;

static void
guard_fail(const char *what, uint32_t frame)
{
    if (guard.mismatch)
        return;
    guard.mismatch = what;
    guard.mismatch_frame = frame;
    ws_warning("tcpx is silent: this Wireshark build's TCP internals (%s) do not match the ones tcpx %s "
               "was built for (Wireshark %d.%d headers); first seen at frame %u. Rebuild tcpx against "
               "this Wireshark's headers or install the package made for it.",
               what, TCPX_VERSION, WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR, frame);
}

const char *
tcpx_ws_guard_mismatch(void)
{
    return guard.mismatch;
}

uint32_t
tcpx_ws_guard_mismatch_frame(void)
{
    return guard.mismatch_frame;
}

void
tcpx_ws_guard_file_init(void)
{
    /* Judged per file: its frame numbers are the ones the messages name. */
    guard.mismatch = NULL;
    guard.mismatch_frame = 0;
    guard.tap_budget = GUARD_TAP_BUDGET;
    guard.tree_budget = GUARD_TREE_BUDGET;
    guard.n_pending = 0;
}

void
tcpx_ws_guard_note(const tcpx_ws_reading_t *reading)
{
    if (!guard.tap_budget || guard.mismatch)
        return;
    if (guard.n_pending && guard.pending[0].frame != reading->frame)
        guard.n_pending = 0; /* TCP's tap did not report the previous frame */
    if (guard.n_pending < GUARD_PENDING)
        guard.pending[guard.n_pending++] = *reading;
}

/* TCP's tap, pushed after the frame is dissected: its public numbers for each segment. */
static tap_packet_status
guard_tcp_packet(void *tapdata _U_, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
                 tap_flags_t flags _U_)
{
    const struct tcpheader *th = (const struct tcpheader *)data;
    if (!guard.tap_budget || guard.mismatch || !th)
        return TAP_PACKET_DONT_REDRAW;
    for (unsigned i = 0; i < guard.n_pending; i++) {
        const tcpx_ws_reading_t *r = &guard.pending[i];
        if (r->frame != pinfo->num || r->sport != th->th_sport || r->dport != th->th_dport ||
            r->raw_seq != th->th_rawseq || r->raw_ack != th->th_rawack)
            continue;
        guard.tap_budget--;
        if (r->stream != th->th_stream)
            guard_fail("stream index", r->frame);
        /* TCP shows relative numbers unless its preference says raw ones. */
        else if (th->th_seq != th->th_rawseq && r->rel_seq != th->th_seq)
            guard_fail("relative sequence number", r->frame);
        else if (th->th_ack != th->th_rawack && (th->th_flags & TCPX_TH_ACK) && r->rel_ack != th->th_ack)
            guard_fail("relative acknowledgment number", r->frame);
        break;
    }
    return TAP_PACKET_DONT_REDRAW;
}

void
tcpx_ws_guard_register(void)
{
    /* A dissector helper: its presence alone must not make tshark dissect (-w, no -z). */
    GString *err = register_tap_listener("tcp", &guard, NULL, TL_REQUIRES_NOTHING | TL_IS_DISSECTOR_HELPER, NULL,
                                         guard_tcp_packet, NULL, NULL);
    if (err) {
        ws_warning("tcpx: cannot listen to TCP's tap (%s): its internals are not cross-checked", err->str);
        g_string_free(err, TRUE);
    }
}

/* TCPX_WS_* of every tcp.analysis.* field in the tree, by name: an expert item and
 * a field can share one (two registrations), and either may be what TCP added. */
static uint32_t
flags_shown(proto_tree *tree)
{
    uint32_t shown = 0;
    GPtrArray *all = proto_all_finfos(tree);
    for (guint k = 0; all && k < all->len; k++) {
        const field_info *fi = (const field_info *)g_ptr_array_index(all, k);
        const char *abbrev = fi->hfinfo->abbrev;
        if (strncmp(abbrev, "tcp.analysis.", 13) != 0)
            continue;
        for (size_t i = 0; i < G_N_ELEMENTS(ws_flags); i++)
            if (!strcmp(abbrev, ws_flags[i].field))
                shown |= ws_flags[i].tcpx;
        for (size_t i = 0; i < G_N_ELEMENTS(ws_extra_fields); i++)
            if (!strcmp(abbrev, ws_extra_fields[i].field))
                shown |= ws_extra_fields[i].tcpx;
    }
    if (all)
        g_ptr_array_free(all, TRUE);
    return shown;
}

/* Each condition TCP shows in a visible tree must be one tcpx read, and back.
 * tcp.analysis.retransmission also stands beside fast and spurious ones. */
void
tcpx_ws_guard_check_tree(proto_tree *tree, uint32_t frame, uint32_t ws)
{
    /* With its sequence analysis off, TCP shows no analysis although it may still set flags. */
    if (!tree || !PTREE_DATA(tree)->visible || !guard.tree_budget || guard.mismatch || !tcp_analyzes_sequences)
        return;
    guard.tree_budget--;
    uint32_t checked = TCPX_WS_PARTIAL_ACK | TCPX_WS_AMBIGUOUS_ACK;
    for (size_t i = 0; i < G_N_ELEMENTS(ws_flags); i++)
        checked |= ws_flags[i].tcpx;
    uint32_t shown = flags_shown(tree);
    const uint32_t other_retx = TCPX_WS_FAST_RETRANSMISSION | TCPX_WS_SPURIOUS;
    if ((ws & other_retx) && !(ws & TCPX_WS_RETRANSMISSION))
        shown &= ~(uint32_t)TCPX_WS_RETRANSMISSION;
    if ((shown ^ ws) & checked)
        guard_fail("analysis flags", frame);
}
