/* tap-tcpx-tables.c: the GUI's stat tables (epan glue).
 *
 *   Statistics > TCPX Stream Health  (-z tcpx,table[,FILTER] in tshark)
 *       one row per stream, its columns tcpx_health_gui_columns() (tap/core).
 *   Statistics > TCPX Anomalies      (-z tcpx,anomalies[,FILTER] in tshark)
 *       the anomaly counts of the tree (tap-tcpx-tree.c) per kind and per stream.
 *
 * Both are stat_tap_tables of REGISTER_PACKET_STAT_GROUP_UNSORTED, which
 * Wireshark's Qt main window (4.0 to 4.6) puts in one alphabetical block of
 * the Statistics menu (no submenus there), and stats_tree plugins after a
 * separator at its end: so these two are listed together.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "tcpx"

#include <string.h>

#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <wsutil/wslog.h>

#include "tap-tcpx-int.h"
#include "tcpx_defer.h"
#include "tcpx_explain.h"
#include "tcpx_health_columns.h"

/* ---------------------------------------------------------------------- */
/* Statistics > TCPX Stream Health */

#define HEALTH_TABLE_NAME "TCP stream health"
#define N_COLS TCPX_HEALTH_GUI_COLUMNS

/* Filled from the column list at registration.  How the Qt dialog
 * (SimpleStatisticsDialog) shows the table decided that list's order: on open
 * it sorts by column 0, ascending, and column 0 is the score, so the worst
 * streams come first (and streams not judged before them). */
static stat_tap_table_item health_fields[N_COLS];

/* The table's aggregation; lives from the table's init to the next reset. */
static tcpx_health_t *table_health = NULL;

static void
table_free_item(stat_tap_table *table _U_, guint row _U_, guint column, stat_tap_table_item_type *field)
{
    if (column < N_COLS && health_fields[column].type == TABLE_ITEM_STRING && field->value.string_value) {
        g_free((char *)field->value.string_value);
        field->value.string_value = NULL;
    }
}

/* Frees every row of a table whose string cells free_item frees. */
static void
clear_rows(stat_tap_table *table, void (*free_item)(stat_tap_table *, guint, guint, stat_tap_table_item_type *))
{
    guint row, col;
    for (row = 0; row < table->num_elements; row++) {
        for (col = 0; col < table->num_fields; col++)
            free_item(table, row, col, &table->elements[row][col]);
        g_free(table->elements[row]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
}

static void
table_reset(stat_tap_table *table)
{
    clear_rows(table, table_free_item);
    if (table_health)
        tcpx_health_reset(table_health);
}

static void
table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, HEALTH_TABLE_NAME);

    if (!table_health)
        table_health = tcpx_tap_health_new();
    if (table) {
        table_reset(table);
        return;
    }
    table = stat_tap_init_table(HEALTH_TABLE_NAME, N_COLS, 0, NULL);
    stat_tap_add_table(ui, table);
}

/* The stream's row, judged again with this record; rows are in order of first appearance. */
static tap_packet_status
table_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    const tcpx_tap_rec_t *rec = (const tcpx_tap_rec_t *)data;
    const tcpx_health_column_t *const *cols = tcpx_health_gui_columns();
    tcpx_defer_forbid(); /* it needs every record through the tap */
    const tcpx_health_stream_t *s;
    stat_tap_table *table;
    stat_tap_table_item_type items[N_COLS];
    guint col;

    if (!rec)
        return TAP_PACKET_DONT_REDRAW;
    if (!sd || !sd->stat_tap_data->tables || sd->stat_tap_data->tables->len == 0) {
        ws_debug("TCPX Stream Health: no table to fill");
        return TAP_PACKET_DONT_REDRAW;
    }
    if (!table_health)
        table_health = tcpx_tap_health_new();
    table = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);

    tcpx_health_add(table_health, rec);
    s = tcpx_health_judge(table_health, rec->stream);
    if (!s)
        return TAP_PACKET_DONT_REDRAW;

    memset(items, 0, sizeof items);
    for (col = 0; col < N_COLS; col++) {
        items[col].type = health_fields[col].type;
        if (items[col].type == TABLE_ITEM_UINT)
            items[col].value.uint_value = tcpx_health_gui_count(cols[col], s);
        else
            items[col].value.string_value = tcpx_health_gui_text(cols[col], s);
    }
    /* free the strings the row held before */
    if (s->index < table->num_elements)
        for (col = 0; col < table->num_fields; col++)
            table_free_item(table, s->index, col, &table->elements[s->index][col]);
    stat_tap_init_table_row(table, s->index, N_COLS, items);
    return TAP_PACKET_REDRAW;
}

