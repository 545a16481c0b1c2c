package io.pvespan.agent.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import io.pvespan.model.InterfaceName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sends whole Ethernet frames out of a named device through one {@code AF_PACKET}/{@code SOCK_RAW}
 * socket (libc through JNA: the JDK has no packet sockets; no process, no shell). A frame sent this
 * way enters the device's transmit path like a mirred copy does: its egress qdisc and filters, then
 * the driver. Not thread-safe: one thread owns it. In a lab namespace the owning thread first joins
 * it with {@code setns} (only that thread moves; the agent's other threads stay).
 */
public final class PacketSocket implements AutoCloseable {
  private static final int AF_PACKET = 17;
  private static final int SOCK_RAW = 3;
  private static final int O_RDONLY = 0;
  private static final int CLONE_NEWNET = 0x40000000;

  /** The libc calls used; each throws {@link LastErrorException} with errno on -1. */
  interface LibC extends Library {
    int socket(int domain, int type, int protocol) throws LastErrorException;

    int sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen)
        throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int if_nametoindex(String name);

    int open(String path, int flags) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;
  }

  private static volatile LibC libc;
  private final int fd;

  private PacketSocket(int fd) {
    this.fd = fd;
  }

  private static LibC libc() {
    if (libc == null) {
      libc = Native.load("c", LibC.class);
    }
    return libc;
  }

  /** Moves the calling thread into lab namespace {@code netns}; call before {@link #open()}. */
  public static void joinNamespace(NetnsName netns) throws IOException {
    try {
      int ns = libc().open("/run/netns/" + netns.value(), O_RDONLY);
      try {
        libc().setns(ns, CLONE_NEWNET);
      } finally {
        libc().close(ns);
      }
    } catch (LastErrorException | LinkageError e) {
      throw new IOException("cannot join namespace " + netns + ": " + e.getMessage());
    }
  }

  /** A send-only packet socket (protocol 0: it receives nothing) in the thread's namespace. */
  public static PacketSocket open() throws IOException {
    try {
      return new PacketSocket(libc().socket(AF_PACKET, SOCK_RAW, 0));
    } catch (LastErrorException | LinkageError e) {
      throw new IOException("cannot open an AF_PACKET socket: " + e.getMessage());
    }
  }

  /** Sends {@code frame} (Ethernet header first) out of {@code device}. */
  public void send(InterfaceName device, byte[] frame) throws IOException {
    int index = libc().if_nametoindex(device.value());
    if (index == 0) {
      throw new IOException("device " + device + " absent");
    }
    try {
      libc().sendto(fd, frame, frame.length, 0, sockaddrLl(index, frame), 20);
    } catch (LastErrorException e) {
      throw new IOException("send on " + device + ": errno " + e.getErrorCode());
    }
  }

  /** {@code struct sockaddr_ll}: family, protocol (network order), ifindex, then unused here. */
  private static byte[] sockaddrLl(int ifindex, byte[] frame) {
    ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    b.putShort((short) AF_PACKET);
    b.put(frame[12]).put(frame[13]); // sll_protocol, big-endian as on the wire
    b.putInt(ifindex);
    b.putShort((short) 0).put((byte) 0).put((byte) 6);
    b.put(frame, 0, 6);
    return b.array();
  }

  @Override
  public void close() {
    try {
      libc().close(fd);
    } catch (LastErrorException e) {
      // closing a socket we opened cannot fail in a way worth reporting
    }
  }
}
