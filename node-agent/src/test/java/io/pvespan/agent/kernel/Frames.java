package io.pvespan.agent.kernel;

/** Hand-built Ethernet frames for classifier tests. */
final class Frames {
  private Frames() {}

  static byte[] ipv4(int proto, String src, String dst, int sport, int dport) {
    byte[] f = new byte[14 + 20 + 8 + 4];
    f[12] = 0x08;
    f[13] = 0x00;
    f[14] = 0x45;
    f[14 + 9] = (byte) proto;
    System.arraycopy(IpAddress.parse(src).bytes(), 0, f, 26, 4);
    System.arraycopy(IpAddress.parse(dst).bytes(), 0, f, 30, 4);
    f[34] = (byte) (sport >> 8);
    f[35] = (byte) sport;
    f[36] = (byte) (dport >> 8);
    f[37] = (byte) dport;
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

  static byte[] arp() {
    byte[] f = new byte[42];
    f[12] = 0x08;
    f[13] = 0x06;
    return f;
  }
}
