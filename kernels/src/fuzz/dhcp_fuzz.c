/* libFuzzer target: the DHCP reply parser (dhcp_parse_reply in dhcp.c). The
 * transaction id and hardware address expected are the input's own, so that
 * most inputs get past the checks into the options. */
#include "init.h"

#include <stdlib.h>
#include <string.h>

#define XID_AT 4
#define CHADDR_AT 28
#define OPTIONS_AT 240
/* recv() into the client's message buffer: no reply is longer. */
#define MSG_SIZE 548

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MSG_SIZE)
        return 0;
    uint32_t xid = 0;
    uint8_t mac[6] = { 0 };
    if (size >= OPTIONS_AT) {
        memcpy(&xid, data + XID_AT, 4);
        memcpy(mac, data + CHADDR_AT, 6);
    }
    /* An exact-size copy: a read past the reply is a heap overflow ASan reports. */
    uint8_t *reply = malloc(size ? size : 1);
    if (!reply)
        return 0;
    memcpy(reply, data, size);
    struct lease l;
    int type = dhcp_parse_reply(reply, size, xid, mac, &l);
    if (type >= 0 && (l.ndns < 0 || l.ndns > 3 || l.nroutes < 0 || l.nroutes > LEASE_ROUTES ||
                      (l.mtu != 0 && (l.mtu < 68 || l.mtu > 65535))))
        abort();
    for (int i = 0; type >= 0 && i < l.nroutes; i++)
        if ((l.routes[i].dst & ~l.routes[i].mask) != 0)
            abort(); /* a destination keeps only its significant bits */
    free(reply);
    return 0;
}
