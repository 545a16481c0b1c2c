package io.pvespan.agent.kernel;

/** Hand-built Ethernet frames for classifier tests. */
final class Frames {
  private Frames() {}

  static byte[] ipv4(int proto, String src, String dst, int sport, int dport) {
    return ipv4(proto, src, dst, sport, dport, 0, 0);
  }

  /**
   * An IPv4 frame with {@code optionWords} 32-bit words of IP options (IHL = 5 + optionWords) and
   * the given fragment offset (in 8-byte units; non-zero: not a first fragment).
   */
  static byte[] ipv4(
      int proto, String src, String dst, int sport, int dport, int optionWords, int fragOffset) {
    int ihl = 20 + 4 * optionWords;
    byte[] f = new byte[14 + ihl + 8 + 4];
    f[12] = 0x08;
    f[13] = 0x00;
    f[14] = (byte) (0x40 | (ihl / 4));
    f[14 + 6] = (byte) (fragOffset >> 8);
    f[14 + 7] = (byte) fragOffset;
    f[14 + 9] = (byte) proto;
    System.arraycopy(IpAddress.parse(src).bytes(), 0, f, 26, 4);
    System.arraycopy(IpAddress.parse(dst).bytes(), 0, f, 30, 4);
    int l4 = 14 + ihl;
    f[l4] = (byte) (sport >> 8);
    f[l4 + 1] = (byte) sport;
    f[l4 + 2] = (byte) (dport >> 8);
    f[l4 + 3] = (byte) dport;
    return f;
  }

  static byte[] ipv6(int nextHeader, String src, String dst, int sport, int dport) {
    byte[] f = new byte[14 + 40 + 8];
    f[12] = (byte) 0x86;
    f[13] = (byte) 0xDD;
    f[14] = 0x60;
    f[20] = (byte) nextHeader;
    System.arraycopy(IpAddress.parse(src).bytes(), 0, f, 22, 16);
    System.arraycopy(IpAddress.parse(dst).bytes(), 0, f, 38, 16);
    f[54] = (byte) (sport >> 8);
    f[55] = (byte) sport;
    f[56] = (byte) (dport >> 8);
    f[57] = (byte) dport;
    return f;
  }

  /**
   * An IPv6 frame whose fixed header is followed by extension headers of the given types (0
   * hop-by-hop, 43 routing, 60 destination options: 16 bytes each; 44 fragment: 8 bytes, offset
   * {@code fragOffset}; 51 AH: 16 bytes), then the transport header of protocol {@code last}.
   */
  static byte[] ipv6(
      int[] extensions, int fragOffset, int last, String src, String dst, int sport, int dport) {
    int ext = 0;
    for (int e : extensions) {
      ext += e == 44 ? 8 : 16;
    }
    byte[] f = new byte[14 + 40 + ext + 8];
    f[12] = (byte) 0x86;
    f[13] = (byte) 0xDD;
    f[14] = 0x60;
    System.arraycopy(IpAddress.parse(src).bytes(), 0, f, 22, 16);
    System.arraycopy(IpAddress.parse(dst).bytes(), 0, f, 38, 16);
    int nextHeaderAt = 20;
    int at = 54;
    for (int e : extensions) {
      f[nextHeaderAt] = (byte) e;
      nextHeaderAt = at;
      if (e == 44) {
        f[at + 2] = (byte) ((fragOffset << 3) >> 8);
        f[at + 3] = (byte) (fragOffset << 3);
        at += 8;
      } else {
        f[at + 1] = (byte) (e == 51 ? 2 : 1); // AH: (2+2)*4 = 16; others: (1+1)*8 = 16
        at += 16;
      }
    }
    f[nextHeaderAt] = (byte) last;
    f[at] = (byte) (sport >> 8);
    f[at + 1] = (byte) sport;
    f[at + 2] = (byte) (dport >> 8);
    f[at + 3] = (byte) dport;
    return f;
  }

  /** {@code frame} with an 802.1Q (or 802.1ad, {@code tpid}) tag for {@code vid} in the data. */
  static byte[] tagged(byte[] frame, int tpid, int vid) {
    byte[] f = new byte[frame.length + 4];
    System.arraycopy(frame, 0, f, 0, 12);
    f[12] = (byte) (tpid >> 8);
    f[13] = (byte) tpid;
    f[14] = (byte) (vid >> 8);
    f[15] = (byte) vid;
    System.arraycopy(frame, 12, f, 16, frame.length - 12);
    return f;
  }

  static byte[] arp() {
    byte[] f = new byte[42];
    f[12] = 0x08;
    f[13] = 0x06;
    return f;
  }
}
