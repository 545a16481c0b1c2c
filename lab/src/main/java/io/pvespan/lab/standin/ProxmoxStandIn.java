package io.pvespan.lab.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * A STAND-IN for the Proxmox VE API, for the lab, the demo and benchmarks. It is not Proxmox: it
 * serves an {@link Inventory} in Proxmox's exact shapes (see {@link ProxmoxShapes}) over a real
 * HTTP(S) server, checks the API token, and lets tests and the lab change the cluster.
 *
 * <p>API (under {@code /api2/json}, {@code GET}, header {@code Authorization:
 * PVEAPIToken=USER@REALM!TOKENID=SECRET}; a wrong or missing token answers 401 after the configured
 * auth-failure delay, 3 s like pveproxy by default): {@code /version}, {@code /cluster/status},
 * {@code /cluster/resources[?type=vm]}, {@code /nodes/{node}/{qemu|lxc}/{vmid}/config} (500 "does
 * not exist" when the guest is not on that node, as Proxmox answers).
 *
 * <p>Admin API for other processes (same token header; {@code POST}, answers {@code {"data":...}}):
 *
 * <ul>
 *   <li>{@code /standin/move?vmid=101&node=pve2} moves a guest's config (clears its lock, unless
 *       {@code keepLock=1}: a live migration moves the config with {@code lock: migrate} in it and
 *       unlocks later);
 *   <li>{@code /standin/lock?vmid=101&lock=migrate} sets a lock ({@code lock=} clears it);
 *   <li>{@code /standin/status?vmid=101&status=stopped};
 *   <li>{@code /standin/tags?vmid=101&tags=a;b} ({@code ;}, {@code ,} or spaces);
 *   <li>{@code /standin/nic?vmid=101&net=net1&bridge=vmbr0&mac=BC:24:11:00:00:01} sets (adds or
 *       replaces) a NIC in the guest's config, served as {@code netN} by the config call; optional
 *       {@code firewall=1}, {@code rate=} (MB/s), {@code mtu=}, {@code tag=}; {@code delete=1}
 *       removes it;
 *   <li>{@code /standin/node?node=pve2&online=0} marks a node offline ({@code online=1}: back);
 *   <li>{@code GET /standin/requests}: request counts per path; {@code GET /standin/inventory}: the
 *       current inventory in the inventory file format.
 * </ul>
 */
