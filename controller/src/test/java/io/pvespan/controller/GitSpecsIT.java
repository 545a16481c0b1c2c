package io.pvespan.controller;

import static io.pvespan.controller.Fakes.guest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.controller.api.ApiServer;
import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.controller.specs.GitSpecSource;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitOps end to end in the controller: specs pushed to a (local, bare) Git repository reach the
 * agents' plans, the commit in force is in the snapshot and the API, and a broken commit is refused
 * with its file:line reason while the previous commit stays applied.
 */
class GitSpecsIT {
  @TempDir Path tmp;

  private static final String SENSORS =
      """
      apiVersion: pvespan.io/v1alpha1
      kind: Sensor
      metadata: {name: ids}
      spec: {vm: {vmid: 999, nic: net0}}
      """;

  @Test
  void validCommitsReachThePlansAndABrokenOneIsRefusedWithItsReason() throws Exception {
    Path remote = tmp.resolve("specs.git");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(remote.toFile()).call().close();
    Path work = tmp.resolve("work");
    try (Git author =
        Git.cloneRepository()
            .setURI(remote.toUri().toString())
            .setDirectory(work.toFile())
            .call()) {
      author.checkout().setOrphan(true).setName("main").call();
      RevCommit c1 = commit(author, "sensors.yaml", SENSORS, "web.yaml", web("[101]"));

      var git =
          new ControllerConfig.Git(
              remote.toUri().toString(), "main", null, Duration.ZERO /* fetch at every check */);
      var source =
          new GitSpecSource(git, tmp.resolve("controller-clone"), java.time.Clock.systemUTC());
      try (Harness h =
              new Harness(
                  source,
                  Runnable::run,
                  Duration.ofSeconds(30),
                  guest(101, "pve1", "running"),
                  guest(102, "pve2", "running"));
          ApiServer api =
              ApiServer.start(new InetSocketAddress("127.0.0.1", 0), h.controller::snapshot)) {
        h.pollAndSettle();
        assertThat(h.controller.snapshot().specsCommit()).isEqualTo(c1.name());
        assertThat(mirrors(last(h, "pve1"))).containsExactly(101);

        RevCommit c2 = commit(author, "web.yaml", web("[101, 102]"));
        h.controller.checkSpecs();
        h.io.awaitIdle();
        assertThat(h.controller.snapshot().specsCommit()).isEqualTo(c2.name());
        assertThat(mirrors(last(h, "pve2"))).containsExactly(102);
        int pushesBefore = h.agent("pve2").puts.size();

        RevCommit c3 =
            commit(
                author, "web.yaml", web("[101, 102]").replace("sensorRef: ids", "sensorRef: nope"));
        h.controller.checkSpecs();
        h.io.awaitIdle();
        var s = h.controller.snapshot();
        assertThat(s.specsCommit()).isEqualTo(c2.name());
        assertThat(s.specsCommitRead()).isEqualTo(c3.name());
        assertThat(s.specErrors()).hasSize(1);
        assertThat(s.specErrors().get(0)).startsWith("web.yaml:5:").contains("nope");
        assertThat(h.agent("pve2").puts).hasSize(pushesBefore);

        JsonNode plans = get(api.port(), "/v1/plans");
        assertThat(plans.get("specsCommit").asText()).isEqualTo(c2.name());
        assertThat(plans.get("specsCommitRead").asText()).isEqualTo(c3.name());
        assertThat(plans.get("specErrors").get(0).asText()).startsWith("web.yaml:5:");
        assertThat(io.pvespan.controller.cli.StatusTablesAccess.gitSync(plans))
            .isEqualTo(
                "specs: synced to "
                    + c2.name().substring(0, 7)
                    + " (commit "
                    + c3.name().substring(0, 7)
                    + " refused: see the errors)");

        // a file over 1 MiB in a commit is refused unread, by its size
        commit(author, "web.yaml", web("[101]"), "huge.yaml", "#".repeat(1024 * 1024) + "\n");
        h.controller.checkSpecs();
        h.io.awaitIdle();
        assertThat(h.controller.snapshot().specErrors())
            .containsExactly(
                "huge.yaml:1:1: file is 1048577 bytes, over the 1 MiB limit for specs");
        assertThat(h.controller.snapshot().specsCommit()).isEqualTo(c2.name());
      }
    }
  }

  private static String web(String vmids) {
    return """
        apiVersion: pvespan.io/v1alpha1
        kind: MirrorSession
        metadata: {name: web}
        spec:
          sensorRef: ids
          sources: {vmids: VMIDS}
        """
        .replace("VMIDS", vmids);
  }

  /** Writes name/content pairs, commits and pushes them to the bare repository. */
  private static RevCommit commit(Git author, String... files) throws Exception {
    File root = author.getRepository().getWorkTree();
    for (int i = 0; i < files.length; i += 2) {
      Files.writeString(root.toPath().resolve(files[i]), files[i + 1]);
    }
    author.add().addFilepattern(".").call();
    RevCommit c =
        author.commit().setMessage("specs").setAuthor("t", "t@example.org").setSign(false).call();
    author.push().setRemote("origin").add("main").call();
    return c;
  }

  private static NodeMirrorPlan last(Harness h, String node) {
    List<NodeMirrorPlan> puts = h.agent(node).puts;
    return puts.get(puts.size() - 1);
  }

  private static List<Integer> mirrors(NodeMirrorPlan p) {
    return p.mirrors().stream().map(MirrorEntry::vmid).map(v -> v.value()).distinct().toList();
  }

  private static JsonNode get(int port, String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(r.body());
  }
}
