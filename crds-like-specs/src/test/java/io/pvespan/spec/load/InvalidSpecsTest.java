package io.pvespan.spec.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One bad spec file per rule, each with the exact lines a user sees. */
class InvalidSpecsTest {
  static final String DIR = "src/test/resources/invalid/";

  static Stream<Arguments> cases() {
    return Stream.of(
        bad(
            "unknown-sensor-ref",
            "7:14: spec.sensorRef: no Sensor or SensorGroup named 'no-such-sensor' in these specs"),
        bad(
            "duplicate-name",
            "11:9: metadata.name: duplicate Sensor 'dup-sensor', also defined at "
                + DIR
                + "duplicate-name.yaml:4:18"),
        bad(
            "mirror-loop",
            "14:18: spec.sources.vmids[1]: guest 300 is the sensor 'loop-sensor' this session"
                + " feeds: a mirror loop"),
        bad(
            "mirror-loop-two-sensors",
            "19:21: spec.sources.vmids[0]: guest 310 is mirrored to sensor 'ring-b' (guest 311),"
                + " whose copies are mirrored back to 310: a mirror loop",
            "26:21: spec.sources.vmids[0]: guest 311 is mirrored to sensor 'ring-a' (guest 310),"
                + " whose copies are mirrored back to 311: a mirror loop"),
        bad("vni-out-of-range", "8:10: spec.remote.vni: VNI 16777216 is outside 1..16777215"),
        bad(
            "nic-out-of-range",
            "14:18: spec.sources.nics[1]: NIC 'net32' is not one of net0..net31"),
        bad(
            "unknown-kind",
            "3:7: kind: unknown kind 'MirrorPolicy' (spec files hold Sensor, SensorGroup,"
                + " MirrorSession)"),
        bad("unknown-api-version", "2:13: apiVersion: 'pvespan.io/v1' is not pvespan.io/v1alpha1"),
        bad("unknown-field", "13:5: spec.sources.vmid: unknown field"),
        bad(
            "alias-bomb",
            "3:8: YAML alias '*a' refused: pvespan specs do not use anchors and aliases (alias"
                + " bombs)"),
        bad(
            "syntax-error",
            "8:1: YAML syntax error: while parsing a flow mapping: expected ',' or '}', but got"
                + " <stream end>"),
        bad("missing-sensor-ref", "5:1: spec: missing required field 'sensorRef'"),
        bad("sensor-vm-and-remote", "5:1: spec: needs exactly one of vm or remote, not both"),
        bad(
            "gre-needs-key",
            "6:3: spec.remote: a GRE-family collector needs key",
            "7:14: spec.remote.address: 'collector.example.org' is not an IPv4 or IPv6 address"
                + " literal",
            "9:10: spec.remote.vni: a GRE-family collector takes key, not vni"),
        bad("duplicate-key", "7:3: spec.vm: duplicate key 'vm'"),
        bad(
            "filter-ports-need-protocol",
            "15:7: spec.filter[0]: ports need protocol tcp, udp or sctp",
            "16:47: spec.filter[1].ports[0]: port 0 is outside 1..65535",
            "17:28: spec.filter[2].cidr: '10.0.0.0' is not an IPv4 or IPv6 CIDR (address/prefix)"),
        bad(
            "filter-rules",
            "17:3: spec.filter: 5 of 6 rules have a number: number every rule (they order"
                + " evaluation) or none",
            "18:68: spec.filter[0].source.ports: port range 2000-1000 runs backwards",
            "19:16: spec.filter[1].number: rule number 100 is also used at line 18: numbers order"
                + " the rules and must be unique",
            "19:69: spec.filter[1].source.ports: ports need protocol tcp, udp or sctp, not 'icmp'",
            "20:7: spec.filter[2]: cidr and ports (either side) cannot be combined with source or"
                + " destination; write the address and ports under source or destination",
            "21:7: spec.filter[3]: source 10.0.0.0/8 and destination 2001:db8::/32 are of different"
                + " IP versions: the rule can never match",
            "22:48: spec.filter[4].direction: the rule applies to ingress but the session mirrors"
                + " only egress: it would never apply",
            "23:65: spec.filter[5].destination.ports[1]: port 70000 is outside 1..65535"),
        bad(
            "bad-values",
            "4:18: metadata.name: 'Bad_Name' must be lower-case letters, digits and '-' (max 63,"
                + " no leading or trailing '-')",
            "6:14: spec.vm.vmid: vmid 99 is outside 100..999999999",
            "13:14: spec.direction: 'inbound' is not both, ingress or egress",
            "14:14: spec.sensorRef: 'Bad_Name' is not a Sensor or SensorGroup name (lower-case"
                + " letters, digits and '-')"),
        bad(
            "sensor-group",
            "16:21: spec.members[1]: no Sensor named 'grp-none' in these specs",
            "16:31: spec.members[2]: 'grp-vm' is listed twice (also spec.members[0])",
            "16:39: spec.members[3]: Sensor 'grp-remote' is a remote collector; a SensorGroup"
                + " balances sensor VMs (spec.vm)",
            "20:18: metadata.name: SensorGroup 'grp-vm' has the name of the Sensor at "
                + DIR
                + "sensor-group.yaml:4:18; a sensorRef could not tell them apart",
            "22:3: spec.members: a SensorGroup has 2..64 members, not 1",
            "28:21: spec.sources.vmids[0]: guest 700 is the sensor 'grp-vm' this session feeds: a"
                + " mirror loop"),
        bad(
            "conditioner",
            "14:12: spec.snaplen: snaplen 32 is below 64",
            "15:11: spec.budget: '10mbps' is not a rate like 500kbit, 10Mbit or 1Gbit",
            "16:9: spec.vlan: vlan 4095 is outside 1..4094",
            "24:9: spec.vlan: 'native' is not source or a VLAN id 1..4094"),
        bad(
            "not-a-mapping",
            "2:1: a spec document is a mapping with apiVersion, kind, metadata, spec"));
  }

  private static Arguments bad(String name, String... lines) {
    String file = DIR + name + ".yaml";
    return Arguments.of(file, Stream.of(lines).map(l -> file + ":" + l).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachBadSpecGivesItsExactLines(String file, List<String> expected) {
    LoadResult result = SpecLoader.load(List.of(Path.of(file)));

    assertThat(result.ok()).isFalse();
    assertThat(result.specs()).isNull();
    assertThat(result.problems()).map(SpecProblem::toString).containsExactlyElementsOf(expected);
  }

  @Test
  void everyInvalidFileHasACaseAndTheDirectoryGivesExactlyTheirLines() throws IOException {
    List<String> expected = new ArrayList<>();
    List<String> covered = new ArrayList<>();
    cases()
        .forEach(
            c -> {
              covered.add((String) c.get()[0]);
              @SuppressWarnings("unchecked")
              List<String> lines = (List<String>) c.get()[1];
              expected.addAll(lines);
            });
    try (Stream<Path> files = Files.list(Path.of(DIR))) {
      assertThat(files.map(Path::toString)).containsExactlyInAnyOrderElementsOf(covered);
    }

    LoadResult whole = SpecLoader.load(List.of(Path.of("src/test/resources/invalid")));

    assertThat(whole.problems())
        .map(SpecProblem::toString)
        .containsExactlyInAnyOrderElementsOf(expected);
  }
}
