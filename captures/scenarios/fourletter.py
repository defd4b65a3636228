"""fourletter: every four-letter word of 3.8.0 over raw sockets against a
standalone server (4lw.commands.whitelist=*), with a kazoo session holding an
ephemeral node and data/child/exists watches so that cons, dump, wchs, wchc
and wchp have content.  Words: ruok stat srvr conf cons crst srst envi mntr
wchs wchc wchp dump dirs isro gtmk stmk (with its 8-byte mask argument) hash;
plus an unknown word "abcd" (the server reads it as a frame length), "ruok"
followed by extra bytes, and "stat" sent in two TCP segments.
"""
import socket
import struct
import sys
import time

from rawzk import fourletter
from zkcommon import Kz, Transcript, standalone

DESC = __doc__.strip().replace("\n", " ")

WORDS = ["ruok", "stat", "srvr", "conf", "cons", "envi", "mntr", "wchs", "wchc", "wchp",
         "dump", "dirs", "isro", "gtmk", "hash", "crst", "srst", "cons", "stat"]


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone()
    srv.start()
    try:
        c = Kz(t, "127.0.0.1:2181").start()
        c.create("/fl", b"four letter words")
        c.create("/fl/eph", b"", ephemeral=True)
        c.get("/fl", watch=True)
        c.children("/fl", watch=True)
        c.exists("/fl/none", watch=True)
        for w in WORDS:
            text = fourletter(w)
            t(session=None, op="fourletter", word=w, err=0, text=text)
        # stmk takes an 8-byte big-endian mask after the word
        text = fourletter("stmk", extra=struct.pack(">q", 0x1FF))
        t(session=None, op="fourletter", word="stmk", arg=0x1FF, err=0, text=text)
        text = fourletter("gtmk")
        t(session=None, op="fourletter", word="gtmk", err=0, text=text)
        text = fourletter("abcd")
        t(session=None, op="fourletter", word="abcd", err=0, text=text,
          note="unknown word: read as a frame length (0x61626364) above jute.maxbuffer, connection closed")
        text = fourletter("ruok", extra=b"\nextra bytes\n")
        t(session=None, op="fourletter", word="ruok", err=0, text=text, note="followed by extra bytes")
        # word split over two segments
        s = socket.create_connection(("127.0.0.1", 2181), timeout=10)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(b"st")
        time.sleep(0.2)
        s.sendall(b"at")
        data = b""
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                data += d
        except socket.timeout:
            pass
        s.close()
        t(session=None, op="fourletter", word="stat", err=0, text=data.decode("utf-8", "replace"),
          note="word sent as 'st' + 'at' in two TCP segments")
        c.stop()
        text = fourletter("cons")
        t(session=None, op="fourletter", word="cons", err=0, text=text, note="after the kazoo session closed")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
