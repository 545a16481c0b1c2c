package io.pvespan.controller.pve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Proxmox API token, {@code USER@REALM!TOKENID=SECRET}. The secret never leaves this object
 * except as the {@code Authorization} header value: {@link #toString()} shows only the token id.
 *
 * <p>Form as pve-access-control/pve-common define it: user names without {@code @ : !} or
 * whitespace, realm and token id {@code [A-Za-z][A-Za-z0-9.\-_]+} (JSONSchema formats {@code
 * pve-realm} and {@code pve-tokenid}); the secret is a UUID in practice, accepted as {@code
 * [A-Za-z0-9-]+}.
 */
public final class PveToken {
  private static final Pattern FORM =
      Pattern.compile(
          "([^\\s@:!=]+@[A-Za-z][A-Za-z0-9.\\-_]+![A-Za-z][A-Za-z0-9.\\-_]+)=([A-Za-z0-9-]{1,128})");

  private final String id;
  private final String secret;

  private PveToken(String id, String secret) {
    this.id = id;
    this.secret = secret;
  }

  /**
   * Parses {@code USER@REALM!TOKENID=SECRET}.
   *
   * @throws IllegalArgumentException with a one-line message that never contains the secret
   */
  public static PveToken parse(String text) {
    var m = text == null ? null : FORM.matcher(text.strip());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "the API token is not of the form USER@REALM!TOKENID=SECRET"
              + " (e.g. pvespan@pve!controller=xxxxxxxx-xxxx-...)");
    }
    return new PveToken(m.group(1), m.group(2));
  }

  /**
   * Reads a token from a file holding only {@code USER@REALM!TOKENID=SECRET} (a trailing newline is
   * fine). Refuses a file that group or others may read, like ssh does with private keys.
   *
   * @throws PveException with one line naming the file, never its content
   */
  public static PveToken fromFile(Path file) throws PveException {
    try {
      var view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
      if (view != null) {
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (perms.contains(PosixFilePermission.GROUP_READ)
            || perms.contains(PosixFilePermission.OTHERS_READ)) {
          throw new PveException(
              file
                  + ": the token file is readable by group or others ("
                  + PosixFilePermissions.toString(perms)
                  + "); run chmod 600 "
                  + file);
        }
      }
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new PveException(file + ": cannot read the token file: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new PveException(file + ": " + e.getMessage());
    }
  }

  /** {@code USER@REALM!TOKENID}: safe to log. */
  public String id() {
    return id;
  }

  /** The {@code Authorization} header value: {@code PVEAPIToken=USER@REALM!TOKENID=SECRET}. */
  public String authorizationHeader() {
    return "PVEAPIToken=" + id + "=" + secret;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PveToken t && t.id.equals(id) && t.secret.equals(secret);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return id + "=<secret>";
  }
}
