/* tcpx_report_html.c: the HTML report's document and stream table (plain C, no epan).
 *
 * One self-contained file: style sheet, table, paragraphs, inline SVG and a
 * small sort script are all inside it; nothing is fetched (no URL at all
 * except the in-page "#s<stream>" links).  Every string that comes from the
 * capture (addresses, the verdict texts that quote them) goes through
 * tcpx_report_escape().  The verdict paragraphs are the health report's own
 * (tcpx_health_render_paragraph()), unwrapped.  Optional end tags (</td>,
 * </tr>) are left out to keep large tables small.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_report_int.h"
#include "tcpx_health_columns.h"

void
tcpx_report_escape(GString *out, const char *text)
{
    const char *p, *run;
    if (!text)
        return;
    for (p = run = text; *p; p++) {
        const char *rep;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if ((guchar)*p < 0x20 && *p != '\t' && *p != '\n')
                rep = "";
            else
                continue;
        }
        g_string_append_len(out, run, p - run);
        g_string_append(out, rep);
        run = p + 1;
    }
    g_string_append_len(out, run, p - run);
}

/* v with `decimals` decimals, rounded half away from zero; no locale, no printf. */
void
tcpx_report_append_fixed(GString *out, double v, int decimals)
{
    char buf[40], *w = buf + sizeof buf;
    gint64 scale = 1, n;
    gboolean neg = v < 0;
    int i;

    decimals = CLAMP(decimals, 0, 9);
    for (i = 0; i < decimals; i++)
        scale *= 10;
    if (!(v == v))
        v = 0;
    if (neg)
        v = -v;
    if (v * scale > 9e17)
        v = 9e17 / scale;
    n = (gint64)(v * scale + 0.5);
    neg = neg && n != 0;
    i = 0;
    do {
        if (i == decimals && decimals)
            *--w = '.';
        *--w = (char)('0' + n % 10);
        n /= 10;
        i++;
    } while (n > 0 || i <= decimals);
    if (neg)
        *--w = '-';
    g_string_append_len(out, w, buf + sizeof buf - w);
}

/* ---- the stream table ------------------------------------------------------ */

/* The text table's columns (tcpx_health_table_columns()), in HTML: unknown is
 * empty (times read "-", as in the paragraphs), the client is marked
 * " (guessed)", an unhealthy stream's number links to its section. */
static void
append_cell(GString *out, const tcpx_health_column_t *c, const tcpx_health_stream_t *s)
{
    tcpx_health_value_t v;

    tcpx_health_column_get(c, s, &v);
    if (c->unit == TCPX_HU_ENDPOINT) {
        tcpx_report_escape(out, v.known ? v.v.text : "?");
        if ((c->flags & TCPX_HC_GUESS_MARK) && s->roles_guessed)
            g_string_append(out, " (guessed)");
        return;
    }
    if (c->unit == TCPX_HU_MS) {
        char b[32];
        g_string_append(out, tcpx_health_ms_text(v.known ? v.v.num : -1, b, sizeof b));
        return;
    }
    if (!v.known)
        return;
    switch (c->unit) {
    case TCPX_HU_COUNT:
        if ((c->flags & TCPX_HC_LINK) && tcpx_health_unhealthy(s))
            g_string_append_printf(out, "<a href=\"#s%" G_GUINT64_FORMAT "\">%" G_GUINT64_FORMAT "</a>", v.v.count,
                                   v.v.count);
        else
            g_string_append_printf(out, "%" G_GUINT64_FORMAT, v.v.count);
        break;
    case TCPX_HU_INT: g_string_append_printf(out, "%" G_GINT64_FORMAT, v.v.num); break;
    case TCPX_HU_PAIR: g_string_append_printf(out, "%u/%u", v.v.pair[0], v.v.pair[1]); break;
    case TCPX_HU_SECONDS: tcpx_report_append_fixed(out, (double)v.v.num / 1e9, 3); break;
    case TCPX_HU_PERCENT: tcpx_report_append_fixed(out, v.v.real, 2); break;
    case TCPX_HU_POSITION: g_string_append(out, tcpx_position_name(v.v.position)); break;
    case TCPX_HU_TEXT: tcpx_report_escape(out, v.v.text); break;
    default: break;
    }
}

