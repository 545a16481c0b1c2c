package io.pvespan.controller.pve.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.inventory.GuestNic;
import io.pvespan.model.GuestType;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the netN parser over hostile input (a spoofed or broken Proxmox API can send any
 * string): it answers a valid {@link GuestNic} or its one documented error, an {@link
 * IllegalArgumentException} of one line naming the NIC, and nothing else; and every config written
 * the way qemu-server and pve-container write them reads back as what was written.
 */
class NetConfigParserPropertiesTest {
  /** Values none of the keys we read may take: injection, bidi and control characters, junk. */
  static final List<String> HOSTILE =
      List.of(
          "$(id)",
          "`reboot`",
          "tap1;reboot",
          "vmbr0 lo",
          "eth0\nlo",
          "-Infinity",
          "ñ",
          "\u0000",
          "vmbr0\u202e",
          "a".repeat(300),
          "\uD83D\uDE00");

  @Property(tries = 1000)
  void anyStringGivesAValidNicOrOneLineNamingTheNic(
      @ForAll GuestType type, @ForAll("nicIds") NicId id, @ForAll("netValues") String value) {
    GuestNic nic;
    try {
      nic = NetConfigParser.parse(type, id, value);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith(id + ": ").doesNotContain("\n").doesNotContain("\r");
      return;
    }
    assertValid(type, id, nic);
  }

  @Property(tries = 500)
  void validConfigsReadBackAsWritten(@ForAll("configs") Config config) {
    assertThat(NetConfigParser.parse(config.type(), config.id(), config.text()))
        .as(config.text())
        .isEqualTo(config.expected());
  }

  @Property(tries = 500)
  void aHostileValueInAKeyWeUseIsRefused(
      @ForAll GuestType type, @ForAll("nicIds") NicId id, @ForAll("hostileItems") String item) {
    String key = item.substring(0, item.indexOf('='));
    String mac = type == GuestType.QEMU ? "macaddr=" : "hwaddr=";
    String text =
        (type == GuestType.QEMU ? "model=virtio," : "name=eth0,")
            + (key.equals("mac") ? mac + item.substring(4) : item);
    assertThatThrownBy(() -> NetConfigParser.parse(type, id, text))
        .as(text)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(id + ": ");
  }

  static void assertValid(GuestType type, NicId id, GuestNic nic) {
    assertThat(nic.id()).isEqualTo(id);
    if (nic.mac() != null) {
      assertThat(nic.mac()).matches("[0-9A-F]{2}(:[0-9A-F]{2}){5}");
    }
    if (nic.bridge() != null) {
      assertThat(InterfaceName.of(nic.bridge()).value()).isEqualTo(nic.bridge());
    }
    if (nic.tag() != null) {
      assertThat(nic.tag()).isBetween(1, 4094);
    }
    if (nic.mtu() != null) {
      assertThat(nic.mtu()).isBetween(type == GuestType.QEMU ? 2 : 1, 65520);
    }
    if (nic.rate() != null) {
      assertThat(nic.rate()).isNotNaN().isFinite().isGreaterThanOrEqualTo(0.0);
    }
  }

  /** A config and the NIC it must read as. */
  record Config(GuestType type, NicId id, String text, GuestNic expected) {}

  @Provide
  Arbitrary<NicId> nicIds() {
    return Arbitraries.integers().between(0, NicId.MAX_INDEX).map(NicId::new);
  }

  /**
   * {@code key=value} with a value that key must refuse ({@code mac} stands for either MAC key).
   */
  @Provide
  Arbitrary<String> hostileItems() {
    Map<String, List<String>> own =
        Map.of(
            "tag",
                List.of("-1", "0", "4095", "99999999999999999999", "0x10", "NaN", "1e400", "1.5"),
            "mtu", List.of("-1", "0", "65521", "NaN", "1.5", "9e3"),
            "rate", List.of("-1", "NaN", "Infinity", "1e400", "0x10", "1,5"),
            "mac",
                List.of(
                    "-1",
                    "BC:24:11:AA:BB",
                    "BC:24:11:AA:BB:CC:DD",
                    "BC-24-11-AA-BB-CC",
                    "GG:24:11:AA:BB:CC",
                    " BC:24:11:AA:BB:CC"),
            "firewall", List.of("2", "-1", "NaN", "maybe", "1 1"),
            "bridge", List.of("-vmbr0", ".hidden", "vmbr0/x", "vmbr0:1", "a".repeat(16)));
    return Arbitraries.of(own.keySet())
        .flatMap(
            key ->
                Arbitraries.oneOf(Arbitraries.of(HOSTILE), Arbitraries.of(own.get(key)))
                    .filter(v -> !v.contains(","))
                    .map(v -> key + "=" + v));
  }

