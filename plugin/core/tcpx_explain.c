/* tcpx_explain.c: what tcpx says, as data.
 *
 * Style (see EXPLANATION-STYLE): name the parties, carry the frame's numbers,
 * give the cause with its evidence, say whether it matters, one next step.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_explain.h"

#define STREAM_FILTER "tcp.stream == {stream}"

/* clang-format off */
static const tcpx_kind_info_t kinds[TCPX_K_COUNT] = {
    { TCPX_K_RETRANSMISSION, "retransmission", TCPX_SEV_NOTE,
      "Retransmission",
      "Retransmission of {range}{?orig: (frame {orig}, +{orig_age})}",
      "{Sender} sent {range} again. {?orig:{?one_byte:It|They} first left in frame {orig}, {orig_age} earlier.|{?one_byte:Its|Their} first transmission is not in the capture.}"
      "{?total: It is retransmission #{count} from the {sender_role} in this stream: {pct} of the {total} data segment{?one_total:|s} it has sent so far.}",
      "List this stream's retransmissions (" STREAM_FILTER " && tcp.analysis.retransmission): a handful in a long transfer is normal; "
      "many, or long pauses before them, cost throughput.", "Reference frame",
      { TCPX_C_SYN_UNANSWERED, TCPX_C_SYNACK_UNANSWERED, TCPX_C_SYN_RETRY_AFTER_RST, TCPX_C_RETX_AFTER_DUPACKS,
        TCPX_C_RETX_TIMEOUT, TCPX_C_RETX_BACKOFF, TCPX_C_RETX_IN_RECOVERY, TCPX_C_RETX_EARLY, TCPX_C_RETX_UNDETERMINED,
        TCPX_C_RETX_PMTU_BLACKHOLE, TCPX_C_RETX_TIMER_LONG, TCPX_C_RETX_PMTU_ICMP,
        TCPX_C_RETX_SACKED, TCPX_C_RETX_BEYOND_WINDOW } },
    { TCPX_K_FAST_RETRANSMISSION, "fast_retransmission", TCPX_SEV_NOTE,
      "Fast retransmission",
      "Fast retransmission of {range}{?orig: (frame {orig}, +{orig_age})} after {dupacks} dup ACK{?one_dupacks:|s}",
      "{Sender} sent {range} again. {?orig:{?one_byte:It|They} first left in frame {orig}, {orig_age} earlier, and|{?one_byte:Its|Their} first transmission is not in the capture;} "
      "{receiver} has since asked for {?one_byte:it|them} {dupacks} time{?one_dupacks:|s}{?listed: ({?listed_all:|the latest }duplicate ACK{?one_listed:|s} in frame{?one_listed:|s} {listed})}.",
      "Count retransmissions for this stream (" STREAM_FILTER " && tcp.analysis.retransmission); a few are normal, "
      "bursts of them point to a congested queue on the path.", "Reference frame",
      { TCPX_C_FAST_RETX_DUPACKS, TCPX_C_RETX_PMTU_ICMP, TCPX_C_RETX_SACKED, TCPX_C_RETX_BEYOND_WINDOW } },
    { TCPX_K_SPURIOUS_RETRANSMISSION, "spurious_retransmission", TCPX_SEV_NOTE,
      "Spurious retransmission",
      "Spurious retransmission of {range}: already ACKed{?ack_frame: in frame {ack_frame}}",
      "{Sender} sent {range} again although {receiver} had already acknowledged {?one_byte:it|them}{?ack_frame: in frame {ack_frame}, {ack_age} before}."
      "{?orig: The first copy left in frame {orig}, {orig_age} earlier.}",
      "Compare ACK delays with the retransmission timer: " STREAM_FILTER " && (tcp.analysis.spurious_retransmission || tcp.analysis.ack_rtt > 0.2); "
      "if spurious resends are common, the sender's timer is too short for this path.", "Reference frame",
      { TCPX_C_SPURIOUS_ACK_IN_FLIGHT, TCPX_C_SPURIOUS_ACK_LOST, TCPX_C_SPURIOUS_UNDETERMINED, TCPX_C_SYN_UNANSWERED,
        TCPX_C_SYNACK_UNANSWERED, TCPX_C_SYN_RETRY_AFTER_RST, TCPX_C_RETX_SACKED } },
    { TCPX_K_OUT_OF_ORDER, "out_of_order", TCPX_SEV_WARN,
      "Out-of-order segment",
      "Out-of-order {range}, {ref_age} after higher data (frame {ref})",
      "The segment with {range} from {sender} reached the capture point after data further ahead in the stream (frame {ref}, {ref_age} earlier).",
      "Watch for duplicate ACKs right after it (" STREAM_FILTER " && tcp.analysis.duplicate_ack); if reordering is frequent, "
      "capture at both ends to find where it happens.", "Higher segment seen first",
      { TCPX_C_REORDERING, TCPX_C_REORDERED_ORIGINAL, TCPX_C_RESEND_AFTER_GAP, TCPX_C_OOO_UNDETERMINED,
        TCPX_C_QUICK_RETRANSMISSION, TCPX_C_RETX_PMTU_ICMP } },
    { TCPX_K_LOST_SEGMENT, "lost_segment", TCPX_SEV_WARN,
      "Previous segment not captured",
      "{bytes} not captured before this segment{?segments: (~{segments} segment{?many_segments:s} of {mss} B)}",
      "{Sender} jumped from byte {lo} to byte {next}: {bytes}{?segments: (about {segments} segment{?many_segments:s} of {mss} bytes, the MSS in use)} "
      "sent after frame {ref} never reached the capture point.",
      "Look for their retransmission: " STREAM_FILTER " && tcp.seq == {lo}.", "Last segment before the gap",
      { TCPX_C_CAPTURE_STARTED_LATE, TCPX_C_LOSS_BEFORE_CAPTURE } },
    { TCPX_K_ACKED_UNSEEN, "acked_unseen", TCPX_SEV_WARN,
      "ACKed segment that was not captured",
      "ACK covers {?bytes:{bytes} |data }the capture never saw from {receiver_role}",
      "{Sender} acknowledged the data before byte {next}, but the capture never saw {?bytes:{bytes} of it (bytes {lo}-{hi})|that data} from {receiver}.",
      "Check the capture for drops (Statistics > Capture File Properties, or capinfos) and whether both directions pass the capture point.", "Last data seen from the sender",
      { TCPX_C_CAPTURE_STARTED_LATE, TCPX_C_CAPTURE_MISSED } },
    { TCPX_K_DUP_ACK, "dup_ack", TCPX_SEV_NOTE,
      "Duplicate ACK",
      "Dup ACK #{count} of frame {ref}: {?bytes2:{sender_role} got bytes {held_lo}-{hi} twice (D-SACK)|{sender_role} still waits for byte {lo}}",
      "{Sender} repeated the ACK of frame {ref} (duplicate #{count}): "
      "{?bytes2:it reports bytes {held_lo}-{hi} ({bytes2}) received twice, so the retransmission of them by {receiver}{?orig: (frame {orig})} was unneeded|"
      "it still waits for byte {lo} from {receiver}{?held_lo: while already holding bytes {held_lo}-{hi} (SACK)}}.",
      "Find the segment it waits for: " STREAM_FILTER " && tcp.seq == {lo}; runs of duplicate ACKs again and again point to congestion on the path.", "Original ACK",
      { TCPX_C_DUPACK_HOLE, TCPX_C_DUPACK_DSACK, TCPX_C_DUPACK_PLAIN } },
    { TCPX_K_ZERO_WINDOW, "zero_window", TCPX_SEV_WARN,
      "Zero window",
      "{Sender_role} advertises a zero window: its receive buffer is full",
      "{Sender} advertised a receive window of 0 bytes{?bytes2: (it was {bytes2} before)}: its receive buffer is full, "
      "so {receiver} must stop sending until it reopens.{?ref: The window has been zero since frame {ref}, {ref_age} ago.}",
      "Measure how long it stays shut (" STREAM_FILTER " && (tcp.analysis.zero_window || tcp.analysis.window_update)) "
      "and check the application, CPU and disk on {sender}.", "Window zero since",
      { TCPX_C_RECEIVER_NOT_READING, TCPX_C_ZERO_WINDOW_PERSISTS } },
    { TCPX_K_ZERO_WINDOW_PROBE, "zero_window_probe", TCPX_SEV_NOTE,
      "Zero-window probe",
      "Zero-window probe from {sender_role}{?ref: ({ref_age} into the zero window)}",
      "{Sender} {?bytes:sent one byte past the window {receiver} closed|sent a segment without data, one byte below what {receiver} has acknowledged (as Linux probes),} to ask whether it has room again"
      "{?ref:; the window has been zero since frame {ref}, {ref_age} ago}.",
      "{?ref:Look at what closed the window: frame {ref}.|Look for the zero window that caused it: " STREAM_FILTER " && tcp.analysis.zero_window.}", "Window zero since",
      { TCPX_C_PERSIST_TIMER } },
    { TCPX_K_ZERO_WINDOW_PROBE_ACK, "zero_window_probe_ack", TCPX_SEV_NOTE,
      "Answer to a zero-window probe",
      "{Sender_role} answers the probe: window still zero",
      "{Sender} answered the zero-window probe from {receiver} with a window that is still 0 bytes{?ref: (zero since frame {ref}, {ref_age} ago)}.",
      "Find when it reopens: " STREAM_FILTER " && tcp.analysis.window_update.", "Window zero since",
      { TCPX_C_ZERO_WINDOW_PERSISTS } },
    { TCPX_K_WINDOW_FULL, "window_full", TCPX_SEV_WARN,
      "Window full",
      "{Sender_role} filled {receiver_role}'s {?bytes:{bytes} }receive window",
      "{Sender} has now sent as much as the window {receiver} advertised allows{?bytes: ({bytes}{?bytes2:, {bytes2} in flight})}: "
      "it must wait for an ACK or a window update before sending more.",
      "Plot the window (Statistics > TCP Stream Graphs > Window Scaling) for " STREAM_FILTER "; if it stays small, "
      "raise the receive buffer on {receiver} or find why its application reads slowly.", "Reference frame",
      { TCPX_C_WINDOW_NO_SCALING, TCPX_C_WINDOW_RECEIVER_SLOW, TCPX_C_WINDOW_LIMITED, TCPX_C_WINDOW_STALE_COPY,
        TCPX_C_WINDOW_LOSS_HOLE, TCPX_C_WINDOW_QUEUE } },
    { TCPX_K_WINDOW_UPDATE, "window_update", TCPX_SEV_CHAT,
      "Window update",
      "{Sender_role} opens its window to {bytes}{?ref: after {ref_age} at zero}",
      "{Sender} announced a larger receive window ({?bytes2:from {bytes2} }to {bytes}) without new data or a new acknowledgment.",
      "{?ref:Add up the time spent at zero window: " STREAM_FILTER " && tcp.analysis.zero_window.|Nothing to do: normal flow control.}", "Window zero since",
      { TCPX_C_WINDOW_REOPENED, TCPX_C_WINDOW_GREW } },
    { TCPX_K_KEEP_ALIVE, "keep_alive", TCPX_SEV_NOTE,
      "Keep-alive",
      "Keep-alive #{count} from {sender_role}{?idle: after {idle} idle}",
      "{Sender} sent a keep-alive ({?bytes:one byte|no data} at sequence number {lo}, one below the next byte it would send)"
      "{?idle: after {idle} with no data in either direction}.",
      "If an answer is pending, measure the application's response time: tshark -z tcpx,health (Statistics > tcpx).", "Previous segment from the sender",
      { TCPX_C_KEEPALIVE_IDLE } },
    { TCPX_K_KEEP_ALIVE_ACK, "keep_alive_ack", TCPX_SEV_NOTE,
      "Keep-alive answer",
      "{Sender_role} answers the keep-alive: still there",
      "{Sender} acknowledged the keep-alive {receiver} sent{?ref: in frame {ref}, {ref_age} earlier}.",
      "Nothing to do, unless the connection sits idle while an answer is expected.", "Keep-alive answered",
      { TCPX_C_KEEPALIVE_ANSWERED } },
    { TCPX_K_REUSED_PORTS, "reused_ports", TCPX_SEV_NOTE,
      "Ports reused",
      "New connection reuses the ports of {?prev_stream:stream {prev_stream}|an earlier connection}",
      "{?by_server:This SYN-ACK accepts|This SYN opens} a new connection between the same addresses and ports as {?prev_stream:stream {prev_stream}|an earlier connection}.",
      "Compare the two connections: {?prev_stream:tcp.stream == {prev_stream} || }" STREAM_FILTER ".", "Earlier connection ended",
      { TCPX_C_PORTS_REUSED_AFTER_CLOSE, TCPX_C_PORTS_REUSED_TIME_WAIT, TCPX_C_PORTS_REUSED_NOT_CLOSED,
        TCPX_C_PORTS_REUSED_UNKNOWN, TCPX_C_PORTS_REUSED_AFTER_REFUSAL } },
    { TCPX_K_TFO_SYN, "tfo_syn", TCPX_SEV_NOTE,
      "TCP Fast Open SYN",
      "TCP Fast Open: SYN with cookie{?bytes: and {bytes} of data}",
      "{Sender} sent a TCP Fast Open cookie in its SYN{?bytes:, together with {bytes} of data,} so {receiver} can pass data "
      "to its application before the handshake ends.",
      "Check the answer: does the SYN-ACK accept the data (tcp.analysis.tfo_ack) or ignore it (tcp.analysis.tfo_ignored)?", "Reference frame",
      { TCPX_C_TFO } },
    { TCPX_K_TFO_ACK, "tfo_ack", TCPX_SEV_NOTE,
      "TCP Fast Open accepted",
      "TCP Fast Open: {sender_role} accepted the SYN's data",
      "The SYN-ACK from {sender} acknowledges the data that came with the SYN{?bytes: ({bytes})}: Fast Open worked.",
      "Nothing to do.", "Reference frame",
      { TCPX_C_TFO } },
    { TCPX_K_TFO_IGNORED, "tfo_ignored", TCPX_SEV_NOTE,
      "TCP Fast Open ignored",
      "TCP Fast Open: {sender_role} ignored the SYN's data",
      "The SYN-ACK from {sender} acknowledges only the SYN, not the data that came with it: {receiver} must send that data again after the handshake.",
      "Check Fast Open on {sender} (net.ipv4.tcp_fastopen on Linux) and whether a middlebox strips the option.", "Reference frame",
      { TCPX_C_TFO_REJECTED } },
    { TCPX_K_PARTIAL_ACK, "partial_ack", TCPX_SEV_NOTE,
      "Partial ACK",
      "Partial ACK: {sender_role} acknowledges part of a segment{?ref: (frame {ref})}, next byte {waits_for}",
      "{Sender} acknowledged the bytes before byte {waits_for}{?ref:, a point inside the segment of frame {ref} ({range}): "
      "{bytes} of it acknowledged, {bytes2} not yet|, a point inside a segment {receiver} sent}.",
      "Compare segment sizes with the MSS: " STREAM_FILTER "{?mss: && tcp.len > {mss}}; segments larger than the MSS mean "
      "the capture was taken on the sending host, before segmentation offload split them.", "Segment partly acknowledged",
      { TCPX_C_PARTIAL_ACK_OFFLOAD, TCPX_C_PARTIAL_ACK_UNDETERMINED } },
    { TCPX_K_AMBIGUOUS_ACK, "ambiguous_ack", TCPX_SEV_NOTE,
      "Ambiguous ACK",
      "Ambiguous ACK: covers data sent more than once, so no RTT sample",
      "{Sender} acknowledged the bytes before byte {waits_for}, which {receiver} sent more than once{?ref: (the copy in frame "
      "{ref}, {ref_age} earlier)}: the ACK cannot tell which copy arrived.",
      "See the retransmission it follows: " STREAM_FILTER " && tcp.analysis.retransmission.", "Segment acknowledged",
      { TCPX_C_AMBIGUOUS_ACK_KARN } },
    { TCPX_K_RESET, "reset", TCPX_SEV_WARN,
      "Reset",
      "Reset {?in_name:in the {sender_role}'s name|by {sender_role}}: {cause_label}",
      "{Sender} aborted the connection with a reset (RST){?midstream:. Since the capture began (mid-connection: what came before is unknown), it had sent "
      "{?bytes:{bytes}|no data} and {receiver} {?bytes2:{bytes2}|no data}.|{?bytes: after sending {bytes}| before sending any data}; "
      "{receiver} had sent {?bytes2:{bytes2}|no data}.}",
      "Read the last frames before it (" STREAM_FILTER "); for a refused connection check that the service listens on the port "
      "and that no firewall rejects it.", "Last frame before the reset",
      { TCPX_C_RST_REFUSED, TCPX_C_RST_FORGED, TCPX_C_RST_REFUSED_UNDETERMINED, TCPX_C_RST_FORGED_MID,
        TCPX_C_RST_HANDSHAKE_ABORT, TCPX_C_RST_MID_TRANSFER, TCPX_C_RST_AFTER_FIN, TCPX_C_RST_IDLE, TCPX_C_RST_UNKNOWN_START } },
    { TCPX_K_CHECKSUM, "checksum", TCPX_SEV_ERROR,
      "Checksum",
      "{?zero_checksum:Zero|Bad} TCP checksum from {sender_role}: {cause_label}",
      "The TCP checksum of this frame ({checksum}) is {?zero_checksum:zero|wrong}.",
      "If the capture was taken on an endpoint, turn TCP checksum validation off (Preferences > Protocols > TCP); "
      "to see real checksums, capture on a SPAN port or tap.", "Reference frame",
      { TCPX_C_CSUM_OFFLOAD, TCPX_C_CSUM_LOCAL_BOTH, TCPX_C_CSUM_CORRUPTION } },
    { TCPX_K_CAPTURE_COPY, "capture_copy", TCPX_SEV_NOTE,
      "Capture copy",
      "Capture copy of frame {orig} (+{orig_age}): recorded twice, sent once",
      "This frame repeats frame {orig}, {orig_age} earlier, bit for bit: {sender} sent that packet once and the capture recorded it twice.",
      "Nothing to do in the network. To read the capture without the copies, remove them: editcap -D 100 in.pcapng out.pcapng "
      "(a SPAN port or a file merged with itself), or keep one capture point's interface.", "Original packet",
      { TCPX_C_CAPTURE_DUPLICATE } },
    { TCPX_K_BEYOND_WINDOW, "beyond_window", TCPX_SEV_WARN,
      "Beyond the receive window",
      "{bytes} past the window {receiver_role} offered in frame {ref} (edge {edge})",
      "{Sender} sends {range}: {bytes} of it lie{?one_byte:s|} past the right edge {receiver} offered in frame {ref}, "
      "{ref_age} earlier: ACK {waits_for} + window {?bytes2:{bytes2}|0 bytes} = byte {edge}. "
      "It is the {sender_role}'s segment #{count} past the window in this stream.",
      "Fix or update the TCP stack of {sender}: no sender may go past the window (RFC 9293); list them with "
      "tcpx.anomaly == \"beyond_window\" and see which come back as retransmissions (tcpx.cause_code == \"after_beyond_window\").",
      "ACK that offered the edge",
      { TCPX_C_BEYOND_WINDOW } },

    /* The connection's story. */
    { TCPX_K_SYN, "syn", TCPX_SEV_NONE,
      "Handshake 1/3: SYN",
      "Handshake 1/3: {sender_role} opens ({opts_short})",
      "{Sender} asks {receiver} to open a connection. It offers: {opts}.",
      NULL, "Reference frame", { TCPX_C_STORY } },
    { TCPX_K_SYNACK, "syn_ack", TCPX_SEV_NONE,
      "Handshake 2/3: SYN-ACK",
      "Handshake 2/3: {sender_role} accepts{?ref: after {ref_age}} ({opts_short})",
      "{Sender} accepts the connection{?ref:, {ref_age} after the SYN in frame {ref}}. It offers: {opts}. Agreed: {negotiated}.",
      NULL, "SYN", { TCPX_C_STORY, TCPX_C_CONNECT_SYNS_LOST } },
    { TCPX_K_HANDSHAKE_ACK, "handshake_ack", TCPX_SEV_NONE,
      "Handshake 3/3: ACK",
      "Handshake 3/3: connection open{?syn_synack: (SYN>SYN-ACK {syn_synack}, SYN-ACK>ACK {?synack_ack:{synack_ack}|0 ms})}",
      "{Sender} acknowledges the SYN-ACK (frame {ref}): the connection is open."
      "{?syn_synack: SYN to SYN-ACK took {syn_synack}, SYN-ACK to ACK {?synack_ack:{synack_ack}|no measurable time}: {position}.}",
      NULL, "SYN-ACK", { TCPX_C_STORY } },
    { TCPX_K_MIDSTREAM, "midstream", TCPX_SEV_NONE,
      "Connection already open",
      "Capture starts mid-connection: no handshake seen, roles guessed",
      "The capture has no handshake for this connection: it was opened before recording began, so MSS, window scaling "
      "and SACK are unknown, and {client} is guessed to be the client from the port numbers.",
      NULL, "Reference frame", { TCPX_C_STORY } },
    { TCPX_K_FIN_FIRST, "fin", TCPX_SEV_NONE,
      "Teardown: first FIN",
      "{Sender_role} closes first (FIN){?bytes: after sending {bytes}{?midstream: in the capture}|{?midstream:| without sending data}}",
      "{Sender} has nothing more to send and closes its side (FIN){?bytes: after {bytes}{?midstream: (counted from the capture's start)}|"
      "{?midstream:; what it sent before the capture began is unknown| without having sent any data}}. "
      "{Receiver} may still send until it sends its own FIN.",
      NULL, "Reference frame", { TCPX_C_STORY } },
    { TCPX_K_FIN_SECOND, "fin_reply", TCPX_SEV_NONE,
      "Teardown: second FIN",
      "{Sender_role} closes too (FIN), {ref_age} after {receiver_role}",
      "{Sender} closes its side as well, {ref_age} after {receiver} sent its FIN in frame {ref}{?bytes:, having sent {bytes}"
      "{?midstream: since the capture began}|{?midstream:|, without having sent any data itself}}. "
      "Once this FIN is acknowledged, the connection is closed.",
      NULL, "First FIN", { TCPX_C_STORY } },
    { TCPX_K_CLOSE_ACK, "close_ack", TCPX_SEV_NONE,
      "Teardown: last ACK",
      "Last ACK: connection closed",
      "{Sender} acknowledges the FIN {receiver} sent in frame {ref}, {ref_age} earlier: both sides have closed, the connection is finished.",
      NULL, "FIN acknowledged", { TCPX_C_STORY } },
    { TCPX_K_HALF_CLOSE, "half_close", TCPX_SEV_NONE,
      "Half-close",
      "{Sender_role} still sends after {receiver_role}'s FIN (half-close)",
      "{Receiver} closed its sending side in frame {ref}, {ref_age} ago, but {sender} keeps sending: a half-closed connection. "
      "Legal TCP, though some middleboxes and applications mishandle it.",
      NULL, "FIN of the other side", { TCPX_C_STORY } },
    { TCPX_K_DSACK, "dsack", TCPX_SEV_NOTE,
      "D-SACK: data received twice",
      "D-SACK: {sender_role} got bytes {held_lo}-{hi} twice; the resend in frame {ref} was unneeded",
      "{Sender} acknowledges what {receiver} sent before byte {ack} and, in its first SACK block, reports bytes "
      "{held_lo}-{hi}, which it had already received.",
      NULL, "Unneeded resend", { TCPX_C_DUPACK_DSACK } },
    { TCPX_K_NAGLE, "nagle", TCPX_SEV_NOTE,
      "Held back by Nagle",
      "Held back by Nagle until the delayed ACK in frame {ref}: {idle} lost",
      "{Sender} sends {range} ({bytes}) at once after the ACK in frame {ref}, which acknowledged its small segment of "
      "frame {orig} ({bytes2}) {idle} later than the {rtt} round trip.",
      "Send each request in one write (or set TCP_NODELAY on the socket of {sender}); on {receiver}, quick ACKs "
      "(TCP_QUICKACK) shorten the wait but not the cause.", "Delayed ACK that released it",
      { TCPX_C_NAGLE_DELAYED_ACK } },
    { TCPX_K_PMTU_ICMP, "pmtu_icmp", TCPX_SEV_NOTE,
      "Path MTU: ICMP too big",
      "ICMP too big from {?reporter:{reporter}|a router}: {?orig:frame {orig}|{range}} exceeds {?mtu:MTU {mtu}|the path MTU}",
      "{?reporter:The router {reporter}|A router} could not forward {?orig:the packet of frame {orig} ({orig_age} "
      "earlier)|a packet} from {sender} toward {receiver}: {?bytes:{bytes}, carrying {range}|{range}}. {?mtu:Its next "
      "link carries at most {mtu} bytes|It gave no MTU (a router older than RFC 1191)} and the packet could not be "
      "fragmented (Don't Fragment set, or IPv6): the router dropped it and sent this ICMP back{?count: (#{count} "
      "about packets from the {sender_role})}. The TCP header quoted in the ICMP is no segment of the stream.",
      "Follow the resends (" STREAM_FILTER " && tcp.analysis.retransmission); if every connection over this path pays "
      "this, clamp the MSS where the path narrows (nftables: tcp option maxseg size set rt mtu) or fix that link's MTU.",
      "First ICMP of this flight",
      { TCPX_C_PMTU_TOO_BIG, TCPX_C_PMTU_NOT_TOO_BIG } },
    { TCPX_K_ICMP_UNREACHABLE, "icmp_unreachable", TCPX_SEV_WARN,
      "ICMP destination unreachable",
      "ICMP {cause_label} from {?reporter:{reporter}|a router}: {?orig:frame {orig}|{range}} not delivered",
      "{?reporter:{reporter}|A router or host} could not, or would not, deliver {?orig:the packet of frame {orig} "
      "({orig_age} earlier)|a packet} from {sender} to {receiver}, and said so with this ICMP. The TCP header quoted in "
      "the ICMP is no segment of the stream.",
      "List every such error in the capture (icmp.type == 3 || icmpv6.type == 1) and ask the owner of "
      "{?reporter:{reporter}|the router that sent it} about its routes and filters toward {receiver}.",
      "Quoted packet",
      { TCPX_C_UNREACH_NET, TCPX_C_UNREACH_HOST, TCPX_C_UNREACH_PORT, TCPX_C_UNREACH_PROHIBITED, TCPX_C_UNREACH_OTHER } },
    { TCPX_K_NOTE_DATA, "data", TCPX_SEV_NONE,
      "Data",
      "Data: {sender_role} sends {range}{?ack:, next expected byte {ack}}",
      "{Sender} sends {range}{?ack: and, in the same segment, acknowledges what {receiver} sent before byte {ack}}.",
      NULL, "Reference frame", { TCPX_C_STORY } },
    { TCPX_K_NOTE_ACK, "ack", TCPX_SEV_NONE,
      "Acknowledgment",
      "ACK: {sender_role} expects byte {ack} next",
      "{Sender} acknowledges what {receiver} sent before byte {ack}: it expects byte {ack} next. The segment carries no data (a pure ACK).",
      NULL, "Reference frame", { TCPX_C_STORY } },
};
/* clang-format on */

