package io.pvespan.controller.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The controller's architecture, as rules that fail {@code mvn verify}: the planner is a pure
 * function (no HTTP, scheduler, processes, files or clock), the controller never reaches into the
 * agent or the lab, and a package's {@code internal} is its own.
 */
@AnalyzeClasses(
    packages = "io.pvespan.controller",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule plannerIsPure =
      noClasses()
          .that()
          .resideInAPackage("io.pvespan.controller.planner..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "okhttp3..",
              "org.quartz..",
              "io.github.resilience4j..",
              "java.net..",
              "com.sun.net.httpserver..",
              "java.nio.file..",
              "io.pvespan.controller.pve..",
              "io.pvespan.controller.agents..",
              "io.pvespan.controller.api..",
              "io.pvespan.controller.cli..",
              "io.pvespan.controller.config..",
              "io.pvespan.controller.daemon..",
              "io.pvespan.controller.reconcile..",
              "io.pvespan.controller.state..")
          .orShould()
          .dependOnClassesThat()
          .belongToAnyOf(ProcessBuilder.class, Process.class, java.time.Clock.class, Thread.class)
          .because("the planner is a pure function of specs and inventory (STYLE.md 1, 4)");

  @ArchTest
  static final ArchRule neverTheAgentNorTheLab =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.pvespan.agent..", "io.pvespan.lab..")
          .because("controller and node-agent never import each other; the lab is test tooling");

  @ArchTest
  static final ArchRule internalsStayInside =
      classes()
          .that()
          .resideInAPackage("io.pvespan.controller.pve.internal..")
          .should()
          .onlyBeAccessed()
          .byAnyPackage("io.pvespan.controller.pve..");

  @ArchTest
  static final ArchRule onlyHighAvailabilityTouchesTheDatabase =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.pvespan.controller.ha..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.sql..", "javax.sql..", "org.postgresql..", "com.zaxxer..")
          .because(
              "the database is high availability's alone; the reconcile sees it only as a"
                  + " GenerationLedger");

  @ArchTest
  static final ArchRule onlyTheKernelSpawnsProcesses =
      noClasses()
          .should()
          .dependOnClassesThat()
          .belongToAnyOf(ProcessBuilder.class)
          .because("the controller runs no processes");
}
