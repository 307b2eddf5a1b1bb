/* tcpx_text.c: render explanation templates into sentences.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <string.h>
#include "tcpx_text.h"
#include "tcpx_units.h"

/* Decimal digits of v, written backwards from end; returns where they start. printf costs ~10x. */
static char *
uint_digits(guint64 v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

gboolean
tcpx_fixed_text(char *buf, gsize len, gint64 value, gint64 step, int decimals)
{
    /* beyond 2^52 the double printf would round is no longer the exact value */
    if (value < 0 || value > (G_GINT64_CONSTANT(1) << 52) || step <= 0 || decimals < 0 || decimals > 9 ||
        (value % step) * 2 == step)
        return FALSE;
    guint64 units = (guint64)(value / step + ((value % step) * 2 > step));
    char digits[32], *end = digits + sizeof digits - 1, *p = end;
    *end = '\0';
    for (int i = 0; i < decimals; i++) {
        *--p = (char)('0' + units % 10);
        units /= 10;
    }
    if (decimals)
        *--p = '.';
    p = uint_digits(units, p);
    g_strlcpy(buf, p, len);
    return TRUE;
}

/* As printf("%.<decimals>f <unit>") prints ns / (step * 10^decimals). */
static void
append_fixed(GString *out, gint64 ns, gint64 step, int decimals, const char *unit)
{
    char buf[32];
    if (tcpx_fixed_text(buf, sizeof buf, ns, step, decimals)) {
        g_string_append(out, buf);
        g_string_append_c(out, ' ');
        g_string_append(out, unit);
        return;
    }
    double scale = (double)step;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    g_string_append_printf(out, "%.*f %s", decimals, (double)ns / scale, unit);
}

void
tcpx_format_duration(GString *out, gint64 ns)
{
    if (ns < 0)
        ns = ns == G_MININT64 ? G_MAXINT64 : -ns;
    if (ns < NS_PER_MS)
        append_fixed(out, ns, NS_PER_US, 3, "ms");
    else if (ns < 10 * NS_PER_MS)
        append_fixed(out, ns, 100 * NS_PER_US, 1, "ms");
    else if (ns < NS_PER_S) {
        char buf[20], *end = buf + sizeof buf, *p = uint_digits((guint64)((ns + NS_PER_MS / 2) / NS_PER_MS), end);
        g_string_append_len(out, p, end - p);
        g_string_append(out, " ms");
    } else if (ns < 60 * NS_PER_S)
        append_fixed(out, ns, 10 * NS_PER_MS, 2, "s");
    else
        g_string_append_printf(out, "%" G_GINT64_FORMAT " min %" G_GINT64_FORMAT " s",
                               ns / (60 * NS_PER_S), (ns / NS_PER_S) % 60);
}

static void
append_uint(GString *out, guint64 v)
{
    char buf[20], *end = buf + sizeof buf, *p = uint_digits(v, end);
    g_string_append_len(out, p, end - p);
}

/* Formats tcpx_append_printf() writes itself: conversions s d i u, with l or ll, and %%. */
static gboolean
plain_conversions(const char *fmt)
{
    for (const char *p = fmt; (p = strchr(p, '%')) != NULL; ) {
        p++;
        if (*p == '%') {
            p++;
            continue;
        }
        int longs = 0;
        while (*p == 'l' && longs < 2) {
            p++;
            longs++;
        }
        if (*p != 'd' && *p != 'i' && *p != 'u' && !(*p == 's' && longs == 0))
            return FALSE;
        p++;
    }
    return TRUE;
}

void
tcpx_append_printf(GString *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!plain_conversions(fmt)) {
        g_string_append_vprintf(out, fmt, ap);
        va_end(ap);
        return;
    }
    for (const char *p = fmt;;) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            g_string_append(out, p);
            break;
        }
        g_string_append_len(out, p, pct - p);
        p = pct + 1;
        int longs = 0;
        while (*p == 'l') {
            p++;
            longs++;
        }
        char conv = *p++;
        if (conv == '%') {
            g_string_append_c(out, '%');
        } else if (conv == 's') {
            const char *str = va_arg(ap, const char *);
            g_string_append(out, str ? str : "(null)");   /* as glibc's printf */
        } else if (conv == 'u') {
            append_uint(out, longs == 0 ? va_arg(ap, unsigned int)
                             : longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned long long));
        } else {
            gint64 v = longs == 0 ? va_arg(ap, int) : longs == 1 ? va_arg(ap, long) : va_arg(ap, long long);
            if (v < 0)
                g_string_append_c(out, '-');
            append_uint(out, v < 0 ? 0 - (guint64)v : (guint64)v);
        }
    }
    va_end(ap);
}

