/* tcpx_frame_vars.c: the variables of the frame texts (tcpx_explain.c's templates),
 * each declared once with the finding field it reads and how it is written, and
 * the renderers of a finding's four texts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <string.h>
#include "tcpx_text.h"

static const tcpx_finding_t *
finding_of(const void *ctx)
{
    return ((const tcpx_text_ctx_t *)ctx)->f;
}

static guint32
u32_field(const tcpx_var_t *var, const void *ctx)
{
    guint32 v;
    memcpy(&v, (const char *)finding_of(ctx) + var->offset, sizeof v);
    return v;
}

static gint64
i64_field(const tcpx_var_t *var, const void *ctx)
{
    gint64 v;
    memcpy(&v, (const char *)finding_of(ctx) + var->offset, sizeof v);
    return v;
}

/* ---- formats shared by many variables ------------------------------------- */

/* A count or a frame number: unknown when zero. */
static gboolean
render_number(GString *out, const tcpx_var_t *var, const void *ctx)
{
    guint32 v = u32_field(var, ctx);
    if (!v)
        return FALSE;
    tcpx_append_uint(out, v);
    return TRUE;
}

/* A one-byte number (a TTL); 0 is unknown. */
static gboolean
render_u8(GString *out, const tcpx_var_t *var, const void *ctx)
{
    guint8 v = *((const guint8 *)finding_of(ctx) + var->offset);
    if (!v)
        return FALSE;
    tcpx_append_uint(out, v);
    return TRUE;
}

/* Known when the TTL is one a sender starts with (64, 128, 255): no router reduced it on its way here. */
static gboolean
render_ttl_unreduced(GString *out, const tcpx_var_t *var, const void *ctx)
{
    (void)out;
    guint8 v = *((const guint8 *)finding_of(ctx) + var->offset);
    return v == 64 || v == 128 || v == 255;
}

/* Known when the count is 1: for plurals ("segment{?one_total:|s}"). */
static gboolean
render_is_one(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return u32_field(var, ctx) == 1;
}

/* A sequence number: zero is a number like any other. */
static gboolean
render_seq(GString *out, const tcpx_var_t *var, const void *ctx)
{
    tcpx_append_uint(out, u32_field(var, ctx));
    return TRUE;
}

/* A receiver's right edge: its ACK number (waits_for) plus its window (bytes2). */
static gboolean
render_edge(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const tcpx_finding_t *f = finding_of(ctx);
    (void)var;
    tcpx_append_uint(out, f->waits_for + f->bytes2);
    return TRUE;
}

/* A size: "1,460 bytes"; unknown when zero. */
static gboolean
render_size(GString *out, const tcpx_var_t *var, const void *ctx)
{
    guint32 v = u32_field(var, ctx);
    if (!v)
        return FALSE;
    tcpx_format_bytes(out, v);
    return TRUE;
}

/* A duration: "312 ms"; unknown when zero. */
static gboolean
render_duration(GString *out, const tcpx_var_t *var, const void *ctx)
{
    gint64 v = i64_field(var, ctx);
    if (!v)
        return FALSE;
    tcpx_format_duration(out, v);
    return TRUE;
}

/* How long before this frame another frame was: known with that frame (arg: its field). */
static gboolean
render_age(GString *out, const tcpx_var_t *var, const void *ctx)
{
    guint32 frame;
    memcpy(&frame, (const char *)finding_of(ctx) + var->arg, sizeof frame);
    if (!frame)
        return FALSE;
    tcpx_format_duration(out, i64_field(var, ctx));
    return TRUE;
}

/* ---- the parties ----------------------------------------------------------- */

enum {
    SENDER = 1,
    RECEIVER,
    CLIENT,
    SERVER,
    CAPITAL = 8
};

/* Is the party arg names the client? */
static gboolean
party_is_client(const tcpx_text_ctx_t *c, int arg)
{
    switch (arg & ~CAPITAL) {
    case SENDER: return c->from_client;
    case RECEIVER: return !c->from_client;
    case CLIENT: return TRUE;
    default: return FALSE;
    }
}

