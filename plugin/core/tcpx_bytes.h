/* tcpx_bytes.h: network-order integers read from raw header bytes (pure C).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_BYTES_H
#define TCPX_BYTES_H

#include <stdint.h>

static inline uint16_t
tcpx_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
tcpx_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

#endif
