package io.pvespan.agent.kernel;

/** The 50 UDP flows the sensor group tests send: the table test and the kernel test agree. */
final class GroupFlows {
  static final String GUEST = "198.18.60.10";
  static final String PEER = "198.18.60.20";
  static final int FIRST_PORT = 20000;
  static final int SERVER_PORT = 9000;

  private GroupFlows() {}

  /** Flow {@code f}'s frame, from the guest ({@code reply} false) or back to it. */
  static byte[] frame(int f, boolean reply) {
    return reply
        ? Frames.ipv4(17, PEER, GUEST, SERVER_PORT, FIRST_PORT + f)
        : Frames.ipv4(17, GUEST, PEER, FIRST_PORT + f, SERVER_PORT);
  }
}
