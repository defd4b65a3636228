"""sasl_digest: SASL DIGEST-MD5 (opcode 102) on the plain client port.

Three connections, each with its own session: jaasuser logs in (empty token,
challenge, response, rspauth) and asks whoAmI; jaasuser with a wrong password
(AuthFailed, closed); a response cut short mid-value (AuthFailed, closed).
The client side is pure-sasl's DIGEST-MD5, as kazoo uses it.
Usage: sasl_digest.py PORT
"""
import socket
import struct
import sys

from puresasl.client import SASLClient


def frame(body):
    return struct.pack(">i", len(body)) + body


def buffer(data):
    return struct.pack(">i", len(data)) + data


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.xid = 0

    def read_frame(self):
        head = self.recv(4)
        if head is None:
            return None
        (length,) = struct.unpack(">i", head)
        return self.recv(length)

    def recv(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def handshake(self):
        body = struct.pack(">iqiq", 0, 0, 10000, 0) + buffer(b"\0" * 16) + b"\0"
        self.sock.sendall(frame(body))
        assert self.read_frame() is not None

    def request(self, op, payload=b""):
        self.xid += 1
        self.sock.sendall(frame(struct.pack(">ii", self.xid, op) + payload))
        reply = self.read_frame()
        if reply is None:
            return None, None
        xid, zxid, err = struct.unpack(">iqi", reply[:16])
        return err, reply[16:]

    def sasl(self, token):
        err, rest = self.request(102, buffer(token))
        if err is None:
            return None, None
        (length,) = struct.unpack(">i", rest[:4])
        return err, (rest[4:4 + length] if length >= 0 else None)

    def closed(self):
        self.sock.settimeout(20)
        return self.sock.recv(1) == b""


def client(user, password):
    return SASLClient("zk-sasl-md5", service="zookeeper", mechanism="DIGEST-MD5", username=user, password=password)


def main():
    port = int(sys.argv[1])

    good = Conn(port)
    good.handshake()
    sasl = client("jaasuser", "jaas_password")
    err, challenge = good.sasl(b"")
    err, rspauth = good.sasl(sasl.process(challenge))
    assert err == 0 and rspauth.startswith(b"rspauth="), (err, rspauth)
    sasl.process(rspauth)
    err, who = good.request(107)
    assert err == 0 and b"jaasuser" in who, who
    good.request(-11)

    wrong = Conn(port)
    wrong.handshake()
    err, challenge = wrong.sasl(b"")
    err, _ = wrong.sasl(client("jaasuser", "not_the_password").process(challenge))
    assert err == -115, err
    assert wrong.closed()

    cut = Conn(port)
    cut.handshake()
    err, challenge = cut.sasl(b"")
    response = client("jaasuser", "jaas_password").process(challenge)
    err, _ = cut.sasl(response[:60])
    assert err == -115, err
    assert cut.closed()
    print("sasl_digest: recorded 3 connections")


if __name__ == "__main__":
    main()
