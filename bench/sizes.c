/* sizes.c: structure sizes behind tcpx's memory per stream and per cached
 * frame (bench/bench.py compiles and runs it; plain C + GLib, like tcpx_core and the tap's core). */
#include <stdio.h>
#include <stddef.h>
#include "tcpx_pack.h"
#include "tcpx_health_int.h"

int
main(void)
{
    printf("tcpx_stream_t %zu\n", sizeof(tcpx_stream_t));
    printf("tcpx_side_t %zu\n", sizeof(tcpx_side_t));
    printf("tcpx_recent_t %zu\n", sizeof(tcpx_recent_t));
    printf("tcpx_copy_slot_t %zu\n", sizeof(tcpx_copy_slot_t));
    printf("hstream_t %zu\n", sizeof(hstream_t));
    printf("tcpx_sent_t %zu\n", sizeof(tcpx_sent_t));
    printf("tcpx_finding_t %zu\n", sizeof(tcpx_finding_t));
    printf("tcpx_result_hdr %zu\n", offsetof(tcpx_result_t, f));
    printf("tcpx_result_t %zu\n", sizeof(tcpx_result_t));
    printf("tcpx_store_entry_t %zu\n", sizeof(tcpx_store_entry_t));
    printf("TCPX_SENT_MAX %d\n", TCPX_SENT_MAX);
    printf("TCPX_SENT_KEEP_ACKED %d\n", TCPX_SENT_KEEP_ACKED);
    return 0;
}
