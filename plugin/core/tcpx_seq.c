/* tcpx_seq.c: TCP sequence-number arithmetic.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_seq.h"

guint32
tcpx_segments_for(guint32 bytes, guint32 mss)
{
    if (mss == 0)
        return 0;
    return (guint32)(((guint64)bytes + mss - 1) / mss);
}
