package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.CommandLine;
import io.pvespan.agent.kernel.FilterMatch;
import io.pvespan.agent.kernel.MirredMode;
import io.pvespan.agent.kernel.Ownership;
import io.pvespan.agent.kernel.OwnershipCookie;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.agent.kernel.Tool;
import io.pvespan.agent.kernel.TunnelCommands;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.TunnelDevice;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One change the agent makes to the kernel. Every variant renders itself as {@code ip} or {@code
 * tc} command lines built from validated values only; nothing else reaches the kernel. Variants
 * that delete only ever name what is ours (a {@code psp} device, a priority carrying our cookie,
 * the root qdisc with our handle).
 */
public sealed interface KernelAction {
  Tool tool();

  List<CommandLine> commands();

  /** Where an action sits in a batch: devices first, then qdiscs, filter deletes, adds, cleanup. */
  int stage();

  /** Creates a planned tunnel device with its MTU and brings it up. */
  record CreateTunnel(TunnelDevice tunnel) implements KernelAction {
    public CreateTunnel {
      Objects.requireNonNull(tunnel);
    }

    public Tool tool() {
      return Tool.IP;
    }

    public List<CommandLine> commands() {
      return TunnelCommands.create(tunnel);
    }

    public int stage() {
      return 1;
    }
  }

  /** Deletes one of our tunnel devices (its name starts with {@code psp}). */
  record DeleteTunnel(InterfaceName device) implements KernelAction {
    public DeleteTunnel {
      if (!device.value().startsWith(TunnelDevice.NAME_PREFIX)) {
        throw new IllegalArgumentException(device + " is not ours to delete");
      }
    }

    public Tool tool() {
      return Tool.IP;
    }

    public List<CommandLine> commands() {
      return List.of(CommandLine.of("link", "del", "dev").dev(device));
    }

    public int stage() {
      return 0;
    }
  }

  /** Sets MTU and up on one of our tunnel devices that drifted. */
  record FixTunnelLink(InterfaceName device, int mtu) implements KernelAction {
    public Tool tool() {
      return Tool.IP;
    }

    public List<CommandLine> commands() {
      return List.of(CommandLine.of("link", "set", "dev").dev(device).kw("mtu").num(mtu).kw("up"));
    }

    public int stage() {
      return 1;
    }
  }

  /**
   * Creates a copy conditioner's veth pair ({@link ConditionerPair}): no IPv6 link-local address
   * (addrgenmode none) so that the pair never sends a frame of its own (router solicitations and
   * MLD reports would reach the sensor), the largest MTU so that no copy is too big for it, and up.
   */
  record CreateConditioner(InterfaceName in, InterfaceName out) implements KernelAction {
    /** veth's largest MTU: a GSO copy or a jumbo frame passes whole (snaplen cuts it later). */
    static final int MTU = 65535;

    public CreateConditioner {
      if (!ConditionerPair.ours(in) || !ConditionerPair.ours(out)) {
        throw new IllegalArgumentException(in + "/" + out + " are not conditioner names");
      }
    }

    public Tool tool() {
      return Tool.IP;
    }

    public List<CommandLine> commands() {
      return List.of(
          CommandLine.of("link", "add", "dev")
              .dev(in)
              .kw("mtu")
              .num(MTU)
              .kw("type")
              .kw("veth")
              .kw("peer")
              .kw("name")
              .dev(out)
              .kw("mtu")
              .num(MTU),
          CommandLine.of("link", "set", "dev").dev(in).kw("addrgenmode").kw("none"),
          CommandLine.of("link", "set", "dev").dev(out).kw("addrgenmode").kw("none"),
          CommandLine.of("link", "set", "dev").dev(out).kw("up"),
          CommandLine.of("link", "set", "dev").dev(in).kw("up"));
    }

    public int stage() {
      return 1;
    }
  }

  /** Deletes a conditioner pair of ours (deleting one end of a veth deletes both). */
  record DeleteConditioner(InterfaceName in) implements KernelAction {
    public DeleteConditioner {
      if (!ConditionerPair.ours(in)) {
        throw new IllegalArgumentException(in + " is not ours to delete");
      }
    }

    public Tool tool() {
      return Tool.IP;
    }

    public List<CommandLine> commands() {
      return List.of(CommandLine.of("link", "del", "dev").dev(in));
    }

    public int stage() {
      return 0;
    }
  }

  /**
   * The budget: a {@code tbf} root on one end of a conditioner pair, which only copies ever cross.
   * A copy that does not fit is dropped there (counted in the qdisc's drops); the guest's own frame
   * was never queued anywhere near it. Burst: 64 KiB or 10 ms of the rate, whichever is larger; at
   * most 50 ms of copies wait.
   */
  record AddConditionerShaper(InterfaceName out, io.pvespan.model.Bandwidth budget)
      implements KernelAction {
    public AddConditionerShaper {
      if (!ConditionerPair.ours(out)) {
        throw new IllegalArgumentException(out + " is not a conditioner of ours");
      }
      Objects.requireNonNull(budget);
    }

    public long burstBytes() {
      return Math.max(65536, budget.bytesPerSecond() / 100);
    }

    public Tool tool() {
      return Tool.TC;
    }

    public List<CommandLine> commands() {
      return List.of(
          CommandLine.of("qdisc", "replace", "dev")
              .dev(out)
              .kw("root")
              .kw("handle")
              .kw(Ownership.CONDITIONER_ROOT_HANDLE)
              .kw("tbf")
              .kw("rate")
              .kw(budget.tcRate())
              .kw("burst")
              .num(burstBytes())
              .kw("latency")
              .kw("50ms"));
    }

    public int stage() {
      return 2;
    }
  }

