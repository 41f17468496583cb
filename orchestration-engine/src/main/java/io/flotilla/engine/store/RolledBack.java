package io.flotilla.engine.store;

import io.flotilla.engine.model.ModelState;
import java.util.Map;

/**
 * The result of a rollback or an import: the new current version (a new version number holding the older
 * or imported parameters) and the strategy state that goes with it. Immutable.
 */
public record RolledBack(long fromVersion, long toVersion, ModelState model, Map<String, float[]> strategyState) {}
