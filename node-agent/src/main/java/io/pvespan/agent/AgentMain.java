package io.pvespan.agent;

/** Entry point of {@code ./pvespan agent}. */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    System.err.println(
        "usage: ./pvespan agent --node NAME --listen HOST:PORT --state-dir DIR --token-file FILE");
    System.exit(2);
  }
}
