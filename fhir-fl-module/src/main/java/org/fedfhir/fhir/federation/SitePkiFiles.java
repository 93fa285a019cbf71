package org.fedfhir.fhir.federation;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A site's mutual-TLS credentials in the layout {@code ./fedfhir pki init} writes (the aggregator's
 * {@code pki.PkiDirectory}): {@code DIR/<site>-cert.pem}, {@code DIR/<site>-key.pem} (PKCS#8) and
 * the network CA's {@code DIR/ca-cert.pem}. A per-site folder {@code DIR/<site>/} holding the same
 * files (what a hospital receives when the network hands out only its own credentials) is accepted
 * too, with the CA certificate there or in {@code DIR}.
 *
 * @param certificate the site's certificate (its CN is the site's identity at the aggregator)
 * @param privateKey the site's private key
 * @param ca the network CA's certificate
 */
public record SitePkiFiles(Path certificate, Path privateKey, Path ca) {

  public static SitePkiFiles locate(Path dir, String site) {
    if (site == null || !site.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("site name '" + site + "'; need lower-case letters, digits and '-' "
          + "(the CN of its certificate)");
    }
    Path own = dir.resolve(site);
    Path base = Files.isReadable(dir.resolve(site + "-cert.pem")) || !Files.isDirectory(own) ? dir : own;
    Path ca = Files.isReadable(base.resolve("ca-cert.pem")) ? base.resolve("ca-cert.pem") : dir.resolve("ca-cert.pem");
    SitePkiFiles files = new SitePkiFiles(base.resolve(site + "-cert.pem"), base.resolve(site + "-key.pem"), ca);
    for (Path p : new Path[] {files.certificate, files.privateKey, files.ca}) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException(p + " is missing or unreadable: the site's credentials come from "
            + "./fedfhir pki init --sites …," + site + " --dir " + dir);
      }
    }
    return files;
  }
}
