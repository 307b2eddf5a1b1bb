/* tap-tcpx-int.h: what the tap's glue files share (epan glue, not installed).
 *
 *   tap-tcpx-health.c   preferences, registration, the words shared below
 *   tap-tcpx-cli.c      tshark: -z tcpx,health[,json], -z tcpx,json, -z tcpx,report
 *   tap-tcpx-tables.c   GUI stat tables: TCPX Stream Health, TCPX Anomalies
 *   tap-tcpx-tree.c     tshark: -z tcpx,tree (stats_tree)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TAP_TCPX_INT_H
#define TAP_TCPX_INT_H

#include "tcpx_health.h"

/* A new aggregation with the health thresholds of the tcpx preferences. */
tcpx_health_t *tcpx_tap_health_new(void);

/* "Error", "Warning", "Note", "Chat": an anomaly kind's severity in the tables and the tree. */

/* A stream's row label: "Stream 3: 10.0.0.1:51234 → 10.0.0.2:80" (args: stream, client, server). */
#define TCPX_TAP_STREAM_LABEL "Stream %u: %s \xe2\x86\x92 %s"

void tcpx_tap_register_cli(void);
void tcpx_tap_register_tables(void);
void tcpx_tap_register_tree(void);

#endif
