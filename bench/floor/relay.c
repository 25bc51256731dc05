/* The two-node latency floor on this host: the same hops as bench/pubsub-latency.py's two-node scenario
 * (harness → publisher's stdin → loopback TCP → receiver → its stdout → harness), with no work at all in
 * between. `relay b PORT` listens and copies the socket to stdout; `relay a PORT` connects and copies stdin
 * to the socket. Both block in poll() between messages, as p2p-chat's reactor does. Run by relay-floor.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
    int port = atoi(argv[2]); char buf[65536];
    struct sockaddr_in sa = {0}; sa.sin_family = AF_INET; sa.sin_port = htons(port); sa.sin_addr.s_addr = htonl(0x7f000001);
    int one = 1;
    if (argv[1][0] == 'b') {
        int l = socket(AF_INET, SOCK_STREAM, 0); setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, 4);
        bind(l, (void*)&sa, sizeof sa); listen(l, 1); write(1, "ready\n", 6);
        int s = accept(l, 0, 0); setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, 4);
        for (;;) { struct pollfd p = {s, POLLIN, 0}; poll(&p, 1, -1); ssize_t n = recv(s, buf, sizeof buf, 0); if (n <= 0) return 0; write(1, buf, n); }
    } else {
        int s = socket(AF_INET, SOCK_STREAM, 0); if (connect(s, (void*)&sa, sizeof sa)) { perror("connect"); return 1; }
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, 4);
        for (;;) { struct pollfd p = {0, POLLIN, 0}; poll(&p, 1, -1); ssize_t n = read(0, buf, sizeof buf); if (n <= 0) return 0; send(s, buf, n, 0); }
    }
}
