// SPDX-License-Identifier: GPL-2.0
/*
 * pvespan copy conditioner: two tc classifier programs (cls_bpf, not direct-action) that run on the
 * agent's own veth pair, never on a guest's device, so they only ever see copies (tc mirred clones)
 * and never the guests' own frames. Built at package time: clang -O2 -target bpf.
 *
 * Parameters come from the filter's classid (tc ... bpf obj conditioner.o sec S classid 0:P): the
 * kernel stores its minor (16 bits) in the packet's tc_classid before it runs the program, so one
 * object serves every session and `tc filter show` says which parameters a filter runs with.
 * Both return -1 (matched, the filter's classid): the filter's mirred action then moves the copy on.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>

static long (*bpf_skb_change_tail)(struct __sk_buff *skb, __u32 len, __u64 flags) =
	(void *)BPF_FUNC_skb_change_tail;
static long (*bpf_skb_vlan_push)(struct __sk_buff *skb, __be16 proto, __u16 tci) =
	(void *)BPF_FUNC_skb_vlan_push;

/* snaplen: cut the copy to its first P bytes (the Ethernet header included). Nothing else is fixed
 * up: lengths and checksums in the headers keep describing the original frame, as in a pcap with a
 * snap length. P below an Ethernet header leaves the copy whole. */
__attribute__((section("snaplen"), used))
int pvespan_snaplen(struct __sk_buff *skb)
{
	__u32 snaplen = skb->tc_classid;

	if (snaplen >= ETH_HLEN && skb->len > snaplen)
		bpf_skb_change_tail(skb, snaplen, 0);
	return -1;
}

/* vlan: P = 0x1000 | VLAN id: tag the copy with an 802.1Q header (as offload metadata; a veth, tap
 * or VXLAN device writes it into the frame). Without the 0x1000 bit the copy stays as it is.
 * With standby targets the program runs once per target filter on the same copy: a copy that
 * already carries exactly this tag (priority 0) was tagged by the filter before and is left alone.
 * A tag the guest put on its frame is kept inside ours (802.1Q in 802.1Q). */
__attribute__((section("vlan"), used))
int pvespan_vlan(struct __sk_buff *skb)
{
	__u32 p = skb->tc_classid;
	__u32 vid = p & 0x0fff;

	if (!(p & 0x1000))
		return -1;
	if (skb->vlan_present && skb->vlan_proto == __builtin_bswap16(ETH_P_8021Q) &&
	    skb->vlan_tci == vid)
		return -1;
	bpf_skb_vlan_push(skb, __builtin_bswap16(ETH_P_8021Q), vid);
	return -1;
}

char __license[] __attribute__((section("license"), used)) = "GPL";