static void
append_thousands(GString *out, guint64 v)
{
    char buf[32], *end = buf + sizeof buf, *p = end;
    for (int n = 0; n == 0 || v; n++, v /= 10) {
        if (n && n % 3 == 0)
            *--p = ',';
        *--p = (char)('0' + v % 10);
    }
    g_string_append_len(out, p, end - p);
}

void
tcpx_format_bytes(GString *out, guint64 bytes)
{
    append_thousands(out, bytes);
    g_string_append(out, bytes == 1 ? " byte" : " bytes");
}

void
tcpx_format_syn_options(GString *out, const tcpx_side_t *d)
{
    gsize start = out->len;
    if (d->options_cut) {
        g_string_append(out, "options not captured (the capture cut the header short)");
        return;
    }
    if (d->mss)
        g_string_append_printf(out, "MSS %u bytes", d->mss);
    else
        g_string_append(out, "no MSS (536 bytes assumed)");
    if (d->wscale >= 0)
        g_string_append_printf(out, ", window scale x%u (shift %d)", 1u << MIN(d->wscale, 14), d->wscale);
    else
        g_string_append(out, ", no window scaling");
    g_string_append(out, d->sack_perm ? ", SACK permitted" : ", no SACK");
    if (d->ts)
        g_string_append(out, ", timestamps");
    if (d->tfo)
        g_string_append(out, ", Fast Open");
    if (d->ecn_setup)
        g_string_append(out, ", ECN");
    if (out->len == start)
        g_string_append(out, "no options");
}

void
tcpx_format_syn_options_short(GString *out, const tcpx_side_t *d)
{
    if (d->options_cut) {
        g_string_append(out, "options not captured");
        return;
    }
    g_string_append_printf(out, d->mss ? "MSS %u" : "no MSS", d->mss);
    if (d->wscale >= 0)
        g_string_append_printf(out, ", WS x%u", 1u << MIN(d->wscale, 14));
    if (d->sack_perm)
        g_string_append(out, ", SACK");
    if (d->ts)
        g_string_append(out, ", TS");
    if (d->tfo)
        g_string_append(out, ", TFO");
    if (d->ecn_setup)
        g_string_append(out, ", ECN");
}

void
tcpx_format_negotiated(GString *out, const tcpx_side_t *c, const tcpx_side_t *s)
{
    if (c->options_cut || s->options_cut) {
        g_string_append(out, "unknown: the capture cut the handshake's options short");
        return;
    }
    if (c->mss || s->mss)
        g_string_append_printf(out, "segments up to %u bytes toward the server and %u toward the client",
                               s->mss ? s->mss : 536, c->mss ? c->mss : 536);
    if (c->wscale >= 0 && s->wscale >= 0)
        g_string_append_printf(out, "; window scaling on (client x%u, server x%u)",
                               1u << MIN(c->wscale, 14), 1u << MIN(s->wscale, 14));
    else
        g_string_append(out, "; no window scaling (windows capped at 64 KB)");
    g_string_append(out, c->sack_perm && s->sack_perm ? "; SACK on both sides"
                         : "; no SACK (both sides must permit it)");
    if (c->ecn_setup)
        g_string_append(out, c->ecn_setup && s->ecn_setup ? "; ECN on" : "; ECN offered but not accepted");
}

/* ---- template variables ------------------------------------------------- */

static const char *
role_word(const tcpx_stream_t *st, gboolean client)
{
    if (client)
        return st->roles_guessed ? "likely client" : "client";
    return st->roles_guessed ? "likely server" : "server";
}

/* "the <role> (<address:port>)", written in place: most sentences name a party or two. */
static void
party(GString *out, const tcpx_stream_t *st, gboolean client, gboolean capital)
{
    int idx = client ? tcpx_client_side(st) : !tcpx_client_side(st);
    const char *role = role_word(st, client), *name = st->name[idx] ? st->name[idx] : "?";
    gsize at = out->len, role_len = strlen(role), name_len = strlen(name);
    g_string_set_size(out, at + 4 + role_len + 2 + name_len + 1);
    char *w = out->str + at;
    memcpy(w, capital ? "The " : "the ", 4);
    memcpy(w + 4, role, role_len);
    memcpy(w + 4 + role_len, " (", 2);
    memcpy(w + 6 + role_len, name, name_len);
    w[6 + role_len + name_len] = ')';
}

