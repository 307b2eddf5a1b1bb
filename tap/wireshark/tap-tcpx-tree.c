/* tap-tcpx-tree.c: -z tcpx,tree, the anomaly counts per kind, per severity and
 * per stream as a stats_tree (epan glue).
 *
 * Registered without the plugin flag: tshark only, out of the GUI's menu,
 * where Statistics > TCPX Anomalies (tap-tcpx-tables.c) shows the same counts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "tcpx"

#include <epan/packet.h>
#include <epan/stats_tree.h>

#include "tap-tcpx-int.h"
#include "tcpx_defer.h"
#include "tcpx_explain.h"

static int st_node_kinds = -1;
static int st_node_severity = -1;
static int st_node_streams = -1;

static const char *st_str_kinds = "Anomalies by kind";
static const char *st_str_severity = "Anomalies by severity";
static const char *st_str_streams = "Anomalies by stream";

static void
anomaly_tree_init(stats_tree *st)
{
    st_node_kinds = stats_tree_create_node(st, st_str_kinds, 0, STAT_DT_INT, TRUE);
    st_node_severity = stats_tree_create_node(st, st_str_severity, 0, STAT_DT_INT, TRUE);
    st_node_streams = stats_tree_create_node(st, st_str_streams, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status
anomaly_tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
                    tap_flags_t flags _U_)
{
    const tcpx_tap_rec_t *rec = (const tcpx_tap_rec_t *)data;
    char *stream_name = NULL;
    guint k;
    tcpx_defer_forbid(); /* it needs every record through the tap */

    if (!rec || !rec->kinds)
        return TAP_PACKET_DONT_REDRAW;
    for (k = 0; k < TCPX_K_N_ANOMALIES; k++) {
        int sev_node, stream_node;
        const char *title;
        if (!(rec->kinds & (1u << k)))
            continue;
        title = tcpx_kind_info((tcpx_kind_t)k)->title;
        tick_stat_node(st, st_str_kinds, 0, TRUE);
        tick_stat_node(st, title, st_node_kinds, FALSE);

        tick_stat_node(st, st_str_severity, 0, TRUE);
        sev_node = tick_stat_node(st, tcpx_severity_name(tcpx_kind_severity((tcpx_kind_t)k)), st_node_severity, TRUE);
        tick_stat_node(st, title, sev_node, FALSE);

        if (!stream_name)
            stream_name = wmem_strdup_printf(pinfo->pool, TCPX_TAP_STREAM_LABEL, rec->stream,
                                             rec->client ? rec->client : "?", rec->server ? rec->server : "?");
        tick_stat_node(st, st_str_streams, 0, TRUE);
        stream_node = tick_stat_node(st, stream_name, st_node_streams, TRUE);
        tick_stat_node(st, title, stream_node, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

void
tcpx_tap_register_tree(void)
{
    /* Not a "plugin" tree: tshark's -z tcpx,tree only; the GUI has TCPX Anomalies. */
    stats_tree_register(TCPX_TAP_NAME, "tcpx", "TCPX Anomaly Tree", 0, anomaly_tree_packet, anomaly_tree_init, NULL);
}
