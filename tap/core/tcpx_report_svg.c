/* tcpx_report_svg.c: the pictures of one stream in the HTML report (plain C, no epan).
 *
 * The time-sequence picture shows the stream's main data direction (the side
 * that sent more payload; the server on a tie): x is the time since the
 * stream's first frame, y the relative sequence number.  Each segment sent is
 * a vertical tick from its first to its last byte; the other side's ACK
 * number is a step line, the receive window's edge (ACK + window) a dashed
 * step line; zero-window periods are shaded; every anomaly of the stream
 * (either direction) is a marker whose title names its frame(s), time, byte
 * range, cause and related frames; a retransmission's first transmission is
 * a hollow ring joined to it; resets also draw a vertical line.  Under it the
 * RTT of that direction's data over the same time axis.  Colours and shapes
 * come from kind_style[] (the document's style sheet is made from it too).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_report_int.h"
#include "tcpx_explain.h"

#define W 960
#define PL 78 /* left margin: y tick labels and the axis title */
#define PR 16
#define PB 44        /* bottom: x tick labels and the axis title */
#define LEGEND_W 236 /* one legend entry */
#define LEGEND_H 17
#define SEQ_H 300 /* plot height of the time-sequence picture */
#define RTT_H 110

typedef enum {
    SH_CIRCLE,
    SH_RING,
    SH_SQUARE,
    SH_DIAMOND,
    SH_TRIANGLE,
    SH_CROSS
} shape_t;

typedef struct {
    const char *colour;
    shape_t shape;
    double size;
} kind_style_t;

/* One row per anomaly kind (tcpx_kind_t order); the legend uses the kinds table's titles. */
/* clang-format off */
static const kind_style_t kind_style[TCPX_K_N_ANOMALIES] = {
    [TCPX_K_RETRANSMISSION]          = { "#d62728", SH_CIRCLE,   4.0 },
    [TCPX_K_FAST_RETRANSMISSION]     = { "#ff7f0e", SH_CIRCLE,   4.0 },
    [TCPX_K_SPURIOUS_RETRANSMISSION] = { "#9467bd", SH_RING,     4.0 },
    [TCPX_K_OUT_OF_ORDER]            = { "#8c564b", SH_DIAMOND,  4.5 },
    [TCPX_K_LOST_SEGMENT]            = { "#111111", SH_CROSS,    4.5 },
    [TCPX_K_ACKED_UNSEEN]            = { "#7f7f7f", SH_CROSS,    4.0 },
    [TCPX_K_DUP_ACK]                 = { "#2ca02c", SH_TRIANGLE, 3.5 },
    [TCPX_K_ZERO_WINDOW]             = { "#1f3fbf", SH_SQUARE,   4.0 },
    [TCPX_K_ZERO_WINDOW_PROBE]       = { "#1f77b4", SH_RING,     3.5 },
    [TCPX_K_ZERO_WINDOW_PROBE_ACK]   = { "#1f77b4", SH_TRIANGLE, 3.0 },
    [TCPX_K_WINDOW_FULL]             = { "#17becf", SH_SQUARE,   3.5 },
    [TCPX_K_WINDOW_UPDATE]           = { "#17becf", SH_TRIANGLE, 3.0 },
    [TCPX_K_KEEP_ALIVE]              = { "#bcbd22", SH_RING,     3.0 },
    [TCPX_K_KEEP_ALIVE_ACK]          = { "#bcbd22", SH_TRIANGLE, 3.0 },
    [TCPX_K_REUSED_PORTS]            = { "#7f7f7f", SH_DIAMOND,  4.0 },
    [TCPX_K_TFO_SYN]                 = { "#7f7f7f", SH_RING,     3.5 },
    [TCPX_K_TFO_ACK]                 = { "#7f7f7f", SH_TRIANGLE, 3.5 },
    [TCPX_K_TFO_IGNORED]             = { "#7f7f7f", SH_CROSS,    3.5 },
    [TCPX_K_RESET]                   = { "#c00000", SH_SQUARE,   5.0 },
    [TCPX_K_CHECKSUM]                = { "#e377c2", SH_CROSS,    4.5 },
    [TCPX_K_CAPTURE_COPY]            = { "#bbbbbb", SH_CROSS,    4.5 },
    [TCPX_K_BEYOND_WINDOW]           = { "#e6550d", SH_SQUARE,   4.5 },
};
/* clang-format on */