/* A guessed role says "likely" once in a text: at its first party, not at every one. */
static const char *
role_word(const tcpx_stream_t *st, gboolean client, const GString *out)
{
    gboolean hedge = st->roles_guessed && !strstr(out->str, "likely ") && !strstr(out->str, "Likely ");
    if (client)
        return hedge ? "likely client" : "client";
    return hedge ? "likely server" : "server";
}

/* "the <role> (<address:port>)", written in place: most sentences name a party or two. */
static gboolean
render_party(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const tcpx_text_ctx_t *c = ctx;
    const tcpx_stream_t *st = c->st;
    gboolean client = party_is_client(c, var->arg);
    int idx = client ? tcpx_client_side(st) : !tcpx_client_side(st);
    const char *role = role_word(st, client, out), *name = st->name[idx] ? st->name[idx] : "?";
    gsize at = out->len, role_len = strlen(role), name_len = strlen(name);
    g_string_set_size(out, at + 4 + role_len + 2 + name_len + 1);
    char *w = out->str + at;
    memcpy(w, (var->arg & CAPITAL) ? "The " : "the ", 4);
    memcpy(w + 4, role, role_len);
    memcpy(w + 4 + role_len, " (", 2);
    memcpy(w + 6 + role_len, name, name_len);
    w[6 + role_len + name_len] = ')';
    return TRUE;
}

/* "client", "likely server"... */
static gboolean
render_role(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const tcpx_text_ctx_t *c = ctx;
    gsize at = out->len;
    g_string_append(out, role_word(c->st, party_is_client(c, var->arg), out));
    if (var->arg & CAPITAL)
        out->str[at] = g_ascii_toupper(out->str[at]);
    return TRUE;
}

static gboolean
render_stream(GString *out, const tcpx_var_t *var, const void *ctx)
{
    tcpx_append_uint(out, ((const tcpx_text_ctx_t *)ctx)->st->id);
    return TRUE;
}

/* The sender's side in one word, "client" or "server" (the tcpx.sender value). */
static gboolean
render_sender_side(GString *out, const tcpx_var_t *var, const void *ctx)
{
    g_string_append(out, ((const tcpx_text_ctx_t *)ctx)->from_client ? "client" : "server");
    return TRUE;
}

/* The sender's address and port. */
static gboolean
render_sender_name(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const tcpx_text_ctx_t *c = ctx;
    int idx = c->from_client ? tcpx_client_side(c->st) : !tcpx_client_side(c->st);
    g_string_append(out, c->st->name[idx] ? c->st->name[idx] : "?");
    return TRUE;
}

/* Known when the roles were guessed from the ports (no SYN seen). */
static gboolean
render_guessed(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return ((const tcpx_text_ctx_t *)ctx)->st->roles_guessed;
}

/* A count of the context's (offset into tcpx_text_ctx_t), known above arg. */
static gboolean
render_ctx_count(GString *out, const tcpx_var_t *var, const void *ctx)
{
    guint v = *(const guint *)((const char *)ctx + var->offset);
    if (v <= (guint)var->arg)
        return FALSE;
    tcpx_append_uint(out, v);
    return TRUE;
}

/* ---- variables of their own kind -------------------------------------------- */

/* A SYN or SYN-ACK sent again: known when the finding's cause says so. */
static gboolean
render_syn_retx(GString *out, const tcpx_var_t *var, const void *ctx)
{
    guint8 c = finding_of(ctx)->cause;
    return c == TCPX_C_SYN_UNANSWERED || c == TCPX_C_SYNACK_UNANSWERED || c == TCPX_C_SYN_RETRY_AFTER_RST;
}

/* The sender is the server (a SYN-ACK, where a SYN would come from the client). */
static gboolean
render_by_server(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return !((const tcpx_text_ctx_t *)ctx)->from_client;
}

/* "bytes 1461-2920", or "byte 1461"; "the SYN" / "the SYN-ACK" sent again. */
static gboolean
render_range(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const tcpx_finding_t *f = finding_of(ctx);
    if (render_syn_retx(out, var, ctx)) {
        g_string_append(out, f->cause == TCPX_C_SYNACK_UNANSWERED ? "the SYN-ACK" : "the SYN");
        return TRUE;
    }
    g_string_append(out, f->hi != f->lo ? "bytes " : "byte ");
    tcpx_append_uint(out, f->lo);
    if (f->hi != f->lo) {
        g_string_append_c(out, '-');
        tcpx_append_uint(out, f->hi);
    }
    return TRUE;
}

