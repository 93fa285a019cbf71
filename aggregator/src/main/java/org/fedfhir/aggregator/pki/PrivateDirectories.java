package org.fedfhir.aggregator.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Directories only their owner may list or enter (mode 700 where POSIX permissions exist). */
final class PrivateDirectories {

  private PrivateDirectories() {}

  /** Creates {@code dir} (and its parents) with mode 700 unless it exists. */
  static void create(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        return;
      }
      Path parent = dir.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      if (Files.getFileStore(parent).supportsFileAttributeView("posix")) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(dir);
      }
    } catch (IOException e) {
      throw new PkiException("could not create " + dir + ": " + e, e);
    }
  }
}
