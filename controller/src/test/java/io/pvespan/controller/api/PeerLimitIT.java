package io.pvespan.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.ControllerSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One peer address cannot take the controller API's handler threads: with {@link
 * ApiServer#MAX_PER_PEER} requests from 127.0.0.1 held in their body, one more connection from
 * 127.0.0.1 is closed at once, while another peer (127.0.0.2) is served.
 */
class PeerLimitIT {
  /** A GET announcing a 100-byte body that never comes: the request stays in progress. */
  private static Socket held(String from, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    s.getOutputStream()
        .write(
            "GET /v1/sessions HTTP/1.1\r\nHost: c\r\nContent-Length: 100\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  /** True when the server closed {@code s} without an answer within {@code ms}. */
  private static boolean closedWithoutAnswer(Socket s, int ms) throws IOException {
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
    ControllerSnapshot empty =
        new ControllerSnapshot(
            Instant.EPOCH,
            null,
            List.of(),
            null,
            null,
            null,
            0,
            0,
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            0);
    try (ApiServer api = ApiServer.start(new InetSocketAddress("127.0.0.1", 0), () -> empty)) {
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < ApiServer.MAX_PER_PEER; i++) {
          held.add(held("127.0.0.1", api.port()));
        }
        boolean closed = false;
        for (int i = 0; i < 10 && !closed; i++) {
          Socket extra = held("127.0.0.1", api.port());
          closed = closedWithoutAnswer(extra, 1_000);
          held.add(extra);
        }
        assertThat(closed).as("an extra connection from 127.0.0.1 was closed").isTrue();
        Socket another = held("127.0.0.1", api.port());
        held.add(another);
        long t0 = System.nanoTime();
        assertThat(closedWithoutAnswer(another, 2_000)).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).as("closed at once").isLessThan(1_000);

        try (Socket other = new Socket()) {
          other.bind(new InetSocketAddress("127.0.0.2", 0));
          other.connect(new InetSocketAddress("127.0.0.1", api.port()), 2_000);
          other.setSoTimeout(5_000);
          other
              .getOutputStream()
              .write(
                  "GET /healthz HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
          String answer =
              new String(other.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
          assertThat(answer).startsWith("HTTP/1.1 200").endsWith("ok\n");
        }
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }
}
