#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests, reachable only through a Unix
# socket in DIR (no TCP port), trusting every local login, without fsync.
#   scripts/test-postgres.sh start DIR [EXTRA-INITDB-ARG…]
#       initdb into DIR/data, start the server, wait until it accepts
#       connections, print its URL on stdout:
#       postgresql://postgres@/postgres?host=DIR&port=PORT
#   scripts/test-postgres.sh stop DIR
#       stop it (fast shutdown) and remove DIR.
#   scripts/test-postgres.sh halt DIR | restart DIR
#       stop it keeping its data, and start it again (tests of a server
#       that goes away mid-run).
# initdb refuses to run as root: as root, DIR is given to the `postgres`
# user (created by Debian's postgresql package) and the server runs as it.
# Needs Debian's postgresql package (`make deps` installs it).
set -euo pipefail

usage() { echo "usage: $0 start DIR [initdb-arg…] | stop DIR | halt DIR | restart DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1
dir=$2
shift 2

server_bindir() {
    local candidate
    for candidate in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)" \
        $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && { echo "$candidate"; return; }
    done
    echo "error: PostgreSQL's server programs (initdb, pg_ctl) are not installed: run \`make deps\` (Debian package postgresql)" >&2
    exit 1
}

# Runs a server program as the user that owns the cluster.
as_server() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

case "$action" in
start)
    bin=$(server_bindir)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ ! -e "$dir/data" ] || { echo "error: $dir/data exists: stop that server first or pick a fresh folder" >&2; exit 1; }
    # The socket path ($dir/.s.PGSQL.PORT) must fit in sun_path (107 bytes).
    [ ${#dir} -le 90 ] || { echo "error: $dir is too long for a Unix socket path: use a shorter folder" >&2; exit 1; }
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || { echo "error: running as root needs the \`postgres\` user: run \`make deps\` (Debian package postgresql)" >&2; exit 1; }
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    if ! as_server "$bin/initdb" -D "$dir/data" --auth=trust -U postgres --encoding=UTF8 --locale=C --no-sync "$@" \
        >"$dir/initdb.log" 2>&1; then
        echo "error: initdb failed:" >&2
        cat "$dir/initdb.log" >&2
        exit 1
    fi
    # Only the socket names the port: any number not used in $dir will do.
    port=$((20000 + RANDOM % 40000))
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    if ! as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1; then
        echo "error: the PostgreSQL server in $dir did not start:" >&2
        cat "$dir/server.log" >&2 2>/dev/null || true
        exit 1
    fi
    echo "postgresql://postgres@/postgres?host=$dir&port=$port"
    ;;
halt)
    # Stops the server and keeps its data (a test of a server going away).
    dir=$(cd "$dir" && pwd)
    as_server "$(server_bindir)/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    ;;
restart)
    # Starts a halted server again, on the same socket and port.
    dir=$(cd "$dir" && pwd)
    as_server "$(server_bindir)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    ;;
stop)
    [ -d "$dir" ] || exit 0
    dir=$(cd "$dir" && pwd)
    if [ -f "$dir/data/postmaster.pid" ]; then
        bin=$(server_bindir)
        as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
            echo "warning: pg_ctl stop failed for $dir (see $dir/server.log)" >&2
    fi
    rm -rf "$dir"
    ;;
*)
    usage
    ;;
esac
