package io.flotilla.console.app;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.flotilla.engine.security.GovernedFederation;
import org.junit.jupiter.api.Test;

/** The console window's layering: view models and the event bridge stay testable without the FX toolkit. */
class ConsoleArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.flotilla.console.app");

  @Test
  void viewModelsAndTheBridgeNeverTouchControlsOrTheToolkit() {
    noClasses()
        .that().haveSimpleNameEndingWith("ViewModel")
        .or().haveSimpleName("EventBridge")
        .or().haveSimpleName("RoundRow")
        .or().haveSimpleName("LearningCurve")
        .or().haveSimpleName("ParticipantRow")
        .or().haveSimpleName("ModelVersionRow")
        .or().haveSimpleName("OperationTracker")
        .or().haveSimpleName("TimelineModel")
        .or().haveSimpleName("Viewport")
        .or().haveSimpleName("StallRecorder")
        .or().haveSimpleName("SettingsStore")
        .or().resideInAPackage("io.flotilla.console.app.history..")
        .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.application..",
            "javafx.stage..", "io.fair_acc.chartfx..", "atlantafx..")
        .check(CLASSES);
  }

  /** Besides api/spi, only the governed facade (the Federation with the operator's role checks) is allowed. */
  @Test
  void theConsoleUsesTheEngineOnlyThroughItsApi() {
    noClasses()
        .that().resideInAPackage("io.flotilla.console.app..")
        .and().resideOutsideOfPackages("io.flotilla.console.app.history..", "io.flotilla.console.app.session..",
            "io.flotilla.console.app.enrollments..")
        .should().dependOnClassesThat(resideInAPackage("io.flotilla.engine..")
            .and(not(resideInAnyPackage("io.flotilla.engine.api..", "io.flotilla.engine.spi..")))
            .and(not(equivalentTo(GovernedFederation.class))))
        .check(CLASSES);
  }

  /**
   * The governed facade is made in the enrollments package ({@code OperatorIdentity.govern}) and handed out
   * by the application class, which wires the pages; every other page sees a plain {@code Federation}.
   */
  @Test
  void onlyTheApplicationClassHandsOutTheGovernedFacade() {
    noClasses()
        .that().resideInAPackage("io.flotilla.console.app..")
        .and().resideOutsideOfPackage("io.flotilla.console.app.enrollments..")
        .and().doNotHaveFullyQualifiedName(FlotillaConsoleApp.class.getName())
        .should().dependOnClassesThat().belongToAnyOf(GovernedFederation.class)
        .check(CLASSES);
  }

  /**
   * The trust layer (roles, enrollment, CA) is used by the enrollments package only; it hands the served
   * federation's transport its security (so it may name the transport's security interface).
   */
  @Test
  void onlyTheEnrollmentsPackageTouchesTheTrustLayer() {
    noClasses()
        .that().resideInAPackage("io.flotilla.console.app.enrollments..")
        .should().dependOnClassesThat(resideInAPackage("io.flotilla.engine..")
            .and(not(resideInAnyPackage("io.flotilla.engine.api..", "io.flotilla.engine.spi..",
                "io.flotilla.engine.security..", "io.flotilla.engine.store..", "io.flotilla.engine.model..")))
            .and(not(com.tngtech.archunit.base.DescribedPredicate.describe("the transport's security interface",
                (com.tngtech.archunit.core.domain.JavaClass c) -> c.getName().equals(
                    "io.flotilla.engine.transport.TransportSecurity")))))
        .check(CLASSES);
  }

  /**
   * The stored history (model versions, audit log) is read through the engine's store, which is not part
   * of its API yet: only the session (which opens the store) and the history adapter may touch it, and
   * nothing of the engine's internals beyond the store, its audit log and the model format. The session
   * also starts the engine's gRPC coordinator server (transport) when the console serves its federation.
   */
  @Test
  void onlyTheHistoryAdapterAndTheSessionTouchTheStore() {
    noClasses()
        .that().resideInAnyPackage("io.flotilla.console.app.history..", "io.flotilla.console.app.session..")
        .should().dependOnClassesThat(resideInAPackage("io.flotilla.engine..")
            .and(not(resideInAnyPackage("io.flotilla.engine.api..", "io.flotilla.engine.spi..",
                "io.flotilla.engine.store..", "io.flotilla.engine.audit..", "io.flotilla.engine.model..",
                "io.flotilla.engine.transport.."))))
        .check(CLASSES);
  }
}
