package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.model.Vni;
import io.pvespan.plan.PlanJson;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.RemoteCollector;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorSpec;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecProblem;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code plan} command with a hand-built spec set standing in for the YAML loader (the lab's
 * sensors and a dmz session), and the real inventory file of the lab.
 */
class PlanCommandTest {
  static final String LAB = repoFile("test-fixtures/inventories/lab-3-nodes.json").toString();

  static SpecSet labSpecs(boolean loop) {
    List<Sensor> sensors =
        List.of(
            Sensor.of(
                "ids-1", new SensorSpec(new SensorVm(VmId.of(200), NicId.parse("net1")), null)),
            Sensor.of(
                "ids-2", new SensorSpec(new SensorVm(VmId.of(201), NicId.parse("net1")), null)),
            Sensor.of(
                "collector",
                new SensorSpec(
                    null,
                    new RemoteCollector("198.51.100.7", Encapsulation.VXLAN, Vni.of(4242), null))));
    SourceSelector dmz =
        new SourceSelector(
            loop ? List.of(VmId.of(200)) : null,
            loop ? null : List.of("dmz"),
            null,
            null,
            null,
            null,
            null);
    MirrorSession session =
        MirrorSession.of("dmz-web", new MirrorSessionSpec(dmz, null, "ids-1", null, null, null));
    return new SpecSet(sensors, List.of(session));
  }

  record Run(int code, String out, String err) {}

