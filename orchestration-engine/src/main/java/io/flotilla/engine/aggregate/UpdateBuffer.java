package io.flotilla.engine.aggregate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds every delta of a round for the robust strategies that need them all at once. Deltas stay on the
 * heap (by reference: the engine never mutates an update's delta) until their total size would pass
 * {@code spillBytes}; from then on each new delta is written to a temporary file that is memory-mapped
 * for reading, so heap use stays bounded by the limit however many updates arrive. The file is opened
 * with {@code DELETE_ON_CLOSE}: on Unix it is unlinked as soon as it is opened (nothing is left behind
 * even if the process dies), elsewhere when the buffer is closed.
 *
 * <p>{@link #read} may be called from several threads at once after the last {@link #add}; {@code add}
 * and {@code close} are single-threaded.
 */
final class UpdateBuffer implements AutoCloseable {
  private final int size;
  private final long spillBytes;
  private final Path spillDir;
  private final List<float[]> onHeap = new ArrayList<>();
  private final List<FloatBuffer> mapped = new ArrayList<>();
  private final List<Boolean> isMapped = new ArrayList<>();
  private final List<Integer> slot = new ArrayList<>();
  private FileChannel channel;
  private Path spillFile;
  private long heapBytes;
  private long fileBytes;

  UpdateBuffer(int size, long spillBytes, Path spillDir) {
    this.size = size;
    this.spillBytes = spillBytes;
    this.spillDir = spillDir;
  }

  int size() {
    return size;
  }

  int count() {
    return slot.size();
  }

  boolean spilled() {
    return !mapped.isEmpty();
  }

  /** Bytes of deltas held on the heap. */
  long heapBytes() {
    return heapBytes;
  }

  /** Bytes of deltas written to the spill file. */
  long spilledBytes() {
    return fileBytes;
  }

  Path spillFile() {
    return spillFile;
  }

  void add(float[] delta) {
    if (delta.length != size) {
      throw new IllegalArgumentException("delta has " + delta.length + " parameters, model has " + size);
    }
    long bytes = 4L * size;
    if (heapBytes + bytes <= spillBytes) {
      slot.add(onHeap.size());
      isMapped.add(false);
      onHeap.add(delta);
      heapBytes += bytes;
      return;
    }
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalStateException("cannot spill a delta of " + bytes + " bytes (more than 2 GiB per update)");
    }
    try {
      if (channel == null) {
        Files.createDirectories(spillDir);
        spillFile = Files.createTempFile(spillDir, "flotilla-round-", ".spill");
        channel = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.DELETE_ON_CLOSE);
      }
      long at = fileBytes;
      ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      FloatBuffer fc = chunk.asFloatBuffer();
      long pos = at;
      for (int from = 0; from < size; from += fc.capacity()) {
        int n = Math.min(fc.capacity(), size - from);
        fc.clear();
        fc.put(delta, from, n);
        chunk.clear().limit(n * 4);
        while (chunk.hasRemaining()) {
          pos += channel.write(chunk, pos);
        }
      }
      fileBytes = pos;
      FloatBuffer view = channel.map(FileChannel.MapMode.READ_ONLY, at, bytes)
          .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      slot.add(mapped.size());
      isMapped.add(true);
      mapped.add(view);
    } catch (IOException e) {
      throw new UncheckedIOException("could not spill an update to " + spillDir, e);
    }
  }

  /** Copies elements {@code [from, from + len)} of delta {@code k} into {@code dst[off ...]}. */
  void read(int k, int from, float[] dst, int off, int len) {
    if (isMapped.get(k)) {
      mapped.get(slot.get(k)).get(from, dst, off, len);
    } else {
      System.arraycopy(onHeap.get(slot.get(k)), from, dst, off, len);
    }
  }

  @Override
  public void close() {
    onHeap.clear();
    mapped.clear();
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("could not delete spill file " + spillFile, e);
      } finally {
        channel = null;
      }
    }
  }
}
