package org.fedfhir.tee.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.UnsignedIntType;

/** Names the lean prediction path's port in the CapabilityStatement ({@link TeeServer#LEAN_PREDICT_PORT}). */
@Interceptor
final class LeanEndpointAdvert {

  private final int port;

  LeanEndpointAdvert(int port) {
    this.port = port;
  }

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void advertise(IBaseConformance statement) {
    if (statement instanceof CapabilityStatement cs) {
      cs.getRestFirstRep().addExtension(TeeServer.LEAN_PREDICT_PORT, new UnsignedIntType(port));
    }
  }
}
