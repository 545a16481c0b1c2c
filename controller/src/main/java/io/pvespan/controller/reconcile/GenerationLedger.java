package io.pvespan.controller.reconcile;

/**
 * Where the generation of each push is issued. One controller ({@link #LOCAL}): the generation
 * {@link Decide} chose, which the in-memory {@code state.Generations} already keep above everything
 * the agents hold. Several controllers sharing a database ({@code ha:}): a generation issued by the
 * database under the issuer's leadership epoch, so a controller that lost its leadership can never
 * obtain one again and whatever the new leader pushes is numbered above whatever the old one did.
 */
@FunctionalInterface
public interface GenerationLedger {
  /** The single controller: {@code wanted} itself; nothing is shared, nothing is fenced. */
  GenerationLedger LOCAL = (node, wanted) -> wanted;

  /**
   * A generation for a push to {@code node}: at least {@code wanted}, and above every generation
   * issued for {@code node} before, by this controller or any other sharing the ledger.
   *
   * @throws Fenced when this controller may not push (it is not the leader, or no longer): nothing
   *     may be pushed then
   */
  long issue(String node, long wanted);

  /** This controller does not hold the leadership (any more), or cannot prove it now. */
  final class Fenced extends RuntimeException {
    public Fenced(String message) {
      super(message);
    }

    public Fenced(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
