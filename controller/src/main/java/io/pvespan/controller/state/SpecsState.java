package io.pvespan.controller.state;

import io.pvespan.inventory.Guest;
import io.pvespan.spec.SpecSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * The specs as last read: the last valid set (planned against the live inventory even while newer
 * content is broken), the digest of the content last read (valid or not, so broken content is not
 * read again until it changes), the problems of that content, and the guests the valid set needs
 * NICs for. From a Git repository, the commits too: the one whose specs are in force and the one
 * last read (they differ while the newest commit is refused).
 *
 * @param specs the last valid set; null while none ever was
 * @param digest the content digest last read; null before the first read or when unreadable
 * @param errors problems of the content last read ({@code file:line:col: message}); empty when
 *     valid
 * @param interest the guests {@code specs} needs NICs for; null with {@code specs}
 * @param appliedCommit the Git commit {@code specs} came from; null for a directory or before any
 * @param commit the Git commit last read (valid or not); null for a directory or before any
 */
public record SpecsState(
    SpecSet specs,
    String digest,
    List<String> errors,
    Predicate<Guest> interest,
    String appliedCommit,
    String commit) {
  public static final SpecsState NONE = new SpecsState(null, null, List.of(), null, null, null);

  public SpecsState {
    errors = List.copyOf(errors);
  }

  /** Whether any read was attempted yet (valid, broken or unreadable). */
  public boolean tried() {
    return digest != null || !errors.isEmpty();
  }

  public SpecsState loaded(
      SpecSet valid, String newDigest, Predicate<Guest> newInterest, String newCommit) {
    return new SpecsState(valid, newDigest, List.of(), newInterest, newCommit, newCommit);
  }

  /**
   * The new content is broken (or unreadable, {@code newDigest} null): the last valid set, and the
   * commit it came from, stay.
   */
  public SpecsState rejected(String newDigest, List<String> problems, String newCommit) {
    return new SpecsState(specs, newDigest, problems, interest, appliedCommit, newCommit);
  }
}
