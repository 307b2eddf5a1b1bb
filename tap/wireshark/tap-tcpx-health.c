/* tap-tcpx-health.c: stream-health listeners on the "tcpx" tap (epan glue):
 * the health preferences, the words the outputs share, and registration.
 *
 * The consumers of the records the tcpx post-dissector queues on its tap,
 * one file each (tap-tcpx-int.h):
 *
 *   -z tcpx,health[,json][,FILTER]   (tshark; also -z tcpx,json[,FILTER])
 *       the per-stream table, then a paragraph per unhealthy stream, worst
 *       first; with "json", one JSON object per stream and line instead.
 *   -z tcpx,report,FILE.html[,FILTER] (tshark) the HTML report.
 *   Statistics > TCPX Stream Health  (Qt; -z tcpx,table[,FILTER] in tshark)
 *   Statistics > TCPX Anomalies      (Qt; -z tcpx,anomalies[,FILTER] in tshark)
 *       stat_tap_tables, group REGISTER_PACKET_STAT_GROUP_UNSORTED, which the
 *       Qt main window (4.0 to 4.6) lists together, alphabetically, in one
 *       block of the Statistics menu.
 *   -z tcpx,tree[,FILTER]            (tshark)
 *       stats_tree of the anomaly counts per kind, per severity and per stream;
 *       registered without the plugin flag, so not in the GUI's menu (its
 *       plugin trees go last, apart from the tables above).
 *
 * With TCP's sequence analysis off (tcp.analyze_sequence_numbers) nothing is
 * judged, and every output says so (tcpx_health_analysis_off()).
 * All judgement lives in tap/core; these files forward and print.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "tcpx"

#include <epan/prefs.h>

#include "tap-tcpx-health.h"
#include "tap-tcpx-int.h"

/* ---------------------------------------------------------------------- */
/* Preferences */

static tcpx_health_prefs_t health_prefs;
static gboolean health_prefs_ready = FALSE;

static void
health_prefs_init(void)
{
    if (!health_prefs_ready) {
        tcpx_health_prefs_default(&health_prefs);
        health_prefs_ready = TRUE;
    }
}

void
tcpx_health_register_prefs(module_t *m)
{
    health_prefs_init();
    if (!m)
        return;
    prefs_register_static_text_preference(m, "health_info",
                                          "Stream health (Statistics > TCPX Stream Health, tshark -z tcpx,health): "
                                          "the score starts at 100 and loses the weights below.",
                                          "How tcpx judges the health of each TCP stream.");
    prefs_register_uint_preference(m, "health_slow_factor", "Slow response: RTT factor",
                                   "An application answer slower than this many round-trip times (and slower than the "
                                   "minimum below) is a slow response.",
                                   10, &health_prefs.slow_factor);
    prefs_register_uint_preference(
        m, "health_slow_min_ms", "Slow response: minimum (ms)",
        "An application answer is only slow if it also took longer than this many milliseconds.", 10,
        &health_prefs.slow_min_ms);
    prefs_register_uint_preference(
        m, "health_ack_fast_ms", "Request ACKed at once within (ms)",
        "The server's TCP acknowledged a request \"at once\" if it did so within the larger of "
        "4 RTTs and this many milliseconds: then a slow answer is the application's fault.",
        10, &health_prefs.ack_fast_ms);
    prefs_register_uint_preference(
        m, "health_loss_mid_pct", "Loss band: moderate (%)",
        "A retransmission rate (retransmitted data segments / data segments) at or above this "
        "percentage is moderate loss.",
        10, &health_prefs.loss_mid_pct);
    prefs_register_uint_preference(m, "health_loss_high_pct", "Loss band: high (%)",
                                   "A retransmission rate at or above this percentage is high loss.", 10,
                                   &health_prefs.loss_high_pct);
    prefs_register_uint_preference(
        m, "health_zero_window_long_ms", "Long zero window (ms)",
        "A zero window this long (or 10% of the stream, if also a fifth of this and 4 RTTs) lasts.", 10,
        &health_prefs.zero_window_long_ms);
    prefs_register_uint_preference(
        m, "health_burst_rtts", "Loss burst: window (RTTs)",
        "Lost segments at most this many RTTs apart belong to the same cluster (one recovery).", 10,
        &health_prefs.burst_rtts);
    prefs_register_uint_preference(
        m, "health_burst_min_events", "Loss burst: minimum events",
        "A cluster of at least this many lost segments is a burst (a queue or a policer); isolated "
        "losses are scattered (a lossy link, or a queue overflowing a segment at a time): the RTT decides.",
        10, &health_prefs.burst_min_events);
    prefs_register_uint_preference(m, "health_w_loss_low", "Score weight: some loss",
                                   "Points taken off for any retransmission below the moderate band.", 10,
                                   &health_prefs.w_loss_low);
    prefs_register_uint_preference(m, "health_w_loss_mid", "Score weight: moderate loss",
                                   "Points taken off for a retransmission rate in the moderate band.", 10,
                                   &health_prefs.w_loss_mid);
    prefs_register_uint_preference(m, "health_w_loss_high", "Score weight: high loss",
                                   "Points taken off for a retransmission rate in the high band.", 10,
                                   &health_prefs.w_loss_high);
    prefs_register_uint_preference(m, "health_w_zero_window", "Score weight: zero window",
                                   "Points taken off when a receiver's application stops reading (long zero window); a "
                                   "third of it for a short zero window or a full window.",
                                   10, &health_prefs.w_zero_window);
    prefs_register_uint_preference(
        m, "health_w_reset", "Score weight: reset",
        "Points taken off for a reset before the connection was closed (a third if one FIN was "
        "already sent).",
        10, &health_prefs.w_reset);
    prefs_register_uint_preference(m, "health_w_slow", "Score weight: slow server",
                                   "Points taken off for a slow application response.", 10, &health_prefs.w_slow);
    prefs_register_uint_preference(
        m, "health_w_capture", "Score weight: capture problems",
        "Points taken off for packets the capture missed or duplicated (not a network problem).", 10,
        &health_prefs.w_capture);
    prefs_register_uint_preference(m, "health_refused_score", "Score of a refused connection",
                                   "The score of a connection refused with a reset or whose SYN was never answered.",
                                   10, &health_prefs.refused_score);
}

tcpx_health_t *
tcpx_tap_health_new(void)
{
    health_prefs_init();
    return tcpx_health_new(&health_prefs);
}

/* ---------------------------------------------------------------------- */

void
tcpx_health_register_taps(void)
{
    health_prefs_init();
    tcpx_tap_register_cli();
    tcpx_tap_register_tables();
    tcpx_tap_register_tree();
}
