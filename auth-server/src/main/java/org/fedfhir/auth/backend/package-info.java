/**
 * SMART Backend Services at the token endpoint: client assertions ({@code private_key_jwt})
 * verified against the directory's inline public keys, with audience, lifetime and replay checks.
 */
package org.fedfhir.auth.backend;
