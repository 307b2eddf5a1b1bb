/* tcpx_hook.h: between the hook in front of TCP (tcpx_hook.c), the reading of
 * one TCP header (tcpx_reader.c) and the post-dissector that shows what tcpx
 * found and queues it on the tap (packet-tcpx.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_HOOK_H
#define TCPX_HOOK_H

#include <epan/packet.h>

#include "tcpx_core.h"
#include "tcpx_tap.h"

/* A stream, with what the glue needs to tell its two ends apart. */
typedef struct {
    tcpx_stream_t core;
    address first_src;
    guint16 first_sport;
} tcpx_stream_glue_t;

/* One TCP header of the frame being dissected. */
typedef struct tcpx_layer {
    /* What the hook saw before TCP ran, for reading the header after it */
    tvbuff_t *tvb;
    address src, dst; /* shallow copies: the frame's data */
    void *iph;        /* IP's header data (the frame's) */
    gboolean fragmented;
    gboolean pending;      /* TCP has not returned (it threw): read in the post-dissector */
    gboolean tcp_returned; /* TCP returned normally: its tree holds its whole analysis */
    tcpx_segment_t seg;
    tcpx_stream_glue_t *stream; /* NULL: tcpx could not read this header */
    tcpx_result_t result;       /* what tcpx found (first pass) or the cache kept (later) */
    tcpx_tap_rec_t tap;         /* the record queued on the tap */
} tcpx_layer_t;

/* An ICMP "fragmentation needed" (IPv4 type 3 code 4) or ICMPv6 "packet too big" (type 2) of the
 * frame being dissected, and the TCP header it quotes: not a segment of the stream, a word about one. */
typedef struct {
    guint32 frame; /* 0: none */
    gboolean v6;
    guint32 mtu;          /* the next-hop MTU it announces */
    const char *reporter; /* its source address: the router (packet scope) */
    gboolean quoted;      /* the quoted TCP header was seen (TCP ran on it, inside the error packet) */
    tvbuff_t *tvb;        /* ...its tvb */
    address src, dst;     /* ...the quoted packet's addresses (shallow copies: the frame's data) */
    void *iph;            /* ...and IP's header data of the quoted packet */
    tcpx_icmp_t icmp;     /* what the core is told */
    tcpx_layer_t layer;   /* the quoted segment's stream, direction and seq, for the tree and the tap record */
} tcpx_icmp_frame_t;

/* Wireshark's file scope, for the core's per-file allocations. */
extern const tcpx_alloc_t tcpx_file_allocator;

/* ---- reading one header (tcpx_reader.c) ---------------------------------- */

/* Per capture file: the connections and streams seen so far. */
void tcpx_reader_file_init(void);

/* Calls fn(key, tcpx_stream_glue_t *, data) for every stream seen so far. */
void tcpx_reader_foreach_stream(GHFunc fn, gpointer data);

/* Reads the header in layer->tvb and TCP's analysis of it into layer->seg, and finds
 * its stream (layer->stream).  tcp_done: TCP returned normally from this very segment.
 * FALSE: tcpx cannot read this header. */
gboolean tcpx_read_segment(tcpx_layer_t *layer, packet_info *pinfo, gboolean tcp_done);

/* The stream, direction and relative sequence number of the TCP header an ICMP quotes (its first 8
 * bytes suffice), into ic->icmp and ic->layer.  FALSE: no stream of the capture has that header. */
gboolean tcpx_read_quoted(tcpx_icmp_frame_t *ic, packet_info *pinfo);

/* ---- the hook and the frame's headers (tcpx_hook.c) ----------------------- */

/* Handoff: puts the hook in front of TCP in "ip.proto". */
void tcpx_hook_handoff(void);

/* Per capture file.  enabled: tcpx is enabled (else the hook reads nothing). */
void tcpx_hook_file_init(gboolean enabled);

/* The TCP headers the hook saw in this dissection of the frame, in frame order
 * (*n of them, *n_read of which tcpx could read: layer->stream set), or NULL.
 * Reads those TCP left pending, and marks them used: a re-dissection of the
 * frame starts afresh. */
tcpx_layer_t *tcpx_hook_take_frame(packet_info *pinfo, guint *n, guint *n_read);

/* Forgets the frame's headers unread (tcpx is silent). */
void tcpx_hook_drop_frame(void);

/* What tcpx found on a read layer (index: its place in the frame): analysed on
 * the first pass and kept if notable, taken from that cache on later passes.
 * NULL: nothing found. */
const tcpx_result_t *tcpx_layer_result(packet_info *pinfo, tcpx_layer_t *layer, guint index);

/* The frame's ICMP error ("too big", "destination unreachable") about a stream of the capture (read: its stream found), or NULL;
 * marks it used.  Its findings: analysed on the first pass and kept, taken from the cache later. */
tcpx_icmp_frame_t *tcpx_hook_take_icmp(packet_info *pinfo);
const tcpx_result_t *tcpx_icmp_result(packet_info *pinfo, tcpx_icmp_frame_t *ic);

/* The first pass has ended (a frame is dissected again): what the capture's end settles.
 * Call on every dissection; does its work once per file. */
void tcpx_hook_first_pass_over(packet_info *pinfo);

/* Notes later frames and the capture's end left for this frame (tcpx_hindsight.h), for any
 * of its TCP headers (each says its stream): *n of them, or NULL.  Only once the first
 * pass is over. */
const tcpx_later_t *tcpx_hook_laters(packet_info *pinfo, guint *n);

/* The layer's tap record (kept in the layer, for tap_queue_packet()). */
const tcpx_tap_rec_t *tcpx_layer_tap_record(packet_info *pinfo, tcpx_layer_t *layer, const tcpx_result_t *r,
                                            gboolean from_client);
/* The same, of a header read earlier (tcpx_defer.c); cut_len: tcpx_cut_len() of its frame. */
void tcpx_tap_record_fill(tcpx_tap_rec_t *rec, const tcpx_stream_glue_t *stream, const tcpx_segment_t *seg,
                          guint32 cut_len, const tcpx_result_t *r, gboolean from_client);
guint32 tcpx_cut_len(const packet_info *pinfo); /* the frame's captured length if the snaplen cut it, else 0 */
/* The header's sender is the client (as the result says, or the stream's roles). */
gboolean tcpx_from_client(const tcpx_stream_glue_t *stream, const tcpx_segment_t *seg, const tcpx_result_t *r);
/* The first pass over one read header (seg->frame; index: its place in the frame): the core's analysis,
 * kept for later passes if notable and keep.  Into *r; returns r, or NULL when nothing notable was found. */
const tcpx_result_t *tcpx_analyze_header(tcpx_stream_glue_t *stream, const tcpx_segment_t *seg, guint index,
                                         tcpx_result_t *r, gboolean keep);

#include "tcpx_defer.h"

#endif
