"""bad_input: malformed traffic from raw sockets against a standalone server,
recording how the server reacts (reply / FIN / RST / nothing).

First frame (where the ConnectRequest belongs): length above jute.maxbuffer,
negative length, garbage body, a getData request instead of a
ConnectRequest, a password of 40 bytes, a truncated ConnectRequest.  After a
valid session: oversize length, negative length, zero-length frame, a
2-byte frame, a getData with a truncated body, and garbage opcode/body.
Framing edge cases that must work: a ConnectRequest and request sent one
byte per TCP segment, and several requests in one segment.  Finally a
connection that never sends anything (server closes it after its
sessionless-connection timeout).
"""
import socket
import struct
import sys
import time

from rawzk import Raw, Reader, i32, i64, boolean, ustring, buffer, Closed
from zkcommon import Transcript, standalone, log

DESC = __doc__.strip().replace("\n", " ")


def connect_body(session_id=0, passwd=b"\x00" * 16, timeout=30000, readonly=True):
    b = i32(0) + i64(0) + i32(timeout) + i64(session_id) + buffer(passwd)
    if readonly is not None:
        b += boolean(False)
    return b


def main():
    t = Transcript(sys.argv[1], DESC)
    srv = standalone()
    srv.start()

    def outcome(r, note, sent, timeout=4.0, header=False):
        how, data = r.wait_closed(timeout)
        rec = {"session": r.sid(), "op": "raw", "note": note, "sent_len": len(sent),
               "sent_hex": sent[:64].hex(), "result": how, "reply_len": len(data),
               "reply_hex": data[:64].hex(), "err": None,
               "wait_note": "result 'open' = still open %.0fs after sending; the client then closed it" % timeout}
        if header and len(data) >= 20:
            rd = Reader(data, 4)
            rec["reply_header"] = {"xid": rd.i32(), "zxid": rd.i64(), "err": rd.i32()}
        t.write(rec)
        r.close()

    def first_frame(note, data):
        r = Raw()
        r.send_raw(data)
        outcome(r, "first frame: " + note, data)

    def after_connect(note, data):
        r = Raw()
        resp = r.connect()
        t(session=r.sid(), op="connect", err=0, note="valid session before: " + note, response=resp)
        r.send_raw(data)
        outcome(r, "after connect: " + note, data, header=True)

    try:
        first_frame("length 2000000 > jute.maxbuffer (0xfffff)", i32(2000000) + b"\x00" * 64)
        first_frame("length 0x7fffffff", i32(0x7FFFFFFF))
        first_frame("negative length -1", i32(-1) + b"\x00" * 8)
        first_frame("negative length -100", i32(-100))
        first_frame("zero length", i32(0))
        first_frame("garbage 44-byte body", i32(44) + b"\xde\xad\xbe\xef" * 11)
        first_frame("a getData request where the ConnectRequest belongs",
                    i32(12 + 2 + 1 + 6) + i32(1) + i32(4) + ustring("/zookeeper") + boolean(False))
        first_frame("ConnectRequest with a 40-byte password", i32(len(connect_body(passwd=b"p" * 40)))
                    + connect_body(passwd=b"p" * 40))
        first_frame("truncated ConnectRequest (frame says 44, 20 bytes follow then nothing)",
                    i32(44) + connect_body()[:20])
        first_frame("ConnectRequest with password length -1 (null buffer)",
                    i32(len(connect_body()) - 16) + i32(0) + i64(0) + i32(30000) + i64(0) + i32(-1) + b"\x00")

        after_connect("length 5000000 > jute.maxbuffer", i32(5000000) + b"\x00" * 64)
        after_connect("negative length -5", i32(-5))
        after_connect("zero-length frame", i32(0))
        after_connect("2-byte frame (shorter than a RequestHeader)", i32(2) + b"\x00\x01")
        after_connect("getData with a truncated body (path length says 100)",
                      i32(8 + 4 + 3) + i32(1) + i32(4) + i32(100) + b"/ab")
        after_connect("opcode 4 (getData) followed by 16 bytes of 0xff",
                      i32(8 + 16) + i32(1) + i32(4) + b"\xff" * 16)
        after_connect("create with an ACL vector count of 0x7fffffff",
                      i32(8 + 6 + 4 + 4) + i32(1) + i32(1) + ustring("/x") + i32(0) + i32(0x7FFFFFFF))

        # ---- framing edge cases that are valid
        r = Raw()
        r.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        body = connect_body()
        frame = i32(len(body)) + body
        for b in frame:
            r.send_raw(bytes([b]))
            time.sleep(0.002)
        resp_frame = r.read_frame()
        rd = Reader(resp_frame)
        resp = {"protocolVersion": rd.i32(), "timeOut": rd.i32(), "sessionId": rd.i64()}
        r.session = resp["sessionId"]
        t(session=r.sid(), op="connect", err=0, note="ConnectRequest sent one byte per TCP segment",
          response=resp)
        req = i32(1) + i32(3) + ustring("/zookeeper") + boolean(False)
        frame = i32(len(req)) + req
        for b in frame:
            r.send_raw(bytes([b]))
            time.sleep(0.002)
        xid, zxid, err, rd = r.read_reply()
        t(session=r.sid(), op="exists", path="/zookeeper", xid=1, reply_xid=xid, reply_zxid=zxid, err=err,
          stat=rd.stat() if err == 0 else None, note="exists sent one byte per TCP segment")
        # three requests in one segment
        reqs = b""
        for x, p in ((2, "/"), (3, "/zookeeper"), (4, "/nope")):
            q = i32(x) + i32(3) + ustring(p) + boolean(False)
            reqs += i32(len(q)) + q
        r.send_raw(reqs)
        for x, p in ((2, "/"), (3, "/zookeeper"), (4, "/nope")):
            xid, zxid, err, rd = r.read_reply()
            t(session=r.sid(), op="exists", path=p, xid=x, reply_xid=xid, reply_zxid=zxid, err=err,
              note="three exists requests written in one segment")
        # close request and the next ConnectRequest... no: plain closeSession
        q = i32(5) + i32(-11)
        r.send_raw(i32(len(q)) + q)
        xid, zxid, err, rd = r.read_reply()
        t(session=r.sid(), op="closeSession", xid=5, reply_xid=xid, reply_zxid=zxid, err=err)
        r.close()

        # ---- a connection that never sends anything
        r = Raw()
        t0 = time.time()
        how, data = r.wait_closed(20.0)
        t(session=None, op="raw", err=None, result=how, reply_len=len(data),
          note="silent connection: server ends it after %.1fs (sessionless connection timeout)" % (time.time() - t0))
        r.close()
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
