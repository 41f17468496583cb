package io.flotilla.sim.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads unsigned-byte IDX files, the format of MNIST (LeCun, Cortes, Burges, "The MNIST database",
 * http://yann.lecun.com/exdb/mnist/) and Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): a big-endian 32-bit
 * magic number {@code 0x000008DD} (type 0x08 = unsigned byte, DD = number of dimensions), one big-endian
 * 32-bit size per dimension, then the values. Images have magic {@code 0x00000803} (count, rows, cols),
 * labels {@code 0x00000801} (count). Files may be gzipped; that is detected from the content (gzip magic
 * 1f 8b), not the name.
 *
 * <p>Stateless; thread-safe.
 */
public final class IdxReader {

    /** Magic number of an unsigned-byte, three-dimensional IDX file (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte, one-dimensional IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /**
     * Images read from an IDX file.
     *
     * @param count number of images
     * @param rows pixel rows per image
     * @param cols pixel columns per image
     * @param pixels {@code count × rows × cols} values, image-major then row-major, scaled from 0..255 to
     *     [0, 1]; the array is owned by the caller
     */
    public record Images(int count, int rows, int cols, float[] pixels) {}

    /**
     * Reads an image file ({@code *-images-idx3-ubyte[.gz]}), scaling each unsigned byte {@code p} to
     * {@code p / 255f}.
     *
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetFormatException if the magic number is wrong, a size is invalid, or the file is
     *     truncated, has trailing bytes or is a broken gzip stream
     * @throws UncheckedIOException on other I/O errors
     */
    public static Images readImages(Path file) {
        Objects.requireNonNull(file, "file");
        try (DataInputStream in = open(file)) {
            checkMagic(file, in, IMAGES_MAGIC, "images");
            int count = readSize(file, in, "image count");
            int rows = readSize(file, in, "row count");
            int cols = readSize(file, in, "column count");
            long total = (long) count * rows * cols;
            if (total > Integer.MAX_VALUE - 8) {
                throw new DatasetFormatException(file, "header declares " + count + " images of " + rows + "×"
                        + cols + " pixels, more than one array can hold");
            }
            byte[] raw = readBody(file, in, (int) total,
                    count + " images of " + rows + "×" + cols + " pixels");
            float[] pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                pixels[i] = (raw[i] & 0xFF) / 255f;
            }
            return new Images(count, rows, cols, pixels);
        } catch (IOException e) {
            throw translate(file, e);
        }
    }

    /**
     * Reads a label file ({@code *-labels-idx1-ubyte[.gz]}) as unsigned values 0..255.
     *
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetFormatException if the magic number is wrong or the file is truncated, has trailing
     *     bytes or is a broken gzip stream
     * @throws UncheckedIOException on other I/O errors
     */
    public static int[] readLabels(Path file) {
        Objects.requireNonNull(file, "file");
        try (DataInputStream in = open(file)) {
            checkMagic(file, in, LABELS_MAGIC, "labels");
            int count = readSize(file, in, "label count");
            byte[] raw = readBody(file, in, count, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        } catch (IOException e) {
            throw translate(file, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b)
                    ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16)
                    : buffered;
            return new DataInputStream(in);
        } catch (IOException | RuntimeException e) {
            buffered.close();
            throw e;
        }
    }

    private static void checkMagic(Path file, DataInputStream in, int expected, String kind) throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            throw new DatasetFormatException(file, "truncated: only " + header.length
                    + " bytes, too short for the 4-byte IDX magic number");
        }
        int magic = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8)
                | (header[3] & 0xFF);
        if (magic != expected) {
            throw new DatasetFormatException(file, String.format(Locale.ROOT,
                    "bad magic number 0x%08X, expected 0x%08X (unsigned-byte IDX %s)", magic, expected, kind));
        }
    }

    private static int readSize(Path file, DataInputStream in, String what) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new DatasetFormatException(file, "truncated in the header while reading the " + what);
        }
        int size = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if (size < 0) {
            throw new DatasetFormatException(file, "negative " + what + " " + size + " in the header");
        }
        return size;
    }

    private static byte[] readBody(Path file, DataInputStream in, int length, String declared) throws IOException {
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new DatasetFormatException(file, "truncated: the header declares " + declared + " (" + length
                    + " bytes) but only " + body.length + " bytes follow");
        }
        if (in.read() != -1) {
            throw new DatasetFormatException(file, "trailing bytes after the " + declared
                    + " the header declares (wrong sizes in the header?)");
        }
        return body;
    }

    private static RuntimeException translate(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DatasetNotFoundException(file, "IDX file not found: " + file);
        }
        if (e instanceof ZipException || e instanceof EOFException) {
            return new DatasetFormatException(file, "broken gzip stream (" + e.getMessage() + ")", e);
        }
        return new UncheckedIOException("cannot read IDX file " + file + ": " + e.getMessage(), e);
    }
}
