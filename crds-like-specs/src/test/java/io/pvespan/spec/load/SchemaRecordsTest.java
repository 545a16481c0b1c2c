package io.pvespan.spec.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.GuestType;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.model.Vni;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelRole;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.spec.FilterRule;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SpecSet;
import io.pvespan.status.Condition;
import io.pvespan.status.DriftItem;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.KernelCapabilities;
import io.pvespan.status.NodeMirrorStatus;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The schemas and the records must not drift apart: records serialised by {@link PlanJson#MAPPER}
 * validate against their schema, and the schemas' enums are the records' enums.
 */
class SchemaRecordsTest {
  static final InterfaceName SEND = InterfaceName.of("pspv0a1b2c");
  static final InterfaceName RECV = InterfaceName.of("pspr0a1b2c");
  static final InterfaceName GRE = InterfaceName.of("pspg00ff01");
  static final Instant T = Instant.parse("2026-11-23T05:00:00.123Z");

  static NodeMirrorPlan sourcePlan() {
    var filter =
        List.of(
            new FilterRule(FilterRule.Action.DROP, FilterRule.Protocol.TCP, "10.0.0.0/8", null),
            new FilterRule(
                FilterRule.Action.ACCEPT, FilterRule.Protocol.UDP, "2001:db8::/32", List.of(443)),
            new FilterRule(FilterRule.Action.ACCEPT, null, null, null));
    var local =
        new MirrorEntry(
            "web-local",
            VmId.of(101),
            NicId.parse("net0"),
            InterfaceName.of("tap101i0"),
            Direction.BOTH,
            EntryState.ACTIVE,
            new LocalTarget(InterfaceName.of("tap200i1")),
            filter,
            true,
            List.of(
                new TunnelTarget(Encapsulation.VXLAN, SEND, "198.18.0.3", Vni.of(660268), null)));
    var vxlan =
        new MirrorEntry(
            "dmz-tagged",
            VmId.of(102),
            NicId.parse("net31"),
            InterfaceName.of("tap102i31"),
            Direction.INGRESS,
            EntryState.WAITING,
            new TunnelTarget(Encapsulation.VXLAN, SEND, "198.18.0.3", Vni.of(660268), null),
            List.of());
    var gre =
        new MirrorEntry(
            "db-to-collector",
            VmId.of(104),
            NicId.parse("net1"),
            InterfaceName.of("veth104i1"),
            Direction.EGRESS,
            EntryState.WAITING,
            new TunnelTarget(Encapsulation.GRETAP, GRE, "198.51.100.7", null, 4294967295L),
            List.of());
    var tunnels =
        List.of(
            new TunnelDevice(
                SEND,
                Encapsulation.VXLAN,
                TunnelRole.SEND,
                "198.18.0.1",
                "198.18.0.3",
                Vni.of(660268),
                null,
                4789,
                1450),
            new TunnelDevice(
                GRE,
                Encapsulation.GRETAP,
                TunnelRole.SEND,
                null,
                "198.51.100.7",
                null,
                0L,
                null,
                1462));
    return NodeMirrorPlan.of("pve1", 7, List.of(vxlan, local, gre), tunnels, List.of());
  }

  static NodeMirrorPlan sensorPlan() {
    var receive =
        new TunnelDevice(
            RECV,
            Encapsulation.GENEVE,
            TunnelRole.RECEIVE,
            "198.18.0.3",
            null,
            Vni.of(1),
            null,
            6081,
            1500);
    var delivery =
        new Delivery("dmz-tagged", RECV, InterfaceName.of("tap201i1"), EntryState.WAITING);
    return NodeMirrorPlan.of("pve3", 1, List.of(), List.of(receive), List.of(delivery));
  }

  static NodeMirrorStatus fullStatus() {
    return new NodeMirrorStatus(
        null,
        null,
        "pve1",
        7,
        sourcePlan().digest(),
        T,
        List.of(
            new EntryStatus(
                "web-local",
                InterfaceName.of("tap101i0"),
                Direction.BOTH,
                "active",
                null,
                12,
                3456),
            new EntryStatus(
                "dmz-tagged",
                InterfaceName.of("tap102i31"),
                Direction.INGRESS,
                "failed",
                "RTNETLINK answers: No such device",
                0,
                0)),
        List.of(new DriftItem(DriftItem.Kind.MISSING, "filter tap101i0 ingress prio 7", null, T)),
        new KernelCapabilities(false, false, true, true, true, true, false, false, false, false),
        List.of(new Condition("Ready", "True", "Converged", "all entries applied", T, 7)));
  }

  @Test
  void nodeMirrorPlansValidate() {
    for (NodeMirrorPlan plan :
        List.of(sourcePlan(), sensorPlan(), NodeMirrorPlan.empty("pve2", 0))) {
      assertThat(errors("NodeMirrorPlan", PlanJson.MAPPER.valueToTree(plan)))
          .as(PlanJson.write(plan))
          .isEmpty();
    }
  }

  @Test
  void nodeMirrorStatusesValidate() {
    var empty = new NodeMirrorStatus(null, null, "pve2", 0, null, null, null, null, null, null);
    var canaries =
        new io.pvespan.status.CanaryStatus(
            10_000,
            true,
            List.of(
                new io.pvespan.status.CanaryStatus.Sent("web-local", "tap200i1", 4, T, null),
                new io.pvespan.status.CanaryStatus.Sent(
                    "dmz-tagged", "pspv000064", 5, T, "device pspv000064 absent")),
            List.of(
                new io.pvespan.status.CanaryStatus.Received(
                    "web-remote", "pve2", "tap200i1", 9, T, T, 3)));
    for (NodeMirrorStatus status :
        List.of(fullStatus(), empty, fullStatus().withCanaries(canaries))) {
      assertThat(errors("NodeMirrorStatus", PlanJson.MAPPER.valueToTree(status)))
          .as(PlanJson.write(status))
          .isEmpty();
    }
  }

  @Test
  void theSchemasRefuseWhatTheRecordsCannotHold() {
    ObjectNode plan = PlanJson.MAPPER.valueToTree(sourcePlan());
    plan.put("extra", 1);
    ((ObjectNode) plan.path("tunnels").path(1)).put("key", 5);
    ((ObjectNode) plan.path("mirrors").path(0)).put("interface", "tap1;reboot");
    ObjectNode status = PlanJson.MAPPER.valueToTree(fullStatus());
    ((ObjectNode) status.path("entries").path(0)).put("state", "running");

    assertThat(findings("NodeMirrorPlan", plan))
        .containsExactlyInAnyOrder(
            "$ additionalProperties extra", "$.mirrors[0].interface pattern", "$.tunnels[1] not");
    assertThat(findings("NodeMirrorStatus", status)).containsExactly("$.entries[0].state enum");
  }

  @Test
  void specRecordsBoundFromTheExamplesSerialiseToValidSpecs() {
    SpecSet specs = SpecLoader.load(List.of(Path.of("examples"))).specs();
    for (Sensor s : specs.sensors()) {
      assertThat(errors(Sensor.KIND, PlanJson.MAPPER.valueToTree(s))).as(s.name()).isEmpty();
    }
    for (MirrorSession s : specs.sessions()) {
      assertThat(errors(MirrorSession.KIND, PlanJson.MAPPER.valueToTree(s))).as(s.name()).isEmpty();
    }
    assertThat(specs.groups()).isNotEmpty();
    for (io.pvespan.spec.SensorGroup g : specs.groups()) {
      assertThat(errors(io.pvespan.spec.SensorGroup.KIND, PlanJson.MAPPER.valueToTree(g)))
          .as(g.name())
          .isEmpty();
    }
  }

  @Test
  void schemaEnumsAreTheJavaEnums() throws Exception {
    JsonNode session = schemaJson("mirrorsession");
    JsonNode sensor = schemaJson("sensor");
    JsonNode plan = schemaJson("nodemirrorplan");
    JsonNode status = schemaJson("nodemirrorstatus");
    JsonNode spec = session.at("/properties/spec/properties");

    assertEnum(spec.at("/direction/enum"), Direction.values(), Direction::json);
    assertEnum(spec.at("/encapsulation/enum"), Encapsulation.values(), Encapsulation::json);
    assertEnum(
        sensor.at("/$defs/remote/properties/encapsulation/enum"),
        Encapsulation.values(),
        Encapsulation::json);
    assertEnum(session.at("/$defs/guestType/enum"), GuestType.values(), GuestType::json);
    JsonNode rule = session.at("/$defs/filterRule/properties");
    assertEnum(rule.at("/action/enum"), FilterRule.Action.values(), FilterRule.Action::json);
    assertEnum(rule.at("/protocol/enum"), FilterRule.Protocol.values(), FilterRule.Protocol::json);
    assertEnum(plan.at("/$defs/state/enum"), EntryState.values(), EntryState::json);
    assertEnum(
        plan.at("/$defs/tunnel/properties/role/enum"), TunnelRole.values(), TunnelRole::json);
    List<Encapsulation> concrete = new ArrayList<>(Arrays.asList(Encapsulation.values()));
    concrete.remove(Encapsulation.AUTO);
    assertEnum(
        plan.at("/$defs/tunnel/properties/type/enum"),
        concrete.toArray(Encapsulation[]::new),
        Encapsulation::json);
    assertEnum(
        status.at("/$defs/drift/properties/kind/enum"),
        DriftItem.Kind.values(),
        DriftItem.Kind::json);
    assertThat(fieldNames(status.at("/$defs/capabilities/properties")))
        .containsExactlyElementsOf(
            Arrays.stream(KernelCapabilities.class.getRecordComponents())
                .map(c -> c.getName())
                .toList());
  }

  private static List<String> errors(String kind, JsonNode json) {
    Set<ValidationMessage> messages = SchemaCheck.schema(kind).validate(json);
    return messages.stream().map(ValidationMessage::getMessage).toList();
  }

  /** Where and which keyword failed (the library's wording is not ours to pin down). */
  private static List<String> findings(String kind, JsonNode json) {
    return SchemaCheck.schema(kind).validate(json).stream()
        .map(
            m ->
                (m.getInstanceLocation() + " " + m.getType() + " " + nullToEmpty(m.getProperty()))
                    .strip())
        .toList();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static JsonNode schemaJson(String name) throws Exception {
    try (InputStream in =
        SchemaRecordsTest.class.getResourceAsStream(
            "/io/pvespan/schemas/" + name + ".schema.json")) {
      return PlanJson.MAPPER.readTree(in);
    }
  }

  private static <E> void assertEnum(JsonNode node, E[] values, Function<E, String> json) {
    List<String> inSchema = new ArrayList<>();
    node.forEach(n -> inSchema.add(n.asText()));
    assertThat(inSchema).containsExactlyElementsOf(Arrays.stream(values).map(json).toList());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
