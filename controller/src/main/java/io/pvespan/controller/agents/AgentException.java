package io.pvespan.controller.agents;

/** An agent could not be used; the message is one line, never the credential. */
public final class AgentException extends Exception {
  public AgentException(String message) {
    super(message);
  }
}
