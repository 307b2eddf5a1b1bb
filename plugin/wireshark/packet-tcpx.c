/* packet-tcpx.c: the tcpx post-dissector (epan glue): its fields, its tree, its registration.
 *
 * The hook in front of TCP (tcpx_hook.c) reads each TCP header of a frame; the
 * post-dissector takes those headers, has them analysed (first pass) or looked up
 * in the per-frame cache (later passes), shows what was found and queues the tap
 * record, on every pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "tcpx"

#include <string.h>

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/expert.h>

#include "packet-tcpx.h"
#include "tcpx_core.h"
#include "tcpx_explain.h"
#include "tcpx_text.h"
#include "tcpx_hook.h"
#include "tcpx_tap.h"
#include "tap-tcpx-health.h"
#include "tcpx_ws_compat.h"
#include "tcpx_ws_tcp.h"

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
static int hf_tcpx_later = -1;
static int hf_tcpx_later_code = -1;
static int hf_tcpx_later_frame = -1;

static gint ett_tcpx = -1;
static gint ett_tcpx_finding = -1;
static gint ett_tcpx_related = -1;

static expert_field ei_tcpx_internals_mismatch = EI_INIT;
/* One Expert Info item per kind with a severity: Analyze > Expert Information and tshark -z expert
 * list tcpx's findings, with the finding's summary, next to TCP's own. */
static expert_field ei_tcpx_kind[TCPX_K_COUNT];
static int expert_tap_id = -1;

static protocol_t *tcpx_protocol;

static tcpx_pref_bool_t pref_phase_notes = FALSE;
static gboolean mismatch_said; /* this file has shown the guard's note */

/* tcpx.severity's words, from the core's (tcpx_severity_name()), filled at registration. */
static value_string severity_vals[TCPX_SEV_ERROR + 1];

static void
tcpx_init(void)
{
    tcpx_hook_file_init(proto_is_protocol_enabled(tcpx_protocol));
    tcpx_ws_tcp_file_init();
    tcpx_ws_guard_file_init();
    mismatch_said = FALSE;
    expert_tap_id = find_tap_id("expert"); /* registered after the handoffs */
}