  /**
   * Adds the classic {@code ingress} qdisc (handle {@code ffff:}), never {@code clsact}: Proxmox's
   * plug adds {@code ingress} itself and would fail on a device holding clsact.
   */
  record AddIngressQdisc(InterfaceName device) implements KernelAction {
    public Tool tool() {
      return Tool.TC;
    }

    public List<CommandLine> commands() {
      return List.of(
          CommandLine.of("qdisc", "add", "dev").dev(device).kw("handle").kw("ffff:").kw("ingress"));
    }

    public int stage() {
      return 2;
    }
  }

  /**
   * Replaces the kernel's default root qdisc (noqueue, pfifo_fast, mq...) by an htb without classes
   * (handle {@link Ownership#ROOT_HANDLE}): unclassified traffic goes through htb's direct queue
   * unshaped, and filters can hang on it.
   */
  record AddRootQdisc(InterfaceName device) implements KernelAction {
    public Tool tool() {
      return Tool.TC;
    }

    public List<CommandLine> commands() {
      return List.of(
          CommandLine.of("qdisc", "add", "dev")
              .dev(device)
              .kw("root")
              .kw("handle")
              .kw(Ownership.ROOT_HANDLE)
              .kw("htb"));
    }

    public int stage() {
      return 2;
    }
  }

  /** Deletes our root htb; the handle in the command makes the kernel refuse any other root. */
  record DeleteOwnedRootQdisc(InterfaceName device) implements KernelAction {
    public Tool tool() {
      return Tool.TC;
    }

    public List<CommandLine> commands() {
      return List.of(
          CommandLine.of("qdisc", "del", "dev")
              .dev(device)
              .kw("root")
              .kw("handle")
              .kw(Ownership.ROOT_HANDLE));
    }

    public int stage() {
      return 6;
    }
  }

  /**
   * Adds a mirror (or delivery) filter at {@code prio} on {@code side} of {@code device}; {@code
   * rootHandle} is the root qdisc's handle for the egress side. A mirror uses {@code continue} so
   * every later filter (Proxmox's police at prio 50) still sees the frame.
   */
  record AddMirrorFilter(
      InterfaceName device,
      TcSide side,
      String rootHandle,
      int prio,
      FilterMatch match,
      MirredMode mode,
      InterfaceName target,
      OwnershipCookie cookie)
      implements KernelAction {
    public AddMirrorFilter {
      if (!Ownership.reservedPrio(prio)) {
        throw new IllegalArgumentException("prio " + prio + " is outside our range");
      }
      checkHandle(side, rootHandle);
      Objects.requireNonNull(match);
      Objects.requireNonNull(mode);
      Objects.requireNonNull(target);
      Objects.requireNonNull(cookie);
    }

    public Tool tool() {
      return Tool.TC;
    }

    public List<CommandLine> commands() {
      CommandLine l = hook(CommandLine.of("filter", "add", "dev").dev(device), side, rootHandle);
      match.appendTo(l.kw("prio").num(prio).kw("protocol").kw("all"));
      l.kw("action").kw("mirred").kw("egress").kw(mode.word()).kw("dev").dev(target);
      if (mode == MirredMode.MIRROR) {
        l.kw("continue");
      }
      return List.of(l.kw("cookie").kw(cookie.hex()));
    }

    public int stage() {
      return 4;
    }
  }

  /**
   * Deletes one priority of ours (it carries our cookie and lies in our range). {@code afterAdds}:
   * a filter no entry wants any more goes after the new filters are in (make before break: a filter
   * replaced by one of another identity, e.g. a tunnel re-pointed, leaves no instant without
   * copies); a filter rewritten at its own priority must go before its add.
   */
  record DeleteOwnedFilter(
      InterfaceName device, TcSide side, String rootHandle, int prio, boolean afterAdds)
      implements KernelAction {
    public DeleteOwnedFilter {
      if (!Ownership.reservedPrio(prio)) {
        throw new IllegalArgumentException("prio " + prio + " is outside our range");
      }
      checkHandle(side, rootHandle);
    }

    public Tool tool() {
      return Tool.TC;
    }

    public List<CommandLine> commands() {
      return List.of(
          hook(CommandLine.of("filter", "del", "dev").dev(device), side, rootHandle)
              .kw("prio")
              .num(prio));
    }

    public int stage() {
      return afterAdds ? 5 : 3;
    }
  }

  private static CommandLine hook(CommandLine l, TcSide side, String rootHandle) {
    return side == TcSide.INGRESS ? l.kw("ingress") : l.kw("parent").kw(rootHandle);
  }

  private static void checkHandle(TcSide side, String rootHandle) {
    if (side == TcSide.EGRESS
        && (rootHandle == null || !Pattern.matches("[0-9a-f]{1,4}:", rootHandle))) {
      throw new IllegalArgumentException(
          "egress filters need a root qdisc handle, not " + rootHandle);
    }
  }
}
