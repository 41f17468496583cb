package io.flotilla.console.app;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Base of the TestFX tests that put one view on the primary stage (not the whole console): its stages are
 * closed after each test, and {@link #fx} runs a call on the FX thread and waits for its answer.
 */
public abstract class FxStageTest {
  @AfterEach
  void closeStages() throws Exception {
    FxToolkit.cleanupStages();
  }

  /** Runs {@code c} on the FX thread and returns its result (10 s at most). */
  protected static <T> T fx(Callable<T> c) throws Exception {
    return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
  }
}
