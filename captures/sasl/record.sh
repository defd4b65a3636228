#!/usr/bin/env bash
# Records sasl_digest.pcap: Java ZooKeeper 3.8.0 (Debian's package) with a JAAS
# Server section and the SASL provider, on 127.0.0.1:2181, driven by
# sasl_digest.py (pure-sasl). Run as root (tcpdump on lo); port 2181 must be free.
#   captures/sasl/record.sh [PYTHON]    PYTHON: one with pure-sasl (default python3)
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
python=${1:-python3}
port=2181
work=$(mktemp -d)
server_pid=""
dump_pid=""
cleanup() {
    [ -z "$dump_pid" ] || kill -INT "$dump_pid" 2>/dev/null || true
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
cat >"$work/jaas.conf" <<'JAAS'
Server {
    org.apache.zookeeper.server.auth.DigestLoginModule required
    user_super="super_secret"
    user_jaasuser="jaas_password";
};
JAAS
mkdir -p "$work/data"
cat >"$work/zoo.cfg" <<CFG
tickTime=2000
dataDir=$work/data
clientPort=$port
clientPortAddress=127.0.0.1
admin.enableServer=false
authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider
CFG
java_dir=/usr/share/java
java -cp "$java_dir/zookeeper.jar:$java_dir/slf4j-simple.jar" -Djava.security.auth.login.config="$work/jaas.conf" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$work/zoo.cfg" >"$work/server.log" 2>&1 &
server_pid=$!
# Ready when srvr answers with the server's mode (the port opens earlier).
ready="import socket; s = socket.create_connection(('127.0.0.1', $port), timeout=1); s.sendall(b'srvr'); assert b'Mode' in s.recv(4096)"
for _ in $(seq 600); do
    "$python" -c "$ready" 2>/dev/null && break
    sleep 0.1
done
tcpdump -i lo -s 0 -B 65536 -w "$here/sasl_digest.pcap" "tcp port $port" 2>"$work/tcpdump.err" &
dump_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/tcpdump.err" && break; sleep 0.1; done
"$python" sasl_digest.py "$port" || { tail -n 20 "$work/server.log"; exit 1; }
sleep 1
kill -INT "$dump_pid"
wait "$dump_pid" || true
dump_pid=""
grep "dropped by kernel" "$work/tcpdump.err"
