package io.pvespan.controller.pve;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.pve.ClosingHttpServer.Answer;
import io.pvespan.controller.pve.ClosingHttpServer.Mode;
import io.pvespan.controller.pve.ClosingHttpServer.Request;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInFixture;
import io.pvespan.lab.standin.StandInToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Proxmox client against real servers that close connections it pooled: HTTP/1.0 servers that
 * close after every answer, and a keep-alive server that closes connections idle for 1 s, polled 5
 * s apart. Every read succeeds at its first attempt: a stale pooled connection is retried on a
 * fresh one inside that attempt, not by the back-off. The answers are the lab stand-in's, relayed.
 */
class PveClientClosedConnectionsIT {
  static final String TOKEN_TEXT = "pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666";
  static final PveClient.Retries RETRIES = new PveClient.Retries(3, Duration.ofMillis(1), 2, 0.5);

  private final HttpClient relay = HttpClient.newHttpClient();
  private ProxmoxStandIn standIn;
  private ClosingHttpServer server;

  @BeforeEach
  void start() throws IOException {
    standIn =
        ProxmoxStandIn.builder(StandInFixture.cluster(), StandInToken.parse(TOKEN_TEXT))
            .authFailureDelay(Duration.ZERO)
            .start();
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    standIn.close();
  }

  /** Answers as the stand-in answers the same request. */
  private Answer relay(Request r) {
    try {
      HttpResponse<String> resp =
          relay.send(
              HttpRequest.newBuilder(URI.create(standIn.url() + r.target()))
                  .header("Authorization", r.headers().getOrDefault("Authorization", ""))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(resp.statusCode(), resp.body());
    } catch (IOException | InterruptedException e) {
      return new Answer(502, "{\"data\":null}");
    }
  }

  private PveClient client() throws PveException {
    return new PveClient(
        PveConnection.of(server.url().toString(), PveToken.parse(TOKEN_TEXT), null), RETRIES);
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"HTTP10_CONNECTION_CLOSE", "HTTP10_NO_KEEP_ALIVE", "HTTP10_BODY_UNTIL_CLOSE"})
  void anHttp10ServerThatClosesEveryConnection(Mode mode) throws Exception {
    server = ClosingHttpServer.start(mode, Duration.ZERO, this::relay);
    try (PveClient client = client();
        PveInventorySource source = new PveInventorySource(client, 1)) {
      for (int poll = 0; poll < 3; poll++) {
        source.reset();
        assertThat(source.poll().inventory()).isEqualTo(StandInFixture.cluster().sorted());
      }
      assertThat(client.get("version").get("release").asText()).isEqualTo("9.1");
      assertThat(server.requests()).isGreaterThan(6);
      assertThat(client.requestCount()).isEqualTo(server.requests());
      assertThat(server.connections()).isEqualTo(server.requests());
    }
  }

  @Test
  void aServerThatClosesIdleConnectionsAfterOneSecondPolledFiveSecondsApart() throws Exception {
    server =
        ClosingHttpServer.start(Mode.KEEP_ALIVE_IDLE_CLOSE, Duration.ofSeconds(1), this::relay);
    try (PveClient client = client();
        PveInventorySource source = new PveInventorySource(client, 1)) {
      for (int poll = 0; poll < 3; poll++) {
        if (poll > 0) {
          Thread.sleep(5_000); // real idle time: the server closes what the client pooled
        }
        source.reset();
        assertThat(source.poll().inventory()).isEqualTo(StandInFixture.cluster().sorted());
      }
      assertThat(client.requestCount()).isEqualTo(server.requests());
      // Connections were reused within a poll and replaced between polls.
      assertThat(server.connections()).isBetween(3, server.requests() - 1);
    }
  }
}
