#!/usr/bin/env bash
# Record packet captures of scenarios against the real Apache ZooKeeper 3.8.0
# server (Debian package).  Run by hand, as root (tcpdump needs it):
#
#   captures/record.sh                 # record every scenario
#   captures/record.sh NAME [NAME...]  # record some scenarios
#   captures/record.sh --list          # list scenario names
#   captures/record.sh --fixture       # regenerate Tests/Fixtures/java-datadir
#
# For each scenario: a fresh temp dir, tcpdump on lo filtered on the ZooKeeper
# ports, scenarios/NAME.py (which starts/stops the Java servers by PID and
# writes NAME.transcript.jsonl as it runs), tcpdump stopped with SIGINT, then
# the capture is checked (0 packets dropped by kernel, no lost segments).
# Output: NAME.pcap and NAME.transcript.jsonl next to this script.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCEN="$HERE/scenarios"
PORT_FILTER='tcp port 2181 or tcp port 2888 or tcp port 3888'

ALL_SCENARIOS=(
  standalone_basic
  standalone_watches
  standalone_acl
  standalone_multi
  standalone_extended
  standalone_ttl_disabled
  raw_protocol
  bad_input
  fourletter
  session_expiry
  reconnect_setwatches
  ensemble_formation
  ensemble_failover
  ensemble_snap_sync
)

die() { echo "record.sh: ERROR: $*" >&2; exit 1; }
note() { echo "record.sh: $*" >&2; }

