package io.pvespan.controller.pve;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.controller.pve.internal.ClusterReader;
import io.pvespan.controller.pve.internal.PollState;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.VmId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The live inventory, read politely from the Proxmox API.
 *
 * <p>One {@link #poll()}: {@code GET /cluster/resources?type=vm} (always); {@code GET
 * /cluster/status} on the first poll, every {@code statusEvery} polls, and whenever a guest sits on
 * a node not seen yet; {@code GET /nodes/{node}/{qemu|lxc}/{vmid}/config} only for guests of
 * {@linkplain #setInterest interest} whose config was not read yet or whose node, status, lock or
 * type changed since it was read, at most {@link PveClient#MAX_IN_FLIGHT} at a time. So a quiet
 * cluster costs one request per poll, plus one per changed guest of interest (plus the {@linkplain
 * #setRollingRefresh rolling refresh}, when set). Between polls, {@link #refreshGuest} reads one
 * guest's config (the controller does when an agent reports a device it did not expect).
 *
 * <p>Guests not of interest (and guests whose config read is pending) carry no NICs. Migrations: a
 * guest whose node differs from the previous poll ({@code from -> to}), and a guest with {@code
 * lock: migrate} ({@code to} = null, reported on every poll while the lock holds). A failed config
 * read fails the poll; configs read before the failure are kept, so the next poll only retries the
 * rest. Not thread-safe for concurrent polls (the controller polls from one thread); {@link
 * #setInterest} may be called from any thread. {@link InventorySnapshot#requests()} counts the
 * client's requests during the poll (attempts, retries included); share the client with nobody else
 * if that number matters.
 */
public final class PveInventorySource implements InventorySource, AutoCloseable {
  /** Default: re-read {@code /cluster/status} (node addresses, online) every 10 polls. */
  public static final int DEFAULT_STATUS_EVERY = 10;

  /**
   * What the controller sets with {@link #setRollingRefresh}: one up-to-date config re-read per
   * poll, the safety net behind the agents' device reports (which see hot-plugs within seconds). At
   * the default 10 s poll, 100 guests of interest are all re-read within ~17 minutes, for one
   * request per poll more.
   */
  public static final int CONTROLLER_ROLLING_REFRESH = 1;

  private final PveClient client;
  private final boolean ownsClient;
  private final int statusEvery;
  private final ExecutorService pool;
  private final PollState state = new PollState();
  private volatile Predicate<Guest> interest = g -> true;
  private volatile int refreshPerPoll = 0;
  private long refreshCursor = 0;

  public PveInventorySource(PveClient client) {
    this(client, DEFAULT_STATUS_EVERY);
  }

  /**
   * @param statusEvery re-read {@code /cluster/status} every this many polls (>= 1)
   */
  public PveInventorySource(PveClient client, int statusEvery) {
    this(client, statusEvery, false);
  }

  /**
   * A source with its own client (default retries), closed with the source: what the controller
   * uses.
   */
  public static PveInventorySource open(PveConnection connection) throws PveException {
    return new PveInventorySource(new PveClient(connection), DEFAULT_STATUS_EVERY, true);
  }

  private PveInventorySource(PveClient client, int statusEvery, boolean ownsClient) {
    this.ownsClient = ownsClient;
    if (statusEvery < 1) {
      throw new IllegalArgumentException("statusEvery must be >= 1");
    }
    this.client = Objects.requireNonNull(client, "client");
    this.statusEvery = statusEvery;
    this.pool =
        Executors.newFixedThreadPool(
            PveClient.MAX_IN_FLIGHT,
            r -> {
              Thread t = new Thread(r, "pve-config");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Which guests need their NIC config read (default: all). The predicate sees a guest without
   * NICs: vmid, type, node, status, name, tags, pool, template, lock. Takes effect on the next
   * poll; guests becoming interesting have their config read then.
   */
  public void setInterest(Predicate<Guest> interest) {
    this.interest = Objects.requireNonNull(interest, "interest");
  }

  /** The controller's way to {@link #setInterest}. */
  @Override
  public void interest(Predicate<Guest> guestsOfInterest) {
    setInterest(guestsOfInterest);
  }

  /**
   * Also re-reads this many up-to-date configs per poll, round robin over the guests of interest
   * (default 0). A NIC hot-plugged or edited on a running guest changes nothing in {@code
   * /cluster/resources}, so without this it is seen only at the guest's next status, lock or node
   * change. Each refreshed config costs one request per poll.
   */
  public void setRollingRefresh(int configsPerPoll) {
    if (configsPerPoll < 0) {
      throw new IllegalArgumentException("configsPerPoll must be >= 0");
    }
    this.refreshPerPoll = configsPerPoll;
  }

  @Override
  public InventorySnapshot poll() throws PveException {
    long before = client.requestCount();
    List<Guest> guests;
    try {
      guests = ClusterReader.guests(client.get("cluster/resources?type=vm"));
    } catch (IllegalArgumentException e) {
      throw new PveException(
          PveException.Cause.BAD_RESPONSE, "GET /cluster/resources: " + e.getMessage());
    }
    Set<String> guestNodes = guests.stream().map(Guest::node).collect(Collectors.toSet());
    if (state.nodesDue(statusEvery) || !state.knowsNodes(guestNodes)) {
      try {
        state.nodes(ClusterReader.nodes(client.get("cluster/status")));
      } catch (IllegalArgumentException e) {
        throw new PveException(
            PveException.Cause.BAD_RESPONSE, "GET /cluster/status: " + e.getMessage());
      }
    }
    Predicate<Guest> wanted = interest;
    List<Guest> interesting = guests.stream().filter(wanted).toList();
    List<Guest> toRead = new ArrayList<>(interesting.stream().filter(state::configStale).toList());
    toRead.addAll(rollingSlice(interesting));
    fetchConfigs(toRead);
    List<Guest> full = new ArrayList<>(guests.size());
    for (Guest g : guests) {
      List<GuestNic> nics = state.nics(g);
      full.add(
          new Guest(
              g.vmid(),
              g.type(),
              g.node(),
              g.status(),
              g.name(),
              g.tags(),
              g.pool(),
              g.template(),
              g.lock(),
              nics));
    }
    List<Migration> migrations = state.endPoll(guests);
    List<InventoryNode> nodes = state.nodes();
    return new InventorySnapshot(
        new Inventory(nodes, full).sorted(), migrations, (int) (client.requestCount() - before));
  }

  private List<Guest> rollingSlice(List<Guest> interesting) {
    int n = refreshPerPoll;
    List<Guest> fresh =
        interesting.stream()
            .filter(g -> !state.configStale(g))
            .sorted(java.util.Comparator.comparing(Guest::vmid))
            .toList();
    if (n == 0 || fresh.isEmpty()) {
      return List.of();
    }
    List<Guest> slice = new ArrayList<>();
    for (int i = 0; i < Math.min(n, fresh.size()); i++) {
      slice.add(fresh.get((int) ((refreshCursor + i) % fresh.size())));
    }
    refreshCursor = (refreshCursor + slice.size()) % fresh.size();
    return slice;
  }

  private void fetchConfigs(List<Guest> stale) throws PveException {
    List<Future<?>> futures = new ArrayList<>(stale.size());
    for (Guest g : stale) {
      futures.add(pool.submit(() -> fetchConfig(g)));
    }
    PveException first = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first =
              e.getCause() instanceof PveException p
                  ? p
                  : new PveException(
                      "reading a guest config failed: " + e.getCause(), e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PveException("interrupted while reading guest configs");
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private Void fetchConfig(Guest g) throws PveException {
    readNics(g);
    return null;
  }

  private List<GuestNic> readNics(Guest g) throws PveException {
    String path = "nodes/" + g.node() + "/" + g.type().json() + "/" + g.vmid() + "/config";
    JsonNode config = client.get(path);
    try {
      List<GuestNic> nics = ClusterReader.nics(g.type(), config);
      state.configRead(g, nics);
      return nics;
    } catch (IllegalArgumentException e) {
      throw new PveException(
          PveException.Cause.BAD_RESPONSE, "GET /" + path + ": " + e.getMessage());
    }
  }

  /**
   * One config request for this guest, cached as if a poll had read it (so the next poll does not
   * read it again while the guest's node, status, lock and type stay as {@code known} says).
   */
  @Override
  public Optional<Guest> refreshGuest(Guest known) throws PveException {
    List<GuestNic> nics = readNics(known);
    return Optional.of(
        new Guest(
            known.vmid(),
            known.type(),
            known.node(),
            known.status(),
            known.name(),
            known.tags(),
            known.pool(),
            known.template(),
            known.lock(),
            nics));
  }

  /** Forgets everything: the next poll reads cluster status and all configs again. */
  public void reset() {
    state.reset();
  }

  /** The guests whose config is cached (for tests and status pages). */
  public Set<VmId> cachedConfigs() {
    return state.cachedConfigs();
  }

  @Override
  public void close() {
    pool.shutdownNow();
    if (ownsClient) {
      client.close();
    }
  }
}