static void
add_related(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const char *label, guint32 frame, gint64 age_ns)
{
    if (!frame || frame == pinfo->num || !proto_field_is_referenced(tree, hf_tcpx_related_frame))
        return;
    if (age_ns <= 0) {
        proto_item_set_generated(
            proto_tree_add_uint_format(tree, hf_tcpx_related_frame, tvb, 0, 0, frame, "%s: frame %u", label, frame));
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
 * continuation lines, cut at a sentence or clause end (between words when a clause
 * is longer than a line), while the field keeps the whole text. */
#define TCPX_LINE_MAX 200
#define TCPX_LINE_MIN 40

static const char *
line_end(const char *p)
{
    size_t n = strlen(p);
    if (n <= TCPX_LINE_MAX)
        return p + n;
    /* after the last sentence or clause end past the first few words, else between words */
    for (const char *c = p + TCPX_LINE_MAX; c > p + TCPX_LINE_MIN; c--) {
        if (*c == ' ' && strchr(".;:,", c[-1]))
            return c;
    }
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
                                                  proto_registrar_get_name(hf), (int)(end - text->str), text->str);
    proto_item_set_generated(it);
    proto_tree *more = proto_item_add_subtree(it, ett_tcpx_related);
    for (const char *p = end + (*end == ' '); *p;) {
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
    /* Expert Info where someone looks: a visible tree, the expert tap (the GUI's dialog, tshark
     * -z expert), a filter on the item; a hidden tree for other fields skips the words. */
    if (k->severity != TCPX_SEV_NONE && (PTREE_DATA(tree)->visible || have_tap_listener(expert_tap_id) ||
                                         proto_field_is_referenced(tree, ei_tcpx_kind[f->kind].hf))) {
        tcpx_render_summary(s, ctx);
        expert_add_info_format(pinfo, ti, &ei_tcpx_kind[f->kind], "%s", s->str);
        g_string_truncate(s, 0);
    }
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
        proto_item_set_generated(
            proto_tree_add_string(ft, hf_tcpx_cause_code, tvb, 0, 0, tcpx_cause_info((tcpx_cause_t)f->cause)->name));
    }
    if (k->next_step && proto_field_is_referenced(ft, hf_tcpx_next_step)) {
        g_string_truncate(s, 0);
        tcpx_render_next_step(s, ctx);
        add_text(ft, hf_tcpx_next_step, tvb, s);
    }
    add_related(ft, tvb, pinfo, tcpx_tree_text(TCPX_TREE_FIRST_SENT), f->orig_frame, f->orig_age_ns);
    add_related(ft, tvb, pinfo, tcpx_tree_text(TCPX_TREE_ACKED_BY), f->ack_frame, f->ack_age_ns);
    const char *ref_label = tcpx_cause_info((tcpx_cause_t)f->cause)->ref_label;
    if (f->kind != TCPX_K_REUSED_PORTS || f->ref_frame)
        add_related(ft, tvb, pinfo, ref_label ? ref_label : k->ref_label, f->ref_frame, f->ref_age_ns);
    for (guint8 i = 0; i < f->n_listed && i < TCPX_MAX_LISTED; i++)
        add_related(ft, tvb, pinfo, tcpx_tree_text(TCPX_TREE_DUP_ACK), f->listed[i], 0);
    g_string_free(s, TRUE);
}

/* What later frames, or the capture's end, settled about this frame (once the first pass is
 * over: tshark -2, the GUI): a line each, and a few words at the end of the summary. */
static void
add_laters(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const tcpx_text_ctx_t *ctx, GString *summary)
{
    guint n;
    const tcpx_later_t *l = tcpx_hook_laters(pinfo, &n);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < n; i++) {
        if (l[i].stream != ctx->st->id)
            continue;
        if (summary) {
            g_string_append(summary, "; ");
            tcpx_render_later(summary, &l[i], ctx, TRUE);
        }
        if (!tree)
            continue;
        g_string_truncate(s, 0);
        tcpx_render_later(s, &l[i], ctx, FALSE);
        add_text(tree, hf_tcpx_later, tvb, s);
        proto_item_set_generated(
            proto_tree_add_string(tree, hf_tcpx_later_code, tvb, 0, 0, tcpx_later_name(l[i].what)));
        if (l[i].by_frame)
            proto_item_set_generated(proto_tree_add_uint(tree, hf_tcpx_later_frame, tvb, 0, 0, l[i].by_frame));
    }
    g_string_free(s, TRUE);
}

/* The finding whose summary goes in the column: one whose cause has its own summary (a
 * capture copy says so: the column is often all a reader sees), else the most severe
 * anomaly, else the first story step. */
static int
headline(const tcpx_result_t *r)
{
    int best = -1;
    for (int i = 0; i < r->n; i++) {
        if (tcpx_cause_info((tcpx_cause_t)r->f[i].cause)->summary)
            return i;
        if (best < 0 ||
            tcpx_kind_severity((tcpx_kind_t)r->f[i].kind) > tcpx_kind_severity((tcpx_kind_t)r->f[best].kind))
            best = i;
    }
    return best;
}

/* A frame without findings, under the phase-note preference: a one-line note of its bytes. */
static const tcpx_result_t *
phase_note(tcpx_result_t *plain, const tcpx_segment_t *seg, const tcpx_result_t *r)
{
    tcpx_finding_t *note = &plain->f[0];
    memset(plain, 0, offsetof(tcpx_result_t, f));
    memset(note, 0, sizeof *note);
    plain->phase = r ? r->phase : (guint8)tcpx_plain_phase(seg);
    note->kind = seg->len ? TCPX_K_NOTE_DATA : TCPX_K_NOTE_ACK;
    note->cause = TCPX_C_STORY;
    note->lo = seg->seq;
    note->hi = seg->len ? seg->seq + seg->len - 1 : seg->seq;
    plain->n = 1;
    return plain;
}

