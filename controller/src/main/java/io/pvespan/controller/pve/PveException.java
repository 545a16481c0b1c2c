package io.pvespan.controller.pve;

/** The Proxmox API could not be used; the message is one line for the user, never the token. */
public class PveException extends Exception {
  public PveException(String message) {
    super(message);
  }

  public PveException(String message, Throwable cause) {
    super(message, cause);
  }
}
