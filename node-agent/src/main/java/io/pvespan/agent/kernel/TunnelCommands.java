package io.pvespan.agent.kernel;

import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelRole;
import java.util.List;

/**
 * {@code ip link} commands that create a planned tunnel device. VXLAN: {@code nolearning} (the
 * device only carries copies, nothing should be learnt from them) and a fixed {@code dstport}. A
 * RECEIVE device has no remote: it takes whatever arrives for its VNI/key on {@code local}.
 */
public final class TunnelCommands {
  private TunnelCommands() {}

  /** Creation (with MTU) then {@code up}. Addresses that are not IP literals are rejected here. */
  public static List<CommandLine> create(TunnelDevice t) {
    CommandLine add = CommandLine.of("link", "add").dev(t.device()).kw("mtu").num(t.mtu());
    add.kw("type").kw(t.encapsulation().json());
    boolean send = t.role() == TunnelRole.SEND;
    switch (t.encapsulation()) {
      case VXLAN -> {
        add.kw("id").num(t.vni().value());
        local(add, t);
        remote(add, t, send);
        add.kw("dstport").num(port(t, 4789)).kw("nolearning");
      }
      case GENEVE -> {
        add.kw("id").num(t.vni().value());
        if (send) {
          remote(add, t, true);
        } else {
          // A Geneve device needs a remote; a receiving one takes all senders (external mode).
          add.kw("external");
        }
        add.kw("dstport").num(port(t, 6081));
      }
      case GRETAP, GRE -> {
        local(add, t);
        remote(add, t, send);
        add.kw("key").num(t.key());
      }
      case ERSPAN -> {
        local(add, t);
        remote(add, t, send);
        // ERSPAN type II: the session id (10 bits) taken from the key.
        add.kw("seq")
            .kw("key")
            .num(t.key())
            .kw("erspan_ver")
            .num(1)
            .kw("erspan")
            .num(t.key() & 0x3FF);
      }
      default -> throw new IllegalArgumentException("no tunnel for " + t.encapsulation());
    }
    return List.of(add, CommandLine.of("link", "set", "dev").dev(t.device()).kw("up"));
  }

  private static void local(CommandLine add, TunnelDevice t) {
    if (t.local() != null) {
      add.kw("local").addr(IpAddress.parse(t.local()));
    }
  }

  private static void remote(CommandLine add, TunnelDevice t, boolean send) {
    if (send) {
      add.kw("remote").addr(IpAddress.parse(t.remote()));
    }
  }

  private static int port(TunnelDevice t, int standard) {
    int p = t.dstPort() == null ? standard : t.dstPort();
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException(
          "tunnel " + t.device() + " port " + p + " is outside 1..65535");
    }
    return p;
  }

  /** Whether an observed device matches the planned one in everything that needs re-creation. */
  public static boolean sameIdentity(TunnelDevice t, ObservedLink l) {
    ObservedLink.TunnelParams p = l.tunnel();
    if (p == null || !t.encapsulation().json().equals(p.kind())) {
      return false;
    }
    Long id = t.vni() != null ? Long.valueOf(t.vni().value()) : t.key();
    boolean idOk = p.id() == null || p.id().equals(id);
    boolean localOk =
        t.local() == null
            || p.local() == null
            || IpAddress.parse(t.local()).value().equals(p.local());
    String wantRemote = t.role() == TunnelRole.SEND ? IpAddress.parse(t.remote()).value() : null;
    boolean remoteOk =
        t.encapsulation().json().equals("geneve") && wantRemote == null
            || java.util.Objects.equals(wantRemote, p.remote());
    boolean portOk =
        p.port() == null
            || t.encapsulation().keyed()
            || p.port() == port(t, t.encapsulation().json().equals("geneve") ? 6081 : 4789);
    return idOk && localOk && remoteOk && portOk;
  }
}