/* The byte after the range. */
static gboolean
render_next(GString *out, const tcpx_var_t *var, const void *ctx)
{
    tcpx_append_uint(out, (guint32)(finding_of(ctx)->hi + 1));
    return TRUE;
}

/* A phase note's segment ACK number (not the finding's). */
static gboolean
render_segment_ack(GString *out, const tcpx_var_t *var, const void *ctx)
{
    guint32 ack = ((const tcpx_text_ctx_t *)ctx)->seg_ack;
    if (!ack)
        return FALSE;
    tcpx_append_uint(out, ack);
    return TRUE;
}

/* "104, 105, 107": the frames listed. */
static gboolean
render_listed(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const tcpx_finding_t *f = finding_of(ctx);
    if (!f->n_listed)
        return FALSE;
    for (guint8 i = 0; i < f->n_listed && i < TCPX_MAX_LISTED; i++) {
        if (i)
            g_string_append(out, ", ");
        tcpx_append_uint(out, f->listed[i]);
    }
    return TRUE;
}

/* Known (and silent) when the listed frames are all the duplicate ACKs. */
static gboolean
render_listed_all(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const tcpx_finding_t *f = finding_of(ctx);
    return f->n_listed && f->n_listed >= f->dupacks;
}

/* Known (and silent) when one frame is listed: for plurals ("frame{?one_listed:|s}"). */
static gboolean
render_one_listed(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return finding_of(ctx)->n_listed == 1;
}

/* Known (and silent) when the range is one byte (a SYN, a FIN, a keep-alive): "it", not "they". */
static gboolean
render_one_byte(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return finding_of(ctx)->hi == finding_of(ctx)->lo;
}

/* Known (and silent) when the capture began mid-connection: counts start there. */
static gboolean
render_midstream(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return ((const tcpx_text_ctx_t *)ctx)->st->midstream;
}

/* Known (and silent) when segments is plural. */
static gboolean
render_many_segments(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return finding_of(ctx)->segments > 1;
}

/* Known (and silent) when an older TCP timestamp, or a lower IP ID, shows the segment left first. */
static gboolean
render_by_timestamp(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return finding_of(ctx)->order_by == TCPX_ORDER_TSVAL;
}

static gboolean
render_ack_lost_sure(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return tcpx_ack_lost_sure(finding_of(ctx));
}

static gboolean
render_by_ip_id(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return finding_of(ctx)->order_by == TCPX_ORDER_IP_ID;
}

/* Known (and silent) when the checksum is zero rather than wrong. */
static gboolean
render_zero_checksum(GString *out, const tcpx_var_t *var, const void *ctx)
{
    return finding_of(ctx)->zero_checksum != 0;
}

/* The earlier stream's number: the field keeps it plus one, so that 0 can mean none. */
static gboolean
render_prev_stream(GString *out, const tcpx_var_t *var, const void *ctx)
{
    guint32 v = finding_of(ctx)->prev_stream;
    if (!v)
        return FALSE;
    tcpx_append_uint(out, v - 1);
    return TRUE;
}

/* count out of total: "12.5%". */
static gboolean
render_pct(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const tcpx_finding_t *f = finding_of(ctx);
    char buf[32];
    if (!f->total)
        return FALSE;
    if (tcpx_fixed_text(buf, sizeof buf, (gint64)f->count * 1000, f->total, 1)) {
        g_string_append(out, buf);
        g_string_append_c(out, '%');
    } else {
        g_string_append_printf(out, "%.1f%%", 100.0 * f->count / f->total);
    }
    return TRUE;
}

static gboolean
render_checksum(GString *out, const tcpx_var_t *var, const void *ctx)
{
    g_string_append_printf(out, "0x%04x", finding_of(ctx)->checksum);
    return TRUE;
}

/* The sender's SYN options (arg: the short words). */
static gboolean
render_opts(GString *out, const tcpx_var_t *var, const void *ctx)
{
    tcpx_format_syn_opts(out, &finding_of(ctx)->sender_opts, var->arg);
    return TRUE;
}

