package io.pvespan.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.plan.Share;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sensor group flow hash over the compiled program ({@link FlowHashCompiler}), run by the test
 * interpreter and by the agent's own {@link ClassicBpf}: every frame goes to exactly one member,
 * both directions of a flow to the same one, for IPv4, IPv6, tagged frames, fragments and non-IP.
 */
class FlowHashTableTest {
  private static final int TCP = 6;
  private static final int UDP = 17;

  /** The members whose share program accepts {@code frame} (a group of {@code count}). */
  static List<Integer> members(byte[] frame, int count) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      BpfProgram p = FlowHashCompiler.compile(new Share(i, count, "m" + i), null);
      boolean test = BpfInterpreter.run(p, frame) != 0;
      boolean agent = ClassicBpf.matches(p, frame, frame.length);
      assertThat(agent).as("ClassicBpf agrees with the test interpreter").isEqualTo(test);
      if (test) {
        out.add(i);
      }
    }
    return out;
  }

  static int member(byte[] frame, int count) {
    List<Integer> m = members(frame, count);
    assertThat(m).as("exactly one member takes the frame").hasSize(1);
    return m.get(0);
  }

  @Test
  void bothDirectionsOfIpv4FlowsGoToOneMemberForEveryCount() {
    for (int count = 1; count <= 5; count++) {
      for (int f = 0; f < 50; f++) {
        String a = "198.18.1." + (10 + f % 7);
        String b = "198.18.2." + (20 + f);
        int sport = 40000 + f;
        byte[] there = Frames.ipv4(f % 2 == 0 ? TCP : UDP, a, b, sport, 5201);
        byte[] back = Frames.ipv4(f % 2 == 0 ? TCP : UDP, b, a, 5201, sport);
        assertThat(member(back, count))
            .as("flow %d of %d", f, count)
            .isEqualTo(member(there, count));
      }
    }
  }

  @Test
  void ipv6TaggedAndQinQFramesHashLikeTheirPlainSelves() {
    for (int f = 0; f < 50; f++) {
      String a = "2001:db8:1::" + Integer.toHexString(5 + f);
      String b = "2001:db8:2::" + Integer.toHexString(100 + 3 * f);
      byte[] there = Frames.ipv6(TCP, a, b, 50000 + f, 443);
      byte[] back = Frames.ipv6(TCP, b, a, 443, 50000 + f);
      int m = member(there, 3);
      assertThat(member(back, 3)).isEqualTo(m);
      assertThat(member(Frames.tagged(back, 0x8100, 10), 3)).isEqualTo(m);
      assertThat(member(Frames.tagged(Frames.tagged(there, 0x8100, 10), 0x88A8, 20), 3))
          .isEqualTo(m);
      byte[] v4 = Frames.ipv4(UDP, "198.18.0." + f, "198.18.3.3", 1000 + f, 53);
      assertThat(member(Frames.tagged(v4, 0x8100, 7), 3)).isEqualTo(member(v4, 3));
    }
  }

  @Test
  void fragmentsOfAnIpv4DatagramStayTogetherWhateverTheirPorts() {
    // First fragment (MF set, offset 0) carries ports, a later one does not: both hash on
    // the addresses alone, so the datagram reaches one member to be reassembled.
    for (int f = 0; f < 20; f++) {
      String src = "198.18.4." + f;
      byte[] first = Frames.ipv4(UDP, src, "198.18.5.5", 3000 + f, 4789, 0, 0);
      first[14 + 6] = 0x20; // MF
      byte[] later = Frames.ipv4(UDP, src, "198.18.5.5", 0, 0, 0, 185);
      byte[] replyLater = Frames.ipv4(UDP, "198.18.5.5", src, 7, 9, 0, 185);
      assertThat(member(later, 2)).isEqualTo(member(first, 2));
      assertThat(member(replyLater, 2)).isEqualTo(member(first, 2));
    }
  }

  static byte[] arp(byte[] dstMac, byte[] srcMac, String sender, String target) {
    byte[] f = Frames.arp();
    System.arraycopy(dstMac, 0, f, 0, 6);
    System.arraycopy(srcMac, 0, f, 6, 6);
    System.arraycopy(IpAddress.parse(sender).bytes(), 0, f, 28, 4);
    System.arraycopy(IpAddress.parse(target).bytes(), 0, f, 38, 4);
    return f;
  }

  @Test
  void anArpRequestBroadcastAndItsReplyHashTheirAddressesAlike() {
    byte[] x = {0x02, 0x00, 0x00, 0x00, 0x01, 0x01};
    byte[] y = {0x02, 0x00, 0x00, 0x00, 0x02, 0x07};
    byte[] all = {-1, -1, -1, -1, -1, -1};
    int[] seen = new int[2];
    for (int h = 0; h < 20; h++) {
      String a = "198.18.7." + (1 + h);
      String b = "198.18.9." + (50 + 3 * h);
      byte[] request = arp(all, x, a, b);
      byte[] reply = arp(x, y, b, a);
      int m = member(request, 2);
      assertThat(member(reply, 2)).as("ARP %s <-> %s", a, b).isEqualTo(m);
      assertThat(member(Frames.tagged(reply, 0x8100, 10), 2)).isEqualTo(m);
      seen[m]++;
    }
    assertThat(seen[0]).as("ARP spreads too").isPositive();
    assertThat(seen[1]).isPositive();
  }

  @Test
  void otherFramesHashTheirTwoMacsSymmetrically() {
    byte[] there = Frames.arp();
    byte[] back = Frames.arp();
    for (byte[] f : List.of(there, back)) {
      f[12] = (byte) 0x88;
      f[13] = (byte) 0xB5; // an experimental EtherType: neither IP nor ARP
    }
    byte[] x = {0x02, 0x00, 0x00, 0x00, 0x01, 0x01};
    byte[] y = {0x02, 0x00, 0x00, 0x00, 0x02, 0x07};
    System.arraycopy(x, 0, there, 0, 6);
    System.arraycopy(y, 0, there, 6, 6);
    System.arraycopy(y, 0, back, 0, 6);
    System.arraycopy(x, 0, back, 6, 6);
    for (int count = 2; count <= 4; count++) {
      assertThat(member(back, count)).isEqualTo(member(there, count));
    }
  }

  @Test
  void fiftyFlowsOfTheKernelTestSplitWithinFifteenToThirtyFive() {
    // The flows GroupShareIT sends: 198.18.60.10 -> 198.18.60.20, UDP source ports 20000..20049
    // to port 9000. Ports counting up one by one would alternate exactly under a bare XOR; the
    // multiplicative mix makes each flow an independent-looking coin: Binomial(50, 1/2) has a
    // standard deviation of 3.5, and 15..35 is +-10 (2.8 sd, outside with p < 0.5%).
    int[] perMember = new int[2];
    for (int f = 0; f < 50; f++) {
      perMember[member(GroupFlows.frame(f, false), 2)]++;
    }
    assertThat(perMember[0]).isBetween(15, 35);
    assertThat(perMember[0] + perMember[1]).isEqualTo(50);
  }

  @Test
  void theShareTestIsSmall() {
    int size = FlowHashCompiler.compile(new Share(0, 2, "a"), null).insns().size();
    System.out.println("FlowHashTableTest: the share test takes " + size + " instructions");
    assertThat(size).as("about 280: the frame parser and the hash").isLessThan(400);
  }

  @Test
  void aShareIsPutInFrontOfTheEntrysOwnProgram() {
    BpfProgram own =
        BpfCompiler.compile(
            List.of(
                new io.pvespan.spec.FilterRule(
                    io.pvespan.spec.FilterRule.Action.ACCEPT,
                    io.pvespan.spec.FilterRule.Protocol.UDP,
                    null,
                    List.of(9000))));
    byte[] in = GroupFlows.frame(3, false);
    int m = member(in, 2);
    assertThat(BpfInterpreter.run(FlowHashCompiler.compile(new Share(m, 2, "a"), own), in))
        .isNotZero();
    assertThat(BpfInterpreter.run(FlowHashCompiler.compile(new Share(1 - m, 2, "a"), own), in))
        .isZero();
    byte[] other = Frames.ipv4(UDP, "198.18.60.10", "198.18.60.20", 20003, 9001);
    assertThat(BpfInterpreter.run(FlowHashCompiler.compile(new Share(0, 2, "a"), own), other))
        .isZero();
    assertThat(BpfInterpreter.run(FlowHashCompiler.compile(new Share(1, 2, "a"), own), other))
        .isZero();
  }
}
