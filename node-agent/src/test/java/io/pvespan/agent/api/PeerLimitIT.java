package io.pvespan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.agent.fakes.AgentHarness;
import io.pvespan.agent.fakes.Plans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One peer address cannot take the agent's handler threads: with {@link ApiServer#MAX_PER_PEER}
 * authenticated plan pushes from 127.0.0.1 held in their body (slowloris with a credential), one
 * more connection from 127.0.0.1 is closed at once, while another peer (127.0.0.2) gets {@code
 * /healthz} and a plan push through, and 127.0.0.1 is served again once its connections end.
 */
class PeerLimitIT {
  @TempDir Path tmp;

  /** A PUT whose headers are complete and whose 100-byte body never comes. */
  private static Socket heldPush(String from, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    s.getOutputStream()
        .write(
            ("PUT /v1/plan HTTP/1.1\r\nHost: agent\r\nAuthorization: Bearer "
                    + AgentHarness.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  /** True when the server closed {@code s} without an answer within {@code ms}. */
  static boolean closedWithoutAnswer(Socket s, int ms) throws IOException {
    s.setSoTimeout(ms);
    InputStream in = s.getInputStream();
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Test
  void excessConnectionsFromOnePeerAreClosedAtOnceAndOtherPeersAreServed() throws Exception {
    try (AgentHarness agent = AgentHarness.start(tmp.resolve("state"), tmp)) {
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < ApiServer.MAX_PER_PEER; i++) {
          held.add(heldPush("127.0.0.1", agent.port()));
        }
        // The held ones reach their handler asynchronously: the first extra connection that is
        // closed shows the cap is full (one that is not is held too, and counted from then on).
        boolean closed = false;
        for (int i = 0; i < 10 && !closed; i++) {
          Socket extra = heldPush("127.0.0.1", agent.port());
          closed = closedWithoutAnswer(extra, 1_000);
          held.add(extra);
        }
        assertThat(closed).as("an extra connection from 127.0.0.1 was closed").isTrue();
        Socket another = heldPush("127.0.0.1", agent.port());
        held.add(another);
        long t0 = System.nanoTime();
        assertThat(closedWithoutAnswer(another, 2_000)).isTrue();
        long closedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(closedMs).as("closed at once").isLessThan(1_000);

        try (Socket other = new Socket()) {
          other.bind(new InetSocketAddress("127.0.0.2", 0));
          other.connect(new InetSocketAddress("127.0.0.1", agent.port()), 2_000);
          other.setSoTimeout(5_000);
          other
              .getOutputStream()
              .write(
                  "GET /healthz HTTP/1.1\r\nHost: agent\r\nConnection: close\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
          String answer =
              new String(other.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
          assertThat(answer).startsWith("HTTP/1.1 200").endsWith("ok\n");
        }
        try (Socket other = new Socket()) {
          other.bind(new InetSocketAddress("127.0.0.2", 0));
          other.connect(new InetSocketAddress("127.0.0.1", agent.port()), 2_000);
          other.setSoTimeout(5_000);
          byte[] plan = Plans.json(Plans.simple(1)).getBytes(StandardCharsets.UTF_8);
          other
              .getOutputStream()
              .write(
                  ("PUT /v1/plan HTTP/1.1\r\nHost: agent\r\nConnection: close\r\nAuthorization:"
                          + " Bearer "
                          + AgentHarness.TOKEN
                          + "\r\nContent-Length: "
                          + plan.length
                          + "\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
          other.getOutputStream().write(plan);
          String answer =
              new String(other.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
          assertThat(answer).startsWith("HTTP/1.1 202");
        }
        System.out.printf(
            "PeerLimitIT (agent): %d held from 127.0.0.1, one more closed in %d ms; 127.0.0.2"
                + " served%n",
            ApiServer.MAX_PER_PEER, closedMs);
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
      AgentHarness.await(
          "127.0.0.1 served again",
          () -> {
            try {
              return agent.get("/healthz", false).statusCode() == 200;
            } catch (Exception e) {
              return false;
            }
          });
    }
  }
}