/* The series' legend entries: label, then how the swatch is drawn. */
/* clang-format off */
static const struct { const char *label, *swatch; } series_legend[] = {
    { "Data sent (seq to seq + len)", "<path d=\"M6 -6V6\" class=\"sent\"/>" },
    { "Acknowledged (ACK number)", "<path d=\"M0 0H14\" class=\"ack\"/>" },
    { "Receive window edge (ACK + window)", "<path d=\"M0 0H14\" class=\"win\"/>" },
    { "Zero window advertised", "<rect x=\"0\" y=\"-6\" width=\"14\" height=\"12\" class=\"zw\"/>" },
    { "First transmission of resent bytes", "<circle cx=\"7\" cy=\"0\" r=\"3.5\" class=\"orig\"/>" },
};
/* clang-format on */

/* Axis titles; the sequence axis names the data's direction and unit. */
#define TIME_AXIS_TITLE "Time since the stream's first frame (s)"
#define SEQ_AXIS_TITLE_FMT "Relative sequence number, %s data (%s)"
#define RTT_AXIS_TITLE "RTT of that data (ms)"

/* clang-format off */
static const struct { double div; const char *unit; } byte_units[] = {
    { 1.0, "bytes" }, { 1e3, "kB" }, { 1e6, "MB" }, { 1e9, "GB" },
};
/* clang-format on */

typedef struct {
    double t0, span; /* seconds */
    double ymax;     /* in the series' unit */
    int top, height; /* plot area, pixels from the svg's top */
} scale_t;

static void
num(GString *out, double v)
{
    tcpx_report_append_fixed(out, v, 1);
}

static double
sx(const scale_t *sc, double t)
{
    double f = (t - sc->t0) / sc->span;
    return PL + CLAMP(f, 0.0, 1.0) * (W - PL - PR);
}

static double
sy(const scale_t *sc, double v)
{
    double f = sc->ymax > 0 ? v / sc->ymax : 0.0;
    return sc->top + sc->height - CLAMP(f, 0.0, 1.0) * sc->height;
}

static double
secs(const rstream_t *rs, gint64 t)
{
    return t <= rs->t0 ? 0.0 : (double)(t - rs->t0) / 1e9;
}

/* A step of 1, 2 or 5 x 10^k giving about `ticks` ticks over range; decimals to print it. */
static double
nice_step(double range, int ticks, int *decimals)
{
    double raw = range / ticks, step = 1.0, s;
    int dec = 0;
    while (step * 10 <= raw)
        step *= 10;
    while (step > raw && step > 1e-9)
        step /= 10;
    if (step * 5 <= raw)
        step *= 5;
    else if (step * 2 <= raw)
        step *= 2;
    for (s = step; s < 0.999999 && dec < 9; s *= 10)
        dec++;
    *decimals = dec;
    return step;
}

