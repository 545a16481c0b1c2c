package io.pvespan.server;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cap on the connections one peer address may have in a request at once: one more is closed at
 * once, without an answer and before any handler runs, so a single peer (a stolen credential, a
 * runaway script) can hold at most {@code max} handler threads and never starve the others. The JDK
 * server runs at most one request per connection at a time, so this counts that peer's connections
 * being served. Connections still sending their request line and headers are not counted here: the
 * servers' request deadline closes those. Used by both daemons' APIs.
 */
public final class PeerLimit extends Filter {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLimit.class);

  private final int max;
  private final ConcurrentHashMap<InetAddress, Integer> inRequest = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();

  public PeerLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1");
    }
    this.max = max;
  }

  @Override
  public void doFilter(HttpExchange ex, Chain chain) throws IOException {
    InetAddress peer = ex.getRemoteAddress().getAddress();
    int now = inRequest.merge(peer, 1, Integer::sum);
    try {
      if (now > max) {
        // Once per power of two, not per connection: a flood must not flood the journal too.
        long n = refused.incrementAndGet();
        if (Long.bitCount(n) == 1) {
          LOG.warn(
              "closed a connection from {}: more than {} requests at once from one address ({}"
                  + " closed so far)",
              peer.getHostAddress(),
              max,
              n);
        }
        ex.close(); // no answer sent: the JDK closes the connection
        return;
      }
      chain.doFilter(ex);
    } finally {
      inRequest.computeIfPresent(peer, (k, v) -> v == 1 ? null : v - 1);
    }
  }

  /** Connections closed by the cap so far. */
  public long refused() {
    return refused.get();
  }

  @Override
  public String description() {
    return "at most " + max + " requests at once per peer address";
  }
}