  static Run run(Function<List<Path>, LoadResult> loader, String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code =
        new PlanCommand(loader, InputStream.nullInputStream())
            .run(
                Arrays.asList(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run run(String... args) {
    return run(paths -> new LoadResult(labSpecs(false), List.of()), args);
  }

  @Test
  void jsonHasPlansWithLocalAndRemoteEntriesWarningsAndNoErrors() throws Exception {
    Run r = run("--specs", "specs", "--inventory", LAB, "--output", "json");

    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    JsonNode json = PlanJson.MAPPER.readTree(r.out());
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly("plans", "warnings", "errors", "notes");
    assertThat(json.get("plans")).hasSize(3);
    JsonNode pve1 = json.get("plans").get(0);
    assertThat(pve1.get("node").asText()).isEqualTo("pve1");
    assertThat(pve1.get("mirrors").get(0).get("target").toString())
        .isEqualTo("{\"type\":\"local\",\"interface\":\"tap200i1\"}");
    assertThat(pve1.get("deliveries").get(0).get("interface").asText()).isEqualTo("tap200i1");
    JsonNode remote = json.get("plans").get(1).get("mirrors").get(0);
    assertThat(remote.get("interface").asText()).isEqualTo("veth103i0");
    assertThat(remote.get("target").get("type").asText()).isEqualTo("vxlan");
    assertThat(remote.get("target").get("remote").asText()).isEqualTo("198.18.0.1");
    assertThat(json.get("warnings").size()).isPositive();
    assertThat(json.get("errors")).isEmpty();
  }

  @Test
  void yamlIsTheSameDocumentAsJson() throws Exception {
    Run json = run("--specs", "specs", "--inventory", LAB, "--output", "json");
    Run yaml = run("--specs", "specs", "--inventory", LAB, "--output", "yaml");

    assertThat(yaml.code()).isZero();
    assertThat(new YAMLMapper().readTree(yaml.out()))
        .isEqualTo(PlanJson.MAPPER.readTree(json.out()));
  }

  @Test
  void textShowsPerNodeTablesTunnelsDeliveriesAndWarnings() {
    Run r = run("--specs", "specs", "--inventory", LAB);

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("node pve1  generation 1  sha256:")
        .containsPattern("dmz-web +101 net0 tap101i0, both, active +→ +local tap200i1")
        .containsPattern(
            "dmz-web +103 net0 veth103i0, both, active +→ +vxlan pspv[0-9a-f]{6} to 198.18.0.1 vni \\d+")
        .containsPattern(
            "pspv[0-9a-f]{6} vxlan receive local 198.18.0.1 vni \\d+ port 4789 mtu 1450")
        .containsPattern("pspv[0-9a-f]{6} → tap200i1  \\(dmz-web, active\\)")
        .contains("node pve3  generation 1")
        .contains("nothing to mirror")
        .contains(
            "each packet once per sensor (duplicates: suppress):\n  - sensor ids-1: what vm 101")
        .contains("  - session dmz-web: vm 101 net0 (tap101i0), what it receives: frames from");
  }

  @Test
  void textNamesAnEntrysFilterAndSample() {
    SpecSet specs = labSpecs(false);
    MirrorSession dmz = specs.sessions().get(0);
    var rule =
        new io.pvespan.spec.FilterRule(
            io.pvespan.spec.FilterRule.Action.ACCEPT,
            io.pvespan.spec.FilterRule.Protocol.TCP,
            "10.0.0.0/8",
            List.of(443));
    MirrorSession narrowed =
        MirrorSession.of(
            dmz.name(),
            new MirrorSessionSpec(
                dmz.spec().sources(),
                null,
                "ids-1",
                null,
                List.of(rule, rule),
                io.pvespan.model.Sample.parse("1/10"),
                null));
    SpecSet withFilter = new SpecSet(specs.sensors(), List.of(narrowed));
    Run r = run(paths -> new LoadResult(withFilter, List.of()), "--specs", "s", "--inventory", LAB);

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .containsPattern(
            "dmz-web +101 net0 tap101i0, both, active +→ +local tap200i1  \\(filter: 2 rules,"
                + " sample 1/10\\)");
  }

  @Test
  void specProblemsExitOneWithOneLineEachAndNoPlan() {
    LoadResult broken =
        new LoadResult(
            null,
            List.of(
                new SpecProblem("specs/a.yaml", 3, 5, "spec.sensorRef: no Sensor 'x'"),
                new SpecProblem("specs/b.yaml", 1, 1, "kind: unknown kind 'Foo'")));
    Run r = run(paths -> broken, "--specs", "specs", "--inventory", LAB, "--output", "json");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "specs/a.yaml:3:5: spec.sensorRef: no Sensor 'x'\n"
                + "specs/b.yaml:1:1: kind: unknown kind 'Foo'\n");
  }

  @Test
  void plannerErrorsExitOneWithNoPlan() {
    Run r =
        run(
            paths -> new LoadResult(labSpecs(true), List.of()),
            "--specs",
            "specs",
            "--inventory",
            LAB);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).singleElement().asString().contains("mirror loop");
  }

  @Test
  void badInventoryFileIsOneLineWithItsPosition(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("inv.json");
    Files.writeString(file, "{\"nodes\": [\n  {\"name\": \"pve1\", \"colour\": 1}\n]}\n");

    Run r = run("--specs", "specs", "--inventory", file.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).singleElement().asString().startsWith(file + ":2:");
  }

  @Test
  void missingInventoryFileIsOneLine(@TempDir Path dir) {
    Run r = run("--specs", "specs", "--inventory", dir.resolve("none.json").toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines()).singleElement().asString().contains("none.json: cannot read");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "--specs x",
        "--inventory y",
        "--specs x --inventory y --output xml",
        "--specs x --inventory y --bogus",
        "--specs --inventory y",
        "--specs x --inventory",
      })
  void usageErrorsExitTwo(String line) {
    List<String> args = new ArrayList<>(line.isEmpty() ? List.of() : List.of(line.split(" ")));
    Run r = run(args.toArray(String[]::new));

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    List<String> lines = r.err().lines().toList();
    assertThat(lines.get(0)).startsWith("pvespan plan: ");
    assertThat(lines.get(1)).startsWith("usage: ./pvespan plan --specs DIR");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void helpExitsZeroAndTheCommandIsRegistered() {
    assertThat(run("--help").code()).isZero();
    assertThat(Main.commands()).containsKey("plan");
  }

  static Path repoFile(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve(relative))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(relative + " not found");
    }
    return dir.resolve(relative);
  }
}