static void
axes(GString *out, const scale_t *sc, double xrange, double yrange, const char *ytitle, gboolean xlabels)
{
    int dec, i;
    double step, v;
    int bottom = sc->top + sc->height;

    g_string_append(out, "<g class=\"axis\"><path class=\"grid\" d=\"");
    step = nice_step(yrange, 5, &dec);
    for (v = 0, i = 0; v <= yrange * 1.0001 && i < 20; v += step, i++) {
        g_string_append_printf(out, "M%d ", PL);
        num(out, sy(sc, v));
        g_string_append_printf(out, "H%d", W - PR);
    }
    g_string_append(out, "\"/>");
    for (v = 0, i = 0; v <= yrange * 1.0001 && i < 20; v += step, i++) {
        g_string_append_printf(out, "<text x=\"%d\" y=\"", PL - 6);
        num(out, sy(sc, v) + 4);
        g_string_append(out, "\" text-anchor=\"end\">");
        tcpx_report_append_fixed(out, v, dec);
        g_string_append(out, "</text>");
    }
    step = nice_step(xrange, 8, &dec);
    for (v = 0, i = 0; v <= xrange * 1.0001 && i < 30; v += step, i++) {
        double x = sx(sc, sc->t0 + v);
        g_string_append(out, "<path class=\"tick\" d=\"M");
        num(out, x);
        g_string_append_printf(out, " %dv5\"/>", bottom);
        if (!xlabels)
            continue;
        g_string_append(out, "<text x=\"");
        num(out, x);
        g_string_append_printf(out, "\" y=\"%d\" text-anchor=\"middle\">", bottom + 17);
        tcpx_report_append_fixed(out, v, dec);
        g_string_append(out, "</text>");
    }
    g_string_append_printf(out, "<path class=\"frame\" d=\"M%d %dV%dH%d\"/>", PL, sc->top, bottom, W - PR);
    if (xlabels) {
        g_string_append_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", (PL + W - PR) / 2, bottom + 36);
        tcpx_report_escape(out, TIME_AXIS_TITLE);
        g_string_append(out, "</text>");
    }
    g_string_append_printf(out, "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">",
                           sc->top + sc->height / 2);
    tcpx_report_escape(out, ytitle);
    g_string_append(out, "</text></g>");
}

/* A relative path command: "l1.5 -2.0". */
static void
rel(GString *out, char cmd, double a, double b)
{
    g_string_append_c(out, cmd);
    num(out, a);
    g_string_append_c(out, ' ');
    num(out, b);
}

static void
shape(GString *out, shape_t sh, double x, double y, double r, const char *cls)
{
    switch (sh) {
    case SH_CIRCLE:
    case SH_RING:
        g_string_append(out, "<circle cx=\"");
        num(out, x);
        g_string_append(out, "\" cy=\"");
        num(out, y);
        g_string_append(out, "\" r=\"");
        num(out, r);
        break;
    case SH_SQUARE:
        g_string_append(out, "<rect x=\"");
        num(out, x - r);
        g_string_append(out, "\" y=\"");
        num(out, y - r);
        g_string_append(out, "\" width=\"");
        num(out, 2 * r);
        g_string_append(out, "\" height=\"");
        num(out, 2 * r);
        break;
    default:
        g_string_append(out, "<path d=\"M");
        num(out, x);
        g_string_append_c(out, ' ');
        num(out, y - r);
        if (sh == SH_DIAMOND) {
            rel(out, 'l', r, r);
            rel(out, 'l', -r, r);
            rel(out, 'l', -r, -r);
            g_string_append_c(out, 'z');
        } else if (sh == SH_TRIANGLE) {
            rel(out, 'l', r, 2 * r);
            rel(out, 'l', -2 * r, 0);
            g_string_append_c(out, 'z');
        } else {
            rel(out, 'm', -r, 0);
            rel(out, 'l', 2 * r, 2 * r);
            rel(out, 'm', 0, -2 * r);
            rel(out, 'l', -2 * r, 2 * r);
        }
        break;
    }
    g_string_append_printf(out, "\" class=\"%s\">", cls);
}

/* An anomaly kind's title, as the packet tree shows it. */
static const char *
kind_title(guint kind)
{
    return tcpx_kind_info((tcpx_kind_t)kind)->title;
}

static const char *
side_word(guint8 from_client)
{
    return from_client ? "client" : "server";
}

/* The marker's title: frame(s), time(s), what, by whom, bytes, cause, related frames. */
static void
event_title(GString *out, const rstream_t *rs, const revent_t *e)
{
    const tcpx_cause_info_t *ci = e->cause ? tcpx_cause_info((tcpx_cause_t)e->cause) : NULL;
    GString *t = g_string_new(NULL);

    if (e->count > 1) {
        g_string_append_printf(t, "frames %u-%u, ", e->frame, e->frame_last);
        tcpx_report_append_fixed(t, secs(rs, e->t), 6);
        g_string_append(t, "-");
        tcpx_report_append_fixed(t, secs(rs, e->t_last), 6);
        g_string_append_printf(t, " s: %u x %s", e->count, kind_title(e->kind));
    } else {
        g_string_append_printf(t, "frame %u, ", e->frame);
        tcpx_report_append_fixed(t, secs(rs, e->t), 6);
        g_string_append_printf(t, " s: %s", kind_title(e->kind));
    }
    g_string_append_printf(t, " (sent by the %s)", side_word(e->from_client));
    if (e->hi)
        g_string_append_printf(t, ", bytes %u-%u", e->lo, e->hi);
    if (ci && ci->label)
        g_string_append_printf(t, "; cause: %s", ci->label);
    if (e->orig_frame)
        g_string_append_printf(t, "; first sent in frame %u", e->orig_frame);
    for (guint i = 0; i < e->n_rel; i++)
        g_string_append_printf(t, i ? ", %u" : "; related frames %u", e->rel[i]);
    g_string_append(out, "<title>");
    tcpx_report_escape(out, t->str);
    g_string_append(out, "</title>");
    g_string_free(t, TRUE);
}

