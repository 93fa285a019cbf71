/** Spring wiring of the authorisation server: application, beans, filter chains, directory adapters. */
package org.fedfhir.auth.config;
