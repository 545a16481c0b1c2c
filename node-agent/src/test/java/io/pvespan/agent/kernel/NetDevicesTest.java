package io.pvespan.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NetDevicesTest {
  @Test
  void theNamesOfATableAsTheKernelWritesIt() {
    String table =
        "Inter-|   Receive                                                |  Transmit\n"
            + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets"
            + " errs drop fifo colls carrier compressed\n"
            + "    lo:   18432     210    0    0    0     0          0         0    18432     210"
            + "    0    0    0     0       0          0\n"
            + "tap900i0:       0       0    0    0    0     0          0         0   313622    "
            + " 309    0    0    0     0       0          0\n"
            + "pspq0123abcd: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n";
    assertThat(NetDevices.parse(table)).containsExactly("lo", "pspq0123abcd", "tap900i0");
  }

  @Test
  void theCallingThreadsNamespaceHasItsLoopback() {
    assertThat(NetDevices.names(Tcpdump.NET_DEV)).contains("lo");
  }
}