static void
frames_list(GString *out, const tcpx_finding_t *f)
{
    for (guint8 i = 0; i < f->n_listed && i < TCPX_MAX_LISTED; i++) {
        if (i)
            g_string_append(out, ", ");
        append_uint(out, f->listed[i]);
    }
}

/* Renders variable `name` into out; returns FALSE when its value is unknown (zero). */
static gboolean
variable(GString *out, const char *name, gsize len, const tcpx_text_ctx_t *c)
{
    const tcpx_finding_t *f = c->f;
    const tcpx_stream_t *st = c->st;
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
#define NUM(v) do { if (!(v)) return FALSE; append_uint(out, (v)); return TRUE; } while (0)
#define DUR(v) do { if (!(v)) return FALSE; tcpx_format_duration(out, (v)); return TRUE; } while (0)
#define SIZE(v) do { if (!(v)) return FALSE; tcpx_format_bytes(out, (v)); return TRUE; } while (0)

    if (IS("sender") || IS("Sender")) { party(out, st, c->from_client, name[0] == 'S'); return TRUE; }
    if (IS("receiver") || IS("Receiver")) { party(out, st, !c->from_client, name[0] == 'R'); return TRUE; }
    if (IS("client")) { party(out, st, TRUE, FALSE); return TRUE; }
    if (IS("server")) { party(out, st, FALSE, FALSE); return TRUE; }
    if (IS("sender_role") || IS("Sender_role") || IS("receiver_role")) {
        gsize at = out->len;
        g_string_append(out, role_word(st, IS("receiver_role") ? !c->from_client : c->from_client));
        if (name[0] == 'S')
            out->str[at] = g_ascii_toupper(out->str[at]);
        return TRUE;
    }
    if (IS("stream")) { append_uint(out, st->id); return TRUE; }
    if (IS("range")) {
        g_string_append(out, f->hi != f->lo ? "bytes " : "byte ");
        append_uint(out, f->lo);
        if (f->hi != f->lo) {
            g_string_append_c(out, '-');
            append_uint(out, f->hi);
        }
        return TRUE;
    }
    if (IS("lo")) { append_uint(out, f->lo); return TRUE; }
    if (IS("hi")) { append_uint(out, f->hi); return TRUE; }
    if (IS("next")) { append_uint(out, (guint32)(f->hi + 1)); return TRUE; }
    if (IS("ack")) NUM(c->seg_ack);
    if (IS("orig")) NUM(f->orig_frame);
    if (IS("orig_age")) { if (!f->orig_frame) return FALSE; tcpx_format_duration(out, f->orig_age_ns); return TRUE; }
    if (IS("ack_frame")) NUM(f->ack_frame);
    if (IS("ack_age")) { if (!f->ack_frame) return FALSE; tcpx_format_duration(out, f->ack_age_ns); return TRUE; }
    if (IS("ref")) NUM(f->ref_frame);
    if (IS("ref_age")) { if (!f->ref_frame) return FALSE; tcpx_format_duration(out, f->ref_age_ns); return TRUE; }
    if (IS("listed")) { if (!f->n_listed) return FALSE; frames_list(out, f); return TRUE; }
    if (IS("listed_all")) return f->n_listed && f->n_listed >= f->bytes2;
    if (IS("bytes")) SIZE(f->bytes);
    if (IS("bytes2")) SIZE(f->bytes2);
    if (IS("held_lo")) NUM(f->bytes2);
    if (IS("dupacks")) NUM(f->bytes2);
    if (IS("count")) NUM(f->count);
    if (IS("prev_stream")) { if (!f->count) return FALSE; append_uint(out, f->count - 1); return TRUE; }
    if (IS("total")) NUM(f->total);
    if (IS("pct")) {
        char buf[32];
        if (!f->total) return FALSE;
        if (tcpx_fixed_text(buf, sizeof buf, (gint64)f->count * 1000, f->total, 1)) {
            g_string_append(out, buf);
            g_string_append_c(out, '%');
        } else {
            g_string_append_printf(out, "%.1f%%", 100.0 * f->count / f->total);
        }
        return TRUE;
    }
    if (IS("segments")) NUM(f->segments);
    if (IS("many_segments")) return f->segments > 1;
    if (IS("mss")) NUM(f->mss);
    if (IS("waits_for")) NUM(f->waits_for);
    if (IS("attempt")) NUM(f->segments);
    if (IS("rtt")) DUR(f->rtt_ns);
    if (IS("t1")) DUR(f->t1_ns);
    if (IS("t2")) DUR(f->t2_ns);
    if (IS("checksum")) { g_string_append_printf(out, "0x%04x", f->bytes & 0xffff); return TRUE; }
    if (IS("opts") || IS("opts_short") || IS("negotiated")) {
        /* Story findings carry the options frozen: sender's in bytes/mss, the peer's in bytes2/segments. */
        tcpx_side_t sender, peer;
        tcpx_unpack_syn_options(f->bytes, (guint16)f->mss, &sender);
        tcpx_unpack_syn_options(f->bytes2, (guint16)f->segments, &peer);
        if (IS("opts"))
            tcpx_format_syn_options(out, &sender);
        else if (IS("opts_short"))
            tcpx_format_syn_options_short(out, &sender);
        else if (c->from_client)
            tcpx_format_negotiated(out, &sender, &peer);
        else
            tcpx_format_negotiated(out, &peer, &sender);
        return TRUE;
    }
    if (IS("position")) { g_string_append(out, tcpx_position_sentence(tcpx_capture_near(f->t1_ns, f->t2_ns))); return TRUE; }
    if (IS("cause_label")) { g_string_append(out, tcpx_cause_info((tcpx_cause_t)f->cause)->label); return TRUE; }
#undef IS
#undef NUM
#undef DUR
#undef SIZE
    /* An unknown name is a bug in a template; make it visible. */
    g_string_append_c(out, '{');
    g_string_append_len(out, name, len);
    g_string_append_c(out, '}');
    return TRUE;
}

