package io.pvespan.agent.kernel;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address literal (never a host name: nothing is ever resolved), normalised to
 * {@link InetAddress#getHostAddress()} form so it compares equal to what {@code ip -j} prints.
 */
public record IpAddress(String value, byte[] bytes) {
  private static final Pattern V4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  public IpAddress {
    bytes = bytes.clone();
  }

  /** Parses a literal; anything else (names, scopes, garbage) is an IllegalArgumentException. */
  public static IpAddress parse(String text) {
    if (text == null || !(V4.matcher(text).matches() || V6.matcher(text).matches())) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
    try {
      // A literal of this form is parsed, never looked up in DNS.
      InetAddress a = InetAddress.getByName(text);
      return new IpAddress(a.getHostAddress(), a.getAddress());
    } catch (UnknownHostException | SecurityException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
  }

  public boolean ipv4() {
    return bytes.length == 4;
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress a && a.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
