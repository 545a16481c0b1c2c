package io.pvespan.agent.kernel;

/**
 * The marks that make kernel objects ours. Filters: a priority in {@link #MIN_PRIO}..{@link
 * #MAX_PRIO} and an action {@link OwnershipCookie}; both are required. The range ends below 50,
 * Proxmox's police filter, because a filter after it would never see rate-limited traffic. Root
 * qdisc: an htb with handle {@link #ROOT_HANDLE}, added only where the kernel's default root was
 * (Proxmox's plug deletes it anyway before adding its own). Devices: the {@code psp} name prefix.
 */
public final class Ownership {
  public static final int MIN_PRIO = 7;
  public static final int MAX_PRIO = 49;

  /** "sp" in ASCII; Proxmox uses 1:. */
  public static final String ROOT_HANDLE = "7370:";

  /** The budget's tbf on a copy conditioner's own device ("sq"); never on a guest's device. */
  public static final String CONDITIONER_ROOT_HANDLE = "7371:";

  private Ownership() {}

  public static boolean reservedPrio(int prio) {
    return prio >= MIN_PRIO && prio <= MAX_PRIO;
  }
}