static double
event_y(const revent_t *e, int d, double div)
{
    if (e->from_client == (d == 0))
        return (e->hi ? e->lo : e->seq) / div;
    return e->ack / div;
}

static void
draw_events(GString *out, const rstream_t *rs, const scale_t *sc, int d, double div)
{
    for (guint i = 0; i < rs->events->len; i++) {
        const revent_t *e = &g_array_index(rs->events, revent_t, i);
        const kind_style_t *ks = &kind_style[e->kind < TCPX_K_N_ANOMALIES ? e->kind : TCPX_K_CHECKSUM];
        double x = sx(sc, secs(rs, e->t)), y = sy(sc, event_y(e, d, div));
        char cls[16];

        if (e->kind == TCPX_K_RESET) {
            g_string_append(out, "<path class=\"rst\" d=\"M");
            num(out, x);
            g_string_append_printf(out, " %dV%d\"/>", sc->top, sc->top + sc->height);
        }
        if (e->orig_frame && e->count == 1) {
            double ox = sx(sc, secs(rs, e->t - e->orig_age));
            g_string_append(out, "<path class=\"link\" d=\"M");
            num(out, ox);
            g_string_append_c(out, ' ');
            num(out, y);
            g_string_append(out, "H");
            num(out, x);
            g_string_append(out, "\"/><circle class=\"orig\" cx=\"");
            num(out, ox);
            g_string_append(out, "\" cy=\"");
            num(out, y);
            g_string_append_printf(
                out,
                "\" r=\"3.5\"><title>frame %u: first transmission of the bytes frame %u sent again</title></circle>",
                e->orig_frame, e->frame);
        }
        g_snprintf(cls, sizeof cls, "m k%u%s", e->kind, ks->shape == SH_RING ? " ring" : "");
        shape(out, ks->shape, x, y, ks->size + (e->count > 1 ? 1.5 : 0.0), cls);
        event_title(out, rs, e);
        g_string_append(out, ks->shape == SH_CIRCLE || ks->shape == SH_RING ? "</circle>"
                             : ks->shape == SH_SQUARE                       ? "</rect>"
                                                                            : "</path>");
    }
}

static void
draw_zero_windows(GString *out, const rstream_t *rs, const scale_t *sc)
{
    for (int side = 0; side < 2; side++) {
        for (guint i = 0; i < rs->zw[side]->len; i++) {
            const rzw_t *z = &g_array_index(rs->zw[side], rzw_t, i);
            double x0 = sx(sc, secs(rs, z->t0)), x1 = sx(sc, secs(rs, z->frame1 ? z->t1 : rs->t_max));
            g_string_append(out, "<rect class=\"zw\" x=\"");
            num(out, x0);
            g_string_append_printf(out, "\" y=\"%d\" width=\"", sc->top);
            num(out, MAX(x1 - x0, 1.5));
            g_string_append_printf(out, "\" height=\"%d\"><title>", sc->height);
            GString *t = g_string_new(NULL);
            g_string_append_printf(t, "Zero window advertised by the %s from frame %u", side_word(side == 0),
                                   z->frame0);
            if (z->frame1)
                g_string_append_printf(t, " to frame %u (", z->frame1);
            else
                g_string_append(t, " to the end of the stream (");
            tcpx_report_append_fixed(t, (double)((z->frame1 ? z->t1 : rs->t_max) - z->t0) / 1e9, 3);
            g_string_append(t, " s)");
            tcpx_report_escape(out, t->str);
            g_string_free(t, TRUE);
            g_string_append(out, "</title></rect>");
        }
    }
}

