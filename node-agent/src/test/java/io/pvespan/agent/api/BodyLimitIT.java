package io.pvespan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.fakes.AgentHarness;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MB body gets 413 without the agent reading it: over a raw socket so the test sees exactly
 * what the server answers while the client is still sending.
 */
class BodyLimitIT {
  private static final long HUNDRED_MB = 100L * 1024 * 1024;
  @TempDir Path tmp;
  private AgentHarness agent;

  @BeforeEach
  void start() throws Exception {
    agent = AgentHarness.start(tmp.resolve("state"), tmp);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  /** Sends headers, then streams {@code HUNDRED_MB} in the background; returns the status line. */
  private String upload(String framingHeader, boolean chunked, AtomicLong sent) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", agent.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT /v1/plan HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + AgentHarness.TOKEN
                  + "\r\nContent-Type: application/json\r\n"
                  + framingHeader
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread writer = new Thread(() -> stream(out, chunked, sent));
      writer.setDaemon(true);
      writer.start();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String status = in.readLine();
      writer.join(20_000);
      return status;
    }
  }

  private static void stream(OutputStream out, boolean chunked, AtomicLong sent) {
    byte[] block = new byte[64 * 1024];
    java.util.Arrays.fill(block, (byte) ' ');
    try {
      while (sent.get() < HUNDRED_MB) {
        if (chunked) {
          out.write(
              (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.write(block);
        if (chunked) {
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        sent.addAndGet(block.length);
      }
    } catch (IOException e) {
      // The agent closed the connection: exactly what should happen.
    }
  }

  @Test
  void declaredHundredMegabytesIs413BeforeReading() throws Exception {
    AtomicLong sent = new AtomicLong();
    String status = upload("Content-Length: " + HUNDRED_MB, false, sent);
    assertThat(status).startsWith("HTTP/1.1 413");
    assertThat(sent.get()).isLessThan(HUNDRED_MB);
    assertThat(agent.converger.calls()).isZero();
  }

  @Test
  void chunkedHundredMegabytesIs413WhenPassingTheLimit() throws Exception {
    AtomicLong sent = new AtomicLong();
    String status = upload("Transfer-Encoding: chunked", true, sent);
    assertThat(status).startsWith("HTTP/1.1 413");
    assertThat(sent.get()).isLessThan(HUNDRED_MB);
    assertThat(agent.converger.calls()).isZero();
  }
}
