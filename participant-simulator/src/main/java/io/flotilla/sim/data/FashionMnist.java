package io.flotilla.sim.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Loads Fashion-MNIST (Xiao, Rasul, Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking
 * Machine Learning Algorithms", arXiv:1708.07747, 2017): 60,000 training and 10,000 test 28×28 grey images
 * in 10 classes, as the IDX files {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]}. Each image
 * becomes one row of 784 features in [0, 1] (row-major pixels).
 *
 * <p>Stateless; thread-safe.
 */
public final class FashionMnist {

    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** 28 × 28 pixels. */
    public static final int FEATURES = 28 * 28;
    /** Number of classes. */
    public static final int CLASSES = 10;

    private static final String INSTALL_HINT =
            "install it with: apt-get install dataset-fashion-mnist, or pass --dataset fashion-mnist:PATH";

    private FashionMnist() {}

    /**
     * Loads the training split ({@code train-*}, 60,000 samples) or the test split ({@code t10k-*}, 10,000
     * samples) from {@code dir}, preferring the gzipped file when both forms exist.
     *
     * @throws DatasetNotFoundException if {@code dir} or a file is missing; the message names the path and
     *     how to install the data set
     * @throws DatasetFormatException if a file is corrupt, the images are not 28×28, the image and label
     *     counts differ, or a label is not in 0..9
     */
    public static Dataset load(Path dir, boolean train) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new DatasetNotFoundException(dir, "Fashion-MNIST directory not found: " + dir + "; " + INSTALL_HINT);
        }
        String prefix = train ? "train" : "t10k";
        Path imagesFile = find(dir, prefix + "-images-idx3-ubyte");
        Path labelsFile = find(dir, prefix + "-labels-idx1-ubyte");
        IdxReader.Images images = IdxReader.readImages(imagesFile);
        if (images.rows() * images.cols() != FEATURES) {
            throw new DatasetFormatException(imagesFile, "images are " + images.rows() + "×" + images.cols()
                    + ", Fashion-MNIST images are 28×28");
        }
        int[] labels = IdxReader.readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new DatasetFormatException(labelsFile, "holds " + labels.length + " labels but "
                    + imagesFile.getFileName() + " holds " + images.count() + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= CLASSES) {
                throw new DatasetFormatException(labelsFile, "label " + labels[i] + " of sample " + i
                        + " is outside 0.." + (CLASSES - 1));
            }
        }
        return Dataset.adopt(images.pixels(), labels, FEATURES, CLASSES);
    }

    /** {@link #load(Path, boolean)} from {@link #DEFAULT_DIR}. */
    public static Dataset load(boolean train) {
        return load(DEFAULT_DIR, train);
    }

    private static Path find(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new DatasetNotFoundException(gz, "Fashion-MNIST file not found: " + gz + " (nor " + plain.getFileName()
                + "); " + INSTALL_HINT);
    }
}
