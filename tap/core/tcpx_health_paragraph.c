/* tcpx_health_paragraph.c: a paragraph per unhealthy stream (or one a router's ICMP "too big" was
 * about), worst first.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_append.h"
#include "tcpx_health_int.h"

/* Append text word-wrapped at 78 columns, each line indented by `indent`.
 * Written into the string directly (one resize, a memcpy per word): this runs
 * for every unhealthy stream of the report. */
void
tcpx_health_append_wrapped(GString *out, const char *text, int indent)
{
    gsize at = out->len, text_len = strlen(text);
    /* each word costs at most a separator and an indent more than its length */
    g_string_set_size(out, at + text_len + ((text_len + 1) / 2 + 1) * (indent + 1) + 1);
    char *w = out->str + at;
    int col = 0;
    const char *p = text;
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, ' ');
        int len = end ? (int)(end - p) : (int)strlen(p);
        if (col == 0) {
            memset(w, ' ', (size_t)indent);
            w += indent;
            col = indent;
        } else if (col + 1 + len > 78) {
            *w++ = '\n';
            memset(w, ' ', (size_t)indent);
            w += indent;
            col = indent;
        } else {
            *w++ = ' ';
            col++;
        }
        memcpy(w, p, (size_t)len);
        w += len;
        col += len;
        p += len;
    }
    if (col)
        *w++ = '\n';
    g_string_truncate(out, (gsize)(w - out->str));
}

/* The heading line, then the stream's sentences (tcpx_health_words.c), wrapped. */
void
tcpx_health_render_paragraph(const tcpx_health_stream_t *s, GString *out)
{
    GString *t = g_string_sized_new(512);
    tcpx_health_words(out, TCPX_HW_PARA_HEAD, s, NULL);
    g_string_append_c(out, '\n');
    for (int w = TCPX_HW_PARA_VERDICT; w <= TCPX_HW_PARA_POSITION; w++)
        tcpx_health_words(t, (tcpx_health_words_t)w, s, NULL);
    tcpx_health_append_wrapped(out, t->str, 2);
    g_string_free(t, TRUE);
}

void
tcpx_health_render_paragraphs(const tcpx_health_t *h, GString *out)
{
    GPtrArray *a;
    guint i, shown = 0;
    if (tcpx_health_analysis_off(h)) {
        tcpx_append(out, "No stream judged: TCP's sequence analysis is off (see above).\n");
        return;
    }
    a = tcpx_health_worst_first(h);
    for (i = 0; i < a->len; i++) {
        const tcpx_health_stream_t *s = (const tcpx_health_stream_t *)g_ptr_array_index(a, i);
        /* a handled path MTU is no fault, but worth a paragraph */
        if ((!tcpx_health_unhealthy(s) && !s->pmtu_icmps) || (s->group_n && s->group_lead != s->stream))
            continue; /* repeated attempts: said once, by the first */
        if (shown++)
            g_string_append_c(out, '\n');
        tcpx_health_render_paragraph(s, out);
        if (s->group_n) {
            GString *t = g_string_new("Repeated attempts: ");
            tcpx_health_group_sentence(h, s, t);
            tcpx_health_append_wrapped(out, t->str, 2);
            g_string_free(t, TRUE);
        }
        tcpx_health_drain(h, out);
    }
    if (!shown)
        tcpx_append(out, "All TCP streams look healthy.\n");
    g_ptr_array_unref(a);
}
