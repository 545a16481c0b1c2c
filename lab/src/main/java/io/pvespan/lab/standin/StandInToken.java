package io.pvespan.lab.standin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The one Proxmox API token the stand-in accepts, {@code USER@REALM!TOKENID=SECRET} (the form
 * Proxmox and the controller's client use). The stand-in only needs the {@code Authorization}
 * header a client will send; {@link #toString()} never shows the secret.
 */
public final class StandInToken {
  private static final Pattern FORM =
      Pattern.compile(
          "([^\\s@:!=]+@[A-Za-z][A-Za-z0-9.\\-_]+![A-Za-z][A-Za-z0-9.\\-_]+)=([A-Za-z0-9-]{1,128})");

  private final String id;
  private final String secret;

  private StandInToken(String id, String secret) {
    this.id = id;
    this.secret = secret;
  }

  /**
   * Parses {@code USER@REALM!TOKENID=SECRET}.
   *
   * @throws IllegalArgumentException with a message that never contains the secret
   */
  public static StandInToken parse(String text) {
    var m = text == null ? null : FORM.matcher(text.strip());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "the API token is not of the form USER@REALM!TOKENID=SECRET");
    }
    return new StandInToken(m.group(1), m.group(2));
  }

  /**
   * Reads a file holding only the token (a trailing newline is fine).
   *
   * @throws IllegalArgumentException naming the file, never its content
   */
  public static StandInToken fromFile(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read the token file: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  /** The {@code Authorization} header value a client sends: {@code PVEAPIToken=ID=SECRET}. */
  public String authorizationHeader() {
    return "PVEAPIToken=" + id + "=" + secret;
  }

  @Override
  public String toString() {
    return id + "=<secret>";
  }
}
