package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.plan.PlanJson;
import org.junit.jupiter.api.Test;

/** What makes {@code ./pvespan status} exit 3, from API answers: no I/O. */
class StatusVerdictTest {
  private static JsonNode json(String text) throws Exception {
    return PlanJson.MAPPER.readTree(text.replace('\'', '"'));
  }

  private static String session(String name, String ready, String reason, String degraded) {
    return "{'name':'"
        + name
        + "','conditions':[{'type':'Ready','status':'"
        + ready
        + "','reason':'"
        + reason
        + "'},{'type':'Degraded','status':'"
        + degraded
        + "','reason':'AgentUnreachable'}]}";
  }

  private static final String NO_PROBLEMS =
      "{'specErrors':[],'plannerErrors':[],'inventoryError':null}";

  @Test
  void everythingReadyIsEmpty() throws Exception {
    assertThat(
            StatusVerdict.notReady(
                json("[" + session("web", "True", "Applied", "False") + "]"),
                json("[{'node':'pve1','ready':{'status':'True','reason':'AgentReady'}}]"),
                json(NO_PROBLEMS)))
        .isEmpty();
  }

  @Test
  void pausedAndNothingSelectedAreNotProblems() throws Exception {
    assertThat(
            StatusVerdict.notReady(
                json(
                    "["
                        + session("off", "False", "Paused", "False")
                        + ","
                        + session("none", "False", "NoSourcesSelected", "False")
                        + "]"),
                json("[]"),
                json(NO_PROBLEMS)))
        .isEmpty();
  }

  @Test
  void everyDegradedSessionUnreadyNodeAndErrorIsNamed() throws Exception {
    assertThat(
            StatusVerdict.notReady(
                json(
                    "["
                        + session("web", "False", "PlanNotApplied", "True")
                        + ","
                        + session("db", "True", "Applied", "True")
                        + "]"),
                json(
                    "[{'node':'pve1','ready':{'status':'False','reason':'AgentUnreachable'}},"
                        + "{'node':'pve2','ready':{'status':'Unknown','reason':'NoStatusYet'}},"
                        + "{'node':'pve3','ready':{'status':'True','reason':'AgentReady'}}]"),
                json(
                    "{'specErrors':['a:1:1: x','b:2:2: y'],'plannerErrors':['p'],"
                        + "'inventoryError':'refused'}")))
        .containsExactly(
            "session web (PlanNotApplied)",
            "session web (Degraded: AgentUnreachable)",
            "session db (Degraded: AgentUnreachable)",
            "node pve1 (AgentUnreachable)",
            "node pve2 (NoStatusYet)",
            "2 spec errors",
            "1 planner error",
            "inventory (refused)");
  }
}