/* reporter: for an ICMP about the stream, the router that sent it (NULL for a TCP header) */
static void
build_tree(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const tcpx_layer_t *layer, const tcpx_result_t *r,
           gboolean from_client, guint index, guint n_layers, const char *reporter)
{
    const tcpx_stream_t *st = &layer->stream->core;
    tcpx_result_t plain;
    GString *summary = g_string_new(NULL);

    if (!r || r->n == 0)
        r = phase_note(&plain, &layer->seg, r);

    tcpx_text_ctx_t ctx = { st, NULL, from_client, layer->seg.ack, 0, index + 1, n_layers, reporter };
    int h = headline(r);
    guint n_anomalies = 0;
    for (int i = 0; i < r->n; i++)
        n_anomalies += tcpx_kind_is_anomaly((tcpx_kind_t)r->f[i].kind);
    if (tcpx_kind_is_anomaly((tcpx_kind_t)r->f[h].kind) && n_anomalies > 1)
        ctx.more = n_anomalies - 1;
    /* The summary is also the protocol item's label. */
    gboolean want_summary = proto_field_is_referenced(tree, hf_tcpx_summary) ||
                            proto_field_is_referenced(tree, proto_tcpx);
    if (want_summary) {
        ctx.f = &r->f[h];
        tcpx_render_summary(summary, &ctx);
        if (ctx.more)
            tcpx_render(summary, tcpx_tree_text(TCPX_TREE_MORE), &ctx);
        add_laters(NULL, tvb, pinfo, &ctx, summary);
    }

    proto_item *ti = proto_tree_add_item(tree, proto_tcpx, tvb, 0, 0, ENC_NA);
    if (n_layers > 1) {
        GString *label = g_string_new(NULL);
        tcpx_render(label, tcpx_tree_text(TCPX_TREE_LAYER), &ctx);
        proto_item_append_text(ti, "%s", label->str);
        g_string_free(label, TRUE);
    }
    if (want_summary)
        proto_item_append_text(ti, ": %s", summary->str);
    proto_tree *tt = proto_item_add_subtree(ti, ett_tcpx);
    if (want_summary)
        add_text(tt, hf_tcpx_summary, tvb, summary);
    proto_item_set_generated(
        proto_tree_add_string(tt, hf_tcpx_phase, tvb, 0, 0, tcpx_phase_name((tcpx_phase_t)r->phase)));
    if (!reporter && proto_field_is_referenced(tt, hf_tcpx_sender)) { /* an ICMP's sender is no party */
        g_string_truncate(summary, 0);
        tcpx_render(summary, tcpx_tree_text(TCPX_TREE_SENDER), &ctx);
        proto_item_set_generated(proto_tree_add_string_format(tt, hf_tcpx_sender, tvb, 0, 0,
                                                              from_client ? "client" : "server", "%s", summary->str));
    }
    if (!tcpx_ws_tcp_analyzes_sequences())
        proto_item_set_generated(
            proto_tree_add_none_format(tt, hf_tcpx_text, tvb, 0, 0, "%s", tcpx_tree_text(TCPX_TREE_ANALYSIS_OFF)));
    ctx.f = &r->f[h];
    add_laters(tt, tvb, pinfo, &ctx, NULL);
    for (int i = 0; i < r->n; i++) {
        ctx.f = &r->f[i];
        add_finding(tt, tvb, pinfo, &ctx);
    }
    g_string_free(summary, TRUE);
}

/* The kinds' Expert Info items, from the explanation table: tcpx.expert.<kind>, its title, its
 * severity; checksums in Wireshark's checksum group, the rest in the sequence group (as TCP's). */
static void
register_kind_experts(expert_module_t *module)
{
    static const int pi_severity[] = {
        [TCPX_SEV_CHAT] = PI_CHAT, [TCPX_SEV_NOTE] = PI_NOTE, [TCPX_SEV_WARN] = PI_WARN, [TCPX_SEV_ERROR] = PI_ERROR
    };
    static const ei_register_info blank = { NULL, { NULL, PI_SEQUENCE, PI_NOTE, NULL, EXPFILL } };
    ei_register_info *ei = g_new0(ei_register_info, TCPX_K_COUNT); /* kept: Wireshark holds on to it */
    int n = 0;
    for (int kind = 0; kind < TCPX_K_COUNT; kind++) {
        const tcpx_kind_info_t *k = tcpx_kind_info((tcpx_kind_t)kind);
        ei_tcpx_kind[kind] = (expert_field)EI_INIT;
        if (!k || k->severity == TCPX_SEV_NONE || k->severity >= (int)G_N_ELEMENTS(pi_severity))
            continue;
        ei[n] = blank;
        ei[n].ids = &ei_tcpx_kind[kind];
        ei[n].eiinfo.name = g_strdup_printf("tcpx.expert.%s", k->name);
        ei[n].eiinfo.group = kind == TCPX_K_CHECKSUM ? PI_CHECKSUM : PI_SEQUENCE;
        ei[n].eiinfo.severity = pi_severity[k->severity];
        ei[n].eiinfo.summary = k->title;
        n++;
    }
    expert_register_field_array(module, ei, n);
}

