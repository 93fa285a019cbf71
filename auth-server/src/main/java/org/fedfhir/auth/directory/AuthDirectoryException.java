package org.fedfhir.auth.directory;

/** A directory file that cannot be read or has a bad entry; the message names the file and the entry. */
public final class AuthDirectoryException extends RuntimeException {
  public AuthDirectoryException(String message) {
    super(message);
  }

  public AuthDirectoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
