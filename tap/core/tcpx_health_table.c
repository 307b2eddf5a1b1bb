/* tcpx_health_table.c: the health table of -z tcpx,health, one row per stream
 * (its columns: tcpx_health_table_columns()).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health.h"
#include "tcpx_health_columns.h"
#include "tcpx_append.h"
#include "tcpx_text.h"
#include "tcpx_health_int.h"

#define N_COLS TCPX_HEALTH_TABLE_COLUMNS

/* One cell's text: unknown is "-". */
static void
append_cell(GString *out, const tcpx_health_column_t *c, const tcpx_health_stream_t *s)
{
    tcpx_health_value_t v;
    char b[G_ASCII_DTOSTR_BUF_SIZE];

    tcpx_health_column_get(c, s, &v);
    if (c->unit == TCPX_HU_ENDPOINT) {
        tcpx_append(out, v.known ? v.v.text : "?");
        if ((c->flags & TCPX_HC_GUESS_MARK) && s->roles_guessed)
            g_string_append_c(out, '?');
        return;
    }
    if (c->unit == TCPX_HU_MS) { /* "-" when unknown, as the paragraphs write it */
        tcpx_append(out, tcpx_health_ms_text(v.known ? v.v.num : -1, b, sizeof b));
        return;
    }
    if (!v.known) {
        g_string_append_c(out, '-');
        return;
    }
    switch (c->unit) {
    case TCPX_HU_COUNT: tcpx_append_uint(out, v.v.count); break;
    case TCPX_HU_INT: g_string_append_printf(out, "%" G_GINT64_FORMAT, v.v.num); break;
    case TCPX_HU_SECONDS: tcpx_append(out, tcpx_health_secs_text(v.v.num, b, sizeof b)); break;
    case TCPX_HU_PERCENT: tcpx_append(out, g_ascii_formatd(b, sizeof b, "%.2f", v.v.real)); break;
    case TCPX_HU_POSITION: tcpx_append(out, tcpx_position_name(v.v.position)); break;
    case TCPX_HU_TEXT: tcpx_append(out, v.v.text); break;
    case TCPX_HU_PAIR:
        tcpx_append_uint(out, v.v.pair[0]);
        g_string_append_c(out, '/');
        tcpx_append_uint(out, v.v.pair[1]);
        break;
    default: g_string_append_c(out, '-'); break;
    }
}

static void
append_spaces(GString *out, gsize n)
{
    static const char spaces[] = "                                ";
    for (; n > sizeof spaces - 1; n -= sizeof spaces - 1)
        tcpx_append_len(out, spaces, sizeof spaces - 1);
    tcpx_append_len(out, spaces, n);
}

/* One line: two spaces between columns, words left-aligned, numbers right-aligned,
 * the last column unpadded.  cell[c] is len[c] bytes. */
static void
append_line(GString *out, const tcpx_health_column_t *const *cols, const char *const *cell, const gsize *len,
            const gsize *width)
{
    for (guint c = 0; c < N_COLS; c++) {
        gsize pad = c == N_COLS - 1 ? 0 : width[c] - len[c];
        gboolean left = tcpx_health_column_is_text(cols[c]);
        if (c)
            tcpx_append_len(out, "  ", 2);
        if (!left)
            append_spaces(out, pad);
        tcpx_append_len(out, cell[c], len[c]);
        if (left)
            append_spaces(out, pad);
    }
    g_string_append_c(out, '\n');
}

/* Row `s`'s cells, one after the other in `text`; cell c is text[start[c] .. start[c + 1]). */
static void
render_row(GString *text, gsize *start, const tcpx_health_column_t *const *cols, const tcpx_health_stream_t *s)
{
    g_string_truncate(text, 0);
    for (guint c = 0; c < N_COLS; c++) {
        start[c] = text->len;
        append_cell(text, cols[c], s);
    }
    start[N_COLS] = text->len;
}

/* Two passes, the widths and then the lines, so that no more than a row is held (12,000 streams' cells
 * would be megabytes at the report's peak of memory). */
void
tcpx_health_render_table(const tcpx_health_t *h, GString *out)
{
    const tcpx_health_column_t *const *cols = tcpx_health_table_columns();
    guint n = tcpx_health_count(h), i, c;
    GString *text = g_string_new(NULL);
    gsize start[N_COLS + 1], width[N_COLS], len[N_COLS];
    const char *cell[N_COLS];
    GPtrArray *by_id = tcpx_health_by_stream(h);

    if (tcpx_health_analysis_off(h)) {
        tcpx_health_append_wrapped(out, TCPX_HEALTH_ANALYSIS_OFF_TEXT, 0);
        g_string_append_c(out, '\n');
    }
    for (c = 0; c < N_COLS; c++) {
        cell[c] = cols[c]->table.head;
        len[c] = width[c] = strlen(cell[c]);
    }
    for (i = 0; i < n; i++) {
        render_row(text, start, cols, (const tcpx_health_stream_t *)g_ptr_array_index(by_id, i));
        for (c = 0; c < N_COLS; c++)
            width[c] = MAX(width[c], start[c + 1] - start[c]);
    }
    append_line(out, cols, cell, len, width);
    for (i = 0; i < n; i++) {
        render_row(text, start, cols, (const tcpx_health_stream_t *)g_ptr_array_index(by_id, i));
        for (c = 0; c < N_COLS; c++) {
            cell[c] = text->str + start[c];
            len[c] = start[c + 1] - start[c];
        }
        append_line(out, cols, cell, len, width);
        tcpx_health_drain(h, out);
    }
    g_string_free(text, TRUE);
    g_ptr_array_unref(by_id);
}
