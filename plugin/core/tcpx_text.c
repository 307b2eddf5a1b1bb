/* tcpx_text.c: numbers, sizes, durations and SYN options in words, for every text tcpx writes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_append.h"
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
        tcpx_append(out, buf);
        g_string_append_c(out, ' ');
        tcpx_append(out, unit);
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
    if (ns > 0 && ns < NS_PER_US / 2)
        tcpx_append(out, "under 0.001 ms"); /* not "0.000 ms": some time did pass */
    else if (ns < NS_PER_MS)
        append_fixed(out, ns, NS_PER_US, 3, "ms");
    else if (ns < 10 * NS_PER_MS)
        append_fixed(out, ns, 100 * NS_PER_US, 1, "ms");
    else if (ns < NS_PER_S) {
        char buf[20], *end = buf + sizeof buf, *p = uint_digits((guint64)((ns + NS_PER_MS / 2) / NS_PER_MS), end);
        tcpx_append_len(out, p, (gsize)(end - p));
        tcpx_append(out, " ms");
    } else if (ns < 60 * NS_PER_S)
        append_fixed(out, ns, 10 * NS_PER_MS, 2, "s");
    else if (ns < 3600 * NS_PER_S)
        g_string_append_printf(out, "%" G_GINT64_FORMAT " min %" G_GINT64_FORMAT " s", ns / (60 * NS_PER_S),
                               (ns / NS_PER_S) % 60);
    else if (ns < NS_PER_S * 3600 * 48)
        g_string_append_printf(out, "%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min", ns / (3600 * NS_PER_S),
                               (ns / (60 * NS_PER_S)) % 60);
    else /* a capture's clock, not a network's delay */
        g_string_append_printf(out, "%" G_GINT64_FORMAT " days", ns / (NS_PER_S * 3600 * 24));
}

void
tcpx_append_uint(GString *out, guint64 v)
{
    char buf[20], *end = buf + sizeof buf, *p = uint_digits(v, end);
    tcpx_append_len(out, p, (gsize)(end - p));
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
    tcpx_append_len(out, p, (gsize)(end - p));
}

void
tcpx_format_bytes(GString *out, guint64 bytes)
{
    append_thousands(out, bytes);
    tcpx_append(out, bytes == 1 ? " byte" : " bytes");
}

/* ---- SYN options ---------------------------------------------------------- */

/* The words of the SYN options, long (explanations) and short (summaries).  A NULL
 * word says nothing: the short form names only what is there. */
typedef struct {
    const char *cut; /* the capture cut the options short */
    const char *mss, *mss_unit, *no_mss;
    const char *wscale;    /* then the multiplier */
    gboolean wscale_shift; /* then " (shift N)" */
    const char *no_wscale;
    const char *sack, *no_sack, *ts, *tfo, *ecn;
} syn_words_t;

/* clang-format off */
static const syn_words_t syn_words[] = {
    { "options not captured (the capture cut the header short)", "MSS ", " bytes", "no MSS (536 bytes assumed)",
      ", window scale x", TRUE, ", no window scaling", ", SACK permitted", ", no SACK", ", timestamps", ", Fast Open", ", ECN" },
    { "options not captured", "MSS ", "", "no MSS",
      ", WS x", FALSE, NULL, ", SACK", NULL, ", TS", ", TFO", ", ECN" },
};
/* clang-format on */

static void
append_word(GString *out, const char *word)
{
    if (word)
        tcpx_append(out, word);
}

void
tcpx_format_syn_opts(GString *out, const tcpx_syn_opts_t *o, gboolean short_words)
{
    const syn_words_t *w = &syn_words[short_words ? 1 : 0];
    if (o->flags & TCPX_SYN_CUT) {
        tcpx_append(out, w->cut);
        return;
    }
    if (o->mss) {
        tcpx_append(out, w->mss);
        tcpx_append_uint(out, o->mss);
        tcpx_append(out, w->mss_unit);
    } else {
        tcpx_append(out, w->no_mss);
    }
    if (o->wscale >= 0) {
        tcpx_append(out, w->wscale);
        tcpx_append_uint(out, 1u << MIN(o->wscale, 14));
        if (w->wscale_shift)
            g_string_append_printf(out, " (shift %d)", o->wscale);
    } else {
        append_word(out, w->no_wscale);
    }
    append_word(out, (o->flags & TCPX_SYN_SACK) ? w->sack : w->no_sack);
    if (o->flags & TCPX_SYN_TS)
        tcpx_append(out, w->ts);
    if (o->flags & TCPX_SYN_TFO)
        tcpx_append(out, w->tfo);
    if (o->flags & TCPX_SYN_ECN)
        tcpx_append(out, w->ecn);
}

void
tcpx_format_syn_options(GString *out, const tcpx_side_t *side)
{
    tcpx_syn_opts_t o = tcpx_syn_opts_of(side);
    tcpx_format_syn_opts(out, &o, FALSE);
}

void
tcpx_format_syn_options_short(GString *out, const tcpx_side_t *side)
{
    tcpx_syn_opts_t o = tcpx_syn_opts_of(side);
    tcpx_format_syn_opts(out, &o, TRUE);
}

void
tcpx_format_negotiated_opts(GString *out, const tcpx_syn_opts_t *c, const tcpx_syn_opts_t *s)
{
    if ((c->flags | s->flags) & TCPX_SYN_CUT) {
        tcpx_append(out, "unknown: the capture cut the handshake's options short");
        return;
    }
    if (c->mss || s->mss)
        g_string_append_printf(out, "segments up to %u bytes toward the server and %u toward the client",
                               s->mss ? s->mss : 536, c->mss ? c->mss : 536);
    if (c->wscale >= 0 && s->wscale >= 0)
        g_string_append_printf(out, "; window scaling on (client x%u, server x%u)", 1u << MIN(c->wscale, 14),
                               1u << MIN(s->wscale, 14));
    else
        tcpx_append(out, "; no window scaling (windows capped at 64 KB)");
    tcpx_append(out, (c->flags & s->flags & TCPX_SYN_SACK) ? "; SACK on both sides"
                                                           : "; no SACK (both sides must permit it)");
    if (c->flags & TCPX_SYN_ECN)
        tcpx_append(out, (s->flags & TCPX_SYN_ECN) ? "; ECN on" : "; ECN offered but not accepted");
}

void
tcpx_format_negotiated(GString *out, const tcpx_side_t *client, const tcpx_side_t *server)
{
    tcpx_syn_opts_t c = tcpx_syn_opts_of(client), s = tcpx_syn_opts_of(server);
    tcpx_format_negotiated_opts(out, &c, &s);
}
