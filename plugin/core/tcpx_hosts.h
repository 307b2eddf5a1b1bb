/* tcpx_hosts.h: what the capture knows of each host (per capture file), and whether a
 * reset came from the host it names or from a device on the path.
 *
 * A host is an IP address.  Its entry keeps the IP TTLs (IPv6 hop limits) of packets
 * that certainly come from it (its SYNs and SYN-ACKs, data, ACKs of a completed
 * handshake) and the fastest complete handshake with it as the server, as the
 * capture point saw it.  A reset is judged against them (tcpx_rst_judge()): a TTL
 * more than a hop away from every TTL of the host, or a reset far faster
 * than the host's handshakes from this capture point, did not come from the host.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_HOSTS_H
#define TCPX_HOSTS_H

#include <glib.h>
#include "tcpx_core.h"

/* Distinct TTLs kept per host (load balancers and SYN proxies give a host several). */
#define TCPX_HOST_TTLS 4
/* A TTL within this many hops of one of the host's own is the host's (a route change moves it by
 * one); packets of one host on one path arrive with one TTL, so 2 apart is another sender. */
#define TCPX_TTL_HOPS_SAME 1

typedef struct tcpx_host {
    guint8 ttl[TCPX_HOST_TTLS]; /* distinct TTLs on packets certainly from this host */
    guint8 n_ttl;
    gboolean ttl_many;               /* more distinct TTLs than kept (many hosts behind one address): no TTL evidence */
    gboolean hs_known;               /* a complete handshake with this host as the server was seen */
    gint64 hs_d1_ns, hs_d2_ns;       /* its fastest: SYN -> SYN-ACK and SYN-ACK -> ACK at the capture point */
    const struct tcpx_host *hs_peer; /* ...and the client of that handshake */
} tcpx_host_t;

typedef struct tcpx_hosts tcpx_hosts_t;

/* The table lives as long as the allocator's memory (wmem file scope in Wireshark). */
tcpx_hosts_t *tcpx_hosts_new(const tcpx_alloc_t *alloc);
/* The host of an address (4 or 16 bytes; any length up to 16), made on first use; stable pointer. */
tcpx_host_t *tcpx_hosts_get(tcpx_hosts_t *t, const guint8 *addr, guint len);
guint tcpx_hosts_count(const tcpx_hosts_t *t);
/* Frees the table and its hosts (for allocators that free: tests, the fuzzer). */
void tcpx_hosts_free(tcpx_hosts_t *t);

void tcpx_host_learn_ttl(tcpx_host_t *h, guint8 ttl);
void tcpx_host_learn_handshake(tcpx_host_t *h, const tcpx_host_t *client, gint64 d1_ns, gint64 d2_ns);

/* Where a reset came from, as far as the capture can tell. */
typedef enum {
    TCPX_RST_FROM_UNKNOWN = 0, /* nothing to compare it with */
    TCPX_RST_FROM_HOST,        /* consistent with the host's own packets */
    TCPX_RST_FORGED            /* contradicts them: a device on the path sent it */
} tcpx_rst_origin_t;

typedef struct {
    tcpx_rst_origin_t origin;
    guint8 ttl;     /* the reset's TTL (0: unknown) */
    guint8 ttl_ref; /* the host's own TTL nearest to it (0: none known) */
    gboolean ttl_differs;
    gint64 delay_ns;   /* SYN -> reset, when it answered a SYN (0: not an answer) */
    gint64 hs_ns;      /* the host's fastest SYN -> SYN-ACK from this capture point (0: none) */
    gboolean too_fast; /* far faster than the host's handshakes */
} tcpx_rst_evidence_t;

/* Judges a reset with TTL ttl (has_ttl FALSE: not known) that named host h (NULL: unknown),
 * delay_ns after the SYN it answered (0: it answered none). */
void tcpx_rst_judge(const tcpx_host_t *h, gboolean has_ttl, guint8 ttl, gint64 delay_ns, tcpx_rst_evidence_t *ev);

#endif
