#!/usr/bin/env bash
# A local three-node NATS cluster with JetStream, for trying cluster mode by hand (docs/cluster.md).
# Usage: scripts/nats-cluster.sh [dir]   (default: run/nats). Clients: nats://127.0.0.1:4222,4223,4224.
# Ctrl-C stops all three nodes. Their stores stay in <dir>/n<i>/store; delete them to start empty.
set -euo pipefail
dir="${1:-run/nats}"
server="$(command -v nats-server || true)"
[ -n "$server" ] || { [ -x /usr/sbin/nats-server ] && server=/usr/sbin/nats-server; }
[ -n "$server" ] || { echo "nats-server not found: apt-get install nats-server" >&2; exit 1; }
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
for i in 0 1 2; do
    mkdir -p "$dir/n$i/store"
    routes=""
    for j in 0 1 2; do
        [ "$j" = "$i" ] || routes="$routes${routes:+, }\"nats-route://127.0.0.1:$((6222 + j))\""
    done
    cat > "$dir/n$i/nats.conf" <<CONF
server_name: n$i
listen: "127.0.0.1:$((4222 + i))"
jetstream { store_dir: "$dir/n$i/store" }
cluster {
  name: liqhost
  listen: "127.0.0.1:$((6222 + i))"
  routes: [$routes]
}
CONF
    "$server" -c "$dir/n$i/nats.conf" >"$dir/n$i/nats.log" 2>&1 &
    pids+=($!)
done
echo "NATS cluster up: nats://127.0.0.1:4222, :4223, :4224 (logs in $dir/n*/nats.log). Ctrl-C stops it."
wait