static stat_tap_table_ui health_table_ui = {
    .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
    .title = "TCPX Stream Health",
    .tap_name = TCPX_TAP_NAME,
    .cli_string = "tcpx,table",
    .stat_tap_init_cb = table_init,
    .packet_func = table_packet,
    .stat_tap_reset_table_cb = table_reset,
    .stat_tap_free_table_item_cb = table_free_item,
    .stat_filter_check_cb = NULL,
    .nfields = N_COLS,
    .fields = health_fields,
    .nparams = 0,
    .params = NULL,
    .tables = NULL,
    .refcount = 0,
};

static void
fill_health_fields(void)
{
    const tcpx_health_column_t *const *cols = tcpx_health_gui_columns();
    for (guint col = 0; col < N_COLS; col++) {
        gboolean count = tcpx_health_gui_is_count(cols[col]);
        health_fields[col].type = count ? TABLE_ITEM_UINT : TABLE_ITEM_STRING;
        health_fields[col].align = tcpx_health_gui_right_aligned(cols[col]) ? TAP_ALIGN_RIGHT : TAP_ALIGN_LEFT;
        health_fields[col].column_name = cols[col]->gui.head;
        health_fields[col].field_format = count ? "%u" : "%s";
    }
}

/* ---------------------------------------------------------------------- */
/* Statistics > TCPX Anomalies */

#define ANOM_BY_KIND "Anomalies by kind"
#define ANOM_BY_STREAM "Anomalies by stream"

enum {
    ACOL_ANOMALY,
    ACOL_SEVERITY,
    ACOL_COUNT,
    ACOL_WHERE,
    N_ACOLS
};

#define ANOM_FIELD(t, a, name, fmt)                                             \
    {                                                                           \
        .type = (t), .align = (a), .column_name = (name), .field_format = (fmt) \
    }
