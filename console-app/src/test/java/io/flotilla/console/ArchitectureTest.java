package io.flotilla.console;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering the architecture promises: a UI-free engine, and a console that uses only its API. */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.flotilla");
  }

  @Test
  void engineAndSimulatorNeverTouchJavaFx() {
    noClasses().that().resideInAnyPackage("io.flotilla.engine..", "io.flotilla.sim..")
        .should().dependOnClassesThat().resideInAnyPackage("javafx..", "io.fair_acc..", "org.controlsfx..", "atlantafx..")
        .check(classes);
  }

  @Test
  void engineDoesNotDependOnSimulatorOrConsole() {
    noClasses().that().resideInAPackage("io.flotilla.engine..")
        .should().dependOnClassesThat().resideInAnyPackage("io.flotilla.sim..", "io.flotilla.console..")
        .check(classes);
  }

  @Test
  void consoleUsesOnlyTheEnginesPublicPackages() {
    noClasses().that().resideInAPackage("io.flotilla.console..")
        .should().dependOnClassesThat().resideInAnyPackage("io.flotilla.engine.coordinator..",
            "io.flotilla.engine.round..", "io.flotilla.engine.participant..", "io.flotilla.engine.aggregate..",
            "io.flotilla.engine.select..")
        .check(classes);
  }
}
