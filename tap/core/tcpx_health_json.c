/* tcpx_health_json.c: one JSON object per stream and line (-z tcpx,health,json),
 * its keys the rows of tcpx_health_columns() marked TCPX_HC_JSON, in their order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health.h"
#include "tcpx_health_int.h"
#include "tcpx_health_columns.h"
#include "tcpx_units.h"

static void
json_key(GString *out, const char *key)
{
    if (out->len && out->str[out->len - 1] != '{')
        g_string_append_c(out, ',');
    g_string_append_printf(out, "\"%s\":", key);
}

static void
json_string(GString *out, const char *v)
{
    g_string_append_c(out, '"');
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        if (*c == '"' || *c == '\\')
            g_string_append_printf(out, "\\%c", *c);
        else if (*c < 0x20)
            g_string_append_printf(out, "\\u%04x", *c);
        else
            g_string_append_c(out, (char)*c);
    }
    g_string_append_c(out, '"');
}

static void
json_fixed(GString *out, double v, const char *fmt)
{
    char b[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append(out, g_ascii_formatd(b, sizeof b, fmt, v));
}

/* The anomaly counts, keyed by the kinds' names (the values of tcpx.anomaly). */
static void
json_kind_counts(GString *out, const guint32 *counts)
{
    g_string_append_c(out, '{');
    for (guint k = 0; k < TCPX_K_N_ANOMALIES; k++) {
        json_key(out, tcpx_kind_info((tcpx_kind_t)k)->name);
        g_string_append_printf(out, "%u", counts[k]);
    }
    g_string_append_c(out, '}');
}

static void
json_value(GString *out, const tcpx_health_column_t *c, const tcpx_health_value_t *v)
{
    if (!v->known || (c->unit == TCPX_HU_MS && v->v.num < 0)) {
        g_string_append(out, "null");
        return;
    }
    switch (c->unit) {
    case TCPX_HU_COUNT: g_string_append_printf(out, "%" G_GUINT64_FORMAT, v->v.count); break;
    case TCPX_HU_INT: g_string_append_printf(out, "%" G_GINT64_FORMAT, v->v.num); break;
    case TCPX_HU_FLAG: g_string_append(out, v->v.flag ? "true" : "false"); break;
    case TCPX_HU_TEXT:
    case TCPX_HU_ENDPOINT: json_string(out, v->v.text); break;
    case TCPX_HU_POSITION: json_string(out, tcpx_position_name(v->v.position)); break;
    case TCPX_HU_PAIR: g_string_append_printf(out, "[%u,%u]", v->v.pair[0], v->v.pair[1]); break;
    case TCPX_HU_SECONDS: json_fixed(out, (double)v->v.num / NS_PER_S, "%.6f"); break;
    case TCPX_HU_MS: json_fixed(out, (double)v->v.num / NS_PER_MS, "%.3f"); break;
    case TCPX_HU_PERCENT: json_fixed(out, v->v.real, "%.3f"); break;
    case TCPX_HU_KIND_COUNTS: json_kind_counts(out, v->v.counts); break;
    }
}

void
tcpx_health_render_json_line(const tcpx_health_stream_t *s, GString *out)
{
    guint n;
    const tcpx_health_column_t *cols = tcpx_health_columns(&n);
    tcpx_health_value_t v;

    g_string_append_c(out, '{');
    for (guint i = 0; i < n; i++) {
        if (!(cols[i].flags & TCPX_HC_JSON))
            continue;
        tcpx_health_column_get(&cols[i], s, &v);
        json_key(out, cols[i].key);
        json_value(out, &cols[i], &v);
    }
    g_string_append(out, "}\n");
}

void
tcpx_health_render_json(const tcpx_health_t *h, GString *out)
{
    if (tcpx_health_analysis_off(h)) {
        /* One top-level object first: nothing below is judged. */
        g_string_append(out, "{\"tcpx_not_judged\":\"tcp_analysis_off\",\"message\":");
        json_string(out, TCPX_HEALTH_ANALYSIS_OFF_TEXT);
        g_string_append(out, "}\n");
    }
    for (guint i = 0; i < tcpx_health_count(h); i++) {
        tcpx_health_render_json_line(tcpx_health_nth(h, i), out);
        tcpx_health_drain(h, out);
    }
}