/* The findings' Expert Info items without a tree to hang them on. */
static void
add_experts(packet_info *pinfo, const tcpx_layer_t *layer, const tcpx_result_t *r, gboolean from_client,
            const char *reporter)
{
    GString *s = g_string_new(NULL);
    tcpx_text_ctx_t ctx = { &layer->stream->core, NULL, from_client, layer->seg.ack, 0, 0, 0, reporter };
    for (int i = 0; i < r->n; i++) {
        ctx.f = &r->f[i];
        if (tcpx_kind_severity((tcpx_kind_t)ctx.f->kind) == TCPX_SEV_NONE)
            continue;
        g_string_truncate(s, 0);
        tcpx_render_summary(s, &ctx);
        expert_add_info_format(pinfo, NULL, &ei_tcpx_kind[ctx.f->kind], "%s", s->str);
    }
    g_string_free(s, TRUE);
}

/* ---- the post-dissector ------------------------------------------------- */

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

/* An ICMP error ("too big", "destination unreachable") about a stream: its tree and its tap record, which is no segment (rec->icmp). */
static gboolean
dissect_icmp_about_stream(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    tcpx_icmp_frame_t *ic = tcpx_hook_take_icmp(pinfo);
    const tcpx_result_t *r = ic ? tcpx_icmp_result(pinfo, ic) : NULL;
    if (!r || !r->n)
        return FALSE;
    if (tree)
        build_tree(tree, tvb, pinfo, &ic->layer, r, r->from_client, 0, 1, ic->reporter);
    else if (have_tap_listener(expert_tap_id))
        add_experts(pinfo, &ic->layer, r, r->from_client, ic->reporter);
    if (have_tap_listener(tcpx_tap)) {
        tcpx_layer_tap_record(pinfo, &ic->layer, r, r->from_client);
        ic->layer.tap.icmp = TRUE;
        ic->layer.tap.reporter = ic->reporter;
        tap_queue_packet(tcpx_tap, pinfo, &ic->layer.tap);
    }
    return TRUE;
}

static int
dissect_tcpx(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    /* As Wireshark sets it for a dissector of a protocol (not for a helper, as this one runs): Expert
     * Info items name it as theirs.  Wireshark restores the previous one when this returns. */
    pinfo->current_proto = "tcpx";
    if (tcpx_ws_guard_mismatch()) {
        tcpx_hook_drop_frame();
        return say_mismatch(tvb, pinfo, tree);
    }
    guint n, n_read, k = 0;
    tcpx_hook_first_pass_over(pinfo);
    gboolean icmp = dissect_icmp_about_stream(tvb, pinfo, tree);
    tcpx_layer_t *layers = tcpx_hook_take_frame(pinfo, &n, &n_read);
    if (!layers)
        return icmp ? (int)tvb_captured_length(tvb) : 0;
    if (tcpx_defer_frame(pinfo, tree, have_tap_listener(expert_tap_id), layers, n))
        return tvb_captured_length(tvb);

    for (guint i = 0; i < n; i++) {
        tcpx_layer_t *layer = &layers[i];
        if (!layer->stream)
            continue;
        const tcpx_result_t *r = tcpx_layer_result(pinfo, layer, i);
        gboolean from_client = tcpx_from_client(layer->stream, &layer->seg, r);

        if (tree && ((r && r->n) || pref_phase_notes))
            build_tree(tree, tvb, pinfo, layer, r, from_client, k, n_read, NULL);
        else if (r && r->n && have_tap_listener(expert_tap_id)) /* tshark -z expert builds no tree */
            add_experts(pinfo, layer, r, from_client, NULL);
        k++;
        if (have_tap_listener(tcpx_tap))
            tap_queue_packet(tcpx_tap, pinfo, tcpx_layer_tap_record(pinfo, layer, r, from_client));
    }
    /* One TCP header that TCP finished (no exception cut its tree short). */
    if (n == 1 && n_read == 1 && layers[0].tcp_returned)
        tcpx_ws_guard_check_tree(tree, pinfo->num, layers[0].seg.ws);
    return tvb_captured_length(tvb);
}