/* clang-format off */
static const tcpx_cause_info_t causes[TCPX_C_COUNT] = {
    { TCPX_C_NONE, "none", "", "" },
    { TCPX_C_CAPTURE_DUPLICATE, "capture_duplicate", "copy made by the capture",
      "Same IP ID, sequence and ACK numbers, window and checksum as frame {orig}, {orig_age} earlier, before any answer to it: "
      "the capture setup (a SPAN or mirror port seeing the packet twice, two capture points merged, a file merged with itself) "
      "made this copy; TCP did not send it twice. Not a network problem.",
      "Capture copy of {?orig:frame {orig} (same IP ID, {orig_age} later)|an earlier frame (same IP ID)}: not a retransmission",
      "Nothing to fix on the network: leave the copies out (!(tcpx.cause_code == \"capture_duplicate\")) or remove them "
      "with editcap -D, then read the stream again; many copies point to the capture setup (a SPAN port or two interfaces)." },
    { TCPX_C_SYN_UNANSWERED, "syn_unanswered", "no SYN-ACK",
      "No SYN-ACK came back{?orig: within {orig_age}}, so {sender} tried again. {Receiver} may be down or overloaded, or a firewall "
      "silently drops the SYN (a refusal would have come back as a reset).",
      "SYN sent again{?orig: (first in frame {orig}, +{orig_age})}: no SYN-ACK yet",
      "List every attempt (" STREAM_FILTER " && tcp.flags.syn == 1) and check that {receiver} is up, listens on the port, "
      "and that no firewall drops SYNs to it.",
      "{Sender} sent its SYN again{?orig:, {orig_age} after the first one (frame {orig})}: no SYN-ACK or reset has come back from "
      "{receiver} yet." },
    { TCPX_C_SYNACK_UNANSWERED, "synack_unanswered", "handshake ACK missing",
      "{Sender} did not get the handshake's final ACK{?orig: within {orig_age}} and resent its SYN-ACK: the ACK (or the first "
      "SYN-ACK) was lost between them.",
      "SYN-ACK sent again{?orig: (first in frame {orig}, +{orig_age})}: no handshake ACK yet", NULL,
      "{Sender} sent its SYN-ACK again{?orig:, {orig_age} after the first one (frame {orig})}: the handshake's last ACK has "
      "not come back from {receiver} yet." },
    { TCPX_C_SYN_RETRY_AFTER_RST, "syn_retry_after_reset", "retry after a reset",
      "The previous SYN was answered with a reset (frame {ref}, {ref_age} before), not lost: {sender} tried again on the same "
      "ports, as an application does after \"connection refused\". The reset's own text says whether {receiver} or a device "
      "on the path sent it.",
      "SYN sent again after the reset in frame {ref}: a retry, not a lost SYN",
      "Read the reset (frame {ref}): its cause says whether {receiver} refused or a device on the path forged it.",
      "{Sender} sent a SYN again on the same ports{?ref_age:, {ref_age} after the reset in frame {ref}}." },
    { TCPX_C_FAST_RETX_DUPACKS, "loss_dupacks", "lost, recovered by dup ACKs",
      "The segment was lost between {sender} and {receiver}. {dupacks} duplicate ACK{?one_dupacks:|s} let {sender} resend it without waiting for "
      "its timeout: TCP recovering as designed. If these repeat in bursts, a queue on the path is overflowing." },
    { TCPX_C_RETX_AFTER_DUPACKS, "loss_sack", "lost, recovered after dup ACKs",
      "{Receiver} had signalled the gap {?dupacks:with duplicate ACK{?one_dupacks:|s}{?listed: ({?listed_all:|the latest }in frame{?one_listed:|s} {listed})}|"
      "in the SACK blocks of its latest ACK (data held above the gap)}, so {sender} resent the segment early (SACK/RACK-based "
      "recovery): it was lost on the way. A few such losses are normal; many mean congestion." },
    { TCPX_C_RETX_TIMEOUT, "timeout", "retransmission timeout",
      "Nothing new was acknowledged{?idle: for {idle}}{?rtt: (the round trip is {rtt})}, longer than the retransmission timeout (RTO, at least "
      "200 ms on Linux), so {sender} resent. Either the data or its ACKs were lost; a timeout stalls the transfer for the whole wait." },
    { TCPX_C_RETX_BACKOFF, "timeout_backoff", "repeated timeouts",
      "This is attempt #{attempt} at the same bytes, {ref_age} after the previous one (frame {ref}), {orig_age} after the first: "
      "each wait about twice the one before (exponential backoff), and nothing has come back from {receiver} "
      "{?quiet:since frame {quiet}|in this capture}. The path or {receiver} has stopped answering; if the silence lasts, {sender} will "
      "give up and the connection is lost.",
      NULL,
      "Look for any later packet from {receiver} (" STREAM_FILTER "); if none comes, check that it is up and that the path "
      "to it passes packets at all (ping or traceroute from the side of {sender})." },
    { TCPX_C_RETX_IN_RECOVERY, "loss_recovery", "recovering a burst of losses",
      "Part of the same loss episode: {receiver} still waits for byte {waits_for}{?dupacks: and keeps sending duplicate ACKs}, so "
      "{sender} resends, one after another, the segments it has not had acknowledged (loss recovery); a D-SACK from {receiver} "
      "would show one that was not lost. Several consecutive lost segments point to a queue overflowing on the path or a "
      "policer dropping a burst." },
    { TCPX_C_RETX_EARLY, "early_retransmission", "early resend",
      "It was resent {?orig:only {orig_age} after the original, }without duplicate ACKs, and it is the last segment {sender} had sent: a tail-loss probe or early retransmit timer, "
      "which fires when no ACK comes within about two round trips. The last segments of a burst or their ACK were lost, or {receiver} "
      "held its ACK longer than the probe's timer (a delayed ACK); a D-SACK would show the probe was not needed." },
    { TCPX_C_RETX_UNDETERMINED, "retransmission_undetermined", "cause undetermined",
      "Resent without duplicate ACKs before it{?orig:, {orig_age} after the original}{?rtt: (the round trip is {rtt})}: too soon "
      "after the last progress for a retransmission timeout (at least 200 ms on Linux, and more than a round trip), and not "
      "the last segment sent, which a tail-loss probe would resend. The capture does not show why; the sender's counters "
      "would decide (nstat: TcpExtTCPTimeouts, TCPLossProbes, TCPSlowStartRetrans)." },
    { TCPX_C_RETX_PMTU_BLACKHOLE, "pmtu_blackhole", "path-MTU black hole",
      "Attempt #{attempt} at these {bytes}, {ref_age} after the previous one (frame {ref}) with nothing from {receiver} since: "
      "a timeout again. No segment this large from {sender} has been acknowledged, while {receiver} SACKed a smaller one "
      "({bytes2}, frame {quiet}): small packets get through, full-size ones vanish. A path-MTU black hole: a link on the path "
      "carries only smaller packets, and the ICMP \"fragmentation needed\" (ICMPv6 \"packet too big\") that should say so is "
      "filtered or never sent.",
      "Retransmission of {range} (attempt {attempt}): path-MTU black hole",
      "Test the path MTU from {sender}: ping -M do -s 1472 toward {receiver} (IPv6: ping -6 -M do -s 1452). Let ICMP "
      "\"fragmentation needed\" (type 3 code 4) and ICMPv6 \"packet too big\" through the firewalls, or clamp the MSS where "
      "the path narrows (nftables: tcp option maxseg size set rt mtu); on Linux, net.ipv4.tcp_mtu_probing=1 lets the "
      "sender find the size itself." },
    { TCPX_C_RETX_TIMER_LONG, "timer_too_long", "retransmission timer far too long",
      "The first resend of these bytes came {orig_age} after they left, with nothing acknowledged meanwhile, on a path whose "
      "round trip is {rtt}: more than 20 round trips. No path needs a timer that long (Linux resends after about a round trip "
      "plus 200 ms, Windows after 300 ms at least): the retransmission timer of {sender} is set far too long, and the "
      "transfer stood still for the whole wait.",
      "Retransmission of {range} after {orig_age}: retransmission timer far too long",
      "Find what lengthens the timer on {sender}: a route's rto_min (ip route show; ss -ti shows each socket's rto), "
      "or the operating system's TCP tuning; on this path the first resend should come well within a second." },
    { TCPX_C_RETX_PMTU_ICMP, "pmtu_icmp", "resent smaller after ICMP too big",
      "The router's ICMP in frame {ref}, {ref_age} before, said packets over {mtu} bytes do not fit its next link "
      "toward {receiver}. The first transmission of these bytes{?orig: (frame {orig})} carried {bytes} of data, too "
      "much for that link, so it never arrived: {sender} lowered its segment size and resent them in pieces that fit. "
      "Path MTU discovery working as designed: a one-time cost, not a loss on the path.",
      "Resent {range} smaller after the ICMP in frame {ref} (MTU {mtu})",
      "Nothing to fix if it happens once per connection; if every connection over this path pays it, clamp the MSS "
      "where the path narrows (nftables: tcp option maxseg size set rt mtu) or fix the MTU of that link.",
      "{Sender} sent {range} again, in a smaller segment: {?orig:they first left in frame {orig}, {orig_age} earlier, "
      "in a segment of {bytes}|their first transmission is not in the capture}.",
      "ICMP that prompted the resend" },
    { TCPX_C_RETX_SACKED, "resent_sacked", "the receiver had SACKed it",
      "{Receiver} had reported holding all of {range} in its SACK blocks: the ACK in frame {ref} completed the report "
      "{ref_age} before this resend, longer than the {rtt} round trip between the capture point and {sender}, and its latest "
      "ACK still reports it. {Sender} negotiated SACK but resends data the receiver has: it does not use the SACK blocks "
      "(RFC 2018 lets a sender forget them after a timeout, at this cost; Linux keeps them). The resend costs "
      "{bytes} of the path's capacity and, while the sender repairs holes one round trip at a time, the transfer waits.",
      "Retransmission of {range}: the receiver had SACKed it (frame {ref}): SACK ignored",
      "Check the TCP stack of {sender}: it offered SACK yet resends SACKed data; a stack that uses SACK (RFC 6675) resends "
      "only the holes. Count them: tcpx.cause_code == \"resent_sacked\"." },
    { TCPX_C_RETX_BEYOND_WINDOW, "after_beyond_window", "first copy past the window",
      "Its first copy (frame {ref}, {ref_age} earlier) went past the right edge of the window {receiver} offered, and "
      "nothing acknowledged or SACKed it since: {receiver} dropped it, and {sender} had to send it again. The loss is the "
      "sender's doing, not the network's.",
      "Retransmission of {range}: the first copy (frame {ref}) went past the window",
      "Fix or update the TCP stack of {sender}: data past the receiver's window is dropped and must come again." },
    { TCPX_C_SPURIOUS_ACK_IN_FLIGHT, "ack_in_flight", "ACK still in flight",
      "The ACK in frame {ack_frame} passed the capture point only {ack_age} before this resend, within the {rtt} round trip "
      "between here and {sender}, as the handshake measured it: it had not reached {sender} yet. The data or its ACK was delayed, not lost: the retransmission timer of {sender} is too eager, "
      "or the capture point is close to {receiver}." },
    { TCPX_C_SPURIOUS_ACK_LOST, "ack_lost", "ACK lost or delayed",
      "Both the data and the ACK (frame {ack_frame}) crossed the capture point, and the ACK did so {ack_age} before this resend, "
      "longer than the {rtt} round trip between here and {sender}, as the handshake measured it: {?ack_lost_sure:{sender} resent "
      "because the ACK was lost, or held for long, on the way to it|the ACK was lost or delayed on the way to {sender}, or this "
      "resend waited in a queue on its way here (under load a round trip outgrows the handshake's)}. No data was lost." },
    { TCPX_C_SPURIOUS_UNDETERMINED, "spurious_undetermined", "ACK in flight or lost",
      "{Receiver} had acknowledged these bytes{?ack_frame: in frame {ack_frame}, {ack_age} before this resend}. Whether that ACK "
      "was still on its way to {sender} or was lost, the capture does not tell: {?ack_frame:the round trip between the capture "
      "point and {sender} would decide, and the handshake that gives it is not in the capture|the ACK that covered them is no "
      "longer among those tcpx keeps}." },
    { TCPX_C_REORDERING, "reordering", "reordered on the path",
      "It came {ref_age} after the higher segment{?rtt:, well within the round-trip time ({rtt})}{?by_timestamp: and left "
      "{sender} before it (an older TCP timestamp)}{?by_ip_id: and left {sender} before it (a lower IP ID)}: packets "
      "were reordered on the path (parallel links, load balancing, Wi-Fi retries) or by the capture setup. Occasional "
      "reordering is harmless; frequent reordering triggers needless fast retransmissions." },
    { TCPX_C_REORDERED_ORIGINAL, "reordered_original", "the original, reordered",
      "Wireshark calls it a retransmission, but it left {sender} before the higher segment that reached the capture "
      "point {ref_age} earlier: {?by_timestamp:its TCP timestamp is older|its IP ID is lower, and {sender} numbers its "
      "packets in order}, where a resend leaves after. These are the original bytes, reordered on the path (parallel "
      "links, load balancing, Wi-Fi retries) or by the capture setup: nothing was lost, and a resend of them may still "
      "follow (the duplicate ACKs make {sender} think they were)." },
    { TCPX_C_RESEND_AFTER_GAP, "resend_after_gap", "a resend of unseen bytes",
      "{?by_timestamp:It left {sender} after the higher segment (a newer TCP timestamp), and TCP sends new data in order: an "
      "original leaves before the data above it.}{?by_ip_id:It left {sender} after the higher segment (a higher IP ID, and "
      "{sender} numbers its packets in order), and TCP sends new data in order: an original leaves before the data above "
      "it.}{?rtt:It came {ref_age} after the higher segment, a round trip ({rtt}) or more: time for the news of the gap to "
      "reach {sender} and for a resend to come back.} These bytes are a resend; the capture never saw their original, "
      "most likely lost before the capture point.",
      NULL,
      "Count this stream's resends (" STREAM_FILTER " && (tcp.analysis.retransmission || tcp.analysis.out_of_order)); a "
      "few are normal, bursts of them point to a congested queue on the path. A capture at {sender} shows the originals." },
    { TCPX_C_OOO_UNDETERMINED, "reordered_or_resent", "reordered or resent",
      "It came {ref_age} after the higher segment, and the capture never saw these bytes before. Neither its TCP timestamp "
      "nor its IP ID tells whether it left {sender} before that segment (the original, reordered) or after it (a resend)"
      "{?rtt:, and its delay does not either (a resend needs a round trip, {rtt}, to answer the gap, but while {sender} "
      "is resending, its timers may send one right after new data)|, and without the round-trip time (the handshake is "
      "not in the capture) its delay does not either}. A capture at {sender} would tell: a resend shows there as a "
      "second copy." },
    { TCPX_C_QUICK_RETRANSMISSION, "quick_retransmission", "fast resend",
      "These bytes were already sent in frame {orig}, {orig_age} earlier: this is a retransmission that followed the higher "
      "data so closely that Wireshark calls it out-of-order. The original was probably lost." },
    { TCPX_C_CAPTURE_STARTED_LATE, "capture_start", "capture started mid-stream",
      "The capture began after this connection had started (no handshake), so earlier bytes were simply not recorded. "
      "Nothing is wrong with the network." },
    { TCPX_C_LOSS_BEFORE_CAPTURE, "loss_or_capture_drop", "lost upstream or not captured",
      "Either the network dropped them before the capture point, or the capture missed them. If a retransmission of bytes "
      "{lo}-{hi} follows, the network lost them; if {receiver} acknowledges past byte {hi} without one, the capture dropped them." },
    { TCPX_C_CAPTURE_MISSED, "capture_missed", "capture missed packets",
      "{Sender} can only acknowledge bytes that reached it, so that data did cross the network: the capture point missed it "
      "(capture drops, an oversubscribed SPAN port, or packets taking another path past the probe). Not a network problem." },
    { TCPX_C_DUPACK_HOLE, "hole", "a segment is missing",
      "The segment starting at byte {lo} is missing at {sender}{?bytes:: {bytes}{?segments: (~{segments} segment{?many_segments:s})} are missing before "
      "the data it already holds}. After 3 duplicate ACKs, {receiver} should resend it (fast retransmission)." },
    { TCPX_C_DUPACK_DSACK, "dsack", "data received twice",
      "The first SACK block reports bytes {held_lo}-{hi}, which {sender} had already received (a D-SACK, RFC 2883): "
      "{receiver} sent them twice{?orig:, the second time in frame {orig}}, a spurious retransmission. Those bytes were not lost.",
      NULL,
      "See the resend it reports as unneeded (" STREAM_FILTER " && tcp.analysis.spurious_retransmission); many of them mean "
      "the retransmission timer of {receiver} is too short for this path." },
    { TCPX_C_DUPACK_PLAIN, "gap", "waiting for a missing segment",
      "Each segment that arrives after a gap makes {sender} repeat its ACK. A few duplicate ACKs mean one lost or reordered "
      "segment; long runs mean a burst of loss." },
    { TCPX_C_RECEIVER_NOT_READING, "receiver_not_reading", "receiving application not reading",
      "The application on {sender} is not reading from its socket as fast as data arrives (busy, blocked on disk or a lock, "
      "or paused). This is the receiving host's problem, not the network's." },
    { TCPX_C_ZERO_WINDOW_PERSISTS, "zero_window_persists", "window still closed",
      "The application on {sender} still has not read the buffered data{?ref_age:: the window has been closed for {ref_age}}. "
      "The longer this lasts, the longer the transfer stalls." },
    { TCPX_C_PERSIST_TIMER, "persist_timer", "persist timer",
      "While the peer's window is zero, TCP's persist timer sends these probes at growing intervals. Normal behaviour: "
      "the problem, if any, is the zero window itself." },
    { TCPX_C_WINDOW_NO_SCALING, "no_window_scaling", "window scaling off",
      "The window {receiver} advertises cannot grow past 64 KB because window scaling was not agreed in the handshake; "
      "on a path with a long round trip this caps throughput at window / RTT." },
    { TCPX_C_WINDOW_RECEIVER_SLOW, "receiver_slow", "receiver reads slowly",
      "{Receiver} has already shown a zero window in this stream: its application reads slowly and its shrinking window "
      "holds the sender back." },
    { TCPX_C_WINDOW_LIMITED, "window_limited", "receive window limits",
      "The receive window, not the network, limits the transfer at this moment: {receiver} frees buffer space more slowly "
      "than {sender} can send. Occasional window-full moments are normal in bulk transfers." },
    { TCPX_C_WINDOW_STALE_COPY, "window_from_copies", "window read from capture copies",
      "The capture holds copies of this stream's packets, and a late copy of an older ACK carries an older window: "
      "by the packets as {receiver} sent them, its window{?bytes: of {bytes}} still had room. Not a receiver problem." },
    { TCPX_C_WINDOW_LOSS_HOLE, "window_loss_hole", "a loss holds the window",
      "{Receiver} still waits for byte {waits_for} and holds the data that came after the gap (its latest ACK reports it in "
      "SACK blocks or repeats itself): its window cannot move past the missing segment until the retransmission arrives. "
      "The loss, not {receiver}, stops {sender}.",
      NULL,
      "Follow the loss: the retransmission of byte {waits_for} (" STREAM_FILTER " && tcp.analysis.retransmission); the window "
      "opens once it arrives. Not a receive-buffer problem." },
    { TCPX_C_WINDOW_QUEUE, "window_queue", "queue on the path",
      "The round trip has grown from {rtt} to {rtt_now} (the latest ACKs){?bytes2:, with {bytes2} in flight}: the data waits "
      "in a queue on the path between here and {receiver}, not in {receiver}. A slower link limits the transfer, and a larger "
      "window would only lengthen the queue.",
      NULL,
      "Find the slow link between here and {receiver} (an uplink, a shaper, a congested hop): plot the round trip "
      "(Statistics > TCP Stream Graphs > Round Trip Time) for " STREAM_FILTER "; a larger window will not help." },
    { TCPX_C_WINDOW_REOPENED, "window_reopened", "window reopened",
      "The application on {sender} read buffered data, so the window that was zero since frame {ref} reopened after {ref_age}; "
      "{receiver} can send again." },
    { TCPX_C_WINDOW_GREW, "window_grew", "window grew",
      "The application on {sender} read data from its buffer and TCP told {receiver} about the extra room. Normal flow control." },
    { TCPX_C_BEYOND_WINDOW, "sent_past_window", "sent past the window",
      "{Receiver} offered no room for these bytes: its highest right edge, byte {edge}, was {ref_age} old, time enough to "
      "reach {sender}. TCP must not send past it (RFC 9293); {receiver} may drop the data (Linux 6.17+ does, counting "
      "TcpExtBeyondWindow), which then must be sent again. A zero-window probe is one byte; this is {bytes}." },
    { TCPX_C_KEEPALIVE_IDLE, "idle", "idle connection",
      "The connection is idle and the keep-alive timer of {sender} checks that {receiver} is still there. Normal; it only matters "
      "if the silence itself is unexpected, for example while a request waits for its answer." },
    { TCPX_C_KEEPALIVE_ANSWERED, "alive", "peer alive",
      "The TCP stack of {sender} is up and the path works; this says nothing about its application." },
    { TCPX_C_PORTS_REUSED_AFTER_CLOSE, "reuse_after_close", "reuse after close",
      "The earlier connection closed {ref_age} before (frame {ref}), so the client simply picked the same port again. "
      "Normal for busy clients and load tests." },
    { TCPX_C_PORTS_REUSED_TIME_WAIT, "reuse_in_time_wait", "reuse within TIME-WAIT",
      "The earlier connection closed only {ref_age} before (frame {ref}), within TIME-WAIT (60 s on Linux): the client reused "
      "the port early. Some servers and firewalls drop or reset such SYNs." },
    { TCPX_C_PORTS_REUSED_NOT_CLOSED, "reuse_not_closed", "earlier connection still open",
      "The earlier connection was never closed in this capture: the server or a firewall may still hold it and answer this SYN "
      "with an ACK or a reset instead of a SYN-ACK." },
    { TCPX_C_PORTS_REUSED_UNKNOWN, "reuse_unknown", "earlier connection not captured",
      "The earlier connection is not in this capture, so its state cannot be checked." },
    { TCPX_C_PORTS_REUSED_AFTER_REFUSAL, "reuse_after_refusal", "new attempt after a refusal",
      "The earlier attempt on these ports was refused with a reset (frame {ref}, {ref_age} before) and never connected, so "
      "neither side holds any state for it (no TIME-WAIT): the client simply tried again from the same port." },
    { TCPX_C_TFO, "fast_open", "Fast Open",
      "TCP Fast Open lets a client that connected before send its request with the SYN, saving one round trip. Normal." },
    { TCPX_C_TFO_REJECTED, "fast_open_rejected", "Fast Open refused",
      "{Sender} did not accept the cookie (expired, or Fast Open disabled on it) or a middlebox removed it. It costs one round "
      "trip, nothing more." },
    { TCPX_C_PARTIAL_ACK_OFFLOAD, "segmentation_offload", "segmentation offload at the capture point",
      "The segment of frame {ref} is larger than the MSS ({mss} bytes), so no such segment crossed the network: the capture "
      "point saw it before segmentation offload on the host of {receiver} cut it up (TSO/GSO), or after offload on the host of {sender} "
      "merged the pieces (GRO/LRO), and {sender} acknowledges the real, smaller segments. The capture's doing, not the "
      "network's." },
    { TCPX_C_PARTIAL_ACK_UNDETERMINED, "undetermined", "cause undetermined",
      "Undetermined: {?ref:the segment is no larger than the MSS, so segmentation offload at the capture point does not "
      "explain it|the partly acknowledged segment is not in what tcpx remembers}. A middlebox that re-segments, or {sender} "
      "taking only part of it, would; a capture next to {sender} would tell which pieces arrived." },
    { TCPX_C_AMBIGUOUS_ACK_KARN, "retransmitted_data", "retransmitted data acknowledged",
      "These bytes were retransmitted before this ACK came, so the round-trip time cannot be measured from it (Karn's rule): "
      "Wireshark leaves it out of its RTT figures. Expected after any retransmission." },
    { TCPX_C_RST_REFUSED, "refused", "connection refused",
      "{Sender} answered the SYN (frame {ref}) with a reset {ref_age} later{?ttl_ref: (TTL {ttl}; its own packets "
      "have {ttl_ref})}: nothing listens on that port (or a firewall on that host rejects it). The client sees \"connection refused\"." },
    { TCPX_C_RST_FORGED, "forged_by_middlebox", "forged by a device on the path",
      "This reset did not come from {sender}:{?ttl_ref: it has TTL {ttl} where the {sender_role}'s own packets have "
      "{ttl_ref}{?rtt:, and}}{?rtt: it came {ref_age} after the SYN (frame {ref}) where the {sender_role}'s handshakes take "
      "{rtt} from this capture point}.{?ttl_ref:{?ttl_unreduced: No router reduced its TTL of {ttl}: it was sent on this capture's "
      "own network (by the local router or firewall) or by the capturing host itself.}} A firewall or other box on the path "
      "rejected the SYN in the {sender_role}'s name; "
      "the {sender_role} probably never saw it. The client sees \"connection refused\" all the same." },
    { TCPX_C_RST_REFUSED_UNDETERMINED, "refused_undetermined", "refused by the server or a firewall",
      "{Sender} answered the SYN (frame {ref}) with a reset {ref_age} later{?ttl: (TTL {ttl})}. Either nothing listens on "
      "that port, or a firewall on the path rejected the SYN in its name: nothing in the capture so far tells which. The "
      "TTL of that host's own packets (a SYN-ACK from it on another port), or a capture at the server, would decide." },
    { TCPX_C_RST_FORGED_MID, "reset_by_middlebox", "sent by a device on the path",
      "This reset did not come from {sender}: it has TTL {ttl} where the {sender_role}'s own packets have {ttl_ref}.{?ttl_unreduced: "
      "No router reduced it: it was sent on this capture's own network (by the local router or firewall) or by the "
      "capturing host itself.} A firewall, load balancer or intrusion-prevention box on the path killed the connection "
      "in the {sender_role}'s name." },
    { TCPX_C_RST_HANDSHAKE_ABORT, "handshake_abort", "aborted before any data",
      "The connection was reset before any data moved: typical of port scans, health checks, or a client that gave up." },
    { TCPX_C_RST_MID_TRANSFER, "abort_mid_transfer", "abort in the middle of a transfer",
      "Data was flowing until {?idle:{idle} before|this moment}, and {sender} aborted instead of closing with FIN: an application crash or kill, "
      "an application timeout, or a middlebox (firewall, load balancer) killing the flow." },
    { TCPX_C_RST_AFTER_FIN, "reset_after_fin", "reset after FIN",
      "It came {ref_age} after the FIN in frame {ref}: typically a socket closed with unread data, or data arriving after "
      "close. Usually harmless at the end of a connection." },
    { TCPX_C_RST_IDLE, "idle_reset", "reset after idle time",
      "Nothing had moved for {idle}: an idle timeout in the application on {sender}, or in a firewall or NAT on the path." },
    { TCPX_C_RST_UNKNOWN_START, "reset_unknown", "start not captured",
      "The capture has neither the handshake nor data of this connection, so the reason cannot be told from here." },
    { TCPX_C_CSUM_OFFLOAD, "offload", "checksum offload",
      "So far only frames sent by {sender} have bad checksums{?total:, while those from {receiver} are fine}: {sender} is most likely the "
      "capturing host and leaves checksums to its network card (offload), which fills them in after the capture point. "
      "Not corruption." },
    { TCPX_C_CSUM_LOCAL_BOTH, "offload_both_ends", "both ends local",
      "Frames from both ends have bad checksums: both are on the capturing host (loopback, containers or VMs), where "
      "checksums are left to hardware that never computes them. Not corruption." },
    { TCPX_C_CSUM_CORRUPTION, "corruption", "possible corruption",
      "{Sender} also sent frames with good checksums, so offload does not explain this one: the frame may have been "
      "corrupted on the way. The receiver drops it and TCP will retransmit it." },
    { TCPX_C_CONNECT_SYNS_LOST, "syns_unanswered", "first SYNs unanswered",
      "{Sender} answered the SYN in frame {ref}, {ref_age} after it passed here, but {receiver} had sent {attempt} SYNs, the "
      "first in frame {orig}, and none before this one was answered: lost on the way (or dropped by {sender}, whose queue of "
      "connections waiting to be accepted may have been full). The connect took {orig_age} instead of a round trip.",
      "Handshake 2/3: {sender_role} answers SYN #{attempt} after {ref_age}; connect took {orig_age}",
      "Look for the same on other connections to {sender} (tcp.flags.syn == 1 && tcp.analysis.retransmission): on all of "
      "them, the path or {sender} drops SYNs (a firewall's rate limit, a full listen queue: nstat TcpExtListenDrops on "
      "{sender})." },
    { TCPX_C_NAGLE_DELAYED_ACK, "nagle_delayed_ack", "Nagle and a delayed ACK",
      "Nagle's algorithm on {sender} keeps a small segment while an earlier small one is unacknowledged, and {receiver}, "
      "with nothing to send, delayed its ACK of that one (about 40 ms on Linux, up to 200 ms on Windows): the two wait for "
      "each other. This comes from an application that writes a request in pieces (write-write-read)." },
    { TCPX_C_PMTU_TOO_BIG, "too_big", "packet larger than the path MTU",
      "Path MTU discovery: from this ICMP {sender} learns to send packets of at most {mtu} bytes (segments of up to "
      "{mss} bytes of data, less its TCP options) and resends what did not fit. Harmless when handled: one resend of "
      "the packets in flight.{?ref: This ICMP repeats the one in frame {ref} for another packet of the same flight"
      "{?quiet:; {sender} had already begun resending in smaller segments in frame {quiet}}.}" },
    { TCPX_C_PMTU_NOT_TOO_BIG, "not_too_big", "ICMP not about the packet's size",
      "The quoted packet ({bytes}) was not larger than the MTU this ICMP gives ({mtu}): the ICMP is not about that "
      "packet's size. A stale or forged ICMP: {sender} should ignore it (Linux ignores an MTU not below the one it "
      "uses), and nothing the capture shows follows from it." },
    { TCPX_C_UNREACH_NET, "net_unreachable", "network unreachable",
      "{?reporter:{reporter}|The router} has no route toward the network of {receiver}: a routing problem at that "
      "router or before it, not a fault of {receiver}." },
    { TCPX_C_UNREACH_HOST, "host_unreachable", "host unreachable",
      "{?reporter:{reporter}|The router} could not reach {receiver} itself: on the last hop the host did not answer "
      "(down, or off its network), or the address is wrong." },
    { TCPX_C_UNREACH_PORT, "port_unreachable", "port unreachable",
      "A closed TCP port answers with a reset, not with this ICMP: a firewall's reject rule sent it (the host's own when "
      "{?reporter:{reporter}|its sender} is the address of {receiver}, else one on the path)." },
    { TCPX_C_UNREACH_PROHIBITED, "prohibited", "administratively prohibited",
      "A filter's policy: {?reporter:{reporter}|the device that sent it} rejects this traffic (a firewall's reject rule: "
      "on the host itself when that is the address of {receiver}, else on the path), which is no failure of the path "
      "or of the host." },
    { TCPX_C_UNREACH_OTHER, "unreachable", "destination unreachable",
      "{?reporter:{reporter}|A router} could not deliver the packet for a reason other than routing, the host or a "
      "filter (the ICMP's code, in its tree above, says which)." },
    { TCPX_C_STORY, "story", "", "" },
};
/* clang-format on */

