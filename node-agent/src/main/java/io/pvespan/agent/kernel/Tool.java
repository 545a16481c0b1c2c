package io.pvespan.agent.kernel;

/** The two iproute2 binaries the agent calls, by absolute path (no PATH lookup, no shell). */
public enum Tool {
  IP("/usr/sbin/ip"),
  TC("/usr/sbin/tc");

  private final String path;

  Tool(String path) {
    this.path = path;
  }

  public String path() {
    return path;
  }
}
