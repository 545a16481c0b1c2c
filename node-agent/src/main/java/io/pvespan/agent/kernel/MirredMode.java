package io.pvespan.agent.kernel;

/**
 * MIRROR copies and lets the frame go on (with the {@code continue} control, so later filters such
 * as Proxmox's police filter still see it); REDIRECT moves it (deliveries from our own tunnel
 * devices into a sensor).
 */
public enum MirredMode {
  MIRROR("mirror"),
  REDIRECT("redirect");

  private final String word;

  MirredMode(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }
}
