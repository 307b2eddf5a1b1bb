/* tcpx_health_table.c: the health table of -z tcpx,health, one row per stream.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health.h"
#include "tcpx_health_int.h"
#include "tcpx_text.h"
#include "tcpx_units.h"

#define TABLE_COLS 19

static gint
id_cmp(gconstpointer a, gconstpointer b)
{
    const tcpx_health_stream_t *x = *(const tcpx_health_stream_t *const *)a;
    const tcpx_health_stream_t *y = *(const tcpx_health_stream_t *const *)b;
    return x->stream < y->stream ? -1 : x->stream > y->stream;
}

/* A row of the table: its cells one after the other, each ended by '\0', in one allocation. */
typedef struct {
    char    *text;
    guint32  start[TABLE_COLS + 1];   /* cell c is text + start[c], start[c + 1] - start[c] - 1 long */
} table_row_t;

static void
end_cell(GString *cells, table_row_t *row, guint c)
{
    g_string_append_c(cells, '\0');
    row->start[c + 1] = (guint32)cells->len;
}

/* Appends one cell and ends it. */
static void
cell_text(GString *cells, table_row_t *row, guint c, const char *text)
{
    g_string_append(cells, text);
    end_cell(cells, row, c);
}

static void
cell_uint(GString *cells, table_row_t *row, guint c, guint64 v)
{
    tcpx_append_printf(cells, "%" G_GUINT64_FORMAT, v);
    end_cell(cells, row, c);
}

/* One line of the table, written in place: two spaces between columns, the last column unpadded. */
static void
append_line(GString *out, const char *const *text, const gsize *len, const gsize *width, const gboolean *left)
{
    gsize at = out->len, line = 0;
    for (guint c = 0; c < TABLE_COLS; c++)
        line += (c ? 2 : 0) + (c == TABLE_COLS - 1 ? len[c] : MAX(width[c], len[c]));
    g_string_set_size(out, at + line + 1);
    char *w = out->str + at;
    for (guint c = 0; c < TABLE_COLS; c++) {
        gsize pad = c == TABLE_COLS - 1 || width[c] <= len[c] ? 0 : width[c] - len[c];
        if (c) {
            memset(w, ' ', 2);
            w += 2;
        }
        if (!left[c]) {
            memset(w, ' ', pad);
            w += pad;
        }
        memcpy(w, text[c], len[c]);
        w += len[c];
        if (left[c]) {
            memset(w, ' ', pad);
            w += pad;
        }
    }
    *w = '\n';
}

void
tcpx_health_render_table(const tcpx_health_t *h, GString *out)
{
    static const char *head[TABLE_COLS] = {
        "Stream", "Client", "Server", "Pkts c>s", "Pkts s>c", "Bytes c>s", "Bytes s>c",
        "Dur s", "iRTT ms", "Retx%", "ZeroWin s", "RST c/s", "MaxResp ms",
        "Capture", "Loss", "Score", "Fault", "State", "Verdict"
    };
    static const gboolean left[TABLE_COLS] = {
        FALSE, TRUE, TRUE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE,
        TRUE, TRUE, FALSE, TRUE, TRUE, TRUE
    };
    guint n = tcpx_health_count(h), i, c;
    gsize width[TABLE_COLS], len[TABLE_COLS];
    const char *text[TABLE_COLS];
    table_row_t *rows = g_new0(table_row_t, n);
    GString *cells = g_string_new(NULL);
    char b[32];
    GPtrArray *by_id = g_ptr_array_new();

    for (i = 0; i < n; i++)
        g_ptr_array_add(by_id, (gpointer)tcpx_health_nth(h, i));
    g_ptr_array_sort(by_id, id_cmp);

    if (tcpx_health_analysis_off(h)) {
        tcpx_health_append_wrapped(out, TCPX_HEALTH_ANALYSIS_OFF_TEXT, 0);
        g_string_append_c(out, '\n');
    }
    for (c = 0; c < TABLE_COLS; c++)
        width[c] = strlen(head[c]);
    for (i = 0; i < n; i++) {
        const tcpx_health_stream_t *s = (const tcpx_health_stream_t *)g_ptr_array_index(by_id, i);
        table_row_t *row = &rows[i];
        g_string_truncate(cells, 0);
        cell_uint(cells, row, 0, s->stream);
        tcpx_append_printf(cells, "%s%s", s->client ? s->client : "?", s->roles_guessed ? "?" : "");
        end_cell(cells, row, 1);
        cell_text(cells, row, 2, s->server ? s->server : "?");
        cell_uint(cells, row, 3, s->packets[0]);
        cell_uint(cells, row, 4, s->packets[1]);
        cell_uint(cells, row, 5, s->bytes[0]);
        cell_uint(cells, row, 6, s->bytes[1]);
        cell_text(cells, row, 7, tcpx_health_secs_text(s->duration_ns, b, sizeof b));
        cell_text(cells, row, 8, tcpx_health_ms_text(s->irtt_ns > 0 ? s->irtt_ns : -1, b, sizeof b));
        cell_text(cells, row, 9, s->judged ? g_ascii_formatd(b, sizeof b, "%.2f", s->retx_rate * 100.0) : "-");
        cell_text(cells, row, 10, tcpx_health_secs_text(s->zero_window_ns[0] + s->zero_window_ns[1], b, sizeof b));
        tcpx_append_printf(cells, "%u/%u", s->resets[0], s->resets[1]);
        end_cell(cells, row, 11);
        cell_text(cells, row, 12, tcpx_health_ms_text(s->resp_n ? s->resp_max_ns : -1, b, sizeof b));
        cell_text(cells, row, 13, tcpx_position_name(s->position));
        cell_text(cells, row, 14, s->judged ? tcpx_health_loss_pattern_name(s->loss_pattern) : "-");
        if (s->judged)
            tcpx_append_printf(cells, "%d", s->score);
        else
            g_string_append_c(cells, '-');
        end_cell(cells, row, 15);
        cell_text(cells, row, 16, s->judged ? tcpx_health_fault_name(s->fault) : "-");
        cell_text(cells, row, 17, tcpx_health_done_name(s->done));
        cell_text(cells, row, 18, s->verdict_code);
        row->text = g_memdup2(cells->str, cells->len);
        for (c = 0; c < TABLE_COLS; c++)
            width[c] = MAX(width[c], (gsize)(row->start[c + 1] - row->start[c] - 1));
    }
    for (c = 0; c < TABLE_COLS; c++) {
        text[c] = head[c];
        len[c] = strlen(head[c]);
    }
    append_line(out, text, len, width, left);
    for (i = 0; i < n; i++) {
        for (c = 0; c < TABLE_COLS; c++) {
            text[c] = rows[i].text + rows[i].start[c];
            len[c] = rows[i].start[c + 1] - rows[i].start[c] - 1;
        }
        append_line(out, text, len, width, left);
        g_free(rows[i].text);
    }
    g_free(rows);
    g_string_free(cells, TRUE);
    g_ptr_array_unref(by_id);
}
