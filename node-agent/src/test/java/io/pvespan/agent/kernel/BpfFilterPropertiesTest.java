package io.pvespan.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.PortRange;
import io.pvespan.model.PortSet;
import io.pvespan.spec.FilterEndpoint;
import io.pvespan.spec.FilterRule;
import io.pvespan.spec.FilterRule.Action;
import io.pvespan.spec.FilterRule.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The compiled program agrees with the rules' meaning written plainly in Java (lowest number first,
 * first match wins, default reject; source/destination apart, either side for the older fields,
 * symmetric = also swapped) for random rule lists and frames, tagged or not, IPv4 and IPv6.
 */
class BpfFilterPropertiesTest {
  private static final List<String> V4 = List.of("10.0.0.0/8", "10.1.2.3/32", "10.1.0.0/16");
  private static final List<String> V6 = List.of("2001:db8::/32", "2001:db8:1::/48", "::/0");
  private static final List<String> HOSTS4 =
      List.of("10.1.2.3", "10.1.9.9", "10.200.0.1", "11.0.0.1");
  private static final List<String> HOSTS6 = List.of("2001:db8:1::5", "2001:db8:2::5", "fe80::1");
  private static final List<Integer> PORTS = List.of(22, 443, 1023, 1024, 5000, 65535);

  /**
   * A frame to classify: IPv6 {@code extensions} (types, see {@link Frames#ipv6(int[], int, int,
   * String, String, int, int)}) and a fragment offset ({@code frag}: IPv4, or IPv6 with a fragment
   * header) make it harder.
   */
  record Packet(
      boolean v6,
      int proto,
      String src,
      int sport,
      String dst,
      int dport,
      int tags,
      List<Integer> extensions,
      int frag) {
    byte[] frame() {
      byte[] f =
          v6
              ? Frames.ipv6(
                  extensions.stream().mapToInt(Integer::intValue).toArray(),
                  frag,
                  proto,
                  src,
                  dst,
                  sport,
                  dport)
              : Frames.ipv4(proto, src, dst, sport, dport, 0, frag);
      for (int i = 0; i < tags; i++) {
        f = Frames.tagged(f, i == 0 ? 0x8100 : 0x88A8, 5 + i);
      }
      return f;
    }

    /** The protocol a parser walking at most four extension headers finds. */
    int seenProto() {
      return extensions.size() > BpfFrameParser.IPV6_EXTENSIONS
          ? extensions.get(BpfFrameParser.IPV6_EXTENSIONS)
          : proto;
    }

    /** Ports are readable: a first fragment (or none) behind headers the parser walks. */
    boolean portsVisible() {
      boolean fragmented = v6 ? extensions.contains(44) : true;
      return !(fragmented && frag != 0) && extensions.size() <= BpfFrameParser.IPV6_EXTENSIONS;
    }
  }

  @Property(tries = 400)
  void theProgramMeansWhatTheRulesSay(
      @ForAll("rules") List<FilterRule> rules, @ForAll("packets") List<Packet> packets) {
    BpfProgram p = BpfCompiler.compile(rules);
    for (Packet pkt : packets) {
      boolean expected = reference(rules, pkt);
      assertThat(BpfInterpreter.run(p, pkt.frame()) == BpfCompiler.MATCH)
          .as("%s over %s", rules, pkt)
          .isEqualTo(expected);
    }
  }

  static boolean reference(List<FilterRule> rules, Packet pkt) {
    List<FilterRule> ordered = new ArrayList<>(rules);
    ordered.sort(Comparator.comparing(r -> r.number() == null ? 0 : r.number()));
    for (FilterRule r : ordered) {
      if (matches(r, pkt, false) || (r.symmetric() && matches(r, pkt, true))) {
        return r.action().mirrors();
      }
    }
    return false;
  }

  static boolean matches(FilterRule r, Packet pkt, boolean swapped) {
    String src = swapped ? pkt.dst() : pkt.src();
    String dst = swapped ? pkt.src() : pkt.dst();
    int sport = swapped ? pkt.dport() : pkt.sport();
    int dport = swapped ? pkt.sport() : pkt.dport();
    if (r.protocol() != null && r.protocol().number() != pkt.seenProto()) {
      return false;
    }
    boolean ports =
        r.ports() != null
            || (r.source() != null && r.source().ports() != null)
            || (r.destination() != null && r.destination().ports() != null);
    if (ports && !pkt.portsVisible()) {
      return false;
    }
    if (r.cidr() != null && !in(r.cidr(), src) && !in(r.cidr(), dst)) {
      return false;
    }
    if (r.ports() != null && !r.ports().contains(sport) && !r.ports().contains(dport)) {
      return false;
    }
    if (r.source() != null) {
      if (r.source().cidr() != null && !in(r.source().cidr(), src)) {
        return false;
      }
      if (r.source().ports() != null && !r.source().ports().contains(sport)) {
        return false;
      }
    }
    if (r.destination() != null) {
      if (r.destination().cidr() != null && !in(r.destination().cidr(), dst)) {
        return false;
      }
      if (r.destination().ports() != null && !r.destination().ports().contains(dport)) {
        return false;
      }
    }
    return true;
  }

