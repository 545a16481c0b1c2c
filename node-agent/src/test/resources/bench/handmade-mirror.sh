#!/bin/bash
# BASELINE for the benchmark, not product code: the usual hand-made per-VM approach (a hookscript
# run at VM start): promisc on the tap, then four tc commands mirroring both directions.
# Usage: handmade-mirror.sh NETNS TAP SENSOR
set -e
ns=$1 dev=$2 sensor=$3
ip -n "$ns" link set "$dev" promisc on
tc -n "$ns" qdisc add dev "$dev" handle ffff: ingress
tc -n "$ns" filter add dev "$dev" parent ffff: protocol all u32 match u32 0 0 action mirred egress mirror dev "$sensor"
tc -n "$ns" qdisc add dev "$dev" root handle 1: htb
tc -n "$ns" filter add dev "$dev" parent 1: protocol all u32 match u32 0 0 action mirred egress mirror dev "$sensor"
