package io.pvespan.spec;

import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.util.Objects;

/** A sensor guest and the NIC that receives the mirror. */
public record SensorVm(VmId vmid, NicId nic) {
  public SensorVm {
    Objects.requireNonNull(vmid, "vmid");
    Objects.requireNonNull(nic, "nic");
  }
}
