package io.pvespan.agent.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A strict IP address literal check that never resolves a name: tunnel endpoints reach {@code ip
 * link add ... remote X} as arguments, so only a dotted IPv4 or a colon IPv6 literal is allowed.
 */
final class IpLiteral {
  private static final Pattern V4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern V6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private IpLiteral() {}

  static boolean valid(String text) {
    if (text == null) {
      return false;
    }
    if (V4.matcher(text).matches()) {
      return true;
    }
    if (!text.contains(":") || !V6_CHARS.matcher(text).matches()) {
      return false;
    }
    try {
      // With a ':' the JDK parses an IPv6 literal and never looks a name up.
      return InetAddress.getByName(text).getAddress().length == 16;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
