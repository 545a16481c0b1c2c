package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/spec-repo-example/}: its specs are valid, and its CI jobs are well-formed YAML that
 * run {@code validate} and {@code plan --diff} on the same directory.
 */
class SpecRepoExampleTest {
  private static final Path REPO = Path.of("../deploy/spec-repo-example");
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void itsSpecsAreValid() {
    var run = ValidateCommandTest.run("validate", REPO.resolve("specs").toString());
    assertThat(run.exit()).as(run.err()).isZero();
  }

  @Test
  void gitlabRunsValidateAndPlanDiffTreatingChangesAsAWarning() throws Exception {
    JsonNode ci = YAML.readTree(REPO.resolve(".gitlab-ci.yml").toFile());
    assertThat(ci.at("/validate/script/0").asText()).endsWith("validate specs/");
    assertThat(ci.at("/plan-diff/script/0").asText()).contains("plan --diff --controller");
    assertThat(ci.at("/plan-diff/allow_failure/exit_codes/0").asInt())
        .isEqualTo(PlanCommand.EXIT_CHANGES);
  }

  @Test
  void githubRunsTheSameAndTurnsExitThreeIntoANotice() throws Exception {
    JsonNode wf = YAML.readTree(REPO.resolve(".github/workflows/pvespan.yml").toFile());
    String steps = wf.at("/jobs/check/steps").toString();
    assertThat(steps)
        .contains("validate specs/")
        .contains("plan --diff --controller")
        .contains("-eq " + PlanCommand.EXIT_CHANGES);
  }
}
