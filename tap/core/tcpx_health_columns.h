/* tcpx_health_columns.h: the one list of what is shown of a stream's health.
 *
 * One row per value: its key, how to get it from a tcpx_health_stream_t, its
 * unit (which decides how every output writes it), and where it is shown:
 *   - the JSON line of -z tcpx,health,json (rows with TCPX_HC_JSON, in list order);
 *   - the text table of -z tcpx,health, which is also the HTML report's table
 *     (.table: position, header, the report's sort key and header tooltip);
 *   - the GUI's Statistics > TCPX Stream Health table, also -z tcpx,table
 *     (.gui: position, header, width of the padded numbers).
 * A value that an output shows differently in substance (the GUI's short
 * verdict, say) is a row of its own; differences of form follow the unit.
 * Plain C, no epan.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_HEALTH_COLUMNS_H
#define TCPX_HEALTH_COLUMNS_H

#include <glib.h>
#include "tcpx_health.h"

typedef enum {
    TCPX_HU_COUNT,      /* guint64 */
    TCPX_HU_INT,        /* gint64: the score, a window scale */
    TCPX_HU_FLAG,       /* gboolean (JSON only) */
    TCPX_HU_TEXT,       /* a word, a code or a sentence */
    TCPX_HU_ENDPOINT,   /* "10.0.0.1:51234"; "?" when unknown, except in JSON */
    TCPX_HU_POSITION,   /* tcpx_position_t: its name (JSON, text table) or its words (GUI) */
    TCPX_HU_PAIR,       /* two counts, client's and server's: "0/1" */
    TCPX_HU_SECONDS,    /* a time in ns, shown in seconds */
    TCPX_HU_MS,         /* a time in ns, shown in milliseconds */
    TCPX_HU_PERCENT,    /* a double, already in percent */
    TCPX_HU_KIND_COUNTS /* one count per anomaly kind (JSON only: an object keyed by tcpx.anomaly names) */
} tcpx_health_unit_t;

/* A value as a getter returns it.  Unknown (known FALSE): null in JSON, "-" in
 * the text table, empty in the GUI and the HTML report ("-" for times there). */
typedef struct {
    gboolean known;
    union {
        guint64 count;
        gint64 num; /* INT; SECONDS and MS in ns */
        gboolean flag;
        const char *text; /* TEXT, ENDPOINT (may point into buf) */
        tcpx_position_t position;
        guint32 pair[2];
        double real;
        const guint32 *counts; /* TCPX_K_N_ANOMALIES of them */
    } v;
    char buf[64]; /* room for a text the getter composes */
} tcpx_health_value_t;

#define TCPX_HC_JSON (1u << 0) /* a key of the JSON line */
#define TCPX_HC_GUESS_MARK \
    (1u << 1)                  /* marked when the roles were guessed: "?" in the text table,
                                          " (guessed)" in the GUI and the HTML report */
#define TCPX_HC_LINK (1u << 2) /* HTML: links to the stream's section when it is unhealthy */

typedef struct {
    const char *key; /* the JSON key (TCPX_HC_JSON), else a name for the row */
    tcpx_health_unit_t unit;
    void (*get)(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
    guint flags;
    struct {
        guint8 pos; /* 1-based column; 0: not in the table */
        const char *head;
        const char *sort_key; /* the HTML report's data-key ("#sort=KEY") */
        const char *help;     /* the HTML report's header tooltip, NULL: none */
    } table;
    struct {
        guint8 pos;   /* 1-based column; 0: not in the GUI table */
        guint8 width; /* numbers shown as text are right-aligned in this width */
        const char *head;
    } gui;
} tcpx_health_column_t;

/* The GUI's options cell (tcpx_health_gui.c). */
void tcpx_health_get_options(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
/* The throughput limiters' rows (tcpx_health_limits.c). */
void tcpx_health_get_lim_sender(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
void tcpx_health_get_lim_busy(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
void tcpx_health_get_lim_rwnd(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
void tcpx_health_get_lim_recovery(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
void tcpx_health_get_lim_sending(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
void tcpx_health_get_lim_idle(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
void tcpx_health_get_lim_timeline(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
void tcpx_health_get_lim_slice(const tcpx_health_stream_t *s, tcpx_health_value_t *v);

#define TCPX_HEALTH_TABLE_COLUMNS 20
#define TCPX_HEALTH_GUI_COLUMNS 25

/* Getters kept with their concern (tcpx_health_pmtu.c). */
void tcpx_health_get_pmtu_icmps(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
void tcpx_health_get_pmtu_mtu(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
void tcpx_health_get_pmtu_frame(const tcpx_health_stream_t *s, tcpx_health_value_t *v);
void tcpx_health_get_pmtu_resend_len(const tcpx_health_stream_t *s, tcpx_health_value_t *v);

/* Every row, in JSON order. */
const tcpx_health_column_t *tcpx_health_columns(guint *n);
/* The text table's (and the HTML report's) columns, in their order: TCPX_HEALTH_TABLE_COLUMNS. */
const tcpx_health_column_t *const *tcpx_health_table_columns(void);
/* The GUI table's columns, in their order: TCPX_HEALTH_GUI_COLUMNS. */
const tcpx_health_column_t *const *tcpx_health_gui_columns(void);

void tcpx_health_column_get(const tcpx_health_column_t *c, const tcpx_health_stream_t *s, tcpx_health_value_t *v);

/* Left-aligned in the text table (words) or right-aligned (numbers, counts). */
gboolean tcpx_health_column_is_text(const tcpx_health_column_t *c);
/* The GUI shows the column as a number (TABLE_ITEM_UINT, clamped: tcpx_health_gui_count())
 * or as text (tcpx_health_gui_text()); padded numbers sort right as text and are right-aligned. */
gboolean tcpx_health_gui_is_count(const tcpx_health_column_t *c);
gboolean tcpx_health_gui_right_aligned(const tcpx_health_column_t *c);
guint tcpx_health_gui_count(const tcpx_health_column_t *c, const tcpx_health_stream_t *s);
char *tcpx_health_gui_text(const tcpx_health_column_t *c, const tcpx_health_stream_t *s); /* g_free */

#endif