  static boolean in(String cidr, String address) {
    return Cidr.parse(cidr).contains(IpAddress.parse(address));
  }

  @Provide
  Arbitrary<List<Packet>> packets() {
    Arbitrary<Packet> v4 =
        Combinators.combine(
                Arbitraries.of(6, 17, 1),
                Arbitraries.of(HOSTS4),
                Arbitraries.of(PORTS),
                Arbitraries.of(HOSTS4),
                Arbitraries.of(PORTS),
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(0, 0, 0, 100))
            .as(
                (proto, s, sp, d, dp, tags, frag) ->
                    new Packet(false, proto, s, sp, d, dp, tags, List.of(), frag));
    Arbitrary<Packet> v6 =
        Combinators.combine(
                Arbitraries.of(6, 17, 58),
                Arbitraries.of(HOSTS6),
                Arbitraries.of(PORTS),
                Arbitraries.of(HOSTS6),
                Arbitraries.of(PORTS),
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(0, 43, 60, 44, 51).list().ofMaxSize(5),
                Arbitraries.of(0, 0, 100))
            .as(
                (proto, s, sp, d, dp, tags, ext, frag) ->
                    new Packet(true, proto, s, sp, d, dp, tags, ext, frag));
    return Arbitraries.oneOf(v4, v6).list().ofMinSize(1).ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<FilterRule>> rules() {
    return Arbitraries.oneOf(awsRule(), olderRule())
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(BpfFilterPropertiesTest::numberedOrNot);
  }

  /** Half the lists numbered (distinct numbers, shuffled), half in list order. */
  private static List<FilterRule> numberedOrNot(List<FilterRule> rules) {
    if (rules.hashCode() % 2 == 0) {
      return rules;
    }
    List<FilterRule> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      FilterRule r = rules.get(i);
      int number = ((i * 7 + 3) % 11) * 10 + i; // distinct, not in list order
      out.add(
          new FilterRule(
              number,
              r.action(),
              r.direction(),
              r.protocol(),
              r.source(),
              r.destination(),
              r.symmetric(),
              r.cidr(),
              r.ports()));
    }
    return out;
  }

  private static Arbitrary<PortSet> portSets() {
    Arbitrary<PortRange> range =
        Arbitraries.of(
            new PortRange(22, 22),
            new PortRange(443, 443),
            new PortRange(1024, 65535),
            new PortRange(1, 1023),
            new PortRange(5000, 5000));
    return range.list().ofMinSize(1).ofMaxSize(3).map(PortSet::new);
  }

  private static Arbitrary<FilterRule> awsRule() {
    Arbitrary<Boolean> v6 = Arbitraries.of(false, true);
    return v6.flatMap(
        six -> {
          Arbitrary<String> cidr = Arbitraries.of(six ? V6 : V4).injectNull(0.4);
          Arbitrary<Protocol> proto =
              Arbitraries.of(Protocol.TCP, Protocol.UDP, Protocol.ICMP, Protocol.ICMPV6)
                  .injectNull(0.2);
          return Combinators.combine(
                  Arbitraries.of(Action.ACCEPT, Action.REJECT),
                  proto,
                  cidr,
                  portSets().injectNull(0.5),
                  cidr,
                  portSets().injectNull(0.5),
                  Arbitraries.of(false, true))
              .as(
                  (action, p, sc, sp, dc, dp, sym) -> {
                    boolean ports = p == Protocol.TCP || p == Protocol.UDP;
                    return new FilterRule(
                        null,
                        action,
                        null,
                        p,
                        endpoint(sc, ports ? sp : null),
                        endpoint(dc, ports ? dp : null),
                        sym,
                        null,
                        null);
                  });
        });
  }

  private static FilterEndpoint endpoint(String cidr, PortSet ports) {
    return cidr == null && ports == null ? null : new FilterEndpoint(cidr, ports);
  }

  private static Arbitrary<FilterRule> olderRule() {
    return Combinators.combine(
            Arbitraries.of(Action.ACCEPT, Action.DROP),
            Arbitraries.of(Protocol.TCP, Protocol.UDP).injectNull(0.3),
            Arbitraries.of(V4).injectNull(0.5),
            portSets().injectNull(0.5))
        .as(
            (action, p, cidr, ports) ->
                new FilterRule(
                    null, action, null, p, null, null, null, cidr, p == null ? null : ports));
  }
}
