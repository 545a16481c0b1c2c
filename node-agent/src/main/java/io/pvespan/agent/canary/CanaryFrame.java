package io.pvespan.agent.canary;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A canary: one Ethernet frame that says "session {@code session}'s copies from node {@code
 * sourceNode} left at {@code sentAtMillis}". Wire form (big-endian): destination {@link #DST_MAC}
 * and source {@link #SRC_MAC} (locally administered), ethertype {@link #ETHERTYPE} (IEEE 802 local
 * experimental 1), magic {@code PSPC}, version 1, sequence (8 bytes), send time in epoch
 * milliseconds (8), session and source node (each one length byte + UTF-8), then the first 16 bytes
 * of HMAC-SHA256 over everything from the magic on, keyed with {@link CanaryKey}; zero padding to
 * the Ethernet minimum. {@link #decode} gives empty for anything else: a frame that is not ours,
 * truncated, or not signed with the key.
 */
public record CanaryFrame(String session, String sourceNode, long sequence, long sentAtMillis) {
  public static final int ETHERTYPE = 0x88B5;
  static final byte[] DST_MAC = {0x02, 0x70, 0x73, 0x70, 0x63, 0x31};
  static final byte[] SRC_MAC = {0x02, 0x70, 0x73, 0x70, 0x63, 0x30};
  static final int MAGIC = 0x50535043; // "PSPC"
  static final int VERSION = 1;
  static final int TAG = 16;
  static final int MIN_FRAME = 60;

  public CanaryFrame {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(sourceNode, "sourceNode");
    if (utf8(session).length == 0 || utf8(session).length > 255) {
      throw new IllegalArgumentException("canary session name must be 1..255 bytes");
    }
    if (utf8(sourceNode).length == 0 || utf8(sourceNode).length > 255) {
      throw new IllegalArgumentException("canary node name must be 1..255 bytes");
    }
  }

  /** The whole Ethernet frame (without FCS), signed with {@code key}. */
  public byte[] encode(CanaryKey key) {
    byte[] s = utf8(session);
    byte[] n = utf8(sourceNode);
    int body = 4 + 1 + 8 + 8 + 1 + s.length + 1 + n.length;
    ByteBuffer b = ByteBuffer.allocate(Math.max(MIN_FRAME, 14 + body + TAG));
    b.put(DST_MAC).put(SRC_MAC).putShort((short) ETHERTYPE);
    b.putInt(MAGIC).put((byte) VERSION).putLong(sequence).putLong(sentAtMillis);
    b.put((byte) s.length).put(s).put((byte) n.length).put(n);
    b.put(key.tag(b.array(), 14, body), 0, TAG);
    return b.array();
  }

  /** The canary in {@code frame} (starting at its Ethernet header), if it is one signed by key. */
  public static Optional<CanaryFrame> decode(byte[] frame, CanaryKey key) {
    return decode(frame, 0, frame.length, key);
  }

  /** {@link #decode(byte[], CanaryKey)} for {@code length} bytes at {@code offset}. */
  public static Optional<CanaryFrame> decode(byte[] frame, int offset, int length, CanaryKey key) {
    try {
      ByteBuffer b = ByteBuffer.wrap(frame, offset, length).slice();
      if (length < 14 + 4 + 1 + 8 + 8 + 2 + TAG) {
        return Optional.empty();
      }
      b.position(12);
      if ((b.getShort() & 0xffff) != ETHERTYPE || b.getInt() != MAGIC || b.get() != VERSION) {
        return Optional.empty();
      }
      long sequence = b.getLong();
      long sentAt = b.getLong();
      byte[] s = new byte[b.get() & 0xff];
      b.get(s);
      byte[] n = new byte[b.get() & 0xff];
      b.get(n);
      int body = b.position() - 14;
      byte[] tag = new byte[TAG];
      b.get(tag);
      if (s.length == 0 || n.length == 0) {
        return Optional.empty();
      }
      byte[] expected = key.tag(frame, offset + 14, body);
      if (!MessageDigest.isEqual(Arrays.copyOf(expected, TAG), tag)) {
        return Optional.empty();
      }
      return Optional.of(
          new CanaryFrame(
              new String(s, StandardCharsets.UTF_8),
              new String(n, StandardCharsets.UTF_8),
              sequence,
              sentAt));
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The HMAC key canaries are signed with. */
  public record CanaryKey(byte[] secret, boolean authenticated) {
    private static final byte[] LABEL =
        "pvespan canary key v1\0".getBytes(StandardCharsets.US_ASCII);

    /**
     * The key every agent derives from the agents' shared token (so a guest, which does not know
     * the token, cannot forge a canary); without a token (mutual TLS only) a fixed key that
     * authenticates nothing.
     */
    public static CanaryKey of(Optional<String> token) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(LABEL);
        token.ifPresent(t -> sha.update(t.getBytes(StandardCharsets.UTF_8)));
        return new CanaryKey(sha.digest(), token.isPresent());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("SHA-256 is missing", e);
      }
    }

    byte[] tag(byte[] data, int offset, int length) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        mac.update(data, offset, length);
        return mac.doFinal();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is missing", e);
      }
    }
  }
}