/* Step line through the points' y (aux: the window's edge). */
static void
draw_steps(GString *out, const rstream_t *rs, const scale_t *sc, const rseries_t *s, gboolean aux, double div,
           const char *cls)
{
    const rpt_t *p = (const rpt_t *)(const void *)s->pts->data;
    if (s->pts->len == 0)
        return;
    g_string_append_printf(out, "<path class=\"%s\" d=\"M", cls);
    for (guint i = 0; i < s->pts->len; i++) {
        double x = sx(sc, secs(rs, p[i].t)), y = sy(sc, (aux ? p[i].aux : p[i].y) / div);
        if (i)
            g_string_append_c(out, 'H');
        num(out, x);
        g_string_append_c(out, i ? 'V' : ' ');
        num(out, y);
    }
    g_string_append(out, "\"/>");
}

static void
draw_sent(GString *out, const rstream_t *rs, const scale_t *sc, const rseries_t *s, double div)
{
    const rpt_t *p = (const rpt_t *)(const void *)s->pts->data;
    if (s->pts->len == 0)
        return;
    g_string_append(out, "<path class=\"sent\" d=\"");
    for (guint i = 0; i < s->pts->len; i++) {
        double y0 = sy(sc, p[i].aux / div), y1 = sy(sc, p[i].y / div);
        g_string_append_c(out, 'M');
        num(out, sx(sc, secs(rs, p[i].t)));
        g_string_append_c(out, ' ');
        num(out, y0 + 1.0);
        g_string_append_c(out, 'V');
        num(out, MIN(y1, y0 - 1.0));
    }
    g_string_append(out, "\"/>");
}

static void
legend(GString *out, const rstream_t *rs, int *height)
{
    guint32 present = 0;
    guint n = 0, i;
    for (i = 0; i < rs->events->len; i++)
        present |= 1u << g_array_index(rs->events, revent_t, i).kind;
    g_string_append(out, "<g class=\"legend\">");
    for (i = 0; i < G_N_ELEMENTS(series_legend) + TCPX_K_N_ANOMALIES; i++, n++) {
        guint k = i - (guint)G_N_ELEMENTS(series_legend);
        int x = 8 + (int)(n % 4) * LEGEND_W, y = 14 + (int)(n / 4) * LEGEND_H;
        if (i >= G_N_ELEMENTS(series_legend) && !(present & (1u << k))) {
            n--;
            continue;
        }
        g_string_append_printf(out, "<g transform=\"translate(%d %d)\">", x, y - 4);
        if (i < G_N_ELEMENTS(series_legend)) {
            g_string_append(out, series_legend[i].swatch);
        } else {
            char cls[16];
            g_snprintf(cls, sizeof cls, "m k%u%s", k, kind_style[k].shape == SH_RING ? " ring" : "");
            shape(out, kind_style[k].shape, 7, 0, kind_style[k].size, cls);
            g_string_append(out, kind_style[k].shape == SH_CIRCLE || kind_style[k].shape == SH_RING ? "</circle>"
                                 : kind_style[k].shape == SH_SQUARE                                 ? "</rect>"
                                                                                                    : "</path>");
        }
        g_string_append(out, "<text x=\"20\" y=\"4\">");
        tcpx_report_escape(out, i < G_N_ELEMENTS(series_legend) ? series_legend[i].label : kind_title(k));
        g_string_append(out, "</text></g>");
    }
    g_string_append(out, "</g>");
    *height = 14 + (int)((n + 3) / 4) * LEGEND_H;
}

static double
series_max(const rseries_t *s, gboolean aux)
{
    guint32 m = 0;
    for (guint i = 0; i < s->pts->len; i++) {
        const rpt_t *p = &g_array_index(s->pts, rpt_t, i);
        m = MAX(m, aux ? p->aux : p->y);
    }
    return m;
}

