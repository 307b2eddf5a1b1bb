/* tap-tcpx-health.h: stream-health listeners on the "tcpx" tap (epan glue).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TAP_TCPX_HEALTH_H
#define TAP_TCPX_HEALTH_H

#include <epan/prefs.h>

/* Registers -z tcpx,health, the Statistics menu entries and the anomaly tree. */
void tcpx_health_register_taps(void);

/* Registers the health thresholds as tcpx protocol preferences. */
void tcpx_health_register_prefs(module_t *tcpx_module);

#endif
