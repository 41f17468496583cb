package io.flotilla.sim.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Thrown when a data set's directory or one of its files does not exist. The message names the missing
 * path and, where known, says how to install the data set, so a CLI can show it to the user as is.
 *
 * <p>Unchecked: a missing data set is a configuration error the caller reports, not something to retry.
 */
public class DatasetNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path missing;

    /**
     * @param missing the path that does not exist
     * @param message the full message, which should name {@code missing}
     */
    public DatasetNotFoundException(Path missing, String message) {
        super(message);
        this.missing = Objects.requireNonNull(missing, "missing");
    }

    /** The directory or file that does not exist. */
    public Path missing() {
        return missing;
    }
}
