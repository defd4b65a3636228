# Sourced by scripts/crash-test and scripts/datadir-compat: zkserver lookup,
# the temp dir and the PID dir, cleanup by PID on exit.
# Expects: repo (the package root), tool (the script's name).

note() { echo "$tool: $*" >&2; }

# resolve_zkserver PATH-or-empty: prints the binary to run (building the release
# product when the default is missing).
resolve_zkserver() {
    local path=$1
    if [ -z "$path" ]; then
        path=.build/release/zkserver
        if [ ! -x "$path" ]; then
            note "building zkserver (release)"
            swift build -c release --product zkserver >&2
            path=$(swift build -c release --product zkserver --show-bin-path)/zkserver
        fi
    fi
    [ -x "$path" ] || { note "no zkserver at $path"; return 2; }
    readlink -f "$path"
}

check_java() {
    [ -f /usr/share/java/zookeeper.jar ] || { note "no /usr/share/java/zookeeper.jar (apt-get install zookeeper)"; return 2; }
    command -v java >/dev/null || { note "no java on PATH"; return 2; }
    python3 -c 'import kazoo' 2>/dev/null || { note "python3 cannot import kazoo (pip install kazoo==2.11.0)"; return 2; }
}

# The work dir holds the servers' dataDirs, zoo.cfgs and logs; DUR_PIDDIR has one
# empty file per process the Python side started, named by its PID.
work=$(mktemp -d "${TMPDIR:-/tmp}/$tool.XXXXXX")
export DUR_PIDDIR=$work/pids
mkdir -p "$DUR_PIDDIR"
cleanup() {
    local f pid
    for f in "$DUR_PIDDIR"/*; do
        [ -e "$f" ] || continue
        pid=$(basename "$f")
        # only a process that is still ours: its command line names the work dir
        if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$work"; then
            note "stopping leftover pid $pid"
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    if [ -n "${KEEP_WORK:-}" ]; then note "work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
