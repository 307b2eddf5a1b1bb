/* tcpx_health_sentences.c: every sentence said about a stream, as a template (the
 * variables they read: tcpx_health_words.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_int.h"

/* Every sentence: the variable that must be known for it to be said (NULL: always), and its template. */
/* clang-format off */
static const struct {
    const char *when;
    const char *text;
} sentences[TCPX_HW_N] = {
    /* verdicts (score_and_verdict() joins several with "; also: ") */
    [TCPX_HW_REFUSED] = { NULL,
        "refused: nothing listening on port {server_port} of {server_host}{?rst_ttl_ref: (the reset's TTL {rst_ttl} "
        "matches the host's own, {rst_ttl_ref})} (if the port is wrong, the client is misconfigured)" },
    [TCPX_HW_REFUSED_UNDETERMINED] = { NULL,
        "refused: port {server_port} of {server_host} answered the SYN with a reset, or a firewall did in its name; "
        "nothing else from that host in the capture tells which (its own packets' TTL, or a capture at the server, would "
        "decide)" },
    [TCPX_HW_RESET_FORGED] = { NULL,
        "reset by a device on the path, not by the {?rst_by_client:client|server}{?rst_ttl_ref:: TTL {rst_ttl} where its own packets have "
        "{rst_ttl_ref}}{?rst_host_hs:{?rst_ttl_ref:, and|:} {rst_delay} after the SYN where its handshakes take "
        "{rst_host_hs}}" },
    [TCPX_HW_SYN_UNANSWERED] = { NULL,
        "no answer to the SYN ({client_packets} sent): the server down or unreachable, or a firewall dropping the SYNs "
        "or the answers; a capture at the server would tell (SYNs arriving there unanswered: the server's side)" },
    [TCPX_HW_SYN_GIVEN_UP] = { NULL,
        "undetermined: one SYN, unanswered, and the client never sent it again though the capture ran {span_dur} on (a TCP "
        "stack resends it within 3 s): the client gave up on its own (a scanner's probe, a connect its application "
        "cancelled, or an ICMP error that ended it)" },
    [TCPX_HW_SYN_CAPTURE_ENDED] = { NULL,
        "undetermined: the capture ended {span} s after the SYN, before an answer could arrive (a SYN waits 1 s before it is sent again)" },
    [TCPX_HW_UNREACH_NET] = { NULL,
        "no route: {unreach_router} answered the SYN with ICMP network unreachable (frame {unreach_frame}): a routing "
        "problem on the way to {server_host}, at that router or before it" },
    [TCPX_HW_UNREACH_HOST] = { NULL,
        "host unreachable: {unreach_router} could not deliver the SYN to {server_host} (ICMP, frame {unreach_frame}): "
        "the host down or off its network, or its address wrong" },
    [TCPX_HW_UNREACH_FILTER_PATH] = { NULL,
        "rejected by a filter: {unreach_router} answered the SYN with ICMP {unreach_label} (frame {unreach_frame}): a "
        "firewall's reject rule on the path, not {server_host}" },
    [TCPX_HW_UNREACH_FILTER_HOST] = { NULL,
        "rejected by the host's firewall: {server_host} answered the SYN with ICMP {unreach_label} (frame "
        "{unreach_frame}), not with a reset: a reject rule on the host, not a closed port" },
    [TCPX_HW_UNREACH_OTHER] = { NULL,
        "unreachable: {unreach_router} answered the SYN with ICMP destination unreachable (frame {unreach_frame}; its "
        "code, in that frame, says why)" },
    [TCPX_HW_LOST_HOST_UNREACH] = { NULL,
        "connection lost: the {side} resent {lost_retx} times over {span} s, and {unreach_router} said the {peer} was "
        "unreachable (ICMP, frame {unreach_frame}): the {peer} went down or off its network" },
    [TCPX_HW_LOST_NET_UNREACH] = { NULL,
        "connection lost: the {side} resent {lost_retx} times over {span} s, and {unreach_router} had no route left "
        "toward the {peer} (ICMP network unreachable, frame {unreach_frame}): a routing failure" },
    [TCPX_HW_LOST_REJECTED] = { NULL,
        "connection lost: the {side} resent {lost_retx} times over {span} s; {unreach_router} rejected them (ICMP "
        "{unreach_label}, frame {unreach_frame}): a firewall's rule, or its state for it gone" },
    [TCPX_HW_LOSS_DATA] = { NULL,
        "network loss: {loss_data} of {data_segments} data segment{?one_data_segments:|s} retransmitted ({loss_pct}), {loss_pattern}" },
    [TCPX_HW_LOSS_SYN_FIN] = { NULL,
        "network loss: {loss_retx} SYN/FIN segment{?one_loss_retx:|s} retransmitted" },
    [TCPX_HW_CONNECTION_LOST] = { NULL,
        "connection lost after {lost_retx} unanswered retransmissions over {span} s, at doubling waits{?lost_quiet_frame: "
        "(the {peer} silent since frame {lost_quiet_frame})}: the path failed or the {peer} went down" },
    [TCPX_HW_CONNECT_DELAYED] = { NULL,
        "connect delayed: {syn_lost} SYN{?one_syn_lost:|s} went unanswered and {?one_syn_lost:was|were} sent again; the "
        "connection took {span_dur} to set up instead of a round trip{?rtt_ref: ({rtt_ref})}" },
    [TCPX_HW_NOT_READING] = { NULL,
        "the {side} application is not reading: the {side} advertised a zero window for {side_zero_window}" },
    [TCPX_HW_SLOW_TO_READ] = { NULL,
        "the {side} application is slow to read: its receive window was full {side_window_full} time{?one_side_window_full:|s}" },
    [TCPX_HW_SERVER_APP_SLOW] = { NULL,
        "server application slow: answered after {resp_max} although the RTT is {?rtt_ref:{rtt_ref}|unknown} "
        "and its TCP acknowledged the request after {resp_max_ack}; network fine" },
    [TCPX_HW_SERVER_SLOW] = { NULL,
        "server slow to answer: {resp_max} (RTT {?rtt_ref:{rtt_ref}|unknown}); the request was not "
        "acknowledged separately, so the server host itself may be overloaded" },
    [TCPX_HW_RESET] = { NULL,
        "reset by the {side} {?closing:while closing|{?rst_after_data:after data|before any data}}" },
    [TCPX_HW_RESET_MIDSTREAM] = { NULL,
        "reset by the {side}, with no data in the capture before it: the connection began before the capture, so what "
        "the reset ended is unknown" },
    [TCPX_HW_CAPTURE_MISSED] = { NULL,
        "the capture missed packets ({capture_gaps} gap{?one_gap:|s}, {acked_unseen} ACKed unseen), not the network" },
    [TCPX_HW_CAPTURE_DUPS] = { NULL,
        "the capture holds {capture_dups} duplicated frame{?one_capture_dups:|s}, not a network problem" },
    [TCPX_HW_CAPTURE_ALL_TWICE] = { NULL,
        "each packet appears twice in the capture ({capture_dups} copies), not a network problem" },
    [TCPX_HW_PMTU_BLACKHOLE] = { NULL,
        "path-MTU black hole: {blackhole_len}-byte segments never arrived, through {blackhole_retx} timeout{?one_blackhole_retx:|s}, "
        "while smaller packets did; no ICMP \"fragmentation needed\" reached the sender" },
    [TCPX_HW_TIMER_LONG] = { NULL,
        "the {side}'s retransmission timer is far too long: its first resend came after {timer_long} "
        "(RTT {?rtt_ref:{rtt_ref}|unknown}), and the transfer stood still that long" },
    [TCPX_HW_QUEUE] = { NULL,
        "a queue on the path: the RTT of the {queue_sender}'s data rose from {queue_base} to {queue_peak} and stayed "
        "there{?queue_rate: while {queue_rate} flowed} (bufferbloat)" },
    [TCPX_HW_NAGLE] = { NULL,
        "the {side}'s small writes wait for delayed ACKs (Nagle): {nagle_stalls} times, {nagle_lost} lost in all; "
        "one write per request, or TCP_NODELAY" },
    [TCPX_HW_PMTU_HANDLED] = { NULL,
        "path MTU {pmtu_mtu} handled: the router {pmtu_router} said the {side}'s packets over {pmtu_mtu} bytes do not "
        "fit (ICMP in frame {pmtu_frame}{?many_pmtu_icmps:, {pmtu_icmps} in all}); the {side} resent in "
        "{pmtu_resend_len}-byte segments" },
    [TCPX_HW_PMTU_NO_RESEND] = { NULL,
        "path MTU {pmtu_mtu}: the router {pmtu_router} said the {side}'s packets over {pmtu_mtu} bytes do not fit "
        "(ICMP in frame {pmtu_frame}{?many_pmtu_icmps:, {pmtu_icmps} in all}); no resend in smaller segments "
        "followed in the capture" },
    [TCPX_HW_SACK_IGNORED] = { NULL,
        "the {side}'s TCP ignores SACK: it resent {sacked_resent} segment{?one_sacked_resent:|s} ({sacked_resent_bytes} bytes) "
        "the receiver had already SACKed: capacity spent twice{?lim_recovery_time:, and its loss recovery took "
        "{lim_recovery_time}}" },
    [TCPX_HW_BEYOND_WINDOW] = { NULL,
        "the {side}'s TCP sends past the receive window: {beyond_segments} segment{?one_beyond_segments:|s} "
        "({beyond_bytes} bytes) beyond the edge the receiver offered; {?beyond_resent:{beyond_resent} came back as "
        "resend{?one_beyond_resent:|s}: the receiver dropped {?one_beyond_resent:it|them}|none came back as a resend, "
        "so the receiver kept them or the capture ended first}" },
    [TCPX_HW_DELAY_SPIKE] = { NULL,
        "delayed, not lost: the receiver reported {retx_unneeded} retransmission{?one_retx_unneeded: was|s were} not "
        "needed (D-SACK): a delay spike on the path outlasted the sender's retransmission timer" },
    [TCPX_HW_ACK_HELD] = { NULL,
        "{ack_held_resends} resend{?one_ack_held_resends:|s} not needed: the data passed here {ack_held_leg} from the "
        "{peer}, unACKed until the {side}'s timer resent it {ack_held} later: a delayed ACK outlasting the timer, not a "
        "loss" },
    [TCPX_HW_ACK_HELD_OR_DROPPED] = { NULL,
        "{ack_held_resends} resend{?one_ack_held_resends:|s} of data that passed here {ack_held_leg} from the {peer}, "
        "unACKed until the {side}'s timer resent it {ack_held} later: held or dropped by the {peer}, or lost on the last "
        "link to it" },
    [TCPX_HW_ACK_LOST] = { NULL,
        "ACKs lost or late on the way back: the {side} resent {ack_lost_resends} segment{?one_ack_lost_resends:|s} the "
        "{peer} had acknowledged, up to {ack_lost_wait} after the ACK passed the capture point{?rtt_ref: (RTT "
        "{rtt_ref})}: resends that were not needed" },
    [TCPX_HW_ACK_SILENCE] = { NULL,
        "ACKs lost on the way back: nothing from the {peer} for {ack_silence}{?rtt_ref: (RTT {rtt_ref})}, though its "
        "IP ID counts {ack_silence_lost} packet{?one_ack_silence_lost:|s} it sent; its next ACK covered all the {side} "
        "sent, whose timer resent {ack_silence_resends} segment{?one_ack_silence_resends:|s}" },
    [TCPX_HW_SILENCE] = { NULL,
        "undetermined: the {peer} silent {silence}{?rtt_ref: (RTT {rtt_ref})} as the {side}'s timer resent "
        "{silence_resends} segment{?one_silence_resends:|s}, then ACKing all: {?silence_sent_none:it sent nothing (IP "
        "ID): |ACKs lost, }data held on the path, or the {peer} stalled" },

    /* completeness (done_text), by tcpx_done_t */
    [TCPX_HW_DONE + TCPX_DONE_COMPLETE] = { NULL,
        "complete: handshake, data, FIN both ways{?rst_side:, then RST from the {rst_side}}" },
    [TCPX_HW_DONE + TCPX_DONE_REFUSED] = { NULL, "{?rst_forged:reset before any SYN-ACK, by a device on the path|refused}" },
    [TCPX_HW_DONE + TCPX_DONE_SYN_UNANSWERED] = { NULL, "SYN unanswered" },
    [TCPX_HW_DONE + TCPX_DONE_HANDSHAKE_ONLY] = { NULL, "handshake only{?closed:, then {end}}" },
    [TCPX_HW_DONE + TCPX_DONE_RESET] = { NULL, "reset by the {rst_side} after data" },
    [TCPX_HW_DONE + TCPX_DONE_HALF_CLOSED] = { NULL, "half-closed: handshake, data, {end}" },
    [TCPX_HW_DONE + TCPX_DONE_OPEN] = { NULL, "open: handshake, data, no FIN or RST before the capture ended" },
    [TCPX_HW_DONE + TCPX_DONE_MIDSTREAM] = { NULL, "started mid-stream, {?data:data, }{end}" },
    /* {end}: how the connection ended */
    [TCPX_HW_END_RESET] = { NULL, "reset by the {rst_side}" },
    [TCPX_HW_END_FIN_BOTH] = { NULL, "FIN both ways" },
    [TCPX_HW_END_FIN_ONE] = { NULL, "FIN from the {fin_side} only" },
    [TCPX_HW_END_OPEN] = { NULL, "still open when the capture ended" },

    /* the paragraph of an unhealthy stream (tcpx_health_paragraph.c): a heading, then these in order */
    [TCPX_HW_PARA_HEAD] = { NULL,
        "Stream {stream}: {client} -> {server}{?roles_guessed: (roles guessed from the ports)}, "
        "score {score}/100, fault: {fault}" },
    [TCPX_HW_PARA_VERDICT] = { NULL, "{Verdict}." },
    [TCPX_HW_PARA_RETRANSMISSIONS] = { "retx_records",
        " {retx_records} retransmission{?one_retx:|s} ({retx_bytes} bytes of data; loss retransmissions: "
        "{retx_net_client} by the client, {retx_net_server} by the server{?spurious:, {spurious} spurious}) "
        "and {dup_acks} duplicate ACK{?one_dup_acks:|s}." },
    /* (a loss pattern implies loss retransmissions, so these follow the sentence above) */
    /* the pattern alone does not tell a queue from a policer or a lossy link: the RTT of the lost data decides */
    [TCPX_HW_PARA_LOSS_BURSTS] = { "loss_bursts",
        " The losses came in bursts"
        "{?loss_cause_queue:, while the RTT under load was {loss_rtt_rise} above its least on average: a queue on "
        "the path overflowing."
        "|{?loss_cause_no_queue:, but the RTT did not rise before them, so no queue filled up: a policer (a rate "
        "limit dropping what exceeds it) or a brief outage, not a queue overflowing; the drop counters along the "
        "path tell which."
        "|: a queue overflowing, or a policer (a rate limit dropping what exceeds it). This capture's RTTs cannot "
        "tell them apart; captured at the sender, an RTT that rises before the losses shows a queue.}}" },
    [TCPX_HW_PARA_LOSS_SCATTERED] = { "loss_scattered",
        " The losses were scattered, mostly one segment at a time, round trips apart"
        "{?loss_cause_queue:, while the RTT under load was {loss_rtt_rise} above its least on average: a full queue "
        "on the path, overflowing a segment at a time as the sending windows grew into it, rather than a lossy link."
        "|{?loss_cause_no_queue:, and the RTT did not rise before them, so no deep queue filled up: a lossy link "
        "(the interfaces' error counters show it), a policer (a rate limit dropping what exceeds it) that a paced "
        "sender passes a segment at a time, a shallow queue overflowing in short bursts, or a queue manager (CoDel, "
        "RED) dropping early; the drop counters along the path tell which."
        "|: a lossy link, a policer (a rate limit dropping what exceeds it), or a queue overflowing a segment at a "
        "time as the sending window grew into it. This capture's RTTs cannot tell them apart; captured at the "
        "sender, an RTT that rises before the losses shows a queue.}}" },
    [TCPX_HW_PARA_LOSS_ISOLATED] = { "loss_isolated", " A single, isolated loss." },
    [TCPX_HW_PARA_ZERO_WINDOW] = { "any_zero_window",
        " Zero window:"
        "{?zero_window_server: the server advertised it for {zero_window_server} (the server application "
        "was not reading){?zero_window_client:;|.}}"
        "{?zero_window_client: the client advertised it for {zero_window_client} (the client application "
        "was not reading).}" },
    [TCPX_HW_PARA_WINDOW_FULL] = { "any_window_full",
        " The receive window was full {window_full_client} time{?one_window_full_client:|s} at the client and "
        "{window_full_server} time{?one_window_full_server:|s} at the server." },
    [TCPX_HW_PARA_LIMITS] = { "lim_sender",
        " Throughput: of the {lim_busy} the {lim_sender} had data to send, {?lim_window_known:the {lim_receiver}'s "
        "window held it back {lim_rwnd}, loss recovery {lim_recovery}, and {lim_sending} went at the pace of "
        "{?lim_queue:a queue on the path filling|its congestion window, the path or its own writes}|loss recovery took "
        "{lim_recovery} and the rest went with data in flight (whether the {lim_receiver}'s window held it back is "
        "unknown: without both SYNs' options, its scale is)}{?lim_idle:; between bursts, with all it had sent "
        "acknowledged, it sent nothing for {lim_idle} (its application had nothing to write, or its pacing held "
        "it back)}.{?lim_timeline: Over time, one letter per {lim_slice} (W window, L loss recovery, S "
        "{?lim_window_known:sending|in flight}, I idle): {lim_timeline}.}" },
    [TCPX_HW_PARA_RESPONSE] = { "responses",
        " Application response: slowest {resp_max} (frame {resp_max_frame}), average {resp_avg} "
        "over {responses} exchange{?one_response:|s}"
        "{?resp_max_ack:; the server's TCP acknowledged that request after {resp_max_ack}}"
        "{?resp_max_keepalives:; {resp_max_keepalives} keep-alive{?one_resp_max_keepalives:|s} while it waited, so the connection stayed up}." },
    [TCPX_HW_PARA_RESETS] = { "any_reset",
        " Resets: {resets_client} {?rst_forged_client:in the client's name|from the client}, {resets_server} "
        "{?rst_forged_server:in the server's name|from the server} (first {?rst_forged:in the {rst_side}'s name, forged by a "
        "device on the path|from the {?rst_side:{rst_side}|server}})." },
    [TCPX_HW_PARA_REORDERED] = { "reordered",
        " {reordered} segment{?one_reordered:|s} arrived out of order (reordering in the network, "
        "harmless unless frequent)." },
    [TCPX_HW_PARA_REFUSALS] = { "refusals",
        " {refusals} earlier attempt{?one_refusal:|s} on these ports {?one_refusal:was|were} answered "
        "by a reset before this connection." },
    [TCPX_HW_PARA_NOT_CAPTURED] = { "not_captured",
        " Not captured:{?any_lost_bytes: {lost_bytes} byte{?one_lost_bytes:|s}{?any_lost_segments: (about {lost_segments} "
        "segment{?one_lost_segments:|s} at the MSS)}{?any_acked_unseen:, and}}"
        "{?any_acked_unseen: {acked_unseen} ACK{?one_acked_unseen:|s} of segments the capture never saw}"
        "{?capture_missed:; the missing packets were delivered (no retransmission or only at the capture's "
        "start), so the capture missed them, not the network}." },
    [TCPX_HW_PARA_DUPLICATES] = { "capture_dups", " {capture_dups} {?one_capture_dups:frame is a duplicate|frames are duplicates} in the capture." },
    [TCPX_HW_PARA_PMTU] = { "pmtu_aside",
        " Path MTU: the router {pmtu_router} said packets over {pmtu_mtu} bytes do not fit (frame {pmtu_frame}"
        "{?many_pmtu_icmps:, {pmtu_icmps} ICMPs}); {?pmtu_resends:the {pmtu_sender} resent in {pmtu_resend_len}-byte "
        "segments: handled|no resend in smaller segments followed in the capture}." },
    [TCPX_HW_PARA_CONNECTION] = { NULL, " Connection: {done}." },
    [TCPX_HW_PARA_RTT] = { "rtt_ref", " RTT {rtt_ref}{?irtt: (handshake)| (ACKs)}." },
    [TCPX_HW_PARA_POSITION] = { "position",
        " Captured {position}{?hs_ack: (SYN to SYN-ACK {?hs_d1:{hs_d1}|unknown}, SYN-ACK to ACK {?hs_d2:{hs_d2}|unknown})| (from the server's "
        "handshakes on other connections)}." },
};
/* clang-format on */

const char *
tcpx_health_template(tcpx_health_words_t w)
{
    return w < TCPX_HW_N ? sentences[w].text : NULL;
}

const char *
tcpx_health_template_when(tcpx_health_words_t w)
{
    return w < TCPX_HW_N ? sentences[w].when : NULL;
}
