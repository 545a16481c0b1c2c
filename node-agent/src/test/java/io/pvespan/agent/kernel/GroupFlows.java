package io.pvespan.agent.kernel;

/** The 50 UDP flows the sensor group tests send: the table test and the kernel test agree. */
public final class GroupFlows {
  public static final int FLOWS = 50;
  public static final String GUEST = "198.18.60.10";
  public static final String PEER = "198.18.60.20";
  public static final int FIRST_PORT = 20000;
  public static final int SERVER_PORT = 9000;

  private GroupFlows() {}

  /**
   * The member of a group of {@code count} that flow {@code f} goes to, as the agent's own
   * interpreter runs the compiled share programs (the kernel test checks the kernel agrees).
   */
  public static int member(int f, int count) {
    byte[] frame = frame(f, false);
    for (int i = 0; i < count; i++) {
      BpfProgram p = FlowHashCompiler.compile(new io.pvespan.plan.Share(i, count, "m"), null);
      if (ClassicBpf.matches(p, frame, frame.length)) {
        return i;
      }
    }
    throw new IllegalStateException("no member takes flow " + f);
  }

  /** Flow {@code f}'s frame, from the guest ({@code reply} false) or back to it. */
  static byte[] frame(int f, boolean reply) {
    return reply
        ? Frames.ipv4(17, PEER, GUEST, SERVER_PORT, FIRST_PORT + f)
        : Frames.ipv4(17, GUEST, PEER, FIRST_PORT + f, SERVER_PORT);
  }
}
