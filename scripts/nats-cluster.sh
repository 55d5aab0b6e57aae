#!/usr/bin/env bash
# A local three-node NATS cluster with JetStream, for trying cluster mode by hand (docs/cluster.md).
# Usage: scripts/nats-cluster.sh [dir]   (default: run/nats). Clients: nats://127.0.0.1:4222,4223,4224;
# NATS_PORT=5222 moves them (routes: 2000 above). Debian's package may run its own server on 4222.
# Ctrl-C stops all three nodes. Their stores stay in <dir>/n<i>/store; delete them to start empty.
set -euo pipefail
dir="${1:-run/nats}"
port="${NATS_PORT:-4222}"
server="$(command -v nats-server || true)"
if [ -z "$server" ] && [ -x /usr/sbin/nats-server ]; then server=/usr/sbin/nats-server; fi
if [ -z "$server" ]; then echo "nats-server not found: apt-get install nats-server" >&2; exit 1; fi
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
for i in 0 1 2; do
    mkdir -p "$dir/n$i/store"
    routes=""
    for j in 0 1 2; do
        [ "$j" = "$i" ] || routes="$routes${routes:+, }\"nats-route://127.0.0.1:$((port + 2000 + j))\""
    done
    cat > "$dir/n$i/nats.conf" <<CONF
server_name: n$i
listen: "127.0.0.1:$((port + i))"
jetstream { store_dir: "$dir/n$i/store" }
cluster {
  name: liqhost
  listen: "127.0.0.1:$((port + 2000 + i))"
  routes: [$routes]
}
CONF
    "$server" -c "$dir/n$i/nats.conf" >"$dir/n$i/nats.log" 2>&1 &
    pids+=($!)
done
echo "NATS cluster up: nats://127.0.0.1:$port, :$((port + 1)), :$((port + 2)) (logs in $dir/n*/nats.log). Ctrl-C stops it."
wait