static gboolean
render_negotiated(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const tcpx_text_ctx_t *c = ctx;
    if (c->from_client)
        tcpx_format_negotiated_opts(out, &c->f->sender_opts, &c->f->peer_opts);
    else
        tcpx_format_negotiated_opts(out, &c->f->peer_opts, &c->f->sender_opts);
    return TRUE;
}

/* Where the capture was taken, from the handshake's halves. */
static gboolean
render_position(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const tcpx_finding_t *f = finding_of(ctx);
    g_string_append(out, tcpx_position_sentence(tcpx_capture_near(f->syn_synack_ns, f->synack_ack_ns)));
    return TRUE;
}

/* Known when the cause says a reset may not come from the host it names (forged, or undetermined). */
static gboolean
render_in_name(GString *out, const tcpx_var_t *var, const void *ctx)
{
    guint8 c = finding_of(ctx)->cause;
    (void)out;
    return c == TCPX_C_RST_FORGED || c == TCPX_C_RST_FORGED_MID || c == TCPX_C_RST_REFUSED_UNDETERMINED;
}

/* The router that sent an ICMP about the stream (the glue's, per frame). */
static gboolean
render_reporter(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const char *r = ((const tcpx_text_ctx_t *)ctx)->reporter;
    (void)var;
    if (!r)
        return FALSE;
    g_string_append(out, r);
    return TRUE;
}

static gboolean
render_cause_label(GString *out, const tcpx_var_t *var, const void *ctx)
{
    g_string_append(out, tcpx_cause_info((tcpx_cause_t)finding_of(ctx)->cause)->label);
    return TRUE;
}

/* ---- the table, in name order --------------------------------------------- */

#define F(field) offsetof(tcpx_finding_t, field)
#define C(field) offsetof(tcpx_text_ctx_t, field)

