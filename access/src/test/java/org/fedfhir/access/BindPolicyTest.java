package org.fedfhir.access;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BindPolicyTest {

  @Test
  void plainHttpOnARoutableAddressIsRefusedUnlessAskedFor() {
    assertThatThrownBy(() -> BindPolicy.check("0.0.0.0", false, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.0.0.0")
        .hasMessageContaining("--insecure-http");
    assertThatCode(() -> BindPolicy.check("0.0.0.0", true, false)).doesNotThrowAnyException();
    assertThatCode(() -> BindPolicy.check("0.0.0.0", false, true)).doesNotThrowAnyException();
    assertThatCode(() -> BindPolicy.check("127.0.0.1", false, false)).doesNotThrowAnyException();
    assertThatCode(() -> BindPolicy.check("localhost", false, false)).doesNotThrowAnyException();
  }
}
