package io.flotilla.console.app;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Base of the TestFX tests that start the whole console in a test: the application a test sets up, closed
 * with its stages after each test, and a call on the FX thread that waits for its answer.
 */
abstract class ConsoleAppTest extends FxRobot {
  /** The console a test started (set it from {@code FxToolkit.setupApplication}); closed after each test. */
  protected FlotillaConsoleApp app;

  @AfterEach
  void closeConsole() throws Exception {
    if (app != null) {
      FxToolkit.cleanupApplication(app);
    }
    FxToolkit.cleanupStages();
  }

  /**
   * Waits until the console has settled after loading ({@link FlotillaConsoleApp#settled}): its pages are
   * warmed in pulses while it loads, which changes the page holder's children, and TestFX looks nodes up
   * off the FX thread.
   */
  protected void awaitSettled() {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> fx(() -> app.settled()));
  }

  /**
   * Shows page {@code p} and waits until it is on screen: a switch takes two pulses (the page joins hidden,
   * then replaces the old one), and TestFX looks nodes up off the FX thread.
   */
  protected void showPage(io.flotilla.console.app.console.Page p) throws Exception {
    fx(() -> {
      app.viewModel().show(p);
      return null;
    });
    awaitSwitched(app);
  }

  /** Waits until no page switch of {@code console} is between its two pulses (after a click on the rail). */
  static void awaitSwitched(FlotillaConsoleApp console) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> fx(() -> !console.consoleView().switching()));
  }

  /** Runs {@code c} on the FX thread and returns its result (30 s at most). */
  protected static <T> T fx(Callable<T> c) throws Exception {
    return WaitForAsyncUtils.asyncFx(c).get(30, TimeUnit.SECONDS);
  }
}
