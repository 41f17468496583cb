package io.flotilla.sim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path dir;

    /** An IDX file: magic, sizes, then {@code body}. */
    static byte[] idx(int magic, int[] sizes, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int s : sizes) {
                out.writeInt(s);
            }
            out.write(body);
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    private static byte[] pixels(int count, int rows, int cols) {
        byte[] b = new byte[count * rows * cols];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    @Test
    void readsPlainAndGzippedImagesScaledToUnitInterval() throws IOException {
        byte[] content = idx(0x803, new int[] {2, 2, 3}, new byte[] {0, (byte) 255, (byte) 128, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        for (boolean gzip : new boolean[] {false, true}) {
            Path f = write(dir.resolve("img" + gzip), content, gzip);
            IdxReader.Images images = IdxReader.readImages(f);
            assertThat(images.count()).isEqualTo(2);
            assertThat(images.rows()).isEqualTo(2);
            assertThat(images.cols()).isEqualTo(3);
            assertThat(images.pixels()).hasSize(12);
            assertThat(images.pixels()[0]).isZero();
            assertThat(images.pixels()[1]).isEqualTo(1f);
            assertThat(images.pixels()[2]).isCloseTo(128 / 255f, within(1e-7f));
        }
    }

    @Test
    void readsLabelsAsUnsignedBytes() throws IOException {
        Path f = write(dir.resolve("labels.gz"), idx(0x801, new int[] {3}, new byte[] {0, 9, (byte) 200}), true);
        assertThat(IdxReader.readLabels(f)).containsExactly(0, 9, 200);
    }

    @Test
    void rejectsWrongMagicNamingFileAndValues() throws IOException {
        Path f = write(dir.resolve("swapped"), idx(0x801, new int[] {1}, new byte[] {0}), false);
        assertThatThrownBy(() -> IdxReader.readImages(f))
                .isInstanceOf(DatasetFormatException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("0x00000801")
                .hasMessageContaining("0x00000803");
    }

    @Test
    void rejectsTruncatedBodyHeaderAndTrailingBytes() throws IOException {
        Path shortBody = write(dir.resolve("short.gz"), idx(0x803, new int[] {3, 2, 2}, new byte[7]), true);
        assertThatThrownBy(() -> IdxReader.readImages(shortBody))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("12 bytes")
                .hasMessageContaining("only 7");
        Path shortHeader = write(dir.resolve("hdr"), new byte[] {0, 0, 8, 3, 0, 0}, false);
        assertThatThrownBy(() -> IdxReader.readImages(shortHeader)).hasMessageContaining("truncated");
        Path tiny = write(dir.resolve("tiny"), new byte[] {0, 0}, false);
        assertThatThrownBy(() -> IdxReader.readLabels(tiny)).hasMessageContaining("magic");
        Path trailing = write(dir.resolve("trailing"), idx(0x801, new int[] {2}, new byte[3]), false);
        assertThatThrownBy(() -> IdxReader.readLabels(trailing)).hasMessageContaining("trailing");
    }

    @Test
    void rejectsBrokenGzipStream() throws IOException {
        byte[] gz = gzip(idx(0x801, new int[] {1000}, new byte[1000]));
        Path cut = write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2), false);
        assertThatThrownBy(() -> IdxReader.readLabels(cut))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(cut.toString());
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private void writeSplit(String prefix, int images, int labels, boolean gzip, int rows) throws IOException {
        String ext = gzip ? ".gz" : "";
        write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), idx(0x803, new int[] {images, rows, 28},
                pixels(images, rows, 28)), gzip);
        byte[] ys = new byte[labels];
        for (int i = 0; i < labels; i++) {
            ys[i] = (byte) (i % 10);
        }
        write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), idx(0x801, new int[] {labels}, ys), gzip);
    }

    @Test
    void loadsTrainFromGzAndTestFromPlainFiles() throws IOException {
        writeSplit("train", 3, 3, true, 28);
        writeSplit("t10k", 2, 2, false, 28);
        Dataset train = FashionMnist.load(dir, true);
        Dataset test = FashionMnist.load(dir, false);
        assertThat(train.size()).isEqualTo(3);
        assertThat(train.features()).isEqualTo(784);
        assertThat(train.classes()).isEqualTo(10);
        assertThat(train.y()).containsExactly(0, 1, 2);
        assertThat(train.x()[1]).isEqualTo(7 / 255f);
        assertThat(test.size()).isEqualTo(2);
    }

    @Test
    void countMismatchBetweenImagesAndLabelsIsReported() throws IOException {
        writeSplit("train", 3, 2, false, 28);
        assertThatThrownBy(() -> FashionMnist.load(dir, true))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("2 labels")
                .hasMessageContaining("3 images");
    }

    @Test
    void wrongImageSizeAndLabelRangeAreReported() throws IOException {
        writeSplit("train", 1, 1, false, 27);
        assertThatThrownBy(() -> FashionMnist.load(dir, true)).hasMessageContaining("27×28");
        write(dir.resolve("t10k-images-idx3-ubyte"), idx(0x803, new int[] {1, 28, 28}, pixels(1, 28, 28)), false);
        write(dir.resolve("t10k-labels-idx1-ubyte"), idx(0x801, new int[] {1}, new byte[] {10}), false);
        assertThatThrownBy(() -> FashionMnist.load(dir, false)).hasMessageContaining("label 10");
    }

    @Test
    void missingDirectoryOrFileNamesThePathAndHowToInstall() throws IOException {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> FashionMnist.load(missing, true))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("install it with: apt-get install dataset-fashion-mnist, "
                        + "or pass --dataset fashion-mnist:PATH")
                .satisfies(e -> assertThat(((DatasetNotFoundException) e).missing()).isEqualTo(missing));
        writeSplit("train", 1, 1, true, 28);
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        assertThatThrownBy(() -> FashionMnist.load(dir, true))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("train-labels-idx1-ubyte")
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
        assertThatThrownBy(() -> IdxReader.readLabels(dir.resolve("absent")))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("absent");
    }

    @Test
    void loadsTheInstalledDataSetWhenPresent() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Dataset test = FashionMnist.load(false);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.labelHistogram()).containsOnly(1_000L);
        Dataset train = FashionMnist.load(true);
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(train.labelHistogram()).containsOnly(6_000L);
        float max = 0;
        for (float v : train.x()) {
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
    }
}