static stat_tap_table_item anomaly_fields[N_ACOLS] = {
    [ACOL_ANOMALY] = ANOM_FIELD(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Anomaly", "%s"),
    [ACOL_SEVERITY] = ANOM_FIELD(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Severity", "%s"),
    [ACOL_COUNT] = ANOM_FIELD(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Count", "%u"),
    [ACOL_WHERE] = ANOM_FIELD(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Stream(s)", "%s"),
};
#undef ANOM_FIELD

static GHashTable *anom_stream_rows;            /* (stream << 6 | kind) -> row + 1 (by stream) */
static guint anom_kind_row[TCPX_K_N_ANOMALIES]; /* row + 1 in the by-kind table, 0: none yet */
static guint anom_kind_streams[TCPX_K_N_ANOMALIES];

static void
anom_free_item(stat_tap_table *table _U_, guint row _U_, guint column, stat_tap_table_item_type *field)
{
    if (column < N_ACOLS && anomaly_fields[column].type == TABLE_ITEM_STRING && field->value.string_value) {
        g_free((char *)field->value.string_value);
        field->value.string_value = NULL;
    }
}

static void
anom_reset(stat_tap_table *table)
{
    if (table)
        clear_rows(table, anom_free_item);
    if (anom_stream_rows)
        g_hash_table_remove_all(anom_stream_rows);
    memset(anom_kind_row, 0, sizeof anom_kind_row);
    memset(anom_kind_streams, 0, sizeof anom_kind_streams);
}

static void
anom_init(stat_tap_table_ui *ui)
{
    stat_tap_table *by_kind = stat_tap_find_table(ui, ANOM_BY_KIND);

    if (!anom_stream_rows)
        anom_stream_rows = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    if (by_kind) {
        anom_reset(by_kind);
        anom_reset(stat_tap_find_table(ui, ANOM_BY_STREAM));
        return;
    }
    stat_tap_add_table(ui, stat_tap_init_table(ANOM_BY_KIND, N_ACOLS, 0, NULL));
    stat_tap_add_table(ui, stat_tap_init_table(ANOM_BY_STREAM, N_ACOLS, 0, NULL));
}

/* A new row: the kind's title, its severity, count 0, where. */
static guint
anom_add_row(stat_tap_table *table, guint kind, char *where)
{
    stat_tap_table_item_type items[N_ACOLS];
    guint col, row = table->num_elements;
    memset(items, 0, sizeof items);
    for (col = 0; col < N_ACOLS; col++)
        items[col].type = anomaly_fields[col].type;
    items[ACOL_ANOMALY].value.string_value = g_strdup(tcpx_kind_info((tcpx_kind_t)kind)->title);
    items[ACOL_SEVERITY].value.string_value = g_strdup(tcpx_severity_name(tcpx_kind_severity((tcpx_kind_t)kind)));
    items[ACOL_WHERE].value.string_value = where;
    stat_tap_init_table_row(table, row, N_ACOLS, items);
    return row;
}

/* One anomaly of kind k in rec's stream: counted in both tables. */
static void
anom_count(stat_tap_table *by_kind, stat_tap_table *by_stream, const tcpx_tap_rec_t *rec, guint k)
{
    gint64 key = ((gint64)rec->stream << 6) | k;
    guint srow;

    if (!anom_kind_row[k])
        anom_kind_row[k] = anom_add_row(by_kind, k, NULL) + 1;
    srow = GPOINTER_TO_UINT(g_hash_table_lookup(anom_stream_rows, &key));
    if (!srow) {
        srow = anom_add_row(by_stream, k,
                            g_strdup_printf(TCPX_TAP_STREAM_LABEL, rec->stream, rec->client ? rec->client : "?",
                                            rec->server ? rec->server : "?")) +
               1;
        g_hash_table_insert(anom_stream_rows, g_memdup2(&key, sizeof key), GUINT_TO_POINTER(srow));
        anom_kind_streams[k]++;
        stat_tap_table_item_type *where = stat_tap_get_field_data(by_kind, anom_kind_row[k] - 1, ACOL_WHERE);
        g_free((char *)where->value.string_value);
        where->value.string_value = g_strdup_printf("in %u stream%s", anom_kind_streams[k],
                                                    anom_kind_streams[k] == 1 ? "" : "s");
    }
    stat_tap_get_field_data(by_stream, srow - 1, ACOL_COUNT)->value.uint_value++;
    stat_tap_get_field_data(by_kind, anom_kind_row[k] - 1, ACOL_COUNT)->value.uint_value++;
}

static tap_packet_status
anom_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    const tcpx_tap_rec_t *rec = (const tcpx_tap_rec_t *)data;
    stat_tap_table *by_kind, *by_stream;
    tcpx_defer_forbid(); /* it needs every record through the tap */

    if (!rec || !rec->kinds)
        return TAP_PACKET_DONT_REDRAW;
    if (!sd || !sd->stat_tap_data->tables || sd->stat_tap_data->tables->len < 2) {
        ws_debug("TCPX Anomalies: no tables to fill");
        return TAP_PACKET_DONT_REDRAW;
    }
    if (!anom_stream_rows)
        anom_stream_rows = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    by_kind = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);
    by_stream = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 1);
    for (guint k = 0; k < TCPX_K_N_ANOMALIES; k++)
        if (rec->kinds & (1u << k))
            anom_count(by_kind, by_stream, rec, k);
    return TAP_PACKET_REDRAW;
}

static stat_tap_table_ui anomaly_table_ui = {
    .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
    .title = "TCPX Anomalies",
    .tap_name = TCPX_TAP_NAME,
    .cli_string = "tcpx,anomalies",
    .stat_tap_init_cb = anom_init,
    .packet_func = anom_packet,
    .stat_tap_reset_table_cb = anom_reset,
    .stat_tap_free_table_item_cb = anom_free_item,
    .stat_filter_check_cb = NULL,
    .nfields = N_ACOLS,
    .fields = anomaly_fields,
    .nparams = 0,
    .params = NULL,
    .tables = NULL,
    .refcount = 0,
};

void
tcpx_tap_register_tables(void)
{
    fill_health_fields();
    register_stat_tap_table_ui(&health_table_ui);
    register_stat_tap_table_ui(&anomaly_table_ui);
}