install_deps() {
  local need_apt=()
  [ -f /usr/share/java/zookeeper.jar ] || need_apt+=(zookeeper)
  [ -x /usr/lib/zookeeper/bin/cli_mt ] || need_apt+=(zookeeper-bin)
  command -v tcpdump >/dev/null || need_apt+=(tcpdump)
  command -v tshark >/dev/null || need_apt+=(tshark)
  command -v javac >/dev/null || need_apt+=(default-jdk-headless)
  command -v python3 >/dev/null || need_apt+=(python3)
  python3 -m pip --version >/dev/null 2>&1 || need_apt+=(python3-pip)
  if [ ${#need_apt[@]} -gt 0 ]; then
    note "installing: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y zookeeper zookeeper-bin tcpdump tshark "${need_apt[@]}"
  fi
  if ! python3 -c 'import kazoo' 2>/dev/null; then
    python3 -m pip install kazoo || python3 -m pip install --break-system-packages kazoo
  fi
  # the version this project is faithful to
  dpkg-query -W -f='${Version}' zookeeper 2>/dev/null | grep -q '^3\.8\.0' \
    || note "WARNING: Debian zookeeper package is not 3.8.0 ($(dpkg-query -W -f='${Version}' zookeeper 2>/dev/null))"
}

check_ports_free() {
  if ss -ltn 2>/dev/null | awk '{print $4}' | grep -Eq ':(2181|2888|3888|8080)$'; then
    ss -ltnp | grep -E ':(2181|2888|3888|8080) ' >&2 || true
    die "a ZooKeeper/admin port is already in use; stop that server first"
  fi
}

WORK=""
TCPDUMP_PID=""

kill_leftovers() {
  # servers started by the scenario write WORK/NAME.pid; kill only those
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    for pf in "$WORK"/*.pid; do
      [ -f "$pf" ] || continue
      local pid; pid="$(cat "$pf")"
      if kill -0 "$pid" 2>/dev/null; then
        note "killing leftover server pid $pid ($(basename "$pf"))"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      rm -f "$pf"
    done
  fi
  if [ -n "$TCPDUMP_PID" ] && kill -0 "$TCPDUMP_PID" 2>/dev/null; then
    kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$TCPDUMP_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$TCPDUMP_PID" 2>/dev/null || true
  fi
  TCPDUMP_PID=""
}

cleanup() {
  kill_leftovers
  if [ -n "$WORK" ] && [ -d "$WORK" ] && [ -z "${KEEP_WORK:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

compile_java() {
  mkdir -p "$WORK/java-classes"
  javac -nowarn -d "$WORK/java-classes" \
    -cp /usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar \
    "$HERE/java/Ops.java"
}

record_one() {
  local name="$1"
  [ -f "$SCEN/$name.py" ] || die "unknown scenario $name (see --list)"
  check_ports_free
  WORK="$(mktemp -d -t zkcap-"$name".XXXXXX)"
  compile_java
  local pcap="$WORK/$name.pcap" transcript="$WORK/$name.transcript.jsonl"
  note "=== $name (work dir $WORK)"

  tcpdump -i lo -s 0 -B 65536 -w "$pcap" "$PORT_FILTER" 2>"$WORK/tcpdump.err" &
  TCPDUMP_PID=$!
  local ok=""
  for _ in $(seq 1 50); do
    if grep -q "listening on" "$WORK/tcpdump.err" 2>/dev/null; then ok=1; break; fi
    kill -0 "$TCPDUMP_PID" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$ok" ] || { cat "$WORK/tcpdump.err" >&2; die "tcpdump did not start"; }

  local rc=0
  ZK_WORKDIR="$WORK" timeout --signal=TERM --kill-after=20 900 \
    python3 "$SCEN/$name.py" "$transcript" || rc=$?
  sleep 1   # let the last FIN/ACKs land in the capture

  kill -INT "$TCPDUMP_PID"
  local waited=0
  while kill -0 "$TCPDUMP_PID" 2>/dev/null; do
    sleep 0.2; waited=$((waited + 1))
    [ $waited -lt 100 ] || { kill -KILL "$TCPDUMP_PID"; die "tcpdump did not stop on SIGINT"; }
  done
  wait "$TCPDUMP_PID" 2>/dev/null || true
  TCPDUMP_PID=""
  kill_leftovers

  if [ $rc -ne 0 ]; then
    KEEP_WORK=1
    die "scenario $name failed (rc=$rc); logs kept in $WORK"
  fi

  cat "$WORK/tcpdump.err" >&2
  local dropped
  dropped="$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$WORK/tcpdump.err")"
  [ -n "$dropped" ] || die "$name: could not read tcpdump's dropped-by-kernel count"
  [ "$dropped" = "0" ] || die "$name: tcpdump dropped $dropped packets"
  local lost
  lost="$(tshark -n -r "$pcap" -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' 2>/dev/null | wc -l)"
  [ "$lost" = "0" ] || die "$name: tshark reports $lost lost-segment frames"
  local frames
  frames="$(tshark -n -r "$pcap" 2>/dev/null | wc -l)"
  [ "$frames" -gt 0 ] || die "$name: empty capture"

  mv -f "$pcap" "$HERE/$name.pcap"
  mv -f "$transcript" "$HERE/$name.transcript.jsonl"
  chmod 644 "$HERE/$name.pcap" "$HERE/$name.transcript.jsonl"
  # tcpdump drops privileges to its own user when writing; hand the files
  # to whoever owns this folder
  chown --reference="$HERE" "$HERE/$name.pcap" "$HERE/$name.transcript.jsonl" 2>/dev/null || true
  note "=== $name OK: $frames frames, $(wc -l < "$HERE/$name.transcript.jsonl") transcript lines"
  rm -rf "$WORK"
  WORK=""
}

make_fixture() {
  check_ports_free
  WORK="$(mktemp -d -t zkcap-fixture.XXXXXX)"
  ZK_WORKDIR="$WORK" timeout --signal=TERM --kill-after=20 300 \
    python3 "$SCEN/java_datadir.py" "$HERE/../Tests/Fixtures/java-datadir"
  kill_leftovers
  rm -rf "$WORK"
  WORK=""
}

main() {
  if [ "${1:-}" = "--list" ]; then printf '%s\n' "${ALL_SCENARIOS[@]}"; exit 0; fi
  [ "$(id -u)" = "0" ] || die "run as root (tcpdump on lo, apt-get)"
  install_deps
  if [ "${1:-}" = "--fixture" ]; then make_fixture; exit 0; fi
  local list=("$@")
  [ ${#list[@]} -gt 0 ] || list=("${ALL_SCENARIOS[@]}")
  for n in "${list[@]}"; do record_one "$n"; done
  note "all done: ${list[*]}"
}

main "$@"
