/* tcpx_explain.h: the words of tcpx.  One table row per kind and per cause.
 *
 * Templates name their values in braces: {range}, {orig}, {orig_age}, ...
 * {?name:text} keeps text only when the value is known (non-zero), and
 * {?name:text|other} falls back to other.  tcpx_frame_vars.c declares the names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_EXPLAIN_H
#define TCPX_EXPLAIN_H

#include "tcpx_core.h"

#define TCPX_MAX_CAUSES 14

typedef struct {
    tcpx_kind_t kind;
    const char *name;                     /* value of tcpx.anomaly / tcpx.step: "fast_retransmission" */
    tcpx_severity_t severity;             /* as Wireshark's expert info rates it; NONE for story steps */
    const char *title;                    /* subtree title */
    const char *summary;                  /* one line for the column, ~80 characters */
    const char *what;                     /* what happened, with this frame's numbers */
    const char *next_step;                /* one thing to do now; NULL for story steps */
    const char *ref_label;                /* what the finding's reference frame is */
    tcpx_cause_t causes[TCPX_MAX_CAUSES]; /* the candidates the core may pick from */
} tcpx_kind_info_t;

typedef struct {
    tcpx_cause_t cause;
    const char *name;  /* value of tcpx.cause_code: "timeout" */
    const char *label; /* a few words, for summaries: {cause_label} */
    const char *text;  /* the likely cause and its evidence */
    /* Optional: where the kind's summary, next step or what-happened text does not fit
     * this cause (a capture copy is no retransmission, a SYN is no data), the cause's own
     * replaces it. */
    const char *summary;
    const char *next_step;
    const char *what;
    const char *ref_label; /* the reference frame's label, where the kind's does not fit this cause */
} tcpx_cause_info_t;

const tcpx_kind_info_t *tcpx_kind_info(tcpx_kind_t kind);
const tcpx_cause_info_t *tcpx_cause_info(tcpx_cause_t cause);
tcpx_severity_t tcpx_kind_severity(tcpx_kind_t kind);
const char *tcpx_severity_name(tcpx_severity_t sev); /* "Warning": Wireshark's own words */
const char *tcpx_phase_name(tcpx_phase_t phase);

/* The tcpx tree's own lines and labels (templates, frame variables). */
typedef enum {
    TCPX_TREE_MORE,         /* after the summary when the frame has more anomalies */
    TCPX_TREE_LAYER,        /* after "tcpx" when the frame holds several TCP headers */
    TCPX_TREE_SENDER,       /* the tcpx.sender line */
    TCPX_TREE_ANALYSIS_OFF, /* TCP's sequence analysis is off */
    TCPX_TREE_FIRST_SENT,   /* related frames */
    TCPX_TREE_ACKED_BY,
    TCPX_TREE_DUP_ACK,
    TCPX_TREE_COUNT
} tcpx_tree_text_t;
const char *tcpx_tree_text(tcpx_tree_text_t t);

/* Where the capture was taken (tcpx_capture_near()): "near_client" (JSON),
 * "near the client" (tables), and a sentence for the handshake's story. */
const char *tcpx_position_name(tcpx_position_t p);
const char *tcpx_position_words(tcpx_position_t p);
const char *tcpx_position_sentence(tcpx_position_t p);

#endif
