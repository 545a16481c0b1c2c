package io.pvespan.controller.certs;

import java.util.regex.Pattern;

/** IP address literals, recognised without a DNS lookup. */
final class IpLiterals {
  private static final Pattern V4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private IpLiterals() {}

  static boolean isIp(String text) {
    if (V4.matcher(text).matches()) {
      return true;
    }
    if (!V6.matcher(text).matches()) {
      return false;
    }
    try {
      // A literal of only hex digits, colons and dots never triggers a lookup.
      return java.net.InetAddress.getByName(text) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
