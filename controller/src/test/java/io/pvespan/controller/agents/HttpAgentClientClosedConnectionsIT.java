package io.pvespan.controller.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.pve.ClosingHttpServer;
import io.pvespan.controller.pve.ClosingHttpServer.Answer;
import io.pvespan.controller.pve.ClosingHttpServer.Mode;
import io.pvespan.controller.pve.ClosingHttpServer.Request;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.NodeMirrorStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent client's GET and PUT against real servers that close connections it pooled: HTTP/1.0
 * servers closing after every answer, and a keep-alive server closing connections idle for 1 s,
 * called 5 s apart. Every call gets its answer: no push is reported failed, no status is missed.
 */
class HttpAgentClientClosedConnectionsIT {
  private static final String TOKEN = "tok";
  private final AtomicLong applied = new AtomicLong();
  private ClosingHttpServer server;

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /** A minimal agent: PUT /v1/plan takes the generation, GET /v1/status reports it. */
  private Answer agent(Request r) {
    try {
      return answer(r);
    } catch (IOException e) {
      return new Answer(400, "{\"error\":\"invalid plan\"}");
    }
  }

  private Answer answer(Request r) throws IOException {
    if (!("Bearer " + TOKEN).equals(r.headers().get("Authorization"))) {
      return new Answer(401, "{\"error\":\"unauthorized\"}");
    }
    if (r.method().equals("PUT") && r.target().equals("/v1/plan")) {
      NodeMirrorPlan plan = PlanJson.MAPPER.readValue(r.body(), NodeMirrorPlan.class);
      applied.set(plan.generation());
      return new Answer(
          202,
          "{\"changed\":true,\"generation\":"
              + plan.generation()
              + ",\"digest\":\""
              + plan.digest()
              + "\"}");
    }
    if (r.method().equals("GET") && r.target().equals("/v1/status")) {
      return new Answer(
          200,
          PlanJson.write(
              new NodeMirrorStatus(
                  null, null, "pve1", applied.get(), null, null, null, null, null, null)));
    }
    return new Answer(404, "{\"error\":\"not found\"}");
  }

  private static HttpAgentClient client() {
    return new HttpAgentClient(TOKEN, new AgentTls(null, null, false), Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"HTTP10_CONNECTION_CLOSE", "HTTP10_NO_KEEP_ALIVE", "HTTP10_BODY_UNTIL_CLOSE"})
  void anHttp10AgentThatClosesEveryConnection(Mode mode) throws Exception {
    server = ClosingHttpServer.start(mode, Duration.ZERO, this::agent);
    HttpAgentClient client = client();
    for (long generation = 1; generation <= 4; generation++) {
      assertThat(client.push(server.url(), NodeMirrorPlan.empty("pve1", generation)))
          .isEqualTo(new PushOutcome.Applied());
      assertThat(client.status(server.url(), "pve1").appliedGeneration()).isEqualTo(generation);
    }
    assertThat(server.requests()).isEqualTo(8);
    assertThat(server.connections()).isEqualTo(8);
  }

  @Test
  void anAgentThatClosesIdleConnectionsAfterOneSecondCalledFiveSecondsApart() throws Exception {
    server =
        ClosingHttpServer.start(Mode.KEEP_ALIVE_IDLE_CLOSE, Duration.ofSeconds(1), this::agent);
    HttpAgentClient client = client();
    for (long generation = 1; generation <= 3; generation++) {
      if (generation > 1) {
        Thread.sleep(5_000); // real idle time: the agent closes what the client pooled
      }
      assertThat(client.push(server.url(), NodeMirrorPlan.empty("pve1", generation)))
          .isEqualTo(new PushOutcome.Applied());
      assertThat(client.status(server.url(), "pve1").appliedGeneration()).isEqualTo(generation);
    }
    assertThat(server.requests()).isEqualTo(6);
    // The PUT and the GET of one round share a connection; each round needs a new one.
    assertThat(server.connections()).isEqualTo(3);
  }
}
