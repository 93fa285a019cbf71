package org.fedfhir.auth.directory;

/** A user made by {@link AuthDirectory.Builder}, with the password shown to the caller once. */
public record GeneratedUser(String username, Secret password) {}
