package io.flotilla.sim.learn;

import java.util.Arrays;
import java.util.Objects;

/**
 * The name and shape of one parameter tensor of a {@link Model}, in PyTorch naming and layout
 * ({@code fc.weight} is {@code [out, in]}, row-major). A model's flat parameter vector is its tensors'
 * values concatenated in {@link Model#tensors()} order, so this is all a caller needs to map the vector
 * onto another layout (the engine's, a checkpoint's).
 *
 * <p>Immutable ({@code dims} is copied in and out); thread-safe.
 *
 * @param name tensor name, e.g. {@code fc1.weight}
 * @param dims dimension sizes, each &ge; 1
 */
public record TensorShape(String name, int... dims) {

    /** @throws IllegalArgumentException if the name is blank, there are no dims, or a dim is &lt; 1 */
    public TensorShape {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("tensor name must not be blank");
        }
        dims = Objects.requireNonNull(dims, "dims").clone();
        if (dims.length == 0) {
            throw new IllegalArgumentException("tensor " + name + " needs at least one dimension");
        }
        long size = 1;
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor " + name + " has dimension " + d + " < 1 in "
                        + Arrays.toString(dims));
            }
            size *= d;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor " + name + " " + Arrays.toString(dims) + " is too large");
            }
        }
    }

    /** A copy of the dimension sizes. */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Number of values: the product of the dimension sizes. */
    public int size() {
        int size = 1;
        for (int d : dims) {
            size *= d;
        }
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorShape t && name.equals(t.name) && Arrays.equals(dims, t.dims);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(dims);
    }
}