/* Sorted as numbers, right-aligned ("0/1" resets sort as text). */
static gboolean
html_numeric(const tcpx_health_column_t *c)
{
    return !tcpx_health_column_is_text(c) && c->unit != TCPX_HU_PAIR;
}

/* Header: its sort key, text or number, tooltip; headers and tooltips are plain words. */
static void
render_table(const tcpx_health_t *h, GString *out)
{
    const tcpx_health_column_t *const *cols = tcpx_health_table_columns();
    GPtrArray *by_id = tcpx_health_by_stream(h);
    guint i, c;
    g_string_append(out, "<div class=\"wrap\"><table id=\"streams\"><thead><tr>");
    for (c = 0; c < TCPX_HEALTH_TABLE_COLUMNS; c++) {
        g_string_append_printf(out, "<th data-key=\"%s\" data-type=\"%s\"", cols[c]->table.sort_key,
                               html_numeric(cols[c]) ? "num" : "text");
        if (cols[c]->table.help)
            g_string_append_printf(out, " title=\"%s\"", cols[c]->table.help);
        g_string_append_printf(out, ">%s</th>", cols[c]->table.head);
    }
    g_string_append(out, "</tr></thead>\n<tbody>\n");
    for (i = 0; i < by_id->len; i++) {
        const tcpx_health_stream_t *s = (const tcpx_health_stream_t *)g_ptr_array_index(by_id, i);
        g_string_append_printf(out, "<tr id=\"r%u\"%s>", s->stream, tcpx_health_unhealthy(s) ? " class=\"bad\"" : "");
        for (c = 0; c < TCPX_HEALTH_TABLE_COLUMNS; c++) {
            g_string_append(out, "<td>");
            append_cell(out, cols[c], s);
        }
        g_string_append_c(out, '\n');
    }
    g_string_append(out, "</tbody></table></div>\n");
    g_ptr_array_unref(by_id);
}

/* ---- the document ------------------------------------------------------------ */

