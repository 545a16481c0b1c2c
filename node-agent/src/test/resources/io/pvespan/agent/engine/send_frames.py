"""Sends crafted Ethernet frames on one interface (tests only; run inside a lab namespace).

argv: interface, then JSON: a list of {"count", "src", "dst", "proto", "sport", "dport",
"tags": [[tpid, vid], ...] outermost first, "v6": bool, "ext": [IPv6 extension header types, each
8 bytes with a PadN option]}. IPv4 headers are valid (length and
checksum) so that a bridge with br_netfilter would not drop them. Prints the frames sent.
"""
import ipaddress
import json
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(spec, mac):
    payload = b"pvespan-filter-test".ljust(32, b".")
    l4 = struct.pack("!HH", spec["sport"], spec["dport"])
    if spec["proto"] == 6:
        l4 += struct.pack("!IIBBHHH", 1, 0, 5 << 4, 0x02, 8192, 0, 0)
    else:
        l4 += struct.pack("!HH", 8 + len(payload), 0)
    l4 += payload
    src = ipaddress.ip_address(spec["src"]).packed
    dst = ipaddress.ip_address(spec["dst"]).packed
    if spec.get("v6"):
        ethertype = 0x86DD
        chain = list(spec.get("ext", [])) + [spec["proto"]]
        ext = b"".join(struct.pack("!BBBB4x", chain[i + 1], 0, 1, 4) for i in range(len(chain) - 1))
        l3 = struct.pack("!IHBB", 6 << 28, len(ext) + len(l4), chain[0], 64) + src + dst + ext
    else:
        ethertype = 0x0800
        head = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(l4), 1, 0, 64, spec["proto"], 0)
        head += src + dst
        l3 = head[:10] + struct.pack("!H", checksum(head)) + head[12:]
    eth = b"\xff" * 6 + mac  # broadcast: the bridge floods it to every port
    for tpid, vid in spec.get("tags", []):
        eth += struct.pack("!HH", tpid, vid)
    return eth + struct.pack("!H", ethertype) + l3 + l4


def main():
    iface = sys.argv[1]
    specs = json.loads(sys.argv[2])
    with open("/sys/class/net/%s/address" % iface) as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    sent = 0
    for spec in specs:
        f = frame(spec, mac)
        for i in range(spec["count"]):
            s.send(f)
            sent += 1
            if sent % 500 == 0:
                time.sleep(0.001)  # let the receiving side drain its backlog
    print(sent)


main()
