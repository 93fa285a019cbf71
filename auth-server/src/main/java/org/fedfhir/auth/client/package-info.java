/**
 * The client side of SMART Backend Services (signed client assertion, {@code client_credentials}
 * grant) on Java's HttpClient and Nimbus JOSE, for the command line and the demo.
 */
package org.fedfhir.auth.client;