/* clang-format off */
static const tcpx_var_t frame_vars[] = {
    { "Receiver",      render_party,         0, RECEIVER | CAPITAL },
    { "Sender",        render_party,         0, SENDER | CAPITAL },
    { "Sender_role",   render_role,          0, SENDER | CAPITAL },
    { "ack",           render_segment_ack,   0, 0 },
    { "ack_age",       render_age,           F(ack_age_ns), F(ack_frame) },
    { "ack_frame",     render_number,        F(ack_frame), 0 },
    { "ack_lost_sure", render_ack_lost_sure, 0, 0 },
    { "attempt",       render_number,        F(attempt), 0 },
    { "by_ip_id",      render_by_ip_id,      F(order_by), 0 },
    { "by_server",     render_by_server,     C(from_client), 0 },
    { "by_timestamp",  render_by_timestamp,  F(order_by), 0 },
    { "bytes",         render_size,          F(bytes), 0 },
    { "bytes2",        render_size,          F(bytes2), 0 },
    { "cause_label",   render_cause_label,   0, 0 },
    { "checksum",      render_checksum,      F(checksum), 0 },
    { "client",        render_party,         0, CLIENT },
    { "count",         render_number,        F(count), 0 },
    { "dupacks",       render_number,        F(dupacks), 0 },
    { "edge",          render_edge,          0, 0 },
    { "guessed",       render_guessed,       0, 0 },
    { "held_lo",       render_number,        F(held_lo), 0 },
    { "hi",            render_seq,           F(hi), 0 },
    { "idle",          render_duration,      F(idle_ns), 0 },
    { "in_name",       render_in_name,       F(cause), 0 },
    { "layer",         render_ctx_count,     C(layer), 0 },
    { "layers",        render_ctx_count,     C(layers), 1 },
    { "listed",        render_listed,        F(listed), 0 },
    { "listed_all",    render_listed_all,    F(n_listed), 0 },
    { "lo",            render_seq,           F(lo), 0 },
    { "many_segments", render_many_segments, F(segments), 0 },
    { "midstream",     render_midstream,     0, 0 },
    { "more",          render_ctx_count,     C(more), 0 },
    { "mss",           render_number,        F(mss), 0 },
    { "mtu",           render_number,        F(mtu), 0 },
    { "negotiated",    render_negotiated,    F(sender_opts), 0 },
    { "next",          render_next,          F(hi), 0 },
    { "one_byte",      render_one_byte,      F(lo), 0 },
    { "one_dupacks",   render_is_one,        F(dupacks), 0 },
    { "one_listed",    render_one_listed,    F(n_listed), 0 },
    { "one_total",     render_is_one,        F(total), 0 },
    { "opts",          render_opts,          F(sender_opts), FALSE },
    { "opts_short",    render_opts,          F(sender_opts), TRUE },
    { "orig",          render_number,        F(orig_frame), 0 },
    { "orig_age",      render_age,           F(orig_age_ns), F(orig_frame) },
    { "pct",           render_pct,           F(count), 0 },
    { "position",      render_position,      F(syn_synack_ns), 0 },
    { "prev_stream",   render_prev_stream,   F(prev_stream), 0 },
    { "quiet",         render_number,        F(quiet_frame), 0 },
    { "range",         render_range,         F(lo), 0 },
    { "receiver",      render_party,         0, RECEIVER },
    { "receiver_role", render_role,          0, RECEIVER },
    { "ref",           render_number,        F(ref_frame), 0 },
    { "ref_age",       render_age,           F(ref_age_ns), F(ref_frame) },
    { "reporter",      render_reporter,      C(reporter), 0 },
    { "rtt",           render_duration,      F(rtt_ns), 0 },
    { "rtt_now",       render_duration,      F(idle_ns), 0 },
    { "segments",      render_number,        F(segments), 0 },
    { "sender",        render_party,         0, SENDER },
    { "sender_name",   render_sender_name,   0, 0 },
    { "sender_role",   render_role,          0, SENDER },
    { "sender_side",   render_sender_side,   0, 0 },
    { "server",        render_party,         0, SERVER },
    { "stream",        render_stream,        0, 0 },
    { "syn_retx",      render_syn_retx,      F(cause), 0 },
    { "syn_synack",    render_duration,      F(syn_synack_ns), 0 },
    { "synack_ack",    render_duration,      F(synack_ack_ns), 0 },
    { "total",         render_number,        F(total), 0 },
    { "ttl",           render_u8,            F(ttl), 0 },
    { "ttl_ref",       render_u8,            F(ttl_ref), 0 },
    { "ttl_unreduced", render_ttl_unreduced, F(ttl), 0 },
    { "waits_for",     render_number,        F(waits_for), 0 },
    { "zero_checksum", render_zero_checksum, F(zero_checksum), 0 },
};
/* clang-format on */

const tcpx_vars_t tcpx_frame_vars = TCPX_VARS(frame_vars);

/* ---- a finding's texts ------------------------------------------------------ */

void
tcpx_render(GString *out, const char *tmpl, const tcpx_text_ctx_t *ctx)
{
    tcpx_template_render(out, tmpl, &tcpx_frame_vars, ctx);
}

void
tcpx_render_summary(GString *out, const tcpx_text_ctx_t *ctx)
{
    const char *own = tcpx_cause_info((tcpx_cause_t)ctx->f->cause)->summary;
    tcpx_render(out, own ? own : tcpx_kind_info((tcpx_kind_t)ctx->f->kind)->summary, ctx);
}

void
tcpx_render_what(GString *out, const tcpx_text_ctx_t *ctx)
{
    const char *own = tcpx_cause_info((tcpx_cause_t)ctx->f->cause)->what;
    tcpx_render(out, own ? own : tcpx_kind_info((tcpx_kind_t)ctx->f->kind)->what, ctx);
}

void
tcpx_render_cause(GString *out, const tcpx_text_ctx_t *ctx)
{
    tcpx_render(out, tcpx_cause_info((tcpx_cause_t)ctx->f->cause)->text, ctx);
}

void
tcpx_render_next_step(GString *out, const tcpx_text_ctx_t *ctx)
{
    const char *own = tcpx_cause_info((tcpx_cause_t)ctx->f->cause)->next_step;
    tcpx_render(out, own ? own : tcpx_kind_info((tcpx_kind_t)ctx->f->kind)->next_step, ctx);
}
