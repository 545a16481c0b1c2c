package io.pvespan.agent.kernel;

/** An address prefix {@code A/N} (or a single address, N = full length) from a filter rule. */
public record Cidr(IpAddress network, int prefixLength) {
  public Cidr {
    int max = network.ipv4() ? 32 : 128;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0.." + max);
    }
  }

  /** Parses {@code 198.18.0.0/15}, {@code 2001:db8::/32} or a bare address. */
  public static Cidr parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("null is not a CIDR");
    }
    int slash = text.indexOf('/');
    IpAddress address = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
    int max = address.ipv4() ? 32 : 128;
    int length = max;
    if (slash >= 0) {
      String n = text.substring(slash + 1);
      if (!n.matches("[0-9]{1,3}")) {
        throw new IllegalArgumentException("'" + text + "' is not a CIDR");
      }
      length = Integer.parseInt(n);
    }
    return new Cidr(address, length);
  }

  /** Whether {@code address} lies in this prefix (same family). */
  public boolean contains(IpAddress address) {
    if (address.ipv4() != network.ipv4()) {
      return false;
    }
    byte[] b = address.bytes();
    for (int i = 0; i < words(); i++) {
      long w = 0;
      for (int k = 0; k < 4; k++) {
        w = (w << 8) | (b[i * 4 + k] & 0xFF);
      }
      if ((w & mask(i)) != word(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return network.value() + "/" + prefixLength;
  }

  /** The 32-bit word {@code i} of the network, masked to the prefix. */
  long word(int i) {
    byte[] b = network.bytes();
    long w = 0;
    for (int k = 0; k < 4; k++) {
      w = (w << 8) | (b[i * 4 + k] & 0xFF);
    }
    return w & mask(i);
  }

  /** The mask of word {@code i} (0 when the prefix does not reach it). */
  long mask(int i) {
    int bits = Math.max(0, Math.min(32, prefixLength - 32 * i));
    return bits == 0 ? 0 : (0xFFFF_FFFFL << (32 - bits)) & 0xFFFF_FFFFL;
  }

  /** How many leading 32-bit words the prefix constrains. */
  int words() {
    return (prefixLength + 31) / 32;
  }
}