static const char style_sheet[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:1.5em;color:#222;max-width:1400px}"
    "h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.6em 0 .4em;border-bottom:1px solid #ccc}"
    "h3{font-size:1.05em;margin:1.4em 0 .3em}p.meta{color:#555;margin:0}"
    "p.warn{background:#fff3cd;border:1px solid #e0c060;padding:.5em .8em;max-width:960px}"
    "table{border-collapse:collapse;font-size:12.5px}th,td{border:1px solid #ddd;padding:2px 6px;vertical-align:top}"
    "th{background:#f0f0f0;cursor:pointer;user-select:none;white-space:nowrap;position:sticky;top:0}"
    "th[aria-sort=ascending]::after{content:' \\25B2'}th[aria-sort=descending]::after{content:' \\25BC'}"
    "td{font-variant-numeric:tabular-nums}tr.bad td{background:#fff4f0}"
    "div.wrap{overflow-x:auto;max-height:80vh;overflow-y:auto}"
    "section.stream{margin-bottom:2em}p.verdict{max-width:960px}svg{display:block;font-size:11px;background:#fff}"
    ".axis text,.legend text{fill:#333}.grid{stroke:#eee}.tick,.frame{stroke:#555;fill:none}"
    ".sent{stroke:#1f77b4;stroke-width:2.2;fill:none}.ack{stroke:#2a2a2a;stroke-width:1.2;fill:none}"
    ".win{stroke:#2ca02c;stroke-width:1;stroke-dasharray:4 3;fill:none}.zw{fill:#9ecae1;fill-opacity:.35;stroke:none}"
    ".rst{stroke:#c00000;stroke-width:1.2;stroke-dasharray:2 2}.link{stroke:#999;stroke-dasharray:1 2;fill:none}"
    ".orig{fill:#fff;stroke:#d62728;stroke-width:1.2}.m{stroke-width:1.3}"
    ".rttl{stroke:#9467bd;stroke-width:3.5;stroke-linecap:round;fill:none}.rttmax{fill:#9467bd}\n";

/* Sorts the table on a header click (again: the other way); "#sort=KEY[:desc]" sorts on load. */
static const char sort_script[] =
    "(function(){var t=document.getElementById('streams');if(!t)return;"
    "var b=t.tBodies[0],h=t.tHead.rows[0].cells;"
    "function v(r,c){var s=r.cells[c].textContent;if(h[c].getAttribute('data-type')!=='num')return s.toLowerCase();"
    "var n=parseFloat(s);return isNaN(n)?-Infinity:n;}"
    "function sort(c,desc){var rs=Array.prototype.slice.call(b.rows);"
    "rs.sort(function(p,q){var x=v(p,c),y=v(q,c);var o=x<y?-1:x>y?1:0;"
    "if(!o)o=parseFloat(p.cells[0].textContent)-parseFloat(q.cells[0].textContent);return desc?-o:o;});"
    "for(var i=0;i<rs.length;i++)b.appendChild(rs[i]);"
    "for(var j=0;j<h.length;j++)h[j].removeAttribute('aria-sort');"
    "h[c].setAttribute('aria-sort',desc?'descending':'ascending');"
    "t.setAttribute('data-sorted',h[c].getAttribute('data-key')+(desc?':desc':':asc'));}"
    "for(var k=0;k<h.length;k++)(function(c){h[c].addEventListener('click',function(){"
    "sort(c,h[c].getAttribute('aria-sort')==='ascending');});})(k);"
    "var m=/sort=([a-z_]+)(:desc)?/.exec(location.hash);"
    "if(m)for(var c=0;c<h.length;c++)if(h[c].getAttribute('data-key')===m[1])sort(c,!!m[2]);})();";

/* Fixed texts of the document. */
static const char *const doc_text[] = {
    /* 0 */ "TCP stream health report",
    /* 1 */ "Streams",
    /* 2 */
    "One row per TCP stream. Click a column header to sort by it (click again to reverse); "
    "rows of unhealthy streams are tinted and their number links to the details below.",
    /* 3 */ "Unhealthy streams, worst first",
    /* 4 */
    "Each picture follows the stream's main data direction: blue ticks are the segments sent "
    "(first to last byte), the black steps the other side's acknowledgements, the dashed green "
    "steps the edge of its receive window; shaded bands are zero-window periods. Markers are "
    "anomalies: point at one to see its frame number(s), time, bytes and related frames. "
    "Under it, the RTT of that data over the same time axis.",
    /* 5 */ "All TCP streams look healthy.",
    /* 6 */ "This capture has no TCP traffic: nothing to judge.",
    /* 7 */ "No stream judged: TCP's sequence analysis is off (see above).",
};

static void
render_meta(const tcpx_health_t *h, guint unhealthy, const char *generator, GString *out)
{
    gint64 first = G_MAXINT64, last = G_MININT64;
    for (guint i = 0; i < tcpx_health_count(h); i++) {
        const tcpx_health_stream_t *s = tcpx_health_nth(h, i);
        first = MIN(first, s->first_ts);
        last = MAX(last, s->last_ts);
    }
    g_string_append_printf(out, "<p class=\"meta\">%u TCP stream%s, %u unhealthy", tcpx_health_count(h),
                           tcpx_health_count(h) == 1 ? "" : "s", unhealthy);
    if (first <= last) {
        GDateTime *a = g_date_time_new_from_unix_utc(first / G_GINT64_CONSTANT(1000000000));
        if (a) {
            gchar *txt = g_date_time_format(a, "%Y-%m-%d %H:%M:%S UTC");
            g_string_append_printf(out, "; first frame %s, ", txt);
            tcpx_report_append_fixed(out, (double)(last - first) / 1e9, 3);
            g_string_append(out, " s of traffic");
            g_free(txt);
            g_date_time_unref(a);
        }
    }
    g_string_append(out, ". Made by ");
    tcpx_report_escape(out, generator ? generator : "tcpx");
    g_string_append(out, ".</p>\n");
}

/* One unhealthy stream: heading and paragraph from the health report, then the pictures. */
static void
render_stream(tcpx_report_t *r, const tcpx_health_stream_t *s, gboolean draw, GString *out)
{
    GString *p = g_string_new(NULL), *body = g_string_new(NULL);
    const rstream_t *rs = tcpx_report_stream(r, s->stream);
    const char *nl, *q;

    tcpx_health_render_paragraph(s, p);
    nl = strchr(p->str, '\n');
    /* the paragraph is wrapped at 78 columns and indented: join its lines */
    for (q = nl ? nl + 1 : ""; *q; q++) {
        if (*q == '\n' || (*q == ' ' && (body->len == 0 || body->str[body->len - 1] == ' ')))
            continue;
        g_string_append_c(body, *q);
        if (q[1] == '\n' && q[2])
            g_string_append_c(body, ' ');
    }
    if (nl)
        g_string_truncate(p, (gsize)(nl - p->str));
    g_string_append_printf(out, "<section class=\"stream\" id=\"s%u\"><h3>", s->stream);
    tcpx_report_escape(out, p->str);
    g_string_append(out, "</h3>\n<p class=\"verdict\">");
    tcpx_report_escape(out, body->str);
    g_string_append(out, "</p>\n");
    if (draw && rs)
        tcpx_report_render_svg(rs, s, out);
    g_string_append(out, "</section>\n");
    g_string_free(p, TRUE);
    g_string_free(body, TRUE);
}

void
tcpx_report_render_html(tcpx_report_t *r, const tcpx_health_t *h, const char *generator, GString *out)
{
    GPtrArray *worst = tcpx_health_worst_first(h);
    guint i, unhealthy = 0, drawn = 0;

    tcpx_report_fit_all(r);
    for (i = 0; i < worst->len; i++)
        unhealthy += tcpx_health_unhealthy((const tcpx_health_stream_t *)g_ptr_array_index(worst, i)) ? 1 : 0;
    g_string_append_printf(out,
                           "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                           "<meta name=\"viewport\" content=\"width=device-width\">\n<title>%s</title>\n<style>",
                           doc_text[0]);
    g_string_append(out, style_sheet);
    tcpx_report_marker_css(out);
    for (i = 0; i < TCPX_HEALTH_TABLE_COLUMNS; i++) /* numbers to the right */
        if (html_numeric(tcpx_health_table_columns()[i]))
            g_string_append_printf(out, "#streams td:nth-child(%u){text-align:right}", i + 1);
    g_string_append_printf(out, "</style></head>\n<body>\n<h1>%s</h1>\n", doc_text[0]);
    render_meta(h, unhealthy, generator, out);
    if (tcpx_health_analysis_off(h)) {
        g_string_append(out, "<p class=\"warn\">");
        tcpx_report_escape(out, TCPX_HEALTH_ANALYSIS_OFF_TEXT);
        g_string_append(out, "</p>\n");
    }
    g_string_append_printf(out, "<h2>%s</h2>\n<p>%s</p>\n", doc_text[1], doc_text[2]);
    if (tcpx_health_count(h) == 0)
        g_string_append_printf(out, "<p>%s</p>\n", doc_text[6]);
    else
        render_table(h, out);
    g_string_append_printf(out, "<h2>%s</h2>\n", doc_text[3]);
    if (tcpx_health_analysis_off(h))
        g_string_append_printf(out, "<p>%s</p>\n", doc_text[7]);
    else if (unhealthy)
        g_string_append_printf(out, "<p>%s</p>\n", doc_text[4]);
    else if (tcpx_health_count(h))
        g_string_append_printf(out, "<p>%s</p>\n", doc_text[5]);
    for (i = 0; i < worst->len && drawn < TCPX_REPORT_PARAGRAPHS; i++) {
        const tcpx_health_stream_t *s = (const tcpx_health_stream_t *)g_ptr_array_index(worst, i);
        if (!tcpx_health_unhealthy(s))
            continue;
        render_stream(r, s, drawn < TCPX_REPORT_PICTURES, out);
        drawn++;
    }
    if (unhealthy > TCPX_REPORT_PICTURES)
        g_string_append_printf(out,
                               "<p class=\"meta\">%u unhealthy streams: pictures are drawn for the %u worst "
                               "and paragraphs written for the %u worst, to keep this file small; the table has "
                               "every stream's verdict, and tshark -z tcpx,health every paragraph.</p>\n",
                               unhealthy, TCPX_REPORT_PICTURES, MIN(unhealthy, TCPX_REPORT_PARAGRAPHS));
    g_string_append(out, "<script>");
    g_string_append(out, sort_script);
    g_string_append(out, "</script>\n</body></html>\n");
    g_ptr_array_unref(worst);
}
