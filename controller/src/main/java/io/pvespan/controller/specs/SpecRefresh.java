package io.pvespan.controller.specs;

import io.pvespan.controller.planner.GuestInterest;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.state.StateStore;
import io.pvespan.inventory.Guest;
import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the state's specs up to date with the {@link SpecSource}: content is loaded only when its
 * digest differs from the one last read (broken content too, so it is not re-read until it
 * changes). Broken specs never replace the last valid set, not even in part; a valid set also tells
 * the inventory source which guests' NICs it needs.
 */
public final class SpecRefresh {
  private static final Logger LOG = LoggerFactory.getLogger(SpecRefresh.class);

  private final SpecSource source;
  private final StateStore store;
  private final InventorySource inventory;

  public SpecRefresh(SpecSource source, StateStore store, InventorySource inventory) {
    this.source = source;
    this.store = store;
    this.inventory = inventory;
  }

  /** True when the source's content differs from what was last read. */
  public boolean changed() {
    try {
      return !source.fingerprint().equals(store.get().specs().digest());
    } catch (IOException | UncheckedIOException e) {
      return true;
    }
  }

  /**
   * Loads the specs if none were ever tried (before the first poll: it reads only what they need).
   */
  public void loadOnce() {
    if (!store.get().specs().tried()) {
      refresh();
    }
  }

  /** Serialised: two loads of the same content would both log and both set the interest. */
  public synchronized void refresh() {
    String digest;
    try {
      digest = source.fingerprint();
    } catch (IOException | UncheckedIOException e) {
      reject(null, List.of("specs cannot be read: " + e.getMessage()));
      return;
    }
    if (digest.equals(store.get().specs().digest())) {
      return;
    }
    LoadResult loaded;
    try {
      loaded = source.load();
    } catch (RuntimeException e) {
      reject(digest, List.of("the spec loader failed: " + e));
      return;
    }
    if (!loaded.ok()) {
      reject(digest, loaded.problems().stream().map(SpecProblem::toString).toList());
      return;
    }
    Predicate<Guest> interest = GuestInterest.of(loaded.specs());
    store.update(st -> st.withSpecs(st.specs().loaded(loaded.specs(), digest, interest)));
    inventory.interest(interest);
    LOG.info(
        "specs loaded: {} sensors, {} sessions",
        loaded.specs().sensors().size(),
        loaded.specs().sessions().size());
  }

  private void reject(String digest, List<String> errors) {
    store.update(st -> st.withSpecs(st.specs().rejected(digest, errors)));
    LOG.warn(
        "specs rejected ({} problems); the last valid specs stay in force: {}",
        errors.size(),
        String.join(" | ", errors));
  }
}
