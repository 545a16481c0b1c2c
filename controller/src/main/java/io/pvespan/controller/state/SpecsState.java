package io.pvespan.controller.state;

import io.pvespan.inventory.Guest;
import io.pvespan.spec.SpecSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * The specs as last read: the last valid set (planned against the live inventory even while newer
 * content is broken), the digest of the content last read (valid or not, so broken content is not
 * read again until it changes), the problems of that content, and the guests the valid set needs
 * NICs for.
 *
 * @param specs the last valid set; null while none ever was
 * @param digest the content digest last read; null before the first read or when unreadable
 * @param errors problems of the content last read ({@code file:line:col: message}); empty when
 *     valid
 * @param interest the guests {@code specs} needs NICs for; null with {@code specs}
 */
public record SpecsState(
    SpecSet specs, String digest, List<String> errors, Predicate<Guest> interest) {
  public static final SpecsState NONE = new SpecsState(null, null, List.of(), null);

  public SpecsState {
    errors = List.copyOf(errors);
  }

  /** Whether any read was attempted yet (valid, broken or unreadable). */
  public boolean tried() {
    return digest != null || !errors.isEmpty();
  }

  public SpecsState loaded(SpecSet valid, String newDigest, Predicate<Guest> newInterest) {
    return new SpecsState(valid, newDigest, List.of(), newInterest);
  }

  /**
   * The new content is broken (or unreadable, {@code newDigest} null): the last valid set stays.
   */
  public SpecsState rejected(String newDigest, List<String> problems) {
    return new SpecsState(specs, newDigest, problems, interest);
  }
}
