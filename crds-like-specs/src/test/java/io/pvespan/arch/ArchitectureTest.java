package io.pvespan.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The model everything shares knows nothing of HTTP, schedulers, processes or the modules that use
 * it; only spec loading reads files.
 */
@AnalyzeClasses(packages = "io.pvespan", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule theModelHasNoIo =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.pvespan.model..",
              "io.pvespan.plan..",
              "io.pvespan.inventory..",
              "io.pvespan.status..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.net..", "com.sun.net.httpserver..", "org.quartz..", "okhttp3..")
          .orShould()
          .dependOnClassesThat()
          .belongToAnyOf(ProcessBuilder.class, Process.class, java.time.Clock.class);

  /** The records never touch files; their JSON codecs ({@code *Json}) may read a saved file. */
  @ArchTest
  static final ArchRule onlyCodecsReadFiles =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.pvespan.model..",
              "io.pvespan.plan..",
              "io.pvespan.inventory..",
              "io.pvespan.status..")
          .and()
          .haveSimpleNameNotEndingWith("Json")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("java.nio.file..");

  @ArchTest
  static final ArchRule theModelUsesNoModuleAboveIt =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.pvespan.controller..", "io.pvespan.agent..", "io.pvespan.lab..");
}
