package io.pvespan.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GuestNicDeviceTest {
  @ParameterizedTest
  @CsvSource({
    "tap101i0, qemu, 101, 0",
    "tap101i31, qemu, 101, 31",
    "veth103i1, lxc, 103, 1",
    "tap999999999i7, qemu, 999999999, 7",
  })
  void parsesProxmoxDeviceNames(String name, String type, int vmid, int nic) {
    GuestNicDevice d = GuestNicDevice.parse(InterfaceName.of(name)).orElseThrow();

    assertThat(d)
        .isEqualTo(new GuestNicDevice(GuestType.parse(type), VmId.of(vmid), new NicId(nic)));
    assertThat(d.device().value()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "vmbr0",
        "fwpr101p0",
        "fwln101i0",
        "tap",
        "tapi0",
        "tap101",
        "tap101i",
        "tap99i0",
        "tap101i32",
        "tap0101i0",
        "tap101i01",
        "tap101ix",
        "veth101i0x",
        "tap1x1i0",
        "eth0",
        "pspv0a1b2c"
      })
  void anyOtherDeviceIsNoGuestNic(String name) {
    assertThat(GuestNicDevice.parse(InterfaceName.of(name))).isEmpty();
  }
}
