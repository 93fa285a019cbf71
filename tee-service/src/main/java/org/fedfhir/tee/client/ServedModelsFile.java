package org.fedfhir.tee.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code fedfhir.models} file: which model digest the TEE serves for which study. The aggregator
 * writes it after provisioning ({@code ./fedfhir aggregator --tee-models-file FILE}); a hospital
 * reads it ({@code ./fedfhir hospital --tee-models FILE}) and re-reads it whenever it changes, so a
 * running hospital picks up a model provisioned after it started.
 *
 * <p>Format: UTF-8 text, one model per line, {@code #} starts a comment; five fields separated by
 * spaces: {@code study(url|version) modelDigest siteCount round measurement}. A later line for the
 * same study replaces an earlier one. Holds no weights: digests only.
 */
public final class ServedModelsFile {

  static final String HEADER = "# FedFHIR models served by the TEE model service"
      + " (written by the aggregator after provisioning)\n"
      + "# study(url|version) modelDigest(SHA-256) siteCount round measurement\n";

  private final Path file;
  private volatile Snapshot snapshot;

  private record Snapshot(FileTime modified, long size, Map<String, ServedModel> models) {}

  public ServedModelsFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  /** The model served for {@code study} ({@code url|version}), re-reading the file if it changed. */
  public Optional<ServedModel> forStudy(String study) {
    return Optional.ofNullable(current().get(study));
  }

  /** Every model in the file (current contents). */
  public Collection<ServedModel> all() {
    return current().values();
  }

  private Map<String, ServedModel> current() {
    try {
      if (!Files.exists(file)) {
        return Map.of();
      }
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      Snapshot s = snapshot;
      if (s != null && s.modified().equals(modified) && s.size() == size) {
        return s.models();
      }
      Map<String, ServedModel> models = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
      snapshot = new Snapshot(modified, size, models);
      return models;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the models file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the file's lines; a malformed line is refused with its number. */
  public static Map<String, ServedModel> parse(List<String> lines) {
    Map<String, ServedModel> models = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length != 5) {
        throw new IllegalArgumentException("models file line " + (i + 1) + ": " + f.length
            + " fields; need study modelDigest siteCount round measurement");
      }
      try {
        ServedModel m = new ServedModel(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4]);
        models.put(m.study(), m);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("models file line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return Map.copyOf(models);
  }

  /** The file's text for {@code models}. */
  public static String format(Collection<ServedModel> models) {
    StringBuilder b = new StringBuilder(HEADER);
    for (ServedModel m : models) {
      b.append(m.study()).append(' ').append(m.modelDigest()).append(' ').append(m.siteCount()).append(' ')
          .append(m.round()).append(' ').append(m.measurement()).append('\n');
    }
    return b.toString();
  }

  /** Writes {@code models} to {@code file} atomically (a temporary file, then a rename). */
  public static void write(Path file, Collection<ServedModel> models) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".fedfhir-models", ".tmp");
      Files.writeString(tmp, format(models), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the models file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Adds or replaces {@code model}'s line in {@code file}, keeping the other studies' lines. */
  public static synchronized void put(Path file, ServedModel model) {
    Map<String, ServedModel> models = new LinkedHashMap<>();
    try {
      if (Files.exists(file)) {
        models.putAll(parse(Files.readAllLines(file, StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the models file " + file + ": " + e.getMessage(), e);
    }
    models.put(model.study(), model);
    write(file, new ArrayList<>(models.values()));
  }
}
