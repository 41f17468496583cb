package io.flotilla.sim.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Thrown when a data-set file exists but its content is not what its format promises (bad magic number,
 * truncated body, image and label counts that disagree, labels out of range). The message names the file
 * and the problem.
 *
 * <p>An {@link IllegalArgumentException}: the file handed in is an invalid argument; retrying won't help.
 */
public class DatasetFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file the offending file
     * @param problem what is wrong with it, without the file name
     */
    public DatasetFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * @param file the offending file
     * @param problem what is wrong with it, without the file name
     * @param cause the low-level error, e.g. a {@link java.util.zip.ZipException}, or {@code null}
     */
    public DatasetFormatException(Path file, String problem, Throwable cause) {
        super("corrupt data set file " + file + ": " + problem, cause);
        this.file = Objects.requireNonNull(file, "file");
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
