package io.pvespan.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.agent.fakes.AgentHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and one-line messages of {@code ./pvespan agent}. */
class AgentMainIT {
  @TempDir Path tmp;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private int exitCode(String... args) {
    try {
      AgentRuntime runtime =
          AgentMain.start(args, KernelPorts.UNWIRED, new PrintStream(out), new PrintStream(err));
      if (runtime != null) {
        runtime.close();
      }
      return 0;
    } catch (AgentMain.Exit e) {
      return e.code;
    }
  }

  private String errLine() {
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text.strip()).doesNotContain("\n").doesNotContain("Exception");
    return text.strip();
  }

  private String[] args(Path token, String listen) {
    return new String[] {
      "--node",
      "pve1",
      "--listen",
      listen,
      "--state-dir",
      tmp.resolve("state").toString(),
      "--token-file",
      token.toString(),
      "--insecure-lab-http"
    };
  }

  @Test
  void usageMistakeIsExit2() {
    assertThat(exitCode("--node", "pve1")).isEqualTo(2);
    assertThat(errLine()).startsWith("pvespan agent: --listen is required");
  }

  @Test
  void withoutTlsOrTheLabFlagTheAgentDoesNotStart() throws Exception {
    String[] lab = args(AgentHarness.tokenFile(tmp), "127.0.0.1:0");
    String[] noFlag = java.util.Arrays.copyOf(lab, lab.length - 1);
    assertThat(exitCode(noFlag)).isEqualTo(2);
    assertThat(errLine())
        .startsWith("pvespan agent: no TLS: give --tls-cert, --tls-key and --tls-ca")
        .contains("--insecure-lab-http");
  }

  @Test
  void helpIsExit0OnStdout() {
    assertThat(exitCode("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: ./pvespan agent");
  }

  @Test
  void tokenFileReadableByOthersIsExit1() throws Exception {
    Path token = AgentHarness.tokenFile(tmp);
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(exitCode(args(token, "127.0.0.1:0"))).isEqualTo(1);
    assertThat(errLine()).contains("chmod 600");
  }

  @Test
  void missingTokenFileIsExit1() {
    assertThat(exitCode(args(tmp.resolve("absent"), "127.0.0.1:0"))).isEqualTo(1);
    assertThat(errLine()).contains("does not exist");
  }

  @Test
  void portInUseIsExit1() throws Exception {
    Path token = AgentHarness.tokenFile(tmp);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(exitCode(args(token, "127.0.0.1:" + taken.getLocalPort()))).isEqualTo(1);
      assertThat(errLine()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void kernelLayerFailureIsExit1InOneLine() throws Exception {
    Path token = AgentHarness.tokenFile(tmp);
    KernelPorts broken =
        new KernelPorts() {
          @Override
          public io.pvespan.agent.engine.Converger converger(AgentOptions options) {
            throw new IllegalStateException("/usr/sbin/tc is missing");
          }

          @Override
          public io.pvespan.agent.engine.KernelEvents events(AgentOptions options) {
            throw new AssertionError("not reached");
          }
        };
    int code;
    try {
      AgentMain.start(
          args(token, "127.0.0.1:0"), broken, new PrintStream(out), new PrintStream(err));
      code = 0;
    } catch (AgentMain.Exit e) {
      code = e.code;
    }
    assertThat(code).isEqualTo(1);
    assertThat(errLine()).isEqualTo("pvespan agent: kernel layer: /usr/sbin/tc is missing");
  }

  @Test
  void startsAndStopsWithGoodOptions() throws Exception {
    Path token = AgentHarness.tokenFile(tmp);
    assertThat(exitCode(args(token, "127.0.0.1:0"))).isZero();
    assertThatThrownBy(() -> Files.readString(tmp.resolve("state").resolve("plan.json")))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }
}
