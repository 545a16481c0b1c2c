package io.pvespan.spec.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.Direction;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.model.Vni;
import io.pvespan.spec.FilterRule;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SpecSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {
  static final Path EXAMPLES = Path.of("examples");

  @TempDir Path dir;

  @Test
  void examplesAreAllValidWithDefaultsApplied() {
    LoadResult result = SpecLoader.load(List.of(EXAMPLES));

    assertThat(result.problems()).isEmpty();
    SpecSet specs = result.specs();
    assertThat(specs.sensors()).map(Sensor::name).containsExactly("collector", "ids-1", "ids-2");
    assertThat(specs.sessions())
        .map(MirrorSession::name)
        .containsExactly(
            "ct-remote",
            "db-to-collector",
            "dmz-containers",
            "dmz-headers",
            "dmz-no-102",
            "dmz-tagged",
            "web-https",
            "web-local",
            "web-numbered",
            "web-pool")
        .hasSize(10);
    assertThat(specs.groups()).hasSize(1);
    assertThat(specs.group("ids-pool").spec().members()).containsExactly("ids-1", "ids-2");
    assertThat(session(specs, "web-pool").spec().sensorRef()).isEqualTo("ids-pool");
    Sensor ids1 = sensor(specs, "ids-1");
    assertThat(ids1.spec().vm().vmid()).isEqualTo(VmId.of(200));
    assertThat(ids1.spec().vm().nic()).isEqualTo(NicId.parse("net1"));
    assertThat(sensor(specs, "collector").spec().remote().vni()).isEqualTo(Vni.of(4242));
    MirrorSession tagged = session(specs, "dmz-tagged");
    assertThat(tagged.spec().direction()).isEqualTo(Direction.BOTH);
    assertThat(tagged.spec().encapsulation()).isEqualTo(Encapsulation.AUTO);
    assertThat(tagged.spec().filter()).isEmpty();
    assertThat(tagged.spec().isPaused()).isFalse();
    assertThat(session(specs, "dmz-containers").spec().isPaused()).isTrue();
    assertThat(session(specs, "ct-remote").spec().direction()).isEqualTo(Direction.EGRESS);
    List<FilterRule> filter = session(specs, "web-https").spec().filter();
    assertThat(filter).hasSize(3);
    assertThat(filter.get(0).action()).isEqualTo(FilterRule.Action.DROP);
    assertThat(filter.get(2).cidr()).isEqualTo("2001:db8::/32");
    MirrorSession headers = session(specs, "dmz-headers");
    assertThat(headers.spec().snaplen()).isEqualTo(128);
    assertThat(headers.spec().budget()).isEqualTo(io.pvespan.model.Bandwidth.parse("10Mbit"));
    assertThat(headers.spec().vlan()).isEqualTo(io.pvespan.model.CopyVlan.source());
    assertThat(tagged.spec().snaplen()).isNull();
    assertThat(tagged.spec().budget()).isNull();
  }

  @Test
  void multiDocumentFilesAndYmlFilesInSubdirectoriesAreRead() throws IOException {
    write(
        "a/two.yaml",
        """
        # two documents, an empty one between them
        apiVersion: pvespan.io/v1alpha1
        kind: Sensor
        metadata: {name: s1}
        spec: {vm: {vmid: 200, nic: net1}}
        ---
        ---
        apiVersion: pvespan.io/v1alpha1
        kind: MirrorSession
        metadata: {name: m1}
        spec: {sources: {tags: [dmz]}, sensorRef: s2}
        """);
    write(
        "b/c/one.yml",
        """
        apiVersion: pvespan.io/v1alpha1
        kind: Sensor
        metadata: {name: s2}
        spec: {remote: {address: "2001:db8::7", encapsulation: gre, key: 4294967295}}
        """);
    write("b/notes.txt", "not a spec");
    write(".github/workflows/ci.yml", "on: push\n");
    write("b/.draft.yaml", "kind: Nothing\n");

    LoadResult result = SpecLoader.load(List.of(dir));

    assertThat(result.problems()).isEmpty();
    assertThat(result.specs().sensors()).map(Sensor::name).containsExactly("s1", "s2");
    assertThat(result.specs().sessions()).map(MirrorSession::name).containsExactly("m1");
    assertThat(SpecLoader.files(List.of(dir), new java.util.ArrayList<>()))
        .containsExactly(dir.resolve("a/two.yaml"), dir.resolve("b/c/one.yml"));
  }

  @Test
  void duplicateNamesAcrossFilesNameBothPlaces() throws IOException {
    String sensor =
        """
        apiVersion: pvespan.io/v1alpha1
        kind: Sensor
        metadata: {name: same}
        spec: {vm: {vmid: 200, nic: net1}}
        """;
    write("one.yaml", sensor);
    write("two.yaml", "# moved down a line\n" + sensor);

    LoadResult result = SpecLoader.load(List.of(dir));

    assertThat(result.problems())
        .map(SpecProblem::toString)
        .containsExactly(
            dir.resolve("two.yaml")
                + ":4:18: metadata.name: duplicate Sensor 'same', also defined at "
                + dir.resolve("one.yaml")
                + ":3:18");
  }

  @Test
  void aSessionMayMirrorTheSensorGuestsOtherNicsOrExcludeIt() throws IOException {
    write(
        "ok.yaml",
        """
        apiVersion: pvespan.io/v1alpha1
        kind: Sensor
        metadata: {name: s}
        spec: {vm: {vmid: 200, nic: net1}}
        ---
        apiVersion: pvespan.io/v1alpha1
        kind: MirrorSession
        metadata: {name: management-nic}
        spec: {sources: {vmids: [200], nics: [net0]}, sensorRef: s}
        ---
        apiVersion: pvespan.io/v1alpha1
        kind: MirrorSession
        metadata: {name: excluded}
        spec: {sources: {vmids: [101, 200], exclude: {vmids: [200]}}, sensorRef: s}
        """);

    assertThat(SpecLoader.load(List.of(dir)).problems()).isEmpty();
  }

  @Test
  void missingPathsAndEmptyDirectoriesAreOneLineEach() throws IOException {
    Files.createDirectories(dir.resolve("empty"));

    LoadResult result =
        SpecLoader.load(List.of(dir.resolve("nope.yaml"), dir.resolve("empty"), EXAMPLES));

    assertThat(result.specs()).isNull();
    assertThat(result.problems())
        .map(SpecProblem::toString)
        .containsExactly(
            dir.resolve("empty") + ": no *.yaml or *.yml files here",
            dir.resolve("nope.yaml") + ": no such file or directory");
  }

  @Test
  void everyProblemMeansNoSpecSetEvenWhenOtherFilesAreValid() throws IOException {
    write("bad.yaml", "apiVersion: pvespan.io/v1alpha1\nkind: Sensor\nmetadata: {name: x}\n");

    LoadResult result = SpecLoader.load(List.of(EXAMPLES, dir));

    assertThat(result.ok()).isFalse();
    assertThat(result.specs()).isNull();
    assertThat(result.problems())
        .map(SpecProblem::toString)
        .containsExactly(dir.resolve("bad.yaml") + ":1:1: missing required field 'spec'");
  }

  @Test
  void documentsWithoutASpecKindAreNamedAndNotValidatedFurther() throws IOException {
    write(
        "kinds.yaml",
        """
        apiVersion: pvespan.io/v1alpha1
        metadata: {name: a}
        ---
        kind: 7
        ---
        kind: NodeMirrorPlan
        node: pve1
        """);
    Path file = dir.resolve("kinds.yaml");

    assertThat(SpecLoader.load(List.of(file)).problems())
        .map(SpecProblem::toString)
        .containsExactly(
            file
                + ":1:1: missing required field 'kind' (spec files hold Sensor, SensorGroup,"
                + " MirrorSession)",
            file
                + ":4:7: kind: unknown kind '7' (spec files hold Sensor, SensorGroup,"
                + " MirrorSession)",
            file
                + ":6:7: kind: unknown kind 'NodeMirrorPlan' (spec files hold Sensor,"
                + " SensorGroup, MirrorSession)");
  }

  @Test
  void complexMappingKeysAreASyntaxErrorWithoutParserInternals() throws IOException {
    write("key.yaml", "apiVersion: pvespan.io/v1alpha1\n? [a, b]\n: c\n");
    Path file = dir.resolve("key.yaml");

    assertThat(SpecLoader.load(List.of(file)).problems())
        .map(SpecProblem::toString)
        .containsExactly(
            file
                + ":2:4: YAML syntax error: a mapping key must be a plain name, not a mapping,"
                + " sequence or alias");
  }

  private void write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  static Sensor sensor(SpecSet specs, String name) {
    return specs.sensors().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  static MirrorSession session(SpecSet specs, String name) {
    return specs.sessions().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