const tcpx_kind_info_t *
tcpx_kind_info(tcpx_kind_t kind)
{
    return kind < TCPX_K_COUNT ? &kinds[kind] : NULL;
}

const tcpx_cause_info_t *
tcpx_cause_info(tcpx_cause_t cause)
{
    return cause < TCPX_C_COUNT ? &causes[cause] : &causes[TCPX_C_NONE];
}

tcpx_severity_t
tcpx_kind_severity(tcpx_kind_t kind)
{
    return kind < TCPX_K_COUNT ? kinds[kind].severity : TCPX_SEV_NONE;
}

const char *
tcpx_severity_name(tcpx_severity_t sev)
{
    static const char *names[] = { "None", "Chat", "Note", "Warning", "Error" };
    return sev <= TCPX_SEV_ERROR ? names[sev] : "None";
}

const char *
tcpx_phase_name(tcpx_phase_t phase)
{
    switch (phase) {
    case TCPX_PHASE_HANDSHAKE: return "handshake";
    case TCPX_PHASE_DATA: return "data";
    case TCPX_PHASE_KEEPALIVE: return "keep-alive";
    case TCPX_PHASE_TEARDOWN: return "teardown";
    case TCPX_PHASE_RESET: return "reset";
    }
    return "data";
}

/* clang-format off */
static const char *const tree_texts[TCPX_TREE_COUNT] = {
    [TCPX_TREE_MORE]         = "{?more: (+{more} more)}",
    [TCPX_TREE_LAYER]        = "{?layers: (TCP header {layer} of {layers})}",
    [TCPX_TREE_SENDER]       = "Sender: {sender_side} ({sender_name}){?guessed:, guessed from the ports}",
    [TCPX_TREE_ANALYSIS_OFF] = "TCP's sequence analysis is off (tcp.analyze_sequence_numbers: FALSE): retransmissions, lost segments, duplicate ACKs and window problems are not detected, so tcpx cannot explain them",
    [TCPX_TREE_FIRST_SENT]   = "First transmission",
    [TCPX_TREE_ACKED_BY]     = "Already acknowledged by",
    [TCPX_TREE_DUP_ACK]      = "Duplicate ACK",
};
/* clang-format on */

