"""A tiny raw-socket ZooKeeper client (jute encoding by hand) for requests no
client library will send: arbitrary opcodes, chosen xids, ConnectRequests
with/without the readOnly byte, stale setWatches, malformed frames, 4lw."""

import socket
import struct
import time

OPS = {
    "notification": 0, "create": 1, "delete": 2, "exists": 3, "getData": 4,
    "setData": 5, "getACL": 6, "setACL": 7, "getChildren": 8, "sync": 9,
    "ping": 11, "getChildren2": 12, "check": 13, "multi": 14, "create2": 15,
    "reconfig": 16, "checkWatches": 17, "removeWatches": 18, "createContainer": 19,
    "deleteContainer": 20, "createTTL": 21, "multiRead": 22, "auth": 100,
    "setWatches": 101, "sasl": 102, "getEphemerals": 103, "getAllChildrenNumber": 104,
    "setWatches2": 105, "addWatch": 106, "whoAmI": 107, "createSession": -10,
    "closeSession": -11, "error": -1,
}

WORLD_ALL = [(31, "world", "anyone")]


# ---- jute encoders
def i32(v):
    return struct.pack(">i", v)


def i64(v):
    return struct.pack(">q", v)


def boolean(v):
    return b"\x01" if v else b"\x00"


def ustring(s):
    if s is None:
        return i32(-1)
    b = s.encode() if isinstance(s, str) else s
    return i32(len(b)) + b


buffer = ustring


def strvec(v):
    return i32(len(v)) + b"".join(ustring(s) for s in v)


def acls(lst):
    return i32(len(lst)) + b"".join(i32(p) + ustring(s) + ustring(i) for p, s, i in lst)


# ---- jute decoders
class Reader:
    def __init__(self, b, off=0):
        self.b, self.o = b, off

    def i32(self):
        v = struct.unpack_from(">i", self.b, self.o)[0]
        self.o += 4
        return v

    def i64(self):
        v = struct.unpack_from(">q", self.b, self.o)[0]
        self.o += 8
        return v

    def boolean(self):
        v = self.b[self.o] != 0
        self.o += 1
        return v

    def buffer(self):
        n = self.i32()
        if n < 0:
            return None
        v = self.b[self.o:self.o + n]
        self.o += n
        return v

    def ustring(self):
        v = self.buffer()
        return None if v is None else v.decode("utf-8", "replace")

    def strvec(self):
        n = self.i32()
        return [self.ustring() for _ in range(max(n, 0))]

    def stat(self):
        names = ("czxid", "mzxid", "ctime", "mtime", "version", "cversion", "aversion",
                 "ephemeralOwner", "dataLength", "numChildren", "pzxid")
        kinds = "qqqqiiiqiiq"
        out = {}
        for n, k in zip(names, kinds):
            out[n] = self.i64() if k == "q" else self.i32()
        return out

    def acls(self):
        n = self.i32()
        return [{"perms": self.i32(), "scheme": self.ustring(), "id": self.ustring()}
                for _ in range(max(n, 0))]

    def left(self):
        return len(self.b) - self.o


class Closed(Exception):
    pass


class Raw:
    def __init__(self, host="127.0.0.1", port=2181, timeout=10.0):
        self.s = socket.create_connection((host, port), timeout=timeout)
        self.s.settimeout(timeout)
        self.session = None
        self.passwd = None
        self.xid = 0
        self.last_zxid = 0

    def sid(self):
        return None if not self.session else "0x%x" % (self.session & 0xFFFFFFFFFFFFFFFF)

    def send_raw(self, data):
        self.s.sendall(data)

    def send_frame(self, body):
        self.s.sendall(i32(len(body)) + body)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise Closed("connection closed after %d/%d bytes" % (len(buf), n))
            buf += chunk
        return buf

    def read_frame(self):
        n = struct.unpack(">i", self.recv_exact(4))[0]
        return self.recv_exact(n)

    def wait_closed(self, timeout=15.0):
        """Return how the server ended the connection: 'closed' (FIN),
        'reset', or 'open' if still open after timeout; extra bytes are
        returned too."""
        self.s.settimeout(timeout)
        data = b""
        try:
            while True:
                c = self.s.recv(65536)
                if not c:
                    return "closed", data
                data += c
        except socket.timeout:
            return "open", data
        except ConnectionResetError:
            return "reset", data

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    # ---- session
    def connect(self, session_id=0, passwd=b"\x00" * 16, timeout_ms=30000,
                last_zxid=0, readonly=False, protocol_version=0):
        """readonly None omits the trailing readOnly byte (pre-3.4 style)."""
        body = i32(protocol_version) + i64(last_zxid) + i32(timeout_ms) + i64(session_id) + buffer(passwd)
        if readonly is not None:
            body += boolean(readonly)
        self.send_frame(body)
        resp = self.read_frame()
        r = Reader(resp)
        out = {"protocolVersion": r.i32(), "timeOut": r.i32(), "sessionId": r.i64(),
               "passwd_len": None, "frame_len": len(resp)}
        pw = r.buffer()
        out["passwd_len"] = len(pw) if pw is not None else None
        if r.left() >= 1:
            out["readOnly"] = r.boolean()
        else:
            out["readOnly"] = None
        if out["sessionId"]:
            self.session = out["sessionId"]
            self.passwd = pw
        return out

    def next_xid(self):
        self.xid += 1
        return self.xid

    def request(self, opcode, body=b"", xid=None):
        if xid is None:
            xid = self.next_xid()
        self.send_frame(i32(xid) + i32(opcode) + body)
        return xid

    def read_reply(self, events=None):
        """Read frames until a non-notification reply; notifications (xid -1)
        are appended to `events` as dicts."""
        while True:
            f = self.read_frame()
            r = Reader(f)
            xid, zxid, err = r.i32(), r.i64(), r.i32()
            if xid == -1:
                ev = {"type": r.i32(), "state": r.i32(), "path": r.ustring()}
                if events is not None:
                    events.append(ev)
                continue
            if zxid > 0:
                self.last_zxid = zxid
            return xid, zxid, err, r

    def call(self, opcode, body=b"", xid=None, events=None):
        x = self.request(opcode, body, xid)
        return self.read_reply(events)


def fourletter(word, host="127.0.0.1", port=2181, timeout=10.0, extra=b""):
    s = socket.create_connection((host, port), timeout=timeout)
    s.settimeout(timeout)
    s.sendall(word.encode() + extra)
    data = b""
    try:
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return data.decode("utf-8", "replace")