void
proto_register_tcpx(void)
{
    for (int sev = TCPX_SEV_CHAT; sev <= TCPX_SEV_ERROR; sev++)
        severity_vals[sev - TCPX_SEV_CHAT] = (value_string){ (guint32)sev, tcpx_severity_name((tcpx_severity_t)sev) };
    /* clang-format off */
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
        { &hf_tcpx_cause, { "Cause", "tcpx.cause", FT_STRING, BASE_NONE, NULL, 0x0,
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
        { &hf_tcpx_later, { "Later in the capture", "tcpx.later", FT_STRING, BASE_NONE, NULL, 0x0,
            "What later frames or the capture's end settled about this frame (tshark -2 and the GUI only)", HFILL } },
        { &hf_tcpx_later_code, { "Later finding", "tcpx.later_code", FT_STRING, BASE_NONE, NULL, 0x0,
            "Short name of what later frames settled: resent, reordered, capture_missed, unneeded, connection_lost, "
            "syn_unanswered, capture_ended, filled", HFILL } },
        { &hf_tcpx_later_frame, { "Settled by frame", "tcpx.later_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The later frame that settled it", HFILL } },
    };
    /* clang-format on */
    static gint *ett[] = { &ett_tcpx, &ett_tcpx_finding, &ett_tcpx_related };

    proto_tcpx = proto_register_protocol("TCP anomaly explanations (tcpx)", "tcpx", "tcpx");
    proto_register_field_array(proto_tcpx, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    /* clang-format off */
    static ei_register_info ei[] = {
        { &ei_tcpx_internals_mismatch, { "tcpx.internals_mismatch", PI_UNDECODED, PI_NOTE,
            "tcpx is silent: this Wireshark build's TCP internals do not match the ones tcpx was built for", EXPFILL } },
    };
    /* clang-format on */
    expert_module_t *expert_tcpx = expert_register_protocol(proto_tcpx);
    expert_register_field_array(expert_tcpx, ei, array_length(ei));
    register_kind_experts(expert_tcpx);

    module_t *tcpx_module = prefs_register_protocol(proto_tcpx, NULL);
    prefs_register_bool_preference(
        tcpx_module, "phase_notes", "Add a phase note to every TCP frame",
        "Also explain ordinary frames in one line: which bytes they carry and what they acknowledge. "
        "Off by default: tcpx then speaks only on frames with an anomaly or a step of the connection's story.",
        &pref_phase_notes);
    tcpx_health_register_prefs(tcpx_module);

    /* The post-dissector runs as a helper of tcpx ("protocol in name only": tcpx decides whether it runs), so
     * Wireshark records no protocol layer for it on every frame: a list entry, a map entry and three
     * allocations, some 300 instructions per frame, ~10% of what tcpx adds to tshark's health report. */
    int proto_tcpx_post = proto_register_protocol_in_name_only("TCP anomaly explanations (tcpx), post-dissector",
                                                               "tcpx post-dissector", "tcpx.post", proto_tcpx,
                                                               FT_PROTOCOL);
    dissector_handle_t tcpx_postdissector_handle = register_dissector("tcpx", dissect_tcpx, proto_tcpx_post);
    register_postdissector(tcpx_postdissector_handle);
    register_init_routine(tcpx_init);
    tcpx_tap = register_tap(TCPX_TAP_NAME);
}

void
proto_reg_handoff_tcpx(void)
{
    tcpx_protocol = find_protocol_by_id(proto_tcpx);
    tcpx_ws_tcp_handoff(proto_get_id_by_filter_name("tcp"));
    tcpx_hook_handoff();
}
