package io.flotilla.engine.store;

import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.SafetensorsException;
import io.flotilla.engine.model.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Model parameters as content-addressed safetensors files, {@code <folder>/<sha256>.safetensors}, named by
 * the model's identity hash ({@link ModelState#sha256()}: layout and parameter bits). Writes go through a
 * temporary file that is fsynced and atomically renamed, then the folder is fsynced, so a blob either
 * exists whole or not at all; reads recompute the hash and refuse a blob that does not match. Stateless
 * apart from its folder; thread-safe (same-hash writers produce the same bytes).
 */
public final class ModelBlobStore {
  private static final Pattern BLOB = Pattern.compile("[0-9a-f]{64}\\.safetensors");

  private final Path dir;

  public ModelBlobStore(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("cannot create model folder " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path folder() {
    return dir;
  }

  public Path pathOf(String sha256) {
    return dir.resolve(sha256 + ".safetensors");
  }

  /**
   * Writes {@code model}'s parameters durably (unless a blob of the same hash and size is already there)
   * and returns its hash. The blob carries no version number, so equal parameters share one file.
   */
  public String write(ModelState model) {
    String sha = model.sha256();
    Path p = pathOf(sha);
    SafetensorsFile f = SafetensorsFile.of(model, Map.of("format", "flotilla-blob", "layout", model.layout().canonical()));
    try {
      if (Files.isRegularFile(p) && Files.size(p) == f.encodedSize()) {
        return sha;
      }
      f.write(p);
      return sha;
    } catch (IOException e) {
      throw new StoreException("cannot write model blob " + p + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads blob {@code sha256} as version {@code version}, verifying its hash.
   *
   * @throws StoreException naming the blob when it is missing, unreadable or does not match its hash
   */
  public ModelState read(String sha256, long version) {
    Path p = pathOf(sha256);
    SafetensorsFile f;
    try {
      f = SafetensorsFile.read(p);
    } catch (SafetensorsException e) {
      throw new StoreException("model blob of version " + version + " is unusable: " + e.getMessage(), e);
    }
    ModelState m = f.toModel(version);
    if (!m.sha256().equals(sha256)) {
      throw new StoreException("model blob " + p + " of version " + version + " is corrupt: its content hashes to "
          + m.sha256() + ", expected " + sha256);
    }
    return m;
  }

  /** Verifies blob {@code sha256}; returns a problem description, or null when it is sound. */
  public String check(String sha256) {
    try {
      read(sha256, 0);
      return null;
    } catch (StoreException e) {
      return e.getMessage();
    }
  }

  public boolean exists(String sha256) {
    return Files.isRegularFile(pathOf(sha256));
  }

  /** Deletes a blob (after the transaction that stopped referencing it committed). */
  public void delete(String sha256) {
    try {
      Files.deleteIfExists(pathOf(sha256));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Removes leftovers of interrupted writes (temporary files) and blobs no committed row references (written
   * before a crash that came ahead of their transaction). Returns the names removed.
   */
  public List<String> sweep(Set<String> referenced) {
    List<String> removed = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        boolean tmp = n.startsWith(".") && n.endsWith(".tmp");
        boolean orphan = BLOB.matcher(n).matches() && !referenced.contains(n.substring(0, 64));
        if (tmp || orphan) {
          Files.deleteIfExists(p);
          removed.add(n);
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot sweep model folder " + dir + ": " + e.getMessage(), e);
    }
    return removed;
  }
}