/* Finds the end of a {...} starting at p (p points after '{'), honouring nesting. */
static const char *
closing_brace(const char *p)
{
    int depth = 1;
    for (; *p; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}' && --depth == 0)
            return p;
    }
    return NULL;
}

/* The '|' separating the two branches of a conditional, at nesting level 0. */
static const char *
branch_bar(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}')
            depth--;
        else if (*p == '|' && depth == 0) {
            if (p[1] == '|') {
                p++;            /* "||" is text (a filter's "or"), not the branch separator */
                continue;
            }
            return p;
        }
    }
    return NULL;
}

static void
render_span(GString *out, const char *p, const char *end, const tcpx_text_ctx_t *ctx)
{
    while (p < end) {
        const char *open = memchr(p, '{', (size_t)(end - p));
        if (!open) {
            g_string_append_len(out, p, end - p);
            return;
        }
        g_string_append_len(out, p, open - p);
        const char *close = closing_brace(open + 1);
        if (!close || close > end) {
            g_string_append_len(out, open, end - open);
            return;
        }
        if (open[1] == '?') {
            const char *colon = memchr(open + 2, ':', (size_t)(close - open - 2));
            if (colon) {
                /* Only whether the value is known matters: render it, then take it back. */
                gsize at = out->len;
                gboolean known = variable(out, open + 2, (gsize)(colon - open - 2), ctx);
                g_string_truncate(out, at);
                const char *bar = branch_bar(colon + 1, close);
                if (known)
                    render_span(out, colon + 1, bar ? bar : close, ctx);
                else if (bar)
                    render_span(out, bar + 1, close, ctx);
            }
        } else {
            gsize at = out->len;
            if (!variable(out, open + 1, (gsize)(close - open - 1), ctx)) {
                g_string_truncate(out, at);
                g_string_append_c(out, '?');
            }
        }
        p = close + 1;
    }
}

void
tcpx_render(GString *out, const char *tmpl, const tcpx_text_ctx_t *ctx)
{
    if (tmpl)
        render_span(out, tmpl, tmpl + strlen(tmpl), ctx);
}

void
tcpx_render_summary(GString *out, const tcpx_text_ctx_t *ctx)
{
    tcpx_render(out, tcpx_kind_info((tcpx_kind_t)ctx->f->kind)->summary, ctx);
}

void
tcpx_render_what(GString *out, const tcpx_text_ctx_t *ctx)
{
    tcpx_render(out, tcpx_kind_info((tcpx_kind_t)ctx->f->kind)->what, ctx);
}

void
tcpx_render_cause(GString *out, const tcpx_text_ctx_t *ctx)
{
    tcpx_render(out, tcpx_cause_info((tcpx_cause_t)ctx->f->cause)->text, ctx);
}

void
tcpx_render_next_step(GString *out, const tcpx_text_ctx_t *ctx)
{
    tcpx_render(out, tcpx_kind_info((tcpx_kind_t)ctx->f->kind)->next_step, ctx);
}
