/** {@code ./fedfhir auth} (run the SMART authorisation server) and {@code ./fedfhir token} (backend-services token). */
package org.fedfhir.cli.auth;