public final class ProxmoxStandIn implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final String expectedAuth;
  private final Duration authFailureDelay;
  private final Duration latency;
  private final boolean standalone;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger maxInFlight =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile StandInState state;

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY each answer waits
    // for the client's delayed ACK (~40 ms), which would make the stand-in far slower than
    // pveproxy. Read once by the JDK when its first server is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private ProxmoxStandIn(Builder b) throws IOException {
    this.expectedAuth = b.token.authorizationHeader();
    this.authFailureDelay = b.authFailureDelay;
    this.latency = b.latency;
    this.standalone = b.standalone;
    this.state = new StandInState(b.inventory);
    if (b.ssl != null) {
      HttpsServer https = HttpsServer.create(b.bind, 64);
      https.setHttpsConfigurator(new HttpsConfigurator(b.ssl));
      this.server = https;
    } else {
      this.server = HttpServer.create(b.bind, 64);
    }
    this.executor = Executors.newFixedThreadPool(b.workers);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public static Builder builder(Inventory inventory, StandInToken token) {
    return new Builder(inventory, token);
  }

  /** Options; defaults: 127.0.0.1 on a free port, plain HTTP, 3 s auth delay, no latency. */
  public static final class Builder {
    private final Inventory inventory;
    private final StandInToken token;
    private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);
    private Duration authFailureDelay = Duration.ofSeconds(3);
    private Duration latency = Duration.ZERO;
    private int workers = 8;
    private boolean standalone;
    private SSLContext ssl;

    private Builder(Inventory inventory, StandInToken token) {
      this.inventory = Objects.requireNonNull(inventory, "inventory");
      this.token = Objects.requireNonNull(token, "token");
    }

    public Builder bind(InetSocketAddress address) {
      this.bind = address;
      return this;
    }

    public Builder authFailureDelay(Duration d) {
      this.authFailureDelay = d;
      return this;
    }

    /** Added to every API answer (not to admin calls). */
    public Builder latency(Duration d) {
      this.latency = d;
      return this;
    }

    public Builder workers(int n) {
      this.workers = n;
      return this;
    }

    /** A single node without a {@code cluster} entry in {@code /cluster/status}. */
    public Builder standalone(boolean s) {
      this.standalone = s;
      return this;
    }

    public Builder https(SSLContext context) {
      this.ssl = context;
      return this;
    }

    public ProxmoxStandIn start() throws IOException {
      return new ProxmoxStandIn(this);
    }
  }

  /** {@code http(s)://host:port}, what {@code --pve-url} takes. */
  public URI url() {
    InetSocketAddress a = server.getAddress();
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return URI.create(scheme + "://" + a.getHostString() + ":" + a.getPort());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public Inventory inventory() {
    return state.inventory();
  }

  public synchronized void setInventory(Inventory inventory) {
    state = new StandInState(inventory);
  }

  /** Moves a guest to another node (a finished migration) and clears its lock. */
  public void moveGuest(VmId vmid, String node) {
    moveGuest(vmid, node, false);
  }

  /**
   * Moves a guest's config to {@code node}; {@code keepLock}: as {@code QemuMigrate} moves it, with
   * {@code lock: migrate} still in it (cleared by {@link #setLock} at the end).
   */
  public void moveGuest(VmId vmid, String node, boolean keepLock) {
    update(vmid, g -> StandInState.with(g, node, g.status(), g.tags(), keepLock ? g.lock() : null));
  }

  /** Adds or replaces {@code nic} in the guest's config (same {@code netN}: replaced). */
  public void setNic(VmId vmid, GuestNic nic) {
    update(vmid, g -> StandInState.withNics(g, StandInState.replaced(g.nics(), nic.id(), nic)));
  }

  /** Removes {@code netN} from the guest's config (absent: no change). */
  public void removeNic(VmId vmid, NicId id) {
    update(vmid, g -> StandInState.withNics(g, StandInState.replaced(g.nics(), id, null)));
  }

  /** Marks a node online or offline in {@code /cluster/status} and {@code /cluster/resources}. */
  public synchronized void setNodeOnline(String node, boolean online) {
    state = state.withNodeOnline(node, online);
  }

  /** Sets or clears ({@code null}) a guest's lock, e.g. {@code migrate} while it moves. */
  public void setLock(VmId vmid, String lock) {
    update(vmid, g -> StandInState.with(g, g.node(), g.status(), g.tags(), lock));
  }

  public void setStatus(VmId vmid, String status) {
    update(vmid, g -> StandInState.with(g, g.node(), status, g.tags(), g.lock()));
  }

  public void setTags(VmId vmid, List<String> tags) {
    update(vmid, g -> StandInState.with(g, g.node(), g.status(), tags, g.lock()));
  }

  private synchronized void update(VmId vmid, UnaryOperator<Guest> change) {
    state = state.update(vmid, change);
  }

  /** API requests answered so far, per path without {@code /api2/json} and query. */
  public Map<String, Long> requestCounts() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public long totalRequests() {
    return total.get();
  }

  /** The most API requests that were being answered at the same time. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  public void resetCounters() {
    counts.clear();
    total.set(0);
    maxInFlight.set(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (!expectedAuth.equals(auth)) {
        sleep(authFailureDelay);
        send(ex, 401, "{\"data\":null}");
        return;
      }
      if (path.startsWith("/standin/")) {
        StandInAdmin.handle(this, ex, path.substring("/standin/".length()));
        return;
      }
      if (!path.startsWith("/api2/json/")) {
        send(ex, 404, "<html><head><title>404 Not Found</title></head><body></body></html>");
        return;
      }
      String api = path.substring("/api2/json".length());
      total.incrementAndGet();
      counts.computeIfAbsent(api, k -> new AtomicLong()).incrementAndGet();
      // In flight = received and not yet answered. Counted down before the answer is written: the
      // client may send its next request the moment it has read this answer, possibly before this
      // thread returns, and that is not a fourth request at once.
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        sleep(latency);
      } finally {
        inFlight.decrementAndGet();
      }
      if (!"GET".equals(ex.getRequestMethod())) {
        send(ex, 501, "{\"data\":null,\"message\":\"the stand-in serves GET only\"}");
        return;
      }
      answer(ex, api, ex.getRequestURI().getQuery());
    }
  }

  private void answer(HttpExchange ex, String api, String query) throws IOException {
    StandInState s = state;
    boolean vmOnly = query != null && query.contains("type=vm");
    switch (api) {
      case "/version" ->
          send(
              ex,
              200,
              "{\"data\":{\"release\":\"9.1\",\"repoid\":\"standin\",\"version\":\"9.1-1\"}}");
      case "/cluster/status" ->
          sendData(ex, ProxmoxShapes.clusterStatus(s.inventory(), standalone));
      case "/cluster/resources" ->
          send(
              ex,
              200,
              vmOnly
                  ? s.resourcesVm()
                  : envelope(ProxmoxShapes.clusterResources(s.inventory(), false)));
      default -> config(ex, s, api.split("/"));
    }
  }

  private void config(HttpExchange ex, StandInState s, String[] p) throws IOException {
    // ["", "nodes", node, type, vmid, "config"]
    if (p.length != 6
        || !p[1].equals("nodes")
        || !p[5].equals("config")
        || !(p[3].equals("qemu") || p[3].equals("lxc"))
        || !p[4].matches("[1-9][0-9]{2,8}")) {
      send(
          ex,
          501,
          "{\"data\":null,\"message\":\"Method 'GET "
              + String.join("/", p)
              + "' not implemented\"}");
      return;
    }
    Guest g = s.guest(Integer.parseInt(p[4]));
    if (g == null || !g.node().equals(p[2]) || !g.type().json().equals(p[3])) {
      String dir = p[3].equals("qemu") ? "qemu-server" : "lxc";
      send(
          ex,
          500,
          "{\"data\":null,\"message\":\"Configuration file 'nodes/"
              + p[2]
              + "/"
              + dir
              + "/"
              + p[4]
              + ".conf' does not exist\\n\"}");
      return;
    }
    sendData(ex, ProxmoxShapes.config(g));
  }

  static String envelope(JsonNode data) {
    ObjectNode env = ProxmoxShapes.MAPPER.createObjectNode();
    env.set("data", data);
    return env.toString();
  }

  static void sendData(HttpExchange ex, JsonNode data) throws IOException {
    send(ex, 200, envelope(data));
  }

  static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders()
        .set(
            "Content-Type",
            body.startsWith("<") ? "text/html; charset=utf-8" : "application/json;charset=UTF-8");
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
