package org.fedfhir.fhir.inference;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.fedfhir.tee.client.ServedModel;
import org.fedfhir.tee.client.ServedModelsFile;

/** Which provisioned model serves which study ({@code url|version}) at this site's TEE. */
public interface ModelDirectory {

  Optional<ServedModel> forStudy(String study);

  /** Where the directory comes from, for error messages. */
  String describe();

  /** The models file (re-read whenever it changes). */
  static ModelDirectory file(Path path) {
    ServedModelsFile file = new ServedModelsFile(path);
    return new ModelDirectory() {
      @Override
      public Optional<ServedModel> forStudy(String study) {
        return file.forStudy(study);
      }

      @Override
      public String describe() {
        return "models file " + path.toAbsolutePath();
      }
    };
  }

  /** A fixed set of models. */
  static ModelDirectory of(Map<String, ServedModel> models) {
    Map<String, ServedModel> copy = Map.copyOf(models);
    return new ModelDirectory() {
      @Override
      public Optional<ServedModel> forStudy(String study) {
        return Optional.ofNullable(copy.get(study));
      }

      @Override
      public String describe() {
        return copy.isEmpty() ? "no models file configured (fedfhir.tee.models, --tee-models)"
            : "configured models";
      }
    };
  }
}