static void
rtt_picture(GString *out, const rstream_t *rs, const rseries_t *s, const scale_t *seq)
{
    scale_t sc = *seq;
    const rpt_t *p = (const rpt_t *)(const void *)s->pts->data;
    guint i, top = 0;
    if (s->pts->len == 0)
        return;
    sc.top = 10;
    sc.height = RTT_H;
    sc.ymax = series_max(s, FALSE) / 1000.0 * 1.1;
    if (sc.ymax <= 0)
        sc.ymax = 1;
    g_string_append_printf(out, "<svg class=\"rtt\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">", W,
                           sc.top + RTT_H + PB, W, sc.top + RTT_H + PB);
    axes(out, &sc, sc.span, sc.ymax, RTT_AXIS_TITLE, TRUE);
    g_string_append(out, "<path class=\"rttl\" d=\""); /* one dot per sample */
    for (i = 0; i < s->pts->len; i++) {
        g_string_append_c(out, 'M');
        num(out, sx(&sc, secs(rs, p[i].t)));
        g_string_append_c(out, ' ');
        num(out, sy(&sc, p[i].y / 1000.0));
        g_string_append(out, "h0");
        if (p[i].y > p[top].y)
            top = i;
    }
    g_string_append(out, "\"/><circle class=\"rttmax\" cx=\"");
    num(out, sx(&sc, secs(rs, p[top].t)));
    g_string_append(out, "\" cy=\"");
    num(out, sy(&sc, p[top].y / 1000.0));
    g_string_append_printf(out, "\" r=\"3.5\"><title>frame %u: the largest RTT, ", p[top].aux);
    tcpx_report_append_fixed(out, p[top].y / 1000.0, 3);
    g_string_append(out, " ms</title></circle></svg>\n");
}

void
tcpx_report_render_svg(const rstream_t *rs, const tcpx_health_stream_t *s, GString *out)
{
    int d = s->bytes[0] > s->bytes[1] ? 0 : 1, legend_h, u = 0;
    double top_seq = MAX((double)rs->seq_max[d], series_max(&rs->acked[d], FALSE));
    scale_t sc;
    GString *svg = g_string_new(NULL), *title = g_string_new(NULL);

    while (u + 1 < (int)G_N_ELEMENTS(byte_units) && top_seq >= byte_units[u + 1].div * 10)
        u++;
    legend(svg, rs, &legend_h);
    sc.t0 = 0;
    sc.span = MAX(secs(rs, rs->t_max), 1e-3);
    sc.ymax = MAX(top_seq * 1.08, 1.0) / byte_units[u].div;
    sc.top = legend_h + 8;
    sc.height = SEQ_H;
    g_string_append_printf(title, SEQ_AXIS_TITLE_FMT, d ? "server \xe2\x86\x92 client" : "client \xe2\x86\x92 server",
                           byte_units[u].unit);
    axes(svg, &sc, sc.span, sc.ymax, title->str, TRUE);
    draw_zero_windows(svg, rs, &sc);
    draw_steps(svg, rs, &sc, &rs->acked[d], TRUE, byte_units[u].div, "win");
    draw_steps(svg, rs, &sc, &rs->acked[d], FALSE, byte_units[u].div, "ack");
    draw_sent(svg, rs, &sc, &rs->sent[d], byte_units[u].div);
    draw_events(svg, rs, &sc, d, byte_units[u].div);
    g_string_append_printf(out, "<svg class=\"seq\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">", W,
                           sc.top + SEQ_H + PB, W, sc.top + SEQ_H + PB);
    g_string_append_len(out, svg->str, (gssize)svg->len);
    g_string_append(out, "</svg>\n");
    rtt_picture(out, rs, &rs->rtt[d], &sc);
    g_string_free(svg, TRUE);
    g_string_free(title, TRUE);
}

/* The style sheet's marker colours, from kind_style[]. */
void
tcpx_report_marker_css(GString *out)
{
    for (guint k = 0; k < TCPX_K_N_ANOMALIES; k++)
        g_string_append_printf(out, ".k%u{fill:%s;stroke:%s}", k, kind_style[k].colour, kind_style[k].colour);
    g_string_append(out, ".ring{fill:#fff}\n");
}