  /**
   * Half arbitrary text (any code point, separators included), half netN-shaped text: items made of
   * real keys with valid, hostile or random values, so the checks past the splitting are hit.
   */
  @Provide
  Arbitrary<String> netValues() {
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.of(
                "virtio",
                "e1000",
                "model",
                "macaddr",
                "hwaddr",
                "bridge",
                "firewall",
                "tag",
                "rate",
                "mtu",
                "name",
                "queues",
                "link_down",
                "trunks",
                "type",
                "ip"),
            Arbitraries.strings().all().ofMaxLength(8));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(HOSTILE),
            Arbitraries.of("-1", "0", "4095", "NaN", "1e400", "0x10", "-vmbr0", "65521", "2"),
            Arbitraries.of("BC:24:11:AA:bb:cc", "vmbr0", "1", "0", "10", "9000", "12.5", "", "yes"),
            Arbitraries.strings().all().ofMaxLength(12));
    Arbitrary<String> item =
        Arbitraries.oneOf(
            Combinators.combine(key, value).as((k, v) -> k + "=" + v),
            key,
            Arbitraries.strings().withChars(",=; \t\n").ofMaxLength(3));
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(80),
        item.list().ofMaxSize(8).map(items -> String.join(",", items)));
  }

  @Provide
  Arbitrary<Config> configs() {
    Arbitrary<String> mac =
        Arbitraries.integers()
            .between(0, 255)
            .list()
            .ofSize(6)
            .map(b -> String.join(":", b.stream().map(x -> String.format("%02x", x)).toList()))
            .flatMap(m -> Arbitraries.of(m, m.toUpperCase(Locale.ROOT)))
            .injectNull(0.2);
    Arbitrary<String> bridge =
        Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').withChars("0123456789_").ofLength(1),
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .withCharRange('A', 'Z')
                    .withChars("0123456789_.-")
                    .ofMaxLength(14))
            .as(String::concat)
            .injectNull(0.2);
    Arbitrary<String> firewall =
        Arbitraries.of("0", "1", "on", "off", "yes", "no", "true", "false", "TRUE").injectNull(0.3);
    Arbitrary<BigDecimal> rate =
        Arbitraries.bigDecimals()
            .between(BigDecimal.ZERO, new BigDecimal("100000"))
            .ofScale(3)
            .injectNull(0.5);
    Arbitrary<Integer> mtu = Arbitraries.integers().between(1, 65520).injectNull(0.5);
    Arbitrary<Integer> tag = Arbitraries.integers().between(1, 4094).injectNull(0.5);
    Arbitrary<NicSettings> settings =
        Combinators.combine(mac, bridge, firewall, rate, mtu, tag).as(NicSettings::new);
    return Combinators.combine(
            Arbitraries.of(GuestType.class),
            nicIds(),
            settings,
            Arbitraries.of(NetConfigParser.QEMU_MODELS),
            Arbitraries.of(true, false))
        .flatAs(
            (type, id, s, model, aliasForm) ->
                Arbitraries.shuffle(s.items(type, model, aliasForm))
                    .map(items -> new Config(type, id, String.join(",", items), s.nic(type, id))));
  }

  /** What one config sets; null: not written. */
  record NicSettings(
      String mac, String bridge, String firewall, BigDecimal rate, Integer mtu, Integer tag) {
    List<String> items(GuestType type, String model, boolean aliasForm) {
      List<String> items = new ArrayList<>();
      if (type == GuestType.QEMU) {
        if (aliasForm) {
          items.add(mac == null ? model : model + "=" + mac);
        } else {
          items.add("model=" + model);
          if (mac != null) {
            items.add("macaddr=" + mac);
          }
        }
        items.add("queues=4");
        items.add("trunks=10;20-30");
      } else {
        items.add("name=eth0");
        items.add("type=veth");
        items.add("ip=10.0.0.2/24");
        if (mac != null) {
          items.add("hwaddr=" + mac);
        }
      }
      add(items, "bridge", bridge);
      add(items, "firewall", firewall);
      add(items, "rate", rate == null ? null : rate.toPlainString());
      add(items, "mtu", mtu);
      add(items, "tag", tag);
      items.add("link_down=0");
      return items;
    }

    GuestNic nic(GuestType type, NicId id) {
      return new GuestNic(
          id,
          bridge,
          mac == null ? null : mac.toUpperCase(Locale.ROOT),
          firewall != null && Tolerant.parseBool(firewall),
          rate == null ? null : rate.doubleValue(),
          type == GuestType.QEMU && Objects.equals(mtu, 1) ? null : mtu,
          tag);
    }

    private static void add(List<String> items, String key, Object value) {
      if (value != null) {
        items.add(key + "=" + value);
      }
    }
  }
}
