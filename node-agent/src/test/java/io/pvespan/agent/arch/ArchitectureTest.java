package io.pvespan.agent.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The agent's architecture, as rules that fail {@code mvn verify}: one door to the kernel (only
 * {@code kernel} spawns processes), pure planning and validation, and never the controller or the
 * lab.
 */
@AnalyzeClasses(packages = "io.pvespan.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule onlyTheKernelPackageSpawnsProcesses =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.pvespan.agent.kernel..")
          .should()
          .dependOnClassesThat()
          .belongToAnyOf(ProcessBuilder.class)
          .because("one path to the kernel: the command runner, argument lists only (STYLE.md 5)");

  @ArchTest
  static final ArchRule planningAndValidationArePure =
      noClasses()
          .that()
          .haveSimpleNameStartingWith("ConvergePlanner")
          .or()
          .haveSimpleNameStartingWith("PlanValidator")
          .or()
          .haveSimpleNameStartingWith("FilterDiff")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.net..", "com.sun.net.httpserver..", "java.nio.file..")
          .orShould()
          .dependOnClassesThat()
          .belongToAnyOf(
              ProcessBuilder.class,
              Process.class,
              java.time.Clock.class,
              io.pvespan.agent.kernel.CommandRunner.class)
          .because("what the agent does is decided by pure, table-tested code");

  @ArchTest
  static final ArchRule neverTheControllerNorTheLab =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.pvespan.controller..", "io.pvespan.lab..")
          .because("controller and node-agent never import each other; the lab is test tooling");
}
