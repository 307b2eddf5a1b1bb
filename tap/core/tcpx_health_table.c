/* tcpx_health_table.c: the health table of -z tcpx,health, one row per stream
 * (its columns: tcpx_health_table_columns()).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health.h"
#include "tcpx_health_columns.h"
#include "tcpx_health_int.h"

#define N_COLS TCPX_HEALTH_TABLE_COLUMNS

static gint
id_cmp(gconstpointer a, gconstpointer b)
{
    const tcpx_health_stream_t *x = *(const tcpx_health_stream_t *const *)a;
    const tcpx_health_stream_t *y = *(const tcpx_health_stream_t *const *)b;
    return x->stream < y->stream ? -1 : x->stream > y->stream;
}

/* One cell's text: unknown is "-". */
static char *
cell_text(const tcpx_health_column_t *c, const tcpx_health_stream_t *s)
{
    tcpx_health_value_t v;
    char b[G_ASCII_DTOSTR_BUF_SIZE];

    tcpx_health_column_get(c, s, &v);
    if (c->unit == TCPX_HU_ENDPOINT)
        return g_strdup_printf("%s%s", v.known ? v.v.text : "?",
                               (c->flags & TCPX_HC_GUESS_MARK) && s->roles_guessed ? "?" : "");
    if (c->unit == TCPX_HU_MS)   /* "-" when unknown, as the paragraphs write it */
        return g_strdup(tcpx_health_ms_text(v.known ? v.v.num : -1, b, sizeof b));
    if (!v.known)
        return g_strdup("-");
    switch (c->unit) {
    case TCPX_HU_COUNT:    return g_strdup_printf("%" G_GUINT64_FORMAT, v.v.count);
    case TCPX_HU_INT:      return g_strdup_printf("%" G_GINT64_FORMAT, v.v.num);
    case TCPX_HU_PAIR:     return g_strdup_printf("%u/%u", v.v.pair[0], v.v.pair[1]);
    case TCPX_HU_SECONDS:  return g_strdup(tcpx_health_secs_text(v.v.num, b, sizeof b));
    case TCPX_HU_PERCENT:  return g_strdup(g_ascii_formatd(b, sizeof b, "%.2f", v.v.real));
    case TCPX_HU_POSITION: return g_strdup(tcpx_position_name(v.v.position));
    case TCPX_HU_TEXT:     return g_strdup(v.v.text);
    default:               return g_strdup("-");
    }
}

/* One line: two spaces between columns, words left-aligned, numbers right-aligned,
 * the last column unpadded. */
static void
append_line(GString *out, const tcpx_health_column_t *const *cols, char *const *cell, const int *width)
{
    for (guint c = 0; c < N_COLS; c++) {
        if (c)
            g_string_append(out, "  ");
        if (c == N_COLS - 1)
            g_string_append(out, cell[c]);
        else
            g_string_append_printf(out, tcpx_health_column_is_text(cols[c]) ? "%-*s" : "%*s", width[c], cell[c]);
    }
    g_string_append_c(out, '\n');
}

void
tcpx_health_render_table(const tcpx_health_t *h, GString *out)
{
    const tcpx_health_column_t *const *cols = tcpx_health_table_columns();
    guint n = tcpx_health_count(h), i, c;
    char **cells = g_new0(char *, (gsize)(n + 1) * N_COLS);   /* row 0: the headers */
    int width[N_COLS];
    GPtrArray *by_id = g_ptr_array_new();

    for (i = 0; i < n; i++)
        g_ptr_array_add(by_id, (gpointer)tcpx_health_nth(h, i));
    g_ptr_array_sort(by_id, id_cmp);

    if (tcpx_health_analysis_off(h)) {
        tcpx_health_append_wrapped(out, TCPX_HEALTH_ANALYSIS_OFF_TEXT, 0);
        g_string_append_c(out, '\n');
    }
    for (c = 0; c < N_COLS; c++) {
        cells[c] = g_strdup(cols[c]->table.head);
        width[c] = (int)strlen(cells[c]);
    }
    for (i = 0; i < n; i++) {
        char **row = cells + (gsize)(i + 1) * N_COLS;
        for (c = 0; c < N_COLS; c++) {
            row[c] = cell_text(cols[c], (const tcpx_health_stream_t *)g_ptr_array_index(by_id, i));
            width[c] = MAX(width[c], (int)strlen(row[c]));
        }
    }
    for (i = 0; i <= n; i++)
        append_line(out, cols, cells + (gsize)i * N_COLS, width);
    for (i = 0; i < (n + 1) * N_COLS; i++)
        g_free(cells[i]);
    g_free(cells);
    g_ptr_array_unref(by_id);
}