const char *
tcpx_tree_text(tcpx_tree_text_t t)
{
    return (guint)t < TCPX_TREE_COUNT ? tree_texts[t] : "";
}

/* Capture position: JSON name, words for tables, sentence for the handshake's story. */
/* clang-format off */
static const struct {
    const char *name, *words, *sentence;
} positions[] = {
    [TCPX_POS_UNKNOWN] = { "unknown", "unknown",
                           "the capture position is unknown (no complete handshake)" },
    [TCPX_POS_NEAR_CLIENT] = { "near_client", "near the client",
        "the capture was taken near the client (the round trip lies between the capture point and the server)" },
    [TCPX_POS_NEAR_SERVER] = { "near_server", "near the server",
        "the capture was taken near the server (the round trip lies between the capture point and the client)" },
    [TCPX_POS_MIDDLE] = { "middle", "in the middle / undetermined",
                          "the capture point is about midway, or the path is too fast to tell" },
};
/* clang-format on */

static guint
position_index(tcpx_position_t p)
{
    return (guint)p < G_N_ELEMENTS(positions) ? (guint)p : TCPX_POS_UNKNOWN;
}

const char *
tcpx_position_name(tcpx_position_t p)
{
    return positions[position_index(p)].name;
}
const char *
tcpx_position_words(tcpx_position_t p)
{
    return positions[position_index(p)].words;
}
const char *
tcpx_position_sentence(tcpx_position_t p)
{
    return positions[position_index(p)].sentence;
}
