package io.pvespan.controller.specs;

import io.pvespan.spec.load.LoadResult;
import java.io.IOException;

/**
 * Where the controller reads specs from. {@link #fingerprint()} is cheap compared with {@link
 * #load()} and changes whenever the content may have changed, so that the controller only re-reads
 * on change. Both run off the reconcile path ({@link SpecRefresh}), one call at a time.
 */
public interface SpecSource {
  /**
   * A value that differs whenever the specs' content differs.
   *
   * @throws IOException when the source cannot be read at all (reported as a spec error)
   */
  String fingerprint() throws IOException;

  /**
   * Loads and validates the specs of the content {@link #fingerprint()} last returned; never a
   * partial set (see {@link LoadResult}).
   */
  LoadResult load();

  /**
   * The Git commit a fingerprint stands for (a full object id), or null for a source without
   * commits (a plain directory).
   */
  default String commit(String fingerprint) {
    return null;
  }
}
