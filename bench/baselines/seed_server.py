"""Baseline: a server in the seed's style (the Python select() chat room roomcast grew from; its client is in test/fixtures/seed/), written from its description.

One select() loop over the listening socket and every client; on accept, a blocking recv(1024) of the
client's hello, which is not relayed; on data, recv(1024) and the raw bytes sent to every client,
the sender included. Bytes are relayed as received, so a line cut at a recv boundary can be interleaved
with another sender's bytes: that is the seed's behaviour being measured. Unlike the seed it does not
print on every message (that would measure the terminal), and it drops a client whose send fails.

    python3 bench/baselines/seed_server.py 9997
"""
import socket
import sys
from select import select


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
    s_serv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s_serv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s_serv.bind(('127.0.0.1', port))
    s_serv.listen(128)
    print('seed server listening on 127.0.0.1:%d' % s_serv.getsockname()[1], flush=True)
    rlst = [s_serv]
    while True:
        rd, _, _ = select(rlst, [], [])
        for h in rd:
            if h is s_serv:
                conn, _ = h.accept()
                conn.recv(1024)
                rlst.append(conn)
                continue
            try:
                data = h.recv(1024)
            except OSError:
                data = b''
            if data == b'':
                rlst.remove(h)
                h.close()
                continue
            for c in rlst[1:]:
                try:
                    c.send(data)
                except OSError:
                    pass


if __name__ == '__main__':
    main()
