package org.fedfhir.aggregator.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationListTest {

  @TempDir
  Path dir;

  @Test
  void revokingExtendsTheListTheAggregatorLoadsBesideItsCa() {
    CaPassphrase passphrase = CaPassphrase.of("revocation test passphrase");
    PkiDirectory.init(dir, "test network", List.of("mercy", "cleveland", "stanford"), passphrase);
    assertThat(TlsFiles.inPkiDirectory(dir, "aggregator").load().revocations()).isEmpty();

    PkiDirectory.revoke(dir, "mercy", passphrase);
    PkiDirectory.revoke(dir, "cleveland", passphrase);

    var crl = TlsFiles.inPkiDirectory(dir, "aggregator").load().revocations().orElseThrow();
    assertThat(crl.isRevoked(PemFiles.readCertificate(PkiDirectory.certificateFile(dir, "mercy")))).isTrue();
    assertThat(crl.isRevoked(PemFiles.readCertificate(PkiDirectory.certificateFile(dir, "cleveland")))).isTrue();
    assertThat(crl.isRevoked(PemFiles.readCertificate(PkiDirectory.certificateFile(dir, "stanford")))).isFalse();
  }

  @Test
  void aListSignedByAnotherCaIsRefused() throws Exception {
    PkiDirectory.init(dir, "test network", List.of("mercy"));
    CertificateAuthority rogue = CertificateAuthority.create("rogue");
    Path besideTheAggregatorsCa = PkiDirectory.partyDirectory(dir, "aggregator").resolve("crl.pem");
    RevocationList.write(besideTheAggregatorsCa, RevocationList.revoke(rogue, null,
        PemFiles.readCertificate(PkiDirectory.certificateFile(dir, "aggregator"))));

    assertThat(Files.exists(besideTheAggregatorsCa)).isTrue();
    assertThatThrownBy(() -> TlsFiles.inPkiDirectory(dir, "aggregator").load())
        .isInstanceOf(PkiException.class).hasMessageContaining("not a revocation list signed by the network CA");
  }
}
